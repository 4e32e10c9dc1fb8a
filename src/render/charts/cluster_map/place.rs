//! Where the cluster map's markers go: the linked papers by VOS mapping ([`super::join::layout`]),
//! scaled into the plot's frame (the same scale on both axes, so that distances read alike in
//! every direction) inset by the largest marker's reach, the unlinked ones in rows in a strip
//! under it; marker radii by PageRank rank; then the names, the key papers' labels and the
//! legend placed around them.
//!
//! The plot is as wide as the figure allows (beside the legend on a wide figure) and as high as
//! the layout's extent needs at that width, between [`MIN_PLOT_ASPECT`] and [`MAX_PLOT_ASPECT`]
//! of the width (the layout is rotated so that its widest spread is horizontal), so that the map
//! fills its frame. Every paper lies inside it: VOS holds loosely linked papers near the rest (no
//! percentile cut-off, no pile on the border). The plot is padded by the largest marker's reach
//! (a diamond's tips reach 1.15 radii) and its white edge, so every marker lies whole inside the
//! frame. Papers with no link are not laid out (the map places a paper by its links, and they
//! have none): they sit in a grid in a strip under the map, counted in it.

use super::super::canvas::line_height;
use super::super::style::Style;
use super::super::widgets::{empty_height, title_height, Rect};
use super::join::layout_aspect;
use super::legend::LegendPlan;
use super::{ClusterMap, ClusterMapPlan, PlacedMarker, Shape, SIDE_LEGEND_MIN_WIDTH, TITLE};

/// The plot's height over its width, at least and at most.
pub const MIN_PLOT_ASPECT: f64 = 0.6;
pub const MAX_PLOT_ASPECT: f64 = 0.9;

impl ClusterMap {
    pub(super) fn radius_range(st: &Style) -> (f64, f64) {
        (st.px(7.0), st.px(22.0))
    }

    /// The white edge around every marker.
    pub(super) fn edge(st: &Style) -> f64 {
        st.px(2.0).max(1.0)
    }

    /// Marker radii by PageRank rank among the map papers (the least influential smallest, the
    /// most influential largest, evenly between): PageRank spans orders of magnitude, and the
    /// foundations' would flatten every catalogue paper to one size on any value scale.
    pub(super) fn radii(&self, st: &Style) -> Vec<f64> {
        let (lo, hi) = Self::radius_range(st);
        let n = self.nodes.len();
        let mut order: Vec<usize> = (0..n).collect();
        let value = |i: usize| {
            let p = self.nodes[i].paper.pagerank;
            if p.is_finite() {
                p
            } else {
                0.0
            }
        };
        order.sort_by(|&a, &b| value(a).total_cmp(&value(b)).then(a.cmp(&b)));
        let mut radii = vec![lo; n];
        for (rank, &i) in order.iter().enumerate() {
            let t = if n > 1 {
                rank as f64 / (n - 1) as f64
            } else {
                0.5
            };
            radii[i] = lo + (hi - lo) * t;
        }
        radii
    }

    /// Whether the legend goes beside the map (a wide figure).
    pub(super) fn side_legend(st: &Style) -> bool {
        st.width >= SIDE_LEGEND_MIN_WIDTH
    }

    /// The width of the side legend.
    pub(super) fn side_legend_width(st: &Style) -> f64 {
        (st.width * 0.3).clamp(st.px(420.0), st.px(760.0))
    }

    /// The map's frame: the whole width at one column; beside the legend on a wide figure; as
    /// high as the layout's aspect needs (see the module documentation).
    pub(super) fn plot_rect(&self, st: &Style) -> Rect {
        let top = title_height(st, TITLE);
        let x0 = st.margin();
        let x1 = if Self::side_legend(st) {
            st.width - st.margin() - Self::side_legend_width(st) - st.px(40.0)
        } else {
            st.width - st.margin()
        };
        Rect {
            x0,
            y0: top,
            x1,
            y1: top
                + (x1 - x0)
                    * layout_aspect(&self.unit_positions).clamp(MIN_PLOT_ASPECT, MAX_PLOT_ASPECT),
        }
    }

    pub(super) fn strip_step(st: &Style) -> f64 {
        st.px(22.0)
    }

    pub(super) fn strip_per_row(st: &Style, plot: &Rect) -> usize {
        (plot.width() / Self::strip_step(st)).floor().max(1.0) as usize
    }

    pub(super) fn strip_rows(&self, st: &Style, plot: &Rect) -> usize {
        match self.unlinked() {
            0 => 0,
            n => n.div_ceil(Self::strip_per_row(st, plot)).min(6),
        }
    }

    pub(super) fn strip_height(&self, st: &Style, plot: &Rect) -> f64 {
        match self.strip_rows(st, plot) {
            0 => 0.0,
            rows => st.gap() + line_height(st.small_size()) + rows as f64 * Self::strip_step(st),
        }
    }

    pub(super) fn plan(&self, st: &Style) -> ClusterMapPlan {
        self.plan_full(st).0
    }

    /// The plan at `st`'s width and the legend's headings and notes, which only drawing needs.
    pub(super) fn plan_full(&self, st: &Style) -> (ClusterMapPlan, LegendPlan) {
        if !self.has_map() {
            let plan = ClusterMapPlan {
                height: empty_height(st),
                ..ClusterMapPlan::default()
            };
            let legend = LegendPlan {
                items: Vec::new(),
                headings: Vec::new(),
                notes: Vec::new(),
                bottom: 0.0,
            };
            return (plan, legend);
        }
        let plot = self.plot_rect(st);
        let radii = self.radii(st);
        let (_, r_max) = Self::radius_range(st);
        // Every marker whole inside the frame: the largest reach plus its white edge and a hair
        // so the edge does not paint over the frame line.
        let pad = r_max * Shape::Diamond.extent() + Self::edge(st) + st.thin() + 1.0;
        let inner = Rect {
            x0: plot.x0 + pad,
            y0: plot.y0 + pad,
            x1: plot.x1 - pad,
            y1: plot.y1 - pad,
        };
        // One scale on both axes; the layout centred in the frame.
        let aspect = layout_aspect(&self.unit_positions);
        let scale = inner.width().min(inner.height() / aspect);
        let (off_x, off_y) = (
            inner.x0 + (inner.width() - scale) / 2.0,
            inner.y0 + (inner.height() - scale * aspect) / 2.0,
        );
        let mut markers = Vec::new();
        let mut strip_index = 0usize;
        let strip_top = plot.y1 + st.gap() + line_height(st.small_size());
        let step = Self::strip_step(st);
        let per_row = Self::strip_per_row(st, &plot);
        let max_strip = per_row * self.strip_rows(st, &plot);
        for (i, node) in self.nodes.iter().enumerate() {
            if !node.drawn {
                continue;
            }
            if node.linked {
                let (u, v) = self.unit_positions[i];
                markers.push(PlacedMarker {
                    paper_id: node.paper.paper_id.clone(),
                    community: node.paper.community,
                    x: off_x + u * scale,
                    y: off_y + v * scale,
                    radius: radii[i],
                    shape: node.shape,
                    color: node.cluster_color,
                    linked: true,
                });
            } else if strip_index < max_strip {
                let (row, col) = (strip_index / per_row, strip_index % per_row);
                markers.push(PlacedMarker {
                    paper_id: node.paper.paper_id.clone(),
                    community: node.paper.community,
                    x: plot.x0 + step * (col as f64 + 0.5),
                    y: strip_top + step * (row as f64 + 0.5),
                    radius: Self::radius_range(st).0,
                    shape: node.shape,
                    color: node.cluster_color,
                    linked: false,
                });
                strip_index += 1;
            }
        }
        let strip_height = self.strip_height(st, &plot);
        let strip =
            (strip_height > 0.0).then_some((plot.x0, plot.y1, plot.x1, plot.y1 + strip_height));
        let labels = self.place_names(st, &plot, &markers);
        let paper_labels = self.place_paper_labels(st, &plot, &markers, &labels);
        let (legend_x0, legend_width, legend_top) = if Self::side_legend(st) {
            let width = Self::side_legend_width(st);
            (st.width - st.margin() - width, width, plot.y0)
        } else {
            (
                st.margin(),
                st.width - 2.0 * st.margin(),
                plot.y1 + strip_height + st.px(30.0),
            )
        };
        let legend = self.plan_legend(st, legend_x0, legend_width, legend_top);
        let height = (plot.y1 + strip_height).max(legend.bottom) + st.margin();
        let plan = ClusterMapPlan {
            markers,
            labels,
            paper_labels,
            legend: legend.items.clone(),
            legend_area: (
                legend_x0,
                legend_top,
                legend_x0 + legend_width,
                legend.bottom,
            ),
            plot: (plot.x0, plot.y0, plot.x1, plot.y1),
            strip,
            height,
        };
        (plan, legend)
    }
}
