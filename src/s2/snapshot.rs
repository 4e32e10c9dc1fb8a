//! Snapshots: records as JSON Lines, one paper a line, in the form of the shared world.jsonl.
//! `snapshot export` writes every cached record; `--snapshot FILE` reads one instead of the API.
//!
//! Reading is built for a million papers and ten million references: lines are streamed in
//! chunks by one thread while rayon parses the previous chunk on the others, and resolution
//! scans the records once for the few ids and titles the catalogue needs instead of indexing
//! every paper.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::fetch::{self, CachedPaper, ListPolicy, PAPERS};
use super::resolve::{self, normalize_title, Answer, Answers, Source, TitleQuery};
use super::{Corpus, FetchOptions, PaperRecord};
use crate::cache::Cache;
use crate::catalog::Catalog;

/// Bytes read at once: whole lines, parsed in parallel while the next block is read.
const BLOCK_BYTES: usize = 8 << 20;

/// Reads every record of a snapshot. A line that is not a record is an error naming the file
/// and line: a snapshot is meant to reproduce figures exactly, so it is never half-read.
/// Blank lines are skipped; a paper listed twice keeps its first line (reported).
pub(crate) fn load(path: &Path) -> Result<Vec<PaperRecord>> {
    let mut file = std::fs::File::open(path).with_context(|| {
        format!(
            "cannot open the snapshot {} (give a JSON Lines file written by `citegraph snapshot export`)",
            path.display()
        )
    })?;
    // One block in flight while the previous one is parsed.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(1);
    let mut records = Vec::new();
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            let mut carry: Vec<u8> = Vec::new();
            loop {
                let mut block = std::mem::take(&mut carry);
                let start = block.len();
                block.resize(start + BLOCK_BYTES, 0);
                let read = match read_full(&mut file, &mut block[start..]) {
                    Ok(read) => read,
                    Err(err) => {
                        let _ = sender.send(Err(err));
                        return;
                    }
                };
                block.truncate(start + read);
                let end_of_file = read < BLOCK_BYTES;
                if !end_of_file {
                    // Whole lines only: the tail after the last newline starts the next block
                    // (all of it, when one line is longer than a block).
                    let cut = block
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |last| last + 1);
                    carry = block.split_off(cut);
                }
                if !block.is_empty() && sender.send(Ok(block)).is_err() {
                    return;
                }
                if end_of_file {
                    return;
                }
            }
        });
        let mut first_line = 1usize;
        for block in receiver {
            let block =
                block.with_context(|| format!("cannot read the snapshot {}", path.display()))?;
            let lines: Vec<&[u8]> = block.split(|&b| b == b'\n').collect();
            let parsed: Vec<Result<Option<PaperRecord>>> = lines
                .par_iter()
                .enumerate()
                .map(|(i, line)| {
                    if line.iter().all(u8::is_ascii_whitespace) {
                        return Ok(None);
                    }
                    let record = serde_json::from_slice::<PaperRecord>(line).map_err(|err| {
                        anyhow::anyhow!(
                            "{}:{}: not a paper record ({err}); a snapshot has one JSON paper a line",
                            path.display(),
                            first_line + i
                        )
                    })?;
                    Ok(Some(compact(record)))
                })
                .collect();
            // A block ends with a newline (but the last), which splits off one empty piece.
            first_line += lines.len() - usize::from(block.ends_with(b"\n"));
            for record in parsed {
                if let Some(record) = record? {
                    records.push(record);
                }
            }
        }
        Ok(())
    })?;
    records.shrink_to_fit();
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

/// Lists grown by doubling while parsed hold up to twice their items: at ten million links the
/// slack is worth a gigabyte.
fn compact(mut record: PaperRecord) -> PaperRecord {
    for list in [&mut record.references, &mut record.citations]
        .into_iter()
        .flatten()
    {
        list.shrink_to_fit();
    }
    record.authors.shrink_to_fit();
    record
}

/// Fills `buf` as far as the file allows; returns the bytes read (less than `buf` at the end).
fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
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
    // The catalogue's records first (in catalogue order), then every other line in file order,
    // moved in place: at a million records a second vector would double the memory.
    let mut index = 0;
    records.retain(|_| {
        index += 1;
        !taken[index - 1]
    });
    let catalogue = std::mem::take(&mut corpus.records);
    records.splice(0..0, catalogue);
    corpus.records = records;
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
