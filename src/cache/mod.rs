//! The on-disk cache: one file per request or record, named by a hash, written atomically.
//!
//! A file is named by the SHA-256 of its *request identity* (`id ARXIV:2106.15928`,
//! `paper 3d7d…`), never by a raw id: ids hold `/`, `:` and `..`, which must not become paths.
//! Each file is a JSON [`Entry`]: a schema version, the identity (checked on read, so a misplaced
//! or colliding file is never trusted), the time of the fetch and the answer. Files are written
//! with [`crate::fsutil::write_atomic`] (temp file + rename): a run killed at any moment leaves
//! either the old file or the new one, never half of one. A file that does not parse anyway (cut
//! by a full disk, edited by hand) is reported as [`Read::Corrupt`] and refetched by the caller.

use crate::clock::now_secs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bumped whenever the layout of an entry's body changes: older files are then refetched
/// instead of being misread.
pub const SCHEMA_VERSION: u32 = 1;

/// One cached answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry<T> {
    pub schema: u32,
    /// The request identity the file answers (its name is the hash of this).
    pub request: String,
    /// Seconds since the Unix epoch when the answer was fetched.
    pub fetched_at: u64,
    pub body: T,
}

/// The outcome of looking a request up.
#[derive(Debug)]
pub enum Read<T> {
    Hit(Entry<T>),
    /// No file.
    Miss,
    /// A file older than the `max_age` asked for.
    Stale,
    /// A file that cannot be trusted: the reason, for the user.
    Corrupt(String),
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot write cache file {path}: {source} (check that the cache directory is writable, or choose another with --cache-dir)")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read cache file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode the cache entry for {request}: {source}")]
    Encode {
        request: String,
        source: serde_json::Error,
    },
}

/// A cache rooted at a directory; `namespace`s are subdirectories (`s2/lookups`, `s2/papers`).
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Cache { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the answer to `request` lives: `ROOT/NAMESPACE/ab/abcdef….json` (two hex digits of
    /// fan-out keep directories small at a million entries).
    pub fn path_for(&self, namespace: &str, request: &str) -> PathBuf {
        let digest = hex::encode(Sha256::digest(request.as_bytes()));
        self.root
            .join(namespace)
            .join(&digest[..2])
            .join(format!("{digest}.json"))
    }

    /// Reads the answer to `request`; `max_age` turns older entries into [`Read::Stale`].
    pub fn get<T: DeserializeOwned>(
        &self,
        namespace: &str,
        request: &str,
        max_age: Option<Duration>,
    ) -> Result<Read<T>, CacheError> {
        let path = self.path_for(namespace, request);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Read::Miss),
            Err(source) => return Err(CacheError::Read { path, source }),
        };
        let entry = match decode_entry::<T>(&bytes) {
            Ok(entry) => entry,
            Err(reason) => return Ok(Read::Corrupt(format!("{}: {reason}", path.display()))),
        };
        if entry.request != request {
            return Ok(Read::Corrupt(format!(
                "{}: holds the answer to another request",
                path.display()
            )));
        }
        if let Some(max_age) = max_age {
            if now_secs().saturating_sub(entry.fetched_at) > max_age.as_secs() {
                return Ok(Read::Stale);
            }
        }
        Ok(Read::Hit(entry))
    }

    /// Stores `body` as the answer to `request`, atomically.
    pub fn put<T: Serialize>(
        &self,
        namespace: &str,
        request: &str,
        body: &T,
    ) -> Result<(), CacheError> {
        let entry = Entry {
            schema: SCHEMA_VERSION,
            request: request.to_string(),
            fetched_at: now_secs(),
            body,
        };
        let bytes = serde_json::to_vec(&entry).map_err(|source| CacheError::Encode {
            request: request.to_string(),
            source,
        })?;
        let path = self.path_for(namespace, request);
        crate::fsutil::write_atomic(&path, &bytes)
            .map_err(|source| CacheError::Write { path, source })
    }

    /// Every entry file of a namespace, sorted by path (temp files left by a killed run are
    /// skipped: they are not entries).
    pub fn files(&self, namespace: &str) -> Vec<PathBuf> {
        let dir = self.root.join(namespace);
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| entry.into_path())
            .filter(|path| {
                path.extension().is_some_and(|ext| ext == "json")
                    && !path
                        .file_name()
                        .is_some_and(|name| name.to_string_lossy().starts_with(".tmp-"))
            })
            .collect();
        files.sort();
        files
    }

    /// Reads one entry file found by [`Self::files`].
    pub fn read_file<T: DeserializeOwned>(path: &Path) -> Result<Entry<T>, String> {
        let bytes = std::fs::read(path).map_err(|err| format!("{}: {err}", path.display()))?;
        decode_entry(&bytes).map_err(|reason| format!("{}: {reason}", path.display()))
    }
}

fn decode_entry<T: DeserializeOwned>(bytes: &[u8]) -> Result<Entry<T>, String> {
    // The version is checked before the body is decoded, so that an older layout is reported
    // as such rather than as a puzzling missing field.
    #[derive(Deserialize)]
    struct Version {
        schema: u32,
    }
    let version: Version =
        serde_json::from_slice(bytes).map_err(|err| format!("not a cache entry ({err})"))?;
    if version.schema != SCHEMA_VERSION {
        return Err(format!(
            "schema version {} (this citegraph reads version {SCHEMA_VERSION})",
            version.schema
        ));
    }
    serde_json::from_slice(bytes).map_err(|err| format!("not a cache entry ({err})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_names_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let request = "id DOI:10.1/../../etc/passwd";
        cache.put("ns", request, &vec![1, 2, 3]).unwrap();
        let path = cache.path_for("ns", request);
        assert!(path.starts_with(dir.path().join("ns")));
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(name.len(), 64 + 5, "sha256 hex + .json: {name}");
        match cache.get::<Vec<i32>>("ns", request, None).unwrap() {
            Read::Hit(entry) => {
                assert_eq!(entry.body, vec![1, 2, 3]);
                assert_eq!(entry.schema, SCHEMA_VERSION);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            cache.get::<Vec<i32>>("ns", "other", None).unwrap(),
            Read::Miss
        ));
        assert_eq!(cache.files("ns"), vec![path]);
    }

    #[test]
    fn corrupt_wrong_schema_and_foreign_files_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.put("ns", "a", &"x").unwrap();
        let path = cache.path_for("ns", "a");
        let full = std::fs::read(&path).unwrap();
        std::fs::write(&path, &full[..full.len() / 2]).unwrap();
        assert!(matches!(
            cache.get::<String>("ns", "a", None).unwrap(),
            Read::Corrupt(_)
        ));

        std::fs::write(
            &path,
            br#"{"schema": 999, "request": "a", "fetched_at": 0, "body": "x"}"#,
        )
        .unwrap();
        match cache.get::<String>("ns", "a", None).unwrap() {
            Read::Corrupt(reason) => assert!(reason.contains("schema version 999"), "{reason}"),
            other => panic!("{other:?}"),
        }

        // A file renamed into place for another request.
        cache.put("ns", "b", &"y").unwrap();
        std::fs::copy(cache.path_for("ns", "b"), &path).unwrap();
        assert!(matches!(
            cache.get::<String>("ns", "a", None).unwrap(),
            Read::Corrupt(_)
        ));
    }

    #[test]
    fn max_age_makes_old_entries_stale() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let path = cache.path_for("ns", "a");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let old = now_secs() - 10 * 86_400;
        std::fs::write(
            &path,
            format!(
                r#"{{"schema": {SCHEMA_VERSION}, "request": "a", "fetched_at": {old}, "body": 1}}"#
            ),
        )
        .unwrap();
        let day = Duration::from_secs(86_400);
        assert!(matches!(
            cache.get::<u32>("ns", "a", Some(day)).unwrap(),
            Read::Stale
        ));
        assert!(matches!(
            cache.get::<u32>("ns", "a", Some(day * 30)).unwrap(),
            Read::Hit(_)
        ));
    }
}
