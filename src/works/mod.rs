//! Works: the records of one paper merged into one node, before the graph is built.
//!
//! Semantic Scholar keeps several records for one work: an arXiv preprint and its published
//! version get two paperIds, the same (or nearly the same) title, one with the ArXiv id, the other
//! with a DOI only, and years equal or one apart. Left apart, a catalogue paper's citations are
//! split between its records, its own published record is suggested as missing, and a foundation
//! shows twice with its evidence split.
//!
//! ## The rule
//! Two records are one work when they share
//! 1. the same DOI (case-insensitive, a `https://doi.org/` prefix dropped), or
//! 2. the same ArXiv id (case-insensitive, an `arXiv:` prefix and a `vN` version dropped), or
//!    the same OpenAlex id (case-insensitive, `https://openalex.org/` or `openalex:` dropped:
//!    papers named by OpenAlex and OpenCitations links, [`crate::records::sources`]),
//!    unless (for 1 and 2) their titles share less than half their words (Jaccard) and they
//!    share no author surname (Semantic Scholar sometimes gives two different papers one DOI);
//!    or
//! 3. the same normalized title ([`crate::catalog::normalize_title`]: lower case, letters and
//!    digits, single spaces) **and** both years known and at most one apart **and**, where both
//!    records list authors, at least one author surname in common **and** no two different ArXiv
//!    ids (two arXiv papers are two works). A title is *short or generic* when it has fewer than
//!    [`MIN_TITLE_WORDS`] words or fewer than [`MIN_TITLE_CHARS`] characters ("Introduction",
//!    "Editorial", "Deep learning"): such a title merges only when both records list authors and
//!    share one. A title carried by more than [`MAX_TITLE_GROUP`] records is taken as generic and
//!    never merges on its own.
//!
//! 4. Semantic Scholar merged one into the other: `fetch --update` found the old id answered
//!    with the other record ([`crate::records::Corpus::moved`]); the old id is one more record of
//!    the new record's work, so links that still name it reach the paper and `s2_ids` keeps it.
//!
//! Merging is transitive (union-find): records joined through a chain of pairs are one work.
//!
//! The work's id (its node's `paper_id`) is the record a catalogue entry resolved to (the first
//! in catalogue order when several did), else the most cited record (ties: the smallest id). Its
//! citation and reference counts are the largest of its records' (a paper citing both versions
//! is counted once by each record, so a sum would count it twice), its external ids the union of
//! theirs (the canonical record's first).
//!
//! ## Failure modes (known, documented in the README)
//! - Two different papers with one long title, years one apart and a shared author surname (a
//!   common surname, a workshop and a conference paper of one group) are merged.
//! - A preprint and its journal version years apart, or retitled, stay apart unless they share a
//!   DOI or an ArXiv id.
//! - Chains: A~B and B~C merge A and C even when A and C alone would not (years 2 apart).
//! - Papers named only by links of compact records (snapshot lines of other papers) are not
//!   looked at: those links carry at most a title, and the snapshot's own records cover the
//!   papers that matter.
//!
//! ## Layout
//! This file holds the types, the rule's comparisons and the reading of a record's keys and
//! data; `identify.rs` runs the grouping ([`identify`]) in named steps: list the records, hash
//! and compare their keys, gather the components, make each a work.
//!
//! ## Cost
//! One pass over the records computes three 64-bit keys each (no string kept); the keys are
//! sorted; only groups of two or more records with one key are read again and compared. At a
//! million records: three sorts of a million 12-byte pairs, a few hundred milliseconds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};

use crate::catalog::normalize_title;
use crate::records::Corpus;

mod identify;

pub use identify::identify;

/// A title with fewer words is short: it merges only with a shared author.
pub const MIN_TITLE_WORDS: usize = 4;
/// A title with fewer characters (normalized) is short: it merges only with a shared author.
pub const MIN_TITLE_CHARS: usize = 24;
/// A normalized title carried by more records than this is generic: it never merges alone.
pub const MAX_TITLE_GROUP: usize = 50;

/// Why a record was merged into a work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MergeReason {
    /// The same DOI.
    Doi,
    /// The same ArXiv id.
    Arxiv,
    /// The same OpenAlex id (a work two secondary sources name, or a record that knows it).
    #[serde(rename = "openalex")]
    OpenAlex,
    /// The same normalized title, compatible years and authors.
    Title,
    /// Semantic Scholar merged the record into the other (rule 4).
    Moved,
}

impl MergeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            MergeReason::Doi => "doi",
            MergeReason::Arxiv => "arxiv",
            MergeReason::OpenAlex => "openalex",
            MergeReason::Title => "title",
            MergeReason::Moved => "moved",
        }
    }
}

/// One record merged into a work: a row of `merged_records.csv`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Merge {
    /// The work's id (its canonical record).
    pub work_id: String,
    /// The record merged into it.
    pub record_id: String,
    /// The record of the same work it matched (the work's id, or a record merged before it).
    pub matched_id: String,
    /// `doi`, `arxiv`, `title` or `moved`.
    pub reason: String,
    /// The shared DOI, ArXiv id or normalized title; for `moved`, the id Semantic Scholar
    /// answers for the record now.
    pub value: String,
    pub title: String,
    pub year: Option<i32>,
}

/// A work of two or more records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Work {
    /// The canonical record's id.
    pub id: String,
    /// Every record of the work, the canonical one first, then in id order.
    pub members: Vec<String>,
    /// The union of the records' external ids (the canonical record's value first).
    pub external_ids: BTreeMap<String, String>,
    /// The largest of the records' citation counts.
    pub citation_count: Option<u64>,
    /// The largest of the records' reference counts.
    pub reference_count: Option<u64>,
}

/// The works of a corpus: only those of two or more records are stored; every other record is a
/// work of its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Works {
    canonical: HashMap<String, String>,
    works: HashMap<String, Work>,
    /// One row per merged record, by work id then record id.
    pub merges: Vec<Merge>,
}

impl Works {
    /// No merge at all: every record its own work.
    pub fn none() -> Works {
        Works::default()
    }

    /// The work id of record `id` (itself when it was not merged).
    pub fn canonical<'a>(&'a self, id: &'a str) -> &'a str {
        self.canonical.get(id).map(String::as_str).unwrap_or(id)
    }

    /// The work whose id is `id`, when it has two or more records.
    pub fn work(&self, id: &str) -> Option<&Work> {
        self.works.get(id)
    }

    /// Works of two or more records, in id order.
    pub fn works(&self) -> Vec<&Work> {
        let mut works: Vec<&Work> = self.works.values().collect();
        works.sort_by(|a, b| a.id.cmp(&b.id));
        works
    }

    /// Records merged into another (records minus works, over the merged works).
    pub fn merged_records(&self) -> usize {
        self.merges.len()
    }
}

/// Where a record's data is.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// A full record ([`Corpus::records`]).
    Record(usize),
    /// A compact record ([`Corpus::others`]).
    Other(usize),
    /// A link of a full record: (record, references?, index).
    Link(usize, bool, usize),
    /// The old id of a record Semantic Scholar merged into another ([`Corpus::moved`]), when
    /// nothing else names it.
    Moved(usize),
}

/// What the rule compares, read again for the records of a group.
#[derive(Debug, Clone, Default)]
struct Meta {
    id: String,
    /// Normalized.
    title: String,
    /// As the record gives it.
    shown_title: String,
    year: Option<i32>,
    surnames: Vec<String>,
    external_ids: Vec<(String, String)>,
    citation_count: Option<u64>,
    reference_count: Option<u64>,
}

impl Meta {
    fn external(&self, name: &str) -> Option<&str> {
        self.external_ids
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn doi(&self) -> Option<String> {
        self.external("DOI")
            .map(normalize_doi)
            .filter(|d| !d.is_empty())
    }

    fn openalex(&self) -> Option<String> {
        self.external("OpenAlex")
            .map(normalize_openalex)
            .filter(|a| !a.is_empty())
    }

    fn arxiv(&self) -> Option<String> {
        self.external("ArXiv")
            .map(normalize_arxiv)
            .filter(|a| !a.is_empty())
    }
}

/// `10.1/ABC` and `https://doi.org/10.1/abc` meet.
pub fn normalize_doi(doi: &str) -> String {
    let doi = doi.trim().to_lowercase();
    let doi = doi
        .strip_prefix("https://doi.org/")
        .or_else(|| doi.strip_prefix("http://doi.org/"))
        .or_else(|| doi.strip_prefix("doi:"))
        .unwrap_or(&doi);
    doi.to_string()
}

/// `https://openalex.org/w123`, `openalex:W123` and `W123` meet (OpenAlex ids are
/// case-insensitive; OpenAlex writes them as URLs, OpenCitations with an `openalex:` prefix).
pub fn normalize_openalex(id: &str) -> String {
    let id = id.trim();
    let id = id
        .strip_prefix("https://openalex.org/")
        .or_else(|| id.strip_prefix("openalex:"))
        .unwrap_or(id);
    id.to_uppercase()
}

/// The reason of a join by each key of [`quick_keys`], in its order.
const KEY_REASONS: [MergeReason; 4] = [
    MergeReason::Doi,
    MergeReason::Arxiv,
    MergeReason::OpenAlex,
    MergeReason::Title,
];

/// `arXiv:2301.00001v2` and `2301.00001` meet.
pub fn normalize_arxiv(arxiv: &str) -> String {
    let a = arxiv.trim().to_lowercase();
    let a = a.strip_prefix("arxiv:").unwrap_or(&a).to_string();
    match a.rfind('v') {
        Some(at)
            if at + 1 < a.len()
                && a[at + 1..].bytes().all(|b| b.is_ascii_digit())
                && a[..at].ends_with(|c: char| c.is_ascii_digit()) =>
        {
            a[..at].to_string()
        }
        _ => a,
    }
}

/// A name's surname: its last word, lower case (`Jane Doe`, `J. Doe` and `DOE` meet).
fn surname(name: &str) -> Option<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .rfind(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn is_short(title: &str) -> bool {
    title.split(' ').count() < MIN_TITLE_WORDS || title.chars().count() < MIN_TITLE_CHARS
}

/// Whether two records with one normalized title are one work (rule 3).
fn title_compatible(a: &Meta, b: &Meta) -> bool {
    let years = match (a.year, b.year) {
        (Some(x), Some(y)) => (x - y).abs() <= 1,
        _ => false,
    };
    if !years {
        return false;
    }
    if let (Some(x), Some(y)) = (a.arxiv(), b.arxiv()) {
        if x != y {
            return false;
        }
    }
    let both_authors = !a.surnames.is_empty() && !b.surnames.is_empty();
    let shared = a.surnames.iter().any(|s| b.surnames.contains(s));
    if both_authors && !shared {
        return false;
    }
    !is_short(&a.title) || (both_authors && shared)
}

/// Whether two records with one DOI or ArXiv id are one work (rules 1 and 2): not when their
/// titles share less than half their words (Jaccard) and no author surname either, as two
/// different papers that Semantic Scholar gave one DOI do.
fn identifier_compatible(a: &Meta, b: &Meta) -> bool {
    if a.title.is_empty() || b.title.is_empty() {
        return true;
    }
    let words_a: HashSet<&str> = a.title.split(' ').collect();
    let words_b: HashSet<&str> = b.title.split(' ').collect();
    let shared = words_a.intersection(&words_b).count();
    let jaccard = shared as f64 / words_a.union(&words_b).count().max(1) as f64;
    jaccard >= MIN_IDENTIFIER_TITLE_JACCARD || a.surnames.iter().any(|s| b.surnames.contains(s))
}

/// Records sharing a DOI or ArXiv id whose titles share fewer words than this (Jaccard) and no
/// author are kept apart.
pub const MIN_IDENTIFIER_TITLE_JACCARD: f64 = 0.5;

fn hash_of(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

/// The keys of a record, hashed, in the order of [`KEY_REASONS`]: DOI, ArXiv id, OpenAlex id,
/// normalized title.
fn quick_keys(corpus: &Corpus, origin: Origin) -> [Option<u64>; 4] {
    let key = |ids: &mut dyn Iterator<Item = (&str, &str)>, title: Option<&str>| {
        let mut keys = [None; 4];
        for (k, v) in ids {
            if v.trim().is_empty() {
                continue;
            }
            if k.eq_ignore_ascii_case("DOI") {
                keys[0] = Some(hash_of(&normalize_doi(v)));
            } else if k.eq_ignore_ascii_case("ArXiv") {
                keys[1] = Some(hash_of(&normalize_arxiv(v)));
            } else if k.eq_ignore_ascii_case("OpenAlex") {
                keys[2] = Some(hash_of(&normalize_openalex(v)));
            }
        }
        keys[3] = title
            .map(normalize_title)
            .filter(|t| !t.is_empty())
            .map(|t| hash_of(&t));
        keys
    };
    match origin {
        Origin::Record(r) => {
            let record = &corpus.records[r];
            let mut ids = record
                .external_ids
                .iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)));
            key(&mut ids, record.title.as_deref())
        }
        Origin::Other(i) => {
            let meta = corpus.others.record(i).metadata();
            let mut ids = meta.external_ids.iter().copied();
            key(&mut ids, meta.title)
        }
        Origin::Link(r, reference, i) => {
            let link = link_at(corpus, r, reference, i);
            let mut ids = link
                .external_ids
                .iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)));
            key(&mut ids, link.title.as_deref())
        }
        // Joined by its move alone: its title is its new record's.
        Origin::Moved(_) => [None; 4],
    }
}

fn link_at(corpus: &Corpus, r: usize, reference: bool, i: usize) -> &crate::records::Link {
    let record = &corpus.records[r];
    let list = if reference {
        &record.references
    } else {
        &record.citations
    };
    &list.as_ref().expect("an origin names an existing link")[i]
}

/// A record's `externalIds` as (name, id) pairs: strings (not empty) and numbers (PubMed,
/// CorpusId) kept, anything else left out. Used by the graph's node data too.
pub(crate) fn json_ids(ids: &BTreeMap<String, serde_json::Value>) -> Vec<(String, String)> {
    ids.iter()
        .filter_map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) if !s.is_empty() => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((k.clone(), v))
        })
        .collect()
}

fn meta(corpus: &Corpus, origin: Origin) -> Meta {
    match origin {
        Origin::Record(r) => {
            let record = &corpus.records[r];
            Meta {
                id: record.paper_id.trim().to_string(),
                title: normalize_title(record.title.as_deref().unwrap_or_default()),
                shown_title: record.title.clone().unwrap_or_default(),
                year: record.year,
                surnames: record
                    .authors
                    .iter()
                    .filter_map(|a| surname(a.name.as_deref()?))
                    .collect(),
                external_ids: json_ids(&record.external_ids),
                citation_count: record.citation_count,
                reference_count: record.reference_count,
            }
        }
        Origin::Other(i) => {
            let record = corpus.others.record(i);
            let meta = record.metadata();
            Meta {
                id: record.raw_id(),
                title: normalize_title(meta.title.unwrap_or_default()),
                shown_title: meta.title.unwrap_or_default().to_string(),
                year: meta.year,
                surnames: meta.authors.iter().filter_map(|a| surname(a)).collect(),
                external_ids: meta
                    .external_ids
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                citation_count: meta.citation_count,
                reference_count: meta.reference_count,
            }
        }
        Origin::Link(r, reference, i) => {
            let link = link_at(corpus, r, reference, i);
            Meta {
                id: link
                    .paper_id
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                title: normalize_title(link.title.as_deref().unwrap_or_default()),
                shown_title: link.title.clone().unwrap_or_default(),
                year: link.year,
                // Links carry their paper's authors (Semantic Scholar's when asked, OpenAlex's
                // always): without them a short title ("Memorizing transformers") never merged.
                surnames: link
                    .authors
                    .iter()
                    .filter_map(|a| surname(a.name.as_deref()?))
                    .collect(),
                external_ids: json_ids(&link.external_ids),
                citation_count: link.citation_count,
                reference_count: None,
            }
        }
        Origin::Moved(m) => {
            let moved = &corpus.moved[m];
            Meta {
                id: moved.old_id.trim().to_string(),
                title: normalize_title(&moved.title),
                shown_title: moved.title.clone(),
                ..Meta::default()
            }
        }
    }
}

#[cfg(test)]
mod tests;
