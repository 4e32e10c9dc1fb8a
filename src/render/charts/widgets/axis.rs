//! Drawing numeric axes: ticks, labels, gridlines, titles (a vertical one for y), and the room
//! each needs. Where the ticks go is [`crate::render::charts::scale`]'s job.

use anyhow::Result;

use super::Rect;
use crate::render::charts::canvas::{
    cap_height, line_height, text_width, Canvas, HAlign, TextSpec, VAlign,
};
use crate::render::charts::palette::{AXIS, GRID, TEXT};
use crate::render::charts::scale::{linear_ticks, Scale, Tick};
use crate::render::charts::style::Style;
use crate::render::charts::text::fit_text;

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
    /// Gridlines at the labelled ticks, no inset.
    pub fn grid() -> Self {
        AxisStyle {
            grid: true,
            inset: 0.0,
        }
    }
    /// The same style with `inset` pixels between the origin corner and the range's start.
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

/// The most round linear ticks of `scale`, from `most` down to 2, whose labels (font size
/// `size`) leave `gap_px` between neighbours over `axis_px` pixels ([`ticks_have_room`]); a
/// single tick when even 2 do not fit.
pub(crate) fn roomy_linear_ticks(
    scale: &Scale,
    most: usize,
    size: f64,
    axis_px: f64,
    gap_px: f64,
) -> Vec<Tick> {
    (2..=most)
        .rev()
        .map(|n| linear_ticks(scale, n, false))
        .find(|ticks| ticks_have_room(ticks, scale, size, axis_px, gap_px))
        .unwrap_or_else(|| linear_ticks(scale, 1, false))
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
