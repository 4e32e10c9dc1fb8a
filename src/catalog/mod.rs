//! The catalogue reader: an awesome list of papers (Markdown files with shields.io badges) becomes a
//! [`Catalog`] of distinct papers, each keeping every place it is listed, with the list's lint
//! findings and reading warnings.
//!
//! The files, in the order a list goes through them ([`load`] wires them):
//! - `source.rs`, `remote.rs`, `limits.rs`: where the Markdown comes from (files, directories,
//!   GitHub and raw URLs, the cache) and each file turned into text.
//! - `markdown/`: one file's entries ([`parse_file`]: the event walk, the headings, the item being
//!   read, inline HTML, links, the entry assembled, authors, reading warnings; see its docs).
//! - `formats.rs`: the family's other list formats, entry by entry, for `markdown/`.
//! - `fields.rs`, `badges.rs`, `ids.rs`, `title.rs`: what an entry's parts mean (venue and year,
//!   shields.io badges, external ids, titles and their comparison).
//! - `mechanisms.rs`: orange badge labels to canonical mechanisms (the alias table).
//! - `merge/`: entries to papers (by arXiv id, then title), the content's findings, each paper
//!   built from its listings.
//! - `lint_kinds.rs`: the closed set of finding kinds ([`LintKind`]) with each one's severity,
//!   fix hint and name.
//! - `walk.rs`: what a directory walk skips (citegraph's own outputs and cache, docs folders,
//!   community files, templates of placeholder entries, `--exclude`), each skip a lint note.
//! - `summary.rs`: the text `citegraph catalog` prints.

mod badges;
mod fields;
mod formats;
mod ids;
mod limits;
mod lint_kinds;
mod markdown;
mod mechanisms;
mod merge;
mod remote;
mod source;
mod summary;
mod title;
mod walk;

use serde::{Deserialize, Serialize};

pub use badges::{Badge, BadgeGroup};
pub use limits::MAX_FILE_BYTES;
pub use lint_kinds::{LintKind, Severity, UnknownLintKind};
pub use markdown::{parse_file, ParsedFile, RawEntry};
pub use mechanisms::{
    display_mechanism, label_key, unite_mechanisms, MechanismCounts, MechanismFileError,
    MechanismTable, UNSPECIFIED,
};
pub use merge::{same_work_findings, with_findings, SameWork};
pub use remote::{cache_path_for, GITHUB_API_ENV, GITHUB_RAW_ENV};
pub use summary::SummaryOptions;
pub use title::{
    normalize_title, same_title, same_written_title, title_similarity, without_method_name,
    TITLE_SIMILARITY,
};
pub use walk::{
    is_cache_layout, is_community_file, is_placeholder_title, output_markers, BadGlob, ExcludeGlob,
    SkipReason, Skipped, COMMUNITY_FILES, DOCS_FOLDERS, OUTPUT_FILES, OUTPUT_JSON,
    PLACEHOLDER_TITLES,
};

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
    /// The list's own BibTeX block (the first listing that has one), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bibtex: Option<String>,
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
    /// Path relative to the list's root (or the URL it came from).
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LintFinding {
    /// What kind of problem; its severity and fix hint come with it.
    pub kind: LintKind,
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

/// Where the catalogue comes from and how its mechanism labels are read. The command line
/// (`src/cli.rs`) fills it; the default reads the upstream list ([`DEFAULT_CATALOG`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogOptions {
    /// Markdown files, directories (walked for *.md), GitHub repository URLs or raw file URLs.
    pub sources: Vec<String>,
    /// A TOML file of extra mechanism aliases (`[aliases]` "Label" = "Canonical"; labels that are
    /// not mechanisms: `not_mechanisms = ["Label", ...]`).
    pub mechanisms: Option<std::path::PathBuf>,
    /// Files and folders a directory walk does not read (`--exclude GLOB`), besides what it
    /// never reads (see `catalog/walk.rs`).
    pub exclude: Vec<ExcludeGlob>,
}

impl Default for CatalogOptions {
    fn default() -> Self {
        CatalogOptions {
            sources: vec![DEFAULT_CATALOG.to_string()],
            mechanisms: None,
            exclude: Vec::new(),
        }
    }
}

/// The upstream awesome list this tool was built for.
pub const DEFAULT_CATALOG: &str =
    "https://github.com/xuyang-liu16/Awesome-Token-Reduction-for-Model-Compression";

/// Why a catalogue could not be read at all (problems inside files are [`Warning`]s instead).
/// Each message is whole, its cause inside it rather than chained after it, so it prints once.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the catalogue source {0:?} does not exist; give a Markdown file, a directory of them, or an http(s) URL with --catalog")]
    Missing(String),
    #[error("cannot read the catalogue source {path}: {reason}")]
    Unreadable {
        path: String,
        reason: std::io::Error,
    },
    #[error("{url:?} is not a catalogue URL I can read: {why}")]
    BadUrl { url: String, why: String },
    #[error("--offline: the catalogue {url} is not in the cache ({dir}); run once without --offline to download it, or read a local copy with --catalog PATH")]
    NotCached { url: String, dir: String },
    #[error("could not download the catalogue {url}: {reason}\n  No network? Run from files instead: --catalog PATH (a local copy of the list, e.g. a git clone), --snapshot FILE (records exported by `citegraph snapshot export`), --offline (use only what is cached)")]
    Download { url: String, reason: String },
    #[error(
        "cannot write the catalogue cache at {path}: {reason}; check that --cache-dir is writable"
    )]
    Cache {
        path: String,
        reason: std::io::Error,
    },
    #[error("no catalogue entries found in {sources}: {read}. An entry is a list item like `- **[1] Title**, Venue 2023.` followed by [[Paper](URL)] and shields.io badges")]
    NoEntries { sources: String, read: String },
    #[error(transparent)]
    Mechanisms(#[from] MechanismFileError),
}

/// Reads every source into one catalogue. `cache_dir` keeps downloaded Markdown (and is never
/// walked as catalogue); `offline` forbids downloads (a URL source must then be cached already).
/// The same as [`load_beside_outputs`] without an output directory of the command's own.
pub fn load(
    options: &CatalogOptions,
    cache_dir: &std::path::Path,
    offline: bool,
) -> anyhow::Result<Catalog> {
    Ok(load_catalog(options, cache_dir, None, offline)?)
}

/// [`load`] for a command that writes into `output_dir`: when that directory lies under a walked
/// directory (`citegraph run --catalog .` with the default `./output`), it is never read as
/// catalogue, whatever it holds.
pub fn load_beside_outputs(
    options: &CatalogOptions,
    cache_dir: &std::path::Path,
    output_dir: &std::path::Path,
    offline: bool,
) -> anyhow::Result<Catalog> {
    Ok(load_catalog(options, cache_dir, Some(output_dir), offline)?)
}

fn load_catalog(
    options: &CatalogOptions,
    cache_dir: &std::path::Path,
    output_dir: Option<&std::path::Path>,
    offline: bool,
) -> Result<Catalog, CatalogError> {
    let table = MechanismTable::load(options.mechanisms.as_deref())?;
    let rules = walk::WalkRules::new(cache_dir, output_dir, &options.exclude);
    let collected = source::collect(&options.sources, cache_dir, offline, &rules)?;
    let mut warnings = collected.warnings;
    let mut skipped = collected.skipped;
    let mut placeholders = Vec::new();
    let mut entries = Vec::new();
    let mut read = Vec::new();
    for file in collected.files {
        warnings.extend(file.warnings);
        let Some(text) = file.text else {
            read.push(format!("{} (skipped)", file.file));
            continue;
        };
        let domain = file.domain.as_deref().unwrap_or(&file.stem);
        let mut parsed = markdown::parse_file(&file.file, domain, &text);
        if file.domain.is_none() {
            markdown::domains_from_headings(&mut parsed.entries);
        }
        let (template, real): (Vec<RawEntry>, Vec<RawEntry>) = parsed
            .entries
            .into_iter()
            .partition(|entry| is_placeholder_title(&entry.title));
        parsed.entries = real;
        if parsed.entries.is_empty() && !template.is_empty() {
            // A template (a pull-request template, an example entry): not the list at all.
            read.push(format!("{} (a template, skipped)", file.file));
            skipped.push(Skipped {
                path: file.file.clone(),
                reason: SkipReason::Template(template[0].title.clone()),
            });
            continue;
        }
        placeholders.extend(template);
        tracing::debug!("{}: {} entries", file.file, parsed.entries.len());
        read.push(format!("{} ({} entries)", file.file, parsed.entries.len()));
        // A front page (README.md, index.md) often lists no papers itself: not a finding.
        if parsed.entries.is_empty() && !is_front_page(&file.file) {
            warnings.push(Warning {
                file: file.file.clone(),
                line: None,
                message: "no catalogue entries in this file".into(),
            });
        }
        warnings.extend(parsed.warnings);
        entries.extend(parsed.entries);
    }
    if entries.is_empty() {
        const SHOWN: usize = 10;
        let shown = |items: &[String]| {
            let mut listed = items
                .iter()
                .take(SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if items.len() > SHOWN {
                listed.push_str(&format!(", and {} more", items.len() - SHOWN));
            }
            listed
        };
        let mut read = match read.len() {
            0 if !skipped.is_empty() => "read no Markdown file".to_string(),
            0 => "no Markdown files at all".to_string(),
            n => format!("read {n} file(s) as Markdown: {}", shown(&read)),
        };
        // Templates are among the files read already; the walk's other skips are not.
        let walk_skips: Vec<String> = skipped
            .iter()
            .filter(|skip| !matches!(skip.reason, SkipReason::Template(_)))
            .map(|skip| format!("{} ({})", skip.path, skip.reason))
            .collect();
        if !walk_skips.is_empty() {
            read.push_str(&format!(
                "; not read as part of the list: {} (give one by name with --catalog PATH to read it)",
                shown(&walk_skips)
            ));
        }
        for source in &options.sources {
            if let Some(format) = foreign_format(source) {
                read.push_str(&format!(
                    "; {source} is {format}, not a Markdown list: citegraph reads an awesome \
                     list's Markdown files (entries with their badges); give those"
                ));
            }
        }
        return Err(CatalogError::NoEntries {
            sources: options.sources.join(", "),
            read,
        });
    }
    let (papers, mut lint) = merge::merge(&entries, &table);
    lint.extend(skip_findings(&skipped, &placeholders));
    Ok(Catalog {
        papers,
        lint,
        warnings,
    })
}

/// One note-level finding per file or folder the walk skipped and per placeholder entry dropped
/// from a file that also holds real ones; after the content's findings (the kind sorts last),
/// in path and line order.
fn skip_findings(skipped: &[Skipped], placeholders: &[RawEntry]) -> Vec<LintFinding> {
    let mut findings: Vec<LintFinding> = skipped
        .iter()
        .map(|skip| LintFinding {
            kind: LintKind::Skipped,
            message: format!("not read as part of the list: {}", skip.reason),
            file: Some(skip.path.clone()),
            line: None,
            keys: Vec::new(),
        })
        .chain(placeholders.iter().map(|entry| LintFinding {
            kind: LintKind::Skipped,
            message: format!(
                "a placeholder entry ({:?}), not read as a paper",
                entry.title
            ),
            file: Some(entry.file.clone()),
            line: Some(entry.line),
            keys: Vec::new(),
        }))
        .collect();
    findings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    findings
}

/// The short text summary `citegraph catalog` prints.
pub fn summary(catalog: &Catalog, options: SummaryOptions) -> String {
    summary::summary(catalog, options)
}

/// Whether `file` (a path relative to the walked directory) is a list's front page or an
/// index, `README.md` or `index.md` at any depth (any case), which may hold no entries.
fn is_front_page(file: &str) -> bool {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.eq_ignore_ascii_case("README.md") || name.eq_ignore_ascii_case("index.md")
}

/// The name of the reference format a catalogue source's extension says it is in (BibTeX, RIS,
/// CSL-JSON or other JSON, CSV), for the error that finds no entries in it; `None` for Markdown
/// and anything else.
fn foreign_format(source: &str) -> Option<&'static str> {
    let extension = std::path::Path::new(source)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    Some(match extension.as_str() {
        "bib" | "bibtex" => "BibTeX",
        "ris" => "RIS",
        "json" => "JSON (a CSL-JSON or Zotero export?)",
        "csv" | "tsv" => "a table (CSV)",
        "nbib" | "enw" => "a reference manager export",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Parses, merges and summarises whatever text comes in; the property is that nothing panics.
    fn read_all(text: &str) {
        let parsed = parse_file("f.md", "f", text);
        for warning in &parsed.warnings {
            assert_eq!(warning.file, "f.md");
        }
        let (papers, lint) = merge::merge(&parsed.entries, &MechanismTable::default());
        let catalog = Catalog {
            papers,
            lint,
            warnings: parsed.warnings,
        };
        let _ = summary(&catalog, SummaryOptions::default());
    }

    /// Fragments of the family's syntax, so random inputs hit the entry paths often.
    fn markdownish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("- **[1] ".to_string()),
            Just("**".to_string()),
            Just(", arXiv 2024.".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("  *Doe, Jane and Roe, John*".to_string()),
            Just("[[Paper](https://arxiv.org/abs/2401.00001)]".to_string()),
            Just("[[Code]([x](y))]".to_string()),
            Just("![](https://img.shields.io/badge/Token_Pruning-orange)".to_string()),
            Just("![](https://img.shields.io/badge/--_%ZZ-orange)".to_string()),
            Just("### 2023\n".to_string()),
            Just("## Task:\n".to_string()),
            Just("<br>".to_string()),
            Just("<a href=\"".to_string()),
            Just("</a>".to_string()),
            Just("```text\n@article{k, year={2020}".to_string()),
            Just("1. ".to_string()),
            Just("> ".to_string()),
            "[ -~]{0,12}",
            "\\PC{0,6}",
        ];
        prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_markdown_never_panics(text in markdownish()) {
            read_all(&text);
        }

        #[test]
        fn random_strings_never_panic(text in "\\PC{0,400}") {
            read_all(&text);
        }

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let source = source::decode("f.md".into(), None, "f".into(), bytes);
            if let Some(text) = source.text {
                read_all(&text);
            }
        }
    }

    #[test]
    fn pathological_nesting_is_read_without_overflow() {
        read_all(&"> ".repeat(20_000));
        read_all(&"[".repeat(50_000));
        read_all(&"**".repeat(50_000));
        let nested: String = (0..2_000)
            .map(|i| format!("{}- **[1] x**\n", "  ".repeat(i)))
            .collect();
        read_all(&nested);
    }
}
