//! Figure 2: catalogue papers per mechanism and domain, a heat map with the count in each cell.

use std::collections::BTreeMap;

use anyhow::Result;

use super::canvas::Canvas;
use super::palette::Palette;
use super::style::Style;
use super::text::{unspecified_hidden, unspecified_note};
use super::widgets::{draw_note, note_height, Colorbar, Heatmap};
use super::Chart;
use crate::analysis::Analysis;
use crate::render::labels::display_domain;

/// Domains past this many are merged into one column.
const MAX_DOMAINS: usize = 8;

pub(super) struct MechanismDomain {
    rows: Vec<String>,
    columns: Vec<String>,
    counts: Vec<Vec<u64>>,
    papers: usize,
    /// `--hide-unspecified`: the papers without a mechanism left out, when it is on.
    hidden: Option<usize>,
}

impl MechanismDomain {
    pub fn new(analysis: &Analysis, groups: &Palette) -> Self {
        let catalog: Vec<_> = analysis.papers.iter().filter(|p| p.in_catalog).collect();
        // Domains in the analysis's order (by paper count), then any only the papers name.
        let mut domains: Vec<String> = analysis.domains.iter().map(|d| d.name.clone()).collect();
        let mut extra: BTreeMap<&str, usize> = BTreeMap::new();
        for paper in &catalog {
            for domain in &paper.domains {
                if !domains.contains(domain) {
                    *extra.entry(domain.as_str()).or_default() += 1;
                }
            }
        }
        let mut extra: Vec<(&str, usize)> = extra.into_iter().collect();
        extra.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        domains.extend(extra.into_iter().map(|(d, _)| d.to_string()));
        let mut columns: Vec<String> = domains
            .iter()
            .take(MAX_DOMAINS)
            .map(|d| display_domain(d))
            .collect();
        let folded = domains.len().saturating_sub(MAX_DOMAINS - 1);
        if domains.len() > MAX_DOMAINS {
            columns.truncate(MAX_DOMAINS - 1);
            columns.push(format!("{folded} others"));
        }
        let column_of = |domain: &str| -> Option<usize> {
            let i = domains.iter().position(|d| d == domain)?;
            Some(i.min(columns.len().saturating_sub(1)))
        };

        let n_groups = groups.groups.len();
        let mut counts = vec![vec![0u64; columns.len()]; n_groups];
        let mut papers = 0;
        let mut hidden = 0;
        for paper in &catalog {
            if groups.hides_unspecified() && Palette::is_unspecified(&paper.mechanisms) {
                hidden += 1;
                continue;
            }
            let rows = groups.groups_of(&paper.mechanisms);
            let mut cols: Vec<usize> = paper.domains.iter().filter_map(|d| column_of(d)).collect();
            cols.sort_unstable();
            cols.dedup();
            if !rows.is_empty() && !cols.is_empty() {
                papers += 1;
            }
            for &r in &rows {
                for &k in &cols {
                    counts[r][k] += 1;
                }
            }
        }
        let keep: Vec<usize> = (0..n_groups)
            .filter(|&g| counts[g].iter().any(|&c| c > 0))
            .collect();
        MechanismDomain {
            rows: keep
                .iter()
                .map(|&g| groups.groups[g].label.clone())
                .collect(),
            counts: keep.iter().map(|&g| counts[g].clone()).collect(),
            columns,
            papers,
            hidden: groups.hides_unspecified().then_some(hidden),
        }
    }

    fn note(&self, st: &Style) -> String {
        let mut note = self.hidden.map(unspecified_note).unwrap_or_default();
        if !self.heatmap(st).shows_counts(st) {
            if !note.is_empty() {
                note.push(' ');
            }
            note.push_str(super::mechanism_flow::COUNTS_LEFT_OUT);
        }
        note
    }

    fn heatmap(&self, st: &Style) -> Heatmap {
        let max = self.counts.iter().flatten().copied().max().unwrap_or(0);
        Heatmap {
            rows: self.rows.clone(),
            columns: self.columns.clone(),
            fill: self
                .counts
                .iter()
                .map(|row| row.iter().map(|&c| c as f64 / max.max(1) as f64).collect())
                .collect(),
            text: self
                .counts
                .iter()
                .map(|row| row.iter().map(u64::to_string).collect())
                .collect(),
            row_title: "Mechanism".to_string(),
            column_title: "Domain".to_string(),
            diagonal: false,
            cell_height: Some(st.px(64.0)),
            colorbar: Some(Colorbar {
                label: "Papers".to_string(),
                max: max as f64,
                percent: false,
            }),
        }
    }
}

impl Chart for MechanismDomain {
    fn title(&self) -> String {
        "Mechanisms across domains".to_string()
    }

    fn caption(&self) -> String {
        let mut caption = format!(
            "Catalogue papers per mechanism (rows) and domain (columns), {} papers; a paper with \
             several mechanisms or domains counts once in each of its cells. Mechanisms beyond \
             the {} most common are grouped as \"other\".",
            self.papers,
            super::palette::NAMED_MECHANISMS
        );
        caption.push_str(&self.hidden.map(unspecified_hidden).unwrap_or_default());
        caption
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        top + self.heatmap(st).height(st) + note_height(st, &self.note(st)) + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.rows
            .is_empty()
            .then_some("No catalogue paper has both a mechanism and a domain.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let heatmap = self.heatmap(st);
        heatmap.draw(c, st, top)?;
        draw_note(c, st, &self.note(st), top + heatmap.height(st))
    }
}
