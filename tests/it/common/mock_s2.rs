//! A mock of the Semantic Scholar Graph API on 127.0.0.1, answering from a world of papers
//! (../shared/fixtures/s2-world/world.jsonl) with the real API's shapes, limits and error bodies
//! (see ../shared/S2-API.md), able to inject the faults the real service shows.
//!
//! Used by the fetch tests (issue #3), the reliability tests (#7) and the fetch benchmark (#6);
//! `examples/mock_s2.rs` runs it as a standalone process. The module depends on nothing of
//! citegraph, so that the client is tested against an independent reading of the API.
//!
//! ```ignore
//! let mock = MockBuilder::new(World::load(&world_path))
//!     .enforce_rps(1.0)
//!     .fault(Target::Any, Fault::TooManyRequests { retry_after: None }, 3)
//!     .start();
//! // ... run `citegraph fetch --api-url {mock.url()}` ...
//! assert!(mock.count(Endpoint::Batch) <= 2);
//! ```
//!
//! What it serves, under `/graph/v1`:
//! - `POST /paper/batch?fields=…` `{"ids": [...]}`: at most 500 ids (400 above), `null` for an
//!   unknown id, nested `references`/`citations` capped at `batch_nested_cap` items each
//!   (default 9,999, the documented cap), answers over `max_response_bytes` (default 10 MB)
//!   refused with 400. Link fields (`references.intents`, `citations.isInfluential`) are
//!   refused with 400, as the real batch does: they exist only on the paginated endpoints.
//! - `GET /paper/{id}`: every id form (40-hex, `ARXIV:`, `DOI:` or a bare DOI, `ACL:`,
//!   `CorpusId:`, `URL:` of arxiv.org, aclanthology.org, dl.acm.org, semanticscholar.org);
//!   nested lists capped at 1,000 (as recorded in fixtures/s2-recorded/Paper.json).
//! - `GET /paper/{id}/references` and `/citations`: `offset`, `limit` (default 100, at most
//!   1,000; offset + limit at most 9,999), `next` absent on the last page, items
//!   `{"citedPaper": {...}, "isInfluential", "intents", "contexts"}` (`citingPaper` for
//!   citations), the link fields only when asked.
//! - `GET /paper/search/match?query=…`: the exact normalized title, else the closest title by
//!   shared words (as the real one, it answers a best guess: the client must check it), else 404
//!   `{"error": "Title match not found"}`.
//! - `GET /mock/stats` (not counted): requests per endpoint, as JSON, for scripts.
//!
//! `fields` is honoured (`paperId` always, `paperId` + `title` without it); unknown fields give
//! 400 `{"error": "Unrecognized or unsupported fields: [...]"}`. Every request is counted per
//! endpoint and logged with its headers (to check `x-api-key`), faulted ones included.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Map, Value};

use super::mock_server::{self, json_response, ServerThread};

/// The API's documented and observed limits.
pub const MAX_BATCH_IDS: usize = 500;
pub const BATCH_NESTED_CAP: usize = 9_999;
pub const PAPER_NESTED_CAP: usize = 1_000;
pub const MAX_PAGE_LIMIT: usize = 1_000;
pub const MAX_LIST_REACH: usize = 9_999;
pub const MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;

const PAPER_FIELDS: &[&str] = &[
    "paperId",
    "corpusId",
    "externalIds",
    "url",
    "title",
    "abstract",
    "venue",
    "publicationVenue",
    "year",
    "referenceCount",
    "citationCount",
    "influentialCitationCount",
    "isOpenAccess",
    "openAccessPdf",
    "fieldsOfStudy",
    "s2FieldsOfStudy",
    "publicationTypes",
    "publicationDate",
    "journal",
    "citationStyles",
    "authors",
    "tldr",
];
const LINK_FIELDS: &[&str] = &["contexts", "intents", "isInfluential", "contextsWithIntent"];

/// The papers served: one JSON object per paper, as in world.jsonl.
#[derive(Clone, Default)]
pub struct World {
    papers: HashMap<String, Value>,
    /// Paper ids in file order (title matching prefers the first).
    order: Vec<String>,
    /// Ids Semantic Scholar merged into another record: old id -> the id served for it
    /// ([`World::merge_record`]).
    aliases: HashMap<String, String>,
}

impl World {
    /// Reads a world.jsonl; panics on a broken file (a test fixture).
    pub fn load(path: &Path) -> World {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read the world {}: {e}", path.display()));
        let mut world = World::default();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let paper: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
            world.insert(paper);
        }
        world
    }

    /// Adds (or replaces) a paper.
    pub fn insert(&mut self, paper: Value) {
        let id = paper["paperId"]
            .as_str()
            .expect("a paper has a paperId")
            .to_string();
        if !self.papers.contains_key(&id) {
            self.order.push(id.clone());
        }
        self.papers.insert(id, paper);
    }

    pub fn paper(&self, id: &str) -> Option<&Value> {
        self.papers.get(id)
    }

    /// To plant a quirk before serving (a positive referenceCount on an elided list, ...).
    pub fn paper_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.papers.get_mut(id)
    }

    pub fn len(&self) -> usize {
        self.papers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.papers.is_empty()
    }
}

/// How [`World::later`] moves a world on: the same world `months` after a first fetch made on
/// day `since` (days since the Unix epoch).
#[derive(Debug, Clone)]
pub struct Later {
    pub since: i64,
    pub months: u32,
    /// The catalogue's paper ids (truth.json's `catalog_by_key` values): the papers new citers
    /// cite and whose records change.
    pub catalog: Vec<String>,
    pub seed: u64,
    /// The share of picks made uniformly over the whole catalogue instead of among its 60 most
    /// cited papers (make_s2_world.py draws its recent citers from the 60 alone: 0).
    pub spread: f64,
}

/// What [`World::later`] planted.
#[derive(Debug, Clone, Default)]
pub struct LaterTruth {
    /// Every new citing paper.
    pub citers: Vec<String>,
    /// Citers with a year but no publicationDate (dated January 1st by the API's filter).
    pub year_only: Vec<String>,
    /// Citers published in the weeks before the first fetch, indexed after it.
    pub late_indexed: Vec<String>,
    /// Citers published over a year before the first fetch, indexed after it.
    pub very_late: Vec<String>,
    /// Catalogue papers with new citers.
    pub cited: HashSet<String>,
    /// Catalogue papers whose venue changed (a preprint now published).
    pub venue_changed: Vec<String>,
    /// Catalogue papers whose reference list grew.
    pub references_changed: Vec<String>,
}

/// SplitMix64: a small deterministic generator (test worlds must be the same on every run).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// `YYYY-MM-DD` of a day counted from the Unix epoch (H. Hinnant's civil-from-days).
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days from the Unix epoch of `YYYY-MM-DD` (H. Hinnant's days-from-civil).
pub fn civil_days(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

impl World {
    /// The same world some months on, drawn as make_s2_world.py draws its recent citers: new
    /// papers citing 1 to 4 of the catalogue's 60 most cited papers (one in 125 cites 12 to 30 of
    /// them; `spread` of the picks are uniform over the whole catalogue instead), about 62 a
    /// month (the world's 1,500 recent papers over two years); one in seven with a year but no
    /// publicationDate, one in twenty published in the three weeks before the first fetch
    /// (indexed late), two published over a year before; one catalogue paper in twenty-five
    /// gets a venue (its preprint published); two catalogue papers get three more references.
    /// Counts follow the lists.
    pub fn later(&self, plan: &Later) -> (World, LaterTruth) {
        let mut world = self.clone();
        let mut truth = LaterTruth::default();
        let mut rng = Mix(plan.seed ^ 0x5eed_1a7e);
        let catalog: Vec<String> = plan
            .catalog
            .iter()
            .filter(|id| world.papers.contains_key(*id))
            .cloned()
            .collect();
        if catalog.is_empty() {
            return (world, truth);
        }
        let mut ranked = catalog.clone();
        let cited_by =
            |w: &World, id: &str| w.papers[id]["citations"].as_array().map_or(0, Vec::len);
        ranked.sort_by(|a, b| cited_by(&world, b).cmp(&cited_by(&world, a)).then(a.cmp(b)));
        ranked.truncate(60);
        let window = i64::from(plan.months) * 30;
        let count = (plan.months as usize * 125).div_ceil(2);
        let fresh_id = |rng: &mut Mix, world: &World| loop {
            let id = format!(
                "{:016x}{:016x}{:08x}",
                rng.next(),
                rng.next(),
                rng.next() as u32
            );
            if !world.papers.contains_key(&id) {
                return id;
            }
        };
        let mut corpus = 90_000_000u64 + plan.seed % 1000 * 10_000;
        for i in 0..count {
            let id = fresh_id(&mut rng, &world);
            let (date, year_only) = if i < 2 {
                truth.very_late.push(id.clone());
                (plan.since - 400 - rng.below(30) as i64, false)
            } else if rng.chance(0.05) {
                truth.late_indexed.push(id.clone());
                (plan.since - 7 - rng.below(14) as i64, false)
            } else {
                let year_only = rng.chance(1.0 / 7.0);
                if year_only {
                    truth.year_only.push(id.clone());
                }
                (
                    plan.since + 1 + rng.below(window as usize) as i64,
                    year_only,
                )
            };
            let date = civil_date(date);
            let year: i64 = date[..4].parse().unwrap_or(2026);
            corpus += 1 + rng.below(40) as u64;
            let k = if rng.chance(0.008) {
                12 + rng.below(19)
            } else {
                1 + rng.below(4)
            };
            let k = k.min(ranked.len());
            let mut cites: Vec<String> = Vec::new();
            while cites.len() < k {
                let pick = if !rng.chance(plan.spread) {
                    ranked[rng.below(ranked.len())].clone()
                } else {
                    catalog[rng.below(catalog.len())].clone()
                };
                if !cites.contains(&pick) {
                    cites.push(pick);
                }
                if cites.len() >= catalog.len() {
                    break;
                }
            }
            let mut references = Vec::new();
            for cited in &cites {
                let influential = rng.chance(0.1);
                let link = |other: &str| {
                    json!({"paperId": other, "isInfluential": influential, "contexts": [],
                           "intents": ["background"]})
                };
                references.push(link(cited));
                if let Some(list) = world
                    .papers
                    .get_mut(cited)
                    .and_then(|p| p["citations"].as_array_mut())
                {
                    list.push(link(&id));
                }
                truth.cited.insert(cited.clone());
            }
            world.insert(json!({
                "paperId": id,
                "externalIds": {"CorpusId": corpus},
                "title": format!("Later token reduction study {i}"),
                "year": year,
                "venue": "",
                "publicationDate": if year_only { Value::Null } else { json!(date) },
                "citationCount": 0,
                "influentialCitationCount": 0,
                "authors": [{"authorId": format!("{}", 5_000_000 + i), "name": format!("Author L{i}")}],
                "references": references,
                "referenceCount": cites.len(),
                "citations": [],
            }));
            truth.citers.push(id);
        }
        for id in &catalog {
            if rng.chance(0.04) {
                world.papers.get_mut(id).expect("catalogue paper")["venue"] =
                    json!("Advances in Neural Information Processing Systems");
                truth.venue_changed.push(id.clone());
            }
        }
        let older: Vec<String> = self
            .order
            .iter()
            .filter(|id| !plan.catalog.contains(id))
            .cloned()
            .collect();
        for _ in 0..2 {
            let id = catalog[rng.below(catalog.len())].clone();
            if truth.references_changed.contains(&id) {
                continue;
            }
            for _ in 0..3 {
                let cited = older[rng.below(older.len())].clone();
                let link = |other: &str| json!({"paperId": other, "isInfluential": false, "contexts": [], "intents": []});
                if let Some(list) = world
                    .papers
                    .get_mut(&id)
                    .and_then(|p| p["references"].as_array_mut())
                {
                    list.push(link(&cited));
                }
                if let Some(list) = world
                    .papers
                    .get_mut(&cited)
                    .and_then(|p| p["citations"].as_array_mut())
                {
                    list.push(link(&id));
                }
            }
            truth.references_changed.push(id);
        }
        // Counts follow the lists, as the world was built (a count never falls below its list).
        for paper in world.papers.values_mut() {
            let listed = |p: &Value, list: &str| p[list].as_array().map_or(0, Vec::len) as u64;
            let (citations, references) = (listed(paper, "citations"), listed(paper, "references"));
            let old = self
                .papers
                .get(paper["paperId"].as_str().unwrap_or_default());
            let before = |field: &str, list: &str| {
                old.map_or((0, 0), |o| {
                    (o[field].as_u64().unwrap_or(0), listed(o, list))
                })
            };
            let (count, was) = before("citationCount", "citations");
            paper["citationCount"] = json!(count + citations.saturating_sub(was));
            paper["referenceCount"] = json!(references);
        }
        (world, truth)
    }
}

/// Lower case, letters and digits only, single spaces.
pub fn normalize_title(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The world with its lookup tables.
struct Index {
    world: World,
    by_key: HashMap<(String, String), String>,
    titles: Vec<(String, String)>,
}

impl Index {
    fn new(world: World) -> Index {
        let mut by_key = HashMap::new();
        let mut titles = Vec::new();
        for id in &world.order {
            let paper = &world.papers[id];
            by_key.insert(("paperid".into(), id.to_lowercase()), id.clone());
            if let Some(ids) = paper["externalIds"].as_object() {
                for (kind, value) in ids {
                    let value = match value {
                        Value::String(s) => s.to_lowercase(),
                        Value::Number(n) => n.to_string(),
                        _ => continue,
                    };
                    by_key
                        .entry((kind.to_lowercase(), value))
                        .or_insert_with(|| id.clone());
                }
            }
            if let Some(title) = paper["title"].as_str() {
                titles.push((normalize_title(title), id.clone()));
            }
        }
        for (old, new) in &world.aliases {
            by_key.insert(("paperid".into(), old.to_lowercase()), new.clone());
        }
        Index {
            world,
            by_key,
            titles,
        }
    }

    fn get(&self, kind: &str, value: &str) -> Option<&str> {
        self.by_key
            .get(&(kind.to_lowercase(), value.to_lowercase()))
            .map(String::as_str)
    }

    /// A paper id in any of the forms `/paper/{id}` and the batch take.
    fn resolve(&self, id: &str) -> Option<&str> {
        let id = id.trim();
        if id.len() == 40 && id.chars().all(|c| c.is_ascii_hexdigit()) {
            return self.get("paperid", id);
        }
        if let Some((kind, value)) = id.split_once(':') {
            match kind.to_uppercase().as_str() {
                "ARXIV" => return self.get("arxiv", value),
                "DOI" => return self.get("doi", value),
                "ACL" => return self.get("acl", value),
                "CORPUSID" => return self.get("corpusid", value),
                "MAG" => return self.get("mag", value),
                "PMID" => return self.get("pubmed", value),
                "PMCID" => return self.get("pubmedcentral", value),
                "URL" => return self.resolve_url(value),
                _ => {}
            }
        }
        if id.starts_with("10.") {
            return self.get("doi", id);
        }
        // Real ids are 40 hex digits; a world may plant others (a hostile API's `../x`).
        self.get("paperid", id)
    }

    fn resolve_url(&self, link: &str) -> Option<&str> {
        let url = url::Url::parse(link).ok()?;
        let host = url.host_str()?.to_lowercase();
        let path = url.path().trim_matches('/');
        let last = path.rsplit('/').next()?.trim_end_matches(".pdf");
        if host.ends_with("arxiv.org") {
            let id = path.split('/').nth(1)?.trim_end_matches(".pdf");
            let id = match id.rfind('v') {
                Some(at)
                    if at > 0
                        && id[at + 1..].chars().all(|c| c.is_ascii_digit())
                        && at + 1 < id.len() =>
                {
                    &id[..at]
                }
                _ => id,
            };
            self.get("arxiv", id)
        } else if host.ends_with("aclanthology.org") || host.ends_with("aclweb.org") {
            self.get("acl", last)
        } else if host.ends_with("acm.org") {
            let doi = path.split_once("10.")?.1;
            self.get("doi", &format!("10.{doi}"))
        } else if host.ends_with("semanticscholar.org") {
            self.get("paperid", last)
        } else {
            None
        }
    }

    /// The best title match and its score, or `None` when nothing is close.
    fn match_title(&self, query: &str) -> Option<(&str, f64)> {
        let wanted = normalize_title(query);
        if wanted.is_empty() {
            return None;
        }
        if let Some((_, id)) = self.titles.iter().find(|(t, _)| *t == wanted) {
            return Some((id, 200.0));
        }
        let words: HashSet<&str> = wanted.split(' ').collect();
        let mut best: Option<(&str, f64)> = None;
        for (title, id) in &self.titles {
            let theirs: HashSet<&str> = title.split(' ').collect();
            let shared = words.intersection(&theirs).count() as f64;
            let jaccard = shared / words.union(&theirs).count() as f64;
            if jaccard >= 0.5 && best.is_none_or(|(_, b)| jaccard > b) {
                best = Some((id, jaccard));
            }
        }
        best.map(|(id, j)| (id, 100.0 * j))
    }

    /// A paper with the asked fields (`paperId` always).
    fn project(&self, id: &str, fields: &[String]) -> Value {
        let mut out = Map::new();
        out.insert("paperId".into(), json!(id));
        let paper = self.world.papers.get(id);
        for field in fields {
            if field == "paperId" {
                continue;
            }
            let value = match (field.as_str(), paper) {
                (_, None) => Value::Null,
                ("corpusId", Some(p)) => p["externalIds"]["CorpusId"].clone(),
                ("url", Some(_)) => json!(format!("https://www.semanticscholar.org/paper/{id}")),
                (name, Some(p)) => p.get(name).cloned().unwrap_or(Value::Null),
            };
            out.insert(field.clone(), value);
        }
        Value::Object(out)
    }

    /// A nested `references` or `citations` list, capped.
    fn nested(&self, id: &str, list: &str, fields: &[String], cap: usize) -> Value {
        let Some(links) = self.world.papers.get(id).and_then(|p| p[list].as_array()) else {
            return Value::Null;
        };
        Value::Array(
            links
                .iter()
                .take(cap)
                .map(|link| match link["paperId"].as_str() {
                    Some(other) => self.project(other, fields),
                    None => {
                        let mut out = Map::new();
                        out.insert("paperId".into(), Value::Null);
                        for field in fields {
                            out.insert(field.clone(), Value::Null);
                        }
                        Value::Object(out)
                    }
                })
                .collect(),
        )
    }

    /// A paper answer: its fields, and its nested lists capped at `cap`.
    fn paper_answer(&self, id: &str, fields: &PaperFields, cap: usize) -> Value {
        let mut answer = self.project(id, &fields.top);
        if let Some(object) = answer.as_object_mut() {
            for (list, sub) in [
                ("references", &fields.references),
                ("citations", &fields.citations),
            ] {
                if let Some(sub) = sub {
                    object.insert(list.into(), self.nested(id, list, sub, cap));
                }
            }
        }
        answer
    }
}

/// Fields of a paper endpoint: top-level ones, and the nested lists' (when asked).
struct PaperFields {
    top: Vec<String>,
    references: Option<Vec<String>>,
    citations: Option<Vec<String>>,
}

fn parse_paper_fields(raw: Option<&str>) -> Result<PaperFields, String> {
    let mut fields = PaperFields {
        top: Vec::new(),
        references: None,
        citations: None,
    };
    let raw = raw.unwrap_or("title");
    let mut unknown = Vec::new();
    for field in raw.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if let Some((list, sub)) = field.split_once('.') {
            let slot = match list {
                "references" => &mut fields.references,
                "citations" => &mut fields.citations,
                _ => {
                    unknown.push(field.to_string());
                    continue;
                }
            };
            if PAPER_FIELDS.contains(&sub) {
                slot.get_or_insert_with(Vec::new).push(sub.to_string());
            } else {
                unknown.push(field.to_string());
            }
        } else if field == "references" || field == "citations" {
            let slot = if field == "references" {
                &mut fields.references
            } else {
                &mut fields.citations
            };
            slot.get_or_insert_with(Vec::new).push("title".to_string());
        } else if PAPER_FIELDS.contains(&field) {
            fields.top.push(field.to_string());
        } else {
            unknown.push(field.to_string());
        }
    }
    if unknown.is_empty() {
        Ok(fields)
    } else {
        Err(format!(
            "Unrecognized or unsupported fields: [{}]",
            unknown.join(", ")
        ))
    }
}

/// Fields of a list endpoint: the other paper's and the link's.
fn parse_list_fields(raw: Option<&str>) -> Result<(Vec<String>, Vec<String>), String> {
    let raw = raw.unwrap_or("title");
    let (mut paper, mut link, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    for field in raw.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if LINK_FIELDS.contains(&field) {
            link.push(field.to_string());
        } else if PAPER_FIELDS.contains(&field) {
            paper.push(field.to_string());
        } else {
            unknown.push(field.to_string());
        }
    }
    if unknown.is_empty() {
        Ok((paper, link))
    } else {
        Err(format!(
            "Unrecognized or unsupported fields: [{}]",
            unknown.join(", ")
        ))
    }
}

/// The endpoints, for counts and fault targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Batch,
    Paper,
    References,
    Citations,
    Match,
    Other,
}

impl Endpoint {
    pub const ALL: [Endpoint; 6] = [
        Endpoint::Batch,
        Endpoint::Paper,
        Endpoint::References,
        Endpoint::Citations,
        Endpoint::Match,
        Endpoint::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Batch => "batch",
            Endpoint::Paper => "paper",
            Endpoint::References => "references",
            Endpoint::Citations => "citations",
            Endpoint::Match => "match",
            Endpoint::Other => "other",
        }
    }
}

/// Which requests a fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Any,
    Only(Endpoint),
}

/// A fault the mock can inject, as the real service shows them.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with the API's body, with a `Retry-After` (seconds) or without.
    TooManyRequests { retry_after: Option<u64> },
    /// 500, 502, 503 or 504 with the gateway's body.
    Status(u16),
    /// A complete HTTP answer whose JSON is cut in half.
    CutBody,
    /// The answer, after this delay (beyond the client's timeout).
    Slow(Duration),
    /// The connection closes in the middle of the answer.
    Drop,
    /// Any status with this JSON body (a 403 for a bad key, a 400, ...).
    Reply(u16, Value),
    // The chaos test's faults (tests/it/chaos.rs, issue #22).
    /// A 200 whose body is not JSON: a proxy's HTML page in place of the answer.
    NotJson,
    /// The connection reset (TCP RST) before any byte of the answer.
    Reset,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Logged {
    pub endpoint: Endpoint,
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The status answered; `None` while in flight or when the client hung up first.
    pub status: Option<u16>,
    pub fault: Option<Fault>,
    /// Whether a standing fault (`batch_fails_for`, `list_fails_for`, [`MockS2::poison_batch`],
    /// [`MockS2::break_list`]) applies: answered 500 unless an injected `fault` answered first.
    pub standing: bool,
    /// When it arrived.
    pub at: Instant,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        mock_server::header(&self.headers, name)
    }
}

struct Injected {
    target: Target,
    fault: Fault,
    remaining: u64,
}

#[derive(Clone, Debug)]
struct Config {
    batch_nested_cap: usize,
    paper_nested_cap: usize,
    max_response_bytes: usize,
    /// Minimum spacing between accepted requests (from `enforce_rps`).
    spacing: Option<Duration>,
    delay: Duration,
    require_key: Option<String>,
    /// Papers whose nested `citations` the batch answers as `[]` whatever their list holds.
    empty_nested_citations: HashSet<String>,
    /// Papers (world ids) that make every `/paper/batch` asking for them answer 500.
    batch_poison: HashSet<String>,
    /// Lists (`References` or `Citations`, world id) whose every page answers 500.
    broken_lists: HashSet<(Endpoint, String)>,
}

struct Inner {
    index: Index,
    config: Config,
    log: Mutex<Vec<Logged>>,
    faults: Mutex<Vec<Injected>>,
    last_accepted: Mutex<Option<Instant>>,
    /// Standing faults set while serving ([`MockS2::poison_batch`], [`MockS2::break_list`]),
    /// as the builder's `batch_poison` and `broken_lists`; [`MockS2::clear_faults`] clears them.
    standing: Mutex<Standing>,
}

/// Standing faults set at run time (world ids).
#[derive(Default)]
struct Standing {
    batch_poison: HashSet<String>,
    broken_lists: HashSet<(Endpoint, String)>,
}

/// Configures and starts a [`MockS2`].
pub struct MockBuilder {
    world: World,
    config: Config,
    faults: Vec<Injected>,
    port: u16,
}

impl MockBuilder {
    pub fn new(world: World) -> MockBuilder {
        MockBuilder {
            world,
            config: Config {
                batch_nested_cap: BATCH_NESTED_CAP,
                paper_nested_cap: PAPER_NESTED_CAP,
                max_response_bytes: MAX_RESPONSE_BYTES,
                spacing: None,
                delay: Duration::ZERO,
                require_key: None,
                empty_nested_citations: HashSet::new(),
                batch_poison: HashSet::new(),
                broken_lists: HashSet::new(),
            },
            faults: Vec::new(),
            port: 0,
        }
    }

    /// Caps nested lists in batch answers (default 9,999 as documented; 1,000 simulates the
    /// cap the single-paper endpoint shows, so that long lists must be paged).
    pub fn batch_nested_cap(mut self, cap: usize) -> Self {
        self.config.batch_nested_cap = cap;
        self
    }

    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.config.max_response_bytes = bytes;
        self
    }

    /// Answers 429 (without `Retry-After`) to requests closer than 1/rps seconds to the last
    /// accepted one (5 % tolerance for scheduling jitter), as a keyed account's 1 rps limit.
    pub fn enforce_rps(mut self, rps: f64) -> Self {
        assert!(rps > 0.0);
        self.config.spacing = Some(Duration::from_secs_f64(0.95 / rps));
        self
    }

    /// Every answer waits this long (a slow but healthy server).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.config.delay = delay;
        self
    }

    /// Answers 403 to requests without this `x-api-key`.
    pub fn require_key(mut self, key: &str) -> Self {
        self.config.require_key = Some(key.to_string());
        self
    }

    /// Injects `fault` into the next `times` requests that `target` selects.
    pub fn fault(mut self, target: Target, fault: Fault, times: u64) -> Self {
        self.faults.push(Injected {
            target,
            fault,
            remaining: times,
        });
        self
    }

    /// The batch answers this paper's nested `citations` as `[]` although its `citationCount`
    /// is positive (a glitch of nested lists); its `/citations` pages still hold the list.
    pub fn empty_nested_citations(mut self, paper_id: &str) -> Self {
        self.config
            .empty_nested_citations
            .insert(paper_id.to_string());
        self
    }

    /// Binds this port instead of a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Plants a quirk in the world before serving.
    pub fn edit(mut self, edit: impl FnOnce(&mut World)) -> Self {
        edit(&mut self.world);
        self
    }

    pub fn start(self) -> MockS2 {
        let inner = Arc::new(Inner {
            index: Index::new(self.world),
            config: self.config,
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(self.faults),
            last_accepted: Mutex::new(None),
            standing: Mutex::new(Standing::default()),
        });
        let mut mock = MockS2 {
            addr: SocketAddr::from(([127, 0, 0, 1], self.port)),
            inner,
            server: None,
        };
        mock.resume();
        mock
    }
}

/// Faults that never pass, tied to one paper rather than to the next N requests (issue 22: one
/// bad record must not stop a run).
impl MockBuilder {
    /// Every `POST /paper/batch` whose ids include this paper (by any id form that resolves to
    /// it) answers 500 on every try, as the real batch does for some ids
    /// (allenai/s2-folks#103); `GET /paper/{id}` and the title match still answer for it.
    pub fn batch_fails_for(mut self, paper_id: &str) -> Self {
        self.config.batch_poison.insert(paper_id.to_string());
        self
    }

    /// Every page of this paper's `references` or `citations` (`endpoint`) answers 500; its
    /// record, in a batch or alone, is still served (its nested lists too).
    pub fn list_fails_for(mut self, endpoint: Endpoint, paper_id: &str) -> Self {
        assert!(matches!(
            endpoint,
            Endpoint::References | Endpoint::Citations
        ));
        self.config
            .broken_lists
            .insert((endpoint, paper_id.to_string()));
        self
    }
}

/// The 500 a paper's standing fault gives this request, if any (see `batch_fails_for`,
/// `list_fails_for`).
fn standing_fault(inner: &Inner, endpoint: Endpoint, path: &str, body: &Bytes) -> Option<Response> {
    let config = &inner.config;
    let standing = inner.standing.lock().unwrap();
    let index = &inner.index;
    let poisoned =
        |id: &str| config.batch_poison.contains(id) || standing.batch_poison.contains(id);
    let broken = |list: &(Endpoint, String)| {
        config.broken_lists.contains(list) || standing.broken_lists.contains(list)
    };
    let hit = match endpoint {
        Endpoint::Batch if !config.batch_poison.is_empty() || !standing.batch_poison.is_empty() => {
            serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("ids").cloned())
                .and_then(|ids| serde_json::from_value::<Vec<String>>(ids).ok())
                .unwrap_or_default()
                .iter()
                .filter_map(|id| index.resolve(id))
                .any(poisoned)
        }
        Endpoint::References | Endpoint::Citations
            if !config.broken_lists.is_empty() || !standing.broken_lists.is_empty() =>
        {
            let suffix = if endpoint == Endpoint::References {
                "/references"
            } else {
                "/citations"
            };
            let id = decode(&path["/paper/".len()..path.len() - suffix.len()]);
            index
                .resolve(&id)
                .is_some_and(|found| broken(&(endpoint, found.to_string())))
        }
        _ => false,
    };
    hit.then(|| gateway_error(500))
}

/// A running mock. Dropping it stops the server.
pub struct MockS2 {
    addr: SocketAddr,
    inner: Arc<Inner>,
    /// `None` between [`MockS2::stop`] and [`MockS2::resume`].
    server: Option<ServerThread>,
}

impl MockS2 {
    /// `http://127.0.0.1:PORT/graph/v1`, the value for `--api-url`.
    pub fn url(&self) -> String {
        format!("http://{}/graph/v1", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Requests received, faulted and rate-limited ones included.
    pub fn requests(&self) -> usize {
        self.inner.log.lock().unwrap().len()
    }

    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.inner
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.endpoint == endpoint)
            .count()
    }

    /// Requests per endpoint, e.g. `{"batch": 2, "match": 17}`.
    pub fn counts(&self) -> HashMap<&'static str, usize> {
        counts(&self.inner)
    }

    pub fn log(&self) -> Vec<Logged> {
        self.inner.log.lock().unwrap().clone()
    }

    pub fn clear_log(&self) {
        self.inner.log.lock().unwrap().clear();
    }

    /// Injects `fault` into the next `times` requests that `target` selects.
    pub fn inject(&self, target: Target, fault: Fault, times: u64) {
        self.inner.faults.lock().unwrap().push(Injected {
            target,
            fault,
            remaining: times,
        });
    }

    /// Faults injected but not yet served.
    pub fn pending_faults(&self) -> u64 {
        self.inner
            .faults
            .lock()
            .unwrap()
            .iter()
            .map(|f| f.remaining)
            .sum()
    }

    /// Stops serving (the server "dies"); the port stays reserved for [`Self::resume`].
    pub fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            server.stop();
        }
    }

    /// Serves again on the same port (after [`Self::stop`]), with the same world and log.
    pub fn resume(&mut self) {
        if self.server.is_some() {
            return;
        }
        let (listener, addr) = mock_server::bind(self.addr);
        self.addr = addr;
        let inner = self.inner.clone();
        self.server = Some(ServerThread::spawn(move || async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            let listener = ResettableListener(listener);
            let app = Router::new()
                .fallback(handle)
                .with_state(inner)
                .into_make_service_with_connect_info::<ConnectionSwitch>();
            let _ = axum::serve(listener, app).await;
        }));
    }
}

impl Drop for MockS2 {
    fn drop(&mut self) {
        self.stop();
    }
}

fn counts(inner: &Inner) -> HashMap<&'static str, usize> {
    let mut counts = HashMap::new();
    for logged in inner.log.lock().unwrap().iter() {
        *counts.entry(logged.endpoint.name()).or_default() += 1;
    }
    counts
}

fn classify(method: &Method, path: &str) -> Endpoint {
    match (method.as_str(), path) {
        ("POST", "/paper/batch") => Endpoint::Batch,
        ("GET", "/paper/search/match") => Endpoint::Match,
        ("GET", p) if p.starts_with("/paper/") && p.ends_with("/references") => {
            Endpoint::References
        }
        ("GET", p) if p.starts_with("/paper/") && p.ends_with("/citations") => Endpoint::Citations,
        ("GET", p) if p.starts_with("/paper/") => Endpoint::Paper,
        _ => Endpoint::Other,
    }
}

fn error(status: u16, message: &str) -> Response {
    json_response(status, &json!({ "error": message }))
}

fn too_many_requests(retry_after: Option<u64>) -> Response {
    let mut response = json_response(
        429,
        &json!({
            "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate limits. https://www.semanticscholar.org/product/api#api-key-form",
            "code": "429"
        }),
    );
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn gateway_error(status: u16) -> Response {
    let message = match status {
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Endpoint request timed out",
        _ => "Internal server error",
    };
    json_response(status, &json!({ "message": message }))
}

async fn handle(
    axum::extract::State(inner): axum::extract::State<Arc<Inner>>,
    axum::extract::ConnectInfo(connection): axum::extract::ConnectInfo<ConnectionSwitch>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw_path = uri.path();
    let Some(path) = raw_path.strip_prefix("/graph/v1") else {
        if raw_path == "/mock/stats" {
            return json_response(200, &json!(counts(&inner)));
        }
        return json_response(404, &json!({"message": "Missing Authentication Token"}));
    };
    let endpoint = classify(&method, path);
    let standing = standing_fault(&inner, endpoint, path, &body).is_some();
    let fault = {
        let mut faults = inner.faults.lock().unwrap();
        let hit = faults.iter_mut().find(|f| {
            f.remaining > 0 && (f.target == Target::Any || f.target == Target::Only(endpoint))
        });
        hit.map(|f| {
            f.remaining -= 1;
            f.fault.clone()
        })
    };
    let slot = {
        let mut log = inner.log.lock().unwrap();
        log.push(Logged {
            endpoint,
            method: method.to_string(),
            target: mock_server::target(&uri),
            headers: mock_server::header_pairs(&headers),
            status: None,
            fault: fault.clone(),
            standing,
            at: Instant::now(),
        });
        log.len() - 1
    };
    if fault == Some(Fault::Reset) {
        // Logged without a status: no answer leaves.
        return connection.reset();
    }
    let response = respond(&inner, endpoint, path, &uri, &headers, &body, fault).await;
    if let Some(logged) = inner.log.lock().unwrap().get_mut(slot) {
        logged.status = Some(response.status().as_u16());
    }
    response
}

async fn respond(
    inner: &Inner,
    endpoint: Endpoint,
    path: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
    fault: Option<Fault>,
) -> Response {
    if let Some(spacing) = inner.config.spacing {
        let mut last = inner.last_accepted.lock().unwrap();
        let now = Instant::now();
        if last.is_some_and(|t| now.duration_since(t) < spacing) {
            return too_many_requests(None);
        }
        *last = Some(now);
    }
    if let Some(key) = &inner.config.require_key {
        if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(key.as_str()) {
            return json_response(403, &json!({"message": "Forbidden"}));
        }
    }
    match &fault {
        Some(Fault::TooManyRequests { retry_after }) => return too_many_requests(*retry_after),
        Some(Fault::Status(status)) => return gateway_error(*status),
        Some(Fault::Reply(status, body)) => return json_response(*status, body),
        Some(Fault::Slow(delay)) => tokio::time::sleep(*delay).await,
        Some(Fault::NotJson) => return not_json(),
        _ => {}
    }
    if !inner.config.delay.is_zero() {
        tokio::time::sleep(inner.config.delay).await;
    }
    if let Some(response) = standing_fault(inner, endpoint, path, body) {
        return response;
    }
    let query: HashMap<String, String> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let answer = answer(inner, endpoint, path, &query, body);
    match fault {
        Some(Fault::CutBody) if answer.status() == StatusCode::OK => cut(answer, false).await,
        Some(Fault::Drop) => cut(answer, true).await,
        _ => answer,
    }
}

/// Half of the answer's body: as a complete HTTP message (`lie` false), or under the whole
/// body's Content-Length so that the connection closes mid-answer (`lie` true).
async fn cut(answer: Response, lie: bool) -> Response {
    let (mut parts, body) = answer.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let length = if lie { bytes.len() } else { half.len() };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Response::from_parts(parts, Body::from(half))
}

fn answer(
    inner: &Inner,
    endpoint: Endpoint,
    path: &str,
    query: &HashMap<String, String>,
    body: &Bytes,
) -> Response {
    let index = &inner.index;
    let fields = query.get("fields").map(String::as_str);
    match endpoint {
        Endpoint::Batch => {
            let fields = match parse_paper_fields(fields) {
                Ok(fields) => fields,
                Err(message) => return error(400, &message),
            };
            let ids: Vec<String> = match serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("ids").cloned())
                .and_then(|ids| serde_json::from_value(ids).ok())
            {
                Some(ids) => ids,
                None => {
                    return error(
                        400,
                        "Body must be a JSON object with an \"ids\" array of strings",
                    )
                }
            };
            if ids.len() > MAX_BATCH_IDS {
                return error(
                    400,
                    &format!(
                        "Too many ids: {} (the maximum is {MAX_BATCH_IDS})",
                        ids.len()
                    ),
                );
            }
            let answers: Vec<Value> = ids
                .iter()
                .map(|id| match index.resolve(id) {
                    Some(found) => {
                        let mut answer =
                            index.paper_answer(found, &fields, inner.config.batch_nested_cap);
                        if inner.config.empty_nested_citations.contains(found)
                            && answer.get("citations").is_some()
                        {
                            answer["citations"] = json!([]);
                        }
                        answer
                    }
                    None => Value::Null,
                })
                .collect();
            let text = Value::Array(answers).to_string();
            if text.len() > inner.config.max_response_bytes {
                return error(
                    400,
                    "Response would exceed maximum size of 10 MB; request fewer ids or fewer fields",
                );
            }
            let mut response = json_response(200, &Value::Null);
            *response.body_mut() = Body::from(text);
            response
        }
        Endpoint::Match => {
            let Some(title) = query.get("query") else {
                return error(400, "Missing required parameter: 'query'");
            };
            let fields = match parse_paper_fields(fields) {
                Ok(fields) => fields,
                Err(message) => return error(400, &message),
            };
            match index.match_title(title) {
                Some((id, score)) => {
                    let mut paper = index.paper_answer(id, &fields, PAPER_NESTED_CAP);
                    paper["matchScore"] = json!(score);
                    json_response(200, &json!({ "data": [paper] }))
                }
                None => error(404, "Title match not found"),
            }
        }
        Endpoint::Paper => {
            let id = decode(&path["/paper/".len()..]);
            let fields = match parse_paper_fields(fields) {
                Ok(fields) => fields,
                Err(message) => return error(400, &message),
            };
            match index.resolve(&id) {
                Some(found) => json_response(
                    200,
                    &index.paper_answer(found, &fields, inner.config.paper_nested_cap),
                ),
                None => error(404, &format!("Paper with id {id} not found")),
            }
        }
        Endpoint::References | Endpoint::Citations => {
            let (list, wrapper, suffix) = if endpoint == Endpoint::References {
                ("references", "citedPaper", "/references")
            } else {
                ("citations", "citingPaper", "/citations")
            };
            let id = decode(&path["/paper/".len()..path.len() - suffix.len()]);
            let (paper_fields, link_fields) = match parse_list_fields(fields) {
                Ok(fields) => fields,
                Err(message) => return error(400, &message),
            };
            let number = |name: &str, default: usize| -> Result<usize, String> {
                query.get(name).map_or(Ok(default), |v| {
                    v.parse()
                        .map_err(|_| format!("Invalid value for {name}: {v}"))
                })
            };
            let (offset, limit) = match (number("offset", 0), number("limit", 100)) {
                (Ok(offset), Ok(limit)) => (offset, limit),
                (Err(message), _) | (_, Err(message)) => return error(400, &message),
            };
            if limit > MAX_PAGE_LIMIT {
                return error(400, &format!("Limit must be <= {MAX_PAGE_LIMIT}"));
            }
            if offset + limit > MAX_LIST_REACH {
                return error(400, &format!("offset + limit must be <= {MAX_LIST_REACH}"));
            }
            let dates = match query.get("publicationDateOrYear") {
                None => None,
                Some(raw) if endpoint == Endpoint::Citations => match DateRange::parse(raw) {
                    Some(range) => Some(range),
                    None => {
                        return error(
                            400,
                            &format!("Unacceptable query params: [publicationDateOrYear={raw}]"),
                        )
                    }
                },
                // Documented for /citations only.
                Some(raw) => {
                    return error(
                        400,
                        &format!("Unacceptable query params: [publicationDateOrYear={raw}]"),
                    )
                }
            };
            let Some(found) = index.resolve(&id) else {
                return error(404, &format!("Paper with id {id} not found"));
            };
            let mut links = index.world.papers[found][list]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if let Some(range) = dates {
                links.retain(|link| {
                    link["paperId"]
                        .as_str()
                        .and_then(|other| index.world.papers.get(other))
                        .is_some_and(|other| range.holds(other))
                });
            }
            let data: Vec<Value> = links
                .iter()
                .skip(offset)
                .take(limit)
                .map(|link| {
                    let other = match link["paperId"].as_str() {
                        Some(other) => index.project(other, &paper_fields),
                        None => {
                            let mut out = Map::new();
                            out.insert("paperId".into(), Value::Null);
                            for field in &paper_fields {
                                out.insert(field.clone(), Value::Null);
                            }
                            Value::Object(out)
                        }
                    };
                    let mut item = Map::new();
                    for field in &link_fields {
                        item.insert(
                            field.clone(),
                            link.get(field).cloned().unwrap_or(Value::Null),
                        );
                    }
                    item.insert(wrapper.into(), other);
                    Value::Object(item)
                })
                .collect();
            let mut page = json!({ "offset": offset, "data": data });
            if offset + limit < links.len() {
                page["next"] = json!(offset + limit);
            }
            json_response(200, &page)
        }
        Endpoint::Other => json_response(404, &json!({"message": "Missing Authentication Token"})),
    }
}

/// A `publicationDateOrYear` range: `<start>:<end>`, each side optional and a prefix of
/// `YYYY-MM-DD` (`2019`, `2019-03`, `2019-03-05`), both ends inclusive; one value without a colon
/// is the range of that year, month or day. A paper without a `publicationDate` counts as
/// published on January 1st of its `year`; one without either is in no range.
#[derive(Debug, Clone, PartialEq)]
pub struct DateRange {
    /// `YYYY-MM-DD`, inclusive; `None`: open.
    from: Option<String>,
    to: Option<String>,
}

impl DateRange {
    pub fn parse(raw: &str) -> Option<DateRange> {
        let bound = |text: &str, end: bool| -> Option<Option<String>> {
            let text = text.trim();
            if text.is_empty() {
                return Some(None);
            }
            let parts: Vec<&str> = text.split('-').collect();
            let widths = [4, 2, 2];
            if parts.len() > 3
                || parts
                    .iter()
                    .zip(widths)
                    .any(|(p, w)| p.len() != w || !p.chars().all(|c| c.is_ascii_digit()))
            {
                return None;
            }
            let fill = if end { ["12", "31"] } else { ["01", "01"] };
            let month = parts.get(1).copied().unwrap_or(fill[0]);
            let day = parts.get(2).copied().unwrap_or(fill[1]);
            Some(Some(format!("{}-{month}-{day}", parts[0])))
        };
        match raw.split_once(':') {
            Some((from, to)) => Some(DateRange {
                from: bound(from, false)?,
                to: bound(to, true)?,
            }),
            None if !raw.trim().is_empty() => Some(DateRange {
                from: bound(raw, false)?,
                to: bound(raw, true)?,
            }),
            None => None,
        }
    }

    /// Whether a paper (as in world.jsonl) was published in the range.
    pub fn holds(&self, paper: &Value) -> bool {
        let date = match (paper["publicationDate"].as_str(), paper["year"].as_i64()) {
            (Some(date), _) if date.len() >= 10 => date[..10].to_string(),
            (_, Some(year)) => format!("{year:04}-01-01"),
            _ => return false,
        };
        self.from.as_ref().is_none_or(|from| date >= *from)
            && self.to.as_ref().is_none_or(|to| date <= *to)
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

// ---- Records that move (tests/it/fetch_moves.rs): Semantic Scholar merges and drops records ----

impl World {
    /// Semantic Scholar merges the record `old` into a new record `new_id` (allenai/s2-folks#157):
    /// the paper is served as `new_id` (its JSON, the id changed), `old` is answered with it by the
    /// batch and `/paper/{id}`, and every list of the world names `new_id` instead of `old`.
    pub fn merge_record(&mut self, old: &str, new_id: &str) {
        let mut paper = self
            .papers
            .remove(old)
            .expect("the merged record is in the world");
        paper["paperId"] = json!(new_id);
        self.papers.insert(new_id.to_string(), paper);
        for id in self.order.iter_mut().filter(|id| *id == old) {
            *id = new_id.to_string();
        }
        self.rename_links(old, Some(new_id));
        for target in self.aliases.values_mut().filter(|t| *t == old) {
            *target = new_id.to_string();
        }
        self.aliases.insert(old.to_string(), new_id.to_string());
    }

    /// Semantic Scholar drops the record `id`: `null` in a batch, 404 alone, found by no id or
    /// title, named by no list.
    pub fn drop_record(&mut self, id: &str) {
        self.papers.remove(id);
        self.order.retain(|o| o != id);
        self.rename_links(id, None);
    }

    /// A new paper `citer` (published `date`, `YYYY-MM-DD`) citing `cited`; the cited paper's
    /// list and count follow.
    pub fn add_citer(&mut self, citer: &str, cited: &str, title: &str, date: &str) {
        let year: i64 = date[..4].parse().expect("a date");
        let link = |id: &str| json!({"paperId": id, "isInfluential": false, "contexts": [], "intents": []});
        self.insert(json!({
            "paperId": citer, "externalIds": {}, "title": title, "year": year, "venue": "",
            "publicationDate": date, "citationCount": 0, "influentialCitationCount": 0,
            "authors": [{"authorId": "7", "name": "Grace Hopper"}],
            "references": [link(cited)], "referenceCount": 1, "citations": []
        }));
        let paper = self
            .papers
            .get_mut(cited)
            .expect("the cited paper is in the world");
        paper["citations"]
            .as_array_mut()
            .expect("a citation list")
            .push(link(citer));
        let count = paper["citationCount"].as_u64().unwrap_or(0) + 1;
        paper["citationCount"] = json!(count);
    }

    /// Every link naming `from` names `to` instead (dropped when `None`), counts following lists.
    fn rename_links(&mut self, from: &str, to: Option<&str>) {
        for paper in self.papers.values_mut() {
            for (list, count) in [
                ("references", "referenceCount"),
                ("citations", "citationCount"),
            ] {
                let Some(links) = paper[list].as_array_mut() else {
                    continue;
                };
                let before = links.len();
                match to {
                    Some(to) => links
                        .iter_mut()
                        .filter(|l| l["paperId"] == from)
                        .for_each(|l| l["paperId"] = json!(to)),
                    None => links.retain(|l| l["paperId"] != from),
                }
                let removed = (before - links.len()) as u64;
                if removed > 0 {
                    let n = paper[count].as_u64().unwrap_or(0).saturating_sub(removed);
                    paper[count] = json!(n);
                }
            }
        }
    }
}

// The chaos test's faults (tests/it/chaos.rs, issue #22): a 200 that is not JSON, and a
// connection reset before any byte of the answer (`Fault::Drop` cuts one mid-body).

/// A 200 whose body is a proxy's HTML error page, as a misconfigured gateway or a captive portal
/// serves it.
fn not_json() -> Response {
    let mut response = Response::new(Body::from(
        "<html><head><title>502 Bad Gateway</title></head><body>upstream error</body></html>",
    ));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// The mock's listener: TCP connections that a handler can reset before their answer's first
/// byte ([`ConnectionSwitch::reset`]).
struct ResettableListener(tokio::net::TcpListener);

/// An accepted connection and its reset switch.
struct ResettableStream {
    stream: tokio::net::TcpStream,
    reset: Arc<std::sync::atomic::AtomicBool>,
}

/// A handler's hold on its connection (axum's `ConnectInfo`).
#[derive(Clone)]
struct ConnectionSwitch(Arc<std::sync::atomic::AtomicBool>);

impl ConnectionSwitch {
    /// Arms the reset: the answer returned is never written; the connection closes with a TCP
    /// RST (SO_LINGER 0) instead.
    fn reset(&self) -> Response {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        json_response(500, &json!({"message": "never sent"}))
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, ResettableListener>>
    for ConnectionSwitch
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, ResettableListener>) -> Self {
        ConnectionSwitch(stream.io().reset.clone())
    }
}

impl axum::serve::Listener for ResettableListener {
    type Io = ResettableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    let reset = Arc::new(std::sync::atomic::AtomicBool::new(false));
                    return (ResettableStream { stream, reset }, addr);
                }
                // Too many open files and the like: wait, as axum's own listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl ResettableStream {
    /// When armed: no byte goes out; the socket is set to close with a RST.
    fn refuse(&self) -> Option<std::io::Error> {
        if !self.reset.load(std::sync::atomic::Ordering::SeqCst) {
            return None;
        }
        let _ = self.stream.set_zero_linger();
        Some(std::io::ErrorKind::ConnectionReset.into())
    }
}

impl tokio::io::AsyncRead for ResettableStream {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if let Some(err) = self.refuse() {
            return std::task::Poll::Ready(Err(err));
        }
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if let Some(err) = self.refuse() {
            return std::task::Poll::Ready(Err(err));
        }
        std::pin::Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if let Some(err) = self.refuse() {
            return std::task::Poll::Ready(Err(err));
        }
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

impl MockS2 {
    /// Drops the faults injected but not yet served and the standing faults set while serving
    /// ([`Self::poison_batch`], [`Self::break_list`]; the builder's stay): the chaos test starts
    /// each run clean.
    pub fn clear_faults(&self) {
        self.inner.faults.lock().unwrap().clear();
        *self.inner.standing.lock().unwrap() = Standing::default();
    }

    /// From now on, as [`MockBuilder::batch_fails_for`]: every `POST /paper/batch` whose ids
    /// include this paper (world id, or any id that resolves to it) answers 500, until
    /// [`Self::clear_faults`].
    pub fn poison_batch(&self, paper_id: &str) {
        let mut standing = self.inner.standing.lock().unwrap();
        standing.batch_poison.insert(paper_id.to_string());
    }

    /// From now on, as [`MockBuilder::list_fails_for`]: every page of this paper's `references`
    /// or `citations` (`endpoint`) answers 500, until [`Self::clear_faults`].
    pub fn break_list(&self, endpoint: Endpoint, paper_id: &str) {
        assert!(matches!(
            endpoint,
            Endpoint::References | Endpoint::Citations
        ));
        let mut standing = self.inner.standing.lock().unwrap();
        standing
            .broken_lists
            .insert((endpoint, paper_id.to_string()));
    }
}
