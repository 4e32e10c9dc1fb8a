//! A mock of the OpenCitations Index v2 and Meta v1 APIs on 127.0.0.1, answering from the world
//! of papers (../shared/fixtures/s2-world/world.jsonl) in the wire formats recorded from the real
//! service (../shared/OPENCITATIONS-API.md, ../shared/fixtures/opencitations-recorded/), with its
//! limits and its plain-text errors. It depends on nothing of citegraph, so the client is tested
//! against an independent reading of the API.
//!
//! The world as OpenCitations sees it ([`OcWorld::build`], deterministic):
//! - A world paper is a work of the Index when it has a DOI: its `externalIds.DOI`, else the arXiv
//!   DataCite DOI `10.48550/arxiv.<ArXiv>`. One in seven such works carries a second DOI
//!   (`10.5555/world.<CorpusId>`, as Crossref and DataCite records of one work merged by Meta).
//!   A quarter of the papers without a DOI are works too, known by an OpenAlex id or a PubMed id
//!   alone (rows "without DOI", as recorded). Ids: `omid:br/06<CorpusId>`, two thirds of the works
//!   `openalex:W…` ([`openalex_key`]), a fifth `pmid:<30000000 + CorpusId>`.
//! - `citing` and `cited` strings: the OMID first, the other ids after it in an order that varies
//!   by work (the server's `GROUP_CONCAT` has none). `creation`: the citing paper's
//!   `publicationDate` (its year when it has none, `""` for one work in eleven); `timespan` the XSD
//!   duration between the two dates, negative when the cited work appeared later.
//! - Links: every world link whose two ends are works. The world's `elided_references` papers
//!   (truth.json) lost their reference lists on both sides (make_s2_world.py empties the list and
//!   drops the paper from its references' citation lists), so nothing in the world can rebuild
//!   them; the mock plants a list for each, as a second source would have it: the older catalogue
//!   papers and foundations that are works, picked by a hash of the pair (one in four, at least
//!   five, at most 25), on both sides (the planted references list the elided paper as a citer).
//!   [`OcWorld::planted`] tells which.
//!
//! What it serves:
//! - `GET /index/v2/{references,citations}/{doi,omid,pmid}:<id>`: a bare JSON array of rows, `[]`
//!   for an unknown id; the id is percent-decoded and lower-cased first.
//!   `/index/v2/{reference,citation}-count/…`: `[{"count": "N"}]`, the count a string.
//! - `GET /meta/v1/metadata/<id>__<id>…`: one row per known work (unknown ids absent), all fields
//!   strings; more than 14 ids answer 500 (as the real one at 15).
//! - Anything else: 404 `HTTP status code 404: No API operation found at URL '…'`.
//! - Errors are plain text with `Content-Type: application/json`, as the real server sends them.
//! - A request with an `authorization` header other than the expected token (when one is set)
//!   gets 403 text/plain `Invalid token. …`.
//! - More than [`MockBuilder::limit`] requests (default 180) in any window of its length (default
//!   60 s) get 429 (with `Retry-After` when [`MockBuilder::retry_after`] sets one).
//!
//! Every request is logged with its headers, time and status.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Value};

use super::mock_server::{self, json_typed, ServerThread};

/// OpenCitations' documented limit: requests a minute per IP address.
pub const PER_MINUTE: usize = 180;
/// Ids Meta answers in one call; 15 fails.
pub const META_MAX_IDS: usize = 14;
/// The text of the 403 an invalid token gets.
pub const INVALID_TOKEN: &str = "Invalid token. Remove the authorization HEADER or register a new token at https://opencitations.net/accesstoken";

/// One work of the Index.
#[derive(Debug, Clone)]
pub struct Work {
    /// The world's (Semantic Scholar) id.
    pub paper_id: String,
    pub title: String,
    pub year: Option<i64>,
    /// `YYYY-MM-DD`, else `YYYY`, else empty.
    pub date: String,
    pub authors: Vec<String>,
    pub venue: String,
    /// `br/06…`.
    pub omid: String,
    /// Lower-case; the first is the world's.
    pub dois: Vec<String>,
    pub openalex: Option<String>,
    pub pmid: Option<String>,
    /// Where the non-OMID ids start in the rotation of [`Work::ids`].
    rotation: usize,
    /// This work's `creation` is unknown.
    undated: bool,
}

impl Work {
    /// `omid:br/… doi:… openalex:W… pmid:…`: the OMID first, the rest rotated.
    pub fn ids(&self) -> String {
        let mut rest: Vec<String> = self.dois.iter().map(|d| format!("doi:{d}")).collect();
        if let Some(w) = &self.openalex {
            rest.push(format!("openalex:{w}"));
        }
        if let Some(p) = &self.pmid {
            rest.push(format!("pmid:{p}"));
        }
        if !rest.is_empty() {
            let by = self.rotation % rest.len();
            rest.rotate_left(by);
        }
        std::iter::once(format!("omid:{}", self.omid))
            .chain(rest)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The id a client should name this work by: `openalex:W…`, else `doi:` its published DOI
    /// (the least that is not an arXiv DOI: the order of ids in a row is not defined), else its
    /// arXiv DOI, else `omid:br/…`.
    pub fn link_id(&self) -> String {
        let published = self
            .dois
            .iter()
            .filter(|d| !d.starts_with("10.48550/arxiv."))
            .min();
        if let Some(w) = &self.openalex {
            format!("openalex:{w}")
        } else if let Some(d) = published.or(self.dois.first()) {
            format!("doi:{d}")
        } else {
            format!("omid:{}", self.omid)
        }
    }
}

/// FNV-1a, 64 bits: a stable hash (test worlds must be the same on every run).
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The OpenAlex id of a world paper: `W` and ten digits from a hash of its id, the key the
/// OpenAlex mock (common/mock_openalex) gives the same paper (its preprint, for a pair), so that
/// a run against both mocks meets the same works by OpenAlex id.
pub fn openalex_key(paper_id: &str) -> String {
    let h = paper_id
        .bytes()
        .chain(std::iter::once(0))
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("W{}", 1_000_000_000 + h % 9_000_000_000)
}

/// The world as the Index and Meta know it.
#[derive(Debug, Clone, Default)]
pub struct OcWorld {
    pub works: Vec<Work>,
    /// Lower-case `doi:…`, `omid:…`, `pmid:…`, `openalex:…` -> work index.
    by_id: HashMap<String, usize>,
    by_paper: HashMap<String, usize>,
    /// Per work: the works it cites, in world order.
    references: Vec<Vec<usize>>,
    /// Per work: the works citing it.
    citations: Vec<Vec<usize>>,
    /// Elided paper (world id) -> the world ids of the references planted for it.
    planted: HashMap<String, Vec<String>>,
}

impl OcWorld {
    /// Builds it from world.jsonl and truth.json (see the module's docs). Panics on a broken
    /// fixture.
    pub fn build(world_path: &Path, truth_path: &Path) -> OcWorld {
        let text = std::fs::read_to_string(world_path).expect("world.jsonl");
        let papers: Vec<Value> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("a world line"))
            .collect();
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(truth_path).expect("truth.json"))
                .expect("truth.json parses");
        let mut world = OcWorld::default();
        for paper in &papers {
            if let Some(work) = work_of(paper) {
                let index = world.works.len();
                world.by_paper.insert(work.paper_id.clone(), index);
                let mut keys = vec![format!("omid:{}", work.omid)];
                keys.extend(work.dois.iter().map(|d| format!("doi:{d}")));
                keys.extend(work.openalex.iter().map(|w| format!("openalex:{w}")));
                keys.extend(work.pmid.iter().map(|p| format!("pmid:{p}")));
                for key in keys {
                    world.by_id.insert(key.to_lowercase(), index);
                }
                world.works.push(work);
            }
        }
        world.references = vec![Vec::new(); world.works.len()];
        world.citations = vec![Vec::new(); world.works.len()];
        for paper in &papers {
            let Some(&citing) = world.by_paper.get(paper["paperId"].as_str().unwrap_or("")) else {
                continue;
            };
            for reference in paper["references"].as_array().into_iter().flatten() {
                if let Some(&cited) = reference["paperId"]
                    .as_str()
                    .and_then(|id| world.by_paper.get(id))
                {
                    world.link(citing, cited);
                }
            }
        }
        world.plant_elided(&truth);
        world
    }

    fn link(&mut self, citing: usize, cited: usize) {
        if !self.references[citing].contains(&cited) {
            self.references[citing].push(cited);
            self.citations[cited].push(citing);
        }
    }

    fn plant_elided(&mut self, truth: &Value) {
        let mut older: Vec<String> = truth["catalog_by_key"]
            .as_object()
            .map(|m| {
                m.values()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        older.extend(
            truth["foundations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(String::from)),
        );
        older.sort();
        older.dedup();
        for elided in truth["elided_references"].as_array().into_iter().flatten() {
            let elided = elided.as_str().expect("an id");
            let Some(&citing) = self.by_paper.get(elided) else {
                continue;
            };
            let year = self.works[citing].year;
            let mut candidates: Vec<(u64, usize)> = older
                .iter()
                .filter_map(|id| self.by_paper.get(id).copied())
                .filter(|&q| q != citing && !self.works[q].dois.is_empty())
                .filter(|&q| match (self.works[q].year, year) {
                    (Some(a), Some(b)) => a < b,
                    _ => false,
                })
                .map(|q| (hash(&format!("{elided}>{}", self.works[q].paper_id)), q))
                .collect();
            candidates.sort();
            let picked: Vec<usize> = candidates
                .iter()
                .enumerate()
                .filter(|(i, (h, _))| *i < 5 || h % 4 == 0)
                .map(|(_, (_, q))| *q)
                .take(25)
                .collect();
            for &q in &picked {
                self.link(citing, q);
            }
            self.planted.insert(
                elided.to_string(),
                picked
                    .iter()
                    .map(|&q| self.works[q].paper_id.clone())
                    .collect(),
            );
        }
    }

    /// The world ids of the references planted for an elided paper.
    pub fn planted(&self, elided: &str) -> &[String] {
        self.planted.get(elided).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The work of a world paper.
    pub fn work(&self, paper_id: &str) -> Option<&Work> {
        self.by_paper.get(paper_id).map(|&i| &self.works[i])
    }

    /// The works a paper cites (`references`) or that cite it, as world ids.
    pub fn list(&self, paper_id: &str, references: bool) -> Vec<String> {
        let Some(&i) = self.by_paper.get(paper_id) else {
            return Vec::new();
        };
        let list = if references {
            &self.references[i]
        } else {
            &self.citations[i]
        };
        list.iter()
            .map(|&q| self.works[q].paper_id.clone())
            .collect()
    }

    fn find(&self, id: &str) -> Option<usize> {
        self.by_id.get(&id.to_lowercase()).copied()
    }

    fn row(&self, citing: usize, cited: usize) -> Value {
        let (a, b) = (&self.works[citing], &self.works[cited]);
        json!({
            "oci": format!("{}-{}", &a.omid[3..], &b.omid[3..]),
            "citing": a.ids(),
            "cited": b.ids(),
            "creation": if a.undated { String::new() } else { a.date.clone() },
            "timespan": if a.undated { String::new() } else { timespan(&b.date, &a.date) },
            "journal_sc": if !a.venue.is_empty() && a.venue == b.venue { "yes" } else { "no" },
            "author_sc": if a.authors.iter().any(|x| b.authors.contains(x)) { "yes" } else { "no" },
        })
    }

    fn meta_row(&self, i: usize) -> Value {
        let work = &self.works[i];
        let mut ids: Vec<String> = work.dois.iter().map(|d| format!("doi:{d}")).collect();
        ids.extend(work.openalex.iter().map(|w| format!("openalex:{w}")));
        ids.push(format!("omid:{}", work.omid));
        ids.extend(work.pmid.iter().map(|p| format!("pmid:{p}")));
        let authors: Vec<String> = work
            .authors
            .iter()
            .enumerate()
            .map(|(n, name)| match name.rsplit_once(' ') {
                Some((given, family)) => {
                    format!("{family}, {given} [omid:ra/06{n}{}]", &work.omid[5..])
                }
                None => name.clone(),
            })
            .collect();
        json!({
            "id": ids.join(" "),
            "title": work.title,
            "author": authors.join("; "),
            "pub_date": work.date,
            "venue": if work.venue.is_empty() { String::new() } else { format!("{} [issn:0000-0000 omid:br/0699]", work.venue) },
            "volume": "", "issue": "", "page": "",
            "type": "journal article",
            "publisher": "", "editor": "",
        })
    }
}

/// The work of one world paper, or `None` when the Index does not know it.
fn work_of(paper: &Value) -> Option<Work> {
    let paper_id = paper["paperId"].as_str()?.to_string();
    let ids = &paper["externalIds"];
    let corpus = ids["CorpusId"].as_u64()?;
    let h = hash(&paper_id);
    let mut dois: Vec<String> = Vec::new();
    if let Some(doi) = ids["DOI"].as_str() {
        dois.push(doi.to_lowercase());
    } else if let Some(arxiv) = ids["ArXiv"].as_str() {
        dois.push(format!("10.48550/arxiv.{}", arxiv.to_lowercase()));
    }
    if !dois.is_empty() && h % 7 == 3 {
        dois.push(format!("10.5555/world.{corpus}"));
    }
    if dois.is_empty() && h % 4 != 1 {
        return None;
    }
    let year = paper["year"].as_i64();
    let date = paper["publicationDate"]
        .as_str()
        .map(String::from)
        .or(year.map(|y| y.to_string()))
        .unwrap_or_default();
    let mut openalex = (h % 3 != 0).then(|| openalex_key(&paper_id));
    let mut pmid = (h % 5 == 0).then(|| (30_000_000 + corpus).to_string());
    if dois.is_empty() && openalex.is_none() && pmid.is_none() {
        // A work without DOI is known by some other id.
        openalex = Some(openalex_key(&paper_id));
        pmid = None;
    }
    Some(Work {
        paper_id,
        title: paper["title"].as_str().unwrap_or_default().to_string(),
        year,
        date,
        authors: paper["authors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["name"].as_str().map(String::from))
            .collect(),
        venue: paper["venue"].as_str().unwrap_or_default().to_string(),
        omid: format!("br/06{corpus}"),
        dois,
        openalex,
        pmid,
        rotation: (h >> 8) as usize,
        undated: h % 11 == 5,
    })
}

/// The XSD duration from `from` to `to` (`YYYY[-MM[-DD]]`), at the precision of the coarser
/// date; negative when `to` is earlier; empty when either is missing.
pub fn timespan(from: &str, to: &str) -> String {
    let parts = |d: &str| -> Vec<i64> { d.split('-').filter_map(|p| p.parse().ok()).collect() };
    let (a, b) = (parts(from), parts(to));
    if a.is_empty() || b.is_empty() {
        return String::new();
    }
    let precision = a.len().min(b.len()).min(3);
    let (mut a, mut b) = (a[..precision].to_vec(), b[..precision].to_vec());
    let negative = b < a;
    if negative {
        std::mem::swap(&mut a, &mut b);
    }
    let mut diff: Vec<i64> = b.iter().zip(&a).map(|(x, y)| x - y).collect();
    if precision == 3 && diff[2] < 0 {
        diff[2] += 30;
        diff[1] -= 1;
    }
    if precision >= 2 && diff[1] < 0 {
        diff[1] += 12;
        diff[0] -= 1;
    }
    let mut text = String::from(if negative { "-P" } else { "P" });
    for (value, unit) in diff.iter().zip(["Y", "M", "D"]) {
        text.push_str(&format!("{value}{unit}"));
    }
    text
}

/// A fault to inject into the next requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// This status with a plain-text body (`HTTP status code N: …`) under a JSON content type.
    Status(u16),
    /// 429, with `Retry-After` (seconds) when given.
    TooManyRequests(Option<u64>),
    /// 500 whose text quotes the request's `authorization` header (a server that echoes it).
    EchoToken,
    /// 200 with the plain text of a 500 (an error the header does not announce).
    OkButText,
}

/// Which requests a fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Any,
    Index,
    Meta,
}

/// One request received.
#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub status: u16,
    pub at: Instant,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        mock_server::header(&self.headers, name)
    }
}

struct Inner {
    world: OcWorld,
    token: Option<String>,
    limit: usize,
    window: Duration,
    retry_after: Option<u64>,
    faults: Mutex<Vec<(Target, Fault, u64)>>,
    log: Mutex<Vec<Logged>>,
    recent: Mutex<VecDeque<Instant>>,
}

/// Configures and starts a [`MockOc`].
pub struct MockBuilder {
    world: OcWorld,
    token: Option<String>,
    limit: usize,
    window: Duration,
    retry_after: Option<u64>,
    faults: Vec<(Target, Fault, u64)>,
}

impl MockBuilder {
    pub fn new(world: OcWorld) -> MockBuilder {
        MockBuilder {
            world,
            token: None,
            limit: PER_MINUTE,
            window: Duration::from_secs(60),
            retry_after: None,
            faults: Vec::new(),
        }
    }

    /// Answers 403 `Invalid token.` to requests whose `authorization` is not this token.
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_string());
        self
    }

    /// At most `limit` requests in any `window`; more get 429 (default 180 a minute).
    pub fn limit(mut self, limit: usize, window: Duration) -> Self {
        self.limit = limit;
        self.window = window;
        self
    }

    /// The `Retry-After` (seconds) of the rate limit's 429s.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Injects `fault` into the next `times` requests `target` selects.
    pub fn fault(mut self, target: Target, fault: Fault, times: u64) -> Self {
        self.faults.push((target, fault, times));
        self
    }

    pub fn start(self) -> MockOc {
        let inner = Arc::new(Inner {
            world: self.world,
            token: self.token,
            limit: self.limit,
            window: self.window,
            retry_after: self.retry_after,
            faults: Mutex::new(self.faults),
            log: Mutex::new(Vec::new()),
            recent: Mutex::new(VecDeque::new()),
        });
        let (server, addr) =
            ServerThread::serve(Router::new().fallback(handle).with_state(inner.clone()));
        MockOc {
            addr,
            inner,
            server,
        }
    }
}

/// A running mock. Dropping it stops the server.
pub struct MockOc {
    addr: SocketAddr,
    inner: Arc<Inner>,
    server: ServerThread,
}

impl MockOc {
    /// `http://127.0.0.1:PORT`: the base of `/index/v2` and `/meta/v1`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn world(&self) -> &OcWorld {
        &self.inner.world
    }

    pub fn log(&self) -> Vec<Logged> {
        self.inner.log.lock().unwrap().clone()
    }

    pub fn requests(&self) -> usize {
        self.inner.log.lock().unwrap().len()
    }

    /// Requests whose path starts with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.log()
            .iter()
            .filter(|l| l.path.starts_with(prefix))
            .count()
    }

    /// The most requests received in any window of `window` (sliding over the log).
    pub fn max_in(&self, window: Duration) -> usize {
        let times: Vec<Instant> = self.log().iter().map(|l| l.at).collect();
        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end].duration_since(times[start]) >= window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }

    /// Requests answered with `status`.
    pub fn answered(&self, status: u16) -> usize {
        self.log().iter().filter(|l| l.status == status).count()
    }

    pub fn stop(&mut self) {
        self.server.stop();
    }
}

/// A plain-text body under a JSON content type, as the real server sends errors.
fn text(status: u16, body: &str) -> Response {
    json_typed(status, body.to_string())
}

fn json_answer(body: &Value) -> Response {
    text(200, &serde_json::to_string_pretty(body).unwrap())
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

async fn handle(
    axum::extract::State(inner): axum::extract::State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path().to_string();
    let response = respond(&inner, &path, &headers);
    inner.log.lock().unwrap().push(Logged {
        path,
        headers: mock_server::header_pairs(&headers),
        status: response.status().as_u16(),
        at: Instant::now(),
    });
    response
}

fn respond(inner: &Inner, path: &str, headers: &HeaderMap) -> Response {
    {
        let now = Instant::now();
        let mut recent = inner.recent.lock().unwrap();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= inner.window)
        {
            recent.pop_front();
        }
        recent.push_back(now);
        if recent.len() > inner.limit {
            let mut response = text(429, "HTTP status code 429: Too Many Requests");
            if let Some(seconds) = inner.retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            return response;
        }
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if let (Some(expected), Some(sent)) = (&inner.token, &authorization) {
        if sent != expected {
            let mut response = text(403, INVALID_TOKEN);
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            return response;
        }
    }
    let target = if path.starts_with("/meta/") {
        Target::Meta
    } else {
        Target::Index
    };
    let fault = {
        let mut faults = inner.faults.lock().unwrap();
        faults
            .iter_mut()
            .find(|(t, _, n)| *n > 0 && (*t == Target::Any || *t == target))
            .map(|(_, fault, n)| {
                *n -= 1;
                fault.clone()
            })
    };
    match fault {
        Some(Fault::Status(status)) => {
            let reason = match status {
                408 => "request timeout".to_string(),
                400 => "parameter in the request not compliant with the type specified".to_string(),
                404 => format!("No API operation found at URL '{path}'"),
                _ => "something unexpected happened - QueryBadFormed: Virtuoso 42000 (line 1)"
                    .to_string(),
            };
            return text(status, &format!("HTTP status code {status}: {reason}"));
        }
        Some(Fault::TooManyRequests(after)) => {
            let mut response = text(429, "HTTP status code 429: Too Many Requests");
            if let Some(seconds) = after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            return response;
        }
        Some(Fault::EchoToken) => {
            return text(
                500,
                &format!(
                    "HTTP status code 500: bad header authorization={}",
                    authorization.unwrap_or_default()
                ),
            );
        }
        Some(Fault::OkButText) => {
            return text(200, "HTTP status code 500: something unexpected happened");
        }
        None => {}
    }
    answer(&inner.world, path)
}

fn answer(world: &OcWorld, path: &str) -> Response {
    let not_found = || {
        text(
            404,
            &format!("HTTP status code 404: No API operation found at URL '{path}'"),
        )
    };
    if let Some(ids) = path.strip_prefix("/meta/v1/metadata/") {
        let ids: Vec<String> = decode(ids).split("__").map(String::from).collect();
        if ids.len() > META_MAX_IDS {
            return text(
                500,
                "HTTP status code 500: something unexpected happened - TimeoutError: the query \
                 took too long (line 1)",
            );
        }
        let mut seen = HashSet::new();
        let rows: Vec<Value> = ids
            .iter()
            .filter_map(|id| world.find(id))
            .filter(|&i| seen.insert(i))
            .map(|i| world.meta_row(i))
            .collect();
        return json_answer(&Value::from(rows));
    }
    let Some(rest) = path.strip_prefix("/index/v2/") else {
        return not_found();
    };
    let Some((operation, id)) = rest.split_once('/') else {
        return not_found();
    };
    let id = decode(id).to_lowercase();
    let scheme_ok = ["doi:", "omid:", "pmid:"]
        .iter()
        .any(|s| id.starts_with(s) && id.len() > s.len());
    if !scheme_ok {
        return not_found();
    }
    let found = world.find(&id);
    let rows = |references: bool| -> Vec<Value> {
        let Some(i) = found else {
            return Vec::new();
        };
        if references {
            world.references[i]
                .iter()
                .map(|&q| world.row(i, q))
                .collect()
        } else {
            world.citations[i]
                .iter()
                .map(|&q| world.row(q, i))
                .collect()
        }
    };
    match operation {
        "references" => json_answer(&Value::from(rows(true))),
        "citations" => json_answer(&Value::from(rows(false))),
        "reference-count" => json_answer(&json!([{"count": rows(true).len().to_string()}])),
        "citation-count" => json_answer(&json!([{"count": rows(false).len().to_string()}])),
        _ => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::timespan;

    #[test]
    fn timespans_are_xsd_durations() {
        assert_eq!(timespan("2003-01-15", "2013-08-19"), "P10Y7M4D");
        assert_eq!(timespan("2020-05-10", "2020-05-03"), "-P0Y0M7D");
        assert_eq!(timespan("2003", "2013-08-19"), "P10Y");
        assert_eq!(timespan("", "2013"), "");
    }
}
