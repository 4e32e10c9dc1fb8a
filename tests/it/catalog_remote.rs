//! URL catalogues, against a small HTTP server on 127.0.0.1 that plays the GitHub API and
//! raw.githubusercontent.com (the tool is pointed at it with CITEGRAPH_GITHUB_API / _RAW). No test
//! here touches the internet.

use crate::common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;

const VISION: &str = "### 2021\n- **[1] Sparse Tokens**, NeurIPS 2021.\n\n  [[Paper](https://arxiv.org/abs/2106.02034)] ![](https://img.shields.io/badge/Token_Pruning-orange)\n";
const README: &str = "# A list\n\n- **[1] Merging Tokens**, ICLR 2023.\n  [[Paper](https://arxiv.org/abs/2210.09461)] ![](https://img.shields.io/badge/Merging-orange)\n";

/// Serves fixed answers by path (query included); counts requests.
pub(crate) struct Server {
    pub(crate) base: String,
    hits: Arc<AtomicUsize>,
}

/// (Also used by `catalog_walk`.)
pub(crate) fn serve(routes: HashMap<String, (u16, String)>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if header == "\r\n" => break,
                    Ok(_) => {}
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .to_string();
            let (status, body) = routes
                .get(&path)
                .cloned()
                .unwrap_or((404, "not found".to_string()));
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    Server { base, hits }
}

fn github_routes() -> HashMap<String, (u16, String)> {
    let tree = serde_json::json!({
        "sha": "abc",
        "truncated": false,
        "tree": [
            {"path": "README.md", "type": "blob"},
            {"path": "Vision Domain", "type": "tree"},
            {"path": "Vision Domain/Understanding.md", "type": "blob"},
            {"path": "img/logo.png", "type": "blob"},
            {"path": "../escape.md", "type": "blob"},
        ]
    });
    [
        (
            "/repos/o/r",
            (200, r#"{"default_branch": "main"}"#.to_string()),
        ),
        (
            "/repos/o/r/git/trees/main?recursive=1",
            (200, tree.to_string()),
        ),
        ("/o/r/main/README.md", (200, README.to_string())),
        (
            "/o/r/main/Vision%20Domain/Understanding.md",
            (200, VISION.to_string()),
        ),
        ("/lists/papers.md", (200, README.to_string())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// `citegraph catalog` with the GitHub endpoints pointed at `base`.
fn run(
    source: &str,
    base: &str,
    work: &Path,
    extra: &[&str],
) -> (bool, String, String, Option<Value>) {
    let out = work.join("out");
    let _ = std::fs::remove_dir_all(&out);
    let output = common::citegraph()
        .env("CITEGRAPH_GITHUB_API", base)
        .env("CITEGRAPH_GITHUB_RAW", base)
        .env_remove("GITHUB_TOKEN")
        .args(["catalog", "--catalog", source])
        .arg("--cache-dir")
        .arg(work.join("cache"))
        .arg("--output-dir")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    let json = std::fs::read_to_string(out.join("catalog.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        json,
    )
}

/// A port nothing listens on: connections are refused at once, like a machine without network.
fn dead_base() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    base
}

fn listing_files(catalog: &Value) -> Vec<(String, String)> {
    catalog["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["listings"][0]["file"].as_str().unwrap().to_string(),
                p["listings"][0]["domain"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_github_repository_is_downloaded_cached_and_read_offline() {
    let server = serve(github_routes());
    let work = tempfile::tempdir().unwrap();
    let (ok, _, stderr, catalog) = run("https://github.com/o/r", &server.base, work.path(), &[]);
    assert!(ok, "{stderr}");
    let catalog = catalog.unwrap();
    assert_eq!(
        listing_files(&catalog),
        [
            ("README.md".to_string(), "README".to_string()),
            (
                "Vision Domain/Understanding.md".to_string(),
                "Vision Domain".to_string()
            ),
        ]
    );
    // Repository info, tree, two Markdown files; the PNG and the unsafe path are not fetched.
    assert_eq!(server.hits.load(Ordering::SeqCst), 4);
    // One entry of the shared cache holds the whole download.
    let cache =
        citegraph::catalog::cache_path_for(&work.path().join("cache"), "https://github.com/o/r");
    assert!(cache.is_file(), "{}", cache.display());

    // Offline: the cache alone, not one request.
    let (ok, _, stderr, offline) = run(
        "https://github.com/o/r",
        &server.base,
        work.path(),
        &["--offline"],
    );
    assert!(ok, "{stderr}");
    assert_eq!(offline.unwrap()["papers"], catalog["papers"]);
    assert_eq!(server.hits.load(Ordering::SeqCst), 4);

    // Network down, cache present: the cached copy, with a warning.
    let (ok, _, stderr, stale) = run("https://github.com/o/r", &dead_base(), work.path(), &[]);
    assert!(ok, "{stderr}");
    let stale = stale.unwrap();
    assert_eq!(stale["papers"], catalog["papers"]);
    let warning = stale["warnings"][0]["message"].as_str().unwrap();
    assert!(warning.contains("using the copy cached"), "{warning}");
}

#[test]
fn offline_without_a_cached_copy_is_a_clear_error() {
    let server = serve(github_routes());
    let work = tempfile::tempdir().unwrap();
    let (ok, _, stderr, catalog) = run(
        "https://github.com/o/r",
        &server.base,
        work.path(),
        &["--offline"],
    );
    assert!(!ok);
    assert!(catalog.is_none());
    assert!(stderr.contains("--offline"), "{stderr}");
    assert!(stderr.contains("not in the cache"), "{stderr}");
    assert!(stderr.contains("--catalog PATH"), "{stderr}");
    assert_eq!(server.hits.load(Ordering::SeqCst), 0);
}

#[test]
fn without_network_the_error_says_how_to_run_from_files() {
    let work = tempfile::tempdir().unwrap();
    let (ok, _, stderr, _) = run("https://github.com/o/r", &dead_base(), work.path(), &[]);
    assert!(!ok);
    for hint in [
        "could not download the catalogue https://github.com/o/r",
        "--catalog PATH",
        "--snapshot FILE",
        "--offline",
    ] {
        assert!(stderr.contains(hint), "missing {hint:?} in {stderr}");
    }
}

#[test]
fn a_raw_file_url_is_one_file() {
    let server = serve(github_routes());
    let work = tempfile::tempdir().unwrap();
    let url = format!("{}/lists/papers.md", server.base);
    let (ok, _, stderr, catalog) = run(&url, &server.base, work.path(), &[]);
    assert!(ok, "{stderr}");
    assert_eq!(
        listing_files(&catalog.unwrap()),
        [(url, "papers".to_string())]
    );
}

#[test]
fn a_missing_file_names_the_http_status() {
    let server = serve(github_routes());
    let work = tempfile::tempdir().unwrap();
    let url = format!("{}/lists/missing.md", server.base);
    let (ok, _, stderr, _) = run(&url, &server.base, work.path(), &[]);
    assert!(!ok);
    assert!(stderr.contains("HTTP 404"), "{stderr}");
    assert!(stderr.contains("missing.md"), "{stderr}");
}

#[test]
fn a_blob_url_is_read_through_the_raw_host() {
    let server = serve(github_routes());
    let work = tempfile::tempdir().unwrap();
    let url = "https://github.com/o/r/blob/main/Vision%20Domain/Understanding.md";
    let (ok, _, stderr, catalog) = run(url, &server.base, work.path(), &[]);
    assert!(ok, "{stderr}");
    assert_eq!(
        listing_files(&catalog.unwrap()),
        [(url.to_string(), "Vision Domain".to_string())]
    );
}
