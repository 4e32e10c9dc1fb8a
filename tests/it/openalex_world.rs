//! The OpenAlex client against the mock built from the world (tests/it/common/mock_openalex.rs):
//! elided reference lists filled, preprint and published versions joined, lists, 404s and the
//! cache, offline.

use std::collections::{BTreeSet, HashMap};

use citegraph::openalex::{self, OpenAlexOptions};
use citegraph::records::sources::{Thin, Wanted};
use citegraph::records::Gap;
use serde_json::Value;

use crate::common::mock_openalex::{Endpoint, Fault, OaMock, OaMockBuilder, OaWorld};
use crate::common::{world_jsonl, world_truth};

/// The world's papers by S2 id.
pub fn papers() -> HashMap<String, Value> {
    static PAPERS: std::sync::OnceLock<HashMap<String, Value>> = std::sync::OnceLock::new();
    PAPERS.get_or_init(read_papers).clone()
}

fn read_papers() -> HashMap<String, Value> {
    std::fs::read_to_string(world_jsonl())
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let p: Value = serde_json::from_str(l).unwrap();
            (p["paperId"].as_str().unwrap().to_string(), p)
        })
        .collect()
}

/// What the pipeline would ask about a world paper: its ids, title, year and authors.
pub fn wanted(paper: &Value, thin: Option<Thin>) -> Wanted {
    let ext = &paper["externalIds"];
    let dois = ext["DOI"]
        .as_str()
        .map(str::to_lowercase)
        .filter(|d| !d.starts_with("10.48550/"))
        .into_iter()
        .collect();
    Wanted {
        key: format!("key:{}", paper["paperId"].as_str().unwrap()),
        s2_id: paper["paperId"].as_str().map(String::from),
        title: paper["title"].as_str().unwrap().to_string(),
        year: paper["year"].as_i64().map(|y| y as i32),
        authors: paper["authors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["name"].as_str().map(String::from))
            .collect(),
        dois,
        arxiv: ext["ArXiv"].as_str().map(String::from),
        thin,
    }
}

/// Options for the mock: its URL, the highest pace, fast retries.
pub fn options(mock: &OaMock) -> OpenAlexOptions {
    OpenAlexOptions {
        api_url: mock.url(),
        rps: 10.0,
        max_retries: 3,
        retry_delay: 0.01,
        timeout: 10.0,
        ..Default::default()
    }
}

pub fn env(dir: &std::path::Path, offline: bool) -> citegraph::s2::Environment {
    citegraph::s2::Environment {
        cache_dir: dir.join("cache"),
        offline,
    }
}

pub fn elided() -> Vec<String> {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(world_truth()).unwrap()).unwrap();
    truth["elided_references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The S2 ids of a list of links (through the mock's key -> paper map).
fn s2_ids(world: &OaWorld, links: &[citegraph::records::Link]) -> BTreeSet<String> {
    links
        .iter()
        .map(|l| {
            let key = l
                .paper_id
                .as_deref()
                .unwrap()
                .strip_prefix("openalex:")
                .unwrap();
            assert_eq!(l.external_ids["OpenAlex"], key);
            world
                .s2_id_of(key)
                .unwrap_or_else(|| panic!("{key} is no world work"))
        })
        .collect()
}

#[test]
fn elided_reference_lists_are_filled_from_openalex() {
    let papers = papers();
    let mock = OaMockBuilder::new(OaWorld::load()).rps_cap(10).start();
    let dir = tempfile::tempdir().unwrap();
    let asked: Vec<Wanted> = elided()
        .iter()
        .map(|id| wanted(&papers[id], Some(Thin::References)))
        .collect();
    let corpus = openalex::fetch(&asked, &options(&mock), &env(dir.path(), false)).unwrap();
    assert_eq!(corpus.lists.len(), asked.len());
    let world = mock.world();
    for (paper, lists) in asked.iter().zip(&corpus.lists) {
        let id = paper.s2_id.as_deref().unwrap();
        let planted: BTreeSet<String> = world.planted(id).unwrap().iter().cloned().collect();
        assert!(!planted.is_empty());
        let references = lists.references.as_ref().expect("references from OpenAlex");
        assert_eq!(s2_ids(world, references), planted, "{id}");
        let expected_ids: Vec<String> = world
            .keys(id)
            .iter()
            .map(|k| format!("openalex:{k}"))
            .collect();
        assert_eq!(lists.ids, expected_ids);
        assert_eq!(lists.gap, Gap::None, "{:?}", lists.note);
        // Every link carries the ids the works merge joins by.
        for link in references {
            let s2 = &papers[&world
                .s2_id_of(link.external_ids["OpenAlex"].as_str().unwrap())
                .unwrap()];
            if let Some(arxiv) = s2["externalIds"]["ArXiv"].as_str() {
                if !world.is_pair(s2["paperId"].as_str().unwrap()) {
                    assert_eq!(link.external_ids["ArXiv"], arxiv.to_lowercase());
                }
            }
            assert_eq!(link.title.as_deref(), s2["title"].as_str());
            assert!(!link.authors.is_empty());
        }
    }
    // One of them is a preprint/published pair in the mock: found by the title search.
    assert!(elided().iter().any(|id| world.is_pair(id)));
    assert!(mock.count(Endpoint::Search) >= 1);
    assert_eq!(mock.count_status(429), 0);
    assert!(mock.max_per_second() <= 10);
}

/// A catalogue-like pair whose two works both have citers.
fn pair_with_split_citers(world: &OaWorld, papers: &HashMap<String, Value>) -> String {
    let mut ids: Vec<&String> = papers.keys().collect();
    ids.sort();
    ids.into_iter()
        .find(|id| {
            let keys = world.keys(id);
            world.is_pair(id)
                && !world.citers(&keys[..1]).is_empty()
                && !world.citers(&keys[1..]).is_empty()
                && !papers[*id]["references"].as_array().unwrap().is_empty()
                && world.citers(&keys).len() < 150
        })
        .expect("a pair with citers on both sides")
        .clone()
}

#[test]
fn a_preprint_and_its_published_version_give_both_ids_and_the_union_of_citers() {
    let papers = papers();
    let mock = OaMockBuilder::new(OaWorld::load()).start();
    let world = mock.world();
    let id = pair_with_split_citers(world, &papers);
    let dir = tempfile::tempdir().unwrap();
    let asked = [wanted(&papers[&id], None)];
    let mut opts = options(&mock);
    opts.fill_only = false;
    let corpus = openalex::fetch(&asked, &opts, &env(dir.path(), false)).unwrap();
    let lists = &corpus.lists[0];
    let keys = world.keys(&id);
    assert_eq!(
        lists.ids,
        keys.iter()
            .map(|k| format!("openalex:{k}"))
            .collect::<Vec<_>>()
    );
    let citations = lists.citations.as_ref().unwrap();
    let expected: BTreeSet<String> = world
        .citers(&keys)
        .iter()
        .map(|k| world.s2_id_of(k).unwrap())
        .collect();
    assert_eq!(s2_ids(world, citations), expected);
    // The union is more than either side.
    assert!(expected.len() > world.citers(&keys[..1]).len());
    assert!(expected.len() > world.citers(&keys[1..]).len());
    // References come from the published version (the preprint has none).
    let refs = lists.references.as_ref().unwrap();
    let true_refs: BTreeSet<String> = papers[&id]["references"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["paperId"].as_str().map(String::from))
        .collect();
    assert_eq!(s2_ids(world, refs), true_refs);
    // The citers of both ids in one OR filter.
    let cites: Vec<String> = mock
        .log()
        .iter()
        .filter(|l| l.endpoint == Endpoint::Cites)
        .map(|l| l.target.clone())
        .collect();
    assert_eq!(cites.len(), 1, "{cites:?}");
    assert!(
        cites[0].contains(&format!("cites%3A{}%7C{}", keys[0], keys[1])),
        "{}",
        cites[0]
    );
    assert_eq!(corpus.requests as usize, mock.requests());
}

#[test]
fn fill_only_asks_the_thin_papers_alone() {
    let papers = papers();
    let mock = OaMockBuilder::new(OaWorld::load()).start();
    let dir = tempfile::tempdir().unwrap();
    let elided = elided();
    let mut ids: Vec<&String> = papers.keys().filter(|id| !elided.contains(id)).collect();
    ids.sort();
    let mut asked = vec![wanted(&papers[&elided[0]], Some(Thin::References))];
    asked.extend(ids.iter().take(3).map(|id| wanted(&papers[*id], None)));
    let corpus = openalex::fetch(&asked, &options(&mock), &env(dir.path(), false)).unwrap();
    assert_eq!(corpus.lists.len(), 1);
    assert_eq!(corpus.lists[0].key, asked[0].key);
}

#[test]
fn an_unknown_paper_is_an_html_404_not_a_gap() {
    let mock = OaMockBuilder::new(OaWorld::load()).start();
    let dir = tempfile::tempdir().unwrap();
    let asked = [Wanted {
        key: "doi:10.1046/j.1365-2699.2003.00795".into(),
        title: "A paper OpenAlex never heard of".into(),
        year: Some(2003),
        dois: vec!["10.1046/j.1365-2699.2003.00795".into()],
        thin: Some(Thin::Unresolved),
        ..Default::default()
    }];
    let corpus = openalex::fetch(&asked, &options(&mock), &env(dir.path(), false)).unwrap();
    let lists = &corpus.lists[0];
    assert!(lists.ids.is_empty() && lists.references.is_none() && lists.citations.is_none());
    assert_eq!(lists.gap, Gap::None);
    assert!(lists
        .note
        .as_deref()
        .unwrap()
        .contains("not found in OpenAlex"));
    let log = mock.log();
    let singleton = log
        .iter()
        .find(|l| l.endpoint == Endpoint::Singleton)
        .unwrap();
    assert_eq!(singleton.status, 404);
    assert_eq!(mock.count(Endpoint::Singleton), 1, "a 404 is not retried");
    // The 404 is cached: a second run asks nothing by DOI.
    openalex::fetch(&asked, &options(&mock), &env(dir.path(), false)).unwrap();
    assert_eq!(mock.count(Endpoint::Singleton), 1);
}

#[test]
fn offline_reads_the_cache_alone() {
    let papers = papers();
    let mock = OaMockBuilder::new(OaWorld::load()).start();
    let dir = tempfile::tempdir().unwrap();
    let asked: Vec<Wanted> = elided()
        .iter()
        .map(|id| wanted(&papers[id], Some(Thin::References)))
        .collect();
    let online = openalex::fetch(&asked, &options(&mock), &env(dir.path(), false)).unwrap();
    let sent = mock.requests();
    let offline = openalex::fetch(&asked, &options(&mock), &env(dir.path(), true)).unwrap();
    assert_eq!(mock.requests(), sent, "offline sends nothing");
    assert_eq!(offline.requests, 0);
    assert_eq!(offline.lists, online.lists);
    // A cache without the answers: every paper a NotCached gap.
    let empty = tempfile::tempdir().unwrap();
    let nothing = openalex::fetch(&asked, &options(&mock), &env(empty.path(), true)).unwrap();
    assert_eq!(mock.requests(), sent);
    for lists in &nothing.lists {
        assert_eq!(lists.gap, Gap::NotCached);
        assert!(lists.ids.is_empty() && lists.references.is_none());
    }
}

#[test]
fn transient_faults_merged_ids_and_dangling_references_are_handled() {
    let papers = papers();
    let elided = elided();
    let single = elided
        .iter()
        .find(|id| !OaWorld::load().is_pair(id))
        .unwrap()
        .clone();
    let key = OaWorld::key_of(&single);
    let mut world = OaWorld::load();
    world.dangle(&key, &["W9999999901", "W9999999902"]);
    let mock = OaMockBuilder::new(world)
        .fault(Some(Endpoint::Singleton), Fault::Status(503), 1)
        .fault(Some(Endpoint::Ids), Fault::TimedOut, 1)
        .fault(Some(Endpoint::Cites), Fault::Status(500), 1)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let asked = [wanted(&papers[&single], Some(Thin::References))];
    let corpus = openalex::fetch(&asked, &options(&mock), &env(dir.path(), false)).unwrap();
    let lists = &corpus.lists[0];
    assert_eq!(lists.gap, Gap::None);
    let planted: BTreeSet<String> = mock
        .world()
        .planted(&single)
        .unwrap()
        .iter()
        .cloned()
        .collect();
    assert_eq!(
        s2_ids(mock.world(), lists.references.as_ref().unwrap()),
        planted
    );
    let note = lists.note.as_deref().unwrap();
    assert!(
        note.contains("2 of") && note.contains("not in OpenAlex"),
        "{note}"
    );
    assert!(lists.citations.is_some());
    assert_eq!(mock.count_status(503), 1);
    assert_eq!(mock.count_status(500), 1);

    // A merged id answers 301 to the surviving work: followed.
    let mut world = OaWorld::load();
    let survivor = OaWorld::key_of(&single);
    world.merge("W1000000000", &survivor);
    let mock = OaMockBuilder::new(world).start();
    let client = reqwest::blocking::Client::new();
    let answer = client
        .get(format!("{}/works/W1000000000?select=id", mock.url()))
        .send()
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().unwrap();
    assert_eq!(body["id"], format!("https://openalex.org/{survivor}"));
    assert_eq!(mock.count_status(301), 1);
}
