//! The catalogue stage as a new user meets it (issue 10): the README's `--mechanisms` example works
//! as written, errors print once, counts say what they count, domains do not depend on the path
//! form given, every lint finding can be shown and is written to lint.csv; and the stage's files
//! keep one home per concept.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn small_catalogue() -> PathBuf {
    root().join("tests/data/catalog-small")
}

struct Output {
    ok: bool,
    stdout: String,
    stderr: String,
    out: tempfile::TempDir,
}

impl Output {
    fn catalog(&self) -> Value {
        let text = std::fs::read_to_string(self.out.path().join("catalog.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

fn catalog(source: &Path, extra: &[&str]) -> Output {
    let out = tempfile::tempdir().unwrap();
    let output = common::citegraph()
        .args(["catalog", "--catalog"])
        .arg(source)
        .arg("--output-dir")
        .arg(out.path())
        .arg("--cache-dir")
        .arg(out.path().join("cache"))
        .args(extra)
        .output()
        .unwrap();
    Output {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        out,
    }
}

/// The ```toml block of the README's `--mechanisms` paragraph, as written.
fn readme_mechanisms_example() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let at = readme
        .find("--mechanisms FILE")
        .expect("the README documents --mechanisms FILE");
    let block = &readme[at..];
    let start = block.find("```toml").expect("a ```toml example follows") + "```toml".len();
    let end = block[start..].find("```").unwrap() + start;
    // The example is indented under a list item; TOML does not mind, but keep it as a user pastes.
    block[start..end]
        .lines()
        .map(|l| l.trim_start())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_readme_mechanisms_example_works_as_written() {
    let example = readme_mechanisms_example();
    assert!(example.contains("not_mechanisms"), "{example}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mechanisms.toml");
    std::fs::write(&file, &example).unwrap();
    // A list that uses both labels the example names.
    std::fs::write(
        dir.path().join("list.md"),
        "- **[1] Dropping Tokens**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2401.00001)] ![](https://img.shields.io/badge/Token_Dropping-orange) ![](https://img.shields.io/badge/Plug_and_Play-orange)\n",
    )
    .unwrap();
    let run = catalog(
        &dir.path().join("list.md"),
        &["--mechanisms", file.to_str().unwrap()],
    );
    assert!(run.ok, "{}", run.stderr);
    let catalog = run.catalog();
    assert_eq!(catalog["papers"][0]["mechanisms"][0], "Token Pruning");
    let kinds: Vec<&str> = catalog["lint"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["not-a-mechanism"], "{catalog}");
}

#[test]
fn a_bad_mechanisms_file_is_one_error_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.toml");
    std::fs::write(&file, "[aliases\n").unwrap();
    let run = catalog(
        &small_catalogue(),
        &["--mechanisms", file.to_str().unwrap()],
    );
    assert!(!run.ok);
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
    // The TOML parser's own words appear once, inside the message.
    assert_eq!(
        run.stderr.matches("unclosed table").count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn counts_say_listed_and_distinct_with_plurals() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("list.md"),
        "## A\n- **[1] The Only Paper**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2401.00001)] ![](https://img.shields.io/badge/Token_Pruning-orange)\n## B\n- **[3] The Only Paper**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2401.00001)] ![](https://img.shields.io/badge/Token_Pruning-orange)\n",
    )
    .unwrap();
    let run = catalog(&dir.path().join("list.md"), &[]);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "catalogue: 1 distinct paper (1 paper listed more than once) from 2 listings in 1 file; later stages count those Semantic Scholar resolves\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("lint: 1 finding (numbering-gap 1)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn unspecified_is_shown_capitalized_like_the_other_mechanisms() {
    let run = catalog(&small_catalogue(), &["--all-lint"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(!run.stdout.contains("unspecified"), "{}", run.stdout);
    assert!(run.stdout.contains("  Unspecified  "), "{}", run.stdout);
}

/// Listing file -> domain, for every listing.
fn domains(catalog: &Value) -> BTreeMap<String, String> {
    catalog["papers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["listings"].as_array().unwrap().iter())
        .map(|l| {
            let file = l["file"].as_str().unwrap();
            let name = file.rsplit('/').next().unwrap().to_string();
            (name, l["domain"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn domains_do_not_depend_on_the_path_form_given() {
    let whole = catalog(&small_catalogue(), &[]);
    let subdir = catalog(&small_catalogue().join("Vision Domain"), &[]);
    let file = catalog(
        &small_catalogue().join("Vision Domain/Understanding.md"),
        &[],
    );
    for run in [&whole, &subdir, &file] {
        assert!(run.ok, "{}", run.stderr);
    }
    let whole = domains(&whole.catalog());
    assert_eq!(whole["Understanding.md"], "Vision Domain");
    assert_eq!(
        domains(&subdir.catalog())["Understanding.md"],
        "Vision Domain"
    );
    assert_eq!(
        domains(&file.catalog())["Understanding.md"],
        "Vision Domain"
    );
    // The front page's entries take their domains from its headings, not "README".
    let readme = catalog(&small_catalogue().join("README.md"), &[]);
    let readme_domains: BTreeSet<String> = readme.catalog()["papers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["domains"].as_array().unwrap().clone())
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        readme_domains,
        ["Ordered", "Surveys"].map(String::from).into()
    );
}

#[test]
fn all_lint_prints_every_finding_and_lint_csv_holds_them() {
    let short = catalog(&small_catalogue(), &[]);
    assert!(short.stdout.contains("... and 4 more"), "{}", short.stdout);
    let run = catalog(&small_catalogue(), &["--all-lint"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(!run.stdout.contains("... and"), "{}", run.stdout);
    let catalog = run.catalog();
    let findings = catalog["lint"].as_array().unwrap();
    let warnings = catalog["warnings"].as_array().unwrap();
    for finding in findings {
        let line = format!(
            "[{}] {}:{}: {}",
            finding["kind"].as_str().unwrap(),
            finding["file"].as_str().unwrap(),
            finding["line"],
            finding["message"].as_str().unwrap()
        );
        assert!(run.stdout.contains(&line), "missing {line}\n{}", run.stdout);
    }
    let path = run.out.path().join("lint.csv");
    assert!(run.stdout.contains(&format!("wrote {}", path.display())));
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        ["severity", "kind", "file", "line", "key", "message", "fix"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), findings.len() + warnings.len());
    let conflicting = rows.iter().find(|r| &r[1] == "conflicting-id").unwrap();
    assert_eq!(&conflicting[0], "error");
    assert_eq!(&conflicting[2], "Vision Domain/Understanding.md");
    assert_eq!(&conflicting[3], "51");
    assert!(!conflicting[6].is_empty());
    let empty_file = rows
        .iter()
        .find(|r| &r[1] == "reading" && r[5].contains("empty file"))
        .unwrap();
    assert_eq!(&empty_file[3], "");
    // The README documents every column.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for column in header {
        assert!(
            readme.contains(&format!("`{column}`")),
            "README does not document lint.csv's {column}"
        );
    }
}

/// `use super::NAME` edges between the files of `src/catalog/`.
fn catalog_imports() -> BTreeMap<String, BTreeSet<String>> {
    let dir = root().join("src/catalog");
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            modules.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
    let names: Vec<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, text)| {
            let uses: BTreeSet<String> = names
                .iter()
                .filter(|other| *other != name && *other != "mod")
                .filter(|other| {
                    text.contains(&format!("super::{other}::"))
                        || text.contains(&format!("super::{other};"))
                        || text.contains(&format!("super::{{{other}"))
                })
                .cloned()
                .collect();
            (name.clone(), uses)
        })
        .collect()
}

#[test]
fn no_two_catalogue_files_import_each_other() {
    let imports = catalog_imports();
    // Any cycle: depth-first search from every file.
    fn reaches(
        graph: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        target: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(from).into_iter().flatten() {
            if next == target || (seen.insert(next.clone()) && reaches(graph, next, target, seen)) {
                return true;
            }
        }
        false
    }
    for name in imports.keys() {
        assert!(
            !reaches(&imports, name, name, &mut BTreeSet::new()),
            "catalog/{name}.rs imports itself through {:?}",
            imports
        );
    }
}

#[test]
fn titles_are_normalized_in_one_place() {
    let mut definitions = Vec::new();
    for entry in walk(&root().join("src")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        if text.contains("fn normalize_title(") {
            definitions.push(entry.display().to_string());
        }
    }
    assert_eq!(definitions.len(), 1, "{definitions:?}");
    assert!(definitions[0].ends_with("src/catalog/title.rs"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
