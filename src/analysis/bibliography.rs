//! What `references.bib` needs about each catalogue paper: the list's own BibTeX block and key
//! when the entry has one, and otherwise the bibliographic fields of the Semantic Scholar record
//! (falling back to what the list itself says when the paper is unresolved); and where the list
//! has it (file, section, number) with its application badges, for placing the suggestions of
//! `suggestions.md` beside the papers they are tied to.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Listing};
use crate::records::{Corpus, PaperRecord};

/// One catalogue paper's bibliographic facts, in catalogue order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BibSource {
    /// The catalogue key ([`crate::catalog::CatalogPaper::key`]).
    pub key: String,
    /// The Semantic Scholar id, when resolved.
    pub paper_id: Option<String>,
    /// The key of the list's own BibTeX block, as written.
    pub bibtex_key: Option<String>,
    /// The list's own BibTeX block, as written.
    pub bibtex: Option<String>,
    /// The record's title, else the list's.
    pub title: String,
    /// `First Last` names from the record, else the list's authors line.
    pub authors: Vec<String>,
    /// The record's venue as text (tags dropped, [`crate::text::strip_html`]), else the list's.
    pub venue: Option<String>,
    pub year: Option<i32>,
    /// Lower-case DOI without the `https://doi.org/` prefix.
    pub doi: Option<String>,
    /// arXiv id without version, e.g. `2210.09461`.
    pub arxiv: Option<String>,
    /// Every place the list has the paper (file, line, written number, sections), in file order;
    /// absent from `metrics.json` when none (older runs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listings: Vec<Listing>,
    /// Its green (application) badges, as the list writes them (`Image Recognition`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<String>,
}

/// One [`BibSource`] per catalogue paper, in catalogue order. Cost: O(papers + records).
pub fn sources(catalog: &Catalog, corpus: &Corpus) -> Vec<BibSource> {
    let paper_id_of: HashMap<&str, &str> = corpus
        .resolutions
        .iter()
        .filter_map(|r| Some((r.key.as_str(), r.paper_id.as_deref()?)))
        .collect();
    let record_of: HashMap<&str, &PaperRecord> = corpus
        .records
        .iter()
        .map(|r| (r.paper_id.as_str(), r))
        .collect();
    fn text(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    catalog
        .papers
        .iter()
        .map(|paper| {
            let paper_id = paper_id_of.get(paper.key.as_str()).copied();
            let record = paper_id.and_then(|id| record_of.get(id)).copied();
            let external = |name: &str| {
                record
                    .and_then(|r| r.external_ids.get(name))
                    .and_then(|v| v.as_str())
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            let authors: Vec<String> = record
                .map(|r| {
                    r.authors
                        .iter()
                        .filter_map(|a| text(&a.name).map(str::to_string))
                        .collect()
                })
                .filter(|names: &Vec<String>| !names.is_empty())
                .unwrap_or_else(|| paper.authors.clone());
            BibSource {
                key: paper.key.clone(),
                paper_id: paper_id.map(str::to_string),
                bibtex_key: paper.ids.bibtex_key.clone(),
                bibtex: paper.bibtex.clone(),
                title: record
                    .and_then(|r| text(&r.title))
                    .unwrap_or(&paper.title)
                    .to_string(),
                authors,
                // Record venues carry their sources' markup ("ICLR 2023<br>").
                venue: record
                    .and_then(|r| text(&r.venue))
                    .map(crate::text::strip_html)
                    .filter(|v| !v.is_empty())
                    .or(text(&paper.venue).map(str::to_string)),
                year: record.and_then(|r| r.year).or(paper.year),
                doi: external("DOI")
                    .map(|d| d.to_ascii_lowercase())
                    .or_else(|| paper.ids.doi.clone()),
                arxiv: external("ArXiv").or_else(|| paper.ids.arxiv.clone()),
                listings: paper.listings.clone(),
                applications: paper.badges.application.clone(),
            }
        })
        .collect()
}
