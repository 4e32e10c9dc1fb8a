//! The citation graph: a node per distinct paper, an edge citing -> cited.

/// The citation graph built from a [`crate::s2::Corpus`].
#[derive(Debug, Default)]
pub struct CitationGraph {}
