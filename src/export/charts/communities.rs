//! Figure 6: detected communities against mechanisms. One bar per community (the largest ones),
//! split into the shares of its catalogue papers' mechanisms.

use std::collections::BTreeMap;

use anyhow::Result;

use super::axis::{linear_ticks, Scale};
use super::canvas::{line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Palette, Rgb, AXIS, TEXT, WHITE};
use super::parts::{
    draw_empty, draw_note, draw_title, draw_x_axis, empty_height, label_room, note_height,
    title_height, x_axis_height, AxisStyle, LegendBlock, LegendEntry, Rect,
};
use super::style::Style;
use super::text::{fit_with_suffix, unspecified_hidden, unspecified_note, wrap_with_suffix};
use super::Chart;
use crate::analysis::Analysis;
use crate::export::labels::community_name;

/// Communities past this many are merged into one bar, at one column; a wider figure shows
/// more ([`Style::list_rows`]).
const MAX_COMMUNITIES: usize = 10;

/// The share of the width the community names may take (more in a wide figure: see
/// [`label_room`]).
const LABEL_SHARE: f64 = 0.46;

struct Row {
    label: String,
    /// The catalogue paper count, "(n)", kept whole when the label is cut.
    count: String,
    /// Share of each mechanism group, summing to 1.
    shares: Vec<f64>,
}

pub(super) struct Communities {
    rows: Vec<Row>,
    colors: Vec<Rgb>,
    legend: LegendBlock,
    shown: Vec<usize>,
    communities: usize,
    /// The most bars: past it, the smaller communities share the last one.
    max_rows: usize,
    nmi: f64,
    ari: f64,
    /// `--hide-unspecified`: the papers without a mechanism left out, when it is on.
    hidden: Option<usize>,
}

impl Communities {
    pub fn new(analysis: &Analysis, groups: &Palette, st: &Style) -> Self {
        let max_rows = st.list_rows(MAX_COMMUNITIES);
        let n_groups = groups.groups.len();
        // Per community: paper count and (fractional) mechanism counts.
        let mut by_community: BTreeMap<u32, (usize, Vec<f64>)> = BTreeMap::new();
        let mut hidden = 0;
        for paper in analysis.papers.iter().filter(|p| p.in_catalog) {
            if groups.hides_unspecified() && Palette::is_unspecified(&paper.mechanisms) {
                hidden += 1;
                continue;
            }
            let found = groups.groups_of(&paper.mechanisms);
            let entry = by_community
                .entry(paper.community)
                .or_insert_with(|| (0, vec![0.0; n_groups]));
            entry.0 += 1;
            for &g in &found {
                entry.1[g] += 1.0 / found.len() as f64;
            }
        }
        let communities = by_community.len();
        // By community number, which is by size in the whole graph (0 is the largest), as the
        // README and the tables number them.
        let ranked: Vec<(u32, (usize, Vec<f64>))> = by_community.into_iter().collect();
        let mut rows = Vec::new();
        let mut rest = (0usize, vec![0.0; n_groups], 0usize);
        for (i, (id, (count, mechanisms))) in ranked.into_iter().enumerate() {
            if i < max_rows - 1 || communities <= max_rows {
                rows.push((community_name(analysis, id), count, mechanisms));
            } else {
                rest.0 += count;
                rest.2 += 1;
                for (g, v) in mechanisms.into_iter().enumerate() {
                    rest.1[g] += v;
                }
            }
        }
        if rest.2 > 0 {
            rows.push((format!("{} smaller communities", rest.2), rest.0, rest.1));
        }
        let mut used = vec![false; n_groups];
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|(label, count, counts)| {
                let total: f64 = counts.iter().sum();
                let shares = counts
                    .iter()
                    .map(|c| if total > 0.0 { c / total } else { 0.0 })
                    .collect::<Vec<f64>>();
                for (g, s) in shares.iter().enumerate() {
                    used[g] |= *s > 0.0;
                }
                Row {
                    label,
                    count: format!("({count})"),
                    shares,
                }
            })
            .collect();
        let shown: Vec<usize> = (0..n_groups).filter(|&g| used[g]).collect();
        let entries = shown
            .iter()
            .map(|&g| LegendEntry::swatch(&groups.groups[g].label, groups.groups[g].color))
            .collect();
        // Beside the bars when the names stay whole there, else below.
        let mut legend = LegendBlock::new(entries, None);
        let beside = legend.plot_style(st);
        let room = label_room(&beside, LABEL_SHARE);
        let size = beside.tick_size();
        if rows
            .iter()
            .any(|r| text_width(&format!("{} {}", r.label, r.count), size, false) > room)
        {
            legend = legend.keep_below();
        }
        Communities {
            rows,
            colors: groups.groups.iter().map(|g| g.color).collect(),
            legend,
            shown,
            communities,
            max_rows,
            nmi: analysis.summary.nmi.unwrap_or(f64::NAN),
            ari: analysis.summary.ari.unwrap_or(f64::NAN),
            hidden: groups.hides_unspecified().then_some(hidden),
        }
    }

    fn note(&self) -> String {
        self.hidden.map(unspecified_note).unwrap_or_default()
    }

    fn row_height(st: &Style) -> f64 {
        st.px(58.0)
    }

    /// The room for the names: the widest name on one line, within the share of the width.
    fn label_width(&self, st: &Style) -> f64 {
        let size = st.tick_size();
        let widest = self
            .rows
            .iter()
            .map(|r| text_width(&format!("{} {}", r.label, r.count), size, false))
            .fold(0.0, f64::max);
        widest.min(label_room(st, LABEL_SHARE))
    }

    /// Each row's name and count: on one line when it fits, else on two lines of whole words
    /// when two hold it all, else one line cut at a whole name ([`fit_name_list`]).
    fn labels(&self, st: &Style) -> Vec<Vec<String>> {
        let size = st.tick_size();
        let width = self.label_width(st);
        self.rows
            .iter()
            .map(|row| {
                let one = fit_name_list(&row.label, &row.count, size, width);
                if one == format!("{} {}", row.label, row.count) {
                    return vec![one];
                }
                // Terms on the first line, the papers' names on the second, when each fits.
                if let Some((terms, papers)) = row.label.rsplit_once(" (") {
                    let second = format!("({papers} {}", row.count);
                    if text_width(terms, size, false) <= width
                        && text_width(&second, size, false) <= width
                    {
                        return vec![terms.to_string(), second];
                    }
                }
                let two = wrap_with_suffix(&row.label, &row.count, size, width, 2);
                let complete = two.iter().all(|l| !l.contains('…'))
                    && two.iter().all(|l| text_width(l, size, false) <= width);
                if complete {
                    two
                } else {
                    vec![one]
                }
            })
            .collect()
    }

    /// The height of every row: room for two lines of name when a name takes two.
    fn row_height_for(st: &Style, labels: &[Vec<String>]) -> f64 {
        let lines = labels.iter().map(Vec::len).max().unwrap_or(1).max(1);
        if lines == 1 {
            Self::row_height(st)
        } else {
            (line_height(st.tick_size()) * lines as f64 + st.px(10.0)).max(Self::row_height(st))
        }
    }
}

/// A community name "C2: A, B, C" and its count cut to `width` at the commas: the names that do
/// not fit are dropped whole ("C2: A, B… (82)"), so no paper's name is cut mid-word; a first
/// name too long for the room is cut as any label is.
fn fit_name_list(label: &str, count: &str, size: f64, width: f64) -> String {
    let full = format!("{label} {count}");
    if text_width(&full, size, false) <= width {
        return full;
    }
    let mut names: Vec<&str> = label.split(", ").collect();
    while names.len() > 1 {
        names.pop();
        let kept = names.join(", ");
        let ellipsis = if kept.ends_with('…') { "" } else { "…" };
        let candidate = format!("{kept}{ellipsis} {count}");
        if text_width(&candidate, size, false) <= width {
            return candidate;
        }
    }
    fit_with_suffix(label, count, size, width)
}

impl Chart for Communities {
    fn title(&self) -> String {
        "Communities vs. mechanisms".to_string()
    }

    fn caption(&self) -> String {
        let mut caption = format!(
            "The {} communities of the citation graph that hold catalogue papers, largest first \
             (by their size in the whole graph; C0 is the largest; beyond the first {}, merged), \
             each named by its most-cited catalogue papers (highest PageRank) and split into the \
             mechanisms of its catalogue papers (their count in parentheses); a paper with k \
             mechanisms counts 1/k towards each.",
            self.communities,
            self.max_rows - 1
        );
        if self.nmi.is_finite() && self.ari.is_finite() {
            caption.push_str(&format!(
                " Agreement between communities and mechanisms: NMI {:.2}, ARI {:.2}.",
                self.nmi, self.ari
            ));
        }
        caption.push_str(&self.hidden.map(unspecified_hidden).unwrap_or_default());
        caption
    }

    fn height(&self, st: &Style) -> f64 {
        if self.rows.is_empty() {
            return empty_height(st);
        }
        let plot = self.legend.plot_style(st);
        let rh = Self::row_height_for(&plot, &self.labels(&plot));
        let body = rh * self.rows.len() as f64
            + st.px(8.0)
            + x_axis_height(st, true)
            + note_height(&plot, &self.note());
        title_height(st)
            + body.max(self.legend.side_height(st))
            + self.legend.below_height(st)
            + st.margin()
    }

    fn draw(&self, c: &Canvas, st: &Style) -> Result<()> {
        if self.rows.is_empty() {
            return draw_empty(c, st, &self.title(), "No catalogue paper is in the graph.");
        }
        let top = draw_title(c, st, &self.title())?;
        let full = *st;
        let st = &self.legend.plot_style(st);
        let size = st.tick_size();
        let label_width = self.label_width(st);
        let labels = self.labels(st);
        let scale = Scale::linear(0.0, 1.0);
        let ticks = linear_ticks(&scale, 4, true);
        let last_half = text_width("100%", size, false) / 2.0;
        let rh = Self::row_height_for(st, &labels);
        let plot = Rect {
            x0: st.margin() + label_width + st.gap() * 1.5,
            y0: top,
            x1: st.width - st.margin() - last_half,
            y1: top + rh * self.rows.len() as f64 + st.px(8.0),
        };
        let spec = TextSpec::new(size, TEXT).align(HAlign::Right, VAlign::Center);
        let separator = st.px(2.0).max(1.0);
        for (i, row) in self.rows.iter().enumerate() {
            let cy = top + st.px(4.0) + rh * (i as f64 + 0.5);
            let lines = &labels[i];
            let lh = line_height(size);
            for (k, line) in lines.iter().enumerate() {
                let dy = (k as f64 - (lines.len() as f64 - 1.0) / 2.0) * lh;
                c.text(line, plot.x0 - st.gap(), cy + dy, &spec)?;
            }
            // Bars keep their thickness when the rows grow for two-line names.
            let half = Self::row_height(st) * 0.36;
            let mut start = 0.0;
            for &g in &self.shown {
                let share = row.shares[g];
                if share <= 0.0 {
                    continue;
                }
                let x0 = scale.map(start, plot.x0, plot.x1);
                let x1 = scale.map(start + share, plot.x0, plot.x1);
                c.rect(x0, cy - half, x1, cy + half, self.colors[g])?;
                if start > 0.0 {
                    c.vline(x0, cy - half, cy + half, separator, WHITE)?;
                }
                start += share;
            }
        }
        draw_x_axis(
            c,
            st,
            &plot,
            &scale,
            &ticks,
            "Share of papers",
            AxisStyle::default(),
        )?;
        c.vline(plot.x0, plot.y0, plot.y1, st.line(), AXIS)?;
        let note_top = plot.y1 + x_axis_height(st, true);
        draw_note(c, st, &self.note(), note_top)?;
        self.legend
            .draw_placed(c, &full, top, note_top + note_height(st, &self.note()))
    }
}
