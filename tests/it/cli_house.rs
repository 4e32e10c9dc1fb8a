//! The command line as a new user meets it: choices checked before any work, each subcommand's
//! help listing only its own options, `-q` quiet, a closed stdout a normal end, `snapshot import`
//! feeding `--offline`, and a run with nothing to show failing without touching the last good
//! outputs.

use crate::common;

use std::path::Path;
use std::process::Stdio;

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `run --snapshot world.jsonl` on the real catalogue into `dir/output` (cache in `dir/cache`).
fn run_world(dir: &Path, extra: &[&str]) -> std::process::Output {
    common::citegraph()
        .arg("run")
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--snapshot")
        .arg(common::world_jsonl())
        .arg("--output-dir")
        .arg(dir.join("output"))
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .args(["--figures", "papers-per-year", "--format", "svg"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn an_unknown_figure_is_rejected_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_world(dir.path(), &["--figures", "foo"]);
    assert!(!output.status.success());
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("foo") && stderr.contains("papers-per-year"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("output").exists() && !dir.path().join("cache").exists(),
        "nothing may be written for a command line that cannot run"
    );
}

#[test]
fn each_help_lists_only_its_own_options() {
    let help = |args: &[&str]| {
        let output = common::citegraph().args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        stdout_of(&output)
    };
    let analyze = help(&["analyze", "--help"]);
    for absent in ["--rps", "--api-url", "--no-link-details", "--retry-delay"] {
        assert!(!analyze.contains(absent), "analyze --help shows {absent}");
    }
    assert!(analyze.contains("--scope") && analyze.contains("--snapshot"));
    let render = help(&["render", "--help"]);
    for absent in [
        "--rps",
        "--api-url",
        "--catalog",
        "--snapshot",
        "--cache-dir",
    ] {
        assert!(!render.contains(absent), "render --help shows {absent}");
    }
    let export = help(&["snapshot", "export", "--help"]);
    // The catalogue names the papers whose secondary answers `--source` exports.
    assert!(export.contains("--source") && export.contains("--catalog"));
    for absent in ["--output-dir", "--rps", "--api-url"] {
        assert!(
            !export.contains(absent),
            "snapshot export --help shows {absent}"
        );
    }
    assert!(help(&["run", "--help"]).contains("--api-url"));
}

#[test]
fn quiet_prints_nothing_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_world(dir.path(), &["-q", "--format", "svg,png"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "");
    assert_eq!(stderr_of(&output), "", "-q: errors only, whoever logs them");
    assert!(dir.path().join("output/papers.csv").exists());
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_citegraph"))
        .arg("catalog")
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--output-dir")
        .arg(dir.path().join("output"))
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the first line, as `| head -0` would.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = stderr_of(&output);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn snapshot_import_feeds_an_offline_run() {
    let dir = tempfile::tempdir().unwrap();
    let from_snapshot = run_world(dir.path(), &[]);
    assert!(
        from_snapshot.status.success(),
        "{}",
        stderr_of(&from_snapshot)
    );
    let papers_from_snapshot =
        std::fs::read_to_string(dir.path().join("output/papers.csv")).unwrap();

    let import = common::citegraph()
        .args(["snapshot", "import"])
        .arg(common::world_jsonl())
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .output()
        .unwrap();
    assert!(import.status.success(), "{}", stderr_of(&import));
    assert!(
        stdout_of(&import).contains("imported"),
        "{}",
        stdout_of(&import)
    );

    let offline = common::citegraph()
        .arg("run")
        .arg("--offline")
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--output-dir")
        .arg(dir.path().join("offline"))
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["--figures", "papers-per-year", "--format", "svg"])
        .output()
        .unwrap();
    // A snapshot holds records, not the API's "no title match": the catalogue papers it does
    // not resolve are not cached, gaps a run with a network fills (exit status 3, said so).
    assert_eq!(offline.status.code(), Some(3), "{}", stderr_of(&offline));
    assert!(
        stderr_of(&offline).contains("not cached); their status is in unresolved.csv"),
        "{}",
        stderr_of(&offline)
    );
    assert!(stdout_of(&offline).contains("requests: 0"));
    // The imported links are described as the snapshot describes them: the same missing papers
    // in the same order, with their titles, years and scopes (authors are not part of a link, as
    // with the API; candidates' coupling scores move a little, since the snapshot's other lines
    // add links among papers outside the catalogue that the cache does not hold).
    let missing_rows = |path: &Path| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let headers = reader.headers().unwrap().clone();
        let keep: Vec<usize> = ["paper_id", "title", "year", "kind", "scope"]
            .iter()
            .filter_map(|name| headers.iter().position(|h| h == *name))
            .collect();
        reader
            .records()
            .map(|row| {
                let row = row.unwrap();
                keep.iter().map(|&i| row[i].to_string()).collect()
            })
            .collect()
    };
    // Candidates whose scores are that close may swap places (a score is multiplied by
    // 1 + its field signals, README "Scope"), so they are compared as a set; the foundations
    // in order.
    let by_kind = |path: &Path| -> (Vec<Vec<String>>, Vec<Vec<String>>) {
        let (foundations, mut candidates): (Vec<_>, Vec<_>) = missing_rows(path)
            .into_iter()
            .partition(|row| row[3] == "foundation");
        candidates.sort();
        (foundations, candidates)
    };
    assert_eq!(
        by_kind(&dir.path().join("offline/missing.csv")),
        by_kind(&dir.path().join("output/missing.csv"))
    );
    // The same catalogue papers resolve to the same records, whichever way they were read.
    let catalogue_rows = |text: &str| -> Vec<String> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (id, in_catalog) = (column("paper_id"), column("in_catalog"));
        let mut rows: Vec<String> = reader
            .records()
            .map(Result::unwrap)
            .filter(|row| &row[in_catalog] == "true")
            .map(|row| row[id].to_string())
            .collect();
        rows.sort();
        rows
    };
    let papers_offline = std::fs::read_to_string(dir.path().join("offline/papers.csv")).unwrap();
    let (a, b) = (
        catalogue_rows(&papers_from_snapshot),
        catalogue_rows(&papers_offline),
    );
    assert!(!a.is_empty());
    assert_eq!(a, b);

    // And `snapshot export` works right after the import.
    let export = common::citegraph()
        .args(["snapshot", "export"])
        .arg(dir.path().join("exported.jsonl"))
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", stderr_of(&export));
}

#[test]
fn nothing_to_show_fails_and_keeps_the_last_good_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let good = run_world(dir.path(), &[]);
    assert!(good.status.success(), "{}", stderr_of(&good));
    let output_dir = dir.path().join("output");
    let before: Vec<(String, Vec<u8>)> = walk(&output_dir);

    // Offline with an empty cache: nothing resolves.
    let empty_cache = common::citegraph()
        .arg("run")
        .arg("--offline")
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--output-dir")
        .arg(&output_dir)
        .arg("--cache-dir")
        .arg(dir.path().join("empty-cache"))
        .output()
        .unwrap();
    assert!(!empty_cache.status.success());
    let stderr = stderr_of(&empty_cache);
    assert!(
        stderr.contains("snapshot import") && stderr.contains("--snapshot FILE"),
        "{stderr}"
    );
    assert_eq!(walk(&output_dir), before, "the last good outputs changed");

    // A snapshot with no valid record.
    let junk = dir.path().join("junk.jsonl");
    std::fs::write(&junk, "not json\n{\"also\": \"not a record\"}\n").unwrap();
    let bad_snapshot = common::citegraph()
        .arg("analyze")
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--snapshot")
        .arg(&junk)
        .arg("--output-dir")
        .arg(&output_dir)
        .output()
        .unwrap();
    assert!(!bad_snapshot.status.success());
    assert!(stderr_of(&bad_snapshot).contains("junk.jsonl"));
    assert_eq!(walk(&output_dir), before, "the last good outputs changed");
    // No staging directory is left beside the outputs.
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

/// Every file under `dir` with its bytes, sorted by path.
fn walk(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().display().to_string();
                files.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}
