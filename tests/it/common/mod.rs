//! Helpers shared by the integration tests. Each test file includes this with `mod common;`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The shared data folder (`../shared` beside the repository), or `CITEGRAPH_SHARED` when set.
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CITEGRAPH_SHARED") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The real catalogue snapshot.
pub fn catalog_dir() -> PathBuf {
    shared_dir().join("catalog")
}

/// The synthetic Semantic Scholar world (JSON Lines) and what was planted in it.
pub fn world_jsonl() -> PathBuf {
    shared_dir().join("fixtures/s2-world/world.jsonl")
}

pub fn world_truth() -> PathBuf {
    shared_dir().join("fixtures/s2-world/truth.json")
}

/// The world's papers whose reference lists Semantic Scholar elides (`elided_references` of
/// `truth`, the parsed [`world_truth`]), as planted.
pub fn elided_references(truth: &serde_json::Value) -> Vec<String> {
    truth["elided_references"]
        .as_array()
        .expect("elided_references in the truth")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The citegraph binary, with the environment cleared of anything that could reach the network
/// or leak a real key.
pub fn citegraph() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("citegraph").expect("binary built by cargo test");
    cmd.env_remove("S2_API_KEY")
        .env_remove("S2_API_URL")
        .env_remove("CITEGRAPH_LOG")
        .env_remove("CITEGRAPH_SOURCES")
        .env_remove("OPENALEX_API_URL")
        .env_remove("OPENALEX_API_KEY")
        .env_remove("OPENALEX_MAILTO")
        .env_remove("OPENCITATIONS_API_URL")
        .env_remove("OPENCITATIONS_ACCESS_TOKEN");
    cmd
}

/// The rows of a CSV text (a header line first) as header -> cell maps. Panics on a broken CSV.
pub fn csv_rows(text: impl std::io::Read) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The rows of the CSV file at `path`, as [`csv_rows`]; panics naming the file when it cannot
/// be read.
pub fn csv_file_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    csv_rows(file)
}

pub mod mock_datasets;
pub mod mock_openalex;
pub mod mock_opencitations;
pub mod mock_s2;
pub mod mock_server;
pub mod s2ag;
pub mod secrets;
