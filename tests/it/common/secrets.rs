//! What the secret tests share (`tests/fetch_secrets.rs`, `tests/openalex_secrets.rs`,
//! `opencitations_secrets`): log lines captured at every level, and every file of a folder read
//! as text, to look for a key where it must not be.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Log output, captured in memory (a `tracing_subscriber` writer).
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Every line captured so far (bytes that are not UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Captures every log line of the process from now on, at every level: the global subscriber,
/// so only for a test binary of its own (one test that sets its key in the environment).
pub fn capture_all_logs() -> Captured {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .init();
    logs
}

/// Runs `run` with every log line of this thread captured, at every level: its result and the
/// lines.
pub fn with_captured_logs<T>(run: impl FnOnce() -> T) -> (T, Captured) {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (tracing::subscriber::with_default(subscriber, run), logs)
}

/// Every file under `dir` and its text (bytes that are not UTF-8 replaced), in walk order.
pub fn texts(dir: &Path) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            (e.into_path(), text)
        })
        .collect()
}

/// Checks that no file under `dir` holds `secret` (the failure names the file); the number of
/// files read.
pub fn assert_no_file_holds(dir: &Path, secret: &str) -> usize {
    let files = texts(dir);
    for (path, text) in &files {
        assert!(
            !text.contains(secret),
            "{} holds the secret",
            path.display()
        );
    }
    files.len()
}
