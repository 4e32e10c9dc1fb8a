//! PageRank, with the semantics of `networkx.pagerank` (networkx 3.6, `_pagerank_scipy`).
//!
//! x(t+1) = alpha * (x(t) P + d(t) / N) + (1 - alpha) / N, where P[u][v] = 1 / outdeg(u) for each
//! edge u -> v, and d(t) is the rank held by dangling nodes (no out-edges: papers without known
//! references), spread evenly over all N nodes. The start is uniform, 1 / N. The iteration stops
//! when sum |x(t+1) - x(t)| < N * tolerance, like networkx's, so with the same tolerance the two
//! agree to rounding; the default tolerance here is far tighter than networkx's 1e-6.
//!
//! Source: L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation ranking: bringing
//! order to the web" (1999); networkx/algorithms/link_analysis/pagerank_alg.py.
//!
//! Cost: O(m) per iteration, pulled over the in-lists in parallel (each node's sum is taken in a
//! fixed order, so the result does not depend on the thread count); about 2 log(tolerance) /
//! log(alpha) iterations.

use rayon::prelude::*;

use super::{deterministic_sum, MetricsError, BLOCK};
use crate::graph::Csr;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRankOptions {
    /// Damping factor: the probability of following a citation rather than jumping anywhere.
    pub alpha: f64,
    /// Per-node tolerance: stop when the L1 change of an iteration is below N * tolerance.
    pub tolerance: f64,
    pub max_iterations: usize,
}

impl Default for PageRankOptions {
    fn default() -> Self {
        PageRankOptions {
            alpha: 0.85,
            tolerance: 1e-13,
            max_iterations: 1000,
        }
    }
}

/// PageRank of every node (summing to 1); empty for an empty graph.
pub fn pagerank(csr: &Csr, options: &PageRankOptions) -> Result<Vec<f64>, MetricsError> {
    let n = csr.node_count();
    if n == 0 {
        return Ok(Vec::new());
    }
    let alpha = options.alpha;
    let uniform = 1.0 / n as f64;
    let inverse_out: Vec<f64> = (0..n as u32)
        .into_par_iter()
        .map(|u| match csr.out_degree(u) {
            0 => 0.0,
            d => 1.0 / d as f64,
        })
        .collect();
    let dangling: Vec<u32> = (0..n as u32).filter(|&u| csr.out_degree(u) == 0).collect();

    let mut x = vec![uniform; n];
    let mut next = vec![0.0; n];
    let mut share = vec![0.0; n];
    let mut change = vec![0.0; n];
    let mut error = f64::INFINITY;
    for _ in 0..options.max_iterations {
        share
            .par_iter_mut()
            .zip(x.par_iter().zip(inverse_out.par_iter()))
            .for_each(|(s, (&xu, &inv))| *s = xu * inv);
        let dangling_mass: f64 = dangling.iter().map(|&u| x[u as usize]).sum();
        let base = alpha * dangling_mass * uniform + (1.0 - alpha) * uniform;
        next.par_chunks_mut(BLOCK)
            .zip(change.par_chunks_mut(BLOCK))
            .enumerate()
            .for_each(|(block, (next_block, change_block))| {
                let start = block * BLOCK;
                for (i, (nv, ch)) in next_block.iter_mut().zip(change_block).enumerate() {
                    let v = (start + i) as u32;
                    let pulled: f64 = csr.in_neighbors(v).iter().map(|&u| share[u as usize]).sum();
                    *nv = base + alpha * pulled;
                    *ch = (*nv - x[v as usize]).abs();
                }
            });
        std::mem::swap(&mut x, &mut next);
        error = deterministic_sum(&change);
        if error < n as f64 * options.tolerance {
            return Ok(x);
        }
    }
    Err(MetricsError::NotConverged {
        metric: "PageRank",
        iterations: options.max_iterations,
        error,
        tolerance: n as f64 * options.tolerance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pr(n: usize, edges: &[(u32, u32)]) -> Vec<f64> {
        let csr = Csr::from_edges(n, edges.iter().copied()).unwrap();
        pagerank(&csr, &PageRankOptions::default()).unwrap()
    }

    fn close(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-10, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn empty_graph() {
        assert!(pr(0, &[]).is_empty());
    }

    #[test]
    fn no_edges_is_uniform() {
        close(&pr(4, &[]), &[0.25; 4]);
    }

    #[test]
    fn star_pointing_to_the_centre() {
        // Leaves 1..=3 cite 0; 0 is dangling. Stationary: c = a(3l + c/4) + 0.15/4 ... solved:
        // with l the leaf value, l = 0.85 c / 4 + 0.0375 and c = 1 - 3l.
        let x = pr(4, &[(1, 0), (2, 0), (3, 0)]);
        let l = (0.85 / 4.0 + 0.0375) / (1.0 + 3.0 * 0.85 / 4.0);
        close(&x, &[1.0 - 3.0 * l, l, l, l]);
    }

    #[test]
    fn chain_with_a_dangling_end() {
        // 0 -> 1 -> 2. Hand-solved (networkx gives the same).
        let x = pr(3, &[(0, 1), (1, 2)]);
        let s: f64 = x.iter().sum();
        assert!((s - 1.0).abs() < 1e-12);
        // x0 = a x2/3 + 0.05; x1 = a(x0 + x2/3) + 0.05; x2 = a(x1 + x2/3) + 0.05.
        let a = 0.85;
        let x0 = x[0];
        let x2 = x[2];
        assert!((x0 - (a * x2 / 3.0 + 0.05)).abs() < 1e-12);
        assert!((x[1] - (a * (x0 + x2 / 3.0) + 0.05)).abs() < 1e-12);
        assert!(x[2] > x[1] && x[1] > x[0]);
    }

    #[test]
    fn disconnected_parts_and_self_loops() {
        // Two identical 2-cycles: every node 1/4. A self-loop counts as an out-edge (networkx).
        close(&pr(4, &[(0, 1), (1, 0), (2, 3), (3, 2)]), &[0.25; 4]);
        // 0 -> 0 and 0 -> 1: half of 0's rank stays on 0.
        let x = pr(2, &[(0, 0), (0, 1)]);
        let a = 0.85;
        // x0 = a(x0/2 + x1/2) + 0.075, x1 = a(x0/2 + x1/2) + 0.075 -> equal.
        close(&x, &[0.5, 0.5]);
        let _ = a;
    }

    #[test]
    fn duplicate_edges_count_once() {
        close(&pr(2, &[(0, 1), (0, 1), (0, 1)]), &pr(2, &[(0, 1)]));
    }

    #[test]
    fn reports_non_convergence() {
        let csr = Csr::from_edges(3, [(0, 1), (1, 2)]).unwrap();
        let options = PageRankOptions {
            max_iterations: 1,
            ..PageRankOptions::default()
        };
        assert!(matches!(
            pagerank(&csr, &options),
            Err(MetricsError::NotConverged { .. })
        ));
    }
}
