//! OpenAlex's wire formats, read leniently: the Work object (the fields citegraph uses, every one
//! optional, unknown keys ignored), the list envelope (`meta`, `results`), the JSON error body,
//! and the conversion of a Work into a [`Link`]. Shapes from ../shared/OPENALEX-API.md and the
//! recorded answers in ../shared/fixtures/openalex-recorded/ (every one parses: see the tests).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::records::{null_default, Author, Link};

/// `select=` of a singleton (`/works/doi:…`): the fields a catalogue paper needs, root-level
/// only (OpenAlex refuses nested select fields).
pub const WORK_SELECT: &str = "id,doi,title,display_name,publication_year,type,cited_by_count,\
referenced_works,referenced_works_count,is_retracted,authorships,primary_location";

/// `select=` of a list call (references resolved in batches, citers, title search): what a
/// [`Link`] needs, without the reference list (a list call of full works weighs 15–50 KB a work).
pub const LINK_SELECT: &str =
    "id,doi,title,display_name,publication_year,type,cited_by_count,is_retracted,authorships,primary_location";

/// The DOI prefix of arXiv's DataCite DOIs, as OpenAlex writes it (lower case).
pub const ARXIV_DOI_PREFIX: &str = "10.48550/arxiv.";

/// One OpenAlex work: the fields citegraph reads. Every field may be absent or `null` (the
/// server's schema allows it); ids are URLs (`https://openalex.org/W…`), `doi` a URL too.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Work {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publication_year: Option<i32>,
    /// `article`, `preprint`, `review`, … .
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub work_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cited_by_count: Option<u64>,
    /// Ids (URLs) of the works it cites; empty with `referenced_works_count: 0` means unknown.
    #[serde(
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub referenced_works: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referenced_works_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_retracted: Option<bool>,
    #[serde(
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub authorships: Vec<Authorship>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_location: Option<Location>,
}

/// One author of a work (`authorships[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Authorship {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<AuthorRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_author_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthorRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// `primary_location`: where the version of record lives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
}

/// A location's `source` (a journal, a repository such as arXiv, a conference).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `journal`, `repository`, `conference`, `metadata`, … .
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
}

/// A list answer (`GET /works?filter=…`): the envelope with its works.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListPage {
    pub meta: Meta,
    #[serde(deserialize_with = "null_default")]
    pub results: Vec<Work>,
}

/// The list envelope's `meta`. `next_cursor` is present only with cursor paging and `null` on
/// the last page; `timed_out: true` marks a partial page (the 5 s search budget fired).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Meta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub timed_out: bool,
}

impl Work {
    /// The OpenAlex key (`W2741809807`, upper-case `W`) without the `https://openalex.org/`
    /// prefix; `None` when the work has no id.
    pub fn key(&self) -> Option<String> {
        self.id.as_deref().and_then(short_id)
    }

    /// The DOI, lower case, without its URL prefix (arXiv DataCite DOIs included).
    pub fn doi(&self) -> Option<String> {
        self.doi
            .as_deref()
            .map(crate::works::normalize_doi)
            .filter(|d| !d.is_empty())
    }

    /// The arXiv id of an arXiv preprint (from its `10.48550/arxiv.` DOI).
    pub fn arxiv(&self) -> Option<String> {
        self.doi()
            .and_then(|d| d.strip_prefix(ARXIV_DOI_PREFIX).map(str::to_string))
    }

    /// The title (`title`, else `display_name`).
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref().or(self.display_name.as_deref())
    }

    /// Whether this is an arXiv (or other repository) preprint rather than a published version.
    pub fn is_preprint(&self) -> bool {
        self.work_type.as_deref() == Some("preprint") || self.arxiv().is_some()
    }

    /// Whether OpenAlex has a reference list for it: `referenced_works_count > 0` (0 means
    /// unknown, as for arXiv records).
    pub fn has_references(&self) -> bool {
        self.referenced_works_count
            .unwrap_or(self.referenced_works.len() as u64)
            > 0
            && !self.referenced_works.is_empty()
    }

    /// The keys of the works it cites, deduplicated in order.
    pub fn reference_keys(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.referenced_works
            .iter()
            .filter_map(|id| short_id(id))
            .filter(|key| seen.insert(key.clone()))
            .collect()
    }

    /// Author display names (the raw name when OpenAlex has no author record).
    pub fn author_names(&self) -> Vec<String> {
        self.authorships
            .iter()
            .filter_map(|a| {
                a.author
                    .as_ref()
                    .and_then(|r| r.display_name.clone())
                    .or_else(|| a.raw_author_name.clone())
            })
            .filter(|n| !n.trim().is_empty())
            .collect()
    }

    /// The venue: the primary location's source name.
    pub fn venue(&self) -> Option<String> {
        self.primary_location
            .as_ref()
            .and_then(|l| l.source.as_ref())
            .and_then(|s| s.display_name.clone())
            .filter(|v| !v.trim().is_empty())
    }

    /// The work as a [`Link`]: `paper_id` `openalex:W…`; `external_ids` `OpenAlex`, `DOI` (not
    /// an arXiv DataCite DOI) and `ArXiv` (from one); title, year, `cited_by_count`, venue and
    /// author names. `None` without an id.
    pub fn to_link(&self) -> Option<Link> {
        let key = self.key()?;
        let mut external_ids = BTreeMap::new();
        external_ids.insert("OpenAlex".to_string(), Value::String(key.clone()));
        match (self.arxiv(), self.doi()) {
            (Some(arxiv), _) => {
                external_ids.insert("ArXiv".to_string(), Value::String(arxiv));
            }
            (None, Some(doi)) => {
                external_ids.insert("DOI".to_string(), Value::String(doi));
            }
            (None, None) => {}
        }
        Some(Link {
            paper_id: Some(format!("openalex:{key}")),
            title: self.title().map(str::to_string),
            year: self.publication_year,
            external_ids,
            citation_count: self.cited_by_count,
            venue: self.venue(),
            authors: self
                .author_names()
                .into_iter()
                .map(|name| Author {
                    author_id: None,
                    name: Some(name),
                })
                .collect(),
            // The link's own fields (influence, intents, the source the graph build marks it
            // with) are not OpenAlex's to say.
            ..Default::default()
        })
    }
}

/// `W2741809807` from `https://openalex.org/W2741809807`, `openalex:W…`, `w2741809807` or the
/// bare key; `None` for anything else (an author id, a DOI).
pub fn short_id(id: &str) -> Option<String> {
    let id = id.trim();
    let id = id
        .strip_prefix("https://openalex.org/")
        .or_else(|| id.strip_prefix("http://openalex.org/"))
        .or_else(|| id.strip_prefix("openalex:"))
        .unwrap_or(id);
    let digits = id.strip_prefix('W').or_else(|| id.strip_prefix('w'))?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| format!("W{digits}"))
}

/// The `error`/`message` text of a JSON error body, or a short description of a body that is
/// not JSON (OpenAlex's 404 is an HTML page).
pub fn error_message(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
        return match (field("error"), field("message")) {
            (Some(e), Some(m)) => format!("{e}: {m}"),
            (Some(t), None) | (None, Some(t)) => t,
            (None, None) => "an answer without an error message".to_string(),
        };
    }
    let text = String::from_utf8_lossy(body);
    if let Some(start) = text.find("<title>") {
        if let Some(end) = text[start..].find("</title>") {
            return text[start + 7..start + end].trim().to_string();
        }
    }
    let short: String = text.chars().take(120).collect();
    if short.trim().is_empty() {
        "an empty answer".to_string()
    } else {
        format!("a non-JSON answer: {}", short.trim())
    }
}

/// A title as a `title.search:` filter value: without `,` (it would split the filter), `?` and
/// `*` (wildcards, refused without an exact search), `|` (OR) and `:`; runs of spaces collapsed.
pub fn search_words(title: &str) -> String {
    title
        .chars()
        .map(|c| match c {
            ',' | '?' | '*' | '|' | ':' | '&' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/fixtures/openalex-recorded")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn recorded_singletons_parse() {
        for name in [
            "researchhub_work_W2741809807_2025-09.json",
            "bvitamins_work_W2741809807_2025-06.json",
        ] {
            let work: Work = serde_json::from_slice(&recorded(name)).unwrap();
            assert_eq!(work.key().as_deref(), Some("W2741809807"), "{name}");
            assert_eq!(work.doi().as_deref(), Some("10.7717/peerj.4375"));
            assert!(!work.author_names().is_empty());
            let link = work.to_link().unwrap();
            assert_eq!(link.paper_id.as_deref(), Some("openalex:W2741809807"));
            assert_eq!(link.external_ids["DOI"], "10.7717/peerj.4375");
            assert_eq!(link.year, Some(2018));
            assert!(link.venue.as_deref().is_some_and(|v| v.contains("PeerJ")));
        }
        let work: Work =
            serde_json::from_slice(&recorded("paperqa_work_by_doi_url.body.json")).unwrap();
        assert_eq!(work.key().as_deref(), Some("W4408732759"));
        assert_eq!(work.reference_keys().len(), 59);
        assert!(work.has_references());
        let select: Work =
            serde_json::from_slice(&recorded("paperqa_work_by_doi_select.body.json")).unwrap();
        assert_eq!(select.doi().as_deref(), Some("10.1021/acs.jctc.5b00178"));
        assert!(select.key().is_none() && select.to_link().is_none());
    }

    #[test]
    fn recorded_lists_parse() {
        let page: ListPage =
            serde_json::from_slice(&recorded("researchhub_works_cursor_page.json")).unwrap();
        assert_eq!(page.results.len(), 3);
        assert_eq!(page.meta.per_page, Some(3));
        assert!(page.meta.next_cursor.is_some());
        let last: ListPage =
            serde_json::from_slice(&recorded("researchhub_works_cursor_last_page_empty.json"))
                .unwrap();
        assert!(last.results.is_empty() && last.meta.next_cursor.is_none());

        let arxiv: ListPage =
            serde_json::from_slice(&recorded("paperqa_title_search_arxiv_preprint.body.json"))
                .unwrap();
        let preprint = &arxiv.results[0];
        assert_eq!(preprint.arxiv().as_deref(), Some("2312.07559"));
        assert!(preprint.is_preprint() && !preprint.has_references());
        let link = preprint.to_link().unwrap();
        assert_eq!(link.external_ids["ArXiv"], "2312.07559");
        assert!(!link.external_ids.contains_key("DOI"));

        let pair: ListPage = serde_json::from_slice(&recorded(
            "paperqa_title_search_preprint_and_published.body.json",
        ))
        .unwrap();
        let keys: Vec<String> = pair.results.iter().filter_map(Work::key).collect();
        assert_eq!(keys, ["W4396723768", "W4365597205"]);
        let published = &pair.results[0];
        assert!(!published.is_preprint() && published.has_references());
        assert_eq!(published.reference_keys().len(), 57);
        assert!(pair.results[1].is_preprint() && !pair.results[1].has_references());
    }

    #[test]
    fn recorded_cassettes_bodies_and_the_html_404_read() {
        let html = recorded("paperqa_work_by_doi_404.body.html");
        assert_eq!(error_message(&html), "404 Not Found");
        // The cassettes hold every interaction (vcrpy); their OpenAlex bodies are the *.body.*
        // files parsed above. Each OpenAlex interaction is there with the status recorded.
        for (name, status) in [
            ("paperqa_work_by_doi_404.yaml", 404),
            ("paperqa_work_by_doi_select.yaml", 200),
            ("paperqa_doi_search_multi_provider.yaml", 200),
            ("paperqa_title_search_arxiv_preprint.yaml", 200),
            ("paperqa_title_search_preprint_and_published.yaml", 200),
        ] {
            let cassette: serde_yaml::Value = serde_yaml::from_slice(&recorded(name)).unwrap();
            let interactions = cassette["interactions"].as_sequence().unwrap();
            let openalex: Vec<&serde_yaml::Value> = interactions
                .iter()
                .filter(|i| {
                    i["request"]["uri"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("https://api.openalex.org/works"))
                })
                .collect();
            assert_eq!(openalex.len(), 1, "{name}");
            assert_eq!(
                openalex[0]["response"]["status"]["code"].as_u64(),
                Some(status)
            );
        }
    }

    #[test]
    fn ids_and_errors() {
        assert_eq!(short_id("https://openalex.org/W12").as_deref(), Some("W12"));
        assert_eq!(short_id("w12").as_deref(), Some("W12"));
        assert_eq!(short_id("openalex:W12").as_deref(), Some("W12"));
        assert_eq!(short_id("https://openalex.org/A5023888391"), None);
        assert_eq!(short_id("W"), None);
        assert_eq!(
            error_message(
                br#"{"error":"Invalid query parameters error.","message":"x is not valid"}"#
            ),
            "Invalid query parameters error.: x is not valid"
        );
        assert_eq!(
            search_words("What, me worry? A *star* | b: c"),
            "What me worry A star b c"
        );
    }
}
