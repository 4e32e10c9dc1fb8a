//! The words around a figure's drawing: its title (one line, or two of whole words), the page
//! of a figure with nothing to show, a note under a plot and a panel's heading.

use anyhow::Result;

use super::Rect;
use crate::render::charts::canvas::{
    cap_height, line_height, text_width, Canvas, HAlign, TextSpec, VAlign,
};
use crate::render::charts::palette::{GRID, MUTED, TEXT};
use crate::render::charts::style::Style;
use crate::render::charts::text::{fit_text, wrap_text};

/// The title's lines at this width: whole on one line when it fits, else over two lines of
/// whole words, the second cut after a whole word with `…` only when two do not hold it.
fn title_lines(st: &Style, title: &str) -> Vec<String> {
    let room = st.width - 2.0 * st.margin();
    let size = st.title_size();
    if text_width(title, size, true) <= room {
        return vec![title.to_string()];
    }
    let lines = wrap_text(title, size, true, room, 2);
    if lines.iter().all(|l| text_width(l, size, true) <= room) {
        lines
    } else {
        vec![fit_text(title, size, true, room)]
    }
}

/// Height of the title block at the top of every figure: a line more when the title takes two
/// at this width ([`draw_title`]).
pub(crate) fn title_height(st: &Style, title: &str) -> f64 {
    let extra = title_lines(st, title).len().saturating_sub(1) as f64;
    st.margin() + cap_height(st.title_size()) + st.px(34.0) + extra * line_height(st.title_size())
}

/// The figure's title, centred at the top, wrapped over two lines of whole words when the
/// figure is too narrow for one; returns the height it takes ([`title_height`]).
pub(crate) fn draw_title(c: &Canvas, st: &Style, title: &str) -> Result<f64> {
    let size = st.title_size();
    let spec = TextSpec::new(size, TEXT)
        .bold()
        .align(HAlign::Center, VAlign::Top);
    for (i, line) in title_lines(st, title).iter().enumerate() {
        let y = st.margin() + line_height(size) * i as f64;
        c.text(line, st.width / 2.0, y, &spec)?;
    }
    Ok(title_height(st, title))
}

/// Height of a figure that only says why it is empty.
pub(crate) fn empty_height(st: &Style) -> f64 {
    st.px(420.0)
}

/// A figure with nothing to draw: the title and, in the middle, why.
pub(crate) fn draw_empty(c: &Canvas, st: &Style, title: &str, why: &str) -> Result<()> {
    let top = draw_title(c, st, title)?;
    let area = Rect {
        x0: st.margin(),
        y0: top,
        x1: st.width - st.margin(),
        y1: c.height - st.margin(),
    };
    c.frame(area.x0, area.y0, area.x1, area.y1, st.thin(), GRID)?;
    let size = st.label_size();
    let lines = wrap_text(why, size, false, area.width() - 4.0 * st.gap(), 3);
    let lh = line_height(size);
    let first = (area.y0 + area.y1) / 2.0 - lh * (lines.len() as f64 - 1.0) / 2.0;
    let spec = TextSpec::new(size, MUTED).align(HAlign::Center, VAlign::Center);
    for (i, line) in lines.iter().enumerate() {
        c.text(line, st.width / 2.0, first + lh * i as f64, &spec)?;
    }
    Ok(())
}

/// The lines of a note under a plot: each of its `\n`-separated sentences wrapped to the
/// figure's width, at most three lines each.
fn note_lines(st: &Style, note: &str) -> Vec<String> {
    let width = st.width - 2.0 * st.margin();
    note.split('\n')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .flat_map(|part| wrap_text(part, st.small_size(), false, width, 3))
        .collect()
}

/// Height of a note under a plot ([`draw_note`]); 0 for no note.
pub(crate) fn note_height(st: &Style, note: &str) -> f64 {
    match note_lines(st, note).len() {
        0 => 0.0,
        n => line_height(st.small_size()) * n as f64 + st.px(10.0),
    }
}

/// A note in small muted type, centred and wrapped, its first line's capitals' top at `y` (what
/// a hidden group or a partial year means, for a figure that travels without its caption).
pub(crate) fn draw_note(c: &Canvas, st: &Style, note: &str, y: f64) -> Result<()> {
    let size = st.small_size();
    let spec = TextSpec::new(size, MUTED).align(HAlign::Center, VAlign::Top);
    for (i, line) in note_lines(st, note).iter().enumerate() {
        let top = y + st.px(10.0) + line_height(size) * i as f64;
        c.text(line, st.width / 2.0, top, &spec)?;
    }
    Ok(())
}

/// A sub-heading inside a figure (a panel's name), left-aligned at `x`; returns its height.
pub(crate) fn draw_heading(c: &Canvas, st: &Style, text: &str, x: f64, y: f64) -> Result<f64> {
    let size = st.label_size();
    let text = fit_text(text, size, true, st.width - x - st.margin());
    let spec = TextSpec::new(size, TEXT)
        .bold()
        .align(HAlign::Left, VAlign::Top);
    c.text(&text, x, y, &spec)?;
    Ok(heading_height(st))
}

/// Height of a sub-heading ([`draw_heading`]): its capitals and the gap under them.
pub(crate) fn heading_height(st: &Style) -> f64 {
    cap_height(st.label_size()) + st.px(22.0)
}
