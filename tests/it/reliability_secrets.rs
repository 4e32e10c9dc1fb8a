//! The API key through the real binary (issue #7): with a sentinel in `S2_API_KEY`, `citegraph
//! run` sends it in the `x-api-key` header of every request, and puts it in no file written
//! (cache, tables, figures, graph exports, report), no log line at -q, the
//! default level, -v and -vv, and no error message: refusals (403, a wrong key, 404), a server
//! that echoes the key back in its error text, a server that dies mid-run, no server at all.
//!
//! tests/fetch_secrets.rs checks the library at trace level with a 403; tests/it/fetch_cli.rs checks
//! one successful run at -vv. Here every level and every failure goes through the binary.

use crate::common;
use crate::fetch_support;
use crate::reliability_support;

use std::path::Path;

use common::mock_s2::{Endpoint, Fault, MockBuilder, MockS2, Target};
use fetch_support::*;
use reliability_support::*;

const SENTINEL: &str = "sentinel-KEY-c0ffee-7";

const LEVELS: [&[&str]; 4] = [&["-q"], &[], &["-v"], &["-vv"]];

/// `citegraph run` (catalogue, fetch, analysis, render: every file the tool writes) of the real
/// catalogue with the sentinel key, at a log level.
fn run_with_key(dir: &Path, url: &str, level: &[&str], extra: &[&str]) -> std::process::Output {
    citegraph_in(dir)
        .args([
            "run",
            "--api-url",
            url,
            "--rps",
            "1000",
            "--retry-delay",
            "0.01",
        ])
        // One figure (SVG and PNG) stands for all: the figures never see the key.
        .args(["--figures", "top-influential"])
        .args(level)
        .args(extra)
        .env("S2_API_KEY", SENTINEL)
        .timeout(PATIENCE)
        .output()
        .unwrap()
}

/// The key is in no byte of the output streams, nor of any file under `dir`.
fn assert_nowhere(dir: &Path, output: &std::process::Output, what: &str) {
    assert!(
        !contains(&output.stdout, SENTINEL),
        "{what}: the key is in stdout"
    );
    assert!(
        !contains(&output.stderr, SENTINEL),
        "{what}: the key is in stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files = files_under(dir);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !contains(&bytes, SENTINEL),
            "{what}: {} holds the key",
            file.display()
        );
    }
}

/// Every request the mock saw carried the key in its header, and only there.
fn assert_in_every_header(mock: &MockS2, what: &str) {
    let log = mock.log();
    assert!(!log.is_empty(), "{what}: no request");
    for request in &log {
        assert_eq!(
            request.header("x-api-key"),
            Some(SENTINEL),
            "{what}: {}",
            request.target
        );
        assert!(!request.target.contains(SENTINEL), "{what}: in the URL");
        for (name, value) in &request.headers {
            assert!(
                name == "x-api-key" || !value.contains(SENTINEL),
                "{what}: in the {name} header"
            );
        }
    }
}

/// Runs `check` at every log level, the levels side by side (each with its own mock and
/// directory: the runs mostly wait on the disk and the mock).
fn at_every_level(check: impl Fn(&'static [&'static str]) + Sync) {
    std::thread::scope(|scope| {
        let runs: Vec<_> = LEVELS
            .into_iter()
            .map(|level| {
                let check = &check;
                scope.spawn(move || check(level))
            })
            .collect();
        for run in runs {
            if let Err(panic) = run.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn successful_runs_at_every_level_with_retries() {
    at_every_level(|level| {
        let what = format!("level {level:?}");
        // Faults make the retry paths log; the mock refuses requests without the key.
        let mock = MockBuilder::new(world())
            .require_key(SENTINEL)
            .fault(Target::Any, Fault::TooManyRequests { retry_after: None }, 2)
            .fault(Target::Only(Endpoint::Match), Fault::Status(503), 1)
            .fault(Target::Only(Endpoint::References), Fault::CutBody, 1)
            .fault(Target::Only(Endpoint::Citations), Fault::Drop, 1)
            .fault(
                Target::Only(Endpoint::References),
                Fault::Reply(
                    404,
                    serde_json::json!({"error": "Paper with id x not found"}),
                ),
                1,
            )
            .start();
        let dir = tempfile::tempdir().unwrap();
        let output = run_with_key(dir.path(), &mock.url(), level, &[]);
        assert!(output.status.success(), "{what}: {}", stderr_of(&output));
        assert!(
            dir.path().join("output/report.html").is_file(),
            "{what}: rendered"
        );
        assert_in_every_header(&mock, &what);
        // The capture works: the levels that log say something about the retries.
        if level != ["-q"] {
            assert!(stderr_of(&output).contains("retrying"), "{what}");
        }
        if level == ["-vv"] {
            assert!(stderr_of(&output).contains("POST"), "{what}: -vv traces");
        }
        // And the snapshot a user would share.
        common::citegraph()
            .arg("--cache-dir")
            .arg(dir.path().join("cache"))
            .args(level)
            .args(["snapshot", "export"])
            .arg(dir.path().join("output/snapshot.jsonl"))
            .env("S2_API_KEY", SENTINEL)
            .assert()
            .success();
        assert_nowhere(dir.path(), &output, &what);
    });
}

/// A mock that refuses the fetch in the way `name` says.
fn refusing(name: &str) -> MockS2 {
    let reply = |status: u16, body: serde_json::Value| {
        MockBuilder::new(world()).fault(
            Target::Only(Endpoint::Batch),
            Fault::Reply(status, body),
            1,
        )
    };
    match name {
        "403 on the batch" => reply(403, serde_json::json!({"message": "Forbidden"})),
        "a wrong key" => MockBuilder::new(world()).require_key("the-right-key"),
        "404 on the batch" => reply(404, serde_json::json!({"error": "Not Found"})),
        // A gateway that quotes the header it rejected.
        "the key echoed back" => reply(
            403,
            serde_json::json!({
                "message": format!("Invalid API key '{SENTINEL}' in x-api-key: {SENTINEL}")
            }),
        ),
        _ => unreachable!("{name}"),
    }
    .start()
}

#[test]
fn refusals_at_every_level_keep_the_key_out_of_the_message() {
    for name in [
        "403 on the batch",
        "a wrong key",
        "404 on the batch",
        "the key echoed back",
    ] {
        let check = |level: &'static [&'static str]| {
            let what = format!("{name} at {level:?}");
            let mock = refusing(name);
            let dir = tempfile::tempdir().unwrap();
            let output = run_with_key(dir.path(), &mock.url(), level, &[]);
            let stderr = stderr_of(&output);
            assert!(!output.status.success(), "{what}: {stderr}");
            let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
            assert_eq!(error.len(), 1, "{what}: {stderr}");
            assert!(error[0].contains("/paper/batch"), "{what}: names the URL");
            assert!(
                error[0].contains("HTTP 403") || error[0].contains("HTTP 404"),
                "{what}: {stderr}"
            );
            assert_in_every_header(&mock, &what);
            assert_nowhere(dir.path(), &output, &what);
        };
        at_every_level(check);
    }
}

#[test]
fn a_server_that_dies_or_was_never_there_keeps_the_key_out_of_the_message() {
    at_every_level(|level| {
        // Dies mid-run.
        let what = format!("dying server at {level:?}");
        let dir = tempfile::tempdir().unwrap();
        let (mock, child) = server_dies_during(60, |url| {
            let mut args = level.to_vec();
            args.extend(["run", "--api-url", url, "--rps", "1000"]);
            args.extend(["--retry-delay", "0.01", "--max-retries", "2"]);
            spawn_citegraph(dir.path(), &args, Some(SENTINEL), true)
        });
        let output = wait_output(child);
        assert!(!output.status.success(), "{what}");
        assert!(stderr_of(&output).contains("rerun to resume"), "{what}");
        assert_in_every_header(&mock, &what);
        assert_nowhere(dir.path(), &output, &what);

        // Never there: the port of the dead server.
        let what = format!("no server at {level:?}");
        let other = tempfile::tempdir().unwrap();
        let output = run_with_key(other.path(), &mock.url(), level, &[]);
        assert!(!output.status.success(), "{what}");
        assert!(
            stderr_of(&output).contains("cannot reach"),
            "{what}: {}",
            stderr_of(&output)
        );
        assert_nowhere(other.path(), &output, &what);
    });
}

#[test]
fn a_key_that_cannot_be_sent_stops_the_fetch_before_any_request_and_is_not_shown() {
    // A key pasted with a line break inside, or with a non-ASCII character: sending no key
    // instead would quietly drop the user to the shared rate limit.
    for bad in [format!("{SENTINEL}\nextra"), format!("{SENTINEL}é")] {
        let mock = MockBuilder::new(world()).start();
        let dir = tempfile::tempdir().unwrap();
        let output = citegraph_in(dir.path())
            .args(["fetch", "--api-url", &mock.url(), "--rps", "1000"])
            .env("S2_API_KEY", &bad)
            .timeout(PATIENCE)
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert!(!output.status.success(), "{stderr}");
        assert!(
            stderr.contains("S2_API_KEY holds characters an HTTP header cannot carry"),
            "{stderr}"
        );
        assert_eq!(mock.requests(), 0, "no request without the key");
        assert_nowhere(dir.path(), &output, "a key that cannot be sent");
    }
}
