//! Cluster numbers and names that last from week to week (issue #24): `run` on the world
//! snapshot, then `run` again into the same OUTPUT on a copy with 36 more links between
//! catalogue papers (the size of the weekly update the issue saw: 36 of 14,961 links). The
//! second run starts Leiden from the first run's communities; a third run on the same copy
//! into an empty OUTPUT starts from singletons (a cold start) and is the comparison.
//!
//! Threshold: the co-assignment agreement of the catalogue papers (of the pairs either run puts
//! in one community, the share both do) with the first run. Measured on this world: 1.000 warm
//! (no Leiden trial beats the start by the tolerance, so it stands; 0.974 before that rule),
//! 0.291 cold (seed 0; 0.402 with another 36 links). 36 links among 275 catalogue papers move
//! a few papers at most, not the map: the warm run must keep at least 0.95, and beat the cold
//! run by at least 0.2.
//!
//! And a run on the same records again gives back the same communities and files.

use crate::analyze_support;
use crate::common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// The world with `links` more citations between catalogue papers (chosen by a fixed
/// generator, never a pair already linked), in both records' lists.
fn world_with_links(dir: &Path, links: usize) -> PathBuf {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(common::world_truth()).unwrap()).unwrap();
    let mut catalog: Vec<String> = truth["catalog_by_key"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    catalog.sort();
    catalog.dedup();
    let world = std::fs::read_to_string(common::world_jsonl()).unwrap();
    let mut records: Vec<Value> = world
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let index: HashMap<String, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r["paperId"].as_str().unwrap().to_string(), i))
        .collect();
    let catalog: Vec<&String> = catalog
        .iter()
        .filter(|id| index.contains_key(*id))
        .collect();
    let link =
        |id: &str| json!({"paperId": id, "isInfluential": false, "contexts": [], "intents": []});
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |bound: usize| {
        // xorshift64*: a fixed sequence, no dependency.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % bound
    };
    let mut added = 0;
    while added < links {
        let (a, b) = (catalog[next(catalog.len())], catalog[next(catalog.len())]);
        let (ia, ib) = (index[a], index[b]);
        let cites = |r: &Value, id: &str| {
            r["references"]
                .as_array()
                .is_some_and(|refs| refs.iter().any(|l| l["paperId"] == id))
        };
        if a == b || cites(&records[ia], b) || cites(&records[ib], a) {
            continue;
        }
        records[ia]["references"]
            .as_array_mut()
            .unwrap()
            .push(link(b));
        records[ib]["citations"]
            .as_array_mut()
            .unwrap()
            .push(link(a));
        added += 1;
    }
    let path = dir.join("world-36-links.jsonl");
    let text: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
    path
}

/// `run` of the world's catalogue against `snapshot` into `output`; its stdout.
fn run(dir: &Path, snapshot: &Path, output: &Path) -> String {
    analyze_support::run_one_figure(dir, &common::catalog_dir(), snapshot, output)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Paper id -> community, of the catalogue papers (or of every paper).
fn communities(metrics: &Value, catalog_only: bool) -> BTreeMap<String, u64> {
    metrics["papers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !catalog_only || p["in_catalog"] == true)
        .map(|p| {
            (
                p["paper_id"].as_str().unwrap().to_string(),
                p["community"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Co-assignment agreement by counting every pair of the papers in both: pairs together in
/// both over pairs together in either.
fn co_assignment(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> f64 {
    let shared: Vec<(&u64, &u64)> = a
        .iter()
        .filter_map(|(id, ca)| b.get(id).map(|cb| (ca, cb)))
        .collect();
    let (mut both, mut either) = (0u64, 0u64);
    for i in 0..shared.len() {
        for j in i + 1..shared.len() {
            let in_a = shared[i].0 == shared[j].0;
            let in_b = shared[i].1 == shared[j].1;
            both += u64::from(in_a && in_b);
            either += u64::from(in_a || in_b);
        }
    }
    both as f64 / either as f64
}

#[test]
fn a_warm_start_keeps_the_clusters_of_last_week() {
    let dir = tempfile::tempdir().unwrap();
    let later = world_with_links(dir.path(), 36);
    let (output, cold_output) = (dir.path().join("output"), dir.path().join("cold"));
    let first_text = run(dir.path(), &common::world_jsonl(), &output);
    assert!(!first_text.contains("stability:"), "{first_text}");
    let first = read_json(&output.join("metrics.json"));
    assert!(first["summary"].get("community_stability").is_none());
    let files = ["papers.csv", "clusters.csv"];
    let before_files: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(output.join(f)).unwrap())
        .collect();

    // The same records again: the same communities, labels and files; nothing to report.
    run(dir.path(), &common::world_jsonl(), &output);
    for (name, bytes) in files.iter().zip(&before_files) {
        assert!(
            std::fs::read(output.join(name)).unwrap() == *bytes,
            "{name} changed"
        );
    }
    let same = read_json(&output.join("digest.json"));
    assert_eq!(same["cluster_changes"].as_array().unwrap().len(), 0);
    assert_eq!(
        same["community_agreement"]["co_assignment"].as_f64(),
        Some(1.0)
    );

    let warm_text = run(dir.path(), &later, &output);
    let cold_text = run(dir.path(), &later, &cold_output);
    assert!(!cold_text.contains("stability:"), "{cold_text}");
    let (warm, cold) = (
        read_json(&output.join("metrics.json")),
        read_json(&cold_output.join("metrics.json")),
    );
    let before = communities(&first, true);
    let warm_agreement = co_assignment(&before, &communities(&warm, true));
    let cold_agreement = co_assignment(&before, &communities(&cold, true));
    assert!(
        warm_agreement >= 0.95 && warm_agreement > cold_agreement + 0.2,
        "co-assignment with the first run: warm {warm_agreement}, cold {cold_agreement}"
    );

    // The summary's numbers are the pair count's.
    let stability = &warm["summary"]["community_stability"];
    let reported = stability["co_assignment"].as_f64().unwrap();
    assert!((reported - warm_agreement).abs() < 1e-12, "{stability}");
    let all = co_assignment(&communities(&first, false), &communities(&warm, false));
    assert!((stability["co_assignment_all"].as_f64().unwrap() - all).abs() < 1e-12);
    assert_eq!(stability["shared_catalog_papers"], before.len());
    assert!(
        warm_text.contains(&format!("co-assignment agreement {reported:.3} over the")),
        "{warm_text}"
    );

    // Numbers persist: each community of the first run of at least 5 papers is, for most of
    // its papers, in the warm run's community of the same number.
    let (old_all, new_all) = (communities(&first, false), communities(&warm, false));
    let mut moved_to: BTreeMap<u64, BTreeMap<u64, usize>> = BTreeMap::new();
    for (id, c) in &old_all {
        if let Some(n) = new_all.get(id) {
            *moved_to.entry(*c).or_default().entry(*n).or_default() += 1;
        }
    }
    for (c, to) in &moved_to {
        let size: usize = to.values().sum();
        if size < 5 {
            continue;
        }
        let same = to.get(c).copied().unwrap_or(0);
        assert!(2 * same > size, "community {c}: {to:?}");
    }
    // Labels last too: most continued communities keep theirs.
    let continued = stability["continued"].as_u64().unwrap();
    assert!(continued >= 10, "{stability}");
    assert!(2 * stability["kept_label"].as_u64().unwrap() >= continued);

    // The digest says what happened to the clusters, renames first among few changes.
    let digest = read_json(&output.join("digest.json"));
    let changes = digest["cluster_changes"].as_array().unwrap();
    assert!(changes.len() < continued as usize, "{changes:?}");
    for change in changes {
        let kind = change["change"].as_str().unwrap();
        assert!(
            ["split", "merged", "new", "dissolved", "renamed"].contains(&kind),
            "{change}"
        );
        if kind == "renamed" {
            assert_ne!(change["old"][0]["label"], change["new"][0]["label"]);
        }
    }
    assert_eq!(
        digest["community_agreement"]["co_assignment"].as_f64(),
        Some(reported)
    );
    let md = std::fs::read_to_string(output.join("digest.md")).unwrap();
    assert!(
        md.contains(&format!("## Clusters ({})", changes.len())),
        "{md}"
    );
    assert!(digest["summary"]
        .as_str()
        .unwrap()
        .contains(&format!("(co-assignment agreement {reported:.3})")));
}

/// `analyze` step by step keeps the clusters as `run` does: started from the communities of the
/// run in OUTPUT, it says their agreement (once it renamed nearly every cluster, 0.31).
#[test]
fn analyze_starts_from_the_communities_in_its_output_too() {
    let dir = tempfile::tempdir().unwrap();
    let later = world_with_links(dir.path(), 36);
    let output = dir.path().join("output");
    let analyze = |snapshot: &Path| {
        let out = common::citegraph()
            .args(["analyze", "--catalog"])
            .arg(common::catalog_dir())
            .arg("--snapshot")
            .arg(snapshot)
            .arg("--output-dir")
            .arg(&output)
            .arg("--cache-dir")
            .arg(dir.path().join("cache"))
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    let first = analyze(&common::world_jsonl());
    assert!(!first.contains("stability:"), "{first}");
    let second = analyze(&later);
    assert!(
        second.contains("stability: Leiden started from the previous run"),
        "{second}"
    );
    let metrics = read_json(&output.join("metrics.json"));
    let agreement = metrics["summary"]["community_stability"]["co_assignment"]
        .as_f64()
        .unwrap();
    assert!(agreement >= 0.95, "co-assignment agreement {agreement}");
}
