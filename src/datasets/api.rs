//! The Semantic Scholar Datasets API (`https://api.semanticscholar.org/datasets/v1`, facts in
//! ../shared/S2-DATASETS.md): the releases, a release's shard links, the diffs between releases;
//! downloading a release's shards into the cache (`download.rs`) and bringing them to the latest
//! release with the diffs (`update.rs`); where they live in the cache (`layout.rs`).
//!
//! The client is called from plain threads (a download is a few long transfers, not many small
//! requests), each call driven on the client's own small tokio runtime (reqwest's blocking client
//! has no read timeout, and a transfer of gigabytes needs one instead of a total deadline). It is
//! small: the API calls are paced at `--datasets-rps` (1 a second, the limit of a key), retried
//! after 429, 5xx, a timeout or a cut connection with exponential backoff (honouring
//! `Retry-After`), and the API key goes in the `x-api-key` header and nowhere else: it is never
//! in a log line, an error, a file of the cache, and server text quoting it is redacted. The
//! shard links are pre-signed S3 URLs: they carry no key of ours, but their signatures are
//! shown nowhere either (only the shard name, the last path segment).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, RETRY_AFTER};
use reqwest::{Client as HttpClient, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;

pub mod download;
pub mod layout;
pub mod update;

/// The public Datasets API.
pub const DEFAULT_DATASETS_URL: &str = "https://api.semanticscholar.org/datasets/v1";

/// The datasets citegraph reads: `papers` (one record a paper), `citations` (one a citation),
/// `paper-ids` (corpus id to every sha of the paper).
pub const DATASETS: [&str; 3] = ["papers", "citations", "paper-ids"];

/// The longest `Retry-After` honoured as sent.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);
/// The longest wait between two retries when the server says nothing.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// The largest API answer read (lists of URLs: a few hundred kB); a longer one is not the
/// Datasets API.
const MAX_ANSWER_BYTES: u64 = 16 << 20;

/// How the datasets commands talk to the API and where they keep the shards. The command line
/// (`src/cli/datasets.rs`) fills it; `Default` holds the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetsOptions {
    /// Base URL of the Datasets API (`S2_DATASETS_URL`, `--datasets-url`).
    pub base_url: String,
    /// The cache directory: shards go to `CACHE/datasets/<release>/<dataset>/` (`layout.rs`).
    pub cache_dir: PathBuf,
    /// API requests per second (the shard transfers themselves are not paced: S3 does not
    /// meter them against the key).
    pub rps: f64,
    /// Retries of a request or a transfer after 429, 5xx, a timeout or a cut connection.
    pub max_retries: u32,
    /// Seconds before the first retry; doubles at each retry.
    pub retry_delay: f64,
    /// Seconds a request may wait for an answer, or a transfer for its next bytes.
    pub timeout: f64,
    /// Shards downloaded at once (1 to 4).
    pub parallel: usize,
    /// Draw a progress bar on a terminal (off under `--quiet`).
    pub progress: bool,
}

impl Default for DatasetsOptions {
    fn default() -> Self {
        DatasetsOptions {
            base_url: DEFAULT_DATASETS_URL.to_string(),
            cache_dir: PathBuf::from("cache"),
            rps: 1.0,
            max_retries: 5,
            retry_delay: 2.0,
            timeout: 60.0,
            parallel: 3,
            progress: true,
        }
    }
}

/// Why a Datasets API request failed for good.
#[derive(Debug, thiserror::Error)]
pub enum DatasetsError {
    /// A 4xx other than 429 (`message`: the API's `message`/`error` text, the key redacted).
    #[error("GET {url} was refused: HTTP {status}: {message}{}", key_hint(*status, *keyed))]
    Refused {
        url: String,
        status: u16,
        message: String,
        /// An API key was sent (a 403 then means a revoked or wrong key).
        keyed: bool,
    },
    /// Retries exhausted on 429, 5xx, timeouts or cut answers.
    #[error("GET {url} failed {attempts} times (last: {last}); rerun later: what was downloaded is kept")]
    GaveUp {
        url: String,
        attempts: u32,
        last: String,
    },
    /// No answer ever came back: no network, or a wrong URL.
    #[error("cannot reach the Semantic Scholar Datasets API at {base} ({detail}). Without a network, read shards you already have: `citegraph datasets neighbourhood --datasets-dir DIR`")]
    Unreachable { base: String, detail: String },
    /// The endpoint needs `S2_API_KEY` and none is set.
    #[error("{what} needs a Semantic Scholar API key: set S2_API_KEY (https://www.semanticscholar.org/product/api#api-key); shards you already have are read without one: `citegraph datasets neighbourhood --datasets-dir DIR`")]
    NeedsKey { what: String },
    /// An answer that is not what the API documents.
    #[error("GET {url}: the answer is not what the Datasets API sends ({detail}); is --datasets-url right?")]
    Malformed { url: String, detail: String },
}

fn key_hint(status: u16, keyed: bool) -> &'static str {
    match (status, keyed) {
        (403, true) => {
            " (the API key was refused: is S2_API_KEY current? keys unused for ~60 days are pruned)"
        }
        (403, false) => " (this needs an API key: set S2_API_KEY)",
        _ => "",
    }
}

impl DatasetsError {
    /// The HTTP status of a refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            DatasetsError::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// `GET /release/{id}`: a release and the datasets it holds.
#[derive(Debug, Clone, Deserialize)]
pub struct Release {
    pub release_id: String,
    #[serde(default)]
    pub datasets: Vec<DatasetSummary>,
}

/// One dataset of a release, without its links.
#[derive(Debug, Clone, Deserialize)]
pub struct DatasetSummary {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `GET /release/{id}/dataset/{name}`: the dataset's shards, as temporary pre-signed URLs.
#[derive(Debug, Clone, Deserialize)]
pub struct DatasetFiles {
    pub name: String,
    pub files: Vec<String>,
}

/// `GET /diffs/{start}/to/{end}/{name}`: the diffs from the held release to `end_release`, one
/// per consecutive pair of releases, in order.
#[derive(Debug, Clone, Deserialize)]
pub struct DiffList {
    pub dataset: String,
    pub start_release: String,
    pub end_release: String,
    pub diffs: Vec<Diff>,
}

/// One step of a [`DiffList`]: records to upsert (by key), then records to delete.
#[derive(Debug, Clone, Deserialize)]
pub struct Diff {
    pub from_release: String,
    pub to_release: String,
    #[serde(default)]
    pub update_files: Vec<String>,
    #[serde(default)]
    pub delete_files: Vec<String>,
}

/// A shard's stable name: the last path segment of its URL, without the query (the signature).
/// Errors: a URL whose last segment is empty or could step out of a directory.
pub fn shard_name(url: &str) -> Result<String, String> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default();
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .into_owned();
    let bad = name.is_empty()
        || name.starts_with('.')
        || name.contains(['/', '\\', '\0'])
        || name.ends_with(".part");
    if bad {
        Err(format!(
            "no usable shard name in the link {}",
            shown_url(url)
        ))
    } else {
        Ok(name)
    }
}

/// A URL as shown to the user: without its query (pre-signed links carry a signature).
pub fn shown_url(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// The API key (`S2_API_KEY`): kept out of every `Debug`, log line and error message.
#[derive(Clone)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    /// `S2_API_KEY`, when set and not blank. Errors (never showing the key): characters an
    /// HTTP header cannot carry.
    pub(crate) fn from_env() -> anyhow::Result<Option<ApiKey>> {
        let Some(raw) = std::env::var_os("S2_API_KEY") else {
            return Ok(None);
        };
        let key = raw.to_str().map(str::trim).unwrap_or("\u{0}");
        if key.is_empty() {
            return Ok(None);
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            anyhow::bail!(
                "S2_API_KEY holds characters an HTTP header cannot carry: set it to the key \
                 exactly as Semantic Scholar issued it (the key itself is not shown)"
            );
        }
        Ok(Some(ApiKey(key.to_string())))
    }

    fn header(&self) -> Option<HeaderValue> {
        let mut value = HeaderValue::from_str(&self.0).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    fn redact(&self, text: String) -> String {
        if text.contains(&self.0) {
            text.replace(&self.0, "<redacted>")
        } else {
            text
        }
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// One failed attempt, before the retry decision.
enum Attempt {
    Status {
        status: u16,
        retry_after: Option<Duration>,
        message: String,
    },
    Transport {
        detail: String,
        connect: bool,
    },
}

/// The Datasets API client: paced, retrying, keyed (module documentation).
pub struct Client {
    runtime: tokio::runtime::Runtime,
    http: HttpClient,
    base: String,
    key: Option<ApiKey>,
    options: DatasetsOptions,
    /// When the next API request may go.
    next_slot: Mutex<Instant>,
    /// Set once any answer came back: before that a connection error is "no network".
    reached: AtomicBool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `options.base_url`, with `S2_API_KEY` when set. Errors: an unusable key,
    /// an HTTP client that cannot be built.
    pub fn new(options: &DatasetsOptions) -> anyhow::Result<Client> {
        let timeout = Duration::from_secs_f64(options.timeout.max(0.001));
        let http = HttpClient::builder()
            .user_agent(concat!("citegraph/", env!("CARGO_PKG_VERSION")))
            // A transfer of gigabytes has no total deadline: only silence is a timeout.
            .read_timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(20)))
            .build()
            .map_err(|err| anyhow::anyhow!("cannot build the HTTP client: {err}"))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|err| anyhow::anyhow!("cannot start the HTTP runtime: {err}"))?;
        Ok(Client {
            runtime,
            http,
            base: options.base_url.trim_end_matches('/').to_string(),
            key: ApiKey::from_env()?,
            options: options.clone(),
            next_slot: Mutex::new(Instant::now()),
            reached: AtomicBool::new(false),
        })
    }

    /// Whether an API key is set.
    pub fn has_key(&self) -> bool {
        self.key.is_some()
    }

    /// `GET /release/`: every release id, oldest first.
    pub fn releases(&self) -> Result<Vec<String>, DatasetsError> {
        self.api("/release/")
    }

    /// `GET /release/{id}` (`latest` allowed): the release's id and datasets.
    pub fn release(&self, id: &str) -> Result<Release, DatasetsError> {
        self.api(&format!("/release/{}", segment(id)))
    }

    /// `GET /release/{id}/dataset/{name}`: the shard links (needs the key).
    pub fn dataset_files(&self, release: &str, name: &str) -> Result<DatasetFiles, DatasetsError> {
        self.require_key(&format!("the shard links of `{name}`"))?;
        self.api(&format!(
            "/release/{}/dataset/{}",
            segment(release),
            segment(name)
        ))
    }

    /// `GET /diffs/{start}/to/{end}/{name}` (needs the key).
    pub fn diffs(&self, start: &str, end: &str, name: &str) -> Result<DiffList, DatasetsError> {
        self.require_key(&format!("the diffs of `{name}`"))?;
        self.api(&format!(
            "/diffs/{}/to/{}/{}",
            segment(start),
            segment(end),
            segment(name)
        ))
    }

    fn require_key(&self, what: &str) -> Result<(), DatasetsError> {
        match self.key {
            Some(_) => Ok(()),
            None => Err(DatasetsError::NeedsKey {
                what: what.to_string(),
            }),
        }
    }

    /// A paced, retried API GET whose answer is JSON of type `T`.
    fn api<T: DeserializeOwned>(&self, path: &str) -> Result<T, DatasetsError> {
        let url = format!("{}{path}", self.base);
        let mut response = self.send(&url, true, |http| self.keyed(http.get(&url)))?;
        let mut body = Vec::new();
        while let Some(chunk) = self
            .chunk(&mut response)
            .map_err(|err| DatasetsError::GaveUp {
                url: url.clone(),
                attempts: 1,
                last: format!(
                    "the answer was cut: {}",
                    self.redact(transport_detail(&err))
                ),
            })?
        {
            body.extend_from_slice(chunk.as_ref());
            if body.len() as u64 > MAX_ANSWER_BYTES {
                break;
            }
        }
        if body.len() as u64 > MAX_ANSWER_BYTES {
            return Err(DatasetsError::Malformed {
                url,
                detail: format!("longer than {} MB", MAX_ANSWER_BYTES >> 20),
            });
        }
        serde_json::from_slice(&body).map_err(|err| DatasetsError::Malformed {
            url,
            detail: err.to_string(),
        })
    }

    fn keyed(&self, request: RequestBuilder) -> RequestBuilder {
        match self.key.as_ref().and_then(ApiKey::header) {
            Some(value) => request.header("x-api-key", value),
            None => request,
        }
    }

    /// Sends `build(http)` until it answers 2xx/206 or fails for good: 429, 5xx, timeouts and
    /// cut connections are retried with backoff (`Retry-After` wins); other statuses are
    /// refusals. `paced`: an API call (a shard transfer is not paced). `url` is for messages
    /// only (shown without its query).
    pub(crate) fn send(
        &self,
        url: &str,
        paced: bool,
        build: impl Fn(&HttpClient) -> RequestBuilder,
    ) -> Result<Response, DatasetsError> {
        let shown = shown_url(url).to_string();
        let mut attempts = 0u32;
        loop {
            if paced {
                self.pace();
            }
            attempts += 1;
            let attempt = match self
                .runtime
                .block_on(async { build(&self.http).send().await })
            {
                Ok(response) => {
                    self.reached.store(true, Ordering::Relaxed);
                    let status = response.status().as_u16();
                    if response.status().is_success() {
                        return Ok(response);
                    }
                    let retry_after = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<f64>().ok())
                        .filter(|s| s.is_finite() && *s >= 0.0)
                        .map(|s| Duration::from_secs_f64(s).min(MAX_RETRY_AFTER));
                    let text = self
                        .runtime
                        .block_on(async { response.text().await })
                        .unwrap_or_default();
                    Attempt::Status {
                        status,
                        retry_after,
                        message: self.redact(error_message(&text)),
                    }
                }
                Err(err) => Attempt::Transport {
                    detail: self.redact(transport_detail(&err)),
                    connect: err.is_connect(),
                },
            };
            let retryable = match &attempt {
                Attempt::Status { status, .. } => *status == 429 || *status >= 500,
                Attempt::Transport { connect, .. } => {
                    !connect || self.reached.load(Ordering::Relaxed)
                }
            };
            if !retryable || attempts > self.options.max_retries {
                return Err(self.failed(attempt, shown, attempts));
            }
            let delay = match &attempt {
                Attempt::Status {
                    retry_after: Some(asked),
                    ..
                } => *asked,
                _ => self.backoff(attempts),
            };
            let last = match &attempt {
                Attempt::Status {
                    status, message, ..
                } => format!("HTTP {status}: {message}"),
                Attempt::Transport { detail, .. } => detail.clone(),
            };
            tracing::info!(
                "GET {shown}: {last}; retrying in {:.1} s",
                delay.as_secs_f64()
            );
            std::thread::sleep(delay);
        }
    }

    fn failed(&self, attempt: Attempt, url: String, attempts: u32) -> DatasetsError {
        match attempt {
            Attempt::Transport {
                detail,
                connect: true,
            } if !self.reached.load(Ordering::Relaxed) => DatasetsError::Unreachable {
                base: self.base.clone(),
                detail,
            },
            Attempt::Status {
                status, message, ..
            } if status != 429 && status < 500 => DatasetsError::Refused {
                url,
                status,
                message,
                keyed: self.key.is_some(),
            },
            Attempt::Status {
                status, message, ..
            } => DatasetsError::GaveUp {
                url,
                attempts,
                last: format!("HTTP {status}: {message}"),
            },
            Attempt::Transport { detail, .. } => DatasetsError::GaveUp {
                url,
                attempts,
                last: detail,
            },
        }
    }

    /// The wait before retry `attempt` (1-based): `--retry-delay` doubled each time, with up
    /// to a quarter of jitter, at most a minute.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let base = self.options.retry_delay * 2f64.powi(attempt.saturating_sub(1).min(30) as i32);
        let jitter = 1.0 + rand::random::<f64>() * 0.25;
        Duration::from_secs_f64((base * jitter).min(MAX_BACKOFF.as_secs_f64()).max(0.0))
    }

    /// Waits for the next API slot (`--datasets-rps`).
    fn pace(&self) {
        let period = Duration::from_secs_f64(1.0 / self.options.rps.max(1e-3));
        let wait = {
            let mut next = self.next_slot.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + period;
            at - now
        };
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    pub(crate) fn redact(&self, text: String) -> String {
        match &self.key {
            Some(key) => key.redact(text),
            None => text,
        }
    }

    /// The options the client was made with.
    pub fn options(&self) -> &DatasetsOptions {
        &self.options
    }

    /// The next piece of `response`'s body (`None`: the end). Errors: the connection was cut
    /// or fell silent for `--timeout`.
    pub(crate) fn chunk(
        &self,
        response: &mut Response,
    ) -> Result<Option<impl AsRef<[u8]>>, reqwest::Error> {
        self.runtime.block_on(async { response.chunk().await })
    }
}

/// A path segment percent-encoded (release ids and dataset names are plain, but a user's
/// `--release` is not checked against the list before it is asked).
fn segment(text: &str) -> String {
    /// Everything but RFC 3986's unreserved characters.
    const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, RESERVED).to_string()
}

/// The `message` or `error` of a JSON error body, else the start of the body.
fn error_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let field = parsed.as_ref().and_then(|value| {
        ["message", "error", "Message"]
            .iter()
            .find_map(|key| value.get(key).and_then(|v| v.as_str()).map(str::to_string))
    });
    field.unwrap_or_else(|| {
        let text: String = body.chars().take(200).collect();
        if text.trim().is_empty() {
            "(no message)".to_string()
        } else {
            text.trim().to_string()
        }
    })
}

/// A transport error, with its chain of causes, and the URL it names shown without its query
/// (a pre-signed link's signature).
fn transport_detail(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    if let Some(url) = err.url() {
        text = text.replace(url.as_str(), shown_url(url.as_str()));
    }
    if err.is_timeout() {
        text.push_str(" (timed out)");
    }
    text
}
