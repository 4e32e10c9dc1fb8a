//! Outputs that stay together when a command writes only part of them: `render --figures` keeps
//! every figure in the report with its number, `evaluate` puts its numbers into the run's report,
//! and a run without `--evaluate` removes an earlier evaluation's files.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::common;

/// `citegraph ARGS --output-dir out` (and `--catalog ... --snapshot world --cache-dir cache` but
/// for `render`); panics
/// unless it succeeds; returns stdout.
fn citegraph(dir: &Path, args: &[&str]) -> String {
    let mut command = common::citegraph();
    command
        .current_dir(dir)
        .args(args)
        .arg("--output-dir")
        .arg(dir.join("out"));
    if args[0] != "render" {
        command
            .arg("--catalog")
            .arg(common::catalog_dir())
            .arg("--snapshot")
            .arg(common::world_jsonl())
            .arg("--cache-dir")
            .arg(dir.join("cache"));
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{args:?}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The report's figure captions, "Figure N. Title. Caption ..." as written, by figure id.
fn report_captions(out: &Path) -> std::collections::BTreeMap<String, String> {
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    let pattern = regex::Regex::new(
        r#"<figure id="fig-([a-z-]+)">[\s\S]*?<figcaption>([\s\S]*?)</figcaption>"#,
    )
    .unwrap();
    pattern
        .captures_iter(&report)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

/// The report's figures: (id, number), in page order.
fn report_figures(out: &Path) -> Vec<(String, usize)> {
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    let pattern =
        regex::Regex::new(r#"<figure id="fig-([a-z-]+)">[\s\S]*?<b>Figure (\d+)\."#).unwrap();
    pattern
        .captures_iter(&report)
        .map(|c| (c[1].to_string(), c[2].parse().unwrap()))
        .collect()
}

#[test]
fn a_partial_render_redraws_its_figures_and_the_report_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let figures = "papers-per-year,lineage,rpys";
    citegraph(
        dir.path(),
        &["run", "--figures", figures, "--format", "svg,pdf"],
    );
    let before = report_figures(&out);
    assert_eq!(
        before,
        [
            ("papers-per-year".to_string(), 1),
            ("lineage".to_string(), 2),
            ("rpys".to_string(), 3)
        ]
    );
    let inode = |name: &str| {
        std::fs::metadata(out.join("figures").join(name))
            .unwrap()
            .ino()
    };
    let kept = inode("papers-per-year.svg");
    let redrawn = inode("lineage.svg");
    let pdf = std::fs::read(out.join("figures/lineage.pdf")).unwrap();
    let captions = report_captions(&out);

    let stdout = citegraph(
        dir.path(),
        &["render", "--figures", "lineage", "--format", "svg,pdf"],
    );
    // The report still shows all three, numbered as before.
    assert_eq!(report_figures(&out), before);
    assert!(stdout.contains("figures/lineage.svg"), "{stdout}");
    assert!(
        !stdout.contains("papers-per-year.svg"),
        "a kept figure is not written again: {stdout}"
    );
    assert_eq!(
        inode("papers-per-year.svg"),
        kept,
        "the kept figure's file was touched"
    );
    assert_ne!(
        inode("lineage.svg"),
        redrawn,
        "the asked figure was not redrawn"
    );
    // The same figure drawn again is the same PDF, byte for byte (issue #24: reproducible PDFs).
    assert_eq!(std::fs::read(out.join("figures/lineage.pdf")).unwrap(), pdf);
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    let svg = std::fs::read_to_string(out.join("figures/papers-per-year.svg")).unwrap();
    let title = regex::Regex::new(r"<title>([^<]+)</title>")
        .unwrap()
        .captures(&svg)
        .unwrap()[1]
        .to_string();
    assert!(
        report.contains(&title),
        "the kept figure's drawing is not in the report"
    );
    assert_eq!(report_captions(&out), captions);

    // Drawn differently this time: the kept figures keep the captions written with their
    // files, which still show Unspecified; the one redrawn says what it hides.
    citegraph(
        dir.path(),
        &[
            "render",
            "--figures",
            "lineage",
            "--format",
            "svg",
            "--hide-unspecified",
        ],
    );
    let after = report_captions(&out);
    assert_eq!(after["papers-per-year"], captions["papers-per-year"]);
    assert_eq!(after["rpys"], captions["rpys"]);
    assert!(
        !after["papers-per-year"].contains("is hidden"),
        "{}",
        after["papers-per-year"]
    );
    assert!(
        after["lineage"].contains("Unspecified is hidden"),
        "{}",
        after["lineage"]
    );
    assert_eq!(report_figures(&out), before);
}

#[test]
fn evaluate_updates_the_runs_report_and_a_run_without_it_removes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    citegraph(
        dir.path(),
        &["run", "--figures", "papers-per-year", "--format", "svg"],
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!report.contains("id=\"evaluation\""));

    let stdout = citegraph(
        dir.path(),
        &["evaluate", "--offline", "--repeats", "2", "--seed", "1"],
    );
    assert!(
        stdout.contains("evaluation: held-out recall@50"),
        "{stdout}"
    );
    // The run's metrics.json and report now hold the evaluation evaluation.csv has.
    let metrics = citegraph::analysis::metrics_json::read(&out).unwrap();
    let evaluation = metrics
        .evaluation
        .expect("metrics.json holds the evaluation");
    assert_eq!(evaluation.repeats, 2);
    let mut reader = csv::Reader::from_path(out.join("evaluation.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let pooled_50 = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| {
            &r[column("method")] == "citegraph"
                && &r[column("k")] == "50"
                && &r[column("repeat")] == "pooled"
        })
        .unwrap();
    let recall: f64 = pooled_50[column("recall")].parse().unwrap();
    assert_eq!(
        Some(recall),
        evaluation
            .pooled(citegraph::analysis::evaluate::Method::Citegraph, 50)
            .map(|r| r.recall)
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("id=\"evaluation\""),
        "the report was not updated"
    );
    assert!(
        report.contains(&format!("{recall:.2}")),
        "recall@50 {recall:.2} not in the report"
    );
    assert!(
        report.contains("fig-papers-per-year"),
        "the run's figure left the report"
    );
    assert!(report.contains("fig-evaluation"));
    // Every held-out paper is named, with its ranks; the report lists the misses.
    let papers = csv::Reader::from_path(out.join("evaluation_papers.csv"))
        .unwrap()
        .records()
        .count();
    let held_out: usize = pooled_50[column("held_out")].parse().unwrap();
    assert_eq!(papers, held_out);
    assert!(
        report.contains("Missed at 50"),
        "no list of the missed papers"
    );

    // An evaluation of another catalogue is refused: the report would mix two lists.
    let before = std::fs::read(out.join("report.html")).unwrap();
    let other = common::citegraph()
        .current_dir(dir.path())
        .arg("evaluate")
        .arg("--catalog")
        .arg(common::catalog_dir().join("Vision Domain"))
        .arg("--snapshot")
        .arg(common::world_jsonl())
        .arg("--output-dir")
        .arg(&out)
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["--repeats", "1"])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&other.stderr);
    assert!(stderr.contains("another catalogue"), "{stderr}");
    assert_eq!(std::fs::read(out.join("report.html")).unwrap(), before);

    // A run without --evaluate: the evaluation's files describe another graph and go.
    citegraph(
        dir.path(),
        &["run", "--figures", "papers-per-year", "--format", "svg"],
    );
    for name in [
        "evaluation.csv",
        "evaluation_papers.csv",
        "figures/evaluation.svg",
    ] {
        assert!(!out.join(name).exists(), "{name} outlived the evaluation");
    }
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!report.contains("id=\"evaluation\""));
}
