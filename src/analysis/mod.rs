//! The analysis: what a survey author reads off the citation graph. Per paper (influence, cluster),
//! per mechanism and per domain (counts, influence, homophily, flow between mechanisms), and the
//! papers the list is missing. [`Analysis`] is what `analyze` writes to `OUTPUT/metrics.json` and
//! what `render` reads back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::LintFinding;
use crate::s2::Resolution;

/// Everything the render stage needs, serializable as `metrics.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Analysis {
    pub summary: Summary,
    /// One row per node of the graph; catalogue papers first, then by descending PageRank.
    pub papers: Vec<PaperMetrics>,
    /// Per canonical mechanism (`unspecified` included), by descending paper count.
    pub mechanisms: Vec<GroupStats>,
    /// Per domain, by descending paper count.
    pub domains: Vec<GroupStats>,
    /// Citations between catalogue papers, from mechanism (row) to mechanism (column).
    pub flow: Flow,
    /// Foundations and candidates, each kind ranked by score.
    pub missing: Vec<MissingPaper>,
    /// Catalogue papers ranked by the influence score.
    pub influential: Vec<InfluentialPaper>,
    /// Catalogue papers whose citation neighbourhood disagrees with their mechanism badges.
    pub lint_tags: Vec<TagLint>,
    /// How complete each mechanism's part of the list looks.
    pub coverage: Vec<Coverage>,
    /// Edges among the catalogue papers and the top missing papers (for DOT / GraphML / figures);
    /// `source` cites `target`, both Semantic Scholar ids.
    pub core_edges: Vec<EdgeRow>,
    /// Catalogue papers that could not be resolved, with the reason.
    pub unresolved: Vec<Resolution>,
    /// The catalogue's own lint findings, passed through for the report.
    pub catalog_lint: Vec<LintFinding>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// `catalog` or `all`.
    pub scope: String,
    pub catalog_papers: usize,
    pub resolved: usize,
    pub unresolved: usize,
    pub nodes: usize,
    pub edges: usize,
    /// Edges whose both ends are catalogue papers.
    pub catalog_edges: usize,
    pub communities: usize,
    /// Modularity of the detected communities (undirected graph).
    pub modularity: f64,
    /// Modularity of the mechanism partition of the catalogue papers (catalogue subgraph).
    pub mechanism_modularity: f64,
    /// Agreement between detected communities and mechanisms over catalogue papers.
    pub nmi: f64,
    pub ari: f64,
    /// Share of catalogue-to-catalogue citations that stay within a mechanism, and its chance level.
    pub homophily: f64,
    pub homophily_expected: f64,
    /// `exact` or `sampled k=N`.
    pub betweenness: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PaperMetrics {
    pub paper_id: String,
    /// Catalogue key, for catalogue papers.
    pub key: Option<String>,
    pub title: String,
    pub year: Option<i32>,
    pub venue: Option<String>,
    pub in_catalog: bool,
    /// Method abbreviation (blue badge), for labels.
    pub abbreviation: Option<String>,
    pub mechanisms: Vec<String>,
    pub domains: Vec<String>,
    /// How many catalogue papers cite it.
    pub catalog_citations: u32,
    /// Semantic Scholar's global count.
    pub citation_count: Option<u64>,
    pub in_degree: u32,
    pub out_degree: u32,
    pub pagerank: f64,
    pub hub: f64,
    pub authority: f64,
    pub betweenness: f64,
    pub core: u32,
    pub community: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GroupStats {
    pub name: String,
    pub papers: usize,
    pub papers_per_year: BTreeMap<i32, usize>,
    pub total_citations: u64,
    pub median_citations: f64,
    pub total_catalog_citations: u64,
    pub mean_pagerank: f64,
    pub median_pagerank: f64,
    /// Catalogue keys, most influential first.
    pub top_papers: Vec<String>,
    /// Citations from this group's catalogue papers to catalogue papers, and how many stay inside.
    pub citations_out: u64,
    pub citations_within: u64,
    /// citations_within / citations_out, and the share expected by chance.
    pub homophily: f64,
    pub homophily_expected: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Flow {
    pub labels: Vec<String>,
    /// counts[a][b]: citations from papers of mechanism a to papers of mechanism b.
    pub counts: Vec<Vec<u64>>,
    /// counts normalized per row (0 where a row is empty).
    pub shares: Vec<Vec<f64>>,
}

#[derive(
    Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum MissingKind {
    /// Outside the catalogue, cited by many catalogue papers.
    #[default]
    Foundation,
    /// Outside the catalogue, citing many catalogue papers.
    Candidate,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MissingPaper {
    pub paper_id: String,
    pub title: String,
    pub year: Option<i32>,
    pub venue: Option<String>,
    pub authors: Vec<String>,
    /// A link to the paper (arXiv when known, else Semantic Scholar).
    pub url: String,
    pub external_ids: BTreeMap<String, String>,
    pub kind: MissingKind,
    pub score: f64,
    /// Distinct catalogue papers linked to it (the plain count).
    pub catalog_papers: usize,
    /// Distinct mechanisms those catalogue papers span.
    pub mechanisms_spanned: usize,
    /// Co-citation (foundations) or bibliographic coupling (candidates) strength to the catalogue.
    pub structural: f64,
    pub citation_count: Option<u64>,
    /// Mechanism -> catalogue keys linked to it.
    pub evidence: BTreeMap<String, Vec<String>>,
    pub predicted_mechanism: String,
    /// Share of the evidence weight behind the predicted mechanism, 0..1.
    pub confidence: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct InfluentialPaper {
    pub rank: usize,
    pub key: String,
    pub paper_id: String,
    pub title: String,
    pub abbreviation: Option<String>,
    pub year: Option<i32>,
    pub mechanisms: Vec<String>,
    pub score: f64,
    pub pagerank: f64,
    pub catalog_citations: u32,
    pub citation_count: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TagLint {
    pub key: String,
    pub title: String,
    pub mechanisms: Vec<String>,
    /// The mechanism its neighbourhood points to.
    pub suggested: String,
    /// Share of its catalogue neighbours carrying one of its own mechanisms.
    pub agreement: f64,
    /// Share of its catalogue neighbours carrying the suggested mechanism.
    pub suggested_share: f64,
    pub neighbours: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Coverage {
    pub mechanism: String,
    /// Threshold: outside papers linked to at least k catalogue papers of this mechanism.
    pub k: usize,
    /// Papers (in or out of the catalogue) meeting the threshold.
    pub linked: usize,
    /// Of those, the ones outside the catalogue.
    pub missing: usize,
    /// 1 - missing / linked (1 where nothing is linked).
    pub completeness: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EdgeRow {
    pub source: String,
    pub target: String,
    pub is_influential: bool,
}

/// Options of the analysis.
#[derive(Debug, Clone, clap::Args)]
pub struct AnalyzeOptions {
    /// `catalog`: the edges that touch a catalogue paper; `all`: every edge the records hold.
    #[arg(long, default_value = "catalog", value_parser = ["catalog", "all"])]
    pub scope: String,
}

/// Builds the graph and computes every metric.
pub fn analyze(
    catalog: &crate::catalog::Catalog,
    corpus: &crate::s2::Corpus,
    options: &AnalyzeOptions,
) -> anyhow::Result<(Analysis, crate::graph::CitationGraph)> {
    let _ = (catalog, corpus, options);
    anyhow::bail!("the analysis is not built yet (issue #4)")
}

/// The text summary `analyze` prints.
pub fn summary_text(analysis: &Analysis) -> String {
    format!(
        "{} nodes, {} edges\n",
        analysis.summary.nodes, analysis.summary.edges
    )
}
