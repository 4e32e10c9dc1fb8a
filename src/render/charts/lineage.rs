//! The lineage figure: the main path network of the catalogue (the global main path and the
//! key-route main paths, Liu & Lu 2012) as a timeline, x = publication year. Each paper is a dot
//! in its first mechanism's colour, labelled by its short name; main path edges are dark and
//! thick, key-route edges gray. The "evolution of the field" figure.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::Result;

use super::canvas::{line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Palette, Rgb, AXIS, TEXT, WHITE};
use super::scale::{nice_step, Scale, Tick};
use super::style::Style;
use super::text::wrap_words;
use super::widgets::{draw_x_axis, x_axis_height, AxisStyle, LegendBlock, Rect};
use super::Chart;
use crate::catalog::UNSPECIFIED;
use crate::render::labels::figure_paper_label as paper_label;
use crate::render::View;

const MAIN_EDGE: Rgb = (0x1A, 0x1A, 0x1A);
const ROUTE_EDGE: Rgb = (0xA0, 0xA0, 0xA0);

/// Papers further apart than this many years with none between them are drawn with the empty
/// years cut out of the axis (a break mark shows where), as Fig. 1 does: one 1999 paper must
/// not squeeze 2016-2025 into a corner.
pub(crate) const GAP_YEARS: i32 = 3;

/// The width, in years, a cut-out stretch of empty years keeps on the axis.
const BREAK_SPAN: f64 = 1.5;

/// The time axis: runs of years drawn to scale, with the long stretches of empty years between
/// them cut down to [`BREAK_SPAN`]. Positions are in axis units (years, less the cut-out ones).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YearAxis {
    /// Per run of years drawn to scale: (first year, last year, the first year's position).
    runs: Vec<(i32, i32, f64)>,
}

impl YearAxis {
    /// The axis for papers of these years (any order, repeats allowed): a new run starts
    /// after a gap of more than [`GAP_YEARS`] years.
    pub(crate) fn new(years: impl IntoIterator<Item = i32>) -> Self {
        let years: BTreeSet<i32> = years.into_iter().collect();
        let mut runs: Vec<(i32, i32, f64)> = Vec::new();
        for year in years {
            match runs.last_mut() {
                Some((_, last, _)) if year - *last <= GAP_YEARS => *last = year,
                Some(&mut (first, last, at)) => {
                    runs.push((year, year, at + f64::from(last - first) + BREAK_SPAN));
                }
                None => runs.push((year, year, 0.0)),
            }
        }
        YearAxis { runs }
    }

    /// The position of `year` on the axis (in its run, or after the run before it).
    pub(crate) fn position(&self, year: f64) -> f64 {
        let run = self
            .runs
            .iter()
            .rev()
            .find(|&&(first, _, _)| f64::from(first) <= year)
            .or(self.runs.first());
        match run {
            Some(&(first, _, at)) => at + (year - f64::from(first)),
            None => year,
        }
    }

    /// The axis's scale in positions, with a little room at either end.
    pub(crate) fn scale(&self) -> Scale {
        let end = self
            .runs
            .last()
            .map_or(0.0, |&(first, last, at)| at + f64::from(last - first));
        Scale::linear(-0.3, end + 0.3)
    }

    /// Where the axis is broken: the middle of each cut-out stretch, in positions.
    pub(crate) fn breaks(&self) -> Vec<f64> {
        self.runs
            .windows(2)
            .map(|w| {
                let (first, last, at) = w[0];
                (at + f64::from(last - first) + w[1].2) / 2.0
            })
            .collect()
    }

    /// Year ticks: multiples of a round step (1, 2, 5, 10 … years, about `max_ticks` over the
    /// axis) in every run, and a run's first year when no multiple falls in it; each at its
    /// position, labelled by its year.
    pub(crate) fn ticks(&self, max_ticks: usize) -> Vec<Tick> {
        let scale = self.scale();
        let step = nice_step(scale.hi - scale.lo, max_ticks).round().max(1.0) as i32;
        let mut ticks = Vec::new();
        for &(first, last, _) in &self.runs {
            let mut years: Vec<i32> = (first..=last).filter(|y| y.rem_euclid(step) == 0).collect();
            if years.is_empty() {
                years.push(first);
            }
            ticks.extend(years.into_iter().map(|year| Tick {
                value: self.position(f64::from(year)),
                label: year.to_string(),
            }));
        }
        ticks
    }
}

struct Node {
    id: String,
    label: String,
    year: i32,
    color: Rgb,
    on_main: bool,
}

pub(super) struct Lineage {
    nodes: Vec<Node>,
    /// (from, to, on the main path), indices into `nodes`.
    edges: Vec<(usize, usize, bool)>,
    legend: LegendBlock,
    routes: usize,
    /// `--hide-unspecified`: Unspecified has no legend entry (its papers stay on the path).
    hides_unspecified: bool,
}

impl Lineage {
    pub fn new(view: &View<'_>, groups: &Palette) -> Self {
        let time = &view.analysis.time;
        let mut pairs: BTreeMap<(&str, &str), bool> = BTreeMap::new();
        for e in time.lineage.iter().filter(|e| e.main_path) {
            pairs.insert((&e.source, &e.target), true);
        }
        for e in &time.key_routes {
            pairs.entry((&e.source, &e.target)).or_insert(false);
        }
        let ids: BTreeSet<&str> = pairs.keys().flat_map(|&(s, t)| [s, t]).collect();
        let mut nodes: Vec<Node> = ids
            .into_iter()
            .filter_map(|id| {
                let p = view.catalog_paper(id)?;
                let (label, _) = paper_label(p.abbreviation.as_deref(), &p.title, None);
                let first = p
                    .mechanisms
                    .first()
                    .map(String::as_str)
                    .unwrap_or(UNSPECIFIED);
                Some(Node {
                    id: id.to_string(),
                    label,
                    year: p.year?,
                    color: groups.color_of(first),
                    on_main: false,
                })
            })
            .collect();
        nodes.sort_by(|a, b| a.year.cmp(&b.year).then_with(|| a.id.cmp(&b.id)));
        let index: HashMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let edges: Vec<(usize, usize, bool)> = pairs
            .iter()
            .filter_map(|(&(s, t), &main)| Some((*index.get(s)?, *index.get(t)?, main)))
            .collect();
        for &(s, t, main) in &edges {
            if main {
                nodes[s].on_main = true;
                nodes[t].on_main = true;
            }
        }
        let mechanisms: Vec<&str> = ids_mechanisms(&nodes, view);
        let routes = time.key_routes.iter().map(|e| e.route).max().unwrap_or(0);
        Lineage {
            nodes,
            edges,
            legend: LegendBlock::new(
                super::widgets::swatches(groups.legend_for(mechanisms)),
                Some("First mechanism"),
            ),
            routes,
            hides_unspecified: groups.hides_unspecified(),
        }
    }

    fn lane_height(st: &Style) -> f64 {
        st.px(54.0)
    }

    /// The widest a label line may be: a third of the plot's width, at least 260 px; a
    /// two-column figure gives each label about twice the room of a one-column one.
    fn label_cap(st: &Style) -> f64 {
        (st.width * 0.34).max(st.px(260.0))
    }

    /// Lines a label may take.
    const LABEL_LINES: usize = 2;

    /// A node's label in `room` pixels: whole words on up to two lines, cut after a whole word
    /// with `…` only when two lines do not hold it.
    fn label_lines(&self, st: &Style, i: usize, room: f64) -> Vec<String> {
        let room = room.min(Self::label_cap(st)).max(st.px(60.0));
        wrap_words(
            &self.nodes[i].label,
            st.small_size(),
            room,
            Self::LABEL_LINES,
        )
    }

    /// What the two kinds of edge mean, for a figure that travels without its caption: the
    /// main path, and the key routes when any edge is on one only.
    fn path_key(&self) -> Vec<(&'static str, Rgb, bool)> {
        let mut key = vec![("Global main path", MAIN_EDGE, true)];
        if self.edges.iter().any(|&(_, _, main)| !main) {
            key.push(("Key-route main paths", ROUTE_EDGE, false));
        }
        key
    }

    /// The edge key's height: one row, or a row an entry when one row is wider than the
    /// figure (a narrow one).
    fn path_key_height(&self, st: &Style) -> f64 {
        st.px(52.0) * self.path_key_rows(st) as f64
    }

    fn path_key_line(st: &Style) -> f64 {
        st.px(56.0)
    }

    fn path_key_entry_width(st: &Style, label: &str) -> f64 {
        Self::path_key_line(st) + st.gap() + text_width(label, st.tick_size(), false)
    }

    fn path_key_rows(&self, st: &Style) -> usize {
        let key = self.path_key();
        let total = key
            .iter()
            .map(|(l, ..)| Self::path_key_entry_width(st, l))
            .sum::<f64>()
            + st.px(34.0) * key.len().saturating_sub(1) as f64;
        if total <= st.width - 2.0 * st.margin() {
            1
        } else {
            key.len().max(1)
        }
    }

    /// The edge key centred on `center_x` below `top` (kept inside the figure), on one row or
    /// a row an entry ([`Lineage::path_key_rows`]): a stroke as drawn in the plot, then its
    /// name.
    fn draw_path_key(&self, c: &Canvas, st: &Style, center_x: f64, top: f64) -> Result<()> {
        let key = self.path_key();
        let line = Self::path_key_line(st);
        let apart = st.px(34.0);
        let rows = self.path_key_rows(st);
        let widths: Vec<f64> = key
            .iter()
            .map(|(l, ..)| Self::path_key_entry_width(st, l))
            .collect();
        let block = if rows == 1 {
            widths.iter().sum::<f64>() + apart * key.len().saturating_sub(1) as f64
        } else {
            widths.iter().copied().fold(0.0, f64::max)
        };
        let left = (center_x - block / 2.0)
            .min(st.width - st.margin() - block)
            .max(st.margin());
        let row_height = st.px(52.0);
        let spec = TextSpec::new(st.tick_size(), TEXT).align(HAlign::Left, VAlign::Center);
        let mut x = left;
        for (k, (label, color, main)) in key.into_iter().enumerate() {
            let row = if rows == 1 { 0 } else { k };
            if rows > 1 {
                x = left;
            }
            let y = top + row_height * (row as f64 + 0.5);
            let width = if main { st.line() * 1.4 } else { st.thin() };
            c.polyline(&[(x, y), (x + line, y)], width, color)?;
            c.text(label, x + line + st.gap(), y, &spec)?;
            x += widths[k] + apart;
        }
        Ok(())
    }

    fn radius(st: &Style) -> f64 {
        st.px(11.0)
    }

    /// The time axis of the drawn papers.
    fn years(&self) -> YearAxis {
        YearAxis::new(self.nodes.iter().map(|n| n.year))
    }

    /// The x scale (in [`YearAxis`] positions) and the plot's horizontal extent.
    fn x_layout(&self, st: &Style) -> (Scale, f64, f64) {
        let x0 = st.margin() + st.px(20.0);
        let years = self.years();
        let scale = years.scale();
        // Room at the right for the labels, which extend right of their dots: each label as
        // wide as it is at the widest allowed (its lines at [`Lineage::label_cap`]), so that
        // late papers are not cut shorter than early ones. The plot's right end moves left
        // until every label fits (a few rounds settle it).
        let size = st.small_size();
        let right = st.width - st.margin();
        let needed: Vec<(f64, f64)> = (0..self.nodes.len())
            .map(|i| {
                let widest = self
                    .label_lines(st, i, Self::label_cap(st))
                    .iter()
                    .map(|line| text_width(line, size, false))
                    .fold(0.0, f64::max);
                (
                    years.position(f64::from(self.nodes[i].year)),
                    widest + Self::radius(st),
                )
            })
            .collect();
        let min_x1 = x0 + (right - x0) * 0.45;
        let mut x1 = right - st.px(80.0);
        for _ in 0..4 {
            let overflow = needed
                .iter()
                .map(|&(at, width)| scale.map(at, x0, x1) + width - right)
                .fold(0.0, f64::max);
            if overflow <= 0.5 {
                break;
            }
            x1 = (x1 - overflow).max(min_x1);
        }
        (scale, x0, x1)
    }

    /// Where each node and its label go: its lane (0 at the top), its label's lines, and the
    /// top of each lane (the last entry is the bottom of the last lane). Main path nodes are
    /// placed first, then the others, each in time order; a node takes the lane nearest to its
    /// already placed neighbours' (the main path stays a smooth line) among those where no
    /// label or dot is in its way. A lane is as tall as its tallest label needs.
    fn layout(&self, st: &Style) -> LaneLayout {
        let (scale, x0, x1) = self.x_layout(st);
        let years = self.years();
        let size = st.small_size();
        let right = st.width - st.margin();
        let mut lane = vec![usize::MAX; self.nodes.len()];
        let mut lines: Vec<Vec<String>> = vec![Vec::new(); self.nodes.len()];
        let mut occupied: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut lane_lines: Vec<usize> = Vec::new();
        let order: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].on_main)
            .chain((0..self.nodes.len()).filter(|&i| !self.nodes[i].on_main))
            .collect();
        for i in order {
            let node = &self.nodes[i];
            let x = scale.map(years.position(f64::from(node.year)), x0, x1);
            let label_x = x + Self::radius(st) * 0.7;
            let label = self.label_lines(st, i, right - label_x);
            let width = label
                .iter()
                .map(|l| text_width(l, size, false))
                .fold(0.0, f64::max);
            let span = (x - st.px(14.0), label_x + width + st.px(8.0));
            let placed: Vec<f64> = self
                .edges
                .iter()
                .filter_map(|&(s, t, _)| match (s == i, t == i) {
                    (true, _) => Some(t),
                    (_, true) => Some(s),
                    _ => None,
                })
                .filter(|&j| lane[j] != usize::MAX)
                .map(|j| lane[j] as f64)
                .collect();
            let preferred = if placed.is_empty() {
                0.0
            } else {
                placed.iter().sum::<f64>() / placed.len() as f64
            };
            let free = |l: usize| {
                occupied
                    .get(l)
                    .is_none_or(|spans| spans.iter().all(|&(a, b)| span.1 < a || span.0 > b))
            };
            let l = (0..=occupied.len())
                .filter(|&l| free(l))
                .min_by(|&a, &b| {
                    (a as f64 - preferred)
                        .abs()
                        .total_cmp(&(b as f64 - preferred).abs())
                        .then(b.cmp(&a))
                })
                .unwrap_or(occupied.len());
            if l == occupied.len() {
                occupied.push(Vec::new());
                lane_lines.push(1);
            }
            occupied[l].push(span);
            lane_lines[l] = lane_lines[l].max(label.len());
            lane[i] = l;
            lines[i] = label;
        }
        if lane_lines.is_empty() {
            lane_lines.push(1);
        }
        let extra = line_height(size);
        let mut lane_top = vec![0.0];
        for &n in &lane_lines {
            let last = lane_top.last().copied().unwrap_or(0.0);
            lane_top.push(last + Self::lane_height(st) + extra * n.saturating_sub(1) as f64);
        }
        LaneLayout {
            lane,
            lines,
            lane_top,
        }
    }
}

/// Where [`Lineage::layout`] puts the nodes.
struct LaneLayout {
    lane: Vec<usize>,
    lines: Vec<Vec<String>>,
    /// The top of each lane from the plot's top, and the bottom of the last one.
    lane_top: Vec<f64>,
}

impl LaneLayout {
    fn height(&self) -> f64 {
        self.lane_top.last().copied().unwrap_or(0.0)
    }
}

/// `ticks` less those whose label would touch the one before it at this plot's width.
fn spaced_ticks(ticks: Vec<Tick>, scale: &Scale, plot: &Rect, st: &Style) -> Vec<Tick> {
    let size = st.tick_size();
    let mut kept: Vec<Tick> = Vec::new();
    let mut right_of_last = f64::NEG_INFINITY;
    for tick in ticks {
        let x = scale.map(tick.value, plot.x0, plot.x1);
        let half = text_width(&tick.label, size, false) / 2.0;
        if x - half >= right_of_last + st.gap() {
            right_of_last = x + half;
            kept.push(tick);
        }
    }
    kept
}

/// An axis break at x on the axis line at y: a white gap crossed by two slanted strokes, the
/// mark Fig. 1 uses.
fn draw_axis_break(c: &Canvas, st: &Style, x: f64, y: f64) -> Result<()> {
    let (half, rise, apart) = (st.px(5.0), st.px(9.0), st.px(4.0));
    c.rect(x - apart, y - rise, x + apart, y + rise, WHITE)?;
    for dx in [-apart, apart] {
        c.polyline(
            &[
                (x + dx - half * 0.5, y + rise),
                (x + dx + half * 0.5, y - rise),
            ],
            st.line(),
            AXIS,
        )?;
    }
    Ok(())
}

/// The mechanisms of the drawn nodes, for the legend.
fn ids_mechanisms<'a>(nodes: &[Node], view: &View<'a>) -> Vec<&'a str> {
    nodes
        .iter()
        .filter_map(|n| view.catalog_paper(&n.id))
        .map(|p| {
            p.mechanisms
                .first()
                .map(String::as_str)
                .unwrap_or(UNSPECIFIED)
        })
        .collect()
}

impl Chart for Lineage {
    fn title(&self) -> String {
        "Main path of the field".to_string()
    }

    fn caption(&self) -> String {
        let main = self.nodes.iter().filter(|n| n.on_main).count();
        let mut caption = format!(
            "The lineage of the catalogue: citations among catalogue papers, from the cited paper \
             to the citing one, kept when the cited paper is earlier by (year, paper id). Black: \
             the global main path ({main} papers), the source-to-sink path with the largest sum \
             of search path counts (Liu & Lu 2012); gray: the key-route main paths through the \
             {} edges of largest search path count. Papers are placed by year and coloured by \
             their first mechanism.",
            self.routes
        );
        if self.hides_unspecified {
            caption.push_str(
                " Unspecified is hidden from the legend; papers without a mechanism badge stay \
                 on the paths (a path is not cut), drawn light gray.",
            );
        }
        caption
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        let plot = self.legend.plot_style(st);
        let body = st.px(20.0)
            + self.layout(&plot).height()
            + x_axis_height(st, true)
            + self.path_key_height(&plot);
        top + body.max(self.legend.side_height(st)) + self.legend.below_height(st) + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.nodes
            .is_empty()
            .then_some("No main path: no catalogue paper with a year cites an earlier one.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let full = *st;
        let st = &self.legend.plot_style(st);
        let (scale, x0, x1) = self.x_layout(st);
        let layout = self.layout(st);
        let plot = Rect {
            x0,
            y0: top + st.px(20.0),
            x1,
            y1: top + st.px(20.0) + layout.height(),
        };
        let years = self.years();
        let ticks = spaced_ticks(years.ticks(8), &scale, &plot, st);
        let axis = AxisStyle::grid();
        draw_x_axis(c, st, &plot, &scale, &ticks, "Publication year", axis)?;
        for at in years.breaks() {
            draw_axis_break(c, st, scale.map(at, x0, x1), plot.y1)?;
        }
        let size = st.small_size();
        let lh = line_height(size);
        // A dot sits at the bottom of its lane's label room: one lane height below the lane's
        // top, less the extra lines of the lane's tallest label.
        let at = |i: usize| {
            let l = layout.lane[i];
            let (lane_top, lane_bottom) = (layout.lane_top[l], layout.lane_top[l + 1]);
            (
                scale.map(years.position(f64::from(self.nodes[i].year)), x0, x1),
                plot.y0 + lane_bottom - (lane_bottom - lane_top).min(Self::lane_height(st)) * 0.5,
            )
        };
        // Key routes under the main path.
        for main in [false, true] {
            for &(s, t, on_main) in self.edges.iter().filter(|e| e.2 == main) {
                let (color, width) = if on_main {
                    (MAIN_EDGE, st.line() * 1.4)
                } else {
                    (ROUTE_EDGE, st.thin())
                };
                c.polyline(&[at(s), at(t)], width, color)?;
            }
        }
        let spec = TextSpec::new(size, TEXT).align(HAlign::Left, VAlign::Baseline);
        let radius = Self::radius(st);
        for (i, node) in self.nodes.iter().enumerate() {
            let (x, y) = at(i);
            let outline = if node.on_main { MAIN_EDGE } else { ROUTE_EDGE };
            c.circle(x, y, radius, node.color, Some(outline))?;
            // Above the line of the dot, so that a horizontal edge does not run through it;
            // the last line just above the dot, the first ones above it.
            let lines = &layout.lines[i];
            for (k, line) in lines.iter().enumerate() {
                let up = (lines.len() - 1 - k) as f64 * lh;
                c.text(line, x + radius * 0.7, y - radius - st.px(3.0) - up, &spec)?;
            }
        }
        let key_top = plot.y1 + x_axis_height(st, true);
        self.draw_path_key(c, st, (plot.x0 + plot.x1) / 2.0, key_top)?;
        self.legend
            .draw_placed(c, &full, plot.y0, key_top + self.path_key_height(st))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_empty_stretch_is_cut_to_a_break() {
        let axis = YearAxis::new([2016, 1999, 2025, 2018, 2016, 2020, 2023]);
        // 1999 alone, then 2016-2025 (gaps of at most 3 years stay to scale).
        assert_eq!(
            axis,
            YearAxis {
                runs: vec![(1999, 1999, 0.0), (2016, 2025, BREAK_SPAN)]
            }
        );
        assert_eq!(axis.position(1999.0), 0.0);
        assert_eq!(axis.position(2016.0), BREAK_SPAN);
        assert_eq!(axis.position(2025.0), BREAK_SPAN + 9.0);
        assert_eq!(axis.breaks(), vec![BREAK_SPAN / 2.0]);
        // The lone year keeps a tick of its own; the run gets round years.
        let ticks: Vec<String> = axis.ticks(8).into_iter().map(|t| t.label).collect();
        assert_eq!(ticks.first().map(String::as_str), Some("1999"));
        assert!(ticks.contains(&"2020".to_string()), "{ticks:?}");
    }

    #[test]
    fn short_gaps_stay_to_scale() {
        let axis = YearAxis::new([2010, 2013, 2016]);
        assert!(axis.breaks().is_empty());
        assert_eq!(axis.position(2016.0) - axis.position(2010.0), 6.0);
        // One more empty year than allowed: cut.
        let cut = YearAxis::new([2010, 2010 + GAP_YEARS + 1]);
        assert_eq!(cut.breaks().len(), 1);
        assert_eq!(cut.position(f64::from(2011 + GAP_YEARS)), BREAK_SPAN);
        // Nothing, or one year: no break, a scale of its own.
        assert!(YearAxis::new([]).breaks().is_empty());
        let one = YearAxis::new([2020]);
        assert!(one.scale().hi > one.scale().lo);
    }
}
