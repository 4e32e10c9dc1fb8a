//! The metric kernels on synthetic citation graphs (issue #6): `cargo bench --bench kernels`.
//!
//! Graphs of 10k and 100k papers are generated in-process the way `bench/gen_snapshot.py` does
//! (about 10 references a paper, to older papers only, preferential attachment), then each kernel
//! runs on the same [`Csr`] the analysis builds.
//!
//! With `CITEGRAPH_BENCH_EDGES=FILE` (an edge list from `bench/gen_snapshot.py`) it does not run
//! divan: it reads that graph, runs each kernel once with the analysis' default options and
//! prints the seconds of each step as JSON, so that `bench/run.sh` can set citegraph's kernels
//! beside networkx and igraph on the very same graph. Never run by `cargo test` or CI.

use std::hint::black_box;
use std::time::Instant;

use citegraph::graph::{Csr, UndirectedCsr};
use citegraph::metrics::{
    automatic_pivots, betweenness, bibliographic_coupling, cocitation, core_number, hits_unchecked,
    leiden, pagerank, BetweennessOptions, HitsOptions, LeidenOptions, PageRankOptions, PairOptions,
    SplitMix64,
};
use divan::Bencher;

const SIZES: &[usize] = &[10_000, 100_000];
/// Mean references per paper, as in `bench/gen_snapshot.py`.
const REFERENCES: usize = 10;

fn main() {
    match std::env::var_os("CITEGRAPH_BENCH_EDGES") {
        Some(path) if std::env::var_os("CITEGRAPH_BENCH_ONLY").is_some_and(|s| s == "leiden") => {
            if let Err(err) = leiden_only(std::path::Path::new(&path)) {
                eprintln!("kernels: {err:#}");
                std::process::exit(1);
            }
        }
        Some(path) if std::env::var_os("CITEGRAPH_BENCH_ONLY").is_some_and(|s| s == "pairs") => {
            if let Err(err) = pairs_only(std::path::Path::new(&path)) {
                eprintln!("kernels: {err:#}");
                std::process::exit(1);
            }
        }
        Some(path) => {
            if let Err(err) = steps(std::path::Path::new(&path)) {
                eprintln!("kernels: {err:#}");
                std::process::exit(1);
            }
        }
        None => divan::main(),
    }
}

/// A citation graph of `n` papers: paper i cites up to [`REFERENCES`] distinct older papers, each
/// drawn with probability 4/5 in proportion to (citations received + 1), else uniformly.
fn citation_graph(n: usize) -> Csr {
    let mut rng = SplitMix64::new(6);
    // Each paper once, plus once per citation it received: a uniform draw from the pool is a
    // draw in proportion to in-degree + 1.
    let mut pool: Vec<u32> = Vec::with_capacity(n * (REFERENCES + 1));
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(n * REFERENCES);
    for paper in 0..n {
        let first = edges.len();
        for _ in 0..REFERENCES.min(paper) {
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
    // Csr::from_edges merges the duplicate references a paper may have drawn.
    Csr::from_edges(n, edges).expect("every generated index is below n")
}

fn graphs(n: usize) -> (Csr, UndirectedCsr) {
    let csr = citation_graph(n);
    let undirected = csr.undirected();
    (csr, undirected)
}

/// The Leiden options `citegraph analyze` uses on a graph of `links` citation links
/// ([`citegraph::analysis::default_trials`]: 8 trials up to 50,000 links, 2 beyond).
fn leiden_options(links: usize) -> LeidenOptions {
    LeidenOptions {
        trials: citegraph::analysis::default_trials(links),
        ..LeidenOptions::default()
    }
}

/// The betweenness options `citegraph analyze` uses on `csr`: exact up to 20,000 nodes, else the
/// automatic pivot count.
fn betweenness_options(csr: &Csr) -> BetweennessOptions {
    BetweennessOptions {
        pivots: automatic_pivots(csr),
        ..BetweennessOptions::default()
    }
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn build_csr(bencher: Bencher, n: usize) {
    let edges: Vec<(u32, u32)> = citation_graph(n).edges().collect();
    bencher.bench_local(|| Csr::from_edges(n, black_box(edges.iter().copied())));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn undirected(bencher: Bencher, n: usize) {
    let csr = citation_graph(n);
    bencher.bench_local(|| black_box(&csr).undirected());
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn pagerank_default(bencher: Bencher, n: usize) {
    let csr = citation_graph(n);
    let options = PageRankOptions::default();
    bencher.bench_local(|| pagerank(black_box(&csr), &options));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn hits_default(bencher: Bencher, n: usize) {
    let csr = citation_graph(n);
    let options = HitsOptions::default();
    // As the analysis calls it: the values even when the tolerance is not reached.
    bencher.bench_local(|| hits_unchecked(black_box(&csr), &options));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn core_numbers(bencher: Bencher, n: usize) {
    let (_, undirected) = graphs(n);
    bencher.bench_local(|| core_number(black_box(&undirected)));
}

/// Sampled with 64 pivots at every size, to compare sizes per pivot (the analysis is exact up to
/// 20k nodes, see `betweenness_analysis`).
#[divan::bench(args = SIZES, sample_count = 10)]
fn betweenness_sampled_64(bencher: Bencher, n: usize) {
    let csr = citation_graph(n);
    let options = BetweennessOptions {
        exact_limit: 0,
        pivots: 64,
        seed: 0,
    };
    bencher.bench_local(|| betweenness(black_box(&csr), &options));
}

/// As the analysis runs it: exact at 10k, automatic pivots at 100k.
#[divan::bench(args = SIZES, sample_count = 5)]
fn betweenness_analysis(bencher: Bencher, n: usize) {
    let csr = citation_graph(n);
    let options = betweenness_options(&csr);
    bencher.bench_local(|| betweenness(black_box(&csr), &options));
}

/// One trial, to compare with one Leiden run of leidenalg or igraph.
#[divan::bench(args = SIZES, sample_count = 5)]
fn leiden_one_trial(bencher: Bencher, n: usize) {
    let (_, undirected) = graphs(n);
    let options = LeidenOptions {
        trials: 1,
        ..LeidenOptions::default()
    };
    bencher.bench_local(|| leiden(black_box(&undirected), &options));
}

/// As the analysis runs it.
#[divan::bench(args = SIZES, sample_count = 5)]
fn leiden_default(bencher: Bencher, n: usize) {
    let (csr, undirected) = graphs(n);
    let options = leiden_options(csr.edge_count());
    bencher.bench_local(|| leiden(black_box(&undirected), &options));
}

/// Co-citation pairs (A^T A) with the analysis' defaults.
#[divan::bench(args = SIZES, sample_count = 5)]
fn cocitation_pairs(bencher: Bencher, n: usize) {
    let csr = citation_graph(n);
    bencher.bench_local(|| cocitation(black_box(&csr), &PairOptions::default()));
}

/// Bibliographic coupling pairs (A A^T) with the analysis' defaults.
#[divan::bench(args = SIZES, sample_count = 5)]
fn coupling_pairs(bencher: Bencher, n: usize) {
    let csr = citation_graph(n);
    bencher.bench_local(|| bibliographic_coupling(black_box(&csr), &PairOptions::default()));
}

/// Reads `source target` lines (0-based ids) into a [`Csr`] of `max id + 1` nodes.
fn read_edge_list(path: &std::path::Path) -> anyhow::Result<Csr> {
    use anyhow::Context;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the edge list {}", path.display()))?;
    let mut edges = Vec::with_capacity(text.len() / 12);
    let mut nodes = 0u32;
    for (number, line) in text.lines().enumerate() {
        let mut fields = line.split_ascii_whitespace();
        let (Some(a), Some(b)) = (fields.next(), fields.next()) else {
            continue;
        };
        let parse = |s: &str| {
            s.parse::<u32>().with_context(|| {
                format!(
                    "{}:{}: {s:?} is not a node id; expected `source target` with 0-based integers",
                    path.display(),
                    number + 1
                )
            })
        };
        let (source, target) = (parse(a)?, parse(b)?);
        nodes = nodes.max(source + 1).max(target + 1);
        edges.push((source, target));
    }
    Ok(Csr::from_edges(nodes as usize, edges)?)
}

/// `CITEGRAPH_BENCH_ONLY=leiden`: Leiden alone on the graph at `path` (the undirected simple
/// graph, as igraph and leidenalg get it in `bench/leiden.py`), with the analysis' options unless
/// `CITEGRAPH_LEIDEN_TRIALS` / `_MAX_ITERATIONS` / `_TOLERANCE` say otherwise; seconds of the call,
/// modularity and community count as JSON.
fn leiden_only(path: &std::path::Path) -> anyhow::Result<()> {
    init_log();
    let csr = read_edge_list(path)?;
    let undirected = csr.undirected();
    let mut options = leiden_options(csr.edge_count());
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    if let Some(trials) = var("CITEGRAPH_LEIDEN_TRIALS") {
        options.trials = trials;
    }
    if let Some(iterations) = var("CITEGRAPH_LEIDEN_MAX_ITERATIONS") {
        options.max_iterations = iterations;
    }
    if let Some(tolerance) = std::env::var("CITEGRAPH_LEIDEN_TOLERANCE")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
    {
        options.tolerance = tolerance;
    }
    let start = Instant::now();
    let partition = leiden(&undirected, &options)?;
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "tool": "citegraph",
            "nodes": undirected.node_count(),
            "edges": undirected.edge_count(),
            "seconds": seconds,
            "modularity": partition.modularity,
            "communities": partition.count,
            "trials": options.trials,
            "threads": rayon::current_num_threads(),
        })
    );
    Ok(())
}

/// `CITEGRAPH_LOG=citegraph=debug`: the kernels' debug lines (Leiden's per-iteration and
/// per-level timings, the pair products' plans) on stderr.
fn init_log() {
    if let Ok(filter) = std::env::var("CITEGRAPH_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
}

/// Co-citation and coupling alone (`CITEGRAPH_BENCH_ONLY=pairs`), with the analysis' defaults
/// or `CITEGRAPH_PAIR_MIN_COUNT` / `CITEGRAPH_MAX_PAIRS`: seconds, pairs and threshold as JSON.
fn pairs_only(path: &std::path::Path) -> anyhow::Result<()> {
    init_log();
    let csr = read_edge_list(path)?;
    let mut options = PairOptions::default();
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    if let Some(min_count) = var("CITEGRAPH_PAIR_MIN_COUNT") {
        options.min_count = min_count as u32;
    }
    if let Some(max_pairs) = var("CITEGRAPH_MAX_PAIRS") {
        options.max_pairs = max_pairs;
    }
    for (name, product) in [
        ("cocitation", cocitation as fn(&Csr, &PairOptions) -> _),
        ("coupling", bibliographic_coupling),
    ] {
        let start = Instant::now();
        let pairs = product(&csr, &options)?;
        println!(
            "{}",
            serde_json::json!({
                "step": name,
                "seconds": start.elapsed().as_secs_f64(),
                "pairs": pairs.pairs.len(),
                "min_count": pairs.min_count,
                "candidates": pairs.candidates,
                "threads": rayon::current_num_threads(),
            })
        );
    }
    Ok(())
}

/// One run of each kernel with the analysis' options on the graph at `path`, seconds as JSON.
fn steps(path: &std::path::Path) -> anyhow::Result<()> {
    let mut timings: Vec<(&str, f64)> = Vec::new();
    let mut time = |name: &'static str, start: Instant| {
        let seconds = start.elapsed().as_secs_f64();
        eprintln!("{name}: {seconds:.3} s");
        timings.push((name, seconds));
    };
    let start = Instant::now();
    let csr = read_edge_list(path)?;
    time("load", start);
    let n = csr.node_count();

    let start = Instant::now();
    black_box(pagerank(&csr, &PageRankOptions::default())?);
    time("pagerank", start);
    let start = Instant::now();
    black_box(hits_unchecked(&csr, &HitsOptions::default()));
    time("hits", start);
    let start = Instant::now();
    let undirected = csr.undirected();
    time("undirected", start);
    let start = Instant::now();
    black_box(core_number(&undirected));
    time("core", start);
    let start = Instant::now();
    let partition = leiden(&undirected, &leiden_options(csr.edge_count()))?;
    time("leiden", start);
    let start = Instant::now();
    let cocited = cocitation(&csr, &PairOptions::default())?;
    time("cocitation", start);
    let start = Instant::now();
    let coupled = bibliographic_coupling(&csr, &PairOptions::default())?;
    time("coupling", start);
    let start = Instant::now();
    let (_, mode) = betweenness(&csr, &betweenness_options(&csr));
    time("betweenness", start);

    let steps: serde_json::Map<String, serde_json::Value> = timings
        .iter()
        .map(|&(name, seconds)| {
            (
                name.to_string(),
                serde_json::json!({"status": "ok", "seconds": seconds}),
            )
        })
        .collect();
    let report = serde_json::json!({
        "tool": "citegraph kernels",
        "nodes": n,
        "edges": csr.edge_count(),
        "steps": steps,
        "results": {
            "communities": partition.count,
            "modularity": partition.modularity,
            "cocitation_pairs": cocited.pairs.len(),
            "cocitation_candidates": cocited.candidates,
            "coupling_pairs": coupled.pairs.len(),
            "coupling_candidates": coupled.candidates,
            "betweenness": mode.to_string(),
        },
    });
    println!("{report:#}");
    Ok(())
}
