//! The CD index of disruption: does the work that follows a paper cite it *instead of* its
//! references (it disrupted them, CD near 1) or *together with* them (it consolidated them, CD
//! near -1)?
//!
//! For a focal paper f published in year T with references R (the papers it cites), take every
//! paper i other than f published in the window T ..= T + t that cites f or any paper of R
//! (the papers of the window, n_t of them). With f_i = 1 when i cites f and b_i = 1 when i cites
//! any paper of R:
//!
//! CD_t(f) = (1 / n_t) * sum over i of (-2 f_i b_i + f_i)
//!
//! so a citer of f alone adds 1, a citer of f and of its references -1, a citer of its references
//! alone 0 (it counts in n_t only). Sources: R. J. Funk, J. Owen-Smith, "A dynamic network
//! measure of technological change", Management Science 63(3), 2017; M. Park, E. Leahey,
//! R. J. Funk, "Papers and patents are becoming less disruptive over time", Nature 613, 2023
//! (CD_5, with the guards below). networkx's `cd_index` computes the same sum but counts the
//! references' citers of any year in n_t; on the graph of f, R, and the window's papers with only
//! their own citations (and f's), the two agree (the test oracle does that).
//!
//! Guards (Park et al.; Macher et al., "Illusive disruption", 2023): CD is undefined, not 0,
//! for a paper without references (nothing to disrupt), without a year, or without a citer in
//! the window (then only its references' citers are there, and the sum would be a 0 that says
//! nothing: networkx's `cd_index` returns that 0); a window that reaches past the latest year of the data is still
//! computed but flagged as open: later papers could change it. Years are whole years: a
//! paper of year T citing f is in the window (preprints cite each other within a year).

use crate::graph::Csr;

/// The CD index of one paper, with what it was computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Disruption {
    /// CD_t, in [-1, 1].
    pub cd: f64,
    /// n_t: the papers of the window that cite the focal paper or its references.
    pub window_papers: usize,
    /// The window reaches past the latest year of the data (T + t > that year).
    pub open_window: bool,
}

/// CD_t of every node, `None` where it is undefined (see the module documentation): as
/// [`cd_index_of`] with every node focal.
pub fn cd_index(csr: &Csr, years: &[Option<i32>], window_years: u32) -> Vec<Option<Disruption>> {
    let all: Vec<u32> = (0..csr.node_count() as u32).collect();
    cd_index_of(csr, years, window_years, &all)
}

/// CD_t of the `focal` nodes (in their order), `None` where it is undefined.
///
/// `years[v]`: the publication year of node v, `None` when unknown (such a paper is never
/// focal and never in a window); one per node of `csr`, else a panic (a caller's bug).
/// `window_years`: t, in years (5 for CD_5). Edges of `csr` point from the citing paper to the
/// cited one. Cost: for a focal paper f, the in-degrees of f and of its references, each citer
/// of f checked against f's sorted references: O(sum over r in R_f of indeg(r) + sum over
/// citers i of f of outdeg(i) log |R_f|), in parallel over the focal papers. Summed over every
/// node that is the sum of squared in-degrees, large at field scale (a paper with 200,000
/// citers): the analysis asks it for the catalogue papers only.
pub fn cd_index_of(
    csr: &Csr,
    years: &[Option<i32>],
    window_years: u32,
    focal_nodes: &[u32],
) -> Vec<Option<Disruption>> {
    use rayon::prelude::*;
    let n = csr.node_count();
    assert_eq!(years.len(), n, "one year per node");
    let last_year = years.iter().flatten().copied().max();
    focal_nodes
        .par_iter()
        .map_init(
            || (vec![false; n], Vec::new()),
            |(seen, touched), &f| {
                let result = focal(csr, years, window_years, last_year, f, seen, touched);
                for &v in touched.iter() {
                    seen[v as usize] = false;
                }
                touched.clear();
                result
            },
        )
        .collect()
}

/// CD_t of `f`; `seen` and `touched` are scratch (all false / empty on entry; the caller clears
/// what `touched` lists).
fn focal(
    csr: &Csr,
    years: &[Option<i32>],
    window_years: u32,
    last_year: Option<i32>,
    f: u32,
    seen: &mut [bool],
    touched: &mut Vec<u32>,
) -> Option<Disruption> {
    let year = years[f as usize]?;
    let references: Vec<u32> = csr
        .out_neighbors(f)
        .iter()
        .copied()
        .filter(|&r| r != f)
        .collect();
    if references.is_empty() {
        return None;
    }
    let end = year.saturating_add(window_years as i32);
    let in_window = |i: u32| i != f && years[i as usize].is_some_and(|y| y >= year && y <= end);
    let mut total = 0i64;
    let mut count = 0usize;
    let cites_a_reference = |i: u32| {
        csr.out_neighbors(i)
            .iter()
            .any(|&j| j != f && references.binary_search(&j).is_ok())
    };
    for &i in csr.in_neighbors(f) {
        if in_window(i) && !seen[i as usize] {
            seen[i as usize] = true;
            touched.push(i);
            count += 1;
            total += if cites_a_reference(i) { -1 } else { 1 };
        }
    }
    // No citer of f in the window: nothing says whether f displaced its references, so CD is
    // undefined (issue #23's guard), not the 0 that the papers citing only its references give.
    if count == 0 {
        return None;
    }
    for &r in &references {
        for &i in csr.in_neighbors(r) {
            if in_window(i) && !seen[i as usize] {
                // Not a citer of f (those were all marked above): it counts in n_t only.
                seen[i as usize] = true;
                touched.push(i);
                count += 1;
            }
        }
    }
    if count == 0 {
        return None;
    }
    Some(Disruption {
        cd: total as f64 / count as f64,
        window_papers: count,
        open_window: last_year.is_some_and(|last| end > last),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// networkx's documented example (`cd_index` docstring): 1 -> 3, 1 -> 4, 2 -> 3, 3 -> 4,
    /// 3 -> 5, years 2015, 2012, 2010, 2008, 2014 for nodes 1..5; CD of 3 with a 4-year window.
    #[test]
    fn networkx_docstring_example() {
        // Nodes 0..5, node 0 unused.
        let csr = Csr::from_edges(6, [(1, 3), (1, 4), (2, 3), (3, 4), (3, 5)]).unwrap();
        let years = [
            None,
            Some(2015),
            Some(2012),
            Some(2010),
            Some(2008),
            Some(2014),
        ];
        // Focal 3 (2010), window 2010..=2014: citers of 3 in it: 2 (2012); 1 is 2015, out.
        // References of 3: 4, 5. Their citers in the window other than 3: none (1 is out).
        // networkx gets 0.5 because it counts 1 (2015, a citer of 4) in n; in the window
        // only 2 is, and it cites 3 but neither 4 nor 5: CD = 1.
        let cd = cd_index(&csr, &years, 4);
        let d = cd[3].unwrap();
        assert_eq!(d.window_papers, 1);
        assert!((d.cd - 1.0).abs() < 1e-12);
        assert!(!d.open_window);
        // Window of 5 years: 1 (2015) cites 3 and 4: -1; 2 cites 3 only: +1. CD = 0.
        let d = cd_index(&csr, &years, 5)[3].unwrap();
        assert_eq!(d.window_papers, 2);
        assert!(d.cd.abs() < 1e-12);
        assert!(!d.open_window);
        // A 6-year window reaches 2016, past the data's last year (2015).
        assert!(cd_index(&csr, &years, 6)[3].unwrap().open_window);
        // 4 and 5 have no references, 1 no paper in its window: undefined.
        assert!(cd[4].is_none() && cd[5].is_none() && cd[1].is_none());
        // 2 (2012) cites 3, which 1 (2015) cites, and nothing cites 2: only a citer of its
        // reference is in its window, so its CD is undefined, not 0.
        assert!(cd[2].is_none());
    }

    #[test]
    fn citers_of_the_references_alone_dilute() {
        // f = 0 cites 1; 2 cites 0; 3 cites 1 only; all in the window.
        let csr = Csr::from_edges(4, [(0, 1), (2, 0), (3, 1)]).unwrap();
        let years = [Some(2020), Some(2019), Some(2021), Some(2022)];
        let d = cd_index(&csr, &years, 5)[0].unwrap();
        assert_eq!(d.window_papers, 2);
        assert!((d.cd - 0.5).abs() < 1e-12);
        // 3 before f's year is out of the window.
        let years = [Some(2020), Some(2019), Some(2021), Some(2018)];
        let d = cd_index(&csr, &years, 5)[0].unwrap();
        assert_eq!(d.window_papers, 1);
        assert!((d.cd - 1.0).abs() < 1e-12);
    }
}
