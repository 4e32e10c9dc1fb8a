//! The survey figures, one file per figure in this folder; this file is their registry: the
//! names, the order, and the loop that draws the ones asked for into in-memory files
//! (`figures/NAME.svg`, `NAME.png`), which the render stage writes with the other outputs.
//!
//! The shared toolkit has a file each: [`palette`] (mechanism colours, computed once per render,
//! and the one rule for text on a coloured fill), `style.rs` (the bundled font and sizes),
//! `fonts.rs` (the font chain: DejaVu Sans, then system fonts for CJK and emoji), `text.rs` (text
//! fitted to pixels), `scale.rs` (axis maths: scales and ticks), `widgets/` (the
//! drawn pieces, one kind a file: titles and the empty page, legends, markers, axes, heat maps and
//! their colour bar, bar lists), `canvas.rs` (the drawing surface), `encode.rs` (SVG, PNG and PDF
//! bytes). Paper and mechanism labels come from [`crate::render::labels`], as everywhere else.

mod bursts;
mod canvas;
mod citation_distribution;
mod cluster_map;
mod communities;
mod encode;
mod evaluation;
mod fonts;
mod influence_by_mechanism;
mod lineage;
mod mechanism_domain;
mod mechanism_flow;
mod missing;
pub mod palette;
mod papers_per_year;
mod reproducible_pdf;
mod rpys;
mod scale;
mod style;
mod text;
mod top_influential;
mod widgets;

use anyhow::{bail, Context, Result};

pub use crate::render::FIGURE_NAMES;
use crate::render::{FigureFormat, FigureKind, OutputFile, View, WIDTH_RANGE};

use canvas::Canvas;
pub use cluster_map::{
    cluster_letter, plan_cluster_map, ClusterMapPlan, LegendItem, LegendKey, PaperLabel,
    PlacedLabel, PlacedMarker, Shape, COLORED_CLUSTERS, MAX_PLOT_ASPECT, MIN_COLORED_PAPERS,
    MIN_PLOT_ASPECT, NAME_MAX_DISTANCE, NO_CLUSTER, SIDE_LEGEND_MIN_WIDTH,
};
pub use palette::Palette;
use style::Style;
use widgets::{draw_empty, draw_title, empty_height, title_height};

/// One figure, drawn in the formats asked for, and the words around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The figure's name ([`FigureKind::name`]); also the file stem.
    pub name: &'static str,
    pub title: String,
    /// One or two sentences for under the figure: what is drawn and how it was counted.
    pub caption: String,
    /// The SVG document, when `svg` was asked for.
    pub svg: Option<String>,
    /// The PNG file's bytes, when `png` was asked for.
    pub png: Option<Vec<u8>>,
    /// The PDF file's bytes (vector, fonts embedded), when `pdf` was asked for.
    pub pdf: Option<Vec<u8>>,
    /// Read from the output directory rather than drawn ([`kept_figures`]): shown in the
    /// report, its files left as they are.
    pub kept: bool,
}

impl Figure {
    /// The figure's files, relative to the output directory: `figures/NAME.svg`, then `.png`,
    /// then `.pdf`. None for a [`Figure::kept`] one (its files are there already).
    pub fn files(&self) -> Vec<OutputFile> {
        let mut files = Vec::new();
        if self.kept {
            return files;
        }
        if let Some(svg) = &self.svg {
            files.push(OutputFile::new(
                format!("figures/{}.svg", self.name),
                svg.as_bytes(),
            ));
        }
        if let Some(png) = &self.png {
            files.push(OutputFile::new(
                format!("figures/{}.png", self.name),
                png.as_slice(),
            ));
        }
        if let Some(pdf) = &self.pdf {
            files.push(OutputFile::new(
                format!("figures/{}.pdf", self.name),
                pdf.as_slice(),
            ));
        }
        files
    }
}

/// The width in pixels of `text` in an SVG `<text>` of this `font-size` (CSS pixels), set in the
/// bundled DejaVu Sans as the figures measure it: for checking that text fits where it is drawn.
pub fn svg_text_width(text: &str, font_size: f64, bold: bool) -> f64 {
    canvas::text_width(text, canvas::size_for_svg_font_size(font_size), bold)
}

/// The family of the font the figures draw `c` with in this weight (bold or regular): "DejaVu
/// Sans" (bundled) for every character it has, else the system font of the chain that has an
/// outline for it ("Noto Sans CJK SC", "Symbola", ...; see the README's figures section).
/// `None` for an invisible character and for one no font on this system has: the figures leave
/// it out of their text. The first call for a character beyond DejaVu reads the system's font
/// list (once per process).
pub fn font_family_for(c: char, bold: bool) -> Option<String> {
    fonts::face_for(c, bold).map(|face| face.family.clone())
}

/// A day of the calendar (UTC): what the figures take as today (`--today`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDate {
    pub year: i32,
    /// 1..=12.
    pub month: u32,
    /// 1..=31, a day the month has.
    pub day: u32,
}

impl CalendarDate {
    /// Reads `YYYY-MM-DD`. Errors: another form, or a day the calendar does not have.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?} is not a date: give it as YYYY-MM-DD, e.g. 2026-11-30");
        let mut parts = text.trim().splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (year, month, day) = match (y.parse(), m.parse(), d.parse()) {
            (Ok(y), Ok(m), Ok(d)) => (y, m, d),
            _ => return Err(bad()),
        };
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if !(1..=days).contains(&day) {
            return Err(bad());
        }
        Ok(CalendarDate { year, month, day })
    }

    /// The system clock's date, UTC.
    pub fn today_utc() -> Self {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // utc_stamp is `YYYY-MM-DDTHH-MM-SSZ`: its first ten characters are the date.
        let stamp = crate::clock::utc_stamp(seconds);
        Self::parse(stamp.get(..10).unwrap_or_default()).unwrap_or(CalendarDate {
            year: 1970,
            month: 1,
            day: 1,
        })
    }

    /// "30 Nov 2026".
    pub fn display(&self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = MONTHS
            .get((self.month as usize).wrapping_sub(1))
            .unwrap_or(&"?");
        format!("{} {month} {}", self.day, self.year)
    }
}

/// What each figure module provides: its words, why it may have nothing to show, and its body
/// under the title. The title at the top and the page of a figure with nothing to show are the
/// same for every figure, so the provided [`Chart::height`] and [`Chart::draw`] draw them, once.
pub(crate) trait Chart {
    /// The title drawn at the top of the figure and given to the report.
    fn title(&self) -> String;
    /// One or two sentences for under the figure: what is drawn and how it was counted.
    fn caption(&self) -> String;
    /// Why the figure has nothing to draw (one sentence, shown in the middle of the empty
    /// page), or `None` when it has something to show.
    fn empty_reason(&self) -> Option<&'static str>;
    /// The figure's height in pixels at this style's width when its body starts at `top` (the
    /// bottom of the title): `top`, then the body, then the bottom margin, added in that order.
    /// Asked only when [`Chart::empty_reason`] is `None`.
    fn height_from(&self, style: &Style, top: f64) -> f64;
    /// Draws everything under the title, from `top` down. Asked only when
    /// [`Chart::empty_reason`] is `None`.
    fn draw_body(&self, canvas: &Canvas, style: &Style, top: f64) -> Result<()>;

    /// Height in pixels at this style's width: the empty page's, or the title's and the body's.
    fn height(&self, style: &Style) -> f64 {
        if self.empty_reason().is_some() {
            return empty_height(style);
        }
        self.height_from(style, title_height(style, &self.title()))
    }

    /// Draws the title and the body under it, or the empty page that says why there is none.
    fn draw(&self, canvas: &Canvas, style: &Style) -> Result<()> {
        if let Some(why) = self.empty_reason() {
            return draw_empty(canvas, style, &self.title(), why);
        }
        let top = draw_title(canvas, style, &self.title())?;
        self.draw_body(canvas, style, top)
    }
}

/// Draws the figures of `options.figures` (empty = every one) in `options.format`, in the
/// render's `palette`. Returns them in the report's order ([`FigureKind::ALL`]), with their
/// files' contents.
///
/// Errors: a `width` outside [`WIDTH_RANGE`], or a drawing backend failure.
pub fn draw_figures(view: &View<'_>) -> Result<Vec<Figure>> {
    let options = view.options;
    let formats = Formats::of(&options.format);
    check_width(options.width)?;
    style::ensure_fonts()?;
    let style = Style::new(options.width);
    let palette = figure_palette(view);
    let today = options.today.unwrap_or_else(CalendarDate::today_utc);
    let mut figures = Vec::new();
    for kind in FigureKind::ALL {
        if !options.figures.is_empty() && !options.figures.contains(&kind) {
            continue;
        }
        let chart = build_chart(kind, view, &palette, today, &style);
        figures.push(draw_chart(kind.name(), chart.as_ref(), &style, formats)?);
    }
    // The evaluation (`run --evaluate`, asked for explicitly) is drawn whenever the analysis
    // holds one, whatever `--figures` lists: it is not in the registry, which every analysis
    // draws.
    if let Some(evaluation) = &view.analysis.evaluation {
        let chart = evaluation::EvaluationChart::new(evaluation);
        figures.push(draw_chart(EVALUATION_FIGURE, &chart, &style, formats)?);
    }
    Ok(figures)
}

/// The mechanism colours the figures draw with: the render's, without Unspecified under
/// `--hide-unspecified`.
fn figure_palette(view: &View<'_>) -> Palette {
    if view.options.hide_unspecified {
        view.palette.without_unspecified()
    } else {
        view.palette.clone()
    }
}

/// Refuses a `--width` outside [`WIDTH_RANGE`].
fn check_width(width: u32) -> Result<()> {
    if !WIDTH_RANGE.contains(&width) {
        bail!(
            "--width {} is out of range: give the figure width in pixels at 300 dpi, between {} \
             and {} (1050 = 3.5 in, one column of a two-column paper)",
            width,
            WIDTH_RANGE.start(),
            WIDTH_RANGE.end()
        );
    }
    Ok(())
}

/// The name (and file stem) of the evaluation figure, `figures/evaluation.*`.
pub const EVALUATION_FIGURE: &str = "evaluation";

/// The evaluation figure alone (`citegraph evaluate`), in `options.format` at `options.width`.
/// Errors: as [`draw_figures`].
pub fn draw_evaluation(
    evaluation: &crate::analysis::evaluate::Evaluation,
    options: &crate::render::RenderOptions,
) -> Result<Figure> {
    check_width(options.width)?;
    style::ensure_fonts()?;
    let style = Style::new(options.width);
    let chart = evaluation::EvaluationChart::new(evaluation);
    draw_chart(
        EVALUATION_FIGURE,
        &chart,
        &style,
        Formats::of(&options.format),
    )
}

/// `chart` drawn in `formats` as the figure `name`, with its title and caption.
fn draw_chart(
    name: &'static str,
    chart: &dyn Chart,
    style: &Style,
    formats: Formats,
) -> Result<Figure> {
    let title = chart.title();
    let height = chart.height(style).round().clamp(100.0, 40_000.0) as u32;
    let size = (style.width.round() as u32, height);
    // The PDF is converted from the SVG, drawn for it even when the SVG is not asked for.
    let svg = if formats.svg || formats.pdf {
        Some(
            encode::render_svg(chart, style, size, &title)
                .with_context(|| format!("drawing figure {name} as SVG"))?,
        )
    } else {
        None
    };
    let pdf = match (&svg, formats.pdf) {
        (Some(svg), true) => {
            Some(encode::render_pdf(svg).with_context(|| format!("drawing figure {name} as PDF"))?)
        }
        _ => None,
    };
    let svg = svg.filter(|_| formats.svg);
    let png = if formats.png {
        Some(
            encode::render_png(chart, style, size)
                .with_context(|| format!("drawing figure {name} as PNG"))?,
        )
    } else {
        None
    };
    Ok(Figure {
        name,
        title,
        caption: chart.caption(),
        svg,
        png,
        pdf,
        kept: false,
    })
}

/// A figure's words as a report showed them under it: the title (without its closing full
/// stop) and the caption. What [`kept_figures`] shows for a figure it does not draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureWords {
    pub title: String,
    pub caption: String,
}

/// The figures of `kinds` as the output directory `dir` holds them (`figures/NAME.svg`, `.png`,
/// `.pdf`, whichever are there), for a render that draws only some figures (`render --figures`,
/// `evaluate`): the report keeps every figure with its number. Each is [`Figure::kept`], its
/// title and caption those `shown` holds for its name (the previous report's, which was written
/// with the files), so nothing is drawn; a figure `shown` lacks (no previous report, or one
/// that did not show it) gets those of `view`, which builds that one chart (for the cluster
/// map, its clustering and layout) without drawing it. A kind with no file in `dir` is left
/// out. Errors: a file that is there cannot be read.
pub fn kept_figures(
    view: &View<'_>,
    dir: &std::path::Path,
    kinds: &[FigureKind],
    shown: &std::collections::BTreeMap<String, FigureWords>,
) -> Result<Vec<Figure>> {
    let read = |name: &str, extension: &str| -> Result<Option<Vec<u8>>> {
        let path = dir.join("figures").join(format!("{name}.{extension}"));
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
        }
    };
    let mut figures = Vec::new();
    for &kind in kinds {
        let name = kind.name();
        let svg = read(name, "svg")?.and_then(|bytes| String::from_utf8(bytes).ok());
        let (png, pdf) = (read(name, "png")?, read(name, "pdf")?);
        if svg.is_none() && png.is_none() && pdf.is_none() {
            continue;
        }
        let FigureWords { title, caption } = match shown.get(name) {
            Some(words) => words.clone(),
            None => words_of(kind, view),
        };
        figures.push(Figure {
            name,
            title,
            caption,
            svg,
            png,
            pdf,
            kept: true,
        });
    }
    Ok(figures)
}

/// The title and caption of `kind` drawn from `view`, as [`draw_figures`] would give them.
fn words_of(kind: FigureKind, view: &View<'_>) -> FigureWords {
    let style = Style::new(
        view.options
            .width
            .clamp(*WIDTH_RANGE.start(), *WIDTH_RANGE.end()),
    );
    let today = view.options.today.unwrap_or_else(CalendarDate::today_utc);
    let chart = build_chart(kind, view, &figure_palette(view), today, &style);
    FigureWords {
        title: chart.title(),
        caption: chart.caption(),
    }
}

/// `drawn` and `kept` in the report's order ([`FigureKind::ALL`], then the evaluation), so a
/// figure has the same number whichever were drawn this time.
pub fn in_report_order(mut figures: Vec<Figure>) -> Vec<Figure> {
    let position = |name: &str| {
        FigureKind::ALL
            .iter()
            .position(|k| k.name() == name)
            .unwrap_or(FigureKind::ALL.len())
    };
    figures.sort_by_key(|f| position(f.name));
    figures
}

fn build_chart(
    kind: FigureKind,
    view: &View<'_>,
    palette: &Palette,
    today: CalendarDate,
    style: &Style,
) -> Box<dyn Chart> {
    let analysis = view.analysis;
    match kind {
        FigureKind::PapersPerYear => Box::new(papers_per_year::PapersPerYear::new(
            analysis, palette, today,
        )),
        FigureKind::MechanismDomain => {
            Box::new(mechanism_domain::MechanismDomain::new(analysis, palette))
        }
        FigureKind::MechanismFlow => {
            Box::new(mechanism_flow::MechanismFlow::new(analysis, palette))
        }
        FigureKind::TopInfluential => Box::new(top_influential::TopInfluential::new(
            analysis, palette, style,
        )),
        FigureKind::InfluenceByMechanism => Box::new(
            influence_by_mechanism::InfluenceByMechanism::new(analysis, palette),
        ),
        FigureKind::Communities => Box::new(communities::Communities::new(view, palette, style)),
        FigureKind::ClusterMap => Box::new(cluster_map::ClusterMap::new(view, palette)),
        FigureKind::CitationDistribution => {
            Box::new(citation_distribution::CitationDistribution::new(analysis))
        }
        FigureKind::Lineage => Box::new(lineage::Lineage::new(view, palette)),
        FigureKind::Bursts => Box::new(bursts::Bursts::new(view, style)),
        FigureKind::Rpys => Box::new(rpys::Rpys::new(analysis)),
        FigureKind::Missing => Box::new(missing::Missing::new(analysis, palette, style)),
    }
}

/// The figure formats asked by `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Formats {
    svg: bool,
    png: bool,
    pdf: bool,
}

impl Formats {
    /// The formats of `asked`; all of them when it is empty.
    fn of(asked: &[FigureFormat]) -> Self {
        let all = asked.is_empty();
        Formats {
            svg: all || asked.contains(&FigureFormat::Svg),
            png: all || asked.contains(&FigureFormat::Png),
            pdf: all || asked.contains(&FigureFormat::Pdf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_format_asked_is_every_format() {
        let png = Formats::of(&[FigureFormat::Png]);
        assert!(png.png && !png.svg && !png.pdf);
        let all = Formats::of(&[]);
        assert!(all.svg && all.png && all.pdf);
    }

    #[test]
    fn a_figure_lists_its_files_in_format_order() {
        let figure = Figure {
            name: "missing",
            title: String::new(),
            caption: String::new(),
            svg: Some("<svg/>".into()),
            png: Some(vec![1, 2]),
            pdf: None,
            kept: false,
        };
        let paths: Vec<_> = figure
            .files()
            .into_iter()
            .map(|f| f.relative_path)
            .collect();
        assert_eq!(
            paths,
            [
                std::path::PathBuf::from("figures/missing.svg"),
                std::path::PathBuf::from("figures/missing.png")
            ]
        );
    }
}
