//! The saved analysis: [`Analysis`] and every row type it holds, the contract between `analyze`,
//! which writes them to `OUTPUT/metrics.json` ([`super::metrics_json`]), and the stages that read
//! them back (`render`, `watch`).
//!
//! Closed choices are enums, written as the same strings they always were: [`Summary::scope`]
//! (`catalog` / `all`, [`Scope`]), [`Summary::betweenness`] (`exact` / `sampled k=N`,
//! [`BetweennessMode`]), [`MissingKind`], [`MissingScope`]. Reading an unknown value is an error.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::bibliography::BibSource;
use super::clusters::{Cluster, CommunityNetwork, PairRow, PairSummary};
use super::map_network::MapNetwork;
use super::time;
use super::weights::LinkWeight;
use crate::catalog::LintFinding;
use crate::graph::Scope;
use crate::metrics::BetweennessMode;
use crate::records::Resolution;

/// Everything `analyze` found, and everything the render stage and the digest read: saved as
/// `metrics.json` by [`super::metrics_json`] (all but the pair tables).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Analysis {
    /// The sizes and whole-graph measures.
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
    /// Catalogue papers in the graph with a list missing ([`crate::records::Gap`]: a request
    /// failed for good, or offline and not cached), with why; absent from `metrics.json` when
    /// none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<Resolution>,
    /// Catalogue papers a secondary source (OpenAlex, OpenCitations) was asked about and could
    /// not answer this time ([`crate::records::sources::source_gaps`]: a request failed for good,
    /// a budget spent, the source never reached; offline, not cached), each with its source and
    /// why; absent from `metrics.json` when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_gaps: Vec<crate::records::sources::SourceGap>,
    /// The catalogue's own lint findings, passed through for the report.
    pub catalog_lint: Vec<LintFinding>,
    /// One row per community (indexed by community number): its label, size, top papers.
    #[serde(default)]
    pub clusters: Vec<Cluster>,
    /// How the co-citation and coupling tables were cut, and which network was clustered.
    #[serde(default)]
    pub maps: Maps,
    /// Co-citation pairs (`cocitation.csv`); only in memory, not in metrics.json (millions of
    /// rows on large graphs).
    #[serde(skip)]
    pub cocitation: Vec<PairRow>,
    /// Bibliographic coupling pairs (`coupling.csv`); only in memory, as `cocitation`.
    #[serde(skip)]
    pub coupling: Vec<PairRow>,
    /// The catalogue papers and top foundations with their similarity links, for the cluster
    /// map (see [`MapNetwork`]).
    #[serde(default)]
    pub map_network: MapNetwork,
    /// Lineage (main paths), bursts, RPYS: see [`time`].
    #[serde(default)]
    pub time: time::TimeAnalysis,
    /// Bibliographic facts of every catalogue paper, in catalogue order, for `references.bib`.
    #[serde(default)]
    pub bibliography: Vec<BibSource>,
    /// Each record merged into a work, with its reason (`merged_records.csv`).
    #[serde(default)]
    pub merges: Vec<crate::works::Merge>,
    /// The completeness audit of the sources, one row per catalogue paper in catalogue order
    /// (`coverage-sources.csv`, see [`super::source_coverage`]).
    #[serde(default)]
    pub source_coverage: Vec<super::source_coverage::SourceCoverage>,
    /// The audit's totals: links only each source has, papers per verdict, papers still thin.
    #[serde(default)]
    pub sources: super::source_coverage::SourcesSummary,
    /// The leave-one-out evaluation (`run --evaluate`, see [`super::evaluate`]); absent from
    /// `metrics.json` when not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<super::evaluate::Evaluation>,
}

impl Analysis {
    /// The in-scope missing papers of `kind` (the ones the list could add; background landmarks
    /// left out), by decreasing score, ties in the table's order (`missing.csv`'s `rank`): what
    /// the suggestions, the report, Fig. 9, the DOT and the summary rank.
    pub fn ranked_in_scope(&self, kind: MissingKind) -> Vec<&MissingPaper> {
        let mut papers: Vec<&MissingPaper> = self
            .missing
            .iter()
            .filter(|m| m.kind == kind && m.scope == MissingScope::InScope)
            .collect();
        papers.sort_by(|a, b| b.score.total_cmp(&a.score));
        papers
    }
}

/// The settings and sizes of the maps (pairs and communities).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Maps {
    /// The network Leiden ran on.
    pub community_network: CommunityNetwork,
    /// Leiden's resolution gamma.
    pub resolution: f64,
    /// How the co-citation table was cut.
    pub cocitation: PairSummary,
    /// How the bibliographic coupling table was cut.
    pub coupling: PairSummary,
}

/// The graph's sizes and the whole-graph measures (`analyze`'s text summary, the report's
/// overview).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// Which citations became edges (`--scope`), written `catalog` or `all`.
    #[serde(with = "scope_text")]
    pub scope: Scope,
    /// Distinct catalogue papers: the catalogue's papers less [`Self::duplicates`] (a paper
    /// listed twice in two forms counts once).
    pub catalog_papers: usize,
    /// Distinct works the resolved catalogue papers are (the graph's catalogue nodes).
    pub resolved: usize,
    /// Catalogue papers with no Semantic Scholar record.
    pub unresolved: usize,
    /// Catalogue papers that resolved to the record or work of an earlier one: one paper listed
    /// in two forms (an arXiv link here, the publisher's DOI there), counted once in
    /// `catalog_papers` and `resolved`; each is a `duplicate-paper` lint finding.
    #[serde(default)]
    pub duplicates: usize,
    pub nodes: usize,
    pub edges: usize,
    /// Edges whose both ends are catalogue papers.
    pub catalog_edges: usize,
    pub communities: usize,
    /// Modularity of the detected communities (undirected graph).
    pub modularity: f64,
    /// Modularity of the mechanism partition of the catalogue papers (catalogue subgraph).
    pub mechanism_modularity: f64,
    /// Agreement between detected communities and mechanisms over catalogue papers; `None`
    /// (n/a) when fewer than two mechanisms are there to agree with.
    pub nmi: Option<f64>,
    pub ari: Option<f64>,
    /// Share of catalogue-to-catalogue citations that stay within a mechanism, and its chance level.
    pub homophily: f64,
    pub homophily_expected: f64,
    /// How betweenness was computed, written `exact` or `sampled k=N` (N source nodes).
    #[serde(with = "betweenness_text")]
    pub betweenness: BetweennessMode,
    /// How citations weighed in PageRank and HITS (`--weight`).
    #[serde(default)]
    pub link_weight: LinkWeight,
    /// Which composite influence score ranked the catalogue papers (`--influence`).
    #[serde(default)]
    pub influence: super::InfluenceScore,
    /// Records merged into another record's work ([`crate::works`]), and the works they form.
    #[serde(default)]
    pub merged_records: usize,
    #[serde(default)]
    pub merged_works: usize,
    /// Spearman's rank correlation of each influence score with the publication year, among
    /// the catalogue papers with a year (negative: the score favours older papers), in the
    /// order pagerank, pagerank_rescaled, citerank, citation_count, catalog_citations,
    /// influence (classic), influence_age_fair; see [`super::age_fair::spearman`].
    #[serde(default)]
    pub age_bias: Vec<AgeBias>,
    /// How the communities compare with the previous run's, when `run` started Leiden from
    /// them (absent otherwise); see [`super::stability`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community_stability: Option<CommunityStability>,
}

/// How the communities compare with the previous run's (`metrics.json`'s
/// `summary.community_stability`, absent in a first run; the summary's `stability:` line;
/// computed in [`super::stability`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CommunityStability {
    /// Communities of the previous run.
    pub previous_communities: usize,
    /// Communities of this run that continue one of the previous run (matched by shared
    /// papers), and of those, the ones that kept its number.
    pub continued: usize,
    pub kept_number: usize,
    /// Papers in both runs' graphs, and the catalogue papers among them.
    pub shared_papers: usize,
    pub shared_catalog_papers: usize,
    /// Co-assignment agreement over the shared catalogue papers: of the pairs either run puts
    /// in one community, the share both do (1: the same groups).
    pub co_assignment: f64,
    /// The adjusted Rand index over the shared catalogue papers (1 identical, about 0 chance).
    pub adjusted_rand: f64,
    /// Co-assignment agreement over every shared paper.
    pub co_assignment_all: f64,
    /// Continued communities whose label is the previous one (unchanged, or kept because
    /// their two distinctive terms are the same; see `stability::keep_labels`).
    #[serde(default)]
    pub kept_label: usize,
}

/// One score's age bias ([`Summary::age_bias`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AgeBias {
    /// The `papers.csv` column.
    pub score: String,
    /// Spearman's rho with the year; `None` with fewer than 3 papers or no spread.
    pub rho: Option<f64>,
}

/// One node of the graph with its metrics (`papers.csv`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PaperMetrics {
    pub paper_id: String,
    /// Catalogue key, for catalogue papers (the first one when several resolved to this work).
    pub key: Option<String>,
    /// Every catalogue key that resolved to this work, `key` first, when there are two or more
    /// (one paper listed twice in two forms); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
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
    /// PageRank as a z-score among the papers published closest in time (Mariani, Medo &
    /// Zhang 2016), see [`crate::metrics::rescaled_pagerank`]; `None` without a year.
    #[serde(default)]
    pub pagerank_rescaled: Option<f64>,
    /// CiteRank traffic (Walker et al. 2007), see [`crate::metrics::citerank`].
    #[serde(default)]
    pub citerank: f64,
    /// CD_5 of a catalogue paper (Funk & Owen-Smith 2017), see [`crate::metrics::cd_index`];
    /// `None` outside the catalogue and where undefined.
    #[serde(default)]
    pub cd_index: Option<f64>,
    /// The papers CD_5 was computed over (n_t).
    #[serde(default)]
    pub cd_papers: Option<u32>,
    /// CD_5's window reaches past the data's latest year: later papers could change it.
    #[serde(default)]
    pub cd_window_open: bool,
    /// The graph's links from this paper (its references) each source has, in
    /// [`crate::records::Source::ALL`] order (s2, openalex, opencitations): `papers.csv`'s
    /// `references_s2`, `references_openalex`, `references_opencitations`. A link two sources
    /// have counts in both. Left out of `metrics.json` when only `s2` has links of it (then the
    /// `s2` count is `out_degree`, restored on reading: [`super::metrics_json::read`]).
    #[serde(default, skip_serializing_if = "s2_only")]
    pub references_by_source: [u32; 3],
    /// The graph's links to this paper (its citers) each source has, in the same order; left
    /// out as [`Self::references_by_source`] is (the `s2` count is then `in_degree`).
    #[serde(default, skip_serializing_if = "s2_only")]
    pub citations_by_source: [u32; 3],
    pub hub: f64,
    pub authority: f64,
    pub betweenness: f64,
    pub core: u32,
    pub community: u32,
    /// The name of its community (see `Cluster::label`).
    #[serde(default)]
    pub community_label: String,
    /// Beauty coefficient B (Ke et al. 2015) of a catalogue paper with a year, see [`time`].
    #[serde(default)]
    pub sleeping_beauty_b: Option<f64>,
    /// Its awakening year (none when it peaked in its first year).
    #[serde(default)]
    pub awakening_year: Option<i32>,
    /// Every Semantic Scholar record merged into this work (`paper_id` first, see
    /// [`crate::works`]); empty when the work has the one record `paper_id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s2_ids: Vec<String>,
}

/// The numbers of one mechanism or domain (`mechanisms.csv`, `domains.csv`).
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
    /// citations_within / citations_out (0 when `citations_out` is 0: see
    /// [`GroupStats::homophily_defined`]), and the share expected by chance.
    pub homophily: f64,
    pub homophily_expected: f64,
}

impl GroupStats {
    /// False when the group's catalogue papers cite no catalogue paper: its homophily is then
    /// 0 in the numbers but undefined, and shown as n/a (empty in `mechanisms.csv`).
    pub fn homophily_defined(&self) -> bool {
        self.citations_out > 0
    }
}

impl Summary {
    /// False when no catalogue paper with a mechanism cites another: the overall homophily
    /// (0 in the numbers) is then undefined and shown as n/a.
    pub fn homophily_defined(&self) -> bool {
        self.homophily_expected > 0.0
    }
}

/// Citations between the mechanisms' catalogue papers (`mechanism_flow.csv`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Flow {
    pub labels: Vec<String>,
    /// `counts[a][b]`: citations from papers of mechanism a to papers of mechanism b.
    pub counts: Vec<Vec<u64>>,
    /// counts normalized per row (0 where a row is empty).
    pub shares: Vec<Vec<f64>>,
}

/// How a paper outside the catalogue is linked to it, written `foundation` or `candidate`.
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

/// Whether a missing paper belongs to the list's field or to its background (see
/// `analysis/missing.rs` for the statistic).
#[derive(
    Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum MissingScope {
    /// Its links concentrate on the catalogue: much more of them come from (or go to) the
    /// catalogue than the base rate predicts.
    #[default]
    InScope,
    /// Widely linked well beyond the field: a foundation to cite in a survey's background.
    Background,
}

impl MissingScope {
    /// As `metrics.json` and `missing.csv` write it: `in-scope` or `background`.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingScope::InScope => "in-scope",
            MissingScope::Background => "background",
        }
    }
}

/// A paper outside the catalogue that the list may be missing (`missing.csv`; see
/// `analysis/missing.rs` for the scores).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MissingPaper {
    pub paper_id: String,
    pub title: String,
    pub year: Option<i32>,
    pub venue: Option<String>,
    /// The venue's other names ([`crate::graph::PaperNode::venue_alternate_names`]): where
    /// suggestions.md finds the list's abbreviation of the venue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub venue_alternate_names: Vec<String>,
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
    /// Every Semantic Scholar record merged into this work (`paper_id` first); empty when the
    /// work has the one record `paper_id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s2_ids: Vec<String>,
    /// In the list's field or its background.
    #[serde(default)]
    pub scope: MissingScope,
    /// Field lift: the share of its global citations (foundations) or references (candidates)
    /// that are catalogue links, over the same share pooled over the catalogue papers.
    #[serde(default)]
    pub field_lift: f64,
    /// Dunning's log-likelihood ratio G2 of that share against the catalogue papers' rate.
    #[serde(default)]
    pub field_llr: f64,
    /// With an expansion (`--expand`): citers (foundations) or references (candidates) in the
    /// catalogue's neighbourhood, k_n; `None` when the row was not expanded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbourhood_links: Option<usize>,
    /// (k_n / n) over the catalogue papers' own neighbourhood rate; decides the scope when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbourhood_lift: Option<f64>,
    /// G2 of k_n against that rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbourhood_llr: Option<f64>,
    /// Its share of catalogue links over the pooled share of its 25 nearest catalogue papers in
    /// citation (reference) count and age (`analysis/scope.rs`).
    #[serde(default)]
    pub peer_lift: f64,
    /// G2 of its share against that peer rate.
    #[serde(default)]
    pub peer_llr: f64,
    /// Catalogue links of the other kind: catalogue papers a foundation cites, or that cite a
    /// candidate.
    #[serde(default)]
    pub reciprocal_links: usize,
    /// That share of its references (citations) over the catalogue papers' own.
    #[serde(default)]
    pub reciprocal_lift: f64,
    /// Bias-corrected Kullback-Leibler divergence (nats) of its linked catalogue papers'
    /// mechanisms from the catalogue's: near 0 for a paper cited across the whole list.
    #[serde(default)]
    pub concentration: f64,
    /// Mean log-likelihood ratio (nats a term) of its title terms under the catalogue's
    /// vocabulary against the rest of the graph's.
    #[serde(default)]
    pub affinity: f64,
    /// Field signals it shows (reciprocal, concentration, affinity, neighbourhood), 0..4.
    #[serde(default)]
    pub field_signals: usize,
}

/// A catalogue paper's place in the influence ranking (`influential.csv`; see
/// `analysis/influence.rs` for the score).
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

impl InfluentialPaper {
    /// A catalogue paper's row from its metrics, with the given score (rank 0: not ranked yet).
    /// For building analyses by hand: previews, tests.
    pub fn from_metrics(paper: &PaperMetrics, score: f64) -> InfluentialPaper {
        InfluentialPaper {
            rank: 0,
            key: paper.key.clone().unwrap_or_default(),
            paper_id: paper.paper_id.clone(),
            title: paper.title.clone(),
            abbreviation: paper.abbreviation.clone(),
            year: paper.year,
            mechanisms: paper.mechanisms.clone(),
            score,
            pagerank: paper.pagerank,
            catalog_citations: paper.catalog_citations,
            citation_count: paper.citation_count,
        }
    }
}

/// A catalogue paper whose neighbourhood disagrees with its mechanism badges (`lint-tags.csv`;
/// see `analysis/tag_lint.rs` for the test).
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
    /// Catalogue neighbours with a mechanism badge (citing or cited).
    pub neighbours: usize,
    /// Why it is listed, in words.
    pub reason: String,
}

/// How complete one mechanism's part of the list looks (`coverage.csv`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Coverage {
    pub mechanism: String,
    /// Threshold: outside papers linked to at least k catalogue papers of this mechanism.
    pub k: usize,
    /// Papers (in or out of the catalogue) meeting the threshold.
    pub linked: usize,
    /// Of those, the ones outside the catalogue.
    pub missing: usize,
    /// 1 - missing / linked; `None` (n/a) where nothing is linked.
    pub completeness: Option<f64>,
}

/// One citation of the core graph: `source` cites `target` (Semantic Scholar ids).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EdgeRow {
    pub source: String,
    pub target: String,
    pub is_influential: bool,
}

/// `Summary::scope` as `metrics.json` spells it: [`Scope::as_str`], read back with its
/// `FromStr` (an unknown scope is an error).
mod scope_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::graph::Scope;

    pub fn serialize<S: Serializer>(scope: &Scope, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(scope.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Scope, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// `Summary::betweenness` as `metrics.json` spells it: `exact` or `sampled k=N` (the mode's
/// `Display`), read back exactly (anything else is an error).
mod betweenness_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::metrics::BetweennessMode;

    pub fn serialize<S: Serializer>(
        mode: &BetweennessMode,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(mode)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BetweennessMode, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown betweenness mode {text:?}: expected `exact` or `sampled k=N`"
            ))
        })
    }

    /// The mode written as `text`, `None` when it is not one.
    pub(super) fn parse(text: &str) -> Option<BetweennessMode> {
        if text == "exact" {
            return Some(BetweennessMode::Exact);
        }
        let pivots = text.strip_prefix("sampled k=")?;
        // `usize::from_str` takes a leading `+`; the written form never has one.
        if !pivots.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(BetweennessMode::Sampled {
            pivots: pivots.parse().ok()?,
        })
    }
}

/// Counts by source ([`PaperMetrics::references_by_source`]) where no source but `s2` has a link.
fn s2_only(counts: &[u32; 3]) -> bool {
    counts[1] == 0 && counts[2] == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary_json(summary: &Summary) -> serde_json::Value {
        serde_json::to_value(summary).unwrap()
    }

    #[test]
    fn scope_and_betweenness_keep_their_strings_and_read_back() {
        for (scope, scope_text) in [(Scope::Catalog, "catalog"), (Scope::All, "all")] {
            for (mode, mode_text) in [
                (BetweennessMode::Exact, "exact"),
                (BetweennessMode::Sampled { pivots: 600 }, "sampled k=600"),
                (BetweennessMode::Sampled { pivots: 0 }, "sampled k=0"),
            ] {
                let summary = Summary {
                    scope,
                    betweenness: mode.clone(),
                    ..Summary::default()
                };
                let json = summary_json(&summary);
                assert_eq!(json["scope"], scope_text);
                assert_eq!(json["betweenness"], mode_text);
                let text = serde_json::to_string(&summary).unwrap();
                assert!(
                    text.contains(&format!("\"scope\":\"{scope_text}\"")),
                    "{text}"
                );
                assert!(
                    text.contains(&format!("\"betweenness\":\"{mode_text}\"")),
                    "{text}"
                );
                let back: Summary = serde_json::from_str(&text).unwrap();
                assert_eq!(back, summary);
            }
        }
    }

    #[test]
    fn unknown_scope_or_betweenness_is_an_error() {
        let good = summary_json(&Summary::default());
        for (field, value) in [
            ("scope", "Catalog"),
            ("scope", "everything"),
            ("scope", ""),
            ("betweenness", "Exact"),
            ("betweenness", "sampled"),
            ("betweenness", "sampled k="),
            ("betweenness", "sampled k=+3"),
            ("betweenness", "sampled k=3 "),
            ("betweenness", "sampled k=x"),
            ("betweenness", ""),
        ] {
            let mut json = good.clone();
            json[field] = value.into();
            let read = serde_json::from_value::<Summary>(json);
            assert!(read.is_err(), "{field} = {value:?} was read as {read:?}");
        }
        assert_eq!(
            betweenness_text::parse("sampled k=32"),
            Some(BetweennessMode::Sampled { pivots: 32 })
        );
    }

    #[test]
    fn missing_kind_and_scope_keep_their_strings() {
        let json = serde_json::to_value([MissingScope::InScope, MissingScope::Background]).unwrap();
        assert_eq!(json, serde_json::json!(["in-scope", "background"]));
        for scope in [MissingScope::InScope, MissingScope::Background] {
            assert_eq!(serde_json::to_value(scope).unwrap(), scope.as_str());
        }
        let json = serde_json::to_value([MissingKind::Foundation, MissingKind::Candidate]).unwrap();
        assert_eq!(json, serde_json::json!(["foundation", "candidate"]));
        assert!(serde_json::from_str::<MissingScope>("\"in scope\"").is_err());
    }
}
