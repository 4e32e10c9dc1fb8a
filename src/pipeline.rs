//! The stages wired together, in pipeline order, in one place:
//!
//! ```text
//! catalog::load -> s2::fetch (records) -> works::identify -> graph::build_works
//!     -> analysis::analyze -> render
//! ```
//!
//! Every job builds its outputs in memory (or as streamed tables) with the stages' file builders
//! (`render::catalog_file`, `render::analysis_files`, `render::render_files`,
//! `watch::digest_files`, ...), writes them with the one writer, [`render::write_outputs`], into a
//! [`StagedOutput`], and swaps them in at the end, so a run's outputs appear together or not at
//! all, and a failed run (nothing resolved, a render error, a kill) leaves the last good outputs
//! untouched. A job returns what it has to say ([`Report`]);
//! the binary prints it (or not, with `-q`).
//!
//! Exit status (README, "Exit status"): 0 done; 1 failed (nothing written, the previous outputs
//! left as they were); 2 a usage error (clap's); [`EXIT_GAPS`] (3) done with gaps: the outputs
//! were written, but some catalogue papers lack what a rerun could fill ([`crate::records::Gap`]:
//! a request that failed for good, or offline and not cached), as [`Report::gaps`] says.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use crate::analysis::{self, AnalyzeOptions};
use crate::catalog::{self, Catalog, CatalogOptions};
use crate::fsutil::StagedOutput;
use crate::records::{Corpus, Gap, Resolution, Source};
use crate::render::{self, RenderOptions};
use crate::s2::{self, FetchOptions, RecordSource};
use crate::text::count as count_noun;
use crate::watch;

/// Where a run reads and writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Locations {
    /// Fetched records and downloaded catalogues (default `cache`).
    pub cache_dir: PathBuf,
    /// Everything the tool writes (default `output`).
    pub output_dir: PathBuf,
    /// No network at all.
    pub offline: bool,
}

impl Default for Locations {
    fn default() -> Self {
        Locations {
            cache_dir: PathBuf::from("cache"),
            output_dir: PathBuf::from("output"),
            offline: false,
        }
    }
}

/// Every stage's settings, as the command line gives them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub locations: Locations,
    pub catalog: CatalogOptions,
    pub source: RecordSource,
    pub fetch: FetchOptions,
    /// Which sources are asked, and where the secondary ones answer (`--sources`).
    pub sources: crate::secondary::SourceOptions,
    pub analyze: AnalyzeOptions,
    pub render: RenderOptions,
    /// How `run` and `diff` write the digest (`--digest-max-chars`).
    pub digest: watch::DigestOptions,
    /// The leave-one-out evaluation: always for `evaluate`, for `run` with `--evaluate`.
    pub evaluate: Option<EvaluateSettings>,
    /// `--tables csv,parquet` (`analyze`, `run`): the Parquet tables ([`render::PARQUET_FILES`])
    /// are written beside the CSVs; without it, those of an earlier run are removed.
    pub parquet: bool,
}

/// The evaluation's settings (`--holdout`, `--repeats`, `--background`; the seed is the
/// analysis's `--seed`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvaluateSettings {
    pub options: analysis::evaluate::EvaluateOptions,
    /// Known background papers (landmarks): one Semantic Scholar id or title a line.
    pub background: Option<PathBuf>,
}

/// The exit status of a job that wrote its outputs with gaps ([`Report::gaps`]); 0 is done, 1
/// failed, 2 a usage error.
pub const EXIT_GAPS: u8 = 3;

/// What a job has to say: its summary text (catalogue, fetch, analysis), then the files it wrote
/// (final paths, under the output directory).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub summary: String,
    pub written: Vec<PathBuf>,
    /// When the outputs have gaps a rerun could fill: one line saying how many catalogue papers
    /// and of which kind ([`gap_line`]; also at the end of `summary`). The binary prints it on
    /// stderr and exits with [`EXIT_GAPS`].
    pub gaps: Option<String>,
}

impl Report {
    /// The summary, then a `wrote PATH` line per file.
    pub fn text(&self) -> String {
        let mut out = self.summary.clone();
        for path in &self.written {
            out.push_str(&format!("wrote {}\n", path.display()));
        }
        out
    }
}

/// Temp files of runs killed mid-write (the cache is ROOT/s2/NAMESPACE/ab/FILE, the outputs
/// OUTPUT/figures/FILE): never read, only wasted space. An hour old, no run is writing them.
///
/// First, outputs a run killed in the middle of its swap left renamed away are put back (see
/// [`crate::fsutil::recover_outputs`]): a command that fails before staging its own would
/// otherwise leave `OUTPUT` missing.
pub fn remove_stale_temps(locations: &Locations) {
    if let Err(err) = crate::fsutil::recover_outputs(&locations.output_dir) {
        tracing::warn!(
            "cannot repair what an interrupted run left beside {}: {err}",
            locations.output_dir.display()
        );
    }
    for (dir, depth) in [(&locations.cache_dir, 5), (&locations.output_dir, 3)] {
        let removed =
            crate::fsutil::remove_stale_temps(dir, depth, std::time::Duration::from_secs(3600));
        match removed {
            0 => {}
            1 => tracing::info!(
                "removed a temp file left by an interrupted run under {}",
                dir.display()
            ),
            n => tracing::info!(
                "removed {n} temp files left by interrupted runs under {}",
                dir.display()
            ),
        }
    }
}

/// `citegraph catalog`: reads the list, writes `catalog.json` and `lint.csv`.
pub fn catalog_job(settings: &Settings, shown: catalog::SummaryOptions) -> Result<Report> {
    let catalog = load_catalog(settings)?;
    let files = [
        render::catalog_file(&catalog)?,
        render::lint_file(&catalog)?,
    ];
    let stage = begin(&settings.locations)?;
    let written = render::write_outputs(stage.dir(), files)?;
    finish(stage, catalog::summary(&catalog, shown), written)
}

/// `citegraph lint`: the catalogue's findings for a list's CI, printed; nothing is written.
/// Fails with [`render::lint_report::LintFailed`] under `--strict` when anything is found.
///
/// Beside the catalogue's own findings: a `retracted` error for each catalogue paper OpenAlex
/// flags, read from the cache alone ([`crate::secondary::cached_retractions`]; no request, and
/// none without a cache).
pub fn lint_job(settings: &Settings, options: &render::lint_report::LintOptions) -> Result<Report> {
    let mut catalog = load_catalog(settings)?;
    let retracted = crate::secondary::cached_retractions(&catalog, &settings.locations.cache_dir);
    if !retracted.is_empty() {
        catalog.lint = catalog::with_findings(&catalog.lint, retracted);
    }
    Ok(Report {
        summary: render::lint_report::lint_report(&catalog, options)?,
        written: Vec::new(),
        gaps: None,
    })
}

/// `citegraph fetch`: resolves the catalogue and fills the cache; writes `unresolved.csv`.
pub fn fetch_job(settings: &Settings) -> Result<Report> {
    let catalog = load_catalog(settings)?;
    let corpus = fetch_records(&catalog, settings, true)?;
    let unresolved = render::unresolved_file(&catalog, &unresolved_rows(&corpus))?;
    let stage = begin(&settings.locations)?;
    let written = render::write_outputs(stage.dir(), [unresolved])?;
    let report = finish(stage, s2::summary(&catalog, &corpus), written)?;
    Ok(with_gaps(report, &corpus))
}

/// `gaps: N of M catalogue papers have gaps a rerun could fill (K request failed, L citations
/// incomplete, ...); their status is in unresolved.csv`, or `None` when no paper has a gap.
/// Counts each catalogue paper once, by its [`Gap`], kinds in the enum's order.
pub fn gap_line(resolutions: &[Resolution]) -> Option<String> {
    let kinds = [
        Gap::RequestFailed,
        Gap::NotCached,
        Gap::References,
        Gap::Citations,
        Gap::Lists,
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter_map(|kind| {
            let n = resolutions.iter().filter(|r| r.gap == *kind).count();
            (n > 0).then(|| format!("{n} {}", kind.status()))
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    let gaps = resolutions.iter().filter(|r| !r.gap.is_none()).count();
    Some(format!(
        "gaps: {gaps} of {} have gaps a rerun could fill ({}); their status is in unresolved.csv",
        count_noun(resolutions.len(), "catalogue paper"),
        parts.join(", ")
    ))
}

/// `unresolved.csv`'s rows: Semantic Scholar's ([`watch::unresolved_rows`]), then a row per
/// paper a secondary source could not answer ([`crate::secondary::unresolved_rows`]).
fn unresolved_rows(corpus: &Corpus) -> Vec<Resolution> {
    let mut rows = watch::unresolved_rows(corpus);
    rows.extend(crate::secondary::unresolved_rows(&corpus.sources));
    rows
}

/// `report` with the gaps of `corpus` said at the end of its summary: Semantic Scholar's
/// ([`gap_line`] of its resolutions) and the secondary sources' ([`crate::secondary::gap_line`]),
/// `; `-joined.
fn with_gaps(mut report: Report, corpus: &Corpus) -> Report {
    let lines: Vec<String> = [
        gap_line(&corpus.resolutions),
        crate::secondary::gap_line(&corpus.sources),
    ]
    .into_iter()
    .flatten()
    .collect();
    report.gaps = (!lines.is_empty()).then(|| lines.join("; "));
    if let Some(line) = &report.gaps {
        report.summary.push_str(line);
        report.summary.push('\n');
    }
    report
}

/// `citegraph snapshot export FILE [--source SOURCE]`: every cached Semantic Scholar record as
/// JSON Lines (`s2`, the default); or a secondary source's cached answers for the catalogue, one
/// catalogue paper a line ([`crate::secondary::snapshot::export`]).
pub fn snapshot_export_job(settings: &Settings, file: &Path, source: Source) -> Result<Report> {
    let summary = match source {
        Source::S2 => {
            let count = s2::export_snapshot(&settings.locations.cache_dir, file)?;
            format!(
                "wrote {} to {}\n",
                count_noun(count, "record"),
                file.display()
            )
        }
        _ => {
            let catalog = load_catalog(settings)?;
            let env = s2::Environment {
                cache_dir: settings.locations.cache_dir.clone(),
                offline: true,
            };
            let records = s2::fetch(&catalog, &settings.fetch, &RecordSource::Api, &env)?;
            let answers = crate::secondary::cached(
                &catalog,
                &records,
                source,
                &settings.locations.cache_dir,
            )?;
            let count = crate::secondary::snapshot::export(&answers, file)?;
            format!(
                "wrote {}'s answers for {} to {}\n",
                source.as_str(),
                count_noun(count, "catalogue paper"),
                file.display()
            )
        }
    };
    Ok(Report {
        summary,
        written: Vec::new(),
        gaps: None,
    })
}

/// `citegraph snapshot import FILE`: the cache filled from a snapshot, for this catalogue. A
/// secondary source's snapshot (its lines name the source, [`crate::secondary::snapshot::sniff`])
/// is kept as it is, for `--offline` runs and `analyze`.
pub fn snapshot_import_job(settings: &Settings, file: &Path) -> Result<Report> {
    if let Some(source) = crate::secondary::snapshot::sniff(file)? {
        let count =
            crate::secondary::snapshot::import(file, source, &settings.locations.cache_dir)?;
        return Ok(Report {
            summary: format!(
                "imported {}'s answers for {} from {} into {}\n",
                source.as_str(),
                count_noun(count, "catalogue paper"),
                file.display(),
                settings.locations.cache_dir.display()
            ),
            written: Vec::new(),
            gaps: None,
        });
    }
    let catalog = load_catalog(settings)?;
    let imported = s2::import_snapshot(&catalog, file, &settings.locations.cache_dir)?;
    Ok(Report {
        summary: format!(
            "imported {} and {} from {} into {}\n",
            count_noun(imported.records, "record"),
            count_noun(imported.lookups, "lookup"),
            file.display(),
            settings.locations.cache_dir.display()
        ),
        written: Vec::new(),
        gaps: None,
    })
}

/// `citegraph analyze`: the graph and its metrics, from the cache or a snapshot (no request).
/// As `run`, Leiden starts from the communities of the run OUTPUT holds, when it holds one, so
/// that clusters keep their numbers and names step by step as in one go (no digest: that is
/// `run`'s or `diff`'s).
pub fn analyze_job(settings: &Settings) -> Result<Report> {
    let catalog = load_catalog(settings)?;
    let corpus = fetch_records(&catalog, settings, false)?;
    let communities = previous_run(&settings.locations.output_dir)
        .and_then(|run| analysis::stability::Communities::of_analysis(&run.analysis));
    let (analysis, graph, _) = analyze(&catalog, &corpus, settings, communities.as_ref(), false)?;
    let stage = begin(&settings.locations)?;
    drop_stale_evaluation(stage.dir())?;
    let mut files = render::analysis_files(&analysis, &graph);
    files.extend(parquet_tables(settings, stage.dir(), &analysis, &graph)?);
    let written = render::write_outputs(stage.dir(), files)?;
    let report = finish(stage, analysis::summary_text(&analysis), written)?;
    Ok(with_gaps(report, &corpus))
}

/// `citegraph evaluate`: the leave-one-out evaluation, from the cache or a snapshot (no
/// request): writes `evaluation.csv` and `figures/evaluation.*`, and says the summary line.
/// When OUTPUT holds a run (`metrics.json`), the evaluation goes into its `metrics.json` and
/// `report.html` is written again with it (every other figure kept as it is), so the report and
/// `evaluation.csv` never disagree; a `metrics.json` that cannot be read is logged and left alone
/// (the report is then not updated, and the summary says so).
pub fn evaluate_job(settings: &Settings) -> Result<Report> {
    let catalog = load_catalog(settings)?;
    let corpus = fetch_records(&catalog, settings, false)?;
    let graph = build_graph(&catalog, &corpus, settings);
    let default = EvaluateSettings::default();
    let evaluate = settings.evaluate.as_ref().unwrap_or(&default);
    let evaluation = evaluation(&graph, settings, evaluate)?;
    let output_dir = &settings.locations.output_dir;
    let run = if analysis::metrics_json::path(output_dir).is_file() {
        match analysis::metrics_json::read(output_dir) {
            Ok(run) => Some(run),
            Err(err) => {
                tracing::warn!(
                    "the report is not updated with the evaluation: the run in {} cannot be read: {err:#}",
                    output_dir.display()
                );
                None
            }
        }
    } else {
        None
    };
    if let Some(run) = &run {
        same_catalogue(run, &graph, output_dir)?;
    }
    let mut summary = format!("{}\n", evaluation.summary_line());
    let stage = begin(&settings.locations)?;
    let written = match run {
        Some(mut run) => {
            run.evaluation = Some(evaluation);
            let mut files: Vec<render::Output<'_>> =
                render::evaluation_report_files(&run, &settings.render, output_dir)?
                    .into_iter()
                    .map(render::Output::from)
                    .collect();
            files.extend(
                render::evaluation_files(&run)
                    .into_iter()
                    .map(render::Output::from),
            );
            files.push(render::metrics_file(&run).into());
            render::write_outputs(stage.dir(), files)?
        }
        None => {
            let evaluation = analysis::Analysis {
                evaluation: Some(evaluation),
                ..analysis::Analysis::default()
            };
            let figure = render::charts::draw_evaluation(
                evaluation.evaluation.as_ref().expect("just set"),
                &settings.render,
            )
            .context("drawing the evaluation figure")?;
            let mut files: Vec<render::Output<'_>> = figure
                .files()
                .into_iter()
                .map(render::Output::from)
                .collect();
            files.extend(
                render::evaluation_files(&evaluation)
                    .into_iter()
                    .map(render::Output::from),
            );
            summary.push_str("no run in the output directory: the report was not written (`citegraph run --evaluate` writes both)\n");
            render::write_outputs(stage.dir(), files)?
        }
    };
    let report = finish(stage, summary, written)?;
    Ok(with_gaps(report, &corpus))
}

/// Refuses to put an evaluation into a run of another catalogue: `run`'s catalogue papers (in
/// `metrics.json`) must be the graph's. Errors: they differ, with how many on each side.
fn same_catalogue(
    run: &analysis::Analysis,
    graph: &crate::graph::CitationGraph,
    output_dir: &Path,
) -> Result<()> {
    let theirs: std::collections::BTreeSet<&str> = run
        .papers
        .iter()
        .filter(|p| p.in_catalog)
        .map(|p| p.paper_id.as_str())
        .collect();
    let ours: std::collections::BTreeSet<&str> = graph
        .nodes()
        .filter(|n| n.in_catalog())
        .map(|n| n.paper_id.as_str())
        .collect();
    if theirs != ours {
        bail!(
            "{} holds a run of another catalogue ({} catalogue papers, {} of them not in this one's {}): \
             its report would mix two lists. Give --output-dir a directory of its own, or evaluate \
             with the run's catalogue (`citegraph run --evaluate` does both)",
            output_dir.display(),
            theirs.len(),
            theirs.difference(&ours).count(),
            ours.len()
        );
    }
    Ok(())
}

/// The evaluation on `graph` ([`analysis::evaluate::evaluate`]) with the landmarks of
/// `--background FILE` and the `--expand` lists the cache holds (never a request). Errors: the
/// landmark file cannot be read, or the evaluation's own.
fn evaluation(
    graph: &crate::graph::CitationGraph,
    settings: &Settings,
    evaluate: &EvaluateSettings,
) -> Result<analysis::evaluate::Evaluation> {
    let started = std::time::Instant::now();
    let landmarks = match &evaluate.background {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!(
                    "cannot read the landmark list --background {} (one Semantic Scholar id or title a line)",
                    path.display()
                )
            })?;
            let (nodes, unmatched) = analysis::evaluate::landmark_nodes(graph, &text);
            for line in &unmatched {
                if line.in_catalog {
                    tracing::warn!(
                        "{}:{}: {:?} is a catalogue paper, not a landmark (landmarks are papers the list should not add): left out",
                        path.display(),
                        line.line,
                        line.text
                    );
                } else {
                    tracing::warn!(
                        "{}:{}: {:?} names no paper of the graph (give a Semantic Scholar paper id or the exact title): left out of the landmarks",
                        path.display(),
                        line.line,
                        line.text
                    );
                }
            }
            if nodes.is_empty() {
                tracing::warn!(
                    "--background {} names no landmark: the background precision is not measured",
                    path.display()
                );
            }
            nodes
        }
        None => Vec::new(),
    };
    let env = s2::Environment {
        cache_dir: settings.locations.cache_dir.clone(),
        offline: true,
    };
    let options = analysis::evaluate::EvaluateOptions {
        seed: settings.analyze.seed,
        ..evaluate.options
    };
    let expand = settings.analyze.expand;
    let result = analysis::evaluate::evaluate(
        graph,
        &settings.analyze,
        &options,
        &landmarks,
        &mut |requests| Ok(s2::expand(requests, expand, &settings.fetch, &env)?.0),
    )?;
    tracing::info!(
        "evaluation: {} repeats in {:.1?}",
        options.repeats,
        started.elapsed()
    );
    Ok(result)
}

/// `citegraph render`: figures, DOT, GraphML, the report and the tables from `metrics.json`. With
/// `--figures`, the figures not named stay as OUTPUT holds them and the report shows them all.
pub fn render_job(settings: &Settings) -> Result<Report> {
    let output_dir = &settings.locations.output_dir;
    let analysis = analysis::metrics_json::read(output_dir)?;
    let files = render::render_files(&analysis, &settings.render, Some(output_dir))?;
    let stage = begin(&settings.locations)?;
    if analysis.evaluation.is_none() {
        drop_stale_evaluation(stage.dir())?;
    }
    let written = render::write_outputs(stage.dir(), files)?;
    finish(stage, String::new(), written)
}

/// The Parquet tables when `--tables` asks for them ([`render::parquet_files`]); otherwise none,
/// and those of an earlier run are removed from the staged outputs (they described another
/// graph). Errors: a stale table that cannot be removed.
fn parquet_tables<'a>(
    settings: &Settings,
    stage_dir: &Path,
    analysis: &'a analysis::Analysis,
    graph: &'a crate::graph::CitationGraph,
) -> Result<Vec<render::StreamedFile<'a>>> {
    if settings.parquet {
        return Ok(render::parquet_files(analysis, graph));
    }
    drop_stale(
        stage_dir,
        &render::PARQUET_FILES,
        "an earlier run's --tables parquet",
    )?;
    Ok(Vec::new())
}

/// Removes an earlier evaluation's files ([`render::EVALUATION_FILES`]) from the staged outputs
/// of a run that holds none: they described another graph, and the report no longer shows them.
fn drop_stale_evaluation(stage_dir: &Path) -> Result<()> {
    drop_stale(
        stage_dir,
        &render::EVALUATION_FILES,
        "an earlier evaluation",
    )
}

/// Removes `names` from the staged outputs, logging that they came from `origin`; a name not
/// there is fine. Errors: a file that is there and cannot be removed.
fn drop_stale(stage_dir: &Path, names: &[&str], origin: &str) -> Result<()> {
    for name in names {
        let path = stage_dir.join(name);
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::info!("removed {name}: it came from {origin}"),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(err).with_context(|| format!("cannot remove the stale {name}"));
            }
        }
    }
    Ok(())
}

/// `citegraph run`: every stage, every output swapped in together.
///
/// When OUTPUT holds a previous run's `metrics.json`, Leiden starts from its communities (which
/// keep their numbers where they continue, see `analysis/stability.rs`), its `metrics.json` and
/// `catalog.json` are kept under `OUTPUT/history/<time>/` and `digest.json` / `digest.md` say
/// what changed since.
pub fn run_job(settings: &Settings) -> Result<Report> {
    let catalog = load_catalog(settings)?;
    let mut corpus = fetch_records(&catalog, settings, true)?;
    let previous = previous_run(&settings.locations.output_dir);
    let communities = previous
        .as_ref()
        .and_then(|run| analysis::stability::Communities::of_analysis(&run.analysis));
    let (mut analysis, graph, expansion_requests) =
        analyze(&catalog, &corpus, settings, communities.as_ref(), true)?;
    // The summary's request count covers the run: the fetch's and the expansion's.
    corpus.requests += expansion_requests;
    if let Some(evaluate) = &settings.evaluate {
        analysis.evaluation = Some(evaluation(&graph, settings, evaluate)?);
    }
    let stage = begin(&settings.locations)?;
    if previous.is_some() {
        watch::archive_previous(stage.dir())?;
    }
    if analysis.evaluation.is_none() {
        drop_stale_evaluation(stage.dir())?;
    }
    // Three batches through the one writer: the catalogue's files with the tables (streamed from
    // the analysis), then the rendered files (drawn only once the tables are out of memory's
    // way), then the digest, which takes the analysis over.
    let mut files: Vec<render::Output<'_>> = vec![
        render::catalog_file(&catalog)?.into(),
        // The catalogue's findings and those of the resolution (papers listed in two forms).
        render::lint_report::run_lint_file(&catalog, &analysis)?.into(),
        render::unresolved_file(&catalog, &unresolved_rows(&corpus))?.into(),
    ];
    files.extend(
        render::analysis_files(&analysis, &graph)
            .into_iter()
            .chain(parquet_tables(settings, stage.dir(), &analysis, &graph)?)
            .map(render::Output::from),
    );
    let mut written = render::write_outputs(stage.dir(), files)?;
    let rendered = render::render_files(&analysis, &settings.render, None)?;
    written.extend(render::write_outputs(stage.dir(), rendered)?);
    let mut summary = s2::summary(&catalog, &corpus) + &analysis::summary_text(&analysis);
    if let Some(evaluation) = &analysis.evaluation {
        summary.push_str(&evaluation.summary_line());
        summary.push('\n');
    }
    if let Some(previous) = previous {
        let new = watch::Run::new(analysis, Some(catalog)).with_corpus(&corpus);
        let digest = watch::digest(&previous, &new, settings.analyze.min_catalog_links);
        written.extend(render::write_outputs(
            stage.dir(),
            watch::digest_files(&digest, &new, settings.digest)?,
        )?);
        summary.push_str(&digest.summary);
        summary.push('\n');
    }
    let report = finish(stage, summary, written)?;
    Ok(with_gaps(report, &corpus))
}

/// The previous run in OUTPUT, when there is one this version can read (an unreadable one is
/// logged and skipped: the new run must not fail for an old file).
fn previous_run(output_dir: &Path) -> Option<watch::Run> {
    if !analysis::metrics_json::path(output_dir).is_file() {
        return None;
    }
    match watch::Run::read(output_dir) {
        Ok(run) => Some(run),
        Err(err) => {
            tracing::warn!("no digest this time: the previous run cannot be read: {err:#}");
            None
        }
    }
}

/// `citegraph diff OLD NEW`: `digest.json` and `digest.md` into the output directory.
pub fn diff_job(settings: &Settings, old: &Path, new: &Path) -> Result<Report> {
    let old = watch::Run::read(old).context("the old run (OLD)")?;
    let new = watch::Run::read(new).context("the new run (NEW)")?;
    let digest = watch::digest(&old, &new, settings.analyze.min_catalog_links);
    let files = watch::digest_files(&digest, &new, settings.digest)?;
    let stage = begin(&settings.locations)?;
    let written = render::write_outputs(stage.dir(), files)?;
    finish(stage, format!("{}\n", digest.summary), written)
}

/// The catalogue, never reading the command's own output and cache directories as part of it.
fn load_catalog(settings: &Settings) -> Result<Catalog> {
    catalog::load_beside_outputs(
        &settings.catalog,
        &settings.locations.cache_dir,
        &settings.locations.output_dir,
        settings.locations.offline,
    )
}

/// The records: from the snapshot when one is given; else from the cache, and from the API for
/// what it lacks when `network` (and not offline). Errors when no catalogue paper resolved:
/// there is nothing to show, and the last good outputs must stay.
fn fetch_records(catalog: &Catalog, settings: &Settings, network: bool) -> Result<Corpus> {
    let env = s2::Environment {
        cache_dir: settings.locations.cache_dir.clone(),
        offline: settings.locations.offline || !network,
    };
    let mut corpus = s2::fetch(catalog, &settings.fetch, &settings.source, &env)?;
    if !corpus.records.is_empty() {
        match settings.source {
            RecordSource::Api => {
                crate::secondary::fetch(
                    catalog,
                    &mut corpus,
                    &settings.sources,
                    &settings.fetch,
                    &env,
                )?;
            }
            // With Semantic Scholar's snapshot, only the sources given a snapshot of their own
            // (`--source-snapshot`): nothing is asked.
            RecordSource::Snapshot(_) if !settings.sources.snapshots.is_empty() => {
                let mut sources = settings.sources.clone();
                sources.sources = crate::records::SourceSet::of(crate::records::Source::S2);
                for (source, _) in &settings.sources.snapshots {
                    sources.sources.insert(*source);
                }
                crate::secondary::fetch(catalog, &mut corpus, &sources, &settings.fetch, &env)?;
            }
            RecordSource::Snapshot(_) => {}
        }
    }
    if corpus.records.is_empty() {
        let listed = catalog.papers.len();
        let hint = match &settings.source {
            RecordSource::Snapshot(path) => format!(
                "the snapshot {} holds no record of a catalogue paper (is it the snapshot of this catalogue?)",
                path.display()
            ),
            RecordSource::Api if env.offline => format!(
                "the cache directory {} holds no record of them: fetch once with a network (`citegraph fetch`), fill it from a snapshot (`citegraph snapshot import FILE`), or read one directly with --snapshot FILE",
                settings.locations.cache_dir.display()
            ),
            RecordSource::Api => "Semantic Scholar knows none of them: check the list's links and titles (output/unresolved.csv of a `fetch` lists each paper with its reason)".to_string(),
        };
        bail!(
            "none of the {} resolved to a record, so there is nothing to analyse; the previous outputs are left as they were: {hint}",
            count_noun(listed, "catalogue paper")
        );
    }
    Ok(corpus)
}

/// The works, then the graph of works (`--scope`).
fn build_graph(
    catalog: &Catalog,
    corpus: &Corpus,
    settings: &Settings,
) -> crate::graph::CitationGraph {
    let started = std::time::Instant::now();
    let works = crate::works::identify(corpus);
    if works.merged_records() > 0 {
        tracing::info!(
            "works: {} records merged into {} works (same DOI, ArXiv id or title)",
            works.merged_records(),
            works.works().len()
        );
    }
    let graph = crate::graph::build_works(catalog, corpus, &works, settings.analyze.scope);
    tracing::info!(
        "citation graph: {} nodes, {} edges ({} catalogue papers), built in {:.1?}",
        graph.node_count(),
        graph.edge_count(),
        graph.catalog.len(),
        started.elapsed()
    );
    graph
}

/// The works, the graph of works, then the metrics on it (Leiden from the `previous` run's
/// communities when given); the expansion lists of thin-evidence missing papers from the
/// cache, and from the API when `network` (and not offline, and the records do not come from
/// a snapshot). Also returns the requests the expansion made.
fn analyze(
    catalog: &Catalog,
    corpus: &Corpus,
    settings: &Settings,
    previous: Option<&analysis::stability::Communities>,
    network: bool,
) -> Result<(analysis::Analysis, crate::graph::CitationGraph, u64)> {
    let options = &settings.analyze;
    let graph = build_graph(catalog, corpus, settings);
    let env = s2::Environment {
        cache_dir: settings.locations.cache_dir.clone(),
        offline: settings.locations.offline
            || !network
            || matches!(settings.source, RecordSource::Snapshot(_)),
    };
    let mut expansion_requests = 0;
    let analysis = analysis::analyze_with(
        &graph,
        catalog,
        corpus,
        options,
        previous,
        options.expand,
        |requests| {
            let (expansions, stats) = s2::expand(requests, options.expand, &settings.fetch, &env)?;
            expansion_requests = stats.requests;
            if stats.skipped > 0 && env.offline {
                tracing::info!(
                    "expansion: {} of {} lists are not cached (no request: {}); those papers are scoped on the catalogue's links",
                    stats.skipped,
                    requests.len(),
                    if network { "offline or snapshot" } else { "`analyze` makes none; `run` does" }
                );
            }
            Ok(expansions)
        },
    )?;
    Ok((analysis, graph, expansion_requests))
}

fn begin(locations: &Locations) -> Result<StagedOutput> {
    StagedOutput::begin(&locations.output_dir).with_context(|| {
        format!(
            "cannot prepare the outputs beside {}: check that its parent directory is writable",
            locations.output_dir.display()
        )
    })
}

/// Swaps the staged outputs in and reports them by their final paths.
fn finish(stage: StagedOutput, summary: String, written: Vec<PathBuf>) -> Result<Report> {
    let written: Vec<PathBuf> = written.iter().map(|p| stage.final_path(p)).collect();
    stage
        .commit()
        .context("cannot swap the new outputs in (the previous ones are left as they were)")?;
    Ok(Report {
        summary,
        written,
        gaps: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolution(key: &str, resolved: bool, gap: Gap) -> Resolution {
        Resolution {
            key: key.into(),
            paper_id: resolved.then(|| format!("id-{key}")),
            method: None,
            note: None,
            gap,
        }
    }

    #[test]
    fn gaps_are_counted_by_kind_and_unknown_papers_are_not_gaps() {
        let mut all = vec![
            resolution("a", true, Gap::None),
            resolution("b", false, Gap::None),
        ];
        assert_eq!(gap_line(&all), None, "an unknown paper is not a gap");
        all.extend([
            resolution("c", true, Gap::Citations),
            resolution("d", false, Gap::RequestFailed),
            resolution("e", true, Gap::Citations),
        ]);
        assert_eq!(
            gap_line(&all).unwrap(),
            "gaps: 3 of 5 catalogue papers have gaps a rerun could fill (1 request failed, 2 citations incomplete); their status is in unresolved.csv"
        );
        let mut corpus = Corpus {
            resolutions: all.clone(),
            ..Corpus::default()
        };
        let report = with_gaps(Report::default(), &corpus);
        assert!(report.summary.ends_with("unresolved.csv\n"));
        assert_eq!(report.gaps.as_deref(), gap_line(&all).as_deref());

        // A secondary source's unread papers are gaps too (exit status 3), said after
        // Semantic Scholar's.
        let lists = |gap| crate::records::SourceLists {
            key: "c".into(),
            gap,
            ..Default::default()
        };
        corpus.sources.push(crate::records::SourceCorpus {
            source: Some(Source::OpenAlex),
            lists: vec![
                lists(Gap::RequestFailed),
                lists(Gap::None),
                lists(Gap::NotCached),
            ],
            requests: 3,
        });
        let report = with_gaps(Report::default(), &corpus);
        assert_eq!(
            report.gaps.unwrap(),
            format!(
                "{}; source gaps: openalex 2 (1 request failed, 1 not cached) of the catalogue \
                 papers the sources were asked about; a rerun could fill them (unresolved.csv \
                 lists them)",
                gap_line(&all).unwrap()
            )
        );
        corpus.resolutions.clear();
        corpus.sources[0].lists.retain(|l| l.gap.is_none());
        assert_eq!(with_gaps(Report::default(), &corpus).gaps, None);
        // Offline, a source the cache holds nothing of was not used: no gap.
        corpus.sources[0].lists = vec![lists(Gap::NotCached), lists(Gap::NotCached)];
        assert_eq!(with_gaps(Report::default(), &corpus).gaps, None);
    }
}
