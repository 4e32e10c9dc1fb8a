//! The request mechanics the fetch (`fetch.rs`) and the update (`update.rs`) share: the fields
//! asked, the batch packing, a paper completed from a batch answer or page by page, the pages of a
//! list (filtered by publication date for an update), and the cache writes of their answers.

use std::sync::Arc;

use anyhow::Result;
use serde_json::Value;
use tokio::sync::Semaphore;

use super::client::{ApiError, Client, Endpoint};
use super::policy::{lite, paper_request, CachedPaper, ListPolicy, LIST_REACH, LOOKUPS, PAPERS};
use super::progress::Progress;
use super::resolve::Answer;
use super::wire;
use crate::cache::Cache;
use crate::clock::now_secs;
use crate::records::{Gap, Link, PaperRecord};

/// The record fields asked everywhere. `publicationVenue` is the venue as an entity, asked for
/// its alternate names: suggestions.md writes the venue's abbreviation ("ICLR") from them.
pub(super) const RECORD_FIELDS: &str =
    "paperId,externalIds,title,year,venue,publicationVenue,publicationDate,authors,\
citationCount,influentialCitationCount,referenceCount";
/// The other paper's fields in a nested list (the batch only takes paper fields there).
pub(super) const NESTED_FIELDS: [&str; 8] = [
    "paperId",
    "title",
    "year",
    "externalIds",
    "citationCount",
    "venue",
    "publicationVenue",
    "authors",
];
/// Fields of a `/references` or `/citations` page: the other paper's, by their plain names,
/// beside the link's own.
pub(super) const PAGE_FIELDS: &str =
    "title,year,externalIds,citationCount,venue,publicationVenue,authors,isInfluential,intents";

/// Ids per batch call (the API's maximum).
pub(super) const BATCH_IDS: usize = 500;
/// Nested items per batch call: estimated from the records' counts, which run above the items
/// listed (about 400 bytes each, 700 with venue and authors, 930 with the venue entity: 230 bytes
/// on average over the 1,020 recorded in fixtures/s2-recorded, `null` for a fifth, arXiv's 146,
/// SSRN's 639); an answer over the API's 10 MB cap comes back as a too-large 400 or a 504, and
/// `Client::batch` splits that batch and asks again. Kept at 20,000 with the venue entity: a
/// lower bound costs every large catalogue more batches, the split costs only a batch that
/// really is too large.
pub(super) const BATCH_NESTED_ITEMS: u64 = 20_000;
/// Items per page (the API's maximum `limit`).
pub(super) const PAGE_LIMIT: usize = 1_000;
/// Nested lists are capped by the API at 9,999 (batch, documented) or 1,000 (single paper,
/// observed). A nested list shorter than its count *and* at least this long was cut by a cap;
/// a shorter one is just Semantic Scholar's usual count drift, not worth a request.
pub(super) const NESTED_CAP_FLOOR: usize = 1_000;
/// Requests in flight at once (the rate limiter still spaces their starts).
pub(super) const IN_FLIGHT: usize = 4;
/// Papers in a row whose requests failed for good (a lookup, a list) before the run stops: one
/// bad record is reported and passed over, but this many with no success between them is an
/// outage, and going on would replace good outputs with a graph of holes.
pub(super) const OUTAGE_STREAK: usize = 5;

/// What a spawned request task needs: the client, the cache to store its answer in, the
/// progress to report to, and a permit to keep at most [`IN_FLIGHT`] requests going.
#[derive(Clone)]
pub(super) struct Kit {
    pub client: Arc<Client>,
    pub cache: Cache,
    pub progress: Arc<Progress>,
    pub permits: Arc<Semaphore>,
    /// Papers in a row whose requests failed for good (see [`OUTAGE_STREAK`]).
    pub failures_in_a_row: Arc<std::sync::atomic::AtomicUsize>,
}

impl Kit {
    pub(super) async fn permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit> {
        Ok(self.permits.clone().acquire_owned().await?)
    }

    /// Counts one paper's outcome: `failed` (a request of it failed for good) or not. Errors
    /// when [`OUTAGE_STREAK`] papers in a row failed: `last` says how the last one did.
    pub(super) fn tally(&self, failed: bool, last: &str) -> Result<()> {
        use std::sync::atomic::Ordering;
        if !failed {
            self.failures_in_a_row.store(0, Ordering::Relaxed);
            return Ok(());
        }
        let streak = self.failures_in_a_row.fetch_add(1, Ordering::Relaxed) + 1;
        if streak >= OUTAGE_STREAK {
            anyhow::bail!(
                "{streak} papers in a row could not be fetched (the last: {last}): the API is failing, not one record; what was fetched before is in the cache: rerun later to resume"
            );
        }
        Ok(())
    }
}

/// The lists of one paper that could not be read, with why: a request that failed for good in
/// this run, or (offline) a list the cache does not hold. `None`: read whole (or not wanted).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Unread {
    pub references: Option<String>,
    pub citations: Option<String>,
}

impl Unread {
    pub(super) fn is_empty(&self) -> bool {
        self.references.is_none() && self.citations.is_none()
    }

    /// The gap these lists leave ([`Gap::lists`]).
    pub(super) fn gap(&self) -> Gap {
        Gap::lists(self.references.is_some(), self.citations.is_some())
    }

    /// `references incomplete: WHY; citations incomplete: WHY` (the note of the paper).
    pub(super) fn note(&self) -> String {
        [
            ("references", &self.references),
            ("citations", &self.citations),
        ]
        .iter()
        .filter_map(|(list, why)| Some(format!("{list} incomplete: {}", why.as_deref()?)))
        .collect::<Vec<_>>()
        .join("; ")
    }
}

/// Caches a lookup answer (a record, or `null` for unknown) and returns it. An answer that is
/// not a record is not cached: it is asked again next time.
pub(super) fn keep_lookup(
    cache: &Cache,
    request: &str,
    value: Value,
    query: &str,
) -> Result<Answer> {
    match wire::record(value) {
        Ok(record) => {
            let record = record.map(lite);
            cache.put(LOOKUPS, request, &record)?;
            Ok(record.map_or(Answer::Unknown, |r| Answer::Found(Box::new(r))))
        }
        Err(err) => {
            tracing::warn!("the answer for {query} is unusable ({err}); treated as unknown");
            Ok(Answer::Unknown)
        }
    }
}

pub(super) fn store(cache: &Cache, paper: &CachedPaper) -> Result<()> {
    cache.put(PAPERS, &paper_request(&paper.record.paper_id), paper)?;
    Ok(())
}

/// One element of a batch or match answer: `null` is an unknown id; a record that does not
/// parse (wrong types) is reported and treated as unknown rather than failing the run.
pub(super) fn parse_record(query: &str, value: Value) -> Option<PaperRecord> {
    match wire::record(value) {
        Ok(record) => record,
        Err(err) => {
            tracing::warn!("the answer for {query} is unusable ({err}); treated as unknown");
            None
        }
    }
}

pub(super) fn batch_fields(nested_citations: bool) -> String {
    let mut fields = vec![RECORD_FIELDS.to_string()];
    let lists: &[&str] = if nested_citations {
        &["references", "citations"]
    } else {
        &["references"]
    };
    for list in lists {
        for field in NESTED_FIELDS {
            fields.push(format!("{list}.{field}"));
        }
    }
    fields.join(",")
}

/// Groups papers into batch calls: at most 500 ids and about [`BATCH_NESTED_ITEMS`] nested
/// items each, papers whose citations are nested apart from those whose are paged.
pub(super) fn pack_batches(
    papers: &[PaperRecord],
    policy: &ListPolicy,
) -> Vec<(Vec<String>, bool)> {
    let estimate = |count: Option<u64>| count.unwrap_or(100).min(LIST_REACH as u64);
    let mut batches = Vec::new();
    for nested in [true, false] {
        let mut ids = Vec::new();
        let mut items = 0u64;
        for paper in papers {
            if policy.nests_citations(paper.citation_count) != nested {
                continue;
            }
            let mut size = estimate(paper.reference_count);
            if nested {
                size += estimate(paper.citation_count);
            }
            if !ids.is_empty() && (ids.len() == BATCH_IDS || items + size > BATCH_NESTED_ITEMS) {
                batches.push((std::mem::take(&mut ids), nested));
                items = 0;
            }
            ids.push(paper.paper_id.clone());
            items += size;
        }
        if !ids.is_empty() {
            batches.push((ids, nested));
        }
    }
    batches
}

/// Pages a paper will take with link details (the default; `--no-link-details` skips them),
/// for the progress plan.
pub(super) fn pages_planned(paper: &PaperRecord, policy: &ListPolicy) -> u64 {
    let pages = |n: usize| n.div_ceil(PAGE_LIMIT).max(1) as u64;
    let references = match paper.reference_count {
        Some(0) => 0,
        count => pages(count.map_or(1, |c| c.min(LIST_REACH as u64) as usize)),
    };
    let citations = if policy.citations {
        match policy.citations_wanted(paper.citation_count) {
            0 => 0,
            n => pages(n),
        }
    } else {
        0
    };
    references + citations
}

/// A nested list cut by a cap (see [`NESTED_CAP_FLOOR`]).
pub(super) fn truncated(len: usize, count: Option<u64>) -> bool {
    len >= NESTED_CAP_FLOOR && count.is_some_and(|count| (len as u64) < count)
}

/// Completes a batch record: lists cut by a cap, or left out, are paged. A list whose pages
/// fail is an error (for `--update`, which keeps the cached lists then); the fetch uses
/// [`complete_lists`].
pub(super) async fn complete(
    client: &Client,
    record: PaperRecord,
    nested_citations: bool,
    policy: &ListPolicy,
    progress: &Progress,
) -> Result<CachedPaper> {
    let (paper, unread) =
        complete_lists(client, record, nested_citations, policy, progress).await?;
    if !unread.is_empty() {
        anyhow::bail!(
            "{}: {}; what was fetched before is in the cache: rerun to resume",
            paper.record.paper_id,
            unread.note()
        );
    }
    Ok(paper)
}

/// [`complete`], a list whose pages fail for good ([`ApiError::is_fault_of_request`]) left out
/// (`None` in the record, so the cache entry is not complete and the next run asks again) and
/// said in the [`Unread`]. Errors: what stops the run (see [`read_list`]).
pub(super) async fn complete_lists(
    client: &Client,
    mut record: PaperRecord,
    nested_citations: bool,
    policy: &ListPolicy,
    progress: &Progress,
) -> Result<(CachedPaper, Unread)> {
    let mut unread = Unread::default();
    let references = record.references.take().unwrap_or_default();
    record.references = if truncated(references.len(), record.reference_count) {
        tracing::debug!(
            "{}: {} of {:?} references nested; paging the whole list",
            record.paper_id,
            references.len(),
            record.reference_count
        );
        progress.plan_more(pages_for(record.reference_count.map(|c| c as usize)));
        let read = read_list(
            client,
            Endpoint::References,
            &record.paper_id,
            None,
            progress,
        )
        .await?;
        unread.references = read.as_ref().err().cloned();
        read.ok()
    } else {
        Some(references)
    };

    let nested = record.citations.take();
    let started = now_secs();
    let mut citations_read = policy.citations;
    record.citations = if policy.citations {
        let wanted = policy.citations_wanted(record.citation_count);
        let mut citations = nested.unwrap_or_default();
        let cut = truncated(citations.len(), Some(wanted as u64));
        // The batch sometimes answers an empty (or null) nested list for a cited paper: its
        // pages are asked once, as for a list cut by a cap.
        let empty = nested_citations && citations.is_empty() && wanted > 0;
        if empty {
            tracing::warn!(
                "{} \"{}\": the batch answer lists no citations although Semantic Scholar counts {}; asking /citations instead",
                record.paper_id,
                record.title.as_deref().unwrap_or("(no title)"),
                record.citation_count.unwrap_or_default()
            );
        }
        if (!nested_citations && wanted > 0) || cut || empty {
            progress.plan_more(pages_for(Some(wanted)));
            match read_list(
                client,
                Endpoint::Citations,
                &record.paper_id,
                Some(wanted),
                progress,
            )
            .await?
            {
                Ok(read) => citations = read,
                Err(why) => {
                    unread.citations = Some(why);
                    citations_read = false;
                }
            }
        }
        citations.truncate(policy.max_citations.unwrap_or(usize::MAX));
        citations_read.then_some(citations)
    } else {
        None
    };
    let paper = CachedPaper {
        record,
        // Some lists may have come from pages, but not all of them: the record as a whole
        // lacks link details.
        link_details: false,
        citations_limit: if policy.citations {
            policy.max_citations
        } else {
            None
        },
        citations_as_of: citations_read.then_some(started),
    };
    Ok((paper, unread))
}

/// A paper fetched page by page (link details, the default), its fields from the lookup; a list whose
/// pages fail for good is left out and said in the [`Unread`], as in [`complete_lists`].
pub(super) async fn paged_paper(
    client: &Client,
    mut record: PaperRecord,
    policy: &ListPolicy,
    progress: &Progress,
) -> Result<(CachedPaper, Unread)> {
    let started = now_secs();
    let mut unread = Unread::default();
    record.references = match record.reference_count {
        Some(0) => Some(Vec::new()),
        _ => {
            let read = read_list(
                client,
                Endpoint::References,
                &record.paper_id,
                None,
                progress,
            )
            .await?;
            unread.references = read.as_ref().err().cloned();
            read.ok()
        }
    };
    record.citations = if policy.citations {
        let wanted = policy.citations_wanted(record.citation_count);
        if wanted == 0 {
            Some(Vec::new())
        } else {
            let read = read_list(
                client,
                Endpoint::Citations,
                &record.paper_id,
                Some(wanted),
                progress,
            )
            .await?;
            unread.citations = read.as_ref().err().cloned();
            read.ok()
        }
    } else {
        None
    };
    let citations_read = policy.citations && unread.citations.is_none();
    let paper = CachedPaper {
        record,
        link_details: true,
        citations_limit: if policy.citations {
            policy.max_citations
        } else {
            None
        },
        citations_as_of: citations_read.then_some(started),
    };
    Ok((paper, unread))
}

/// The record of a paper whose batch (and lone `GET`) failed for good: the lookup's record
/// without lists, both said unread with `why`. Kept (and cached, incomplete) so the paper stays
/// in the graph; the next run asks for it again.
pub(super) fn record_alone(
    record: PaperRecord,
    policy: &ListPolicy,
    why: &str,
) -> (CachedPaper, Unread) {
    let paper = CachedPaper {
        record: lite(record),
        link_details: false,
        citations_limit: None,
        citations_as_of: None,
    };
    let unread = Unread {
        references: Some(why.to_string()),
        citations: policy.citations.then(|| why.to_string()),
    };
    (paper, unread)
}

/// [`page_list`], a failure of this list alone ([`ApiError::is_fault_of_request`]) given as
/// `Ok(Err(why))` instead of failing the run. Errors: what stops the run (429 to the end, a
/// refusal, no network).
pub(super) async fn read_list(
    client: &Client,
    endpoint: Endpoint,
    paper_id: &str,
    wanted: Option<usize>,
    progress: &Progress,
) -> Result<std::result::Result<Vec<Link>, String>> {
    match page_list(client, endpoint, paper_id, wanted, progress).await {
        Ok(links) => Ok(Ok(links)),
        Err(err) => match err.downcast_ref::<ApiError>() {
            Some(api) if api.is_fault_of_request() => {
                tracing::warn!(
                    "{paper_id}: its {} could not be read ({}); the run goes on without them, and the next run asks again",
                    endpoint.name(),
                    api.brief()
                );
                Ok(Err(api.brief()))
            }
            _ => Err(err),
        },
    }
}

pub(super) fn pages_for(count: Option<usize>) -> u64 {
    count
        .unwrap_or(1)
        .min(LIST_REACH)
        .div_ceil(PAGE_LIMIT)
        .max(1) as u64
}

/// A whole list (or its first `wanted` items), following `next` from offset 0. A list whose
/// pages are empty although Semantic Scholar counts items (an elided reference list) ends at
/// the first empty page: asked once, not forever.
pub(super) async fn page_list(
    client: &Client,
    endpoint: Endpoint,
    paper_id: &str,
    wanted: Option<usize>,
    progress: &Progress,
) -> Result<Vec<Link>> {
    page_filtered(client, endpoint, paper_id, wanted, None, progress).await
}

/// [`page_list`] of the citations published in `published` (a `publicationDateOrYear` range), or
/// of the whole list when `None`.
pub(super) async fn page_filtered(
    client: &Client,
    endpoint: Endpoint,
    paper_id: &str,
    wanted: Option<usize>,
    published: Option<&str>,
    progress: &Progress,
) -> Result<Vec<Link>> {
    let wanted = wanted.unwrap_or(LIST_REACH).min(LIST_REACH);
    let mut links = Vec::new();
    let mut offset = 0usize;
    while links.len() < wanted && offset < LIST_REACH {
        let limit = PAGE_LIMIT
            .min(wanted - links.len())
            .min(LIST_REACH - offset);
        let page = match client
            .list_page(endpoint, paper_id, offset, limit, PAGE_FIELDS, published)
            .await
        {
            Ok(page) => page,
            Err(err) if err.status() == Some(404) => {
                tracing::warn!("{paper_id}: {err}; its list stays as fetched so far");
                break;
            }
            Err(err) => return Err(err.into()),
        };
        progress.update(&client.stats);
        let page = wire::page(&page);
        if page.skipped > 0 {
            tracing::warn!(
                "{paper_id}: {} list items are not links; skipped",
                page.skipped
            );
        }
        if page.links.is_empty() {
            break;
        }
        links.extend(page.links);
        match page.next {
            Some(next) if next > offset => offset = next,
            _ => break,
        }
    }
    links.truncate(wanted);
    Ok(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, refs: Option<u64>, cits: Option<u64>) -> PaperRecord {
        PaperRecord {
            paper_id: id.into(),
            reference_count: refs,
            citation_count: cits,
            ..PaperRecord::default()
        }
    }

    #[test]
    fn batches_respect_ids_and_size_caps() {
        let policy = ListPolicy {
            citations: true,
            max_citations: Some(500),
            link_details: false,
        };
        let mut papers: Vec<PaperRecord> = (0..1200)
            .map(|i| paper(&i.to_string(), Some(5), Some(5)))
            .collect();
        papers.push(paper("huge-a", Some(50), Some(400)));
        papers.push(paper("cited", Some(50), Some(80_000)));
        let batches = pack_batches(&papers, &policy);
        let sizes: Vec<(usize, bool)> = batches.iter().map(|(ids, n)| (ids.len(), *n)).collect();
        assert_eq!(sizes, [(500, true), (500, true), (201, true), (1, false)]);

        let big: Vec<PaperRecord> = (0..10)
            .map(|i| paper(&i.to_string(), Some(9_999), Some(9_999)))
            .collect();
        let policy = ListPolicy {
            max_citations: None,
            ..policy
        };
        let batches = pack_batches(&big, &policy);
        assert!(batches.iter().all(|(ids, _)| ids.len() == 1), "{batches:?}");
    }

    #[test]
    fn cap_detection() {
        assert!(!truncated(0, Some(25)), "an elided list is not paged");
        assert!(!truncated(140, Some(150)), "count drift is not paged");
        assert!(truncated(1000, Some(1224)));
        assert!(!truncated(1224, Some(1224)));
    }
}
