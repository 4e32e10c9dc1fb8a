//! The fetch under faults: 429 storms with and without Retry-After, 5xx, bodies cut mid-JSON,
//! dropped connections, answers slower than the timeout, refusals, no server at all, a
//! corrupted cache. Each run must end with exactly the records of a clean run, or fail with a
//! clear message after which a rerun completes.

use crate::common;
use crate::fetch_support;

use citegraph::catalog::Catalog;
use citegraph::records::Corpus;
use common::mock_s2::{Endpoint, Fault, MockBuilder, MockS2, Target};
use fetch_support::*;

/// A few papers of the world's catalogue: found by id, by title, and one not at all.
fn small_catalog() -> Catalog {
    let full = truth_catalog();
    let mut papers: Vec<_> = full
        .papers
        .iter()
        .filter(|p| p.key.starts_with("arxiv:"))
        .take(5)
        .cloned()
        .collect();
    papers.extend(
        full.papers
            .iter()
            .filter(|p| p.key.starts_with("title:"))
            .take(2)
            .cloned(),
    );
    papers.extend(full.papers.last().cloned());
    Catalog {
        papers,
        ..Catalog::default()
    }
}

fn mock() -> MockS2 {
    MockBuilder::new(world()).start()
}

/// A clean run's corpus and request count.
fn baseline(catalog: &Catalog) -> (Corpus, usize) {
    let mock = mock();
    let dir = tempfile::tempdir().unwrap();
    let corpus = fetch_in(catalog, &options(&mock.url()), dir.path()).unwrap();
    (corpus, mock.requests())
}

fn assert_same(got: &Corpus, want: &Corpus) {
    assert_eq!(got.resolutions, want.resolutions);
    assert_eq!(got.records, want.records);
}

#[test]
fn storm_of_429_without_retry_after_is_ridden_out() {
    let catalog = small_catalog();
    let (clean, clean_requests) = baseline(&catalog);
    let mock = mock();
    mock.inject(Target::Any, Fault::TooManyRequests { retry_after: None }, 6);
    let dir = tempfile::tempdir().unwrap();
    let corpus = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    assert_same(&corpus, &clean);
    assert_eq!(mock.requests(), clean_requests + 6);
    assert_eq!(
        corpus.requests as usize,
        mock.requests(),
        "retries are counted"
    );
}

#[test]
fn retry_after_is_honoured() {
    let catalog = small_catalog();
    let (clean, _) = baseline(&catalog);
    let mock = mock();
    mock.inject(
        Target::Only(Endpoint::Batch),
        Fault::TooManyRequests {
            retry_after: Some(1),
        },
        2,
    );
    let dir = tempfile::tempdir().unwrap();
    // The backoff alone would wait 10 to 40 ms: the waits below are the server's.
    let corpus = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    assert_same(&corpus, &clean);
    let batches: Vec<_> = mock
        .log()
        .into_iter()
        .filter(|l| l.endpoint == Endpoint::Batch)
        .collect();
    assert_eq!(batches[0].status, Some(429));
    assert_eq!(batches[1].status, Some(429));
    assert!(batches[1].at.duration_since(batches[0].at).as_secs_f64() >= 0.95);
    assert!(batches[2].at.duration_since(batches[1].at).as_secs_f64() >= 0.95);
}

#[test]
fn server_errors_are_retried() {
    let catalog = small_catalog();
    let (clean, clean_requests) = baseline(&catalog);
    let mock = mock();
    for status in [500, 502, 503] {
        mock.inject(Target::Any, Fault::Status(status), 1);
    }
    mock.inject(Target::Only(Endpoint::Match), Fault::Status(504), 2);
    let dir = tempfile::tempdir().unwrap();
    let corpus = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    assert_same(&corpus, &clean);
    assert_eq!(mock.requests(), clean_requests + 5);
}

#[test]
fn gateway_timeout_on_a_batch_splits_it() {
    let catalog = small_catalog();
    let (clean, clean_requests) = baseline(&catalog);
    let mock = mock();
    mock.inject(Target::Only(Endpoint::Batch), Fault::Status(504), 1);
    let dir = tempfile::tempdir().unwrap();
    let corpus = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    assert_same(&corpus, &clean);
    // The failed call, then its two halves instead of one call.
    assert_eq!(mock.requests(), clean_requests + 2);
    let first_half = &mock.log()[1];
    assert_eq!(first_half.endpoint, Endpoint::Batch);
    assert_eq!(first_half.status, Some(200));
}

#[test]
fn cut_bodies_and_dropped_connections_are_retried() {
    let catalog = small_catalog();
    let (clean, clean_requests) = baseline(&catalog);
    let mock = mock();
    mock.inject(Target::Only(Endpoint::Batch), Fault::CutBody, 2);
    mock.inject(Target::Only(Endpoint::Match), Fault::Drop, 2);
    let dir = tempfile::tempdir().unwrap();
    let corpus = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    assert_same(&corpus, &clean);
    assert_eq!(mock.requests(), clean_requests + 4);
}

#[test]
fn answers_slower_than_the_timeout_are_retried() {
    let catalog = small_catalog();
    let (clean, clean_requests) = baseline(&catalog);
    let mock = mock();
    mock.inject(
        Target::Only(Endpoint::Batch),
        Fault::Slow(std::time::Duration::from_secs(5)),
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock.url());
    opts.timeout = 0.5;
    let corpus = fetch_in(&catalog, &opts, dir.path()).unwrap();
    assert_same(&corpus, &clean);
    assert_eq!(mock.requests(), clean_requests + 1);
}

#[test]
fn retries_give_up_with_a_clear_message_then_a_rerun_resumes() {
    let catalog = small_catalog();
    let (clean, clean_requests) = baseline(&catalog);
    let mock = mock();
    mock.inject(
        Target::Only(Endpoint::Match),
        Fault::TooManyRequests { retry_after: None },
        100,
    );
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock.url());
    opts.max_retries = 2;
    let err = format!("{:#}", fetch_in(&catalog, &opts, dir.path()).unwrap_err());
    assert!(err.contains("failed 3 times"), "{err}");
    assert!(err.contains("HTTP 429: Too Many Requests"), "{err}");
    assert!(err.contains("rerun to resume"), "{err}");
    // The server recovers; the rerun does not ask again what the first run got (the ids).
    let mock = self::mock();
    let corpus = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    assert_same(&corpus, &clean);
    assert_eq!(
        mock.count(Endpoint::Batch),
        1,
        "only the lists: the ids were cached"
    );
    assert!(mock.requests() < clean_requests);
}

#[test]
fn refusals_are_not_retried_and_quote_the_api() {
    let catalog = small_catalog();
    let mock = mock();
    mock.inject(
        Target::Any,
        Fault::Reply(403, serde_json::json!({"message": "Forbidden"})),
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let err = format!(
        "{:#}",
        fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap_err()
    );
    assert!(err.contains("HTTP 403: Forbidden"), "{err}");
    assert!(err.contains("/paper/batch"), "names the URL: {err}");
    assert_eq!(mock.requests(), 1);
}

#[test]
fn no_server_fails_fast_saying_how_to_run_from_files() {
    let catalog = small_catalog();
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1. With these settings, backing off would take minutes.
    let mut opts = options("http://127.0.0.1:1/graph/v1");
    opts.retry_delay = 30.0;
    let err = format!("{:#}", fetch_in(&catalog, &opts, dir.path()).unwrap_err());
    for hint in ["--catalog PATH", "--snapshot FILE", "--offline"] {
        assert!(err.contains(hint), "{err}");
    }
    assert!(err.contains("127.0.0.1:1"), "{err}");
}

#[test]
fn corrupt_cache_files_are_reported_and_refetched() {
    let catalog = small_catalog();
    let mock = mock();
    let dir = tempfile::tempdir().unwrap();
    let clean = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    let cache = dir.path().join("cache/s2");
    let paper = files_under(&cache.join("papers"))[0].clone();
    let full = std::fs::read(&paper).unwrap();
    std::fs::write(&paper, &full[..full.len() / 2]).unwrap();
    let lookup = files_under(&cache.join("lookups"))
        .into_iter()
        .find(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .contains("\"request\":\"id ")
        })
        .unwrap();
    std::fs::write(&lookup, b"not json at all").unwrap();
    mock.clear_log();
    let again = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    assert_same(&again, &clean);
    // One id batch for the lookup, one record batch for the paper.
    assert_eq!(
        mock.requests(),
        2,
        "{:?}",
        mock.log().iter().map(|l| &l.target).collect::<Vec<_>>()
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&std::fs::read(&paper).unwrap()).is_ok());
}

#[test]
fn refresh_and_max_age_refetch() {
    let catalog = small_catalog();
    let mock = mock();
    let dir = tempfile::tempdir().unwrap();
    let clean = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    let clean_requests = mock.requests();
    mock.clear_log();
    let mut opts = options(&mock.url());
    opts.refresh = true;
    assert_same(&fetch_in(&catalog, &opts, dir.path()).unwrap(), &clean);
    assert_eq!(mock.requests(), clean_requests);

    // One record fetched long ago: only it is refetched under --max-age.
    let paper = files_under(&dir.path().join("cache/s2/papers"))[0].clone();
    let mut entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&paper).unwrap()).unwrap();
    entry["fetched_at"] = serde_json::json!(0);
    std::fs::write(&paper, entry.to_string()).unwrap();
    mock.clear_log();
    let mut opts = options(&mock.url());
    opts.max_age = Some(30.0);
    assert_same(&fetch_in(&catalog, &opts, dir.path()).unwrap(), &clean);
    assert_eq!(mock.requests(), 1);
}

#[test]
fn citation_options_shape_the_requests() {
    let catalog = small_catalog();
    let mock = mock();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock.url());
    opts.no_citations = true;
    let corpus = fetch_in(&catalog, &opts, dir.path()).unwrap();
    assert!(corpus.records.iter().all(|r| r.citations.is_none()));
    assert!(mock.log().iter().all(|l| !l.target.contains("citations")));

    // Later, with a cap: the papers above it have their citations paged, the cap kept.
    mock.clear_log();
    let mut opts = options(&mock.url());
    opts.max_citations = Some(3);
    let corpus = fetch_in(&catalog, &opts, dir.path()).unwrap();
    let world = world_papers();
    let mut above = 0;
    for (record, r) in corpus
        .records
        .iter()
        .zip(corpus.resolutions.iter().filter(|r| r.paper_id.is_some()))
    {
        let planted = world[&record.paper_id]["citations"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(record.citations.as_ref().unwrap().len(), planted.min(3));
        if planted > 3 {
            above += 1;
            assert!(
                r.note.as_deref().unwrap_or("").contains("capped at 3"),
                "{r:?}"
            );
        }
    }
    assert!(above > 0);
    assert_eq!(mock.count(Endpoint::Citations), above);
    assert!(mock
        .log()
        .iter()
        .filter(|l| l.endpoint == Endpoint::Citations)
        .all(|l| l.target.contains("limit=3")));
}
