//! PageRank, with the semantics of `networkx.pagerank` (networkx 3.6, `_pagerank_scipy`): the
//! stationary x of x = alpha * (x P + d / N) + (1 - alpha) / N, where P[u][v] = 1 / outdeg(u) for
//! each edge u -> v (a self-loop counts), and d is the rank held by dangling nodes (no out-edges:
//! papers without known references), spread evenly over all N nodes.
//!
//! Solved as a linear system, not by power iteration. With s = (1 - alpha + alpha d) / N, a scalar,
//! x = s (I - alpha P^T)^-1 1. So y = (I - alpha P^T)^-1 1 is solved, and x = y / sum(y) (x sums
//! to 1). Node by node, y_v = 1 + alpha * sum over citers u of y_u / outdeg(u): a node's value
//! needs only those of the nodes citing it. The strongly connected components of the graph are
//! taken in an order where every citer's component comes first (Tarjan's algorithm on the reversed
//! edges finishes them in that order); a component of one node (all of a citation DAG, where
//! references point to older papers) is then solved exactly in one step; a cycle is iterated until
//! its L1 change, in the units of the result, is below (its size) * tolerance, which summed over
//! the components is networkx's criterion: by Gauss-Seidel sweeps in place when it is small, by
//! Jacobi iterations in parallel from [`PARALLEL_CYCLE`] nodes on (a web-like graph that is one
//! giant component). This is PRPACK's approach (the solver igraph uses): on a DAG the cost is one
//! pass over the edges plus the component search, where power iteration needs
//! log(tolerance) / log(alpha) passes (about 100 at 1M nodes).
//!
//! Source: L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation ranking: bringing
//! order to the web" (1999); the linear-system form and the component ordering: D. Gleich,
//! "PageRank beyond the web", SIAM Review 57(3), 2015, and PRPACK (D. Gleich, D. Kurokawa);
//! R. Tarjan, "Depth-first search and linear graph algorithms", SIAM J. Comput. 1(2), 1972.
//!
//! Cost: O(n + m) for the components and the acyclic part, one thread (the search is
//! sequential); each sweep over a cyclic component costs its edges, and the error shrinks
//! geometrically, by alpha an iteration for Jacobi and at least as fast for Gauss-Seidel on this
//! M-matrix (Stein-Rosenberg). Every sum is taken in a fixed order: the result does not depend
//! on the thread count.

use rayon::prelude::*;

use super::{deterministic_sum, MetricsError, BLOCK};
use crate::graph::Csr;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRankOptions {
    /// Damping factor, in [0, 1): the probability of following a citation rather than jumping
    /// anywhere.
    pub alpha: f64,
    /// Per-node tolerance of the iteration over a cyclic component, in the units of the result:
    /// it stops when a sweep's L1 change is below (component size) * tolerance (networkx's
    /// criterion, N * tolerance, summed over the components).
    pub tolerance: f64,
    /// Sweeps allowed per cyclic component.
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

/// PageRank of every node (summing to 1); empty for an empty graph. An error when a cyclic
/// component has not converged within `max_iterations` sweeps, or alpha is outside [0, 1).
pub fn pagerank(csr: &Csr, options: &PageRankOptions) -> Result<Vec<f64>, MetricsError> {
    pagerank_with(csr, None, None, options)
}

/// Personalized PageRank, with the semantics of `networkx.pagerank(G, personalization=start)`
/// (dangling rank follows `start` too): the stationary x of
/// x = alpha * (x P + d * start) + (1 - alpha) * start, `start` normalized to sum 1. By the same
/// reasoning as [`pagerank`], x is proportional to (I - alpha P^T)^-1 start, solved by the same
/// component solver with `start` as the source term (same cost). It is the kernel of CiteRank
/// ([`crate::metrics::citerank`]).
///
/// `start`: one non-negative finite weight per node, not all 0 (any scale). Errors: a bad
/// `start` (wrong length, negative, not finite, all zero), and as [`pagerank`].
pub fn pagerank_personalized(
    csr: &Csr,
    start: &[f64],
    options: &PageRankOptions,
) -> Result<Vec<f64>, MetricsError> {
    let bad = |reason: String| MetricsError::BadParameter {
        metric: "personalized PageRank",
        reason,
    };
    if start.len() != csr.node_count() {
        return Err(bad(format!(
            "{} start weights for {} nodes",
            start.len(),
            csr.node_count()
        )));
    }
    if let Some((v, w)) = start
        .iter()
        .enumerate()
        .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
    {
        return Err(bad(format!(
            "the start weight of node {v} is {w}; weights must be finite and not negative"
        )));
    }
    if !start.is_empty() && start.iter().all(|&w| w == 0.0) {
        return Err(bad("every start weight is 0".to_string()));
    }
    pagerank_with(csr, None, Some(start), options)
}

fn pagerank_with(
    csr: &Csr,
    weights: Option<&EdgeWeights>,
    start: Option<&[f64]>,
    options: &PageRankOptions,
) -> Result<Vec<f64>, MetricsError> {
    let n = csr.node_count();
    if n == 0 {
        return Ok(Vec::new());
    }
    let alpha = options.alpha;
    if !(0.0..1.0).contains(&alpha) {
        return Err(MetricsError::BadParameter {
            metric: "PageRank",
            reason: format!("the damping factor must be in [0, 1), not {alpha}"),
        });
    }
    // weight[u] = alpha / outdeg(u): what one unit of y_u gives each paper u cites (weighted:
    // alpha / (u's out-weight), times the edge's weight).
    let weight: Vec<f64> = (0..n as u32)
        .into_par_iter()
        .map(|u| match weights {
            None => match csr.out_degree(u) {
                0 => 0.0,
                d => alpha / d as f64,
            },
            Some(w) => {
                let total = w.out_sum[u as usize];
                if total > 0.0 {
                    alpha / total
                } else {
                    0.0
                }
            }
        })
        .collect();
    let mut solver = ComponentSolver {
        csr,
        edge_weights: weights,
        start,
        source_total: start.map_or(n as f64, |s| s.iter().sum()),
        weight: &weight,
        options,
        y: vec![0.0; n],
        share: vec![0.0; n],
        next: Vec::new(),
    };
    components_citers_first(csr, |component| solver.solve(component))?;
    let mut y = solver.y;
    let scale = 1.0 / deterministic_sum(&y);
    y.par_iter_mut().for_each(|value| *value *= scale);
    Ok(y)
}

/// A weight per edge of a [`Csr`], laid out along both its lists: for weighted PageRank
/// ([`pagerank_weighted`]) and HITS ([`crate::metrics::hits_weighted`]).
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeWeights {
    /// Weight of the k-th edge of the out-lists, in [`Csr::edges`] order.
    pub(crate) out: Vec<f64>,
    /// Weight of the k-th edge of the in-lists (target by target, sources sorted).
    pub(crate) incoming: Vec<f64>,
    /// Where each node's in-list starts in `incoming`.
    pub(crate) in_start: Vec<usize>,
    /// Where each node's out-list starts in `out`.
    pub(crate) out_start: Vec<usize>,
    /// Sum of each node's out-edge weights.
    pub(crate) out_sum: Vec<f64>,
}

impl EdgeWeights {
    /// The weights `weight(source, target)` of every edge of `csr`. Errors: a weight that is
    /// negative or not finite.
    pub fn new(csr: &Csr, weight: impl Fn(u32, u32) -> f64) -> Result<EdgeWeights, MetricsError> {
        let n = csr.node_count();
        let starts = |degree: &dyn Fn(u32) -> usize| {
            let mut start = Vec::with_capacity(n + 1);
            start.push(0);
            for v in 0..n as u32 {
                start.push(start[v as usize] + degree(v));
            }
            start
        };
        let out_start = starts(&|v| csr.out_degree(v));
        let in_start = starts(&|v| csr.in_degree(v));
        let mut out = Vec::with_capacity(csr.edge_count());
        let mut out_sum = vec![0.0; n];
        for (s, t) in csr.edges() {
            let w = weight(s, t);
            if !(w.is_finite() && w >= 0.0) {
                return Err(MetricsError::BadParameter {
                    metric: "edge weights",
                    reason: format!("the edge {s} -> {t} has the weight {w}; weights must be finite and not negative"),
                });
            }
            out.push(w);
            out_sum[s as usize] += w;
        }
        let mut incoming = Vec::with_capacity(csr.edge_count());
        for v in 0..n as u32 {
            for &u in csr.in_neighbors(v) {
                incoming.push(weight(u, v));
            }
        }
        Ok(EdgeWeights {
            out,
            incoming,
            in_start,
            out_start,
            out_sum,
        })
    }

    /// True when these weights were made for `csr` (one per edge).
    fn fits(&self, csr: &Csr) -> bool {
        self.out.len() == csr.edge_count() && self.out_sum.len() == csr.node_count()
    }
}

/// Weighted PageRank, with the semantics of `networkx.pagerank(G, weight="weight")`: as
/// [`pagerank`], with P[u][v] = w(u, v) / (sum of u's out-edge weights); a node whose out-edges
/// weigh 0 in all is dangling. Same solver, same cost (one more read per edge). Errors: as
/// [`pagerank`], and weights made for another graph.
pub fn pagerank_weighted(
    csr: &Csr,
    weights: &EdgeWeights,
    options: &PageRankOptions,
) -> Result<Vec<f64>, MetricsError> {
    if !weights.fits(csr) {
        return Err(MetricsError::BadParameter {
            metric: "PageRank",
            reason: "the edge weights were made for another graph".to_string(),
        });
    }
    pagerank_with(csr, Some(weights), None, options)
}

/// Cyclic components from this size on are iterated in parallel (Jacobi), smaller ones in
/// place (Gauss-Seidel, fewer sweeps but one thread).
const PARALLEL_CYCLE: usize = 50_000;

struct ComponentSolver<'a> {
    csr: &'a Csr,
    /// Weighted PageRank's edge weights; `None`: every edge weighs 1.
    edge_weights: Option<&'a EdgeWeights>,
    /// The source term of each node (personalized PageRank); `None`: 1 for every node.
    start: Option<&'a [f64]>,
    /// The sum of the source terms: n, or the sum of `start`.
    source_total: f64,
    weight: &'a [f64],
    options: &'a PageRankOptions,
    /// The unnormalized values: final for solved components, the current iterate within the
    /// cyclic component being solved, 0 for the rest.
    y: Vec<f64>,
    /// y[u] * weight[u]: what u gives each paper it cites (one read per edge in the sums).
    share: Vec<f64>,
    /// Scratch for a Jacobi iteration.
    next: Vec<f64>,
}

impl ComponentSolver<'_> {
    /// The source term of `v`: 1, or its start weight.
    fn source(&self, v: u32) -> f64 {
        self.start.map_or(1.0, |start| start[v as usize])
    }

    /// y_v from its citers' shares: its source term (1 unless personalized) plus their sum, the self-loop's on both sides. A citer
    /// is in an earlier component (solved) or in v's own (its current iterate): a paper that v
    /// reaches is never among them, so no membership test is needed.
    fn value(&self, v: u32) -> f64 {
        if let Some(weights) = self.edge_weights {
            return self.weighted_value(v, weights);
        }
        let mut pulled = 0.0;
        let mut own = 0.0;
        for &u in self.csr.in_neighbors(v) {
            if u == v {
                own = self.weight[v as usize];
            } else {
                pulled += self.share[u as usize];
            }
        }
        (self.source(v) + pulled) / (1.0 - own)
    }

    /// [`Self::value`] with each citer's share times its edge's weight.
    fn weighted_value(&self, v: u32, weights: &EdgeWeights) -> f64 {
        let start = weights.in_start[v as usize];
        let citers = self.csr.in_neighbors(v);
        let edge = &weights.incoming[start..start + citers.len()];
        let mut pulled = 0.0;
        let mut own = 0.0;
        for (&u, &w) in citers.iter().zip(edge) {
            if u == v {
                own = self.weight[v as usize] * w;
            } else {
                pulled += self.share[u as usize] * w;
            }
        }
        (self.source(v) + pulled) / (1.0 - own)
    }

    fn set(&mut self, v: u32, value: f64) {
        self.y[v as usize] = value;
        self.share[v as usize] = value * self.weight[v as usize];
    }

    /// Solves y on `component`, given y on every component citing into it.
    fn solve(&mut self, component: &[u32]) -> Result<(), MetricsError> {
        if let [v] = *component {
            let value = self.value(v);
            self.set(v, value);
            return Ok(());
        }
        // A cycle: iterated until its L1 change, in the units of the result, is below
        // (its size) * tolerance. x = y / sum(y) and sum(y) >= S, the sum of the source terms
        // (n unless personalized: each y_v >= its source), so a change of y below
        // S * size * tolerance is a change of x below size * tolerance: summed over the
        // components, networkx's criterion (N * tolerance). The bound never goes below the
        // rounding noise of the values themselves.
        let absolute = self.source_total * component.len() as f64 * self.options.tolerance;
        let parallel = component.len() >= PARALLEL_CYCLE;
        let mut sorted = Vec::new();
        if parallel {
            // In index order, so that neighbouring nodes' lists are read together.
            sorted = component.to_vec();
            sorted.par_sort_unstable();
        }
        let (mut change, mut limit) = (f64::INFINITY, absolute);
        for _ in 0..self.options.max_iterations {
            let total;
            (change, total) = if parallel {
                self.jacobi_sweep(&sorted)
            } else {
                self.gauss_seidel_sweep(component)
            };
            limit = absolute.max(total * 16.0 * f64::EPSILON);
            if change <= limit {
                return Ok(());
            }
        }
        Err(MetricsError::NotConverged {
            metric: "PageRank",
            iterations: self.options.max_iterations,
            error: change,
            tolerance: limit,
        })
    }

    /// One sweep in place over `component`: (L1 change, sum of the new values).
    fn gauss_seidel_sweep(&mut self, component: &[u32]) -> (f64, f64) {
        let (mut change, mut total) = (0.0, 0.0);
        for &v in component {
            let value = self.value(v);
            change += (value - self.y[v as usize]).abs();
            total += value;
            self.set(v, value);
        }
        (change, total)
    }

    /// One Jacobi iteration over `component`, its values computed in parallel from the previous
    /// ones (each in a fixed order, so the result does not depend on the thread count).
    fn jacobi_sweep(&mut self, component: &[u32]) -> (f64, f64) {
        let mut next = std::mem::take(&mut self.next);
        next.clear();
        next.resize(component.len(), 0.0);
        // Each block's change and sum in the same pass, added up in block order.
        let blocks: Vec<(f64, f64)> = next
            .par_chunks_mut(BLOCK)
            .zip(component.par_chunks(BLOCK))
            .map(|(out, nodes)| {
                let (mut change, mut total) = (0.0, 0.0);
                for (slot, &v) in out.iter_mut().zip(nodes) {
                    *slot = self.value(v);
                    change += (*slot - self.y[v as usize]).abs();
                    total += *slot;
                }
                (change, total)
            })
            .collect();
        let (change, total) = blocks
            .iter()
            .fold((0.0, 0.0), |(c, t), &(bc, bt)| (c + bc, t + bt));
        for (&v, &value) in component.iter().zip(&next) {
            self.set(v, value);
        }
        self.next = next;
        (change, total)
    }
}

const UNVISITED: u32 = u32::MAX;

/// The state of Tarjan's depth-first search.
struct Search {
    /// Discovery order of each node (`UNVISITED` before).
    index: Vec<u32>,
    /// The smallest discovery index reachable from the node's subtree within its component.
    low: Vec<u32>,
    on_stack: Vec<bool>,
    /// Nodes discovered whose component is not yet complete.
    stack: Vec<u32>,
    /// The depth-first path: a node and how many of its in-neighbours it has looked at.
    path: Vec<(u32, usize)>,
    counter: u32,
}

impl Search {
    fn discover(&mut self, v: u32) {
        self.index[v as usize] = self.counter;
        self.low[v as usize] = self.counter;
        self.counter += 1;
        self.stack.push(v);
        self.on_stack[v as usize] = true;
        self.path.push((v, 0));
    }
}

/// The strongly connected components, each handed to `visit` once, in an order where every
/// component holding a citer of a node comes before the node's own: Tarjan's algorithm over the
/// in-lists (it finishes a component after all those it reaches, and following in-edges reaches
/// the citers). Iterative, so that a long citation chain cannot overflow the stack.
fn components_citers_first(
    csr: &Csr,
    mut visit: impl FnMut(&[u32]) -> Result<(), MetricsError>,
) -> Result<(), MetricsError> {
    let n = csr.node_count();
    let mut search = Search {
        index: vec![UNVISITED; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        path: Vec::new(),
        counter: 0,
    };
    for root in 0..n as u32 {
        if search.index[root as usize] != UNVISITED {
            continue;
        }
        search.discover(root);
        while let Some(top) = search.path.last_mut() {
            let (v, seen) = *top;
            if let Some(&w) = csr.in_neighbors(v).get(seen) {
                top.1 += 1;
                if search.index[w as usize] == UNVISITED {
                    search.discover(w);
                } else if search.on_stack[w as usize] {
                    search.low[v as usize] = search.low[v as usize].min(search.index[w as usize]);
                }
                continue;
            }
            search.path.pop();
            let low = search.low[v as usize];
            if let Some(&(parent, _)) = search.path.last() {
                search.low[parent as usize] = search.low[parent as usize].min(low);
            }
            if low == search.index[v as usize] {
                // v is the root of a component: it and everything above it on the stack.
                let start = search.stack.iter().rposition(|&u| u == v).unwrap_or(0);
                for &u in &search.stack[start..] {
                    search.on_stack[u as usize] = false;
                }
                visit(&search.stack[start..])?;
                search.stack.truncate(start);
            }
        }
    }
    Ok(())
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

    /// networkx's power iteration, written out plainly: the independent check of the solver.
    fn power_iteration(n: usize, edges: &[(u32, u32)]) -> Vec<f64> {
        let csr = Csr::from_edges(n, edges.iter().copied()).unwrap();
        let alpha = 0.85;
        let mut x = vec![1.0 / n as f64; n];
        // alpha^400 = 5e-29: converged to rounding.
        for _ in 0..400 {
            let dangling: f64 = (0..n as u32)
                .filter(|&u| csr.out_degree(u) == 0)
                .map(|u| x[u as usize])
                .sum();
            let mut next = vec![(alpha * dangling + 1.0 - alpha) / n as f64; n];
            for u in 0..n as u32 {
                for &v in csr.out_neighbors(u) {
                    next[v as usize] += alpha * x[u as usize] / csr.out_degree(u) as f64;
                }
            }
            x = next;
        }
        x
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Any graph: cycles, self-loops, several components, dangling nodes.
        #[test]
        fn equals_power_iteration(
            n in 1usize..30,
            raw in proptest::collection::vec((0u32..30, 0u32..30), 0..90),
        ) {
            let edges: Vec<(u32, u32)> =
                raw.into_iter().map(|(s, t)| (s % n as u32, t % n as u32)).collect();
            close(&pr(n, &edges), &power_iteration(n, &edges));
        }
    }

    #[test]
    fn one_big_cycle_and_a_dag_hanging_off_it() {
        // 0 -> 1 -> ... -> 49 -> 0, and 50..99 each citing 50 - 1 and a cycle node.
        let mut edges: Vec<(u32, u32)> = (0..50).map(|i| (i, (i + 1) % 50)).collect();
        edges.extend((50..100).map(|i| (i, i - 1)));
        edges.extend((50..100).map(|i| (i, i % 7)));
        close(&pr(100, &edges), &power_iteration(100, &edges));
    }

    #[test]
    fn a_component_large_enough_for_the_parallel_iteration() {
        // A ring of PARALLEL_CYCLE + 1000 papers with chords, cited by a DAG of 500 more.
        let ring = (PARALLEL_CYCLE + 1000) as u32;
        let mut edges: Vec<(u32, u32)> = (0..ring).map(|i| (i, (i + 1) % ring)).collect();
        edges.extend((0..ring).step_by(7).map(|i| (i, (i * 31 + 5) % ring)));
        edges.extend((ring..ring + 500).map(|i| (i, (i * 13) % ring)));
        edges.push((3, 3));
        let n = (ring + 500) as usize;
        let x = pr(n, &edges);
        let reference = power_iteration(n, &edges);
        let worst = x
            .iter()
            .zip(&reference)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-12, "largest difference {worst:e}");
    }

    #[test]
    fn a_cycle_of_two_much_cited_papers_converges() {
        // 0 <-> 1, each cited by 100,000 papers: large values, whose rounding noise an absolute
        // tolerance could never get under.
        let mut edges = vec![(0, 1), (1, 0)];
        edges.extend((2..100_002).map(|i| (i, i % 2)));
        let x = pr(100_002, &edges);
        let s: f64 = x.iter().sum();
        assert!((s - 1.0).abs() < 1e-9);
        assert!((x[0] - x[1]).abs() < 1e-12 && x[0] > 0.4);
    }

    #[test]
    fn a_long_chain_does_not_exhaust_the_stack() {
        // Each paper cites the one before: a depth-first search 300,000 deep.
        let n = 300_000u32;
        let edges: Vec<(u32, u32)> = (1..n).map(|i| (i, i - 1)).collect();
        let x = pr(n as usize, &edges);
        let s: f64 = x.iter().sum();
        assert!((s - 1.0).abs() < 1e-9);
        // Rank flows to older papers: it never decreases along the chain (the values approach
        // the limit 1 / (1 - alpha) of the unnormalized y geometrically, so they end up equal).
        assert!(x.windows(2).all(|w| w[0] >= w[1]));
        assert!(x[0] > 6.0 * x[(n - 1) as usize]);
    }

    #[test]
    fn rejects_a_damping_factor_outside_0_1() {
        let csr = Csr::from_edges(2, [(0, 1)]).unwrap();
        for alpha in [1.0, -0.1, f64::NAN] {
            let options = PageRankOptions {
                alpha,
                ..PageRankOptions::default()
            };
            assert!(matches!(
                pagerank(&csr, &options),
                Err(MetricsError::BadParameter { .. })
            ));
        }
    }

    #[test]
    fn reports_non_convergence() {
        // A cycle needs sweeps; one is not enough.
        let csr = Csr::from_edges(3, [(0, 1), (1, 2), (2, 0), (2, 1)]).unwrap();
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
