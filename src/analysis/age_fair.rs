//! Age-fair influence and disruption per paper (issue #23): CiteRank, rescaled PageRank and the
//! CD index ([`crate::metrics`] has the kernels, their formulas and sources), and the age bias
//! of each influence score among the catalogue papers.
//!
//! Ages are counted from the latest publication year of any paper of the graph (T, as the time
//! analysis does), not from the clock: the same records give the same numbers on any day.

use crate::graph::CitationGraph;
use crate::metrics::{self, CiteRankOptions, Disruption};

/// The age-fair options ([`super::MetricOptions::age_fair`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeFairOptions {
    pub citerank: CiteRankOptions,
    /// Rescaled PageRank's window, in papers (Mariani et al. 2016: 1,000).
    pub rescale_window: usize,
    /// The CD index's window t, in years (CD_5: Park, Leahey & Funk 2023).
    pub cd_years: u32,
}

impl Default for AgeFairOptions {
    fn default() -> Self {
        AgeFairOptions {
            citerank: CiteRankOptions::default(),
            rescale_window: 1000,
            cd_years: 5,
        }
    }
}

/// The three per-node vectors, indexed like the graph's nodes.
pub struct AgeFair {
    /// CiteRank traffic (sums to 1 over the graph).
    pub citerank: Vec<f64>,
    /// Rescaled PageRank (a z-score), `None` without a year or without spread in its window.
    pub pagerank_rescaled: Vec<Option<f64>>,
    /// CD_t of the catalogue papers, `None` elsewhere and where undefined.
    pub disruption: Vec<Option<Disruption>>,
}

/// Computes CiteRank, rescaled PageRank (of `pagerank`) and CD_t (of the `catalog_nodes`).
/// Errors: a kernel refused its parameters. A graph without any year has no CiteRank start:
/// every paper gets 1/n then, and a warning says why.
pub fn compute(
    graph: &CitationGraph,
    pagerank: &[f64],
    catalog_nodes: &[u32],
    options: &AgeFairOptions,
) -> anyhow::Result<AgeFair> {
    let n = graph.node_count();
    let years: Vec<Option<i32>> = (0..n as u32).map(|v| graph.node(v).year).collect();
    let latest = years.iter().flatten().copied().max();
    let citerank = match latest {
        Some(latest) => {
            let ages: Vec<Option<f64>> = years
                .iter()
                .map(|y| y.map(|y| f64::from(latest - y)))
                .collect();
            metrics::citerank(&graph.csr, &ages, &options.citerank)?
        }
        None => {
            if n > 0 {
                tracing::warn!("no paper of the graph has a year: CiteRank is uniform");
            }
            vec![1.0 / n.max(1) as f64; n]
        }
    };
    let dates: Vec<Option<f64>> = years.iter().map(|y| y.map(f64::from)).collect();
    let pagerank_rescaled = metrics::rescaled_pagerank(pagerank, &dates, options.rescale_window)?;
    let mut disruption = vec![None; n];
    let focal = metrics::cd_index_of(&graph.csr, &years, options.cd_years, catalog_nodes);
    for (&v, d) in catalog_nodes.iter().zip(focal) {
        disruption[v as usize] = d;
    }
    Ok(AgeFair {
        citerank,
        pagerank_rescaled,
        disruption,
    })
}

/// Spearman's rank correlation of `x` and `y` (the Pearson correlation of their mid-ranks, as
/// `scipy.stats.spearmanr`), `None` with fewer than 3 pairs or no spread in either.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 3 {
        return None;
    }
    let (rx, ry) = (
        super::influence::percentiles(x),
        super::influence::percentiles(y),
    );
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::spearman;

    #[test]
    fn spearman_of_ranks() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
        let r = spearman(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]).unwrap();
        assert!((r + 1.0).abs() < 1e-12);
        // scipy.stats.spearmanr([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) = 0.8
        let r = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]).unwrap();
        assert!((r - 0.8).abs() < 1e-12);
        // With ties: spearmanr([1, 1, 2, 3], [1, 2, 2, 3]) = 0.8333...
        let r = spearman(&[1.0, 1.0, 2.0, 3.0], &[1.0, 2.0, 2.0, 3.0]).unwrap();
        assert!((r - 0.833_333_333_333_333_4).abs() < 1e-12, "{r}");
        assert_eq!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
    }
}
