//! Leiden communities: modularity optimization whose communities are guaranteed connected.
//!
//! V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
//! communities", Scientific Reports 9, 5233 (2019), Algorithm A.2, with modularity as the quality
//! (Newman & Girvan 2004, with a resolution gamma: H = sum over communities c of
//! [ L_c - gamma * d_c^2 / 4m ], which is m times [`super::modularity`]). One iteration:
//!
//! 1. fast local moving: nodes are queued in a seeded random order; each moves to the neighbouring
//!    community of largest gain w(v, C) - gamma * d_C * d_v / 2m (if positive), and a node that
//!    moves queues its neighbours outside its new community, until the queue is empty;
//! 2. refinement: inside each community C of that partition, every node starts alone; in a seeded
//!    random order, each node v still alone and well connected to C
//!    (w(v, C - v) >= gamma * d_v (d_C - d_v) / 2m) joins the refined community S within C it
//!    gains most from (gain w(v, S) - gamma * d_v d_S / 2m, at least 0, with w(v, S) > 0), among
//!    those well connected to C (w(S, C - S) >= gamma * d_S (d_C - d_S) / 2m). Choosing the best
//!    gain is the limit theta -> 0 of the paper's randomized choice (leidenalg's default
//!    theta = 0.01 is close to it); refined communities grow along edges, so each is connected;
//! 3. aggregation: one node per refined community, the communities of step 1 as the starting
//!    partition of the aggregate graph (when the refinement leaves every node alone, the
//!    communities of step 1 themselves); steps 1-3 repeat until step 1 leaves every community a
//!    single node.
//!
//! Iterations are repeated from the partition they reach until one raises the modularity by
//! less than `tolerance` (1e-3 by default), at most `max_iterations`. On graphs with little
//! structure Q creeps up for dozens of iterations, each an O(m) pass (a preferential-attachment
//! citation graph of 10,000 papers, `bench/gen_snapshot.py`: Q 0.1907 after 1 iteration, 0.1959
//! after 2, 0.1971 after 3, 0.1976 after 4, where 1e-3 stops, 0.1986 after 9, where 1e-4
//! stops); leidenalg's and igraph's defaults stop after 2 iterations (Q 0.192-0.194 on that graph).
//! Several trials with seeds derived from `seed` run in parallel and the best modularity is kept
//! (the lowest trial on ties). Within a trial, local moving is sequential; the refinement runs
//! the communities in parallel (each from a seed of its own) and the aggregation runs of
//! communities in parallel (each sum in a fixed order), so the result depends on the seed only,
//! never on the number of threads. As a last guard, a community that is not connected is split
//! into its components, which only raises modularity: refined communities are connected by
//! construction, but a later move of an aggregate node can, rarely, leave the rest of its old
//! community in pieces (seen once: 2 of 17 communities on a million-node graph; none in the
//! tests, which check the raw result on smaller graphs).
//!
//! Communities are numbered by decreasing size, ties by their smallest node. Cost: O(m) per
//! local-moving pass and per refinement; a few passes per level, a few levels per iteration, a
//! few iterations.
//!
//! Warm start ([`leiden_from`], [`leiden_weighted_from`]): the first iteration of every trial
//! starts from a given partition instead of singletons, as leidenalg's `initial_membership`
//! does (Traag et al. 2019 note that Leiden may start from any partition: its iterations
//! only refine and re-aggregate what local moving gives them). The given partition is first
//! split into its connected components in this graph (a community of last week's graph may
//! be in pieces in this one), so the start is connected and every iteration after it keeps
//! the refinement's guarantee; the last guard above still applies. The start itself is the
//! result unless the best trial raises its modularity by more than `tolerance`: a run on an
//! unchanged graph gives back the partition it started from (without this, the trials go on
//! improving Q by less than 1e-3 and move a few papers each time: 2 labels changed between two
//! runs of the test world on the same records). A graph that changed by a
//! few links then ends near the partition it started from, where a start from singletons
//! can land in another local optimum of about the same modularity (one weekly update of 36
//! links in 14,961 renamed most clusters).

use std::borrow::Cow;

use rayon::prelude::*;

use super::communities::{
    canonical_labels, compact_labels, local_moves, members_by_label, UnitLevel, Weighted,
};
use super::{MetricsError, Partition, SplitMix64};
use crate::graph::UndirectedCsr;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeidenOptions {
    /// gamma, > 0: above 1 favours smaller communities, below 1 larger ones.
    pub resolution: f64,
    pub seed: u64,
    /// Independent runs with seeds derived from `seed` (run in parallel); the best modularity wins.
    pub trials: usize,
    /// Leiden iterations per trial at most; they stop earlier when one no longer raises the
    /// modularity.
    pub max_iterations: usize,
    /// Iterations stop when one raises the modularity by less than this (at least 1e-13);
    /// see the module documentation for what 1e-3 and 1e-4 cost and give.
    pub tolerance: f64,
}

impl Default for LeidenOptions {
    fn default() -> Self {
        LeidenOptions {
            resolution: 1.0,
            seed: 0,
            trials: 8,
            max_iterations: 50,
            tolerance: 1e-3,
        }
    }
}

/// Leiden communities of an unweighted undirected graph (each edge once, no self-loops, as
/// [`UndirectedCsr`] holds it). A graph without edges gets one community per node (modularity 0).
/// An error when the resolution is not a positive finite number.
pub fn leiden(graph: &UndirectedCsr, options: &LeidenOptions) -> Result<Partition, MetricsError> {
    check(options)?;
    if graph.edge_count() == 0 {
        return Ok(singletons(graph.node_count()));
    }
    let base = Weighted::from_graph(graph);
    let unit = UnitLevel::new(graph);
    Ok(best_of_trials(&base, unit.as_ref(), None, options))
}

/// [`leiden`] with every trial starting from `initial` (one label per node, any numbers, e.g.
/// last run's communities; see the module documentation, "Warm start"). Errors: as [`leiden`],
/// and when `initial` does not hold one label per node.
pub fn leiden_from(
    graph: &UndirectedCsr,
    initial: &[u32],
    options: &LeidenOptions,
) -> Result<Partition, MetricsError> {
    check(options)?;
    check_initial(graph.node_count(), initial)?;
    if graph.edge_count() == 0 {
        return Ok(singletons(graph.node_count()));
    }
    let base = Weighted::from_graph(graph);
    let unit = UnitLevel::new(graph);
    let start = connected_start(&base, initial);
    Ok(best_of_trials(&base, unit.as_ref(), Some(&start), options))
}

/// Leiden communities of a weighted undirected graph of `node_count` nodes: `edges` (a, b, weight)
/// with each pair once, a != b, both below `node_count`, weights positive and finite (e.g. the
/// co-citation counts of [`super::cocitation`]). Errors on a bad resolution or a bad edge.
pub fn leiden_weighted(
    node_count: usize,
    edges: &[(u32, u32, f64)],
    options: &LeidenOptions,
) -> Result<Partition, MetricsError> {
    check(options)?;
    check_edges(node_count, edges)?;
    if edges.is_empty() {
        return Ok(singletons(node_count));
    }
    let base = Weighted::from_weighted_edges(node_count, edges);
    Ok(best_of_trials(&base, None, None, options))
}

/// Each pair once is the caller's promise; here: no self-loop, both ends below `node_count`,
/// a positive finite weight.
fn check_edges(node_count: usize, edges: &[(u32, u32, f64)]) -> Result<(), MetricsError> {
    if let Some(&(a, b, w)) = edges.iter().find(|&&(a, b, w)| {
        a == b
            || a as usize >= node_count
            || b as usize >= node_count
            || !(w > 0.0 && w.is_finite())
    }) {
        return Err(MetricsError::BadParameter {
            metric: "Leiden",
            reason: format!(
                "edge ({a}, {b}, {w}) is a self-loop, outside the {node_count} nodes, or not \
                 positively weighted"
            ),
        });
    }
    Ok(())
}

/// [`leiden_weighted`] with every trial starting from `initial` (one label per node, any
/// numbers; see the module documentation, "Warm start"). Errors: as [`leiden_weighted`], and
/// when `initial` does not hold `node_count` labels.
pub fn leiden_weighted_from(
    node_count: usize,
    edges: &[(u32, u32, f64)],
    initial: &[u32],
    options: &LeidenOptions,
) -> Result<Partition, MetricsError> {
    check(options)?;
    check_edges(node_count, edges)?;
    check_initial(node_count, initial)?;
    if edges.is_empty() {
        return Ok(singletons(node_count));
    }
    let base = Weighted::from_weighted_edges(node_count, edges);
    let start = connected_start(&base, initial);
    Ok(best_of_trials(&base, None, Some(&start), options))
}

fn check_initial(node_count: usize, initial: &[u32]) -> Result<(), MetricsError> {
    if initial.len() != node_count {
        return Err(MetricsError::BadParameter {
            metric: "Leiden",
            reason: format!(
                "the starting partition holds {} labels for {node_count} nodes",
                initial.len()
            ),
        });
    }
    Ok(())
}

/// `initial` with each community split into its connected components in `g`; compact labels.
fn connected_start(g: &Weighted, initial: &[u32]) -> Vec<u32> {
    let (compact, _) = compact_labels(initial);
    split_disconnected(g, &compact).0
}

fn check(options: &LeidenOptions) -> Result<(), MetricsError> {
    if !(options.resolution > 0.0 && options.resolution.is_finite()) {
        return Err(MetricsError::BadParameter {
            metric: "Leiden",
            reason: format!(
                "the resolution must be a positive number, not {}",
                options.resolution
            ),
        });
    }
    Ok(())
}

fn singletons(n: usize) -> Partition {
    Partition {
        labels: (0..n as u32).collect(),
        count: n,
        modularity: 0.0,
    }
}

/// The best of the trials, each from `start` (compact labels) or from singletons.
fn best_of_trials(
    base: &Weighted,
    unit: Option<&UnitLevel>,
    start: Option<&[u32]>,
    options: &LeidenOptions,
) -> Partition {
    let trials = options.trials.max(1);
    let results: Vec<(f64, Vec<u32>)> = (0..trials)
        .into_par_iter()
        .map(|trial| {
            let seed = SplitMix64::new(options.seed.wrapping_add(trial as u64)).next_u64();
            let labels = one_trial(base, unit, start, options, seed);
            let (labels, splits) = split_disconnected(base, &labels);
            if splits > 0 {
                tracing::debug!("Leiden: {splits} disconnected communities split (trial {trial})");
            }
            (base.modularity(&labels, options.resolution), labels)
        })
        .collect();
    let mut best = 0;
    for (i, (q, _)) in results.iter().enumerate() {
        if *q > results[best].0 {
            best = i;
        }
    }
    let (mut modularity, mut labels) = results.into_iter().nth(best).unwrap_or_default();
    if let Some(start) = start {
        // Hysteresis: the start stands unless the trials beat it by the tolerance, so an
        // unchanged graph gives back the partition it started from.
        let q_start = base.modularity(start, options.resolution);
        if modularity <= q_start + options.tolerance.max(1e-13) {
            labels = start.to_vec();
            modularity = q_start;
        }
    }
    let (labels, count) = canonical_labels(&labels);
    Partition {
        labels,
        count,
        modularity,
    }
}

/// Leiden iterations from `start` (compact labels; singletons when `None`) until one no longer
/// raises the modularity; compact labels.
fn one_trial(
    base: &Weighted,
    unit: Option<&UnitLevel>,
    start: Option<&[u32]>,
    options: &LeidenOptions,
    seed: u64,
) -> Vec<u32> {
    let mut rng = SplitMix64::new(seed);
    let mut labels: Vec<u32> = match start {
        Some(start) => start.to_vec(),
        None => (0..base.node_count() as u32).collect(),
    };
    let mut q = base.modularity(&labels, options.resolution);
    for round in 1..=options.max_iterations.max(1) {
        let started = std::time::Instant::now();
        let next = iteration(base, unit, &labels, options.resolution, &mut rng);
        let next_q = base.modularity(&next, options.resolution);
        tracing::debug!(
            "Leiden iteration {round}: modularity {q:.5} -> {next_q:.5} in {:.3} s",
            started.elapsed().as_secs_f64()
        );
        let changed = next_q > q + options.tolerance.max(1e-13);
        if next_q >= q {
            labels = next;
            q = next_q;
        }
        if !changed {
            break;
        }
    }
    compact_labels(&labels).0
}

/// One Leiden iteration (local moving, refinement, aggregation, repeated) from `initial`;
/// returns labels of the original nodes.
fn iteration(
    base: &Weighted,
    unit: Option<&UnitLevel>,
    initial: &[u32],
    resolution: f64,
    rng: &mut SplitMix64,
) -> Vec<u32> {
    let n = base.node_count();
    // The aggregate node of each original node.
    let mut membership: Vec<u32> = (0..n as u32).collect();
    let mut community: Vec<u32> = compact_labels(initial).0;
    let mut level: Cow<'_, Weighted> = Cow::Borrowed(base);
    loop {
        let started = std::time::Instant::now();
        let visits = match (&level, unit) {
            (Cow::Borrowed(_), Some(unit)) => unit.local_moves(&mut community, resolution, rng),
            _ => local_moves(&level, &mut community, resolution, rng),
        };
        let moving = started.elapsed().as_secs_f64();
        let (moved, count) = compact_labels(&community);
        if count == level.node_count() {
            return membership.iter().map(|&m| moved[m as usize]).collect();
        }
        let started = std::time::Instant::now();
        let (mut refined, mut refined_count) = refine(&level, &moved, count, resolution, rng);
        tracing::debug!(
            "Leiden level: {} nodes, {} adjacency entries; local moving {visits} visits in \
             {moving:.3} s to {count} communities; refinement {:.3} s to {refined_count}",
            level.node_count(),
            level.neighbors.len(),
            started.elapsed().as_secs_f64()
        );
        if refined_count == level.node_count() {
            refined = moved.clone();
            refined_count = count;
        }
        for m in membership.iter_mut() {
            *m = refined[*m as usize];
        }
        // Each refined community lies inside one community of `moved`: its starting community.
        let mut start = vec![0u32; refined_count];
        for (v, &r) in refined.iter().enumerate() {
            start[r as usize] = moved[v];
        }
        let started = std::time::Instant::now();
        level = Cow::Owned(level.aggregate(&refined, refined_count));
        tracing::debug!(
            "Leiden aggregation to {refined_count} nodes in {:.3} s",
            started.elapsed().as_secs_f64()
        );
        community = start;
    }
}

/// The refinement of the compact partition `community` (Traag et al. 2019, Algorithm A.2,
/// RefinePartition and MergeNodesSubset); compact labels and their count.
///
/// The refinement of one community never looks outside it, so the communities are refined in
/// parallel, each from its own seed (drawn once from `rng`, mixed with the community's number)
/// and its own visiting order: the result depends on the seed only, never on the threads.
fn refine(
    g: &Weighted,
    community: &[u32],
    count: usize,
    resolution: f64,
    rng: &mut SplitMix64,
) -> (Vec<u32>, usize) {
    let n = g.node_count();
    let two_m = 2.0 * g.total;
    // The members of each community in node order, and each node's place among them.
    let (start, members) = members_by_label(community, count);
    // (community, place) of each node side by side: one cache line read per neighbour, where
    // the two arrays read at random cost two.
    let mut slot = vec![(0u32, 0u32); n];
    for c in 0..count {
        for (i, &v) in members[start[c]..start[c + 1]].iter().enumerate() {
            slot[v as usize] = (c as u32, i as u32);
        }
    }
    // founder[i]: the place of the founding member of members[i]'s refined community.
    let mut founder = vec![0u32; n];
    let mut parts: Vec<(usize, &mut [u32])> = Vec::with_capacity(count);
    let mut rest: &mut [u32] = &mut founder;
    for c in 0..count {
        let (part, tail) = rest.split_at_mut(start[c + 1] - start[c]);
        parts.push((c, part));
        rest = tail;
    }
    let seed = rng.next_u64();
    let subset = Subset {
        g,
        slot: &slot,
        resolution,
        two_m,
    };
    parts
        .into_par_iter()
        .for_each_init(RefineScratch::default, |scratch, (c, out)| {
            let mixed = seed ^ (c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            subset.merge_nodes(
                c as u32,
                &members[start[c]..start[c + 1]],
                mixed,
                scratch,
                out,
            );
        });
    let mut refined = vec![0u32; n];
    for c in 0..count {
        let group = &members[start[c]..start[c + 1]];
        for (i, &v) in group.iter().enumerate() {
            refined[v as usize] = group[founder[start[c] + i] as usize];
        }
    }
    compact_labels(&refined)
}

/// What the refinement of each community reads.
struct Subset<'g, 'a> {
    g: &'a Weighted<'g>,
    /// Each node's community and place among that community's members.
    slot: &'a [(u32, u32)],
    resolution: f64,
    two_m: f64,
}

/// Per-thread buffers of [`Subset::merge_nodes`], indexed by place within the community.
#[derive(Default)]
struct RefineScratch {
    refined: Vec<u32>,
    alone: Vec<bool>,
    refined_degree: Vec<f64>,
    external: Vec<f64>,
    node_external: Vec<f64>,
    to_refined: Vec<f64>,
    order: Vec<u32>,
    touched: Vec<u32>,
    /// The community's own edges, by place: `inside_offsets[i]..inside_offsets[i + 1]` of
    /// `inside` (neighbour's place, weight), in adjacency order.
    inside_offsets: Vec<usize>,
    inside: Vec<(u32, f64)>,
}

impl Subset<'_, '_> {
    /// MergeNodesSubset on community `c` whose members (in node order) are `members`: writes
    /// into `out[i]` the place of the founder of members[i]'s refined community.
    fn merge_nodes(
        &self,
        c: u32,
        members: &[u32],
        seed: u64,
        s: &mut RefineScratch,
        out: &mut [u32],
    ) {
        let size = members.len();
        let (g, resolution, two_m) = (self.g, self.resolution, self.two_m);
        if size == 1 {
            out[0] = 0;
            return;
        }
        let d_c: f64 = members.iter().map(|&v| g.degree[v as usize]).sum();
        // Refined communities are named by a founding member; all start alone.
        s.refined.clear();
        s.refined.extend(0..size as u32);
        s.alone.clear();
        s.alone.resize(size, true);
        s.refined_degree.clear();
        s.refined_degree
            .extend(members.iter().map(|&v| g.degree[v as usize]));
        // w(S, C - S) of each refined community S inside C; for a node, w(v, C - v). The
        // community's own edges are kept by place, so that the merges below read nothing
        // outside the community (the whole graph's arrays are read once per edge, here).
        s.external.clear();
        s.inside.clear();
        s.inside_offsets.clear();
        s.inside_offsets.push(0);
        for &v in members {
            let mut w_inside = 0.0;
            g.for_each_neighbor(v, |u, w| {
                let (cu, place) = self.slot[u as usize];
                if cu == c {
                    w_inside += w;
                    s.inside.push((place, w));
                }
            });
            s.external.push(w_inside);
            s.inside_offsets.push(s.inside.len());
        }
        s.node_external.clone_from(&s.external);
        s.to_refined.clear();
        s.to_refined.resize(size, 0.0);
        s.order.clear();
        s.order.extend(0..size as u32);
        SplitMix64::new(seed).shuffle(&mut s.order);
        for oi in 0..size {
            let i = s.order[oi] as usize;
            if !(s.refined[i] == i as u32 && s.alone[i]) {
                continue;
            }
            let v = members[i];
            let k = g.degree[v as usize];
            if s.node_external[i] < resolution * k * (d_c - k) / two_m {
                continue;
            }
            s.touched.clear();
            for &(place, w) in &s.inside[s.inside_offsets[i]..s.inside_offsets[i + 1]] {
                let r = s.refined[place as usize];
                if s.to_refined[r as usize] == 0.0 {
                    s.touched.push(r);
                }
                s.to_refined[r as usize] += w;
            }
            let mut best: Option<(u32, f64)> = None;
            for &r in &s.touched {
                let d_s = s.refined_degree[r as usize];
                let well_connected =
                    s.external[r as usize] >= resolution * d_s * (d_c - d_s) / two_m;
                if !well_connected {
                    continue;
                }
                let gain = s.to_refined[r as usize] - resolution * k * d_s / two_m;
                if gain >= 0.0 && best.is_none_or(|(_, g)| gain > g) {
                    best = Some((r, gain));
                }
            }
            if let Some((r, _)) = best {
                let ri = r as usize;
                s.refined[i] = r;
                s.alone[i] = false;
                s.alone[ri] = false;
                s.refined_degree[ri] += k;
                s.refined_degree[i] = 0.0;
                s.external[ri] += s.node_external[i] - 2.0 * s.to_refined[ri];
            }
            for &r in &s.touched {
                s.to_refined[r as usize] = 0.0;
            }
        }
        out.copy_from_slice(&s.refined);
    }
}

/// Splits every community of `labels` that is not connected in `g` into its connected
/// components; returns compact labels and the number of communities that were split.
fn split_disconnected(g: &Weighted, labels: &[u32]) -> (Vec<u32>, usize) {
    let n = g.node_count();
    let mut component = vec![u32::MAX; n];
    let count = labels.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
    let mut seen_community = vec![false; count];
    let mut splits = 0;
    let mut next = 0u32;
    let mut stack = Vec::new();
    for v in 0..n {
        if component[v] != u32::MAX {
            continue;
        }
        let c = labels[v];
        if seen_community[c as usize] {
            splits += 1;
        }
        seen_community[c as usize] = true;
        component[v] = next;
        stack.push(v as u32);
        while let Some(x) = stack.pop() {
            g.for_each_neighbor(x, |u, _| {
                if labels[u as usize] == c && component[u as usize] == u32::MAX {
                    component[u as usize] = next;
                    stack.push(u);
                }
            });
        }
        next += 1;
    }
    if splits == 0 {
        return (labels.to_vec(), 0);
    }
    (compact_labels(&component).0, splits)
}

/// True when every community of `labels` is connected in `graph` (for tests and callers that
/// check the guarantee).
pub fn communities_connected(graph: &UndirectedCsr, labels: &[u32]) -> bool {
    let (compact, _) = compact_labels(labels);
    split_disconnected(&Weighted::from_graph(graph), &compact).1 == 0
}

#[cfg(test)]
mod tests {
    use super::super::communities::tests::two_cliques;
    use super::super::modularity;
    use super::*;

    fn graph(n: usize, edges: &[(u32, u32)]) -> UndirectedCsr {
        UndirectedCsr::from_edges(n, edges.iter().copied()).unwrap()
    }

    fn random_graph(rng: &mut SplitMix64, n: usize, m: usize) -> UndirectedCsr {
        let edges: Vec<(u32, u32)> = (0..m)
            .map(|_| {
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
        graph(n, &edges)
    }

    #[test]
    fn finds_the_two_cliques() {
        let p = leiden(&two_cliques(), &LeidenOptions::default()).unwrap();
        assert_eq!(p.labels, vec![0, 0, 0, 0, 1, 1, 1, 1]);
        assert_eq!(p.count, 2);
        assert!((p.modularity - 2.0 * (6.0 / 13.0 - 0.25)).abs() < 1e-12);
    }

    #[test]
    fn disconnected_parts_and_isolated_nodes() {
        // A triangle, an edge and an isolated node.
        let g = graph(6, &[(0, 1), (1, 2), (0, 2), (3, 4)]);
        let p = leiden(&g, &LeidenOptions::default()).unwrap();
        assert_eq!(p.labels, vec![0, 0, 0, 1, 1, 2]);
        assert!((p.modularity - modularity(&g, &p.labels, 1.0)).abs() < 1e-15);
    }

    #[test]
    fn empty_edgeless_and_bad_resolution() {
        let options = LeidenOptions::default();
        assert_eq!(leiden(&graph(0, &[]), &options).unwrap().count, 0);
        assert_eq!(
            leiden(&graph(3, &[]), &options).unwrap().labels,
            vec![0, 1, 2]
        );
        for resolution in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let bad = LeidenOptions {
                resolution,
                ..options
            };
            assert!(leiden(&two_cliques(), &bad).is_err());
        }
        assert!(leiden_weighted(2, &[(0, 0, 1.0)], &options).is_err());
        assert!(leiden_weighted(2, &[(0, 2, 1.0)], &options).is_err());
        assert!(leiden_weighted(2, &[(0, 1, 0.0)], &options).is_err());
    }

    #[test]
    fn every_raw_community_is_connected() {
        // The trial's own result, before the guard that would split a disconnected community.
        let mut rng = SplitMix64::new(17);
        for round in 0..30 {
            let n = 40 + rng.below(400);
            let g = random_graph(&mut rng, n, n * (1 + round % 5));
            let base = Weighted::from_graph(&g);
            let unit = UnitLevel::new(&g);
            for resolution in [0.5, 1.0, 2.0] {
                let options = LeidenOptions {
                    resolution,
                    ..LeidenOptions::default()
                };
                let labels = one_trial(&base, unit.as_ref(), None, &options, rng.next_u64());
                assert_eq!(
                    split_disconnected(&base, &labels).1,
                    0,
                    "round {round}, resolution {resolution}"
                );
                assert!(communities_connected(&g, &labels));
            }
        }
    }

    #[test]
    fn the_guard_splits_a_disconnected_community() {
        let g = graph(4, &[(0, 1), (2, 3)]);
        assert!(!communities_connected(&g, &[0, 0, 0, 0]));
        let (labels, splits) = split_disconnected(&Weighted::from_graph(&g), &[0, 0, 0, 0]);
        assert_eq!((labels, splits), (vec![0, 0, 1, 1], 1));
    }

    #[test]
    fn weighted_matches_unweighted_with_unit_weights() {
        let mut rng = SplitMix64::new(23);
        let g = random_graph(&mut rng, 300, 900);
        let edges: Vec<(u32, u32, f64)> = (0..300u32)
            .flat_map(|v| {
                g.neighbors(v)
                    .iter()
                    .filter(move |&&u| u > v)
                    .map(move |&u| (v, u, 1.0))
            })
            .collect();
        let options = LeidenOptions::default();
        let weighted = leiden_weighted(300, &edges, &options).unwrap();
        let plain = leiden(&g, &options).unwrap();
        assert!((weighted.modularity - modularity(&g, &weighted.labels, 1.0)).abs() < 1e-12);
        assert!((weighted.modularity - plain.modularity).abs() < 1e-12);
        assert_eq!(weighted.labels, plain.labels);
    }

    #[test]
    fn deterministic_for_a_seed_and_any_thread_count() {
        let mut rng = SplitMix64::new(3);
        let g = random_graph(&mut rng, 500, 2000);
        let options = LeidenOptions::default();
        let a = leiden(&g, &options).unwrap();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = one.install(|| leiden(&g, &options).unwrap());
        assert_eq!(a, b);
        // Refinement and aggregation split their work by the number of threads.
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let c = three.install(|| leiden(&g, &options).unwrap());
        assert_eq!(a, c);
        assert!((a.modularity - modularity(&g, &a.labels, 1.0)).abs() < 1e-12);
    }

    /// `groups` groups of `size` nodes; each node links to about `inside` x size others of its
    /// group and `outside` others anywhere.
    fn planted(
        rng: &mut SplitMix64,
        groups: usize,
        size: usize,
        inside: f64,
        outside: f64,
    ) -> UndirectedCsr {
        let n = groups * size;
        let mut edges = Vec::new();
        for v in 0..n {
            let group = v / size;
            for _ in 0..((inside * size as f64) as usize / 2) {
                let u = group * size + rng.below(size);
                edges.push((v as u32, u as u32));
            }
            for _ in 0..(outside as usize / 2) {
                edges.push((v as u32, rng.below(n) as u32));
            }
        }
        edges.retain(|(a, b)| a != b);
        graph(n, &edges)
    }

    /// The iterations of a trial are the same whatever the tolerance (same seed, same node
    /// orders); a smaller one only runs more of them, each kept only if it does not lower Q.
    #[test]
    fn a_smaller_tolerance_runs_longer_and_never_lowers_modularity() {
        let mut rng = SplitMix64::new(31);
        let g = planted(&mut rng, 40, 250, 0.04, 3.0);
        let base = Weighted::from_graph(&g);
        let unit = UnitLevel::new(&g);
        for seed in 0..3 {
            let q = |tolerance| {
                let options = LeidenOptions {
                    tolerance,
                    ..LeidenOptions::default()
                };
                let labels = one_trial(&base, unit.as_ref(), None, &options, seed);
                assert_eq!(split_disconnected(&base, &labels).1, 0, "seed {seed}");
                base.modularity(&labels, 1.0)
            };
            let (coarse, default, fine) = (q(0.05), q(1e-3), q(1e-6));
            assert!(
                coarse <= default && default <= fine,
                "{coarse} {default} {fine}"
            );
        }
    }

    #[test]
    fn a_warm_start_keeps_every_raw_community_connected() {
        // Starts from random labels (communities in many pieces) and from a cold result.
        let mut rng = SplitMix64::new(41);
        for round in 0..20 {
            let n = 40 + rng.below(300);
            let g = random_graph(&mut rng, n, n * (1 + round % 4));
            let base = Weighted::from_graph(&g);
            let unit = UnitLevel::new(&g);
            let random: Vec<u32> = (0..n).map(|_| rng.below(6) as u32).collect();
            let cold = leiden(&g, &LeidenOptions::default()).unwrap().labels;
            for initial in [&random, &cold] {
                let start = connected_start(&base, initial);
                assert_eq!(split_disconnected(&base, &start).1, 0);
                let options = LeidenOptions::default();
                let labels = one_trial(&base, unit.as_ref(), Some(&start), &options, round as u64);
                assert_eq!(split_disconnected(&base, &labels).1, 0, "round {round}");
                let warm = leiden_from(&g, initial, &options).unwrap();
                assert!(communities_connected(&g, &warm.labels));
                assert!((warm.modularity - modularity(&g, &warm.labels, 1.0)).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn a_warm_start_on_an_unchanged_graph_gives_the_start_back() {
        let mut rng = SplitMix64::new(13);
        let g = random_graph(&mut rng, 800, 3000);
        let options = LeidenOptions::default();
        let first = leiden(&g, &options).unwrap();
        for seed in 0..3 {
            let again = leiden_from(&g, &first.labels, &LeidenOptions { seed, ..options }).unwrap();
            assert_eq!(again.labels, first.labels, "seed {seed}");
            assert!((again.modularity - first.modularity).abs() < 1e-12);
        }
    }

    #[test]
    fn a_warm_start_from_the_optimum_keeps_it() {
        let options = LeidenOptions::default();
        let p = leiden_from(&two_cliques(), &[5, 5, 5, 5, 2, 2, 2, 2], &options).unwrap();
        assert_eq!(p.labels, vec![0, 0, 0, 0, 1, 1, 1, 1]);
        // Weighted, and from a start that cuts a clique in two: the clique is found again.
        let edges: Vec<(u32, u32, f64)> = (0..8u32)
            .flat_map(|v| {
                two_cliques()
                    .neighbors(v)
                    .iter()
                    .filter(move |&&u| u > v)
                    .map(move |&u| (v, u, 1.0))
                    .collect::<Vec<_>>()
            })
            .collect();
        let w = leiden_weighted_from(8, &edges, &[0, 0, 1, 1, 2, 2, 2, 2], &options).unwrap();
        assert_eq!(w.labels, vec![0, 0, 0, 0, 1, 1, 1, 1]);
        assert!(leiden_from(&two_cliques(), &[0, 0], &options).is_err());
        assert!(leiden_weighted_from(8, &edges, &[0; 9], &options).is_err());
        assert_eq!(
            leiden_from(&graph(3, &[]), &[0, 0, 0], &options)
                .unwrap()
                .labels,
            vec![0, 1, 2]
        );
    }

    /// A random graph with hubs (little structure, many optima of about the same modularity),
    /// then the same with 1% more random links: started from
    /// the first partition, Leiden ends nearer to it than a start from singletons does, at
    /// about the same modularity.
    #[test]
    fn a_warm_start_after_a_few_new_links_stays_near_the_old_partition() {
        use super::super::adjusted_rand_index;
        let mut rng = SplitMix64::new(5);
        let g = random_graph(&mut rng, 1440, 4000);
        let options = LeidenOptions::default();
        let before = leiden(&g, &options).unwrap();
        let mut edges: Vec<(u32, u32)> = (0..g.node_count() as u32)
            .flat_map(|v| {
                g.neighbors(v)
                    .iter()
                    .map(move |&u| (v, u))
                    .collect::<Vec<_>>()
            })
            .filter(|(v, u)| v < u)
            .collect();
        let extra = edges.len() / 100;
        for _ in 0..extra {
            let (a, b) = (rng.below(1440) as u32, rng.below(1440) as u32);
            if a != b {
                edges.push((a, b));
            }
        }
        let later = graph(g.node_count(), &edges);
        let shifted = LeidenOptions { seed: 1, ..options };
        let cold = leiden(&later, &shifted).unwrap();
        let warm = leiden_from(&later, &before.labels, &shifted).unwrap();
        let (cold_ari, warm_ari) = (
            adjusted_rand_index(&before.labels, &cold.labels),
            adjusted_rand_index(&before.labels, &warm.labels),
        );
        // Measured: ARI with the old partition 0.77 warm, 0.06 cold; Q 0.437 warm, 0.435 cold.
        assert!(warm_ari > cold_ari + 0.3, "warm {warm_ari} cold {cold_ari}");
        assert!(warm_ari > 0.6, "warm {warm_ari}");
        assert!(
            warm.modularity > cold.modularity - 0.01,
            "{} {}",
            warm.modularity,
            cold.modularity
        );
    }

    #[test]
    fn higher_resolution_gives_more_communities() {
        let mut rng = SplitMix64::new(9);
        let g = random_graph(&mut rng, 400, 1600);
        let count = |resolution| {
            leiden(
                &g,
                &LeidenOptions {
                    resolution,
                    ..LeidenOptions::default()
                },
            )
            .unwrap()
            .count
        };
        assert!(count(0.5) < count(1.0) && count(1.0) < count(3.0));
    }
}
