//! `citegraph datasets ...`: the jobs of the bulk-data path, wired from the API client
//! (`api.rs`) and the shard readers (`shards.rs`), each returning the report the binary prints.

use std::path::PathBuf;

use crate::catalog::CatalogOptions;
use crate::pipeline::Report;

use super::api::{self, Client, DatasetsOptions};

/// A `citegraph datasets` job, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum DatasetsJob {
    /// `datasets releases`: every release id, oldest first.
    Releases,
    /// `datasets download`: the shards of `datasets` of `release` (`latest` allowed); `verify`:
    /// inflate the shards already held too, and download the bad ones again.
    Download {
        release: String,
        datasets: Vec<String>,
        verify: bool,
    },
    /// `datasets update`: `datasets` brought from the held release to the latest with the diffs.
    Update { datasets: Vec<String> },
    /// `datasets neighbourhood`: the catalogue's `hops`-hop neighbourhood in the shards of
    /// `datasets_dir` (else the cache's newest complete release), written to `out` as a snapshot.
    Neighbourhood {
        datasets_dir: Option<PathBuf>,
        hops: u8,
        threads: Option<usize>,
        out: PathBuf,
    },
}

/// Runs `job` with `options` (`catalog`: the catalogue a neighbourhood is taken around).
/// Errors: the API's (no key where one is needed, no network, a refusal), a shard that failed
/// for good, a diff refused (`api::update`), what the neighbourhood filter meets
/// ([`super::shards::neighbourhood`]); each names what to do.
pub fn run(
    job: &DatasetsJob,
    options: &DatasetsOptions,
    catalog: &CatalogOptions,
) -> anyhow::Result<Report> {
    let summary = match job {
        DatasetsJob::Neighbourhood {
            datasets_dir,
            hops,
            threads,
            out,
        } => {
            return neighbourhood(
                options,
                catalog,
                datasets_dir.as_deref(),
                *hops,
                *threads,
                out,
            )
        }
        DatasetsJob::Releases => releases(&Client::new(options)?)?,
        DatasetsJob::Download {
            release,
            datasets,
            verify,
        } => {
            let done = api::download::download(&Client::new(options)?, release, datasets, *verify)?;
            let mut text = String::new();
            for d in &done {
                text.push_str(&format!(
                    "{} {}: {} shards complete in {} ({} downloaded now, {})\n",
                    d.dataset,
                    d.release_id,
                    d.shards,
                    d.dir.display(),
                    d.fetched,
                    human_bytes(d.bytes)
                ));
                for bad in &d.replaced {
                    text.push_str(&format!(
                        "{} {}: held shard {bad}: downloaded again\n",
                        d.dataset, d.release_id
                    ));
                }
            }
            text
        }
        DatasetsJob::Update { datasets } => {
            let done = api::update::update(&Client::new(options)?, datasets)?;
            let mut text = String::new();
            for u in &done {
                if u.steps == 0 {
                    text.push_str(&format!(
                        "{} {}: up to date ({})\n",
                        u.dataset,
                        u.from,
                        u.dir.display()
                    ));
                } else {
                    text.push_str(&format!(
                        "{} {} -> {}: {} diffs applied, {} records written from updates, {} held records replaced or deleted{} ({})\n",
                        u.dataset,
                        u.from,
                        u.to,
                        u.steps,
                        u.upserted,
                        u.dropped,
                        if u.unreadable > 0 {
                            format!(", {} diff lines without a key left out", u.unreadable)
                        } else {
                            String::new()
                        },
                        u.dir.display()
                    ));
                }
            }
            text
        }
    };
    Ok(Report {
        summary,
        ..Report::default()
    })
}

/// `datasets neighbourhood`: reads the shards (no network, no key), writes `out` and its meta
/// file, and says what it found.
fn neighbourhood(
    options: &DatasetsOptions,
    catalog_options: &CatalogOptions,
    datasets_dir: Option<&std::path::Path>,
    hops: u8,
    threads: Option<usize>,
    out: &std::path::Path,
) -> anyhow::Result<Report> {
    use super::shards::{self, HopOptions, ShardSet};
    let root = api::layout::datasets_root(&options.cache_dir);
    let dir = match datasets_dir {
        Some(dir) => dir.to_path_buf(),
        None => {
            let release = api::layout::newest_complete(&root, &["papers", "citations"])?
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "no complete `papers` and `citations` of one release under {}: download                          them (`citegraph datasets download --dataset papers,citations,paper-ids`),                          or read shards you have with --datasets-dir DIR",
                        root.display()
                    )
                })?;
            root.join(release)
        }
    };
    let mut set = ShardSet::from_dir(&dir)?;
    if datasets_dir.is_none() && set.paper_ids.is_empty() {
        // `paper-ids` held at another release than `papers` and `citations` (not updated with
        // them): read it, with the warning below.
        if let Some(other) = api::layout::held_release(&root, super::shards::PAPER_IDS)? {
            set.paper_ids_from(&root.join(other))?;
        }
    }
    let catalog = crate::catalog::load(catalog_options, &options.cache_dir, false)?;
    let hop_options = HopOptions {
        hops,
        threads,
        ..HopOptions::default()
    };
    let stats = shards::neighbourhood(&catalog, &set, &hop_options, out)?;
    let mut summary = set
        .release_warning()
        .map(|warning| format!("warning: {warning}\n"))
        .unwrap_or_default();
    summary.push_str(&format!(
        "{}-hop neighbourhood of {} catalogue papers ({} found, {} not) in the shards of {}{}: {} papers, {} edges\n",
        hops,
        catalog.papers.len(),
        stats.seeds_found,
        stats.unfound.len(),
        dir.display(),
        stats
            .release
            .as_deref()
            .map(|r| format!(" (release {r})"))
            .unwrap_or_default(),
        stats.papers,
        stats.edges,
    ));
    if stats.lines_skipped() > 0 {
        summary.push_str(&format!(
            "{} shard lines could not be read and were skipped (the first are in the log)\n",
            stats.lines_skipped()
        ));
    }
    let gaps = bad_shards_gap(&stats, datasets_dir.is_none());
    for bad in stats.bad_shards() {
        summary.push_str(&format!("bad shard: {bad}\n"));
    }
    summary.push_str(&format!(
        "read it with: citegraph run --snapshot {} --scope all\n",
        out.display()
    ));
    if let Some(gaps) = &gaps {
        summary.push_str(gaps);
        summary.push('\n');
    }
    Ok(Report {
        summary,
        written: vec![out.to_path_buf(), shards::meta_path(out)],
        gaps,
    })
}

/// The gap line of a neighbourhood read from shards that broke off (`None`: every shard was
/// read to its end): how many, and how to repair them. `in_cache`: the shards are the cache's
/// (then `datasets download --verify` replaces them), else the user's `--datasets-dir`.
fn bad_shards_gap(stats: &super::shards::NeighbourhoodStats, in_cache: bool) -> Option<String> {
    let bad = stats.bad_shards();
    if bad.is_empty() {
        return None;
    }
    let mut datasets: Vec<String> = bad
        .iter()
        .filter_map(|b| Some(b.file.parent()?.file_name()?.to_string_lossy().into_owned()))
        .collect();
    datasets.sort();
    datasets.dedup();
    let release = stats.release.as_deref().unwrap_or("RELEASE");
    let repair = format!(
        "`citegraph datasets download --release {release} --dataset {} --verify` checks every \
         shard in the cache and downloads the bad ones again",
        datasets.join(",")
    );
    let repair = if in_cache {
        repair
    } else {
        format!(
            "replace them with whole copies (for shards downloaded into the cache, {repair}), \
             then rerun"
        )
    };
    Some(format!(
        "gaps: {} unreadable past some line (their lines up to it were used; listed in the \
         .meta.json file as bad_shards): the neighbourhood may lack papers and edges a rerun \
         could add; repair: {repair}",
        crate::text::count(bad.len(), "shard")
    ))
}

/// One release id a line, oldest first, then the latest's datasets.
fn releases(client: &Client) -> anyhow::Result<String> {
    let ids = client.releases()?;
    let mut text = String::new();
    for id in &ids {
        text.push_str(id);
        text.push('\n');
    }
    match ids.last() {
        Some(latest) => text.push_str(&format!("{} releases; latest {latest}\n", ids.len())),
        None => text.push_str("no releases\n"),
    }
    Ok(text)
}

/// `1.5 GB`, `320 kB`, `12 B` (powers of 1000, as download tools print them).
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
