//! A mock of the OpenAlex API on 127.0.0.1, serving the Semantic Scholar world
//! (../shared/fixtures/s2-world/world.jsonl) as OpenAlex works, with the wire formats of the real
//! service (../shared/OPENALEX-API.md and fixtures/openalex-recorded/) and its limits.
//!
//! The module depends on nothing of citegraph, so that the client is tested against an
//! independent reading of the API.
//!
//! ```ignore
//! let mock = OaMockBuilder::new(OaWorld::load()).rps_cap(10.0).daily_credits(50).start();
//! // ... run citegraph::openalex::fetch with api_url = mock.url() ...
//! assert!(mock.max_per_second() <= 10);
//! ```
//!
//! The world: every paper is a work with a deterministic id ([`OaWorld::key_of`]), its DOI from
//! `externalIds.DOI` (lower case, as a `https://doi.org/` URL; an arXiv paper's DOI is its DataCite
//! `10.48550/arxiv.<id>`), `referenced_works` its references. arXiv papers whose id starts with
//! `0`–`3` are two works, as OpenAlex keeps them ([`OaWorld::is_pair`]): the preprint
//! (`type: preprint`, `referenced_works: []`, count 0, source arXiv) and the published version
//! (`type: article`, DOI `10.5555/pub.<arxiv>`, the next year, the references); each citing work
//! cites one of the two, so the citers are split between the ids. The world's
//! `elided_references` papers (truth.json) lost their references in the Semantic Scholar world:
//! make_s2_world.py cleared both their reference lists and the matching entries of the cited
//! papers' citation lists, so no side of the world keeps them. The mock plants a deterministic
//! list for each ([`OaWorld::planted`]: older world papers chosen by a hash), which is what
//! OpenAlex, which has the publisher-elided lists, serves for them.
//!
//! What it serves:
//! - `GET /works/{id}`: `W…` (lower case `w…` or a merged id: 301 to the canonical path),
//!   `doi:10.…` or `https://doi.org/10.…`; an unknown id is a 404 with the recorded HTML page
//!   (`paperqa_work_by_doi_404.body.html`); `select=` root fields (400 JSON otherwise).
//! - `GET /works?filter=…`: `openalex_id:`/`ids.openalex:`/`openalex:`, `cites:`, `doi:`,
//!   `title.search:` (every word in the title; `?`/`*` are a 400), values OR-ed by `|`, at most
//!   100 (400 above); filters joined by `,`; `per_page` 1–200 (25 by default), `page` or
//!   `cursor` (`next_cursor` `null` on a page shorter than `per_page`, a full last page followed
//!   by an empty one); unknown parameters a 400; the list envelope as recorded.
//! - Costs as the proxy's: singletons free, a list call 1 credit, a search 10; `X-RateLimit-*`
//!   headers on metered calls; above `daily_credits` a 429 budget answer (`Retry-After` until
//!   midnight); above `rps_cap` requests in any second a 429 "per second" answer
//!   (`Retry-After: 1`). Every request is logged with its headers (to check the key).
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Map, Value};

pub const MAX_FILTER_VALUES: usize = 100;
pub const SEARCH_CREDITS: u64 = 10;
pub const LIST_CREDITS: u64 = 1;
const URL_PREFIX: &str = "https://openalex.org/";
const ARXIV_SOURCE: &str = "arXiv (Cornell University)";
const JOURNAL: &str = "Journal of Efficient Models";
const CURSOR_PREFIX: &str = "IlsxMDAuMCwg";
const VALID_PARAMS: &[&str] = &[
    "filter", "select", "sort", "page", "per_page", "per-page", "cursor", "sample", "seed",
    "search", "group_by", "mailto", "api_key",
];

/// The world as OpenAlex works.
#[derive(Clone, Default)]
pub struct OaWorld {
    /// Key (`W…`) -> the full work.
    works: BTreeMap<String, Value>,
    /// Lower-case DOI -> key.
    by_doi: HashMap<String, String>,
    /// Merged-away key -> surviving key.
    merged: HashMap<String, String>,
    /// S2 paper id -> its works' keys (published first for a pair).
    keys: HashMap<String, Vec<String>>,
    /// The references planted for the elided papers: S2 id -> S2 ids.
    planted: HashMap<String, Vec<String>>,
}

/// FNV-1a, for deterministic choices.
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

impl OaWorld {
    /// The shared world and its truth file.
    pub fn load() -> OaWorld {
        Self::from_files(&super::world_jsonl(), &super::world_truth())
    }

    /// Builds the works from a world.jsonl and its truth.json; panics on broken fixtures.
    pub fn from_files(world: &std::path::Path, truth: &std::path::Path) -> OaWorld {
        let text = std::fs::read_to_string(world).expect("world.jsonl");
        let papers: Vec<Value> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("a world line"))
            .collect();
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(truth).expect("truth.json")).unwrap();
        let elided: Vec<String> = truth["elided_references"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        Self::build(&papers, &elided)
    }

    fn build(papers: &[Value], elided: &[String]) -> OaWorld {
        let mut world = OaWorld::default();
        let by_id: HashMap<&str, &Value> = papers
            .iter()
            .map(|p| (p["paperId"].as_str().unwrap(), p))
            .collect();
        // References: the world's, and planted ones for the elided papers.
        let mut refs: HashMap<&str, Vec<String>> = HashMap::new();
        for p in papers {
            let id = p["paperId"].as_str().unwrap();
            let list: Vec<String> = p["references"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["paperId"].as_str().map(String::from))
                .collect();
            refs.insert(id, list);
        }
        for id in elided {
            let Some(paper) = by_id.get(id.as_str()) else {
                continue;
            };
            let year = paper["year"].as_i64().unwrap_or(2020);
            let mut chosen: Vec<String> = papers
                .iter()
                .filter(|q| q["year"].as_i64().is_some_and(|y| y < year))
                .map(|q| q["paperId"].as_str().unwrap().to_string())
                .filter(|q| fnv(&[id, q]) % 50 == 0)
                .collect();
            chosen.truncate(30);
            refs.insert(id.as_str(), chosen.clone());
            world.planted.insert(id.clone(), chosen);
        }
        for p in papers {
            let id = p["paperId"].as_str().unwrap();
            let keys = if Self::is_pair_paper(p) {
                vec![Self::published_key_of(id), Self::key_of(id)]
            } else {
                vec![Self::key_of(id)]
            };
            world.keys.insert(id.to_string(), keys);
        }
        for p in papers {
            let id = p["paperId"].as_str().unwrap();
            // Each cited paper by one of its works: a pair's preprint or published version.
            let cited: Vec<Value> = refs[id]
                .iter()
                .filter_map(|q| {
                    let keys = world.keys.get(q)?;
                    let k = &keys[(fnv(&[id, q]) % keys.len() as u64) as usize];
                    Some(Value::String(format!("{URL_PREFIX}{k}")))
                })
                .collect();
            for work in Self::works_of(p, cited) {
                let key = work["id"].as_str().unwrap()[URL_PREFIX.len()..].to_string();
                if let Some(doi) = work["doi"].as_str() {
                    world.by_doi.insert(
                        doi.trim_start_matches("https://doi.org/").to_string(),
                        key.clone(),
                    );
                }
                world.works.insert(key, work);
            }
        }
        world.count_citers();
        world
    }

    /// `cited_by_count`: how many works cite each work.
    fn count_citers(&mut self) {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for work in self.works.values() {
            for r in work["referenced_works"].as_array().into_iter().flatten() {
                *counts
                    .entry(r.as_str().unwrap()[URL_PREFIX.len()..].to_string())
                    .or_default() += 1;
            }
        }
        for (key, work) in self.works.iter_mut() {
            work["cited_by_count"] = json!(counts.get(key).copied().unwrap_or(0));
        }
    }

    fn is_pair_paper(paper: &Value) -> bool {
        paper["externalIds"]["ArXiv"].is_string()
            && paper["paperId"]
                .as_str()
                .is_some_and(|id| matches!(id.as_bytes()[0], b'0'..=b'3'))
    }

    /// The work (or preprint) key of an S2 paper id: `W` and ten digits from the id's hash.
    pub fn key_of(s2_id: &str) -> String {
        format!("W{}", 1_000_000_000 + fnv(&[s2_id]) % 9_000_000_000)
    }

    /// The published version's key of a pair.
    pub fn published_key_of(s2_id: &str) -> String {
        format!(
            "W{}",
            1_000_000_000 + fnv(&[s2_id, "published"]) % 9_000_000_000
        )
    }

    fn works_of(paper: &Value, cited: Vec<Value>) -> Vec<Value> {
        let id = paper["paperId"].as_str().unwrap();
        let ext = &paper["externalIds"];
        let year = paper["year"].as_i64();
        let authors: Vec<Value> = paper["authors"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, a)| {
                json!({
                    "author_position": if i == 0 { "first" } else { "middle" },
                    "author": {"id": format!("{URL_PREFIX}A{}", 5_000_000_000u64 + fnv(&[a["name"].as_str().unwrap_or("")]) % 1_000_000_000), "display_name": a["name"], "orcid": null},
                    "institutions": [], "countries": [], "is_corresponding": i == 0,
                    "raw_author_name": a["name"], "raw_affiliation_strings": [], "affiliations": []
                })
            })
            .collect();
        let arxiv = ext["ArXiv"].as_str();
        let doi = match (arxiv, ext["DOI"].as_str()) {
            (Some(a), _) => Some(format!("10.48550/arxiv.{}", a.to_lowercase())),
            (None, Some(d)) => Some(d.to_lowercase()),
            (None, None) => None,
        };
        let base = |key: &str,
                    doi: Option<&str>,
                    kind: &str,
                    year: Option<i64>,
                    source: Value,
                    refs: &[Value]| {
            json!({
                "id": format!("{URL_PREFIX}{key}"),
                "doi": doi.map(|d| format!("https://doi.org/{d}")),
                "title": paper["title"], "display_name": paper["title"],
                "publication_year": year,
                "publication_date": year.map(|y| format!("{y}-01-01")),
                "ids": {"openalex": format!("{URL_PREFIX}{key}")},
                "type": kind, "type_crossref": if kind == "preprint" { "posted-content" } else { "journal-article" },
                "is_retracted": false, "is_paratext": false,
                "authorships": authors,
                "primary_location": {"is_oa": true, "landing_page_url": null, "source": source, "version": null},
                "referenced_works": refs, "referenced_works_count": refs.len(),
                "related_works": [format!("{URL_PREFIX}W1000000001")],
                "cited_by_api_url": format!("https://api.openalex.org/works?filter=cites:{key}"),
                "counts_by_year": [], "updated_date": "2026-09-17T09:32:54.582208", "created_date": "2023-01-01",
                "abstract_inverted_index": null,
            })
        };
        let arxiv_source = json!({"id": "https://openalex.org/S4306400194", "display_name": ARXIV_SOURCE, "type": "repository"});
        let venue = paper["venue"]
            .as_str()
            .filter(|v| !v.is_empty())
            .unwrap_or(JOURNAL);
        let journal =
            json!({"id": "https://openalex.org/S1000", "display_name": venue, "type": "journal"});
        if Self::is_pair_paper(paper) {
            let arxiv = arxiv.unwrap().to_lowercase();
            vec![
                base(
                    &Self::published_key_of(id),
                    Some(&format!("10.5555/pub.{arxiv}")),
                    "article",
                    year.map(|y| y + 1),
                    journal,
                    &cited,
                ),
                base(
                    &Self::key_of(id),
                    doi.as_deref(),
                    "preprint",
                    year,
                    arxiv_source,
                    &[],
                ),
            ]
        } else if arxiv.is_some() {
            vec![base(
                &Self::key_of(id),
                doi.as_deref(),
                "preprint",
                year,
                arxiv_source,
                &cited,
            )]
        } else {
            vec![base(
                &Self::key_of(id),
                doi.as_deref(),
                "article",
                year,
                journal,
                &cited,
            )]
        }
    }

    /// Whether the S2 paper is two works (preprint and published).
    pub fn is_pair(&self, s2_id: &str) -> bool {
        self.keys.get(s2_id).is_some_and(|k| k.len() == 2)
    }

    /// The keys of an S2 paper's works (published first for a pair).
    pub fn keys(&self, s2_id: &str) -> Vec<String> {
        self.keys.get(s2_id).cloned().unwrap_or_default()
    }

    /// The S2 paper a work key belongs to.
    pub fn s2_id_of(&self, key: &str) -> Option<String> {
        self.keys
            .iter()
            .find(|(_, keys)| keys.iter().any(|k| k == key))
            .map(|(id, _)| id.clone())
    }

    /// The references planted for an elided paper (S2 ids).
    pub fn planted(&self, s2_id: &str) -> Option<&Vec<String>> {
        self.planted.get(s2_id)
    }

    pub fn work(&self, key: &str) -> Option<&Value> {
        self.works.get(key)
    }

    pub fn work_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.works.get_mut(key)
    }

    /// The keys of the works citing any of `keys`.
    pub fn citers(&self, keys: &[String]) -> Vec<String> {
        let urls: Vec<String> = keys.iter().map(|k| format!("{URL_PREFIX}{k}")).collect();
        self.works
            .iter()
            .filter(|(_, w)| {
                w["referenced_works"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|v| urls.iter().any(|u| v == u.as_str())))
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// `old` is merged into `new`: `/works/{old}` answers 301 to `/works/{new}`.
    pub fn merge(&mut self, old: &str, new: &str) {
        self.works.remove(old);
        self.merged.insert(old.to_string(), new.to_string());
    }

    /// Adds referenced ids that no work has (deleted works) to a work's list.
    pub fn dangle(&mut self, key: &str, missing: &[&str]) {
        let work = self.works.get_mut(key).expect("a work to dangle");
        let list = work["referenced_works"].as_array_mut().unwrap();
        for m in missing {
            list.push(Value::String(format!("{URL_PREFIX}{m}")));
        }
        work["referenced_works_count"] = json!(list.len());
    }

    pub fn len(&self) -> usize {
        self.works.len()
    }
}

/// What a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `GET /works/{id}` (free).
    Singleton,
    /// `GET /works?filter=openalex_id:…` (1 credit).
    Ids,
    /// `GET /works?filter=cites:…` (1 credit).
    Cites,
    /// `GET /works?filter=title.search:…` or `search=` (10 credits).
    Search,
    /// Any other list call (1 credit).
    List,
    Other,
}

impl Endpoint {
    fn credits(self) -> u64 {
        match self {
            Endpoint::Singleton | Endpoint::Other => 0,
            Endpoint::Search => SEARCH_CREDITS,
            Endpoint::Ids | Endpoint::Cites | Endpoint::List => LIST_CREDITS,
        }
    }
}

/// A fault injected into the next requests of an endpoint (`None`: any).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// This status with a JSON body (and `Retry-After: 0` for 429/503).
    Status(u16),
    /// A page whose `meta.timed_out` is true, half its results missing.
    TimedOut,
}

#[derive(Debug, Clone)]
pub struct Logged {
    pub endpoint: Endpoint,
    /// Path and query as received.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub status: u16,
    pub at: Instant,
}

#[derive(Default)]
struct Config {
    rps_cap: Option<usize>,
    daily_credits: Option<u64>,
    require_key: Option<String>,
}

struct Inner {
    world: OaWorld,
    config: Config,
    not_found_html: String,
    log: Mutex<Vec<Logged>>,
    /// Arrival times of every request (for the per-second cap).
    arrivals: Mutex<Vec<Instant>>,
    credits: Mutex<u64>,
    faults: Mutex<Vec<(Option<Endpoint>, Fault, u64)>>,
}

pub struct OaMockBuilder {
    world: OaWorld,
    config: Config,
    faults: Vec<(Option<Endpoint>, Fault, u64)>,
}

impl OaMockBuilder {
    pub fn new(world: OaWorld) -> Self {
        OaMockBuilder {
            world,
            config: Config::default(),
            faults: Vec::new(),
        }
    }

    /// At most `cap` requests in any second; more get a 429 "per second".
    pub fn rps_cap(mut self, cap: usize) -> Self {
        self.config.rps_cap = Some(cap);
        self
    }

    /// A daily budget of `credits`; a metered call beyond it gets the budget 429.
    pub fn daily_credits(mut self, credits: u64) -> Self {
        self.config.daily_credits = Some(credits);
        self
    }

    /// Refuses (401) requests without `Authorization: Bearer KEY` or an `api_key` header.
    pub fn require_key(mut self, key: &str) -> Self {
        self.config.require_key = Some(key.to_string());
        self
    }

    pub fn fault(mut self, endpoint: Option<Endpoint>, fault: Fault, times: u64) -> Self {
        self.faults.push((endpoint, fault, times));
        self
    }

    pub fn start(self) -> OaMock {
        let html = super::shared_dir()
            .join("fixtures/openalex-recorded/paperqa_work_by_doi_404.body.html");
        let inner = Arc::new(Inner {
            world: self.world,
            config: self.config,
            not_found_html: std::fs::read_to_string(&html).expect("the recorded 404 page"),
            log: Mutex::new(Vec::new()),
            arrivals: Mutex::new(Vec::new()),
            credits: Mutex::new(0),
            faults: Mutex::new(self.faults),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = inner.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("mock runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = Router::new().fallback(handle).with_state(state);
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
                    _ = stopped => {}
                }
            });
            runtime.shutdown_background();
        });
        OaMock {
            addr,
            inner,
            server: Some((shutdown, thread)),
        }
    }
}

/// A running mock; dropping it stops the server.
pub struct OaMock {
    addr: SocketAddr,
    inner: Arc<Inner>,
    server: Option<(
        tokio::sync::oneshot::Sender<()>,
        std::thread::JoinHandle<()>,
    )>,
}

impl Drop for OaMock {
    fn drop(&mut self) {
        if let Some((shutdown, thread)) = self.server.take() {
            let _ = shutdown.send(());
            let _ = thread.join();
        }
    }
}

impl OaMock {
    /// `http://127.0.0.1:PORT`, the value for `api_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn world(&self) -> &OaWorld {
        &self.inner.world
    }

    pub fn log(&self) -> Vec<Logged> {
        self.inner.log.lock().unwrap().clone()
    }

    pub fn requests(&self) -> usize {
        self.inner.log.lock().unwrap().len()
    }

    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.log().iter().filter(|l| l.endpoint == endpoint).count()
    }

    /// Answers with this status.
    pub fn count_status(&self, status: u16) -> usize {
        self.log().iter().filter(|l| l.status == status).count()
    }

    /// Credits charged today (metered calls answered, not the 429s).
    pub fn credits(&self) -> u64 {
        *self.inner.credits.lock().unwrap()
    }

    /// The most requests that arrived within any one second.
    pub fn max_per_second(&self) -> usize {
        let arrivals = self.inner.arrivals.lock().unwrap();
        let mut most = 0;
        let mut start = 0;
        for (end, t) in arrivals.iter().enumerate() {
            while t.duration_since(arrivals[start]) >= Duration::from_secs(1) {
                start += 1;
            }
            most = most.max(end - start + 1);
        }
        most
    }
}

fn classify(path: &str, query: &[(String, String)]) -> Endpoint {
    if let Some(rest) = path.strip_prefix("/works/") {
        return if rest.is_empty() {
            Endpoint::Other
        } else {
            Endpoint::Singleton
        };
    }
    if path != "/works" {
        return Endpoint::Other;
    }
    let filter = query
        .iter()
        .find(|(k, _)| k == "filter")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if query.iter().any(|(k, _)| k == "search") || filter.contains(".search:") {
        Endpoint::Search
    } else if filter.starts_with("cites:") {
        Endpoint::Cites
    } else if filter.starts_with("openalex_id:")
        || filter.starts_with("ids.openalex:")
        || filter.starts_with("openalex:")
    {
        Endpoint::Ids
    } else {
        Endpoint::List
    }
}

fn json_response(status: u16, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn bad_request(error: &str, message: &str) -> Response {
    json_response(400, &json!({"error": error, "message": message}))
}

fn with_header(mut response: Response, name: &'static str, value: String) -> Response {
    response
        .headers_mut()
        .insert(name, HeaderValue::from_str(&value).unwrap());
    response
}

async fn handle(
    axum::extract::State(inner): axum::extract::State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let endpoint = classify(uri.path(), &query);
    let response = respond(&inner, endpoint, &uri, &query, &headers);
    inner.log.lock().unwrap().push(Logged {
        endpoint,
        target: uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        status: response.status().as_u16(),
        at: Instant::now(),
    });
    response
}

fn respond(
    inner: &Inner,
    endpoint: Endpoint,
    uri: &Uri,
    query: &[(String, String)],
    headers: &HeaderMap,
) -> Response {
    let now = Instant::now();
    {
        let mut arrivals = inner.arrivals.lock().unwrap();
        arrivals.push(now);
        if let Some(cap) = inner.config.rps_cap {
            let recent = arrivals
                .iter()
                .rev()
                .take_while(|t| now.duration_since(**t) < Duration::from_secs(1))
                .count();
            if recent > cap {
                let body = json!({"error": "Rate limit exceeded", "message": format!("Rate limit exceeded: {cap} requests per second. Please slow down."), "retryAfter": 1});
                return with_header(json_response(429, &body), "retry-after", "1".into());
            }
        }
    }
    if let Some(key) = &inner.config.require_key {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let plain = headers.get("api_key").and_then(|v| v.to_str().ok());
        if bearer != Some(format!("Bearer {key}").as_str()) && plain != Some(key.as_str()) {
            return json_response(
                401,
                &json!({"error": "Invalid or missing API key", "message": "Get a free key at openalex.org"}),
            );
        }
    }
    let fault = {
        let mut faults = inner.faults.lock().unwrap();
        faults
            .iter_mut()
            .find(|(target, _, left)| *left > 0 && target.is_none_or(|t| t == endpoint))
            .map(|(_, fault, left)| {
                *left -= 1;
                fault.clone()
            })
    };
    if let Some(Fault::Status(status)) = fault {
        let body =
            json!({"error": "Service Unavailable", "message": format!("mock fault {status}")});
        return with_header(json_response(status, &body), "retry-after", "0".into());
    }
    let credits = endpoint.credits();
    if credits > 0 {
        let limit = inner.config.daily_credits.unwrap_or(u64::MAX);
        let mut used = inner.credits.lock().unwrap();
        if *used + credits > limit {
            let left = limit - *used;
            let body = json!({
                "error": "Rate limit exceeded",
                "message": format!("Insufficient budget. This request costs ${:.4} but you only have ${:.4} remaining. Resets at midnight UTC.", credits as f64 * 1e-4, left as f64 * 1e-4),
                "retryAfter": 30_000, "costUsd": credits as f64 * 1e-4, "dailyRemainingUsd": left as f64 * 1e-4,
                "creditsRequired": credits, "creditsRemaining": left,
            });
            let response = with_header(json_response(429, &body), "retry-after", "30000".into());
            let response = with_header(
                response,
                "x-ratelimit-credits-required",
                credits.to_string(),
            );
            return with_header(response, "x-ratelimit-remaining", left.to_string());
        }
        *used += credits;
        drop(used);
    }
    let mut response = match endpoint {
        Endpoint::Singleton => singleton(inner, uri, query),
        Endpoint::Other => json_response(
            404,
            &json!({"error": "Not found", "message": "no such endpoint"}),
        ),
        _ => list(inner, query, fault == Some(Fault::TimedOut)),
    };
    if credits > 0 {
        let limit = inner.config.daily_credits.unwrap_or(10_000);
        let used = *inner.credits.lock().unwrap();
        let left = limit.saturating_sub(used);
        for (name, value) in [
            ("x-ratelimit-limit", limit.to_string()),
            ("x-ratelimit-remaining", left.to_string()),
            ("x-ratelimit-credits-used", credits.to_string()),
            (
                "x-ratelimit-remaining-usd",
                format!("{:.4}", left as f64 * 1e-4),
            ),
            (
                "x-ratelimit-cost-usd",
                format!("{:.4}", credits as f64 * 1e-4),
            ),
            ("x-ratelimit-reset", "30000".to_string()),
        ] {
            response = with_header(response, name, value);
        }
    }
    response
}

fn singleton(inner: &Inner, uri: &Uri, query: &[(String, String)]) -> Response {
    let raw = &uri.path()["/works/".len()..];
    let id = percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned();
    let world = &inner.world;
    let lower = id.to_lowercase();
    let key = if let Some(doi) = lower
        .strip_prefix("doi:")
        .or_else(|| lower.strip_prefix("https://doi.org/"))
    {
        world.by_doi.get(doi).cloned()
    } else if id.starts_with(['W', 'w']) {
        let canonical = format!("W{}", &id[1..]);
        if let Some(new) = world.merged.get(&canonical) {
            return redirect(&format!("/works/{new}"), uri);
        }
        if canonical != id && world.works.contains_key(&canonical) {
            return redirect(&format!("/works/{canonical}"), uri);
        }
        world.works.contains_key(&canonical).then_some(canonical)
    } else {
        None
    };
    let Some(work) = key.and_then(|k| world.works.get(&k)) else {
        let mut response = Response::new(Body::from(inner.not_found_html.clone()));
        *response.status_mut() = StatusCode::NOT_FOUND;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        return response;
    };
    match select(work, query) {
        Ok(selected) => json_response(200, &selected),
        Err(response) => response,
    }
}

fn redirect(path: &str, uri: &Uri) -> Response {
    let location = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_str(&location).unwrap());
    response
}

/// The work with only the `select=` fields (root-level; 400 otherwise).
fn select(work: &Value, query: &[(String, String)]) -> Result<Value, Response> {
    let Some((_, fields)) = query.iter().find(|(k, _)| k == "select") else {
        return Ok(work.clone());
    };
    let mut out = Map::new();
    for field in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if field.contains('.') || (work.get(field).is_none() && field != "relevance_score") {
            return Err(bad_request(
                "Invalid query parameters error.",
                &format!("{field} is not a valid select field. Valid fields for select are: id, doi, title, display_name, publication_year, type, cited_by_count, referenced_works, referenced_works_count, is_retracted, authorships, primary_location, ..."),
            ));
        }
        if let Some(value) = work.get(field) {
            out.insert(field.to_string(), value.clone());
        }
    }
    Ok(Value::Object(out))
}

fn list(inner: &Inner, query: &[(String, String)], timed_out: bool) -> Response {
    for (k, _) in query {
        if !VALID_PARAMS.contains(&k.as_str()) {
            return bad_request(
                "Invalid query parameters error.",
                &format!(
                    "{k} is not a valid parameter. Valid parameters are: {}.",
                    VALID_PARAMS.join(", ")
                ),
            );
        }
    }
    if query.iter().filter(|(k, _)| k == "filter").count() > 1 {
        return bad_request(
            "Invalid query parameters error.",
            "Only one filter parameter is allowed: join filters with commas.",
        );
    }
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let per_page: usize = match get("per_page").or(get("per-page")).map(str::parse::<usize>) {
        None => 25,
        Some(Ok(n)) if (1..=200).contains(&n) => n,
        Some(_) => {
            return bad_request(
                "Invalid query parameters error.",
                "per-page parameter must be between 1 and 200.",
            )
        }
    };
    let mut results = match matching(&inner.world, get("filter").unwrap_or(""), get("search")) {
        Ok(results) => results,
        Err(response) => return response,
    };
    let count = results.len();
    let cursor = get("cursor");
    let (offset, page) = match (cursor, get("page")) {
        (Some(_), Some(p)) if p != "1" => {
            return bad_request(
                "Pagination error.",
                "Cursor pagination cannot be combined with a page other than 1.",
            )
        }
        (Some("null" | "none"), _) => {
            return bad_request(
                "Pagination error.",
                "Cursor is null. Likely reached end of results.",
            )
        }
        (Some("*"), _) => (0, None),
        (Some(c), _) => match c
            .strip_prefix(CURSOR_PREFIX)
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(offset) => (offset, None),
            None => return bad_request("Pagination error.", "Invalid cursor."),
        },
        (None, p) => {
            let page: usize = p.and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
            if page * per_page > 10_000 {
                return bad_request("Pagination error.", "Maximum results size of 10,000 records is exceeded. Cursor pagination is required for records beyond 10,000.");
            }
            ((page - 1) * per_page, Some(page))
        }
    };
    let mut shown: Vec<Value> = results
        .drain(offset.min(count)..(offset + per_page).min(count))
        .collect();
    let full = shown.len() == per_page;
    if timed_out {
        shown.truncate(shown.len() / 2);
    }
    let mut selected = Vec::new();
    for work in &shown {
        match select(work, query) {
            Ok(w) => selected.push(w),
            Err(response) => return response,
        }
    }
    let mut meta = json!({"count": count, "db_response_time_ms": 12, "page": page, "per_page": per_page, "groups_count": null});
    if cursor.is_some() {
        meta["next_cursor"] = if full {
            json!(format!("{CURSOR_PREFIX}{}", offset + per_page))
        } else {
            Value::Null
        };
    }
    if timed_out {
        meta["timed_out"] = json!(true);
    }
    json_response(
        200,
        &json!({"meta": meta, "results": selected, "group_by": []}),
    )
}

/// The works a `filter=` (and `search=`) selects, in the order served.
fn matching(world: &OaWorld, filter: &str, search: Option<&str>) -> Result<Vec<Value>, Response> {
    let mut keys: Option<Vec<String>> = None;
    let mut ranked: Option<Vec<(usize, String)>> = None;
    let mut words_of = |text: &str| -> Result<(), Response> {
        if text.contains('?') || text.contains('*') {
            return Err(bad_request("Invalid query parameters error.", "Wildcards (* or ?) require exact (no-stem) search; use .search.exact or quote the phrase."));
        }
        let words: Vec<String> = normalize(text)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        let mut found: Vec<(usize, String)> = world
            .works
            .iter()
            .filter_map(|(k, w)| {
                let title = normalize(w["title"].as_str().unwrap_or(""));
                let have: Vec<&str> = title.split(' ').collect();
                words
                    .iter()
                    .all(|x| have.contains(&x.as_str()))
                    .then(|| (usize::from(title != words.join(" ")), k.clone()))
            })
            .collect();
        found.sort();
        ranked = Some(found);
        Ok(())
    };
    if let Some(text) = search {
        words_of(text)?;
    }
    for part in filter.split(',').filter(|p| !p.is_empty()) {
        let Some((name, value)) = part.split_once(':') else {
            return Err(bad_request(
                "Invalid query parameters error.",
                &format!("{part} is not a valid filter (name:value)"),
            ));
        };
        let values: Vec<&str> = value.split('|').filter(|v| !v.is_empty()).collect();
        if values.len() > MAX_FILTER_VALUES {
            return Err(bad_request("Invalid query parameters error.", &format!("Maximum number of values exceeded for {name}. Decrease values to 100 or below, or consider using the cursor pagination.")));
        }
        let selected: Vec<String> = match name {
            "openalex_id" | "ids.openalex" | "openalex" => values
                .iter()
                .map(|v| v.trim_start_matches(URL_PREFIX).to_string())
                .filter(|k| world.works.contains_key(k))
                .collect(),
            "cites" => {
                if let Some(bad) = values
                    .iter()
                    .find(|v| !v.trim_start_matches(URL_PREFIX).starts_with(['W', 'w']))
                {
                    return Err(bad_request(
                        "Invalid query parameters error.",
                        &format!("'{bad}' is not a valid OpenAlex ID."),
                    ));
                }
                world.citers(
                    &values
                        .iter()
                        .map(|v| v.trim_start_matches(URL_PREFIX).to_uppercase())
                        .collect::<Vec<_>>(),
                )
            }
            "doi" => values
                .iter()
                .filter_map(|v| {
                    world
                        .by_doi
                        .get(
                            &v.to_lowercase()
                                .trim_start_matches("https://doi.org/")
                                .to_string(),
                        )
                        .cloned()
                })
                .collect(),
            "title.search" | "display_name.search" => {
                words_of(value)?;
                continue;
            }
            other => {
                return Err(bad_request(
                    "Invalid query parameters error.",
                    &format!("{other} is not a valid filter field"),
                ))
            }
        };
        keys = Some(match keys {
            None => selected,
            Some(prev) => prev.into_iter().filter(|k| selected.contains(k)).collect(),
        });
    }
    let ordered: Vec<String> = match (ranked, keys) {
        (Some(r), Some(k)) => r
            .into_iter()
            .map(|(_, key)| key)
            .filter(|key| k.contains(key))
            .collect(),
        (Some(r), None) => r.into_iter().map(|(_, key)| key).collect(),
        (None, Some(mut k)) => {
            k.sort();
            k.dedup();
            k
        }
        (None, None) => world.works.keys().cloned().collect(),
    };
    Ok(ordered
        .into_iter()
        .filter_map(|k| {
            let mut work = world.works.get(&k)?.clone();
            if search.is_some() || filter.contains(".search:") {
                work["relevance_score"] = json!(100.0);
            }
            Some(work)
        })
        .collect())
}

fn normalize(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
