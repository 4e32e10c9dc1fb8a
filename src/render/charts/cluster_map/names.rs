//! The clusters' names on the cluster map, placed by the shared search of
//! [`crate::layout::labels`] with this figure's candidates and costs.
//!
//! Names: each coloured cluster gets a compact name on the map, `C3: adaptive kv` (its id and
//! first distinctive term; the full name is in the communities figure and `clusters.csv`), in
//! bold on a white box framed in its colour, placed near its *anchor*: the cluster's densest
//! spot, the marker of the cluster with the highest Gaussian kernel density of the cluster's
//! markers (bandwidth half the cluster's spread, the root mean square distance of its markers
//! from their centroid, and at least 4% of the plot's shorter side: the broad middle of a big
//! cluster, the core of a small one). A cluster that the layout mixes with others has a centroid
//! in no man's land; its densest spot is where its papers are. A name goes to the
//! candidate spot (centred on its anchor, then on rings around it, 24 directions each) of lowest
//! cost, in box heights: the distance from the anchor to the box, + 5 per marker whose centre
//! the box covers (times 0.5 + 0.5 x the marker's radius over the largest's: a small paper
//! hidden is still a paper hidden), + 2.5 x that radius ratio when only the marker's edge is under
//! the box, + 2 per other cluster's anchor under the box, + 6 per leader line crossing
//! another name's box or leader line; among the spots inside the plot that keep a 4 px gap from
//! every other name, and within [`NAME_MAX_DISTANCE`] (25%) of the plot's shorter side when such
//! a spot is free. Names are placed largest cluster first, then each moved to its cheapest spot
//! given all the others, twice over. A name that does not hold its anchor gets a thin leader line
//! to it, and the anchor's marker is drawn over the line's end. The placement is deterministic:
//! no random choice, ties to the first candidate.

use super::super::canvas::{line_height, text_width};
use super::super::style::Style;
use super::super::text::fit_text;
use super::super::widgets::Rect;
use super::{label_bounds, ClusterMap, PlacedMarker};
use crate::layout::labels::{segment_meets_box, segments_cross, Bounds, Candidates, Placement};

/// Label placement costs, in box heights of distance: a marker whose centre a name's box covers
/// (for the largest marker; a smaller one costs 0.5 + 0.5 x its radius over the largest's of
/// that, and half the radius share when only the box's edge covers it), and another cluster's
/// anchor under the box. At 1.5, with small markers almost free, names sat on 27 of the world's
/// 294 markers at one column width; at 5, on 20, with longer leader lines.
const COVERED_COST: f64 = 5.0;
const OTHER_ANCHOR_COST: f64 = 2.0;
/// A leader line crossing another name's box or leader line, in box heights of distance.
const CROSSING_COST: f64 = 6.0;
/// How far from its anchor a name may go when a spot that close is free, as a share of the
/// plot's shorter side.
pub const NAME_MAX_DISTANCE: f64 = 0.25;
/// The anchor's kernel bandwidth: this share of the cluster's spread (root mean square distance
/// of its markers from their centroid), at least this share of the plot's shorter side.
const ANCHOR_SPREAD_BANDWIDTH: f64 = 0.5;
const ANCHOR_MIN_BANDWIDTH: f64 = 0.04;

/// One cluster's name on the map, with its box (backing included) in figure pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    pub community: u32,
    /// The lines as drawn (the compact name).
    pub lines: Vec<String>,
    /// The full name, as the communities figure gives it.
    pub name: String,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// The point the name belongs to: the centre of the cluster's densest marker.
    pub anchor: (f64, f64),
    /// Whether a leader line joins the box to the anchor (the box does not hold the anchor).
    pub leader: bool,
}

impl PlacedLabel {
    /// The name's box.
    pub fn bounds(&self) -> Bounds {
        label_bounds(self.x0, self.y0, self.x1, self.y1)
    }

    /// True when the two boxes share area.
    pub fn overlaps(&self, other: &PlacedLabel) -> bool {
        self.bounds().overlaps(&other.bounds())
    }

    /// The distance from (x, y) to the box, 0 inside it.
    pub fn distance_to(&self, point: (f64, f64)) -> f64 {
        self.bounds().distance_to(point)
    }

    /// The point of the box's outline nearest to (x, y) (where a leader line leaves it).
    fn nearest_point(&self, point: (f64, f64)) -> (f64, f64) {
        self.bounds().nearest_point(point)
    }
}

impl ClusterMap {
    pub(super) fn label_size(st: &Style) -> f64 {
        st.small_size()
    }

    /// Padding inside a name's box: (horizontal, vertical).
    pub(super) fn label_padding(st: &Style) -> (f64, f64) {
        (st.px(8.0), st.px(4.0))
    }

    /// The anchor of each coloured cluster: its drawn, linked marker of highest Gaussian kernel
    /// density among the cluster's markers (ties to the first), in cluster order; None for a
    /// cluster with no such marker.
    pub(super) fn anchors(&self, plot: &Rect, markers: &[PlacedMarker]) -> Vec<Option<(f64, f64)>> {
        let least = ANCHOR_MIN_BANDWIDTH * plot.width().min(plot.height());
        self.clusters
            .iter()
            .map(|cluster| {
                let points: Vec<(f64, f64)> = markers
                    .iter()
                    .filter(|m| m.linked && m.community == cluster.community)
                    .map(|m| (m.x, m.y))
                    .collect();
                if points.is_empty() {
                    return None;
                }
                let n = points.len() as f64;
                let (cx, cy) = (
                    points.iter().map(|p| p.0).sum::<f64>() / n,
                    points.iter().map(|p| p.1).sum::<f64>() / n,
                );
                let spread = (points
                    .iter()
                    .map(|p| (p.0 - cx).powi(2) + (p.1 - cy).powi(2))
                    .sum::<f64>()
                    / n)
                    .sqrt();
                let bandwidth = (ANCHOR_SPREAD_BANDWIDTH * spread).max(least);
                let two_h2 = 2.0 * bandwidth * bandwidth;
                let mut best: Option<(f64, (f64, f64))> = None;
                for &(x, y) in &points {
                    let density: f64 = points
                        .iter()
                        .map(|&(u, v)| (-((x - u).powi(2) + (y - v).powi(2)) / two_h2).exp())
                        .sum();
                    if best.is_none_or(|(d, _)| density > d + 1e-12) {
                        best = Some((density, (x, y)));
                    }
                }
                best.map(|(_, p)| p)
            })
            .collect()
    }

    /// Each coloured cluster's compact name near its anchor (see the module documentation),
    /// largest cluster first.
    pub(super) fn place_names(
        &self,
        st: &Style,
        plot: &Rect,
        markers: &[PlacedMarker],
    ) -> Vec<PlacedLabel> {
        let size = Self::label_size(st);
        let (pad_x, pad_y) = Self::label_padding(st);
        let max_text = (plot.width() * 0.45).min(st.px(420.0));
        let anchors = self.anchors(plot, markers);
        let placer = NamePlacer {
            plot: *plot,
            linked: markers.iter().filter(|m| m.linked).collect(),
            anchors: anchors.iter().flatten().copied().collect(),
            r_max: Self::radius_range(st).1,
            gap: st.px(4.0),
            inset: st.thin() + 1.0,
            near: NAME_MAX_DISTANCE * plot.width().min(plot.height()),
        };
        // The names, each first centred on its anchor, largest cluster first.
        let protos: Vec<PlacedLabel> = self
            .clusters
            .iter()
            .zip(&anchors)
            .filter_map(|(cluster, anchor)| {
                let (ax, ay) = (*anchor)?;
                let text = fit_text(&cluster.short_names[2], size, true, max_text);
                let w = text_width(&text, size, true) + 2.0 * pad_x;
                let h = line_height(size) + 2.0 * pad_y;
                Some(PlacedLabel {
                    community: cluster.community,
                    lines: vec![text],
                    name: cluster.name.clone(),
                    x0: ax - w / 2.0,
                    y0: ay - h / 2.0,
                    x1: ax + w / 2.0,
                    y1: ay + h / 2.0,
                    anchor: (ax, ay),
                    leader: false,
                })
            })
            .collect();
        // Greedy, largest first; then two rounds in which each name moves to its best spot
        // given all the others, when that is cheaper (a name placed early could not see the
        // leader lines of those placed after it).
        let mut placed: Vec<PlacedLabel> = Vec::new();
        for proto in &protos {
            let chosen = placer.best(proto, &placed).map_or_else(
                || placer.boxed(proto, proto.anchor.0, proto.anchor.1),
                |(_, l)| l,
            );
            placed.push(chosen);
        }
        for _ in 0..2 {
            for i in 0..placed.len() {
                let others: Vec<PlacedLabel> = placed
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, l)| l.clone())
                    .collect();
                let current = placer.cost(&placed[i], &others)
                    + if placer.is_free(&placed[i], &others) {
                        0.0
                    } else {
                        1e6
                    };
                if let Some((cost, better)) = placer.best(&protos[i], &others) {
                    if cost < current - 1e-9 {
                        placed[i] = better;
                    }
                }
            }
        }
        placed
    }
}

/// Where the names may go and what a spot costs (see the module documentation).
struct NamePlacer<'a> {
    plot: Rect,
    linked: Vec<&'a PlacedMarker>,
    /// Every named cluster's anchor.
    anchors: Vec<(f64, f64)>,
    r_max: f64,
    /// The least gap between two names.
    gap: f64,
    /// How far inside the frame a name stays.
    inset: f64,
    /// How far from its anchor a name may go when a spot that close is free.
    near: f64,
}

impl NamePlacer<'_> {
    /// `proto`'s box centred on (cx, cy), moved inside the plot.
    fn boxed(&self, proto: &PlacedLabel, cx: f64, cy: f64) -> PlacedLabel {
        let (w, h) = (proto.x1 - proto.x0, proto.y1 - proto.y0);
        let plot = &self.plot;
        let cx = cx.clamp(
            plot.x0 + self.inset + w / 2.0,
            (plot.x1 - self.inset - w / 2.0).max(plot.x0 + self.inset + w / 2.0),
        );
        let cy = cy.clamp(
            plot.y0 + self.inset + h / 2.0,
            (plot.y1 - self.inset - h / 2.0).max(plot.y0 + self.inset + h / 2.0),
        );
        let mut label = PlacedLabel {
            x0: cx - w / 2.0,
            y0: cy - h / 2.0,
            x1: cx + w / 2.0,
            y1: cy + h / 2.0,
            ..proto.clone()
        };
        label.leader = label.distance_to(label.anchor) > 0.0;
        label
    }

    /// The cost of `l` among `others`, in box heights of distance.
    fn spot_cost(&self, l: &PlacedLabel, others: &[PlacedLabel]) -> f64 {
        let h = l.y1 - l.y0;
        let covered: f64 = self
            .linked
            .iter()
            .map(|m| {
                let r = m.reach();
                if m.x + r <= l.x0 || m.x - r >= l.x1 || m.y + r <= l.y0 || m.y - r >= l.y1 {
                    0.0
                } else if m.x >= l.x0 && m.x <= l.x1 && m.y >= l.y0 && m.y <= l.y1 {
                    COVERED_COST * (0.5 + 0.5 * m.radius / self.r_max)
                } else {
                    0.5 * COVERED_COST * m.radius / self.r_max
                }
            })
            .sum();
        let other_anchors = self
            .anchors
            .iter()
            .filter(|&&a| a != l.anchor && l.distance_to(a) == 0.0)
            .count() as f64;
        // Leader lines that cross a name (this one's through another's box, or another's under
        // this box) or one another read as belonging to the wrong name.
        let leader = |p: &PlacedLabel| (p.nearest_point(p.anchor), p.anchor);
        let crossings = others
            .iter()
            .filter(|p| {
                (l.leader
                    && (segment_meets_box(leader(l), &p.bounds())
                        || (p.leader && segments_cross(leader(l), leader(p)))))
                    || (p.leader && segment_meets_box(leader(p), &l.bounds()))
            })
            .count() as f64;
        l.distance_to(l.anchor) / h
            + covered
            + OTHER_ANCHOR_COST * other_anchors
            + CROSSING_COST * crossings
    }

    /// The cheapest free spot for `proto` among `others`: centred on its anchor, then on rings
    /// of growing size around it (ellipses as wide as the box is long), 24 directions each;
    /// spots further than `near` only when no nearer one is free. None when no spot is free.
    fn best(&self, proto: &PlacedLabel, others: &[PlacedLabel]) -> Option<(f64, PlacedLabel)> {
        let (w, h) = (proto.x1 - proto.x0, proto.y1 - proto.y0);
        let (ax, ay) = proto.anchor;
        let step = h / 2.0;
        let rings = (self.plot.width().max(self.plot.height()) / step).ceil() as usize;
        let candidates = (0..=rings).map(|ring| {
            let r = ring as f64 * step;
            let directions = if ring == 0 { 1 } else { 24 };
            let spots = (0..directions)
                .map(|k| {
                    let angle = std::f64::consts::TAU * k as f64 / directions as f64;
                    self.boxed(proto, ax + r * angle.cos() * (w / h), ay + r * angle.sin())
                })
                .collect();
            // A box on ring r is at least r / sqrt(2) - h / 2 from the anchor (before
            // clamping), so it costs at least that.
            Candidates {
                spots,
                floor: (r / std::f64::consts::SQRT_2 - h / 2.0) / h,
            }
        });
        self.cheapest(candidates, others)
    }
}

impl Placement for NamePlacer<'_> {
    type Spot = PlacedLabel;

    /// Two names conflict when they are closer than the gap.
    fn conflicts(&self, a: &PlacedLabel, b: &PlacedLabel) -> bool {
        !a.bounds().keeps_gap(&b.bounds(), self.gap)
    }

    /// [`NamePlacer::spot_cost`], plus 1000 beyond `near`: a far spot only when no near one is
    /// free.
    fn cost(&self, l: &PlacedLabel, others: &[PlacedLabel]) -> f64 {
        let far = l.distance_to(l.anchor) > self.near;
        self.spot_cost(l, others) + if far { 1000.0 } else { 0.0 }
    }
}
