//! The analysis on the synthetic world: the planted missing papers rank first, the outputs are
//! byte-identical across runs and record orders, and every table is written.

mod common;
mod world;

use std::collections::BTreeSet;
use std::path::Path;

use citegraph::analysis::{analyze, AnalyzeOptions};
use citegraph::export::write_analysis;

const FILES: [&str; 10] = [
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
];

fn run(world: &world::World, options: &AnalyzeOptions, out: &Path) {
    let (analysis, graph) = analyze(&world.catalog, &world.corpus, options).unwrap();
    write_analysis(&analysis, &graph, out).unwrap();
}

fn ids(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The first `n` paper ids of `kind` in missing.csv.
fn top_missing(out: &Path, kind: &str, n: usize) -> Vec<String> {
    let mut reader = csv::Reader::from_path(out.join("missing.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, k) = (col("paper_id"), col("kind"));
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[k] == kind)
        .take(n)
        .map(|r| r[id].to_string())
        .collect()
}

fn check_planted(out: &Path, truth: &serde_json::Value) {
    let foundations = ids(&truth["foundations"]);
    let candidates = ids(&truth["candidates_to_add"]);
    let top_f: BTreeSet<String> = top_missing(out, "foundation", foundations.len())
        .into_iter()
        .collect();
    let top_c: BTreeSet<String> = top_missing(out, "candidate", candidates.len())
        .into_iter()
        .collect();
    assert_eq!(top_f, foundations, "the planted foundations rank first");
    assert_eq!(top_c, candidates, "the planted candidates rank first");
}

#[test]
fn planted_missing_papers_rank_first_in_both_scopes() {
    let world = world::load(&common::shared_dir());
    for scope in ["catalog", "all"] {
        let dir = tempfile::tempdir().unwrap();
        let options = AnalyzeOptions {
            scope: scope.to_string(),
            ..AnalyzeOptions::default()
        };
        run(&world, &options, dir.path());
        check_planted(dir.path(), &world.truth);
    }
}

#[test]
fn outputs_are_byte_identical_across_runs_and_record_orders() {
    let mut world = world::load(&common::shared_dir());
    let options = AnalyzeOptions::default();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run(&world, &options, a.path());
    world.corpus.records.reverse();
    run(&world, &options, b.path());
    for name in FILES {
        let x = std::fs::read(a.path().join(name)).unwrap();
        let y = std::fs::read(b.path().join(name)).unwrap();
        assert!(x == y, "{name} differs between two runs");
        assert!(!x.is_empty(), "{name} is empty");
    }
}

#[test]
fn tables_hold_what_the_issue_asks() {
    let world = world::load(&common::shared_dir());
    let dir = tempfile::tempdir().unwrap();
    let (analysis, graph) =
        analyze(&world.catalog, &world.corpus, &AnalyzeOptions::default()).unwrap();
    let written = write_analysis(&analysis, &graph, dir.path()).unwrap();
    assert_eq!(written.len(), FILES.len());

    let header = |name: &str| {
        let mut r = csv::Reader::from_path(dir.path().join(name)).unwrap();
        r.headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for column in [
        "paper_id",
        "key",
        "title",
        "year",
        "in_catalog",
        "mechanisms",
        "catalog_citations",
        "citation_count",
        "pagerank",
        "hub",
        "authority",
        "betweenness",
        "core",
        "community",
    ] {
        assert!(header("papers.csv").iter().any(|h| h == column), "{column}");
    }
    assert_eq!(
        header("edges.csv")[..3],
        ["source", "target", "is_influential"]
    );
    for column in [
        "paper_id",
        "title",
        "year",
        "kind",
        "score",
        "catalog_papers",
        "evidence",
    ] {
        assert!(
            header("missing.csv").iter().any(|h| h == column),
            "{column}"
        );
    }

    let s = &analysis.summary;
    assert_eq!(s.nodes, graph.node_count());
    assert_eq!(analysis.papers.len(), graph.node_count());
    let resolved: BTreeSet<&str> = world
        .corpus
        .resolutions
        .iter()
        .filter_map(|r| r.paper_id.as_deref())
        .collect();
    assert_eq!(graph.catalog.len(), resolved.len());
    assert_eq!(s.unresolved, 2, "truth.json lists two unresolvable papers");
    // Catalogue papers come first in papers.csv.
    let first_outside = analysis.papers.iter().position(|p| !p.in_catalog).unwrap();
    assert!(analysis.papers[first_outside..]
        .iter()
        .all(|p| !p.in_catalog));
    // The metrics are distributions.
    let total: f64 = analysis.papers.iter().map(|p| p.pagerank).sum();
    assert!((total - 1.0).abs() < 1e-9);
    assert!(s.modularity > 0.0 && s.modularity < 1.0);
    assert!(
        s.homophily > s.homophily_expected,
        "the world is built with homophily"
    );
    assert_eq!(s.betweenness, "exact");
    assert!(!analysis.mechanisms.is_empty() && !analysis.domains.is_empty());
    assert_eq!(analysis.flow.labels.len(), analysis.mechanisms.len());
    for row in &analysis.flow.shares {
        let sum: f64 = row.iter().sum();
        assert!(sum == 0.0 || (sum - 1.0).abs() < 1e-9);
    }
    assert_eq!(analysis.influential.len(), graph.catalog.len());
    assert!(analysis
        .missing
        .iter()
        .all(|m| m.confidence > 0.0 && m.confidence <= 1.0));
    assert!(analysis.coverage.iter().all(|c| c.missing <= c.linked));
    // The core graph holds every edge between catalogue papers.
    assert!(analysis.core_edges.len() >= s.catalog_edges);
}
