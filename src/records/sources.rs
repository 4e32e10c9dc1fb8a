//! Sources of citation links, and what the sources other than Semantic Scholar hand over.
//!
//! Semantic Scholar stays the backbone: its records are the [`super::Corpus`]'s `records`, and
//! its paper ids name the graph's nodes. OpenAlex and OpenCitations each answer, for a catalogue
//! paper, with a [`SourceLists`]: the paper's ids in that source and its reference and citer lists
//! as ordinary [`Link`]s, so the graph build reads them like Semantic Scholar's links and nothing
//! downstream needs to know which client made them. A link's paper is named by the source's own
//! id, prefixed (`openalex:W2741809807`, `doi:10.1186/1756-8722-6-59`, `omid:br/06190834283`), and
//! carries the DOI, ArXiv and OpenAlex ids it is known by in [`Link::external_ids`]: the works merge
//! ([`crate::works`]) joins it with the Semantic Scholar record of the same work by those ids or by
//! title, year and authors.
//!
//! Which papers a secondary source is asked about is [`Wanted`]: every catalogue paper Semantic
//! Scholar resolved or not, with the ids and title to find it by (`crate::secondary::wanted`
//! makes them).

use serde::{Deserialize, Serialize};

use super::{Corpus, Gap, Link};

/// One source of citation links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Source {
    /// The Semantic Scholar Graph API (or its cache or a snapshot).
    #[serde(rename = "s2")]
    S2,
    /// OpenAlex (`api.openalex.org`): works, `referenced_works`, the `cites:` filter.
    #[serde(rename = "openalex")]
    OpenAlex,
    /// The OpenCitations Index (`api.opencitations.net/index/v2`): DOI-to-DOI citations.
    #[serde(rename = "opencitations")]
    OpenCitations,
}

impl Source {
    /// Every source, in the order the outputs list them.
    pub const ALL: [Source; 3] = [Source::S2, Source::OpenAlex, Source::OpenCitations];

    /// The name used on the command line (`--sources`) and in the outputs' `sources` columns.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::S2 => "s2",
            Source::OpenAlex => "openalex",
            Source::OpenCitations => "opencitations",
        }
    }

    /// The source of a name as [`Self::as_str`] writes it (case-insensitive).
    pub fn parse(name: &str) -> Option<Source> {
        Source::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// This source's bit in a [`SourceSet`].
    pub fn bit(self) -> u8 {
        match self {
            Source::S2 => 1,
            Source::OpenAlex => 2,
            Source::OpenCitations => 4,
        }
    }
}

/// A set of [`Source`]s, as one byte: a link's provenance (every source that has it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SourceSet(pub u8);

impl SourceSet {
    /// The set of one source.
    pub fn of(source: Source) -> SourceSet {
        SourceSet(source.bit())
    }

    pub fn contains(self, source: Source) -> bool {
        self.0 & source.bit() != 0
    }

    pub fn insert(&mut self, source: Source) {
        self.0 |= source.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The sources in [`Source::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Source> {
        Source::ALL.into_iter().filter(move |s| self.contains(*s))
    }

    /// `s2;openalex`: the names joined by `;`, as the `sources` column of `edges.csv` writes them.
    pub fn names(self) -> String {
        self.iter()
            .map(Source::as_str)
            .collect::<Vec<_>>()
            .join(";")
    }
}

impl std::ops::BitOr for SourceSet {
    type Output = SourceSet;
    fn bitor(self, other: SourceSet) -> SourceSet {
        SourceSet(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for SourceSet {
    fn bitor_assign(&mut self, other: SourceSet) {
        self.0 |= other.0;
    }
}

/// A catalogue paper a secondary source is asked about: its ids and title from the catalogue
/// entry and from the Semantic Scholar record it resolved to (that record often knows the DOI of
/// the published version of an arXiv paper).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wanted {
    /// The catalogue key ([`crate::catalog::CatalogPaper::key`]).
    pub key: String,
    /// The Semantic Scholar id it resolved to, if it did.
    pub s2_id: Option<String>,
    pub title: String,
    pub year: Option<i32>,
    /// Author names: the Semantic Scholar record's, else the catalogue's as written.
    pub authors: Vec<String>,
    /// Lower-case DOIs without a `https://doi.org/` prefix, the published one first; never an
    /// arXiv DataCite DOI (those are [`Self::arxiv`]'s: `10.48550/arxiv.<id>`).
    pub dois: Vec<String>,
    /// ArXiv id without version (`2210.09461`), if any.
    pub arxiv: Option<String>,
    /// Why Semantic Scholar is thin for it (the reason the source is asked, when the source only
    /// fills gaps): `None` when its record has both lists.
    pub thin: Option<Thin>,
}

/// What Semantic Scholar lacks for a catalogue paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Thin {
    /// No record: the paper did not resolve.
    Unresolved,
    /// The record's reference list is empty (an elided list: the publisher withholds it, and
    /// Semantic Scholar's `referenceCount` may say 0 or more) or could not be read.
    References,
    /// The citation list could not be read.
    Citations,
}

/// What one secondary source found for one catalogue paper.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceLists {
    /// The catalogue key ([`Wanted::key`]).
    pub key: String,
    /// The paper's ids in this source (`openalex:W…` for each OpenAlex work of it, preprint and
    /// published; `omid:br/…` or `doi:…` for OpenCitations). Empty when the source does not know
    /// the paper.
    pub ids: Vec<String>,
    /// The works it cites. `None`: the source has no reference list for it (OpenAlex's
    /// `referenced_works_count: 0` and OpenCitations' `[]` mean "unknown", not "none").
    pub references: Option<Vec<Link>>,
    /// The works citing it. `None`: not asked, or nothing known.
    pub citations: Option<Vec<Link>>,
    /// The source flags the paper as retracted (OpenAlex `is_retracted`); written only when
    /// true (OpenCitations has no such flag, and `false` is read when it is absent).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retracted: bool,
    /// Ids (as in [`Link::paper_id`]) of the linked papers the source flags as retracted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retracted_links: Vec<String>,
    /// What went wrong or is odd (the paper is unknown to the source, a list was cut, ...).
    pub note: Option<String>,
    /// A request that failed for good in this run ([`Gap::RequestFailed`]), or an offline run
    /// without the answer in the cache ([`Gap::NotCached`]); a rerun could fill it.
    #[serde(default, skip_serializing_if = "Gap::is_none")]
    pub gap: Gap,
}

/// What one secondary source answered in one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceCorpus {
    pub source: Option<Source>,
    /// One per [`Wanted`] paper asked about, in the order asked.
    pub lists: Vec<SourceLists>,
    /// Requests made to the source's API in this run (cache hits excluded).
    pub requests: u64,
}

/// A catalogue paper a secondary source was asked about and could not answer this time: a
/// request that failed for good, its daily budget spent, the source never reached or refusing
/// its key, or (offline) its answer not in the cache. A rerun could fill it. Made by
/// [`source_gaps`]; written to `unresolved.csv` (a row per paper and source), the summary's
/// `notes:`, the report and `metrics.json` (`source_gaps`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceGap {
    /// The source that was asked.
    pub source: Option<Source>,
    /// The catalogue key ([`Wanted::key`]).
    pub key: String,
    /// [`Gap::RequestFailed`] or [`Gap::NotCached`].
    pub gap: Gap,
    /// Which list was not read and why, as the source's client noted it.
    pub note: String,
}

/// How many of `gaps` are of each kind, in words (`7 request failed, 2 not cached`): the
/// count the summary's `source gaps:` line and the report give for one source.
pub fn gap_kinds(gaps: &[&SourceGap]) -> String {
    [Gap::RequestFailed, Gap::NotCached]
        .iter()
        .filter_map(|kind| {
            let n = gaps.iter().filter(|g| g.gap == *kind).count();
            (n > 0).then(|| format!("{n} {}", kind.status()))
        })
        .collect::<Vec<String>>()
        .join(", ")
}

/// The gaps of the secondary sources' answers ([`SourceLists::gap`]), source by source (in the
/// order of `sources`), each source's papers in the order asked. Offline, a source whose every
/// answer is `not cached` was never used with this cache (`analyze` after a Semantic Scholar
/// run): it has no gap of this run.
pub fn source_gaps(sources: &[SourceCorpus]) -> Vec<SourceGap> {
    sources
        .iter()
        .filter(|found| !found.lists.iter().all(|l| l.gap == Gap::NotCached))
        .flat_map(|found| {
            found
                .lists
                .iter()
                .filter(|l| !l.gap.is_none())
                .map(move |l| SourceGap {
                    source: found.source,
                    key: l.key.clone(),
                    gap: l.gap,
                    note: l
                        .note
                        .clone()
                        .unwrap_or_else(|| "no reason recorded".into()),
                })
        })
        .collect()
}

/// The summary's `notes:` lines (two spaces in, no newline) of the secondary sources' gaps: a
/// line per paper (`KEY: openalex request failed: citers not read: …`), at most
/// [`NOTES_PER_SOURCE`] a source and then how many more (`unresolved.csv` lists every one).
pub fn gap_notes(sources: &[SourceCorpus]) -> Vec<String> {
    let gaps = source_gaps(sources);
    let mut lines = Vec::new();
    for source in Source::ALL {
        let of: Vec<&SourceGap> = gaps.iter().filter(|g| g.source == Some(source)).collect();
        for g in of.iter().take(NOTES_PER_SOURCE) {
            lines.push(format!(
                "  {}: {} {}: {}",
                g.key,
                source.as_str(),
                g.gap.status(),
                g.note
            ));
        }
        if of.len() > NOTES_PER_SOURCE {
            lines.push(format!(
                "  ... and {} more of {} ({}); unresolved.csv lists every one",
                crate::text::count(of.len() - NOTES_PER_SOURCE, "catalogue paper"),
                source.as_str(),
                of[NOTES_PER_SOURCE].gap.status()
            ));
        }
    }
    lines
}

/// The most papers a source's gaps name in the summary's `notes:` ([`gap_notes`]).
pub const NOTES_PER_SOURCE: usize = 10;

/// What Semantic Scholar lacks for one catalogue paper, from its resolution and record (its own
/// links only: those a secondary source folded in ([`fold`]) do not count). A paper resolved by
/// a secondary source alone (a prefixed id such as `openalex:W1`) is unresolved in Semantic
/// Scholar.
pub fn thin(
    resolution: Option<&super::Resolution>,
    record: Option<&super::PaperRecord>,
) -> Option<Thin> {
    let Some(record) = record.filter(|r| !r.paper_id.contains(':')) else {
        return Some(Thin::Unresolved);
    };
    let gap = resolution.map(|r| r.gap).unwrap_or_default();
    let own_references = record
        .references
        .iter()
        .flatten()
        .filter(|l| l.source.is_none())
        .count();
    // An empty list is elided whatever `referenceCount` says (S2-API.md: "the list is empty
    // although referenceCount may be positive"); a paper of this field cites something.
    let elided = own_references == 0;
    if record.references.is_none() || elided || matches!(gap, Gap::References | Gap::Lists) {
        Some(Thin::References)
    } else if record.citations.is_none() || gap == Gap::Citations {
        Some(Thin::Citations)
    } else {
        None
    }
}

/// Adds each secondary source's lists ([`Corpus::sources`]) to the record of the catalogue paper
/// they were asked for, every added link marked with its [`Link::source`]; the graph build then
/// reads them as it reads Semantic Scholar's, and the works merge joins each linked paper with
/// its Semantic Scholar record (DOI, ArXiv id, OpenAlex id, or title with year and authors).
/// A catalogue paper Semantic Scholar did not resolve but a source knows gets a record named by
/// the source's first id (`openalex:W…`), and its resolution says so in its note. Links of a
/// list are added once per paper id; the lists stay in `corpus.sources` for the coverage audit.
/// Returns how many links were added, per source in [`Source::ALL`] order.
pub fn fold(corpus: &mut Corpus) -> [u64; 3] {
    let mut added = [0u64; 3];
    let mut index: std::collections::HashMap<String, usize> = corpus
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.paper_id.clone(), i))
        .collect();
    let sources = std::mem::take(&mut corpus.sources);
    for found in &sources {
        let Some(source) = found.source else {
            continue;
        };
        let slot = Source::ALL.iter().position(|s| *s == source).unwrap_or(0);
        for lists in &found.lists {
            let Some(resolution) = corpus.resolutions.iter_mut().find(|r| r.key == lists.key)
            else {
                continue;
            };
            let record = match resolution.paper_id.as_deref().and_then(|id| index.get(id)) {
                Some(&i) => i,
                None => {
                    let has_links = lists.references.as_ref().is_some_and(|l| !l.is_empty())
                        || lists.citations.as_ref().is_some_and(|l| !l.is_empty());
                    let (Some(id), true) = (lists.ids.first(), has_links) else {
                        continue;
                    };
                    if resolution.paper_id.is_some() {
                        // Resolved, but its record is not in the corpus: nothing to add to.
                        continue;
                    }
                    let note = format!(
                        "not found in Semantic Scholar; resolved by {} as {id}",
                        source.as_str()
                    );
                    resolution.paper_id = Some(id.clone());
                    resolution.note = Some(match resolution.note.take() {
                        Some(old) => format!("{old}; {note}"),
                        None => note,
                    });
                    resolution.gap = Gap::None;
                    corpus.records.push(super::PaperRecord {
                        paper_id: id.clone(),
                        external_ids: source_ids(id),
                        ..Default::default()
                    });
                    index.insert(id.clone(), corpus.records.len() - 1);
                    corpus.records.len() - 1
                }
            };
            let record = &mut corpus.records[record];
            for (mine, theirs) in [
                (&mut record.references, &lists.references),
                (&mut record.citations, &lists.citations),
            ] {
                let Some(theirs) = theirs else {
                    continue;
                };
                let list = mine.get_or_insert_with(Vec::new);
                let mut seen: std::collections::HashSet<String> = list
                    .iter()
                    .filter(|l| l.source == Some(source))
                    .filter_map(|l| l.paper_id.clone())
                    .collect();
                for link in theirs {
                    let Some(id) = link.paper_id.as_deref() else {
                        continue;
                    };
                    if seen.insert(id.to_string()) {
                        list.push(Link {
                            source: Some(source),
                            ..link.clone()
                        });
                        added[slot] += 1;
                    }
                }
            }
        }
    }
    corpus.sources = sources;
    added
}

/// The external ids a source's id stands for: `openalex:W1` is `{"OpenAlex": "W1"}`,
/// `doi:10.1/x` is `{"DOI": "10.1/x"}`.
fn source_ids(id: &str) -> std::collections::BTreeMap<String, serde_json::Value> {
    let mut ids = std::collections::BTreeMap::new();
    if let Some(w) = id.strip_prefix("openalex:") {
        ids.insert("OpenAlex".to_string(), serde_json::Value::from(w));
    } else if let Some(doi) = id.strip_prefix("doi:") {
        ids.insert("DOI".to_string(), serde_json::Value::from(doi));
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_list_in_order() {
        for source in Source::ALL {
            assert_eq!(Source::parse(source.as_str()), Some(source));
        }
        assert_eq!(Source::parse(" OpenAlex "), Some(Source::OpenAlex));
        assert_eq!(Source::parse("crossref"), None);
        let mut set = SourceSet::of(Source::OpenCitations);
        set.insert(Source::S2);
        assert_eq!(set.names(), "s2;opencitations");
        assert!(!set.contains(Source::OpenAlex));
    }

    #[test]
    fn an_elided_list_is_thin_references() {
        let record = super::super::PaperRecord {
            paper_id: "a".into(),
            reference_count: Some(12),
            references: Some(Vec::new()),
            citations: Some(Vec::new()),
            ..Default::default()
        };
        assert_eq!(thin(None, Some(&record)), Some(Thin::References));
        let full = super::super::PaperRecord {
            references: Some(vec![Link::default()]),
            ..record.clone()
        };
        assert_eq!(thin(None, Some(&full)), None);
        assert_eq!(thin(None, None), Some(Thin::Unresolved));
    }

    fn link(id: &str) -> Link {
        Link {
            paper_id: Some(id.into()),
            ..Default::default()
        }
    }

    #[test]
    fn fold_adds_marked_links_and_resolves_papers_only_a_source_knows() {
        let resolution = |key: &str, id: Option<&str>| super::super::Resolution {
            key: key.into(),
            paper_id: id.map(str::to_string),
            method: None,
            note: None,
            gap: Gap::None,
        };
        let mut corpus = Corpus {
            resolutions: vec![resolution("k1", Some("a")), resolution("k2", None)],
            records: vec![super::super::PaperRecord {
                paper_id: "a".into(),
                references: Some(vec![link("x")]),
                ..Default::default()
            }],
            sources: vec![SourceCorpus {
                source: Some(Source::OpenAlex),
                lists: vec![
                    SourceLists {
                        key: "k1".into(),
                        ids: vec!["openalex:W1".into()],
                        references: Some(vec![link("openalex:W9"), link("openalex:W9")]),
                        citations: Some(vec![link("openalex:W8")]),
                        ..Default::default()
                    },
                    SourceLists {
                        key: "k2".into(),
                        ids: vec!["openalex:W2".into()],
                        references: Some(vec![link("openalex:W9")]),
                        ..Default::default()
                    },
                ],
                requests: 3,
            }],
            ..Default::default()
        };
        assert_eq!(fold(&mut corpus), [0, 3, 0]);
        let a = &corpus.records[0];
        let refs: Vec<_> = a
            .references
            .as_ref()
            .unwrap()
            .iter()
            .map(|l| (l.paper_id.clone().unwrap(), l.source))
            .collect();
        assert_eq!(
            refs,
            vec![
                ("x".into(), None),
                ("openalex:W9".into(), Some(Source::OpenAlex))
            ]
        );
        assert_eq!(a.citations.as_ref().unwrap().len(), 1);
        assert_eq!(
            corpus.resolutions[1].paper_id.as_deref(),
            Some("openalex:W2")
        );
        assert!(corpus.resolutions[1]
            .note
            .as_deref()
            .unwrap()
            .contains("openalex"));
        assert_eq!(corpus.records[1].external_ids["OpenAlex"], "W2");
        assert_eq!(corpus.sources.len(), 1, "the lists stay for the audit");
    }
}
