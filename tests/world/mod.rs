//! The synthetic world (fixtures/s2-world) as the analysis sees it, built without the catalogue
//! reader or the fetch: the catalogue papers come from the Markdown files through a small parser
//! here (the same rules as fixtures/make_s2_world.py), their resolutions from truth.json's
//! `catalog_by_key`, and the records from world.jsonl.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use citegraph::catalog::{Catalog, CatalogPaper};
use citegraph::s2::{Corpus, PaperRecord, Resolution};

pub struct World {
    pub catalog: Catalog,
    pub corpus: Corpus,
    pub truth: serde_json::Value,
}

pub fn load(shared: &Path) -> World {
    let truth_path = shared.join("fixtures/s2-world/truth.json");
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&truth_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", truth_path.display())),
    )
    .unwrap();
    let by_key = truth["catalog_by_key"].as_object().unwrap();
    let catalog = parse_catalog(&shared.join("catalog"));
    let resolutions = catalog
        .papers
        .iter()
        .map(|p| Resolution {
            key: p.key.clone(),
            paper_id: by_key
                .get(&p.key)
                .and_then(|v| v.as_str())
                .map(str::to_string),
            method: None,
            note: None,
        })
        .collect();
    let world_path = shared.join("fixtures/s2-world/world.jsonl");
    let records: Vec<PaperRecord> = std::fs::read_to_string(&world_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", world_path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    World {
        catalog,
        corpus: Corpus {
            resolutions,
            records,
            requests: 0,
        },
        truth,
    }
}

/// shields.io badge text: `--` is a dash, `__` an underscore, `_` a space.
fn decode_badge(s: &str) -> String {
    s.replace("--", "\u{1}")
        .replace("__", "\u{2}")
        .replace('_', " ")
        .replace('\u{1}', "-")
        .replace('\u{2}', "_")
}

fn norm_title(t: &str) -> String {
    let re = regex::Regex::new(r"[^a-z0-9]+").unwrap();
    re.replace_all(&t.to_lowercase(), " ").trim().to_string()
}

struct Entry {
    domain: String,
    title: String,
    body: String,
}

fn parse_catalog(root: &Path) -> Catalog {
    let entry = regex::Regex::new(r"^\s*- \*\*\[(\d+)\]\s*(.*?)\*\*,?\s*(.*)$").unwrap();
    let heading = regex::Regex::new(r"^#{1,6} ").unwrap();
    let badge = regex::Regex::new(
        r"img\.shields\.io/badge/([^)\s]*)-(blue|green|brown|purple|orange|yellow)\)",
    )
    .unwrap();
    let paper_link = regex::Regex::new(r"\[\[Paper\]\((.*?)\)\]").unwrap();
    let arxiv = regex::Regex::new(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5})").unwrap();

    let mut files: Vec<_> = walk(root);
    files.sort();
    let mut entries: Vec<Entry> = Vec::new();
    for path in files {
        let rel = path.strip_prefix(root).unwrap();
        if rel.file_name().is_some_and(|n| n == "README.md") {
            continue;
        }
        let domain = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut current: Option<Entry> = None;
        for line in text.split('\n') {
            if let Some(m) = entry.captures(line) {
                entries.extend(current.take());
                current = Some(Entry {
                    domain: domain.clone(),
                    title: m[2].trim().to_string(),
                    body: String::new(),
                });
            } else if let Some(cur) = current.as_mut() {
                if heading.is_match(line) {
                    entries.extend(current.take());
                } else {
                    cur.body.push_str(line);
                    cur.body.push('\n');
                }
            }
        }
        entries.extend(current);
    }

    let mut papers: BTreeMap<String, CatalogPaper> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for e in entries {
        let url = paper_link
            .captures(&e.body)
            .map(|c| c[1].to_string())
            .unwrap_or_default();
        let key = match arxiv.captures(&url) {
            Some(c) => format!("arxiv:{}", &c[1]),
            None => format!("title:{}", norm_title(&e.title)),
        };
        let written: Vec<String> = badge
            .captures_iter(&e.body)
            .filter(|c| &c[2] == "orange")
            .map(|c| decode_badge(&c[1]))
            .collect();
        let abbreviation = badge
            .captures_iter(&e.body)
            .find(|c| &c[2] == "blue")
            .map(|c| decode_badge(&c[1]));
        let paper = papers.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            CatalogPaper {
                key: key.clone(),
                title: e.title.clone(),
                ..CatalogPaper::default()
            }
        });
        paper.badges.mechanism.extend(written.iter().cloned());
        if paper.badges.abbreviation.is_empty() {
            paper.badges.abbreviation.extend(abbreviation);
        }
        paper
            .mechanisms
            .extend(written.iter().map(|m| m.to_lowercase()));
        paper.domains.push(e.domain.clone());
    }
    let papers = order
        .into_iter()
        .filter_map(|k| papers.remove(&k))
        .map(|mut p| {
            let mechanisms: BTreeSet<String> = p.mechanisms.drain(..).collect();
            p.mechanisms = if mechanisms.is_empty() {
                vec!["unspecified".to_string()]
            } else {
                mechanisms.into_iter().collect()
            };
            let domains: BTreeSet<String> = p.domains.drain(..).collect();
            p.domains = domains.into_iter().collect();
            p
        })
        .collect();
    Catalog {
        papers,
        ..Catalog::default()
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    out
}
