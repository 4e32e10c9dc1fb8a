//! The fetch: which papers and lists to ask, the cache in front of every request, the rows made
//! into links, and Meta's descriptions of the linked works.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Context;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::client::{Client, ClientConfig, Failure};
use super::wire::{self, IndexRow, MetaRow, WorkIds, ARXIV_DOI_PREFIX};
use super::{OpenCitationsOptions, TokenSource, META_BATCH};
use crate::cache::{Cache, Read};
use crate::records::{Gap, Link, Source, SourceCorpus, SourceLists, Thin, Wanted};

/// Cache namespaces: one entry per Index answer, one per Meta id.
const INDEX_NAMESPACE: &str = "opencitations/index";
const META_NAMESPACE: &str = "opencitations/meta";

/// Characters of an id's value sent as they are (RFC 3986 unreserved); the rest, `/` included,
/// percent-encoded, as the recorded call did (`doi:10.1186%2F1756-8722-6-59`).
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The two Index operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    References,
    Citations,
}

impl Direction {
    fn path(self) -> &'static str {
        match self {
            Direction::References => "references",
            Direction::Citations => "citations",
        }
    }
}

/// What one Index list came to.
enum Answer {
    Rows(Vec<IndexRow>),
    /// Offline, and not in the cache.
    NotCached,
    /// Failed for good this run (a rerun may succeed): the reason.
    Failed(String),
    /// Refused (400, 404, an answer of another shape): asking again gives the same.
    Refused(String),
}

struct Fetcher<'a> {
    options: &'a OpenCitationsOptions,
    cache: Cache,
    client: Option<Client>,
    read_cache: bool,
    max_age: Option<Duration>,
}

pub(super) fn run(
    wanted: &[Wanted],
    options: &OpenCitationsOptions,
    env: &crate::s2::Environment,
) -> anyhow::Result<SourceCorpus> {
    let seconds = |option: &str, value: f64| {
        Duration::try_from_secs_f64(value).map_err(|_| {
            anyhow::anyhow!("OpenCitations {option} must be a non-negative number, not {value}")
        })
    };
    let max_age = options
        .max_age
        .map(|days| seconds("max age", days * 86_400.0))
        .transpose()?;
    let client = if env.offline {
        None
    } else {
        let token = match &options.token {
            TokenSource::Environment => super::AccessToken::from_env()?,
            TokenSource::Given(token) => Some(token.clone()),
            TokenSource::Without => None,
        };
        if options.per_minute > super::DOCUMENTED_PER_MINUTE
            && options.index_url == super::DEFAULT_INDEX_URL
        {
            tracing::warn!(
                "OpenCitations pace {} a minute is above its documented limit of {}: expect 429 \
                 answers and retries",
                options.per_minute,
                super::DOCUMENTED_PER_MINUTE
            );
        }
        Some(Client::new(&ClientConfig {
            per_minute: options.per_minute,
            max_retries: options.max_retries,
            timeout: seconds("timeout", options.timeout)?,
            retry_delay: seconds("retry delay", options.retry_delay)?,
            token,
        })?)
    };
    let fetcher = Fetcher {
        options,
        cache: Cache::new(&env.cache_dir),
        client,
        read_cache: !options.refresh || env.offline,
        // Offline, an old answer is better than none.
        max_age: if env.offline { None } else { max_age },
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let asked: Vec<&Wanted> = wanted
        .iter()
        .filter(|w| !options.fill_only || w.thin.is_some())
        .collect();
    let lists = runtime.block_on(async {
        let mut lists = Vec::with_capacity(asked.len());
        for (done, paper) in asked.iter().enumerate() {
            // Progress of the requests: none when reading the cache alone (offline, an export).
            if done > 0 && done % 25 == 0 && fetcher.client.is_some() {
                tracing::info!("OpenCitations: {done} of {} papers asked", asked.len());
            }
            lists.push(fetcher.paper(paper).await?);
        }
        if options.meta {
            fetcher.describe(&mut lists).await?;
        }
        Ok::<_, anyhow::Error>(lists)
    })?;
    let requests = fetcher.client.as_ref().map_or(0, Client::requests);
    if let Some(client) = &fetcher.client {
        tracing::info!(
            "OpenCitations: {} asked, {}, {}",
            crate::text::count(lists.len(), "paper"),
            crate::text::count(requests as usize, "request"),
            crate::text::count_as(client.retries() as usize, "retry", "retries")
        );
    }
    Ok(SourceCorpus {
        source: Some(Source::OpenCitations),
        lists,
        requests,
    })
}

/// The note of a catalogue paper with neither a DOI nor an arXiv id: it is never asked (not a
/// gap a rerun could fill).
pub const NO_DOI: &str = "no DOI or arXiv id: the OpenCitations Index knows works by DOI";

/// The DOI the Index is asked by: the published one, else the arXiv DataCite DOI.
fn doi_of(paper: &Wanted) -> Option<String> {
    paper
        .dois
        .first()
        .map(|d| crate::works::normalize_doi(d))
        .or_else(|| {
            paper
                .arxiv
                .as_deref()
                .map(|a| format!("{ARXIV_DOI_PREFIX}{}", crate::works::normalize_arxiv(a)))
        })
        .filter(|d| !d.is_empty())
}

impl Fetcher<'_> {
    /// The lists of one paper.
    async fn paper(&self, paper: &Wanted) -> anyhow::Result<SourceLists> {
        let mut lists = SourceLists {
            key: paper.key.clone(),
            ..SourceLists::default()
        };
        let Some(doi) = doi_of(paper) else {
            lists.note = Some(NO_DOI.to_string());
            return Ok(lists);
        };
        let id = format!("doi:{doi}");
        let (references, citations) = match (self.options.fill_only, paper.thin) {
            (true, Some(Thin::References)) => (true, false),
            (true, Some(Thin::Citations)) => (false, true),
            _ => (true, true),
        };
        let citations = citations && !self.options.no_citations;
        if !references && !citations {
            lists.note = Some("only citations are thin, and citations are not asked".to_string());
            return Ok(lists);
        }
        let mut notes: Vec<String> = Vec::new();
        let mut own = WorkIds::default();
        for (direction, wanted) in [
            (Direction::References, references),
            (Direction::Citations, citations),
        ] {
            if !wanted {
                continue;
            }
            let links = match self.list(direction, &id).await? {
                // `[]`: the Index has no data (an unknown DOI looks the same), not no links.
                Answer::Rows(rows) if rows.is_empty() => None,
                Answer::Rows(rows) => Some(links_of(&rows, direction, &mut own)),
                Answer::NotCached => {
                    lists.gap = worse(lists.gap, Gap::NotCached);
                    notes.push(format!("{} of {id} not cached", direction.path()));
                    None
                }
                Answer::Failed(why) => {
                    lists.gap = Gap::RequestFailed;
                    notes.push(why);
                    None
                }
                Answer::Refused(why) => {
                    notes.push(why);
                    None
                }
            };
            match direction {
                Direction::References => lists.references = links,
                Direction::Citations => lists.citations = links,
            }
        }
        if own.is_empty() {
            if lists.gap.is_none() && notes.is_empty() {
                notes.push(format!(
                    "OpenCitations has no data for {id} (an empty answer: the Index does not \
                     know it, or holds no link of it)"
                ));
            }
        } else {
            lists.ids = own_ids(&own, &doi);
        }
        if !notes.is_empty() {
            lists.note = Some(notes.join("; "));
        }
        Ok(lists)
    }

    /// One Index list, from the cache or the API. Errors: what stops the run (an invalid
    /// token, an API never reached, a cache that cannot be written).
    async fn list(&self, direction: Direction, id: &str) -> anyhow::Result<Answer> {
        let request = format!("v2 {} {id}", direction.path());
        if self.read_cache {
            match self
                .cache
                .get::<Vec<IndexRow>>(INDEX_NAMESPACE, &request, self.max_age)?
            {
                Read::Hit(entry) => return Ok(Answer::Rows(entry.body)),
                Read::Corrupt(why) => tracing::warn!("{why}: asking again"),
                Read::Miss | Read::Stale => {}
            }
        }
        let Some(client) = &self.client else {
            return Ok(Answer::NotCached);
        };
        let url = format!(
            "{}/{}/{}",
            self.options.index_url.trim_end_matches('/'),
            direction.path(),
            encode_id(id)
        );
        let body = match client.get(&url, &self.options.index_url).await {
            Ok(body) => body,
            Err(failure) => return answer_of_failure(failure),
        };
        match wire::index_rows(&body) {
            Ok(rows) => {
                self.cache.put(INDEX_NAMESPACE, &request, &rows)?;
                Ok(Answer::Rows(rows))
            }
            Err(err) => Ok(Answer::Refused(format!("GET {url}: {err}"))),
        }
    }

    /// Titles, years, authors and venues of every linked work, from Meta (the cache first),
    /// [`META_BATCH`] ids a call. A failed call leaves its works undescribed (with a warning):
    /// they keep their ids.
    async fn describe(&self, lists: &mut [SourceLists]) -> anyhow::Result<()> {
        let mut wanted: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for link in all_links(lists) {
            if let Some(id) = meta_id(link) {
                if seen.insert(id.clone()) {
                    wanted.push(id);
                }
            }
        }
        let mut known: HashMap<String, Option<MetaRow>> = HashMap::new();
        let mut missing: Vec<String> = Vec::new();
        for id in wanted {
            let request = format!("v1 metadata {id}");
            let cached = if self.read_cache {
                self.cache
                    .get::<Option<MetaRow>>(META_NAMESPACE, &request, self.max_age)?
            } else {
                Read::Miss
            };
            match cached {
                Read::Hit(entry) => {
                    known.insert(id, entry.body);
                }
                Read::Corrupt(why) => {
                    tracing::warn!("{why}: asking again");
                    missing.push(id);
                }
                Read::Miss | Read::Stale => missing.push(id),
            }
        }
        if let Some(client) = &self.client {
            for batch in missing.chunks(META_BATCH) {
                match self.meta_batch(client, batch).await? {
                    Some(found) => known.extend(found),
                    None => continue,
                }
            }
        }
        for list in lists.iter_mut() {
            for links in [&mut list.references, &mut list.citations]
                .into_iter()
                .flatten()
            {
                for link in links.iter_mut() {
                    let row = meta_id(link).and_then(|id| known.get(&id)?.as_ref());
                    if let Some(row) = row {
                        row.describe(link);
                    }
                }
            }
        }
        Ok(())
    }

    /// One Meta call: each asked id's row (`None`: Meta does not know it), cached. `Ok(None)`
    /// when the call failed for good (warned).
    async fn meta_batch(
        &self,
        client: &Client,
        ids: &[String],
    ) -> anyhow::Result<Option<Vec<(String, Option<MetaRow>)>>> {
        let path: Vec<String> = ids.iter().map(|id| encode_id(id)).collect();
        let url = format!(
            "{}/metadata/{}",
            self.options.meta_url.trim_end_matches('/'),
            path.join("__")
        );
        let rows = match client.get(&url, &self.options.meta_url).await {
            Ok(body) => match wire::meta_rows(&body) {
                Ok(rows) => rows,
                Err(err) => {
                    tracing::warn!("GET {url}: {err}; those works stay without titles");
                    return Ok(None);
                }
            },
            Err(failure) if failure.is_fatal() => return Err(failure.into()),
            Err(failure) => {
                tracing::warn!("{failure}; those works stay without titles");
                return Ok(None);
            }
        };
        let mut by_key: HashMap<String, &MetaRow> = HashMap::new();
        for row in &rows {
            for key in row.ids().keys() {
                by_key.entry(key.to_lowercase()).or_insert(row);
            }
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let row = by_key.get(&id.to_lowercase()).map(|row| (*row).clone());
            self.cache
                .put(META_NAMESPACE, &format!("v1 metadata {id}"), &row)?;
            found.push((id.clone(), row));
        }
        Ok(Some(found))
    }
}

/// The answer a failure comes to, or the error that stops the run.
fn answer_of_failure(failure: Failure) -> anyhow::Result<Answer> {
    match failure {
        Failure::Refused { .. } => Ok(Answer::Refused(failure.to_string())),
        Failure::GaveUp { .. } => Ok(Answer::Failed(failure.to_string())),
        fatal => Err(fatal.into()),
    }
}

/// `doi:10.1186/1756-8722-6-59` -> `doi:10.1186%2F1756-8722-6-59`: the scheme as is, the value
/// percent-encoded.
fn encode_id(id: &str) -> String {
    match id.split_once(':') {
        Some((scheme, value)) => format!("{scheme}:{}", utf8_percent_encode(value, VALUE)),
        None => utf8_percent_encode(id, VALUE).to_string(),
    }
}

/// The links of a list's rows (the other end of each row), one per work, in row order; the
/// paper's own ids (the near end of each row) are gathered into `own`.
fn links_of(rows: &[IndexRow], direction: Direction, own: &mut WorkIds) -> Vec<Link> {
    let mut links: Vec<Link> = Vec::with_capacity(rows.len());
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        let (near, far, year) = match direction {
            Direction::References => (&row.citing, &row.cited, None),
            Direction::Citations => (&row.cited, &row.citing, wire::year_of(&row.creation)),
        };
        let near = WorkIds::parse(near);
        for omid in near.omids {
            if !own.omids.contains(&omid) {
                own.omids.push(omid);
            }
        }
        for doi in near.dois {
            if !own.dois.contains(&doi) {
                own.dois.push(doi);
            }
        }
        if let Some(link) = WorkIds::parse(far).link(year) {
            if seen.insert(link.paper_id.clone()) {
                links.push(link);
            }
        }
    }
    links
}

/// [`SourceLists::ids`]: `omid:br/…` for each OMID, then `doi:…` for the DOI asked and every
/// other DOI the rows gave the paper.
fn own_ids(own: &WorkIds, asked: &str) -> Vec<String> {
    let mut ids: Vec<String> = own.omids.iter().map(|o| format!("omid:{o}")).collect();
    ids.push(format!("doi:{asked}"));
    for doi in &own.dois {
        let id = format!("doi:{doi}");
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// The id Meta is asked by for a link made by [`WorkIds::link`]: its DOI, else its arXiv DOI,
/// else its OMID, else its PubMed id.
fn meta_id(link: &Link) -> Option<String> {
    let get = |key: &str| link.external_ids.get(key).and_then(|v| v.as_str());
    if let Some(doi) = get("DOI") {
        return Some(format!("doi:{doi}"));
    }
    if let Some(arxiv) = get("ArXiv") {
        return Some(format!("doi:{ARXIV_DOI_PREFIX}{arxiv}"));
    }
    if let Some(omid) = get("OMID") {
        return Some(format!("omid:{omid}"));
    }
    get("PubMed").map(|p| format!("pmid:{p}"))
}

fn all_links(lists: &[SourceLists]) -> impl Iterator<Item = &Link> {
    lists.iter().flat_map(|l| {
        l.references
            .iter()
            .chain(l.citations.iter())
            .flat_map(|links| links.iter())
    })
}

/// The gap that says more: a failed request over an uncached one.
fn worse(a: Gap, b: Gap) -> Gap {
    match (a, b) {
        (Gap::RequestFailed, _) | (_, Gap::RequestFailed) => Gap::RequestFailed,
        (Gap::None, other) => other,
        (other, _) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_encoded_in_the_path_as_recorded() {
        assert_eq!(
            encode_id("doi:10.1186/1756-8722-6-59"),
            "doi:10.1186%2F1756-8722-6-59"
        );
        assert_eq!(
            encode_id("doi:10.1002/(sici)1097#x?y"),
            "doi:10.1002%2F%28sici%291097%23x%3Fy"
        );
    }

    #[test]
    fn rows_become_links_and_the_paper_its_ids() {
        let rows = vec![
            IndexRow {
                citing: "omid:br/1 doi:10.1/a openalex:W1".into(),
                cited: "omid:br/2 doi:10.1/b openalex:W2".into(),
                creation: "2013-08-19".into(),
                ..IndexRow::default()
            },
            IndexRow {
                citing: "omid:br/1 doi:10.1/a".into(),
                cited: "omid:br/3 pmid:7".into(),
                ..IndexRow::default()
            },
            // The same work again (two OMIDs of one DOI): one link.
            IndexRow {
                citing: "omid:br/9 doi:10.1/a".into(),
                cited: "omid:br/2 doi:10.1/b openalex:W2".into(),
                ..IndexRow::default()
            },
        ];
        let mut own = WorkIds::default();
        let links = links_of(&rows, Direction::References, &mut own);
        let ids: Vec<_> = links.iter().map(|l| l.paper_id.clone().unwrap()).collect();
        assert_eq!(ids, ["openalex:W2", "omid:br/3"]);
        assert_eq!(links[0].year, None);
        assert_eq!(
            own_ids(&own, "10.1/a"),
            ["omid:br/1", "omid:br/9", "doi:10.1/a"]
        );
        let mut own = WorkIds::default();
        let citers = links_of(&rows[..1], Direction::Citations, &mut own);
        assert_eq!(citers[0].paper_id.as_deref(), Some("openalex:W1"));
        assert_eq!(citers[0].year, Some(2013));
        assert_eq!(meta_id(&citers[0]).as_deref(), Some("doi:10.1/a"));
    }

    #[test]
    fn the_published_doi_is_asked_before_the_arxiv_one() {
        let mut paper = Wanted {
            arxiv: Some("2210.09461v2".into()),
            ..Wanted::default()
        };
        assert_eq!(doi_of(&paper).as_deref(), Some("10.48550/arxiv.2210.09461"));
        paper.dois = vec!["10.1109/CVPR.2023.1".into()];
        assert_eq!(doi_of(&paper).as_deref(), Some("10.1109/cvpr.2023.1"));
        assert_eq!(doi_of(&Wanted::default()), None);
        assert_eq!(
            worse(Gap::NotCached, Gap::RequestFailed),
            Gap::RequestFailed
        );
        assert_eq!(worse(Gap::None, Gap::NotCached), Gap::NotCached);
    }
}
