//! One paper from its listings: the first listing's title, a published venue over a preprint
//! server, the union of the badges and mechanisms, every listing and domain.

use std::collections::BTreeSet;

use super::{Draft, EntryMechanisms};
use crate::catalog::badges::BadgeGroup;
use crate::catalog::markdown::RawEntry;
use crate::catalog::mechanisms::{label_key, UNSPECIFIED};
use crate::catalog::{Badges, CatalogPaper, Links, Listing};

/// A preprint server's name, not a venue that published the paper.
pub(super) fn is_preprint(venue: &str) -> bool {
    let venue = venue.to_ascii_lowercase();
    venue.starts_with("arxiv") || venue == "openreview" || venue == "preprint"
}

/// The paper of `draft`, from its entries and their mechanisms.
pub(super) fn build_paper(
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
