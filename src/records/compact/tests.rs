//! The compact reader against the full one: what it keeps, numbers and drops.

use super::*;

const A: &str = "000d744a422f35b4b2bbba44df53666abcb591ce";
const B: &str = "002b7a5a83cd4af38d665991d9739c912bc9ea38";
const C: &str = "dd74208afd658985341fd2fefba68c514e23323c";

fn all(text: &str) -> CompactRecords {
    from_jsonl(text, usize::MAX).0
}

fn id_of(records: &CompactRecords, id: &str) -> u32 {
    records.ids().get(id).unwrap()
}

fn links_of(records: &CompactRecords, index: usize) -> Vec<CompactLink> {
    records.record(index).links().collect()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn ids_are_interned_once_across_records_and_links() {
    let text = format!(
        r#"{{"paperId": "{A}", "references": [{{"paperId": "{B}"}}, {{"paperId": "{C}"}}]}}
{{"paperId": "{B}", "references": [{{"paperId": "{C}"}}], "citations": [{{"paperId": "{A}"}}]}}"#
    );
    let records = all(&text);
    assert_eq!(records.len(), 2);
    assert_eq!(records.ids().len(), 3);
    let (a, b, c) = (id_of(&records, A), id_of(&records, B), id_of(&records, C));
    assert_eq!(records.record(0).id(), Some(a));
    assert_eq!(records.record(1).id(), Some(b));
    let others: Vec<(u32, bool)> = links_of(&records, 0)
        .iter()
        .map(|l| (l.other, l.reference))
        .collect();
    assert_eq!(others, vec![(b, true), (c, true)]);
    let others: Vec<(u32, bool)> = links_of(&records, 1)
        .iter()
        .map(|l| (l.other, l.reference))
        .collect();
    assert_eq!(others, vec![(c, true), (a, false)]);
    for (id, n) in [(A, a), (B, b), (C, c)] {
        assert_eq!(records.ids().key(n).to_string(), id);
        assert_eq!(records.ids().key(n), &PaperKey::new(id));
    }
    // Positions number the links in record order.
    let positions: Vec<usize> = records
        .records()
        .flat_map(|r| r.links().map(|l| l.position).collect::<Vec<_>>())
        .collect();
    assert_eq!(positions, vec![0, 1, 2, 3]);
}

#[test]
fn links_without_an_id_are_counted_not_kept() {
    let text = format!(
        r#"{{"paperId": "{A}", "references": [{{"paperId": null}}, {{"paperId": "  "}}, {{}}, {{"paperId": " {B} "}}], "citations": null}}"#
    );
    let records = all(&text);
    let links = links_of(&records, 0);
    assert_eq!(links.len(), 1, "only the link with an id is kept");
    assert_eq!(links[0].other, id_of(&records, B), "ids are trimmed");
    assert_eq!(
        records.counts(),
        LinkCounts {
            references: 4,
            unmatched_references: 2,
            citations: 0
        }
    );
    let full: PaperRecord = serde_json::from_str(&text).unwrap();
    assert_eq!(records.counts(), LinkCounts::of(&full));
}

#[test]
fn other_ids_are_kept_as_written() {
    let upper = A.to_uppercase();
    let text = format!(
        r#"{{"paperId": "c1", "references": [{{"paperId": "{upper}"}}, {{"paperId": "{A}"}}, {{"paperId": "x,\"y\""}}]}}
{{"paperId": "  "}}
{{"paperId": " c2 "}}"#
    );
    let records = all(&text);
    assert_eq!(records.len(), 3);
    assert_eq!(records.ids().len(), 5);
    let c1 = id_of(&records, "c1");
    assert_eq!(records.ids().key(c1), &PaperKey::Text("c1".into()));
    let links = links_of(&records, 0);
    assert_ne!(links[0].other, links[1].other, "case makes a different id");
    assert_eq!(records.ids().key(links[0].other).to_string(), upper);
    assert_eq!(records.ids().key(links[2].other).to_string(), "x,\"y\"");
    // A blank id is a record without a paper; a padded one keeps its spelling.
    assert_eq!(records.record(1).id(), None);
    assert_eq!(records.record(1).raw_id(), "  ");
    assert_eq!(records.record(2).id(), Some(id_of(&records, "c2")));
    assert_eq!(records.record(2).raw_id(), " c2 ");
}

#[test]
fn a_paper_listed_twice_keeps_its_first_line() {
    let text = format!(
        r#"{{"paperId": "{A}", "title": "first", "references": [{{"paperId": "{B}"}}]}}
{{"paperId": "{A}", "title": "second", "references": [{{"paperId": "{C}", "title": "t"}}]}}
{{"paperId": "{B}"}}"#
    );
    let (records, duplicates) = from_jsonl(&text, usize::MAX);
    assert_eq!(duplicates, 1);
    assert_eq!(records.len(), 2);
    assert_eq!(records.record(0).metadata().title, Some("first"));
    assert_eq!(links_of(&records, 0).len(), 1);
    assert!(links_of(&records, 1).is_empty());
    assert_eq!(records.counts().references, 1);
    assert!(
        records.link_details(1).is_none(),
        "the dropped line's details"
    );
}

#[test]
fn repeated_links_stay_for_the_graph_to_merge() {
    let text = format!(
        r#"{{"paperId": "{A}", "references": [{{"paperId": "{B}", "isInfluential": true, "intents": ["methodology"]}}, {{"paperId": "{B}", "intents": ["background", "new"]}}]}}"#
    );
    let records = all(&text);
    let links = links_of(&records, 0);
    assert_eq!(links.len(), 2);
    assert!(links[0].is_influential && !links[1].is_influential);
    assert_eq!(links[0].intents, intent_bit("methodology"));
    assert_eq!(
        links[1].intents,
        intent_bit("background") | intent_bit("new")
    );
}

#[test]
fn metadata_matches_the_full_record() {
    let text = format!(
        r#"{{"paperId": "{A}", "title": "Caf\u00e9 \"quoted\"", "year": 2021, "venue": "",
  "externalIds": {{"DOI": "10.1/X", "CorpusId": 42, "ArXiv": null, "MAG": [1], "Float": 1.5e3,
  "DBLP": "first", "DBLP": "last", "Empty": ""}},
  "authors": [{{"authorId": "1", "name": "Ann"}}, {{"authorId": "2", "name": null}}, {{"name": "Bo"}}],
  "citationCount": 7, "referenceCount": 3, "publicationDate": "2021-01-01",
  "references": [{{"paperId": "{B}", "title": "Linked", "year": 2019, "externalIds": {{"ArXiv": "1901.1"}}, "citationCount": 3}}, {{"paperId": "{C}"}}]}}"#
    )
    .replace('\n', "");
    let full: PaperRecord = serde_json::from_str(&text).unwrap();
    let records = all(&text);
    let meta = records.record(0).metadata();
    assert_eq!(meta.title, full.title.as_deref());
    assert_eq!(meta.year, full.year);
    assert_eq!(meta.venue, full.venue.as_deref());
    assert_eq!(meta.citation_count, full.citation_count);
    assert_eq!(meta.reference_count, full.reference_count);
    let names: Vec<&str> = full
        .authors
        .iter()
        .filter_map(|a| a.name.as_deref())
        .collect();
    assert_eq!(meta.authors, names);
    let values =
        |ids: &std::collections::BTreeMap<String, serde_json::Value>| -> Vec<(String, String)> {
            ids.iter()
                .filter_map(|(k, v)| match v {
                    serde_json::Value::String(s) => Some((k.clone(), s.clone())),
                    serde_json::Value::Number(n) => Some((k.clone(), n.to_string())),
                    _ => None,
                })
                .collect()
        };
    let compact = owned(&meta.external_ids);
    assert_eq!(compact, values(&full.external_ids));
    assert!(compact.contains(&("DBLP".into(), "last".into())));

    // The first link describes its paper; the second says nothing.
    let link = &full.references.as_ref().unwrap()[0];
    let details = records.link_details(0).unwrap();
    assert_eq!(details.title, link.title.as_deref());
    assert_eq!(details.year, link.year);
    assert_eq!(details.citation_count, link.citation_count);
    assert_eq!(owned(&details.external_ids), values(&link.external_ids));
    assert!(records.link_details(1).is_none());
}

#[test]
fn lines_are_refused_exactly_when_the_full_record_refuses_them() {
    let lines = [
        r#"{"paperId": "a"}"#,
        r#"{"paperId": "a", "year": "x"}"#,
        r#"{"paperId": "a", "year": null, "title": null, "authors": null, "externalIds": null}"#,
        r#"{"paperId": null}"#,
        r#"{"title": "no id"}"#,
        r#"{"paperId": "a", "paperId": "b"}"#,
        r#"{"paperId": "a", "references": {}}"#,
        r#"{"paperId": "a", "references": [{"paperId": 3}]}"#,
        r#"{"paperId": "a", "references": [{"intents": "background"}]}"#,
        r#"{"paperId": "a", "references": [{"intents": [1]}]}"#,
        r#"{"paperId": "a", "references": [{"intents": null, "isInfluential": null}]}"#,
        r#"{"paperId": "a", "references": [{"isInfluential": "yes"}]}"#,
        r#"{"paperId": "a", "externalIds": []}"#,
        r#"{"paperId": "a", "externalIds": {"x": {"y": [1, null]}}}"#,
        r#"{"paperId": "a", "authors": [{"name": 1}]}"#,
        r#"{"paperId": "a", "citationCount": -1}"#,
        r#"{"paperId": "a", "unknown": {"deep": [1, 2]}}"#,
        r#"{"paperId": "a", "publicationDate": 2020}"#,
        r#"{"paperId": "a"} trailing"#,
        r#"["paperId", "a"]"#,
        r#"{"paperId": "a\ud800"}"#,
    ];
    for line in lines {
        let full = serde_json::from_str::<PaperRecord>(line).is_ok();
        let mut chunk = ParsedChunk::default();
        let compact = parse_line(line.as_bytes(), 0, usize::MAX, &mut chunk).is_ok();
        assert_eq!(compact, full, "{line}");
        assert_eq!(chunk.records.len(), usize::from(compact), "{line}");
    }
}

#[test]
fn citations_are_cut_to_the_limit() {
    let text = format!(
        r#"{{"paperId": "{A}", "citations": [{{"paperId": null}}, {{"paperId": "{B}"}}, {{"paperId": "{C}"}}]}}"#
    );
    let (records, _) = from_jsonl(&text, 2);
    assert_eq!(links_of(&records, 0).len(), 1);
    assert_eq!(records.counts().citations, 2);
    let (records, _) = from_jsonl(&text, 0);
    assert!(links_of(&records, 0).is_empty());
    assert_eq!(records.counts().citations, 0);
}

#[test]
fn taking_a_record_out_removes_its_links_from_the_counts() {
    let text = format!(
        r#"{{"paperId": "{A}", "references": [{{"paperId": "{B}"}}, {{"paperId": null}}]}}
{{"paperId": "{B}", "citations": [{{"paperId": "{A}"}}]}}"#
    );
    let mut records = all(&text);
    records.take(0);
    records.take(0);
    assert_eq!(records.len(), 1);
    assert_eq!(
        records.counts(),
        LinkCounts {
            references: 0,
            unmatched_references: 0,
            citations: 1
        }
    );
    let left: Vec<usize> = records.records().map(|r| r.index()).collect();
    assert_eq!(left, vec![1]);
}

#[test]
fn packed_lengths_round_trip() {
    let mut out = Vec::new();
    let long = "x".repeat(300);
    put_str(&mut out, &long);
    put_opt_str(&mut out, None);
    put_opt_str(&mut out, Some(""));
    put_len(&mut out, 1 << 40);
    let mut cursor = Cursor { bytes: &out };
    assert_eq!(cursor.str(), long);
    assert_eq!(cursor.opt_str(), None);
    assert_eq!(cursor.opt_str(), Some(""));
    assert_eq!(cursor.len(), 1 << 40);
    assert_eq!(cursor.len(), 0, "past the end");
    assert_eq!(cursor.str(), "");
}
