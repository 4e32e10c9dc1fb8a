//! The report's mechanism tables: the most influential catalogue papers of each mechanism, and
//! the mechanisms at a glance.

use std::fmt::Write as _;

use super::table::{abbreviation_and_title, fixed, num, or_dash, paper_list, percent, table, text};
use super::Page;

/// Rows of each mechanism's influential-papers table.
pub const INFLUENTIAL_PER_MECHANISM: usize = 10;

/// The influential papers section: one table per mechanism.
pub(super) fn influential_papers(page: &Page<'_>) -> String {
    let analysis = page.analysis;
    let mut out = format!(
        "<p>Catalogue papers ranked by the {} influence score ({}; <code>--influence {}</code>); \
         the top {INFLUENTIAL_PER_MECHANISM} of each mechanism. <i>Rank</i> is the rank among all \
         catalogue papers.</p>\n",
        analysis.summary.influence.as_str(),
        analysis.summary.influence.formula(),
        analysis.summary.influence.as_str(),
    );
    let columns = [
        num("Rank"),
        text("Paper"),
        num("Year"),
        num("Score"),
        num("PageRank &times;10<sup>3</sup>"),
        num("Cited in list"),
        num("Citations"),
    ];
    let mut any = false;
    for mechanism in &analysis.mechanisms {
        let rows: Vec<Vec<String>> = analysis
            .influential
            .iter()
            .filter(|p| p.mechanisms.contains(&mechanism.name))
            .take(INFLUENTIAL_PER_MECHANISM)
            .map(|p| {
                vec![
                    p.rank.to_string(),
                    abbreviation_and_title(p.abbreviation.as_deref(), &p.title),
                    or_dash(p.year),
                    fixed(p.score, 3),
                    fixed(p.pagerank * 1000.0, 2),
                    p.catalog_citations.to_string(),
                    or_dash(p.citation_count),
                ]
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(
            out,
            "<h3>{} <span class=\"count\">{} papers</span></h3>",
            page.mechanism(&mechanism.name),
            mechanism.papers
        );
        out.push_str(&table(&columns, &rows, "influential"));
    }
    if !any {
        out.push_str("<p class=\"empty\">Nothing to report.</p>\n");
    }
    out
}

/// The mechanisms section: one row per mechanism with its counts and top papers.
pub(super) fn mechanisms_at_a_glance(page: &Page<'_>) -> String {
    let rows: Vec<Vec<String>> = page
        .analysis
        .mechanisms
        .iter()
        .map(|m| {
            let top: Vec<String> = m.top_papers.iter().take(3).map(|k| page.paper(k)).collect();
            vec![
                page.mechanism(&m.name),
                m.papers.to_string(),
                m.total_citations.to_string(),
                fixed(m.median_citations, 0),
                m.total_catalog_citations.to_string(),
                fixed(m.mean_pagerank * 1000.0, 2),
                format!(
                    "{} <span class=\"sub\">/ {}</span>",
                    if m.homophily_defined() {
                        percent(m.homophily)
                    } else {
                        "n/a".to_string()
                    },
                    percent(m.homophily_expected)
                ),
                paper_list(&top),
            ]
        })
        .collect();
    table(
        &[
            text("Mechanism"),
            num("Papers"),
            num("Citations"),
            num("Median"),
            num("Cited in list"),
            num("Mean PageRank &times;10<sup>3</sup>"),
            num("Within / chance"),
            text("Most influential"),
        ],
        &rows,
        "mechanisms",
    )
}
