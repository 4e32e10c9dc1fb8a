//! Snapshots of what `citegraph catalog` writes and prints for the small hand-written catalogue in
//! tests/data/catalog-small (every entry variant and lint kind the reader knows, in five files).
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test` then `git diff`).

use crate::common;

use std::path::{Path, PathBuf};

fn small_catalogue() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/catalog-small")
}

/// Runs `citegraph catalog` on the small catalogue, writing into `out`.
fn run(out: &Path) -> assert_cmd::assert::Assert {
    common::citegraph()
        .args(["catalog", "--catalog"])
        .arg(small_catalogue())
        .arg("--output-dir")
        .arg(out)
        .arg("--cache-dir")
        .arg(out.join("cache"))
        .assert()
        .success()
}

#[test]
fn catalog_json_and_summary_of_the_small_catalogue() {
    let out = tempfile::tempdir().unwrap();
    let assert = run(out.path());
    let json = std::fs::read_to_string(out.path().join("catalog.json")).unwrap();
    insta::assert_snapshot!("catalog_json", json);

    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    // The last line names the temporary output directory.
    let summary: String = stdout
        .lines()
        .filter(|line| !line.starts_with("wrote "))
        .map(|line| format!("{line}\n"))
        .collect();
    insta::assert_snapshot!("summary", summary);
    assert!(stdout.contains(&format!(
        "wrote {}",
        out.path().join("catalog.json").display()
    )));
}

#[test]
fn the_same_input_gives_the_same_catalog_json() {
    let written = || {
        let out = tempfile::tempdir().unwrap();
        run(out.path());
        std::fs::read(out.path().join("catalog.json")).unwrap()
    };
    assert_eq!(written(), written());
}
