//! The weekly GitHub Actions workflow in examples/ (issue 12) is valid workflow syntax by a real
//! validator (check-jsonschema's vendored GitHub workflow schema, offline; installed by
//! `.ci/setup`), and does what the README promises: weekly and on demand, the cache restored,
//! the key masked and only ever read from the secret, the report uploaded, the digest posted as a
//! new comment each week (past digests kept), the build cached, nothing installed it does not use.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workflow() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/github-actions/citegraph-weekly.yml")
}

/// `python3 -m check_jsonschema --builtin-schema vendor.github-workflows FILE`: (success, output).
/// Panics when the validator is missing: run `.ci/setup`.
fn validate(file: &Path) -> (bool, String) {
    let output = Command::new("python3")
        .args([
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
        ])
        .arg(file)
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        !text.contains("No module named check_jsonschema"),
        "check-jsonschema is missing: run .ci/setup (it pip-installs it)"
    );
    (output.status.success(), text)
}

#[test]
fn the_workflow_is_valid_by_the_github_workflow_schema() {
    let (ok, text) = validate(&workflow());
    assert!(ok, "{text}");
    // The validator does reject a broken workflow (it is not a no-op).
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yml");
    let yaml = std::fs::read_to_string(workflow()).unwrap();
    std::fs::write(&broken, yaml.replace("runs-on:", "run-on:")).unwrap();
    let (ok, text) = validate(&broken);
    assert!(!ok, "a job without runs-on passed:\n{text}");
}

#[test]
fn the_workflow_does_what_the_readme_says() {
    let text = std::fs::read_to_string(workflow()).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let on = &yaml["on"];
    assert!(on["schedule"][0]["cron"].is_string(), "weekly schedule");
    assert!(
        on.get("workflow_dispatch").is_some(),
        "on demand (workflow_dispatch)"
    );
    let steps = yaml["jobs"]["watch"]["steps"].as_sequence().unwrap();
    let uses = |prefix: &str| {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(prefix)))
    };
    let cache = uses("actions/cache@").expect("the cache is restored");
    let paths = cache["with"]["path"].as_str().unwrap();
    assert!(paths.lines().any(|l| l.trim() == "cache"), "{paths}");
    assert!(paths.lines().any(|l| l.trim() == "output"), "{paths}");
    assert!(
        uses("actions/upload-artifact@").is_some(),
        "the report is uploaded"
    );
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs
        .iter()
        .any(|r| r.trim_start().starts_with("citegraph run")));
    // Only what may have changed is asked each week.
    assert!(runs
        .iter()
        .any(|r| r.trim_start().starts_with("citegraph run") && r.contains("--update")));
    // Past digests are kept: a new comment each week (or a new issue), never an edited body.
    assert!(runs
        .iter()
        .any(|r| r.contains("gh issue comment") && r.contains("gh issue create")));
    assert!(
        !runs.iter().any(|r| r.contains("gh issue edit")),
        "a digest overwrites the last one"
    );
    // The build is cached: ~/.cargo (the installed binary and the registry) and the build
    // directory, before `cargo install`, which then skips an unchanged commit.
    let build_cache = steps
        .iter()
        .position(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
                && s["with"]["path"]
                    .as_str()
                    .is_some_and(|p| p.contains("~/.cargo/bin"))
        })
        .expect("the cargo build is cached");
    let install = steps
        .iter()
        .position(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("cargo install"))
        })
        .expect("citegraph is installed");
    assert!(build_cache < install);
    let cached = steps[build_cache]["with"]["path"].as_str().unwrap();
    let target = yaml["jobs"]["watch"]["env"]["CARGO_TARGET_DIR"]
        .as_str()
        .unwrap();
    assert!(
        cached.lines().any(|l| l.trim() == target),
        "the build directory {target} is not cached: {cached}"
    );
    assert!(steps[build_cache]["with"]["key"]
        .as_str()
        .unwrap()
        .contains("CITEGRAPH_VERSION"));
    // Nothing installed that citegraph does not use (Graphviz was: citegraph writes DOT and
    // never runs `dot`).
    for run in &runs {
        for installer in ["apt-get", "apt ", "brew ", "pip ", "npm "] {
            assert!(!run.contains(installer), "installs something: {run}");
        }
    }
    // The issue's body is digest.md and a link to the full digest, uploaded as an artifact of
    // its own (issue 22: digest.md is cut to fit an issue body, digest.json is not).
    let digest = steps
        .iter()
        .find(|s| s["id"] == "digest")
        .expect("a step `digest` uploads the full digest");
    assert!(digest["uses"]
        .as_str()
        .unwrap()
        .starts_with("actions/upload-artifact@"));
    let paths = digest["with"]["path"].as_str().unwrap();
    for file in ["output/digest.json", "output/digest.md"] {
        assert!(paths.lines().any(|l| l.trim() == file), "{paths}");
    }
    let issue = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("gh issue comment"))
        })
        .unwrap();
    assert_eq!(
        issue["env"]["DIGEST_URL"],
        "${{ steps.digest.outputs.artifact-url }}"
    );
    let script = issue["run"].as_str().unwrap();
    assert!(script.contains("cat output/digest.md"), "{script}");
    assert!(script.contains("\"$DIGEST_URL\""), "{script}");
    assert!(script.contains("--body-file \"$body\""), "{script}");
    // What the workflow adds fits the margin citegraph leaves: the footer's text and two URLs of
    // at most 500 characters each.
    let footer: usize = script
        .lines()
        .filter(|l| l.trim_start().starts_with("printf"))
        .map(|l| l.chars().count())
        .sum();
    assert!(
        footer + 2 * 500 <= citegraph::watch::WORKFLOW_MARGIN_CHARS,
        "{footer}"
    );

    // The key: masked before anything runs citegraph, read only from the secret, never echoed
    // except to the mask command.
    let mask = steps
        .iter()
        .position(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("::add-mask::$S2_API_KEY"))
        })
        .expect("the key is masked");
    let run = steps
        .iter()
        .position(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.trim_start().starts_with("citegraph run"))
        })
        .unwrap();
    assert!(mask < run);
    for line in text.lines().filter(|l| l.contains("S2_API_KEY")) {
        let line = line.trim();
        assert!(
            line.starts_with('#')
                || line == "S2_API_KEY: ${{ secrets.S2_API_KEY }}"
                || line == "echo \"::add-mask::$S2_API_KEY\""
                || line == "if [ -n \"$S2_API_KEY\" ]; then"
                || line.starts_with("echo \"::warning::no S2_API_KEY"),
            "the key appears elsewhere: {line}"
        );
    }
}
