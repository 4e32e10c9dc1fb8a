//! Several sources on the world: Semantic Scholar's mock and the OpenCitations mock, through the
//! command line. The world's elided papers get their references from OpenCitations, marked
//! `opencitations` in edges.csv; coverage-sources.csv calls them `filled`; `analyze` reads the
//! same lists back from the cache; with Semantic Scholar alone they stay `thin`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::common;
use crate::fetch_support::{citegraph_in, truth, world};

use common::mock_opencitations::{MockBuilder as OcBuilder, OcWorld};
use common::mock_s2::MockBuilder;

fn oc_world() -> OcWorld {
    static WORLD: OnceLock<OcWorld> = OnceLock::new();
    WORLD
        .get_or_init(|| OcWorld::build(&common::world_jsonl(), &common::world_truth()))
        .clone()
}

/// `citegraph fetch` in `dir` against the Semantic Scholar mock at `s2_url`, paced and retried
/// fast (the options every test here adds its sources to).
fn fetch_from(dir: &std::path::Path, s2_url: &str) -> assert_cmd::Command {
    let mut cmd = citegraph_in(dir);
    cmd.args(["fetch", "--api-url", s2_url, "--rps", "1000"])
        .args(["--retry-delay", "0.01"]);
    cmd
}

#[test]
fn opencitations_fills_the_elided_reference_lists_and_the_audit_says_so() {
    let s2 = MockBuilder::new(world()).start();
    let oc = OcBuilder::new(oc_world()).start();
    let dir = tempfile::tempdir().unwrap();
    let fetch = |dir: &std::path::Path, sources: &str| {
        let mut cmd = fetch_from(dir, &s2.url());
        cmd.args(["--sources", sources, "--opencitations-url", &oc.url()])
            .args(["--opencitations-per-minute", "60000"]);
        cmd.assert().success();
    };
    let analyze = |dir: &std::path::Path, sources: &str| {
        let mut cmd = citegraph_in(dir);
        cmd.args(["analyze", "--sources", sources]);
        let out = cmd.assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    fetch(dir.path(), "s2,opencitations");
    let asked = oc.requests();
    assert!(asked > 0, "OpenCitations was asked");
    // Its snapshot holds the papers it was asked about, as asked: none it never asked (no DOI),
    // no `not cached` note of a list never in scope; the export makes no request and says none.
    let snapshot = dir.path().join("oc.jsonl");
    let out = common::citegraph()
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["snapshot", "export"])
        .arg(&snapshot)
        .args(["--source", "opencitations"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(!stderr.contains("papers asked"), "{stderr}");
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&snapshot)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let thin = truth()["elided_references"].as_array().unwrap().len();
    assert!(
        !lines.is_empty() && lines.len() <= thin + 8,
        "{} lines",
        lines.len()
    );
    for line in &lines {
        let note = line["note"].as_str().unwrap_or("");
        assert!(
            !note.contains("no DOI") && !note.contains("not cached"),
            "{line}"
        );
        assert!(line["gap"].is_null(), "{line}");
    }
    assert_eq!(oc.requests(), asked, "the export asks nothing");
    let summary = analyze(dir.path(), "s2,opencitations");
    assert_eq!(
        oc.requests(),
        asked,
        "analyze reads the cache, asks nothing"
    );
    assert!(summary.contains("sources: s2, opencitations"), "{summary}");

    let output = dir.path().join("output");
    let truth = truth();
    let elided: Vec<&str> = truth["elided_references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let edges = common::csv_file_rows(&output.join("edges.csv"));
    let coverage = common::csv_file_rows(&output.join("coverage-sources.csv"));
    for paper in &elided {
        let planted = oc.world().planted(paper);
        assert!(
            !planted.is_empty(),
            "the mock plants references for {paper}"
        );
        let cited: HashSet<&str> = edges
            .iter()
            .filter(|e| e["source"] == *paper)
            .inspect(|e| assert_eq!(e["sources"], "opencitations", "{e:?}"))
            .map(|e| e["target"].as_str())
            .collect();
        // Each planted reference is a world paper: the works merge meets it by DOI.
        let planted: HashSet<&str> = planted.iter().map(String::as_str).collect();
        assert_eq!(cited, planted, "{paper}'s references are the planted ones");
        let row = coverage
            .iter()
            .find(|r| r["paper_id"] == *paper)
            .unwrap_or_else(|| panic!("{paper} audited"));
        assert_eq!(row["verdict"], "filled", "{row:?}");
        assert_eq!(row["s2_lacked"], "references");
        assert_eq!(row["references_s2"], "", "Semantic Scholar gave no list");
        assert_eq!(row["references_opencitations"], planted.len().to_string());
        assert_eq!(
            row["references_only_opencitations"],
            planted.len().to_string()
        );
    }
    // Links both sources have are one edge with both names; papers.csv counts them per source.
    assert!(edges.iter().all(|e| !e["sources"].is_empty()));
    let papers = common::csv_file_rows(&output.join("papers.csv"));
    let first = papers.iter().find(|p| p["paper_id"] == elided[0]).unwrap();
    assert_eq!(first["references_s2"], "0");
    assert_eq!(
        first["references_opencitations"],
        oc.world().planted(elided[0]).len().to_string()
    );

    // With Semantic Scholar alone the same papers stay thin.
    let summary = analyze(dir.path(), "s2");
    assert!(summary.contains("still thin"), "{summary}");
    let coverage = common::csv_file_rows(&output.join("coverage-sources.csv"));
    for paper in &elided {
        let row = coverage.iter().find(|r| r["paper_id"] == *paper).unwrap();
        assert_eq!(row["verdict"], "thin", "{row:?}");
    }

    // An online run whose sources leave OpenCitations out (here the default with a mock
    // Semantic Scholar: `s2` alone) says so, naming the option that would use its answers.
    let mut cmd = citegraph_in(dir.path());
    cmd.args(["fetch", "--api-url", &s2.url(), "--rps", "1000"]);
    let out = cmd.assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let warned: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("the cache also holds the answers of opencitations"))
        .collect();
    assert_eq!(warned.len(), 1, "{stderr}");
    assert!(
        warned[0].contains("--sources s2,opencitations uses them"),
        "{stderr}"
    );
    assert_eq!(oc.requests(), asked, "and asks it nothing");
}

#[test]
fn all_three_sources_fill_the_elided_lists_each_link_marked_with_its_sources() {
    use common::mock_openalex::{OaMockBuilder, OaWorld};
    let s2 = MockBuilder::new(world()).start();
    let oc = OcBuilder::new(oc_world()).start();
    let oa = OaMockBuilder::new(OaWorld::load()).start();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = fetch_from(dir.path(), &s2.url());
    cmd.args(["--sources", "s2,openalex,opencitations"])
        .args(["--openalex-url", &oa.url(), "--openalex-rps", "10"])
        .args([
            "--opencitations-url",
            &oc.url(),
            "--opencitations-per-minute",
            "60000",
        ]);
    cmd.assert().success();
    assert!(oa.requests() > 0 && oc.requests() > 0, "both were asked");
    assert!(
        oa.max_per_second() <= 10,
        "OpenAlex's pace: {}",
        oa.max_per_second()
    );
    let mut cmd = citegraph_in(dir.path());
    cmd.args(["analyze", "--sources", "s2,openalex,opencitations"]);
    let out = cmd.assert().success();
    let summary = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        summary.contains("sources: s2, openalex, opencitations"),
        "{summary}"
    );

    let output = dir.path().join("output");
    let edges = common::csv_file_rows(&output.join("edges.csv"));
    let coverage = common::csv_file_rows(&output.join("coverage-sources.csv"));
    let truth = truth();
    for paper in truth["elided_references"].as_array().unwrap() {
        let paper = paper.as_str().unwrap();
        let by_target: HashMap<&str, &str> = edges
            .iter()
            .filter(|e| e["source"] == paper)
            .map(|e| (e["target"].as_str(), e["sources"].as_str()))
            .collect();
        let from_openalex = oa.world().planted(paper).cloned().unwrap_or_default();
        let from_opencitations = oc.world().planted(paper).to_vec();
        assert!(!from_openalex.is_empty() && !from_opencitations.is_empty());
        for (planted, source) in [
            (&from_openalex, "openalex"),
            (&from_opencitations, "opencitations"),
        ] {
            for target in planted {
                // A planted paper Semantic Scholar's lists never name keeps the node of the
                // source's id (`openalex:W…`): nothing else knows it.
                let sources = std::iter::once(target.clone())
                    .chain(
                        oa.world()
                            .keys(target)
                            .iter()
                            .map(|k| format!("openalex:{k}")),
                    )
                    .find_map(|id| by_target.get(id.as_str()).copied())
                    .unwrap_or_else(|| panic!("{paper} -> {target} from {source}: {by_target:?}"));
                assert!(sources.split(';').any(|s| s == source), "{sources}");
                assert!(!sources.split(';').any(|s| s == "s2"), "{sources}");
            }
        }
        let union: HashSet<&str> = from_openalex
            .iter()
            .chain(&from_opencitations)
            .map(String::as_str)
            .collect();
        assert_eq!(by_target.len(), union.len(), "{paper}: one edge a work");
        let row = coverage.iter().find(|r| r["paper_id"] == paper).unwrap();
        assert_eq!(row["verdict"], "filled", "{row:?}");
        assert_eq!(row["references_union"], union.len().to_string());
        assert_eq!(row["references_openalex"], from_openalex.len().to_string());
    }
    the_report_section_shows_the_audit(dir.path(), &coverage);
}

/// The report's "Sources and their coverage" section of a three-source run: the sources line,
/// the verdict counts, and one row per catalogue paper that is not simply complete, in catalogue
/// order, each with its verdict and its counts per source as `coverage-sources.csv` has them.
fn the_report_section_shows_the_audit(dir: &std::path::Path, coverage: &[HashMap<String, String>]) {
    let mut cmd = crate::common::citegraph();
    cmd.arg("render")
        .arg("--output-dir")
        .arg(dir.join("output"))
        .args(["--figures", "papers-per-year", "--format", "svg"]);
    cmd.assert().success();
    let html = std::fs::read_to_string(dir.join("output/report.html")).unwrap();
    let start = html
        .rfind("Sources and their coverage")
        .expect("the report has the sources section");
    let section = &html[start..];
    let section = &section[..section.find("</table>").expect("its table") + 8];
    assert!(
        section.contains("Sources of this graph: <b>s2, openalex, opencitations</b>"),
        "{section}"
    );
    // The verdict counts, as the audit table has them.
    let mut verdicts: HashMap<&str, usize> = HashMap::new();
    for row in coverage {
        *verdicts.entry(row["verdict"].as_str()).or_default() += 1;
    }
    for (verdict, n) in &verdicts {
        assert!(
            section.contains(&format!("{n} {verdict}")),
            "{n} {verdict}: {section}"
        );
    }
    // The rows: every paper not simply complete (or retracted), in catalogue order.
    let shown: Vec<&HashMap<String, String>> = coverage
        .iter()
        .filter(|r| r["verdict"] != "complete" || r["retracted"] == "true")
        .collect();
    let body = &section[section.find("<tbody>").unwrap()..];
    let rows: Vec<Vec<String>> = body
        .split("<tr>")
        .skip(1)
        .map(|tr| {
            tr.split("<td")
                .skip(1)
                .map(|td| {
                    let cell = &td[td.find('>').unwrap() + 1..td.find("</td>").unwrap()];
                    cell.to_string()
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), shown.len(), "{section}");
    let counts = |row: &HashMap<String, String>, list: &str| {
        let mut parts: Vec<String> = ["s2", "openalex", "opencitations"]
            .iter()
            .map(|s| {
                let n = &row[&format!("{list}_{s}")];
                format!("{s}\u{a0}{}", if n.is_empty() { "–" } else { n.as_str() })
            })
            .collect();
        parts.push(format!("union\u{a0}{}", row[&format!("{list}_union")]));
        parts.join(" · ")
    };
    for (cells, row) in rows.iter().zip(&shown) {
        assert!(
            cells[1].starts_with(row["verdict"].as_str()),
            "{cells:?} {row:?}"
        );
        assert_eq!(cells[2], counts(row, "references"), "{row:?}");
        assert_eq!(cells[3], counts(row, "citations"), "{row:?}");
    }
    assert!(shown.iter().any(|r| r["verdict"] == "filled"));
}

#[test]
fn an_update_asks_the_opencitations_index_again_a_plain_rerun_does_not() {
    let s2 = MockBuilder::new(world()).start();
    let oc = OcBuilder::new(oc_world()).start();
    let dir = tempfile::tempdir().unwrap();
    let fetch = |update: bool| {
        let mut cmd = fetch_from(dir.path(), &s2.url());
        cmd.args(["--sources", "s2,opencitations"])
            .args(["--opencitations-url", &oc.url()])
            .args(["--opencitations-per-minute", "60000"]);
        if update {
            cmd.arg("--update");
        }
        cmd.assert().success();
    };
    let index = || {
        oc.log()
            .iter()
            .filter(|l| l.path.contains("/index/v2/"))
            .count()
    };
    fetch(false);
    let first = index();
    assert!(first > 0, "the Index was asked");
    fetch(false);
    assert_eq!(index(), first, "a plain rerun reads the cache");
    // No date filter: each list is asked whole again, one call per DOI and direction.
    fetch(true);
    assert_eq!(index(), 2 * first, "--update asks every Index list again");
}

#[test]
fn a_source_that_cannot_be_reached_leaves_gaps_and_exit_status_3() {
    let s2 = MockBuilder::new(world()).start();
    // Nothing listens on the discard port: every OpenAlex request is refused.
    let closed = "http://127.0.0.1:9";
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = fetch_from(dir.path(), &s2.url());
    cmd.args(["--max-retries", "0"])
        .args(["--sources", "s2,openalex", "--openalex-url", closed]);
    let out = cmd.assert().code(3);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    // The thin papers OpenAlex was to fill (the elided and the unresolved ones) are counted.
    let thin = truth()["elided_references"].as_array().unwrap().len();
    let line = stdout
        .lines()
        .find(|l| l.contains("source gaps: openalex "))
        .unwrap_or_else(|| panic!("no source gap line in the summary:\n{stdout}"));
    let n: usize = line
        .split("source gaps: openalex ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(n >= thin, "{n} of at least {thin} thin papers: {line}");
    assert!(line.contains("request failed"), "{line}");
    assert!(stderr.contains("exit status 3"), "{stderr}");
}

/// With `--source-scope all` OpenAlex is asked about every catalogue paper, so its reference and
/// citer lists name (as `openalex:W…`) many works Semantic Scholar also has. Each such work is one
/// node (merged by title, year and a shared author), its edges naming both sources; no catalogue
/// paper is suggested as missing; Semantic Scholar is never asked about an `openalex:` id.
#[test]
fn openalex_links_merge_with_their_semantic_scholar_twins() {
    use common::mock_openalex::{OaMockBuilder, OaWorld};
    let s2 = MockBuilder::new(world()).start();
    let oa = OaMockBuilder::new(OaWorld::load()).start();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = fetch_from(dir.path(), &s2.url());
    cmd.args(["--sources", "s2,openalex", "--source-scope", "all"])
        .args(["--openalex-url", &oa.url(), "--openalex-rps", "10"]);
    // The audit of every paper costs more than the keyless daily budget (1,000 credits): OpenAlex
    // stops partway, the papers left are gaps (exit status 3), and the merge is checked on the
    // works read. `analyze` of the audit reads the same cache and says the same gaps.
    let out = cmd.assert().code(3);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("source gaps: openalex "), "{stdout}");
    // The audit asked the papers Semantic Scholar left thin first: the budget ran out after
    // them, so a gaps-scope `analyze` finds every one in the cache (no gap), and their elided
    // lists are filled as a gaps run fills them.
    let mut cmd = citegraph_in(dir.path());
    cmd.args(["analyze", "--sources", "s2,openalex"]);
    cmd.assert().success();
    let mut cmd = citegraph_in(dir.path());
    cmd.args([
        "analyze",
        "--sources",
        "s2,openalex",
        "--source-scope",
        "all",
    ]);
    cmd.assert().code(3);
    let output = dir.path().join("output");
    let coverage = common::csv_file_rows(&output.join("coverage-sources.csv"));
    for paper in truth()["elided_references"].as_array().unwrap() {
        let row = coverage
            .iter()
            .find(|r| r["paper_id"] == paper.as_str().unwrap())
            .unwrap_or_else(|| panic!("{paper} audited"));
        assert_eq!(row["verdict"], "filled", "{row:?}");
    }
    let edges = common::csv_file_rows(&output.join("edges.csv"));
    let ends: HashSet<&str> = edges
        .iter()
        .flat_map(|e| [e["source"].as_str(), e["target"].as_str()])
        .collect();
    let twins: Vec<(&str, String)> = ends
        .iter()
        .filter_map(|id| Some((*id, oa.world().s2_id_of(id.strip_prefix("openalex:")?)?)))
        .filter(|(_, s2_id)| ends.contains(s2_id.as_str()))
        .collect();
    assert!(twins.is_empty(), "OpenAlex twins left apart: {twins:?}");
    assert!(
        edges.iter().any(|e| e["sources"] == "s2;openalex"),
        "links both sources have are one edge naming both"
    );
    let catalog: HashSet<String> = truth()["catalog_by_key"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let missing = common::csv_file_rows(&output.join("missing.csv"));
    for row in &missing {
        assert!(!catalog.contains(&row["paper_id"]), "{row:?}");
        if let Some(key) = row["paper_id"].strip_prefix("openalex:") {
            let twin = oa.world().s2_id_of(key);
            assert!(twin.is_none_or(|t| !catalog.contains(&t)), "{row:?}");
        }
    }
    let asked: Vec<String> = s2
        .log()
        .into_iter()
        .map(|l| l.target)
        .filter(|t| t.to_lowercase().contains("openalex"))
        .collect();
    assert!(asked.is_empty(), "Semantic Scholar asked for {asked:?}");
}

/// The OpenCitations Index is DOI-to-DOI, so its lists are mostly a part of Semantic Scholar's:
/// an audit of every paper (`--source-scope all`) calls none of those `disagrees`, and the
/// `retracted` column is empty where OpenAlex gave no answer (it was not among the sources).
#[test]
fn a_dois_only_list_that_semantic_scholar_holds_is_no_disagreement() {
    let s2 = MockBuilder::new(world()).start();
    // Every paper asked: the mock's limit raised with the client's pace (the limit itself is
    // tested in opencitations_mock).
    let oc = OcBuilder::new(oc_world())
        .limit(1_000_000, std::time::Duration::from_secs(60))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = citegraph_in(dir.path());
    cmd.args([
        "run",
        "--api-url",
        &s2.url(),
        "--rps",
        "1000",
        "--retry-delay",
        "0.01",
    ])
    .args(["--sources", "s2,opencitations", "--source-scope", "all"])
    .args(["--opencitations-url", &oc.url()])
    .args(["--opencitations-per-minute", "60000"]);
    cmd.assert().success();
    let rows = common::csv_file_rows(&dir.path().join("output/coverage-sources.csv"));
    let count = |row: &HashMap<String, String>, column: &str| row[column].parse::<u32>().ok();
    let part: Vec<&HashMap<String, String>> = rows
        .iter()
        .filter(|r| {
            let (Some(s2), Some(oc)) = (
                count(r, "references_s2"),
                count(r, "references_opencitations"),
            ) else {
                return false;
            };
            oc + 5 <= s2 && count(r, "references_only_opencitations") == Some(0)
        })
        .collect();
    assert!(
        part.len() >= 10,
        "the world has DOI-only lists far shorter than Semantic Scholar's: {}",
        part.len()
    );
    for row in &part {
        assert_ne!(row["verdict"], "disagrees", "{row:?}");
    }
    assert!(
        rows.iter().all(|r| r["retracted"].is_empty()),
        "OpenAlex was not asked"
    );
}
