//! Progress of a fetch: a bar on a terminal (requests done of planned, papers done, retries,
//! ETA), plain log lines otherwise (indicatif hides its bar when stderr is not a terminal, and
//! a log file wants lines, not redraws).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::client::Stats;

/// A log line at most every this many requests when there is no bar.
const LOG_EVERY: u64 = 25;

pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    papers_total: u64,
    papers_done: AtomicU64,
    planned: AtomicU64,
    last_logged: AtomicU64,
}

impl Progress {
    /// A bar when `interactive` and stderr is a terminal; log lines otherwise.
    pub(crate) fn new(papers_total: usize, interactive: bool) -> Progress {
        let bar = (interactive && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} {prefix} [{bar:30}] {pos}/{len} requests · {msg} · ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            papers_total: papers_total as u64,
            papers_done: AtomicU64::new(0),
            planned: AtomicU64::new(0),
            last_logged: AtomicU64::new(0),
        }
    }

    /// A new phase, with the requests it is expected to make.
    pub(crate) fn phase(&self, name: &str, requests: u64, detail: &str) {
        let planned = self.planned.fetch_add(requests, Ordering::Relaxed) + requests;
        match &self.bar {
            Some(bar) => {
                bar.set_prefix(name.to_string());
                bar.set_length(planned.max(bar.position()));
            }
            None => tracing::info!("{name}: {detail}"),
        }
    }

    /// More requests than planned turned up (pages of long lists).
    pub(crate) fn plan_more(&self, requests: u64) {
        let planned = self.planned.fetch_add(requests, Ordering::Relaxed) + requests;
        if let Some(bar) = &self.bar {
            bar.set_length(planned.max(bar.position()));
        }
    }

    pub(crate) fn papers_done(&self, count: u64) {
        self.papers_done.fetch_add(count, Ordering::Relaxed);
    }

    /// Refreshes the counts after a request finished.
    pub(crate) fn update(&self, stats: &Stats) {
        let requests = stats.requests();
        let papers = self.papers_done.load(Ordering::Relaxed);
        let message = format!(
            "{papers}/{} papers · {} retries",
            self.papers_total,
            stats.retries()
        );
        match &self.bar {
            Some(bar) => {
                if requests > bar.length().unwrap_or(0) {
                    bar.set_length(requests);
                }
                bar.set_position(requests);
                bar.set_message(message);
            }
            None => {
                let last = self.last_logged.load(Ordering::Relaxed);
                if requests >= last + LOG_EVERY {
                    self.last_logged.store(requests, Ordering::Relaxed);
                    tracing::info!(
                        "{requests}/{} requests · {message}",
                        self.planned.load(Ordering::Relaxed).max(requests)
                    );
                }
            }
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
