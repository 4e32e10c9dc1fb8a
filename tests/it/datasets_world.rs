//! The whole bulk path on the shared world: its S2AG shards (`common::s2ag`) served by the mock
//! Datasets API, downloaded (through a cut transfer), filtered to the catalogue's neighbourhood
//! (`datasets neighbourhood`, the same bytes as from `--datasets-dir` on the shards themselves),
//! and read by `run --snapshot`; then the world's release diff applied with `datasets update`.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::mock_datasets::{DiffFiles, File, MockDatasetsBuilder};
use crate::common::s2ag::{self, BASE_RELEASE, NEXT_RELEASE};
use crate::datasets_support::*;

fn files(paths: &[std::path::PathBuf]) -> Vec<File> {
    paths
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap(),
            )
        })
        .collect()
}

fn one(path: &Path) -> Vec<File> {
    files(&[path.to_path_buf()])
}

#[test]
fn shards_downloaded_from_the_mock_become_a_snapshot_a_run_reads() {
    let dir = tempfile::tempdir().unwrap();
    let world = s2ag::write_world_shards(&dir.path().join("shards"), 3);
    let diff = &world.diff;
    let mock = MockDatasetsBuilder::new()
        .key(KEY)
        .cut_transfers(1)
        .release(
            BASE_RELEASE,
            vec![
                ("papers", files(&world.papers)),
                ("citations", files(&world.citations)),
                ("paper-ids", files(&world.paper_ids)),
            ],
        )
        .release(
            NEXT_RELEASE,
            vec![("papers", vec![]), ("citations", vec![])],
        )
        .diff(
            BASE_RELEASE,
            NEXT_RELEASE,
            "papers",
            DiffFiles {
                update: one(&diff.papers_update),
                delete: one(&diff.papers_delete),
            },
        )
        .diff(
            BASE_RELEASE,
            NEXT_RELEASE,
            "citations",
            DiffFiles {
                update: one(&diff.citations_update),
                delete: one(&diff.citations_delete),
            },
        )
        .start();
    let cache = dir.path().join("cache");
    let mut run = args("download", &mock.url(), &cache);
    run.extend(["--release", BASE_RELEASE].map(String::from));
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));

    // From the cache, and from the shards themselves: the same neighbourhood.
    let from_cache = dir.path().join("from-cache.jsonl");
    let output = neighbourhood(&cache, &[], &from_cache);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains(&format!("(release {BASE_RELEASE})")),
        "{text}"
    );
    let shards_dir = dir.path().join("shards").display().to_string();
    let from_dir = dir.path().join("from-dir.jsonl");
    let output = neighbourhood(&cache, &["--datasets-dir", &shards_dir], &from_dir);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(&from_cache).unwrap(),
        std::fs::read(&from_dir).unwrap()
    );
    assert!(std::fs::metadata(&from_cache).unwrap().len() > 0);

    let output_dir = dir.path().join("output");
    run_on_snapshot(&from_cache, &dir.path().join("run-cache"), &output_dir);
    assert!(output_dir.join("metrics.json").is_file());

    // The world's release diff, applied.
    let mut run = args("update", &mock.url(), &cache);
    run.extend(["--dataset", "papers,citations"].map(String::from));
    let output = citegraph(Some(KEY)).args(&run).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let papers = records(&cache.join("datasets").join(NEXT_RELEASE).join("papers"));
    let corpus = |line: &String| serde_json::from_str::<Value>(line).unwrap()["corpusid"].as_u64();
    let held: BTreeSet<u64> = papers.keys().filter_map(corpus).collect();
    assert_eq!(held.len(), papers.len(), "one line a paper");
    for (id, _) in &diff.added_papers {
        assert!(held.contains(id), "added {id}");
    }
    for id in &diff.deleted_papers {
        assert!(!held.contains(id), "deleted {id}");
    }
    for (id, title) in &diff.retitled_papers {
        let line = papers.keys().find(|l| corpus(l) == Some(*id)).unwrap();
        assert!(
            line.contains(&serde_json::to_string(title).unwrap()),
            "{line}"
        );
    }
    let citations = records(&cache.join("datasets").join(NEXT_RELEASE).join("citations"));
    let pair = |line: &String| {
        let v: Value = serde_json::from_str(line).unwrap();
        let id = |f: &str| match &v[f] {
            Value::String(s) => s.parse::<u64>().ok(),
            other => other.as_u64(),
        };
        (id("citingcorpusid"), id("citedcorpusid"))
    };
    let pairs: BTreeSet<_> = citations.keys().map(pair).collect();
    for (citing, cited, _) in &diff.added_citations {
        assert!(pairs.contains(&(Some(*citing), Some(*cited))));
    }
    for (citing, cited, _) in &diff.deleted_citations {
        assert!(!pairs.contains(&(Some(*citing), Some(*cited))));
    }
    // The old papers and citations are gone; paper-ids, not updated, stays at its release.
    let base = cache.join("datasets").join(BASE_RELEASE);
    assert!(!base.join("papers").exists() && !base.join("citations").exists());
    assert!(base.join("paper-ids").join(".manifest.json").is_file());
}
