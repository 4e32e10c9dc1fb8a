//! The HTTP client of the OpenAlex API: one request at a time, paced at `rps`, retried with
//! exponential backoff and jitter after 5xx, per-second 429s, timeouts, connection errors and
//! pages marked `meta.timed_out`; never retried after 400/403 (permanent) or 404 (unknown: an HTML
//! page or JSON). The key (`OPENALEX_API_KEY`) travels in the `Authorization: Bearer` header,
//! marked sensitive, and nowhere else: not in a URL, a log line, the cache or an error.
//!
//! The daily budget ([`Budget`]) is checked before each metered request and, with
//! `X-RateLimit-Remaining-USD`, after it. Once it is spent, or a 429 says so (a budget 429
//! carries a `Retry-After` of hours, until midnight UTC), or the key is refused (401), or the
//! server cannot be reached at all, the client stops: every later request fails at once with
//! [`OaError::Stopped`], so a run never hangs until midnight and the caller records the rest as
//! gaps a rerun can fill.

use std::io::Read;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use serde_json::Value;

use super::budget::Budget;
use crate::http::{self, Jitter, Pace, Retry, Secret};

/// The longest wait a `Retry-After` may ask before a retry; a 429 asking longer means the daily
/// budget is spent (the proxy answers the seconds until midnight UTC) and stops the client.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Requests leave at least `PACE_MARGIN / rps` apart: 5% slower than asked, so that the
/// network's jitter (a request held up, the next one not) cannot bring more than `rps` of them
/// into one second at the server.
const PACE_MARGIN: f64 = 1.05;
/// The largest answer read: a `select=`ed page of 100 works stays far below; more is not OpenAlex.
const MAX_ANSWER_BYTES: u64 = 64 << 20;

/// The API key from `OPENALEX_API_KEY`: kept out of every `Debug`, log line and error message,
/// sent as `Authorization: Bearer KEY` only.
#[derive(Clone, Debug)]
pub(crate) struct ApiKey(Secret);

/// Why `OPENALEX_API_KEY` cannot be sent (the key itself is never quoted).
const UNUSABLE_KEY: &str = "OPENALEX_API_KEY holds characters an HTTP header cannot carry (a \
    control character, a space or a line break inside, or non-ASCII): set it to the key as \
    OpenAlex issued it, or unset it to run keyless (the key itself is not shown)";

impl ApiKey {
    /// `OPENALEX_API_KEY` when set and not blank. Errors (never showing the key): not Unicode, or
    /// characters an HTTP header cannot carry.
    pub(crate) fn from_env() -> anyhow::Result<Option<ApiKey>> {
        Ok(Secret::from_env("OPENALEX_API_KEY", UNUSABLE_KEY)?.map(ApiKey))
    }

    #[cfg(test)]
    fn parse(value: Option<&str>) -> anyhow::Result<Option<ApiKey>> {
        Ok(Secret::parse(value, UNUSABLE_KEY)?.map(ApiKey))
    }

    /// `Bearer KEY`, marked sensitive (kept out of reqwest's debug output).
    fn header(&self) -> Option<HeaderValue> {
        self.0.header("Bearer ")
    }
}

/// How a request finally failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OaError {
    /// Refused for good (400, 403 or another 4xx with a JSON `error`): this request only.
    Refused {
        url: String,
        status: u16,
        message: String,
    },
    /// Retries outlived (5xx, timeouts, cut answers, `meta.timed_out`): this request only.
    GaveUp {
        url: String,
        attempts: u32,
        last: String,
    },
    /// Nothing more may be asked in this run: the reason (budget spent, key refused, no server).
    Stopped(String),
}

impl std::fmt::Display for OaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OaError::Refused {
                url,
                status,
                message,
            } => write!(f, "GET {url} was refused: HTTP {status}: {message}"),
            OaError::GaveUp {
                url,
                attempts,
                last,
            } => write!(
                f,
                "GET {url} failed {attempts} times (last: {last}); a rerun asks again"
            ),
            OaError::Stopped(reason) => f.write_str(reason),
        }
    }
}

/// An answer: the JSON body, or `None` for 404 (unknown id, HTML or JSON page).
pub(crate) type Answer = Option<Value>;

/// Settings of the client.
#[derive(Debug, Clone)]
pub(crate) struct ClientConfig {
    pub base_url: String,
    pub mailto: Option<String>,
    /// Requests per second (one request at a time, at least `1/rps` apart, plus a margin).
    pub rps: f64,
    pub max_retries: u32,
    pub timeout: Duration,
    pub retry_delay: Duration,
}

pub(crate) struct Client {
    http: reqwest::blocking::Client,
    base: String,
    mailto: Option<String>,
    key: Option<ApiKey>,
    pace: Pace,
    /// `max_retries` and the backoff; its loop is this client's own (blocking, with budget
    /// checks between attempts), its waits the shared ones.
    retry: Retry,
    budget: Budget,
    /// Set once any answer came back: before that, a failed connection means no server.
    reached: bool,
    stopped: Option<String>,
    /// Requests sent, retries included.
    pub(crate) requests: u64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("key", &self.key)
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Errors: a rate outside (0, 10], the HTTP client cannot be built.
    pub(crate) fn new(
        config: &ClientConfig,
        key: Option<ApiKey>,
        budget: Budget,
    ) -> anyhow::Result<Client> {
        if !(config.rps.is_finite() && config.rps > 0.0 && config.rps <= super::MAX_RPS) {
            anyhow::bail!(
                "the OpenAlex rate must be above 0 and at most {} requests per second (the \
                 proxy's keyless cap), not {}",
                super::MAX_RPS,
                config.rps
            );
        }
        Ok(Client {
            http: http::blocking_client(config.timeout)?,
            base: config.base_url.trim_end_matches('/').to_string(),
            mailto: config.mailto.clone().filter(|m| !m.trim().is_empty()),
            key,
            pace: Pace::new(Duration::from_secs_f64(PACE_MARGIN / config.rps)),
            retry: Retry::new(
                config.max_retries,
                config.retry_delay,
                Jitter::Down,
                MAX_RETRY_AFTER,
            ),
            budget,
            reached: false,
            stopped: None,
            requests: 0,
        })
    }

    pub(crate) fn budget(&self) -> &Budget {
        &self.budget
    }

    /// `GET {base}{path}?{query}` costing `credits` (0 for a singleton, 1 for a list call, 10 for
    /// a search), retried as the module says.
    pub(crate) fn get(
        &mut self,
        path: &str,
        query: &[(&str, &str)],
        credits: u64,
    ) -> Result<Answer, OaError> {
        let url = format!("{}{path}", self.base);
        let mut query: Vec<(&str, &str)> = query.to_vec();
        // Shown in logs and errors without the e-mail address: it is the user's, not the call's.
        let shown = describe(&url, &query);
        let mailto = self.mailto.clone();
        if let Some(mailto) = mailto.as_deref() {
            query.push(("mailto", mailto));
        }
        let mut last = String::new();
        let mut attempts = 0;
        while attempts <= self.retry.max_retries {
            if let Some(reason) = &self.stopped {
                return Err(OaError::Stopped(reason.clone()));
            }
            if let Err(reason) = self.budget.check(credits) {
                return Err(self.stop(reason));
            }
            self.pace.wait_blocking();
            attempts += 1;
            self.requests += 1;
            tracing::debug!("GET {shown}");
            let mut request = self.http.get(&url).query(&query);
            if let Some(value) = self.key.as_ref().and_then(ApiKey::header) {
                request = request.header(AUTHORIZATION, value);
            }
            let wait = match request.send() {
                Err(err) => {
                    let detail = self.redact(http::transport_detail(&err));
                    if err.is_connect() && !self.reached {
                        return Err(self.stop(format!(
                            "cannot reach OpenAlex at {} ({detail}); nothing more is asked of it \
                             in this run",
                            self.base
                        )));
                    }
                    last = detail;
                    None
                }
                Ok(response) => match self.answer(response, credits, &shown)? {
                    Ok(answer) => return Ok(answer),
                    Err((detail, wait)) => {
                        last = detail;
                        wait
                    }
                },
            };
            if attempts <= self.retry.max_retries {
                let delay = self.retry.wait(attempts, wait);
                tracing::info!(
                    "GET {shown}: {last}; retrying in {:.1} s",
                    delay.as_secs_f64()
                );
                std::thread::sleep(delay);
            }
        }
        Err(OaError::GaveUp {
            url: shown,
            attempts,
            last,
        })
    }

    /// Reads one answer: `Ok(Ok(answer))` done, `Ok(Err((why, wait)))` to retry (after `wait`
    /// when the server said), `Err` for good.
    #[allow(clippy::type_complexity)]
    fn answer(
        &mut self,
        response: reqwest::blocking::Response,
        credits: u64,
        shown: &str,
    ) -> Result<Result<Answer, (String, Option<Duration>)>, OaError> {
        self.reached = true;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let retry_after = http::retry_after(&headers);
        if status != 429 && credits > 0 {
            if let Err(err) = self.budget.spend(credits) {
                tracing::warn!("cannot record the OpenAlex budget: {err}");
            }
        }
        if let Some(remaining) = header_f64(&headers, "x-ratelimit-remaining-usd") {
            self.budget.set_remaining_usd(remaining);
        }
        let mut body = Vec::new();
        if let Err(err) = response.take(MAX_ANSWER_BYTES).read_to_end(&mut body) {
            return Ok(Err((format!("the answer broke off: {err}"), None)));
        }
        let message = || self.redact(super::wire::error_message(&body));
        match status {
            200..=299 => match serde_json::from_slice::<Value>(&body) {
                Ok(value) if value["meta"]["timed_out"] == Value::Bool(true) => Ok(Err((
                    "OpenAlex marked the page timed out (partial)".to_string(),
                    None,
                ))),
                Ok(value) => Ok(Ok(Some(value))),
                Err(err) => Ok(Err((
                    format!("the answer is not complete JSON ({err}); cut mid-way?"),
                    None,
                ))),
            },
            404 => Ok(Ok(None)),
            429 if budget_spent(&headers, retry_after, &message()) => Err(self.stop(format!(
                "OpenAlex's daily budget is spent (HTTP 429: {}); it resets at midnight UTC: \
                 rerun then (what was fetched is in the cache){}",
                message(),
                if self.key.is_none() {
                    ", or set OPENALEX_API_KEY (a free key has ten times the keyless budget)"
                } else {
                    ""
                }
            ))),
            429 | 500..=599 => Ok(Err((format!("HTTP {status}: {}", message()), retry_after))),
            401 => Err(self.stop(format!(
                "OpenAlex refused the API key (HTTP 401: {}): check OPENALEX_API_KEY, or unset it \
                 to run keyless",
                message()
            ))),
            _ => Err(OaError::Refused {
                url: shown.to_string(),
                status,
                message: message(),
            }),
        }
    }

    /// Stops the client for the rest of the run; the error to hand back.
    fn stop(&mut self, reason: String) -> OaError {
        if self.stopped.is_none() {
            tracing::warn!("OpenAlex: {reason}");
            self.stopped = Some(reason.clone());
        }
        OaError::Stopped(reason)
    }

    fn redact(&self, text: String) -> String {
        http::redact(self.key.as_ref().map(|key| &key.0), text)
    }
}

/// Whether a 429 means the daily budget is spent rather than the per-second cap: the message
/// says so, the credits required exceed those remaining, or the `Retry-After` is longer than a
/// retry may wait.
fn budget_spent(headers: &HeaderMap, retry_after: Option<Duration>, message: &str) -> bool {
    let lower = message.to_lowercase();
    let required = header_f64(headers, "x-ratelimit-credits-required");
    let remaining = header_f64(headers, "x-ratelimit-remaining");
    lower.contains("budget")
        || matches!((required, remaining), (Some(r), Some(left)) if left < r)
        || retry_after.is_some_and(|d| d > MAX_RETRY_AFTER)
}

fn header_f64(headers: &HeaderMap, name: &str) -> Option<f64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
}

/// The URL with its query, for logs and errors (the key is never in it: it is a header).
fn describe(url: &str, query: &[(&str, &str)]) -> String {
    let mut out = url.to_string();
    for (i, (k, v)) in query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        let v: String = if v.chars().count() > 80 {
            format!("{}…", v.chars().take(80).collect::<String>())
        } else {
            v.to_string()
        };
        out.push_str(&format!("{k}={v}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_redacted_and_checked() {
        let key = ApiKey::parse(Some(" abc-DEF_123 ")).unwrap().unwrap();
        assert!(!format!("{key:?}").contains("abc"));
        assert!(key.header().unwrap().is_sensitive());
        assert_eq!(key.0.redact("bad abc-DEF_123".into()), "bad <redacted>");
        for bad in ["two words-sentinel", "clé-sentinel", "a\nb-sentinel"] {
            let err = ApiKey::parse(Some(bad)).err().unwrap().to_string();
            assert!(
                err.contains("OPENALEX_API_KEY") && !err.contains("sentinel"),
                "{err}"
            );
        }
        assert!(ApiKey::parse(Some("  ")).unwrap().is_none());
    }

    #[test]
    fn a_budget_429_is_told_from_the_per_second_cap() {
        let mut headers = HeaderMap::new();
        let second = "Rate limit exceeded: 10 requests per second. Please slow down.";
        assert!(!budget_spent(
            &headers,
            Some(Duration::from_secs(1)),
            second
        ));
        assert!(budget_spent(
            &headers,
            Some(Duration::from_secs(1)),
            "Rate limit exceeded: Insufficient budget. This request costs $0.0001"
        ));
        assert!(budget_spent(
            &headers,
            Some(Duration::from_secs(30_000)),
            second
        ));
        headers.insert(
            "x-ratelimit-credits-required",
            HeaderValue::from_static("1"),
        );
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        assert!(budget_spent(&headers, None, second));
    }

    #[test]
    fn bad_rates_are_refused() {
        for rps in [0.0, -1.0, 11.0, f64::NAN] {
            let config = ClientConfig {
                base_url: "http://127.0.0.1:1".into(),
                mailto: None,
                rps,
                max_retries: 0,
                timeout: Duration::from_secs(1),
                retry_delay: Duration::from_millis(1),
            };
            assert!(Client::new(&config, None, Budget::detached(10)).is_err());
        }
    }
}
