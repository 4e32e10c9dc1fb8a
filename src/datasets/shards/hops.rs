//! The k-hop filter over `citations`: one pass over every shard per hop, keeping the lines whose
//! citing or cited corpus id is in the hop's frontier (the seeds for hop 1, the papers hop 1
//! reached for hop 2), both directions alike.
//!
//! Memory: the papers seen so far and the frontier as hash sets of `u64` (about 16 bytes a paper
//! each at their load factor), and every edge kept as 24 bytes (`citing`, `cited`, flags). A hop
//! reaching a million papers over ten million edges needs some 300 MB; the shards are streamed,
//! never held.

use std::path::PathBuf;

use anyhow::Result;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::lines::CitationLine;
use super::read::{parse, read_lines, PassCounts};

/// One citation kept: `citing` cites `cited` (corpus ids); `flags` holds the intent bits and
/// [`super::lines::INFLUENTIAL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Edge {
    pub citing: u64,
    pub cited: u64,
    pub flags: u8,
}

/// What one hop found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HopStats {
    /// 1 or 2.
    pub hop: u8,
    /// Papers whose citations and references this hop looked for.
    pub frontier: usize,
    /// `citations` lines that named a frontier paper (before de-duplication).
    pub lines_kept: u64,
    /// Edges this hop added to the neighbourhood (distinct citing-cited pairs not kept before).
    pub new_edges: usize,
    /// Papers this hop reached that no earlier hop had.
    pub new_papers: usize,
    /// Lines whose `citedcorpusid` is null (unresolved bibliography entries: never an edge).
    pub null_cited: u64,
    pub counts: PassCounts,
}

/// The neighbourhood's papers and edges after the hops.
#[derive(Debug, Default)]
pub(crate) struct Reached {
    /// Every paper, sorted.
    pub papers: Vec<u64>,
    /// Every edge once, sorted by (citing, cited).
    pub edges: Vec<Edge>,
    pub hops: Vec<HopStats>,
}

/// Runs `hops` hops from `seeds` over the `citations` shards. An edge found twice (in two
/// shards, twice in one, or from both ends in two hops) is kept once: by its pair, whatever its
/// `citationid` (the graph holds one edge a pair); the first line in shard order gives its flags.
pub(crate) fn expand(citations: &[PathBuf], seeds: &[u64], hops: u8) -> Result<Reached> {
    let mut seen: FxHashSet<u64> = seeds.iter().copied().collect();
    let mut frontier: FxHashSet<u64> = seen.clone();
    let mut edges: Vec<Edge> = Vec::new();
    let mut stats = Vec::new();
    for hop in 1..=hops {
        if frontier.is_empty() {
            break;
        }
        let started = std::time::Instant::now();
        let (per_file, counts) = read_lines(
            citations,
            || (Vec::new(), 0u64, 0u64),
            |(kept, lines_kept, nulls): &mut (Vec<Edge>, u64, u64), bytes| {
                let line: CitationLine = parse(bytes, "citations")?;
                let citing = line.citing.ok_or_else(|| {
                    "a `citations` line whose citingcorpusid is null; line skipped".to_string()
                })?;
                let Some(cited) = line.cited else {
                    *nulls += 1;
                    return Ok(());
                };
                if frontier.contains(&citing) || frontier.contains(&cited) {
                    *lines_kept += 1;
                    kept.push(Edge {
                        citing,
                        cited,
                        flags: line.flags(),
                    });
                }
                Ok(())
            },
        )?;
        let before = edges.len();
        let mut lines_kept = 0;
        let mut null_cited = 0;
        for (kept, kept_lines, nulls) in per_file {
            edges.extend(kept);
            lines_kept += kept_lines;
            null_cited += nulls;
        }
        // Stable: of equal pairs the earliest (earlier hop, then shard order) stays.
        edges.par_sort_by_key(|e| (e.citing, e.cited));
        edges.dedup_by_key(|e| (e.citing, e.cited));
        let mut next = FxHashSet::default();
        for edge in &edges {
            for end in [edge.citing, edge.cited] {
                if seen.insert(end) {
                    next.insert(end);
                }
            }
        }
        tracing::debug!(
            "hop {hop}: {} frontier papers, {} edges in all, {} new papers, {:.1} s",
            frontier.len(),
            edges.len(),
            next.len(),
            started.elapsed().as_secs_f64()
        );
        stats.push(HopStats {
            hop,
            frontier: frontier.len(),
            lines_kept,
            new_edges: edges.len() - before,
            new_papers: next.len(),
            null_cited,
            counts,
        });
        frontier = next;
    }
    let mut papers: Vec<u64> = seen.into_iter().collect();
    papers.sort_unstable();
    Ok(Reached {
        papers,
        edges,
        hops: stats,
    })
}
