//! Reading shards: every file of a dataset on its own rayon task (a shard is one gzip stream, read
//! front to back), each line handed to a visitor; a line the visitor refuses is reported with
//! file, line and reason and skipped, and the rest of the file is read. A shard that breaks off
//! (a `.gz` cut short, corrupt gzip bytes, a `.gz` that is not gzip) is a [`BadShard`]: its
//! whole lines before the break are kept, the break is reported with the line reached and the
//! reason, and the other shards are read as usual.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

/// Lines reported one by one per file and pass; beyond these, only counted.
const KEPT_BAD_LINES: usize = 20;

/// Bytes read from a shard at once (compressed side and decompressed lines alike).
const BUFFER_BYTES: usize = 1 << 20;

/// A line that was not a line of its dataset: skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub file: PathBuf,
    /// 1-based line number in the decompressed file.
    pub line: u64,
    /// Why, in words (the JSON error, naming the field).
    pub reason: String,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.reason)
    }
}

/// A shard that could not be read to its end: cut short, corrupt, or not gzip though named
/// `.gz`. Its first `lines_read` lines were read and kept; the rest of it is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadShard {
    pub file: PathBuf,
    /// Lines read whole before the break (1-based number of the last one; 0: none).
    pub lines_read: u64,
    /// Why, in words (the decoder's error: `unexpected end of file`, `corrupt deflate stream`,
    /// `invalid gzip header`, or "not a gzip file").
    pub reason: String,
}

impl fmt::Display for BadShard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let read = match self.lines_read {
            0 => "none of its lines could be read".to_string(),
            1 => "its first line was read, the rest is missing".to_string(),
            n => format!("its first {n} lines were read, the rest is missing"),
        };
        write!(
            f,
            "{}: unreadable after line {} ({}); {read}",
            self.file.display(),
            self.lines_read,
            self.reason,
        )
    }
}

/// What one pass over a dataset read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassCounts {
    /// Bytes of the files as stored (compressed, for gzip shards).
    pub bytes: u64,
    /// Bytes of the lines after decompression.
    pub decompressed: u64,
    /// Non-blank lines.
    pub lines: u64,
    /// Lines skipped as not lines of the dataset, all of them.
    pub bad_lines: u64,
    /// The first few of them (20 a file), in file order.
    pub bad: Vec<BadLine>,
    /// Shards that broke off before their end, in file order.
    pub bad_shards: Vec<BadShard>,
}

impl PassCounts {
    pub(crate) fn add(&mut self, other: PassCounts) {
        self.bytes += other.bytes;
        self.decompressed += other.decompressed;
        self.lines += other.lines;
        self.bad_lines += other.bad_lines;
        self.bad.extend(other.bad);
        self.bad_shards.extend(other.bad_shards);
    }
}

/// Reads every line of every file of `files`, in parallel over files: `visit(state, line)` with
/// a fresh `init()` state per file, which returns `Err(reason)` for a line it refuses (reported
/// and skipped). Returns each file's state, in the order of `files` (so results do not depend on
/// the thread count), and the counts of the pass. Files starting with the gzip magic bytes are
/// decompressed (several concatenated gzip members are read as one stream); others are read as
/// plain JSON Lines (the recorded samples), unless named `*.gz` (then it is a bad shard). A
/// file that breaks off (cut short, corrupt) is a [`BadShard`] in the counts, its whole lines
/// before the break visited. Errors: a file that cannot be opened.
pub(crate) fn read_lines<S, I, V>(
    files: &[PathBuf],
    init: I,
    visit: V,
) -> Result<(Vec<S>, PassCounts)>
where
    S: Send,
    I: Fn() -> S + Sync,
    V: Fn(&mut S, &[u8]) -> Result<(), String> + Sync,
{
    let results: Vec<Result<(S, PassCounts)>> = files
        .par_iter()
        .map(|file| {
            let mut state = init();
            let counts = read_file(file, |line| visit(&mut state, line))?;
            Ok((state, counts))
        })
        .collect();
    let mut states = Vec::with_capacity(files.len());
    let mut total = PassCounts::default();
    for result in results {
        let (state, counts) = result?;
        states.push(state);
        total.add(counts);
    }
    Ok((states, total))
}

/// Reads one file line by line (see [`read_lines`]).
fn read_file(
    path: &Path,
    mut visit: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<PassCounts> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open the shard {}", path.display()))?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut counts = PassCounts {
        bytes,
        ..PassCounts::default()
    };
    let broken = |lines_read: u64, reason: String, counts: &mut PassCounts| {
        counts.bad_shards.push(BadShard {
            file: path.to_path_buf(),
            lines_read,
            reason,
        });
    };
    let mut raw = BufReader::with_capacity(BUFFER_BYTES, file);
    let head = match raw.fill_buf() {
        Ok(head) => head,
        Err(err) => {
            broken(0, err.to_string(), &mut counts);
            return Ok(counts);
        }
    };
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let named_gzip = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    if named_gzip && !gzip {
        let reason = if head.is_empty() {
            "an empty file, not gzip".to_string()
        } else {
            "not a gzip file (it does not start with gzip's magic bytes)".to_string()
        };
        broken(0, reason, &mut counts);
        return Ok(counts);
    }
    let reader: Box<dyn Read> = if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, reader);
    let mut line = Vec::with_capacity(4096);
    let mut number = 0u64;
    loop {
        line.clear();
        let read = match reader.read_until(b'\n', &mut line) {
            Ok(read) => read,
            // The bytes of a line cut by the break are in `line`: not a whole line, dropped.
            Err(err) => {
                broken(number, err.to_string(), &mut counts);
                break;
            }
        };
        if read == 0 {
            break;
        }
        number += 1;
        counts.decompressed += read as u64;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        counts.lines += 1;
        let end = line.len()
            - line
                .iter()
                .rev()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .count();
        if let Err(reason) = visit(&line[..end]) {
            counts.bad_lines += 1;
            if counts.bad.len() < KEPT_BAD_LINES {
                counts.bad.push(BadLine {
                    file: path.to_path_buf(),
                    line: number,
                    reason,
                });
            }
        }
    }
    Ok(counts)
}

/// Parses `line` (one line, without its newline) as `T`; the error in words for a [`BadLine`],
/// with the column (the line is the file's).
pub(crate) fn parse<'a, T: serde::Deserialize<'a>>(
    line: &'a [u8],
    dataset: &str,
) -> Result<T, String> {
    serde_json::from_slice(line).map_err(|err| {
        let text = err.to_string();
        let text = text
            .rfind(" at line ")
            .map_or(&text[..], |cut| &text[..cut]);
        format!(
            "not a line of `{dataset}` ({text} at column {}); line skipped",
            err.column()
        )
    })
}
