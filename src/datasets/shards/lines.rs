//! The lines of the three datasets citegraph reads, parsed leniently: every form the releases
//! have used is accepted (../shared/S2-DATASETS.md, "Line format"). A line that fits none is an
//! error naming the field, which the reader reports with file and line and skips.
//!
//! - corpus ids as integers (2024 releases) or strings of digits (2020-2023 releases and the
//!   `externalids.CorpusId` of `papers`);
//! - `citedcorpusid: null` (an unresolved bibliography entry: never an edge);
//! - `intents` null, a flat list of labels (2023 sample), or a list of lists, one a context
//!   (2024 line): both give the set of labels;
//! - `updated`, `citationid`, `contexts`, `journal` and the other fields may be absent.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::records::compact::intent_bit;
use crate::records::{Author, PaperRecord};

/// Bit of an influential citation in [`CitationLine::flags`] (beside the intent bits of
/// [`intent_bit`], 1..8).
pub(crate) const INFLUENTIAL: u8 = 16;

/// The intents citegraph keeps, in the order a record lists them, with their bits.
pub(crate) const INTENTS: [(&str, u8); 3] = [("background", 1), ("methodology", 2), ("result", 4)];

/// One line of `citations`, as much of it as the neighbourhood needs (contexts are skipped
/// unread: the records citegraph writes do not carry them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct CitationLine {
    #[serde(rename = "citingcorpusid", deserialize_with = "corpus_id")]
    pub citing: Option<u64>,
    #[serde(rename = "citedcorpusid", default, deserialize_with = "corpus_id")]
    pub cited: Option<u64>,
    #[serde(rename = "citationid", default, deserialize_with = "corpus_id")]
    pub citation_id: Option<u64>,
    #[serde(rename = "isinfluential", default, deserialize_with = "influential")]
    pub flags_influential: u8,
    #[serde(default, deserialize_with = "intents")]
    pub intents: u8,
}

impl CitationLine {
    /// The intent bits and [`INFLUENTIAL`].
    pub fn flags(&self) -> u8 {
        self.flags_influential | self.intents
    }
}

/// One line of `paper-ids`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct PaperIdLine {
    pub sha: String,
    #[serde(rename = "corpusid", deserialize_with = "corpus_id")]
    pub corpus_id: Option<u64>,
    #[serde(default)]
    pub primary: bool,
}

/// One line of `papers`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PaperLine {
    #[serde(rename = "corpusid", deserialize_with = "corpus_id")]
    pub corpus_id: Option<u64>,
    #[serde(rename = "externalids", default)]
    pub external_ids: Option<BTreeMap<String, Option<serde_json::Value>>>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub authors: Option<Vec<Author>>,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(rename = "referencecount", default)]
    pub reference_count: Option<u64>,
    #[serde(rename = "citationcount", default)]
    pub citation_count: Option<u64>,
    #[serde(rename = "influentialcitationcount", default)]
    pub influential_citation_count: Option<u64>,
    #[serde(rename = "publicationdate", default)]
    pub publication_date: Option<String>,
}

impl PaperLine {
    /// The primary paperId: the last path segment of `url`, when it is 40 hex digits
    /// (lower-cased).
    pub fn sha(&self) -> Option<String> {
        let url = self.url.as_deref()?;
        let last = url.split(['?', '#']).next()?.trim_end_matches('/');
        let last = last.rsplit('/').next()?;
        (last.len() == 40 && last.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| last.to_ascii_lowercase())
    }

    /// An external id as text (`DOI`, `ArXiv`, `ACL`, ...), when present and not null.
    pub fn external_id(&self, kind: &str) -> Option<String> {
        match self.external_ids.as_ref()?.get(kind)?.as_ref()? {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// The paper as a Graph API record without lists, `paper_id` its primary sha: external ids
    /// under the Graph API's names with absent ones left out and `CorpusId` an integer, as the
    /// API answers.
    pub fn to_record(&self, paper_id: String) -> PaperRecord {
        let mut external_ids = BTreeMap::new();
        for kind in self.external_ids.iter().flat_map(BTreeMap::keys) {
            if kind == "CorpusId" {
                continue;
            }
            if let Some(text) = self.external_id(kind) {
                external_ids.insert(kind.clone(), serde_json::Value::String(text));
            }
        }
        if let Some(corpus) = self.corpus_id {
            external_ids.insert("CorpusId".into(), serde_json::Value::from(corpus));
        }
        PaperRecord {
            paper_id,
            external_ids,
            title: self.title.clone(),
            year: self.year,
            venue: self.venue.clone(),
            publication_date: self.publication_date.clone(),
            authors: self.authors.clone().unwrap_or_default(),
            citation_count: self.citation_count,
            influential_citation_count: self.influential_citation_count,
            reference_count: self.reference_count,
            ..PaperRecord::default()
        }
    }
}

/// A corpus id written as an integer or a string of digits; `null` is `None`.
fn corpus_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    struct Id;
    impl<'de> Visitor<'de> for Id {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a corpus id (an integer or a string of digits) or null")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("negative corpus id {v}")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse()
                .map(Some)
                .map_err(|_| E::custom(format!("corpus id {v:?} is not a number")))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    deserializer.deserialize_any(Id)
}

/// `isinfluential` as [`INFLUENTIAL`] or 0 (`null` is 0).
fn influential<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
    Ok(match Option::<bool>::deserialize(deserializer)? {
        Some(true) => INFLUENTIAL,
        _ => 0,
    })
}

/// `intents` in any of its shapes, as intent bits (unknown labels set none: the records keep
/// only the three Semantic Scholar documents).
fn intents<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
    /// A label, a list of labels or null, nested to any depth.
    struct Bits;
    impl<'de> Visitor<'de> for Bits {
        type Value = u8;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("intents: null, a list of labels or a list of lists of labels")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u8, E> {
            Ok(intent_bit(v) & 7)
        }
        fn visit_unit<E: de::Error>(self) -> Result<u8, E> {
            Ok(0)
        }
        fn visit_none<E: de::Error>(self) -> Result<u8, E> {
            Ok(0)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u8, A::Error> {
            let mut bits = 0;
            while let Some(more) = seq.next_element::<Nested>()? {
                bits |= more.0;
            }
            Ok(bits)
        }
    }
    struct Nested(u8);
    impl<'de> Deserialize<'de> for Nested {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(Bits).map(Nested)
        }
    }
    deserializer.deserialize_any(Bits)
}

/// The intent names of `flags`, in [`INTENTS`] order.
pub(crate) fn intent_names(flags: u8) -> Vec<String> {
    INTENTS
        .iter()
        .filter(|(_, bit)| flags & bit != 0)
        .map(|(name, _)| (*name).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_lines_in_every_form() {
        let old: CitationLine = serde_json::from_str(
            r#"{"citingcorpusid":"128947670","citedcorpusid":null,"isinfluential":false,
                "contexts":["a","b"],"intents":["background","methodology"],"updated":"2020"}"#,
        )
        .unwrap();
        assert_eq!(old.citing, Some(128947670));
        assert_eq!(old.cited, None);
        assert_eq!(old.flags(), 3);
        let new: CitationLine = serde_json::from_str(
            r#"{"citationid":4740408346,"citingcorpusid":268754447,"citedcorpusid":209884733,
                "isinfluential":true,"contexts":["x"],"intents":[["methodology"],["result", "odd"]]}"#,
        )
        .unwrap();
        assert_eq!(new.citation_id, Some(4740408346));
        assert_eq!(new.cited, Some(209884733));
        assert_eq!(new.flags(), INFLUENTIAL | 2 | 4);
        assert_eq!(intent_names(new.flags()), ["methodology", "result"]);
        let bare: CitationLine =
            serde_json::from_str(r#"{"citingcorpusid":"1","citedcorpusid":"2","intents":null}"#)
                .unwrap();
        assert_eq!(
            (bare.citing, bare.cited, bare.flags()),
            (Some(1), Some(2), 0)
        );
        for bad in [
            r#"{"citingcorpusid":"x1","citedcorpusid":"2"}"#,
            r#"{"citedcorpusid":"2"}"#,
            r#"{"citingcorpusid":"1","citedcorpusid":"2","intents":{"a":1}}"#,
        ] {
            assert!(serde_json::from_str::<CitationLine>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paper_lines_become_graph_api_records() {
        let line: PaperLine = serde_json::from_str(
            r#"{"corpusid":108228682,"externalids":{"ACL":null,"ArXiv":"2106.1","MAG":"29",
                "CorpusId":"108228682","DOI":"10.1609/AAAI.V34I05.6269"},
                "url":"https://www.semanticscholar.org/paper/D5ec1ea2c9261c54cf41fef1e5c9f2f8abe28ce2",
                "title":"T","authors":[{"authorId":null,"name":"A B"}],"venue":"","year":2018,
                "citationcount":3,"journal":null}"#,
        )
        .unwrap();
        let sha = line.sha().unwrap();
        assert_eq!(sha, "d5ec1ea2c9261c54cf41fef1e5c9f2f8abe28ce2");
        let record = line.to_record(sha);
        assert_eq!(
            record.external_ids["CorpusId"],
            serde_json::json!(108228682)
        );
        assert_eq!(record.external_ids["DOI"], "10.1609/AAAI.V34I05.6269");
        assert!(!record.external_ids.contains_key("ACL"));
        assert_eq!(record.citation_count, Some(3));
        assert_eq!(record.authors[0].name.as_deref(), Some("A B"));
    }
}
