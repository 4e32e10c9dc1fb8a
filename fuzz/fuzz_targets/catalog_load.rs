//! The whole catalogue reader on any bytes, as `citegraph catalog` reads a file: decoding
//! (binary, BOM, non-UTF-8), parsing, merging listings, lint, the summary and catalog.json.
//! Never panics; the catalogue it returns serializes and reads back equal.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("tempdir"))
}

fuzz_target!(|data: &[u8]| {
    let dir = dir().path();
    let file = dir.join("list.md");
    std::fs::write(&file, data).expect("write the input");
    let options = citegraph::catalog::CatalogOptions {
        sources: vec![file.to_string_lossy().into_owned()],
        mechanisms: None,
    };
    // An input with no entry is an error (reported), not a panic.
    let Ok(catalog) = citegraph::catalog::load(&options, &dir.join("cache"), true) else {
        return;
    };
    let _ = citegraph::catalog::summary(&catalog);
    let json = serde_json::to_string(&catalog).expect("a catalogue serializes");
    let back: citegraph::catalog::Catalog = serde_json::from_str(&json).expect("and reads back");
    assert_eq!(back, catalog);
});
