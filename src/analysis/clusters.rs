//! Names and summaries of the communities (`clusters.csv`), and the co-citation and coupling
//! pair tables (`cocitation.csv`, `coupling.csv`).
//!
//! A community's label is made of the title terms most distinctive of its papers against the
//! rest of the graph, ranked by Dunning's log-likelihood ratio (T. Dunning, "Accurate methods for
//! the statistics of surprise and coincidence", Computational Linguistics 19(1), 1993), the way
//! CiteSpace labels co-citation clusters (C. Chen, "CiteSpace II", JASIST 57(3), 2006). For a
//! term t, with k1 of the n1 papers of the community and k2 of the n2 other papers of the graph
//! having t in their title:
//!
//! ```text
//! G2 = 2 [ f(k1) + f(n1 - k1) + f(k2) + f(n2 - k2) + f(n1 + n2)
//!          - f(n1) - f(n2) - f(k1 + k2) - f(n1 + n2 - k1 - k2) ],   f(x) = x ln x
//! ```
//!
//! Only terms over-represented in the community (k1 / n1 > k2 / n2) count. A community holding at
//! least three catalogue papers is labelled from their titles against all catalogue papers (what
//! the list is about); any other from all its papers' titles against the whole graph. Terms are the words
//! of a title (lower-cased, split at anything but letters, digits and hyphens) and the pairs of adjacent
//! words, each counted once per title; stop words, generic research words ("model", "efficient",
//! "towards", ...) and numbers are dropped, and a pair may not start or end with one. Terms are
//! counted by word stem (Snowball English: "accelerated", "accelerating" and "acceleration" are
//! one term, shown in its most common spelling). The label is the best two terms that share no
//! word stem (a pair beats its own words when it scores as high), and names are distinct across
//! communities: a term sharing a stem with the name of a larger community is left out (a
//! community left with no term is named after its most influential paper, as below),
//! followed by the short name (abbreviation) of the community's most influential catalogue paper
//! when it has one. A community whose titles give no distinctive term (a single paper, or
//! titles made only of generic words) is named after its most influential paper's title. A
//! label is never a bare number.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::GraphMetrics;
use crate::metrics::Pairs;

/// Which network the communities are found in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommunityNetwork {
    /// The undirected citation graph, each edge once, self-citations dropped.
    #[default]
    Citation,
    /// Papers linked by their co-citation count (what CiteSpace and VOSviewer cluster).
    Cocitation,
    /// Papers linked by the references they share.
    Coupling,
}

impl CommunityNetwork {
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityNetwork::Citation => "citation",
            CommunityNetwork::Cocitation => "cocitation",
            CommunityNetwork::Coupling => "coupling",
        }
    }
}

impl FromStr for CommunityNetwork {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s {
            "citation" => Ok(CommunityNetwork::Citation),
            "cocitation" => Ok(CommunityNetwork::Cocitation),
            "coupling" => Ok(CommunityNetwork::Coupling),
            _ => anyhow::bail!(
                "unknown community network {s:?}: use citation, cocitation or coupling"
            ),
        }
    }
}

/// The papers whose co-citation and coupling pairs are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PairPapers {
    /// Every paper of the graph.
    #[default]
    All,
    /// Catalogue papers only.
    Catalog,
}

/// One community: `clusters.csv`'s row.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Cluster {
    /// The community number of `papers.csv` (0 the largest).
    pub community: u32,
    /// Papers in it.
    pub size: usize,
    /// Its name for readers: distinctive title terms (and the short name of its best-known
    /// paper), see the module documentation.
    pub label: String,
    /// The distinctive terms, best first, with their log-likelihood ratio G2.
    pub terms: Vec<(String, f64)>,
    /// Its most influential papers by PageRank, as "short name or short title (year)".
    pub top_papers: Vec<String>,
    /// The mechanism most of its catalogue papers carry (`unspecified` left out; ties go to the
    /// first name in sort order); empty when it holds no catalogue paper with one.
    pub dominant_mechanism: String,
    /// Catalogue papers in it.
    pub catalog_papers: usize,
}

/// One pair of `cocitation.csv` or `coupling.csv`: `a < b` by Semantic Scholar id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairRow {
    pub a: String,
    pub b: String,
    pub count: u32,
    pub salton: f64,
}

/// How the pair tables were cut, for the summary.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PairSummary {
    /// Pairs written.
    pub pairs: usize,
    /// The count threshold applied (the requested minimum, or higher when bounded).
    pub min_count: u32,
    /// Pairs that met the requested minimum; above `pairs` when the output was bounded.
    pub candidates: u64,
    pub bounded: bool,
}

impl PairSummary {
    pub fn of(pairs: &Pairs) -> PairSummary {
        PairSummary {
            pairs: pairs.pairs.len(),
            min_count: pairs.min_count,
            candidates: pairs.candidates,
            bounded: pairs.bounded,
        }
    }
}

/// Node pairs as rows with paper ids (node order is paper id order, so `a < b` holds).
pub fn pair_rows(cx: &GraphMetrics<'_>, pairs: &Pairs) -> Vec<PairRow> {
    pairs
        .pairs
        .iter()
        .map(|p| PairRow {
            a: cx.graph.node(p.a).paper_id.clone(),
            b: cx.graph.node(p.b).paper_id.clone(),
            count: p.count,
            salton: p.salton,
        })
        .collect()
}

/// Papers listed per cluster in `top_papers`.
const TOP_PAPERS: usize = 5;

/// A community with at least this many catalogue papers is labelled from their titles alone.
const MIN_CATALOG_PAPERS: usize = 3;

/// One row per community, in community order.
pub fn clusters(cx: &GraphMetrics<'_>) -> Vec<Cluster> {
    let graph = cx.graph;
    let partition = &cx.communities;
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); partition.count];
    for (v, &c) in partition.labels.iter().enumerate() {
        members[c as usize].push(v as u32);
    }
    let titles: Vec<&str> = graph.nodes().map(|n| n.title.as_str()).collect();
    let all_terms = candidate_terms(&titles, &partition.labels, partition.count);
    // The catalogue papers' titles against the whole catalogue: what the survey's author wrote
    // the list about, not the generic titles of the papers around it.
    let catalog_titles: Vec<&str> = cx
        .catalog_nodes
        .iter()
        .map(|&v| titles[v as usize])
        .collect();
    let catalog_labels: Vec<u32> = cx
        .catalog_nodes
        .iter()
        .map(|&v| partition.labels[v as usize])
        .collect();
    let catalog_terms = candidate_terms(&catalog_titles, &catalog_labels, partition.count);
    let mut catalog_count = vec![0usize; partition.count];
    for &c in &catalog_labels {
        catalog_count[c as usize] += 1;
    }
    let terms = distinct_names(
        all_terms
            .into_iter()
            .zip(catalog_terms)
            .zip(catalog_count)
            .map(|((all, catalog), count)| {
                if count >= MIN_CATALOG_PAPERS && !catalog.is_empty() {
                    catalog
                } else {
                    all
                }
            })
            .collect(),
    );
    members
        .into_iter()
        .zip(terms)
        .enumerate()
        .map(|(c, (mut nodes, terms))| {
            nodes.sort_by(|&a, &b| {
                cx.pagerank[b as usize]
                    .total_cmp(&cx.pagerank[a as usize])
                    .then(a.cmp(&b))
            });
            let top_papers = nodes
                .iter()
                .take(TOP_PAPERS)
                .map(|&v| paper_with_year(cx, v))
                .collect();
            let mut mechanisms: BTreeMap<&str, usize> = BTreeMap::new();
            let mut catalog_papers = 0;
            for &v in &nodes {
                if cx.in_catalog(v) {
                    catalog_papers += 1;
                }
                for m in cx.specified_mechanisms(v) {
                    *mechanisms.entry(m.as_str()).or_default() += 1;
                }
            }
            let dominant_mechanism = mechanisms
                .iter()
                .fold(None, |best: Option<(&str, usize)>, (&m, &n)| match best {
                    Some((_, b)) if b >= n => best,
                    _ => Some((m, n)),
                })
                .map(|(m, _)| m.to_string())
                .unwrap_or_default();
            let best_known = nodes.first().copied();
            let short_name = nodes
                .iter()
                .find_map(|&v| cx.info(v).and_then(|i| i.abbreviation.clone()));
            let fallback = best_known
                .map(|v| short_title(&graph.node(v).title))
                .unwrap_or_default();
            Cluster {
                community: c as u32,
                size: nodes.len(),
                label: label(&terms, short_name.as_deref(), &fallback, nodes.len()),
                terms,
                top_papers,
                dominant_mechanism,
                catalog_papers,
            }
        })
        .collect()
}

/// A paper as a reader knows it: its short name (abbreviation) or short title, and its year.
fn paper_with_year(cx: &GraphMetrics<'_>, v: u32) -> String {
    let node = cx.graph.node(v);
    let name = cx
        .info(v)
        .and_then(|i| i.abbreviation.clone())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| short_title(&node.title));
    let name = if name.is_empty() {
        node.paper_id.clone()
    } else {
        name
    };
    match node.year {
        Some(year) => format!("{name} ({year})"),
        None => name,
    }
}

/// The label from the terms, the short name of the best-known paper and the fallback title.
fn label(terms: &[(String, f64)], short_name: Option<&str>, fallback: &str, size: usize) -> String {
    let named: Vec<&str> = terms.iter().take(2).map(|(t, _)| t.as_str()).collect();
    let mut label = named.join("; ");
    if label.is_empty() {
        label = if fallback.is_empty() {
            format!("untitled papers ({size})")
        } else {
            fallback.to_string()
        };
    }
    if let Some(short) = short_name.filter(|s| !s.is_empty() && !label.contains(*s)) {
        label = format!("{label} ({short})");
    }
    label
}

/// The first words of a title, at most about 60 characters.
fn short_title(title: &str) -> String {
    let mut out = String::new();
    for word in title.split_whitespace() {
        if !out.is_empty() && out.len() + word.len() > 60 {
            out.push_str(" ...");
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Terms kept per community.
const TERMS: usize = 3;

/// Terms of a community's name: the label shows its first two ([`label`]).
const NAME_TERMS: usize = 2;

/// The stem of a term: each word's Snowball (Porter 2) English stem, joined by spaces, so that
/// "accelerated", "accelerating" and "acceleration" are one term ("acceler").
pub fn term_stem(term: &str) -> String {
    thread_local! {
        static STEMMER: rust_stemmers::Stemmer =
            rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    }
    STEMMER.with(|stemmer| {
        term.split(' ')
            .map(|w| stemmer.stem(w).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// For each community `0..count` of `labels`, its most distinctive title terms by G2, best first
/// (at most `TERMS`, no two sharing a word stem). Terms are counted by stem ([`term_stem`]:
/// "accelerated", "accelerating" and "acceleration" are one term), each shown in its most
/// common spelling (ties to the shorter, then the first in sort order). Names are distinct across
/// communities: going from community 0 (the largest) on, a term that shares a stem with the
/// first two terms (the name) of an earlier community is left out (a community left with no
/// term is named after its most influential paper). Cost: O(total title length + distinct
/// (community, term) pairs x log).
pub fn distinctive_terms(titles: &[&str], labels: &[u32], count: usize) -> Vec<Vec<(String, f64)>> {
    distinct_names(candidate_terms(titles, labels, count))
}

/// Every community's candidate terms (over-represented, with enough support), best G2 first (a
/// pair before a single word on ties, then by name), each term in its most common spelling.
fn candidate_terms(titles: &[&str], labels: &[u32], count: usize) -> Vec<Vec<(String, f64)>> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    // Spellings of each stem and how many titles use each.
    let mut spellings: Vec<BTreeMap<String, u32>> = Vec::new();
    let mut global: Vec<u32> = Vec::new();
    // (community, term) -> papers of the community with the term.
    let mut per_community: HashMap<(u32, u32), u32> = HashMap::new();
    let mut community_size = vec![0u32; count];
    let mut paper_terms: Vec<u32> = Vec::new();
    for (title, &c) in titles.iter().zip(labels) {
        community_size[c as usize] += 1;
        paper_terms.clear();
        for term in title_terms(title) {
            let id = *ids.entry(term_stem(&term)).or_insert_with(|| {
                spellings.push(BTreeMap::new());
                global.push(0);
                (spellings.len() - 1) as u32
            });
            *spellings[id as usize].entry(term).or_default() += 1;
            paper_terms.push(id);
        }
        paper_terms.sort_unstable();
        paper_terms.dedup();
        for &id in &paper_terms {
            global[id as usize] += 1;
            *per_community.entry((c, id)).or_default() += 1;
        }
    }
    let names: Vec<String> = spellings
        .iter()
        .map(|forms| {
            forms
                .iter()
                .max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then(b.0.len().cmp(&a.0.len()))
                        .then(b.0.cmp(a.0))
                })
                .map(|(form, _)| form.clone())
                .unwrap_or_default()
        })
        .collect();
    let total = titles.len().min(labels.len()) as f64;
    let mut candidates: Vec<Vec<(u32, f64, u32)>> = vec![Vec::new(); count];
    for (&(c, id), &k1) in &per_community {
        let n1 = f64::from(community_size[c as usize]);
        let n2 = total - n1;
        let k2 = f64::from(global[id as usize] - k1);
        let k1f = f64::from(k1);
        let score = if n2 == 0.0 {
            // One community holds every paper: nothing to contrast with, frequency decides.
            k1f
        } else if k1f / n1 > k2 / n2 {
            log_likelihood_ratio(k1f, n1, k2, n2)
        } else {
            continue;
        };
        candidates[c as usize].push((id, score, k1));
    }
    candidates
        .into_iter()
        .enumerate()
        .map(|(c, mut list)| {
            // Terms of a single title say little about a community of several papers.
            let support = if community_size[c] >= 4 { 2 } else { 1 };
            if list.iter().any(|&(_, _, k1)| k1 >= support) {
                list.retain(|&(_, _, k1)| k1 >= support);
            }
            list.sort_by(|a, b| {
                b.1.total_cmp(&a.1)
                    .then_with(|| {
                        let words = |id: u32| names[id as usize].matches(' ').count();
                        words(b.0).cmp(&words(a.0))
                    })
                    .then_with(|| names[a.0 as usize].cmp(&names[b.0 as usize]))
            });
            list.into_iter()
                .map(|(id, score, _)| (names[id as usize].clone(), score))
                .collect()
        })
        .collect()
}

/// The terms of each community's name from its candidates (best first): at most `TERMS`, no two
/// sharing a word stem; going from community 0 on, a candidate that shares a stem with the first
/// `NAME_TERMS` terms of an earlier community's name is left out (a community left with no
/// candidate gets no term, and is named after its most influential paper).
fn distinct_names(candidates: Vec<Vec<(String, f64)>>) -> Vec<Vec<(String, f64)>> {
    let stems_of =
        |t: &str| -> Vec<String> { term_stem(t).split(' ').map(str::to_string).collect() };
    let mut named: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(candidates.len());
    for list in candidates {
        let stemmed: Vec<(String, f64, Vec<String>)> = list
            .into_iter()
            .map(|(t, g)| {
                let st = stems_of(&t);
                (t, g, st)
            })
            .collect();
        // Terms of other names never: a community left without a term of its own is named
        // after its most influential paper (see `label`).
        let free = stemmed
            .into_iter()
            .filter(|(_, _, st)| !st.iter().any(|w| named.contains(w)));
        let mut chosen: Vec<(String, f64, Vec<String>)> = Vec::new();
        for term in free {
            if !chosen
                .iter()
                .any(|c| c.2.iter().any(|w| term.2.contains(w)))
            {
                chosen.push(term);
                if chosen.len() == TERMS {
                    break;
                }
            }
        }
        for term in chosen.iter().take(NAME_TERMS) {
            named.extend(term.2.iter().cloned());
        }
        out.push(chosen.into_iter().map(|(t, g, _)| (t, g)).collect());
    }
    out
}

/// Dunning's G2 for a term in k1 of n1 papers of a community and k2 of the n2 others.
pub fn log_likelihood_ratio(k1: f64, n1: f64, k2: f64, n2: f64) -> f64 {
    fn f(x: f64) -> f64 {
        if x > 0.0 {
            x * x.ln()
        } else {
            0.0
        }
    }
    let g2 = 2.0
        * (f(k1) + f(n1 - k1) + f(k2) + f(n2 - k2) + f(n1 + n2)
            - f(n1)
            - f(n2)
            - f(k1 + k2)
            - f(n1 + n2 - k1 - k2));
    g2.max(0.0)
}

/// The terms of a title: its kept words and the pairs of adjacent kept words.
pub(super) fn title_terms(title: &str) -> Vec<String> {
    // Hyphens join ("token-level", "multi-modal"); anything else separates.
    let words: Vec<String> = title
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let kept: Vec<bool> = words.iter().map(|w| is_term(w)).collect();
    let mut terms = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if kept[i] {
            terms.push(word.clone());
            if i + 1 < words.len() && kept[i + 1] {
                terms.push(format!("{word} {}", words[i + 1]));
            }
        }
    }
    terms
}

fn is_term(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().any(char::is_alphabetic)
        && !STOP_WORDS.contains(&word)
        && !GENERIC_WORDS.contains(&word)
}

/// English function words.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "across", "after", "against", "all", "along", "also", "am", "among",
    "an", "and", "any", "are", "as", "at", "be", "been", "before", "being", "between", "beyond",
    "both", "but", "by", "can", "could", "do", "does", "down", "during", "each", "either", "for",
    "from", "further", "had", "has", "have", "how", "if", "in", "into", "is", "it", "its", "just",
    "less", "may", "more", "most", "much", "must", "no", "nor", "not", "of", "off", "on", "one",
    "only", "or", "other", "our", "out", "over", "per", "same", "should", "so", "some", "such",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "up", "upon", "us", "very", "vs", "was", "we", "were", "what",
    "when", "where", "whether", "which", "while", "who", "why", "will", "with", "within",
    "without", "would", "you", "your",
];

/// Words of almost every title in the field, which name no topic.
const GENERIC_WORDS: &[&str] = &[
    "analysis",
    "approach",
    "approaches",
    "aware",
    "based",
    "deep",
    "driven",
    "network",
    "networks",
    "neural",
    "beyond",
    "better",
    "case",
    "efficient",
    "efficiently",
    "efficiency",
    "enabling",
    "enhanced",
    "enhancing",
    "evaluation",
    "fast",
    "faster",
    "framework",
    "improved",
    "improving",
    "learning",
    "less",
    "method",
    "methods",
    "model",
    "models",
    "new",
    "novel",
    "paper",
    "performance",
    "preprint",
    "results",
    "revisited",
    "revisiting",
    "simple",
    "study",
    "survey",
    "synthetic",
    "system",
    "systems",
    "technique",
    "techniques",
    "toward",
    "towards",
    "two",
    "using",
    "via",
    "work",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g2_by_hand() {
        // A term in 3 of 4 papers of a community and 1 of 16 others (Dunning's contingency
        // table): 2 * sum O ln(O / E) with E from the margins.
        let (k1, n1, k2, n2): (f64, f64, f64, f64) = (3.0, 4.0, 1.0, 16.0);
        let n = n1 + n2;
        let k = k1 + k2;
        let cells = [
            (k1, k * n1 / n),
            (n1 - k1, (n - k) * n1 / n),
            (k2, k * n2 / n),
            (n2 - k2, (n - k) * n2 / n),
        ];
        let expected: f64 = 2.0 * cells.iter().map(|(o, e)| o * (o / e).ln()).sum::<f64>();
        assert!((log_likelihood_ratio(k1, n1, k2, n2) - expected).abs() < 1e-12);
        assert!(log_likelihood_ratio(2.0, 4.0, 8.0, 16.0).abs() < 1e-12);
    }

    #[test]
    fn terms_drop_stop_and_generic_words() {
        assert_eq!(
            title_terms("ToMe: Token Merging for Efficient Vision Transformers (2023)"),
            vec![
                "tome",
                "tome token",
                "token",
                "token merging",
                "merging",
                "vision",
                "vision transformers",
                "transformers"
            ]
        );
        assert!(title_terms("A Novel Approach, via Learning").is_empty());
    }

    #[test]
    fn labels_are_the_distinctive_terms() {
        let titles = [
            "Token merging for vision transformers",
            "Token merging in diffusion",
            "Fast token merging",
            "Token merging at scale",
            "KV cache eviction for long context",
            "KV cache compression",
            "Quantized KV cache",
            "Long context KV cache",
        ];
        let labels = [0, 0, 0, 0, 1, 1, 1, 1];
        let terms = distinctive_terms(&titles, &labels, 2);
        assert_eq!(terms[0][0].0, "token merging");
        assert_eq!(terms[1][0].0, "kv cache");
        // "long context" is in 2 of 4 and nowhere else: second.
        assert_eq!(terms[1][1].0, "long context");
        let named = label(&terms[0], Some("ToMe"), "x", 4);
        assert_eq!(named, "token merging (ToMe)");
        assert_eq!(label(&[], None, "", 3), "untitled papers (3)");
        assert_eq!(label(&[], None, "Some title", 1), "Some title");
    }

    /// Spellings of one stem are one term, and a term that names a larger community ranks after
    /// the others in a smaller one: no two names share a stem.
    #[test]
    fn names_merge_stems_and_stay_distinct() {
        let titles = [
            "Accelerated inference with speculative decoding",
            "Accelerating inference by speculative decoding",
            "Acceleration of speculative decoding",
            "Speculative decoding accelerated",
            "Accelerating sparse attention kernels",
            "Accelerated sparse attention",
            "Sparse attention acceleration",
            "Fast sparse attention kernels",
            "KV cache eviction",
            "KV cache quantization",
        ];
        let labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
        let terms = distinctive_terms(&titles, &labels, 3);
        let stems_of = |c: usize| -> Vec<String> {
            terms[c]
                .iter()
                .take(NAME_TERMS)
                .flat_map(|(t, _)| {
                    term_stem(t)
                        .split(' ')
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        // "accelerated", "accelerating", "acceleration": one stem, in one community's name only.
        assert_eq!(term_stem("accelerated"), term_stem("acceleration"));
        assert_eq!(term_stem("accelerating"), term_stem("accelerated"));
        for a in 0..3 {
            let mine = stems_of(a);
            let unique: std::collections::HashSet<&String> = mine.iter().collect();
            assert_eq!(unique.len(), mine.len(), "{:?}", terms[a]);
            for b in a + 1..3 {
                assert!(
                    !stems_of(b).iter().any(|s| mine.contains(s)),
                    "{:?} and {:?} share a stem",
                    terms[a],
                    terms[b]
                );
            }
        }
        // Community 0 is named after the stem, in its most common spelling ("accelerated": three
        // titles; "accelerating" two, "acceleration" two).
        assert!(
            terms[0]
                .iter()
                .take(NAME_TERMS)
                .any(|(t, _)| t.split(' ').any(|w| w == "accelerated")),
            "{:?}",
            terms[0]
        );
        assert!(
            terms[1]
                .iter()
                .any(|(t, _)| t.contains("sparse") || t.contains("kernels")),
            "{:?}",
            terms[1]
        );
    }

    #[test]
    fn community_networks_parse() {
        for name in ["citation", "cocitation", "coupling"] {
            assert_eq!(name.parse::<CommunityNetwork>().unwrap().as_str(), name);
        }
        assert!("louvain".parse::<CommunityNetwork>().is_err());
    }
}
