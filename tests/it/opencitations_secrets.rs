//! The OpenCitations access token: sent raw in the `authorization` header, never written to a
//! log, a cache file, a note or an error, even when the server quotes it back.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::opencitations_mock::{busy_papers, env, oc_world, options, wanted};
use citegraph::opencitations::{self, AccessToken, OpenCitationsOptions, TokenSource};
use common::mock_opencitations::{Fault, MockBuilder, Target};

use crate::common;

const TOKEN: &str = "oc-token-sentinel-5f2e9a";

fn token(text: &str) -> TokenSource {
    TokenSource::Given(AccessToken::parse(Some(text)).unwrap().unwrap())
}

/// Log lines, captured.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_token_goes_in_the_authorization_header_and_nowhere_else() {
    let world = oc_world();
    let papers = busy_papers(&world, 2);
    let asked: Vec<_> = papers.iter().map(|id| wanted(&world, id, None)).collect();
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
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let corpus = tracing::subscriber::with_default(subscriber, || {
        opencitations::fetch(&asked, &options, &env(dir.path(), false))
    })
    .unwrap();
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
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying"), "the retries were logged: {logs}");
    assert!(!logs.contains(TOKEN), "{logs}");
    assert!(!format!("{corpus:?} {options:?}").contains(TOKEN));
    assert!(!serde_json::to_string(&corpus.lists)
        .unwrap()
        .contains(TOKEN));
    let mut files = 0;
    for entry in walkdir::WalkDir::new(dir.path()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            files += 1;
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(TOKEN),
                "{}",
                entry.path().display()
            );
        }
    }
    assert!(files > 0, "answers were cached");
}

#[test]
fn an_invalid_token_stops_the_run_with_a_clear_error() {
    let world = oc_world();
    let papers = busy_papers(&world, 2);
    let asked: Vec<_> = papers.iter().map(|id| wanted(&world, id, None)).collect();
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
