//! Figure 5: influence by mechanism. One row per mechanism: every catalogue paper's PageRank as a
//! dot (log scale), over a box of the quartiles and median with whiskers to 1.5 IQR.

use anyhow::Result;

use super::axis::{log_ticks, Scale};
use super::canvas::{text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Palette, Rgb, AXIS, TEXT, WHITE};
use super::parts::{
    draw_empty, draw_title, draw_x_axis, empty_height, title_height, x_axis_height, AxisStyle, Rect,
};
use super::style::Style;
use super::text::{fit_with_suffix, left_out};
use super::Chart;
use crate::analysis::Analysis;

struct Row {
    label: String,
    /// The paper count, "(n)", kept whole when the label is cut.
    count: String,
    color: Rgb,
    /// (PageRank, vertical jitter in -1..1), sorted by PageRank.
    points: Vec<(f64, f64)>,
}

pub(super) struct InfluenceByMechanism {
    rows: Vec<Row>,
    papers: usize,
    left_out: usize,
}

/// A stable jitter in -1..1 from a paper id (FNV-1a), so the figure is the same on every run.
fn jitter(id: &str) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// The q-quantile of sorted values, by linear interpolation.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let f = pos - lo as f64;
    sorted[lo] + (sorted[hi.min(sorted.len() - 1)] - sorted[lo]) * f
}

impl InfluenceByMechanism {
    pub fn new(analysis: &Analysis, groups: &Palette) -> Self {
        let mut points: Vec<Vec<(f64, f64)>> = vec![Vec::new(); groups.groups.len()];
        let (mut papers, mut left_out) = (0, 0);
        for paper in analysis.papers.iter().filter(|p| p.in_catalog) {
            if !(paper.pagerank.is_finite() && paper.pagerank > 0.0) {
                left_out += 1;
                continue;
            }
            papers += 1;
            let j = jitter(&paper.paper_id);
            for g in groups.groups_of(&paper.mechanisms) {
                points[g].push((paper.pagerank, j));
            }
        }
        let rows = points
            .into_iter()
            .enumerate()
            .filter(|(_, p)| !p.is_empty())
            .map(|(g, mut p)| {
                p.sort_by(|a, b| a.0.total_cmp(&b.0));
                Row {
                    label: groups.groups[g].label.clone(),
                    count: format!("({})", p.len()),
                    color: groups.groups[g].color,
                    points: p,
                }
            })
            .collect();
        InfluenceByMechanism {
            rows,
            papers,
            left_out,
        }
    }

    fn row_height(st: &Style) -> f64 {
        st.px(72.0)
    }

    fn scale(&self) -> Scale {
        let values = self.rows.iter().flat_map(|r| r.points.iter().map(|p| p.0));
        let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        Scale::log(lo, hi)
    }
}

impl Chart for InfluenceByMechanism {
    fn title(&self) -> String {
        "Influence by mechanism".to_string()
    }

    fn caption(&self) -> String {
        let mut caption = format!(
            "PageRank of the {} catalogue papers in the citation graph, one row per mechanism \
             (paper count in parentheses; a paper with several mechanisms appears in each of \
             its rows), log scale. Box: quartiles and median; whiskers: the furthest papers \
             within 1.5 times the interquartile range (on the log scale).",
            self.papers
        );
        caption.push_str(&left_out(self.left_out, "without a positive PageRank"));
        caption
    }

    fn height(&self, st: &Style) -> f64 {
        if self.rows.is_empty() {
            return empty_height(st);
        }
        title_height(st)
            + Self::row_height(st) * self.rows.len() as f64
            + x_axis_height(st, true)
            + st.margin()
    }

    fn draw(&self, c: &Canvas, st: &Style) -> Result<()> {
        if self.rows.is_empty() {
            return draw_empty(
                c,
                st,
                &self.title(),
                "No catalogue paper has a PageRank to show.",
            );
        }
        let top = draw_title(c, st, &self.title())?;
        let size = st.tick_size();
        let widest = self
            .rows
            .iter()
            .map(|r| text_width(&format!("{} {}", r.label, r.count), size, false))
            .fold(0.0, f64::max);
        let label_width = widest.min(st.width * 0.46);
        let scale = self.scale();
        let ticks = log_ticks(&scale);
        let last_half = ticks
            .iter()
            .rev()
            .find(|t| !t.label.is_empty())
            .map(|t| text_width(&t.label, size, false) / 2.0)
            .unwrap_or(0.0);
        let rh = Self::row_height(st);
        let plot = Rect {
            x0: st.margin() + label_width + st.gap() * 1.5,
            y0: top,
            x1: st.width - st.margin() - last_half,
            y1: top + rh * self.rows.len() as f64,
        };
        // Alternate row shading, so that a dot is read against the right label.
        for i in (1..self.rows.len()).step_by(2) {
            let y = plot.y0 + rh * i as f64;
            c.rect(plot.x0, y, plot.x1, y + rh, (0xF6, 0xF6, 0xF6))?;
        }
        let axis = AxisStyle::grid().inset(st.px(14.0));
        draw_x_axis(c, st, &plot, &scale, &ticks, "PageRank (log scale)", axis)?;
        let x = |v: f64| axis.x(&scale, &plot, v);
        let label_spec = TextSpec::new(size, TEXT).align(HAlign::Right, VAlign::Center);
        let radius = st.px(5.5);
        let line = st.line();
        for (i, row) in self.rows.iter().enumerate() {
            let cy = plot.y0 + rh * (i as f64 + 0.5);
            let label = fit_with_suffix(&row.label, &row.count, size, label_width);
            c.text(&label, plot.x0 - st.gap(), cy, &label_spec)?;
            // The dots, in the mechanism's colour; light colours get a darker rim.
            let rim = super::parts::outline_for(row.color);
            for &(value, j) in &row.points {
                let y = cy + j * rh * 0.3;
                if let Some(rim) = rim {
                    c.dot(x(value), y, radius + st.px(1.5), rim, 0.55)?;
                }
                c.dot(x(value), y, radius, row.color, 0.6)?;
            }
            // The box over them: quartiles, median, whiskers (computed on log10 values).
            let logs: Vec<f64> = row.points.iter().map(|p| p.0.log10()).collect();
            let (q1, q2, q3) = (
                quantile(&logs, 0.25),
                quantile(&logs, 0.5),
                quantile(&logs, 0.75),
            );
            let iqr = q3 - q1;
            let low = logs
                .iter()
                .copied()
                .find(|&v| v >= q1 - 1.5 * iqr)
                .unwrap_or(q1);
            let high = logs
                .iter()
                .rev()
                .copied()
                .find(|&v| v <= q3 + 1.5 * iqr)
                .unwrap_or(q3);
            let p = |l: f64| x(10f64.powf(l));
            let half = rh * 0.36;
            c.hline(p(low), p(q1), cy, line, AXIS)?;
            c.hline(p(q3), p(high), cy, line, AXIS)?;
            c.vline(p(low), cy - half * 0.5, cy + half * 0.5, line, AXIS)?;
            c.vline(p(high), cy - half * 0.5, cy + half * 0.5, line, AXIS)?;
            c.frame(
                p(q1),
                cy - half,
                p(q3).max(p(q1) + line * 2.0),
                cy + half,
                line,
                AXIS,
            )?;
            // The median with a white halo, so that it stays visible over dark dots.
            c.vline(p(q2), cy - half, cy + half, line * 3.0, WHITE)?;
            c.vline(p(q2), cy - half, cy + half, line * 1.6, TEXT)?;
        }
        c.vline(plot.x0, plot.y0, plot.y1, st.line(), AXIS)
    }
}
