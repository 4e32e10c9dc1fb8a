//! `citegraph datasets ...`: the jobs of the bulk-data path, wired from the API client
//! (`api.rs`) and the shard readers (`shards.rs`), each returning the report the binary prints.

use crate::pipeline::Report;

use super::api::{self, Client, DatasetsOptions};

/// A `citegraph datasets` job, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum DatasetsJob {
    /// `datasets releases`: every release id, oldest first.
    Releases,
    /// `datasets download`: the shards of `datasets` of `release` (`latest` allowed).
    Download {
        release: String,
        datasets: Vec<String>,
    },
    /// `datasets update`: `datasets` brought from the held release to the latest with the diffs.
    Update { datasets: Vec<String> },
}

/// Runs `job` with `options`. Errors: the API's (no key where one is needed, no network, a
/// refusal), a shard that failed for good, a diff refused (`api::update`); each names what to do.
pub fn run(job: &DatasetsJob, options: &DatasetsOptions) -> anyhow::Result<Report> {
    let client = Client::new(options)?;
    let summary = match job {
        DatasetsJob::Releases => releases(&client)?,
        DatasetsJob::Download { release, datasets } => {
            let done = api::download::download(&client, release, datasets)?;
            let mut text = String::new();
            for d in &done {
                text.push_str(&format!(
                    "{} {}: {} shards complete in {} ({} downloaded now, {})\n",
                    d.dataset,
                    d.release_id,
                    d.shards,
                    d.dir.display(),
                    d.fetched,
                    human_bytes(d.bytes)
                ));
            }
            text
        }
        DatasetsJob::Update { datasets } => {
            let done = api::update::update(&client, datasets)?;
            let mut text = String::new();
            for u in &done {
                if u.steps == 0 {
                    text.push_str(&format!(
                        "{} {}: up to date ({})\n",
                        u.dataset,
                        u.from,
                        u.dir.display()
                    ));
                } else {
                    text.push_str(&format!(
                        "{} {} -> {}: {} diffs applied, {} records written from updates, {} held records replaced or deleted{} ({})\n",
                        u.dataset,
                        u.from,
                        u.to,
                        u.steps,
                        u.upserted,
                        u.dropped,
                        if u.unreadable > 0 {
                            format!(", {} diff lines without a key left out", u.unreadable)
                        } else {
                            String::new()
                        },
                        u.dir.display()
                    ));
                }
            }
            text
        }
    };
    Ok(Report {
        summary,
        ..Report::default()
    })
}

/// One release id a line, oldest first, then the latest's datasets.
fn releases(client: &Client) -> anyhow::Result<String> {
    let ids = client.releases()?;
    let mut text = String::new();
    for id in &ids {
        text.push_str(id);
        text.push('\n');
    }
    match ids.last() {
        Some(latest) => text.push_str(&format!("{} releases; latest {latest}\n", ids.len())),
        None => text.push_str("no releases\n"),
    }
    Ok(text)
}

/// `1.5 GB`, `320 kB`, `12 B` (powers of 1000, as download tools print them).
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
