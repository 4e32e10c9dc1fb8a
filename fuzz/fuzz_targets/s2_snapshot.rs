//! A snapshot file (`--snapshot FILE`) of any bytes, resolved against a small catalogue: the
//! reader either reads it or says which line is wrong; it never panics.
#![no_main]

use std::sync::OnceLock;

use citegraph::catalog::{Catalog, CatalogPaper, ExternalIds};
use citegraph::s2::{Environment, FetchOptions, SnapshotSource};
use libfuzzer_sys::fuzz_target;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("tempdir"))
}

fn catalog() -> Catalog {
    let paper = |key: &str, title: &str, arxiv: Option<&str>| CatalogPaper {
        key: key.into(),
        title: title.into(),
        year: Some(2024),
        ids: ExternalIds {
            arxiv: arxiv.map(String::from),
            ..ExternalIds::default()
        },
        ..CatalogPaper::default()
    };
    Catalog {
        papers: vec![
            paper("arxiv:2401.00001", "A Paper", Some("2401.00001")),
            paper("title:token merging", "Token Merging", None),
        ],
        ..Catalog::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let dir = dir().path();
    let file = dir.join("snapshot.jsonl");
    std::fs::write(&file, data).expect("write the input");
    let options = FetchOptions {
        api_url: "http://127.0.0.1:1/graph/v1".into(),
        no_citations: false,
        max_citations: None,
        rps: 1.0,
        max_retries: 0,
        timeout: 1.0,
        refresh: false,
        max_age: None,
        link_details: false,
        retry_delay: 1.0,
    };
    let env = Environment {
        cache_dir: dir.join("cache"),
        output_dir: dir.join("output"),
        offline: true,
    };
    let source = SnapshotSource {
        snapshot: Some(file),
    };
    let catalog = catalog();
    if let Ok(corpus) = citegraph::s2::fetch(&catalog, &options, &source, &env) {
        assert_eq!(corpus.resolutions.len(), catalog.papers.len());
        let _ = citegraph::s2::summary(&catalog, &corpus);
    }
});
