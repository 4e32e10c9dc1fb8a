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
//! Edges among the chosen papers are pruned to their transitive reduction: an edge `u -> v` is
//! dropped when `v` can still be reached from `u` through other kept edges, which keeps every
//! "builds on" path while removing the shortcuts that make the hairball (Aho, Garey and Ullman
//! 1972, "The transitive reduction of a directed graph"). Edges are removed one at a time against
//! the current graph, so reachability is kept exactly even where citations form a cycle. Cost:
//! O(E (V + E)) on the at most ~100 chosen papers.

use std::collections::{HashMap, HashSet};

use crate::analysis::{Analysis, EdgeRow};

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
    let catalog: Vec<&crate::analysis::PaperMetrics> = {
        let mut seen = HashSet::new();
        analysis
            .papers
            .iter()
            .filter(|p| p.in_catalog && seen.insert(p.paper_id.as_str()))
            .collect()
    };
    let missing: Vec<&str> = {
        let mut seen = HashSet::new();
        missing
            .iter()
            .copied()
            .filter(|id| seen.insert(*id))
            .take(limit)
            .collect()
    };
    let budget = limit.saturating_sub(missing.len());
    let mut chosen: Vec<&str> = Vec::new();
    let mut chosen_set: HashSet<&str> = HashSet::new();
    let mut connectors = HashSet::new();

    if catalog.len() <= budget {
        chosen.extend(catalog.iter().map(|p| p.paper_id.as_str()));
        chosen_set.extend(chosen.iter().copied());
    } else {
        let score: HashMap<&str, f64> = analysis
            .influential
            .iter()
            .map(|p| (p.paper_id.as_str(), p.score))
            .collect();
        // Each mechanism's papers, most influential first.
        let mut queues: Vec<std::collections::VecDeque<&str>> = Vec::new();
        let mut mechanism_names: Vec<&str> = analysis
            .mechanisms
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        for paper in &catalog {
            for mechanism in primary_mechanisms(paper) {
                if !mechanism_names.contains(&mechanism) {
                    mechanism_names.push(mechanism);
                }
            }
        }
        // "unspecified" last: it is a gap in the list, not a line of work.
        mechanism_names.sort_by_key(|m| *m == crate::catalog::UNSPECIFIED);
        for mechanism in &mechanism_names {
            let mut members: Vec<&crate::analysis::PaperMetrics> = catalog
                .iter()
                .copied()
                .filter(|p| primary_mechanisms(p).contains(mechanism))
                .collect();
            members.sort_by(|a, b| {
                let sa = score.get(a.paper_id.as_str()).copied().unwrap_or(f64::MIN);
                let sb = score.get(b.paper_id.as_str()).copied().unwrap_or(f64::MIN);
                sb.total_cmp(&sa)
                    .then(b.pagerank.total_cmp(&a.pagerank))
                    .then(a.paper_id.cmp(&b.paper_id))
            });
            queues.push(members.iter().map(|p| p.paper_id.as_str()).collect());
        }
        let core_budget = ((budget as f64) * CORE_SHARE).ceil() as usize;
        round_robin(&mut queues, &mut chosen, &mut chosen_set, core_budget);

        let mechanism_of: HashMap<&str, &str> = catalog
            .iter()
            .map(|p| {
                (
                    p.paper_id.as_str(),
                    primary_mechanisms(p)
                        .first()
                        .copied()
                        .unwrap_or(crate::catalog::UNSPECIFIED),
                )
            })
            .collect();
        let pagerank: HashMap<&str, f64> = catalog
            .iter()
            .map(|p| (p.paper_id.as_str(), p.pagerank))
            .collect();
        let mut neighbours: HashMap<&str, (usize, HashSet<&str>)> = HashMap::new();
        for edge in &analysis.core_edges {
            let (s, t) = (edge.source.as_str(), edge.target.as_str());
            for (outside, inside) in [(s, t), (t, s)] {
                if chosen_set.contains(inside)
                    && !chosen_set.contains(outside)
                    && mechanism_of.contains_key(outside)
                {
                    let entry = neighbours.entry(outside).or_default();
                    entry.0 += 1;
                    entry
                        .1
                        .insert(mechanism_of.get(inside).copied().unwrap_or_default());
                }
            }
        }
        let mut ranked: Vec<(&str, usize, usize)> = neighbours
            .into_iter()
            .filter(|(_, (count, _))| *count >= 2)
            .map(|(id, (count, mechanisms))| (id, mechanisms.len(), count))
            .collect();
        ranked.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(b.2.cmp(&a.2))
                .then(pagerank[b.0].total_cmp(&pagerank[a.0]))
                .then(a.0.cmp(b.0))
        });
        for (id, _, _) in ranked {
            if chosen.len() >= budget {
                break;
            }
            chosen.push(id);
            chosen_set.insert(id);
            connectors.insert(id.to_string());
        }
        // Too few connectors: the next most influential papers take the room left.
        round_robin(&mut queues, &mut chosen, &mut chosen_set, budget);
    }

    let mut papers: HashSet<String> = chosen.iter().map(|id| id.to_string()).collect();
    papers.extend(missing.iter().map(|id| id.to_string()));
    let edges = transitive_reduction(&analysis.core_edges, &papers);
    Selection {
        left_out: catalog.len().saturating_sub(chosen.len()),
        papers,
        connectors,
        edges,
    }
}

/// A paper's mechanisms, `unspecified` when it has none.
fn primary_mechanisms(paper: &crate::analysis::PaperMetrics) -> Vec<&str> {
    if paper.mechanisms.is_empty() {
        vec![crate::catalog::UNSPECIFIED]
    } else {
        paper.mechanisms.iter().map(String::as_str).collect()
    }
}

/// Takes one paper from each queue in turn until `chosen` holds `until` papers or the queues
/// are empty; a paper already chosen (it has several mechanisms) is skipped.
fn round_robin<'a>(
    queues: &mut [std::collections::VecDeque<&'a str>],
    chosen: &mut Vec<&'a str>,
    chosen_set: &mut HashSet<&'a str>,
    until: usize,
) {
    while chosen.len() < until {
        let mut took_any = false;
        for queue in queues.iter_mut() {
            if chosen.len() >= until {
                break;
            }
            while let Some(id) = queue.pop_front() {
                if chosen_set.insert(id) {
                    chosen.push(id);
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

/// The edges among `papers` (self-loops and repeats dropped) with every edge removed whose
/// target stays reachable from its source without it. Edges are tried from the last to the first
/// so that, among equal choices, the earlier (more important, as `core_edges` lists them) stay.
pub fn transitive_reduction(edges: &[EdgeRow], papers: &HashSet<String>) -> Vec<EdgeRow> {
    let mut kept: Vec<EdgeRow> = Vec::new();
    let mut seen = HashSet::new();
    for edge in edges {
        if edge.source != edge.target
            && papers.contains(&edge.source)
            && papers.contains(&edge.target)
            && seen.insert((edge.source.as_str(), edge.target.as_str()))
        {
            kept.push(edge.clone());
        }
    }
    let index: HashMap<&str, usize> = {
        let mut ids: Vec<&str> = papers.iter().map(String::as_str).collect();
        ids.sort_unstable();
        ids.into_iter().enumerate().map(|(i, id)| (id, i)).collect()
    };
    let n = index.len();
    let pairs: Vec<(usize, usize)> = kept
        .iter()
        .map(|e| (index[e.source.as_str()], index[e.target.as_str()]))
        .collect();
    let mut alive = vec![true; pairs.len()];
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, &(s, _)) in pairs.iter().enumerate() {
        out_edges[s].push(e);
    }
    let mut visited = vec![false; n];
    let mut stack = Vec::new();
    for e in (0..pairs.len()).rev() {
        let (source, target) = pairs[e];
        visited.iter_mut().for_each(|v| *v = false);
        stack.clear();
        stack.push(source);
        visited[source] = true;
        let mut reachable = false;
        'search: while let Some(v) = stack.pop() {
            for &f in &out_edges[v] {
                if f == e || !alive[f] {
                    continue;
                }
                let w = pairs[f].1;
                if w == target {
                    reachable = true;
                    break 'search;
                }
                if !visited[w] {
                    visited[w] = true;
                    stack.push(w);
                }
            }
        }
        if reachable {
            alive[e] = false;
        }
    }
    kept.into_iter()
        .zip(alive)
        .filter_map(|(edge, alive)| alive.then_some(edge))
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

    #[test]
    fn transitive_reduction_drops_shortcuts_and_keeps_reachability() {
        let papers: HashSet<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let edges = vec![
            edge("c", "b"),
            edge("b", "a"),
            edge("c", "a"),
            edge("d", "a"),
            edge("d", "d"),
            edge("x", "a"),
        ];
        let kept = transitive_reduction(&edges, &papers);
        let pairs: Vec<(&str, &str)> = kept
            .iter()
            .map(|e| (e.source.as_str(), e.target.as_str()))
            .collect();
        assert_eq!(pairs, vec![("c", "b"), ("b", "a"), ("d", "a")]);
        // A cycle keeps enough edges to stay a cycle.
        let cycle = vec![
            edge("a", "b"),
            edge("b", "c"),
            edge("c", "a"),
            edge("a", "c"),
        ];
        let kept = transitive_reduction(&cycle, &papers);
        assert_eq!(kept.len(), 3);
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
