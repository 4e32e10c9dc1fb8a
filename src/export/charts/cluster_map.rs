//! The cluster map (`figures/cluster-map`), in the manner of VOSviewer: the catalogue papers and
//! the top foundations placed by a layout of their co-citation and coupling similarity
//! ([`crate::analysis::MapNetwork`]), coloured by cluster (the Leiden community), sized by
//! PageRank, shaped by mechanism, with each cluster's name written at its centroid.
//!
//! Layout: ForceAtlas2 (the `fa2` crate, as the report's interactive map; Jacomy et al. 2014,
//! PLoS ONE 9(6): e98679) on the papers with at least one similarity link, each link weighted by
//! its similarity (Salton's co-citation cosine + Salton's coupling cosine), strong gravity,
//! from start positions on a circle ordered by community, single-threaded, 300 iterations: the
//! same analysis gives the same map. The 2nd to 98th percentiles of each axis fill the plot and
//! the few papers beyond sit on its border. Papers with no link are not laid out (they would
//! drift to the rim and shrink the rest): they sit in a strip under the map, counted in it.
//!
//! Names: each coloured cluster's name (as Fig. 6 gives it, `C2: terms (short name)`) on a
//! white backing framed in its colour, wrapped to at most three lines, centred on the centroid of its
//! placed papers; a name that would overlap a name already placed (largest clusters first) or
//! leave the plot is moved to the nearest free spot, searched outward from the centroid.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;

use super::canvas::{line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Palette, Rgb, MUTED, TEXT, WHITE};
use super::parts::{draw_empty, draw_title, empty_height, title_height, Rect};
use super::style::Style;
use super::text::wrap_text;
use super::Chart;
use crate::analysis::{Analysis, PaperMetrics};
use crate::export::labels::community_name;

/// Clusters that get a colour (and a name on the map), by their number of map papers.
pub const COLORED_CLUSTERS: usize = 8;

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

/// The mechanisms with a marker shape of their own (the most common ones, in palette order);
/// the others and papers without a mechanism are circles.
const SHAPED_MECHANISMS: usize = 4;

/// The shape of a paper's marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    InvertedTriangle,
    /// A foundation (not in the list): a ring.
    Ring,
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
    pub x: f64,
    pub y: f64,
    pub radius: f64,
    pub shape: Shape,
    pub color: (u8, u8, u8),
    /// False for a paper with no similarity link, drawn in the strip under the map.
    pub linked: bool,
}

/// One cluster's name on the map, with its box (backing included) in figure pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    pub community: u32,
    /// The lines as drawn.
    pub lines: Vec<String>,
    /// The full name (before wrapping).
    pub name: String,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl PlacedLabel {
    /// True when the two boxes share area.
    pub fn overlaps(&self, other: &PlacedLabel) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }
}

/// Everything the map draws, placed: what the test reads to check the SVG.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterMapPlan {
    pub markers: Vec<PlacedMarker>,
    pub labels: Vec<PlacedLabel>,
    /// The map's frame (x0, y0, x1, y1).
    pub plot: (f64, f64, f64, f64),
    /// The strip of unlinked papers (x0, y0, x1, y1), empty when there is none.
    pub strip: Option<(f64, f64, f64, f64)>,
    /// The figure's height in pixels.
    pub height: f64,
}

/// The map of `analysis` at `width` pixels, placed but not drawn (for tests and the chart).
pub fn plan_cluster_map(analysis: &Analysis, palette: &Palette, width: u32) -> ClusterMapPlan {
    let st = Style::new(width);
    ClusterMap::new(analysis, palette).plan(&st)
}

struct Node {
    paper: MapPaper,
    shape: Shape,
    cluster_color: Rgb,
    linked: bool,
}

/// What the map needs of a paper.
struct MapPaper {
    paper_id: String,
    community: u32,
    pagerank: f64,
    in_catalog: bool,
}

pub(super) struct ClusterMap {
    nodes: Vec<Node>,
    /// (a, b, similarity) between nodes.
    links: Vec<(usize, usize, f64)>,
    /// Coloured clusters: (community, colour, name, map papers), largest first.
    clusters: Vec<(u32, Rgb, String, usize)>,
    others: usize,
    shape_legend: Vec<(String, Shape)>,
    foundations: usize,
    /// Positions of the linked nodes in [0, 1] x [0, 1] (NaN for unlinked ones).
    unit_positions: Vec<(f64, f64)>,
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
        // Clusters by their number of map papers, then by number.
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        for p in &papers {
            *counts.entry(p.community).or_default() += 1;
        }
        let mut ranked: Vec<(u32, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let clusters: Vec<(u32, Rgb, String, usize)> = ranked
            .iter()
            .take(COLORED_CLUSTERS)
            .enumerate()
            .map(|(i, &(id, n))| (id, CLUSTER_COLORS[i], community_name(analysis, id), n))
            .collect();
        let others = ranked.len().saturating_sub(COLORED_CLUSTERS);
        let color_of: HashMap<u32, Rgb> = clusters.iter().map(|c| (c.0, c.1)).collect();
        let mut shape_legend = Vec::new();
        let mut group_shape: Vec<Option<Shape>> = vec![None; palette.groups.len()];
        for (g, group) in palette.groups.iter().enumerate().take(SHAPED_MECHANISMS) {
            // "Other" and "Unspecified" are circles, as are the mechanisms past the first few.
            if group.members.len() == 1 && group.members[0] != crate::catalog::UNSPECIFIED {
                group_shape[g] = Some(SHAPES[g]);
                shape_legend.push((group.label.clone(), SHAPES[g]));
            }
        }
        let nodes: Vec<Node> = papers
            .iter()
            .zip(&linked)
            .map(|(&paper, &linked)| {
                let shape = if !paper.in_catalog {
                    Shape::Ring
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
                }
            })
            .collect();
        let foundations = nodes.iter().filter(|n| !n.paper.in_catalog).count();
        let groups: Vec<u32> = nodes.iter().map(|n| n.paper.community).collect();
        let unit_positions = layout(&links, &linked, &groups);
        ClusterMap {
            nodes,
            links,
            clusters,
            others,
            shape_legend,
            foundations,
            unit_positions,
        }
    }

    fn has_map(&self) -> bool {
        !self.links.is_empty()
    }

    fn unlinked(&self) -> usize {
        self.nodes.iter().filter(|n| !n.linked).count()
    }

    fn radius_range(st: &Style) -> (f64, f64) {
        (st.px(7.0), st.px(22.0))
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

    fn plot_height(st: &Style) -> f64 {
        (st.width - 2.0 * st.margin()) * 0.86
    }

    fn strip_rows(&self, st: &Style) -> usize {
        let unlinked = self.unlinked();
        if unlinked == 0 {
            return 0;
        }
        let per_row = ((st.width - 2.0 * st.margin()) / Self::strip_step(st))
            .floor()
            .max(1.0) as usize;
        unlinked.div_ceil(per_row).min(6)
    }

    fn strip_step(st: &Style) -> f64 {
        st.px(22.0)
    }

    fn strip_height(&self, st: &Style) -> f64 {
        match self.strip_rows(st) {
            0 => 0.0,
            rows => st.gap() + line_height(st.small_size()) + rows as f64 * Self::strip_step(st),
        }
    }

    fn legend_rows(&self) -> usize {
        // Shapes (mechanisms) + the foundation ring, two a row; a line for the other clusters.
        let entries = self.shape_legend.len() + 1 + usize::from(self.foundations > 0);
        entries.div_ceil(2) + usize::from(self.others > 0)
    }

    fn legend_height(&self, st: &Style) -> f64 {
        st.px(24.0) + self.legend_rows() as f64 * st.px(46.0)
    }

    fn plan(&self, st: &Style) -> ClusterMapPlan {
        if !self.has_map() {
            return ClusterMapPlan {
                height: empty_height(st),
                ..ClusterMapPlan::default()
            };
        }
        let top = title_height(st);
        let plot = Rect {
            x0: st.margin(),
            y0: top,
            x1: st.width - st.margin(),
            y1: top + Self::plot_height(st),
        };
        let radii = self.radii(st);
        let (_, r_max) = Self::radius_range(st);
        let inner = Rect {
            x0: plot.x0 + r_max,
            y0: plot.y0 + r_max,
            x1: plot.x1 - r_max,
            y1: plot.y1 - r_max,
        };
        let mut markers = Vec::new();
        let mut strip_index = 0usize;
        let strip_top = plot.y1 + st.gap() + line_height(st.small_size());
        let step = Self::strip_step(st);
        let per_row = ((plot.width()) / step).floor().max(1.0) as usize;
        let max_strip = per_row * self.strip_rows(st);
        for (i, node) in self.nodes.iter().enumerate() {
            if node.linked {
                let (u, v) = self.unit_positions[i];
                markers.push(PlacedMarker {
                    paper_id: node.paper.paper_id.clone(),
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
        let strip = (self.strip_rows(st) > 0)
            .then(|| (plot.x0, plot.y1, plot.x1, plot.y1 + self.strip_height(st)));
        let labels = self.place_labels(st, &plot, &markers);
        let height = plot.y1 + self.strip_height(st) + self.legend_height(st) + st.margin();
        ClusterMapPlan {
            markers,
            labels,
            plot: (plot.x0, plot.y0, plot.x1, plot.y1),
            strip,
            height,
        }
    }

    fn label_size(st: &Style) -> f64 {
        st.small_size()
    }

    fn label_padding(st: &Style) -> f64 {
        st.px(7.0)
    }

    /// Each coloured cluster's name at the centroid of its placed papers, moved to the nearest
    /// free spot when it would overlap a name placed before it (largest clusters first).
    fn place_labels(&self, st: &Style, plot: &Rect, markers: &[PlacedMarker]) -> Vec<PlacedLabel> {
        let size = Self::label_size(st);
        let pad = Self::label_padding(st);
        let lh = line_height(size);
        let max_width = plot.width() * 0.42;
        let by_id: HashMap<&str, &PlacedMarker> =
            markers.iter().map(|m| (m.paper_id.as_str(), m)).collect();
        let mut placed: Vec<PlacedLabel> = Vec::new();
        for (community, _, name, _) in &self.clusters {
            let points: Vec<(f64, f64)> = self
                .nodes
                .iter()
                .filter(|n| n.linked && n.paper.community == *community)
                .filter_map(|n| by_id.get(n.paper.paper_id.as_str()))
                .map(|m| (m.x, m.y))
                .collect();
            if points.is_empty() {
                continue;
            }
            let cx = points.iter().map(|p| p.0).sum::<f64>() / points.len() as f64;
            let cy = points.iter().map(|p| p.1).sum::<f64>() / points.len() as f64;
            let lines = wrap_text(name, size, true, max_width, 3);
            let w = lines
                .iter()
                .map(|l| text_width(l, size, true))
                .fold(0.0, f64::max)
                + 2.0 * pad;
            let h = lh * lines.len() as f64 + 2.0 * pad;
            let boxed = |x: f64, y: f64| PlacedLabel {
                community: *community,
                lines: lines.clone(),
                name: name.clone(),
                x0: x - w / 2.0,
                y0: y - h / 2.0,
                x1: x + w / 2.0,
                y1: y + h / 2.0,
            };
            let inside = |l: &PlacedLabel| {
                l.x0 >= plot.x0 && l.x1 <= plot.x1 && l.y0 >= plot.y0 && l.y1 <= plot.y1
            };
            // Candidates outward from the centroid, clamped into the plot: rings of growing
            // radius, 16 directions each, the first free one wins.
            let clamp = |x: f64, y: f64| {
                (
                    x.clamp(
                        plot.x0 + w / 2.0,
                        (plot.x1 - w / 2.0).max(plot.x0 + w / 2.0),
                    ),
                    y.clamp(
                        plot.y0 + h / 2.0,
                        (plot.y1 - h / 2.0).max(plot.y0 + h / 2.0),
                    ),
                )
            };
            let free = |l: &PlacedLabel| inside(l) && placed.iter().all(|p| !p.overlaps(l));
            // Markers under a box: a name over its own papers hides them, so a nearby free spot
            // that covers fewer wins (each covered marker costs a box height of distance).
            let covered = |l: &PlacedLabel| {
                markers
                    .iter()
                    .filter(|m| {
                        m.x + m.radius > l.x0
                            && m.x - m.radius < l.x1
                            && m.y + m.radius > l.y0
                            && m.y - m.radius < l.y1
                    })
                    .count() as f64
            };
            let ring_step = h / 3.0;
            let near = 0.4 * plot.width().max(plot.height());
            let rings = (plot.width().max(plot.height()) / ring_step).ceil() as usize;
            let mut best: Option<(f64, PlacedLabel)> = None;
            let (x, y) = clamp(cx, cy);
            let first = boxed(x, y);
            if free(&first) {
                best = Some((covered(&first) * h, first));
            }
            for ring in 1..=rings {
                let r = ring as f64 * ring_step;
                if r > near && best.is_some() {
                    break;
                }
                for k in 0..16 {
                    let angle = std::f64::consts::TAU * k as f64 / 16.0;
                    let (x, y) = clamp(cx + r * angle.cos() * 1.6, cy + r * angle.sin());
                    let candidate = boxed(x, y);
                    if !free(&candidate) {
                        continue;
                    }
                    let distance = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
                    let cost = distance + covered(&candidate) * h;
                    if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                        best = Some((cost, candidate));
                    }
                }
            }
            // No free spot at all (a plot too small for the names): the centroid, overlapping.
            let chosen = best.map_or_else(|| boxed(x, y), |(_, l)| l);
            placed.push(chosen);
        }
        placed
    }

    fn draw_marker(c: &Canvas, st: &Style, m: &PlacedMarker) -> Result<()> {
        draw_shape(c, st, m.shape, m.x, m.y, m.radius, m.color)
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
    let edge = st.px(2.0).max(1.0);
    let polygon = |points: &[(f64, f64)], grow: f64| -> Vec<(f64, f64)> {
        points
            .iter()
            .map(|&(dx, dy)| (x + dx * (r + grow), y + dy * (r + grow)))
            .collect()
    };
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
    let mut local = vec![usize::MAX; n];
    let mut order = members.clone();
    order.sort_by_key(|&i| (group[i], i));
    for (k, &i) in members.iter().enumerate() {
        local[i] = k;
    }
    let m = members.len();
    let mut start = vec![(0.0f64, 0.0f64); m];
    for (rank, &i) in order.iter().enumerate() {
        let angle = rank as f64 / m as f64 * std::f64::consts::TAU;
        let radius = 100.0 * (1.0 + 0.25 * ((rank * 7919) % 13) as f64 / 13.0);
        start[local[i]] = (radius * angle.cos(), radius * angle.sin());
    }
    let mut data = fa2::FA2Data::<f64>::with_capacity(m, links.len());
    for &(x, y) in &start {
        data.add_node_with_position(x, y);
    }
    for &(a, b, s) in links {
        data.add_edge_with_weight(local[a], local[b], s);
    }
    let mut fa = fa2::FA2Settings::<f64>::from_graph_order(m)
        .parallel(false)
        .with_pairwise_repulsion()
        .build(data);
    fa.run(300);
    let raw: Vec<(f64, f64)> = fa
        .data()
        .positions()
        .map(|(x, y)| {
            if x.is_finite() && y.is_finite() {
                (x, y)
            } else {
                (0.0, 0.0)
            }
        })
        .collect();
    let range = |mut values: Vec<f64>| -> (f64, f64) {
        values.sort_by(f64::total_cmp);
        let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
        if values.len() < 20 {
            (values[0], values[values.len() - 1])
        } else {
            (at(0.02), at(0.98))
        }
    };
    let (x0, x1) = range(raw.iter().map(|p| p.0).collect());
    let (y0, y1) = range(raw.iter().map(|p| p.1).collect());
    let unit = |v: f64, lo: f64, hi: f64| {
        if hi - lo < 1e-9 {
            0.5
        } else {
            ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
        }
    };
    for (k, &i) in members.iter().enumerate() {
        positions[i] = (unit(raw[k].0, x0, x1), unit(raw[k].1, y0, y1));
    }
    positions
}

impl Chart for ClusterMap {
    fn title(&self) -> String {
        "Cluster map (co-citation and coupling)".to_string()
    }

    fn caption(&self) -> String {
        let catalog = self.nodes.iter().filter(|n| n.paper.in_catalog).count();
        let mut caption = format!(
            "{catalog} catalogue papers and the top {} foundations (rings), placed by \
             ForceAtlas2 on their similarity (Salton's co-citation cosine + Salton's coupling \
             cosine, each paper's 10 most similar kept): similar papers sit together. Colour: \
             cluster (Leiden community, named as in the communities figure; the {} largest on the \
             map coloured and named at their centroid); size: PageRank rank; shape: \
             mechanism.",
            self.foundations,
            self.clusters.len()
        );
        let unlinked = self.unlinked();
        if unlinked > 0 {
            caption.push_str(&format!(
                " {unlinked} papers share no co-cited or coupled pair with another map paper and \
                 sit in the strip below."
            ));
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
        let plan = self.plan(st);
        let (x0, y0, x1, y1) = plan.plot;
        c.frame(x0, y0, x1, y1, st.thin(), (0xD0, 0xD0, 0xD0))?;
        // Big markers first so that small ones stay visible; unlinked ones in the strip.
        let mut order: Vec<&PlacedMarker> = plan.markers.iter().collect();
        order.sort_by(|a, b| b.radius.total_cmp(&a.radius));
        for m in order {
            Self::draw_marker(c, st, m)?;
        }
        let size = Self::label_size(st);
        let pad = Self::label_padding(st);
        let lh = line_height(size);
        let color_of: HashMap<u32, Rgb> = self.clusters.iter().map(|c| (c.0, c.1)).collect();
        for label in &plan.labels {
            let color = color_of
                .get(&label.community)
                .copied()
                .unwrap_or(OTHER_CLUSTER);
            c.rect(label.x0, label.y0, label.x1, label.y1, WHITE)?;
            c.frame(label.x0, label.y0, label.x1, label.y1, st.line(), color)?;
            let spec = TextSpec::new(size, TEXT)
                .bold()
                .align(HAlign::Center, VAlign::Center);
            for (i, line) in label.lines.iter().enumerate() {
                let y = label.y0 + pad + lh * (i as f64 + 0.5);
                c.text(line, (label.x0 + label.x1) / 2.0, y, &spec)?;
            }
        }
        let small = TextSpec::new(st.small_size(), MUTED).align(HAlign::Left, VAlign::Top);
        let mut y = y1;
        if let Some((_, s0, _, s1)) = plan.strip {
            let shown = plan.markers.iter().filter(|m| !m.linked).count();
            let unlinked = self.unlinked();
            let note = if shown < unlinked {
                format!(
                    "No similarity link ({}, {shown} shown):",
                    crate::text::count(unlinked, "paper")
                )
            } else {
                format!(
                    "No similarity link ({}):",
                    crate::text::count(unlinked, "paper")
                )
            };
            c.text(&note, x0, s0 + st.gap(), &small)?;
            y = s1;
        }
        // Legend: the shapes (mechanisms), the ring (foundations), the gray (other clusters).
        let mut entries: Vec<(String, Shape, Rgb)> = self
            .shape_legend
            .iter()
            .map(|(name, shape)| (name.clone(), *shape, MUTED))
            .collect();
        entries.push(("Other mechanisms".to_string(), Shape::Circle, MUTED));
        if self.foundations > 0 {
            entries.push(("Foundation (not listed)".to_string(), Shape::Ring, MUTED));
        }
        let row = st.px(46.0);
        let column = (x1 - x0) / 2.0;
        let key = st.px(12.0);
        let spec = TextSpec::new(st.tick_size(), TEXT).align(HAlign::Left, VAlign::Center);
        let top = y + st.px(24.0);
        for (i, (name, shape, color)) in entries.iter().enumerate() {
            let x = x0 + column * (i % 2) as f64 + key;
            let cy = top + row * ((i / 2) as f64 + 0.5);
            draw_shape(c, st, *shape, x, cy, key, *color)?;
            let label = super::text::fit_text(name, st.tick_size(), false, column - 3.0 * key);
            c.text(&label, x + key * 2.0, cy, &spec)?;
        }
        if self.others > 0 {
            let cy = top + row * (entries.len().div_ceil(2) as f64 + 0.5);
            c.circle(x0 + key, cy, key, OTHER_CLUSTER, None)?;
            let text = format!("{} smaller clusters (gray)", self.others);
            c.text(&text, x0 + key * 3.0, cy, &spec)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
