//! OpenAlex's retraction flags through the command line, on a small catalogue (the first
//! entries of the real list) against the Semantic Scholar and OpenAlex mocks: a retracted
//! catalogue paper is a lint error at its listing (the run's lint.csv and metrics.json, and
//! `citegraph lint` from the cache alone), a retracted missing paper is never suggested, and a
//! second run's digest reports the newly flagged paper. Then the OpenAlex answers travel as a
//! snapshot of their own: exported, read back with `--source-snapshot`, imported into a cache.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common;
use crate::fetch_support::{truth, world};

use common::mock_openalex::{OaMock, OaMockBuilder, OaWorld};
use common::mock_s2::MockBuilder;

/// Lines of the token-reduction list kept: its first dozen or so entries.
const KEPT_LINES: usize = 200;

/// The small catalogue in `dir`: the real list's head, cut before an entry.
pub(crate) fn small_catalog(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(
        common::catalog_dir().join("Language Domain/token-reduction-in-language-domain.md"),
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cut = (KEPT_LINES..lines.len())
        .find(|&i| lines[i].starts_with("- **"))
        .unwrap();
    let path = dir.join("list.md");
    std::fs::write(&path, lines[..cut].join("\n") + "\n").unwrap();
    path
}

/// (catalogue key as the truth names it, S2 id, 1-based line of its entry) of each arXiv entry
/// of the small catalogue the world knows.
fn entries(catalog: &Path) -> Vec<(String, String, usize)> {
    let truth = truth();
    let by_key = truth["catalog_by_key"].as_object().unwrap();
    let text = std::fs::read_to_string(catalog).unwrap();
    let mut entry_line = 0;
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("- **") {
            entry_line = i + 1;
        }
        let Some(at) = line.find("arxiv.org/pdf/") else {
            continue;
        };
        let id: String = line[at + "arxiv.org/pdf/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let key = format!("arxiv:{id}");
        if let Some(s2) = by_key.get(&key).and_then(Value::as_str) {
            found.push((key, s2.to_string(), entry_line));
        }
    }
    found
}

pub(crate) fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

pub(crate) fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// The citegraph binary on the small catalogue with the cache `dir/cache`.
fn citegraph(dir: &Path, cache: &str) -> assert_cmd::Command {
    let mut cmd = common::citegraph();
    cmd.arg("--catalog")
        .arg(dir.join("list.md"))
        .arg("--cache-dir")
        .arg(dir.join(cache));
    cmd
}

/// `run` against both mocks, every catalogue paper asked of OpenAlex; its stdout.
fn run(dir: &Path, cache: &str, s2: &str, oa: &OaMock) -> String {
    let mut cmd = citegraph(dir, cache);
    cmd.args([
        "run",
        "--api-url",
        s2,
        "--rps",
        "1000",
        "--retry-delay",
        "0.01",
    ])
    .arg("--output-dir")
    .arg(dir.join("output"))
    .args(["--figures", "papers-per-year", "--format", "svg"])
    .args(["--sources", "s2,openalex", "--source-scope", "all"])
    .args(["--openalex-url", &oa.url(), "--openalex-rps", "10"]);
    let out = cmd.assert().success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

/// `citegraph lint` with the cache `cache`: its stdout.
fn lint(dir: &Path, cache: &str) -> String {
    let out = citegraph(dir, cache).arg("lint").assert();
    let out = out.get_output();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The world marked: each OpenAlex work of these S2 papers retracted.
fn retracted_world(papers: &[&str]) -> OaWorld {
    let mut world = OaWorld::load();
    for paper in papers {
        for key in world.keys(paper) {
            world.work_mut(&key).unwrap()["is_retracted"] = Value::Bool(true);
        }
    }
    world
}

#[test]
fn a_retracted_paper_is_a_lint_error_never_a_suggestion_and_news_in_the_digest() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let catalog = small_catalog(dir);
    let listed = entries(&catalog);
    assert!(listed.len() >= 5, "the small catalogue: {listed:?}");
    let s2 = MockBuilder::new(world()).start();

    // The first run: nothing retracted.
    let plain = OaMockBuilder::new(OaWorld::load()).start();
    run(dir, "cache1", &s2.url(), &plain);
    let output = dir.join("output");
    assert!(rows(&output.join("lint.csv"))
        .iter()
        .all(|r| r["kind"] != "retracted"));
    let missing = rows(&output.join("missing.csv"));
    let flagged_missing = missing[0]["paper_id"].clone();
    let flagged_title = missing[0]["title"].clone();
    // The S2 record behind the row (a work merged of several names them all).
    let flagged_s2 = missing[0]["s2_ids"]
        .split(';')
        .next()
        .filter(|id| !id.is_empty())
        .unwrap_or(&flagged_missing)
        .to_string();
    let (key, paper, line) = listed[1].clone();

    // The second run: OpenAlex now flags a catalogue paper and the top missing paper.
    let marked = OaMockBuilder::new(retracted_world(&[&paper, &flagged_s2])).start();
    let summary = run(dir, "cache2", &s2.url(), &marked);

    let lint_rows = rows(&output.join("lint.csv"));
    let finding = lint_rows
        .iter()
        .find(|r| r["kind"] == "retracted")
        .unwrap_or_else(|| panic!("no retracted finding: {lint_rows:?}\n{summary}"));
    assert_eq!(finding["severity"], "error");
    assert!(finding["file"].ends_with("list.md"), "{finding:?}");
    assert_eq!(finding["line"], line.to_string(), "{finding:?}");
    assert!(finding["message"].contains("retracted according to OpenAlex"));
    let metrics = json(&output.join("metrics.json"));
    let saved = metrics["catalog_lint"]
        .as_array()
        .expect("metrics.json holds the catalogue lint");
    let retracted: Vec<&Value> = saved.iter().filter(|f| f["kind"] == "retracted").collect();
    assert_eq!(retracted.len(), 1, "{retracted:?}");
    assert_eq!(retracted[0]["line"], line);
    let flagged_key = retracted[0]["keys"][0].as_str().unwrap().to_string();
    assert!(
        flagged_key.contains(key.trim_start_matches("arxiv:")),
        "{flagged_key} is {key}"
    );

    let missing = rows(&output.join("missing.csv"));
    assert!(
        missing.iter().all(|r| r["paper_id"] != flagged_missing),
        "{flagged_missing} is retracted: never missing"
    );
    let suggestions = std::fs::read_to_string(output.join("suggestions.json")).unwrap();
    assert!(
        !suggestions.contains(&flagged_title),
        "{flagged_title} suggested"
    );

    let digest = json(&output.join("digest.json"));
    let new_lint = digest["new_lint"].as_array().unwrap();
    assert!(
        new_lint
            .iter()
            .any(|l| l.to_string().contains("retracted according to OpenAlex")),
        "the digest reports the newly flagged paper: {new_lint:?}"
    );

    // `citegraph lint` reads the flag from the cache, and asks nothing.
    let asked = marked.requests();
    let out = lint(dir, "cache2");
    assert!(out.contains("retracted according to OpenAlex"), "{out}");
    assert!(out.contains(&format!("list.md:{line}")), "{out}");
    assert_eq!(marked.requests(), asked, "lint makes no request");
    assert!(
        !lint(dir, "cache1").contains("retracted"),
        "an old cache, no flag"
    );
    assert!(
        !lint(dir, "no-cache").contains("retracted"),
        "no cache, no finding"
    );
    assert!(!dir.join("no-cache").join("openalex").exists());

    snapshots_carry_the_flags(dir, &marked, line);
}

/// The second run's OpenAlex answers as a snapshot: read back with `--source-snapshot` beside
/// the Semantic Scholar snapshot, and imported into a fresh cache that `analyze` and `lint` read.
fn snapshots_carry_the_flags(dir: &Path, marked: &OaMock, line: usize) {
    let asked = marked.requests();
    let export = |file: &str, source: &str| {
        let out = citegraph(dir, "cache2")
            .args(["snapshot", "export"])
            .arg(dir.join(file))
            .args(["--source", source])
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    let said = export("oa.jsonl", "openalex");
    assert!(said.contains("openalex's answers"), "{said}");
    export("s2.jsonl", "s2");
    let text = std::fs::read_to_string(dir.join("oa.jsonl")).unwrap();
    assert!(text.lines().all(|l| l.contains("\"source\":\"openalex\"")));
    // A broken line is reported with its place and skipped; the rest is read.
    let broken_at = text.lines().count() + 1;
    std::fs::write(
        dir.join("oa.jsonl"),
        format!("{text}{{\"source\": \"openalex\", \"ke\n"),
    )
    .unwrap();

    std::fs::remove_dir_all(dir.join("output")).unwrap();
    let out = citegraph(dir, "cache3")
        .args(["analyze", "--output-dir"])
        .arg(dir.join("output"))
        .arg("--snapshot")
        .arg(dir.join("s2.jsonl"))
        .arg("--source-snapshot")
        .arg(format!("openalex={}", dir.join("oa.jsonl").display()))
        .args(["--source-scope", "all"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("oa.jsonl:{broken_at}")),
        "{stderr}"
    );
    let output = dir.join("output");
    let coverage = rows(&output.join("coverage-sources.csv"));
    assert_eq!(
        coverage.iter().filter(|r| r["retracted"] == "true").count(),
        1
    );
    let metrics = json(&output.join("metrics.json"));
    assert!(metrics["catalog_lint"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "retracted" && f["line"] == line));

    for file in ["s2.jsonl", "oa.jsonl"] {
        citegraph(dir, "cache4")
            .args(["snapshot", "import"])
            .arg(dir.join(file))
            .assert()
            .success();
    }
    assert!(lint(dir, "cache4").contains("retracted according to OpenAlex"));
    citegraph(dir, "cache4")
        .args([
            "analyze",
            "--sources",
            "s2,openalex",
            "--source-scope",
            "all",
        ])
        .arg("--output-dir")
        .arg(dir.join("output"))
        .assert()
        .success();
    let coverage = rows(&output.join("coverage-sources.csv"));
    assert_eq!(
        coverage.iter().filter(|r| r["retracted"] == "true").count(),
        1
    );
    assert_eq!(marked.requests(), asked, "snapshots ask nothing");
}
