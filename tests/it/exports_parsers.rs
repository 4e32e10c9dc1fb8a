//! The exports for reference managers, read by the parsers those managers and their users run,
//! on one `citegraph run` of the world snapshot (shared by the tests of this file): Python's
//! `rispy` reads every RIS record back (the same count, keys, titles and DOIs as the BibTeX,
//! which `nom-bibtex`, not the crate that writes it, reads), `pandoc --citeproc` renders every
//! CSL-JSON item with its default style (Chicago author-date) without a warning, and biber
//! validates both .bib files against biblatex's data model.
//!
//! `.ci/setup` installs pandoc, biber and rispy.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common;
use crate::render_support;

/// The output directory of one run of the world snapshot, kept for the tests of this file.
fn world_outputs() -> &'static Path {
    static RUN: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_dir, output) = RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("out");
        let run = common::citegraph()
            .args(["run", "--catalog"])
            .arg(common::catalog_dir())
            .arg("--snapshot")
            .arg(common::world_jsonl())
            .arg("--output-dir")
            .arg(&output)
            .arg("--cache-dir")
            .arg(dir.path().join("cache"))
            .args(["--today", "2026-03-01", "-q"])
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        (dir, output)
    });
    output
}

/// One BibTeX entry as `nom-bibtex` reads it: key, raw title, DOI.
#[derive(serde::Serialize)]
struct BibFacts {
    key: String,
    title: String,
    doi: Option<String>,
}

fn bib_entries(path: &Path) -> Vec<BibFacts> {
    let text = std::fs::read_to_string(path).unwrap();
    let bib = nom_bibtex::Bibtex::parse(&text)
        .unwrap_or_else(|e| panic!("{} does not parse: {e:?}", path.display()));
    bib.bibliographies()
        .iter()
        .map(|entry| {
            let tag = |name: &str| {
                entry
                    .tags()
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.trim().to_string())
            };
            BibFacts {
                key: entry.citation_key().to_string(),
                title: tag("title").unwrap_or_default(),
                doi: tag("doi"),
            }
        })
        .collect()
}

/// Reads a RIS file with rispy and compares it with the BibTeX entries (JSON on stdin): the
/// same number of records, `ID` equal to the keys in order, `TI` equal to the BibTeX title once
/// both are reduced to their ASCII letters and digits (accents folded; the BibTeX's LaTeX
/// commands dropped, the RIS's text kept whole, so a LaTeX command left in a RIS title shows),
/// `DO` equal to the BibTeX `doi` (its `%7B`, `%7D`, `%5C` read as `{`, `}`, `\`). Prints
/// `ok N`, else the differences.
const RISPY_CHECK: &str = r#"
import json, re, sys, unicodedata
import rispy

bib = json.load(sys.stdin)
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    text = f.read()
records = rispy.loads(text)

def plain(title, latex=False):
    title = title or ""
    if latex:
        title = re.sub(r"\\[A-Za-z]+|\\.", "", title)
    title = unicodedata.normalize("NFKD", title)
    return "".join(c for c in title.lower() if c.isascii() and c.isalnum())

problems = []
if len(records) != len(bib):
    problems.append(f"{len(records)} RIS records, {len(bib)} BibTeX entries")
if text.count("\r\n") != text.count("\n"):
    problems.append("a line that does not end in CR LF")
for record, entry in zip(records, bib):
    key = entry["key"]
    if record.get("id") != key:
        problems.append(f"ID {record.get('id')!r} where the BibTeX has {key!r}")
    if not record.get("type_of_reference"):
        problems.append(f"{key}: no TY")
    if not record.get("authors") and not record.get("title"):
        problems.append(f"{key}: neither title nor authors")
    if plain(record.get("title")) != plain(entry["title"], latex=True):
        problems.append(f"{key}: TI {record.get('title')!r}, BibTeX title {entry['title']!r}")
    # The .bib writes a DOI's braces and backslashes percent-encoded (README): the DOI itself
    # has them as they are.
    doi = entry["doi"]
    if doi is not None:
        doi = doi.replace("%7B", "{").replace("%7D", "}").replace("%5C", "\\")
    if (record.get("doi") or None) != doi:
        problems.append(f"{key}: DO {record.get('doi')!r}, BibTeX doi {entry['doi']!r}")
print("\n".join(problems) if problems else f"ok {len(records)}")
sys.exit(1 if problems else 0)
"#;

/// rispy reads `out`'s RIS files as their .bib files hold the entries ([`RISPY_CHECK`]).
fn check_ris(out: &Path) {
    for (ris, bib) in [
        ("references.ris", "references.bib"),
        ("suggestions.ris", "suggestions.bib"),
    ] {
        let entries = bib_entries(&out.join(bib));
        assert!(!entries.is_empty(), "{bib} has entries");
        let mut child = Command::new("python3")
            .args(["-c", RISPY_CHECK])
            .arg(out.join(ris))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect(
                "cannot run python3: this test needs python3 with rispy (.ci/setup installs it)",
            );
        serde_json::to_writer(child.stdin.take().unwrap(), &entries).unwrap();
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{ris} read by rispy differs from {bib} (is rispy installed? `pip install rispy`):\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(stdout.trim(), format!("ok {}", entries.len()));
    }
}

/// `pandoc --citeproc` renders every item of `out`'s CSL-JSON files once, without a warning,
/// and their ids are the .bib files' keys in order.
fn check_csl_json(out: &Path) {
    let dir = tempfile::tempdir().unwrap();
    for (json, bib) in [
        ("references.json", "references.bib"),
        ("suggestions.json", "suggestions.bib"),
    ] {
        let keys: Vec<String> = bib_entries(&out.join(bib))
            .into_iter()
            .map(|e| e.key)
            .collect();
        let items: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(out.join(json)).unwrap()).unwrap();
        let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(ids, keys, "{json}: ids are {bib}'s keys, in its order");
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());

        let doc = dir.path().join(format!("{json}.md"));
        std::fs::write(
            &doc,
            format!(
                "---\nbibliography: {}\nnocite: '@*'\n---\n\n# References\n",
                out.join(json).display()
            ),
        )
        .unwrap();
        let output = Command::new("pandoc")
            .args(["--citeproc", "--fail-if-warnings", "-t", "html"])
            .arg(&doc)
            .output()
            .expect("pandoc is not installed: apt-get install pandoc (.ci/setup does)");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.trim().is_empty(),
            "pandoc --citeproc on {json}: {stderr}"
        );
        let html = String::from_utf8(output.stdout).unwrap();
        let rendered: Vec<&str> = html
            .split("<div id=\"ref-")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert_eq!(
            rendered.iter().collect::<HashSet<_>>(),
            ids.iter().collect::<HashSet<_>>(),
            "{json}: every item rendered once"
        );
        assert_eq!(rendered.len(), ids.len());
    }
}

#[test]
fn rispy_reads_every_ris_record_back_as_the_bibtex_holds_it() {
    check_ris(world_outputs());
}

#[test]
fn pandoc_citeproc_renders_every_csl_json_item_under_its_bibtex_key() {
    check_csl_json(world_outputs());
}

/// Hostile titles (quotes, backslashes, line breaks, HTML, LaTeX specials, control characters,
/// CJK and emoji: `render_support::HOSTILE_TITLES`) reach both readers intact.
#[test]
fn hostile_titles_read_back_through_rispy_and_pandoc() {
    let analysis = render_support::sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    citegraph::render::render(&analysis, &render_support::options("year"), dir.path()).unwrap();
    check_ris(dir.path());
    check_csl_json(dir.path());
}

/// The fields citegraph writes into an entry it builds: biber must accept every one.
const BUILT_FIELDS: [&str; 8] = [
    "author",
    "title",
    "journal",
    "booktitle",
    "year",
    "doi",
    "eprint",
    "archiveprefix",
];

#[test]
fn biber_validates_both_bib_files_against_the_data_model() {
    let out = world_outputs();
    let dir = tempfile::tempdir().unwrap();
    for bib in ["references.bib", "suggestions.bib"] {
        let output = Command::new("biber")
            .args(["--tool", "--validate-datamodel", "--output-directory"])
            .arg(dir.path())
            .arg(bib)
            .current_dir(out)
            .output()
            .expect("biber is not installed: apt-get install biber (.ci/setup does)");
        let log = String::from_utf8_lossy(&output.stdout).to_string()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "biber on {bib}:\n{log}");
        let problems: Vec<&str> = log
            .lines()
            .filter(|l| l.starts_with("ERROR") || l.starts_with("WARN"))
            .collect();
        assert!(
            !problems.iter().any(|l| l.starts_with("ERROR")),
            "{bib}: {problems:#?}"
        );
        // The one kind of warning left: a field of a list's own block that biblatex's data model
        // does not know (`publisher` in an @article, ACM's `articleno`), kept as the list wrote it.
        for warning in problems {
            let field = warning
                .split('\'')
                .nth(3)
                .filter(|_| warning.contains("Datamodel"));
            assert!(
                field.is_some_and(|f| !BUILT_FIELDS.contains(&f)),
                "{bib}: {warning}"
            );
        }
        if bib == "suggestions.bib" {
            assert!(!log.contains("WARN"), "{bib}: built entries only:\n{log}");
        }
    }
}
