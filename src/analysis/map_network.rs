//! The similarity network behind the cluster map (`figures/cluster-map`): the catalogue papers
//! and the top foundations, linked by how similar their citation neighbourhoods are.
//!
//! For every pair of map papers counted at least `--pair-min-count` times (2 by default) in
//! co-citation (Small 1973) or bibliographic coupling (Kessler 1963), the similarity is the sum
//! of the two Salton cosines (each in [0, 1], counted over the whole graph as in
//! `cocitation.csv` and `coupling.csv`): a hybrid of the two, which maps recent papers (that share
//! references but are rarely co-cited yet) and older ones (co-cited, but whose references the
//! graph barely holds) on one footing (K. W. Boyack & R. Klavans, "Co-citation analysis,
//! bibliographic coupling, and direct citation: which citation approach represents the research
//! front most accurately?", JASIST 61(12), 2010, find such hybrids the most accurate).
//!
//! Coupling links nearly every pair of papers of one field, and a layout of a dense network is a
//! hairball; so each paper keeps only its [`MAP_NEIGHBOURS`] most similar papers, and a link is
//! kept when either end keeps it (a k-nearest-neighbour graph, as map layouts of text and
//! citation similarity do). The pair counts run as sparse products over the rows of the map
//! papers only ([`crate::metrics::shared_neighbor_pairs`] with those papers included), so the
//! cost is the map papers' two-hop neighbourhoods, not the graph's.

use serde::{Deserialize, Serialize};

use super::{GraphMetrics, MissingKind, MissingPaper};
use crate::metrics::{self, PairMeasure, PairOptions};

/// Top foundations (by score, in-scope and background alike) placed on the map besides the
/// catalogue papers.
pub const MAP_FOUNDATIONS: usize = 20;
/// Links each paper keeps: its most similar papers.
pub const MAP_NEIGHBOURS: usize = 10;

/// The papers of the cluster map and their similarity links (`metrics.json`'s `map_network`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MapNetwork {
    /// Semantic Scholar ids: the catalogue papers (paper id order), then the top foundations
    /// (by score).
    pub papers: Vec<String>,
    /// Links between `papers` (indexes, `a < b`), sorted by (a, b).
    pub links: Vec<MapLink>,
}

/// One link of the map.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MapLink {
    pub a: u32,
    pub b: u32,
    /// Salton's cosine of their co-citation count (0 below the minimum count).
    pub cocitation: f64,
    /// Salton's cosine of their coupling count (0 below the minimum count).
    pub coupling: f64,
}

impl MapLink {
    /// The link's weight in the layout: cocitation + coupling, in (0, 2].
    pub fn similarity(&self) -> f64 {
        self.cocitation + self.coupling
    }
}

/// The map network of `cx`'s graph. Errors: `min_count` is 0.
pub fn map_network(
    cx: &GraphMetrics<'_>,
    missing: &[MissingPaper],
    min_count: u32,
) -> anyhow::Result<MapNetwork> {
    let graph = cx.graph;
    let mut nodes: Vec<u32> = cx.catalog_nodes.clone();
    let mut foundations: Vec<&MissingPaper> = missing
        .iter()
        .filter(|m| m.kind == MissingKind::Foundation)
        .collect();
    foundations.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.paper_id.cmp(&b.paper_id))
    });
    let mut included = vec![false; graph.node_count()];
    for &v in &nodes {
        included[v as usize] = true;
    }
    for paper in foundations {
        if nodes.len() >= cx.catalog_nodes.len() + MAP_FOUNDATIONS {
            break;
        }
        if let Some(v) = graph.index_of(&paper.paper_id) {
            if !included[v as usize] {
                included[v as usize] = true;
                nodes.push(v);
            }
        }
    }
    let options = PairOptions {
        min_count,
        included: Some(included),
        max_pairs: 0,
    };
    let cocitation = metrics::shared_neighbor_pairs(&graph.csr, PairMeasure::Cocitation, &options)?;
    let coupling = metrics::shared_neighbor_pairs(&graph.csr, PairMeasure::Coupling, &options)?;
    let mut position = std::collections::HashMap::with_capacity(nodes.len());
    for (i, &v) in nodes.iter().enumerate() {
        position.insert(v, i as u32);
    }
    let mut similar: std::collections::BTreeMap<(u32, u32), MapLink> = Default::default();
    for (pairs, is_cocitation) in [(&cocitation, true), (&coupling, false)] {
        for pair in &pairs.pairs {
            let (Some(&a), Some(&b)) = (position.get(&pair.a), position.get(&pair.b)) else {
                continue;
            };
            let (a, b) = (a.min(b), a.max(b));
            let link = similar.entry((a, b)).or_insert_with(|| MapLink {
                a,
                b,
                ..MapLink::default()
            });
            if is_cocitation {
                link.cocitation = pair.salton;
            } else {
                link.coupling = pair.salton;
            }
        }
    }
    let links: Vec<MapLink> = similar.into_values().collect();
    Ok(MapNetwork {
        papers: nodes
            .iter()
            .map(|&v| graph.node(v).paper_id.clone())
            .collect(),
        links: nearest_neighbours(nodes.len(), links, MAP_NEIGHBOURS),
    })
}

/// The links among `n` papers that are among the `k` most similar of at least one end (ties by
/// the other paper's index), sorted by (a, b).
pub fn nearest_neighbours(n: usize, links: Vec<MapLink>, k: usize) -> Vec<MapLink> {
    let mut by_paper: Vec<Vec<(f64, u32, usize)>> = vec![Vec::new(); n];
    for (i, link) in links.iter().enumerate() {
        let s = link.similarity();
        by_paper[link.a as usize].push((s, link.b, i));
        by_paper[link.b as usize].push((s, link.a, i));
    }
    let mut keep = vec![false; links.len()];
    for list in &mut by_paper {
        list.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        for &(_, _, i) in list.iter().take(k) {
            keep[i] = true;
        }
    }
    links
        .into_iter()
        .zip(keep)
        .filter_map(|(link, kept)| kept.then_some(link))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(a: u32, b: u32, s: f64) -> MapLink {
        MapLink {
            a,
            b,
            cocitation: 0.0,
            coupling: s,
        }
    }

    #[test]
    fn each_paper_keeps_its_nearest_neighbours() {
        // A star: paper 0 linked to 1..=4 with rising similarity; 1..=4 have no other link.
        let links: Vec<MapLink> = (1..=4).map(|b| link(0, b, f64::from(b) / 10.0)).collect();
        // With k = 2, paper 0 keeps 3 and 4, but 1 and 2 keep their only link to 0.
        let kept = nearest_neighbours(5, links.clone(), 2);
        assert_eq!(kept.len(), 4);
        // A weak link between two papers that each have two stronger ones is dropped.
        let mut links = vec![
            link(0, 1, 0.9),
            link(0, 2, 0.8),
            link(1, 2, 0.7),
            link(3, 4, 0.9),
            link(3, 5, 0.8),
            link(4, 5, 0.7),
            link(0, 3, 0.1),
        ];
        links.sort_by_key(|l| (l.a, l.b));
        let kept = nearest_neighbours(6, links, 2);
        assert!(kept.iter().all(|l| (l.a, l.b) != (0, 3)), "{kept:?}");
        assert_eq!(kept.len(), 6);
    }
}
