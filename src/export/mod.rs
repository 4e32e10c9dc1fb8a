//! Outputs: tables (CSV, JSON), figures, graph exports (DOT, GraphML), the HTML report, the
//! maintainers' suggestions and the survey's LaTeX tables.

use std::path::{Path, PathBuf};

use anyhow::Result;

mod tables;

pub use tables::write_analysis;

use crate::analysis::Analysis;

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

/// Reads `OUTPUT/metrics.json` back (written by `citegraph analyze`).
pub fn read_analysis(output_dir: &Path) -> Result<Analysis> {
    use anyhow::Context as _;
    let path = output_dir.join(tables::METRICS_JSON);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "{} does not exist: run `citegraph analyze` (with the same --output-dir) first",
            path.display()
        ),
        Err(err) => {
            return Err(err).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is not a metrics file this version can read: run `citegraph analyze` again",
            path.display()
        )
    })
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
