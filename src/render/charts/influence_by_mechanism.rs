//! Figure 5: influence by mechanism. One row per mechanism: every catalogue paper's composite
//! influence score (the score Fig. 4 ranks by, a weighted mean of percentiles in 0..1, on a linear
//! axis) as a dot, over a box of the quartiles and median with whiskers to 1.5 IQR. Being made of
//! percentiles, the score spreads the papers over the axis, so every box has a width; PageRank on
//! a log axis put most papers of the large mechanisms on one value at the left edge.

use anyhow::Result;

use super::canvas::{line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Palette, Rgb, AXIS, MUTED, TEXT, WHITE};
use super::scale::Scale;
use super::style::Style;
use super::text::{
    fit_with_suffix, left_out, unspecified_hidden, unspecified_note, wrap_with_suffix,
};
use super::widgets::{
    draw_note, draw_x_axis, note_height, outline_for, roomy_linear_ticks, x_axis_height, AxisStyle,
    Rect,
};
use super::Chart;
use crate::analysis::{Analysis, InfluenceScore};

struct Row {
    label: String,
    /// The paper count, "(n)", kept whole when the label is cut.
    count: String,
    color: Rgb,
    /// (influence score, vertical jitter in -1..1), sorted by score.
    points: Vec<(f64, f64)>,
}

pub(super) struct InfluenceByMechanism {
    rows: Vec<Row>,
    papers: usize,
    left_out: usize,
    /// `--hide-unspecified`: the papers without a mechanism left out, when it is on.
    hidden: Option<usize>,
    /// The lowest score, how many papers share it, and whether none of them is cited in the
    /// graph (then they tie on every part of the score), when three or more share it.
    floor: Option<Floor>,
    /// The score shown (`--influence`).
    influence: InfluenceScore,
}

struct Floor {
    score: f64,
    papers: usize,
    never_cited: bool,
    /// No paper scores lower (always so for the classic score). Under the age-fair score the
    /// uncited papers of a year tie above that year's least-cited cited ones, so their tie is
    /// not the lowest score.
    lowest: bool,
}

/// A stable jitter in -1..1 from a paper id (FNV-1a), so the figure is the same on every run.
fn jitter(id: &str) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// The q-quantile of sorted values, by linear interpolation.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let f = pos - lo as f64;
    sorted[lo] + (sorted[hi.min(sorted.len() - 1)] - sorted[lo]) * f
}

/// A row's box plot over its dots, centred on `cy` in a row `rh` high, values placed by `x`:
/// the quartiles' box, the median (white halo, so that it shows over dark dots) and Tukey's
/// whiskers to the last values within 1.5 interquartile ranges.
fn draw_box(
    c: &Canvas,
    st: &Style,
    row: &Row,
    cy: f64,
    rh: f64,
    x: impl Fn(f64) -> f64,
) -> Result<()> {
    let line = st.line();
    let values: Vec<f64> = row.points.iter().map(|p| p.0).collect();
    let (q1, q2, q3) = (
        quantile(&values, 0.25),
        quantile(&values, 0.5),
        quantile(&values, 0.75),
    );
    let iqr = q3 - q1;
    let low = values
        .iter()
        .copied()
        .find(|&v| v >= q1 - 1.5 * iqr)
        .unwrap_or(q1);
    let high = values
        .iter()
        .rev()
        .copied()
        .find(|&v| v <= q3 + 1.5 * iqr)
        .unwrap_or(q3);
    let half = rh * 0.36;
    c.hline(x(low), x(q1), cy, line, AXIS)?;
    c.hline(x(q3), x(high), cy, line, AXIS)?;
    c.vline(x(low), cy - half * 0.5, cy + half * 0.5, line, AXIS)?;
    c.vline(x(high), cy - half * 0.5, cy + half * 0.5, line, AXIS)?;
    // A box of one value still shows as a box, two strokes wide.
    c.frame(
        x(q1),
        cy - half,
        x(q3).max(x(q1) + line * 2.0),
        cy + half,
        line,
        AXIS,
    )?;
    // The median with a white halo, so that it stays visible over dark dots.
    c.vline(x(q2), cy - half, cy + half, line * 3.0, WHITE)?;
    c.vline(x(q2), cy - half, cy + half, line * 1.6, TEXT)?;
    Ok(())
}

impl InfluenceByMechanism {
    /// One row per mechanism group of `groups`, from the catalogue papers' composite influence
    /// scores (`analysis.influential`, Fig. 4's score, in 0..1).
    pub fn new(analysis: &Analysis, groups: &Palette) -> Self {
        let mut points: Vec<Vec<(f64, f64)>> = vec![Vec::new(); groups.groups.len()];
        let (mut papers, mut left_out, mut hidden) = (0, 0, 0);
        for paper in &analysis.influential {
            if !paper.score.is_finite() {
                left_out += 1;
                continue;
            }
            if groups.hides_unspecified() && Palette::is_unspecified(&paper.mechanisms) {
                hidden += 1;
                continue;
            }
            papers += 1;
            let j = jitter(&paper.paper_id);
            for g in groups.groups_of(&paper.mechanisms) {
                points[g].push((paper.score.clamp(0.0, 1.0), j));
            }
        }
        let floor = Self::floor(analysis, groups);
        let rows = points
            .into_iter()
            .enumerate()
            .filter(|(_, p)| !p.is_empty())
            .map(|(g, mut p)| {
                p.sort_by(|a, b| a.0.total_cmp(&b.0));
                Row {
                    label: groups.groups[g].label.clone(),
                    count: format!("({})", p.len()),
                    color: groups.groups[g].color,
                    points: p,
                }
            })
            .collect();
        InfluenceByMechanism {
            influence: analysis.summary.influence,
            rows,
            papers,
            left_out,
            hidden: groups.hides_unspecified().then_some(hidden),
            floor,
        }
    }

    /// The papers at the lowest score. A paper no one in the graph cites has the lowest
    /// PageRank, authority, betweenness and catalogue citations, so all such papers tie; a
    /// mid-rank percentile puts a tie of a share f of the papers at f/2, not 0, so the floor
    /// sits at about half the share of uncited papers (0.24 on the world snapshot: 130 of 275).
    fn floor(analysis: &Analysis, groups: &Palette) -> Option<Floor> {
        let shown: Vec<&crate::analysis::InfluentialPaper> = analysis
            .influential
            .iter()
            .filter(|p| p.score.is_finite())
            .filter(|p| !(groups.hides_unspecified() && Palette::is_unspecified(&p.mechanisms)))
            .collect();
        let lowest = shown.iter().map(|p| p.score).fold(f64::INFINITY, f64::min);
        let in_degree: std::collections::HashMap<&str, u64> = analysis
            .papers
            .iter()
            .map(|p| (p.paper_id.as_str(), u64::from(p.in_degree)))
            .collect();
        let uncited = |p: &crate::analysis::InfluentialPaper| {
            p.catalog_citations == 0 && in_degree.get(p.paper_id.as_str()).is_some_and(|&d| d == 0)
        };
        // The classic score: the papers at the lowest score. The age-fair score: the largest
        // tie of uncited papers, wherever it falls (cited papers of the same years may score
        // below it).
        let score = match analysis.summary.influence {
            InfluenceScore::Classic => lowest,
            InfluenceScore::AgeFair => {
                let mut ties: Vec<f64> = shown
                    .iter()
                    .filter(|p| uncited(p))
                    .map(|p| p.score)
                    .collect();
                ties.sort_by(f64::total_cmp);
                let mut best = (0usize, lowest);
                let mut i = 0;
                while i < ties.len() {
                    let j = ties[i..]
                        .iter()
                        .take_while(|&&x| (x - ties[i]).abs() <= 1e-9)
                        .count();
                    if j > best.0 {
                        best = (j, ties[i]);
                    }
                    i += j;
                }
                best.1
            }
        };
        let at_floor: Vec<&&crate::analysis::InfluentialPaper> = shown
            .iter()
            .filter(|p| (p.score - score).abs() <= 1e-9)
            .collect();
        if at_floor.len() < 3 {
            return None;
        }
        Some(Floor {
            score,
            papers: at_floor.len(),
            never_cited: at_floor.iter().all(|p| uncited(p)),
            lowest: (score - lowest).abs() <= 1e-9,
        })
    }

    fn row_height(st: &Style) -> f64 {
        st.px(72.0)
    }

    /// The room for the names: the widest on one line, within 46% of the width.
    fn label_width(&self, st: &Style) -> f64 {
        let size = st.tick_size();
        self.rows
            .iter()
            .map(|r| text_width(&format!("{} {}", r.label, r.count), size, false))
            .fold(0.0, f64::max)
            .min(st.width * 0.46)
    }

    /// Each row's name and count: on one line when it fits, else on two lines of whole words
    /// (so that "Token Merging" and "Token Caching" do not both read "Token…"), else cut.
    fn labels(&self, st: &Style) -> Vec<Vec<String>> {
        let size = st.tick_size();
        let width = self.label_width(st);
        self.rows
            .iter()
            .map(|row| {
                let one = fit_with_suffix(&row.label, &row.count, size, width);
                if !one.contains('…') {
                    return vec![one];
                }
                let two = wrap_with_suffix(&row.label, &row.count, size, width, 2);
                if two.iter().all(|l| text_width(l, size, false) <= width) {
                    two
                } else {
                    vec![one]
                }
            })
            .collect()
    }

    /// Every row's height: room for two lines of name when a name takes two.
    fn row_height_for(st: &Style, labels: &[Vec<String>]) -> f64 {
        let lines = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;
        (line_height(st.tick_size()) * lines + st.px(14.0)).max(Self::row_height(st))
    }

    fn note(&self) -> String {
        let mut note = String::new();
        if let Some(floor) = &self.floor {
            let who = if floor.never_cited {
                "never cited in the graph, "
            } else {
                ""
            };
            let what = if floor.lowest { "Floor" } else { "Tie" };
            note.push_str(&format!(
                "{what} {:.2}: {} of the {} papers, {who}tie there on every part of the score.",
                floor.score, floor.papers, self.papers
            ));
            if !floor.lowest {
                note.push_str(" Papers below it are cited, less than their years' papers.");
            }
        }
        if let Some(hidden) = self.hidden {
            note.push('\n');
            note.push_str(&unspecified_note(hidden));
        }
        note.trim().to_string()
    }
}

impl Chart for InfluenceByMechanism {
    fn title(&self) -> String {
        match self.influence {
            InfluenceScore::Classic => "Influence score by mechanism",
            InfluenceScore::AgeFair => "Age-fair influence score by mechanism",
        }
        .to_string()
    }

    fn caption(&self) -> String {
        let mut caption = format!(
            "Composite influence score (the score the influential papers are ranked by, {}; 0 to 1) of the {} catalogue papers, one row per \
             mechanism (paper count in parentheses; a paper with several mechanisms appears in \
             each of its rows). Box: quartiles and median; whiskers: the furthest papers within \
             1.5 times the interquartile range. \"n tied\": papers that share the row's lowest \
             score.",
            self.influence.formula(),
            self.papers
        );
        if let Some(floor) = self.floor.as_ref().filter(|f| f.never_cited && !f.lowest) {
            caption.push_str(&format!(
                " The {} papers at {:.2} are cited by no paper in the graph and tie on every \
                 component. The age-fair score compares a paper with those of its years, so an \
                 uncited paper of a year in which most papers are uncited sits near its year's \
                 middle, and a cited paper of a year whose papers are cited more can score below it.",
                floor.papers, floor.score
            ));
        }
        if let Some(floor) = self.floor.as_ref().filter(|f| f.never_cited && f.lowest) {
            caption.push_str(&format!(
                " The {} papers at the lowest score, {:.2}, are cited by no paper in the graph: \
                 they tie on every component, and a mid-rank percentile puts a tie shared by a \
                 fraction f of the papers at f/2, so this floor is half their share, not 0.",
                floor.papers, floor.score
            ));
        }
        caption.push_str(&left_out(self.left_out, "without a score"));
        caption.push_str(&self.hidden.map(unspecified_hidden).unwrap_or_default());
        caption
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        top + Self::row_height_for(st, &self.labels(st)) * self.rows.len() as f64
            + x_axis_height(st, true)
            + note_height(st, &self.note())
            + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.rows
            .is_empty()
            .then_some("No catalogue paper has an influence score to show.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let size = st.tick_size();
        let label_width = self.label_width(st);
        let labels = self.labels(st);
        // The score is a weighted mean of percentiles: a linear axis over its whole range,
        // with as many ticks as leave room between their labels.
        let scale = Scale::linear(0.0, 1.0);
        let x0 = st.margin() + label_width + st.gap() * 1.5;
        let room = st.width - st.margin() - x0;
        let ticks = roomy_linear_ticks(&scale, 5, size, room, st.px(30.0));
        let last_half = ticks
            .last()
            .map(|t| text_width(&t.label, size, false) / 2.0)
            .unwrap_or(0.0);
        let rh = Self::row_height_for(st, &labels);
        let plot = Rect {
            x0,
            y0: top,
            x1: st.width - st.margin() - last_half,
            y1: top + rh * self.rows.len() as f64,
        };
        // Alternate row shading, so that a dot is read against the right label.
        for i in (1..self.rows.len()).step_by(2) {
            let y = plot.y0 + rh * i as f64;
            c.rect(plot.x0, y, plot.x1, y + rh, (0xF6, 0xF6, 0xF6))?;
        }
        let axis = AxisStyle::grid().inset(st.px(14.0));
        draw_x_axis(
            c,
            st,
            &plot,
            &scale,
            &ticks,
            match self.influence {
                InfluenceScore::Classic => "Influence score",
                InfluenceScore::AgeFair => "Age-fair influence score",
            },
            axis,
        )?;
        let x = |v: f64| axis.x(&scale, &plot, v);
        let label_spec = TextSpec::new(size, TEXT).align(HAlign::Right, VAlign::Center);
        let radius = st.px(5.5);
        for (i, row) in self.rows.iter().enumerate() {
            let cy = plot.y0 + rh * (i as f64 + 0.5);
            let lines = &labels[i];
            for (k, line) in lines.iter().enumerate() {
                let dy = (k as f64 - (lines.len() as f64 - 1.0) / 2.0) * line_height(size);
                c.text(line, plot.x0 - st.gap(), cy + dy, &label_spec)?;
            }
            // The dots, in the mechanism's colour; light colours get a darker rim.
            let rim = outline_for(row.color);
            for &(value, j) in &row.points {
                let y = cy + j * rh * 0.3;
                if let Some(rim) = rim {
                    c.dot(x(value), y, radius + st.px(1.5), rim, 0.55)?;
                }
                c.dot(x(value), y, radius, row.color, 0.6)?;
            }
            // Papers tied at the row's lowest score (no citations in the graph: every percentile
            // at its floor) pile up on one spot: say how many.
            let floor = row.points.first().map_or(0.0, |p| p.0);
            let tied = row.points.iter().take_while(|p| p.0 == floor).count();
            if tied >= 3 {
                let text = format!("{tied} tied");
                let small = st.small_size();
                let right = x(floor) - radius - st.gap();
                if right - plot.x0 - st.px(14.0) >= text_width(&text, small, false) {
                    let spec = TextSpec::new(small, MUTED).align(HAlign::Right, VAlign::Center);
                    c.text(&text, right, cy, &spec)?;
                }
            }
            draw_box(c, st, row, cy, rh, x)?;
        }
        c.vline(plot.x0, plot.y0, plot.y1, st.line(), AXIS)?;
        draw_note(c, st, &self.note(), plot.y1 + x_axis_height(st, true))
    }
}
