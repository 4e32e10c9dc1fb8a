//! The API key goes in the `x-api-key` header of every request and nowhere else: not in the
//! cache, the outputs, the logs at any level, or error messages. (Alone in its test binary: it
//! sets `S2_API_KEY` and a global log subscriber.)

#[path = "it/common/mod.rs"]
mod common;
#[path = "it/fetch_support/mod.rs"]
mod fetch_support;

use citegraph::s2;
use common::mock_s2::{Fault, MockBuilder, Target};
use common::secrets::{assert_no_file_holds, capture_all_logs};
use fetch_support::*;

const SENTINEL: &str = "sentinel-KEY-7d1e0c";

#[test]
fn key_is_in_every_header_and_nowhere_else() {
    std::env::set_var("S2_API_KEY", SENTINEL);
    let logs = capture_all_logs();

    let catalog = truth_catalog();
    // The mock refuses any request without the key; a few faults make the retry paths log.
    let mock = MockBuilder::new(world())
        .require_key(SENTINEL)
        .fault(Target::Any, Fault::TooManyRequests { retry_after: None }, 2)
        .fault(Target::Any, Fault::Status(503), 1)
        .fault(Target::Any, Fault::CutBody, 1)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let env = env(dir.path());
    let mut opts = options(&mock.url());
    opts.link_details = true;
    let corpus = s2::fetch(&catalog, &opts, &no_snapshot(), &env).unwrap();
    assert!(!corpus.records.is_empty());
    let unresolved = citegraph::render::unresolved_file(&catalog, &corpus.resolutions).unwrap();
    citegraph::render::write_outputs(&dir.path().join("output"), [unresolved]).unwrap();
    s2::export_snapshot(&env.cache_dir, &dir.path().join("output/snapshot.jsonl")).unwrap();

    let log = mock.log();
    assert!(log.len() > 100);
    for request in &log {
        assert_eq!(
            request.header("x-api-key"),
            Some(SENTINEL),
            "{}",
            request.target
        );
        assert!(!request.target.contains(SENTINEL));
    }

    // A refused run: the error names the URL and the API's message, not the key.
    let refusing = MockBuilder::new(world())
        .fault(
            Target::Any,
            Fault::Reply(403, serde_json::json!({"message": "Forbidden"})),
            1,
        )
        .start();
    let other = tempfile::tempdir().unwrap();
    let err = s2::fetch(
        &catalog,
        &options(&refusing.url()),
        &no_snapshot(),
        &fetch_support::env(other.path()),
    )
    .unwrap_err();
    let text = format!("{err:#} {err:?}");
    assert!(text.contains("Forbidden"), "{text}");
    assert!(!text.contains(SENTINEL), "{text}");
    assert!(!format!("{opts:?}").contains(SENTINEL));

    assert!(assert_no_file_holds(dir.path(), SENTINEL) > corpus.records.len());
    let logs = logs.text();
    assert!(
        logs.contains("POST") && logs.contains("retrying"),
        "the capture works: {}",
        &logs[..logs.len().min(2000)]
    );
    assert!(!logs.contains(SENTINEL), "the key leaked into the logs");
}
