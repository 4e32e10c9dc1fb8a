//! Core numbers (k-core decomposition) of the undirected simple graph, equal to
//! `networkx.core_number(G.to_undirected())` once self-loops are removed (networkx refuses them).
//!
//! core(v) = the largest k such that v belongs to a subgraph where every node has degree >= k.
//! Batagelj and Zaversnik's bucket algorithm: visit nodes by increasing current degree, each
//! visit fixing the node's core number and lowering its unvisited neighbours' degrees.
//!
//! Source: V. Batagelj, M. Zaversnik, "An O(m) algorithm for cores decomposition of networks"
//! (2003), arXiv:cs/0310049. Cost: O(n + m) time, four arrays of n integers.

use crate::graph::UndirectedCsr;

pub fn core_number(graph: &UndirectedCsr) -> Vec<u32> {
    let n = graph.node_count();
    let mut degree: Vec<u32> = (0..n as u32).map(|v| graph.degree(v) as u32).collect();
    let max_degree = degree.iter().copied().max().unwrap_or(0) as usize;
    // bin[d]: the first position in `vertices` of the nodes of current degree d.
    let mut bin = vec![0usize; max_degree + 1];
    for &d in &degree {
        bin[d as usize] += 1;
    }
    let mut start = 0;
    for b in bin.iter_mut() {
        let count = *b;
        *b = start;
        start += count;
    }
    let mut position = vec![0usize; n];
    let mut vertices = vec![0u32; n];
    {
        let mut next = bin.clone();
        for v in 0..n {
            let d = degree[v] as usize;
            position[v] = next[d];
            vertices[next[d]] = v as u32;
            next[d] += 1;
        }
    }
    for i in 0..n {
        let v = vertices[i];
        let dv = degree[v as usize];
        for &u in graph.neighbors(v) {
            let du = degree[u as usize];
            if du > dv {
                // Move u to the front of its bin, then shrink the bin past it.
                let pu = position[u as usize];
                let pw = bin[du as usize];
                let w = vertices[pw];
                if u != w {
                    position[u as usize] = pw;
                    vertices[pu] = w;
                    position[w as usize] = pu;
                    vertices[pw] = u;
                }
                bin[du as usize] += 1;
                degree[u as usize] = du - 1;
            }
        }
    }
    degree
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cores(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
        core_number(&UndirectedCsr::from_edges(n, edges.iter().copied()).unwrap())
    }

    #[test]
    fn star_chain_and_isolated() {
        assert_eq!(cores(4, &[(1, 0), (2, 0), (3, 0)]), vec![1, 1, 1, 1]);
        assert_eq!(cores(4, &[(0, 1), (1, 2)]), vec![1, 1, 1, 0]);
        assert_eq!(cores(0, &[]), Vec::<u32>::new());
    }

    #[test]
    fn clique_with_a_tail() {
        // K4 on 0..4 plus a tail 3 - 4 - 5: the clique is a 3-core, the tail 1.
        let mut edges = vec![(4, 3), (5, 4)];
        for a in 0..4 {
            for b in a + 1..4 {
                edges.push((a, b));
            }
        }
        assert_eq!(cores(6, &edges), vec![3, 3, 3, 3, 1, 1]);
    }

    #[test]
    fn mutual_citations_self_loops_and_duplicates_count_once() {
        // 0 <-> 1 is one undirected edge; the self-loop on 2 is dropped.
        assert_eq!(cores(3, &[(0, 1), (1, 0), (2, 2), (0, 1)]), vec![1, 1, 0]);
    }
}
