//! The citation graph: a node per distinct paper, an edge citing -> cited.
//!
//! [`build`] turns a [`crate::records::Corpus`] and the [`crate::catalog::Catalog`] into a
//! [`CitationGraph`]: a petgraph [`petgraph::Graph`] holding the node and edge data, and a compact
//! [`Csr`] adjacency (u32 indices, out and in lists) that the metrics run on. Nodes are numbered in
//! the order of their Semantic Scholar ids, so the numbering (and every output that follows it)
//! does not depend on the order the records arrived in.

mod build;
mod csr;

use std::str::FromStr;

/// Re-exported for the stages after the graph; defined once, in the catalogue.
pub use crate::catalog::UNSPECIFIED;
pub use build::{build, build_works};
pub use csr::{Csr, UndirectedCsr};

/// Which citations become edges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// The edges that touch a catalogue paper (and the papers at their ends).
    #[default]
    Catalog,
    /// Every edge the records hold, and every paper they name.
    All,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Catalog => "catalog",
            Scope::All => "all",
        }
    }
}

impl FromStr for Scope {
    type Err = GraphError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "catalog" => Ok(Scope::Catalog),
            "all" => Ok(Scope::All),
            other => Err(GraphError::UnknownScope(other.to_string())),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GraphError {
    #[error("unknown scope {0:?}: use `catalog` or `all`")]
    UnknownScope(String),
    #[error("edge {citing} -> {cited} names a node beyond the {node_count} nodes of the graph")]
    NodeOutOfRange {
        citing: u32,
        cited: u32,
        node_count: usize,
    },
    #[error("the graph has {0} nodes; at most u32::MAX - 1 fit the compact adjacency")]
    TooManyNodes(usize),
}

/// Citation intents as Semantic Scholar names them, one bit each (most links carry 0 to 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Intents(pub u8);

impl Intents {
    pub const BACKGROUND: u8 = 1;
    pub const METHODOLOGY: u8 = 2;
    pub const RESULT: u8 = 4;
    /// Any intent this version does not know.
    pub const OTHER: u8 = 8;

    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Intents {
        Intents(names.iter().fold(0, |bits, name| {
            bits | crate::records::intent_bit(name.as_ref())
        }))
    }

    pub fn names(self) -> Vec<&'static str> {
        [
            (Self::BACKGROUND, "background"),
            (Self::METHODOLOGY, "methodology"),
            (Self::RESULT, "result"),
            (Self::OTHER, "other"),
        ]
        .into_iter()
        .filter(|(bit, _)| self.0 & bit != 0)
        .map(|(_, name)| name)
        .collect()
    }
}

/// The data of an edge citing -> cited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Citation {
    /// Semantic Scholar's "influential citation" flag (true when any copy of the link says so).
    pub is_influential: bool,
    pub intents: Intents,
    /// Every source that has the link (`edges.csv`'s `sources`): Semantic Scholar's records,
    /// OpenAlex, OpenCitations; united when several copies of the link merge.
    pub sources: crate::records::SourceSet,
}

/// What the catalogue says about a paper of the graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogInfo {
    /// The catalogue key ([`crate::catalog::CatalogPaper::key`]); the first one when several
    /// catalogue entries resolved to the same Semantic Scholar paper.
    pub key: String,
    /// Every catalogue key that resolved to this paper.
    pub keys: Vec<String>,
    pub title: String,
    pub year: Option<i32>,
    /// Method abbreviation (first blue badge).
    pub abbreviation: Option<String>,
    /// Canonical mechanism names, sorted, distinct; `["unspecified"]` when none.
    pub mechanisms: Vec<String>,
    /// The one mechanism used where a paper must be in a single group (NMI, ARI, modularity of
    /// the mechanism partition, homophily): the first orange badge as written when it names one
    /// of [`Self::mechanisms`], else the mechanism of the list shared by most catalogue papers.
    pub primary_mechanism: String,
    pub domains: Vec<String>,
}

/// A paper of the graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaperNode {
    pub paper_id: String,
    /// Semantic Scholar's external ids (`ArXiv`, `DOI`, `CorpusId`, ...), sorted by name.
    pub external_ids: Vec<(String, String)>,
    pub title: String,
    pub year: Option<i32>,
    pub venue: Option<String>,
    /// The other names of the venue (Semantic Scholar's `publicationVenue.alternate_names`:
    /// "ICLR", "Int Conf Learn Represent"), in its order; empty when unknown (a snapshot's
    /// records, a cache written before they were asked).
    pub venue_alternate_names: Vec<String>,
    pub authors: Vec<String>,
    /// Semantic Scholar's global citation count.
    pub citation_count: Option<u64>,
    /// Semantic Scholar's count of the paper's references.
    pub reference_count: Option<u64>,
    /// Index into [`CitationGraph::catalog`], for catalogue papers.
    pub catalog: Option<u32>,
    /// Every Semantic Scholar record merged into this work ([`crate::works`]), `paper_id` first;
    /// empty when the work has one record (`paper_id`).
    pub records: Vec<String>,
}

impl PaperNode {
    pub fn in_catalog(&self) -> bool {
        self.catalog.is_some()
    }

    pub fn external_id(&self, name: &str) -> Option<&str> {
        self.external_ids
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The petgraph type holding the data.
pub type PaperGraph = petgraph::Graph<PaperNode, Citation, petgraph::Directed, u32>;

/// The citation graph: node `i` of [`Self::graph`] is node `i` of [`Self::csr`]; nodes are sorted
/// by Semantic Scholar id and edges by (citing, cited).
#[derive(Debug, Default)]
pub struct CitationGraph {
    pub scope: Scope,
    pub graph: PaperGraph,
    /// Catalogue data of the catalogue papers ([`PaperNode::catalog`] points here).
    pub catalog: Vec<CatalogInfo>,
    /// The same edges as compact out- and in-adjacency lists, for the metrics.
    pub csr: Csr,
    /// The records merged into works before the graph was built (`merged_records.csv`).
    pub merges: Vec<crate::works::Merge>,
}

impl CitationGraph {
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The node `index` (panics beyond [`Self::node_count`], like slice indexing).
    pub fn node(&self, index: u32) -> &PaperNode {
        &self.graph[petgraph::graph::NodeIndex::new(index as usize)]
    }

    pub fn nodes(&self) -> impl Iterator<Item = &PaperNode> {
        self.graph.raw_nodes().iter().map(|n| &n.weight)
    }

    pub fn catalog_info(&self, index: u32) -> Option<&CatalogInfo> {
        self.node(index)
            .catalog
            .and_then(|c| self.catalog.get(c as usize))
    }

    /// The node of a Semantic Scholar id (a binary search: nodes are sorted by id).
    pub fn index_of(&self, paper_id: &str) -> Option<u32> {
        let nodes = self.graph.raw_nodes();
        nodes
            .binary_search_by(|n| n.weight.paper_id.as_str().cmp(paper_id))
            .ok()
            .map(|i| i as u32)
    }

    /// Every edge as (citing, cited, data), sorted by (citing, cited).
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32, Citation)> + '_ {
        self.graph.raw_edges().iter().map(|e| {
            (
                e.source().index() as u32,
                e.target().index() as u32,
                e.weight,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_round_trip() {
        let i = Intents::from_names(&["methodology", "background", "weird"]);
        assert_eq!(i.names(), vec!["background", "methodology", "other"]);
        assert_eq!(Intents::from_names::<&str>(&[]).names(), Vec::<&str>::new());
    }

    #[test]
    fn scope_parses() {
        assert_eq!("all".parse::<Scope>(), Ok(Scope::All));
        assert_eq!("catalog".parse::<Scope>(), Ok(Scope::Catalog));
        assert!("world".parse::<Scope>().is_err());
    }
}
