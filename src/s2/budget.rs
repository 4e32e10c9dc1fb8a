//! The request rate shared by every citegraph process that uses one API key (or none) on one
//! cache directory.
//!
//! Semantic Scholar limits a key to 1 request per second across all endpoints, whoever sends
//! them, and anonymous callers share one pool (see `KEYED_RPS` and `ANONYMOUS_RPS` in
//! `s2/mod.rs`). A limiter inside one process cannot see its neighbours: three `fetch` runs on
//! one key made three times the key's rate (issue #22). So the pace is kept in a file beside the
//! cache, `CACHE/rate-budget/key-<16 hex digits>.json` (the first 64 bits of a SHA-256 of the
//! key: the key itself is never written) or `CACHE/rate-budget/anonymous.json`, holding the state
//! of a GCRA (the Generic Cell Rate Algorithm of ITU-T I.371, virtual-scheduling form):
//! `theoretical_arrival_time`, in seconds since the Unix epoch, the moment from which the next
//! request may go, and `rps`, the rate of the process that wrote it (for a reader; each process
//! adds its own period). Each request takes its slot under an exclusive `flock` of that file (the
//! kernel drops the lock of a process that dies, so a killed run never blocks the others), then
//! waits for the slot outside the lock.
//!
//! Faults never stop a run: a file that does not parse (cut by a full disk, edited by hand) or that
//! names a moment too far ahead (a clock set back) is reset with a warning; a cache directory that
//! cannot hold the file (read-only, or a path that cannot be created), or a lock held for over
//! [`LOCK_PATIENCE`], makes this process pace itself alone (a `governor` limiter at the same
//! rate), with one warning.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The folder of the budget files, under the cache directory.
pub(crate) const DIR: &str = "rate-budget";
/// Requests that may go at once after a pause: 1, so requests are always at least one period
/// apart (Semantic Scholar documents a rate per second, no burst).
const BURST: u32 = 1;
/// The longest wait for another process's lock (held for microseconds when all is well: a
/// longer hold is a stopped process, and waiting on it would stop this one too).
pub(crate) const LOCK_PATIENCE: Duration = Duration::from_secs(10);
/// Every write is padded to this length, so that a write never leaves the tail of a longer
/// older content behind, even when a kill comes between the write and a truncation.
const RECORD_LEN: usize = 128;
/// The layout of the file; another one is reset.
const SCHEMA: u32 = 1;

/// The budget file of `key` (`None`: anonymous use) under `cache_dir`: named by a hash of the
/// key, never by the key.
pub(crate) fn path_in(cache_dir: &Path, key: Option<&str>) -> PathBuf {
    cache_dir.join(DIR).join(file_name(key))
}

/// `anonymous.json`, or `key-` and the first 16 hex digits of the SHA-256 of a fixed prefix and
/// the key (64 bits: enough to keep keys apart, and nothing to read the key back from).
fn file_name(key: Option<&str>) -> String {
    match key {
        None => "anonymous.json".to_string(),
        Some(key) => {
            let digest = Sha256::new()
                .chain_update(b"citegraph rate budget\0")
                .chain_update(key.as_bytes())
                .finalize();
            format!("key-{}.json", &hex::encode(digest)[..16])
        }
    }
}

/// One request's place in the schedule (seconds since the Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Slot {
    /// When the request may be sent.
    pub at: f64,
    /// The theoretical arrival time after it: when the next one may go (`burst` 1).
    pub next: f64,
}

/// The GCRA in its virtual-scheduling form (ITU-T I.371; the ATM Forum's TM 4.0), turned from a
/// yes/no test into a schedule: a request arriving at `now` with the stored theoretical arrival
/// time `tat` (`None`: no request yet) goes at `max(now, tat - (burst - 1) * period)`, and the
/// theoretical arrival time becomes `max(tat, at) + period`. Over any window of W seconds at most
/// `W / period + burst` requests go. `period` in seconds (1 / rps), `burst` at least 1. O(1).
pub(crate) fn gcra(tat: Option<f64>, now: f64, period: f64, burst: u32) -> Slot {
    let tolerance = period * f64::from(burst.max(1) - 1);
    let tat = tat.unwrap_or(now);
    let at = now.max(tat - tolerance);
    Slot {
        at,
        next: tat.max(at) + period,
    }
}

/// What the budget file holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct State {
    schema: u32,
    /// Seconds since the Unix epoch from which the next request may go.
    theoretical_arrival_time: f64,
    /// Requests per second of the process that wrote it.
    rps: f64,
}

/// The stored state; `Ok(None)` for an empty file (a new one, or a write a kill cut short before
/// it began); `Err` with the reason for anything else that is not a state of this layout.
fn decode(bytes: &[u8]) -> Result<Option<State>, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let state: State =
        serde_json::from_slice(bytes).map_err(|err| format!("not a rate budget ({err})"))?;
    if state.schema != SCHEMA {
        return Err(format!(
            "layout {} (this citegraph reads {SCHEMA})",
            state.schema
        ));
    }
    if !state.theoretical_arrival_time.is_finite() {
        return Err("no usable time in it".to_string());
    }
    Ok(Some(state))
}

/// The state as JSON padded with spaces to [`RECORD_LEN`] bytes, ending in a line break.
fn encode(state: &State) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(state).expect("a state of plain numbers encodes");
    if bytes.len() < RECORD_LEN {
        bytes.resize(RECORD_LEN - 1, b' ');
    }
    bytes.push(b'\n');
    bytes
}

/// How far ahead a stored time may be before it is taken for a clock set back: far more than
/// the requests of any plausible number of processes waiting at once.
fn max_ahead(period: f64) -> f64 {
    (256.0 * period).max(60.0)
}

/// Seconds since the Unix epoch, now.
fn now_epoch() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Under the file's lock: reads the state, takes the next slot, writes the state back.
fn take_slot(
    file: &mut File,
    path: &Path,
    now: f64,
    period: f64,
    rps: f64,
) -> std::io::Result<Slot> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    Read::take(&mut *file, 4096).read_to_end(&mut bytes)?;
    let tat = match decode(&bytes) {
        Ok(Some(state)) if state.theoretical_arrival_time - now > max_ahead(period) => {
            tracing::warn!(
                "the rate budget {} schedules the next request {:.0} s from now: the clock was \
                 set back? starting it afresh",
                path.display(),
                state.theoretical_arrival_time - now
            );
            None
        }
        Ok(state) => state.map(|s| s.theoretical_arrival_time),
        Err(reason) => {
            tracing::warn!(
                "the rate budget {} is unreadable ({reason}); starting it afresh",
                path.display()
            );
            None
        }
    };
    let slot = gcra(tat, now, period, BURST);
    let record = encode(&State {
        schema: SCHEMA,
        theoretical_arrival_time: slot.next,
        rps,
    });
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&record)?;
    if file.metadata()?.len() > record.len() as u64 {
        file.set_len(record.len() as u64)?;
    }
    Ok(slot)
}

/// Paces the requests of one client: through the shared budget file when there is one and it
/// works, else alone with an in-process limiter at the same rate.
pub(crate) struct Pacer {
    rps: f64,
    /// Seconds between two requests (1 / rps).
    period: f64,
    /// The budget file; `None`: this process alone.
    shared: Option<PathBuf>,
    /// The pace when the file cannot be used.
    local: DefaultDirectRateLimiter,
    /// Set once the file failed: the warning is given once, and the local limiter paces from then
    /// on.
    alone: AtomicBool,
    /// Set once a wait of over [`LONG_WAIT`] was told (once a process).
    told_wait: AtomicBool,
}

/// A wait for the shared budget longer than this is said on stderr (once a process): other
/// processes are taking the key's rate.
const LONG_WAIT: f64 = 5.0;

impl Pacer {
    /// A pacer of `rps` requests per second, shared through the file `shared` (see
    /// [`path_in`]). Errors: `rps` not a positive number, or so high its period rounds to zero.
    pub(crate) fn new(rps: f64, shared: Option<PathBuf>) -> anyhow::Result<Pacer> {
        if !(rps.is_finite() && rps > 0.0) {
            anyhow::bail!("--rps must be a positive number of requests per second, not {rps}");
        }
        let period = Duration::from_secs_f64(1.0 / rps);
        let quota =
            Quota::with_period(period).ok_or_else(|| anyhow::anyhow!("--rps {rps} is too high"))?;
        Ok(Pacer {
            rps,
            period: 1.0 / rps,
            shared,
            local: RateLimiter::direct(quota),
            alone: AtomicBool::new(false),
            told_wait: AtomicBool::new(false),
        })
    }

    /// Waits until this process may send its next request.
    pub(crate) async fn until_ready(&self) {
        if let Some(path) = &self.shared {
            if !self.alone.load(Ordering::Relaxed) {
                match self.reserve(path).await {
                    Ok(slot) => {
                        let wait = slot.at - now_epoch();
                        if wait > LONG_WAIT && !self.told_wait.swap(true, Ordering::Relaxed) {
                            if wait > 1.5 * self.period {
                                tracing::info!(
                                    "waiting {wait:.0} s for the next request: other citegraph \
                                     processes share this rate budget ({}, {} requests per \
                                     second in all)",
                                    path.display(),
                                    self.rps
                                );
                            } else {
                                tracing::info!(
                                    "waiting {wait:.0} s for the next request (the pace: {} \
                                     requests per second)",
                                    self.rps
                                );
                            }
                        }
                        if wait > 0.0 {
                            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
                        }
                        return;
                    }
                    Err(err) => {
                        if !self.alone.swap(true, Ordering::Relaxed) {
                            tracing::warn!(
                                "cannot share the request rate through {} ({err}): this process \
                                 keeps {} requests per second by itself, and other citegraph \
                                 processes with the same key add to it",
                                path.display(),
                                self.rps
                            );
                        }
                    }
                }
            }
        }
        self.local.until_ready().await;
    }

    /// Takes the next slot of the shared budget.
    async fn reserve(&self, path: &Path) -> std::io::Result<Slot> {
        let mut file = open(path)?;
        let deadline = Instant::now() + LOCK_PATIENCE;
        while !try_lock(&file)? {
            if Instant::now() >= deadline {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "another process held its lock for over {} s",
                        LOCK_PATIENCE.as_secs()
                    ),
                ));
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        // No await from here on: the lock is held for a read and a write only, and dropped
        // with the file.
        take_slot(&mut file, path, now_epoch(), self.period, self.rps)
    }
}

/// Takes the file's exclusive `flock(2)` without waiting: `Ok(false)` when another open file holds
/// it. The lock goes with the open file: closed, or its process dead, it is released. (std's
/// `File::try_lock` does the same from Rust 1.89 on, above this crate's rust-version.)
#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    match rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(err) if err == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Elsewhere no lock is taken: the process paces itself alone (see [`Pacer::until_ready`]).
#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<bool> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "the shared rate budget uses flock, on Unix only",
    ))
}

/// Opens (creating) the budget file and its folder.
fn open(path: &Path) -> std::io::Result<File> {
    let options = || {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        options
    };
    match options().open(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            options().open(path)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcra_spaces_requests_by_the_period_and_allows_the_burst_after_a_pause() {
        // Burst 1: one at once, then one a period.
        let first = gcra(None, 100.0, 0.5, 1);
        assert_eq!(
            first,
            Slot {
                at: 100.0,
                next: 100.5
            }
        );
        let second = gcra(Some(first.next), 100.0, 0.5, 1);
        assert_eq!(
            second,
            Slot {
                at: 100.5,
                next: 101.0
            }
        );
        let third = gcra(Some(second.next), 100.2, 0.5, 1);
        assert_eq!(
            third,
            Slot {
                at: 101.0,
                next: 101.5
            }
        );
        // After a pause the schedule starts again from now: idle time is not saved up.
        let later = gcra(Some(third.next), 200.0, 0.5, 1);
        assert_eq!(
            later,
            Slot {
                at: 200.0,
                next: 200.5
            }
        );
        // Burst 3: three at once, the fourth a period after the first.
        let mut tat = None;
        let mut at = Vec::new();
        for _ in 0..5 {
            let slot = gcra(tat, 10.0, 1.0, 3);
            at.push(slot.at);
            tat = Some(slot.next);
        }
        assert_eq!(at, vec![10.0, 10.0, 10.0, 11.0, 12.0]);
    }

    #[test]
    fn gcra_never_exceeds_rate_times_window_plus_burst() {
        // Requests arriving at scattered moments, most of them early.
        let period = 0.25;
        for burst in [1, 2, 4] {
            let mut tat = None;
            let mut sent = Vec::new();
            for i in 0..200u32 {
                let now = f64::from(i * 7 % 13) * 0.01 + f64::from(i) * 0.05;
                let slot = gcra(tat, now, period, burst);
                assert!(slot.at >= now, "a request never goes before it arrives");
                sent.push(slot.at);
                tat = Some(slot.next);
            }
            for (i, start) in sent.iter().enumerate() {
                for window in [0.1, 1.0, 3.7] {
                    let within = sent[i..].iter().filter(|t| **t < start + window).count();
                    assert!(
                        within as f64 <= window / period + f64::from(burst),
                        "burst {burst}: {within} in {window} s from {start}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_file_is_named_by_a_hash_of_the_key_and_never_holds_it() {
        let key = "sekrit-Key-123";
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path(), Some(key));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("key-") && name.ends_with(".json"),
            "{name}"
        );
        assert_eq!(name.len(), "key-.json".len() + 16);
        assert!(!name.contains(key));
        assert_ne!(path, path_in(dir.path(), Some("another-key")));
        assert_eq!(path, path_in(dir.path(), Some(key)), "stable across runs");
        assert_eq!(
            path_in(dir.path(), None),
            dir.path().join("rate-budget/anonymous.json")
        );
        let mut file = open(&path).unwrap();
        take_slot(&mut file, &path, 1000.0, 1.0, 1.0).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len(), RECORD_LEN);
        assert!(!String::from_utf8_lossy(&bytes).contains(key));
        let state = decode(&bytes).unwrap().unwrap();
        assert_eq!(state.theoretical_arrival_time, 1001.0);
        assert_eq!(state.rps, 1.0);
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_reset_and_rewritten_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path(), None);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let long_garbage = format!("{{\"theoretical_arrival_ti{}", "x".repeat(500));
        for bad in [
            long_garbage.as_str(),
            "{\"schema\":9,\"theoretical_arrival_time\":1.0,\"rps\":1.0}",
            "\u{0}\u{1}binary",
        ] {
            std::fs::write(&path, bad).unwrap();
            let mut file = open(&path).unwrap();
            let slot = take_slot(&mut file, &path, 50.0, 0.5, 2.0).unwrap();
            assert_eq!(
                slot,
                Slot {
                    at: 50.0,
                    next: 50.5
                },
                "{bad}"
            );
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(bytes.len(), RECORD_LEN, "the tail of the garbage is gone");
            assert_eq!(
                decode(&bytes).unwrap().unwrap().theoretical_arrival_time,
                50.5
            );
        }
        // An empty file (new, or a kill before the write): a fresh schedule.
        std::fs::write(&path, "").unwrap();
        let mut file = open(&path).unwrap();
        assert_eq!(take_slot(&mut file, &path, 7.0, 1.0, 1.0).unwrap().at, 7.0);
        // A time far ahead (the clock was set back by an hour): reset, not an hour's wait.
        std::fs::write(
            &path,
            encode(&State {
                schema: SCHEMA,
                theoretical_arrival_time: 3607.0,
                rps: 1.0,
            }),
        )
        .unwrap();
        let mut file = open(&path).unwrap();
        assert_eq!(take_slot(&mut file, &path, 7.0, 1.0, 1.0).unwrap().at, 7.0);
        // A time a little ahead (other processes' requests waiting): kept.
        let mut file = open(&path).unwrap();
        assert_eq!(take_slot(&mut file, &path, 7.5, 1.0, 1.0).unwrap().at, 8.0);
    }

    #[cfg(unix)]
    #[test]
    fn concurrent_takers_on_one_file_never_share_a_slot() {
        // Each taker opens the file anew, as each request does: flock excludes open files from
        // one another even within one process, so threads stand in for processes here.
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path(), Some("k"));
        let period = 0.001;
        let slots: Vec<f64> = std::thread::scope(|scope| {
            let takers: Vec<_> = (0..3)
                .map(|_| {
                    scope.spawn(|| {
                        (0..100)
                            .map(|_| {
                                let mut file = open(&path).unwrap();
                                while !try_lock(&file).unwrap() {
                                    std::thread::yield_now();
                                }
                                take_slot(&mut file, &path, 1.0e9, period, 1000.0)
                                    .unwrap()
                                    .at
                            })
                            .collect::<Vec<f64>>()
                    })
                })
                .collect();
            takers.into_iter().flat_map(|t| t.join().unwrap()).collect()
        });
        let mut sorted = slots.clone();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(sorted.len(), 300);
        for pair in sorted.windows(2) {
            assert!(
                pair[1] - pair[0] >= period * 0.999,
                "two slots closer than the period: {pair:?}"
            );
        }
    }

    #[test]
    fn a_cache_dir_that_cannot_hold_the_file_falls_back_to_pacing_alone() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the cache directory should be: nothing can be created under it (a
        // read-only directory would do, but the tests may run as root, who writes anyway).
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, "").unwrap();
        let pacer = Pacer::new(1000.0, Some(path_in(&blocker, None))).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let started = Instant::now();
        runtime.block_on(async {
            for _ in 0..20 {
                pacer.until_ready().await;
            }
        });
        assert!(pacer.alone.load(Ordering::Relaxed));
        // Still paced: 20 requests at 1000 per second take at least 19 ms.
        assert!(started.elapsed() >= Duration::from_millis(18));
    }

    #[cfg(unix)]
    #[test]
    fn a_shared_pacer_keeps_its_rate_alone() {
        let dir = tempfile::tempdir().unwrap();
        let rps = 200.0;
        let pacer = Pacer::new(rps, Some(path_in(dir.path(), None))).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let started = Instant::now();
        runtime.block_on(async {
            for _ in 0..41 {
                pacer.until_ready().await;
            }
        });
        let elapsed = started.elapsed().as_secs_f64();
        assert!(!pacer.alone.load(Ordering::Relaxed));
        assert!(elapsed >= 40.0 / rps * 0.95, "too fast: {elapsed} s");
        // Keeps it, too: the file costs microseconds a request (lenient for a loaded machine).
        assert!(elapsed < 2.0, "too slow: {elapsed} s for 0.2 s of requests");
    }

    #[test]
    fn bad_rates_are_refused() {
        for rps in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(Pacer::new(rps, None).is_err(), "{rps}");
        }
        assert!(Pacer::new(1.0e12, None).is_err());
    }
}
