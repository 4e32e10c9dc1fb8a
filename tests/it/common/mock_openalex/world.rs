//! The world of the mock as OpenAlex works (see the parent module).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use super::URL_PREFIX;

const ARXIV_SOURCE: &str = "arXiv (Cornell University)";
const JOURNAL: &str = "Journal of Efficient Models";

/// The world as OpenAlex works.
#[derive(Clone, Default)]
pub struct OaWorld {
    /// Key (`W…`) -> the full work.
    pub(super) works: BTreeMap<String, Value>,
    /// Lower-case DOI -> key.
    pub(super) by_doi: HashMap<String, String>,
    /// Merged-away key -> surviving key.
    pub(super) merged: HashMap<String, String>,
    /// S2 paper id -> its works' keys (published first for a pair).
    keys: HashMap<String, Vec<String>>,
    /// The references planted for the elided papers: S2 id -> S2 ids.
    planted: HashMap<String, Vec<String>>,
    /// Key -> the keys of the works citing it (the `cites:` filter's index).
    cited_by: HashMap<String, BTreeSet<String>>,
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
    /// The shared world and its truth file (built once per test binary, then cloned).
    pub fn load() -> OaWorld {
        static WORLD: std::sync::OnceLock<OaWorld> = std::sync::OnceLock::new();
        WORLD
            .get_or_init(|| {
                Self::from_files(&super::super::world_jsonl(), &super::super::world_truth())
            })
            .clone()
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
        let mut cited_by: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (citing, work) in &self.works {
            for r in work["referenced_works"].as_array().into_iter().flatten() {
                cited_by
                    .entry(r.as_str().unwrap()[URL_PREFIX.len()..].to_string())
                    .or_default()
                    .insert(citing.clone());
            }
        }
        for (key, work) in self.works.iter_mut() {
            work["cited_by_count"] = json!(cited_by.get(key).map_or(0, BTreeSet::len));
        }
        self.cited_by = cited_by;
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
        let mut all: BTreeSet<&String> = BTreeSet::new();
        for key in keys {
            all.extend(self.cited_by.get(key).into_iter().flatten());
        }
        all.into_iter().cloned().collect()
    }

    /// `old` is merged into `new`: `/works/{old}` answers 301 to `/works/{new}`.
    pub fn merge(&mut self, old: &str, new: &str) {
        self.works.remove(old);
        for citers in self.cited_by.values_mut() {
            citers.remove(old);
        }
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

    /// Adds a new work `key`, published on `date` (`YYYY-MM-DD`), that cites the work `cited`;
    /// every `cited_by_count` is counted again.
    pub fn add_citer(&mut self, key: &str, cited: &str, date: &str) {
        let mut work = self.works.values().next().expect("a world").clone();
        let title = format!("A later paper {key} citing {cited}");
        work["id"] = json!(format!("{URL_PREFIX}{key}"));
        work["ids"] = json!({"openalex": format!("{URL_PREFIX}{key}")});
        work["doi"] = Value::Null;
        work["title"] = json!(title);
        work["display_name"] = json!(title);
        work["publication_date"] = json!(date);
        work["publication_year"] = json!(date[..4].parse::<i64>().unwrap());
        work["referenced_works"] = json!([format!("{URL_PREFIX}{cited}")]);
        work["referenced_works_count"] = json!(1);
        work["is_retracted"] = json!(false);
        self.works.insert(key.to_string(), work);
        self.count_citers();
    }

    pub fn len(&self) -> usize {
        self.works.len()
    }
}
