//! The maintainers' digest (issue 12): `run` on the world snapshot, then on a world that moved on
//! (new papers citing the list, a catalogue paper's preprint now published), finds the new
//! in-scope papers and the venue change, keeps the previous run under history/, and `diff` of
//! the two gives the same digest. A directory that is not a run's output is refused clearly.

use crate::analyze_support;
use crate::common;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// Catalogue paper ids of the world, by key (sorted, so the choice is stable).
fn catalog_ids() -> Vec<String> {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(common::world_truth()).unwrap()).unwrap();
    truth["catalog_by_key"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The world, six months later: `in_scope` new papers each citing five catalogue papers, one new
/// paper citing a single catalogue paper, and the first catalogue paper published at CVPR a
/// year later than its preprint. Returns the file, the new papers' ids and the moved paper's id.
fn moved_world(dir: &Path) -> (PathBuf, Vec<String>, String, String) {
    let catalog = catalog_ids();
    let world = std::fs::read_to_string(common::world_jsonl()).unwrap();
    let mut records: Vec<Value> = world
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let link =
        |id: &str| json!({"paperId": id, "isInfluential": false, "contexts": [], "intents": []});
    let mut new_papers = Vec::new();
    let mut cited: Vec<(String, String)> = Vec::new();
    for n in 0..4 {
        let id = format!("{:040x}", 0xfeed_0000_u64 + n);
        let refs: Vec<&String> = catalog.iter().skip(n as usize * 5).take(5).collect();
        for r in &refs {
            cited.push(((*r).clone(), id.clone()));
        }
        records.push(json!({
            "paperId": id,
            "externalIds": {"ArXiv": format!("2605.{:05}", n)},
            "title": format!("Brand new token merging study {n}"),
            "year": 2026, "venue": "", "publicationDate": "2026-05-01",
            "citationCount": 0, "influentialCitationCount": 0,
            "authors": [{"authorId": "1", "name": "Ada Lovelace"}],
            "references": refs.iter().map(|r| link(r)).collect::<Vec<_>>(),
            "citations": [], "referenceCount": refs.len()
        }));
        new_papers.push(id);
    }
    let lone = format!("{:040x}", 0xbeef_u64);
    cited.push((catalog[0].clone(), lone.clone()));
    records.push(json!({
        "paperId": lone, "externalIds": {}, "title": "A paper that cites the list once",
        "year": 2026, "venue": "", "citationCount": 0, "authors": [],
        "references": [link(&catalog[0])], "citations": [], "referenceCount": 1
    }));
    let moved = catalog[1].clone();
    for record in &mut records {
        let id = record["paperId"].as_str().unwrap().to_string();
        for (target, source) in &cited {
            if *target == id {
                record["citations"]
                    .as_array_mut()
                    .unwrap()
                    .push(link(source));
                let count = record["citationCount"].as_u64().unwrap_or(0) + 1;
                record["citationCount"] = json!(count);
            }
        }
        if id == moved {
            let year = record["year"].as_i64().unwrap_or(2020) + 1;
            record["venue"] = json!("CVPR");
            record["year"] = json!(year);
        }
    }
    let path = dir.join("world-later.jsonl");
    let text: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
    (path, new_papers, lone, moved)
}

fn run(dir: &Path, snapshot: &Path) -> String {
    run_on(dir, &common::catalog_dir(), snapshot)
}

/// `run` of `catalog` against `snapshot` into `dir/output` (cache in `dir/cache`); its stdout.
fn run_on(dir: &Path, catalog: &Path, snapshot: &Path) -> String {
    analyze_support::run_one_figure(dir, catalog, snapshot, &dir.join("output"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Removes the catalogue entry whose title line holds `title` (from its `- **[n] Title**` line
/// to the end of its BibTeX `</details>`) from the Markdown files under `dir`. Returns whether
/// it was found.
fn remove_entry(dir: &Path, title: &str) -> bool {
    let mut found = false;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found |= remove_entry(&path, title);
            continue;
        }
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let Some(start) = lines
            .iter()
            .position(|l| l.starts_with("- **[") && l.contains(title))
        else {
            continue;
        };
        let end = (start + 1..lines.len())
            .find(|&i| lines[i].trim_start().starts_with("</details>"))
            .unwrap();
        let kept: Vec<&str> = lines[..start]
            .iter()
            .chain(&lines[end + 1..])
            .copied()
            .collect();
        std::fs::write(&path, kept.join("\n") + "\n").unwrap();
        found = true;
    }
    found
}

/// The paper ids of the first `top` in-scope rows of `kind` in a run's `missing.csv`.
fn top_in_scope(out: &Path, kind: &str, top: usize) -> Vec<String> {
    let mut reader = csv::Reader::from_path(out.join("missing.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, kind_at, scope) = (column("paper_id"), column("kind"), column("scope"));
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[kind_at] == kind && &r[scope] == "in-scope")
        .take(top)
        .map(|r| r[id].to_string())
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_digest_finds_what_moved_in_the_world() {
    let dir = tempfile::tempdir().unwrap();
    let (later, new_papers, lone, moved) = moved_world(dir.path());
    let out = dir.path().join("output");

    let first = run(dir.path(), &common::world_jsonl());
    assert!(
        !first.contains("digest"),
        "no previous run, no digest:\n{first}"
    );
    assert!(!out.join("digest.json").exists());

    let second = run(dir.path(), &later);
    assert!(
        second.contains("Since the previous run: 5 new citing papers (4 in scope)"),
        "{second}"
    );
    let digest = read_json(&out.join("digest.json"));
    for key in [
        "new_citing",
        "newly_missing",
        "rank_changes",
        "venue_changes",
        "new_lint",
        "newly_unresolved",
        "catalog_added",
        "catalog_removed",
    ] {
        assert!(digest[key].is_array(), "digest.json lacks {key}");
    }

    // The new in-scope papers come first, each with its count of cited catalogue papers; the
    // paper that cites the list once comes after them, out of scope.
    let citing = digest["new_citing"].as_array().unwrap();
    let ids: Vec<&str> = citing
        .iter()
        .map(|c| c["paper_id"].as_str().unwrap())
        .collect();
    let mut first_four: Vec<&str> = ids[..4].to_vec();
    first_four.sort();
    assert_eq!(
        first_four,
        new_papers.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(ids[4], lone);
    for c in &citing[..4] {
        assert_eq!(c["in_scope"], true);
        assert_eq!(c["catalog_papers"], 5);
        // A candidate that made missing.csv (capped at --missing-limit) carries its evidence.
        if c["candidate"] == true {
            assert!(c["predicted_mechanism"].is_string());
            assert!(!c["evidence"].as_object().unwrap().is_empty());
        }
    }
    assert!(citing[..4].iter().any(|c| c["candidate"] == true));
    assert_eq!(citing[4]["in_scope"], false);
    assert_eq!(citing[4]["catalog_papers"], 1);

    // The preprint now published: its new venue and year, the list's entry to update.
    let venues = digest["venue_changes"].as_array().unwrap();
    assert_eq!(venues.len(), 1, "{venues:?}");
    assert_eq!(venues[0]["paper_id"], moved.as_str());
    assert_eq!(venues[0]["new_venue"], "CVPR");
    assert_ne!(venues[0]["old_venue"], "CVPR");
    assert_eq!(
        venues[0]["new_year"].as_i64().unwrap(),
        venues[0]["old_year"].as_i64().unwrap() + 1
    );

    // The same catalogue and records otherwise: nothing else is news.
    for key in ["newly_unresolved", "catalog_added", "catalog_removed"] {
        assert_eq!(
            digest[key].as_array().unwrap().len(),
            0,
            "{key}: {}",
            digest[key]
        );
    }
    // The list's own lint cannot change with the same catalogue; the badge checks can (the new
    // citing papers move the communities a paper's neighbourhood is judged by).
    let new_lint = digest["new_lint"].as_array().unwrap();
    assert!(
        new_lint.iter().all(|finding| finding["source"] == "tags"),
        "{new_lint:?}"
    );
    // The new papers that entered the top of missing.csv's candidates are newly missing.
    let newly_missing: Vec<&str> = digest["newly_missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["paper_id"].as_str().unwrap())
        .collect();
    let mut reader = csv::Reader::from_path(out.join("missing.csv")).unwrap();
    let top: Vec<String> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[3] == "candidate")
        .take(20)
        .map(|r| r[0].to_string())
        .collect();
    let entered: Vec<&String> = new_papers.iter().filter(|id| top.contains(id)).collect();
    assert!(
        !entered.is_empty(),
        "no new paper made the top 20 candidates"
    );
    for id in entered {
        assert!(
            newly_missing.contains(&id.as_str()),
            "{id} not newly missing"
        );
    }

    // digest.md: the summary first, then paste-ready entries in the list's format.
    let md = std::fs::read_to_string(out.join("digest.md")).unwrap();
    assert!(
        md.starts_with("Since the previous run: 5 new citing papers"),
        "{md}"
    );
    assert!(md.contains("- **[1] Brand new token merging study"), "{md}");
    assert!(md.contains("  *Lovelace, Ada.*"), "{md}");
    assert!(md.contains("](https://img.shields.io/badge/"), "{md}");
    assert!(md.contains("-> **CVPR "), "{md}");

    // The previous run is kept under history/, and `diff` of it and the new run gives the same
    // digest.
    let history: Vec<PathBuf> = std::fs::read_dir(out.join("history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(history.len(), 1);
    assert!(history[0].join("metrics.json").is_file());
    assert!(history[0].join("catalog.json").is_file());
    let elsewhere = dir.path().join("diffed");
    common::citegraph()
        .arg("diff")
        .arg(&history[0])
        .arg(&out)
        .arg("--output-dir")
        .arg(&elsewhere)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(elsewhere.join("digest.json")).unwrap(),
        std::fs::read(out.join("digest.json")).unwrap()
    );

    // Runs from different catalogues: a paper missing from the old catalogue is an addition.
    let older = dir.path().join("older");
    std::fs::create_dir_all(&older).unwrap();
    std::fs::copy(history[0].join("metrics.json"), older.join("metrics.json")).unwrap();
    let mut catalog = read_json(&history[0].join("catalog.json"));
    let dropped = catalog["papers"].as_array_mut().unwrap().remove(0);
    std::fs::write(older.join("catalog.json"), catalog.to_string()).unwrap();
    common::citegraph()
        .arg("diff")
        .arg(&older)
        .arg(&out)
        .arg("--output-dir")
        .arg(&elsewhere)
        .assert()
        .success();
    let digest = read_json(&elsewhere.join("digest.json"));
    let added = digest["catalog_added"].as_array().unwrap();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["key"], dropped["key"]);
}

#[test]
fn a_directory_that_is_not_a_run_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let assert = common::citegraph()
        .arg("diff")
        .arg(&empty)
        .arg(dir.path().join("nowhere"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("is not the output of a citegraph run"),
        "{stderr}"
    );
    assert!(stderr.contains("metrics.json"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    std::fs::write(empty.join("metrics.json"), "{ not json").unwrap();
    let assert = common::citegraph()
        .arg("diff")
        .arg(&empty)
        .arg(&empty)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("not a metrics file"), "{stderr}");
    assert!(
        !empty.join("digest.json").exists(),
        "nothing written on error"
    );
}

/// The tester's case: a catalogue paper removed from the list becomes the first in-scope
/// foundation of missing.csv. The digest lists it as newly missing (marked as removed from the
/// list), and every in-scope paper that entered either top 20 is listed, whatever the
/// background landmarks (whose raw scores are higher) do.
#[test]
fn a_paper_removed_from_the_list_is_newly_missing() {
    const TITLE: &str = "Deformable Convolutional Networks";
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog");
    copy_dir(&common::catalog_dir(), &catalog);
    let out = dir.path().join("output");

    run_on(dir.path(), &catalog, &common::world_jsonl());
    let old_tops: Vec<Vec<String>> = ["candidate", "foundation"]
        .iter()
        .map(|kind| top_in_scope(&out, kind, 20))
        .collect();
    let metrics = read_json(&out.join("metrics.json"));
    let removed = metrics["papers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == TITLE && p["in_catalog"] == true)
        .expect("a catalogue paper in the first run")
        .clone();

    assert!(
        remove_entry(&catalog, TITLE),
        "{TITLE} not in the catalogue"
    );
    let second = run_on(dir.path(), &catalog, &common::world_jsonl());
    let digest = read_json(&out.join("digest.json"));
    let removed_keys: Vec<&Value> = digest["catalog_removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["key"])
        .collect();
    assert_eq!(removed_keys, [&removed["key"]]);

    let newly: Vec<&Value> = digest["newly_missing"].as_array().unwrap().iter().collect();
    let ids: Vec<&str> = newly
        .iter()
        .map(|m| m["paper_id"].as_str().unwrap())
        .collect();
    // README: every paper in the new top 20 of its kind that was not in the old top 20.
    for (kind, old_top) in ["candidate", "foundation"].iter().zip(&old_tops) {
        let new_top = top_in_scope(&out, kind, 20);
        for (index, id) in new_top.iter().enumerate() {
            if old_top.contains(id) {
                assert!(!ids.contains(&id.as_str()), "{id} was in the old top 20");
                continue;
            }
            // A paper in both top 20s (cited by the list and citing it) has a row of each kind.
            let row = newly
                .iter()
                .find(|m| m["paper_id"] == id.as_str() && m["kind"] == *kind)
                .unwrap_or_else(|| panic!("{kind} {id} entered the top 20 but is not listed"));
            assert_eq!(row["rank"], index + 1);
        }
    }
    // Its foundation row (the list cites it; it may cite the list too, then it has both).
    let row = newly
        .iter()
        .find(|m| m["paper_id"] == removed["paper_id"] && m["kind"] == "foundation")
        .expect("the removed paper is newly missing");
    assert_eq!(row["removed_from_catalog"], removed["key"]);
    assert!(row["old_rank"].is_null());
    // Its prediction is `uncertain` or carries enough of the evidence.
    let metrics = read_json(&out.join("metrics.json"));
    let missing = metrics["missing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["paper_id"] == removed["paper_id"])
        .unwrap();
    assert_eq!(missing["predicted_mechanism"], row["predicted_mechanism"]);
    assert!(
        missing["predicted_mechanism"] == citegraph::analysis::UNCERTAIN
            || missing["confidence"].as_f64().unwrap()
                >= citegraph::analysis::MECHANISM_MIN_CONFIDENCE,
        "{missing}"
    );
    for m in &newly {
        if m["paper_id"] != removed["paper_id"] {
            assert!(m["removed_from_catalog"].is_null(), "{m}");
        }
    }
    let removed_count = newly
        .iter()
        .filter(|m| !m["removed_from_catalog"].is_null())
        .count();
    let summary = format!(
        "{} newly missing ({removed_count} removed from the list)",
        newly.len()
    );
    assert!(second.contains(&summary), "{second}");
    let md = std::fs::read_to_string(out.join("digest.md")).unwrap();
    assert!(
        md.lines()
            .any(|l| l.contains("removed from the list since") && l.contains(TITLE)),
        "{md}"
    );
}

/// A run's output directory holding `analysis` as its `metrics.json` (no catalog.json: the
/// catalogue keys come from the papers).
fn write_run(dir: &Path, analysis: &citegraph::analysis::Analysis) {
    std::fs::create_dir_all(dir).unwrap();
    let mut file = std::fs::File::create(citegraph::analysis::metrics_json::path(dir)).unwrap();
    citegraph::analysis::metrics_json::write(analysis, &mut file).unwrap();
}

/// A long title, as whole new domains have them (about 150 characters), unique by `n`.
fn long_title(n: usize) -> String {
    format!(
        "Domain-general token reduction number {n:04} for efficient vision transformers: merging, \
         pruning and recycling tokens across dense prediction tasks"
    )
}

/// Two runs of a 20-paper list: the later one has `domain` new papers citing three catalogue
/// papers each (a whole new domain; the first `candidates` also candidates of missing.csv, by
/// descending score, with eight authors), and catalogue paper `k019` no longer resolves.
fn grown_by_a_domain(
    domain: usize,
    candidates: usize,
) -> (citegraph::analysis::Analysis, citegraph::analysis::Analysis) {
    use citegraph::analysis::{Analysis, MissingKind, MissingPaper, MissingScope, PaperMetrics};
    let catalogue: Vec<PaperMetrics> = (0..20)
        .map(|n| PaperMetrics {
            paper_id: format!("cat{n:03}"),
            key: Some(format!("k{n:03}")),
            title: format!("Catalogue paper {n}"),
            in_catalog: true,
            pagerank: 0.01,
            ..PaperMetrics::default()
        })
        .collect();
    let old = Analysis {
        papers: catalogue.clone(),
        ..Analysis::default()
    };
    let mut new = Analysis {
        papers: catalogue[..19].to_vec(),
        ..Analysis::default()
    };
    new.unresolved.push(citegraph::records::Resolution {
        key: "k019".into(),
        paper_id: None,
        method: None,
        note: Some("no record matches the title".into()),
        gap: citegraph::records::Gap::None,
    });
    for n in 0..domain {
        let id = format!("new{n:04}");
        new.papers.push(PaperMetrics {
            paper_id: id.clone(),
            title: long_title(n),
            year: Some(2026),
            out_degree: 3,
            pagerank: 0.001,
            ..PaperMetrics::default()
        });
        if n < candidates {
            new.missing.push(MissingPaper {
                paper_id: id,
                title: long_title(n),
                year: Some(2026),
                venue: Some("CVPR".into()),
                authors: (0..8).map(|a| format!("Author{a} Surname{n}")).collect(),
                kind: MissingKind::Candidate,
                score: 1.0 - n as f64 / 10_000.0,
                catalog_papers: 3,
                evidence: [(
                    "token-merging".to_string(),
                    vec!["k001".into(), "k002".into()],
                )]
                .into(),
                predicted_mechanism: "token-merging".into(),
                confidence: 0.9,
                scope: MissingScope::InScope,
                ..MissingPaper::default()
            });
        }
    }
    (old, new)
}

/// `citegraph diff OLD NEW` of `old` and `new` with `extra` arguments: (digest.md, digest.json).
fn diff_of(
    dir: &Path,
    old: &citegraph::analysis::Analysis,
    new: &citegraph::analysis::Analysis,
    extra: &[&str],
) -> (String, Value) {
    let (old_dir, new_dir, out) = (dir.join("old"), dir.join("new"), dir.join("digest"));
    write_run(&old_dir, old);
    write_run(&new_dir, new);
    common::citegraph()
        .arg("diff")
        .arg(&old_dir)
        .arg(&new_dir)
        .arg("--output-dir")
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    (
        std::fs::read_to_string(out.join("digest.md")).unwrap(),
        read_json(&out.join("digest.json")),
    )
}

/// Entries (`- **[n] Title**`) and their closing comment lines in `md`: equal when no entry is
/// cut in the middle.
fn entries_and_ends(md: &str) -> (usize, usize) {
    let entries = md.lines().filter(|l| l.starts_with("- **[")).count();
    let ends = md
        .lines()
        .filter(|l| l.starts_with("  <!-- citegraph: candidate") && l.ends_with("-->"))
        .count();
    (entries, ends)
}

/// Issue 22: a week in which the list grows by a whole domain writes a digest far over GitHub's
/// 65,536-character issue body. digest.md stays within its budget, the most important changes
/// first (the top entries, and the one paper no longer resolved, which hundreds of new papers do
/// not crowd out), each cut section says how many more are in digest.json, and digest.json holds
/// everything.
#[test]
fn a_digest_too_large_for_an_issue_is_cut_to_fit_most_important_first() {
    const DOMAIN: usize = 600;
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = grown_by_a_domain(DOMAIN, 400);
    let (md, json) = diff_of(dir.path(), &old, &new, &[]);

    let length = md.chars().count();
    assert!(length <= citegraph::watch::DIGEST_MAX_CHARS, "{length}");
    assert!(length < 65_536);
    // Cut near the budget, not far below it.
    assert!(
        length > citegraph::watch::DIGEST_MAX_CHARS - 2_000,
        "{length}"
    );
    assert!(
        md.starts_with("Since the previous run: 600 new citing papers (600 in scope)"),
        "{}",
        &md[..200]
    );
    // The most important section first, its most important entries first, whole.
    let first_section = md.find("\n## ").unwrap();
    assert!(md[first_section..].starts_with("\n## New in-scope papers citing the list (600)\n"));
    assert!(md.contains(&format!("- **[1] {}**, CVPR 2026.", long_title(0))));
    assert!(md.contains(&format!("- **[2] {}**, CVPR 2026.", long_title(1))));
    let (entries, ends) = entries_and_ends(&md);
    assert!(entries >= 20, "{entries}");
    assert_eq!(entries, ends, "an entry cut in the middle");
    // The rest of the section is counted, with the right number.
    assert!(md.contains(&format!(
        "\nAnd {} more in digest.json (`new_citing`).\n",
        DOMAIN - entries
    )));
    // The paper no longer resolved is not crowded out, and comes before the rank moves.
    let unresolved = md
        .find("- `k019` **Catalogue paper 19**: no record matches the title")
        .expect("the newly unresolved paper is shown");
    assert!(unresolved < md.find("## Influence ranks").unwrap());
    // Newly missing: every section keeps its first items; the 20 new top candidates are there.
    assert!(md.contains("## Newly missing papers (20)"));
    assert!(md.contains(&format!(
        "- candidate #1 (new): **{}** (2026)",
        long_title(0)
    )));
    assert!(
        md.trim_end().ends_with("digest.json has every change."),
        "{}",
        &md[md.len() - 300..]
    );
    // digest.json is complete.
    let citing = json["new_citing"].as_array().unwrap();
    assert_eq!(citing.len(), DOMAIN);
    let mut ids: Vec<&str> = citing
        .iter()
        .map(|c| c["paper_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), DOMAIN);
    assert_eq!(json["newly_unresolved"].as_array().unwrap().len(), 1);

    // A smaller budget (--digest-max-chars) is kept as well, the top entry and the unresolved
    // paper still first; a budget too small for the headings is refused.
    let (small, _) = diff_of(dir.path(), &old, &new, &["--digest-max-chars", "8000"]);
    assert!(small.chars().count() <= 8_000, "{}", small.chars().count());
    assert!(small.contains(&format!("- **[1] {}**", long_title(0))));
    assert!(small.contains("- `k019` **Catalogue paper 19**"));
    let (entries, ends) = entries_and_ends(&small);
    assert_eq!(entries, ends);
    assert!(small.contains(&format!(
        "\nAnd {} more in digest.json (`new_citing`).\n",
        DOMAIN - entries
    )));
    let assert = common::citegraph()
        .args(["diff", "a", "b", "--digest-max-chars", "100"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("--digest-max-chars"), "{stderr}");
}

/// A digest that fits is written whole: no "more in digest.json" line, and the same file under
/// a budget of exactly its length (or the smallest budget, when the file is shorter).
#[test]
fn a_digest_that_fits_is_not_cut() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = grown_by_a_domain(3, 3);
    let (md, _) = diff_of(dir.path(), &old, &new, &[]);
    assert!(!md.contains("more in digest.json"), "{md}");
    assert!(!md.contains("is cut"), "{md}");
    assert_eq!(entries_and_ends(&md), (3, 3));
    assert!(md.contains("## No longer resolved (1)"));
    let length = md.chars().count().max(citegraph::watch::MIN_DIGEST_CHARS);
    let (exact, _) = diff_of(
        dir.path(),
        &old,
        &new,
        &["--digest-max-chars", &length.to_string()],
    );
    assert_eq!(exact, md);
}
