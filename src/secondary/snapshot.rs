//! Snapshots of a secondary source's answers (README, "Sources"): what OpenAlex or
//! OpenCitations answered for a catalogue, as JSON Lines, one catalogue paper a line, so that a
//! run's answers can be carried to another machine and read there without asking the source.
//!
//! A line is a [`SourceLists`] with the source's name beside it:
//! `{"source":"openalex","key":"<catalogue key>","ids":[…],"references":[<Link>…],
//! "citations":[…],"retracted":false,…}`. `snapshot export FILE --source openalex` writes one
//! ([`export`]); `snapshot import FILE` keeps its lines in the cache (`CACHE/<source>/imported/`,
//! [`import`]), where `--offline` runs and `analyze` find them ([`imported`]); a run given
//! `--source-snapshot openalex=FILE` reads the file instead of asking the source ([`load`]).

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::cache::{Cache, Read};
use crate::records::{Gap, Source, SourceCorpus, SourceLists, Wanted};

/// Bumped when a line's layout changes.
const IMPORT_VERSION: &str = "v1";

/// Malformed lines reported one by one; beyond these, only counted.
const SHOWN_BAD_LINES: usize = 20;

/// One line of a secondary snapshot: the source, and its answer for one catalogue paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceLine {
    /// The source that answered (`openalex`, `opencitations`).
    pub source: Source,
    #[serde(flatten)]
    pub lists: SourceLists,
}

/// The cache namespace of a source's imported answers (`openalex/imported`).
fn namespace(source: Source) -> String {
    format!("{}/imported", source.as_str())
}

/// The cache request of a catalogue paper's imported answer.
fn request(key: &str) -> String {
    format!("{IMPORT_VERSION} imported {key}")
}

/// The source a snapshot file holds, from its first non-blank line's `source` field: `None` for
/// a Semantic Scholar snapshot (records have no such field) or a file whose first line is not
/// JSON. Errors: the file cannot be read.
pub fn sniff(path: &Path) -> Result<Option<Source>> {
    use std::io::BufRead;
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open the snapshot {}", path.display()))?;
    for line in std::io::BufReader::new(file).lines() {
        let line = line.with_context(|| format!("cannot read the snapshot {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        #[derive(Deserialize)]
        struct Head {
            source: Option<String>,
        }
        return Ok(serde_json::from_str::<Head>(&line)
            .ok()
            .and_then(|head| head.source)
            .and_then(|name| Source::parse(&name))
            .filter(|source| *source != Source::S2));
    }
    Ok(None)
}

/// Reads a secondary snapshot of `source`: each catalogue paper's answer, in file order. A line
/// that is not an answer of `source` (broken JSON, another source's line, no `key`) is reported
/// with file, line and reason and skipped; the rest is read. A paper listed twice keeps its
/// first line. Errors: the file cannot be read, or no line of it is an answer of `source`.
pub fn load(path: &Path, source: Source) -> Result<Vec<SourceLists>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the {} snapshot {} (give a JSON Lines file written by `citegraph snapshot export FILE --source {}`)",
            source.as_str(),
            path.display(),
            source.as_str()
        )
    })?;
    let mut lists: Vec<SourceLists> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut bad = 0usize;
    let mut report = |number: usize, reason: String| {
        bad += 1;
        if bad <= SHOWN_BAD_LINES {
            tracing::warn!("{}:{number}: skipped: {reason}", path.display());
        }
    };
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let parsed: SourceLine = match serde_json::from_str(line) {
            Ok(parsed) => parsed,
            Err(err) => {
                report(number, format!("not an answer of a source ({err})"));
                continue;
            }
        };
        if parsed.source != source {
            report(
                number,
                format!(
                    "an answer of {}, not of {}",
                    parsed.source.as_str(),
                    source.as_str()
                ),
            );
            continue;
        }
        if parsed.lists.key.trim().is_empty() {
            report(number, "no catalogue key".to_string());
            continue;
        }
        if !seen.insert(parsed.lists.key.clone()) {
            report(
                number,
                format!(
                    "{} is listed before: the first line is kept",
                    parsed.lists.key
                ),
            );
            continue;
        }
        lists.push(parsed.lists);
    }
    if bad > 0 {
        tracing::warn!(
            "{}: {} skipped in all; every other line was read",
            path.display(),
            crate::text::count(bad, "line")
        );
    }
    if lists.is_empty() {
        anyhow::bail!(
            "{}: no line is an answer of {} (is it a snapshot written by `citegraph snapshot export FILE --source {}`?)",
            path.display(),
            source.as_str(),
            source.as_str()
        );
    }
    Ok(lists)
}

/// The answer of `source` for the `wanted` papers from a snapshot's `lists`: one
/// [`SourceLists`] per paper asked (every one, or the thin ones when `fill_only`), in order, and
/// no request. A paper the snapshot lacks gets [`Gap::NotCached`] and a note.
pub fn answer(
    source: Source,
    lists: &[SourceLists],
    wanted: &[Wanted],
    fill_only: bool,
) -> SourceCorpus {
    let by_key: std::collections::HashMap<&str, &SourceLists> =
        lists.iter().map(|l| (l.key.as_str(), l)).collect();
    SourceCorpus {
        source: Some(source),
        lists: wanted
            .iter()
            .filter(|w| !fill_only || w.thin.is_some())
            .map(|w| match by_key.get(w.key.as_str()) {
                Some(found) => (*found).clone(),
                None => SourceLists {
                    key: w.key.clone(),
                    note: Some(format!("not in the {} snapshot", source.as_str())),
                    gap: Gap::NotCached,
                    ..SourceLists::default()
                },
            })
            .collect(),
        requests: 0,
    }
}

/// Keeps each line of a secondary snapshot in the cache (`CACHE/<source>/imported/`), where
/// [`imported`] finds it for `--offline` runs and `analyze`. Returns the source and the
/// catalogue papers imported. Errors: the file cannot be read or holds no answer (see [`load`]),
/// the cache cannot be written.
pub fn import(path: &Path, source: Source, cache_dir: &Path) -> Result<usize> {
    let lists = load(path, source)?;
    let cache = Cache::new(cache_dir);
    for lists in &lists {
        cache.put(&namespace(source), &request(&lists.key), lists)?;
    }
    Ok(lists.len())
}

/// Fills, from the imported answers in the cache, each list of `corpus` the cache of the
/// source's own requests lacked ([`Gap::NotCached`]): an offline run or `analyze` after
/// `snapshot import`. Returns the lists filled.
pub fn fill_from_imported(corpus: &mut SourceCorpus, cache_dir: &Path) -> usize {
    let Some(source) = corpus.source else {
        return 0;
    };
    let mut filled = 0;
    for lists in corpus.lists.iter_mut().filter(|l| l.gap == Gap::NotCached) {
        if let Some(found) = imported(cache_dir, source, &lists.key) {
            *lists = found;
            filled += 1;
        }
    }
    filled
}

/// The imported answer of `source` for the catalogue paper `key`, if `snapshot import` kept one.
pub fn imported(cache_dir: &Path, source: Source, key: &str) -> Option<SourceLists> {
    match Cache::new(cache_dir).get::<SourceLists>(&namespace(source), &request(key), None) {
        Ok(Read::Hit(entry)) => Some(entry.body),
        Ok(Read::Corrupt(reason)) => {
            tracing::warn!("ignoring a broken cache file: {reason}");
            None
        }
        Ok(_) => None,
        Err(err) => {
            tracing::warn!("{err}");
            None
        }
    }
}

/// Writes `corpus` (a source's answers read from the cache) to `file` as JSON Lines, one
/// catalogue paper a line, leaving out the papers the cache holds nothing of (never asked); a
/// paper of which it holds one list but not the other is written without the `not cached` gap.
/// Returns the lines written. Errors: nothing to write (no answer in the cache: run with
/// `--sources` naming the source first), the file cannot be written (nothing half-written).
pub fn export(corpus: &SourceCorpus, file: &Path) -> Result<usize> {
    let source = corpus
        .source
        .context("a source's answers without the source's name")?;
    let mut out = Vec::new();
    let mut written = 0;
    for lists in &corpus.lists {
        // Never asked: nothing in the cache, or nothing the source could be asked by (a paper
        // without a DOI is not an answer of OpenCitations).
        let nothing = lists.ids.is_empty()
            && lists.references.is_none()
            && lists.citations.is_none()
            && (lists.gap == Gap::NotCached
                || lists.note.as_deref() == Some(crate::opencitations::NO_DOI));
        if nothing {
            continue;
        }
        let mut lists = lists.clone();
        // A list the cache lacks is no answer: the line carries what the cache holds, and an
        // import must not turn what this machine never asked into a gap of the next run (nor
        // keep a note about a list never in scope).
        if lists.gap == Gap::NotCached {
            lists.gap = Gap::None;
            lists.note = lists.note.as_deref().and_then(without_not_cached);
        }
        let line = SourceLine { source, lists };
        serde_json::to_writer(&mut out, &line).context("cannot encode an answer")?;
        out.push(b'\n');
        written += 1;
    }
    if written == 0 {
        anyhow::bail!(
            "the cache holds no answer of {} for this catalogue: run `citegraph fetch --sources s2,{}` first (with the same --cache-dir and catalogue)",
            source.as_str(),
            source.as_str()
        );
    }
    crate::fsutil::write_atomic(file, &out)
        .with_context(|| format!("cannot write the snapshot {}", file.display()))?;
    Ok(written)
}

/// A note without its parts about lists the cache lacks (`citations of doi:… not cached`,
/// `citers not read: not in the cache (offline)`); `None` when nothing else is left.
fn without_not_cached(note: &str) -> Option<String> {
    let kept: Vec<&str> = note
        .split("; ")
        .filter(|part| {
            !part.ends_with(" not cached") && !part.ends_with("not in the cache (offline)")
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_round_trips_and_its_bad_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let lists = SourceLists {
            key: "a".into(),
            ids: vec!["openalex:W1".into()],
            references: Some(vec![crate::records::Link {
                paper_id: Some("openalex:W2".into()),
                ..Default::default()
            }]),
            retracted: true,
            ..Default::default()
        };
        let corpus = SourceCorpus {
            source: Some(Source::OpenAlex),
            lists: vec![
                lists.clone(),
                SourceLists {
                    key: "never-asked".into(),
                    gap: Gap::NotCached,
                    ..Default::default()
                },
            ],
            requests: 0,
        };
        let file = dir.path().join("oa.jsonl");
        assert_eq!(export(&corpus, &file).unwrap(), 1);
        assert_eq!(sniff(&file).unwrap(), Some(Source::OpenAlex));
        let mut text = std::fs::read_to_string(&file).unwrap();
        text.push_str(
            "{\"source\":\"opencitations\",\"key\":\"b\",\"ids\":[],\"retracted\":false}\n",
        );
        text.push_str(
            "{broken\n\n{\"source\":\"openalex\",\"key\":\"\",\"ids\":[],\"retracted\":false}\n",
        );
        text.push_str("{\"source\":\"openalex\",\"key\":\"c\",\"ids\":[],\"retracted\":false}\n");
        std::fs::write(&file, text).unwrap();
        let read = load(&file, Source::OpenAlex).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0], lists);
        assert_eq!(read[1].key, "c");
        assert!(load(&file, Source::OpenCitations).is_ok());

        let cache = dir.path().join("cache");
        assert_eq!(import(&file, Source::OpenAlex, &cache).unwrap(), 2);
        let mut offline = SourceCorpus {
            source: Some(Source::OpenAlex),
            lists: vec![SourceLists {
                key: "a".into(),
                gap: Gap::NotCached,
                ..Default::default()
            }],
            requests: 0,
        };
        assert_eq!(fill_from_imported(&mut offline, &cache), 1);
        assert_eq!(offline.lists[0], lists);
    }

    #[test]
    fn a_paper_the_snapshot_lacks_is_not_cached() {
        let wanted = vec![
            Wanted {
                key: "a".into(),
                thin: Some(crate::records::Thin::References),
                ..Default::default()
            },
            Wanted {
                key: "b".into(),
                ..Default::default()
            },
        ];
        let found = answer(Source::OpenCitations, &[], &wanted, false);
        assert_eq!(found.lists.len(), 2);
        assert!(found.lists.iter().all(|l| l.gap == Gap::NotCached));
        assert_eq!(
            answer(Source::OpenCitations, &[], &wanted, true)
                .lists
                .len(),
            1
        );
    }
}
