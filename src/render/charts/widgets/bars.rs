//! Lists of horizontal bars on a shared value axis: labels wrapped or cut at word boundaries,
//! the value after each bar, and a break mark when the axis does not start at 0.

use anyhow::Result;

use super::axis::{draw_x_axis, ticks_have_room, x_axis_height, AxisStyle};
use super::marker::outline_for;
use super::title::{draw_note, note_height};
use super::Rect;
use crate::render::charts::canvas::{line_height, text_width, Canvas, HAlign, TextSpec, VAlign};
use crate::render::charts::palette::{Rgb, AXIS, GRID, MUTED, TEXT, WHITE};
use crate::render::charts::scale::{linear_ticks, nice_max, nice_step, Scale, Tick};
use crate::render::charts::style::Style;
use crate::render::charts::text::{fit_labels, wrap_with_suffix};

/// The most pixels the labels of a list of bars may take: `share` of the width, or in a wide
/// figure all but [`BARS_ROOM`] for the bars, whichever is more, so that a wider figure spends
/// its room on whole labels rather than on longer bars.
pub(crate) fn label_room(st: &Style, share: f64) -> f64 {
    (st.width * share).max(st.width - st.margin() * 2.0 - st.px(BARS_ROOM))
}

/// Pixels the bars of a list, their values and the axis need to read well.
const BARS_ROOM: f64 = 760.0;

/// One bar of a [`BarList`].
#[derive(Debug, Clone)]
pub(crate) struct Bar {
    pub label: String,
    /// Kept whole after a label cut to fit, e.g. the year: "A long title… (2023)".
    pub suffix: String,
    pub value: f64,
    pub color: Rgb,
    /// Printed after the value, e.g. "(107)" for a count the caption explains; may be empty.
    pub note: String,
    /// Drawn white with diagonal hatching in `color` (as a [`super::Marker::Hatch`] legend key): a
    /// value that belongs to no group, such as an uncertain prediction.
    pub hatched: bool,
}

impl Bar {
    /// The value as printed after the bar, with its note.
    fn value_text(&self) -> String {
        if self.note.is_empty() {
            value_label(self.value)
        } else {
            format!("{} {}", value_label(self.value), self.note)
        }
    }

    fn full_label(&self) -> String {
        if self.suffix.is_empty() {
            self.label.clone()
        } else {
            format!("{} {}", self.label, self.suffix)
        }
    }
}

/// Whether `shown`, a cut of `full` (a `…` in it), ends inside a word of `full`: the text
/// before the `…` is not followed in `full` by a space, a hyphen's break or the end.
pub(crate) fn cut_mid_word(full: &str, shown: &str) -> bool {
    let Some((stem, _)) = shown.split_once('…') else {
        return false;
    };
    let stem = stem.trim_end();
    if stem.is_empty() {
        return true;
    }
    // fit_text trims a cut's trailing punctuation, so the stem is a prefix of the text.
    full.strip_prefix(stem).is_some_and(|rest| {
        !(rest.is_empty()
            || rest.starts_with([' ', ',', ':', ';', ')', '-'])
            || stem.ends_with('-'))
    })
}

/// A value printed beside a bar: three significant digits.
pub(crate) fn value_label(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// Horizontal bars, one per labelled row, on a shared value axis that starts at 0.
#[derive(Debug, Clone)]
pub(crate) struct BarList {
    pub bars: Vec<Bar>,
    pub axis_title: String,
    /// The most of the figure's width the labels may take.
    pub label_share: f64,
    /// The largest value the quantity can take (1 for a score in [0, 1]), if it has one: the
    /// axis ends there (the values after the longest bars print past its end).
    pub limit: Option<f64>,
    /// Start the axis just below the smallest value instead of at 0 when all values are close
    /// together (the smallest above 60% of the largest), so that what separates them shows; the
    /// axis and every bar then carry a break mark.
    pub zoom: bool,
    /// A line under the axis title that explains the numbers after the bars; may be empty.
    pub note: String,
    /// Labels as wide as this at least (within the room), so that panels of bars stacked in one
    /// figure start their bars at the same x: the widest label of all the panels; 0 for none.
    pub align_labels_to: f64,
    /// The most lines a label may take: 1 cuts a long label at a word boundary with `…`; 2 (or
    /// more) first wraps it over lines of whole words, its row growing by a line for each.
    pub label_lines: usize,
}

impl BarList {
    /// The width of this list's widest label (name and suffix), in pixels.
    pub fn widest_label(&self, st: &Style) -> f64 {
        self.bars
            .iter()
            .map(|b| text_width(&b.full_label(), st.tick_size(), false))
            .fold(0.0, f64::max)
    }

    fn row_height(st: &Style) -> f64 {
        st.px(47.0)
    }

    /// The pixels the labels take: the widest label (or [`BarList::align_labels_to`]), within
    /// the room [`label_room`] gives.
    fn label_width(&self, st: &Style) -> f64 {
        self.widest_label(st)
            .max(self.align_labels_to)
            .min(label_room(st, self.label_share))
    }

    /// Each bar's label as drawn, a line per entry: whole on one line when it fits; else, with
    /// [`BarList::label_lines`] above 1, over that many lines of whole words, the suffix (the
    /// year) whole at the end; else (or when a single word is wider than the room) on one line
    /// cut at a word boundary with `…`.
    pub fn labels(&self, st: &Style) -> Vec<Vec<String>> {
        let size = st.tick_size();
        let width = self.label_width(st);
        let names: Vec<(&str, &str)> = self
            .bars
            .iter()
            .map(|b| (b.label.as_str(), b.suffix.as_str()))
            .collect();
        let one_line = fit_labels(&names, size, width);
        self.bars
            .iter()
            .zip(one_line)
            .map(|(bar, one)| {
                if one == bar.full_label() {
                    return vec![one];
                }
                // A word too long for the room (a narrow figure) is never cut: the label takes
                // a line or two more, so that every line holds whole words.
                let mid_word = cut_mid_word(&bar.full_label(), &one);
                if self.label_lines <= 1 && !mid_word {
                    return vec![one];
                }
                let most = self.label_lines.max(1);
                let extra = if mid_word { 2 } else { 0 };
                (most.max(2)..=most + extra)
                    .map(|n| self.wrapped_label(bar, size, width, n))
                    .find(|lines| lines.iter().all(|l| text_width(l, size, false) <= width))
                    .unwrap_or_else(|| vec![one.clone()])
            })
            .collect()
    }

    /// A bar's label over at most `max_lines` lines of whole words, its suffix at the end.
    fn wrapped_label(&self, bar: &Bar, size: f64, width: f64, max_lines: usize) -> Vec<String> {
        let mut lines = wrap_with_suffix(&bar.label, &bar.suffix, size, width, max_lines);
        // A year alone on the last line: the last word above goes down to keep it company.
        if let [.., above, last] = lines.as_mut_slice() {
            if *last == bar.suffix {
                if let Some((head, word)) = above.rsplit_once(' ') {
                    let moved = format!("{word} {last}");
                    if text_width(&moved, size, false) <= width {
                        *last = moved;
                        *above = head.to_string();
                    }
                }
            }
        }
        lines
    }

    /// The height of each bar's row: one row, and a line more for each extra line of label.
    fn row_heights(st: &Style, labels: &[Vec<String>]) -> Vec<f64> {
        let lh = line_height(st.tick_size());
        labels
            .iter()
            .map(|lines| Self::row_height(st) + lh * lines.len().saturating_sub(1) as f64)
            .collect()
    }

    /// Height from the top of the first bar to the bottom of the axis title and the note.
    pub fn height(&self, st: &Style) -> f64 {
        let rows: f64 = if self.bars.is_empty() {
            Self::row_height(st)
        } else {
            Self::row_heights(st, &self.labels(st)).iter().sum()
        };
        rows + st.px(8.0) + x_axis_height(st, !self.axis_title.is_empty()) + self.note_height(st)
    }

    fn note_height(&self, st: &Style) -> f64 {
        note_height(st, &self.note)
    }

    /// Whether every label is drawn whole (on its lines) at this style's width.
    pub fn labels_fit(&self, st: &Style) -> bool {
        let squeeze = |s: &str| s.replace(' ', "");
        self.bars
            .iter()
            .zip(self.labels(st))
            .all(|(bar, lines)| squeeze(&lines.concat()) == squeeze(&bar.full_label()))
    }

    /// Where the value axis starts: 0, or with `zoom` a round value below the smallest bar.
    fn axis_start(&self) -> f64 {
        let values = self
            .bars
            .iter()
            .map(|b| b.value)
            .filter(|v| v.is_finite() && *v > 0.0);
        let (min, max) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if !self.zoom || self.bars.len() < 2 || max <= 0.0 || min < 0.6 * max {
            return 0.0;
        }
        // A step that splits the spread of the values into a few ticks; the axis starts one
        // step below the smallest value's tick, so the shortest bar still has some length.
        let step = nice_step((max - min).max(max * 0.01), 3);
        (((min / step).floor() - 1.0) * step).max(0.0)
    }

    /// Where the value axis goes: as many ticks as leave room between their labels, from 5
    /// down to 2, on a scale that reaches far enough past the longest bar for its value to be
    /// printed after it, or that ends at the quantity's bound ([`BarList::limit`]).
    fn value_axis(&self, st: &Style) -> ValueAxis {
        let size = st.tick_size();
        let m = st.margin();
        let label_width = self.label_width(st);
        let max = self
            .bars
            .iter()
            .map(|b| b.value)
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let small = st.small_size();
        let value_room = self
            .bars
            .iter()
            .map(|b| text_width(&b.value_text(), small, false))
            .fold(0.0, f64::max)
            + st.gap();
        let x0 = m + label_width + st.gap() * 1.5;
        let width = (st.width - m - x0).max(1.0);
        let lo = self.axis_start().min(max);
        let reach = lo + (max - lo) * width / (width - value_room).max(width * 0.5);
        // A bounded quantity's axis ends at its bound, short enough that every value prints
        // after its bar within the figure.
        let bound = self.limit.filter(|&limit| limit > lo && max <= limit);
        let bounded_width = bound.map(|limit| {
            let value_gap = st.gap() * 0.8;
            self.bars
                .iter()
                .filter(|b| b.value.is_finite() && b.value > lo)
                .map(|b| {
                    let share = (b.value - lo) / (limit - lo);
                    let text = text_width(&b.value_text(), small, false) + value_gap;
                    (width - text) / share
                })
                .fold(width, f64::min)
                // Every value prints inside the figure, however short that leaves the bars.
                .max(width * 0.2)
        });
        let axis_width = bounded_width.unwrap_or(width);
        let (scale, ticks) = (2..=5)
            .rev()
            .map(|n| match bound {
                Some(limit) => {
                    let scale = Scale::linear(lo, limit);
                    let ticks = linear_ticks(&scale, n, false);
                    (scale, ticks)
                }
                None => {
                    let scale = Scale::linear(lo, lo + nice_max(reach - lo, n));
                    let ticks = linear_ticks(&scale, n, false);
                    (scale, ticks)
                }
            })
            .find(|(scale, ticks)| ticks_have_room(ticks, scale, size, axis_width, st.px(36.0)))
            .unwrap_or_else(|| {
                let scale = match bound {
                    Some(limit) => Scale::linear(lo, limit),
                    None => Scale::linear(lo, lo + nice_max(reach - lo, 2)),
                };
                let ticks = linear_ticks(&scale, 2, false);
                (scale, ticks)
            });
        ValueAxis {
            x0,
            width: axis_width,
            lo,
            scale,
            ticks,
        }
    }

    /// Draws the list, the top of its first row at `top`: gridlines, a row a bar (label, bar,
    /// value), the value axis with its title, and the note under it ([`BarList::height`]).
    pub fn draw(&self, c: &Canvas, st: &Style, top: f64) -> Result<()> {
        let size = st.tick_size();
        let m = st.margin();
        let axis = self.value_axis(st);
        let (x0, scale, ticks) = (axis.x0, &axis.scale, &axis.ticks);
        // The last tick label is centred on the right edge: leave room for its right half.
        let last_half = ticks
            .last()
            .map(|t| text_width(&t.label, size, false) / 2.0)
            .unwrap_or(0.0);
        let labels = self.labels(st);
        let heights = if self.bars.is_empty() {
            vec![Self::row_height(st)]
        } else {
            Self::row_heights(st, &labels)
        };
        let plot = Rect {
            x0,
            y0: top,
            x1: (x0 + axis.width).min(st.width - m - last_half),
            y1: top + heights.iter().sum::<f64>() + st.px(8.0),
        };
        for tick in ticks {
            let x = scale.map(tick.value, plot.x0, plot.x1);
            c.vline(x, plot.y0, plot.y1, st.thin(), GRID)?;
        }
        let mut row_top = top + st.px(4.0);
        for ((bar, lines), height) in self.bars.iter().zip(&labels).zip(&heights) {
            let y = row_top + height / 2.0;
            row_top += height;
            Self::draw_row(c, st, bar, lines, y, &plot, &axis)?;
        }
        self.draw_axis(c, st, &plot, &axis)
    }

    /// One bar's row, centred on `y`: its label's lines right-aligned before the axis, the bar
    /// (hatched, outlined, cut by a break when the axis does not start at 0), its value after it.
    fn draw_row(
        c: &Canvas,
        st: &Style,
        bar: &Bar,
        lines: &[String],
        y: f64,
        plot: &Rect,
        axis: &ValueAxis,
    ) -> Result<()> {
        let size = st.tick_size();
        let small = st.small_size();
        let (scale, lo) = (&axis.scale, axis.lo);
        let spec = TextSpec::new(size, TEXT).align(HAlign::Right, VAlign::Center);
        let value_spec = TextSpec::new(small, MUTED).align(HAlign::Left, VAlign::Center);
        let lh = line_height(size);
        let half = Self::row_height(st) * 0.34;
        // The label's lines centred on the bar.
        for (k, line) in lines.iter().enumerate() {
            let dy = (k as f64 - (lines.len() as f64 - 1.0) / 2.0) * lh;
            c.text(line, plot.x0 - st.gap(), y + dy, &spec)?;
        }
        let value = if bar.value.is_finite() {
            bar.value.max(0.0)
        } else {
            0.0
        };
        let x = scale.map(value, plot.x0, plot.x1);
        if x > plot.x0 {
            if bar.hatched {
                c.rect(plot.x0, y - half, x, y + half, WHITE)?;
                c.hatch(
                    plot.x0,
                    y - half,
                    x,
                    y + half,
                    st.px(9.0),
                    st.thin(),
                    bar.color,
                )?;
            } else {
                c.rect(plot.x0, y - half, x, y + half, bar.color)?;
            }
            let outline = if bar.hatched {
                bar.color
            } else {
                outline_for(bar.color).unwrap_or(bar.color)
            };
            c.frame(plot.x0, y - half, x, y + half, st.thin(), outline)?;
            if lo > 0.0 {
                // The bar is cut short: a white gap across its base says so.
                draw_break(
                    c,
                    st,
                    plot.x0 + st.px(14.0),
                    y - half - st.px(3.0),
                    y + half + st.px(3.0),
                    WHITE,
                )?;
            }
        }
        if bar.value.is_finite() {
            c.text(&bar.value_text(), x + st.gap() * 0.8, y, &value_spec)?;
        }
        Ok(())
    }

    /// The value axis along the bottom of `plot` with its title, the line at the bars' base, the
    /// axis break when the axis does not start at 0, and the note under it all.
    fn draw_axis(&self, c: &Canvas, st: &Style, plot: &Rect, axis: &ValueAxis) -> Result<()> {
        let (scale, ticks, lo) = (&axis.scale, &axis.ticks, axis.lo);
        draw_x_axis(
            c,
            st,
            plot,
            scale,
            ticks,
            &self.axis_title,
            AxisStyle::default(),
        )?;
        c.vline(plot.x0, plot.y0, plot.y1, st.line(), AXIS)?;
        if lo > 0.0 {
            // The axis break: two slanted strokes on the value axis, just right of its start.
            let y = plot.y1;
            draw_break(
                c,
                st,
                plot.x0 + st.px(14.0),
                y - st.px(12.0),
                y + st.px(12.0),
                AXIS,
            )?;
        }
        draw_note(
            c,
            st,
            &self.note,
            plot.y1 + x_axis_height(st, !self.axis_title.is_empty()),
        )
    }
}

/// Where a [`BarList`]'s value axis goes ([`BarList::value_axis`]).
struct ValueAxis {
    /// The x of the bars' base, right of the labels.
    x0: f64,
    /// Pixels from `x0` the axis may span (less, after room for its last tick label).
    width: f64,
    /// The value at the bars' base: 0, or above it on a zoomed axis (drawn with breaks).
    lo: f64,
    scale: Scale,
    ticks: Vec<Tick>,
}

/// A break mark: two parallel slanted strokes centred on x from y0 to y1, in `color` over a
/// white gap (white strokes cut a bar, dark ones mark the axis).
fn draw_break(c: &Canvas, st: &Style, x: f64, y0: f64, y1: f64, color: Rgb) -> Result<()> {
    let slant = (y1 - y0) * 0.25;
    let gap = st.px(7.0);
    if color != WHITE {
        c.polygon(
            &[
                (x - gap / 2.0 - slant, y1),
                (x - gap / 2.0 + slant, y0),
                (x + gap / 2.0 + slant, y0),
                (x + gap / 2.0 - slant, y1),
            ],
            WHITE,
        )?;
    }
    let width = st.line();
    for dx in [-gap / 2.0, gap / 2.0] {
        c.polyline(&[(x + dx - slant, y1), (x + dx + slant, y0)], width, color)?;
    }
    Ok(())
}
