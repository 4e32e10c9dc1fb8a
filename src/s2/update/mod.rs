//! `fetch --update`: cached papers brought up to date asking only what may have changed.
//!
//! Requests, for c cached catalogue papers of which g have a citation count that changed and r a
//! reference count that changed:
//! 1. `POST /paper/batch` with the cached papers' Semantic Scholar ids, record fields only
//!    (ceil(c / 500) calls): the current citation and reference counts, venue, year, ids;
//! 2. for each paper whose citation count grew, `GET /paper/{id}/citations` with
//!    `publicationDateOrYear=FROM:` (pages of 1,000 within the range: usually one), merged into
//!    the cached list (deduplicated by the citing paperId, a link seen again replacing the old);
//! 3. `GET /paper/{id}/references` pages for each paper whose reference count changed.
//!
//! FROM is January 1st of the year of [`LATE_INDEXING_MARGIN`] before the paper's last fetch
//! ([`CachedPaper::citations_as_of`]). The margin absorbs late indexing (a paper published the
//! week before the last fetch but indexed after it). January 1st because the API dates a paper
//! without a `publicationDate` on January 1st of its `year` (S2 API documentation, "publication
//! date or year" filter): a citer published after the last fetch with a year alone would fall
//! before any FROM later in that year.
//!
//! Exactness: after the merge the list must account for the count as well as before (the gap
//! between the count and the list must not grow); otherwise a citer was missed (indexed long
//! after its publication) and the whole list is read again. A count that fell (a citer removed
//! or merged), an unknown last fetch (a snapshot import, an older cache) and a list fetched
//! under `--max-citations` are also read whole. A count unchanged is taken as an unchanged list:
//! a citer removed and another added in the same interval is not seen (the documented limit).
//! The links of earlier citers keep the metadata (title, year, citation count) of their fetch.
//!
//! Records that move ([`moves`]): a cached id answered with a record of another paperId was
//! merged by Semantic Scholar; the new record is adopted (its lists asked whole, as for a new
//! paper, unless the cache already holds them) and the move kept. A cached id answered `null` is
//! looked for again by its ids and title: found, it is a merge; else it has vanished, and its
//! cached record is kept, marked.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use tokio::task::JoinSet;

use super::client::Endpoint;
use super::policy::{lite, paper_request, CachedPaper, ListPolicy, LIST_REACH, PAPERS};
use super::requests::{
    batch_fields, complete, pack_batches, page_filtered, page_list, pages_for, parse_record, store,
    Kit, BATCH_IDS, RECORD_FIELDS,
};
use crate::cache::Read;
use crate::clock::now_secs;
use crate::records::{Link, MovedRecord, PaperRecord};

mod moves;

pub(crate) use moves::Moves;

/// How long before a paper's last fetch its citations are asked again: Semantic Scholar indexes
/// papers days to weeks after they appear.
pub(crate) const LATE_INDEXING_MARGIN: u64 = 28 * 86_400;

/// What an update does with a paper's citation list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CitationPlan {
    /// The count did not change (or citations are not wanted): the cached list stands.
    Keep,
    /// The count grew: the citations published in this `publicationDateOrYear` range, merged.
    Since(String),
    /// Read the whole list again (see the module documentation for when).
    Whole,
}

/// The `publicationDateOrYear` range of an update whose last fetch was at `as_of` (seconds
/// since the Unix epoch): `YYYY-01-01:`, YYYY the year of `as_of` less the margin.
pub(crate) fn published_since(as_of: u64) -> String {
    let stamp = crate::clock::utc_stamp(as_of.saturating_sub(LATE_INDEXING_MARGIN));
    format!("{}-01-01:", &stamp[..4])
}

/// What to do with the citations of `cached`, whose current record is `fresh`.
pub(crate) fn citation_plan(
    cached: &CachedPaper,
    fresh: &PaperRecord,
    policy: &ListPolicy,
) -> CitationPlan {
    if !policy.citations {
        return CitationPlan::Keep;
    }
    let (old, new) = (cached.record.citation_count, fresh.citation_count);
    if cached.record.citations.is_none() {
        return CitationPlan::Whole;
    }
    if old == new {
        return CitationPlan::Keep;
    }
    match (old, new, cached.citations_as_of) {
        (Some(old), Some(new), Some(as_of)) if new > old && cached.citations_limit.is_none() => {
            CitationPlan::Since(published_since(as_of))
        }
        _ => CitationPlan::Whole,
    }
}

/// `list` with `new` merged in: a citing paper already there is replaced in place (its link as
/// fetched now), others are appended in the order given; links without a paperId are left out
/// (they cannot be told apart, and are never nodes). Returns how many were added.
pub(crate) fn merge(list: &mut Vec<Link>, new: Vec<Link>) -> usize {
    let mut at: HashMap<String, usize> = list
        .iter()
        .enumerate()
        .filter_map(|(i, link)| Some((link.paper_id.clone()?, i)))
        .collect();
    let mut added = 0;
    for link in new {
        let Some(id) = link.paper_id.clone() else {
            continue;
        };
        match at.get(&id) {
            Some(&i) => list[i] = link,
            None => {
                at.insert(id, list.len());
                list.push(link);
                added += 1;
            }
        }
    }
    added
}

/// Whether a merged list accounts for `count` less well than the list before did for its
/// count: some citer was not in the range asked.
fn gap_grew(old_count: Option<u64>, old_len: usize, new_count: Option<u64>, len: usize) -> bool {
    let gap = |count: Option<u64>, len: usize| count.unwrap_or(0).saturating_sub(len as u64);
    gap(new_count, len) > gap(old_count, old_len)
}

/// What the update found, for the log.
#[derive(Debug, Default)]
struct Tally {
    checked: usize,
    /// Records no longer returned and not found again (vanished).
    gone: usize,
    /// Records merged into another (followed).
    moved: usize,
    citations_grown: usize,
    citations_whole: usize,
    citations_added: usize,
    references: usize,
    records: usize,
}

/// A paper whose lists must be asked: its cache entry, its current record and what to ask.
struct Work {
    cached: CachedPaper,
    fresh: PaperRecord,
    citations: CitationPlan,
    references: bool,
    /// The move that made this paper's record another (its new record is `fresh`), kept in the
    /// cache once the new record is stored whole.
    moved: Option<MovedRecord>,
}

impl Tally {
    /// One line for the log.
    fn log(&self) {
        tracing::info!(
            "update: {} cached papers checked, {} changed: {} with new citations ({} citations added), {} citation lists read whole, {} reference lists read again; {} no longer returned; {} merged into another record",
            self.checked,
            self.records,
            self.citations_grown,
            self.citations_added,
            self.citations_whole,
            self.references,
            self.gone,
            self.moved
        );
    }
}

/// Brings `cached` papers up to date (module documentation); every paper changed is stored the
/// moment it is complete, so an interrupted update resumes where it stopped. Returns every
/// paper by its id, updated or as cached: a merged record under its new id (the move kept in the
/// cache, see [`moves`]), a vanished one as cached (marked in the cache, with a warning).
///
/// Two steps: the current records of every paper ([`check_records`]), then the lists of the
/// papers whose counts changed ([`ask_lists`]).
pub(super) async fn update(
    kit: &Kit,
    cached: Vec<CachedPaper>,
    policy: &ListPolicy,
) -> Result<HashMap<String, CachedPaper>> {
    let mut tally = Tally::default();
    let mut have = HashMap::new();
    let work = check_records(kit, cached, policy, &mut have, &mut tally).await?;
    kit.progress.phase(
        "changes",
        planned_pages(&work, policy),
        &format!(
            "{} papers changed: {} citation lists, {} reference lists to ask",
            work.len(),
            work.iter()
                .filter(|w| w.citations != CitationPlan::Keep)
                .count(),
            work.iter().filter(|w| w.references).count()
        ),
    );
    ask_lists(kit, work, policy, &mut have, &mut tally).await?;
    tally.log();
    Ok(have)
}

/// Asks the current records of the `cached` papers in batch calls; a paper whose lists stand
/// goes to `have` (its record refreshed and stored when it changed), the others are returned
/// with what to ask.
async fn check_records(
    kit: &Kit,
    cached: Vec<CachedPaper>,
    policy: &ListPolicy,
    have: &mut HashMap<String, CachedPaper>,
    tally: &mut Tally,
) -> Result<Vec<Work>> {
    let chunks: Vec<Vec<CachedPaper>> = cached
        .chunks(BATCH_IDS)
        .map(<[CachedPaper]>::to_vec)
        .collect();
    kit.progress.phase(
        "update",
        chunks.len() as u64,
        &format!(
            "{} cached papers: their current records in {} batch call(s)",
            cached.len(),
            chunks.len()
        ),
    );
    let mut tasks = JoinSet::new();
    for chunk in chunks {
        let kit = kit.clone();
        tasks.spawn(async move {
            let _permit = kit.permit().await?;
            let ids: Vec<String> = chunk.iter().map(|c| c.record.paper_id.clone()).collect();
            // One bad id never stops the update: an id that fails alone keeps its cached
            // record (below), and the next update asks it again.
            let answers = kit.client.batch_each(&ids, RECORD_FIELDS).await?;
            kit.progress.update(&kit.client.stats);
            Ok::<_, anyhow::Error>(chunk.into_iter().zip(answers).collect::<Vec<_>>())
        });
    }
    let mut answered = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        answered.extend(joined.context("an update task failed")??);
    }
    // Every id handled in this update: a record merged into one of them is brought up to date
    // once, with it.
    let mut handled: HashSet<String> = answered
        .iter()
        .map(|(cached, _)| cached.record.paper_id.clone())
        .collect();
    let mut work = Vec::new();
    let mut lost = Vec::new();
    for (cached, answer) in answered {
        tally.checked += 1;
        let id = cached.record.paper_id.clone();
        let answer = match answer {
            Ok(answer) => answer,
            Err(err) => {
                tracing::warn!(
                    "the current record of {id} ({}) could not be had: {err}; its cached record is kept, and the next update asks again",
                    cached.record.title.as_deref().unwrap_or("untitled")
                );
                kit.progress.papers_done(1);
                have.insert(id, cached);
                continue;
            }
        };
        match parse_record(&id, answer) {
            Some(fresh) => {
                let checked = Checked {
                    cached,
                    fresh,
                    moved: None,
                };
                work.extend(compare_record(
                    kit,
                    checked,
                    policy,
                    have,
                    tally,
                    &mut handled,
                )?);
            }
            None => lost.push(cached),
        }
    }
    for (cached, found) in moves::find_again(kit, lost).await? {
        match found {
            Some(fresh) => {
                let checked = Checked {
                    cached,
                    fresh,
                    moved: None,
                };
                work.extend(compare_record(
                    kit,
                    checked,
                    policy,
                    have,
                    tally,
                    &mut handled,
                )?);
            }
            None => {
                let id = cached.record.paper_id.clone();
                tracing::warn!(
                    "Semantic Scholar no longer returns the record {id} ({}), and neither its ids nor its title find it again: its last known record is kept and analysed, and reported until the API returns it",
                    cached.record.title.as_deref().unwrap_or("untitled")
                );
                moves::keep_vanished(&kit.cache, &cached.record)?;
                tally.gone += 1;
                kit.progress.papers_done(1);
                have.insert(id, cached);
            }
        }
    }
    Ok(work)
}

/// A cached paper with the record the API answers for it now.
struct Checked {
    cached: CachedPaper,
    fresh: PaperRecord,
    moved: Option<MovedRecord>,
}

/// A record answered under another id: the move, and the cached paper the new record is
/// compared with (its own cache entry when it has one this run can use, else the new record
/// without lists, which asks both lists whole). `None` when the new record is brought up to date
/// in this update anyway (another cached paper, or another record merged into it): the move is
/// then kept at once.
fn adopt(
    kit: &Kit,
    checked: Checked,
    policy: &ListPolicy,
    tally: &mut Tally,
    handled: &mut HashSet<String>,
) -> Result<Option<Checked>> {
    let Checked { cached, fresh, .. } = checked;
    let (old_id, new_id) = (cached.record.paper_id.clone(), fresh.paper_id.clone());
    let moved = MovedRecord {
        old_id: old_id.clone(),
        new_id: new_id.clone(),
        title: fresh.title.clone().unwrap_or_default(),
        found_at: now_secs(),
    };
    tally.moved += 1;
    tracing::warn!(
        "Semantic Scholar merged the record {old_id} into {new_id} (\"{}\"): following it: the new record and its lists are adopted, {old_id} stays one of the paper's records (s2_ids)",
        moved.title
    );
    if !handled.insert(new_id.clone()) {
        moves::keep_move(&kit.cache, &moved)?;
        kit.progress.papers_done(1);
        return Ok(None);
    }
    let own = match kit
        .cache
        .get::<CachedPaper>(PAPERS, &paper_request(&new_id), None)
    {
        Ok(Read::Hit(entry)) if policy.satisfied_by(&entry.body) => Some(entry.body),
        _ => None,
    };
    let cached = own.unwrap_or_else(|| CachedPaper {
        record: lite(fresh.clone()),
        link_details: policy.link_details,
        citations_limit: None,
        citations_as_of: None,
    });
    Ok(Some(Checked {
        cached,
        fresh,
        moved: Some(moved),
    }))
}

/// One cached paper against the record the API answers for it now: a record answered under
/// another id is adopted ([`adopt`]); its record refreshed when only the record changed, else
/// the lists to ask.
fn compare_record(
    kit: &Kit,
    checked: Checked,
    policy: &ListPolicy,
    have: &mut HashMap<String, CachedPaper>,
    tally: &mut Tally,
    handled: &mut HashSet<String>,
) -> Result<Option<Work>> {
    moves::returned(&kit.cache, &checked.cached.record.paper_id)?;
    let checked = if checked.fresh.paper_id != checked.cached.record.paper_id {
        match adopt(kit, checked, policy, tally, handled)? {
            Some(checked) => checked,
            None => return Ok(None),
        }
    } else {
        checked
    };
    let Checked {
        cached,
        fresh,
        moved,
    } = checked;
    let id = fresh.paper_id.clone();
    let citations = citation_plan(&cached, &fresh, policy);
    let references = fresh.reference_count != cached.record.reference_count
        || cached.record.references.is_none();
    if citations == CitationPlan::Keep && !references {
        let mut paper = cached;
        if lite(paper.record.clone()) != fresh {
            tally.records += 1;
            paper.record = PaperRecord {
                references: paper.record.references.take(),
                citations: paper.record.citations.take(),
                ..fresh
            };
            store(&kit.cache, &paper)?;
        }
        if let Some(moved) = &moved {
            moves::keep_move(&kit.cache, moved)?;
        }
        kit.progress.papers_done(1);
        have.insert(id, paper);
        return Ok(None);
    }
    Ok(Some(Work {
        cached,
        fresh,
        citations,
        references,
        moved,
    }))
}

/// The list pages the progress expects for `work`: none without link details (the lists are
/// nested in batch calls, see [`spawn_nested`], and the progress counts papers there).
fn planned_pages(work: &[Work], policy: &ListPolicy) -> u64 {
    if !policy.link_details {
        return 0;
    }
    work.iter()
        .map(|w| {
            let citations = match w.citations {
                CitationPlan::Keep => 0,
                CitationPlan::Since(_) => 1,
                CitationPlan::Whole => {
                    pages_for(Some(policy.citations_wanted(w.fresh.citation_count)))
                }
            };
            let references = if w.references {
                pages_for(w.fresh.reference_count.map(|c| c as usize))
            } else {
                0
            };
            citations + references
        })
        .sum()
}

/// Asks the lists of the changed papers (nested in batch calls without link details, else one
/// paper a task) and adds each paper to `have` as it completes.
async fn ask_lists(
    kit: &Kit,
    work: Vec<Work>,
    policy: &ListPolicy,
    have: &mut HashMap<String, CachedPaper>,
    tally: &mut Tally,
) -> Result<()> {
    let mut tasks = JoinSet::new();
    if !policy.link_details {
        spawn_nested(kit, &mut tasks, work, policy);
    } else {
        for item in work {
            let kit = kit.clone();
            let policy = *policy;
            tasks.spawn(async move {
                let _permit = kit.permit().await?;
                let outcome = update_lists(&kit, item, &policy).await?;
                store(&kit.cache, &outcome.0)?;
                kit.progress.papers_done(1);
                kit.progress.update(&kit.client.stats);
                Ok::<_, anyhow::Error>(vec![outcome])
            });
        }
    }
    while let Some(joined) = tasks.join_next().await {
        for (paper, done) in joined.context("an update task failed")?? {
            if let Some(moved) = &done.moved {
                moves::keep_move(&kit.cache, moved)?;
            }
            tally.records += 1;
            tally.references += usize::from(done.references);
            tally.citations_grown += usize::from(done.since);
            tally.citations_whole += usize::from(done.whole);
            tally.citations_added += done.added;
            have.insert(paper.record.paper_id.clone(), paper);
        }
    }
    Ok(())
}

type Updated = Result<Vec<(CachedPaper, Done)>>;

/// Without link details the lists of changed papers are read whole again, nested in batch calls
/// as a fetch reads them (packed by [`pack_batches`]: a few calls for hundreds of papers, fewer
/// than one filtered page a paper). A paper the batch no longer returns keeps its cached lists.
fn spawn_nested(kit: &Kit, tasks: &mut JoinSet<Updated>, work: Vec<Work>, policy: &ListPolicy) {
    let mut by_id: HashMap<String, Work> = work
        .into_iter()
        .map(|w| (w.fresh.paper_id.clone(), w))
        .collect();
    let records: Vec<PaperRecord> = by_id.values().map(|w| w.fresh.clone()).collect();
    let mut records = records;
    records.sort_by(|a, b| a.paper_id.cmp(&b.paper_id));
    for (ids, nested_citations) in pack_batches(&records, policy) {
        let items: Vec<Work> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
        let kit = kit.clone();
        let policy = *policy;
        tasks.spawn(async move {
            let _permit = kit.permit().await?;
            let fields = batch_fields(nested_citations);
            let answers = kit.client.batch_each(&ids, &fields).await?;
            kit.progress.update(&kit.client.stats);
            let mut out = Vec::new();
            for (item, answer) in items.into_iter().zip(answers) {
                let started = now_secs();
                let id = item.fresh.paper_id.clone();
                // An id whose lists fail alone keeps its cached lists (or, adopted from a merge,
                // its old record), as one the batch no longer returns: asked again next time.
                let answer = answer.unwrap_or_else(|err| {
                    tracing::warn!("the lists of {id} could not be had: {err}");
                    serde_json::Value::Null
                });
                let paper = match parse_record(&id, answer) {
                    Some(record) if record.paper_id == id => {
                        let mut paper = complete(
                            &kit.client,
                            record,
                            nested_citations,
                            &policy,
                            &kit.progress,
                        )
                        .await?;
                        paper.citations_as_of = policy.citations.then_some(started);
                        paper
                    }
                    // A record adopted from a merge has no cached lists to keep: its old record
                    // stays as cached, the move not kept, and the next update asks again.
                    _ if item.moved.is_some() => {
                        tracing::warn!("Semantic Scholar no longer returns the lists of {id}, adopted from a merge; the move is asked again next time");
                        kit.progress.papers_done(1);
                        continue;
                    }
                    _ => {
                        tracing::warn!("Semantic Scholar no longer returns the lists of {id}; the cached ones are kept");
                        item.cached
                    }
                };
                store(&kit.cache, &paper)?;
                kit.progress.papers_done(1);
                let done = Done {
                    whole: item.citations != CitationPlan::Keep,
                    references: item.references,
                    moved: item.moved,
                    ..Done::default()
                };
                out.push((paper, done));
            }
            Ok(out)
        });
    }
}

/// What [`update_lists`] asked.
#[derive(Debug, Default)]
struct Done {
    since: bool,
    whole: bool,
    added: usize,
    references: bool,
    /// The move to keep once the paper is stored.
    moved: Option<MovedRecord>,
}

/// The lists of one changed paper, asked as planned; the cached paper with its current record.
async fn update_lists(kit: &Kit, work: Work, policy: &ListPolicy) -> Result<(CachedPaper, Done)> {
    let Work {
        cached,
        fresh,
        citations: plan,
        references,
        moved,
    } = work;
    let client = &kit.client;
    let progress = &kit.progress;
    let id = fresh.paper_id.clone();
    let started = now_secs();
    let mut done = Done {
        moved,
        ..Done::default()
    };
    let mut paper = CachedPaper {
        record: PaperRecord {
            references: cached.record.references.clone(),
            citations: cached.record.citations.clone(),
            ..fresh
        },
        ..cached.clone()
    };
    if references {
        paper.record.references = Some(match paper.record.reference_count {
            Some(0) => Vec::new(),
            _ => page_list(client, Endpoint::References, &id, None, progress).await?,
        });
        done.references = true;
    }
    let mut whole = plan == CitationPlan::Whole;
    if let CitationPlan::Since(range) = &plan {
        let new = page_filtered(
            client,
            Endpoint::Citations,
            &id,
            Some(LIST_REACH),
            Some(range),
            progress,
        )
        .await?;
        let mut list = paper.record.citations.take().unwrap_or_default();
        done.added = merge(&mut list, new);
        let old_len = cached.record.citations.as_ref().map_or(0, Vec::len);
        if gap_grew(
            cached.record.citation_count,
            old_len,
            paper.record.citation_count,
            list.len(),
        ) {
            tracing::info!(
                "{id}: {} citations counted, {} listed after the update (before: {} and {old_len}): a citer published before {} was indexed since; reading the whole list",
                paper.record.citation_count.unwrap_or_default(),
                list.len(),
                cached.record.citation_count.unwrap_or_default(),
                range.trim_end_matches(':')
            );
            progress.plan_more(pages_for(Some(
                policy.citations_wanted(paper.record.citation_count),
            )));
            whole = true;
        } else {
            done.since = true;
            paper.record.citations = Some(list);
            paper.citations_as_of = Some(started);
        }
    }
    if whole {
        let wanted = policy.citations_wanted(paper.record.citation_count);
        paper.record.citations = Some(if wanted == 0 {
            Vec::new()
        } else {
            page_list(client, Endpoint::Citations, &id, Some(wanted), progress).await?
        });
        paper.citations_limit = policy.max_citations;
        paper.citations_as_of = Some(started);
        done.whole = true;
    }
    Ok((paper, done))
}

#[cfg(test)]
mod tests;
