//! OpenAlex as a second source of citation links (issue #25): for each catalogue paper asked
//! about ([`Wanted`]), its OpenAlex works (the published version and the arXiv preprint, which
//! OpenAlex keeps as two works), the works it cites and the works citing it, as a
//! [`SourceLists`] of ordinary [`crate::records::Link`]s. The facts the client respects are in
//! ../shared/OPENALEX-API.md: ids are URLs, arXiv ids are asked as DataCite DOIs
//! (`doi:10.48550/arXiv.<id>`), `referenced_works_count: 0` means unknown, at most 100 ids a
//! filter, cursor paging, an HTML 404, a daily budget in credits and a per-second cap.
//!
//! - `client.rs`: HTTP, pace, retries, the key, 429s; `budget.rs`: the daily credits;
//! - `wire.rs`: the Work object and the list envelope, read leniently; a Work as a Link;
//! - `fetch.rs`: resolving papers, their references and citers, through the cache.
//!
//! Every answer is cached under `CACHE/openalex/` ([`crate::cache::Cache`]: atomic files checked
//! against their request); `--offline` reads the cache alone.

use crate::records::sources::{SourceCorpus, Wanted};

mod budget;
mod client;
mod fetch;
pub mod wire;

pub use budget::USD_PER_CREDIT;

/// The public API.
pub const DEFAULT_API_URL: &str = "https://api.openalex.org";

/// The highest pace allowed, in requests per second: the proxy's keyless cap per IP (a free key
/// has 30, paid plans 50; ../shared/OPENALEX-API.md, "Limits").
pub const MAX_RPS: f64 = 10.0;

/// The default pace: half the keyless cap, so that another tool on the same address (or a burst
/// of retries) does not meet the cap.
pub const DEFAULT_RPS: f64 = 5.0;

/// The default daily budget without a key, in credits: $0.10 (the proxy's keyless budget since
/// 2026-06-20).
pub const KEYLESS_CREDITS: u64 = 1_000;

/// The default daily budget with a (free) key, in credits: $1.
pub const KEYED_CREDITS: u64 = 10_000;

/// Credits of a call: singletons are free, a list call costs 1, a search 10.
pub const LIST_CREDITS: u64 = 1;
pub const SEARCH_CREDITS: u64 = 10;

/// How citegraph talks to OpenAlex and which papers it asks about. The command line fills it;
/// [`OpenAlexOptions::default`] holds the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAlexOptions {
    /// Base URL (`OPENALEX_API_URL` / `--openalex-url`: a mirror or a test server).
    pub api_url: String,
    /// An e-mail address sent as `mailto=` (polite; harmless).
    pub mailto: Option<String>,
    /// Requests per second, at most [`MAX_RPS`].
    pub rps: f64,
    /// Retries of a request after a 5xx, a per-second 429, a timeout, a connection error or a
    /// page marked `timed_out`.
    pub max_retries: u32,
    /// Seconds before a request is given up (and retried).
    pub timeout: f64,
    /// Seconds before the first retry; doubles at each retry, with jitter (a `Retry-After` of
    /// up to 60 s wins).
    pub retry_delay: f64,
    /// Ask again, ignoring the cache.
    pub refresh: bool,
    /// Ask again for cache entries older than this many days.
    pub max_age: Option<f64>,
    /// `--update`: re-ask each paper's works (free) and, when a `cited_by_count` grew, only the
    /// citers published since the cached list's fetch (less a margin), merged into it; the
    /// whole list when the count fell or the merge does not account for it (`fetch/update.rs`).
    pub update: bool,
    /// Do not fetch citers (references only).
    pub no_citations: bool,
    /// At most this many citers per paper.
    pub max_citations: Option<usize>,
    /// Ask only the papers Semantic Scholar is thin for ([`Wanted::thin`] set): OpenAlex fills
    /// the gaps. `false`: ask every paper (the completeness audit).
    pub fill_only: bool,
    /// The daily budget in credits (1 credit = $0.0001). `None`: [`KEYED_CREDITS`] with
    /// `OPENALEX_API_KEY` set, else [`KEYLESS_CREDITS`].
    pub daily_credits: Option<u64>,
}

impl Default for OpenAlexOptions {
    fn default() -> Self {
        OpenAlexOptions {
            api_url: DEFAULT_API_URL.to_string(),
            mailto: None,
            rps: DEFAULT_RPS,
            max_retries: 8,
            timeout: 60.0,
            retry_delay: 1.0,
            refresh: false,
            max_age: None,
            update: false,
            no_citations: false,
            max_citations: None,
            fill_only: true,
            daily_credits: None,
        }
    }
}

/// Asks OpenAlex about the `wanted` papers (all of them, or with
/// [`OpenAlexOptions::fill_only`] those Semantic Scholar is thin for), cache first: one
/// [`crate::records::sources::SourceLists`] per paper asked, in order, and the requests made.
///
/// Per paper: singleton `/works/doi:<doi>` for each DOI and `doi:10.48550/arXiv.<id>` for its
/// arXiv id (free); a title search (`filter=title.search:`, 10 credits) when no published
/// version was found, each candidate checked for title, year (±2) and authors; references from
/// the version with `referenced_works_count > 0`, resolved 100 ids a list call; citers of every
/// version together through `filter=cites:W1|W2`, cursor-paged 100 a call.
///
/// A request that fails for good leaves that paper's list `None` with a note and
/// [`crate::records::Gap::RequestFailed`]; the spent budget, a refused key or an unreachable
/// server stop all further requests (the remaining papers then get the cache's answers or that
/// gap); `env.offline` reads the cache alone ([`crate::records::Gap::NotCached`] for the rest).
/// Errors: options out of range, an unusable `OPENALEX_API_KEY`, a cache that cannot be written.
pub fn fetch(
    wanted: &[Wanted],
    options: &OpenAlexOptions,
    env: &crate::s2::Environment,
) -> anyhow::Result<SourceCorpus> {
    fetch::run(wanted, options, env)
}

/// A duration from an option's seconds; an error naming the option when negative or not finite.
fn seconds(option: &str, value: f64) -> anyhow::Result<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(value)
        .map_err(|_| anyhow::anyhow!("{option} must be a non-negative number, not {value}"))
}
