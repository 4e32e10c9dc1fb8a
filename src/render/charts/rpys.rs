//! Reference publication year spectroscopy (Marx et al. 2014): the catalogue's references per
//! cited year (bars) and each year's deviation from the median of the five years around it
//! (line); the highest peaks are numbered and their most-cited papers named under the plot.

use anyhow::Result;

use super::canvas::{line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Rgb, AXIS, TEXT, WHITE};
use super::scale::{linear_ticks, nice_max, Scale, Tick};
use super::style::Style;
use super::text::wrap_text_complete;
use super::widgets::{
    draw_x_axis, draw_y_axis, x_axis_height, y_axis_width, AxisStyle, LegendBlock, LegendEntry,
    Marker, Rect,
};
use super::Chart;
use crate::analysis::time::RpysRow;
use crate::analysis::Analysis;

const BARS: Rgb = (0x9D, 0xB4, 0xCC);
const DEVIATION: Rgb = (0xD8, 0x61, 0x08);
const PEAK: Rgb = (0x1A, 0x1A, 0x1A);

struct Peak {
    year: i32,
    references: u64,
    deviation: i64,
    /// "Title (n)" of its most-cited papers.
    papers: Vec<String>,
}

pub(super) struct Rpys {
    rows: Vec<RpysRow>,
    peaks: Vec<Peak>,
}

impl Rpys {
    pub fn new(analysis: &Analysis) -> Self {
        let peaks = analysis
            .time
            .rpys_peaks
            .iter()
            .map(|p| Peak {
                year: p.year,
                references: p.references,
                deviation: p.median_deviation,
                papers: p
                    .papers
                    .iter()
                    .map(|paper| {
                        format!(
                            "{} ({})",
                            crate::render::labels::paper_name(None, &paper.title),
                            paper.references
                        )
                    })
                    .collect(),
            })
            .collect();
        Rpys {
            rows: analysis.time.rpys.clone(),
            peaks,
        }
    }

    fn plot_height(st: &Style) -> f64 {
        st.px(560.0)
    }

    fn legend(&self) -> LegendBlock {
        LegendBlock::new(
            vec![
                LegendEntry::swatch("References per cited year", BARS),
                LegendEntry {
                    label: "Deviation from the 5-year median".to_string(),
                    color: DEVIATION,
                    marker: Marker::Circle,
                },
            ],
            None,
        )
    }

    /// Each peak's note, wrapped to at most two lines.
    fn notes(&self, st: &Style) -> Vec<Vec<String>> {
        self.peaks
            .iter()
            .enumerate()
            .map(|(i, peak)| {
                let head = format!(
                    "{}. {} ({} references, +{}): ",
                    i + 1,
                    peak.year,
                    peak.references,
                    peak.deviation
                );
                let width = st.width - 2.0 * st.margin() - st.px(30.0);
                let wrap = |names: &str| {
                    wrap_text_complete(&(head.clone() + names), st.small_size(), false, width, 2)
                };
                if peak.papers.is_empty() {
                    return wrap("(no paper named)").0;
                }
                // As many whole paper names as two lines hold ("…" for the rest), so that no
                // name is cut short; the first one is cut only when it alone does not fit.
                (1..=peak.papers.len())
                    .rev()
                    .map(|k| {
                        let mut names = peak.papers[..k].join("; ");
                        if k < peak.papers.len() {
                            names.push_str("; …");
                        }
                        wrap(&names)
                    })
                    // Not a line holding "…" alone: fewer names, so it ends the one above.
                    .find(|(lines, complete)| {
                        *complete && lines.last().is_none_or(|l| l.trim() != "…")
                    })
                    .unwrap_or_else(|| wrap(&peak.papers.join("; ")))
                    .0
            })
            .collect()
    }

    fn notes_height(&self, st: &Style) -> f64 {
        let lines: usize = self.notes(st).iter().map(Vec::len).sum();
        if lines == 0 {
            0.0
        } else {
            st.px(24.0)
                + line_height(st.small_size()) * (lines as f64 + 0.3 * self.peaks.len() as f64)
        }
    }
}

impl Chart for Rpys {
    fn title(&self) -> String {
        "Reference publication year spectroscopy".to_string()
    }

    fn caption(&self) -> String {
        let references: u64 = self.rows.iter().map(|r| r.references).sum();
        format!(
            "The {references} references of catalogue papers to papers with a known year, by \
             the cited paper's year (bars), and each year's count minus the median of the five \
             years around it (line; Marx et al. 2014). Numbered peaks are the largest positive \
             deviations, named by the papers of that year the catalogue cites most (count in \
             parentheses): the field's historical roots."
        )
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        top + st.px(10.0)
            + Self::plot_height(st)
            + x_axis_height(st, true)
            + self.legend().height(st)
            + self.notes_height(st)
            + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.rows
            .is_empty()
            .then_some("No catalogue paper cites a paper with a known year.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        // Never empty here: empty_reason covers that.
        let (Some(first), Some(last)) = (self.rows.first(), self.rows.last()) else {
            return Ok(());
        };
        let max = self.rows.iter().map(|r| r.references).max().unwrap_or(1) as f64;
        let min = self
            .rows
            .iter()
            .map(|r| r.median_deviation)
            .min()
            .unwrap_or(0)
            .min(0) as f64;
        let hi = nice_max(max, 5);
        let lo = if min < 0.0 { -nice_max(-min, 3) } else { 0.0 };
        let y_scale = Scale::linear(lo, hi);
        let y_ticks = linear_ticks(&y_scale, 6, false);
        let x_scale = Scale::linear(first.year as f64 - 0.5, last.year as f64 + 0.5);
        let plot = Rect {
            x0: st.margin() + y_axis_width(st, &y_ticks, true),
            y0: top + st.px(10.0),
            x1: st.width - st.margin() - st.px(10.0),
            y1: top + st.px(10.0) + Self::plot_height(st),
        };
        // As many year ticks (up to 7) as leave room between their labels.
        let size = st.tick_size();
        let x_ticks: Vec<_> = (2..=7)
            .rev()
            .map(|n| {
                linear_ticks(&x_scale, n, false)
                    .into_iter()
                    .filter(|t| t.value.fract() == 0.0)
                    .collect::<Vec<_>>()
            })
            .find(|ticks| {
                ticks.windows(2).all(|w| {
                    let apart = x_scale.map(w[1].value, plot.x0, plot.x1)
                        - x_scale.map(w[0].value, plot.x0, plot.x1);
                    let half = |t: &Tick| text_width(&t.label, size, false) / 2.0;
                    half(&w[0]) + half(&w[1]) + st.px(24.0) <= apart
                })
            })
            .unwrap_or_default();
        let axis = AxisStyle::grid();
        draw_y_axis(c, st, &plot, &y_scale, &y_ticks, "References", axis)?;
        draw_x_axis(c, st, &plot, &x_scale, &x_ticks, "Cited year", axis)?;
        let x = |year: f64| axis.x(&x_scale, &plot, year);
        let y = |v: f64| axis.y(&y_scale, &plot, v);
        let slot = (x(1.0 + first.year as f64) - x(first.year as f64)).abs();
        let half = (slot * 0.42).max(0.5);
        for r in self.rows.iter().filter(|r| r.references > 0) {
            let cx = x(r.year as f64);
            c.rect(cx - half, y(r.references as f64), cx + half, y(0.0), BARS)?;
        }
        if lo < 0.0 {
            c.hline(plot.x0, plot.x1, y(0.0), st.thin(), AXIS)?;
        }
        let line: Vec<(f64, f64)> = self
            .rows
            .iter()
            .map(|r| (x(r.year as f64), y(r.median_deviation as f64)))
            .collect();
        c.polyline(&line, st.line(), DEVIATION)?;

        // Numbered peaks above their bars.
        let radius = st.px(17.0);
        let number = TextSpec::new(st.small_size() * 0.85, WHITE)
            .bold()
            .align(HAlign::Center, VAlign::Center);
        for (i, peak) in self.peaks.iter().enumerate() {
            let cx = x(peak.year as f64);
            let cy = (y(peak.references as f64) - radius - st.px(6.0)).max(plot.y0 + radius);
            c.circle(cx, cy, radius, PEAK, None)?;
            c.text(&(i + 1).to_string(), cx, cy, &number)?;
        }
        let below = plot.y1 + x_axis_height(st, true);
        let legend = self.legend();
        legend.draw(c, st, below)?;

        let mut y_note = below + legend.height(st) + st.px(24.0);
        let size = st.small_size();
        let spec = TextSpec::new(size, TEXT).align(HAlign::Left, VAlign::Top);
        for note in self.notes(st) {
            for (k, line) in note.iter().enumerate() {
                let indent = if k == 0 { 0.0 } else { st.px(30.0) };
                c.text(line, st.margin() + indent, y_note, &spec)?;
                y_note += line_height(size);
            }
            y_note += line_height(size) * 0.3;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::time::{RpysPaper, RpysPeak};

    #[test]
    fn peak_notes_name_whole_papers() {
        super::super::style::ensure_fonts().unwrap();
        let titles = [
            "Attention is All you Need",
            "Training a subsampling mechanism in expectation",
            "Random Shifting for CNN: a solution to reduce information loss in down-sampling",
        ];
        let mut analysis = Analysis::default();
        analysis.time.rpys_peaks = vec![RpysPeak {
            year: 2017,
            references: 1130,
            median_deviation: 460,
            papers: titles
                .iter()
                .enumerate()
                .map(|(i, t)| RpysPaper {
                    paper_id: format!("p{i}"),
                    title: t.to_string(),
                    references: 100 - i as u64,
                })
                .collect(),
        }];
        let chart = Rpys::new(&analysis);
        for width in [1050, 2100, 600] {
            let st = Style::new(width);
            let notes = chart.notes(&st);
            let joined = notes[0].join(" ");
            // Every name shown is whole (with its count); the ones left out are marked "…".
            let names: Vec<&str> = joined.split_once(": ").unwrap().1.split("; ").collect();
            for name in &names {
                if *name == "…" {
                    continue;
                }
                let (paper, _) = name.rsplit_once(" (").unwrap();
                assert!(
                    titles
                        .iter()
                        .any(|t| crate::render::labels::paper_name(None, t) == paper),
                    "{width}: {name:?} in {joined:?}"
                );
            }
            assert!(notes[0].len() <= 2);
        }
        // At two columns all three fit; at one column the last is left out whole.
        let wide = chart.notes(&Style::new(2100))[0].join(" ");
        assert!(!wide.contains('…'), "{wide}");
        let narrow = chart.notes(&Style::new(1050))[0].join(" ");
        assert!(narrow.ends_with("; …"), "{narrow}");
    }
}
