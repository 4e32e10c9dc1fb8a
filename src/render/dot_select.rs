//! Which papers and edges the default `graph.dot` draws, and how tall its timeline columns are.
//!
//! The whole catalogue (~300 papers, ~3,000 citations) draws as a hairball that Graphviz needs
//! seconds to lay out and no reader can follow. By default (`--dot-all` turns this off) the file
//! holds at most [`DEFAULT_LIMIT`] papers:
//!
//! 1. the most influential catalogue papers of each mechanism, taken in turn (one from each
//!    mechanism, then the next one from each, ...), ranked by the composite influence score and
//!    then PageRank, until 80% of the room is used;
//! 2. connectors: papers outside that pick which cite or are cited by the most already chosen
//!    papers of *different* mechanisms (at least two chosen neighbours), so the drawing shows how
//!    the mechanisms are tied together;
//! 3. the top missing papers (`--with-missing`), which count against the same limit.
//!
//! Edges among the chosen papers are pruned to their transitive reduction
//! ([`crate::metrics::transitive_reduction`]): an edge `u -> v` is dropped when `v` can still be
//! reached from `u` through other kept edges, which keeps every "builds on" path while removing
//! the shortcuts that make the hairball. The order of `core_edges` decides which edges stay where
//! citations form a cycle.
//!
//! The selection runs on node indices: the papers are numbered once (catalogue papers first), the
//! core edges become index pairs, and the reduction runs on a [`crate::graph::Csr`] of them; only
//! the returned [`Selection`] speaks paper ids again.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::analysis::{Analysis, EdgeRow, PaperMetrics};
use crate::catalog::UNSPECIFIED;
use crate::graph::Csr;
use crate::metrics;

/// Papers the default `graph.dot` holds at most.
pub const DEFAULT_LIMIT: usize = 100;

/// Share of the room given to the most influential papers of each mechanism; the rest goes to
/// connectors.
const CORE_SHARE: f64 = 0.8;

/// What the default `graph.dot` draws.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// Paper ids drawn: catalogue papers and missing papers.
    pub papers: HashSet<String>,
    /// Catalogue papers chosen as connectors (a subset of `papers`).
    pub connectors: HashSet<String>,
    /// Edges kept, `source` cites `target`, in the order of `analysis.core_edges`.
    pub edges: Vec<EdgeRow>,
    /// Catalogue papers left out.
    pub left_out: usize,
}

/// Chooses at most `limit` papers: `missing` (ids of the top missing papers to show) first, the
/// rest catalogue papers as the module comment describes; then prunes the edges among them.
pub fn select(analysis: &Analysis, missing: &[&str], limit: usize) -> Selection {
    let missing: Vec<&str> = {
        let mut seen = HashSet::new();
        missing
            .iter()
            .copied()
            .filter(|id| seen.insert(*id))
            .take(limit)
            .collect()
    };
    let papers = Papers::new(analysis, &missing);
    let budget = limit.saturating_sub(missing.len());
    let catalog_count = papers.catalog.len();
    let mut chosen = Chosen::new(papers.ids.len());
    let mut connectors = Vec::new();
    if catalog_count <= budget {
        for v in 0..catalog_count as u32 {
            chosen.insert(v);
        }
    } else {
        let mut queues = mechanism_queues(analysis, &papers);
        let core_budget = ((budget as f64) * CORE_SHARE).ceil() as usize;
        round_robin(&mut queues, &mut chosen, core_budget);
        for v in connector_candidates(&papers, &chosen) {
            if chosen.order.len() >= budget {
                break;
            }
            chosen.insert(v);
            connectors.push(v);
        }
        // Too few connectors: the next most influential papers take the room left.
        round_robin(&mut queues, &mut chosen, budget);
    }

    let left_out = catalog_count.saturating_sub(chosen.order.len());
    let mut drawn = chosen.set;
    for id in &missing {
        drawn[papers.index[id] as usize] = true;
    }
    Selection {
        papers: papers.ids_where(&drawn),
        connectors: connectors
            .iter()
            .map(|&v| papers.ids[v as usize].to_string())
            .collect(),
        edges: reduced_edges(analysis, &papers, &drawn),
        left_out,
    }
}

/// The papers [`select`] chooses among, numbered once so that the choice and the transitive
/// reduction run on node indices: the catalogue papers first (`0..catalog.len()`, in the order of
/// `analysis.papers`, repeats dropped), then the missing papers and every other end of a core
/// edge.
struct Papers<'a> {
    /// The catalogue papers; node `v < catalog.len()` is `catalog[v]`.
    catalog: Vec<&'a PaperMetrics>,
    /// Node `v`'s paper id.
    ids: Vec<&'a str>,
    index: HashMap<&'a str, u32>,
    /// `analysis.core_edges` as node pairs, in their order (repeats and self-loops kept).
    edges: Vec<(u32, u32)>,
}

impl<'a> Papers<'a> {
    fn new(analysis: &'a Analysis, missing: &[&'a str]) -> Papers<'a> {
        let mut papers = Papers {
            catalog: Vec::new(),
            ids: Vec::new(),
            index: HashMap::new(),
            edges: Vec::with_capacity(analysis.core_edges.len()),
        };
        for paper in analysis.papers.iter().filter(|p| p.in_catalog) {
            if papers.index.contains_key(paper.paper_id.as_str()) {
                continue;
            }
            papers.catalog.push(paper);
            papers.node(&paper.paper_id);
        }
        for id in missing {
            papers.node(id);
        }
        for edge in &analysis.core_edges {
            let pair = (papers.node(&edge.source), papers.node(&edge.target));
            papers.edges.push(pair);
        }
        papers
    }

    /// `id`'s node, numbered next when it has none yet.
    fn node(&mut self, id: &'a str) -> u32 {
        let next = self.ids.len() as u32;
        let v = *self.index.entry(id).or_insert(next);
        if v == next {
            self.ids.push(id);
        }
        v
    }

    fn ids_where(&self, drawn: &[bool]) -> HashSet<String> {
        self.ids
            .iter()
            .zip(drawn)
            .filter(|(_, &drawn)| drawn)
            .map(|(id, _)| id.to_string())
            .collect()
    }
}

/// The papers chosen so far, in the order chosen, and as a membership mask over the nodes.
struct Chosen {
    order: Vec<u32>,
    set: Vec<bool>,
}

impl Chosen {
    fn new(node_count: usize) -> Chosen {
        Chosen {
            order: Vec::new(),
            set: vec![false; node_count],
        }
    }

    /// Chooses `v`; false when it already was.
    fn insert(&mut self, v: u32) -> bool {
        if std::mem::replace(&mut self.set[v as usize], true) {
            return false;
        }
        self.order.push(v);
        true
    }
}

/// Each mechanism's catalogue papers, most influential first (composite score, then PageRank,
/// then id): the mechanisms of `analysis.mechanisms` in their order, then any other a paper
/// names, "unspecified" last because it is a gap in the list, not a line of work.
fn mechanism_queues(analysis: &Analysis, papers: &Papers<'_>) -> Vec<VecDeque<u32>> {
    let score: HashMap<&str, f64> = analysis
        .influential
        .iter()
        .map(|p| (p.paper_id.as_str(), p.score))
        .collect();
    let mut mechanism_names: Vec<&str> = analysis
        .mechanisms
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    for paper in &papers.catalog {
        for mechanism in primary_mechanisms(paper) {
            if !mechanism_names.contains(&mechanism) {
                mechanism_names.push(mechanism);
            }
        }
    }
    mechanism_names.sort_by_key(|m| *m == UNSPECIFIED);
    let score_of = |v: u32| {
        score
            .get(papers.ids[v as usize])
            .copied()
            .unwrap_or(f64::MIN)
    };
    mechanism_names
        .iter()
        .map(|mechanism| {
            let mut members: Vec<u32> = (0..papers.catalog.len() as u32)
                .filter(|&v| primary_mechanisms(papers.catalog[v as usize]).contains(mechanism))
                .collect();
            members.sort_by(|&a, &b| {
                let (pa, pb) = (papers.catalog[a as usize], papers.catalog[b as usize]);
                score_of(b)
                    .total_cmp(&score_of(a))
                    .then(pb.pagerank.total_cmp(&pa.pagerank))
                    .then(pa.paper_id.cmp(&pb.paper_id))
            });
            members.into()
        })
        .collect()
}

/// Catalogue papers not yet chosen that cite or are cited by at least two chosen papers, best
/// connector first: the most distinct mechanisms among those neighbours (a paper's first
/// mechanism counts), then the most such links, then PageRank, then id.
fn connector_candidates(papers: &Papers<'_>, chosen: &Chosen) -> Vec<u32> {
    let catalog_count = papers.catalog.len() as u32;
    let mechanism_of = |v: u32| {
        primary_mechanisms(papers.catalog[v as usize])
            .first()
            .copied()
            .unwrap_or(UNSPECIFIED)
    };
    let mut neighbours: HashMap<u32, (usize, HashSet<&str>)> = HashMap::new();
    for &(s, t) in &papers.edges {
        for (outside, inside) in [(s, t), (t, s)] {
            if chosen.set[inside as usize]
                && !chosen.set[outside as usize]
                && outside < catalog_count
            {
                let entry = neighbours.entry(outside).or_default();
                entry.0 += 1;
                entry.1.insert(mechanism_of(inside));
            }
        }
    }
    let mut ranked: Vec<(u32, usize, usize)> = neighbours
        .into_iter()
        .filter(|(_, (count, _))| *count >= 2)
        .map(|(v, (count, mechanisms))| (v, mechanisms.len(), count))
        .collect();
    let pagerank = |v: u32| papers.catalog[v as usize].pagerank;
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.2.cmp(&a.2))
            .then(pagerank(b.0).total_cmp(&pagerank(a.0)))
            .then(papers.ids[a.0 as usize].cmp(papers.ids[b.0 as usize]))
    });
    ranked.into_iter().map(|(v, _, _)| v).collect()
}

/// A paper's mechanisms, `unspecified` when it has none.
fn primary_mechanisms(paper: &PaperMetrics) -> Vec<&str> {
    if paper.mechanisms.is_empty() {
        vec![UNSPECIFIED]
    } else {
        paper.mechanisms.iter().map(String::as_str).collect()
    }
}

/// Takes one paper from each queue in turn until `chosen` holds `until` papers or the queues
/// are empty; a paper already chosen (it has several mechanisms) is skipped.
fn round_robin(queues: &mut [VecDeque<u32>], chosen: &mut Chosen, until: usize) {
    while chosen.order.len() < until {
        let mut took_any = false;
        for queue in queues.iter_mut() {
            if chosen.order.len() >= until {
                break;
            }
            while let Some(v) = queue.pop_front() {
                if chosen.insert(v) {
                    took_any = true;
                    break;
                }
            }
        }
        if !took_any {
            break;
        }
    }
}

/// The core edges among the `drawn` papers (self-loops and repeats dropped), pruned to their
/// transitive reduction ([`metrics::transitive_reduction`]) with the order of `core_edges` as
/// the priority: among equal choices on a cycle, the earlier (more important) edges stay.
fn reduced_edges(analysis: &Analysis, papers: &Papers<'_>, drawn: &[bool]) -> Vec<EdgeRow> {
    let mut seen = HashSet::new();
    let (priority, rows): (Vec<(u32, u32)>, Vec<&EdgeRow>) = papers
        .edges
        .iter()
        .zip(&analysis.core_edges)
        .filter(|(&(s, t), _)| {
            s != t && drawn[s as usize] && drawn[t as usize] && seen.insert((s, t))
        })
        .map(|(&pair, row)| (pair, row))
        .unzip();
    let graph = Csr::from_edges(papers.ids.len(), priority.iter().copied())
        .expect("node indices come from the paper numbering, below u32::MAX");
    let kept: HashSet<(u32, u32)> = metrics::transitive_reduction(&graph, &priority)
        .expect("the priority is the graph's own edge list without self-loops")
        .into_iter()
        .collect();
    priority
        .iter()
        .zip(rows)
        .filter(|(pair, _)| kept.contains(pair))
        .map(|(_, row)| row.clone())
        .collect()
}

/// How many papers one timeline column holds before it wraps into another column of the same
/// year: the height that makes the drawing about 1.4 times as wide as tall, given each year's
/// paper count (a column is ~2.4 in wide with its gap, a paper ~0.45 in tall with its gap).
pub fn column_height(papers_per_year: &[usize]) -> usize {
    let largest = papers_per_year.iter().copied().max().unwrap_or(1).max(1);
    let (column_width, row_height, target_ratio) = (2.4, 0.45, 1.4);
    let mut best = (f64::INFINITY, largest);
    for height in 4..=largest.max(4) {
        let columns: usize = papers_per_year.iter().map(|&n| n.div_ceil(height)).sum();
        let rows = papers_per_year
            .iter()
            .map(|&n| n.min(height))
            .max()
            .unwrap_or(1);
        let ratio = (columns as f64 * column_width) / (rows.max(1) as f64 * row_height);
        let distance = (ratio / target_ratio).ln().abs();
        if distance < best.0 {
            best = (distance, height);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(s: &str, t: &str) -> EdgeRow {
        EdgeRow {
            source: s.into(),
            target: t.into(),
            is_influential: false,
        }
    }

    fn analysis(papers: &[&str], edges: Vec<EdgeRow>) -> Analysis {
        Analysis {
            papers: papers
                .iter()
                .map(|id| PaperMetrics {
                    paper_id: id.to_string(),
                    in_catalog: true,
                    ..Default::default()
                })
                .collect(),
            core_edges: edges,
            ..Default::default()
        }
    }

    fn pairs(selection: &Selection) -> Vec<(&str, &str)> {
        selection
            .edges
            .iter()
            .map(|e| (e.source.as_str(), e.target.as_str()))
            .collect()
    }

    #[test]
    fn edges_are_reduced_among_the_drawn_papers() {
        let edges = vec![
            edge("c", "b"),
            edge("b", "a"),
            edge("c", "a"),
            edge("d", "a"),
            edge("d", "d"),
            edge("x", "a"),
            edge("b", "a"),
        ];
        let selection = select(&analysis(&["a", "b", "c", "d"], edges), &[], 10);
        assert_eq!(pairs(&selection), vec![("c", "b"), ("b", "a"), ("d", "a")]);
        assert_eq!(selection.left_out, 0);
        // A cycle keeps enough edges to stay a cycle.
        let cycle = vec![
            edge("a", "b"),
            edge("b", "c"),
            edge("c", "a"),
            edge("a", "c"),
        ];
        let selection = select(&analysis(&["a", "b", "c", "d"], cycle), &[], 10);
        assert_eq!(selection.edges.len(), 3);
    }

    #[test]
    fn column_height_makes_a_landscape_drawing() {
        let counts = [5, 12, 30, 40, 10];
        let height = column_height(&counts);
        let columns: usize = counts.iter().map(|&n| n.div_ceil(height)).sum();
        let ratio = columns as f64 * 2.4 / (height as f64 * 0.45);
        assert!(
            (0.9..2.2).contains(&ratio),
            "height {height}, ratio {ratio}"
        );
        assert!(height < 40);
    }
}
