//! The time analyses (issue 14) on synthetic citation graphs: `cargo bench --bench time`.
//!
//! - `lineage_*`: search path counts, the global main path and 10 key-route main paths on a
//!   citation DAG of n papers (each citing up to 10 older ones, preferential attachment), all of
//!   it a dense "catalogue": the worst case for the exact path counts, which grow to hundreds of
//!   digits on deep graphs.
//! - `time_analysis`: everything `analyze` adds for issue 14 ([`analyze_time`]) on a citation
//!   graph of n papers with 300 catalogue papers among the most recent ones, as on the 1M bench
//!   snapshot: one pass over every edge (bursts, beauty, RPYS) and the catalogue subgraph's
//!   lineage.
//!
//! Never run by `cargo test` or CI.

use std::hint::black_box;

use citegraph::analysis::time::{analyze_time, TimeOptions};
use citegraph::graph::{CatalogInfo, Citation, CitationGraph, Csr, PaperNode};
use citegraph::metrics::{
    bursts, global_main_path, key_route_main_paths, search_path_counts, BurstOptions, SplitMix64,
};
use divan::Bencher;

fn main() {
    divan::main();
}

/// (citing, cited) pairs: paper i cites up to 10 distinct older papers, 4 in 5 drawn in
/// proportion to citations received + 1.
fn citations(n: usize, seed: u64) -> Vec<(u32, u32)> {
    let mut rng = SplitMix64::new(seed);
    let mut pool: Vec<u32> = Vec::with_capacity(n * 11);
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(n * 10);
    for paper in 0..n {
        let first = edges.len();
        for _ in 0..10.min(paper) {
            let cited = if pool.is_empty() || rng.below(5) == 0 {
                rng.below(paper)
            } else {
                pool[rng.below(pool.len())] as usize
            };
            edges.push((paper as u32, cited as u32));
        }
        pool.push(paper as u32);
        pool.extend(edges[first..].iter().map(|&(_, cited)| cited));
    }
    edges
}

/// The knowledge-flow DAG (cited -> citing) of `n` papers in time order.
fn lineage_dag(n: usize) -> Csr {
    let flow = citations(n, 14)
        .into_iter()
        .map(|(citing, cited)| (cited, citing));
    Csr::from_edges(n, flow).expect("indices below n")
}

#[divan::bench(args = [300, 1_000, 3_000], sample_count = 5)]
fn lineage_spc_and_main_paths(bencher: Bencher, n: usize) {
    let dag = lineage_dag(n);
    bencher.bench_local(|| {
        let spc = search_path_counts(black_box(&dag)).unwrap();
        let main = global_main_path(&dag, &spc);
        let routes = key_route_main_paths(&dag, &spc, 10);
        black_box((main, routes))
    });
}

/// 300 catalogue papers' bursts over 40 years, as `analyze` runs them.
#[divan::bench(sample_count = 10)]
fn bursts_300_papers_40_years(bencher: Bencher) {
    let mut rng = SplitMix64::new(2);
    let total: Vec<u64> = (0..40).map(|t| 1000 + 500 * t as u64).collect();
    let series: Vec<Vec<u64>> = (0..300)
        .map(|_| {
            total
                .iter()
                .map(|&d| rng.below(d as usize / 50) as u64)
                .collect()
        })
        .collect();
    let options = BurstOptions::default();
    bencher.bench_local(|| {
        for relevant in &series {
            black_box(bursts(relevant, &total, &options).unwrap());
        }
    });
}

/// A citation graph of `n` papers (years 1990-2025 in index order), the 300 catalogue papers
/// spread over its most recent tenth, with 4 mechanisms.
fn citation_graph(n: usize) -> CitationGraph {
    let mut graph = CitationGraph::default();
    let step = (n / 10 / 300).max(1);
    let catalog_from = n - (300 * step).min(n);
    for i in 0..n {
        let catalog = (i >= catalog_from && (i - catalog_from) % step == 0).then(|| {
            graph.catalog.push(CatalogInfo {
                key: format!("k{i}"),
                mechanisms: vec![format!("mechanism {}", i % 4)],
                ..CatalogInfo::default()
            });
            graph.catalog.len() as u32 - 1
        });
        graph.graph.add_node(PaperNode {
            paper_id: format!("{i:08}"),
            year: Some(1990 + (i * 36 / n) as i32),
            catalog,
            ..PaperNode::default()
        });
    }
    graph.csr = Csr::from_edges(n, citations(n, 6)).expect("indices below n");
    for (s, t) in graph.csr.edges().collect::<Vec<_>>() {
        graph
            .graph
            .add_edge(s.into(), t.into(), Citation::default());
    }
    graph
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 3)]
fn time_analysis(bencher: Bencher, n: usize) {
    let graph = citation_graph(n);
    let options = TimeOptions::default();
    bencher.bench_local(|| black_box(analyze_time(black_box(&graph), &options).unwrap()));
}
