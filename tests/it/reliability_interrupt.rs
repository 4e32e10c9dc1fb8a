//! `citegraph fetch` killed with SIGKILL at seeded random moments, ten times in a row on one
//! cache (issue #7): after every kill each cache file is whole, nothing kept before is lost or
//! changed, and the rerun that is finally let run completes with the snapshot of a clean run.
//!
//! tests/it/fetch_resume.rs kills once, in the title phase, and counts the requests of the rerun;
//! here the kills land anywhere: at start-up, while the catalogue is read, between and during
//! requests, while answers are written.

use crate::common;
use crate::fetch_support;
use crate::reliability_support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use common::mock_s2::MockBuilder;
use fetch_support::*;
use reliability_support::*;

const KILLS: usize = 10;

#[test]
fn ten_kills_in_a_row_lose_nothing_and_the_rerun_completes() {
    let mut rng = Seeded::new(0x0c1e_a9e5);
    // Some latency, so that ten kills fit in one fetch.
    let mock = MockBuilder::new(world())
        .delay(Duration::from_millis(8))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut kept: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    let mut mid_fetch = 0;
    for round in 1..=KILLS {
        let before = mock.requests();
        let mut child = spawn_fetch(dir.path(), &mock.url(), &[], false);
        // The moment: after some more requests (mid-fetch), or some time after the start (which
        // may be while the binary starts or reads the catalogue)...
        let running = if rng.between(0, 3) == 0 {
            std::thread::sleep(Duration::from_millis(rng.between(0, 300)));
            child.try_wait().unwrap().is_none()
        } else {
            let more = rng.between(1, 40) as usize;
            wait_for(&mut child, &mock, || mock.requests() >= before + more)
        };
        // ... then a few milliseconds more, so that the kill falls anywhere between two
        // requests, answers being written included.
        std::thread::sleep(Duration::from_micros(rng.between(0, 6_000)));
        let killed = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        child.wait().unwrap();
        if running && killed {
            mid_fetch += usize::from(mock.requests() > before);
        }

        // No cache file is partial, and nothing kept before is lost or rewritten.
        let now: BTreeMap<PathBuf, Vec<u8>> = whole_cache_entries(dir.path()).into_iter().collect();
        for (path, bytes) in &kept {
            assert_eq!(
                now.get(path),
                Some(bytes),
                "kill {round}: {} was lost or rewritten",
                path.display()
            );
        }
        eprintln!(
            "kill {round}: {} requests in this run, {} cache entries",
            mock.requests() - before,
            now.len()
        );
        kept = now;
    }
    assert!(
        mid_fetch >= KILLS / 2,
        "only {mid_fetch} kills landed in the middle of a fetch"
    );
    assert!(!kept.is_empty());

    // The run that is let finish completes, from what the killed ones kept.
    let before = mock.requests();
    citegraph_fetch(dir.path(), &mock.url())
        .timeout(PATIENCE)
        .assert()
        .success();
    let (_, clean_requests) = clean();
    assert!(
        mock.requests() - before < *clean_requests,
        "the final run asked everything again"
    );
    let now: BTreeMap<PathBuf, Vec<u8>> = whole_cache_entries(dir.path()).into_iter().collect();
    for (path, bytes) in &kept {
        assert_eq!(now.get(path), Some(bytes), "{} was lost", path.display());
    }
    assert_clean_snapshot(dir.path());
    // A kill during a write leaves that write's temp file (never read as an entry).
    let temps = files_under(dir.path())
        .into_iter()
        .filter(|f| is_temp(f))
        .count();
    eprintln!("temp files left by {KILLS} kills: {temps}");
}

#[test]
fn ctrl_c_stops_with_a_message_and_the_rerun_completes() {
    let (mock, dir, child) = fetch_under_way(60);
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = wait_output(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error.len(), 1, "{stderr}");
    assert!(error[0].contains("interrupted"), "{}", error[0]);
    assert!(error[0].contains("rerun to resume"), "{}", error[0]);
    let kept = whole_cache_entries(dir.path());
    assert!(!kept.is_empty());
    // A finished run leaves no temp file behind; an interrupted one neither (no write is cut).
    assert!(
        files_under(dir.path()).iter().all(|f| !is_temp(f)),
        "temp files left by Ctrl-C"
    );
    citegraph_fetch(dir.path(), &mock.url())
        .timeout(PATIENCE)
        .assert()
        .success();
    assert_clean_snapshot(dir.path());
}

#[test]
fn temp_files_left_by_kills_are_removed_by_a_later_run_once_an_hour_old() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache/s2/papers/ab");
    let figures = dir.path().join("output/figures");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::create_dir_all(&figures).unwrap();
    // What a kill during a write leaves: an hour and more old, or just now (another run's
    // write in progress, which must survive).
    let old = [cache.join(".tmp-Ab12Cd"), figures.join(".tmp-x9Y8z7")];
    let fresh = cache.join(".tmp-Fresh1");
    let entry = cache.join("ab0123.json");
    for path in old.iter().chain([&fresh, &entry]) {
        std::fs::write(path, b"{\"half\": ").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    for path in old.iter().chain([&entry]) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(two_hours_ago).unwrap();
    }

    let output = citegraph_in(dir.path())
        .arg("catalog")
        .timeout(PATIENCE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr
            .matches("removed a temp file left by an interrupted run")
            .count(),
        2,
        "one in the cache, one in the output: {stderr}"
    );
    for path in &old {
        assert!(!path.exists(), "{} is still there", path.display());
    }
    assert!(fresh.exists(), "a fresh temp file may be another run's");
    assert!(entry.exists(), "only temp files go");
}
