//! Records: the one currency between fetching and analysis. The live API, the on-disk cache and a
//! snapshot file all produce the same [`Corpus`] of [`PaperRecord`]s (the catalogue's papers, in
//! full) and [`CompactRecords`] (every other line of a snapshot, interned); nothing downstream knows
//! which source made them.
//!
//! Shapes: a [`PaperRecord`] is one Semantic Scholar paper with its reference and citation
//! [`Link`]s; a [`Resolution`] says how one catalogue paper was matched (or why not); a
//! [`Corpus`] holds one resolution per catalogue paper, in catalogue order, and the records.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

pub use compact::{intent_bit, CompactRecords, LinkCounts};
pub use expansion::{ExpandList, ExpandRequest, Expansions};

pub mod compact;
mod expansion;
pub mod sources;

pub use sources::{Source, SourceCorpus, SourceLists, SourceSet, Thin, Wanted};

/// A paper as the Graph API describes it, with its reference and citation links.
///
/// Deserialization is lenient the way the API needs it: any field may be missing or `null`
/// (fixtures/s2-recorded/PaperWithNullValues.json), lists may be `null` instead of empty.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PaperRecord {
    pub paper_id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub external_ids: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub venue: Option<String>,
    /// Semantic Scholar's venue entity, when it knows one (see [`PublicationVenue`]).
    #[serde(
        default,
        deserialize_with = "lenient_venue",
        skip_serializing_if = "Option::is_none"
    )]
    pub publication_venue: Option<PublicationVenue>,
    #[serde(default)]
    pub publication_date: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub authors: Vec<Author>,
    #[serde(default)]
    pub citation_count: Option<u64>,
    #[serde(default)]
    pub influential_citation_count: Option<u64>,
    #[serde(default)]
    pub reference_count: Option<u64>,
    /// Papers this one cites. `None`: not fetched (or `null` in the answer).
    #[serde(default)]
    pub references: Option<Vec<Link>>,
    /// Papers citing this one. `None`: not fetched (or `null` in the answer).
    #[serde(default)]
    pub citations: Option<Vec<Link>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Author {
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// One end of a citation link, seen from the record that holds it: the other paper and the
/// link's own fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// `None` for a bibliography line Semantic Scholar could not match: never a node.
    #[serde(default)]
    pub paper_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub external_ids: BTreeMap<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation_count: Option<u64>,
    /// The other paper's venue and authors (asked since the missing-paper entries are pasted
    /// into lists: without them an entry fetched from the API had no author line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// The other paper's venue entity (asked for its alternate names: the list writes "ICLR",
    /// Semantic Scholar's `venue` "International Conference on Learning Representations").
    #[serde(
        default,
        deserialize_with = "lenient_venue",
        skip_serializing_if = "Option::is_none"
    )]
    pub publication_venue: Option<PublicationVenue>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub authors: Vec<Author>,
    #[serde(default, deserialize_with = "null_default")]
    pub is_influential: bool,
    #[serde(default, deserialize_with = "null_default")]
    pub intents: Vec<String>,
    /// Which source found the link: `None` for Semantic Scholar (its records and cache never
    /// write the field); OpenAlex or OpenCitations for links a secondary source added to a
    /// catalogue paper's record ([`sources::fold`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// Semantic Scholar's `publicationVenue`: the venue as an entity of its own, with the other names
/// it goes by. Recorded shape (fixtures/s2-recorded/Reference.json):
/// `{"id": "fc0a208c-…", "name": "International Conference on Machine Learning", "type":
/// "conference", "alternate_names": ["ICML", "Int Conf Mach Learn"], "url": "https://icml.cc/"}`;
/// `type`, `alternate_names` and the rest may be absent (Citation.json has no `type`), and the
/// whole object is `null` for a paper without a known venue. Only the fields read here are kept.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PublicationVenue {
    /// Semantic Scholar's venue id (a UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The venue's full name ("International Conference on Machine Learning").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `conference` or `journal`, when given.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Other names, in Semantic Scholar's order: acronyms ("ICML") and ISO abbreviations ("Int
    /// Conf Mach Learn").
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub alternate_names: Vec<String>,
}

/// A `publicationVenue` that is `null`, absent or not of the recorded shape is none: the venue
/// only styles an entry, so an odd one must not cost the paper its record.
fn lenient_venue<'de, D>(d: D) -> Result<Option<PublicationVenue>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

/// `null` (or absent) becomes the type's default.
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// How a catalogue paper was matched to a Semantic Scholar record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ResolveMethod {
    Arxiv,
    Doi,
    Acl,
    Url,
    Title,
}

/// The outcome of resolving one catalogue paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// The catalogue paper's key ([`crate::catalog::CatalogPaper::key`]).
    pub key: String,
    /// The Semantic Scholar id, when resolved.
    pub paper_id: Option<String>,
    pub method: Option<ResolveMethod>,
    /// Why it is unresolved, or what is odd about it (a linked record whose title did not match
    /// the catalogue's, an elided reference list, ...).
    pub note: Option<String>,
    /// What a rerun could still fill in ([`Gap::None`] when nothing): written as `status` in
    /// `unresolved.csv`, and absent from `metrics.json` when none.
    #[serde(default, skip_serializing_if = "Gap::is_none")]
    pub gap: Gap,
}

/// What a later run could still fill in for one catalogue paper: a request that failed for good
/// in this run (after its retries), or what an offline run did not find in the cache. A paper
/// Semantic Scholar does not know (no record for its ids, no title match) is not a gap: a rerun
/// would find nothing either. A run with any gap still writes its outputs, says so, and exits with
/// status 3 (README, "Exit status"). Each variant's text is the `status` column of
/// `unresolved.csv` and its `metrics.json` form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gap {
    /// Nothing a rerun could add (`unresolved` in the CSV when the paper did not resolve).
    #[default]
    #[serde(rename = "none")]
    None,
    /// Unresolved because its lookups failed (the batch, the lone `GET /paper/{id}` and the title
    /// match): not cached, so the next run asks again.
    #[serde(rename = "request failed")]
    RequestFailed,
    /// Unresolved because neither its lookup nor its record is in the cache, and this run made no
    /// request (`--offline`, `analyze`).
    #[serde(rename = "not cached")]
    NotCached,
    /// In the graph, but its reference list could not be read (or is not cached): it counts no
    /// reference.
    #[serde(rename = "references incomplete")]
    References,
    /// In the graph, but its citation list could not be read (or is not cached).
    #[serde(rename = "citations incomplete")]
    Citations,
    /// In the graph with its record alone: neither list could be read.
    #[serde(rename = "references and citations incomplete")]
    Lists,
}

impl Gap {
    /// Whether there is nothing to fill.
    pub fn is_none(&self) -> bool {
        *self == Gap::None
    }

    /// The gap of a resolved paper whose reference list (`references`) or citation list
    /// (`citations`) is missing.
    pub fn lists(references: bool, citations: bool) -> Gap {
        match (references, citations) {
            (false, false) => Gap::None,
            (true, false) => Gap::References,
            (false, true) => Gap::Citations,
            (true, true) => Gap::Lists,
        }
    }

    /// The `status` column of `unresolved.csv`: this gap's text, `unresolved` for none (a row
    /// without a gap is a paper that did not resolve).
    pub fn status(&self) -> &'static str {
        match self {
            Gap::None => "unresolved",
            Gap::RequestFailed => "request failed",
            Gap::NotCached => "not cached",
            Gap::References => "references incomplete",
            Gap::Citations => "citations incomplete",
            Gap::Lists => "references and citations incomplete",
        }
    }
}

/// What the fetch stage hands to the analysis: every catalogue paper's resolution, and the records.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// One per catalogue paper, in catalogue order.
    pub resolutions: Vec<Resolution>,
    /// The resolved catalogue papers' records, with their reference and citation lists.
    pub records: Vec<PaperRecord>,
    /// Records of other papers, where the source holds them (every other line of a snapshot),
    /// in compact form: interned ids, a byte of flags a link, the strings the analysis shows
    /// (see [`compact`]). A million papers with ten million references fit in about 150 MB
    /// instead of 3 GB as `PaperRecord`s. Empty for the API and the cache. The graph reads them
    /// after `records`.
    pub others: CompactRecords,
    /// Requests made to the API in this run.
    pub requests: u64,
    /// Catalogue records Semantic Scholar merged into another record (`fetch --update` found the
    /// old id answered with a record of another paperId, adopted the new record and keeps the
    /// move in the cache): the resolutions and records above name the new id, and the works
    /// keep the old id as one more record of its work (`s2_ids`), so links naming it still reach
    /// the paper. Every move followed in this run, in catalogue order; empty for a snapshot.
    pub moved: Vec<MovedRecord>,
    /// Catalogue records Semantic Scholar no longer returns (`null` for the id, and neither the
    /// record's ArXiv, DOI or ACL id nor its title finds it again): their last known record is
    /// still in `records` and analysed; each run reports them until the API returns them again.
    /// In catalogue order; empty for a snapshot.
    pub disappeared: Vec<VanishedRecord>,
    /// What the secondary sources (OpenAlex, OpenCitations) found for the catalogue papers, one
    /// [`SourceCorpus`] per source asked, in [`Source::ALL`] order; empty when only Semantic
    /// Scholar was asked (see [`sources`]).
    pub sources: Vec<SourceCorpus>,
}

/// A record Semantic Scholar merged into another (allenai/s2-folks#157, #108): its old id is
/// answered with the record `new_id`. Also the body of the cache entry that keeps the move.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedRecord {
    /// The id the catalogue paper resolved to before.
    pub old_id: String,
    /// The id Semantic Scholar answers for it now (the record adopted).
    pub new_id: String,
    /// The adopted record's title.
    pub title: String,
    /// When the move was found (seconds since the Unix epoch).
    pub found_at: u64,
}

/// A record Semantic Scholar no longer returns. Also the body of the cache entry that keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VanishedRecord {
    pub paper_id: String,
    /// The last known record's title.
    pub title: String,
    /// When the API was first found not to return it (seconds since the Unix epoch).
    pub since: u64,
}
