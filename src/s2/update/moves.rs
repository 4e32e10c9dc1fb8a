//! Records that move: Semantic Scholar merges records (allenai/s2-folks#157, #108), so a cached
//! paper id is later answered with a record of another paperId, and it drops records, so a
//! cached id is later answered `null`.
//!
//! `--update` finds both ([`super::update`]): a merged record is *followed* (the new record is
//! adopted and its lists fetched as for a new paper), a dropped one is looked for again by the
//! ArXiv, DOI and ACL ids of its last known record (one `POST /paper/batch` per 500 ids for all
//! the papers dropped in the run) and then by its title (`GET /paper/search/match`, one call a
//! paper not found by id, the title checked as resolution checks it). Found under another id it
//! is a merge; found nowhere it has *vanished*.
//!
//! Both are kept in the cache (namespace `s2/moves`): `moved OLD` holds the [`MovedRecord`]
//! (written once the new record is stored whole; the stale record's entry is then removed),
//! `vanished ID` the [`VanishedRecord`] (cleared,
//! as `null`, when the API returns the record again). Every fetch, with or without `--update` and
//! `--offline` too, reads them through [`Moves`]: a resolution naming a moved id is pointed at the
//! new record (a chain of moves is followed to its end), so each later run reads the adopted
//! record, never the stale one; a vanished record's last known record stays in the corpus and is
//! analysed (so one vanished record does not empty a week's digest), noted in the summary and
//! listed by every run until the API returns it. Both reach [`crate::records::Corpus`]
//! (`moved`, `disappeared`): the works keep each old id as a record of its new record's work
//! (`s2_ids`), `unresolved.csv` and the digest report them.

use std::collections::HashSet;

use anyhow::Result;

use super::super::policy::{paper_request, CachedPaper, PAPERS};
use super::super::requests::{parse_record, Kit, BATCH_IDS, RECORD_FIELDS};
use super::super::resolve::Resolved;
use crate::cache::{Cache, Read};
use crate::catalog::same_written_title;
use crate::clock::{now_secs, utc_stamp};
use crate::records::{Corpus, MovedRecord, PaperRecord, VanishedRecord};

/// The cache namespace of moved and vanished records.
pub(crate) const MOVES: &str = "s2/moves";

/// Moves followed at most in a chain (a record merged again after its merge).
const MAX_HOPS: usize = 8;

fn moved_request(old_id: &str) -> String {
    format!("moved {old_id}")
}

fn vanished_request(paper_id: &str) -> String {
    format!("vanished {paper_id}")
}

/// A cache entry of the moves namespace; `None` when there is none (or it cannot be read: a
/// corrupt marker is reported and treated as absent, the record then read as it is cached).
fn read<T: serde::de::DeserializeOwned>(cache: &Cache, request: &str) -> Option<T> {
    match cache.get::<Option<T>>(MOVES, request, None) {
        Ok(Read::Hit(entry)) => entry.body,
        Ok(Read::Corrupt(reason)) => {
            tracing::warn!("corrupt cache file, not trusted: {reason}");
            None
        }
        Ok(_) => None,
        Err(err) => {
            tracing::warn!("{err}");
            None
        }
    }
}

/// Keeps `moved` in the cache: later runs follow it. The old record's own entry is removed: no
/// run reads it any more, and a snapshot export would otherwise hold the stale record beside the
/// new one. Call once the new record is stored.
pub(super) fn keep_move(cache: &Cache, moved: &MovedRecord) -> Result<()> {
    cache.put(MOVES, &moved_request(&moved.old_id), &Some(moved))?;
    let stale = cache.path_for(PAPERS, &paper_request(&moved.old_id));
    match std::fs::remove_file(&stale) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => tracing::warn!(
            "cannot remove the stale cache file {} of the merged record {}: {err}",
            stale.display(),
            moved.old_id
        ),
        _ => {}
    }
    Ok(())
}

/// Keeps `record` as vanished since now, or since its first report when it already was.
pub(super) fn keep_vanished(cache: &Cache, record: &PaperRecord) -> Result<VanishedRecord> {
    let request = vanished_request(&record.paper_id);
    if let Some(known) = read::<VanishedRecord>(cache, &request) {
        return Ok(known);
    }
    let vanished = VanishedRecord {
        paper_id: record.paper_id.clone(),
        title: record.title.clone().unwrap_or_default(),
        since: now_secs(),
    };
    cache.put(MOVES, &request, &Some(&vanished))?;
    Ok(vanished)
}

/// `paper_id` is returned by the API again: a vanished mark is cleared (one read when there is
/// none).
pub(super) fn returned(cache: &Cache, paper_id: &str) -> Result<()> {
    let request = vanished_request(paper_id);
    if read::<VanishedRecord>(cache, &request).is_some() {
        tracing::info!("Semantic Scholar returns the record {paper_id} again");
        cache.put(MOVES, &request, &None::<VanishedRecord>)?;
    }
    Ok(())
}

/// The ids a record can be found by again, as the batch takes them: its ArXiv, DOI and ACL ids
/// (those a catalogue entry resolves by).
fn lookup_ids(record: &PaperRecord) -> Vec<String> {
    [("ArXiv", "ARXIV"), ("DOI", "DOI"), ("ACL", "ACL")]
        .into_iter()
        .filter_map(|(name, prefix)| {
            let value = record.external_ids.get(name)?.as_str()?.trim();
            (!value.is_empty()).then(|| format!("{prefix}:{value}"))
        })
        .collect()
}

/// Whether `found` can be the paper of the last known `record`: titles agree as resolution
/// requires ([`same_written_title`]); a record without a title is taken on its id.
fn same_paper(record: &PaperRecord, found: &PaperRecord) -> bool {
    match (record.title.as_deref(), found.title.as_deref()) {
        (Some(want), Some(got)) => same_written_title(want, got),
        _ => true,
    }
}

/// Looks for each `lost` paper (answered `null` for its id) again, by its ids, then by its title
/// (module documentation). Returns each with the record found, `None` when nothing found it.
pub(super) async fn find_again(
    kit: &Kit,
    lost: Vec<CachedPaper>,
) -> Result<Vec<(CachedPaper, Option<PaperRecord>)>> {
    if lost.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<String> = lost.iter().flat_map(|p| lookup_ids(&p.record)).collect();
    ids.sort();
    ids.dedup();
    let mut by_id = std::collections::HashMap::new();
    for chunk in ids.chunks(BATCH_IDS) {
        let _permit = kit.permit().await?;
        let answers = kit.client.batch(chunk, RECORD_FIELDS).await?;
        kit.progress.update(&kit.client.stats);
        for (id, answer) in chunk.iter().zip(answers) {
            if let Some(record) = parse_record(id, answer) {
                by_id.insert(id.clone(), record);
            }
        }
    }
    let mut out = Vec::new();
    for paper in lost {
        let mut found = lookup_ids(&paper.record)
            .iter()
            .filter_map(|id| by_id.get(id))
            .find(|found| same_paper(&paper.record, found))
            .cloned();
        if found.is_none() {
            if let Some(title) = paper.record.title.clone().filter(|t| !t.trim().is_empty()) {
                let _permit = kit.permit().await?;
                let answer = kit.client.match_title(&title, RECORD_FIELDS).await?;
                kit.progress.update(&kit.client.stats);
                found = answer
                    .and_then(|value| parse_record(&title, value))
                    .filter(|found| same_paper(&paper.record, found));
            }
        }
        out.push((paper, found));
    }
    Ok(out)
}

/// The moves and vanished records a fetch follows, kept between its two reads of the cache's
/// marks ([`Moves::follow`] before the records are read, [`Moves::finish`] after, for the moves
/// an update found meanwhile).
#[derive(Debug, Default)]
pub(crate) struct Moves {
    moved: Vec<MovedRecord>,
    vanished: Vec<VanishedRecord>,
}

impl Moves {
    /// Points every resolution whose record moved at the new record (following a chain of
    /// moves), with a note; the record is then read (or updated) under its new id.
    pub(crate) fn follow(cache: &Cache, resolved: &mut [Resolved]) -> Moves {
        let mut moves = Moves::default();
        moves.follow_marks(cache, resolved);
        moves
    }

    fn follow_marks(&mut self, cache: &Cache, resolved: &mut [Resolved]) {
        for outcome in resolved.iter_mut() {
            let Some(record) = outcome.record.as_mut() else {
                continue;
            };
            let mut seen = HashSet::new();
            for _ in 0..MAX_HOPS {
                if !seen.insert(record.paper_id.clone()) {
                    break;
                }
                let Some(moved) = read::<MovedRecord>(cache, &moved_request(&record.paper_id))
                else {
                    break;
                };
                outcome.notes.push(format!(
                    "Semantic Scholar merged its record {} into {} (found {}): the new record is analysed, the old id kept in s2_ids",
                    moved.old_id,
                    moved.new_id,
                    &utc_stamp(moved.found_at)[..10]
                ));
                record.paper_id = moved.new_id.clone();
                if !self.moved.contains(&moved) {
                    self.moved.push(moved);
                }
            }
        }
    }

    /// Follows the moves found since [`Moves::follow`] (by this run's update) and reads the
    /// vanished marks of the resolved records, noting each; warns once about the vanished ones.
    pub(crate) fn finish(mut self, cache: &Cache, resolved: &mut [Resolved]) -> Moves {
        self.follow_marks(cache, resolved);
        let mut asked = HashSet::new();
        for outcome in resolved.iter_mut() {
            let Some(record) = outcome.record.as_ref() else {
                continue;
            };
            let Some(vanished) = read::<VanishedRecord>(cache, &vanished_request(&record.paper_id))
            else {
                continue;
            };
            outcome.notes.push(format!(
                "Semantic Scholar no longer returns its record {} (since {}), nor do its ids or title find it: its last known record is analysed",
                vanished.paper_id,
                &utc_stamp(vanished.since)[..10]
            ));
            if asked.insert(vanished.paper_id.clone()) {
                self.vanished.push(vanished);
            }
        }
        if !self.vanished.is_empty() {
            tracing::warn!(
                "{} no longer returned by Semantic Scholar: their last known records are analysed and listed in unresolved.csv ({})",
                crate::text::count_as(self.vanished.len(), "catalogue record is", "catalogue records are"),
                self.vanished
                    .iter()
                    .map(|v| v.paper_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        self
    }

    /// Hands the moves and vanished records over to the corpus.
    pub(crate) fn into_corpus(self, corpus: &mut Corpus) {
        corpus.moved = self.moved;
        corpus.disappeared = self.vanished;
    }
}
