//! citegraph: from an awesome list of papers (Markdown with shields.io badges) to a citation graph,
//! influence and cluster metrics, survey figures and lists of missing papers.
//!
//! Data flows one way, one stage a module, in this order (see STYLE in the README):
//!
//! ```text
//! catalog (Markdown) -> records (s2 API | cache | snapshot) -> works -> graph -> metrics -> analysis -> render
//! ```
//!
//! Each stage takes the previous stage's plain data type and returns its own: [`catalog::Catalog`],
//! [`records::Corpus`] (of [`records::PaperRecord`]s, made by [`s2`] from the API, the [`cache`]
//! or a snapshot file), [`works::Works`], [`graph::CitationGraph`], the metric vectors of [`metrics`],
//! [`analysis::Analysis`] (whose saved form, `metrics.json`, [`analysis::metrics_json`] alone
//! reads and writes), and the files of [`render`]: one [`render::View`] of the analysis built per
//! render, one file per format behind [`render::Exporter`], and one writer
//! ([`render::write_outputs`]) for every output file, the tables, `catalog.json`, `lint.csv`,
//! `unresolved.csv` and [`watch`]'s digest included. [`layout`] sits below `render`, on plain
//! numbers: the ForceAtlas2 layout and the label placement the map and the cluster map draw with.
//! Only [`pipeline`] wires stages together; the binary's `cli.rs` turns the command line into
//! [`pipeline::Settings`], every closed choice an enum. [`fsutil`], [`clock`] and [`text`] are
//! small helpers every stage may use; [`http`] is what the three API clients (`s2`, `openalex`,
//! `opencitations`) share: pace, retries, secrets kept out of sight.

pub mod analysis;
pub mod cache;
pub mod catalog;
pub mod clock;
pub mod datasets;
pub mod fsutil;
pub mod graph;
pub mod http;
pub mod interrupt;
pub mod layout;
pub mod metrics;
pub mod openalex;
pub mod opencitations;
pub mod pipeline;
pub mod records;
pub mod render;
pub mod s2;
pub mod secondary;
pub mod text;
pub mod watch;
pub mod works;
