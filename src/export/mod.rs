//! Outputs: tables (CSV, JSON), figures, graph exports (DOT, GraphML), the HTML report, the
//! maintainers' suggestions and the survey's LaTeX tables.

pub mod charts;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::analysis::Analysis;
use crate::graph::CitationGraph;

/// Options of the render stage.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderOptions {
    /// Figures to draw: `all`, or names from `papers-per-year, mechanism-domain, mechanism-flow,
    /// top-influential, influence-by-mechanism, communities, citation-distribution, missing`.
    #[arg(
        long,
        default_value = "all",
        value_delimiter = ',',
        value_name = "NAMES"
    )]
    pub figures: Vec<String>,
    /// Figure formats.
    #[arg(long, default_value = "svg,png", value_delimiter = ',', value_parser = ["svg", "png"])]
    pub format: Vec<String>,
    /// Figure width in pixels at 300 dpi (1050 = 3.5 in, one column of a two-column paper).
    #[arg(long, default_value_t = 1050, value_name = "PX")]
    pub width: u32,
    /// Add the top N missing papers to graph.dot as dashed nodes.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub with_missing: usize,
    /// Group the DOT graph by `year` (rank=same) or by `community` (clusters).
    #[arg(long, default_value = "year", value_parser = ["year", "community"])]
    pub dot_layout: String,
}

mod catalog;
pub use catalog::write_catalog;

mod unresolved;
pub use unresolved::write_unresolved;

/// Writes the analysis tables: papers.csv, metrics.json, edges.csv, mechanisms.csv, ...
pub fn write_analysis(
    analysis: &Analysis,
    graph: &CitationGraph,
    output_dir: &Path,
) -> Result<Vec<PathBuf>> {
    let _ = (analysis, graph, output_dir);
    anyhow::bail!("not built yet (issue #4)")
}

/// Reads `OUTPUT/metrics.json` back.
pub fn read_analysis(output_dir: &Path) -> Result<Analysis> {
    let _ = output_dir;
    anyhow::bail!("not built yet (issue #5)")
}

/// Figures, DOT, GraphML, the report, suggestions.md and the LaTeX tables.
pub fn render(
    analysis: &Analysis,
    options: &RenderOptions,
    output_dir: &Path,
) -> Result<Vec<PathBuf>> {
    let _ = (analysis, options, output_dir);
    anyhow::bail!("not built yet (issue #5)")
}
