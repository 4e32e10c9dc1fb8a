//! One paper listed as two catalogue papers (fabian-beck/pure-suggest#376,
//! ChenglongMa/zoplicate#37): its arXiv link in one section, its publisher's DOI or a retitled
//! "ATS: ..." form in another. Every output already counts it once (the graph joins the two by
//! their Semantic Scholar record or work); the `duplicate-paper` finding tells the maintainer,
//! names both lines and proposes the listing to keep ([`proposal`]).
//!
//! Two levels:
//! - from the catalogue alone ([`lint_duplicate_papers`], `citegraph lint`, no network): two
//!   papers that share a DOI, ACL or OpenReview id with agreeing titles ([`SharedId`], found
//!   while grouping), or whose titles are equal once a leading method name is set aside
//!   ([`title_forms`]: "ATS: Adaptive Token Sampling ..." and "Adaptive Token Sampling ..."),
//!   unless their arXiv ids or DOIs differ (two versions with ids of their own are two papers);
//! - after resolution ([`same_work_findings`], `run` and `analyze`): two catalogue papers that
//!   resolved to one Semantic Scholar record or to one work (`works`), when the first level has
//!   not already named the pair.

use std::collections::{HashMap, HashSet};

use super::paper::is_preprint;
use super::{Draft, PendingLint};
use crate::catalog::lint_kinds::LintKind;
use crate::catalog::markdown::RawEntry;
use crate::catalog::title::{normalize_title, without_method_name};
use crate::catalog::{Catalog, CatalogPaper, LintFinding};

/// An id (DOI, ACL, OpenReview) a later paper shares with an earlier one whose title agrees.
pub(super) struct SharedId {
    /// The paper that claimed the id first.
    pub owner: usize,
    /// The later paper.
    pub paper: usize,
    /// The later paper's entry that links the id.
    pub entry: usize,
    /// The id as shown, e.g. `DOI 10.1007/978-3-031-20083-0_24`.
    pub id: String,
}

/// What the proposal reads of one listing.
struct Form<'a> {
    title: &'a str,
    file: &'a str,
    line: usize,
    doi: Option<&'a str>,
    venue: Option<&'a str>,
}

impl Form<'_> {
    fn place(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// Why this listing is the better one to keep, when it is: a publisher's DOI, else a
    /// published venue (a preprint server's name is none).
    fn strength(&self) -> Option<String> {
        if let Some(doi) = self.doi {
            return Some(format!("it links the published version, DOI {doi}"));
        }
        self.venue
            .filter(|v| !v.trim().is_empty() && !is_preprint(v))
            .map(|v| format!("it names the published venue, {v}"))
    }
}

fn entry_form(entry: &RawEntry) -> Form<'_> {
    Form {
        title: &entry.title,
        file: &entry.file,
        line: entry.line,
        doi: entry.ids.doi.as_deref(),
        venue: entry.venue.as_deref(),
    }
}

fn paper_form(paper: &CatalogPaper) -> Form<'_> {
    let (file, line) = paper
        .listings
        .first()
        .map_or(("", 0), |l| (l.file.as_str(), l.line));
    Form {
        title: &paper.title,
        file,
        line,
        doi: paper.ids.doi.as_deref(),
        venue: paper.venue.as_deref(),
    }
}

/// Which of two listings of one paper to keep (`true`: the first, `earlier`), and why: the one
/// that links the published version (a DOI), else the one that names a published venue, else
/// the one listed first.
fn proposal(earlier: &Form<'_>, later: &Form<'_>) -> (bool, String) {
    match (earlier.doi.is_some(), later.doi.is_some()) {
        (false, true) => return (false, later.strength().unwrap_or_default()),
        (true, _) => return (true, earlier.strength().unwrap_or_default()),
        (false, false) => {}
    }
    match (earlier.strength(), later.strength()) {
        (None, Some(because)) => (false, because),
        (Some(because), _) => (true, because),
        (None, None) => (true, "it comes first in the list".to_string()),
    }
}

/// The finding's message, and whether the listing proposed for removal (where the finding
/// stands) is the later one.
fn message(earlier: &Form<'_>, later: &Form<'_>, why: &str) -> (String, bool) {
    let (keep_earlier, because) = proposal(earlier, later);
    let (keep, remove) = if keep_earlier {
        (earlier, later)
    } else {
        (later, earlier)
    };
    let text = format!(
        "{:?} at {} and {:?} at {} are one paper ({why}), counted once in every output once both resolve to one record; \
         keep {} ({because}) and remove {}",
        earlier.title,
        earlier.place(),
        later.title,
        later.place(),
        keep.place(),
        remove.place(),
    );
    (text, keep_earlier)
}

/// The forms a title is compared in: normalized whole, and without a leading method name
/// ([`without_method_name`]) with that name (`ATS`).
fn title_forms(title: &str) -> Vec<(String, Option<String>)> {
    let mut forms = vec![(normalize_title(title), None)];
    if let Some(rest) = without_method_name(title) {
        let name = title
            .split_once(':')
            .map(|(name, _)| name.trim().to_string());
        forms.push((rest, name));
    }
    forms.retain(|(form, _)| !form.is_empty());
    forms
}

/// Two papers with ids of their own that differ (two arXiv ids, two DOIs) are two versions,
/// never one paper in two forms.
fn ids_differ(a: &Draft, b: &Draft) -> bool {
    let differ =
        |x: &Option<String>, y: &Option<String>| matches!((x, y), (Some(x), Some(y)) if x != y);
    differ(&a.ids.arxiv, &b.ids.arxiv) || differ(&a.ids.doi, &b.ids.doi)
}

/// The `duplicate-paper` findings of the catalogue alone: the shared ids found while grouping,
/// then the papers whose title forms meet ([`title_forms`]), each pair once, at the listing
/// proposed for removal. O(entries) with a hash map of the forms.
pub(super) fn lint_duplicate_papers(
    entries: &[RawEntry],
    drafts: &[Draft],
    shared: &[SharedId],
    lints: &mut Vec<PendingLint>,
) {
    let mut reported: HashSet<(usize, usize)> = HashSet::new();
    let mut push = |earlier: (usize, usize), later: (usize, usize), why: String| {
        let pair = (earlier.0.min(later.0), earlier.0.max(later.0));
        if earlier.0 == later.0 || !reported.insert(pair) {
            return;
        }
        let (first, second) = (&entries[earlier.1], &entries[later.1]);
        let (text, remove_later) = message(&entry_form(first), &entry_form(second), &why);
        let entry = if remove_later { second } else { first };
        lints.push(PendingLint::at(
            LintKind::DuplicatePaper,
            entry,
            vec![earlier.0, later.0],
            text,
        ));
    };
    for id in shared {
        let owner_entry = drafts[id.owner].first;
        push(
            (id.owner, owner_entry),
            (id.paper, id.entry),
            format!("both link {}", id.id),
        );
    }
    // Form -> the first paper (and entry) that has it.
    let mut first_with: HashMap<String, (usize, usize, Option<String>)> = HashMap::new();
    for (paper, draft) in drafts.iter().enumerate() {
        for &index in &draft.entries {
            for (form, name) in title_forms(&entries[index].title) {
                match first_with.get(&form) {
                    Some(&(other, other_entry, ref other_name)) if other != paper => {
                        if ids_differ(&drafts[other], draft) {
                            continue;
                        }
                        let names: Vec<&str> = [other_name.as_deref(), name.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect();
                        let why = format!(
                            "the titles agree once the leading name {} is set aside",
                            names
                                .iter()
                                .map(|n| format!("{n:?}"))
                                .collect::<Vec<_>>()
                                .join(" / ")
                        );
                        push((other, other_entry), (paper, index), why);
                    }
                    Some(_) => {}
                    None => {
                        first_with.insert(form, (paper, index, name));
                    }
                }
            }
        }
    }
}

/// Catalogue papers that resolved to one work, for [`same_work_findings`].
#[derive(Debug, Clone, PartialEq)]
pub struct SameWork {
    /// The catalogue keys ([`CatalogPaper::key`]), in catalogue order of resolution.
    pub keys: Vec<String>,
    /// How they met, for the message: `both resolved to the Semantic Scholar record ID`, ...
    pub why: String,
}

/// The `duplicate-paper` findings after resolution: for each group of catalogue papers that
/// resolved to one work, its first paper paired with each other one, at the listing proposed
/// for removal, naming both lines; a pair the catalogue's own findings already name as
/// `duplicate-paper` is left out, and so is a key the catalogue does not hold. Sorted by file
/// and line. O(papers + groups).
pub fn same_work_findings(catalog: &Catalog, groups: &[SameWork]) -> Vec<LintFinding> {
    let by_key: HashMap<&str, &CatalogPaper> =
        catalog.papers.iter().map(|p| (p.key.as_str(), p)).collect();
    let named: HashSet<(&str, &str)> = catalog
        .lint
        .iter()
        .filter(|f| f.kind == LintKind::DuplicatePaper)
        .flat_map(|f| {
            f.keys
                .iter()
                .flat_map(move |a| f.keys.iter().map(move |b| (a.as_str(), b.as_str())))
        })
        .collect();
    let mut findings = Vec::new();
    for group in groups {
        let papers: Vec<&CatalogPaper> = group
            .keys
            .iter()
            .filter_map(|k| by_key.get(k.as_str()).copied())
            .collect();
        let Some((first, rest)) = papers.split_first() else {
            continue;
        };
        for other in rest {
            if named.contains(&(first.key.as_str(), other.key.as_str())) {
                continue;
            }
            let (earlier, later) = (paper_form(first), paper_form(other));
            let (text, remove_later) = message(&earlier, &later, &group.why);
            let at = if remove_later { &later } else { &earlier };
            findings.push(LintFinding {
                kind: LintKind::DuplicatePaper,
                message: text,
                file: Some(at.file.to_string()),
                line: Some(at.line),
                keys: vec![first.key.clone(), other.key.clone()],
            });
        }
    }
    findings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    findings
}

/// `lint` with `more` placed where the catalogue's order puts them (kind, then file and line:
/// before the first finding that sorts after each), the findings already there in their order.
/// O((lint + more) * more).
pub fn with_findings(lint: &[LintFinding], more: Vec<LintFinding>) -> Vec<LintFinding> {
    let mut out = lint.to_vec();
    for finding in more {
        let order = |f: &LintFinding| (f.kind, f.file.clone(), f.line);
        let at = out
            .iter()
            .position(|f| order(f) > order(&finding))
            .unwrap_or(out.len());
        out.insert(at, finding);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::merge;
    use super::*;
    use crate::catalog::markdown::parse_file;
    use crate::catalog::mechanisms::MechanismTable;

    fn entry(n: u32, title: &str, url: &str) -> String {
        format!("- **[{n}] {title}**, 2022.\n\n  [[Paper]({url})] ![](https://img.shields.io/badge/Token_Pruning-orange)\n\n")
    }

    /// Merges the entries of two files, `a.md` then `b.md`.
    fn merged(a: &str, b: &str) -> (Vec<CatalogPaper>, Vec<LintFinding>) {
        let mut entries = parse_file("a.md", "A", a).entries;
        entries.extend(parse_file("b.md", "B", b).entries);
        merge(&entries, &MechanismTable::default())
    }

    fn duplicates(lint: &[LintFinding]) -> Vec<&LintFinding> {
        lint.iter()
            .filter(|f| f.kind == LintKind::DuplicatePaper)
            .collect()
    }

    #[test]
    fn a_method_name_in_front_is_the_same_title_and_the_doi_listing_is_kept() {
        let (papers, lint) = merged(
            &entry(
                1,
                "Adaptive Token Sampling for Efficient Vision Transformers",
                "https://arxiv.org/abs/2111.15667",
            ),
            &format!(
                "# B\n\n{}",
                entry(
                    1,
                    "ATS: Adaptive Token Sampling for Efficient Vision Transformers",
                    "https://doi.org/10.1007/978-3-031-20083-0_24"
                )
            ),
        );
        assert_eq!(papers.len(), 2, "two catalogue papers, as listed");
        let found = duplicates(&lint);
        assert_eq!(found.len(), 1, "{lint:?}");
        let f = found[0];
        assert_eq!((f.file.as_deref(), f.line), (Some("a.md"), Some(1)));
        assert_eq!(f.keys, [papers[0].key.clone(), papers[1].key.clone()]);
        assert_eq!(
            f.message,
            "\"Adaptive Token Sampling for Efficient Vision Transformers\" at a.md:1 and \
             \"ATS: Adaptive Token Sampling for Efficient Vision Transformers\" at b.md:3 are one \
             paper (the titles agree once the leading name \"ATS\" is set aside), counted once in \
             every output once both resolve to one record; keep b.md:3 (it links the published version, DOI \
             10.1007/978-3-031-20083-0_24) and remove a.md:1"
        );
    }

    #[test]
    fn a_shared_doi_under_agreeing_titles_is_a_duplicate_not_a_conflict() {
        let doi = "https://doi.org/10.1109/cvpr.2023.001";
        let (papers, lint) = merged(
            &entry(
                1,
                "ToMe: Token Merging for Fast Vision Transformers at Scale",
                doi,
            ),
            &entry(
                1,
                "Token Merging for Fast Vision Transformers at Scale",
                doi,
            ),
        );
        assert_eq!(papers.len(), 2);
        // Both keep the DOI, so both resolve to its record.
        assert!(papers
            .iter()
            .all(|p| p.ids.doi.as_deref() == Some("10.1109/cvpr.2023.001")));
        assert!(
            lint.iter().all(|f| f.kind != LintKind::ConflictingId),
            "{lint:?}"
        );
        let found = duplicates(&lint);
        assert_eq!(found.len(), 1, "{lint:?}");
        assert!(
            found[0]
                .message
                .contains("(both link DOI 10.1109/cvpr.2023.001)"),
            "{}",
            found[0].message
        );
        // Both link it: the first is kept.
        assert!(found[0].message.ends_with("keep a.md:1 (it links the published version, DOI 10.1109/cvpr.2023.001) and remove b.md:1"), "{}", found[0].message);
        assert_eq!(found[0].file.as_deref(), Some("b.md"));
    }

    #[test]
    fn versions_with_ids_of_their_own_and_other_titles_are_not_duplicates() {
        // Two arXiv ids: two papers, whatever their titles.
        let (_, lint) = merged(
            &entry(
                1,
                "ATS: Adaptive Token Sampling for Efficient Vision Transformers",
                "https://arxiv.org/abs/2111.15667",
            ),
            &entry(
                1,
                "Adaptive Token Sampling for Efficient Vision Transformers",
                "https://arxiv.org/abs/2301.00001",
            ),
        );
        assert!(duplicates(&lint).is_empty(), "{lint:?}");
        // Sibling papers of one group stay apart.
        let (_, lint) = merged(
            &entry(
                1,
                "ToCa: Accelerating Diffusion Transformers with Token-wise Feature Caching",
                "https://arxiv.org/abs/2410.05317",
            ),
            &entry(
                1,
                "DuCa: Accelerating Diffusion Transformers with Dual Feature Caching",
                "https://doi.org/10.1234/duca",
            ),
        );
        assert!(duplicates(&lint).is_empty(), "{lint:?}");
        // A shared DOI under other titles is still a conflict.
        let (_, lint) = merged(
            &entry(
                1,
                "Token Pruning for Vision Transformers",
                "https://doi.org/10.1234/xyz",
            ),
            &entry(
                1,
                "Agent Attention on the Integration of Softmax",
                "https://doi.org/10.1234/xyz",
            ),
        );
        assert!(duplicates(&lint).is_empty(), "{lint:?}");
        assert!(
            lint.iter().any(|f| f.kind == LintKind::ConflictingId),
            "{lint:?}"
        );
    }

    #[test]
    fn one_arxiv_id_under_a_method_name_and_a_subtitle_is_one_paper() {
        let (papers, lint) = merged(
            &entry(1, "EViT: Not All Patches are What You Need", "https://arxiv.org/abs/2202.07800"),
            &entry(1, "Not All Patches are What You Need: Expediting Vision Transformers via Token Reorganizations", "https://arxiv.org/abs/2202.07800"),
        );
        assert_eq!(papers.len(), 1, "{lint:?}");
        assert_eq!(papers[0].listings.len(), 2);
        assert!(
            lint.iter().all(|f| f.kind != LintKind::ConflictingId),
            "{lint:?}"
        );
        assert!(
            lint.iter().any(|f| f.kind == LintKind::TitleDiffers),
            "{lint:?}"
        );
    }

    #[test]
    fn after_resolution_a_pair_is_named_once() {
        let (papers, lint) = merged(
            &entry(
                1,
                "Token Merging: Your ViT But Faster",
                "https://arxiv.org/abs/2210.09461",
            ),
            &format!(
                "# B\n\n{}{}",
                entry(
                    1,
                    "Token Merging: Your ViTs But Faster",
                    "https://doi.org/10.5555/tome"
                ),
                entry(
                    2,
                    "ATS: Token Merging: Your ViT But Faster",
                    "https://doi.org/10.5555/other"
                ),
            ),
        );
        let catalog = Catalog {
            papers,
            lint,
            warnings: Vec::new(),
        };
        let keys: Vec<String> = catalog.papers.iter().map(|p| p.key.clone()).collect();
        assert_eq!(keys.len(), 3);
        // The catalogue names the first and third ("ATS:"); the resolution adds the second.
        assert_eq!(duplicates(&catalog.lint).len(), 1);
        let group = SameWork {
            keys: keys.clone(),
            why: "both resolved to the record r".into(),
        };
        let found = same_work_findings(&catalog, &[group]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].keys, [keys[0].clone(), keys[1].clone()]);
        assert_eq!(
            (found[0].file.as_deref(), found[0].line),
            (Some("a.md"), Some(1))
        );
        assert!(
            found[0].message.contains("(both resolved to the record r)"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("at a.md:1 and")
                && found[0].message.contains("at b.md:3 are one paper"),
            "{}",
            found[0].message
        );
        // Placed among the catalogue's findings by kind, file and line.
        let all = with_findings(&catalog.lint, found);
        let kinds: Vec<LintKind> = all.iter().map(|f| f.kind).collect();
        let mut sorted = kinds.clone();
        sorted.sort();
        assert_eq!(kinds, sorted);
        assert_eq!(duplicates(&all).len(), 2);
        // A key the catalogue does not hold, or a group of one, gives nothing.
        let lone = SameWork {
            keys: vec![keys[0].clone(), "arxiv:none".into()],
            why: String::new(),
        };
        assert!(same_work_findings(&catalog, &[lone]).is_empty());
    }
}
