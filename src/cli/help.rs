//! The examples at the end of every subcommand's `--help` (and of its man page): each a command
//! line a newcomer can copy, for the cases met first. Added to the clap command once
//! ([`with_examples`]), so that parsing, `citegraph completions` and `citegraph man` see the same
//! command.

use clap::builder::styling::Style;

/// `(subcommand path, examples)`: each example a comment line and a command line.
const EXAMPLES: &[(&[&str], &str)] = &[
    (
        &[],
        "# Everything for a list in the current directory, into ./output (cache in ./cache)
citegraph run --catalog .
# The same, step by step
citegraph fetch --catalog . && citegraph analyze --catalog . && citegraph render",
    ),
    (
        &["catalog"],
        "# Read a local list (a folder walked for *.md) and print its summary and lint findings
citegraph catalog --catalog path/to/awesome-list
# A list on GitHub, every finding printed
citegraph catalog --catalog https://github.com/OWNER/REPO --all-lint",
    ),
    (
        &["lint"],
        "# In a list's own CI: fail on errors and warnings
citegraph lint --catalog . --severity error,warning --strict
# As GitHub Actions annotations on the changed lines of a pull request
citegraph lint --catalog . --format github",
    ),
    (
        &["fetch"],
        "# Fetch with an API key (1 request a second; without one, one every 3 s)
S2_API_KEY=... citegraph fetch --catalog path/to/awesome-list
# Bring last week's cache up to date, asking only what changed
citegraph fetch --catalog path/to/awesome-list --update",
    ),
    (
        &["snapshot"],
        "citegraph snapshot export world.jsonl
citegraph snapshot import world.jsonl --catalog path/to/awesome-list",
    ),
    (
        &["snapshot", "export"],
        "# Every cached record into one file, to share or archive
citegraph snapshot export world.jsonl --cache-dir cache",
    ),
    (
        &["snapshot", "import"],
        "# Fill the cache from a snapshot, then run offline
citegraph snapshot import world.jsonl --catalog path/to/awesome-list
citegraph run --catalog path/to/awesome-list --offline",
    ),
    (
        &["analyze"],
        "# From the cache that `citegraph fetch` filled
citegraph analyze --catalog path/to/awesome-list
# From a snapshot, communities by co-citation
citegraph analyze --catalog path/to/awesome-list --snapshot world.jsonl --communities cocitation",
    ),
    (
        &["evaluate"],
        "# How often the suggestions are right, on five held-out samples
citegraph evaluate --catalog path/to/awesome-list --snapshot world.jsonl --repeats 5",
    ),
    (
        &["render"],
        "# Two figures as SVG and PDF, one column of a two-column paper wide
citegraph render --figures communities,missing --format svg,pdf --width 1050",
    ),
    (
        &["run"],
        "# The whole job for a list on GitHub, with an API key
S2_API_KEY=... citegraph run --catalog https://github.com/OWNER/REPO
# Next week: ask only what changed since, then compare (digest.md)
S2_API_KEY=... citegraph run --catalog https://github.com/OWNER/REPO --update
# Again from the cache alone, without the network
citegraph run --catalog https://github.com/OWNER/REPO --offline",
    ),
    (
        &["diff"],
        "# What changed since last week's run (kept under output/history/)
citegraph diff output/history/2026-11-30 output",
    ),
    (
        &["datasets"],
        "# The releases, then the papers and citations of the latest into the cache
citegraph datasets releases
S2_API_KEY=... citegraph datasets download --dataset papers,citations
# Next week: apply the diffs instead of downloading again
S2_API_KEY=... citegraph datasets update --dataset papers,citations",
    ),
    (
        &["datasets", "releases"],
        "# Every release id, oldest first (no key needed)
citegraph datasets releases",
    ),
    (
        &["datasets", "download"],
        "# The latest papers and citations, three shards at once; rerun to resume after a cut
S2_API_KEY=... citegraph datasets download --dataset papers,citations --parallel 3
# One given release, into another cache directory
S2_API_KEY=... citegraph datasets download --release 2026-07-07 --cache-dir /data/cache",
    ),
    (
        &["datasets", "update"],
        "# Bring the held papers and citations to the latest release with the weekly diffs
S2_API_KEY=... citegraph datasets update --dataset papers,citations",
    ),
    (
        &["datasets", "neighbourhood"],
        "# The two-hop neighbourhood of a list in the downloaded shards, then the usual run on it
citegraph datasets neighbourhood --catalog path/to/awesome-list --hops 2 -o field.jsonl
citegraph run --catalog path/to/awesome-list --snapshot field.jsonl --scope all
# From shards you already have (DIR/papers/*.gz, DIR/citations/*.gz): no key, no network
citegraph datasets neighbourhood --catalog . --datasets-dir /data/s2ag/2026-07-07 -o field.jsonl",
    ),
    (
        &["completions"],
        "citegraph completions bash > ~/.local/share/bash-completion/completions/citegraph
citegraph completions zsh > ~/.zfunc/_citegraph
citegraph completions fish > ~/.config/fish/completions/citegraph.fish",
    ),
    (
        &["man"],
        "citegraph man | man -l -
citegraph man --out ~/.local/share/man/man1",
    ),
];

/// `command` with its examples, and those of its subcommands, after the help (before the exit
/// status of the commands that show it).
pub fn with_examples(command: clap::Command) -> clap::Command {
    add(command, &[])
}

fn add(mut command: clap::Command, path: &[&str]) -> clap::Command {
    if let Some(examples) = examples(path) {
        let heading = heading_style(&command);
        let mut text = format!("{}Examples:{}\n", heading.render(), heading.render_reset());
        for line in examples.lines() {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
        if let Some(after) = command.get_after_help() {
            text.push('\n');
            text.push_str(&after.to_string());
        }
        command = command.after_help(text.trim_end().to_string());
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    for name in names {
        let mut sub_path = path.to_vec();
        sub_path.push(&name);
        command = command.mut_subcommand(&name, |sub| add(sub, &sub_path));
    }
    command
}

/// The style of clap's own headings (`Options:`), so that `Examples:` looks like one; clap drops
/// it where colour is off (a pipe, `NO_COLOR`).
fn heading_style(command: &clap::Command) -> Style {
    *command.get_styles().get_header()
}

/// The examples of the subcommand at `path` (`[]` for `citegraph` itself), one a line.
pub fn examples(path: &[&str]) -> Option<&'static str> {
    EXAMPLES
        .iter()
        .find(|(at, _)| *at == path)
        .map(|(_, examples)| *examples)
}

/// The subcommand paths that have examples, for the tests.
#[cfg(test)]
pub fn paths() -> impl Iterator<Item = &'static [&'static str]> {
    EXAMPLES.iter().map(|(path, _)| *path)
}
