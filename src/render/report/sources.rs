//! The sources section: where the graph's links came from and how complete each catalogue
//! paper's lists are (`coverage-sources.csv`'s data, [`crate::analysis::source_coverage`]).

use std::fmt::Write as _;

use super::table::{table, text};
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
    let shown: Vec<(usize, Source)> = Source::ALL
        .into_iter()
        .enumerate()
        .filter(|(_, s)| summary.sources.contains(s))
        .collect();
    let names: Vec<&str> = shown.iter().map(|(_, s)| s.as_str()).collect();
    let mut out = if shown.len() > 1 {
        format!(
            "<p>Sources of this graph: <b>{}</b>. Each edge of <code>edges.csv</code> names the \
             sources that have it (<code>sources</code>); <code>coverage-sources.csv</code> \
             audits every catalogue paper. Edges only one source has: {}.</p>\n",
            escape::html(&names.join(", ")),
            shown
                .iter()
                .map(|&(i, s)| format!("{} {}", s.as_str(), summary.only[i]))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        "<p>Source of this graph: <b>s2</b> (Semantic Scholar) alone. OpenAlex and OpenCitations \
         can fill its gaps (<code>--sources s2,openalex,opencitations</code>) and check every \
         list (<code>--source-scope all</code>); <code>coverage-sources.csv</code> audits every \
         catalogue paper.</p>\n"
            .to_string()
    };
    let verdicts: Vec<String> = summary
        .verdicts
        .iter()
        .map(|(v, n)| format!("{n} {v}"))
        .collect();
    let _ = writeln!(
        out,
        "<p>Catalogue papers: {}. <i>filled</i>: Semantic Scholar lacked a list (an elided \
         reference list, an unresolved paper), or held under {ratio:.0}% of it, and another \
         source supplied it; <i>disagrees</i>: two sources' lists of a paper share under \
         {ratio:.0}% of the smaller (at least {DISAGREE_MIN_LINKS} links): one index may have \
         matched another paper (a shorter list that the longer holds, as OpenCitations' \
         DOI-to-DOI lists often are, is no disagreement); <i>thin</i>: the graph still holds no \
         reference or citer of a paper known to have some; <i>unresolved</i>: no source found \
         the paper.</p>",
        if verdicts.is_empty() {
            "none".to_string()
        } else {
            verdicts.join(", ")
        },
        ratio = DISAGREE_RATIO * 100.0
    );
    let rows: Vec<Vec<String>> = analysis
        .source_coverage
        .iter()
        .filter(|r| r.verdict != Verdict::Complete || r.retracted == Some(true))
        .map(|r| {
            let mut verdict = r.verdict.as_str().to_string();
            if r.retracted == Some(true) {
                verdict.push_str(", <b>retracted</b> (OpenAlex)");
            }
            let paper = match r.paper_id {
                Some(_) => page.paper(&r.key),
                // Not in the graph: the catalogue's title, not its key.
                None => escape::html(&crate::render::labels::one_line(&r.title)),
            };
            vec![
                paper,
                verdict,
                counts(&r.references, &shown),
                counts(&r.citations, &shown),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Paper"),
            text("Verdict"),
            // Text, not numbers: `s2 13 · openalex 30 · union 35` wraps at its spaces in one
            // column (~500 px) instead of widening the table.
            text("References"),
            text("Citers"),
        ],
        &rows,
        "sources",
    ));
    out
}

/// `s2 12 · openalex 30 · union 31`: the count of each source in the graph (– when it gave no
/// list), then the union; the union alone with one source. A name and its count are joined by a
/// no-break space, so a narrow column wraps between the parts, never inside one.
fn counts(list: &ListCoverage, shown: &[(usize, Source)]) -> String {
    if shown.len() < 2 {
        return list.union.to_string();
    }
    let mut parts: Vec<String> = shown
        .iter()
        .map(|&(i, s)| {
            let n = list.by_source[i].map_or("–".to_string(), |n| n.to_string());
            format!("{}\u{a0}{n}", s.as_str())
        })
        .collect();
    parts.push(format!("union\u{a0}{}", list.union));
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_name_each_source_of_the_graph_then_the_union() {
        let list = ListCoverage {
            by_source: [None, Some(30), Some(12)],
            union: 35,
            only: [0, 23, 5],
            ..ListCoverage::default()
        };
        let all: Vec<(usize, Source)> = Source::ALL.into_iter().enumerate().collect();
        assert_eq!(
            counts(&list, &all),
            "s2\u{a0}– · openalex\u{a0}30 · opencitations\u{a0}12 · union\u{a0}35"
        );
        assert_eq!(
            counts(&list, &all[..1]),
            "35",
            "one source: the union alone"
        );
    }
}
