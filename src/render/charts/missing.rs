//! Figure 8: the papers the list is missing, in two panels: the top foundations (outside the
//! catalogue, cited by many catalogue papers) and the top candidates (outside, citing many), as
//! bars by score, coloured by the mechanism their catalogue neighbours predict. A paper whose
//! neighbours point to no mechanism (`uncertain`) is drawn hatched gray and named so in the
//! legend; `--hide-unspecified` leaves those and the `unspecified` ones out and ranks the next.

use anyhow::Result;

use super::canvas::Canvas;
use super::palette::{Palette, MUTED};
use super::style::Style;
use super::text::left_out;
use super::widgets::{
    draw_heading, heading_height, swatches, Bar, BarList, LegendBlock, LegendEntry, Marker,
};
use super::Chart;
use crate::analysis::{
    Analysis, MissingKind, MissingPaper, MECHANISM_MIN_CONFIDENCE, MECHANISM_MIN_LIFT, UNCERTAIN,
};
use crate::catalog::UNSPECIFIED;
use crate::render::labels::{one_line, paper_name};

/// Papers per panel at one column; a wider figure lists more ([`Style::list_rows`]).
const TOP: usize = 10;

/// The legend's name for the mechanisms past the named ones (the palette's "Other").
const OTHER_LABEL: &str = "Other mechanisms";

/// The legend's name for the `uncertain` prediction.
pub(super) const UNCERTAIN_LABEL: &str = "Uncertain (none clear)";

struct Panel {
    heading: String,
    bars: BarList,
}

impl Panel {
    /// A panel of `bars` by score under `heading`.
    fn new(heading: &str, bars: Vec<Bar>) -> Self {
        Panel {
            heading: heading.to_string(),
            bars: BarList {
                bars,
                axis_title: "Score".to_string(),
                // A missing paper is known by its title alone: give the titles more room.
                label_share: 0.56,
                limit: None,
                zoom: false,
                note: String::new(),
                align_labels_to: 0.0,
                label_lines: 1,
            },
        }
    }
}

pub(super) struct Missing {
    panels: Vec<Panel>,
    legend: LegendBlock,
    /// Missing papers without a finite score, left out.
    skipped: usize,
    /// Papers per panel.
    top: usize,
    /// `--hide-unspecified`: the papers predicted `uncertain` or `unspecified` that would rank
    /// among those shown, left out.
    hidden: Option<usize>,
}

impl Missing {
    pub fn new(analysis: &Analysis, groups: &Palette, st: &Style) -> Self {
        let top = st.list_rows(TOP);
        let hide = groups.hides_unspecified();
        let mut hidden = 0;
        let mut used = Vec::new();
        let mut uncertain = false;
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
            let (papers, left_out) = panel_papers(analysis, kind, top, hide);
            hidden += left_out;
            if papers.is_empty() {
                continue;
            }
            for m in &papers {
                if m.predicted_mechanism == UNCERTAIN {
                    uncertain = true;
                } else {
                    used.push(m.predicted_mechanism.as_str());
                }
            }
            let bars = papers.iter().map(|m| missing_bar(m, groups)).collect();
            panels.push(Panel::new(heading, bars));
        }
        let entries = legend_entries(groups, used, uncertain);
        if hide {
            // Said under the last panel, for a figure that travels without its caption.
            if let Some(last) = panels.last_mut() {
                last.bars.note = match hidden {
                    1 => "Unspecified and uncertain hidden: 1 paper left out.".to_string(),
                    n => format!("Unspecified and uncertain hidden: {n} papers left out."),
                };
            }
        }
        // Both panels start their bars at the same x.
        let widest = panels
            .iter()
            .map(|p| p.bars.widest_label(st))
            .fold(0.0, f64::max);
        for panel in &mut panels {
            panel.bars.align_labels_to = widest;
        }
        // Beside the plot when the titles stay whole there, else below.
        let mut legend = LegendBlock::new(entries, Some("Predicted mechanism"));
        let beside = legend.plot_style(st);
        if !panels.iter().all(|p| p.bars.labels_fit(&beside)) {
            legend = legend.keep_below();
        }
        Missing {
            panels,
            legend,
            skipped: analysis
                .missing
                .iter()
                .filter(|m| !m.score.is_finite())
                .count(),
            top,
            hidden: hide.then_some(hidden),
        }
    }

    fn heading_gap(st: &Style) -> f64 {
        st.px(14.0)
    }

    fn panel_gap(st: &Style) -> f64 {
        st.px(40.0)
    }
}

/// The top in-scope missing papers of `kind` with a finite score, at most `top`, and how many
/// `hide` (`--hide-unspecified`) left out among them. In scope only: background landmarks are
/// not entries for the list.
fn panel_papers(
    analysis: &Analysis,
    kind: MissingKind,
    top: usize,
    hide: bool,
) -> (Vec<&MissingPaper>, usize) {
    let mut hidden = 0;
    let mut papers = analysis.ranked_in_scope(kind);
    papers.retain(|m| m.score.is_finite());
    if hide {
        // As Fig. 4 does: the papers without a predicted mechanism make room for the next ones.
        let mut kept = Vec::new();
        for paper in papers {
            if kept.len() == top {
                break;
            }
            if no_mechanism(&paper.predicted_mechanism) {
                hidden += 1;
            } else {
                kept.push(paper);
            }
        }
        papers = kept;
    }
    papers.truncate(top);
    (papers, hidden)
}

/// A missing paper's bar: named by its title (by its id when it has none) and year, its score,
/// coloured by its predicted mechanism; hatched gray when the prediction is `uncertain`.
fn missing_bar(m: &MissingPaper, groups: &Palette) -> Bar {
    let is_uncertain = m.predicted_mechanism == UNCERTAIN;
    let label = if one_line(&m.title).is_empty() {
        one_line(&m.paper_id)
    } else {
        paper_name(None, &m.title)
    };
    Bar {
        label,
        suffix: m.year.map(|y| format!("({y})")).unwrap_or_default(),
        value: m.score,
        color: if is_uncertain {
            MUTED
        } else {
            groups.color_of(&m.predicted_mechanism)
        },
        note: String::new(),
        hatched: is_uncertain,
    }
}

/// The legend's entries: the mechanisms `used`, "Other" renamed [`OTHER_LABEL`] (a mechanism
/// outside the named ones, not a missing prediction), and the hatched `uncertain` entry when
/// a bar has it.
fn legend_entries(groups: &Palette, used: Vec<&str>, uncertain: bool) -> Vec<LegendEntry> {
    let mut entries = swatches(
        groups
            .legend_for(used)
            .into_iter()
            .map(|(label, color)| match label.as_str() {
                "Other" => (OTHER_LABEL.to_string(), color),
                _ => (label, color),
            })
            .collect(),
    );
    if uncertain {
        entries.push(LegendEntry {
            label: UNCERTAIN_LABEL.to_string(),
            color: MUTED,
            marker: Marker::Hatch,
        });
    }
    entries
}

/// Whether a prediction names no mechanism: `uncertain`, or `unspecified` (the neighbours carry
/// no mechanism badge).
fn no_mechanism(predicted: &str) -> bool {
    predicted == UNCERTAIN || predicted == UNSPECIFIED
}

impl Chart for Missing {
    fn title(&self) -> String {
        "Papers the list is missing".to_string()
    }

    fn caption(&self) -> String {
        let mut caption = format!(
            "The top {} papers outside the catalogue of each kind, by the analysis's score: \
             foundations are cited by many catalogue papers, candidates cite many. Labelled by \
             short title and year; coloured by the mechanism their catalogue neighbours \
             predict.",
            self.top
        );
        match self.hidden {
            None => caption.push_str(&format!(
                " Hatched gray, uncertain: the neighbours point to no mechanism clearly (none \
                 carried by at least {:.0}% of them reaches {MECHANISM_MIN_LIFT} times its share \
                 of the catalogue); light gray, unspecified: the neighbours carry no mechanism \
                 badge.",
                100.0 * MECHANISM_MIN_CONFIDENCE
            )),
            Some(1) => caption.push_str(
                " Unspecified and uncertain are hidden: 1 paper without a predicted mechanism \
                 (its neighbours carry no badge or point to none clearly) that ranks among \
                 these is left out.",
            ),
            Some(n) => caption.push_str(&format!(
                " Unspecified and uncertain are hidden: {n} papers without a predicted \
                 mechanism (their neighbours carry no badge or point to none clearly) that \
                 rank among these are left out."
            )),
        }
        caption.push_str(&left_out(self.skipped, "without a valid score"));
        caption
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        let plot = self.legend.plot_style(st);
        let panels: f64 = self
            .panels
            .iter()
            .map(|p| Self::heading_gap(st) + heading_height(st) + p.bars.height(&plot))
            .sum();
        let gaps = Self::panel_gap(st) * (self.panels.len() - 1) as f64;
        top + (panels + gaps).max(self.legend.side_height(st))
            + self.legend.below_height(st)
            + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.panels
            .is_empty()
            .then_some("The analysis found no foundation or candidate outside the catalogue.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let plot = self.legend.plot_style(st);
        let mut y = top;
        for (i, panel) in self.panels.iter().enumerate() {
            if i > 0 {
                y += Self::panel_gap(st);
            }
            y += Self::heading_gap(st);
            y += draw_heading(c, &plot, &panel.heading, st.margin(), y)?;
            panel.bars.draw(c, &plot, y)?;
            y += panel.bars.height(&plot);
        }
        self.legend
            .draw_placed(c, st, top + Self::heading_gap(st), y)
    }
}
