//! `--holdout`, `--repeats` and `--background` of `citegraph evaluate` and `run --evaluate`.

use std::path::PathBuf;

use clap::Args;

use citegraph::analysis::evaluate::EvaluateOptions;
use citegraph::pipeline::EvaluateSettings;

/// The leave-one-out evaluation's sample and landmarks (`evaluate`, `run --evaluate`); the
/// seed is `--seed`.
#[derive(Debug, Args)]
#[command(next_help_heading = super::ANALYSIS)]
pub struct EvaluateArgs {
    /// The share of the catalogue papers held out in each repeat (stratified by mechanism and
    /// year), between 0 and 1 exclusive.
    #[arg(long, default_value_t = EvaluateOptions::default().holdout, value_name = "SHARE",
          value_parser = parse_share)]
    pub holdout: f64,
    /// Repeats, each holding out its own sample drawn from --seed (1 to 1000).
    #[arg(long, default_value_t = EvaluateOptions::default().repeats, value_name = "N",
          value_parser = parse_repeats)]
    pub repeats: usize,
    /// Known background papers (landmarks the list should not add), one Semantic Scholar id or
    /// title a line (`#` starts a comment): the evaluation measures how many are called
    /// background, and the precision of the background calls.
    #[arg(long, value_name = "FILE")]
    pub background: Option<PathBuf>,
}

impl EvaluateArgs {
    pub(super) fn settings(&self) -> EvaluateSettings {
        EvaluateSettings {
            options: EvaluateOptions {
                holdout: self.holdout,
                repeats: self.repeats,
                // The analysis's --seed, set by the job.
                seed: 0,
            },
            background: self.background.clone(),
        }
    }
}

/// `--holdout`: a share strictly between 0 and 1.
fn parse_share(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(share) if share > 0.0 && share < 1.0 => Ok(share),
        Ok(share) => Err(format!(
            "{share} is not a share between 0 and 1 (exclusive): e.g. 0.1 holds out 10% of the catalogue"
        )),
        Err(err) => Err(format!("{err}")),
    }
}

/// `--repeats`: at least 1.
fn parse_repeats(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("give at least 1 repeat".to_string()),
        Ok(n) if n > MAX_REPEATS => Err(format!(
            "{n} repeats is more than {MAX_REPEATS}: each takes about a second at catalogue scale, \
             and the pooled recall settles within a few dozen"
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "{text:?} is not a number of repeats: give a whole number from 1 to {MAX_REPEATS}"
        )),
    }
}

/// The most `--repeats` taken.
const MAX_REPEATS: usize = 1000;

/// `run --holdout/--repeats/--background` without `--evaluate`: a usage error, not options
/// silently ignored (they only shape the evaluation).
pub(super) fn refuse_evaluation_without_evaluate(
    command: &mut clap::Command,
    matches: &clap::ArgMatches,
) -> Result<(), clap::Error> {
    let Some(("run", run)) = matches.subcommand() else {
        return Ok(());
    };
    if run.get_flag("evaluate") {
        return Ok(());
    }
    for id in ["holdout", "repeats", "background"] {
        if run.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
            return Err(command.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--{id} shapes the leave-one-out evaluation: give --evaluate with it, or \
                     leave it out"
                ),
            ));
        }
    }
    Ok(())
}
