//! The look every figure shares: the bundled font and the sizes of text, strokes and margins.
//!
//! A figure is `--width` pixels at 300 dpi (default 1050 = 3.5 in, one column of a two-column
//! paper; 2100 = 7 in spans both columns; the PNG says 300 dpi in its header) and a height of its
//! own; the SVG has the same size in user units and states it in inches. Fonts, strokes and
//! margins are fixed in points (a pixel is 1/300 in), whatever the width: a wider figure is not
//! the same figure larger but one with more room, which every layout spends on longer labels,
//! more legend columns and wider plots, as a figure spanning two columns of a paper should.
//!
//! Text is DejaVu Sans, bundled in the binary (`assets/fonts/`), so the PNG renders the same on a
//! machine with no fonts installed; the SVG asks the viewer for `DejaVu Sans, sans-serif`.
//! Characters DejaVu lacks (CJK, emoji) come from the system's fonts: see `fonts.rs`.

use std::sync::OnceLock;

use anyhow::{bail, Result};
use plotters::style::FontStyle;

/// The font family every text asks for. The bundled DejaVu Sans is registered under this name, so
/// the PNG uses it, and the SVG writes it as its `font-family`, a CSS list the viewer resolves.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans, sans-serif";

pub(crate) static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub(crate) static DEJAVU_SANS_BOLD: &[u8] =
    include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled fonts with plotters, once per process.
pub(crate) fn ensure_fonts() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        let mut ok = true;
        for family in [FONT_FAMILY, "sans-serif"] {
            ok &= plotters::style::register_font(family, FontStyle::Normal, DEJAVU_SANS).is_ok();
            ok &= plotters::style::register_font(family, FontStyle::Bold, DEJAVU_SANS_BOLD).is_ok();
        }
        ok
    });
    if !ok {
        bail!("the bundled font assets/fonts/DejaVuSans.ttf could not be read; rebuild citegraph from a clean checkout");
    }
    Ok(())
}

/// Sizes in pixels at 300 dpi (1 px = 0.24 pt), the same at every figure width.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub width: f64,
}

impl Style {
    pub fn new(width: u32) -> Self {
        Style {
            width: f64::from(width),
        }
    }
    /// A length in pixels at 300 dpi. Lengths do not grow with the width (see the module's
    /// documentation); this is the one place where that rule lives.
    pub fn px(&self, v: f64) -> f64 {
        v
    }
    /// Figure title: ~9.5 pt at 300 dpi.
    pub fn title_size(&self) -> f64 {
        self.px(44.0)
    }
    /// Axis titles and panel headings: ~8.5 pt.
    pub fn label_size(&self) -> f64 {
        self.px(39.0)
    }
    /// Tick labels, category labels, legend entries: ~7.5 pt.
    pub fn tick_size(&self) -> f64 {
        self.px(35.0)
    }
    /// Numbers inside heat-map cells and small notes: ~7 pt.
    pub fn small_size(&self) -> f64 {
        self.px(32.0)
    }
    pub fn margin(&self) -> f64 {
        self.px(26.0)
    }
    pub fn line(&self) -> f64 {
        self.px(2.5).max(1.0)
    }
    pub fn thin(&self) -> f64 {
        self.px(1.5).max(1.0)
    }
    pub fn tick_len(&self) -> f64 {
        self.px(10.0)
    }
    pub fn gap(&self) -> f64 {
        self.px(10.0)
    }
    /// How many rows a figure that lists things (papers, communities, bursts) shows: `narrow`
    /// at one column (1050 px) or less, up to half as many again at two columns (2100 px), so
    /// that a wider figure spends its room on more of the list and stays about as tall for its
    /// width as a page allows.
    pub fn list_rows(&self, narrow: usize) -> usize {
        let scale = (self.width / ONE_COLUMN).clamp(1.0, 1.5);
        (narrow as f64 * scale).round() as usize
    }
    /// The same style for a part of the figure `width` pixels wide (a plot beside its legend):
    /// every size stays, only the room changes.
    pub fn narrowed(&self, width: f64) -> Style {
        Style {
            width: width.max(1.0),
        }
    }
}

/// The width of one column of a two-column paper at 300 dpi (3.5 in): the default `--width`.
pub(crate) const ONE_COLUMN: f64 = 1050.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_grow_with_the_width_up_to_half_again() {
        assert_eq!(Style::new(1050).list_rows(20), 20);
        assert_eq!(Style::new(600).list_rows(20), 20);
        assert_eq!(Style::new(2100).list_rows(20), 30);
        assert_eq!(Style::new(5000).list_rows(10), 15);
        assert!(Style::new(1500).list_rows(10) > 10);
    }
}
