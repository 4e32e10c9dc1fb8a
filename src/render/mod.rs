//! Outputs: tables (CSV, JSON), figures, graph exports (DOT, GraphML), the HTML report, the
//! maintainers' suggestions and the survey's LaTeX tables.
//!
//! The render stage computes the mechanism colours once ([`charts::Palette`]), draws the figures
//! in memory (`charts`), then hands the analysis, the palette and the figures to one [`Exporter`]
//! per output format (the figures' own files, `dot.rs`, `graphml.rs`, `suggestions.rs`,
//! `latex.rs`, `html.rs`); each returns its files' contents and [`render`] writes them
//! atomically.

pub mod bibtex;
pub mod charts;
pub mod dot;
pub mod dot_select;
pub mod escape;
pub mod graphml;
pub mod html;
pub mod labels;
pub mod latex;
pub mod lineage_dot;
pub mod map;
pub mod suggestions;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

mod tables;

pub use tables::write_analysis;

use crate::analysis::Analysis;

/// Options of the render stage. The command line (`src/cli.rs`) fills it and checks every
/// choice at parse time; [`RenderOptions::default`] holds the defaults, written once.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// Figures to draw: `all`, or names from [`charts::FIGURE_NAMES`].
    pub figures: Vec<String>,
    /// Figure formats: `svg` (with its size in inches), `png` (300 dpi), `pdf` (vector, DejaVu
    /// Sans embedded, for LaTeX); see [`charts::FORMATS`].
    pub format: Vec<String>,
    /// Figure width in pixels at 300 dpi (1050 = 3.5 in, one column of a two-column paper).
    pub width: u32,
    /// Add the top N missing papers to graph.dot as dashed nodes.
    pub with_missing: usize,
    /// Group the DOT graph by `year` (rank=same) or by `community` (clusters).
    pub dot_layout: String,
    /// Write every catalogue paper and every edge to graph.dot; by default it holds the ~100
    /// papers that draw readably (see `dot_select`).
    pub dot_all: bool,
    /// Leave the `unspecified` mechanism (papers without a mechanism badge) out of every figure
    /// that shows mechanisms; each of them says so in its caption and in a note.
    pub hide_unspecified: bool,
    /// The day the figures take as today: Fig. 1 draws the bar of its year as partial ("to
    /// date"). `None` = the system clock's date (UTC).
    pub today: Option<charts::CalendarDate>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            figures: vec!["all".to_string()],
            format: charts::FORMATS.iter().map(|f| f.to_string()).collect(),
            width: 1050,
            with_missing: 10,
            dot_layout: "year".to_string(),
            dot_all: false,
            hide_unspecified: false,
            today: None,
        }
    }
}

mod catalog;
pub use catalog::write_catalog;

pub mod lint;
pub use lint::write_lint;

mod unresolved;
pub use unresolved::write_unresolved;

/// What every output format is rendered from.
pub struct RenderContext<'a> {
    pub analysis: &'a Analysis,
    pub options: &'a RenderOptions,
    /// The mechanism colours of this render, shared by the figures, the DOT and the report.
    pub palette: &'a charts::Palette,
    /// The figures already drawn (in memory), in the order the report shows them.
    pub figures: &'a [charts::Figure],
}

/// One file an exporter produces: its path relative to the output directory, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub relative_path: PathBuf,
    pub contents: Vec<u8>,
}

impl OutputFile {
    pub fn new(relative_path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> Self {
        Self {
            relative_path: relative_path.into(),
            contents: contents.into(),
        }
    }
}

/// One output format. Exporters build contents only; [`render`] does the writing, so every file
/// goes through `write_atomic` and a format can be tested without touching the disk.
pub trait Exporter {
    /// The files of this format, relative to the output directory.
    fn files(&self, context: &RenderContext<'_>) -> Result<Vec<OutputFile>>;
}

/// The figures' files, `figures/NAME.svg`, `NAME.png` and `NAME.pdf`, figure by figure.
struct FigureFiles;

impl Exporter for FigureFiles {
    fn files(&self, context: &RenderContext<'_>) -> Result<Vec<OutputFile>> {
        Ok(context
            .figures
            .iter()
            .flat_map(charts::Figure::files)
            .collect())
    }
}

/// Every format `render` writes, in the order it writes them.
fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(FigureFiles),
        Box::new(dot::Dot),
        Box::new(lineage_dot::LineageDot),
        Box::new(graphml::GraphMl),
        Box::new(suggestions::Suggestions),
        Box::new(latex::LatexTables),
        Box::new(bibtex::Bibtex),
        Box::new(html::Report),
    ]
}

/// Figures, DOT, GraphML, the report, suggestions.md and the LaTeX tables. Returns every path
/// written: the figures first, then `graph.dot`, `graph.graphml`, `suggestions.md`,
/// `tables/*.tex`, `references.bib`, `suggestions.bib` and `report.html`.
pub fn render(
    analysis: &Analysis,
    options: &RenderOptions,
    output_dir: &Path,
) -> Result<Vec<PathBuf>> {
    let palette = charts::Palette::new(analysis);
    let figures =
        charts::draw_figures(analysis, options, &palette).context("drawing the figures")?;
    let mut written: Vec<PathBuf> = Vec::new();
    let context = RenderContext {
        analysis,
        options,
        palette: &palette,
        figures: &figures,
    };
    for exporter in exporters() {
        for file in exporter.files(&context)? {
            let path = output_dir.join(&file.relative_path);
            crate::fsutil::write_atomic(&path, &file.contents).with_context(|| {
                format!(
                    "cannot write {}: check that the output directory is writable",
                    path.display()
                )
            })?;
            written.push(path);
        }
    }
    Ok(written)
}

/// The top `n` missing papers for the graph exports and the report's citation map: in-scope
/// papers only (the proposals; a background landmark such as ImageNet drawn as "missing" would
/// tell a maintainer to list it), foundations and candidates taken in turn (each kind by
/// descending score), because the two kinds' scores are not on one scale and both deserve a
/// place.
pub fn top_missing(analysis: &Analysis, n: usize) -> Vec<&crate::analysis::MissingPaper> {
    use crate::analysis::MissingKind;
    let mut foundations = analysis
        .ranked_in_scope(MissingKind::Foundation)
        .into_iter();
    let mut candidates = analysis.ranked_in_scope(MissingKind::Candidate).into_iter();
    let mut picked = Vec::with_capacity(n);
    while picked.len() < n {
        let before = picked.len();
        picked.extend(foundations.next());
        if picked.len() < n {
            picked.extend(candidates.next());
        }
        if picked.len() == before {
            break;
        }
    }
    picked
}

/// A missing paper's evidence, the mechanism with the most linked catalogue papers first (ties
/// by name, so the order is stable).
pub fn ranked_evidence(paper: &crate::analysis::MissingPaper) -> Vec<(&String, &Vec<String>)> {
    let mut groups: Vec<(&String, &Vec<String>)> = paper.evidence.iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    groups
}

/// `#rrggbb` for a colour.
pub fn hex_color((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}
