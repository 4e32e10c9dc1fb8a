//! How much a citation counts in PageRank and HITS (`--weight`).
//!
//! Semantic Scholar classifies each citation's intents (background, methodology, result; Cohan
//! et al., "Structural scaffolds for citation intent classification", NAACL 2019) and flags the
//! citations that are "influential": those where the cited work is used or extended rather than
//! only mentioned (M. Valenzuela, V. Ha & O. Etzioni, "Identifying meaningful citations", AAAI
//! Workshop on Scholarly Big Data, 2015). Most citations are incidental (Valenzuela et al. found
//! under 15% important), so weighing the ones that build on a paper above the ones that mention
//! it moves influence towards the papers that are built upon.
//!
//! With `--weight intents` a citation weighs
//!
//! ```text
//! w = 1 (every citation counts) + 1 if its intents include methodology
//!       + 1 if Semantic Scholar flags it influential
//! ```
//!
//! so 1 to 3: a paper whose method is used, in a citation the classifier also finds influential,
//! counts three times a passing mention; background and result intents add nothing beyond the
//! base (they are what most citations carry, and a result comparison is not building on a
//! method). The base 1 keeps every link, so no paper loses its citers to a missing label (many
//! links have no intent at all). Weighted PageRank gives each citing paper's rank out in
//! proportion to these weights; weighted HITS uses them as the adjacency matrix's entries; the
//! missing papers' relevance (Adamic-Adar over their catalogue links) multiplies each link's
//! term by its weight.

use serde::{Deserialize, Serialize};

use crate::graph::{Citation, CitationGraph, Intents};
use crate::metrics::{EdgeWeights, MetricsError};

/// How citations are weighed in PageRank and HITS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkWeight {
    /// Every citation weighs 1.
    #[default]
    Citations,
    /// 1 + methodology intent + influential flag (see the module documentation).
    Intents,
}

impl LinkWeight {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkWeight::Citations => "citations",
            LinkWeight::Intents => "intents",
        }
    }

    /// How a citation weighs, for the summary: "every citation weighs 1" or the intents rule.
    pub fn describe(self) -> &'static str {
        match self {
            LinkWeight::Citations => "every citation weighs 1 (--weight citations)",
            LinkWeight::Intents => {
                "citations weigh 1 + methodology intent + influential flag (--weight intents)"
            }
        }
    }
}

/// The weight of one citation under `--weight intents`: 1, 2 or 3.
pub fn intent_weight(citation: Citation) -> f64 {
    1.0 + f64::from(u8::from(citation.intents.0 & Intents::METHODOLOGY != 0))
        + f64::from(u8::from(citation.is_influential))
}

/// The weight of the citation `citing -> cited` of `graph` under `weight` (1 for a pair that is
/// not an edge). A binary search over the graph's sorted edges: O(log m).
pub fn link_weight(graph: &CitationGraph, citing: u32, cited: u32, weight: LinkWeight) -> f64 {
    match weight {
        LinkWeight::Citations => 1.0,
        LinkWeight::Intents => {
            let edges = graph.graph.raw_edges();
            edges
                .binary_search_by(|e| {
                    (e.source().index() as u32, e.target().index() as u32).cmp(&(citing, cited))
                })
                .map_or(1.0, |i| intent_weight(edges[i].weight))
        }
    }
}

/// The weight of every edge of `graph` (aligned with its CSR), `None` for plain citations.
pub fn edge_weights(
    graph: &CitationGraph,
    weight: LinkWeight,
) -> Result<Option<EdgeWeights>, MetricsError> {
    match weight {
        LinkWeight::Citations => Ok(None),
        LinkWeight::Intents => {
            // The graph's edges are sorted by (citing, cited), as the CSR's.
            let edges: Vec<(u32, u32, Citation)> = graph.edges().collect();
            let weights = EdgeWeights::new(&graph.csr, |s, t| {
                edges
                    .binary_search_by(|e| (e.0, e.1).cmp(&(s, t)))
                    .map_or(1.0, |i| intent_weight(edges[i].2))
            })?;
            Ok(Some(weights))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_one_to_three() {
        let citation = |intents: u8, is_influential: bool| Citation {
            is_influential,
            intents: Intents(intents),
            ..Citation::default()
        };
        assert_eq!(intent_weight(citation(0, false)), 1.0);
        assert_eq!(intent_weight(citation(Intents::BACKGROUND, false)), 1.0);
        assert_eq!(intent_weight(citation(Intents::RESULT, true)), 2.0);
        assert_eq!(
            intent_weight(citation(Intents::METHODOLOGY | Intents::BACKGROUND, false)),
            2.0
        );
        assert_eq!(intent_weight(citation(Intents::METHODOLOGY, true)), 3.0);
    }
}
