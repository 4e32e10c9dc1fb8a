//! `citegraph lint` for a list's own CI (issue 12): the catalogue alone, every finding with
//! file:line, severity and a fix hint, as text, CSV or JSON; `--strict` fails on the chosen
//! severities.

use crate::common;

use std::path::{Path, PathBuf};

fn small_catalogue() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/catalog-small")
}

/// Exit code, stdout and stderr of `citegraph lint` on `source`.
fn lint(source: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = tempfile::tempdir().unwrap();
    let output = common::citegraph()
        .args(["lint", "--catalog"])
        .arg(source)
        .arg("--cache-dir")
        .arg(out.path().join("cache"))
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_finding_in_text_csv_and_json() {
    let (code, text, stderr) = lint(&small_catalogue(), &[]);
    assert_eq!(code, 0, "{stderr}");
    // 12 findings and 3 reading warnings in the small catalogue (see catalog_snapshot), and each
    // kind's fix hint once, after its last finding.
    let lines: Vec<&str> = text.lines().collect();
    let (hints, findings): (Vec<&str>, Vec<&str>) =
        lines.iter().partition(|l| l.starts_with("help["));
    assert_eq!(findings.len(), 15, "{text}");
    let borrowed = "Vision Domain/Understanding.md:51: error[conflicting-id]: \"A Paper With a Borrowed Link\" links arXiv 2106.02034, which belongs to \"Sparse Tokens for Vision Transformers and Beyond\" (Multi-modal Domain/Generation.md:1); kept as two papers and the id dropped from this entry";
    assert!(lines.contains(&borrowed), "{text}");
    assert!(!text.contains("(fix: "), "{text}");
    let hint = |kind: &str| -> Vec<usize> {
        let prefix = format!("help[{kind}]: ");
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with(&prefix))
            .map(|(i, _)| i)
            .collect()
    };
    // Two findings of conflicting-id: one hint, after the second.
    let conflicting = hint("conflicting-id");
    assert_eq!(conflicting.len(), 1, "{text}");
    assert!(lines[conflicting[0]]
        .ends_with("link this entry to its own paper (its arXiv, DOI, ACL or OpenReview page)"));
    let last = lines
        .iter()
        .rposition(|l| l.contains("error[conflicting-id]"))
        .unwrap();
    assert_eq!(conflicting[0], last + 1, "{text}");
    assert!(
        lines.contains(&"Other Domain/Training.md: warning[reading]: empty file; nothing to read"),
        "{text}"
    );
    assert!(lines.contains(&"help[reading]: nothing to do if this file is not part of the list (or leave it out with --exclude GLOB); if it is, its entries must follow the list's format"), "{text}");
    // No hint said twice.
    let mut unique = hints.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), hints.len(), "{text}");

    let (code, csv, _) = lint(&small_catalogue(), &["--format", "csv"]);
    assert_eq!(code, 0);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["severity", "kind", "file", "line", "key", "message", "fix"]
    );
    assert_eq!(reader.records().count(), 15);

    let (code, json, _) = lint(&small_catalogue(), &["--format", "json"]);
    assert_eq!(code, 0);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 15);
    assert_eq!(rows[0]["kind"], "conflicting-id");
    assert_eq!(rows[0]["severity"], "error");
    assert_eq!(rows[0]["line"], 51);
}

#[test]
fn strict_fails_on_the_chosen_severities_only() {
    let (code, _, stderr) = lint(&small_catalogue(), &["--strict"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("--strict: 15 lint findings of the chosen severities"),
        "{stderr}"
    );
    let (code, text, _) = lint(&small_catalogue(), &["--strict", "--severity", "error"]);
    assert_eq!(code, 1);
    let findings: Vec<&str> = text.lines().filter(|l| !l.starts_with("help[")).collect();
    assert_eq!(findings.len(), 3, "{text}");
    assert!(findings.iter().all(|l| l.contains(": error[")), "{text}");

    // A clean list passes; a legend badge painted orange is only a note.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("list.md"),
        "- **[1] A Clean Entry**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2401.00001)] ![](https://img.shields.io/badge/Token_Pruning-orange) ![](https://img.shields.io/badge/Training_Free-orange)\n",
    )
    .unwrap();
    let list = dir.path().join("list.md");
    let (code, text, stderr) = lint(&list, &["--strict", "--severity", "error,warning"]);
    assert_eq!((code, text.as_str()), (0, ""), "{stderr}");
    let (code, text, _) = lint(&list, &["--strict"]);
    assert_eq!(code, 1);
    assert!(text.contains("note[not-a-mechanism]"), "{text}");
}

#[test]
fn unknown_choices_are_rejected_before_any_work() {
    let (code, _, stderr) = lint(&small_catalogue(), &["--format", "yaml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("yaml"), "{stderr}");
    let (code, _, _) = lint(&small_catalogue(), &["--severity", "fatal"]);
    assert_eq!(code, 2);
}

/// `diff` reads the previous run's catalog.json: a lint kind this version does not know (a typo,
/// a newer version's kind) is refused with the file's path and the unknown name, never listed
/// with a guessed severity.
#[test]
fn an_unknown_lint_kind_in_an_old_catalog_json_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    common::citegraph()
        .args(["catalog", "--catalog"])
        .arg(small_catalogue())
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .arg("--output-dir")
        .arg(&run)
        .assert()
        .success();
    let path = run.join("catalog.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let known = "\"kind\": \"conflicting-id\"";
    assert!(text.contains(known), "{text}");
    std::fs::write(
        &path,
        text.replacen(known, "\"kind\": \"conflicting-ids\"", 1),
    )
    .unwrap();
    // `catalog` writes no metrics.json; an empty analysis stands in for the rest of a run.
    let metrics = serde_json::to_vec(&citegraph::analysis::Analysis::default()).unwrap();
    std::fs::write(run.join("metrics.json"), metrics).unwrap();

    let assert = common::citegraph()
        .arg("diff")
        .arg(&run)
        .arg(&run)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!(
            "{} is not a catalogue file this version can read",
            path.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("unknown lint kind \"conflicting-ids\""),
        "{stderr}"
    );
    assert!(
        !run.join("digest.json").exists(),
        "nothing written on error"
    );
}
