//! The beauty coefficient B of a paper's citation history: how long and how deeply it slept
//! before its peak, and the year it awoke.
//!
//! With c_t the citations received in year t, t0 the publication year and t_m the first year of
//! maximum c_t over t0..=T (T the last year observed):
//!
//! ```text
//! B = sum over t = t0..=t_m of ((c_tm - c_t0) / (t_m - t0) * (t - t0) + c_t0 - c_t) / max(1, c_t)
//! ```
//!
//! and B = 0 when t_m = t0 (a paper at its peak at once never slept). The straight line from
//! (t0, c_t0) to (t_m, c_tm) is the reference: a paper whose citations stay below it (asleep, then
//! a late rise) gets a large B, one that grows steadily or decays gets B <= 0.
//!
//! The awakening year t_a is the year t0 <= t <= t_m farthest from that line (the largest
//! |(c_tm - c_t0) (t - t0) - (t_m - t0) (c_t - c_t0)|, an exact integer; ties: the earliest year);
//! none when t_m = t0.
//!
//! Source: Q. Ke, E. Ferrara, F. Radicchi, A. Flammini, "Defining and identifying Sleeping
//! Beauties in science", PNAS 112(24), 2015, eqs. 1 and 2.
//!
//! Cost: O(T - t0) per paper.

/// A paper's beauty coefficient and the years that define it, as offsets from t0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beauty {
    pub coefficient: f64,
    /// t_m - t0: the first year of maximum citations.
    pub peak: usize,
    /// t_a - t0: the awakening year; `None` when the peak is the publication year.
    pub awakening: Option<usize>,
}

/// B of the series `citations[i]` = c_{t0 + i}, i = 0..=T - t0. An empty series (nothing
/// observed) gives B = 0, peak 0, no awakening.
pub fn beauty_coefficient(citations: &[u64]) -> Beauty {
    let peak = first_max(citations);
    if peak == 0 {
        return Beauty {
            coefficient: 0.0,
            peak: 0,
            awakening: None,
        };
    }
    let (c0, cm) = (citations[0] as f64, citations[peak] as f64);
    let slope = (cm - c0) / peak as f64;
    let coefficient = citations[..=peak]
        .iter()
        .enumerate()
        .map(|(t, &c)| (slope * t as f64 + c0 - c as f64) / (c.max(1) as f64))
        .sum();
    // Distance to the line, up to the common denominator sqrt((c_tm - c_t0)^2 + (t_m - t0)^2).
    let (c0, cm, m) = (citations[0] as i128, citations[peak] as i128, peak as i128);
    let mut awakening = 0;
    let mut farthest = -1i128;
    for (t, &c) in citations[..=peak].iter().enumerate() {
        let distance = ((cm - c0) * t as i128 - m * (c as i128 - c0)).abs();
        if distance > farthest {
            farthest = distance;
            awakening = t;
        }
    }
    Beauty {
        coefficient,
        peak,
        awakening: Some(awakening),
    }
}

/// The index of the first maximum (0 for an empty slice).
fn first_max(values: &[u64]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sleeping_beauty_scores_high() {
        // Asleep 0, 0, 0, 1, then awake 10: line from (0, 0) to (4, 10).
        let b = beauty_coefficient(&[0, 0, 0, 1, 10, 3]);
        assert_eq!(b.peak, 4);
        // t = 0: 0; t = 1: 2.5; t = 2: 5; t = 3: (7.5 - 1) / 1; t = 4: 0.
        assert!((b.coefficient - (2.5 + 5.0 + 6.5)).abs() < 1e-12);
        // Distances |10 t - 4 c_t|: 0, 10, 20, 26, 0.
        assert_eq!(b.awakening, Some(3));
    }

    #[test]
    fn immediate_peaks_and_steady_growth() {
        let b = beauty_coefficient(&[9, 3, 1]);
        assert_eq!((b.coefficient, b.peak, b.awakening), (0.0, 0, None));
        // On the line exactly: B = 0, the first year is as far as any (0).
        let b = beauty_coefficient(&[1, 2, 3, 4]);
        assert_eq!(b.peak, 3);
        assert!(b.coefficient.abs() < 1e-12);
        assert_eq!(b.awakening, Some(0));
        // Above the line (early fame, slow decline then a peak): negative.
        assert!(beauty_coefficient(&[2, 8, 8, 9]).coefficient < 0.0);
    }

    #[test]
    fn ties_take_the_first_peak() {
        let b = beauty_coefficient(&[0, 5, 1, 5]);
        assert_eq!(b.peak, 1);
        assert_eq!(beauty_coefficient(&[]).peak, 0);
        assert_eq!(beauty_coefficient(&[0, 0, 0]).coefficient, 0.0);
    }
}
