//! Co-citation and bibliographic coupling: how many papers cite both of two papers, and how many
//! references two papers share, with Salton's cosine of each count.
//!
//! With A the adjacency matrix of the citation graph (A[c][p] = 1 when c cites p):
//! - co-citation (H. Small, "Co-citation in the scientific literature: a new measure of the
//!   relationship between two documents", JASIS 24(4), 1973): C = A^T A, C[a][b] = the papers
//!   citing both a and b; Salton's cosine C[a][b] / sqrt(C[a][a] C[b][b]), where C[a][a] is the
//!   number of papers of the graph citing a;
//! - bibliographic coupling (M. M. Kessler, "Bibliographic coupling between scientific papers",
//!   American Documentation 14(1), 1963): B = A A^T, B[a][b] = the references a and b share;
//!   Salton's cosine over reference counts in the graph.
//!
//! (G. Salton & M. J. McGill, "Introduction to modern information retrieval", 1983; the cosine
//! is the normalization CiteSpace and VOSviewer offer as "cosine".)
//!
//! Both are computed as sparse matrix products, a row at a time (Gustavson's row-by-row product,
//! "Two fast algorithms for sparse matrices", ACM TOMS 4(3), 1978): row a of A^T A is the sum of
//! the rows A[c] of a's citers c, gathered in a dense per-thread accumulator with the list of the
//! columns it touched. Only the upper triangle (b > a) is kept, so each pair appears once.
//!
//! Cost: the direct product makes, for co-citation, sum over papers c of outdeg(c)^2 / 2
//! accumulator updates; for coupling, sum over papers p of indeg(p)^2 / 2 (a paper cited by
//! 40,000 papers alone costs 8e8). Only pairs counted at least `min_count` times are wanted, so
//! the rows are gathered over a prefix-filtered index instead when the degrees say it costs fewer
//! updates (see `Index`: each paper's `min_count - 1` most common features are left out of
//! the index and added back exactly; on the 1M-paper bench graph coupling's updates drop from
//! 9.9e9 to 3.2e9 at `min_count` 2). Counts are exact either way. Memory: one u32 accumulator
//! and one flag per node and thread, the index (about 2 u32 per link), plus the pairs kept. One pass lists the pairs and
//! counts them by count; when the pairs of at least `min_count` outnumber `max_pairs`, the
//! threshold is raised to the smallest count that keeps at most `max_pairs` pairs
//! ([`Pairs::bounded`] says so). The pass itself stops storing pairs below the threshold that
//! the rows done so far already force (a count only grows as rows are added), so a bounded
//! product is one pass, not two, and its memory stays near `max_pairs`. Rows are computed in
//! parallel and gathered in row order: the result does not depend on the number of threads.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::MetricsError;
use crate::graph::Csr;

/// Which product of the adjacency matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairMeasure {
    /// A^T A: papers citing both (Small 1973).
    Cocitation,
    /// A A^T: references shared (Kessler 1963).
    Coupling,
}

impl PairMeasure {
    pub fn as_str(self) -> &'static str {
        match self {
            PairMeasure::Cocitation => "co-citation",
            PairMeasure::Coupling => "bibliographic coupling",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PairOptions {
    /// Pairs counted fewer times than this are left out (at least 1; default 2).
    pub min_count: u32,
    /// The papers whose pairs are reported, a flag per node; `None`: every paper. The counts
    /// always run over every citing (or cited) paper of the graph.
    pub included: Option<Vec<bool>>,
    /// At most this many pairs are returned: beyond it the count threshold is raised (0: no bound).
    pub max_pairs: usize,
}

impl Default for PairOptions {
    fn default() -> Self {
        PairOptions {
            min_count: 2,
            included: None,
            max_pairs: 2_000_000,
        }
    }
}

/// One pair of papers (node numbers, `a < b`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub a: u32,
    pub b: u32,
    /// Papers citing both (co-citation) or references shared (coupling).
    pub count: u32,
    /// count / sqrt(n_a n_b), n the citers (co-citation) or references (coupling) in the graph;
    /// in (0, 1].
    pub salton: f64,
}

/// The pairs of one measure, sorted by (a, b).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairs {
    pub pairs: Vec<Pair>,
    /// The count threshold applied: `min_count`, or higher when the output was bounded.
    pub min_count: u32,
    /// True when `max_pairs` raised the threshold above the requested `min_count`.
    pub bounded: bool,
    /// Pairs that met the requested `min_count` (equal to `pairs.len()` unless bounded).
    pub candidates: u64,
}

/// Co-citation pairs of `csr` (A^T A), see the module documentation.
pub fn cocitation(csr: &Csr, options: &PairOptions) -> Result<Pairs, MetricsError> {
    shared_neighbor_pairs(csr, PairMeasure::Cocitation, options)
}

/// Bibliographic coupling pairs of `csr` (A A^T), see the module documentation.
pub fn bibliographic_coupling(csr: &Csr, options: &PairOptions) -> Result<Pairs, MetricsError> {
    shared_neighbor_pairs(csr, PairMeasure::Coupling, options)
}

/// The pairs of `measure`; an error when `min_count` is 0 or `included` has the wrong length.
pub fn shared_neighbor_pairs(
    csr: &Csr,
    measure: PairMeasure,
    options: &PairOptions,
) -> Result<Pairs, MetricsError> {
    let n = csr.node_count();
    if options.min_count == 0 {
        return Err(MetricsError::BadParameter {
            metric: measure.as_str(),
            reason: "the minimum count must be at least 1".to_string(),
        });
    }
    if let Some(included) = &options.included {
        if included.len() != n {
            return Err(MetricsError::BadParameter {
                metric: measure.as_str(),
                reason: format!(
                    "the set of papers has {} flags for {n} nodes",
                    included.len()
                ),
            });
        }
    }
    let product = Product {
        csr,
        measure,
        included: options.included.as_deref(),
        prefixes: None,
    };
    let requested = options.min_count;
    let (mut pairs, histogram) = product.pass(requested, options.max_pairs);
    let candidates: u64 = histogram.iter().sum();
    let min_count = raised_threshold(&histogram, requested, options.max_pairs);
    if min_count > requested {
        pairs.retain(|p| p.count >= min_count);
    }
    Ok(Pairs {
        bounded: min_count > requested,
        pairs,
        min_count,
        candidates,
    })
}

/// The row-by-row product of one measure.
struct Product<'a> {
    csr: &'a Csr,
    measure: PairMeasure,
    included: Option<&'a [bool]>,
    /// Prefix filtering: `None` chooses by cost (see [`Product::index`]); tests force either.
    prefixes: Option<bool>,
}

/// A dense accumulator and the columns it touched (reset after each row), and a mark per
/// feature rank for the features of the current row.
struct Accumulator {
    counts: Vec<u32>,
    touched: Vec<u32>,
    mine: Vec<bool>,
}

/// Rows per parallel task.
const ROWS: usize = 256;

/// The index a product gathers its rows over, with prefix filtering at a count threshold `t`
/// (S. Chaudhuri, V. Ganti & R. Kaushik, "A primitive operator for similarity joins in data
/// cleaning", ICDE 2006; R. J. Bayardo, Y. Ma & R. Srikant, "Scaling up all pairs similarity
/// search", WWW 2007). The features of a paper (its citers for co-citation, its references for
/// coupling) are ranked by how many papers have them, rarest first; a paper's *prefix* is its
/// first `len - t + 1` features in that order, its *suffix* the other `t - 1` (its most common
/// ones). Two papers sharing at least `t` features share one that lies in both prefixes (the
/// rarest one they share has `t - 1` shared ones after it in each list), so the index lists, per
/// feature, only the papers holding it in their prefix, each with its suffix beside it: row a
/// walks all of a's features through the index, which counts |R(a) & P(b)| for every b found,
/// and adds |R(a) & S(b)| once when b is first found (a's features are marked). Every b sharing
/// `t` features with a is found, and every b found gets its exact count. A paper cited 40,000
/// times then costs coupling next to nothing (it is in the suffix of nearly all its citers),
/// where the direct product pays 8e8 updates for it. With `t = 1` the index is the plain
/// transposed lists: the direct product (Gustavson's).
struct Index {
    /// `ranks[offsets[p]..offsets[p + 1]]`: the ranks of p's features, ascending; empty for a
    /// paper left out or holding fewer features than the threshold asked (no pair of it can
    /// reach it).
    offsets: Vec<usize>,
    ranks: Vec<u32>,
    /// Entries of `1 + suffix` u32s: a paper, then the ranks of its suffix features.
    stride: usize,
    /// `entries[starts[k] * stride..starts[k + 1] * stride]`: the papers holding the feature of
    /// rank k in their prefix, ascending, each with its suffix.
    starts: Vec<usize>,
    entries: Vec<u32>,
}

/// How a product gathers its rows (see [`Product::plan`]).
enum Plan {
    /// Over the adjacency lists: every pair with a shared feature is counted.
    Direct,
    /// Over the prefix index at the threshold.
    Prefixes(Index),
}

impl Index {
    fn features(&self, p: u32) -> &[u32] {
        let p = p as usize;
        &self.ranks[self.offsets[p]..self.offsets[p + 1]]
    }

    /// The entries of rank k for papers above `a`.
    fn sharing_above(&self, rank: u32, a: u32) -> std::slice::ChunksExact<'_, u32> {
        let k = rank as usize;
        let all = &self.entries[self.starts[k] * self.stride..self.starts[k + 1] * self.stride];
        // Binary search for the first entry whose paper is above a.
        let (mut lo, mut hi) = (0, all.len() / self.stride);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if all[mid * self.stride] <= a {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        all[lo * self.stride..].chunks_exact(self.stride)
    }
}

impl Product<'_> {
    fn included(&self, v: u32) -> bool {
        self.included.is_none_or(|f| f[v as usize])
    }

    /// Papers of the first hop (citers for co-citation, references for coupling).
    fn first(&self, v: u32) -> &[u32] {
        match self.measure {
            PairMeasure::Cocitation => self.csr.in_neighbors(v),
            PairMeasure::Coupling => self.csr.out_neighbors(v),
        }
    }

    fn second(&self, v: u32) -> &[u32] {
        match self.measure {
            PairMeasure::Cocitation => self.csr.out_neighbors(v),
            PairMeasure::Coupling => self.csr.in_neighbors(v),
        }
    }

    /// How to gather the rows for the pairs counted at least `min_count` times: over the prefix
    /// index ([`Index`]) when the degrees say it costs at most half the accumulator updates of
    /// the direct product (sum over features k of the papers indexed under k times the papers holding k,
    /// against the square of the papers holding k; co-citation's short citer lists gain
    /// nothing, coupling's hubs a lot), else directly over the adjacency lists.
    fn plan(&self, min_count: u32) -> Plan {
        let n = self.csr.node_count();
        if min_count <= 1 || self.prefixes == Some(false) {
            return Plan::Direct;
        }
        // Features rarest first, ties by node number: rank[c] is c's place in that order.
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.par_sort_unstable_by_key(|&c| (self.second(c).len(), c));
        let mut rank = vec![0u32; n];
        for (k, &c) in order.iter().enumerate() {
            rank[c as usize] = k as u32;
        }
        drop(order);
        // Papers holding each feature, and those holding it in their suffix (its t - 1 highest
        // ranks, found by a selection, not a sort).
        let suffix = min_count as usize - 1;
        let mut holding = vec![0u64; n];
        let mut in_suffix = vec![0u64; n];
        let mut scratch: Vec<u32> = Vec::new();
        for p in (0..n as u32).filter(|&p| self.kept(p, min_count)) {
            scratch.clear();
            scratch.extend(self.first(p).iter().map(|&c| rank[c as usize]));
            for &k in &scratch {
                holding[k as usize] += 1;
            }
            let cut = scratch.len() - suffix;
            scratch.select_nth_unstable(cut);
            for &k in &scratch[cut..] {
                in_suffix[k as usize] += 1;
            }
        }
        let direct: u64 = holding.iter().map(|h| h * h).sum();
        let filtered: u64 = holding
            .iter()
            .zip(&in_suffix)
            .map(|(h, s)| h * (h - s))
            .sum();
        tracing::debug!(
            "{}: {direct:.2e} accumulator updates directly, {filtered:.2e} over a prefix index",
            self.measure.as_str()
        );
        // Building the index costs a few passes over the links, and an update over it reads the
        // suffix too: it pays when it at least halves the updates.
        if self.prefixes.unwrap_or(2 * filtered < direct) {
            Plan::Prefixes(self.index(min_count, &rank))
        } else {
            Plan::Direct
        }
    }

    /// A paper whose pairs may reach `min_count`: included, with that many features.
    fn kept(&self, p: u32, min_count: u32) -> bool {
        self.included(p) && self.first(p).len() >= min_count as usize
    }

    /// The prefix index at `min_count` (at least 2) for the feature ranks `rank`.
    fn index(&self, min_count: u32, rank: &[u32]) -> Index {
        let n = self.csr.node_count();
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        for p in 0..n as u32 {
            let len = if self.kept(p, min_count) {
                self.first(p).len()
            } else {
                0
            };
            offsets.push(offsets[p as usize] + len);
        }
        let mut ranks = vec![0u32; offsets[n]];
        // Each paper's slice of `ranks`, filled in parallel.
        let mut slices: Vec<(u32, &mut [u32])> = Vec::with_capacity(n);
        let mut rest = ranks.as_mut_slice();
        for p in 0..n {
            let (head, tail) = rest.split_at_mut(offsets[p + 1] - offsets[p]);
            if !head.is_empty() {
                slices.push((p as u32, head));
            }
            rest = tail;
        }
        slices.par_iter_mut().for_each(|(p, out)| {
            for (slot, &c) in out.iter_mut().zip(self.first(*p)) {
                *slot = rank[c as usize];
            }
            out.sort_unstable();
        });
        drop(slices);
        let suffix = min_count as usize - 1;
        let stride = 1 + suffix;
        let mut starts = vec![0usize; n + 1];
        for p in 0..n {
            let len = offsets[p + 1] - offsets[p];
            for &k in &ranks[offsets[p]..offsets[p] + len - suffix.min(len)] {
                starts[k as usize + 1] += 1;
            }
        }
        for k in 0..n {
            starts[k + 1] += starts[k];
        }
        let mut fill = starts.clone();
        let mut entries = vec![0u32; starts[n] * stride];
        for p in 0..n {
            let features = &ranks[offsets[p]..offsets[p + 1]];
            let (prefix, tail) = features.split_at(features.len() - suffix.min(features.len()));
            for &k in prefix {
                let at = fill[k as usize] * stride;
                entries[at] = p as u32;
                entries[at + 1..at + stride].copy_from_slice(tail);
                fill[k as usize] += 1;
            }
        }
        Index {
            offsets,
            ranks,
            stride,
            starts,
            entries,
        }
    }

    /// Row `a` of the product, upper triangle only, into `acc`; calls `f(b, count)` for every
    /// touched column (in first-touched order) and resets the accumulator.
    fn row(&self, a: u32, plan: &Plan, acc: &mut Accumulator, f: impl FnMut(u32, u32)) {
        match plan {
            Plan::Direct => self.row_direct(a, acc, f),
            Plan::Prefixes(index) => self.row_indexed(a, index, acc, f),
        }
    }

    /// [`Product::row`] over the adjacency lists: every b > a sharing a feature with a.
    fn row_direct(&self, a: u32, acc: &mut Accumulator, mut f: impl FnMut(u32, u32)) {
        if !self.included(a) {
            return;
        }
        for &c in self.first(a) {
            let second = self.second(c);
            // Sorted lists: the columns above a start after a's position.
            let start = second.partition_point(|&b| b <= a);
            for &b in &second[start..] {
                let slot = &mut acc.counts[b as usize];
                if *slot == 0 {
                    acc.touched.push(b);
                }
                *slot += 1;
            }
        }
        for &b in &acc.touched {
            let count = std::mem::take(&mut acc.counts[b as usize]);
            if self.included(b) {
                f(b, count);
            }
        }
        acc.touched.clear();
    }

    /// [`Product::row`] over the prefix index: calls `f(b, count)` with the exact count
    /// for every paper b > a that the index finds (in first-touched order; with prefix
    /// filtering at t, every b sharing at least t features with a is among them), and resets
    /// the accumulator.
    fn row_indexed(
        &self,
        a: u32,
        index: &Index,
        acc: &mut Accumulator,
        mut f: impl FnMut(u32, u32),
    ) {
        let features = index.features(a);
        for &k in features {
            acc.mine[k as usize] = true;
        }
        for &k in features {
            for entry in index.sharing_above(k, a) {
                let b = entry[0];
                let slot = &mut acc.counts[b as usize];
                if *slot == 0 {
                    acc.touched.push(b);
                    // b's suffix features that a holds, counted once.
                    *slot = entry[1..]
                        .iter()
                        .map(|&s| u32::from(acc.mine[s as usize]))
                        .sum();
                }
                *slot += 1;
            }
        }
        for &k in features {
            acc.mine[k as usize] = false;
        }
        for &b in &acc.touched {
            f(b, std::mem::take(&mut acc.counts[b as usize]));
        }
        acc.touched.clear();
    }

    fn accumulator(&self) -> Accumulator {
        Accumulator {
            counts: vec![0; self.csr.node_count()],
            touched: Vec::new(),
            mine: vec![false; self.csr.node_count()],
        }
    }

    /// The pairs counted at least `min_count` times, sorted by (a, b), and histogram[i]: the
    /// pairs counted exactly `min_count + i` times. With `cap` > 0, a pair is stored only when
    /// its count reaches the threshold that the rows done so far already force
    /// ([`raised_threshold`] of their histogram): counts only grow as rows are added, so the
    /// final threshold is at least that, and the stored pairs hold every pair the caller keeps
    /// (it drops the others), in one pass whatever order the threads take the rows in.
    fn pass(&self, min_count: u32, cap: usize) -> (Vec<Pair>, Vec<u64>) {
        let n = self.csr.node_count();
        let norm = |v: u32| self.first(v).len() as f64;
        let plan = self.plan(min_count);
        let threshold = AtomicU32::new(min_count);
        let seen: Mutex<Vec<u64>> = Mutex::new(Vec::new());
        let chunks: Vec<Vec<Pair>> = (0..n.div_ceil(ROWS))
            .into_par_iter()
            .map_init(
                || self.accumulator(),
                |acc, chunk| {
                    let mut out = Vec::new();
                    let mut histogram: Vec<u64> = Vec::new();
                    let stored_from = threshold.load(Ordering::Relaxed);
                    for a in chunk * ROWS..((chunk + 1) * ROWS).min(n) {
                        let a = a as u32;
                        let start = out.len();
                        self.row(a, &plan, acc, |b, count| {
                            if count >= min_count {
                                let i = (count - min_count) as usize;
                                if histogram.len() <= i {
                                    histogram.resize(i + 1, 0);
                                }
                                histogram[i] += 1;
                                if count >= stored_from {
                                    out.push(Pair {
                                        a,
                                        b,
                                        count,
                                        salton: f64::from(count) / (norm(a) * norm(b)).sqrt(),
                                    });
                                }
                            }
                        });
                        out[start..].sort_unstable_by_key(|p| p.b);
                    }
                    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                    if seen.len() < histogram.len() {
                        seen.resize(histogram.len(), 0);
                    }
                    for (i, c) in histogram.into_iter().enumerate() {
                        seen[i] += c;
                    }
                    if cap > 0 {
                        let forced = raised_threshold(&seen, min_count, cap);
                        threshold.fetch_max(forced, Ordering::Relaxed);
                        let now = threshold.load(Ordering::Relaxed);
                        if now > stored_from {
                            out.retain(|p| p.count >= now);
                        }
                    }
                    out
                },
            )
            .collect();
        let mut pairs = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for chunk in chunks {
            pairs.extend(chunk);
        }
        (pairs, seen.into_inner().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The smallest threshold at least `requested` that keeps at most `max_pairs` pairs, from
/// `histogram[i]` = the pairs counted exactly `requested + i` times (`requested` itself when
/// they fit, or when `max_pairs` is 0: no bound). The pairs of one count are kept or dropped
/// together, so fewer than `max_pairs` may remain.
fn raised_threshold(histogram: &[u64], requested: u32, max_pairs: usize) -> u32 {
    let total: u64 = histogram.iter().sum();
    if max_pairs == 0 || total <= max_pairs as u64 {
        return requested;
    }
    // Walk down from the highest count while the pairs still fit.
    let mut kept = 0u64;
    let mut min_count = histogram.len() as u32 + requested;
    for (i, &c) in histogram.iter().enumerate().rev() {
        if kept + c > max_pairs as u64 {
            break;
        }
        kept += c;
        min_count = requested + i as u32;
    }
    min_count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0, 1 and 2 each cite 3 and 4; 0 and 1 also cite 5; 2 cites 0.
    fn small() -> Csr {
        Csr::from_edges(
            6,
            [
                (0, 3),
                (0, 4),
                (1, 3),
                (1, 4),
                (2, 3),
                (2, 4),
                (0, 5),
                (1, 5),
                (2, 0),
            ],
        )
        .unwrap()
    }

    fn options(min_count: u32) -> PairOptions {
        PairOptions {
            min_count,
            ..PairOptions::default()
        }
    }

    #[test]
    fn cocitation_by_hand() {
        let p = cocitation(&small(), &options(2)).unwrap();
        let got: Vec<(u32, u32, u32)> = p.pairs.iter().map(|p| (p.a, p.b, p.count)).collect();
        // 3 and 4 are cited together by 0, 1, 2; 3-5 and 4-5 by 0, 1.
        assert_eq!(got, vec![(3, 4, 3), (3, 5, 2), (4, 5, 2)]);
        assert!((p.pairs[0].salton - 1.0).abs() < 1e-15);
        assert!((p.pairs[1].salton - 2.0 / (3.0f64 * 2.0).sqrt()).abs() < 1e-15);
        assert!(!p.bounded);
        assert_eq!(p.candidates, 3);
        // With threshold 1, 0 is co-cited with nothing (only 2 cites it, with 3 and 4).
        let p = cocitation(&small(), &options(1)).unwrap();
        assert_eq!(p.pairs.len(), 5);
        assert!(p.pairs.iter().any(|q| (q.a, q.b, q.count) == (0, 3, 1)));
    }

    #[test]
    fn coupling_by_hand() {
        let p = bibliographic_coupling(&small(), &options(2)).unwrap();
        let got: Vec<(u32, u32, u32)> = p.pairs.iter().map(|p| (p.a, p.b, p.count)).collect();
        // 0 and 1 share 3, 4, 5; 0-2 and 1-2 share 3, 4.
        assert_eq!(got, vec![(0, 1, 3), (0, 2, 2), (1, 2, 2)]);
        // 2 has 3 references in the graph (0, 3, 4), 0 has 3.
        assert!((p.pairs[1].salton - 2.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn the_bound_raises_the_threshold() {
        let options = PairOptions {
            min_count: 1,
            max_pairs: 3,
            ..PairOptions::default()
        };
        let p = cocitation(&small(), &options).unwrap();
        assert!(p.bounded);
        assert_eq!(p.min_count, 2);
        assert_eq!(p.candidates, 5);
        assert_eq!(p.pairs.len(), 3);
        // max_pairs 0: no bound.
        let p = cocitation(
            &small(),
            &PairOptions {
                max_pairs: 0,
                ..options.clone()
            },
        )
        .unwrap();
        assert_eq!(p.pairs.len(), 5);
        let tight = PairOptions {
            min_count: 2,
            max_pairs: 1,
            ..PairOptions::default()
        };
        let p = cocitation(&small(), &tight).unwrap();
        assert_eq!((p.min_count, p.pairs.len()), (3, 1));
        // The pairs of one count are all kept or all left out: 2 at count 2 do not fit 2 with the one at 3.
        let tighter = PairOptions {
            max_pairs: 2,
            ..tight
        };
        let p = bibliographic_coupling(&small(), &tighter).unwrap();
        assert_eq!((p.min_count, p.pairs.len()), (3, 1));
    }

    /// Across many row chunks and any number of threads, the bounded pass keeps exactly the
    /// pairs of the unbounded one that reach the raised threshold.
    #[test]
    fn a_bounded_product_is_the_unbounded_one_cut_at_its_threshold() {
        let mut rng = super::super::SplitMix64::new(11);
        let n = 3000;
        let edges: Vec<(u32, u32)> = (0..n * 8)
            .map(|_| {
                // Skewed targets: a few papers cited by many, as in citation graphs.
                let cited = (rng.below(n) * rng.below(n) / n) as u32;
                (rng.below(n) as u32, cited)
            })
            .collect();
        let csr = Csr::from_edges(n, edges).unwrap();
        for measure in [PairMeasure::Cocitation, PairMeasure::Coupling] {
            let all = shared_neighbor_pairs(&csr, measure, &options(1)).unwrap();
            for max_pairs in [10, 1000, 20_000] {
                let bounded = PairOptions {
                    max_pairs,
                    ..options(1)
                };
                for threads in [1, 3] {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap();
                    let got = pool
                        .install(|| shared_neighbor_pairs(&csr, measure, &bounded))
                        .unwrap();
                    assert!(got.bounded, "{measure:?} {max_pairs}");
                    assert!(got.pairs.len() <= max_pairs);
                    assert_eq!(got.candidates, all.pairs.len() as u64);
                    let expected: Vec<&Pair> = all
                        .pairs
                        .iter()
                        .filter(|p| p.count >= got.min_count)
                        .collect();
                    assert_eq!(got.pairs.iter().collect::<Vec<_>>(), expected);
                    // The threshold is the smallest that fits: one lower would not.
                    let below = all.pairs.iter().filter(|p| p.count >= got.min_count - 1);
                    assert!(below.count() > max_pairs);
                }
            }
        }
    }

    #[test]
    fn included_papers_restrict_the_pairs_not_the_counts() {
        let mut included = vec![true; 6];
        included[5] = false;
        let p = cocitation(
            &small(),
            &PairOptions {
                included: Some(included),
                ..PairOptions::default()
            },
        )
        .unwrap();
        assert_eq!(p.pairs.len(), 1);
        assert_eq!((p.pairs[0].a, p.pairs[0].b, p.pairs[0].count), (3, 4, 3));
        let bad = PairOptions {
            included: Some(vec![true]),
            ..PairOptions::default()
        };
        assert!(cocitation(&small(), &bad).is_err());
        assert!(cocitation(&small(), &options(0)).is_err());
    }

    #[test]
    fn matches_a_pair_loop_on_random_graphs() {
        let mut rng = super::super::SplitMix64::new(5);
        for round in 0..10 {
            let n = 20 + rng.below(60);
            // Skewed targets (a few papers cited by many), so that suffixes matter.
            let edges: Vec<(u32, u32)> = (0..n * 6)
                .map(|_| {
                    let cited = (rng.below(n) * rng.below(n) / n) as u32;
                    (rng.below(n) as u32, cited)
                })
                .collect();
            let csr = Csr::from_edges(n, edges).unwrap();
            for (measure, t) in [PairMeasure::Cocitation, PairMeasure::Coupling]
                .into_iter()
                .flat_map(|m| (1..=4).map(move |t| (m, t)))
            {
                let plans: Vec<Vec<(u32, u32, u32)>> = [false, true]
                    .into_iter()
                    .map(|prefixes| {
                        let product = Product {
                            csr: &csr,
                            measure,
                            included: None,
                            prefixes: Some(prefixes),
                        };
                        let (pairs, _) = product.pass(t, 0);
                        pairs.iter().map(|p| (p.a, p.b, p.count)).collect()
                    })
                    .collect();
                let got = shared_neighbor_pairs(&csr, measure, &options(t)).unwrap();
                let mut expected = Vec::new();
                for a in 0..n as u32 {
                    for b in a + 1..n as u32 {
                        let (la, lb) = match measure {
                            PairMeasure::Cocitation => (csr.in_neighbors(a), csr.in_neighbors(b)),
                            PairMeasure::Coupling => (csr.out_neighbors(a), csr.out_neighbors(b)),
                        };
                        let count = la.iter().filter(|x| lb.contains(x)).count() as u32;
                        if count >= t {
                            expected.push((a, b, count));
                        }
                    }
                }
                let got: Vec<(u32, u32, u32)> =
                    got.pairs.iter().map(|p| (p.a, p.b, p.count)).collect();
                assert_eq!(got, expected, "round {round}, {measure:?}, threshold {t}");
                assert_eq!(
                    plans[0], expected,
                    "direct, round {round}, {measure:?}, {t}"
                );
                assert_eq!(
                    plans[1], expected,
                    "prefixes, round {round}, {measure:?}, {t}"
                );
                // Papers left out drop their pairs, not the counts of the others.
                let included: Vec<bool> = (0..n).map(|v| v % 3 != 1).collect();
                let product = Product {
                    csr: &csr,
                    measure,
                    included: Some(&included),
                    prefixes: Some(true),
                };
                let (pairs, _) = product.pass(t, 0);
                let got: Vec<(u32, u32, u32)> = pairs.iter().map(|p| (p.a, p.b, p.count)).collect();
                let kept: Vec<(u32, u32, u32)> = expected
                    .iter()
                    .copied()
                    .filter(|&(a, b, _)| included[a as usize] && included[b as usize])
                    .collect();
                assert_eq!(got, kept, "included, round {round}, {measure:?}, {t}");
            }
        }
    }

    #[test]
    fn empty_graph() {
        let p = cocitation(&Csr::default(), &PairOptions::default()).unwrap();
        assert!(p.pairs.is_empty());
    }
}
