//! Snapshots: records as JSON Lines, one paper a line, in the form of the shared world.jsonl.
//! `snapshot export` writes every cached record; `--snapshot FILE` reads one instead of the API.
//!
//! Reading is built for a million papers and ten million references: one thread reads the file
//! in blocks of whole lines while rayon parses the previous block, each line straight into
//! compact form ([`CompactRecords`]: interned ids, a byte of flags a link, strings in one
//! arena). Resolution scans those for the few ids and titles the catalogue needs; the records it
//! finds are read again from their lines in full, so the catalogue's papers reach the analysis
//! as the same `PaperRecord`s the API gives, and every other line stays compact.

use std::collections::HashMap;
use std::io::{BufRead, Read, Seek};
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::policy::{self, id_request, title_request, CachedPaper, ListPolicy, LOOKUPS, PAPERS};
use super::resolve::{self, normalize_title, Answer, Answers, Source, TitleQuery};
use super::FetchOptions;
use crate::cache::Cache;
use crate::catalog::Catalog;
use crate::records::compact::{parse_line, CompactBuilder, CompactRecords, ParsedChunk, RecordRef};
use crate::records::{Corpus, PaperRecord};

/// Bytes read at once: whole lines, parsed in parallel while the next block is read.
const BLOCK_BYTES: usize = 8 << 20;

/// Lines a rayon task parses into one chunk.
const CHUNK_LINES: usize = 256;

/// A snapshot read in compact form.
pub(crate) struct Snapshot {
    pub records: CompactRecords,
    /// Byte offset of each record's line, to read it again in full.
    lines: Vec<u64>,
}

/// Reads every record of a snapshot, keeping at most `max_citations` citations a record. A line
/// that is not a record (cut short by a crash, edited by hand, another file's) is reported with
/// file, line and reason, skipped, and counted in a closing warning: the rest of the snapshot is
/// still read, as a malformed catalogue line is. Blank lines are skipped; a paper listed twice
/// keeps its first line (reported).
pub(crate) fn load(path: &Path, max_citations: usize) -> Result<Snapshot> {
    let mut file = std::fs::File::open(path).with_context(|| {
        format!(
            "cannot open the snapshot {} (give a JSON Lines file written by `citegraph snapshot export`)",
            path.display()
        )
    })?;
    // One block in flight while the previous one is parsed.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(1);
    let mut builder = CompactBuilder::default();
    let mut bad_lines = 0usize;
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
                    let cut = memchr::memrchr(b'\n', &block).map_or(0, |last| last + 1);
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
        let mut offset = 0u64;
        // The chunks of the previous block: interned (in order, on one thread) while the next
        // block is parsed.
        let mut pending: Vec<ParsedLines> = Vec::new();
        for block in receiver {
            let block =
                block.with_context(|| format!("cannot read the snapshot {}", path.display()))?;
            // (line number, byte offset, bytes) of each line of the block.
            let mut lines: Vec<(usize, u64, &[u8])> = Vec::new();
            let mut start = 0usize;
            let ends = memchr::memchr_iter(b'\n', &block).chain(std::iter::once(block.len()));
            for (i, end) in ends.enumerate() {
                lines.push((first_line + i, offset + start as u64, &block[start..end]));
                start = end + 1;
            }
            // A block ends with a newline (but the last), which splits off one empty piece.
            first_line += lines.len() - usize::from(block.ends_with(b"\n"));
            offset += block.len() as u64;
            let previous = std::mem::take(&mut pending);
            let (parsed, ()) = rayon::join(
                || parse_lines(path, &lines, max_citations),
                || append(&mut builder, &mut bad_lines, previous),
            );
            pending = parsed;
        }
        append(&mut builder, &mut bad_lines, pending);
        Ok(())
    })?;
    if bad_lines > SHOWN_BAD_LINES {
        tracing::warn!(
            "{}: {} more lines were not paper records and were skipped as well",
            path.display(),
            bad_lines - SHOWN_BAD_LINES
        );
    }
    if bad_lines > 0 {
        tracing::warn!(
            "{}: {} skipped in all (not paper records); every other line was read",
            path.display(),
            crate::text::count(bad_lines, "line")
        );
    }
    let (records, lines, duplicates) = builder.finish();
    if duplicates > 0 {
        tracing::warn!(
            "{}: {duplicates} papers listed more than once; each kept once (first line)",
            path.display()
        );
    }
    Ok(Snapshot { records, lines })
}

/// Malformed lines reported one by one; beyond these, only counted.
const SHOWN_BAD_LINES: usize = 20;

/// A chunk of parsed lines, and the message for each line that was not a record.
type ParsedLines = (ParsedChunk, Vec<String>);

/// Parses `lines` (line number, byte offset, bytes) into chunks, in parallel.
fn parse_lines(
    path: &Path,
    lines: &[(usize, u64, &[u8])],
    max_citations: usize,
) -> Vec<ParsedLines> {
    lines
        .par_chunks(CHUNK_LINES)
        .map(|lines| {
            let mut chunk = ParsedChunk::default();
            let mut bad = Vec::new();
            for &(number, at, line) in lines {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                // A failed line leaves `chunk` as it was: parsing it is the first step.
                if let Err(err) = parse_line(line, at, max_citations, &mut chunk) {
                    bad.push(format!(
                        "{}:{number}: not a paper record ({err}); line skipped (a snapshot has one JSON paper a line)",
                        path.display()
                    ));
                }
            }
            (chunk, bad)
        })
        .collect()
}

/// Appends parsed chunks in order, reporting their bad lines (the first few) and counting them.
fn append(builder: &mut CompactBuilder, bad_lines: &mut usize, chunks: Vec<ParsedLines>) {
    for (chunk, bad) in chunks {
        for message in bad {
            *bad_lines += 1;
            if *bad_lines <= SHOWN_BAD_LINES {
                tracing::warn!("{message}");
            }
        }
        builder.append(chunk);
    }
}

impl Snapshot {
    /// Record `index` read again from its line, in full.
    fn read_record(&self, path: &Path, index: usize) -> Result<PaperRecord> {
        let offset = *self
            .lines
            .get(index)
            .with_context(|| format!("no record {index} in {}", path.display()))?;
        let changed = || {
            format!(
                "cannot read the line at byte {offset} of the snapshot {} again: it changed while \
                 it was read; run again",
                path.display()
            )
        };
        let mut file = std::io::BufReader::new(std::fs::File::open(path).with_context(changed)?);
        file.seek(std::io::SeekFrom::Start(offset))
            .with_context(changed)?;
        let mut line = Vec::new();
        file.read_until(b'\n', &mut line).with_context(changed)?;
        serde_json::from_slice(&line).with_context(changed)
    }
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

/// The ways an id query names a paper, as keys comparable with a record's ids: `(kind, value)`
/// with kind `ArXiv`, `DOI`, `ACL`, `CorpusId` or `paperId` and the value lower-cased.
pub(crate) fn id_keys(query: &str) -> Option<(&'static str, String)> {
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
fn record_keys(record: &RecordRef<'_>) -> Vec<(&'static str, String)> {
    let mut keys = vec![("paperId", record.raw_id().to_ascii_lowercase())];
    let ids = record.metadata().external_ids;
    for kind in ["ArXiv", "DOI", "ACL", "CorpusId"] {
        if let Some((_, value)) = ids.iter().find(|(name, _)| *name == kind) {
            keys.push((kind, value.to_ascii_lowercase()));
        }
    }
    keys
}

/// Resolution against the records of a snapshot: the same decisions as against the API.
struct SnapshotSource<'a> {
    path: &'a Path,
    snapshot: &'a Snapshot,
    /// The record index of each record handed out, by paper id as written.
    found: HashMap<String, usize>,
}

impl SnapshotSource<'_> {
    /// The record of the first line (in file order) of each hit, without its lists.
    fn answers<K: Clone + Eq + std::hash::Hash>(
        &mut self,
        keys: impl IntoIterator<Item = K>,
        hits: Vec<(usize, K)>,
    ) -> Result<HashMap<K, Answer>> {
        let mut first: HashMap<K, usize> = HashMap::new();
        for (index, key) in hits {
            let slot = first.entry(key).or_insert(index);
            *slot = (*slot).min(index);
        }
        let mut answers: HashMap<K, Answer> =
            keys.into_iter().map(|key| (key, Answer::Unknown)).collect();
        let mut read: HashMap<usize, PaperRecord> = HashMap::new();
        for (key, index) in first {
            if let std::collections::hash_map::Entry::Vacant(slot) = read.entry(index) {
                let record = self.snapshot.read_record(self.path, index)?;
                self.found.insert(record.paper_id.clone(), index);
                slot.insert(policy::lite(record));
            }
            if let Some(record) = read.get(&index) {
                answers.insert(key, Answer::Found(Box::new(record.clone())));
            }
        }
        Ok(answers)
    }
}

impl Source for SnapshotSource<'_> {
    fn searched(&self) -> &'static str {
        "the snapshot"
    }

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
        let records = &self.snapshot.records;
        let hits: Vec<(usize, String)> = (0..records.file_records())
            .into_par_iter()
            .flat_map_iter(|index| {
                record_keys(&records.record(index))
                    .into_iter()
                    .filter_map(|key| wanted.get(&key))
                    .flatten()
                    .map(move |id| (index, (*id).clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        self.answers(ids.iter().cloned(), hits)
    }

    async fn match_titles(&mut self, queries: &[TitleQuery]) -> Result<Answers> {
        let wanted: std::collections::HashSet<&str> =
            queries.iter().map(|q| q.normalized.as_str()).collect();
        let records = &self.snapshot.records;
        let hits: Vec<(usize, String)> = (0..records.file_records())
            .into_par_iter()
            .filter_map(|index| {
                let title = normalize_title(records.record(index).metadata().title?);
                wanted.contains(title.as_str()).then_some((index, title))
            })
            .collect();
        self.answers(queries.iter().map(|q| q.normalized.clone()), hits)
    }
}

/// The corpus of a snapshot: the catalogue resolved against its records (ids, then normalized
/// titles); the catalogue's records in full, and every other line in compact form, so that
/// `--scope all` sees every edge.
pub(crate) fn corpus(catalog: &Catalog, path: &Path, options: &FetchOptions) -> Result<Corpus> {
    let policy = ListPolicy::from_options(options);
    let max_citations = match (policy.citations, policy.max_citations) {
        (false, _) => 0,
        (true, max) => max.unwrap_or(usize::MAX),
    };
    let started = std::time::Instant::now();
    let mut snapshot = load(path, max_citations)?;
    tracing::info!("{}: {} records", path.display(), snapshot.records.len());
    tracing::debug!("snapshot read in {:.1?}", started.elapsed());
    let mut source = SnapshotSource {
        path,
        snapshot: &snapshot,
        found: HashMap::new(),
    };
    let resolved = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the async runtime")?
        .block_on(resolve::resolve(catalog, &mut source))?;
    let found = source.found;
    let mut taken = Vec::new();
    let mut failed = None;
    let take = |id: &str| {
        let index = *found.get(id)?;
        match snapshot.read_record(path, index) {
            Ok(mut record) => {
                policy::apply_policy(&mut record, &policy);
                taken.push(index);
                Some(record)
            }
            Err(err) => {
                failed.get_or_insert(err);
                None
            }
        }
    };
    let mut corpus = policy::assemble(resolved, take, &policy, 0);
    if let Some(err) = failed {
        return Err(err);
    }
    for index in taken {
        snapshot.records.take(index);
    }
    corpus.others = snapshot.records;
    tracing::debug!("snapshot resolved at {:.1?}", started.elapsed());
    Ok(corpus)
}

/// What `snapshot import` put into the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Imported {
    /// Catalogue papers' records, with their lists.
    pub records: usize,
    /// Id and title lookups the catalogue asks, answered by the snapshot.
    pub lookups: usize,
}

/// A resolution source that remembers what the snapshot answered, to keep it in the cache.
struct Recording<'a> {
    inner: SnapshotSource<'a>,
    found: Vec<(String, PaperRecord)>,
}

impl Source for Recording<'_> {
    fn searched(&self) -> &'static str {
        self.inner.searched()
    }

    async fn lookup_ids(&mut self, ids: &[String]) -> Result<Answers> {
        let answers = self.inner.lookup_ids(ids).await?;
        for (id, answer) in &answers {
            if let Answer::Found(record) = answer {
                self.found.push((id_request(id), (**record).clone()));
            }
        }
        Ok(answers)
    }

    async fn match_titles(&mut self, queries: &[TitleQuery]) -> Result<Answers> {
        let answers = self.inner.match_titles(queries).await?;
        for (normalized, answer) in &answers {
            if let Answer::Found(record) = answer {
                self.found
                    .push((title_request(normalized), (**record).clone()));
            }
        }
        Ok(answers)
    }
}

/// Fills the cache from a snapshot: the catalogue is resolved against the snapshot's records
/// (as `--snapshot` does), and every answer found is kept as the fetch would keep it, so that
/// `fetch --offline` and `analyze` (which read the cache) find the same records afterwards.
/// Imported records count as complete (link details, every citation), and their links are
/// described (title, year, ids, citation count) from the snapshot's other lines, as the API's
/// pages would describe them. Ids or titles the snapshot does not know are not cached: the API
/// may still know them.
pub(crate) fn import(catalog: &Catalog, path: &Path, cache_dir: &Path) -> Result<Imported> {
    let snapshot = load(path, usize::MAX)?;
    let mut source = Recording {
        inner: SnapshotSource {
            path,
            snapshot: &snapshot,
            found: HashMap::new(),
        },
        found: Vec::new(),
    };
    let resolved = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the async runtime")?
        .block_on(resolve::resolve(catalog, &mut source))?;
    // What the snapshot's other lines say about each paper, to describe the imported records'
    // links as the API's pages would (title, year, ids, citation count): a lean snapshot's
    // catalogue lines carry only the linked papers' ids.
    let described: HashMap<String, usize> = (0..snapshot.records.file_records())
        .map(|index| (snapshot.records.record(index).raw_id(), index))
        .collect();
    let describe = |link: &mut crate::records::Link| {
        let Some(index) = link.paper_id.as_ref().and_then(|id| described.get(id)) else {
            return;
        };
        let meta = snapshot.records.record(*index).metadata();
        if link.title.is_none() {
            link.title = meta.title.map(str::to_string);
        }
        if link.year.is_none() {
            link.year = meta.year;
        }
        if link.citation_count.is_none() {
            link.citation_count = meta.citation_count;
        }
        if link.external_ids.is_empty() {
            link.external_ids = meta
                .external_ids
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
                .collect();
        }
    };
    let cache = Cache::new(cache_dir);
    let mut imported = Imported::default();
    for (request, record) in &source.found {
        cache.put(LOOKUPS, request, &Some(record))?;
        imported.lookups += 1;
    }
    let mut stored = std::collections::HashSet::new();
    for outcome in resolved {
        let Some(found) = outcome.record else {
            continue;
        };
        let Some(&index) = source.inner.found.get(&found.paper_id) else {
            continue;
        };
        if !stored.insert(index) {
            continue;
        }
        let mut record = snapshot.read_record(path, index)?;
        for links in [record.references.as_mut(), record.citations.as_mut()]
            .into_iter()
            .flatten()
        {
            links.iter_mut().for_each(describe);
        }
        let paper = CachedPaper {
            record,
            link_details: true,
            citations_limit: None,
            // The snapshot does not say when it was taken.
            citations_as_of: None,
        };
        cache.put(
            PAPERS,
            &policy::paper_request(&paper.record.paper_id),
            &paper,
        )?;
        imported.records += 1;
    }
    if imported.records == 0 {
        anyhow::bail!(
            "{}: no record of the snapshot matches a catalogue paper, nothing was imported (is it the snapshot of this catalogue? check --catalog)",
            path.display()
        );
    }
    Ok(imported)
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
    fn load_skips_a_bad_line_and_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        std::fs::write(
            &path,
            "{\"paperId\": \"a\"}\n\n{\"paperId\": \"b\", \"year\": \"x\"}\n{\"paperId\": \"c\"}\n{\"paperId\": \"d\", \"ti",
        )
        .unwrap();
        let snapshot = load(&path, usize::MAX).unwrap();
        assert_eq!(snapshot.records.len(), 2);
        assert_eq!(snapshot.read_record(&path, 1).unwrap().paper_id, "c");
        std::fs::write(
            &path,
            "{\"paperId\": \"a\"}\n{\"paperId\": \"a\"}\n{\"paperId\": \"b\"}",
        )
        .unwrap();
        let snapshot = load(&path, usize::MAX).unwrap();
        assert_eq!(snapshot.records.len(), 2);
        // Each record reads back in full from its line.
        let b = snapshot.read_record(&path, 1).unwrap();
        assert_eq!(b.paper_id, "b");
    }
}
