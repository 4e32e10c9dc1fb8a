//! Resolving catalogue papers in OpenAlex and reading their references and citers, through the
//! cache (`CACHE/openalex/works` for singletons, `CACHE/openalex/lists` for list pages).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::cache::{Cache, Read};
use crate::records::sources::{Source, SourceCorpus, SourceLists, Wanted};
use crate::records::{Gap, Link};

use super::budget::Budget;
use super::client::{ApiKey, Client, ClientConfig, OaError};
use super::wire::{self, ListPage, Work};
use super::{OpenAlexOptions, LIST_CREDITS, SEARCH_CREDITS};

/// Bumped when what a cache entry holds changes (the `select=` lists): older entries are then
/// asked again instead of read without the fields now needed.
const CACHE_VERSION: &str = "v1";
const WORKS: &str = "openalex/works";
const LISTS: &str = "openalex/lists";
/// Ids in one `openalex_id:` or `cites:` filter (the server's `MAX_IDS_IN_FILTER`).
const MAX_FILTER_IDS: usize = 100;
/// Results a list call asks for (`per_page`; the 2026 documentation's maximum).
const PER_PAGE: usize = 100;
/// Candidates of a title search looked at.
const SEARCH_PER_PAGE: usize = 10;
/// Years a version may lie from the catalogue's year (a preprint a year or two before its
/// journal version).
const YEAR_SLACK: i32 = 2;

/// Why a request has no answer.
#[derive(Debug, Clone, PartialEq)]
enum Miss {
    /// Offline, and not in the cache.
    NotCached,
    /// Failed, or not asked because the client stopped: the reason.
    Failed(String),
}

impl Miss {
    fn gap(&self) -> Gap {
        match self {
            Miss::NotCached => Gap::NotCached,
            Miss::Failed(_) => Gap::RequestFailed,
        }
    }

    fn reason(&self) -> String {
        match self {
            Miss::NotCached => "not in the cache (offline)".to_string(),
            Miss::Failed(reason) => reason.clone(),
        }
    }
}

mod update;

/// The cache in front of the client.
struct Asker {
    client: Option<Client>,
    cache: Cache,
    refresh: bool,
    max_age: Option<Duration>,
    /// `--update`: works re-asked, citer lists brought up to date ([`update`]).
    update: bool,
    /// Ask the server whatever the cache holds (an update's whole list, its recent citers).
    fresh: bool,
    /// Under `--update`: each work's `cited_by_count` as the cache held it before this run
    /// re-asked the work.
    previous_counts: HashMap<String, u64>,
}

pub(super) fn run(
    wanted: &[Wanted],
    options: &OpenAlexOptions,
    env: &crate::s2::Environment,
) -> anyhow::Result<SourceCorpus> {
    let max_age = match options.max_age {
        Some(days) => Some(super::seconds("--max-age", days * 86_400.0)?),
        None => None,
    };
    let client = if env.offline {
        None
    } else {
        let key = ApiKey::from_env()?;
        let limit = options.daily_credits.unwrap_or(if key.is_some() {
            super::KEYED_CREDITS
        } else {
            super::KEYLESS_CREDITS
        });
        let config = ClientConfig {
            base_url: options.api_url.clone(),
            mailto: options.mailto.clone(),
            rps: options.rps,
            max_retries: options.max_retries,
            timeout: super::seconds("--timeout", options.timeout)?,
            retry_delay: super::seconds("--retry-delay", options.retry_delay)?,
        };
        Some(Client::new(
            &config,
            key,
            Budget::load(&env.cache_dir, limit),
        )?)
    };
    let mut asker = Asker {
        client,
        cache: Cache::new(&env.cache_dir),
        refresh: options.refresh,
        max_age,
        update: options.update,
        fresh: false,
        previous_counts: HashMap::new(),
    };
    let mut corpus = SourceCorpus {
        source: Some(Source::OpenAlex),
        ..Default::default()
    };
    for paper in wanted {
        if options.fill_only && paper.thin.is_none() {
            continue;
        }
        corpus.lists.push(asker.paper(paper, options)?);
    }
    // Kept lists hold the flags of their fetch: `--update` asks the linked works' flags again.
    let ask = asker.update && asker.client.is_some();
    asker.refresh_retractions(&mut corpus.lists, ask)?;
    if let Some(client) = &asker.client {
        corpus.requests = client.requests;
        let budget = client.budget();
        tracing::info!(
            "OpenAlex: {} asked, {} found, {}; {} of {} credits of today's budget used",
            corpus.lists.len(),
            corpus.lists.iter().filter(|l| !l.ids.is_empty()).count(),
            crate::text::count(client.requests as usize, "request"),
            budget.used(),
            budget.limit()
        );
    }
    Ok(corpus)
}

impl Asker {
    /// Everything OpenAlex has for one paper. Errors: the cache cannot be written.
    fn paper(&mut self, paper: &Wanted, options: &OpenAlexOptions) -> anyhow::Result<SourceLists> {
        let mut lists = SourceLists {
            key: paper.key.clone(),
            ..Default::default()
        };
        let mut notes: Vec<String> = Vec::new();
        let (versions, miss) = self.versions(paper, &mut notes)?;
        match (versions.is_empty(), miss) {
            (true, Some(miss)) => {
                lists.gap = miss.gap();
                lists.note = Some(format!("not resolved in OpenAlex: {}", miss.reason()));
                return Ok(lists);
            }
            (true, None) => {
                lists.note = Some("not found in OpenAlex (by DOI, arXiv DOI or title)".to_string());
                return Ok(lists);
            }
            // Found, but a version may be missing: a rerun may find it.
            (false, Some(miss)) => lists.gap = miss.gap(),
            (false, None) => {}
        }
        lists.ids = versions
            .iter()
            .filter_map(Work::key)
            .map(|k| format!("openalex:{k}"))
            .collect();
        lists.retracted = versions.iter().any(|w| w.is_retracted == Some(true));
        let mut retracted: Vec<String> = Vec::new();

        // References: from the version that has them (published first).
        let with_refs = versions
            .iter()
            .filter(|w| w.has_references())
            .min_by_key(|w| w.is_preprint());
        match with_refs {
            None => notes.push("OpenAlex has no reference list for it".to_string()),
            Some(work) => match self.references(work, &mut notes)? {
                Ok(works) => lists.references = Some(links(&works, &mut retracted)),
                Err(miss) => {
                    lists.gap = miss.gap();
                    notes.push(format!("references not read: {}", miss.reason()));
                }
            },
        }
        if !options.no_citations {
            let keys: Vec<String> = versions.iter().filter_map(Work::key).collect();
            let count: Option<u64> = versions.iter().map(|w| w.cited_by_count).sum();
            match self.citers(&keys, count, options.max_citations, &mut notes)? {
                Ok(works) => lists.citations = Some(links(&works, &mut retracted)),
                Err(miss) => {
                    lists.gap = miss.gap();
                    notes.push(format!("citers not read: {}", miss.reason()));
                }
            }
        }
        retracted.sort();
        retracted.dedup();
        lists.retracted_links = retracted;
        if !notes.is_empty() {
            lists.note = Some(notes.join("; "));
        }
        Ok(lists)
    }

    /// The paper's OpenAlex works: by each DOI, by its arXiv DOI, and by title when no published
    /// version turned up. Deduplicated by id; the published version first. With the first
    /// lookup that had no answer (each one noted in `notes`).
    fn versions(
        &mut self,
        paper: &Wanted,
        notes: &mut Vec<String>,
    ) -> anyhow::Result<(Vec<Work>, Option<Miss>)> {
        let mut found: Vec<Work> = Vec::new();
        let mut first_miss: Option<Miss> = None;
        let mut asked: Vec<String> = paper.dois.iter().map(|d| format!("doi:{d}")).collect();
        if let Some(arxiv) = &paper.arxiv {
            asked.push(format!("doi:10.48550/arXiv.{arxiv}"));
        }
        for id in asked {
            match self.singleton(&id)? {
                Ok(Some(work)) => add(&mut found, work),
                Ok(None) => {}
                Err(miss) => {
                    notes.push(format!("/works/{id} not read: {}", miss.reason()));
                    first_miss.get_or_insert(miss);
                }
            }
        }
        if !found.iter().any(|w| !w.is_preprint()) && !paper.title.trim().is_empty() {
            match self.search(paper)? {
                Ok(candidates) => {
                    let have_preprint = found.iter().any(Work::is_preprint);
                    let mut picked: Vec<Work> = Vec::new();
                    if let Some(published) = candidates.iter().find(|w| !w.is_preprint()) {
                        picked.push(published.clone());
                    }
                    if !have_preprint {
                        if let Some(preprint) = candidates.iter().find(|w| w.is_preprint()) {
                            picked.push(preprint.clone());
                        }
                    }
                    for candidate in picked {
                        let Some(key) = candidate.key() else { continue };
                        if found
                            .iter()
                            .any(|w| w.key().as_deref() == Some(key.as_str()))
                        {
                            continue;
                        }
                        // The list answer has no reference list: the singleton (free) has.
                        match self.singleton(&key)? {
                            Ok(Some(work)) => add(&mut found, work),
                            Ok(None) => {}
                            Err(miss) => {
                                notes.push(format!("/works/{key} not read: {}", miss.reason()));
                                first_miss.get_or_insert(miss);
                            }
                        }
                    }
                }
                Err(miss) => {
                    notes.push(format!("title search not made: {}", miss.reason()));
                    first_miss.get_or_insert(miss);
                }
            }
        }
        found.sort_by_key(Work::is_preprint);
        Ok((found, first_miss))
    }

    /// Title search candidates that are this paper: same title, year within [`YEAR_SLACK`], an
    /// author surname in common (when both sides list authors). In relevance order.
    fn search(&mut self, paper: &Wanted) -> anyhow::Result<Result<Vec<Work>, Miss>> {
        let words = wire::search_words(&paper.title);
        if words.is_empty() {
            return Ok(Ok(Vec::new()));
        }
        let filter = format!("title.search:{words}");
        let page = match self.list(&filter, SEARCH_PER_PAGE, None, SEARCH_CREDITS)? {
            Ok(page) => page,
            Err(miss) => return Ok(Err(miss)),
        };
        Ok(Ok(page
            .results
            .into_iter()
            .filter(|work| is_same_paper(paper, work))
            .collect()))
    }

    /// The works `work` cites, resolved [`MAX_FILTER_IDS`] a call. Referenced ids OpenAlex no
    /// longer has (merged or deleted) are counted in a note.
    fn references(
        &mut self,
        work: &Work,
        notes: &mut Vec<String>,
    ) -> anyhow::Result<Result<Vec<Work>, Miss>> {
        let keys = work.reference_keys();
        let mut works: Vec<Work> = Vec::new();
        for chunk in keys.chunks(MAX_FILTER_IDS) {
            let filter = format!("openalex_id:{}", chunk.join("|"));
            match self.list(&filter, PER_PAGE.max(chunk.len()), None, LIST_CREDITS)? {
                Ok(page) => {
                    for found in page.results {
                        add(&mut works, found);
                    }
                }
                Err(miss) => return Ok(Err(miss)),
            }
        }
        if works.len() < keys.len() {
            notes.push(format!(
                "{} of {} referenced works not in OpenAlex (merged or deleted)",
                keys.len() - works.len(),
                keys.len()
            ));
        }
        Ok(Ok(works))
    }

    /// The works citing any of `keys` (the paper's versions, whose `cited_by_count`s sum to
    /// `count`), cursor-paged, deduplicated, at most `max` of them. Under `--update` (all of
    /// them, the versions in one filter), only what may have changed ([`update`]).
    fn citers(
        &mut self,
        keys: &[String],
        count: Option<u64>,
        max: Option<usize>,
        notes: &mut Vec<String>,
    ) -> anyhow::Result<Result<Vec<Work>, Miss>> {
        let own: HashSet<&str> = keys.iter().map(String::as_str).collect();
        let updating = self.update && self.client.is_some();
        if updating && max.is_none() && keys.len() <= MAX_FILTER_IDS {
            match self.update_citers(keys, count, &own)? {
                Ok(update::Citers::Updated(works)) => return Ok(Ok(works)),
                Ok(update::Citers::Whole) => {}
                Err(miss) => return Ok(Err(miss)),
            }
        }
        // An update that could not merge (or a cut list) reads the whole list afresh.
        let fresh = self.fresh;
        self.fresh = fresh || updating;
        let works = self.all_citers(keys, &own, max, notes);
        self.fresh = fresh;
        works
    }

    /// Every page of the citers of `keys`, at most `max` of them (see [`Self::citers`]).
    fn all_citers(
        &mut self,
        keys: &[String],
        own: &HashSet<&str>,
        max: Option<usize>,
        notes: &mut Vec<String>,
    ) -> anyhow::Result<Result<Vec<Work>, Miss>> {
        let mut works: Vec<Work> = Vec::new();
        for chunk in keys.chunks(MAX_FILTER_IDS) {
            let filter = format!("cites:{}", chunk.join("|"));
            let mut cursor = "*".to_string();
            loop {
                let page = match self.list(&filter, PER_PAGE, Some(&cursor), LIST_CREDITS)? {
                    Ok(page) => page,
                    Err(miss) => return Ok(Err(miss)),
                };
                let empty = page.results.is_empty();
                for found in page.results {
                    if !found.key().is_some_and(|k| own.contains(k.as_str())) {
                        add(&mut works, found);
                    }
                }
                if let Some(max) = max.filter(|max| works.len() >= *max) {
                    works.truncate(max);
                    notes.push(format!("citers cut at {max} (--max-citations)"));
                    return Ok(Ok(works));
                }
                match page.meta.next_cursor {
                    Some(next) if !empty && next != cursor => cursor = next,
                    _ => break,
                }
            }
        }
        Ok(Ok(works))
    }

    /// `GET /works/{id}` (`doi:…` or `W…`), cache first: the work, `None` when OpenAlex does not
    /// know it (404; cached too).
    fn singleton(&mut self, id: &str) -> anyhow::Result<Result<Option<Work>, Miss>> {
        let request = format!("{CACHE_VERSION} work {id}");
        if self.update && self.client.is_some() {
            // Re-asked (free); the count it had is what the citers' update starts from.
            if let Ok(Read::Hit(entry)) = self.cache.get::<Option<Work>>(WORKS, &request, None) {
                if let Some(work) = entry.body {
                    if let (Some(key), Some(count)) = (work.key(), work.cited_by_count) {
                        self.previous_counts.insert(key, count);
                    }
                }
            }
        } else if let Some(hit) = self.cached::<Option<Work>>(WORKS, &request) {
            return Ok(Ok(hit));
        }
        let Some(client) = self.client.as_mut() else {
            return Ok(Err(Miss::NotCached));
        };
        let encoded = percent_encoding::utf8_percent_encode(id, PATH_SEGMENT).to_string();
        let answer = client.get(
            &format!("/works/{encoded}"),
            &[("select", wire::WORK_SELECT)],
            0,
        );
        let work = match answer {
            Ok(Some(value)) => match serde_json::from_value::<Work>(value) {
                Ok(work) if work.key().is_some() => Some(work),
                Ok(_) => {
                    return Ok(Err(Miss::Failed(format!(
                        "/works/{id}: a work without an id"
                    ))))
                }
                Err(err) => {
                    return Ok(Err(Miss::Failed(format!(
                        "/works/{id}: not a work ({err})"
                    ))))
                }
            },
            Ok(None) => None,
            Err(err) => return Ok(Err(failed(err))),
        };
        self.cache.put(WORKS, &request, &work)?;
        Ok(Ok(work))
    }

    /// One list page, cache first: `GET /works?filter=…&per_page=…&select=…[&cursor=…]`.
    fn list(
        &mut self,
        filter: &str,
        per_page: usize,
        cursor: Option<&str>,
        credits: u64,
    ) -> anyhow::Result<Result<ListPage, Miss>> {
        let request = list_request(filter, per_page, cursor);
        if let Some(hit) = self.cached::<ListPage>(LISTS, &request) {
            return Ok(Ok(hit));
        }
        let Some(client) = self.client.as_mut() else {
            return Ok(Err(Miss::NotCached));
        };
        let per_page = per_page.to_string();
        let mut query = vec![
            ("filter", filter),
            ("per_page", per_page.as_str()),
            ("select", wire::LINK_SELECT),
        ];
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor));
        }
        let page = match client.get("/works", &query, credits) {
            Ok(Some(value)) => match serde_json::from_value::<ListPage>(value) {
                Ok(page) => page,
                Err(err) => {
                    return Ok(Err(Miss::Failed(format!(
                        "/works?filter={filter}: not a list page ({err})"
                    ))))
                }
            },
            Ok(None) => ListPage::default(),
            Err(err) => return Ok(Err(failed(err))),
        };
        self.cache.put(LISTS, &request, &page)?;
        Ok(Ok(page))
    }

    /// A cached answer to use: any entry offline, else one neither stale nor refreshed.
    fn cached<T: serde::de::DeserializeOwned>(&self, namespace: &str, request: &str) -> Option<T> {
        let offline = self.client.is_none();
        if (self.refresh || self.fresh) && !offline {
            return None;
        }
        let max_age = if offline { None } else { self.max_age };
        match self.cache.get::<T>(namespace, request, max_age) {
            Ok(Read::Hit(entry)) => Some(entry.body),
            Ok(Read::Corrupt(reason)) => {
                tracing::warn!("ignoring a broken cache file: {reason}");
                None
            }
            Ok(Read::Miss | Read::Stale) => None,
            Err(err) => {
                tracing::warn!("{err}");
                None
            }
        }
    }
}

/// The cache request of one list page.
fn list_request(filter: &str, per_page: usize, cursor: Option<&str>) -> String {
    format!(
        "{CACHE_VERSION} list filter={filter} per_page={per_page} cursor={}",
        cursor.unwrap_or("-")
    )
}

/// Characters escaped in a `/works/{id}` path segment: everything but what ids are made of
/// (`/` in a DOI stays escaped as `%2F`, which the server reads back).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b':')
    .remove(b'.')
    .remove(b'-')
    .remove(b'_');

fn failed(err: OaError) -> Miss {
    Miss::Failed(err.to_string())
}

/// Adds `work` unless a work of the same id is there.
fn add(works: &mut Vec<Work>, work: Work) {
    let key = work.key();
    if key.is_some() && !works.iter().any(|w| w.key() == key) {
        works.push(work);
    }
}

/// The works as links; the ids of the retracted ones go to `retracted`.
fn links(works: &[Work], retracted: &mut Vec<String>) -> Vec<Link> {
    works
        .iter()
        .filter_map(|work| {
            let link = work.to_link()?;
            if work.is_retracted == Some(true) {
                retracted.extend(link.paper_id.clone());
            }
            Some(link)
        })
        .collect()
}

/// Whether a search result is the wanted paper: the same title ([`crate::catalog::same_written_title`]),
/// a year within [`YEAR_SLACK`], and a surname in common when both list authors.
fn is_same_paper(paper: &Wanted, work: &Work) -> bool {
    let Some(title) = work.title() else {
        return false;
    };
    if !crate::catalog::same_written_title(&paper.title, title) {
        return false;
    }
    if let (Some(a), Some(b)) = (paper.year, work.publication_year) {
        if (a - b).abs() > YEAR_SLACK {
            return false;
        }
    }
    let theirs: HashSet<String> = work
        .author_names()
        .iter()
        .filter_map(|n| surname(n))
        .collect();
    let ours: Vec<String> = paper.authors.iter().filter_map(|n| surname(n)).collect();
    theirs.is_empty() || ours.is_empty() || ours.iter().any(|s| theirs.contains(s))
}

/// A name's surname, lower case: its last word (`Jane Doe`, `J. Doe`) or, for `Doe, Jane`, its
/// first.
fn surname(name: &str) -> Option<String> {
    let name = name.trim();
    let part = match name.split_once(',') {
        Some((last, _)) => last,
        None => name,
    };
    part.split(|c: char| !c.is_alphanumeric())
        .rfind(|w| !w.is_empty())
        .map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(title: &str, year: i32, authors: &[&str]) -> Wanted {
        Wanted {
            key: "k".into(),
            title: title.into(),
            year: Some(year),
            authors: authors.iter().map(|a| a.to_string()).collect(),
            ..Default::default()
        }
    }

    fn work(title: &str, year: i32, authors: &[&str]) -> Work {
        serde_json::from_value(serde_json::json!({
            "id": "https://openalex.org/W1",
            "title": title,
            "publication_year": year,
            "authorships": authors.iter().map(|a| serde_json::json!({"author": {"display_name": a}})).collect::<Vec<_>>(),
        }))
        .unwrap()
    }

    #[test]
    fn a_search_result_must_match_title_year_and_authors() {
        let paper = wanted(
            "Augmenting large language models with chemistry tools",
            2023,
            &["Andres M. Bran"],
        );
        assert!(is_same_paper(
            &paper,
            &work(
                "Augmenting large language models with chemistry tools",
                2024,
                &["Andrés M. Bran", "P. Schwaller"]
            )
        ));
        assert!(!is_same_paper(
            &paper,
            &work(
                "Augmenting large language models with chemistry tools",
                2018,
                &["A. Bran"]
            )
        ));
        assert!(!is_same_paper(
            &paper,
            &work("Augmenting small models", 2023, &["A. Bran"])
        ));
        assert!(!is_same_paper(
            &paper,
            &work(
                "Augmenting large language models with chemistry tools",
                2023,
                &["Someone Else"]
            )
        ));
        assert!(is_same_paper(
            &wanted(
                "Augmenting large language models with chemistry tools",
                2023,
                &[]
            ),
            &work(
                "Augmenting Large Language Models with Chemistry Tools.",
                2023,
                &["X Y"]
            )
        ));
        assert_eq!(surname("Doe, Jane").as_deref(), Some("doe"));
    }
}
