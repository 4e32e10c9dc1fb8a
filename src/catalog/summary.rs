//! The few lines `citegraph catalog` prints: counts per domain and mechanism, then the lint findings
//! and reading warnings, the first few of each (catalog.json has them all).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::merge::LINT_KINDS;
use super::{Catalog, UNSPECIFIED};

/// Findings and warnings shown before "... and N more".
const SHOWN: usize = 8;

pub fn summary(catalog: &Catalog) -> String {
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
        "catalogue: {} papers from {listings} listings in {} files ({repeated} papers listed more than once)",
        catalog.papers.len(),
        files.len()
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
    for (mechanism, count) in &ranked {
        let _ = writeln!(out, "  {mechanism:<width$}  {count:>4}");
    }

    let mut kinds: BTreeMap<usize, (&str, usize)> = BTreeMap::new();
    for finding in &catalog.lint {
        let rank = LINT_KINDS
            .iter()
            .position(|k| *k == finding.kind)
            .unwrap_or(LINT_KINDS.len());
        kinds.entry(rank).or_insert((&finding.kind, 0)).1 += 1;
    }
    let by_kind: Vec<String> = kinds
        .values()
        .map(|(kind, count)| format!("{kind} {count}"))
        .collect();
    let _ = write!(out, "lint: {} findings", catalog.lint.len());
    if !by_kind.is_empty() {
        let _ = write!(out, " ({})", by_kind.join(", "));
    }
    let _ = writeln!(out);
    for finding in catalog.lint.iter().take(SHOWN) {
        let place = match (&finding.file, finding.line) {
            (Some(file), Some(line)) => format!("{file}:{line}: "),
            (Some(file), None) => format!("{file}: "),
            _ => String::new(),
        };
        let _ = writeln!(out, "  [{}] {place}{}", finding.kind, finding.message);
    }
    more(&mut out, catalog.lint.len());

    let _ = writeln!(out, "warnings: {}", catalog.warnings.len());
    for warning in catalog.warnings.iter().take(SHOWN) {
        let place = match warning.line {
            Some(line) => format!("{}:{line}", warning.file),
            None => warning.file.clone(),
        };
        let _ = writeln!(out, "  {place}: {}", warning.message);
    }
    more(&mut out, catalog.warnings.len());
    out
}

fn more(out: &mut String, total: usize) {
    if total > SHOWN {
        let _ = writeln!(out, "  ... and {} more in catalog.json", total - SHOWN);
    }
}
