//! `fetch --update` for OpenAlex against the mock (tests/it/common/mock_openalex/): after links
//! are added to the mock's world, an update re-asks the works (free) and asks only the citers
//! published since the last fetch of the paper whose count grew; a citer indexed late (published
//! long before) makes the merge fall short of the count, and the whole list is read again.

use citegraph::openalex::{self, OpenAlexOptions};
use citegraph::records::sources::Wanted;

use crate::common::mock_openalex::{Endpoint, OaMock, OaMockBuilder, OaWorld};
use crate::openalex_world::{env, options, papers, wanted};

/// A few world papers each with citers, asked about as catalogue papers.
fn asked() -> Vec<Wanted> {
    let papers = papers();
    let world = OaWorld::load();
    let mut ids: Vec<&String> = papers
        .keys()
        .filter(|id| {
            let keys = world.keys(id);
            keys.len() == 1 && (3..40).contains(&world.citers(&keys).len())
        })
        .collect();
    ids.sort();
    ids.truncate(3);
    assert_eq!(ids.len(), 3);
    ids.iter().map(|id| wanted(&papers[*id], None)).collect()
}

fn all(mock: &OaMock, update: bool) -> OpenAlexOptions {
    OpenAlexOptions {
        fill_only: false,
        update,
        ..options(mock)
    }
}

fn today() -> String {
    citegraph::clock::utc_stamp(citegraph::clock::now_secs())[..10].to_string()
}

/// The OpenAlex keys of a list's links.
fn keys(lists: &citegraph::records::SourceLists) -> Vec<String> {
    lists
        .citations
        .as_ref()
        .unwrap()
        .iter()
        .map(|l| {
            l.paper_id
                .clone()
                .unwrap()
                .trim_start_matches("openalex:")
                .to_string()
        })
        .collect()
}

#[test]
fn an_update_asks_only_the_new_citers_of_a_paper_whose_count_grew() {
    let dir = tempfile::tempdir().unwrap();
    let asked = asked();
    let first = OaMockBuilder::new(OaWorld::load()).start();
    let before = openalex::fetch(&asked, &all(&first, false), &env(dir.path(), false)).unwrap();
    assert!(first.count(Endpoint::Cites) >= asked.len());

    // Nothing changed: the works are re-asked, no list.
    let same = OaMockBuilder::new(OaWorld::load()).start();
    let again = openalex::fetch(&asked, &all(&same, true), &env(dir.path(), false)).unwrap();
    assert_eq!(again.lists, before.lists);
    assert!(same.count(Endpoint::Singleton) > 0);
    assert_eq!(same.count(Endpoint::Cites) + same.count(Endpoint::Ids), 0);

    // A paper gains a citer published today: one query of the recent citers, merged.
    let mut world = OaWorld::load();
    let grown = world.keys(asked[0].s2_id.as_deref().unwrap())[0].clone();
    world.add_citer("W9000000001", &grown, &today());
    let later = OaMockBuilder::new(world.clone()).start();
    let updated = openalex::fetch(&asked, &all(&later, true), &env(dir.path(), false)).unwrap();
    let cites: Vec<String> = later
        .log()
        .iter()
        .filter(|l| l.endpoint == Endpoint::Cites)
        .map(|l| l.target.clone())
        .collect();
    assert!(!cites.is_empty() && cites.len() <= 2, "{cites:?}");
    assert!(
        cites.iter().all(|u| u.contains("from_publication_date")),
        "{cites:?}"
    );
    assert_eq!(
        later.count(Endpoint::Ids),
        0,
        "references unchanged: not asked"
    );
    let mut expected = keys(&before.lists[0]);
    expected.push("W9000000001".to_string());
    let mut got = keys(&updated.lists[0]);
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(updated.lists[1..], before.lists[1..]);

    // A citer published years ago but indexed now: the merge misses it, the list is read whole.
    let grown = world.keys(asked[1].s2_id.as_deref().unwrap())[0].clone();
    world.add_citer("W9000000002", &grown, "2019-05-01");
    let late = OaMockBuilder::new(world).start();
    let whole = openalex::fetch(&asked, &all(&late, true), &env(dir.path(), false)).unwrap();
    assert!(keys(&whole.lists[1]).contains(&"W9000000002".to_string()));
    let urls: Vec<String> = late
        .log()
        .iter()
        .filter(|l| l.endpoint == Endpoint::Cites)
        .map(|l| l.target.clone())
        .collect();
    assert!(
        urls.iter().any(|u| !u.contains("from_publication_date")),
        "{urls:?}"
    );
    // The first paper's merged list now stands: its count did not change again.
    assert!(keys(&whole.lists[0]).contains(&"W9000000001".to_string()));
}
