//! OpenCitations: the references and citers of catalogue papers from the OpenCitations Index
//! (DOI-to-DOI citations gathered from Crossref, DataCite, PubMed, OpenAIRE, JaLC and others),
//! and the titles, years and authors of the linked works from OpenCitations Meta, handed over as
//! a [`SourceCorpus`] (see [`crate::records::sources`]).
//!
//! Per catalogue paper with a DOI (its published DOI, else the arXiv DataCite DOI
//! `10.48550/arxiv.<id>`): `GET {index}/references/doi:<doi>` and `GET {index}/citations/doi:<doi>`,
//! each one whole answer (the Index does not page). An empty answer `[]` means the Index has no
//! data for the paper (an unknown DOI looks the same), so the list is `None`, not empty. Each row
//! names the other work by all its ids (`omid:br/… doi:… openalex:W… pmid:…`); it becomes a
//! [`crate::records::Link`] named `openalex:W…` when the row has an OpenAlex id (so it meets
//! OpenAlex's links), else `doi:<DOI>`, else `omid:br/…` ([`wire::WorkIds::paper_id`]). Then,
//! unless [`OpenCitationsOptions::meta`] is off, the linked works are described by Meta
//! (`GET {meta}/metadata/doi:a__doi:b…`, at most [`META_BATCH`] ids a call: Meta answers 500 at 15),
//! so a work new to the graph has a title, year and authors to be shown and merged by.
//!
//! Limits: OpenCitations allows 180 requests a minute per IP address (both APIs together); the
//! client keeps an even pace of [`OpenCitationsOptions::per_minute`] (default
//! [`DEFAULT_PER_MINUTE`]), retries 408, 429 (after `Retry-After` when given) and 5xx with
//! exponential backoff, and takes 400 and 404 as final. Every answer is cached under
//! `CACHE/opencitations/index/` and `CACHE/opencitations/meta/` ([`crate::cache::Cache`]); an
//! offline run reads the cache alone and marks what it lacks [`Gap::NotCached`]. The optional
//! access token comes from `OPENCITATIONS_ACCESS_TOKEN` and goes in the `authorization` header
//! only (never in a log, a cache file, an error or an output).
//!
//! [`Gap::NotCached`]: crate::records::Gap::NotCached

use crate::records::{SourceCorpus, Wanted};

mod client;
mod fetch;
pub mod wire;

pub use client::{AccessToken, TOKEN_VAR};
pub use fetch::NO_DOI;

/// The Index API (citation links), version 2.
pub const DEFAULT_INDEX_URL: &str = "https://api.opencitations.net/index/v2";
/// The Meta API (bibliographic metadata), version 1.
pub const DEFAULT_META_URL: &str = "https://api.opencitations.net/meta/v1";
/// OpenCitations' documented limit, requests a minute per IP address.
pub const DOCUMENTED_PER_MINUTE: f64 = 180.0;
/// The default pace, requests a minute: under [`DOCUMENTED_PER_MINUTE`], so that a slow clock or
/// a retry never crosses it.
pub const DEFAULT_PER_MINUTE: f64 = 150.0;
/// Ids asked of Meta in one call (Meta answered 500 at 15 ids and 200 at 14, as found by the
/// `opencitations-client` crate, which uses 10).
pub const META_BATCH: usize = 10;

/// Where the OpenCitations token comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TokenSource {
    /// `OPENCITATIONS_ACCESS_TOKEN`, when set and not blank (the default).
    #[default]
    Environment,
    /// This token (tests, or a caller that read it elsewhere).
    Given(AccessToken),
    /// No token, whatever the environment holds.
    Without,
}

/// How the client talks to OpenCitations and what it asks. [`Default`] holds the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenCitationsOptions {
    /// Base URL of the Index API v2 (default [`DEFAULT_INDEX_URL`]).
    pub index_url: String,
    /// Base URL of the Meta API v1 (default [`DEFAULT_META_URL`]).
    pub meta_url: String,
    /// Requests a minute for the whole run, Index and Meta together, spaced evenly (default
    /// [`DEFAULT_PER_MINUTE`]; OpenCitations allows 180).
    pub per_minute: f64,
    /// Retries of a request after 408, 429, 5xx, a timeout, a lost connection or an answer that
    /// is not JSON.
    pub max_retries: u32,
    /// Seconds before a request is given up (and retried): the Index answers a heavily cited
    /// work's citations whole, after up to a minute of queries, so at least 90.
    pub timeout: f64,
    /// Seconds before the first retry; doubles at each retry, with jitter (a `Retry-After` wins).
    pub retry_delay: f64,
    /// Ask again, ignoring the cache.
    pub refresh: bool,
    /// Ask again for cache entries older than this many days.
    pub max_age: Option<f64>,
    /// Do not ask for citations (references only).
    pub no_citations: bool,
    /// Ask only about papers Semantic Scholar is thin for ([`Wanted::thin`] `Some`), and only
    /// the lists it lacks (references for [`crate::records::Thin::References`], citations for
    /// [`crate::records::Thin::Citations`], both for an unresolved paper). Off: every paper,
    /// both lists (the completeness audit).
    pub fill_only: bool,
    /// Describe the linked works with Meta (titles, years, authors, venues): about one call
    /// per ten new works. Off: links carry ids (and citing years) only.
    pub meta: bool,
    /// The access token ([`TokenSource::Environment`] by default).
    pub token: TokenSource,
}

impl Default for OpenCitationsOptions {
    fn default() -> Self {
        OpenCitationsOptions {
            index_url: DEFAULT_INDEX_URL.to_string(),
            meta_url: DEFAULT_META_URL.to_string(),
            per_minute: DEFAULT_PER_MINUTE,
            max_retries: 5,
            timeout: 120.0,
            retry_delay: 2.0,
            refresh: false,
            max_age: None,
            no_citations: false,
            fill_only: true,
            meta: true,
            token: TokenSource::Environment,
        }
    }
}

impl OpenCitationsOptions {
    /// Both URLs under one base, as `OPENCITATIONS_API_URL` gives it: `BASE/index/v2` and
    /// `BASE/meta/v1` (`https://api.opencitations.net` gives the defaults; a mock or a mirror
    /// serves both under its own base). A trailing `/` is ignored.
    pub fn with_base(mut self, base: &str) -> Self {
        let base = base.trim_end_matches('/');
        self.index_url = format!("{base}/index/v2");
        self.meta_url = format!("{base}/meta/v1");
        self
    }
}

/// Asks OpenCitations about the `wanted` papers (all of them, or the thin ones with
/// [`OpenCitationsOptions::fill_only`]): one [`crate::records::SourceLists`] per paper asked, in
/// order, with `requests` the requests sent (cache hits excluded).
///
/// A paper whose request fails for good (after its retries) gets
/// [`crate::records::Gap::RequestFailed`] and a note, and the run goes on; a paper without a DOI
/// or arXiv id gets a note (the Index knows works by DOI). Errors, which stop the run: an option
/// out of range, a token that cannot be sent, an invalid token (403), an API never reached (no
/// network, a wrong URL), a cache that cannot be written.
pub fn fetch(
    wanted: &[Wanted],
    options: &OpenCitationsOptions,
    env: &crate::s2::Environment,
) -> anyhow::Result<SourceCorpus> {
    fetch::run(wanted, options, env)
}
