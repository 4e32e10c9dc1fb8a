//! CSL-JSON (the Citation Style Language's data format, CSL 1.0.2 `csl-data.json` schema), which
//! Zotero imports and Pandoc's `--citeproc` and citeproc-js cite from. Written with serde from
//! the typed items below: the Rust crates with CSL-JSON types read it but do not write it right
//! (`citationberg` 0.7 serializes `issued` as a bare array, without its `date-parts` key, and
//! missing name parts as `null`; `citeworks-csl` has had no release since 2022). Checked against
//! `pandoc --citeproc` in tests/it/exports_parsers.rs.
//!
//! JSON escaping is serde_json's. Values are plain text: CSL processors read a few HTML tags in
//! strings as formatting (`<i>`, `<b>`, `<sup>`, `<sub>`), and the titles built from Semantic
//! Scholar have had theirs read as text already ([`crate::text::strip_html`]).

use anyhow::{Context, Result};
use serde::Serialize;

use super::{Kind, Name, Reference};

/// The CSL type of a reference: `paper-conference`, `article-journal`, `article` (CSL 1.0.2's
/// type for a preprint) or `document`.
fn csl_type(kind: Kind) -> &'static str {
    match kind {
        Kind::ConferencePaper => "paper-conference",
        Kind::JournalArticle => "article-journal",
        Kind::Preprint => "article",
        Kind::Other => "document",
    }
}

/// One CSL-JSON item, the fields in the order written.
#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<CslName<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued: Option<Date>,
    #[serde(rename = "container-title", skip_serializing_if = "Option::is_none")]
    container_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volume: Option<&'a str>,
    /// `12-19` (CSL's range form), or one page.
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    #[serde(rename = "DOI", skip_serializing_if = "Option::is_none")]
    doi: Option<&'a str>,
    #[serde(rename = "URL", skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

/// A name in parts; empty parts are left out.
#[derive(Serialize)]
struct CslName<'a> {
    family: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    given: &'a str,
    #[serde(
        rename = "non-dropping-particle",
        skip_serializing_if = "str::is_empty"
    )]
    particle: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    suffix: &'a str,
}

impl<'a> From<&'a Name> for CslName<'a> {
    fn from(name: &'a Name) -> Self {
        CslName {
            family: &name.family,
            given: &name.given,
            particle: &name.particle,
            suffix: &name.suffix,
        }
    }
}

/// `{"date-parts": [[year]]}`.
#[derive(Serialize)]
struct Date {
    #[serde(rename = "date-parts")]
    date_parts: [[i32; 1]; 1],
}

impl<'a> From<&'a Reference> for Item<'a> {
    fn from(reference: &'a Reference) -> Self {
        let preprint = reference.kind == Kind::Preprint && reference.arxiv.is_some();
        Item {
            id: &reference.key,
            kind: csl_type(reference.kind),
            title: &reference.title,
            author: reference.authors.iter().map(CslName::from).collect(),
            issued: reference.year.map(|year| Date {
                date_parts: [[year]],
            }),
            container_title: reference.venue.as_deref(),
            volume: reference.volume.as_deref(),
            page: reference
                .pages
                .as_deref()
                .map(|pages| match super::page_range(pages) {
                    (first, Some(last)) => format!("{first}-{last}"),
                    (first, None) => first.to_string(),
                }),
            // A preprint's server and its id there, as Zotero writes an arXiv preprint.
            publisher: preprint.then_some("arXiv"),
            number: reference
                .arxiv
                .as_deref()
                .filter(|_| preprint)
                .map(|id| format!("arXiv:{id}")),
            doi: reference.doi.as_deref(),
            url: reference.url.as_deref(),
        }
    }
}

/// Every reference as one CSL-JSON item, in the order given: `id` (the BibTeX key), `type`,
/// `title`, `author` (`family`, `given`, `non-dropping-particle`, `suffix`), `issued`
/// (`date-parts`: the year), `container-title` (the conference or journal), for an arXiv preprint
/// `publisher` `arXiv` and `number` `arXiv:ID`, `DOI` and `URL` (the entry's link, else the arXiv
/// abstract page); a field a reference lacks is left out. Pretty-printed, ending in a newline.
/// Errors: none in practice (serde_json fails only on non-string map keys, which these types do
/// not have).
pub fn csl_json(references: &[Reference]) -> Result<String> {
    let items: Vec<Item<'_>> = references.iter().map(Item::from).collect();
    let mut out = serde_json::to_string_pretty(&items).context("writing CSL-JSON")?;
    out.push('\n');
    Ok(out)
}
