//! The command line: clap types only. Each stage owns its options (`#[derive(clap::Args)]` in its
//! module); this file composes them into subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use citegraph::analysis::AnalyzeOptions;
use citegraph::catalog::CatalogOptions;
use citegraph::export::RenderOptions;
use citegraph::s2::{FetchOptions, SnapshotSource};

#[derive(Debug, Parser)]
#[command(
    name = "citegraph",
    version,
    about = "Citation graphs, influence metrics, survey figures and missing papers for awesome lists of research papers",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalOptions {
    #[command(flatten)]
    pub catalog: CatalogOptions,
    /// Where fetched records (and downloaded catalogues) are kept between runs.
    #[arg(long, global = true, default_value = "cache", value_name = "DIR")]
    pub cache_dir: PathBuf,
    /// Where the tool writes its outputs.
    #[arg(long, global = true, default_value = "output", value_name = "DIR")]
    pub output_dir: PathBuf,
    /// No network at all: everything must come from files or the cache.
    #[arg(long, global = true)]
    pub offline: bool,
    /// More log output (-v: debug, -vv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the catalogue, write OUTPUT/catalog.json and OUTPUT/lint.csv and print a summary with
    /// the lint findings.
    Catalog {
        /// Print every lint finding and reading warning, not only the first few.
        #[arg(long)]
        all_lint: bool,
    },
    /// Lint the catalogue alone (no Semantic Scholar), for a list's own CI: every finding with
    /// file:line, severity and a fix hint.
    Lint {
        /// How to print the findings.
        #[arg(long, value_enum, default_value_t = LintFormatArg::Text)]
        format: LintFormatArg,
        /// Exit with status 1 when a finding of the chosen severities is found.
        #[arg(long)]
        strict: bool,
        /// The severities printed (and counted by --strict).
        #[arg(
            long,
            value_enum,
            value_delimiter = ',',
            default_values_t = [SeverityArg::Error, SeverityArg::Warning, SeverityArg::Note]
        )]
        severity: Vec<SeverityArg>,
    },
    /// Resolve every catalogue paper on Semantic Scholar and fetch its references and citations
    /// into the cache.
    Fetch {
        #[command(flatten)]
        fetch: FetchOptions,
        #[command(flatten)]
        source: SnapshotSource,
    },
    /// Snapshots: every cached record as one JSON Lines file.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Build the citation graph and compute influence and cluster metrics and missing papers.
    Analyze {
        #[command(flatten)]
        fetch: FetchOptions,
        #[command(flatten)]
        source: SnapshotSource,
        #[command(flatten)]
        analyze: AnalyzeOptions,
    },
    /// Turn OUTPUT/metrics.json into figures, DOT, GraphML, the report and the survey tables.
    Render {
        #[command(flatten)]
        render: RenderOptions,
    },
    /// The main job: catalog, fetch, analyze and render in one go.
    Run {
        #[command(flatten)]
        fetch: FetchOptions,
        #[command(flatten)]
        source: SnapshotSource,
        #[command(flatten)]
        analyze: AnalyzeOptions,
        #[command(flatten)]
        render: RenderOptions,
    },
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Write every cached record as JSON Lines, one paper a line (the form of world.jsonl).
    Export {
        /// The file to write.
        file: PathBuf,
    },
}

/// `citegraph lint --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormatArg {
    Text,
    Csv,
    Json,
}

impl From<LintFormatArg> for citegraph::export::lint::LintFormat {
    fn from(format: LintFormatArg) -> Self {
        match format {
            LintFormatArg::Text => Self::Text,
            LintFormatArg::Csv => Self::Csv,
            LintFormatArg::Json => Self::Json,
        }
    }
}

/// `citegraph lint --severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    Error,
    Warning,
    Note,
}

impl From<SeverityArg> for citegraph::catalog::Severity {
    fn from(severity: SeverityArg) -> Self {
        match severity {
            SeverityArg::Error => Self::Error,
            SeverityArg::Warning => Self::Warning,
            SeverityArg::Note => Self::Note,
        }
    }
}
