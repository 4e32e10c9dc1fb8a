//! `citegraph datasets releases|download` against the mock Datasets API: releases listed, a
//! download that resumes after a cut, expired links listed again, a corrupt shard refused with
//! nothing half-written left, the key only ever in the `x-api-key` header of API calls, and
//! clear errors without a key or without a network.

use std::time::{Duration, Instant};

use crate::common::mock_datasets::{File, MockDatasets, MockDatasetsBuilder};
use crate::datasets_support::*;

const RELEASE: &str = "2026-07-07";

fn mock(builder: MockDatasetsBuilder) -> (MockDatasets, Vec<File>) {
    let papers = paper_shards(1, 600, 3, "papers");
    let mock = builder
        .key(KEY)
        .release(
            "2026-06-30",
            vec![("papers", paper_shards(1, 10, 1, "old"))],
        )
        .release(RELEASE, vec![("papers", papers.clone())])
        .start();
    (mock, papers)
}

/// `datasets download --dataset papers` from `mock` into `cache`.
fn papers_download(mock: &MockDatasets, cache: &std::path::Path) -> Vec<String> {
    let mut run = args("download", &mock.url(), cache);
    run.extend(["--dataset", "papers"].map(String::from));
    run
}

#[test]
fn releases_are_listed_oldest_first_without_a_key() {
    let (mock, _) = mock(MockDatasetsBuilder::new());
    let cache = tempfile::tempdir().unwrap();
    let output = citegraph(None)
        .args(args("releases", &mock.url(), cache.path()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..2], ["2026-06-30", RELEASE], "{text}");
    assert!(text.contains("2 releases; latest 2026-07-07"), "{text}");
}

#[test]
fn a_download_resumes_after_a_cut_and_lands_complete() {
    let (mock, papers) = mock(MockDatasetsBuilder::new().cut_transfers(1));
    let cache = tempfile::tempdir().unwrap();
    let mut first = args("download", &mock.url(), cache.path());
    first.extend(
        [
            "--dataset",
            "papers",
            "--max-retries",
            "0",
            "--parallel",
            "1",
        ]
        .map(String::from),
    );
    let output = citegraph(Some(KEY)).args(&first).output().unwrap();
    assert!(!output.status.success(), "a cut with no retry left fails");
    let err = stderr(&output);
    assert!(err.contains("rerun to resume"), "{err}");
    let dir = cache.path().join("datasets").join(RELEASE).join("papers");
    let parts: Vec<_> = files_under(&dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".part"))
        .collect();
    assert_eq!(
        parts.len(),
        1,
        "the cut shard is kept as a part: {parts:?}\n{err}"
    );
    let kept = std::fs::metadata(&parts[0]).unwrap().len();
    assert!(kept > 0);
    assert!(!dir.join(".manifest.json").exists(), "not complete yet");

    let mut again = args("download", &mock.url(), cache.path());
    again.extend(["--dataset", "papers"].map(String::from));
    let output = citegraph(Some(KEY)).args(&again).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let ranged: Vec<_> = mock
        .log()
        .into_iter()
        .filter(|l| l.path.starts_with("/files/"))
        .filter_map(|l| l.headers.into_iter().find(|(k, _)| k == "range"))
        .collect();
    assert_eq!(ranged.len(), 1, "{ranged:?}");
    assert_eq!(ranged[0].1, format!("bytes={kept}-"));
    for (name, bytes) in &papers {
        assert_eq!(&std::fs::read(dir.join(name)).unwrap(), bytes, "{name}");
    }
    assert!(dir.join(".manifest.json").is_file());
    assert!(files_under(&dir)
        .iter()
        .all(|p| !p.to_string_lossy().ends_with(".part")));
    assert_eq!(records(&dir), records_of(&papers));
    assert!(
        stdout(&output).contains("papers 2026-07-07: 3 shards complete"),
        "{}",
        stdout(&output)
    );

    // Complete: a third run downloads nothing.
    let before = mock.count("/files/");
    let output = citegraph(Some(KEY)).args(&again).output().unwrap();
    assert!(output.status.success());
    assert_eq!(mock.count("/files/"), before);
}

#[test]
fn an_expired_link_is_listed_again() {
    let (mock, papers) = mock(MockDatasetsBuilder::new().stale_listings(1));
    let cache = tempfile::tempdir().unwrap();
    let mut run = args("download", &mock.url(), cache.path());
    run.extend(["--dataset", "papers", "--release", RELEASE].map(String::from));
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let log = mock.log();
    assert!(log
        .iter()
        .any(|l| l.path.starts_with("/files/") && l.status == 403));
    let listings = log
        .iter()
        .filter(|l| l.path.ends_with("/dataset/papers"))
        .count();
    assert!(listings >= 2, "listed again after the 403: {listings}");
    let dir = cache.path().join("datasets").join(RELEASE).join("papers");
    assert_eq!(records(&dir), records_of(&papers));
}

#[test]
fn a_corrupt_shard_is_refused_and_nothing_half_written_stays() {
    let good = paper_shards(1, 200, 1, "good");
    let mut bad = paper_shards(201, 200, 1, "bad");
    let middle = bad[0].1.len() / 2;
    bad[0].1[middle] ^= 0x5a;
    let mock = MockDatasetsBuilder::new()
        .key(KEY)
        .release(
            RELEASE,
            vec![("papers", [good.clone(), bad.clone()].concat())],
        )
        .start();
    let cache = tempfile::tempdir().unwrap();
    let run = papers_download(&mock, cache.path());
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains(&bad[0].0) && err.contains("not a whole gzip file"),
        "{err}"
    );
    let dir = cache.path().join("datasets").join(RELEASE).join("papers");
    let names: Vec<String> = files_under(&dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [good[0].0.clone()], "only the good shard stays");
}

#[test]
fn the_key_is_only_in_the_header_of_api_calls() {
    let (mock, _) = mock(MockDatasetsBuilder::new().cut_transfers(1));
    let cache = tempfile::tempdir().unwrap();
    let mut run = args("download", &mock.url(), cache.path());
    run.extend(["--dataset", "papers", "-vv"].map(String::from));
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    // A wrong key: refused, and the error does not show it either.
    let wrong = format!("{KEY}-revoked");
    let refused = citegraph(Some(&wrong)).args(&run).output().unwrap();
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("403"), "{}", stderr(&refused));
    for out in [&output, &refused] {
        for text in [stdout(out), stderr(out)] {
            assert!(!text.contains(KEY), "{text}");
            assert!(!text.contains("X-Amz-Signature"), "{text}");
        }
    }
    for path in files_under(cache.path()) {
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
            "{path:?}"
        );
    }
    for logged in mock.log() {
        let key = logged.headers.iter().find(|(k, _)| k == "x-api-key");
        if logged.path.starts_with("/files/") {
            assert!(key.is_none(), "no key to S3: {logged:?}");
        } else if logged.path.contains("/dataset/") {
            assert!(key.is_some(), "{logged:?}");
        }
        assert!(!logged.query.contains(KEY));
    }
}

#[test]
fn without_a_key_the_links_are_not_asked_for() {
    let (mock, _) = mock(MockDatasetsBuilder::new());
    let cache = tempfile::tempdir().unwrap();
    let run = papers_download(&mock, cache.path());
    let output = citegraph(None).args(&run).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("needs a Semantic Scholar API key: set S2_API_KEY"),
        "{err}"
    );
    assert_eq!(mock.count("/datasets/v1/release/2026-07-07/dataset"), 0);
}

#[test]
fn without_a_network_it_fails_fast_and_names_datasets_dir() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cache = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/datasets/v1");
    let run = args("download", &url, cache.path());
    let started = Instant::now();
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "no backoff without a network"
    );
    let err = stderr(&output);
    assert!(
        err.contains("cannot reach the Semantic Scholar Datasets API"),
        "{err}"
    );
    assert!(err.contains("--datasets-dir"), "{err}");
}

#[test]
fn a_held_shard_cut_or_corrupt_is_downloaded_again() {
    let (mock, papers) = mock(MockDatasetsBuilder::new());
    let cache = tempfile::tempdir().unwrap();
    let mut run = papers_download(&mock, cache.path());
    // The summary of a download that must succeed.
    let download = |run: &[String]| -> String {
        let output = citegraph(Some(KEY)).args(run).output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    download(&run);
    let dir = cache.path().join("datasets").join(RELEASE).join("papers");
    // Cut short: its size is not the manifest's, so a plain rerun replaces it.
    let (cut, cut_bytes) = &papers[0];
    std::fs::write(dir.join(cut), &cut_bytes[..cut_bytes.len() / 2]).unwrap();
    let before = mock.count("/files/");
    let text = download(&run);
    assert_eq!(mock.count("/files/"), before + 1);
    assert!(text.contains(&format!("held shard {cut} (")), "{text}");
    // Corrupt in place, the same size: only --verify finds it.
    let (flipped, flipped_bytes) = &papers[2];
    let mut bytes = flipped_bytes.clone();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(dir.join(flipped), &bytes).unwrap();
    let before = mock.count("/files/");
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        mock.count("/files/"),
        before,
        "a plain rerun trusts the sizes"
    );
    run.push("--verify".to_string());
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(mock.count("/files/"), before + 1);
    assert!(
        stdout(&output).contains(&format!("held shard {flipped} (not a whole gzip file")),
        "{}",
        stdout(&output)
    );
    for (name, bytes) in &papers {
        assert_eq!(&std::fs::read(dir.join(name)).unwrap(), bytes, "{name}");
    }
    assert!(dir.join(".manifest.json").is_file());
}
