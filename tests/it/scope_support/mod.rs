//! Two worlds for the scope rule (issue #23), built from the shared synthetic world (never
//! written into it): 15 papers of the field that the list misses, planted as the issue describes
//! them, and 5 more landmarks beside the world's own (truth.json `foundations`).
//!
//! - A planted field paper: published 2021-2023, cited by 4-12 catalogue papers (newer than it,
//!   three in four of them of one mechanism), citing 5-15 older catalogue papers (three in five
//!   of the same mechanism) plus a few landmarks and older papers of the world, 50-400
//!   citations in all, a title of the field's kind ("Adaptive Token Pruning for Vision
//!   Transformers").
//! - A planted landmark: published 2022-2023, cited by 47-101 catalogue papers drawn from all
//!   the newer ones (so across mechanisms and domains) and by 100-250 of the world's recent
//!   papers, citing 0-2 catalogue papers, 2,000-4,000 citations in all, a real landmark's title
//!   (Segment Anything, BLIP-2, ...).
//!
//! Regime A keeps the world's counts: the catalogue papers take about a quarter of their own
//! citations from the list. Regime B multiplies each catalogue paper's `citationCount` by one
//! factor (times a jitter of 0.7-1.3) so that the pooled rate falls to about 7 %, the share real
//! token-reduction papers take from such a list. Landmarks keep their global counts (2,000 and
//! more) in both: they are already counts of the whole literature.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::common::mock_s2::normalize_title;
use crate::fetch_support;

/// The catalogue's counts as they are, or raised to a realistic share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regime {
    /// The world's own counts (pooled catalogue rate about 24 %).
    A,
    /// Catalogue papers' citation counts raised so that the pooled rate is about 7 %.
    B,
}

/// The pooled rate regime B aims at.
pub const REGIME_B_RATE: f64 = 0.07;

/// What was planted, by paper id.
#[derive(Debug, Clone, Default)]
pub struct Planted {
    /// The 15 papers of the field the list misses.
    pub field: Vec<String>,
    /// The world's landmarks (truth.json `foundations`) and the 5 planted ones.
    pub landmarks: Vec<String>,
    /// The 5 planted landmarks alone.
    pub planted_landmarks: Vec<String>,
    /// Titles by id (planted papers and landmarks).
    pub titles: HashMap<String, String>,
    /// The pooled rate of the catalogue papers (sum of catalogue citers over sum of citation
    /// counts), as built.
    pub pooled_rate: f64,
}

/// A catalogue paper of the world: year and mechanisms (from the real catalogue's badges).
struct Listed {
    id: String,
    year: i64,
    mechanisms: Vec<String>,
}

const LANDMARKS: [(&str, i64); 5] = [
    ("Segment Anything", 2023),
    (
        "BLIP-2: Bootstrapping Language-Image Pre-training with Frozen Image Encoders and Large Language Models",
        2023,
    ),
    ("Flamingo: a Visual Language Model for Few-Shot Learning", 2022),
    ("QLoRA: Efficient Finetuning of Quantized LLMs", 2023),
    ("Mistral 7B", 2023),
];

const ADJECTIVES: [&str; 8] = [
    "Adaptive",
    "Dynamic",
    "Learned",
    "Progressive",
    "Content-Aware",
    "Training-Free",
    "Attention-Guided",
    "Hierarchical",
];
const TARGETS: [&str; 5] = [
    "Vision Transformers",
    "Multimodal Large Language Models",
    "Video Transformers",
    "Diffusion Transformers",
    "Efficient Language Model Inference",
];

/// The world with the papers planted, in `regime`, as JSON Lines at `path` (sorted by id);
/// `seed` draws everything planted. Returns what was planted.
pub fn write_world(path: &Path, regime: Regime, seed: u64) -> Planted {
    let (papers, planted) = build(regime, seed);
    let mut ids: Vec<&String> = papers.keys().collect();
    ids.sort();
    let mut text = String::new();
    for id in ids {
        text.push_str(&serde_json::to_string(&papers[id]).unwrap());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
    planted
}

/// The world's papers with the planted ones, by id, and what was planted.
pub fn build(regime: Regime, seed: u64) -> (HashMap<String, Value>, Planted) {
    let mut papers = fetch_support::world_papers();
    let truth = fetch_support::truth();
    let mut rng = StdRng::seed_from_u64(seed);
    let listed = listed(&papers, &truth);
    let recent: Vec<String> = {
        let mut ids: Vec<String> = papers
            .iter()
            .filter(|(_, p)| {
                p["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Recent token reduction study"))
            })
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids
    };
    let older_world: Vec<String> = {
        let mut ids: Vec<String> = papers
            .iter()
            .filter(|(_, p)| {
                p["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Prior work on efficient models"))
            })
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids
    };
    let world_landmarks: Vec<String> = truth["foundations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut planted = Planted {
        landmarks: world_landmarks.clone(),
        ..Planted::default()
    };
    let mut mechanisms: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &listed {
        for m in &c.mechanisms {
            *mechanisms.entry(m.as_str()).or_default() += 1;
        }
    }
    // Mechanisms with enough papers to be "mostly one mechanism" of.
    let field_mechanisms: Vec<String> = mechanisms
        .iter()
        .filter(|(m, &n)| n >= 8 && **m != "unspecified")
        .map(|(m, _)| m.to_string())
        .collect();
    let mut titles_used = std::collections::HashSet::new();
    for i in 0..15 {
        let mechanism = field_mechanisms[i % field_mechanisms.len()].clone();
        let year = rng.random_range(2021..=2023);
        let title = loop {
            let t = format!(
                "{} {} for {}",
                ADJECTIVES[rng.random_range(0..ADJECTIVES.len())],
                mechanism,
                TARGETS[rng.random_range(0..TARGETS.len())]
            );
            if titles_used.insert(t.clone()) {
                break t;
            }
        };
        let id = format!("{:040x}", 0x5c0_0000_0000u64 + seed * 100 + i as u64);
        let citers_n = rng.random_range(4..=12);
        let newer: Vec<&Listed> = listed.iter().filter(|c| c.year > year).collect();
        let citers = pick_mostly(&mut rng, &newer, &mechanism, citers_n, 0.75);
        let older: Vec<&Listed> = listed.iter().filter(|c| c.year <= year).collect();
        let refs_n = rng.random_range(5..=15);
        let mut references = pick_mostly(&mut rng, &older, &mechanism, refs_n, 0.6);
        let (n_landmarks, n_older, n_recent) = (
            rng.random_range(2..=4),
            rng.random_range(5..=20),
            rng.random_range(2..=8),
        );
        let before = |id: &String| papers[id]["year"].as_i64().unwrap_or(0) <= year;
        references.extend(pick(&mut rng, &world_landmarks, n_landmarks, before));
        references.extend(pick(&mut rng, &older_world, n_older, before));
        let mut citing = citers.clone();
        citing.extend(pick(&mut rng, &recent, n_recent, |_| true));
        let count = rng.random_range(50..=400);
        plant(&mut papers, &id, &title, year, count, &citing, &references);
        planted.titles.insert(id.clone(), title);
        planted.field.push(id);
    }
    for (i, (title, year)) in LANDMARKS.iter().enumerate() {
        let id = format!("{:040x}", 0x1a0_0000_0000u64 + seed * 100 + i as u64);
        let newer: Vec<String> = listed
            .iter()
            .filter(|c| c.year >= *year)
            .map(|c| c.id.clone())
            .collect();
        let (n_catalog, n_recent) = (rng.random_range(47..=101), rng.random_range(100..=250));
        let mut citing = pick(&mut rng, &newer, n_catalog, |_| true);
        citing.extend(pick(&mut rng, &recent, n_recent, |_| true));
        let older: Vec<String> = listed
            .iter()
            .filter(|c| c.year < *year)
            .map(|c| c.id.clone())
            .collect();
        let (n_catalog, n_older) = (rng.random_range(0..=2), rng.random_range(10..=30));
        let mut references = pick(&mut rng, &older, n_catalog, |_| true);
        let before = |id: &String| papers[id]["year"].as_i64().unwrap_or(0) < *year;
        references.extend(pick(&mut rng, &world_landmarks, 3, before));
        references.extend(pick(&mut rng, &older_world, n_older, before));
        let count = rng.random_range(2000..=4000);
        plant(&mut papers, &id, title, *year, count, &citing, &references);
        planted.titles.insert(id.clone(), title.to_string());
        planted.landmarks.push(id.clone());
        planted.planted_landmarks.push(id);
    }
    for id in &world_landmarks {
        planted.titles.insert(
            id.clone(),
            papers[id]["title"].as_str().unwrap().to_string(),
        );
    }
    let catalog_ids = fetch_support::catalog_ids();
    let catalog: Vec<&str> = catalog_ids
        .iter()
        .map(String::as_str)
        .filter(|id| papers.contains_key(*id))
        .collect();
    if regime == Regime::B {
        let (linked, total) = pooled(&papers, &catalog);
        let factor = linked / REGIME_B_RATE / total;
        for c in &catalog {
            let p = papers.get_mut(*c).unwrap();
            let n = p["citationCount"].as_f64().unwrap_or(0.0).max(1.0);
            let raised = (n * factor * rng.random_range(0.7..=1.3)).round() as u64;
            p["citationCount"] = json!(raised.max(n as u64));
        }
    }
    planted.pooled_rate = {
        let (linked, total) = pooled(&papers, &catalog);
        linked / total
    };
    (papers, planted)
}

/// Catalogue citers and citation counts summed over the catalogue papers.
fn pooled(papers: &HashMap<String, Value>, catalog: &[&str]) -> (f64, f64) {
    let set: std::collections::HashSet<&str> = catalog.iter().copied().collect();
    let mut linked = 0.0;
    let mut total = 0.0;
    for c in catalog {
        let p = &papers[*c];
        let citers = p["citations"].as_array().unwrap();
        linked += citers
            .iter()
            .filter(|x| x["paperId"].as_str().is_some_and(|id| set.contains(id)))
            .count() as f64;
        total += p["citationCount"]
            .as_f64()
            .unwrap_or(0.0)
            .max(citers.len() as f64);
    }
    (linked, total)
}

/// The world's catalogue papers (those with an arXiv id the world knows) with their years and
/// the real catalogue's mechanisms.
fn listed(papers: &HashMap<String, Value>, truth: &Value) -> Vec<Listed> {
    let catalog = fetch_support::real_catalog();
    let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
    for paper in &catalog.papers {
        by_key.insert(paper.key.clone(), paper.mechanisms.clone());
        by_key.insert(
            format!("title:{}", normalize_title(&paper.title)),
            paper.mechanisms.clone(),
        );
    }
    let mut out: Vec<Listed> = truth["catalog_by_key"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(key, id)| {
            let id = id.as_str()?.to_string();
            let record = papers.get(&id)?;
            // Only papers a snapshot resolves by their arXiv id: one found by title alone may
            // stay unresolved there (titles must match exactly), and its links with it.
            let arxiv = key.strip_prefix("arxiv:")?;
            if record["externalIds"]["ArXiv"].as_str() != Some(arxiv) {
                return None;
            }
            let year = record["year"].as_i64()?;
            let mechanisms = by_key.get(key).cloned().unwrap_or_default();
            Some(Listed {
                id,
                year,
                mechanisms,
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    out
}

/// `n` distinct ids from `from` that pass `keep`, in a random order.
fn pick(
    rng: &mut StdRng,
    from: &[String],
    n: usize,
    keep: impl Fn(&String) -> bool,
) -> Vec<String> {
    let mut pool: Vec<&String> = from.iter().filter(|id| keep(id)).collect();
    pool.shuffle(rng);
    pool.into_iter().take(n).cloned().collect()
}

/// `n` distinct catalogue papers, each of `mechanism` with probability `share` (while any is
/// left), else of any mechanism.
fn pick_mostly(
    rng: &mut StdRng,
    from: &[&Listed],
    mechanism: &str,
    n: usize,
    share: f64,
) -> Vec<String> {
    let mut of: Vec<&str> = from
        .iter()
        .filter(|c| c.mechanisms.iter().any(|m| m == mechanism))
        .map(|c| c.id.as_str())
        .collect();
    let mut any: Vec<&str> = from.iter().map(|c| c.id.as_str()).collect();
    of.shuffle(rng);
    any.shuffle(rng);
    let mut out: Vec<String> = Vec::new();
    while out.len() < n.min(any.len()) {
        let source = if rng.random::<f64>() < share && !of.is_empty() {
            &mut of
        } else {
            &mut any
        };
        let Some(id) = source.pop() else { break };
        if !out.iter().any(|x| x == id) {
            out.push(id.to_string());
        }
    }
    out
}

/// Adds a paper cited by `citing` and citing `references`, with both ends' lists kept in step.
fn plant(
    papers: &mut HashMap<String, Value>,
    id: &str,
    title: &str,
    year: i64,
    count: u64,
    citing: &[String],
    references: &[String],
) {
    let link = |other: &str| json!({"paperId": other, "isInfluential": false, "contexts": [], "intents": []});
    for x in citing {
        let p = papers.get_mut(x).unwrap();
        p["references"].as_array_mut().unwrap().push(link(id));
        let n = p["references"].as_array().unwrap().len();
        p["referenceCount"] = json!(n);
    }
    for y in references {
        let p = papers.get_mut(y).unwrap();
        p["citations"].as_array_mut().unwrap().push(link(id));
        let n = p["citations"].as_array().unwrap().len() as u64;
        let count = p["citationCount"].as_u64().unwrap_or(0);
        p["citationCount"] = json!(count.max(n));
    }
    papers.insert(
        id.to_string(),
        json!({
            "paperId": id,
            "externalIds": {},
            "title": title,
            "year": year,
            "venue": "",
            "publicationDate": format!("{year}-06-01"),
            "citationCount": count.max(citing.len() as u64),
            "influentialCitationCount": count / 12,
            "referenceCount": references.len(),
            "authors": [{"authorId": "1", "name": "Planted Author"}],
            "references": references.iter().map(|r| link(r)).collect::<Vec<_>>(),
            "citations": citing.iter().map(|c| link(c)).collect::<Vec<_>>(),
        }),
    );
}
