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
//! With link details (the default; `--no-link-details` skips them), step 3 is replaced by
//! pages for every paper: the link's `isInfluential` and `intents` exist only there (the batch rejects `references.intents`).
//!
//! One bad record never stops the run. A batch id that fails every request is isolated and asked
//! alone (`client.rs` documents the requests it costs); if it still fails, a lookup goes on to the
//! title match, and a paper whose record batch failed keeps the record its lookup gave, without
//! lists. A list whose pages fail is left out. Each such paper is reported with its gap
//! ([`crate::records::Gap`]: the summary, `unresolved.csv`, the exit status), and is not cached
//! as complete: the next run asks again. Offline, a cached record short of a list is analysed
//! with what it holds and reported the same way. [`OUTAGE_STREAK`](super::requests::OUTAGE_STREAK)
//! papers failing in a row stop
//! the run instead: the API is down, and the previous outputs are worth more than a graph of holes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{ApiError, Client};
use super::policy::{
    apply_policy, assemble, id_request, paper_request, title_request, CachedPaper, ListPolicy,
    LOOKUPS, PAPERS,
};
use super::progress::Progress;
use super::requests::{
    batch_fields, complete_lists, keep_lookup, pack_batches, paged_paper, pages_planned,
    parse_record, record_alone, store, Kit, Unread, BATCH_IDS, IN_FLIGHT, RECORD_FIELDS,
};
use super::resolve::{self, Answer, Answers, Source, TitleQuery};
use super::{seconds, Environment, FetchOptions};
use crate::cache::{Cache, Read};
use crate::catalog::Catalog;
use crate::records::{Corpus, Gap, PaperRecord};

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
    /// Papers (by Semantic Scholar id) with a list that could not be read, and why.
    unread: HashMap<String, Unread>,
    failures_in_a_row: Arc<std::sync::atomic::AtomicUsize>,
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
            failures_in_a_row: self.failures_in_a_row.clone(),
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
    /// network is allowed). Papers missing from the answer could not be had (the API no longer
    /// returns them, or offline and not cached); a paper with a list that could not be read is
    /// in the answer with that list `None`, and in `self.unread` with why.
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
                // Offline, a cached record short of a list is analysed with what it holds.
                Some(cached) if !network => {
                    let unread = uncached_lists(&cached, &self.policy);
                    if !unread.is_empty() {
                        self.unread.insert(lite.paper_id.clone(), unread);
                    }
                    have.insert(lite.paper_id.clone(), cached);
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
                    "{} papers: references and citations page by page, with each link's intents (--no-link-details takes the lists nested in the batch instead)",
                    todo.len()
                ),
            );
            for lite in todo {
                let kit = kit.clone();
                tasks.spawn(async move {
                    let _permit = kit.permit().await?;
                    let (paper, unread) =
                        paged_paper(&kit.client, lite, &policy, &kit.progress).await?;
                    kit.tally(!unread.is_empty(), &unread.note())?;
                    store(&kit.cache, &paper)?;
                    kit.progress.papers_done(1);
                    kit.progress.update(&kit.client.stats);
                    Ok::<_, anyhow::Error>(vec![(paper, unread)])
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
            let lites: HashMap<&str, &PaperRecord> =
                todo.iter().map(|p| (p.paper_id.as_str(), p)).collect();
            for (ids, nested_citations) in batches {
                let kit = kit.clone();
                let records: Vec<PaperRecord> = ids
                    .iter()
                    .filter_map(|id| lites.get(id.as_str()).map(|p| (*p).clone()))
                    .collect();
                tasks.spawn(async move {
                    let _permit = kit.permit().await?;
                    record_batch(&kit, &ids, records, nested_citations, &policy).await
                });
            }
        }
        while let Some(joined) = tasks.join_next().await {
            let papers = joined.context("a fetch task failed")??;
            for (paper, unread) in papers {
                if !unread.is_empty() {
                    self.unread.insert(paper.record.paper_id.clone(), unread);
                }
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
                let values = kit.client.batch_each(&chunk, RECORD_FIELDS).await?;
                kit.progress.update(&kit.client.stats);
                let mut out = Vec::new();
                for (id, value) in chunk.into_iter().zip(values) {
                    let answer = match value {
                        Ok(value) => keep_lookup(&kit.cache, &id_request(&id), value, &id)?,
                        // Not cached: the next run asks again.
                        Err(err) => Answer::Failed(err.brief()),
                    };
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
                    // Failed for good: unresolved this time, not cached.
                    Err(err) if err.is_fault_of_request() => {
                        tracing::warn!("title match for \"{}\": {}", query.title, err.brief());
                        kit.tally(true, &err.brief())?;
                        return Ok((query.normalized, Answer::Failed(err.brief())));
                    }
                    Err(err) => return Err(err.into()),
                };
                kit.tally(false, "")?;
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

/// The fetch against the API (or, with `network` false, the cache alone).
pub(crate) fn run(
    catalog: &Catalog,
    options: &FetchOptions,
    env: &Environment,
    network: bool,
) -> Result<Corpus> {
    let policy = ListPolicy::from_options(options);
    let client = if network {
        Some(Arc::new(super::connect(options, env)?))
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
        unread: HashMap::new(),
        failures_in_a_row: Arc::default(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let work = async {
        let mut resolved = resolve::resolve(catalog, &mut fetcher).await?;
        // Records Semantic Scholar merged or dropped (super::update::Moves): read under their
        // new ids, and those an update finds meanwhile followed too.
        let moves = super::update::Moves::follow(&fetcher.cache, &mut resolved);
        let wanted: Vec<PaperRecord> = resolved.iter().filter_map(|r| r.record.clone()).collect();
        let papers = fetcher.records(&wanted).await?;
        let moves = moves.finish(&fetcher.cache, &mut resolved);
        Ok::<_, anyhow::Error>((resolved, papers, moves))
    };
    // Ctrl-C is the binary's handler's (crate::interrupt): it lets the cache write under way
    // finish and ends the process, as in every other stage.
    let outcome = runtime.block_on(work);
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
    let (resolved, mut papers, moves) = outcome?;
    let found: std::collections::HashSet<String> = resolved
        .iter()
        .filter(|r| r.record.is_some())
        .map(|r| r.key.clone())
        .collect();
    let take = |id: &str| {
        let mut record = papers.remove(id)?.record;
        apply_policy(&mut record, &policy);
        Some(record)
    };
    let mut corpus = assemble(resolved, take, &policy, requests);
    for resolution in &mut corpus.resolutions {
        match &resolution.paper_id {
            Some(id) => {
                if let Some(unread) = fetcher.unread.get(id) {
                    resolution.gap = unread.gap();
                    let note = unread.note();
                    resolution.note = Some(match resolution.note.take() {
                        Some(before) => format!("{before}; {note}"),
                        None => note,
                    });
                }
            }
            // Resolved from a cached lookup, but its record is not cached.
            None if !network && found.contains(&resolution.key) => resolution.gap = Gap::NotCached,
            None => {}
        }
    }
    moves.into_corpus(&mut corpus);
    if !network {
        let missing = corpus
            .resolutions
            .iter()
            .filter(|r| r.gap == Gap::NotCached)
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

/// One batch call of records with their lists nested (`ids`, their lookup `records` in the same
/// order), each paper completed ([`complete_lists`]) and stored; a paper whose record could not
/// be read keeps its lookup's record without lists ([`record_alone`]). A paper the API no longer
/// returns is left out. Errors: what stops the run, or an outage ([`Kit::tally`]).
async fn record_batch(
    kit: &Kit,
    ids: &[String],
    records: Vec<PaperRecord>,
    nested_citations: bool,
    policy: &ListPolicy,
) -> Result<Vec<(CachedPaper, Unread)>> {
    let fields = batch_fields(nested_citations);
    let answers = kit.client.batch_each(ids, &fields).await?;
    kit.progress.update(&kit.client.stats);
    let mut papers = Vec::new();
    for ((id, answer), lite) in ids.iter().zip(answers).zip(records) {
        let (paper, unread) = match answer {
            Ok(answer) => {
                let Some(record) = parse_record(id, answer) else {
                    tracing::warn!("Semantic Scholar no longer returns the record {id}");
                    continue;
                };
                complete_lists(&kit.client, record, nested_citations, policy, &kit.progress).await?
            }
            Err(err) => record_alone(
                lite,
                policy,
                &format!("its record could not be read ({})", err.brief()),
            ),
        };
        kit.tally(!unread.is_empty(), &unread.note())?;
        store(&kit.cache, &paper)?;
        kit.progress.papers_done(1);
        kit.progress.update(&kit.client.stats);
        papers.push((paper, unread));
    }
    Ok(papers)
}

/// The lists a cached paper lacks for this run, said unread (offline: the paper is analysed with
/// what the cache holds). Lists it holds under other options (without link details, fewer
/// citations) are taken as they are.
fn uncached_lists(cached: &CachedPaper, policy: &ListPolicy) -> Unread {
    let why = || {
        "not in the cache (an earlier fetch could not read it, or did not ask for it): a run with a network asks for it"
            .to_string()
    };
    Unread {
        references: cached.record.references.is_none().then(why),
        citations: (policy.citations && cached.record.citations.is_none()).then(why),
    }
}
