//! A small drawing surface over plotters' SVG and bitmap backends, in pixel coordinates.
//!
//! The figures lay themselves out in pixels rather than through plotters' `ChartBuilder`, because
//! survey figures need control that the builder does not give: labels measured and truncated to
//! the space they have, categorical axes, heat-map cells, legends below the plot.
//!
//! Text is where the backends differ. In the SVG, plotters writes a `<text>` element and the
//! viewer sets it; [`Canvas::text`] corrects plotters' size and baseline conventions so that the
//! text lands where the layout measured it. In the PNG, this file rasterizes the glyphs itself
//! with ab_glyph at sub-pixel positions: plotters' own bitmap text rounds every glyph to a whole
//! pixel, which spaces letters unevenly ("Pap ers") at the sizes a paper figure uses.
//!
//! Both measure and draw every character with the face of the font chain that has it
//! ([`super::fonts`]: DejaVu Sans, then the system's CJK and emoji fonts), so a label cut to its
//! room is cut where it will be drawn, whatever its script.

use ab_glyph::{Font, ScaleFont};
use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform};

use super::fonts;
use super::palette::Rgb;

/// DejaVu Sans: (ascender - descender) / units per em = (1901 + 483) / 2048. ab_glyph scales a
/// font so that this height equals the requested size, so one em is `size / ASCENT_DESCENT`.
const ASCENT_DESCENT: f64 = 1.1641;
/// DejaVu Sans cap height in em (1493 / 2048): used to centre text on its capitals.
const CAP_HEIGHT: f64 = 0.729;
/// The SVG backend writes `font-size = size / 1.24` (plotters' convention).
const SVG_SIZE_DIVISOR: f64 = 1.24;
/// The SVG backend anchors `VPos::Top` text with `dy = 0.76em`.
const SVG_TOP_DY_EM: f64 = 0.76;

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HAlign {
    Left,
    Center,
    Right,
}

/// Vertical anchor of a text: where the given y falls on the line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VAlign {
    /// y is the top of the capital letters.
    Top,
    /// y is the middle of the capital letters.
    Center,
    /// y is the baseline.
    Baseline,
}

/// How to draw one text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextSpec {
    /// Font size in plotters' units (pixel height of ascender to descender).
    pub size: f64,
    pub bold: bool,
    pub color: Rgb,
    pub h: HAlign,
    pub v: VAlign,
    /// Rotated a quarter turn counter-clockwise (reads bottom to top), for y-axis titles and
    /// column labels.
    pub vertical: bool,
}

impl TextSpec {
    pub fn new(size: f64, color: Rgb) -> Self {
        TextSpec {
            size,
            bold: false,
            color,
            h: HAlign::Left,
            v: VAlign::Baseline,
            vertical: false,
        }
    }
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    pub fn align(mut self, h: HAlign, v: VAlign) -> Self {
        self.h = h;
        self.v = v;
        self
    }
    pub fn vertical(mut self) -> Self {
        self.vertical = true;
        self
    }
}

/// The font an SVG text of this size and weight asks for, in `family` (a CSS list: a face's
/// [`fonts::Face::css_family`]).
pub(crate) fn font(size: f64, bold: bool, family: &'static str) -> FontDesc<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(family), size.max(1.0), style)
}

/// Width in pixels of `text` at `size`, as both backends will draw it: each character in the
/// face of the font chain that has it (DejaVu Sans first, see [`super::fonts`]), kerned within a
/// face; a character no face has is left out, as it is when drawn.
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    if text.is_empty() {
        return 0.0;
    }
    if fonts::dejavu(bold).is_none() {
        // The fonts are compiled in; should one not parse, an estimate of DejaVu's average
        // advance keeps the layout sane.
        return text.chars().count() as f64 * size * 0.55;
    }
    let mut width = 0f32;
    let mut previous: Option<(&fonts::Face, ab_glyph::GlyphId)> = None;
    for c in text.chars() {
        let Some(face) = fonts::face_for(c, bold) else {
            continue;
        };
        let font = face.font.as_scaled(face.scale(size));
        let id = font.glyph_id(c);
        if let Some((p_face, p)) = previous {
            if std::ptr::eq(p_face, face) {
                width += font.kern(p, id);
            }
        }
        width += font.h_advance(id);
        previous = Some((face, id));
    }
    f64::from(width)
}

/// The text size (as [`text_width`] takes it) that the SVG writes as `font-size` (one em).
pub(crate) fn size_for_svg_font_size(font_size: f64) -> f64 {
    font_size * ASCENT_DESCENT
}

/// Height of a line of text (ascender to descender) at `size`, plus a little leading.
pub(crate) fn line_height(size: f64) -> f64 {
    size * 1.08
}

/// Height of capital letters at `size`.
pub(crate) fn cap_height(size: f64) -> f64 {
    size / ASCENT_DESCENT * CAP_HEIGHT
}

enum Area<'a> {
    Svg(DrawingArea<SVGBackend<'a>, Shift>),
    Png(DrawingArea<BitMapBackend<'a>, Shift>),
}

/// A drawing surface in pixels, origin at the top left.
pub(crate) struct Canvas<'a> {
    area: Area<'a>,
    pub width: f64,
    pub height: f64,
}

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("drawing failed: {e}")
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn px(v: f64) -> i32 {
    // Saturating, and NaN becomes 0: a bad value misplaces one mark instead of panicking.
    v.round() as i32
}

macro_rules! on_area {
    ($canvas:expr, $area:ident => $body:expr) => {
        match &$canvas.area {
            Area::Svg($area) => $body.map_err(err),
            Area::Png($area) => $body.map_err(err),
        }
    };
}

impl<'a> Canvas<'a> {
    pub fn svg(backend: SVGBackend<'a>) -> Self {
        let area = backend.into_drawing_area();
        let (w, h) = area.dim_in_pixel();
        Canvas {
            area: Area::Svg(area),
            width: f64::from(w),
            height: f64::from(h),
        }
    }

    pub fn png(backend: BitMapBackend<'a>) -> Self {
        let area = backend.into_drawing_area();
        let (w, h) = area.dim_in_pixel();
        Canvas {
            area: Area::Png(area),
            width: f64::from(w),
            height: f64::from(h),
        }
    }

    pub fn fill(&self, color: Rgb) -> Result<()> {
        on_area!(self, a => a.fill(&rgb(color)))
    }

    /// A filled rectangle between two corners (any order).
    pub fn rect(&self, x0: f64, y0: f64, x1: f64, y1: f64, color: Rgb) -> Result<()> {
        let (l, r) = (x0.min(x1), x0.max(x1));
        let (t, b) = (y0.min(y1), y0.max(y1));
        if !(l.is_finite() && r.is_finite() && t.is_finite() && b.is_finite()) {
            return Ok(());
        }
        // A rectangle that rounds to no width or no height draws nothing in a viewer and makes
        // SVG readers (usvg) warn: it is left out of both backends.
        let (l, t, r, b) = (px(l), px(t), px(r), px(b));
        if l == r || t == b {
            return Ok(());
        }
        let element = Rectangle::new([(l, t), (r, b)], rgb(color).filled());
        on_area!(self, a => a.draw(&element))
    }

    /// The outline of a rectangle, `width` pixels thick, drawn inside the rectangle. Built from
    /// filled rectangles so that it is equally crisp in both backends.
    pub fn frame(&self, x0: f64, y0: f64, x1: f64, y1: f64, width: f64, color: Rgb) -> Result<()> {
        let (l, r) = (x0.min(x1), x0.max(x1));
        let (t, b) = (y0.min(y1), y0.max(y1));
        let w = width.max(1.0).min((r - l) / 2.0).min((b - t) / 2.0);
        if w <= 0.0 {
            return self.rect(l, t, r, b, color);
        }
        self.rect(l, t, r, t + w, color)?;
        self.rect(l, b - w, r, b, color)?;
        self.rect(l, t, l + w, b, color)?;
        self.rect(r - w, t, r, b, color)
    }

    /// Diagonal hatching (lines rising to the right, `spacing` pixels apart, `width` thick)
    /// clipped to a rectangle, over whatever is drawn there.
    #[allow(clippy::too_many_arguments)]
    pub fn hatch(
        &self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        spacing: f64,
        width: f64,
        color: Rgb,
    ) -> Result<()> {
        let (l, r) = (x0.min(x1), x0.max(x1));
        let (t, b) = (y0.min(y1), y0.max(y1));
        if !(l.is_finite() && r.is_finite() && t.is_finite() && b.is_finite()) || spacing <= 0.0 {
            return Ok(());
        }
        // The lines x + y = k, for k from the top-left corner to the bottom-right one.
        let mut k = l + t + spacing / 2.0;
        while k < r + b {
            let xa = l.max(k - b);
            let xb = r.min(k - t);
            if xb - xa > 0.5 {
                self.polyline(&[(xa, k - xa), (xb, k - xb)], width, color)?;
            }
            k += spacing;
        }
        Ok(())
    }

    /// A horizontal line centred on `y`.
    pub fn hline(&self, x0: f64, x1: f64, y: f64, width: f64, color: Rgb) -> Result<()> {
        let half = width.max(1.0) / 2.0;
        self.rect(x0, y - half, x1, y + half, color)
    }

    /// A vertical line centred on `x`.
    pub fn vline(&self, x: f64, y0: f64, y1: f64, width: f64, color: Rgb) -> Result<()> {
        let half = width.max(1.0) / 2.0;
        self.rect(x - half, y0, x + half, y1, color)
    }

    /// A polyline through `points`.
    pub fn polyline(&self, points: &[(f64, f64)], width: f64, color: Rgb) -> Result<()> {
        let points: Vec<(i32, i32)> = points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|&(x, y)| (px(x), px(y)))
            .collect();
        if points.len() < 2 {
            return Ok(());
        }
        let stroke = px(width).max(1) as u32;
        let element = PathElement::new(points, rgb(color).stroke_width(stroke));
        on_area!(self, a => a.draw(&element))
    }

    /// A filled circle with an optional outline.
    pub fn circle(&self, x: f64, y: f64, r: f64, fill: Rgb, outline: Option<Rgb>) -> Result<()> {
        if !(x.is_finite() && y.is_finite() && r.is_finite()) {
            return Ok(());
        }
        let radius = px(r).max(1) as u32;
        if let Some(outline) = outline {
            let element = Circle::new((px(x), px(y)), radius, rgb(outline).filled());
            on_area!(self, a => a.draw(&element))?;
            let inner = (radius as f64 - (r * 0.25).max(1.0)).max(1.0) as u32;
            let element = Circle::new((px(x), px(y)), inner, rgb(fill).filled());
            on_area!(self, a => a.draw(&element))
        } else {
            let element = Circle::new((px(x), px(y)), radius, rgb(fill).filled());
            on_area!(self, a => a.draw(&element))
        }
    }

    /// A filled circle, `alpha` opaque (so that overlapping points darken).
    pub fn dot(&self, x: f64, y: f64, r: f64, fill: Rgb, alpha: f64) -> Result<()> {
        if !(x.is_finite() && y.is_finite() && r.is_finite()) {
            return Ok(());
        }
        let radius = px(r).max(1) as u32;
        let element = Circle::new((px(x), px(y)), radius, rgb(fill).mix(alpha).filled());
        on_area!(self, a => a.draw(&element))
    }

    /// A filled polygon.
    pub fn polygon(&self, points: &[(f64, f64)], color: Rgb) -> Result<()> {
        if points
            .iter()
            .any(|(x, y)| !(x.is_finite() && y.is_finite()))
            || points.len() < 3
        {
            return Ok(());
        }
        let points: Vec<(i32, i32)> = points.iter().map(|&(x, y)| (px(x), px(y))).collect();
        let element = Polygon::new(points, rgb(color).filled());
        on_area!(self, a => a.draw(&element))
    }

    /// Draws one line of text anchored at (x, y) as `spec` says, on the same baseline and at the
    /// same size in both backends.
    pub fn text(&self, text: &str, x: f64, y: f64, spec: &TextSpec) -> Result<()> {
        // What no face of the chain draws is left out here as in `text_width`: never a box.
        let text = &*fonts::drawable(text, spec.bold);
        if text.is_empty()
            || !x.is_finite()
            || !y.is_finite()
            || spec.size.is_nan()
            || spec.size <= 0.0
        {
            return Ok(());
        }
        let em = spec.size / ASCENT_DESCENT;
        // Where the baseline goes, below the anchor, in the text's own frame.
        let baseline = match spec.v {
            VAlign::Top => em * CAP_HEIGHT,
            VAlign::Center => em * CAP_HEIGHT / 2.0,
            VAlign::Baseline => 0.0,
        };
        // Where the text starts, along its own direction, from the anchor.
        let start = match spec.h {
            HAlign::Left => 0.0,
            HAlign::Center => -text_width(text, spec.size, spec.bold) / 2.0,
            HAlign::Right => -text_width(text, spec.size, spec.bold),
        };
        match &self.area {
            Area::Png(area) => self.raster_text(area, text, (x, y), start, baseline, spec),
            Area::Svg(area) => self.svg_text(area, text, (x, y), start, baseline, spec),
        }
    }

    /// SVG text: one `<text>` when one face draws it all (anchored as `spec` says), else one a
    /// run of characters of one face ([`fonts::runs`]), each placed where [`text_width`] puts it
    /// and asking for its own face, so that a viewer or usvg (the PDF) sets every run in the font
    /// the PNG draws it with rather than the whole text in the first font that has all of it.
    fn svg_text(
        &self,
        area: &DrawingArea<SVGBackend<'a>, Shift>,
        text: &str,
        (x, y): (f64, f64),
        start: f64,
        baseline: f64,
        spec: &TextSpec,
    ) -> Result<()> {
        // plotters writes `font-size = size / 1.24` and puts a top-anchored baseline at 0.76em:
        // ask for the size and anchor that give DejaVu's em and our baseline.
        let em = spec.size / ASCENT_DESCENT;
        let size = em * SVG_SIZE_DIVISOR;
        let shift = baseline - em * SVG_TOP_DY_EM;
        let style_of = |family: &'static str, h: HPos| {
            let style = font(size, spec.bold, family)
                .color(&rgb(spec.color))
                .pos(Pos::new(h, VPos::Top));
            if spec.vertical {
                style.transform(FontTransform::Rotate270)
            } else {
                style
            }
        };
        let runs = fonts::runs(text, spec.bold);
        if let [(run, face)] = runs.as_slice() {
            let (dx, dy) = if spec.vertical {
                (shift, 0.0)
            } else {
                (0.0, shift)
            };
            let h = match spec.h {
                HAlign::Left => HPos::Left,
                HAlign::Center => HPos::Center,
                HAlign::Right => HPos::Right,
            };
            let style = style_of(face.css_family, h);
            return area
                .draw_text(run, &style, (px(x + dx), px(y + dy)))
                .map_err(err);
        }
        // SVG viewers drop the spaces at the ends of a `<text>`: they are left to the layout.
        let collapsed = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
        let mut along = start;
        for (run, face) in &runs {
            let body = run.trim_matches(collapsed);
            let lead = &run[..run.len() - run.trim_start_matches(collapsed).len()];
            let offset = along + text_width(lead, spec.size, spec.bold);
            if !body.is_empty() {
                let (ax, ay) = if spec.vertical {
                    (x + shift, y - offset)
                } else {
                    (x + offset, y + shift)
                };
                let style = style_of(face.css_family, HPos::Left);
                area.draw_text(body, &style, (px(ax), px(ay)))
                    .map_err(err)?;
            }
            along += text_width(run, spec.size, spec.bold);
        }
        Ok(())
    }

    /// PNG text: every glyph outlined at its exact (sub-pixel) pen position and blended in.
    fn raster_text(
        &self,
        area: &DrawingArea<BitMapBackend<'a>, Shift>,
        text: &str,
        anchor: (f64, f64),
        start: f64,
        baseline: f64,
        spec: &TextSpec,
    ) -> Result<()> {
        let color = rgb(spec.color);
        let (width, height) = (self.width as i32, self.height as i32);
        let mut pen = start as f32;
        let mut previous: Option<(&fonts::Face, ab_glyph::GlyphId)> = None;
        for c in text.chars() {
            let Some(face) = fonts::face_for(c, spec.bold) else {
                continue;
            };
            let scale = face.scale(spec.size);
            let font = face.font.as_scaled(scale);
            let id = font.glyph_id(c);
            if let Some((p_face, p)) = previous {
                if std::ptr::eq(p_face, face) {
                    pen += font.kern(p, id);
                }
            }
            previous = Some((face, id));
            let glyph = id.with_scale_and_position(scale, ab_glyph::point(pen, baseline as f32));
            pen += font.h_advance(id);
            let Some(outline) = face.font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let mut result = Ok(());
            outline.draw(|gx, gy, coverage| {
                if result.is_err() || coverage <= 0.0 {
                    return;
                }
                // (tx, ty): the pixel in the text's own frame, relative to the anchor.
                let tx = f64::from(bounds.min.x) + f64::from(gx);
                let ty = f64::from(bounds.min.y) + f64::from(gy);
                let (sx, sy) = if spec.vertical {
                    // A quarter turn counter-clockwise: along the text is up the page.
                    (anchor.0 + ty, anchor.1 - tx - 1.0)
                } else {
                    (anchor.0 + tx, anchor.1 + ty)
                };
                let (sx, sy) = (sx.round() as i32, sy.round() as i32);
                if sx < 0 || sy < 0 || sx >= width || sy >= height {
                    return;
                }
                let alpha = f64::from(coverage.min(1.0));
                result = area.draw_pixel((sx, sy), &color.mix(alpha)).map_err(err);
            });
            result?;
        }
        Ok(())
    }

    pub fn present(&self) -> Result<()> {
        on_area!(self, a => a.present())
    }
}
