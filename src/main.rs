//! citegraph's entry point: parse the arguments, set up logging, run the job that
//! [`citegraph::pipeline`] wires, print its report. No logic lives here beyond that.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use citegraph::pipeline;
use cli::{Cli, Job};

/// `eprintln!` that never panics: a closed stderr (`2>&1 | head`) loses the message, not the
/// run's outcome or exit status.
macro_rules! print_stderr {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
fn main() -> ExitCode {
    let cli = Cli::parse_args();
    init_logging(cli.verbose, cli.quiet);
    let (job, settings) = cli.settings();
    if let Job::Docs(docs) = &job {
        return match cli::docs::run(docs) {
            Ok(text) => print_stdout(&String::from_utf8_lossy(&text)),
            Err(err) => {
                print_stderr!("error: {}", terminal_safe(&format!("{err:#}")));
                ExitCode::FAILURE
            }
        };
    }
    if let Err(err) = citegraph::interrupt::install(interrupted(&settings.locations)) {
        tracing::warn!(
            "cannot catch Ctrl-C ({err}): an interrupted run leaves its staging directory beside the output directory, for the next run to remove"
        );
    }
    pipeline::remove_stale_temps(&settings.locations);
    let result = match &job {
        Job::Catalog(shown) => pipeline::catalog_job(&settings, *shown),
        Job::Lint(options) => pipeline::lint_job(&settings, options),
        Job::Fetch => pipeline::fetch_job(&settings),
        Job::SnapshotExport(file, source) => {
            pipeline::snapshot_export_job(&settings, file, *source)
        }
        Job::SnapshotImport(file) => pipeline::snapshot_import_job(&settings, file),
        Job::Analyze => pipeline::analyze_job(&settings),
        Job::Evaluate => pipeline::evaluate_job(&settings),
        Job::Render => pipeline::render_job(&settings),
        Job::Run => pipeline::run_job(&settings),
        Job::Diff { old, new } => pipeline::diff_job(&settings, old, new),
        Job::Datasets(job, options) => citegraph::datasets::command::run(
            job,
            &citegraph::datasets::api::DatasetsOptions {
                cache_dir: settings.locations.cache_dir.clone(),
                ..options.clone()
            },
            &settings.catalog,
        ),
        // Answered above, before any setting up.
        Job::Docs(_) => Ok(pipeline::Report::default()),
    };
    match result {
        Ok(report) => {
            let printed = if cli.quiet {
                ExitCode::SUCCESS
            } else {
                print_stdout(&terminal_safe(&report.text()))
            };
            match &report.gaps {
                // The outputs are written, with gaps a rerun could fill: a status of its own,
                // so that scripts and the weekly workflow tell it from done and from failed.
                Some(gaps) if printed == ExitCode::SUCCESS => {
                    if !cli.quiet {
                        print_stderr!(
                            "warning: {}; exit status {}",
                            terminal_safe(gaps),
                            pipeline::EXIT_GAPS
                        );
                    }
                    ExitCode::from(pipeline::EXIT_GAPS)
                }
                _ => printed,
            }
        }
        Err(err) => {
            // `lint --strict` found something: the findings go to stdout all the same.
            if let Some(failed) = err.downcast_ref::<citegraph::render::lint_report::LintFailed>() {
                if !cli.quiet {
                    print_stdout(&terminal_safe(&failed.output));
                }
            }
            print_stderr!("error: {}", terminal_safe(&format!("{err:#}")));
            ExitCode::FAILURE
        }
    }
}

/// What Ctrl-C says, in every stage ([`citegraph::interrupt`], exit status 130): what is kept and
/// how to go on.
fn interrupted(locations: &pipeline::Locations) -> String {
    terminal_safe(&format!(
        "interrupted: {} is as the last finished run left it (this run's outputs are dropped), \
         and every answer received so far is kept in the cache under {}; rerun to resume",
        locations.output_dir.display(),
        locations.cache_dir.display()
    ))
}

/// Prints to stdout. A closed stdout (`citegraph catalog | head`) is a normal end, as in
/// ripgrep: the reader has what it wanted, so no error and no panic.
fn print_stdout(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            print_stderr!("error: cannot write to stdout: {err}");
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
    // Other crates' warnings (the SVG renderer's, say) are shown too, except with -q: quiet is
    // errors only, whoever reports them.
    let others = if quiet { "error" } else { "warn" };
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("CITEGRAPH_LOG").unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(format!("citegraph={level},{others}"))
        });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        // A closed stderr (`citegraph run 2>&1 | head`) must not end the run: the subscriber
        // would report its failed write with `eprintln!`, which panics on a closed stream.
        .log_internal_errors(false)
        .init();
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
