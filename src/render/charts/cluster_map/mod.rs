//! The cluster map (`figures/cluster-map`), in the manner of VOSviewer: the catalogue papers and
//! the top foundations placed by VOS mapping of their co-citation and coupling similarity
//! ([`crate::analysis::MapNetwork`]) and coloured by the clusters of that same network (the
//! unified approach of Waltman, van Eck and Noyons 2010: [`join`]), so that each colour is a
//! region of the map; sized by PageRank rank, shaped by mechanism, each coloured cluster named on
//! the map, the key papers labelled, with a legend. The [`COLORED_CLUSTERS`] clusters with most
//! map papers get a colour each, when they have at least [`MIN_COLORED_PAPERS`]; the rest are
//! gray.
//!
//! The figure is made in five steps, a file each: [`join`] joins the map network to the papers'
//! metrics, clusters and lays out the linked papers ([`crate::layout::vos`]) and chooses each
//! cluster's colour and name and each paper's shape; [`place`] places the markers in the frame;
//! [`names`] places each coloured cluster's name and [`papers`] the key papers' labels
//! ([`crate::layout::labels`]); [`legend`] plans the legend. This file holds the placed plan's
//! types and draws it.
//!
//! `--hide-unspecified`: the catalogue papers without a mechanism badge are not drawn and have no
//! legend entry (the other figures leave them out of their counts the same way); the layout and
//! the clusters' colours are computed with them, as without the flag, so that the other papers
//! keep their places and colours, and the caption and a note under the legend say how many were
//! left out.

mod join;
mod legend;
mod names;
mod papers;
mod place;
#[cfg(test)]
mod tests;

use anyhow::Result;

use super::canvas::{line_height, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{darker, Palette, Rgb, MUTED, TEXT, WHITE};
use super::style::Style;
use super::text::unspecified_hidden;
use super::widgets::outline_for;
use super::Chart;
use crate::layout::labels::Bounds;
use crate::render::View;
pub use join::{cluster_letter, NO_CLUSTER};
use join::{ColoredCluster, Node};
use legend::LegendPlan;
pub use legend::{LegendItem, LegendKey};
pub use names::{PlacedLabel, NAME_MAX_DISTANCE};
pub use papers::PaperLabel;
pub use place::{MAX_PLOT_ASPECT, MIN_PLOT_ASPECT};

/// Clusters that get a colour (and a name on the map), by their number of map papers.
pub const COLORED_CLUSTERS: usize = 8;
/// The fewest map papers a coloured cluster has: a paper or two alone in their community (a
/// foundation, say) is no cluster on the map, and would take a colour and a name by the tie-break.
pub const MIN_COLORED_PAPERS: usize = 3;

/// The narrowest figure (pixels at 300 dpi) whose legend goes beside the map rather than under
/// it: 1600 px = 5.3 in; the two-column width (2100 px) has it.
pub const SIDE_LEGEND_MIN_WIDTH: f64 = 1600.0;

/// Colours of the clusters: Paul Tol's "bright" scheme and two of his "vibrant" colours
/// (colour-blind safe, distinct from one another in print), then gray for the rest.
const CLUSTER_COLORS: [Rgb; COLORED_CLUSTERS] = [
    (0x44, 0x77, 0xAA),
    (0xEE, 0x66, 0x77),
    (0x22, 0x88, 0x33),
    (0xCC, 0xBB, 0x44),
    (0x66, 0xCC, 0xEE),
    (0xAA, 0x33, 0x77),
    (0xEE, 0x77, 0x33),
    (0x00, 0x99, 0x88),
];
const OTHER_CLUSTER: Rgb = (0xBB, 0xBB, 0xBB);

/// The shape of a paper's marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A mechanism past the first few ("Other mechanisms").
    Circle,
    Square,
    Triangle,
    Diamond,
    InvertedTriangle,
    /// A catalogue paper without a mechanism badge (Unspecified).
    Cross,
    /// A foundation (not in the list): a ring.
    Ring,
}

impl Shape {
    /// How far the shape reaches from its centre, in marker radii (half the side of the square
    /// that holds it): the diamond's tips reach furthest.
    pub fn extent(self) -> f64 {
        match self {
            Shape::Circle | Shape::Ring | Shape::Cross => 1.0,
            Shape::Square => 0.85,
            Shape::Triangle | Shape::InvertedTriangle => 1.1,
            Shape::Diamond => 1.15,
        }
    }
}

/// The box with these edges (figure pixels) as the label search ([`crate::layout::labels`])
/// measures it: a cluster name's ([`PlacedLabel::bounds`]) or a key paper's label's
/// ([`PaperLabel::bounds`]).
fn label_bounds(x0: f64, y0: f64, x1: f64, y1: f64) -> Bounds {
    Bounds { x0, y0, x1, y1 }
}

/// One paper's marker, in figure pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedMarker {
    pub paper_id: String,
    /// Its map cluster (0 the largest, lettered A; [`NO_CLUSTER`] for a paper without a link).
    pub community: u32,
    pub x: f64,
    pub y: f64,
    pub radius: f64,
    pub shape: Shape,
    pub color: (u8, u8, u8),
    /// False for a paper with no similarity link, drawn in the strip under the map.
    pub linked: bool,
}

impl PlacedMarker {
    /// How far the drawn shape reaches from (x, y), in pixels (its white edge aside).
    pub fn reach(&self) -> f64 {
        self.radius * self.shape.extent()
    }
}

/// Everything the map draws, placed: what the test reads to check the SVG.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterMapPlan {
    /// The drawn markers (papers hidden by `--hide-unspecified` are not in it).
    pub markers: Vec<PlacedMarker>,
    pub labels: Vec<PlacedLabel>,
    /// The key papers' labels.
    pub paper_labels: Vec<PaperLabel>,
    /// The legend's entries: the coloured clusters largest first, the other clusters, then the
    /// shapes.
    pub legend: Vec<LegendItem>,
    /// The legend's area (x0, y0, x1, y1): under the map, or beside it on a wide figure.
    pub legend_area: (f64, f64, f64, f64),
    /// The map's frame (x0, y0, x1, y1).
    pub plot: (f64, f64, f64, f64),
    /// The strip of unlinked papers (x0, y0, x1, y1), empty when there is none.
    pub strip: Option<(f64, f64, f64, f64)>,
    /// The figure's height in pixels.
    pub height: f64,
}

/// The map of the view's analysis at `width` pixels, placed but not drawn (for tests and the
/// chart). `palette` is the figures' (`without_unspecified` under `--hide-unspecified`).
pub fn plan_cluster_map(view: &View<'_>, palette: &Palette, width: u32) -> ClusterMapPlan {
    let st = Style::new(width);
    ClusterMap::new(view, palette).plan(&st)
}

/// The cluster-map figure: the papers joined and laid out once, placed at each width.
pub(super) struct ClusterMap {
    nodes: Vec<Node>,
    /// (a, b, similarity) between nodes.
    links: Vec<(usize, usize, f64)>,
    /// Coloured clusters, largest first.
    clusters: Vec<ColoredCluster>,
    /// Clusters in gray with a drawn paper.
    others: usize,
    /// The shapes drawn, in legend order, with their names.
    shape_legend: Vec<(String, Shape)>,
    foundations: usize,
    /// Catalogue papers without a mechanism badge, when `--hide-unspecified` hides them.
    hidden: Option<usize>,
    /// Positions of the linked nodes in [0, 1] x [0, 1] (NaN for unlinked ones).
    unit_positions: Vec<(f64, f64)>,
}

impl ClusterMap {
    fn has_map(&self) -> bool {
        !self.links.is_empty()
    }

    /// Unlinked papers that are drawn (in the strip).
    fn unlinked(&self) -> usize {
        self.nodes.iter().filter(|n| !n.linked && n.drawn).count()
    }

    /// The colour of a cluster's name and leader line: its own, or the other clusters' gray.
    fn cluster_color(&self, community: u32) -> Rgb {
        self.clusters
            .iter()
            .find(|c| c.community == community)
            .map_or(OTHER_CLUSTER, |c| c.color)
    }

    /// The markers, big ones first so that small ones stay visible (unlinked ones in the
    /// strip), and the leader lines. The markers that leader lines point at go last, over the
    /// line's end, so that each line ends on a visible marker of its cluster.
    fn draw_markers(&self, c: &Canvas, st: &Style, plan: &ClusterMapPlan) -> Result<()> {
        let is_anchor = |m: &PlacedMarker| {
            plan.labels
                .iter()
                .any(|l| l.leader && l.community == m.community && l.anchor == (m.x, m.y))
        };
        let mut order: Vec<&PlacedMarker> = plan.markers.iter().collect();
        order.sort_by(|a, b| b.radius.total_cmp(&a.radius));
        let (anchors, rest): (Vec<&PlacedMarker>, Vec<&PlacedMarker>) =
            order.into_iter().partition(|m| is_anchor(m));
        for m in rest {
            draw_shape(c, st, m.shape, m.x, m.y, m.radius, m.color)?;
        }
        for label in plan.labels.iter().filter(|l| l.leader) {
            let color = darker(self.cluster_color(label.community), 0.3);
            let start = label.bounds().nearest_point(label.anchor);
            c.polyline(&[start, label.anchor], st.line(), color)?;
        }
        for m in anchors {
            draw_shape(c, st, m.shape, m.x, m.y, m.radius, m.color)?;
        }
        Ok(())
    }

    /// The clusters' names: bold, on a white box framed in the cluster's colour.
    fn draw_names(&self, c: &Canvas, st: &Style, plan: &ClusterMapPlan) -> Result<()> {
        let size = Self::label_size(st);
        let spec = TextSpec::new(size, TEXT)
            .bold()
            .align(HAlign::Center, VAlign::Center);
        for label in &plan.labels {
            let color = self.cluster_color(label.community);
            c.rect(label.x0, label.y0, label.x1, label.y1, WHITE)?;
            c.frame(
                label.x0,
                label.y0,
                label.x1,
                label.y1,
                st.px(3.0),
                darker(color, 0.1),
            )?;
            let lh = line_height(size);
            let first = (label.y0 + label.y1) / 2.0 - lh * (label.lines.len() as f64 - 1.0) / 2.0;
            for (i, line) in label.lines.iter().enumerate() {
                c.text(
                    line,
                    (label.x0 + label.x1) / 2.0,
                    first + lh * i as f64,
                    &spec,
                )?;
            }
        }
        Ok(())
    }

    /// The key papers' labels: dark text on a white box.
    fn draw_paper_labels(&self, c: &Canvas, st: &Style, plan: &ClusterMapPlan) -> Result<()> {
        let spec =
            TextSpec::new(Self::paper_label_size(st), TEXT).align(HAlign::Center, VAlign::Center);
        for label in &plan.paper_labels {
            c.rect(label.x0, label.y0, label.x1, label.y1, WHITE)?;
            c.text(
                &label.text,
                (label.x0 + label.x1) / 2.0,
                (label.y0 + label.y1) / 2.0,
                &spec,
            )?;
        }
        Ok(())
    }

    /// The note over the strip of unlinked papers, when there is one.
    fn draw_strip_note(&self, c: &Canvas, st: &Style, plan: &ClusterMapPlan) -> Result<()> {
        let small = TextSpec::new(st.small_size(), MUTED).align(HAlign::Left, VAlign::Top);
        if let Some((_, s0, _, _)) = plan.strip {
            let shown = plan.markers.iter().filter(|m| !m.linked).count();
            let unlinked = self.unlinked();
            let papers = crate::text::count(unlinked, "paper");
            let note = if shown < unlinked {
                format!("No similarity link ({papers}, {shown} shown):")
            } else {
                format!("No similarity link ({papers}):")
            };
            c.text(&note, plan.plot.0, s0 + st.gap(), &small)?;
        }
        Ok(())
    }

    /// The legend: headings, entries, notes.
    fn draw_legend(&self, c: &Canvas, st: &Style, legend: &LegendPlan) -> Result<()> {
        let small = TextSpec::new(st.small_size(), MUTED).align(HAlign::Left, VAlign::Top);
        let heading = TextSpec::new(st.tick_size(), TEXT)
            .bold()
            .align(HAlign::Left, VAlign::Top);
        for (text, x, y) in &legend.headings {
            c.text(text, *x, *y, &heading)?;
        }
        let key = Self::legend_key(st);
        let entry = TextSpec::new(st.tick_size(), TEXT).align(HAlign::Left, VAlign::Center);
        for item in &legend.items {
            match item.key {
                LegendKey::Colour => {
                    // A flat bar, unlike any marker shape (a square is a mechanism).
                    let (hw, hh) = (key / 2.0, key * 0.24);
                    let (x, y) = (item.x, item.y);
                    c.rect(x - hw, y - hh, x + hw, y + hh, item.color)?;
                    if let Some(outline) = outline_for(item.color) {
                        c.frame(x - hw, y - hh, x + hw, y + hh, st.thin(), outline)?;
                    }
                }
                LegendKey::Shape(shape) => {
                    draw_shape(c, st, shape, item.x, item.y, key * 0.36, item.color)?
                }
            }
            c.text(&item.label, item.x + key / 2.0 + st.gap(), item.y, &entry)?;
        }
        for (text, x, y) in &legend.notes {
            c.text(text, *x, *y, &small)?;
        }
        Ok(())
    }
}

/// A marker of `shape` with radius `r` centred on (x, y): a filled shape with a thin white edge
/// (so that overlapping markers stay apart), or a ring for foundations.
fn draw_shape(
    c: &Canvas,
    st: &Style,
    shape: Shape,
    x: f64,
    y: f64,
    r: f64,
    color: Rgb,
) -> Result<()> {
    let edge = ClusterMap::edge(st);
    let polygon = |points: &[(f64, f64)], grow: f64| -> Vec<(f64, f64)> {
        points
            .iter()
            .map(|&(dx, dy)| (x + dx * (r + grow), y + dy * (r + grow)))
            .collect()
    };
    // A Greek cross, arms 0.36 of the radius thick.
    const CROSS: [(f64, f64); 12] = [
        (-0.36, -1.0),
        (0.36, -1.0),
        (0.36, -0.36),
        (1.0, -0.36),
        (1.0, 0.36),
        (0.36, 0.36),
        (0.36, 1.0),
        (-0.36, 1.0),
        (-0.36, 0.36),
        (-1.0, 0.36),
        (-1.0, -0.36),
        (-0.36, -0.36),
    ];
    let unit: &[(f64, f64)] = match shape {
        Shape::Circle => {
            c.circle(x, y, r + edge, WHITE, None)?;
            return c.circle(x, y, r, color, None);
        }
        Shape::Ring => {
            c.circle(x, y, r + edge, WHITE, None)?;
            c.circle(x, y, r, color, None)?;
            return c.circle(x, y, (r * 0.55).max(r - st.px(6.0)), WHITE, None);
        }
        Shape::Square => &[(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)],
        Shape::Triangle => &[(0.0, -1.1), (1.0, 0.75), (-1.0, 0.75)],
        Shape::Diamond => &[(0.0, -1.15), (1.15, 0.0), (0.0, 1.15), (-1.15, 0.0)],
        Shape::InvertedTriangle => &[(0.0, 1.1), (1.0, -0.75), (-1.0, -0.75)],
        Shape::Cross => &CROSS,
    };
    c.polygon(&polygon(unit, edge), WHITE)?;
    c.polygon(&polygon(unit, 0.0), color)
}

/// The map's title, which its frame is placed under.
const TITLE: &str = "Cluster map (co-citation and coupling)";

impl Chart for ClusterMap {
    fn title(&self) -> String {
        TITLE.to_string()
    }

    fn caption(&self) -> String {
        let catalog = self
            .nodes
            .iter()
            .filter(|n| n.paper.in_catalog && n.drawn)
            .count();
        let mut caption = format!(
            "{catalog} catalogue papers and the top {} foundations (rings), placed by VOS \
             mapping of their similarity (Salton's co-citation cosine + Salton's coupling cosine, \
             each paper's 10 most similar kept, normalised by association strength): similar \
             papers sit together. Colour: cluster of this map's network (Leiden on the same \
             links, as VOSviewer; lettered by size, the {} with most papers, at least \
             {MIN_COLORED_PAPERS}, coloured, the rest gray; not the citation communities C0, \
             C1, ... of clusters.csv), each named on the map by its letter and most distinctive \
             title term, the key papers by their short names; size: PageRank rank; shape: \
             mechanism{}.",
            self.foundations,
            self.clusters.len(),
            if self.shape_legend.iter().any(|(_, s)| *s == Shape::Cross) {
                " (crosses: no mechanism badge)"
            } else {
                ""
            }
        );
        let unlinked = self.unlinked();
        if unlinked > 0 {
            caption.push_str(&format!(
                " {} no co-cited or coupled pair with another map paper and {} in the strip \
                 below.",
                match unlinked {
                    1 => "1 paper shares".to_string(),
                    n => format!("{n} papers share"),
                },
                if unlinked == 1 { "sits" } else { "sit" }
            ));
        }
        if let Some(hidden) = self.hidden {
            caption.push_str(&unspecified_hidden(hidden));
            caption
                .push_str(" The map is laid out with them, so the other papers keep their places.");
        }
        caption
    }

    fn empty_reason(&self) -> Option<&'static str> {
        (!self.has_map()).then_some("No two map papers are co-cited or share references.")
    }

    // The plan measures from the figure's top: its frame sits under the title (TITLE), at `top`.
    fn height_from(&self, st: &Style, _top: f64) -> f64 {
        self.plan(st).height
    }

    fn draw_body(&self, c: &Canvas, st: &Style, _top: f64) -> Result<()> {
        let (plan, legend) = self.plan_full(st);
        let (x0, y0, x1, y1) = plan.plot;
        c.frame(x0, y0, x1, y1, st.thin(), (0xD0, 0xD0, 0xD0))?;
        self.draw_markers(c, st, &plan)?;
        self.draw_paper_labels(c, st, &plan)?;
        self.draw_names(c, st, &plan)?;
        self.draw_strip_note(c, st, &plan)?;
        self.draw_legend(c, st, &legend)
    }
}
