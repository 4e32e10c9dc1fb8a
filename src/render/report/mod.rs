//! `OUTPUT/report.html`: one self-contained page a survey author can open, print or send: the
//! summary, every figure inline, and the tables (influential papers per mechanism, mechanisms,
//! missing papers with their evidence, coverage, tag lint, unresolved papers, catalogue lint).
//!
//! Self-contained means no request leaves the page: one inline script (the citation map's,
//! [`super::map`], allowed by its hash), styles inline, figures as
//! inline SVG (or PNG `data:` URIs when only PNG was drawn, or a link to `figures/NAME.pdf` when
//! only PDF was), and a Content-Security-Policy that
//! forbids everything else, so even a string that slipped past escaping could not load anything.
//! Every string that came from the catalogue or the API goes through [`escape::html`]; a figure's
//! SVG through [`escape::inline_svg`].
//!
//! The layout: this file holds the [`Report`] exporter, the page frame ([`to_html`]: head,
//! contents, the numbered sections, footer) and [`Page`], what every section reads. One file per
//! group of sections, each returning its sections' HTML:
//! - `summary.rs`: the headline cards;
//! - `figures.rs`: the figures with their captions, and those captions read back
//!   ([`shown_figures`]) for the figures a partial render keeps;
//! - `influential.rs`: the influential papers per mechanism and the mechanisms at a glance;
//! - `missing.rs`: the papers the list may be missing, with their evidence;
//! - `evaluation.rs`: how often those suggestions are right (`run --evaluate`);
//! - `coverage.rs`: the coverage per mechanism and the clusters;
//! - `time.rs`: how the field evolved (main path, bursts, sleeping beauties, RPYS);
//! - `sources.rs`: the sources of the links and the completeness audit of each paper;
//! - `checks.rs`: what to check in the catalogue (badges, unresolved papers, catalogue lint);
//! - `table.rs`: the table and cell helpers they share.
//!
//! The citation map's section is [`super::map::section`]; the styles are `report.css`.

use std::fmt::Write as _;

use anyhow::Result;

use super::charts::{Figure, Palette};
use super::{escape, hex_color, labels, Exporter, OutputFile, View};
use crate::analysis::Analysis;

mod checks;
mod coverage;
mod evaluation;
mod figures;
mod influential;
mod missing;
mod sources;
mod summary;
mod table;
mod time;

pub use coverage::CLUSTERS_SHOWN;
pub use figures::shown_figures;
pub use influential::INFLUENTIAL_PER_MECHANISM;
pub use missing::MISSING_PER_KIND;

/// Writes `report.html`.
pub struct Report;

impl Exporter for Report {
    fn files(&self, view: &View<'_>, figures: &[Figure]) -> Result<Vec<OutputFile>> {
        let page = to_html(view, figures)?;
        Ok(vec![OutputFile::new("report.html", page)])
    }
}

const STYLE: &str = include_str!("report.css");

/// What the sections read: the render's [`View`] (the analysis, its paper index, the mechanism
/// palette), with the cells that name a paper or a mechanism the same way in every table.
struct Page<'a> {
    view: &'a View<'a>,
    analysis: &'a Analysis,
    palette: &'a Palette,
}

impl<'a> Page<'a> {
    fn new(view: &'a View<'a>) -> Self {
        Self {
            view,
            analysis: view.analysis,
            palette: &view.palette,
        }
    }

    /// A catalogue key as a reader knows the paper (abbreviation or short title), escaped, with
    /// the full title as a tooltip.
    fn paper(&self, key: &str) -> String {
        match self.view.paper_by_key(key) {
            Some(p) => format!(
                "<span title=\"{}\">{}</span>",
                escape::html(&labels::one_line(&p.title)),
                escape::html(&labels::paper_label(p.abbreviation.as_deref(), &p.title))
            ),
            None => format!("<code>{}</code>", escape::html(key)),
        }
    }

    /// A mechanism name with its colour swatch.
    fn mechanism(&self, name: &str) -> String {
        format!(
            "<span class=\"mech\"><span class=\"swatch\" style=\"background:{}\"></span>{}</span>",
            hex_color(self.palette.color_of(name)),
            escape::html(&labels::one_line(&crate::catalog::display_mechanism(name)))
        )
    }

    /// Mechanism names with their swatches, side by side.
    fn mechanism_list(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|m| self.mechanism(m))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The whole page: the sections drawn from `view`, with `figures` inline.
pub fn to_html(view: &View<'_>, figures: &[Figure]) -> Result<String> {
    let page = Page::new(view);
    let analysis = view.analysis;
    let mut sections: Vec<(&str, &str, String)> = vec![
        ("summary", "Summary", summary::section(analysis)),
        ("figures", "Figures", figures::section(figures)?),
        ("map", "Citation map", super::map::section(view)),
        ("clusters", "Clusters", coverage::clusters(&page)),
        (
            "influential",
            "Most influential papers per mechanism",
            influential::influential_papers(&page),
        ),
        (
            "mechanisms",
            "Mechanisms at a glance",
            influential::mechanisms_at_a_glance(&page),
        ),
        (
            "missing",
            "Papers the list may be missing",
            missing::section(&page),
        ),
        (
            "coverage",
            "Coverage per mechanism",
            coverage::coverage_per_mechanism(&page),
        ),
        ("time", "How the field evolved", time::section(&page)),
        (
            "sources",
            "Sources and their coverage",
            summary::failed_sources(analysis) + &sources::section(&page),
        ),
        (
            "tag-lint",
            "Mechanism badges to check",
            checks::tag_lint(&page),
        ),
        (
            "unresolved",
            "Unresolved papers",
            checks::unresolved(analysis),
        ),
        (
            "catalog-lint",
            "Catalogue lint",
            checks::catalog_lint(&page),
        ),
    ];
    if let Some(evaluation) = &analysis.evaluation {
        let at = sections
            .iter()
            .position(|(id, _, _)| *id == "missing")
            .map_or(sections.len(), |i| i + 1);
        sections.insert(
            at,
            (
                "evaluation",
                "How often the suggestions are right",
                evaluation::section(evaluation),
            ),
        );
    }

    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing may load from anywhere: styles are inline, pictures are data: URIs, and the one
    // script (the citation map's) runs because its hash is listed.
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:; script-src {}\">",
        super::map::script_hash()
    );
    out.push_str("<meta name=\"generator\" content=\"citegraph\">\n");
    out.push_str("<title>Citation analysis report</title>\n");
    let _ = writeln!(
        out,
        "<style>\n{STYLE}</style>\n</head>\n<body>\n<div class=\"page\">"
    );
    let _ = writeln!(
        out,
        "<header>\n<p class=\"kicker\">citegraph report</p>\n<h1>Citation analysis of the catalogue</h1>\n\
         <p class=\"lede\">{} catalogue papers, {} resolved on Semantic Scholar; a graph of {} papers \
         and {} citations ({} scope).</p>\n</header>",
        analysis.summary.catalog_papers,
        analysis.summary.resolved,
        analysis.summary.nodes,
        analysis.summary.edges,
        escape::html(analysis.summary.scope.as_str()),
    );
    out.push_str("<nav class=\"toc\" aria-label=\"Contents\">\n<div>\n<h2>Contents</h2>\n<ol>\n");
    for (id, title, _) in &sections {
        let _ = writeln!(out, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    out.push_str("</ol>\n</div>\n");
    if !figures.is_empty() {
        out.push_str("<div>\n<h2>Figures</h2>\n<ol>\n");
        for figure in figures {
            let _ = writeln!(
                out,
                "<li><a href=\"#fig-{}\">{}</a></li>",
                figure.name,
                escape::html(&figure.title)
            );
        }
        out.push_str("</ol>\n</div>\n");
    }
    out.push_str("</nav>\n<main>\n");
    for (number, (id, title, body)) in sections.iter().enumerate() {
        let _ = writeln!(
            out,
            "<section id=\"{id}\">\n<h2><span class=\"num\">{}</span>{title}</h2>\n{body}</section>",
            number + 1
        );
    }
    out.push_str(
        "</main>\n<footer>Generated by citegraph from Semantic Scholar data. Citation counts \
         and graph metrics describe the papers' links at the time of the fetch.</footer>\n\
         </div>\n</body>\n</html>\n",
    );
    Ok(out)
}
