//! The wire formats of OpenCitations, read leniently: Index v2 rows (`/references`,
//! `/citations`), Meta v1 rows (`/metadata`), and the identifier lists both carry.
//!
//! Facts (../shared/OPENCITATIONS-API.md, checked against the recorded answers in
//! ../shared/fixtures/opencitations-recorded/): an Index answer is a bare JSON array, no envelope,
//! no paging; each row's `citing` and `cited` hold **every** identifier of the work in one
//! space-separated string, the OMID first and the rest in no defined order
//! (`omid:br/06190834283 doi:10.1186/1756-8722-6-59 openalex:W2120377900 pmid:23958373`); a work
//! may carry two DOIs and two PMIDs, or no DOI at all. Legacy v1 answers carry one bare DOI
//! instead, and the Index dump's CSV carries OMIDs alone: the same row type reads all three
//! (every field is optional, the dump's `id` column is read as `oci`). Meta rows hold strings
//! only (`title`, `author` as `Family, Given [orcid:… omid:ra/…]; …`, `pub_date` as
//! `YYYY[-MM[-DD]]`, `venue` as `Name [issn:… omid:br/…]`); the Meta dump's CSV has the same
//! columns.
//!
//! Error bodies are plain text (`HTTP status code 500: …`) even under a
//! `Content-Type: application/json` header: [`error_text`] reads a body by its content.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::records::{Author, Link};

/// The DataCite prefix of arXiv DOIs, lower-case: `10.48550/arxiv.2210.09461`.
pub const ARXIV_DOI_PREFIX: &str = "10.48550/arxiv.";

/// One citation of the Index (v2 JSON, v1 JSON or a line of the dump's CSV). All strings, as
/// sent; absent fields are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexRow {
    /// The Open Citation Identifier, `<citing OMID digits>-<cited OMID digits>` (the dump's
    /// `id` column, with an `oci:` prefix there).
    #[serde(default, alias = "id")]
    pub oci: String,
    /// Every identifier of the citing work, space-separated (see [`WorkIds::parse`]).
    #[serde(default)]
    pub citing: String,
    /// Every identifier of the cited work.
    #[serde(default)]
    pub cited: String,
    /// Publication date of the citing work: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or empty.
    #[serde(default)]
    pub creation: String,
    /// XSD duration from the cited to the citing publication (`P10Y8M`, `-P0Y0M7D`), or empty.
    #[serde(default)]
    pub timespan: String,
    /// `yes` when both works appeared in the same venue.
    #[serde(default)]
    pub journal_sc: String,
    /// `yes` when they share an author.
    #[serde(default)]
    pub author_sc: String,
}

/// One work of Meta v1 (or a line of the Meta dump's CSV). All strings, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaRow {
    /// Every identifier of the work, space-separated.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: String,
    /// `Family, Given [orcid:… omid:ra/…]; …`, in order.
    #[serde(default)]
    pub author: String,
    /// `YYYY[-MM[-DD]]` (the legacy COCI `metadata` operation's `year` is read here too).
    #[serde(default, alias = "year")]
    pub pub_date: String,
    /// `Name [issn:… omid:br/…]` (the legacy `source_title` is read here too).
    #[serde(default, alias = "source_title")]
    pub venue: String,
    #[serde(default)]
    pub volume: String,
    #[serde(default)]
    pub issue: String,
    #[serde(default)]
    pub page: String,
    /// `journal article`, `book`, ...
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub editor: String,
    /// The legacy COCI `metadata` operation's bare DOI (Meta v1 puts it in `id`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doi: String,
}

/// The identifiers of one work, from a space-separated list, each `scheme:value` split at the
/// first `:` (a DOI holds colons of its own). DOIs are lower-cased (the Index compares them so);
/// a bare value starting with `10.` is a DOI (the v1 answers). Order is kept, duplicates dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkIds {
    /// `br/06190834283` (without `omid:`).
    pub omids: Vec<String>,
    /// Lower-case DOIs, arXiv DataCite DOIs included.
    pub dois: Vec<String>,
    /// PubMed ids.
    pub pmids: Vec<String>,
    /// OpenAlex work ids, `W2120377900`.
    pub openalex: Vec<String>,
    /// Any other scheme (`pmcid`, `arxiv`, `isbn`, `issn`...): (scheme lower-case, value).
    pub other: Vec<(String, String)>,
}

impl WorkIds {
    /// The identifiers of a `citing`, `cited` or Meta `id` string.
    pub fn parse(text: &str) -> WorkIds {
        let mut ids = WorkIds::default();
        for token in text.split_whitespace() {
            let (scheme, value) = match token.split_once(':') {
                Some((scheme, value)) if !token.starts_with("10.") => {
                    (scheme.to_ascii_lowercase(), value)
                }
                _ if token.starts_with("10.") => ("doi".to_string(), token),
                _ => continue,
            };
            if value.is_empty() {
                continue;
            }
            let push = |list: &mut Vec<String>, value: String| {
                if !list.contains(&value) {
                    list.push(value);
                }
            };
            match scheme.as_str() {
                "omid" => push(&mut ids.omids, value.to_string()),
                "doi" => push(&mut ids.dois, value.to_lowercase()),
                "pmid" => push(&mut ids.pmids, value.to_string()),
                "openalex" => push(&mut ids.openalex, value.to_string()),
                _ => {
                    let pair = (scheme, value.to_string());
                    if !ids.other.contains(&pair) {
                        ids.other.push(pair);
                    }
                }
            }
        }
        ids
    }

    pub fn is_empty(&self) -> bool {
        self.omids.is_empty()
            && self.dois.is_empty()
            && self.pmids.is_empty()
            && self.openalex.is_empty()
            && self.other.is_empty()
    }

    /// The published DOI: of the DOIs that are not arXiv DataCite DOIs, the least in byte
    /// order. The order of a row's ids is not defined (the server's `GROUP_CONCAT`), so "the
    /// first" could name one work two ways in two answers; the least is the same in all.
    pub fn published_doi(&self) -> Option<&str> {
        self.dois
            .iter()
            .filter(|d| !d.starts_with(ARXIV_DOI_PREFIX))
            .min()
            .map(String::as_str)
    }

    /// The arXiv id of the first arXiv DataCite DOI (`10.48550/arxiv.2210.09461` ->
    /// `2210.09461`), else of an `arxiv:` id.
    pub fn arxiv(&self) -> Option<String> {
        self.dois
            .iter()
            .find_map(|d| d.strip_prefix(ARXIV_DOI_PREFIX))
            .map(str::to_string)
            .or_else(|| {
                self.other
                    .iter()
                    .find(|(scheme, _)| scheme == "arxiv")
                    .map(|(_, v)| crate::works::normalize_arxiv(v))
            })
    }

    /// The id a [`Link`] names this work by: `openalex:W…` when it has an OpenAlex id (so it
    /// meets OpenAlex's links), else `doi:` its published DOI (else its arXiv DOI), else
    /// `omid:br/…`, else `pmid:…`. `None` for an empty list.
    pub fn paper_id(&self) -> Option<String> {
        if let Some(w) = self.openalex.first() {
            return Some(format!("openalex:{w}"));
        }
        if let Some(doi) = self
            .published_doi()
            .or(self.dois.first().map(String::as_str))
        {
            return Some(format!("doi:{doi}"));
        }
        if let Some(omid) = self.omids.first() {
            return Some(format!("omid:{omid}"));
        }
        self.pmids.first().map(|p| format!("pmid:{p}"))
    }

    /// `external_ids` of a [`Link`]: `DOI` ([`Self::published_doi`]), `ArXiv`, `OpenAlex`, `PubMed`,
    /// `OMID` (`br/…`), and `DOIs` (an array of every DOI) when the work has more than one.
    pub fn external_ids(&self) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        if let Some(doi) = self.published_doi() {
            out.insert("DOI".to_string(), Value::from(doi));
        }
        if let Some(arxiv) = self.arxiv() {
            out.insert("ArXiv".to_string(), Value::from(arxiv));
        }
        if let Some(w) = self.openalex.first() {
            out.insert("OpenAlex".to_string(), Value::from(w.as_str()));
        }
        if let Some(p) = self.pmids.first() {
            out.insert("PubMed".to_string(), Value::from(p.as_str()));
        }
        if let Some(o) = self.omids.first() {
            out.insert("OMID".to_string(), Value::from(o.as_str()));
        }
        if self.dois.len() > 1 {
            out.insert("DOIs".to_string(), Value::from(self.dois.clone()));
        }
        out
    }

    /// The link to this work: [`Self::paper_id`], [`Self::external_ids`], `year`. `None` when
    /// the list holds no identifier.
    pub fn link(&self, year: Option<i32>) -> Option<Link> {
        Some(Link {
            paper_id: Some(self.paper_id()?),
            external_ids: self.external_ids(),
            year,
            ..Link::default()
        })
    }

    /// The id Meta is asked by: `doi:` the published DOI (else the arXiv DOI), else
    /// `omid:br/…`, else `pmid:…`.
    pub fn meta_id(&self) -> Option<String> {
        if let Some(doi) = self
            .published_doi()
            .or(self.dois.first().map(String::as_str))
        {
            return Some(format!("doi:{doi}"));
        }
        if let Some(omid) = self.omids.first() {
            return Some(format!("omid:{omid}"));
        }
        self.pmids.first().map(|p| format!("pmid:{p}"))
    }

    /// Every id as `scheme:value` (the forms [`Self::meta_id`] makes), to find a Meta row again.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(self.dois.iter().map(|d| format!("doi:{d}")));
        keys.extend(self.omids.iter().map(|o| format!("omid:{o}")));
        keys.extend(self.pmids.iter().map(|p| format!("pmid:{p}")));
        keys.extend(self.openalex.iter().map(|w| format!("openalex:{w}")));
        keys
    }
}

/// The year of a `creation` or `pub_date` (`2013-08-19`, `2017-08`, `2018`); `None` when empty
/// or not a date.
pub fn year_of(date: &str) -> Option<i32> {
    let year = date.trim().get(..4)?;
    year.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| year.parse().ok())
        .flatten()
}

impl MetaRow {
    /// The work's identifiers ([`Self::id`], and the legacy `doi` field).
    pub fn ids(&self) -> WorkIds {
        if self.doi.is_empty() {
            WorkIds::parse(&self.id)
        } else {
            WorkIds::parse(&format!("{} doi:{}", self.id, self.doi))
        }
    }

    pub fn year(&self) -> Option<i32> {
        year_of(&self.pub_date)
    }

    /// Author names as `Given Family`, in order, without their bracketed ids.
    pub fn authors(&self) -> Vec<String> {
        self.author
            .split(';')
            .map(strip_brackets)
            .filter(|name| !name.is_empty())
            .map(|name| match name.split_once(',') {
                Some((family, given)) if !given.trim().is_empty() => {
                    format!("{} {}", given.trim(), family.trim())
                }
                _ => name.trim_end_matches(',').trim().to_string(),
            })
            .collect()
    }

    /// The venue's name without its bracketed ids; `None` when empty.
    pub fn venue_name(&self) -> Option<String> {
        Some(strip_brackets(&self.venue)).filter(|v| !v.is_empty())
    }

    /// Fills what `link` lacks from this row: title, year, venue, authors, and the ids it has
    /// that the link does not.
    pub fn describe(&self, link: &mut Link) {
        let title = self.title.trim();
        if link.title.is_none() && !title.is_empty() {
            link.title = Some(title.to_string());
        }
        if link.year.is_none() {
            link.year = self.year();
        }
        if link.venue.is_none() {
            link.venue = self.venue_name();
        }
        if link.authors.is_empty() {
            link.authors = self
                .authors()
                .into_iter()
                .map(|name| Author {
                    author_id: None,
                    name: Some(name),
                })
                .collect();
        }
        for (key, value) in self.ids().external_ids() {
            link.external_ids.entry(key).or_insert(value);
        }
    }
}

/// `Name [issn:… omid:…]` -> `Name`.
fn strip_brackets(text: &str) -> String {
    let text = match text.find('[') {
        Some(at) => &text[..at],
        None => text,
    };
    text.trim().to_string()
}

/// How an answer failed to be what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Not JSON at all: plain text (`HTTP status code 500: …`) or a body cut short.
    #[error("the answer is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not an array of rows.
    #[error("the answer is not a list of rows: {0}")]
    Shape(String),
}

/// The rows of an Index answer (a JSON array). Errors: [`WireError`], with a preview of the text.
pub fn index_rows(body: &[u8]) -> Result<Vec<IndexRow>, WireError> {
    rows(body)
}

/// The rows of a Meta answer (a JSON array).
pub fn meta_rows(body: &[u8]) -> Result<Vec<MetaRow>, WireError> {
    rows(body)
}

fn rows<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Vec<T>, WireError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| WireError::NotJson(preview(body)))?;
    serde_json::from_value(value).map_err(|err| WireError::Shape(format!("{err}")))
}

/// What an error body says, read by its content whatever its `Content-Type`: a JSON object's
/// `error` or `message`, else the text itself, whitespace collapsed, at most 300 characters.
pub fn error_text(body: &[u8]) -> String {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        for key in ["error", "message", "detail"] {
            if let Some(text) = map.get(key).and_then(Value::as_str) {
                return clip(text);
            }
        }
    }
    preview(body)
}

/// The status a plain-text body names (`HTTP status code 500: …` -> 500), as the server's
/// wrapper writes it.
pub fn status_in_text(body: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(body);
    let rest = text.trim_start().strip_prefix("HTTP status code ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|s| (100..600).contains(s))
}

fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.trim().is_empty() {
        return "an empty body".to_string();
    }
    clip(&text)
}

fn clip(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 300 {
        format!("{}…", collapsed.chars().take(300).collect::<String>())
    } else {
        collapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_at_the_first_colon_and_keep_every_doi() {
        let ids = WorkIds::parse(
            "omid:br/061802858887 doi:10.1200/JCO.1998.16.8.2825 doi:10.1200/jco.22.02403 \
             pmid:36603541 pmid:9704735",
        );
        assert_eq!(ids.omids, ["br/061802858887"]);
        assert_eq!(
            ids.dois,
            ["10.1200/jco.1998.16.8.2825", "10.1200/jco.22.02403"]
        );
        assert_eq!(ids.pmids, ["36603541", "9704735"]);
        assert_eq!(
            ids.paper_id().as_deref(),
            Some("doi:10.1200/jco.1998.16.8.2825")
        );
        let external = ids.external_ids();
        assert_eq!(external["DOI"], "10.1200/jco.1998.16.8.2825");
        assert_eq!(external["PubMed"], "36603541");
        assert_eq!(external["DOIs"].as_array().unwrap().len(), 2);
        // A DOI with colons of its own, and the v1 bare DOI.
        let odd = WorkIds::parse("omid:br/1 doi:10.1002/(sici)1097:4<3::aid>");
        assert_eq!(odd.dois, ["10.1002/(sici)1097:4<3::aid>"]);
        assert_eq!(
            WorkIds::parse("10.1108/jd-12-2013-0166").dois,
            ["10.1108/jd-12-2013-0166"]
        );
    }

    #[test]
    fn a_link_is_named_by_openalex_then_doi_then_omid() {
        let with_openalex =
            WorkIds::parse("omid:br/062503773411 openalex:W1888950138 pmid:12006542");
        assert_eq!(
            with_openalex.paper_id().as_deref(),
            Some("openalex:W1888950138")
        );
        assert_eq!(
            with_openalex.meta_id().as_deref(),
            Some("omid:br/062503773411")
        );
        let arxiv = WorkIds::parse("omid:br/9 doi:10.48550/arXiv.2210.09461");
        assert_eq!(
            arxiv.paper_id().as_deref(),
            Some("doi:10.48550/arxiv.2210.09461")
        );
        let external = arxiv.external_ids();
        assert_eq!(external["ArXiv"], "2210.09461");
        assert!(!external.contains_key("DOI"));
        assert_eq!(
            WorkIds::parse("omid:br/5").paper_id().as_deref(),
            Some("omid:br/5")
        );
        assert_eq!(WorkIds::parse("").paper_id(), None);
    }

    #[test]
    fn meta_rows_give_names_years_and_venues() {
        let row = MetaRow {
            id: "doi:10.1/x omid:br/1".into(),
            title: "A Title".into(),
            author: "Peroni, Silvio [orcid:0000-0003-0530-4305 omid:ra/1]; Shotton, David".into(),
            pub_date: "2015-03".into(),
            venue: "Journal Of Documentation [issn:0022-0418 omid:br/2]".into(),
            ..MetaRow::default()
        };
        assert_eq!(row.authors(), ["Silvio Peroni", "David Shotton"]);
        assert_eq!(row.year(), Some(2015));
        assert_eq!(
            row.venue_name().as_deref(),
            Some("Journal Of Documentation")
        );
        let mut link = WorkIds::parse("omid:br/1").link(None).unwrap();
        row.describe(&mut link);
        assert_eq!(link.title.as_deref(), Some("A Title"));
        assert_eq!(link.external_ids["DOI"], "10.1/x");
        assert_eq!(link.authors.len(), 2);
    }

    #[test]
    fn error_bodies_are_read_by_content() {
        let text = b"HTTP status code 500: something unexpected happened - KeyError: 'x' (line 3)";
        assert_eq!(status_in_text(text), Some(500));
        assert!(error_text(text).starts_with("HTTP status code 500"));
        assert_eq!(error_text(br#"{"error": "bad"}"#), "bad");
        assert_eq!(status_in_text(b"[]"), None);
        assert!(matches!(index_rows(text), Err(WireError::NotJson(_))));
        assert!(matches!(index_rows(b"{}"), Err(WireError::Shape(_))));
        assert_eq!(index_rows(b"[]"), Ok(Vec::new()));
        assert_eq!(year_of(""), None);
        assert_eq!(year_of("2017-08"), Some(2017));
    }
}
