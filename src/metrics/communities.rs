//! Modularity, and the machinery Leiden ([`super::leiden`]) runs on: a weighted undirected graph
//! that aggregates, the fast local moving phase, and label renumbering.
//!
//! Modularity (Newman & Girvan 2004; networkx `community.modularity`):
//! Q = sum over communities c of [ L_c / m - gamma * (d_c / 2m)^2 ], with m the total edge weight,
//! L_c the weight of the edges inside c and d_c the sum of the (weighted) degrees of c's nodes.
//! Cost: O(n + m).

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

use rayon::prelude::*;

use super::SplitMix64;
use crate::graph::UndirectedCsr;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Partition {
    /// Community of each node, 0 the largest.
    pub labels: Vec<u32>,
    pub count: usize,
    pub modularity: f64,
}

/// Modularity of the partition `labels` (any u32 values) of `graph`; 0 for a graph without edges.
pub fn modularity(graph: &UndirectedCsr, labels: &[u32], resolution: f64) -> f64 {
    if graph.edge_count() == 0 {
        return 0.0;
    }
    let (compact, _) = compact_labels(labels);
    Weighted::from_graph(graph).modularity(&compact, resolution)
}

/// Moves nodes between communities while a move raises modularity. The nodes are queued in a
/// seeded random order; a node that moves re-queues its neighbours outside its new community
/// (the "fast local move" of Traag, Waltman, van Eck, "From Louvain to Leiden", Sci. Rep. 9,
/// 2019): the same local optimum as repeated full passes, without rescanning settled regions.
/// At most 100 visits per node, a guard against floating-point ping-pong.
pub(super) fn local_moves(
    g: &Weighted,
    community: &mut [u32],
    resolution: f64,
    rng: &mut SplitMix64,
) -> usize {
    let n = g.node_count();
    let two_m = 2.0 * g.total;
    let mut total = vec![0.0; n];
    for v in 0..n {
        total[community[v] as usize] += g.degree[v];
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut order);
    let mut queue: VecDeque<u32> = order.into();
    let mut queued = vec![true; n];
    let mut to_community = vec![0.0; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut visits = 0usize;
    let max_visits = n.saturating_mul(100);
    while let Some(v) = queue.pop_front() {
        visits += 1;
        if visits > max_visits {
            break;
        }
        queued[v as usize] = false;
        let own = community[v as usize];
        let k = g.degree[v as usize];
        touched.clear();
        g.for_each_neighbor(v, |u, w| {
            let c = community[u as usize];
            if to_community[c as usize] == 0.0 {
                touched.push(c);
            }
            to_community[c as usize] += w;
        });
        total[own as usize] -= k;
        let best = best_move(own, &touched, |c| {
            to_community[c as usize] - resolution * total[c as usize] * k / two_m
        });
        total[best as usize] += k;
        for &c in &touched {
            to_community[c as usize] = 0.0;
        }
        if best != own {
            community[v as usize] = best;
            g.for_each_neighbor(v, |u, _| {
                if community[u as usize] != best && !queued[u as usize] {
                    queued[u as usize] = true;
                    queue.push_back(u);
                }
            });
        }
    }
    visits
}

/// The community of largest `gain` among `own` and the neighbouring ones (`touched`, in the
/// order first met): `own` unless another gains strictly more, the first of equals otherwise.
pub(super) fn best_move(own: u32, touched: &[u32], gain: impl Fn(u32) -> f64) -> u32 {
    let mut best = own;
    let mut best_gain = gain(own);
    for &c in touched {
        let g = gain(c);
        if g > best_gain {
            best = c;
            best_gain = g;
        }
    }
    best
}

/// The nodes of each label of the compact `labels` (below `count`), by a counting sort: label c
/// holds `members[start[c]..start[c + 1]]`, in node order. Returns (start, members), of lengths
/// count + 1 and labels.len().
pub(super) fn members_by_label(labels: &[u32], count: usize) -> (Vec<usize>, Vec<u32>) {
    let mut start = vec![0usize; count + 1];
    for &l in labels {
        start[l as usize + 1] += 1;
    }
    for c in 0..count {
        start[c + 1] += start[c];
    }
    let mut members = vec![0u32; labels.len()];
    let mut next = start.clone();
    for (v, &c) in labels.iter().enumerate() {
        members[next[c as usize]] = v as u32;
        next[c as usize] += 1;
    }
    (start, members)
}

/// Labels renumbered 0.. in order of first appearance, and their count.
pub(super) fn compact_labels(labels: &[u32]) -> (Vec<u32>, usize) {
    let mut count = 0u32;
    let mut number = |slot: &mut u32| {
        if *slot == u32::MAX {
            *slot = count;
            count += 1;
        }
        *slot
    };
    let largest = labels.iter().copied().max().unwrap_or(0) as usize;
    // Labels are node or community numbers (below the node count) but for a caller's own: a
    // table then, a map otherwise.
    let compact = if largest <= 2 * labels.len() {
        let mut table = vec![u32::MAX; largest + 1];
        labels
            .iter()
            .map(|&l| number(&mut table[l as usize]))
            .collect()
    } else {
        let mut map: HashMap<u32, u32> = HashMap::new();
        labels
            .iter()
            .map(|&l| number(map.entry(l).or_insert(u32::MAX)))
            .collect()
    };
    (compact, count as usize)
}

/// Labels renumbered by decreasing community size, ties by smallest member.
pub(super) fn canonical_labels(labels: &[u32]) -> (Vec<u32>, usize) {
    let (compact, count) = compact_labels(labels);
    let mut size = vec![0usize; count];
    for &l in &compact {
        size[l as usize] += 1;
    }
    // Compact labels appear in order of their smallest member, so the label breaks size ties.
    let mut order: Vec<u32> = (0..count as u32).collect();
    order.sort_by_key(|&l| (std::cmp::Reverse(size[l as usize]), l));
    let mut rank = vec![0u32; count];
    for (r, &l) in order.iter().enumerate() {
        rank[l as usize] = r as u32;
    }
    (compact.iter().map(|&l| rank[l as usize]).collect(), count)
}

/// The input graph laid out for the first level of Leiden ([`super::leiden`]), where nearly all the time
/// goes (on a million papers, 10 million node visits each reading ~20 neighbours' communities at
/// random). Nodes are renumbered by decreasing degree, so that the hubs, which most adjacency
/// entries point to, share a few cache lines; each list keeps its order. Every weight is 1, so
/// the sums are integers, exact in any order, and held in u32s (half the memory of f64s and
/// usizes: the arrays read at random fit the cache twice as well). The moves are exactly those
/// [`local_moves`] makes on the input: same visits, same ties.
pub(super) struct UnitLevel {
    /// Node of this layout of each input node.
    new_of: Vec<u32>,
    offsets: Vec<u32>,
    neighbors: Vec<u32>,
    degree: Vec<u32>,
    two_m: f64,
}

impl UnitLevel {
    /// `None` when the degree sums would not fit a u32 (beyond two billion edges).
    pub(super) fn new(graph: &UndirectedCsr) -> Option<UnitLevel> {
        let n = graph.node_count();
        if 2 * graph.edge_count() > u32::MAX as usize {
            return None;
        }
        let mut old_of: Vec<u32> = (0..n as u32).collect();
        old_of.par_sort_unstable_by_key(|&v| (std::cmp::Reverse(graph.degree(v)), v));
        let mut new_of = vec![0u32; n];
        for (new, &old) in old_of.iter().enumerate() {
            new_of[old as usize] = new as u32;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut neighbors = Vec::with_capacity(2 * graph.edge_count());
        for &old in &old_of {
            neighbors.extend(graph.neighbors(old).iter().map(|&u| new_of[u as usize]));
            offsets.push(neighbors.len() as u32);
        }
        Some(UnitLevel {
            degree: old_of.iter().map(|&v| graph.degree(v) as u32).collect(),
            new_of,
            offsets,
            neighbors,
            two_m: 2.0 * graph.edge_count() as f64,
        })
    }

    /// Reads `v`'s neighbours' labels (to bring them into the cache).
    fn warm(&self, v: u32, label: &[u32]) -> u32 {
        let range = self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize;
        self.neighbors[range]
            .iter()
            .fold(0, |x, &u| x ^ label[u as usize])
    }

    /// [`local_moves`] on the input graph; `community` is indexed by input node, its labels any
    /// values below the node count (only the partition they make matters, here and after).
    pub(super) fn local_moves(
        &self,
        community: &mut [u32],
        resolution: f64,
        rng: &mut SplitMix64,
    ) -> usize {
        let n = self.degree.len();
        let two_m = self.two_m;
        let (mut label, mut total) = self.start(community);
        let mut order: Vec<u32> = (0..n as u32).collect();
        rng.shuffle(&mut order);
        let mut queue: VecDeque<u32> = order.iter().map(|&v| self.new_of[v as usize]).collect();
        drop(order);
        let mut queued = vec![true; n];
        let mut to_community = vec![0u32; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut labels: Vec<u32> = Vec::new();
        let mut visits = 0usize;
        let max_visits = n.saturating_mul(100);
        while let Some(v) = queue.pop_front() {
            visits += 1;
            if visits > max_visits {
                break;
            }
            queued[v as usize] = false;
            // The queue says which node comes a few visits later: its neighbours' labels are
            // loaded now (independent loads, overlapping this visit's), so that its visit
            // finds them in the cache. Only the cache sees this.
            if let Some(&ahead) = queue.get(LOOKAHEAD) {
                std::hint::black_box(self.warm(ahead, &label));
            }
            let own = label[v as usize];
            let degree = self.degree[v as usize];
            let k = f64::from(degree);
            let neighbors = &self.neighbors
                [self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize];
            // The neighbours' labels first: independent loads the processor overlaps, where
            // one loop would wait for each label before the next count.
            labels.clear();
            labels.extend(neighbors.iter().map(|&u| label[u as usize]));
            touched.clear();
            for &c in &labels {
                if to_community[c as usize] == 0 {
                    touched.push(c);
                }
                to_community[c as usize] += 1;
            }
            total[own as usize] -= degree;
            // The expression of `local_moves`, on the same (integer) values.
            let best = best_move(own, &touched, |c| {
                f64::from(to_community[c as usize])
                    - resolution * f64::from(total[c as usize]) * k / two_m
            });
            total[best as usize] += degree;
            for &c in &touched {
                to_community[c as usize] = 0;
            }
            if best != own {
                label[v as usize] = best;
                for &u in neighbors {
                    if label[u as usize] != best && !queued[u as usize] {
                        queued[u as usize] = true;
                        queue.push_back(u);
                    }
                }
            }
        }
        for (v, c) in community.iter_mut().enumerate() {
            *c = label[self.new_of[v] as usize];
        }
        visits
    }
}

impl UnitLevel {
    /// The labels of `community` renumbered like the nodes (so that singletons are their own
    /// node's number), and each label's degree sum.
    fn start(&self, community: &[u32]) -> (Vec<u32>, Vec<u32>) {
        let n = self.degree.len();
        let mut label = vec![0u32; n];
        for (v, &c) in community.iter().enumerate() {
            label[self.new_of[v] as usize] = self.new_of[c as usize];
        }
        let mut total = vec![0u32; n];
        for v in 0..n {
            total[label[v] as usize] += self.degree[v];
        }
        (label, total)
    }
}

/// Visits ahead whose data [`UnitLevel::local_moves`] loads early (2 to 5 did best on a
/// million papers: a sixth less time than none).
const LOOKAHEAD: usize = 4;

/// A weighted undirected graph: level 0 borrows the input (unit weights), later levels are the
/// aggregated communities with their internal weight as a self-loop.
#[derive(Clone)]
pub(super) struct Weighted<'a> {
    pub(super) offsets: Cow<'a, [usize]>,
    pub(super) neighbors: Cow<'a, [u32]>,
    /// `None`: every edge weighs 1.
    pub(super) weights: Option<Vec<f64>>,
    /// Self-loop weight of each node (counted once in `total`).
    pub(super) loops: Vec<f64>,
    /// Weighted degree: 2 * loop + the weights of the other edges.
    pub(super) degree: Vec<f64>,
    /// m: the total edge weight.
    pub(super) total: f64,
}

impl<'a> Weighted<'a> {
    pub(super) fn from_graph(graph: &'a UndirectedCsr) -> Weighted<'a> {
        let n = graph.node_count();
        let (offsets, neighbors) = graph.parts();
        Weighted {
            degree: (0..n as u32).map(|v| graph.degree(v) as f64).collect(),
            offsets: Cow::Borrowed(offsets),
            neighbors: Cow::Borrowed(neighbors),
            weights: None,
            loops: vec![0.0; n],
            total: graph.edge_count() as f64,
        }
    }

    /// An owned graph of `node_count` nodes from weighted undirected edges (each pair once,
    /// both ends below `node_count`, no self-loops, positive weights), in any order.
    pub(super) fn from_weighted_edges(
        node_count: usize,
        edges: &[(u32, u32, f64)],
    ) -> Weighted<'static> {
        let mut offsets = vec![0usize; node_count + 1];
        for &(a, b, _) in edges {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for i in 0..node_count {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut neighbors = vec![0u32; offsets[node_count]];
        let mut weights = vec![0.0; offsets[node_count]];
        let mut degree = vec![0.0; node_count];
        let mut total = 0.0;
        for &(a, b, w) in edges {
            for (x, y) in [(a, b), (b, a)] {
                let slot = &mut next[x as usize];
                neighbors[*slot] = y;
                weights[*slot] = w;
                *slot += 1;
                degree[x as usize] += w;
            }
            total += w;
        }
        Weighted {
            offsets: Cow::Owned(offsets),
            neighbors: Cow::Owned(neighbors),
            weights: Some(weights),
            loops: vec![0.0; node_count],
            degree,
            total,
        }
    }

    pub(super) fn node_count(&self) -> usize {
        self.degree.len()
    }

    pub(super) fn for_each_neighbor(&self, v: u32, mut f: impl FnMut(u32, f64)) {
        let range = self.offsets[v as usize]..self.offsets[v as usize + 1];
        match &self.weights {
            Some(w) => {
                for i in range {
                    f(self.neighbors[i], w[i]);
                }
            }
            None => {
                for i in range {
                    f(self.neighbors[i], 1.0);
                }
            }
        }
    }

    /// Modularity of compact labels.
    pub(super) fn modularity(&self, labels: &[u32], resolution: f64) -> f64 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let count = labels.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
        let mut internal = vec![0.0; count];
        let mut degree = vec![0.0; count];
        for v in 0..self.node_count() {
            let c = labels[v] as usize;
            degree[c] += self.degree[v];
            internal[c] += self.loops[v];
            self.for_each_neighbor(v as u32, |u, w| {
                if labels[u as usize] as usize == c {
                    internal[c] += w / 2.0;
                }
            });
        }
        let two_m = 2.0 * self.total;
        internal
            .iter()
            .zip(&degree)
            .map(|(l, d)| l / self.total - resolution * (d / two_m) * (d / two_m))
            .sum()
    }

    /// One node per community of the compact `labels`. The communities are aggregated in
    /// parallel, in a few runs of consecutive communities; each community's sums are taken in
    /// the same order whatever the runs, so the result does not depend on the threads.
    pub(super) fn aggregate(&self, labels: &[u32], count: usize) -> Weighted<'static> {
        let n = self.node_count();
        let (start, members) = members_by_label(labels, count);
        // Runs of consecutive communities with about the same number of adjacency entries, a
        // few per thread (each run has a dense accumulator of `count` weights).
        let runs = (4 * rayon::current_num_threads()).clamp(1, count.max(1));
        let work = self.neighbors.len() + n;
        let mut bounds = vec![0usize];
        let mut done = 0usize;
        for c in 0..count {
            done += start[c + 1] - start[c];
            for &v in &members[start[c]..start[c + 1]] {
                done += self.offsets[v as usize + 1] - self.offsets[v as usize];
            }
            if done * runs >= work * bounds.len() && c + 1 < count {
                bounds.push(c + 1);
            }
        }
        bounds.push(count);
        let parts: Vec<AggregatePart> = bounds
            .par_windows(2)
            .map(|w| {
                // At most the run's adjacency entries (on a million papers the first level
                // keeps 94% of them): reserved once, not grown by copies.
                let entries: usize = members[start[w[0]]..start[w[1]]]
                    .iter()
                    .map(|&v| self.offsets[v as usize + 1] - self.offsets[v as usize])
                    .sum();
                let communities = w[1] - w[0];
                let mut part = AggregatePart {
                    lengths: Vec::with_capacity(communities),
                    neighbors: Vec::with_capacity(entries),
                    weights: Vec::with_capacity(entries),
                    loops: Vec::with_capacity(communities),
                    degree: Vec::with_capacity(communities),
                };
                let mut accumulated = vec![0.0; count];
                let mut touched: Vec<u32> = Vec::new();
                for c in w[0]..w[1] {
                    let (mut internal, mut degree) = (0.0, 0.0);
                    for &v in &members[start[c]..start[c + 1]] {
                        internal += self.loops[v as usize];
                        degree += self.degree[v as usize];
                        self.for_each_neighbor(v, |u, w| {
                            let cu = labels[u as usize];
                            if cu as usize == c {
                                internal += w / 2.0;
                            } else {
                                if accumulated[cu as usize] == 0.0 {
                                    touched.push(cu);
                                }
                                accumulated[cu as usize] += w;
                            }
                        });
                    }
                    touched.sort_unstable();
                    for &cu in &touched {
                        part.neighbors.push(cu);
                        part.weights.push(accumulated[cu as usize]);
                        accumulated[cu as usize] = 0.0;
                    }
                    touched.clear();
                    part.lengths.push(part.neighbors.len());
                    part.loops.push(internal);
                    part.degree.push(degree);
                }
                part
            })
            .collect();
        let entries: usize = parts.iter().map(|p| p.neighbors.len()).sum();
        let mut offsets = Vec::with_capacity(count + 1);
        offsets.push(0);
        let mut neighbors = Vec::with_capacity(entries);
        let mut weights = Vec::with_capacity(entries);
        let mut loops = Vec::with_capacity(count);
        let mut degree = Vec::with_capacity(count);
        for part in parts {
            let base = neighbors.len();
            offsets.extend(part.lengths.iter().map(|l| base + l));
            neighbors.extend_from_slice(&part.neighbors);
            weights.extend_from_slice(&part.weights);
            loops.extend_from_slice(&part.loops);
            degree.extend_from_slice(&part.degree);
        }
        Weighted {
            offsets: Cow::Owned(offsets),
            neighbors: Cow::Owned(neighbors),
            weights: Some(weights),
            loops,
            degree,
            total: self.total,
        }
    }
}

/// One run of communities of [`Weighted::aggregate`]: their rows, `lengths` the end of each
/// row within the run.
#[derive(Default)]
struct AggregatePart {
    lengths: Vec<usize>,
    neighbors: Vec<u32>,
    weights: Vec<f64>,
    loops: Vec<f64>,
    degree: Vec<f64>,
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn graph(n: usize, edges: &[(u32, u32)]) -> UndirectedCsr {
        UndirectedCsr::from_edges(n, edges.iter().copied()).unwrap()
    }

    /// Two 4-cliques joined by one edge.
    pub(in crate::metrics) fn two_cliques() -> UndirectedCsr {
        let mut edges = vec![(3, 4)];
        for base in [0, 4] {
            for a in 0..4 {
                for b in a + 1..4 {
                    edges.push((base + a, base + b));
                }
            }
        }
        graph(8, &edges)
    }

    #[test]
    fn modularity_hand_checked() {
        let g = two_cliques();
        // m = 13; each clique: 6 internal edges, degree sum 13.
        let expected = 2.0 * (6.0 / 13.0 - 0.25);
        let q = modularity(&g, &[0, 0, 0, 0, 1, 1, 1, 1], 1.0);
        assert!((q - expected).abs() < 1e-12);
        assert!(modularity(&g, &[0; 8], 1.0).abs() < 1e-12);
        assert_eq!(modularity(&graph(3, &[]), &[0, 1, 2], 1.0), 0.0);
    }

    #[test]
    fn the_first_level_layout_moves_as_the_plain_one() {
        let mut rng = SplitMix64::new(11);
        for round in 0..20 {
            let n = 30 + rng.below(300);
            let edges: Vec<(u32, u32)> = (0..n * (1 + round % 6))
                .map(|_| {
                    // Skewed ends, so that degrees (and the layout) vary.
                    let hub = rng.below(1 + n / 10) as u32;
                    (
                        rng.below(n) as u32,
                        if rng.below(2) == 0 {
                            hub
                        } else {
                            rng.below(n) as u32
                        },
                    )
                })
                .collect();
            let g = graph(n, &edges);
            let plain = Weighted::from_graph(&g);
            let unit = UnitLevel::new(&g).unwrap();
            let singletons: Vec<u32> = (0..n as u32).collect();
            let grouped: Vec<u32> = (0..n as u32).map(|v| v % 7).collect();
            for start in [singletons, grouped] {
                let seed = rng.next_u64();
                let (mut a, mut b) = (start.clone(), start);
                let visits_a = local_moves(&plain, &mut a, 1.0, &mut SplitMix64::new(seed));
                let visits_b = unit.local_moves(&mut b, 1.0, &mut SplitMix64::new(seed));
                assert_eq!(visits_a, visits_b, "round {round}");
                assert_eq!(compact_labels(&a), compact_labels(&b), "round {round}");
            }
        }
    }

    #[test]
    fn compact_labels_number_by_first_appearance() {
        assert_eq!(compact_labels(&[5, 5, 2, 9, 2]), (vec![0, 0, 1, 2, 1], 3));
        assert_eq!(
            compact_labels(&[u32::MAX - 1, 3, u32::MAX - 1]),
            (vec![0, 1, 0], 2)
        );
        assert_eq!(compact_labels(&[]), (vec![], 0));
    }
}
