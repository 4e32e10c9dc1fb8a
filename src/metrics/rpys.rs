//! Reference publication year spectroscopy (RPYS): how many of a body of papers' references were
//! published in each year, and how far each year stands above its neighbours. Peaks point at the
//! historical roots of a field.
//!
//! For every year y from the earliest to the latest cited year (years with no reference
//! included, as 0), n_y = references to papers published in y, and
//!
//! ```text
//! median_deviation(y) = n_y - median(n_{y-2}, n_{y-1}, n_y, n_{y+1}, n_{y+2})
//! ```
//!
//! where years outside the range count 0. The median of five integers is an integer, so both
//! columns are exact.
//!
//! Source: W. Marx, L. Bornmann, A. Barth, L. Leydesdorff, "Detecting the historical roots of
//! research fields by reference publication year spectroscopy (RPYS)", JASIST 65(4), 2014.
//!
//! Cost: O(r + Y) for r references spanning Y years.

/// One year of the spectrum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpysYear {
    pub year: i32,
    pub references: u64,
    pub median_deviation: i64,
}

/// The spectrum of the cited years `cited_years` (one entry a reference), every year from the
/// first to the last; empty without references.
pub fn rpys(cited_years: impl IntoIterator<Item = i32>) -> Vec<RpysYear> {
    let years: Vec<i32> = cited_years.into_iter().collect();
    let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) else {
        return Vec::new();
    };
    let span = (i64::from(last) - i64::from(first)) as usize + 1;
    let mut counts = vec![0u64; span];
    for y in years {
        counts[(i64::from(y) - i64::from(first)) as usize] += 1;
    }
    let at = |i: i64| -> u64 {
        if (0..span as i64).contains(&i) {
            counts[i as usize]
        } else {
            0
        }
    };
    (0..span)
        .map(|i| {
            let mut window: [u64; 5] = std::array::from_fn(|k| at(i as i64 + k as i64 - 2));
            window.sort_unstable();
            RpysYear {
                year: (i64::from(first) + i as i64) as i32,
                references: counts[i],
                median_deviation: counts[i] as i64 - window[2] as i64,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spectrum_fills_gaps_and_measures_peaks() {
        // 2000 x1, 2002 x5, 2003 x1, 2005 x2.
        let years = [2000, 2002, 2002, 2002, 2002, 2002, 2003, 2005, 2005];
        let s = rpys(years);
        let rows: Vec<(i32, u64, i64)> = s
            .iter()
            .map(|r| (r.year, r.references, r.median_deviation))
            .collect();
        // Counts 1 0 5 1 0 2 with zeros around. Windows:
        // 2000: 0 0 1 0 5 -> median 0 -> 1; 2001: 0 1 0 5 1 -> 1 -> -1;
        // 2002: 1 0 5 1 0 -> 1 -> 4; 2003: 0 5 1 0 2 -> 1 -> 0;
        // 2004: 5 1 0 2 0 -> 1 -> -1; 2005: 1 0 2 0 0 -> 0 -> 2.
        assert_eq!(
            rows,
            vec![
                (2000, 1, 1),
                (2001, 0, -1),
                (2002, 5, 4),
                (2003, 1, 0),
                (2004, 0, -1),
                (2005, 2, 2)
            ]
        );
    }

    #[test]
    fn empty_and_single_year() {
        assert!(rpys([]).is_empty());
        assert_eq!(
            rpys([1999, 1999]),
            vec![RpysYear {
                year: 1999,
                references: 2,
                median_deviation: 2
            }]
        );
    }
}
