//! Figure 3: citation flow between mechanisms. Rows cite columns; the number is the count, the
//! colour the share of the row's citations that go to papers with a specified mechanism (the
//! Unspecified row and column are gray, outside the scale: papers without a badge are cited so
//! much that they would take the whole colour scale, and say nothing about mechanisms); the
//! diagonal (citations within a mechanism) is outlined. Every number has one size, fitted to the
//! cells. `--hide-unspecified` drops the Unspecified row and column.

use anyhow::Result;

use super::canvas::Canvas;
use super::palette::Palette;
use super::style::Style;
use super::widgets::{draw_note, note_height, Colorbar, Heatmap};
use super::Chart;
use crate::analysis::Analysis;
use crate::catalog::UNSPECIFIED;

pub(super) struct MechanismFlow {
    labels: Vec<String>,
    counts: Vec<Vec<u64>>,
    /// The position of the Unspecified row and column, when shown.
    unspecified: Option<usize>,
    /// `--hide-unspecified`: the citations from or to a paper without a mechanism left out.
    hidden: Option<u64>,
    homophily: f64,
    homophily_expected: f64,
}

impl MechanismFlow {
    pub fn new(analysis: &Analysis, groups: &Palette) -> Self {
        let flow = &analysis.flow;
        let n = groups.groups.len();
        let mut counts = vec![vec![0u64; n]; n];
        let group_of = |i: usize| flow.labels.get(i).and_then(|l| groups.group_of(l));
        for (i, row) in flow.counts.iter().enumerate() {
            let Some(r) = group_of(i) else { continue };
            for (k, &count) in row.iter().enumerate() {
                if let Some(c) = group_of(k) {
                    counts[r][c] = counts[r][c].saturating_add(count);
                }
            }
        }
        // The same mechanisms on both axes, so that the diagonal means "within".
        let keep: Vec<usize> = (0..n)
            .filter(|&g| counts[g].iter().any(|&c| c > 0) || counts.iter().any(|r| r[g] > 0))
            .collect();
        let is_unspecified = |g: usize| groups.groups[g].members.iter().any(|m| m == UNSPECIFIED);
        let hidden = groups.hides_unspecified().then(|| {
            let unspecified = |i: usize| flow.labels.get(i).is_some_and(|l| l == UNSPECIFIED);
            flow.counts
                .iter()
                .enumerate()
                .flat_map(|(i, row)| row.iter().enumerate().map(move |(k, &c)| (i, k, c)))
                .filter(|&(i, k, _)| unspecified(i) || unspecified(k))
                .map(|(_, _, c)| c)
                .fold(0u64, u64::saturating_add)
        });
        MechanismFlow {
            unspecified: keep.iter().position(|&g| is_unspecified(g)),
            hidden,
            labels: keep
                .iter()
                .map(|&g| groups.groups[g].label.clone())
                .collect(),
            counts: keep
                .iter()
                .map(|&r| keep.iter().map(|&c| counts[r][c]).collect())
                .collect(),
            homophily: analysis.summary.homophily,
            homophily_expected: analysis.summary.homophily_expected,
        }
    }

    /// Each row's shares of its citations to specified mechanisms; NaN in the Unspecified row
    /// and column, which stay outside the colour scale.
    fn shares(&self) -> Vec<Vec<f64>> {
        let specified: Vec<Vec<u64>> = self
            .counts
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(k, &c)| if Some(k) == self.unspecified { 0 } else { c })
                    .collect()
            })
            .collect();
        let mut shares = row_shares(&specified);
        for (r, row) in shares.iter_mut().enumerate() {
            for (k, share) in row.iter_mut().enumerate() {
                if Some(r) == self.unspecified || Some(k) == self.unspecified {
                    *share = f64::NAN;
                }
            }
        }
        shares
    }

    fn note(&self, st: &Style) -> String {
        let mut note = self.colour_note();
        if !self.heatmap().shows_counts(st) {
            if !note.is_empty() {
                note.push(' ');
            }
            note.push_str(COUNTS_LEFT_OUT);
        }
        note
    }

    fn colour_note(&self) -> String {
        match self.hidden {
            Some(n) => format!(
                "Unspecified hidden: {n} citations from or to papers without a badge left out."
            ),
            None if self.unspecified.is_some() => {
                "Gray: citations from or to Unspecified, outside the colour scale.".to_string()
            }
            None => String::new(),
        }
    }

    fn heatmap(&self) -> Heatmap {
        let shares = self.shares();
        // The colour scale ends at the largest share, rounded up to a tick: row shares rarely
        // reach 100%, and a scale to 100% would leave the dark half of the colours unused.
        let largest = shares
            .iter()
            .flatten()
            .copied()
            .filter(|s| s.is_finite())
            .fold(0.0, f64::max);
        let top = super::scale::nice_max(largest, 4).clamp(0.1, 1.0);
        let fill = shares
            .iter()
            .map(|row| row.iter().map(|s| s / top).collect())
            .collect();
        Heatmap {
            rows: self.labels.clone(),
            columns: self.labels.clone(),
            fill,
            text: self
                .counts
                .iter()
                .map(|row| row.iter().map(u64::to_string).collect())
                .collect(),
            row_title: "Citing mechanism".to_string(),
            column_title: "Cited mechanism".to_string(),
            diagonal: true,
            cell_height: None,
            colorbar: Some(Colorbar {
                label: if self.unspecified.is_some() {
                    "Share of the row's citations to specified mechanisms".to_string()
                } else {
                    "Share of the row's citations".to_string()
                },
                max: top,
                percent: true,
            }),
        }
    }
}

/// The note of a heat map whose cells are too narrow for their numbers at the figure's width.
pub(crate) const COUNTS_LEFT_OUT: &str = "Numbers left out: cells too narrow at this width.";

impl Chart for MechanismFlow {
    fn title(&self) -> String {
        "Citation flow between mechanisms".to_string()
    }

    fn caption(&self) -> String {
        let total: u64 = self.counts.iter().flatten().sum();
        let mut caption = format!(
            "Citations between catalogue papers ({total} mechanism pairs), from the citing paper's \
             mechanism (rows) to the cited paper's (columns). Number: count; colour: share of \
             the row's citations{}. A citation between papers with several mechanisms counts \
             once for each pair. The outlined diagonal holds citations within a mechanism.",
            if self.unspecified.is_some() {
                " to papers with a specified mechanism (the Unspecified row and column, papers \
                 without a mechanism badge, are gray and outside the colour scale)"
            } else {
                ""
            }
        );
        if self.homophily.is_finite() && self.homophily_expected.is_finite() && total > 0 {
            caption.push_str(&format!(
                " {:.0}% of citations stay within a mechanism ({:.0}% expected by chance).",
                self.homophily * 100.0,
                self.homophily_expected * 100.0
            ));
        }
        if let Some(n) = self.hidden {
            caption.push_str(&format!(
                " Unspecified is hidden: {n} citations from or to papers without a mechanism \
                 badge are left out."
            ));
        }
        caption
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        top + self.heatmap().height(st) + note_height(st, &self.note(st)) + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.labels
            .is_empty()
            .then_some("No citations between catalogue papers with a mechanism.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let heatmap = self.heatmap();
        heatmap.draw(c, st, top)?;
        draw_note(c, st, &self.note(st), top + heatmap.height(st))
    }
}

/// Each row of a count matrix as shares of its total (0 for an empty row).
pub(crate) fn row_shares(counts: &[Vec<u64>]) -> Vec<Vec<f64>> {
    counts
        .iter()
        .map(|row| {
            let total: u64 = row.iter().sum();
            row.iter()
                .map(|&c| {
                    if total == 0 {
                        0.0
                    } else {
                        c as f64 / total as f64
                    }
                })
                .collect()
        })
        .collect()
}
