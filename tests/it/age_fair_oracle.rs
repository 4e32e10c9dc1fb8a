//! The age-fair scores and the CD index against independent implementations
//! (tests/oracle/age_fair_oracle.py): CiteRank equals networkx's personalized PageRank with
//! Walker et al.'s start vector, rescaled PageRank equals z-scores computed window by window with
//! numpy over networkx's PageRank, and CD_5 equals networkx's `cd_index` (which rounds to two
//! decimals) and an exact Python reading of Funk & Owen-Smith's definition, on random citation
//! graphs with years (cycles included, some years unknown). python3 with networkx and numpy must
//! be installed (`.ci/setup` installs them).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use citegraph::graph::Csr;
use citegraph::metrics::{self, CiteRankOptions, PageRankOptions, SplitMix64};

/// A random citation graph: papers cite mostly older ones (a few cite newer ones: preprint
/// cycles), a tenth have no year.
fn random_graph(seed: u64, n: u32) -> (Csr, Vec<Option<i32>>) {
    let mut rng = SplitMix64::new(seed);
    let years: Vec<Option<i32>> = (0..n)
        .map(|_| (rng.next_u64() % 10 != 0).then(|| 2000 + (rng.next_u64() % 25) as i32))
        .collect();
    let mut edges = Vec::new();
    for u in 0..n {
        let refs = rng.next_u64() % 6;
        for _ in 0..refs {
            let v = (rng.next_u64() % n as u64) as u32;
            let older = match (years[u as usize], years[v as usize]) {
                (Some(a), Some(b)) => b <= a || rng.next_u64() % 20 == 0,
                _ => true,
            };
            if v != u && older {
                edges.push((u, v));
            }
        }
    }
    (Csr::from_edges(n as usize, edges).unwrap(), years)
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn citerank_rescaled_pagerank_and_cd_index_match_the_oracles() {
    let dir = tempfile::tempdir().unwrap();
    let now = 2025;
    let window = 40;
    for seed in [1u64, 2, 3] {
        let (csr, years) = random_graph(seed, 300);
        let n = csr.node_count();
        let mut edges = String::new();
        for (u, v) in csr.edges() {
            writeln!(edges, "{u} {v}").unwrap();
        }
        let mut nodes = String::new();
        for (v, y) in years.iter().enumerate() {
            let y = y.map_or("-".to_string(), |y| y.to_string());
            writeln!(nodes, "{v} {y}").unwrap();
        }
        let (edges_file, nodes_file, out) = (
            dir.path().join("edges.txt"),
            dir.path().join("nodes.txt"),
            dir.path().join("oracle.json"),
        );
        std::fs::write(&edges_file, edges).unwrap();
        std::fs::write(&nodes_file, nodes).unwrap();
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/age_fair_oracle.py");
        let output = Command::new("python3")
            .arg(&script)
            .args(["--edges", edges_file.to_str().unwrap()])
            .args(["--nodes", nodes_file.to_str().unwrap()])
            .args(["--now", &now.to_string(), "--window", &window.to_string()])
            .args(["--cd-years", "5", "--out", out.to_str().unwrap()])
            .output()
            .expect("python3 with networkx and numpy (.ci/setup installs them)");
        assert!(
            output.status.success(),
            "the age-fair oracle failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let oracle: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let values = |name: &str| -> Vec<Option<f64>> {
            oracle[name]
                .as_array()
                .unwrap()
                .iter()
                .map(serde_json::Value::as_f64)
                .collect()
        };

        let ages: Vec<Option<f64>> = years
            .iter()
            .map(|y| y.map(|y| f64::from(now - y)))
            .collect();
        let citerank = metrics::citerank(&csr, &ages, &CiteRankOptions::default()).unwrap();
        for (v, want) in values("citerank").iter().enumerate() {
            let want = want.unwrap();
            assert!(
                close(citerank[v], want, 1e-12 + 1e-8 * want),
                "seed {seed}: CiteRank of {v}: {} vs networkx {want}",
                citerank[v]
            );
        }

        let pagerank = metrics::pagerank(&csr, &PageRankOptions::default()).unwrap();
        let dates: Vec<Option<f64>> = years.iter().map(|y| y.map(f64::from)).collect();
        let rescaled = metrics::rescaled_pagerank(&pagerank, &dates, window).unwrap();
        let mut compared = 0;
        for (v, want) in values("rescaled").iter().enumerate() {
            match (rescaled[v], want) {
                (Some(got), Some(want)) => {
                    assert!(
                        close(got, *want, 1e-6),
                        "seed {seed}: rescaled PageRank of {v}: {got} vs {want}"
                    );
                    compared += 1;
                }
                (None, None) => {}
                (got, want) => panic!("seed {seed}: rescaled PageRank of {v}: {got:?} vs {want:?}"),
            }
        }
        assert!(compared > n / 2, "seed {seed}: only {compared} compared");

        let cd = metrics::cd_index(&csr, &years, 5);
        let (exact, rounded) = (values("cd_exact"), values("cd_networkx"));
        let mut defined = 0;
        for v in 0..n {
            let got = cd[v].map(|d| d.cd);
            match (got, exact[v], rounded[v]) {
                (Some(got), Some(exact), Some(rounded)) => {
                    assert!(
                        close(got, exact, 1e-12),
                        "seed {seed}: CD of {v}: {got} vs {exact}"
                    );
                    assert!(
                        close(got, rounded, 0.005 + 1e-9),
                        "seed {seed}: CD of {v}: {got} vs networkx {rounded}"
                    );
                    defined += 1;
                }
                (None, None, None) => {}
                other => panic!("seed {seed}: CD of {v}: ours, exact, networkx = {other:?}"),
            }
        }
        // Enough papers compared: a fifth of them (a paper needs references and a citer of
        // its own within five years).
        assert!(
            defined > n / 5,
            "seed {seed}: only {defined} papers have a CD"
        );
    }
}
