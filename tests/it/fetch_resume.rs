//! `citegraph fetch` killed (SIGKILL) in the middle, then rerun: it resumes where it stopped,
//! nothing already fetched is asked again or lost, no cache file is partial, and the result is
//! the snapshot of a clean run.

use crate::common;
use crate::fetch_support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::mock_s2::{Endpoint, MockBuilder};
use fetch_support::*;

#[test]
fn killed_fetch_resumes_without_losing_or_repeating_work() {
    let catalog = real_catalog();
    let bound = minimum_requests(&catalog, 9_999);
    // Slow answers, so that the kill lands in the middle of the title matches.
    let mock = MockBuilder::new(world())
        .delay(Duration::from_millis(40))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("citegraph"))
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .arg("--output-dir")
        .arg(dir.path().join("output"))
        .args(["fetch", "--api-url", &mock.url(), "--rps", "1000"])
        .env_remove("S2_API_KEY")
        .env_remove("S2_API_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while mock.count(Endpoint::Match) < bound.titles / 3 {
        assert!(
            Instant::now() < deadline,
            "the fetch made no progress: {:?}",
            mock.counts()
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the fetch ended before the kill"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = mock.log();
    assert!(
        before
            .iter()
            .filter(|l| l.endpoint == Endpoint::Match)
            .count()
            < bound.titles,
        "killed before the end"
    );

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
    let mut cached_titles = 0;
    for entry in &entries {
        let text = std::fs::read_to_string(entry).unwrap();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", entry.display()));
        cached_titles += usize::from(text.contains("\"request\":\"title "));
    }
    let answered_before = before
        .iter()
        .filter(|l| l.endpoint == Endpoint::Match && l.status.is_some())
        .count();
    assert!(
        answered_before - cached_titles <= 4,
        "more answers lost than requests in flight"
    );

    // The rerun completes, asking only what the killed run had not kept.
    mock.clear_log();
    let rerun = citegraph_fetch(dir.path(), &mock.url()).assert().success();
    let stdout = String::from_utf8_lossy(&rerun.get_output().stdout).into_owned();
    assert_eq!(requests_of(&stdout), mock.requests());
    let after = mock.log();
    assert_eq!(
        after
            .iter()
            .filter(|l| l.endpoint == Endpoint::Batch)
            .count(),
        0,
        "the ids were not asked again (and the default pages the lists: no record batch)"
    );
    let matches_after = after
        .iter()
        .filter(|l| l.endpoint == Endpoint::Match)
        .count();

    // The same records as a clean run, which asks every title once.
    let clean_mock = MockBuilder::new(world()).start();
    let clean = tempfile::tempdir().unwrap();
    citegraph_fetch(clean.path(), &clean_mock.url())
        .assert()
        .success();
    assert_eq!(
        matches_after,
        clean_mock.count(Endpoint::Match) - cached_titles,
        "each title asked once over both runs, but those lost in flight"
    );
    assert_eq!(export(dir.path()), export(clean.path()));
}
