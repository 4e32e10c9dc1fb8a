//! The OpenCitations client against the mock of the Index and Meta (common/mock_opencitations.rs):
//! the world's elided reference lists filled, lists equal to the mock's, `[]` as no data, the
//! pace kept, 429/5xx/plain-text errors retried, 400/404 final, the cache and `--offline`.
//! Secrets are in opencitations_secrets.rs.

use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::Duration;

use crate::common;
use citegraph::opencitations::{self, OpenCitationsOptions, TokenSource};
use citegraph::records::{Gap, Link, SourceCorpus, SourceLists, Thin, Wanted};
use citegraph::s2::Environment;
use common::mock_opencitations::{Fault, MockBuilder, MockOc, OcWorld, Target};

/// The world as the mock serves it (built once).
pub fn oc_world() -> OcWorld {
    static WORLD: OnceLock<OcWorld> = OnceLock::new();
    WORLD
        .get_or_init(|| OcWorld::build(&common::world_jsonl(), &common::world_truth()))
        .clone()
}

pub fn truth() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(common::world_truth()).unwrap()).unwrap()
}

/// A catalogue paper as the graph build would ask about it: the world paper's DOI, or its arXiv
/// id (the DataCite DOI is the client's to make).
pub fn wanted(world: &OcWorld, paper_id: &str, thin: Option<Thin>) -> Wanted {
    let work = world.work(paper_id).expect("a work of the mock");
    let doi = work.dois[0].clone();
    let (dois, arxiv) = match doi.strip_prefix("10.48550/arxiv.") {
        Some(arxiv) => (Vec::new(), Some(arxiv.to_string())),
        None => (vec![doi], None),
    };
    Wanted {
        key: format!("key:{paper_id}"),
        s2_id: Some(paper_id.to_string()),
        title: work.title.clone(),
        year: work.year.map(|y| y as i32),
        dois,
        arxiv,
        thin,
        ..Wanted::default()
    }
}

/// Fast options against the mock: a quick pace, short retries, no token.
pub fn options(mock: &MockOc) -> OpenCitationsOptions {
    OpenCitationsOptions {
        per_minute: 6_000.0,
        max_retries: 3,
        retry_delay: 0.01,
        timeout: 10.0,
        token: TokenSource::Without,
        ..OpenCitationsOptions::default()
    }
    .with_base(&mock.url())
}

/// [`options`] for an audit of the Index lists alone: every paper asked (not only thin ones),
/// Meta left out.
pub fn index_only(mock: &MockOc) -> OpenCitationsOptions {
    OpenCitationsOptions {
        fill_only: false,
        meta: false,
        ..options(mock)
    }
}

pub fn env(dir: &std::path::Path, offline: bool) -> Environment {
    Environment {
        cache_dir: dir.to_path_buf(),
        offline,
    }
}

/// The link ids of a list, as a set.
fn ids(links: &Option<Vec<Link>>) -> BTreeSet<String> {
    links
        .as_ref()
        .expect("a list")
        .iter()
        .map(|l| l.paper_id.clone().unwrap())
        .collect()
}

/// The link ids the mock's world holds for a paper's list.
fn expected(world: &OcWorld, paper_id: &str, references: bool) -> BTreeSet<String> {
    world
        .list(paper_id, references)
        .iter()
        .map(|q| world.work(q).unwrap().link_id())
        .collect()
}

/// Catalogue papers of the world that are works with a DOI and both lists non-empty, in a fixed
/// order.
pub fn busy_papers(world: &OcWorld, n: usize) -> Vec<String> {
    let truth = truth();
    let mut ids: Vec<String> = truth["catalog_by_key"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .filter(|id| world.work(id).is_some_and(|w| !w.dois.is_empty()))
        .filter(|id| !world.list(id, true).is_empty() && !world.list(id, false).is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    ids.truncate(n);
    ids
}

/// The first `n` [`busy_papers`] and how the pipeline would ask about each (no list thin).
pub fn busy_asked(world: &OcWorld, n: usize) -> (Vec<String>, Vec<Wanted>) {
    let papers = busy_papers(world, n);
    let asked = papers.iter().map(|id| wanted(world, id, None)).collect();
    (papers, asked)
}

fn run(wanted: &[Wanted], options: &OpenCitationsOptions, dir: &std::path::Path) -> SourceCorpus {
    opencitations::fetch(wanted, options, &env(dir, false)).expect("the fetch runs")
}

#[test]
fn elided_papers_get_their_references() {
    let world = oc_world();
    let truth = truth();
    let elided = common::elided_references(&truth);
    assert!(!elided.is_empty());
    let mock = MockBuilder::new(world.clone()).start();
    let mut asked: Vec<Wanted> = elided
        .iter()
        .map(|id| wanted(&world, id, Some(Thin::References)))
        .collect();
    // Not thin: left out when only filling gaps.
    let full = busy_papers(&world, 1);
    asked.push(wanted(&world, &full[0], None));
    let dir = tempfile::tempdir().unwrap();
    let corpus = run(&asked, &options(&mock), dir.path());
    assert_eq!(corpus.lists.len(), elided.len());
    assert_eq!(corpus.requests as usize, mock.requests());
    for (lists, paper) in corpus.lists.iter().zip(&elided) {
        let planted: BTreeSet<String> = world
            .planted(paper)
            .iter()
            .map(|q| world.work(q).unwrap().link_id())
            .collect();
        assert!(planted.len() >= 5, "{paper}: {planted:?}");
        assert_eq!(ids(&lists.references), planted, "{paper}");
        assert_eq!(lists.citations, None, "fill mode asks only what is thin");
        assert!(lists.gap.is_none(), "{lists:?}");
        let work = world.work(paper).unwrap();
        assert!(
            lists.ids.contains(&format!("omid:{}", work.omid)),
            "{:?}",
            lists.ids
        );
        assert!(
            lists.ids.contains(&format!("doi:{}", work.dois[0])),
            "{:?}",
            lists.ids
        );
        // Meta described every linked work: titles to merge new papers by, years, authors.
        for link in lists.references.as_ref().unwrap() {
            let cited = world
                .works
                .iter()
                .find(|w| Some(w.link_id()) == link.paper_id)
                .unwrap();
            assert_eq!(link.title.as_deref(), Some(cited.title.as_str()));
            assert_eq!(link.year.map(i64::from), cited.year);
            assert_eq!(link.authors.len(), cited.authors.len());
            assert_eq!(
                link.authors[0].name.as_deref(),
                Some(cited.authors[0].as_str())
            );
        }
    }
    // At most ten ids a Meta call.
    for logged in mock.log() {
        if let Some(ids) = logged.path.strip_prefix("/meta/v1/metadata/") {
            assert!(ids.split("__").count() <= 10, "{}", logged.path);
        }
    }
}

#[test]
fn the_audit_reads_both_lists_as_the_index_has_them() {
    let world = oc_world();
    let mock = MockBuilder::new(world.clone()).start();
    let (papers, asked) = busy_asked(&world, 12);
    let options = OpenCitationsOptions {
        fill_only: false,
        ..options(&mock)
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = run(&asked, &options, dir.path());
    assert_eq!(corpus.lists.len(), papers.len());
    let mut without_doi = 0;
    let mut two_dois = 0;
    for (lists, paper) in corpus.lists.iter().zip(&papers) {
        assert_eq!(
            ids(&lists.references),
            expected(&world, paper, true),
            "{paper}"
        );
        assert_eq!(
            ids(&lists.citations),
            expected(&world, paper, false),
            "{paper}"
        );
        for link in lists.references.iter().chain(&lists.citations).flatten() {
            let id = link.paper_id.as_deref().unwrap();
            if !link.external_ids.contains_key("DOI") && !link.external_ids.contains_key("ArXiv") {
                without_doi += 1;
                assert!(
                    id.starts_with("openalex:") || id.starts_with("omid:"),
                    "{id}"
                );
            }
            if link.external_ids.contains_key("DOIs") {
                two_dois += 1;
            }
            assert!(link.external_ids.contains_key("OMID"), "{link:?}");
        }
        // A citer's year is its `creation` (or Meta's date when the Index has none).
        for citer in lists.citations.as_ref().unwrap() {
            let work = world
                .works
                .iter()
                .find(|w| Some(w.link_id()) == citer.paper_id)
                .unwrap();
            assert_eq!(citer.year.map(i64::from), work.year, "{citer:?}");
        }
    }
    assert!(without_doi > 0, "the world has rows without DOI");
    assert!(two_dois > 0, "the world has works with two DOIs");
    // A second run is answered by the cache alone.
    let before = mock.requests();
    let again = run(&asked, &options, dir.path());
    assert_eq!(again.requests, 0);
    assert_eq!(mock.requests(), before);
    assert_eq!(again.lists, corpus.lists);
}

#[test]
fn an_empty_answer_is_no_data_and_a_paper_without_doi_is_not_asked() {
    let world = oc_world();
    let mock = MockBuilder::new(world).start();
    let unknown = Wanted {
        key: "unknown".into(),
        dois: vec!["10.9999/not-in-the-index".into()],
        thin: Some(Thin::Unresolved),
        ..Wanted::default()
    };
    let no_doi = Wanted {
        key: "no-doi".into(),
        title: "A paper with an ACL id only".into(),
        thin: Some(Thin::Unresolved),
        ..Wanted::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = run(&[unknown, no_doi], &options(&mock), dir.path());
    let unknown = &corpus.lists[0];
    assert_eq!(unknown.references, None, "[] is no data, not no references");
    assert_eq!(unknown.citations, None);
    assert!(unknown.ids.is_empty());
    assert!(unknown.gap.is_none());
    assert!(unknown
        .note
        .as_deref()
        .unwrap()
        .contains("has no data for doi:10.9999/not-in-the-index"));
    let no_doi = &corpus.lists[1];
    assert!(no_doi.note.as_deref().unwrap().contains("no DOI"));
    assert_eq!(mock.count("/index/v2/references/doi:10.9999"), 1);
    assert_eq!(mock.requests(), 2, "the paper without DOI costs no request");
}

#[test]
fn the_pace_stays_under_the_limit() {
    let world = oc_world();
    let mock = MockBuilder::new(world.clone()).start();
    let (_, asked) = busy_asked(&world, 3);
    // The default pace (150 a minute: one request every 0.4 s).
    let options = OpenCitationsOptions {
        per_minute: OpenCitationsOptions::default().per_minute,
        ..index_only(&mock)
    };
    assert!(options.per_minute <= 180.0);
    let dir = tempfile::tempdir().unwrap();
    let corpus = run(&asked, &options, dir.path());
    assert!(corpus.lists.iter().all(|l| l.gap.is_none()));
    let log = mock.log();
    assert_eq!(log.len(), 6);
    let spacing = Duration::from_secs_f64(60.0 / options.per_minute * 0.95);
    for pair in log.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap >= spacing,
            "two requests {gap:?} apart (pace {spacing:?})"
        );
    }
    assert!(mock.max_in(Duration::from_secs(60)) <= 180);
    assert_eq!(mock.answered(429), 0);
}

#[test]
fn a_rate_limit_is_waited_out_after_retry_after() {
    let world = oc_world();
    // Three requests a second at most; beyond, 429 with Retry-After: 1.
    let mock = MockBuilder::new(world.clone())
        .limit(3, Duration::from_secs(1))
        .retry_after(1)
        .start();
    let (papers, asked) = busy_asked(&world, 2);
    let options = index_only(&mock);
    let dir = tempfile::tempdir().unwrap();
    let corpus = run(&asked, &options, dir.path());
    for (lists, paper) in corpus.lists.iter().zip(&papers) {
        assert!(lists.gap.is_none(), "{lists:?}");
        assert_eq!(ids(&lists.references), expected(&world, paper, true));
    }
    assert!(mock.answered(429) >= 1);
    let log = mock.log();
    for pair in log.windows(2) {
        if pair[0].status == 429 {
            let waited = pair[1].at.duration_since(pair[0].at);
            assert!(
                waited >= Duration::from_millis(950),
                "retried after {waited:?}"
            );
        }
    }
}

#[test]
fn plain_text_server_errors_are_retried() {
    let world = oc_world();
    let (_, asked) = busy_asked(&world, 2);
    // Four faults in a row on the first request: five retries outlive them.
    let audit = |mock: &MockOc| OpenCitationsOptions {
        fill_only: false,
        max_retries: 5,
        ..options(mock)
    };
    let clean = {
        let mock = MockBuilder::new(world.clone()).start();
        let dir = tempfile::tempdir().unwrap();
        run(&asked, &audit(&mock), dir.path())
    };
    // Errors in plain text under a JSON content type, and one 200 whose text is an error.
    let mock = MockBuilder::new(world.clone())
        .fault(Target::Index, Fault::Status(500), 1)
        .fault(Target::Index, Fault::Status(502), 1)
        .fault(Target::Index, Fault::Status(408), 1)
        .fault(Target::Index, Fault::OkButText, 1)
        .fault(Target::Meta, Fault::Status(503), 1)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let corpus = run(&asked, &audit(&mock), dir.path());
    assert_eq!(corpus.lists, clean.lists);
    for status in [500, 502, 408, 503] {
        assert_eq!(mock.answered(status), 1, "HTTP {status} answered once");
    }
    assert_eq!(corpus.requests as usize, mock.requests());
    assert_eq!(corpus.requests as usize, clean.requests as usize + 5);
}

#[test]
fn refusals_are_final_and_failures_leave_a_gap() {
    let world = oc_world();
    let (papers, asked) = busy_asked(&world, 3);
    // The first paper's references: 404 (final); its citations: 503 past every retry.
    let mock = MockBuilder::new(world.clone())
        .fault(Target::Index, Fault::Status(404), 1)
        .fault(Target::Index, Fault::Status(503), 4)
        .start();
    let options = index_only(&mock);
    let dir = tempfile::tempdir().unwrap();
    let corpus = run(&asked, &options, dir.path());
    let first = &corpus.lists[0];
    assert_eq!(first.references, None);
    assert_eq!(first.citations, None);
    assert_eq!(first.gap, Gap::RequestFailed);
    let note = first.note.as_deref().unwrap();
    assert!(
        note.contains("HTTP 404") && note.contains("No API operation"),
        "{note}"
    );
    assert!(
        note.contains("failed 4 times") && note.contains("HTTP 503"),
        "{note}"
    );
    assert_eq!(mock.answered(404), 1, "a 404 is not asked again");
    assert_eq!(mock.answered(503), 4);
    // The rest of the run is whole.
    for (lists, paper) in corpus.lists.iter().zip(&papers).skip(1) {
        assert!(lists.gap.is_none());
        assert_eq!(ids(&lists.references), expected(&world, paper, true));
        assert_eq!(ids(&lists.citations), expected(&world, paper, false));
    }
    // A rerun asks again for what failed, and only that (the 404 was not cached either).
    let before = mock.requests();
    let again = run(&asked, &options, dir.path());
    assert_eq!(mock.requests() - before, 2);
    assert_eq!(
        ids(&again.lists[0].references),
        expected(&world, &papers[0], true)
    );
    assert!(again.lists[0].gap.is_none());
}

#[test]
fn offline_reads_the_cache_only() {
    let world = oc_world();
    let (_, asked) = busy_asked(&world, 3);
    let mut mock = MockBuilder::new(world.clone()).start();
    let options = OpenCitationsOptions {
        fill_only: false,
        ..options(&mock)
    };
    let dir = tempfile::tempdir().unwrap();
    let online = run(&asked[..2], &options, dir.path());
    mock.stop();
    let offline = opencitations::fetch(&asked, &options, &env(dir.path(), true)).unwrap();
    assert_eq!(offline.requests, 0);
    assert_eq!(offline.lists[..2], online.lists[..]);
    let missing: &SourceLists = &offline.lists[2];
    assert_eq!(missing.gap, Gap::NotCached);
    assert_eq!(missing.references, None);
    assert_eq!(missing.citations, None);
    assert!(missing.note.as_deref().unwrap().contains("not cached"));
}

#[test]
fn an_api_never_reached_stops_the_run_with_a_clear_error() {
    let world = oc_world();
    let papers = busy_papers(&world, 1);
    let asked = [wanted(&world, &papers[0], None)];
    // A port nothing listens on: connections are refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let options = OpenCitationsOptions {
        fill_only: false,
        token: TokenSource::Without,
        retry_delay: 0.01,
        ..OpenCitationsOptions::default()
    }
    .with_base(&base);
    assert_eq!(options.index_url, format!("{base}/index/v2"));
    assert_eq!(options.meta_url, format!("{base}/meta/v1"));
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let err = opencitations::fetch(&asked, &options, &env(dir.path(), false))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot reach OpenCitations"), "{err}");
    assert!(err.contains("--offline"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no backoff before a first answer"
    );
    let defaults = OpenCitationsOptions::default();
    assert_eq!(
        OpenCitationsOptions::default().with_base("https://api.opencitations.net/"),
        defaults
    );
}

#[test]
fn the_mock_answers_429_past_180_requests_a_minute() {
    let mock = MockBuilder::new(OcWorld::default()).start();
    let http = reqwest::blocking::Client::new();
    let url = format!("{}/index/v2/references/doi:10.1/x", mock.url());
    let statuses: Vec<u16> = (0..182)
        .map(|_| http.get(&url).send().unwrap().status().as_u16())
        .collect();
    assert!(statuses[..180].iter().all(|&s| s == 200));
    assert_eq!(statuses[180..], [429, 429]);
    assert_eq!(mock.max_in(Duration::from_secs(60)), 182);
}

#[test]
fn a_corrupt_cache_file_is_asked_again() {
    let world = oc_world();
    let mock = MockBuilder::new(world.clone()).start();
    let (_, asked) = busy_asked(&world, 2);
    let options = index_only(&mock);
    let dir = tempfile::tempdir().unwrap();
    let first = run(&asked, &options, dir.path());
    let files: Vec<_> = walkdir::WalkDir::new(dir.path().join("opencitations/index"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .collect();
    assert_eq!(files.len(), 4);
    // Cut short, as by a full disk.
    std::fs::write(files[0].path(), b"{\"schema\": 1, \"requ").unwrap();
    let before = mock.requests();
    let again = run(&asked, &options, dir.path());
    assert_eq!(mock.requests() - before, 1);
    assert_eq!(again.lists, first.lists);
}
