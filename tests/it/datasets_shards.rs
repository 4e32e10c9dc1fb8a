//! The S2AG shards (issue #26): the world written as `papers`, `citations` and `paper-ids`
//! shards (`common::s2ag`) and read back.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::Path;

use citegraph::datasets::shards::{self, HopOptions, ShardSet};
use serde_json::{json, Value};

use crate::common::{self, s2ag};
use crate::datasets_support::{neighbourhood, run_on_snapshot};

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

/// The recorded sample lines (../shared/fixtures/s2-datasets-recorded/).
fn recorded(name: &str) -> std::path::PathBuf {
    common::shared_dir()
        .join("fixtures/s2-datasets-recorded")
        .join(name)
}

#[test]
fn recorded_samples_parse_every_line() {
    let shards = ShardSet {
        papers: vec![recorded("papers-sample.jsonl")],
        citations: vec![recorded("citations-sample.jsonl")],
        paper_ids: vec![recorded("paper-ids-sample.jsonl.gz")],
        ..ShardSet::default()
    };
    let survey = shards::survey(&shards).unwrap();
    assert_eq!(survey.papers.lines, 100);
    assert_eq!(survey.papers.bad_lines, 0, "{:?}", survey.papers.bad);
    assert_eq!(survey.citations.lines, 100);
    assert_eq!(survey.citations.bad_lines, 0, "{:?}", survey.citations.bad);
    assert_eq!(survey.null_cited, 23);
    assert_eq!(survey.edges, 77);
    // The gzip file, decompressed.
    assert_eq!(survey.paper_ids.lines, 100);
    assert_eq!(survey.paper_ids.bad_lines, 0, "{:?}", survey.paper_ids.bad);
    assert!(survey.paper_ids.decompressed > survey.paper_ids.bytes);
    let primary = gz_lines(&recorded("paper-ids-sample.jsonl.gz"))
        .iter()
        .filter(|l| l["primary"] == true)
        .count();
    assert_eq!(survey.primary_ids, primary as u64);
}

/// The real catalogue, read as the binary reads it.
fn catalog() -> citegraph::catalog::Catalog {
    let cache = tempfile::tempdir().unwrap();
    let options = citegraph::catalog::CatalogOptions {
        sources: vec![common::catalog_dir().to_string_lossy().into_owned()],
        mechanisms: None,
        exclude: Vec::new(),
    };
    citegraph::catalog::load(&options, cache.path(), true).unwrap()
}

/// The oracle: the k-hop neighbourhood of `seeds` computed straight from the world's edges
/// (papers within `hops` undirected steps; edges with an end within `hops - 1`).
fn oracle(
    world: &s2ag::World,
    seeds: &BTreeSet<u64>,
    hops: usize,
) -> (BTreeSet<u64>, BTreeSet<(u64, u64)>) {
    let mut distance: BTreeMap<u64, usize> = seeds.iter().map(|&s| (s, 0)).collect();
    for step in 1..=hops {
        for edge in &world.edges {
            let (a, b) = (distance.get(&edge.citing), distance.get(&edge.cited));
            if a == Some(&(step - 1)) && b.is_none() {
                distance.insert(edge.cited, step);
            } else if b == Some(&(step - 1)) && a.is_none() {
                distance.insert(edge.citing, step);
            }
        }
    }
    let near = |c: &u64| distance.get(c).is_some_and(|&d| d < hops);
    let edges = world
        .edges
        .iter()
        .filter(|e| near(&e.citing) || near(&e.cited))
        .map(|e| (e.citing, e.cited))
        .collect();
    (distance.keys().copied().collect(), edges)
}

/// The seeds the world's truth names: the records the catalogue resolves to.
fn truth_seeds(world: &s2ag::World) -> BTreeSet<u64> {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(common::world_truth()).unwrap()).unwrap();
    truth["catalog_by_key"]
        .as_object()
        .unwrap()
        .values()
        .map(|sha| world.corpus_of[sha.as_str().unwrap()])
        .collect()
}

/// A written neighbourhood: its records by paperId, and its edges (citing, cited) by paperId
/// with their influence and intents, from the references lists (checked against the citations
/// lists).
fn read_neighbourhood(path: &Path) -> (BTreeMap<String, Value>, BTreeMap<(String, String), Value>) {
    let mut records = BTreeMap::new();
    let mut from_refs = BTreeMap::new();
    let mut from_cits = BTreeMap::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let id = record["paperId"].as_str().unwrap().to_string();
        for link in record["references"].as_array().unwrap() {
            let other = link["paperId"].as_str().unwrap().to_string();
            from_refs.insert(
                (id.clone(), other),
                json!([link["isInfluential"], link["intents"]]),
            );
        }
        for link in record["citations"].as_array().unwrap() {
            let other = link["paperId"].as_str().unwrap().to_string();
            from_cits.insert(
                (other, id.clone()),
                json!([link["isInfluential"], link["intents"]]),
            );
        }
        assert!(records.insert(id, record).is_none(), "each paper once");
    }
    assert_eq!(from_refs, from_cits, "references and citations agree");
    (records, from_refs)
}

/// Runs the neighbourhood of the real catalogue over world shards and checks it against the
/// oracle: papers, edges, link fields and metadata.
fn check_against_world(hops: u8) {
    let dir = tempfile::tempdir().unwrap();
    let written = s2ag::write_world_shards(&dir.path().join("shards"), 5);
    std::fs::write(dir.path().join("shards/RELEASE"), s2ag::BASE_RELEASE).unwrap();
    let set = ShardSet::from_dir(&dir.path().join("shards")).unwrap();
    assert_eq!(set.papers.len(), written.papers.len());
    let out = dir.path().join("neighbourhood.jsonl");
    let options = HopOptions {
        hops,
        ..HopOptions::default()
    };
    let stats = shards::neighbourhood(&catalog(), &set, &options, &out).unwrap();
    let world = s2ag::read_world(&common::world_jsonl());
    let seeds = truth_seeds(&world);
    assert_eq!(stats.seeds, seeds.len(), "unfound: {:?}", stats.unfound);
    let (papers, edges) = oracle(&world, &seeds, hops as usize);
    let (records, links) = read_neighbourhood(&out);
    let got_papers: BTreeSet<u64> = records.keys().map(|id| world.corpus_of[id]).collect();
    assert_eq!(got_papers, papers);
    let got_edges: BTreeSet<(u64, u64)> = links
        .keys()
        .map(|(a, b)| (world.corpus_of[a], world.corpus_of[b]))
        .collect();
    assert_eq!(got_edges.len(), edges.len());
    assert_eq!(got_edges, edges);
    assert_eq!((stats.papers, stats.edges), (papers.len(), edges.len()));
    assert_eq!(stats.hops.len(), hops as usize);
    assert_eq!(stats.lines_skipped(), 0);
    assert_eq!(stats.release.as_deref(), Some(s2ag::BASE_RELEASE));
    // The link fields are the world's (intents as a set, whichever shape the shard wrote).
    for edge in &world.edges {
        let key = (
            world.sha_of[&edge.citing].clone(),
            world.sha_of[&edge.cited].clone(),
        );
        if let Some(fields) = links.get(&key) {
            assert_eq!(fields[0], json!(edge.is_influential), "{key:?}");
            let got: BTreeSet<&str> = fields[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let want: BTreeSet<&str> = edge.intents.iter().map(String::as_str).collect();
            assert_eq!(got, want, "{key:?}");
        }
    }
    // Metadata as the Graph API gives it.
    for record in &world.records {
        let Some(got) = records.get(record["paperId"].as_str().unwrap()) else {
            continue;
        };
        for field in [
            "title",
            "year",
            "citationCount",
            "publicationDate",
            "authors",
        ] {
            assert_eq!(
                got[field], record[field],
                "{field} of {}",
                record["paperId"]
            );
        }
        let ids = record["externalIds"].as_object().unwrap();
        for (kind, value) in ids {
            let value = if kind == "DOI" {
                json!(value.as_str().unwrap().to_ascii_uppercase())
            } else {
                value.clone()
            };
            assert_eq!(got["externalIds"][kind], value, "{kind}");
        }
    }
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(shards::meta_path(&out)).unwrap()).unwrap();
    assert_eq!(meta["release"], s2ag::BASE_RELEASE);
    assert_eq!(meta["edges"], edges.len());
    assert_eq!(meta["papers"], papers.len());
}

#[test]
fn one_hop_matches_the_world() {
    check_against_world(1);
}

#[test]
fn two_hops_match_the_world() {
    check_against_world(2);
}

/// World shards in `dir/shards` and the shard set read from them.
fn world_set(dir: &Path, files: usize) -> (s2ag::WorldShards, ShardSet) {
    let written = s2ag::write_world_shards(&dir.join("shards"), files);
    let set = ShardSet::from_dir(&dir.join("shards")).unwrap();
    (written, set)
}

#[test]
fn a_run_reads_the_neighbourhood_as_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let (_, set) = world_set(dir.path(), 3);
    let out = dir.path().join("neighbourhood.jsonl");
    let options = HopOptions {
        hops: 1,
        ..HopOptions::default()
    };
    let stats = shards::neighbourhood(&catalog(), &set, &options, &out).unwrap();
    let output = dir.path().join("output");
    run_on_snapshot(&out, &dir.path().join("cache"), &output);
    // Every edge of the neighbourhood reaches edges.csv, and no other.
    let (_, links) = read_neighbourhood(&out);
    let mut reader = csv::Reader::from_path(output.join("edges.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (source, target) = (col("source"), col("target"));
    let edges: BTreeSet<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[source].to_string(), r[target].to_string())
        })
        .collect();
    assert_eq!(edges.len(), stats.edges);
    assert_eq!(edges, links.keys().cloned().collect());
}

#[test]
fn bad_lines_are_reported_with_file_and_line_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let (_, set) = world_set(dir.path(), 2);
    let clean = dir.path().join("clean.jsonl");
    let options = HopOptions::default();
    let before = shards::neighbourhood(&catalog(), &set, &options, &clean).unwrap();
    // One more shard of each dataset, with lines of no known form between good ones.
    let world = s2ag::read_world(&common::world_jsonl());
    let edge = &world.edges[0];
    let bad_citations = dir.path().join("shards/citations/zz-bad.gz");
    s2ag::write_gz(
        &bad_citations,
        &[
            s2ag::citation_line(edge.citing, Some(edge), 1),
            r#"{"citingcorpusid":"12x","citedcorpusid":"5"}"#.to_string(),
            "{\"citingcorpusid\": 1, \"citedcor".to_string(),
            String::new(),
            r#"{"citedcorpusid":"5"}"#.to_string(),
        ],
    );
    let bad_papers = dir.path().join("shards/papers/zz-bad.gz");
    s2ag::write_gz(&bad_papers, &["[1, 2]".to_string()]);
    let set = ShardSet::from_dir(&dir.path().join("shards")).unwrap();
    let out = dir.path().join("with-bad.jsonl");
    let after = shards::neighbourhood(&catalog(), &set, &options, &out).unwrap();
    let reported: Vec<String> = after.bad_lines().iter().map(|b| b.to_string()).collect();
    assert_eq!(after.lines_skipped(), 4, "{reported:#?}");
    let at = |path: &Path, line: usize| format!("{}:{line}: ", path.display());
    for (path, line, field) in [
        (&bad_citations, 2, "12x"),
        (&bad_citations, 3, "EOF while parsing a string at column"),
        (&bad_citations, 5, "citingcorpusid"),
        (&bad_papers, 1, "papers"),
    ] {
        assert!(
            reported
                .iter()
                .any(|r| r.starts_with(&at(path, line)) && r.contains(field)),
            "{path:?}:{line} ({field}) not in {reported:#?}"
        );
    }
    // The good line repeats an edge already held: the neighbourhood is the same.
    assert_eq!((after.papers, after.edges), (before.papers, before.edges));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&clean).unwrap());
}

#[test]
fn the_thread_count_does_not_change_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let (_, set) = world_set(dir.path(), 6);
    let catalog = catalog();
    let mut outputs = Vec::new();
    for threads in [1, 4] {
        let out = dir.path().join(format!("n{threads}.jsonl"));
        let options = HopOptions {
            hops: 2,
            threads: Some(threads),
            ..HopOptions::default()
        };
        shards::neighbourhood(&catalog, &set, &options, &out).unwrap();
        outputs.push(std::fs::read(&out).unwrap());
    }
    assert!(!outputs[0].is_empty());
    assert!(
        outputs[0] == outputs[1],
        "1 and 4 threads wrote different bytes"
    );
}

#[test]
fn papers_the_papers_shards_lack_take_their_id_from_paper_ids() {
    let dir = tempfile::tempdir().unwrap();
    let (written, mut set) = world_set(dir.path(), 4);
    // Without the last papers shard: its papers are reached only through citations.
    let lost = set.papers.pop().unwrap();
    let lost: BTreeSet<String> = gz_lines(&lost)
        .iter()
        .map(|l| {
            l["url"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let world = s2ag::read_world(&common::world_jsonl());
    // Seeds the cache already knows need no papers line.
    let catalog = catalog();
    // The corpus ids of the Graph API records (here: the world read as a snapshot).
    let corpus = citegraph::s2::fetch(
        &catalog,
        &citegraph::s2::FetchOptions::default(),
        &citegraph::s2::RecordSource::Snapshot(common::world_jsonl()),
        &citegraph::s2::Environment {
            cache_dir: dir.path().join("cache"),
            offline: true,
        },
    )
    .unwrap();
    let known = shards::known_corpus_ids(&corpus);
    // (truth.json keys a few papers by title where the catalogue has an arXiv key.)
    let known_ids: BTreeSet<u64> = known.values().copied().collect();
    assert_eq!(known_ids, truth_seeds(&world));
    let out = dir.path().join("n.jsonl");
    let options = HopOptions {
        hops: 1,
        known_corpus_ids: known,
        ..HopOptions::default()
    };
    let stats = shards::neighbourhood(&catalog, &set, &options, &out).unwrap();
    let seeds = truth_seeds(&world);
    assert_eq!(stats.seeds, seeds.len());
    let (papers, edges) = oracle(&world, &seeds, 1);
    let (records, links) = read_neighbourhood(&out);
    assert_eq!(records.len(), papers.len());
    assert_eq!(links.len(), edges.len());
    assert_eq!(stats.papers_without_id, 0);
    assert!(stats.paper_ids_pass.lines > 0);
    let bare: Vec<&String> = records.keys().filter(|id| lost.contains(*id)).collect();
    assert!(!bare.is_empty());
    for id in bare {
        let record = &records[id];
        assert!(record["title"].is_null(), "{id} has no papers line");
        assert_eq!(record["externalIds"]["CorpusId"], world.corpus_of[id]);
    }
    // Non-primary shas never stand for a paper.
    assert!(records
        .keys()
        .all(|id| !written.non_primary.contains_key(id)));
}

#[test]
fn hops_out_of_range_and_no_seeds_are_errors_that_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, set) = world_set(dir.path(), 1);
    let out = dir.path().join("n.jsonl");
    let options = HopOptions {
        hops: 3,
        ..HopOptions::default()
    };
    let err = shards::neighbourhood(&catalog(), &set, &options, &out).unwrap_err();
    assert!(err.to_string().contains("--hops"), "{err}");
    let empty = citegraph::catalog::Catalog {
        papers: Vec::new(),
        lint: Vec::new(),
        warnings: Vec::new(),
    };
    let err = shards::neighbourhood(&empty, &set, &HopOptions::default(), &out).unwrap_err();
    assert!(err.to_string().contains("no catalogue paper"), "{err}");
    assert!(!out.exists() && !shards::meta_path(&out).exists());
    let err = ShardSet::from_dir(&dir.path().join("nowhere")).unwrap_err();
    assert!(err.to_string().contains("papers"), "{err}");
}

/// The whole lines gzip gives of `path` before it breaks off (a test's own reading, for the
/// oracle of what a cut shard still holds).
fn whole_lines_before_the_break(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap();
    let mut reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file));
    let mut lines = Vec::new();
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return lines,
            Ok(_) if line.ends_with(b"\n") => {
                lines.push(String::from_utf8(line).unwrap().trim_end().to_string())
            }
            Ok(_) => return lines,
        }
    }
}

#[test]
fn a_cut_or_corrupt_shard_is_reported_and_its_whole_lines_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (written, _) = world_set(dir.path(), 3);
    let options = HopOptions {
        hops: 1,
        ..HopOptions::default()
    };
    // A citations shard cut at 60% of its bytes, as an interrupted copy leaves it.
    let cut = &written.citations[1];
    let bytes = std::fs::read(cut).unwrap();
    let whole = gz_lines(cut).len();
    std::fs::write(cut, &bytes[..bytes.len() * 3 / 5]).unwrap();
    let kept = whole_lines_before_the_break(cut);
    assert!(
        !kept.is_empty() && kept.len() < whole,
        "{} of {whole}",
        kept.len()
    );
    let set = ShardSet::from_dir(&dir.path().join("shards")).unwrap();
    let out = dir.path().join("cut.jsonl");
    let stats = shards::neighbourhood(&catalog(), &set, &options, &out).unwrap();
    let bad = stats.bad_shards();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].file, *cut);
    assert_eq!(bad[0].lines_read, kept.len() as u64);
    assert!(bad[0]
        .to_string()
        .contains(&format!("after line {}", kept.len())));
    // The same as the neighbourhood of a shard holding just those lines, whole.
    let repaired_dir = tempfile::tempdir().unwrap();
    let (_, repaired) = world_set(repaired_dir.path(), 3);
    s2ag::write_gz(&repaired.citations[1], &kept);
    let same = dir.path().join("same.jsonl");
    let expected = shards::neighbourhood(&catalog(), &repaired, &options, &same).unwrap();
    assert!(expected.bad_shards().is_empty());
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&same).unwrap());
    assert_eq!(
        (stats.papers, stats.edges),
        (expected.papers, expected.edges)
    );
    assert!(stats.edges > 0);

    // A papers shard with bytes overwritten inside its deflate stream, and a `.gz` that is an
    // error page: both reported, the other shards read; through the binary: exit status 3.
    let corrupt = &written.papers[0];
    let mut bytes = std::fs::read(corrupt).unwrap();
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 64] {
        *byte ^= 0x5a;
    }
    std::fs::write(corrupt, &bytes).unwrap();
    let page = dir.path().join("shards/papers/zz-error-page.gz");
    let shards_dir = dir.path().join("shards").display().to_string();
    std::fs::write(&page, "<html><body>AccessDenied</body></html>\n").unwrap();
    let out = dir.path().join("n.jsonl");
    let output = neighbourhood(
        &dir.path().join("cache"),
        &["--datasets-dir", &shards_dir],
        &out,
    );
    let (text, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(3), "{text}\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    for path in [corrupt, cut, &page] {
        assert!(
            text.contains(&format!(
                "bad shard: {}: unreadable after line",
                path.display()
            )),
            "{path:?} not named in {text}"
        );
    }
    assert!(text.contains("not a gzip file"), "{text}");
    assert!(
        err.contains("gaps: 3 shards unreadable") && err.contains("--verify"),
        "{err}"
    );
    assert!(err.contains("exit status 3"), "{err}");
    // Both files written, whole; the sidecar lists the bad shards.
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(shards::meta_path(&out)).unwrap()).unwrap();
    let listed: BTreeMap<String, (u64, String)> = meta["bad_shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["file"].as_str().unwrap().to_string(),
                (
                    b["lines_read"].as_u64().unwrap(),
                    b["reason"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    assert_eq!(listed.len(), 3, "{meta:#}");
    assert_eq!(listed[&cut.display().to_string()].0, kept.len() as u64);
    assert_eq!(listed[&page.display().to_string()].0, 0);
    let (records, _) = read_neighbourhood(&out);
    assert_eq!(meta["papers"], records.len());
    assert!(!records.is_empty());
}

#[test]
fn paper_ids_of_another_release_is_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    world_set(dir.path(), 2);
    std::fs::write(
        dir.path().join("shards").join(shards::RELEASE_FILE),
        format!("{}\n", s2ag::BASE_RELEASE),
    )
    .unwrap();
    let set = ShardSet::from_dir(&dir.path().join("shards")).unwrap();
    assert_eq!(set.release.as_deref(), Some(s2ag::BASE_RELEASE));
    assert!(set.release_warning().is_none());
    // `paper-ids` of an older release (as a download or update writes its manifest).
    let older = "2026-06-30";
    std::fs::write(
        dir.path().join("shards/paper-ids/.manifest.json"),
        json!({"release_id": older, "dataset": "paper-ids", "shards": [], "source": "download"})
            .to_string(),
    )
    .unwrap();
    let set = ShardSet::from_dir(&dir.path().join("shards")).unwrap();
    assert_eq!(set.release_of("paper-ids"), Some(older));
    assert_eq!(set.release_of("papers"), Some(s2ag::BASE_RELEASE));
    let warning = set.release_warning().unwrap();
    for part in [
        format!("`paper-ids` of release {older}"),
        format!("`papers` of release {}", s2ag::BASE_RELEASE),
        format!("papers added after {older} may not map"),
    ] {
        assert!(warning.contains(&part), "{part} not in {warning}");
    }
    let out = dir.path().join("n.jsonl");
    let shards_dir = dir.path().join("shards").display().to_string();
    let output = neighbourhood(
        &dir.path().join("cache"),
        &["--datasets-dir", &shards_dir],
        &out,
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains(&format!("warning: {warning}")), "{text}");
    // Without shards of its own, paper-ids is not read: no warning.
    for shard in &set.paper_ids {
        std::fs::remove_file(shard).unwrap();
    }
    let set = ShardSet::from_dir(&dir.path().join("shards")).unwrap();
    assert!(set.release_warning().is_none());
}
