//! The text summary `analyze` and `run` print ([`summary_text`]): the graph's sizes, the
//! whole-graph measures, the pair tables, the bursts, the largest communities and the top
//! missing papers, a few lines each. Also the catalogue's distinct counts ([`CatalogCounts`])
//! and the catalogue papers that are one work ([`same_work_groups`]), which the summary and the
//! lint share.

use std::collections::HashMap;
use std::fmt::Write;

use super::{Analysis, MissingKind, MissingScope};
use crate::catalog::{Catalog, SameWork};
use crate::graph::CitationGraph;
use crate::records::Corpus;
use crate::text::count;

/// The catalogue's counts in the summary, each paper counted once however many forms it is
/// listed in (see [`super::Summary`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatalogCounts {
    /// Catalogue papers less `duplicates`.
    pub papers: usize,
    /// Distinct works of the resolved catalogue papers (the graph's catalogue nodes).
    pub resolved: usize,
    /// Catalogue papers without a record.
    pub unresolved: usize,
    /// Resolved catalogue papers that are the work of an earlier one.
    pub duplicates: usize,
}

impl CatalogCounts {
    /// From the catalogue, the resolutions and the graph (built on them). O(resolutions).
    pub fn of(catalog: &Catalog, corpus: &Corpus, graph: &CitationGraph) -> CatalogCounts {
        let resolved = corpus
            .resolutions
            .iter()
            .filter(|r| r.paper_id.is_some())
            .count();
        let works = graph.catalog.len().min(resolved);
        let duplicates = resolved - works;
        CatalogCounts {
            papers: catalog.papers.len().saturating_sub(duplicates),
            resolved: works,
            unresolved: corpus.resolutions.len() - resolved,
            duplicates,
        }
    }
}

/// The groups of catalogue papers that resolved to one work (two or more keys on one catalogue
/// node of the graph), in the graph's node order, each with how they met: one Semantic Scholar
/// record, or records the works merge joined (by the reason `merged_records.csv` gives).
/// O(nodes + resolutions + merges).
pub fn same_work_groups(graph: &CitationGraph, corpus: &Corpus) -> Vec<SameWork> {
    let record_of: HashMap<&str, &str> = corpus
        .resolutions
        .iter()
        .filter_map(|r| Some((r.key.as_str(), r.paper_id.as_deref()?)))
        .collect();
    let mut groups = Vec::new();
    for node in graph.nodes() {
        let Some(info) = node.catalog.and_then(|c| graph.catalog.get(c as usize)) else {
            continue;
        };
        if info.keys.len() < 2 {
            continue;
        }
        let mut records: Vec<&str> = Vec::new();
        for record in info.keys.iter().filter_map(|k| record_of.get(k.as_str())) {
            if !records.contains(record) {
                records.push(record);
            }
        }
        let why = if records.len() <= 1 {
            format!(
                "both resolved to the Semantic Scholar record {}",
                records.first().copied().unwrap_or(node.paper_id.as_str())
            )
        } else {
            let merge = graph
                .merges
                .iter()
                .find(|m| records.contains(&m.record_id.as_str()));
            format!(
                "they resolved to the records {}, one work{}",
                records.join(" and "),
                merge
                    .map(|m| format!(" (same {} {}; merged_records.csv)", m.reason, m.value))
                    .unwrap_or_default()
            )
        };
        groups.push(SameWork {
            keys: info.keys.clone(),
            why,
        });
    }
    groups
}

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

/// The sources: which are in the graph, the edges only each has, the audit's verdicts and the
/// catalogue papers still thin (`coverage-sources.csv`).
fn sources_line(analysis: &Analysis, out: &mut String) {
    let sources = &analysis.sources;
    if sources.verdicts.is_empty() {
        return;
    }
    let only: Vec<String> = crate::records::Source::ALL
        .iter()
        .zip(sources.only)
        .filter(|(s, _)| sources.sources.contains(s))
        .map(|(s, n)| format!("{} {n}", s.as_str()))
        .collect();
    let verdicts: Vec<String> = sources
        .verdicts
        .iter()
        .map(|(v, n)| format!("{n} {v}"))
        .collect();
    let _ = write!(
        out,
        "sources: {}; edges only one source has: {}; catalogue papers: {} (coverage-sources.csv)",
        sources
            .sources
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        only.join(", "),
        verdicts.join(", ")
    );
    if !sources.thin.is_empty() {
        let _ = write!(out, "; still thin: {}", sources.thin.join(", "));
    }
    out.push('\n');
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
    let _ = write!(
        out,
        "catalogue: {} listed (distinct), {} resolved (in the graph and every table below), {} unresolved (see unresolved.csv)",
        count(s.catalog_papers, "paper"),
        s.resolved,
        s.unresolved
    );
    if s.duplicates > 0 {
        let _ = write!(
            out,
            "; {} listed again in another form, counted once (lint: duplicate-paper)",
            count(s.duplicates, "paper")
        );
    }
    out.push('\n');
    sources_line(analysis, out);
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
    if let Some(st) = &s.community_stability {
        let _ = writeln!(
            out,
            "stability: Leiden started from the previous run's {}; {} of {} continue one \
             ({} keep its number, {} its label); co-assignment agreement {:.3} over the {} in both runs \
             (adjusted Rand {:.3}), {:.3} over all {} in both",
            crate::text::count_as(st.previous_communities, "community", "communities"),
            st.continued,
            s.communities,
            st.kept_number,
            st.kept_label,
            st.co_assignment,
            count(st.shared_catalog_papers, "catalogue paper"),
            st.adjusted_rand,
            st.co_assignment_all,
            count(st.shared_papers, "paper"),
        );
    }
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
        "influence: PageRank, HITS and missing-paper relevance: {}; the ranking's score (--influence {}): {}",
        s.link_weight.describe(),
        s.influence.as_str(),
        s.influence.formula()
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
    // The largest: numbers persist from run to run, so 0 is not always the largest.
    let mut largest: Vec<&super::Cluster> = analysis.clusters.iter().collect();
    largest.sort_by(|a, b| b.size.cmp(&a.size).then(a.community.cmp(&b.community)));
    for cluster in largest.into_iter().take(5) {
        let _ = writeln!(
            out,
            "  C{} ({} papers): {}",
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
            "{} in-scope {label} ({background} more background){}",
            rows.len(),
            if rows.is_empty() { "" } else { "; top:" }
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
