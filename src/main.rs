//! citegraph's entry point: parse the arguments, set up logging, run the stages in order.
//! No logic lives here beyond wiring one stage's output into the next.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use citegraph::{analysis, catalog, export, s2};
use cli::{Cli, Command, SnapshotCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose, cli.global.quiet);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", terminal_safe(&format!("{err:#}")));
            ExitCode::FAILURE
        }
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "info",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CITEGRAPH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("citegraph={level},warn")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .init();
}

fn run(cli: Cli) -> Result<()> {
    let g = &cli.global;
    // Temp files of runs killed mid-write (the cache is ROOT/s2/NAMESPACE/ab/FILE, the outputs
    // OUTPUT/figures/FILE): never read, only wasted space. An hour old, no run is writing them.
    for (dir, depth) in [(&g.cache_dir, 5), (&g.output_dir, 3)] {
        let removed =
            citegraph::fsutil::remove_stale_temps(dir, depth, std::time::Duration::from_secs(3600));
        match removed {
            0 => {}
            1 => tracing::info!(
                "removed a temp file left by an interrupted run under {}",
                dir.display()
            ),
            n => tracing::info!(
                "removed {n} temp files left by interrupted runs under {}",
                dir.display()
            ),
        }
    }
    let env = s2::Environment {
        cache_dir: g.cache_dir.clone(),
        output_dir: g.output_dir.clone(),
        offline: g.offline,
    };
    match &cli.command {
        Command::Catalog { all_lint } => {
            let catalog = catalog::load(&g.catalog, &g.cache_dir, g.offline)?;
            let path = export::write_catalog(&catalog, &g.output_dir)?;
            let lint = export::write_lint(&catalog, &g.output_dir)?;
            let options = catalog::SummaryOptions {
                all_lint: *all_lint,
            };
            print!("{}", terminal_safe(&catalog::summary(&catalog, options)));
            print_written(&[path, lint]);
        }
        Command::Lint {
            format,
            strict,
            severity,
        } => {
            let catalog = catalog::load(&g.catalog, &g.cache_dir, g.offline)?;
            let chosen: Vec<catalog::Severity> = severity.iter().map(|&s| s.into()).collect();
            let rows: Vec<_> = export::lint::lint_rows(&catalog)
                .into_iter()
                .filter(|row| chosen.contains(&row.severity))
                .collect();
            let bytes = export::lint::render_lint(&rows, (*format).into())?;
            print!("{}", terminal_safe(&String::from_utf8_lossy(&bytes)));
            if *strict && !rows.is_empty() {
                let found = match rows.len() {
                    1 => "1 lint finding".to_string(),
                    n => format!("{n} lint findings"),
                };
                anyhow::bail!("--strict: {found} of the chosen severities");
            }
        }
        Command::Fetch { fetch, source } => {
            let catalog = catalog::load(&g.catalog, &g.cache_dir, g.offline)?;
            let corpus = s2::fetch(&catalog, fetch, source, &env)?;
            let path = export::write_unresolved(&catalog, &corpus.resolutions, &g.output_dir)?;
            print!("{}", terminal_safe(&s2::summary(&catalog, &corpus)));
            println!("wrote {}", path.display());
        }
        Command::Snapshot(SnapshotCommand::Export { file }) => {
            let count = s2::export_snapshot(&g.cache_dir, file)?;
            println!("wrote {count} records to {}", file.display());
        }
        Command::Analyze {
            fetch,
            source,
            analyze,
        } => {
            let catalog = catalog::load(&g.catalog, &g.cache_dir, g.offline)?;
            let corpus = s2::load_for_analysis(&catalog, fetch, source, &env)?;
            let (analysis, graph) = analysis::analyze(&catalog, &corpus, analyze)?;
            let written = export::write_analysis(&analysis, &graph, &g.output_dir)?;
            print!("{}", terminal_safe(&analysis::summary_text(&analysis)));
            print_written(&written);
        }
        Command::Render { render } => {
            let analysis = export::read_analysis(&g.output_dir)?;
            let written = export::render(&analysis, render, &g.output_dir)?;
            print_written(&written);
        }
        Command::Run {
            fetch,
            source,
            analyze,
            render,
        } => {
            let catalog = catalog::load(&g.catalog, &g.cache_dir, g.offline)?;
            let mut written = vec![
                export::write_catalog(&catalog, &g.output_dir)?,
                export::write_lint(&catalog, &g.output_dir)?,
            ];
            let corpus = s2::fetch(&catalog, fetch, source, &env)?;
            written.push(export::write_unresolved(
                &catalog,
                &corpus.resolutions,
                &g.output_dir,
            )?);
            let (analysis, graph) = analysis::analyze(&catalog, &corpus, analyze)?;
            written.extend(export::write_analysis(&analysis, &graph, &g.output_dir)?);
            written.extend(export::render(&analysis, render, &g.output_dir)?);
            print!("{}", terminal_safe(&s2::summary(&catalog, &corpus)));
            print!("{}", terminal_safe(&analysis::summary_text(&analysis)));
            print_written(&written);
        }
    }
    Ok(())
}

fn print_written(paths: &[std::path::PathBuf]) {
    for path in paths {
        println!("wrote {}", path.display());
    }
}

/// Text for the terminal: titles in it come from strangers' Markdown and from the API, and a
/// control character among them (an ANSI escape that recolours, retitles or clears the
/// terminal) is shown escaped, `\u{1b}`, instead of acting. Line breaks and tabs stay.
fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn terminal_escapes_are_shown_not_run() {
        assert_eq!(
            terminal_safe("a \u{1b}[31mred\u{7}\tb\n"),
            "a \\u{1b}[31mred\\u{7}\tb\n"
        );
        assert_eq!(terminal_safe("Café «x»"), "Café «x»");
    }
}
