//! The one writer of the output directory (hyperfine's `ExportManager` in spirit): every output
//! of every job (the analysis tables and `metrics.json`, `catalog.json`, `lint.csv`,
//! `unresolved.csv`, the figures and formats of [`super::render`], the digest) is built as an
//! [`OutputFile`] (its bytes) or a [`StreamedFile`] (written piece by piece: the tables of a
//! million papers), relative to the output directory and without touching the disk, and
//! [`write_outputs`] alone writes them, each atomically. The pipeline points it at its staging
//! directory, so a job's outputs still appear together or not at all.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use crate::fsutil::{write_atomic, write_atomic_with};

/// One file an exporter produces: its path relative to the output directory, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output directory, `/`-separated (`figures/lineage.svg`).
    pub relative_path: PathBuf,
    /// The whole file.
    pub contents: Vec<u8>,
}

impl OutputFile {
    /// The file `relative_path` holding `contents`.
    pub fn new(relative_path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> Self {
        Self {
            relative_path: relative_path.into(),
            contents: contents.into(),
        }
    }
}

/// Writes one file's contents into the writer it is given (a buffered temp file).
pub type Fill<'a> = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'a>;

/// A file too large to hold in memory (at a million papers `papers.csv`, `edges.csv` and
/// `metrics.json` are hundreds of megabytes each): its path relative to the output directory and
/// the function that writes its contents, run by [`write_outputs`].
pub struct StreamedFile<'a> {
    /// Relative to the output directory (`papers.csv`).
    pub relative_path: PathBuf,
    /// Writes the contents; an error leaves the file unwritten.
    pub fill: Fill<'a>,
}

impl<'a> StreamedFile<'a> {
    /// The file `relative_path`, its contents written by `fill`.
    pub fn new(relative_path: impl Into<PathBuf>, fill: Fill<'a>) -> Self {
        Self {
            relative_path: relative_path.into(),
            fill,
        }
    }
}

/// Either kind of file [`write_outputs`] takes.
pub enum Output<'a> {
    /// Contents held in memory (the figures, the formats, the catalogue's files, the digest).
    Whole(OutputFile),
    /// Contents written row by row (the analysis tables and `metrics.json`).
    Streamed(StreamedFile<'a>),
}

impl From<OutputFile> for Output<'_> {
    fn from(file: OutputFile) -> Self {
        Output::Whole(file)
    }
}

impl<'a> From<StreamedFile<'a>> for Output<'a> {
    fn from(file: StreamedFile<'a>) -> Self {
        Output::Streamed(file)
    }
}

impl Output<'_> {
    fn relative_path(&self) -> &Path {
        match self {
            Output::Whole(file) => &file.relative_path,
            Output::Streamed(file) => &file.relative_path,
        }
    }
}

/// Writes every file under `output_dir`, each atomically ([`write_atomic`]: a temp file, then a
/// rename), side by side (at a million papers the largest tables take seconds each). Returns
/// their paths in the order given. Errors naming the first file, in the order given, that cannot
/// be written (the same file on every run, whichever thread failed first); files written stay
/// (the pipeline's staging directory is then dropped whole).
pub fn write_outputs<'a, O>(
    output_dir: &Path,
    files: impl IntoIterator<Item = O>,
) -> Result<Vec<PathBuf>>
where
    O: Into<Output<'a>>,
{
    let files: Vec<Output<'a>> = files.into_iter().map(Into::into).collect();
    let written: Vec<Result<PathBuf>> = files
        .into_par_iter()
        .map(|file| {
            let started = std::time::Instant::now();
            let path = output_dir.join(file.relative_path());
            let written = match file {
                Output::Whole(file) => write_atomic(&path, &file.contents),
                Output::Streamed(file) => write_atomic_with(&path, file.fill),
            };
            written.with_context(|| {
                format!(
                    "cannot write {}: check that the output directory is writable and has space",
                    path.display()
                )
            })?;
            tracing::debug!("{} written in {:.1?}", path.display(), started.elapsed());
            Ok(path)
        })
        .collect();
    written.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_and_streamed_files_in_the_order_given() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<Output<'_>> = vec![
            OutputFile::new("b/one.txt", "one").into(),
            StreamedFile::new("a.csv", Box::new(|w| w.write_all(b"x,y\n"))).into(),
        ];
        let written = write_outputs(dir.path(), files).unwrap();
        assert_eq!(
            written,
            [dir.path().join("b/one.txt"), dir.path().join("a.csv")]
        );
        assert_eq!(std::fs::read(&written[0]).unwrap(), b"one");
        assert_eq!(std::fs::read(&written[1]).unwrap(), b"x,y\n");
    }

    #[test]
    fn a_failed_file_is_named_and_left_unwritten() {
        let dir = tempfile::tempdir().unwrap();
        let failing = StreamedFile::new("t.csv", Box::new(|_| Err(io::Error::other("disk full"))));
        let error = write_outputs(dir.path(), [failing]).unwrap_err();
        assert!(format!("{error:#}").contains("t.csv"), "{error:#}");
        assert!(!dir.path().join("t.csv").exists());
    }
}
