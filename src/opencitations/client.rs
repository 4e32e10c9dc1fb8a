//! The HTTP client of the OpenCitations Index and Meta APIs: one pace for every request of the
//! run (at most the option's requests a minute, spaced evenly: a pace, not bursts), retries with
//! exponential backoff and jitter for 408, 429 (honouring `Retry-After`), 5xx, timeouts and
//! answers that are not JSON, the access token in the `authorization` header and nowhere else,
//! and a count of every request sent.
//!
//! Facts (../shared/OPENCITATIONS-API.md): 180 requests a minute per IP address for both APIs;
//! error bodies are plain text whatever the `Content-Type` says (`HTTP status code 500: …`);
//! 408 and 5xx are transient, 400 and 404 permanent; an invalid token is answered 403 text/plain
//! `Invalid token. …`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::wire;
use crate::http::{self, Attempt, Exhausted, Jitter, Pace, ReadError, Retry, Secret};

/// The environment variable of the access token.
pub const TOKEN_VAR: &str = "OPENCITATIONS_ACCESS_TOKEN";
/// The longest `Retry-After` honoured as sent; a longer one is shortened to this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);
/// The largest answer read: the Index sends a heavily cited work's citations whole (no paging),
/// tens of MB at most; beyond this it is not OpenCitations.
const MAX_ANSWER_BYTES: usize = 256 << 20;

/// An OpenCitations access token: kept out of every `Debug`, log line, error message and cache
/// file (server text quoting it is redacted), sent in the `authorization` header only.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AccessToken(Secret);

/// Why the token cannot be sent (the token itself is never quoted).
const UNUSABLE_TOKEN: &str = "OPENCITATIONS_ACCESS_TOKEN holds characters an HTTP header cannot \
    carry (a control character, a line break, a space or non-ASCII): set it to the token exactly \
    as opencitations.net/accesstoken issued it, or unset it (the token is optional; it is not \
    shown here)";

impl AccessToken {
    /// `OPENCITATIONS_ACCESS_TOKEN` from the environment, when set and not blank. Errors (that
    /// never show the token): not Unicode, or characters an HTTP header cannot carry.
    pub fn from_env() -> anyhow::Result<Option<AccessToken>> {
        Ok(Secret::from_env(TOKEN_VAR, UNUSABLE_TOKEN)?.map(AccessToken))
    }

    /// The token from a value (`None`: not Unicode); blank is no token.
    pub fn parse(value: Option<&str>) -> anyhow::Result<Option<AccessToken>> {
        Ok(Secret::parse(value, UNUSABLE_TOKEN)?.map(AccessToken))
    }

    fn header(&self) -> Option<HeaderValue> {
        self.0.header("")
    }

    /// `text` with every occurrence of the token replaced by `<redacted>`.
    pub fn redact(&self, text: &str) -> String {
        self.0.redact(text.to_string())
    }
}

/// How a request finally failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Failure {
    /// 400, 404 or another 4xx but 408 and 429: asking again gives the same answer.
    #[error("GET {url} was refused: HTTP {status}: {message}")]
    Refused {
        url: String,
        status: u16,
        message: String,
    },
    /// Transient failures to the last retry.
    #[error("GET {url} failed {attempts} times (last: {last})")]
    GaveUp {
        url: String,
        attempts: u32,
        last: String,
    },
    /// 403 `Invalid token.`: every request would meet it.
    #[error("OpenCitations refused the access token in {TOKEN_VAR} (HTTP 403: {message}): register a new one at https://opencitations.net/accesstoken, or unset {TOKEN_VAR} (the token is optional)")]
    InvalidToken { message: String },
    /// No answer ever came back: no network, or a wrong base URL.
    #[error("cannot reach OpenCitations at {base} ({detail}): check the network or OPENCITATIONS_API_URL, or run --offline to use the cache only")]
    Unreachable { base: String, detail: String },
}

impl Failure {
    /// Whether the whole run must stop: every other request would fail the same way.
    pub(crate) fn is_fatal(&self) -> bool {
        matches!(
            self,
            Failure::InvalidToken { .. } | Failure::Unreachable { .. }
        )
    }
}

/// Settings of the client.
#[derive(Debug, Clone)]
pub(crate) struct ClientConfig {
    /// Requests a minute, for the whole run.
    pub per_minute: f64,
    pub max_retries: u32,
    pub timeout: Duration,
    /// The first backoff delay; doubles at each retry, with jitter.
    pub retry_delay: Duration,
    pub token: Option<AccessToken>,
}

pub(crate) struct Client {
    http: reqwest::Client,
    token: Option<AccessToken>,
    pace: Pace,
    retry: Retry,
    /// Set once any answer came back: before that, a connection error means no network.
    reached: AtomicBool,
    requests: AtomicU64,
    retries: AtomicU64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("token", &self.token)
            .field("pace", &self.pace)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Errors: a rate that is not a positive number, or an HTTP client that cannot be built.
    pub(crate) fn new(config: &ClientConfig) -> anyhow::Result<Client> {
        if !(config.per_minute.is_finite() && config.per_minute > 0.0) {
            anyhow::bail!(
                "the OpenCitations pace must be a positive number of requests a minute, not {}",
                config.per_minute
            );
        }
        Ok(Client {
            http: http::async_client(config.timeout)?,
            token: config.token.clone(),
            pace: Pace::new(Duration::from_secs_f64(60.0 / config.per_minute)),
            retry: Retry::new(
                config.max_retries,
                config.retry_delay,
                Jitter::Down,
                MAX_RETRY_AFTER,
            ),
            reached: AtomicBool::new(false),
            requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
        })
    }

    /// Requests sent, every attempt counted.
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    fn redact(&self, text: String) -> String {
        http::redact(self.token.as_ref().map(|token| &token.0), text)
    }

    /// `GET url`, paced and retried: the JSON answer's bytes (checked to be JSON). `base`
    /// names the API in the error of a run that never reached it.
    pub(crate) async fn get(&self, url: &str, base: &str) -> Result<Vec<u8>, Failure> {
        let outcome = self
            .retry
            .run(
                || self.attempt(url),
                |err| match err {
                    Attempt::Status { status, .. } => is_transient(*status),
                    // No answer has ever come back: no network, or a wrong base URL.
                    Attempt::Transport { connect, .. } => {
                        !*connect || self.reached.load(Ordering::Relaxed)
                    }
                },
                Attempt::retry_after,
                |err, delay| {
                    self.retries.fetch_add(1, Ordering::Relaxed);
                    tracing::info!("GET {url}: {err}; retrying in {:.1} s", delay.as_secs_f64());
                },
            )
            .await;
        let Exhausted { last, attempts } = match outcome {
            Ok(body) => return Ok(body),
            Err(exhausted) => exhausted,
        };
        Err(match last {
            Attempt::Status {
                status, message, ..
            } if status == 403 && message.to_ascii_lowercase().contains("invalid token") => {
                Failure::InvalidToken { message }
            }
            Attempt::Transport {
                connect: true,
                detail,
            } if !self.reached.load(Ordering::Relaxed) => Failure::Unreachable {
                base: base.to_string(),
                detail,
            },
            Attempt::Status {
                status, message, ..
            } if !is_transient(status) => Failure::Refused {
                url: url.to_string(),
                status,
                message,
            },
            last => Failure::GaveUp {
                url: url.to_string(),
                attempts,
                last: last.to_string(),
            },
        })
    }

    async fn attempt(&self, url: &str) -> Result<Vec<u8>, Attempt> {
        self.pace.wait().await;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self.http.get(url).header("accept", "application/json");
        if let Some(value) = self.token.as_ref().and_then(AccessToken::header) {
            request = request.header("authorization", value);
        }
        tracing::trace!("GET {url}");
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let retry_after = http::retry_after(response.headers());
        let body = read_capped(response).await?;
        self.reached.store(true, Ordering::Relaxed);
        tracing::trace!("GET {url}: HTTP {status} ({} bytes)", body.len());
        let is_json = serde_json::from_slice::<serde_json::Value>(&body).is_ok();
        if (200..300).contains(&status) && is_json {
            return Ok(body);
        }
        // Read by content: a 200 whose text is the server's error wrapper is that error.
        let status = match wire::status_in_text(&body) {
            Some(named) if (200..300).contains(&status) => named,
            _ if (200..300).contains(&status) => {
                return Err(Attempt::Transport {
                    detail: format!(
                        "HTTP {status} but the answer is not JSON ({}); cut mid-way?",
                        self.redact(wire::error_text(&body))
                    ),
                    connect: false,
                });
            }
            _ => status,
        };
        Err(Attempt::Status {
            status,
            retry_after,
            message: self.redact(wire::error_text(&body)),
        })
    }
}

/// 408 (request timeout), 429 and 5xx: worth asking again.
fn is_transient(status: u16) -> bool {
    matches!(status, 408 | 429) || (500..=599).contains(&status)
}

/// The body of `response`, up to [`MAX_ANSWER_BYTES`].
async fn read_capped(response: reqwest::Response) -> Result<Vec<u8>, Attempt> {
    http::read_capped(response, MAX_ANSWER_BYTES)
        .await
        .map_err(|err| match err {
            ReadError::TooLarge => Attempt::Transport {
                detail: format!(
                    "the answer went past {} MB, read no further",
                    MAX_ANSWER_BYTES >> 20
                ),
                connect: false,
            },
            ReadError::Broken(err) => transport(err),
        })
}

fn transport(err: reqwest::Error) -> Attempt {
    Attempt::Transport {
        detail: http::transport_detail(&err),
        connect: err.is_connect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_never_shown() {
        let token = AccessToken::parse(Some(" tok-sentinel-1 "))
            .unwrap()
            .unwrap();
        assert_eq!(token.0.expose(), "tok-sentinel-1");
        assert!(!format!("{token:?}").contains("sentinel"));
        assert_eq!(
            token.redact("bad tok-sentinel-1 here"),
            "bad <redacted> here"
        );
        assert!(token.header().unwrap().is_sensitive());
        for bad in ["a b-sentinel", "x\ny-sentinel", "é-sentinel"] {
            let err = AccessToken::parse(Some(bad)).unwrap_err().to_string();
            assert!(
                err.contains(TOKEN_VAR) && !err.contains("sentinel"),
                "{err}"
            );
        }
        assert!(AccessToken::parse(Some("  ")).unwrap().is_none());
        let config = ClientConfig {
            per_minute: 60.0,
            max_retries: 0,
            timeout: Duration::from_secs(1),
            retry_delay: Duration::from_millis(1),
            token: Some(token),
        };
        let client = Client::new(&config).unwrap();
        assert!(!format!("{client:?}").contains("sentinel"));
    }

    #[test]
    fn bad_paces_are_refused_and_backoff_grows() {
        let mut config = ClientConfig {
            per_minute: 0.0,
            max_retries: 3,
            timeout: Duration::from_secs(1),
            retry_delay: Duration::from_millis(100),
            token: None,
        };
        assert!(Client::new(&config).is_err());
        config.per_minute = f64::NAN;
        assert!(Client::new(&config).is_err());
        config.per_minute = 150.0;
        let client = Client::new(&config).unwrap();
        let backoff = client.retry.backoff;
        assert!(backoff.delay(1) <= Duration::from_millis(100));
        assert!(backoff.delay(3) >= Duration::from_millis(200));
        assert!(backoff.delay(30) <= http::MAX_BACKOFF);
        assert!(format!("{:?}", client.pace).contains("400ms"));
    }
}
