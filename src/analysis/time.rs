//! How the field evolved: the lineage of ideas (main path analysis), citation bursts, sleeping
//! beauties and reference publication year spectroscopy (RPYS), on the citation graph.
//!
//! Every number comes from the graph's own edges and the papers' years; a paper without a year
//! (or with a year outside [`PLAUSIBLE_YEARS`], which only a damaged record has) takes no part
//! where a year is needed, and [`TimeCoverage`] counts what was left out. The kernels and their
//! sources are in [`crate::metrics`]: `lineage`, `bursts`, `beauty`, `rpys`.
//!
//! - Lineage: the citations among catalogue papers, as edges cited -> citing (the flow of
//!   knowledge), kept iff the cited paper comes strictly before the citing one by (year, paper
//!   id); the rest (same-year citations the wrong way round, citations of later papers, cycles)
//!   are dropped, so the graph is acyclic. Search path counts, the global main path, the
//!   key-route main paths of the top `key_routes` edges, and the main path of each mechanism's
//!   own subgraph (spc recomputed inside it; `unspecified` has none).
//! - Citation bursts of catalogue papers: batches are the years from the first to the last
//!   citing year of any edge of the graph; r_t = the paper's citations from papers of year t,
//!   d_t = all edges of the graph whose citing paper is of year t.
//! - Mechanism bursts: batches are the years from the first to the last catalogue paper;
//!   r_t = catalogue papers of the mechanism published in year t, d_t = all catalogue papers of
//!   year t (a paper counts in each of its mechanisms; `unspecified` has none).
//! - Beauty coefficient of each catalogue paper with a year t0: c_t = citations from papers of
//!   year t, for t0 <= t <= T, T the latest year of any paper of the graph.
//! - RPYS: every edge citing -> cited whose citing paper is in the catalogue and whose cited
//!   paper has a year.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use num_bigint::BigUint;
use serde::{Deserialize, Serialize};

use crate::graph::{CitationGraph, Csr, UNSPECIFIED};
use crate::metrics::{self, BurstOptions};

/// Years outside this range are taken for missing: a record with such a year is damaged, and a
/// span of millions of years would make every series that long.
pub const PLAUSIBLE_YEARS: RangeInclusive<i32> = 1000..=2999;

/// The time analyses, as `metrics.json` holds them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TimeAnalysis {
    /// Every edge of the lineage graph, by descending spc, then by (source, target) in
    /// (year, paper id) order.
    pub lineage: Vec<LineageEdge>,
    /// Sum of spc over the global main path (decimal; 0 when the lineage graph has no edge).
    pub main_path_weight: String,
    /// Source-to-sink paths of the lineage graph (decimal).
    pub lineage_paths: String,
    /// The key-route main paths, route by route, each from its source to its sink.
    pub key_routes: Vec<KeyRouteEdge>,
    /// The main path of each mechanism's lineage subgraph, by mechanism name, then step.
    pub lineage_by_mechanism: Vec<MechanismPathEdge>,
    /// Citation bursts of catalogue papers, by descending strength (ties by paper id, start).
    pub bursts: Vec<CitationBurst>,
    /// First and last year of the burst batches (none without a dated citation).
    pub burst_years: Option<(i32, i32)>,
    /// Bursts of mechanisms in the catalogue's papers per year, by descending strength.
    pub mechanism_bursts: Vec<MechanismBurst>,
    /// The RPYS spectrum, one row a year from the earliest to the latest cited year.
    pub rpys: Vec<RpysRow>,
    /// The highest peaks of the spectrum (largest positive median deviation), with the papers of
    /// that year the catalogue cites most.
    pub rpys_peaks: Vec<RpysPeak>,
    pub coverage: TimeCoverage,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LineageEdge {
    /// The cited paper (knowledge flows from it).
    pub source: String,
    /// The citing paper.
    pub target: String,
    /// Search path count, an exact integer in decimal.
    pub spc: String,
    pub main_path: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct KeyRouteEdge {
    /// 1 for the route of the edge of largest spc, 2 for the next, ...
    pub route: usize,
    pub source: String,
    pub target: String,
    pub spc: String,
    /// Whether this edge is the route's key edge.
    pub key: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MechanismPathEdge {
    pub mechanism: String,
    /// 1 for the first edge of the path (from its source).
    pub step: usize,
    pub source: String,
    pub target: String,
    /// The search path count within the mechanism's subgraph.
    pub spc: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CitationBurst {
    pub paper_id: String,
    pub start: i32,
    pub end: i32,
    pub strength: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MechanismBurst {
    pub mechanism: String,
    pub start: i32,
    pub end: i32,
    pub strength: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RpysRow {
    pub year: i32,
    pub references: u64,
    pub median_deviation: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RpysPeak {
    pub year: i32,
    pub references: u64,
    pub median_deviation: i64,
    /// The papers of that year most referenced by catalogue papers, most first (ties by id).
    pub papers: Vec<RpysPaper>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RpysPaper {
    pub paper_id: String,
    pub title: String,
    /// Catalogue papers citing it.
    pub references: u64,
}

/// What the time analyses could not use: where the data is thin.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TimeCoverage {
    pub catalog_papers: usize,
    /// Catalogue papers without a (plausible) year: no lineage, no beauty coefficient.
    pub catalog_papers_without_year: usize,
    /// Citations among catalogue papers (distinct, no self-citations).
    pub catalog_citations: usize,
    /// Of those, the edges of the lineage graph.
    pub lineage_edges: usize,
    /// Dropped because one end has no year.
    pub lineage_without_year: usize,
    /// Dropped because the cited paper does not come first by (year, paper id).
    pub lineage_against_time: usize,
    /// Edges of the graph whose citing paper has no year: they count in no year (bursts, B).
    pub citations_without_year: u64,
    pub citations_with_year: u64,
    /// References of catalogue papers to papers without a year: left out of RPYS.
    pub references_without_year: u64,
    pub references_with_year: u64,
}

/// The beauty coefficient of one catalogue paper (papers.csv's columns).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaperBeauty {
    /// The paper's node.
    pub node: u32,
    pub coefficient: f64,
    pub awakening_year: Option<i32>,
}

/// Options of the time analyses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeOptions {
    /// Key-route main paths: one for each of the top k edges by spc.
    pub key_routes: usize,
    pub bursts: BurstOptions,
    /// RPYS peaks kept, and papers named per peak.
    pub rpys_peaks: usize,
    pub rpys_papers: usize,
}

impl Default for TimeOptions {
    fn default() -> Self {
        TimeOptions {
            key_routes: 10,
            bursts: BurstOptions::default(),
            rpys_peaks: 5,
            rpys_papers: 3,
        }
    }
}

/// A node's year, when plausible.
fn year_of(graph: &CitationGraph, v: u32) -> Option<i32> {
    graph.node(v).year.filter(|y| PLAUSIBLE_YEARS.contains(y))
}

/// Every time analysis of `graph`, and the beauty coefficient of each catalogue paper with a year.
pub fn analyze_time(
    graph: &CitationGraph,
    options: &TimeOptions,
) -> anyhow::Result<(TimeAnalysis, Vec<PaperBeauty>)> {
    let years: Vec<Option<i32>> = (0..graph.node_count() as u32)
        .map(|v| year_of(graph, v))
        .collect();
    let catalog: Vec<u32> = (0..graph.node_count() as u32)
        .filter(|&v| graph.node(v).in_catalog())
        .collect();
    let mut time = TimeAnalysis::default();
    let mut coverage = TimeCoverage {
        catalog_papers: catalog.len(),
        catalog_papers_without_year: catalog
            .iter()
            .filter(|&&v| years[v as usize].is_none())
            .count(),
        ..TimeCoverage::default()
    };
    lineage(graph, &years, &catalog, options, &mut time, &mut coverage)?;
    citation_bursts(graph, &years, &catalog, options, &mut time, &mut coverage)?;
    time.mechanism_bursts = mechanism_bursts(graph, &years, &catalog, options)?;
    let beauty = beauty(graph, &years, &catalog);
    rpys(graph, &years, &catalog, options, &mut time, &mut coverage);
    time.coverage = coverage;
    Ok((time, beauty))
}

/// The lineage graph: catalogue papers with a year, numbered by (year, paper id), and the
/// citations that go forward in that order, as (cited, citing) local indices.
struct LineageGraph {
    nodes: Vec<u32>,
    dag: Csr,
}

fn lineage_graph(
    graph: &CitationGraph,
    years: &[Option<i32>],
    catalog: &[u32],
    coverage: &mut TimeCoverage,
) -> anyhow::Result<LineageGraph> {
    let mut nodes: Vec<u32> = catalog
        .iter()
        .copied()
        .filter(|&v| years[v as usize].is_some())
        .collect();
    // Nodes are numbered by paper id, so (year, node) is (year, paper id).
    nodes.sort_by_key(|&v| (years[v as usize], v));
    let mut local = vec![u32::MAX; graph.node_count()];
    for (i, &v) in nodes.iter().enumerate() {
        local[v as usize] = i as u32;
    }
    let mut edges = Vec::new();
    for &citing in catalog {
        for &cited in graph.csr.out_neighbors(citing) {
            if !graph.node(cited).in_catalog() || cited == citing {
                continue;
            }
            coverage.catalog_citations += 1;
            let (a, b) = (local[cited as usize], local[citing as usize]);
            if a == u32::MAX || b == u32::MAX {
                coverage.lineage_without_year += 1;
            } else if a < b {
                edges.push((a, b));
            } else {
                coverage.lineage_against_time += 1;
            }
        }
    }
    let dag = Csr::from_edges(nodes.len(), edges)?;
    coverage.lineage_edges = dag.edge_count();
    Ok(LineageGraph { nodes, dag })
}

fn lineage(
    graph: &CitationGraph,
    years: &[Option<i32>],
    catalog: &[u32],
    options: &TimeOptions,
    time: &mut TimeAnalysis,
    coverage: &mut TimeCoverage,
) -> anyhow::Result<()> {
    let LineageGraph { nodes, dag } = lineage_graph(graph, years, catalog, coverage)?;
    let id = |local: u32| graph.node(nodes[local as usize]).paper_id.clone();
    let spc = metrics::search_path_counts(&dag)?;
    let main = metrics::global_main_path(&dag, &spc);
    let on_main: std::collections::HashSet<(u32, u32)> = main.edges().collect();
    let mut edges: Vec<(BigUint, u32, u32)> =
        dag.edges().map(|(u, v)| (spc.edge(u, v), u, v)).collect();
    edges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    time.lineage = edges
        .into_iter()
        .map(|(count, u, v)| LineageEdge {
            source: id(u),
            target: id(v),
            spc: count.to_string(),
            main_path: on_main.contains(&(u, v)),
        })
        .collect();
    time.main_path_weight = main.weight.to_string();
    time.lineage_paths = spc.total_paths(&dag).to_string();
    for (r, route) in metrics::key_route_main_paths(&dag, &spc, options.key_routes)
        .into_iter()
        .enumerate()
    {
        for (u, v) in route.path.edges() {
            time.key_routes.push(KeyRouteEdge {
                route: r + 1,
                source: id(u),
                target: id(v),
                spc: spc.edge(u, v).to_string(),
                key: (u, v) == route.key,
            });
        }
    }

    // Each mechanism's own subgraph, its nodes in the same (year, paper id) order.
    let mut members: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (i, &v) in nodes.iter().enumerate() {
        for m in graph
            .catalog_info(v)
            .map(|c| &c.mechanisms[..])
            .unwrap_or(&[])
        {
            if m != UNSPECIFIED {
                members.entry(m.as_str()).or_default().push(i as u32);
            }
        }
    }
    let mut sub_index = vec![u32::MAX; nodes.len()];
    for (mechanism, locals) in members {
        for (j, &i) in locals.iter().enumerate() {
            sub_index[i as usize] = j as u32;
        }
        let sub_edges = locals.iter().flat_map(|&i| {
            let sub_index = &sub_index;
            dag.out_neighbors(i)
                .iter()
                .filter(move |&&w| sub_index[w as usize] != u32::MAX)
                .map(move |&w| (sub_index[i as usize], sub_index[w as usize]))
        });
        let sub = Csr::from_edges(locals.len(), sub_edges.collect::<Vec<_>>())?;
        let sub_spc = metrics::search_path_counts(&sub)?;
        let path = metrics::global_main_path(&sub, &sub_spc);
        for (step, (a, b)) in path.edges().enumerate() {
            time.lineage_by_mechanism.push(MechanismPathEdge {
                mechanism: mechanism.to_string(),
                step: step + 1,
                source: id(locals[a as usize]),
                target: id(locals[b as usize]),
                spc: sub_spc.edge(a, b).to_string(),
            });
        }
        for &i in &locals {
            sub_index[i as usize] = u32::MAX;
        }
    }
    Ok(())
}

/// Per-year counts as a series over `first..=last`.
fn series(counts: &BTreeMap<i32, u64>, first: i32, last: i32) -> Vec<u64> {
    (first..=last)
        .map(|y| counts.get(&y).copied().unwrap_or(0))
        .collect()
}

fn citation_bursts(
    graph: &CitationGraph,
    years: &[Option<i32>],
    catalog: &[u32],
    options: &TimeOptions,
    time: &mut TimeAnalysis,
    coverage: &mut TimeCoverage,
) -> anyhow::Result<()> {
    // d_t: every edge of the graph by its citing paper's year.
    let mut per_year: BTreeMap<i32, u64> = BTreeMap::new();
    for v in 0..graph.node_count() as u32 {
        let out = graph.csr.out_degree(v) as u64;
        match years[v as usize] {
            Some(y) if out > 0 => *per_year.entry(y).or_default() += out,
            Some(_) => {}
            None => coverage.citations_without_year += out,
        }
    }
    coverage.citations_with_year = per_year.values().sum();
    let (Some((&first, _)), Some((&last, _))) =
        (per_year.first_key_value(), per_year.last_key_value())
    else {
        return Ok(());
    };
    time.burst_years = Some((first, last));
    let total = series(&per_year, first, last);
    let mut found = Vec::new();
    let mut counts: BTreeMap<i32, u64> = BTreeMap::new();
    for &p in catalog {
        counts.clear();
        for &citer in graph.csr.in_neighbors(p) {
            if let Some(y) = years[citer as usize] {
                *counts.entry(y).or_default() += 1;
            }
        }
        let relevant = series(&counts, first, last);
        for burst in metrics::bursts(&relevant, &total, &options.bursts)? {
            found.push(CitationBurst {
                paper_id: graph.node(p).paper_id.clone(),
                start: first + burst.start as i32,
                end: first + burst.end as i32,
                strength: burst.strength,
            });
        }
    }
    found.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then_with(|| a.paper_id.cmp(&b.paper_id))
            .then(a.start.cmp(&b.start))
    });
    time.bursts = found;
    Ok(())
}

fn mechanism_bursts(
    graph: &CitationGraph,
    years: &[Option<i32>],
    catalog: &[u32],
    options: &TimeOptions,
) -> anyhow::Result<Vec<MechanismBurst>> {
    let mut all: BTreeMap<i32, u64> = BTreeMap::new();
    let mut by_mechanism: BTreeMap<&str, BTreeMap<i32, u64>> = BTreeMap::new();
    for &p in catalog {
        let Some(y) = years[p as usize] else {
            continue;
        };
        *all.entry(y).or_default() += 1;
        for m in graph
            .catalog_info(p)
            .map(|c| &c.mechanisms[..])
            .unwrap_or(&[])
        {
            if m != UNSPECIFIED {
                *by_mechanism
                    .entry(m.as_str())
                    .or_default()
                    .entry(y)
                    .or_default() += 1;
            }
        }
    }
    let (Some((&first, _)), Some((&last, _))) = (all.first_key_value(), all.last_key_value())
    else {
        return Ok(Vec::new());
    };
    let total = series(&all, first, last);
    let mut found = Vec::new();
    for (mechanism, counts) in by_mechanism {
        let relevant = series(&counts, first, last);
        for burst in metrics::bursts(&relevant, &total, &options.bursts)? {
            found.push(MechanismBurst {
                mechanism: mechanism.to_string(),
                start: first + burst.start as i32,
                end: first + burst.end as i32,
                strength: burst.strength,
            });
        }
    }
    found.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then_with(|| a.mechanism.cmp(&b.mechanism))
            .then(a.start.cmp(&b.start))
    });
    Ok(found)
}

fn beauty(graph: &CitationGraph, years: &[Option<i32>], catalog: &[u32]) -> Vec<PaperBeauty> {
    let Some(latest) = years.iter().flatten().copied().max() else {
        return Vec::new();
    };
    catalog
        .iter()
        .filter_map(|&p| {
            let t0 = years[p as usize]?;
            let mut citations = vec![0u64; (latest - t0) as usize + 1];
            for &citer in graph.csr.in_neighbors(p) {
                if let Some(y) = years[citer as usize].filter(|&y| y >= t0) {
                    citations[(y - t0) as usize] += 1;
                }
            }
            let b = metrics::beauty_coefficient(&citations);
            Some(PaperBeauty {
                node: p,
                coefficient: b.coefficient,
                awakening_year: b.awakening.map(|a| t0 + a as i32),
            })
        })
        .collect()
}

fn rpys(
    graph: &CitationGraph,
    years: &[Option<i32>],
    catalog: &[u32],
    options: &TimeOptions,
    time: &mut TimeAnalysis,
    coverage: &mut TimeCoverage,
) {
    let mut cited_years = Vec::new();
    // Catalogue papers citing each cited paper, for naming the peaks.
    let mut cited_by: BTreeMap<u32, u64> = BTreeMap::new();
    for &p in catalog {
        for &cited in graph.csr.out_neighbors(p) {
            match years[cited as usize] {
                Some(y) => {
                    cited_years.push(y);
                    *cited_by.entry(cited).or_default() += 1;
                }
                None => coverage.references_without_year += 1,
            }
        }
    }
    coverage.references_with_year = cited_years.len() as u64;
    time.rpys = metrics::rpys(cited_years)
        .into_iter()
        .map(|r| RpysRow {
            year: r.year,
            references: r.references,
            median_deviation: r.median_deviation,
        })
        .collect();
    let mut peaks: Vec<&RpysRow> = time
        .rpys
        .iter()
        .filter(|r| r.median_deviation > 0)
        .collect();
    peaks.sort_by(|a, b| {
        b.median_deviation
            .cmp(&a.median_deviation)
            .then(a.year.cmp(&b.year))
    });
    peaks.truncate(options.rpys_peaks);
    time.rpys_peaks = peaks
        .into_iter()
        .map(|row| {
            let mut papers: Vec<(u64, u32)> = cited_by
                .iter()
                .filter(|(&v, _)| years[v as usize] == Some(row.year))
                .map(|(&v, &n)| (n, v))
                .collect();
            // Most cited first; ties by paper id (node order).
            papers.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            RpysPeak {
                year: row.year,
                references: row.references,
                median_deviation: row.median_deviation,
                papers: papers
                    .into_iter()
                    .take(options.rpys_papers)
                    .map(|(n, v)| RpysPaper {
                        paper_id: graph.node(v).paper_id.clone(),
                        title: graph.node(v).title.clone(),
                        references: n,
                    })
                    .collect(),
            }
        })
        .collect();
}

/// Runs [`analyze_time`] on `graph` and puts its results into `analysis`: the `time` section,
/// and `sleeping_beauty_b` / `awakening_year` of the catalogue papers' rows.
pub fn attach(
    analysis: &mut super::Analysis,
    graph: &CitationGraph,
    key_routes: usize,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let options = TimeOptions {
        key_routes,
        ..TimeOptions::default()
    };
    let (time, beauty) = analyze_time(graph, &options)?;
    let by_id: std::collections::HashMap<&str, &PaperBeauty> = beauty
        .iter()
        .map(|b| (graph.node(b.node).paper_id.as_str(), b))
        .collect();
    for paper in analysis.papers.iter_mut().filter(|p| p.in_catalog) {
        if let Some(b) = by_id.get(paper.paper_id.as_str()) {
            paper.sleeping_beauty_b = Some(b.coefficient);
            paper.awakening_year = b.awakening_year;
        }
    }
    analysis.time = time;
    tracing::debug!("time analyses in {:.1?}", started.elapsed());
    Ok(())
}
