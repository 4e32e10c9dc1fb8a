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

use super::client::{ApiError, Client};
use super::policy::{
    apply_policy, assemble, id_request, paper_request, title_request, CachedPaper, ListPolicy,
    LOOKUPS, PAPERS,
};
use super::progress::Progress;
use super::requests::{
    batch_fields, complete, keep_lookup, pack_batches, paged_paper, pages_planned, parse_record,
    store, Kit, BATCH_IDS, IN_FLIGHT, RECORD_FIELDS,
};
use super::resolve::{self, Answer, Answers, Source, TitleQuery};
use super::{seconds, Environment, FetchOptions};
use crate::cache::{Cache, Read};
use crate::catalog::Catalog;
use crate::records::{Corpus, PaperRecord};

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
    let (resolved, mut papers, moves) = outcome?;
    let take = |id: &str| {
        let mut record = papers.remove(id)?.record;
        apply_policy(&mut record, &policy);
        Some(record)
    };
    let mut corpus = assemble(resolved, take, &policy, requests);
    moves.into_corpus(&mut corpus);
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
