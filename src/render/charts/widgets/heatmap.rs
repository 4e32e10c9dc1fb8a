//! Heat maps: labelled rows and columns, a colour and a number per cell, the numbers shortened
//! (12k) or left out when the cells are too narrow for them.

use anyhow::Result;

use super::axis::draw_vertical_title;
use super::colorbar::{colorbar_height, draw_colorbar, Colorbar};
use super::Rect;
use crate::render::charts::canvas::{
    cap_height, line_height, text_width, Canvas, HAlign, TextSpec, VAlign,
};
use crate::render::charts::palette::{
    sequential, text_on, Rgb, AXIS, EMPTY_CELL, MUTED, TEXT, WHITE,
};
use crate::render::charts::style::Style;
use crate::render::charts::text::{fit_text, wrap_text_complete};

/// A heat map: labelled rows and columns, a colour and a text per cell.
#[derive(Debug, Clone)]
pub(crate) struct Heatmap {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// 0..1 per cell, through [`sequential`]; NaN marks a cell outside the colour scale, drawn
    /// in [`OUTSIDE_SCALE`] gray with its number (Fig. 3's Unspecified row and column).
    pub fill: Vec<Vec<f64>>,
    pub text: Vec<Vec<String>>,
    pub row_title: String,
    pub column_title: String,
    /// Outline the diagonal (a square map of a thing against itself).
    pub diagonal: bool,
    /// Fixed cell height; `None` makes cells square within sensible bounds.
    pub cell_height: Option<f64>,
    pub colorbar: Option<Colorbar>,
}

/// A heat map's column labels as drawn ([`Heatmap::column_labels`]).
#[derive(Debug, Clone)]
struct ColumnLabels {
    /// Wrapped horizontal labels, or `None` when the columns are labelled vertically.
    lines: Option<Vec<Vec<String>>>,
    /// The vertical labels (empty when horizontal).
    vertical: Vec<String>,
    /// Their font size.
    size: f64,
    /// The height they take under the grid.
    height: f64,
}

#[derive(Debug, Clone)]
struct HeatLayout {
    grid: Rect,
    cell_width: f64,
    cell_height: f64,
    /// Each row's name, on one line or two.
    row_labels: Vec<Vec<String>>,
    /// Wrapped horizontal labels, or `None` when the columns are labelled vertically.
    column_lines: Option<Vec<Vec<String>>>,
    column_labels: Vec<String>,
    column_size: f64,
    column_label_height: f64,
    /// The one size of every cell's number: the largest (up to the small text size) at which
    /// the widest number fits its cell; `None` when even two thirds of it do not, and the
    /// numbers are left out rather than spill over.
    count_size: Option<f64>,
    /// The cells' texts as printed: as given, or counts in compact form ("12k") when the
    /// exact ones do not fit at two thirds of the small size.
    cell_text: Vec<Vec<String>>,
    height: f64,
}

/// A count in compact form when it is long: 1234 -> "1.2k", 12345 -> "12k", 1234567 -> "1.2M";
/// other texts unchanged.
pub(crate) fn compact_count(text: &str) -> String {
    let Ok(n) = text.parse::<u64>() else {
        return text.to_string();
    };
    let short = |value: f64, unit: &str| {
        if value < 9.95 {
            format!("{value:.1}{unit}").replace(".0", "")
        } else {
            format!("{value:.0}{unit}")
        }
    };
    match n {
        0..=999 => n.to_string(),
        1_000..=999_499 => short(n as f64 / 1e3, "k"),
        _ => short(n as f64 / 1e6, "M"),
    }
}

/// The fill of a heat-map cell outside the colour scale.
pub(crate) const OUTSIDE_SCALE: Rgb = (0xD4, 0xD4, 0xD4);

/// Room for a number inside a heat-map cell of this width: the cell less its white frame and a
/// little air on each side.
pub(crate) fn cell_text_room(st: &Style, cell_width: f64) -> f64 {
    cell_width - st.px(10.0)
}

impl Heatmap {
    /// False when the cells are too narrow at this width for their numbers, even shortened
    /// (1.2k) at two thirds of the small text size: the figure then says so in its note.
    pub fn shows_counts(&self, st: &Style) -> bool {
        self.layout(st, 0.0).count_size.is_some()
    }

    /// Where everything goes with the grid's top at `top`: the cells' size, the labels as
    /// drawn, the cells' numbers and the height down to the bottom of the colour bar.
    fn layout(&self, st: &Style, top: f64) -> HeatLayout {
        let size = st.tick_size();
        let m = st.margin();
        let row_title_width = line_height(st.label_size()) + st.gap();
        let widest_row = self
            .rows
            .iter()
            .map(|r| text_width(r, size, false))
            .fold(0.0, f64::max);
        let row_label_width = widest_row.min(st.width * 0.36);
        let x0 = m + row_title_width + row_label_width + st.gap() * 1.2;
        let x1 = st.width - m;
        let n_cols = self.columns.len().max(1) as f64;
        let cell_width = ((x1 - x0) / n_cols).max(1.0);
        let row_labels = self.row_labels(st, row_label_width);
        let two_lines = row_labels.iter().any(|l| l.len() > 1);
        let cell_height = match self.cell_height {
            Some(h) => h,
            None => cell_width.clamp(st.px(50.0), st.px(84.0)),
        };
        let cell_height = if two_lines {
            cell_height.max(line_height(size) * 2.0 + st.px(6.0))
        } else {
            cell_height
        };
        let ColumnLabels {
            lines: column_lines,
            vertical: column_labels,
            size: column_size,
            height: column_label_height,
        } = self.column_labels(st, cell_width);
        let grid = Rect {
            x0,
            y0: top,
            x1,
            y1: top + cell_height * self.rows.len() as f64,
        };
        let (count_size, cell_text) = self.cell_texts(st, cell_width, cell_height);
        let mut height = grid.y1 - top + column_label_height;
        if !self.column_title.is_empty() {
            height += st.gap() * 1.6 + cap_height(st.label_size()) + st.px(12.0);
        }
        if let Some(bar) = &self.colorbar {
            height += st.px(34.0) + colorbar_height(st, bar, st.width - 2.0 * m);
        }
        HeatLayout {
            grid,
            cell_width,
            cell_height,
            row_labels,
            column_lines,
            column_labels,
            column_size,
            column_label_height,
            count_size,
            cell_text,
            height,
        }
    }

    /// Each row's name as drawn in `width` pixels: whole on one line when it fits, else on two
    /// lines of whole words (the rows grow to hold them), so that "Token Merging" and "Token
    /// Caching" do not both read "Token…"; cut with `…` only when two lines do not hold it.
    fn row_labels(&self, st: &Style, width: f64) -> Vec<Vec<String>> {
        let size = st.tick_size();
        self.rows
            .iter()
            .map(|r| {
                if text_width(r, size, false) <= width {
                    return vec![r.clone()];
                }
                match wrap_text_complete(r, size, false, width, 2) {
                    (lines, true) => lines,
                    _ => vec![fit_text(r, size, false, width)],
                }
            })
            .collect()
    }

    /// The column labels: horizontal when each wraps into two lines of its cell (at the tick
    /// size, or a notch smaller), else vertical, cut to 40% of the figure's width.
    fn column_labels(&self, st: &Style, cell_width: f64) -> ColumnLabels {
        let size = st.tick_size();
        let room = cell_width - st.px(6.0);
        let horizontal = [size, size * 0.9].into_iter().find_map(|column_size| {
            let mut fits = true;
            let wrapped: Vec<Vec<String>> = self
                .columns
                .iter()
                .map(|col| {
                    let (lines, complete) = wrap_text_complete(col, column_size, false, room, 2);
                    fits &= complete;
                    lines
                })
                .collect();
            fits.then_some((wrapped, column_size))
        });
        match horizontal {
            Some((wrapped, column_size)) => {
                let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f64;
                let height = st.gap() + lines * line_height(column_size);
                ColumnLabels {
                    lines: Some(wrapped),
                    vertical: Vec::new(),
                    size: column_size,
                    height,
                }
            }
            None => {
                let max_len = st.width * 0.4;
                let labels: Vec<String> = self
                    .columns
                    .iter()
                    .map(|col| fit_text(col, size, false, max_len))
                    .collect();
                let longest = labels
                    .iter()
                    .map(|l| text_width(l, size, false))
                    .fold(0.0, f64::max);
                ColumnLabels {
                    lines: None,
                    vertical: labels,
                    size,
                    height: st.gap() * 1.5 + longest,
                }
            }
        }
    }

    /// The one size of the cells' numbers and the numbers as printed ([`HeatLayout::count_size`],
    /// [`HeatLayout::cell_text`]): as given when they fit, else in compact form.
    fn cell_texts(
        &self,
        st: &Style,
        cell_width: f64,
        cell_height: f64,
    ) -> (Option<f64>, Vec<Vec<String>>) {
        let room = cell_text_room(st, cell_width);
        let fitted = |texts: &[Vec<String>]| -> Option<f64> {
            let widest = texts
                .iter()
                .flatten()
                .map(|t| text_width(t, st.small_size(), false))
                .fold(0.0, f64::max);
            let mut size = st.small_size().min(cell_height * 0.62);
            if widest > room {
                // A hair under the exact ratio, so that rounding never makes the widest miss.
                size = size.min(st.small_size() * room / widest * 0.995);
            }
            (size >= st.small_size() * 0.66).then_some(size)
        };
        match fitted(&self.text) {
            Some(size) => (Some(size), self.text.clone()),
            None => {
                let compact: Vec<Vec<String>> = self
                    .text
                    .iter()
                    .map(|row| row.iter().map(|t| compact_count(t)).collect())
                    .collect();
                (fitted(&compact), compact)
            }
        }
    }

    /// Height from `top` down to the bottom of the colour bar.
    pub fn height(&self, st: &Style) -> f64 {
        self.layout(st, 0.0).height
    }

    /// Draws the map with the grid's top at `top`: cells and their numbers, the diagonal's
    /// outline, row and column labels, the column title, then the colour bar ([`Heatmap::height`]).
    pub fn draw(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let l = self.layout(st, top);
        self.draw_cells(c, st, &l)?;
        self.draw_row_labels(c, st, &l)?;
        Self::draw_column_labels(c, st, &l)?;
        let mut y = l.grid.y1 + l.column_label_height;
        if !self.column_title.is_empty() {
            y += st.gap() * 1.6;
            // Centred under the grid, moved sideways to stay inside the figure when the grid is
            // narrower than the title.
            let size = st.label_size();
            let title = fit_text(
                &self.column_title,
                size,
                false,
                st.width - 2.0 * st.margin(),
            );
            let half = text_width(&title, size, false) / 2.0;
            let x = ((l.grid.x0 + l.grid.x1) / 2.0)
                .min(st.width - st.margin() - half)
                .max(st.margin() + half);
            let spec = TextSpec::new(size, TEXT).align(HAlign::Center, VAlign::Top);
            c.text(&title, x, y, &spec)?;
            y += cap_height(st.label_size()) + st.px(12.0);
        }
        if let Some(bar) = &self.colorbar {
            let area = Rect {
                x0: st.margin(),
                y0: y + st.px(34.0),
                x1: st.width - st.margin(),
                y1: y + st.px(34.0) + colorbar_height(st, bar, st.width - 2.0 * st.margin()),
            };
            draw_colorbar(c, st, bar, &area)?;
        }
        Ok(())
    }

    /// The cells, each with its number, then the diagonal's outline.
    fn draw_cells(&self, c: &Canvas, st: &Style, l: &HeatLayout) -> Result<()> {
        for (r, row) in self.fill.iter().enumerate().take(self.rows.len()) {
            for (k, &value) in row.iter().enumerate().take(self.columns.len()) {
                let x = l.grid.x0 + l.cell_width * k as f64;
                let y = l.grid.y0 + l.cell_height * r as f64;
                let color = if value.is_nan() {
                    OUTSIDE_SCALE
                } else {
                    sequential(value)
                };
                c.rect(x, y, x + l.cell_width, y + l.cell_height, color)?;
                c.frame(x, y, x + l.cell_width, y + l.cell_height, st.thin(), WHITE)?;
                let text = l
                    .cell_text
                    .get(r)
                    .and_then(|t| t.get(k))
                    .map(String::as_str)
                    .unwrap_or("");
                self.draw_cell_text(c, st, text, color, x, y, l)?;
            }
        }
        if self.diagonal {
            for i in 0..self.rows.len().min(self.columns.len()) {
                let x = l.grid.x0 + l.cell_width * i as f64;
                let y = l.grid.y0 + l.cell_height * i as f64;
                c.frame(x, y, x + l.cell_width, y + l.cell_height, st.line(), AXIS)?;
            }
        }
        Ok(())
    }

    /// The rows' names right-aligned before the grid, and the vertical row title.
    fn draw_row_labels(&self, c: &Canvas, st: &Style, l: &HeatLayout) -> Result<()> {
        let size = st.tick_size();
        let spec = TextSpec::new(size, TEXT).align(HAlign::Right, VAlign::Center);
        for (r, lines) in l.row_labels.iter().enumerate() {
            let y = l.grid.y0 + l.cell_height * (r as f64 + 0.5);
            for (k, line) in lines.iter().enumerate() {
                let dy = (k as f64 - (lines.len() as f64 - 1.0) / 2.0) * line_height(size);
                c.text(line, l.grid.x0 - st.gap(), y + dy, &spec)?;
            }
        }
        if !self.row_title.is_empty() {
            let x = st.margin() + line_height(st.label_size()) / 2.0;
            draw_vertical_title(
                c,
                st,
                &self.row_title,
                x,
                (l.grid.y0 + l.grid.y1) / 2.0,
                (l.grid.height() + l.column_label_height).max(st.px(200.0)),
            )?;
        }
        Ok(())
    }

    /// The columns' names under the grid: wrapped horizontal lines, or vertical.
    fn draw_column_labels(c: &Canvas, st: &Style, l: &HeatLayout) -> Result<()> {
        let size = st.tick_size();
        let lh = line_height(l.column_size);
        match &l.column_lines {
            Some(lines) => {
                let spec = TextSpec::new(l.column_size, TEXT).align(HAlign::Center, VAlign::Top);
                for (k, label_lines) in lines.iter().enumerate() {
                    let x = l.grid.x0 + l.cell_width * (k as f64 + 0.5);
                    for (i, line) in label_lines.iter().enumerate() {
                        c.text(line, x, l.grid.y1 + st.gap() + lh * i as f64, &spec)?;
                    }
                }
            }
            None => {
                let spec = TextSpec::new(size, TEXT)
                    .align(HAlign::Right, VAlign::Center)
                    .vertical();
                for (k, label) in l.column_labels.iter().enumerate() {
                    let x = l.grid.x0 + l.cell_width * (k as f64 + 0.5);
                    c.text(label, x, l.grid.y1 + st.gap(), &spec)?;
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_cell_text(
        &self,
        c: &Canvas,
        st: &Style,
        text: &str,
        fill: Rgb,
        x: f64,
        y: f64,
        l: &HeatLayout,
    ) -> Result<()> {
        let Some(size) = l.count_size else {
            return Ok(());
        };
        if text.is_empty() || text_width(text, size, false) > cell_text_room(st, l.cell_width) {
            return Ok(());
        }
        let color = if fill == EMPTY_CELL {
            MUTED
        } else {
            text_on(fill)
        };
        let spec = TextSpec::new(size, color).align(HAlign::Center, VAlign::Center);
        c.text(text, x + l.cell_width / 2.0, y + l.cell_height / 2.0, &spec)
    }
}

#[cfg(test)]
mod tests {
    use super::compact_count;

    #[test]
    fn long_counts_shorten() {
        assert_eq!(compact_count("342"), "342");
        assert_eq!(compact_count("1234"), "1.2k");
        assert_eq!(compact_count("4000"), "4k");
        assert_eq!(compact_count("9960"), "10k");
        assert_eq!(compact_count("12345"), "12k");
        assert_eq!(compact_count("1234567"), "1.2M");
        assert_eq!(compact_count("12%"), "12%");
    }
}
