//! Leave-one-out on the list itself (`citegraph evaluate`, `run --evaluate`): how often the
//! missing-paper suggestions are right.
//!
//! Catalogue papers are in scope by definition, so the list can test citegraph. Each repeat
//! holds out a share of the catalogue papers ([`holdout`]: stratified by primary mechanism and
//! year, drawn from the seed), builds the graph as it would be had they never been listed (each
//! keeps only its links to and from the remaining catalogue papers), recomputes the metrics on
//! it, and ranks the missing papers there exactly as `analyze` does (`missing.rs`, whatever rule
//! decides the scope, and the `--expand` lists the cache holds). Then, for the held-out set H of
//! a repeat:
//!
//! ```text
//! rank_m(h)    = the best position (1-based) of h among the in-scope rows of its kind(s),
//!                ordered by method m (a paper listed as a foundation and as a candidate takes
//!                the better of its two positions)
//! recall@k(m)  = |{ h in H : rank_m(h) <= k }| / |H|          (unlisted papers count as misses)
//! background   = |{ h in H : listed, and no row of h in scope }| / |H|
//! accuracy     = |{ h : predicted mechanism in h's badges }| / |{ h : a mechanism predicted }|
//! uncertain    = |{ h : predicted `uncertain` (or no badge among its links) }| / |{ h listed, with a badge }|
//! background precision = L_bg / (L_bg + H_bg)
//! ```
//!
//! where the prediction is that of h's row with the most catalogue links (the foundation row on
//! a tie), L_bg the named landmarks (`--background FILE`) called background and H_bg the
//! held-out papers called background: of the papers whose truth is known, the share of the
//! `background` calls that are right. Pooled rows sum the counts of every repeat (the recall of
//! all held-out papers together) and give the smallest and largest recall of a repeat.
//!
//! The methods rank the same rows with the same scope, in three orders: `citegraph` (the
//! table's own order, `missing.csv`'s rank), `catalog_links` (the number of linked catalogue
//! papers, ties by id) and `pagerank` (PageRank on the held-out graph, ties by id). A baseline
//! differs from citegraph only in its order, so their recalls compare the ranking alone.
//!
//! Cost per repeat: one [`GraphMetrics::compute`] on the held-out graph (betweenness and
//! communities at their cheapest: the ranking does not read them) and one ranking, O(V + E)
//! beside the kernels; about 0.1 s at catalogue scale (300 papers, 15,000 links) in release.

mod holdout;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{missing, AnalyzeOptions, GraphMetrics, MissingKind, MissingPaper, MissingScope};
use crate::graph::{CitationGraph, UNSPECIFIED};
use crate::records::{ExpandRequest, Expansions};

pub use holdout::{landmark_nodes, UnmatchedLandmark};

/// The cut-offs of recall@k.
pub const RECALL_AT: [usize; 4] = [10, 25, 50, 100];

/// How the evaluation samples (`--holdout`, `--repeats`; the seed is `--seed`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvaluateOptions {
    /// The share of the catalogue papers held out in each repeat, 0 < share < 1 (default 0.1).
    pub holdout: f64,
    /// Repeats, each with its own sample (default 5).
    pub repeats: usize,
    /// The seed of every sample.
    pub seed: u64,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        EvaluateOptions {
            holdout: 0.1,
            repeats: 5,
            seed: 0,
        }
    }
}

/// A ranking of the in-scope rows.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The missing-paper score, as `missing.csv` ranks.
    #[default]
    Citegraph,
    /// The number of linked catalogue papers alone.
    CatalogLinks,
    /// PageRank alone (on the held-out graph).
    Pagerank,
}

impl Method {
    /// Every method, in the order of `evaluation.csv`, the figure and the report.
    pub const ALL: [Method; 3] = [Method::Citegraph, Method::CatalogLinks, Method::Pagerank];

    /// The name in `evaluation.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Citegraph => "citegraph",
            Method::CatalogLinks => "catalog_links",
            Method::Pagerank => "pagerank",
        }
    }

    /// The name in figures and the report.
    pub fn label(self) -> &'static str {
        match self {
            Method::Citegraph => "citegraph",
            Method::CatalogLinks => "Catalogue links",
            Method::Pagerank => "PageRank",
        }
    }
}

/// One row of `evaluation.csv`: a method at a k, in one repeat or pooled over all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvaluationRow {
    /// The ranking measured.
    pub method: Method,
    /// The cut-off: the first `k` in-scope rows of a kind (one of [`RECALL_AT`]).
    pub k: usize,
    /// The repeat (1-based); `None` for the pooled row.
    pub repeat: Option<usize>,
    /// Held-out papers (summed over the repeats when pooled).
    pub held_out: usize,
    /// Held-out papers found at k.
    pub found: usize,
    /// found / held_out (0..1).
    pub recall: f64,
    /// The smallest and largest recall of a repeat (pooled rows only).
    pub recall_min: Option<f64>,
    pub recall_max: Option<f64>,
    /// Held-out papers with a missing-paper row at all (enough catalogue links).
    pub listed: usize,
    /// Held-out papers listed but in no row in scope.
    pub background: usize,
    /// Held-out papers whose predicted mechanism is one of their badges / another mechanism /
    /// `uncertain` (or no badge among their links); papers without a badge are not counted.
    pub mechanism_right: usize,
    pub mechanism_wrong: usize,
    pub mechanism_uncertain: usize,
    /// Named landmarks with a row / with every row background.
    pub landmarks: usize,
    pub landmarks_background: usize,
}

impl EvaluationRow {
    /// background / held_out (0 when nothing was held out).
    pub fn background_share(&self) -> f64 {
        ratio(self.background, self.held_out).unwrap_or(0.0)
    }

    /// right / (right + wrong); `None` when no mechanism was predicted.
    pub fn mechanism_accuracy(&self) -> Option<f64> {
        ratio(
            self.mechanism_right,
            self.mechanism_right + self.mechanism_wrong,
        )
    }

    /// uncertain / (right + wrong + uncertain); `None` when no held-out paper with a badge was
    /// listed.
    pub fn uncertain_rate(&self) -> Option<f64> {
        ratio(
            self.mechanism_uncertain,
            self.mechanism_right + self.mechanism_wrong + self.mechanism_uncertain,
        )
    }

    /// landmarks called background / every background call on a paper of known truth
    /// (landmarks and held-out papers); `None` without landmarks or without such a call.
    pub fn background_precision(&self) -> Option<f64> {
        if self.landmarks == 0 {
            return None;
        }
        ratio(
            self.landmarks_background,
            self.landmarks_background + self.background,
        )
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// What became of one held-out paper in one repeat: one row of `evaluation_papers.csv`, and the
/// report's list of the papers citegraph missed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HeldOutPaper {
    /// The repeat (1-based).
    pub repeat: usize,
    pub paper_id: String,
    pub title: String,
    pub year: Option<i32>,
    /// Its primary mechanism badge in the list.
    pub mechanism: String,
    /// Remaining catalogue papers it is linked with in the held-out graph (either direction).
    pub catalog_links: usize,
    /// Of those, the ones citing it (its foundation evidence) and the ones it cites (its
    /// candidate evidence): a row needs `--min-catalog-links` of one kind.
    #[serde(default)]
    pub catalog_citers: usize,
    #[serde(default)]
    pub catalog_references: usize,
    /// It has a missing-paper row at all (enough catalogue links).
    pub listed: bool,
    /// It is listed, and no row of it is in scope (a suggestion lost).
    pub background: bool,
    /// Its best position among the in-scope rows of its kind, per method (1-based), in the
    /// order of [`Method::ALL`]; `None` when it has no in-scope row.
    pub rank: [Option<usize>; 3],
    /// The mechanism predicted by its most-linked row (`None` when unlisted).
    pub predicted_mechanism: Option<String>,
}

impl HeldOutPaper {
    /// Why citegraph did not place it in its first `k`, or `None` when it did: "not listed (2
    /// catalogue citers, 1 reference)", "called background", "ranked 73".
    pub fn miss_reason(&self, k: usize) -> Option<String> {
        let rank = self.rank[0];
        if rank.is_some_and(|r| r <= k) {
            return None;
        }
        Some(if !self.listed {
            format!(
                "not listed ({}, {})",
                crate::text::count_as(self.catalog_citers, "catalogue citer", "catalogue citers"),
                crate::text::count_as(self.catalog_references, "reference", "references")
            )
        } else if self.background {
            "called background".to_string()
        } else {
            format!("ranked {}", rank.unwrap_or(0))
        })
    }
}

/// The evaluation: its settings and its rows (per method, k and repeat, then pooled).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The share held out in each repeat (`--holdout`, 0..1).
    pub holdout: f64,
    /// The number of repeats (`--repeats`).
    pub repeats: usize,
    /// The seed the samples were drawn from (`--seed`).
    pub seed: u64,
    /// Catalogue papers in the graph (the population sampled).
    pub catalog_papers: usize,
    /// Papers named by `--background FILE` that are in the graph.
    pub landmarks_named: usize,
    /// For each repeat, then pooled: for each method, for each k of [`RECALL_AT`].
    pub rows: Vec<EvaluationRow>,
    /// Every held-out paper of every repeat (by repeat, then paper id).
    #[serde(default)]
    pub papers: Vec<HeldOutPaper>,
}

impl Evaluation {
    /// The pooled row of a method at k.
    pub fn pooled(&self, method: Method, k: usize) -> Option<&EvaluationRow> {
        self.rows
            .iter()
            .find(|r| r.repeat.is_none() && r.method == method && r.k == k)
    }

    /// `evaluation: held-out recall@50 0.71 (catalogue links 0.52, PageRank 0.33), 5 repeats of
    /// 28 of 275 papers; 4% called background; mechanism right for 80% (10% uncertain)`, and
    /// with landmarks `; background precision 98% (100 of the 102 background calls on papers
    /// of known truth were landmarks)`.
    pub fn summary_line(&self) -> String {
        let recall = |m: Method| {
            self.pooled(m, 50)
                .map_or_else(|| "n/a".to_string(), |r| format!("{:.2}", r.recall))
        };
        let Some(row) = self.pooled(Method::Citegraph, 50) else {
            return "evaluation: nothing to hold out (fewer than 2 catalogue papers)".to_string();
        };
        let percent =
            |x: Option<f64>| x.map_or_else(|| "n/a".into(), |x| format!("{:.0}%", x * 100.0));
        let mut line = format!(
            "evaluation: held-out recall@50 {} (catalogue links {}, PageRank {}), {} of {} of {} papers; {} called background; mechanism right for {} ({} uncertain)",
            recall(Method::Citegraph),
            recall(Method::CatalogLinks),
            recall(Method::Pagerank),
            crate::text::count(self.repeats, "repeat"),
            row.held_out / self.repeats.max(1),
            self.catalog_papers,
            percent(Some(row.background_share())),
            percent(row.mechanism_accuracy()),
            percent(row.uncertain_rate()),
        );
        if let Some(precision) = row.background_precision() {
            line.push_str(&format!(
                "; background precision {} ({} of the {} background calls on papers of known truth were landmarks)",
                percent(Some(precision)),
                row.landmarks_background,
                row.landmarks_background + row.background
            ));
        }
        line
    }
}

/// Runs the evaluation on `graph` (built as `analyze` builds it) with the analysis `options`
/// (the scope thresholds, `--min-catalog-links`, `--weight`, `--expand`) and `landmarks`
/// (nodes, see [`landmark_nodes`]). `fetch` gets the `--expand` lists of each repeat's thin rows
/// (called only when `options.expand > 0`; give the cache's lists, no request). Deterministic
/// for `evaluate.seed`. Errors: `holdout` outside (0, 1), `repeats` 0, a metric kernel's error,
/// or `fetch`'s.
pub fn evaluate(
    graph: &CitationGraph,
    options: &AnalyzeOptions,
    evaluate: &EvaluateOptions,
    landmarks: &[u32],
    fetch: &mut dyn FnMut(&[ExpandRequest]) -> anyhow::Result<Expansions>,
) -> anyhow::Result<Evaluation> {
    if !(evaluate.holdout > 0.0 && evaluate.holdout < 1.0) {
        anyhow::bail!(
            "--holdout {} is not a share between 0 and 1 (exclusive): give e.g. 0.1 for 10% of the catalogue",
            evaluate.holdout
        );
    }
    if evaluate.repeats == 0 {
        anyhow::bail!("--repeats 0: give at least one repeat");
    }
    let catalog_nodes: Vec<u32> = (0..graph.node_count() as u32)
        .filter(|&v| graph.node(v).in_catalog())
        .collect();
    warn_degenerate_sample(catalog_nodes.len(), evaluate.holdout);
    let mut options = options.clone();
    // Every row: a held-out paper ranked beyond the table's cut is still found or not at k.
    options.missing_limit = 0;
    let mut metric_options = super::metric_options(graph, &options);
    // The ranking reads neither betweenness nor the communities: their cheapest settings.
    metric_options.betweenness.exact_limit = 0;
    metric_options.betweenness.pivots = 2;
    metric_options.communities.trials = 1;
    let mut repeats = Vec::with_capacity(evaluate.repeats);
    let mut papers = Vec::new();
    for repeat in 0..evaluate.repeats {
        let held = holdout::sample(
            graph,
            &catalog_nodes,
            evaluate.holdout,
            evaluate.seed,
            repeat,
        );
        let setup = Setup {
            graph,
            options: &options,
            metrics: &metric_options,
            landmarks,
        };
        let (rows, held_papers) = run_repeat(&setup, &held, repeat, fetch)?;
        repeats.push(rows);
        papers.extend(held_papers);
    }
    Ok(Evaluation {
        holdout: evaluate.holdout,
        repeats: evaluate.repeats,
        seed: evaluate.seed,
        catalog_papers: catalog_nodes.len(),
        landmarks_named: landmarks.len(),
        rows: pool(repeats),
        papers,
    })
}

/// Held-out papers per repeat below which a repeat's recall moves in steps too coarse to read.
const FEW_HELD_OUT: usize = 10;

/// Warns of a sample that cannot measure what it should: more than half the catalogue held out
/// (the remaining list is too thin to link the held-out papers, so recall measures the holdout,
/// not the ranking), or fewer than [`FEW_HELD_OUT`] papers a repeat.
fn warn_degenerate_sample(catalog_papers: usize, share: f64) {
    let held = holdout::holdout_size(catalog_papers, share);
    if held * 2 > catalog_papers {
        tracing::warn!(
            "--holdout {share} holds out {held} of {catalog_papers} catalogue papers: the {} left cannot link the held-out ones as the whole list would, so recall measures the holdout more than the ranking (the default is 0.1)",
            catalog_papers - held
        );
    } else if held < FEW_HELD_OUT && catalog_papers >= 2 {
        tracing::warn!(
            "--holdout {share} holds out {held} of {catalog_papers} catalogue papers a repeat: each paper moves a repeat's recall by {:.0} points; hold out more or add --repeats",
            100.0 / held.max(1) as f64
        );
    }
}

/// What every repeat shares.
struct Setup<'a> {
    graph: &'a CitationGraph,
    options: &'a AnalyzeOptions,
    metrics: &'a super::MetricOptions,
    landmarks: &'a [u32],
}

/// One repeat with the held-out nodes `held` (sorted): the held-out graph, its metrics, the
/// ranking (with the `--expand` lists `fetch` gives), and the repeat's rows.
fn run_repeat(
    setup: &Setup<'_>,
    held: &[u32],
    repeat: usize,
    fetch: &mut dyn FnMut(&[ExpandRequest]) -> anyhow::Result<Expansions>,
) -> anyhow::Result<(Vec<EvaluationRow>, Vec<HeldOutPaper>)> {
    let (graph, options) = (setup.graph, setup.options);
    let mut is_held = vec![false; graph.node_count()];
    for &v in held {
        is_held[v as usize] = true;
    }
    let view = holdout::view(graph, &is_held)?;
    let cx = GraphMetrics::compute(&view, setup.metrics)?;
    let mut rows = missing::missing_papers(&cx, options, &Expansions::default());
    if options.expand > 0 {
        let requests = missing::expansion_requests(&rows, options, options.expand);
        if !requests.is_empty() {
            let expansions = fetch(&requests)?;
            rows = missing::missing_papers(&cx, options, &expansions);
        }
    }
    Ok(score_repeat(
        graph,
        &cx,
        &rows,
        held,
        setup.landmarks,
        repeat,
    ))
}

/// One repeat's rows, one per method and k, and what became of each held-out paper.
fn score_repeat(
    graph: &CitationGraph,
    cx: &GraphMetrics<'_>,
    rows: &[MissingPaper],
    held: &[u32],
    landmarks: &[u32],
    repeat: usize,
) -> (Vec<EvaluationRow>, Vec<HeldOutPaper>) {
    let node_of = |row: &MissingPaper| cx.graph.index_of(&row.paper_id);
    // The best position of each node among the in-scope rows of its kind, per method.
    let mut best: HashMap<(Method, u32), usize> = HashMap::new();
    for kind in [MissingKind::Foundation, MissingKind::Candidate] {
        let in_scope: Vec<(&MissingPaper, u32)> = rows
            .iter()
            .filter(|r| r.kind == kind && r.scope == MissingScope::InScope)
            .filter_map(|r| node_of(r).map(|v| (r, v)))
            .collect();
        for method in Method::ALL {
            let mut order = in_scope.clone();
            match method {
                Method::Citegraph => {}
                Method::CatalogLinks => order.sort_by(|a, b| {
                    b.0.catalog_papers
                        .cmp(&a.0.catalog_papers)
                        .then_with(|| a.0.paper_id.cmp(&b.0.paper_id))
                }),
                Method::Pagerank => order.sort_by(|a, b| {
                    cx.pagerank[b.1 as usize]
                        .total_cmp(&cx.pagerank[a.1 as usize])
                        .then_with(|| a.0.paper_id.cmp(&b.0.paper_id))
                }),
            }
            for (position, (_, v)) in order.iter().enumerate() {
                let slot = best.entry((method, *v)).or_insert(usize::MAX);
                *slot = (*slot).min(position + 1);
            }
        }
    }
    // Each node's rows: listed at all, any in scope, and its most-linked row's prediction.
    let mut listed: HashMap<u32, (bool, &MissingPaper)> = HashMap::new();
    for row in rows {
        let Some(v) = node_of(row) else { continue };
        let in_scope = row.scope == MissingScope::InScope;
        listed
            .entry(v)
            .and_modify(|(any, top)| {
                *any |= in_scope;
                if row.catalog_papers > top.catalog_papers {
                    *top = row;
                }
            })
            .or_insert((in_scope, row));
    }
    let mut base = EvaluationRow {
        repeat: Some(repeat + 1),
        held_out: held.len(),
        ..EvaluationRow::default()
    };
    let mut papers = Vec::with_capacity(held.len());
    for &h in held {
        let node = graph.node(h);
        let mut paper = HeldOutPaper {
            repeat: repeat + 1,
            paper_id: node.paper_id.clone(),
            title: node.title.clone(),
            year: node.year,
            mechanism: graph
                .catalog_info(h)
                .map(|info| info.primary_mechanism.clone())
                .unwrap_or_default(),
            catalog_links: catalog_neighbours(cx, h, petgraph::Direction::Incoming)
                .union(&catalog_neighbours(cx, h, petgraph::Direction::Outgoing))
                .count(),
            catalog_citers: catalog_neighbours(cx, h, petgraph::Direction::Incoming).len(),
            catalog_references: catalog_neighbours(cx, h, petgraph::Direction::Outgoing).len(),
            rank: Method::ALL.map(|m| best.get(&(m, h)).copied()),
            ..HeldOutPaper::default()
        };
        let listed_row = listed.get(&h).copied();
        if let Some((any_in_scope, top)) = listed_row {
            paper.listed = true;
            paper.background = !any_in_scope;
            paper.predicted_mechanism = Some(top.predicted_mechanism.clone());
        }
        papers.push(paper);
        let Some((any_in_scope, top)) = listed_row else {
            continue;
        };
        base.listed += 1;
        if !any_in_scope {
            base.background += 1;
        }
        let badges: Vec<&String> = graph
            .catalog_info(h)
            .map(|info| {
                info.mechanisms
                    .iter()
                    .filter(|m| *m != UNSPECIFIED)
                    .collect()
            })
            .unwrap_or_default();
        if badges.is_empty() {
            continue;
        }
        let predicted = top.predicted_mechanism.as_str();
        if predicted == super::UNCERTAIN || predicted == UNSPECIFIED {
            base.mechanism_uncertain += 1;
        } else if badges.iter().any(|b| b.as_str() == predicted) {
            base.mechanism_right += 1;
        } else {
            base.mechanism_wrong += 1;
        }
    }
    for &l in landmarks.iter().filter(|&&l| !cx.in_catalog(l)) {
        if let Some(&(any_in_scope, _)) = listed.get(&l) {
            base.landmarks += 1;
            if !any_in_scope {
                base.landmarks_background += 1;
            }
        }
    }
    let mut out = Vec::new();
    for method in Method::ALL {
        for k in RECALL_AT {
            let found = held
                .iter()
                .filter(|&&h| best.get(&(method, h)).is_some_and(|&r| r <= k))
                .count();
            out.push(EvaluationRow {
                method,
                k,
                found,
                recall: ratio(found, held.len()).unwrap_or(0.0),
                ..base.clone()
            });
        }
    }
    (out, papers)
}

/// The distinct catalogue papers linked with `v` in `direction` in `cx`'s graph (`Incoming`: its
/// citers).
fn catalog_neighbours(
    cx: &GraphMetrics<'_>,
    v: u32,
    direction: petgraph::Direction,
) -> std::collections::BTreeSet<u32> {
    cx.graph
        .graph
        .neighbors_directed(petgraph::graph::NodeIndex::new(v as usize), direction)
        .map(|n| n.index() as u32)
        .filter(|&n| cx.in_catalog(n))
        .collect()
}

/// The repeats' rows, then one pooled row per method and k: counts summed, recall over all
/// held-out papers, and the range of the repeats' recalls.
fn pool(repeats: Vec<Vec<EvaluationRow>>) -> Vec<EvaluationRow> {
    let mut pooled: Vec<EvaluationRow> = Vec::new();
    for method in Method::ALL {
        for k in RECALL_AT {
            let mine: Vec<&EvaluationRow> = repeats
                .iter()
                .flatten()
                .filter(|r| r.method == method && r.k == k)
                .collect();
            let sum = |f: fn(&EvaluationRow) -> usize| mine.iter().map(|r| f(r)).sum::<usize>();
            let held_out = sum(|r| r.held_out);
            let found = sum(|r| r.found);
            let recalls = mine.iter().map(|r| r.recall);
            pooled.push(EvaluationRow {
                method,
                k,
                repeat: None,
                held_out,
                found,
                recall: ratio(found, held_out).unwrap_or(0.0),
                recall_min: recalls.clone().reduce(f64::min),
                recall_max: recalls.reduce(f64::max),
                listed: sum(|r| r.listed),
                background: sum(|r| r.background),
                mechanism_right: sum(|r| r.mechanism_right),
                mechanism_wrong: sum(|r| r.mechanism_wrong),
                mechanism_uncertain: sum(|r| r.mechanism_uncertain),
                landmarks: sum(|r| r.landmarks),
                landmarks_background: sum(|r| r.landmarks_background),
            });
        }
    }
    let mut rows: Vec<EvaluationRow> = repeats.into_iter().flatten().collect();
    rows.extend(pooled);
    rows
}
