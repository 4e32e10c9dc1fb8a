//! Semantic Scholar: the [`PaperRecord`] (the one currency between fetching and analysis), the
//! resolution of catalogue papers to Semantic Scholar ids, and the fetch of their references and
//! citations. The live API, the on-disk cache and a snapshot file all produce the same [`Corpus`].

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

pub use compact::{intent_bit, CompactRecords, LinkCounts};

mod client;
pub mod compact;
mod fetch;
mod progress;
mod resolve;
mod snapshot;
pub mod wire;

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
    #[serde(default, deserialize_with = "null_default")]
    pub is_influential: bool,
    #[serde(default, deserialize_with = "null_default")]
    pub intents: Vec<String>,
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
}

/// Where the run keeps and writes its files.
#[derive(Debug, Clone)]
pub struct Environment {
    pub cache_dir: std::path::PathBuf,
    pub output_dir: std::path::PathBuf,
    /// No network at all.
    pub offline: bool,
}

/// Records from a snapshot file instead of the API.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SnapshotSource {
    /// Read records from this JSON Lines snapshot (see `snapshot export`) instead of the API:
    /// no network is used.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<std::path::PathBuf>,
}

/// How the fetch talks to Semantic Scholar.
#[derive(Debug, Clone, clap::Args)]
pub struct FetchOptions {
    /// Base URL of the Graph API (a mirror or a test server can stand in).
    #[arg(
        long,
        env = "S2_API_URL",
        default_value = "https://api.semanticscholar.org/graph/v1",
        value_name = "URL"
    )]
    pub api_url: String,
    /// Do not fetch citations (references only).
    #[arg(long)]
    pub no_citations: bool,
    /// Fetch at most N citations per paper (most cited papers have tens of thousands).
    #[arg(long, value_name = "N")]
    pub max_citations: Option<usize>,
    /// Requests per second (1 is the limit of an API key).
    #[arg(long, default_value_t = 1.0, value_name = "RATE")]
    pub rps: f64,
    /// Retries of a request after 429, 5xx, a timeout or a connection error.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub max_retries: u32,
    /// Seconds before a request is given up (and retried).
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Refetch everything, ignoring the cache.
    #[arg(long)]
    pub refresh: bool,
    /// Refetch cache entries older than this many days.
    #[arg(long, value_name = "DAYS")]
    pub max_age: Option<f64>,
    /// Skip each link's isInfluential and intents: take the reference and citation lists nested
    /// in the batch answer instead of paging them (about two requests a paper fewer, 86 instead of
    /// ~630 for the token-reduction catalogue). By default they are fetched: the batch call cannot
    /// carry them, so every paper's references and citations are paged.
    #[arg(long = "no-link-details", action = clap::ArgAction::SetFalse)]
    pub link_details: bool,
    /// Seconds before the first retry; the wait doubles at each retry, with jitter (a
    /// `Retry-After` from the server wins).
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    pub retry_delay: f64,
}

/// Resolves every catalogue paper and fetches its references and citations (cache first).
/// With `--snapshot`, resolves against the snapshot's records instead: no network, no cache.
/// With `--offline` (in `env`), the cache alone: what is missing is reported in the
/// resolutions' notes.
pub fn fetch(
    catalog: &crate::catalog::Catalog,
    options: &FetchOptions,
    source: &SnapshotSource,
    env: &Environment,
) -> anyhow::Result<Corpus> {
    match &source.snapshot {
        Some(path) => snapshot::corpus(catalog, path, options),
        None => fetch::run(catalog, options, env, !env.offline),
    }
}

/// The records for `analyze`: from the snapshot when one is given, else from the cache only
/// (no request; what is missing is reported).
pub fn load_for_analysis(
    catalog: &crate::catalog::Catalog,
    options: &FetchOptions,
    source: &SnapshotSource,
    env: &Environment,
) -> anyhow::Result<Corpus> {
    match &source.snapshot {
        Some(path) => snapshot::corpus(catalog, path, options),
        None => fetch::run(catalog, options, env, false),
    }
}

/// Writes every cached record as JSON Lines; returns how many.
pub fn export_snapshot(
    cache_dir: &std::path::Path,
    file: &std::path::Path,
) -> anyhow::Result<usize> {
    snapshot::export(cache_dir, file)
}

/// The text summary printed after a fetch: resolved, unresolved with reasons, requests made.
pub fn summary(catalog: &crate::catalog::Catalog, corpus: &Corpus) -> String {
    use std::fmt::Write;

    let mut by_method: BTreeMap<ResolveMethod, usize> = BTreeMap::new();
    for method in corpus.resolutions.iter().filter_map(|r| r.method) {
        *by_method.entry(method).or_default() += 1;
    }
    let resolved: usize = by_method.values().sum();
    let methods: Vec<String> = by_method
        .iter()
        .map(|(method, n)| format!("{} {n}", method_name(*method)))
        .collect();
    let unresolved: Vec<&Resolution> = corpus
        .resolutions
        .iter()
        .filter(|r| r.paper_id.is_none())
        .collect();
    let titles: std::collections::HashMap<&str, &str> = catalog
        .papers
        .iter()
        .map(|p| (p.key.as_str(), p.title.as_str()))
        .collect();
    let mut counts = corpus.others.counts();
    for record in &corpus.records {
        counts += LinkCounts::of(record);
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} catalogue papers: {resolved} resolved ({}), {} unresolved",
        catalog.papers.len(),
        if methods.is_empty() {
            "none".to_string()
        } else {
            methods.join(", ")
        },
        unresolved.len()
    );
    let _ = writeln!(
        out,
        "{} records: {} references ({} without a Semantic Scholar id, kept out of the graph), {} citations",
        corpus.records.len() + corpus.others.len(),
        counts.references,
        counts.unmatched_references,
        counts.citations
    );
    let noted: Vec<&Resolution> = corpus
        .resolutions
        .iter()
        .filter(|r| r.paper_id.is_some() && r.note.is_some())
        .collect();
    if !noted.is_empty() {
        let _ = writeln!(out, "notes:");
        for r in noted {
            let _ = writeln!(
                out,
                "  {}: {}",
                r.key,
                r.note.as_deref().unwrap_or_default()
            );
        }
    }
    if !unresolved.is_empty() {
        let _ = writeln!(out, "unresolved:");
        for r in unresolved {
            let _ = writeln!(
                out,
                "  {} \"{}\": {}",
                r.key,
                titles.get(r.key.as_str()).copied().unwrap_or(""),
                r.note.as_deref().unwrap_or("no reason recorded")
            );
        }
    }
    let _ = writeln!(out, "requests: {}", corpus.requests);
    out
}

fn method_name(method: ResolveMethod) -> &'static str {
    match method {
        ResolveMethod::Arxiv => "arXiv",
        ResolveMethod::Doi => "DOI",
        ResolveMethod::Acl => "ACL",
        ResolveMethod::Url => "URL",
        ResolveMethod::Title => "title",
    }
}
