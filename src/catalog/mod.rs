//! The catalogue reader: an awesome list of papers (Markdown files with shields.io badges) becomes a
//! [`Catalog`] of distinct papers, each keeping every place it is listed.

use serde::{Deserialize, Serialize};

/// Everything read from the catalogue sources.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Catalog {
    /// Distinct papers, in order of first listing (file order, then line).
    pub papers: Vec<CatalogPaper>,
    /// Problems in the catalogue's content (duplicates that disagree, missing links, ...).
    pub lint: Vec<LintFinding>,
    /// Problems reading the input (unreadable file, broken entry, ...), with file and line.
    pub warnings: Vec<Warning>,
}

/// One distinct paper of the catalogue; several listings of the same paper are merged into one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CatalogPaper {
    /// Stable across runs: `arxiv:ID` when the paper has an arXiv id, else `title:normalized title`.
    pub key: String,
    pub title: String,
    pub year: Option<i32>,
    pub venue: Option<String>,
    pub authors: Vec<String>,
    /// Top folder of each listing (or the file stem where there is no folder), sorted, distinct.
    pub domains: Vec<String>,
    /// Canonical mechanism names, sorted, distinct; `["unspecified"]` when no mechanism badge.
    pub mechanisms: Vec<String>,
    pub badges: Badges,
    pub ids: ExternalIds,
    pub links: Links,
    pub listings: Vec<Listing>,
}

/// Badge labels grouped by colour, decoded from shields.io's encoding.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Badges {
    /// blue
    pub abbreviation: Vec<String>,
    /// green
    pub application: Vec<String>,
    /// brown
    pub training: Vec<String>,
    /// purple
    pub criteria: Vec<String>,
    /// orange, as written (the canonical names are in [`CatalogPaper::mechanisms`])
    pub mechanism: Vec<String>,
    /// yellow
    pub keywords: Vec<String>,
}

/// Identifiers found in the paper link and the BibTeX block.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ExternalIds {
    /// Without version suffix, e.g. `2210.09461`.
    pub arxiv: Option<String>,
    /// Lower-cased DOI, e.g. `10.1145/3581783.3612345` (arXiv DOIs become [`Self::arxiv`]).
    pub doi: Option<String>,
    /// ACL Anthology id, e.g. `2023.emnlp-main.825`.
    pub acl: Option<String>,
    /// OpenReview forum id.
    pub openreview: Option<String>,
    pub bibtex_key: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Links {
    pub paper: Option<String>,
    pub code: Option<String>,
}

/// Where an entry stands in the catalogue.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Listing {
    /// Path relative to the catalogue root (or the URL it came from).
    pub file: String,
    /// 1-based line of the entry's first line.
    pub line: usize,
    /// The number written in the list (`[12]`), when there is one.
    pub number: Option<u32>,
    /// Headings above the entry, outermost first (task, year, ...).
    pub sections: Vec<String>,
    /// The domain this listing belongs to.
    pub domain: String,
}

/// A problem with the catalogue's content, for its maintainers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LintFinding {
    /// `duplicate-disagrees`, `no-paper-link`, `no-mechanism`, `conflicting-id`, `numbering-gap`,
    /// `numbering-repeat`, ...
    pub kind: String,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    /// The catalogue keys involved.
    pub keys: Vec<String>,
}

/// A problem reading the input: the file (and line) and what was done about it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Warning {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// Where the catalogue comes from and how its mechanism labels are read.
#[derive(Debug, Clone, clap::Args)]
pub struct CatalogOptions {
    /// A Markdown file, a directory (walked for *.md), a GitHub repository URL or a raw file URL.
    /// Repeat to read several.
    #[arg(
        long = "catalog",
        global = true,
        value_name = "SRC",
        default_value = DEFAULT_CATALOG
    )]
    pub sources: Vec<String>,
    /// A TOML file of extra mechanism aliases (`[aliases]` "Label" = "Canonical").
    #[arg(long, global = true, value_name = "FILE")]
    pub mechanisms: Option<std::path::PathBuf>,
}

/// The upstream awesome list this tool was built for.
pub const DEFAULT_CATALOG: &str =
    "https://github.com/xuyang-liu16/Awesome-Token-Reduction-for-Model-Compression";

/// Reads every source into one catalogue. `cache_dir` keeps downloaded Markdown; `offline` forbids
/// downloads (a URL source must then be cached already).
pub fn load(
    options: &CatalogOptions,
    cache_dir: &std::path::Path,
    offline: bool,
) -> anyhow::Result<Catalog> {
    let _ = (options, cache_dir, offline);
    anyhow::bail!("the catalogue reader is not built yet (issue #2)")
}

/// The short text summary `citegraph catalog` prints.
pub fn summary(catalog: &Catalog) -> String {
    format!("{} papers\n", catalog.papers.len())
}
