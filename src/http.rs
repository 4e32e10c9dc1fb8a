//! What the API clients (`s2`, `openalex`, `opencitations`, `datasets`) do alike over HTTP: the
//! secret kept in its header and out of every `Debug`, log line and error ([`Secret`]), one HTTP
//! client per source built the same way ([`async_client`], [`blocking_client`], and
//! [`streaming_client`] for transfers of gigabytes), an even pace between requests ([`Pace`]),
//! the retry schedule (doubling delay with jitter, [`Backoff`]) and the retry loop that honours
//! `Retry-After` ([`Retry`]) over failed attempts ([`Attempt`]), transport errors told in one
//! line ([`transport_detail`]) and answers read up to a cap ([`read_capped`]).
//!
//! Each client keeps what is its own: its header name, what its statuses mean (OpenAlex's budget
//! 429 or HTML 404, OpenCitations' plain-text errors, Semantic Scholar's split batches) and its
//! limits; they come in here as parameters and the closures of [`Retry::run`]. This module
//! imports none of them.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use backon::Retryable;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

/// What stands in a text for a secret taken out of it.
pub(crate) const REDACTED: &str = "<redacted>";
/// The longest wait between two retries when the server says nothing (unless the first delay is
/// longer: then that).
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// An API key or access token: printable ASCII, shown by `Debug` as `<redacted>`, sent only as a
/// header value marked sensitive (hyper and reqwest never print it), and taken out of any server
/// text shown to the user ([`Secret::redact`]).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    /// The secret in the environment variable `var`: `Ok(None)` when unset or blank (surrounding
    /// white space is trimmed). Errors with `unusable` (a message that must not quote the value)
    /// when the value is not Unicode or holds a byte that is not printable ASCII (a control
    /// character, a space or line break inside, non-ASCII): sending no secret instead would
    /// quietly drop the user to a keyless rate.
    pub(crate) fn from_env(var: &str, unusable: &str) -> anyhow::Result<Option<Secret>> {
        match std::env::var_os(var) {
            None => Ok(None),
            Some(raw) => Self::parse(raw.to_str(), unusable),
        }
    }

    /// The secret from a value (`None`: not Unicode), as [`Secret::from_env`] reads it.
    pub(crate) fn parse(value: Option<&str>, unusable: &str) -> anyhow::Result<Option<Secret>> {
        let value = value.ok_or_else(|| anyhow::anyhow!("{unusable}"))?.trim();
        if value.is_empty() {
            return Ok(None);
        }
        // Printable ASCII is exactly what keys are made of and what a header always carries.
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            anyhow::bail!("{unusable}");
        }
        Ok(Some(Secret(value.to_string())))
    }

    /// The secret itself, for what must derive from it without showing it (a hashed file name).
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The header value `{prefix}{secret}` (`prefix`: `""`, or `"Bearer "`), marked sensitive;
    /// `None` never happens for a secret [`Secret::parse`] accepted with an ASCII prefix.
    pub(crate) fn header(&self, prefix: &str) -> Option<HeaderValue> {
        let mut value = HeaderValue::from_str(&format!("{prefix}{}", self.0)).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// `text` with every occurrence of the secret replaced by [`REDACTED`]: server text is shown
    /// to the user, and a gateway may quote the header it rejected.
    pub(crate) fn redact(&self, text: String) -> String {
        if text.contains(&self.0) {
            text.replace(&self.0, REDACTED)
        } else {
            text
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

/// `text` with `secret` taken out, when there is one (see [`Secret::redact`]).
pub(crate) fn redact(secret: Option<&Secret>, text: String) -> String {
    match secret {
        Some(secret) => secret.redact(text),
        None => text,
    }
}

const USER_AGENT: &str = concat!("citegraph/", env!("CARGO_PKG_VERSION"));

/// The async HTTP client of one source: `timeout` for a whole request (seconds of reading
/// included), at most 20 s of it to connect. Errors: reqwest cannot build it (no TLS backend).
pub(crate) fn async_client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    built(reqwest::Client::builder().timeout(timeout), timeout)
}

/// The async HTTP client for transfers of any length: no deadline for the whole request, only
/// for `silence` (no bytes for that long, reading included), at most 20 s of it to connect.
/// Errors: as [`async_client`].
pub(crate) fn streaming_client(silence: Duration) -> anyhow::Result<reqwest::Client> {
    built(reqwest::Client::builder().read_timeout(silence), silence)
}

/// `builder` with the user agent and at most 20 s of `timeout` to connect, built.
fn built(builder: reqwest::ClientBuilder, timeout: Duration) -> anyhow::Result<reqwest::Client> {
    builder
        .user_agent(USER_AGENT)
        .connect_timeout(timeout.min(Duration::from_secs(20)))
        .build()
        .map_err(|err| anyhow::anyhow!("cannot build the HTTP client: {err}"))
}

/// The blocking twin of [`async_client`], with the same timeouts and user agent.
pub(crate) fn blocking_client(timeout: Duration) -> anyhow::Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(20)))
        .build()
        .map_err(|err| anyhow::anyhow!("cannot build the HTTP client: {err}"))
}

/// An even pace: each request at least `period` after the one before, whoever sends it (the
/// GCRA with a burst of one: a pace, never a burst after a pause). The next slot is taken under a
/// lock and waited for outside it, so concurrent senders queue in slot order.
#[derive(Debug)]
pub(crate) struct Pace {
    period: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pace {
    /// A pace of one request every `period`.
    pub(crate) fn new(period: Duration) -> Pace {
        Pace {
            period,
            next: Mutex::new(None),
        }
    }

    /// Takes the next free slot: now when the previous slot is a period or more ago, else the
    /// previous slot plus the period.
    fn take(&self) -> Instant {
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let slot = next.map_or(now, |n| n.max(now));
        *next = Some(slot + self.period);
        slot
    }

    /// Waits (asynchronously) for this request's slot.
    pub(crate) async fn wait(&self) {
        tokio::time::sleep_until(self.take().into()).await;
    }

    /// Waits, blocking the thread, for this request's slot.
    pub(crate) fn wait_blocking(&self) {
        let slot = self.take();
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

/// How the random part of a retry delay is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Jitter {
    /// Up to half the delay taken off: a wait in [delay/2, delay].
    Down,
    /// Up to the delay again added: a wait in [delay, 2 × delay) (Semantic Scholar's schedule,
    /// which never retries sooner than the doubling delay).
    Up,
}

/// The wait before each retry when the server names none: `first × 2^(retry − 1)` (retry
/// 1-based), capped at [`MAX_BACKOFF`] (or `first` when longer), then jittered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Backoff {
    /// The delay before the first retry, before jitter.
    pub first: Duration,
    pub jitter: Jitter,
}

impl Backoff {
    /// The delay before retry `retry` (1-based), before jitter.
    pub(crate) fn nominal(&self, retry: u32) -> Duration {
        self.first
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(MAX_BACKOFF.max(self.first))
    }

    /// The delay before retry `retry` (1-based), jitter drawn.
    pub(crate) fn delay(&self, retry: u32) -> Duration {
        let nominal = self.nominal(retry);
        let draw = rand::random::<f64>();
        match self.jitter {
            Jitter::Down => nominal.mul_f64(1.0 - draw * 0.5),
            Jitter::Up => nominal.mul_f64(1.0 + draw),
        }
    }
}

/// `Retry-After` in seconds, from `headers` (the form the APIs use; an HTTP date or a negative
/// number is `None`: the backoff decides).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

/// A `Retry-After` value in seconds (whole or fractional), `None` when it is not one.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// A failed request in one line: what kind (`timed out`, `connection failed`, `the answer broke
/// off`, `request failed`) and the chain of causes (refused, reset, DNS). reqwest's errors carry
/// the URL, never a header: no secret can be in it.
pub(crate) fn transport_detail(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_body() || err.is_decode() {
        "the answer broke off"
    } else {
        "request failed"
    };
    // reqwest names the whole URL ("error sending request for url (…)"); the caller names the
    // request already, and a URL with its query would repeat it at length (and an OpenAlex
    // `api_key` in a query must not be shown).
    let mut text = err.to_string();
    if let Some(url) = err.url() {
        text = text.replace(&format!(" for url ({url})"), "");
    }
    let mut detail = format!("{kind}: {text}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        detail.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    detail
}

/// One failed attempt of a request, before the retry decision: an answer with an error status,
/// or no whole answer at all.
#[derive(Debug)]
pub(crate) enum Attempt {
    Status {
        status: u16,
        /// The server's `Retry-After` ([`retry_after`]).
        retry_after: Option<Duration>,
        /// The server's error text, the secret redacted.
        message: String,
    },
    Transport {
        /// What went wrong, in one line ([`transport_detail`]).
        detail: String,
        /// The connection could not be made (before any answer: no network, a wrong URL).
        connect: bool,
    },
}

impl Attempt {
    /// The wait the server named, for [`Retry::run`]'s `asked`.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            Attempt::Status { retry_after, .. } => *retry_after,
            Attempt::Transport { .. } => None,
        }
    }
}

impl std::fmt::Display for Attempt {
    /// `HTTP 503: MESSAGE`, or the transport detail.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Attempt::Status {
                status, message, ..
            } => write!(f, "HTTP {status}: {message}"),
            Attempt::Transport { detail, .. } => f.write_str(detail),
        }
    }
}

/// Why an answer's body could not be read whole.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Longer than the cap (said by `Content-Length` or found while reading): not the API.
    TooLarge,
    /// The connection broke, or timed out, mid-answer.
    Broken(reqwest::Error),
}

/// The body of `response`, up to `max_bytes` bytes (refused at once when `Content-Length` says
/// more). Errors: [`ReadError`].
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    max_bytes: usize,
) -> Result<Vec<u8>, ReadError> {
    if response
        .content_length()
        .is_some_and(|length| length > max_bytes as u64)
    {
        return Err(ReadError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Broken)? {
        if body.len() + chunk.len() > max_bytes {
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The retry loop: at most `max_retries` retries after the first attempt, each after the
/// server's `Retry-After` (at most `max_retry_after`) or else the [`Backoff`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Retry {
    pub max_retries: u32,
    pub backoff: Backoff,
    /// The longest `Retry-After` honoured as sent; a longer one is shortened to this.
    pub max_retry_after: Duration,
}

/// How a retried request finally failed: the last attempt's error and how many attempts were
/// sent (retries + 1).
#[derive(Debug)]
pub(crate) struct Exhausted<E> {
    pub last: E,
    pub attempts: u32,
}

impl Retry {
    /// `max_retries` retries, the first after `first` (doubling, jittered by `jitter`), a
    /// `Retry-After` honoured up to `max_retry_after`.
    pub(crate) fn new(
        max_retries: u32,
        first: Duration,
        jitter: Jitter,
        max_retry_after: Duration,
    ) -> Retry {
        Retry {
            max_retries,
            backoff: Backoff { first, jitter },
            max_retry_after,
        }
    }

    /// The same loop with at most `max` retries (never more than this one's).
    pub(crate) fn at_most(self, max: u32) -> Retry {
        Retry {
            max_retries: self.max_retries.min(max),
            ..self
        }
    }

    /// The wait before retry `retry` (1-based): `asked` (a `Retry-After`) shortened to
    /// `max_retry_after`, or else the backoff's.
    pub(crate) fn wait(&self, retry: u32, asked: Option<Duration>) -> Duration {
        match asked {
            Some(asked) => asked.min(self.max_retry_after),
            None => self.backoff.delay(retry),
        }
    }

    /// The waits of the backoff, one a retry: `max_retries` of them (before any `Retry-After`).
    pub(crate) fn schedule(&self) -> Schedule {
        Schedule {
            backoff: self.backoff,
            done: 0,
            left: self.max_retries,
        }
    }

    /// Runs `attempt` until it succeeds, fails in a way `retryable` refuses, or the retries run
    /// out (the loop is backon's, on [`Retry::schedule`]). `asked(err)` is the wait the server
    /// named (`Retry-After`); `notify(err, wait)` is told of every retry before its wait (to
    /// count and log it). Errors: the last attempt's, with the number of attempts.
    pub(crate) async fn run<T, E, Fut>(
        &self,
        mut attempt: impl FnMut() -> Fut,
        retryable: impl Fn(&E) -> bool,
        asked: impl Fn(&E) -> Option<Duration>,
        notify: impl FnMut(&E, Duration),
    ) -> Result<T, Exhausted<E>>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        // Atomic only to keep the future `Send` (the loop runs on one task).
        let attempts = AtomicU32::new(0);
        let counted = || {
            attempts.fetch_add(1, Ordering::Relaxed);
            attempt()
        };
        counted
            .retry(self.schedule())
            .when(|err| retryable(err))
            // `None` means no retry is left: it stays so, whatever the server asks.
            .adjust(|err, wait| {
                wait.map(|wait| asked(err).map_or(wait, |a| a.min(self.max_retry_after)))
            })
            .notify(notify)
            .await
            .map_err(|last| Exhausted {
                last,
                attempts: attempts.load(Ordering::Relaxed),
            })
    }
}

/// The backoff's waits as an iterator (what backon's loop takes): [`Backoff::delay`] of retries
/// 1, 2, … up to the last one allowed, then nothing.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    backoff: Backoff,
    done: u32,
    left: u32,
}

impl Iterator for Schedule {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        self.done += 1;
        Some(self.backoff.delay(self.done))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNUSABLE: &str = "SOME_KEY cannot be sent (not shown)";

    #[test]
    fn a_secret_is_trimmed_checked_and_never_shown() {
        let secret = Secret::parse(Some(" abc-DEF_123 "), UNUSABLE)
            .unwrap()
            .unwrap();
        assert_eq!(secret.expose(), "abc-DEF_123");
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert_eq!(
            secret.redact("bad key 'abc-DEF_123' (abc-DEF_123)".to_string()),
            "bad key '<redacted>' (<redacted>)"
        );
        assert_eq!(secret.redact("Forbidden".to_string()), "Forbidden");
        assert_eq!(redact(None, "abc-DEF_123".into()), "abc-DEF_123");
        assert_eq!(redact(Some(&secret), "abc-DEF_123".into()), REDACTED);
        let header = secret.header("Bearer ").unwrap();
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().unwrap(), "Bearer abc-DEF_123");
        assert!(!format!("{header:?}").contains("abc"));
        assert!(Secret::parse(Some("  "), UNUSABLE).unwrap().is_none());
        for bad in [
            Some("a b-sentinel"),
            Some("x\ny-sentinel"),
            Some("é-sentinel"),
            None,
        ] {
            let err = Secret::parse(bad, UNUSABLE).unwrap_err().to_string();
            assert_eq!(err, UNUSABLE);
        }
    }

    #[test]
    fn the_backoff_doubles_up_to_its_cap_and_jitters_within_its_band() {
        let first = Duration::from_millis(100);
        let down = Backoff {
            first,
            jitter: Jitter::Down,
        };
        assert_eq!(down.nominal(1), first);
        assert_eq!(down.nominal(3), Duration::from_millis(400));
        assert_eq!(down.nominal(30), MAX_BACKOFF);
        let up = Backoff {
            jitter: Jitter::Up,
            ..down
        };
        for retry in [1, 2, 5, 12] {
            let nominal = down.nominal(retry);
            for _ in 0..50 {
                let d = down.delay(retry);
                assert!(d >= nominal / 2 && d <= nominal, "{d:?} for {nominal:?}");
                let u = up.delay(retry);
                assert!(u >= nominal && u < nominal * 2, "{u:?} for {nominal:?}");
            }
        }
        // A first delay above the cap is kept: the user asked for it.
        let slow = Backoff {
            first: Duration::from_secs(90),
            jitter: Jitter::Down,
        };
        assert_eq!(slow.nominal(4), Duration::from_secs(90));
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_capped() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        let retry = Retry {
            max_retries: 3,
            backoff: Backoff {
                first: Duration::from_millis(10),
                jitter: Jitter::Down,
            },
            max_retry_after: Duration::from_secs(60),
        };
        assert_eq!(
            retry.wait(1, Some(Duration::from_secs(7200))),
            Duration::from_secs(60)
        );
        assert_eq!(
            retry.wait(1, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
        assert!(retry.wait(2, None) <= Duration::from_millis(20));
        assert_eq!(retry.at_most(1).max_retries, 1);
        assert_eq!(retry.at_most(9).max_retries, 3);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_loop_retries_what_it_may_and_counts_attempts() {
        let retry = Retry {
            max_retries: 3,
            backoff: Backoff {
                first: Duration::from_millis(1),
                jitter: Jitter::Down,
            },
            max_retry_after: Duration::from_millis(5),
        };
        // Fails twice (transient), then answers: three attempts, two retries told.
        let mut calls = 0;
        let mut told = Vec::new();
        let answer = retry
            .run(
                || {
                    calls += 1;
                    let n = calls;
                    async move {
                        if n < 3 {
                            Err(503u16)
                        } else {
                            Ok(n)
                        }
                    }
                },
                |status| *status == 503,
                |_| Some(Duration::from_secs(30)),
                |status, wait| told.push((*status, wait)),
            )
            .await
            .unwrap();
        assert_eq!(answer, 3);
        assert_eq!(told, vec![(503, Duration::from_millis(5)); 2]);
        // Always transient: the first attempt and max_retries retries, then the last error.
        let failed = retry
            .run(
                || async { Err::<(), _>(500u16) },
                |_| true,
                |_| None,
                |_, _| {},
            )
            .await
            .unwrap_err();
        assert_eq!((failed.last, failed.attempts), (500, 4));
        // A failure the caller does not retry ends the loop at once.
        let failed = retry
            .run(
                || async { Err::<(), _>(404u16) },
                |status| *status != 404,
                |_| None,
                |_, _| panic!("no retry"),
            )
            .await
            .unwrap_err();
        assert_eq!(failed.attempts, 1);
        let waits: Vec<Duration> = retry.schedule().collect();
        assert_eq!(waits.len(), 3);
        assert!(waits[2] >= Duration::from_millis(2) && waits[2] <= Duration::from_millis(4));
    }

    #[test]
    fn the_pace_spaces_requests_by_its_period() {
        let pace = Pace::new(Duration::from_millis(20));
        let start = Instant::now();
        for _ in 0..4 {
            pace.wait_blocking();
        }
        // Slots at 0, 20, 40, 60 ms: the fourth leaves no sooner than 60 ms after the first.
        assert!(start.elapsed() >= Duration::from_millis(60));
        let first = pace.take();
        let second = pace.take();
        assert_eq!(second - first, Duration::from_millis(20));
    }
}
