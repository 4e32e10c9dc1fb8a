//! The fetch: catalogue papers resolved and their records fetched with the fewest requests the
//! API allows, every answer kept in the cache the moment it arrives.
//!
//! Requests, for a catalogue of n papers of which t need a title match:
//! 1. `POST /paper/batch` with every catalogue id (ceil(ids / 500) calls), record fields only;
//! 2. `GET /paper/search/match` for each of the t papers no id resolved (one call each: the
//!    API has no batch form of it);
//! 3. `POST /paper/batch` by Semantic Scholar id with the reference and citation lists nested
//!    (up to 9,999 items each, documented), packed so an answer stays under the API's 10 MB cap;
//! 4. `GET /paper/{id}/references` or `/citations` pages (1,000 items a page) only for a list
//!    the batch answer could not hold whole: longer than the nested cap, or citations of a paper
//!    above `--max-citations` (left out of step 3 so as not to download them).
//!
//! With `--link-details`, step 3 is replaced by pages for every paper: the link's
//! `isInfluential` and `intents` exist only there (the batch rejects `references.intents`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{ApiError, Client, Endpoint};
use super::policy::{
    apply_policy, assemble, id_request, lite, paper_request, title_request, CachedPaper,
    ListPolicy, LIST_REACH, LOOKUPS, PAPERS,
};
use super::progress::Progress;
use super::resolve::{self, Answer, Answers, Source, TitleQuery};
use super::wire;
use super::{seconds, Environment, FetchOptions};
use crate::cache::{Cache, Read};
use crate::catalog::Catalog;
use crate::records::{Corpus, Link, PaperRecord};

/// The record fields asked everywhere.
pub(super) const RECORD_FIELDS: &str =
    "paperId,externalIds,title,year,venue,publicationDate,authors,\
citationCount,influentialCitationCount,referenceCount";
/// The other paper's fields in a nested list (the batch only takes paper fields there).
const NESTED_FIELDS: [&str; 7] = [
    "paperId",
    "title",
    "year",
    "externalIds",
    "citationCount",
    "venue",
    "authors",
];
/// Fields of a `/references` or `/citations` page: the other paper's, by their plain names,
/// beside the link's own.
const PAGE_FIELDS: &str =
    "title,year,externalIds,citationCount,venue,authors,isInfluential,intents";

/// Ids per batch call (the API's maximum).
pub(super) const BATCH_IDS: usize = 500;
/// Nested items per batch call: estimated from the records' counts, which run above the items
/// listed (about 400 bytes each, 700 with venue and authors); an answer over the API's 10 MB cap
/// comes back as a too-large 400 or a 504, and `Client::batch` splits that batch and asks again.
const BATCH_NESTED_ITEMS: u64 = 20_000;
/// Items per page (the API's maximum `limit`).
const PAGE_LIMIT: usize = 1_000;
/// Nested lists are capped by the API at 9,999 (batch, documented) or 1,000 (single paper,
/// observed). A nested list shorter than its count *and* at least this long was cut by a cap;
/// a shorter one is just Semantic Scholar's usual count drift, not worth a request.
const NESTED_CAP_FLOOR: usize = 1_000;
/// Requests in flight at once (the rate limiter still spaces their starts).
const IN_FLIGHT: usize = 4;

/// What a spawned request task needs: the client, the cache to store its answer in, the
/// progress to report to, and a permit to keep at most [`IN_FLIGHT`] requests going.
#[derive(Clone)]
pub(super) struct Kit {
    pub client: Arc<Client>,
    pub cache: Cache,
    pub progress: Arc<Progress>,
    permits: Arc<Semaphore>,
}

impl Kit {
    pub(super) async fn permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit> {
        Ok(self.permits.clone().acquire_owned().await?)
    }
}

/// The cache plus, when the network is allowed, the client: a [`Source`] for resolution and
/// the fetcher of records.
struct Fetcher {
    cache: Cache,
    client: Option<Arc<Client>>,
    read_cache: bool,
    max_age: Option<Duration>,
    policy: ListPolicy,
    /// `--update`: cached papers are brought up to date ([`super::update`]), and ids or titles
    /// the API did not know are asked again.
    update: bool,
    progress: Arc<Progress>,
    corrupt: usize,
    reused: usize,
}

impl Fetcher {
    /// A cached answer, unless `--refresh`, stale or corrupt (reported, then refetched).
    fn cached<T: serde::de::DeserializeOwned>(
        &mut self,
        namespace: &str,
        request: &str,
    ) -> Option<T> {
        if !self.read_cache {
            return None;
        }
        match self.cache.get::<T>(namespace, request, self.max_age) {
            Ok(Read::Hit(entry)) => {
                self.reused += 1;
                Some(entry.body)
            }
            Ok(Read::Miss) | Ok(Read::Stale) => None,
            Ok(Read::Corrupt(reason)) => {
                self.corrupt += 1;
                tracing::warn!("corrupt cache file, not trusted: {reason}; fetching it again");
                None
            }
            Err(err) => {
                tracing::warn!("{err}; fetching it again");
                None
            }
        }
    }

    /// The kit for request tasks, when the network is allowed.
    pub(super) fn kit(&self) -> Option<Kit> {
        Some(Kit {
            client: self.client.clone()?,
            cache: self.cache.clone(),
            progress: self.progress.clone(),
            permits: Arc::new(Semaphore::new(IN_FLIGHT)),
        })
    }

    fn cached_lookup(&mut self, request: &str) -> Option<Answer> {
        let answer = self
            .cached::<Option<PaperRecord>>(LOOKUPS, request)
            .map(|body| body.map_or(Answer::Unknown, |r| Answer::Found(Box::new(r))));
        // An update asks again what the API did not know: the paper may be indexed since.
        if self.update && self.client.is_some() && answer == Some(Answer::Unknown) {
            return None;
        }
        answer
    }

    /// Complete records for every resolved paper: from the cache, else fetched (when the
    /// network is allowed). Papers missing from the answer could not be had.
    async fn records(&mut self, wanted: &[PaperRecord]) -> Result<HashMap<String, CachedPaper>> {
        let mut have = HashMap::new();
        let mut todo: Vec<PaperRecord> = Vec::new();
        let mut to_update: Vec<CachedPaper> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let network = self.client.is_some();
        for lite in wanted {
            if !seen.insert(lite.paper_id.as_str()) {
                continue;
            }
            match self.cached::<CachedPaper>(PAPERS, &paper_request(&lite.paper_id)) {
                Some(cached) if self.policy.satisfied_by(&cached) => {
                    if self.update && network {
                        to_update.push(cached);
                    } else {
                        have.insert(lite.paper_id.clone(), cached);
                    }
                }
                _ => todo.push(lite.clone()),
            }
        }
        self.progress.papers_done(have.len() as u64);
        let Some(kit) = self.kit() else {
            return Ok(have);
        };
        if !to_update.is_empty() {
            have.extend(super::update::update(&kit, to_update, &self.policy).await?);
        }
        if todo.is_empty() {
            return Ok(have);
        }
        let mut tasks = JoinSet::new();
        let policy = self.policy;
        if policy.link_details {
            self.progress.phase(
                "lists",
                todo.iter().map(|p| pages_planned(p, &policy)).sum(),
                &format!(
                    "{} papers: references and citations page by page (--link-details)",
                    todo.len()
                ),
            );
            for lite in todo {
                let kit = kit.clone();
                tasks.spawn(async move {
                    let _permit = kit.permit().await?;
                    let paper = paged_paper(&kit.client, lite, &policy, &kit.progress).await?;
                    store(&kit.cache, &paper)?;
                    kit.progress.papers_done(1);
                    kit.progress.update(&kit.client.stats);
                    Ok::<_, anyhow::Error>(vec![paper])
                });
            }
        } else {
            let batches = pack_batches(&todo, &policy);
            self.progress.phase(
                "records",
                batches.len() as u64,
                &format!(
                    "{} papers with their lists nested: {} batch call(s)",
                    todo.len(),
                    batches.len()
                ),
            );
            for (ids, nested_citations) in batches {
                let kit = kit.clone();
                tasks.spawn(async move {
                    let _permit = kit.permit().await?;
                    let fields = batch_fields(nested_citations);
                    let answers = kit.client.batch(&ids, &fields).await?;
                    kit.progress.update(&kit.client.stats);
                    let mut papers = Vec::new();
                    for (id, answer) in ids.iter().zip(answers) {
                        let Some(record) = parse_record(id, answer) else {
                            tracing::warn!("Semantic Scholar no longer returns the record {id}");
                            continue;
                        };
                        let paper = complete(
                            &kit.client,
                            record,
                            nested_citations,
                            &policy,
                            &kit.progress,
                        )
                        .await?;
                        store(&kit.cache, &paper)?;
                        kit.progress.papers_done(1);
                        kit.progress.update(&kit.client.stats);
                        papers.push(paper);
                    }
                    Ok::<_, anyhow::Error>(papers)
                });
            }
        }
        while let Some(joined) = tasks.join_next().await {
            let papers = joined.context("a fetch task failed")??;
            for paper in papers {
                have.insert(paper.record.paper_id.clone(), paper);
            }
        }
        Ok(have)
    }
}

impl Source for Fetcher {
    async fn lookup_ids(&mut self, ids: &[String]) -> Result<Answers> {
        let mut answers = Answers::new();
        let mut todo = Vec::new();
        for id in ids {
            match self.cached_lookup(&id_request(id)) {
                Some(answer) => {
                    answers.insert(id.clone(), answer);
                }
                None => todo.push(id.clone()),
            }
        }
        let Some(kit) = self.kit() else {
            return Ok(answers);
        };
        let chunks: Vec<Vec<String>> = todo.chunks(BATCH_IDS).map(<[String]>::to_vec).collect();
        self.progress.phase(
            "ids",
            chunks.len() as u64,
            &format!(
                "{} catalogue ids: {} cached, {} to ask in {} batch call(s)",
                ids.len(),
                ids.len() - todo.len(),
                todo.len(),
                chunks.len()
            ),
        );
        let mut tasks = JoinSet::new();
        for chunk in chunks {
            let kit = kit.clone();
            tasks.spawn(async move {
                let _permit = kit.permit().await?;
                let values = kit.client.batch(&chunk, RECORD_FIELDS).await?;
                kit.progress.update(&kit.client.stats);
                let mut out = Vec::new();
                for (id, value) in chunk.into_iter().zip(values) {
                    let answer = keep_lookup(&kit.cache, &id_request(&id), value, &id)?;
                    out.push((id, answer));
                }
                Ok::<_, anyhow::Error>(out)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            answers.extend(joined.context("a lookup task failed")??);
        }
        Ok(answers)
    }

    async fn match_titles(&mut self, queries: &[TitleQuery]) -> Result<Answers> {
        let mut answers = Answers::new();
        let mut todo = Vec::new();
        for query in queries {
            match self.cached_lookup(&title_request(&query.normalized)) {
                Some(answer) => {
                    answers.insert(query.normalized.clone(), answer);
                }
                None => todo.push(query.clone()),
            }
        }
        let Some(kit) = self.kit() else {
            return Ok(answers);
        };
        self.progress.phase(
            "titles",
            todo.len() as u64,
            &format!(
                "{} papers to match by title: {} cached, {} to ask (one call each)",
                queries.len(),
                queries.len() - todo.len(),
                todo.len()
            ),
        );
        let mut tasks = JoinSet::new();
        for query in todo {
            let kit = kit.clone();
            tasks.spawn(async move {
                let _permit = kit.permit().await?;
                let result = kit.client.match_title(&query.title, RECORD_FIELDS).await;
                kit.progress.update(&kit.client.stats);
                let found = match result {
                    Ok(found) => found.unwrap_or(Value::Null),
                    // The API refused this title (too long, odd characters): unresolved, and
                    // not cached, so that a fixed title is asked again.
                    Err(err @ ApiError::Refused { status: 400, .. }) => {
                        tracing::warn!("title match for \"{}\": {err}", query.title);
                        return Ok::<_, anyhow::Error>((query.normalized, Answer::Unknown));
                    }
                    Err(err) => return Err(err.into()),
                };
                let request = title_request(&query.normalized);
                let answer = keep_lookup(&kit.cache, &request, found, &query.title)?;
                Ok((query.normalized, answer))
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let (normalized, answer) = joined.context("a title task failed")??;
            answers.insert(normalized, answer);
        }
        Ok(answers)
    }
}

/// Caches a lookup answer (a record, or `null` for unknown) and returns it. An answer that is
/// not a record is not cached: it is asked again next time.
fn keep_lookup(cache: &Cache, request: &str, value: Value, query: &str) -> Result<Answer> {
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

/// Pages a paper will take with `--link-details` (for the progress plan).
fn pages_planned(paper: &PaperRecord, policy: &ListPolicy) -> u64 {
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
fn truncated(len: usize, count: Option<u64>) -> bool {
    len >= NESTED_CAP_FLOOR && count.is_some_and(|count| (len as u64) < count)
}

/// Completes a batch record: lists cut by a cap, or left out, are paged.
pub(super) async fn complete(
    client: &Client,
    mut record: PaperRecord,
    nested_citations: bool,
    policy: &ListPolicy,
    progress: &Progress,
) -> Result<CachedPaper> {
    let mut references = record.references.take().unwrap_or_default();
    if truncated(references.len(), record.reference_count) {
        tracing::debug!(
            "{}: {} of {:?} references nested; paging the whole list",
            record.paper_id,
            references.len(),
            record.reference_count
        );
        progress.plan_more(pages_for(record.reference_count.map(|c| c as usize)));
        references = page_list(
            client,
            Endpoint::References,
            &record.paper_id,
            None,
            progress,
        )
        .await?;
    }
    record.references = Some(references);

    let nested = record.citations.take();
    let started = now_secs();
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
            citations = page_list(
                client,
                Endpoint::Citations,
                &record.paper_id,
                Some(wanted),
                progress,
            )
            .await?;
        }
        citations.truncate(policy.max_citations.unwrap_or(usize::MAX));
        Some(citations)
    } else {
        None
    };
    Ok(CachedPaper {
        record,
        // Some lists may have come from pages, but not all of them: the record as a whole
        // lacks link details.
        link_details: false,
        citations_limit: if policy.citations {
            policy.max_citations
        } else {
            None
        },
        citations_as_of: policy.citations.then_some(started),
    })
}

/// A paper fetched page by page (`--link-details`), its fields from the lookup.
async fn paged_paper(
    client: &Client,
    mut record: PaperRecord,
    policy: &ListPolicy,
    progress: &Progress,
) -> Result<CachedPaper> {
    let started = now_secs();
    record.references = Some(match record.reference_count {
        Some(0) => Vec::new(),
        _ => {
            page_list(
                client,
                Endpoint::References,
                &record.paper_id,
                None,
                progress,
            )
            .await?
        }
    });
    record.citations = if policy.citations {
        let wanted = policy.citations_wanted(record.citation_count);
        Some(if wanted == 0 {
            Vec::new()
        } else {
            page_list(
                client,
                Endpoint::Citations,
                &record.paper_id,
                Some(wanted),
                progress,
            )
            .await?
        })
    } else {
        None
    };
    Ok(CachedPaper {
        record,
        link_details: true,
        citations_limit: if policy.citations {
            policy.max_citations
        } else {
            None
        },
        citations_as_of: policy.citations.then_some(started),
    })
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

/// The fetch against the API (or, with `network` false, the cache alone).
pub(crate) fn run(
    catalog: &Catalog,
    options: &FetchOptions,
    env: &Environment,
    network: bool,
) -> Result<Corpus> {
    let policy = ListPolicy::from_options(options);
    let client = if network {
        Some(Arc::new(super::connect(options)?))
    } else {
        None
    };
    let max_age = options
        .max_age
        .map(|days| seconds("--max-age", days * 86_400.0))
        .transpose()?;
    let mut fetcher = Fetcher {
        cache: Cache::new(&env.cache_dir),
        client: client.clone(),
        read_cache: !options.refresh,
        max_age,
        policy,
        update: options.update,
        progress: Arc::new(Progress::new(catalog.papers.len(), network)),
        corrupt: 0,
        reused: 0,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let work = async {
        let resolved = resolve::resolve(catalog, &mut fetcher).await?;
        let wanted: Vec<PaperRecord> = resolved.iter().filter_map(|r| r.record.clone()).collect();
        let papers = fetcher.records(&wanted).await?;
        Ok::<_, anyhow::Error>((resolved, papers))
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            outcome = work => outcome,
            _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!(
                "interrupted: every answer received so far is in the cache under {}; rerun to resume",
                env.cache_dir.display()
            )),
        }
    });
    fetcher.progress.finish();
    let requests = client.as_ref().map_or(0, |c| c.stats.requests());
    if let Some(client) = &client {
        tracing::info!(
            "{requests} requests ({}), {} retries; {} answers from the cache",
            client.stats.breakdown(),
            client.stats.retries(),
            fetcher.reused
        );
    }
    if fetcher.corrupt > 0 {
        tracing::warn!("{} corrupt cache files were refetched", fetcher.corrupt);
    }
    let (resolved, mut papers) = outcome?;
    let take = |id: &str| {
        let mut record = papers.remove(id)?.record;
        apply_policy(&mut record, &policy);
        Some(record)
    };
    let corpus = assemble(resolved, take, &policy, requests);
    if !network {
        let missing = corpus
            .resolutions
            .iter()
            .filter(|r| {
                r.note
                    .as_deref()
                    .is_some_and(|n| n.contains("not in the cache"))
            })
            .count();
        if missing > 0 {
            tracing::warn!(
                "{missing} of {} catalogue papers are not in the cache under {}: run `citegraph fetch` with a network first, or give --snapshot FILE",
                corpus.resolutions.len(),
                env.cache_dir.display()
            );
        }
    }
    Ok(corpus)
}

/// Seconds since the Unix epoch (0 on a clock set before it).
pub(super) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
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
