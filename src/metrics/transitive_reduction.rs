//! Transitive reduction: the fewest edges that keep every "builds on" path of a citation graph.
//!
//! An edge `u -> v` is dropped when `v` stays reachable from `u` through the other edges still
//! kept. On a directed acyclic graph the result is the unique transitive reduction, the graph with
//! the fewest edges and the same reachability, equal to `networkx.transitive_reduction(G)`.
//!
//! Citation data has a few cycles (preprints citing each other, a paper citing its own later
//! version), and there the reduction is not unique: networkx refuses such a graph ("not a
//! DAG"). This function does not. It removes edges one at a time against the current graph, in
//! the reverse of a `priority` order the caller gives, so that:
//! - reachability is kept exactly (an edge goes only while another path replaces it), also
//!   between the papers of a cycle;
//! - the result is minimal: no kept edge can be removed without losing a path (removals only
//!   shrink the graph, so an edge needed when it was tried stays needed);
//! - among equal choices the earlier edges of `priority` stay: when `a` and `b` cite each other
//!   and both cite `c`, either `a -> c` or `b -> c` can go, and the one listed later goes.
//!
//! It is minimal, not minimum: the smallest equivalent subgraph of a graph with cycles is
//! NP-hard to find, and the drawing needs only one stable answer.
//!
//! Self-loops are not part of any path between two papers and never appear in the result.
//!
//! Source: A. V. Aho, M. R. Garey, J. D. Ullman, "The transitive reduction of a directed graph",
//! SIAM Journal on Computing 1(2), 1972. Cost: one depth-first search per edge, O(m (n + m))
//! time and O(n + m) memory; meant for the ~100 papers of a drawing, not the whole graph.

use crate::graph::Csr;

use super::MetricsError;

/// The edges of `graph` kept by the transitive reduction, in `priority` order.
///
/// `priority` lists every edge of `graph` except self-loops exactly once, the most important
/// first; edges are tried for removal from its last to its first (see the module comment for
/// what that decides on a graph with cycles; on a DAG any order gives the same set).
///
/// Errors: [`MetricsError::BadParameter`] when `priority` names a node outside the graph, a
/// self-loop, an edge the graph does not have or an edge twice, or leaves an edge out.
pub fn transitive_reduction(
    graph: &Csr,
    priority: &[(u32, u32)],
) -> Result<Vec<(u32, u32)>, MetricsError> {
    let n = graph.node_count();
    // first_edge[v]: the position of v's first out-edge in the CSR's edge order.
    let mut first_edge = Vec::with_capacity(n + 1);
    first_edge.push(0usize);
    for v in 0..n as u32 {
        first_edge.push(first_edge[v as usize] + graph.out_degree(v));
    }
    let positions = edge_positions(graph, &first_edge, priority)?;

    let mut alive = vec![false; graph.edge_count()];
    for &position in &positions {
        alive[position] = true;
    }
    let mut visited = vec![false; n];
    let mut stack = Vec::new();
    for (&(source, target), &edge) in priority.iter().zip(&positions).rev() {
        alive[edge] = false;
        visited.iter_mut().for_each(|v| *v = false);
        stack.clear();
        stack.push(source);
        visited[source as usize] = true;
        let mut reachable = false;
        'search: while let Some(v) = stack.pop() {
            let first = first_edge[v as usize];
            for (offset, &w) in graph.out_neighbors(v).iter().enumerate() {
                if !alive[first + offset] {
                    continue;
                }
                if w == target {
                    reachable = true;
                    break 'search;
                }
                if !visited[w as usize] {
                    visited[w as usize] = true;
                    stack.push(w);
                }
            }
        }
        alive[edge] = !reachable;
    }
    Ok(priority
        .iter()
        .zip(&positions)
        .filter(|(_, &edge)| alive[edge])
        .map(|(&pair, _)| pair)
        .collect())
}

/// Each `priority` edge's position in the CSR's edge order, after checking that `priority`
/// lists every edge but the self-loops exactly once.
fn edge_positions(
    graph: &Csr,
    first_edge: &[usize],
    priority: &[(u32, u32)],
) -> Result<Vec<usize>, MetricsError> {
    let bad = |reason: String| MetricsError::BadParameter {
        metric: "transitive reduction",
        reason,
    };
    let n = graph.node_count();
    let mut listed = vec![false; graph.edge_count()];
    let mut positions = Vec::with_capacity(priority.len());
    for &(source, target) in priority {
        if source as usize >= n || target as usize >= n {
            return Err(bad(format!(
                "priority edge {source} -> {target} names a node beyond the {n} nodes of the graph"
            )));
        }
        if source == target {
            return Err(bad(format!(
                "priority lists the self-loop {source} -> {source}; leave self-loops out"
            )));
        }
        let Ok(offset) = graph.out_neighbors(source).binary_search(&target) else {
            return Err(bad(format!(
                "priority edge {source} -> {target} is not an edge of the graph"
            )));
        };
        let position = first_edge[source as usize] + offset;
        if std::mem::replace(&mut listed[position], true) {
            return Err(bad(format!(
                "priority lists the edge {source} -> {target} twice"
            )));
        }
        positions.push(position);
    }
    let self_loops = (0..n as u32)
        .filter(|&v| graph.out_neighbors(v).binary_search(&v).is_ok())
        .count();
    let expected = graph.edge_count() - self_loops;
    if positions.len() != expected {
        return Err(bad(format!(
            "priority lists {} edges but the graph has {expected} besides self-loops; list each once",
            positions.len()
        )));
    }
    Ok(positions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::SplitMix64;

    fn reduce(n: usize, priority: &[(u32, u32)]) -> Vec<(u32, u32)> {
        let graph = Csr::from_edges(n, priority.iter().copied()).unwrap();
        transitive_reduction(&graph, priority).unwrap()
    }

    /// Which nodes each node reaches (itself excluded unless on a cycle), by search.
    fn reachability(n: usize, edges: &[(u32, u32)]) -> Vec<Vec<bool>> {
        let graph = Csr::from_edges(n, edges.iter().copied()).unwrap();
        (0..n as u32)
            .map(|s| {
                let mut seen = vec![false; n];
                let mut stack = vec![s];
                while let Some(v) = stack.pop() {
                    for &w in graph.out_neighbors(v) {
                        if !seen[w as usize] {
                            seen[w as usize] = true;
                            stack.push(w);
                        }
                    }
                }
                seen
            })
            .collect()
    }

    /// networkx's `transitive_reduction` of the DAG `edges` on `n` nodes, sorted.
    fn networkx_reduction(n: usize, edges: &[(u32, u32)]) -> Vec<(u32, u32)> {
        let script = format!(
            "import networkx as nx\nG = nx.DiGraph()\nG.add_nodes_from(range({n}))\n\
             G.add_edges_from({edges:?})\nfor s, t in sorted(nx.transitive_reduction(G).edges()):\n\
             \x20   print(s, t)"
        );
        let output = std::process::Command::new("python3")
            .args(["-c", &script])
            .output()
            .expect("python3 is needed for the networkx oracle (run .ci/setup)");
        assert!(
            output.status.success(),
            "networkx is needed for the transitive reduction oracle (run .ci/setup): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| {
                let (s, t) = line.split_once(' ').unwrap();
                (s.parse().unwrap(), t.parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn matches_networkx_on_citation_like_dags() {
        for seed in [1, 2, 3] {
            // Papers cite older papers only (lower numbers): a DAG, dense enough for shortcuts.
            let n = 60u32;
            let mut rng = SplitMix64::new(seed);
            let mut edges = Vec::new();
            for v in 1..n {
                for _ in 0..1 + rng.next_u64() % 6 {
                    let older = (rng.next_u64() % u64::from(v)) as u32;
                    if !edges.contains(&(v, older)) {
                        edges.push((v, older));
                    }
                }
            }
            let expected = networkx_reduction(n as usize, &edges);
            assert!(expected.len() < edges.len(), "seed {seed}: no shortcut");
            // On a DAG the priority order must not matter.
            for priority in [edges.clone(), edges.iter().rev().copied().collect()] {
                let mut kept = reduce(n as usize, &priority);
                kept.sort_unstable();
                assert_eq!(kept, expected, "seed {seed}");
            }
        }
    }

    #[test]
    fn keeps_priority_order_and_drops_shortcuts() {
        // 2 -> 1 -> 0 makes 2 -> 0 a shortcut; 3 -> 0 is the only path from 3.
        let kept = reduce(4, &[(2, 1), (1, 0), (2, 0), (3, 0)]);
        assert_eq!(kept, vec![(2, 1), (1, 0), (3, 0)]);
        assert_eq!(reduce(0, &[]), Vec::new());
    }

    #[test]
    fn on_a_cycle_keeps_the_earlier_of_equal_choices() {
        // 0 and 1 cite each other (a cycle, which networkx refuses) and both cite 2: one of the
        // edges to 2 suffices, and the one listed later goes.
        let kept = reduce(3, &[(0, 1), (1, 0), (0, 2), (1, 2)]);
        assert_eq!(kept, vec![(0, 1), (1, 0), (0, 2)]);
        let kept = reduce(3, &[(0, 1), (1, 0), (1, 2), (0, 2)]);
        assert_eq!(kept, vec![(0, 1), (1, 0), (1, 2)]);
        // A three-cycle with the shortcut 0 -> 2 keeps the cycle.
        let kept = reduce(3, &[(0, 1), (1, 2), (2, 0), (0, 2)]);
        assert_eq!(kept, vec![(0, 1), (1, 2), (2, 0)]);
    }

    #[test]
    fn on_random_graphs_with_cycles_keeps_reachability_and_is_minimal() {
        let n = 30usize;
        let mut rng = SplitMix64::new(7);
        let mut edges = Vec::new();
        for _ in 0..120 {
            let (s, t) = (
                (rng.next_u64() % n as u64) as u32,
                (rng.next_u64() % n as u64) as u32,
            );
            if s != t && !edges.contains(&(s, t)) {
                edges.push((s, t));
            }
        }
        let kept = reduce(n, &edges);
        assert!(kept.len() < edges.len());
        assert_eq!(reachability(n, &kept), reachability(n, &edges));
        for drop in 0..kept.len() {
            let mut fewer = kept.clone();
            fewer.remove(drop);
            assert_ne!(
                reachability(n, &fewer),
                reachability(n, &edges),
                "{:?} is not needed",
                kept[drop]
            );
        }
    }

    #[test]
    fn rejects_a_priority_that_is_not_the_edge_list() {
        let graph = Csr::from_edges(3, [(0, 1), (1, 2), (2, 2)]).unwrap();
        for priority in [
            vec![(0, 1)],
            vec![(0, 1), (1, 2), (1, 2)],
            vec![(0, 1), (1, 2), (2, 2)],
            vec![(0, 1), (2, 1)],
            vec![(0, 1), (1, 3)],
        ] {
            assert!(
                matches!(
                    transitive_reduction(&graph, &priority),
                    Err(MetricsError::BadParameter { .. })
                ),
                "{priority:?}"
            );
        }
        assert_eq!(
            transitive_reduction(&graph, &[(1, 2), (0, 1)]),
            Ok(vec![(1, 2), (0, 1)])
        );
    }
}
