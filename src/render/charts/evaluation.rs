//! The leave-one-out evaluation (`figures/evaluation`): recall@k of the held-out papers for
//! citegraph's ranking and the two baselines, pooled over the repeats (line and markers), with
//! the range of the repeats as error bars.

use anyhow::Result;

use super::canvas::Canvas;
use super::palette::Rgb;
use super::scale::{Scale, Tick};
use super::style::Style;
use super::widgets::{
    draw_x_axis, draw_y_axis, x_axis_height, y_axis_width, AxisStyle, LegendBlock, LegendEntry,
    Marker, Rect,
};
use super::Chart;
use crate::analysis::evaluate::{Evaluation, Method, RECALL_AT};

/// Colours told apart in colour-blind vision (Okabe & Ito): citegraph dark blue, the
/// baselines orange and grey.
fn color(method: Method) -> Rgb {
    match method {
        Method::Citegraph => (0x00, 0x5A, 0x9C),
        Method::CatalogLinks => (0xD5, 0x5E, 0x00),
        Method::Pagerank => (0x7F, 0x7F, 0x7F),
    }
}

/// One method's pooled recall and the repeats' range at each k.
struct Curve {
    method: Method,
    /// (k, pooled recall, smallest, largest).
    points: Vec<(usize, f64, f64, f64)>,
}

pub(crate) struct EvaluationChart {
    curves: Vec<Curve>,
    repeats: usize,
    held_out: usize,
    holdout: f64,
}

impl EvaluationChart {
    pub fn new(evaluation: &Evaluation) -> Self {
        let curves = Method::ALL
            .iter()
            .map(|&method| Curve {
                method,
                points: RECALL_AT
                    .iter()
                    .filter_map(|&k| {
                        let row = evaluation.pooled(method, k)?;
                        Some((
                            k,
                            row.recall,
                            row.recall_min.unwrap_or(row.recall),
                            row.recall_max.unwrap_or(row.recall),
                        ))
                    })
                    .collect(),
            })
            .filter(|c| !c.points.is_empty())
            .collect();
        let held_out = evaluation
            .pooled(Method::Citegraph, RECALL_AT[0])
            .map_or(0, |r| r.held_out);
        EvaluationChart {
            curves,
            repeats: evaluation.repeats,
            held_out,
            holdout: evaluation.holdout,
        }
    }

    fn plot_height(st: &Style) -> f64 {
        st.px(620.0)
    }

    fn legend(&self) -> LegendBlock {
        LegendBlock::new(
            self.curves
                .iter()
                .map(|c| LegendEntry {
                    label: c.method.label().to_string(),
                    color: color(c.method),
                    marker: Marker::Circle,
                })
                .collect(),
            None,
        )
    }
}

impl Chart for EvaluationChart {
    fn title(&self) -> String {
        "Held-out recall@k: citegraph against two baselines".to_string()
    }

    fn caption(&self) -> String {
        format!(
            "Leave-one-out on the list itself: in each of {} repeats, {:.0}% of the catalogue \
             papers (stratified by mechanism and year) are held out and analysed as if never \
             listed. The share of them ({} in all) found among the first k in-scope missing \
             papers of their kind, pooled over the repeats, for citegraph's ranking and two \
             baselines ranking the same rows by catalogue links alone and by PageRank alone; \
             bars span the smallest and largest recall of a repeat.",
            self.repeats,
            self.holdout * 100.0,
            self.held_out
        )
    }

    fn empty_reason(&self) -> Option<&'static str> {
        (self.held_out == 0).then_some("No catalogue paper could be held out (fewer than two).")
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        top + st.px(10.0)
            + Self::plot_height(st)
            + x_axis_height(st, true)
            + self.legend().height(st)
            + st.margin()
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let y_scale = Scale::linear(0.0, 1.0);
        let y_ticks: Vec<Tick> = (0..=5)
            .map(|i| Tick {
                value: f64::from(i) * 0.2,
                label: format!("{:.1}", f64::from(i) * 0.2),
            })
            .collect();
        let last = RECALL_AT[RECALL_AT.len() - 1] as f64;
        let x_scale = Scale::linear(0.0, last * 1.05);
        let x_ticks: Vec<Tick> = RECALL_AT
            .iter()
            .map(|&k| Tick {
                value: k as f64,
                label: k.to_string(),
            })
            .collect();
        let plot = Rect {
            x0: st.margin() + y_axis_width(st, &y_ticks, true),
            y0: top + st.px(10.0),
            x1: st.width - st.margin() - st.px(10.0),
            y1: top + st.px(10.0) + Self::plot_height(st),
        };
        let axis = AxisStyle::grid();
        draw_y_axis(
            c,
            st,
            &plot,
            &y_scale,
            &y_ticks,
            "Recall of held-out papers",
            axis,
        )?;
        draw_x_axis(
            c,
            st,
            &plot,
            &x_scale,
            &x_ticks,
            "k (first k in-scope rows)",
            axis,
        )?;
        let x = |k: f64| axis.x(&x_scale, &plot, k);
        let y = |v: f64| axis.y(&y_scale, &plot, v);
        // The methods' bars side by side at each k, so that equal ranges do not hide each other.
        let spread = st.px(14.0);
        let middle = (self.curves.len() as f64 - 1.0) / 2.0;
        for (i, curve) in self.curves.iter().enumerate() {
            let shift = (i as f64 - middle) * spread;
            let colour = color(curve.method);
            let line: Vec<(f64, f64)> = curve
                .points
                .iter()
                .map(|&(k, recall, _, _)| (x(k as f64) + shift, y(recall)))
                .collect();
            c.polyline(&line, st.line() * 1.5, colour)?;
            for &(k, recall, lo, hi) in &curve.points {
                let cx = x(k as f64) + shift;
                c.vline(cx, y(hi), y(lo), st.line(), colour)?;
                let cap = st.px(7.0);
                c.hline(cx - cap, cx + cap, y(hi), st.line(), colour)?;
                c.hline(cx - cap, cx + cap, y(lo), st.line(), colour)?;
                c.circle(cx, y(recall), st.px(9.0), colour, None)?;
            }
        }
        self.legend().draw(c, st, plot.y1 + x_axis_height(st, true))
    }
}
