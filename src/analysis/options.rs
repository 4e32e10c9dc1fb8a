//! The analysis settings ([`AnalyzeOptions`], filled by the command line) and the options of each
//! metric kernel derived from them ([`MetricOptions`]).

use crate::graph::Scope;
use crate::metrics::{
    BetweennessOptions, HitsOptions, LeidenOptions, PageRankOptions, PairOptions,
};

use super::clusters::{CommunityNetwork, PairPapers};
use super::influence::InfluenceScore;
use super::scope::ScopeRule;
use super::weights::LinkWeight;

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
    /// How a missing paper's scope is decided.
    pub scope_rule: ScopeRule,
    /// A missing paper is below its peers when its peer lift (its catalogue share over that of
    /// the catalogue papers of its count and age; the field lift under
    /// [`ScopeRule::FieldRate`]) is below this and its G2 at least
    /// [`AnalyzeOptions::scope_min_llr`].
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
    /// Which composite influence score ranks the catalogue papers (see [`InfluenceScore`]).
    pub influence: InfluenceScore,
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
            scope_rule: ScopeRule::Signals,
            scope_min_lift: 0.25,
            scope_min_llr: 10.83,
            expand: 30,
            weight: LinkWeight::Citations,
            influence: InfluenceScore::Classic,
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

/// The options of each metric kernel, derived from [`AnalyzeOptions`] by `analyze_with`.
#[derive(Debug, Clone, Default)]
pub struct MetricOptions {
    /// PageRank's damping and convergence.
    pub pagerank: PageRankOptions,
    /// HITS's convergence.
    pub hits: HitsOptions,
    /// Exact or sampled betweenness, and the sample.
    pub betweenness: BetweennessOptions,
    /// Leiden's resolution, seed and trials.
    pub communities: LeidenOptions,
    /// The network Leiden runs on.
    pub community_network: CommunityNetwork,
    /// Which co-citation and coupling pairs are kept.
    pub pairs: PairOptions,
    /// How citations weigh in PageRank and HITS.
    pub weight: LinkWeight,
    /// CiteRank, rescaled PageRank and the CD index.
    pub age_fair: super::age_fair::AgeFairOptions,
    /// Which composite influence score ranks the catalogue papers.
    pub influence: InfluenceScore,
    /// Leiden's start, one label per node (the previous run's communities, see
    /// `stability.rs`); `None`: singletons.
    pub initial_communities: Option<Vec<u32>>,
}
