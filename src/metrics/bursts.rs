//! Bursts of a count series: Kleinberg's two-state batched model, as CiteSpace applies it to
//! citations per year.
//!
//! The series is n batches t = 0..n; batch t holds d_t events, r_t of which are "relevant" (the
//! citations of one paper among all citations of year t). The base rate is p0 = sum r / sum d and
//! the burst rate p1 = s * p0 (s = 2), capped at 0.99999 just below 1 (as the `burst_detection`
//! package does). The cost of state i in batch t is the negative log-likelihood of r_t under a
//! binomial with rate p_i,
//!
//! ```text
//! sigma_i(t) = -ln( C(d_t, r_t) * p_i^r_t * (1 - p_i)^(d_t - r_t) )
//! ```
//!
//! moving from state 0 up to state 1 costs gamma * ln(n) (gamma = 1), moving down is free, and
//! the series starts in state 0. The state sequence of least total cost comes from the Viterbi
//! recursion over the whole series; where two choices cost the same, state 0 wins (at every step
//! and at the end). A burst is a maximal run of batches in state 1, its strength the cost the
//! burst state saves over those batches: sum over the run of sigma_0(t) - sigma_1(t) (Kleinberg's
//! weight of a burst; the binomial coefficient cancels in it).
//!
//! Source: J. Kleinberg, "Bursty and hierarchical structure in streams", KDD 2002 / Data Mining
//! and Knowledge Discovery 7(4), 2003, section 3 (the batched model); C. Chen, "CiteSpace II",
//! JASIST 57(3), 2006 (citation bursts).
//!
//! Cost: O(n + sum over t of min(r_t, d_t - r_t)) per series (the log binomial coefficient is a
//! sum of that many logarithms); O(n) memory.

use super::MetricsError;

/// The model's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurstOptions {
    /// The burst state's rate is `s` times the base rate (s > 1).
    pub s: f64,
    /// The cost of moving up is `gamma * ln(n)` (gamma >= 0).
    pub gamma: f64,
}

impl Default for BurstOptions {
    /// s = 2, gamma = 1: CiteSpace's defaults.
    fn default() -> Self {
        BurstOptions { s: 2.0, gamma: 1.0 }
    }
}

/// The burst rate's cap: "just below 1", as in the `burst_detection` package (Binder 2017).
pub const BURST_RATE_CAP: f64 = 0.99999;

/// One burst: batches `start..=end` in state 1, and the cost it saves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Burst {
    pub start: usize,
    pub end: usize,
    /// sum over the burst's batches of sigma_0(t) - sigma_1(t), > 0.
    pub strength: f64,
}

/// The bursts of `relevant` (r_t) among `total` (d_t), in order. Errors: the two series differ
/// in length, some r_t > d_t, or s <= 1 or gamma < 0 (or either not finite).
pub fn bursts(
    relevant: &[u64],
    total: &[u64],
    options: &BurstOptions,
) -> Result<Vec<Burst>, MetricsError> {
    let bad = |reason: String| MetricsError::BadParameter {
        metric: "bursts",
        reason,
    };
    if relevant.len() != total.len() {
        return Err(bad(format!(
            "{} relevant counts for {} batches",
            relevant.len(),
            total.len()
        )));
    }
    if !(options.s.is_finite() && options.s > 1.0) {
        return Err(bad(format!("s = {} must be above 1", options.s)));
    }
    if !(options.gamma.is_finite() && options.gamma >= 0.0) {
        return Err(bad(format!("gamma = {} must be 0 or more", options.gamma)));
    }
    if let Some(t) = (0..total.len()).find(|&t| relevant[t] > total[t]) {
        return Err(bad(format!(
            "batch {t} has {} relevant events of {}",
            relevant[t], total[t]
        )));
    }
    let n = total.len();
    let (r_sum, d_sum): (u64, u64) = (relevant.iter().sum(), total.iter().sum());
    if r_sum == 0 || n == 0 {
        return Ok(Vec::new());
    }
    let p0 = r_sum as f64 / d_sum as f64;
    let p1 = (options.s * p0).min(BURST_RATE_CAP);
    let cost0: Vec<f64> = (0..n)
        .map(|t| state_cost(relevant[t], total[t], p0))
        .collect();
    let cost1: Vec<f64> = (0..n)
        .map(|t| state_cost(relevant[t], total[t], p1))
        .collect();
    let up = options.gamma * (n as f64).ln();

    // Viterbi: best[i] = least cost of batches 0..=t ending in state i; came_from[t][i] = the
    // state at t - 1 on that best sequence.
    let mut came_from: Vec<[u8; 2]> = Vec::with_capacity(n);
    let mut best = [cost0[0], up + cost1[0]];
    came_from.push([0, 0]);
    for t in 1..n {
        let (stay0, down) = (best[0], best[1]);
        let (from0, from1) = if stay0 <= down { (stay0, 0) } else { (down, 1) };
        let (rise, stay1) = (best[0] + up, best[1]);
        let (to1, from1_state) = if rise <= stay1 { (rise, 0) } else { (stay1, 1) };
        best = [from0 + cost0[t], to1 + cost1[t]];
        came_from.push([from1, from1_state]);
    }
    let mut state = if best[0] <= best[1] { 0u8 } else { 1 };
    let mut states = vec![0u8; n];
    for t in (0..n).rev() {
        states[t] = state;
        state = came_from[t][state as usize];
    }

    let mut found = Vec::new();
    let mut t = 0;
    while t < n {
        if states[t] == 0 {
            t += 1;
            continue;
        }
        let start = t;
        while t < n && states[t] == 1 {
            t += 1;
        }
        let strength = (start..t).map(|u| cost0[u] - cost1[u]).sum();
        found.push(Burst {
            start,
            end: t - 1,
            strength,
        });
    }
    Ok(found)
}

/// sigma(t) = -ln(C(d, r) p^r (1 - p)^(d - r)), with 0 ln 0 = 0; infinite when r > 0 and p = 0.
pub fn state_cost(r: u64, d: u64, p: f64) -> f64 {
    let hits = if r == 0 { 0.0 } else { r as f64 * p.ln() };
    let misses = if d == r {
        0.0
    } else {
        (d - r) as f64 * (1.0 - p).ln()
    };
    -(ln_binomial(d, r) + hits + misses)
}

/// ln C(d, r) as a sum of min(r, d - r) logarithms: ln C = sum over i = 1..=k of ln((d - k + i) / i).
pub fn ln_binomial(d: u64, r: u64) -> f64 {
    let k = r.min(d - r);
    (1..=k).map(|i| ((d - k + i) as f64 / i as f64).ln()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(r: &[u64], d: &[u64]) -> Vec<Burst> {
        bursts(r, d, &BurstOptions::default()).unwrap()
    }

    /// The least-cost state sequence by trying all 2^n of them (ties: the first in the order
    /// that prefers state 0 earliest, i.e. the smallest binary number).
    fn brute_force(r: &[u64], d: &[u64]) -> Vec<u8> {
        let n = r.len();
        let p0 = r.iter().sum::<u64>() as f64 / d.iter().sum::<u64>() as f64;
        let p1 = (2.0 * p0).min(BURST_RATE_CAP);
        let up = (n as f64).ln();
        let mut best = (f64::INFINITY, Vec::new());
        for mask in 0u32..(1 << n) {
            let states: Vec<u8> = (0..n).map(|t| ((mask >> (n - 1 - t)) & 1) as u8).collect();
            let mut cost = 0.0;
            let mut prev = 0u8;
            for t in 0..n {
                if states[t] > prev {
                    cost += up;
                }
                let p = if states[t] == 0 { p0 } else { p1 };
                cost += state_cost(r[t], d[t], p);
                prev = states[t];
            }
            if cost < best.0 - 1e-12 {
                best = (cost, states);
            }
        }
        best.1
    }

    fn states_of(bursts: &[Burst], n: usize) -> Vec<u8> {
        let mut states = vec![0u8; n];
        for b in bursts {
            for s in &mut states[b.start..=b.end] {
                *s = 1;
            }
        }
        states
    }

    #[test]
    fn a_clear_burst_is_found_and_measured() {
        let d = [100, 100, 100, 100, 100, 100];
        let r = [1, 2, 20, 25, 2, 1];
        let found = run(&r, &d);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (2, 3));
        let p0 = 51.0 / 600.0;
        let p1 = 2.0 * p0;
        let saved: f64 = [20u64, 25]
            .iter()
            .map(|&x| state_cost(x, 100, p0) - state_cost(x, 100, p1))
            .sum();
        assert!((found[0].strength - saved).abs() < 1e-12);
        assert_eq!(states_of(&found, 6), brute_force(&r, &d));
    }

    #[test]
    fn viterbi_agrees_with_brute_force() {
        let cases: [(&[u64], &[u64]); 5] = [
            (&[0, 0, 5, 9, 9, 0, 0, 3], &[10, 12, 14, 20, 18, 30, 25, 5]),
            (&[3, 0, 0, 0, 4], &[4, 10, 10, 10, 4]),
            (&[1, 1, 1, 1], &[10, 10, 10, 10]),
            (&[0, 0, 0, 7], &[0, 3, 5, 7]),
            (&[5], &[5]),
        ];
        for (r, d) in cases {
            assert_eq!(states_of(&run(r, d), r.len()), brute_force(r, d), "{r:?}");
        }
    }

    #[test]
    fn flat_and_empty_series_have_no_burst() {
        assert!(run(&[1, 1, 1, 1], &[10, 10, 10, 10]).is_empty());
        assert!(run(&[0, 0, 0], &[5, 5, 5]).is_empty());
        assert!(run(&[], &[]).is_empty());
        // Years without any citation cost nothing in either state.
        assert_eq!(state_cost(0, 0, 0.3), 0.0);
    }

    #[test]
    fn bad_input_is_an_error() {
        let o = BurstOptions::default();
        assert!(bursts(&[1, 2], &[3], &o).is_err());
        assert!(bursts(&[4], &[3], &o).is_err());
        let s1 = BurstOptions { s: 1.0, gamma: 1.0 };
        assert!(bursts(&[1], &[3], &s1).is_err());
    }

    #[test]
    fn binomial_logs() {
        assert!((ln_binomial(10, 3) - 120f64.ln()).abs() < 1e-12);
        assert_eq!(ln_binomial(7, 0), 0.0);
        assert_eq!(ln_binomial(7, 7), 0.0);
    }
}
