//! The reference catalogue (../shared/catalog) parses to exactly what it holds.
//!
//! The counts below were verified by hand, independently of this crate: `grep -c '^\s*- \*\*\['`
//! per file for the listings, and a separate Python script (regex over the raw Markdown, arXiv ids
//! from the paper link, then `arXiv:` / `eprint` in the BibTeX block, titles lower-cased with
//! non-alphanumerics collapsed) for the distinct papers, the domains and the mechanisms.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

struct Run {
    catalog: Value,
    stdout: String,
}

/// One run of the binary, shared by the tests of this file.
fn run_reference_catalogue() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(run_binary)
}

fn run_binary() -> Run {
    let out = tempfile::tempdir().unwrap();
    let assert = common::citegraph()
        .args(["catalog", "--catalog"])
        .arg(common::catalog_dir())
        .arg("--output-dir")
        .arg(out.path())
        .arg("--cache-dir")
        .arg(out.path().join("cache"))
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let text = std::fs::read_to_string(out.path().join("catalog.json")).unwrap();
    Run {
        catalog: serde_json::from_str(&text).unwrap(),
        stdout,
    }
}

fn papers(catalog: &Value) -> &Vec<Value> {
    catalog["papers"].as_array().unwrap()
}

fn paper<'a>(catalog: &'a Value, key: &str) -> &'a Value {
    papers(catalog)
        .iter()
        .find(|p| p["key"] == key)
        .unwrap_or_else(|| panic!("no paper {key}"))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_listing_is_read_from_the_seven_non_empty_files() {
    let run = run_reference_catalogue();
    let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
    for paper in papers(&run.catalog) {
        for listing in paper["listings"].as_array().unwrap() {
            *per_file
                .entry(listing["file"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    let expected: BTreeMap<String, usize> = [
        ("Language Domain/token-reduction-in-language-domain.md", 135),
        ("Vision Domain/Understanding.md", 51),
        ("Vision Domain/Generation.md", 35),
        ("Vision Domain/CNN-based-Compression.md", 9),
        ("Multi-modal Domain/Understanding.md", 48),
        ("Multi-modal Domain/Generation.md", 4),
        ("Other Domain/Generation.md", 7),
    ]
    .into_iter()
    .map(|(f, n)| (f.to_string(), n))
    .collect();
    assert_eq!(per_file, expected);
    assert_eq!(per_file.values().sum::<usize>(), 289);
}

#[test]
fn listings_point_at_the_lines_and_numbers_written_in_the_files() {
    let run = run_reference_catalogue();
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for paper in papers(&run.catalog) {
        for listing in paper["listings"].as_array().unwrap() {
            let file = listing["file"].as_str().unwrap();
            let lines = files.entry(file.to_string()).or_insert_with(|| {
                std::fs::read_to_string(common::catalog_dir().join(file))
                    .unwrap()
                    .lines()
                    .map(str::to_string)
                    .collect()
            });
            let line = listing["line"].as_u64().unwrap() as usize;
            let number = listing["number"].as_u64().unwrap();
            let text = lines[line - 1].trim_start();
            assert!(
                text.starts_with(&format!("- **[{number}]")),
                "{file}:{line} is {text:?}, not entry [{number}]"
            );
        }
    }
}

#[test]
fn duplicates_merge_into_279_distinct_papers() {
    let run = run_reference_catalogue();
    let all = papers(&run.catalog);
    assert_eq!(all.len(), 279);
    let keys: BTreeSet<&str> = all.iter().map(|p| p["key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), 279, "keys are unique");
    assert_eq!(keys.iter().filter(|k| k.starts_with("arxiv:")).count(), 173);
    assert_eq!(keys.iter().filter(|k| k.starts_with("title:")).count(), 106);

    let repeated: BTreeMap<&str, usize> = all
        .iter()
        .filter_map(|p| {
            let n = p["listings"].as_array().unwrap().len();
            (n > 1).then(|| (p["key"].as_str().unwrap(), n))
        })
        .collect();
    let expected: BTreeMap<&str, usize> = [
        ("arxiv:2407.11717", 3), // Turbo, twice under a longer title
        ("arxiv:2410.05317", 2), // ToCa
        (
            "title:accelerating diffusion transformers with dual feature caching",
            2,
        ),
        ("arxiv:2312.03459", 2), // F3-Pruning
        ("arxiv:2210.09461", 2), // ToMe, Vision and Other
        ("arxiv:2409.01156", 2), // TempMe
        ("arxiv:2304.08451", 2), // EVAD, two sections of one file
        ("arxiv:2411.14228", 2), // FocusLLaVA, twice in one section
        ("arxiv:2412.16822", 2), // the same paper under a shortened title
    ]
    .into_iter()
    .collect();
    assert_eq!(repeated, expected);

    let turbo = paper(&run.catalog, "arxiv:2407.11717");
    assert_eq!(
        strings(&turbo["domains"]),
        ["Multi-modal Domain", "Vision Domain"]
    );
    let tome = paper(&run.catalog, "arxiv:2210.09461");
    assert_eq!(strings(&tome["domains"]), ["Other Domain", "Vision Domain"]);
    assert_eq!(strings(&tome["mechanisms"]), ["Token Merging"]);
    // The union of badges keeps the Other Domain listing's labels too.
    assert!(strings(&tome["badges"]["application"]).contains(&"Vision Transformer".to_string()));
}

#[test]
fn borrowed_arxiv_links_stay_two_papers_and_are_reported() {
    let run = run_reference_catalogue();
    let toca = paper(&run.catalog, "arxiv:2410.05317");
    assert_eq!(
        toca["title"],
        "Accelerating Diffusion Transformers with Token-wise Feature Caching"
    );
    let duca = paper(
        &run.catalog,
        "title:accelerating diffusion transformers with dual feature caching",
    );
    assert_eq!(
        duca["ids"]["arxiv"],
        Value::Null,
        "the borrowed id is dropped"
    );
    assert_eq!(duca["links"]["paper"], "https://arxiv.org/abs/2410.05317");
    let agent = paper(
        &run.catalog,
        "title:agent attention on the integration of softmax and linear attention",
    );
    assert_eq!(agent["ids"]["arxiv"], Value::Null);
    assert_eq!(
        paper(&run.catalog, "arxiv:2312.01026")["title"],
        "Token Fusion: Bridging the Gap between Token Pruning and Token Merging"
    );

    let conflicts: Vec<&Value> = run.catalog["lint"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "conflicting-id")
        .collect();
    let involved: Vec<(String, Vec<String>)> = conflicts
        .iter()
        .map(|l| {
            (
                format!("{}:{}", l["file"].as_str().unwrap(), l["line"]),
                strings(&l["keys"]),
            )
        })
        .collect();
    assert_eq!(
        involved,
        vec![
            (
                "Multi-modal Domain/Generation.md:19".to_string(),
                vec![
                    "arxiv:2410.05317".to_string(),
                    "title:accelerating diffusion transformers with dual feature caching".to_string()
                ]
            ),
            (
                "Vision Domain/Generation.md:76".to_string(),
                vec![
                    "arxiv:2312.01026".to_string(),
                    "title:agent attention on the integration of softmax and linear attention"
                        .to_string()
                ]
            ),
            (
                "Vision Domain/Generation.md:196".to_string(),
                vec![
                    "arxiv:2410.05317".to_string(),
                    "title:accelerating diffusion transformers with dual feature caching".to_string()
                ]
            ),
            (
                // RLT carries STTM's ACM DOI.
                "Vision Domain/Understanding.md:558".to_string(),
                vec![
                    "title:efficient video transformers via spatial temporal token merging for action recognition".to_string(),
                    "title:don t look twice faster video transformers with run length tokenization".to_string()
                ]
            ),
        ]
    );
}

#[test]
fn domains_and_mechanisms_count_distinct_papers() {
    let run = run_reference_catalogue();
    let mut domains: BTreeMap<String, usize> = BTreeMap::new();
    let mut mechanisms: BTreeMap<String, usize> = BTreeMap::new();
    for paper in papers(&run.catalog) {
        for d in strings(&paper["domains"]) {
            *domains.entry(d).or_default() += 1;
        }
        for m in strings(&paper["mechanisms"]) {
            *mechanisms.entry(m).or_default() += 1;
        }
    }
    let expect = |pairs: &[(&str, usize)]| -> BTreeMap<String, usize> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    assert_eq!(
        domains,
        expect(&[
            ("Language Domain", 135),
            ("Multi-modal Domain", 50),
            ("Other Domain", 7),
            ("Vision Domain", 93),
        ])
    );
    assert_eq!(
        mechanisms,
        expect(&[
            ("Chunking & Retrieval", 10),
            ("Early Exit", 3),
            ("Model Pruning", 2),
            ("Pooling & Downsampling", 10),
            ("Quantization", 3),
            ("Sequence Parallelism", 1),
            ("Soft Prompt", 5),
            ("Sparse Attention", 9),
            ("Token Caching", 14),
            ("Token Compression", 5),
            ("Token Merging", 63),
            ("Token Pruning", 145),
            ("Token Sharing", 13),
            ("unspecified", 34),
        ])
    );
}

#[test]
fn lint_findings_by_kind() {
    let run = run_reference_catalogue();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for finding in run.catalog["lint"].as_array().unwrap() {
        *kinds
            .entry(finding["kind"].as_str().unwrap().to_string())
            .or_default() += 1;
        assert!(
            finding["file"].is_string() && finding["line"].is_u64(),
            "{finding}"
        );
        assert!(!finding["keys"].as_array().unwrap().is_empty(), "{finding}");
    }
    let expected: BTreeMap<String, usize> = [
        ("conflicting-id", 4),
        ("duplicate-disagrees", 3),
        ("title-differs", 2),
        ("duplicate-in-section", 2),
        ("no-mechanism", 35),
        ("not-a-mechanism", 5),
        ("malformed-link", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    // Every entry has a paper link and the numbering has no gap or repeat in any list.
    assert_eq!(kinds, expected);
}

#[test]
fn years_venues_and_ids_are_read() {
    let run = run_reference_catalogue();
    let all = papers(&run.catalog);
    assert!(
        all.iter().all(|p| p["year"].is_i64()),
        "every paper has a year"
    );
    assert!(all.iter().all(|p| p["venue"].is_string()));
    let dynamicvit = paper(&run.catalog, "arxiv:2106.02034");
    assert_eq!(dynamicvit["year"], 2021);
    assert_eq!(dynamicvit["venue"], "NeurIPS");
    assert_eq!(dynamicvit["ids"]["bibtex_key"], "Rao2021:DynamicViT");
    assert_eq!(
        strings(&dynamicvit["listings"][0]["sections"]),
        ["Image Recognition", "2021"]
    );
    assert_eq!(
        strings(&dynamicvit["badges"]["application"]),
        [
            "Image Recognition",
            "Video Recognition",
            "Object Detection",
            "Semantic Segmentation"
        ]
    );
    // TempMe is an arXiv preprint in one list and an ICLR paper in the other: the venue wins.
    let tempme = paper(&run.catalog, "arxiv:2409.01156");
    assert_eq!(
        (tempme["venue"].as_str(), tempme["year"].as_i64()),
        (Some("ICLR"), Some(2025))
    );
    // arXiv id from the BibTeX block and from an arXiv DOI.
    assert_eq!(
        paper(&run.catalog, "arxiv:2111.00230")["links"]["paper"],
        "https://neurips2021-nlp.github.io/papers/21/CameraReady/magic_pyramid.pdf"
    );
    assert_eq!(paper(&run.catalog, "arxiv:2408.16532")["venue"], "Arxiv");
    let longllmlingua = paper(
        &run.catalog,
        "title:longllmlingua accelerating and enhancing llms in long context scenarios via prompt compression",
    );
    assert_eq!(longllmlingua["ids"]["acl"], "2024.acl-long.91");
    assert_eq!(longllmlingua["ids"]["doi"], "10.18653/v1/2024.acl-long.91");
    let icae = paper(
        &run.catalog,
        "title:in context autoencoder for context compression in a large language model",
    );
    assert_eq!(icae["ids"]["openreview"], "uREj4ZuGJE");
    assert_eq!(icae["ids"]["bibtex_key"], "ge2024incontext");
    assert_eq!(
        strings(&paper(&run.catalog, "arxiv:2210.09461")["authors"])[..2],
        ["Daniel Bolya", "Cheng-Yang Fu"]
    );
}

/// The synthetic Semantic Scholar world keys its catalogue papers the same way; every one of its
/// keys names a paper here. Three differ on purpose: the world's generator read arXiv ids from
/// the paper link only, while this reader also takes them from the BibTeX block (`arXiv:X`) and
/// from arXiv DOIs, as issue #2 asks; those three papers carry an arXiv key here.
#[test]
fn keys_agree_with_the_synthetic_world() {
    let run = run_reference_catalogue();
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(common::world_truth()).unwrap()).unwrap();
    let by_key = truth["catalog_by_key"].as_object().unwrap();
    assert_eq!(by_key.len(), 275);
    let ours: BTreeMap<String, &Value> = papers(&run.catalog)
        .iter()
        .map(|p| (p["key"].as_str().unwrap().to_string(), p))
        .collect();
    let by_title: BTreeMap<String, &str> = papers(&run.catalog)
        .iter()
        .map(|p| {
            (
                format!(
                    "title:{}",
                    citegraph::catalog::normalize_title(p["title"].as_str().unwrap())
                ),
                p["key"].as_str().unwrap(),
            )
        })
        .collect();
    let mut differing: BTreeMap<&str, &str> = BTreeMap::new();
    for key in by_key.keys() {
        if ours.contains_key(key) {
            continue;
        }
        let mapped = by_title
            .get(key)
            .unwrap_or_else(|| panic!("truth.json's {key} is not in the catalogue"));
        differing.insert(key, mapped);
    }
    let expected: BTreeMap<&str, &str> = [
        ("title:magic pyramid accelerating inference with early exiting and token pruning", "arxiv:2111.00230"),
        ("title:massive activations in large language models", "arxiv:2402.17762"),
        ("title:wavtokenizer an efficient acoustic discrete codec tokenizer for audio language modeling", "arxiv:2408.16532"),
    ]
    .into_iter()
    .collect();
    assert_eq!(differing, expected);
}

#[test]
fn summary_reports_counts_and_findings() {
    let run = run_reference_catalogue();
    let out = &run.stdout;
    // Listed versus distinct, and a word on why the report's counts are smaller.
    assert!(
        out.contains("279 distinct papers (9 papers listed more than once) from 289 listings in 7 files; later stages count those Semantic Scholar resolves"),
        "{out}"
    );
    for line in [
        "Language Domain      135   135",
        "Multi-modal Domain    50    52",
        "Vision Domain         93    95",
        "Token Pruning            145",
        "Unspecified               34",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    assert!(
        out.contains("lint: 52 findings (conflicting-id 4,"),
        "{out}"
    );
    assert!(
        out.contains("[conflicting-id] Multi-modal Domain/Generation.md:19"),
        "{out}"
    );
    // The front page (README.md) lists no papers and is no warning.
    assert!(out.contains("warnings: 3"), "{out}");
    assert!(out.contains("wrote "), "{out}");
    let warnings: Vec<String> = run.catalog["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| format!("{}:{}", w["file"].as_str().unwrap(), w["line"]))
        .collect();
    assert_eq!(
        warnings,
        [
            "Other Domain/Training.md:null",
            "Other Domain/Understanding.md:null",
            "Vision Domain/CNN-based-Compression.md:67",
        ]
    );
}
