//! Records that move, as the watch reports them: catalogue papers whose Semantic Scholar record
//! was merged into another (the digest's `records_moved`), records Semantic Scholar no longer
//! returns (`records_vanished`), and their rows of `unresolved.csv` ([`unresolved_rows`]).
//!
//! A merge is found by comparing the two runs alone (so `diff` finds it as `run` does): a
//! catalogue key whose paper id changed between them. When the new run's work keeps the old id
//! among its records (`s2_ids`), Semantic Scholar merged it ([`crate::s2`] followed the merge);
//! otherwise the entry resolves to another record now (a `--refresh`, a corrected record). A
//! vanished record is known to the run that met it ([`super::Run::with_corpus`]): `run` reports
//! it every week until the API returns it; `diff` of two output folders does not see it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{catalog_papers, Run};
use crate::records::{Corpus, Resolution};

/// A catalogue paper whose record is another since the old run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RecordMoved {
    pub key: String,
    /// The new record's title.
    pub title: String,
    pub old_paper_id: String,
    pub new_paper_id: String,
    /// Semantic Scholar merged the old record into the new one (the new run keeps the old id in
    /// the paper's `s2_ids`); `false`: the entry just resolves to another record now.
    pub merged: bool,
}

/// A catalogue paper whose record Semantic Scholar no longer returns; its last known record is
/// analysed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RecordVanished {
    /// Every catalogue key resolved to it.
    pub keys: Vec<String>,
    pub paper_id: String,
    pub title: String,
    /// The UTC date the API was first found not to return it (`YYYY-MM-DD`).
    pub since: String,
}

/// Catalogue keys whose paper id changed from `old` to `new`, by key.
pub(super) fn records_moved(old: &Run, new: &Run) -> Vec<RecordMoved> {
    let before = catalog_papers(&old.analysis);
    catalog_papers(&new.analysis)
        .into_iter()
        .filter_map(|(key, after)| {
            let before = before.get(key)?;
            (before.paper_id != after.paper_id).then(|| RecordMoved {
                key: key.to_string(),
                title: after.title.clone(),
                old_paper_id: before.paper_id.clone(),
                new_paper_id: after.paper_id.clone(),
                merged: after.s2_ids.contains(&before.paper_id),
            })
        })
        .collect()
}

/// The new run's vanished records, with the keys resolved to each (from its resolutions).
pub(super) fn records_vanished(new: &Run) -> Vec<RecordVanished> {
    new.vanished
        .iter()
        .map(|v| RecordVanished {
            keys: new
                .analysis
                .papers
                .iter()
                .filter(|p| p.in_catalog && p.paper_id == v.paper_id)
                .filter_map(|p| p.key.clone())
                .collect(),
            paper_id: v.paper_id.clone(),
            title: v.title.clone(),
            since: crate::clock::utc_stamp(v.since)[..10].to_string(),
        })
        .collect()
}

/// The rows `unresolved.csv` lists, in catalogue order: the unresolved papers, the papers in the
/// graph with a gap ([`crate::records::Gap`]), and each catalogue paper whose record vanished (`record vanished: ...`: its last known record is
/// analysed) or was merged into another (`record moved: ...`: followed). A row's `paper_id` is
/// left out (`unresolved.csv` has no such column), its reason is the row's `reason` cell.
pub fn unresolved_rows(corpus: &Corpus) -> Vec<Resolution> {
    let mut reasons: BTreeMap<&str, String> = BTreeMap::new();
    for moved in &corpus.moved {
        reasons.insert(
            moved.new_id.as_str(),
            format!(
                "record moved: Semantic Scholar merged the record {} into {} (found {}); the new record is analysed and {} kept in s2_ids",
                moved.old_id,
                moved.new_id,
                &crate::clock::utc_stamp(moved.found_at)[..10],
                moved.old_id
            ),
        );
    }
    for vanished in &corpus.disappeared {
        reasons.insert(
            vanished.paper_id.as_str(),
            format!(
                "record vanished: Semantic Scholar no longer returns the record {} (since {}), and neither its ids nor its title find it again; its last known record is analysed",
                vanished.paper_id,
                &crate::clock::utc_stamp(vanished.since)[..10]
            ),
        );
    }
    corpus
        .resolutions
        .iter()
        .filter_map(|r| {
            match r.paper_id.as_deref().and_then(|id| reasons.get(id)) {
                Some(reason) => Some(Resolution {
                    key: r.key.clone(),
                    paper_id: None,
                    method: r.method,
                    note: Some(reason.clone()),
                    gap: r.gap,
                }),
                // Unresolved, or in the graph with a gap (a list missing).
                None => (r.paper_id.is_none() || !r.gap.is_none()).then(|| r.clone()),
            }
        })
        .collect()
}
