//! The secondary sources: which of OpenAlex and OpenCitations a run asks, for which catalogue
//! papers, and where they answer. Semantic Scholar stays the backbone (its ids name the graph's
//! nodes); a secondary source's lists are folded into the catalogue papers' records
//! ([`crate::records::sources::fold`]), each link marked with its source.
//!
//! The rule (README, "Sources"): without `--sources`, a run with a network asks Semantic Scholar
//! and OpenAlex, and OpenAlex only for the catalogue papers Semantic Scholar leaves thin
//! ([`crate::records::Thin`]: unresolved, an elided or unread reference list, an unread citation
//! list). With `--sources`, every listed source is asked about every catalogue paper: that is the
//! completeness audit (`coverage-sources.csv`). `--offline` and `analyze` read what the cache
//! holds of each source; `--snapshot` holds Semantic Scholar records only.

use crate::records::{Source, SourceSet};

/// The public OpenAlex API.
pub const DEFAULT_OPENALEX_URL: &str = "https://api.openalex.org";
/// The public OpenCitations APIs (the Index at `/index/v2`, Meta at `/meta/v1`).
pub const DEFAULT_OPENCITATIONS_URL: &str = "https://api.opencitations.net";

/// Which sources a run asks, and where the secondary ones answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceOptions {
    /// The sources asked; always holds [`Source::S2`].
    pub sources: SourceSet,
    /// Whether the secondary sources are asked only about the catalogue papers Semantic Scholar
    /// leaves thin (the default), or about every catalogue paper (`--sources` given: the
    /// completeness audit).
    pub fill_only: bool,
    /// OpenAlex's base URL (`--openalex-url`, `OPENALEX_API_URL`).
    pub openalex_url: String,
    /// OpenCitations' base URL (`--opencitations-url`, `OPENCITATIONS_API_URL`), under which
    /// the Index is `/index/v2` and Meta `/meta/v1`.
    pub opencitations_url: String,
    /// An e-mail address sent to OpenAlex as `mailto` (`--mailto`, `OPENALEX_MAILTO`).
    pub mailto: Option<String>,
}

impl Default for SourceOptions {
    /// Semantic Scholar, with OpenAlex filling its gaps.
    fn default() -> Self {
        let mut sources = SourceSet::of(Source::S2);
        sources.insert(Source::OpenAlex);
        SourceOptions {
            sources,
            fill_only: true,
            openalex_url: DEFAULT_OPENALEX_URL.to_string(),
            opencitations_url: DEFAULT_OPENCITATIONS_URL.to_string(),
            mailto: None,
        }
    }
}

impl SourceOptions {
    /// The default sources (no `--sources`) for a run whose Semantic Scholar is `s2_url`: with
    /// a mirror or a test server (`--api-url`, `S2_API_URL`) instead of the public API and
    /// OpenAlex left at its public URL, OpenAlex is not asked: a run pointed at a private mirror
    /// does not reach out to a public service unasked. `--sources` or `--openalex-url` asks it.
    pub fn settle(&mut self, s2_url: &str) {
        if self.fill_only
            && s2_url != crate::s2::DEFAULT_API_URL
            && self.openalex_url == DEFAULT_OPENALEX_URL
        {
            self.sources = SourceSet::of(Source::S2);
        }
    }
}

/// `--sources`: a comma-separated list of source names ([`Source::as_str`]), `s2` among them.
/// Errors: an unknown name (listing the known ones), an empty list, a list without `s2`.
pub fn parse_sources(text: &str) -> Result<SourceSet, String> {
    let mut set = SourceSet::default();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match Source::parse(name) {
            Some(source) => set.insert(source),
            None => {
                return Err(format!(
                    "unknown source `{name}`: the sources are {}",
                    Source::ALL.map(Source::as_str).join(", ")
                ))
            }
        }
    }
    if set.is_empty() {
        return Err("name at least one source (s2, openalex, opencitations)".to_string());
    }
    if !set.contains(Source::S2) {
        return Err(
            "`s2` must be among the sources: Semantic Scholar's records name the graph's papers; \
             the other sources fill and check its lists"
                .to_string(),
        );
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_lists_parse_and_need_s2() {
        let set = parse_sources("s2, opencitations").unwrap();
        assert_eq!(set.names(), "s2;opencitations");
        assert!(parse_sources("openalex")
            .unwrap_err()
            .contains("`s2` must be"));
        assert!(parse_sources("s2,crossref")
            .unwrap_err()
            .contains("unknown source `crossref`"));
        assert!(parse_sources(" , ").is_err());
        assert_eq!(SourceOptions::default().sources.names(), "s2;openalex");
    }

    #[test]
    fn a_mirror_of_semantic_scholar_keeps_the_default_from_reaching_openalex() {
        let mut options = SourceOptions::default();
        options.settle(crate::s2::DEFAULT_API_URL);
        assert_eq!(options.sources.names(), "s2;openalex");
        options.settle("http://127.0.0.1:9/graph/v1");
        assert_eq!(options.sources.names(), "s2");
        let mut mocked = SourceOptions {
            openalex_url: "http://127.0.0.1:8".into(),
            ..SourceOptions::default()
        };
        mocked.settle("http://127.0.0.1:9/graph/v1");
        assert_eq!(mocked.sources.names(), "s2;openalex");
        let mut asked = SourceOptions {
            fill_only: false,
            ..SourceOptions::default()
        };
        asked.settle("http://127.0.0.1:9/graph/v1");
        assert_eq!(asked.sources.names(), "s2;openalex");
    }
}
