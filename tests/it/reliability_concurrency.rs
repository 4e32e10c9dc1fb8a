//! Two `citegraph fetch` processes on one cache (and one output directory) at once (issue #7):
//! both finish, they agree, every cache file is whole at every moment a reader looks, and the
//! cache ends with the snapshot of a clean run.

use crate::common;
use crate::fetch_support;
use crate::reliability_support;

use std::process::Child;
use std::time::Duration;

use common::mock_s2::{MockBuilder, MockS2};
use fetch_support::*;
use reliability_support::*;

/// Reads every cache file again and again while the children run: none is ever partial.
/// Returns how many times the whole cache was read.
fn watch_cache(dir: &std::path::Path, children: &mut [Child], mock: &MockS2) -> usize {
    let deadline = std::time::Instant::now() + PATIENCE;
    let mut sweeps = 0;
    while children.iter_mut().any(|c| c.try_wait().unwrap().is_none()) {
        assert!(
            std::time::Instant::now() < deadline,
            "hung: {:?}",
            mock.counts()
        );
        whole_cache_entries(dir);
        sweeps += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    sweeps
}

/// The summary's first two lines (resolutions, records), which two runs of the same catalogue
/// on the same world must share.
fn resolutions(stdout: &[u8]) -> String {
    String::from_utf8_lossy(stdout)
        .lines()
        .take(2)
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_both_finish_and_agree(dir: &std::path::Path, children: Vec<Child>) {
    let outputs: Vec<_> = children.into_iter().map(wait_output).collect();
    for output in &outputs {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!String::from_utf8_lossy(&output.stderr).contains("corrupt"));
    }
    assert_eq!(
        resolutions(&outputs[0].stdout),
        resolutions(&outputs[1].stdout)
    );
    // Both wrote unresolved.csv; what is there is one of them, whole.
    let mut reader = csv::Reader::from_path(dir.join("output/unresolved.csv")).unwrap();
    assert!(reader.records().all(|r| r.is_ok()));
    // A finished run leaves no temp file behind.
    let temps: Vec<_> = files_under(dir)
        .into_iter()
        .filter(|f| is_temp(f))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
    whole_cache_entries(dir);
    assert_clean_snapshot(dir);
}

#[test]
fn two_fetches_started_together_both_finish() {
    let mock = MockBuilder::new(world())
        .delay(Duration::from_millis(3))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut children = vec![
        spawn_fetch(dir.path(), &mock.url(), &[], true),
        spawn_fetch(dir.path(), &mock.url(), &[], true),
    ];
    let sweeps = watch_cache(dir.path(), &mut children, &mock);
    eprintln!(
        "together: {} requests for both, {sweeps} sweeps of the cache",
        mock.requests()
    );
    assert_both_finish_and_agree(dir.path(), children);
}

#[test]
fn a_fetch_started_in_the_middle_of_another_finishes_too() {
    let mock = MockBuilder::new(world())
        .delay(Duration::from_millis(3))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut first = spawn_fetch(dir.path(), &mock.url(), &[], true);
    // The second starts when the first has its ids and titles and is paging lists: it reads
    // the first one's answers from the cache while the first is writing more.
    assert!(
        wait_for(&mut first, &mock, || mock.requests() >= 150),
        "the first fetch ended early"
    );
    let mut children = vec![first, spawn_fetch(dir.path(), &mock.url(), &[], true)];
    let sweeps = watch_cache(dir.path(), &mut children, &mock);
    eprintln!(
        "staggered: {} requests for both, {sweeps} sweeps of the cache",
        mock.requests()
    );
    assert_both_finish_and_agree(dir.path(), children);
}
