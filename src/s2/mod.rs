//! Semantic Scholar: the API client, the resolution of catalogue papers to Semantic Scholar ids,
//! the fetch of their references and citations, and the cache policy shared by the fetch and the
//! snapshot reader. The live API, the on-disk cache and a snapshot file all produce the same
//! [`Corpus`] (the record types live in [`crate::records`]).

use std::collections::BTreeMap;

use crate::records::{Corpus, LinkCounts, Resolution, ResolveMethod};

mod budget;
mod client;
mod expand;
mod fetch;
mod policy;
mod progress;
mod requests;
pub(crate) mod resolve;
mod snapshot;
mod update;
pub mod wire;

pub use expand::{expand, ExpandStats};
/// The id keys a snapshot compares: the bulk datasets' reader resolves the catalogue with them too.
pub(crate) use snapshot::id_keys;
pub use snapshot::Imported;

/// Where the fetch keeps its files, and whether it may use the network.
#[derive(Debug, Clone)]
pub struct Environment {
    pub cache_dir: std::path::PathBuf,
    /// No network at all.
    pub offline: bool,
}

/// How the fetch talks to Semantic Scholar, and what the record lists must hold. The command
/// line (`src/cli.rs`) fills it; [`FetchOptions::default`] holds the defaults, written once.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchOptions {
    /// Base URL of the Graph API (a mirror or a test server can stand in).
    pub api_url: String,
    /// Do not fetch citations (references only).
    pub no_citations: bool,
    /// Fetch at most N citations per paper (most cited papers have tens of thousands).
    pub max_citations: Option<usize>,
    /// Requests per second, for all citegraph processes that share this key (or its absence)
    /// and cache directory together (see `budget.rs`). `None`: [`default_rps`] of whether
    /// `S2_API_KEY` is set.
    pub rps: Option<f64>,
    /// Retries of a request after 429, 5xx, a timeout or a connection error.
    pub max_retries: u32,
    /// Seconds before a request is given up (and retried).
    pub timeout: f64,
    /// Refetch everything, ignoring the cache.
    pub refresh: bool,
    /// Refetch cache entries older than this many days.
    pub max_age: Option<f64>,
    /// Each link's isInfluential and intents: every paper's references and citations are paged
    /// (the batch call cannot carry them). `false` (`--no-link-details`) takes the lists nested
    /// in the batch answer instead: about two requests a paper fewer.
    pub link_details: bool,
    /// Seconds before the first retry; the wait doubles at each retry, with jitter (a
    /// `Retry-After` from the server wins).
    pub retry_delay: f64,
    /// Bring the cached papers up to date asking only what may have changed: their current
    /// records in batch calls (500 a call), then only the citations published since each paper
    /// was last fetched for papers whose citation count changed, and the references of papers
    /// whose reference count changed (see `fetch.rs`). Papers not in the cache are fetched in
    /// full, so an empty cache makes it a full fetch.
    pub update: bool,
}

/// The public Graph API.
pub const DEFAULT_API_URL: &str = "https://api.semanticscholar.org/graph/v1";

/// The pace with an API key, in requests per second: Semantic Scholar's introductory limit of a
/// key, 1 request per second across all endpoints (its API documentation).
pub const KEYED_RPS: f64 = 1.0;

/// The pace without a key, in requests per second: one request every 3 seconds. Anonymous
/// callers share one pool whose published size varies (about 5,000 requests per 5 minutes for
/// everyone in one version of the documentation, 100 per 5 minutes in older ones and in 2026
/// summaries); 100 per 5 minutes is the stricter, and what one caller can count on.
pub const ANONYMOUS_RPS: f64 = 1.0 / 3.0;

/// The default pace: [`KEYED_RPS`] with a key, [`ANONYMOUS_RPS`] without.
pub fn default_rps(keyed: bool) -> f64 {
    if keyed {
        KEYED_RPS
    } else {
        ANONYMOUS_RPS
    }
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            api_url: DEFAULT_API_URL.to_string(),
            no_citations: false,
            max_citations: None,
            rps: None,
            max_retries: 8,
            timeout: 60.0,
            refresh: false,
            max_age: None,
            link_details: true,
            retry_delay: 1.0,
            update: false,
        }
    }
}

/// Where the records come from: the API (through the cache), or a snapshot file.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum RecordSource {
    /// The cache, and the API for what it lacks (unless offline).
    #[default]
    Api,
    /// A JSON Lines snapshot (see `snapshot export`): no network, no cache.
    Snapshot(std::path::PathBuf),
}

/// Resolves every catalogue paper and fetches its references and citations (cache first).
/// With `--snapshot`, resolves against the snapshot's records instead: no network, no cache.
/// With `--offline` (in `env`), the cache alone: what is missing is reported in the
/// resolutions' notes.
pub fn fetch(
    catalog: &crate::catalog::Catalog,
    options: &FetchOptions,
    source: &RecordSource,
    env: &Environment,
) -> anyhow::Result<Corpus> {
    match source {
        RecordSource::Snapshot(path) => snapshot::corpus(catalog, path, options),
        RecordSource::Api => fetch::run(catalog, options, env, !env.offline),
    }
}

/// The API client the options describe (base URL, rate, retries, timeouts, `S2_API_KEY`), its
/// pace shared with the other processes of the same key on `env`'s cache directory. Errors: an
/// option out of range, a key that cannot be sent in a header.
fn connect(options: &FetchOptions, env: &Environment) -> anyhow::Result<client::Client> {
    let key = client::ApiKey::from_env()?;
    let rps = options.rps.unwrap_or(default_rps(key.is_some()));
    let documented = default_rps(key.is_some());
    if rps > documented && options.api_url == DEFAULT_API_URL {
        tracing::warn!(
            "--rps {rps} is above Semantic Scholar's documented rate {} ({documented} a \
             second): expect 429 answers and retries",
            if key.is_some() {
                "for a key"
            } else {
                "without a key"
            }
        );
    }
    tracing::info!(
        "pace: {rps:.3} requests per second ({}), shared with the other citegraph processes {} \
         on {}",
        match (options.rps, key.is_some()) {
            (Some(_), _) => "--rps",
            (None, true) => "the limit of an API key",
            (None, false) => "the anonymous pace: set S2_API_KEY for 1 per second",
        },
        if key.is_some() {
            "of this key"
        } else {
            "without a key"
        },
        env.cache_dir.display()
    );
    let config = client::ClientConfig {
        base_url: options.api_url.clone(),
        rps,
        max_retries: options.max_retries,
        timeout: seconds("--timeout", options.timeout)?,
        retry_delay: seconds("--retry-delay", options.retry_delay)?,
        budget_dir: Some(env.cache_dir.clone()),
    };
    client::Client::new(&config, key)
}

/// A duration from an option's seconds; an error naming the option when negative or not finite.
fn seconds(option: &str, value: f64) -> anyhow::Result<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(value)
        .map_err(|_| anyhow::anyhow!("{option} must be a non-negative number, not {value}"))
}

/// Writes every cached record as JSON Lines; returns how many.
pub fn export_snapshot(
    cache_dir: &std::path::Path,
    file: &std::path::Path,
) -> anyhow::Result<usize> {
    snapshot::export(cache_dir, file)
}

/// Fills the cache from a snapshot for this catalogue (see [`Imported`]): afterwards `fetch
/// --offline` and `analyze` read the same records as `--snapshot FILE` gives. Errors: the file
/// cannot be read, no catalogue paper resolves against it, the cache cannot be written.
pub fn import_snapshot(
    catalog: &crate::catalog::Catalog,
    file: &std::path::Path,
    cache_dir: &std::path::Path,
) -> anyhow::Result<Imported> {
    snapshot::import(catalog, file, cache_dir)
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
        "{}: {resolved} resolved ({}), {} unresolved",
        crate::text::count(catalog.papers.len(), "catalogue paper"),
        if methods.is_empty() {
            "none".to_string()
        } else {
            methods.join(", ")
        },
        unresolved.len()
    );
    let _ = writeln!(
        out,
        "{}: {} ({} without a Semantic Scholar id, kept out of the graph), {}",
        crate::text::count(corpus.records.len() + corpus.others.len(), "record"),
        crate::text::count(counts.references as usize, "reference"),
        counts.unmatched_references,
        crate::text::count(counts.citations as usize, "citation")
    );
    let noted: Vec<&Resolution> = corpus
        .resolutions
        .iter()
        .filter(|r| r.paper_id.is_some() && r.note.is_some())
        .collect();
    // Semantic Scholar's notes, then the secondary sources' gaps (a source that failed).
    let source_notes = crate::records::sources::gap_notes(&corpus.sources);
    if !noted.is_empty() || !source_notes.is_empty() {
        let _ = writeln!(out, "notes:");
        for r in noted {
            let _ = writeln!(
                out,
                "  {}: {}",
                r.key,
                r.note.as_deref().unwrap_or_default()
            );
        }
        for line in source_notes {
            let _ = writeln!(out, "{line}");
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
    // Semantic Scholar's count, then each other source's on a line of its own.
    let _ = writeln!(out, "requests: {}", corpus.requests);
    let others: Vec<String> = corpus
        .sources
        .iter()
        .filter_map(|found| {
            let source = found.source?;
            // No request made, and papers not read: the source failed (never reached, refused,
            // its budget spent before this run), which a bare 0 would hide.
            let failed = found
                .lists
                .iter()
                .filter(|l| l.gap == crate::records::Gap::RequestFailed)
                .count();
            Some(if found.requests == 0 && failed > 0 {
                format!(
                    "{} 0 (it failed: {} not read, see notes)",
                    source.as_str(),
                    crate::text::count(failed, "catalogue paper")
                )
            } else {
                format!("{} {}", source.as_str(), found.requests)
            })
        })
        .collect();
    if !others.is_empty() {
        let _ = writeln!(out, "requests to other sources: {}", others.join(", "));
    }
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
