//! [`GraphMetrics`]: every per-node number the analysis reads (the metrics of the whole graph,
//! and the counts of catalogue neighbours), computed once; every table of the analysis is built
//! from it.

use rayon::prelude::*;

use super::age_fair::{self, AgeFair};
use super::clusters::CommunityNetwork;
use super::{influence, MetricOptions, PaperMetrics};
use crate::graph::{CatalogInfo, CitationGraph, UndirectedCsr, UNSPECIFIED};
use crate::metrics::{self, BetweennessMode, Pairs, Partition};

/// The graph and its metrics, per node (indexed like the graph's nodes). The tables' builders
/// take it as `cx`.
pub struct GraphMetrics<'a> {
    pub graph: &'a CitationGraph,
    pub undirected: UndirectedCsr,
    /// Catalogue papers' nodes, in node (paper id) order.
    pub catalog_nodes: Vec<u32>,
    pub pagerank: Vec<f64>,
    pub hub: Vec<f64>,
    pub authority: Vec<f64>,
    pub betweenness: Vec<f64>,
    pub betweenness_mode: BetweennessMode,
    pub core: Vec<u32>,
    pub communities: Partition,
    /// Co-citation pairs (A^T A) and bibliographic coupling pairs (A A^T) of the graph.
    pub cocitation: Pairs,
    pub coupling: Pairs,
    /// Catalogue papers citing the node.
    pub catalog_citations: Vec<u32>,
    /// Catalogue papers the node cites.
    pub catalog_references: Vec<u32>,
    /// The influence score of catalogue papers (0 elsewhere) of `--influence`, see
    /// `influence::scores`.
    pub influence: Vec<f64>,
    /// CiteRank, rescaled PageRank, and the CD index of the catalogue papers.
    pub age_fair: AgeFair,
}

/// Runs `f`, logging how long it took (`-v` shows it).
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let result = f();
    tracing::debug!("{what} in {:.1?}", started.elapsed());
    result
}

impl<'a> GraphMetrics<'a> {
    /// Runs every metric kernel on `graph` with `options` (the independent ones side by side).
    /// Errors: a kernel refused the graph.
    pub fn compute(
        graph: &'a CitationGraph,
        options: &MetricOptions,
    ) -> anyhow::Result<GraphMetrics<'a>> {
        let csr = &graph.csr;
        let undirected = timed("undirected adjacency", || csr.undirected());
        // The pair products, then Leiden (on the citation graph, or on a pair network), run
        // beside the other kernels, which share the remaining threads. Every kernel gives the
        // same result on any number of threads.
        let (maps, others) = rayon::join(
            || -> anyhow::Result<_> {
                let pairs = || -> anyhow::Result<(Pairs, Pairs)> {
                    let (cocitation, coupling) = rayon::join(
                        || timed("co-citation", || metrics::cocitation(csr, &options.pairs)),
                        || {
                            timed("bibliographic coupling", || {
                                metrics::bibliographic_coupling(csr, &options.pairs)
                            })
                        },
                    );
                    Ok((cocitation?, coupling?))
                };
                let n = graph.node_count();
                let on_pairs = |pairs: &Pairs| {
                    let edges: Vec<(u32, u32, f64)> = pairs
                        .pairs
                        .iter()
                        .map(|p| (p.a, p.b, f64::from(p.count)))
                        .collect();
                    timed("communities", || match &options.initial_communities {
                        Some(start) => {
                            metrics::leiden_weighted_from(n, &edges, start, &options.communities)
                        }
                        None => metrics::leiden_weighted(n, &edges, &options.communities),
                    })
                };
                match options.community_network {
                    CommunityNetwork::Citation => {
                        let (pairs, communities) = rayon::join(pairs, || {
                            timed("communities", || match &options.initial_communities {
                                Some(start) => {
                                    metrics::leiden_from(&undirected, start, &options.communities)
                                }
                                None => metrics::leiden(&undirected, &options.communities),
                            })
                        });
                        let (cocitation, coupling) = pairs?;
                        Ok((communities?, cocitation, coupling))
                    }
                    CommunityNetwork::Cocitation => {
                        let (cocitation, coupling) = pairs()?;
                        Ok((on_pairs(&cocitation)?, cocitation, coupling))
                    }
                    CommunityNetwork::Coupling => {
                        let (cocitation, coupling) = pairs()?;
                        Ok((on_pairs(&coupling)?, cocitation, coupling))
                    }
                }
            },
            || -> anyhow::Result<_> {
                // `--weight intents`: each citation weighs 1 to 3 (see `weights.rs`).
                let weights = super::weights::edge_weights(graph, options.weight)?;
                let (pagerank, hits) = match &weights {
                    None => (
                        timed("PageRank", || metrics::pagerank(csr, &options.pagerank))?,
                        timed("HITS", || metrics::hits_unchecked(csr, &options.hits)),
                    ),
                    Some(w) => (
                        timed("PageRank (weighted)", || {
                            metrics::pagerank_weighted(csr, w, &options.pagerank)
                        })?,
                        timed("HITS (weighted)", || {
                            metrics::hits_weighted(csr, w, &options.hits)
                        })?,
                    ),
                };
                let betweenness = timed("betweenness", || {
                    metrics::betweenness(csr, &options.betweenness)
                });
                let core = timed("core numbers", || metrics::core_number(&undirected));
                Ok((pagerank, hits, betweenness, core))
            },
        );
        let (communities, cocitation, coupling) = maps?;
        let (pagerank, (hub, authority, convergence), (betweenness, betweenness_mode), core) =
            others?;
        if let metrics::Convergence::Stopped { error } = convergence {
            tracing::warn!(
                "HITS did not converge in {} iterations (last change {error:e}): hub and \
                 authority are approximations",
                options.hits.max_iterations
            );
        }
        let catalog_nodes: Vec<u32> = (0..graph.node_count() as u32)
            .filter(|&v| graph.node(v).in_catalog())
            .collect();
        let count_catalog =
            |list: &[u32]| list.iter().filter(|&&u| graph.node(u).in_catalog()).count() as u32;
        let catalog_citations: Vec<u32> = (0..graph.node_count() as u32)
            .into_par_iter()
            .map(|v| count_catalog(csr.in_neighbors(v)))
            .collect();
        let catalog_references: Vec<u32> = (0..graph.node_count() as u32)
            .into_par_iter()
            .map(|v| count_catalog(csr.out_neighbors(v)))
            .collect();
        let age_fair = timed("CiteRank, rescaled PageRank, CD index", || {
            age_fair::compute(graph, &pagerank, &catalog_nodes, &options.age_fair)
        })?;
        let mut cx = GraphMetrics {
            graph,
            undirected,
            catalog_nodes,
            pagerank,
            hub,
            authority,
            betweenness,
            betweenness_mode,
            core,
            communities,
            cocitation,
            coupling,
            catalog_citations,
            catalog_references,
            influence: Vec::new(),
            age_fair,
        };
        cx.influence = influence::scores(&cx, options.influence);
        Ok(cx)
    }

    pub fn info(&self, v: u32) -> Option<&'a CatalogInfo> {
        self.graph.catalog_info(v)
    }

    pub fn in_catalog(&self, v: u32) -> bool {
        self.graph.node(v).in_catalog()
    }

    /// The catalogue paper's mechanisms without `unspecified` (empty outside the catalogue).
    pub fn specified_mechanisms(&self, v: u32) -> &'a [String] {
        match self.info(v) {
            Some(info) if info.mechanisms.iter().all(|m| m != UNSPECIFIED) => &info.mechanisms,
            _ => &[],
        }
    }

    /// The catalogue key, for catalogue papers.
    pub fn key(&self, v: u32) -> Option<&'a str> {
        self.info(v).map(|i| i.key.as_str())
    }

    /// Edges whose both ends are catalogue papers.
    pub fn catalog_edge_list(&self) -> Vec<(u32, u32)> {
        let csr = &self.graph.csr;
        self.catalog_nodes
            .iter()
            .flat_map(|&s| {
                csr.out_neighbors(s)
                    .iter()
                    .filter(|&&t| self.in_catalog(t))
                    .map(move |&t| (s, t))
            })
            .collect()
    }

    pub fn catalog_edges(&self) -> usize {
        self.catalog_nodes
            .iter()
            .map(|&v| self.catalog_references[v as usize] as usize)
            .sum()
    }

    /// One row per node: catalogue papers first, then by descending PageRank (ties by id).
    pub fn paper_rows(&self) -> Vec<PaperMetrics> {
        let graph = self.graph;
        let mut order: Vec<u32> = (0..graph.node_count() as u32).collect();
        order.par_sort_by(|&a, &b| {
            self.in_catalog(b)
                .cmp(&self.in_catalog(a))
                .then(self.pagerank[b as usize].total_cmp(&self.pagerank[a as usize]))
                .then(a.cmp(&b))
        });
        let (references_by_source, citations_by_source) = links_by_source(graph);
        order
            .into_par_iter()
            .map(|v| {
                let node = graph.node(v);
                let info = self.info(v);
                let i = v as usize;
                PaperMetrics {
                    paper_id: node.paper_id.clone(),
                    key: info.map(|c| c.key.clone()),
                    keys: info
                        .filter(|c| c.keys.len() > 1)
                        .map(|c| c.keys.clone())
                        .unwrap_or_default(),
                    title: node.title.clone(),
                    year: node.year,
                    venue: node.venue.clone(),
                    in_catalog: info.is_some(),
                    abbreviation: info.and_then(|c| c.abbreviation.clone()),
                    mechanisms: info.map(|c| c.mechanisms.clone()).unwrap_or_default(),
                    domains: info.map(|c| c.domains.clone()).unwrap_or_default(),
                    catalog_citations: self.catalog_citations[i],
                    citation_count: node.citation_count,
                    in_degree: graph.csr.in_degree(v) as u32,
                    out_degree: graph.csr.out_degree(v) as u32,
                    pagerank: self.pagerank[i],
                    pagerank_rescaled: self.age_fair.pagerank_rescaled[i],
                    citerank: self.age_fair.citerank[i],
                    cd_index: self.age_fair.disruption[i].map(|d| d.cd),
                    cd_papers: self.age_fair.disruption[i].map(|d| d.window_papers as u32),
                    cd_window_open: self.age_fair.disruption[i].is_some_and(|d| d.open_window),
                    references_by_source: references_by_source[i],
                    citations_by_source: citations_by_source[i],
                    hub: self.hub[i],
                    authority: self.authority[i],
                    betweenness: self.betweenness[i],
                    core: self.core[i],
                    community: self.communities.labels.get(i).copied().unwrap_or(0),
                    community_label: String::new(),
                    // Filled by the time analysis.
                    sleeping_beauty_b: None,
                    awakening_year: None,
                    s2_ids: node.records.clone(),
                }
            })
            .collect()
    }
}

/// Per node, the graph's links from it (references) and to it (citers) that each source has, in
/// [`crate::records::Source::ALL`] order. One pass over the edges.
fn links_by_source(graph: &CitationGraph) -> (Vec<[u32; 3]>, Vec<[u32; 3]>) {
    let n = graph.node_count();
    let mut references = vec![[0u32; 3]; n];
    let mut citations = vec![[0u32; 3]; n];
    for edge in graph.graph.raw_edges() {
        let (s, t) = (edge.source().index(), edge.target().index());
        for (i, source) in crate::records::Source::ALL.into_iter().enumerate() {
            if edge.weight.sources.contains(source) {
                references[s][i] += 1;
                citations[t][i] += 1;
            }
        }
    }
    (references, citations)
}
