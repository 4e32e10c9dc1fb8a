//! Weighted PageRank and HITS (the kernels behind intent-weighted influence) against networkx's
//! `pagerank(G, weight="weight")` and `hits` on a weighted graph, on a random citation-like graph
//! with cycles, a self-loop, dangling papers and edge weights 1 to 3. python3 with networkx is
//! required (`.ci/setup` installs it): the test fails, never skips, without it.

use std::io::Write as _;
use std::process::{Command, Stdio};

use citegraph::graph::Csr;
use citegraph::metrics::{
    hits_weighted, pagerank_weighted, EdgeWeights, HitsOptions, PageRankOptions, SplitMix64,
};

const ORACLE: &str = r#"
import json, sys
import networkx as nx
data = json.load(sys.stdin)
G = nx.DiGraph()
G.add_nodes_from(range(data["n"]))
for s, t, w in data["edges"]:
    G.add_edge(s, t, weight=w)
pr = nx.pagerank(G, alpha=0.85, tol=1e-13, max_iter=10000, weight="weight")
hubs, authorities = nx.hits(G, max_iter=100000, tol=1e-12)
n = data["n"]
print(json.dumps({
    "pagerank": [pr[i] for i in range(n)],
    "hubs": [hubs[i] for i in range(n)],
    "authorities": [authorities[i] for i in range(n)],
}))
"#;

fn networkx(n: usize, edges: &[(u32, u32, f64)]) -> serde_json::Value {
    let input = serde_json::json!({ "n": n, "edges": edges });
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(ORACLE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): this oracle test needs python3 with networkx (.ci/setup)")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the networkx oracle failed (is networkx installed? .ci/setup installs it):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn column(value: &serde_json::Value, name: &str) -> Vec<f64> {
    value[name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

/// A citation-like graph: papers cite older ones mostly, a few newer ones (cycles), some cite
/// nothing; weight 1 + (methodology) + (influential), as `--weight intents` would give.
fn graph(seed: u64) -> (usize, Vec<(u32, u32, f64)>) {
    let n = 400usize;
    let mut rng = SplitMix64::new(seed);
    let mut edges = Vec::new();
    for v in 1..n as u32 {
        if rng.next_u64() % 10 == 0 {
            continue; // dangling: no known references
        }
        let k = 1 + (rng.next_u64() % 8) as u32;
        for _ in 0..k {
            let older = (rng.next_u64() % u64::from(v)) as u32;
            let target = if rng.next_u64() % 15 == 0 {
                (rng.next_u64() % n as u64) as u32
            } else {
                older
            };
            let weight = 1.0 + (rng.next_u64() % 2) as f64 + (rng.next_u64() % 4 == 0) as u8 as f64;
            edges.push((v, target, weight));
        }
    }
    edges.push((7, 7, 2.0));
    edges.sort_by_key(|e| (e.0, e.1));
    edges.dedup_by_key(|e| (e.0, e.1));
    (n, edges)
}

#[test]
fn weighted_pagerank_and_hits_equal_networkx() {
    for seed in [1, 2] {
        let (n, edges) = graph(seed);
        let csr = Csr::from_edges(n, edges.iter().map(|e| (e.0, e.1))).unwrap();
        let lookup: std::collections::HashMap<(u32, u32), f64> =
            edges.iter().map(|e| ((e.0, e.1), e.2)).collect();
        let weights = EdgeWeights::new(&csr, |s, t| lookup[&(s, t)]).unwrap();
        let expected = networkx(n, &edges);

        let pagerank = pagerank_weighted(&csr, &weights, &PageRankOptions::default()).unwrap();
        for (i, (ours, theirs)) in pagerank
            .iter()
            .zip(column(&expected, "pagerank"))
            .enumerate()
        {
            assert!(
                (ours - theirs).abs() < 1e-10,
                "seed {seed}, PageRank of {i}: {ours} vs {theirs}"
            );
        }
        // The weights matter: the unweighted ranking differs.
        let unweighted = citegraph::metrics::pagerank(&csr, &PageRankOptions::default()).unwrap();
        assert!(unweighted
            .iter()
            .zip(&pagerank)
            .any(|(a, b)| (a - b).abs() > 1e-6));

        let (hubs, authorities, _) =
            hits_weighted(&csr, &weights, &HitsOptions::default()).unwrap();
        for (name, ours) in [("hubs", &hubs), ("authorities", &authorities)] {
            for (i, (x, y)) in ours.iter().zip(column(&expected, name)).enumerate() {
                assert!(
                    (x - y).abs() < 1e-8,
                    "seed {seed}, HITS {name} of {i}: {x} vs {y}"
                );
            }
        }
    }
}

#[test]
fn weights_of_one_give_the_unweighted_results() {
    let (n, edges) = graph(3);
    let csr = Csr::from_edges(n, edges.iter().map(|e| (e.0, e.1))).unwrap();
    let ones = EdgeWeights::new(&csr, |_, _| 1.0).unwrap();
    let a = pagerank_weighted(&csr, &ones, &PageRankOptions::default()).unwrap();
    let b = citegraph::metrics::pagerank(&csr, &PageRankOptions::default()).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-14);
    }
    assert!(EdgeWeights::new(&csr, |_, _| -1.0).is_err());
    let other = Csr::from_edges(3, [(0, 1)]).unwrap();
    assert!(pagerank_weighted(&other, &ones, &PageRankOptions::default()).is_err());
}

const WORLD_ORACLE: &str = r#"
import csv, json, sys
import networkx as nx
out = sys.argv[1]
G = nx.DiGraph()
for row in csv.DictReader(open(out + "/papers.csv")):
    G.add_node(row["paper_id"])
for row in csv.DictReader(open(out + "/edges.csv")):
    intents = [i.strip() for i in row["intents"].split(";")]
    w = 1 + ("methodology" in intents) + (row["is_influential"] == "true")
    G.add_edge(row["source"], row["target"], weight=w)
pr = nx.pagerank(G, alpha=0.85, tol=1e-13, max_iter=10000, weight="weight")
print(json.dumps(pr))
"#;

use crate::analyze_support;

/// `analyze --weight intents` on the world: papers.csv's PageRank equals networkx's weighted
/// PageRank over edges.csv with the documented weights (1 + methodology + influential).
#[test]
fn weight_intents_end_to_end_equals_networkx() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = analyze_support::analyze_world(dir.path(), &["--weight", "intents"]);
    assert_eq!(
        analysis.summary.link_weight,
        citegraph::analysis::LinkWeight::Intents
    );
    let output = Command::new("python3")
        .arg("-c")
        .arg(WORLD_ORACLE)
        .arg(dir.path())
        .output()
        .expect("python3 with networkx is needed (.ci/setup)");
    assert!(
        output.status.success(),
        "the networkx oracle failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected: std::collections::HashMap<String, f64> =
        serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(expected.len(), analysis.papers.len());
    for paper in &analysis.papers {
        let theirs = expected[&paper.paper_id];
        assert!(
            (paper.pagerank - theirs).abs() < 1e-10,
            "{}: {} vs {theirs}",
            paper.paper_id,
            paper.pagerank
        );
    }
}
