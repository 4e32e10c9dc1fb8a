//! Reading S2AG shards (`papers`, `citations`, `paper-ids`: gzip JSON Lines) and filtering them
//! to the catalogue's k-hop neighbourhood, written as a snapshot every command reads with
//! `--snapshot FILE` (the form of world.jsonl: one Graph API record a line).
//!
//! The steps, each a parallel pass over a dataset's shards (rayon, one shard a task; gzip through
//! flate2's zlib-rs backend, the fastest inflater measured for issue #26):
//! 1. `papers` once: the seeds, the catalogue's papers resolved by the rules a snapshot uses
//!    (`seeds.rs`), plus corpus ids the caller already knows from the Graph API's records;
//! 2. `citations` once per hop: the lines naming a frontier paper (`hops.rs`);
//! 3. `papers` again for the metadata of every paper kept, and `paper-ids` for the paperIds of
//!    papers `papers` lacks (`write.rs`); the snapshot is written atomically.
//!
//! Lines of every form the releases used are read (`lines.rs`); a line of none is reported with
//! file, line and reason and skipped, and a shard that breaks off (cut short, corrupt, not gzip)
//! is reported with the line it got to and the reason, its whole lines kept (`read.rs`).
//!
//! Cost: `papers` is read twice and `citations` once a hop, each pass at the speed of gzip
//! inflation and JSON parsing on every core (bench/datasets_filter.py measures it). Memory grows
//! with the neighbourhood, not with the shards: see `hops.rs` (sets of corpus ids, 24 bytes an
//! edge) and `write.rs` (the kept papers' records).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::catalog::Catalog;

mod hops;
mod lines;
mod read;
mod seeds;
mod write;

pub use hops::HopStats;
pub use read::{BadLine, BadShard, PassCounts};
pub use seeds::Unfound;

/// The dataset names, as the Datasets API names them, and the folders of a [`ShardSet`] layout.
pub const PAPERS: &str = "papers";
pub const CITATIONS: &str = "citations";
pub const PAPER_IDS: &str = "paper-ids";

/// The file beside a shard folder that names its release (one line, e.g. `2026-07-07`).
pub const RELEASE_FILE: &str = "RELEASE";

/// The manifest a download or an update writes in a dataset folder (`api::layout`); its
/// `release_id` is the release of that dataset's shards.
pub const MANIFEST_FILE: &str = ".manifest.json";

/// The shards of one release, by dataset. Paths are read as given; their order is the order
/// lines are taken in when two lines name the same paper or edge (first wins), so
/// [`ShardSet::from_dir`] sorts them by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShardSet {
    pub papers: Vec<PathBuf>,
    pub citations: Vec<PathBuf>,
    pub paper_ids: Vec<PathBuf>,
    /// The release the shards come from, when known; recorded beside the neighbourhood.
    pub release: Option<String>,
    /// The release of each dataset (by name) whose folder's manifest says it: a dataset
    /// downloaded or updated apart from the others may be of another release than `release`.
    pub dataset_releases: BTreeMap<String, String>,
}

impl ShardSet {
    /// The shards under `dir`, laid out by dataset name (the layout downloads use):
    ///
    /// ```text
    /// DIR/RELEASE              the release id (optional; one line)
    /// DIR/papers/*.gz          DIR/citations/*.gz          DIR/paper-ids/*.gz
    /// DIR/DATASET/.manifest.json   (optional) its `release_id`: that dataset's release
    /// ```
    ///
    /// Every regular file of a dataset folder whose name does not start with `.` is a shard
    /// (gzip, or plain JSON Lines); names are opaque. `paper-ids` may be absent (papers that
    /// `papers` lacks are then left out). Errors: `dir` unreadable, or no `papers` or no
    /// `citations` shard in it.
    pub fn from_dir(dir: &Path) -> Result<ShardSet> {
        let mut set = ShardSet {
            papers: list_shards(dir, PAPERS)?,
            citations: list_shards(dir, CITATIONS)?,
            paper_ids: list_shards(dir, PAPER_IDS)?,
            release: release_in(dir),
            dataset_releases: BTreeMap::new(),
        };
        for dataset in [PAPERS, CITATIONS, PAPER_IDS] {
            if let Some(release) = manifest_release(&dir.join(dataset)) {
                set.dataset_releases.insert(dataset.to_string(), release);
            }
        }
        for (dataset, files) in [(PAPERS, &set.papers), (CITATIONS, &set.citations)] {
            if files.is_empty() {
                anyhow::bail!(
                    "no `{dataset}` shards in {} (expected {}/{dataset}/*.gz: download them with \
                     `citegraph datasets`, or lay out shards you have that way)",
                    dir.display(),
                    dir.display()
                );
            }
        }
        Ok(set)
    }

    /// Takes the `paper-ids` shards of `dir` (laid out as [`ShardSet::from_dir`] reads it, e.g.
    /// an older release of the cache), and their release (its manifest's, else `dir/RELEASE`).
    /// Errors: `dir/paper-ids` unreadable.
    pub fn paper_ids_from(&mut self, dir: &Path) -> Result<()> {
        self.paper_ids = list_shards(dir, PAPER_IDS)?;
        match manifest_release(&dir.join(PAPER_IDS)).or_else(|| release_in(dir)) {
            Some(release) => self.dataset_releases.insert(PAPER_IDS.to_string(), release),
            None => self.dataset_releases.remove(PAPER_IDS),
        };
        Ok(())
    }

    /// The release of `dataset`: its manifest's, else the set's.
    pub fn release_of(&self, dataset: &str) -> Option<&str> {
        self.dataset_releases
            .get(dataset)
            .or(self.release.as_ref())
            .map(String::as_str)
    }

    /// A warning when the datasets read are not all of one release (as far as their manifests
    /// and `RELEASE` say; `paper-ids` counts only when it has shards): each dataset and its
    /// release, and what it may cost (a paper added after the older release has no line in
    /// its datasets: its `paper-ids` entry, or its citations, may be missing). `None` when they
    /// agree or are unknown.
    pub fn release_warning(&self) -> Option<String> {
        let mut datasets = vec![PAPERS, CITATIONS];
        if !self.paper_ids.is_empty() {
            datasets.push(PAPER_IDS);
        }
        let releases: Vec<(&str, &str)> = datasets
            .iter()
            .filter_map(|d| Some((*d, self.release_of(d)?)))
            .collect();
        let oldest = releases.iter().map(|(_, r)| *r).min()?;
        let newest = releases.iter().map(|(_, r)| *r).max()?;
        if oldest == newest {
            return None;
        }
        let each: Vec<String> = releases
            .iter()
            .map(|(d, r)| format!("`{d}` of release {r}"))
            .collect();
        Some(format!(
            "the datasets are of different releases ({}): papers added after {oldest} may not \
             map (ids of {newest} missing from the older dataset); bring them to one release \
             (`citegraph datasets update`, or `datasets download --release {newest}` of the older)",
            each.join(", ")
        ))
    }
}

/// The shards of `dir/dataset`: every regular file whose name does not start with `.`, sorted
/// by name; none when the folder does not exist. Errors: the folder cannot be listed.
fn list_shards(dir: &Path, dataset: &str) -> Result<Vec<PathBuf>> {
    let folder = dir.join(dataset);
    if !folder.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&folder)
        .with_context(|| format!("cannot list the shards in {}", folder.display()))?
    {
        let entry = entry.with_context(|| format!("cannot list {}", folder.display()))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && entry.file_type().is_ok_and(|t| t.is_file()) {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// The release id in `dir/RELEASE`, when there is one.
fn release_in(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(RELEASE_FILE))
        .ok()
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
}

/// The `release_id` of the manifest in `folder`, when there is a readable one.
fn manifest_release(folder: &Path) -> Option<String> {
    let text = std::fs::read(folder.join(MANIFEST_FILE)).ok()?;
    let manifest: serde_json::Value = serde_json::from_slice(&text).ok()?;
    Some(manifest.get("release_id")?.as_str()?.to_string())
}

/// How far and how the neighbourhood is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopOptions {
    /// 1: the seeds, the papers they cite and the papers citing them, and every edge touching a
    /// seed. 2: also the papers those cite or are cited by, and every edge touching a paper
    /// within one hop (edges between two papers two hops away are not kept).
    pub hops: u8,
    /// Worker threads (`None`: rayon's default, one a core). The output does not depend on it.
    pub threads: Option<usize>,
    /// Corpus ids the caller knows for catalogue papers (catalogue key to corpus id, e.g. from
    /// the cache's Graph API records): seeds without resolving them against `papers`.
    pub known_corpus_ids: BTreeMap<String, u64>,
}

impl Default for HopOptions {
    fn default() -> Self {
        HopOptions {
            hops: 2,
            threads: None,
            known_corpus_ids: BTreeMap::new(),
        }
    }
}

/// The corpus ids the Graph API's records of `corpus` carry for catalogue papers (catalogue
/// key to `externalIds.CorpusId`, an integer or a string of digits), for
/// [`HopOptions::known_corpus_ids`]: read the cache offline (`crate::s2::fetch`) and pass them, so
/// papers the API resolved need no second resolution against `papers`.
pub fn known_corpus_ids(corpus: &crate::records::Corpus) -> BTreeMap<String, u64> {
    let by_id: std::collections::HashMap<&str, u64> = corpus
        .records
        .iter()
        .filter_map(|record| {
            let value = record.external_ids.get("CorpusId")?;
            let id = value
                .as_u64()
                .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))?;
            Some((record.paper_id.as_str(), id))
        })
        .collect();
    corpus
        .resolutions
        .iter()
        .filter_map(|r| Some((r.key.clone(), *by_id.get(r.paper_id.as_deref()?)?)))
        .collect()
}

/// What [`neighbourhood`] read, found and wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NeighbourhoodStats {
    pub release: Option<String>,
    /// Catalogue papers found (seeds; two papers may share one).
    pub seeds_found: usize,
    /// Distinct seed corpus ids.
    pub seeds: usize,
    /// Catalogue papers not found, and why.
    pub unfound: Vec<Unfound>,
    /// One entry a hop run (fewer than asked when a hop reached nothing new).
    pub hops: Vec<HopStats>,
    /// Records written (papers with a paperId).
    pub papers: usize,
    /// Edges written (distinct citing-cited pairs).
    pub edges: usize,
    /// Papers reached that neither `papers` nor `paper-ids` gives a paperId: left out, with
    /// their edges (`edges_left_out`).
    pub papers_without_id: usize,
    pub edges_left_out: usize,
    /// The `papers` pass that found the seeds, and the one that described the papers kept.
    pub seed_pass: PassCounts,
    pub describe_pass: PassCounts,
    /// The `paper-ids` pass (empty when not needed).
    pub paper_ids_pass: PassCounts,
}

impl NeighbourhoodStats {
    /// Every pass, in order: seeds, the hops, metadata, paper-ids.
    pub fn passes(&self) -> impl Iterator<Item = &PassCounts> {
        std::iter::once(&self.seed_pass)
            .chain(self.hops.iter().map(|h| &h.counts))
            .chain([&self.describe_pass, &self.paper_ids_pass])
    }

    /// Bytes of shard files read, compressed, over every pass (a dataset read twice counts
    /// twice).
    pub fn bytes_read(&self) -> u64 {
        self.passes().map(|p| p.bytes).sum()
    }

    /// Bad lines reported, each once (the first pass over a dataset reports them; later passes
    /// over the same files meet the same lines).
    pub fn bad_lines(&self) -> Vec<&BadLine> {
        let first_hop = self.hops.first().map(|h| &h.counts);
        let passes = [Some(&self.seed_pass), first_hop, Some(&self.paper_ids_pass)];
        passes.into_iter().flatten().flat_map(|p| &p.bad).collect()
    }

    /// Shards that broke off before their end, each once (a dataset read twice meets its bad
    /// shards twice), in the order the passes met them: papers, citations, paper-ids.
    pub fn bad_shards(&self) -> Vec<&BadShard> {
        let mut seen = std::collections::HashSet::new();
        self.passes()
            .flat_map(|p| &p.bad_shards)
            .filter(|bad| seen.insert(&bad.file))
            .collect()
    }

    /// Lines skipped as bad, counted once per line (see [`Self::bad_lines`]).
    pub fn lines_skipped(&self) -> u64 {
        let first_hop = self.hops.first().map_or(0, |h| h.counts.bad_lines);
        self.seed_pass.bad_lines + first_hop + self.paper_ids_pass.bad_lines
    }
}

/// What [`survey`] counted in each dataset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Survey {
    pub papers: PassCounts,
    pub citations: PassCounts,
    pub paper_ids: PassCounts,
    /// `citations` lines that are an edge (both corpus ids given).
    pub edges: u64,
    /// `citations` lines whose `citedcorpusid` is null (never an edge).
    pub null_cited: u64,
    /// `paper-ids` lines marked primary.
    pub primary_ids: u64,
}

/// Reads every line of every shard once, as the neighbourhood reads them, and counts them: a
/// check of shards before a long filter (and of the line formats); shards that break off are in
/// each dataset's [`PassCounts::bad_shards`]. Errors: a shard that cannot be opened.
pub fn survey(shards: &ShardSet) -> Result<Survey> {
    let (_, papers) = read::read_lines(
        &shards.papers,
        || (),
        |_, bytes| {
            let line: lines::PaperLine = read::parse(bytes, PAPERS)?;
            line.corpus_id
                .ok_or_else(|| "a `papers` line without a corpusid; line skipped".to_string())?;
            line.sha().map(|_| ()).ok_or_else(|| {
                "a `papers` line without a paper url (…/paper/<40 hex>); line skipped".to_string()
            })
        },
    )?;
    let (per_file, citations) = read::read_lines(
        &shards.citations,
        || (0u64, 0u64),
        |(edges, nulls), bytes| {
            let line: lines::CitationLine = read::parse(bytes, CITATIONS)?;
            line.citing.ok_or_else(|| {
                "a `citations` line whose citingcorpusid is null; line skipped".to_string()
            })?;
            match line.cited {
                Some(_) => *edges += 1,
                None => *nulls += 1,
            }
            Ok(())
        },
    )?;
    let (primary, paper_ids) = read::read_lines(
        &shards.paper_ids,
        || 0u64,
        |primary, bytes| {
            let line: lines::PaperIdLine = read::parse(bytes, PAPER_IDS)?;
            line.corpus_id
                .ok_or_else(|| "a `paper-ids` line without a corpusid; line skipped".to_string())?;
            *primary += u64::from(line.primary);
            Ok(())
        },
    )?;
    Ok(Survey {
        papers,
        citations,
        paper_ids,
        edges: per_file.iter().map(|p| p.0).sum(),
        null_cited: per_file.iter().map(|p| p.1).sum(),
        primary_ids: primary.iter().sum(),
    })
}

/// The suffix of the file recording where a neighbourhood comes from, beside it.
pub const META_SUFFIX: &str = ".meta.json";

/// The catalogue's `options.hops`-hop neighbourhood in `shards`, written to `out` as a
/// snapshot (one Graph API record a line, sorted by paperId; `run --snapshot out --scope all`
/// reads it), with `out` + [`META_SUFFIX`] beside it: `{"release", "hops", "seeds", "papers",
/// "edges", "bad_shards"}` (written first; the snapshot reader never opens it; `bad_shards`:
/// `[{"file", "lines_read", "reason"}]`, empty when every shard was read to its end). Corpus
/// ids become paperIds by the `papers` line's url, else `paper-ids`. Returns what was read and
/// found; bad lines and bad shards are also logged (the first few lines, every shard). A shard
/// that breaks off does not stop the filter: its whole lines are used, the other shards read,
/// and [`NeighbourhoodStats::bad_shards`] lists it (the caller reports the gap).
///
/// Errors: `hops` not 1 or 2; a shard that cannot be opened; no catalogue paper found in
/// `papers` (nothing is written then); `out` cannot be written.
pub fn neighbourhood(
    catalog: &Catalog,
    shards: &ShardSet,
    options: &HopOptions,
    out: &Path,
) -> Result<NeighbourhoodStats> {
    if !(1..=2).contains(&options.hops) {
        anyhow::bail!("--hops must be 1 or 2, not {}", options.hops);
    }
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = options.threads {
        pool = pool.num_threads(threads.max(1));
    }
    let pool = pool.build().context("cannot start the worker threads")?;
    pool.install(|| run(catalog, shards, options, out))
}

fn run(
    catalog: &Catalog,
    shards: &ShardSet,
    options: &HopOptions,
    out: &Path,
) -> Result<NeighbourhoodStats> {
    if let Some(warning) = shards.release_warning() {
        tracing::warn!("{warning}");
    }
    let found = seeds::find(catalog, &shards.papers, &options.known_corpus_ids)?;
    let mut stats = NeighbourhoodStats {
        release: shards.release.clone(),
        seeds_found: found.found,
        seeds: found.corpus_ids.len(),
        unfound: found.unfound,
        seed_pass: found.counts,
        ..NeighbourhoodStats::default()
    };
    if found.corpus_ids.is_empty() {
        report_bad_lines(&stats);
        let broken = stats.bad_shards().len();
        anyhow::bail!(
            "no catalogue paper was found in the `papers` shards ({} of them{}): are they the \
             `papers` dataset? Nothing was written",
            shards.papers.len(),
            if broken > 0 {
                format!(", {broken} unreadable: see the log")
            } else {
                String::new()
            }
        );
    }
    let reached = hops::expand(&shards.citations, &found.corpus_ids, options.hops)?;
    let mut described = write::describe(&shards.papers, &shards.paper_ids, &reached.papers)?;
    stats.hops = reached.hops.clone();
    stats.describe_pass = std::mem::take(&mut described.papers);
    stats.paper_ids_pass = std::mem::take(&mut described.paper_ids);
    report_bad_lines(&stats);
    let meta_path = meta_path(out);
    let bad_shards: Vec<serde_json::Value> = stats
        .bad_shards()
        .iter()
        .map(|bad| {
            serde_json::json!({
                "file": bad.file.display().to_string(),
                "lines_read": bad.lines_read,
                "reason": bad.reason,
            })
        })
        .collect();
    let meta = serde_json::json!({
        "release": stats.release,
        "hops": options.hops,
        "seeds": stats.seeds,
        "bad_shards": bad_shards,
    });
    let written_meta = |written: &write::Written| {
        let mut meta = meta.clone();
        meta["papers"] = written.papers.into();
        meta["edges"] = written.edges.into();
        meta
    };
    // The counts are known before writing: the meta file goes first, the snapshot last.
    let preview = count_written(&reached, &described);
    crate::fsutil::write_atomic(
        &meta_path,
        format!("{:#}\n", written_meta(&preview)).as_bytes(),
    )
    .with_context(|| format!("cannot write {}", meta_path.display()))?;
    let written = write::write(out, &reached, &mut described)?;
    stats.papers = written.papers;
    stats.edges = written.edges;
    stats.papers_without_id = written.papers_without_id;
    stats.edges_left_out = written.edges_left_out;
    Ok(stats)
}

/// The meta file of the neighbourhood `out`.
pub fn meta_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_os_string();
    name.push(META_SUFFIX);
    PathBuf::from(name)
}

/// What [`write::write`] will write, counted without writing.
fn count_written(reached: &hops::Reached, described: &write::Described) -> write::Written {
    let known = |c: &u64| described.records.contains_key(c);
    let papers = reached.papers.iter().filter(|c| known(c)).count();
    let edges = reached
        .edges
        .iter()
        .filter(|e| known(&e.citing) && known(&e.cited))
        .count();
    write::Written {
        papers,
        edges,
        papers_without_id: reached.papers.len() - papers,
        edges_left_out: reached.edges.len() - edges,
    }
}

/// Logs every bad shard, the first bad lines and how many were skipped in all.
fn report_bad_lines(stats: &NeighbourhoodStats) {
    for bad in stats.bad_shards() {
        tracing::warn!("{bad}");
    }
    for bad in stats.bad_lines().into_iter().take(20) {
        tracing::warn!("{bad}");
    }
    let skipped = stats.lines_skipped();
    if skipped > 0 {
        tracing::warn!(
            "{} skipped in all (not lines of their dataset); every other line was read",
            crate::text::count(skipped as usize, "shard line")
        );
    }
}
