//! The report's "How the field evolved" section: the main path, the strongest citation bursts,
//! mechanism bursts, the top sleeping beauties, the RPYS peaks, and where the data is thin
//! (see [`crate::analysis::time`]); one function per part, in page order.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::table::{abbreviation_and_title, fixed, num, or_dash, table, text};
use super::Page;
use crate::analysis::time::TimeAnalysis;
use crate::analysis::{Analysis, PaperMetrics};
use crate::render::{escape, labels, View};

/// Rows of the bursts, mechanism bursts and sleeping beauties tables.
const TOP_BURSTS: usize = 15;
const TOP_MECHANISM_BURSTS: usize = 10;
const TOP_BEAUTIES: usize = 10;

/// The section: its parts in page order.
pub(super) fn section(page: &Page<'_>) -> String {
    let analysis = page.analysis;
    let mut out = String::new();
    main_path(&mut out, &analysis.time, page.view);
    citation_bursts(&mut out, page);
    sleeping_beauties(&mut out, analysis);
    historical_roots(&mut out, &analysis.time);
    thin_data(&mut out, analysis);
    out
}

/// A catalogue paper named by its paper id: abbreviation and title, or the id when it is not a
/// catalogue paper.
fn paper_of_id(view: &View<'_>, id: &str) -> String {
    match view.catalog_paper(id) {
        Some(p) => abbreviation_and_title(p.abbreviation.as_deref(), &p.title),
        None => format!("<code>{}</code>", escape::html(id)),
    }
}

/// The year of a catalogue paper named by its paper id, or an en dash.
fn year_of_id(view: &View<'_>, id: &str) -> String {
    or_dash(view.catalog_paper(id).and_then(|p| p.year))
}

/// The main path of the lineage, in order, and how it was found.
fn main_path(out: &mut String, time: &TimeAnalysis, view: &View<'_>) {
    out.push_str("<h3>Main path</h3>\n");
    let main: Vec<_> = time.lineage.iter().filter(|e| e.main_path).collect();
    if main.is_empty() {
        out.push_str(
            "<p class=\"empty\">No main path: no catalogue paper with a year cites an earlier \
             one.</p>\n",
        );
    } else {
        let _ = writeln!(
            out,
            "<p>Citations among catalogue papers, from the cited paper to the citing one, kept \
             when the cited paper is earlier by (year, paper id): {} edges and {} source-to-sink \
             paths. The global main path (Liu &amp; Lu 2012) maximizes the sum of search path \
             counts (SPC, Batagelj 2003) over its edges ({}); lineage.csv holds every edge's \
             SPC, lineage_key_routes.csv the key-route main paths and lineage_by_mechanism.csv \
             each mechanism's own main path.</p>",
            time.lineage.len(),
            escape::html(&time.lineage_paths),
            escape::html(&time.main_path_weight)
        );
        // The path in order: its first edge starts where no other edge of it ends.
        let next: HashMap<&str, &str> = main
            .iter()
            .map(|e| (e.source.as_str(), e.target.as_str()))
            .collect();
        let ends: std::collections::HashSet<&str> =
            main.iter().map(|e| e.target.as_str()).collect();
        let mut at = main
            .iter()
            .map(|e| e.source.as_str())
            .find(|s| !ends.contains(s));
        out.push_str("<ol class=\"main-path\">\n");
        let mut steps = 0;
        while let Some(id) = at {
            let _ = writeln!(
                out,
                "<li>{} ({})</li>",
                paper_of_id(view, id),
                year_of_id(view, id)
            );
            at = next.get(id).copied();
            steps += 1;
            if steps > main.len() + 1 {
                break;
            }
        }
        out.push_str("</ol>\n");
    }
}

/// The strongest citation bursts of catalogue papers, then the mechanisms that burst.
fn citation_bursts(out: &mut String, page: &Page<'_>) {
    let time = &page.analysis.time;
    out.push_str("<h3>Citation bursts</h3>\n");
    if let Some((first, last)) = time.burst_years {
        let _ = writeln!(
            out,
            "<p>Kleinberg's two-state model (s = 2, &gamma; = 1, as in CiteSpace) on each \
             catalogue paper's citations per year among all citations of the graph per year, \
             {first}&ndash;{last}; strength is the cost the burst state saves. The {} strongest \
             of {} bursts (bursts.csv):</p>",
            time.bursts.len().min(TOP_BURSTS),
            time.bursts.len()
        );
    }
    let rows: Vec<Vec<String>> = time
        .bursts
        .iter()
        .take(TOP_BURSTS)
        .map(|b| {
            vec![
                paper_of_id(page.view, &b.paper_id),
                year_of_id(page.view, &b.paper_id),
                fixed(b.strength, 2),
                b.start.to_string(),
                b.end.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Paper"),
            num("Year"),
            num("Strength"),
            num("Begin"),
            num("End"),
        ],
        &rows,
        "bursts",
    ));
    out.push_str(
        "<p>Mechanisms that burst in the catalogue: papers per year of the mechanism among all \
         catalogue papers per year (bursts_by_mechanism.csv).</p>\n",
    );
    let rows: Vec<Vec<String>> = time
        .mechanism_bursts
        .iter()
        .take(TOP_MECHANISM_BURSTS)
        .map(|b| {
            vec![
                page.mechanism(&b.mechanism),
                fixed(b.strength, 2),
                b.start.to_string(),
                b.end.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(
        &[text("Mechanism"), num("Strength"), num("Begin"), num("End")],
        &rows,
        "bursts",
    ));
}

/// The catalogue papers of highest beauty coefficient.
fn sleeping_beauties(out: &mut String, analysis: &Analysis) {
    out.push_str("<h3>Sleeping beauties</h3>\n");
    out.push_str(
        "<p>The beauty coefficient B (Ke et al. 2015) of the catalogue papers' yearly citations \
         in the graph: large when a paper stayed below the straight line to its citation peak \
         for long; the awakening year is the year farthest below that line \
         (papers.csv: sleeping_beauty_b, awakening_year).</p>\n",
    );
    let mut beauties: Vec<&PaperMetrics> = analysis
        .papers
        .iter()
        .filter(|p| p.in_catalog && p.sleeping_beauty_b.is_some_and(|b| b > 0.0))
        .collect();
    beauties.sort_by(|a, b| {
        b.sleeping_beauty_b
            .unwrap_or(0.0)
            .total_cmp(&a.sleeping_beauty_b.unwrap_or(0.0))
            .then_with(|| a.paper_id.cmp(&b.paper_id))
    });
    let rows: Vec<Vec<String>> = beauties
        .iter()
        .take(TOP_BEAUTIES)
        .map(|p| {
            vec![
                abbreviation_and_title(p.abbreviation.as_deref(), &p.title),
                or_dash(p.year),
                fixed(p.sleeping_beauty_b.unwrap_or(0.0), 2),
                or_dash(p.awakening_year),
                p.catalog_citations.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Paper"),
            num("Year"),
            num("B"),
            num("Awakening"),
            num("Cited in list"),
        ],
        &rows,
        "beauties",
    ));
}

/// The RPYS peaks: the years the catalogue's references stand out, and their papers.
fn historical_roots(out: &mut String, time: &TimeAnalysis) {
    out.push_str("<h3>Historical roots (RPYS)</h3>\n");
    out.push_str(
        "<p>Reference publication year spectroscopy (Marx et al. 2014): the catalogue's \
         references by the cited paper's year (rpys.csv); the years that stand highest above \
         the median of the five years around them, and the papers of that year the catalogue \
         cites most.</p>\n",
    );
    let rows: Vec<Vec<String>> = time
        .rpys_peaks
        .iter()
        .map(|p| {
            let papers: Vec<String> = p
                .papers
                .iter()
                .map(|q| {
                    format!(
                        "{} ({})",
                        escape::html(&labels::one_line(&q.title)),
                        q.references
                    )
                })
                .collect();
            vec![
                p.year.to_string(),
                p.references.to_string(),
                format!("+{}", p.median_deviation),
                papers.join("; "),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            num("Year"),
            num("References"),
            num("Above median"),
            text("Most cited papers of the year"),
        ],
        &rows,
        "rpys",
    ));
}

/// What the time analysis cannot see: papers without a year, citations outside the lineage.
fn thin_data(out: &mut String, analysis: &Analysis) {
    let time = &analysis.time;
    let c = &time.coverage;
    let _ = writeln!(
        out,
        "<h3>Where the data is thin</h3>\n<ul>\n\
         <li>All of this uses the citations the graph holds: the citations of catalogue papers \
         and their references are complete as far as Semantic Scholar knows them, but the \
         references of the papers they cite, and citations among papers outside the list, are \
         not (scope {}). Bursts and B count only citations in the graph.</li>\n\
         <li>{} of {} catalogue papers have no year: they have no place in the lineage and no \
         beauty coefficient.</li>\n\
         <li>Of {} citations among catalogue papers, {} are in the lineage; {} were dropped \
         because a paper has no year, {} because the cited paper is not earlier (same-year \
         citations the other way round, citations of later versions).</li>\n\
         <li>{} of {} citations in the graph come from papers without a year and count in no \
         year; {} of {} references of catalogue papers point to papers without a year and are \
         left out of RPYS.</li>\n</ul>",
        escape::html(analysis.summary.scope.as_str()),
        c.catalog_papers_without_year,
        c.catalog_papers,
        c.catalog_citations,
        c.lineage_edges,
        c.lineage_without_year,
        c.lineage_against_time,
        c.citations_without_year,
        c.citations_without_year + c.citations_with_year,
        c.references_without_year,
        c.references_without_year + c.references_with_year,
    );
}
