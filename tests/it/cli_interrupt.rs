//! Ctrl-C the same way in every stage (issue #24): one message, exit status 130, no staging
//! directory left beside the output directory, the previous outputs untouched, no temp file in
//! the cache. A fetch against a slow mock server, and an analysis of a snapshot caught while it
//! writes its outputs into the staging directory.

use crate::common;
use crate::fetch_support;
use crate::reliability_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use fetch_support::files_under;
use reliability_support::{
    fetch_under_way, is_temp, spawn_citegraph, spawn_fetch, wait_for, wait_output,
};

fn interrupt(child: &Child) {
    signal(child, "-INT");
}

fn signal(child: &Child, signal: &str) {
    let sent = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
}

/// The one `error:` line of an interrupted run, after checking status 130.
fn interrupted(output: &std::process::Output) -> String {
    stopped(output, 130)
}

/// The one `error:` line of a run a signal stopped, after checking its status.
fn stopped(output: &std::process::Output, status: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(status), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let error = errors[0].to_string();
    for said in ["interrupted", "rerun to resume", "output"] {
        assert!(error.contains(said), "{error}");
    }
    error
}

/// Every file under `dir`, by path, with its bytes.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(&file).unwrap();
            (file, bytes)
        })
        .collect()
}

/// What lies beside `output` with a name of the staging (or previous) directories.
fn staging_beside(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".output."))
        .collect()
}

#[test]
fn ctrl_c_during_a_fetch_exits_130_and_leaves_no_temp_file() {
    let (mock, dir, child) = fetch_under_way(20);
    interrupt(&child);
    let output = wait_output(child);
    let error = interrupted(&output);
    assert!(error.contains("cache"), "{error}");
    assert!(
        files_under(dir.path()).iter().all(|f| !is_temp(f)),
        "temp files left by Ctrl-C"
    );
    assert!(staging_beside(dir.path()).is_empty());

    // SIGTERM (a CI runner cancelling a job) the same way, with 128 + 15.
    let before = mock.requests();
    let mut child = spawn_fetch(dir.path(), &mock.url(), &["--refresh"], true);
    assert!(
        wait_for(&mut child, &mock, || mock.requests() >= before + 20),
        "the fetch ended before SIGTERM"
    );
    signal(&child, "-TERM");
    let error = stopped(&wait_output(child), 143);
    assert!(error.contains("rerun to resume"), "{error}");
    assert!(files_under(dir.path()).iter().all(|f| !is_temp(f)));
}

#[test]
fn ctrl_c_while_an_analysis_writes_removes_its_staging_directory() {
    let dir = tempfile::tempdir().unwrap();
    // The previous run's outputs.
    let previous = dir.path().join("output");
    std::fs::create_dir_all(previous.join("figures")).unwrap();
    std::fs::write(previous.join("metrics.json"), "{\"previous\": true}\n").unwrap();
    std::fs::write(previous.join("figures/old.svg"), "<svg/>\n").unwrap();
    let before = contents(&previous);

    let world = common::world_jsonl();
    let mut child = spawn_citegraph(
        dir.path(),
        &["analyze", "--snapshot", world.to_str().unwrap()],
        None,
        true,
    );
    let staging = dir.path().join(format!(".output.staging-{}", child.id()));
    // The moment: while the outputs are written into the staging directory (the analysis
    // itself takes some seconds before).
    let deadline = Instant::now() + reliability_support::PATIENCE;
    while !staging.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the analysis ended before its staging directory was seen"
        );
        assert!(Instant::now() < deadline, "no staging directory appeared");
        std::thread::sleep(Duration::from_millis(1));
    }
    interrupt(&child);
    let output = wait_output(child);
    interrupted(&output);
    assert!(
        staging_beside(dir.path()).is_empty(),
        "left beside the outputs: {:?}",
        staging_beside(dir.path())
    );
    assert_eq!(
        contents(&previous),
        before,
        "the previous outputs were changed"
    );
}
