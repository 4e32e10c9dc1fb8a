//! The core graph the graph exports and figures draw from: the citations among the catalogue
//! papers and the top missing papers ([`Analysis::core_edges`](super::Analysis::core_edges)).

use super::{EdgeRow, GraphMetrics, MissingKind, MissingPaper};

/// Edges among the catalogue papers and the `top_n` best missing papers of each kind.
pub fn core_edges(cx: &GraphMetrics<'_>, missing: &[MissingPaper], top_n: usize) -> Vec<EdgeRow> {
    let graph = cx.graph;
    let mut keep = vec![false; graph.node_count()];
    for &v in &cx.catalog_nodes {
        keep[v as usize] = true;
    }
    for kind in [MissingKind::Foundation, MissingKind::Candidate] {
        for paper in missing.iter().filter(|m| m.kind == kind).take(top_n) {
            if let Some(v) = graph.index_of(&paper.paper_id) {
                keep[v as usize] = true;
            }
        }
    }
    graph
        .edges()
        .filter(|&(s, t, _)| keep[s as usize] && keep[t as usize])
        .map(|(s, t, c)| EdgeRow {
            source: graph.node(s).paper_id.clone(),
            target: graph.node(t).paper_id.clone(),
            is_influential: c.is_influential,
        })
        .collect()
}
