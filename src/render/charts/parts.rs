//! Pieces the figures share: the title, legends, numeric and log axes, heat maps, lists of
//! horizontal bars, and the page for a figure with nothing to show.

use anyhow::Result;

use super::axis::{linear_ticks, nice_max, nice_step, Scale, Tick};
use super::canvas::{cap_height, line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{
    darker, luminance, sequential, text_on, Rgb, AXIS, EMPTY_CELL, GRID, MUTED, TEXT, WHITE,
};
use super::style::Style;
use super::text::{fit_labels, fit_text, wrap_text, wrap_text_complete, wrap_with_suffix};

/// A rectangle in pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// The title's lines at this width: whole on one line when it fits, else over two lines of
/// whole words, the second cut after a whole word with `…` only when two do not hold it.
fn title_lines(st: &Style, title: &str) -> Vec<String> {
    let room = st.width - 2.0 * st.margin();
    let size = st.title_size();
    if text_width(title, size, true) <= room {
        return vec![title.to_string()];
    }
    let lines = wrap_text(title, size, true, room, 2);
    if lines.iter().all(|l| text_width(l, size, true) <= room) {
        lines
    } else {
        vec![fit_text(title, size, true, room)]
    }
}

/// Height of the title block at the top of every figure: a line more when the title takes two
/// at this width ([`draw_title`]).
pub(crate) fn title_height(st: &Style, title: &str) -> f64 {
    let extra = title_lines(st, title).len().saturating_sub(1) as f64;
    st.margin() + cap_height(st.title_size()) + st.px(34.0) + extra * line_height(st.title_size())
}

/// The figure's title, centred at the top, wrapped over two lines of whole words when the
/// figure is too narrow for one; returns the height it takes ([`title_height`]).
pub(crate) fn draw_title(c: &Canvas, st: &Style, title: &str) -> Result<f64> {
    let size = st.title_size();
    let spec = TextSpec::new(size, TEXT)
        .bold()
        .align(HAlign::Center, VAlign::Top);
    for (i, line) in title_lines(st, title).iter().enumerate() {
        let y = st.margin() + line_height(size) * i as f64;
        c.text(line, st.width / 2.0, y, &spec)?;
    }
    Ok(title_height(st, title))
}

/// Height of a figure that only says why it is empty.
pub(crate) fn empty_height(st: &Style) -> f64 {
    st.px(420.0)
}

/// A figure with nothing to draw: the title and, in the middle, why.
pub(crate) fn draw_empty(c: &Canvas, st: &Style, title: &str, why: &str) -> Result<()> {
    let top = draw_title(c, st, title)?;
    let area = Rect {
        x0: st.margin(),
        y0: top,
        x1: st.width - st.margin(),
        y1: c.height - st.margin(),
    };
    c.frame(area.x0, area.y0, area.x1, area.y1, st.thin(), GRID)?;
    let size = st.label_size();
    let lines = wrap_text(why, size, false, area.width() - 4.0 * st.gap(), 3);
    let lh = line_height(size);
    let first = (area.y0 + area.y1) / 2.0 - lh * (lines.len() as f64 - 1.0) / 2.0;
    let spec = TextSpec::new(size, MUTED).align(HAlign::Center, VAlign::Center);
    for (i, line) in lines.iter().enumerate() {
        c.text(line, st.width / 2.0, first + lh * i as f64, &spec)?;
    }
    Ok(())
}

/// The lines of a note under a plot: each of its `\n`-separated sentences wrapped to the
/// figure's width, at most three lines each.
fn note_lines(st: &Style, note: &str) -> Vec<String> {
    let width = st.width - 2.0 * st.margin();
    note.split('\n')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .flat_map(|part| wrap_text(part, st.small_size(), false, width, 3))
        .collect()
}

/// Height of a note under a plot ([`draw_note`]); 0 for no note.
pub(crate) fn note_height(st: &Style, note: &str) -> f64 {
    match note_lines(st, note).len() {
        0 => 0.0,
        n => line_height(st.small_size()) * n as f64 + st.px(10.0),
    }
}

/// A note in small muted type, centred and wrapped, its first line's capitals' top at `y` (what
/// a hidden group or a partial year means, for a figure that travels without its caption).
pub(crate) fn draw_note(c: &Canvas, st: &Style, note: &str, y: f64) -> Result<()> {
    let size = st.small_size();
    let spec = TextSpec::new(size, MUTED).align(HAlign::Center, VAlign::Top);
    for (i, line) in note_lines(st, note).iter().enumerate() {
        let top = y + st.px(10.0) + line_height(size) * i as f64;
        c.text(line, st.width / 2.0, top, &spec)?;
    }
    Ok(())
}

/// A sub-heading inside a figure (a panel's name), left-aligned at `x`; returns its height.
pub(crate) fn draw_heading(c: &Canvas, st: &Style, text: &str, x: f64, y: f64) -> Result<f64> {
    let size = st.label_size();
    let text = fit_text(text, size, true, st.width - x - st.margin());
    let spec = TextSpec::new(size, TEXT)
        .bold()
        .align(HAlign::Left, VAlign::Top);
    c.text(&text, x, y, &spec)?;
    Ok(heading_height(st))
}

pub(crate) fn heading_height(st: &Style) -> f64 {
    cap_height(st.label_size()) + st.px(22.0)
}

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Swatch,
    /// A white swatch with diagonal hatching in the entry's colour.
    Hatch,
    /// A swatch of the entry's colour with white diagonal stripes and a dark outline (a bar
    /// whose count is not final, such as the current year's).
    Striped,
    Circle,
    Triangle,
}

#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub label: String,
    pub color: Rgb,
    pub marker: Marker,
}

/// Legend entries for (label, colour) swatches, such as [`super::palette::Palette::legend_for`]
/// gives.
pub(crate) fn swatches(pairs: Vec<(String, Rgb)>) -> Vec<LegendEntry> {
    pairs
        .into_iter()
        .map(|(label, color)| LegendEntry::swatch(&label, color))
        .collect()
}

impl LegendEntry {
    pub fn swatch(label: &str, color: Rgb) -> Self {
        LegendEntry {
            label: label.to_string(),
            color,
            marker: Marker::Swatch,
        }
    }
}

/// Where a legend's entries go: as many columns as fit, filled top to bottom.
#[derive(Debug, Clone)]
pub(crate) struct LegendLayout {
    pub rows: usize,
    pub column_width: f64,
    pub label_width: f64,
    pub width: f64,
    pub height: f64,
}

fn legend_row_height(st: &Style) -> f64 {
    st.px(46.0)
}

fn legend_key_width(st: &Style) -> f64 {
    st.px(34.0)
}

pub(crate) fn legend_layout(st: &Style, entries: &[LegendEntry], max_width: f64) -> LegendLayout {
    if entries.is_empty() {
        return LegendLayout {
            rows: 0,
            column_width: 0.0,
            label_width: 0.0,
            width: 0.0,
            height: 0.0,
        };
    }
    let size = st.tick_size();
    let key = legend_key_width(st) + st.gap();
    let column_gap = st.px(34.0);
    let widest = entries
        .iter()
        .map(|e| text_width(&e.label, size, false))
        .fold(0.0, f64::max);
    let n = entries.len();
    // The most columns that fit; then as few as give the same number of rows, so that the
    // columns come out balanced.
    let mut columns = 1;
    for cols in (1..=n.min(4)).rev() {
        let width = cols as f64 * (key + widest) + (cols - 1) as f64 * column_gap;
        if width <= max_width {
            columns = cols;
            break;
        }
    }
    let rows = n.div_ceil(columns);
    let columns = n.div_ceil(rows);
    let label_width =
        widest.min((max_width - (columns - 1) as f64 * column_gap) / columns as f64 - key);
    let column_width = key + label_width;
    LegendLayout {
        rows,
        column_width,
        label_width,
        width: columns as f64 * column_width + (columns - 1) as f64 * column_gap,
        height: rows as f64 * legend_row_height(st),
    }
}

/// Draws a legend with its top edge at `top`, centred on `center_x`.
pub(crate) fn draw_legend(
    c: &Canvas,
    st: &Style,
    entries: &[LegendEntry],
    layout: &LegendLayout,
    center_x: f64,
    top: f64,
) -> Result<()> {
    let size = st.tick_size();
    let column_gap = st.px(34.0);
    let left = center_x - layout.width / 2.0;
    let key = legend_key_width(st);
    for (i, entry) in entries.iter().enumerate() {
        let (col, row) = (i / layout.rows.max(1), i % layout.rows.max(1));
        let x = left + col as f64 * (layout.column_width + column_gap);
        let y = top + (row as f64 + 0.5) * legend_row_height(st);
        draw_marker(c, st, entry.marker, x + key / 2.0, y, key, entry.color)?;
        let label = fit_text(&entry.label, size, false, layout.label_width);
        let spec = TextSpec::new(size, TEXT).align(HAlign::Left, VAlign::Center);
        c.text(&label, x + key + st.gap(), y, &spec)?;
    }
    Ok(())
}

/// The least width a plot keeps beside a legend: narrower figures put the legend below.
pub(crate) const SIDE_LEGEND_MIN_PLOT: f64 = 1350.0;

/// A legend under a plot, with an optional title above its entries, as wide as the figure; or,
/// in a figure wide enough, beside the plot in one column ([`LegendBlock::draw_placed`]).
#[derive(Debug, Clone)]
pub(crate) struct LegendBlock {
    pub entries: Vec<LegendEntry>,
    pub title: Option<String>,
    /// May go beside the plot when the figure is wide enough; a figure whose labels need all
    /// of its width turns this off ([`LegendBlock::keep_below`]).
    pub may_go_beside: bool,
}

impl LegendBlock {
    pub fn new(entries: Vec<LegendEntry>, title: Option<&str>) -> Self {
        LegendBlock {
            entries,
            title: title.map(str::to_string),
            may_go_beside: true,
        }
    }

    /// The same legend, kept below the plot whatever the width.
    pub fn keep_below(mut self) -> Self {
        self.may_go_beside = false;
        self
    }

    fn gap(st: &Style) -> f64 {
        st.px(30.0)
    }

    fn title_height(&self, st: &Style) -> f64 {
        match self.title {
            Some(_) => cap_height(st.tick_size()) + st.px(14.0),
            None => 0.0,
        }
    }

    fn layout(&self, st: &Style) -> LegendLayout {
        legend_layout(st, &self.entries, st.width - 2.0 * st.margin())
    }

    /// Height including the gap above it; 0 without entries.
    pub fn height(&self, st: &Style) -> f64 {
        if self.entries.is_empty() {
            return 0.0;
        }
        Self::gap(st) + self.title_height(st) + self.layout(st).height
    }

    /// The widest a label may be in a legend beside the plot.
    fn side_label_width(st: &Style) -> f64 {
        st.px(560.0)
    }

    /// The room a legend beside the plot takes at the right of the figure (its one column of
    /// entries and the gap before it), when the figure is wide enough for the plot to keep at
    /// least [`SIDE_LEGEND_MIN_PLOT`] pixels; `None` (the legend goes below) otherwise or
    /// without entries. A two-column figure (2100 px) has the room; a one-column one does not.
    pub fn side_width(&self, st: &Style) -> Option<f64> {
        if self.entries.is_empty() || !self.may_go_beside {
            return None;
        }
        let size = st.tick_size();
        let widest = self
            .entries
            .iter()
            .map(|e| text_width(&e.label, size, false))
            .chain(
                self.title
                    .iter()
                    .map(|t| text_width(t, size, true) - legend_key_width(st) - st.gap()),
            )
            .fold(0.0, f64::max)
            .min(Self::side_label_width(st));
        // The gap before it, its key and labels, and the figure's right margin after it.
        let width = Self::gap(st) * 1.5 + legend_key_width(st) + st.gap() + widest + st.margin();
        (st.width - width >= SIDE_LEGEND_MIN_PLOT).then_some(width)
    }

    /// The style of the plot next to the legend: the figure's, narrowed by the legend beside
    /// it when there is one ([`LegendBlock::side_width`]).
    pub fn plot_style(&self, st: &Style) -> Style {
        match self.side_width(st) {
            Some(width) => st.narrowed(st.width - width),
            None => *st,
        }
    }

    /// Height of the legend beside the plot (title and one entry a row); 0 when it goes below.
    pub fn side_height(&self, st: &Style) -> f64 {
        if self.side_width(st).is_none() {
            return 0.0;
        }
        self.title_height(st) + legend_row_height(st) * self.entries.len() as f64
    }

    /// Height below the plot: [`LegendBlock::height`] when the legend goes below, 0 when it
    /// goes beside.
    pub fn below_height(&self, st: &Style) -> f64 {
        if self.side_width(st).is_some() {
            0.0
        } else {
            self.height(st)
        }
    }

    /// Draws the legend where it goes: beside the plot (top edge at `plot_top`) when the figure
    /// is wide enough, else below `bottom` (the bottom of what is above it).
    pub fn draw_placed(&self, c: &Canvas, st: &Style, plot_top: f64, bottom: f64) -> Result<()> {
        let Some(width) = self.side_width(st) else {
            return self.draw(c, st, bottom);
        };
        let x = st.width - width + Self::gap(st) * 1.5;
        let mut y = plot_top;
        if let Some(title) = &self.title {
            let spec = TextSpec::new(st.tick_size(), TEXT)
                .bold()
                .align(HAlign::Left, VAlign::Top);
            let room = width - Self::gap(st) * 1.5 - st.margin();
            let title = fit_text(title, st.tick_size(), true, room);
            c.text(&title, x, y, &spec)?;
            y += self.title_height(st);
        }
        let label_width =
            width - Self::gap(st) * 1.5 - legend_key_width(st) - st.gap() - st.margin();
        let layout = LegendLayout {
            rows: self.entries.len(),
            column_width: legend_key_width(st) + st.gap() + label_width,
            label_width,
            width: width - Self::gap(st) * 1.5 - st.margin(),
            height: legend_row_height(st) * self.entries.len() as f64,
        };
        draw_legend(c, st, &self.entries, &layout, x + layout.width / 2.0, y)
    }

    /// Draws it below `top` (the bottom of what is above it).
    pub fn draw(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let mut y = top + Self::gap(st);
        if let Some(title) = &self.title {
            let spec = TextSpec::new(st.tick_size(), TEXT)
                .bold()
                .align(HAlign::Center, VAlign::Top);
            c.text(title, st.width / 2.0, y, &spec)?;
            y += self.title_height(st);
        }
        draw_legend(c, st, &self.entries, &self.layout(st), st.width / 2.0, y)
    }
}

/// White diagonal stripes over a filled rectangle and a dark outline around it: what marks a
/// bar whose count is not final (the current year) while its fill keeps its colour.
pub(crate) fn draw_stripes(
    c: &Canvas,
    st: &Style,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
) -> Result<()> {
    c.hatch(x0, y0, x1, y1, st.px(13.0), st.px(3.5), WHITE)?;
    c.frame(x0, y0, x1, y1, st.line(), TEXT)
}

/// A legend key or data marker of width `size`, centred on (x, y). Light colours get a darker
/// outline so that they show against white.
pub(crate) fn draw_marker(
    c: &Canvas,
    st: &Style,
    marker: Marker,
    x: f64,
    y: f64,
    size: f64,
    color: Rgb,
) -> Result<()> {
    let outline = outline_for(color);
    match marker {
        Marker::Swatch => {
            let (hw, hh) = (size / 2.0, size * 0.36);
            c.rect(x - hw, y - hh, x + hw, y + hh, color)?;
            if let Some(outline) = outline {
                c.frame(x - hw, y - hh, x + hw, y + hh, st.thin(), outline)?;
            }
            Ok(())
        }
        Marker::Hatch => {
            let (hw, hh) = (size / 2.0, size * 0.36);
            c.rect(x - hw, y - hh, x + hw, y + hh, WHITE)?;
            c.hatch(x - hw, y - hh, x + hw, y + hh, st.px(7.0), st.thin(), color)?;
            c.frame(x - hw, y - hh, x + hw, y + hh, st.thin(), color)
        }
        Marker::Striped => {
            let (hw, hh) = (size / 2.0, size * 0.36);
            c.rect(x - hw, y - hh, x + hw, y + hh, color)?;
            draw_stripes(c, st, x - hw, y - hh, x + hw, y + hh)
        }
        Marker::Circle => c.circle(x, y, size * 0.3, color, Some(outline.unwrap_or(color))),
        Marker::Triangle => {
            let r = size * 0.36;
            let points = [
                (x, y - r),
                (x + r * 0.95, y + r * 0.7),
                (x - r * 0.95, y + r * 0.7),
            ];
            if let Some(outline) = outline {
                let o = r + st.px(2.5);
                c.polygon(
                    &[
                        (x, y - o),
                        (x + o * 0.95, y + o * 0.7),
                        (x - o * 0.95, y + o * 0.7),
                    ],
                    outline,
                )?;
            }
            c.polygon(&points, color)
        }
    }
}

/// The outline a fill needs to stand out from white, if it does.
pub(crate) fn outline_for(color: Rgb) -> Option<Rgb> {
    (luminance(color) > 0.45).then(|| darker(color, 0.45))
}

/// Room the x axis needs below the plot: ticks, labels and the title.
pub(crate) fn x_axis_height(st: &Style, title: bool) -> f64 {
    let labels = st.tick_len() + st.gap() + cap_height(st.tick_size()) + st.px(10.0);
    if title {
        labels + st.gap() * 1.6 + cap_height(st.label_size()) + st.px(12.0)
    } else {
        labels
    }
}

/// Room the y axis needs left of the plot for these tick labels and a title.
pub(crate) fn y_axis_width(st: &Style, ticks: &[Tick], title: bool) -> f64 {
    let widest = ticks
        .iter()
        .map(|t| text_width(&t.label, st.tick_size(), false))
        .fold(0.0, f64::max);
    let labels = st.tick_len() + st.gap() + widest;
    if title {
        labels + st.gap() * 1.6 + line_height(st.label_size())
    } else {
        labels
    }
}

/// How a numeric axis is drawn.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AxisStyle {
    /// Gridlines across the plot at the labelled ticks.
    pub grid: bool,
    /// Pixels between the axis's origin corner and the start of its range, so that data at the
    /// range's start does not sit on the other axis.
    pub inset: f64,
}

impl AxisStyle {
    pub fn grid() -> Self {
        AxisStyle {
            grid: true,
            inset: 0.0,
        }
    }
    pub fn inset(mut self, inset: f64) -> Self {
        self.inset = inset;
        self
    }
    /// Maps a value along x of `plot`.
    pub fn x(&self, scale: &Scale, plot: &Rect, v: f64) -> f64 {
        scale.map(v, plot.x0 + self.inset, plot.x1)
    }
    /// Maps a value along y of `plot` (upwards).
    pub fn y(&self, scale: &Scale, plot: &Rect, v: f64) -> f64 {
        scale.map(v, plot.y1 - self.inset, plot.y0)
    }
}

/// Which edge of the plot an axis runs along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Bottom,
    Left,
}

/// The ticks of an axis along `edge`: gridlines (optional), tick marks (minor ones shorter),
/// labels; then the axis line.
fn draw_ticks(
    c: &Canvas,
    st: &Style,
    plot: &Rect,
    scale: &Scale,
    ticks: &[Tick],
    axis: AxisStyle,
    edge: Edge,
) -> Result<()> {
    let spec = match edge {
        Edge::Bottom => TextSpec::new(st.tick_size(), TEXT).align(HAlign::Center, VAlign::Top),
        Edge::Left => TextSpec::new(st.tick_size(), TEXT).align(HAlign::Right, VAlign::Center),
    };
    let label_offset = st.tick_len() + st.gap();
    for tick in ticks {
        let major = !tick.label.is_empty();
        let len = if major {
            st.tick_len()
        } else {
            st.tick_len() * 0.6
        };
        match edge {
            Edge::Bottom => {
                let x = axis.x(scale, plot, tick.value);
                if axis.grid && major {
                    c.vline(x, plot.y0, plot.y1, st.thin(), GRID)?;
                }
                c.vline(x, plot.y1, plot.y1 + len, st.thin(), AXIS)?;
                if major {
                    c.text(&tick.label, x, plot.y1 + label_offset, &spec)?;
                }
            }
            Edge::Left => {
                let y = axis.y(scale, plot, tick.value);
                if axis.grid && major {
                    c.hline(plot.x0, plot.x1, y, st.thin(), GRID)?;
                }
                c.hline(plot.x0 - len, plot.x0, y, st.thin(), AXIS)?;
                if major {
                    c.text(&tick.label, plot.x0 - label_offset, y, &spec)?;
                }
            }
        }
    }
    match edge {
        Edge::Bottom => c.hline(plot.x0, plot.x1, plot.y1, st.line(), AXIS),
        Edge::Left => c.vline(plot.x0, plot.y0, plot.y1, st.line(), AXIS),
    }
}

/// The x axis along the bottom of `plot`: line, ticks, labels, title, and optional gridlines.
pub(crate) fn draw_x_axis(
    c: &Canvas,
    st: &Style,
    plot: &Rect,
    scale: &Scale,
    ticks: &[Tick],
    title: &str,
    axis: AxisStyle,
) -> Result<()> {
    draw_ticks(c, st, plot, scale, ticks, axis, Edge::Bottom)?;
    if !title.is_empty() {
        let y = plot.y1 + x_axis_height(st, false) + st.gap() * 1.6;
        // Centred under the plot, moved sideways to stay inside the figure when the plot is
        // narrower than the title; cut (at a word) only when the figure is.
        let size = st.label_size();
        let title = fit_text(title, size, false, st.width - 2.0 * st.margin());
        let half = text_width(&title, size, false) / 2.0;
        let centre = (plot.x0 + plot.x1) / 2.0;
        let x = centre
            .min(st.width - st.margin() - half)
            .max(st.margin() + half);
        let spec = TextSpec::new(size, TEXT).align(HAlign::Center, VAlign::Top);
        c.text(&title, x, y, &spec)?;
    }
    Ok(())
}

/// The y axis along the left of `plot`: line, ticks, labels, a vertical title, and optional
/// gridlines.
pub(crate) fn draw_y_axis(
    c: &Canvas,
    st: &Style,
    plot: &Rect,
    scale: &Scale,
    ticks: &[Tick],
    title: &str,
    axis: AxisStyle,
) -> Result<()> {
    draw_ticks(c, st, plot, scale, ticks, axis, Edge::Left)?;
    if !title.is_empty() {
        let x = plot.x0 - y_axis_width(st, ticks, true) + line_height(st.label_size()) / 2.0;
        draw_vertical_title(c, st, title, x, (plot.y0 + plot.y1) / 2.0, plot.height())?;
    }
    Ok(())
}

/// An axis title reading bottom to top, centred on (x, y).
pub(crate) fn draw_vertical_title(
    c: &Canvas,
    st: &Style,
    title: &str,
    x: f64,
    y: f64,
    max_length: f64,
) -> Result<()> {
    let title = fit_text(title, st.label_size(), false, max_length);
    let spec = TextSpec::new(st.label_size(), TEXT)
        .align(HAlign::Center, VAlign::Center)
        .vertical();
    c.text(&title, x, y, &spec)
}

/// A sequential colour bar under a heat map: what the colour means, from 0 to `max`.
#[derive(Debug, Clone)]
pub(crate) struct Colorbar {
    pub label: String,
    pub max: f64,
    pub percent: bool,
}

/// Whether the colour bar's label goes on a line of its own above the bar: when it would take
/// more than 45% of the width beside it.
fn colorbar_label_above(st: &Style, bar: &Colorbar, width: f64) -> bool {
    text_width(&bar.label, st.tick_size(), false) > width * 0.45
}

/// The label's lines above the bar: one, or two of whole words when one would cut it.
fn colorbar_label_lines(st: &Style, bar: &Colorbar, width: f64) -> Vec<String> {
    wrap_text(&bar.label, st.tick_size(), false, width, 2)
}

fn colorbar_height(st: &Style, bar: &Colorbar, width: f64) -> f64 {
    let above = if colorbar_label_above(st, bar, width) {
        let lines = colorbar_label_lines(st, bar, width).len().max(1) as f64;
        line_height(st.tick_size()) * lines + st.px(8.0)
    } else {
        0.0
    };
    above + st.px(24.0) + st.tick_len() + st.gap() + cap_height(st.tick_size()) + st.px(12.0)
}

fn draw_colorbar(c: &Canvas, st: &Style, bar: &Colorbar, area: &Rect) -> Result<()> {
    // Label on the left, the bar on the right, both on one line so that it costs little height.
    let label_size = st.tick_size();
    let above = colorbar_label_above(st, bar, area.width());
    let label = if above {
        String::new()
    } else {
        fit_text(&bar.label, label_size, false, area.width() * 0.45)
    };
    let label_width = if above {
        0.0
    } else {
        text_width(&label, label_size, false)
    };
    let area = &if above {
        let spec = TextSpec::new(label_size, TEXT).align(HAlign::Center, VAlign::Top);
        let lines = colorbar_label_lines(st, bar, area.width());
        for (k, line) in lines.iter().enumerate() {
            let y = area.y0 + line_height(label_size) * k as f64;
            c.text(line, (area.x0 + area.x1) / 2.0, y, &spec)?;
        }
        let down = line_height(label_size) * lines.len().max(1) as f64 + st.px(8.0);
        Rect {
            y0: area.y0 + down,
            ..*area
        }
    } else {
        *area
    };
    let bar_height = st.px(24.0);
    let scale = Scale::linear(0.0, if bar.max > 0.0 { bar.max } else { 1.0 });
    let ticks = linear_ticks(&scale, 4, bar.percent);
    let ticks: Vec<Tick> = if bar.percent {
        ticks
    } else {
        // Counts: whole numbers only.
        ticks
            .into_iter()
            .filter(|t| (t.value - t.value.round()).abs() < 1e-9)
            .collect()
    };
    // The last tick label is centred on the bar's end: leave room for its right half.
    let last_half = ticks
        .last()
        .map(|t| text_width(&t.label, st.tick_size(), false) / 2.0)
        .unwrap_or(0.0);
    let x0 = if above {
        // Centred under its label, the first tick label's left half inside the figure.
        area.x0 + last_half
    } else {
        area.x0 + label_width + st.px(24.0)
    };
    let x1 = area.x1 - last_half;
    if x1 - x0 < st.px(80.0) {
        return Ok(());
    }
    if !above {
        let spec = TextSpec::new(label_size, TEXT).align(HAlign::Left, VAlign::Center);
        c.text(&label, area.x0, area.y0 + bar_height / 2.0, &spec)?;
    }
    let steps = 120;
    for i in 0..steps {
        let a = x0 + (x1 - x0) * f64::from(i) / f64::from(steps);
        let b = x0 + (x1 - x0) * f64::from(i + 1) / f64::from(steps);
        let t = (f64::from(i) + 0.5) / f64::from(steps);
        // Each step runs on under the next (drawn over it), so that a browser scaling the SVG
        // blends the next step's anti-aliased edge with colour, not with white seams.
        let end = (b + (b - a).max(2.0)).min(x1);
        c.rect(a, area.y0, end, area.y0 + bar_height, sequential(t))?;
    }
    c.frame(x0, area.y0, x1, area.y0 + bar_height, st.thin(), AXIS)?;
    let plot = Rect {
        x0,
        y0: area.y0,
        x1,
        y1: area.y0 + bar_height,
    };
    let spec = TextSpec::new(st.tick_size(), TEXT).align(HAlign::Center, VAlign::Top);
    for tick in &ticks {
        let x = scale.map(tick.value, plot.x0, plot.x1);
        c.vline(x, plot.y1, plot.y1 + st.tick_len(), st.thin(), AXIS)?;
        c.text(&tick.label, x, plot.y1 + st.tick_len() + st.gap(), &spec)?;
    }
    Ok(())
}

/// True when the tick labels of `ticks` (font size `size`), spread over `axis_px` pixels of the
/// axis of `scale`, leave at least `gap_px` between neighbours: the test by which the bar charts
/// choose how many ticks to draw.
pub(crate) fn ticks_have_room(
    ticks: &[Tick],
    scale: &Scale,
    size: f64,
    axis_px: f64,
    gap_px: f64,
) -> bool {
    let widest = ticks
        .iter()
        .map(|t| text_width(&t.label, size, false))
        .fold(0.0, f64::max);
    let step = match ticks {
        [a, b, ..] => b.value - a.value,
        _ => scale.hi - scale.lo,
    };
    widest + gap_px <= axis_px * step / (scale.hi - scale.lo).max(f64::MIN_POSITIVE)
}

/// A heat map: labelled rows and columns, a colour and a text per cell.
#[derive(Debug, Clone)]
pub(crate) struct Heatmap {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// 0..1 per cell, through [`sequential`]; NaN marks a cell outside the colour scale, drawn
    /// in [`OUTSIDE_SCALE`] gray with its number (Fig. 3's Unspecified row and column).
    pub fill: Vec<Vec<f64>>,
    pub text: Vec<Vec<String>>,
    pub row_title: String,
    pub column_title: String,
    /// Outline the diagonal (a square map of a thing against itself).
    pub diagonal: bool,
    /// Fixed cell height; `None` makes cells square within sensible bounds.
    pub cell_height: Option<f64>,
    pub colorbar: Option<Colorbar>,
}

#[derive(Debug, Clone)]
struct HeatLayout {
    grid: Rect,
    cell_width: f64,
    cell_height: f64,
    /// Each row's name, on one line or two.
    row_labels: Vec<Vec<String>>,
    /// Wrapped horizontal labels, or `None` when the columns are labelled vertically.
    column_lines: Option<Vec<Vec<String>>>,
    column_labels: Vec<String>,
    column_size: f64,
    column_label_height: f64,
    /// The one size of every cell's number: the largest (up to the small text size) at which
    /// the widest number fits its cell; `None` when even two thirds of it do not, and the
    /// numbers are left out rather than spill over.
    count_size: Option<f64>,
    /// The cells' texts as printed: as given, or counts in compact form ("12k") when the
    /// exact ones do not fit at two thirds of the small size.
    cell_text: Vec<Vec<String>>,
    height: f64,
}

/// A count in compact form when it is long: 1234 -> "1.2k", 12345 -> "12k", 1234567 -> "1.2M";
/// other texts unchanged.
pub(crate) fn compact_count(text: &str) -> String {
    let Ok(n) = text.parse::<u64>() else {
        return text.to_string();
    };
    let short = |value: f64, unit: &str| {
        if value < 9.95 {
            format!("{value:.1}{unit}").replace(".0", "")
        } else {
            format!("{value:.0}{unit}")
        }
    };
    match n {
        0..=999 => n.to_string(),
        1_000..=999_499 => short(n as f64 / 1e3, "k"),
        _ => short(n as f64 / 1e6, "M"),
    }
}

/// The fill of a heat-map cell outside the colour scale.
pub(crate) const OUTSIDE_SCALE: Rgb = (0xD4, 0xD4, 0xD4);

/// Room for a number inside a heat-map cell of this width: the cell less its white frame and a
/// little air on each side.
pub(crate) fn cell_text_room(st: &Style, cell_width: f64) -> f64 {
    cell_width - st.px(10.0)
}

impl Heatmap {
    /// False when the cells are too narrow at this width for their numbers, even shortened
    /// (1.2k) at two thirds of the small text size: the figure then says so in its note.
    pub fn shows_counts(&self, st: &Style) -> bool {
        self.layout(st, 0.0).count_size.is_some()
    }

    fn layout(&self, st: &Style, top: f64) -> HeatLayout {
        let size = st.tick_size();
        let m = st.margin();
        let row_title_width = line_height(st.label_size()) + st.gap();
        let widest_row = self
            .rows
            .iter()
            .map(|r| text_width(r, size, false))
            .fold(0.0, f64::max);
        let row_label_width = widest_row.min(st.width * 0.36);
        let x0 = m + row_title_width + row_label_width + st.gap() * 1.2;
        let x1 = st.width - m;
        let n_cols = self.columns.len().max(1) as f64;
        let cell_width = ((x1 - x0) / n_cols).max(1.0);
        // A name too long for its room takes two lines of whole words (the rows grow to hold
        // them), so that "Token Merging" and "Token Caching" do not both read "Token…".
        let row_labels: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                if text_width(r, size, false) <= row_label_width {
                    return vec![r.clone()];
                }
                match wrap_text_complete(r, size, false, row_label_width, 2) {
                    (lines, true) => lines,
                    _ => vec![fit_text(r, size, false, row_label_width)],
                }
            })
            .collect();
        let two_lines = row_labels.iter().any(|l| l.len() > 1);
        let cell_height = match self.cell_height {
            Some(h) => h,
            None => cell_width.clamp(st.px(50.0), st.px(84.0)),
        };
        let cell_height = if two_lines {
            cell_height.max(line_height(size) * 2.0 + st.px(6.0))
        } else {
            cell_height
        };
        // Horizontal column labels when each wraps into two lines of its cell (at the tick size,
        // or a notch smaller); else vertical.
        let room = cell_width - st.px(6.0);
        let horizontal = [size, size * 0.9].into_iter().find_map(|column_size| {
            let mut fits = true;
            let wrapped: Vec<Vec<String>> = self
                .columns
                .iter()
                .map(|col| {
                    let (lines, complete) = wrap_text_complete(col, column_size, false, room, 2);
                    fits &= complete;
                    lines
                })
                .collect();
            fits.then_some((wrapped, column_size))
        });
        let (column_lines, column_labels, column_size, column_label_height) = match horizontal {
            Some((wrapped, column_size)) => {
                let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f64;
                let height = st.gap() + lines * line_height(column_size);
                (Some(wrapped), Vec::new(), column_size, height)
            }
            None => {
                let max_len = st.width * 0.4;
                let labels: Vec<String> = self
                    .columns
                    .iter()
                    .map(|col| fit_text(col, size, false, max_len))
                    .collect();
                let longest = labels
                    .iter()
                    .map(|l| text_width(l, size, false))
                    .fold(0.0, f64::max);
                (None, labels, size, st.gap() * 1.5 + longest)
            }
        };
        let grid = Rect {
            x0,
            y0: top,
            x1,
            y1: top + cell_height * self.rows.len() as f64,
        };
        let room = cell_text_room(st, cell_width);
        let fitted = |texts: &[Vec<String>]| -> Option<f64> {
            let widest = texts
                .iter()
                .flatten()
                .map(|t| text_width(t, st.small_size(), false))
                .fold(0.0, f64::max);
            let mut size = st.small_size().min(cell_height * 0.62);
            if widest > room {
                // A hair under the exact ratio, so that rounding never makes the widest miss.
                size = size.min(st.small_size() * room / widest * 0.995);
            }
            (size >= st.small_size() * 0.66).then_some(size)
        };
        let (count_size, cell_text) = match fitted(&self.text) {
            Some(size) => (Some(size), self.text.clone()),
            None => {
                let compact: Vec<Vec<String>> = self
                    .text
                    .iter()
                    .map(|row| row.iter().map(|t| compact_count(t)).collect())
                    .collect();
                (fitted(&compact), compact)
            }
        };
        let mut height = grid.y1 - top + column_label_height;
        if !self.column_title.is_empty() {
            height += st.gap() * 1.6 + cap_height(st.label_size()) + st.px(12.0);
        }
        if let Some(bar) = &self.colorbar {
            height += st.px(34.0) + colorbar_height(st, bar, st.width - 2.0 * m);
        }
        HeatLayout {
            grid,
            cell_width,
            cell_height,
            row_labels,
            column_lines,
            column_labels,
            column_size,
            column_label_height,
            count_size,
            cell_text,
            height,
        }
    }

    /// Height from `top` down to the bottom of the colour bar.
    pub fn height(&self, st: &Style) -> f64 {
        self.layout(st, 0.0).height
    }

    pub fn draw(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let l = self.layout(st, top);
        let size = st.tick_size();
        // Cells, then their numbers.
        for (r, row) in self.fill.iter().enumerate().take(self.rows.len()) {
            for (k, &value) in row.iter().enumerate().take(self.columns.len()) {
                let x = l.grid.x0 + l.cell_width * k as f64;
                let y = l.grid.y0 + l.cell_height * r as f64;
                let color = if value.is_nan() {
                    OUTSIDE_SCALE
                } else {
                    sequential(value)
                };
                c.rect(x, y, x + l.cell_width, y + l.cell_height, color)?;
                c.frame(x, y, x + l.cell_width, y + l.cell_height, st.thin(), WHITE)?;
                let text = l
                    .cell_text
                    .get(r)
                    .and_then(|t| t.get(k))
                    .map(String::as_str)
                    .unwrap_or("");
                self.draw_cell_text(c, st, text, color, x, y, &l)?;
            }
        }
        if self.diagonal {
            for i in 0..self.rows.len().min(self.columns.len()) {
                let x = l.grid.x0 + l.cell_width * i as f64;
                let y = l.grid.y0 + l.cell_height * i as f64;
                c.frame(x, y, x + l.cell_width, y + l.cell_height, st.line(), AXIS)?;
            }
        }
        // Row labels and title.
        let spec = TextSpec::new(size, TEXT).align(HAlign::Right, VAlign::Center);
        for (r, lines) in l.row_labels.iter().enumerate() {
            let y = l.grid.y0 + l.cell_height * (r as f64 + 0.5);
            for (k, line) in lines.iter().enumerate() {
                let dy = (k as f64 - (lines.len() as f64 - 1.0) / 2.0) * line_height(size);
                c.text(line, l.grid.x0 - st.gap(), y + dy, &spec)?;
            }
        }
        if !self.row_title.is_empty() {
            let x = st.margin() + line_height(st.label_size()) / 2.0;
            draw_vertical_title(
                c,
                st,
                &self.row_title,
                x,
                (l.grid.y0 + l.grid.y1) / 2.0,
                (l.grid.height() + l.column_label_height).max(st.px(200.0)),
            )?;
        }
        // Column labels and title.
        let lh = line_height(l.column_size);
        match &l.column_lines {
            Some(lines) => {
                let spec = TextSpec::new(l.column_size, TEXT).align(HAlign::Center, VAlign::Top);
                for (k, label_lines) in lines.iter().enumerate() {
                    let x = l.grid.x0 + l.cell_width * (k as f64 + 0.5);
                    for (i, line) in label_lines.iter().enumerate() {
                        c.text(line, x, l.grid.y1 + st.gap() + lh * i as f64, &spec)?;
                    }
                }
            }
            None => {
                let spec = TextSpec::new(size, TEXT)
                    .align(HAlign::Right, VAlign::Center)
                    .vertical();
                for (k, label) in l.column_labels.iter().enumerate() {
                    let x = l.grid.x0 + l.cell_width * (k as f64 + 0.5);
                    c.text(label, x, l.grid.y1 + st.gap(), &spec)?;
                }
            }
        }
        let mut y = l.grid.y1 + l.column_label_height;
        if !self.column_title.is_empty() {
            y += st.gap() * 1.6;
            // Centred under the grid, moved sideways to stay inside the figure when the grid is
            // narrower than the title.
            let size = st.label_size();
            let title = fit_text(
                &self.column_title,
                size,
                false,
                st.width - 2.0 * st.margin(),
            );
            let half = text_width(&title, size, false) / 2.0;
            let x = ((l.grid.x0 + l.grid.x1) / 2.0)
                .min(st.width - st.margin() - half)
                .max(st.margin() + half);
            let spec = TextSpec::new(size, TEXT).align(HAlign::Center, VAlign::Top);
            c.text(&title, x, y, &spec)?;
            y += cap_height(st.label_size()) + st.px(12.0);
        }
        if let Some(bar) = &self.colorbar {
            let area = Rect {
                x0: st.margin(),
                y0: y + st.px(34.0),
                x1: st.width - st.margin(),
                y1: y + st.px(34.0) + colorbar_height(st, bar, st.width - 2.0 * st.margin()),
            };
            draw_colorbar(c, st, bar, &area)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_cell_text(
        &self,
        c: &Canvas,
        st: &Style,
        text: &str,
        fill: Rgb,
        x: f64,
        y: f64,
        l: &HeatLayout,
    ) -> Result<()> {
        let Some(size) = l.count_size else {
            return Ok(());
        };
        if text.is_empty() || text_width(text, size, false) > cell_text_room(st, l.cell_width) {
            return Ok(());
        }
        let color = if fill == EMPTY_CELL {
            MUTED
        } else {
            text_on(fill)
        };
        let spec = TextSpec::new(size, color).align(HAlign::Center, VAlign::Center);
        c.text(text, x + l.cell_width / 2.0, y + l.cell_height / 2.0, &spec)
    }
}

/// The most pixels the labels of a list of bars may take: `share` of the width, or in a wide
/// figure all but [`BARS_ROOM`] for the bars, whichever is more, so that a wider figure spends
/// its room on whole labels rather than on longer bars.
pub(crate) fn label_room(st: &Style, share: f64) -> f64 {
    (st.width * share).max(st.width - st.margin() * 2.0 - st.px(BARS_ROOM))
}

/// Pixels the bars of a list, their values and the axis need to read well.
const BARS_ROOM: f64 = 760.0;

/// One bar of a [`BarList`].
#[derive(Debug, Clone)]
pub(crate) struct Bar {
    pub label: String,
    /// Kept whole after a label cut to fit, e.g. the year: "A long title… (2023)".
    pub suffix: String,
    pub value: f64,
    pub color: Rgb,
    /// Printed after the value, e.g. "(107)" for a count the caption explains; may be empty.
    pub note: String,
    /// Drawn white with diagonal hatching in `color` (as a [`Marker::Hatch`] legend key): a
    /// value that belongs to no group, such as an uncertain prediction.
    pub hatched: bool,
}

impl Bar {
    /// The value as printed after the bar, with its note.
    fn value_text(&self) -> String {
        if self.note.is_empty() {
            value_label(self.value)
        } else {
            format!("{} {}", value_label(self.value), self.note)
        }
    }

    fn full_label(&self) -> String {
        if self.suffix.is_empty() {
            self.label.clone()
        } else {
            format!("{} {}", self.label, self.suffix)
        }
    }
}

/// Whether `shown`, a cut of `full` (a `…` in it), ends inside a word of `full`: the text
/// before the `…` is not followed in `full` by a space, a hyphen's break or the end.
pub(crate) fn cut_mid_word(full: &str, shown: &str) -> bool {
    let Some((stem, _)) = shown.split_once('…') else {
        return false;
    };
    let stem = stem.trim_end();
    if stem.is_empty() {
        return true;
    }
    // fit_text trims a cut's trailing punctuation, so the stem is a prefix of the text.
    full.strip_prefix(stem).is_some_and(|rest| {
        !(rest.is_empty()
            || rest.starts_with([' ', ',', ':', ';', ')', '-'])
            || stem.ends_with('-'))
    })
}

/// A value printed beside a bar: three significant digits.
pub(crate) fn value_label(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// Horizontal bars, one per labelled row, on a shared value axis that starts at 0.
#[derive(Debug, Clone)]
pub(crate) struct BarList {
    pub bars: Vec<Bar>,
    pub axis_title: String,
    /// The most of the figure's width the labels may take.
    pub label_share: f64,
    /// The largest value the quantity can take (1 for a score in [0, 1]), if it has one: the
    /// axis ends there (the values after the longest bars print past its end).
    pub limit: Option<f64>,
    /// Start the axis just below the smallest value instead of at 0 when all values are close
    /// together (the smallest above 60% of the largest), so that what separates them shows; the
    /// axis and every bar then carry a break mark.
    pub zoom: bool,
    /// A line under the axis title that explains the numbers after the bars; may be empty.
    pub note: String,
    /// Labels as wide as this at least (within the room), so that panels of bars stacked in one
    /// figure start their bars at the same x: the widest label of all the panels; 0 for none.
    pub align_labels_to: f64,
    /// The most lines a label may take: 1 cuts a long label at a word boundary with `…`; 2 (or
    /// more) first wraps it over lines of whole words, its row growing by a line for each.
    pub label_lines: usize,
}

impl BarList {
    /// The width of this list's widest label (name and suffix), in pixels.
    pub fn widest_label(&self, st: &Style) -> f64 {
        self.bars
            .iter()
            .map(|b| text_width(&b.full_label(), st.tick_size(), false))
            .fold(0.0, f64::max)
    }

    fn row_height(st: &Style) -> f64 {
        st.px(47.0)
    }

    /// The pixels the labels take: the widest label (or [`BarList::align_labels_to`]), within
    /// the room [`label_room`] gives.
    fn label_width(&self, st: &Style) -> f64 {
        self.widest_label(st)
            .max(self.align_labels_to)
            .min(label_room(st, self.label_share))
    }

    /// Each bar's label as drawn, a line per entry: whole on one line when it fits; else, with
    /// [`BarList::label_lines`] above 1, over that many lines of whole words, the suffix (the
    /// year) whole at the end; else (or when a single word is wider than the room) on one line
    /// cut at a word boundary with `…`.
    pub fn labels(&self, st: &Style) -> Vec<Vec<String>> {
        let size = st.tick_size();
        let width = self.label_width(st);
        let names: Vec<(&str, &str)> = self
            .bars
            .iter()
            .map(|b| (b.label.as_str(), b.suffix.as_str()))
            .collect();
        let one_line = fit_labels(&names, size, width);
        self.bars
            .iter()
            .zip(one_line)
            .map(|(bar, one)| {
                if one == bar.full_label() {
                    return vec![one];
                }
                // A word too long for the room (a narrow figure) is never cut: the label takes
                // a line or two more, so that every line holds whole words.
                let mid_word = cut_mid_word(&bar.full_label(), &one);
                if self.label_lines <= 1 && !mid_word {
                    return vec![one];
                }
                let most = self.label_lines.max(1);
                let extra = if mid_word { 2 } else { 0 };
                (most.max(2)..=most + extra)
                    .map(|n| self.wrapped_label(bar, size, width, n))
                    .find(|lines| lines.iter().all(|l| text_width(l, size, false) <= width))
                    .unwrap_or_else(|| vec![one.clone()])
            })
            .collect()
    }

    /// A bar's label over at most `max_lines` lines of whole words, its suffix at the end.
    fn wrapped_label(&self, bar: &Bar, size: f64, width: f64, max_lines: usize) -> Vec<String> {
        let mut lines = wrap_with_suffix(&bar.label, &bar.suffix, size, width, max_lines);
        // A year alone on the last line: the last word above goes down to keep it company.
        if let [.., above, last] = lines.as_mut_slice() {
            if *last == bar.suffix {
                if let Some((head, word)) = above.rsplit_once(' ') {
                    let moved = format!("{word} {last}");
                    if text_width(&moved, size, false) <= width {
                        *last = moved;
                        *above = head.to_string();
                    }
                }
            }
        }
        lines
    }

    /// The height of each bar's row: one row, and a line more for each extra line of label.
    fn row_heights(st: &Style, labels: &[Vec<String>]) -> Vec<f64> {
        let lh = line_height(st.tick_size());
        labels
            .iter()
            .map(|lines| Self::row_height(st) + lh * lines.len().saturating_sub(1) as f64)
            .collect()
    }

    /// Height from the top of the first bar to the bottom of the axis title and the note.
    pub fn height(&self, st: &Style) -> f64 {
        let rows: f64 = if self.bars.is_empty() {
            Self::row_height(st)
        } else {
            Self::row_heights(st, &self.labels(st)).iter().sum()
        };
        rows + st.px(8.0) + x_axis_height(st, !self.axis_title.is_empty()) + self.note_height(st)
    }

    fn note_height(&self, st: &Style) -> f64 {
        note_height(st, &self.note)
    }

    /// Whether every label is drawn whole (on its lines) at this style's width.
    pub fn labels_fit(&self, st: &Style) -> bool {
        let squeeze = |s: &str| s.replace(' ', "");
        self.bars
            .iter()
            .zip(self.labels(st))
            .all(|(bar, lines)| squeeze(&lines.concat()) == squeeze(&bar.full_label()))
    }

    /// Where the value axis starts: 0, or with `zoom` a round value below the smallest bar.
    fn axis_start(&self) -> f64 {
        let values = self
            .bars
            .iter()
            .map(|b| b.value)
            .filter(|v| v.is_finite() && *v > 0.0);
        let (min, max) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if !self.zoom || self.bars.len() < 2 || max <= 0.0 || min < 0.6 * max {
            return 0.0;
        }
        // A step that splits the spread of the values into a few ticks; the axis starts one
        // step below the smallest value's tick, so the shortest bar still has some length.
        let step = nice_step((max - min).max(max * 0.01), 3);
        (((min / step).floor() - 1.0) * step).max(0.0)
    }

    pub fn draw(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let size = st.tick_size();
        let m = st.margin();
        let label_width = self.label_width(st);
        let max = self
            .bars
            .iter()
            .map(|b| b.value)
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let small = st.small_size();
        let value_room = self
            .bars
            .iter()
            .map(|b| text_width(&b.value_text(), small, false))
            .fold(0.0, f64::max)
            + st.gap();
        // As many ticks as leave room between their labels, from 5 down to 2; the scale
        // reaches far enough past the longest bar for its value to be printed after it.
        let x0 = m + label_width + st.gap() * 1.5;
        let width = (st.width - m - x0).max(1.0);
        let lo = self.axis_start().min(max);
        let reach = lo + (max - lo) * width / (width - value_room).max(width * 0.5);
        // A bounded quantity's axis ends at its bound, short enough that every value prints
        // after its bar within the figure.
        let bound = self.limit.filter(|&limit| limit > lo && max <= limit);
        let bounded_width = bound.map(|limit| {
            let value_gap = st.gap() * 0.8;
            self.bars
                .iter()
                .filter(|b| b.value.is_finite() && b.value > lo)
                .map(|b| {
                    let share = (b.value - lo) / (limit - lo);
                    let text = text_width(&b.value_text(), small, false) + value_gap;
                    (width - text) / share
                })
                .fold(width, f64::min)
                // Every value prints inside the figure, however short that leaves the bars.
                .max(width * 0.2)
        });
        let axis_width = bounded_width.unwrap_or(width);
        let (scale, ticks) = (2..=5)
            .rev()
            .map(|n| match bound {
                Some(limit) => {
                    let scale = Scale::linear(lo, limit);
                    let ticks = linear_ticks(&scale, n, false);
                    (scale, ticks)
                }
                None => {
                    let scale = Scale::linear(lo, lo + nice_max(reach - lo, n));
                    let ticks = linear_ticks(&scale, n, false);
                    (scale, ticks)
                }
            })
            .find(|(scale, ticks)| ticks_have_room(ticks, scale, size, axis_width, st.px(36.0)))
            .unwrap_or_else(|| {
                let scale = match bound {
                    Some(limit) => Scale::linear(lo, limit),
                    None => Scale::linear(lo, lo + nice_max(reach - lo, 2)),
                };
                let ticks = linear_ticks(&scale, 2, false);
                (scale, ticks)
            });
        // The last tick label is centred on the right edge: leave room for its right half.
        let last_half = ticks
            .last()
            .map(|t| text_width(&t.label, size, false) / 2.0)
            .unwrap_or(0.0);
        let labels = self.labels(st);
        let heights = if self.bars.is_empty() {
            vec![Self::row_height(st)]
        } else {
            Self::row_heights(st, &labels)
        };
        let plot = Rect {
            x0,
            y0: top,
            x1: (x0 + axis_width).min(st.width - m - last_half),
            y1: top + heights.iter().sum::<f64>() + st.px(8.0),
        };
        for tick in &ticks {
            let x = scale.map(tick.value, plot.x0, plot.x1);
            c.vline(x, plot.y0, plot.y1, st.thin(), GRID)?;
        }
        let spec = TextSpec::new(size, TEXT).align(HAlign::Right, VAlign::Center);
        let value_spec = TextSpec::new(small, MUTED).align(HAlign::Left, VAlign::Center);
        let lh = line_height(size);
        let half = Self::row_height(st) * 0.34;
        let mut row_top = top + st.px(4.0);
        for ((bar, lines), height) in self.bars.iter().zip(&labels).zip(&heights) {
            let y = row_top + height / 2.0;
            row_top += height;
            // The label's lines centred on the bar.
            for (k, line) in lines.iter().enumerate() {
                let dy = (k as f64 - (lines.len() as f64 - 1.0) / 2.0) * lh;
                c.text(line, plot.x0 - st.gap(), y + dy, &spec)?;
            }
            let value = if bar.value.is_finite() {
                bar.value.max(0.0)
            } else {
                0.0
            };
            let x = scale.map(value, plot.x0, plot.x1);
            if x > plot.x0 {
                if bar.hatched {
                    c.rect(plot.x0, y - half, x, y + half, WHITE)?;
                    c.hatch(
                        plot.x0,
                        y - half,
                        x,
                        y + half,
                        st.px(9.0),
                        st.thin(),
                        bar.color,
                    )?;
                } else {
                    c.rect(plot.x0, y - half, x, y + half, bar.color)?;
                }
                let outline = if bar.hatched {
                    bar.color
                } else {
                    outline_for(bar.color).unwrap_or(bar.color)
                };
                c.frame(plot.x0, y - half, x, y + half, st.thin(), outline)?;
                if lo > 0.0 {
                    // The bar is cut short: a white gap across its base says so.
                    draw_break(
                        c,
                        st,
                        plot.x0 + st.px(14.0),
                        y - half - st.px(3.0),
                        y + half + st.px(3.0),
                        WHITE,
                    )?;
                }
            }
            if bar.value.is_finite() {
                c.text(&bar.value_text(), x + st.gap() * 0.8, y, &value_spec)?;
            }
        }
        let axis = Rect {
            y1: plot.y1,
            ..plot
        };
        draw_x_axis(
            c,
            st,
            &axis,
            &scale,
            &ticks,
            &self.axis_title,
            AxisStyle::default(),
        )?;
        c.vline(plot.x0, plot.y0, plot.y1, st.line(), AXIS)?;
        if lo > 0.0 {
            // The axis break: two slanted strokes on the value axis, just right of its start.
            let y = plot.y1;
            draw_break(
                c,
                st,
                plot.x0 + st.px(14.0),
                y - st.px(12.0),
                y + st.px(12.0),
                AXIS,
            )?;
        }
        draw_note(
            c,
            st,
            &self.note,
            plot.y1 + x_axis_height(st, !self.axis_title.is_empty()),
        )
    }
}

/// A break mark: two parallel slanted strokes centred on x from y0 to y1, in `color` over a
/// white gap (white strokes cut a bar, dark ones mark the axis).
fn draw_break(c: &Canvas, st: &Style, x: f64, y0: f64, y1: f64, color: Rgb) -> Result<()> {
    let slant = (y1 - y0) * 0.25;
    let gap = st.px(7.0);
    if color != WHITE {
        c.polygon(
            &[
                (x - gap / 2.0 - slant, y1),
                (x - gap / 2.0 + slant, y0),
                (x + gap / 2.0 + slant, y0),
                (x + gap / 2.0 - slant, y1),
            ],
            WHITE,
        )?;
    }
    let width = st.line();
    for dx in [-gap / 2.0, gap / 2.0] {
        c.polyline(&[(x + dx - slant, y1), (x + dx + slant, y0)], width, color)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::compact_count;

    #[test]
    fn long_counts_shorten() {
        assert_eq!(compact_count("342"), "342");
        assert_eq!(compact_count("1234"), "1.2k");
        assert_eq!(compact_count("4000"), "4k");
        assert_eq!(compact_count("9960"), "10k");
        assert_eq!(compact_count("12345"), "12k");
        assert_eq!(compact_count("1234567"), "1.2M");
        assert_eq!(compact_count("12%"), "12%");
    }
}
