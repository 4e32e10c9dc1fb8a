//! Where the shards live in the cache: `CACHE/datasets/<release>/<dataset>/<shard>` (shard names
//! as the API's links end, gzip JSON Lines), and `.manifest.json` beside them, written last: a
//! dataset directory with a manifest is complete (every shard of the release downloaded and
//! verified, or brought there by diffs); without one, a download is under way or was cut (its
//! finished shards are kept, a shard being written is `.<shard>.part`). `CACHE/datasets/<release>/`
//! also holds `RELEASE` (the release id), and is laid out as `--datasets-dir` takes it
//! ([`crate::datasets::shards::ShardSet::from_dir`], which reads every file whose name does not
//! start with `.`: hence the hidden manifest and parts).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The manifest's file name in a dataset directory.
pub const MANIFEST: &str = crate::datasets::shards::MANIFEST_FILE;
/// The suffix of a shard being downloaded (`.<shard>.part`).
pub const PART: &str = ".part";

/// `dir/.<name>.part`: where `dir/<name>` is written before it is complete.
pub fn part_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}{PART}"))
}

/// Writes `ROOT/<release>/RELEASE` (the release id, one line), as `--datasets-dir` reads it.
pub fn write_release_file(release_dir: &Path, release_id: &str) -> anyhow::Result<()> {
    crate::fsutil::write_atomic(
        &release_dir.join(crate::datasets::shards::RELEASE_FILE),
        format!("{release_id}\n").as_bytes(),
    )
    .map_err(|err| anyhow::anyhow!("cannot write {}: {err}", release_dir.display()))
}

/// The newest release under `root` where every one of `datasets` is complete.
pub fn newest_complete(root: &Path, datasets: &[&str]) -> anyhow::Result<Option<String>> {
    let mut releases = match std::fs::read_dir(root) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.'))
            .collect::<Vec<_>>(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => anyhow::bail!("cannot read {}: {err}", root.display()),
    };
    releases.sort();
    Ok(releases.into_iter().rev().find(|release| {
        datasets
            .iter()
            .all(|d| root.join(release).join(d).join(MANIFEST).is_file())
    }))
}

/// `CACHE/datasets`.
pub fn datasets_root(cache_dir: &Path) -> PathBuf {
    cache_dir.join("datasets")
}

/// `ROOT/<release>/<dataset>`. Errors: a release id or dataset name that is not a plain
/// directory name (they come from the API, or from `--release`).
pub fn dataset_dir(root: &Path, release: &str, dataset: &str) -> anyhow::Result<PathBuf> {
    for (what, name) in [("release id", release), ("dataset name", dataset)] {
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !plain {
            anyhow::bail!("the {what} {name:?} is not a plain name (letters, digits, - _ .)");
        }
    }
    Ok(root.join(release).join(dataset))
}

/// What a complete dataset directory holds, in `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The release the shards are (or were brought to by diffs).
    pub release_id: String,
    pub dataset: String,
    /// Every shard, with its size in bytes (compressed), sorted by name.
    pub shards: Vec<ShardEntry>,
    /// `download`, or `diffs from <release>` for a dataset brought up to date.
    pub source: String,
}

/// One shard of a [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardEntry {
    pub name: String,
    pub bytes: u64,
}

impl Manifest {
    /// The manifest of `dir`, `None` when there is none (an unfinished download). Errors: one
    /// that cannot be read or parsed (named with its path).
    pub fn read(dir: &Path) -> anyhow::Result<Option<Manifest>> {
        let path = dir.join(MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|err| {
                anyhow::anyhow!(
                    "{} is not a dataset manifest ({err}): remove the directory and download again",
                    path.display()
                )
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(anyhow::anyhow!("cannot read {}: {err}", path.display())),
        }
    }

    /// Writes the manifest into `dir` atomically (a temp file renamed).
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_vec_pretty(self)?;
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut file, &text)?;
        file.as_file().sync_all()?;
        file.persist(dir.join(MANIFEST))
            .map_err(|err| anyhow::anyhow!("cannot write {}: {err}", dir.display()))?;
        Ok(())
    }

    /// The manifest of the shards `dir` holds now (every `*.gz`, sorted by name).
    pub fn of_dir(
        dir: &Path,
        release_id: &str,
        dataset: &str,
        source: &str,
    ) -> anyhow::Result<Manifest> {
        let mut shards = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == MANIFEST || name.ends_with(PART) || name.starts_with('.') {
                continue;
            }
            shards.push(ShardEntry {
                name,
                bytes: entry.metadata()?.len(),
            });
        }
        shards.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Manifest {
            release_id: release_id.to_string(),
            dataset: dataset.to_string(),
            shards,
            source: source.to_string(),
        })
    }
}

/// The newest release under `root` whose `dataset` is complete (has a manifest): the release a
/// diff starts from. Release ids are dates (`2023-03-28`): their text order is their time order.
pub fn held_release(root: &Path, dataset: &str) -> anyhow::Result<Option<String>> {
    newest_complete(root, &[dataset])
}
