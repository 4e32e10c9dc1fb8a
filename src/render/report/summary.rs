//! The report's summary: first, when the run has gaps, which catalogue papers lack what a rerun
//! could fill; then the cards of the headline numbers and one paragraph on how the citations
//! follow the mechanisms.

use std::fmt::Write as _;

use super::table::{fixed, percent};
use crate::analysis::{or_na, Analysis, InfluenceScore, MissingKind};
use crate::records::Resolution;
use crate::render::{escape, labels};

/// One card: a big value, what it counts, and an optional note below (HTML, already escaped).
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

/// The gaps of the run (`analysis.unresolved` and `analysis.incomplete` with a
/// [`crate::records::Gap`], then `analysis.source_gaps`: a secondary source that could not
/// answer): a paragraph and one item per paper and source (key, status, why), HTML; empty when
/// none, so a complete run's report is unchanged.
fn gaps(analysis: &Analysis) -> String {
    let papers: Vec<&Resolution> = analysis
        .unresolved
        .iter()
        .chain(&analysis.incomplete)
        .filter(|r| !r.gap.is_none())
        .collect();
    let sources = &analysis.source_gaps;
    if papers.is_empty() && sources.is_empty() {
        return String::new();
    }
    let mut keys: Vec<&str> = papers
        .iter()
        .map(|r| r.key.as_str())
        .chain(sources.iter().map(|g| g.key.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = format!(
        "<p><strong>This run has gaps:</strong> {} {} what a rerun could fill (a request that \
         failed for good, a source's daily budget spent or the source not reached, or offline and \
         not in the cache); citegraph exited with status 3. They are listed in \
         <code>unresolved.csv</code> with their status.</p>\n<ul>\n",
        keys.len(),
        if keys.len() == 1 {
            "catalogue paper lacks"
        } else {
            "catalogue papers lack"
        }
    );
    let title = |key: &str| {
        analysis
            .bibliography
            .iter()
            .find(|b| b.key == key)
            .map(|b| b.title.trim())
            .filter(|t| !t.is_empty())
            .map(|t| format!("{} ", escape::html(&labels::one_line(t))))
            .unwrap_or_default()
    };
    let item = |out: &mut String, key: &str, status: String, note: Option<&str>| {
        let _ = writeln!(
            out,
            "<li>{}<code>{}</code>: {status}{}</li>",
            title(key),
            escape::html(key),
            note.map(|note| format!(" ({})", escape::html(&labels::one_line(note))))
                .unwrap_or_default()
        );
    };
    for paper in papers {
        item(
            &mut out,
            &paper.key,
            paper.gap.status().to_string(),
            paper.note.as_deref(),
        );
    }
    for gap in sources {
        let source = gap.source.map_or("a secondary source", |s| s.as_str());
        item(
            &mut out,
            &gap.key,
            format!("{source} {}", gap.gap.status()),
            Some(&gap.note),
        );
    }
    out.push_str("</ul>\n");
    out
}

/// A paragraph for the top of the "Sources" section naming each secondary source this run asked
/// and could not use for some catalogue papers (`analysis.source_gaps`), so that a source that
/// failed is not read as one never asked; empty when none. HTML.
pub(super) fn failed_sources(analysis: &Analysis) -> String {
    let mut parts: Vec<String> = Vec::new();
    for source in crate::records::Source::ALL {
        let of: Vec<_> = analysis
            .source_gaps
            .iter()
            .filter(|g| g.source == Some(source))
            .collect();
        if of.is_empty() {
            continue;
        }
        let kinds = crate::records::sources::gap_kinds(&of);
        parts.push(format!(
            "<b>{}</b> for {} ({}; first: {})",
            source.as_str(),
            crate::text::count(of.len(), "catalogue paper"),
            kinds,
            escape::html(&labels::one_line(&of[0].note))
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!(
        "<p><strong>Asked but failed:</strong> {}. What it would have added is not \
         in this graph, nor in the counts below; the summary's gaps list the papers, and a rerun \
         could fill them.</p>\n",
        parts.join("; ")
    )
}

/// The summary section.
pub(super) fn section(analysis: &Analysis) -> String {
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
    let mut out = gaps(analysis);
    out.push_str("<div class=\"cards\">\n");
    card(
        &mut out,
        &s.catalog_papers.to_string(),
        "catalogue papers",
        &format!(
            "{} resolved ({resolved_share}), {} not{}",
            s.resolved,
            s.unresolved,
            if s.duplicates > 0 {
                format!(
                    "; {} listed again in another form, counted once",
                    s.duplicates
                )
            } else {
                String::new()
            }
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
        if analysis.mechanisms.len() == 1 {
            "mechanism"
        } else {
            "mechanisms"
        },
        &match analysis.domains.len() {
            1 => "1 domain".to_string(),
            n => format!("{n} domains"),
        },
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
            "{foundations} foundations, {candidates} candidates; {background} more called background (outside the field)"
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
    out.push_str(&age_bias(s));
    out
}

/// Which influence score ranks the papers, and the age bias of both (Spearman's rho with the
/// year among the catalogue papers): a paragraph, empty without the measurement.
fn age_bias(s: &crate::analysis::Summary) -> String {
    let rho = |name: &str| {
        s.age_bias
            .iter()
            .find(|b| b.score == name)
            .map(|b| or_na(b.rho, 2))
    };
    let (Some(classic), Some(fair)) = (rho("influence"), rho("influence_age_fair")) else {
        return String::new();
    };
    let (shown, other) = match s.influence {
        InfluenceScore::Classic => ("classic", "age-fair (<code>--influence age-fair</code>)"),
        InfluenceScore::AgeFair => ("age-fair", "classic (<code>--influence classic</code>)"),
    };
    format!(
        "<p>Influence is ranked by the {shown} score; the {other} is the other choice. Age bias, \
         as Spearman's rank correlation with the publication year among the catalogue papers \
         (below 0: older papers favoured): classic score {classic}, age-fair score {fair}.</p>\n"
    )
}
