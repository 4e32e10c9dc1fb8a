//! What to check in the catalogue: mechanism badges their citation neighbourhood disagrees
//! with, papers that did not resolve on Semantic Scholar, and the catalogue lint findings.

use super::table::{num, paper_list, percent, table, text};
use super::Page;
use crate::analysis::Analysis;
use crate::render::{escape, labels};

/// The badge checks section (the analysis' tag lint).
pub(super) fn tag_lint(page: &Page<'_>) -> String {
    let mut out = String::from(
        "<p>Catalogue papers whose citation neighbourhood points to another mechanism than their \
         badges say: either the badge or the neighbourhood is unusual.</p>\n",
    );
    let rows: Vec<Vec<String>> = page
        .analysis
        .lint_tags
        .iter()
        .map(|t| {
            vec![
                format!(
                    "{}<div class=\"sub\"><code>{}</code></div>",
                    page.paper(&t.key),
                    escape::html(&t.key)
                ),
                page.mechanism_list(&t.mechanisms),
                page.mechanism(&t.suggested),
                percent(t.agreement),
                percent(t.suggested_share),
                t.neighbours.to_string(),
                escape::html(&labels::one_line(&t.reason)),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Paper"),
            text("Badges"),
            text("Neighbourhood says"),
            num("Agreement"),
            num("Suggested share"),
            num("Neighbours"),
            text("Why"),
        ],
        &rows,
        "lint",
    ));
    out
}

/// The unresolved papers section.
pub(super) fn unresolved(analysis: &Analysis) -> String {
    let mut out = String::from(
        "<p>Catalogue papers that could not be matched to a Semantic Scholar record (or matched \
         with a caveat); fixing their links in the list brings them into the graph.</p>\n",
    );
    let rows: Vec<Vec<String>> = analysis
        .unresolved
        .iter()
        .map(|r| {
            vec![
                format!("<code>{}</code>", escape::html(&r.key)),
                r.paper_id.as_deref().map_or_else(
                    || "&ndash;".to_string(),
                    |id| format!("<code>{}</code>", escape::html(id)),
                ),
                escape::html(&labels::one_line(r.note.as_deref().unwrap_or("not found"))),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Catalogue key"),
            text("Semantic Scholar id"),
            text("Why"),
        ],
        &rows,
        "unresolved",
    ));
    out
}

/// The catalogue lint section: a count per kind, then every finding.
pub(super) fn catalog_lint(page: &Page<'_>) -> String {
    let findings = &page.analysis.catalog_lint;
    let mut out = String::new();
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for finding in findings {
        match kinds.iter_mut().find(|(k, _)| *k == finding.kind.as_str()) {
            Some((_, count)) => *count += 1,
            None => kinds.push((finding.kind.as_str(), 1)),
        }
    }
    if !kinds.is_empty() {
        out.push_str("<p>");
        let chips: Vec<String> = kinds
            .iter()
            .map(|(kind, count)| {
                format!(
                    "<span class=\"chip\">{} <b>{count}</b></span>",
                    escape::html(kind)
                )
            })
            .collect();
        out.push_str(&chips.join(" "));
        out.push_str("</p>\n");
    }
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            let place = match (&f.file, f.line) {
                (Some(file), Some(line)) => format!("{}:{line}", escape::html(file)),
                (Some(file), None) => escape::html(file),
                (None, _) => "&ndash;".to_string(),
            };
            let keys: Vec<String> = f.keys.iter().map(|k| page.paper(k)).collect();
            vec![
                format!(
                    "<span class=\"chip\">{}</span>",
                    escape::html(f.kind.as_str())
                ),
                escape::html(&labels::one_line(&f.message)),
                format!("<code>{place}</code>"),
                paper_list(&keys),
            ]
        })
        .collect();
    out.push_str(&table(
        &[text("Kind"), text("Finding"), text("Where"), text("Papers")],
        &rows,
        "lint",
    ));
    out
}
