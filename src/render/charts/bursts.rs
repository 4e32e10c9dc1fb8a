//! The citation bursts figure, after CiteSpace's "references with the strongest citation
//! bursts": one row per burst (strongest first), the paper's label, the burst's strength, first
//! and last year, and a strip over every year of the burst model, light before the paper
//! appeared, gray after, red during the burst.

use anyhow::Result;

use super::canvas::{cap_height, line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use super::palette::{Rgb, GRID, MUTED, TEXT};
use super::style::Style;
use super::text::{fit_labels, wrap_with_suffix};
use super::widgets::{LegendBlock, LegendEntry};
use super::Chart;
use crate::render::labels::figure_paper_label as paper_label;
use crate::render::View;

/// How many bursts the figure lists at one column; a wider figure lists more
/// ([`Style::list_rows`]).
const TOP: usize = 20;
/// The burst years (CiteSpace's red), years before the paper, and years after.
const BURST: Rgb = (0xC8, 0x1E, 0x1E);
const BEFORE: Rgb = (0xEE, 0xEE, 0xEE);
const AFTER: Rgb = (0xA8, 0xB8, 0xC8);

struct Row {
    name: String,
    suffix: String,
    year: Option<i32>,
    start: i32,
    end: i32,
    strength: f64,
}

pub(super) struct Bursts {
    rows: Vec<Row>,
    years: (i32, i32),
    total: usize,
}

impl Bursts {
    pub fn new(view: &View<'_>, st: &Style) -> Self {
        let analysis = view.analysis;
        let rows = analysis
            .time
            .bursts
            .iter()
            .filter(|b| b.strength.is_finite())
            .take(st.list_rows(TOP))
            .map(|b| {
                let paper = view.catalog_paper(&b.paper_id);
                let (name, suffix) = match paper {
                    Some(p) => paper_label(p.abbreviation.as_deref(), &p.title, p.year),
                    None => (b.paper_id.clone(), String::new()),
                };
                Row {
                    name,
                    suffix,
                    year: paper.and_then(|p| p.year),
                    start: b.start,
                    end: b.end,
                    strength: b.strength,
                }
            })
            .collect();
        Bursts {
            rows,
            years: analysis.time.burst_years.unwrap_or((0, 0)),
            total: analysis.time.bursts.len(),
        }
    }

    fn row_height(st: &Style) -> f64 {
        st.px(44.0)
    }

    /// The columns, left to right: (label width, strength x, begin x, end x, strip x0, strip
    /// width), centres for the numbers.
    fn columns(&self, st: &Style) -> (f64, f64, f64, f64, f64, f64) {
        let small = st.small_size();
        let (first, last) = self.years;
        let span = (last - first + 1).max(1) as f64;
        let number_width = text_width("Strength", small, true) + st.gap();
        let year_width = text_width("2000", st.tick_size(), false) + st.gap() * 2.0;
        let strip_x1 = st.width - st.margin();
        // A third of a one-column figure; no wider in a wide one, whose room goes to the titles.
        let strip_width = (st.width * 0.30)
            .min(st.px(520.0))
            .max(span * 2.0)
            .min(st.width * 0.5);
        let strip_x0 = strip_x1 - strip_width;
        let x_end = strip_x0 - st.gap() - year_width / 2.0;
        let x_begin = x_end - year_width;
        let x_strength = x_begin - year_width / 2.0 - st.gap() - number_width / 2.0;
        let beside = x_strength - number_width / 2.0 - st.gap() - st.margin();
        // Too narrow a column for names (a narrow figure): each name on a line of its own
        // above its numbers, as wide as the figure.
        let label_width = if Self::stacked_for(beside, st) {
            st.width - 2.0 * st.margin()
        } else {
            beside
        };
        (
            label_width,
            x_strength,
            x_begin,
            x_end,
            strip_x0,
            strip_width,
        )
    }

    /// Each row's label, whole words on one line, or two when one does not hold it (the year
    /// kept whole), never cut inside a word.
    /// Whether a name column `beside` pixels wide is too narrow, so that names go on lines of
    /// their own above their numbers.
    fn stacked_for(beside: f64, st: &Style) -> bool {
        beside < st.px(300.0)
    }

    /// Whether the names go on lines of their own ([`Bursts::stacked_for`]): their room then
    /// reaches past the numbers' columns.
    fn stacked(&self, st: &Style) -> bool {
        let (label_width, x_strength, ..) = self.columns(st);
        label_width > x_strength
    }

    fn labels(&self, st: &Style) -> Vec<Vec<String>> {
        let size = st.tick_size();
        let (width, ..) = self.columns(st);
        let pairs: Vec<(&str, &str)> = self
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.suffix.as_str()))
            .collect();
        // One line when the name fits whole, or is cut at a word boundary by `fit_labels`;
        // else two lines of whole words.
        let fitted = fit_labels(&pairs, size, width);
        self.rows
            .iter()
            .zip(fitted)
            .map(|(row, one)| {
                let full = format!("{} {}", row.name, row.suffix);
                if one == full.trim_end() {
                    return vec![one];
                }
                wrap_with_suffix(&row.name, &row.suffix, size, width, 2)
            })
            .collect()
    }

    /// Height of each row: one row height, and a line more for a label on two lines.
    fn row_heights(&self, st: &Style) -> Vec<f64> {
        let above = usize::from(self.stacked(st));
        self.labels(st)
            .iter()
            .map(|lines| {
                Self::row_height(st)
                    + line_height(st.tick_size()) * (lines.len() + above).saturating_sub(1) as f64
            })
            .collect()
    }

    /// What the strip's colours mean, for a figure that travels without its caption.
    fn legend() -> LegendBlock {
        LegendBlock::new(
            vec![
                LegendEntry::swatch("Burst", BURST),
                LegendEntry::swatch("Published, no burst", AFTER),
                LegendEntry::swatch("Before publication", BEFORE),
            ],
            None,
        )
        // The paper names need the width more than the legend needs a column.
        .keep_below()
    }

    fn header_height(st: &Style) -> f64 {
        cap_height(st.tick_size()) + st.px(26.0)
    }
}

impl Chart for Bursts {
    fn title(&self) -> String {
        match self.rows.len() {
            0 => "Citation bursts".to_string(),
            1 => "The strongest citation burst".to_string(),
            n => format!("The {n} strongest citation bursts"),
        }
    }

    fn caption(&self) -> String {
        let (first, last) = self.years;
        format!(
            "Catalogue papers with the strongest citation bursts (Kleinberg's two-state model, \
             s = 2, gamma = 1, as in CiteSpace), {} of {} bursts: strength is the cost the burst \
             state saves; the strip runs over {first}-{last}, red during the burst, gray from \
             the paper's year on. Citations are counted by the citing paper's year, among the \
             citations the graph holds.",
            self.rows.len(),
            self.total
        )
    }

    fn height_from(&self, st: &Style, top: f64) -> f64 {
        top + Self::header_height(st)
            + self.row_heights(st).iter().sum::<f64>()
            + Self::legend().height(st)
            + st.margin()
    }

    fn empty_reason(&self) -> Option<&'static str> {
        self.rows
            .is_empty()
            .then_some("No catalogue paper has a citation burst: too few dated citations.")
    }

    fn draw_body(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let size = st.tick_size();
        let small = st.small_size();
        let (first, last) = self.years;
        let span = (last - first + 1).max(1) as f64;

        // Columns: label | strength | begin | end | strip.
        let (_, x_strength, x_begin, x_end, strip_x0, strip_width) = self.columns(st);
        let x_label = st.margin();
        let strip_x1 = strip_x0 + strip_width;

        let header = TextSpec::new(small, MUTED)
            .bold()
            .align(HAlign::Center, VAlign::Top);
        let y_header = top;
        let stacked = self.stacked(st);
        if !stacked {
            c.text(
                "Paper",
                x_label,
                y_header,
                &TextSpec::new(small, MUTED)
                    .bold()
                    .align(HAlign::Left, VAlign::Top),
            )?;
        }
        c.text("Strength", x_strength, y_header, &header)?;
        c.text("Begin", x_begin, y_header, &header)?;
        c.text("End", x_end, y_header, &header)?;
        let years_label = format!("{first} – {last}");
        c.text(&years_label, (strip_x0 + strip_x1) / 2.0, y_header, &header)?;
        let body = top + Self::header_height(st);
        c.hline(x_label, strip_x1, body - st.px(8.0), st.thin(), GRID)?;

        let labels = self.labels(st);
        let heights = self.row_heights(st);
        let cell = strip_width / span;
        let text = TextSpec::new(size, TEXT).align(HAlign::Left, VAlign::Center);
        let centred = TextSpec::new(size, TEXT).align(HAlign::Center, VAlign::Center);
        let lh = line_height(size);
        let mut row_top = body;
        for ((row, lines), height) in self.rows.iter().zip(&labels).zip(&heights) {
            // The numbers and the strip on the label's last line.
            let y = row_top + height - Self::row_height(st) * 0.5;
            row_top += height;
            for (k, line) in lines.iter().enumerate() {
                let up = (lines.len() - 1 - k + usize::from(stacked)) as f64 * lh;
                c.text(line, x_label, y - up, &text)?;
            }
            c.text(&format!("{:.2}", row.strength), x_strength, y, &centred)?;
            c.text(&row.start.to_string(), x_begin, y, &centred)?;
            c.text(&row.end.to_string(), x_end, y, &centred)?;
            let half = Self::row_height(st) * 0.22;
            for k in 0..(last - first + 1).max(1) {
                let year = first + k;
                let color = if (row.start..=row.end).contains(&year) {
                    BURST
                } else if row.year.is_some_and(|y| year >= y) {
                    AFTER
                } else {
                    BEFORE
                };
                let x0 = strip_x0 + cell * k as f64;
                // Hairline gaps between years only when the cells are wide enough to show them.
                let gap = if cell > st.px(8.0) { st.px(1.0) } else { 0.0 };
                let (y0, y1) = if color == BURST {
                    (y - half, y + half)
                } else {
                    (y - half * 0.45, y + half * 0.45)
                };
                c.rect(x0, y0, x0 + cell - gap, y1, color)?;
            }
        }
        Self::legend().draw(c, st, row_top)
    }
}
