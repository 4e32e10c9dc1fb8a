//! Downloading a release's shards into the cache (`layout.rs`), resumable, verified and atomic.
//!
//! - Resumable: a shard is written to `<shard>.part`; a rerun (or a retry after a cut
//!   connection) asks for the rest with an HTTP `Range: bytes=N-` header and appends what comes
//!   back (a server that answers 200 instead sends it all again, and the part starts over).
//! - Re-listed: the links are pre-signed S3 URLs that expire; a link answering 403 is replaced
//!   by the same shard's link in a fresh listing (at most [`MAX_RELISTS`] times a shard).
//! - Verified: the size against `Content-Length` (or the total of `Content-Range`), then the
//!   whole file inflated (gzip's CRC-32 and length of every member); a shard that fails is
//!   removed and reported, never kept.
//! - Atomic: a shard appears under its name complete, by a rename, or not at all; the dataset's
//!   `manifest.json`, written after its last shard, says the dataset is complete.
//! - Parallel: `--parallel` shards at once (1 to 4), one thread each.
//! - Repaired: a shard already held whose size differs from the manifest's (cut short, or
//!   grown) is downloaded again; with `--verify`, every held shard is also inflated whole
//!   ([`verify_gzip`], in parallel) and a corrupt one downloaded again. The manifest is removed
//!   before the first bad shard is, and written again when the dataset is whole.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reqwest::header::{CONTENT_RANGE, RANGE};

use super::layout::{self, Manifest};
use super::{shard_name, Client, DatasetsError};

/// Fresh listings asked for one shard whose link answered 403, before it is given up.
pub const MAX_RELISTS: u32 = 3;

/// Where a file's current link comes from: `fresh = false` for the link in hand, `true` after
/// a 403 (a new listing). Errors: the listing failed, or no longer has the file.
pub type LinkSource<'a> = dyn Fn(bool) -> anyhow::Result<String> + Sync + 'a;

/// Bytes seen across every transfer, for the bar or the log.
pub struct Meter {
    bar: Option<ProgressBar>,
}

impl Meter {
    /// A byte bar on stderr when `progress` and stderr is a terminal; log lines otherwise
    /// (indicatif draws nothing off a terminal).
    pub fn new(progress: bool, what: &str) -> Meter {
        use std::io::IsTerminal;
        let bar = (progress && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} {prefix} [{bar:30}] {bytes}/{total_bytes} · {bytes_per_sec} · {msg} · ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(what.to_string());
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Meter { bar }
    }

    fn grow(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc_length(bytes);
        }
    }

    fn advance(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn message(&self, text: String) {
        match &self.bar {
            Some(bar) => bar.set_message(text),
            None => tracing::info!("{text}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Downloads one file to `target` (complete, verified), through `target.part`: module
/// documentation. Returns the bytes transferred this time. Errors: the transfer failed for
/// good (the part is kept for a rerun to resume), or the file is corrupt (the part is removed).
pub fn fetch_file(
    client: &Client,
    link: &LinkSource<'_>,
    target: &Path,
    meter: &Meter,
) -> anyhow::Result<u64> {
    let part = layout::part_path(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut url = link(false)?;
    let (mut relists, mut cuts, mut fetched) = (0u32, 0u32, 0u64);
    let mut counted_total = false;
    loop {
        let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        let answer = client.send(&url, false, |http| {
            let request = http.get(&url);
            if have > 0 {
                request.header(RANGE, format!("bytes={have}-"))
            } else {
                request
            }
        });
        let response = match answer {
            Ok(response) => response,
            Err(err) if err.status() == Some(403) && relists < MAX_RELISTS => {
                relists += 1;
                tracing::info!("{name}: the link answered 403 (expired?); asking for a fresh one");
                url = link(true)?;
                continue;
            }
            // The part already holds every byte: verify it as it is.
            Err(err) if err.status() == Some(416) && have > 0 => break,
            Err(err) => return Err(transfer_error(&name, err)),
        };
        let (resumed, total) = expected(&response, have);
        if !counted_total {
            if let Some(total) = total {
                meter.grow(total);
                meter.advance(if resumed { have } else { 0 });
                counted_total = true;
            }
        }
        let mut file = if resumed {
            OpenOptions::new().append(true).open(&part)?
        } else {
            File::create(&part)?
        };
        let copied = copy_counted(client, response, &mut file, meter);
        file.sync_all()?;
        drop(file);
        let len = std::fs::metadata(&part)?.len();
        fetched += copied.as_ref().map_or(0, |n| *n);
        let cut = match (&copied, total) {
            (Err(_), _) => true,
            (Ok(_), Some(total)) if len < total => true,
            (Ok(_), Some(total)) if len > total => {
                let _ = std::fs::remove_file(&part);
                anyhow::bail!(
                    "shard {name}: {len} bytes arrived where {total} were announced: removed; \
                     rerun to download it again"
                );
            }
            _ => false,
        };
        if !cut {
            break;
        }
        cuts += 1;
        let detail = match copied {
            Err(err) => client.redact(err.to_string()),
            Ok(_) => format!("{len} of {} bytes", total.unwrap_or(0)),
        };
        if cuts > client.options().max_retries {
            anyhow::bail!(
                "shard {name}: the transfer was cut {cuts} times (last: {detail}); the {len} \
                 bytes that arrived are kept in {}: rerun to resume",
                part.display()
            );
        }
        let delay = client.backoff(cuts);
        tracing::info!(
            "{name}: transfer cut ({detail}); resuming in {:.1} s",
            delay.as_secs_f64()
        );
        std::thread::sleep(delay);
    }
    if let Err(err) = verify_gzip(&part) {
        let _ = std::fs::remove_file(&part);
        anyhow::bail!(
            "shard {name} is not a whole gzip file ({err}): removed, nothing of it kept; \
             rerun to download it again"
        );
    }
    std::fs::rename(&part, target)
        .map_err(|err| anyhow::anyhow!("cannot move {} into place: {err}", part.display()))?;
    Ok(fetched)
}

fn transfer_error(name: &str, err: DatasetsError) -> anyhow::Error {
    anyhow::anyhow!("shard {name}: {err}")
}

/// Whether the answer continues the part (206 from `have`), and the file's total size when the
/// server says it.
fn expected(response: &reqwest::Response, have: u64) -> (bool, Option<u64>) {
    let partial = response.status().as_u16() == 206;
    if partial {
        // `bytes START-END/TOTAL`
        let range = response
            .headers()
            .get(CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes "))
            .and_then(|v| v.split_once('/'))
            .and_then(|(span, total)| {
                let start = span.split_once('-')?.0.trim().parse::<u64>().ok()?;
                Some((start, total.trim().parse::<u64>().ok()))
            });
        match range {
            Some((start, total)) if start == have => (true, total),
            // A range not asked for: take nothing of it as a continuation.
            _ => (false, None),
        }
    } else {
        (false, response.content_length())
    }
}

/// Copies the body into `file`, counting bytes on the meter. Errors: the connection was cut.
fn copy_counted(
    client: &Client,
    mut response: reqwest::Response,
    file: &mut File,
    meter: &Meter,
) -> std::io::Result<u64> {
    let mut total = 0u64;
    while let Some(chunk) = client
        .chunk(&mut response)
        .map_err(|err| std::io::Error::other(client.detail(&err)))?
    {
        let bytes = chunk.as_ref();
        file.write_all(bytes)?;
        total += bytes.len() as u64;
        meter.advance(bytes.len() as u64);
    }
    Ok(total)
}

/// Inflates `path` whole (every gzip member's CRC-32 and size checked) into nothing. Errors:
/// not gzip, cut, or corrupt.
pub fn verify_gzip(path: &Path) -> std::io::Result<u64> {
    let file = File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "empty file",
        ));
    }
    let mut decoder =
        flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(1 << 20, file));
    std::io::copy(&mut decoder, &mut std::io::sink())
}

/// What `citegraph datasets download` did for one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub release_id: String,
    pub dataset: String,
    /// Shards of the release.
    pub shards: usize,
    /// Shards downloaded by this run (the others were in the cache already).
    pub fetched: usize,
    /// Bytes transferred by this run.
    pub bytes: u64,
    pub dir: PathBuf,
    /// Held shards found bad and downloaded again: `NAME (why)`.
    pub replaced: Vec<String>,
}

/// Downloads `datasets` of `release` (`latest` allowed) into the cache: every shard not there
/// yet or found bad (`verify`: inflate every held shard too; module documentation),
/// `--parallel` at once, then the manifest. Errors: the API's (no key, no network, an
/// unknown release or dataset), and shards that failed for good, all named (the shards that
/// made it are kept, and the dataset is left without a manifest: a rerun resumes).
pub fn download(
    client: &Client,
    release: &str,
    datasets: &[String],
    verify: bool,
) -> anyhow::Result<Vec<Downloaded>> {
    let info = client.release(release)?;
    let release_id = info.release_id;
    let known: Vec<&str> = info.datasets.iter().map(|d| d.name.as_str()).collect();
    for name in datasets {
        if !known.is_empty() && !known.contains(&name.as_str()) {
            anyhow::bail!(
                "release {release_id} has no dataset `{name}` (it has: {})",
                known.join(", ")
            );
        }
    }
    let root = layout::datasets_root(&client.options().cache_dir);
    let mut done = Vec::new();
    for name in datasets {
        done.push(download_dataset(client, &root, &release_id, name, verify)?);
    }
    Ok(done)
}

fn download_dataset(
    client: &Client,
    root: &Path,
    release_id: &str,
    name: &str,
    verify: bool,
) -> anyhow::Result<Downloaded> {
    let dir = layout::dataset_dir(root, release_id, name)?;
    let listing = client.dataset_files(release_id, name)?;
    let mut links: HashMap<String, String> = HashMap::new();
    let mut order = Vec::new();
    for url in &listing.files {
        let shard = shard_name(url).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        if links.insert(shard.clone(), url.clone()).is_none() {
            order.push(shard);
        }
    }
    let manifest = Manifest::read(&dir)?;
    let replaced = remove_bad_shards(&dir, &order, manifest.as_ref(), verify)?;
    if let Some(manifest) = manifest.filter(|_| replaced.is_empty()) {
        let mut held: Vec<&str> = manifest.shards.iter().map(|s| s.name.as_str()).collect();
        let mut listed: Vec<&str> = order.iter().map(String::as_str).collect();
        held.sort_unstable();
        listed.sort_unstable();
        if held == listed {
            return Ok(Downloaded {
                release_id: release_id.to_string(),
                dataset: name.to_string(),
                shards: order.len(),
                fetched: 0,
                bytes: 0,
                dir,
                replaced,
            });
        }
    }
    std::fs::create_dir_all(&dir)
        .map_err(|err| anyhow::anyhow!("cannot create {}: {err}", dir.display()))?;
    let todo: Vec<&String> = order.iter().filter(|s| !dir.join(s).is_file()).collect();
    let links = Mutex::new(links);
    let meter = Meter::new(client.options().progress, &format!("{name} {release_id}"));
    let finished = std::sync::atomic::AtomicUsize::new(0);
    let results = in_parallel(client.options().parallel, &todo, |shard| {
        let link = |fresh: bool| -> anyhow::Result<String> {
            if fresh {
                relist(client, release_id, name, &links)?;
            }
            links
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(*shard)
                .cloned()
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "shard {shard} is no longer in the listing of {name} {release_id}"
                    )
                })
        };
        let result = fetch_file(client, &link, &dir.join(shard), &meter);
        let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        meter.message(format!("{name}: {n}/{} shards", todo.len()));
        result
    });
    meter.finish();
    if let Some((failed, list)) = failures(&results) {
        anyhow::bail!(
            "{failed} of {} shards of {name} {release_id} failed ({} kept in {}; rerun to resume):{list}",
            order.len(),
            order.len() - failed,
            dir.display(),
        );
    }
    let bytes = results.iter().filter_map(|r| r.as_ref().ok()).sum();
    let mut manifest = Manifest::of_dir(&dir, release_id, name, "download")?;
    manifest.shards.retain(|s| order.contains(&s.name));
    manifest.write(&dir)?;
    layout::write_release_file(dir.parent().unwrap_or(root), release_id)?;
    Ok(Downloaded {
        release_id: release_id.to_string(),
        dataset: name.to_string(),
        shards: order.len(),
        fetched: todo.len(),
        bytes,
        dir,
        replaced,
    })
}

/// Removes the held shards of `order` in `dir` that are bad: a size other than `manifest`'s,
/// or (`verify`) not a whole gzip file; the manifest goes first, so a dataset missing a shard
/// is never marked complete. Returns `NAME (why)` of each, in `order`. Errors: a file that
/// cannot be removed.
fn remove_bad_shards(
    dir: &Path,
    order: &[String],
    manifest: Option<&Manifest>,
    verify: bool,
) -> anyhow::Result<Vec<String>> {
    use rayon::prelude::*;
    let sizes: HashMap<&str, u64> = manifest
        .map(|m| {
            m.shards
                .iter()
                .map(|s| (s.name.as_str(), s.bytes))
                .collect()
        })
        .unwrap_or_default();
    let bad: Vec<(&String, String)> = order
        .par_iter()
        .filter_map(|shard| {
            let path = dir.join(shard);
            let len = std::fs::metadata(&path).ok()?.len();
            if let Some(&listed) = sizes.get(shard.as_str()) {
                if len != listed {
                    return Some((
                        shard,
                        format!("{len} bytes where the manifest says {listed}"),
                    ));
                }
            }
            if verify {
                if let Err(err) = verify_gzip(&path) {
                    return Some((shard, format!("not a whole gzip file: {err}")));
                }
            }
            None
        })
        .collect();
    if bad.is_empty() {
        return Ok(Vec::new());
    }
    let manifest_path = dir.join(layout::MANIFEST);
    if manifest_path.exists() {
        std::fs::remove_file(&manifest_path)
            .map_err(|err| anyhow::anyhow!("cannot remove {}: {err}", manifest_path.display()))?;
    }
    let mut replaced = Vec::with_capacity(bad.len());
    for (shard, why) in bad {
        tracing::warn!("held shard {shard} ({why}): removed, to be downloaded again");
        let path = dir.join(shard);
        std::fs::remove_file(&path)
            .map_err(|err| anyhow::anyhow!("cannot remove {}: {err}", path.display()))?;
        replaced.push(format!("{shard} ({why})"));
    }
    Ok(replaced)
}

/// `work` on every item, `parallel` (1 to 4) at once on threads of their own (a transfer is
/// long and blocking), each thread taking the next item when done; the results in the order
/// of `items`.
pub(crate) fn in_parallel<T: Sync, R: Send>(
    parallel: usize,
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(items.len()));
    let workers = parallel.clamp(1, 4).min(items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(index) else {
                    return;
                };
                let result = work(item);
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((index, result));
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// How many of `results` failed, and their errors, one an indented line (`None`: none failed).
pub(crate) fn failures<T>(results: &[anyhow::Result<T>]) -> Option<(usize, String)> {
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| format!("\n  {e:#}")))
        .collect();
    (!failed.is_empty()).then(|| (failed.len(), failed.concat()))
}

/// Asks the listing again and takes its links (one thread at a time: the others wait and find
/// the fresh links).
fn relist(
    client: &Client,
    release_id: &str,
    name: &str,
    links: &Mutex<HashMap<String, String>>,
) -> anyhow::Result<()> {
    let listing = client.dataset_files(release_id, name)?;
    let mut links = links.lock().unwrap_or_else(|e| e.into_inner());
    for url in listing.files {
        if let Ok(shard) = shard_name(&url) {
            links.insert(shard, url);
        }
    }
    tracing::debug!("fresh links for {name} {release_id}");
    Ok(())
}
