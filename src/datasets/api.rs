//! The Semantic Scholar Datasets API (`https://api.semanticscholar.org/datasets/v1`, facts in
//! ../shared/S2-DATASETS.md): the releases, a release's shard links, the diffs between releases;
//! downloading a release's shards into the cache (`download.rs`) and bringing them to the latest
//! release with the diffs (`update.rs`); where they live in the cache (`layout.rs`).
//!
//! The client is called from plain threads (a download is a few long transfers, not many small
//! requests), each call driven on the client's own small tokio runtime (reqwest's blocking client
//! has no read timeout, and a transfer of gigabytes needs one instead of a total deadline). What
//! every API client does alike comes from `crate::http`: the API calls are paced at
//! `--datasets-rps` (1 a second, the limit of a key; [`http::Pace`]), retried after 429, 5xx, a
//! timeout or a cut connection with exponential backoff honouring `Retry-After` ([`Retry`]),
//! and the API key ([`Secret`]) goes in the `x-api-key` header and nowhere else: it is never in
//! a log line, an error, a file of the cache, and server text quoting it is redacted. What is
//! the datasets' own stays here and in `download.rs`: the shard links are pre-signed S3 URLs
//! that carry no key of ours, but their signatures are shown nowhere either (only the shard
//! name, the last path segment); transfers resume with `Range` and re-list a link that answers
//! 403.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::{Client as HttpClient, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::http::{self, Attempt, Exhausted, Jitter, Pace, ReadError, Retry, Secret};

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
/// The largest API answer read (lists of URLs: a few hundred kB); a longer one is not the
/// Datasets API.
const MAX_ANSWER_BYTES: usize = 16 << 20;
/// The most of an error answer read for its message.
const MAX_ERROR_BYTES: usize = 64 << 10;
/// Said when `S2_API_KEY` cannot be sent (never quoting it).
const KEY_UNUSABLE: &str = "S2_API_KEY holds characters an HTTP header cannot carry: set it to \
                            the key exactly as Semantic Scholar issued it (the key itself is not shown)";

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
    /// Seconds before the first retry; doubles at each retry (with up to as much again of
    /// jitter, at most a minute: [`http::Backoff`]).
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

/// The Datasets API client: paced, retrying, keyed (module documentation).
pub struct Client {
    runtime: tokio::runtime::Runtime,
    http: HttpClient,
    base: String,
    key: Option<Secret>,
    options: DatasetsOptions,
    /// The pace of API requests (shard transfers are not paced).
    pace: Pace,
    retry: Retry,
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
        // A transfer of gigabytes has no total deadline: only silence is a timeout.
        let http = http::streaming_client(Duration::from_secs_f64(options.timeout.max(0.001)))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|err| anyhow::anyhow!("cannot start the HTTP runtime: {err}"))?;
        Ok(Client {
            runtime,
            http,
            base: options.base_url.trim_end_matches('/').to_string(),
            key: Secret::from_env("S2_API_KEY", KEY_UNUSABLE)?,
            options: options.clone(),
            pace: Pace::new(Duration::from_secs_f64(1.0 / options.rps.max(1e-3))),
            retry: Retry::new(
                options.max_retries,
                Duration::from_secs_f64(options.retry_delay.max(0.0)),
                Jitter::Up,
                MAX_RETRY_AFTER,
            ),
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
        let response = self.send(&url, true, |http| self.keyed(http.get(&url)))?;
        let body = self
            .runtime
            .block_on(http::read_capped(response, MAX_ANSWER_BYTES))
            .map_err(|err| match err {
                ReadError::TooLarge => DatasetsError::Malformed {
                    url: url.clone(),
                    detail: format!("longer than {} MB", MAX_ANSWER_BYTES >> 20),
                },
                ReadError::Broken(err) => DatasetsError::GaveUp {
                    url: url.clone(),
                    attempts: 1,
                    last: format!("the answer was cut: {}", self.detail(&err)),
                },
            })?;
        serde_json::from_slice(&body).map_err(|err| DatasetsError::Malformed {
            url,
            detail: err.to_string(),
        })
    }

    fn keyed(&self, request: RequestBuilder) -> RequestBuilder {
        match self.key.as_ref().and_then(|key| key.header("")) {
            Some(value) => request.header("x-api-key", value),
            None => request,
        }
    }

    /// Sends `build(http)` until it answers 2xx/206 or fails for good: 429, 5xx, timeouts and
    /// cut connections are retried by [`Retry::run`] (`Retry-After` wins); other statuses are
    /// refusals. `paced`: an API call (a shard transfer is not paced). `url` is for messages
    /// only (shown without its query).
    pub(crate) fn send(
        &self,
        url: &str,
        paced: bool,
        build: impl Fn(&HttpClient) -> RequestBuilder,
    ) -> Result<Response, DatasetsError> {
        let shown = shown_url(url);
        let outcome = self.runtime.block_on(self.retry.run(
            || self.attempt(paced, &build),
            |attempt| match attempt {
                Attempt::Status { status, .. } => is_transient(*status),
                // No answer has ever come back: no network, or a wrong base URL.
                Attempt::Transport { connect, .. } => {
                    !*connect || self.reached.load(Ordering::Relaxed)
                }
            },
            Attempt::retry_after,
            |attempt, wait| {
                tracing::info!(
                    "GET {shown}: {attempt}; retrying in {:.1} s",
                    wait.as_secs_f64()
                )
            },
        ));
        outcome.map_err(|Exhausted { last, attempts }| self.failed(last, shown, attempts))
    }

    /// One try of `build(http)`: the answer when 2xx, else what went wrong.
    async fn attempt(
        &self,
        paced: bool,
        build: &impl Fn(&HttpClient) -> RequestBuilder,
    ) -> Result<Response, Attempt> {
        if paced {
            self.pace.wait().await;
        }
        let response = build(&self.http)
            .send()
            .await
            .map_err(|err| Attempt::Transport {
                detail: self.detail(&err),
                connect: err.is_connect(),
            })?;
        self.reached.store(true, Ordering::Relaxed);
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        let retry_after = http::retry_after(response.headers());
        let text = http::read_capped(response, MAX_ERROR_BYTES)
            .await
            .map(|body| String::from_utf8_lossy(&body).into_owned())
            .unwrap_or_default();
        Err(Attempt::Status {
            status,
            retry_after,
            message: self.redact(error_message(&text)),
        })
    }

    fn failed(&self, attempt: Attempt, url: &str, attempts: u32) -> DatasetsError {
        let url = url.to_string();
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
            } if !is_transient(status) => DatasetsError::Refused {
                url,
                status,
                message,
                keyed: self.key.is_some(),
            },
            last => DatasetsError::GaveUp {
                url,
                attempts,
                last: last.to_string(),
            },
        }
    }

    /// The wait before retry `attempt` (1-based) of a transfer cut mid-way: `--retry-delay`
    /// doubled each time, jittered and capped as the API calls' ([`http::Backoff`]).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.retry.backoff.delay(attempt)
    }

    /// `text` with the API key taken out.
    pub(crate) fn redact(&self, text: String) -> String {
        http::redact(self.key.as_ref(), text)
    }

    /// A transport error in one line ([`http::transport_detail`]), the URL it names shown
    /// without its query (a pre-signed link's signature), the key redacted.
    pub(crate) fn detail(&self, err: &reqwest::Error) -> String {
        let mut text = http::transport_detail(err);
        if let Some(url) = err.url() {
            text = text.replace(url.as_str(), shown_url(url.as_str()));
        }
        self.redact(text)
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

/// 429 and 5xx: worth asking again (any other status is a refusal).
fn is_transient(status: u16) -> bool {
    status == 429 || status >= 500
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
