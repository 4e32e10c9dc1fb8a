//! The completeness audit of the sources (`coverage-sources.csv`, the report's "Sources"
//! section): for every catalogue paper, the references and citers each source has in the
//! graph, their union, the links only one source has, and a verdict.
//!
//! Counts are of the graph's edges after the works merge, so a link two sources name by
//! different ids (a Semantic Scholar id and an OpenAlex id of one work) counts once in the union
//! and once for each source. A source's count (and its links only it has) comes from the list it
//! gave for that paper alone: a link another paper's list brought in (a citer list of A naming B
//! is an edge of B's references) counts for no source of B. A source that gave no list for the
//! paper (not asked, did not know it, or answered with an empty list, which OpenAlex and
//! OpenCitations use for "unknown") has no count, not 0.
//!
//! ## Verdicts (README, "Sources")
//! Checked in this order, per paper:
//! - `unresolved`: no source found the paper.
//! - `thin`: the graph holds no reference of it (every paper of such a list cites something),
//!   or (citations asked) no citer although Semantic Scholar counts some: still a gap.
//! - `filled`: Semantic Scholar lacked a list ([`Thin`]) and another source supplied it.
//! - `disagrees`: two sources that both gave a list have little in common: the links both have
//!   are under [`DISAGREE_RATIO`] of the smaller list, which holds at least
//!   [`DISAGREE_MIN_LINKS`] (one index has likely matched another paper). A shorter list the
//!   longer holds is no disagreement: OpenCitations is DOI-to-DOI by design, so its lists are
//!   often a part of the others'.
//! - `filled` also: Semantic Scholar's list holds under [`DISAGREE_RATIO`] of the links the
//!   sources found together, and at least [`DISAGREE_MIN_LINKS`] fewer: the others supplied
//!   most of it.
//! - `complete`: otherwise.

use serde::{Deserialize, Serialize};

use crate::graph::CitationGraph;
use crate::records::{Corpus, Link, PaperRecord, Source, SourceLists, Thin};

/// Two sources' lists of one paper disagree when the links both have are under this share of
/// the smaller list; Semantic Scholar's list is short (`filled`) under this share of the union.
pub const DISAGREE_RATIO: f64 = 0.5;
/// ... and the smaller list holds at least this many links (or, for a short Semantic Scholar
/// list, it lacks at least this many): small lists differ by chance.
pub const DISAGREE_MIN_LINKS: u32 = 5;

/// The audit's verdict on one catalogue paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Complete,
    Filled,
    Disagrees,
    Thin,
    Unresolved,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Complete => "complete",
            Verdict::Filled => "filled",
            Verdict::Disagrees => "disagrees",
            Verdict::Thin => "thin",
            Verdict::Unresolved => "unresolved",
        }
    }
}

/// One list (references or citers) of one catalogue paper, by source, in [`Source::ALL`] order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListCoverage {
    /// The graph's links of the list each source has; `None`: the source gave no list.
    pub by_source: [Option<u32>; 3],
    /// The distinct links of the list in the graph (every source together).
    pub union: u32,
    /// The links only one source has.
    pub only: [u32; 3],
    /// `shared[i][j]`: the links both source `i` and source `j` have (`shared[i][i]` is source
    /// `i`'s count), in [`Source::ALL`] order. What the verdict compares.
    #[serde(skip)]
    pub shared: [[u32; 3]; 3],
}

/// The audit of one catalogue paper: a row of `coverage-sources.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceCoverage {
    /// The catalogue key.
    pub key: String,
    /// Its node in the graph (the work's id), when some source found it.
    pub paper_id: Option<String>,
    pub title: String,
    pub year: Option<i32>,
    /// What Semantic Scholar alone lacked for it.
    pub s2_thin: Option<Thin>,
    pub references: ListCoverage,
    pub citations: ListCoverage,
    /// OpenAlex's `is_retracted` for it; `None` when OpenAlex gave no answer for the paper (not
    /// asked, or did not know it): unchecked, which is not "not retracted".
    pub retracted: Option<bool>,
    pub verdict: Verdict,
}

/// The audit of every catalogue paper, in catalogue order (`corpus.resolutions`' order).
/// Citations count as asked when any record holds a citation list (`--no-citations` leaves
/// them out, and then a missing citer list is no gap).
pub fn source_coverage(
    graph: &CitationGraph,
    catalog: &crate::catalog::Catalog,
    corpus: &Corpus,
) -> Vec<SourceCoverage> {
    let citations_asked = corpus.records.iter().any(|r| r.citations.is_some());
    let titles: std::collections::HashMap<&str, (&str, Option<i32>)> = catalog
        .papers
        .iter()
        .map(|p| (p.key.as_str(), (p.title.as_str(), p.year)))
        .collect();
    let records: std::collections::HashMap<&str, &PaperRecord> = corpus
        .records
        .iter()
        .map(|r| (r.paper_id.as_str(), r))
        .collect();
    let canonical: std::collections::HashMap<&str, &str> = graph
        .merges
        .iter()
        .map(|m| (m.record_id.as_str(), m.work_id.as_str()))
        .collect();
    corpus
        .resolutions
        .iter()
        .map(|resolution| {
            let key = resolution.key.as_str();
            let (title, year) = titles.get(key).copied().unwrap_or(("", None));
            let lists: Vec<(Source, &SourceLists)> = corpus
                .sources
                .iter()
                .filter_map(|c| Some((c.source?, c)))
                .flat_map(|(s, c)| c.lists.iter().filter(|l| l.key == key).map(move |l| (s, l)))
                .collect();
            let record = resolution
                .paper_id
                .as_deref()
                .and_then(|id| records.get(id).copied());
            let s2_thin = crate::records::sources::thin(Some(resolution), record)
                .filter(|thin| citations_asked || *thin != Thin::Citations);
            let node = resolution
                .paper_id
                .as_deref()
                .map(|id| canonical.get(id).copied().unwrap_or(id))
                .and_then(|id| graph.index_of(id));
            // What each source gave for this paper: its count comes from that list alone, so
            // a link another paper's list brought in makes no count (README, "Sources").
            let s2_gave = |thin: Thin| {
                if record.is_some() && s2_thin != Some(thin) {
                    Gave::Every
                } else {
                    Gave::Nothing
                }
            };
            let own = |source: Source, list: fn(&SourceLists) -> &Option<Vec<Link>>| {
                let ids: std::collections::HashSet<&str> = lists
                    .iter()
                    .filter(|(s, _)| *s == source)
                    .filter_map(|(_, l)| list(l).as_ref())
                    .flatten()
                    .filter_map(|link| link.paper_id.as_deref())
                    .map(|id| canonical.get(id).copied().unwrap_or(id))
                    .collect();
                if ids.is_empty() {
                    Gave::Nothing
                } else {
                    Gave::Only(ids)
                }
            };
            let gave = [
                [
                    s2_gave(Thin::References),
                    own(Source::OpenAlex, |l| &l.references),
                    own(Source::OpenCitations, |l| &l.references),
                ],
                [
                    s2_gave(Thin::Citations),
                    own(Source::OpenAlex, |l| &l.citations),
                    own(Source::OpenCitations, |l| &l.citations),
                ],
            ];
            let (references, citations) = match node {
                Some(v) => edge_counts(graph, v, &gave),
                None => Default::default(),
            };
            // Every paper of a list cites something: none in the graph is a gap.
            let claims_references = true;
            let verdict = verdict(
                node.is_some(),
                s2_thin,
                &references,
                &citations,
                claims_references,
                citations_asked && record.is_some_and(|r| r.citation_count.unwrap_or(0) > 0),
            );
            SourceCoverage {
                key: key.to_string(),
                paper_id: node.map(|v| graph.node(v).paper_id.clone()),
                title: title.to_string(),
                year,
                s2_thin,
                references,
                citations,
                retracted: lists
                    .iter()
                    .filter(|(s, l)| *s == Source::OpenAlex && !l.ids.is_empty())
                    .map(|(_, l)| l.retracted)
                    .reduce(|a, b| a || b),
                verdict,
            }
        })
        .collect()
}

/// What one source gave for one list of one catalogue paper, so which of the graph's edges of
/// the list count for it.
enum Gave<'a> {
    /// No list (not asked, unknown to the source, or an empty answer): no count.
    Nothing,
    /// Semantic Scholar's record: every edge it has.
    Every,
    /// A secondary source's list: the edges to these work ids (read through the works merge).
    Only(std::collections::HashSet<&'a str>),
}

/// The graph's references and citers of node `v`, counted by source: an edge counts for a source
/// when the source has it and it is in the list the source gave for this paper (`gave[0]` the
/// references', `gave[1]` the citers', by source in [`Source::ALL`] order).
fn edge_counts(
    graph: &CitationGraph,
    v: u32,
    gave: &[[Gave; 3]; 2],
) -> (ListCoverage, ListCoverage) {
    let node = petgraph::graph::NodeIndex::new(v as usize);
    let mut lists = [ListCoverage::default(), ListCoverage::default()];
    for ((list, direction), gave) in lists
        .iter_mut()
        .zip([petgraph::Direction::Outgoing, petgraph::Direction::Incoming])
        .zip(gave)
    {
        for (count, gave) in list.by_source.iter_mut().zip(gave) {
            *count = match gave {
                Gave::Nothing => None,
                _ => Some(0),
            };
        }
        for edge in graph.graph.edges_directed(node, direction) {
            use petgraph::visit::EdgeRef;
            let other = match direction {
                petgraph::Direction::Outgoing => edge.target(),
                petgraph::Direction::Incoming => edge.source(),
            };
            let other = graph.graph[other].paper_id.as_str();
            let sources = edge.weight().sources;
            list.union += 1;
            let counted: [bool; 3] = std::array::from_fn(|i| {
                sources.contains(Source::ALL[i])
                    && match &gave[i] {
                        Gave::Nothing => false,
                        Gave::Every => true,
                        Gave::Only(ids) => ids.contains(other),
                    }
            });
            for (i, shared) in list.shared.iter_mut().enumerate() {
                if !counted[i] {
                    continue;
                }
                *list.by_source[i].get_or_insert(0) += 1;
                for (cell, _) in shared.iter_mut().zip(counted).filter(|(_, c)| *c) {
                    *cell += 1;
                }
            }
            if counted.iter().filter(|c| **c).count() == 1 {
                if let Some(i) = counted.iter().position(|c| *c) {
                    list.only[i] += 1;
                }
            }
        }
    }
    let [references, citations] = lists;
    (references, citations)
}

/// The verdict rule of the module documentation.
fn verdict(
    found: bool,
    s2_thin: Option<Thin>,
    references: &ListCoverage,
    citations: &ListCoverage,
    claims_references: bool,
    claims_citations: bool,
) -> Verdict {
    if !found {
        return Verdict::Unresolved;
    }
    if (references.union == 0 && claims_references) || (citations.union == 0 && claims_citations) {
        return Verdict::Thin;
    }
    if s2_thin.is_some() {
        return Verdict::Filled;
    }
    if disagrees(references) || disagrees(citations) {
        return Verdict::Disagrees;
    }
    if s2_short(references) || s2_short(citations) {
        return Verdict::Filled;
    }
    Verdict::Complete
}

/// Two sources that both gave the list share under [`DISAGREE_RATIO`] of the smaller list's
/// links, the smaller holding at least [`DISAGREE_MIN_LINKS`]: the mark of one index having
/// matched another paper. A shorter list the longer one holds (OpenCitations' DOI-to-DOI lists
/// usually are) is no disagreement.
fn disagrees(list: &ListCoverage) -> bool {
    (0..3).any(|i| {
        (i + 1..3).any(|j| {
            let (Some(a), Some(b)) = (list.by_source[i], list.by_source[j]) else {
                return false;
            };
            let smaller = a.min(b);
            smaller >= DISAGREE_MIN_LINKS
                && f64::from(list.shared[i][j]) < DISAGREE_RATIO * f64::from(smaller)
        })
    })
}

/// Semantic Scholar gave the list, but it holds under [`DISAGREE_RATIO`] of the links all the
/// sources found together, and at least [`DISAGREE_MIN_LINKS`] fewer: the others supplied most
/// of it.
fn s2_short(list: &ListCoverage) -> bool {
    let Some(s2) = list.by_source[0] else {
        return false;
    };
    list.union - s2 >= DISAGREE_MIN_LINKS && f64::from(s2) < DISAGREE_RATIO * f64::from(list.union)
}

/// What the audit says in the run's summary: links each secondary source added (edges no other
/// source has), and the catalogue papers still thin or unresolved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourcesSummary {
    /// The sources whose lists are in the graph (`s2` always).
    pub sources: Vec<Source>,
    /// Per source in [`Source::ALL`] order: edges of the graph only that source has.
    pub only: [u64; 3],
    /// Per verdict name, how many catalogue papers.
    pub verdicts: Vec<(String, usize)>,
    /// Catalogue keys whose verdict is `thin`.
    pub thin: Vec<String>,
}

/// The summary of the audit over the whole graph.
pub fn summary(graph: &CitationGraph, rows: &[SourceCoverage]) -> SourcesSummary {
    let mut only = [0u64; 3];
    let mut seen = crate::records::SourceSet::default();
    for edge in graph.graph.raw_edges() {
        let sources = edge.weight.sources;
        seen |= sources;
        let mut iter = sources.iter();
        if let (Some(source), None) = (iter.next(), iter.next()) {
            only[Source::ALL.iter().position(|s| *s == source).unwrap_or(0)] += 1;
        }
    }
    seen.insert(Source::S2);
    let mut verdicts: Vec<(String, usize)> = Vec::new();
    for verdict in [
        Verdict::Complete,
        Verdict::Filled,
        Verdict::Disagrees,
        Verdict::Thin,
        Verdict::Unresolved,
    ] {
        let n = rows.iter().filter(|r| r.verdict == verdict).count();
        if n > 0 {
            verdicts.push((verdict.as_str().to_string(), n));
        }
    }
    SourcesSummary {
        sources: seen.iter().collect(),
        only,
        verdicts,
        thin: rows
            .iter()
            .filter(|r| r.verdict == Verdict::Thin)
            .map(|r| r.key.clone())
            .collect(),
    }
}

/// The lint findings of the catalogue papers a source flags as retracted (severity error:
/// "retracted according to OpenAlex"), at each paper's first listing.
pub fn retracted_findings(
    catalog: &crate::catalog::Catalog,
    rows: &[SourceCoverage],
) -> Vec<crate::catalog::LintFinding> {
    rows.iter()
        .filter(|r| r.retracted == Some(true))
        .map(|r| retracted_finding(catalog, &r.key, &r.title))
        .collect()
}

/// The lint finding of the catalogue paper `key` (titled `title`) OpenAlex flags as retracted:
/// [`crate::catalog::LintKind::Retracted`] (an error) at the paper's first listing. The run's
/// lint ([`retracted_findings`]) and `citegraph lint` (from the cache) both make it here.
pub fn retracted_finding(
    catalog: &crate::catalog::Catalog,
    key: &str,
    title: &str,
) -> crate::catalog::LintFinding {
    let listing = catalog
        .papers
        .iter()
        .find(|p| p.key == key)
        .and_then(|p| p.listings.first());
    crate::catalog::LintFinding {
        kind: crate::catalog::LintKind::Retracted,
        message: format!("\"{title}\" is retracted according to OpenAlex"),
        file: listing.map(|l| l.file.clone()),
        line: listing.map(|l| l.line),
        keys: vec![key.to_string()],
    }
}

/// Leaves out of `missing` every paper a source flags as retracted (OpenAlex `is_retracted` of
/// a linked work, [`SourceLists::retracted_links`]): a retracted paper is never suggested. The
/// flagged ids are read through the works merge, so any record of the work counts.
pub fn drop_retracted(
    missing: &mut Vec<crate::analysis::MissingPaper>,
    graph: &CitationGraph,
    corpus: &Corpus,
) {
    let canonical: std::collections::HashMap<&str, &str> = graph
        .merges
        .iter()
        .map(|m| (m.record_id.as_str(), m.work_id.as_str()))
        .collect();
    let retracted: std::collections::HashSet<&str> = corpus
        .sources
        .iter()
        .flat_map(|c| &c.lists)
        .flat_map(|l| &l.retracted_links)
        .map(|id| canonical.get(id.as_str()).copied().unwrap_or(id.as_str()))
        .collect();
    if retracted.is_empty() {
        return;
    }
    let before = missing.len();
    missing.retain(|m| !retracted.contains(m.paper_id.as_str()));
    if missing.len() < before {
        tracing::info!(
            "{} left out of the missing papers: retracted according to OpenAlex",
            crate::text::count(before - missing.len(), "paper")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list whose sources' links are the first `counts[i]` of `union` links, so the shorter
    /// list of two is part of the longer (tests set `shared` for other overlaps).
    fn list(counts: [Option<u32>; 3], union: u32) -> ListCoverage {
        let mut shared = [[0; 3]; 3];
        for i in 0..3 {
            for j in 0..3 {
                if let (Some(a), Some(b)) = (counts[i], counts[j]) {
                    shared[i][j] = a.min(b);
                }
            }
        }
        ListCoverage {
            by_source: counts,
            union,
            only: [0; 3],
            shared,
        }
    }

    #[test]
    fn verdicts_follow_the_documented_order() {
        let full = list([Some(30), Some(28), None], 32);
        assert_eq!(
            verdict(false, None, &full, &full, true, true),
            Verdict::Unresolved
        );
        let empty = list([None, None, None], 0);
        assert_eq!(
            verdict(true, None, &empty, &full, true, true),
            Verdict::Thin
        );
        assert_eq!(
            verdict(true, None, &empty, &full, false, true),
            Verdict::Complete
        );
        let filled = list([None, Some(25), None], 25);
        assert_eq!(
            verdict(true, Some(Thin::References), &filled, &full, true, true),
            Verdict::Filled
        );
        assert_eq!(
            verdict(true, None, &full, &full, true, true),
            Verdict::Complete
        );
        // 22, 22 and 5 (OpenCitations' DOI-to-DOI part of the same list): no disagreement.
        let part = list([Some(22), Some(22), Some(5)], 22);
        assert_eq!(
            verdict(true, None, &part, &full, true, true),
            Verdict::Complete
        );
        // 30 and 12 with 3 in common: under half of the smaller list.
        let mut apart = list([Some(30), Some(12), None], 39);
        apart.shared[0][1] = 3;
        apart.shared[1][0] = 3;
        assert_eq!(
            verdict(true, None, &apart, &full, true, true),
            Verdict::Disagrees
        );
        // 6 and 2 with nothing in common: the smaller list is under 5 links.
        let mut small = list([Some(6), Some(2), None], 8);
        small.shared[0][1] = 0;
        small.shared[1][0] = 0;
        assert_eq!(
            verdict(true, None, &small, &full, true, true),
            Verdict::Complete
        );
        // Semantic Scholar's 8 of OpenAlex's 30: the others supplied most of the list.
        let short = list([Some(8), Some(30), None], 30);
        assert_eq!(
            verdict(true, None, &short, &full, true, true),
            Verdict::Filled
        );
        // 3 of 7: under half, but only 4 fewer.
        let near = list([Some(3), Some(7), None], 7);
        assert_eq!(
            verdict(true, None, &near, &full, true, true),
            Verdict::Complete
        );
    }

    fn links(ids: &[&str]) -> Option<Vec<Link>> {
        Some(
            ids.iter()
                .map(|id| Link {
                    paper_id: Some(id.to_string()),
                    ..Default::default()
                })
                .collect(),
        )
    }

    #[test]
    fn a_link_another_papers_list_brought_in_makes_no_count() {
        use crate::records::{Gap, PaperRecord, Resolution, SourceCorpus};
        let catalog = crate::catalog::Catalog {
            papers: ["a", "b"]
                .map(|key| crate::catalog::CatalogPaper {
                    key: key.into(),
                    title: format!("Paper {key}"),
                    ..Default::default()
                })
                .to_vec(),
            ..Default::default()
        };
        let record = |id: &str, references: &[&str], citations: &[&str]| PaperRecord {
            paper_id: id.into(),
            citation_count: Some(citations.len() as u64),
            references: links(references),
            citations: links(citations),
            ..Default::default()
        };
        let mut corpus = Corpus {
            resolutions: ["a", "b"]
                .map(|key| Resolution {
                    key: key.into(),
                    paper_id: Some(format!("p{key}")),
                    method: None,
                    note: None,
                    gap: Gap::None,
                })
                .to_vec(),
            records: vec![
                record("pa", &["r1", "r2"], &["c1", "c2"]),
                record(
                    "pb",
                    &["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"],
                    &["c3"],
                ),
            ],
            // OpenAlex was asked about `a` only; its citers of `a` include `b`.
            sources: vec![SourceCorpus {
                source: Some(Source::OpenAlex),
                lists: vec![SourceLists {
                    key: "a".into(),
                    ids: vec!["openalex:WA".into()],
                    references: links(&["r1", "r2"]),
                    citations: links(&["c1", "c2", "pb"]),
                    ..Default::default()
                }],
                requests: 1,
            }],
            ..Default::default()
        };
        crate::records::sources::fold(&mut corpus);
        let graph = crate::graph::build(&catalog, &corpus, crate::graph::Scope::Catalog);
        let rows = source_coverage(&graph, &catalog, &corpus);
        let (a, b) = (&rows[0], &rows[1]);
        // `a`: OpenAlex's own lists count, and its citer `b` is one only OpenAlex has.
        assert_eq!(a.references.by_source, [Some(2), Some(2), None]);
        assert_eq!(a.citations.by_source, [Some(2), Some(3), None]);
        assert_eq!(a.citations.only, [0, 1, 0]);
        assert_eq!(a.verdict, Verdict::Complete);
        // `b`: its edge to `a` is OpenAlex's, but OpenAlex gave no list for `b`.
        assert_eq!(b.references.union, 9);
        assert_eq!(b.references.by_source, [Some(8), None, None]);
        assert_eq!(b.references.only, [8, 0, 0]);
        assert_eq!(b.citations.by_source, [Some(1), None, None]);
        assert_eq!(b.verdict, Verdict::Complete);
    }

    #[test]
    fn a_retracted_paper_is_never_suggested_whatever_record_names_it() {
        use crate::analysis::MissingPaper;
        use crate::records::SourceCorpus;
        let graph = CitationGraph {
            merges: vec![crate::works::Merge {
                work_id: "s2work".into(),
                record_id: "openalex:W7".into(),
                ..Default::default()
            }],
            ..CitationGraph::default()
        };
        let corpus = Corpus {
            sources: vec![SourceCorpus {
                source: Some(Source::OpenAlex),
                lists: vec![SourceLists {
                    key: "k".into(),
                    retracted_links: vec!["openalex:W7".into(), "openalex:W8".into()],
                    ..Default::default()
                }],
                requests: 0,
            }],
            ..Default::default()
        };
        let paper = |id: &str| MissingPaper {
            paper_id: id.into(),
            ..Default::default()
        };
        let mut missing = vec![paper("s2work"), paper("other"), paper("openalex:W8")];
        drop_retracted(&mut missing, &graph, &corpus);
        let kept: Vec<&str> = missing.iter().map(|m| m.paper_id.as_str()).collect();
        assert_eq!(kept, ["other"]);
    }

    #[test]
    fn a_retracted_catalogue_paper_is_an_error_at_its_listing() {
        let catalog = crate::catalog::Catalog {
            papers: vec![crate::catalog::CatalogPaper {
                key: "k".into(),
                title: "A paper".into(),
                listings: vec![crate::catalog::Listing {
                    file: "Vision/Pruning.md".into(),
                    line: 12,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let row = SourceCoverage {
            key: "k".into(),
            paper_id: Some("p".into()),
            title: "A paper".into(),
            year: None,
            s2_thin: None,
            references: ListCoverage::default(),
            citations: ListCoverage::default(),
            retracted: Some(true),
            verdict: Verdict::Complete,
        };
        let findings = retracted_findings(&catalog, &[row]);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.kind.severity(), crate::catalog::Severity::Error);
        assert_eq!(
            (f.file.as_deref(), f.line),
            (Some("Vision/Pruning.md"), Some(12))
        );
        assert!(
            f.message.contains("retracted according to OpenAlex"),
            "{}",
            f.message
        );
    }
}
