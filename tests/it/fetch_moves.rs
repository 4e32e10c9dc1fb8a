//! Records that move (issue 22): Semantic Scholar merges a catalogue paper's record into a new
//! one (the old id answered with the new record), or drops it. `run --update` follows the merge
//! (the new record adopted with its lists, its new citers in the graph and the digest, the old id
//! kept in `s2_ids` so that cached links naming it still reach the paper, later runs and
//! `--offline` reading the adopted record) and reports a dropped record every run until the API
//! returns it, analysing its last known record meanwhile.

use crate::common;
use crate::fetch_support::{export, truth};

use std::collections::HashSet;
use std::path::Path;

use common::mock_s2::{civil_date, Endpoint, MockBuilder, World};
use serde_json::Value;

/// The id Semantic Scholar gives the merged record.
const NEW_ID: &str = "0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e";

fn world() -> World {
    World::load(&common::world_jsonl())
}

/// Catalogue papers resolved by their arXiv id that other catalogue papers cite: (key, id,
/// the catalogue papers citing it), in key order.
fn cited_catalogue_papers() -> Vec<(String, String, HashSet<String>)> {
    let truth = truth();
    let by_key = truth["catalog_by_key"].as_object().unwrap();
    let catalogue: HashSet<&str> = by_key.values().map(|v| v.as_str().unwrap()).collect();
    let world = world();
    let mut out = Vec::new();
    for (key, id) in by_key {
        let id = id.as_str().unwrap();
        if !key.starts_with("arxiv:") {
            continue;
        }
        let citers: HashSet<String> = world.paper(id).unwrap()["citations"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|l| l["paperId"].as_str())
            .filter(|c| catalogue.contains(c))
            .map(String::from)
            .collect();
        if !citers.is_empty() {
            out.push((key.clone(), id.to_string(), citers));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    civil_date((secs / 86_400) as i64)
}

/// `citegraph run` of the real catalogue into `dir` against `url` (or `--offline`), fast
/// settings (one figure, one community trial, sampled betweenness: what is tested here does not
/// depend on them); `extra` arguments after. Returns (stdout, stderr).
fn run(dir: &Path, url: Option<&str>, extra: &[&str]) -> (String, String) {
    let mut cmd = common::citegraph();
    cmd.arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .arg("--output-dir")
        .arg(dir.join("output"))
        .args(["run", "--figures", "papers-per-year", "--format", "svg"])
        .args(["--community-trials", "1", "--betweenness-exact-limit", "10"]);
    match url {
        Some(url) => cmd.args(["--api-url", url, "--rps", "1000", "--retry-delay", "0.01"]),
        None => cmd.arg("--offline"),
    };
    let out = cmd.args(extra).assert().success();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (
        text(&out.get_output().stdout),
        text(&out.get_output().stderr),
    )
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// `metrics.json`'s paper row of `id`.
fn paper<'a>(metrics: &'a Value, id: &str) -> Option<&'a Value> {
    metrics["papers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["paper_id"] == id)
}

/// `unresolved.csv`'s (key, reason) rows.
fn unresolved(out: &Path) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_path(out.join("unresolved.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (key, reason) = (column("key"), column("reason"));
    reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[key].to_string(), r[reason].to_string()))
        .collect()
}

fn s2_ids(row: &Value) -> Vec<String> {
    row["s2_ids"]
        .as_array()
        .map(|ids| {
            ids.iter()
                .map(|i| i.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_merged_record_is_followed_by_update_and_reported() {
    let (key, old_id, _) = cited_catalogue_papers().swap_remove(0);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    let first = MockBuilder::new(world()).start();
    run(dir.path(), Some(&first.url()), &[]);
    drop(first);
    let before = read_json(&out.join("metrics.json"));
    let cited_before = paper(&before, &old_id).unwrap()["catalog_citations"].clone();
    assert!(
        cited_before.as_u64().unwrap() > 0,
        "{key}: cited by catalogue papers"
    );

    // A week later Semantic Scholar has merged the record into NEW_ID, which two new papers cite.
    let citers = [
        "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1",
        "c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2",
    ];
    let (old, date) = (old_id.clone(), today());
    let merged = MockBuilder::new(world())
        .edit(move |w| {
            w.merge_record(&old, NEW_ID);
            for (n, citer) in citers.iter().enumerate() {
                w.add_citer(
                    citer,
                    NEW_ID,
                    &format!("A study citing the merged record {n}"),
                    &date,
                );
            }
        })
        .start();
    let (stdout, stderr) = run(dir.path(), Some(&merged.url()), &["--update"]);
    assert!(
        stderr.contains(&format!("merged the record {old_id} into {NEW_ID}")),
        "{stderr}"
    );
    assert!(
        stdout.contains("Semantic Scholar merged its record"),
        "the summary notes it: {stdout}"
    );
    // The new record's lists were asked as for a new paper.
    let asked = |endpoint: Endpoint| {
        merged
            .log()
            .iter()
            .any(|l| l.endpoint == endpoint && l.target.contains(NEW_ID))
    };
    assert!(asked(Endpoint::Citations) && asked(Endpoint::References));

    let after = read_json(&out.join("metrics.json"));
    assert!(paper(&after, &old_id).is_none(), "the old id is no node");
    let adopted = paper(&after, NEW_ID).expect("the adopted record is the catalogue paper");
    assert_eq!(adopted["key"], key.as_str());
    assert_eq!(s2_ids(adopted), [NEW_ID.to_string(), old_id.clone()]);
    // The catalogue papers' cached references still name the old id: they reach the paper.
    assert_eq!(adopted["catalog_citations"], cited_before);
    for citer in citers {
        assert!(
            paper(&after, citer).is_some(),
            "new citer {citer} in the graph"
        );
    }
    // Here the links naming the old id describe it (its DOI), which joins it already; bare links
    // are joined by the move alone (works::tests).
    let merges = std::fs::read_to_string(out.join("merged_records.csv")).unwrap();
    assert!(
        merges
            .lines()
            .any(|l| l.starts_with(&format!("{NEW_ID},{old_id},"))),
        "{merges}"
    );

    let digest = read_json(&out.join("digest.json"));
    let moved = digest["records_moved"].as_array().unwrap();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(moved[0]["key"], key.as_str());
    assert_eq!(moved[0]["old_paper_id"], old_id.as_str());
    assert_eq!(moved[0]["new_paper_id"], NEW_ID);
    assert_eq!(moved[0]["merged"], true);
    let new_citing: HashSet<&str> = digest["new_citing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["paper_id"].as_str().unwrap())
        .collect();
    assert!(
        citers.iter().all(|c| new_citing.contains(c)),
        "{new_citing:?}"
    );
    let md = std::fs::read_to_string(out.join("digest.md")).unwrap();
    assert!(
        md.contains("records merged by Semantic Scholar")
            && md.contains(&format!("`{old_id}` -> `{NEW_ID}`")),
        "{md}"
    );
    assert!(digest["summary"]
        .as_str()
        .unwrap()
        .contains("1 record moved to another record (1 merged by Semantic Scholar)"));
    let rows = unresolved(&out);
    assert!(
        rows.iter()
            .any(|(k, reason)| *k == key && reason.starts_with("record moved:")),
        "{rows:?}"
    );

    // The cache keeps the adopted record (and no longer the stale one: an export holds the new
    // record alone); an offline run reads it and keeps the old id; the digest has nothing new to
    // say about it.
    drop(merged);
    let exported: HashSet<String> = export(dir.path())
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["paperId"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(exported.contains(NEW_ID) && !exported.contains(&old_id));
    let (_, stderr) = run(dir.path(), None, &[]);
    assert!(!stderr.contains("merged the record"), "{stderr}");
    let offline = read_json(&out.join("metrics.json"));
    let adopted = paper(&offline, NEW_ID).expect("offline reads the adopted record");
    assert_eq!(s2_ids(adopted), [NEW_ID.to_string(), old_id.clone()]);
    assert_eq!(adopted["catalog_citations"], cited_before);
    assert!(citers.iter().all(|c| paper(&offline, c).is_some()));
    assert!(paper(&offline, &old_id).is_none());
    assert!(read_json(&out.join("digest.json"))
        .get("records_moved")
        .is_none());
}

#[test]
fn a_vanished_record_is_reported_every_run_and_analysed_until_it_returns() {
    let papers = cited_catalogue_papers();
    let (key, gone) = (papers[1].0.clone(), papers[1].1.clone());
    // Another record is merged the same week: followed with the lists nested in batch calls.
    let (merged_key, merged) = (papers[2].0.clone(), papers[2].1.clone());
    const NEW_ID2: &str = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    let first = MockBuilder::new(world()).start();
    run(dir.path(), Some(&first.url()), &["--no-link-details"]);
    drop(first);

    let (id, old) = (gone.clone(), merged.clone());
    let dropped = MockBuilder::new(world())
        .edit(move |w| {
            w.drop_record(&id);
            w.merge_record(&old, NEW_ID2);
        })
        .start();
    let (_, stderr) = run(
        dir.path(),
        Some(&dropped.url()),
        &["--update", "--no-link-details"],
    );
    assert!(
        stderr.contains(&format!("no longer returns the record {gone}")),
        "{stderr}"
    );
    // Looked for again by its arXiv id and by its title before being called vanished.
    let log = dropped.log();
    assert!(log.iter().any(|l| l.endpoint == Endpoint::Match));
    assert!(log.iter().filter(|l| l.endpoint == Endpoint::Batch).count() >= 2);
    drop(dropped);
    let reported = |out: &Path| {
        let metrics = read_json(&out.join("metrics.json"));
        let analysed = paper(&metrics, &gone).is_some_and(|p| p["key"] == key.as_str());
        let listed = unresolved(out)
            .iter()
            .any(|(k, r)| *k == key && r.starts_with("record vanished:"));
        (analysed, listed)
    };
    assert_eq!(
        reported(&out),
        (true, true),
        "analysed as last known, listed"
    );
    let metrics = read_json(&out.join("metrics.json"));
    let adopted = paper(&metrics, NEW_ID2).expect("the merged record adopted");
    assert_eq!(adopted["key"], merged_key.as_str());
    assert_eq!(s2_ids(adopted), [NEW_ID2.to_string(), merged.clone()]);
    let digest = read_json(&out.join("digest.json"));
    let vanished = digest["records_vanished"].as_array().unwrap();
    assert_eq!(vanished.len(), 1);
    assert_eq!(vanished[0]["paper_id"], gone.as_str());
    assert_eq!(vanished[0]["keys"][0], key.as_str());
    assert!(std::fs::read_to_string(out.join("digest.md"))
        .unwrap()
        .contains("no longer returned by Semantic Scholar"));

    // Every run says so until the API returns it: an offline one too.
    let (_, stderr) = run(dir.path(), None, &["--no-link-details"]);
    assert!(stderr.contains(&gone), "{stderr}");
    assert_eq!(reported(&out), (true, true));

    // Back in the API: no longer reported.
    let old = merged.clone();
    let back = MockBuilder::new(world())
        .edit(move |w| w.merge_record(&old, NEW_ID2))
        .start();
    run(
        dir.path(),
        Some(&back.url()),
        &["--update", "--no-link-details"],
    );
    assert_eq!(reported(&out), (true, false));
    assert!(read_json(&out.join("digest.json"))
        .get("records_vanished")
        .is_none());
}
