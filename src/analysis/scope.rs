//! Scope signals of a missing paper: is it a paper of the list's field, or a landmark of its
//! background? One pooled rate cannot tell (issue #23): the share of a field paper's citations
//! that come from the list depends on how completely the list covers its field, and a landmark's
//! share sits between a thin list's and a thorough one's. So the decision takes one rate
//! statistic and three (four with `--expand`) field signals, each measured against the
//! catalogue papers themselves, the papers in scope by definition.
//!
//! For a paper v of a kind (foundation: its citers; candidate: its references), k its catalogue
//! links and n its global count (see `missing.rs`):
//!
//! ```text
//! peers(v)      = the PEERS catalogue papers nearest to v in (ln(1 + n), year / AGE_SCALE)
//! p_peers       = sum over peers of k(c) / sum over peers of n(c)
//! peer_lift     = (k / n) / p_peers,   peer_llr = G2(k, n, p_peers)
//! below         <=> peer_lift < scope_min_lift and peer_llr >= scope_min_llr
//!
//! field signals (each 0 or 1):
//! reciprocal    r >= min_catalog_links and (r / n') / p' >= RECIPROCAL_MIN_LIFT
//!               r: catalogue links of the other kind (a foundation's catalogue references),
//!               n' its global count of that kind, p' the catalogue papers' pooled rate of it
//! concentration D(q || b) - D_95(N) > CONCENTRATION_MIN  (nats; 0 below N = 2)
//!               q: the mechanisms of v's N linked catalogue papers (each split evenly), b the
//!               catalogue's share of each (over the papers with a mechanism), D_95(N) the
//!               NULL_QUANTILE quantile of D for N catalogue papers drawn at random
//!               (NULL_DRAWS seeded draws for each N up to NULL_MAX_PAPERS)
//! affinity      mean over v's title terms t of w(t) >= AFFINITY_MIN  (nats a term)
//!               w(t) = ln[((d_c(t) + 0.5) / (C + 1)) / ((d_o(t) + 0.5) / (O + 1))] when t is
//!               over-represented in the C catalogue titles against the O other titles of the
//!               graph with G2 >= 3.84 (p < 0.05) and in at least 2 catalogue titles, else 0
//! neighbourhood (with `--expand`) neighbourhood_lift >= 1
//!
//! broad         <=> k >= BROAD_MIN_PAPERS, concentration <= CONCENTRATION_MIN, field_lift < 1
//!               and not (peer_lift >= 1 and peer_llr >= scope_min_llr)
//! background    <=> (below or broad) and field signals < FIELD_SIGNALS_MIN (2)
//! ```
//!
//! - The peer rate answers "concentrated against what?" with the catalogue papers of similar
//!   citation count and age instead of one pooled rate that the few most-cited catalogue papers
//!   dominate: a paper is judged against the papers of the list that are as cited and as old.
//!   G2 is Dunning's log-likelihood ratio (`missing.rs`).
//! - Reciprocity: a paper of the field builds on the field; a landmark is built on by it. A
//!   foundation that also cites catalogue papers at the catalogue's own rate is part of the
//!   field's conversation (the same test, transposed, for a candidate: catalogue papers cite it).
//! - Concentration is the Kullback-Leibler divergence (Kullback & Leibler, 1951) of v's
//!   mechanisms from the catalogue's, less what chance gives as many papers of the list drawn
//!   at random (a permutation test's 95th percentile: the plug-in divergence of a few papers is
//!   large by chance alone, and a bias correction such as Miller-Madow's undercorrects at a
//!   handful of papers over twenty mechanisms): a landmark is cited across every mechanism in
//!   proportion to its size (at or below chance); a field paper mostly by one or two.
//! - Breadth: a landmark is cited by many catalogue papers across every mechanism, and takes a
//!   smaller share of its citations from the list than the list's own papers do on average.
//!
//! Cost: the peer rate is O(C) a row (C catalogue papers); the null O(NULL_DRAWS x
//! NULL_MAX_PAPERS^2) once a kind; the vocabulary one pass over the graph's titles a kind.
//! - Affinity is a naive-Bayes log-likelihood of the title under the catalogue's vocabulary
//!   against the rest of the graph's, over the terms the community labels use (`clusters.rs`:
//!   words and adjacent pairs, stop words and generic research words dropped).
//!
//! The constants were calibrated on planted field papers and landmarks of the synthetic world
//! in two regimes (README "Scope"); the tests assert them on another seed of the planting.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{clusters, GraphMetrics, MissingKind};

/// Dunning's G2 of `k` successes in `n` trials against the rate `p0` (0 when undefined): the
/// rate statistic of the scope signals and of the missing papers' `field_llr` (Dunning,
/// Computational Linguistics 1993).
pub fn g2_against_rate(k: f64, n: f64, p0: f64) -> f64 {
    if n <= 0.0 || p0 <= 0.0 || p0 >= 1.0 {
        return 0.0;
    }
    let term = |observed: f64, expected: f64| {
        if observed > 0.0 {
            observed * (observed / expected).ln()
        } else {
            0.0
        }
    };
    (2.0 * (term(k, n * p0) + term(n - k, n * (1.0 - p0)))).max(0.0)
}

/// How a missing paper's scope is decided (`--scope-rule`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ScopeRule {
    /// The rate against comparable catalogue papers, breadth and the field signals (this
    /// module).
    #[default]
    Signals,
    /// The earlier rule, kept for comparison: background when the field lift (the neighbourhood
    /// lift for an expanded row) is below `scope_min_lift` with G2 at least `scope_min_llr`.
    FieldRate,
}

/// Catalogue papers a missing paper's rate is compared with (its nearest in count and age).
pub const PEERS: usize = 25;
/// Years that weigh as much as one e-fold of the citation count in the peer distance.
pub const AGE_SCALE: f64 = 3.0;
/// The reciprocal share must be at least this fraction of the catalogue papers' own.
pub const RECIPROCAL_MIN_LIFT: f64 = 0.5;
/// Divergence (nats) beyond chance's [`NULL_QUANTILE`] that counts as concentrated: landmarks
/// cited by the newer catalogue papers only reach 0.03 above it (their mechanism mix is the
/// recent papers', not the whole list's).
pub const CONCENTRATION_MIN: f64 = 0.1;
/// Draws of N catalogue papers that estimate chance's divergence for each N.
pub const NULL_DRAWS: usize = 400;
/// The seed of those draws: fixed, not `--seed`, so that the suggestions (which the null's
/// quantile moves across the concentration threshold) are the same whatever `--seed` is given.
pub const NULL_SEED: u64 = 0;
/// The quantile of chance's divergence a concentrated paper must exceed.
pub const NULL_QUANTILE: f64 = 0.95;
/// The largest N the null is drawn for (larger N use its value, which only falls with N).
pub const NULL_MAX_PAPERS: usize = 60;
/// Mean log-likelihood ratio a title term (nats) that counts as the field's vocabulary.
pub const AFFINITY_MIN: f64 = 1.0;
/// Field signals that keep a paper below its peers' rate (or cited broadly) in scope.
pub const FIELD_SIGNALS_MIN: usize = 2;
/// Catalogue papers it takes to see that a paper is cited across the list's mechanisms in
/// proportion (a landmark) rather than mostly by one or two.
pub const BROAD_MIN_PAPERS: usize = 20;

/// What the signals need of the whole graph, for one kind: the catalogue papers' rates, the
/// pooled rate of the other kind, the catalogue's mechanism shares and vocabulary.
pub struct ScopeContext {
    /// (ln(1 + n), year, k, n) of each catalogue paper with n > 0, by ln(1 + n).
    peers: Vec<(f64, f64, f64, f64)>,
    /// The catalogue papers' pooled rate of the other kind (p').
    reciprocal_rate: f64,
    /// w(t) of each term of the catalogue's vocabulary.
    vocabulary: HashMap<String, f64>,
    /// By N (index), the 95th percentile of D(q || b) of N catalogue papers drawn at random.
    null_divergence: Vec<f64>,
}

/// The signals of one row (the module docs give each formula; `MissingPaper` carries them).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    /// (k / n) / p_peers; 0 when undefined.
    pub peer_lift: f64,
    /// G2(k, n, p_peers), at least 0.
    pub peer_llr: f64,
    /// r: catalogue links of the other kind.
    pub reciprocal_links: usize,
    /// (r / n') / p'; 0 when undefined.
    pub reciprocal_lift: f64,
    /// D(q || b) - D_95(N), nats; positive beyond chance, 0 below two papers.
    pub concentration: f64,
    /// Mean w(t) of the title's terms, nats a term.
    pub affinity: f64,
}

impl ScopeContext {
    /// The context of `kind`; `global(v, kind)` is n(v) for that kind.
    pub fn new(
        cx: &GraphMetrics<'_>,
        kind: MissingKind,
        base: &BTreeMap<&str, f64>,
        seed: u64,
        global: impl Fn(u32, MissingKind) -> f64,
    ) -> ScopeContext {
        let (links, other_links, other) = links_of(cx, kind);
        let mut peers: Vec<(f64, f64, f64, f64)> = Vec::new();
        let (mut linked, mut total) = (0.0, 0.0);
        for &c in &cx.catalog_nodes {
            let n = global(c, kind);
            if n > 0.0 {
                let year = f64::from(cx.graph.node(c).year.unwrap_or(0));
                peers.push(((1.0 + n).ln(), year, f64::from(links[c as usize]), n));
            }
            linked += f64::from(other_links[c as usize]);
            total += global(c, other);
        }
        peers.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        ScopeContext {
            null_divergence: null_divergence(cx, base, seed),
            peers,
            reciprocal_rate: if total > 0.0 { linked / total } else { 0.0 },
            vocabulary: vocabulary(cx),
        }
    }

    /// The signals of row `v` with `k` links of `n`, `reciprocal_n` its global count of the
    /// other kind, `mechanisms` the linked catalogue papers' mechanism weights (each paper split
    /// evenly, summing to the papers with a mechanism) and `base` the catalogue's shares (of
    /// the papers with a mechanism, summing to 1). Rates are shares (0..1 before the lift),
    /// lifts ratios, G2 and concentration in nats (G2 is twice a log-likelihood ratio).
    #[allow(clippy::too_many_arguments)]
    pub fn signals(
        &self,
        cx: &GraphMetrics<'_>,
        v: u32,
        kind: MissingKind,
        k: f64,
        n: f64,
        reciprocal_n: f64,
        mechanisms: &BTreeMap<&str, f64>,
        base: &BTreeMap<&str, f64>,
    ) -> Signals {
        let node = cx.graph.node(v);
        let p = self.peer_rate((1.0 + n).ln(), f64::from(node.year.unwrap_or(0)));
        let (_, other_links, _) = links_of(cx, kind);
        let r = other_links[v as usize] as usize;
        let reciprocal_n = reciprocal_n.max(r as f64);
        Signals {
            peer_lift: if p > 0.0 && n > 0.0 { (k / n) / p } else { 0.0 },
            peer_llr: g2_against_rate(k, n, p),
            reciprocal_links: r,
            reciprocal_lift: if self.reciprocal_rate > 0.0 && reciprocal_n > 0.0 {
                (r as f64 / reciprocal_n) / self.reciprocal_rate
            } else {
                0.0
            },
            concentration: {
                let papers: f64 = mechanisms.values().sum();
                let index = (papers.round() as usize).min(self.null_divergence.len() - 1);
                if papers < 2.0 {
                    0.0
                } else {
                    divergence(mechanisms, base) - self.null_divergence[index]
                }
            },
            affinity: self.affinity(&node.title),
        }
    }

    /// p_peers: the pooled rate of the [`PEERS`] catalogue papers nearest to (ln(1 + n), year).
    fn peer_rate(&self, ln_n: f64, year: f64) -> f64 {
        let mut nearest: Vec<(f64, usize)> = self
            .peers
            .iter()
            .enumerate()
            .map(|(i, &(l, y, _, _))| ((l - ln_n).abs() + (y - year).abs() / AGE_SCALE, i))
            .collect();
        let take = PEERS.min(nearest.len());
        if take == 0 {
            return 0.0;
        }
        nearest.select_nth_unstable_by(take - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (k, n) = nearest[..take].iter().fold((0.0, 0.0), |(k, n), &(_, i)| {
            (k + self.peers[i].2, n + self.peers[i].3)
        });
        if n > 0.0 {
            k / n
        } else {
            0.0
        }
    }

    /// The mean w(t) over the title's distinct terms (0 for a title without terms).
    fn affinity(&self, title: &str) -> f64 {
        // Sorted, so that the sum is the same on every run.
        let terms: BTreeSet<String> = clusters::title_terms(title).into_iter().collect();
        if terms.is_empty() {
            return 0.0;
        }
        terms
            .iter()
            .map(|t| self.vocabulary.get(t).copied().unwrap_or(0.0))
            .sum::<f64>()
            / terms.len() as f64
    }
}

/// How many field signals (0..4) a row shows: reciprocal, concentration, affinity, and the
/// neighbourhood when `neighbourhood_lift` is given (an expanded row); `min_links` is
/// `--min-catalog-links`.
pub fn field_signals(
    signals: &Signals,
    neighbourhood_lift: Option<f64>,
    min_links: usize,
) -> usize {
    [
        signals.reciprocal_links >= min_links && signals.reciprocal_lift >= RECIPROCAL_MIN_LIFT,
        signals.concentration > CONCENTRATION_MIN,
        signals.affinity >= AFFINITY_MIN,
        neighbourhood_lift.is_some_and(|lift| lift >= 1.0),
    ]
    .iter()
    .filter(|&&b| b)
    .count()
}

/// The links of `kind` and of the other kind, and the other kind.
fn links_of<'c>(
    cx: &'c GraphMetrics<'_>,
    kind: MissingKind,
) -> (&'c [u32], &'c [u32], MissingKind) {
    match kind {
        MissingKind::Foundation => (
            &cx.catalog_citations,
            &cx.catalog_references,
            MissingKind::Candidate,
        ),
        MissingKind::Candidate => (
            &cx.catalog_references,
            &cx.catalog_citations,
            MissingKind::Foundation,
        ),
    }
}

/// D(q || b) in nats (0 for an empty q).
fn divergence(weights: &BTreeMap<&str, f64>, base: &BTreeMap<&str, f64>) -> f64 {
    let papers: f64 = weights.values().sum();
    if papers <= 0.0 {
        return 0.0;
    }
    weights
        .iter()
        .filter_map(|(m, &w)| {
            let b = base.get(m).copied().unwrap_or(0.0);
            (w > 0.0 && b > 0.0).then(|| {
                let q = w / papers;
                q * (q / b).ln()
            })
        })
        .sum()
}

/// By N from 0 to [`NULL_MAX_PAPERS`], the [`NULL_QUANTILE`] quantile of D(q || b) over
/// [`NULL_DRAWS`] draws of N catalogue papers with a mechanism, at random without replacement
/// (seeded): what concentration chance alone gives N papers of the list itself.
fn null_divergence(cx: &GraphMetrics<'_>, base: &BTreeMap<&str, f64>, seed: u64) -> Vec<f64> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let drawn_from: Vec<&[String]> = cx
        .catalog_nodes
        .iter()
        .map(|&c| cx.specified_mechanisms(c))
        .filter(|m| !m.is_empty())
        .collect();
    // Mechanisms as dense indices in name order, so a draw adds into a vector instead of a map
    // keyed by strings (the null's cost was string comparisons); the sums run in the same order
    // as [`divergence`]'s, so the values are the same to the bit.
    let mut names: Vec<&str> = base.keys().copied().collect();
    names.extend(drawn_from.iter().flat_map(|m| m.iter().map(String::as_str)));
    names.sort_unstable();
    names.dedup();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, &m)| (m, i)).collect();
    let base_dense: Vec<f64> = names
        .iter()
        .map(|m| base.get(m).copied().unwrap_or(0.0))
        .collect();
    let papers: Vec<(Vec<usize>, f64)> = drawn_from
        .iter()
        .map(|m| {
            let share = 1.0 / m.len() as f64;
            (m.iter().map(|x| index[x.as_str()]).collect(), share)
        })
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x5c0e);
    let mut order: Vec<usize> = (0..papers.len()).collect();
    let mut q = vec![0.0f64; names.len()];
    (0..=NULL_MAX_PAPERS)
        .map(|n| {
            if n < 2 || n > papers.len() {
                return 0.0;
            }
            let mut values: Vec<f64> = (0..NULL_DRAWS)
                .map(|_| {
                    let (drawn, _) = order.partial_shuffle(&mut rng, n);
                    q.iter_mut().for_each(|x| *x = 0.0);
                    for &i in drawn.iter() {
                        let (mechanisms, share) = &papers[i];
                        for &m in mechanisms {
                            q[m] += share;
                        }
                    }
                    dense_divergence(&q, &base_dense)
                })
                .collect();
            values.sort_by(f64::total_cmp);
            values[((values.len() as f64 * NULL_QUANTILE) as usize).min(values.len() - 1)]
        })
        .collect()
}

/// [`divergence`] of weights and base given as vectors over the same mechanisms in name order
/// (a weight of 0 for a mechanism absent from a draw).
fn dense_divergence(weights: &[f64], base: &[f64]) -> f64 {
    let papers: f64 = weights.iter().filter(|&&w| w != 0.0).sum();
    if papers <= 0.0 {
        return 0.0;
    }
    weights
        .iter()
        .zip(base)
        .filter(|&(&w, &b)| w > 0.0 && b > 0.0)
        .map(|(&w, &b)| {
            let q = w / papers;
            q * (q / b).ln()
        })
        .sum()
}

/// w(t) for every term over-represented in the catalogue's titles (see the module docs).
fn vocabulary(cx: &GraphMetrics<'_>) -> HashMap<String, f64> {
    let mut catalog: HashMap<String, f64> = HashMap::new();
    let mut other: HashMap<String, f64> = HashMap::new();
    let (mut c, mut o) = (0.0f64, 0.0f64);
    for (v, node) in cx.graph.nodes().enumerate() {
        let terms: HashSet<String> = clusters::title_terms(&node.title).into_iter().collect();
        let (counts, size) = if cx.in_catalog(v as u32) {
            (&mut catalog, &mut c)
        } else {
            (&mut other, &mut o)
        };
        *size += 1.0;
        for t in terms {
            *counts.entry(t).or_default() += 1.0;
        }
    }
    catalog
        .into_iter()
        .filter_map(|(t, dc)| {
            let d_o = other.get(&t).copied().unwrap_or(0.0);
            let over = dc / c.max(1.0) > d_o / o.max(1.0);
            let g2 = clusters::log_likelihood_ratio(dc, c, d_o, o);
            (dc >= 2.0 && over && g2 >= 3.84).then(|| {
                let w = ((dc + 0.5) / (c + 1.0)).ln() - ((d_o + 0.5) / (o + 1.0)).ln();
                (t, w)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{dense_divergence, divergence, field_signals, ScopeContext, Signals, PEERS};

    fn context(peers: Vec<(f64, f64, f64, f64)>) -> ScopeContext {
        ScopeContext {
            peers,
            reciprocal_rate: 0.0,
            vocabulary: [("token".to_string(), 2.0), ("pruning".to_string(), 1.0)].into(),
            null_divergence: vec![0.0],
        }
    }

    /// The peer rate pools the nearest catalogue papers in count and age: a paper of 1,000
    /// citations is measured against the 30 catalogue papers of 1,000 citations and 1 %, not
    /// against the 30 of 10 citations and 50 % (the pooled rate of all 60 would be 1.5 %).
    #[test]
    fn the_peer_rate_pools_the_nearest_catalogue_papers() {
        const { assert!(PEERS <= 30) };
        let mut peers = Vec::new();
        for _ in 0..30 {
            peers.push((11f64.ln(), 2020.0, 5.0, 10.0));
            peers.push((1001f64.ln(), 2020.0, 10.0, 1000.0));
        }
        let cx = context(peers);
        assert!((cx.peer_rate(1001f64.ln(), 2020.0) - 0.01).abs() < 1e-12);
        assert!((cx.peer_rate(11f64.ln(), 2020.0) - 0.5).abs() < 1e-12);
        // Three years weigh as much as an e-fold of the count: a 2011 paper of 1,000 citations
        // is still nearer the 2020 papers of 1,000 (distance 3) than those of 10 (4.6 + 3).
        assert!((cx.peer_rate(1001f64.ln(), 2011.0) - 0.01).abs() < 1e-12);
        // No catalogue paper with a count: no rate.
        assert_eq!(context(Vec::new()).peer_rate(1.0, 2020.0), 0.0);
    }

    /// Affinity is the mean weight of the title's distinct terms: "Token Pruning" has "token"
    /// (2), "pruning" (1) and the pair "token pruning" (not in the vocabulary, 0): 1.
    #[test]
    fn affinity_is_the_mean_weight_of_the_title_terms() {
        let cx = context(Vec::new());
        assert!((cx.affinity("Token Pruning") - 1.0).abs() < 1e-12);
        // A term counts once however often it appears: "token" (2) and "token token" (0).
        assert!((cx.affinity("Token, TOKEN") - 1.0).abs() < 1e-12);
        assert_eq!(cx.affinity("Segment Anything"), 0.0);
        assert_eq!(cx.affinity(""), 0.0);
    }

    /// D(q || b) by hand: q = (3/4, 1/4), b = (1/2, 1/2):
    /// 3/4 ln(3/2) + 1/4 ln(1/2) = 0.3041 - 0.1733 = 0.1308 nats.
    #[test]
    fn divergence_matches_the_hand_value() {
        let q: BTreeMap<&str, f64> = [("pruning", 3.0), ("merging", 1.0)].into();
        let b: BTreeMap<&str, f64> = [("pruning", 0.5), ("merging", 0.5)].into();
        let expected = 0.75 * 1.5f64.ln() + 0.25 * 0.5f64.ln();
        assert!((divergence(&q, &b) - expected).abs() < 1e-12);
        // The null's dense form (names in order: merging, other, pruning) gives the same bits,
        // a mechanism absent from the base left out of the sum but not of the total.
        let q3: BTreeMap<&str, f64> = [("pruning", 3.0), ("merging", 1.0), ("other", 2.0)].into();
        assert_eq!(
            dense_divergence(&[1.0, 2.0, 3.0], &[0.5, 0.0, 0.5]).to_bits(),
            divergence(&q3, &b).to_bits()
        );
        assert_eq!(dense_divergence(&[0.0, 0.0], &[0.5, 0.5]), 0.0);
        // Proportional to the base: no divergence; empty: 0.
        let even: BTreeMap<&str, f64> = [("pruning", 2.0), ("merging", 2.0)].into();
        assert!(divergence(&even, &b).abs() < 1e-12);
        assert_eq!(divergence(&BTreeMap::new(), &b), 0.0);
    }

    /// Each signal counts once, at its threshold; reciprocity needs the link count too.
    #[test]
    fn field_signals_count_each_signal_at_its_threshold() {
        let none = Signals::default();
        assert_eq!(field_signals(&none, None, 3), 0);
        let all = Signals {
            reciprocal_links: 3,
            reciprocal_lift: 0.5,
            concentration: 0.11,
            affinity: 1.0,
            ..Signals::default()
        };
        assert_eq!(field_signals(&all, Some(1.0), 3), 4);
        assert_eq!(field_signals(&all, Some(0.99), 3), 3);
        // Two catalogue references are too few links, whatever their share.
        let few = Signals {
            reciprocal_links: 2,
            reciprocal_lift: 5.0,
            ..Signals::default()
        };
        assert_eq!(field_signals(&few, None, 3), 0);
        // At the concentration threshold itself: not concentrated.
        let at = Signals {
            concentration: 0.1,
            ..Signals::default()
        };
        assert_eq!(field_signals(&at, None, 3), 0);
    }
}
