//! The HTTP client of the Semantic Scholar Graph API: one pace for every request (shared with the
//! other citegraph processes of the same key through the cache directory: `budget.rs`), retries
//! with exponential backoff and jitter (honouring `Retry-After`), the API key in the
//! `x-api-key` header and nowhere else, and a count of every request sent.
//!
//! One bad id never fails a batch call: `POST /paper/batch` answers 500 on every try for some ids
//! while `GET /paper/{id}` works for them (allenai/s2-folks#103, #38). A batch that still fails
//! after its retries with a server error, a cut or broken answer or a lost connection
//! ([`ApiError::is_fault_of_request`]) is split in halves, each asked with at most
//! [`ISOLATION_RETRIES`] retry, down to the ids that fail alone; each of those is then asked as
//! `GET /paper/{id}` (full retries), and [`Client::batch_each`] hands back each id's answer or why
//! it failed. A split happens only after a failure that outlived every retry: a healthy batch
//! costs nothing more. Isolating one bad id among n (whose `GET` works) costs, beyond the failed
//! call, at most 3 requests per halving (the half without it once, the half with it twice), over
//! ceil(log2 n) halvings, and the `GET`: for n = 500, at most 28 requests; for n = 6, at most 10.
//! More than [`MAX_LONE_FAILURES`] ids of one call failing alone as well is an outage, not bad
//! records: the call fails as before.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::Method;
use serde_json::Value;

use crate::http::{self, Jitter, ReadError, Retry, Secret};

/// The longest `Retry-After` honoured as sent; a longer one is shortened to this (and a user who
/// wants to wait longer can rerun: nothing fetched is lost).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);
/// The largest answer read. The API caps its answers at 10 MB; a longer one is not Semantic
/// Scholar (a wrong --api-url, a broken proxy) and, read whole, could exhaust the memory.
const MAX_ANSWER_BYTES: usize = 64 << 20;
/// Retries of a part of a batch split after a failure that outlived every retry: the part with
/// the bad id fails again at once; one retry keeps a passing hiccup from splitting further.
const ISOLATION_RETRIES: u32 = 1;
/// Ids of one batch call that may fail alone too (their `GET /paper/{id}` as well) before the
/// whole call is taken to have failed: beyond a few, the API is down, not a record broken.
const MAX_LONE_FAILURES: usize = 3;

/// The API key (`S2_API_KEY`): kept out of every `Debug`, log line and error message, sent in
/// the `x-api-key` header only.
#[derive(Clone, Debug)]
pub(crate) struct ApiKey(Secret);

/// Why `S2_API_KEY` cannot be sent (the key itself is never quoted).
const UNUSABLE_KEY: &str = "S2_API_KEY holds characters an HTTP header cannot carry (a control \
    character, a line break inside, or non-ASCII): set it to the key exactly as Semantic Scholar \
    issued it, or unset it to run without a key (the key itself is not shown)";

impl ApiKey {
    /// `S2_API_KEY` from the environment, when set and not blank. An error (that never shows
    /// the key) when it cannot be sent: not Unicode, or characters an HTTP header cannot carry.
    /// Sending no key instead would quietly drop the user to the shared, much slower rate limit.
    pub(crate) fn from_env() -> anyhow::Result<Option<ApiKey>> {
        Ok(Secret::from_env("S2_API_KEY", UNUSABLE_KEY)?.map(ApiKey))
    }

    /// The key from the variable's value (`None`: not Unicode).
    #[cfg(test)]
    fn parse(value: Option<&str>) -> anyhow::Result<Option<ApiKey>> {
        Ok(Secret::parse(value, UNUSABLE_KEY)?.map(ApiKey))
    }

    /// The header value, marked sensitive.
    fn header(&self) -> Option<HeaderValue> {
        self.0.header("")
    }
}

/// The endpoints, for the request count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Batch,
    Match,
    References,
    Citations,
    /// `GET /paper/{id}`: an id a batch fails on, asked alone.
    Paper,
}

impl Endpoint {
    const ALL: [Endpoint; 5] = [
        Endpoint::Batch,
        Endpoint::Match,
        Endpoint::References,
        Endpoint::Citations,
        Endpoint::Paper,
    ];

    fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Endpoint::Batch => "paper/batch",
            Endpoint::Match => "paper/search/match",
            Endpoint::References => "references",
            Endpoint::Citations => "citations",
            Endpoint::Paper => "paper",
        }
    }
}

/// Requests sent (every attempt counts, retries included) and retries.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    requests: [AtomicU64; 5],
    retries: AtomicU64,
}

impl Stats {
    pub(crate) fn requests(&self) -> u64 {
        self.requests
            .iter()
            .map(|r| r.load(Ordering::Relaxed))
            .sum()
    }

    pub(crate) fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    /// `paper/batch 2, paper/search/match 17, ...` (endpoints with no request left out).
    pub(crate) fn breakdown(&self) -> String {
        let parts: Vec<String> = Endpoint::ALL
            .iter()
            .map(|e| (e, self.requests[e.index()].load(Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .map(|(e, n)| format!("{} {n}", e.name()))
            .collect();
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// How a request finally failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    /// A 4xx other than 429: not retried. `message` is the API's `error`/`message` text.
    #[error("{method} {url} was refused: HTTP {status}: {message}")]
    Refused {
        method: Method,
        url: String,
        status: u16,
        message: String,
    },
    #[error("{method} {url} failed {attempts} times (last: {last}); what was fetched before is in the cache: rerun to resume{}", if *.rate_limited { ", with a lower --rps (the API kept answering 429: too many requests)" } else { " (the API or the network failed: a later rerun usually gets through)" })]
    GaveUp {
        method: Method,
        url: String,
        attempts: u64,
        last: String,
        /// The last attempt was answered 429 (rate limited): the hint is a lower `--rps`.
        rate_limited: bool,
        /// The last attempt failed in a way that may be this request's own (see
        /// [`ApiError::is_fault_of_request`]).
        request_fault: bool,
    },
    #[error("cannot reach the Semantic Scholar API at {base} ({detail}). Without a network, run from files: --catalog PATH (a local catalogue), --snapshot FILE (records from a snapshot), or --offline (the cache only)")]
    Unreachable { base: String, detail: String },
}

impl ApiError {
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            ApiError::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the failure may belong to this request (its ids, its paper) rather than to the
    /// whole run: a server error (5xx), a timeout, or an answer cut, broken or not JSON, that
    /// outlived every retry. Such a batch is split ([`Client::batch_each`]) and such a list is
    /// reported incomplete, the run going on. Rate limiting to the end (429), a refusal (4xx: a
    /// bad key, a bad request), a server that refuses connections (it died), an answer past
    /// 64 MB (not Semantic Scholar) or no network stop the run, as every other request would
    /// meet them.
    pub(crate) fn is_fault_of_request(&self) -> bool {
        match self {
            ApiError::GaveUp { request_fault, .. } => *request_fault,
            ApiError::Refused { .. } | ApiError::Unreachable { .. } => false,
        }
    }

    /// One line for a report (`unresolved.csv`, the summary): what failed and how, without the
    /// advice of the full message.
    pub(crate) fn brief(&self) -> String {
        match self {
            ApiError::GaveUp {
                method,
                url,
                attempts,
                last,
                ..
            } => format!("{method} {url} failed {attempts} times (last: {last})"),
            other => other.message(),
        }
    }

    pub(crate) fn message(&self) -> String {
        match self {
            ApiError::Refused {
                status, message, ..
            } => format!("HTTP {status}: {message}"),
            other => other.to_string(),
        }
    }
}

/// One failed attempt.
#[derive(Debug)]
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
    /// An answer longer than [`MAX_ANSWER_BYTES`]: not retried (it would come again).
    TooLarge,
}

impl std::fmt::Display for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Attempt::Status {
                status, message, ..
            } => write!(f, "HTTP {status}: {message}"),
            Attempt::Transport { detail, .. } => f.write_str(detail),
            Attempt::TooLarge => write!(
                f,
                "the answer went past {} MB, read no further (Semantic Scholar's answers stay under 10 MB: is --api-url right?)",
                MAX_ANSWER_BYTES >> 20
            ),
        }
    }
}

/// The body of `response`, up to [`MAX_ANSWER_BYTES`].
async fn read_capped(response: reqwest::Response) -> Result<Vec<u8>, Attempt> {
    http::read_capped(response, MAX_ANSWER_BYTES)
        .await
        .map_err(|err| match err {
            ReadError::TooLarge => Attempt::TooLarge,
            ReadError::Broken(err) => transport(err),
        })
}

/// Settings of the client, from the command line.
#[derive(Debug, Clone)]
pub(crate) struct ClientConfig {
    pub base_url: String,
    /// Requests per second, for every process of this key on `budget_dir` together.
    pub rps: f64,
    pub max_retries: u32,
    pub timeout: Duration,
    /// The first backoff delay; doubles at each retry, with jitter.
    pub retry_delay: Duration,
    /// The cache directory whose rate budget the client shares (see `budget.rs`); `None`: it
    /// paces itself alone.
    pub budget_dir: Option<std::path::PathBuf>,
}

pub(crate) struct Client {
    http: reqwest::Client,
    base: String,
    key: Option<ApiKey>,
    pacer: super::budget::Pacer,
    /// `--max-retries` and `--retry-delay`, shortened for the parts of a split batch.
    retry: Retry,
    /// Set once any answer came back: before that, a connection error means no network at
    /// all, and the run fails fast instead of backing off for minutes.
    reached: AtomicBool,
    pub(crate) stats: Stats,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("key", &self.key)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn new(config: &ClientConfig, key: Option<ApiKey>) -> anyhow::Result<Client> {
        let budget = config
            .budget_dir
            .as_deref()
            .map(|dir| super::budget::path_in(dir, key.as_ref().map(|key| key.0.expose())));
        let pacer = super::budget::Pacer::new(config.rps, budget)?;
        Ok(Client {
            http: http::async_client(config.timeout)?,
            base: config.base_url.trim_end_matches('/').to_string(),
            key,
            pacer,
            retry: Retry::new(
                config.max_retries,
                config.retry_delay,
                // Never sooner than the doubling delay: up to as long again at random.
                Jitter::Up,
                MAX_RETRY_AFTER,
            ),
            reached: AtomicBool::new(false),
            stats: Stats::default(),
        })
    }

    /// Server text with the key taken out (see [`Secret::redact`]).
    fn redact(&self, text: String) -> String {
        http::redact(self.key.as_ref().map(|key| &key.0), text)
    }

    /// `POST /paper/batch?fields=…` for up to 500 ids: the JSON array, in the order of `ids`.
    /// Any id that fails alone (see [`Client::batch_each`]) fails the call: for callers that
    /// cannot go on without every answer.
    pub(crate) async fn batch(&self, ids: &[String], fields: &str) -> Result<Vec<Value>, ApiError> {
        self.batch_each(ids, fields).await?.into_iter().collect()
    }

    /// `POST /paper/batch?fields=…` for up to 500 ids: one answer per id, in the order of `ids`,
    /// each the id's element of the batch answer (`null`: unknown to the API) or why it could
    /// not be had. A gateway timeout (504) or a too-large answer of a call of several ids is not
    /// retried as is: the ids are split in halves, as the API documentation advises. A call that
    /// fails for good ([`ApiError::is_fault_of_request`]) is split down to the ids that fail
    /// alone, each then asked as `GET /paper/{id}` (module documentation). Errors: what stops the
    /// run (429 to the end, a refusal, no network, an answer that is not a list of records), or
    /// more than [`MAX_LONE_FAILURES`] ids failing alone.
    pub(crate) async fn batch_each(
        &self,
        ids: &[String],
        fields: &str,
    ) -> Result<Vec<Result<Value, ApiError>>, ApiError> {
        let mut answers: Vec<Option<Result<Value, ApiError>>> = ids.iter().map(|_| None).collect();
        // (start, end, isolating): `isolating` parts come from a batch that failed for good.
        let mut todo = vec![(0usize, ids.len(), false)];
        let mut lone_failures = 0;
        while let Some((start, end, isolating)) = todo.pop() {
            let chunk = &ids[start..end];
            let splittable = chunk.len() > 1;
            let body = serde_json::json!({ "ids": chunk });
            let result = self
                .send(
                    Endpoint::Batch,
                    Method::POST,
                    "/paper/batch",
                    &[("fields", fields)],
                    Some(&body),
                    splittable,
                    isolating.then_some(ISOLATION_RETRIES),
                )
                .await;
            match result.map(super::wire::batch) {
                Ok(Ok(items)) if items.len() == chunk.len() => {
                    for (slot, item) in answers[start..end].iter_mut().zip(items) {
                        *slot = Some(Ok(item));
                    }
                }
                Ok(other) => {
                    let last = match other {
                        Ok(items) => format!("{} records for {} ids", items.len(), chunk.len()),
                        Err(err) => self.redact(err),
                    };
                    return Err(ApiError::GaveUp {
                        method: Method::POST,
                        url: format!("{}/paper/batch", self.base),
                        attempts: 1,
                        last,
                        request_fault: false,
                        rate_limited: false,
                    });
                }
                Err(err) if splittable && (is_split_hint(&err) || err.is_fault_of_request()) => {
                    let mid = start + chunk.len() / 2;
                    let fault = !is_split_hint(&err);
                    tracing::info!(
                        "the batch of {} ids {} ({}); splitting it",
                        chunk.len(),
                        if fault {
                            "failed for good"
                        } else {
                            "was too large for the API"
                        },
                        err.brief()
                    );
                    let isolating = isolating || fault;
                    todo.push((mid, end, isolating));
                    todo.push((start, mid, isolating));
                }
                Err(err) if err.is_fault_of_request() => {
                    answers[start] = Some(self.alone(&chunk[0], fields, &mut lone_failures).await?);
                }
                Err(err) => return Err(err),
            }
        }
        Ok(answers
            .into_iter()
            .map(|answer| answer.unwrap_or(Ok(Value::Null)))
            .collect())
    }

    /// An id of a batch that failed for good, asked as `GET /paper/{id}`: its answer (`null`:
    /// unknown), or why it failed too. Errors: what stops the run, or the failure that makes
    /// `lone_failures` (this batch call's count) pass [`MAX_LONE_FAILURES`].
    async fn alone(
        &self,
        id: &str,
        fields: &str,
        lone_failures: &mut usize,
    ) -> Result<Result<Value, ApiError>, ApiError> {
        match self.paper(id, fields).await {
            Ok(answer) => Ok(Ok(answer.unwrap_or(Value::Null))),
            Err(err) if err.is_fault_of_request() => {
                *lone_failures += 1;
                if *lone_failures > MAX_LONE_FAILURES {
                    return Err(err);
                }
                tracing::warn!(
                    "{id}: every request for it failed, in a batch and alone (last: {})",
                    err.brief()
                );
                Ok(Err(err))
            }
            Err(err) => Err(err),
        }
    }

    /// `GET /paper/{id}?fields=…`: one paper (any id form the batch takes), `None` on 404.
    pub(crate) async fn paper(&self, id: &str, fields: &str) -> Result<Option<Value>, ApiError> {
        let encoded = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
        let path = format!("/paper/{encoded}");
        let result = self
            .send(
                Endpoint::Paper,
                Method::GET,
                &path,
                &[("fields", fields)],
                None,
                false,
                None,
            )
            .await;
        match result {
            Ok(answer) => Ok(Some(answer)),
            Err(err) if err.status() == Some(404) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// `GET /paper/search/match?query=…`: the best title match, `None` on 404 ("Title match not
    /// found").
    pub(crate) async fn match_title(
        &self,
        title: &str,
        fields: &str,
    ) -> Result<Option<Value>, ApiError> {
        let result = self
            .send(
                Endpoint::Match,
                Method::GET,
                "/paper/search/match",
                &[("query", title), ("fields", fields)],
                None,
                false,
                None,
            )
            .await;
        match result {
            Ok(answer) => Ok(super::wire::title_match(&answer)),
            Err(err) if err.status() == Some(404) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// One page of `GET /paper/{id}/references` or `/citations`. `published` (citations only:
    /// the API documents the filter there alone) is a `publicationDateOrYear` range such as
    /// `2026-01-01:`: only citing papers published in it, the offsets counting within them.
    pub(crate) async fn list_page(
        &self,
        endpoint: Endpoint,
        paper_id: &str,
        offset: usize,
        limit: usize,
        fields: &str,
        published: Option<&str>,
    ) -> Result<Value, ApiError> {
        let what = match endpoint {
            Endpoint::Citations => "citations",
            _ => "references",
        };
        let id =
            percent_encoding::utf8_percent_encode(paper_id, percent_encoding::NON_ALPHANUMERIC);
        let path = format!("/paper/{id}/{what}");
        let (offset, limit) = (offset.to_string(), limit.to_string());
        let mut query = vec![("fields", fields), ("offset", &offset), ("limit", &limit)];
        if let (Endpoint::Citations, Some(range)) = (endpoint, published) {
            query.push(("publicationDateOrYear", range));
        }
        self.send(endpoint, Method::GET, &path, &query, None, false, None)
            .await
    }

    /// Sends one request, retrying 429, 5xx, timeouts, connection errors and answers that are
    /// not JSON (a body cut mid-way). `split_hint`: a 504 or a too-large 400 is handed back to
    /// the caller at once, who splits the batch. `retries`: at most this many retries instead of
    /// `--max-retries` (never more).
    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        endpoint: Endpoint,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        split_hint: bool,
        retries: Option<u32>,
    ) -> Result<Value, ApiError> {
        let url = format!("{}{path}", self.base);
        let (url_ref, method_ref) = (url.as_str(), &method);
        let attempt = move || async move {
            self.pacer.until_ready().await;
            self.stats.requests[endpoint.index()].fetch_add(1, Ordering::Relaxed);
            let mut request = self.http.request(method_ref.clone(), url_ref).query(query);
            if let Some(body) = body {
                request = request.json(body);
            }
            if let Some(value) = self.key.as_ref().and_then(ApiKey::header) {
                request = request.header("x-api-key", value);
            }
            tracing::trace!("{method_ref} {url_ref} {}", describe_query(query));
            let response = request.send().await.map_err(transport)?;
            let status = response.status();
            let retry_after = http::retry_after(response.headers());
            let bytes = read_capped(response).await?;
            self.reached.store(true, Ordering::Relaxed);
            tracing::trace!(
                "{method_ref} {url_ref}: HTTP {} ({} bytes)",
                status.as_u16(),
                bytes.len()
            );
            if status.is_success() {
                serde_json::from_slice::<Value>(&bytes).map_err(|err| Attempt::Transport {
                    detail: format!("the answer is not complete JSON ({err}); cut mid-way?"),
                    connect: false,
                })
            } else {
                Err(Attempt::Status {
                    status: status.as_u16(),
                    retry_after,
                    message: self.redact(super::wire::error_message(&bytes)),
                })
            }
        };
        let retry = match retries {
            Some(retries) => self.retry.at_most(retries),
            None => self.retry,
        };
        let result = retry
            .run(
                attempt,
                |err| self.retryable(err, split_hint),
                |err| match err {
                    Attempt::Status { retry_after, .. } => *retry_after,
                    Attempt::Transport { .. } | Attempt::TooLarge => None,
                },
                |err, delay| {
                    self.stats.retries.fetch_add(1, Ordering::Relaxed);
                    tracing::info!(
                        "{method} {url}: {err}; retrying in {:.1} s",
                        delay.as_secs_f64()
                    );
                },
            )
            .await;
        result.map_err(
            |http::Exhausted {
                 last: err,
                 attempts,
             }| {
                let attempts = u64::from(attempts);
                match err {
                    Attempt::Transport {
                        detail,
                        connect: true,
                    } if !self.reached.load(Ordering::Relaxed) => ApiError::Unreachable {
                        base: self.base.clone(),
                        detail,
                    },
                    Attempt::Status {
                        status, message, ..
                    } if !is_transient(status) || (split_hint && status == 504) => {
                        ApiError::Refused {
                            method: method.clone(),
                            url: url.clone(),
                            status,
                            message,
                        }
                    }
                    other => ApiError::GaveUp {
                        method: method.clone(),
                        url: url.clone(),
                        attempts,
                        request_fault: match &other {
                            Attempt::Status { status, .. } => (500..=599).contains(status),
                            Attempt::Transport { connect, .. } => !connect,
                            Attempt::TooLarge => false,
                        },
                        rate_limited: matches!(other, Attempt::Status { status: 429, .. }),
                        last: other.to_string(),
                    },
                }
            },
        )
    }

    fn retryable(&self, err: &Attempt, split_hint: bool) -> bool {
        match err {
            Attempt::Status { status, .. } => {
                if split_hint && *status == 504 {
                    return false;
                }
                is_transient(*status)
            }
            // No answer has ever come back: there is no network, or the URL is wrong. Backing
            // off would only delay the message that says so.
            Attempt::Transport { connect: true, .. } => self.reached.load(Ordering::Relaxed),
            Attempt::Transport { .. } => true,
            Attempt::TooLarge => false,
        }
    }
}

fn is_transient(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// A batch answer the API could not give whole: split the ids and ask again.
fn is_split_hint(err: &ApiError) -> bool {
    match err {
        ApiError::Refused { status: 504, .. } => true,
        ApiError::Refused {
            status: 400,
            message,
            ..
        } => {
            let message = message.to_lowercase();
            message.contains("size") || message.contains("too large") || message.contains("10 mb")
        }
        _ => false,
    }
}

fn transport(err: reqwest::Error) -> Attempt {
    Attempt::Transport {
        detail: http::transport_detail(&err),
        connect: err.is_connect(),
    }
}

/// The query of a request for the trace log, with long values (field lists) shortened.
fn describe_query(query: &[(&str, &str)]) -> String {
    query
        .iter()
        .map(|(k, v)| {
            if v.len() > 60 {
                format!("{k}={}…", v.chars().take(60).collect::<String>())
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_redacted_in_debug() {
        let key = ApiKey::parse(Some("sekrit-123")).unwrap().unwrap();
        assert!(!format!("{key:?}").contains("sekrit"));
        let config = ClientConfig {
            base_url: "http://127.0.0.1:1/graph/v1".into(),
            rps: 1.0,
            max_retries: 0,
            timeout: Duration::from_secs(1),
            retry_delay: Duration::from_millis(10),
            budget_dir: None,
        };
        let client = Client::new(&config, Some(key)).unwrap();
        assert!(!format!("{client:?}").contains("sekrit"));
        assert!(key_header_is_sensitive(&client));
    }

    #[test]
    fn a_run_that_gave_up_hints_at_the_rate_only_after_429() {
        let gave_up = |rate_limited: bool| ApiError::GaveUp {
            method: Method::GET,
            url: "http://127.0.0.1:1/graph/v1/paper/x".into(),
            attempts: 4,
            last: if rate_limited { "HTTP 429" } else { "HTTP 503" }.into(),
            request_fault: !rate_limited,
            rate_limited,
        };
        assert!(gave_up(true).to_string().contains("lower --rps"));
        let outage = gave_up(false).to_string();
        assert!(
            !outage.contains("429") && !outage.contains("--rps"),
            "{outage}"
        );
        assert!(outage.contains("rerun"), "{outage}");
    }

    #[test]
    fn key_is_redacted_from_server_text() {
        let key = ApiKey::parse(Some("sekrit-123")).unwrap().unwrap();
        let client = Client::new(
            &ClientConfig {
                base_url: "http://127.0.0.1:1".into(),
                rps: 1.0,
                max_retries: 0,
                timeout: Duration::from_secs(1),
                retry_delay: Duration::from_millis(10),
                budget_dir: None,
            },
            Some(key),
        )
        .unwrap();
        assert_eq!(
            client.redact("bad key 'sekrit-123' (sekrit-123)".to_string()),
            "bad key '<redacted>' (<redacted>)"
        );
        assert_eq!(client.redact("Forbidden".to_string()), "Forbidden");
    }

    #[test]
    fn a_key_that_cannot_be_a_header_is_an_error_that_does_not_show_it() {
        for bad in [
            "abc\ndef-sentinel",
            "k\u{7f}ey-sentinel",
            "clé-sentinel",
            "two words-sentinel",
        ] {
            let err = ApiKey::parse(Some(bad)).err().unwrap().to_string();
            assert!(
                err.contains("S2_API_KEY") && !err.contains("sentinel"),
                "{err}"
            );
        }
        let err = ApiKey::parse(None).err().unwrap().to_string();
        assert!(err.contains("S2_API_KEY"), "{err}");
        assert!(ApiKey::parse(Some("  ")).unwrap().is_none());
        let key = ApiKey::parse(Some(" abc-DEF_123 ")).unwrap().unwrap();
        assert_eq!(key.0.expose(), "abc-DEF_123");
    }

    fn key_header_is_sensitive(client: &Client) -> bool {
        client
            .key
            .as_ref()
            .and_then(ApiKey::header)
            .is_some_and(|h| h.is_sensitive())
    }

    #[test]
    fn rejects_bad_rates() {
        let mut config = ClientConfig {
            base_url: "http://127.0.0.1:1".into(),
            rps: 0.0,
            max_retries: 0,
            timeout: Duration::from_secs(1),
            retry_delay: Duration::from_millis(10),
            budget_dir: None,
        };
        assert!(Client::new(&config, None).is_err());
        config.rps = f64::NAN;
        assert!(Client::new(&config, None).is_err());
    }
}
