//! File-system helpers shared by the stages: every file the tool writes is written whole or not at
//! all (a temp file in the same directory, then an atomic rename), so no reader ever sees half of it.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: a temp file beside it, flushed to disk, then renamed over
/// `path`. Creates the parent directory when missing.
/// Ctrl-C waits for it to end ([`crate::interrupt::critical`]), so no temp file is left.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::interrupt::critical(|| {
        let mut tmp = temp_beside(path)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    })
}

/// Like [`write_atomic`], for content produced piece by piece (a large table) without holding it
/// all in memory: `fill` writes into a buffered temp file beside `path`, which is then flushed,
/// synced and renamed over `path`. When `fill` fails, `path` is left as it was. Ctrl-C waits for
/// it, as for [`write_atomic`].
pub fn write_atomic_with<F>(path: &Path, fill: F) -> std::io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    crate::interrupt::critical(|| {
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, temp_beside(path)?);
        fill(&mut writer)?;
        let tmp = writer.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    })
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

/// A run's outputs, written into a staging directory beside the output directory and swapped in
/// as a whole by [`StagedOutput::commit`]: a reader of `OUTPUT/` sees the last good run's files or
/// this run's, never a mix, and a failed or killed run leaves the last good outputs untouched.
///
/// The staging directory (`.NAME.staging-PID` beside `OUTPUT`) starts as hard links to the files
/// already in `OUTPUT` (no copy: a file this run rewrites is replaced by an atomic rename inside
/// the staging directory, which leaves the old link and so the old output alone), so files of
/// other commands (`catalog.json` beside a `render`'s figures) survive the swap. The swap is two
/// renames (`OUTPUT` to `.NAME.previous-PID`, staging to `OUTPUT`); a crash between them is
/// repaired by the next command ([`recover_outputs`], which [`StagedOutput::begin`] runs too),
/// which renames the previous outputs back.
/// Dropping a `StagedOutput` without committing removes its staging directory.
#[derive(Debug)]
pub struct StagedOutput {
    /// The output directory as the user gave it (for messages).
    given: std::path::PathBuf,
    target: std::path::PathBuf,
    staging: std::path::PathBuf,
    committed: bool,
}

impl StagedOutput {
    /// Prepares a staging directory for `output_dir`. Errors: the parent directory cannot be
    /// created or written, or the previous outputs cannot be linked.
    /// Ctrl-C removes the staging directory ([`crate::interrupt`]).
    pub fn begin(output_dir: &Path) -> std::io::Result<StagedOutput> {
        crate::interrupt::critical(|| Self::begin_staging(output_dir))
    }

    fn begin_staging(output_dir: &Path) -> std::io::Result<StagedOutput> {
        let target = absolute(output_dir)?;
        let (parent, name) = split(&target)?;
        std::fs::create_dir_all(&parent)?;
        recover(&parent, &name, &target)?;
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        crate::interrupt::staging_begun(&staging);
        // From here on, dropping it (on an error below too) removes the staging directory.
        let stage = StagedOutput {
            given: output_dir.to_path_buf(),
            target,
            staging,
            committed: false,
        };
        if stage.staging.exists() {
            std::fs::remove_dir_all(&stage.staging)?;
        }
        std::fs::create_dir_all(&stage.staging)?;
        if stage.target.is_dir() {
            link_tree(&stage.target, &stage.staging)?;
        }
        Ok(stage)
    }

    /// Where this run writes: paths under it become paths under the output directory.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// `path` (under [`Self::dir`]) as it will be once committed, for messages.
    pub fn final_path(&self, path: &Path) -> std::path::PathBuf {
        match path.strip_prefix(&self.staging) {
            Ok(rest) => self.given.join(rest),
            Err(_) => path.to_path_buf(),
        }
    }

    /// Swaps the staged outputs in. Errors: a rename failed (the previous outputs are then
    /// where they were, or are restored by the next run).
    /// Ctrl-C waits for the swap to end.
    pub fn commit(mut self) -> std::io::Result<()> {
        crate::interrupt::critical(|| self.swap())
    }

    fn swap(&mut self) -> std::io::Result<()> {
        let (parent, name) = split(&self.target)?;
        let previous = parent.join(format!(".{name}.previous-{}", std::process::id()));
        let had_previous = self.target.exists();
        if had_previous {
            std::fs::rename(&self.target, &previous)?;
        }
        if let Err(err) = std::fs::rename(&self.staging, &self.target) {
            if had_previous {
                let _ = std::fs::rename(&previous, &self.target);
            }
            return Err(err);
        }
        self.committed = true;
        crate::interrupt::staging_ended(&self.staging);
        if had_previous {
            std::fs::remove_dir_all(&previous)?;
        }
        Ok(())
    }
}

impl Drop for StagedOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
            crate::interrupt::staging_ended(&self.staging);
        }
    }
}

/// `path` made absolute against the working directory (not canonicalized: it may not exist yet).
fn absolute(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    // `output/.` or `a/../output`: the components a rename cannot take.
    let mut clean = std::path::PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other.as_os_str()),
        }
    }
    Ok(clean)
}

fn split(target: &Path) -> std::io::Result<(std::path::PathBuf, String)> {
    match (target.parent(), target.file_name().and_then(|n| n.to_str())) {
        (Some(parent), Some(name)) => Ok((parent.to_path_buf(), name.to_string())),
        _ => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} cannot be an output directory: give a named directory (--output-dir DIR)",
                target.display()
            ),
        )),
    }
}

/// Repairs what a run killed mid-swap left beside `output_dir` (the previous outputs renamed
/// away and not yet replaced: renamed back) and clears what killed runs left there, as
/// [`StagedOutput::begin`] does; every command runs it first, so that one which fails before it
/// stages anything (a fetch that gives up) does not leave `OUTPUT` missing until a later run
/// succeeds. Errors: a directory of a dead run cannot be renamed or removed, or `output_dir`
/// names no directory (`/`).
pub fn recover_outputs(output_dir: &Path) -> std::io::Result<()> {
    let target = absolute(output_dir)?;
    let (parent, name) = split(&target)?;
    recover(&parent, &name, &target)
}

/// Repairs what a run killed mid-swap or mid-write left beside `target`: the previous outputs
/// renamed away but the staging directory not yet in (renamed back), and staging or previous
/// directories of runs that are no longer running (removed).
fn recover(parent: &Path, name: &str, target: &Path) -> std::io::Result<()> {
    let staging_prefix = format!(".{name}.staging-");
    let previous_prefix = format!(".{name}.previous-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let pid = file_name
            .strip_prefix(&staging_prefix)
            .or_else(|| file_name.strip_prefix(&previous_prefix));
        let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let path = entry.path();
        if file_name.starts_with(&previous_prefix) && !target.exists() {
            tracing::warn!(
                "a run was stopped while swapping its outputs in: the previous outputs are restored to {}",
                target.display()
            );
            std::fs::rename(&path, target)?;
        } else {
            std::fs::remove_dir_all(&path)?;
        }
    }
    Ok(())
}

/// Whether a process with this id exists (Linux: /proc; elsewhere assumed alive, so nothing of
/// another run is ever removed by mistake).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// Hard links every file under `from` into `to` (same tree); falls back to a copy where links
/// are not possible (another file system).
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.map_err(std::io::Error::other)?;
        let relative = entry
            .path()
            .strip_prefix(from)
            .map_err(std::io::Error::other)?;
        let destination = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&destination)?;
        } else if entry.file_type().is_file()
            && std::fs::hard_link(entry.path(), &destination).is_err()
        {
            std::fs::copy(entry.path(), &destination)?;
        }
    }
    Ok(())
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

    #[test]
    fn staged_outputs_appear_together_and_keep_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        std::fs::create_dir_all(out.join("figures")).unwrap();
        std::fs::write(out.join("catalog.json"), "old catalog").unwrap();
        std::fs::write(out.join("figures/a.svg"), "old a").unwrap();

        let staged = StagedOutput::begin(&out).unwrap();
        write_atomic(&staged.dir().join("figures/a.svg"), b"new a").unwrap();
        write_atomic(&staged.dir().join("papers.csv"), b"new papers").unwrap();
        // Nothing is visible before the commit.
        assert_eq!(
            std::fs::read_to_string(out.join("figures/a.svg")).unwrap(),
            "old a"
        );
        assert!(!out.join("papers.csv").exists());
        assert_eq!(
            staged.final_path(&staged.dir().join("papers.csv")),
            out.join("papers.csv")
        );
        staged.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("figures/a.svg")).unwrap(),
            "new a"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("papers.csv")).unwrap(),
            "new papers"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("catalog.json")).unwrap(),
            "old catalog"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging or previous directory is left");
    }

    #[test]
    fn a_dropped_stage_leaves_the_last_outputs_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("papers.csv"), "good").unwrap();
        {
            let staged = StagedOutput::begin(&out).unwrap();
            write_atomic(&staged.dir().join("papers.csv"), b"half").unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(out.join("papers.csv")).unwrap(),
            "good"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_swap_cut_in_the_middle_is_repaired_before_anything_is_staged() {
        let dir = tempfile::tempdir().unwrap();
        let previous = dir.path().join(".output.previous-4294967");
        std::fs::create_dir_all(&previous).unwrap();
        std::fs::write(previous.join("papers.csv"), "good").unwrap();
        let out = dir.path().join("output");
        recover_outputs(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("papers.csv")).unwrap(),
            "good"
        );
        assert!(!previous.exists());
        // Nothing to repair: nothing changes, and a missing parent is no error.
        recover_outputs(&out).unwrap();
        recover_outputs(&dir.path().join("absent/output")).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_swap_cut_in_the_middle_is_repaired() {
        let dir = tempfile::tempdir().unwrap();
        // A run (a pid that cannot be alive) renamed the outputs away and died.
        let previous = dir.path().join(".output.previous-4294967");
        std::fs::create_dir_all(&previous).unwrap();
        std::fs::write(previous.join("papers.csv"), "good").unwrap();
        let stale = dir.path().join(".output.staging-4294967");
        std::fs::create_dir_all(&stale).unwrap();
        let out = dir.path().join("output");
        let staged = StagedOutput::begin(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("papers.csv")).unwrap(),
            "good"
        );
        assert!(!stale.exists());
        assert!(staged.dir().join("papers.csv").exists());
    }
}
