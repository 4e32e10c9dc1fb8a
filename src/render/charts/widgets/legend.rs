//! Legends: entries laid out in balanced columns ([`legend_layout`]) and the block under a plot
//! or, in a wide figure, beside it ([`LegendBlock`]).

use anyhow::Result;

use super::marker::{draw_marker, Marker};
use crate::render::charts::canvas::{cap_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use crate::render::charts::palette::{Rgb, TEXT};
use crate::render::charts::style::Style;
use crate::render::charts::text::fit_text;

/// One entry of a legend: a key ([`Marker`]) in a colour, and its label.
#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub label: String,
    pub color: Rgb,
    pub marker: Marker,
}

/// Legend entries for (label, colour) swatches, such as
/// [`crate::render::charts::palette::Palette::legend_for`] gives.
pub(crate) fn swatches(pairs: Vec<(String, Rgb)>) -> Vec<LegendEntry> {
    pairs
        .into_iter()
        .map(|(label, color)| LegendEntry::swatch(&label, color))
        .collect()
}

impl LegendEntry {
    /// An entry keyed by a swatch of `color`.
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

/// Lays `entries` out in at most `max_width` pixels: the most columns (up to 4) that fit, then
/// as few as give the same number of rows, so that the columns come out balanced; labels
/// narrower than the widest when the room is short ([`draw_legend`] cuts them).
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
    /// A legend of `entries` under an optional `title`, which may go beside the plot.
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
