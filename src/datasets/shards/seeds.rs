//! The seeds of the neighbourhood: the catalogue's papers found in the `papers` shards, by the
//! resolution rules a snapshot uses (`crate::s2::resolve`: ids first, `ARXIV:`, `DOI:` (lower-
//! cased), `ACL:` and `URL:`, then the normalized title checked against the year), or by the
//! corpus id a Graph API record of the cache carries.
//!
//! One pass over `papers` keeps the lines any catalogue id or title could name (the candidates);
//! the resolver then decides among them exactly as it decides among a snapshot's records, the
//! first line in shard order answering a query.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::lines::PaperLine;
use super::read::{parse, read_lines, PassCounts};
use crate::catalog::Catalog;
use crate::records::PaperRecord;
use crate::s2::id_keys;
use crate::s2::resolve::{self, normalize_title, Answer, Answers, Source, TitleQuery};

/// A catalogue paper that is no seed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfound {
    /// The catalogue key (`arxiv:2106.15928`, ...).
    pub key: String,
    /// The resolver's reasons, naming the `papers` dataset.
    pub reason: String,
}

/// The seeds found and the catalogue papers that are none.
#[derive(Debug, Clone, Default)]
pub(crate) struct Seeds {
    /// Corpus ids of the seeds, sorted, each once.
    pub corpus_ids: Vec<u64>,
    pub found: usize,
    pub unfound: Vec<Unfound>,
    pub counts: PassCounts,
}

/// A `papers` line some catalogue id or title could name.
#[derive(Debug, Clone)]
struct Candidate {
    corpus_id: u64,
    record: PaperRecord,
    keys: Vec<(&'static str, String)>,
    title: String,
}

/// What the catalogue could name a line by.
struct Wanted {
    keys: HashSet<(&'static str, String)>,
    titles: HashSet<String>,
}

/// A line's keys in the form of [`id_keys`], its corpus id and its normalized title.
fn line_keys(line: &PaperLine, sha: &str) -> Vec<(&'static str, String)> {
    let mut keys = vec![("paperId", sha.to_string())];
    for kind in ["ArXiv", "DOI", "ACL"] {
        if let Some(value) = line.external_id(kind) {
            keys.push((kind, value.to_ascii_lowercase()));
        }
    }
    if let Some(corpus) = line.corpus_id {
        keys.push(("CorpusId", corpus.to_string()));
    }
    keys
}

/// Finds the seeds: `known` gives catalogue keys whose corpus id the cache's Graph API records
/// already carry (seeds without a resolution); the others are resolved against `papers`.
pub(crate) fn find(
    catalog: &Catalog,
    papers: &[PathBuf],
    known: &BTreeMap<String, u64>,
) -> Result<Seeds> {
    let mut wanted = Wanted {
        keys: HashSet::new(),
        titles: HashSet::new(),
    };
    for paper in &catalog.papers {
        for query in resolve::id_queries(paper) {
            if let Some(key) = id_keys(&query.id) {
                wanted.keys.insert(key);
            }
        }
        let title = normalize_title(&paper.title);
        if !title.is_empty() {
            wanted.titles.insert(title);
        }
    }
    let (per_file, counts) = read_lines(papers, Vec::new, |found: &mut Vec<Candidate>, bytes| {
        let line: PaperLine = parse(bytes, "papers")?;
        let sha = line.sha().ok_or_else(|| {
            "a `papers` line without a paper url (…/paper/<40 hex>); line skipped".to_string()
        })?;
        let corpus_id = line
            .corpus_id
            .ok_or_else(|| "a `papers` line without a corpusid; line skipped".to_string())?;
        let keys = line_keys(&line, &sha);
        let title = line
            .title
            .as_deref()
            .map(normalize_title)
            .unwrap_or_default();
        if keys.iter().any(|k| wanted.keys.contains(k)) || wanted.titles.contains(&title) {
            found.push(Candidate {
                corpus_id,
                record: line.to_record(sha),
                keys,
                title,
            });
        }
        Ok(())
    })?;
    let candidates: Vec<Candidate> = per_file.into_iter().flatten().collect();
    let mut source = Candidates::new(&candidates);
    let resolved = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the async runtime")?
        .block_on(resolve::resolve(catalog, &mut source))?;
    let corpus_of: HashMap<&str, u64> = candidates
        .iter()
        .map(|c| (c.record.paper_id.as_str(), c.corpus_id))
        .collect();
    let mut seeds = Seeds {
        counts,
        ..Seeds::default()
    };
    for outcome in resolved {
        let corpus = known.get(&outcome.key).copied().or_else(|| {
            let record = outcome.record.as_ref()?;
            corpus_of.get(record.paper_id.as_str()).copied()
        });
        match corpus {
            Some(corpus) => {
                seeds.found += 1;
                seeds.corpus_ids.push(corpus);
            }
            None => seeds.unfound.push(Unfound {
                key: outcome.key,
                reason: outcome.notes.join("; "),
            }),
        }
    }
    seeds.corpus_ids.sort_unstable();
    seeds.corpus_ids.dedup();
    Ok(seeds)
}

/// The candidates as a resolution source: the first line (in shard order) of each key answers.
struct Candidates<'a> {
    by_key: HashMap<(&'static str, &'a str), &'a Candidate>,
    by_title: HashMap<&'a str, &'a Candidate>,
}

impl<'a> Candidates<'a> {
    fn new(candidates: &'a [Candidate]) -> Self {
        let mut by_key = HashMap::new();
        let mut by_title = HashMap::new();
        for candidate in candidates {
            for (kind, value) in &candidate.keys {
                by_key.entry((*kind, value.as_str())).or_insert(candidate);
            }
            if !candidate.title.is_empty() {
                by_title
                    .entry(candidate.title.as_str())
                    .or_insert(candidate);
            }
        }
        Candidates { by_key, by_title }
    }
}

fn answer(candidate: Option<&Candidate>) -> Answer {
    candidate.map_or(Answer::Unknown, |c| {
        Answer::Found(Box::new(c.record.clone()))
    })
}

impl Source for Candidates<'_> {
    fn searched(&self) -> &'static str {
        "the papers dataset"
    }

    async fn lookup_ids(&mut self, ids: &[String]) -> Result<Answers> {
        Ok(ids
            .iter()
            .map(|id| {
                let key = if id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    Some(("paperId", id.to_ascii_lowercase()))
                } else {
                    id_keys(id)
                };
                let found = key
                    .as_ref()
                    .and_then(|(kind, value)| self.by_key.get(&(*kind, value.as_str())).copied());
                (id.clone(), answer(found))
            })
            .collect())
    }

    async fn match_titles(&mut self, queries: &[TitleQuery]) -> Result<Answers> {
        Ok(queries
            .iter()
            .map(|q| {
                (
                    q.normalized.clone(),
                    answer(self.by_title.get(q.normalized.as_str()).copied()),
                )
            })
            .collect())
    }
}
