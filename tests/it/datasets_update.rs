//! `citegraph datasets update` against the mock: two weekly diffs applied to a downloaded
//! release give exactly the records of the latest release's full shards (updates by key,
//! deletes after updates, citations keyed by `citationid` or by the pair, both id forms);
//! a diff list that starts elsewhere is refused, an unknown start says to download again, and a
//! failed update leaves the held release as it was.

use std::collections::BTreeMap;

use crate::common::mock_datasets::{gzip_lines, DiffFiles, MockDatasets, MockDatasetsBuilder};
use crate::datasets_support::*;

const A: &str = "2026-06-30";
const B: &str = "2026-07-07";
const C: &str = "2026-07-14";

/// The papers of each release: A has 1..=30; B drops 5 and 6, retitles 10 and 11, adds 31 and
/// 32; C drops 31 and 32 (32 updated and deleted by the same diff), retitles 12, brings 5
/// back and adds 33.
fn papers(release: &str) -> Vec<String> {
    let title = |n: u64, release: &str| -> String {
        let changed = match n {
            10 | 11 if release != A => "retitled in B",
            12 if release == C => "retitled in C",
            _ => "as first published",
        };
        paper(n, &format!("Paper {n}, {changed}"))
    };
    let ids: Vec<u64> = match release {
        A => (1..=30).collect(),
        B => (1..=32).filter(|n| ![5, 6].contains(n)).collect(),
        _ => (1..=30).chain([33]).filter(|n| *n != 6).collect(),
    };
    ids.into_iter().map(|n| title(n, release)).collect()
}

/// The citations of each release (module documentation of `api/update.rs`): ids and pairs,
/// string and integer corpus ids, a null cited id.
fn citations(release: &str) -> Vec<String> {
    let c1 = citation(Some(1001), 1, Some(2), false);
    let c2 = citation(Some(1002), 1, Some(3), false);
    let c3_old = citation(None, 2, Some(3), true);
    let c3_new = citation(Some(1004), 2, Some(3), false);
    let c4 = citation(None, 4, None, true);
    let c5 = citation(Some(1003), 5, Some(1), false);
    let c6 = citation(Some(1005), 6, Some(7), false);
    match release {
        A => vec![c1, c2, c3_old, c4, c5],
        B => vec![c1, c3_new, c4],
        _ => vec![c1, c3_new, c4, c6],
    }
}

fn diffs() -> Vec<(&'static str, &'static str, &'static str, DiffFiles)> {
    let files = |lines: Vec<String>, tag: &str| split(&lines, 1, tag);
    let corpus = |n: u64| format!("{{\"corpusid\":{n}}}");
    let b = papers(B);
    let c = papers(C);
    let pick = |lines: &[String], n: u64| -> String {
        lines
            .iter()
            .find(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["corpusid"] == n)
            .cloned()
            .unwrap_or_else(|| panic!("paper {n}"))
    };
    let ab_papers = DiffFiles {
        update: files(
            vec![pick(&b, 10), pick(&b, 11), pick(&b, 31), pick(&b, 32)],
            "ab-up",
        ),
        delete: files(vec![corpus(5), corpus(6)], "ab-del"),
    };
    let bc_papers = DiffFiles {
        update: files(
            vec![pick(&c, 12), pick(&c, 5), pick(&c, 33), pick(&b, 32)],
            "bc-up",
        ),
        delete: files(vec![corpus(31), corpus(32)], "bc-del"),
    };
    let ab_citations = DiffFiles {
        update: files(vec![citation(Some(1004), 2, Some(3), false)], "ab-cup"),
        delete: files(
            vec![
                "{\"citationid\":1002}".to_string(),
                "{\"citingcorpusid\":\"5\",\"citedcorpusid\":\"1\"}".to_string(),
            ],
            "ab-cdel",
        ),
    };
    let bc_citations = DiffFiles {
        update: files(vec![citation(Some(1005), 6, Some(7), false)], "bc-cup"),
        delete: vec![],
    };
    vec![
        (A, B, "papers", ab_papers),
        (B, C, "papers", bc_papers),
        (A, B, "citations", ab_citations),
        (B, C, "citations", bc_citations),
    ]
}

fn builder(releases: &[&str]) -> MockDatasetsBuilder {
    let mut builder = MockDatasetsBuilder::new().key(KEY);
    for release in releases {
        builder = builder.release(
            release,
            vec![
                ("papers", split(&papers(release), 2, &format!("p{release}"))),
                (
                    "citations",
                    split(&citations(release), 2, &format!("c{release}")),
                ),
            ],
        );
    }
    for (from, to, name, diff) in diffs() {
        if releases.contains(&from) && releases.contains(&to) {
            builder = builder.diff(from, to, name, diff);
        }
    }
    builder
}

fn expected(lines: &[String]) -> BTreeMap<String, usize> {
    records_of(&[("all.gz".to_string(), gzip_lines(lines))])
}

/// Downloads release A of both datasets into a fresh cache.
fn held_a(mock: &MockDatasets) -> tempfile::TempDir {
    let cache = tempfile::tempdir().unwrap();
    let mut run = args("download", &mock.url(), cache.path());
    run.extend(["--release", A, "--dataset", "papers,citations"].map(String::from));
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    cache
}

fn update(mock: &MockDatasets, cache: &std::path::Path) -> std::process::Output {
    let mut run = args("update", &mock.url(), cache);
    run.extend(["--dataset", "papers,citations"].map(String::from));
    citegraph(Some(KEY)).args(&run).output().unwrap()
}

#[test]
fn two_diffs_applied_give_the_records_of_the_latest_release() {
    let mock = builder(&[A, B, C]).start();
    let cache = held_a(&mock);
    let output = update(&mock, cache.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains(&format!("papers {A} -> {C}: 2 diffs applied")),
        "{text}"
    );
    let root = cache.path().join("datasets");
    assert_eq!(records(&root.join(C).join("papers")), expected(&papers(C)));
    assert_eq!(
        records(&root.join(C).join("citations")),
        expected(&citations(C))
    );
    assert!(root.join(C).join("papers/.manifest.json").is_file());
    assert!(!root.join(A).exists(), "the old release is gone");
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, [C], "no staging left");
    // Up to date now: nothing is downloaded again.
    let before = mock.count("/files/");
    let output = update(&mock, cache.path());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(&format!("papers {C}: up to date")));
    assert_eq!(mock.count("/files/"), before);
}

#[test]
fn a_diff_list_from_another_release_is_refused() {
    let mock = builder(&[A, B, C]).claim_start("2026-06-23").start();
    let cache = held_a(&mock);
    let held = records(&cache.path().join("datasets").join(A).join("papers"));
    let output = update(&mock, cache.path());
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("refused") && err.contains("2026-06-23") && err.contains(A),
        "{err}"
    );
    assert_eq!(
        records(&cache.path().join("datasets").join(A).join("papers")),
        held
    );
    assert!(!cache.path().join("datasets").join(C).exists());
    assert_eq!(
        mock.count("/files/diffs/"),
        0,
        "nothing of the diffs fetched"
    );
}

#[test]
fn a_start_release_the_api_no_longer_knows_says_download_again() {
    let first = builder(&[A, B, C]).start();
    let cache = held_a(&first);
    let later = builder(&[B, C]).start();
    let output = update(&later, cache.path());
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("HTTP 404") && err.contains("download the release again"),
        "{err}"
    );
    assert!(cache
        .path()
        .join("datasets")
        .join(A)
        .join("papers/.manifest.json")
        .is_file());
}

#[test]
fn a_failed_update_leaves_the_held_release_as_it_was() {
    let mut diffs = diffs();
    let (_, _, _, bc) = diffs
        .iter_mut()
        .find(|(f, _, n, _)| *f == B && *n == "papers")
        .unwrap();
    let last = bc.delete[0].1.len() - 1;
    bc.delete[0].1.truncate(last - 3);
    let mut builder = MockDatasetsBuilder::new().key(KEY);
    for release in [A, B, C] {
        builder = builder.release(
            release,
            vec![("papers", split(&papers(release), 2, &format!("p{release}")))],
        );
    }
    for (from, to, name, diff) in diffs.into_iter().filter(|d| d.2 == "papers") {
        builder = builder.diff(from, to, name, diff);
    }
    let mock = builder.start();
    let cache = tempfile::tempdir().unwrap();
    let mut run = args("download", &mock.url(), cache.path());
    run.extend(["--release", A, "--dataset", "papers"].map(String::from));
    assert!(citegraph(Some(KEY))
        .args(&run)
        .output()
        .unwrap()
        .status
        .success());
    let root = cache.path().join("datasets");
    let held = records(&root.join(A).join("papers"));
    let mut run = args("update", &mock.url(), cache.path());
    run.extend(["--dataset", "papers"].map(String::from));
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("not a whole gzip file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(records(&root.join(A).join("papers")), held);
    let names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [A], "no new release, no staging left");
}

/// The arrival times of the diff file transfers of an update of `papers` from A with
/// `--parallel n`, each transfer answered after `delay`.
fn diff_arrivals(parallel: &str, delay: std::time::Duration) -> Vec<std::time::Instant> {
    let mock = builder(&[A, B, C]).file_delay(delay).start();
    let cache = held_a(&mock);
    let mut run = args("update", &mock.url(), cache.path());
    run.extend(["--dataset", "papers", "--parallel", parallel].map(String::from));
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let root = cache.path().join("datasets");
    assert_eq!(records(&root.join(C).join("papers")), expected(&papers(C)));
    let mut arrivals: Vec<_> = mock
        .log()
        .into_iter()
        .filter(|l| l.path.starts_with("/files/diffs/"))
        .map(|l| l.at)
        .collect();
    arrivals.sort();
    arrivals
}

#[test]
fn diff_files_are_downloaded_parallel_at_once() {
    let delay = std::time::Duration::from_millis(400);
    // Two diffs of papers, an update and a delete file each.
    let together = diff_arrivals("3", delay);
    assert_eq!(together.len(), 4);
    assert!(
        together[2] - together[0] < delay,
        "three transfers in flight at once: {together:?}"
    );
    let one_by_one = diff_arrivals("1", delay);
    assert!(
        one_by_one.windows(2).all(|w| w[1] - w[0] >= delay),
        "one at a time: {one_by_one:?}"
    );
}
