//! `OPENALEX_API_KEY` goes in the `Authorization: Bearer` header of every OpenAlex request and
//! nowhere else: not in a URL, the cache, the logs at any level, the lists handed back or an
//! error (even one where the server echoes it). Alone in its test binary: it sets the variable
//! and installs a global log subscriber.

#[path = "it/common/mod.rs"]
mod common;

use citegraph::openalex::{self, OpenAlexOptions};
use citegraph::records::sources::{Thin, Wanted};
use citegraph::records::Gap;
use common::mock_openalex::{Endpoint, Fault, OaMock, OaMockBuilder, OaWorld};
use common::secrets::{assert_no_file_holds, capture_all_logs};
use serde_json::Value;

const SENTINEL: &str = "sentinel-OAKEY-4f2a9c";

/// The world's elided papers, as the pipeline would ask about them.
fn asked() -> Vec<Wanted> {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(common::world_truth()).unwrap()).unwrap();
    let elided = common::elided_references(&truth);
    std::fs::read_to_string(common::world_jsonl())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|p| elided.iter().any(|id| p["paperId"] == id.as_str()))
        .map(|p| Wanted {
            key: p["paperId"].as_str().unwrap().to_string(),
            s2_id: p["paperId"].as_str().map(String::from),
            title: p["title"].as_str().unwrap().to_string(),
            year: p["year"].as_i64().map(|y| y as i32),
            arxiv: p["externalIds"]["ArXiv"].as_str().map(String::from),
            thin: Some(Thin::References),
            ..Default::default()
        })
        .collect()
}

fn options(mock: &OaMock) -> OpenAlexOptions {
    OpenAlexOptions {
        api_url: mock.url(),
        mailto: Some("someone@example.org".into()),
        rps: 10.0,
        max_retries: 3,
        retry_delay: 0.01,
        timeout: 10.0,
        ..Default::default()
    }
}

#[test]
fn key_is_in_every_header_and_nowhere_else() {
    std::env::set_var("OPENALEX_API_KEY", SENTINEL);
    let logs = capture_all_logs();

    // The mock refuses any request without the key; faults make the retry paths log.
    let mock = OaMockBuilder::new(OaWorld::load())
        .require_key(SENTINEL)
        .fault(Some(Endpoint::Singleton), Fault::Status(503), 1)
        .fault(Some(Endpoint::Cites), Fault::Status(500), 1)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let env = citegraph::s2::Environment {
        cache_dir: dir.path().join("cache"),
        offline: false,
    };
    let corpus = openalex::fetch(&asked(), &options(&mock), &env).unwrap();
    assert!(corpus
        .lists
        .iter()
        .all(|l| l.gap == Gap::None && l.references.as_ref().is_some_and(|r| !r.is_empty())));
    let log = mock.log();
    assert!(log.len() > 5);
    for request in &log {
        assert!(!request.target.contains(SENTINEL), "{}", request.target);
        let auth = request
            .headers
            .iter()
            .find(|(name, _)| name == "authorization")
            .map(|(_, v)| v.as_str());
        assert_eq!(auth, Some(format!("Bearer {SENTINEL}").as_str()));
    }
    assert!(
        assert_no_file_holds(dir.path(), SENTINEL) > 0,
        "answers were cached"
    );
    assert!(!format!("{corpus:?}").contains(SENTINEL));

    // A key the server refuses, echoed back in its message: the run stops, says which variable
    // to fix, and never shows the key.
    let refusing = OaMockBuilder::new(OaWorld::load())
        .require_key("another-key")
        .start();
    let other = tempfile::tempdir().unwrap();
    let env = citegraph::s2::Environment {
        cache_dir: other.path().join("cache"),
        offline: false,
    };
    let corpus = openalex::fetch(&asked(), &options(&refusing), &env).unwrap();
    assert_eq!(refusing.count_status(401), 1, "a refused key stops the run");
    for lists in &corpus.lists {
        assert_eq!(lists.gap, Gap::RequestFailed);
        let note = lists.note.as_deref().unwrap();
        assert!(
            note.contains("OPENALEX_API_KEY") && note.contains("<redacted>"),
            "{note}"
        );
        assert!(!note.contains(SENTINEL), "{note}");
    }

    let logs = logs.text();
    assert!(logs.contains("retrying"), "the retry paths ran and logged");
    assert!(logs.contains("OpenAlex refused the API key"));
    assert!(!logs.contains(SENTINEL), "the key is in the logs");
}
