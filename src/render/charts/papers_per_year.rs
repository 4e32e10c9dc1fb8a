//! Figure 1: catalogue papers per publication year, stacked by mechanism.
//!
//! A paper with k mechanisms adds 1/k to each, so a bar's height is the number of papers that
//! year, not the number of badges. The year that is not over yet (today's, `--today`) keeps its
//! colours under white stripes and an outline, named "to date" in the legend and a note.
//! Segments too thin to see (under [`SLIVER_PX`] at 300 dpi) are merged, where a bar has two or
//! more of them, into one hatched segment on top of the bar with a legend entry of its own,
//! rather than vanishing under the white rules between segments.

use std::collections::BTreeMap;

use anyhow::Result;

use super::canvas::{cap_height, line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Palette, Rgb, AXIS, MUTED, TEXT, WHITE};
use super::scale::{linear_ticks, nice_max, Scale};
use super::style::Style;
use super::text::{left_out, unspecified_hidden, unspecified_note};
use super::widgets::{
    draw_note, draw_stripes, draw_y_axis, note_height, x_axis_height, y_axis_width, AxisStyle,
    LegendBlock, LegendEntry, Marker, Rect,
};
use super::{CalendarDate, Chart};
use crate::analysis::Analysis;

/// Years beyond this span are pooled into the first bar: bars would be too thin to read.
const MAX_YEARS: i32 = 40;

/// A run of this many years without a paper ends the timeline; older papers are pooled.
const GAP_YEARS: i32 = 2;

/// A segment thinner than this (pixels at 300 dpi, 0.5 mm) is a sliver: merged with the bar's
/// other slivers when it has two or more.
pub(crate) const SLIVER_PX: f64 = 6.0;

/// The colour of the merged slivers' hatching.
const MERGED_COLOR: Rgb = (0x55, 0x55, 0x55);

/// Which years are labelled, and how.
struct YearLabels {
    /// Every how many years a label goes.
    every: usize,
    /// Labels alternate between two rows.
    stagger: bool,
    /// Bars from the first that hold no year label (the pooled bar's own, and its room).
    pooled_slots: usize,
}

/// One bar: a year, or the pooled older years.
struct YearBar {
    label: String,
    /// The year, for thinning labels; `None` for the pooled bar (always labelled).
    year: Option<i32>,
    /// The (fractional) paper count of each mechanism group.
    values: Vec<f64>,
}

pub(super) struct PapersPerYear {
    bars: Vec<YearBar>,
    legend: LegendBlock,
    /// Group index of each legend entry (groups with no paper are left out).
    shown: Vec<usize>,
    colors: Vec<(u8, u8, u8)>,
    papers: usize,
    without_year: usize,
    /// Papers pooled into the first bar, and the newest year among them.
    pooled: Option<(usize, i32)>,
    /// The bar of the year that is not over (today's year, when it has papers), and today.
    partial: Option<(usize, CalendarDate)>,
    /// `--hide-unspecified`: the papers without a mechanism left out, when it is on.
    hidden: Option<usize>,
}

/// A bar's segments as drawn: (group, or `None` for the merged slivers; value).
type Segments = Vec<(Option<usize>, f64)>;

/// The first year of the timeline: walking back from the newest year, the timeline stops at a
/// gap of [`GAP_YEARS`] empty years (a stray 1999 paper must not squeeze 2016-2025 into a
/// corner) or after [`MAX_YEARS`] years.
fn timeline_start(years: &BTreeMap<i32, (usize, Vec<f64>)>) -> Option<i32> {
    let (&last, _) = years.iter().next_back()?;
    let mut start = last;
    for (&year, _) in years.iter().rev() {
        if start - year > GAP_YEARS || last - year >= MAX_YEARS {
            break;
        }
        start = year;
    }
    Some(start)
}

impl PapersPerYear {
    pub fn new(analysis: &Analysis, groups: &Palette, today: CalendarDate) -> Self {
        let n_groups = groups.groups.len();
        // Per year: papers, and their (fractional) count per mechanism group.
        let mut years: BTreeMap<i32, (usize, Vec<f64>)> = BTreeMap::new();
        let (mut papers, mut without_year, mut hidden) = (0, 0, 0);
        for paper in analysis.papers.iter().filter(|p| p.in_catalog) {
            if groups.hides_unspecified() && Palette::is_unspecified(&paper.mechanisms) {
                hidden += 1;
                continue;
            }
            papers += 1;
            let Some(year) = paper.year else {
                without_year += 1;
                continue;
            };
            let found = groups.groups_of(&paper.mechanisms);
            let row = years
                .entry(year)
                .or_insert_with(|| (0, vec![0.0; n_groups]));
            row.0 += 1;
            for &g in &found {
                row.1[g] += 1.0 / found.len() as f64;
            }
        }
        let mut bars = Vec::new();
        let mut pooled = None;
        if let (Some(start), Some(&last)) = (timeline_start(&years), years.keys().next_back()) {
            let older: Vec<(&i32, &(usize, Vec<f64>))> = years.range(..start).collect();
            if let Some((&newest, _)) = older.last() {
                let mut values = vec![0.0; n_groups];
                let mut count = 0;
                for (_, (n, row)) in &older {
                    count += n;
                    for (g, v) in row.iter().enumerate() {
                        values[g] += v;
                    }
                }
                pooled = Some((count, newest));
                bars.push(YearBar {
                    label: format!("≤{newest}"),
                    year: None,
                    values,
                });
            }
            // Every year of the timeline gets a slot, so that gaps show as gaps.
            for year in start..=last {
                bars.push(YearBar {
                    label: year.to_string(),
                    year: Some(year),
                    values: years
                        .get(&year)
                        .map(|(_, row)| row.clone())
                        .unwrap_or_else(|| vec![0.0; n_groups]),
                });
            }
        }
        let shown: Vec<usize> = (0..n_groups)
            .filter(|&g| bars.iter().any(|b| b.values[g] > 0.0))
            .collect();
        let entries = shown
            .iter()
            .map(|&g| LegendEntry::swatch(&groups.groups[g].label, groups.groups[g].color))
            .collect();
        let partial = bars
            .iter()
            .position(|b| b.year == Some(today.year) && b.values.iter().sum::<f64>() > 0.0)
            .map(|i| (i, today));
        PapersPerYear {
            bars,
            legend: LegendBlock::new(entries, None),
            shown,
            colors: groups.groups.iter().map(|g| g.color).collect(),
            papers,
            without_year,
            pooled,
            partial,
            hidden: groups.hides_unspecified().then_some(hidden),
        }
    }

    /// Pixels per paper on the y axis.
    fn pixels_per_paper(&self, st: &Style) -> f64 {
        let (scale, ..) = self.columns(st);
        Self::plot_height(st) / (scale.hi - scale.lo).max(f64::MIN_POSITIVE)
    }

    /// The segments of each bar, bottom to top: the shown groups, with a bar's slivers (two or
    /// more segments under [`SLIVER_PX`]) merged into one segment on top.
    fn segments(&self, st: &Style) -> Vec<Segments> {
        let per_paper = self.pixels_per_paper(st);
        self.bars
            .iter()
            .map(|bar| {
                let parts: Segments = self
                    .shown
                    .iter()
                    .map(|&g| (Some(g), bar.values[g]))
                    .filter(|&(_, v)| v > 0.0)
                    .collect();
                let thin = |v: f64| v * per_paper < st.px(SLIVER_PX);
                let slivers = parts.iter().filter(|&&(_, v)| thin(v)).count();
                if slivers < 2 {
                    return parts;
                }
                let merged: f64 = parts.iter().filter(|&&(_, v)| thin(v)).map(|p| p.1).sum();
                let mut kept: Segments = parts.into_iter().filter(|&(_, v)| !thin(v)).collect();
                kept.push((None, merged));
                kept
            })
            .collect()
    }

    /// The legend: the groups, and the merged slivers when a bar has them.
    fn legend(&self, st: &Style) -> LegendBlock {
        let mut legend = self.legend.clone();
        let merged = self
            .segments(st)
            .iter()
            .any(|segments| segments.iter().any(|s| s.0.is_none()));
        if let Some((_, today)) = self.partial.filter(|&(p, _)| self.bars.get(p).is_some()) {
            legend.entries.push(LegendEntry {
                label: format!("{} to date", today.year),
                color: MUTED,
                marker: Marker::Striped,
            });
        }
        if merged {
            let under = st.px(SLIVER_PX) / self.pixels_per_paper(st);
            legend.entries.push(LegendEntry {
                label: format!("Merged (< {under:.1} papers)"),
                color: MERGED_COLOR,
                marker: Marker::Hatch,
            });
        }
        legend
    }

    /// The note under the axis: the partial year, and what `--hide-unspecified` left out.
    fn note(&self) -> String {
        let mut note = String::new();
        if let Some((_, today)) = self.partial {
            note.push_str(&format!(
                "Striped bar: {} (to date, {}), a partial year.",
                today.year,
                today.display()
            ));
        }
        if let Some(hidden) = self.hidden {
            note.push('\n');
            note.push_str(&unspecified_note(hidden));
        }
        note.trim().to_string()
    }

    fn plot_height(st: &Style) -> f64 {
        st.px(560.0)
    }

    /// The top of the y axis: the tallest bar, rounded up to a tick.
    fn y_max(&self) -> f64 {
        let max = self
            .bars
            .iter()
            .map(|b| b.values.iter().sum::<f64>())
            .fold(0.0, f64::max);
        nice_max(max, 5)
    }

    /// The y scale, its ticks, and where the bars' slots start and how wide each is.
    fn columns(&self, st: &Style) -> (Scale, Vec<super::scale::Tick>, f64, f64) {
        let scale = Scale::linear(0.0, self.y_max());
        let ticks = linear_ticks(&scale, 5, false);
        let x0 = st.margin() + y_axis_width(st, &ticks, true);
        let slot = (st.width - st.margin() - x0) / self.bars.len().max(1) as f64;
        (scale, ticks, x0, slot)
    }

    /// How the year labels are set in slots of width `slot`: every year on one row when they
    /// fit; every year on two staggered rows when each fits two slots (a reader of a survey
    /// should not have to count bars to find a year); else every 2nd, 5th, 10th ... year. The
    /// pooled bar ("<=2015", wider than a year) is always labelled, and takes its neighbours'
    /// room only when it does not fit its own.
    fn year_labels(&self, st: &Style, slot: f64) -> YearLabels {
        let size = st.tick_size();
        let room = |label: &str| text_width(label, size, false) + st.gap() * 1.5;
        let widest = self
            .bars
            .iter()
            .filter(|b| b.year.is_some())
            .map(|b| room(&b.label))
            .fold(0.0, f64::max);
        let pooled = self
            .bars
            .first()
            .filter(|b| b.year.is_none())
            .map(|b| room(&b.label));
        let fits = |slots: f64| widest <= slot * slots && pooled.is_none_or(|p| p <= slot * slots);
        if fits(1.0) || fits(2.0) {
            return YearLabels {
                every: 1,
                stagger: !fits(1.0),
                pooled_slots: usize::from(pooled.is_some()),
            };
        }
        let every = [2usize, 5, 10, 20]
            .into_iter()
            .find(|&k| slot * k as f64 >= widest)
            .unwrap_or(20);
        let pooled_slots = match pooled {
            None => 0,
            Some(p) if p <= slot => 1,
            Some(_) => every,
        };
        YearLabels {
            every,
            stagger: false,
            pooled_slots,
        }
    }

    /// The extra height of a second, staggered row of year labels.
    fn stagger_height(&self, st: &Style) -> f64 {
        let (_, _, _, slot) = self.columns(st);
        if self.year_labels(st, slot).stagger {
            line_height(st.tick_size())
        } else {
            0.0
        }
    }

    fn headroom(st: &Style) -> f64 {
        cap_height(st.small_size()) + st.px(16.0)
    }

    /// The stacked bars in `plot`, one `slot` wide each: a segment a group (the merged groups
    /// hatched), white rules between segments, stripes over the partial year, and each bar's
    /// total above it when every total fits its slot.
    fn draw_bars(
        &self,
        c: &Canvas,
        st: &Style,
        plot: &Rect,
        scale: &Scale,
        slot: f64,
    ) -> Result<()> {
        let totals: Vec<f64> = self.bars.iter().map(|b| b.values.iter().sum()).collect();
        let bar = (slot * 0.74).min(st.px(130.0));
        let separator = st.px(2.0).max(1.0);
        let count_spec =
            TextSpec::new(st.small_size(), MUTED).align(HAlign::Center, VAlign::Baseline);
        let widest_count = totals
            .iter()
            .map(|t| text_width(&format!("{}", t.round()), st.small_size(), false))
            .fold(0.0, f64::max);
        let segments = self.segments(st);
        for (i, (bar_segments, total)) in segments.iter().zip(&totals).enumerate() {
            let cx = plot.x0 + slot * (i as f64 + 0.5);
            let partial = self.partial.is_some_and(|(p, _)| p == i);
            let mut base = 0.0;
            let mut previous_thin = true;
            for &(group, value) in bar_segments {
                let y0 = scale.map(base, plot.y1, plot.y0);
                let y1 = scale.map(base + value, plot.y1, plot.y0);
                let thin = y0 - y1 < st.px(SLIVER_PX);
                match group {
                    Some(g) => {
                        c.rect(cx - bar / 2.0, y1, cx + bar / 2.0, y0, self.colors[g])?;
                    }
                    None => {
                        c.rect(cx - bar / 2.0, y1, cx + bar / 2.0, y0, WHITE)?;
                        c.hatch(
                            cx - bar / 2.0,
                            y1,
                            cx + bar / 2.0,
                            y0,
                            st.px(7.0),
                            st.thin(),
                            MERGED_COLOR,
                        )?;
                        c.frame(
                            cx - bar / 2.0,
                            y1,
                            cx + bar / 2.0,
                            y0,
                            st.thin(),
                            MERGED_COLOR,
                        )?;
                    }
                }
                // A white rule between segments keeps neighbours apart in grayscale too; not
                // next to a thin segment, which it would wipe out.
                if base > 0.0 && !thin && !previous_thin {
                    c.hline(cx - bar / 2.0, cx + bar / 2.0, y0, separator, WHITE)?;
                }
                previous_thin = thin;
                base += value;
            }
            if partial && *total > 0.0 {
                // Stripes over its true colours, so that no mechanism's colour reads as
                // another's (a lighter blue passes for the cyan).
                let top = scale.map(*total, plot.y1, plot.y0);
                draw_stripes(c, st, cx - bar / 2.0, top, cx + bar / 2.0, plot.y1)?;
            }
            if *total > 0.0 && widest_count <= slot * 0.98 {
                let y = scale.map(*total, plot.y1, plot.y0) - st.px(8.0);
                c.text(&format!("{}", total.round()), cx, y, &count_spec)?;
            }
        }
        Ok(())
    }

    /// The year axis under `plot`: the labelled years' ticks and labels (every n-th year, on two
    /// staggered rows when crowded), the axis line, a break after a pooled first bar, and the
    /// axis title.
    fn draw_year_axis(&self, c: &Canvas, st: &Style, plot: &Rect, slot: f64) -> Result<()> {
        let size = st.tick_size();
        let labels = self.year_labels(st, slot);
        let spec = TextSpec::new(size, TEXT).align(HAlign::Center, VAlign::Top);
        for (i, bar) in self.bars.iter().enumerate() {
            let labelled = match bar.year {
                None => true,
                Some(year) => i >= labels.pooled_slots && year.rem_euclid(labels.every as i32) == 0,
            };
            if !labelled {
                continue;
            }
            // The second row's ticks reach down to their labels.
            let drop = if labels.stagger && i % 2 == 1 {
                line_height(size)
            } else {
                0.0
            };
            let cx = plot.x0 + slot * (i as f64 + 0.5);
            c.vline(cx, plot.y1, plot.y1 + st.tick_len() + drop, st.thin(), AXIS)?;
            c.text(
                &bar.label,
                cx,
                plot.y1 + st.tick_len() + st.gap() + drop,
                &spec,
            )?;
        }
        c.hline(plot.x0, plot.x1, plot.y1, st.line(), AXIS)?;
        if labels.pooled_slots > 0 {
            // An axis break between the pooled bar and the timeline: the years in between are
            // not drawn, and the bars must not read as neighbouring years.
            let x = plot.x0 + slot;
            let (half, rise, apart) = (st.px(5.0), st.px(9.0), st.px(4.0));
            c.rect(x - apart, plot.y1 - rise, x + apart, plot.y1 + rise, WHITE)?;
            for dx in [-apart, apart] {
                c.polyline(
                    &[
                        (x + dx - half * 0.5, plot.y1 + rise),
                        (x + dx + half * 0.5, plot.y1 - rise),
                    ],
                    st.line(),
                    AXIS,
                )?;
            }
        }
        let below = self.stagger_height(st);
        let title_y = plot.y1 + x_axis_height(st, false) + below + st.gap() * 1.6;
        let spec = TextSpec::new(st.label_size(), TEXT).align(HAlign::Center, VAlign::Top);
        c.text(
            "Publication year",
            (plot.x0 + plot.x1) / 2.0,
            title_y,
            &spec,
        )?;
        Ok(())
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
            super::palette::NAMED_MECHANISMS
        );
        caption.push_str(&left_out(self.without_year, "without a year"));
        if let Some((_, today)) = self.partial {
            caption.push_str(&format!(
                " The striped bar (white stripes over its colours, outlined) is {} to date ({}): \
                 the year is not over.",
                today.year,
                today.display()
            ));
        }
        // The plot's height in pixels, and so what is too thin to see, is the same at every
        // width.
        let st = Style::new(1050);
        if self.segments(&st).iter().flatten().any(|s| s.0.is_none()) {
            caption.push_str(&format!(
                " Where a bar holds several mechanisms too small to see (under {:.1} papers \
                 each), they are merged into one hatched segment on top.",
                st.px(SLIVER_PX) / self.pixels_per_paper(&st)
            ));
        }
        if let Some(hidden) = self.hidden {
            caption.push_str(&unspecified_hidden(hidden));
        }
        match self.pooled {
            Some((1, newest)) => caption.push_str(&format!(
                " The first bar holds the one paper from {newest} or earlier."
            )),
            Some((count, newest)) => caption.push_str(&format!(
                " The first bar pools the {count} papers from {newest} and earlier."
            )),
            None => {}
        }
        caption
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        // A two-column figure has the legend beside the plot, a one-column one below it.
        let legend = self.legend(st);
        let plot = legend.plot_style(st);
        let body = Self::headroom(st)
            + Self::plot_height(st)
            + x_axis_height(st, true)
            + self.stagger_height(&plot)
            + note_height(&plot, &self.note());
        top + body.max(Self::headroom(st) + legend.side_height(st))
            + legend.below_height(st)
            + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.bars
            .is_empty()
            .then_some("No catalogue paper has a publication year.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let full = *st;
        let legend = self.legend(st);
        let st = &legend.plot_style(st);
        let (scale, ticks, x0, slot) = self.columns(st);
        let plot = Rect {
            x0,
            y0: top + Self::headroom(st),
            x1: st.width - st.margin(),
            y1: top + Self::headroom(st) + Self::plot_height(st),
        };
        draw_y_axis(c, st, &plot, &scale, &ticks, "Papers", AxisStyle::grid())?;
        self.draw_bars(c, st, &plot, &scale, slot)?;
        self.draw_year_axis(c, st, &plot, slot)?;
        let below = self.stagger_height(st);
        let note_top = plot.y1 + x_axis_height(st, true) + below;
        draw_note(c, st, &self.note(), note_top)?;
        legend.draw_placed(c, &full, plot.y0, note_top + note_height(st, &self.note()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(list: &[i32]) -> BTreeMap<i32, (usize, Vec<f64>)> {
        list.iter().map(|&y| (y, (1, vec![1.0]))).collect()
    }

    #[test]
    fn the_timeline_stops_at_a_long_gap_or_span() {
        assert_eq!(
            timeline_start(&years(&[1999, 2016, 2018, 2019, 2020])),
            Some(2016)
        );
        // A one-year gap is a gap in the timeline, not its end.
        assert_eq!(timeline_start(&years(&[2010, 2012, 2013])), Some(2010));
        assert_eq!(timeline_start(&years(&[2024])), Some(2024));
        let decades: Vec<i32> = (1950..=2025).collect();
        assert_eq!(timeline_start(&years(&decades)), Some(2025 - MAX_YEARS + 1));
        assert_eq!(timeline_start(&years(&[])), None);
    }

    /// A chart of `count` year bars from 2000 (after a pooled bar when `pooled`), 5 papers each.
    fn chart(count: i32, pooled: bool) -> PapersPerYear {
        let bar = |label: String, year: Option<i32>| YearBar {
            label,
            year,
            values: vec![5.0],
        };
        let mut bars: Vec<YearBar> = Vec::new();
        if pooled {
            bars.push(bar("≤1990".into(), None));
        }
        bars.extend((2000..2000 + count).map(|y| bar(y.to_string(), Some(y))));
        PapersPerYear {
            bars,
            legend: LegendBlock::new(Vec::new(), None),
            shown: vec![0],
            colors: vec![(0, 0, 0)],
            papers: 0,
            without_year: 0,
            pooled: pooled.then_some((1, 1990)),
            partial: None,
            hidden: None,
        }
    }

    fn labels(chart: &PapersPerYear, width: u32) -> (usize, bool, usize) {
        let st = Style::new(width);
        let (_, _, _, slot) = chart.columns(&st);
        let l = chart.year_labels(&st, slot);
        (l.every, l.stagger, l.pooled_slots)
    }

    #[test]
    fn every_year_is_labelled_on_one_row_two_rows_or_thinned() {
        // Few bars: one row.
        assert_eq!(labels(&chart(5, false), 1050), (1, false, 0));
        assert_eq!(labels(&chart(5, true), 1050), (1, false, 1));
        // The real catalogue's ten years and a pooled bar: two staggered rows.
        assert_eq!(labels(&chart(10, true), 1050), (1, true, 1));
        // Forty years do not fit even on two rows: every 5th (or more), on one row.
        let (every, stagger, _) = labels(&chart(40, true), 1050);
        assert!(every >= 5 && !stagger, "every {every}, stagger {stagger}");
        // The extra row adds height only when staggered.
        let st = Style::new(1050);
        assert!(chart(10, true).stagger_height(&st) > 0.0);
        assert_eq!(chart(5, true).stagger_height(&st), 0.0);
    }
}
