//! The sequential colour bar under a heat map: what its colours mean, from 0 to the largest
//! value, with its label beside the bar or, when long, above it.

use anyhow::Result;

use super::Rect;
use crate::render::charts::canvas::{
    cap_height, line_height, text_width, Canvas, HAlign, TextSpec, VAlign,
};
use crate::render::charts::palette::{sequential, AXIS, TEXT};
use crate::render::charts::scale::{linear_ticks, Scale, Tick};
use crate::render::charts::style::Style;
use crate::render::charts::text::{fit_text, wrap_text};

/// A sequential colour bar under a heat map: what the colour means, from 0 to `max`.
#[derive(Debug, Clone)]
pub(crate) struct Colorbar {
    /// What the colour measures, e.g. "Papers".
    pub label: String,
    /// The value of the darkest colour.
    pub max: f64,
    /// Tick labels as percentages (a share in 0..1) rather than whole counts.
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

/// Height of the colour bar with its label and tick labels, in a `width` pixels wide area.
pub(super) fn colorbar_height(st: &Style, bar: &Colorbar, width: f64) -> f64 {
    let above = if colorbar_label_above(st, bar, width) {
        let lines = colorbar_label_lines(st, bar, width).len().max(1) as f64;
        line_height(st.tick_size()) * lines + st.px(8.0)
    } else {
        0.0
    };
    above + st.px(24.0) + st.tick_len() + st.gap() + cap_height(st.tick_size()) + st.px(12.0)
}

/// Draws the colour bar in `area` ([`colorbar_height`] high): the label beside the bar, or
/// above it when long; nothing when the bar would be shorter than 80 px.
pub(super) fn draw_colorbar(c: &Canvas, st: &Style, bar: &Colorbar, area: &Rect) -> Result<()> {
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
