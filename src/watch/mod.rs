//! The maintainers' watch: what changed between two runs of citegraph on the same list, for the
//! people who keep the list current week after week (issue 12).
//!
//! [`Run`] is one run's outputs (`metrics.json`, and `catalog.json` when the run wrote one);
//! [`digest`] compares two of them and [`digest_files`] builds the result as `digest.json` (for
//! tools) and `digest.md` (for a person: a one-line summary first, then the new in-scope papers
//! as paste-ready entries in the list's format, as `suggestions.md` writes them).
//! [`archive_previous`] keeps the previous run's `metrics.json` and `catalog.json` under
//! `OUTPUT/history/<UTC time>/` (the last [`HISTORY_KEPT`]), so `run` can write the digest itself.
//!
//! Both runs are read typed, through [`crate::analysis::metrics_json`]: a missing paper's
//! [`MissingScope`] and the graph's [`Scope`] come from the saved [`Analysis`] as enums.
//!
//! `digest.md` fits a GitHub issue body ([`DIGEST_MAX_CHARS`], `--digest-max-chars`): the most
//! important changes first, and a cut section says how many more are in `digest.json`, which is
//! never cut.
//!
//! Layout: `mod.rs` holds the runs, the digest's rows and their computation, the writer and the
//! history; `markdown.rs` writes `digest.md`, a function per section, within its budget;
//! `records.rs` the records Semantic Scholar merged or dropped (their digest rows and their rows
//! of `unresolved.csv`).

mod clusters;
mod markdown;
mod records;

pub use clusters::{ClusterChange, ClusterChangeKind, ClusterRef, MIN_CLUSTER_PAPERS};

pub use records::{unresolved_rows, RecordMoved, RecordVanished};

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::analysis::{
    metrics_json, Analysis, MissingKind, MissingPaper, MissingScope, PaperMetrics,
};
use crate::catalog::Catalog;
use crate::graph::Scope;
use crate::render::OutputFile;
use crate::text::count;

/// Catalogue papers in the "top" of the influence ranking whose entries and exits are reported.
pub const TOP_INFLUENCE: usize = 20;
/// Missing papers per kind that count as the top of `missing.csv` (as many as `suggestions.md`
/// suggests).
pub const TOP_MISSING: usize = crate::render::suggestions::SUGGESTIONS_PER_KIND;
/// PageRank moves reported: the largest this many, among those of at least [`MIN_PAGERANK_MOVE`].
pub const PAGERANK_MOVES: usize = 10;
/// A PageRank move counts when the paper's share of the catalogue's PageRank changed by at least
/// this factor (0.25: up by 25 % or down by 20 %).
pub const MIN_PAGERANK_MOVE: f64 = 0.25;
/// Previous runs kept under `OUTPUT/history/`.
pub const HISTORY_KEPT: usize = 5;
/// The characters a GitHub issue body holds: GitHub refuses a longer one
/// (peter-evans/create-issue-from-file#1705). GitHub counts characters (Unicode scalar values),
/// not bytes, and so does the digest's budget.
pub const GITHUB_ISSUE_BODY_CHARS: usize = 65_536;
/// Characters left for what the workflow adds to the issue body around `digest.md` (the example
/// workflow's footer linking the run's artifacts is about 300).
pub const WORKFLOW_MARGIN_CHARS: usize = 1_536;
/// `digest.md`'s budget by default, in characters: [`GITHUB_ISSUE_BODY_CHARS`] less
/// [`WORKFLOW_MARGIN_CHARS`] (64,000). `--digest-max-chars` sets another.
pub const DIGEST_MAX_CHARS: usize = GITHUB_ISSUE_BODY_CHARS - WORKFLOW_MARGIN_CHARS;
/// The smallest budget `--digest-max-chars` takes: room for the summary, every heading and every
/// "And N more" line, with some entries.
pub const MIN_DIGEST_CHARS: usize = 4_000;
/// Items every section of a cut `digest.md` keeps before any section gets more room.
pub const FIRST_ITEMS_PER_SECTION: usize = 5;

/// How the digest is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestOptions {
    /// `digest.md` at most this many characters (`--digest-max-chars`, default
    /// [`DIGEST_MAX_CHARS`]); `digest.json` is never cut.
    pub max_chars: usize,
}

impl Default for DigestOptions {
    fn default() -> Self {
        DigestOptions {
            max_chars: DIGEST_MAX_CHARS,
        }
    }
}

/// One run's outputs, as the digest reads them.
#[derive(Debug, Clone)]
pub struct Run {
    pub analysis: Analysis,
    /// `catalog.json`, when the run wrote one (`run` and `catalog` do, `analyze` alone does not:
    /// the catalogue keys then come from `metrics.json`).
    pub catalog: Option<Catalog>,
    /// Catalogue records Semantic Scholar no longer returns, as the run's fetch found them
    /// ([`Run::with_corpus`]); empty for a run read from its outputs.
    pub vanished: Vec<crate::records::VanishedRecord>,
}

impl Run {
    /// A run from its parts (the `run` command's own results, before they are written).
    pub fn new(analysis: Analysis, catalog: Option<Catalog>) -> Run {
        Run {
            analysis,
            catalog,
            vanished: Vec::new(),
        }
    }

    /// The run with what its fetch knew beyond `metrics.json`: the vanished records.
    pub fn with_corpus(mut self, corpus: &crate::records::Corpus) -> Run {
        self.vanished = corpus.disappeared.clone();
        self
    }

    /// Reads a run's output directory. Errors: `dir` does not exist or holds no `metrics.json`
    /// (it is not a run's output), or a file is not one this version can read.
    pub fn read(dir: &Path) -> Result<Run> {
        if !dir.is_dir() {
            bail!(
                "{} is not a directory: give the output directory of a citegraph run (its --output-dir, `output` by default)",
                dir.display()
            );
        }
        if !metrics_json::path(dir).is_file() {
            bail!(
                "{} is not the output of a citegraph run: it has no metrics.json (give the --output-dir of a `citegraph run` or `citegraph analyze`, or a folder under its history/)",
                dir.display()
            );
        }
        let analysis = metrics_json::read(dir)?;
        let catalog_path = dir.join("catalog.json");
        let catalog = if catalog_path.is_file() {
            let bytes = std::fs::read(&catalog_path)
                .with_context(|| format!("cannot read {}", catalog_path.display()))?;
            Some(serde_json::from_slice(&bytes).with_context(|| {
                format!(
                    "{} is not a catalogue file this version can read: run `citegraph catalog` again",
                    catalog_path.display()
                )
            })?)
        } else {
            None
        };
        Ok(Run::new(analysis, catalog))
    }

    /// The catalogue's keys and titles: from `catalog.json`, else from `metrics.json` (the
    /// resolved papers and the unresolved ones).
    fn catalog_keys(&self) -> BTreeMap<String, (String, Option<i32>)> {
        if let Some(catalog) = &self.catalog {
            return catalog
                .papers
                .iter()
                .map(|p| (p.key.clone(), (p.title.clone(), p.year)))
                .collect();
        }
        let mut keys: BTreeMap<String, (String, Option<i32>)> = self
            .analysis
            .papers
            .iter()
            .filter_map(|p| p.key.clone().map(|k| (k, (p.title.clone(), p.year))))
            .collect();
        for resolution in &self.analysis.unresolved {
            keys.entry(resolution.key.clone())
                .or_insert_with(|| (String::new(), None));
        }
        keys
    }

    /// Paper id -> the scope of its row of `missing` (the first row, when a paper is both a
    /// foundation and a candidate).
    fn scopes(&self) -> HashMap<&str, MissingScope> {
        let mut scopes = HashMap::new();
        for m in &self.analysis.missing {
            scopes.entry(m.paper_id.as_str()).or_insert(m.scope);
        }
        scopes
    }
}

/// What changed between two runs: `digest.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Digest {
    /// The one-line summary `digest.md` starts with.
    pub summary: String,
    /// Papers citing the catalogue that were not in the old run's graph: in-scope ones first.
    pub new_citing: Vec<NewCiting>,
    /// In-scope missing papers (either kind) that entered the top [`TOP_MISSING`] of their kind
    /// (as `suggestions.md` ranks them), including
    /// papers the list dropped since the old run (`removed_from_catalog`).
    pub newly_missing: Vec<NewlyMissing>,
    /// Catalogue papers that entered or left the top [`TOP_INFLUENCE`] by influence, then the
    /// largest PageRank moves.
    pub rank_changes: Vec<RankChange>,
    /// Catalogue papers whose Semantic Scholar record changed venue or year (typically a preprint
    /// now published): the list's entry should be updated.
    pub venue_changes: Vec<VenueChange>,
    /// Catalogue lint and tag lint findings that the old run did not have.
    pub new_lint: Vec<NewLint>,
    /// Catalogue papers that resolved in the old run and no longer do.
    pub newly_unresolved: Vec<NewlyUnresolved>,
    /// Papers added to the catalogue since the old run.
    pub catalog_added: Vec<CatalogChange>,
    /// Papers removed from the catalogue since the old run.
    pub catalog_removed: Vec<CatalogChange>,
    /// Analysis settings that differ between the two runs (the graph's `--scope`, `--weight`),
    /// each as "`--weight`: citations -> intents": rank changes and PageRank moves then compare
    /// different measurements, not a changed field.
    #[serde(default)]
    pub settings_changed: Vec<String>,
    /// Catalogue papers whose record is another since the old run, most often because Semantic
    /// Scholar merged it into the new one (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records_moved: Vec<RecordMoved>,
    /// Catalogue records Semantic Scholar no longer returns, analysed as last known; listed
    /// every run until the API returns them (absent when none; `run` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records_vanished: Vec<RecordVanished>,
    /// Communities that split, merged, appeared, dissolved or were renamed since the old run
    /// (see `watch/clusters.rs`).
    #[serde(default)]
    pub cluster_changes: Vec<ClusterChange>,
    /// How the two runs' communities agree over the papers both hold (co-assignment agreement
    /// and adjusted Rand index; see `analysis/stability.rs`); absent when a run holds no paper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community_agreement: Option<crate::analysis::CommunityStability>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NewCiting {
    pub paper_id: String,
    pub title: String,
    pub year: Option<i32>,
    pub venue: Option<String>,
    /// Distinct catalogue papers it cites.
    pub catalog_papers: usize,
    /// The `scope` of its row of the new run's missing papers, when it has one.
    pub scope: Option<MissingScope>,
    /// In scope by `scope`; without a scope, whether it is a candidate (cites at least
    /// `--min-catalog-links` catalogue papers).
    pub in_scope: bool,
    /// A candidate in the new run's `missing.csv` (which keeps `--missing-limit` per kind).
    pub candidate: bool,
    /// The candidate's score in `missing.csv` (bibliographic coupling with the catalogue).
    pub score: Option<f64>,
    /// The candidate's predicted mechanism and its confidence (0..1).
    pub predicted_mechanism: Option<String>,
    pub confidence: Option<f64>,
    /// Mechanism -> catalogue keys it cites (candidates).
    pub evidence: BTreeMap<String, Vec<String>>,
    pub citation_count: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NewlyMissing {
    pub paper_id: String,
    pub title: String,
    pub year: Option<i32>,
    pub kind: MissingKind,
    /// 1-based rank among the in-scope papers of its kind in the new run (`missing.csv`'s `rank`).
    pub rank: usize,
    /// Its rank among the old run's in-scope papers of that kind, when it was there at all.
    pub old_rank: Option<usize>,
    pub score: f64,
    pub catalog_papers: usize,
    pub predicted_mechanism: String,
    /// Its scope in the new run's missing papers (in scope, as it is ranked among them).
    pub scope: Option<MissingScope>,
    /// Its catalogue key in the old run, when it was a catalogue paper there and the list has
    /// dropped it since (so it is missing now; `old_rank` is then `None`).
    pub removed_from_catalog: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RankChangeKind {
    /// Entered the top [`TOP_INFLUENCE`] by influence.
    #[default]
    EnteredTop,
    /// Left the top [`TOP_INFLUENCE`].
    LeftTop,
    /// Its share of the catalogue's PageRank moved by at least [`MIN_PAGERANK_MOVE`].
    PagerankMove,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RankChange {
    pub change: RankChangeKind,
    pub key: String,
    pub paper_id: String,
    pub title: String,
    /// Rank by the influence score (1 = most influential), in each run where it was ranked.
    pub old_rank: Option<usize>,
    pub new_rank: Option<usize>,
    pub old_pagerank: Option<f64>,
    pub new_pagerank: Option<f64>,
    /// new share / old share of the catalogue papers' total PageRank, minus 1 (0.5: up by half);
    /// shares, because a larger graph lowers every paper's PageRank.
    pub pagerank_share_change: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct VenueChange {
    pub key: String,
    pub paper_id: String,
    pub title: String,
    pub old_venue: Option<String>,
    pub new_venue: Option<String>,
    pub old_year: Option<i32>,
    pub new_year: Option<i32>,
}

/// Where a lint finding comes from, written `catalog` or `tags`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LintSource {
    /// The list's own lint ([`crate::catalog::LintFinding`]).
    #[default]
    Catalog,
    /// Badges the citation neighbourhood disagrees with ([`crate::analysis::TagLint`]).
    Tags,
}

/// What a new lint finding is: one of the list's own kinds, or a mechanism badge its citation
/// neighbourhood disagrees with. Written as the kind's name (`numbering-gap`, `tag-disagrees`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewLintKind {
    /// A finding of the catalogue's lint ([`crate::catalog::LintKind`]).
    Catalog(crate::catalog::LintKind),
    /// A mechanism badge the tag lint disagrees with ([`crate::analysis::TagLint`]).
    TagDisagrees,
}

impl NewLintKind {
    /// The kind's name, as digest.json and digest.md write it.
    pub fn as_str(self) -> &'static str {
        match self {
            NewLintKind::Catalog(kind) => kind.as_str(),
            NewLintKind::TagDisagrees => "tag-disagrees",
        }
    }
}

impl Default for NewLintKind {
    fn default() -> Self {
        NewLintKind::Catalog(crate::catalog::LintKind::Reading)
    }
}

impl Serialize for NewLintKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for NewLintKind {
    /// Errors: a name that is neither `tag-disagrees` nor a lint kind of this version.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        if name == "tag-disagrees" {
            return Ok(NewLintKind::TagDisagrees);
        }
        name.parse()
            .map(NewLintKind::Catalog)
            .map_err(serde::de::Error::custom)
    }
}

/// A lint finding the old run did not have.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NewLint {
    /// The list's own lint or the tag lint.
    pub source: LintSource,
    pub kind: NewLintKind,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NewlyUnresolved {
    pub key: String,
    pub title: String,
    /// The record it resolved to in the old run.
    pub old_paper_id: Option<String>,
    /// Why it is unresolved now.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CatalogChange {
    pub key: String,
    pub title: String,
    pub year: Option<i32>,
    /// Resolved to a record in the run that lists it.
    pub resolved: bool,
}

/// Compares two runs. `min_catalog_links` is the analysis's threshold for a candidate (see
/// `AnalyzeOptions`): without a `scope` in the new run, a new citing paper is in scope when it
/// cites at least that many catalogue papers (whether or not it made the capped `missing.csv`).
/// Pure: no file is read or written.
pub fn digest(old: &Run, new: &Run, min_catalog_links: usize) -> Digest {
    let mut digest = Digest {
        new_citing: new_citing(old, new, min_catalog_links),
        newly_missing: newly_missing(old, new),
        rank_changes: rank_changes(&old.analysis, &new.analysis),
        venue_changes: venue_changes(&old.analysis, &new.analysis),
        new_lint: new_lint(&old.analysis, &new.analysis),
        newly_unresolved: newly_unresolved(old, new),
        ..Digest::default()
    };
    let (added, removed) = catalog_changes(old, new);
    digest.catalog_added = added;
    digest.catalog_removed = removed;
    digest.settings_changed = settings_changed(&old.analysis, &new.analysis);
    digest.records_moved = records::records_moved(old, new);
    digest.records_vanished = records::records_vanished(new);
    (digest.cluster_changes, digest.community_agreement) = clusters::cluster_changes(old, new);
    digest.summary = summary_line(&digest);
    digest
}

fn new_citing(old: &Run, new: &Run, min_catalog_links: usize) -> Vec<NewCiting> {
    let known: HashSet<&str> = old
        .analysis
        .papers
        .iter()
        .map(|p| p.paper_id.as_str())
        .collect();
    let candidates: HashMap<&str, &MissingPaper> = new
        .analysis
        .missing
        .iter()
        .filter(|m| m.kind == MissingKind::Candidate)
        .map(|m| (m.paper_id.as_str(), m))
        .collect();
    // In the catalogue scope every edge touches a catalogue paper, so an outside paper's
    // out-degree is the number of catalogue papers it cites; in the `all` scope it is not, and
    // only the candidates (whose count the analysis made) are listed.
    let catalog_scope = new.analysis.summary.scope != Scope::All;
    let scopes = new.scopes();
    let mut rows: Vec<NewCiting> = new
        .analysis
        .papers
        .iter()
        .filter(|p| !p.in_catalog && !known.contains(p.paper_id.as_str()))
        .filter_map(|p| {
            let candidate = candidates.get(p.paper_id.as_str()).copied();
            let catalog_papers = match candidate {
                Some(c) => c.catalog_papers,
                None if catalog_scope => p.out_degree as usize,
                None => 0,
            };
            (catalog_papers > 0).then(|| {
                let scope = scopes.get(p.paper_id.as_str()).copied();
                NewCiting {
                    paper_id: p.paper_id.clone(),
                    title: p.title.clone(),
                    year: p.year,
                    venue: p.venue.clone(),
                    catalog_papers,
                    in_scope: scope.map_or(
                        candidate.is_some() || catalog_papers >= min_catalog_links.max(1),
                        |s| s == MissingScope::InScope,
                    ),
                    scope,
                    candidate: candidate.is_some(),
                    score: candidate.map(|c| c.score),
                    predicted_mechanism: candidate.map(|c| c.predicted_mechanism.clone()),
                    confidence: candidate.map(|c| c.confidence),
                    evidence: candidate.map(|c| c.evidence.clone()).unwrap_or_default(),
                    citation_count: p.citation_count,
                }
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.in_scope
            .cmp(&a.in_scope)
            .then(b.candidate.cmp(&a.candidate))
            .then(b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)))
            .then(b.catalog_papers.cmp(&a.catalog_papers))
            .then(a.paper_id.cmp(&b.paper_id))
    });
    rows
}

/// A kind's in-scope missing papers, by descending score (ties by id): the order of
/// `missing.csv`'s `rank` and of `suggestions.md`. Background papers (landmarks such as
/// ImageNet, whose raw scores are the highest) are left out: ranked with them, the top
/// [`TOP_MISSING`] held hardly any paper the list could add.
fn ranked(analysis: &Analysis, kind: MissingKind) -> Vec<&MissingPaper> {
    let mut papers = analysis.ranked_in_scope(kind);
    papers.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.paper_id.cmp(&b.paper_id))
    });
    papers
}

fn newly_missing(old: &Run, new: &Run) -> Vec<NewlyMissing> {
    // Paper id -> its key in OLD's catalogue: a paper the list dropped since is missing now,
    // and news like any other (a removal by mistake is caught here), marked as removed.
    let catalog_before: HashMap<&str, &str> = catalog_papers(&old.analysis)
        .into_iter()
        .map(|(key, p)| (p.paper_id.as_str(), key))
        .collect();
    let scopes = new.scopes();
    let mut rows = Vec::new();
    for kind in [MissingKind::Candidate, MissingKind::Foundation] {
        let before = ranked(&old.analysis, kind);
        let old_rank: HashMap<&str, usize> = before
            .iter()
            .enumerate()
            .map(|(i, m)| (m.paper_id.as_str(), i + 1))
            .collect();
        for (index, paper) in ranked(&new.analysis, kind)
            .into_iter()
            .take(TOP_MISSING)
            .enumerate()
        {
            let was = old_rank.get(paper.paper_id.as_str()).copied();
            if was.is_some_and(|r| r <= TOP_MISSING) {
                continue;
            }
            rows.push(NewlyMissing {
                paper_id: paper.paper_id.clone(),
                title: paper.title.clone(),
                year: paper.year,
                kind,
                rank: index + 1,
                old_rank: was,
                score: paper.score,
                catalog_papers: paper.catalog_papers,
                predicted_mechanism: paper.predicted_mechanism.clone(),
                scope: scopes.get(paper.paper_id.as_str()).copied(),
                removed_from_catalog: catalog_before
                    .get(paper.paper_id.as_str())
                    .map(|key| key.to_string()),
            });
        }
    }
    rows
}

/// Catalogue papers by key.
fn catalog_papers(analysis: &Analysis) -> BTreeMap<&str, &PaperMetrics> {
    analysis
        .papers
        .iter()
        .filter(|p| p.in_catalog)
        .filter_map(|p| p.key.as_deref().map(|k| (k, p)))
        .collect()
}

fn rank_changes(old: &Analysis, new: &Analysis) -> Vec<RankChange> {
    let rank = |analysis: &Analysis| -> HashMap<String, usize> {
        analysis
            .influential
            .iter()
            .map(|p| (p.key.clone(), p.rank))
            .collect()
    };
    let (old_rank, new_rank) = (rank(old), rank(new));
    let (old_papers, new_papers) = (catalog_papers(old), catalog_papers(new));
    let total = |papers: &BTreeMap<&str, &PaperMetrics>| -> f64 {
        papers.values().map(|p| p.pagerank).sum::<f64>()
    };
    let (old_total, new_total) = (total(&old_papers), total(&new_papers));
    let row = |change: RankChangeKind, key: &str| {
        let before = old_papers.get(key);
        let after = new_papers.get(key);
        let share_change = match (before, after) {
            (Some(b), Some(a)) if b.pagerank > 0.0 && old_total > 0.0 && new_total > 0.0 => {
                Some((a.pagerank / new_total) / (b.pagerank / old_total) - 1.0)
            }
            _ => None,
        };
        let paper = after.or(before);
        RankChange {
            change,
            key: key.to_string(),
            paper_id: paper.map(|p| p.paper_id.clone()).unwrap_or_default(),
            title: paper.map(|p| p.title.clone()).unwrap_or_default(),
            old_rank: old_rank.get(key).copied(),
            new_rank: new_rank.get(key).copied(),
            old_pagerank: before.map(|p| p.pagerank),
            new_pagerank: after.map(|p| p.pagerank),
            pagerank_share_change: share_change,
        }
    };
    let top = |ranks: &HashMap<String, usize>| -> BTreeSet<String> {
        ranks
            .iter()
            .filter(|(_, &r)| (1..=TOP_INFLUENCE).contains(&r))
            .map(|(k, _)| k.clone())
            .collect()
    };
    let (old_top, new_top) = (top(&old_rank), top(&new_rank));
    let mut entered: Vec<RankChange> = new_top
        .difference(&old_top)
        .map(|k| row(RankChangeKind::EnteredTop, k))
        .collect();
    entered.sort_by_key(|r| r.new_rank);
    let mut left: Vec<RankChange> = old_top
        .difference(&new_top)
        .map(|k| row(RankChangeKind::LeftTop, k))
        .collect();
    left.sort_by_key(|r| r.old_rank);
    let mut moves: Vec<RankChange> = new_papers
        .keys()
        .filter(|k| old_papers.contains_key(*k))
        .map(|k| row(RankChangeKind::PagerankMove, k))
        .filter(|r| {
            r.pagerank_share_change
                .is_some_and(|c| (1.0 + c).ln().abs() >= (1.0 + MIN_PAGERANK_MOVE).ln())
        })
        .collect();
    let size = |r: &RankChange| (1.0 + r.pagerank_share_change.unwrap_or(0.0)).ln().abs();
    moves.sort_by(|a, b| size(b).total_cmp(&size(a)).then(a.key.cmp(&b.key)));
    moves.truncate(PAGERANK_MOVES);
    entered.into_iter().chain(left).chain(moves).collect()
}

fn venue_changes(old: &Analysis, new: &Analysis) -> Vec<VenueChange> {
    let before = catalog_papers(old);
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    catalog_papers(new)
        .into_iter()
        .filter_map(|(key, after)| {
            let before = before.get(key)?;
            let (old_venue, new_venue) = (clean(&before.venue), clean(&after.venue));
            (old_venue != new_venue || before.year != after.year).then(|| VenueChange {
                key: key.to_string(),
                paper_id: after.paper_id.clone(),
                title: after.title.clone(),
                old_venue,
                new_venue,
                old_year: before.year,
                new_year: after.year,
            })
        })
        .collect()
}

fn new_lint(old: &Analysis, new: &Analysis) -> Vec<NewLint> {
    // Identity without the line: an edit above a finding moves it but does not make it new.
    let identity = |kind: &str, keys: &[String], message: &str| {
        if keys.is_empty() {
            format!("{kind}\u{0}{message}")
        } else {
            format!("{kind}\u{0}{}", keys.join("\u{0}"))
        }
    };
    let seen: HashSet<String> = old
        .catalog_lint
        .iter()
        .map(|f| identity(f.kind.as_str(), &f.keys, &f.message))
        .chain(old.lint_tags.iter().map(|t| {
            identity(
                &format!("tag:{}", t.suggested),
                std::slice::from_ref(&t.key),
                "",
            )
        }))
        .collect();
    let mut rows: Vec<NewLint> = new
        .catalog_lint
        .iter()
        // A `skipped` note (a folder or template the walk left out, such as citegraph's own
        // output and cache) is no problem of the list: never news for the maintainers.
        .filter(|f| f.kind != crate::catalog::LintKind::Skipped)
        .filter(|f| !seen.contains(&identity(f.kind.as_str(), &f.keys, &f.message)))
        .map(|f| NewLint {
            source: LintSource::Catalog,
            kind: NewLintKind::Catalog(f.kind),
            message: f.message.clone(),
            file: f.file.clone(),
            line: f.line,
            keys: f.keys.clone(),
        })
        .collect();
    rows.extend(
        new.lint_tags
            .iter()
            .filter(|t| {
                !seen.contains(&identity(
                    &format!("tag:{}", t.suggested),
                    std::slice::from_ref(&t.key),
                    "",
                ))
            })
            .map(|t| NewLint {
                source: LintSource::Tags,
                kind: NewLintKind::TagDisagrees,
                message: format!(
                    "{}: badges {} but its citation neighbourhood points to {} ({})",
                    t.title,
                    t.mechanisms.join(", "),
                    t.suggested,
                    t.reason
                ),
                file: None,
                line: None,
                keys: vec![t.key.clone()],
            }),
    );
    rows
}

fn newly_unresolved(old: &Run, new: &Run) -> Vec<NewlyUnresolved> {
    let before = catalog_papers(&old.analysis);
    let titles = new.catalog_keys();
    new.analysis
        .unresolved
        .iter()
        .filter_map(|r| {
            let was = before.get(r.key.as_str())?;
            Some(NewlyUnresolved {
                key: r.key.clone(),
                title: titles
                    .get(&r.key)
                    .map(|(t, _)| t.clone())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| was.title.clone()),
                old_paper_id: Some(was.paper_id.clone()),
                note: r.note.clone(),
            })
        })
        .collect()
}

fn catalog_changes(old: &Run, new: &Run) -> (Vec<CatalogChange>, Vec<CatalogChange>) {
    let (before, after) = (old.catalog_keys(), new.catalog_keys());
    let changes = |from: &BTreeMap<String, (String, Option<i32>)>,
                   without: &BTreeMap<String, (String, Option<i32>)>,
                   run: &Run| {
        let resolved = catalog_papers(&run.analysis);
        from.iter()
            .filter(|(key, _)| !without.contains_key(*key))
            .map(|(key, (title, year))| CatalogChange {
                key: key.clone(),
                title: title.clone(),
                year: *year,
                resolved: resolved.contains_key(key.as_str()),
            })
            .collect::<Vec<_>>()
    };
    (changes(&after, &before, new), changes(&before, &after, old))
}

/// The analysis settings that differ between `old` and `new` (see [`Digest::settings_changed`]).
fn settings_changed(old: &Analysis, new: &Analysis) -> Vec<String> {
    let (a, b) = (&old.summary, &new.summary);
    let mut changed = Vec::new();
    if a.scope != b.scope {
        changed.push(format!(
            "--scope: {} -> {}",
            a.scope.as_str(),
            b.scope.as_str()
        ));
    }
    if a.link_weight != b.link_weight {
        changed.push(format!(
            "--weight: {} -> {}",
            a.link_weight.as_str(),
            b.link_weight.as_str()
        ));
    }
    if a.influence != b.influence {
        changed.push(format!(
            "--influence: {} -> {}",
            a.influence.as_str(),
            b.influence.as_str()
        ));
    }
    changed
}

/// The one line `digest.md` starts with.
fn summary_line(d: &Digest) -> String {
    let in_scope = d.new_citing.iter().filter(|p| p.in_scope).count();
    let parts = [
        format!(
            "{} ({in_scope} in scope)",
            count(d.new_citing.len(), "new citing paper")
        ),
        match d
            .newly_missing
            .iter()
            .filter(|m| m.removed_from_catalog.is_some())
            .count()
        {
            0 => format!("{} newly missing", d.newly_missing.len()),
            removed => format!(
                "{} newly missing ({removed} removed from the list)",
                d.newly_missing.len()
            ),
        },
        count(d.rank_changes.len(), "rank change"),
        count(d.venue_changes.len(), "venue change"),
        count(d.new_lint.len(), "new lint finding"),
        format!("{} newly unresolved", d.newly_unresolved.len()),
        format!(
            "catalogue {} added, {} removed",
            d.catalog_added.len(),
            d.catalog_removed.len()
        ),
    ];
    let mut parts = parts.to_vec();
    if !d.records_moved.is_empty() {
        parts.push(format!(
            "{} to another record ({} merged by Semantic Scholar)",
            crate::text::count_as(d.records_moved.len(), "record moved", "records moved"),
            d.records_moved.iter().filter(|m| m.merged).count()
        ));
    }
    if !d.records_vanished.is_empty() {
        parts.push(format!(
            "{} no longer returned by Semantic Scholar",
            count(d.records_vanished.len(), "record")
        ));
    }
    if let Some(agreement) = &d.community_agreement {
        parts.push(format!(
            "{} (co-assignment agreement {:.3})",
            count(d.cluster_changes.len(), "cluster change"),
            agreement.co_assignment
        ));
    }
    let mut line = format!("Since the previous run: {}.", parts.join(", "));
    if !d.settings_changed.is_empty() {
        let _ = write!(
            line,
            " The runs were analysed differently ({}): rank changes compare different measurements.",
            d.settings_changed.join("; ")
        );
    }
    line
}

/// `digest.json` (complete) and `digest.md` (within `options.max_chars` characters, most
/// important changes first), for [`crate::render::write_outputs`].
pub fn digest_files(digest: &Digest, new: &Run, options: DigestOptions) -> Result<Vec<OutputFile>> {
    let mut json = serde_json::to_vec_pretty(digest).context("cannot serialize the digest")?;
    json.push(b'\n');
    Ok(vec![
        OutputFile::new("digest.json", json),
        OutputFile::new(
            "digest.md",
            markdown::to_markdown(digest, &new.analysis, options.max_chars).into_bytes(),
        ),
    ])
}

/// Keeps the previous run's `metrics.json` and `catalog.json` (those in `stage`, which starts as
/// links to the previous outputs) under `stage/history/<UTC time of its metrics.json>/`, as hard
/// links (copies where links fail), and removes all but the newest [`HISTORY_KEPT`] entries.
/// Call before the new outputs replace them. Returns the entry's directory, or `None` when there
/// is no previous `metrics.json`.
pub fn archive_previous(stage: &Path) -> Result<Option<PathBuf>> {
    let metrics = stage.join("metrics.json");
    let Ok(meta) = std::fs::metadata(&metrics) else {
        return Ok(None);
    };
    let when = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let history = stage.join("history");
    let entry = history.join(crate::clock::utc_stamp(when));
    std::fs::create_dir_all(&entry)
        .with_context(|| format!("cannot create {}", entry.display()))?;
    for name in ["metrics.json", "catalog.json", "digest.json", "digest.md"] {
        let from = stage.join(name);
        if !from.is_file() {
            continue;
        }
        let to = entry.join(name);
        let _ = std::fs::remove_file(&to);
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to)
                .with_context(|| format!("cannot keep {} as {}", from.display(), to.display()))?;
        }
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&history)
        .with_context(|| format!("cannot read {}", history.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    entries.sort();
    let excess = entries.len().saturating_sub(HISTORY_KEPT);
    for old in &entries[..excess] {
        std::fs::remove_dir_all(old)
            .with_context(|| format!("cannot remove the old history entry {}", old.display()))?;
    }
    Ok(Some(entry))
}

#[cfg(test)]
mod tests;
