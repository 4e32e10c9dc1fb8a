//! The sources section: where the graph's links came from and how complete each catalogue
//! paper's lists are (`coverage-sources.csv`'s data, [`crate::analysis::source_coverage`]).

use std::fmt::Write as _;

use super::table::{num, table, text};
use super::Page;
use crate::analysis::source_coverage::{ListCoverage, Verdict, DISAGREE_MIN_LINKS, DISAGREE_RATIO};
use crate::records::Source;
use crate::render::escape;

/// The section: the sources used and the links only each has, the verdict counts, then the
/// catalogue papers that are not simply complete (filled, disagreeing, thin, unresolved,
/// retracted), each with its counts per source.
pub(super) fn section(page: &Page<'_>) -> String {
    let analysis = page.analysis;
    let summary = &analysis.sources;
    let names: Vec<&str> = summary.sources.iter().map(|s| s.as_str()).collect();
    let mut out = format!(
        "<p>Sources of this graph: <b>{}</b>. Each edge of <code>edges.csv</code> names the \
         sources that have it (<code>sources</code>); <code>coverage-sources.csv</code> audits \
         every catalogue paper. Edges only one source has: {}.</p>\n",
        escape::html(&names.join(", ")),
        Source::ALL
            .iter()
            .zip(summary.only)
            .filter(|(s, _)| summary.sources.contains(s))
            .map(|(s, n)| format!("{} {n}", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let verdicts: Vec<String> = summary
        .verdicts
        .iter()
        .map(|(v, n)| format!("{n} {v}"))
        .collect();
    let _ = writeln!(
        out,
        "<p>Catalogue papers: {}. <i>filled</i>: Semantic Scholar lacked a list (an elided \
         reference list, an unresolved paper) and another source supplied it; <i>disagrees</i>: \
         two sources' counts of a list differ by at least {DISAGREE_MIN_LINKS} links, the smaller \
         under {:.0}% of the larger; <i>thin</i>: the graph still holds no reference or citer of a \
         paper known to have some.</p>",
        if verdicts.is_empty() {
            "none".to_string()
        } else {
            verdicts.join(", ")
        },
        DISAGREE_RATIO * 100.0
    );
    let rows: Vec<Vec<String>> = analysis
        .source_coverage
        .iter()
        .filter(|r| r.verdict != Verdict::Complete || r.retracted)
        .map(|r| {
            let mut verdict = r.verdict.as_str().to_string();
            if r.retracted {
                verdict.push_str(", <b>retracted</b> (OpenAlex)");
            }
            vec![
                page.paper(&r.key),
                verdict,
                counts(&r.references),
                counts(&r.citations),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Paper"),
            text("Verdict"),
            num("References (s2 / openalex / opencitations = union)"),
            num("Citers (s2 / openalex / opencitations = union)"),
        ],
        &rows,
        "sources",
    ));
    out
}

/// `12 / 30 / – = 31`: each source's count (– when it gave no list), then the union.
fn counts(list: &ListCoverage) -> String {
    let each: Vec<String> = list
        .by_source
        .iter()
        .map(|c| c.map_or("–".to_string(), |n| n.to_string()))
        .collect();
    format!("{} = {}", each.join(" / "), list.union)
}
