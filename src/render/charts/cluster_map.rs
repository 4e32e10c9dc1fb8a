//! The cluster map (`figures/cluster-map`), in the manner of VOSviewer: the catalogue papers and
//! the top foundations placed by a layout of their co-citation and coupling similarity
//! ([`crate::analysis::MapNetwork`]), coloured by cluster (the Leiden community), sized by
//! PageRank rank, shaped by mechanism, each coloured cluster named on the map, with a legend.
//! The [`COLORED_CLUSTERS`] clusters with most map papers get a colour each, when they have at
//! least [`MIN_COLORED_PAPERS`]; the rest are gray.
//!
//! Layout: ForceAtlas2 (the `fa2` crate, as the report's interactive map; Jacomy et al. 2014,
//! PLoS ONE 9(6): e98679) on the papers with at least one similarity link, each link weighted by
//! its similarity (Salton's co-citation cosine + Salton's coupling cosine), strong gravity,
//! from start positions on a circle ordered by community, single-threaded, 300 iterations: the
//! same analysis gives the same map. The 2nd to 98th percentiles of each axis fill the plot and
//! the few papers beyond sit on its border. The plot is padded by the largest marker's reach (a
//! diamond's tips reach 1.15 radii) and its white edge, so every marker lies whole inside the
//! frame. Papers with no link are not laid out (they would
//! drift to the rim and shrink the rest): they sit in a strip under the map, counted in it.
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
//!
//! Legend: the cluster colours (a flat bar, unlike any marker shape, and the name; largest
//! first, then "N other clusters" in gray), the marker shapes in neutral gray (the four most
//! common mechanisms, "Other" mechanisms as circles, "Unspecified" (no mechanism badge) as
//! crosses, foundations as rings; only the shapes drawn), and the size rule. Under the map at one
//! column width (1050 px), the colours in two columns, the shapes in as many (up to three) as
//! fit; beside the map in one column when the figure is at least [`SIDE_LEGEND_MIN_WIDTH`] wide
//! (2100 px = 7 in has it). Legend names are the full names when they all fit, else each cluster's
//! first two terms, or its first where two do not fit.
//!
//! `--hide-unspecified`: the catalogue papers without a mechanism badge are not drawn and have no
//! legend entry (the other figures leave them out of their counts the same way); the layout and
//! the clusters' colours are computed with them, as without the flag, so that the other papers
//! keep their places and colours, and the caption and a note under the legend say how many were
//! left out.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;

use super::canvas::{cap_height, line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{darker, Palette, Rgb, MUTED, TEXT, WHITE};
use super::parts::{draw_empty, draw_title, empty_height, outline_for, title_height, Rect};
use super::style::Style;
use super::text::{fit_text, unspecified_hidden, unspecified_note, wrap_text};
use super::Chart;
use crate::analysis::{Analysis, PaperMetrics};
use crate::layout::force;
use crate::layout::labels::{segment_meets_box, segments_cross, Bounds, Candidates, Placement};
use crate::render::labels::{community_name, one_line};

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
/// Shape keys of the legend (shapes carry no colour).
const KEY_GRAY: Rgb = (0x55, 0x55, 0x55);

/// The mechanisms with a marker shape of their own (the most common ones, in palette order);
/// other mechanisms are circles, papers without a mechanism badge crosses.
const SHAPED_MECHANISMS: usize = 4;

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

const SHAPES: [Shape; SHAPED_MECHANISMS] = [
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
    Shape::InvertedTriangle,
];

/// One paper's marker, in figure pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedMarker {
    pub paper_id: String,
    /// Its cluster (Leiden community).
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
        Bounds {
            x0: self.x0,
            y0: self.y0,
            x1: self.x1,
            y1: self.y1,
        }
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

/// What a legend entry's key shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendKey {
    /// A colour swatch: a cluster, or the gray of the other clusters.
    Colour,
    /// A marker shape in neutral gray: a mechanism, no badge, or a foundation.
    Shape(Shape),
}

/// One legend entry, placed: its key centred on (x, y), its text to the right.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    /// The text as drawn.
    pub label: String,
    /// The cluster of a colour entry; None for the other clusters and for shapes.
    pub community: Option<u32>,
    pub key: LegendKey,
    pub color: Rgb,
    pub x: f64,
    pub y: f64,
}

/// Everything the map draws, placed: what the test reads to check the SVG.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterMapPlan {
    /// The drawn markers (papers hidden by `--hide-unspecified` are not in it).
    pub markers: Vec<PlacedMarker>,
    pub labels: Vec<PlacedLabel>,
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

/// The map of `analysis` at `width` pixels, placed but not drawn (for tests and the chart).
/// `palette` is the render's (`without_unspecified` under `--hide-unspecified`).
pub fn plan_cluster_map(analysis: &Analysis, palette: &Palette, width: u32) -> ClusterMapPlan {
    let st = Style::new(width);
    ClusterMap::new(analysis, palette).plan(&st)
}

struct Node {
    paper: MapPaper,
    shape: Shape,
    cluster_color: Rgb,
    linked: bool,
    /// False for a paper hidden by `--hide-unspecified`.
    drawn: bool,
}

/// What the map needs of a paper.
struct MapPaper {
    paper_id: String,
    community: u32,
    pagerank: f64,
    in_catalog: bool,
}

/// A coloured cluster.
struct ColoredCluster {
    community: u32,
    color: Rgb,
    /// As the communities figure names it.
    name: String,
    /// Its names at three lengths: full, two terms, one term ([`short_names`]).
    short_names: [String; 3],
}

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

/// The names of cluster `id` at three lengths: its full name (`C3: adaptive kv; caching
/// eviction (EvoViT)`), `C3: ` with its first two distinctive terms, `C3: ` with the first one.
/// A cluster named after a paper (no distinctive term) has its full name at every length.
fn short_names(analysis: &Analysis, id: u32) -> [String; 3] {
    let full = community_name(analysis, id);
    let terms_part = analysis
        .clusters
        .iter()
        .find(|c| c.community == id && !c.terms.is_empty())
        .map(|cluster| {
            // The label is `term; term (short name)`; terms are letters, digits and hyphens,
            // so the last " (" starts the short name.
            let label = one_line(&cluster.label);
            match label.rfind(" (") {
                Some(i) if label.ends_with(')') => label[..i].to_string(),
                _ => label,
            }
        });
    let terms: Vec<&str> = terms_part
        .as_deref()
        .unwrap_or("")
        .split("; ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if terms.is_empty() {
        return [full.clone(), full.clone(), full];
    }
    let two = format!("C{id}: {}", terms[..terms.len().min(2)].join("; "));
    let one = format!("C{id}: {}", terms[0]);
    [full, two, one]
}

/// The names of `clusters` for the legend, `width` wide at most: the full names when every one
/// fits (so that the entries read alike), else each with two terms, or one where two do not fit
/// (cut to fit when even that does not).
fn fitting_names(clusters: &[&ColoredCluster], size: f64, width: f64) -> Vec<String> {
    let fits = |name: &str| text_width(name, size, false) <= width;
    if clusters.iter().all(|c| fits(&c.short_names[0])) {
        return clusters.iter().map(|c| c.short_names[0].clone()).collect();
    }
    clusters
        .iter()
        .map(|c| {
            let name = if fits(&c.short_names[1]) {
                &c.short_names[1]
            } else {
                &c.short_names[2]
            };
            fit_text(name, size, false, width)
        })
        .collect()
}

/// The legend's entries and headings, placed.
struct LegendPlan {
    items: Vec<LegendItem>,
    /// (text, x, y of the capitals' top).
    headings: Vec<(String, f64, f64)>,
    /// Muted lines under the entries: the size rule, the hidden papers.
    notes: Vec<(String, f64, f64)>,
    bottom: f64,
}

impl ClusterMap {
    pub fn new(analysis: &Analysis, palette: &Palette) -> Self {
        let by_id: HashMap<&str, &PaperMetrics> = analysis
            .papers
            .iter()
            .map(|p| (p.paper_id.as_str(), p))
            .collect();
        let network = &analysis.map_network;
        let mut index = vec![None; network.papers.len()];
        let mut papers = Vec::new();
        for (i, id) in network.papers.iter().enumerate() {
            if let Some(p) = by_id.get(id.as_str()) {
                index[i] = Some(papers.len());
                papers.push(*p);
            }
        }
        let links: Vec<(usize, usize, f64)> = network
            .links
            .iter()
            .filter_map(|l| {
                let a = (*index.get(l.a as usize)?)?;
                let b = (*index.get(l.b as usize)?)?;
                let s = l.similarity();
                (a != b && s.is_finite() && s > 0.0).then_some((a, b, s))
            })
            .collect();
        let mut linked = vec![false; papers.len()];
        for &(a, b, _) in &links {
            linked[a] = true;
            linked[b] = true;
        }
        let hide = palette.hides_unspecified();
        let drawn: Vec<bool> = papers
            .iter()
            .map(|p| !(hide && p.in_catalog && Palette::is_unspecified(&p.mechanisms)))
            .collect();
        // Clusters by their number of map papers (hidden ones included, so that the flag does
        // not change the colours), then by number.
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        for p in &papers {
            *counts.entry(p.community).or_default() += 1;
        }
        let mut ranked: Vec<(u32, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let clusters: Vec<ColoredCluster> = ranked
            .iter()
            .take(COLORED_CLUSTERS)
            .filter(|&&(_, n)| n >= MIN_COLORED_PAPERS)
            .enumerate()
            .map(|(i, &(id, _))| ColoredCluster {
                community: id,
                color: CLUSTER_COLORS[i],
                name: community_name(analysis, id),
                short_names: short_names(analysis, id),
            })
            .collect();
        let color_of: HashMap<u32, Rgb> = clusters.iter().map(|c| (c.community, c.color)).collect();
        let mut group_shape: Vec<Option<Shape>> = vec![None; palette.groups.len()];
        for (g, group) in palette.groups.iter().enumerate().take(SHAPED_MECHANISMS) {
            // "Other" (several mechanisms) and "Unspecified" have no shape of their own.
            if group.members.len() == 1 && group.members[0] != crate::catalog::UNSPECIFIED {
                group_shape[g] = Some(SHAPES[g]);
            }
        }
        let nodes: Vec<Node> = papers
            .iter()
            .zip(&linked)
            .zip(&drawn)
            .map(|((&paper, &linked), &drawn)| {
                let shape = if !paper.in_catalog {
                    Shape::Ring
                } else if Palette::is_unspecified(&paper.mechanisms) {
                    Shape::Cross
                } else {
                    palette
                        .groups_of(&paper.mechanisms)
                        .first()
                        .and_then(|&g| group_shape.get(g).copied().flatten())
                        .unwrap_or(Shape::Circle)
                };
                Node {
                    paper: MapPaper {
                        paper_id: paper.paper_id.clone(),
                        community: paper.community,
                        pagerank: paper.pagerank,
                        in_catalog: paper.in_catalog,
                    },
                    shape,
                    cluster_color: color_of
                        .get(&paper.community)
                        .copied()
                        .unwrap_or(OTHER_CLUSTER),
                    linked,
                    drawn,
                }
            })
            .collect();
        // The legend lists the shapes that are drawn: the shaped mechanisms in palette order,
        // then other mechanisms, no badge, foundations.
        let used = |shape: Shape| nodes.iter().any(|n| n.drawn && n.shape == shape);
        let mut shape_legend = Vec::new();
        for (g, shape) in group_shape.iter().enumerate() {
            if let Some(shape) = *shape {
                if used(shape) {
                    shape_legend.push((palette.groups[g].label.clone(), shape));
                }
            }
        }
        for (shape, name) in [
            (Shape::Circle, "Other"),
            (Shape::Cross, "Unspecified"),
            (Shape::Ring, "Foundation"),
        ] {
            if used(shape) {
                shape_legend.push((name.to_string(), shape));
            }
        }
        let colored: Vec<u32> = clusters.iter().map(|c| c.community).collect();
        let mut other_ids: Vec<u32> = nodes
            .iter()
            .filter(|n| n.drawn && !colored.contains(&n.paper.community))
            .map(|n| n.paper.community)
            .collect();
        other_ids.sort_unstable();
        other_ids.dedup();
        let foundations = nodes.iter().filter(|n| !n.paper.in_catalog).count();
        let hidden = hide.then(|| nodes.iter().filter(|n| !n.drawn).count());
        let groups: Vec<u32> = nodes.iter().map(|n| n.paper.community).collect();
        let unit_positions = layout(&links, &linked, &groups);
        ClusterMap {
            nodes,
            links,
            clusters,
            others: other_ids.len(),
            shape_legend,
            foundations,
            hidden,
            unit_positions,
        }
    }

    fn has_map(&self) -> bool {
        !self.links.is_empty()
    }

    /// Unlinked papers that are drawn (in the strip).
    fn unlinked(&self) -> usize {
        self.nodes.iter().filter(|n| !n.linked && n.drawn).count()
    }

    fn radius_range(st: &Style) -> (f64, f64) {
        (st.px(7.0), st.px(22.0))
    }

    /// The white edge around every marker.
    fn edge(st: &Style) -> f64 {
        st.px(2.0).max(1.0)
    }

    /// Marker radii by PageRank rank among the map papers (the least influential smallest, the
    /// most influential largest, evenly between): PageRank spans orders of magnitude, and the
    /// foundations' would flatten every catalogue paper to one size on any value scale.
    fn radii(&self, st: &Style) -> Vec<f64> {
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
    fn side_legend(st: &Style) -> bool {
        st.width >= SIDE_LEGEND_MIN_WIDTH
    }

    /// The width of the side legend.
    fn side_legend_width(st: &Style) -> f64 {
        (st.width * 0.3).clamp(st.px(420.0), st.px(760.0))
    }

    /// The map's frame: the whole width at one column; beside the legend on a wide figure.
    fn plot_rect(st: &Style) -> Rect {
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
            y1: top + (x1 - x0) * 0.86,
        }
    }

    fn strip_step(st: &Style) -> f64 {
        st.px(22.0)
    }

    fn strip_per_row(st: &Style, plot: &Rect) -> usize {
        (plot.width() / Self::strip_step(st)).floor().max(1.0) as usize
    }

    fn strip_rows(&self, st: &Style, plot: &Rect) -> usize {
        match self.unlinked() {
            0 => 0,
            n => n.div_ceil(Self::strip_per_row(st, plot)).min(6),
        }
    }

    fn strip_height(&self, st: &Style, plot: &Rect) -> f64 {
        match self.strip_rows(st, plot) {
            0 => 0.0,
            rows => st.gap() + line_height(st.small_size()) + rows as f64 * Self::strip_step(st),
        }
    }

    fn legend_row(st: &Style) -> f64 {
        st.px(44.0)
    }

    fn legend_key(st: &Style) -> f64 {
        st.px(34.0)
    }

    fn legend_heading_height(st: &Style) -> f64 {
        cap_height(st.tick_size()) + st.px(20.0)
    }

    /// The legend placed in the area from `x0`, `width` wide, from `top` down: the clusters'
    /// colours (one column beside the map, two under it), then the shapes (as many columns, up
    /// to three, as their names fit), then the notes.
    fn plan_legend(&self, st: &Style, x0: f64, width: f64, top: f64) -> LegendPlan {
        let column_gap = st.px(30.0);
        let key = Self::legend_key(st);
        let column_width =
            |columns: usize| (width - (columns - 1) as f64 * column_gap) / columns as f64;
        let label_width = |columns: usize| column_width(columns) - key - st.gap();
        let size = st.tick_size();
        let row = Self::legend_row(st);
        let mut items = Vec::new();
        let mut headings = Vec::new();
        let mut y = top;
        // Entries fill a section column by column (top to bottom, then the next column), so
        // that the clusters read largest first down the first column.
        let mut section = |heading: &str,
                           entries: Vec<(String, Option<u32>, LegendKey, Rgb)>,
                           columns: usize,
                           y: &mut f64| {
            if entries.is_empty() {
                return;
            }
            headings.push((heading.to_string(), x0, *y));
            *y += Self::legend_heading_height(st);
            let rows = entries.len().div_ceil(columns);
            for (i, (label, community, key_kind, color)) in entries.into_iter().enumerate() {
                let (col, r) = (i / rows, i % rows);
                items.push(LegendItem {
                    label,
                    community,
                    key: key_kind,
                    color,
                    x: x0 + col as f64 * (column_width(columns) + column_gap) + key / 2.0,
                    y: *y + row * (r as f64 + 0.5),
                });
            }
            *y += rows as f64 * row + st.px(14.0);
        };
        let drawn_cluster = |community: u32| {
            self.nodes
                .iter()
                .any(|n| n.drawn && n.paper.community == community)
        };
        let columns = if Self::side_legend(st) { 1 } else { 2 };
        let shown: Vec<&ColoredCluster> = self
            .clusters
            .iter()
            .filter(|c| drawn_cluster(c.community))
            .collect();
        let names = fitting_names(&shown, size, label_width(columns));
        let mut colours: Vec<(String, Option<u32>, LegendKey, Rgb)> = shown
            .iter()
            .zip(names)
            .map(|(c, name)| (name, Some(c.community), LegendKey::Colour, c.color))
            .collect();
        if self.others > 0 {
            let text = match self.others {
                1 => "1 other cluster".to_string(),
                n => format!("{n} other clusters"),
            };
            colours.push((
                fit_text(&text, size, false, label_width(columns)),
                None,
                LegendKey::Colour,
                OTHER_CLUSTER,
            ));
        }
        section("Colour: cluster", colours, columns, &mut y);
        let widest = self
            .shape_legend
            .iter()
            .map(|(name, _)| text_width(name, size, false))
            .fold(0.0, f64::max);
        let columns = (1..=3)
            .rev()
            .find(|&c| widest <= label_width(c))
            .unwrap_or(1);
        let shapes = self
            .shape_legend
            .iter()
            .map(|(name, shape)| {
                (
                    fit_text(name, size, false, label_width(columns)),
                    None,
                    LegendKey::Shape(*shape),
                    KEY_GRAY,
                )
            })
            .collect();
        section("Shape: mechanism", shapes, columns, &mut y);
        let small = st.small_size();
        let mut notes = Vec::new();
        let mut note_text = vec!["Size: PageRank rank (larger = more influential).".to_string()];
        if let Some(hidden) = self.hidden {
            note_text.push(unspecified_note(hidden));
        }
        for text in note_text {
            for line in wrap_text(&text, small, false, width, 3) {
                notes.push((line, x0, y));
                y += line_height(small);
            }
        }
        LegendPlan {
            items,
            headings,
            notes,
            bottom: y,
        }
    }

    fn plan(&self, st: &Style) -> ClusterMapPlan {
        self.plan_full(st).0
    }

    fn plan_full(&self, st: &Style) -> (ClusterMapPlan, LegendPlan) {
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
        let plot = Self::plot_rect(st);
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
                    x: inner.x0 + u * inner.width(),
                    y: inner.y0 + v * inner.height(),
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
        let labels = self.place_labels(st, &plot, &markers);
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

    fn label_size(st: &Style) -> f64 {
        st.small_size()
    }

    /// Padding inside a name's box: (horizontal, vertical).
    fn label_padding(st: &Style) -> (f64, f64) {
        (st.px(8.0), st.px(4.0))
    }

    /// The anchor of each coloured cluster: its drawn, linked marker of highest Gaussian kernel
    /// density among the cluster's markers (ties to the first), in cluster order; None for a
    /// cluster with no such marker.
    fn anchors(&self, plot: &Rect, markers: &[PlacedMarker]) -> Vec<Option<(f64, f64)>> {
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
    fn place_labels(&self, st: &Style, plot: &Rect, markers: &[PlacedMarker]) -> Vec<PlacedLabel> {
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

/// ForceAtlas2 positions of the linked nodes in the unit square (NaN for the others); see the
/// module documentation.
fn layout(links: &[(usize, usize, f64)], linked: &[bool], group: &[u32]) -> Vec<(f64, f64)> {
    let n = linked.len();
    let mut positions = vec![(f64::NAN, f64::NAN); n];
    let members: Vec<usize> = (0..n).filter(|&i| linked[i]).collect();
    if members.is_empty() {
        return positions;
    }
    // The linked nodes renumbered in order, so that their start order by (group, index) is
    // the one of the whole map.
    let mut local = vec![usize::MAX; n];
    for (k, &i) in members.iter().enumerate() {
        local[i] = k;
    }
    let groups: Vec<u32> = members.iter().map(|&i| group[i]).collect();
    let edges: Vec<(usize, usize, f64)> = links
        .iter()
        .map(|&(a, b, s)| (local[a], local[b], s))
        .collect();
    let settings = force::ForceAtlas2 {
        iterations: 300,
        repulsion: force::Repulsion::Pairwise,
    };
    let unit = force::Fit::UnitSquare.apply(&settings.positions(&groups, &edges));
    for (k, &i) in members.iter().enumerate() {
        positions[i] = unit[k];
    }
    positions
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
            "{catalog} catalogue papers and the top {} foundations (rings), placed by \
             ForceAtlas2 on their similarity (Salton's co-citation cosine + Salton's coupling \
             cosine, each paper's 10 most similar kept): similar papers sit together. Colour: \
             cluster (Leiden community; the {} with most papers on the map, at least \
             {MIN_COLORED_PAPERS}, coloured, the rest gray), each named on the map by its id and first distinctive term at its densest \
             spot or joined to it by a leader line (full names in the communities figure and \
             clusters.csv); size: PageRank rank; shape: mechanism{}.",
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

    fn height(&self, st: &Style) -> f64 {
        self.plan(st).height
    }

    fn draw(&self, c: &Canvas, st: &Style) -> Result<()> {
        if !self.has_map() {
            return draw_empty(
                c,
                st,
                &self.title(),
                "No two map papers are co-cited or share references.",
            );
        }
        draw_title(c, st, &self.title())?;
        let (plan, legend) = self.plan_full(st);
        let (x0, y0, x1, y1) = plan.plot;
        c.frame(x0, y0, x1, y1, st.thin(), (0xD0, 0xD0, 0xD0))?;
        // Big markers first so that small ones stay visible; unlinked ones in the strip. The
        // markers that leader lines point at go last, over the line's end, so that each line
        // ends on a visible marker of its cluster.
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
        let color_of: HashMap<u32, Rgb> = self
            .clusters
            .iter()
            .map(|c| (c.community, c.color))
            .collect();
        let label_color =
            |community: u32| color_of.get(&community).copied().unwrap_or(OTHER_CLUSTER);
        for label in plan.labels.iter().filter(|l| l.leader) {
            let color = darker(label_color(label.community), 0.3);
            let start = label.nearest_point(label.anchor);
            c.polyline(&[start, label.anchor], st.line(), color)?;
        }
        for m in anchors {
            draw_shape(c, st, m.shape, m.x, m.y, m.radius, m.color)?;
        }
        let size = Self::label_size(st);
        let spec = TextSpec::new(size, TEXT)
            .bold()
            .align(HAlign::Center, VAlign::Center);
        for label in &plan.labels {
            let color = label_color(label.community);
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
            c.text(&note, x0, s0 + st.gap(), &small)?;
        }
        // The legend: headings, entries, notes.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Cluster, MapLink, MapNetwork};
    use crate::catalog::UNSPECIFIED;

    #[test]
    fn layout_is_deterministic_and_in_the_unit_square() {
        let links: Vec<(usize, usize, f64)> = (1..30).map(|i| (i, i / 2, 0.5)).collect();
        let mut linked = vec![true; 32];
        linked[30] = false;
        linked[31] = false;
        let groups: Vec<u32> = (0..32).map(|i| (i % 3) as u32).collect();
        let a = layout(&links, &linked, &groups);
        assert_eq!(a.len(), 32);
        let b = layout(&links, &linked, &groups);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        for (i, &(x, y)) in a.iter().enumerate() {
            if linked[i] {
                assert!(
                    (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y),
                    "{x},{y}"
                );
            } else {
                assert!(x.is_nan() && y.is_nan());
            }
        }
    }

    const MECHANISMS: [&str; 6] = [
        "token pruning",
        "token merging",
        UNSPECIFIED,
        "token caching",
        "early exit",
        "token sharing",
    ];

    /// `sizes.len()` clusters of catalogue papers (cluster c has `sizes[c]`), each a chain with
    /// links to the next two papers, the clusters joined by one weak link; labelled
    /// `t{c}a; t{c}b (S{c})`, except cluster 1, named after a paper (no term). Mechanisms turn
    /// through [`MECHANISMS`], so every fourth paper has none.
    fn synthetic(sizes: &[usize]) -> Analysis {
        let mut analysis = Analysis::default();
        let mut links = Vec::new();
        for (c, &size) in sizes.iter().enumerate() {
            let label = if c == 1 {
                "A paper about something".to_string()
            } else {
                format!("t{c}a; t{c}b (S{c})")
            };
            let terms = if c == 1 {
                Vec::new()
            } else {
                vec![(format!("t{c}a"), 9.0), (format!("t{c}b"), 5.0)]
            };
            analysis.clusters.push(Cluster {
                community: c as u32,
                size,
                label: label.clone(),
                terms,
                ..Cluster::default()
            });
            let first = analysis.papers.len() as u32;
            for k in 0..size {
                let i = analysis.papers.len();
                analysis.papers.push(PaperMetrics {
                    paper_id: format!("p{c:02}-{k:03}"),
                    community: c as u32,
                    community_label: label.clone(),
                    pagerank: ((i * 37) % 101) as f64 / 1000.0 + 0.001,
                    in_catalog: true,
                    mechanisms: vec![MECHANISMS[i % MECHANISMS.len()].to_string()],
                    ..PaperMetrics::default()
                });
                let i = i as u32;
                for step in 1..=2 {
                    if k + step < size {
                        links.push(MapLink {
                            a: i,
                            b: i + step as u32,
                            cocitation: 0.3,
                            coupling: 0.4 / step as f64,
                        });
                    }
                }
            }
            if c > 0 {
                links.push(MapLink {
                    a: first - 1,
                    b: first,
                    cocitation: 0.02,
                    coupling: 0.0,
                });
            }
        }
        links.sort_by_key(|l| (l.a, l.b));
        analysis.map_network = MapNetwork {
            papers: analysis.papers.iter().map(|p| p.paper_id.clone()).collect(),
            links,
        };
        analysis
    }

    /// What every plan must satisfy, whatever the data and width.
    fn check_plan(plan: &ClusterMapPlan, st: &Style) {
        let (x0, y0, x1, y1) = plan.plot;
        // Every marker whole inside the frame, white edge included.
        for m in plan.markers.iter().filter(|m| m.linked) {
            let reach = m.reach() + ClusterMap::edge(st);
            assert!(
                m.x - reach >= x0 && m.x + reach <= x1 && m.y - reach >= y0 && m.y + reach <= y1,
                "{m:?} is cut by the frame {:?}",
                plan.plot
            );
        }
        // Names: inside the plot, apart, near their anchor, which is a marker of their cluster.
        let near = NAME_MAX_DISTANCE * (x1 - x0).min(y1 - y0);
        for (i, label) in plan.labels.iter().enumerate() {
            assert!(
                label.x0 >= x0 && label.x1 <= x1 && label.y0 >= y0 && label.y1 <= y1,
                "{label:?} leaves the plot"
            );
            assert!(label.distance_to(label.anchor) <= near, "{label:?} is far");
            assert_eq!(label.leader, label.distance_to(label.anchor) > 0.0);
            assert!(plan
                .markers
                .iter()
                .any(|m| m.linked && m.community == label.community && (m.x, m.y) == label.anchor));
            for other in &plan.labels[i + 1..] {
                assert!(!label.overlaps(other), "{label:?} overlaps {other:?}");
            }
        }
        // The legend beside the map on a wide figure, under it otherwise; inside the figure.
        let (lx0, ly0, lx1, ly1) = plan.legend_area;
        if st.width >= SIDE_LEGEND_MIN_WIDTH {
            assert!(lx0 >= x1 && ly0 >= y0 - 1.0, "{:?}", plan.legend_area);
        } else {
            assert!(
                ly0 >= plan.strip.map_or(y1, |s| s.3),
                "{:?}",
                plan.legend_area
            );
        }
        assert!(lx1 <= st.width && ly1 <= plan.height);
        let key = ClusterMap::legend_key(st);
        for item in &plan.legend {
            let right =
                item.x + key / 2.0 + st.gap() + text_width(&item.label, st.tick_size(), false);
            assert!(
                item.x >= lx0 && right <= lx1 + 0.5,
                "{item:?} leaves the legend"
            );
            assert!(item.y >= ly0 && item.y <= ly1, "{item:?} leaves the legend");
        }
    }

    #[test]
    fn short_names_are_the_label_cut_to_its_terms() {
        let analysis = synthetic(&[3, 3, 3]);
        assert_eq!(
            short_names(&analysis, 2),
            ["C2: t2a; t2b (S2)", "C2: t2a; t2b", "C2: t2a"]
        );
        // A cluster without terms keeps its name (a title) at every length.
        let named = short_names(&analysis, 1);
        assert!(named.iter().all(|n| n == "C1: A paper about something"));
    }

    #[test]
    fn markers_stay_inside_names_stay_near_and_the_legend_follows_the_clusters() {
        ensure();
        // Ten clusters of distinct sizes: eight coloured, two gray; then two of two papers,
        // gray too however few clusters there are.
        let sizes: Vec<usize> = (0..10).map(|c| 40 - 3 * c).collect();
        let analysis = synthetic(&sizes);
        let palette = Palette::new(&analysis);
        for width in [1050, 2100] {
            let st = Style::new(width);
            let map = ClusterMap::new(&analysis, &palette);
            let plan = map.plan(&st);
            assert_eq!(plan.markers.len(), sizes.iter().sum::<usize>());
            check_plan(&plan, &st);
            assert_eq!(plan.labels.len(), COLORED_CLUSTERS);
            // The legend's colours: the eight largest clusters in order, in their markers'
            // colour, then the other two in gray.
            let colours: Vec<&LegendItem> = plan
                .legend
                .iter()
                .filter(|i| i.key == LegendKey::Colour)
                .collect();
            let ids: Vec<Option<u32>> = colours.iter().map(|i| i.community).collect();
            let mut expected: Vec<Option<u32>> = (0..8).map(Some).collect();
            expected.push(None);
            assert_eq!(ids, expected);
            for item in &colours {
                let community = item.community;
                assert!(plan
                    .markers
                    .iter()
                    .filter(|m| community.is_none_or(|c| m.community == c))
                    .filter(|m| community.is_some() || m.community >= 8)
                    .all(|m| m.color == item.color));
            }
            assert_eq!(colours[8].label, "2 other clusters");
            // Legend names: the full names when there is room for them all, else short ones.
            for item in colours.iter().take(8) {
                let c = item.community.unwrap();
                assert!(item.label.starts_with(&format!("C{c}: ")), "{item:?}");
            }
            // The names on the map are compact: id and first term.
            for label in &plan.labels {
                let c = label.community;
                assert_eq!(label.lines.len(), 1);
                let line = &label.lines[0];
                if c == 1 {
                    // Named after a paper: its title, cut to the box's width.
                    let cut = line.strip_suffix('…').unwrap_or(line);
                    assert!(label.name.starts_with(cut), "{line}");
                } else {
                    assert_eq!(line, &format!("C{c}: t{c}a"));
                }
            }
            // Shapes: one legend entry per drawn shape.
            let mut drawn: Vec<String> = plan
                .markers
                .iter()
                .map(|m| format!("{:?}", m.shape))
                .collect();
            drawn.sort();
            drawn.dedup();
            let mut listed: Vec<String> = plan
                .legend
                .iter()
                .filter_map(|i| match i.key {
                    LegendKey::Shape(s) => Some(format!("{s:?}")),
                    LegendKey::Colour => None,
                })
                .collect();
            listed.sort();
            assert_eq!(drawn, listed);
            assert!(listed.contains(&"Cross".to_string()));
            // The same analysis gives the same plan.
            assert_eq!(ClusterMap::new(&analysis, &palette).plan(&st), plan);
        }
    }

    #[test]
    fn the_narrowest_and_widest_figures_still_place_everything() {
        ensure();
        let analysis = synthetic(&[20, 12, 6]);
        let palette = Palette::new(&analysis);
        let map = ClusterMap::new(&analysis, &palette);
        for width in [200, 20_000] {
            let st = Style::new(width);
            let plan = map.plan(&st);
            assert_eq!(plan.markers.len(), 38);
            assert_eq!(plan.labels.len(), 3);
            let (x0, y0, x1, y1) = plan.plot;
            for m in &plan.markers {
                assert!(m.x > x0 && m.x < x1 && m.y > y0 && m.y.is_finite(), "{m:?}");
                assert!(m.linked == (m.y < y1), "{m:?}");
            }
            assert!(plan.height.is_finite() && plan.legend_area.2 <= st.width);
        }
    }

    #[test]
    fn a_paper_or_two_alone_are_no_coloured_cluster() {
        ensure();
        let analysis = synthetic(&[20, 12, 3, 2, 2]);
        let palette = Palette::new(&analysis);
        let st = Style::new(1050);
        let plan = ClusterMap::new(&analysis, &palette).plan(&st);
        check_plan(&plan, &st);
        let named: Vec<u32> = plan.labels.iter().map(|l| l.community).collect();
        assert_eq!(named, [0, 1, 2]);
        let legend: Vec<(Option<u32>, &str)> = plan
            .legend
            .iter()
            .filter(|i| i.key == LegendKey::Colour)
            .map(|i| (i.community, i.label.as_str()))
            .collect();
        assert_eq!(legend.len(), 4);
        assert_eq!(legend[3], (None, "2 other clusters"));
        assert!(plan
            .markers
            .iter()
            .filter(|m| m.community >= 3)
            .all(|m| m.color == OTHER_CLUSTER));
    }

    #[test]
    fn hide_unspecified_leaves_those_papers_out_and_the_rest_in_place() {
        ensure();
        let analysis = synthetic(&[30, 24, 18]);
        let palette = Palette::new(&analysis);
        let hidden_palette = palette.without_unspecified();
        let st = Style::new(1050);
        let shown = ClusterMap::new(&analysis, &palette);
        let hidden = ClusterMap::new(&analysis, &hidden_palette);
        let (all, some) = (shown.plan(&st), hidden.plan(&st));
        check_plan(&some, &st);
        let unspecified: Vec<&str> = analysis
            .papers
            .iter()
            .filter(|p| Palette::is_unspecified(&p.mechanisms))
            .map(|p| p.paper_id.as_str())
            .collect();
        assert!(!unspecified.is_empty());
        assert!(some
            .markers
            .iter()
            .all(|m| m.shape != Shape::Cross && !unspecified.contains(&m.paper_id.as_str())));
        assert!(some
            .legend
            .iter()
            .all(|i| i.key != LegendKey::Shape(Shape::Cross) && !i.label.contains("Unspecified")));
        assert!(all
            .legend
            .iter()
            .any(|i| i.key == LegendKey::Shape(Shape::Cross)));
        // The others keep their places.
        let kept: Vec<&PlacedMarker> = all
            .markers
            .iter()
            .filter(|m| !unspecified.contains(&m.paper_id.as_str()))
            .collect();
        assert_eq!(kept.len(), some.markers.len());
        for (a, b) in kept.iter().zip(&some.markers) {
            assert_eq!((&a.paper_id, a.x, a.y), (&b.paper_id, b.x, b.y));
        }
        let caption = hidden.caption();
        assert!(
            caption.contains(&format!(
                "{} papers without a mechanism badge",
                unspecified.len()
            )),
            "{caption}"
        );
        assert!(!shown.caption().contains("hidden"));
    }

    fn ensure() {
        super::super::style::ensure_fonts().unwrap();
    }
}
