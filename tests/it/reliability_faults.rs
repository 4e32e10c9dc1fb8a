//! The real binary under a faulty server (issue #7): a seeded storm of every fault the mock
//! knows spread over a whole fetch of the real catalogue, the server dying mid-run and coming
//! back, and the server dying for good. The fetch ends with exactly the snapshot of a clean run,
//! or fails with a message that says what happened and what to do, after which a rerun
//! completes without losing what was fetched.
//!
//! tests/it/fetch_faults.rs checks each fault alone through the library, with exact request
//! counts; here they come mixed, through the binary, with the cache compared as a whole.

use crate::common;
use crate::fetch_support;
use crate::reliability_support;

use std::time::Duration;

use common::mock_s2::{Endpoint, Fault, MockBuilder, Target};
use fetch_support::*;
use reliability_support::*;

/// Every fault kind, by name (for the check that each was served).
fn all_faults() -> Vec<(&'static str, Fault)> {
    vec![
        ("429", Fault::TooManyRequests { retry_after: None }),
        (
            "429+Retry-After",
            Fault::TooManyRequests {
                retry_after: Some(1),
            },
        ),
        ("500", Fault::Status(500)),
        ("502", Fault::Status(502)),
        ("503", Fault::Status(503)),
        ("504", Fault::Status(504)),
        ("cut body", Fault::CutBody),
        ("dropped connection", Fault::Drop),
        // Three times the client's --timeout below.
        ("slow", Fault::Slow(Duration::from_secs(3))),
    ]
}

/// Settings that ride out any storm below: many retries, short backoff, a short timeout.
const PATIENT: [&str; 6] = [
    "--max-retries",
    "40",
    "--timeout",
    "1",
    "--retry-delay",
    "0.01",
];

#[test]
fn a_storm_of_mixed_faults_ends_with_the_clean_snapshot() {
    let mut rng = Seeded::new(0x5eed_0007);
    let faults = all_faults();
    let mock = MockBuilder::new(world()).start();
    // A burst at the start of each phase: the id batch, the title matches, the list pages...
    for endpoint in [
        Endpoint::Batch,
        Endpoint::Match,
        Endpoint::References,
        Endpoint::Citations,
    ] {
        for _ in 0..4 {
            let (_, fault) = &faults[rng.between(0, faults.len() as u64 - 1) as usize];
            // One Retry-After costs a second: keep them few.
            let fault = match fault {
                Fault::TooManyRequests {
                    retry_after: Some(_),
                } if endpoint != Endpoint::Batch => Fault::Status(503),
                other => other.clone(),
            };
            mock.inject(Target::Only(endpoint), fault, 1);
        }
    }
    // ... a 429 storm (more 429s in a row than requests in flight)...
    mock.inject(
        Target::Only(Endpoint::References),
        Fault::TooManyRequests { retry_after: None },
        12,
    );
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_fetch(dir.path(), &mock.url(), &PATIENT, true);
    // ... and, all along the run, every kind of fault in a seeded order, one every 15 requests,
    // each kind at least once.
    let mut order: Vec<usize> = (0..faults.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.between(0, i as u64) as usize);
    }
    order.extend((0..20).map(|_| rng.between(0, faults.len() as u64 - 1) as usize));
    let mut injected = 0;
    for (n, &kind) in order.iter().enumerate() {
        let at = 40 + 15 * n;
        if !wait_for(&mut child, &mock, || mock.requests() >= at) {
            break;
        }
        mock.inject(Target::Any, faults[kind].1.clone(), 1);
        injected += 1;
    }
    let output = wait_output(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        injected > faults.len(),
        "the fetch ended before the storm: {injected} faults injected"
    );
    // Every kind of fault was served (the ones in flight at the end may not be).
    let served: Vec<Fault> = mock.log().into_iter().filter_map(|l| l.fault).collect();
    for (name, fault) in &faults {
        assert!(served.contains(fault), "no {name} was served: {served:?}");
    }
    assert!(served.len() >= 30, "{} faults served", served.len());
    assert!(stderr.contains("retrying"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    whole_cache_entries(dir.path());
    assert_clean_snapshot(dir.path());
}

#[test]
fn the_server_dies_mid_run_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut mock, child) = server_dies_during(120, |url| {
        let retries = ["--max-retries", "30", "--retry-delay", "0.05"];
        spawn_fetch(dir.path(), url, &retries, true)
    });
    let served_before = mock.requests();
    // Down for longer than the first retries wait (0.05 + 0.1 + 0.2 + 0.4 s, with jitter).
    std::thread::sleep(Duration::from_millis(1500));
    mock.resume();
    let output = wait_output(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        mock.requests() > served_before,
        "the fetch went on after the server came back"
    );
    assert!(stderr.contains("retrying"), "{stderr}");
    whole_cache_entries(dir.path());
    assert_clean_snapshot(dir.path());
}

#[test]
fn the_server_dies_for_good_then_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut mock, child) = server_dies_during(120, |url| {
        let retries = ["--max-retries", "3", "--retry-delay", "0.01"];
        spawn_fetch(dir.path(), url, &retries, true)
    });
    let output = wait_output(child);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    // One clear message: the URL that failed, how often, why, and what to do.
    let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error.len(), 1, "{stderr}");
    let error = error[0];
    let base = mock.url();
    assert!(error.contains(&base), "names the URL: {error}");
    assert!(error.contains("failed 4 times"), "{error}");
    assert!(error.contains("connection"), "says why: {error}");
    assert!(
        error.contains("rerun to resume"),
        "says what to do: {error}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let kept = whole_cache_entries(dir.path());
    assert!(!kept.is_empty(), "what was fetched before is in the cache");

    // The server is back: the rerun completes, asking only what the first run did not keep.
    mock.resume();
    mock.clear_log();
    let rerun = citegraph_fetch(dir.path(), &mock.url())
        .timeout(PATIENCE)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&rerun.get_output().stdout).into_owned();
    let (_, clean_requests) = clean();
    assert!(
        requests_of(&stdout) < *clean_requests,
        "the rerun asked everything again: {} requests, {clean_requests} for a clean run",
        requests_of(&stdout)
    );
    assert_eq!(
        mock.count(Endpoint::Batch),
        0,
        "the ids, answered before the server died, were not asked again"
    );
    assert_clean_snapshot(dir.path());
}

#[test]
fn an_unwritable_cache_is_a_clear_error() {
    let mock = MockBuilder::new(world()).start();
    let dir = tempfile::tempdir().unwrap();
    // A file where the cache directory should be (root can write anywhere: a permission test
    // would pass for the wrong reason).
    let blocker = dir.path().join("cache");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let output = citegraph_fetch(dir.path(), &mock.url())
        .timeout(PATIENCE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error.len(), 1, "{stderr}");
    assert!(
        error[0].contains(&*blocker.to_string_lossy()),
        "names the path: {}",
        error[0]
    );
    assert!(
        error[0].contains("--cache-dir"),
        "says what to do: {}",
        error[0]
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read(&blocker).unwrap(), b"not a directory");
}
