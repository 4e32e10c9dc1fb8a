//! The few lines `citegraph catalog` prints: counts per domain and mechanism, then the lint findings
//! and reading warnings, the first few of each (catalog.json and lint.csv have them all; with
//! [`SummaryOptions::all_lint`] every one is printed).
//!
//! The counts are of the list as written: listings (entries) and distinct papers. Later stages
//! count the papers Semantic Scholar resolved, which can be fewer; the first line says so.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::lint_kinds::LintKind;
use super::mechanisms::display_mechanism;
use super::{Catalog, UNSPECIFIED};
use crate::text::count_as as count;

/// Findings and warnings shown before "... and N more".
const SHOWN: usize = 8;

/// What the summary shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SummaryOptions {
    /// Every lint finding and warning instead of the first few.
    pub all_lint: bool,
}

pub fn summary(catalog: &Catalog, options: SummaryOptions) -> String {
    let shown = if options.all_lint { usize::MAX } else { SHOWN };
    let mut out = String::new();
    let listings: usize = catalog.papers.iter().map(|p| p.listings.len()).sum();
    let repeated = catalog
        .papers
        .iter()
        .filter(|p| p.listings.len() > 1)
        .count();
    let files: std::collections::BTreeSet<&str> = catalog
        .papers
        .iter()
        .flat_map(|p| p.listings.iter().map(|l| l.file.as_str()))
        .collect();
    // Writing to a String cannot fail; the results are ignored for that reason.
    let _ = writeln!(
        out,
        "catalogue: {} ({} listed more than once) from {} in {}; later stages count those Semantic Scholar resolves",
        count(catalog.papers.len(), "distinct paper", "distinct papers"),
        count(repeated, "paper", "papers"),
        count(listings, "listing", "listings"),
        count(files.len(), "file", "files"),
    );

    let mut domains: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for paper in &catalog.papers {
        for domain in &paper.domains {
            domains.entry(domain).or_default().0 += 1;
        }
        for listing in &paper.listings {
            domains.entry(&listing.domain).or_default().1 += 1;
        }
    }
    let _ = writeln!(out, "per domain (papers, listings):");
    let width = domains.keys().map(|d| d.chars().count()).max().unwrap_or(0);
    for (domain, (papers, listed)) in &domains {
        let _ = writeln!(out, "  {domain:<width$}  {papers:>4}  {listed:>4}");
    }

    let mut mechanisms: BTreeMap<&str, usize> = BTreeMap::new();
    for paper in &catalog.papers {
        for mechanism in &paper.mechanisms {
            *mechanisms.entry(mechanism).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = mechanisms.into_iter().collect();
    // Most papers first; `unspecified` last, as it is not a mechanism.
    ranked.sort_by_key(|&(name, count)| (name == UNSPECIFIED, std::cmp::Reverse(count), name));
    let _ = writeln!(out, "per mechanism (papers):");
    let width = ranked
        .iter()
        .map(|(m, _)| m.chars().count())
        .max()
        .unwrap_or(0);
    for (mechanism, papers) in &ranked {
        let mechanism = display_mechanism(mechanism);
        let _ = writeln!(out, "  {mechanism:<width$}  {papers:>4}");
    }

    // Kinds in listing order (most actionable first).
    let mut kinds: BTreeMap<LintKind, usize> = BTreeMap::new();
    for finding in &catalog.lint {
        *kinds.entry(finding.kind).or_default() += 1;
    }
    let by_kind: Vec<String> = kinds
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    let _ = write!(
        out,
        "lint: {}",
        count(catalog.lint.len(), "finding", "findings")
    );
    if !by_kind.is_empty() {
        let _ = write!(out, " ({})", by_kind.join(", "));
    }
    let _ = writeln!(out);
    for finding in catalog.lint.iter().take(shown) {
        let place = match (&finding.file, finding.line) {
            (Some(file), Some(line)) => format!("{file}:{line}: "),
            (Some(file), None) => format!("{file}: "),
            _ => String::new(),
        };
        let _ = writeln!(out, "  [{}] {place}{}", finding.kind, finding.message);
    }
    more(&mut out, catalog.lint.len(), shown);

    let _ = writeln!(out, "warnings: {}", catalog.warnings.len());
    for warning in catalog.warnings.iter().take(shown) {
        let place = match warning.line {
            Some(line) => format!("{}:{line}", warning.file),
            None => warning.file.clone(),
        };
        let _ = writeln!(out, "  {place}: {}", warning.message);
    }
    more(&mut out, catalog.warnings.len(), shown);
    out
}

fn more(out: &mut String, total: usize, shown: usize) {
    if total > shown {
        let _ = writeln!(
            out,
            "  ... and {} more in catalog.json and lint.csv (all of them: --all-lint)",
            total - shown
        );
    }
}
