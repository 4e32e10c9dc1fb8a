//! A secondary source that fails (never reached) shows wherever the run's gaps are said
//! (README, "Exit status" and OpenAlex's "Limits"): a `request failed` row per paper and source
//! in `unresolved.csv`, the summary's `notes:` and gap line, the report's gaps paragraph and its
//! "Sources" section, and `metrics.json`; the requests line says the source failed rather than
//! a bare 0. OpenCitations counts as gaps only the papers it could be asked about (a DOI or an
//! arXiv id). On the small catalogue of `sources_retractions`, with nothing listening on the
//! secondary sources' port, so each run takes seconds.

use std::path::Path;

use crate::common;
use crate::fetch_support::{truth, world, world_papers};
use crate::sources_retractions::{json, rows, small_catalog};

use common::mock_s2::MockBuilder;

type Row = std::collections::HashMap<String, String>;

/// Nothing listens on the discard port: every request is refused at connect.
const CLOSED: &str = "http://127.0.0.1:9";

/// `run` on the small catalogue in `dir`, both secondary sources at [`CLOSED`], every catalogue
/// paper in scope: (exit status, stdout, stderr).
fn run_with_sources_down(dir: &Path, s2: &str) -> (Option<i32>, String, String) {
    let mut cmd = common::citegraph();
    cmd.arg("--catalog")
        .arg(small_catalog(dir))
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .arg("--output-dir")
        .arg(dir.join("output"))
        .args(["run", "--api-url", s2, "--rps", "1000"])
        .args(["--retry-delay", "0.01", "--max-retries", "0"])
        .args(["--figures", "papers-per-year", "--format", "svg"])
        .args([
            "--sources",
            "s2,openalex,opencitations",
            "--source-scope",
            "all",
        ])
        .args(["--openalex-url", CLOSED, "--opencitations-url", CLOSED]);
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_source_that_failed_is_in_unresolved_csv_notes_the_report_and_metrics() {
    let s2 = MockBuilder::new(world()).start();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_with_sources_down(dir.path(), &s2.url());
    assert_eq!(code, Some(3), "{stderr}");
    let output = dir.path().join("output");

    // unresolved.csv: a row per paper and source, saying which source and why.
    let unresolved = rows(&output.join("unresolved.csv"));
    let of = |source: &str| -> Vec<&Row> {
        unresolved
            .iter()
            .filter(|r| r["reason"].starts_with(&format!("{source}: ")))
            .collect()
    };
    let openalex = of("openalex");
    let opencitations = of("opencitations");
    let catalogue = json(&output.join("catalog.json"))["papers"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(openalex.len(), catalogue, "every paper was to be asked");
    for row in openalex.iter().chain(&opencitations) {
        assert_eq!(row["status"], "request failed", "{row:?}");
        assert!(row["reason"].contains("127.0.0.1:9"), "says why: {row:?}");
    }
    // OpenCitations knows works by DOI: a paper with neither a DOI nor an arXiv id (in the
    // list or in its Semantic Scholar record) would never be asked, so it is not its gap.
    let truth = truth();
    let records = world_papers();
    let askable = |row: &&&Row| {
        let record = truth["catalog_by_key"][&row["key"]]
            .as_str()
            .and_then(|id| records.get(id));
        let external = record.map(|r| &r["externalIds"]);
        row["ids"].contains("arXiv:")
            || row["ids"].contains("DOI:")
            || external.is_some_and(|ids| !ids["DOI"].is_null() || !ids["ArXiv"].is_null())
    };
    let expected: Vec<&String> = openalex.iter().filter(askable).map(|r| &r["key"]).collect();
    let asked: Vec<&String> = opencitations.iter().map(|r| &r["key"]).collect();
    assert_eq!(asked, expected);
    assert!(
        expected.len() < catalogue,
        "the small catalogue has a paper without a DOI"
    );
    let n = opencitations.len();

    // The summary: the gap line counts the askable papers, the notes name the source, and the
    // requests line says OpenCitations, refused at connect before any request, failed.
    let gap_line = stdout
        .lines()
        .find(|l| l.starts_with("source gaps:"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        gap_line.contains(&format!(
            "openalex {catalogue} ({catalogue} request failed)"
        )),
        "{gap_line}"
    );
    assert!(
        gap_line.contains(&format!("opencitations {n} ({n} request failed)")),
        "{gap_line}"
    );
    let notes: Vec<&str> = stdout
        .lines()
        .skip_while(|l| *l != "notes:")
        .take_while(|l| l.starts_with("  ") || *l == "notes:")
        .collect();
    assert!(
        notes
            .iter()
            .any(|l| l.contains(": openalex request failed: ")),
        "{stdout}"
    );
    let requests = stdout
        .lines()
        .find(|l| l.starts_with("requests to other sources:"))
        .unwrap();
    assert!(
        requests.contains(&format!(
            "opencitations 0 (it failed: {n} catalogue papers not read"
        )),
        "{requests}"
    );

    // The report: the gaps paragraph lists the source's papers, and the Sources section names
    // the source that failed.
    let report = std::fs::read_to_string(output.join("report.html")).unwrap();
    assert!(report.contains("This run has gaps"), "no gaps paragraph");
    assert!(report.contains(": openalex request failed ("));
    assert!(report.contains("<strong>Asked but failed:</strong> <b>openalex</b> for"));
    assert!(report.contains("<b>opencitations</b> for"));

    // metrics.json: each gap with its source.
    let metrics = json(&output.join("metrics.json"));
    let gaps = metrics["source_gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), catalogue + n);
    assert!(gaps.iter().all(
        |g| g["gap"] == "request failed" && g["note"].as_str().unwrap().contains("127.0.0.1:9")
    ));
    assert_eq!(
        gaps.iter().filter(|g| g["source"] == "openalex").count(),
        catalogue
    );
}
