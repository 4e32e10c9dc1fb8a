//! Every common list format of the family (issue 11), read entry by entry: small invented lists in
//! tests/data/formats (one per format, one mixing two), and a real list in another format
//! (../shared/lists/awesome-llm-compression), checked against an independent line-based reading.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn formats_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats")
}

/// `citegraph catalog` on `source`: catalog.json and stdout.
fn catalog(source: &Path) -> (Value, String) {
    let out = tempfile::tempdir().unwrap();
    let output = common::citegraph()
        .args(["catalog", "--all-lint", "--catalog"])
        .arg(source)
        .arg("--output-dir")
        .arg(out.path())
        .arg("--cache-dir")
        .arg(out.path().join("cache"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out.path().join("catalog.json")).unwrap();
    (
        serde_json::from_str(&text).unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// A paper as the tests compare it.
#[derive(Debug, PartialEq)]
struct Seen {
    venue: Option<String>,
    year: Option<i64>,
    arxiv: Option<String>,
    other_id: Option<String>,
    domain: String,
    mechanisms: Vec<String>,
    authors: Vec<String>,
    place: String,
}

fn by_title(catalog: &Value) -> BTreeMap<String, Seen> {
    let s = |v: &Value| v.as_str().map(String::from);
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    catalog["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let ids = &p["ids"];
            let listing = &p["listings"][0];
            (
                p["title"].as_str().unwrap().to_string(),
                Seen {
                    venue: s(&p["venue"]),
                    year: p["year"].as_i64(),
                    arxiv: s(&ids["arxiv"]),
                    other_id: s(&ids["doi"])
                        .or_else(|| s(&ids["acl"]))
                        .or_else(|| s(&ids["openreview"])),
                    domain: listing["domain"].as_str().unwrap().to_string(),
                    mechanisms: list(&p["mechanisms"]),
                    authors: list(&p["authors"]),
                    place: format!("{}:{}", listing["file"].as_str().unwrap(), listing["line"]),
                },
            )
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn seen(
    venue: Option<&str>,
    year: Option<i64>,
    arxiv: Option<&str>,
    other_id: Option<&str>,
    domain: &str,
    mechanism: &str,
    authors: &[&str],
    place: &str,
) -> Seen {
    Seen {
        venue: venue.map(String::from),
        year,
        arxiv: arxiv.map(String::from),
        other_id: other_id.map(String::from),
        domain: domain.into(),
        mechanisms: vec![mechanism.into()],
        authors: authors.iter().map(|a| a.to_string()).collect(),
        place: place.into(),
    }
}

#[test]
fn every_format_of_the_family_is_read_entry_by_entry() {
    let (catalog, stdout) = catalog(&formats_dir());
    let papers = by_title(&catalog);
    let u = "unspecified";
    let expected: Vec<(&str, Seen)> = vec![
        // `- Title <br> Venue Year [[Paper]](url)`, the venue also on a later line.
        (
            "Quantizing Tokens Gently",
            seen(
                Some("ICML"),
                Some(2024),
                Some("2402.00031"),
                None,
                "Quantization",
                u,
                &[],
                "br.md:10",
            ),
        ),
        (
            "A Long Title: With a Colon, and Commas",
            seen(
                Some("Arxiv"),
                Some(2025),
                Some("2501.00032"),
                None,
                "Quantization",
                u,
                &[],
                "br.md:12",
            ),
        ),
        (
            "A Title Alone On Its Line",
            seen(
                Some("Arxiv"),
                Some(2025),
                Some("2501.00033"),
                None,
                "Quantization",
                u,
                &[],
                "br.md:14",
            ),
        ),
        (
            "Old-Style Ids Still Count",
            seen(
                Some("Arxiv"),
                Some(2006),
                Some("cs/0601001"),
                None,
                "Pruning and Sparsity",
                u,
                &[],
                "br.md:20",
            ),
        ),
        (
            "Browsing the Abstract Page",
            seen(
                Some("ICLR"),
                Some(2024),
                Some("2402.00034"),
                None,
                "Pruning and Sparsity",
                u,
                &[],
                "br.md:22",
            ),
        ),
        // `- [Title](url) - Venue Year` and `* [badges] [Title](url). Authors. [[Paper]](url)`,
        // beside a bold-title entry in the same file.
        (
            "Tokens: A Survey of Reduction",
            seen(
                Some("TMLR"),
                Some(2024),
                Some("2403.00041"),
                None,
                "Surveys",
                u,
                &[],
                "bullets.md:5",
            ),
        ),
        (
            "Merging With Care",
            seen(
                None,
                None,
                Some("2403.00042"),
                None,
                "Methods",
                "Token Merging",
                &["Ada Lovelace", "Alan Turing"],
                "bullets.md:10",
            ),
        ),
        (
            "A Bold Entry in the Same File",
            seen(
                Some("CVPR"),
                Some(2024),
                Some("2403.00043"),
                None,
                "Methods",
                "Token Pruning",
                &[],
                "bullets.md:11",
            ),
        ),
        // Table rows, venue from a `Conference-...` badge, hex-coloured mechanism badges.
        (
            "Pruning Patches Early",
            seen(
                Some("NeurIPS"),
                Some(2023),
                Some("2310.00021"),
                None,
                "Image Models",
                "Token Pruning",
                &["Ada Lovelace", "Alan Turing"],
                "table.md:7",
            ),
        ),
        (
            "Merging Patches Late",
            seen(
                Some("ICCV"),
                Some(2023),
                Some("2308.00022"),
                None,
                "Image Models",
                "Token Merging",
                &["Grace Hopper"],
                "table.md:8",
            ),
        ),
        (
            "Dropping Frames Wisely",
            seen(
                Some("CVPR"),
                Some(2024),
                None,
                Some("10.1109/cvpr52733.2024.00123"),
                "Video Models",
                u,
                &["Barbara Liskov"],
                "table.md:14",
            ),
        ),
        // `* [**VENUE'YY**] Title [[Paper](url)]` under topic and year headings.
        (
            "Sparse Tokens Everywhere",
            seen(
                Some("CVPR"),
                Some(2026),
                Some("2601.00011"),
                None,
                "Vision",
                u,
                &[],
                "tag.md:18",
            ),
        ),
        (
            "Merging Tokens at Test Time",
            seen(
                Some("ICLR Workshop"),
                Some(2026),
                None,
                Some("Tst123"),
                "Vision",
                u,
                &[],
                "tag.md:19",
            ),
        ),
        (
            "Early Exits for Token Streams",
            seen(
                Some("arXiv"),
                Some(2026),
                Some("2602.00012"),
                None,
                "Vision",
                u,
                &[],
                "tag.md:20",
            ),
        ),
        (
            "Cached Attention Maps",
            seen(
                Some("NeurIPS"),
                Some(2025),
                Some("2505.00013"),
                None,
                "Vision",
                u,
                &[],
                "tag.md:24",
            ),
        ),
        (
            "Skimming Long Documents",
            seen(
                Some("ACL"),
                Some(2025),
                None,
                Some("2025.acl-long.12"),
                "Language",
                u,
                &[],
                "tag.md:30",
            ),
        ),
    ];
    for (title, want) in &expected {
        let got = papers
            .get(*title)
            .unwrap_or_else(|| panic!("{title:?} not read; read {:?}", papers.keys()));
        assert_eq!(got, want, "{title}");
    }
    // Nothing else: not the news item, the tool, the contents or the project page.
    assert_eq!(papers.len(), expected.len(), "{:?}", papers.keys());
    // The entry-like line that could not be read is a warning with its place.
    let warnings: Vec<String> = catalog["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| format!("{}:{}", w["file"].as_str().unwrap(), w["line"]))
        .collect();
    assert_eq!(warnings, ["tag.md:31"], "{stdout}");
    assert!(stdout.contains("tag.md:31: this item links a paper but no title"));
}

/// One entry of the real list as an independent, line-based reading sees it: `- Title <br> Venue
/// [[Paper]](url)` lines of the Papers section (the title alone on its line when there is no
/// `<br>`), the arXiv id from the first arxiv.org link of the entry's lines.
fn independent_reading(text: &str) -> BTreeMap<usize, (String, Option<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| *l == "## Papers").unwrap();
    let end = lines.iter().position(|l| *l == "## Tools").unwrap();
    let arxiv = regex::Regex::new(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5})").unwrap();
    let mut entries = BTreeMap::new();
    for i in start..end {
        let Some(body) = lines[i].strip_prefix("- ") else {
            continue;
        };
        let title = body.split("<br>").next().unwrap();
        let title = title.split(" [[").next().unwrap().trim().to_string();
        let mut block = body.to_string();
        for line in &lines[i + 1..end] {
            if line.starts_with("- ") || line.starts_with('#') {
                break;
            }
            block.push_str(line);
        }
        let id = arxiv.captures(&block).map(|c| c[1].to_string());
        entries.insert(i + 1, (title, id));
    }
    entries
}

#[test]
fn a_real_list_in_the_line_break_format_is_read() {
    let list = common::shared_dir().join("lists/awesome-llm-compression/README.md");
    let text = std::fs::read_to_string(&list).unwrap();
    let expected = independent_reading(&text);
    // Counted by hand too: `sed -n '/^## Papers/,/^## Tools/p' README.md | grep -c '^- '`.
    assert_eq!(expected.len(), 795);
    let (catalog, _) = catalog(&list);
    // Listing line -> (title, arXiv id) of its paper.
    let mut read: BTreeMap<usize, (String, Option<String>)> = BTreeMap::new();
    for paper in catalog["papers"].as_array().unwrap() {
        for listing in paper["listings"].as_array().unwrap() {
            let line = listing["line"].as_u64().unwrap() as usize;
            let title = paper["title"].as_str().unwrap().to_string();
            let id = paper["ids"]["arxiv"].as_str().map(String::from);
            read.insert(line, (title, id));
        }
    }
    let spurious: Vec<&usize> = read.keys().filter(|l| !expected.contains_key(l)).collect();
    assert!(spurious.is_empty(), "not entries of the list: {spurious:?}");
    let exact = expected
        .iter()
        .filter(|(line, want)| read.get(line) == Some(want))
        .count();
    let share = exact as f64 / expected.len() as f64;
    // The few that differ are the list's own errors: two entries sharing one arXiv link (the id
    // is dropped from the later one), and one paper listed twice under two spellings.
    assert!(share >= 0.97, "{exact} of {} exact", expected.len());
    // Domains from the list's topic headings (the file is the list's root README).
    let domains: std::collections::BTreeSet<&str> = catalog["papers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["domains"].as_array().unwrap())
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(
        domains.into_iter().collect::<Vec<_>>(),
        [
            "Distillation",
            "Efficient Prompting",
            "KV Cache Compression",
            "Other",
            "Pruning and Sparsity",
            "Quantization",
            "Survey"
        ]
    );
    // A list without mechanism badges is not asked for one per entry.
    assert!(catalog["lint"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["kind"] != "no-mechanism"));
}
