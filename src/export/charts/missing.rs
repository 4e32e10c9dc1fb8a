//! Figure 8: the papers the list is missing, in two panels: the top foundations (outside the
//! catalogue, cited by many catalogue papers) and the top candidates (outside, citing many), as
//! bars by score, coloured by the mechanism their catalogue neighbours predict.

use anyhow::Result;

use super::canvas::Canvas;
use super::palette::Palette;
use super::parts::{
    draw_empty, draw_heading, draw_title, empty_height, heading_height, title_height, Bar, BarList,
    LegendBlock,
};
use super::style::Style;
use super::text::left_out;
use super::Chart;
use crate::analysis::{Analysis, MissingKind};
use crate::export::labels::{one_line, paper_name};

/// Papers per panel.
const TOP: usize = 10;

struct Panel {
    heading: String,
    bars: BarList,
}

pub(super) struct Missing {
    panels: Vec<Panel>,
    legend: LegendBlock,
    /// Missing papers without a finite score, left out.
    skipped: usize,
}

impl Missing {
    pub fn new(analysis: &Analysis, groups: &Palette) -> Self {
        let mut used = Vec::new();
        let mut panels = Vec::new();
        for (kind, heading) in [
            (
                MissingKind::Foundation,
                "Foundations: cited by the catalogue, not in it",
            ),
            (
                MissingKind::Candidate,
                "Candidates: citing the catalogue, not in it",
            ),
        ] {
            let mut papers: Vec<_> = analysis
                .missing
                .iter()
                // In-scope papers only: background landmarks are not entries for the list.
                .filter(|m| {
                    m.kind == kind
                        && m.scope == crate::analysis::MissingScope::InScope
                        && m.score.is_finite()
                })
                .collect();
            papers.sort_by(|a, b| b.score.total_cmp(&a.score));
            papers.truncate(TOP);
            if papers.is_empty() {
                continue;
            }
            let bars = papers
                .iter()
                .map(|m| {
                    used.push(m.predicted_mechanism.as_str());
                    // A paper with no title is named by its id.
                    let label = if one_line(&m.title).is_empty() {
                        one_line(&m.paper_id)
                    } else {
                        paper_name(None, &m.title)
                    };
                    Bar {
                        label,
                        suffix: m.year.map(|y| format!("({y})")).unwrap_or_default(),
                        value: m.score,
                        color: groups.color_of(&m.predicted_mechanism),
                        note: String::new(),
                    }
                })
                .collect();
            panels.push(Panel {
                heading: heading.to_string(),
                bars: BarList {
                    bars,
                    axis_title: "Score".to_string(),
                    // A missing paper is known by its title alone: give the titles more room.
                    label_share: 0.56,
                    limit: None,
                    zoom: false,
                    note: String::new(),
                },
            });
        }
        let entries = super::parts::swatches(groups.legend_for(used));
        Missing {
            panels,
            legend: LegendBlock::new(entries, Some("Predicted mechanism")),
            skipped: analysis
                .missing
                .iter()
                .filter(|m| !m.score.is_finite())
                .count(),
        }
    }

    fn heading_gap(st: &Style) -> f64 {
        st.px(14.0)
    }

    fn panel_gap(st: &Style) -> f64 {
        st.px(40.0)
    }
}

impl Chart for Missing {
    fn title(&self) -> String {
        "Papers the list is missing".to_string()
    }

    fn caption(&self) -> String {
        let mut caption = format!(
            "The top {TOP} papers outside the catalogue of each kind, by the analysis's score: \
             foundations are cited by many catalogue papers, candidates cite many. Labelled by \
             short title and year; coloured by the mechanism their catalogue neighbours \
             predict."
        );
        caption.push_str(&left_out(self.skipped, "without a valid score"));
        caption
    }

    fn height(&self, st: &Style) -> f64 {
        if self.panels.is_empty() {
            return empty_height(st);
        }
        let panels: f64 = self
            .panels
            .iter()
            .map(|p| Self::heading_gap(st) + heading_height(st) + p.bars.height(st))
            .sum();
        let gaps = Self::panel_gap(st) * (self.panels.len() - 1) as f64;
        title_height(st) + panels + gaps + self.legend.height(st) + st.margin()
    }

    fn draw(&self, c: &Canvas, st: &Style) -> Result<()> {
        if self.panels.is_empty() {
            return draw_empty(
                c,
                st,
                &self.title(),
                "The analysis found no foundation or candidate outside the catalogue.",
            );
        }
        let mut y = draw_title(c, st, &self.title())?;
        for (i, panel) in self.panels.iter().enumerate() {
            if i > 0 {
                y += Self::panel_gap(st);
            }
            y += Self::heading_gap(st);
            y += draw_heading(c, st, &panel.heading, st.margin(), y)?;
            panel.bars.draw(c, st, y)?;
            y += panel.bars.height(st);
        }
        self.legend.draw(c, st, y)
    }
}
