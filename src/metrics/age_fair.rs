//! Influence for its age: two corrections of PageRank's bias towards old papers (an old paper has
//! had years to gather citers, and PageRank sums over all of them).
//!
//! **CiteRank** (D. Walker, H. Xie, K.-K. Yan, S. Maslov, "Ranking scientific publications using
//! a model of network traffic", J. Stat. Mech. 2007, P06010): researchers start reading at a
//! paper chosen with probability rho_i proportional to exp(-age_i / tau) (recent papers are where
//! reading starts), and follow a reference with probability 1 - alpha at each step. A paper's
//! traffic is T = sum over k of (1 - alpha)^k W^k rho, W[i][j] = 1 / outdeg(j) when j cites i, so
//! T = (I - (1 - alpha) W)^-1 rho: personalized PageRank with damping 1 - alpha and start vector
//! rho ([`crate::metrics::pagerank_personalized`]; networkx computes the same with
//! `pagerank(G, alpha=1 - alpha, personalization=rho)`). The paper's fit to the physics
//! literature: alpha = 0.5 (about two steps a walk) and tau = 2.6 years; those are the defaults.
//!
//! **Rescaled PageRank** (M. S. Mariani, M. Medo, Y.-C. Zhang, "Identification of milestone
//! papers through time-balanced network centrality", J. Informetrics 10(4), 2016): a paper's
//! PageRank p_i as a z-score among the `window` papers published closest in time to it,
//! R_i = (p_i - mu_i) / sigma_i, mu_i and sigma_i the mean and (population) standard deviation
//! of p over that window. The window of a paper published at date d is every paper published
//! within r of d, r the smallest distance at which it holds at least `window` papers (nearest
//! dates first, both sides alike; whole dates, so that papers of one date share one window and
//! no tie is broken by an id). With dates in days this is the paper's "Delta_p papers closest in
//! time"; with whole years a year's papers are compared with each other, and with the years
//! around when the year has fewer than `window`. The paper uses window = 1,000 on 450,000 APS
//! papers; the window is capped at the number of dated papers.
//! R_i is time-balanced: in a graph where age alone drove PageRank, every year's papers would
//! have the same distribution of R.

use super::{pagerank_personalized, MetricsError, PageRankOptions};
use crate::graph::Csr;

/// CiteRank's parameters (Walker et al. 2007).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CiteRankOptions {
    /// The probability that a reader stops at each step, in (0, 1]: the walk follows a
    /// reference with probability 1 - alpha. Walker et al.: 0.5.
    pub alpha: f64,
    /// The age, in years, over which the chance of starting at a paper falls by a factor e.
    /// Walker et al.: 2.6.
    pub tau_years: f64,
}

impl Default for CiteRankOptions {
    fn default() -> Self {
        CiteRankOptions {
            alpha: 0.5,
            tau_years: 2.6,
        }
    }
}

/// CiteRank traffic of every node, summing to 1 (see the module documentation for the formula).
///
/// `age_years[v]`: the age of paper v in years at the time of analysis (the analysis year less
/// its publication year, or a finer difference of dates), `None` when unknown: a paper of
/// unknown age is never a starting point (rho = 0) but gets the traffic that reaches it through
/// its citers. Negative ages (a date after the analysis date) count as 0.
///
/// Errors: `alpha` outside (0, 1], `tau_years` not positive, `age_years` of the wrong length,
/// or no paper with a known age in a non-empty graph.
pub fn citerank(
    csr: &Csr,
    age_years: &[Option<f64>],
    options: &CiteRankOptions,
) -> Result<Vec<f64>, MetricsError> {
    let bad = |reason: String| MetricsError::BadParameter {
        metric: "CiteRank",
        reason,
    };
    if !(options.alpha > 0.0 && options.alpha <= 1.0) {
        return Err(bad(format!(
            "the stopping probability alpha must be in (0, 1], not {}",
            options.alpha
        )));
    }
    if !(options.tau_years.is_finite() && options.tau_years > 0.0) {
        return Err(bad(format!(
            "tau must be a positive number of years, not {}",
            options.tau_years
        )));
    }
    if age_years.len() != csr.node_count() {
        return Err(bad(format!(
            "{} ages for {} nodes",
            age_years.len(),
            csr.node_count()
        )));
    }
    if csr.node_count() == 0 {
        return Ok(Vec::new());
    }
    let start: Vec<f64> = age_years
        .iter()
        .map(|age| match age {
            Some(age) if age.is_finite() => (-age.max(0.0) / options.tau_years).exp(),
            _ => 0.0,
        })
        .collect();
    if start.iter().all(|&w| w == 0.0) {
        return Err(bad("no paper has a known publication year".to_string()));
    }
    let pagerank = PageRankOptions {
        alpha: 1.0 - options.alpha,
        ..PageRankOptions::default()
    };
    pagerank_personalized(csr, &start, &pagerank)
}

/// Rescaled PageRank R_i of every node (see the module documentation), `None` for a node
/// without a date and for a node whose window has no spread (sigma = 0: every paper of its time
/// has the same score, so no z-score).
///
/// `scores`: one score per node (PageRank, any scale: R does not depend on it). `dates`: one
/// sortable date per node (a year, or days since an epoch), `None` when unknown. `window`: the
/// least number of papers a paper is compared with (itself included), at least 2; capped at the
/// number of dated papers; whole dates are added, so a window may hold more. Cost: O(n log n)
/// for the ordering, then per distinct date O(dates its window spans) (running sums, each
/// window's mean and variance from sums of deviations from the global mean, which keeps the
/// cancellation error far below the scores' spread).
///
/// Errors: `scores` or `dates` of the wrong length, a score that is not finite, `window` < 2.
pub fn rescaled_pagerank(
    scores: &[f64],
    dates: &[Option<f64>],
    window: usize,
) -> Result<Vec<Option<f64>>, MetricsError> {
    let bad = |reason: String| MetricsError::BadParameter {
        metric: "rescaled PageRank",
        reason,
    };
    if dates.len() != scores.len() {
        return Err(bad(format!(
            "{} dates for {} scores",
            dates.len(),
            scores.len()
        )));
    }
    if window < 2 {
        return Err(bad(format!(
            "the window must hold at least 2 papers, not {window}"
        )));
    }
    if let Some((v, s)) = scores.iter().enumerate().find(|(_, s)| !s.is_finite()) {
        return Err(bad(format!("the score of node {v} is {s}")));
    }
    let mut order: Vec<usize> = (0..scores.len())
        .filter(|&v| dates[v].is_some_and(f64::is_finite))
        .collect();
    order.sort_by(|&a, &b| {
        let (da, db) = (dates[a].unwrap_or(0.0), dates[b].unwrap_or(0.0));
        da.total_cmp(&db).then(a.cmp(&b))
    });
    let mut rescaled = vec![None; scores.len()];
    let dated = order.len();
    if dated < 2 {
        return Ok(rescaled);
    }
    let window = window.min(dated);
    let mean = order.iter().map(|&v| scores[v]).sum::<f64>() / dated as f64;
    // Prefix sums of the deviations from the global mean and of their squares.
    let mut sum = vec![0.0; dated + 1];
    let mut squares = vec![0.0; dated + 1];
    for (k, &v) in order.iter().enumerate() {
        let d = scores[v] - mean;
        sum[k + 1] = sum[k] + d;
        squares[k + 1] = squares[k] + d * d;
    }
    let date = |k: usize| dates[order[k]].unwrap_or(0.0);
    // The papers of one date share one window: the groups of equal dates (positions a..b in
    // `order`), each widened to whole groups on both sides, nearest date first, until it holds
    // `window` papers.
    let mut a = 0;
    while a < dated {
        let d = date(a);
        let mut b = a + 1;
        while b < dated && date(b) == d {
            b += 1;
        }
        let (mut first, mut last) = (a, b);
        while last - first < window {
            let left = (first > 0).then(|| d - date(first - 1));
            let right = (last < dated).then(|| date(last) - d);
            let (take_left, take_right) = match (left, right) {
                (Some(l), Some(r)) => (l <= r, r <= l),
                (Some(_), None) => (true, false),
                (None, Some(_)) => (false, true),
                (None, None) => break,
            };
            if take_left {
                let next = date(first - 1);
                while first > 0 && date(first - 1) == next {
                    first -= 1;
                }
            }
            if take_right {
                let next = date(last);
                while last < dated && date(last) == next {
                    last += 1;
                }
            }
        }
        let size = (last - first) as f64;
        let mut m = (sum[last] - sum[first]) / size;
        let mut variance = ((squares[last] - squares[first]) / size - m * m).max(0.0);
        // The prefix sums carry a rounding error of about eps times the largest prefix; a
        // window whose variance is within a thousand such errors (a flat window, say one of
        // papers with the same PageRank) is measured again directly, in two passes, where
        // equal scores give exactly no spread.
        let noise = 1e3 * f64::EPSILON * squares[last] / size;
        if variance <= noise {
            let (window_mean, window_variance) =
                window_moments(order[first..last].iter().map(|&u| scores[u]));
            (m, variance) = (window_mean - mean, window_variance);
        }
        if variance > 0.0 {
            for &v in &order[a..b] {
                rescaled[v] = Some((scores[v] - mean - m) / variance.sqrt());
            }
        }
        a = b;
    }
    Ok(rescaled)
}

/// Mean and population variance of `values` (two passes; `(0, 0)` when empty): exactly zero
/// variance when all values are equal (the rounding of the mean would leave a tiny one).
fn window_moments(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = values.clone().count();
    let (lo, hi) = values
        .clone()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
    if n == 0 || lo == hi {
        return (if n == 0 { 0.0 } else { lo }, 0.0);
    }
    let mean = values.clone().sum::<f64>() / n as f64;
    let variance = values.map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
    (mean, variance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citerank_of_a_chain_follows_the_formula() {
        // 2 -> 1 -> 0 (2 cites 1, 1 cites 0), ages 0, 1, 2 for nodes 2, 1, 0.
        let csr = Csr::from_edges(3, [(2, 1), (1, 0)]).unwrap();
        let ages = [Some(2.0), Some(1.0), Some(0.0)];
        let options = CiteRankOptions::default();
        let t = citerank(&csr, &ages, &options).unwrap();
        let rho = |age: f64| (-age / 2.6f64).exp();
        // T = rho + 0.5 W T, unnormalized.
        let t2 = rho(0.0);
        let t1 = rho(1.0) + 0.5 * t2;
        let t0 = rho(2.0) + 0.5 * t1;
        let total = t0 + t1 + t2;
        for (got, want) in t.iter().zip([t0 / total, t1 / total, t2 / total]) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
    }

    #[test]
    fn citerank_without_years_is_an_error_and_unknown_ages_start_nowhere() {
        let csr = Csr::from_edges(2, [(1, 0)]).unwrap();
        assert!(citerank(&csr, &[None, None], &CiteRankOptions::default()).is_err());
        let t = citerank(&csr, &[None, Some(0.0)], &CiteRankOptions::default()).unwrap();
        // Node 0 gets only what node 1 passes on: half of node 1's start.
        assert!((t[0] / t[1] - 0.5).abs() < 1e-12);
        let bad = CiteRankOptions {
            alpha: 0.0,
            ..CiteRankOptions::default()
        };
        assert!(citerank(&csr, &[Some(1.0), Some(0.0)], &bad).is_err());
    }

    #[test]
    fn rescaled_pagerank_is_a_z_score_in_the_window() {
        let scores = [1.0, 2.0, 3.0, 4.0, 10.0];
        let dates = [Some(2000.0), Some(2001.0), Some(2002.0), Some(2003.0), None];
        let r = rescaled_pagerank(&scores, &dates, 3).unwrap();
        assert_eq!(r[4], None);
        // Node 0: window {0, 1, 2} (shifted at the start): mean 2, sd sqrt(2/3).
        let sd = (2.0f64 / 3.0).sqrt();
        assert!((r[0].unwrap() - (1.0 - 2.0) / sd).abs() < 1e-12);
        // Node 1: window {0, 1, 2}; node 2: {1, 2, 3}; node 3: {1, 2, 3} (shifted at the end).
        assert!(r[1].unwrap().abs() < 1e-12);
        assert!(r[2].unwrap().abs() < 1e-12);
        assert!((r[3].unwrap() - (4.0 - 3.0) / sd).abs() < 1e-12);
        // No spread, no z-score; scale does not matter.
        let flat = rescaled_pagerank(&[5.0; 4], &[Some(1.0); 4], 2).unwrap();
        assert!(flat.iter().all(Option::is_none));
        let scaled: Vec<f64> = scores.iter().map(|s| s * 1e-7).collect();
        let r2 = rescaled_pagerank(&scaled, &dates, 3).unwrap();
        for (a, b) in r.iter().zip(&r2) {
            assert!((a.unwrap_or(0.0) - b.unwrap_or(0.0)).abs() < 1e-9);
        }
        assert!(rescaled_pagerank(&scores, &dates, 1).is_err());
    }

    #[test]
    fn papers_of_one_date_share_one_window() {
        // Window 2, but 2000 has three papers: its window is its three, 2001's its two; no id
        // decides who is compared with whom.
        let scores = [1.0, 2.0, 3.0, 1.0, 5.0];
        let dates = [
            Some(2000.0),
            Some(2000.0),
            Some(2000.0),
            Some(2001.0),
            Some(2001.0),
        ];
        let r = rescaled_pagerank(&scores, &dates, 2).unwrap();
        let sd = (2.0f64 / 3.0).sqrt();
        assert!((r[0].unwrap() + 1.0 / sd).abs() < 1e-12);
        assert!(r[1].unwrap().abs() < 1e-12);
        assert!((r[3].unwrap() + 1.0).abs() < 1e-12);
        assert!((r[4].unwrap() - 1.0).abs() < 1e-12);
        // A lone year takes the nearest years, both sides alike at equal distance.
        let dates = [
            Some(1999.0),
            Some(2000.0),
            Some(2001.0),
            Some(2005.0),
            Some(2005.0),
        ];
        let r = rescaled_pagerank(&scores, &dates, 3).unwrap();
        // 2000: {1999, 2000, 2001} -> scores 1, 2, 3.
        assert!(r[1].unwrap().abs() < 1e-12);
        // 2005: two papers, then 2001 (4 years away) -> scores 3, 1, 5: mean 3.
        let sd = (8.0f64 / 3.0).sqrt();
        assert!((r[3].unwrap() + 2.0 / sd).abs() < 1e-12);
    }

    #[test]
    fn a_window_of_equal_scores_has_no_z_score_whatever_the_others() {
        // 300 old papers with large, varied scores, then 50 recent ones all at the same score
        // (leaves of the graph): the prefix sums are large, the recent window is flat.
        let mut scores: Vec<f64> = (0..300).map(|i| 0.01 + (i % 17) as f64 * 1e-3).collect();
        scores.extend(std::iter::repeat_n(1.0 / 3_000.0, 50));
        let dates: Vec<Option<f64>> = (0..350).map(|i| Some(1990.0 + i as f64 / 10.0)).collect();
        let r = rescaled_pagerank(&scores, &dates, 20).unwrap();
        assert!(r[310..].iter().all(Option::is_none), "{:?}", &r[310..]);
        assert!(r[..290].iter().all(Option::is_some));
    }
}
