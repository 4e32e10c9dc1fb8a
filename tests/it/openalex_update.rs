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

/// Whether a request is a list call for retracted links (`filter=…,is_retracted:true`).
fn is_retraction_filter(target: &str) -> bool {
    target.starts_with("/works?")
        && (target.contains("is_retracted%3Atrue") || target.contains("is_retracted:true"))
}

/// The update's calls asking for retracted links.
fn retraction_filters(mock: &OaMock) -> usize {
    mock.log()
        .iter()
        .filter(|l| is_retraction_filter(&l.target))
        .count()
}

#[test]
fn an_update_asks_only_the_new_citers_of_a_paper_whose_count_grew() {
    let dir = tempfile::tempdir().unwrap();
    let asked = asked();
    let first = OaMockBuilder::new(OaWorld::load()).start();
    let before = openalex::fetch(&asked, &all(&first, false), &env(dir.path(), false)).unwrap();
    assert!(first.count(Endpoint::Cites) >= asked.len());

    // Nothing changed: the works are re-asked, no list but the two retraction filters.
    let same = OaMockBuilder::new(OaWorld::load()).start();
    let again = openalex::fetch(&asked, &all(&same, true), &env(dir.path(), false)).unwrap();
    assert_eq!(again.lists, before.lists);
    assert!(same.count(Endpoint::Singleton) > 0);
    assert_eq!(same.count(Endpoint::Ids), 0);
    assert_eq!(retraction_filters(&same), 2);
    assert_eq!(same.requests(), same.count(Endpoint::Singleton) + 2);

    // A paper gains a citer published today: one query of the recent citers, merged.
    let mut world = OaWorld::load();
    let grown = world.keys(asked[0].s2_id.as_deref().unwrap())[0].clone();
    world.add_citer("W9000000001", &grown, &today());
    let later = OaMockBuilder::new(world.clone()).start();
    let updated = openalex::fetch(&asked, &all(&later, true), &env(dir.path(), false)).unwrap();
    let cites: Vec<String> = later
        .log()
        .iter()
        .filter(|l| l.endpoint == Endpoint::Cites && !is_retraction_filter(&l.target))
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
        .filter(|l| l.endpoint == Endpoint::Cites && !is_retraction_filter(&l.target))
        .map(|l| l.target.clone())
        .collect();
    assert!(
        urls.iter().any(|u| !u.contains("from_publication_date")),
        "{urls:?}"
    );
    // The first paper's merged list now stands: its count did not change again.
    assert!(keys(&whole.lists[0]).contains(&"W9000000001".to_string()));
}

/// A world paper of one work whose references OpenAlex has, as a catalogue paper.
fn citing_paper() -> Wanted {
    let papers = papers();
    let world = OaWorld::load();
    let mut ids: Vec<&String> = papers
        .keys()
        .filter(|id| {
            let keys = world.keys(id);
            keys.len() == 1
                && world.work(&keys[0]).is_some_and(|w| {
                    w["referenced_works"]
                        .as_array()
                        .is_some_and(|r| (3..40).contains(&r.len()))
                })
        })
        .collect();
    ids.sort();
    wanted(
        &papers[*ids.first().expect("a paper with references")],
        None,
    )
}

/// Issue #25: a linked paper retracted after its list was fetched. The unchanged lists are kept
/// without a request, and two filter calls for all the asked papers (`cites:…,is_retracted:true`
/// and `cited_by:…,is_retracted:true`) flag both a citer and a reference retracted since.
#[test]
fn an_update_flags_the_links_retracted_since_the_lists_were_fetched() {
    let dir = tempfile::tempdir().unwrap();
    let mut asked = asked();
    asked.push(citing_paper());
    let first = OaMockBuilder::new(OaWorld::load()).start();
    let before = openalex::fetch(&asked, &all(&first, false), &env(dir.path(), false)).unwrap();
    assert!(before.lists.iter().all(|l| l.retracted_links.is_empty()));

    // A citer of the first paper and a reference of a paper that has references, retracted since.
    let citer = keys(&before.lists[0])[0].clone();
    let (with_refs, reference) = before
        .lists
        .iter()
        .enumerate()
        .find_map(|(i, l)| {
            let first = l.references.as_ref()?.first()?.paper_id.clone()?;
            Some((i, first.trim_start_matches("openalex:").to_string()))
        })
        .expect("a paper with references");
    let mut world = OaWorld::load();
    for key in [&citer, &reference] {
        world.work_mut(key).unwrap()["is_retracted"] = serde_json::Value::Bool(true);
    }
    let marked = OaMockBuilder::new(world).start();
    let updated = openalex::fetch(&asked, &all(&marked, true), &env(dir.path(), false)).unwrap();
    assert!(
        updated.lists[0]
            .retracted_links
            .contains(&format!("openalex:{citer}")),
        "{:?}",
        updated.lists[0].retracted_links
    );
    assert!(
        updated.lists[with_refs]
            .retracted_links
            .contains(&format!("openalex:{reference}")),
        "{:?}",
        updated.lists[with_refs].retracted_links
    );
    // The lists themselves are those kept; only the two filter calls beyond the free works.
    for (new, old) in updated.lists.iter().zip(&before.lists) {
        assert_eq!(new.citations, old.citations);
        assert_eq!(new.references, old.references);
    }
    assert_eq!(retraction_filters(&marked), 2);
    assert_eq!(
        marked.requests(),
        marked.count(Endpoint::Singleton) + 2,
        "{:?}",
        marked.log()
    );

    // Offline, from the cache alone (the kept pages still hold the old flags): the update's
    // answers still flag both.
    let offline = openalex::fetch(&asked, &all(&marked, false), &env(dir.path(), true)).unwrap();
    for (new, old) in offline.lists.iter().zip(&updated.lists) {
        assert_eq!(new.retracted_links, old.retracted_links);
    }
}
