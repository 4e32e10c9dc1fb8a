//! A mock of the Semantic Scholar Datasets API on 127.0.0.1 (../shared/S2-DATASETS.md), with
//! the shard files it links to, for the `datasets` tests. It depends on nothing of citegraph.
//!
//! What it serves, under `/datasets/v1`:
//! - `GET /release/`: the release ids, oldest first (no key needed);
//! - `GET /release/{id}` (`latest` allowed): `{"release_id", "README", "datasets": [{name,
//!   description, README}]}` (no key needed; 404 for an unknown release);
//! - `GET /release/{id}/dataset/{name}`: `{"name", "description", "README", "files": [...]}`,
//!   the files as pre-signed links to this server (`/files/...?X-Amz-Date=…&X-Amz-Expires=…&
//!   X-Amz-Signature=…`); 403 `{"message":"Forbidden"}` without the right `x-api-key`;
//! - `GET /diffs/{start}/to/{end}/{name}` (`end` may be `latest`): one diff per consecutive pair
//!   of releases from `start` to `end`, each with its update and delete files as pre-signed
//!   links; 404 for a start that is not a release or whose diffs are not kept; 403 without the
//!   key;
//! - `GET /files/...`: the file's bytes, `Range: bytes=N-` answered 206 with `Content-Range`
//!   (416 past the end); 403 (S3's XML) for a link whose signature is wrong or whose
//!   `X-Amz-Date + X-Amz-Expires` has passed.
//!
//! Faults a test can ask for: the first N listings hand out links that have already expired
//! ([`MockDatasetsBuilder::stale_listings`]); the first N file transfers are cut halfway
//! ([`MockDatasetsBuilder::cut_transfers`]); every file answers after a delay
//! ([`MockDatasetsBuilder::file_delay`]). Every request is logged with its headers and the
//! time it arrived. The server thread and the JSON answers are `mock_server`'s.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::mock_server::{header_pairs, json_response, ServerThread};

/// The lifetime of a link, in seconds, as the `X-Amz-Expires` of the links seen in clients.
pub const LINK_LIFETIME: u64 = 3600;
const SECRET: &str = "mock-signing-secret";

/// One file: its name and bytes.
pub type File = (String, Vec<u8>);

/// A diff between two consecutive releases of one dataset.
#[derive(Clone, Default)]
pub struct DiffFiles {
    pub update: Vec<File>,
    pub delete: Vec<File>,
}

#[derive(Default)]
struct Config {
    key: Option<String>,
    /// release id → dataset name → its shards.
    releases: BTreeMap<String, BTreeMap<String, Vec<File>>>,
    /// (from, to, dataset) → the diff.
    diffs: BTreeMap<(String, String, String), DiffFiles>,
    /// A `start_release` the diff lists claim whatever was asked (a misbehaving server).
    claimed_start: Option<String>,
    /// How long every `/files/` request waits before its answer.
    file_delay: Duration,
}

#[derive(Default)]
struct State {
    stale_listings: usize,
    cut_transfers: usize,
}

/// A request as the mock saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub status: u16,
    /// When the request arrived.
    pub at: Instant,
}

struct Inner {
    config: Config,
    /// `/files/...` path → bytes.
    files: BTreeMap<String, Vec<u8>>,
    state: Mutex<State>,
    log: Mutex<Vec<Logged>>,
    addr: Mutex<SocketAddr>,
}

pub struct MockDatasetsBuilder {
    config: Config,
    state: State,
}

impl Default for MockDatasetsBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl MockDatasetsBuilder {
    pub fn new() -> Self {
        MockDatasetsBuilder {
            config: Config::default(),
            state: State::default(),
        }
    }

    /// The key the file links and diffs require in `x-api-key`.
    pub fn key(mut self, key: &str) -> Self {
        self.config.key = Some(key.to_string());
        self
    }

    /// A release (ids sort in time order) with its datasets' shards.
    pub fn release(mut self, id: &str, datasets: Vec<(&str, Vec<File>)>) -> Self {
        let entry = self.config.releases.entry(id.to_string()).or_default();
        for (name, files) in datasets {
            entry.insert(name.to_string(), files);
        }
        self
    }

    /// The diff of `dataset` from release `from` to the next one, `to`.
    pub fn diff(mut self, from: &str, to: &str, dataset: &str, diff: DiffFiles) -> Self {
        self.config.diffs.insert(
            (from.to_string(), to.to_string(), dataset.to_string()),
            diff,
        );
        self
    }

    /// Diff lists claim to start at `release`, whatever start was asked for.
    pub fn claim_start(mut self, release: &str) -> Self {
        self.config.claimed_start = Some(release.to_string());
        self
    }

    /// The first `n` listings (dataset or diffs) hand out links that expired an hour ago.
    pub fn stale_listings(mut self, n: usize) -> Self {
        self.state.stale_listings = n;
        self
    }

    /// Every file transfer waits `delay` before it answers (a slow link: transfers that
    /// overlap show in the log's arrival times).
    pub fn file_delay(mut self, delay: Duration) -> Self {
        self.config.file_delay = delay;
        self
    }

    /// The first `n` file transfers send half their bytes and close the connection.
    pub fn cut_transfers(mut self, n: usize) -> Self {
        self.state.cut_transfers = n;
        self
    }

    pub fn start(self) -> MockDatasets {
        let mut files = BTreeMap::new();
        for (release, datasets) in &self.config.releases {
            for (name, shards) in datasets {
                for (file, bytes) in shards {
                    files.insert(format!("/files/{release}/{name}/{file}"), bytes.clone());
                }
            }
        }
        for ((from, to, name), diff) in &self.config.diffs {
            for (kind, list) in [("update", &diff.update), ("delete", &diff.delete)] {
                for (file, bytes) in list {
                    files.insert(
                        format!("/files/diffs/{from}-{to}/{name}/{kind}/{file}"),
                        bytes.clone(),
                    );
                }
            }
        }
        let inner = Arc::new(Inner {
            config: self.config,
            files,
            state: Mutex::new(self.state),
            log: Mutex::new(Vec::new()),
            addr: Mutex::new(SocketAddr::from(([127, 0, 0, 1], 0))),
        });
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let (server, addr) = ServerThread::serve(app);
        // Set before the address is handed out: no request can come sooner.
        *inner.addr.lock().unwrap() = addr;
        MockDatasets {
            addr,
            inner,
            _server: server,
        }
    }
}

pub struct MockDatasets {
    addr: SocketAddr,
    inner: Arc<Inner>,
    /// Stopped when the mock is dropped.
    _server: ServerThread,
}

impl MockDatasets {
    /// The base URL, as `S2_DATASETS_URL` takes it.
    pub fn url(&self) -> String {
        format!("http://{}/datasets/v1", self.addr)
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Logged> {
        self.inner.log.lock().unwrap().clone()
    }

    /// Requests whose path starts with `prefix` (e.g. `/datasets/v1/release/` or `/files/`).
    pub fn count(&self, prefix: &str) -> usize {
        self.log()
            .iter()
            .filter(|l| l.path.starts_with(prefix))
            .count()
    }
}

/// `lines` as one gzip file, a line each.
pub fn gzip_lines<S: AsRef<str>>(lines: &[S]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for line in lines {
        encoder.write_all(line.as_ref().as_bytes()).unwrap();
        encoder.write_all(b"\n").unwrap();
    }
    encoder.finish().unwrap()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn signature(path: &str, date: u64, expires: u64) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("{SECRET}\n{path}\n{date}\n{expires}"));
    hex::encode(hasher.finalize())
}

impl Inner {
    /// A pre-signed link to `path`; `stale`: issued two lifetimes ago (expired).
    fn link(&self, path: &str, stale: bool) -> String {
        let addr = *self.addr.lock().unwrap();
        let date = if stale {
            now_secs() - 2 * LINK_LIFETIME
        } else {
            now_secs()
        };
        format!(
            "http://{addr}{path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={date}&X-Amz-Expires={LINK_LIFETIME}&X-Amz-Signature={}",
            signature(path, date, LINK_LIFETIME)
        )
    }

    /// Whether this listing hands out expired links (the first `stale_listings`).
    fn take_stale(&self) -> bool {
        let mut state = self.state.lock().unwrap();
        if state.stale_listings > 0 {
            state.stale_listings -= 1;
            true
        } else {
            false
        }
    }

    fn keyed(&self, headers: &HeaderMap) -> bool {
        match &self.config.key {
            None => true,
            Some(key) => headers
                .get("x-api-key")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v == key),
        }
    }

    fn release_ids(&self) -> Vec<String> {
        self.config.releases.keys().cloned().collect()
    }

    fn resolve(&self, id: &str) -> Option<String> {
        if id == "latest" {
            self.config.releases.keys().next_back().cloned()
        } else {
            self.config
                .releases
                .contains_key(id)
                .then(|| id.to_string())
        }
    }
}

fn forbidden() -> Response {
    json_response(403, &json!({"message": "Forbidden"}))
}

fn not_found(what: &str) -> Response {
    json_response(404, &json!({"message": format!("{what} not found")}))
}

async fn handle(
    axum::extract::State(inner): axum::extract::State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let at = Instant::now();
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    if path.starts_with("/files/") && !inner.config.file_delay.is_zero() {
        tokio::time::sleep(inner.config.file_delay).await;
    }
    let response = answer(&inner, &path, &query, &headers);
    inner.log.lock().unwrap().push(Logged {
        path,
        query,
        headers: header_pairs(&headers),
        status: response.status().as_u16(),
        at,
    });
    response
}

fn answer(inner: &Inner, path: &str, query: &str, headers: &HeaderMap) -> Response {
    if path.starts_with("/files/") {
        return file(inner, path, query, headers);
    }
    let Some(rest) = path.strip_prefix("/datasets/v1/") else {
        return not_found("path");
    };
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        ["release"] => json_response(200, &json!(inner.release_ids())),
        ["release", id] => match inner.resolve(id) {
            Some(id) => {
                let datasets: Vec<_> = inner.config.releases[&id]
                    .keys()
                    .map(|name| json!({"name": name, "description": format!("{name} of {id}"), "README": "mock"}))
                    .collect();
                json_response(
                    200,
                    &json!({"release_id": id, "README": "mock release", "datasets": datasets}),
                )
            }
            None => not_found("release"),
        },
        ["release", id, "dataset", name] => {
            if !inner.keyed(headers) {
                return forbidden();
            }
            let Some(id) = inner.resolve(id) else {
                return not_found("release");
            };
            let Some(shards) = inner.config.releases[&id].get(*name) else {
                return not_found("dataset");
            };
            let stale = inner.take_stale();
            let files: Vec<String> = shards
                .iter()
                .map(|(file, _)| inner.link(&format!("/files/{id}/{name}/{file}"), stale))
                .collect();
            json_response(
                200,
                &json!({"name": name, "description": "mock", "README": "mock", "files": files}),
            )
        }
        ["diffs", start, "to", end, name] => {
            if !inner.keyed(headers) {
                return forbidden();
            }
            diffs(inner, start, end, name)
        }
        _ => not_found("path"),
    }
}

fn diffs(inner: &Inner, start: &str, end: &str, name: &str) -> Response {
    let ids = inner.release_ids();
    let (Some(from), Some(to)) = (
        ids.iter().position(|id| id == start),
        inner
            .resolve(end)
            .and_then(|e| ids.iter().position(|id| *id == e)),
    ) else {
        return not_found("release");
    };
    let stale = inner.take_stale();
    let mut list = Vec::new();
    for pair in ids[from..=to.max(from)].windows(2) {
        let key = (pair[0].clone(), pair[1].clone(), name.to_string());
        let Some(diff) = inner.config.diffs.get(&key) else {
            return not_found("diff");
        };
        let links = |kind: &str, files: &[File]| -> Vec<String> {
            files
                .iter()
                .map(|(file, _)| {
                    inner.link(
                        &format!("/files/diffs/{}-{}/{name}/{kind}/{file}", pair[0], pair[1]),
                        stale,
                    )
                })
                .collect()
        };
        list.push(json!({
            "from_release": pair[0], "to_release": pair[1],
            "update_files": links("update", &diff.update),
            "delete_files": links("delete", &diff.delete),
        }));
    }
    json_response(
        200,
        &json!({"dataset": name, "start_release": inner.config.claimed_start.as_deref().unwrap_or(start), "end_release": ids[to.max(from)], "diffs": list}),
    )
}

fn s3_error(code: &str, message: &str) -> Response {
    Response::builder()
        .status(403)
        .header(header::CONTENT_TYPE, "application/xml")
        .body(Body::from(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
        )))
        .unwrap()
}

fn file(inner: &Inner, path: &str, query: &str, headers: &HeaderMap) -> Response {
    let params: BTreeMap<&str, &str> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .collect();
    let number = |key: &str| params.get(key).and_then(|v| v.parse::<u64>().ok());
    let (Some(date), Some(expires)) = (number("X-Amz-Date"), number("X-Amz-Expires")) else {
        return s3_error(
            "AccessDenied",
            "Query-string authentication requires the X-Amz-Date and X-Amz-Expires parameters",
        );
    };
    if params.get("X-Amz-Signature") != Some(&signature(path, date, expires).as_str()) {
        return s3_error(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        );
    }
    if now_secs() > date + expires {
        return s3_error("AccessDenied", "Request has expired");
    }
    let Some(bytes) = inner.files.get(path) else {
        return Response::builder().status(404).body(Body::empty()).unwrap();
    };
    let start = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes="))
        .and_then(|v| v.strip_suffix('-'))
        .and_then(|v| v.parse::<usize>().ok());
    let total = bytes.len();
    let (status, body, range) = match start {
        Some(start) if start >= total => {
            return Response::builder()
                .status(416)
                .header(header::CONTENT_RANGE, format!("bytes */{total}"))
                .body(Body::empty())
                .unwrap()
        }
        Some(start) => (
            StatusCode::PARTIAL_CONTENT,
            bytes[start..].to_vec(),
            Some(format!("bytes {start}-{}/{total}", total - 1)),
        ),
        None => (StatusCode::OK, bytes.clone(), None),
    };
    let cut = {
        let mut state = inner.state.lock().unwrap();
        if state.cut_transfers > 0 {
            state.cut_transfers -= 1;
            true
        } else {
            false
        }
    };
    let length = body.len();
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_LENGTH, HeaderValue::from(length))
        .header(header::ACCEPT_RANGES, "bytes");
    if let Some(range) = range {
        builder = builder.header(header::CONTENT_RANGE, range);
    }
    if cut {
        // The headers and half the bytes, then (once they are on their way) the connection
        // dies.
        let half = body[..length / 2].to_vec();
        let pieces = futures_util::stream::unfold(0u8, move |step| {
            let half = half.clone();
            async move {
                match step {
                    0 => Some((Ok(half), 1)),
                    1 => {
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        Some((Err(std::io::Error::other("cut by the mock")), 2))
                    }
                    _ => None,
                }
            }
        });
        return builder.body(Body::from_stream(pieces)).unwrap();
    }
    builder.body(Body::from(body)).unwrap()
}
