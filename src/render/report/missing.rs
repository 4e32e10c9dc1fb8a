//! The report's missing papers: the candidates and foundations in scope, and the background
//! landmarks, each with the catalogue papers that link to it as evidence.

use std::fmt::Write as _;

use super::table::{fixed, meter, num, table, text};
use super::Page;
use crate::analysis::{MissingKind, MissingPaper};
use crate::render::{escape, labels, ranked_evidence};

/// Rows of each missing-papers table (foundations, candidates).
pub const MISSING_PER_KIND: usize = 20;
/// Mechanisms shown in a missing paper's evidence; the rest are summed up in one line.
const EVIDENCE_GROUPS: usize = 3;
/// Catalogue papers named per mechanism in the evidence.
const EVIDENCE_PAPERS: usize = 5;

/// The missing papers section.
pub(super) fn section(page: &Page<'_>) -> String {
    let mut out = String::from(
        "<p>Papers outside the list that the citation graph ties to it. <i>Candidates</i> cite \
         many catalogue papers (likely new work on the topic); <i>foundations</i> are cited by \
         many (work the field builds on). The predicted mechanism is the one over-represented \
         among the linked catalogue papers (the highest lift, at least 1.5, among mechanisms \
         carried by at least a fifth of them; else <i>uncertain</i>); <code>suggestions.md</code> has them as ready-to-paste entries.</p>\n",
    );
    for (kind, heading, linked) in [
        (MissingKind::Candidate, "Candidates", "Cites"),
        (MissingKind::Foundation, "Foundations", "Cited by"),
    ] {
        let mut papers = page.analysis.ranked_in_scope(kind);
        let total = papers.len();
        papers.truncate(MISSING_PER_KIND);
        let _ = writeln!(
            out,
            "<h3>{heading} <span class=\"count\">top {} of {total}</span></h3>",
            papers.len()
        );
        out.push_str(&missing_table(page, &papers, linked));
    }
    let mut background: Vec<&MissingPaper> = page
        .analysis
        .missing
        .iter()
        .filter(|m| m.scope == crate::analysis::MissingScope::Background)
        .collect();
    if !background.is_empty() {
        background.sort_by_key(|m| std::cmp::Reverse(m.catalog_papers));
        let total = background.len();
        background.truncate(MISSING_PER_KIND);
        let _ = writeln!(
            out,
            "<h3>Foundations to cite in the survey's background <span class=\"count\">top {} of {total}</span></h3>\n<p>Widely cited well beyond the list's field (field lift below the threshold, see README): not entries for the list.</p>",
            background.len()
        );
        out.push_str(&missing_table(page, &background, "Linked"));
    }
    out
}

/// The table of ranked missing papers (in-scope kinds and the background alike); `linked`
/// names the column of linked catalogue papers.
fn missing_table(page: &Page<'_>, papers: &[&MissingPaper], linked: &'static str) -> String {
    let rows: Vec<Vec<String>> = papers
        .iter()
        .enumerate()
        .map(|(i, m)| missing_row(page, i + 1, m))
        .collect();
    let columns = [
        num("#"),
        text("Paper"),
        num(linked),
        text("Predicted mechanism"),
        text("Evidence: linked catalogue papers"),
        num("Score"),
    ];
    table(&columns, &rows, "missing")
}

/// One row of [`missing_table`]: rank, paper, links, predicted mechanism, evidence, score.
fn missing_row(page: &Page<'_>, rank: usize, m: &MissingPaper) -> Vec<String> {
    let title = escape::html(&labels::one_line(&m.title));
    let title = match escape::html_href(&m.url) {
        Some(href) => format!("<a href=\"{href}\">{title}</a>"),
        None => title,
    };
    let mut meta: Vec<String> = Vec::new();
    if let Some(venue) = m.venue.as_deref().map(labels::one_line) {
        if !venue.is_empty() {
            meta.push(escape::html(&venue));
        }
    }
    meta.extend(m.year.map(|y| y.to_string()));
    if !m.authors.is_empty() {
        let shown: Vec<String> = m
            .authors
            .iter()
            .take(3)
            .map(|a| labels::one_line(a))
            .collect();
        let etal = if m.authors.len() > 3 { " et al." } else { "" };
        meta.push(format!("{}{etal}", escape::html(&shown.join(", "))));
    }
    let groups = ranked_evidence(m);
    let mut evidence: Vec<String> = groups
        .iter()
        .take(EVIDENCE_GROUPS)
        .map(|(mechanism, keys)| {
            let shown: Vec<String> = keys
                .iter()
                .take(EVIDENCE_PAPERS)
                .map(|k| page.paper(k))
                .collect();
            let more = keys.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" <span class=\"sub\">+{more} more</span>")
            } else {
                String::new()
            };
            format!(
                "<div>{} <span class=\"sub\">({})</span>: {}{more}</div>",
                page.mechanism(mechanism),
                keys.len(),
                shown.join("; ")
            )
        })
        .collect();
    let rest = &groups[groups.len().min(EVIDENCE_GROUPS)..];
    if !rest.is_empty() {
        let papers: usize = rest.iter().map(|(_, keys)| keys.len()).sum();
        evidence.push(format!(
            "<div class=\"sub\">and {papers} in {} other mechanisms</div>",
            rest.len()
        ));
    }
    vec![
        rank.to_string(),
        format!(
            "{title}<div class=\"sub\">{}</div>",
            meta.join(" &middot; ")
        ),
        format!(
            "{}<div class=\"sub\">{} mech.</div>",
            m.catalog_papers, m.mechanisms_spanned
        ),
        format!(
            "{}<div class=\"sub\">{}</div>",
            page.mechanism(&m.predicted_mechanism),
            meter(m.confidence, "confidence")
        ),
        evidence.join(""),
        fixed(m.score, 3),
    ]
}
