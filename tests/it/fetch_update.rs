//! `fetch --update` (issue 12): after a full fetch of a world, an update against the same world
//! months later ends with exactly the citation sets (and, where referenceCount changed, the
//! references) of a fresh full fetch of the later world, with far fewer requests; an empty
//! cache makes it a full fetch; a killed update resumes. Also the mock's `publicationDateOrYear`
//! filter, and (issue 11) an empty nested citation list with a positive count.

use crate::common;
use crate::fetch_support;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::mock_s2::{civil_date, civil_days, DateRange, Endpoint, MockBuilder, World};
use fetch_support::*;
use serde_json::json;

/// A full fetch of the world, then `--update` against the world six months on, then a fresh
/// full fetch of that later world: the same link sets, records and notes, in a fraction of the
/// requests. `link_details` picks the mode (the default pages every list).
fn update_matches_a_fresh_fetch(link_details: bool) {
    let catalog = real_catalog();
    let (later, planted) = later_world(6);
    assert!(!planted.year_only.is_empty() && !planted.late_indexed.is_empty());
    assert!(!planted.venue_changed.is_empty() && !planted.references_changed.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let first = MockBuilder::new(world()).start();
    let mut opts = options(&first.url());
    opts.link_details = link_details;
    let full = fetch_in(&catalog, &opts, dir.path()).unwrap();
    drop(first);

    let moved = MockBuilder::new(later.clone()).start();
    let mut update = options(&moved.url());
    update.link_details = link_details;
    update.update = true;
    let updated = fetch_in(&catalog, &update, dir.path()).unwrap();
    assert_eq!(updated.requests as usize, moved.requests());
    let log = moved.log();

    let fresh_mock = MockBuilder::new(later).start();
    let mut fresh_opts = options(&fresh_mock.url());
    fresh_opts.link_details = link_details;
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = fetch_in(&catalog, &fresh_opts, fresh_dir.path()).unwrap();

    // The same papers, the same citing and cited papers, the same records.
    let (got, want) = (link_sets(&updated), link_sets(&fresh));
    assert_eq!(got.len(), want.len());
    for (id, sets) in &want {
        assert_eq!(
            got.get(id),
            Some(sets),
            "{id}: citations or references differ"
        );
    }
    let planted_citers: HashSet<&String> = planted.citers.iter().collect();
    let reached: usize = got
        .values()
        .map(|(citations, _)| {
            citations
                .iter()
                .filter(|c| planted_citers.contains(c))
                .count()
        })
        .sum();
    assert!(reached > 100, "the new citers arrived: {reached}");
    for (new, old) in fresh.records.iter().zip(&updated.records) {
        assert_eq!(new.paper_id, old.paper_id);
        assert_eq!(new.venue, old.venue, "{}", new.paper_id);
        assert_eq!(new.citation_count, old.citation_count, "{}", new.paper_id);
        assert_eq!(new.reference_count, old.reference_count, "{}", new.paper_id);
    }
    for id in &planted.venue_changed {
        if let Some(record) = updated.records.iter().find(|r| &r.paper_id == id) {
            assert_eq!(
                record.venue.as_deref(),
                Some("Advances in Neural Information Processing Systems")
            );
        }
    }
    assert_eq!(updated.resolutions, fresh.resolutions);

    if link_details {
        asked_with_link_details(&log, &updated, &fresh, &planted);
    } else {
        // Without link details the changed papers' lists come nested in one more batch call.
        assert_eq!(counts(&log).get("citations"), None);
        assert_eq!(counts(&log).get("references"), None);
    }
    let batches = log.iter().filter(|l| l.endpoint == Endpoint::Batch).count();
    assert!(
        batches <= if link_details { 2 } else { 3 },
        "{batches} batch calls"
    );
    let total = updated.requests as usize;
    assert!(
        total * 3 < full.requests as usize && total * 3 < fresh.requests as usize,
        "update {total} requests ({:?}), full fetch {} / {}",
        counts(&log),
        full.requests,
        fresh.requests
    );
    assert!(total <= 150, "update {total} requests: {:?}", counts(&log));

    // What it stored is what it returned: the cache alone gives the same sets.
    let mut offline = options("http://127.0.0.1:9/graph/v1");
    offline.link_details = link_details;
    let cached = citegraph::s2::fetch(
        &catalog,
        &offline,
        &no_snapshot(),
        &citegraph::s2::Environment {
            offline: true,
            ..env(dir.path())
        },
    )
    .unwrap();
    assert_eq!(link_sets(&cached), got);

    // Nothing changed since: a second update asks the records and the unknown ids again, and
    // no list.
    let again_mock = MockBuilder::new(later_world(6).0).start();
    let mut again = options(&again_mock.url());
    again.link_details = link_details;
    again.update = true;
    let again_corpus = fetch_in(&catalog, &again, dir.path()).unwrap();
    assert_eq!(again_mock.count(Endpoint::Citations), 0);
    assert_eq!(again_mock.count(Endpoint::References), 0);
    assert_eq!(link_sets(&again_corpus), got);
}

/// What an update with link details asked: one batch of records (and one of the ids the first
/// world did not know), the titles the first world did not match, a filtered citations page per
/// paper whose count grew, whole lists only where a citer was indexed long after its
/// publication, references only where referenceCount changed.
fn asked_with_link_details(
    log: &[common::mock_s2::Logged],
    updated: &citegraph::records::Corpus,
    fresh: &citegraph::records::Corpus,
    planted: &common::mock_s2::LaterTruth,
) {
    let resolved: HashSet<&str> = updated
        .records
        .iter()
        .map(|r| r.paper_id.as_str())
        .collect();
    let grown = planted
        .cited
        .iter()
        .filter(|id| resolved.contains(id.as_str()))
        .count();
    let citations: Vec<&str> = log
        .iter()
        .filter(|l| l.endpoint == Endpoint::Citations)
        .map(|l| l.target.as_str())
        .collect();
    let filtered = citations
        .iter()
        .filter(|t| t.contains("publicationDateOrYear="))
        .count();
    let whole = citations.len() - filtered;
    assert!(
        filtered >= grown.min(1) && filtered <= grown + 2,
        "{filtered} filtered pages for {grown} papers with new citers"
    );
    let year = &civil_date(today() - 28)[..4];
    assert!(
        citations
            .iter()
            .filter(|t| t.contains("publicationDateOrYear="))
            .all(|t| t.contains(&format!("publicationDateOrYear={year}-01-01%3A"))),
        "{citations:?}"
    );
    let very_late_cited: HashSet<&String> = planted
        .very_late
        .iter()
        .flat_map(|id| {
            fresh
                .records
                .iter()
                .filter(move |r| {
                    r.citations
                        .iter()
                        .flatten()
                        .any(|c| c.paper_id.as_deref() == Some(id.as_str()))
                })
                .map(|r| &r.paper_id)
        })
        .collect();
    assert!(!very_late_cited.is_empty());
    assert_eq!(
        whole,
        very_late_cited.len(),
        "whole lists read again: only where a citer published long before was indexed since"
    );
    let references: Vec<&str> = log
        .iter()
        .filter(|l| l.endpoint == Endpoint::References)
        .map(|l| l.target.as_str())
        .collect();
    let changed: Vec<&String> = planted
        .references_changed
        .iter()
        .filter(|id| resolved.contains(id.as_str()))
        .collect();
    assert_eq!(references.len(), changed.len(), "{references:?}");
    for id in changed {
        assert!(references.iter().any(|t| t.contains(id.as_str())));
    }
}

fn counts(log: &[common::mock_s2::Logged]) -> std::collections::BTreeMap<&'static str, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for logged in log {
        *counts.entry(logged.endpoint.name()).or_default() += 1;
    }
    counts
}

#[test]
fn update_with_link_details_ends_like_a_fresh_fetch() {
    update_matches_a_fresh_fetch(true);
}

#[test]
fn update_without_link_details_ends_like_a_fresh_fetch() {
    update_matches_a_fresh_fetch(false);
}

#[test]
fn update_with_an_empty_cache_is_a_full_fetch() {
    let catalog = truth_catalog();
    let plain_mock = MockBuilder::new(world()).start();
    let plain_dir = tempfile::tempdir().unwrap();
    let plain = fetch_in(&catalog, &options(&plain_mock.url()), plain_dir.path()).unwrap();

    let mock = MockBuilder::new(world()).start();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock.url());
    opts.update = true;
    let updated = fetch_in(&catalog, &opts, dir.path()).unwrap();
    assert_eq!(updated.requests, plain.requests);
    assert_eq!(mock.counts(), plain_mock.counts());
    assert_eq!(export(dir.path()), export(plain_dir.path()));
}

#[test]
fn a_killed_update_resumes() {
    let (later, _) = later_world(6);
    let dir = tempfile::tempdir().unwrap();
    let first = MockBuilder::new(world()).start();
    citegraph_fetch(dir.path(), &first.url()).assert().success();
    drop(first);

    let moved = MockBuilder::new(later.clone())
        .delay(Duration::from_millis(40))
        .start();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("citegraph"))
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .arg("--output-dir")
        .arg(dir.path().join("output"))
        .args([
            "fetch",
            "--update",
            "--api-url",
            &moved.url(),
            "--rps",
            "1000",
        ])
        .env_remove("S2_API_KEY")
        .env_remove("S2_API_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while moved.count(Endpoint::Citations) < 12 {
        assert!(
            Instant::now() < deadline,
            "no progress: {:?}",
            moved.counts()
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the update ended before the kill"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let pages_before = moved.count(Endpoint::Citations);
    // Every cache file is whole.
    for file in files_under(&dir.path().join("cache")) {
        if file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".tmp-")
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }

    let resumed = MockBuilder::new(later.clone()).start();
    citegraph_fetch(dir.path(), &resumed.url())
        .arg("--update")
        .assert()
        .success();
    let uninterrupted = tempfile::tempdir().unwrap();
    let whole_mock = MockBuilder::new(world()).start();
    citegraph_fetch(uninterrupted.path(), &whole_mock.url())
        .assert()
        .success();
    let whole_update = MockBuilder::new(later.clone()).start();
    citegraph_fetch(uninterrupted.path(), &whole_update.url())
        .arg("--update")
        .assert()
        .success();
    // The rerun asked only what the killed run had not stored: up to the papers in flight (4),
    // each with two pages at most (a filtered one, then the whole list).
    assert!(
        resumed.count(Endpoint::Citations) + pages_before
            <= whole_update.count(Endpoint::Citations) + 8,
        "resumed {} + killed {pages_before} vs one update {}",
        resumed.count(Endpoint::Citations),
        whole_update.count(Endpoint::Citations)
    );
    assert!(resumed.count(Endpoint::Citations) < whole_update.count(Endpoint::Citations));

    // The same sets as a fresh fetch of the later world.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_mock = MockBuilder::new(later).start();
    citegraph_fetch(fresh.path(), &fresh_mock.url())
        .assert()
        .success();
    let sets = |dir: &std::path::Path| snapshot_sets(&export(dir));
    assert_eq!(sets(dir.path()), sets(fresh.path()));
}

/// Citing and cited ids of every line of an exported snapshot.
fn snapshot_sets(text: &str) -> std::collections::BTreeMap<String, (Vec<String>, Vec<String>)> {
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let ids = |list: &str| {
                let mut ids: Vec<String> = v[list]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|l| l["paperId"].as_str().map(String::from))
                    .collect();
                ids.sort();
                ids
            };
            (
                v["paperId"].as_str().unwrap().to_string(),
                (ids("citations"), ids("references")),
            )
        })
        .collect()
}

#[test]
fn the_mock_filters_citations_by_publication_date_or_year() {
    let range = |raw: &str| DateRange::parse(raw).unwrap_or_else(|| panic!("{raw}"));
    let paper =
        |date: Option<&str>, year: Option<i64>| json!({"publicationDate": date, "year": year});
    assert!(range("2026-01-01:").holds(&paper(Some("2026-05-03"), Some(2026))));
    assert!(!range("2026-06:").holds(&paper(Some("2026-05-31"), Some(2026))));
    // A paper with a year alone counts as published on January 1st.
    assert!(range("2026:").holds(&paper(None, Some(2026))));
    assert!(!range("2026-02-01:").holds(&paper(None, Some(2026))));
    assert!(!range("2020:").holds(&paper(None, None)));
    assert!(range(":2015-01").holds(&paper(Some("2015-01-31"), Some(2015))));
    assert!(range("2015:2020").holds(&paper(Some("2020-12-31"), Some(2020))));
    assert!(!range("2015:2020").holds(&paper(Some("2021-01-01"), Some(2021))));
    assert!(range("2019-03").holds(&paper(Some("2019-03-17"), Some(2019))));
    for bad in ["", "2019-3", "yesterday:", "2019-03-05-01"] {
        assert!(DateRange::parse(bad).is_none(), "{bad}");
    }
    assert_eq!(civil_days("1970-01-01"), Some(0));
    assert_eq!(civil_date(civil_days("2026-11-30").unwrap()), "2026-11-30");
    assert_eq!(
        civil_date(civil_days("2024-02-29").unwrap() + 1),
        "2024-03-01"
    );

    // Over HTTP: only the citers in range, paged within them; 400 on /references and on a bad
    // range, as documented.
    let mut world = World::default();
    let cited = "c".repeat(40);
    let citers = [
        ("1".repeat(40), Some("2025-12-31"), 2025),
        ("2".repeat(40), Some("2026-03-01"), 2026),
        ("3".repeat(40), None, 2026),
        ("4".repeat(40), Some("2026-07-01"), 2026),
    ];
    for (id, date, year) in &citers {
        world.insert(
            json!({"paperId": id, "title": id, "year": year, "publicationDate": date,
                            "references": [{"paperId": cited}], "citations": []}),
        );
    }
    let links: Vec<_> = citers
        .iter()
        .map(|(id, _, _)| json!({"paperId": id}))
        .collect();
    world.insert(json!({"paperId": cited, "title": "cited", "year": 2024,
                        "references": [], "citations": links}));
    let mock = MockBuilder::new(world).start();
    let get = |query: &str| {
        let url = format!("{}/paper/{cited}/{query}", mock.url());
        let response = reqwest::blocking::get(url).unwrap();
        let status = response.status().as_u16();
        (status, response.json::<serde_json::Value>().unwrap())
    };
    let (status, page) = get("citations?publicationDateOrYear=2026-01-01:&limit=2&fields=year");
    assert_eq!(status, 200);
    let ids = |page: &serde_json::Value| -> Vec<String> {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["citingPaper"]["paperId"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&page), [citers[1].0.clone(), citers[2].0.clone()]);
    assert_eq!(page["next"], 2);
    let (_, rest) = get("citations?publicationDateOrYear=2026-01-01:&offset=2&limit=2");
    assert_eq!(ids(&rest), [citers[3].0.clone()]);
    assert!(rest.get("next").is_none());
    let (_, june) = get("citations?publicationDateOrYear=2026-02:2026-06");
    assert_eq!(ids(&june), [citers[1].0.clone()]);
    assert_eq!(get("citations?publicationDateOrYear=soon").0, 400);
    assert_eq!(get("references?publicationDateOrYear=2026:").0, 400);
}

/// Issue 11: with `--no-link-details`, a cited paper whose batch answer nests no citations is
/// warned about by name and its citations come from the paginated endpoint; a list that is
/// empty there too gets a note and is asked once.
#[test]
fn an_empty_nested_citation_list_falls_back_to_pages() {
    let papers = world_papers();
    // Two catalogue papers the real catalogue resolves to (by arXiv id), with citations.
    let mut cited: Vec<&String> = catalog_ids()
        .iter()
        .filter_map(|id| papers.get_key_value(id).map(|(k, _)| k))
        .filter(|id| {
            papers[*id]["citations"]
                .as_array()
                .is_some_and(|c| c.len() > 3)
        })
        .filter(|id| papers[*id]["externalIds"]["ArXiv"].is_string())
        .collect();
    cited.sort();
    let glitch = cited[0].clone();
    let elided = cited[1].clone();
    let elided_count = papers[&elided]["citationCount"].as_u64().unwrap();
    let planted = elided.clone();
    let mock = MockBuilder::new(world())
        .empty_nested_citations(&glitch)
        .edit(move |world| {
            // Listed nowhere, counted all the same.
            world.paper_mut(&planted).unwrap()["citations"] = json!([]);
        })
        .start();
    let dir = tempfile::tempdir().unwrap();
    let out = citegraph_fetch(dir.path(), &mock.url())
        .arg("--no-link-details")
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stderr.contains(&glitch) && stderr.contains("lists no citations"),
        "{stderr}"
    );
    let pages_of = |id: &str| {
        mock.log()
            .iter()
            .filter(|l| l.endpoint == Endpoint::Citations && l.target.contains(id))
            .count()
    };
    assert_eq!(pages_of(&glitch), 1);
    assert_eq!(pages_of(&elided), 1, "asked once, not forever");
    let exported = snapshot_lines(&{
        let text = export(dir.path());
        let file = dir.path().join("x.jsonl");
        std::fs::write(&file, text).unwrap();
        file
    });
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["citations"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|l| l["paperId"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(ids(&exported[&glitch]), ids(&papers[&glitch]));
    assert!(!ids(&exported[&glitch]).is_empty());
    assert!(
        stdout.contains(&format!("counts {elided_count} citations but lists none")),
        "{stdout}"
    );
    // Only those two lists were paged: the rest came nested.
    assert_eq!(mock.count(Endpoint::Citations), 2);
}

#[test]
fn update_is_a_fetch_and_run_option_that_excludes_refresh_snapshot_and_offline() {
    let dir = tempfile::tempdir().unwrap();
    // Refused before anything is read or asked: each of these asks nothing to update from.
    for (command, other) in [
        ("fetch", vec!["--refresh"]),
        ("run", vec!["--offline"]),
        ("fetch", vec!["--snapshot", "world.jsonl"]),
    ] {
        let refused = citegraph_in(dir.path())
            .args([command, "--update"])
            .args(&other)
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
        assert!(
            stderr.contains("--update") && stderr.contains(other[0]),
            "{command} {other:?}: {stderr}"
        );
    }
    for command in ["fetch", "run"] {
        let help = citegraph_in(dir.path())
            .args([command, "--help"])
            .assert()
            .success();
        let text = String::from_utf8_lossy(&help.get_output().stdout).into_owned();
        assert!(text.contains("--update"), "{command} --help:\n{text}");
    }
}
