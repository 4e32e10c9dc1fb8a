//! Snapshots: records as JSON Lines, one paper a line, in the form of the shared world.jsonl.
//! `snapshot export` writes every cached record; `--snapshot FILE` reads one instead of the API.
//!
//! Reading is built for a million papers and ten million references: lines are streamed in
//! chunks by one thread while rayon parses the previous chunk on the others, and resolution
//! scans the records once for the few ids and titles the catalogue needs instead of indexing
//! every paper.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::fetch::{self, CachedPaper, ListPolicy, PAPERS};
use super::resolve::{self, normalize_title, Answer, Answers, Source, TitleQuery};
use super::{Corpus, FetchOptions, PaperRecord};
use crate::cache::Cache;
use crate::catalog::Catalog;

/// Lines parsed together (one chunk in flight while the next is read).
const CHUNK_LINES: usize = 16_384;

/// Reads every record of a snapshot. A line that is not a record is an error naming the file
/// and line: a snapshot is meant to reproduce figures exactly, so it is never half-read.
/// Blank lines are skipped; a paper listed twice keeps its first line (reported).
pub(crate) fn load(path: &Path) -> Result<Vec<PaperRecord>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open the snapshot {} (give a JSON Lines file written by `citegraph snapshot export`)", path.display()))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<(usize, Vec<String>)>>(1);
    let mut records = Vec::new();
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            let mut first_line = 1;
            loop {
                let mut lines = Vec::with_capacity(CHUNK_LINES);
                let mut buffer = Vec::new();
                while lines.len() < CHUNK_LINES {
                    buffer.clear();
                    match reader.read_until(b'\n', &mut buffer) {
                        Ok(0) => break,
                        Ok(_) => lines.push(String::from_utf8_lossy(&buffer).into_owned()),
                        Err(err) => {
                            let _ = sender.send(Err(anyhow::anyhow!(
                                "cannot read the snapshot {}: {err}",
                                path.display()
                            )));
                            return;
                        }
                    }
                }
                let done = lines.len() < CHUNK_LINES;
                let count = lines.len();
                if count > 0 && sender.send(Ok((first_line, lines))).is_err() {
                    return;
                }
                first_line += count;
                if done {
                    return;
                }
            }
        });
        for chunk in receiver {
            let (first_line, lines) = chunk?;
            let parsed: Vec<Result<Option<PaperRecord>>> = lines
                .par_iter()
                .enumerate()
                .map(|(i, line)| {
                    let line = line.trim();
                    if line.is_empty() {
                        return Ok(None);
                    }
                    serde_json::from_str::<PaperRecord>(line).map(Some).map_err(|err| {
                        anyhow::anyhow!(
                            "{}:{}: not a paper record ({err}); a snapshot has one JSON paper a line",
                            path.display(),
                            first_line + i
                        )
                    })
                })
                .collect();
            for record in parsed {
                if let Some(record) = record? {
                    records.push(record);
                }
            }
        }
        Ok(())
    })?;
    let mut seen = HashSet::with_capacity(records.len());
    let before = records.len();
    records.retain(|r| seen.insert(r.paper_id.clone()));
    if records.len() < before {
        tracing::warn!(
            "{}: {} papers listed more than once; each kept once (first line)",
            path.display(),
            before - records.len()
        );
    }
    Ok(records)
}

/// The ways an id query names a paper, as keys comparable with a record's ids.
fn id_keys(query: &str) -> Option<(&'static str, String)> {
    let (kind, value) = query.split_once(':')?;
    let value = value.trim();
    match kind.to_ascii_uppercase().as_str() {
        "ARXIV" => Some(("ArXiv", value.to_ascii_lowercase())),
        "DOI" => Some(("DOI", value.to_ascii_lowercase())),
        "ACL" => Some(("ACL", value.to_ascii_lowercase())),
        "CORPUSID" => Some(("CorpusId", value.to_string())),
        "URL" => url_key(value),
        _ => None,
    }
}

/// A `URL:` id as the id it stands for (arXiv, ACL Anthology, ACM DOI, Semantic Scholar page).
fn url_key(link: &str) -> Option<(&'static str, String)> {
    let url = url::Url::parse(link).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let path = url.path().trim_matches('/');
    let last = path.rsplit('/').next()?.trim_end_matches(".pdf");
    if host.ends_with("arxiv.org") {
        let id = path.split('/').nth(1)?.trim_end_matches(".pdf");
        let id = match id.rsplit_once('v') {
            Some((base, version))
                if version.chars().all(|c| c.is_ascii_digit()) && !version.is_empty() =>
            {
                base
            }
            _ => id,
        };
        Some(("ArXiv", id.to_ascii_lowercase()))
    } else if host.ends_with("aclanthology.org") || host.ends_with("aclweb.org") {
        Some(("ACL", last.to_ascii_lowercase()))
    } else if host.ends_with("acm.org") {
        let doi = path.split_once("10.")?.1;
        Some(("DOI", format!("10.{doi}").to_ascii_lowercase()))
    } else if host.ends_with("semanticscholar.org") {
        Some(("paperId", last.to_ascii_lowercase()))
    } else {
        None
    }
}

/// A record's ids, in the form of [`id_keys`].
fn record_keys(record: &PaperRecord) -> Vec<(&'static str, String)> {
    let mut keys = vec![("paperId", record.paper_id.to_ascii_lowercase())];
    for kind in ["ArXiv", "DOI", "ACL", "CorpusId"] {
        match record.external_ids.get(kind) {
            Some(serde_json::Value::String(s)) => keys.push((kind, s.to_ascii_lowercase())),
            Some(serde_json::Value::Number(n)) => keys.push((kind, n.to_string())),
            _ => {}
        }
    }
    keys
}

/// Resolution against the records of a snapshot: the same decisions as against the API.
struct SnapshotSource<'a> {
    records: &'a [PaperRecord],
}

impl Source for SnapshotSource<'_> {
    async fn lookup_ids(&mut self, ids: &[String]) -> Result<Answers> {
        let mut wanted: HashMap<(&'static str, String), Vec<&String>> = HashMap::new();
        for id in ids {
            let key = if id.len() == 40 && id.chars().all(|c| c.is_ascii_hexdigit()) {
                Some(("paperId", id.to_ascii_lowercase()))
            } else {
                id_keys(id)
            };
            if let Some(key) = key {
                wanted.entry(key).or_default().push(id);
            }
        }
        let hits: Vec<(usize, &String)> = self
            .records
            .par_iter()
            .enumerate()
            .flat_map_iter(|(index, record)| {
                record_keys(record)
                    .into_iter()
                    .filter_map(|key| wanted.get(&key))
                    .flatten()
                    .map(move |id| (index, *id))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut answers: Answers = ids.iter().map(|id| (id.clone(), Answer::Unknown)).collect();
        // The first record in file order wins when several carry one id.
        for (index, id) in hits.into_iter().rev() {
            answers.insert(
                id.clone(),
                Answer::Found(Box::new(fetch::lite(self.records[index].clone()))),
            );
        }
        Ok(answers)
    }

    async fn match_titles(&mut self, queries: &[TitleQuery]) -> Result<Answers> {
        let wanted: HashSet<&str> = queries.iter().map(|q| q.normalized.as_str()).collect();
        let hits: Vec<(usize, String)> = self
            .records
            .par_iter()
            .enumerate()
            .filter_map(|(index, record)| {
                let title = normalize_title(record.title.as_deref()?);
                wanted.contains(title.as_str()).then_some((index, title))
            })
            .collect();
        let mut answers: Answers = queries
            .iter()
            .map(|q| (q.normalized.clone(), Answer::Unknown))
            .collect();
        for (index, title) in hits.into_iter().rev() {
            answers.insert(
                title,
                Answer::Found(Box::new(fetch::lite(self.records[index].clone()))),
            );
        }
        Ok(answers)
    }
}

/// The corpus of a snapshot: the catalogue resolved against its records (ids, then normalized
/// titles), and every record of the file, so that `--scope all` sees every edge.
pub(crate) fn corpus(catalog: &Catalog, path: &Path, options: &FetchOptions) -> Result<Corpus> {
    let policy = ListPolicy::from_options(options);
    let records = load(path)?;
    tracing::info!("{}: {} records", path.display(), records.len());
    let resolved = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the async runtime")?
        .block_on(resolve::resolve(
            catalog,
            &mut SnapshotSource { records: &records },
        ))?;
    let mut records = records;
    records
        .par_iter_mut()
        .for_each(|record| fetch::apply_policy(record, &policy));
    let wanted: HashSet<&str> = resolved
        .iter()
        .filter_map(|r| r.record.as_ref().map(|found| found.paper_id.as_str()))
        .collect();
    let positions: HashMap<String, usize> = records
        .iter()
        .enumerate()
        .filter(|(_, record)| wanted.contains(record.paper_id.as_str()))
        .map(|(index, record)| (record.paper_id.clone(), index))
        .collect();
    let mut taken = vec![false; records.len()];
    let take = |id: &str| {
        let index = *positions.get(id)?;
        taken[index] = true;
        Some(std::mem::take(&mut records[index]))
    };
    let mut corpus = fetch::assemble(resolved, take, &policy, 0);
    // The catalogue's records come first (in catalogue order), then every other line in file
    // order.
    corpus.records.extend(
        records
            .into_iter()
            .zip(taken)
            .filter(|(_, taken)| !taken)
            .map(|(record, _)| record),
    );
    Ok(corpus)
}

/// Writes every cached record to `file`, one JSON line each, sorted by paperId.
pub(crate) fn export(cache_dir: &Path, file: &Path) -> Result<usize> {
    let cache = Cache::new(cache_dir);
    let files = cache.files(PAPERS);
    let read: Vec<std::result::Result<PaperRecord, String>> = files
        .par_iter()
        .map(|path| Cache::read_file::<CachedPaper>(path).map(|entry| entry.body.record))
        .collect();
    let mut records = Vec::with_capacity(read.len());
    for record in read {
        match record {
            Ok(record) => records.push(record),
            Err(reason) => tracing::warn!("corrupt cache file left out of the snapshot: {reason}"),
        }
    }
    if records.is_empty() {
        anyhow::bail!(
            "no records in the cache under {}: run `citegraph fetch` first (with the same --cache-dir)",
            cache_dir.display()
        );
    }
    records.sort_by(|a, b| a.paper_id.cmp(&b.paper_id));
    let mut out = Vec::new();
    for record in &records {
        serde_json::to_writer(&mut out, record).context("cannot encode a record")?;
        out.push(b'\n');
    }
    crate::fsutil::write_atomic(file, &out)
        .with_context(|| format!("cannot write the snapshot {}", file.display()))?;
    Ok(records.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_ids_name_the_paper() {
        assert_eq!(
            url_key("https://arxiv.org/abs/2106.15928v1"),
            Some(("ArXiv", "2106.15928".into()))
        );
        assert_eq!(
            url_key("https://arxiv.org/pdf/2106.15928.pdf"),
            Some(("ArXiv", "2106.15928".into()))
        );
        assert_eq!(
            url_key("https://aclanthology.org/2023.emnlp-main.825.pdf"),
            Some(("ACL", "2023.emnlp-main.825".into()))
        );
        assert_eq!(
            url_key("https://dl.acm.org/doi/abs/10.1145/3581783.3612345"),
            Some(("DOI", "10.1145/3581783.3612345".into()))
        );
        assert_eq!(url_key("https://openreview.net/forum?id=x"), None);
        assert_eq!(
            id_keys("DOI:10.1145/ABC"),
            Some(("DOI", "10.1145/abc".into()))
        );
    }

    #[test]
    fn load_reports_the_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        std::fs::write(
            &path,
            "{\"paperId\": \"a\"}\n\n{\"paperId\": \"b\", \"year\": \"x\"}\n",
        )
        .unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("s.jsonl:3"), "{err}");
        std::fs::write(
            &path,
            "{\"paperId\": \"a\"}\n{\"paperId\": \"a\"}\n{\"paperId\": \"b\"}",
        )
        .unwrap();
        let records = load(&path).unwrap();
        assert_eq!(records.len(), 2);
    }
}
