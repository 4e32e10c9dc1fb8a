//! File-system helpers shared by the stages: every file the tool writes is written whole or not at
//! all (a temp file in the same directory, then an atomic rename), so no reader ever sees half of it.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: a temp file beside it, flushed to disk, then renamed over
/// `path`. Creates the parent directory when missing.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Like [`write_atomic`], for content produced piece by piece (a large table) without holding it
/// all in memory: `fill` writes into a buffered temp file beside `path`, which is then flushed,
/// synced and renamed over `path`. When `fill` fails, `path` is left as it was.
pub fn write_atomic_with<F>(path: &Path, fill: F) -> std::io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, temp_beside(path)?);
    fill(&mut writer)?;
    let tmp = writer.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A temp file in `path`'s directory (created when missing), mode 0644 on Unix.
fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tmp-");
    // tempfile creates 0600 files; outputs and cache entries are ordinary files for the user's
    // other tools (viewers, spreadsheets, a web server), so give them the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir)
}

/// Temp files that an interrupted run (kill -9, power loss) left behind in `dir` and its
/// subdirectories (down to `depth` levels), named as [`temp_beside`] names them (`.tmp-` and six
/// letters or digits), and last modified more than `older_than` ago: a younger one may belong to
/// another citegraph running on the same directory at this moment. They are never read (the
/// rename never happened), only left to waste space; removed here, and counted. Errors (a file
/// gone meanwhile, no permission) are skipped: this is housekeeping.
pub fn remove_stale_temps(dir: &Path, depth: usize, older_than: std::time::Duration) -> usize {
    let is_ours = |name: &str| {
        name.strip_prefix(".tmp-")
            .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    let now = std::time::SystemTime::now();
    walkdir::WalkDir::new(dir)
        .max_depth(depth)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| entry.file_name().to_str().is_some_and(is_ours))
        .filter(|entry| {
            entry
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|age| age > older_than)
        })
        .filter(|entry| std::fs::remove_file(entry.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_old_temp_files_of_its_own_naming() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("s2/papers/ab");
        std::fs::create_dir_all(&deep).unwrap();
        let old = [deep.join(".tmp-a1B2c3"), dir.path().join(".tmp-zzzzzz")];
        let kept = [
            deep.join("abc.json"),
            deep.join(".tmp-short"),
            deep.join(".tmp-toolong1"),
            dir.path().join("notes.tmp-abcdef"),
        ];
        for path in old.iter().chain(&kept) {
            std::fs::write(path, b"x").unwrap();
        }
        let an_hour = std::time::Duration::from_secs(3600);
        // Just written: another run may be writing them, so they stay.
        assert_eq!(remove_stale_temps(dir.path(), 4, an_hour), 0);
        let past = std::time::SystemTime::now() - 2 * an_hour;
        for path in old.iter().chain(&kept) {
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(past).unwrap();
        }
        assert_eq!(remove_stale_temps(dir.path(), 4, an_hour), 2);
        assert!(old.iter().all(|p| !p.exists()));
        assert!(kept.iter().all(|p| p.exists()));
    }

    #[test]
    fn writes_whole_file_and_creates_parent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.json");
        write_atomic(&path, b"{\"x\": 1}").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"x\": 1}");
        write_atomic(&path, b"2").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"2");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn streams_whole_file_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        write_atomic_with(&path, |w| w.write_all(b"a,b\n1,2\n")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"a,b\n1,2\n");
        let failed = write_atomic_with(&path, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"a,b\n1,2\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
