//! `OUTPUT/report.html`: one self-contained page a survey author can open, print or send: the
//! summary, every figure inline, and the tables (influential papers per mechanism, mechanisms,
//! missing papers with their evidence, coverage, tag lint, unresolved papers, catalogue lint).
//!
//! Self-contained means no request leaves the page: one inline script (the citation map's,
//! [`super::map`], allowed by its hash), styles inline, figures as
//! inline SVG (or PNG `data:` URIs when only PNG was drawn, or a link to `figures/NAME.pdf` when
//! only PDF was), and a Content-Security-Policy that
//! forbids everything else, so even a string that slipped past escaping could not load anything.
//! Every string that came from the catalogue or the API goes through [`escape::html`].

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use anyhow::Result;
use regex::Regex;

use super::charts::{Figure, Palette};
use super::{escape, hex_color, labels, ranked_evidence, Exporter, OutputFile, RenderContext};
use crate::analysis::{or_na, Analysis, MissingKind, MissingPaper, PaperMetrics};

/// Rows of each mechanism's influential-papers table.
pub const INFLUENTIAL_PER_MECHANISM: usize = 10;
/// Rows of each missing-papers table (foundations, candidates).
pub const MISSING_PER_KIND: usize = 20;
/// Mechanisms shown in a missing paper's evidence; the rest are summed up in one line.
const EVIDENCE_GROUPS: usize = 3;
/// Catalogue papers named per mechanism in the evidence.
const EVIDENCE_PAPERS: usize = 5;

/// Writes `report.html`.
pub struct Report;

impl Exporter for Report {
    fn files(&self, context: &RenderContext<'_>) -> Result<Vec<OutputFile>> {
        let page = to_html(context.analysis, context.palette, context.figures)?;
        Ok(vec![OutputFile::new("report.html", page)])
    }
}

mod time;

const STYLE: &str = include_str!("report.css");

/// One table column: its heading and whether it holds numbers (right-aligned).
struct Column {
    title: &'static str,
    numeric: bool,
}

const fn text(title: &'static str) -> Column {
    Column {
        title,
        numeric: false,
    }
}

const fn num(title: &'static str) -> Column {
    Column {
        title,
        numeric: true,
    }
}

/// Lookups the tables share.
struct Names<'a> {
    analysis: &'a Analysis,
    palette: &'a Palette,
    by_key: HashMap<&'a str, &'a PaperMetrics>,
}

impl<'a> Names<'a> {
    fn new(analysis: &'a Analysis, palette: &'a Palette) -> Self {
        let by_key = analysis
            .papers
            .iter()
            .filter_map(|p| Some((p.key.as_deref()?, p)))
            .collect();
        Self {
            analysis,
            palette,
            by_key,
        }
    }

    /// A catalogue key as a reader knows the paper (abbreviation or short title), escaped, with
    /// the full title as a tooltip.
    fn paper(&self, key: &str) -> String {
        match self.by_key.get(key) {
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
            escape::html(&labels::one_line(name))
        )
    }

    fn mechanisms(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|m| self.mechanism(m))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The whole page.
pub fn to_html(analysis: &Analysis, palette: &Palette, figures: &[Figure]) -> Result<String> {
    let names = Names::new(analysis, palette);
    let sections: Vec<(&str, &str, String)> = vec![
        ("summary", "Summary", summary(analysis)),
        ("figures", "Figures", figures_section(figures)?),
        (
            "map",
            "Citation map",
            super::map::section(analysis, palette),
        ),
        ("clusters", "Clusters", clusters(&names)),
        (
            "influential",
            "Most influential papers per mechanism",
            influential(&names),
        ),
        ("mechanisms", "Mechanisms at a glance", mechanisms(&names)),
        ("missing", "Papers the list may be missing", missing(&names)),
        ("coverage", "Coverage per mechanism", coverage(&names)),
        ("time", "How the field evolved", time::section(&names)),
        ("tag-lint", "Mechanism badges to check", tag_lint(&names)),
        ("unresolved", "Unresolved papers", unresolved(analysis)),
        ("catalog-lint", "Catalogue lint", catalog_lint(&names)),
    ];

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

fn card(out: &mut String, value: &str, label: &str, note: &str) {
    let _ = writeln!(
        out,
        "<div class=\"card\"><div class=\"value\">{value}</div><div class=\"label\">{label}</div>{}</div>",
        if note.is_empty() {
            String::new()
        } else {
            format!("<div class=\"note\">{note}</div>")
        }
    );
}

fn percent(value: f64) -> String {
    if value.is_finite() {
        format!("{:.0}%", value * 100.0)
    } else {
        "n/a".to_string()
    }
}

fn fixed(value: f64, digits: usize) -> String {
    if value.is_finite() {
        format!("{value:.digits$}")
    } else {
        "n/a".to_string()
    }
}

fn summary(analysis: &Analysis) -> String {
    let s = &analysis.summary;
    // The cards count the in-scope papers, as the suggestions and the missing-papers sections
    // rank them; background landmarks (ImageNet, BERT) are counted apart.
    let in_scope = |kind: MissingKind| analysis.ranked_in_scope(kind).len();
    let (foundations, candidates) = (
        in_scope(MissingKind::Foundation),
        in_scope(MissingKind::Candidate),
    );
    let background = analysis.missing.len() - foundations - candidates;
    let resolved_share = if s.catalog_papers > 0 {
        percent(s.resolved as f64 / s.catalog_papers as f64)
    } else {
        "n/a".to_string()
    };
    let mut out = String::from("<div class=\"cards\">\n");
    card(
        &mut out,
        &s.catalog_papers.to_string(),
        "catalogue papers",
        &format!(
            "{} resolved ({resolved_share}), {} not",
            s.resolved, s.unresolved
        ),
    );
    card(
        &mut out,
        &s.catalog_edges.to_string(),
        "citations within the list",
        &format!("of {} edges among {} papers", s.edges, s.nodes),
    );
    card(
        &mut out,
        &analysis.mechanisms.len().to_string(),
        "mechanisms",
        &format!("{} domains", analysis.domains.len()),
    );
    if s.homophily_defined() {
        card(
            &mut out,
            &percent(s.homophily),
            "citations within a mechanism",
            &format!("{} expected by chance", percent(s.homophily_expected)),
        );
    } else {
        card(
            &mut out,
            "n/a",
            "citations within a mechanism",
            "no catalogue paper with a mechanism cites another",
        );
    }
    card(
        &mut out,
        &s.communities.to_string(),
        "detected communities",
        &format!("modularity {}", fixed(s.modularity, 2)),
    );
    card(
        &mut out,
        &or_na(s.nmi, 2),
        "communities vs mechanisms (NMI)",
        &format!(
            "ARI {}; mechanism modularity {}",
            or_na(s.ari, 2),
            fixed(s.mechanism_modularity, 2)
        ),
    );
    card(
        &mut out,
        &(foundations + candidates).to_string(),
        "missing papers in scope",
        &format!(
            "{foundations} foundations, {candidates} candidates; {background} background landmarks apart"
        ),
    );
    card(
        &mut out,
        &analysis.catalog_lint.len().to_string(),
        "catalogue lint findings",
        &format!("{} badge checks", analysis.lint_tags.len()),
    );
    out.push_str("</div>\n");
    let lift = if s.homophily_expected > 0.0 && s.homophily.is_finite() {
        format!(
            " ({:.1}&times; the chance level)",
            s.homophily / s.homophily_expected
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<p>{} of the citations between catalogue papers stay within one mechanism{lift}. \
         The {} communities detected in the citation graph agree with the mechanism badges to an \
         NMI of {} (0: independent, 1: identical). Betweenness: {}.</p>",
        if s.homophily_defined() {
            percent(s.homophily)
        } else {
            "n/a (none between papers with a mechanism)".to_string()
        },
        s.communities,
        or_na(s.nmi, 2),
        escape::html(&s.betweenness.to_string()),
    );
    out
}

fn figures_section(figures: &[Figure]) -> Result<String> {
    if figures.is_empty() {
        return Ok(
            "<p class=\"empty\">No figures were drawn (see <code>--figures</code>).</p>\n".into(),
        );
    }
    let mut out = String::from("<div class=\"figures\">\n");
    for (index, figure) in figures.iter().enumerate() {
        let files = figure_files(figure);
        let picture = if let Some(svg) = &figure.svg {
            inline_svg(svg, &figure.title)
        } else if let Some(png) = &figure.png {
            format!(
                "<img src=\"data:image/png;base64,{}\" alt=\"{}\">",
                escape::base64(png),
                escape::html(&figure.title)
            )
        } else if figure.pdf.is_some() {
            // The CSP forbids <object> and <embed>; a link still opens the PDF in the
            // browser's own viewer.
            format!(
                "<p class=\"figure-pdf\"><a href=\"figures/{0}.pdf\">Open Figure {1} (PDF, <code>figures/{0}.pdf</code>)</a><br>\
                 <span class=\"sub\">Only PDF was asked for (<code>--format pdf</code>), so the figure is not drawn \
                 on this page; add <code>svg</code> or <code>png</code> to <code>--format</code> to see it here.</span></p>",
                figure.name,
                index + 1
            )
        } else {
            "<p class=\"empty\">No file of this figure was written (<code>--format</code> named no figure format).</p>".to_string()
        };
        let _ = writeln!(
            out,
            "<figure id=\"fig-{}\">\n{picture}\n<figcaption><b>Figure {}. {}.</b> {}{files}</figcaption>\n</figure>",
            figure.name,
            index + 1,
            escape::html(figure.title.trim_end_matches('.')),
            escape::html(&figure.caption),
        );
    }
    out.push_str("</div>\n");
    Ok(out)
}

/// Links to the files written for `figure` (`figures/NAME.svg`, `.png`, `.pdf`, those drawn), for
/// a caption: " Files: SVG · PDF." (empty when none was written).
fn figure_files(figure: &Figure) -> String {
    let links: Vec<String> = [
        ("svg", "SVG", figure.svg.is_some()),
        ("png", "PNG", figure.png.is_some()),
        ("pdf", "PDF", figure.pdf.is_some()),
    ]
    .iter()
    .filter(|(_, _, written)| *written)
    .map(|(extension, name, _)| {
        format!("<a href=\"figures/{}.{extension}\">{name}</a>", figure.name)
    })
    .collect();
    if links.is_empty() {
        String::new()
    } else {
        format!(
            " <span class=\"figure-files\">Files: {}.</span>",
            links.join(" &middot; ")
        )
    }
}

/// Markup that must not appear inside an inline SVG: elements that run code or embed other
/// documents, event-handler attributes and `javascript:` URLs. Text content cannot match, because
/// an SVG writer escapes `<` in text; only real tags are scanned.
fn unsafe_svg_markup() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(
            r"(?i)^<\s*/?\s*(script|foreignobject|iframe|object|embed|image|use|a)\b|\son[a-z]+\s*=|javascript:|data:|https?:",
        )
        .expect("a literal pattern")
    })
}

fn svg_tag() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| Regex::new(r"<[^>]*>").expect("a literal pattern"))
}

/// The SVG document as an element of the page: prolog and doctype removed, an accessible name
/// added. An SVG carrying any active or external content is embedded as an `<img>` instead,
/// where browsers run no script and load nothing.
pub fn inline_svg(svg: &str, title: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let body = svg[start..].trim_end();
    // The xmlns attribute is allowed to carry http: it is a name, not a request.
    let risky = svg_tag().find_iter(body).any(|tag| {
        let tag = tag
            .as_str()
            .replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        let tag = tag.replace("xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
        unsafe_svg_markup().is_match(&tag)
    });
    if risky || !body.starts_with("<svg") {
        return format!(
            "<img src=\"data:image/svg+xml;base64,{}\" alt=\"{}\">",
            escape::base64(svg.as_bytes()),
            escape::html(title)
        );
    }
    format!(
        "<svg role=\"img\" aria-label=\"{}\"{}",
        escape::html(title),
        &body["<svg".len()..]
    )
}

/// A table; `rows` hold already-escaped HTML cells.
fn table(columns: &[Column], rows: &[Vec<String>], class: &str) -> String {
    if rows.is_empty() {
        return "<p class=\"empty\">Nothing to report.</p>\n".to_string();
    }
    let mut out = format!("<table class=\"{class}\">\n<thead><tr>");
    for column in columns {
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if column.numeric { " class=\"n\"" } else { "" },
            column.title
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (cell, column) in row.iter().zip(columns) {
            let _ = write!(
                out,
                "<td{}>{cell}</td>",
                if column.numeric { " class=\"n\"" } else { "" }
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "&ndash;".to_string(), |v| v.to_string())
}

/// Papers in a table cell, one per line: their names may hold commas, so a comma-joined list
/// would not say where one ends.
fn paper_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        _ => format!(
            "<ul class=\"papers\">{}</ul>",
            items
                .iter()
                .map(|item| format!("<li>{item}</li>"))
                .collect::<String>()
        ),
    }
}

/// A paper cell: the method abbreviation in bold (when the list gives one), then the full title.
fn paper_cell(abbreviation: Option<&str>, title: &str) -> String {
    let title = escape::html(&labels::one_line(title));
    match abbreviation.map(labels::one_line) {
        Some(abbreviation) if !abbreviation.is_empty() => {
            format!("<b>{}</b> {title}", escape::html(&abbreviation))
        }
        _ => title,
    }
}

fn influential(names: &Names<'_>) -> String {
    let analysis = names.analysis;
    let mut out = format!(
        "<p>Catalogue papers ranked by the influence score (PageRank and citations from the list); \
         the top {INFLUENTIAL_PER_MECHANISM} of each mechanism. <i>Rank</i> is the rank among all \
         catalogue papers.</p>\n"
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
                    paper_cell(p.abbreviation.as_deref(), &p.title),
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
            names.mechanism(&mechanism.name),
            mechanism.papers
        );
        out.push_str(&table(&columns, &rows, "influential"));
    }
    if !any {
        out.push_str("<p class=\"empty\">Nothing to report.</p>\n");
    }
    out
}

fn mechanisms(names: &Names<'_>) -> String {
    let rows: Vec<Vec<String>> = names
        .analysis
        .mechanisms
        .iter()
        .map(|m| {
            let top: Vec<String> = m
                .top_papers
                .iter()
                .take(3)
                .map(|k| names.paper(k))
                .collect();
            vec![
                names.mechanism(&m.name),
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

fn missing(names: &Names<'_>) -> String {
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
        let mut papers = names.analysis.ranked_in_scope(kind);
        let total = papers.len();
        papers.truncate(MISSING_PER_KIND);
        let _ = writeln!(
            out,
            "<h3>{heading} <span class=\"count\">top {} of {total}</span></h3>",
            papers.len()
        );
        out.push_str(&missing_table(names, &papers, linked));
    }
    let mut background: Vec<&MissingPaper> = names
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
        out.push_str(&missing_table(names, &background, "Linked"));
    }
    out
}

/// The table of ranked missing papers (in-scope kinds and the background alike); `linked`
/// names the column of linked catalogue papers.
fn missing_table(names: &Names<'_>, papers: &[&MissingPaper], linked: &'static str) -> String {
    let rows: Vec<Vec<String>> = papers
        .iter()
        .enumerate()
        .map(|(i, m)| missing_row(names, i + 1, m))
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

fn missing_row(names: &Names<'_>, rank: usize, m: &MissingPaper) -> Vec<String> {
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
                .map(|k| names.paper(k))
                .collect();
            let more = keys.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" <span class=\"sub\">+{more} more</span>")
            } else {
                String::new()
            };
            format!(
                "<div>{} <span class=\"sub\">({})</span>: {}{more}</div>",
                names.mechanism(mechanism),
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
            names.mechanism(&m.predicted_mechanism),
            meter(m.confidence, "confidence")
        ),
        evidence.join(""),
        fixed(m.score, 3),
    ]
}

/// A small horizontal bar for a share in 0..1, followed by the share in words.
fn meter(share: f64, what: &str) -> String {
    let clamped = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    format!(
        "<span class=\"meter\"><span style=\"width:{:.0}%\"></span></span>{what} {}",
        clamped * 100.0,
        percent(share)
    )
}

fn coverage(names: &Names<'_>) -> String {
    let mut out = String::from(
        "<p>For each mechanism, the papers linked to at least <i>k</i> of its catalogue papers, \
         and how many of them the list already holds. Low completeness points at a part of the \
         list worth a second look.</p>\n",
    );
    let rows: Vec<Vec<String>> = names
        .analysis
        .coverage
        .iter()
        .map(|c| {
            vec![
                names.mechanism(&c.mechanism),
                c.k.to_string(),
                c.linked.to_string(),
                c.missing.to_string(),
                meter(c.completeness.unwrap_or(f64::NAN), ""),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Mechanism"),
            num("k"),
            num("Linked papers"),
            num("Not in the list"),
            text("Completeness"),
        ],
        &rows,
        "coverage",
    ));
    out
}

fn tag_lint(names: &Names<'_>) -> String {
    let mut out = String::from(
        "<p>Catalogue papers whose citation neighbourhood points to another mechanism than their \
         badges say: either the badge or the neighbourhood is unusual.</p>\n",
    );
    let rows: Vec<Vec<String>> = names
        .analysis
        .lint_tags
        .iter()
        .map(|t| {
            vec![
                format!(
                    "{}<div class=\"sub\"><code>{}</code></div>",
                    names.paper(&t.key),
                    escape::html(&t.key)
                ),
                names.mechanisms(&t.mechanisms),
                names.mechanism(&t.suggested),
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

/// Clusters shown in the report's table (the largest; `clusters.csv` lists every one).
pub const CLUSTERS_SHOWN: usize = 20;

/// The communities by size, each with its name, its size, its top papers and the mechanism
/// most of its catalogue papers carry (`clusters.csv`'s data).
fn clusters(names: &Names<'_>) -> String {
    let analysis = names.analysis;
    let mut out = format!(
        "<p>The communities of the {} network (Leiden, modularity {:.3}, resolution {}),          largest first, each named by the title terms most distinctive of it against the rest          of the graph (Dunning's log-likelihood ratio, as CiteSpace labels clusters) and the          short name of its best-known catalogue paper. The same names label the communities          figure, the cluster map (shortened there to the id and first term) and the citation map's filter; <code>clusters.csv</code>          lists every community.</p>\n",
        analysis.maps.community_network.as_str(),
        analysis.summary.modularity,
        analysis.maps.resolution,
    );
    let mut ranked: Vec<&crate::analysis::Cluster> = analysis.clusters.iter().collect();
    ranked.sort_by(|a, b| b.size.cmp(&a.size).then(a.community.cmp(&b.community)));
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .take(CLUSTERS_SHOWN)
        .map(|c| {
            vec![
                escape::html(&labels::community_name(analysis, c.community)),
                c.size.to_string(),
                c.catalog_papers.to_string(),
                paper_list(
                    &c.top_papers
                        .iter()
                        .map(|p| escape::html(&labels::one_line(p)))
                        .collect::<Vec<_>>(),
                ),
                if c.dominant_mechanism.is_empty() {
                    "&ndash;".to_string()
                } else {
                    names.mechanism(&c.dominant_mechanism)
                },
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Cluster"),
            num("Papers"),
            num("Catalogue papers"),
            text("Top papers (PageRank)"),
            text("Dominant mechanism"),
        ],
        &rows,
        "clusters",
    ));
    if ranked.len() > CLUSTERS_SHOWN {
        let _ = writeln!(
            out,
            "<p class=\"note\">{} smaller clusters are in <code>clusters.csv</code>.</p>",
            ranked.len() - CLUSTERS_SHOWN
        );
    }
    out
}

fn unresolved(analysis: &Analysis) -> String {
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

fn catalog_lint(names: &Names<'_>) -> String {
    let findings = &names.analysis.catalog_lint;
    let mut out = String::new();
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for finding in findings {
        match kinds.iter_mut().find(|(k, _)| *k == finding.kind) {
            Some((_, count)) => *count += 1,
            None => kinds.push((&finding.kind, 1)),
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
            let keys: Vec<String> = f.keys.iter().map(|k| names.paper(k)).collect();
            vec![
                format!("<span class=\"chip\">{}</span>", escape::html(&f.kind)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_svg_is_inlined_with_a_name() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n<text>&lt;img src=x onerror=alert(1)&gt;</text></svg>\n";
        let inline = inline_svg(svg, "A \"title\"");
        assert!(inline.starts_with("<svg role=\"img\" aria-label=\"A &quot;title&quot;\" width="));
        assert!(!inline.contains("<?xml"));
    }

    #[test]
    fn active_svg_is_embedded_as_an_image() {
        for svg in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><rect onload=\"alert(1)\"/></svg>",
            "<svg><a href=\"javascript:alert(1)\"><text>x</text></a></svg>",
            "<svg><image href=\"https://example.org/x.png\"/></svg>",
            "<svg><foreignObject><div/></foreignObject></svg>",
        ] {
            let inline = inline_svg(svg, "t");
            assert!(
                inline.starts_with("<img src=\"data:image/svg+xml;base64,"),
                "{svg}"
            );
        }
    }

    #[test]
    fn papers_in_a_cell_stand_one_a_line() {
        let names = vec!["Less is more, again".to_string(), "A, B".to_string()];
        assert_eq!(
            paper_list(&names),
            "<ul class=\"papers\"><li>Less is more, again</li><li>A, B</li></ul>"
        );
        assert_eq!(paper_list(&names[..1]), "Less is more, again");
        assert_eq!(paper_list(&[]), "");
    }
}
