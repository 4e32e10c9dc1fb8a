//! The lists `--expand N` asks for: one page (up to 1,000 items) of a missing paper's citers or
//! references, so that its scope is decided on its neighbourhood's links (see
//! `analysis/missing.rs`, "Expansion"). Every answer is cached (namespace `expand`, keyed by list
//! and paper id) the moment it arrives, so a rerun asks nothing; a cached list is used even when
//! the network is off. At most `limit` requests are made; a request that still fails after its
//! retries is reported and the row keeps its catalogue-only statistic.

use std::sync::Arc;

use anyhow::{Context, Result};

use super::client::{Client, Endpoint};
use super::wire;
use super::{connect, seconds, Environment, FetchOptions};
use crate::cache::{Cache, Read};
use crate::records::{ExpandList, ExpandRequest, Expansions};

/// Cache namespace of the expansion lists.
const EXPAND: &str = "expand";
/// Items asked per list: one page, the API's maximum `limit`.
const PAGE_ITEMS: usize = 1_000;

/// What an expansion did: how many lists came from the cache, how many were fetched, failed, or
/// left out (over the budget, without a network, or a paper of another source alone), and the
/// requests made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpandStats {
    pub cached: usize,
    pub fetched: usize,
    pub failed: usize,
    pub skipped: usize,
    pub requests: u64,
}

fn cache_key(request: &ExpandRequest) -> String {
    format!("{}/{}", request.list.as_str(), request.paper_id)
}

/// The lists of `requests`: from the cache, then from the API (when `env` allows the network)
/// for at most `budget` of the others, in order. Errors only when the runtime or the client
/// cannot start; a failed request is a warning.
pub fn expand(
    requests: &[ExpandRequest],
    budget: usize,
    options: &FetchOptions,
    env: &Environment,
) -> Result<(Expansions, ExpandStats)> {
    let cache = Cache::new(&env.cache_dir);
    let max_age = options
        .max_age
        .map(|days| seconds("--max-age", days * 86_400.0))
        .transpose()?;
    let mut expansions = Expansions::default();
    let mut stats = ExpandStats::default();
    let mut todo = Vec::new();
    // A paper another source alone knows (`openalex:W…`, `doi:…`, `omid:…`) has no Semantic
    // Scholar id to ask about: it is left out, never sent (the API would answer 404).
    let (requests, foreign): (Vec<&ExpandRequest>, Vec<&ExpandRequest>) =
        requests.iter().partition(|r| !r.paper_id.contains(':'));
    if !foreign.is_empty() {
        tracing::debug!(
            "expansion: {} of other sources alone, not asked of Semantic Scholar",
            foreign.len()
        );
    }
    for request in requests {
        let cached = if options.refresh {
            Ok(Read::Miss)
        } else {
            cache.get::<Vec<String>>(EXPAND, &cache_key(request), max_age)
        };
        match cached {
            Ok(Read::Hit(entry)) => {
                stats.cached += 1;
                expansions
                    .lists
                    .insert((request.paper_id.clone(), request.list), entry.body);
            }
            Ok(Read::Corrupt(reason)) => {
                tracing::warn!("corrupt cache file, not trusted: {reason}; fetching it again");
                todo.push(request);
            }
            Err(err) => {
                tracing::warn!("{err}; fetching it again");
                todo.push(request);
            }
            Ok(Read::Miss) | Ok(Read::Stale) => todo.push(request),
        }
    }
    if env.offline || todo.is_empty() || budget == 0 {
        stats.skipped = todo.len() + foreign.len();
        return Ok((expansions, stats));
    }
    stats.skipped = todo.len().saturating_sub(budget) + foreign.len();
    todo.truncate(budget);
    let client = Arc::new(connect(options, env)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    tracing::info!(
        "expansion: {} lists of thin-evidence missing papers to fetch ({} cached)",
        todo.len(),
        stats.cached
    );
    runtime.block_on(async {
        for request in todo {
            match one_list(&client, request).await {
                Ok(ids) => {
                    if let Err(err) = cache.put(EXPAND, &cache_key(request), &ids) {
                        tracing::warn!("{err}");
                    }
                    stats.fetched += 1;
                    expansions
                        .lists
                        .insert((request.paper_id.clone(), request.list), ids);
                }
                Err(err) => {
                    stats.failed += 1;
                    tracing::warn!(
                        "expansion of {} ({}): {err}; its scope stays on the catalogue's links",
                        request.paper_id,
                        request.list.as_str()
                    );
                }
            }
        }
    });
    stats.requests = client.stats.requests();
    tracing::info!(
        "expansion: {} requests ({}); {} lists fetched, {} from the cache, {} failed",
        stats.requests,
        client.stats.breakdown(),
        stats.fetched,
        stats.cached,
        stats.failed
    );
    Ok((expansions, stats))
}

/// The first page of one list, as paper ids (items without an id are dropped).
async fn one_list(client: &Client, request: &ExpandRequest) -> Result<Vec<String>> {
    let endpoint = match request.list {
        ExpandList::Citations => Endpoint::Citations,
        ExpandList::References => Endpoint::References,
    };
    let page = client
        .list_page(endpoint, &request.paper_id, 0, PAGE_ITEMS, "paperId", None)
        .await?;
    Ok(wire::page(&page)
        .links
        .into_iter()
        .filter_map(|link| link.paper_id)
        .collect())
}
