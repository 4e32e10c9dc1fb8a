//! The Network options and the lists' contents (`--sources`, `--api-url`, `--rps`, `--update`,
//! `--max-citations`, ...): the argument groups of the jobs that fetch, in a file of their own.

use super::*;

#[derive(Debug, Args)]
#[command(next_help_heading = INPUT)]
pub struct SourceArgs {
    /// Read records from this JSON Lines snapshot (see `snapshot export`) instead of the API:
    /// no network is used.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// The sources of references and citations, comma-separated, `s2` among them: `s2`
    /// (Semantic Scholar, whose records name the papers), `openalex`, `opencitations`. A run
    /// without a network (`--offline`, `analyze`) reads each source's cache; `--snapshot` holds
    /// Semantic Scholar records only (see --source-snapshot). [default: s2,openalex; s2 alone
    /// when Semantic Scholar's URL is a mirror or a test server and OpenAlex's is left public]
    #[arg(long = "sources", env = "CITEGRAPH_SOURCES", value_name = "LIST",
          value_parser = parse_sources)]
    pub source_list: Option<SourceSet>,
    /// Read a secondary source's answers from its snapshot (`snapshot export FILE --source
    /// SOURCE`) instead of asking it: `openalex=FILE` or `opencitations=FILE`; repeat for both.
    /// The source is then among the sources; beside --snapshot, only these are read.
    #[arg(long, value_name = "SOURCE=FILE", value_parser = parse_source_snapshot)]
    pub source_snapshot: Vec<(Source, PathBuf)>,
    /// Which catalogue papers the sources other than s2 are asked about: `gaps`, those Semantic
    /// Scholar leaves thin (unresolved, an empty or unread list); `all`, every one (the
    /// completeness audit of coverage-sources.csv).
    #[arg(long, value_enum, default_value = "gaps", value_name = "SCOPE")]
    pub source_scope: SourceScope,
}

/// What the reference and citation lists must hold (the fetch asks for it; the analysis takes
/// what the cache or the snapshot holds within it).
#[derive(Debug, Args)]
#[command(next_help_heading = INPUT)]
pub struct ListArgs {
    /// Leave citations out (references only): `fetch` does not ask for them, `analyze` does not
    /// use them.
    #[arg(long)]
    pub no_citations: bool,
    /// At most N citations per paper (most cited papers have tens of thousands): `fetch` asks for
    /// no more, `analyze` uses no more.
    #[arg(long, value_name = "N")]
    pub max_citations: Option<usize>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = NETWORK)]
pub struct ApiArgs {
    /// Base URL of the Graph API (a mirror or a test server can stand in).
    #[arg(long, env = "S2_API_URL", default_value = citegraph::s2::DEFAULT_API_URL, value_name = "URL",
          value_parser = parse_api_url)]
    pub api_url: String,
    /// Requests per second, for all citegraph processes that use the same key (or none) and the
    /// same --cache-dir together: they share one rate budget, a file in the cache directory.
    /// [default: 1 with S2_API_KEY (the limit of a key), 0.333 (one request every 3 s) without]
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub rps: Option<f64>,
    /// Retries of a request after 429, 5xx, a timeout or a connection error.
    #[arg(long, default_value_t = FetchOptions::default().max_retries, value_name = "N")]
    pub max_retries: u32,
    /// Seconds before a request is given up (and retried).
    #[arg(long, default_value_t = FetchOptions::default().timeout, value_name = "SECONDS",
          value_parser = parse_positive)]
    pub timeout: f64,
    /// Seconds before the first retry; the wait doubles at each retry, with jitter (a
    /// `Retry-After` from the server wins).
    #[arg(long, default_value_t = FetchOptions::default().retry_delay, value_name = "SECONDS",
          value_parser = parse_non_negative)]
    pub retry_delay: f64,
    /// Refetch everything, ignoring the cache.
    #[arg(long)]
    pub refresh: bool,
    /// Refetch cache entries older than this many days.
    #[arg(long, value_name = "DAYS", value_parser = parse_non_negative)]
    pub max_age: Option<f64>,
    /// Bring the cache up to date asking only what may have changed: the cached papers' current
    /// records (one batch call per 500), the citations published since each paper's last fetch
    /// for papers whose citation count changed, the references of papers whose reference count
    /// changed. Papers not in the cache are fetched in full (an empty cache: a full fetch).
    /// OpenAlex: its works re-asked (free), and the citers published since the last fetch of
    /// papers whose cited_by_count grew; OpenCitations (no date filter) is asked again.
    /// Not with --refresh, --snapshot or --offline (which ask nothing).
    #[arg(long, conflicts_with_all = ["refresh", "snapshot", "offline"])]
    pub update: bool,
    /// Skip each link's isInfluential and intents: take the reference and citation lists nested
    /// in the batch answer instead of paging them (about two requests a paper fewer, 86 instead
    /// of ~500 for the token-reduction catalogue).
    #[arg(long)]
    pub no_link_details: bool,
    /// Base URL of the OpenAlex API (a mirror or a test server can stand in).
    #[arg(long, env = "OPENALEX_API_URL", default_value = citegraph::secondary::DEFAULT_OPENALEX_URL,
          value_name = "URL", value_parser = parse_api_url)]
    pub openalex_url: String,
    /// Base URL of the OpenCitations APIs (the Index at /index/v2, Meta at /meta/v1).
    #[arg(long, env = "OPENCITATIONS_API_URL",
          default_value = citegraph::secondary::DEFAULT_OPENCITATIONS_URL, value_name = "URL",
          value_parser = parse_api_url)]
    pub opencitations_url: String,
    /// An e-mail address OpenAlex may write to about this client's use (its `mailto`
    /// parameter; OpenAlex's API key is read from OPENALEX_API_KEY).
    #[arg(long, env = "OPENALEX_MAILTO", value_name = "EMAIL")]
    pub mailto: Option<String>,
    /// OpenAlex requests per second, at most 10 (its cap, key or not). [default: 5]
    #[arg(long, value_name = "RATE", value_parser = parse_openalex_rps)]
    pub openalex_rps: Option<f64>,
    /// OpenCitations requests per minute (it allows 180 per IP address). [default: 150]
    #[arg(long, value_name = "RATE", value_parser = parse_per_minute)]
    pub opencitations_per_minute: Option<f64>,
}

impl SourceArgs {
    pub(super) fn source(&self) -> RecordSource {
        match &self.snapshot {
            Some(path) => RecordSource::Snapshot(path.clone()),
            None => RecordSource::Api,
        }
    }
}

impl ListArgs {
    pub(super) fn apply(&self, fetch: &mut FetchOptions) {
        fetch.no_citations = self.no_citations;
        fetch.max_citations = self.max_citations;
    }
}

impl ApiArgs {
    pub(super) fn apply_sources(&self, sources: &mut citegraph::secondary::SourceOptions) {
        sources.openalex_url = self.openalex_url.clone();
        sources.opencitations_url = self.opencitations_url.clone();
        sources.mailto = self.mailto.clone();
        sources.openalex_rps = self.openalex_rps;
        sources.opencitations_per_minute = self.opencitations_per_minute;
    }

    pub(super) fn apply(&self, fetch: &mut FetchOptions) {
        fetch.api_url = self.api_url.clone();
        fetch.rps = self.rps;
        fetch.max_retries = self.max_retries;
        fetch.timeout = self.timeout;
        fetch.retry_delay = self.retry_delay;
        fetch.refresh = self.refresh;
        fetch.max_age = self.max_age;
        fetch.link_details = !self.no_link_details;
        fetch.update = self.update;
    }
}
