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
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, RETRY_AFTER};

use super::wire;

/// The environment variable of the access token.
pub const TOKEN_VAR: &str = "OPENCITATIONS_ACCESS_TOKEN";
/// The longest `Retry-After` honoured as sent; a longer one is shortened to this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);
/// The longest wait between two retries when the server says nothing.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// The largest answer read: the Index sends a heavily cited work's citations whole (no paging),
/// tens of MB at most; beyond this it is not OpenCitations.
const MAX_ANSWER_BYTES: usize = 256 << 20;

/// An OpenCitations access token: kept out of every `Debug`, log line, error message and cache
/// file (server text quoting it is redacted).
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// `OPENCITATIONS_ACCESS_TOKEN` from the environment, when set and not blank. Errors (that
    /// never show the token): not Unicode, or characters an HTTP header cannot carry.
    pub fn from_env() -> anyhow::Result<Option<AccessToken>> {
        match std::env::var_os(TOKEN_VAR) {
            None => Ok(None),
            Some(raw) => Self::parse(raw.to_str()),
        }
    }

    /// The token from a value (`None`: not Unicode); blank is no token.
    pub fn parse(value: Option<&str>) -> anyhow::Result<Option<AccessToken>> {
        let unusable = || {
            anyhow::anyhow!(
                "{TOKEN_VAR} holds characters an HTTP header cannot carry (a control character, a \
                 line break, a space or non-ASCII): set it to the token exactly as \
                 opencitations.net/accesstoken issued it, or unset it (the token is optional; it \
                 is not shown here)"
            )
        };
        let token = value.ok_or_else(unusable)?.trim();
        if token.is_empty() {
            return Ok(None);
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(unusable());
        }
        Ok(Some(AccessToken(token.to_string())))
    }

    fn header(&self) -> Option<HeaderValue> {
        let mut value = HeaderValue::from_str(&self.0).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// `text` with every occurrence of the token replaced by `<redacted>`.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "<redacted>")
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(<redacted>)")
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

/// An even pace: each request at least `period` after the one before (the GCRA with a burst of
/// one). The next slot is taken under a lock and waited for outside it.
#[derive(Debug)]
struct Pace {
    period: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pace {
    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.period);
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}

pub(crate) struct Client {
    http: reqwest::Client,
    token: Option<AccessToken>,
    pace: Pace,
    max_retries: u32,
    retry_delay: Duration,
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

/// One failed attempt.
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

impl std::fmt::Display for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Attempt::Status {
                status, message, ..
            } => write!(f, "HTTP {status}: {message}"),
            Attempt::Transport { detail, .. } => f.write_str(detail),
        }
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
        let http = reqwest::Client::builder()
            .user_agent(concat!("citegraph/", env!("CARGO_PKG_VERSION")))
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(20)))
            .build()
            .map_err(|err| anyhow::anyhow!("cannot build the HTTP client: {err}"))?;
        Ok(Client {
            http,
            token: config.token.clone(),
            pace: Pace {
                period: Duration::from_secs_f64(60.0 / config.per_minute),
                next: Mutex::new(None),
            },
            max_retries: config.max_retries,
            retry_delay: config.retry_delay,
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
        match &self.token {
            Some(token) => token.redact(&text),
            None => text,
        }
    }

    /// `GET url`, paced and retried: the JSON answer's bytes (checked to be JSON). `base`
    /// names the API in the error of a run that never reached it.
    pub(crate) async fn get(&self, url: &str, base: &str) -> Result<Vec<u8>, Failure> {
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let outcome = self.attempt(url).await;
            let err = match outcome {
                Ok(body) => return Ok(body),
                Err(err) => err,
            };
            let transient = match &err {
                Attempt::Status {
                    status, message, ..
                } => {
                    if *status == 403 && message.to_ascii_lowercase().contains("invalid token") {
                        return Err(Failure::InvalidToken {
                            message: message.clone(),
                        });
                    }
                    matches!(status, 408 | 429) || (500..=599).contains(status)
                }
                Attempt::Transport { connect, detail } => {
                    if *connect && !self.reached.load(Ordering::Relaxed) {
                        return Err(Failure::Unreachable {
                            base: base.to_string(),
                            detail: detail.clone(),
                        });
                    }
                    true
                }
            };
            if !transient {
                let Attempt::Status {
                    status, message, ..
                } = err
                else {
                    unreachable!("only a status is permanent")
                };
                return Err(Failure::Refused {
                    url: url.to_string(),
                    status,
                    message,
                });
            }
            if attempts > self.max_retries {
                return Err(Failure::GaveUp {
                    url: url.to_string(),
                    attempts,
                    last: err.to_string(),
                });
            }
            let delay = match &err {
                Attempt::Status {
                    retry_after: Some(asked),
                    ..
                } => (*asked).min(MAX_RETRY_AFTER),
                _ => self.backoff(attempts),
            };
            self.retries.fetch_add(1, Ordering::Relaxed);
            tracing::info!("GET {url}: {err}; retrying in {:.1} s", delay.as_secs_f64());
            tokio::time::sleep(delay).await;
        }
    }

    /// The wait before retry number `attempt` (1-based): `retry_delay * 2^(attempt-1)`, at most
    /// [`MAX_BACKOFF`] (or `retry_delay` when larger), times a jitter in [0.5, 1].
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .retry_delay
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(MAX_BACKOFF.max(self.retry_delay));
        base.mul_f64(0.5 + rand::random::<f64>() * 0.5)
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
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
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

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, Attempt> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(Attempt::Transport {
                detail: format!(
                    "the answer went past {} MB, read no further",
                    MAX_ANSWER_BYTES >> 20
                ),
                connect: false,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn transport(err: reqwest::Error) -> Attempt {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut detail = format!("{kind}: {err}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        detail.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    Attempt::Transport {
        detail,
        connect: err.is_connect(),
    }
}

/// `Retry-After` in seconds (an HTTP date falls back to the backoff).
fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_never_shown() {
        let token = AccessToken::parse(Some(" tok-sentinel-1 "))
            .unwrap()
            .unwrap();
        assert_eq!(token.0, "tok-sentinel-1");
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
        assert!(client.backoff(1) <= Duration::from_millis(100));
        assert!(client.backoff(3) >= Duration::from_millis(200));
        assert!(client.backoff(30) <= MAX_BACKOFF);
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
