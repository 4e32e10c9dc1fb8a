//! Outputs: tables (CSV, JSON), figures, graph exports (DOT, GraphML), the HTML report, the
//! maintainers' suggestions and the survey's LaTeX tables, and the catalogue's files
//! (`catalog.json`, `lint.csv`, `unresolved.csv`).
//!
//! The render stage builds one [`View`] of the analysis (`view.rs`: the paper index, the
//! community names, the top missing papers and the mechanism colours, [`charts::Palette`], each
//! computed once), draws the figures in memory from it (`charts`), then hands the view and the
//! figures to one [`Exporter`] per output format (the figures' own files, `dot.rs`,
//! `lineage_dot.rs`, `graphml.rs`, `suggestions.rs`, `latex.rs`, `bibtex.rs`, `exports/` (RIS
//! and CSL-JSON of the BibTeX files' entries), `report/`); each
//! returns its files' contents ([`render_files`]). `venues.rs` writes venues in the list's style
//! for `suggestions.md`. The options are typed (`options.rs`: every
//! closed choice an enum, checked where the command line is parsed).
//!
//! Nothing here writes by itself: the tables ([`analysis_files`]), [`catalog_file`],
//! [`lint_file`], [`unresolved_file`] and the digest (`watch::digest_files`) are built the same
//! way, as [`OutputFile`]s or [`StreamedFile`]s, and [`write_outputs`] (`output.rs`) is the one
//! function that writes them, atomically.

pub mod bibtex;
pub mod charts;
pub mod dot;
pub mod dot_select;
pub mod escape;
pub mod exports;
pub mod graphml;
pub mod labels;
pub mod latex;
pub mod lineage_dot;
pub mod map;
pub mod report;
pub mod suggestions;
pub mod venues;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

mod options;
mod tables;
mod view;

pub use options::{DotLayout, FigureFormat, FigureKind, RenderOptions, FIGURE_NAMES, WIDTH_RANGE};
pub use tables::{
    analysis_files, evaluation_files, metrics_file, parquet_files, EVALUATION_FILES, PARQUET_FILES,
    ROW_GROUP_ROWS,
};
pub use view::View;

mod output;
pub use output::{write_outputs, Fill, Output, OutputFile, StreamedFile};

use crate::analysis::Analysis;

mod catalog;
pub use catalog::catalog_file;

pub mod lint_report;
pub use lint_report::lint_file;

mod unresolved;
pub use unresolved::unresolved_file;

/// One output format. Exporters build contents only; [`write_outputs`] does the writing, so a
/// format can be tested without touching the disk.
pub trait Exporter {
    /// The files of this format, relative to the output directory, from the render's one
    /// [`View`] and the figures already drawn (in memory, in the order the report shows them).
    fn files(&self, view: &View<'_>, figures: &[charts::Figure]) -> Result<Vec<OutputFile>>;
}

/// The figures' files, `figures/NAME.svg`, `NAME.png` and `NAME.pdf`, figure by figure.
struct FigureFiles;

impl Exporter for FigureFiles {
    fn files(&self, _view: &View<'_>, figures: &[charts::Figure]) -> Result<Vec<OutputFile>> {
        Ok(figures.iter().flat_map(charts::Figure::files).collect())
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
        Box::new(exports::Exports),
        Box::new(report::Report),
    ]
}

/// Figures, DOT, GraphML, the report, suggestions.md and the LaTeX tables, in memory, in the
/// order they are written: the figures first, then `graph.dot`, `lineage.dot`, `graph.graphml`,
/// `suggestions.md`, `tables/*.tex`, `references.bib`, `suggestions.bib`, their exports for
/// reference managers (`references.ris`, `references.json`, `suggestions.ris`,
/// `suggestions.json`) and `report.html`.
///
/// `keep_from`: for a render of some figures (`--figures`), the output directory whose files of
/// the other figures the report shows as they are ([`charts::kept_figures`], with the titles and
/// captions its previous `report.html` gave them, so they are not drawn again), so a partial
/// render updates its figures and the report keeps every figure with its number; `None` (a whole
/// run) shows the figures drawn.
pub fn render_files(
    analysis: &Analysis,
    options: &RenderOptions,
    keep_from: Option<&Path>,
) -> Result<Vec<OutputFile>> {
    let view = View::new(analysis, options);
    let mut figures = charts::draw_figures(&view).context("drawing the figures")?;
    if let Some(dir) = keep_from {
        let others: Vec<FigureKind> = FigureKind::ALL
            .into_iter()
            .filter(|kind| !options.figures.is_empty() && !options.figures.contains(kind))
            .collect();
        let shown = shown_figures(dir)?;
        figures.extend(charts::kept_figures(&view, dir, &others, &shown)?);
        figures = charts::in_report_order(figures);
    }
    let mut files = Vec::new();
    for exporter in exporters() {
        files.extend(exporter.files(&view, &figures)?);
    }
    Ok(files)
}

/// After `citegraph evaluate` on an output directory `dir` that holds a run: the evaluation
/// figure (drawn from `analysis.evaluation`) and `report.html` with every figure of `dir` kept
/// ([`charts::kept_figures`]), so the report and `evaluation.csv` say the same. Errors: drawing,
/// or a figure file of `dir` that cannot be read.
pub fn evaluation_report_files(
    analysis: &Analysis,
    options: &RenderOptions,
    dir: &Path,
) -> Result<Vec<OutputFile>> {
    let view = View::new(analysis, options);
    let shown = shown_figures(dir)?;
    let mut figures = charts::kept_figures(&view, dir, &FigureKind::ALL, &shown)?;
    if let Some(evaluation) = &analysis.evaluation {
        figures.push(
            charts::draw_evaluation(evaluation, options)
                .context("drawing the evaluation figure")?,
        );
    }
    let mut files: Vec<OutputFile> = figures.iter().flat_map(charts::Figure::files).collect();
    files.extend(report::Report.files(&view, &figures)?);
    Ok(files)
}

/// The title and caption of each figure `dir/report.html` shows ([`report::shown_figures`]), by
/// figure name: the words of the figures a partial render keeps, as they were written with their
/// files. Empty when there is no report, or it is not UTF-8 (the words are then computed again).
/// Errors: the report is there but cannot be read.
fn shown_figures(dir: &Path) -> Result<std::collections::BTreeMap<String, charts::FigureWords>> {
    let path = dir.join("report.html");
    match std::fs::read(&path) {
        Ok(bytes) => Ok(String::from_utf8(bytes)
            .map(|page| report::shown_figures(&page))
            .unwrap_or_default()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// [`render_files`] written into `output_dir` by [`write_outputs`]; returns every path written,
/// in that order.
pub fn render(
    analysis: &Analysis,
    options: &RenderOptions,
    output_dir: &Path,
) -> Result<Vec<PathBuf>> {
    write_outputs(output_dir, render_files(analysis, options, None)?)
}

/// How many papers of each kind `suggestions.md` and `suggestions.bib` suggest.
pub const SUGGESTIONS_PER_KIND: usize = 20;

/// The missing papers of one kind that the suggestions list, `per_kind` at most, by descending
/// score (the same papers `suggestions.md` and `suggestions.bib` hold).
pub fn suggested(
    analysis: &Analysis,
    kind: crate::analysis::MissingKind,
    per_kind: usize,
) -> Vec<&crate::analysis::MissingPaper> {
    let mut papers = analysis.ranked_in_scope(kind);
    papers.truncate(per_kind);
    papers
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
