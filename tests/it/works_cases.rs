//! One work, one node (issue 11): the records of one paper (an arXiv preprint and its published
//! version) are merged before the graph is built. The right values are those of
//! ../shared/cases/one-work-two-records/README (the cases' README in ../shared/cases).

use crate::common;

use std::collections::HashMap;
use std::path::Path;

/// `run --snapshot` on a list into `dir` (figures cut to one SVG to keep the run short).
fn run(list: &Path, snapshot: &Path, dir: &Path) {
    let output = common::citegraph()
        .arg("run")
        .arg("--catalog")
        .arg(list)
        .arg("--snapshot")
        .arg(snapshot)
        .arg("--output-dir")
        .arg(dir.join("out"))
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .args(["--figures", "papers-per-year", "--format", "svg"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn case(name: &str) -> std::path::PathBuf {
    common::shared_dir()
        .join("cases/one-work-two-records")
        .join(name)
}

const F1: &str = "88bfad9cfffeafd299a44d4daf979d57419a2621";
const F2: &str = "999d0cd62b8ea4c8cc007fa60dd7f242818b5349";

#[test]
fn a_foundation_with_two_records_is_one_row_cited_by_four() {
    let dir = tempfile::tempdir().unwrap();
    run(&case("list.md"), &case("world.jsonl"), dir.path());
    let out = dir.path().join("out");
    let missing = common::csv_file_rows(&out.join("missing.csv"));
    assert_eq!(missing.len(), 1, "{missing:?}");
    let row = &missing[0];
    // F2 is the more cited record: it names the work.
    assert_eq!(row["paper_id"], F2);
    assert_eq!(row["s2_ids"], format!("{F2};{F1}"));
    assert_eq!(row["catalog_papers"], "4");
    let papers = common::csv_file_rows(&out.join("papers.csv"));
    assert!(papers.iter().all(|p| p["paper_id"] != F1), "F1 is no node");
    let work = papers.iter().find(|p| p["paper_id"] == F2).unwrap();
    assert_eq!(work["catalog_citations"], "4");
    let merged = common::csv_file_rows(&out.join("merged_records.csv"));
    assert_eq!(merged.len(), 1);
    assert_eq!(
        (
            merged[0]["work_id"].as_str(),
            merged[0]["record_id"].as_str()
        ),
        (F2, F1)
    );
    assert_eq!(merged[0]["reason"], "doi");
    let suggestions = std::fs::read_to_string(out.join("suggestions.md")).unwrap();
    assert_eq!(
        // One entry (its title also sits in the entry's BibTeX block).
        suggestions
            .matches("] Dynamic vision transformers with adaptive sequence length**")
            .count(),
        1,
        "{suggestions}"
    );
}

const ALPHA_PREPRINT: &str = "bdaf1eca33d4619e80e8ca689a1b74a4febbbb29";
const ALPHA_PUBLISHED: &str = "f0b89ee9977fb93bf3a71343d5a95ac58463bb40";

#[test]
fn a_catalogue_paper_is_matched_through_its_published_record() {
    let dir = tempfile::tempdir().unwrap();
    run(&case("list2.md"), &case("world2.jsonl"), dir.path());
    let out = dir.path().join("out");
    let papers = common::csv_file_rows(&out.join("papers.csv"));
    let alpha = papers
        .iter()
        .find(|p| p["paper_id"] == ALPHA_PREPRINT)
        .unwrap();
    assert_eq!(alpha["in_catalog"], "true");
    assert_eq!(alpha["catalog_citations"], "3");
    assert_eq!(
        alpha["s2_ids"],
        format!("{ALPHA_PREPRINT};{ALPHA_PUBLISHED}")
    );
    assert!(papers.iter().all(|p| p["paper_id"] != ALPHA_PUBLISHED));
    assert!(common::csv_file_rows(&out.join("missing.csv")).is_empty());
    let suggestions = std::fs::read_to_string(out.join("suggestions.md")).unwrap();
    assert!(
        !suggestions.contains(ALPHA_PUBLISHED) && !suggestions.contains("Alpha token pruning"),
        "{suggestions}"
    );
}

/// On the world snapshot: no catalogue paper, under any of its records, is suggested; each
/// work is one row, and the summary counts the merges.
#[test]
fn on_the_world_no_catalogue_record_is_suggested() {
    let dir = tempfile::tempdir().unwrap();
    run(&common::catalog_dir(), &common::world_jsonl(), dir.path());
    let out = dir.path().join("out");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::world_truth()).unwrap()).unwrap();
    let catalogue: Vec<&str> = truth["catalog_by_key"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|v| v.as_str())
        .collect();
    let papers = common::csv_file_rows(&out.join("papers.csv"));
    let mut catalogue_records: Vec<String> = Vec::new();
    for p in papers.iter().filter(|p| p["in_catalog"] == "true") {
        catalogue_records.extend(p["s2_ids"].split(';').map(String::from));
    }
    for id in &catalogue {
        assert!(
            catalogue_records.iter().any(|r| r == id),
            "catalogue record {id} is in a catalogue work"
        );
    }
    let mut seen = std::collections::HashSet::new();
    for m in common::csv_file_rows(&out.join("missing.csv")) {
        for id in m["s2_ids"].split(';') {
            assert!(
                !catalogue_records.iter().any(|r| r == id),
                "{id} is suggested but in the catalogue"
            );
            assert!(
                seen.insert((m["kind"].clone(), id.to_string())),
                "{id} twice"
            );
        }
    }
    let suggestions = std::fs::read_to_string(out.join("suggestions.md")).unwrap();
    for id in &catalogue_records {
        assert!(!suggestions.contains(id.as_str()), "{id} in suggestions.md");
    }
    // Every merge joins records of one work: both ends are in the work's row.
    let merged = common::csv_file_rows(&out.join("merged_records.csv"));
    for m in &merged {
        let work = papers
            .iter()
            .find(|p| p["paper_id"] == m["work_id"])
            .expect("a work is a node");
        assert!(work["s2_ids"].split(';').any(|r| r == m["record_id"]));
        assert!(papers.iter().all(|p| p["paper_id"] != m["record_id"]));
    }
}

/// Scope on the world snapshot: the planted landmarks (truth `foundations`: ImageNet, ResNet,
/// "Attention is All you Need", ...) are `background`; the planted recent papers of the field
/// (truth `candidates_to_add`) are `in-scope` and outrank every background row; suggestions.md
/// proposes no landmark as an entry, only in its background section.
#[test]
fn on_the_world_landmarks_are_background_and_planted_papers_in_scope() {
    let dir = tempfile::tempdir().unwrap();
    run(&common::catalog_dir(), &common::world_jsonl(), dir.path());
    let out = dir.path().join("out");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::world_truth()).unwrap()).unwrap();
    let ids = |key: &str| -> Vec<String> {
        truth[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let (landmarks, planted) = (ids("foundations"), ids("candidates_to_add"));
    let missing = common::csv_file_rows(&out.join("missing.csv"));
    let row = |id: &str| missing.iter().find(|m| m["paper_id"] == id);
    for id in &landmarks {
        let m = row(id).unwrap_or_else(|| panic!("landmark {id} is listed"));
        assert_eq!(m["scope"], "background", "{}", m["title"]);
        let lift: f64 = m["field_lift"].parse().unwrap();
        assert!(lift < 0.25, "{} lift {lift}", m["title"]);
    }
    for id in &planted {
        let m = row(id).unwrap_or_else(|| panic!("planted {id} is listed"));
        assert_eq!(m["scope"], "in-scope", "{}", m["title"]);
        let rank: usize = m["rank"].parse().unwrap();
        assert!(rank <= planted.len(), "{} ranks {rank}", m["title"]);
    }
    // In-scope rows come first in each kind; ranks restart per (kind, scope).
    for kind in ["foundation", "candidate"] {
        let scopes: Vec<&str> = missing
            .iter()
            .filter(|m| m["kind"] == kind)
            .map(|m| m["scope"].as_str())
            .collect();
        let first_background = scopes.iter().position(|s| *s == "background");
        if let Some(at) = first_background {
            assert!(scopes[at..].iter().all(|s| *s == "background"), "{kind}");
        }
    }
    let suggestions = std::fs::read_to_string(out.join("suggestions.md")).unwrap();
    let (entries, background) = suggestions
        .split_once("## Foundations to cite in the survey's background")
        .expect("a background section");
    for title in [
        "ImageNet: A large-scale",
        "Attention is All you Need",
        "Deep Residual Learning",
    ] {
        assert!(!entries.contains(title), "{title} proposed as an entry");
        assert!(
            background.contains(title),
            "{title} in the background section"
        );
    }
    assert!(entries.contains("Recent token reduction study 3"));
    // Predicted mechanisms are calibrated: the largest class no longer takes most rows.
    let foundations: Vec<&HashMap<String, String>> = missing
        .iter()
        .filter(|m| m["kind"] == "foundation")
        .collect();
    let mut by_mechanism: HashMap<&str, usize> = HashMap::new();
    for m in &foundations {
        *by_mechanism
            .entry(m["predicted_mechanism"].as_str())
            .or_default() += 1;
    }
    let (top, count) = by_mechanism
        .iter()
        .filter(|(m, _)| **m != "uncertain")
        .max_by_key(|(_, c)| **c)
        .unwrap();
    assert!(
        *count * 3 < foundations.len(),
        "{top} predicted for {count} of {}",
        foundations.len()
    );
}
