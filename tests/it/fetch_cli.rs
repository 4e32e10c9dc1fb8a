//! `citegraph fetch` on the real catalogue (../shared/catalog) against the mock serving the
//! world: every paper the world holds resolved with complete lists, the request count under the
//! bound the world allows, 0 requests on rerun, `--offline` with no server, `--snapshot`, the key
//! in every request header and nowhere else (files, stderr at -vv), no network at all.

use crate::common;
use crate::fetch_support;

use common::mock_s2::{Endpoint, MockBuilder};
use fetch_support::*;

const SENTINEL: &str = "sentinel-KEY-3b9a51";

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn real_catalogue_fetch_rerun_offline_and_snapshot() {
    let truth = truth();
    let world = world_papers();
    let catalog = real_catalog();
    let bound = minimum_requests(&catalog, 9_999);
    let mock = MockBuilder::new(fetch_support::world())
        .require_key(SENTINEL)
        .start();
    let dir = tempfile::tempdir().unwrap();

    let first = citegraph_fetch(dir.path(), &mock.url())
        .arg("-vv")
        .env("S2_API_KEY", SENTINEL)
        .assert()
        .success();
    let out = first.get_output();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let requests = requests_of(&stdout);
    assert_eq!(requests, mock.requests(), "{stdout}");
    // The default fetches every link's isInfluential and intents: one batch of ids, the title
    // matches, then one page per 1000 links of each non-empty list.
    assert!(
        requests <= bound.with_link_details(),
        "{requests} requests, the world allows {bound:?}"
    );
    assert_eq!(mock.count(Endpoint::Batch), bound.id_batches);
    eprintln!(
        "real catalogue: {requests} requests ({:?}); bound {} ({bound:?})",
        mock.counts(),
        bound.with_link_details()
    );

    // The key: in every request's header; not in stderr at -vv, nor in any file written.
    assert!(mock
        .log()
        .iter()
        .all(|l| l.header("x-api-key") == Some(SENTINEL)));
    assert!(contains(&out.stderr, "POST"), "-vv traces the requests");
    assert!(
        !contains(&out.stderr, SENTINEL),
        "the key leaked into stderr"
    );
    assert!(!contains(&out.stdout, SENTINEL));

    // Every catalogue paper the world holds is resolved: none of them is in unresolved.csv.
    let planted = truth["catalog_by_key"].as_object().unwrap();
    let mut reader = csv::Reader::from_path(dir.path().join("output/unresolved.csv")).unwrap();
    let unresolved: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    for row in &unresolved {
        assert!(
            !planted.contains_key(&row[0]),
            "{} is in the world: {row:?}",
            &row[0]
        );
        assert!(!row[5].is_empty(), "a reason: {row:?}");
    }
    for title in truth["unresolvable"].as_array().unwrap() {
        assert!(
            unresolved.iter().any(|r| &r[1] == title.as_str().unwrap()),
            "{title} listed"
        );
    }

    // Complete reference and citation lists, as the snapshot export shows.
    let snapshot = dir.path().join("output/snapshot.jsonl");
    common::citegraph()
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["snapshot", "export"])
        .arg(&snapshot)
        .assert()
        .success();
    let lines = snapshot_lines(&snapshot);
    for id in planted.values() {
        let id = id.as_str().unwrap();
        let Some(line) = lines.get(id) else { continue };
        for list in ["references", "citations"] {
            assert_eq!(
                line[list].as_array().unwrap().len(),
                world[id][list].as_array().unwrap().len(),
                "{id} {list}"
            );
        }
    }
    let held: usize = planted
        .values()
        .filter(|id| lines.contains_key(id.as_str().unwrap()))
        .count();
    assert_eq!(held, lines.len(), "only catalogue papers are records");

    // A rerun: no request at all.
    let again = citegraph_fetch(dir.path(), &mock.url())
        .env("S2_API_KEY", SENTINEL)
        .assert()
        .success();
    assert_eq!(
        requests_of(&String::from_utf8_lossy(&again.get_output().stdout)),
        0
    );
    assert_eq!(mock.requests(), requests);

    // Offline with no server: the same from the cache.
    drop(mock);
    let offline = citegraph_fetch(dir.path(), "http://127.0.0.1:1/graph/v1")
        .arg("--offline")
        .assert()
        .success();
    let offline_out = String::from_utf8_lossy(&offline.get_output().stdout).into_owned();
    assert_eq!(requests_of(&offline_out), 0);
    assert_eq!(
        offline_out.lines().next(),
        stdout.lines().next(),
        "the same resolutions"
    );

    for file in files_under(dir.path()) {
        assert!(
            !contains(&std::fs::read(&file).unwrap(), SENTINEL),
            "{} holds the key",
            file.display()
        );
    }

    // From the snapshot, with no network and no cache: the same resolutions.
    let other = tempfile::tempdir().unwrap();
    let from_snapshot = citegraph_in(other.path())
        .args(["--offline", "fetch", "--snapshot"])
        .arg(&snapshot)
        .assert()
        .success();
    let snapshot_out = String::from_utf8_lossy(&from_snapshot.get_output().stdout).into_owned();
    assert_eq!(
        snapshot_out.lines().next(),
        stdout.lines().next(),
        "{snapshot_out}"
    );
    assert_eq!(requests_of(&snapshot_out), 0);
    assert!(
        !other.path().join("cache/s2").exists(),
        "a snapshot run writes no cache"
    );
}

#[test]
fn no_network_fails_fast_and_says_how_to_run_from_files() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1. With a 30 s first backoff, retrying would take many minutes.
    let assert = common::citegraph()
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args([
            "fetch",
            "--api-url",
            "http://127.0.0.1:1/graph/v1",
            "--retry-delay",
            "30",
        ])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for hint in [
        "--catalog PATH",
        "--snapshot FILE",
        "--offline",
        "127.0.0.1:1",
    ] {
        assert!(stderr.contains(hint), "{stderr}");
    }
}

#[test]
fn world_snapshot_serves_fetch_with_no_network() {
    let dir = tempfile::tempdir().unwrap();
    let assert = citegraph_in(dir.path())
        .args([
            "fetch",
            "--api-url",
            "http://127.0.0.1:1/graph/v1",
            "--snapshot",
        ])
        .arg(common::world_jsonl())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert_eq!(requests_of(&stdout), 0);
    assert!(
        stdout.contains("5996 records"),
        "every line of the world is a record: {stdout}"
    );
    assert!(dir.path().join("output/unresolved.csv").is_file());
}
