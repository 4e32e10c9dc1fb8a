//! Helpers shared by the integration tests. Each test file includes this with `mod common;`.
#![allow(dead_code)]

use std::path::PathBuf;

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

pub mod mock_datasets;
pub mod mock_openalex;
pub mod mock_opencitations;
pub mod mock_s2;
pub mod s2ag;
