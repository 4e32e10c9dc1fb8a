//! Bad input never stops the reader: each bad file is a warning naming the file (and line), the
//! rest of the catalogue is read; only a catalogue with no entries at all is an error.

use crate::common;

use std::path::Path;

use serde_json::Value;

const GOOD_ENTRY: &str = "- **[1] A Good Paper**, arXiv 2024.\n  *Ada Lovelace*\n  [[Paper](https://arxiv.org/abs/2401.00001)] ![](https://img.shields.io/badge/Token_Pruning-orange)\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Runs `citegraph catalog` on `dir`; returns the exit status, stderr and catalog.json (if any).
fn run(dir: &Path, extra: &[&str]) -> (bool, String, Option<Value>) {
    let out = tempfile::tempdir().unwrap();
    let output = common::citegraph()
        .args(["catalog", "--catalog"])
        .arg(dir)
        .arg("--output-dir")
        .arg(out.path())
        .arg("--cache-dir")
        .arg(out.path().join("cache"))
        .args(extra)
        .output()
        .unwrap();
    let json = std::fs::read_to_string(out.path().join("catalog.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        json,
    )
}

fn warnings(catalog: &Value) -> Vec<(String, Option<u64>, String)> {
    catalog["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["file"].as_str().unwrap().to_string(),
                w["line"].as_u64(),
                w["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn each_bad_file_is_a_warning_and_the_good_ones_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good.md", GOOD_ENTRY.as_bytes());
    write(root, "empty.md", b"");
    write(root, "binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    write(
        root,
        "no-entries.md",
        b"# Just a heading\n\nSome prose, no list.\n",
    );
    // Latin-1 bytes in the title of the entry on line 2.
    write(
        root,
        "latin1.md",
        b"# List\n- **[1] Caf\xe9 Tokens**, ACL 2023.\n  [[Paper](https://arxiv.org/abs/2301.00002)] ![](https://img.shields.io/badge/Merging-orange)\n",
    );
    write(
        root,
        "broken.md",
        b"## 2024\n\n- **[1] Unclosed Bold Title, arXiv 2024\n  [[Paper](https://arxiv.org/abs/2402.00003] ![](https://img.shields.io/badge/Pooling-orange)\n\n- **[2] Fine Entry**, ICLR 2024.\n  [[Paper](https://arxiv.org/abs/2402.00004)] ![](https://img.shields.io/badge/Caching-orange)\n\n  ```text\n  @article{x, year={2024}\n",
    );
    write(root, "notes.txt", b"not markdown, not read");

    let (ok, stderr, catalog) = run(root, &[]);
    assert!(ok, "{stderr}");
    let catalog = catalog.unwrap();
    let titles: Vec<&str> = catalog["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Unclosed Bold Title",
            "Fine Entry",
            "A Good Paper",
            "Caf\u{FFFD} Tokens"
        ]
    );
    let warnings = warnings(&catalog);
    let find = |file: &str, needle: &str| {
        warnings
            .iter()
            .find(|(f, _, m)| f == file && m.contains(needle))
            .unwrap_or_else(|| panic!("no warning for {file} with {needle:?} in {warnings:?}"))
            .1
    };
    // The first NUL byte is on the third line of the PNG header.
    assert_eq!(find("binary.md", "binary"), Some(3));
    assert_eq!(find("empty.md", "empty"), None);
    assert_eq!(find("no-entries.md", "no catalogue entries"), None);
    assert_eq!(find("latin1.md", "UTF-8"), Some(2));
    assert_eq!(find("broken.md", "not closed"), Some(3));
    assert_eq!(find("broken.md", "bare URL"), Some(3));
    assert_eq!(find("broken.md", "never closed"), Some(9));
    assert_eq!(warnings.len(), 7, "{warnings:?}");
}

#[test]
fn a_50_mb_file_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good.md", GOOD_ENTRY.as_bytes());
    let block = GOOD_ENTRY.repeat(1000);
    let mut huge = Vec::with_capacity(50 * 1024 * 1024 + block.len());
    while huge.len() < 50 * 1024 * 1024 {
        huge.extend_from_slice(block.as_bytes());
    }
    write(root, "huge.md", &huge);
    let (ok, stderr, catalog) = run(root, &[]);
    assert!(ok, "{stderr}");
    let catalog = catalog.unwrap();
    assert_eq!(catalog["papers"].as_array().unwrap().len(), 1);
    let warnings = warnings(&catalog);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].0, "huge.md");
    assert!(
        warnings[0].2.contains("over the 16 MB limit"),
        "{warnings:?}"
    );
}

#[test]
fn a_large_file_under_the_limit_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // 2,000 distinct entries in one 1 MB list, all in one section.
    let mut text = String::from("## 2024\n\n");
    for n in 1..=2000 {
        text.push_str(&format!(
            "- **[{n}] Paper Number {n}**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2401.{n:05})] ![](https://img.shields.io/badge/Token_Pruning-orange)\n\n"
        ));
    }
    write(root, "list.md", text.as_bytes());
    let (ok, stderr, catalog) = run(root, &[]);
    assert!(ok, "{stderr}");
    let catalog = catalog.unwrap();
    assert_eq!(catalog["papers"].as_array().unwrap().len(), 2000);
    assert_eq!(catalog["lint"].as_array().unwrap().len(), 0);
}

#[test]
fn no_entries_at_all_is_an_error_that_says_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "README.md",
        b"# An awesome list\n\nNothing yet.\n",
    );
    write(dir.path(), "Other/empty.md", b"\n");
    let (ok, stderr, catalog) = run(dir.path(), &[]);
    assert!(!ok);
    assert!(catalog.is_none());
    assert!(stderr.contains("no catalogue entries found"), "{stderr}");
    assert!(stderr.contains("read 2 file(s) as Markdown"), "{stderr}");
    assert!(stderr.contains("Other/empty.md (skipped)"), "{stderr}");
    assert!(stderr.contains("README.md (0 entries)"), "{stderr}");

    let empty = tempfile::tempdir().unwrap();
    let (ok, stderr, _) = run(empty.path(), &[]);
    assert!(!ok);
    assert!(stderr.contains("no Markdown files at all"), "{stderr}");
}

#[test]
fn a_missing_source_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, stderr, _) = run(&dir.path().join("nope"), &[]);
    assert!(!ok);
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(stderr.contains("nope"), "{stderr}");
}

#[test]
fn a_single_file_source_and_several_sources() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/list.md", GOOD_ENTRY.as_bytes());
    write(
        dir.path(),
        "b/Vision/list.md",
        GOOD_ENTRY
            .replace("A Good Paper", "Another Paper")
            .replace("2401.00001", "2401.00009")
            .as_bytes(),
    );
    let (ok, stderr, catalog) = run(&dir.path().join("a/list.md"), &[]);
    assert!(ok, "{stderr}");
    let catalog = catalog.unwrap();
    assert_eq!(catalog["papers"][0]["listings"][0]["file"], "list.md");
    assert_eq!(catalog["papers"][0]["domains"][0], "list");

    let b = dir.path().join("b");
    let b = b.to_str().unwrap();
    let (ok, stderr, catalog) = run(&dir.path().join("a/list.md"), &["--catalog", b]);
    assert!(ok, "{stderr}");
    let catalog = catalog.unwrap();
    let files: Vec<String> = catalog["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["listings"][0]["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(files.len(), 2);
    assert!(files[0].ends_with("a/list.md"), "{files:?}");
    assert_eq!(files[1], format!("{b}/Vision/list.md"));
    assert_eq!(catalog["papers"][1]["domains"][0], "Vision");
}

#[test]
fn mechanism_aliases_from_a_toml_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "list.md",
        b"- **[1] Speculative Paper**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2401.00001)] ![](https://img.shields.io/badge/Speculative_Decoding-orange) ![](https://img.shields.io/badge/Conv-orange)\n",
    );
    let (ok, _, catalog) = run(dir.path(), &[]);
    assert!(ok);
    let catalog = catalog.unwrap();
    assert_eq!(
        catalog["papers"][0]["mechanisms"],
        serde_json::json!(["Pooling & Downsampling", "Speculative Decoding"])
    );
    assert_eq!(catalog["lint"][0]["kind"], "unknown-mechanism");

    let toml = dir.path().join("mechanisms.toml");
    std::fs::write(
        &toml,
        "not_mechanisms = [\"Conv\"]\n\n[aliases]\n\"Speculative_Decoding\" = \"Decoding\"\n",
    )
    .unwrap();
    let toml_arg = toml.to_str().unwrap();
    let (ok, stderr, catalog) = run(dir.path(), &["--mechanisms", toml_arg]);
    assert!(ok, "{stderr}");
    let catalog = catalog.unwrap();
    assert_eq!(
        catalog["papers"][0]["mechanisms"],
        serde_json::json!(["Decoding"])
    );
    assert_eq!(catalog["lint"][0]["kind"], "not-a-mechanism");

    std::fs::write(&toml, "[aliases\n").unwrap();
    let (ok, stderr, _) = run(dir.path(), &["--mechanisms", toml_arg]);
    assert!(!ok);
    assert!(stderr.contains("mechanisms.toml"), "{stderr}");
    assert!(stderr.contains("not valid TOML"), "{stderr}");
}

/// A paper link left unclosed is a `malformed-link` error naming the URL, at its file and line,
/// not "no paper link"; the rest of the file is read.
#[test]
fn an_unclosed_paper_link_is_a_malformed_link() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "list.md",
        b"# L\n\n- **[1] A Broken Entry About Tokens**, ICLR 2024.\n  [[Paper](https://arxiv.org/abs/2304.xxxx ![](https://img.shields.io/badge/Token_Pruning-orange)\n- **[2] A Good Entry About Tokens**, ICLR 2024.\n  [[Paper](https://arxiv.org/abs/2304.00001)] ![](https://img.shields.io/badge/Token_Pruning-orange)\n",
    );
    let (ok, stderr, catalog) = run(dir.path(), &[]);
    assert!(ok, "{stderr}");
    let catalog = catalog.unwrap();
    let lint = catalog["lint"].as_array().unwrap();
    let kinds: Vec<&str> = lint.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"malformed-link"), "{lint:#?}");
    assert!(!kinds.contains(&"no-paper-link"), "{lint:#?}");
    let finding = lint.iter().find(|l| l["kind"] == "malformed-link").unwrap();
    let text = finding.to_string();
    assert!(text.contains("https://arxiv.org/abs/2304.xxxx"), "{text}");
    assert!(text.contains("list.md"), "{text}");
    assert_eq!(catalog["papers"].as_array().unwrap().len(), 2);
}

#[test]
fn a_bibtex_file_given_as_the_catalogue_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let bib = dir.path().join("refs.bib");
    std::fs::write(&bib, "@article{a, title={Token Merging}, year={2023}}\n").unwrap();
    let (ok, stderr, catalog) = run(&bib, &[]);
    assert!(!ok && catalog.is_none(), "{stderr}");
    // Not just "no entries": the reason is the format.
    assert!(
        stderr.contains("refs.bib is BibTeX, not a Markdown list"),
        "{stderr}"
    );
}
