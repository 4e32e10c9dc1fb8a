//! Figure 6: detected communities against mechanisms. One bar per community, as long as the
//! number of catalogue papers in it and split by their mechanisms, the communities holding the
//! most catalogue papers first; after each bar, that number of the community's papers in the
//! whole graph ("73 of 751"), so what orders the rows is what the bars show.

use std::collections::BTreeMap;

use anyhow::Result;

use super::canvas::{line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Palette, Rgb, AXIS, MUTED, TEXT, WHITE};
use super::scale::Scale;
use super::style::Style;
use super::text::{fit_text, unspecified_hidden, unspecified_note, wrap_words};
use super::widgets::{
    draw_note, draw_x_axis, label_room, note_height, roomy_linear_ticks, x_axis_height, AxisStyle,
    LegendBlock, LegendEntry, Rect,
};
use super::Chart;
use crate::render::View;

/// Communities past this many are merged into one bar, at one column; a wider figure shows
/// more ([`Style::list_rows`]).
const MAX_COMMUNITIES: usize = 10;

/// The share of the width the community names may take (more in a wide figure: see
/// [`label_room`]).
const LABEL_SHARE: f64 = 0.46;

struct Row {
    label: String,
    /// Printed after the bar: "73 of 751", its catalogue papers of its papers in the graph.
    count: String,
    /// Catalogue papers of each mechanism group (a paper with k mechanisms counts 1/k towards
    /// each), summing to the bar's length.
    counts: Vec<f64>,
}

pub(super) struct Communities {
    rows: Vec<Row>,
    colors: Vec<Rgb>,
    legend: LegendBlock,
    shown: Vec<usize>,
    communities: usize,
    /// The most bars: past it, the communities with fewest catalogue papers share the last one.
    max_rows: usize,
    nmi: f64,
    ari: f64,
    /// `--hide-unspecified`: the papers without a mechanism left out, when it is on.
    hidden: Option<usize>,
}

impl Communities {
    pub fn new(view: &View<'_>, groups: &Palette, st: &Style) -> Self {
        let analysis = view.analysis;
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
        let sizes: BTreeMap<u32, usize> = analysis
            .clusters
            .iter()
            .map(|c| (c.community, c.size))
            .collect();
        // By catalogue papers, which the bars show; ties by size in the whole graph, then by
        // number (0 is the largest in the graph). The citation map's cluster filter in the
        // report uses the same order.
        let mut ranked: Vec<(u32, (usize, Vec<f64>))> = by_community.into_iter().collect();
        let size_of = |id: u32| sizes.get(&id).copied().unwrap_or(0);
        ranked.sort_by(|(a, (na, _)), (b, (nb, _))| {
            nb.cmp(na)
                .then(size_of(*b).cmp(&size_of(*a)))
                .then(a.cmp(b))
        });
        let mut rows = Vec::new();
        let mut rest = (0usize, vec![0.0; n_groups], 0usize, 0usize);
        for (i, (id, (count, mechanisms))) in ranked.into_iter().enumerate() {
            if i < max_rows - 1 || communities <= max_rows {
                let of = format!("{count} of {}", thousands(size_of(id).max(count)));
                rows.push((view.community_name(id), of, mechanisms));
            } else {
                rest.0 += count;
                rest.2 += 1;
                rest.3 += size_of(id).max(count);
                for (g, v) in mechanisms.into_iter().enumerate() {
                    rest.1[g] += v;
                }
            }
        }
        if rest.2 > 0 {
            let of = format!("{} of {}", rest.0, thousands(rest.3));
            rows.push((format!("{} other communities", rest.2), of, rest.1));
        }
        let mut used = vec![false; n_groups];
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|(label, count, counts)| {
                for (g, c) in counts.iter().enumerate() {
                    used[g] |= *c > 0.0;
                }
                Row {
                    label,
                    count,
                    counts,
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
            .any(|r| text_width(&r.label, size, false) > room)
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
        let mut note =
            "n of N: catalogue papers of the community's papers in the graph".to_string();
        if let Some(hidden) = self.hidden {
            note.push('\n');
            note.push_str(&unspecified_note(hidden));
        }
        note
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
            .map(|r| text_width(&r.label, size, false))
            .fold(0.0, f64::max);
        widest.min(label_room(st, LABEL_SHARE))
    }

    /// Each row's name: on one line when it fits, else its terms on the first line and its
    /// papers on the second when each fits, else over two (or, in a narrow figure, three)
    /// lines of whole words, else one line cut at a whole name ([`fit_name_list`]).
    fn labels(&self, st: &Style) -> Vec<Vec<String>> {
        let size = st.tick_size();
        let width = self.label_width(st);
        self.rows
            .iter()
            .map(|row| {
                let one = fit_name_list(&row.label, size, width);
                if one == row.label {
                    return vec![one];
                }
                // Terms on the first line, the papers' names on the second, when each fits.
                if let Some((terms, papers)) = row.label.rsplit_once(" (") {
                    let second = format!("({papers}");
                    if text_width(terms, size, false) <= width
                        && text_width(&second, size, false) <= width
                    {
                        return vec![terms.to_string(), second];
                    }
                }
                let fits =
                    |lines: &Vec<String>| lines.iter().all(|l| text_width(l, size, false) <= width);
                let two = wrap_words(&row.label, size, width, 2);
                if two.iter().all(|l| !l.contains('…')) && fits(&two) {
                    return two;
                }
                let three = wrap_words(&row.label, size, width, 3);
                if fits(&three) && (one.contains('…') || !fits(&vec![one.clone()])) {
                    three
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

/// A community name "C2: A, B, C" cut to `width` at the commas: the names that do not fit are
/// dropped whole ("C2: A, B…"), so no paper's name is cut mid-word; a first name too long for
/// the room is cut after a whole word.
fn fit_name_list(label: &str, size: f64, width: f64) -> String {
    if text_width(label, size, false) <= width {
        return label.to_string();
    }
    let mut names: Vec<&str> = label.split(", ").collect();
    while names.len() > 1 {
        names.pop();
        let kept = names.join(", ");
        let ellipsis = if kept.ends_with('…') { "" } else { "…" };
        let candidate = format!("{kept}{ellipsis}");
        if text_width(&candidate, size, false) <= width {
            return candidate;
        }
    }
    fit_text(label, size, false, width)
}

/// A count with thousands separated by commas: 1,204.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Chart for Communities {
    fn title(&self) -> String {
        "Communities vs. mechanisms".to_string()
    }

    fn caption(&self) -> String {
        let mut caption = format!(
            "The {} communities of the graph that hold catalogue papers, those holding the most \
             catalogue papers first (beyond the first {}, merged into one bar), each named by \
             the title terms most distinctive of it and its best-known catalogue paper, as in \
             clusters.csv and graph.dot. Each bar is as long as the number of catalogue papers \
             in the community, split by their mechanisms (a paper with k mechanisms counts 1/k \
             towards each); after it, \"n of N\": n catalogue papers of the community's N \
             papers in the whole graph (C0 is the largest there).",
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

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        let plot = self.legend.plot_style(st);
        let rh = Self::row_height_for(&plot, &self.labels(&plot));
        let body = rh * self.rows.len() as f64
            + st.px(8.0)
            + x_axis_height(st, true)
            + note_height(&plot, &self.note());
        top + body.max(self.legend.side_height(st)) + self.legend.below_height(st) + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.rows
            .is_empty()
            .then_some("No catalogue paper is in the graph.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let full = *st;
        let st = &self.legend.plot_style(st);
        let size = st.tick_size();
        let label_width = self.label_width(st);
        let labels = self.labels(st);
        let rh = Self::row_height_for(st, &labels);
        let small = st.small_size();
        let x0 = st.margin() + label_width + st.gap() * 1.5;
        let width = (st.width - st.margin() - x0).max(1.0);
        // The scale reaches far enough past the longest bar for its "n of N" to print after it
        // inside the figure.
        let value_gap = st.gap() * 0.8;
        let max = self
            .rows
            .iter()
            .map(|r| r.counts.iter().sum::<f64>())
            .fold(0.0, f64::max);
        let reach = self
            .rows
            .iter()
            .map(|r| {
                let room = width - text_width(&r.count, small, false) - value_gap;
                r.counts.iter().sum::<f64>() * width / room.max(width * 0.2)
            })
            .fold(max, f64::max);
        // The axis ends where the longest "n of N" does (not at a round number past it, which
        // would leave half the plot empty); its ticks are round, as many as have room.
        let scale = Scale::linear(0.0, reach.max(1.0));
        let ticks = roomy_linear_ticks(&scale, 6, size, width, st.px(36.0));
        let last_half = ticks
            .last()
            .map(|t| text_width(&t.label, size, false) / 2.0)
            .unwrap_or(0.0);
        let plot = Rect {
            x0,
            y0: top,
            x1: st.width - st.margin() - last_half,
            y1: top + rh * self.rows.len() as f64 + st.px(8.0),
        };
        let value_spec = TextSpec::new(small, MUTED).align(HAlign::Left, VAlign::Center);
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
                let count = row.counts[g];
                if count <= 0.0 {
                    continue;
                }
                let x0 = scale.map(start, plot.x0, plot.x1);
                let x1 = scale.map(start + count, plot.x0, plot.x1);
                c.rect(x0, cy - half, x1, cy + half, self.colors[g])?;
                if start > 0.0 {
                    c.vline(x0, cy - half, cy + half, separator, WHITE)?;
                }
                start += count;
            }
            let end = scale.map(start, plot.x0, plot.x1);
            c.text(&row.count, end + value_gap, cy, &value_spec)?;
        }
        draw_x_axis(
            c,
            st,
            &plot,
            &scale,
            &ticks,
            "Catalogue papers",
            AxisStyle::default(),
        )?;
        c.vline(plot.x0, plot.y0, plot.y1, st.line(), AXIS)?;
        let note_top = plot.y1 + x_axis_height(st, true);
        draw_note(c, st, &self.note(), note_top)?;
        self.legend
            .draw_placed(c, &full, top, note_top + note_height(st, &self.note()))
    }
}
