//! OpenAlex's daily budget, in credits (1 credit = $0.0001, OpenAlex's own unit): a singleton
//! is free, a list call 1 credit, a search 10 (the proxy's `endpointClassifier.ts`). The credits
//! spent are counted per UTC day in `CACHE/openalex/budget.json` (written atomically after each
//! metered call), so several runs of one day share the budget; the proxy resets it at midnight
//! UTC, and so does the count. The server's own `X-RateLimit-Remaining-USD` is read after each
//! call as well: whichever runs out first stops the client.
//!
//! Processes running at the same time each count from the file as they last read it: the count
//! may then lag, and the server's header (or its 429) is what stops them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// US dollars a credit is worth.
pub const USD_PER_CREDIT: f64 = 0.0001;

/// The daily budget and what today's runs have spent of it.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    /// `None`: not kept on disk (unit tests).
    path: Option<PathBuf>,
    limit: u64,
    day: String,
    used: u64,
    /// The server's `X-RateLimit-Remaining-USD`, as last read.
    remaining_usd: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    /// UTC day, `YYYY-MM-DD`.
    day: String,
    credits: u64,
}

impl Budget {
    /// Today's count from `CACHE/openalex/budget.json` (0 when the file is missing, unreadable or
    /// of another day), with `limit` credits a day.
    pub(crate) fn load(cache_dir: &Path, limit: u64) -> Budget {
        let path = cache_dir.join("openalex").join("budget.json");
        let day = today();
        let used = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|stored| stored.day == day)
            .map_or(0, |stored| stored.credits);
        Budget {
            path: Some(path),
            limit,
            day,
            used,
            remaining_usd: None,
        }
    }

    /// A budget kept in memory only.
    #[cfg(test)]
    pub(crate) fn detached(limit: u64) -> Budget {
        Budget {
            path: None,
            limit,
            day: today(),
            used: 0,
            remaining_usd: None,
        }
    }

    /// Whether a call of `credits` may be made: an error saying why not (today's credits would
    /// pass the limit, or the server reported less left than it costs). Free calls always may.
    pub(crate) fn check(&mut self, credits: u64) -> Result<(), String> {
        if credits == 0 {
            return Ok(());
        }
        let day = today();
        if day != self.day {
            self.day = day;
            self.used = 0;
            self.remaining_usd = None;
        }
        if self.used + credits > self.limit {
            return Err(format!(
                "the daily OpenAlex budget is spent: {} of {} credits (${:.4} of ${:.4}) used on \
                 {} (UTC); it resets at midnight UTC: rerun then (what was fetched is in the \
                 cache), or raise the budget if your plan allows",
                self.used,
                self.limit,
                self.used as f64 * USD_PER_CREDIT,
                self.limit as f64 * USD_PER_CREDIT,
                self.day
            ));
        }
        if let Some(remaining) = self.remaining_usd {
            if remaining + 1e-9 < credits as f64 * USD_PER_CREDIT {
                return Err(format!(
                    "OpenAlex reports ${remaining:.4} left of today's budget, less than the next \
                     call costs (${:.4}); it resets at midnight UTC: rerun then (what was fetched \
                     is in the cache)",
                    credits as f64 * USD_PER_CREDIT
                ));
            }
        }
        Ok(())
    }

    /// Counts `credits` spent and stores today's count. Errors: the file cannot be written.
    pub(crate) fn spend(&mut self, credits: u64) -> std::io::Result<()> {
        self.used += credits;
        let Some(path) = &self.path else {
            return Ok(());
        };
        let stored = Stored {
            day: self.day.clone(),
            credits: self.used,
        };
        let bytes = serde_json::to_vec(&stored).map_err(std::io::Error::other)?;
        crate::fsutil::write_atomic(path, &bytes)
    }

    pub(crate) fn set_remaining_usd(&mut self, usd: f64) {
        if usd.is_finite() {
            self.remaining_usd = Some(usd);
        }
    }

    /// Credits spent today (this run and earlier ones).
    pub(crate) fn used(&self) -> u64 {
        self.used
    }

    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }
}

/// Today in UTC, `YYYY-MM-DD`.
fn today() -> String {
    crate::clock::utc_stamp(crate::clock::now_secs())[..10].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_are_counted_per_day_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let mut budget = Budget::load(dir.path(), 12);
        budget.check(10).unwrap();
        budget.spend(10).unwrap();
        let mut again = Budget::load(dir.path(), 12);
        assert_eq!(again.used(), 10);
        assert!(again.check(1).is_ok() && again.check(0).is_ok());
        let err = again.check(10).unwrap_err();
        assert!(
            err.contains("10 of 12 credits") && err.contains("midnight UTC"),
            "{err}"
        );
        // Another day's count is not today's.
        std::fs::write(
            dir.path().join("openalex/budget.json"),
            r#"{"day":"2001-01-01","credits":999}"#,
        )
        .unwrap();
        assert_eq!(Budget::load(dir.path(), 12).used(), 0);
    }

    #[test]
    fn the_servers_remaining_dollars_stop_too() {
        let mut budget = Budget::detached(1000);
        budget.set_remaining_usd(0.0005);
        assert!(budget.check(1).is_ok());
        assert!(budget.check(10).unwrap_err().contains("$0.0005 left"));
        assert!(budget.check(0).is_ok());
    }
}
