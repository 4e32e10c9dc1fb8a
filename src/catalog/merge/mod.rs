//! Listings become papers: entries with the same arXiv id or the same normalized title are one paper
//! that keeps every listing, the union of their badges and all their domains. The catalogue's
//! content problems are found on the way ([`LintFinding`]s).
//!
//! Two entries sharing an arXiv id are the same paper only when their titles agree
//! ([`super::title::same_title`]: equal, one a shortened form of the other, or a typo apart). Otherwise the link is a catalogue error (the
//! reference list has "Dual Feature Caching" carrying ToCa's arXiv link): the later entry stays a
//! paper of its own, loses the borrowed id so nothing downstream resolves it to the wrong paper, and
//! a `conflicting-id` finding says so. DOIs, ACL and OpenReview ids shared by different papers are
//! reported and dropped the same way.
//!
//! Two entries sharing an arXiv id whose titles agree only once a leading method name is set
//! aside ([`super::title::same_written_title`]: "EViT: Not All Patches are What You Need" and
//! "Not All Patches are What You Need: Expediting ...") are the same paper too. Two entries that
//! share a DOI (ACL or OpenReview id) and whose titles agree that way are one paper listed in two
//! forms: both keep the id (so both resolve to the one record), and a `duplicate-paper` finding
//! names both lines and proposes the one to keep (`duplicates.rs`).
//!
//! The files: `mod.rs` groups the entries into papers ([`merge`]) and keys and orders the
//! findings; `checks.rs` finds the listings' own problems (links, mechanisms, numbering,
//! duplicates that disagree); `duplicates.rs` finds the papers that are one paper in two forms
//! (from the catalogue alone, and after resolution: [`same_work_findings`]); `paper.rs` builds
//! each paper from its listings.

mod checks;
mod duplicates;
mod paper;

use std::collections::{BTreeSet, HashMap};

use super::badges::BadgeGroup;
use super::lint_kinds::LintKind;
use super::markdown::RawEntry;
use super::mechanisms::{Mechanism, MechanismTable};
use super::title::{normalize_title, same_title, same_written_title};
use super::{CatalogPaper, ExternalIds, LintFinding};

use checks::lint_listings;
use duplicates::{lint_duplicate_papers, SharedId};
use paper::build_paper;

pub use duplicates::{same_work_findings, with_findings, SameWork};

/// A finding whose keys are filled in once the papers exist.
struct PendingLint {
    kind: LintKind,
    message: String,
    file: String,
    line: usize,
    papers: Vec<usize>,
}

impl PendingLint {
    /// A finding about `entry`, located at its line.
    pub(super) fn at(
        kind: LintKind,
        entry: &RawEntry,
        papers: Vec<usize>,
        message: String,
    ) -> Self {
        Self {
            kind,
            message,
            file: entry.file.clone(),
            line: entry.line,
            papers,
        }
    }
}

/// A paper while the entries are grouped.
struct Draft {
    /// The entry that created the paper: its title and place are the paper's.
    first: usize,
    /// Every entry of the paper, `first` included, in catalogue order.
    entries: Vec<usize>,
    /// The first entry's title, normalized ([`normalize_title`]).
    norm_title: String,
    /// The ids the paper has claimed so far.
    ids: ExternalIds,
}

/// Which paper owns each id value, per id kind.
#[derive(Default)]
struct IdOwners {
    doi: HashMap<String, usize>,
    acl: HashMap<String, usize>,
    openreview: HashMap<String, usize>,
}

/// Merges entries (in catalogue order) into papers and lints the catalogue: the entries are
/// grouped into papers ([`Grouping::add`]), the listings linted ([`lint_listings`]), the papers
/// built ([`build_paper`]), and the findings keyed and ordered ([`findings`]).
pub fn merge(
    entries: &[RawEntry],
    table: &MechanismTable,
) -> (Vec<CatalogPaper>, Vec<LintFinding>) {
    let mut grouping = Grouping::default();
    for (index, entry) in entries.iter().enumerate() {
        grouping.add(index, entry, entries);
    }
    let Grouping {
        drafts,
        mut lints,
        paper_of,
        shared,
        ..
    } = grouping;
    let mechanisms: Vec<EntryMechanisms> = entries
        .iter()
        .map(|entry| entry_mechanisms(entry, table))
        .collect();
    lint_listings(entries, &mechanisms, table, &drafts, &paper_of, &mut lints);
    lint_duplicate_papers(entries, &drafts, &shared, &mut lints);
    let papers: Vec<CatalogPaper> = drafts
        .iter()
        .map(|draft| build_paper(draft, entries, &mechanisms))
        .collect();
    let findings = findings(lints, &papers);
    (papers, findings)
}

/// The papers found so far, the indexes that decide which paper an entry lists, and the
/// conflicts found on the way.
#[derive(Default)]
struct Grouping {
    drafts: Vec<Draft>,
    by_arxiv: HashMap<String, usize>,
    by_title: HashMap<String, usize>,
    owners: IdOwners,
    lints: Vec<PendingLint>,
    /// The paper of each entry added so far, by entry index.
    paper_of: Vec<usize>,
    /// Ids two papers share whose titles agree: one paper listed in two forms.
    shared: Vec<SharedId>,
}

impl Grouping {
    /// Adds `entries[index]` (entries come in catalogue order) to the paper with its arXiv id and
    /// an agreeing title, else to the paper with its title and no other arXiv id, else to a new
    /// paper; then claims its other ids for that paper.
    fn add(&mut self, index: usize, entry: &RawEntry, entries: &[RawEntry]) {
        let norm_title = normalize_title(&entry.title);
        let mut ids = entry.ids.clone();
        // Conflict findings of this entry, completed with its paper once that is known.
        let mut conflicts: Vec<usize> = Vec::new();
        let mut target = self.owner_by_arxiv(entry, entries, &norm_title, &mut ids, &mut conflicts);
        if target.is_none() {
            target = self.owner_by_title(entry, entries, &norm_title, &ids, &mut conflicts);
        }
        let paper = target.unwrap_or_else(|| {
            self.drafts.push(Draft {
                first: index,
                entries: Vec::new(),
                norm_title: norm_title.clone(),
                ids: ExternalIds::default(),
            });
            self.drafts.len() - 1
        });
        for &lint in &conflicts {
            self.lints[lint].papers.push(paper);
        }
        self.by_title.entry(norm_title).or_insert(paper);
        let draft = &mut self.drafts[paper];
        if let Some(arxiv) = &ids.arxiv {
            if draft.ids.arxiv.is_none() {
                draft.ids.arxiv = Some(arxiv.clone());
                self.by_arxiv.insert(arxiv.clone(), paper);
            }
        }
        self.claim_ids(&mut ids, paper, index, entries);
        let draft = &mut self.drafts[paper];
        if draft.ids.bibtex_key.is_none() {
            draft.ids.bibtex_key = ids.bibtex_key.clone();
        }
        draft.entries.push(index);
        self.paper_of.push(paper);
    }

    /// The paper that has the entry's arXiv id, when their titles agree. When they do not, the
    /// link is borrowed: a `conflicting-id` finding (its index pushed to `conflicts`), and the id
    /// is dropped from `ids`.
    fn owner_by_arxiv(
        &mut self,
        entry: &RawEntry,
        entries: &[RawEntry],
        norm_title: &str,
        ids: &mut ExternalIds,
        conflicts: &mut Vec<usize>,
    ) -> Option<usize> {
        let arxiv = ids.arxiv.clone()?;
        let &owner = self.by_arxiv.get(&arxiv)?;
        let first = &entries[self.drafts[owner].first];
        if same_title(&self.drafts[owner].norm_title, norm_title)
            || same_written_title(&first.title, &entry.title)
        {
            return Some(owner);
        }
        conflicts.push(self.lints.len());
        self.lints.push(PendingLint::at(LintKind::ConflictingId, entry, vec![owner], format!(
                "{:?} links arXiv {arxiv}, which belongs to {:?} ({}); kept as two papers and the id dropped from this entry",
                entry.title,
                first.title,
                location(first),
            )));
        ids.arxiv = None;
        None
    }

    /// The paper with the entry's normalized title, unless the two carry different arXiv ids:
    /// then a `conflicting-id` finding (its index pushed to `conflicts`) and two papers.
    fn owner_by_title(
        &mut self,
        entry: &RawEntry,
        entries: &[RawEntry],
        norm_title: &str,
        ids: &ExternalIds,
        conflicts: &mut Vec<usize>,
    ) -> Option<usize> {
        let &owner = self.by_title.get(norm_title)?;
        match (&self.drafts[owner].ids.arxiv, &ids.arxiv) {
            (Some(theirs), Some(ours)) if theirs != ours => {
                conflicts.push(self.lints.len());
                self.lints.push(PendingLint::at(LintKind::ConflictingId, entry, vec![owner], format!(
                        "{:?} has arXiv {ours}, but the same title at {} has arXiv {theirs}; kept as two papers",
                        entry.title,
                        location(&entries[self.drafts[owner].first]),
                    )));
                None
            }
            _ => Some(owner),
        }
    }
}

/// The findings with the keys of their papers, most actionable kind first ([`LintKind`]'s
/// order), then by file and line; the sort is stable, so one place keeps the order found.
fn findings(lints: Vec<PendingLint>, papers: &[CatalogPaper]) -> Vec<LintFinding> {
    let mut findings: Vec<LintFinding> = lints
        .into_iter()
        .map(|lint| {
            let mut keys: Vec<String> = Vec::new();
            for paper in lint.papers {
                if let Some(p) = papers.get(paper) {
                    if !keys.contains(&p.key) {
                        keys.push(p.key.clone());
                    }
                }
            }
            LintFinding {
                kind: lint.kind,
                message: lint.message,
                file: Some(lint.file),
                line: Some(lint.line),
                keys,
            }
        })
        .collect();
    findings.sort_by(|a, b| (a.kind, &a.file, a.line).cmp(&(b.kind, &b.file, b.line)));
    findings
}

impl Grouping {
    /// Registers the entry's DOI, ACL and OpenReview ids for `paper`. An id another paper already
    /// owns is that paper's: when the two titles agree ([`same_written_title`]) the entry is the
    /// same paper in another form, keeps the id and is remembered in [`Grouping::shared`] (a
    /// `duplicate-paper` finding); otherwise a `conflicting-id` finding and the id is dropped.
    fn claim_ids(
        &mut self,
        ids: &mut ExternalIds,
        paper: usize,
        index: usize,
        entries: &[RawEntry],
    ) {
        let entry = &entries[index];
        let owners = &mut self.owners;
        let kinds: [(&str, &mut Option<String>, &mut HashMap<String, usize>); 3] = [
            ("DOI", &mut ids.doi, &mut owners.doi),
            ("ACL Anthology id", &mut ids.acl, &mut owners.acl),
            ("OpenReview id", &mut ids.openreview, &mut owners.openreview),
        ];
        for (name, value, owner_of) in kinds {
            let Some(id) = value.clone() else { continue };
            match owner_of.get(&id) {
                Some(&owner) if owner != paper => {
                    let first = &entries[self.drafts[owner].first];
                    if same_written_title(&first.title, &entry.title) {
                        self.shared.push(SharedId {
                            owner,
                            paper,
                            entry: index,
                            id: format!("{name} {id}"),
                        });
                        continue;
                    }
                    self.lints.push(PendingLint::at(LintKind::ConflictingId, entry, vec![owner, paper], format!(
                            "{:?} links {name} {id}, which belongs to {:?} ({}); the id is dropped from this entry",
                            entry.title,
                            first.title,
                            location(first)
                        )));
                    *value = None;
                }
                _ => {
                    owner_of.insert(id.clone(), paper);
                }
            }
        }
        let draft = &mut self.drafts[paper].ids;
        draft.doi = draft.doi.take().or_else(|| ids.doi.clone());
        draft.acl = draft.acl.take().or_else(|| ids.acl.clone());
        draft.openreview = draft.openreview.take().or_else(|| ids.openreview.clone());
    }
}

/// `file:line` of an entry, for messages.
fn location(entry: &RawEntry) -> String {
    format!("{}:{}", entry.file, entry.line)
}

/// The canonical mechanisms of one entry and the labels that could not be used.
struct EntryMechanisms {
    /// Canonical names (an unknown label is kept under its own name).
    canonical: BTreeSet<String>,
    /// Labels in no alias table.
    unknown: Vec<String>,
    /// Orange labels that are not mechanisms (legend labels).
    not_mechanisms: Vec<String>,
}

fn entry_mechanisms(entry: &RawEntry, table: &MechanismTable) -> EntryMechanisms {
    let mut result = EntryMechanisms {
        canonical: BTreeSet::new(),
        unknown: Vec::new(),
        not_mechanisms: Vec::new(),
    };
    for badge in entry
        .badges
        .iter()
        .filter(|b| b.group == BadgeGroup::Mechanism)
    {
        match table.classify(&badge.label) {
            Mechanism::Known(name) => {
                result.canonical.insert(name);
            }
            Mechanism::Unknown(label) => {
                result.canonical.insert(label.clone());
                result.unknown.push(label);
            }
            Mechanism::Ignored => result.not_mechanisms.push(badge.label.clone()),
        }
    }
    result
}
