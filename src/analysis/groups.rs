//! Per mechanism and per domain: counts, citations, influence, homophily; the flow of citations
//! between mechanisms; how well the mechanisms match the graph's structure.
//!
//! A paper with several mechanisms (or domains) counts in each of its groups. Where a paper must
//! sit in one group only (the mechanism partition's modularity, NMI and ARI against the detected
//! communities, the overall homophily) it uses its primary mechanism
//! ([`crate::graph::CatalogInfo::primary_mechanism`]).
//!
//! Homophily of a group g: among the citations from g's catalogue papers to catalogue papers, the
//! share whose cited paper is in g too; expected by chance: the share of all catalogue-to-catalogue
//! citations that land on g (a citation that picked its target by the targets' popularity alone).
//! Overall: the share of catalogue-to-catalogue citations between papers of the same primary
//! mechanism, against sum over g of (share of citations from g) x (share of citations to g), the
//! configuration-model expectation of Newman's assortativity ("Mixing patterns in networks",
//! Phys. Rev. E 67, 2003). Papers without a mechanism are left out of the overall figures.

use std::collections::{BTreeMap, HashMap};

use super::{Flow, GraphMetrics, GroupStats};
use crate::graph::{Csr, UNSPECIFIED};
use crate::metrics::{adjusted_rand_index, modularity, normalized_mutual_information};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Mechanism,
    Domain,
}

fn groups_of<'a>(cx: &GraphMetrics<'a>, v: u32, grouping: Grouping) -> &'a [String] {
    match (cx.info(v), grouping) {
        (Some(info), Grouping::Mechanism) => &info.mechanisms,
        (Some(info), Grouping::Domain) => &info.domains,
        (None, _) => &[],
    }
}

/// part / whole, 0 when whole is 0.
pub(super) fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Stats of every group, by descending paper count (ties by name).
pub fn group_stats(cx: &GraphMetrics<'_>, grouping: Grouping, top_n: usize) -> Vec<GroupStats> {
    let mut members: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for &v in &cx.catalog_nodes {
        for g in groups_of(cx, v, grouping) {
            members.entry(g.as_str()).or_default().push(v);
        }
    }
    // Citations between catalogue papers, and how many land on each group.
    let edges = cx.catalog_edge_list();
    let mut landing: HashMap<&str, u64> = HashMap::new();
    for &(_, t) in &edges {
        for g in groups_of(cx, t, grouping) {
            *landing.entry(g.as_str()).or_default() += 1;
        }
    }
    let csr = &cx.graph.csr;
    let mut stats: Vec<GroupStats> = members
        .into_iter()
        .map(|(name, nodes)| {
            let mut papers_per_year = BTreeMap::new();
            let mut citations = Vec::new();
            let mut pageranks = Vec::new();
            let mut total_citations = 0u64;
            let mut total_catalog_citations = 0u64;
            let mut citations_out = 0u64;
            let mut citations_within = 0u64;
            for &v in &nodes {
                let node = cx.graph.node(v);
                if let Some(year) = node.year {
                    *papers_per_year.entry(year).or_insert(0) += 1;
                }
                if let Some(c) = node.citation_count {
                    total_citations += c;
                    citations.push(c as f64);
                }
                total_catalog_citations += cx.catalog_citations[v as usize] as u64;
                pageranks.push(cx.pagerank[v as usize]);
                for &t in csr.out_neighbors(v) {
                    if cx.in_catalog(t) {
                        citations_out += 1;
                        if groups_of(cx, t, grouping).iter().any(|g| g == name) {
                            citations_within += 1;
                        }
                    }
                }
            }
            let mut top = nodes.clone();
            top.sort_by(|&a, &b| {
                cx.influence[b as usize]
                    .total_cmp(&cx.influence[a as usize])
                    .then_with(|| cx.key(a).cmp(&cx.key(b)))
            });
            let mean_pagerank = pageranks.iter().sum::<f64>() / pageranks.len().max(1) as f64;
            GroupStats {
                name: name.to_string(),
                papers: nodes.len(),
                papers_per_year,
                total_citations,
                median_citations: median(&mut citations),
                total_catalog_citations,
                mean_pagerank,
                median_pagerank: median(&mut pageranks),
                top_papers: top
                    .iter()
                    .take(top_n)
                    .filter_map(|&v| cx.key(v).map(str::to_string))
                    .collect(),
                citations_out,
                citations_within,
                homophily: share(citations_within, citations_out),
                homophily_expected: share(
                    landing.get(name).copied().unwrap_or(0),
                    edges.len() as u64,
                ),
            }
        })
        .collect();
    stats.sort_by(|a, b| b.papers.cmp(&a.papers).then_with(|| a.name.cmp(&b.name)));
    stats
}

/// Citations between catalogue papers from each mechanism (row) to each mechanism (column); a
/// citation between multi-mechanism papers counts once for every (row, column) pair.
pub fn flow(cx: &GraphMetrics<'_>, labels: Vec<String>) -> Flow {
    let index: HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let k = labels.len();
    let mut counts = vec![vec![0u64; k]; k];
    for (s, t) in cx.catalog_edge_list() {
        for a in groups_of(cx, s, Grouping::Mechanism) {
            for b in groups_of(cx, t, Grouping::Mechanism) {
                if let (Some(&i), Some(&j)) = (index.get(a.as_str()), index.get(b.as_str())) {
                    counts[i][j] += 1;
                }
            }
        }
    }
    let shares = counts
        .iter()
        .map(|row| {
            let total: u64 = row.iter().sum();
            row.iter().map(|&c| share(c, total)).collect()
        })
        .collect();
    Flow {
        labels,
        counts,
        shares,
    }
}

/// How the mechanisms line up with the graph's structure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Structure {
    pub mechanism_modularity: f64,
    /// `None` (n/a) when fewer than two catalogue papers carry a mechanism, or they all carry
    /// one: agreement with a single class (or none) means nothing.
    pub nmi: Option<f64>,
    pub ari: Option<f64>,
    pub homophily: f64,
    pub homophily_expected: f64,
}

pub fn structure(cx: &GraphMetrics<'_>) -> Structure {
    let nodes = &cx.catalog_nodes;
    let primary = |v: u32| cx.info(v).map(|i| i.primary_mechanism.as_str());
    let mut names: Vec<&str> = nodes.iter().filter_map(|&v| primary(v)).collect();
    names.sort_unstable();
    names.dedup();
    let label_of = |v: u32| {
        primary(v)
            .and_then(|p| names.binary_search(&p).ok())
            .unwrap_or(0) as u32
    };

    // Modularity of the primary-mechanism partition on the catalogue subgraph (undirected).
    let mut local = vec![u32::MAX; cx.graph.node_count()];
    for (i, &v) in nodes.iter().enumerate() {
        local[v as usize] = i as u32;
    }
    let edges = cx.catalog_edge_list();
    // Both ends are catalogue nodes, so both have a local index.
    let local_edges = edges
        .iter()
        .map(|&(s, t)| (local[s as usize], local[t as usize]));
    let mechanism_modularity = match Csr::from_edges(nodes.len(), local_edges) {
        Ok(sub) => {
            let labels: Vec<u32> = nodes.iter().map(|&v| label_of(v)).collect();
            modularity(&sub.undirected(), &labels, 1.0)
        }
        Err(_) => 0.0,
    };

    // Detected communities against primary mechanisms, over papers with a mechanism.
    let specified: Vec<u32> = nodes
        .iter()
        .copied()
        .filter(|&v| primary(v).is_some_and(|p| p != UNSPECIFIED))
        .collect();
    let communities: Vec<u32> = specified
        .iter()
        .map(|&v| cx.communities.labels.get(v as usize).copied().unwrap_or(0))
        .collect();
    let mechanisms: Vec<u32> = specified.iter().map(|&v| label_of(v)).collect();

    // Overall homophily by primary mechanism.
    let is_specified = |v: u32| primary(v).is_some_and(|p| p != UNSPECIFIED);
    let mut from = vec![0u64; names.len()];
    let mut to = vec![0u64; names.len()];
    let mut same = 0u64;
    let mut total = 0u64;
    for &(s, t) in &edges {
        if is_specified(s) && is_specified(t) {
            let (a, b) = (label_of(s), label_of(t));
            from[a as usize] += 1;
            to[b as usize] += 1;
            total += 1;
            if a == b {
                same += 1;
            }
        }
    }
    let homophily_expected = if total == 0 {
        0.0
    } else {
        from.iter()
            .zip(&to)
            .map(|(&f, &t)| (f as f64 / total as f64) * (t as f64 / total as f64))
            .sum()
    };
    let comparable = {
        let mut distinct = mechanisms.clone();
        distinct.sort_unstable();
        distinct.dedup();
        distinct.len() >= 2
    };
    Structure {
        mechanism_modularity,
        nmi: comparable.then(|| normalized_mutual_information(&communities, &mechanisms)),
        ari: comparable.then(|| adjusted_rand_index(&communities, &mechanisms)),
        homophily: share(same, total),
        homophily_expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), 0.0);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
