//! Figure 4: the most influential catalogue papers, as horizontal bars by influence score,
//! coloured by the paper's first mechanism and labelled by method abbreviation or short title.

use anyhow::Result;

use super::canvas::Canvas;
use super::palette::Palette;
use super::style::Style;
use super::text::left_out;
use super::widgets::{Bar, BarList, LegendBlock};
use super::Chart;
use crate::analysis::{Analysis, InfluenceScore, InfluentialPaper};
use crate::catalog::UNSPECIFIED;
use crate::render::labels::figure_paper_label;

/// How many papers the figure ranks at one column; a wider figure ranks more
/// ([`Style::list_rows`]).
const TOP: usize = 20;

pub(super) struct TopInfluential {
    bars: BarList,
    legend: LegendBlock,
    skipped: usize,
    /// `--hide-unspecified`: the papers without a mechanism that would rank among these.
    hidden: Option<usize>,
    /// The score (`--influence`).
    influence: InfluenceScore,
}

impl TopInfluential {
    pub fn new(analysis: &Analysis, groups: &Palette, st: &Style) -> Self {
        let top = st.list_rows(TOP);
        let mut ranked: Vec<_> = analysis
            .influential
            .iter()
            .filter(|p| p.score.is_finite())
            .collect();
        let skipped = analysis.influential.len() - ranked.len();
        // By score, then by the analysis's rank, so ties keep its order.
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.rank.cmp(&b.rank)));
        // With Unspecified hidden, the papers without a mechanism make room for the next ones.
        let mut hidden = 0;
        if groups.hides_unspecified() {
            let mut kept = Vec::new();
            for paper in ranked {
                if kept.len() == top {
                    break;
                }
                if Palette::is_unspecified(&paper.mechanisms) {
                    hidden += 1;
                } else {
                    kept.push(paper);
                }
            }
            ranked = kept;
        }
        ranked.truncate(top);
        // A paper without a mechanism is drawn as unspecified.
        let first = |p: &InfluentialPaper| -> String {
            p.mechanisms
                .first()
                .cloned()
                .unwrap_or_else(|| UNSPECIFIED.to_string())
        };
        let bars = ranked
            .iter()
            .map(|p| {
                let (label, suffix) =
                    figure_paper_label(p.abbreviation.as_deref(), &p.title, p.year);
                Bar {
                    label,
                    suffix,
                    value: p.score,
                    color: groups.color_of(&first(p)),
                    // Scores near the top are close by construction (a mean of percentile
                    // ranks): the count of catalogue papers citing it tells them apart.
                    note: format!("({})", p.catalog_citations),
                    hatched: false,
                }
            })
            .collect();
        let firsts: Vec<String> = ranked.iter().map(|p| first(p)).collect();
        let entries =
            super::widgets::swatches(groups.legend_for(firsts.iter().map(String::as_str)));
        let bars = BarList {
            bars,
            axis_title: match analysis.summary.influence {
                InfluenceScore::Classic => "Influence score",
                InfluenceScore::AgeFair => "Age-fair influence score",
            }
            .to_string(),
            label_share: 0.48,
            limit: Some(1.0),
            // The top scores are close by construction (a weighted mean of percentiles).
            zoom: true,
            note: if groups.hides_unspecified() {
                format!(
                    "(n): how many catalogue papers cite the paper. Unspecified hidden \
                         ({hidden} left out)."
                )
            } else {
                "(n): how many catalogue papers cite the paper".to_string()
            },
            align_labels_to: 0.0,
            // Two lines of whole words rather than a title cut to its first word.
            label_lines: 2,
        };
        // Beside the plot when the labels stay whole on one line there, else below, where the
        // labels get the width the legend would take: a legend beside a list of two-line labels
        // left a third of a two-column figure empty under it.
        let mut legend = LegendBlock::new(entries, Some("First mechanism"));
        let one_line = BarList {
            label_lines: 1,
            ..bars.clone()
        };
        if !one_line.labels_fit(&legend.plot_style(st)) {
            legend = legend.keep_below();
        }
        TopInfluential {
            influence: analysis.summary.influence,
            bars,
            legend,
            skipped,
            hidden: groups.hides_unspecified().then_some(hidden),
        }
    }
}

impl Chart for TopInfluential {
    fn title(&self) -> String {
        let for_age = match self.influence {
            InfluenceScore::Classic => "",
            InfluenceScore::AgeFair => " for their age",
        };
        match self.bars.bars.len() {
            0 => format!("The most influential papers{for_age}"),
            1 => format!(
                "The most influential paper{}",
                for_age.replace("their", "its")
            ),
            n => format!("The {n} most influential papers{for_age}"),
        }
    }

    fn caption(&self) -> String {
        let mut caption = format!(
            "The {} catalogue papers with the highest influence score ({}), labelled by method \
             abbreviation (or short title) and year, coloured by their first mechanism. After \
             each bar: the score, and in parentheses how many catalogue papers cite the paper. \
             When the scores lie close together the axis starts above 0 (marked by a break), \
             so that their differences show.",
            self.bars.bars.len(),
            self.influence.formula()
        );
        caption.push_str(&left_out(self.skipped, "without a valid score"));
        match self.hidden {
            Some(0) => caption.push_str(" Unspecified (no mechanism badge) is hidden."),
            Some(1) => caption.push_str(
                " Unspecified is hidden: 1 paper without a mechanism badge that ranks among \
                 these is left out.",
            ),
            Some(n) => caption.push_str(&format!(
                " Unspecified is hidden: {n} papers without a mechanism badge that rank among \
                 these are left out."
            )),
            None => {}
        }
        caption
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        let plot = self.legend.plot_style(st);
        top + self.bars.height(&plot).max(self.legend.side_height(st))
            + self.legend.below_height(st)
            + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.bars
            .bars
            .is_empty()
            .then_some("No catalogue paper has an influence score.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let plot = self.legend.plot_style(st);
        self.bars.draw(c, &plot, top)?;
        self.legend
            .draw_placed(c, st, top, top + self.bars.height(&plot))
    }
}
