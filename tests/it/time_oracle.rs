//! The time analyses (issue 14) against an independent Python implementation,
//! tests/oracle/time_oracle.py (networkx for the DAG, scipy for the binomial costs, numpy for
//! medians): search path counts and main path weights exactly, bursts (years exactly, strength
//! within 1e-9), beauty coefficients within 1e-9 and awakening years exactly, RPYS exactly. On the
//! world snapshot through the binary (both scopes), and on small hand-made and random graphs with
//! cycles, same-year ties and papers without a year, where the oracle also counts spc by
//! enumerating every path. python3 with networkx, numpy and scipy must be installed
//! (`.ci/setup` installs them): without them these tests fail.

use crate::analyze_support;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use citegraph::analysis::time::{analyze_time, TimeAnalysis, TimeOptions};
use citegraph::analysis::Analysis;
use citegraph::graph::{CatalogInfo, Citation, CitationGraph, Csr, PaperNode};
use citegraph::metrics::SplitMix64;
use num_bigint::BigUint;

fn oracle(nodes: &Path, edges: &Path, out: &Path, brute_force: bool) -> serde_json::Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/time_oracle.py");
    let result = out.join("time_oracle.json");
    let mut cmd = Command::new("python3");
    cmd.arg(&script)
        .arg("--nodes")
        .arg(nodes)
        .arg("--edges")
        .arg(edges)
        .arg("--out")
        .arg(&result)
        .arg("--key-routes")
        .arg("10");
    if brute_force {
        cmd.arg("--brute-force");
    }
    let output = cmd.output().unwrap_or_else(|e| {
        panic!(
            "cannot run python3 ({e}): the time oracle needs python3 with networkx, numpy and \
             scipy (`pip install networkx numpy scipy`; .ci/setup installs them)"
        )
    });
    assert!(
        output.status.success(),
        "the time oracle failed; are networkx, numpy and scipy installed?\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap()
}

fn big(s: &str) -> BigUint {
    s.parse().unwrap()
}

/// Everything the oracle computes, compared with ours.
fn compare(
    time: &TimeAnalysis,
    beauty: &HashMap<String, (Option<f64>, Option<i32>)>,
    expected: &serde_json::Value,
) {
    let lineage = &expected["lineage"];
    // spc of every edge, exactly; the same edges.
    let ours: BTreeMap<String, String> = time
        .lineage
        .iter()
        .map(|e| (format!("{} {}", e.source, e.target), e.spc.clone()))
        .collect();
    let theirs: BTreeMap<String, String> = lineage["spc"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(ours, theirs, "search path counts");
    assert_eq!(time.lineage_paths, lineage["paths"].as_str().unwrap());

    // The main path: its weight, and the flagged edges form a path of that weight.
    assert_eq!(
        time.main_path_weight,
        lineage["main_path_weight"].as_str().unwrap(),
        "main path weight"
    );
    let main: Vec<_> = time.lineage.iter().filter(|e| e.main_path).collect();
    let sum: BigUint = main.iter().map(|e| big(&e.spc)).sum();
    assert_eq!(sum, big(&time.main_path_weight));
    let targets: Vec<&str> = main.iter().map(|e| e.target.as_str()).collect();
    let starts = main
        .iter()
        .filter(|e| !targets.contains(&e.source.as_str()))
        .count();
    assert!(main.is_empty() || starts == 1, "the main path is one path");

    // Key routes: the same key edges in the same order, each route as heavy as the oracle's.
    let mut routes: BTreeMap<usize, (String, BigUint)> = BTreeMap::new();
    for e in &time.key_routes {
        let entry = routes.entry(e.route).or_default();
        entry.1 += big(&e.spc);
        if e.key {
            entry.0 = format!("{} {}", e.source, e.target);
        }
    }
    let expected_routes = lineage["key_routes"].as_array().unwrap();
    assert_eq!(routes.len(), expected_routes.len(), "key routes");
    for ((_, (key, weight)), theirs) in routes.iter().zip(expected_routes) {
        assert_eq!(key, theirs["key"].as_str().unwrap());
        assert_eq!(
            weight,
            &big(theirs["weight"].as_str().unwrap()),
            "route {key}"
        );
    }

    // Each mechanism's main path weight (no edge: no rows, weight 0).
    let mut by_mechanism: BTreeMap<String, BigUint> = BTreeMap::new();
    for e in &time.lineage_by_mechanism {
        *by_mechanism.entry(e.mechanism.clone()).or_default() += big(&e.spc);
    }
    for (m, w) in lineage["by_mechanism"].as_object().unwrap() {
        let ours = by_mechanism.remove(m).unwrap_or_default();
        assert_eq!(ours, big(w.as_str().unwrap()), "main path of {m}");
    }
    assert!(by_mechanism.is_empty(), "{by_mechanism:?}");

    // Bursts.
    let bursts = &expected["bursts"];
    let mut ours: Vec<(String, i32, i32, f64)> = time
        .bursts
        .iter()
        .map(|b| (b.paper_id.clone(), b.start, b.end, b.strength))
        .collect();
    compare_bursts(&mut ours, &bursts["citations"], "citation bursts");
    let mut ours: Vec<(String, i32, i32, f64)> = time
        .mechanism_bursts
        .iter()
        .map(|b| (b.mechanism.clone(), b.start, b.end, b.strength))
        .collect();
    compare_bursts(&mut ours, &bursts["mechanisms"], "mechanism bursts");

    // Beauty coefficients.
    let expected_beauty = expected["beauty"].as_object().unwrap();
    let ours_with_b = beauty.values().filter(|b| b.0.is_some()).count();
    assert_eq!(ours_with_b, expected_beauty.len(), "papers with B");
    for (id, v) in expected_beauty {
        let (b, awakening) = beauty[id];
        let b = b.unwrap_or_else(|| panic!("no B for {id}"));
        let theirs = v[0].as_f64().unwrap();
        assert!((b - theirs).abs() <= 1e-9, "B of {id}: {b} vs {theirs}");
        assert_eq!(
            awakening,
            v[1].as_i64().map(|y| y as i32),
            "awakening of {id}"
        );
    }

    // RPYS.
    let ours: Vec<(i64, i64, i64)> = time
        .rpys
        .iter()
        .map(|r| (r.year as i64, r.references as i64, r.median_deviation))
        .collect();
    let theirs: Vec<(i64, i64, i64)> = expected["rpys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_i64().unwrap(),
                r[1].as_i64().unwrap(),
                r[2].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ours, theirs, "RPYS");
}

fn compare_bursts(ours: &mut [(String, i32, i32, f64)], theirs: &serde_json::Value, what: &str) {
    let mut theirs: Vec<(String, i32, i32, f64)> = theirs
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b[0].as_str().unwrap().to_string(),
                b[1].as_i64().unwrap() as i32,
                b[2].as_i64().unwrap() as i32,
                b[3].as_f64().unwrap(),
            )
        })
        .collect();
    let key = |a: &(String, i32, i32, f64)| (a.0.clone(), a.1);
    ours.sort_by_key(key);
    theirs.sort_by_key(key);
    let spans = |v: &[(String, i32, i32, f64)]| -> Vec<(String, i32, i32)> {
        v.iter().map(|b| (b.0.clone(), b.1, b.2)).collect()
    };
    assert_eq!(spans(ours), spans(&theirs), "{what}");
    for (a, b) in ours.iter().zip(&theirs) {
        assert!(
            (a.3 - b.3).abs() <= 1e-9,
            "{what} of {}: {} vs {}",
            a.0,
            a.3,
            b.3
        );
    }
}

/// `citegraph analyze` on the world in `scope`, then the oracle on its edges.csv and papers.csv.
fn world(scope: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let analysis: Analysis = analyze_support::analyze_world(out, &["--scope", scope]);
    let expected = oracle(&out.join("papers.csv"), &out.join("edges.csv"), out, false);
    let beauty = analysis
        .papers
        .iter()
        .map(|p| (p.paper_id.clone(), (p.sleeping_beauty_b, p.awakening_year)))
        .collect();
    let time = &analysis.time;
    assert!(time.lineage.len() > 50, "the world has a lineage");
    assert!(!time.bursts.is_empty() && !time.rpys.is_empty());
    eprintln!(
        "scope {scope}: {} lineage edges, main path weight {}, {} bursts, {} RPYS years",
        time.lineage.len(),
        time.main_path_weight,
        time.bursts.len(),
        time.rpys.len()
    );
    compare(time, &beauty, &expected);
}

#[test]
fn world_catalog_scope_matches_the_oracle() {
    world("catalog");
}

#[test]
fn world_all_scope_matches_the_oracle() {
    world("all");
}

/// A hand-made paper: id, year, mechanisms (`None`: outside the catalogue).
struct Paper {
    id: String,
    year: Option<i32>,
    mechanisms: Option<Vec<String>>,
}

/// The graph of `papers` (sorted by id) and `citations` (citing, cited) as indices.
fn graph_of(papers: &[Paper], citations: &[(u32, u32)]) -> CitationGraph {
    let mut graph = CitationGraph::default();
    for p in papers {
        let catalog = p.mechanisms.as_ref().map(|mechanisms| {
            graph.catalog.push(CatalogInfo {
                key: format!("k{}", p.id),
                title: p.id.clone(),
                year: p.year,
                mechanisms: mechanisms.clone(),
                ..CatalogInfo::default()
            });
            graph.catalog.len() as u32 - 1
        });
        graph.graph.add_node(PaperNode {
            paper_id: p.id.clone(),
            title: format!("Paper {}", p.id),
            year: p.year,
            catalog,
            ..PaperNode::default()
        });
    }
    graph.csr = Csr::from_edges(papers.len(), citations.iter().copied()).unwrap();
    for (s, t) in graph.csr.edges().collect::<Vec<_>>() {
        graph
            .graph
            .add_edge(s.into(), t.into(), Citation::default());
    }
    graph
}

/// Ours on a hand-made graph against the oracle (with path enumeration) on its CSV form.
fn check_small(papers: &[Paper], citations: &[(u32, u32)]) -> TimeAnalysis {
    let graph = graph_of(papers, citations);
    let (time, beauties) = analyze_time(&graph, &TimeOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut nodes = String::from("paper_id,year,in_catalog,mechanisms\n");
    for p in papers {
        let _ = writeln!(
            nodes,
            "{},{},{},{}",
            p.id,
            p.year.map(|y| y.to_string()).unwrap_or_default(),
            p.mechanisms.is_some(),
            p.mechanisms.as_deref().unwrap_or(&[]).join("; ")
        );
    }
    let mut edges = String::from("source,target\n");
    for (s, t) in graph.csr.edges() {
        let _ = writeln!(edges, "{},{}", papers[s as usize].id, papers[t as usize].id);
    }
    std::fs::write(dir.path().join("papers.csv"), nodes).unwrap();
    std::fs::write(dir.path().join("edges.csv"), edges).unwrap();
    let expected = oracle(
        &dir.path().join("papers.csv"),
        &dir.path().join("edges.csv"),
        dir.path(),
        true,
    );
    assert_eq!(expected["lineage"]["brute_force_checked"], true);
    let mut beauty: HashMap<String, (Option<f64>, Option<i32>)> = papers
        .iter()
        .map(|p| (p.id.clone(), (None, None)))
        .collect();
    for b in beauties {
        let id = graph.node(b.node).paper_id.clone();
        beauty.insert(id, (Some(b.coefficient), b.awakening_year));
    }
    compare(&time, &beauty, &expected);
    time
}

fn paper(id: &str, year: Option<i32>, mechanisms: &[&str]) -> Paper {
    Paper {
        id: id.to_string(),
        year,
        mechanisms: Some(mechanisms.iter().map(|m| m.to_string()).collect()),
    }
}

fn outside(id: &str, year: Option<i32>) -> Paper {
    Paper {
        id: id.to_string(),
        year,
        mechanisms: None,
    }
}

#[test]
fn cycles_same_year_ties_and_missing_years() {
    let papers = vec![
        paper("a", Some(2018), &["pruning"]),
        paper("b", Some(2020), &["pruning", "merging"]),
        // c and d: same year, citing each other (a cycle): only d -> c's reverse, c before d by
        // id, survives: the citation of c by d.
        paper("c", Some(2021), &["merging"]),
        paper("d", Some(2021), &["merging"]),
        paper("e", None, &["pruning"]),
        paper("f", Some(2023), &["unspecified"]),
        paper("g", Some(2024), &["pruning"]),
        outside("x", Some(2015)),
        outside("y", None),
        outside("z", Some(2025)),
    ];
    let citations = [
        (1, 0),
        (2, 1),
        (3, 1),
        (2, 3),
        (3, 2),
        (4, 0),
        (5, 2),
        (5, 3),
        (6, 5),
        (6, 1),
        (6, 4),
        (0, 7),
        (1, 7),
        (6, 8),
        (9, 6),
        (9, 0),
        // A paper citing a later one: dropped from the lineage.
        (0, 1),
    ];
    let time = check_small(&papers, &citations);
    let c = &time.coverage;
    assert_eq!(
        (
            c.lineage_edges,
            c.lineage_against_time,
            c.lineage_without_year
        ),
        (8, 2, 2)
    );
    assert!(time
        .lineage
        .iter()
        .any(|e| e.source == "c" && e.target == "d"));
    assert!(!time
        .lineage
        .iter()
        .any(|e| e.source == "d" && e.target == "c"));
    // a -> b is on every path from the source a.
    assert!(time
        .lineage
        .iter()
        .any(|e| e.source == "a" && e.target == "b" && e.main_path));
    assert_eq!(c.catalog_papers_without_year, 1);
    assert_eq!(c.citations_without_year, 1);
    assert_eq!(c.references_without_year, 2);
}

#[test]
fn random_graphs_match_the_oracle() {
    let mut rng = SplitMix64::new(14);
    let mechanisms = ["pruning", "merging", "distillation"];
    for round in 0..12 {
        let n = 6 + (rng.next_u64() % 8) as usize;
        let papers: Vec<Paper> = (0..n)
            .map(|i| {
                let id = format!("p{i:02}");
                let year = match rng.next_u64() % 6 {
                    0 => None,
                    k => Some(2015 + k as i32),
                };
                if rng.next_u64() % 5 == 0 {
                    outside(&id, year)
                } else {
                    let m = mechanisms[(rng.next_u64() % 3) as usize];
                    paper(&id, year, &[m])
                }
            })
            .collect();
        let mut citations = Vec::new();
        for s in 0..n as u32 {
            for t in 0..n as u32 {
                if s != t && rng.next_u64() % 100 < 35 {
                    citations.push((s, t));
                }
            }
        }
        eprintln!("round {round}: {n} papers, {} citations", citations.len());
        check_small(&papers, &citations);
    }
}
