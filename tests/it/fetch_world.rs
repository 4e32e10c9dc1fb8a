//! The fetch of a whole catalogue against the mock serving the shared world: every quirk of
//! truth.json, the request count against the minimum the world allows, zero requests on rerun,
//! `--offline` with no server, snapshots.

use crate::common;
use crate::fetch_support;

use std::collections::HashMap;

use citegraph::records::{self, Corpus, ResolveMethod};
use citegraph::s2::{self, RecordSource};
use common::mock_s2::{Endpoint, MockBuilder};
use fetch_support::*;

fn by_key(corpus: &Corpus) -> HashMap<&str, &records::Resolution> {
    corpus
        .resolutions
        .iter()
        .map(|r| (r.key.as_str(), r))
        .collect()
}

fn record<'a>(corpus: &'a Corpus, id: &str) -> &'a records::PaperRecord {
    corpus
        .records
        .iter()
        .find(|r| r.paper_id == id)
        .unwrap_or_else(|| panic!("no record {id}"))
}

#[test]
fn whole_catalogue_resolves_completely_with_the_minimum_requests() {
    let truth = truth();
    let world = world_papers();
    let catalog = truth_catalog();
    let mock = MockBuilder::new(fetch_support::world()).start();
    let dir = tempfile::tempdir().unwrap();
    let env = env(dir.path());

    let corpus = s2::fetch(&catalog, &options(&mock.url()), &no_snapshot(), &env).unwrap();
    let resolutions = by_key(&corpus);

    // Every catalogue paper the world holds resolves to its record.
    let planted = truth["catalog_by_key"].as_object().unwrap();
    for (key, id) in planted {
        let r = resolutions[key.as_str()];
        assert_eq!(r.paper_id.as_deref(), id.as_str(), "{key}: {r:?}");
    }
    // Title-only papers: found by title match.
    for title in truth["title_only"].as_array().unwrap() {
        let key = planted
            .iter()
            .find(|(_, id)| {
                world[id.as_str().unwrap()]["title"]
                    .as_str()
                    .map(common::mock_s2::normalize_title)
                    == Some(common::mock_s2::normalize_title(title.as_str().unwrap()))
            })
            .map(|(k, _)| k.as_str())
            .unwrap_or_else(|| panic!("title-only {title} not in the catalogue"));
        assert_eq!(resolutions[key].method, Some(ResolveMethod::Title), "{key}");
    }
    // Unresolvable ones: unresolved, with a reason, in unresolved.csv.
    let file = citegraph::render::unresolved_file(&catalog, &corpus.resolutions).unwrap();
    let mut reader = csv::Reader::from_reader(file.contents.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), truth["unresolvable"].as_array().unwrap().len());
    for title in truth["unresolvable"].as_array().unwrap() {
        let row = rows
            .iter()
            .find(|r| &r[1] == title.as_str().unwrap())
            .expect("listed");
        assert!(!row[5].is_empty(), "a reason: {row:?}");
    }

    // Complete lists: every reference and citation the world holds, in one record per paper.
    assert_eq!(corpus.records.len(), planted.len());
    for record in &corpus.records {
        let planted = &world[&record.paper_id];
        let refs = record.references.as_ref().unwrap();
        assert_eq!(
            refs.len(),
            planted["references"].as_array().unwrap().len(),
            "{}",
            record.paper_id
        );
        let cits = record.citations.as_ref().unwrap();
        assert_eq!(
            cits.len(),
            planted["citations"].as_array().unwrap().len(),
            "{}",
            record.paper_id
        );
    }
    let paginated = record(&corpus, truth["paginated"].as_str().unwrap());
    assert!(paginated.references.as_ref().unwrap().len() > 1000);
    // Null reference ids: kept (counted), never an id.
    let nulls: usize = corpus
        .records
        .iter()
        .flat_map(|r| r.references.iter().flatten())
        .filter(|l| l.paper_id.is_none())
        .count();
    assert_eq!(
        nulls as u64,
        truth["null_reference_entries"].as_u64().unwrap()
    );
    let summary = s2::summary(&catalog, &corpus);
    assert!(
        summary.contains(&format!("({nulls} without a Semantic Scholar id")),
        "{summary}"
    );
    // Elided reference lists: reported.
    for id in truth["elided_references"].as_array().unwrap() {
        let r = corpus
            .resolutions
            .iter()
            .find(|r| r.paper_id.as_deref() == id.as_str())
            .unwrap();
        assert!(
            r.note.as_deref().unwrap_or("").contains("no references"),
            "{r:?}"
        );
        assert!(summary.contains(&r.key), "{summary}");
    }

    // The fewest requests: one batch of ids, a title match per paper no id resolves, one batch
    // for the lists; the batch holds the >1000-reference list whole (nested cap 9,999).
    let minimum = minimum_requests(&catalog, 9_999);
    assert_eq!(minimum.pages, 0);
    assert_eq!(
        mock.count(Endpoint::Batch),
        minimum.id_batches + minimum.record_batches
    );
    assert_eq!(mock.count(Endpoint::Match), minimum.titles);
    assert_eq!(mock.requests(), minimum.total(), "{:?}", mock.counts());
    assert_eq!(corpus.requests as usize, mock.requests());
    assert!(
        summary.contains(&format!("requests: {}", minimum.total())),
        "{summary}"
    );

    // A rerun makes no request and gives the same corpus.
    let again = s2::fetch(&catalog, &options(&mock.url()), &no_snapshot(), &env).unwrap();
    assert_eq!(again.requests, 0);
    assert_eq!(mock.requests(), minimum.total());
    assert_eq!(again.resolutions, corpus.resolutions);
    assert_eq!(again.records, corpus.records);

    // Offline, with no server at all: the same, from the cache.
    drop(mock);
    let offline_env = s2::Environment {
        offline: true,
        ..env.clone()
    };
    let offline = s2::fetch(
        &catalog,
        &options("http://127.0.0.1:1/graph/v1"),
        &no_snapshot(),
        &offline_env,
    )
    .unwrap();
    assert_eq!(offline.requests, 0);
    assert_eq!(offline.resolutions, corpus.resolutions);
    assert_eq!(offline.records, corpus.records);
    let analysis = s2::fetch(
        &catalog,
        &options("http://127.0.0.1:1"),
        &no_snapshot(),
        &offline_env,
    )
    .unwrap();
    assert_eq!(analysis.records, corpus.records);

    // Snapshot export, then the same corpus from the snapshot file with no network.
    let snapshot = dir.path().join("snapshot.jsonl");
    let written = s2::export_snapshot(&env.cache_dir, &snapshot).unwrap();
    assert_eq!(written, corpus.records.len());
    let source = RecordSource::Snapshot(snapshot);
    let from_snapshot = s2::fetch(&catalog, &options("http://127.0.0.1:1"), &source, &env).unwrap();
    assert_eq!(from_snapshot.requests, 0);
    let ids = |c: &Corpus| {
        c.resolutions
            .iter()
            .map(|r| (r.paper_id.clone(), r.method))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&from_snapshot), ids(&corpus));
    assert_eq!(from_snapshot.records, corpus.records);
}

#[test]
fn offline_without_cache_reports_what_is_missing() {
    let catalog = truth_catalog();
    let dir = tempfile::tempdir().unwrap();
    let env = s2::Environment {
        offline: true,
        ..env(dir.path())
    };
    let corpus = s2::fetch(
        &catalog,
        &options("http://127.0.0.1:1/graph/v1"),
        &no_snapshot(),
        &env,
    )
    .unwrap();
    assert_eq!(corpus.requests, 0);
    assert!(corpus.records.is_empty());
    for r in &corpus.resolutions {
        assert!(r.paper_id.is_none());
        assert!(
            r.note.as_deref().unwrap().contains("not in the cache"),
            "{r:?}"
        );
    }
}

#[test]
fn lists_the_batch_cannot_hold_are_paged_completely() {
    let truth = truth();
    let world = world_papers();
    let catalog = truth_catalog();
    // A batch that caps nested lists at 1,000 (as the single-paper endpoint does).
    let mock = MockBuilder::new(fetch_support::world())
        .batch_nested_cap(1000)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let corpus = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    let id = truth["paginated"].as_str().unwrap();
    let planted: Vec<Option<&str>> = world[id]["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["paperId"].as_str())
        .collect();
    let got: Vec<Option<&str>> = record(&corpus, id)
        .references
        .as_ref()
        .unwrap()
        .iter()
        .map(|l| l.paper_id.as_deref())
        .collect();
    assert_eq!(got, planted, "every reference, in order, no duplicate");
    let minimum = minimum_requests(&catalog, 1000);
    assert_eq!(minimum.pages, 2);
    assert_eq!(mock.count(Endpoint::References), 2);
    assert_eq!(mock.requests(), minimum.total(), "{:?}", mock.counts());
    // Paged links carry isInfluential and intents as the world has them.
    let influential = world[id]["references"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["isInfluential"] == true)
        .count();
    let got = record(&corpus, id)
        .references
        .as_ref()
        .unwrap()
        .iter()
        .filter(|l| l.is_influential)
        .count();
    assert_eq!(got, influential);
}

#[test]
fn elided_list_with_a_positive_count_is_reported_and_asked_once_at_most() {
    let truth = truth();
    let catalog = truth_catalog();
    let elided = common::elided_references(&truth);
    // As the real API does: referenceCount stays positive while the list is empty.
    let planted = elided.clone();
    let mock = MockBuilder::new(fetch_support::world())
        .edit(move |world| {
            for id in &planted {
                world.paper_mut(id).unwrap()["referenceCount"] = serde_json::json!(37);
            }
        })
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock.url());
    opts.link_details = true;
    let corpus = fetch_in(&catalog, &opts, dir.path()).unwrap();
    for id in &elided {
        let r = corpus
            .resolutions
            .iter()
            .find(|r| r.paper_id.as_deref() == Some(id))
            .unwrap();
        assert!(
            r.note
                .as_deref()
                .unwrap()
                .contains("counts 37 references but lists none"),
            "{r:?}"
        );
        let asked = mock
            .log()
            .iter()
            .filter(|l| l.endpoint == Endpoint::References && l.target.contains(id.as_str()))
            .count();
        assert_eq!(asked, 1, "an elided list is asked once, not forever");
    }
}

#[test]
fn link_details_page_every_list_with_its_link_fields() {
    let world = world_papers();
    let catalog = truth_catalog();
    let mock = MockBuilder::new(fetch_support::world()).start();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock.url());
    opts.link_details = true;
    let corpus = fetch_in(&catalog, &opts, dir.path()).unwrap();
    for record in &corpus.records {
        let planted = world[&record.paper_id]["citations"].as_array().unwrap();
        let got = record.citations.as_ref().unwrap();
        assert_eq!(got.len(), planted.len());
        for (link, want) in got.iter().zip(planted) {
            assert_eq!(link.paper_id.as_deref(), want["paperId"].as_str());
            assert_eq!(link.is_influential, want["isInfluential"] == true);
            let intents: Vec<&str> = want["intents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(link.intents, intents);
        }
    }
    // No batch for lists: one batch of ids, titles, then pages (none for an empty list counted 0).
    let minimum = minimum_requests(&catalog, 9_999);
    assert_eq!(mock.count(Endpoint::Batch), minimum.id_batches);
    assert!(
        mock.count(Endpoint::References) + mock.count(Endpoint::Citations) >= corpus.records.len()
    );
    // The cache now satisfies both modes: a default rerun asks nothing.
    let again = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    assert_eq!(again.requests, 0);
}

#[test]
fn snapshot_of_the_world_resolves_like_the_api() {
    let catalog = truth_catalog();
    let mock = MockBuilder::new(fetch_support::world()).start();
    let dir = tempfile::tempdir().unwrap();
    let live = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    let source = RecordSource::Snapshot(common::world_jsonl());
    let other = tempfile::tempdir().unwrap();
    let offline = s2::Environment {
        offline: true,
        ..env(other.path())
    };
    let from_world =
        s2::fetch(&catalog, &options("http://127.0.0.1:1"), &source, &offline).unwrap();
    let ids = |c: &Corpus| {
        c.resolutions
            .iter()
            .map(|r| (r.key.clone(), r.paper_id.clone(), r.method))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&from_world), ids(&live));
    // Every line of the world is a record (so `--scope all` sees every edge): the catalogue's
    // in full and in catalogue order, every other one in compact form.
    let catalogue_ids: Vec<&str> = live.records.iter().map(|r| r.paper_id.as_str()).collect();
    let full: Vec<&str> = from_world
        .records
        .iter()
        .map(|r| r.paper_id.as_str())
        .collect();
    assert_eq!(full, catalogue_ids);
    let mut every: Vec<String> = from_world
        .others
        .records()
        .map(|r| r.raw_id())
        .chain(full.iter().map(|id| id.to_string()))
        .collect();
    every.sort();
    let mut world: Vec<String> = world_papers().into_keys().collect();
    world.sort();
    assert_eq!(every, world);
    // The same notes for the same records (elided lists).
    for (a, b) in live.resolutions.iter().zip(&from_world.resolutions) {
        if a.paper_id.is_some() {
            assert_eq!(a.note, b.note, "{}", a.key);
        }
    }
    // `analyze --snapshot` reads the same.
    let analysis = s2::fetch(&catalog, &options("http://127.0.0.1:1"), &source, &offline).unwrap();
    assert_eq!(analysis.records, from_world.records);
    assert_eq!(analysis.others.len(), from_world.others.len());
    // Nothing was written to the cache.
    assert!(files_under(&other.path().join("cache")).is_empty());
}

#[test]
fn wrong_links_and_shared_records_are_noted() {
    let world = world_papers();
    let mut catalog = truth_catalog();
    // The first arXiv-keyed paper links the arXiv id of the second: the record found by id is
    // another paper, so it is flagged and resolved by its title.
    let (first, second) = {
        let mut arxiv = catalog.papers.iter().enumerate().filter(|(_, p)| {
            p.key.starts_with("arxiv:")
                && !catalog
                    .papers
                    .iter()
                    .any(|q| q.key != p.key && q.title == p.title)
        });
        (arxiv.next().unwrap().0, arxiv.next().unwrap().0)
    };
    let wrong_id = catalog.papers[second].ids.arxiv.clone();
    catalog.papers[first].ids.arxiv = wrong_id.clone();
    // A second listing of the first paper under another key (its title, no id): one record.
    let mut twin = catalog.papers[first].clone();
    twin.key = format!("title:{}", common::mock_s2::normalize_title(&twin.title));
    twin.ids = Default::default();
    catalog.papers.push(twin.clone());

    let mock = MockBuilder::new(fetch_support::world()).start();
    let dir = tempfile::tempdir().unwrap();
    let corpus = fetch_in(&catalog, &options(&mock.url()), dir.path()).unwrap();
    let resolutions = by_key(&corpus);
    let flagged = resolutions[catalog.papers[first].key.as_str()];
    let truth = truth();
    let expected = truth["catalog_by_key"][&catalog.papers[first].key]
        .as_str()
        .unwrap();
    assert_eq!(flagged.paper_id.as_deref(), Some(expected));
    assert_eq!(flagged.method, Some(ResolveMethod::Title));
    let note = flagged.note.as_deref().unwrap();
    let wrong_title = world[truth["catalog_by_key"][&catalog.papers[second].key]
        .as_str()
        .unwrap()]["title"]
        .as_str()
        .unwrap();
    assert!(
        note.contains(&format!("ARXIV:{}", wrong_id.unwrap())),
        "{note}"
    );
    assert!(note.contains(wrong_title), "{note}");

    let shared = resolutions[twin.key.as_str()];
    assert_eq!(shared.paper_id.as_deref(), Some(expected));
    assert!(shared.note.as_deref().unwrap().contains(&format!(
        "same Semantic Scholar record as {}",
        catalog.papers[first].key
    )));
    let copies = corpus
        .records
        .iter()
        .filter(|r| r.paper_id == expected)
        .count();
    assert_eq!(copies, 1, "one record for two catalogue papers");
}

#[test]
fn a_rate_limited_server_is_ridden_out() {
    let catalog = truth_catalog();
    let catalog = citegraph::catalog::Catalog {
        papers: catalog.papers[..40].to_vec(),
        ..catalog
    };
    // The mock allows 50 requests a second; the client sends at 100, four at a time.
    let mock = MockBuilder::new(fetch_support::world())
        .enforce_rps(50.0)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(&mock.url());
    opts.rps = Some(100.0);
    opts.max_retries = 30;
    let corpus = fetch_in(&catalog, &opts, dir.path()).unwrap();
    let refused = mock.log().iter().filter(|l| l.status == Some(429)).count();
    assert!(refused > 0, "the mock enforces its rate");
    let clean_mock = MockBuilder::new(fetch_support::world()).start();
    let clean_dir = tempfile::tempdir().unwrap();
    let clean = fetch_in(&catalog, &options(&clean_mock.url()), clean_dir.path()).unwrap();
    assert_eq!(corpus.records, clean.records);
    assert_eq!(mock.requests(), clean_mock.requests() + refused);
}
