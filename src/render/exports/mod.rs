//! `OUTPUT/references.ris`, `references.json`, `suggestions.ris` and `suggestions.json`: the
//! papers of `references.bib` and `suggestions.bib`, under the same keys, for reference managers
//! that read RIS (Zotero, Mendeley, EndNote: `ris.rs`) or CSL-JSON (Zotero, Pandoc's citeproc,
//! citeproc-js: `csl_json.rs`).
//!
//! The entries are the BibTeX files' own ([`bibtex::reference_entries`],
//! [`bibtex::suggestion_entries`]), read once into one [`Reference`] each: an entry built from the
//! record keeps the record's facts as plain text (inline HTML read as text,
//! [`crate::text::strip_html`]); an entry that is the list's own BibTeX block is read back with
//! the `biblatex` crate (LaTeX accents and commands resolved: `{\'\i}` is `í`, `{\L}` is `Ł`;
//! braces dropped; TeX math kept as `$...$`), so every format says what the BibTeX says.
//! Abstracts are never written.

use anyhow::Result;
use biblatex::{Chunk, ChunksExt, EntryType, Person, Spanned};

use super::bibtex::{self, BibEntry, BibKeys, EntryForm, Facts};
use super::{labels, Exporter, OutputFile, View};

mod csl_json;
mod ris;

pub use csl_json::csl_json;
pub use ris::ris;

/// Writes `references.ris`, `references.json`, `suggestions.ris` and `suggestions.json`.
pub struct Exports;

impl Exporter for Exports {
    fn files(
        &self,
        view: &View<'_>,
        _figures: &[super::charts::Figure],
    ) -> Result<Vec<OutputFile>> {
        let keys = BibKeys::new(view.analysis);
        let references: Vec<Reference> = bibtex::reference_entries(view.analysis, &keys)
            .iter()
            .map(Reference::from_entry)
            .collect();
        let suggestions: Vec<Reference> = bibtex::suggestion_entries(view.analysis, &keys)
            .iter()
            .map(Reference::from_entry)
            .collect();
        Ok(vec![
            OutputFile::new("references.ris", ris(&references)),
            OutputFile::new("references.json", csl_json(&references)?),
            OutputFile::new("suggestions.ris", ris(&suggestions)),
            OutputFile::new("suggestions.json", csl_json(&suggestions)?),
        ])
    }
}

/// What kind of work a reference is, as reference managers type it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// In a conference's proceedings: BibTeX `@inproceedings`, RIS `CPAPER`, CSL
    /// `paper-conference`.
    ConferencePaper,
    /// In a journal (a venue [`bibtex::is_journal`] names one, or `@article` in a published
    /// venue): RIS `JOUR`, CSL `article-journal`.
    JournalArticle,
    /// On a preprint server only (an arXiv id and no published venue): RIS `UNPB`, CSL
    /// `article` (CSL 1.0.2's type for preprints).
    Preprint,
    /// Nothing says where it appeared: RIS `GEN`, CSL `document`.
    Other,
}

/// One author's name in parts, split by BibTeX's rules (`biblatex::Person`: `First von Last`,
/// `von Last, First`, `von Last, Jr, First`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The family name (`Gogh` of `Vincent van Gogh`); never empty.
    pub family: String,
    /// Given names, possibly empty.
    pub given: String,
    /// A particle that stays with the family name (`van`), possibly empty.
    pub particle: String,
    /// `Jr.`, possibly empty.
    pub suffix: String,
}

/// One entry of the exports: the fields every format writes, as plain text on one line each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The BibTeX key, the same in every format (RIS `ID`, CSL `id`).
    pub key: String,
    pub kind: Kind,
    pub title: String,
    pub authors: Vec<Name>,
    /// The conference or journal; `None` for a preprint or when unknown.
    pub venue: Option<String>,
    pub year: Option<i32>,
    /// The DOI the BibTeX entry cites (the publisher's for a published paper).
    pub doi: Option<String>,
    /// arXiv id without version (`2210.09461`).
    pub arxiv: Option<String>,
    /// A link: the entry's own `url`, else the arXiv abstract page.
    pub url: Option<String>,
    /// The journal volume, as the list's BibTeX block gives it (`volume`); `None` for entries
    /// built from a record (Semantic Scholar's records carry none).
    pub volume: Option<String>,
    /// The pages, as the block gives them (`pages`: `12–19`, TeX's `--` read as the en dash, or
    /// `12-19`, or one page).
    pub pages: Option<String>,
}

impl Reference {
    /// The reference of one BibTeX entry: from the facts it was built from, or its list block
    /// read back. A list block that no longer parses (never: [`bibtex`] keeps only blocks that
    /// do) gives a reference with the key alone, of kind [`Kind::Other`].
    pub fn from_entry(entry: &BibEntry) -> Reference {
        match &entry.form {
            EntryForm::Built(facts) => from_facts(&entry.key, facts),
            EntryForm::List(text) => from_block(&entry.key, text).unwrap_or_else(|| Reference {
                key: entry.key.clone(),
                kind: Kind::Other,
                title: String::new(),
                authors: Vec::new(),
                venue: None,
                year: None,
                doi: None,
                arxiv: None,
                url: None,
                volume: None,
                pages: None,
            }),
        }
    }
}

/// `https://arxiv.org/abs/ID`.
fn arxiv_url(id: &str) -> String {
    format!("https://arxiv.org/abs/{id}")
}

fn non_empty(text: String) -> Option<String> {
    Some(text).filter(|t| !t.is_empty())
}

/// A reference from the facts an entry was built from, typed as [`bibtex`] types it: a journal
/// venue gives a journal article, another published venue a conference paper, an arXiv id and no
/// published venue a preprint; the DOI is the one the entry cites
/// ([`bibtex::published_or_no_doi`]).
fn from_facts(key: &str, facts: &Facts) -> Reference {
    let venue = facts
        .venue
        .as_deref()
        .map(crate::text::strip_html)
        .map(|v| labels::one_line(&v))
        .filter(|v| !v.is_empty());
    let published = venue.clone().filter(|v| !bibtex::is_preprint(v));
    let arxiv = facts
        .arxiv
        .as_deref()
        .map(labels::one_line)
        .and_then(non_empty);
    let kind = match &published {
        Some(v) if bibtex::is_journal(v) => Kind::JournalArticle,
        Some(_) => Kind::ConferencePaper,
        None if arxiv.is_some() || venue.is_some() => Kind::Preprint,
        None => Kind::Other,
    };
    Reference {
        key: key.to_string(),
        kind,
        title: labels::one_line(&crate::text::strip_html(&facts.title)),
        authors: facts
            .authors
            .iter()
            .filter_map(|name| split_name(&labels::one_line(name)))
            .collect(),
        venue: published,
        year: facts.year,
        doi: bibtex::published_or_no_doi(facts.doi.as_deref(), facts.venue.as_deref())
            .map(labels::one_line)
            .and_then(non_empty),
        url: arxiv.as_deref().map(arxiv_url),
        arxiv,
        volume: None,
        pages: None,
    }
}

/// A page range's first and last page: `12--19`, `12-19` and `12–19` give `("12", Some("19"))`;
/// one page gives `("12", None)`.
pub fn page_range(pages: &str) -> (&str, Option<&str>) {
    match pages.split_once(['-', '\u{2013}']) {
        Some((first, last)) => {
            let last = last.trim_start_matches(['-', '\u{2013}']).trim();
            (first.trim(), Some(last).filter(|l| !l.is_empty()))
        }
        None => (pages.trim(), None),
    }
}

/// A `First Last` name (or `Last, First`) split by BibTeX's rules; `None` for an empty name.
fn split_name(name: &str) -> Option<Name> {
    let chunks = [Spanned::detached(Chunk::Normal(name.to_string()))];
    person_name(Person::parse(&chunks))
}

/// A parsed person as a [`Name`]: a name with no family part takes its given part as the
/// family (`{Google}` alone); `None` when both are empty.
fn person_name(person: Person) -> Option<Name> {
    let clean = |s: &str| labels::one_line(s);
    let (family, given) = match (clean(&person.name), clean(&person.given_name)) {
        (family, given) if family.is_empty() => (given, String::new()),
        pair => pair,
    };
    (!family.is_empty()).then(|| Name {
        family,
        given,
        particle: clean(&person.prefix),
        suffix: clean(&person.suffix),
    })
}

/// A reference from a list's own block (one entry the `biblatex` crate parses): its type
/// (`@inproceedings` a conference paper, `@article` a journal article unless its journal is a
/// preprint server, `@misc`/`@unpublished`/`@online` with an arXiv eprint a preprint), title,
/// authors, `journal`/`journaltitle`/`booktitle`, `year` (or `date`), `doi`, arXiv `eprint` and
/// `url`, each read as text. `None` when it does not parse.
fn from_block(key: &str, text: &str) -> Option<Reference> {
    let bibliography = biblatex::Bibliography::parse(text).ok()?;
    let entry = bibliography.iter().next()?;
    let field = |name: &str| {
        entry
            .get(name)
            .map(|chunks| labels::one_line(&chunks.format_verbatim()))
            .and_then(non_empty)
    };
    let venue = field("journal")
        .or_else(|| field("journaltitle"))
        .or_else(|| field("booktitle"));
    let published = venue.clone().filter(|v| !bibtex::is_preprint(v));
    let eprint_kind = field("archiveprefix").or_else(|| field("eprinttype"));
    let arxiv = field("eprint").filter(|_| {
        eprint_kind
            .as_deref()
            .is_none_or(|k| k.eq_ignore_ascii_case("arxiv"))
    });
    let kind = match (&entry.entry_type, &published) {
        (EntryType::InProceedings | EntryType::Proceedings, _) => Kind::ConferencePaper,
        (EntryType::Article, Some(_)) => Kind::JournalArticle,
        (EntryType::Article | EntryType::Misc | EntryType::Unpublished | EntryType::Online, _)
            if arxiv.is_some() || venue.is_some() =>
        {
            Kind::Preprint
        }
        _ => Kind::Other,
    };
    let year = field("year")
        .or_else(|| field("date"))
        .and_then(|y| y.get(..4).and_then(|y| y.parse().ok()));
    Some(Reference {
        key: key.to_string(),
        kind,
        title: field("title").unwrap_or_default(),
        authors: entry
            .author()
            .unwrap_or_default()
            .into_iter()
            .filter_map(person_name)
            .collect(),
        venue: published,
        year,
        doi: field("doi"),
        url: field("url").or_else(|| arxiv.as_deref().map(arxiv_url)),
        arxiv,
        volume: field("volume"),
        pages: field("pages"),
    })
}

#[cfg(test)]
mod tests;
