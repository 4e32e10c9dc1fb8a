//! The S2AG shards (issue #26): the world written as `papers`, `citations` and `paper-ids`
//! shards (`common::s2ag`) and read back.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;

use serde_json::Value;

use crate::common::{self, s2ag};

/// Every line of a gzip shard, parsed.
fn gz_lines(path: &Path) -> Vec<Value> {
    let file = std::fs::File::open(path).unwrap();
    std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file))
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect()
}

/// A corpus id written as a string or an integer.
fn corpus(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

#[test]
fn world_shards_hold_every_paper_and_edge_once() {
    let dir = tempfile::tempdir().unwrap();
    let shards = s2ag::write_world_shards(dir.path(), 4);
    let world = s2ag::read_world(&common::world_jsonl());
    assert_eq!(shards.papers.len(), 4);
    let papers: Vec<Value> = shards.papers.iter().flat_map(|p| gz_lines(p)).collect();
    assert_eq!(papers.len(), world.records.len());
    for paper in &papers {
        let ids = paper["externalids"].as_object().unwrap();
        assert_eq!(ids.len(), 8, "every externalids key present: {paper}");
        assert_eq!(
            ids["CorpusId"].as_str().unwrap(),
            paper["corpusid"].as_u64().unwrap().to_string()
        );
        let sha = paper["url"].as_str().unwrap().rsplit('/').next().unwrap();
        assert_eq!(world.corpus_of[sha], paper["corpusid"].as_u64().unwrap());
    }
    let lines: Vec<Value> = shards.citations.iter().flat_map(|p| gz_lines(p)).collect();
    let nulls = lines
        .iter()
        .filter(|l| l["citedcorpusid"].is_null())
        .count();
    assert_eq!(nulls, world.unmatched.len());
    assert!(nulls > 0);
    let pairs: BTreeSet<(u64, u64)> = lines
        .iter()
        .filter_map(|l| Some((corpus(&l["citingcorpusid"])?, corpus(&l["citedcorpusid"])?)))
        .collect();
    assert_eq!(pairs.len(), lines.len() - nulls, "each edge once");
    let expected: BTreeSet<(u64, u64)> = world.edges.iter().map(|e| (e.citing, e.cited)).collect();
    assert_eq!(pairs, expected);
    // Both corpus-id forms, both intents shapes, with and without citationid.
    assert!(lines.iter().any(|l| l["citingcorpusid"].is_string()));
    assert!(lines.iter().any(|l| l["citingcorpusid"].is_u64()));
    assert!(lines.iter().any(|l| l["intents"][0].is_array()));
    assert!(lines.iter().any(|l| l["intents"][0].is_string()));
    assert!(lines.iter().any(|l| l.get("citationid").is_some()));
    assert!(lines.iter().any(|l| l.get("citationid").is_none()));
    let ids: Vec<Value> = shards.paper_ids.iter().flat_map(|p| gz_lines(p)).collect();
    let primary = ids.iter().filter(|l| l["primary"] == true).count();
    assert_eq!(primary, world.records.len());
    assert_eq!(ids.len() - primary, shards.non_primary.len());
    // The diff files exist and name what they change.
    let diff = &shards.diff;
    assert_eq!(
        gz_lines(&diff.papers_update).len(),
        diff.added_papers.len() + 1
    );
    assert_eq!(
        gz_lines(&diff.papers_delete).len(),
        diff.deleted_papers.len()
    );
    assert_eq!(
        gz_lines(&diff.citations_update).len(),
        diff.added_citations.len()
    );
    assert_eq!(
        gz_lines(&diff.citations_delete).len(),
        diff.deleted_citations.len()
    );
    // Deterministic bytes.
    let again = tempfile::tempdir().unwrap();
    let twice = s2ag::write_world_shards(again.path(), 4);
    for (a, b) in shards.citations.iter().zip(&twice.citations) {
        assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    }
}
