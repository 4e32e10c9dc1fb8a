//! The key papers' labels on the cluster map, placed by the shared search of
//! [`crate::layout::labels`] with collision avoidance.
//!
//! Which papers: the drawn, linked papers by PageRank (most influential first), until
//! [`ClusterMap::labelled_papers`] labels are placed (12 at one column width, 18 on a wide
//! figure) or 4 times as many papers were tried. What: the paper's short name (abbreviation) or
//! the start of its title ([`crate::render::labels::paper_label`]), cut to 16 em. Where: the
//! first of eight spots around the marker (right, left, above, below, then the four diagonals)
//! of least cost, where a spot costs 0.05 per place in that order, + 1 per marker whose centre
//! the box covers, + 0.25 per marker whose disc it touches; only spots inside the plot, at least
//! a 3 px gap from every cluster name and every label already placed. A paper whose every spot
//! is taken, or costs more than [`MAX_COST`] (it would hide a marker), gets no label (its name
//! is in the report's tables). The placement is deterministic: no random choice, ties to the
//! first spot.

use super::super::canvas::{line_height, text_width};
use super::super::style::Style;
use super::super::text::fit_text;
use super::super::widgets::Rect;
use super::{label_bounds, ClusterMap, PlacedLabel, PlacedMarker};
use crate::layout::labels::{Bounds, Candidates, Placement};

/// A spot that covers a marker's centre (cost 1) is refused; touching discs are allowed.
pub const MAX_COST: f64 = 0.99;

/// One key paper's label, with its box in figure pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperLabel {
    pub paper_id: String,
    /// The text as drawn.
    pub text: String,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// The centre of the paper's marker.
    pub marker: (f64, f64),
}

impl PaperLabel {
    /// The label's box.
    pub fn bounds(&self) -> Bounds {
        label_bounds(self.x0, self.y0, self.x1, self.y1)
    }
}

/// The spots' costs and conflicts (see the module documentation).
struct PaperPlacer<'a> {
    plot: Rect,
    markers: &'a [PlacedMarker],
    gap: f64,
}

impl Placement for PaperPlacer<'_> {
    /// A box and its rank among the paper's spots.
    type Spot = (Bounds, usize);

    fn conflicts(&self, a: &Self::Spot, b: &Self::Spot) -> bool {
        !a.0.keeps_gap(&b.0, self.gap)
    }

    fn cost(&self, (b, rank): &Self::Spot, _placed: &[Self::Spot]) -> f64 {
        let covered: f64 = self
            .markers
            .iter()
            .map(|m| {
                if m.x >= b.x0 && m.x <= b.x1 && m.y >= b.y0 && m.y <= b.y1 {
                    1.0
                } else if b.distance_to((m.x, m.y)) < m.reach() {
                    0.25
                } else {
                    0.0
                }
            })
            .sum();
        let outside = b.x0 < self.plot.x0 + self.gap
            || b.x1 > self.plot.x1 - self.gap
            || b.y0 < self.plot.y0 + self.gap
            || b.y1 > self.plot.y1 - self.gap;
        0.05 * *rank as f64 + covered + if outside { 1e6 } else { 0.0 }
    }
}

impl ClusterMap {
    /// Labels the map places at most: 12 at one column width, 18 beside a side legend.
    pub(super) fn labelled_papers(st: &Style) -> usize {
        if Self::side_legend(st) {
            18
        } else {
            12
        }
    }

    /// The size of the key papers' labels.
    pub(super) fn paper_label_size(st: &Style) -> f64 {
        st.px(28.0)
    }

    /// The key papers' labels among `markers`, clear of the cluster `names` and of one another.
    pub(super) fn place_paper_labels(
        &self,
        st: &Style,
        plot: &Rect,
        markers: &[PlacedMarker],
        names: &[PlacedLabel],
    ) -> Vec<PaperLabel> {
        let size = Self::paper_label_size(st);
        let placer = PaperPlacer {
            plot: *plot,
            markers,
            gap: st.px(3.0),
        };
        let mut placed: Vec<(Bounds, usize)> = names.iter().map(|l| (l.bounds(), 0)).collect();
        let fixed = placed.len();
        let pagerank = |id: &str| {
            self.nodes
                .iter()
                .find(|n| n.paper.paper_id == id)
                .map_or(0.0, |n| n.paper.pagerank)
        };
        let mut order: Vec<&PlacedMarker> = markers.iter().filter(|m| m.linked).collect();
        order.sort_by(|a, b| {
            pagerank(&b.paper_id)
                .total_cmp(&pagerank(&a.paper_id))
                .then_with(|| a.paper_id.cmp(&b.paper_id))
        });
        let want = Self::labelled_papers(st);
        let mut labels = Vec::new();
        for m in order.into_iter().take(4 * want) {
            if labels.len() == want {
                break;
            }
            let Some(node) = self.nodes.iter().find(|n| n.paper.paper_id == m.paper_id) else {
                continue;
            };
            let text = fit_text(&node.paper.label, size, false, 16.0 * size);
            let (w, h) = (
                text_width(&text, size, false) + st.px(6.0),
                line_height(size),
            );
            let r = m.reach() + st.px(4.0);
            let centres = [
                (m.x + r + w / 2.0, m.y),
                (m.x - r - w / 2.0, m.y),
                (m.x, m.y - r - h / 2.0),
                (m.x, m.y + r + h / 2.0),
                (m.x + 0.7 * r + w / 2.0, m.y - 0.7 * r - h / 2.0),
                (m.x - 0.7 * r - w / 2.0, m.y - 0.7 * r - h / 2.0),
                (m.x + 0.7 * r + w / 2.0, m.y + 0.7 * r + h / 2.0),
                (m.x - 0.7 * r - w / 2.0, m.y + 0.7 * r + h / 2.0),
            ];
            let spots = centres
                .iter()
                .enumerate()
                .map(|(rank, &(cx, cy))| {
                    let b = Bounds {
                        x0: cx - w / 2.0,
                        y0: cy - h / 2.0,
                        x1: cx + w / 2.0,
                        y1: cy + h / 2.0,
                    };
                    (b, rank)
                })
                .collect();
            let candidates = Candidates {
                spots,
                floor: f64::INFINITY,
            };
            if let Some((cost, spot)) = placer.cheapest([candidates], &placed) {
                if cost <= MAX_COST {
                    labels.push(PaperLabel {
                        paper_id: m.paper_id.clone(),
                        text,
                        x0: spot.0.x0,
                        y0: spot.0.y0,
                        x1: spot.0.x1,
                        y1: spot.0.y1,
                        marker: (m.x, m.y),
                    });
                    placed.push(spot);
                }
            }
        }
        debug_assert!(placed.len() == fixed + labels.len());
        labels
    }
}
