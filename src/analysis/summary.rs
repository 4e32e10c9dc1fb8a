//! The text summary `analyze` and `run` print ([`summary_text`]): the graph's sizes, the
//! whole-graph measures, the pair tables, the bursts, the largest communities and the top
//! missing papers, a few lines each.

use std::fmt::Write;

use super::{Analysis, MissingKind, MissingScope};
use crate::text::count;

/// A number with `decimals` decimals, or `n/a` where it is undefined (an agreement with no
/// classes, a share of nothing): never a made-up 1.000 or 100%.
pub fn or_na(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "n/a".to_string(),
    }
}

/// The text summary `analyze` prints.
pub fn summary_text(analysis: &Analysis) -> String {
    let mut out = String::new();
    graph_lines(analysis, &mut out);
    pair_lines(analysis, &mut out);
    time_and_community_lines(analysis, &mut out);
    missing_lines(analysis, &mut out);
    out
}

/// The graph, the catalogue, the communities, the homophily and the link weight.
fn graph_lines(analysis: &Analysis, out: &mut String) {
    let s = &analysis.summary;
    let _ = writeln!(
        out,
        "graph (scope {}): {}, {}, {} between catalogue papers",
        s.scope.as_str(),
        count(s.nodes, "node"),
        count(s.edges, "edge"),
        s.catalog_edges
    );
    let _ = writeln!(
        out,
        "catalogue: {} listed (distinct), {} resolved (in the graph and every table below), {} unresolved (see unresolved.csv)",
        count(s.catalog_papers, "paper"),
        s.resolved,
        s.unresolved
    );
    let _ = writeln!(
        out,
        "communities: {} (modularity {:.4}); mechanism partition modularity {:.4}; \
         communities vs mechanisms NMI {}, ARI {}",
        s.communities,
        s.modularity,
        s.mechanism_modularity,
        or_na(s.nmi, 3),
        or_na(s.ari, 3)
    );
    let homophily = if s.homophily_defined() {
        format!(
            "{:.1}% of catalogue citations stay within a mechanism ({:.1}% by chance)",
            100.0 * s.homophily,
            100.0 * s.homophily_expected
        )
    } else {
        "n/a (no catalogue paper with a mechanism cites another)".to_string()
    };
    let _ = writeln!(out, "homophily: {homophily}; betweenness {}", s.betweenness);
    let _ = writeln!(
        out,
        "influence: PageRank, HITS and missing-paper relevance: {}",
        s.link_weight.describe()
    );
    if !s.age_bias.is_empty() {
        let biases: Vec<String> = s
            .age_bias
            .iter()
            .map(|b| format!("{} {}", b.score, or_na(b.rho, 2)))
            .collect();
        let _ = writeln!(
            out,
            "age bias (Spearman rho with the year, catalogue papers; below 0 favours older): {}",
            biases.join(", ")
        );
    }
}

/// How the co-citation and coupling tables were cut.
fn pair_lines(analysis: &Analysis, out: &mut String) {
    for (name, pairs) in [
        ("co-citation", &analysis.maps.cocitation),
        ("bibliographic coupling", &analysis.maps.coupling),
    ] {
        let _ = write!(
            out,
            "{name}: {} pairs counted at least {} times",
            pairs.pairs, pairs.min_count
        );
        if pairs.bounded {
            let _ = write!(
                out,
                " (bounded by --max-pairs: {} pairs met --pair-min-count)",
                pairs.candidates
            );
        }
        let _ = writeln!(out);
    }
}

/// The bursts, the five largest communities and the merged records.
fn time_and_community_lines(analysis: &Analysis, out: &mut String) {
    let t = &analysis.time;
    let mechanism_bursts = match t.mechanism_bursts.first() {
        Some(b) => format!(
            "{} mechanism bursts (strongest: {} {}-{})",
            t.mechanism_bursts.len(),
            crate::catalog::display_mechanism(&b.mechanism),
            b.start,
            b.end
        ),
        None => "no mechanism burst (no mechanism's share of a year's catalogue papers rose \
                 enough for a Kleinberg burst; bursts_by_mechanism.csv holds its header only)"
            .to_string(),
    };
    let _ = writeln!(
        out,
        "bursts: {} citation bursts of catalogue papers (bursts.csv); {mechanism_bursts}",
        t.bursts.len()
    );
    for cluster in analysis.clusters.iter().take(5) {
        let _ = writeln!(
            out,
            "  community {} ({} papers): {}",
            cluster.community, cluster.size, cluster.label
        );
    }
    let s = &analysis.summary;
    if s.merged_records > 0 {
        let _ = writeln!(
            out,
            "works: {} merged into {} (same DOI, ArXiv id or title; merged_records.csv)",
            count(s.merged_records, "record"),
            count(s.merged_works, "work"),
        );
    }
}

/// The top in-scope missing papers of each kind, the expansion and the tag lint.
fn missing_lines(analysis: &Analysis, out: &mut String) {
    for kind in [MissingKind::Foundation, MissingKind::Candidate] {
        let rows = analysis.ranked_in_scope(kind);
        let background = analysis
            .missing
            .iter()
            .filter(|m| m.kind == kind && m.scope == MissingScope::Background)
            .count();
        let label = match kind {
            MissingKind::Foundation => "foundations (cited by the catalogue, not in it)",
            MissingKind::Candidate => "candidates (citing the catalogue, not in it)",
        };
        let _ = writeln!(
            out,
            "{} in-scope {label} ({background} more background); top:",
            rows.len()
        );
        for m in rows.iter().take(5) {
            let _ = writeln!(
                out,
                "  {:>8.3}  {} ({}), {}, -> {}",
                m.score,
                m.title,
                m.year
                    .map(|y| y.to_string())
                    .unwrap_or_else(|| "n.d.".into()),
                count(m.catalog_papers, "catalogue paper"),
                m.predicted_mechanism
            );
        }
    }
    let expanded = analysis
        .missing
        .iter()
        .filter(|m| m.neighbourhood_links.is_some())
        .count();
    if expanded > 0 {
        let _ = writeln!(
            out,
            "expansion: {} scoped on their neighbourhood's links (--expand; missing.csv neighbourhood_*)",
            count(expanded, "missing paper")
        );
    }
    if !analysis.lint_tags.is_empty() {
        let _ = writeln!(
            out,
            "{} possibly mis-tagged (lint-tags.csv)",
            count(analysis.lint_tags.len(), "catalogue paper")
        );
    }
}
