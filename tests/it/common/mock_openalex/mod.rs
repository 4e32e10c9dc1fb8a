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
//! - `GET /works?filter=…`: `openalex_id:`/`ids.openalex:`/`openalex:`, `cites:`, `cited_by:`
//!   (the works the values reference), `doi:`, `is_retracted:true|false`, `from_publication_date:`,
//!   `title.search:` (every word in the title; `?`/`*` are a 400), values OR-ed by `|`, at most
//!   100 (400 above); filters joined by `,`; `per_page` 1–200 (25 by default), `page` or
//!   `cursor` (`next_cursor` `null` on a page shorter than `per_page`, a full last page followed
//!   by an empty one); unknown parameters a 400; the list envelope as recorded.
//! - Costs as the proxy's: singletons free, a list call 1 credit, a search 10; `X-RateLimit-*`
//!   headers on metered calls; above `daily_credits` a 429 budget answer (`Retry-After` until
//!   midnight); above `rps_cap` requests in any second a 429 "per second" answer
//!   (`Retry-After: 1`). Every request is logged with its headers (to check the key).
#![allow(dead_code)]

mod world;
pub use world::OaWorld;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Map, Value};

use super::mock_server::{self, json_response, ServerThread};

pub const MAX_FILTER_VALUES: usize = 100;
pub const SEARCH_CREDITS: u64 = 10;
pub const LIST_CREDITS: u64 = 1;
const URL_PREFIX: &str = "https://openalex.org/";
const CURSOR_PREFIX: &str = "IlsxMDAuMCwg";
const VALID_PARAMS: &[&str] = &[
    "filter", "select", "sort", "page", "per_page", "per-page", "cursor", "sample", "seed",
    "search", "group_by", "mailto", "api_key",
];

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
    /// Leave out the `X-RateLimit-*` headers (as the Nov 2025 recordings do).
    no_budget_headers: bool,
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

    /// Answers without `X-RateLimit-*` headers: the client learns of the budget from the 429.
    pub fn no_budget_headers(mut self) -> Self {
        self.config.no_budget_headers = true;
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
        let (server, addr) =
            ServerThread::serve(Router::new().fallback(handle).with_state(inner.clone()));
        OaMock {
            addr,
            inner,
            _server: server,
        }
    }
}

/// A running mock; dropping it stops the server.
pub struct OaMock {
    addr: SocketAddr,
    inner: Arc<Inner>,
    _server: ServerThread,
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
    let query = mock_server::query_pairs(&uri);
    let endpoint = classify(uri.path(), &query);
    let response = respond(&inner, endpoint, &uri, &query, &headers);
    inner.log.lock().unwrap().push(Logged {
        endpoint,
        target: mock_server::target(&uri),
        headers: mock_server::header_pairs(&headers),
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
                // Echoes what it got, as careless servers do: the client must redact it.
                &json!({"error": "Invalid or missing API key", "message": format!("'{}' is not a valid key. Get a free key at openalex.org", bearer.unwrap_or("").trim_start_matches("Bearer "))}),
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
    if credits > 0 && !inner.config.no_budget_headers {
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
        Err(response) => *response,
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
fn select(work: &Value, query: &[(String, String)]) -> Result<Value, Box<Response>> {
    let Some((_, fields)) = query.iter().find(|(k, _)| k == "select") else {
        return Ok(work.clone());
    };
    let mut out = Map::new();
    for field in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if field.contains('.') || (work.get(field).is_none() && field != "relevance_score") {
            return Err(Box::new(bad_request(
                "Invalid query parameters error.",
                &format!("{field} is not a valid select field. Valid fields for select are: id, doi, title, display_name, publication_year, type, cited_by_count, referenced_works, referenced_works_count, is_retracted, authorships, primary_location, ..."),
            )));
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
    // `select=` is checked whether or not anything matches.
    if let Some(any) = inner.world.works.values().next() {
        if let Err(response) = select(any, query) {
            return *response;
        }
    }
    let mut results = match matching(&inner.world, get("filter").unwrap_or(""), get("search")) {
        Ok(results) => results,
        Err(response) => return *response,
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
            Err(response) => return *response,
        }
    }
    // Past the end of a cursor, the recorded page says `count: 0`.
    let count = if cursor.is_some() && shown.is_empty() && offset > 0 {
        0
    } else {
        count
    };
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
fn matching(
    world: &OaWorld,
    filter: &str,
    search: Option<&str>,
) -> Result<Vec<Value>, Box<Response>> {
    let mut keys: Option<Vec<String>> = None;
    let mut ranked: Option<Vec<(usize, String)>> = None;
    let mut words_of = |text: &str| -> Result<(), Box<Response>> {
        if text.contains('?') || text.contains('*') {
            return Err(Box::new(bad_request("Invalid query parameters error.", "Wildcards (* or ?) require exact (no-stem) search; use .search.exact or quote the phrase.")));
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
            return Err(Box::new(bad_request(
                "Invalid query parameters error.",
                &format!("{part} is not a valid filter (name:value)"),
            )));
        };
        let values: Vec<&str> = value.split('|').filter(|v| !v.is_empty()).collect();
        if values.len() > MAX_FILTER_VALUES {
            return Err(Box::new(bad_request("Invalid query parameters error.", &format!("Maximum number of values exceeded for {name}. Decrease values to 100 or below, or consider using the cursor pagination."))));
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
                    return Err(Box::new(bad_request(
                        "Invalid query parameters error.",
                        &format!("'{bad}' is not a valid OpenAlex ID."),
                    )));
                }
                world.citers(
                    &values
                        .iter()
                        .map(|v| v.trim_start_matches(URL_PREFIX).to_uppercase())
                        .collect::<Vec<_>>(),
                )
            }
            // The works any of the values cites (their `referenced_works`).
            "cited_by" => {
                let mut cited: Vec<String> = Vec::new();
                for v in &values {
                    let key = v.trim_start_matches(URL_PREFIX).to_uppercase();
                    let Some(work) = world.works.get(&key) else {
                        continue;
                    };
                    for r in work["referenced_works"].as_array().into_iter().flatten() {
                        if let Some(r) = r.as_str() {
                            cited.push(r.trim_start_matches(URL_PREFIX).to_string());
                        }
                    }
                }
                cited.retain(|k| world.works.contains_key(k));
                cited
            }
            // `true` or `false`, as the work's flag.
            "is_retracted" => {
                let wanted = match value {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(Box::new(bad_request(
                            "Invalid query parameters error.",
                            &format!("'{value}' is not a valid value for is_retracted"),
                        )))
                    }
                };
                world
                    .works
                    .iter()
                    .filter(|(_, w)| w["is_retracted"].as_bool() == Some(wanted))
                    .map(|(k, _)| k.clone())
                    .collect()
            }
            "doi" => values
                .iter()
                .filter_map(|v| {
                    world
                        .by_doi
                        .get(v.to_lowercase().trim_start_matches("https://doi.org/"))
                        .cloned()
                })
                .collect(),
            // Works published on or after a date (`YYYY-MM-DD`, compared as text).
            "from_publication_date" => world
                .works
                .iter()
                .filter(|(_, w)| w["publication_date"].as_str().is_some_and(|d| d >= value))
                .map(|(k, _)| k.clone())
                .collect(),
            "title.search" | "display_name.search" => {
                words_of(value)?;
                continue;
            }
            other => {
                return Err(Box::new(bad_request(
                    "Invalid query parameters error.",
                    &format!("{other} is not a valid filter field"),
                )))
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
