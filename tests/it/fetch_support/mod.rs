//! Helpers of the fetch tests (tests/fetch*.rs): the world's catalogue as planted in truth.json,
//! fetch options for a mock, and the request count the world allows.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use citegraph::catalog::{Catalog, CatalogPaper, ExternalIds, Listing};
use citegraph::records::Corpus;
use citegraph::s2::{Environment, FetchOptions, RecordSource};
use serde_json::Value;

use crate::common;
use crate::common::mock_s2::{normalize_title, World};

pub fn truth() -> Value {
    let text = std::fs::read_to_string(common::world_truth()).expect("truth.json");
    serde_json::from_str(&text).expect("truth.json parses")
}

pub fn world() -> World {
    World::load(&common::world_jsonl())
}

/// The world's papers by id, as JSON.
pub fn world_papers() -> HashMap<String, Value> {
    std::fs::read_to_string(common::world_jsonl())
        .expect("world.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("world line");
            (v["paperId"].as_str().expect("paperId").to_string(), v)
        })
        .collect()
}

/// The catalogue the world was built from, as truth.json records it: one paper per key
/// (`arxiv:ID` or `title:normalized title`) with the arXiv id filled, its title and year from
/// the world; plus the papers the world does not hold at all (truth's `unresolvable`).
pub fn truth_catalog() -> Catalog {
    let truth = truth();
    let papers = world_papers();
    let mut catalog = Catalog::default();
    let by_key = truth["catalog_by_key"].as_object().expect("catalog_by_key");
    for (line, (key, id)) in by_key.iter().enumerate() {
        let record = &papers[id.as_str().expect("id")];
        let arxiv = key.strip_prefix("arxiv:").map(String::from);
        catalog.papers.push(CatalogPaper {
            key: key.clone(),
            title: record["title"].as_str().expect("title").to_string(),
            year: record["year"].as_i64().map(|y| y as i32),
            ids: ExternalIds {
                arxiv,
                ..ExternalIds::default()
            },
            listings: vec![Listing {
                file: "truth.md".into(),
                line: line + 1,
                ..Listing::default()
            }],
            ..CatalogPaper::default()
        });
    }
    for (i, title) in truth["unresolvable"]
        .as_array()
        .expect("unresolvable")
        .iter()
        .enumerate()
    {
        let title = title.as_str().expect("title");
        catalog.papers.push(CatalogPaper {
            key: format!("title:{}", normalize_title(title)),
            title: title.to_string(),
            year: Some(2023),
            listings: vec![Listing {
                file: "truth.md".into(),
                line: by_key.len() + i + 1,
                ..Listing::default()
            }],
            ..CatalogPaper::default()
        });
    }
    catalog
}

/// Fetch options for a mock: fast (the mock has no rate limit unless asked), short retry delays.
pub fn options(url: &str) -> FetchOptions {
    FetchOptions {
        api_url: url.to_string(),
        no_citations: false,
        max_citations: None,
        rps: Some(1000.0),
        max_retries: 8,
        timeout: 10.0,
        refresh: false,
        max_age: None,
        link_details: false,
        retry_delay: 0.01,
        update: false,
    }
}

pub fn env(dir: &Path) -> Environment {
    Environment {
        cache_dir: dir.join("cache"),
        offline: false,
    }
}

pub fn no_snapshot() -> RecordSource {
    RecordSource::Api
}

/// The library's fetch of `catalog` into `dir` (cache/ and output/), from the API.
pub fn fetch_in(catalog: &Catalog, options: &FetchOptions, dir: &Path) -> anyhow::Result<Corpus> {
    citegraph::s2::fetch(catalog, options, &no_snapshot(), &env(dir))
}

/// The fewest requests that fetch a catalogue from this world, derived from the world alone
/// (not from the client): one batch call per 500 ids, one title match per paper whose ids the
/// world does not know, one batch call per 500 resolved papers for the nested lists (their
/// nested items stay far under the 10 MB cap here), and pages only for lists longer than
/// `nested_cap` (1,000 items a page).
pub fn minimum_requests(catalog: &Catalog, nested_cap: usize) -> Minimum {
    let papers = world_papers();
    // Two world papers can share an id (the catalogue gave two entries one DOI): like the mock,
    // the first in file order (world.jsonl is sorted by paperId) wins, so the bound is the same
    // on every run.
    let mut known: HashMap<String, String> = HashMap::new();
    let mut in_file_order: Vec<(&String, &Value)> = papers.iter().collect();
    in_file_order.sort_by(|a, b| a.0.cmp(b.0));
    for (id, p) in in_file_order {
        if let Some(ids) = p["externalIds"].as_object() {
            for (kind, value) in ids {
                if let Some(value) = value.as_str() {
                    known
                        .entry(format!("{}:{}", kind.to_lowercase(), value.to_lowercase()))
                        .or_insert_with(|| id.clone());
                }
            }
        }
    }
    let by_title: HashMap<String, String> = papers
        .iter()
        .map(|(id, p)| {
            (
                normalize_title(p["title"].as_str().unwrap_or("")),
                id.clone(),
            )
        })
        .collect();
    let mut ids = 0;
    let mut titles = 0;
    let mut resolved = std::collections::BTreeSet::new();
    for paper in &catalog.papers {
        let candidates: Vec<String> = [
            paper.ids.arxiv.as_ref().map(|v| format!("arxiv:{v}")),
            paper.ids.doi.as_ref().map(|v| format!("doi:{v}")),
            paper.ids.acl.as_ref().map(|v| format!("acl:{v}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        ids += candidates.len();
        // A record found by id but titled otherwise (the catalogue links another paper's id) is
        // not taken: the client resolves such a paper by title.
        let title = normalize_title(&paper.title);
        let by_id = candidates
            .iter()
            .filter_map(|c| known.get(&c.to_lowercase()))
            .find(|id| {
                titles_agree(
                    &normalize_title(papers[*id]["title"].as_str().unwrap_or("")),
                    &title,
                )
            });
        match by_id {
            Some(id) => {
                resolved.insert(id.clone());
            }
            None => {
                titles += 1;
                if let Some(id) = by_title.get(&normalize_title(&paper.title)) {
                    resolved.insert(id.clone());
                }
            }
        }
    }
    let mut pages = 0;
    let mut list_pages = 0;
    for id in &resolved {
        for list in ["references", "citations"] {
            let n = papers[id][list].as_array().map_or(0, Vec::len);
            if n > nested_cap {
                pages += n.div_ceil(1000);
            }
            list_pages += n.div_ceil(1000);
        }
    }
    Minimum {
        id_batches: ids.div_ceil(500),
        titles,
        record_batches: resolved.len().div_ceil(500),
        pages,
        list_pages,
        resolved: resolved.len(),
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Minimum {
    pub id_batches: usize,
    pub titles: usize,
    pub record_batches: usize,
    pub pages: usize,
    /// Pages of 1000 to read every non-empty list (the link-details mode, the default).
    pub list_pages: usize,
    pub resolved: usize,
}

impl Minimum {
    /// Requests with the lists nested in batch answers (`--no-link-details`).
    pub fn total(&self) -> usize {
        self.id_batches + self.titles + self.record_batches + self.pages
    }

    /// Requests with every list paged for its link fields (the default). A paper whose record
    /// does not say its list is empty costs one page to learn it, hence the slack of one page
    /// per resolved paper and list at most.
    pub fn with_link_details(&self) -> usize {
        self.id_batches + self.titles + self.list_pages
    }
}

/// The client's rule, written again independently: normalized titles agree when one contains the
/// other (12 characters or more) or their edit distance is at most a tenth of the longer one.
fn titles_agree(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if a == b || (short.len() >= 12 && long.contains(short)) {
        return true;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    let longest = a.len().max(b.len()).max(1);
    1.0 - row[b.len()] as f64 / longest as f64 >= 0.9
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The real catalogue (../shared/catalog), read as the binary reads it.
pub fn real_catalog() -> Catalog {
    let cache = tempfile::tempdir().unwrap();
    let options = citegraph::catalog::CatalogOptions {
        sources: vec![common::catalog_dir().to_string_lossy().into_owned()],
        mechanisms: None,
        exclude: Vec::new(),
    };
    citegraph::catalog::load(&options, cache.path(), true).expect("the real catalogue reads")
}

/// The citegraph binary on the real catalogue, with `dir`/cache and `dir`/output.
pub fn citegraph_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = common::citegraph();
    cmd.arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .arg("--output-dir")
        .arg(dir.join("output"));
    cmd
}

/// `citegraph fetch` against `url` into `dir`, fast settings, the real catalogue.
pub fn citegraph_fetch(dir: &Path, url: &str) -> assert_cmd::Command {
    let mut cmd = citegraph_in(dir);
    cmd.args(["fetch", "--api-url", url]);
    cmd.args(["--rps", "1000", "--retry-delay", "0.01"]);
    cmd
}

/// The `requests: N` line of a fetch summary.
pub fn requests_of(stdout: &str) -> usize {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("requests: "))
        .unwrap_or_else(|| panic!("no request count in: {stdout}"))
        .trim()
        .parse()
        .expect("a number")
}

/// A snapshot's lines as JSON, by paperId.
pub fn snapshot_lines(path: &Path) -> HashMap<String, Value> {
    std::fs::read_to_string(path)
        .expect("snapshot")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("snapshot line");
            (v["paperId"].as_str().expect("paperId").to_string(), v)
        })
        .collect()
}

/// `citegraph snapshot export` of `dir`/cache, as text (sorted by paperId, so two caches with
/// the same records give the same text).
pub fn export(dir: &Path) -> String {
    let file = dir.join("exported.jsonl");
    common::citegraph()
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .args(["snapshot", "export"])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).expect("the exported snapshot");
    std::fs::remove_file(&file).expect("remove the exported snapshot");
    text
}

/// The catalogue's paper ids in the world (truth.json's `catalog_by_key` values).
pub fn catalog_ids() -> Vec<String> {
    let mut ids: Vec<String> = truth()["catalog_by_key"]
        .as_object()
        .expect("catalog_by_key")
        .values()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Today, in days since the Unix epoch (UTC).
pub fn today() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs();
    (secs / 86_400) as i64
}

/// The world `months` after a first fetch made today (see `World::later`).
pub fn later_world(
    months: u32,
) -> (
    crate::common::mock_s2::World,
    crate::common::mock_s2::LaterTruth,
) {
    world().later(&crate::common::mock_s2::Later {
        since: today(),
        months,
        catalog: catalog_ids(),
        seed: 12,
        spread: 0.0,
    })
}

/// Each record's citing and cited paper ids, by paper id: what an update must reproduce.
pub fn link_sets(
    corpus: &Corpus,
) -> std::collections::BTreeMap<
    String,
    (
        std::collections::BTreeSet<String>,
        std::collections::BTreeSet<String>,
    ),
> {
    let ids = |links: &Option<Vec<citegraph::records::Link>>| {
        links
            .iter()
            .flatten()
            .filter_map(|l| l.paper_id.clone())
            .collect()
    };
    corpus
        .records
        .iter()
        .map(|r| (r.paper_id.clone(), (ids(&r.citations), ids(&r.references))))
        .collect()
}
