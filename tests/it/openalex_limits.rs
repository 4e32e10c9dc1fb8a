//! OpenAlex's limits, counted by the mock: the per-second pace, the daily budget in credits
//! (counted by the client across runs, read from `X-RateLimit-Remaining-USD`, or learnt from a
//! budget 429), a 429 that asks for hours stopping the run at once instead of waiting.

use std::time::{Duration, Instant};

use citegraph::openalex;
use citegraph::records::sources::{Thin, Wanted};
use citegraph::records::Gap;
use serde_json::Value;

use crate::common::mock_openalex::{Endpoint, OaMockBuilder, OaWorld};
use crate::openalex_world::{elided, env, options, papers, wanted};

/// The elided papers, then a few catalogue papers: every one costs a title search (10 credits).
fn asked() -> Vec<Wanted> {
    let papers = papers();
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(crate::common::world_truth()).unwrap())
            .unwrap();
    let mut ids = elided();
    let mut catalogue: Vec<String> = truth["catalog_by_key"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|v| v.as_str().map(String::from))
        .filter(|id| !ids.contains(id) && papers[id]["externalIds"]["ArXiv"].is_string())
        .collect();
    catalogue.sort();
    catalogue.dedup();
    ids.extend(catalogue.into_iter().take(3));
    ids.iter()
        .map(|id| wanted(&papers[id], Some(Thin::References)))
        .collect()
}

#[test]
fn the_pace_stays_under_the_per_second_cap() {
    let mock = OaMockBuilder::new(OaWorld::load()).rps_cap(4).start();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock);
    opts.rps = 4.0;
    let asked = &asked()[..2];
    let corpus = openalex::fetch(asked, &opts, &env(dir.path(), false)).unwrap();
    assert!(corpus.lists.iter().all(|l| l.gap == Gap::None));
    assert!(mock.requests() >= 8, "{} requests", mock.requests());
    assert!(
        mock.max_per_second() <= 4,
        "{} in one second",
        mock.max_per_second()
    );
    assert_eq!(mock.count_status(429), 0);
}

#[test]
fn a_per_second_429_is_waited_out_and_retried() {
    // The client at 10 a second against a cap of 3: the mock answers 429 with Retry-After: 1,
    // the client waits and gets everything.
    let mock = OaMockBuilder::new(OaWorld::load()).rps_cap(3).start();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock);
    opts.max_retries = 6;
    let asked = &asked()[..1];
    let corpus = openalex::fetch(asked, &opts, &env(dir.path(), false)).unwrap();
    assert!(mock.count_status(429) > 0);
    let lists = &corpus.lists[0];
    assert_eq!(lists.gap, Gap::None, "{:?}", lists.note);
    assert!(lists.references.as_ref().is_some_and(|r| !r.is_empty()));
}

#[test]
fn the_daily_budget_is_counted_across_runs_and_stops_cleanly() {
    let mock = OaMockBuilder::new(OaWorld::load()).start();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock);
    opts.daily_credits = Some(15);
    let asked = asked();
    let corpus = openalex::fetch(&asked, &opts, &env(dir.path(), false)).unwrap();
    assert!(mock.credits() <= 15, "{} credits spent", mock.credits());
    assert_eq!(
        mock.count_status(429),
        0,
        "the client stops before the server must"
    );
    // The first paper is whole, the others are gaps a rerun fills, each saying why.
    assert_eq!(corpus.lists[0].gap, Gap::None);
    assert!(corpus.lists[0].references.is_some());
    let rest = &corpus.lists[1..];
    assert_eq!(rest.len(), asked.len() - 1);
    for lists in rest {
        assert_eq!(lists.gap, Gap::RequestFailed, "{lists:?}");
        let note = lists.note.as_deref().unwrap();
        assert!(
            note.contains("budget") && note.contains("midnight UTC"),
            "{note}"
        );
    }
    // The budget file counts today's credits: a second run (asking again) spends nothing metered.
    let spent = mock.credits();
    opts.refresh = true;
    let again = openalex::fetch(&asked, &opts, &env(dir.path(), false)).unwrap();
    assert_eq!(mock.credits(), spent);
    assert!(again.lists[1..].iter().all(|l| l.gap == Gap::RequestFailed));
    let budget: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("cache/openalex/budget.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(budget["credits"].as_u64(), Some(spent));
}

#[test]
fn the_servers_remaining_dollars_stop_the_client_before_a_429() {
    let mock = OaMockBuilder::new(OaWorld::load())
        .daily_credits(11)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let corpus = openalex::fetch(&asked(), &options(&mock), &env(dir.path(), false)).unwrap();
    assert_eq!(mock.count_status(429), 0);
    assert!(mock.credits() <= 11);
    let last = corpus.lists.last().unwrap();
    assert_eq!(last.gap, Gap::RequestFailed);
    assert!(
        last.note
            .as_deref()
            .unwrap()
            .contains("OpenAlex reports $0.0000 left"),
        "{:?}",
        last.note
    );
}

#[test]
fn a_budget_429_stops_the_run_at_once_instead_of_waiting_until_midnight() {
    let mock = OaMockBuilder::new(OaWorld::load())
        .daily_credits(11)
        .no_budget_headers()
        .start();
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let corpus = openalex::fetch(&asked(), &options(&mock), &env(dir.path(), false)).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // One 429 (Retry-After: 30000), then not one request more.
    let log = mock.log();
    let at = log
        .iter()
        .position(|l| l.status == 429)
        .expect("a budget 429");
    assert_eq!(at, log.len() - 1, "nothing is asked after the budget 429");
    assert_ne!(log[at].endpoint, Endpoint::Singleton);
    let first = &corpus.lists[0];
    assert!(first.references.is_some(), "what was read before is kept");
    for lists in &corpus.lists[1..] {
        assert_eq!(lists.gap, Gap::RequestFailed);
        let note = lists.note.as_deref().unwrap();
        assert!(
            note.contains("daily budget is spent") && note.contains("HTTP 429"),
            "{note}"
        );
        assert!(
            note.contains("OPENALEX_API_KEY"),
            "keyless: the hint to get a key: {note}"
        );
    }
}
