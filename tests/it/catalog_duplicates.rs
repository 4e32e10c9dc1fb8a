//! One paper, one entry (issue 22): a paper listed twice, with its arXiv link in one file and its
//! publisher's DOI and a retitled "ATS: ..." form in another, is one work; `references.bib` holds
//! one entry for it (read back by `nom-bibtex`), the summary, `metrics.json` and `papers.csv`
//! count it once, and the lint names both lines and proposes the one to keep: from the catalogue
//! alone when the titles agree once "ATS:" is set aside, after resolution when only Semantic
//! Scholar says the two are one (a title written differently, a DOI link).
//!
//! The catalogue and the world are the test's own: six listings of four papers, served by the
//! mock Semantic Scholar on 127.0.0.1.

use crate::common;

use std::path::Path;

use common::mock_s2::{MockBuilder, World};
use serde_json::{json, Value};

const ATS_ARXIV: &str = "2111.15667";
const ATS_DOI: &str = "10.1007/978-3-031-20083-0_24";
const TOME_ARXIV: &str = "2210.09461";
const TOME_DOI: &str = "10.5555/tome.2023";

fn id(digit: char) -> String {
    digit.to_string().repeat(40)
}

fn link(digit: char) -> Value {
    json!({"paperId": id(digit)})
}

/// A world record; `refs` and `cits` name other records by their digit.
fn record(
    digit: char,
    ids: Value,
    title: &str,
    venue: &str,
    year: i32,
    refs: &str,
    cits: &str,
) -> Value {
    json!({
        "paperId": id(digit),
        "externalIds": ids,
        "title": title,
        "venue": venue,
        "year": year,
        "publicationDate": format!("{year}-06-01"),
        "authors": [{"authorId": "1", "name": "Mohsen Fayyaz"}, {"authorId": "2", "name": "Daniel Bolya"}],
        "citationCount": cits.len(),
        "influentialCitationCount": 0,
        "referenceCount": refs.len(),
        "references": refs.chars().map(link).collect::<Vec<_>>(),
        "citations": cits.chars().map(link).collect::<Vec<_>>(),
    })
}

/// ATS as Semantic Scholar keeps it, in two records (the preprint, 1, and the ECCV paper, 2,
/// which the works merge joins by title, year and author); ToMe in one record (3) with both its
/// arXiv id and a DOI; two catalogue papers citing them (4, 5) and a paper outside (6).
fn world() -> World {
    let mut world = World::default();
    let ats = "Adaptive Token Sampling for Efficient Vision Transformers";
    for paper in [
        record(
            '1',
            json!({"ArXiv": ATS_ARXIV, "DOI": format!("10.48550/arXiv.{ATS_ARXIV}")}),
            ats,
            "arXiv.org",
            2021,
            "6",
            "4",
        ),
        record(
            '2',
            json!({"DOI": ATS_DOI}),
            ats,
            "European Conference on Computer Vision",
            2022,
            "6",
            "5",
        ),
        record(
            '3',
            json!({"ArXiv": TOME_ARXIV, "DOI": TOME_DOI}),
            "Token Merging: Your ViT But Faster",
            "International Conference on Learning Representations",
            2023,
            "6",
            "45",
        ),
        record(
            '4',
            json!({"ArXiv": "2301.00001"}),
            "Pruning Tokens in Vision Transformers at Scale",
            "arXiv.org",
            2023,
            "136",
            "5",
        ),
        record(
            '5',
            json!({"ArXiv": "2301.00002"}),
            "Merging Tokens for Multimodal Language Models Efficiently",
            "arXiv.org",
            2024,
            "2346",
            "",
        ),
        record(
            '6',
            json!({}),
            "Attention Is All You Need",
            "NeurIPS",
            2017,
            "",
            "12345",
        ),
    ] {
        world.insert(paper);
    }
    world
}

fn entry(number: u32, title: &str, venue: &str, url: &str, name: &str, mechanism: &str) -> String {
    format!(
        "- **[{number}] {title}**, {venue}.\n\n  [[Paper]({url})] ![](https://img.shields.io/badge/{name}-blue) ![](https://img.shields.io/badge/{mechanism}-orange)\n\n"
    )
}

const VISION: &str = "Vision Domain/Understanding.md";
const MULTIMODAL: &str = "Multi-modal Domain/Understanding.md";

/// The two files: ATS by arXiv (Vision) and by DOI as "ATS: ..." (Multi-modal); ToMe by arXiv
/// (Vision) and by DOI with a title one letter apart (Multi-modal); one more paper in each.
fn write_catalogue(root: &Path) {
    let vision = format!(
        "# Token Compression for Vision Domain\n\n### Image Recognition\n\n{}{}{}",
        entry(
            1,
            "Adaptive Token Sampling for Efficient Vision Transformers",
            "arXiv 2021",
            &format!("https://arxiv.org/abs/{ATS_ARXIV}"),
            "ATS",
            "Token_Pruning"
        ),
        entry(
            2,
            "Token Merging: Your ViT But Faster",
            "ICLR 2023",
            &format!("https://arxiv.org/abs/{TOME_ARXIV}"),
            "ToMe",
            "Token_Merging"
        ),
        entry(
            3,
            "Pruning Tokens in Vision Transformers at Scale",
            "arXiv 2023",
            "https://arxiv.org/abs/2301.00001",
            "PTS",
            "Token_Pruning"
        ),
    );
    let multimodal = format!(
        "# Token Compression for Multi-modal Domain\n\n### Understanding\n\n{}{}{}",
        entry(
            1,
            "ATS: Adaptive Token Sampling for Efficient Vision Transformers",
            "ECCV 2022",
            &format!("https://doi.org/{ATS_DOI}"),
            "ATS",
            "Token_Pruning"
        ),
        entry(
            2,
            "Token Merging: Your ViTs But Faster",
            "ICLR 2023",
            &format!("https://doi.org/{TOME_DOI}"),
            "ToMe",
            "Token_Merging"
        ),
        entry(
            3,
            "Merging Tokens for Multimodal Language Models Efficiently",
            "arXiv 2024",
            "https://arxiv.org/abs/2301.00002",
            "MTM",
            "Token_Merging"
        ),
    );
    for (file, text) in [(VISION, vision), (MULTIMODAL, multimodal)] {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// `file:line` of the entry whose line starts with `- **[n] title`.
fn place(root: &Path, file: &str, starts: &str) -> String {
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with(starts))
        .unwrap_or_else(|| panic!("{starts} in {file}"));
    format!("{file}:{}", line + 1)
}

/// The rows of a CSV file as header -> cell maps.
fn csv_rows(text: &str) -> Vec<Row> {
    common::csv_rows(text.as_bytes())
}

/// The `;`-separated items of a cell, sorted.
fn sorted(cell: &str) -> Vec<String> {
    let mut items: Vec<String> = cell.split(';').map(String::from).collect();
    items.sort();
    items
}

fn duplicate_rows(lint_csv: &str) -> Vec<Row> {
    csv_rows(lint_csv)
        .into_iter()
        .filter(|r| r["kind"] == "duplicate-paper")
        .collect()
}

type Row = std::collections::HashMap<String, String>;

/// The listings' places, `file:line`.
struct Places {
    ats_arxiv: String,
    ats_doi: String,
    tome_arxiv: String,
    tome_doi: String,
}

fn ats_keys() -> [String; 2] {
    [
        format!("arxiv:{ATS_ARXIV}"),
        "title:ats adaptive token sampling for efficient vision transformers".to_string(),
    ]
}

/// `citegraph lint` on the catalogue alone (no network): the "ATS:" pair, whose titles agree
/// once the name is set aside, at the arXiv listing; the DOI listing is proposed, it links the
/// published version. ToMe's two titles are a letter apart: only the resolution can tell.
/// Returns the finding's row.
fn lint_alone(catalogue: &Path, cache: &Path, at: &Places) -> Row {
    let lint = common::citegraph()
        .args(["lint", "--format", "csv", "--catalog"])
        .arg(catalogue)
        .arg("--cache-dir")
        .arg(cache)
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    let mut found = duplicate_rows(&String::from_utf8_lossy(&lint.stdout));
    assert_eq!(found.len(), 1, "{found:?}");
    let ats = found.remove(0);
    assert_eq!(ats["severity"], "warning");
    assert_eq!(
        format!("{}:{}", ats["file"], ats["line"]),
        at.ats_arxiv,
        "at the listing to remove"
    );
    let message = &ats["message"];
    assert!(
        message.contains(&at.ats_arxiv) && message.contains(&at.ats_doi),
        "{ats:?}"
    );
    assert!(
        message.contains(&format!(
            "keep {} (it links the published version, DOI {ATS_DOI})",
            at.ats_doi
        )),
        "{ats:?}"
    );
    assert!(message.contains("\"ATS\""), "{ats:?}");
    assert_eq!(sorted(&ats["key"]), ats_keys());
    ats
}

/// `citegraph run` against the mock into `output`; its stdout.
fn run(catalogue: &Path, cache: &Path, output: &Path) -> String {
    let mock = MockBuilder::new(world()).start();
    let run = common::citegraph()
        .arg("run")
        .arg("--catalog")
        .arg(catalogue)
        .arg("--cache-dir")
        .arg(cache)
        .arg("--output-dir")
        .arg(output)
        .args(["--api-url", &mock.url(), "--rps", "1000"])
        .args(["--retry-delay", "0.01", "--today", "2026-03-01"])
        .args(["--figures", "papers-per-year", "--format", "svg"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&run.stderr)
    );
    stdout
}

/// Six listings, six catalogue papers, four works: the summary, metrics.json (per mechanism and
/// per domain too) and papers.csv count four.
fn check_counts(output: &Path, stdout: &str, metrics: &Value) {
    let read = |name: &str| std::fs::read_to_string(output.join(name)).unwrap();
    let catalog: Value = serde_json::from_str(&read("catalog.json")).unwrap();
    assert_eq!(catalog["papers"].as_array().unwrap().len(), 6);
    assert!(
        stdout.contains("catalogue: 4 papers listed (distinct), 4 resolved (in the graph and every table below), 0 unresolved (see unresolved.csv); 2 papers listed again in another form, counted once (lint: duplicate-paper)"),
        "{stdout}"
    );
    let summary = &metrics["summary"];
    assert_eq!(
        (
            &summary["catalog_papers"],
            &summary["resolved"],
            &summary["unresolved"],
            &summary["duplicates"]
        ),
        (&json!(4), &json!(4), &json!(0), &json!(2))
    );
    let in_catalog = metrics["papers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in_catalog"] == true)
        .count();
    assert_eq!(in_catalog, 4);
    // Per mechanism and per domain, each work once (ATS and ToMe are in both domains).
    let group = |table: &str, name: &str| {
        metrics[table]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .unwrap_or_else(|| panic!("{table}: {name}"))["papers"]
            .clone()
    };
    assert_eq!(group("mechanisms", "Token Pruning"), json!(2));
    assert_eq!(group("mechanisms", "Token Merging"), json!(2));
    assert_eq!(group("domains", "Vision Domain"), json!(3));
    assert_eq!(group("domains", "Multi-modal Domain"), json!(3));

    // papers.csv: one row per work; `keys` holds both listings' keys.
    let papers = csv_rows(&read("papers.csv"));
    let listed: Vec<&Row> = papers
        .iter()
        .filter(|p| p["in_catalog"] == "true")
        .collect();
    assert_eq!(listed.len(), 4);
    let row = |words: &str| {
        *listed
            .iter()
            .find(|p| p["title"].contains(words))
            .unwrap_or_else(|| panic!("{words}"))
    };
    let ats = row("Adaptive Token Sampling");
    assert_eq!(sorted(&ats["keys"]), ats_keys());
    assert_eq!(sorted(&ats["s2_ids"]), [id('1'), id('2')]);
    assert_eq!(
        sorted(&row("Token Merging")["keys"]),
        [
            format!("arxiv:{TOME_ARXIV}"),
            "title:token merging your vits but faster".to_string()
        ]
    );
    let plain = row("Pruning Tokens");
    assert_eq!(plain["keys"], plain["key"]);
}

/// references.bib, read back: one entry per work; ATS's has the ECCV venue and DOI and keeps
/// the preprint's arXiv eprint.
fn check_bib(output: &Path) {
    let bib = std::fs::read_to_string(output.join("references.bib")).unwrap();
    let parsed = nom_bibtex::Bibtex::parse(&bib).unwrap_or_else(|e| panic!("{e:?}\n{bib}"));
    let entries = parsed.bibliographies();
    assert_eq!(entries.len(), 4, "{bib}");
    let with_title = |words: &str| {
        entries
            .iter()
            .filter(|e| e.tags().get("title").is_some_and(|t| t.contains(words)))
            .collect::<Vec<_>>()
    };
    let ats_entries = with_title("Adaptive Token Sampling");
    assert_eq!(ats_entries.len(), 1, "{bib}");
    let ats = ats_entries[0].tags();
    assert_eq!(ats["doi"], ATS_DOI, "{bib}");
    assert_eq!(ats["eprint"], ATS_ARXIV, "{bib}");
    assert_eq!(ats["year"], "2022", "{bib}");
    assert_eq!(
        ats["booktitle"], "European Conference on Computer Vision",
        "{bib}"
    );
    let tome_entries = with_title("Token Merging");
    assert_eq!(tome_entries.len(), 1, "{bib}");
    assert_eq!(tome_entries[0].tags()["eprint"], TOME_ARXIV);
    assert!(bib.contains("% 4 catalogue papers"), "{bib}");
}

/// The run's lint.csv: the catalogue's finding, and ToMe's, found by the resolution: both
/// lines, the one to keep and why; metrics.json holds the same two.
fn check_run_lint(output: &Path, metrics: &Value, ats: &Row, at: &Places) {
    let run_lint = duplicate_rows(&std::fs::read_to_string(output.join("lint.csv")).unwrap());
    assert_eq!(run_lint.len(), 2, "{run_lint:?}");
    assert!(run_lint.iter().any(|r| r["message"] == ats["message"]));
    let tome = run_lint
        .iter()
        .find(|r| r["message"].contains("Token Merging"))
        .unwrap();
    assert_eq!(format!("{}:{}", tome["file"], tome["line"]), at.tome_arxiv);
    let message = &tome["message"];
    assert!(
        message.contains(&at.tome_arxiv) && message.contains(&at.tome_doi),
        "{tome:?}"
    );
    assert!(
        message.contains(&format!(
            "both resolved to the Semantic Scholar record {}",
            id('3')
        )),
        "{tome:?}"
    );
    assert!(
        message.contains(&format!(
            "keep {} (it links the published version, DOI {TOME_DOI})",
            at.tome_doi
        )),
        "{tome:?}"
    );
    // The report's checks and the digest read them from metrics.json.
    let in_metrics = metrics["catalog_lint"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "duplicate-paper")
        .count();
    assert_eq!(in_metrics, 2);
}

#[test]
fn a_paper_listed_in_two_forms_is_one_entry_counted_once_and_linted() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("list");
    write_catalogue(&catalogue);
    let at = Places {
        ats_arxiv: place(&catalogue, VISION, "- **[1] Adaptive"),
        ats_doi: place(&catalogue, MULTIMODAL, "- **[1] ATS:"),
        tome_arxiv: place(&catalogue, VISION, "- **[2] Token Merging"),
        tome_doi: place(&catalogue, MULTIMODAL, "- **[2] Token Merging"),
    };
    let cache = dir.path().join("cache");
    let ats = lint_alone(&catalogue, &cache, &at);

    let output = dir.path().join("output");
    let stdout = run(&catalogue, &cache, &output);
    let metrics: Value =
        serde_json::from_str(&std::fs::read_to_string(output.join("metrics.json")).unwrap())
            .unwrap();
    check_counts(&output, &stdout, &metrics);
    check_bib(&output);
    check_run_lint(&output, &metrics, &ats, &at);
}
