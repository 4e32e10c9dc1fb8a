//! The neighbourhood as a snapshot: one pass over `papers` for the metadata of every paper kept,
//! `paper-ids` for the paperIds of papers `papers` lacks, then one Graph API record a line (the
//! form of world.jsonl, which `--snapshot` reads), sorted by paperId, each with its references
//! and citations among the kept edges.
//!
//! Memory: the records of every paper kept, without lists (title, authors, ids: some 0.5-1 KB a
//! paper), plus two indexes of the edges (8 bytes an edge); each record's lists are built as it
//! is written, one record at a time. A two-hop neighbourhood of a million papers needs about
//! 1 GB here.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::hops::{Edge, Reached};
use super::lines::{intent_names, PaperIdLine, PaperLine, INFLUENTIAL};
use super::read::{parse, read_lines, PassCounts};
use crate::records::{Link, PaperRecord};

/// The records of the kept papers, without lists, by corpus id.
#[derive(Debug, Default)]
pub(crate) struct Described {
    pub records: FxHashMap<u64, PaperRecord>,
    /// The pass over `papers`.
    pub papers: PassCounts,
    /// The pass over `paper-ids` (none when `papers` described every paper).
    pub paper_ids: PassCounts,
}

/// The records of `wanted` (sorted corpus ids): from their `papers` line (the first in shard
/// order), else a bare record (paperId and corpus id) when `paper-ids` knows the paper's sha
/// (its primary one, else any). Papers neither knows are left out.
pub(crate) fn describe(
    papers: &[PathBuf],
    paper_ids: &[PathBuf],
    wanted: &[u64],
) -> Result<Described> {
    let started = std::time::Instant::now();
    let wanted_set: FxHashSet<u64> = wanted.iter().copied().collect();
    let (per_file, papers_counts) = read_lines(
        papers,
        Vec::new,
        |found: &mut Vec<(u64, PaperRecord)>, bytes| {
            let line: PaperLine = parse(bytes, "papers")?;
            let corpus = line
                .corpus_id
                .ok_or_else(|| "a `papers` line without a corpusid; line skipped".to_string())?;
            if !wanted_set.contains(&corpus) {
                return Ok(());
            }
            let sha = line.sha().ok_or_else(|| {
                format!("the `papers` line of corpus id {corpus} has no paper url (…/paper/<40 hex>); line skipped")
            })?;
            found.push((corpus, line.to_record(sha)));
            Ok(())
        },
    )?;
    let mut records: FxHashMap<u64, PaperRecord> = FxHashMap::default();
    for (corpus, record) in per_file.into_iter().flatten() {
        records.entry(corpus).or_insert(record);
    }
    let missing: FxHashSet<u64> = wanted
        .iter()
        .copied()
        .filter(|c| !records.contains_key(c))
        .collect();
    let mut ids_counts = PassCounts::default();
    if !missing.is_empty() && !paper_ids.is_empty() {
        let (per_file, counts) = read_lines(
            paper_ids,
            Vec::new,
            |found: &mut Vec<(u64, bool, String)>, bytes| {
                let line: PaperIdLine = parse(bytes, "paper-ids")?;
                let corpus = line.corpus_id.ok_or_else(|| {
                    "a `paper-ids` line without a corpusid; line skipped".to_string()
                })?;
                let sha = line.sha.trim();
                if sha.len() != 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(format!(
                        "the sha {sha:?} is not 40 hex digits; line skipped"
                    ));
                }
                if missing.contains(&corpus) {
                    found.push((corpus, line.primary, sha.to_ascii_lowercase()));
                }
                Ok(())
            },
        )?;
        ids_counts = counts;
        let mut shas: FxHashMap<u64, (bool, String)> = FxHashMap::default();
        for (corpus, primary, sha) in per_file.into_iter().flatten() {
            let slot = shas.entry(corpus).or_insert((primary, sha.clone()));
            if primary && !slot.0 {
                *slot = (primary, sha);
            }
        }
        for (corpus, (_, sha)) in shas {
            let mut record = PaperRecord {
                paper_id: sha,
                ..PaperRecord::default()
            };
            record
                .external_ids
                .insert("CorpusId".into(), serde_json::Value::from(corpus));
            records.insert(corpus, record);
        }
    }
    tracing::debug!(
        "{} of {} papers described in {:.1} s",
        records.len(),
        wanted.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(Described {
        records,
        papers: papers_counts,
        paper_ids: ids_counts,
    })
}

/// Records serialized at once, in chunks of [`WRITE_CHUNK`] over the worker threads (about
/// 64 MB of JSON for a two-hop neighbourhood's records of ~1 KB).
const WRITE_BATCH: usize = 1 << 16;
const WRITE_CHUNK: usize = 512;

/// What [`write`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Written {
    pub papers: usize,
    pub edges: usize,
    /// Papers reached that neither `papers` nor `paper-ids` knows: left out, with their edges.
    pub papers_without_id: usize,
    pub edges_left_out: usize,
}

/// Writes the neighbourhood to `out` (atomically: a temporary file beside it, renamed), one
/// record a line, sorted by paperId. Errors: `out` cannot be written.
pub(crate) fn write(out: &Path, reached: &Reached, described: &mut Described) -> Result<Written> {
    let mut nodes: Vec<(String, u64)> = Vec::with_capacity(reached.papers.len());
    let mut written = Written::default();
    for corpus in &reached.papers {
        match described.records.get(corpus) {
            Some(record) => nodes.push((record.paper_id.clone(), *corpus)),
            None => written.papers_without_id += 1,
        }
    }
    nodes.sort_unstable();
    let index: FxHashMap<u64, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (_, c))| (*c, i))
        .collect();
    // Edges whose ends both have a record: by citing paper (as `reached.edges` is sorted) and,
    // through `by_cited`, by cited paper.
    let edges: Vec<&Edge> = reached
        .edges
        .iter()
        .filter(|e| index.contains_key(&e.citing) && index.contains_key(&e.cited))
        .collect();
    written.edges_left_out = reached.edges.len() - edges.len();
    written.edges = edges.len();
    let mut by_cited: Vec<usize> = (0..edges.len()).collect();
    // The pairs are distinct, so an unstable sort gives one order.
    by_cited.par_sort_unstable_by_key(|&i| (edges[i].cited, edges[i].citing));
    let references = ranges(edges.iter().map(|e| e.citing));
    let citations = ranges(by_cited.iter().map(|&i| edges[i].cited));
    let link = |other: u64, flags: u8| Link {
        paper_id: Some(nodes[index[&other]].0.clone()),
        is_influential: flags & INFLUENTIAL != 0,
        intents: intent_names(flags),
        ..Link::default()
    };
    // Every node has a record (`nodes` holds only described papers), taken out in file order.
    let mut records: Vec<PaperRecord> = nodes
        .iter()
        .map(|(_, corpus)| described.records.remove(corpus).unwrap_or_default())
        .collect();
    let started = std::time::Instant::now();
    crate::fsutil::write_atomic_with(out, |file| {
        // Records are serialized in parallel, a batch at a time, and written in order: the
        // bytes are those of a sequential write, whatever the thread count. Each record's
        // lists live only while its chunk is serialized.
        for (batch_at, batch) in (0..)
            .step_by(WRITE_BATCH)
            .zip(records.chunks_mut(WRITE_BATCH))
        {
            let buffers: Vec<std::io::Result<Vec<u8>>> = batch
                .par_chunks_mut(WRITE_CHUNK)
                .enumerate()
                .map(|(k, chunk)| {
                    let mut buffer = Vec::with_capacity(chunk.len() * 1024);
                    for (j, slot) in chunk.iter_mut().enumerate() {
                        let corpus = nodes[batch_at + k * WRITE_CHUNK + j].1;
                        let mut record = std::mem::take(slot);
                        let refs = references
                            .get(&corpus)
                            .map_or(&[][..], |r| &edges[r.clone()]);
                        record.references =
                            Some(refs.iter().map(|e| link(e.cited, e.flags)).collect());
                        let cits = citations
                            .get(&corpus)
                            .map_or(&[][..], |r| &by_cited[r.clone()]);
                        record.citations = Some(
                            cits.iter()
                                .map(|&i| link(edges[i].citing, edges[i].flags))
                                .collect(),
                        );
                        serde_json::to_writer(&mut buffer, &record)?;
                        buffer.push(b'\n');
                    }
                    Ok(buffer)
                })
                .collect();
            for buffer in buffers {
                file.write_all(&buffer?)?;
            }
        }
        Ok(())
    })
    .with_context(|| format!("cannot write the neighbourhood {}", out.display()))?;
    tracing::debug!(
        "neighbourhood written: {} papers, {} edges in {:.1} s",
        nodes.len(),
        edges.len(),
        started.elapsed().as_secs_f64()
    );
    written.papers = nodes.len();
    Ok(written)
}

/// The range of each run of equal keys in `keys` (sorted).
fn ranges(keys: impl Iterator<Item = u64>) -> FxHashMap<u64, std::ops::Range<usize>> {
    let mut runs: FxHashMap<u64, std::ops::Range<usize>> = FxHashMap::default();
    for (i, key) in keys.enumerate() {
        runs.entry(key).or_insert(i..i).end = i + 1;
    }
    runs
}
