//! The secondary sources: which of OpenAlex and OpenCitations a run asks, for which catalogue
//! papers, and where they answer. Semantic Scholar stays the backbone (its ids name the graph's
//! nodes); a secondary source's lists are folded into the catalogue papers' records
//! ([`crate::records::sources::fold`]), each link marked with its source.
//!
//! The rule (README, "Sources"): without `--sources`, a run asks Semantic Scholar and OpenAlex.
//! By default (`--source-scope gaps`) a secondary source is asked only about the catalogue
//! papers Semantic Scholar leaves thin ([`crate::records::Thin`]: unresolved, an elided or unread
//! reference list, an unread citation list); `--source-scope all` asks it about every catalogue
//! paper: the completeness audit (`coverage-sources.csv`). `--offline` and `analyze` read what the cache
//! holds of each source (its own answers, then what `snapshot import` kept of a source's snapshot);
//! `--snapshot` holds Semantic Scholar records, `--source-snapshot SOURCE=FILE` a secondary
//! source's answers ([`snapshot`]).

use std::path::PathBuf;

use crate::records::sources::SourceGap;
use crate::records::{Corpus, Gap, Source, SourceCorpus, SourceSet, Wanted};

pub mod snapshot;

/// The public OpenAlex API.
pub const DEFAULT_OPENALEX_URL: &str = "https://api.openalex.org";
/// The public OpenCitations APIs (the Index at `/index/v2`, Meta at `/meta/v1`).
pub const DEFAULT_OPENCITATIONS_URL: &str = "https://api.opencitations.net";

/// Which sources a run asks, and where the secondary ones answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceOptions {
    /// The sources asked; always holds [`Source::S2`].
    pub sources: SourceSet,
    /// Whether [`Self::sources`] was chosen (`--sources`) rather than left to the default.
    pub chosen: bool,
    /// Whether the secondary sources are asked only about the catalogue papers Semantic Scholar
    /// leaves thin (`--source-scope gaps`, the default), or about every catalogue paper
    /// (`--source-scope all`: the completeness audit).
    pub fill_only: bool,
    /// OpenAlex's pace, requests per second (`--openalex-rps`).
    pub openalex_rps: Option<f64>,
    /// OpenCitations' pace, requests per minute (`--opencitations-per-minute`).
    pub opencitations_per_minute: Option<f64>,
    /// OpenAlex's base URL (`--openalex-url`, `OPENALEX_API_URL`).
    pub openalex_url: String,
    /// OpenCitations' base URL (`--opencitations-url`, `OPENCITATIONS_API_URL`), under which
    /// the Index is `/index/v2` and Meta `/meta/v1`.
    pub opencitations_url: String,
    /// An e-mail address sent to OpenAlex as `mailto` (`--mailto`, `OPENALEX_MAILTO`).
    pub mailto: Option<String>,
    /// Secondary snapshots to read instead of asking their source (`--source-snapshot
    /// SOURCE=FILE`, [`snapshot::load`]): at most one a source, never [`Source::S2`].
    pub snapshots: Vec<(Source, PathBuf)>,
}

impl Default for SourceOptions {
    /// Semantic Scholar, with OpenAlex filling its gaps.
    fn default() -> Self {
        let mut sources = SourceSet::of(Source::S2);
        sources.insert(Source::OpenAlex);
        SourceOptions {
            sources,
            chosen: false,
            fill_only: true,
            openalex_rps: None,
            opencitations_per_minute: None,
            openalex_url: DEFAULT_OPENALEX_URL.to_string(),
            opencitations_url: DEFAULT_OPENCITATIONS_URL.to_string(),
            mailto: None,
            snapshots: Vec::new(),
        }
    }
}

impl SourceOptions {
    /// The default sources (no `--sources`) for a run whose Semantic Scholar is `s2_url`: with
    /// a mirror or a test server (`--api-url`, `S2_API_URL`) instead of the public API and
    /// OpenAlex left at its public URL, OpenAlex is not asked: a run pointed at a private mirror
    /// does not reach out to a public service unasked. `--sources` or `--openalex-url` asks it.
    pub fn settle(&mut self, s2_url: &str) {
        if !self.chosen
            && s2_url != crate::s2::DEFAULT_API_URL
            && self.openalex_url == DEFAULT_OPENALEX_URL
        {
            self.sources = SourceSet::of(Source::S2);
        }
    }
}

/// Asks each secondary source of `options` about the catalogue papers (every one, the thin ones
/// first, or the thin ones alone: [`SourceOptions::fill_only`]), keeps their answers in
/// `corpus.sources` and folds their lists into the catalogue records
/// ([`crate::records::sources::fold`]). `fetch` gives the
/// shared settings (retries, timeout, `--refresh`, `--max-age`, `--no-citations`); `env` the
/// cache and whether the network may be used (offline: each source's cache alone, then the
/// answers `snapshot import` kept). A source the cache holds answers of but `options` leaves out
/// is a warning naming the `--sources` that would use them. A source with a snapshot
/// ([`SourceOptions::snapshots`]) is read from it and not asked.
///
/// A source that cannot be used at all (never reached, a refused key) is a warning, not an
/// error: the run goes on with the others, and the audit shows what stays thin. Returns the
/// links added, per source in [`Source::ALL`] order. Errors: a snapshot given that cannot be
/// read or holds no answer of its source ([`snapshot::load`]).
pub fn fetch(
    catalog: &crate::catalog::Catalog,
    corpus: &mut Corpus,
    options: &SourceOptions,
    fetch: &crate::s2::FetchOptions,
    env: &crate::s2::Environment,
) -> anyhow::Result<[u64; 3]> {
    let wanted = wanted(catalog, corpus);
    // The audit asks the papers Semantic Scholar left thin first: a budget that runs out partway
    // has then filled what a gaps run fills.
    let wanted = if options.fill_only {
        wanted
    } else {
        thin_first(wanted)
    };
    left_in_cache(options, &env.cache_dir);
    for source in options.sources.iter() {
        if source == Source::S2 {
            continue;
        }
        if let Some((_, path)) = options.snapshots.iter().find(|(s, _)| *s == source) {
            let lists = snapshot::load(path, source)?;
            let found = snapshot::answer(source, &lists, &wanted, options.fill_only);
            log_answer(source, &found);
            corpus.sources.push(found);
            continue;
        }
        let answer = match source {
            Source::S2 => continue,
            Source::OpenAlex => {
                crate::openalex::fetch(&wanted, &openalex_options(options, fetch), env)
            }
            Source::OpenCitations => {
                crate::opencitations::fetch(&wanted, &opencitations_options(options, fetch), env)
            }
        };
        match answer {
            Ok(mut found) => {
                found.source = Some(source);
                if env.offline {
                    let filled = snapshot::fill_from_imported(&mut found, &env.cache_dir);
                    if filled > 0 {
                        tracing::info!(
                            "{}: {} from an imported snapshot",
                            source.as_str(),
                            crate::text::count(filled, "catalogue paper")
                        );
                    }
                }
                log_answer(source, &found);
                corpus.sources.push(found);
            }
            Err(error) => {
                tracing::warn!(
                    "{} was not used: {error:#}; the run goes on without it (coverage-sources.csv \
                     shows what stays thin)",
                    source.as_str()
                );
                corpus
                    .sources
                    .push(unused(source, &wanted, options.fill_only, &error));
            }
        }
    }
    let added = crate::records::sources::fold(corpus);
    for (source, n) in Source::ALL.iter().zip(added) {
        if options.sources.contains(*source) && *source != Source::S2 {
            tracing::info!(
                "{}: {n} links added to the catalogue papers' lists",
                source.as_str()
            );
        }
    }
    Ok(added)
}

/// What the cache holds of `source` for the catalogue (its own answers for every catalogue
/// paper, then the imported ones), without a request: `snapshot export --source`, and the
/// retraction flags `citegraph lint` reads. `corpus` gives the Semantic Scholar records the
/// papers' DOIs come from (empty: the catalogue's ids alone). Errors: an unusable cache.
pub fn cached(
    catalog: &crate::catalog::Catalog,
    corpus: &Corpus,
    source: Source,
    cache_dir: &std::path::Path,
) -> anyhow::Result<SourceCorpus> {
    let wanted = wanted(catalog, corpus);
    let env = crate::s2::Environment {
        cache_dir: cache_dir.to_path_buf(),
        offline: true,
    };
    let options = SourceOptions {
        fill_only: false,
        ..SourceOptions::default()
    };
    let fetch = crate::s2::FetchOptions::default();
    let mut found = match source {
        Source::S2 => anyhow::bail!("Semantic Scholar's records are not a secondary source's"),
        Source::OpenAlex => {
            crate::openalex::fetch(&wanted, &openalex_options(&options, &fetch), &env)?
        }
        Source::OpenCitations => {
            crate::opencitations::fetch(&wanted, &opencitations_options(&options, &fetch), &env)?
        }
    };
    found.source = Some(source);
    snapshot::fill_from_imported(&mut found, cache_dir);
    Ok(found)
}

/// The lint findings of the catalogue papers OpenAlex flags as retracted, from the cache alone
/// (`citegraph lint` makes no request): the Semantic Scholar records and OpenAlex answers a
/// run kept (or `snapshot import` put there). No cache, no finding. Each finding is an error
/// at the paper's first listing ([`crate::analysis::source_coverage::retracted_finding`]).
pub fn cached_retractions(
    catalog: &crate::catalog::Catalog,
    cache_dir: &std::path::Path,
) -> Vec<crate::catalog::LintFinding> {
    if !cache_dir.join(Source::OpenAlex.as_str()).is_dir() {
        return Vec::new();
    }
    let env = crate::s2::Environment {
        cache_dir: cache_dir.to_path_buf(),
        offline: true,
    };
    let records = crate::s2::fetch(
        catalog,
        &crate::s2::FetchOptions::default(),
        &crate::s2::RecordSource::Api,
        &env,
    )
    .unwrap_or_default();
    let found = match cached(catalog, &records, Source::OpenAlex, cache_dir) {
        Ok(found) => found,
        Err(err) => {
            tracing::warn!("OpenAlex's cached retraction flags not read: {err:#}");
            return Vec::new();
        }
    };
    found
        .lists
        .iter()
        .filter(|l| l.retracted)
        .filter_map(|l| {
            let paper = catalog.papers.iter().find(|p| p.key == l.key)?;
            Some(crate::analysis::source_coverage::retracted_finding(
                catalog,
                &paper.key,
                &paper.title,
            ))
        })
        .collect()
}

/// The catalogue papers to ask a secondary source about, in catalogue order: every catalogue
/// paper, with its ids from the catalogue entry and from its Semantic Scholar record.
pub fn wanted(catalog: &crate::catalog::Catalog, corpus: &Corpus) -> Vec<Wanted> {
    let records: std::collections::HashMap<&str, &crate::records::PaperRecord> = corpus
        .records
        .iter()
        .map(|r| (r.paper_id.as_str(), r))
        .collect();
    let resolutions: std::collections::HashMap<&str, &crate::records::Resolution> = corpus
        .resolutions
        .iter()
        .map(|r| (r.key.as_str(), r))
        .collect();
    catalog
        .papers
        .iter()
        .map(|paper| {
            let resolution = resolutions.get(paper.key.as_str()).copied();
            let s2_id = resolution.and_then(|r| r.paper_id.clone());
            let record = s2_id.as_deref().and_then(|id| records.get(id).copied());
            let mut dois: Vec<String> = Vec::new();
            let mut arxiv = paper.ids.arxiv.clone();
            let mut add_doi = |doi: &str| {
                let doi = crate::works::normalize_doi(doi);
                if let Some(id) = doi.strip_prefix("10.48550/arxiv.") {
                    if arxiv.is_none() {
                        arxiv = Some(id.to_string());
                    }
                } else if !doi.is_empty() && !dois.contains(&doi) {
                    dois.push(doi);
                }
            };
            if let Some(doi) = paper.ids.doi.as_deref() {
                add_doi(doi);
            }
            if let Some(doi) = record.and_then(|r| r.external_ids.get("DOI")) {
                if let Some(doi) = doi.as_str() {
                    add_doi(doi);
                }
            }
            if arxiv.is_none() {
                arxiv = record
                    .and_then(|r| r.external_ids.get("ArXiv"))
                    .and_then(|v| v.as_str())
                    .map(crate::works::normalize_arxiv);
            }
            // The record's author names (one person a name) before the catalogue's, which a
            // list may write in any form ("A. Doe, B. Roe and others").
            let authors: Vec<String> = record
                .map(|r| r.authors.iter().filter_map(|a| a.name.clone()).collect())
                .filter(|names: &Vec<String>| !names.is_empty())
                .unwrap_or_else(|| paper.authors.clone());
            Wanted {
                key: paper.key.clone(),
                s2_id,
                title: paper.title.clone(),
                year: paper.year.or(record.and_then(|r| r.year)),
                authors,
                dois,
                arxiv,
                thin: crate::records::sources::thin(resolution, record),
            }
        })
        .collect()
}

/// One line on what a source answered: papers asked, found, with gaps; requests made.
fn log_answer(source: Source, found: &SourceCorpus) {
    let known = found.lists.iter().filter(|l| !l.ids.is_empty()).count();
    let gaps = found.lists.iter().filter(|l| !l.gap.is_none()).count();
    tracing::info!(
        "{}: {} asked, {known} found, {gaps} with a gap a rerun could fill; {}",
        source.as_str(),
        crate::text::count(found.lists.len(), "catalogue paper"),
        crate::text::count(found.requests as usize, "request")
    );
}

/// `wanted` with the papers Semantic Scholar leaves thin ([`Wanted::thin`]) first, each part in
/// catalogue order: the order the completeness audit (`--source-scope all`) asks them in.
fn thin_first(wanted: Vec<Wanted>) -> Vec<Wanted> {
    let (thin, rest): (Vec<Wanted>, Vec<Wanted>) =
        wanted.into_iter().partition(|w| w.thin.is_some());
    thin.into_iter().chain(rest).collect()
}

/// Says (a warning) which sources left out of this run the cache holds answers of, so that a
/// run without `--sources` (`fetch`, `run`, `analyze`, `--offline`) does not drop a source's
/// cached links without a word.
fn left_in_cache(options: &SourceOptions, cache_dir: &std::path::Path) {
    let left: Vec<&str> = Source::ALL
        .iter()
        .filter(|s| **s != Source::S2 && !options.sources.contains(**s))
        .filter(|s| cache_dir.join(s.as_str()).is_dir())
        .map(|s| s.as_str())
        .collect();
    if !left.is_empty() {
        let mut all = options.sources;
        for source in Source::ALL.iter().filter(|s| left.contains(&s.as_str())) {
            all.insert(*source);
        }
        let named: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
        tracing::warn!(
            "the cache also holds the answers of {}, not among this run's sources; \
             --sources {} uses them",
            left.join(" and "),
            named.join(",")
        );
    }
}

/// The answer of a source that could not be used at all (never reached, a refused key): every
/// paper it was to be asked about (every wanted one, or with `fill_only` the thin ones) without
/// ids or lists, its note saying why and the gap [`Gap::RequestFailed`] (a paper the source could
/// never be asked about, [`askable`], keeps its note and no gap), so that the run's gap
/// line ([`gap_line`]) and exit status say a rerun could fill them.
fn unused(
    source: Source,
    wanted: &[Wanted],
    fill_only: bool,
    error: &anyhow::Error,
) -> SourceCorpus {
    let note = format!("{} was not used: {error:#}", source.as_str());
    SourceCorpus {
        source: Some(source),
        lists: wanted
            .iter()
            .filter(|w| !fill_only || w.thin.is_some())
            .map(|w| match askable(source, w) {
                true => crate::records::SourceLists {
                    key: w.key.clone(),
                    note: Some(note.clone()),
                    gap: Gap::RequestFailed,
                    ..Default::default()
                },
                // Not a gap a rerun could fill: the source would not be asked about it.
                false => crate::records::SourceLists {
                    key: w.key.clone(),
                    note: Some(crate::opencitations::NO_DOI.to_string()),
                    ..Default::default()
                },
            })
            .collect(),
        requests: 0,
    }
}

/// Whether `source` can be asked about `paper` at all: the OpenCitations Index knows works by
/// DOI alone (the published one, else the arXiv DataCite DOI), so a paper with neither is never
/// asked; OpenAlex also searches by title.
fn askable(source: Source, paper: &Wanted) -> bool {
    match source {
        Source::OpenCitations => !paper.dois.is_empty() || paper.arxiv.is_some(),
        Source::S2 | Source::OpenAlex => true,
    }
}

/// `source gaps: openalex 7 (7 request failed), opencitations 2 (2 not cached); a rerun could
/// fill them`: for each secondary source in `sources` with catalogue papers whose lists a rerun
/// could fill ([`crate::records::sources::source_gaps`]), how many and of which kind; `None`
/// when no source has one. A source with every answer `not cached` (offline, never used with
/// this cache) has none. Said beside Semantic Scholar's gap line ([`crate::pipeline::gap_line`]),
/// and like it, makes the exit status 3.
pub fn gap_line(sources: &[SourceCorpus]) -> Option<String> {
    let gaps = crate::records::sources::source_gaps(sources);
    let parts: Vec<String> = Source::ALL
        .iter()
        .filter_map(|source| {
            let of: Vec<&SourceGap> = gaps.iter().filter(|g| g.source == Some(*source)).collect();
            let kinds = crate::records::sources::gap_kinds(&of);
            (!of.is_empty()).then(|| format!("{} {} ({kinds})", source.as_str(), of.len()))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "source gaps: {} of the catalogue papers the sources were asked about; a rerun could \
             fill them (unresolved.csv lists them)",
            parts.join(", ")
        )
    })
}

/// The `unresolved.csv` rows of the secondary sources' gaps
/// ([`crate::records::sources::source_gaps`]): one per paper and source, after Semantic
/// Scholar's rows, each with no paper id, the gap as its status (`request failed`, `not
/// cached`) and a reason naming the source, then which list and why (`openalex: citers not read:
/// OpenAlex's daily budget is spent …`).
pub fn unresolved_rows(sources: &[SourceCorpus]) -> Vec<crate::records::Resolution> {
    crate::records::sources::source_gaps(sources)
        .into_iter()
        .map(|g| crate::records::Resolution {
            key: g.key,
            paper_id: None,
            method: None,
            note: Some(format!(
                "{}: {}",
                g.source.map_or("?", Source::as_str),
                g.note
            )),
            gap: g.gap,
        })
        .collect()
}

/// The OpenAlex client's options from the run's.
fn openalex_options(
    options: &SourceOptions,
    fetch: &crate::s2::FetchOptions,
) -> crate::openalex::OpenAlexOptions {
    let defaults = crate::openalex::OpenAlexOptions::default();
    crate::openalex::OpenAlexOptions {
        api_url: options.openalex_url.clone(),
        mailto: options.mailto.clone(),
        rps: options.openalex_rps.unwrap_or(defaults.rps),
        max_retries: fetch.max_retries,
        timeout: fetch.timeout,
        retry_delay: fetch.retry_delay,
        refresh: fetch.refresh,
        max_age: fetch.max_age,
        update: fetch.update,
        no_citations: fetch.no_citations,
        max_citations: fetch.max_citations,
        fill_only: options.fill_only,
        ..defaults
    }
}

/// The OpenCitations client's options from the run's.
fn opencitations_options(
    options: &SourceOptions,
    fetch: &crate::s2::FetchOptions,
) -> crate::opencitations::OpenCitationsOptions {
    let defaults = crate::opencitations::OpenCitationsOptions::default();
    crate::opencitations::OpenCitationsOptions {
        max_retries: fetch.max_retries,
        // The Index answers a heavily cited work whole: never under its own default.
        timeout: fetch.timeout.max(defaults.timeout),
        retry_delay: fetch.retry_delay,
        // The Index has no date filter: one call per DOI answers the whole list, so an update
        // asks it again.
        refresh: fetch.refresh || fetch.update,
        max_age: fetch.max_age,
        no_citations: fetch.no_citations,
        fill_only: options.fill_only,
        per_minute: options
            .opencitations_per_minute
            .unwrap_or(defaults.per_minute),
        ..defaults
    }
    .with_base(&options.opencitations_url)
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
            chosen: true,
            ..SourceOptions::default()
        };
        asked.settle("http://127.0.0.1:9/graph/v1");
        assert_eq!(asked.sources.names(), "s2;openalex");
    }
}
