//! Ctrl-C (SIGINT) and SIGTERM, the same way in every stage: the binary installs one handler
//! ([`install`]) before any work; on the signal it lets the file writes under way finish (each
//! runs inside [`critical`]: a cache entry is written whole or not at all, and no temp file is
//! left), removes the staging directories of the outputs not yet swapped in ([`staging_begun`]),
//! prints one message and ends the process with status 128 + the signal's number
//! ([`EXIT_INTERRUPTED`], 130, for Ctrl-C), as shells report a process a signal ended.
//!
//! A handler thread instead of a flag the stages check: the analysis and the figures run for
//! minutes in rayon pools and libraries that check nothing, and a flag would need a check in
//! each of them.

use std::cell::Cell;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// The exit status after Ctrl-C: 128 + SIGINT (2), what shells report for a process SIGINT
/// ended (README, "Exit status"). SIGTERM gives 143 (128 + 15).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Set once a signal has come: no [`critical`] section starts after it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// [`critical`] sections under way, all threads together.
static IN_CRITICAL: AtomicUsize = AtomicUsize::new(0);
/// Staging directories begun and neither committed nor dropped yet.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// How long the handler waits for the writes under way before it ends the process all the same
/// (a write stuck on a dead network disk must not make Ctrl-C hang).
const WRITES_PATIENCE: Duration = Duration::from_secs(10);

thread_local! {
    /// This thread's [`critical`] depth, so that a section inside another neither counts twice
    /// nor waits on itself.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Runs `work` so that a signal arriving meanwhile waits for it to end (at most
/// [`WRITES_PATIENCE`]) before the process ends: for a write that must not be cut (a temp file
/// and its rename, a swap of the outputs). After a signal, a new section never starts: the thread
/// waits for the process to end. Costs two atomic operations when no signal comes.
pub fn critical<T>(work: impl FnOnce() -> T) -> T {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            DEPTH.with(|depth| depth.set(depth.get() - 1));
            if DEPTH.with(Cell::get) == 0 {
                IN_CRITICAL.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
    if DEPTH.with(Cell::get) == 0 {
        IN_CRITICAL.fetch_add(1, Ordering::SeqCst);
        if INTERRUPTED.load(Ordering::SeqCst) {
            IN_CRITICAL.fetch_sub(1, Ordering::SeqCst);
            // The handler is ending the process; this thread starts nothing new.
            loop {
                std::thread::park();
            }
        }
    }
    DEPTH.with(|depth| depth.set(depth.get() + 1));
    let _leave = Leave;
    work()
}

/// Records a staging directory ([`crate::fsutil::StagedOutput`]) for the handler to remove.
pub fn staging_begun(dir: &Path) {
    if let Ok(mut staging) = STAGING.lock() {
        staging.push(dir.to_path_buf());
    }
}

/// Forgets a staging directory (swapped in or removed).
pub fn staging_ended(dir: &Path) {
    if let Ok(mut staging) = STAGING.lock() {
        staging.retain(|known| known != dir);
    }
}

/// Installs the handler of SIGINT and SIGTERM: on either, it waits for the [`critical`] sections
/// under way, removes the staging directories, prints `error: {message}` on stderr and ends the
/// process with status 128 + the signal (130 for Ctrl-C). Call once, before any work; `message`
/// says what is kept and how to go on. Errors: the handler cannot be registered (the caller may
/// go on without it: the default action of the signals then ends the process). Does nothing on
/// systems without Unix signals.
pub fn install(message: String) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    stop(&message, signal);
                }
            })?;
    }
    #[cfg(not(unix))]
    let _ = message;
    Ok(())
}

/// What the handler does on `signal`: see [`install`].
#[cfg(unix)]
fn stop(message: &str, signal: i32) -> ! {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let started = std::time::Instant::now();
    while IN_CRITICAL.load(Ordering::SeqCst) > 0 && started.elapsed() < WRITES_PATIENCE {
        std::thread::sleep(Duration::from_millis(1));
    }
    // Held to the end: a staging directory begun now is never left behind.
    let staging = STAGING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for dir in staging.iter() {
        let _ = std::fs::remove_dir_all(dir);
    }
    // A progress bar may hold the line: start a fresh one.
    // Never `eprintln!`: a closed stderr would panic in the handler.
    let _ = writeln!(std::io::stderr(), "\nerror: {message}");
    std::process::exit(128 + signal);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_nest_and_leave_on_the_way_out() {
        let depth = critical(|| critical(|| DEPTH.with(Cell::get)));
        assert_eq!(depth, 2);
        assert_eq!(DEPTH.with(Cell::get), 0);
        let caught = std::panic::catch_unwind(|| critical(|| panic!("a write failed")));
        assert!(caught.is_err());
        assert_eq!(DEPTH.with(Cell::get), 0, "a panic leaves the section too");
    }

    #[test]
    fn staging_directories_are_recorded_until_they_end() {
        let dir = Path::new("/nonexistent/.output.staging-1");
        staging_begun(dir);
        assert!(STAGING.lock().unwrap().iter().any(|d| d == dir));
        staging_ended(dir);
        assert!(!STAGING.lock().unwrap().iter().any(|d| d == dir));
    }
}
