//! The maps against independent implementations: co-citation and coupling counts and Salton's
//! cosine equal scipy's sparse products A^T A and A A^T, and Leiden's modularity is at least
//! leidenalg's best of 5 seeds with every community connected, on the world snapshot (through
//! the binary) and on generated graphs (through the library). The oracle is
//! tests/oracle/maps_oracle.py; python3 with numpy, scipy, igraph and leidenalg must be
//! installed (`.ci/setup` installs them): without them these tests fail.

use crate::analyze_support;
use crate::common;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use citegraph::graph::{Csr, UndirectedCsr};
use citegraph::metrics::{self, LeidenOptions, PairMeasure, PairOptions, SplitMix64};

fn oracle(edges: &Path, nodes: &Path, extra: &[&str]) -> serde_json::Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/maps_oracle.py");
    let result = edges.with_file_name("maps-oracle.json");
    let output = Command::new("python3")
        .arg(&script)
        .arg("--edges")
        .arg(edges)
        .arg("--nodes")
        .arg(nodes)
        .arg("--out")
        .arg(&result)
        .args(extra)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run python3 ({e}): the maps oracle needs python3 with numpy, scipy, \
                 igraph and leidenalg (`pip install numpy scipy igraph leidenalg`; .ci/setup \
                 installs them)"
            )
        });
    assert!(
        output.status.success(),
        "the maps oracle failed; are numpy, scipy, igraph and leidenalg installed \
         (`pip install numpy scipy igraph leidenalg`)?\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap()
}

/// A pair table (`a,b,count,salton`) as "a b" -> (count, salton), checking a < b and no repeats.
fn read_pairs(path: &Path) -> BTreeMap<String, (u64, f64)> {
    let mut out = BTreeMap::new();
    for row in common::csv_file_rows(path) {
        assert!(
            row["a"] < row["b"],
            "{} !< {} in {}",
            row["a"],
            row["b"],
            path.display()
        );
        let key = format!("{} {}", row["a"], row["b"]);
        let value = (
            row["count"].parse().unwrap(),
            row["salton"].parse().unwrap(),
        );
        assert!(out.insert(key, value).is_none(), "a pair twice");
    }
    out
}

fn assert_pairs_equal(
    ours: &BTreeMap<String, (u64, f64)>,
    expected: &serde_json::Value,
    what: &str,
) {
    let expected = expected.as_object().unwrap();
    assert_eq!(ours.len(), expected.len(), "{what}: number of pairs");
    for (key, v) in expected {
        let (count, salton) = ours
            .get(key)
            .unwrap_or_else(|| panic!("{what}: pair {key} missing"));
        assert_eq!(*count, v[0].as_u64().unwrap(), "{what} count of {key}");
        let diff = (salton - v[1].as_f64().unwrap()).abs();
        assert!(diff < 1e-12, "{what} salton of {key} differs by {diff:e}");
    }
}

fn best_leidenalg(expected: &serde_json::Value) -> f64 {
    expected["leiden"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["modularity"].as_f64().unwrap())
        .fold(f64::MIN, f64::max)
}

#[test]
fn world_maps_match_scipy_and_leidenalg() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let analysis = analyze_support::analyze_world(out, &["--scope", "all"]);
    let expected = oracle(&out.join("edges.csv"), &out.join("papers.csv"), &[]);
    assert_eq!(
        expected["edges"].as_u64().unwrap() as usize,
        analysis.summary.edges
    );

    let cocitation = read_pairs(&out.join("cocitation.csv"));
    let coupling = read_pairs(&out.join("coupling.csv"));
    assert!(
        cocitation.len() > 100 && coupling.len() > 100,
        "the world has pairs: {} co-cited, {} coupled",
        cocitation.len(),
        coupling.len()
    );
    assert_pairs_equal(&cocitation, &expected["cocitation"], "co-citation");
    assert_pairs_equal(&coupling, &expected["coupling"], "coupling");
    assert!(!analysis.maps.cocitation.bounded);

    let ours = analysis.summary.modularity;
    let given = expected["given_modularity"].as_f64().unwrap();
    assert!(
        (ours - given).abs() < 1e-9,
        "modularity {ours} vs igraph's of our partition {given}"
    );
    let best = best_leidenalg(&expected);
    eprintln!(
        "modularity: ours {ours} ({} communities), leidenalg best of 5 {best}, igraph leiden {}",
        analysis.summary.communities, expected["igraph_leiden"]["modularity"]
    );
    // Both computed by igraph: the same partition gives the same bits.
    assert!(
        given >= best,
        "our modularity {given} is below leidenalg's {best}"
    );
    assert_eq!(
        expected["given_disconnected"].as_u64(),
        Some(0),
        "a community is disconnected"
    );
    assert_eq!(
        expected["given_count"].as_u64().unwrap() as usize,
        analysis.summary.communities
    );

    // clusters.csv: one row per community, sizes that add up, labels of words.
    let clusters = common::csv_file_rows(&out.join("clusters.csv"));
    assert_eq!(clusters.len(), analysis.summary.communities);
    let mut sizes: HashMap<String, usize> = HashMap::new();
    for p in &analysis.papers {
        *sizes.entry(p.community.to_string()).or_default() += 1;
    }
    let mut labels: HashMap<String, String> = HashMap::new();
    for row in &clusters {
        assert_eq!(
            row["size"].parse::<usize>().unwrap(),
            sizes[&row["community"]]
        );
        let label = &row["label"];
        assert!(
            label.chars().filter(|c| c.is_alphabetic()).count() >= 3,
            "label {label:?} of community {} is not made of words",
            row["community"]
        );
        assert!(
            label.trim_start_matches('C').parse::<u64>().is_err(),
            "bare id {label}"
        );
        labels.insert(row["community"].clone(), label.clone());
    }
    for row in common::csv_file_rows(&out.join("papers.csv")) {
        assert_eq!(row["community_label"], labels[&row["community"]]);
    }
    // The largest communities of the world have distinctive terms, not fallbacks.
    assert!(
        analysis.clusters[0].terms.len() >= 2,
        "{:?}",
        analysis.clusters[0]
    );
}

#[test]
fn world_communities_on_the_cocitation_network() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = analyze_support::analyze_world(
        dir.path(),
        &["--scope", "all", "--communities", "cocitation"],
    );
    assert!(!read_pairs(&dir.path().join("cocitation.csv")).is_empty());
    assert_eq!(
        analysis.maps.community_network,
        citegraph::analysis::CommunityNetwork::Cocitation
    );
    let expected = oracle(
        &dir.path().join("edges.csv"),
        &dir.path().join("papers.csv"),
        &[
            "--pairs-none",
            "--weighted-pairs",
            dir.path().join("cocitation.csv").to_str().unwrap(),
        ],
    );
    let given = expected["given_modularity"].as_f64().unwrap();
    let ours = analysis.summary.modularity;
    assert!(
        (ours - given).abs() < 1e-9,
        "modularity {ours} vs igraph's {given}"
    );
    let best = best_leidenalg(&expected);
    eprintln!(
        "co-citation network: ours {given} ({} communities), leidenalg best of 5 {best}",
        analysis.summary.communities
    );
    assert!(given >= best, "ours {given} < leidenalg's {best}");
    assert_eq!(expected["given_disconnected"].as_u64(), Some(0));
    let clusters = common::csv_file_rows(&dir.path().join("clusters.csv"));
    assert_eq!(clusters.len(), analysis.summary.communities);
}

/// Writes edges.csv and papers.csv (with `community`) for a graph of numbered papers.
fn write_graph(
    dir: &Path,
    n: usize,
    edges: &[(u32, u32)],
    communities: Option<&[u32]>,
) -> (PathBuf, PathBuf) {
    let id = |v: u32| format!("p{v:06}");
    let mut text = String::from("source,target\n");
    for &(s, t) in edges {
        let _ = writeln!(text, "{},{}", id(s), id(t));
    }
    let edges_path = dir.join("edges.csv");
    std::fs::write(&edges_path, text).unwrap();
    let mut text = String::from("paper_id,community\n");
    for v in 0..n as u32 {
        let c = communities
            .map(|c| c[v as usize].to_string())
            .unwrap_or_default();
        let _ = writeln!(text, "{},{c}", id(v));
    }
    let nodes_path = dir.join("papers.csv");
    std::fs::write(&nodes_path, text).unwrap();
    (edges_path, nodes_path)
}

/// A planted partition: `groups` groups of `size` nodes, each pair linked with probability
/// `p_in` inside a group and `p_out` across.
fn planted_partition(
    rng: &mut SplitMix64,
    groups: usize,
    size: usize,
    p_in: f64,
    p_out: f64,
) -> Vec<(u32, u32)> {
    let n = groups * size;
    let mut edges = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let p = if a / size == b / size { p_in } else { p_out };
            if (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p {
                edges.push((a as u32, b as u32));
            }
        }
    }
    edges
}

#[test]
fn leiden_on_planted_partitions_beats_leidenalg() {
    let mut rng = SplitMix64::new(41);
    for (groups, size, p_in, p_out) in [
        (8, 60, 0.2, 0.01),
        (20, 50, 0.12, 0.01),
        (5, 200, 0.05, 0.02),
    ] {
        let edges = planted_partition(&mut rng, groups, size, p_in, p_out);
        let n = groups * size;
        let graph = UndirectedCsr::from_edges(n, edges.iter().copied()).unwrap();
        let ours = metrics::leiden(&graph, &LeidenOptions::default()).unwrap();
        assert!(metrics::communities_connected(&graph, &ours.labels));
        let dir = tempfile::tempdir().unwrap();
        let (e, v) = write_graph(dir.path(), n, &edges, Some(&ours.labels));
        let expected = oracle(&e, &v, &["--pairs-none"]);
        let given = expected["given_modularity"].as_f64().unwrap();
        assert!(
            (ours.modularity - given).abs() < 1e-9,
            "{} vs igraph's {given}",
            ours.modularity
        );
        assert_eq!(expected["given_disconnected"].as_u64(), Some(0));
        let best = best_leidenalg(&expected);
        eprintln!(
            "planted {groups}x{size}: ours {} ({} communities), leidenalg best of 5 {best}",
            ours.modularity, ours.count
        );
        // Both computed by igraph; the same partition may differ in the last bit otherwise.
        assert!(given >= best, "ours {given} < leidenalg's {best}");
    }
}

#[test]
fn pairs_on_small_graphs_match_scipy() {
    let mut rng = SplitMix64::new(7);
    for round in 0..6 {
        let n = 30 + rng.below(200);
        let edges: Vec<(u32, u32)> = (0..n * (2 + round))
            .map(|_| {
                let hub = rng.below(1 + n / 8) as u32;
                (
                    rng.below(n) as u32,
                    if rng.below(3) == 0 {
                        rng.below(n) as u32
                    } else {
                        hub
                    },
                )
            })
            .collect();
        let csr = Csr::from_edges(n, edges.iter().copied()).unwrap();
        let edges: Vec<(u32, u32)> = csr.edges().collect();
        let dir = tempfile::tempdir().unwrap();
        let (e, v) = write_graph(dir.path(), n, &edges, None);
        let min_count = 1 + (round as u32 % 3);
        let expected = oracle(
            &e,
            &v,
            &["--pairs-only", "--min-count", &min_count.to_string()],
        );
        for (measure, name) in [
            (PairMeasure::Cocitation, "cocitation"),
            (PairMeasure::Coupling, "coupling"),
        ] {
            let options = PairOptions {
                min_count,
                ..PairOptions::default()
            };
            let ours = metrics::shared_neighbor_pairs(&csr, measure, &options).unwrap();
            let ours: BTreeMap<String, (u64, f64)> = ours
                .pairs
                .iter()
                .map(|p| {
                    (
                        format!("p{:06} p{:06}", p.a, p.b),
                        (u64::from(p.count), p.salton),
                    )
                })
                .collect();
            assert_pairs_equal(&ours, &expected[name], &format!("round {round} {name}"));
        }
    }
}
