//! `--influence age-fair` (issue #23): the ranking's composite score with every term taken for
//! the paper's age, against an independent computation (tests/oracle/influence_oracle.py, numpy
//! and scipy over papers.csv), for both scores; the age-fair score removes the classic score's
//! age bias on the world, and the summary says which score ranked the papers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::analyze_support::analyze_world;
use citegraph::analysis::InfluenceScore;

/// The oracle's scores of one kind ("classic" or "age-fair"), by paper id.
fn oracle(out: &Path, kind: &str) -> BTreeMap<String, f64> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/influence_oracle.py");
    let json = out.join("influence-oracle.json");
    let output = Command::new("python3")
        .arg(&script)
        .arg(out.join("papers.csv"))
        .arg(&json)
        .output()
        .expect("python3 with numpy and scipy (.ci/setup installs them)");
    assert!(
        output.status.success(),
        "the influence oracle failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let all: BTreeMap<String, BTreeMap<String, f64>> =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    all[kind].clone()
}

/// influential.csv's `scope=all` rows: paper id -> score, in rank order.
fn ranked(out: &Path) -> Vec<(String, f64)> {
    let mut reader = csv::Reader::from_path(out.join("influential.csv")).unwrap();
    reader
        .deserialize::<BTreeMap<String, String>>()
        .map(|r| r.unwrap())
        .filter(|r| r["scope"] == "all")
        .map(|r| (r["paper_id"].clone(), r["score"].parse().unwrap()))
        .collect()
}

#[test]
fn both_influence_scores_match_the_oracle_and_age_fair_removes_the_age_bias() {
    let mut rankings = Vec::new();
    for (kind, score) in [
        ("classic", InfluenceScore::Classic),
        ("age-fair", InfluenceScore::AgeFair),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let analysis = analyze_world(dir.path(), &["--influence", kind]);
        assert_eq!(analysis.summary.influence, score);
        let expected = oracle(dir.path(), kind);
        let rows = ranked(dir.path());
        assert_eq!(
            rows.len(),
            expected.len(),
            "{kind}: one row per catalogue paper"
        );
        for (id, got) in &rows {
            let want = expected[id];
            assert!((got - want).abs() < 1e-9, "{kind}: {id}: {got} != {want}");
        }
        // Ranked by the chosen score, descending.
        assert!(
            rows.windows(2).all(|w| w[0].1 >= w[1].1),
            "{kind}: not ranked"
        );
        let rho = |name: &str| {
            analysis
                .summary
                .age_bias
                .iter()
                .find(|b| b.score == name)
                .and_then(|b| b.rho)
                .unwrap()
        };
        // Both are measured whichever ranks: on the world the classic score favours old papers
        // strongly (rho about -0.7), the age-fair one is near 0.
        assert!(rho("influence") < -0.5, "classic rho {}", rho("influence"));
        assert!(
            rho("influence_age_fair").abs() < 0.15,
            "age-fair rho {}",
            rho("influence_age_fair")
        );
        rankings.push(rows);
    }
    // The two rankings differ at the top: the age-fair top 20 holds recent papers.
    let top = |rows: &[(String, f64)]| -> Vec<String> {
        rows.iter().take(20).map(|(id, _)| id.clone()).collect()
    };
    assert_ne!(top(&rankings[0]), top(&rankings[1]));
}
