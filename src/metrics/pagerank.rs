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
//! references point to older papers) is then solved exactly in one step, a cycle by Gauss-Seidel
//! sweeps over its nodes until a sweep's L1 change, relative to its values, is within the
//! tolerance. This is PRPACK's approach (the solver igraph uses), and it needs no global iteration: on a DAG the cost
//! is one pass over the edges plus the component search, where power iteration needs
//! log(tolerance) / log(alpha) passes (about 100 for 1e-13 at 1M nodes).
//!
//! Source: L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation ranking: bringing
//! order to the web" (1999); the linear-system form and the component ordering: D. Gleich,
//! "PageRank beyond the web", SIAM Review 57(3), 2015, and PRPACK (D. Gleich, D. Kurokawa);
//! R. Tarjan, "Depth-first search and linear graph algorithms", SIAM J. Comput. 1(2), 1972.
//!
//! Cost: O(n + m) for the components and the acyclic part; each sweep over a cyclic component
//! costs its edges, and the error shrinks geometrically (Gauss-Seidel on this M-matrix converges
//! at least as fast as Jacobi, whose rate is alpha: Stein-Rosenberg). Sequential: the result does
//! not depend on the thread count.

use super::MetricsError;
use crate::graph::Csr;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRankOptions {
    /// Damping factor, in [0, 1): the probability of following a citation rather than jumping
    /// anywhere.
    pub alpha: f64,
    /// Relative tolerance of the Gauss-Seidel sweeps over a cyclic component: they stop when a
    /// sweep's L1 change is at most tolerance times the L1 norm of the component's values.
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
    // weight[u] = alpha / outdeg(u): what one unit of y_u gives each paper u cites.
    let weight: Vec<f64> = (0..n as u32)
        .map(|u| match csr.out_degree(u) {
            0 => 0.0,
            d => alpha / d as f64,
        })
        .collect();
    let mut y = vec![0.0f64; n];
    // Solved nodes are those of earlier components and, within a cyclic component, its own
    // nodes (whose current iterate is used); a citer is never unsolved when its cited is reached.
    let mut solver = ComponentSolver {
        csr,
        weight: &weight,
        options,
        external: Vec::new(),
        member: Vec::new(),
        cycles: 0,
    };
    components_citers_first(csr, |component| solver.solve(component, &mut y))?;
    let total: f64 = y.iter().sum();
    let scale = 1.0 / total;
    for value in &mut y {
        *value *= scale;
    }
    Ok(y)
}

struct ComponentSolver<'a> {
    csr: &'a Csr,
    weight: &'a [f64],
    options: &'a PageRankOptions,
    /// Per node of the current cyclic component: 1 plus what its citers outside it give.
    external: Vec<f64>,
    /// Per node (allocated at the first cycle): the number of its cyclic component, plus one;
    /// 0 for nodes not in one.
    member: Vec<u32>,
    /// Cyclic components met so far.
    cycles: u32,
}

impl ComponentSolver<'_> {
    /// Solves y on `component`, given y on every component citing into it.
    fn solve(&mut self, component: &[u32], y: &mut [f64]) -> Result<(), MetricsError> {
        if let [v] = *component {
            // One node: y_v = 1 + sum of the citers' gifts, the self-loop's on both sides.
            let mut pulled = 0.0;
            let mut own = 0.0;
            for &u in self.csr.in_neighbors(v) {
                if u == v {
                    own = self.weight[v as usize];
                } else {
                    pulled += y[u as usize] * self.weight[u as usize];
                }
            }
            y[v as usize] = (1.0 + pulled) / (1.0 - own);
            return Ok(());
        }
        // A cycle: Gauss-Seidel. Its nodes are not yet solved (y is 0 there until set here);
        // the gifts from outside are fixed.
        if self.member.is_empty() {
            self.member = vec![0; y.len()];
        }
        self.cycles += 1;
        let id = self.cycles;
        for &v in component {
            self.member[v as usize] = id;
        }
        let (csr, weight, member) = (self.csr, self.weight, &self.member);
        self.external.clear();
        self.external.extend(component.iter().map(|&v| {
            1.0 + csr
                .in_neighbors(v)
                .iter()
                .filter(|&&u| member[u as usize] != id)
                .map(|&u| y[u as usize] * weight[u as usize])
                .sum::<f64>()
        }));
        let mut change = f64::INFINITY;
        let mut limit = 0.0;
        for _ in 0..self.options.max_iterations {
            change = 0.0;
            let mut total = 0.0;
            for (&v, &outside) in component.iter().zip(&self.external) {
                let mut pulled = outside;
                let mut own = 0.0;
                for &u in csr.in_neighbors(v) {
                    if u == v {
                        own = weight[v as usize];
                    } else if member[u as usize] == id {
                        pulled += y[u as usize] * weight[u as usize];
                    }
                }
                let value = pulled / (1.0 - own);
                change += (value - y[v as usize]).abs();
                total += value;
                y[v as usize] = value;
            }
            // Relative to the component's values, which rounding perturbs in proportion: an
            // absolute bound could sit below the rounding noise of a cycle of highly cited papers.
            limit = total * self.options.tolerance;
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
        for _ in 0..2000 {
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
