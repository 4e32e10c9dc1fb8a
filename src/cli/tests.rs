//! The command line's tests: the library's defaults are the command line's (parsing no argument
//! gives them back), closed choices are refused at parse time, and the location options may
//! stand before the subcommand but not on both sides of it.

use super::*;
use citegraph::pipeline::Locations;

fn settings(args: &[&str]) -> Settings {
    let mut argv = vec!["citegraph"];
    argv.extend_from_slice(args);
    Cli::try_parse_args(argv).unwrap().settings().1
}

#[test]
fn defaults_are_written_once() {
    let run = settings(&["run"]);
    assert_eq!(run.fetch, FetchOptions::default());
    assert_eq!(run.analyze, AnalyzeOptions::default());
    assert_eq!(run.render, RenderOptions::default());
    assert_eq!(run.catalog, CatalogOptions::default());
    assert_eq!(run.locations, Locations::default());
    assert_eq!(run.digest, citegraph::watch::DigestOptions::default());
}

#[test]
fn the_digest_budget_is_set_on_run_and_diff_and_has_a_floor_and_a_ceiling() {
    let run = settings(&["run", "--digest-max-chars", "20000"]);
    assert_eq!(run.digest.max_chars, 20_000);
    let diff = settings(&["diff", "a", "b", "--digest-max-chars", "4000"]);
    assert_eq!(diff.digest.max_chars, citegraph::watch::MIN_DIGEST_CHARS);
    let error = Cli::try_parse_args(["citegraph", "diff", "a", "b", "--digest-max-chars", "3999"])
        .unwrap_err()
        .to_string();
    assert!(error.contains("--digest-max-chars"), "{error}");
    // Nor above GitHub's limit for an issue body, which the budget exists for.
    assert!(
        Cli::try_parse_args(["citegraph", "diff", "a", "b", "--digest-max-chars", "65537"])
            .is_err()
    );
    let most = settings(&["diff", "a", "b", "--digest-max-chars", "65536"]);
    assert_eq!(
        most.digest.max_chars,
        citegraph::watch::GITHUB_ISSUE_BODY_CHARS
    );
}

#[test]
fn a_negative_count_is_an_invalid_value_not_an_unknown_argument() {
    let error = Cli::try_parse_args(["citegraph", "analyze", "--expand", "-1"])
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("invalid value '-1' for '--expand <N>'"),
        "{error}"
    );
    let error = Cli::try_parse_args(["citegraph", "-x"])
        .unwrap_err()
        .to_string();
    assert!(error.contains("unexpected argument '-x'"), "{error}");
    let settings = settings(&["analyze", "--resolution", "0.5"]);
    assert_eq!(settings.analyze.resolution, 0.5);
}

#[test]
fn closed_choices_are_checked_at_parse_time() {
    for args in [
        &["run", "--figures", "foo"][..],
        &["run", "--format", "gif"],
        &["run", "--scope", "some"],
        &["render", "--dot-layout", "spiral"],
        &["render", "--width", "10"],
        // Below 2 in, labels at 7.5 pt have no room (the figures' tests start at 600).
        &["render", "--width", "599"],
    ] {
        let mut argv = vec!["citegraph"];
        argv.extend_from_slice(args);
        assert!(Cli::try_parse_args(argv).is_err(), "{args:?} was accepted");
    }
    assert_eq!(settings(&["render", "--width", "600"]).render.width, 600);
    let render = settings(&["render", "--figures", "communities,missing"]);
    assert_eq!(
        render.render.figures,
        [FigureKind::Communities, FigureKind::Missing]
    );
    let render = settings(&["render", "--figures", "missing,all"]);
    assert_eq!(render.render.figures, FigureKind::ALL);
    let render = settings(&["render", "--format", "png", "--dot-layout", "community"]);
    assert_eq!(render.render.format, [FigureFormat::Png]);
    assert_eq!(render.render.dot_layout, DotLayout::Community);
    let render = settings(&["render", "--hide-unspecified", "--today", "2026-03-01"]);
    assert!(render.render.hide_unspecified);
    assert_eq!(
        render.render.today.map(|d| (d.year, d.month, d.day)),
        Some((2026, 3, 1))
    );
    for bad in ["2026-13-01", "2026-02-30", "yesterday", "2026-3"] {
        assert!(
            Cli::try_parse_args(["citegraph", "render", "--today", bad]).is_err(),
            "--today {bad} was accepted"
        );
    }
}

#[test]
fn location_options_may_stand_before_the_subcommand() {
    let before = settings(&["--catalog", "a.md", "--output-dir", "o", "--offline", "run"]);
    let after = settings(&["run", "--catalog", "a.md", "--output-dir", "o", "--offline"]);
    assert_eq!(before, after);
    assert_eq!(before.catalog.sources, ["a.md"]);
}

#[test]
fn a_location_option_given_before_and_after_the_subcommand_is_refused() {
    for args in [
        &["--catalog", "a.md", "run", "--catalog", "b.md"][..],
        &[
            "--catalog",
            "a.md",
            "snapshot",
            "import",
            "f.jsonl",
            "--catalog",
            "b.md",
        ],
        &["--output-dir", "o", "catalog", "--output-dir", "p"],
        &["--offline", "analyze", "--offline"],
    ] {
        let mut argv = vec!["citegraph"];
        argv.extend_from_slice(args);
        let error = Cli::try_parse_args(argv).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
        assert!(
            error
                .to_string()
                .contains("given both before and after the subcommand"),
            "{args:?}: {error}"
        );
    }
    // Given once, in either place, or before one subcommand and another option after it.
    let before = settings(&["--catalog", "a.md", "lint"]);
    assert_eq!(before.catalog.sources, ["a.md"]);
    let after = settings(&["lint", "--catalog", "a.md"]);
    assert_eq!(after.catalog.sources, ["a.md"]);
    let mixed = settings(&["--catalog", "a.md", "run", "--output-dir", "o", "-q"]);
    assert_eq!(mixed.catalog.sources, ["a.md"]);
    assert_eq!(mixed.locations.output_dir, PathBuf::from("o"));
}

#[test]
fn a_location_option_before_a_subcommand_that_takes_none_is_refused() {
    for (args, option) in [
        (&["--output-dir", "o", "lint"][..], "--output-dir"),
        (&["--catalog", "a.md", "render"], "--catalog"),
        (&["--catalog", "a.md", "diff", "old", "new"], "--catalog"),
        (&["--mechanisms", "m.toml", "render"], "--mechanisms"),
        (
            &["--output-dir", "o", "snapshot", "export", "f.jsonl"],
            "--output-dir",
        ),
    ] {
        let mut argv = vec!["citegraph"];
        argv.extend_from_slice(args);
        let error = Cli::try_parse_args(argv).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
        let text = error.to_string();
        assert!(
            text.contains(option) && text.contains("takes no such option"),
            "{args:?}: {text}"
        );
    }
    // Where the subcommand takes it, before is as good as after.
    let render = settings(&["--output-dir", "o", "render"]);
    assert_eq!(render.locations.output_dir, PathBuf::from("o"));
}

#[test]
fn each_subcommand_takes_only_its_own_options() {
    for args in [
        &["analyze", "--rps", "2"][..],
        &["analyze", "--api-url", "http://x"],
        &["analyze", "--no-link-details"],
        &["render", "--api-url", "http://x"],
        &["render", "--catalog", "x.md"],
        &["render", "--offline"],
        &["snapshot", "export", "f.jsonl", "--rps", "2"],
        &["snapshot", "export", "f.jsonl", "--source", "crossref"],
        &["snapshot", "export", "f.jsonl", "--output-dir", "o"],
    ] {
        let mut argv = vec!["citegraph"];
        argv.extend_from_slice(args);
        assert!(Cli::try_parse_args(argv).is_err(), "{args:?} was accepted");
    }
}

#[test]
fn a_rate_that_is_not_a_positive_number_is_a_usage_error() {
    for rate in ["0", "-1", "NaN", "inf", "abc", "1e-9", "0.001", "1001"] {
        let error = Cli::try_parse_args(["citegraph", "fetch", "--rps", rate]).unwrap_err();
        assert_eq!(
            error.kind(),
            clap::error::ErrorKind::ValueValidation,
            "{rate}"
        );
        // clap's usage errors exit 2 (README, "Exit status").
        assert_eq!(error.exit_code(), 2);
    }
    for rate in ["0.5", "0.01", "1000"] {
        assert!(Cli::try_parse_args(["citegraph", "fetch", "--rps", rate]).is_ok());
    }
}

#[test]
fn an_openalex_rate_above_its_cap_is_a_usage_error() {
    for rate in ["10.5", "50", "100", "0", "abc"] {
        let error =
            Cli::try_parse_args(["citegraph", "fetch", "--openalex-rps", rate]).unwrap_err();
        assert_eq!(
            error.kind(),
            clap::error::ErrorKind::ValueValidation,
            "{rate}"
        );
        assert_eq!(error.exit_code(), 2);
    }
    let error = Cli::try_parse_args(["citegraph", "run", "--openalex-rps", "50"]).unwrap_err();
    assert!(error.to_string().contains("cap of 10"), "{error}");
    for rate in ["0.5", "10"] {
        let run = settings(&["run", "--openalex-rps", rate]);
        assert_eq!(run.sources.openalex_rps, Some(rate.parse().unwrap()));
    }
}

#[test]
fn evaluation_options_on_run_need_evaluate() {
    for option in [
        ["--holdout", "0.2"],
        ["--repeats", "3"],
        ["--background", "b.txt"],
    ] {
        let mut args = vec!["citegraph", "run"];
        args.extend(option);
        let error = Cli::try_parse_args(args.clone()).unwrap_err();
        assert_eq!(error.exit_code(), 2, "{option:?}");
        assert!(error.to_string().contains("--evaluate"), "{error}");
        args.push("--evaluate");
        assert!(Cli::try_parse_args(args).is_ok(), "{option:?}");
    }
    assert!(Cli::try_parse_args(["citegraph", "evaluate", "--repeats", "3"]).is_ok());
}

#[test]
fn tables_add_parquet_on_analyze_and_run_and_always_keep_csv() {
    assert!(!settings(&["run"]).parquet);
    assert!(!settings(&["analyze", "--tables", "csv"]).parquet);
    assert!(settings(&["analyze", "--tables", "csv,parquet"]).parquet);
    assert!(settings(&["run", "--tables", "parquet,csv"]).parquet);
    for args in [
        ["citegraph", "run", "--tables", "parquet"],
        ["citegraph", "analyze", "--tables", "xlsx"],
    ] {
        let error = Cli::try_parse_args(args).unwrap_err();
        assert_eq!(error.exit_code(), 2, "{args:?}");
    }
    // The figures' and the render's commands have no tables to write.
    for command in ["render", "evaluate", "fetch"] {
        assert!(Cli::try_parse_args(["citegraph", command, "--tables", "csv"]).is_err());
    }
}

#[test]
fn every_command_has_examples_and_every_example_a_command() {
    let command = Cli::full_command();
    let mut paths: Vec<Vec<String>> = vec![Vec::new()];
    let mut stack = vec![(Vec::<String>::new(), &command)];
    while let Some((path, at)) = stack.pop() {
        for sub in at.get_subcommands() {
            let mut sub_path = path.clone();
            sub_path.push(sub.get_name().to_string());
            paths.push(sub_path.clone());
            stack.push((sub_path, sub));
        }
    }
    for path in &paths {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        assert!(help::examples(&path).is_some(), "{path:?} has no examples");
    }
    for path in help::paths() {
        assert!(
            paths.iter().any(|known| known.as_slice() == path),
            "examples for {path:?}, which is no command"
        );
        // Each example line names the program, or is a comment.
        for line in help::examples(path).unwrap().lines() {
            assert!(
                line.starts_with('#') || line.contains("citegraph "),
                "{line}"
            );
        }
    }
}

#[test]
fn the_docs_commands_take_no_settings() {
    let (job, _) = Cli::try_parse_args(["citegraph", "completions", "fish"])
        .unwrap()
        .settings();
    assert!(matches!(
        job,
        Job::Docs(docs::Docs::Completions(clap_complete::Shell::Fish))
    ));
    let (job, _) = Cli::try_parse_args(["citegraph", "man", "--out", "m"])
        .unwrap()
        .settings();
    assert!(matches!(job, Job::Docs(docs::Docs::Man(Some(_)))));
}
