//! The shared world (`world.jsonl`, Graph API records) written as Semantic Scholar's bulk datasets
//! (S2AG), in the line formats the datasets use (../shared/S2-DATASETS.md and the recorded samples
//! in ../shared/fixtures/s2-datasets-recorded/): `papers`, `citations` and `paper-ids`, each split
//! into gzip shards, plus a diff pair (update and delete files) for a later release.
//!
//! Layout written under `dir` (the layout `citegraph` reads and downloads into):
//!
//! ```text
//! dir/papers/<opaque>.gz      dir/citations/<opaque>.gz      dir/paper-ids/<opaque>.gz
//! dir/diffs/<BASE_RELEASE>_<NEXT_RELEASE>/{papers,citations}/{update,delete}-<opaque>.gz
//! ```
//!
//! The formats vary between shards the way the releases do, so a reader must accept all of them:
//! - `papers`: lower-case field names, every `externalids` key present (`null` when absent),
//!   `CorpusId` a string, DOIs in upper case (publishers' case), `url` ending in the paperId;
//!   `updated` present in even shards only (later releases dropped it).
//! - `citations`: every edge of the world once (the union of all `references` and `citations`
//!   lists, one line a citing-cited pair), and one line with `citedcorpusid: null` for every
//!   unmatched reference of the world. Even shards: corpus ids as strings, flat `intents`,
//!   `updated` (2020-2023 style). Odd shards: integers, `intents` as a list of lists (one list a
//!   context), no `updated` (2024 style). `citationid` in shards whose index is not a multiple of 3.
//! - `paper-ids`: the primary sha of every corpus id, plus a non-primary sha for every
//!   [`NON_PRIMARY_EVERY`]th paper (`primary: false`).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::Digest;

/// The release the full shards stand for.
pub const BASE_RELEASE: &str = "2026-07-07";
/// The release the diff pair leads to.
pub const NEXT_RELEASE: &str = "2026-07-14";
/// Every this many papers (in world order) gets a non-primary sha in `paper-ids`.
pub const NON_PRIMARY_EVERY: usize = 97;
/// Citation ids are this plus the edge's index in (citing, cited) order: above `u32::MAX`, as
/// real ones are (4740408346 in a 2024 line).
pub const CITATION_ID_BASE: u64 = 4_000_000_000;

/// One edge of the world, as the `citations` dataset holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WorldEdge {
    pub citing: u64,
    pub cited: u64,
    pub citation_id: u64,
    pub is_influential: bool,
    pub contexts: Vec<String>,
    pub intents: Vec<String>,
}

/// The world as the datasets see it.
#[derive(Debug, Clone)]
pub struct World {
    /// Records of world.jsonl, in file order.
    pub records: Vec<Value>,
    /// Corpus id by paperId, and back.
    pub corpus_of: BTreeMap<String, u64>,
    pub sha_of: BTreeMap<u64, String>,
    /// Every edge once, sorted by (citing, cited).
    pub edges: Vec<WorldEdge>,
    /// Citing corpus id of every reference the world left unmatched (`paperId: null`).
    pub unmatched: Vec<u64>,
}

/// The files written by [`write_world_shards`].
#[derive(Debug, Clone)]
pub struct WorldShards {
    pub dir: PathBuf,
    pub release: String,
    pub papers: Vec<PathBuf>,
    pub citations: Vec<PathBuf>,
    pub paper_ids: Vec<PathBuf>,
    /// Non-primary sha -> corpus id, as written to `paper-ids`.
    pub non_primary: BTreeMap<String, u64>,
    pub diff: ReleaseDiff,
}

/// The diff from [`BASE_RELEASE`] to [`NEXT_RELEASE`], and what it changes.
#[derive(Debug, Clone)]
pub struct ReleaseDiff {
    pub from_release: String,
    pub to_release: String,
    pub papers_update: PathBuf,
    pub papers_delete: PathBuf,
    pub citations_update: PathBuf,
    pub citations_delete: PathBuf,
    /// New papers (corpus id, paperId), in `papers_update`.
    pub added_papers: Vec<(u64, String)>,
    /// Existing papers whose line `papers_update` replaces (a new title): corpus id, new title.
    pub retitled_papers: Vec<(u64, String)>,
    /// Papers removed (their corpus ids), in `papers_delete`.
    pub deleted_papers: Vec<u64>,
    /// Edges added (citing, cited, citationid), in `citations_update`.
    pub added_citations: Vec<(u64, u64, u64)>,
    /// Edges removed (citing, cited, citationid), in `citations_delete`: a few chosen ones and
    /// every edge of a deleted paper.
    pub deleted_citations: Vec<(u64, u64, u64)>,
}

/// A link's `isInfluential`, `contexts` and `intents`.
type LinkFields = (bool, Vec<String>, Vec<String>);

/// Reads world.jsonl (or another snapshot of the same form) into its edges and ids.
pub fn read_world(path: &Path) -> World {
    let text = std::fs::read_to_string(path).unwrap();
    let records: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut corpus_of = BTreeMap::new();
    let mut sha_of = BTreeMap::new();
    for record in &records {
        let sha = record["paperId"].as_str().unwrap().to_string();
        let corpus = record["externalIds"]["CorpusId"].as_u64().unwrap();
        corpus_of.insert(sha.clone(), corpus);
        sha_of.insert(corpus, sha);
    }
    // (citing, cited) -> the link's fields, from whichever list names the pair first.
    let mut pairs: BTreeMap<(u64, u64), LinkFields> = BTreeMap::new();
    let mut unmatched = Vec::new();
    for record in &records {
        let own = corpus_of[record["paperId"].as_str().unwrap()];
        for (list, outgoing) in [("references", true), ("citations", false)] {
            for link in record[list].as_array().into_iter().flatten() {
                let Some(other) = link["paperId"].as_str() else {
                    if outgoing {
                        unmatched.push(own);
                    }
                    continue;
                };
                let other = corpus_of[other];
                let pair = if outgoing { (own, other) } else { (other, own) };
                pairs.entry(pair).or_insert_with(|| {
                    let strings = |key: &str| -> Vec<String> {
                        link[key]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    };
                    (
                        link["isInfluential"].as_bool().unwrap_or(false),
                        strings("contexts"),
                        strings("intents"),
                    )
                });
            }
        }
    }
    let edges = pairs
        .into_iter()
        .enumerate()
        .map(
            |(i, ((citing, cited), (is_influential, contexts, intents)))| WorldEdge {
                citing,
                cited,
                citation_id: CITATION_ID_BASE + i as u64,
                is_influential,
                contexts,
                intents,
            },
        )
        .collect();
    unmatched.sort_unstable();
    World {
        records,
        corpus_of,
        sha_of,
        edges,
        unmatched,
    }
}

/// The shared world as shards: [`write_shards`] of `world.jsonl`.
pub fn write_world_shards(dir: &Path, shards: usize) -> WorldShards {
    write_shards(&super::world_jsonl(), dir, shards)
}

/// Writes the records of `world` (a world.jsonl-form file) as `shards` gzip files per dataset
/// under `dir`, and a diff pair for the next release. Deterministic: the same input gives the
/// same bytes.
pub fn write_shards(world: &Path, dir: &Path, shards: usize) -> WorldShards {
    assert!(shards > 0);
    let world = read_world(world);
    let papers: Vec<String> = world
        .records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let corpus = world.corpus_of[record["paperId"].as_str().unwrap()];
            paper_line(record, corpus, i % shards % 2 == 0)
        })
        .collect();
    let papers = write_split(dir, "papers", &papers, shards, |line, _| line.clone());

    // Edges and unmatched references interleaved by citing id, as one dataset holds them.
    let mut lines: Vec<(u64, Option<&WorldEdge>)> = world
        .edges
        .iter()
        .map(|edge| (edge.citing, Some(edge)))
        .chain(world.unmatched.iter().map(|&citing| (citing, None)))
        .collect();
    lines.sort_by_key(|(citing, edge)| (*citing, edge.map(|e| e.cited)));
    let citations = write_split(dir, "citations", &lines, shards, |(citing, edge), shard| {
        citation_line(*citing, *edge, shard)
    });

    let mut ids: Vec<String> = Vec::new();
    let mut non_primary = BTreeMap::new();
    for (i, (sha, corpus)) in world
        .records
        .iter()
        .map(|r| {
            let sha = r["paperId"].as_str().unwrap();
            (sha, world.corpus_of[sha])
        })
        .enumerate()
    {
        ids.push(json!({"sha": sha, "corpusid": corpus, "primary": true}).to_string());
        if i % NON_PRIMARY_EVERY == 0 {
            let old = fake_sha(&format!("old {sha}"));
            ids.push(json!({"sha": old, "corpusid": corpus, "primary": false}).to_string());
            non_primary.insert(old, corpus);
        }
    }
    let paper_ids = write_split(dir, "paper-ids", &ids, shards, |line, _| line.clone());
    let diff = write_diff(dir, &world);
    WorldShards {
        dir: dir.to_path_buf(),
        release: BASE_RELEASE.to_string(),
        papers,
        citations,
        paper_ids,
        non_primary,
        diff,
    }
}

/// A `papers` line for a world record (`updated` when `old_style`).
pub fn paper_line(record: &Value, corpus: u64, old_style: bool) -> String {
    let ids = &record["externalIds"];
    let text = |key: &str| ids.get(key).and_then(Value::as_str).map(String::from);
    let sha = record["paperId"].as_str().unwrap();
    let venue = record["venue"].as_str().unwrap_or("").to_string();
    let mut line = json!({
        "corpusid": corpus,
        "externalids": {
            "ACL": text("ACL"),
            "DBLP": null,
            "ArXiv": text("ArXiv"),
            "MAG": null,
            "CorpusId": corpus.to_string(),
            "PubMed": null,
            // Publishers' case, as the datasets keep it.
            "DOI": text("DOI").map(|d| d.to_ascii_uppercase()),
            "PubMedCentral": null,
        },
        "url": format!("https://www.semanticscholar.org/paper/{sha}"),
        "title": record["title"],
        "authors": record["authors"],
        "venue": venue,
        "publicationvenueid": null,
        "year": record["year"],
        "referencecount": record["referenceCount"],
        "citationcount": record["citationCount"],
        "influentialcitationcount": record["influentialCitationCount"],
        "isopenaccess": corpus % 3 == 0,
        "s2fieldsofstudy": [{"category": "Computer Science", "source": "s2-fos-model"}],
        "publicationtypes": if corpus % 2 == 0 { json!(["JournalArticle"]) } else { Value::Null },
        "publicationdate": record["publicationDate"],
        "journal": if venue.is_empty() { Value::Null } else { json!({"name": venue, "pages": null, "volume": ""}) },
    });
    if old_style {
        line["updated"] = json!("2026-07-01T02:09:51.713Z");
    }
    line.to_string()
}

/// A `citations` line in the style of shard `shard` (see the module documentation); `edge`
/// `None` for an unmatched reference of `citing`.
pub fn citation_line(citing: u64, edge: Option<&WorldEdge>, shard: usize) -> String {
    let new_style = shard % 2 == 1;
    let id = |corpus: u64| {
        if new_style {
            json!(corpus)
        } else {
            json!(corpus.to_string())
        }
    };
    let mut line = json!({
        "citingcorpusid": id(citing),
        "citedcorpusid": edge.map_or(Value::Null, |e| id(e.cited)),
        "isinfluential": edge.is_some_and(|e| e.is_influential),
    });
    match edge {
        Some(edge) => {
            line["contexts"] = if edge.contexts.is_empty() && shard % 4 == 0 {
                Value::Null
            } else {
                json!(edge.contexts)
            };
            line["intents"] = match (new_style, edge.intents.is_empty()) {
                (_, true) if shard % 4 == 0 => Value::Null,
                (false, _) => json!(edge.intents),
                // One list a context (at least one list when there are intents).
                (true, _) => {
                    let lists = edge
                        .contexts
                        .len()
                        .max(usize::from(!edge.intents.is_empty()));
                    json!(vec![edge.intents.clone(); lists])
                }
            };
            if shard % 3 != 0 {
                line["citationid"] = json!(edge.citation_id);
            }
        }
        None => {
            line["contexts"] = json!(["... an unmatched bibliography entry ..."]);
            line["intents"] = Value::Null;
        }
    }
    if !new_style {
        line["updated"] = json!("2026-06-30T05:14:10.225Z");
    }
    line.to_string()
}

/// A 40-hex id derived from `seed`.
pub fn fake_sha(seed: &str) -> String {
    hex::encode(&sha2::Sha256::digest(seed.as_bytes())[..20])
}

/// An opaque shard name in the style of the release files (`20260710_071652_00151_3g69z_<hex>.gz`).
fn shard_name(dataset: &str, index: usize) -> String {
    let hex = &fake_sha(&format!("{dataset} {index}"))[..8];
    format!("20260710_071652_{index:05}_3g69z_{hex}.gz")
}

/// Splits `items` into `shards` contiguous runs and writes each, a line per item, gzip.
fn write_split<T>(
    dir: &Path,
    dataset: &str,
    items: &[T],
    shards: usize,
    line: impl Fn(&T, usize) -> String,
) -> Vec<PathBuf> {
    let folder = dir.join(dataset);
    std::fs::create_dir_all(&folder).unwrap();
    let per = items.len().div_ceil(shards).max(1);
    (0..shards)
        .map(|shard| {
            let start = (shard * per).min(items.len());
            let end = ((shard + 1) * per).min(items.len());
            let lines: Vec<String> = items[start..end].iter().map(|i| line(i, shard)).collect();
            let path = folder.join(shard_name(dataset, shard));
            write_gz(&path, &lines);
            path
        })
        .collect()
}

/// Writes `lines` (newline after each) as one gzip file.
pub fn write_gz(path: &Path, lines: &[String]) {
    let file = std::fs::File::create(path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    for line in lines {
        gz.write_all(line.as_bytes()).unwrap();
        gz.write_all(b"\n").unwrap();
    }
    gz.finish().unwrap();
}

/// The diff from [`BASE_RELEASE`] to [`NEXT_RELEASE`]: two new papers citing world papers (and
/// one cited by a world paper), one paper retitled, two papers deleted (with their edges) and
/// three more edges deleted.
fn write_diff(dir: &Path, world: &World) -> ReleaseDiff {
    let folder = dir
        .join("diffs")
        .join(format!("{BASE_RELEASE}_{NEXT_RELEASE}"));
    let records = &world.records;
    let corpus_at =
        |i: usize| world.corpus_of[records[i].get("paperId").unwrap().as_str().unwrap()];
    let next_corpus = world.sha_of.keys().max().unwrap() + 1;
    let next_citation = CITATION_ID_BASE + world.edges.len() as u64;

    // Two new papers, each citing three world papers; a world paper cites the first.
    let mut added_papers = Vec::new();
    let mut paper_updates = Vec::new();
    let mut added_citations = Vec::new();
    for n in 0..2u64 {
        let corpus = next_corpus + n;
        let sha = fake_sha(&format!("new paper {n}"));
        let record = json!({
            "paperId": sha,
            "externalIds": {"CorpusId": corpus},
            "title": format!("A paper of the next release {n}"),
            "year": 2026, "venue": "", "publicationDate": "2026-07-10",
            "citationCount": 0, "influentialCitationCount": 0, "referenceCount": 3,
            "authors": [{"authorId": "1", "name": "New Author"}],
        });
        paper_updates.push(paper_line(&record, corpus, false));
        added_papers.push((corpus, sha));
        for k in 0..3 {
            let cited = corpus_at((n as usize * 7 + k * 11) % records.len());
            added_citations.push((corpus, cited, next_citation + n * 3 + k as u64));
        }
    }
    added_citations.push((corpus_at(5), next_corpus, next_citation + 6));
    // One world paper retitled (its full line again, as an upsert).
    let retitled_index = 3 % records.len();
    let mut retitled = records[retitled_index].clone();
    let new_title = format!("{} (revised)", retitled["title"].as_str().unwrap_or(""));
    retitled["title"] = json!(new_title);
    let retitled_corpus = corpus_at(retitled_index);
    paper_updates.push(paper_line(&retitled, retitled_corpus, false));

    // Two papers deleted (the last two of the world, never the retitled one), with their edges.
    let deleted_papers: Vec<u64> = (records.len().saturating_sub(2)..records.len())
        .map(corpus_at)
        .collect();
    let mut deleted_citations: Vec<(u64, u64, u64)> = world
        .edges
        .iter()
        .filter(|e| deleted_papers.contains(&e.citing) || deleted_papers.contains(&e.cited))
        .map(|e| (e.citing, e.cited, e.citation_id))
        .collect();
    let taken: BTreeSet<u64> = deleted_citations.iter().map(|d| d.2).collect();
    for edge in world
        .edges
        .iter()
        .step_by(world.edges.len() / 4 + 1)
        .filter(|e| !taken.contains(&e.citation_id))
        .take(3)
    {
        deleted_citations.push((edge.citing, edge.cited, edge.citation_id));
    }

    std::fs::create_dir_all(folder.join("papers")).unwrap();
    std::fs::create_dir_all(folder.join("citations")).unwrap();
    let papers_update = folder
        .join("papers")
        .join(format!("update-{}", shard_name("papers-update", 0)));
    let papers_delete = folder
        .join("papers")
        .join(format!("delete-{}", shard_name("papers-delete", 0)));
    let citations_update = folder
        .join("citations")
        .join(format!("update-{}", shard_name("citations-update", 0)));
    let citations_delete = folder
        .join("citations")
        .join(format!("delete-{}", shard_name("citations-delete", 0)));
    write_gz(&papers_update, &paper_updates);
    // Delete files: only the key is to be read; these carry the key alone.
    let deletes: Vec<String> = deleted_papers
        .iter()
        .map(|c| json!({"corpusid": c}).to_string())
        .collect();
    write_gz(&papers_delete, &deletes);
    let updates: Vec<String> = added_citations
        .iter()
        .map(|&(citing, cited, id)| {
            json!({"citationid": id, "citingcorpusid": citing, "citedcorpusid": cited,
                   "isinfluential": false, "contexts": ["... the next release ..."],
                   "intents": [["background"]]})
            .to_string()
        })
        .collect();
    write_gz(&citations_update, &updates);
    let deletes: Vec<String> = deleted_citations
        .iter()
        .map(|&(citing, cited, id)| {
            json!({"citationid": id, "citingcorpusid": citing, "citedcorpusid": cited}).to_string()
        })
        .collect();
    write_gz(&citations_delete, &deletes);
    ReleaseDiff {
        from_release: BASE_RELEASE.to_string(),
        to_release: NEXT_RELEASE.to_string(),
        papers_update,
        papers_delete,
        citations_update,
        citations_delete,
        added_papers,
        retitled_papers: vec![(retitled_corpus, new_title)],
        deleted_papers,
        added_citations,
        deleted_citations,
    }
}
