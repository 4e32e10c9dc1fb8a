//! A fetch killed (SIGKILL) in the middle, then rerun: it resumes where it stopped, nothing
//! already fetched is asked again or lost, no cache file is partial.
//!
//! The killed process runs the library's fetch (this test binary re-run as a child, in
//! `child_fetch`), so that it can be killed at a known point of the fetch.

mod common;
mod fetch_support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use citegraph::s2;
use common::mock_s2::{Endpoint, MockBuilder};
use fetch_support::*;

const CHILD_DIR: &str = "CITEGRAPH_TEST_CHILD_DIR";
const CHILD_URL: &str = "CITEGRAPH_TEST_CHILD_URL";

/// The child side: a fetch of the world's catalogue into the given directory. Does nothing in
/// a normal test run.
#[test]
fn child_fetch() {
    let (Ok(dir), Ok(url)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_URL)) else {
        return;
    };
    let _ = s2::fetch(
        &truth_catalog(),
        &options(&url),
        &no_snapshot(),
        &env(dir.as_ref()),
    );
}

#[test]
fn killed_fetch_resumes_without_losing_or_repeating_work() {
    let catalog = truth_catalog();
    let minimum = minimum_requests(&catalog, 9_999);
    // Slow answers, so that the kill lands in the middle of the title matches.
    let mock = MockBuilder::new(world())
        .delay(Duration::from_millis(40))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_fetch",
            "--exact",
            "--test-threads",
            "1",
            "--nocapture",
        ])
        .env(CHILD_DIR, dir.path())
        .env(CHILD_URL, mock.url())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while mock.count(Endpoint::Match) < minimum.titles / 3 {
        assert!(
            Instant::now() < deadline,
            "the child made no progress: {:?}",
            mock.counts()
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child ended before the kill"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = mock.log();
    let matched_before = before
        .iter()
        .filter(|l| l.endpoint == Endpoint::Match)
        .count();
    assert!(matched_before < minimum.titles, "killed before the end");

    // No cache file is partial: every entry parses (a temp file a kill left is not an entry).
    let entries: Vec<_> = files_under(&dir.path().join("cache"))
        .into_iter()
        .filter(|f| {
            !f.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".tmp-")
        })
        .collect();
    assert!(!entries.is_empty());
    for entry in &entries {
        let text = std::fs::read_to_string(entry).unwrap();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", entry.display()));
    }

    // The rerun completes with everything, asking only what the killed run had not received.
    mock.clear_log();
    let corpus = s2::fetch(
        &catalog,
        &options(&mock.url()),
        &no_snapshot(),
        &env(dir.path()),
    )
    .unwrap();
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_mock = MockBuilder::new(world()).start();
    let clean = s2::fetch(
        &catalog,
        &options(&clean_mock.url()),
        &no_snapshot(),
        &env(clean_dir.path()),
    )
    .unwrap();
    assert_eq!(corpus.resolutions, clean.resolutions);
    assert_eq!(corpus.records, clean.records);
    let after = mock.log();
    let id_batches_after = after
        .iter()
        .filter(|l| l.endpoint == Endpoint::Batch && l.status == Some(200))
        .count();
    assert_eq!(
        id_batches_after, minimum.record_batches,
        "the ids were not asked again"
    );
    // Every title is asked once over both runs, but for the few in flight at the kill (answered
    // by the server, not yet in the cache).
    let answered_before = before
        .iter()
        .filter(|l| l.endpoint == Endpoint::Match && l.status.is_some())
        .count();
    let cached_titles = entries
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .contains("\"request\":\"title ")
        })
        .count();
    assert!(
        answered_before - cached_titles <= 4,
        "more answers lost than requests in flight"
    );
    let matched_after = after
        .iter()
        .filter(|l| l.endpoint == Endpoint::Match)
        .count();
    assert_eq!(matched_after, minimum.titles - cached_titles);
}
