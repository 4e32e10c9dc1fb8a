//! The held-out samples and the graph in which they were never listed.
//!
//! - [`sample`]: a systematic sample of the catalogue papers, stratified by primary mechanism
//!   and year, drawn from a seed.
//! - [`view`]: the graph as it would be had the held-out papers never been listed.
//! - [`landmark_nodes`]: the nodes of a `--background FILE` (ids or titles).

use crate::catalog::normalize_title;
use crate::graph::{CitationGraph, Csr};

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA
/// 2014): a fixed, documented mixer, so a seed draws the same sample on every platform and
/// every version of the `rand` crate.
pub(super) fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// FNV-1a of a string (64 bits): a paper id's share of its sort key.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// The number held out of `papers` at `share` (0 < share < 1): `round(share x papers)`, at least
/// 1 and at most `papers - 1` (so that something remains listed); 0 when `papers < 2`.
pub(super) fn holdout_size(papers: usize, share: f64) -> usize {
    if papers < 2 {
        return 0;
    }
    ((share * papers as f64).round() as usize).clamp(1, papers - 1)
}

/// The held-out catalogue nodes of `repeat` (sorted), [`holdout_size`] of them.
///
/// Stratified systematic sampling (Cochran, "Sampling Techniques", 3rd ed. 1977, ch. 8): the
/// catalogue nodes are sorted by (primary mechanism, year, a seeded random key), and every
/// `N / m`-th one is taken from a random start in `[0, N / m)`. Each mechanism and, within it,
/// each stretch of years gets its share of the sample (to within one paper), and the papers of a
/// stratum are drawn at random. Cost: O(N log N).
pub(super) fn sample(
    graph: &CitationGraph,
    catalog_nodes: &[u32],
    share: f64,
    seed: u64,
    repeat: usize,
) -> Vec<u32> {
    let m = holdout_size(catalog_nodes.len(), share);
    if m == 0 {
        return Vec::new();
    }
    let draw = splitmix64(seed ^ splitmix64(repeat as u64 ^ 0x005E_ED0F_E7A1));
    let mut order: Vec<(&str, i32, u64, u32)> = catalog_nodes
        .iter()
        .map(|&v| {
            let node = graph.node(v);
            let mechanism = graph
                .catalog_info(v)
                .map_or("", |info| info.primary_mechanism.as_str());
            let key = splitmix64(draw ^ fnv1a(&node.paper_id));
            (mechanism, node.year.unwrap_or(i32::MIN), key, v)
        })
        .collect();
    order.sort_unstable();
    let step = order.len() as f64 / m as f64;
    // The top 53 bits of a 64-bit draw, as a uniform number in [0, 1).
    let start = (splitmix64(draw) >> 11) as f64 / (1u64 << 53) as f64 * step;
    let mut held: Vec<u32> = (0..m)
        .map(|i| order[((start + i as f64 * step) as usize).min(order.len() - 1)].3)
        .collect();
    held.sort_unstable();
    held.dedup();
    held
}

/// The graph as it would be had the papers of `held` (a flag per node) never been listed: they
/// are no longer catalogue papers, and each keeps only the links a paper outside the list has
/// in the graph, those to and from the remaining catalogue papers (which come from those
/// papers' own lists); the links from its own fetched lists (to papers outside the catalogue, or
/// to another held-out paper) are dropped. Nodes keep their numbers and data (ids, titles,
/// global counts); other edges are untouched. Cost: O(V + E). Errors: none in practice (the
/// adjacency is rebuilt from the graph's own edges).
pub(super) fn view(graph: &CitationGraph, held: &[bool]) -> anyhow::Result<CitationGraph> {
    let remaining = |v: usize| !held[v] && graph.graph.raw_nodes()[v].weight.in_catalog();
    let keep = |s: usize, t: usize| match (held[s], held[t]) {
        (false, false) => true,
        (true, false) => remaining(t),
        (false, true) => remaining(s),
        (true, true) => false,
    };
    let petgraph = graph.graph.filter_map(
        |i, node| {
            let mut node = node.clone();
            if held[i.index()] {
                node.catalog = None;
            }
            Some(node)
        },
        |e, citation| {
            let (s, t) = graph.graph.edge_endpoints(e)?;
            keep(s.index(), t.index()).then_some(*citation)
        },
    );
    let csr = Csr::from_edges(
        petgraph.node_count(),
        petgraph
            .raw_edges()
            .iter()
            .map(|e| (e.source().index() as u32, e.target().index() as u32)),
    )?;
    Ok(CitationGraph {
        scope: graph.scope,
        graph: petgraph,
        catalog: graph.catalog.clone(),
        csr,
        merges: graph.merges.clone(),
    })
}

/// `line` without its comment: from a `#` at its start or after a space or tab.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            return &line[..i];
        }
    }
    line
}

/// A line of a `--background FILE` that names no paper of the graph: its line number (1-based)
/// and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedLandmark {
    /// 1-based line number in the file.
    pub line: usize,
    /// The line, trimmed.
    pub text: String,
    /// It names a catalogue paper (no landmark: landmarks are outside the list), rather than no
    /// paper of the graph.
    pub in_catalog: bool,
}

/// The nodes named by the lines of a `--background FILE`: each line a Semantic Scholar id (of
/// the paper or of a record merged into it) or a title (matched after
/// [`normalize_title`]); blank lines and lines starting with `#` are skipped, a `#` after a
/// space or tab starts a comment at the end of a line, and a byte-order mark is dropped. A catalogue paper is no landmark (landmarks are outside the
/// list): its line is returned with the unmatched ones. Returns the nodes (sorted, distinct)
/// and the lines that named none. Cost: O(V + lines).
pub fn landmark_nodes(graph: &CitationGraph, text: &str) -> (Vec<u32>, Vec<UnmatchedLandmark>) {
    let mut by_title: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut by_record: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for (v, node) in graph.nodes().enumerate() {
        by_title
            .entry(normalize_title(&node.title))
            .or_insert(v as u32);
        for id in &node.records {
            by_record.insert(id.as_str(), v as u32);
        }
    }
    let (mut nodes, mut unmatched) = (Vec::new(), Vec::new());
    // A byte-order mark (Windows editors) is not part of the first id.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        let line = strip_comment(line).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let found = graph
            .index_of(line)
            .or_else(|| by_record.get(line).copied())
            .or_else(|| {
                let title = normalize_title(line);
                (!title.is_empty())
                    .then(|| by_title.get(&title).copied())
                    .flatten()
            });
        match found {
            Some(v) if !graph.node(v).in_catalog() => nodes.push(v),
            found => unmatched.push(UnmatchedLandmark {
                line: i + 1,
                text: line.to_string(),
                in_catalog: found.is_some(),
            }),
        }
    }
    nodes.sort_unstable();
    nodes.dedup();
    (nodes, unmatched)
}
