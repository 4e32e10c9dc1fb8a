//! The analysis: what a survey author reads off the citation graph. Per paper (influence, cluster),
//! per mechanism and per domain (counts, influence, homophily, flow between mechanisms), and the
//! papers the list is missing.
//!
//! Layout:
//! - `mod.rs` orchestrates: [`analyze`] / [`analyze_with`] compute the metrics once
//!   ([`GraphMetrics`], `graph_metrics.rs`) and assemble the tables of [`Analysis`] from them.
//! - `saved.rs`: the saved types, [`Analysis`] and every row it holds, with the closed choices
//!   as enums; `metrics_json.rs`: the one reader and writer of `OUTPUT/metrics.json`
//!   ([`metrics_json::read`], [`metrics_json::write()`]), which `render` and `watch` read.
//! - `options.rs`: [`AnalyzeOptions`] (the command line's settings) and [`MetricOptions`].
//! - One file per table or family of tables: `groups.rs` (mechanisms, domains, flow, homophily),
//!   `influence.rs`, `missing.rs` (missing papers, coverage), `tag_lint.rs` (badges the
//!   neighbourhood disagrees with), `clusters.rs` (communities, pair tables), `map_network.rs`,
//!   `core_graph.rs`, [`time`] (lineage, bursts, RPYS), `bibliography.rs`; `weights.rs` holds
//!   the link weights of PageRank and HITS.
//! - `summary.rs`: the text summary `analyze` prints ([`summary_text`]).

pub mod age_fair;
mod bibliography;
mod clusters;
mod core_graph;
pub mod evaluate;
mod graph_metrics;
mod groups;
mod influence;
mod map_network;
pub mod metrics_json;
mod missing;
mod options;
mod saved;
mod scope;
pub mod source_coverage;
pub mod stability;
mod summary;
mod tag_lint;
pub mod time;
mod weights;

use crate::graph::CitationGraph;
use crate::metrics::{
    BetweennessOptions, HitsOptions, LeidenOptions, PageRankOptions, PairOptions,
};
use crate::records::{ExpandRequest, Expansions};

pub use bibliography::BibSource;
pub use clusters::{
    distinctive_terms, log_likelihood_ratio, term_stem, Cluster, CommunityNetwork, PairPapers,
    PairRow, PairSummary,
};
pub use graph_metrics::GraphMetrics;
pub use influence::InfluenceScore;
pub use map_network::{MapLink, MapNetwork, MAP_FOUNDATIONS, MAP_NEIGHBOURS};
pub use missing::{MECHANISM_MIN_CONFIDENCE, MECHANISM_MIN_LIFT, UNCERTAIN};
pub use options::{default_trials, AnalyzeOptions, MetricOptions};
pub use saved::{
    AgeBias, Analysis, CommunityStability, Coverage, EdgeRow, Flow, GroupStats, InfluentialPaper,
    Maps, MissingKind, MissingPaper, MissingScope, PaperMetrics, Summary, TagLint,
};
pub use scope::g2_against_rate;
pub use scope::ScopeRule;
pub use summary::{or_na, same_work_groups, summary_text, CatalogCounts};
pub use weights::{intent_weight, LinkWeight};

/// Computes every metric on a built citation graph (see [`crate::graph::build`]) and assembles
/// the tables of [`Analysis`]. `corpus` gives the resolutions (for the summary and the
/// unresolved list). Errors: a metric kernel refused the graph (see [`GraphMetrics::compute`]).
pub fn analyze(
    graph: &CitationGraph,
    catalog: &crate::catalog::Catalog,
    corpus: &crate::records::Corpus,
    options: &AnalyzeOptions,
) -> anyhow::Result<Analysis> {
    analyze_with(graph, catalog, corpus, options, None, 0, |_| {
        Ok(Expansions::default())
    })
}

/// [`analyze`], with up to `expand` more lists for the missing papers whose scope evidence is
/// thin (`--expand N`, see `analysis/missing.rs`): once the missing papers are ranked, `fetch`
/// gets the lists to fetch (possibly none, when `expand` is 0) and returns those it could have
/// (from the cache or the API); the missing papers are then scoped again with them. Errors: as
/// A score of a node, by index (`None`: undefined for it).
type Score<'a> = dyn Fn(usize) -> Option<f64> + 'a;

/// The age bias of each influence score among the catalogue papers with a year
/// ([`Summary::age_bias`]).
fn age_bias(cx: &GraphMetrics<'_>) -> Vec<AgeBias> {
    let dated: Vec<u32> = cx
        .catalog_nodes
        .iter()
        .copied()
        .filter(|&v| cx.graph.node(v).year.is_some())
        .collect();
    let years: Vec<f64> = dated
        .iter()
        .map(|&v| f64::from(cx.graph.node(v).year.unwrap_or(0)))
        .collect();
    let rho = |score: &dyn Fn(usize) -> Option<f64>| {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for (&v, &year) in dated.iter().zip(&years) {
            if let Some(value) = score(v as usize) {
                x.push(value);
                y.push(year);
            }
        }
        age_fair::spearman(&x, &y)
    };
    let classic = influence::scores(cx, InfluenceScore::Classic);
    let age_fair = influence::scores(cx, InfluenceScore::AgeFair);
    let scores: [(&str, &Score); 7] = [
        ("pagerank", &|i| Some(cx.pagerank[i])),
        ("pagerank_rescaled", &|i| cx.age_fair.pagerank_rescaled[i]),
        ("citerank", &|i| Some(cx.age_fair.citerank[i])),
        ("citation_count", &|i| {
            cx.graph.node(i as u32).citation_count.map(|c| c as f64)
        }),
        ("catalog_citations", &|i| {
            Some(f64::from(cx.catalog_citations[i]))
        }),
        ("influence", &|i| Some(classic[i])),
        ("influence_age_fair", &|i| Some(age_fair[i])),
    ];
    scores
        .iter()
        .map(|(score, value)| AgeBias {
            score: score.to_string(),
            rho: rho(*value),
        })
        .collect()
}

/// [`analyze`], and whatever `fetch` returns. With `previous` (the previous run's
/// communities, `run` reads them from `OUTPUT/metrics.json`), Leiden starts from them and the
/// communities that continue one keep its number ([`stability`]); the summary then says how
/// the two runs agree ([`Summary::community_stability`]).
pub fn analyze_with(
    graph: &CitationGraph,
    catalog: &crate::catalog::Catalog,
    corpus: &crate::records::Corpus,
    options: &AnalyzeOptions,
    previous: Option<&stability::Communities>,
    expand: usize,
    fetch: impl FnOnce(&[ExpandRequest]) -> anyhow::Result<Expansions>,
) -> anyhow::Result<Analysis> {
    let mut metric_options = metric_options(graph, options);
    metric_options.initial_communities =
        previous.map(|previous| stability::initial_labels(graph, previous));
    let mut cx = GraphMetrics::compute(graph, &metric_options)?;
    let continued = previous.map(|previous| {
        let (renumbered, stability, continuations) =
            stability::persistent_partition(graph, &cx.communities, previous);
        cx.communities = renumbered;
        (previous, stability, continuations)
    });
    let expansions = if expand > 0 {
        let first = missing::missing_papers(&cx, options, &Expansions::default());
        fetch(&missing::expansion_requests(&first, options, expand))?
    } else {
        Expansions::default()
    };
    let started = std::time::Instant::now();
    let mut analysis = assemble(&cx, catalog, corpus, options, &expansions);
    if let Some((previous, mut stability, continuations)) = continued {
        stability.kept_label =
            stability::keep_labels(&mut analysis.clusters, previous, &continuations);
        for p in &mut analysis.papers {
            if let Some(cluster) = analysis.clusters.get(p.community as usize) {
                p.community_label.clone_from(&cluster.label);
            }
        }
        analysis.summary.community_stability = Some(stability);
    }
    analysis.map_network =
        map_network::map_network(&cx, &analysis.missing, options.pair_min_count)?;
    time::attach(&mut analysis, graph, options.key_routes)?;
    tracing::debug!("tables assembled in {:.1?}", started.elapsed());
    Ok(analysis)
}

/// The metric kernels' settings for `graph` from the command line's `options` (Leiden's trials
/// and the betweenness pivots scale with the graph when not given).
fn metric_options(graph: &CitationGraph, options: &AnalyzeOptions) -> MetricOptions {
    MetricOptions {
        pagerank: PageRankOptions::default(),
        hits: HitsOptions::default(),
        betweenness: BetweennessOptions {
            exact_limit: options.betweenness_exact_limit,
            pivots: options
                .betweenness_k
                .unwrap_or_else(|| crate::metrics::automatic_pivots(&graph.csr)),
            seed: options.seed,
        },
        communities: LeidenOptions {
            resolution: options.resolution,
            seed: options.seed,
            trials: options
                .community_trials
                .unwrap_or_else(|| default_trials(graph.csr.edge_count())),
            ..LeidenOptions::default()
        },
        community_network: options.communities,
        pairs: PairOptions {
            min_count: options.pair_min_count,
            included: match options.pair_papers {
                PairPapers::Catalog => Some(graph.nodes().map(|n| n.in_catalog()).collect()),
                PairPapers::All => None,
            },
            max_pairs: options.max_pairs,
        },
        weight: options.weight,
        age_fair: age_fair::AgeFairOptions::default(),
        influence: options.influence,
        initial_communities: None,
    }
}

/// The tables of [`Analysis`] from the computed metrics; the map network and the time analyses
/// are attached after (see [`analyze_with`]).
fn assemble(
    cx: &GraphMetrics<'_>,
    catalog: &crate::catalog::Catalog,
    corpus: &crate::records::Corpus,
    options: &AnalyzeOptions,
    expansions: &Expansions,
) -> Analysis {
    let graph = cx.graph;
    let mechanisms = groups::group_stats(cx, groups::Grouping::Mechanism, options.top_n);
    let domains = groups::group_stats(cx, groups::Grouping::Domain, options.top_n);
    let labels: Vec<String> = mechanisms.iter().map(|g| g.name.clone()).collect();
    let flow = groups::flow(cx, labels);
    let mut missing = missing::missing_papers(cx, options, expansions);
    source_coverage::drop_retracted(&mut missing, graph, corpus);
    let coverage = missing::coverage(cx, &mechanisms, options.coverage_k);
    let influential = influence::ranking(cx);
    let lint_tags = tag_lint::lint_tags(cx, options.lint_min_neighbours);
    let core_edges = core_graph::core_edges(cx, &missing, options.top_n);
    let structure = groups::structure(cx);
    let clusters = clusters::clusters(cx);
    let mut papers = cx.paper_rows();
    for p in &mut papers {
        if let Some(cluster) = clusters.get(p.community as usize) {
            p.community_label = cluster.label.clone();
        }
    }
    let maps = Maps {
        community_network: options.communities,
        resolution: options.resolution,
        cocitation: PairSummary::of(&cx.cocitation),
        coupling: PairSummary::of(&cx.coupling),
    };
    let counts = summary::CatalogCounts::of(catalog, corpus, graph);
    let source_coverage = source_coverage::source_coverage(graph, catalog, corpus);
    let summary = Summary {
        scope: graph.scope,
        catalog_papers: counts.papers,
        resolved: counts.resolved,
        unresolved: counts.unresolved,
        duplicates: counts.duplicates,
        nodes: graph.node_count(),
        edges: graph.edge_count(),
        catalog_edges: cx.catalog_edges(),
        communities: cx.communities.count,
        modularity: cx.communities.modularity,
        mechanism_modularity: structure.mechanism_modularity,
        nmi: structure.nmi,
        ari: structure.ari,
        homophily: structure.homophily,
        homophily_expected: structure.homophily_expected,
        betweenness: cx.betweenness_mode.clone(),
        link_weight: options.weight,
        influence: options.influence,
        merged_records: graph.merges.len(),
        merged_works: {
            let mut works: Vec<&str> = graph.merges.iter().map(|m| m.work_id.as_str()).collect();
            works.sort_unstable();
            works.dedup();
            works.len()
        },
        age_bias: age_bias(cx),
        community_stability: None,
    };
    Analysis {
        summary,
        papers,
        mechanisms,
        domains,
        flow,
        missing,
        influential,
        lint_tags,
        coverage,
        core_edges,
        unresolved: corpus
            .resolutions
            .iter()
            .filter(|r| r.paper_id.is_none())
            .cloned()
            .collect(),
        incomplete: corpus
            .resolutions
            .iter()
            .filter(|r| r.paper_id.is_some() && !r.gap.is_none())
            .cloned()
            .collect(),
        source_gaps: crate::records::sources::source_gaps(&corpus.sources),
        catalog_lint: crate::catalog::with_findings(
            &catalog.lint,
            crate::catalog::same_work_findings(catalog, &summary::same_work_groups(graph, corpus))
                .into_iter()
                .chain(source_coverage::retracted_findings(
                    catalog,
                    &source_coverage,
                ))
                .collect(),
        ),
        clusters,
        maps,
        cocitation: clusters::pair_rows(cx, &cx.cocitation),
        coupling: clusters::pair_rows(cx, &cx.coupling),
        map_network: MapNetwork::default(),
        time: time::TimeAnalysis::default(),
        bibliography: bibliography::sources(catalog, corpus),
        merges: graph.merges.clone(),
        sources: source_coverage::summary(graph, &source_coverage),
        source_coverage,
        evaluation: None,
    }
}

/// The analysis on a hand-made corpus small enough to check by hand.
#[cfg(test)]
mod hand_checked {
    use super::*;
    use crate::catalog::{Catalog, CatalogPaper};
    use crate::graph::Scope;
    use crate::records::Resolution;
    use crate::records::{Corpus, Link, PaperRecord};
    use std::collections::BTreeMap;

    fn link(id: &str) -> Link {
        Link {
            paper_id: Some(id.to_string()),
            ..Link::default()
        }
    }

    fn record(id: &str, refs: &[&str]) -> PaperRecord {
        PaperRecord {
            paper_id: id.to_string(),
            title: Some(format!("Paper {id}")),
            year: Some(2024),
            citation_count: Some(10),
            references: Some(refs.iter().map(|r| link(r)).collect()),
            citations: Some(Vec::new()),
            ..PaperRecord::default()
        }
    }

    /// Catalogue: a, b (pruning), c, d (merging), u (no mechanism); a -> b, a -> c, b -> d,
    /// c -> d. Outside: f cited by a, b, c; g citing a, b, c; h cited by a only.
    fn world() -> (Catalog, Corpus) {
        let paper = |key: &str, mechanism: &str| CatalogPaper {
            key: key.to_string(),
            title: format!("Catalogue {key}"),
            mechanisms: vec![mechanism.to_string()],
            domains: vec!["Vision".to_string()],
            ..CatalogPaper::default()
        };
        let catalog = Catalog {
            papers: vec![
                paper("ka", "pruning"),
                paper("kb", "pruning"),
                paper("kc", "merging"),
                paper("kd", "merging"),
                paper("ku", "unspecified"),
            ],
            ..Catalog::default()
        };
        let resolutions = ["a", "b", "c", "d", "u"]
            .iter()
            .map(|id| Resolution {
                key: format!("k{id}"),
                paper_id: Some(id.to_string()),
                method: None,
                note: None,
                gap: crate::records::Gap::None,
            })
            .collect();
        let records = vec![
            record("a", &["b", "c", "f", "h"]),
            record("b", &["d", "f"]),
            record("c", &["d", "f"]),
            record("d", &[]),
            record("u", &[]),
            record("g", &["a", "b", "c"]),
        ];
        let corpus = Corpus {
            resolutions,
            records,
            requests: 0,
            ..Corpus::default()
        };
        (catalog, corpus)
    }

    /// Without citations between catalogue papers there is no homophily to speak of: the summary,
    /// the report and mechanisms.csv say n/a (empty), never "0.0% (0.0% by chance)".
    #[test]
    fn homophily_without_catalogue_citations_is_not_available() {
        let mut a = Analysis::default();
        a.summary.homophily = 0.0;
        a.summary.homophily_expected = 0.0;
        assert!(!a.summary.homophily_defined());
        let text = summary_text(&a);
        assert!(text.contains("homophily: n/a"), "{text}");
        assert!(!text.contains("0.0% by chance"), "{text}");
        let group = GroupStats {
            name: "Token Pruning".into(),
            papers: 3,
            ..GroupStats::default()
        };
        assert!(!group.homophily_defined());
        let (catalog, corpus) = world();
        let graph = crate::graph::build(&catalog, &corpus, Scope::Catalog);
        let real = analyze(&graph, &catalog, &corpus, &AnalyzeOptions::default()).unwrap();
        assert_eq!(
            real.summary.homophily_defined(),
            real.summary.homophily_expected > 0.0
        );
        assert!(summary_text(&real).contains("homophily: "));
    }

    #[test]
    fn groups_flow_missing_and_coverage() {
        let (catalog, corpus) = world();
        let graph = crate::graph::build(&catalog, &corpus, Scope::Catalog);
        let a = analyze(&graph, &catalog, &corpus, &AnalyzeOptions::default()).unwrap();
        assert_eq!(graph.node_count(), 8);
        assert_eq!(a.summary.catalog_edges, 4);
        assert_eq!(a.summary.edges, 4 + 3 + 3 + 1);

        // Per mechanism: pruning cites b, c, d (b is pruning): 1 of 3 within; 1 of the 4
        // catalogue citations lands on pruning (b).
        let pruning = a.mechanisms.iter().find(|g| g.name == "pruning").unwrap();
        assert_eq!((pruning.papers, pruning.citations_out), (2, 3));
        assert_eq!(pruning.citations_within, 1);
        assert!((pruning.homophily_expected - 0.25).abs() < 1e-12);
        let merging = a.mechanisms.iter().find(|g| g.name == "merging").unwrap();
        assert_eq!((merging.citations_out, merging.citations_within), (1, 1));
        // Overall: a->b and c->d stay within, a->c and b->d cross: 2 of 4; chance: sources
        // 3/4 pruning, 1/4 merging; targets 1/4 pruning, 3/4 merging -> 3/16 + 3/16.
        assert!((a.summary.homophily - 0.5).abs() < 1e-12);
        assert!((a.summary.homophily_expected - 0.375).abs() < 1e-12);

        let label = |name: &str| a.flow.labels.iter().position(|l| l == name).unwrap();
        let (p, m) = (label("pruning"), label("merging"));
        assert_eq!(a.flow.counts[p][p], 1);
        assert_eq!(a.flow.counts[p][m], 2);
        assert_eq!(a.flow.counts[m][m], 1);
        assert_eq!(a.flow.counts[m][p], 0);
        assert!((a.flow.shares[p][m] - 2.0 / 3.0).abs() < 1e-12);

        // f is a foundation (3 catalogue citers), g a candidate (cites 3); h (1 citer) neither.
        let ids: Vec<(&str, MissingKind)> = a
            .missing
            .iter()
            .map(|m| (m.paper_id.as_str(), m.kind))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("f", MissingKind::Foundation),
                ("g", MissingKind::Candidate)
            ]
        );
        let f = &a.missing[0];
        assert_eq!((f.catalog_papers, f.mechanisms_spanned), (3, 2));
        assert_eq!(f.evidence["pruning"], vec!["ka", "kb"]);
        assert_eq!(f.evidence["merging"], vec!["kc"]);
        // Adamic-Adar weights 1/ln(e + out-degree): a (3) 0.5737, b (2) 0.6445, c (2) 0.6445;
        // pruning carries 1.2182 / 1.8627 = 0.654 of the weight against a base rate of 2/4:
        // lift 1.31, below 1.5, so no mechanism stands out.
        assert_eq!(f.predicted_mechanism, crate::analysis::UNCERTAIN);
        assert_eq!(f.confidence, 0.0);
        // In scope: 3 of its 3 citations come from the catalogue.
        assert_eq!(f.scope, MissingScope::InScope);
        // Co-citation: f's citers a, b, c cite 2, 1, 1 catalogue papers.
        assert!((f.structural - 4.0 / 3.0).abs() < 1e-12);
        // Bibliographic coupling: g's references a, b, c are cited by 0, 1, 1 catalogue papers.
        assert!((a.missing[1].structural - 2.0 / 3.0).abs() < 1e-12);
        assert!(f.url.contains("semanticscholar.org/paper/f"));

        // Coverage with k = 2: the papers linked to both pruning papers a and b are f (cited by
        // both) and g (citing both), both outside the catalogue.
        let options = AnalyzeOptions {
            coverage_k: 2,
            ..AnalyzeOptions::default()
        };
        let a2 = analyze(&graph, &catalog, &corpus, &options).unwrap();
        let cov = a2
            .coverage
            .iter()
            .find(|c| c.mechanism == "pruning")
            .unwrap();
        assert_eq!((cov.linked, cov.missing), (2, 2));
        assert_eq!(cov.completeness, Some(0.0));
        assert!(a2.coverage.iter().all(|c| c.mechanism != "unspecified"));

        // Core edges: every edge among the catalogue and the listed missing papers.
        assert_eq!(a.core_edges.len(), a.summary.edges - 1);
        assert!(a.core_edges.iter().all(|e| e.target != "h"));
        assert_eq!(a.influential.len(), 5);
        assert_eq!(a.papers.iter().filter(|p| p.in_catalog).count(), 5);
    }

    /// A start from a previous run: its papers where they were, new papers with most of their
    /// neighbours, a paper alone with none; the summary compares the runs.
    #[test]
    fn a_previous_partition_is_the_start() {
        let (catalog, corpus) = world();
        let graph = crate::graph::build(&catalog, &corpus, Scope::Catalog);
        let mut previous = stability::Communities::default();
        for (id, c) in [("a", 3), ("b", 3), ("c", 3), ("d", 3), ("u", 5), ("f", 7)] {
            previous.of_paper.insert(id.to_string(), c);
            *previous.sizes.entry(c).or_default() += 1;
        }
        let start = stability::initial_labels(&graph, &previous);
        let by_id: BTreeMap<&str, u32> = graph
            .nodes()
            .zip(&start)
            .map(|(n, &c)| (n.paper_id.as_str(), c))
            .collect();
        // g cites a, b, c (all 3); h is cited by a (3): both join 3.
        assert_eq!(by_id["g"], 3);
        assert_eq!(by_id["h"], 3);
        assert_eq!((by_id["a"], by_id["u"], by_id["f"]), (3, 5, 7));
        let a = analyze_with(
            &graph,
            &catalog,
            &corpus,
            &AnalyzeOptions::default(),
            Some(&previous),
            0,
            |_| Ok(Expansions::default()),
        )
        .unwrap();
        let st = a.summary.community_stability.clone().unwrap();
        assert_eq!((st.shared_papers, st.shared_catalog_papers), (6, 5));
        assert_eq!(st.previous_communities, 3);
        assert!(summary_text(&a).contains("stability: Leiden started from the previous run's 3"));
        // Every community is numbered below the count, as without a start.
        assert!(a
            .papers
            .iter()
            .all(|p| (p.community as usize) < a.summary.communities));
        assert!(
            analyze(&graph, &catalog, &corpus, &AnalyzeOptions::default())
                .unwrap()
                .summary
                .community_stability
                .is_none()
        );
    }

    #[test]
    fn empty_inputs_give_an_empty_analysis() {
        let (catalog, corpus) = (Catalog::default(), Corpus::default());
        let graph = crate::graph::build(&catalog, &corpus, Scope::Catalog);
        let a = analyze(&graph, &catalog, &corpus, &AnalyzeOptions::default()).unwrap();
        assert_eq!(graph.node_count(), 0);
        assert!(a.papers.is_empty() && a.missing.is_empty() && a.mechanisms.is_empty());
        assert_eq!(a.summary.modularity, 0.0);
        assert!(!summary_text(&a).is_empty());
    }
}
