//! Every output file of `citegraph run` on the world snapshot, byte for byte: the SHA-256 of each
//! file against `snapshots/it__outputs_unchanged__world_outputs.snap`. A restructuring of the code
//! must leave every file as it was; a change meant to alter an output updates the snapshot
//! (`INSTA_UPDATE=always cargo test --test it outputs_unchanged::`) and names the files in its
//! commit message.
//!
//! The snapshot was made from the code before the output stage was redesigned (issue #21), so it
//! shows the redesign changed no byte.
//!
//! PDFs too: svg2pdf 0.13 writes a figure's font objects in hash order, so its PDFs used to differ
//! from run to run; they are renumbered in a fixed order since (`reproducible_pdf.rs`), and the
//! snapshot holds their bytes like every other file's.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::common;

/// `path  size  sha256`, one line a file under `dir`, in path order.
fn manifest(dir: &Path) -> String {
    let mut files: Vec<(String, std::path::PathBuf)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let path = entry.into_path();
            let relative = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, path)
        })
        .collect();
    files.sort();
    let mut out = String::new();
    for (relative, path) in files {
        let bytes = std::fs::read(&path).unwrap();
        let digest = hex::encode(Sha256::digest(&bytes));
        out.push_str(&format!("{relative}  {}  {digest}\n", bytes.len()));
    }
    out
}

#[test]
fn world_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out");
    let run = common::citegraph()
        .args(["run", "--catalog"])
        .arg(common::catalog_dir())
        .arg("--snapshot")
        .arg(common::world_jsonl())
        .arg("--output-dir")
        .arg(&output)
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["--today", "2026-03-01", "-q"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    insta::assert_snapshot!(manifest(&output));
}
