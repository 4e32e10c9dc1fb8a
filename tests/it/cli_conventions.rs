//! The command line follows the conventions (issue #24): shell completions and man pages from
//! the same command, examples and option headings in every `--help`, bad values refused at parse
//! time with status 2 (an API URL without a scheme at once, not after minutes of retries),
//! `--catalog` on both sides of the subcommand refused, lint paths from the list's root, and
//! `lint --format github` annotations.

use crate::common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn stdout_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn run(args: &[&str]) -> Output {
    common::citegraph().args(args).output().unwrap()
}

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Every subcommand path, `snapshot export` and the like included.
const SUBCOMMANDS: &[&[&str]] = &[
    &["catalog"],
    &["lint"],
    &["fetch"],
    &["snapshot"],
    &["snapshot", "export"],
    &["snapshot", "import"],
    &["analyze"],
    &["evaluate"],
    &["render"],
    &["run"],
    &["diff"],
    &["datasets"],
    &["datasets", "releases"],
    &["datasets", "download"],
    &["datasets", "update"],
    &["datasets", "neighbourhood"],
    &["completions"],
    &["man"],
];

#[test]
fn a_bash_completion_script_is_valid_bash_and_knows_the_subcommands() {
    let output = run(&["completions", "bash"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let script = stdout_of(&output);
    for word in ["citegraph", "fetch", "snapshot", "--api-url", "--format"] {
        assert!(script.contains(word), "{word} missing from the script");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("citegraph.bash");
    std::fs::write(&file, &script).unwrap();
    let checked = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(checked.status.success(), "{}", stderr_of(&checked));
    // Sourced, it registers its completion function.
    let sourced = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p citegraph",
            file.display()
        ))
        .output()
        .unwrap();
    assert!(sourced.status.success(), "{}", stderr_of(&sourced));
    assert!(stdout_of(&sourced).contains("citegraph"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let output = run(&["completions", shell]);
        assert!(output.status.success(), "{shell}: {}", stderr_of(&output));
        assert!(stdout_of(&output).contains("citegraph"), "{shell}");
    }
    let output = run(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
}

/// The roff of a page is a man page: a `.TH` title, NAME and SYNOPSIS sections, and groff (when
/// installed) formats it without a warning.
fn assert_man_page(roff: &str, title: &str) {
    assert!(
        roff.lines()
            .any(|l| l.starts_with(".TH ") && l.contains(title)),
        "no .TH {title}"
    );
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION"] {
        assert!(roff.contains(section), "{title}: no {section}");
    }
    if installed("groff") {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("page.1");
        std::fs::write(&file, roff).unwrap();
        let formatted = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(formatted.status.success(), "{}", stderr_of(&formatted));
        assert_eq!(stderr_of(&formatted), "", "groff warns on {title}");
    }
}

#[test]
fn man_pages_are_roff_that_man_reads() {
    let output = run(&["man"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let roff = stdout_of(&output);
    assert_man_page(&roff, "citegraph");
    assert!(roff.contains(".SH EXAMPLES") && roff.contains(".SH \"EXIT STATUS\""));
    // Examples keep their lines (no fill), and every heading of --help is a section.
    assert!(roff.contains(".nf"));
    for heading in ["INPUT", "NETWORK", "OUTPUT", "LOGGING"] {
        assert!(roff.contains(&format!(".SH {heading}")), "{heading}");
    }
    if installed("man") {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("citegraph.1");
        std::fs::write(&file, &roff).unwrap();
        let shown = Command::new("man")
            .arg("-l")
            .arg(&file)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        assert!(shown.status.success(), "{}", stderr_of(&shown));
        let text = stdout_of(&shown);
        assert!(text.contains("EXAMPLES") && text.contains("citegraph run --catalog ."));
    }

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let output = run(&["man", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = SUBCOMMANDS
        .iter()
        .map(|path| format!("citegraph-{}.1", path.join("-")))
        .collect();
    expected.push("citegraph.1".into());
    expected.sort();
    assert_eq!(names, expected);
    for name in &names {
        let roff = std::fs::read_to_string(out.join(name)).unwrap();
        assert_man_page(&roff, name.trim_end_matches(".1"));
    }
    let stdout = stdout_of(&output);
    assert_eq!(stdout.lines().count(), names.len(), "{stdout}");
}

#[test]
fn every_help_has_examples_and_options_under_headings() {
    for path in SUBCOMMANDS {
        let mut args = path.to_vec();
        args.push("--help");
        let output = run(&args);
        assert!(output.status.success(), "{args:?}");
        let help = stdout_of(&output);
        assert!(help.contains("\nExamples:\n  "), "{args:?}:\n{help}");
        assert!(help.contains("citegraph "), "{args:?}");
        assert!(help.contains("\nLogging:\n"), "{args:?}:\n{help}");
        assert!(!help.contains('\u{1b}'), "no colour in a pipe");
    }
    let run_help = stdout_of(&run(&["run", "--help"]));
    let headings: Vec<&str> = run_help
        .lines()
        .filter(|l| l.ends_with(':') && !l.starts_with(' '))
        .collect();
    // In the order of a run's stages, as issue 24 lists them.
    let order: Vec<&str> = headings
        .iter()
        .copied()
        .filter(|h| ["Input:", "Network:", "Analysis:", "Output:", "Logging:"].contains(h))
        .collect();
    assert_eq!(
        order,
        ["Input:", "Network:", "Analysis:", "Output:", "Logging:"],
        "{headings:?}"
    );
    let section = |help: &str, heading: &str| -> String {
        help.split(&format!("\n{heading}:\n"))
            .nth(1)
            .and_then(|rest| rest.split("\n\n").next().map(str::to_string))
            .unwrap_or_default()
    };
    let short = stdout_of(&run(&["run", "-h"]));
    assert!(section(&short, "Network").contains("--api-url"), "{short}");
    assert!(section(&short, "Analysis").contains("--resolution"));
    assert!(section(&short, "Output").contains("--figures"));
    assert!(section(&short, "Input").contains("--catalog"));
    // The exit status is still said after the examples.
    let fetch = stdout_of(&run(&["fetch", "--help"]));
    let examples = fetch.find("Examples:").unwrap();
    assert!(fetch[examples..].contains("Exit status: 0 done"), "{fetch}");
}

#[test]
fn an_api_url_without_a_scheme_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    for (how, url) in [
        ("option", "api.semanticscholar.org/graph/v1"),
        ("env", "localhost:8080"),
    ] {
        let mut command = common::citegraph();
        command
            .current_dir(dir.path())
            .args(["fetch", "--catalog"])
            .arg(common::catalog_dir());
        if how == "env" {
            command.env("S2_API_URL", url);
        } else {
            command.args(["--api-url", url]);
        }
        let started = Instant::now();
        let output = command.timeout(Duration::from_secs(60)).output().unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{how}: {stderr}");
        assert!(stderr.contains("--api-url"), "{stderr}");
        assert!(stderr.contains("https://"), "{stderr}");
        assert!(started.elapsed() < Duration::from_secs(10), "not at once");
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "nothing is written for a command line that cannot run"
        );
    }
}

#[test]
fn every_bad_value_is_a_usage_error_with_status_2() {
    for args in [
        &["fetch", "--timeout", "0"][..],
        &["fetch", "--timeout", "NaN"],
        &["fetch", "--retry-delay", "-1"],
        &["fetch", "--max-age", "inf"],
        &["fetch", "--rps", "0"],
        &["fetch", "--api-url", "ftp://example.org"],
        &["analyze", "--resolution", "0"],
        &["analyze", "--scope-min-lift", "-0.5"],
        &["analyze", "--scope-min-llr", "x"],
        &["analyze", "--expand", "-1"],
        &["render", "--width", "10"],
        &["lint", "--format", "sarif"],
        &["evaluate", "--holdout", "1"],
    ] {
        let output = run(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr_of(&output)
        );
        assert!(stderr_of(&output).contains("invalid value"), "{args:?}");
    }
}

#[test]
fn a_catalog_given_both_before_and_after_the_subcommand_is_an_error() {
    let output = run(&["--catalog", "a.md", "lint", "--catalog", "b.md"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("--catalog is given both before and after the subcommand `lint`"),
        "{stderr}"
    );
}

#[test]
fn lint_shows_paths_from_the_list_root_and_writes_github_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let lint = |source: std::path::PathBuf, format: &str| {
        let output = common::citegraph()
            .arg("lint")
            .arg("--catalog")
            .arg(source)
            .args(["--format", format, "--cache-dir"])
            .arg(dir.path().join("cache"))
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        stdout_of(&output)
    };
    let whole = lint(common::catalog_dir(), "text");
    let vision: Vec<&str> = whole
        .lines()
        .filter(|l| l.starts_with("Vision Domain/Generation.md:"))
        .collect();
    assert!(!vision.is_empty(), "{whole}");
    // A domain folder, or one file, given alone: the same paths as from the list's root.
    for source in [
        common::catalog_dir().join("Vision Domain"),
        common::catalog_dir().join("Vision Domain/Generation.md"),
    ] {
        let text = lint(source.clone(), "text");
        assert!(
            text.lines()
                .filter(|l| !l.starts_with("help["))
                .all(|l| l.starts_with("Vision Domain/")),
            "{}:\n{text}",
            source.display()
        );
        assert!(text.contains(vision[0].split(": ").next().unwrap()));
    }

    let github = lint(common::catalog_dir(), "github");
    let lines: Vec<&str> = github.lines().collect();
    assert!(
        lines.iter().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{github}"
    );
    let place = vision[0].split(": ").next().unwrap();
    let (file, line) = place.rsplit_once(':').unwrap();
    let annotation = format!("file={file},line={line},title=");
    assert!(
        github.contains(&annotation),
        "{annotation} not in\n{github}"
    );
    assert!(lines.iter().any(|l| l.starts_with("::error file=")));
    // Each kind's fix is said once, after the findings, not on every line.
    let fixes: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("title=How to fix "))
        .collect();
    let kinds: std::collections::BTreeSet<&str> = lines
        .iter()
        .filter(|l| !l.contains("title=How to fix "))
        .filter_map(|l| l.split("title=").nth(1)?.split("::").next())
        .collect();
    let distinct: std::collections::BTreeSet<&&&str> = fixes.iter().collect();
    assert_eq!(distinct.len(), fixes.len(), "a fix said twice:\n{github}");
    for kind in &kinds {
        assert!(
            fixes
                .iter()
                .any(|f| f.contains(&format!("title=How to fix {kind}::"))),
            "no fix for {kind}"
        );
    }
    assert!(!github.contains("(fix: "), "{github}");
    assert!(lines.iter().all(|l| !l.contains('\r')));
}

/// `citegraph analyze ... 2>&1 | head -1`: the reader of stderr goes away after one line; the
/// run still finishes, writes its outputs and exits 0 (a closed stderr once panicked, exit 101,
/// nothing written).
#[test]
fn a_closed_stderr_does_not_end_the_run() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("citegraph"))
        .args(["analyze", "--catalog"])
        .arg(common::catalog_dir())
        .arg("--snapshot")
        .arg(common::world_jsonl())
        .arg("--output-dir")
        .arg(dir.path().join("output"))
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .env_remove("CITEGRAPH_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: every later write to stderr fails.
    assert!(!first.is_empty());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "after {first:?}");
    assert!(dir.path().join("output/metrics.json").exists());
}
