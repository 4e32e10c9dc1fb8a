//! The location options that may stand before the subcommand ([`LeadingArgs`]) and the rule
//! that refuses one given on both sides of it ([`refuse_given_twice`]).

use std::path::PathBuf;

use clap::Args;

use citegraph::pipeline::Settings;

use super::{INPUT, NETWORK, OUTPUT};

/// The location and catalogue options may also stand before the subcommand, as in
/// `citegraph --catalog list.md --output-dir out run` (a habit from git and cargo); they then
/// apply to the subcommand that follows (where it takes them) and win over its defaults. One given
/// both before and after the subcommand is refused ([`refuse_given_twice`]): neither place would
/// win by a rule a reader can see.
#[derive(Debug, Args)]
#[command(next_help_heading = INPUT)]
pub struct LeadingArgs {
    /// The catalogue (see each subcommand's --catalog), given before the subcommand (not also
    /// after it: that is refused).
    #[arg(long = "catalog", value_name = "SRC")]
    pub sources: Vec<String>,
    /// Extra mechanism aliases (TOML), given before the subcommand.
    #[arg(long, value_name = "FILE")]
    pub mechanisms: Option<PathBuf>,
    /// The cache directory, given before the subcommand.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// No network at all, given before the subcommand.
    #[arg(long, help_heading = NETWORK)]
    pub offline: bool,
    /// The output directory, given before the subcommand.
    #[arg(long, value_name = "DIR", help_heading = OUTPUT)]
    pub output_dir: Option<PathBuf>,
}

impl LeadingArgs {
    pub(super) fn apply(&self, settings: &mut Settings) {
        if !self.sources.is_empty() {
            settings.catalog.sources = self.sources.clone();
        }
        if let Some(mechanisms) = &self.mechanisms {
            settings.catalog.mechanisms = Some(mechanisms.clone());
        }
        if let Some(dir) = &self.cache_dir {
            settings.locations.cache_dir = dir.clone();
        }
        if let Some(dir) = &self.output_dir {
            settings.locations.output_dir = dir.clone();
        }
        settings.locations.offline |= self.offline;
    }
}

/// Refuses an option of [`LeadingArgs`] given both before and after the subcommand
/// (`citegraph --catalog a.md run --catalog b.md`): which one won used to depend on the order
/// the settings were applied in. Refuses one given before a subcommand that takes no such option
/// (`citegraph --output-dir out lint`) too: it used to be ignored without a word. A clap error
/// (status 2) naming the option.
pub(super) fn refuse_given_twice(
    command: &mut clap::Command,
    matches: &clap::ArgMatches,
) -> Result<(), clap::Error> {
    use clap::parser::ValueSource;
    let mut subcommand = matches;
    let mut path = Vec::new();
    while let Some((name, sub)) = subcommand.subcommand() {
        path.push(name.to_string());
        subcommand = sub;
    }
    // `value_source` panics (in debug builds) on an id the matches do not know: look first.
    let given = |matches: &clap::ArgMatches, id: &str| {
        matches.ids().any(|known| known.as_str() == id)
            && matches.value_source(id) == Some(ValueSource::CommandLine)
    };
    // Whether the innermost subcommand defines an argument with this id.
    let takes = |id: &str| {
        let mut inner: &clap::Command = command;
        for name in &path {
            match inner.find_subcommand(name) {
                Some(next) => inner = next,
                None => return true,
            }
        }
        inner.get_arguments().any(|arg| arg.get_id().as_str() == id)
    };
    let leading: Vec<(String, bool, bool)> = command
        .get_arguments()
        .filter(|arg| !arg.is_global_set() && given(matches, arg.get_id().as_str()))
        .map(|arg| {
            let id = arg.get_id().as_str();
            let long = arg.get_long().unwrap_or(id).to_string();
            (long, given(subcommand, id), takes(id))
        })
        .collect();
    let subcommand_name = path.join(" ");
    for (long, again, taken) in leading {
        if again {
            return Err(command.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--{long} is given both before and after the subcommand `{subcommand_name}`: \
                     give it once, in either place"
                ),
            ));
        }
        if !taken {
            return Err(command.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--{long} is given before the subcommand `{subcommand_name}`, which takes no \
                     such option: leave it out (see `citegraph {subcommand_name} --help`)"
                ),
            ));
        }
    }
    Ok(())
}
