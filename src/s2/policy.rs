//! The cache policy, shared by the fetch and the snapshot reader: what a cached paper must hold
//! for this run ([`ListPolicy`]), the form it is kept in ([`CachedPaper`]), the notes a record
//! earns, and [`assemble`], which turns resolutions and records into the [`Corpus`] in
//! catalogue order. Whichever source the records came from, these decisions are the same.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::resolve::Resolved;
use super::FetchOptions;
use crate::records::{Corpus, Gap, PaperRecord, Resolution};

/// Cache namespaces: answers to id and title lookups, and complete paper records.
pub(crate) const LOOKUPS: &str = "s2/lookups";
pub(crate) const PAPERS: &str = "s2/papers";

/// Offsets reach at most this many items of a list.
pub(crate) const LIST_REACH: usize = 9_999;
/// A paper's record with its lists, as kept in the cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CachedPaper {
    pub record: PaperRecord,
    /// The links carry `isInfluential` and `intents` (they came from the paginated endpoints).
    pub link_details: bool,
    /// Citations were fetched up to this many; `None`: all the API gives.
    pub citations_limit: Option<usize>,
    /// When the citation list was last read from the API, whole or brought up to date by
    /// `--update` (seconds since the Unix epoch): the next update asks only for citations
    /// published since (less a margin). `None` (a snapshot import, a cache written before this
    /// field existed): unknown, so an update reads a changed list whole.
    #[serde(default)]
    pub citations_as_of: Option<u64>,
}

/// What the lists of a record must hold for this run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListPolicy {
    pub citations: bool,
    pub max_citations: Option<usize>,
    pub link_details: bool,
}

impl ListPolicy {
    pub(crate) fn from_options(options: &FetchOptions) -> ListPolicy {
        ListPolicy {
            citations: !options.no_citations,
            max_citations: options.max_citations,
            link_details: options.link_details,
        }
    }

    /// Whether a cached paper holds what this run needs.
    pub(crate) fn satisfied_by(&self, cached: &CachedPaper) -> bool {
        if cached.record.references.is_none() || (self.link_details && !cached.link_details) {
            return false;
        }
        if !self.citations {
            return true;
        }
        cached.record.citations.is_some()
            && match (cached.citations_limit, self.max_citations) {
                (None, _) => true,
                (Some(had), Some(want)) => want <= had,
                (Some(_), None) => false,
            }
    }

    /// How many citations to get for a paper Semantic Scholar says has `count`.
    pub(crate) fn citations_wanted(&self, count: Option<u64>) -> usize {
        let count = count.map_or(LIST_REACH, |c| usize::try_from(c).unwrap_or(usize::MAX));
        count
            .min(LIST_REACH)
            .min(self.max_citations.unwrap_or(usize::MAX))
    }

    /// Citations nested in the batch answer, unless the paper has more than `--max-citations`
    /// (then its first page is cheaper than the whole nested list).
    pub(crate) fn nests_citations(&self, count: Option<u64>) -> bool {
        self.citations
            && match self.max_citations {
                None => true,
                Some(max) => count.unwrap_or(0) <= max as u64,
            }
    }
}

/// The cache request of an id lookup (`ARXIV:2210.09461`, `DOI:...`).
pub(crate) fn id_request(id: &str) -> String {
    format!("id {id}")
}

/// The cache request of a title match, by normalized title.
pub(crate) fn title_request(normalized: &str) -> String {
    format!("title {normalized}")
}

/// The cache request of a paper's full record with its lists.
pub(crate) fn paper_request(paper_id: &str) -> String {
    format!("paper {paper_id}")
}

/// The record without its lists (what resolution needs and lookups keep).
pub(crate) fn lite(record: PaperRecord) -> PaperRecord {
    PaperRecord {
        references: None,
        citations: None,
        ..record
    }
}

/// The notes a record earns: an empty reference list, citations the API or `--max-citations`
/// cut short, an empty citation list although Semantic Scholar counts citations.
pub(crate) fn record_notes(record: &PaperRecord, policy: &ListPolicy) -> Vec<String> {
    let mut notes = Vec::new();
    if record.references.as_ref().is_some_and(Vec::is_empty) {
        notes.push(match record.reference_count {
            Some(count) if count > 0 => format!(
                "reference list elided: Semantic Scholar counts {count} references but lists none"
            ),
            _ => "Semantic Scholar lists no references (the publisher may have elided the list)"
                .to_string(),
        });
    }
    if let (Some(citations), Some(count)) = (&record.citations, record.citation_count) {
        let got = citations.len() as u64;
        if got < count {
            if policy
                .max_citations
                .is_some_and(|max| citations.len() >= max)
            {
                notes.push(format!(
                    "citations capped at {got} of {count} by --max-citations"
                ));
            } else if citations.len() >= LIST_REACH {
                notes.push(format!(
                    "the API gives {got} of its {count} citations (the rest needs the bulk datasets)"
                ));
            } else if got == 0 {
                notes.push(format!(
                    "citation list empty: Semantic Scholar counts {count} citations but lists none"
                ));
            }
        }
    }
    notes
}

/// A record trimmed to this run's options (`--no-citations`, `--max-citations`).
pub(crate) fn apply_policy(record: &mut PaperRecord, policy: &ListPolicy) {
    if !policy.citations {
        record.citations = None;
    } else if let (Some(citations), Some(max)) = (record.citations.as_mut(), policy.max_citations) {
        citations.truncate(max);
    }
}

/// Resolutions and records in catalogue order, the records once each. `take` hands over the
/// record of a Semantic Scholar id (once), when the source has it.
pub(crate) fn assemble(
    resolved: Vec<Resolved>,
    mut take: impl FnMut(&str) -> Option<PaperRecord>,
    policy: &ListPolicy,
    requests: u64,
) -> Corpus {
    let mut corpus = Corpus {
        requests,
        ..Corpus::default()
    };
    let mut placed: HashMap<String, usize> = HashMap::new();
    for outcome in resolved {
        let mut notes = outcome.notes;
        let mut paper_id = None;
        let mut method = None;
        if let Some(found) = &outcome.record {
            let id = &found.paper_id;
            if let Some(&index) = placed.get(id) {
                notes.extend(record_notes(&corpus.records[index], policy));
                paper_id = Some(id.clone());
                method = outcome.method;
            } else if let Some(record) = take(id) {
                notes.extend(record_notes(&record, policy));
                placed.insert(id.clone(), corpus.records.len());
                corpus.records.push(record);
                paper_id = Some(id.clone());
                method = outcome.method;
            } else {
                notes.push(format!(
                    "resolved to {id}, but its record is not in the cache (fetch it once with a network: --offline makes no request) or Semantic Scholar no longer returns it"
                ));
            }
        }
        let gap = if paper_id.is_none() {
            outcome.gap
        } else {
            Gap::None
        };
        corpus.resolutions.push(Resolution {
            key: outcome.key,
            paper_id,
            method,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
            gap,
        });
    }
    corpus
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Link;

    #[test]
    fn cached_paper_must_cover_the_run() {
        let mut cached = CachedPaper {
            record: PaperRecord {
                references: Some(vec![]),
                citations: Some(vec![]),
                ..PaperRecord::default()
            },
            link_details: false,
            citations_limit: Some(100),
            citations_as_of: None,
        };
        let mut policy = ListPolicy {
            citations: true,
            max_citations: Some(50),
            link_details: false,
        };
        assert!(policy.satisfied_by(&cached));
        policy.max_citations = None;
        assert!(!policy.satisfied_by(&cached));
        policy.citations = false;
        assert!(policy.satisfied_by(&cached));
        policy.link_details = true;
        assert!(!policy.satisfied_by(&cached));
        cached.link_details = true;
        cached.record.references = None;
        assert!(!policy.satisfied_by(&cached));
    }

    #[test]
    fn notes_for_elided_and_capped_lists() {
        let policy = ListPolicy {
            citations: true,
            max_citations: Some(2),
            link_details: false,
        };
        let mut record = PaperRecord {
            reference_count: Some(25),
            references: Some(vec![]),
            citation_count: Some(10),
            citations: Some(vec![Link::default(), Link::default()]),
            ..PaperRecord::default()
        };
        let notes = record_notes(&record, &policy);
        assert!(
            notes[0].contains("counts 25 references but lists none"),
            "{notes:?}"
        );
        assert!(notes[1].contains("capped at 2 of 10"), "{notes:?}");
        record.reference_count = Some(0);
        assert!(record_notes(&record, &policy)[0].contains("lists no references"));
        record.citations = Some(vec![]);
        let notes = record_notes(
            &record,
            &ListPolicy {
                max_citations: None,
                ..policy
            },
        );
        assert!(
            notes[1].contains("counts 10 citations but lists none"),
            "{notes:?}"
        );
    }
}
