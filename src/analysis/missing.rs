//! Papers the catalogue is missing, and how complete each mechanism's part of it looks.
//!
//! Foundations are papers outside the catalogue that at least `min_catalog_links` distinct
//! catalogue papers cite; candidates are papers outside the catalogue that cite at least that
//! many. For a paper v, with L(v) those linked catalogue papers:
//!
//! ```text
//! score = relevance x specificity x reciprocity x (1 + ln(1 + structural))
//! relevance   = sum over c in L(v) of 1 / ln(e + d(c))
//! specificity = ln(S / (1 + g(v))) / ln(S),  S = 2e8 (papers in Semantic Scholar)
//! reciprocity = 1 + ln(1 + r(v)),  r(v) = catalogue links the other way
//! structural  = co-citation (foundations) or bibliographic coupling (candidates) strength
//! ```
//!
//! - relevance is the Adamic-Adar weighting (Adamic & Adar, "Friends and neighbors on the Web",
//!   2003): a catalogue paper vouches less for each paper it is linked to when it is linked to
//!   many; d(c) is c's number of references for foundations (a survey citing 1,000 papers is weak
//!   evidence for each of them) and of citations for candidates. With `--weight intents` each
//!   term is multiplied by the link's intent weight, 1 to 3 (`weights.rs`).
//! - specificity is an inverse document frequency over Semantic Scholar: g(v) is v's global
//!   citation count for foundations (references for candidates), so a paper the whole field cites
//!   ("Attention is All you Need") is down-weighted against one only this field cites, without
//!   being hidden: the factor is 0.4 at 10^5 citations and 0.9 at 10.
//! - reciprocity counts the links the other way: the catalogue papers a foundation itself cites,
//!   or that cite a candidate. A paper the list cites and that cites the list back is inside the
//!   field's conversation, not only near it (direct citation, in both directions, is the
//!   strongest relatedness signal for clustering a literature: Boyack & Klavans, JASIST 2010).
//!   It replaced a breadth factor (1 + ln of the mechanisms spanned) that rewarded being cited
//!   across the list, the mark of a landmark: measured with `citegraph evaluate` on the world,
//!   held-out recall@50 rose from 0.71-0.78 (seeds 0-2) to 0.79-0.86 (seeds 0-7), above both
//!   baselines at every k (bench/RESULTS.md, "Evaluation"). Spread across mechanisms is a scope
//!   signal now.
//! - structural, for a foundation: the mean number of catalogue papers cited by the papers citing
//!   it (co-citation, Small 1973); for a candidate: the mean number of catalogue papers citing
//!   each of its references (bibliographic coupling, Kessler 1963). It says how deep in the
//!   catalogue's context the links sit, beyond the direct count.
//!
//! ## Scope: in the field or its background
//! For a paper v and a kind, k(v) is its number of catalogue links (catalogue citers for a
//! foundation, catalogue references for a candidate) and n(v) its global count (Semantic
//! Scholar's citation count for a foundation, reference count for a candidate; at least its
//! degree in the graph and k(v)). The field rate of the kind is the same share pooled over the
//! catalogue papers themselves, the papers in scope by definition:
//!
//! ```text
//! p_field     = sum over catalogue c of k(c) / sum over catalogue c of n(c)
//! field_lift  = (k / n) / p_field
//! field_llr   = G2 = 2 [ k ln(k / (n p)) + (n - k) ln((n - k) / (n (1 - p))) ],  p = p_field
//!               (0 ln 0 = 0)
//! ```
//!
//! G2 is Dunning's log-likelihood ratio of a binomial share against a reference rate (Dunning,
//! "Accurate methods for the statistics of surprise and coincidence", Computational Linguistics
//! 1993), asymptotically chi-squared with one degree of freedom. With `--scope-rule field-rate`
//! (the earlier rule) a paper is background when field_lift < scope_min_lift (0.25) and
//! G2 >= scope_min_llr (10.83). By default (`signals`) the scope is decided by `scope.rs`: the
//! same test against the catalogue papers of v's count and age (peer_lift, peer_llr), breadth
//! across the list's mechanisms, and field signals (v cites the list, its links concentrate on
//! a mechanism beyond chance, its title uses the list's vocabulary, its neighbourhood), and the
//! score of a row is multiplied by 1 + its field signals. One pooled rate cannot decide: it hid
//! most missing field papers when the catalogue takes a large share of its own papers'
//! citations, and let landmarks in when it takes a small one (issue #23). Rows are ranked
//! within (kind, scope), in-scope first.
//!
//! ## Expansion: the neighbourhood's links (`--expand N`)
//! The graph knows a foundation's citers only among the papers it holds (mostly the catalogue
//! papers themselves), so a paper of the field that the catalogue cites a few times cannot be
//! told from a landmark with few catalogue links: its G2 is small, and it stays in scope for
//! lack of evidence. For the first N such rows (in scope with the rate's G2 < scope_min_llr),
//! and the borderline background rows one field signal short of staying in scope (`signals`
//! rule), in rank order, the two kinds in turn, citegraph fetches one more list (one request each, cached): the first
//! page (up to 1,000) of a foundation's citers, or a candidate's references. The link count then
//! widens from the catalogue to its neighbourhood:
//!
//! ```text
//! foundation v: k_n(v) = |{ x citing v : x in the catalogue, or x cites a catalogue paper }|
//! candidate v:  k_n(v) = |{ y cited by v : y in the catalogue, or a catalogue paper cites y }|
//! p_n (foundations) = sum over catalogue c of |{ x citing c : x in the catalogue, or x cites
//!                     another catalogue paper }| / sum over catalogue c of n(c)
//! p_n (candidates)  = the same over the references of the catalogue papers
//! neighbourhood_lift = (k_n / n) / p_n,   neighbourhood_llr = G2(k_n, n, p_n)
//! ```
//!
//! with x ranging over the fetched list and the graph's own links (a union), and n the global
//! count as above. For an expanded row, these two numbers below the thresholds count as below
//! the rate, and a neighbourhood lift of 1 or more is a field signal (`scope.rs`). The
//! catalogue's own rate counts only links to *another* catalogue paper, so that a catalogue
//! paper and a missing one are measured alike: each citer (reference) counts when it
//! is tied to the catalogue by something other than the paper in question. A list cut at the
//! first page makes k_n a lower bound for papers with more than 1,000 citers (landmarks, which
//! are far below the rate anyway).
//!
//! ## Predicted mechanism
//! Each linked catalogue paper gives its Adamic-Adar weight to its mechanisms (split evenly).
//! A mechanism's lift is its share of that weight over its base rate: its share of the
//! catalogue papers (each split evenly over its mechanisms). The predicted mechanism is the one
//! of highest lift among those backed by at least two linked catalogue papers and carrying at
//! least [`MECHANISM_MIN_CONFIDENCE`] of the weight, when that lift is at least
//! [`MECHANISM_MIN_LIFT`]; else `uncertain` (the largest class no longer wins by its size alone,
//! nor a rare one by a sliver of the evidence). The confidence is the predicted mechanism's share
//! of the weight.
//!
//! Coverage of a mechanism: the papers linked (citing or cited) to at least k of its catalogue
//! papers form its neighbourhood; completeness is the share of that neighbourhood already in the
//! catalogue.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::scope::{self, g2_against_rate, ScopeContext, ScopeRule, Signals};
use super::{
    AnalyzeOptions, Coverage, GraphMetrics, GroupStats, MissingKind, MissingPaper, MissingScope,
};
use crate::graph::UNSPECIFIED;
use crate::records::{ExpandList, ExpandRequest, Expansions};

/// Papers in Semantic Scholar (order of magnitude), the "document count" of the specificity IDF.
const CORPUS_SIZE: f64 = 2e8;

/// A predicted mechanism needs at least this lift over its base rate; below, `uncertain`.
pub const MECHANISM_MIN_LIFT: f64 = 1.5;

/// A predicted mechanism needs at least this confidence (its share of the linked catalogue
/// papers' weight, 0..1); below, it is not considered. Without it a rare mechanism (two papers
/// in the whole list) won on lift alone with a sliver of the evidence: a foundation cited by 39
/// catalogue papers, 24 of them Token Pruning, was predicted Model Pruning at confidence 0.025.
pub const MECHANISM_MIN_CONFIDENCE: f64 = 0.2;

/// The predicted mechanism of a paper whose evidence points to no mechanism in particular.
pub const UNCERTAIN: &str = "uncertain";

/// Missing papers of each kind, in scope first, each (kind, scope) ranked by score and cut to
/// `options.missing_limit`. Rows with an expansion are scoped by their neighbourhood's links
/// (see the module's "Expansion").
pub fn missing_papers(
    cx: &GraphMetrics<'_>,
    options: &AnalyzeOptions,
    expansions: &Expansions,
) -> Vec<MissingPaper> {
    let n = cx.graph.node_count() as u32;
    let min = options.min_catalog_links.max(1) as u32;
    let base_share = mechanism_base_share(cx);
    let neighbourhood = (!expansions.is_empty()).then(|| Neighbourhood::new(cx));
    let mut out = Vec::new();
    for kind in [MissingKind::Foundation, MissingKind::Candidate] {
        let links = match kind {
            MissingKind::Foundation => &cx.catalog_citations,
            MissingKind::Candidate => &cx.catalog_references,
        };
        let (linked, global): (f64, f64) = cx
            .catalog_nodes
            .iter()
            .map(|&c| {
                let k = links[c as usize] as f64;
                (k, global_count(cx, c, kind, k))
            })
            .fold((0.0, 0.0), |(a, b), (k, g)| (a + k, b + g));
        let base_rate = if global > 0.0 { linked / global } else { 0.0 };
        let context =
            ScopeContext::new(cx, kind, &base_share, super::scope::NULL_SEED, |v, kind| {
                global_count(cx, v, kind, 0.0)
            });
        let other = match kind {
            MissingKind::Foundation => MissingKind::Candidate,
            MissingKind::Candidate => MissingKind::Foundation,
        };
        let mut rows: Vec<MissingPaper> = (0..n)
            .into_par_iter()
            .filter(|&v| !cx.in_catalog(v) && links[v as usize] >= min)
            .map(|v| {
                let mut row = score(cx, v, kind, &base_share, options.weight);
                let k = links[v as usize] as f64;
                let total = global_count(cx, v, kind, k);
                row.field_lift = if base_rate > 0.0 {
                    (k / total) / base_rate
                } else {
                    0.0
                };
                row.field_llr = g2_against_rate(k, total, base_rate);
                let signals = context.signals(
                    cx,
                    v,
                    kind,
                    k,
                    total,
                    global_count(cx, v, other, 0.0),
                    &mechanism_split(cx, v, kind),
                    &base_share,
                );
                let expanded = neighbourhood
                    .as_ref()
                    .and_then(|nb| nb.expanded(cx, v, kind, total, expansions));
                if let Some(expanded) = &expanded {
                    row.neighbourhood_links = Some(expanded.links);
                    row.neighbourhood_lift = Some(expanded.lift);
                    row.neighbourhood_llr = Some(expanded.llr);
                }
                row.scope = decide(&mut row, &signals, options);
                if options.scope_rule == ScopeRule::Signals {
                    // With the same links, the paper that also shows the field's signals is the
                    // likelier addition (see `scope.rs`).
                    row.score *= 1.0 + row.field_signals as f64;
                }
                row
            })
            .collect();
        rows.sort_by(|a, b| {
            a.scope
                .cmp(&b.scope)
                .then(b.score.total_cmp(&a.score))
                .then(b.catalog_papers.cmp(&a.catalog_papers))
                .then_with(|| a.paper_id.cmp(&b.paper_id))
        });
        if options.missing_limit > 0 {
            let mut kept = [0usize; 2];
            rows.retain(|r| {
                let slot = &mut kept[r.scope as usize];
                *slot += 1;
                *slot <= options.missing_limit
            });
        }
        out.extend(rows);
    }
    out
}

/// The row's scope from its signals (see `scope.rs`), which are copied into the row: background
/// when it is significantly below its peers' rate (or its neighbourhood's, when expanded) or
/// cited broadly across the list, and fewer than [`scope::FIELD_SIGNALS_MIN`] field signals
/// say otherwise.
fn decide(row: &mut MissingPaper, signals: &Signals, options: &AnalyzeOptions) -> MissingScope {
    row.peer_lift = signals.peer_lift;
    row.peer_llr = signals.peer_llr;
    row.reciprocal_links = signals.reciprocal_links;
    row.reciprocal_lift = signals.reciprocal_lift;
    row.concentration = signals.concentration;
    row.affinity = signals.affinity;
    row.field_signals = scope::field_signals(
        signals,
        row.neighbourhood_lift,
        options.min_catalog_links.max(1),
    );
    let background = match options.scope_rule {
        ScopeRule::Signals => {
            row.field_signals < scope::FIELD_SIGNALS_MIN
                && (below(row, options) || broad(row, options))
        }
        ScopeRule::FieldRate => {
            let (lift, llr) = row
                .neighbourhood_lift
                .zip(row.neighbourhood_llr)
                .unwrap_or((row.field_lift, row.field_llr));
            lift < options.scope_min_lift && llr >= options.scope_min_llr
        }
    };
    if background {
        MissingScope::Background
    } else {
        MissingScope::InScope
    }
}

/// The rate statistic of the scope rule: significantly below the catalogue papers of its count
/// and age, or (expanded) below the catalogue papers' neighbourhood rate.
fn below(row: &MissingPaper, options: &AnalyzeOptions) -> bool {
    let low = |lift: f64, llr: f64| lift < options.scope_min_lift && llr >= options.scope_min_llr;
    low(row.peer_lift, row.peer_llr)
        || row
            .neighbourhood_lift
            .zip(row.neighbourhood_llr)
            .is_some_and(|(lift, llr)| low(lift, llr))
}

/// Cited broadly: by at least [`scope::BROAD_MIN_PAPERS`] catalogue papers in proportion to the
/// mechanisms' sizes (concentration at most [`scope::CONCENTRATION_MIN`]), less concentrated
/// on the list than the list's own papers are on average (field lift below 1), and not
/// significantly above its peers' rate. A paper that takes as large a share of its citations
/// from the list as the list's papers do is the list's own, however broadly cited
/// ("Deformable Convolutional Networks" on the synthetic world, 39 of its 107 citations).
fn broad(row: &MissingPaper, options: &AnalyzeOptions) -> bool {
    row.catalog_papers >= scope::BROAD_MIN_PAPERS
        && row.concentration <= scope::CONCENTRATION_MIN
        && row.field_lift < 1.0
        && !(row.peer_lift >= 1.0 && row.peer_llr >= options.scope_min_llr)
}

/// The linked catalogue papers' mechanisms, each paper split evenly over its own (unspecified
/// left out): the q of the concentration signal, in papers.
fn mechanism_split<'a>(cx: &GraphMetrics<'a>, v: u32, kind: MissingKind) -> BTreeMap<&'a str, f64> {
    let linked = match kind {
        MissingKind::Foundation => cx.graph.csr.in_neighbors(v),
        MissingKind::Candidate => cx.graph.csr.out_neighbors(v),
    };
    let mut split: BTreeMap<&str, f64> = BTreeMap::new();
    for &c in linked.iter().filter(|&&c| cx.in_catalog(c)) {
        let mechanisms = cx.specified_mechanisms(c);
        for m in mechanisms {
            *split.entry(m.as_str()).or_default() += 1.0 / mechanisms.len() as f64;
        }
    }
    split
}

/// The lists worth one more request, at most `limit`, foundations and candidates in turn, each in
/// rank order: the in-scope rows whose rate statistic is thin (G2 below `scope_min_llr`: too
/// few links to tell), and, with [`ScopeRule::Signals`], the borderline background rows, one
/// field signal short of staying in scope (the neighbourhood's lift can be that signal).
pub fn expansion_requests(
    missing: &[MissingPaper],
    options: &AnalyzeOptions,
    limit: usize,
) -> Vec<ExpandRequest> {
    let worth = |m: &MissingPaper| match (options.scope_rule, m.scope) {
        (ScopeRule::FieldRate, MissingScope::InScope) => m.field_llr < options.scope_min_llr,
        (ScopeRule::FieldRate, MissingScope::Background) => false,
        (ScopeRule::Signals, MissingScope::InScope) => m.peer_llr < options.scope_min_llr,
        (ScopeRule::Signals, MissingScope::Background) => {
            m.field_signals + 1 == scope::FIELD_SIGNALS_MIN
        }
    };
    let thin = |kind: MissingKind| missing.iter().filter(move |m| m.kind == kind && worth(m));
    let mut foundations = thin(MissingKind::Foundation);
    let mut candidates = thin(MissingKind::Candidate);
    let mut out = Vec::new();
    while out.len() < limit {
        let before = out.len();
        for (row, list) in [
            (foundations.next(), ExpandList::Citations),
            (candidates.next(), ExpandList::References),
        ] {
            if let Some(row) = row {
                if out.len() < limit {
                    out.push(ExpandRequest {
                        paper_id: row.paper_id.clone(),
                        list,
                    });
                }
            }
        }
        if out.len() == before {
            break;
        }
    }
    out
}

/// The neighbourhood statistic of an expanded row.
struct Expanded {
    links: usize,
    lift: f64,
    llr: f64,
}

/// What the expansion statistic needs of the whole graph: the field rates p_n of both kinds and
/// the node of every merged record id.
struct Neighbourhood {
    foundation_rate: f64,
    candidate_rate: f64,
    merged: HashMap<String, u32>,
}

impl Neighbourhood {
    fn new(cx: &GraphMetrics<'_>) -> Neighbourhood {
        let csr = &cx.graph.csr;
        let (mut citers, mut cited, mut citations, mut references) = (0.0, 0.0, 0.0, 0.0);
        for &c in &cx.catalog_nodes {
            // Tied to the catalogue by another catalogue paper than c.
            citers += csr
                .in_neighbors(c)
                .iter()
                .filter(|&&x| cx.in_catalog(x) || cx.catalog_references[x as usize] >= 2)
                .count() as f64;
            cited += csr
                .out_neighbors(c)
                .iter()
                .filter(|&&y| cx.in_catalog(y) || cx.catalog_citations[y as usize] >= 2)
                .count() as f64;
            citations += global_count(cx, c, MissingKind::Foundation, 0.0);
            references += global_count(cx, c, MissingKind::Candidate, 0.0);
        }
        let rate = |k: f64, n: f64| if n > 0.0 { k / n } else { 0.0 };
        let mut merged = HashMap::new();
        for (v, node) in cx.graph.nodes().enumerate() {
            for id in &node.records {
                merged.insert(id.clone(), v as u32);
            }
        }
        Neighbourhood {
            foundation_rate: rate(citers, citations),
            candidate_rate: rate(cited, references),
            merged,
        }
    }

    fn node_of(&self, cx: &GraphMetrics<'_>, id: &str) -> Option<u32> {
        cx.graph
            .index_of(id)
            .or_else(|| self.merged.get(id).copied())
    }

    /// k_n, lift and G2 of row `v` when its list was fetched; `total` is its n.
    fn expanded(
        &self,
        cx: &GraphMetrics<'_>,
        v: u32,
        kind: MissingKind,
        total: f64,
        expansions: &Expansions,
    ) -> Option<Expanded> {
        let node = cx.graph.node(v);
        let (list, graph_links, rate, tied): (_, &[u32], f64, &[u32]) = match kind {
            MissingKind::Foundation => (
                ExpandList::Citations,
                cx.graph.csr.in_neighbors(v),
                self.foundation_rate,
                &cx.catalog_references,
            ),
            MissingKind::Candidate => (
                ExpandList::References,
                cx.graph.csr.out_neighbors(v),
                self.candidate_rate,
                &cx.catalog_citations,
            ),
        };
        let fetched = std::iter::once(&node.paper_id)
            .chain(&node.records)
            .find_map(|id| expansions.get(id, list))?;
        let mut linked: Vec<u32> = graph_links.to_vec();
        linked.extend(
            fetched
                .iter()
                .filter_map(|id| self.node_of(cx, id))
                .filter(|&x| x != v),
        );
        linked.sort_unstable();
        linked.dedup();
        let links = linked
            .iter()
            .filter(|&&x| cx.in_catalog(x) || tied[x as usize] >= 1)
            .count();
        let total = total.max(links as f64);
        let lift = if rate > 0.0 {
            (links as f64 / total) / rate
        } else {
            0.0
        };
        Some(Expanded {
            links,
            lift,
            llr: g2_against_rate(links as f64, total, rate),
        })
    }
}

/// n(v): the paper's global citation (foundation) or reference (candidate) count, at least its
/// degree in the graph and its `k` catalogue links.
fn global_count(cx: &GraphMetrics<'_>, v: u32, kind: MissingKind, k: f64) -> f64 {
    let node = cx.graph.node(v);
    let (count, degree) = match kind {
        MissingKind::Foundation => (node.citation_count, cx.graph.csr.in_degree(v)),
        MissingKind::Candidate => (node.reference_count, cx.graph.csr.out_degree(v)),
    };
    (count.unwrap_or(0) as f64).max(degree as f64).max(k)
}

/// Each specified mechanism's share of the catalogue papers (a paper split evenly over its
/// mechanisms): the base rate a predicted mechanism's lift is measured against.
fn mechanism_base_share<'a>(cx: &GraphMetrics<'a>) -> BTreeMap<&'a str, f64> {
    let mut share: BTreeMap<&str, f64> = BTreeMap::new();
    let mut total = 0.0;
    for &c in &cx.catalog_nodes {
        let mechanisms = cx.specified_mechanisms(c);
        for m in mechanisms {
            *share.entry(m.as_str()).or_default() += 1.0 / mechanisms.len() as f64;
        }
        if !mechanisms.is_empty() {
            total += 1.0;
        }
    }
    for value in share.values_mut() {
        *value /= total;
    }
    share
}

fn score(
    cx: &GraphMetrics<'_>,
    v: u32,
    kind: MissingKind,
    base_share: &BTreeMap<&str, f64>,
    link_weight: super::LinkWeight,
) -> MissingPaper {
    let csr = &cx.graph.csr;
    let node = cx.graph.node(v);
    // Foundations look at their citers and how many catalogue papers those cite (co-citation);
    // candidates at their references and how many catalogue papers cite those (coupling).
    let (linked, catalog_links_of, global_count) = match kind {
        MissingKind::Foundation => (
            csr.in_neighbors(v),
            &cx.catalog_references,
            node.citation_count,
        ),
        MissingKind::Candidate => (
            csr.out_neighbors(v),
            &cx.catalog_citations,
            node.reference_count,
        ),
    };
    let strength: u64 = linked
        .iter()
        .map(|&p| catalog_links_of[p as usize] as u64)
        .sum();
    let structural = strength as f64 / linked.len().max(1) as f64;
    let global = global_count.unwrap_or(0).max(linked.len() as u64);
    let mut relevance = 0.0;
    let mut weight_by_mechanism: BTreeMap<&str, f64> = BTreeMap::new();
    let mut papers_by_mechanism: BTreeMap<&str, usize> = BTreeMap::new();
    let mut evidence: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut catalog_papers = 0;
    for &c in linked.iter().filter(|&&c| cx.in_catalog(c)) {
        catalog_papers += 1;
        let degree = match kind {
            MissingKind::Foundation => csr.out_degree(c),
            MissingKind::Candidate => csr.in_degree(c),
        };
        // `--weight intents`: a link that uses the paper's method or is influential vouches
        // more (1 to 3 times, see `weights.rs`).
        let (citing, cited) = match kind {
            MissingKind::Foundation => (c, v),
            MissingKind::Candidate => (v, c),
        };
        let w = super::weights::link_weight(cx.graph, citing, cited, link_weight)
            / (std::f64::consts::E + degree as f64).ln();
        relevance += w;
        let mechanisms = cx.specified_mechanisms(c);
        for m in mechanisms {
            *weight_by_mechanism.entry(m.as_str()).or_default() += w / mechanisms.len() as f64;
            *papers_by_mechanism.entry(m.as_str()).or_default() += 1;
        }
        if let Some(info) = cx.info(c) {
            for m in &info.mechanisms {
                evidence
                    .entry(m.clone())
                    .or_default()
                    .push(info.key.clone());
            }
        }
    }
    for keys in evidence.values_mut() {
        keys.sort();
    }
    let mechanisms_spanned = weight_by_mechanism.len();
    let specificity =
        ((CORPUS_SIZE / (1.0 + global as f64)).ln() / CORPUS_SIZE.ln()).clamp(0.05, 1.0);
    // Links the other way: the catalogue papers a foundation cites, or that cite a candidate.
    let reverse = match kind {
        MissingKind::Foundation => cx.catalog_references[v as usize],
        MissingKind::Candidate => cx.catalog_citations[v as usize],
    };
    let reciprocity = 1.0 + f64::from(reverse).ln_1p();
    let score = relevance * specificity * reciprocity * (1.0 + structural.ln_1p());
    let (predicted_mechanism, confidence) =
        predict_mechanism(&weight_by_mechanism, &papers_by_mechanism, base_share);
    MissingPaper {
        paper_id: node.paper_id.clone(),
        title: node.title.clone(),
        year: node.year,
        venue: node.venue.clone(),
        venue_alternate_names: node.venue_alternate_names.clone(),
        authors: node.authors.clone(),
        url: paper_url(node),
        external_ids: node.external_ids.iter().cloned().collect(),
        kind,
        score,
        catalog_papers,
        mechanisms_spanned,
        structural,
        citation_count: node.citation_count,
        evidence,
        predicted_mechanism: predicted_mechanism.to_string(),
        confidence,
        s2_ids: node.records.clone(),
        ..MissingPaper::default()
    }
}

/// The predicted mechanism and its confidence, from each mechanism's share of the linked
/// catalogue papers' Adamic-Adar weight (`weight`, any positive unit), the number of linked
/// catalogue papers carrying it (`papers`) and its base rate (`base_share`, its share of the
/// catalogue papers, 0..1). Eligible: backed by at least two linked papers, confidence
/// `w / sum(w)` at least [`MECHANISM_MIN_CONFIDENCE`] and a base rate above 0. The prediction is
/// the eligible mechanism of highest lift `confidence / base_share` when that lift is at least
/// [`MECHANISM_MIN_LIFT`] (ties: the first by name); else [`UNCERTAIN`] with confidence 0, or
/// `unspecified` (confidence 0) when no linked paper carries a mechanism. Lift as in
/// association-rule mining (Brin et al., SIGMOD 1997).
fn predict_mechanism<'a>(
    weight: &BTreeMap<&'a str, f64>,
    papers: &BTreeMap<&str, usize>,
    base_share: &BTreeMap<&str, f64>,
) -> (&'a str, f64) {
    let total: f64 = weight.values().sum();
    if weight.is_empty() || total <= 0.0 {
        return (UNSPECIFIED, 0.0);
    }
    let mut best: Option<(&str, f64, f64)> = None;
    for (&m, &w) in weight {
        let base = base_share.get(m).copied().unwrap_or(0.0);
        let confidence = w / total;
        if papers.get(m).copied().unwrap_or(0) < 2
            || base <= 0.0
            || confidence < MECHANISM_MIN_CONFIDENCE
        {
            continue;
        }
        let lift = confidence / base;
        if best.is_none_or(|(_, top, _)| lift > top) {
            best = Some((m, lift, confidence));
        }
    }
    match best {
        Some((m, lift, confidence)) if lift >= MECHANISM_MIN_LIFT => (m, confidence),
        _ => (UNCERTAIN, 0.0),
    }
}

/// arXiv when the paper has an arXiv id, else its Semantic Scholar page.
fn paper_url(node: &crate::graph::PaperNode) -> String {
    match node.external_id("ArXiv") {
        Some(arxiv) => format!("https://arxiv.org/abs/{arxiv}"),
        None => format!("https://www.semanticscholar.org/paper/{}", node.paper_id),
    }
}

/// Completeness of each mechanism's neighbourhood (mechanisms in the order given, `unspecified`
/// left out).
pub fn coverage(cx: &GraphMetrics<'_>, mechanisms: &[GroupStats], k: usize) -> Vec<Coverage> {
    let k = k.max(1) as u32;
    let mut count = vec![0u32; cx.graph.node_count()];
    let mut touched: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for group in mechanisms.iter().filter(|g| g.name != UNSPECIFIED) {
        for &c in &cx.catalog_nodes {
            if !cx.specified_mechanisms(c).contains(&group.name) {
                continue;
            }
            for &x in cx.undirected.neighbors(c) {
                if count[x as usize] == 0 {
                    touched.push(x);
                }
                count[x as usize] += 1;
            }
        }
        let mut linked = 0;
        let mut missing = 0;
        for &x in &touched {
            if count[x as usize] >= k {
                linked += 1;
                if !cx.in_catalog(x) {
                    missing += 1;
                }
            }
            count[x as usize] = 0;
        }
        touched.clear();
        out.push(Coverage {
            mechanism: group.name.clone(),
            k: k as usize,
            linked,
            missing,
            completeness: (linked > 0).then(|| 1.0 - missing as f64 / linked as f64),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{
        g2_against_rate, predict_mechanism, MECHANISM_MIN_CONFIDENCE, MECHANISM_MIN_LIFT, UNCERTAIN,
    };
    use crate::graph::UNSPECIFIED;

    /// Weight, linked papers and base rate by mechanism, as `score` builds them.
    type Evidence<'a> = (
        BTreeMap<&'a str, f64>,
        BTreeMap<&'a str, usize>,
        BTreeMap<&'a str, f64>,
    );

    fn maps<'a>(rows: &[(&'a str, f64, usize, f64)]) -> Evidence<'a> {
        (
            rows.iter().map(|r| (r.0, r.1)).collect(),
            rows.iter().map(|r| (r.0, r.2)).collect(),
            rows.iter().map(|r| (r.0, r.3)).collect(),
        )
    }

    /// The tester's case: a foundation whose catalogue citers are mostly the two largest
    /// mechanisms, plus two papers of a mechanism only two catalogue papers carry. The rare one
    /// has by far the highest lift, but on 2.5 % of the weight: not a prediction. The large ones
    /// do not stand out over their base rates either, so the paper is `uncertain`.
    #[test]
    fn a_rare_mechanism_does_not_win_on_a_sliver_of_the_evidence() {
        // (mechanism, weight, linked papers carrying it, base rate)
        let rows = [
            ("pruning", 24.0, 24, 0.45),
            ("merging", 10.0, 10, 0.25),
            ("model pruning", 0.9, 2, 2.0 / 290.0),
            ("caching", 1.1, 2, 0.05),
        ];
        let (weight, papers, base) = maps(&rows);
        let total: f64 = weight.values().sum();
        let rare_share = 0.9 / total;
        assert!(rare_share < MECHANISM_MIN_CONFIDENCE);
        assert!(rare_share / base["model pruning"] >= MECHANISM_MIN_LIFT);
        assert!((24.0 / total) / 0.45 < MECHANISM_MIN_LIFT);
        assert_eq!(predict_mechanism(&weight, &papers, &base), (UNCERTAIN, 0.0));
    }

    /// Among the mechanisms with enough confidence and two papers, the highest lift wins, and
    /// its confidence is its share of the weight; a mechanism of one paper is never predicted.
    #[test]
    fn the_highest_lift_among_well_backed_mechanisms_wins() {
        let rows = [
            ("pruning", 4.0, 4, 0.45),
            ("sparse", 3.0, 3, 0.05),
            ("caching", 0.5, 2, 0.005),
            ("exit", 2.5, 1, 0.005),
        ];
        let (weight, papers, base) = maps(&rows);
        let total = 10.0;
        // caching: lift 10 but 5 % of the weight; exit: 25 % but one paper; sparse: 30 %, lift 6.
        let (m, confidence) = predict_mechanism(&weight, &papers, &base);
        assert_eq!(m, "sparse");
        assert!((confidence - 3.0 / total).abs() < 1e-12);
        assert!(confidence >= MECHANISM_MIN_CONFIDENCE);

        // No badge among the linked papers: unspecified.
        let empty = BTreeMap::new();
        assert_eq!(
            predict_mechanism(&empty, &BTreeMap::new(), &base),
            (UNSPECIFIED, 0.0)
        );
    }

    /// G2 by hand: k = 10 of n = 20 against p0 = 0.25:
    /// 2 [10 ln(10 / 5) + 10 ln(10 / 15)] = 2 [6.931 - 4.055] = 5.753.
    #[test]
    fn g2_matches_the_hand_value() {
        let g2 = g2_against_rate(10.0, 20.0, 0.25);
        let expected = 2.0 * (10.0 * 2.0f64.ln() + 10.0 * (10.0f64 / 15.0).ln());
        assert!((g2 - expected).abs() < 1e-12);
        assert!((g2 - 5.7534).abs() < 1e-3);
        // A share equal to the rate: no evidence; k = n and k = 0 stay finite.
        assert!(g2_against_rate(5.0, 20.0, 0.25).abs() < 1e-12);
        assert!(g2_against_rate(20.0, 20.0, 0.25).is_finite());
        assert!(g2_against_rate(0.0, 20.0, 0.25).is_finite());
        assert_eq!(g2_against_rate(1.0, 0.0, 0.25), 0.0);
    }

    /// Against scipy's `power_divergence(lambda_="log-likelihood")` (the G-test), the oracle
    /// `.ci/setup` installs. Fails loudly when python3 or scipy is missing.
    #[test]
    fn g2_matches_scipy() {
        let cases = [
            (101.0, 60000.0, 0.303),
            (8.0, 9.0, 0.303),
            (25.0, 27.0, 0.4),
            (3.0, 100.0, 0.1),
        ];
        let script = format!(
            "from scipy.stats import power_divergence\nfor k, n, p in {:?}:\n    print(power_divergence([k, n - k], [n * p, n * (1 - p)], lambda_='log-likelihood').statistic)",
            cases.map(|(k, n, p)| vec![k, n, p])
        );
        let output = std::process::Command::new("python3")
            .args(["-c", &script])
            .output()
            .expect("python3 is needed for the G2 oracle (run .ci/setup)");
        assert!(
            output.status.success(),
            "scipy is needed for the G2 oracle (run .ci/setup): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let values: Vec<f64> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect();
        assert_eq!(values.len(), cases.len());
        for ((k, n, p), expected) in cases.iter().zip(values) {
            let g2 = g2_against_rate(*k, *n, *p);
            assert!(
                (g2 - expected).abs() <= 1e-9 * expected.max(1.0),
                "{k} {n} {p}: {g2} vs {expected}"
            );
        }
    }
}
