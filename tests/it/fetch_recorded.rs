//! Every real Semantic Scholar answer recorded in ../shared/fixtures/s2-recorded goes through
//! the client's own parsers (`citegraph::s2::wire`): plain bodies (.json) and VCR cassettes
//! (.yaml, the bodies being JSON strings inside).

use crate::common;

use std::path::Path;

use citegraph::s2::wire;
use serde_json::Value;

fn recorded_dir() -> std::path::PathBuf {
    common::shared_dir().join("fixtures/s2-recorded")
}

/// Checks one answer of `uri` with `status` and `body`; returns what it was, for the tally.
fn check_answer(file: &str, uri: &str, status: u64, body: &str) -> &'static str {
    let path = url::Url::parse(uri)
        .unwrap_or_else(|e| panic!("{file}: {uri}: {e}"))
        .path()
        .to_string();
    if status >= 400 {
        let message = wire::error_message(body.as_bytes());
        assert!(
            message.contains("not found") || message.contains("Unrecognized"),
            "{file}: {message}"
        );
        return "error";
    }
    let value: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{file}: {uri}: {e}"));
    if path.ends_with("/paper/batch") {
        let items = wire::batch(value).unwrap();
        assert!(!items.is_empty(), "{file}");
        let mut known = 0;
        for item in items {
            known += usize::from(
                wire::record(item)
                    .unwrap_or_else(|e| panic!("{file}: {e}"))
                    .is_some(),
            );
        }
        assert!(known > 0, "{file}");
        "batch"
    } else if path.ends_with("/paper/search/match") {
        let paper = wire::title_match(&value).unwrap_or_else(|| panic!("{file}: no match"));
        let record = wire::record(paper).unwrap().unwrap();
        assert!(
            record
                .title
                .unwrap()
                .starts_with("Mining association rules"),
            "{file}"
        );
        "match"
    } else if path.ends_with("/references")
        || path.ends_with("/citations")
        || path.ends_with("/paper/search")
    {
        let page = wire::page(&value);
        assert_eq!(page.skipped, 0, "{file}");
        if path.ends_with("/paper/search") {
            // No `data` key at all: an empty page, not an error.
            assert!(page.links.is_empty() && page.next.is_none(), "{file}");
        } else {
            assert!(!page.links.is_empty(), "{file}");
        }
        "page"
    } else {
        let record = wire::record(value).unwrap().unwrap();
        assert_eq!(record.paper_id.len(), 40, "{file}");
        "paper"
    }
}

fn check_cassette(path: &Path) -> Vec<&'static str> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(path).unwrap();
    let cassette: serde_yaml::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    if cassette.is_null() {
        // test_get_paper_citations_async.yaml is recorded empty.
        assert!(text.trim().is_empty(), "{name}");
        return vec!["empty"];
    }
    let interactions = cassette["interactions"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{name}: no interactions"));
    let mut kinds = Vec::new();
    for interaction in interactions {
        let uri = interaction["request"]["uri"].as_str().unwrap();
        let response = &interaction["response"];
        let status = response["status_code"]
            .as_u64()
            .or_else(|| response["status"]["code"].as_u64())
            .unwrap_or_else(|| panic!("{name}: no status"));
        let body = response["content"]
            .as_str()
            .or_else(|| response["body"]["string"].as_str())
            .unwrap_or_else(|| panic!("{name}: no body"));
        kinds.push(check_answer(&name, uri, status, body));
    }
    kinds
}

fn check_body(path: &Path) -> &'static str {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    if value.get("citedPaper").is_some() || value.get("citingPaper").is_some() {
        let page = wire::page(&serde_json::json!({ "offset": 0, "data": [value] }));
        assert_eq!(page.links.len(), 1, "{name}");
        assert!(page.links[0].paper_id.is_some(), "{name}");
        assert!(!page.links[0].intents.is_empty(), "{name}");
        return "item";
    }
    let record = wire::record(value).unwrap().unwrap();
    match name.as_str() {
        "Paper.json" => {
            // The single-paper endpoint caps nested citations at 1,000.
            assert_eq!(record.citations.as_ref().unwrap().len(), 1000);
            assert!(record.citation_count.unwrap() > 1000);
            assert_eq!(
                record.references.as_ref().unwrap().len() as u64,
                record.reference_count.unwrap()
            );
        }
        "PaperWithNullValues.json" => {
            assert!(record.authors.is_empty());
            assert!(record.citations.is_none() && record.references.is_none());
        }
        other => panic!("unexpected recorded body {other}: add its check"),
    }
    "record"
}

#[test]
fn every_recorded_answer_parses() {
    let mut seen = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(recorded_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml") => seen.extend(check_cassette(&path)),
            Some("json") => seen.push(check_body(&path)),
            _ => assert_eq!(
                name, "README.txt",
                "an unknown file in s2-recorded: parse it"
            ),
        }
    }
    let count = |kind: &str| seen.iter().filter(|k| **k == kind).count();
    assert_eq!(count("record"), 2);
    assert_eq!(count("item"), 2);
    assert_eq!(count("batch"), 2);
    assert_eq!(count("match"), 1);
    assert_eq!(count("page"), 3);
    assert_eq!(count("paper"), 1);
    assert_eq!(count("error"), 3);
    assert_eq!(count("empty"), 1);
}
