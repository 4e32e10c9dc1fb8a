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

use std::collections::{BTreeSet, HashMap};

use super::badges::BadgeGroup;
use super::lint_kinds::LintKind;
use super::markdown::RawEntry;
use super::mechanisms::{display_mechanism, label_key, Mechanism, MechanismTable, UNSPECIFIED};
use super::title::{normalize_title, same_title};
use super::{Badges, CatalogPaper, ExternalIds, Links, LintFinding, Listing};

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
    fn at(kind: LintKind, entry: &RawEntry, papers: Vec<usize>, message: String) -> Self {
        Self {
            kind,
            message,
            file: entry.file.clone(),
            line: entry.line,
            papers,
        }
    }
}

struct Draft {
    /// The entry that created the paper: its title and place are the paper's.
    first: usize,
    /// Every entry of the paper, `first` included, in catalogue order.
    entries: Vec<usize>,
    norm_title: String,
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
        ..
    } = grouping;
    let mechanisms: Vec<EntryMechanisms> = entries
        .iter()
        .map(|entry| entry_mechanisms(entry, table))
        .collect();
    lint_listings(entries, &mechanisms, table, &drafts, &paper_of, &mut lints);
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
        claim_ids(
            &mut ids,
            paper,
            entry,
            entries,
            &mut self.drafts,
            &mut self.owners,
            &mut self.lints,
        );
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
        if same_title(&self.drafts[owner].norm_title, norm_title) {
            return Some(owner);
        }
        let first = &entries[self.drafts[owner].first];
        conflicts.push(self.lints.len());
        self.lints.push(PendingLint::at(LintKind::ConflictingId, entry, vec![owner], format!(
                "{:?} links arXiv {arxiv}, which belongs to {:?} ({}); kept as two papers and the id dropped from this entry: fix its link",
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

/// Every finding about the listings: each entry's own (links, mechanisms), the numbering, and
/// the duplicates of each paper, in that order.
fn lint_listings(
    entries: &[RawEntry],
    mechanisms: &[EntryMechanisms],
    table: &MechanismTable,
    drafts: &[Draft],
    paper_of: &[usize],
    lints: &mut Vec<PendingLint>,
) {
    // A list that paints no mechanism badge at all (another family's format) is not asked for one
    // per entry: that finding would only repeat itself.
    let uses_mechanism_badges = entries
        .iter()
        .any(|e| e.badges.iter().any(|b| b.group == BadgeGroup::Mechanism));
    lint_entries(
        entries,
        mechanisms,
        table,
        paper_of,
        uses_mechanism_badges,
        lints,
    );
    lint_numbering(entries, paper_of, lints);
    for (paper, draft) in drafts.iter().enumerate() {
        lint_duplicates(paper, &draft.entries, entries, mechanisms, lints);
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

/// Registers the entry's DOI, ACL and OpenReview ids for `paper`; an id another paper already owns
/// is reported and dropped.
fn claim_ids(
    ids: &mut ExternalIds,
    paper: usize,
    entry: &RawEntry,
    entries: &[RawEntry],
    drafts: &mut [Draft],
    owners: &mut IdOwners,
    lints: &mut Vec<PendingLint>,
) {
    let kinds: [(&str, &mut Option<String>, &mut HashMap<String, usize>); 3] = [
        ("DOI", &mut ids.doi, &mut owners.doi),
        ("ACL Anthology id", &mut ids.acl, &mut owners.acl),
        ("OpenReview id", &mut ids.openreview, &mut owners.openreview),
    ];
    for (name, value, owner_of) in kinds {
        let Some(id) = value.clone() else { continue };
        match owner_of.get(&id) {
            Some(&owner) if owner != paper => {
                let first = &entries[drafts[owner].first];
                lints.push(PendingLint::at(LintKind::ConflictingId, entry, vec![owner, paper], format!(
                        "{:?} links {name} {id}, which belongs to {:?} ({}); the id is dropped from this entry: fix its link",
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
    let draft = &mut drafts[paper].ids;
    draft.doi = draft.doi.take().or_else(|| ids.doi.clone());
    draft.acl = draft.acl.take().or_else(|| ids.acl.clone());
    draft.openreview = draft.openreview.take().or_else(|| ids.openreview.clone());
}

fn location(entry: &RawEntry) -> String {
    format!("{}:{}", entry.file, entry.line)
}

/// The canonical mechanisms of one entry and the labels that could not be used.
struct EntryMechanisms {
    canonical: BTreeSet<String>,
    unknown: Vec<String>,
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

fn lint_entries(
    entries: &[RawEntry],
    mechanisms: &[EntryMechanisms],
    table: &MechanismTable,
    paper_of: &[usize],
    uses_mechanism_badges: bool,
    lints: &mut Vec<PendingLint>,
) {
    for ((entry, mechanism), &paper) in entries.iter().zip(mechanisms).zip(paper_of) {
        let mut push = |kind: LintKind, message: String| {
            lints.push(PendingLint::at(kind, entry, vec![paper], message));
        };
        for url in &entry.unclosed_links {
            push(
                LintKind::MalformedLink,
                format!(
                    "{:?} has a link to {url:?} that is not closed (`[[Paper](URL)]` expected); \
                     it was not read as a link",
                    entry.title
                ),
            );
        }
        if entry.links.paper.is_none() && entry.unclosed_links.is_empty() {
            push(
                LintKind::NoPaperLink,
                format!("{:?} has no paper link (`[[Paper](URL)]`)", entry.title),
            );
        }
        for label in &mechanism.not_mechanisms {
            push(
                LintKind::NotAMechanism,
                format!(
                    "{:?} has the orange badge {label:?}, which is not a compression mechanism; ignored",
                    entry.title
                ),
            );
        }
        for label in &mechanism.unknown {
            push(
                LintKind::UnknownMechanism,
                format!(
                    "{:?}: the mechanism {label:?} is in no alias table; kept under its own name (map it with --mechanisms FILE)",
                    entry.title
                ),
            );
        }
        if mechanism.canonical.is_empty() && uses_mechanism_badges {
            let misplaced: Vec<String> = entry
                .badges
                .iter()
                .filter(|b| b.group != BadgeGroup::Mechanism && table.is_mechanism_label(&b.label))
                .map(|b| format!("{:?}", b.label))
                .collect();
            let hint = if misplaced.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} looks like a mechanism in another colour; mechanism badges are orange)",
                    misplaced.join(", ")
                )
            };
            push(
                LintKind::NoMechanism,
                format!(
                    "{:?} has no mechanism badge; counted as {}{hint}",
                    entry.title,
                    display_mechanism(UNSPECIFIED)
                ),
            );
        }
        for target in &entry.malformed_links {
            push(
                LintKind::MalformedLink,
                format!(
                    "{:?} has the malformed link target {target:?}; read as the URL inside",
                    entry.title
                ),
            );
        }
    }
}

/// Written numbers (`[12]`) count up by one within a list; a list may restart at 1 (or continue)
/// after a heading, as the reference lists do per year or per task.
fn lint_numbering(entries: &[RawEntry], paper_of: &[usize], lints: &mut Vec<PendingLint>) {
    let mut previous: Option<(&str, u32, usize)> = None;
    for (entry, &paper) in entries.iter().zip(paper_of) {
        let Some(number) = entry.number.filter(|_| entry.number_written) else {
            continue;
        };
        let (expected, restart_allowed, previous_number) = match previous {
            Some((file, prev, heading)) if file == entry.file => (
                prev.saturating_add(1),
                heading != entry.heading_index,
                Some(prev),
            ),
            _ => (1, false, None),
        };
        previous = Some((&entry.file, number, entry.heading_index));
        if number == expected || (restart_allowed && number == 1) {
            continue;
        }
        let (kind, message) = match previous_number {
            Some(prev) if number <= prev => (
                LintKind::NumberingRepeat,
                format!(
                    "[{number}] {:?} follows [{prev}]; expected [{expected}]",
                    entry.title
                ),
            ),
            Some(prev) => (
                LintKind::NumberingGap,
                format!(
                    "[{number}] {:?} follows [{prev}]; [{expected}] is missing",
                    entry.title
                ),
            ),
            None => (
                LintKind::NumberingGap,
                format!("the list starts at [{number}] {:?}, not [1]", entry.title),
            ),
        };
        lints.push(PendingLint::at(kind, entry, vec![paper], message));
    }
}

/// Labels of one badge group: comparison key to the label as written.
type LabelSet = std::collections::BTreeMap<String, String>;

/// The badge groups duplicates should agree on (applications differ legitimately by domain).
fn badge_signature(entry: &RawEntry, mechanism: &EntryMechanisms) -> Vec<(&'static str, LabelSet)> {
    let group = |wanted: BadgeGroup| -> LabelSet {
        entry
            .badges
            .iter()
            .filter(|b| b.group == wanted)
            .map(|b| (label_key(&b.label), b.label.clone()))
            .collect()
    };
    vec![
        ("abbreviation", group(BadgeGroup::Abbreviation)),
        ("training", group(BadgeGroup::Training)),
        ("criteria", group(BadgeGroup::Criteria)),
        (
            "mechanism",
            mechanism
                .canonical
                .iter()
                .map(|m| (label_key(m), m.clone()))
                .collect(),
        ),
    ]
}

fn lint_duplicates(
    paper: usize,
    listing: &[usize],
    entries: &[RawEntry],
    mechanisms: &[EntryMechanisms],
    lints: &mut Vec<PendingLint>,
) {
    let Some((&first, rest)) = listing.split_first() else {
        return;
    };
    let head = &entries[first];
    let head_signature = badge_signature(head, &mechanisms[first]);
    let show = |set: &LabelSet| {
        if set.is_empty() {
            "none".to_string()
        } else {
            set.values().cloned().collect::<Vec<_>>().join(", ")
        }
    };
    let mut title_variants: Vec<&RawEntry> = Vec::new();
    for &other in rest {
        let entry = &entries[other];
        let signature = badge_signature(entry, &mechanisms[other]);
        let differences: Vec<String> = head_signature
            .iter()
            .zip(&signature)
            .filter(|((_, a), (_, b))| !a.keys().eq(b.keys()))
            .map(|((group, a), (_, b))| format!("{group}: {} vs {}", show(a), show(b)))
            .collect();
        if !differences.is_empty() {
            lints.push(PendingLint::at(
                LintKind::DuplicateDisagrees,
                entry,
                vec![paper],
                format!(
                    "{:?} is listed at {} and here with different badges ({})",
                    head.title,
                    location(head),
                    differences.join("; ")
                ),
            ));
        }
        if entry.file == head.file && entry.sections == head.sections {
            lints.push(PendingLint::at(
                LintKind::DuplicateInSection,
                entry,
                vec![paper],
                format!(
                    "{:?} is listed twice in the same section (also at line {})",
                    entry.title, head.line
                ),
            ));
        }
        if normalize_title(&entry.title) != normalize_title(&head.title) {
            title_variants.push(entry);
        }
    }
    for entry in title_variants {
        lints.push(PendingLint::at(
            LintKind::TitleDiffers,
            entry,
            vec![paper],
            format!(
                "the same paper is titled {:?} here and {:?} at {}",
                entry.title,
                head.title,
                location(head)
            ),
        ));
    }
}

fn is_preprint(venue: &str) -> bool {
    let venue = venue.to_ascii_lowercase();
    venue.starts_with("arxiv") || venue == "openreview" || venue == "preprint"
}

fn build_paper(
    draft: &Draft,
    entries: &[RawEntry],
    mechanisms: &[EntryMechanisms],
) -> CatalogPaper {
    let listed: Vec<&RawEntry> = draft.entries.iter().map(|&i| &entries[i]).collect();
    let first = &entries[draft.first];
    // A published venue says more than the preprint server; its listing's year goes with it.
    let venue_source = listed
        .iter()
        .find(|e| e.venue.as_deref().is_some_and(|v| !is_preprint(v)))
        .or_else(|| listed.iter().find(|e| e.venue.is_some()));
    let year = venue_source
        .and_then(|e| e.year)
        .or_else(|| listed.iter().find_map(|e| e.year));
    let mut canonical: BTreeSet<String> = BTreeSet::new();
    for &i in &draft.entries {
        canonical.extend(mechanisms[i].canonical.iter().cloned());
    }
    let mechanisms: Vec<String> = if canonical.is_empty() {
        vec![UNSPECIFIED.to_string()]
    } else {
        canonical.into_iter().collect()
    };
    let domains: BTreeSet<String> = listed.iter().map(|e| e.domain.clone()).collect();
    let key = match &draft.ids.arxiv {
        Some(arxiv) => format!("arxiv:{arxiv}"),
        None => format!("title:{}", draft.norm_title),
    };
    CatalogPaper {
        key,
        title: first.title.clone(),
        year,
        venue: venue_source.and_then(|e| e.venue.clone()),
        authors: listed
            .iter()
            .find(|e| !e.authors.is_empty())
            .map(|e| e.authors.clone())
            .unwrap_or_default(),
        domains: domains.into_iter().collect(),
        mechanisms,
        badges: union_badges(&listed),
        ids: draft.ids.clone(),
        links: Links {
            paper: listed.iter().find_map(|e| e.links.paper.clone()),
            code: listed.iter().find_map(|e| e.links.code.clone()),
        },
        listings: listed
            .iter()
            .map(|e| Listing {
                file: e.file.clone(),
                line: e.line,
                number: e.number,
                sections: e.sections.clone(),
                domain: e.domain.clone(),
            })
            .collect(),
        // The block whose key became the paper's key, so the two always agree.
        bibtex: listed
            .iter()
            .filter(|e| e.ids.bibtex_key == draft.ids.bibtex_key)
            .find_map(|e| e.bibtex.clone()),
    }
}

/// Labels per colour, first spelling kept, in order of first appearance.
fn union_badges(listed: &[&RawEntry]) -> Badges {
    let mut badges = Badges::default();
    let mut seen: BTreeSet<(u8, String)> = BTreeSet::new();
    for entry in listed {
        for badge in &entry.badges {
            let (slot, list) = match badge.group {
                BadgeGroup::Abbreviation => (0, &mut badges.abbreviation),
                BadgeGroup::Application => (1, &mut badges.application),
                BadgeGroup::Training => (2, &mut badges.training),
                BadgeGroup::Criteria => (3, &mut badges.criteria),
                BadgeGroup::Mechanism => (4, &mut badges.mechanism),
                BadgeGroup::Keywords => (5, &mut badges.keywords),
            };
            if seen.insert((slot, label_key(&badge.label))) {
                list.push(badge.label.clone());
            }
        }
    }
    badges
}
