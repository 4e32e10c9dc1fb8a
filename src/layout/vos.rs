//! VOS mapping (visualization of similarities): positions for a weighted similarity network that
//! the same network's modularity clusters read on, as VOSviewer draws its maps.
//!
//! Source: N. J. van Eck, L. Waltman, R. Dekker and J. van den Berg, "A comparison of two
//! techniques for bibliometric mapping: multidimensional scaling and VOS", JASIST 61(12), 2010;
//! and the unified approach of L. Waltman, N. J. van Eck and E. C. M. Noyons, "A unified approach
//! to mapping and clustering of bibliometric networks", Journal of Informetrics 4(4): 629-635,
//! 2010: the links are normalised by association strength, s_ij = a_ij 2m / (k_i k_j) (a_ij the
//! link's weight, k_i the weighted degree, 2m the sum of the degrees), and the map minimises
//!
//! ```text
//! V(x) = sum over pairs i < j of  s_ij d_ij^2  -  sum over pairs i < j of  d_ij
//! ```
//!
//! (attraction along the links, the square of the distance; repulsion between every pair, the
//! distance), the form the unified approach shows to be the mapping counterpart of weighted
//! modularity clustering with the same normalised links. Here the normalised weights are scaled
//! to mean 1 over the links; every pair gets a background attraction (its total equal to the
//! links' total), so that parts of the network that no link joins stay near one another instead
//! of drifting apart without bound and the map stays round enough to fill a frame; and two nodes
//! of one group (the caller's clusters of the same network) attract a little more (the total
//! half the links' total), so that each cluster is one region of the map, as the unified
//! approach intends, even where the links alone mix two clusters at their border.
//!
//! The minimisation moves one node at a time down its gradient by a step that adapts as in
//! Y. Hu's layout ("Efficient, high-quality force-directed graph drawing", Mathematica Journal
//! 10(1), 2005), as VOSviewer's layout does: after a sweep that lowered V five times in a row the
//! step grows by 1/0.9, after one that did not it shrinks by 0.9; the run stops when the step is
//! under 1e-4 of the map's size or after [`MAX_SWEEPS`] sweeps. Start: [`super::force::ring_start`]
//! (each group on its own arc), scaled to the radius that minimises V for that ring. End: centred,
//! rotated so that the widest spread (the first principal axis) is horizontal. Nodes are visited
//! in index order; no random choice: the same network gives the same map bit for bit.
//! Cost: O(sweeps x n^2) time, O(n + links) memory.

use super::force::ring_start;

/// Sweeps over the nodes at most.
pub const MAX_SWEEPS: usize = 400;
/// The background attraction's total, as a share of the links' total weight.
const BACKGROUND_SHARE: f64 = 1.0;
/// The further attraction within a group, as a share of the links' total weight.
const COHESION_SHARE: f64 = 0.5;

/// VOS positions of the nodes `0..groups.len()` joined by `links` (`(a, b, weight)`, weight > 0
/// and finite, a != b, each pair once; others are skipped), in map units (centred on the origin,
/// the widest spread horizontal). Nodes without a link are placed too (the background attraction
/// keeps them near), though a caller usually draws them apart. Empty for no node; (0, 0) for one.
pub fn vos_positions(groups: &[u32], links: &[(usize, usize, f64)]) -> Vec<(f64, f64)> {
    let n = groups.len();
    if n <= 1 {
        return vec![(0.0, 0.0); n];
    }
    let weights = association_strength(n, links);
    let mut neighbours: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &(a, b, s) in &weights {
        neighbours[a].push((b, s));
        neighbours[b].push((a, s));
    }
    let total: f64 = weights.iter().map(|l| l.2).sum();
    let pairs = (n * (n - 1) / 2) as f64;
    let background = if total > 0.0 {
        BACKGROUND_SHARE * total / pairs
    } else {
        1.0 / pairs
    };
    let same_group_pairs = {
        let mut sizes: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        for &g in groups {
            *sizes.entry(g).or_default() += 1;
        }
        sizes.values().map(|&k| k * (k - 1) / 2).sum::<usize>()
    };
    let cohesion = if same_group_pairs > 0 {
        COHESION_SHARE * total.max(1.0) / same_group_pairs as f64
    } else {
        0.0
    };
    let problem = Vos {
        neighbours,
        background,
        groups,
        cohesion,
    };
    let mut x = ring_start(groups);
    // The ring's best radius: V(r x) = r^2 A - r B is least at r = B / (2 A).
    let (a, b) = problem.parts(&x);
    let scale = if a > 0.0 { b / (2.0 * a) } else { 1.0 };
    for p in &mut x {
        *p = (p.0 * scale, p.1 * scale);
    }
    let size = spread(&x).max(1e-12);
    let mut step = 0.05 * size;
    let mut quality = problem.value(&x);
    let mut progress = 0;
    for _ in 0..MAX_SWEEPS {
        for i in 0..n {
            let (gx, gy) = problem.gradient(&x, i);
            let norm = (gx * gx + gy * gy).sqrt();
            if norm > 0.0 {
                x[i] = (x[i].0 - step * gx / norm, x[i].1 - step * gy / norm);
            }
        }
        let next = problem.value(&x);
        if next < quality {
            progress += 1;
            if progress >= 5 {
                progress = 0;
                step /= 0.9;
            }
        } else {
            progress = 0;
            step *= 0.9;
        }
        quality = next;
        if step < 1e-4 * size {
            break;
        }
    }
    principal_axes(&mut x);
    x
}

/// The links normalised by association strength (s_ij = a_ij 2m / (k_i k_j)) and scaled to
/// mean 1; links that are self-loops, out of range or not positive and finite are dropped.
pub fn association_strength(n: usize, links: &[(usize, usize, f64)]) -> Vec<(usize, usize, f64)> {
    let valid: Vec<(usize, usize, f64)> = links
        .iter()
        .copied()
        .filter(|&(a, b, w)| a != b && a < n && b < n && w.is_finite() && w > 0.0)
        .collect();
    let mut degree = vec![0.0f64; n];
    for &(a, b, w) in &valid {
        degree[a] += w;
        degree[b] += w;
    }
    let two_m: f64 = degree.iter().sum();
    let normalised: Vec<(usize, usize, f64)> = valid
        .iter()
        .map(|&(a, b, w)| (a, b, w * two_m / (degree[a] * degree[b])))
        .collect();
    let mean = normalised.iter().map(|l| l.2).sum::<f64>() / normalised.len().max(1) as f64;
    normalised
        .into_iter()
        .map(|(a, b, s)| (a, b, s / mean))
        .collect()
}

/// The function VOS minimises (see the module documentation).
struct Vos<'a> {
    neighbours: Vec<Vec<(usize, f64)>>,
    /// The attraction every pair has besides its link.
    background: f64,
    groups: &'a [u32],
    /// The further attraction of two nodes of one group.
    cohesion: f64,
}

impl Vos<'_> {
    /// (A, B): the attraction sum_{i<j} s_ij d_ij^2 and the repulsion sum_{i<j} d_ij.
    fn parts(&self, x: &[(f64, f64)]) -> (f64, f64) {
        let n = x.len();
        let (mut attraction, mut repulsion) = (0.0, 0.0);
        for i in 0..n {
            for j in i + 1..n {
                let d2 = (x[i].0 - x[j].0).powi(2) + (x[i].1 - x[j].1).powi(2);
                attraction += self.pair_weight(i, j) * d2;
                repulsion += d2.sqrt();
            }
            for &(j, s) in &self.neighbours[i] {
                if j > i {
                    attraction += s * ((x[i].0 - x[j].0).powi(2) + (x[i].1 - x[j].1).powi(2));
                }
            }
        }
        (attraction, repulsion)
    }

    /// The attraction of a pair besides its link: the background, and the cohesion within a
    /// group.
    fn pair_weight(&self, i: usize, j: usize) -> f64 {
        if self.groups[i] == self.groups[j] {
            self.background + self.cohesion
        } else {
            self.background
        }
    }

    fn value(&self, x: &[(f64, f64)]) -> f64 {
        let (a, b) = self.parts(x);
        a - b
    }

    /// dV/dx_i.
    fn gradient(&self, x: &[(f64, f64)], i: usize) -> (f64, f64) {
        let (mut gx, mut gy) = (0.0, 0.0);
        for (j, p) in x.iter().enumerate() {
            if j == i {
                continue;
            }
            let (dx, dy) = (x[i].0 - p.0, x[i].1 - p.1);
            let d = (dx * dx + dy * dy).sqrt();
            let w = self.pair_weight(i, j);
            gx += 2.0 * w * dx;
            gy += 2.0 * w * dy;
            if d > 1e-12 {
                gx -= dx / d;
                gy -= dy / d;
            }
        }
        for &(j, s) in &self.neighbours[i] {
            gx += 2.0 * s * (x[i].0 - x[j].0);
            gy += 2.0 * s * (x[i].1 - x[j].1);
        }
        (gx, gy)
    }
}

/// The root mean square distance of the points from their centroid.
fn spread(x: &[(f64, f64)]) -> f64 {
    let n = x.len() as f64;
    let (cx, cy) = x
        .iter()
        .fold((0.0, 0.0), |s, p| (s.0 + p.0 / n, s.1 + p.1 / n));
    (x.iter()
        .map(|p| (p.0 - cx).powi(2) + (p.1 - cy).powi(2))
        .sum::<f64>()
        / n)
        .sqrt()
}

/// Centres the points and rotates them so that their first principal axis is horizontal (its
/// direction chosen so that the first point's x is not negative, for a stable orientation); no
/// change for no point.
///
pub fn principal_axes(x: &mut [(f64, f64)]) {
    if x.is_empty() {
        return;
    }
    let n = x.len() as f64;
    let (cx, cy) = x
        .iter()
        .fold((0.0, 0.0), |s, p| (s.0 + p.0 / n, s.1 + p.1 / n));
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for p in x.iter_mut() {
        *p = (p.0 - cx, p.1 - cy);
        sxx += p.0 * p.0;
        syy += p.1 * p.1;
        sxy += p.0 * p.1;
    }
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let (sin, cos) = angle.sin_cos();
    for p in x.iter_mut() {
        *p = (p.0 * cos + p.1 * sin, -p.0 * sin + p.1 * cos);
    }
    if x.first().is_some_and(|p| p.0 < 0.0) {
        for p in x.iter_mut() {
            *p = (-p.0, -p.1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two cliques joined by one weak link: each clique gathers, apart from the other, and the
    /// map's long axis is horizontal.
    #[test]
    fn two_groups_sit_apart_along_the_horizontal() {
        let mut links = Vec::new();
        for g in 0..2 {
            for i in 0..8 {
                for j in i + 1..8 {
                    links.push((g * 8 + i, g * 8 + j, 1.0));
                }
            }
        }
        links.push((0, 8, 0.1));
        // Start with the groups interleaved on the ring.
        let groups: Vec<u32> = (0..16).map(|i| (i % 2) as u32).collect();
        let x = vos_positions(&groups, &links);
        assert_eq!(x, vos_positions(&groups, &links), "deterministic");
        let centroid = |g: usize| {
            let pts = &x[g * 8..g * 8 + 8];
            let (sx, sy) = pts.iter().fold((0.0, 0.0), |s, p| (s.0 + p.0, s.1 + p.1));
            (sx / 8.0, sy / 8.0)
        };
        let dist =
            |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        let (c0, c1) = (centroid(0), centroid(1));
        for (i, p) in x.iter().enumerate() {
            let (own, other) = if i < 8 { (c0, c1) } else { (c1, c0) };
            assert!(dist(*p, own) * 2.0 < dist(*p, other), "node {i}: {x:?}");
        }
        let (w, h) = x.iter().fold((0.0f64, 0.0f64), |s, p| {
            (s.0.max(p.0.abs()), s.1.max(p.1.abs()))
        });
        assert!(w > h, "widest spread horizontal: {w} x {h}");
    }

    #[test]
    fn association_strength_divides_by_the_degrees() {
        // A star's spokes to a hub of degree 3 and one leaf pair of degree 1 each.
        let s = association_strength(
            6,
            &[
                (0, 1, 1.0),
                (0, 2, 1.0),
                (0, 3, 1.0),
                (4, 5, 1.0),
                (4, 4, 1.0),
            ],
        );
        assert_eq!(s.len(), 4);
        // 2m = 8: spokes 8 / 3, the pair 8; mean (3 x 8/3 + 8) / 4 = 4.
        assert!(
            (s[0].2 - 2.0 / 3.0).abs() < 1e-12 && (s[3].2 - 2.0).abs() < 1e-12,
            "{s:?}"
        );
        assert!(vos_positions(&[], &[]).is_empty());
        assert_eq!(vos_positions(&[0], &[]), vec![(0.0, 0.0)]);
    }
}
