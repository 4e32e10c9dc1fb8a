//! Graph metrics, one algorithm a file, each a free function over a compact adjacency
//! ([`crate::graph::Csr`] for the directed ones, [`crate::graph::UndirectedCsr`] for the others).
//!
//! Each function states its formula, its source and its cost. The kernels are public so that a
//! benchmark can call them directly on a graph it builds with [`crate::graph::Csr::from_edges`].
//! Every result is deterministic: fixed seeds, and floating-point sums taken in an order that does
//! not depend on the number of threads.

mod age_fair;
mod beauty;
mod betweenness;
mod bursts;
mod cocitation;
mod communities;
mod core;
mod disruption;
mod hits;
mod leiden;
mod lineage;
mod pagerank;
mod partition;
mod rng;
mod rpys;
mod transitive_reduction;

pub use age_fair::{citerank, rescaled_pagerank, CiteRankOptions};
pub use beauty::{beauty_coefficient, Beauty};
pub use betweenness::{automatic_pivots, betweenness, BetweennessMode, BetweennessOptions};
pub use bursts::{bursts, state_cost, Burst, BurstOptions, BURST_RATE_CAP};
pub use cocitation::{
    bibliographic_coupling, cocitation, shared_neighbor_pairs, Pair, PairMeasure, PairOptions,
    Pairs,
};
pub use communities::{modularity, Partition};
pub use core::core_number;
pub use disruption::{cd_index, cd_index_of, Disruption};
pub use hits::{hits, hits_unchecked, hits_weighted, Convergence, HitsOptions};
pub use leiden::{
    communities_connected, leiden, leiden_from, leiden_weighted, leiden_weighted_from,
    LeidenOptions,
};
pub use lineage::{
    global_main_path, key_route_main_paths, search_path_counts, KeyRoute, MainPath,
    SearchPathCounts,
};
pub use pagerank::{
    pagerank, pagerank_personalized, pagerank_weighted, EdgeWeights, PageRankOptions,
};
pub use partition::{adjusted_rand_index, co_assignment_agreement, normalized_mutual_information};
pub use rng::SplitMix64;
pub use rpys::{rpys, RpysYear};
pub use transitive_reduction::transitive_reduction;

/// A metric that could not be computed: an iteration that did not converge, or a bad parameter.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MetricsError {
    #[error(
        "{metric} did not converge in {iterations} iterations (last change {error:e}, \
         tolerance {tolerance:e}); raise the iteration limit or loosen the tolerance"
    )]
    NotConverged {
        metric: &'static str,
        iterations: usize,
        error: f64,
        tolerance: f64,
    },
    #[error("{metric}: {reason}")]
    BadParameter {
        metric: &'static str,
        reason: String,
    },
}

/// Sums `values` in fixed blocks of 4096 (each summed in order, then the block sums in order), so
/// the result is the same whatever the number of threads.
pub(crate) fn deterministic_sum(values: &[f64]) -> f64 {
    use rayon::prelude::*;
    let partial: Vec<f64> = values
        .par_chunks(BLOCK)
        .map(|chunk| chunk.iter().sum::<f64>())
        .collect();
    partial.iter().sum()
}

/// Work unit of the parallel loops: large enough to amortize scheduling, small enough to balance.
pub(crate) const BLOCK: usize = 4096;
