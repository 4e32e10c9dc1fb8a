//! HITS hubs and authorities, with the semantics of `networkx.hits` (networkx 3.6): authority a
//! is the principal right singular vector of the adjacency matrix A (A[u][v] = 1 for u -> v),
//! hub h = A a, each normalized to sum 1.
//!
//! networkx takes the singular vector from ARPACK (`scipy.sparse.linalg.svds`); this is the plain
//! power iteration a <- A^T A a (Kleinberg's original), which converges to the same vector when
//! the top singular value is simple (it is on any connected citation graph of interest). The
//! iteration stops when the L1 change of the normalized authority vector is below N * tolerance.
//!
//! Source: J. Kleinberg, "Authoritative sources in a hyperlinked environment", JACM 46(5), 1999;
//! networkx/algorithms/link_analysis/hits_alg.py.
//!
//! Cost: two sparse products (O(m)) per iteration, parallel over nodes; the iteration count
//! grows with 1 / log(sigma1^2 / sigma2^2).

use rayon::prelude::*;

use super::{deterministic_sum, EdgeWeights, MetricsError, BLOCK};
use crate::graph::Csr;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HitsOptions {
    /// Per-node tolerance: stop when the L1 change of an iteration is below N * tolerance.
    pub tolerance: f64,
    pub max_iterations: usize,
}

impl Default for HitsOptions {
    fn default() -> Self {
        HitsOptions {
            tolerance: 1e-15,
            max_iterations: 10_000,
        }
    }
}

/// (hubs, authorities), each summing to 1. A graph without edges has no hubs or authorities:
/// both are all zeros (networkx divides by zero there). An error when the iteration has not
/// converged within `max_iterations` (see [`hits_unchecked`] for the values anyway).
pub fn hits(csr: &Csr, options: &HitsOptions) -> Result<(Vec<f64>, Vec<f64>), MetricsError> {
    let (hubs, authorities, convergence) = hits_unchecked(csr, options);
    match convergence {
        Convergence::Converged { .. } => Ok((hubs, authorities)),
        Convergence::Stopped { error } => Err(MetricsError::NotConverged {
            metric: "HITS",
            iterations: options.max_iterations,
            error,
            tolerance: csr.node_count() as f64 * options.tolerance,
        }),
    }
}

/// How a power iteration ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Convergence {
    Converged {
        iterations: usize,
    },
    /// `max_iterations` reached; `error` is the last L1 change.
    Stopped {
        error: f64,
    },
}

/// [`hits`] that returns the last iterate (normalized) when the iteration did not converge, with
/// how it ended. HITS converges slowly when the two largest singular values of the adjacency
/// matrix are close; the analysis then keeps the approximation and warns rather than failing.
pub fn hits_unchecked(csr: &Csr, options: &HitsOptions) -> (Vec<f64>, Vec<f64>, Convergence) {
    hits_with(csr, None, options)
}

/// Weighted HITS, with the semantics of `networkx.hits` on a graph with a `weight` attribute:
/// A[u][v] = w(u, v), the same iteration and stopping rule as [`hits_unchecked`]. Errors: weights
/// made for another graph.
pub fn hits_weighted(
    csr: &Csr,
    weights: &EdgeWeights,
    options: &HitsOptions,
) -> Result<(Vec<f64>, Vec<f64>, Convergence), MetricsError> {
    if weights.out.len() != csr.edge_count() || weights.out_sum.len() != csr.node_count() {
        return Err(MetricsError::BadParameter {
            metric: "HITS",
            reason: "the edge weights were made for another graph".to_string(),
        });
    }
    Ok(hits_with(csr, Some(weights), options))
}

fn hits_with(
    csr: &Csr,
    weights: Option<&EdgeWeights>,
    options: &HitsOptions,
) -> (Vec<f64>, Vec<f64>, Convergence) {
    let n = csr.node_count();
    if csr.edge_count() == 0 {
        return (
            vec![0.0; n],
            vec![0.0; n],
            Convergence::Converged { iterations: 0 },
        );
    }
    let mut authority = vec![1.0 / n as f64; n];
    let mut hub = vec![0.0; n];
    let mut next = vec![0.0; n];
    let mut change = vec![0.0; n];
    let mut convergence = Convergence::Stopped {
        error: f64::INFINITY,
    };
    for iteration in 1..=options.max_iterations {
        multiply(csr, weights, &authority, &mut hub, Direction::Out);
        multiply(csr, weights, &hub, &mut next, Direction::In);
        normalize(&mut next);
        change
            .par_iter_mut()
            .zip(next.par_iter().zip(authority.par_iter()))
            .for_each(|(c, (a, b))| *c = (a - b).abs());
        std::mem::swap(&mut authority, &mut next);
        let error = deterministic_sum(&change);
        if error < n as f64 * options.tolerance {
            convergence = Convergence::Converged {
                iterations: iteration,
            };
            break;
        }
        convergence = Convergence::Stopped { error };
    }
    multiply(csr, weights, &authority, &mut hub, Direction::Out);
    normalize(&mut hub);
    (hub, authority, convergence)
}

#[derive(Clone, Copy)]
enum Direction {
    /// y[u] = sum of x over u's out-neighbours (y = A x).
    Out,
    /// y[v] = sum of x over v's in-neighbours (y = A^T x).
    In,
}

fn multiply(
    csr: &Csr,
    weights: Option<&EdgeWeights>,
    x: &[f64],
    y: &mut [f64],
    direction: Direction,
) {
    if let Some(weights) = weights {
        return multiply_weighted(csr, weights, x, y, direction);
    }
    y.par_chunks_mut(BLOCK)
        .enumerate()
        .for_each(|(block, chunk)| {
            let start = block * BLOCK;
            for (i, yv) in chunk.iter_mut().enumerate() {
                let v = (start + i) as u32;
                let list = match direction {
                    Direction::Out => csr.out_neighbors(v),
                    Direction::In => csr.in_neighbors(v),
                };
                // A fold from +0.0: `Sum` starts from -0.0, so a node without links would
                // read "-0" in the tables.
                *yv = list.iter().fold(0.0, |s, &u| s + x[u as usize]);
            }
        });
}

/// [`multiply`] with A[u][v] = w(u, v).
fn multiply_weighted(
    csr: &Csr,
    weights: &EdgeWeights,
    x: &[f64],
    y: &mut [f64],
    direction: Direction,
) {
    y.par_chunks_mut(BLOCK)
        .enumerate()
        .for_each(|(block, chunk)| {
            let start = block * BLOCK;
            for (i, yv) in chunk.iter_mut().enumerate() {
                let v = (start + i) as u32;
                let (list, edge) = match direction {
                    Direction::Out => {
                        let s = weights.out_start[v as usize];
                        let list = csr.out_neighbors(v);
                        (list, &weights.out[s..s + list.len()])
                    }
                    Direction::In => {
                        let s = weights.in_start[v as usize];
                        let list = csr.in_neighbors(v);
                        (list, &weights.incoming[s..s + list.len()])
                    }
                };
                *yv = list
                    .iter()
                    .zip(edge)
                    .fold(0.0, |s, (&u, &w)| s + x[u as usize] * w);
            }
        });
}

fn normalize(x: &mut [f64]) {
    let total = deterministic_sum(x);
    if total > 0.0 {
        x.par_iter_mut().for_each(|v| *v /= total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A paper without references has hub 0, and a paper nobody cites authority 0: +0, never
    /// -0 (which the tables would print as "-0").
    #[test]
    fn scores_without_links_are_positive_zero() {
        let csr = Csr::from_edges(3, [(0, 1)]).unwrap();
        let (hub, authority, _) = hits_unchecked(&csr, &HitsOptions::default());
        for v in [1, 2] {
            assert!(hub[v] == 0.0 && hub[v].is_sign_positive(), "hub {v}");
        }
        for v in [0, 2] {
            assert!(
                authority[v] == 0.0 && authority[v].is_sign_positive(),
                "authority {v}"
            );
        }
    }

    fn run(n: usize, edges: &[(u32, u32)]) -> (Vec<f64>, Vec<f64>) {
        let csr = Csr::from_edges(n, edges.iter().copied()).unwrap();
        hits(&csr, &HitsOptions::default()).unwrap()
    }

    fn close(a: &[f64], b: &[f64]) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn star_centre_is_the_authority() {
        let (h, a) = run(4, &[(1, 0), (2, 0), (3, 0)]);
        close(&a, &[1.0, 0.0, 0.0, 0.0]);
        close(&h, &[0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]);
    }

    #[test]
    fn bipartite_hand_checked() {
        // 0 -> 2, 0 -> 3, 1 -> 3. A^T A on {2, 3} = [[1, 1], [1, 2]]: top eigenvector
        // (1, phi) with phi = (1 + sqrt 5) / 2; hubs A a = (1 + phi, phi).
        let phi = (1.0 + 5f64.sqrt()) / 2.0;
        let (h, a) = run(4, &[(0, 2), (0, 3), (1, 3)]);
        close(&a, &[0.0, 0.0, 1.0 / (1.0 + phi), phi / (1.0 + phi)]);
        close(
            &h,
            &[
                (1.0 + phi) / (1.0 + 2.0 * phi),
                phi / (1.0 + 2.0 * phi),
                0.0,
                0.0,
            ],
        );
    }

    #[test]
    fn empty_and_edgeless() {
        assert_eq!(run(0, &[]), (vec![], vec![]));
        assert_eq!(run(2, &[]), (vec![0.0; 2], vec![0.0; 2]));
    }

    #[test]
    fn reports_slow_convergence_and_keeps_the_iterate() {
        // Two stars of nearly the same size: sigma1 and sigma2 close, slow convergence.
        let mut edges: Vec<(u32, u32)> = (1..=50).map(|i| (i, 0)).collect();
        edges.extend((52..=100).map(|i| (i, 51)));
        let csr = Csr::from_edges(101, edges).unwrap();
        let options = HitsOptions {
            max_iterations: 3,
            ..HitsOptions::default()
        };
        assert!(matches!(
            hits(&csr, &options),
            Err(MetricsError::NotConverged { .. })
        ));
        let (h, a, c) = hits_unchecked(&csr, &options);
        assert!(matches!(c, Convergence::Stopped { .. }));
        assert!((a.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((h.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(a[0] > a[51]);
    }

    #[test]
    fn duplicates_count_once() {
        assert_eq!(run(3, &[(0, 1), (0, 1), (2, 1)]), run(3, &[(0, 1), (2, 1)]));
    }
}
