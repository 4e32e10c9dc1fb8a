//! ForceAtlas2 positions for a graph given as node indices, and the rules that scale them into a
//! drawing: one implementation for the report's interactive map and the cluster-map figure.
//!
//! The layout is the `fa2` crate (graphology's ForceAtlas2: Jacomy, Venturini, Heymann and
//! Bastian 2014, "ForceAtlas2, a continuous graph layout algorithm for handy network
//! visualization", PLoS ONE 9(6): e98679) with the settings graphology infers from the graph's
//! order (strong gravity 0.05, scaling ratio 10, slow-down 1 + ln n), single-threaded, from
//! deterministic start positions ([`ring_start`]): the same graph gives the same positions bit
//! for bit. Cost: O(iterations x n^2) with pairwise repulsion, O(iterations x n log n) with
//! Barnes-Hut (theta 0.5), plus O(iterations x edges) for the attraction.
//!
//! ForceAtlas2 pushes loosely linked nodes far out, so both scaling rules ([`Fit`]) frame the
//! 2nd to 98th percentile of each axis ([`percentile_range`]) and pull the few nodes beyond onto
//! the border: otherwise one outlier would shrink the whole drawing into a corner.

/// How ForceAtlas2 computes the repulsion between nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repulsion {
    /// Every pair of nodes: exact, O(n^2) an iteration.
    Pairwise,
    /// A Barnes-Hut quadtree with theta 0.5: approximate, O(n log n) an iteration.
    BarnesHut,
}

/// The settings that differ between the layouts citegraph draws; everything else is the
/// settings graphology infers from the graph's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForceAtlas2 {
    /// How many iterations (epochs) to run.
    pub iterations: usize,
    /// Exact or Barnes-Hut repulsion (graphology switches to Barnes-Hut from 2,048 nodes; the
    /// caller chooses).
    pub repulsion: Repulsion,
}

impl ForceAtlas2 {
    /// Positions (layout units, centred near the origin) of the nodes `0..groups.len()` joined by
    /// `edges` (`(a, b, weight)`, each added as given: the caller removes self-loops and
    /// duplicates; weight 1.0 for an unweighted graph), started on [`ring_start`] of `groups`.
    /// A coordinate that ends non-finite is replaced by the origin. Empty for no node.
    ///
    /// Panics when an edge names a node past `groups.len()`.
    pub fn positions(&self, groups: &[u32], edges: &[(usize, usize, f64)]) -> Vec<(f64, f64)> {
        let n = groups.len();
        if n == 0 {
            return Vec::new();
        }
        let start = ring_start(groups);
        let mut data = fa2::FA2Data::<f64>::with_capacity(n, edges.len());
        for &(x, y) in &start {
            data.add_node_with_position(x, y);
        }
        for &(a, b, weight) in edges {
            data.add_edge_with_weight(a, b, weight);
        }
        let settings = fa2::FA2Settings::<f64>::from_graph_order(n).parallel(false);
        let settings = match self.repulsion {
            Repulsion::Pairwise => settings.with_pairwise_repulsion(),
            Repulsion::BarnesHut => settings.with_barnes_hut(),
        };
        let mut layout = settings.build(data);
        layout.run(self.iterations);
        layout
            .data()
            .positions()
            .map(|(x, y)| {
                if x.is_finite() && y.is_finite() {
                    (x, y)
                } else {
                    (0.0, 0.0)
                }
            })
            .collect()
    }
}

/// Start positions for ForceAtlas2: the nodes on a circle of radius about 100, ordered by
/// `(groups[i], i)`, so that each group (community) starts on its own arc. The radius varies a
/// little (by up to a quarter, in 13 steps) so that the start is not a perfect, degenerate ring.
pub fn ring_start(groups: &[u32]) -> Vec<(f64, f64)> {
    let n = groups.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (groups[i], i));
    let mut start = vec![(0.0f64, 0.0f64); n];
    for (rank, &i) in order.iter().enumerate() {
        let angle = rank as f64 / n as f64 * std::f64::consts::TAU;
        let radius = 100.0 * (1.0 + 0.25 * ((rank * 7919) % 13) as f64 / 13.0);
        start[i] = (radius * angle.cos(), radius * angle.sin());
    }
    start
}

/// The range a drawing frames on one axis: the 2nd and 98th percentiles of `values` (nearest
/// rank, rounded), or the minimum and maximum for fewer than 20 values.
///
/// Panics on an empty `values`.
pub fn percentile_range(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    if values.len() < 20 {
        (values[0], values[values.len() - 1])
    } else {
        (at(0.02), at(0.98))
    }
}

/// How layout positions are scaled into a drawing; both frame [`percentile_range`] of each axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fit {
    /// Into a `width` x `height` area (origin top left), keeping the aspect ratio, centred, the
    /// framed range `margin` inside the edges; positions beyond are clamped to `margin / 2` from
    /// the edges.
    Frame {
        width: f64,
        height: f64,
        margin: f64,
    },
    /// Each axis on its own into [0, 1] (the aspect ratio is not kept), positions beyond clamped
    /// to 0 or 1; an axis whose range is under 1e-9 maps to 0.5.
    UnitSquare,
}

impl Fit {
    /// `positions` scaled by this rule, in the same order; empty for no position.
    pub fn apply(self, positions: &[(f64, f64)]) -> Vec<(f64, f64)> {
        if positions.is_empty() {
            return Vec::new();
        }
        let (min_x, max_x) = percentile_range(positions.iter().map(|p| p.0).collect());
        let (min_y, max_y) = percentile_range(positions.iter().map(|p| p.1).collect());
        match self {
            Fit::Frame {
                width,
                height,
                margin,
            } => {
                let span_x = (max_x - min_x).max(1e-9);
                let span_y = (max_y - min_y).max(1e-9);
                let scale = ((width - 2.0 * margin) / span_x).min((height - 2.0 * margin) / span_y);
                let offset_x = (width - span_x * scale) / 2.0;
                let offset_y = (height - span_y * scale) / 2.0;
                positions
                    .iter()
                    .map(|&(x, y)| {
                        (
                            (offset_x + (x - min_x) * scale)
                                .clamp(margin / 2.0, width - margin / 2.0),
                            (offset_y + (y - min_y) * scale)
                                .clamp(margin / 2.0, height - margin / 2.0),
                        )
                    })
                    .collect()
            }
            Fit::UnitSquare => {
                let unit = |v: f64, lo: f64, hi: f64| {
                    if hi - lo < 1e-9 {
                        0.5
                    } else {
                        ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
                    }
                };
                positions
                    .iter()
                    .map(|&(x, y)| (unit(x, min_x, max_x), unit(y, min_y, max_y)))
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_start_orders_by_group_then_index() {
        let start = ring_start(&[1, 0, 1, 0]);
        // Group 0 first (nodes 1, 3), then group 1 (nodes 0, 2): node 1 at angle 0.
        assert_eq!(start[1], (100.0, 0.0));
        let angle = |p: (f64, f64)| p.1.atan2(p.0).rem_euclid(std::f64::consts::TAU);
        assert!(angle(start[3]) < angle(start[0]) && angle(start[0]) < angle(start[2]));
    }

    #[test]
    fn percentiles_ignore_outliers_from_twenty_values() {
        assert_eq!(percentile_range(vec![3.0, -1.0, 7.0]), (-1.0, 7.0));
        let mut values: Vec<f64> = (0..100).map(f64::from).collect();
        values.push(1e9);
        let (lo, hi) = percentile_range(values);
        assert_eq!((lo, hi), (2.0, 98.0));
    }

    #[test]
    fn fits_keep_order_and_bounds() {
        let positions = [(0.0, 0.0), (10.0, 5.0), (5.0, 5.0)];
        let frame = Fit::Frame {
            width: 100.0,
            height: 60.0,
            margin: 10.0,
        }
        .apply(&positions);
        assert_eq!(frame.len(), 3);
        for &(x, y) in &frame {
            assert!(
                (5.0..=95.0).contains(&x) && (5.0..=55.0).contains(&y),
                "{x},{y}"
            );
        }
        let unit = Fit::UnitSquare.apply(&positions);
        assert_eq!(unit, vec![(0.0, 0.0), (1.0, 1.0), (0.5, 1.0)]);
        assert_eq!(Fit::UnitSquare.apply(&[(3.0, 4.0)]), vec![(0.5, 0.5)]);
        assert!(Fit::UnitSquare.apply(&[]).is_empty());
    }

    #[test]
    fn positions_are_deterministic() {
        let edges: Vec<(usize, usize, f64)> = (1..20).map(|i| (i, i / 2, 1.0)).collect();
        let groups: Vec<u32> = (0..20).map(|i| i % 3).collect();
        let settings = ForceAtlas2 {
            iterations: 50,
            repulsion: Repulsion::Pairwise,
        };
        let a = settings.positions(&groups, &edges);
        assert_eq!(a.len(), 20);
        assert_eq!(
            format!("{a:?}"),
            format!("{:?}", settings.positions(&groups, &edges))
        );
        assert!(settings.positions(&[], &[]).is_empty());
    }
}
