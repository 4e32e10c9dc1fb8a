//! The listings' own problems, found once every entry has its paper: per entry (unclosed or
//! malformed links, no paper link, mechanisms not known or not mechanisms, no mechanism), the
//! written numbering, and the listings of one paper that disagree.

use super::{location, Draft, EntryMechanisms, PendingLint};
use crate::catalog::badges::BadgeGroup;
use crate::catalog::lint_kinds::LintKind;
use crate::catalog::markdown::RawEntry;
use crate::catalog::mechanisms::{display_mechanism, label_key, MechanismTable, UNSPECIFIED};
use crate::catalog::title::normalize_title;

/// Every finding about the listings: each entry's own (links, mechanisms), the numbering, and
/// the duplicates of each paper, in that order.
pub(super) fn lint_listings(
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

/// Each entry's own findings: its links and its mechanism badges.
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
                    "{:?} has a link to {url:?} that is not closed; it was not read as a link",
                    entry.title
                ),
            );
        }
        if entry.links.paper.is_none() && entry.unclosed_links.is_empty() {
            push(
                LintKind::NoPaperLink,
                format!("{:?} has no paper link", entry.title),
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
                    "{:?}: the mechanism {label:?} is in no alias table; kept under its own name",
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
                    " ({} looks like a mechanism in another colour)",
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

/// The listings of one paper after its first: badges that disagree with the first's, a repeat in
/// the same section, a title written differently.
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
