//! `--tables` of `citegraph analyze` and `run`: the formats the tables are written in.

use clap::{Args, ValueEnum};

/// A format of the analysis tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormatArg {
    /// Every table as CSV (always written: the documented form a spreadsheet opens).
    Csv,
    /// papers, edges, missing, cocitation and coupling also as typed Parquet (.parquet beside
    /// the .csv), for DuckDB and Spark.
    Parquet,
}

/// The table formats (`analyze`, `run`).
#[derive(Debug, Args)]
#[command(next_help_heading = super::OUTPUT)]
pub struct TablesArgs {
    /// Table formats, comma-separated: `csv` (always), `csv,parquet` to add papers.parquet,
    /// edges.parquet, missing.parquet, cocitation.parquet and coupling.parquet (README, "Parquet
    /// tables"); without `parquet`, those of an earlier run are removed.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMATS",
          default_values_t = [TableFormatArg::Csv])]
    pub tables: Vec<TableFormatArg>,
}

impl TablesArgs {
    /// Whether the Parquet tables are asked for.
    pub(super) fn parquet(&self) -> bool {
        self.tables.contains(&TableFormatArg::Parquet)
    }
}

/// A usage error (status 2) for `--tables` without `csv` (`--tables parquet`): the CSVs are
/// always written, so a list that leaves them out would not say what the run does.
pub(super) fn refuse_tables_without_csv(
    command: &mut clap::Command,
    matches: &clap::ArgMatches,
) -> Result<(), clap::Error> {
    let Some(("analyze" | "run", sub)) = matches.subcommand() else {
        return Ok(());
    };
    let given: Vec<TableFormatArg> = sub
        .get_many::<TableFormatArg>("tables")
        .map(|values| values.copied().collect())
        .unwrap_or_default();
    if given.contains(&TableFormatArg::Csv) {
        return Ok(());
    }
    Err(command.error(
        clap::error::ErrorKind::InvalidValue,
        "--tables: the CSV tables are always written, and Parquet beside them: give \
         --tables csv,parquet",
    ))
}
