//! `citegraph completions SHELL` and `citegraph man`: generated from the same clap command that
//! parses the arguments ([`super::Cli::full_command`]), so they never drift from it
//! (clap_complete and clap_mangen, as ripgrep and many clap programs ship them).

use std::path::PathBuf;

use anyhow::{Context, Result};

/// What a documentation subcommand asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Docs {
    /// A completion script for this shell, on stdout.
    Completions(clap_complete::Shell),
    /// The top manual page on stdout (`None`), or every page written into this directory.
    Man(Option<PathBuf>),
}

/// What to print on stdout for `docs`: the completion script, the top man page (roff), or for
/// `man --out DIR` a line per page written. Errors: a page cannot be rendered or written (the
/// pages are rendered first, then each written whole, [`citegraph::fsutil::write_atomic`]).
pub fn run(docs: &Docs) -> Result<Vec<u8>> {
    // The derived command for the man pages: they show the examples their own way.
    let command = <super::Cli as clap::CommandFactory>::command();
    match docs {
        Docs::Completions(shell) => {
            let mut command = super::Cli::full_command();
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut command, "citegraph", &mut script);
            Ok(script)
        }
        Docs::Man(None) => Ok(man_pages(command)?.swap_remove(0).1),
        Docs::Man(Some(dir)) => {
            let pages = man_pages(command)?;
            let mut said = String::new();
            for (name, roff) in &pages {
                let path = dir.join(name);
                citegraph::fsutil::write_atomic(&path, roff)
                    .with_context(|| format!("cannot write the man page {}", path.display()))?;
                said.push_str(&format!("wrote {}\n", path.display()));
            }
            Ok(said.into_bytes())
        }
    }
}

/// One page per command: `citegraph.1`, `citegraph-run.1`, `citegraph-snapshot-export.1`, ...
/// as `(file name, roff)`, in the order of the command tree: clap_mangen's sections (name,
/// synopsis, description, the options under their headings, subcommands, version), then the
/// examples of `--help` line by line and the exit status, where the command has them. Errors:
/// rendering failed.
pub fn man_pages(command: clap::Command) -> Result<Vec<(String, Vec<u8>)>> {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect(&command, &mut Vec::new(), &mut pages)?;
    Ok(pages)
}

fn collect(
    command: &clap::Command,
    path: &mut Vec<String>,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> Result<()> {
    let man = clap_mangen::Man::new(command.clone());
    pages.push((man.get_filename(), render(command, path)?));
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        path.push(sub.get_name().to_string());
        collect(sub, path, pages)?;
        path.pop();
    }
    Ok(())
}

/// The page of `command` (at `path` under `citegraph`): see [`man_pages`].
fn render(command: &clap::Command, path: &[String]) -> Result<Vec<u8>> {
    // The derived command's after-help is the exit status alone; `--help`'s examples are set
    // apart in a section of their own, where line breaks are kept.
    let exit_status = command.get_after_help().map(ToString::to_string);
    let bare = command
        .clone()
        .after_help(clap::builder::Resettable::<clap::builder::StyledStr>::Reset);
    let mut page = Vec::new();
    clap_mangen::Man::new(bare)
        .render(&mut page)
        .context("cannot render the man page")?;
    let mut more = roff::Roff::new();
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    if let Some(examples) = super::help::examples(&path) {
        more.control("SH", ["EXAMPLES"]).control("nf", []);
        for line in examples.lines() {
            more.text([roff::roman(line)]);
        }
        more.control("fi", []);
    }
    if let Some(text) = exit_status {
        let text = text.strip_prefix("Exit status: ").unwrap_or(&text);
        more.control("SH", ["EXIT STATUS"])
            .text([roff::roman(text)]);
    }
    more.to_writer(&mut page)
        .context("cannot render the man page")?;
    Ok(page)
}
