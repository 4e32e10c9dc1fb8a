//! The OpenCitations access token: sent raw in the `authorization` header, never written to a
//! log, a cache file, a note or an error, even when the server quotes it back.

use crate::opencitations_mock::{busy_asked, env, oc_world, options};
use citegraph::opencitations::{self, AccessToken, OpenCitationsOptions, TokenSource};
use common::mock_opencitations::{Fault, MockBuilder, Target};
use common::secrets::{assert_no_file_holds, with_captured_logs};

use crate::common;

const TOKEN: &str = "oc-token-sentinel-5f2e9a";

fn token(text: &str) -> TokenSource {
    TokenSource::Given(AccessToken::parse(Some(text)).unwrap().unwrap())
}

#[test]
fn the_token_goes_in_the_authorization_header_and_nowhere_else() {
    let world = oc_world();
    let (_, asked) = busy_asked(&world, 2);
    // The server quotes the header back in its errors: four times (the first list fails for
    // good), then once more (retried).
    let mock = MockBuilder::new(world.clone())
        .token(TOKEN)
        .fault(Target::Index, Fault::EchoToken, 5)
        .start();
    let options = OpenCitationsOptions {
        fill_only: false,
        token: token(TOKEN),
        ..options(&mock)
    };
    let dir = tempfile::tempdir().unwrap();
    let (corpus, logs) =
        with_captured_logs(|| opencitations::fetch(&asked, &options, &env(dir.path(), false)));
    let corpus = corpus.unwrap();
    let log = mock.log();
    assert!(!log.is_empty());
    for logged in &log {
        assert_eq!(
            logged.header("authorization"),
            Some(TOKEN),
            "{}",
            logged.path
        );
    }
    let note = corpus.lists[0].note.clone().unwrap();
    assert!(note.contains("<redacted>"), "{note}");
    let logs = logs.text();
    assert!(logs.contains("retrying"), "the retries were logged: {logs}");
    assert!(!logs.contains(TOKEN), "{logs}");
    assert!(!format!("{corpus:?} {options:?}").contains(TOKEN));
    assert!(!serde_json::to_string(&corpus.lists)
        .unwrap()
        .contains(TOKEN));
    assert!(
        assert_no_file_holds(dir.path(), TOKEN) > 0,
        "answers were cached"
    );
}

#[test]
fn an_invalid_token_stops_the_run_with_a_clear_error() {
    let world = oc_world();
    let (_, asked) = busy_asked(&world, 2);
    let mock = MockBuilder::new(world.clone())
        .token("the-right-one")
        .start();
    let options = OpenCitationsOptions {
        token: token(TOKEN),
        fill_only: false,
        ..options(&mock)
    };
    let dir = tempfile::tempdir().unwrap();
    let err = opencitations::fetch(&asked, &options, &env(dir.path(), false))
        .unwrap_err()
        .to_string();
    assert!(err.contains("Invalid token"), "{err}");
    assert!(err.contains("OPENCITATIONS_ACCESS_TOKEN"), "{err}");
    assert!(!err.contains(TOKEN), "{err}");
    assert_eq!(mock.requests(), 1, "a refused token is not tried again");
}
