//! A figure's drawing turned into file contents: SVG text with a `<title>`, and a PNG that says
//! 300 dpi in its header.

use anyhow::{Context, Result};
use plotters::prelude::{BitMapBackend, SVGBackend};

use super::canvas::Canvas;
use super::palette::WHITE;
use super::style::Style;
use super::Chart;
use crate::export::labels::one_line;

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
    Ok(add_svg_title(&svg, title))
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
