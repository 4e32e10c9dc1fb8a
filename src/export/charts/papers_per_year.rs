//! Figure 1: catalogue papers per publication year, stacked by mechanism.
//!
//! A paper with k mechanisms adds 1/k to each, so a bar's height is the number of papers that
//! year, not the number of badges.

use std::collections::BTreeMap;

use anyhow::Result;

use super::canvas::{cap_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::parts::{
    draw_empty, draw_title, draw_y_axis, empty_height, linear_ticks, nice_max, title_height,
    x_axis_height, y_axis_width, AxisStyle, LegendBlock, LegendEntry, Rect, Scale,
};
use super::{left_out, Chart, MechanismGroups, Style, AXIS, MUTED, TEXT, WHITE};
use crate::analysis::Analysis;

/// Years beyond this span (oldest dropped) would make bars too thin to read.
const MAX_YEARS: i32 = 60;

pub(super) struct PapersPerYear {
    /// Per year, the (fractional) paper count of each mechanism group.
    years: BTreeMap<i32, Vec<f64>>,
    legend: LegendBlock,
    /// Group index of each legend entry (groups with no paper are left out).
    shown: Vec<usize>,
    colors: Vec<(u8, u8, u8)>,
    papers: usize,
    without_year: usize,
    outside_span: usize,
}

impl PapersPerYear {
    pub fn new(analysis: &Analysis, groups: &MechanismGroups) -> Self {
        let n_groups = groups.groups.len();
        let mut years: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
        let (mut papers, mut without_year) = (0, 0);
        for paper in analysis.papers.iter().filter(|p| p.in_catalog) {
            papers += 1;
            let Some(year) = paper.year else {
                without_year += 1;
                continue;
            };
            let found = groups.groups_of(&paper.mechanisms);
            let row = years.entry(year).or_insert_with(|| vec![0.0; n_groups]);
            if found.is_empty() {
                continue;
            }
            let share = 1.0 / found.len() as f64;
            for g in found {
                row[g] += share;
            }
        }
        let mut outside_span = 0;
        if let Some(&last) = years.keys().next_back() {
            let first_kept = last - MAX_YEARS + 1;
            let dropped: Vec<i32> = years.range(..first_kept).map(|(y, _)| *y).collect();
            for year in dropped {
                if let Some(row) = years.remove(&year) {
                    outside_span += row.iter().sum::<f64>().round() as usize;
                }
            }
            // Every year in between gets a slot, so that gaps show as gaps.
            if let Some(&first) = years.keys().next() {
                for year in first..=last {
                    years.entry(year).or_insert_with(|| vec![0.0; n_groups]);
                }
            }
        }
        let mut totals = vec![0.0; n_groups];
        for row in years.values() {
            for (g, v) in row.iter().enumerate() {
                totals[g] += v;
            }
        }
        let shown: Vec<usize> = (0..n_groups).filter(|&g| totals[g] > 0.0).collect();
        let entries = shown
            .iter()
            .map(|&g| LegendEntry::swatch(&groups.groups[g].label, groups.groups[g].color))
            .collect();
        PapersPerYear {
            years,
            legend: LegendBlock::new(entries, None),
            shown,
            colors: groups.groups.iter().map(|g| g.color).collect(),
            papers,
            without_year,
            outside_span,
        }
    }

    fn plot_height(st: &Style) -> f64 {
        st.px(560.0)
    }

    fn headroom(st: &Style) -> f64 {
        cap_height(st.small_size()) + st.px(16.0)
    }
}

impl Chart for PapersPerYear {
    fn title(&self) -> String {
        "Papers per year by mechanism".to_string()
    }

    fn caption(&self) -> String {
        let mut caption = format!(
            "Catalogue papers by publication year ({} papers), stacked by mechanism; a paper with \
             k mechanisms counts 1/k towards each, so bar heights are paper counts. Mechanisms \
             beyond the {} most common are grouped as \"other\".",
            self.papers,
            super::NAMED_MECHANISMS
        );
        caption.push_str(&left_out(self.without_year, "without a year"));
        caption.push_str(&left_out(
            self.outside_span,
            &format!("older than the {MAX_YEARS} most recent years"),
        ));
        caption
    }

    fn height(&self, st: &Style) -> f64 {
        if self.years.is_empty() {
            return empty_height(st);
        }
        title_height(st)
            + Self::headroom(st)
            + Self::plot_height(st)
            + x_axis_height(st, true)
            + self.legend.height(st)
            + st.margin()
    }

    fn draw(&self, c: &Canvas, st: &Style) -> Result<()> {
        if self.years.is_empty() {
            return draw_empty(
                c,
                st,
                &self.title(),
                "No catalogue paper has a publication year.",
            );
        }
        let top = draw_title(c, st, &self.title())?;
        let totals: Vec<f64> = self.years.values().map(|r| r.iter().sum()).collect();
        let max = totals.iter().copied().fold(0.0, f64::max);
        let scale = Scale::linear(0.0, nice_max(max, 5));
        let ticks = linear_ticks(&scale, 5, false);
        let plot = Rect {
            x0: st.margin() + y_axis_width(st, &ticks, true),
            y0: top + Self::headroom(st),
            x1: st.width - st.margin(),
            y1: top + Self::headroom(st) + Self::plot_height(st),
        };
        draw_y_axis(c, st, &plot, &scale, &ticks, "Papers", AxisStyle::grid())?;

        let n = self.years.len() as f64;
        let slot = plot.width() / n;
        let bar = (slot * 0.74).min(st.px(130.0));
        let separator = st.px(2.0).max(1.0);
        let count_spec =
            TextSpec::new(st.small_size(), MUTED).align(HAlign::Center, VAlign::Baseline);
        let widest_count = totals
            .iter()
            .map(|t| text_width(&format!("{}", t.round()), st.small_size(), false))
            .fold(0.0, f64::max);
        for (i, (row, total)) in self.years.values().zip(&totals).enumerate() {
            let cx = plot.x0 + slot * (i as f64 + 0.5);
            let mut base = 0.0;
            for &g in &self.shown {
                let value = row[g];
                if value <= 0.0 {
                    continue;
                }
                let y0 = scale.map(base, plot.y1, plot.y0);
                let y1 = scale.map(base + value, plot.y1, plot.y0);
                c.rect(cx - bar / 2.0, y1, cx + bar / 2.0, y0, self.colors[g])?;
                // A white rule between segments keeps neighbours apart in grayscale too.
                if base > 0.0 {
                    c.hline(cx - bar / 2.0, cx + bar / 2.0, y0, separator, WHITE)?;
                }
                base += value;
            }
            if *total > 0.0 && widest_count <= slot * 0.98 {
                let y = scale.map(*total, plot.y1, plot.y0) - st.px(8.0);
                c.text(&format!("{}", total.round()), cx, y, &count_spec)?;
            }
        }

        // Year labels: every year when they fit, else every 2nd, 5th, 10th ...
        let size = st.tick_size();
        let widest = text_width("2000", size, false) + st.gap() * 1.5;
        let every = [1usize, 2, 5, 10, 20]
            .into_iter()
            .find(|&k| slot * k as f64 >= widest)
            .unwrap_or(20);
        let spec = TextSpec::new(size, TEXT).align(HAlign::Center, VAlign::Top);
        for (i, year) in self.years.keys().enumerate() {
            if year.rem_euclid(every as i32) != 0 && every > 1 {
                continue;
            }
            let cx = plot.x0 + slot * (i as f64 + 0.5);
            c.vline(cx, plot.y1, plot.y1 + st.tick_len(), st.thin(), AXIS)?;
            c.text(
                &year.to_string(),
                cx,
                plot.y1 + st.tick_len() + st.gap(),
                &spec,
            )?;
        }
        c.hline(plot.x0, plot.x1, plot.y1, st.line(), AXIS)?;
        let title_y = plot.y1 + x_axis_height(st, false) + st.gap() * 1.6;
        let spec = TextSpec::new(st.label_size(), TEXT).align(HAlign::Center, VAlign::Top);
        c.text(
            "Publication year",
            (plot.x0 + plot.x1) / 2.0,
            title_y,
            &spec,
        )?;

        self.legend.draw(c, st, plot.y1 + x_axis_height(st, true))
    }
}
