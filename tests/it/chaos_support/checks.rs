//! What must hold after every chaos run: no panic; a completed run's outputs complete and
//! consistent; a failed or killed run's previous outputs byte for byte as they were; the
//! requests within the budget.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{Lab, Ran};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Completed,
    /// Exit 3: the outputs are written, some papers or lists missing (the documented "done with
    /// gaps"; counted as completed).
    WithGaps,
    /// Any other exit status.
    Failed,
    /// Killed (SIGKILL) by the chaos while it ran.
    Killed,
}

impl Outcome {
    pub fn of(killed: bool, code: Option<i32>) -> Outcome {
        match (killed, code) {
            (true, _) => Outcome::Killed,
            (false, Some(0)) => Outcome::Completed,
            (false, Some(3)) => Outcome::WithGaps,
            _ => Outcome::Failed,
        }
    }
}

/// Every file under `dir` (relative path, `/`-separated) with the SHA-256 of its bytes.
pub fn files(dir: &Path) -> BTreeMap<String, [u8; 32]> {
    crate::fetch_support::files_under(dir)
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            let relative = path
                .strip_prefix(dir)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some((relative, Sha256::digest(&bytes).into()))
        })
        .collect()
}

/// The outputs a reader would get: `output/`, or when a run was killed between the two renames
/// of its swap (the old outputs moved aside, the new not yet in), the moved-aside ones, which the
/// next run puts back.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub files: BTreeMap<String, [u8; 32]>,
    /// What killed runs left beside `output/` (their staging and moved-aside directories): a run
    /// that fails before it stages its outputs leaves them for the next one to clear.
    pub beside: Vec<String>,
}

impl PartialEq for Snapshot {
    fn eq(&self, other: &Snapshot) -> bool {
        self.files == other.files
    }
}

impl Snapshot {
    pub fn take(lab: &Lab) -> Snapshot {
        let output = lab.output_dir();
        let dir = if output.exists() {
            Some(output)
        } else {
            beside_output(lab)
                .into_iter()
                .find(|name| name.starts_with(".output.previous-"))
                .map(|name| lab.root().join(name))
        };
        Snapshot {
            files: dir.map(|d| files(&d)).unwrap_or_default(),
            beside: beside_output(lab),
        }
    }

    /// What differs from `other`, briefly: added, removed and changed paths.
    fn difference(&self, other: &Snapshot) -> String {
        let (a, b) = (&self.files, &other.files);
        let added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
        let removed: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        let changed: Vec<&String> = a
            .iter()
            .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
            .map(|(k, _)| k)
            .collect();
        let clip = |v: Vec<&String>| v.into_iter().take(5).cloned().collect::<Vec<_>>();
        format!(
            "added {:?}, removed {:?}, changed {:?}",
            clip(added),
            clip(removed),
            clip(changed)
        )
    }
}

/// Names beside the output directory left by a run's staging (`.output.staging-PID`,
/// `.output.previous-PID`).
fn beside_output(lab: &Lab) -> Vec<String> {
    std::fs::read_dir(lab.root())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output.staging-") || n.starts_with(".output.previous-"))
        .collect()
}

/// The problems of one run, each a sentence; none when all holds.
pub fn check(lab: &Lab, before: &Snapshot, ran: &Ran) -> Vec<String> {
    let mut problems = Vec::new();
    if ran.stderr.contains("panicked") || ran.status == Some(101) {
        problems.push("panicked".to_string());
    }
    if ran.requests > ran.bound {
        problems.push(format!(
            "over budget: {} requests, bound {}",
            ran.requests, ran.bound
        ));
    }
    let after = Snapshot::take(lab);
    match ran.outcome {
        Outcome::Completed | Outcome::WithGaps => {
            problems.extend(complete(lab, Some(&ran.stdout), ran.outcome));
            let left = beside_output(lab);
            if !left.is_empty() {
                problems.push(format!("a completed run left {left:?} beside the outputs"));
            }
            if ran.met_merge {
                problems.extend(adopted(lab));
            }
        }
        Outcome::Failed => {
            if !ran.stderr.lines().any(|l| l.starts_with("error: ")) {
                problems.push("failed without an `error:` line on stderr".to_string());
            }
            if after != *before {
                problems.push(format!(
                    "a failed run changed the previous outputs: {}",
                    before.difference(&after)
                ));
            }
            let left: Vec<String> = beside_output(lab)
                .into_iter()
                .filter(|name| !before.beside.contains(name))
                .collect();
            if !left.is_empty() {
                problems.push(format!("a failed run left {left:?} beside the outputs"));
            }
        }
        Outcome::Killed => {
            // Killed before its swap: the previous outputs; after it: its own, complete.
            if after != *before {
                let incomplete = complete(lab, None, Outcome::Killed);
                if !incomplete.is_empty() {
                    problems.push(format!(
                        "a killed run left outputs neither previous nor complete ({}): {}",
                        before.difference(&after),
                        incomplete.join("; ")
                    ));
                }
            }
        }
    }
    problems
}

/// After an update that met a merged record: papers.csv names the paper by the new id
/// (`lab::MERGED`) with the former one among its `s2_ids` (README, papers.csv).
fn adopted(lab: &Lab) -> Option<String> {
    let (_, old) = lab.merged();
    let rows = match csv_rows(&lab.output_dir().join("papers.csv")) {
        Ok(rows) => rows,
        Err(e) => return Some(e),
    };
    let row = rows
        .iter()
        .find(|r| r.get("paper_id").map(String::as_str) == Some(super::lab::MERGED));
    let s2_ids = row.and_then(|r| r.get("s2_ids")).map(String::as_str);
    let has_old = s2_ids.is_some_and(|ids| ids.split(';').any(|id| id == old));
    (!has_old).then(|| {
        format!(
            "the merged record {old} not adopted: papers.csv's row {} has s2_ids {s2_ids:?}",
            super::lab::MERGED
        )
    })
}

/// The catalogue papers in `dir`'s papers.csv (`in_catalog` rows), by paper id.
pub fn resolved(dir: &Path) -> Result<BTreeSet<String>, String> {
    let rows = csv_rows(&dir.join("papers.csv"))?;
    Ok(rows
        .iter()
        .filter(|r| r.get("in_catalog").map(String::as_str) == Some("true"))
        .filter_map(|r| r.get("paper_id").cloned())
        .collect())
}

/// A CSV file's rows as column -> cell.
fn csv_rows(path: &Path) -> Result<Vec<BTreeMap<String, String>>, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(headers
                .iter()
                .zip(record.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect())
        })
        .collect()
}

/// The problems of an output directory that should hold a whole run: every file of the clean
/// run present (and every file the run says it wrote), no temp file, and papers.csv,
/// edges.csv, unresolved.csv, metrics.json and the printed summary telling the same counts.
/// A run that exited 0 resolved every paper the clean run did.
fn complete(lab: &Lab, stdout: Option<&str>, outcome: Outcome) -> Vec<String> {
    let out = lab.output_dir();
    let mut problems = Vec::new();
    let present = files(&out);
    let missing: Vec<&String> = lab
        .baseline()
        .files
        .iter()
        .filter(|f| !f.starts_with("history/") && !f.starts_with("digest."))
        .filter(|f| !present.contains_key(*f))
        .collect();
    if !missing.is_empty() {
        problems.push(format!("files missing: {missing:?}"));
    }
    let temps: Vec<&String> = present
        .keys()
        .filter(|f| f.rsplit('/').next().is_some_and(|n| n.starts_with(".tmp-")))
        .collect();
    if !temps.is_empty() {
        problems.push(format!("temp files left: {temps:?}"));
    }
    for line in stdout.into_iter().flat_map(str::lines) {
        if let Some(path) = line.strip_prefix("wrote ") {
            if !Path::new(path).is_file() {
                problems.push(format!("said `{line}`, but it is not there"));
            }
        }
    }
    match counts_agree(&out, stdout) {
        Ok(ids) => {
            // A merged record counts as the paper it was (lab::MERGED).
            let ids: BTreeSet<String> = ids.iter().map(|id| lab.original(id).to_string()).collect();
            let want = &lab.baseline().resolved;
            let lost: Vec<&String> = want.difference(&ids).collect();
            if outcome == Outcome::Completed && !lost.is_empty() {
                problems.push(format!(
                    "exit 0 without the catalogue papers {lost:?} (the clean run has them)"
                ));
            }
            let strange: Vec<&String> = ids.difference(want).collect();
            if !strange.is_empty() {
                problems.push(format!("catalogue papers the clean run lacks: {strange:?}"));
            }
        }
        Err(problem) => problems.push(problem),
    }
    problems
}

/// Checks that the tables, metrics.json and the summary agree; returns the resolved catalogue
/// papers.
fn counts_agree(out: &Path, stdout: Option<&str>) -> Result<BTreeSet<String>, String> {
    let analysis = citegraph::analysis::metrics_json::read(out).map_err(|e| format!("{e:#}"))?;
    let summary = &analysis.summary;
    let papers = csv_rows(&out.join("papers.csv"))?;
    let ids: BTreeSet<&str> = papers
        .iter()
        .filter_map(|r| r.get("paper_id").map(String::as_str))
        .collect();
    let metric_ids: BTreeSet<&str> = analysis
        .papers
        .iter()
        .map(|p| p.paper_id.as_str())
        .collect();
    if ids != metric_ids || papers.len() != analysis.papers.len() {
        return Err(format!(
            "papers.csv ({} rows) and metrics.json ({} papers) disagree: {:?}",
            papers.len(),
            analysis.papers.len(),
            ids.symmetric_difference(&metric_ids)
                .take(5)
                .collect::<Vec<_>>()
        ));
    }
    let edges = csv_rows(&out.join("edges.csv"))?;
    let dangling = edges.iter().find(|e| {
        ["source", "target"]
            .iter()
            .any(|end| e.get(*end).is_none_or(|id| !ids.contains(id.as_str())))
    });
    // unresolved.csv also lists papers in the graph: with a list missing (`references
    // incomplete`, ...) or whose record moved or vanished (README, `status`); the papers without
    // a record are those whose status says so.
    let unresolved: Vec<_> = csv_rows(&out.join("unresolved.csv"))?
        .into_iter()
        .filter(|r| {
            r.get("status").is_some_and(|s| {
                matches!(s.as_str(), "unresolved" | "request failed" | "not cached")
            })
        })
        .collect();
    let resolved = resolved(out)?;
    let want = (
        summary.nodes,
        summary.edges,
        summary.resolved,
        summary.unresolved,
    );
    let got = (papers.len(), edges.len(), resolved.len(), unresolved.len());
    if got != want || dangling.is_some() {
        return Err(format!(
            "nodes, edges, resolved, unresolved: tables {got:?}, metrics.json {want:?}; edge to no paper: {dangling:?}"
        ));
    }
    if let Some(stdout) = stdout {
        let graph = format!(
            "{} node{}, {} edge{}",
            summary.nodes,
            if summary.nodes == 1 { "" } else { "s" },
            summary.edges,
            if summary.edges == 1 { "" } else { "s" }
        );
        let catalogue = format!(
            "{} resolved (in the graph and every table below), {} unresolved",
            summary.resolved, summary.unresolved
        );
        for said in [graph, catalogue] {
            if !stdout.contains(&said) {
                return Err(format!("the printed summary does not say `{said}`"));
            }
        }
    }
    Ok(resolved)
}
