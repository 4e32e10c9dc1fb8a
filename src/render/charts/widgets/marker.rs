//! Small marks: legend keys and data markers (swatch, hatch, stripes, circle, triangle), the
//! stripes of a count that is not final, and the outline a light fill needs against white.

use anyhow::Result;

use crate::render::charts::canvas::Canvas;
use crate::render::charts::palette::{darker, luminance, Rgb, TEXT, WHITE};
use crate::render::charts::style::Style;

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Swatch,
    /// A white swatch with diagonal hatching in the entry's colour.
    Hatch,
    /// A swatch of the entry's colour with white diagonal stripes and a dark outline (a bar
    /// whose count is not final, such as the current year's).
    Striped,
    Circle,
    Triangle,
}

/// White diagonal stripes over a filled rectangle and a dark outline around it: what marks a
/// bar whose count is not final (the current year) while its fill keeps its colour.
pub(crate) fn draw_stripes(
    c: &Canvas,
    st: &Style,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
) -> Result<()> {
    c.hatch(x0, y0, x1, y1, st.px(13.0), st.px(3.5), WHITE)?;
    c.frame(x0, y0, x1, y1, st.line(), TEXT)
}

/// A legend key or data marker of width `size`, centred on (x, y). Light colours get a darker
/// outline so that they show against white.
pub(crate) fn draw_marker(
    c: &Canvas,
    st: &Style,
    marker: Marker,
    x: f64,
    y: f64,
    size: f64,
    color: Rgb,
) -> Result<()> {
    let outline = outline_for(color);
    match marker {
        Marker::Swatch => {
            let (hw, hh) = (size / 2.0, size * 0.36);
            c.rect(x - hw, y - hh, x + hw, y + hh, color)?;
            if let Some(outline) = outline {
                c.frame(x - hw, y - hh, x + hw, y + hh, st.thin(), outline)?;
            }
            Ok(())
        }
        Marker::Hatch => {
            let (hw, hh) = (size / 2.0, size * 0.36);
            c.rect(x - hw, y - hh, x + hw, y + hh, WHITE)?;
            c.hatch(x - hw, y - hh, x + hw, y + hh, st.px(7.0), st.thin(), color)?;
            c.frame(x - hw, y - hh, x + hw, y + hh, st.thin(), color)
        }
        Marker::Striped => {
            let (hw, hh) = (size / 2.0, size * 0.36);
            c.rect(x - hw, y - hh, x + hw, y + hh, color)?;
            draw_stripes(c, st, x - hw, y - hh, x + hw, y + hh)
        }
        Marker::Circle => c.circle(x, y, size * 0.3, color, Some(outline.unwrap_or(color))),
        Marker::Triangle => {
            let r = size * 0.36;
            let points = [
                (x, y - r),
                (x + r * 0.95, y + r * 0.7),
                (x - r * 0.95, y + r * 0.7),
            ];
            if let Some(outline) = outline {
                let o = r + st.px(2.5);
                c.polygon(
                    &[
                        (x, y - o),
                        (x + o * 0.95, y + o * 0.7),
                        (x - o * 0.95, y + o * 0.7),
                    ],
                    outline,
                )?;
            }
            c.polygon(&points, color)
        }
    }
}

/// The outline a fill needs to stand out from white, if it does.
pub(crate) fn outline_for(color: Rgb) -> Option<Rgb> {
    (luminance(color) > 0.45).then(|| darker(color, 0.45))
}
