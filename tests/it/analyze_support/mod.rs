//! Runs `citegraph analyze` (and a quick `run`) on the real catalogue and the synthetic world
//! snapshot, and reads what it wrote.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

use citegraph::analysis::Analysis;

use crate::common;

/// Every file `analyze` writes.
pub const FILES: [&str; 20] = [
    "papers.csv",
    "metrics.json",
    "edges.csv",
    "mechanisms.csv",
    "domains.csv",
    "mechanism_flow.csv",
    "missing.csv",
    "influential.csv",
    "lint-tags.csv",
    "coverage.csv",
    "merged_records.csv",
    "clusters.csv",
    "cocitation.csv",
    "coupling.csv",
    "lineage.csv",
    "lineage_key_routes.csv",
    "lineage_by_mechanism.csv",
    "bursts.csv",
    "bursts_by_mechanism.csv",
    "rpys.csv",
];

/// `citegraph analyze --catalog CATALOG --snapshot SNAPSHOT --output-dir OUT --offline ARGS`,
/// run inside `out` (so a stray relative path lands there); returns stdout.
pub fn analyze(out: &Path, snapshot: &Path, args: &[&str]) -> String {
    let assert = common::citegraph()
        .current_dir(out)
        .arg("analyze")
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--snapshot")
        .arg(snapshot)
        .arg("--output-dir")
        .arg(out)
        .arg("--cache-dir")
        .arg(out.join("cache"))
        .arg("--offline")
        .args(args)
        .assert()
        .success();
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// `citegraph run --offline --figures papers-per-year --format svg` of `catalog` against
/// `snapshot` into `output`, its cache in `dir/cache`, run inside `dir`: a whole run that draws
/// one figure, for the tests that compare two runs (the digest, cluster stability); returns
/// stdout.
pub fn run_one_figure(dir: &Path, catalog: &Path, snapshot: &Path, output: &Path) -> String {
    let assert = common::citegraph()
        .current_dir(dir)
        .args([
            "run",
            "--offline",
            "--figures",
            "papers-per-year",
            "--format",
            "svg",
        ])
        .arg("--catalog")
        .arg(catalog)
        .arg("--snapshot")
        .arg(snapshot)
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .arg("--output-dir")
        .arg(output)
        .assert()
        .success();
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// `analyze` on the world snapshot.
pub fn analyze_world(out: &Path, args: &[&str]) -> Analysis {
    let stdout = analyze(out, &common::world_jsonl(), args);
    for name in FILES {
        assert!(
            stdout.contains(&format!("wrote {}", out.join(name).display())),
            "{name} not reported in:\n{stdout}"
        );
    }
    citegraph::analysis::metrics_json::read(out).unwrap()
}

pub fn truth() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(common::world_truth()).unwrap()).unwrap()
}

pub fn ids(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The header of a CSV file.
pub fn header(path: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect()
}
