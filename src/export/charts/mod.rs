//! The survey figures: `OUTPUT/figures/NAME.svg` and `NAME.png`, one file per figure in this
//! folder, the shared look here.
//!
//! Every figure is sized for one column of a two-column paper: `--width` pixels (default 1050 =
//! 3.5 in at 300 dpi; the PNG says 300 dpi in its header) and a height of its own; the SVG has the
//! same size in user units. Everything (fonts, strokes, margins) scales with the width, so a wider
//! figure is the same figure, larger.
//!
//! Text is DejaVu Sans, bundled in the binary (`assets/fonts/`), so the PNG renders the same on a
//! machine with no fonts installed; the SVG asks the viewer for `DejaVu Sans, sans-serif`.
//!
//! Colour: one fixed colour per mechanism in every figure (and in the DOT export, through
//! [`mechanism_color`]). Mechanisms are ranked by paper count; the first [`NAMED_MECHANISMS`]
//! named ones get the Okabe-Ito hues, re-stepped in lightness so that neighbours in that order
//! (neighbouring segments of a stacked bar, neighbouring legend entries) also differ in
//! grayscale; the rest share one gray and appear as "other" in legends and groupings;
//! `unspecified` (no mechanism badge) is always light gray. Heat maps use a sequential
//! yellow-green-blue map (ColorBrewer YlGnBu), monotonic in lightness, with the number printed in
//! every cell in black or white, whichever contrasts.

mod canvas;
mod citation_distribution;
mod communities;
mod influence_by_mechanism;
mod mechanism_domain;
mod mechanism_flow;
mod missing;
mod papers_per_year;
mod parts;
pub mod sample;
mod top_influential;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use plotters::prelude::{BitMapBackend, SVGBackend};
use plotters::style::FontStyle;

use crate::analysis::Analysis;
use crate::export::RenderOptions;
use crate::fsutil::write_atomic;

use canvas::Canvas;

/// One figure as written: its files (the formats asked for) and the words around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// One of [`FIGURE_NAMES`]; also the file stem.
    pub name: &'static str,
    pub title: String,
    /// One or two sentences for under the figure: what is drawn and how it was counted.
    pub caption: String,
    pub svg: Option<PathBuf>,
    pub png: Option<PathBuf>,
}

/// Every figure, in the order of the report.
pub const FIGURE_NAMES: [&str; 8] = [
    "papers-per-year",
    "mechanism-domain",
    "mechanism-flow",
    "top-influential",
    "influence-by-mechanism",
    "communities",
    "citation-distribution",
    "missing",
];

/// How many mechanisms get a colour of their own; the rest are drawn as "other".
pub const NAMED_MECHANISMS: usize = 8;

/// The name of the mechanism of papers that have no mechanism badge.
pub const UNSPECIFIED: &str = "unspecified";

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// The font family every text asks for. The bundled DejaVu Sans is registered under this name, so
/// the PNG uses it, and the SVG writes it as its `font-family`, a CSS list the viewer resolves.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans, sans-serif";

static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Okabe & Ito's colour-blind-safe hues, lightness re-stepped (in OKLab) to alternate dark and
/// light down the list: L = 0.47, 0.80, 0.58, 0.92, 0.63, 0.85, 0.71, 0.34.
const MECHANISM_PALETTE: [Rgb; NAMED_MECHANISMS] = [
    (0x00, 0x5F, 0x9E), // blue
    (0xF6, 0xAE, 0x28), // orange
    (0x00, 0x8F, 0x65), // bluish green
    (0xF6, 0xEA, 0x4A), // yellow
    (0xD8, 0x61, 0x08), // vermillion
    (0x80, 0xDD, 0xFF), // sky blue
    (0xD6, 0x82, 0xB1), // reddish purple
    (0x41, 0x20, 0x73), // indigo
];
/// Mechanisms beyond the first [`NAMED_MECHANISMS`].
const OTHER_COLOR: Rgb = (0x71, 0x71, 0x71);
/// Papers without a mechanism badge.
const UNSPECIFIED_COLOR: Rgb = (0xD4, 0xD4, 0xD4);

pub(crate) const TEXT: Rgb = (0x1A, 0x1A, 0x1A);
pub(crate) const MUTED: Rgb = (0x66, 0x66, 0x66);
pub(crate) const AXIS: Rgb = (0x33, 0x33, 0x33);
pub(crate) const GRID: Rgb = (0xE3, 0xE3, 0xE3);
pub(crate) const WHITE: Rgb = (0xFF, 0xFF, 0xFF);

/// Registers the bundled fonts with plotters, once per process.
fn ensure_fonts() -> Result<()> {
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

/// Sizes, all scaled from a 1050-pixel-wide figure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub width: f64,
    pub scale: f64,
}

impl Style {
    pub fn new(width: u32) -> Self {
        let width = f64::from(width);
        Style {
            width,
            scale: width / 1050.0,
        }
    }
    /// A length given for the 1050-pixel figure, at this figure's width.
    pub fn px(&self, v: f64) -> f64 {
        v * self.scale
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
}

/// What each figure module provides.
pub(crate) trait Chart {
    fn title(&self) -> String;
    fn caption(&self) -> String;
    /// Height in pixels at this style's width.
    fn height(&self, style: &Style) -> f64;
    fn draw(&self, canvas: &Canvas, style: &Style) -> Result<()>;
}

/// The mechanisms as figures show them: the most common ones by name, then "other", then
/// "unspecified"; one colour each.
#[derive(Debug, Clone, Default)]
pub(crate) struct MechanismGroups {
    pub groups: Vec<MechanismGroup>,
    index: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct MechanismGroup {
    /// As shown in legends and on axes.
    pub label: String,
    pub color: Rgb,
    /// The canonical mechanism names in this group.
    pub members: Vec<String>,
}

impl MechanismGroups {
    /// Ranks the mechanisms by paper count (`analysis.mechanisms`, completed from the papers for
    /// any mechanism it lacks), ties by name, so the same analysis always gives the same colours.
    pub fn new(analysis: &Analysis) -> Self {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for group in &analysis.mechanisms {
            let count = counts.entry(group.name.clone()).or_default();
            *count = (*count).max(group.papers);
        }
        let mut from_papers: BTreeMap<&str, usize> = BTreeMap::new();
        for paper in analysis.papers.iter().filter(|p| p.in_catalog) {
            for mechanism in &paper.mechanisms {
                *from_papers.entry(mechanism.as_str()).or_default() += 1;
            }
        }
        for (name, count) in from_papers {
            counts.entry(name.to_string()).or_insert(count);
        }
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        let mut groups = Vec::new();
        let mut tail = Vec::new();
        let mut unspecified = None;
        for (name, _) in ranked {
            if name == UNSPECIFIED {
                unspecified = Some(name);
            } else if groups.len() < NAMED_MECHANISMS {
                groups.push(MechanismGroup {
                    label: display_mechanism(&name),
                    color: MECHANISM_PALETTE[groups.len()],
                    members: vec![name],
                });
            } else {
                tail.push(name);
            }
        }
        match tail.len() {
            0 => {}
            // One leftover mechanism keeps its name; it still takes the shared gray.
            1 => groups.push(MechanismGroup {
                label: display_mechanism(&tail[0]),
                color: OTHER_COLOR,
                members: tail,
            }),
            _ => groups.push(MechanismGroup {
                label: "Other".to_string(),
                color: OTHER_COLOR,
                members: tail,
            }),
        }
        if let Some(name) = unspecified {
            groups.push(MechanismGroup {
                label: display_mechanism(&name),
                color: UNSPECIFIED_COLOR,
                members: vec![name],
            });
        }
        let mut index = HashMap::new();
        for (i, group) in groups.iter().enumerate() {
            for member in &group.members {
                index.insert(member.clone(), i);
            }
        }
        MechanismGroups { groups, index }
    }

    /// The group of a mechanism, if the analysis knows it.
    pub fn group_of(&self, mechanism: &str) -> Option<usize> {
        self.index.get(mechanism).copied()
    }

    /// The distinct groups of a paper's mechanisms, in group order.
    pub fn groups_of(&self, mechanisms: &[String]) -> Vec<usize> {
        let mut found: Vec<usize> = mechanisms.iter().filter_map(|m| self.group_of(m)).collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Legend entries for the colours these mechanisms are drawn in, in group order; names the
    /// analysis does not know are drawn in the "other" gray and get an "Other" entry.
    pub fn legend_for<'m>(
        &self,
        mechanisms: impl IntoIterator<Item = &'m str>,
    ) -> Vec<parts::LegendEntry> {
        // (position, label, colour): groups by index, then the fallbacks after them.
        let mut used: Vec<(usize, String, Rgb)> = Vec::new();
        for mechanism in mechanisms {
            let entry = match self.group_of(mechanism) {
                Some(g) => (g, self.groups[g].label.clone(), self.groups[g].color),
                None if mechanism == UNSPECIFIED => (
                    usize::MAX,
                    display_mechanism(UNSPECIFIED),
                    UNSPECIFIED_COLOR,
                ),
                None => match self.groups.iter().position(|g| g.color == OTHER_COLOR) {
                    Some(g) => (g, self.groups[g].label.clone(), OTHER_COLOR),
                    None => (usize::MAX - 1, "Other".to_string(), OTHER_COLOR),
                },
            };
            if !used.iter().any(|u| u.0 == entry.0) {
                used.push(entry);
            }
        }
        used.sort_by_key(|u| u.0);
        used.into_iter()
            .map(|(_, label, color)| parts::LegendEntry::swatch(&label, color))
            .collect()
    }

    pub fn color_of(&self, mechanism: &str) -> Rgb {
        match self.group_of(mechanism) {
            Some(i) => self.groups[i].color,
            None if mechanism == UNSPECIFIED => UNSPECIFIED_COLOR,
            None => OTHER_COLOR,
        }
    }
}

/// One fixed colour per mechanism, the same in every figure (the DOT export uses it too): the
/// [`NAMED_MECHANISMS`] most common mechanisms get their own colour, the rest a shared gray,
/// `unspecified` a light gray.
pub fn mechanism_color(analysis: &Analysis, mechanism: &str) -> (u8, u8, u8) {
    MechanismGroups::new(analysis).color_of(mechanism)
}

/// Draws the figures named in options.figures ("all" = every one) in options.format into
/// output_dir/figures/NAME.svg and NAME.png. Returns them in the fixed order 1..8.
pub fn draw_figures(
    analysis: &Analysis,
    options: &RenderOptions,
    output_dir: &Path,
) -> Result<Vec<Figure>> {
    let selected = selected_figures(&options.figures)?;
    let (want_svg, want_png) = selected_formats(&options.format)?;
    if !(200..=20_000).contains(&options.width) {
        bail!(
            "--width {} is out of range: give the figure width in pixels at 300 dpi, between 200 \
             and 20000 (1050 = 3.5 in, one column of a two-column paper)",
            options.width
        );
    }
    ensure_fonts()?;
    let style = Style::new(options.width);
    let groups = MechanismGroups::new(analysis);
    let dir = output_dir.join("figures");
    let mut figures = Vec::new();
    for name in FIGURE_NAMES {
        if !selected.contains(&name) {
            continue;
        }
        let chart = build_chart(name, analysis, &groups);
        let title = chart.title();
        let height = chart.height(&style).round().clamp(100.0, 40_000.0) as u32;
        let size = (options.width, height);
        let svg = if want_svg {
            let path = dir.join(format!("{name}.svg"));
            let bytes = render_svg(chart.as_ref(), &style, size, &title)
                .with_context(|| format!("drawing figure {name} as SVG"))?;
            write_atomic(&path, bytes.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            Some(path)
        } else {
            None
        };
        let png = if want_png {
            let path = dir.join(format!("{name}.png"));
            let bytes = render_png(chart.as_ref(), &style, size)
                .with_context(|| format!("drawing figure {name} as PNG"))?;
            write_atomic(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            Some(path)
        } else {
            None
        };
        figures.push(Figure {
            name,
            title,
            caption: chart.caption(),
            svg,
            png,
        });
    }
    Ok(figures)
}

fn build_chart(name: &str, analysis: &Analysis, groups: &MechanismGroups) -> Box<dyn Chart> {
    match name {
        "papers-per-year" => Box::new(papers_per_year::PapersPerYear::new(analysis, groups)),
        "mechanism-domain" => Box::new(mechanism_domain::MechanismDomain::new(analysis, groups)),
        "mechanism-flow" => Box::new(mechanism_flow::MechanismFlow::new(analysis, groups)),
        "top-influential" => Box::new(top_influential::TopInfluential::new(analysis, groups)),
        "influence-by-mechanism" => Box::new(influence_by_mechanism::InfluenceByMechanism::new(
            analysis, groups,
        )),
        "communities" => Box::new(communities::Communities::new(analysis, groups)),
        "citation-distribution" => {
            Box::new(citation_distribution::CitationDistribution::new(analysis))
        }
        _ => Box::new(missing::Missing::new(analysis, groups)),
    }
}

/// The figure names asked for, checked against [`FIGURE_NAMES`].
fn selected_figures(asked: &[String]) -> Result<Vec<&'static str>> {
    let mut selected = Vec::new();
    for name in asked.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if name.eq_ignore_ascii_case("all") {
            selected.extend(FIGURE_NAMES);
        } else if let Some(known) = FIGURE_NAMES.iter().find(|f| f.eq_ignore_ascii_case(name)) {
            selected.push(*known);
        } else {
            bail!(
                "--figures: no figure is called {name:?}; choose `all` or among: {}",
                FIGURE_NAMES.join(", ")
            );
        }
    }
    if asked.is_empty() {
        selected.extend(FIGURE_NAMES);
    }
    Ok(selected)
}

/// (svg, png) as asked by `--format`.
fn selected_formats(asked: &[String]) -> Result<(bool, bool)> {
    let (mut svg, mut png) = (false, false);
    for format in asked.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        match format.to_ascii_lowercase().as_str() {
            "svg" => svg = true,
            "png" => png = true,
            other => bail!("--format: {other:?} is not a figure format; use svg, png or svg,png"),
        }
    }
    if asked.is_empty() {
        (svg, png) = (true, true);
    }
    Ok((svg, png))
}

fn render_svg(chart: &dyn Chart, style: &Style, size: (u32, u32), title: &str) -> Result<String> {
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
            out.push_str(&xml_escape(&clean_label(title)));
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

fn render_png(chart: &dyn Chart, style: &Style, size: (u32, u32)) -> Result<Vec<u8>> {
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

/// The caption sentence for papers a figure leaves out ("" when none are): " 3 papers without
/// a year are left out."
pub(crate) fn left_out(count: usize, why: &str) -> String {
    match count {
        0 => String::new(),
        1 => format!(" 1 paper {why} is left out."),
        n => format!(" {n} papers {why} are left out."),
    }
}

/// Each row of a count matrix as shares of its total (0 for an empty row).
pub(crate) fn row_shares(counts: &[Vec<u64>]) -> Vec<Vec<f64>> {
    counts
        .iter()
        .map(|row| {
            let total: u64 = row.iter().sum();
            row.iter()
                .map(|&c| {
                    if total == 0 {
                        0.0
                    } else {
                        c as f64 / total as f64
                    }
                })
                .collect()
        })
        .collect()
}

/// A label from the catalogue or the API made safe to draw: control characters (newlines, tabs,
/// NUL, which XML cannot hold) become spaces, runs of whitespace one space.
pub(crate) fn clean_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() || c == '\u{FFFE}' || c == '\u{FFFF}' {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// A mechanism name for a legend: underscores as spaces, first letter upper-case.
pub(crate) fn display_mechanism(name: &str) -> String {
    let name = clean_label(&name.replace('_', " "));
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "(none)".to_string(),
    }
}

/// A domain name for an axis: the catalogue's folders are called "Vision Domain" and so on, and
/// the figure's axis title already says "domain".
pub(crate) fn display_domain(name: &str) -> String {
    let name = clean_label(&name.replace('_', " "));
    const SUFFIX: &str = " domain";
    let cut = name.len().saturating_sub(SUFFIX.len());
    let short = match (name.get(..cut), name.get(cut..)) {
        (Some(head), Some(tail)) if cut > 0 && tail.eq_ignore_ascii_case(SUFFIX) => {
            head.trim_end().to_string()
        }
        _ => name,
    };
    if short.is_empty() {
        "(none)".to_string()
    } else {
        short
    }
}

/// `text` cut to fit `max_width` pixels, at a word boundary when one is near, with an ellipsis.
pub(crate) fn fit_text(text: &str, size: f64, bold: bool, max_width: f64) -> String {
    if canvas::text_width(text, size, bold) <= max_width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with the ellipsis, by bisection on the character count.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if canvas::text_width(&candidate, size, bold) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        return if canvas::text_width("…", size, bold) <= max_width {
            "…".to_string()
        } else {
            String::new()
        };
    }
    let prefix: String = chars[..lo].iter().collect();
    // Prefer ending on a whole word, unless that throws away more than half of what fits.
    let cut = match prefix.rfind(' ') {
        Some(space) if space * 2 >= prefix.len() => &prefix[..space],
        _ => prefix.as_str(),
    };
    let cut = cut.trim_end_matches([' ', ',', ':', ';', '-', '–', '(']);
    format!("{cut}…")
}

/// `name` then `suffix` (e.g. a year) cut to `width`: the name is cut, the suffix kept whole.
pub(crate) fn fit_with_suffix(name: &str, suffix: &str, size: f64, width: f64) -> String {
    let full = if suffix.is_empty() {
        name.to_string()
    } else {
        format!("{name} {suffix}")
    };
    if suffix.is_empty() || canvas::text_width(&full, size, false) <= width {
        return fit_text(&full, size, false, width);
    }
    let suffix = format!(" {suffix}");
    let room = width - canvas::text_width(&suffix, size, false);
    match fit_text(name, size, false, room) {
        cut if cut.is_empty() || cut == "…" => fit_text(&full, size, false, width),
        cut => cut + &suffix,
    }
}

/// `name` cut in the middle, keeping its last word: "Recent token reduction… 10".
fn fit_keeping_end(name: &str, suffix: &str, size: f64, width: f64) -> String {
    match name.trim_end().rsplit_once(' ') {
        Some((head, last)) => {
            let tail = if suffix.is_empty() {
                format!(" {last}")
            } else {
                format!(" {last} {suffix}")
            };
            let room = width - canvas::text_width(&tail, size, false);
            match fit_text(head, size, false, room) {
                cut if cut.is_empty() || cut == "…" => fit_with_suffix(name, suffix, size, width),
                cut => cut + &tail,
            }
        }
        None => fit_with_suffix(name, suffix, size, width),
    }
}

/// Labels (name, suffix) cut to `width`, and kept apart: a name cut to a stem that another
/// name also starts with ("Recent token reduction…" for "... study 10" and "... study 11") is
/// cut in the middle instead, so that its distinct ending shows.
pub(crate) fn fit_labels(labels: &[(&str, &str)], size: f64, width: f64) -> Vec<String> {
    labels
        .iter()
        .enumerate()
        .map(|(i, &(name, suffix))| {
            let fitted = fit_with_suffix(name, suffix, size, width);
            let cut = fitted.strip_suffix(suffix).unwrap_or(&fitted).trim_end();
            let Some(stem) = cut.strip_suffix('…') else {
                return fitted;
            };
            let ambiguous = labels
                .iter()
                .enumerate()
                .any(|(k, &(other, _))| k != i && other != name && other.starts_with(stem));
            if ambiguous {
                fit_keeping_end(name, suffix, size, width)
            } else {
                fitted
            }
        })
        .collect()
}

/// `text` wrapped at spaces (and after hyphens) into at most `max_lines` lines of `max_width`
/// pixels; the last line is cut with an ellipsis when the text does not fit.
pub(crate) fn wrap_text(
    text: &str,
    size: f64,
    bold: bool,
    max_width: f64,
    max_lines: usize,
) -> Vec<String> {
    wrap_text_complete(text, size, bold, max_width, max_lines).0
}

/// [`wrap_text`], and whether the whole text fitted without cutting.
pub(crate) fn wrap_text_complete(
    text: &str,
    size: f64,
    bold: bool,
    max_width: f64,
    max_lines: usize,
) -> (Vec<String>, bool) {
    let max_lines = max_lines.max(1);
    // Pieces to break between: words, and the parts of a hyphenated word (the hyphen stays at
    // the end of a line). `glue` says whether a space goes before the piece.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut first = true;
        let mut rest = word;
        while let Some(i) = rest.find('-').filter(|&i| i > 0 && i + 1 < rest.len()) {
            pieces.push((rest[..=i].to_string(), first));
            first = false;
            rest = &rest[i + 1..];
        }
        pieces.push((rest.to_string(), first));
    }
    let join = |line: &str, piece: &(String, bool)| -> String {
        if line.is_empty() {
            piece.0.clone()
        } else if piece.1 {
            format!("{line} {}", piece.0)
        } else {
            format!("{line}{}", piece.0)
        }
    };
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for piece in &pieces {
        let candidate = join(&current, piece);
        if current.is_empty() || canvas::text_width(&candidate, size, bold) <= max_width {
            current = candidate;
            used += 1;
            continue;
        }
        if lines.len() + 1 == max_lines {
            break;
        }
        lines.push(std::mem::take(&mut current));
        current = piece.0.clone();
        used += 1;
    }
    if !current.is_empty() {
        lines.push(current);
    }
    let mut complete = used == pieces.len();
    if !complete {
        if let Some(last) = lines.last_mut() {
            let mut joined = last.clone();
            for piece in &pieces[used..] {
                joined = join(&joined, piece);
            }
            *last = fit_text(&joined, size, bold, max_width);
        }
    }
    for line in &mut lines {
        if canvas::text_width(line, size, bold) > max_width {
            *line = fit_text(line, size, bold, max_width);
            complete = false;
        }
    }
    (lines, complete)
}

/// A short label for a paper: the part before the first colon when it looks like a method name
/// ("ToMe: Token Merging ..." gives "ToMe"), else the whole title (cut to width by the caller).
pub(crate) fn short_title(title: &str) -> String {
    let title = clean_label(title);
    if let Some((head, _)) = title.split_once(':') {
        let head = head.trim();
        let words = head.split(' ').count();
        if (2..=28).contains(&head.chars().count()) && words <= 4 {
            return head.to_string();
        }
    }
    title
}

/// A paper's label: its method abbreviation, else its short title; and its year in parentheses
/// (empty without a year), kept apart so that a cut label keeps its year.
pub(crate) fn paper_label(
    abbreviation: Option<&str>,
    title: &str,
    year: Option<i32>,
) -> (String, String) {
    let name = abbreviation
        .map(clean_label)
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| short_title(title));
    let name = if name.is_empty() {
        "(untitled)".to_string()
    } else {
        name
    };
    let year = year.map(|y| format!("({y})")).unwrap_or_default();
    (name, year)
}

/// Relative luminance (WCAG) of a colour, 0 (black) to 1 (white).
pub(crate) fn luminance(c: Rgb) -> f64 {
    fn linear(v: u8) -> f64 {
        let v = f64::from(v) / 255.0;
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    }
    0.2126 * linear(c.0) + 0.7152 * linear(c.1) + 0.0722 * linear(c.2)
}

/// Black or white, whichever reads better on `background`.
pub(crate) fn text_on(background: Rgb) -> Rgb {
    // The luminance where black and white text have equal contrast ratios.
    if luminance(background) > 0.179 {
        TEXT
    } else {
        WHITE
    }
}

/// A darker shade, for outlines of light fills against white.
pub(crate) fn darker(c: Rgb, amount: f64) -> Rgb {
    let k = (1.0 - amount).clamp(0.0, 1.0);
    let f = |v: u8| (f64::from(v) * k).round() as u8;
    (f(c.0), f(c.1), f(c.2))
}

/// ColorBrewer YlGnBu (9 classes): sequential, colour-blind safe, monotonic in lightness.
const YLGNBU: [Rgb; 9] = [
    (0xFF, 0xFF, 0xD9),
    (0xED, 0xF8, 0xB1),
    (0xC7, 0xE9, 0xB4),
    (0x7F, 0xCD, 0xBB),
    (0x41, 0xB6, 0xC4),
    (0x1D, 0x91, 0xC0),
    (0x22, 0x5E, 0xA8),
    (0x25, 0x34, 0x94),
    (0x08, 0x1D, 0x58),
];

/// Cells with nothing in them.
pub(crate) const EMPTY_CELL: Rgb = (0xF4, 0xF4, 0xF4);

/// The heat-map colour of `t` in 0..1; exactly 0 is the empty-cell gray, and the smallest
/// positive value is already tinted so that "a few" never looks like "none".
pub(crate) fn sequential(t: f64) -> Rgb {
    if t.is_nan() || t <= 0.0 {
        return EMPTY_CELL;
    }
    let t = 0.12 + 0.88 * t.min(1.0);
    let pos = t * (YLGNBU.len() - 1) as f64;
    let i = (pos.floor() as usize).min(YLGNBU.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (YLGNBU[i], YLGNBU[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draws every figure of the sample into `CITEGRAPH_PREVIEW_DIR` (default
    /// /tmp/citegraph-figures) for looking at: `cargo test --lib preview -- --ignored`.
    #[test]
    #[ignore]
    fn preview() {
        let dir = std::env::var_os("CITEGRAPH_PREVIEW_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp/citegraph-figures"));
        let width = std::env::var("CITEGRAPH_PREVIEW_WIDTH")
            .ok()
            .and_then(|w| w.parse().ok())
            .unwrap_or(1050);
        let options = RenderOptions {
            figures: vec!["all".to_string()],
            format: vec!["svg".to_string(), "png".to_string()],
            width,
            with_missing: 10,
            dot_layout: "year".to_string(),
            dot_all: false,
        };
        let figures = draw_figures(&sample::sample_analysis(), &options, &dir).unwrap();
        for figure in figures {
            println!("{}: {}", figure.name, figure.caption);
        }
    }

    #[test]
    fn groups_rank_by_count_and_fold_the_tail() {
        let analysis = sample::sample_analysis_with(200, 20, 3);
        let groups = MechanismGroups::new(&analysis);
        assert_eq!(groups.groups.len(), NAMED_MECHANISMS + 2);
        assert_eq!(groups.groups[NAMED_MECHANISMS].label, "Other");
        assert_eq!(groups.groups.last().unwrap().label, "Unspecified");
        let first = &analysis.mechanisms[0].name;
        assert_eq!(mechanism_color(&analysis, first), MECHANISM_PALETTE[0]);
        assert_eq!(mechanism_color(&analysis, "no such mechanism"), OTHER_COLOR);
        assert_eq!(mechanism_color(&analysis, UNSPECIFIED), UNSPECIFIED_COLOR);
    }

    #[test]
    fn palette_neighbours_differ_in_lightness() {
        for pair in MECHANISM_PALETTE.windows(2) {
            let (a, b) = (luminance(pair[0]), luminance(pair[1]));
            assert!((a - b).abs() > 0.1, "{pair:?}");
        }
    }

    #[test]
    fn labels_are_cleaned_and_shortened() {
        assert_eq!(clean_label(" a\n\tb\u{0}c  "), "a b c");
        assert_eq!(
            short_title("ToMe: Token Merging: Your ViT but Faster"),
            "ToMe"
        );
        assert_eq!(
            short_title("A very long method name that is not one: subtitle"),
            "A very long method name that is not one: subtitle"
        );
        assert_eq!(display_domain("Multi-modal Domain"), "Multi-modal");
        assert_eq!(display_mechanism("token_pruning"), "Token pruning");
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        ensure_fonts().unwrap();
        let long = "An extraordinarily long title about token pruning in vision transformers";
        let cut = fit_text(long, 35.0, false, 300.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(canvas::text_width(&cut, 35.0, false) <= 300.0);
        assert_eq!(fit_text("short", 35.0, false, 300.0), "short");
        let lines = wrap_text(long, 35.0, false, 400.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines
            .iter()
            .all(|l| canvas::text_width(l, 35.0, false) <= 400.0));
    }

    #[test]
    fn cut_labels_keep_their_year_and_stay_apart() {
        ensure_fonts().unwrap();
        let cut = fit_with_suffix(
            "A rather long title about token merging",
            "(2023)",
            35.0,
            300.0,
        );
        assert!(cut.ends_with("… (2023)"), "{cut}");
        let labels = [
            ("Recent token reduction study 10", "(2026)"),
            ("Recent token reduction study 11", "(2025)"),
            ("Recent token reduction study 3", "(2026)"),
        ];
        let width = canvas::text_width("Recent token reduction study 3 (2026)", 35.0, false);
        let fitted = fit_labels(&labels, 35.0, width);
        assert_eq!(fitted[2], "Recent token reduction study 3 (2026)");
        assert!(fitted[0].ends_with("… 10 (2026)"), "{fitted:?}");
        assert!(fitted[1].ends_with("… 11 (2025)"), "{fitted:?}");
        assert!(fitted
            .iter()
            .all(|f| canvas::text_width(f, 35.0, false) <= width + 0.5));
    }

    #[test]
    fn sequential_is_monotonic_in_lightness() {
        let mut last = f64::INFINITY;
        for i in 1..=20 {
            let l = luminance(sequential(f64::from(i) / 20.0));
            assert!(l < last);
            last = l;
        }
        assert_eq!(sequential(0.0), EMPTY_CELL);
        assert_eq!(sequential(f64::NAN), EMPTY_CELL);
    }
}
