//! Agreement between two partitions of the same items (detected communities against mechanism
//! labels): normalized mutual information and the adjusted Rand index, as scikit-learn's
//! `normalized_mutual_info_score` (arithmetic mean) and `adjusted_rand_score` compute them.
//!
//! NMI = I(U; V) / ((H(U) + H(V)) / 2) (Strehl & Ghosh 2002; Vinh, Epps, Bailey 2010).
//! ARI = (sum_ij C(n_ij, 2) - E) / ((sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2 - E), with
//! E = sum_i C(a_i, 2) sum_j C(b_j, 2) / C(n, 2) (Hubert & Arabie, "Comparing partitions", 1985).
//! Both are 1 for identical partitions (up to renaming); ARI is about 0 for independent ones.
//! Co-assignment agreement (the Jaccard index of the two partitions' co-assigned pairs, as
//! Ben-Hur, Elisseeff & Guyon, "A stability based method for discovering structure in
//! clustered data", PSB 2002, measure a clustering's stability) = N11 / (N11 + N10 + N01), with
//! N11 = sum_ij C(n_ij, 2) the pairs together in both, N10 = sum_i C(a_i, 2) - N11 together in
//! U only, N01 = sum_j C(b_j, 2) - N11 together in V only: the share of the pairs put together
//! by either that both put together. Unlike the Rand index it ignores the pairs both keep
//! apart, which dominate when there are many communities.
//! Cost: O(n) with a hash map of the contingency table.

use std::collections::HashMap;

struct Contingency {
    n: f64,
    cells: Vec<f64>,
    rows: Vec<f64>,
    columns: Vec<f64>,
}

fn contingency(a: &[u32], b: &[u32]) -> Contingency {
    let mut cells: HashMap<(u32, u32), usize> = HashMap::new();
    let mut rows: HashMap<u32, usize> = HashMap::new();
    let mut columns: HashMap<u32, usize> = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *cells.entry((x, y)).or_default() += 1;
        *rows.entry(x).or_default() += 1;
        *columns.entry(y).or_default() += 1;
    }
    Contingency {
        n: a.len().min(b.len()) as f64,
        cells: sorted_counts(cells),
        rows: sorted_counts(rows),
        columns: sorted_counts(columns),
    }
}

/// The counts in key order, so that the floating-point sums below are the same on every run.
fn sorted_counts<K: Ord>(m: HashMap<K, usize>) -> Vec<f64> {
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_unstable();
    v.into_iter().map(|(_, c)| c as f64).collect()
}

fn entropy(counts: &[f64], n: f64) -> f64 {
    counts
        .iter()
        .filter(|&&c| c > 0.0)
        .map(|&c| -(c / n) * (c / n).ln())
        .sum()
}

/// NMI of two labelings of the same items (arithmetic-mean normalization). 1 when both are a
/// single cluster (or empty), as scikit-learn.
pub fn normalized_mutual_information(a: &[u32], b: &[u32]) -> f64 {
    let t = contingency(a, b);
    if t.n == 0.0 || (t.rows.len() == 1 && t.columns.len() == 1) {
        return 1.0;
    }
    let ha = entropy(&t.rows, t.n);
    let hb = entropy(&t.columns, t.n);
    // I = H(U) + H(V) - H(U, V)
    let joint = entropy(&t.cells, t.n);
    let mutual = (ha + hb - joint).max(0.0);
    let mean = (ha + hb) / 2.0;
    if mean <= 0.0 {
        return 1.0;
    }
    (mutual / mean).clamp(0.0, 1.0)
}

fn pairs(x: f64) -> f64 {
    x * (x - 1.0) / 2.0
}

/// ARI of two labelings of the same items; 1 when the expected and maximal index coincide
/// (identical trivial partitions), as scikit-learn.
pub fn adjusted_rand_index(a: &[u32], b: &[u32]) -> f64 {
    let t = contingency(a, b);
    let index: f64 = t.cells.iter().map(|&c| pairs(c)).sum();
    let sum_a: f64 = t.rows.iter().map(|&c| pairs(c)).sum();
    let sum_b: f64 = t.columns.iter().map(|&c| pairs(c)).sum();
    let total = pairs(t.n);
    if total == 0.0 {
        return 1.0;
    }
    let expected = sum_a * sum_b / total;
    let maximum = (sum_a + sum_b) / 2.0;
    if maximum == expected {
        return 1.0;
    }
    (index - expected) / (maximum - expected)
}

/// Co-assignment agreement of two labelings of the same items (see the module documentation):
/// in [0, 1], 1 when they put the same pairs together (up to renaming); 1 when neither puts any
/// pair together (nothing to disagree on).
pub fn co_assignment_agreement(a: &[u32], b: &[u32]) -> f64 {
    let t = contingency(a, b);
    let both: f64 = t.cells.iter().map(|&c| pairs(c)).sum();
    let in_a: f64 = t.rows.iter().map(|&c| pairs(c)).sum();
    let in_b: f64 = t.columns.iter().map(|&c| pairs(c)).sum();
    let either = in_a + in_b - both;
    if either == 0.0 {
        return 1.0;
    }
    both / either
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_up_to_renaming() {
        let a = [0, 0, 1, 1, 2, 2];
        let b = [5, 5, 3, 3, 9, 9];
        assert!((normalized_mutual_information(&a, &b) - 1.0).abs() < 1e-12);
        assert!((adjusted_rand_index(&a, &b) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn hand_checked_values() {
        // scikit-learn: adjusted_rand_score([0,0,1,1], [0,0,1,2]) = 0.5714285714285715,
        // normalized_mutual_info_score(...) = 0.8;
        let a = [0, 0, 1, 1];
        let b = [0, 0, 1, 2];
        assert!((adjusted_rand_index(&a, &b) - 4.0 / 7.0).abs() < 1e-12);
        assert!((normalized_mutual_information(&a, &b) - 0.8).abs() < 1e-12);
        // Independent: one split against the crossing split.
        let c = [0, 0, 1, 1];
        let d = [0, 1, 0, 1];
        assert!(normalized_mutual_information(&c, &d).abs() < 1e-12);
        assert!((adjusted_rand_index(&c, &d) + 0.5).abs() < 1e-12);
    }

    #[test]
    fn co_assignment_by_hand() {
        // [0,0,1,1] puts {0,1} and {2,3} together; [0,0,1,2] puts {0,1} together: 1 pair of 2.
        assert!((co_assignment_agreement(&[0, 0, 1, 1], &[0, 0, 1, 2]) - 0.5).abs() < 1e-12);
        assert_eq!(co_assignment_agreement(&[0, 0, 1, 1], &[7, 7, 3, 3]), 1.0);
        // Crossing splits share no pair: 0 of the 4 pairs either puts together.
        assert_eq!(co_assignment_agreement(&[0, 0, 1, 1], &[0, 1, 0, 1]), 0.0);
        // One community of 3 against 3 singletons: 0 of 3.
        assert_eq!(co_assignment_agreement(&[0, 0, 0], &[0, 1, 2]), 0.0);
        assert_eq!(co_assignment_agreement(&[0, 1], &[1, 0]), 1.0);
        assert_eq!(co_assignment_agreement(&[], &[]), 1.0);
    }

    #[test]
    fn degenerate() {
        assert_eq!(normalized_mutual_information(&[], &[]), 1.0);
        assert_eq!(adjusted_rand_index(&[], &[]), 1.0);
        assert_eq!(normalized_mutual_information(&[1, 1], &[2, 2]), 1.0);
        assert_eq!(normalized_mutual_information(&[1, 1], &[1, 2]), 0.0);
    }
}
