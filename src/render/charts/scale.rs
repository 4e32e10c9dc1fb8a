//! Axis maths: the range a numeric axis maps (linear or logarithmic), where its ticks go ("nice"
//! steps of 1, 2 or 5 times a power of ten) and how they read ("20%", "10³"). No drawing here;
//! `widgets/axis.rs` draws them.

/// A numeric axis: the range it maps and whether it is logarithmic.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

impl Scale {
    pub fn linear(lo: f64, hi: f64) -> Self {
        let (lo, hi) = sane_range(lo, hi);
        Scale { lo, hi, log: false }
    }

    /// A log scale around [lo, hi] (both must be positive), widened to the nearest 1, 2 or 5
    /// times a power of ten on each side, so that the data fills the axis.
    pub fn log(lo: f64, hi: f64) -> Self {
        let lo = if lo.is_finite() && lo > 0.0 { lo } else { 1.0 };
        let hi = if hi.is_finite() && hi >= lo {
            hi
        } else {
            lo * 10.0
        };
        let lo = round_125(lo, false);
        let mut hi = round_125(hi, true);
        if hi <= lo {
            hi = round_125(lo * 1.5, true);
        }
        Scale { lo, hi, log: true }
    }

    /// Maps a value to a pixel between `a` (at lo) and `b` (at hi), clamped to the range.
    pub fn map(&self, v: f64, a: f64, b: f64) -> f64 {
        let t = if self.log {
            if v.is_nan() || v <= 0.0 {
                0.0
            } else {
                (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
            }
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        a + (b - a) * t
    }
}

/// The nearest 1, 2 or 5 times a power of ten below (or, with `up`, above) `v` > 0.
fn round_125(v: f64, up: bool) -> f64 {
    let decade = 10f64.powf(v.log10().floor());
    let steps = [1.0, 2.0, 5.0, 10.0];
    let found = if up {
        steps.iter().find(|&&k| k * decade >= v * (1.0 - 1e-12))
    } else {
        steps
            .iter()
            .rev()
            .find(|&&k| k * decade <= v * (1.0 + 1e-12))
    };
    found.map(|k| k * decade).unwrap_or(decade)
}

fn sane_range(lo: f64, hi: f64) -> (f64, f64) {
    let lo = if lo.is_finite() { lo } else { 0.0 };
    let hi = if hi.is_finite() { hi } else { lo + 1.0 };
    if hi > lo {
        (lo, hi)
    } else {
        (lo, lo + 1.0)
    }
}

/// A tick: its value and label (empty for a minor tick).
#[derive(Debug, Clone)]
pub(crate) struct Tick {
    pub value: f64,
    pub label: String,
}

/// A round step that gives at most about `max_ticks` ticks over `range`.
pub(crate) fn nice_step(range: f64, max_ticks: usize) -> f64 {
    let raw = range / max_ticks.max(1) as f64;
    if raw.is_nan() || raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// The top of a linear axis that starts at 0 and shows `max` with a little headroom, on a tick.
pub(crate) fn nice_max(max: f64, max_ticks: usize) -> f64 {
    if max.is_nan() || max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let step = nice_step(max * 1.04, max_ticks);
    (max * 1.04 / step).ceil() * step
}

/// Round ticks over a linear range; `percent` labels 0.5 as "50%".
pub(crate) fn linear_ticks(scale: &Scale, max_ticks: usize, percent: bool) -> Vec<Tick> {
    let step = nice_step(scale.hi - scale.lo, max_ticks);
    let decimals = if percent {
        (-(step * 100.0).log10().floor()).max(0.0) as usize
    } else {
        let d = (-step.log10().floor()).max(0.0) as usize;
        // A step of 2.5, 0.25, ... needs one more decimal than its magnitude says.
        if ((step / 10f64.powf(step.log10().floor())) - 2.5).abs() < 1e-9 {
            d + 1
        } else {
            d
        }
    };
    let mut ticks = Vec::new();
    let first = (scale.lo / step).ceil();
    for i in 0..1000 {
        let value = (first + f64::from(i)) * step;
        if value > scale.hi + step * 1e-6 {
            break;
        }
        let label = if percent {
            format!("{:.*}%", decimals, value * 100.0)
        } else {
            format!("{:.*}", decimals, value)
        };
        let label = if label.starts_with('-')
            && label.trim_start_matches(['-', '0', '.', '%']).is_empty()
        {
            label.trim_start_matches('-').to_string()
        } else {
            label
        };
        ticks.push(Tick { value, label });
    }
    ticks
}

/// 10 to the power `n`, written as a reader expects: 1, 10, 100, 1000, then 10⁴, 10⁻³ ...
pub(crate) fn power_of_ten_label(n: i32) -> String {
    match n {
        0 => "1".to_string(),
        1 => "10".to_string(),
        2 => "100".to_string(),
        3 => "1000".to_string(),
        _ => {
            let digits: String = n
                .to_string()
                .chars()
                .map(|c| match c {
                    '-' => '⁻',
                    '0' => '⁰',
                    '1' => '¹',
                    '2' => '²',
                    '3' => '³',
                    '4' => '⁴',
                    '5' => '⁵',
                    '6' => '⁶',
                    '7' => '⁷',
                    '8' => '⁸',
                    _ => '⁹',
                })
                .collect();
            format!("10{digits}")
        }
    }
}

/// `k` times 10 to the power `n`, e.g. "2×10⁻⁴", or "200" for small exponents.
fn multiple_label(k: u32, n: i32) -> String {
    if (0..=3).contains(&n) {
        format!("{}", f64::from(k) * 10f64.powi(n))
    } else {
        format!("{k}×{}", power_of_ten_label(n))
    }
}

/// Decade ticks (labelled) and the 2..9 multiples between them (unlabelled); the 2 and 5
/// multiples are labelled too when fewer than two decades fall in the range.
pub(crate) fn log_ticks(scale: &Scale) -> Vec<Tick> {
    let first = scale.lo.log10().floor() as i32;
    let last = scale.hi.log10().ceil() as i32;
    let inside = |v: f64| v >= scale.lo * (1.0 - 1e-9) && v <= scale.hi * (1.0 + 1e-9);
    let decades = (first..=last).filter(|&n| inside(10f64.powi(n))).count();
    let mut ticks = Vec::new();
    for exponent in first..=last.min(first + 40) {
        let decade = 10f64.powi(exponent);
        for k in 1..10u32 {
            let value = decade * f64::from(k);
            if !inside(value) {
                continue;
            }
            let label = match k {
                1 => power_of_ten_label(exponent),
                2 | 5 if decades < 2 => multiple_label(k, exponent),
                _ => String::new(),
            };
            ticks.push(Tick { value, label });
        }
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(ticks: &[Tick]) -> Vec<&str> {
        ticks.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn nice_steps_are_1_2_2p5_5_times_a_power_of_ten() {
        assert_eq!(nice_step(10.0, 5), 2.0);
        assert_eq!(nice_step(1.0, 4), 0.25);
        assert_eq!(nice_step(340.0, 5), 100.0);
        assert_eq!(nice_step(0.03, 3), 0.01);
        assert_eq!(nice_step(0.0, 5), 1.0);
        assert_eq!(nice_step(f64::NAN, 5), 1.0);
        assert_eq!(nice_step(5.0, 0), 5.0);
    }

    #[test]
    fn nice_max_leaves_headroom_on_a_tick() {
        assert_eq!(nice_max(42.0, 5), 50.0);
        assert_eq!(nice_max(50.0, 5), 60.0);
        assert_eq!(nice_max(0.0, 5), 1.0);
        assert_eq!(nice_max(-3.0, 5), 1.0);
        assert_eq!(nice_max(f64::INFINITY, 5), 1.0);
    }

    #[test]
    fn linear_ticks_cover_the_range_with_round_labels() {
        assert_eq!(
            labels(&linear_ticks(&Scale::linear(0.0, 50.0), 5, false)),
            ["0", "10", "20", "30", "40", "50"]
        );
        assert_eq!(
            labels(&linear_ticks(&Scale::linear(0.0, 1.0), 4, true)),
            ["0%", "25%", "50%", "75%", "100%"]
        );
        assert_eq!(
            labels(&linear_ticks(&Scale::linear(0.0, 1.0), 4, false)),
            ["0.00", "0.25", "0.50", "0.75", "1.00"]
        );
        // No "-0" for the tick at zero of a range that starts below it.
        let ticks = linear_ticks(&Scale::linear(-0.4, 2.0), 3, false);
        assert_eq!(labels(&ticks), ["0", "1", "2"]);
    }

    #[test]
    fn degenerate_ranges_become_a_unit_range() {
        let s = Scale::linear(3.0, 3.0);
        assert_eq!((s.lo, s.hi), (3.0, 4.0));
        let s = Scale::linear(f64::NAN, f64::INFINITY);
        assert_eq!((s.lo, s.hi), (0.0, 1.0));
    }

    #[test]
    fn scales_map_and_clamp() {
        let s = Scale::linear(0.0, 10.0);
        assert_eq!(s.map(5.0, 100.0, 200.0), 150.0);
        assert_eq!(s.map(20.0, 100.0, 200.0), 200.0);
        assert_eq!(s.map(f64::NAN, 100.0, 200.0), 100.0);
        let s = Scale::log(1.0, 100.0);
        assert!((s.map(10.0, 0.0, 100.0) - 50.0).abs() < 1e-9);
        assert_eq!(s.map(0.0, 0.0, 100.0), 0.0);
    }

    #[test]
    fn log_scales_widen_to_1_2_5_and_label_decades() {
        let s = Scale::log(3.0, 700.0);
        assert_eq!((s.lo, s.hi), (2.0, 1000.0));
        let ticks = log_ticks(&s);
        let labelled: Vec<&str> = labels(&ticks)
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(labelled, ["10", "100", "1000"]);
        // Within less than two decades, 2 and 5 are labelled too.
        let ticks = log_ticks(&Scale::log(0.0002, 0.003));
        let labelled: Vec<&str> = labels(&ticks)
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(labelled, ["2×10⁻⁴", "5×10⁻⁴", "10⁻³", "2×10⁻³", "5×10⁻³"]);
        assert_eq!(Scale::log(-1.0, f64::NAN).lo, 1.0);
    }

    #[test]
    fn powers_of_ten_read_naturally() {
        assert_eq!(power_of_ten_label(0), "1");
        assert_eq!(power_of_ten_label(3), "1000");
        assert_eq!(power_of_ten_label(4), "10⁴");
        assert_eq!(power_of_ten_label(-12), "10⁻¹²");
        assert_eq!(multiple_label(5, 1), "50");
    }
}
