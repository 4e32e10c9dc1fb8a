//! Every metric against networkx on the synthetic world: PageRank and HITS within 1e-9, core
//! numbers and degrees exactly, exact betweenness within 1e-9, and a modularity at least as high
//! as networkx's Louvain reaches. The oracle is tests/oracle/networkx_oracle.py; python3 with
//! networkx, scipy and numpy must be installed (CI installs them): without them this test fails.

use crate::analyze_support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use citegraph::analysis::{Analysis, PaperMetrics};

fn oracle(out: &Path, betweenness: bool) -> serde_json::Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/networkx_oracle.py");
    let result = out.join("oracle.json");
    let mut cmd = Command::new("python3");
    cmd.arg(&script)
        .arg("--edges")
        .arg(out.join("edges.csv"))
        .arg("--nodes")
        .arg(out.join("papers.csv"))
        .arg("--seeds")
        .arg("0,1,2,3,4")
        .arg("--out")
        .arg(&result);
    if betweenness {
        cmd.arg("--betweenness");
    }
    let output = cmd.output().unwrap_or_else(|e| {
        panic!(
            "cannot run python3 ({e}): the networkx oracle test needs python3 with networkx, \
             scipy and numpy (`pip install networkx scipy numpy`; .ci/run installs them)"
        )
    });
    assert!(
        output.status.success(),
        "the networkx oracle failed; is networkx installed (`pip install networkx scipy numpy`)?\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap()
}

/// `citegraph analyze` on the world; the values compared are metrics.json's (exact f64).
fn run(scope: &str, out: &Path) -> Analysis {
    analyze_support::analyze_world(out, &["--scope", scope])
}

/// The largest difference between our value and networkx's over every node.
fn max_difference(
    papers: &HashMap<&str, &PaperMetrics>,
    expected: &serde_json::Value,
    ours: impl Fn(&PaperMetrics) -> f64,
) -> f64 {
    let expected = expected.as_object().unwrap();
    assert_eq!(expected.len(), papers.len(), "same nodes");
    expected
        .iter()
        .map(|(id, v)| {
            let p = papers
                .get(id.as_str())
                .unwrap_or_else(|| panic!("{id} missing"));
            (ours(p) - v.as_f64().unwrap()).abs()
        })
        .fold(0.0, f64::max)
}

fn assert_exact(
    papers: &HashMap<&str, &PaperMetrics>,
    expected: &serde_json::Value,
    name: &str,
    ours: impl Fn(&PaperMetrics) -> u64,
) {
    for (id, v) in expected.as_object().unwrap() {
        let p = papers[id.as_str()];
        assert_eq!(ours(p), v.as_u64().unwrap(), "{name} of {id}");
    }
}

/// A float column of papers.csv.
type Metric = fn(&PaperMetrics) -> f64;

fn compare(analysis: &Analysis, expected: &serde_json::Value, betweenness: bool) {
    let papers: HashMap<&str, &PaperMetrics> = analysis
        .papers
        .iter()
        .map(|p| (p.paper_id.as_str(), p))
        .collect();
    assert_eq!(
        expected["edges"].as_u64().unwrap() as usize,
        analysis.summary.edges
    );
    let mut checks: Vec<(&str, Metric)> = vec![
        ("pagerank", |p| p.pagerank),
        ("hub", |p| p.hub),
        ("authority", |p| p.authority),
    ];
    if betweenness {
        checks.push(("betweenness", |p| p.betweenness));
    }
    for (name, ours) in checks {
        let diff = max_difference(&papers, &expected[name], ours);
        eprintln!("{name}: max |ours - networkx| = {diff:e}");
        assert!(diff < 1e-9, "{name} differs from networkx by {diff:e}");
    }
    assert_exact(&papers, &expected["core"], "core", |p| p.core as u64);
    assert_exact(&papers, &expected["in_degree"], "in_degree", |p| {
        p.in_degree as u64
    });
    assert_exact(&papers, &expected["out_degree"], "out_degree", |p| {
        p.out_degree as u64
    });

    let ours = analysis.summary.modularity;
    let given = expected["given_modularity"].as_f64().unwrap();
    assert!(
        (ours - given).abs() < 1e-9,
        "our modularity {ours} vs networkx's of our partition {given}"
    );
    let best = expected["louvain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["modularity"].as_f64().unwrap())
        .fold(f64::MIN, f64::max);
    eprintln!("modularity: ours {ours}, networkx louvain best of 5 seeds {best}");
    assert!(
        ours >= best,
        "our modularity {ours} is below networkx's Louvain {best}"
    );
}

#[test]
fn catalog_scope_matches_networkx_with_exact_betweenness() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = run("catalog", dir.path());
    assert_eq!(
        analysis.summary.betweenness,
        citegraph::metrics::BetweennessMode::Exact
    );
    compare(&analysis, &oracle(dir.path(), true), true);
}

#[test]
fn all_scope_matches_networkx() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = run("all", dir.path());
    compare(&analysis, &oracle(dir.path(), false), false);
}
