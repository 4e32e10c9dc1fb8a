//! Records in compact form: what a snapshot of a million papers and ten million references
//! keeps in memory instead of a [`PaperRecord`] per line.
//!
//! A `PaperRecord` with its `Link`s costs about 3 KB for ten references (each `Link` is ~176
//! bytes of `String`s, `BTreeMap` and `Vec`), 3 GB for a million papers. [`CompactRecords`]
//! holds the same information the analysis reads, in about 70 bytes a paper plus 5 a link:
//!
//! - every paper id once, interned to a `u32` ([`PaperIds`]; a 40-digit hex id as 20 bytes);
//! - per link, the `u32` of the paper at its other end and one byte of flags (intents,
//!   `isInfluential`, reference or citation), in record order;
//! - per record, its numbers (year, counts) and its strings (title, venue, author names,
//!   external ids) packed into one byte arena;
//! - the few links that describe their paper (title, year, external ids, citation count), with
//!   those details; a paper with no record of its own takes them from the first such link.
//!
//! Links without a paper id are counted (for the fetch summary) but not kept: they are never
//! an edge. Records are kept in file order; the catalogue's records leave this form for full
//! `PaperRecord`s ([`crate::s2::Corpus::records`]) once resolution has found them.

mod ids;
mod line;

use std::collections::HashSet;
use std::ops::AddAssign;

pub use ids::{PaperIds, PaperKey};
pub(crate) use line::{parse_line, ParsedChunk};

use super::PaperRecord;

/// Flag of a link Semantic Scholar marks influential.
const LINK_INFLUENTIAL: u8 = 16;
/// Flag of a link from the record's `references` (else its `citations`).
const LINK_REFERENCE: u8 = 32;
/// The intent bits of a link's flags.
const LINK_INTENTS: u8 = 15;

/// The bit of a citation intent, as Semantic Scholar names them: `background` 1, `methodology`
/// 2, `result` 4, anything else 8 (the bits of [`crate::graph::Intents`]).
pub fn intent_bit(name: &str) -> u8 {
    match name {
        "background" => 1,
        "methodology" => 2,
        "result" => 4,
        _ => 8,
    }
}

/// How many links records hold, as the fetch summary reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkCounts {
    pub references: u64,
    /// References without a Semantic Scholar id.
    pub unmatched_references: u64,
    pub citations: u64,
}

impl LinkCounts {
    pub fn of(record: &PaperRecord) -> LinkCounts {
        let references = record.references.as_deref().unwrap_or_default();
        LinkCounts {
            references: references.len() as u64,
            unmatched_references: references.iter().filter(|l| l.paper_id.is_none()).count() as u64,
            citations: record.citations.as_ref().map_or(0, Vec::len) as u64,
        }
    }
}

impl AddAssign for LinkCounts {
    fn add_assign(&mut self, other: LinkCounts) {
        self.references += other.references;
        self.unmatched_references += other.unmatched_references;
        self.citations += other.citations;
    }
}

/// [`LinkCounts`] of one record, kept with it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RecordCounts {
    pub references: u32,
    pub unmatched_references: u32,
    pub citations: u32,
}

impl From<RecordCounts> for LinkCounts {
    fn from(c: RecordCounts) -> LinkCounts {
        LinkCounts {
            references: c.references.into(),
            unmatched_references: c.unmatched_references.into(),
            citations: c.citations.into(),
        }
    }
}

/// Records in compact form (see the module documentation).
#[derive(Clone, Default)]
pub struct CompactRecords {
    ids: PaperIds,
    records: Vec<Record>,
    /// The other end of each link, record after record.
    targets: Vec<u32>,
    flags: Vec<u8>,
    /// Links that describe their paper, by position (sorted).
    details: Vec<Detail>,
    strings: Vec<u8>,
    /// Of the records not taken.
    counts: LinkCounts,
    taken: usize,
}

/// Record `id` value of a record whose paper id is blank.
const NO_ID: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Record {
    id: u32,
    taken: bool,
    year: Option<i32>,
    citation_count: Option<u64>,
    reference_count: Option<u64>,
    counts: RecordCounts,
    /// Start of its links in `targets` and `flags` (they end where the next record's start).
    links: usize,
    /// Start of its packed strings.
    strings: usize,
}

#[derive(Debug, Clone)]
struct Detail {
    position: usize,
    year: Option<i32>,
    citation_count: Option<u64>,
    strings: usize,
}

impl std::fmt::Debug for CompactRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompactRecords")
            .field("records", &self.len())
            .field("ids", &self.ids.len())
            .field("links", &self.targets.len())
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

/// A link as a record holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactLink {
    /// Its place among all links, for [`CompactRecords::link_details`].
    pub position: usize,
    /// The paper at the other end ([`CompactRecords::ids`]).
    pub other: u32,
    /// From the record's `references` (the record cites `other`), else its `citations`.
    pub reference: bool,
    pub is_influential: bool,
    /// Intent bits ([`intent_bit`]).
    pub intents: u8,
}

/// What a record (or a link) says about its paper; strings borrowed from the arena.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaperMetadata<'a> {
    pub title: Option<&'a str>,
    pub year: Option<i32>,
    pub venue: Option<&'a str>,
    /// Names of the authors that have one.
    pub authors: Vec<&'a str>,
    /// String and number values, sorted by name (as `PaperRecord::external_ids` iterates).
    pub external_ids: Vec<(&'a str, &'a str)>,
    pub citation_count: Option<u64>,
    pub reference_count: Option<u64>,
}

/// One record of a [`CompactRecords`].
#[derive(Clone, Copy)]
pub struct RecordRef<'a> {
    owner: &'a CompactRecords,
    index: usize,
}

impl<'a> RecordRef<'a> {
    /// Its place in the file's records, for [`CompactRecords::record`].
    pub fn index(&self) -> usize {
        self.index
    }

    fn record(&self) -> &'a Record {
        &self.owner.records[self.index]
    }

    /// Its paper ([`CompactRecords::ids`]); `None` when the line's paper id is blank.
    pub fn id(&self) -> Option<u32> {
        let id = self.record().id;
        (id != NO_ID).then_some(id)
    }

    /// The paper id as the line writes it.
    pub fn raw_id(&self) -> String {
        match (self.strings().raw_id(), self.id()) {
            (Some(raw), _) => raw.to_string(),
            (None, Some(id)) => self.owner.ids.key(id).to_string(),
            (None, None) => String::new(),
        }
    }

    /// Its links with a paper id: references, then citations, in list order.
    pub fn links(&self) -> impl Iterator<Item = CompactLink> + 'a {
        let owner = self.owner;
        let start = self.record().links;
        let end = owner
            .records
            .get(self.index + 1)
            .map_or(owner.targets.len(), |next| next.links);
        (start..end).map(move |position| {
            let flags = owner.flags[position];
            CompactLink {
                position,
                other: owner.targets[position],
                reference: flags & LINK_REFERENCE != 0,
                is_influential: flags & LINK_INFLUENTIAL != 0,
                intents: flags & LINK_INTENTS,
            }
        })
    }

    fn strings(&self) -> Cursor<'a> {
        Cursor {
            bytes: self
                .owner
                .strings
                .get(self.record().strings..)
                .unwrap_or_default(),
        }
    }

    pub fn metadata(&self) -> PaperMetadata<'a> {
        let record = self.record();
        let mut strings = self.strings();
        let _raw_id = strings.opt_str();
        PaperMetadata {
            title: strings.opt_str(),
            venue: strings.opt_str(),
            authors: (0..strings.len()).map(|_| strings.str()).collect(),
            external_ids: strings.pairs(),
            year: record.year,
            citation_count: record.citation_count,
            reference_count: record.reference_count,
        }
    }
}

impl CompactRecords {
    /// The papers the records and their links name.
    pub fn ids(&self) -> &PaperIds {
        &self.ids
    }

    /// Records not taken out for the catalogue.
    pub fn len(&self) -> usize {
        self.records.len() - self.taken
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The links of the records not taken.
    pub fn counts(&self) -> LinkCounts {
        self.counts
    }

    /// The records not taken, in file order.
    pub fn records(&self) -> impl Iterator<Item = RecordRef<'_>> + '_ {
        (0..self.records.len())
            .filter(|&index| !self.records[index].taken)
            .map(|index| RecordRef { owner: self, index })
    }

    /// The record at `index` ([`RecordRef::index`]; panics beyond the file's records).
    pub fn record(&self, index: usize) -> RecordRef<'_> {
        assert!(index < self.records.len(), "no record {index}");
        RecordRef { owner: self, index }
    }

    /// The records' count in the file, taken ones included (their indices are `0..`).
    pub fn file_records(&self) -> usize {
        self.records.len()
    }

    /// What the link at `position` says about its paper, when it says anything.
    pub fn link_details(&self, position: usize) -> Option<PaperMetadata<'_>> {
        let at = self
            .details
            .binary_search_by_key(&position, |d| d.position)
            .ok()?;
        let detail = &self.details[at];
        let mut strings = Cursor {
            bytes: self.strings.get(detail.strings..).unwrap_or_default(),
        };
        Some(PaperMetadata {
            title: strings.opt_str(),
            external_ids: strings.pairs(),
            year: detail.year,
            citation_count: detail.citation_count,
            ..PaperMetadata::default()
        })
    }

    /// Takes record `index` out (its full record moves to [`crate::s2::Corpus::records`]).
    pub(crate) fn take(&mut self, index: usize) {
        if let Some(record) = self.records.get_mut(index) {
            if !record.taken {
                record.taken = true;
                self.taken += 1;
                let c = LinkCounts::from(record.counts);
                self.counts.references -= c.references;
                self.counts.unmatched_references -= c.unmatched_references;
                self.counts.citations -= c.citations;
            }
        }
    }
}

/// Appends parsed chunks in file order: interns their ids and drops repeated papers.
#[derive(Default)]
pub(crate) struct CompactBuilder {
    records: CompactRecords,
    /// Per paper: a record of it was kept.
    has_record: Vec<bool>,
    /// Paper ids written with spaces around them, or blank, whose record was kept.
    raw_ids: HashSet<Box<str>>,
    /// Byte offset of each kept record's line.
    lines: Vec<u64>,
    duplicates: usize,
}

impl CompactBuilder {
    pub(crate) fn append(&mut self, chunk: ParsedChunk) {
        let base = self.records.strings.len();
        let out = &mut self.records;
        // Each id is looked up at random in a table of a million: the chunk's ids are looked up
        // first in a loop of independent reads, which the processor overlaps, so that the
        // interning below finds the table's entries in the cache.
        let found = chunk
            .targets
            .iter()
            .fold(0, |x, key| x ^ out.ids.lookup(key).unwrap_or(0));
        std::hint::black_box(found);
        out.strings.extend_from_slice(&chunk.strings);
        let mut targets = chunk.targets.into_iter();
        let mut flags = chunk.flags.into_iter();
        let mut details = chunk.details.into_iter().peekable();
        let mut link = 0;
        for parsed in chunk.records {
            let links = parsed.links_end - link;
            link = parsed.links_end;
            let id = parsed.key.map(|key| out.ids.intern(key));
            if self.has_record.len() < out.ids.len() {
                self.has_record.resize(out.ids.len(), false);
            }
            // A paper listed twice keeps its first line, as the full reader does (by the id as
            // written).
            let first = match (&parsed.raw_id, id) {
                (Some(raw), _) => self.raw_ids.insert(raw.clone()),
                (None, Some(id)) => !std::mem::replace(&mut self.has_record[id as usize], true),
                (None, None) => true,
            };
            if !first {
                self.duplicates += 1;
                targets.by_ref().take(links).for_each(drop);
                flags.by_ref().take(links).for_each(drop);
                while details.next_if(|d| d.link < link).is_some() {}
                continue;
            }
            let start = out.targets.len();
            while let Some(detail) = details.next_if(|d| d.link < link) {
                out.details.push(Detail {
                    position: start + detail.link - (link - links),
                    year: detail.year,
                    citation_count: detail.citation_count,
                    strings: base + detail.strings,
                });
            }
            for key in targets.by_ref().take(links) {
                out.targets.push(out.ids.intern(key));
            }
            out.flags.extend(flags.by_ref().take(links));
            out.counts += LinkCounts::from(parsed.counts);
            out.records.push(Record {
                id: id.unwrap_or(NO_ID),
                taken: false,
                year: parsed.year,
                citation_count: parsed.citation_count,
                reference_count: parsed.reference_count,
                counts: parsed.counts,
                links: start,
                strings: base + parsed.strings,
            });
            self.lines.push(parsed.offset);
        }
    }

    /// The records, the byte offset of each one's line, and how many repeated lines were
    /// dropped.
    pub(crate) fn finish(mut self) -> (CompactRecords, Vec<u64>, usize) {
        let r = &mut self.records;
        r.records.shrink_to_fit();
        r.targets.shrink_to_fit();
        r.flags.shrink_to_fit();
        r.details.shrink_to_fit();
        r.strings.shrink_to_fit();
        (self.records, self.lines, self.duplicates)
    }
}

/// Packed strings: a length as LEB128 (7 bits a byte, low first), then the bytes; an optional
/// string stores length + 1, 0 for none.
fn put_len(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => put_len(out, 0),
        Some(s) => {
            put_len(out, s.len() + 1);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// Reads what the `put_` functions wrote. The arena only ever holds what they wrote from
/// `&str`s, so reading never fails; past the end it yields empty values rather than panic.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn len(&mut self) -> usize {
        let mut n = 0usize;
        let mut shift = 0;
        while let Some((&byte, rest)) = self.bytes.split_first() {
            self.bytes = rest;
            n |= ((byte & 0x7f) as usize) << shift;
            shift += 7;
            if byte < 0x80 || shift >= usize::BITS {
                break;
            }
        }
        n
    }

    fn bytes(&mut self, n: usize) -> &'a str {
        let n = n.min(self.bytes.len());
        let (text, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        std::str::from_utf8(text).unwrap_or_default()
    }

    fn str(&mut self) -> &'a str {
        let n = self.len();
        self.bytes(n)
    }

    fn opt_str(&mut self) -> Option<&'a str> {
        match self.len() {
            0 => None,
            n => Some(self.bytes(n - 1)),
        }
    }

    fn pairs(&mut self) -> Vec<(&'a str, &'a str)> {
        (0..self.len()).map(|_| (self.str(), self.str())).collect()
    }

    /// The first field of a record's strings.
    fn raw_id(mut self) -> Option<&'a str> {
        self.opt_str()
    }
}

/// The compact records of JSON Lines `text` (every line a record), for tests.
#[cfg(test)]
pub(crate) fn from_jsonl(text: &str, max_citations: usize) -> (CompactRecords, usize) {
    let mut chunk = ParsedChunk::default();
    let mut offset = 0;
    for line in text.split('\n') {
        if !line.trim().is_empty() {
            parse_line(line.as_bytes(), offset, max_citations, &mut chunk).unwrap();
        }
        offset += line.len() as u64 + 1;
    }
    let mut builder = CompactBuilder::default();
    builder.append(chunk);
    let (records, _, duplicates) = builder.finish();
    (records, duplicates)
}

#[cfg(test)]
mod tests;
