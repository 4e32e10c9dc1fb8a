//! Figure 7: how citations are distributed over the catalogue, log-log. For each count x, the
//! share of catalogue papers cited at least x times (the complementary cumulative distribution,
//! which shows a heavy tail as a straight-ish line without binning choices), once for citations
//! from all of Semantic Scholar and once for citations from other catalogue papers.

use anyhow::Result;

use super::canvas::{cap_height, line_height, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Rgb, TEXT};
use super::scale::{log_ticks, Scale};
use super::style::Style;
use super::text::fit_text;
use super::widgets::{
    draw_marker, draw_x_axis, draw_y_axis, x_axis_height, y_axis_width, AxisStyle, LegendBlock,
    LegendEntry, Marker, Rect,
};
use super::Chart;
use crate::analysis::Analysis;

/// Okabe-Ito blue and vermillion, with different markers so that grayscale still tells them
/// apart; not mechanism colours in meaning, and the legend says so.
const SERIES: [(Rgb, Marker); 2] = [
    ((0x00, 0x5F, 0x9E), Marker::Circle),
    ((0xD8, 0x61, 0x08), Marker::Triangle),
];

struct Series {
    label: String,
    /// The label's first words, naming the series in the note on left-out papers.
    short: String,
    /// (x, share of papers with at least x), x ≥ 1, increasing x.
    points: Vec<(f64, f64)>,
    papers: usize,
    zeros: usize,
}

impl Series {
    fn new(label: &str, short: &str, mut values: Vec<u64>) -> Self {
        values.sort_unstable();
        let n = values.len();
        let zeros = values.iter().take_while(|&&v| v == 0).count();
        let mut points = Vec::new();
        let mut i = zeros;
        while i < n {
            let v = values[i];
            points.push((v as f64, (n - i) as f64 / n as f64));
            while i < n && values[i] == v {
                i += 1;
            }
        }
        Series {
            label: label.to_string(),
            short: short.to_string(),
            points,
            papers: n,
            zeros,
        }
    }
}

pub(super) struct CitationDistribution {
    series: Vec<Series>,
}

impl CitationDistribution {
    pub fn new(analysis: &Analysis) -> Self {
        let catalog: Vec<_> = analysis.papers.iter().filter(|p| p.in_catalog).collect();
        let global = catalog.iter().filter_map(|p| p.citation_count).collect();
        let internal = catalog
            .iter()
            .map(|p| u64::from(p.catalog_citations))
            .collect();
        CitationDistribution {
            series: vec![
                Series::new("All citations (Semantic Scholar)", "All citations", global),
                Series::new(
                    "Citations from the catalogue",
                    "From the catalogue",
                    internal,
                ),
            ],
        }
    }

    fn drawn(&self) -> impl Iterator<Item = (usize, &Series)> {
        self.series
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.points.is_empty())
    }

    fn legend(&self) -> LegendBlock {
        let entries = self
            .drawn()
            .map(|(i, s)| LegendEntry {
                label: s.label.clone(),
                color: SERIES[i % SERIES.len()].0,
                marker: SERIES[i % SERIES.len()].1,
            })
            .collect();
        LegendBlock::new(entries, None)
    }

    /// The lines of the note on the papers a log scale cannot draw (cited 0 times), each with
    /// the index of the series whose colour it takes (`None`: the text colour): a heading, then
    /// one line when every drawn curve leaves out as many papers of as many, else one line per
    /// curve that leaves any out, named. Empty when none is left out.
    fn zero_notes(&self) -> Vec<(String, Option<usize>)> {
        let counts: Vec<(usize, usize, usize)> = self
            .drawn()
            .filter(|(_, s)| s.zeros > 0)
            .map(|(i, s)| (i, s.zeros, s.papers))
            .collect();
        let of = |zeros: usize, papers: usize| {
            let noun = if papers == 1 { "paper" } else { "papers" };
            format!("{zeros} of {papers} {noun}")
        };
        let drawn = self.drawn().count();
        let lines = match counts.as_slice() {
            [] => return Vec::new(),
            [(i, zeros, papers)] if drawn == 1 => vec![(of(*zeros, *papers), Some(*i))],
            [(_, zeros, papers), rest @ ..]
                if counts.len() == drawn
                    && rest.iter().all(|&(_, z, p)| (z, p) == (*zeros, *papers)) =>
            {
                let each = if drawn == 2 {
                    "both curves"
                } else {
                    "every curve"
                };
                vec![(format!("{}, {each}", of(*zeros, *papers)), None)]
            }
            _ => counts
                .iter()
                .map(|&(i, zeros, papers)| {
                    (
                        format!("{}: {}", self.series[i].short, of(zeros, papers)),
                        Some(i),
                    )
                })
                .collect(),
        };
        std::iter::once(("Never cited, not drawn:".to_string(), None))
            .chain(lines)
            .collect()
    }

    fn plot_height(st: &Style) -> f64 {
        st.px(640.0)
    }
}

impl Chart for CitationDistribution {
    fn title(&self) -> String {
        "Citation distribution".to_string()
    }

    fn caption(&self) -> String {
        let mut caption = "Share of catalogue papers cited at least x times (complementary \
                           cumulative distribution), log-log: citations from all of Semantic \
                           Scholar, and from other catalogue papers."
            .to_string();
        for s in &self.series {
            caption.push_str(&format!(
                " {}: {} papers, {} never cited (not drawn on the log scale).",
                s.label, s.papers, s.zeros
            ));
        }
        caption
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        top + st.px(10.0)
            + Self::plot_height(st)
            + x_axis_height(st, true)
            + self.legend().height(st)
            + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.drawn().next().is_none().then_some(
            "No catalogue paper has been cited, in the catalogue or on Semantic Scholar.",
        )
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let points = || self.drawn().flat_map(|(_, s)| s.points.iter());
        let max_x = points().map(|p| p.0).fold(1.0, f64::max);
        let min_y = points().map(|p| p.1).fold(1.0, f64::min);
        let x_scale = Scale::log(1.0, max_x);
        let y_scale = Scale::log(min_y, 1.0);
        let x_ticks = log_ticks(&x_scale);
        let y_ticks = log_ticks(&y_scale);
        let plot = Rect {
            x0: st.margin() + y_axis_width(st, &y_ticks, true),
            y0: top + st.px(10.0),
            x1: st.width - st.margin() - st.px(24.0),
            y1: top + st.px(10.0) + Self::plot_height(st),
        };
        let axis = AxisStyle::grid().inset(st.px(14.0));
        draw_y_axis(
            c,
            st,
            &plot,
            &y_scale,
            &y_ticks,
            "Share of papers cited ≥ x times",
            axis,
        )?;
        draw_x_axis(
            c,
            st,
            &plot,
            &x_scale,
            &x_ticks,
            "Citations x (log scale)",
            axis,
        )?;
        let marker = st.px(20.0);
        for (i, series) in self.drawn() {
            let (color, shape) = SERIES[i % SERIES.len()];
            let path: Vec<(f64, f64)> = series
                .points
                .iter()
                .map(|&(x, y)| (axis.x(&x_scale, &plot, x), axis.y(&y_scale, &plot, y)))
                .collect();
            c.polyline(&path, st.line(), color)?;
            for &(x, y) in &path {
                draw_marker(c, st, shape, x, y, marker, color)?;
            }
        }
        // How many papers each curve leaves out, in its colour, in the top right corner, which
        // a falling CCDF never reaches: a count of zero has no place on a log scale.
        let note_size = st.small_size();
        let mut y = plot.y0 + st.gap() + cap_height(note_size);
        for (note, series) in self.zero_notes() {
            let color = series.map_or(TEXT, |i| SERIES[i % SERIES.len()].0);
            let spec = TextSpec::new(note_size, color).align(HAlign::Right, VAlign::Baseline);
            let note = fit_text(&note, note_size, false, plot.width() - st.px(40.0));
            c.text(&note, plot.x1 - st.gap(), y, &spec)?;
            y += line_height(note_size);
        }
        // The legend under the plot: inside, a steep catalogue curve can cross any corner.
        self.legend().draw(c, st, plot.y1 + x_axis_height(st, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(series: Vec<Series>) -> CitationDistribution {
        CitationDistribution { series }
    }

    fn heading() -> (String, Option<usize>) {
        ("Never cited, not drawn:".to_string(), None)
    }

    #[test]
    fn equal_counts_of_never_cited_papers_are_said_once() {
        let both = chart(vec![
            Series::new("A (S2)", "A", vec![0, 0, 1, 5]),
            Series::new("B (catalogue)", "B", vec![0, 3, 0, 2]),
        ]);
        assert_eq!(
            both.zero_notes(),
            vec![heading(), ("2 of 4 papers, both curves".to_string(), None)]
        );
    }

    #[test]
    fn different_counts_are_said_per_curve_in_its_colour() {
        let apart = chart(vec![
            Series::new("A (S2)", "All citations", vec![0, 1, 1, 5]),
            Series::new("B (catalogue)", "From the catalogue", vec![0, 0, 0, 2]),
        ]);
        assert_eq!(
            apart.zero_notes(),
            vec![
                heading(),
                ("All citations: 1 of 4 papers".to_string(), Some(0)),
                ("From the catalogue: 3 of 4 papers".to_string(), Some(1)),
            ]
        );
        // A curve that leaves none out is not named; the other still is.
        let one = chart(vec![
            Series::new("A (S2)", "All citations", vec![1, 1, 5]),
            Series::new("B (catalogue)", "From the catalogue", vec![0, 0, 2]),
        ]);
        assert_eq!(
            one.zero_notes(),
            vec![
                heading(),
                ("From the catalogue: 2 of 3 papers".to_string(), Some(1))
            ]
        );
        // Nothing left out, nothing said.
        let none = chart(vec![Series::new("A (S2)", "A", vec![1, 2])]);
        assert!(none.zero_notes().is_empty());
    }
}
