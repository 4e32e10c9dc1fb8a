//! The analysis: what a survey author reads off the citation graph. Per paper (influence, cluster),
//! per mechanism and per domain (counts, influence, homophily, flow between mechanisms), and the
//! papers the list is missing. [`Analysis`] is what `analyze` writes to `OUTPUT/metrics.json` and
//! what `render` reads back.

mod bibliography;
mod clusters;
mod context;
mod groups;
mod influence;
mod lint;
mod map_network;
mod missing;
pub mod time;
mod weights;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::LintFinding;
use crate::graph::{CitationGraph, Scope};
use crate::metrics::{
    BetweennessOptions, HitsOptions, LeidenOptions, PageRankOptions, PairOptions,
};
use crate::records::{ExpandRequest, Expansions, Resolution};

pub use bibliography::BibSource;
pub use clusters::{
    distinctive_terms, log_likelihood_ratio, Cluster, CommunityNetwork, PairPapers, PairRow,
    PairSummary,
};
pub use context::Context;
pub use map_network::{MapLink, MapNetwork, MAP_FOUNDATIONS, MAP_NEIGHBOURS};
pub use missing::{g2_against_rate, MECHANISM_MIN_CONFIDENCE, MECHANISM_MIN_LIFT, UNCERTAIN};
pub use weights::{intent_weight, LinkWeight};

/// Everything the render stage needs, serializable as `metrics.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Analysis {
    pub summary: Summary,
    /// One row per node of the graph; catalogue papers first, then by descending PageRank.
    pub papers: Vec<PaperMetrics>,
    /// Per canonical mechanism (`unspecified` included), by descending paper count.
    pub mechanisms: Vec<GroupStats>,
    /// Per domain, by descending paper count.
    pub domains: Vec<GroupStats>,
    /// Citations between catalogue papers, from mechanism (row) to mechanism (column).
    pub flow: Flow,
    /// Foundations and candidates, each kind ranked by score.
    pub missing: Vec<MissingPaper>,
    /// Catalogue papers ranked by the influence score.
    pub influential: Vec<InfluentialPaper>,
    /// Catalogue papers whose citation neighbourhood disagrees with their mechanism badges.
    pub lint_tags: Vec<TagLint>,
    /// How complete each mechanism's part of the list looks.
    pub coverage: Vec<Coverage>,
    /// Edges among the catalogue papers and the top missing papers (for DOT / GraphML / figures);
    /// `source` cites `target`, both Semantic Scholar ids.
    pub core_edges: Vec<EdgeRow>,
    /// Catalogue papers that could not be resolved, with the reason.
    pub unresolved: Vec<Resolution>,
    /// The catalogue's own lint findings, passed through for the report.
    pub catalog_lint: Vec<LintFinding>,
    /// One row per community (indexed by community number): its label, size, top papers.
    #[serde(default)]
    pub clusters: Vec<Cluster>,
    /// How the co-citation and coupling tables were cut, and which network was clustered.
    #[serde(default)]
    pub maps: Maps,
    /// Co-citation pairs (`cocitation.csv`); only in memory, not in metrics.json (millions of
    /// rows on large graphs).
    #[serde(skip)]
    pub cocitation: Vec<PairRow>,
    /// Bibliographic coupling pairs (`coupling.csv`); only in memory, as `cocitation`.
    #[serde(skip)]
    pub coupling: Vec<PairRow>,
    /// The catalogue papers and top foundations with their similarity links, for the cluster
    /// map (see [`MapNetwork`]).
    #[serde(default)]
    pub map_network: MapNetwork,
    /// Lineage (main paths), bursts, RPYS: see [`time`].
    #[serde(default)]
    pub time: time::TimeAnalysis,
    /// Bibliographic facts of every catalogue paper, in catalogue order, for `references.bib`.
    #[serde(default)]
    pub bibliography: Vec<BibSource>,
    /// Each record merged into a work, with its reason (`merged_records.csv`).
    #[serde(default)]
    pub merges: Vec<crate::works::Merge>,
}

impl Analysis {
    /// The in-scope missing papers of `kind` (the ones the list could add; background landmarks
    /// left out), by decreasing score, ties in the table's order (`missing.csv`'s `rank`): what
    /// the suggestions, the report, Fig. 9, the DOT and the summary rank.
    pub fn ranked_in_scope(&self, kind: MissingKind) -> Vec<&MissingPaper> {
        let mut papers: Vec<&MissingPaper> = self
            .missing
            .iter()
            .filter(|m| m.kind == kind && m.scope == MissingScope::InScope)
            .collect();
        papers.sort_by(|a, b| b.score.total_cmp(&a.score));
        papers
    }
}

/// The settings and sizes of the maps (pairs and communities).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Maps {
    /// The network Leiden ran on.
    pub community_network: CommunityNetwork,
    /// Leiden's resolution gamma.
    pub resolution: f64,
    pub cocitation: PairSummary,
    pub coupling: PairSummary,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// `catalog` or `all`.
    pub scope: String,
    pub catalog_papers: usize,
    pub resolved: usize,
    pub unresolved: usize,
    pub nodes: usize,
    pub edges: usize,
    /// Edges whose both ends are catalogue papers.
    pub catalog_edges: usize,
    pub communities: usize,
    /// Modularity of the detected communities (undirected graph).
    pub modularity: f64,
    /// Modularity of the mechanism partition of the catalogue papers (catalogue subgraph).
    pub mechanism_modularity: f64,
    /// Agreement between detected communities and mechanisms over catalogue papers; `None`
    /// (n/a) when fewer than two mechanisms are there to agree with.
    pub nmi: Option<f64>,
    pub ari: Option<f64>,
    /// Share of catalogue-to-catalogue citations that stay within a mechanism, and its chance level.
    pub homophily: f64,
    pub homophily_expected: f64,
    /// `exact` or `sampled k=N`.
    pub betweenness: String,
    /// How citations weighed in PageRank and HITS (`--weight`).
    #[serde(default)]
    pub link_weight: LinkWeight,
    /// Records merged into another record's work ([`crate::works`]), and the works they form.
    #[serde(default)]
    pub merged_records: usize,
    #[serde(default)]
    pub merged_works: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PaperMetrics {
    pub paper_id: String,
    /// Catalogue key, for catalogue papers.
    pub key: Option<String>,
    pub title: String,
    pub year: Option<i32>,
    pub venue: Option<String>,
    pub in_catalog: bool,
    /// Method abbreviation (blue badge), for labels.
    pub abbreviation: Option<String>,
    pub mechanisms: Vec<String>,
    pub domains: Vec<String>,
    /// How many catalogue papers cite it.
    pub catalog_citations: u32,
    /// Semantic Scholar's global count.
    pub citation_count: Option<u64>,
    pub in_degree: u32,
    pub out_degree: u32,
    pub pagerank: f64,
    pub hub: f64,
    pub authority: f64,
    pub betweenness: f64,
    pub core: u32,
    pub community: u32,
    /// The name of its community (see `Cluster::label`).
    #[serde(default)]
    pub community_label: String,
    /// Beauty coefficient B (Ke et al. 2015) of a catalogue paper with a year, see [`time`].
    #[serde(default)]
    pub sleeping_beauty_b: Option<f64>,
    /// Its awakening year (none when it peaked in its first year).
    #[serde(default)]
    pub awakening_year: Option<i32>,
    /// Every Semantic Scholar record merged into this work (`paper_id` first, see
    /// [`crate::works`]); empty when the work has the one record `paper_id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s2_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GroupStats {
    pub name: String,
    pub papers: usize,
    pub papers_per_year: BTreeMap<i32, usize>,
    pub total_citations: u64,
    pub median_citations: f64,
    pub total_catalog_citations: u64,
    pub mean_pagerank: f64,
    pub median_pagerank: f64,
    /// Catalogue keys, most influential first.
    pub top_papers: Vec<String>,
    /// Citations from this group's catalogue papers to catalogue papers, and how many stay inside.
    pub citations_out: u64,
    pub citations_within: u64,
    /// citations_within / citations_out (0 when `citations_out` is 0: see
    /// [`GroupStats::homophily_defined`]), and the share expected by chance.
    pub homophily: f64,
    pub homophily_expected: f64,
}

impl GroupStats {
    /// False when the group's catalogue papers cite no catalogue paper: its homophily is then
    /// 0 in the numbers but undefined, and shown as n/a (empty in `mechanisms.csv`).
    pub fn homophily_defined(&self) -> bool {
        self.citations_out > 0
    }
}

impl Summary {
    /// False when no catalogue paper with a mechanism cites another: the overall homophily
    /// (0 in the numbers) is then undefined and shown as n/a.
    pub fn homophily_defined(&self) -> bool {
        self.homophily_expected > 0.0
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Flow {
    pub labels: Vec<String>,
    /// counts[a][b]: citations from papers of mechanism a to papers of mechanism b.
    pub counts: Vec<Vec<u64>>,
    /// counts normalized per row (0 where a row is empty).
    pub shares: Vec<Vec<f64>>,
}

#[derive(
    Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum MissingKind {
    /// Outside the catalogue, cited by many catalogue papers.
    #[default]
    Foundation,
    /// Outside the catalogue, citing many catalogue papers.
    Candidate,
}

/// Whether a missing paper belongs to the list's field or to its background (see
/// `analysis/missing.rs` for the statistic).
#[derive(
    Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum MissingScope {
    /// Its links concentrate on the catalogue: much more of them come from (or go to) the
    /// catalogue than the base rate predicts.
    #[default]
    InScope,
    /// Widely linked well beyond the field: a foundation to cite in a survey's background.
    Background,
}

impl MissingScope {
    pub fn as_str(self) -> &'static str {
        match self {
            MissingScope::InScope => "in-scope",
            MissingScope::Background => "background",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MissingPaper {
    pub paper_id: String,
    pub title: String,
    pub year: Option<i32>,
    pub venue: Option<String>,
    pub authors: Vec<String>,
    /// A link to the paper (arXiv when known, else Semantic Scholar).
    pub url: String,
    pub external_ids: BTreeMap<String, String>,
    pub kind: MissingKind,
    pub score: f64,
    /// Distinct catalogue papers linked to it (the plain count).
    pub catalog_papers: usize,
    /// Distinct mechanisms those catalogue papers span.
    pub mechanisms_spanned: usize,
    /// Co-citation (foundations) or bibliographic coupling (candidates) strength to the catalogue.
    pub structural: f64,
    pub citation_count: Option<u64>,
    /// Mechanism -> catalogue keys linked to it.
    pub evidence: BTreeMap<String, Vec<String>>,
    pub predicted_mechanism: String,
    /// Share of the evidence weight behind the predicted mechanism, 0..1.
    pub confidence: f64,
    /// Every Semantic Scholar record merged into this work (`paper_id` first); empty when the
    /// work has the one record `paper_id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s2_ids: Vec<String>,
    /// In the list's field or its background.
    #[serde(default)]
    pub scope: MissingScope,
    /// Field lift: the share of its global citations (foundations) or references (candidates)
    /// that are catalogue links, over the same share pooled over the catalogue papers.
    #[serde(default)]
    pub field_lift: f64,
    /// Dunning's log-likelihood ratio G2 of that share against the catalogue papers' rate.
    #[serde(default)]
    pub field_llr: f64,
    /// With an expansion (`--expand`): citers (foundations) or references (candidates) in the
    /// catalogue's neighbourhood, k_n; `None` when the row was not expanded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbourhood_links: Option<usize>,
    /// (k_n / n) over the catalogue papers' own neighbourhood rate; decides the scope when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbourhood_lift: Option<f64>,
    /// G2 of k_n against that rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbourhood_llr: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct InfluentialPaper {
    pub rank: usize,
    pub key: String,
    pub paper_id: String,
    pub title: String,
    pub abbreviation: Option<String>,
    pub year: Option<i32>,
    pub mechanisms: Vec<String>,
    pub score: f64,
    pub pagerank: f64,
    pub catalog_citations: u32,
    pub citation_count: Option<u64>,
}

impl InfluentialPaper {
    /// A catalogue paper's row from its metrics, with the given score (rank 0: not ranked yet).
    /// For building analyses by hand: previews, tests.
    pub fn from_metrics(paper: &PaperMetrics, score: f64) -> InfluentialPaper {
        InfluentialPaper {
            rank: 0,
            key: paper.key.clone().unwrap_or_default(),
            paper_id: paper.paper_id.clone(),
            title: paper.title.clone(),
            abbreviation: paper.abbreviation.clone(),
            year: paper.year,
            mechanisms: paper.mechanisms.clone(),
            score,
            pagerank: paper.pagerank,
            catalog_citations: paper.catalog_citations,
            citation_count: paper.citation_count,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TagLint {
    pub key: String,
    pub title: String,
    pub mechanisms: Vec<String>,
    /// The mechanism its neighbourhood points to.
    pub suggested: String,
    /// Share of its catalogue neighbours carrying one of its own mechanisms.
    pub agreement: f64,
    /// Share of its catalogue neighbours carrying the suggested mechanism.
    pub suggested_share: f64,
    pub neighbours: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Coverage {
    pub mechanism: String,
    /// Threshold: outside papers linked to at least k catalogue papers of this mechanism.
    pub k: usize,
    /// Papers (in or out of the catalogue) meeting the threshold.
    pub linked: usize,
    /// Of those, the ones outside the catalogue.
    pub missing: usize,
    /// 1 - missing / linked; `None` (n/a) where nothing is linked.
    pub completeness: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EdgeRow {
    pub source: String,
    pub target: String,
    pub is_influential: bool,
}

/// The analysis settings. The command line (`src/cli.rs`) fills it; [`AnalyzeOptions::default`]
/// holds the defaults, written once.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzeOptions {
    /// `Catalog`: the edges that touch a catalogue paper; `All`: every edge the records hold.
    pub scope: Scope,
    /// Graphs with at most this many nodes get exact betweenness; larger ones are sampled.
    pub betweenness_exact_limit: usize,
    /// Source nodes (pivots) of sampled betweenness [default: as many as fit about 2e8 edge
    /// visits, between 32 and 4096].
    pub betweenness_k: Option<usize>,
    /// Seed of every random choice (betweenness pivots, Leiden's node orders).
    pub seed: u64,
    /// Leiden runs (seeds derived from `seed`, run in parallel), the best modularity kept;
    /// `None`: 8 up to 50,000 citation links, else 2.
    pub community_trials: Option<usize>,
    /// Leiden's modularity resolution gamma (> 0): above 1 gives more, smaller communities.
    pub resolution: f64,
    /// The network the communities are found in.
    pub communities: CommunityNetwork,
    /// Co-citation and coupling pairs counted fewer times are left out (at least 1).
    pub pair_min_count: u32,
    /// At most this many pairs per table: beyond it the count threshold is raised (and the
    /// summary says so); 0 for no bound.
    pub max_pairs: usize,
    /// The papers whose pairs are listed (the counts always run over the whole graph).
    pub pair_papers: PairPapers,
    /// A paper outside the catalogue is a foundation when at least N distinct catalogue papers
    /// cite it, a candidate when it cites at least N.
    pub min_catalog_links: usize,
    /// Rows of missing.csv per kind (foundation, candidate); 0 for all.
    pub missing_limit: usize,
    /// Top papers listed per mechanism and domain, influential papers per mechanism, and missing
    /// papers of each kind kept in the core graph for the figures.
    pub top_n: usize,
    /// A missing paper is background when its field lift (its catalogue share over the
    /// catalogue papers' own) is below this and its G2 at least [`AnalyzeOptions::scope_min_llr`].
    pub scope_min_lift: f64,
    /// The G2 that makes a low field lift significant (10.83: p < 0.001, one degree of freedom).
    pub scope_min_llr: f64,
    /// Lists fetched at most (one request each, cached) to scope the missing papers whose
    /// evidence is thin by their neighbourhood's links (`run`; `analyze` uses cached lists
    /// only); 0: none.
    pub expand: usize,
    /// Coverage: papers linked to at least K catalogue papers of a mechanism count as its
    /// neighbourhood.
    pub coverage_k: usize,
    /// Tag lint: only papers with at least N catalogue neighbours are judged.
    pub lint_min_neighbours: usize,
    /// Key-route main paths of the lineage: one through each of the top K edges by search path
    /// count.
    pub key_routes: usize,
    /// How citations weigh in PageRank and HITS (see [`LinkWeight`]).
    pub weight: LinkWeight,
}

impl Default for AnalyzeOptions {
    /// The command line's defaults.
    fn default() -> Self {
        AnalyzeOptions {
            scope: Scope::Catalog,
            betweenness_exact_limit: 20_000,
            betweenness_k: None,
            seed: 0,
            community_trials: None,
            resolution: 1.0,
            communities: CommunityNetwork::Citation,
            pair_min_count: 2,
            max_pairs: 2_000_000,
            pair_papers: PairPapers::All,
            min_catalog_links: 3,
            missing_limit: 100,
            top_n: 10,
            coverage_k: 3,
            lint_min_neighbours: 5,
            key_routes: 10,
            scope_min_lift: 0.25,
            scope_min_llr: 10.83,
            expand: 30,
            weight: LinkWeight::Citations,
        }
    }
}

/// Graphs with more citation links than this get 2 Leiden trials instead of 8.
const SMALL_GRAPH_EDGES: usize = 50_000;
/// Graphs with more citation links than this get 1 Leiden trial.
const LARGE_GRAPH_EDGES: usize = 500_000;

/// Leiden trials when `--community-trials` is not given: 8 on graphs of at most 50,000 links (a
/// trial takes milliseconds there, and the best of 8 is steadier), 2 up to 500,000, 1 beyond: on
/// 100,000 papers with a million links, and on a million papers with ten million, the best of
/// two trials had the modularity of the first to four digits, and a single trial uses both
/// cores for its refinement and aggregation (bench/RESULTS.md, "Leiden, third round").
pub fn default_trials(edges: usize) -> usize {
    if edges <= SMALL_GRAPH_EDGES {
        8
    } else if edges <= LARGE_GRAPH_EDGES {
        2
    } else {
        1
    }
}

/// Computes every metric on a built citation graph (see [`crate::graph::build`]) and assembles
/// the tables of [`Analysis`]. `corpus` gives the resolutions (for the summary and the
/// unresolved list). Errors: a metric kernel refused the graph (see [`Context::compute`]).
pub fn analyze(
    graph: &CitationGraph,
    catalog: &crate::catalog::Catalog,
    corpus: &crate::records::Corpus,
    options: &AnalyzeOptions,
) -> anyhow::Result<Analysis> {
    analyze_with(graph, catalog, corpus, options, 0, |_| {
        Ok(Expansions::default())
    })
}

/// [`analyze`], with up to `expand` more lists for the missing papers whose scope evidence is
/// thin (`--expand N`, see `analysis/missing.rs`): once the missing papers are ranked, `fetch`
/// gets the lists to fetch (possibly none, when `expand` is 0) and returns those it could have
/// (from the cache or the API); the missing papers are then scoped again with them. Errors: as
/// [`analyze`], and whatever `fetch` returns.
pub fn analyze_with(
    graph: &CitationGraph,
    catalog: &crate::catalog::Catalog,
    corpus: &crate::records::Corpus,
    options: &AnalyzeOptions,
    expand: usize,
    fetch: impl FnOnce(&[ExpandRequest]) -> anyhow::Result<Expansions>,
) -> anyhow::Result<Analysis> {
    let metric_options = MetricOptions {
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
    };
    let cx = Context::compute(graph, &metric_options)?;
    let expansions = if expand > 0 {
        let first = missing::missing_papers(&cx, options, &Expansions::default());
        fetch(&missing::expansion_requests(&first, options, expand))?
    } else {
        Expansions::default()
    };
    let started = std::time::Instant::now();
    let mut analysis = assemble(&cx, catalog, corpus, options, &expansions);
    analysis.map_network =
        map_network::map_network(&cx, &analysis.missing, options.pair_min_count)?;
    time::attach(&mut analysis, graph, options.key_routes)?;
    tracing::debug!("tables assembled in {:.1?}", started.elapsed());
    Ok(analysis)
}

/// The options of each metric kernel.
#[derive(Debug, Clone, Default)]
pub struct MetricOptions {
    pub pagerank: PageRankOptions,
    pub hits: HitsOptions,
    pub betweenness: BetweennessOptions,
    pub communities: LeidenOptions,
    pub community_network: CommunityNetwork,
    pub pairs: PairOptions,
    /// How citations weigh in PageRank and HITS.
    pub weight: LinkWeight,
}

fn assemble(
    cx: &Context<'_>,
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
    let missing = missing::missing_papers(cx, options, expansions);
    let coverage = missing::coverage(cx, &mechanisms, options.coverage_k);
    let influential = influence::ranking(cx);
    let lint_tags = lint::lint_tags(cx, options.lint_min_neighbours);
    let core_edges = core_edges(cx, &missing, options.top_n);
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
    let resolved = corpus
        .resolutions
        .iter()
        .filter(|r| r.paper_id.is_some())
        .count();
    let summary = Summary {
        scope: graph.scope.as_str().to_string(),
        catalog_papers: catalog.papers.len(),
        resolved,
        unresolved: corpus.resolutions.len() - resolved,
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
        betweenness: cx.betweenness_mode.to_string(),
        link_weight: options.weight,
        merged_records: graph.merges.len(),
        merged_works: {
            let mut works: Vec<&str> = graph.merges.iter().map(|m| m.work_id.as_str()).collect();
            works.sort_unstable();
            works.dedup();
            works.len()
        },
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
        catalog_lint: catalog.lint.clone(),
        clusters,
        maps,
        cocitation: clusters::pair_rows(cx, &cx.cocitation),
        coupling: clusters::pair_rows(cx, &cx.coupling),
        map_network: MapNetwork::default(),
        time: time::TimeAnalysis::default(),
        bibliography: bibliography::sources(catalog, corpus),
        merges: graph.merges.clone(),
    }
}

/// part / whole, 0 when whole is 0.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Edges among the catalogue papers and the `top_n` best missing papers of each kind.
fn core_edges(cx: &Context<'_>, missing: &[MissingPaper], top_n: usize) -> Vec<EdgeRow> {
    let graph = cx.graph;
    let mut keep = vec![false; graph.node_count()];
    for &v in &cx.catalog_nodes {
        keep[v as usize] = true;
    }
    for kind in [MissingKind::Foundation, MissingKind::Candidate] {
        for paper in missing.iter().filter(|m| m.kind == kind).take(top_n) {
            if let Some(v) = graph.index_of(&paper.paper_id) {
                keep[v as usize] = true;
            }
        }
    }
    graph
        .edges()
        .filter(|&(s, t, _)| keep[s as usize] && keep[t as usize])
        .map(|(s, t, c)| EdgeRow {
            source: graph.node(s).paper_id.clone(),
            target: graph.node(t).paper_id.clone(),
            is_influential: c.is_influential,
        })
        .collect()
}

/// A number with `decimals` decimals, or `n/a` where it is undefined (an agreement with no
/// classes, a share of nothing): never a made-up 1.000 or 100%.
pub fn or_na(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "n/a".to_string(),
    }
}

/// The text summary `analyze` prints.
pub fn summary_text(analysis: &Analysis) -> String {
    use crate::text::count;
    use std::fmt::Write;
    let s = &analysis.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "graph (scope {}): {}, {}, {} between catalogue papers",
        s.scope,
        count(s.nodes, "node"),
        count(s.edges, "edge"),
        s.catalog_edges
    );
    let _ = writeln!(
        out,
        "catalogue: {} listed (distinct), {} resolved (in the graph and every table below), {} unresolved (see unresolved.csv)",
        count(s.catalog_papers, "paper"),
        s.resolved,
        s.unresolved
    );
    let _ = writeln!(
        out,
        "communities: {} (modularity {:.4}); mechanism partition modularity {:.4}; \
         communities vs mechanisms NMI {}, ARI {}",
        s.communities,
        s.modularity,
        s.mechanism_modularity,
        or_na(s.nmi, 3),
        or_na(s.ari, 3)
    );
    let homophily = if s.homophily_defined() {
        format!(
            "{:.1}% of catalogue citations stay within a mechanism ({:.1}% by chance)",
            100.0 * s.homophily,
            100.0 * s.homophily_expected
        )
    } else {
        "n/a (no catalogue paper with a mechanism cites another)".to_string()
    };
    let _ = writeln!(out, "homophily: {homophily}; betweenness {}", s.betweenness);
    let _ = writeln!(
        out,
        "influence: PageRank, HITS and missing-paper relevance: {}",
        s.link_weight.describe()
    );
    for (name, pairs) in [
        ("co-citation", &analysis.maps.cocitation),
        ("bibliographic coupling", &analysis.maps.coupling),
    ] {
        let _ = write!(
            out,
            "{name}: {} pairs counted at least {} times",
            pairs.pairs, pairs.min_count
        );
        if pairs.bounded {
            let _ = write!(
                out,
                " (bounded by --max-pairs: {} pairs met --pair-min-count)",
                pairs.candidates
            );
        }
        let _ = writeln!(out);
    }
    let t = &analysis.time;
    let mechanism_bursts = match t.mechanism_bursts.first() {
        Some(b) => format!(
            "{} mechanism bursts (strongest: {} {}-{})",
            t.mechanism_bursts.len(),
            crate::catalog::display_mechanism(&b.mechanism),
            b.start,
            b.end
        ),
        None => "no mechanism burst (no mechanism's share of a year's catalogue papers rose \
                 enough for a Kleinberg burst; bursts_by_mechanism.csv holds its header only)"
            .to_string(),
    };
    let _ = writeln!(
        out,
        "bursts: {} citation bursts of catalogue papers (bursts.csv); {mechanism_bursts}",
        t.bursts.len()
    );
    for cluster in analysis.clusters.iter().take(5) {
        let _ = writeln!(
            out,
            "  community {} ({} papers): {}",
            cluster.community, cluster.size, cluster.label
        );
    }
    if s.merged_records > 0 {
        let _ = writeln!(
            out,
            "works: {} merged into {} (same DOI, ArXiv id or title; merged_records.csv)",
            crate::text::count(s.merged_records, "record"),
            crate::text::count(s.merged_works, "work"),
        );
    }
    for kind in [MissingKind::Foundation, MissingKind::Candidate] {
        let rows = analysis.ranked_in_scope(kind);
        let background = analysis
            .missing
            .iter()
            .filter(|m| m.kind == kind && m.scope == MissingScope::Background)
            .count();
        let label = match kind {
            MissingKind::Foundation => "foundations (cited by the catalogue, not in it)",
            MissingKind::Candidate => "candidates (citing the catalogue, not in it)",
        };
        let _ = writeln!(
            out,
            "{} in-scope {label} ({background} more background); top:",
            rows.len()
        );
        for m in rows.iter().take(5) {
            let _ = writeln!(
                out,
                "  {:>8.3}  {} ({}), {}, -> {}",
                m.score,
                m.title,
                m.year
                    .map(|y| y.to_string())
                    .unwrap_or_else(|| "n.d.".into()),
                count(m.catalog_papers, "catalogue paper"),
                m.predicted_mechanism
            );
        }
    }
    let expanded = analysis
        .missing
        .iter()
        .filter(|m| m.neighbourhood_links.is_some())
        .count();
    if expanded > 0 {
        let _ = writeln!(
            out,
            "expansion: {} scoped on their neighbourhood's links (--expand; missing.csv neighbourhood_*)",
            count(expanded, "missing paper")
        );
    }
    if !analysis.lint_tags.is_empty() {
        let _ = writeln!(
            out,
            "{} possibly mis-tagged (lint-tags.csv)",
            count(analysis.lint_tags.len(), "catalogue paper")
        );
    }
    out
}

/// The analysis on a hand-made corpus small enough to check by hand.
#[cfg(test)]
mod hand_checked {
    use super::*;
    use crate::catalog::{Catalog, CatalogPaper};
    use crate::records::{Corpus, Link, PaperRecord};

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
