//! The API's answers as the client reads them: lenient where the API is (any field may be
//! `null`, a list `null` instead of empty, a page without `data`), strict where a wrong answer
//! must not pass for a right one. Public so that tests and fuzzers reach the real parsers.

use serde::Deserialize;
use serde_json::Value;

use crate::records::{Link, PaperRecord};

/// One element of a batch or match answer, or a `/paper/{id}` answer: `Ok(None)` for `null`
/// (an unknown id), `Err` for something that is not a paper record (wrong types, no paperId).
pub fn record(value: Value) -> Result<Option<PaperRecord>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let record: PaperRecord =
        serde_json::from_value(value).map_err(|err| format!("not a paper record: {err}"))?;
    if record.paper_id.is_empty() {
        return Err("a paper record without paperId".to_string());
    }
    // The id goes into URL paths (`/paper/{id}/references`), percent-encoded; but `.` and `..`
    // (even encoded) are dot segments that a URL parser resolves away, so that the request
    // would reach another endpoint. Semantic Scholar's ids are 40 hex digits: such an answer
    // is not a record.
    if matches!(record.paper_id.as_str(), "." | "..") {
        return Err(format!(
            "a paper record with the id {:?}, which cannot be asked for",
            record.paper_id
        ));
    }
    Ok(Some(record))
}

/// A batch answer: one element per id asked, in order.
pub fn batch(value: Value) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(format!(
            "a batch answer is a JSON array, not {}",
            preview(&other.to_string())
        )),
    }
}

/// The paper of a `/paper/search/match` answer (`{"data": [paper]}`), when there is one.
pub fn title_match(value: &Value) -> Option<Value> {
    value.get("data")?.as_array()?.first().cloned()
}

/// One page of `/references` or `/citations`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub links: Vec<Link>,
    /// The offset of the next page; `None` on the last.
    pub next: Option<usize>,
    /// Items that were not links (reported, not kept).
    pub skipped: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageItem {
    #[serde(default, alias = "citingPaper")]
    cited_paper: Option<Link>,
    #[serde(default)]
    is_influential: Option<bool>,
    #[serde(default)]
    intents: Option<Vec<String>>,
}

/// Reads a page: items `{"citedPaper": {...}, "isInfluential", "intents"}` (or `citingPaper`);
/// `data` may be absent or `null` on an empty page.
pub fn page(value: &Value) -> Page {
    let mut page = Page {
        next: value
            .get("next")
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok()),
        ..Page::default()
    };
    let Some(items) = value.get("data").and_then(Value::as_array) else {
        return page;
    };
    for item in items {
        match PageItem::deserialize(item) {
            Ok(item) => {
                let mut link = item.cited_paper.unwrap_or_default();
                link.is_influential = item.is_influential.unwrap_or(false);
                link.intents = item.intents.unwrap_or_default();
                page.links.push(link);
            }
            Err(_) => page.skipped += 1,
        }
    }
    page
}

/// The API's error text: the `error` or `message` field of a JSON body (either may be used),
/// else the start of the body. Shown to the user, so cut to a preview without control
/// characters (a hostile body could hold megabytes, or terminal escapes), and never empty.
pub fn error_message(bytes: &[u8]) -> String {
    let field = serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|value| {
            ["error", "message"]
                .iter()
                .find_map(|field| value.get(field).and_then(Value::as_str).map(str::to_string))
        });
    let text = field.unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned());
    let shown = preview(&text);
    if shown.trim().is_empty() {
        "(no message)".to_string()
    } else {
        shown
    }
}

/// At most 200 characters of an answer, control characters dropped: what an error may quote.
pub(crate) fn preview(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_nulls_and_garbage() {
        assert_eq!(record(Value::Null), Ok(None));
        let r = record(json!({"paperId": "a", "authors": null, "references": null, "year": null}))
            .unwrap()
            .unwrap();
        assert!(r.authors.is_empty() && r.references.is_none() && r.year.is_none());
        assert!(record(json!({"paperId": "a", "year": "2020"})).is_err());
        assert!(record(json!({"title": "no id"})).is_err());
        assert!(record(json!({"paperId": ""})).is_err());
        // Dot segments: `/paper/../references` would be asked as `/references`.
        assert!(record(json!({"paperId": ".."})).is_err());
        assert!(record(json!({"paperId": "."})).is_err());
        assert!(record(json!({"paperId": "../x"})).unwrap().is_some());
        assert!(record(json!([1, 2])).is_err());
    }

    #[test]
    fn records_survive_the_cache_round_trip() {
        // Found by the s2_wire fuzzer: an id past u64 is read as a float, which came back from
        // the cache 1 ulp off until serde_json parsed floats exactly (`float_roundtrip`).
        let id = format!("702335{}5", "1".repeat(100));
        let text =
            format!(r#"{{"paperId": "a", "externalIds": {{"CorpusId": {id}}}, "title": "T"}}"#);
        let original = record(serde_json::from_str(&text).unwrap())
            .unwrap()
            .unwrap();
        let cached = serde_json::to_string(&original).unwrap();
        let back: PaperRecord = serde_json::from_str(&cached).unwrap();
        assert_eq!(back, original);
    }

    /// `publicationVenue` as recorded (fixtures/s2-recorded/Reference.json, Citation.json: one
    /// with `type`, one without, both with fields not kept), `null` (Paper.json), or of an odd
    /// shape: the record is kept in every case, the entity only when it reads.
    #[test]
    fn publication_venues_as_recorded() {
        let r = record(
            json!({"paperId": "a", "venue": "ICML", "publicationVenue": {
            "id": "fc0a208c-acb7-47dc-a0d4-af8190e21d29",
            "name": "International Conference on Machine Learning", "type": "conference",
            "alternate_names": ["ICML", "Int Conf Mach Learn"], "url": "https://icml.cc/"}}),
        )
        .unwrap()
        .unwrap();
        let venue = r.publication_venue.unwrap();
        assert_eq!(
            venue.name.as_deref(),
            Some("International Conference on Machine Learning")
        );
        assert_eq!(venue.kind.as_deref(), Some("conference"));
        assert_eq!(venue.alternate_names, ["ICML", "Int Conf Mach Learn"]);
        let p = page(
            &json!({"data": [{"citingPaper": {"paperId": "b", "publicationVenue": {
            "id": "93c335b7-edf4-45f5-8ddc-7c5835154945",
            "name": "IEEE Robotics and Automation Letters",
            "alternate_names": ["IEEE Robot Autom Lett"], "issn": "2377-3766",
            "alternate_urls": ["http://ieeexplore.ieee.org/servlet/opac?punumber=7083369"]}}}]}),
        );
        let venue = p.links[0].publication_venue.as_ref().unwrap();
        assert_eq!(venue.kind, None);
        assert_eq!(venue.alternate_names, ["IEEE Robot Autom Lett"]);
        for odd in [
            json!(null),
            json!("ICML"),
            json!({"alternate_names": "ICML"}),
        ] {
            let r = record(json!({"paperId": "a", "publicationVenue": odd}))
                .unwrap()
                .unwrap();
            assert_eq!(r.publication_venue, None, "{odd}");
        }
        // Absent entity, absent field: the cache keeps the record as it was.
        let plain = record(json!({"paperId": "a"})).unwrap().unwrap();
        assert!(!serde_json::to_string(&plain)
            .unwrap()
            .contains("publicationVenue"));
        let alternate = PaperRecord {
            publication_venue: Some(venue.clone()),
            ..PaperRecord::default()
        };
        let back: PaperRecord =
            serde_json::from_str(&serde_json::to_string(&alternate).unwrap()).unwrap();
        assert_eq!(back, alternate);
    }

    #[test]
    fn pages_with_missing_data_and_odd_items() {
        assert_eq!(page(&json!({"total": 0, "offset": 0})), Page::default());
        assert_eq!(page(&json!({"offset": 0, "data": null})), Page::default());
        let p = page(&json!({"offset": 0, "next": 2, "data": [
            {"citedPaper": {"paperId": "x", "title": "T"}, "isInfluential": true, "intents": ["methodology"]},
            {"citingPaper": {"paperId": null, "title": "unmatched"}, "isInfluential": null, "intents": null},
            {"citedPaper": {"paperId": 5}},
        ]}));
        assert_eq!(p.next, Some(2));
        assert_eq!(p.links.len(), 2);
        assert!(p.links[0].is_influential);
        assert_eq!(p.links[0].intents, ["methodology"]);
        assert_eq!(p.links[1].paper_id, None);
        assert_eq!(p.skipped, 1);
    }

    #[test]
    fn error_text_from_either_field() {
        assert_eq!(
            error_message(br#"{"error": "Title match not found"}"#),
            "Title match not found"
        );
        assert_eq!(
            error_message(br#"{"message": "Too Many Requests.", "code": "429"}"#),
            "Too Many Requests."
        );
        assert_eq!(
            error_message(b"<html>bad gateway</html>"),
            "<html>bad gateway</html>"
        );
        assert_eq!(error_message(b""), "(no message)");
        // Found by the s2_wire fuzzer: control characters only, once filtered, left nothing.
        assert_eq!(error_message(b"\x08\0\0\0\0\0\0\0"), "(no message)");
        assert_eq!(error_message(br#"{"error": ""}"#), "(no message)");
        // A hostile body: terminal escapes dropped, length capped.
        let escapes = error_message(b"{\"message\": \"\\u001b]0;pwned\\u0007red\"}");
        assert!(
            !escapes.contains('\u{1b}') && escapes.contains("red"),
            "{escapes:?}"
        );
        let long = serde_json::json!({ "error": "x".repeat(1 << 20) }).to_string();
        assert!(error_message(long.as_bytes()).len() <= 200);
    }
}
