//! `citegraph datasets update`: brings a held dataset to the latest release with the release
//! diffs (`GET /diffs/{held}/to/latest/{name}`), as the Datasets API documents them: each diff in
//! order, its `update_files` records inserted or replaced by their key, then its `delete_files`
//! records removed (so a record updated and deleted by one diff ends deleted).
//!
//! Keys (S2-DATASETS.md, "Applying diffs"): `corpusid` for `papers`, `paper-ids` and every other
//! dataset; for `citations`, `citationid` (lines since release 2023-08-29), else the pair
//! (`citingcorpusid`, `citedcorpusid`); a line with both is matched by either, so a delete that
//! carries only the pair still removes a record that has an id. Ids are read as integers or
//! strings of digits alike. Only the key of a delete line is read.
//!
//! The diffs' net effect is worked out first (each key's last state: updated by one line of one
//! update file, or deleted), then every held shard is read once, its lines whose key the diffs
//! touch dropped, into a staging directory, and the update lines that survive are written as new
//! shards `<to_release>-update-<name>`. Only when every dataset asked is staged are the new
//! directories moved into `CACHE/datasets/<latest>/` and the old ones removed: a failed update
//! leaves the held release as it was. Lines of two `update_files` rows with the same pair and no
//! `citationid` keep the last one: only unresolved references (`citedcorpusid` null) share a pair,
//! and they never make an edge.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use super::download::{failures, fetch_file, in_parallel, Meter};
use super::layout::{self, Manifest};
use super::{shard_name, Client, DiffList};

/// What `update` did for one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    pub dataset: String,
    /// The release held before.
    pub from: String,
    /// The release held now (`from` when already up to date).
    pub to: String,
    /// Diffs applied (0: up to date).
    pub steps: usize,
    /// Records written from the diffs' update files (new or replacing a held one), net over
    /// every diff.
    pub upserted: u64,
    /// Held records dropped: replaced by an update or deleted.
    pub dropped: u64,
    /// Lines of the diff files without a readable key, left out (each named in the log).
    pub unreadable: u64,
    pub dir: PathBuf,
}

/// A record's key (module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Corpus(u64),
    Citation(u64),
    Pair(u64, Option<u64>),
}

/// The last state of a key over the diffs: updated by line `line` of update file `file`, or
/// deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Updated { file: u32, line: u64 },
    Deleted,
}

/// An id as the datasets write it: an integer, or a string of digits.
#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Int(u64),
    Text(String),
}

impl Id {
    fn value(&self) -> Option<u64> {
        match self {
            Id::Int(n) => Some(*n),
            Id::Text(s) => s.trim().parse().ok(),
        }
    }
}

/// The key fields of a line of any dataset (the rest is skipped).
#[derive(Deserialize)]
struct KeyFields {
    #[serde(default)]
    corpusid: Option<Id>,
    #[serde(default)]
    citationid: Option<Id>,
    #[serde(default)]
    citingcorpusid: Option<Id>,
    #[serde(default)]
    citedcorpusid: Option<Id>,
}

/// The keys of one line (one, or two for a citation with an id and a resolved pair); empty
/// when the line has no readable key.
fn keys(dataset: &str, line: &[u8]) -> Vec<Key> {
    let Ok(fields) = serde_json::from_slice::<KeyFields>(line) else {
        return Vec::new();
    };
    if dataset != "citations" {
        return fields
            .corpusid
            .and_then(|id| id.value())
            .map(Key::Corpus)
            .into_iter()
            .collect();
    }
    let citing = fields.citingcorpusid.and_then(|id| id.value());
    let cited = fields.citedcorpusid.and_then(|id| id.value());
    let mut keys = Vec::with_capacity(2);
    match fields.citationid.and_then(|id| id.value()) {
        Some(id) => {
            keys.push(Key::Citation(id));
            if let (Some(citing), Some(cited)) = (citing, cited) {
                keys.push(Key::Pair(citing, Some(cited)));
            }
        }
        None => {
            if let Some(citing) = citing {
                keys.push(Key::Pair(citing, cited));
            }
        }
    }
    keys
}

/// Every non-blank line of a gzip JSON Lines file, with its 1-based number.
fn each_line(
    path: &Path,
    mut f: impl FnMut(u64, &[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file =
        File::open(path).map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    let mut reader = BufReader::with_capacity(
        1 << 20,
        flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 20, file)),
    );
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(|e| {
            anyhow::anyhow!("{}: cannot read line {}: {e}", path.display(), number + 1)
        })?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        let text = line.trim_ascii();
        if !text.is_empty() {
            f(number, text)?;
        }
    }
}

/// A gzip writer into a file renamed into place by the caller's directory swap.
fn gzip_writer(path: &Path) -> anyhow::Result<flate2::write::GzEncoder<BufWriter<File>>> {
    let file =
        File::create(path).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
    Ok(flate2::write::GzEncoder::new(
        BufWriter::with_capacity(1 << 20, file),
        flate2::Compression::fast(),
    ))
}

fn finish_gzip(writer: flate2::write::GzEncoder<BufWriter<File>>) -> anyhow::Result<()> {
    let file = writer.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

/// Brings `datasets` to the latest release (module documentation). Errors: no held release of
/// a dataset (download first), a diff list that does not start at the held release (refused),
/// a start release whose diffs are no longer kept (404: download the release again), and what
/// downloading the diff files or writing the shards meets; after any error the held releases
/// are left as they were.
pub fn update(client: &Client, datasets: &[String]) -> anyhow::Result<Vec<Updated>> {
    let root = layout::datasets_root(&client.options().cache_dir);
    let mut staged = Vec::new();
    let mut done = Vec::new();
    for name in datasets {
        let Some(held) = layout::held_release(&root, name)? else {
            anyhow::bail!(
                "no complete `{name}` dataset under {}: download one first (`citegraph datasets download --dataset {name}`)",
                root.display()
            );
        };
        let list = match client.diffs(&held, "latest", name) {
            Ok(list) => list,
            Err(err) if err.status() == Some(404) => anyhow::bail!(
                "the Datasets API keeps no diffs of `{name}` from release {held} (HTTP 404): the \
                 held release is too old or unknown; download the release again \
                 (`citegraph datasets download --dataset {name}`)"
            ),
            Err(err) => return Err(err.into()),
        };
        check_chain(&list, &held, name)?;
        if list.diffs.is_empty() || list.end_release == held {
            done.push(Updated {
                dataset: name.clone(),
                from: held.clone(),
                to: held.clone(),
                steps: 0,
                upserted: 0,
                dropped: 0,
                unreadable: 0,
                dir: layout::dataset_dir(&root, &held, name)?,
            });
            continue;
        }
        let staging = Staging::new(&root, name)?;
        let report = stage(client, &root, name, &held, &list, &staging.0)?;
        staged.push((staging, report));
    }
    for (staging, report) in staged {
        install(&root, &staging.0, &report)?;
        done.push(report);
    }
    Ok(done)
}

/// A staging directory under the datasets root, removed unless installed.
struct Staging(PathBuf);

impl Staging {
    fn new(root: &Path, name: &str) -> anyhow::Result<Staging> {
        let dir = root.join(format!(".update-{name}-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(dir.join("diffs"))
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        std::fs::create_dir_all(dir.join("out"))?;
        Ok(Staging(dir))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Refuses a diff list that does not start at the held release or whose steps do not chain.
fn check_chain(list: &DiffList, held: &str, name: &str) -> anyhow::Result<()> {
    if list.start_release != held {
        anyhow::bail!(
            "refused: the diffs of `{name}` start at release {} but the cache holds {held}; \
             applying them would mix releases (download the release again)",
            list.start_release
        );
    }
    let mut at = held;
    for diff in &list.diffs {
        if diff.from_release != at {
            anyhow::bail!(
                "refused: the diffs of `{name}` do not chain (a step from {} follows release {at})",
                diff.from_release
            );
        }
        at = &diff.to_release;
    }
    if !list.diffs.is_empty() && at != list.end_release {
        anyhow::bail!(
            "refused: the diffs of `{name}` end at {at}, not at the announced {}",
            list.end_release
        );
    }
    Ok(())
}

/// One downloaded diff file.
struct DiffFile {
    path: PathBuf,
    /// The shard name of its link.
    name: String,
    to_release: String,
    update: bool,
}

/// Downloads every diff file, works out the net effect, and writes the new shards and the
/// manifest into `staging/out`.
fn stage(
    client: &Client,
    root: &Path,
    name: &str,
    held: &str,
    list: &DiffList,
    staging: &Path,
) -> anyhow::Result<Updated> {
    let files = fetch_diff_files(client, name, held, list, staging)?;
    let (fates, unreadable) = net_effect(name, &files)?;
    let held_dir = layout::dataset_dir(root, held, name)?;
    let manifest = Manifest::read(&held_dir)?
        .ok_or_else(|| anyhow::anyhow!("{} lost its manifest", held_dir.display()))?;
    let out = staging.join("out");
    let deleted = std::sync::atomic::AtomicU64::new(0);
    manifest
        .shards
        .par_iter()
        .try_for_each(|shard| -> anyhow::Result<()> {
            let mut writer = gzip_writer(&out.join(&shard.name))?;
            let mut dropped = 0;
            each_line(&held_dir.join(&shard.name), |_, line| {
                let keys = keys(name, line);
                if keys.iter().any(|k| fates.contains_key(k)) {
                    dropped += 1;
                    return Ok(());
                }
                writer.write_all(line)?;
                writer.write_all(b"\n")?;
                Ok(())
            })?;
            deleted.fetch_add(dropped, std::sync::atomic::Ordering::Relaxed);
            finish_gzip(writer)
        })?;
    let mut upserted = 0u64;
    for (index, file) in files.iter().enumerate().filter(|(_, f)| f.update) {
        let target = out.join(format!("{}-update-{}", file.to_release, file.name));
        let mut writer = gzip_writer(&target)?;
        each_line(&file.path, |number, line| {
            let keys = keys(name, line);
            let mine = Fate::Updated {
                file: index as u32,
                line: number,
            };
            if !keys.is_empty() && keys.iter().all(|k| fates.get(k) == Some(&mine)) {
                upserted += 1;
                writer.write_all(line)?;
                writer.write_all(b"\n")?;
            }
            Ok(())
        })?;
        finish_gzip(writer)?;
    }
    let dropped = deleted.into_inner();
    Manifest::of_dir(&out, &list.end_release, name, &format!("diffs from {held}"))?.write(&out)?;
    Ok(Updated {
        dataset: name.to_string(),
        from: held.to_string(),
        to: list.end_release.clone(),
        steps: list.diffs.len(),
        upserted,
        dropped,
        unreadable,
        dir: layout::dataset_dir(root, &list.end_release, name)?,
    })
}

/// Downloads the diff files of `list` into `staging/diffs`, `--parallel` at once (as
/// `download` does), and returns them in order: each step's update files, then its delete
/// files. A link that answered 403 is replaced from a fresh diff list. Errors: every file that
/// failed for good, named (the update is then not applied).
fn fetch_diff_files(
    client: &Client,
    name: &str,
    held: &str,
    list: &DiffList,
    staging: &Path,
) -> anyhow::Result<Vec<DiffFile>> {
    let mut wanted = Vec::new();
    for (step, diff) in list.diffs.iter().enumerate() {
        for (update, urls) in [(true, &diff.update_files), (false, &diff.delete_files)] {
            for (position, url) in urls.iter().enumerate() {
                let shard = shard_name(url).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
                let kind = if update { "update" } else { "delete" };
                let file = DiffFile {
                    path: staging
                        .join("diffs")
                        .join(format!("{step:04}-{kind}-{position:05}.gz")),
                    name: shard,
                    to_release: diff.to_release.clone(),
                    update,
                };
                wanted.push((step, position, url, file));
            }
        }
    }
    let meter = Meter::new(client.options().progress, &format!("{name} diffs"));
    let results = in_parallel(
        client.options().parallel,
        &wanted,
        |(step, position, url, file)| {
            let link = |fresh: bool| -> anyhow::Result<String> {
                if !fresh {
                    return Ok(url.to_string());
                }
                fresh_diff_link(client, name, held, (*step, *position), file)
            };
            fetch_file(client, &link, &file.path, &meter)
        },
    );
    meter.finish();
    if let Some((failed, list)) = failures(&results) {
        anyhow::bail!(
            "{failed} of {} diff files of `{name}` failed; nothing was applied, rerun to try again:{list}",
            wanted.len(),
        );
    }
    Ok(wanted.into_iter().map(|(_, _, _, file)| file).collect())
}

/// The link of `file` (the `position`th update or delete file of diff `step`) in a fresh diff
/// list. Errors: the list failed, or no longer has that file at that place.
fn fresh_diff_link(
    client: &Client,
    name: &str,
    held: &str,
    (step, position): (usize, usize),
    file: &DiffFile,
) -> anyhow::Result<String> {
    let again = client.diffs(held, "latest", name)?;
    let diff = again
        .diffs
        .get(step)
        .filter(|d| d.to_release == file.to_release);
    let urls = diff.map(|d| {
        if file.update {
            &d.update_files
        } else {
            &d.delete_files
        }
    });
    urls.and_then(|u| u.get(position))
        .filter(|u| shard_name(u).ok().as_ref() == Some(&file.name))
        .cloned()
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the fresh diff list of `{name}` no longer has {}",
                file.name
            )
        })
}

/// Each touched key's last state over `files` (in order), and the number of lines without a
/// readable key (logged with file and line).
fn net_effect(name: &str, files: &[DiffFile]) -> anyhow::Result<(HashMap<Key, Fate>, u64)> {
    let mut fates = HashMap::new();
    let mut unreadable = 0u64;
    for (index, file) in files.iter().enumerate() {
        each_line(&file.path, |number, line| {
            let keys = keys(name, line);
            if keys.is_empty() {
                unreadable += 1;
                tracing::warn!(
                    "{} ({} of {name}, to {}) line {number}: no readable key; left out",
                    file.name,
                    if file.update { "update" } else { "delete" },
                    file.to_release
                );
            }
            let fate = if file.update {
                Fate::Updated {
                    file: index as u32,
                    line: number,
                }
            } else {
                Fate::Deleted
            };
            for key in keys {
                fates.insert(key, fate);
            }
            Ok(())
        })?;
    }
    Ok((fates, unreadable))
}

/// Moves a staged dataset into `ROOT/<to>/<name>` and removes the held one.
fn install(root: &Path, staging: &Path, report: &Updated) -> anyhow::Result<()> {
    let target = &report.dir;
    let parent = target.parent().unwrap_or(root);
    std::fs::create_dir_all(parent)?;
    if target.exists() {
        // An unfinished download of the new release: the staged dataset supersedes it.
        std::fs::rename(target, staging.join("superseded"))?;
    }
    std::fs::rename(staging.join("out"), target).map_err(|e| {
        anyhow::anyhow!(
            "cannot move the updated {} into {}: {e}",
            report.dataset,
            target.display()
        )
    })?;
    let old = layout::dataset_dir(root, &report.from, &report.dataset)?;
    if let Err(err) = std::fs::remove_dir_all(&old) {
        tracing::warn!("cannot remove the replaced {}: {err}", old.display());
    }
    // The old release's directory, once it holds no dataset (its RELEASE file aside).
    let release_dir = root.join(&report.from);
    let others = std::fs::read_dir(&release_dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.file_name() != crate::datasets::shards::RELEASE_FILE)
        })
        .unwrap_or(true);
    if !others {
        let _ = std::fs::remove_dir_all(&release_dir);
    }
    Ok(())
}
