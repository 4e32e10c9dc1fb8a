//! Every recorded OpenCitations answer (../shared/fixtures/opencitations-recorded/) parses with
//! the client's wire types: the Index v2 JSON answer, the legacy v1 answers kept in vcr cassettes,
//! and the samples of the Index and Meta dumps (CSV).

use std::path::PathBuf;

use crate::common;
use citegraph::opencitations::wire::{self, IndexRow, MetaRow, WorkIds};

fn recorded(name: &str) -> PathBuf {
    common::shared_dir()
        .join("fixtures/opencitations-recorded")
        .join(name)
}

/// The response bodies of a vcr cassette.
fn cassette_bodies(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(recorded(name)).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    yaml["http_interactions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|i| {
            i["response"]["body"]["string"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn every_recorded_file_is_read() {
    let dir = common::shared_dir().join("fixtures/opencitations-recorded");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.txt")
        .collect();
    names.sort();
    let read = [
        "citecorp_v1_oc_coci_citation.yml",
        "citecorp_v1_oc_coci_cites.yml",
        "citecorp_v1_oc_coci_meta.yml",
        "citecorp_v1_oc_coci_refs.yml",
        "cthoyt_index_dump_citations_sample.csv",
        "cthoyt_meta_dump_articles_sample.csv",
        "noesis_index_v2_references_doi_10.1186_1756-8722-6-59.json",
    ];
    assert_eq!(names, read, "a recorded file no test below reads");
}

#[test]
fn the_v2_references_answer_parses_into_links() {
    let text = std::fs::read_to_string(recorded(
        "noesis_index_v2_references_doi_10.1186_1756-8722-6-59.json",
    ))
    .unwrap();
    let wrapper: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The native answer is the wrapper's `records` array, as the API sent it.
    let body = serde_json::to_vec(&wrapper["records"]).unwrap();
    let rows: Vec<IndexRow> = wire::index_rows(&body).unwrap();
    assert_eq!(rows.len(), 72);
    let mut two_dois = 0;
    let mut no_doi = 0;
    let mut negative = 0;
    for row in &rows {
        assert!(row.citing.starts_with("omid:br/"), "the OMID comes first");
        let citing = WorkIds::parse(&row.citing);
        assert_eq!(citing.dois, ["10.1186/1756-8722-6-59"]);
        assert_eq!(citing.openalex, ["W2120377900"]);
        let cited = WorkIds::parse(&row.cited);
        assert_eq!(cited.omids.len(), 1, "{}", row.cited);
        let link = cited.link(None).unwrap();
        let id = link.paper_id.clone().unwrap();
        match (cited.openalex.first(), cited.dois.first()) {
            (Some(w), _) => assert_eq!(id, format!("openalex:{w}")),
            (None, Some(doi)) => assert_eq!(id, format!("doi:{doi}")),
            (None, None) => assert_eq!(id, format!("omid:{}", cited.omids[0])),
        }
        assert_eq!(link.external_ids["OMID"], cited.omids[0].as_str());
        if cited.dois.len() > 1 {
            two_dois += 1;
            assert_eq!(
                link.external_ids["DOIs"].as_array().unwrap().len(),
                cited.dois.len()
            );
        }
        if cited.dois.is_empty() {
            no_doi += 1;
            assert!(!link.external_ids.contains_key("DOI"));
        }
        if row.timespan.starts_with('-') {
            negative += 1;
        }
        assert_eq!(wire::year_of(&row.creation), Some(2013));
        assert_eq!(row.oci.split('-').count(), 2);
    }
    assert!(two_dois >= 1, "the recording holds a work with two DOIs");
    assert!(no_doi >= 1, "and works without DOI");
    assert!(negative >= 1, "and negative timespans");
    let pair = rows
        .iter()
        .map(|r| WorkIds::parse(&r.cited))
        .find(|ids| ids.dois.len() == 2)
        .unwrap();
    assert_eq!(pair.pmids.len(), 2);
}

#[test]
fn the_v1_answers_parse() {
    for name in [
        "citecorp_v1_oc_coci_citation.yml",
        "citecorp_v1_oc_coci_cites.yml",
        "citecorp_v1_oc_coci_refs.yml",
    ] {
        let bodies = cassette_bodies(name);
        assert!(!bodies.is_empty(), "{name}");
        for body in bodies {
            let rows = wire::index_rows(body.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!rows.is_empty(), "{name}");
            for row in rows {
                // v1: one bare DOI a side.
                let citing = WorkIds::parse(&row.citing);
                let cited = WorkIds::parse(&row.cited);
                assert_eq!(citing.dois.len(), 1, "{name}: {}", row.citing);
                assert_eq!(cited.dois.len(), 1, "{name}: {}", row.cited);
                assert_eq!(
                    cited.link(None).unwrap().paper_id.unwrap(),
                    format!("doi:{}", cited.dois[0])
                );
                assert!(wire::year_of(&row.creation).is_some(), "{name}: {row:?}");
            }
        }
    }
    let bodies = cassette_bodies("citecorp_v1_oc_coci_meta.yml");
    let rows: Vec<MetaRow> = wire::meta_rows(bodies[0].as_bytes()).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert!(!row.title.is_empty());
    assert_eq!(row.ids().dois, ["10.1108/jd-12-2013-0166"]);
    assert_eq!(row.authors()[0], "Silvio Peroni");
    assert_eq!(row.year(), Some(2015));
}

#[test]
fn the_dump_samples_are_read() {
    let mut reader =
        csv::Reader::from_path(recorded("cthoyt_index_dump_citations_sample.csv")).unwrap();
    let rows: Vec<IndexRow> = reader.deserialize().map(|r| r.unwrap()).collect();
    assert!(rows.len() >= 5);
    for row in &rows {
        assert!(row.oci.starts_with("oci:"), "{row:?}");
        // OMIDs only: a work named by its OMID.
        let cited = WorkIds::parse(&row.cited);
        assert!(cited.dois.is_empty());
        assert_eq!(
            cited.paper_id().unwrap(),
            format!("omid:{}", cited.omids[0])
        );
    }
    let mut reader =
        csv::Reader::from_path(recorded("cthoyt_meta_dump_articles_sample.csv")).unwrap();
    let rows: Vec<MetaRow> = reader.deserialize().map(|r| r.unwrap()).collect();
    assert!(rows.len() >= 3);
    for row in &rows {
        let ids = row.ids();
        assert_eq!(ids.omids.len(), 1, "{}", row.id);
        assert!(!row.title.is_empty());
        assert!(row.year().is_some(), "{}", row.pub_date);
        assert!(!row.authors().is_empty());
        assert!(!row.authors()[0].contains('['), "{:?}", row.authors());
    }
}
