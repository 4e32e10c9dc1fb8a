//! `OUTPUT/metrics.json`: the saved [`Analysis`], written by `analyze` (and `run`) and read back
//! by `render`, `diff` and the next `run`'s digest. This is its one writer ([`write()`]) and its one
//! reader ([`read`]).
//!
//! The file is serde_json's pretty form of [`Analysis`] and a final newline; the pair tables
//! (`cocitation`, `coupling`) are left out (millions of rows on large graphs) and read back empty.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::Analysis;

/// The file's name in the output directory.
pub const FILE_NAME: &str = "metrics.json";

/// `dir/metrics.json`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// Writes `analysis` as `metrics.json`'s bytes into `w` (the caller writes the file atomically).
/// Errors: those of `w`.
pub fn write(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    // serde_json writes a token at a time: into a buffer of its own type, not through
    // `dyn Write` (a million papers are a third of a billion tokens).
    let mut w = io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut w, analysis)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// Reads `dir/metrics.json` back. Errors: the file does not exist (the message says to run
/// `citegraph analyze` first), cannot be read, or is not one this version wrote (an unknown
/// scope or betweenness mode included).
pub fn read(dir: &Path) -> Result<Analysis> {
    let path = path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == io::ErrorKind::NotFound => anyhow::bail!(
            "{} does not exist: run `citegraph analyze` (with the same --output-dir) first",
            path.display()
        ),
        Err(err) => {
            return Err(err).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let mut analysis: Analysis = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is not a metrics file this version can read: run `citegraph analyze` again",
            path.display()
        )
    })?;
    // Counts by source left out as `s2` only: every edge has a source, so all zero means the
    // degree is Semantic Scholar's.
    for p in &mut analysis.papers {
        if p.references_by_source == [0; 3] {
            p.references_by_source[0] = p.out_degree;
        }
        if p.citations_by_source == [0; 3] {
            p.citations_by_source[0] = p.in_degree;
        }
    }
    Ok(analysis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{MissingKind, MissingPaper, PairRow, PaperMetrics};
    use crate::graph::Scope;
    use crate::metrics::BetweennessMode;

    #[test]
    fn reading_a_missing_file_says_what_to_run() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(dir.path()).unwrap_err();
        assert!(err.to_string().contains("citegraph analyze"), "{err}");
    }

    #[test]
    fn what_is_written_reads_back_but_the_pair_tables() {
        let mut analysis = Analysis {
            papers: vec![PaperMetrics {
                paper_id: "p1".into(),
                title: "=1+1, \"quoted\"".into(),
                pagerank: 0.1,
                // Left out as s2-only, restored from the degree.
                out_degree: 3,
                references_by_source: [3, 0, 0],
                // Written: another source has one.
                in_degree: 2,
                citations_by_source: [1, 1, 0],
                ..PaperMetrics::default()
            }],
            missing: vec![MissingPaper {
                paper_id: "m1".into(),
                kind: MissingKind::Candidate,
                score: -0.5,
                ..MissingPaper::default()
            }],
            ..Analysis::default()
        };
        analysis.summary.scope = Scope::All;
        analysis.summary.betweenness = BetweennessMode::Sampled { pivots: 48 };
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = Vec::new();
        let mut with_pairs = analysis.clone();
        with_pairs.cocitation = vec![PairRow::default()];
        write(&with_pairs, &mut bytes).unwrap();
        assert!(bytes.ends_with(b"}\n"));
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"scope\": \"all\""), "{text}");
        assert!(text.contains("\"betweenness\": \"sampled k=48\""), "{text}");
        assert!(!text.contains("cocitation\": ["), "{text}");
        std::fs::write(path(dir.path()), &bytes).unwrap();
        assert_eq!(read(dir.path()).unwrap(), analysis);
    }

    #[test]
    fn a_file_of_another_shape_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(path(dir.path()), "{ not json").unwrap();
        let err = read(dir.path()).unwrap_err();
        assert!(
            err.to_string().contains("citegraph analyze` again"),
            "{err}"
        );
    }
}
