//! Main path analysis of an acyclic citation graph: search path counts (SPC) of every edge, the
//! global main path and the key-route main paths.
//!
//! The graph is a DAG whose edges follow the flow of knowledge, from the cited paper to the citing
//! one (`u -> v`: v cites u). A *source* has in-degree 0 (cites nothing in the graph), a *sink*
//! out-degree 0 (cited by nothing in the graph). With N-(u) the number of paths from any source to
//! u (1 for a source) and N+(v) the number of paths from v to any sink (1 for a sink), the search
//! path count of an edge is the number of source-to-sink paths through it:
//!
//! ```text
//! spc(u, v) = N-(u) * N+(v)
//! N-(v) = 1 if v is a source, else sum over u -> v of N-(u)
//! N+(u) = 1 if u is a sink,   else sum over u -> v of N+(v)
//! ```
//!
//! The global main path is the source-to-sink path maximizing the sum of spc over its edges; a
//! key-route main path runs through one of the top-k edges by spc, extended backward to a source
//! and forward to a sink along the heaviest paths (the "global" key-route search). Ties are
//! broken towards the smaller node index everywhere (callers number nodes in a meaningful order,
//! e.g. by (year, paper id)).
//!
//! Path counts grow exponentially with the depth of the graph, so they are exact arbitrary-precision
//! integers ([`BigUint`]): nothing overflows and nothing is rounded.
//!
//! Sources: V. Batagelj, "Efficient algorithms for citation network analysis", arXiv:cs/0309023
//! (2003) (SPC); J. S. Liu, L. Y. Y. Lu, "An integrated approach for main path analysis:
//! development of the Hirsch index as an example", JASIST 63(3), 2012 (global and key-route main
//! paths); N. P. Hummon, P. Doreian, "Connectivity in a citation network", Social Networks 11, 1989.
//!
//! Cost: a topological sort, O(n log n + m), then O(m) big-integer additions and multiplications
//! per pass (counts, heaviest paths); numbers of d decimal digits cost O(d) to add and O(d^2) to
//! multiply. Memory: four big integers a node.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use num_bigint::BigUint;
use num_traits::{One, Zero};

use super::MetricsError;
use crate::graph::Csr;

/// The path counts of every node of a DAG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPathCounts {
    /// A topological order of the nodes (every edge goes forward in it); among the nodes free to
    /// come next, the smallest index first.
    pub order: Vec<u32>,
    /// N-(v): paths from any source to v (1 for a source).
    pub from_sources: Vec<BigUint>,
    /// N+(v): paths from v to any sink (1 for a sink).
    pub to_sinks: Vec<BigUint>,
}

impl SearchPathCounts {
    /// spc(u, v) = N-(u) * N+(v), the source-to-sink paths through the edge u -> v. Meaningful
    /// only for an edge of the graph the counts were computed on.
    pub fn edge(&self, u: u32, v: u32) -> BigUint {
        &self.from_sources[u as usize] * &self.to_sinks[v as usize]
    }

    /// The total number of source-to-sink paths (isolated nodes, paths of length 0, excluded):
    /// the sum of N+(s) over sources s with an out-edge.
    pub fn total_paths(&self, dag: &Csr) -> BigUint {
        (0..dag.node_count() as u32)
            .filter(|&v| dag.in_degree(v) == 0 && dag.out_degree(v) > 0)
            .map(|v| self.to_sinks[v as usize].clone())
            .sum()
    }
}

/// N-(v) and N+(v) of every node of `dag`. An error when `dag` has a cycle (naming how many
/// nodes are on or behind cycles). A self-loop is a cycle.
pub fn search_path_counts(dag: &Csr) -> Result<SearchPathCounts, MetricsError> {
    let order = topological_order(dag)?;
    let n = dag.node_count();
    let mut from_sources = vec![BigUint::zero(); n];
    for &v in &order {
        let preds = dag.in_neighbors(v);
        from_sources[v as usize] = if preds.is_empty() {
            BigUint::one()
        } else {
            preds.iter().map(|&u| &from_sources[u as usize]).sum()
        };
    }
    let mut to_sinks = vec![BigUint::zero(); n];
    for &v in order.iter().rev() {
        let succs = dag.out_neighbors(v);
        to_sinks[v as usize] = if succs.is_empty() {
            BigUint::one()
        } else {
            succs.iter().map(|&w| &to_sinks[w as usize]).sum()
        };
    }
    Ok(SearchPathCounts {
        order,
        from_sources,
        to_sinks,
    })
}

/// Kahn's algorithm with a min-heap: a node comes out once all its predecessors have, the
/// smallest index first. O(n log n + m).
fn topological_order(dag: &Csr) -> Result<Vec<u32>, MetricsError> {
    let n = dag.node_count();
    let mut remaining: Vec<usize> = (0..n as u32).map(|v| dag.in_degree(v)).collect();
    let mut ready: BinaryHeap<Reverse<u32>> = (0..n as u32)
        .filter(|&v| remaining[v as usize] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(v)) = ready.pop() {
        order.push(v);
        for &w in dag.out_neighbors(v) {
            remaining[w as usize] -= 1;
            if remaining[w as usize] == 0 {
                ready.push(Reverse(w));
            }
        }
    }
    if order.len() < n {
        return Err(MetricsError::BadParameter {
            metric: "search path count",
            reason: format!(
                "the graph is not acyclic: {} of its {n} nodes are on a cycle or reached from \
                 one; keep only the edges that go forward in a total order (e.g. by year)",
                n - order.len()
            ),
        });
    }
    Ok(order)
}

/// A path of the DAG and its weight, the sum of spc over its edges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MainPath {
    /// The nodes from the source to the sink (empty when the graph has no edge).
    pub nodes: Vec<u32>,
    pub weight: BigUint,
}

impl MainPath {
    /// The edges (u, v) of the path, in order.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.nodes.windows(2).map(|w| (w[0], w[1]))
    }
}

/// The heaviest paths into and out of every node: `into[v]` the largest spc sum of a path from
/// a source to v, `out_of[v]` of a path from v to a sink (0 for a source, resp. a sink).
struct Heaviest {
    into: Vec<BigUint>,
    out_of: Vec<BigUint>,
}

impl Heaviest {
    fn compute(dag: &Csr, spc: &SearchPathCounts) -> Heaviest {
        let n = dag.node_count();
        let mut into = vec![BigUint::zero(); n];
        for &v in &spc.order {
            if let Some(best) = dag
                .in_neighbors(v)
                .iter()
                .map(|&u| &into[u as usize] + spc.edge(u, v))
                .max()
            {
                into[v as usize] = best;
            }
        }
        let mut out_of = vec![BigUint::zero(); n];
        for &v in spc.order.iter().rev() {
            if let Some(best) = dag
                .out_neighbors(v)
                .iter()
                .map(|&w| spc.edge(v, w) + &out_of[w as usize])
                .max()
            {
                out_of[v as usize] = best;
            }
        }
        Heaviest { into, out_of }
    }

    /// From `v` to a sink along the heaviest continuation (ties: the smallest next node).
    fn forward(&self, dag: &Csr, spc: &SearchPathCounts, v: u32, path: &mut Vec<u32>) {
        let mut at = v;
        loop {
            let next = best_by(dag.out_neighbors(at), |w| {
                spc.edge(at, w) + &self.out_of[w as usize]
            });
            match next {
                Some(w) => {
                    path.push(w);
                    at = w;
                }
                None => return,
            }
        }
    }

    /// From a source to `v` along the heaviest path into it (ties: the smallest predecessor at
    /// each step back), `v` included last.
    fn backward(&self, dag: &Csr, spc: &SearchPathCounts, v: u32) -> Vec<u32> {
        let mut path = vec![v];
        let mut at = v;
        while let Some(u) = best_by(dag.in_neighbors(at), |u| {
            &self.into[u as usize] + spc.edge(u, at)
        }) {
            path.push(u);
            at = u;
        }
        path.reverse();
        path
    }
}

/// The first element of `candidates` (sorted ascending) with the largest key.
fn best_by(candidates: &[u32], key: impl Fn(u32) -> BigUint) -> Option<u32> {
    let mut best: Option<(u32, BigUint)> = None;
    for &c in candidates {
        let k = key(c);
        if best
            .as_ref()
            .is_none_or(|(_, b)| k.cmp(b) == Ordering::Greater)
        {
            best = Some((c, k));
        }
    }
    best.map(|(c, _)| c)
}

/// The global main path (Liu & Lu 2012): the source-to-sink path with the largest sum of spc.
/// Ties: the smallest source, then the smallest next node at each step. Empty (weight 0) when
/// the graph has no edge.
pub fn global_main_path(dag: &Csr, spc: &SearchPathCounts) -> MainPath {
    let heaviest = Heaviest::compute(dag, spc);
    let sources: Vec<u32> = (0..dag.node_count() as u32)
        .filter(|&v| dag.in_degree(v) == 0 && dag.out_degree(v) > 0)
        .collect();
    let Some(start) = best_by(&sources, |s| heaviest.out_of[s as usize].clone()) else {
        return MainPath::default();
    };
    let mut nodes = vec![start];
    heaviest.forward(dag, spc, start, &mut nodes);
    MainPath {
        weight: heaviest.out_of[start as usize].clone(),
        nodes,
    }
}

/// A key-route main path: the heaviest source-to-sink path through one key edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRoute {
    /// The key edge (u, v) and its spc.
    pub key: (u32, u32),
    pub key_spc: BigUint,
    pub path: MainPath,
}

/// The key-route main paths (Liu & Lu 2012) of the top `k` edges by spc (ties: by (u, v)
/// ascending): each key edge u -> v extended backward from u to a source along the heaviest path
/// into u, and forward from v to a sink along the heaviest path out of v. One route a key edge,
/// in key order; fewer when the graph has fewer than `k` edges.
pub fn key_route_main_paths(dag: &Csr, spc: &SearchPathCounts, k: usize) -> Vec<KeyRoute> {
    if k == 0 {
        return Vec::new();
    }
    let mut edges: Vec<(BigUint, u32, u32)> =
        dag.edges().map(|(u, v)| (spc.edge(u, v), u, v)).collect();
    edges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    edges.truncate(k);
    let heaviest = Heaviest::compute(dag, spc);
    edges
        .into_iter()
        .map(|(key_spc, u, v)| {
            let mut nodes = heaviest.backward(dag, spc, u);
            nodes.push(v);
            heaviest.forward(dag, spc, v, &mut nodes);
            let weight = &heaviest.into[u as usize] + &key_spc + &heaviest.out_of[v as usize];
            KeyRoute {
                key: (u, v),
                key_spc,
                path: MainPath { nodes, weight },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dag(n: usize, edges: &[(u32, u32)]) -> Csr {
        Csr::from_edges(n, edges.iter().copied()).unwrap()
    }

    fn big(x: u64) -> BigUint {
        BigUint::from(x)
    }

    /// Every source-to-sink path, by brute force.
    fn all_paths(g: &Csr) -> Vec<Vec<u32>> {
        fn extend(g: &Csr, path: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
            let last = *path.last().unwrap();
            if g.out_degree(last) == 0 {
                out.push(path.clone());
                return;
            }
            for &w in g.out_neighbors(last) {
                path.push(w);
                extend(g, path, out);
                path.pop();
            }
        }
        let mut out = Vec::new();
        for s in 0..g.node_count() as u32 {
            if g.in_degree(s) == 0 && g.out_degree(s) > 0 {
                extend(g, &mut vec![s], &mut out);
            }
        }
        out
    }

    #[test]
    fn spc_counts_the_paths_through_each_edge() {
        // Hummon & Doreian's style example: two sources 0, 1; a diamond 2 -> {3, 4} -> 5; 6 a
        // second sink.
        let edges = [(0, 2), (1, 2), (2, 3), (2, 4), (3, 5), (4, 5), (4, 6)];
        let g = dag(7, &edges);
        let spc = search_path_counts(&g).unwrap();
        let paths = all_paths(&g);
        assert_eq!(paths.len(), 6);
        assert_eq!(spc.total_paths(&g), big(6));
        for &(u, v) in &edges {
            let through = paths
                .iter()
                .filter(|p| p.windows(2).any(|w| w == [u, v]))
                .count() as u64;
            assert_eq!(spc.edge(u, v), big(through), "edge {u} -> {v}");
        }
        assert_eq!(spc.edge(2, 4), big(4));
        assert_eq!(spc.edge(4, 6), big(2));
    }

    #[test]
    fn main_path_maximizes_the_spc_sum() {
        let edges = [(0, 2), (1, 2), (2, 3), (2, 4), (3, 5), (4, 5), (4, 6)];
        let g = dag(7, &edges);
        let spc = search_path_counts(&g).unwrap();
        let main = global_main_path(&g, &spc);
        // Brute force over every source-to-sink path.
        let best = all_paths(&g)
            .iter()
            .map(|p| p.windows(2).map(|w| spc.edge(w[0], w[1])).sum::<BigUint>())
            .max()
            .unwrap();
        assert_eq!(main.weight, best);
        // spc: 0->2 3, 2->4 4, 4->5 2, 4->6 2: ties at the end go to the smaller node 5.
        assert_eq!(main.nodes, vec![0, 2, 4, 5]);
        assert_eq!(main.weight, big(3 + 4 + 2));
        let sum: BigUint = main.edges().map(|(u, v)| spc.edge(u, v)).sum();
        assert_eq!(sum, main.weight);
    }

    #[test]
    fn key_routes_run_through_their_key_edge() {
        let edges = [(0, 2), (1, 2), (2, 3), (2, 4), (3, 5), (4, 5), (4, 6)];
        let g = dag(7, &edges);
        let spc = search_path_counts(&g).unwrap();
        let routes = key_route_main_paths(&g, &spc, 3);
        let keys: Vec<(u32, u32)> = routes.iter().map(|r| r.key).collect();
        // spc: 2->4 4, then 0->2 and 1->2 at 3, ordered by source.
        assert_eq!(keys, vec![(2, 4), (0, 2), (1, 2)]);
        assert_eq!(routes[2].path.nodes, vec![1, 2, 4, 5]);
        for route in &routes {
            let sum: BigUint = route.path.edges().map(|(u, v)| spc.edge(u, v)).sum();
            assert_eq!(sum, route.path.weight);
            assert!(route.path.edges().any(|e| e == route.key));
        }
        assert!(key_route_main_paths(&g, &spc, 0).is_empty());
        assert_eq!(key_route_main_paths(&g, &spc, 100).len(), edges.len());
    }

    #[test]
    fn cycles_are_refused() {
        let g = dag(3, &[(0, 1), (1, 2), (2, 1)]);
        let err = search_path_counts(&g).unwrap_err();
        assert!(err.to_string().contains("2 of its 3 nodes"), "{err}");
        assert!(search_path_counts(&dag(1, &[(0, 0)])).is_err());
    }

    #[test]
    fn empty_and_edgeless_graphs() {
        let g = dag(0, &[]);
        let spc = search_path_counts(&g).unwrap();
        assert_eq!(global_main_path(&g, &spc), MainPath::default());
        let g = dag(3, &[]);
        let spc = search_path_counts(&g).unwrap();
        assert_eq!(spc.total_paths(&g), big(0));
        assert!(global_main_path(&g, &spc).nodes.is_empty());
    }

    #[test]
    fn counts_beyond_u128_stay_exact() {
        // 150 layers of two nodes, each connected to both of the next: 2^150 paths.
        let layers = 150u32;
        let mut edges = Vec::new();
        for l in 0..layers - 1 {
            for a in 0..2 {
                for b in 0..2 {
                    edges.push((2 * l + a, 2 * (l + 1) + b));
                }
            }
        }
        let g = dag(2 * layers as usize, &edges);
        let spc = search_path_counts(&g).unwrap();
        assert_eq!(spc.total_paths(&g), BigUint::one() << 150);
        // Every edge of layer l carries 2^l * 2^(layers - 2 - l) paths.
        assert_eq!(spc.edge(0, 2), BigUint::one() << 148);
        let main = global_main_path(&g, &spc);
        assert_eq!(main.nodes.len(), layers as usize);
        assert_eq!(
            main.weight,
            (BigUint::one() << 148) * BigUint::from(layers - 1)
        );
    }
}
