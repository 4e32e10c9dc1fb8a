//! What a catalogue directory walk reads (issue #22, "the weekly loop never reads its own
//! outputs"): the shipped workflow runs `citegraph run --catalog .` at the list's root with the
//! default `./output` and `./cache`, so the next week's walk finds citegraph's own files beside the
//! list. The walk reads exactly the list's entries: never citegraph's output or cache directories
//! (its own, or any recognisable one), nor templates, docs/ examples or contributing guides;
//! `--exclude GLOB` drops more; lint names every skip.

use crate::common;

use std::path::{Path, PathBuf};

/// A paper that only exists in the file it is written in (its arXiv id is made up).
fn entry(title: &str, arxiv: &str) -> String {
    format!(
        "- **[1] {title}**, arXiv 2025<br>\n  *Ann Author, Bo Author*<br>\n  [[Paper](https://arxiv.org/abs/{arxiv})] ![Token_Pruning](https://img.shields.io/badge/Token_Pruning-orange)\n\n"
    )
}

fn copy_tree(from: &Path, to: &Path) {
    for item in walkdir::WalkDir::new(from) {
        let item = item.unwrap();
        let target = to.join(item.path().strip_prefix(from).unwrap());
        if item.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(item.path(), &target).unwrap();
        }
    }
}

/// Runs citegraph in `dir` with `args`; its stdout, after checking it succeeded.
fn citegraph_in(dir: &Path, args: &[&str]) -> String {
    let output = common::citegraph()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "citegraph {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The catalogue papers' titles and the lint findings of `citegraph catalog` run in `dir`.
fn read_catalogue(dir: &Path, args: &[&str], output: &Path) -> serde_json::Value {
    let mut all = vec!["catalog", "--catalog", "."];
    all.extend(args);
    citegraph_in(dir, &all);
    let json = std::fs::read_to_string(output.join("catalog.json")).unwrap();
    serde_json::from_str(&json).unwrap()
}

fn papers(catalog: &serde_json::Value) -> Vec<String> {
    catalog["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect()
}

fn skips(catalog: &serde_json::Value) -> Vec<(String, Option<u64>, String)> {
    catalog["lint"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "skipped")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The shared catalogue copied to `root/list`, with a real `citegraph run` of it in `list/output`
/// and `list/cache` (the workflow's layout), and the number of its papers.
fn list_after_a_run(root: &Path) -> (PathBuf, usize) {
    let list = root.join("list");
    copy_tree(&common::catalog_dir(), &list);
    let world = common::world_jsonl();
    citegraph_in(
        &list,
        &[
            "run",
            "--catalog",
            ".",
            "--snapshot",
            world.to_str().unwrap(),
            "--figures",
            "papers-per-year",
            "--format",
            "svg",
            "--today",
            "2026-03-01",
            "-q",
        ],
    );
    let first = std::fs::read_to_string(list.join("output/catalog.json")).unwrap();
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    let count = first["papers"].as_array().unwrap().len();
    (list, count)
}

#[test]
fn the_walk_reads_exactly_the_lists_entries() {
    let root = tempfile::tempdir().unwrap();
    let (list, listed) = list_after_a_run(root.path());
    assert!(listed > 100, "the shared catalogue has {listed} papers");
    let suggestions = std::fs::read_to_string(list.join("output/suggestions.md")).unwrap();
    assert!(
        suggestions.contains("[[Paper]("),
        "the run suggests paste-ready entries:\n{suggestions}"
    );

    // What the weekly loop and a real repository leave beside the list.
    std::fs::create_dir_all(list.join("cache/s2/papers/ab")).unwrap();
    std::fs::write(list.join("cache/s2/papers/ab/ab12.json"), "{}").unwrap();
    // An earlier output directory kept under another name: recognised by what it holds.
    copy_tree(&list.join("output"), &list.join("output-2025"));
    std::fs::write(
        list.join("PULL_REQUEST_TEMPLATE.md"),
        format!(
            "## New paper\n\nAdd your entry in this form:\n\n{}",
            entry("Paper Title", "2501.00000")
        ),
    )
    .unwrap();
    std::fs::write(
        list.join("Other Domain/new-entry.md"),
        format!(
            "# Template\n\n{}",
            entry("Title of the Paper", "2501.00001")
        ),
    )
    .unwrap();
    std::fs::write(
        list.join("CONTRIBUTING.md"),
        format!(
            "# Contributing\n\nFor example:\n\n{}",
            entry("An Example Paper on Token Pruning", "2501.99991")
        ),
    )
    .unwrap();
    std::fs::create_dir_all(list.join("docs")).unwrap();
    std::fs::write(
        list.join("docs/example.md"),
        entry("A Documented Example of Token Merging", "2501.99992"),
    )
    .unwrap();
    // One real new paper in its own file, and a placeholder among a domain file's entries.
    std::fs::write(
        list.join("Vision Domain/drafts.md"),
        entry("Sparse Drafts for Token Pruning", "2501.99993"),
    )
    .unwrap();
    let generation = list.join("Other Domain/Generation.md");
    let mut text = std::fs::read_to_string(&generation).unwrap();
    let placeholder_line = text.lines().count() + 2;
    text.push('\n');
    text.push_str(&entry("Paper Title", "2501.00000"));
    std::fs::write(&generation, text).unwrap();

    let output = list.join("output");
    let catalog = read_catalogue(&list, &[], &output);
    let titles = papers(&catalog);
    assert_eq!(
        titles.len(),
        listed + 1,
        "the list's papers and drafts.md's"
    );
    assert!(titles.contains(&"Sparse Drafts for Token Pruning".to_string()));
    for foreign in [
        "Paper Title",
        "Title of the Paper",
        "An Example Paper on Token Pruning",
        "A Documented Example of Token Merging",
    ] {
        assert!(!titles.contains(&foreign.to_string()), "{foreign} was read");
    }
    let skipped = skips(&catalog);
    let expected = [
        ("CONTRIBUTING.md", None, "not read as part of the list: a contributing guide or community file, not the list"),
        ("Other Domain/Generation.md", Some(placeholder_line as u64), "a placeholder entry (\"Paper Title\"), not read as a paper"),
        ("Other Domain/new-entry.md", None, "not read as part of the list: a template: its only entries are placeholders such as \"Title of the Paper\""),
        ("PULL_REQUEST_TEMPLATE.md", None, "not read as part of the list: a contributing guide or community file, not the list"),
        ("cache/", None, "not read as part of the list: citegraph's cache directory (--cache-dir)"),
        ("docs/", None, "not read as part of the list: a documentation, example or template folder"),
        ("output-2025/", None, "not read as part of the list: a citegraph output directory (it holds metrics.json, catalog.json, lint.csv, papers.csv, suggestions.md, suggestions.bib)"),
        ("output/", None, "not read as part of the list: citegraph's output directory (--output-dir)"),
    ];
    let expected: Vec<(String, Option<u64>, String)> = expected
        .iter()
        .map(|(f, l, m)| (f.to_string(), *l, m.to_string()))
        .collect();
    assert_eq!(skipped, expected);

    // `--exclude` drops a file (by its name, at any depth), and says so.
    let catalog = read_catalogue(&list, &["--exclude", "drafts.md"], &output);
    assert_eq!(papers(&catalog).len(), listed);
    assert!(skips(&catalog).contains(&(
        "Vision Domain/drafts.md".to_string(),
        None,
        "not read as part of the list: excluded by --exclude drafts.md".to_string()
    )));

    // lint names every skip as a note, with the way to read it anyway.
    let lint = citegraph_in(&list, &["lint", "--catalog", ".", "--severity", "note"]);
    assert!(
        lint.lines().any(|l| l == "output/: note[skipped]: not read as part of the list: citegraph's output directory (--output-dir)"),
        "{lint}"
    );
    // The way to read it, once for all eight.
    assert_eq!(
        lint.lines()
            .filter(|l| *l == "help[skipped]: nothing to do if it is not part of the list; to read it, give it by name with --catalog PATH")
            .count(),
        1,
        "{lint}"
    );
    assert_eq!(lint.matches("note[skipped]").count(), 8, "{lint}");

    // A second weekly run reads the same list: no suggested paper became a catalogue paper.
    let world = common::world_jsonl();
    citegraph_in(
        &list,
        &[
            "run",
            "--catalog",
            ".",
            "--exclude",
            "drafts.md",
            "--snapshot",
            world.to_str().unwrap(),
            "--figures",
            "papers-per-year",
            "--format",
            "svg",
            "--today",
            "2026-03-01",
            "-q",
        ],
    );
    let second = std::fs::read_to_string(output.join("catalog.json")).unwrap();
    let second: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(papers(&second).len(), listed);
    assert_eq!(
        std::fs::read_to_string(output.join("suggestions.md")).unwrap(),
        suggestions,
        "the same list suggests the same papers"
    );
}

/// With `--output-dir` outside the list, nothing special happens: a list folder that happens to be
/// named `output` (and holds no citegraph files) is read like any other.
#[test]
fn an_output_dir_outside_the_list_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let list = root.path().join("list");
    std::fs::create_dir_all(list.join("output")).unwrap();
    std::fs::write(list.join("README.md"), "# A list\n").unwrap();
    std::fs::write(
        list.join("output/papers.md"),
        entry("Output Tokens Pruned Early", "2501.99994"),
    )
    .unwrap();
    std::fs::write(
        list.join("Vision.md"),
        entry("Vision Tokens Merged Late", "2501.99995"),
    )
    .unwrap();
    let elsewhere = root.path().join("results");
    let cache = root.path().join("cache");
    let catalog = read_catalogue(
        &list,
        &[
            "--output-dir",
            elsewhere.to_str().unwrap(),
            "--cache-dir",
            cache.to_str().unwrap(),
        ],
        &elsewhere,
    );
    assert_eq!(
        papers(&catalog),
        ["Vision Tokens Merged Late", "Output Tokens Pruned Early"]
    );
    assert_eq!(skips(&catalog), []);
}

/// A GitHub repository's listing is walked by the same rules on its paths: its pull-request
/// template (hidden under `.github/`), contributing guide and docs/ example are not read, nor what
/// `--exclude` names; each is a `skipped` note.
#[test]
fn a_repository_listing_follows_the_same_rules() {
    let readme = entry("Merging Tokens in a Repository", "2501.99996");
    let template = entry("Paper Title", "2501.00000");
    let example = entry("An Example Paper on Token Pruning", "2501.99991");
    let draft = entry("Sparse Drafts for Token Pruning", "2501.99993");
    let files = [
        ("README.md", readme.as_str()),
        (".github/PULL_REQUEST_TEMPLATE.md", template.as_str()),
        ("CONTRIBUTING.md", example.as_str()),
        ("docs/example.md", example.as_str()),
        ("Vision Domain/drafts.md", draft.as_str()),
    ];
    let tree: Vec<serde_json::Value> = files
        .iter()
        .map(|(path, _)| serde_json::json!({"path": path, "type": "blob"}))
        .collect();
    let mut routes: std::collections::HashMap<String, (u16, String)> = files
        .iter()
        .map(|(path, text)| {
            (
                format!("/o/r/main/{}", path.replace(' ', "%20")),
                (200, text.to_string()),
            )
        })
        .collect();
    routes.insert(
        "/repos/o/r".into(),
        (200, r#"{"default_branch": "main"}"#.into()),
    );
    routes.insert(
        "/repos/o/r/git/trees/main?recursive=1".into(),
        (
            200,
            serde_json::json!({"sha": "abc", "truncated": false, "tree": tree}).to_string(),
        ),
    );
    let server = crate::catalog_remote::serve(routes);
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let output = common::citegraph()
        .env("CITEGRAPH_GITHUB_API", &server.base)
        .env("CITEGRAPH_GITHUB_RAW", &server.base)
        .env_remove("GITHUB_TOKEN")
        .args(["catalog", "--catalog", "https://github.com/o/r"])
        .args(["--exclude", "drafts.md", "--cache-dir"])
        .arg(work.path().join("cache"))
        .arg("--output-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = std::fs::read_to_string(out.join("catalog.json")).unwrap();
    let catalog: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(papers(&catalog), ["Merging Tokens in a Repository"]);
    let skipped: Vec<(String, String)> = skips(&catalog)
        .into_iter()
        .map(|(file, _, message)| (file, message))
        .collect();
    let note = |file: &str, why: &str| {
        (
            file.to_string(),
            format!("not read as part of the list: {why}"),
        )
    };
    assert_eq!(
        skipped,
        [
            note(
                ".github/PULL_REQUEST_TEMPLATE.md",
                "hidden (.github/ and the like)"
            ),
            note(
                "CONTRIBUTING.md",
                "a contributing guide or community file, not the list"
            ),
            note("Vision Domain/drafts.md", "excluded by --exclude drafts.md"),
            note(
                "docs/example.md",
                "a documentation, example or template folder"
            ),
        ]
    );
}

/// A directory whose only Markdown is not the list is an error that names what was skipped and
/// how to read it anyway; given by name, the same file is read.
#[test]
fn nothing_but_skipped_files_is_an_error_that_names_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("CONTRIBUTING.md"),
        entry("An Example Paper on Token Pruning", "2501.99991"),
    )
    .unwrap();
    let output = common::citegraph()
        .current_dir(dir.path())
        .args(["lint", "--catalog", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no catalogue entries found in .: read no Markdown file; not read as part of the list: CONTRIBUTING.md (a contributing guide or community file, not the list) (give one by name with --catalog PATH to read it)"),
        "{stderr}"
    );
    citegraph_in(
        dir.path(),
        &[
            "catalog",
            "--catalog",
            "CONTRIBUTING.md",
            "--output-dir",
            "out",
        ],
    );
    let json = std::fs::read_to_string(dir.path().join("out/catalog.json")).unwrap();
    let catalog: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(papers(&catalog), ["An Example Paper on Token Pruning"]);
}
