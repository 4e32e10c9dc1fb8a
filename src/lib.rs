//! citegraph: from an awesome list of papers (Markdown with shields.io badges) to a citation graph,
//! influence and cluster metrics, survey figures and lists of missing papers.
//!
//! Data flows one way, one stage a module (see STYLE in the README):
//!
//! ```text
//! catalog (Markdown) -> s2 (resolve + fetch, cache) -> graph -> metrics -> analysis -> export
//! ```
//!
//! Each stage takes the previous stage's plain data type and returns its own: [`catalog::Catalog`],
//! [`records::Corpus`] (of [`records::PaperRecord`]s), [`graph::CitationGraph`], [`analysis::Analysis`].
//! Only `main.rs` wires stages together.

pub mod analysis;
pub mod cache;
pub mod catalog;
pub mod export;
pub mod fsutil;
pub mod graph;
pub mod metrics;
pub mod pipeline;
pub mod records;
pub mod s2;
pub mod watch;
