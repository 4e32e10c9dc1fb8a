//! A figure's drawing turned into file contents: SVG text with a `<title>` and its physical size,
//! a PNG that says 300 dpi in its header, and a vector PDF converted from the SVG.
//!
//! Sizes: a figure is drawn on `width` x `height` pixels at 300 dpi (1050 px = 3.5 in). The SVG
//! keeps those pixels as its `viewBox` and states its size in inches (`width="3.5in"`), so a
//! LaTeX or office import places it at its intended size. The PDF is the SVG converted by
//! svg2pdf (through usvg), with the bundled DejaVu Sans embedded as a font subset (text stays
//! text, the same letters as the PNG's), on a page of the same size in points. Characters
//! DejaVu lacks (CJK, emoji) are set in the same fallback face as in the PNG ([`fonts`]), which
//! is embedded as a subset too.

use std::sync::{Arc, OnceLock};

use anyhow::{anyhow, Context, Result};
use plotters::prelude::{BitMapBackend, SVGBackend};
use svg2pdf::usvg;

use super::canvas::Canvas;
use super::fonts;
use super::palette::WHITE;
use super::style::{Style, DEJAVU_SANS, DEJAVU_SANS_BOLD};
use super::Chart;
use crate::render::labels::one_line;

pub(super) fn render_svg(
    chart: &dyn Chart,
    style: &Style,
    size: (u32, u32),
    title: &str,
) -> Result<String> {
    let mut svg = String::new();
    {
        let canvas = Canvas::svg(SVGBackend::with_string(&mut svg, size));
        canvas.fill(WHITE)?;
        chart.draw(&canvas, style)?;
        canvas.present()?;
    }
    Ok(add_physical_size(&add_svg_title(&svg, title), size))
}

/// Pixels per inch of the figures' drawing.
const DPI: f64 = 300.0;

/// Replaces the root's pixel `width` and `height` (plotters writes them equal to the viewBox)
/// with inches at [`DPI`], keeping the viewBox: the drawing is unchanged, its printed size known.
fn add_physical_size(svg: &str, (w, h): (u32, u32)) -> String {
    let pixels = format!("<svg width=\"{w}\" height=\"{h}\" ");
    let inches = |px: u32| {
        let text = format!("{:.4}", f64::from(px) / DPI);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    match svg.strip_prefix(&pixels) {
        Some(rest) => format!(
            "<svg width=\"{}in\" height=\"{}in\" {rest}",
            inches(w),
            inches(h)
        ),
        None => svg.to_string(),
    }
}

/// The fonts usvg sets the SVG's text with: the bundled DejaVu Sans (also as the generic
/// `sans-serif`) and the fallback faces of the font chain loaded so far ([`fonts`]), with the
/// database id of each fallback face. Made once for DejaVu alone and once more after the chain
/// loaded its fallbacks (it loads them once per process).
fn font_database() -> (Arc<usvg::fontdb::Database>, Arc<FallbackIds>) {
    static DEJAVU_ONLY: OnceLock<(Arc<usvg::fontdb::Database>, Arc<FallbackIds>)> = OnceLock::new();
    static WITH_FALLBACKS: OnceLock<(Arc<usvg::fontdb::Database>, Arc<FallbackIds>)> =
        OnceLock::new();
    let fallbacks = fonts::loaded_fallbacks();
    let cell = if fallbacks.is_empty() {
        &DEJAVU_ONLY
    } else {
        &WITH_FALLBACKS
    };
    cell.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(DEJAVU_SANS.to_vec());
        db.load_font_data(DEJAVU_SANS_BOLD.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        let mut ids = FallbackIds::new();
        let mut sources: Vec<(*const u8, Vec<usvg::fontdb::ID>)> = Vec::new();
        for face in fallbacks {
            // A collection (.ttc) is one source for all its faces: loaded once.
            let key = face.data.as_ptr();
            let loaded = match sources.iter().find(|(k, _)| *k == key) {
                Some((_, loaded)) => loaded.clone(),
                None => {
                    let data: &'static [u8] = face.data;
                    let source = usvg::fontdb::Source::Binary(Arc::new(data));
                    let loaded = db.load_font_source(source).to_vec();
                    sources.push((key, loaded.clone()));
                    loaded
                }
            };
            let id = loaded
                .into_iter()
                .find(|&id| db.face(id).is_some_and(|info| info.index == face.index));
            if let Some(id) = id {
                ids.push((face as *const fonts::Face as usize, id));
            }
        }
        (Arc::new(db), Arc::new(ids))
    })
    .clone()
}

/// The usvg database id of each loaded fallback face, by the face's address.
type FallbackIds = Vec<(usize, usvg::fontdb::ID)>;

/// usvg's choice of a font for a character its first font lacks: the face the font chain draws
/// it with in the PNG ([`fonts::face_for`]), in the weight of the text, so that the PDF shows the
/// same glyphs. `None` when that face was tried already (usvg asks again for what is left).
fn same_fallback_as_png(ids: Arc<FallbackIds>) -> usvg::FallbackSelectionFn<'static> {
    Box::new(
        move |c: char, used: &[usvg::fontdb::ID], db: &mut Arc<usvg::fontdb::Database>| {
            let bold = used
                .first()
                .and_then(|&id| db.face(id))
                .is_some_and(|info| info.weight.0 >= 600);
            let face = fonts::face_for(c, bold)?;
            let key = face as *const fonts::Face as usize;
            let id = ids.iter().find(|(k, _)| *k == key)?.1;
            (!used.contains(&id)).then_some(id)
        },
    )
}

/// The figure's SVG (as [`render_svg`] wrote it) as a one-page vector PDF, its fonts embedded,
/// the same bytes on every run ([`super::reproducible_pdf`]).
pub(super) fn render_pdf(svg: &str) -> Result<Vec<u8>> {
    let (fontdb, fallback_ids) = font_database();
    let options = usvg::Options {
        dpi: 96.0,
        font_family: "DejaVu Sans".to_string(),
        fontdb,
        font_resolver: usvg::FontResolver {
            select_fallback: same_fallback_as_png(fallback_ids),
            ..usvg::FontResolver::default()
        },
        ..usvg::Options::default()
    };
    let tree =
        usvg::Tree::from_str(svg, &options).context("reading the figure's SVG for the PDF")?;
    // usvg reads `3.5in` as 3.5 x 96 px; at 96 dpi svg2pdf maps those to 252 pt = 3.5 in.
    let page = svg2pdf::PageOptions { dpi: 96.0 };
    let pdf = svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), page)
        .map_err(|e| anyhow!("converting the figure to PDF: {e}"))?;
    super::reproducible_pdf::canonical(&pdf)
}

/// Adds a `<title>` (what screen readers and browsers show) after the opening `<svg>` tag.
fn add_svg_title(svg: &str, title: &str) -> String {
    match svg.find('>') {
        Some(end) if svg.starts_with("<svg") => {
            let mut out = String::with_capacity(svg.len() + title.len() + 32);
            out.push_str(&svg[..=end]);
            out.push_str("\n<title>");
            out.push_str(&xml_escape(&one_line(title)));
            out.push_str("</title>");
            out.push_str(&svg[end + 1..]);
            out
        }
        _ => svg.to_string(),
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// 300 dots per inch, in the PNG header's unit (dots per metre).
const DOTS_PER_METRE_300_DPI: u32 = 11_811;

pub(super) fn render_png(chart: &dyn Chart, style: &Style, size: (u32, u32)) -> Result<Vec<u8>> {
    let (w, h) = size;
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let canvas = Canvas::png(BitMapBackend::with_buffer(&mut pixels, size));
        canvas.fill(WHITE)?;
        chart.draw(&canvas, style)?;
        canvas.present()?;
    }
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Figures are flat colour and text: the best compression costs little time here.
        encoder.set_compression(png::Compression::Best);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: DOTS_PER_METRE_300_DPI,
            yppu: DOTS_PER_METRE_300_DPI,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header().context("encoding PNG")?;
        writer.write_image_data(&pixels).context("encoding PNG")?;
        writer.finish().context("encoding PNG")?;
    }
    Ok(bytes)
}
