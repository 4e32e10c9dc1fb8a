//! The digest's cluster changes (issue #24): which communities of the old run split, merged,
//! were renamed, appeared or dissolved, read off the two runs' `metrics.json` (each paper's
//! `community`, each cluster's `label`) over the papers both runs hold.
//!
//! With n_ij the papers in old community i and new community j (see
//! [`crate::analysis::stability`], which also matches the communities that continue one
//! another):
//! - split: old i is the majority (more than half of the shared papers) of two or more new
//!   communities;
//! - merged: new j holds the majority of two or more old communities;
//! - new: a new community that continues none and is no part of a split;
//! - dissolved: an old community that none continues and is no part of a merge;
//! - renamed: a community continued under another label.
//!
//! Only communities of at least [`MIN_CLUSTER_PAPERS`] papers (and cells of as many shared
//! papers) are reported: a few papers alone in a corner of the graph (a new preprint and the
//! paper it cites) come and go with single links and say nothing about the field's map.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Run;
use crate::analysis::stability::{Communities, Comparison};
use crate::analysis::CommunityStability;

/// The fewest papers a community (or a part of a split or merge) has to be reported.
pub const MIN_CLUSTER_PAPERS: usize = 5;

/// What happened to a community, written in snake case.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ClusterChangeKind {
    /// One old community became two or more new ones.
    #[default]
    Split,
    /// Two or more old communities became one.
    Merged,
    /// A community that continues none of the old run's.
    New,
    /// An old community that none continues.
    Dissolved,
    /// A community continued under another label.
    Renamed,
}

impl ClusterChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterChangeKind::Split => "split",
            ClusterChangeKind::Merged => "merged",
            ClusterChangeKind::New => "new",
            ClusterChangeKind::Dissolved => "dissolved",
            ClusterChangeKind::Renamed => "renamed",
        }
    }
}

/// A community of one run, as a change names it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ClusterRef {
    /// Its number (`papers.csv`'s `community`, `clusters.csv`'s row) in its run.
    pub community: u32,
    /// Its label (`clusters.csv`) in its run.
    pub label: String,
    /// Its papers in its run.
    pub papers: usize,
}

/// One change of `digest.json`'s `cluster_changes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ClusterChange {
    pub change: ClusterChangeKind,
    /// The old run's communities involved (none for `new`).
    pub old: Vec<ClusterRef>,
    /// The new run's communities involved (none for `dissolved`).
    pub new: Vec<ClusterRef>,
    /// Papers in both runs that go from `old` to `new` (for a split, from the old community to
    /// its parts; for a merge, from the parts to the new one).
    pub shared_papers: usize,
}

/// The cluster changes from `old` to `new` (see the module documentation), splits first, then
/// merges, new, dissolved and renamed communities, each by decreasing size; and how the two
/// runs' communities agree. Empty when either run holds no paper.
pub fn cluster_changes(old: &Run, new: &Run) -> (Vec<ClusterChange>, Option<CommunityStability>) {
    let (Some(before), Some(after)) = (
        Communities::of_analysis(&old.analysis),
        Communities::of_analysis(&new.analysis),
    ) else {
        return (Vec::new(), None);
    };
    let comparison = Comparison::of(&before, &after);
    let continuations = comparison.continuations();
    let mut stability = CommunityStability::of(
        &comparison,
        &continuations,
        before.sizes.len(),
        continuations.iter().filter(|c| c.old == c.new).count(),
    );
    stability.kept_label = continuations
        .iter()
        .filter(|c| before.labels.get(&c.old) == after.labels.get(&c.new))
        .count();
    let cluster = |side: &Communities, c: u32| ClusterRef {
        community: c,
        label: side.labels.get(&c).cloned().unwrap_or_default(),
        papers: side.sizes.get(&c).copied().unwrap_or(0),
    };
    let big =
        |side: &Communities, c: u32| side.sizes.get(&c).copied().unwrap_or(0) >= MIN_CLUSTER_PAPERS;
    // Majority cells: old i is most of new j (a part of i's split), new j has most of old i
    // (i merged into j).
    let mut parts: BTreeMap<u32, Vec<(u32, usize)>> = BTreeMap::new();
    let mut merged_into: BTreeMap<u32, Vec<(u32, usize)>> = BTreeMap::new();
    for (&(i, j), &n) in &comparison.cells {
        if n < MIN_CLUSTER_PAPERS {
            continue;
        }
        if 2 * n > comparison.new_shared[&j] {
            parts.entry(i).or_default().push((j, n));
        }
        if 2 * n > comparison.old_shared[&i] {
            merged_into.entry(j).or_default().push((i, n));
        }
    }
    parts.retain(|_, list| list.len() >= 2);
    merged_into.retain(|_, list| list.len() >= 2);
    let mut changes = Vec::new();
    for (&i, list) in &parts {
        changes.push(ClusterChange {
            change: ClusterChangeKind::Split,
            old: vec![cluster(&before, i)],
            new: list.iter().map(|&(j, _)| cluster(&after, j)).collect(),
            shared_papers: list.iter().map(|&(_, n)| n).sum(),
        });
    }
    for (&j, list) in &merged_into {
        changes.push(ClusterChange {
            change: ClusterChangeKind::Merged,
            old: list.iter().map(|&(i, _)| cluster(&before, i)).collect(),
            new: vec![cluster(&after, j)],
            shared_papers: list.iter().map(|&(_, n)| n).sum(),
        });
    }
    let continued_new: Vec<u32> = continuations.iter().map(|c| c.new).collect();
    let continued_old: Vec<u32> = continuations.iter().map(|c| c.old).collect();
    let in_split = |j: u32| parts.values().flatten().any(|&(x, _)| x == j);
    let in_merge = |i: u32| merged_into.values().flatten().any(|&(x, _)| x == i);
    for &j in after.sizes.keys() {
        if big(&after, j) && !continued_new.contains(&j) && !in_split(j) {
            changes.push(ClusterChange {
                change: ClusterChangeKind::New,
                old: Vec::new(),
                new: vec![cluster(&after, j)],
                shared_papers: comparison.new_shared.get(&j).copied().unwrap_or(0),
            });
        }
    }
    for &i in before.sizes.keys() {
        if big(&before, i) && !continued_old.contains(&i) && !in_merge(i) {
            changes.push(ClusterChange {
                change: ClusterChangeKind::Dissolved,
                old: vec![cluster(&before, i)],
                new: Vec::new(),
                shared_papers: comparison.old_shared.get(&i).copied().unwrap_or(0),
            });
        }
    }
    for c in &continuations {
        let (was, now) = (cluster(&before, c.old), cluster(&after, c.new));
        if big(&before, c.old) && big(&after, c.new) && was.label != now.label {
            changes.push(ClusterChange {
                change: ClusterChangeKind::Renamed,
                old: vec![was],
                new: vec![now],
                shared_papers: c.shared,
            });
        }
    }
    let size = |c: &ClusterChange| {
        c.old
            .iter()
            .chain(&c.new)
            .map(|r| r.papers)
            .max()
            .unwrap_or(0)
    };
    changes.sort_by(|a, b| {
        a.change
            .cmp(&b.change)
            .then(size(b).cmp(&size(a)))
            .then_with(|| {
                let first =
                    |c: &ClusterChange| c.old.first().or(c.new.first()).map(|r| r.community);
                first(a).cmp(&first(b))
            })
    });
    (changes, Some(stability))
}

/// A change as `digest.md` lists it: "- split: C2 discrete; token (EvoViT, 751 papers) -> C2
/// ... (400), C9 ... (300)".
pub fn change_line(change: &ClusterChange) -> String {
    let list = |refs: &[ClusterRef]| -> String {
        refs.iter()
            .map(|r| {
                format!(
                    "C{} {} ({})",
                    r.community,
                    crate::render::escape::markdown(&r.label),
                    crate::text::count(r.papers, "paper")
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match change.change {
        ClusterChangeKind::New => format!("- new: {}\n", list(&change.new)),
        ClusterChangeKind::Dissolved => format!("- dissolved: {}\n", list(&change.old)),
        kind => format!(
            "- {}: {} -> {}\n",
            kind.as_str(),
            list(&change.old),
            list(&change.new)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Analysis, Cluster, PaperMetrics};

    /// A run whose papers `p0..` are in the given communities, clusters labelled `labels`.
    fn run(communities: &[u32], labels: &[&str]) -> Run {
        let papers = communities
            .iter()
            .enumerate()
            .map(|(i, &c)| PaperMetrics {
                paper_id: format!("p{i}"),
                in_catalog: true,
                community: c,
                ..PaperMetrics::default()
            })
            .collect();
        let clusters = labels
            .iter()
            .enumerate()
            .map(|(c, label)| Cluster {
                community: c as u32,
                label: label.to_string(),
                ..Cluster::default()
            })
            .collect();
        Run::new(
            Analysis {
                papers,
                clusters,
                ..Analysis::default()
            },
            None,
        )
    }

    fn repeat(parts: &[(u32, usize)]) -> Vec<u32> {
        parts
            .iter()
            .flat_map(|&(c, n)| std::iter::repeat_n(c, n))
            .collect()
    }

    #[test]
    fn splits_merges_renames_new_and_dissolved() {
        // Old: A (20 papers), B (10), C (10), D (6), then 2 papers alone (E).
        // New: A in two halves of 10 (0 and 4), B and C merged (1), D renamed (2) with E's two
        // papers (too few to report), and a community of 6 papers new to the graph (3).
        let old = run(
            &repeat(&[(0, 20), (1, 10), (2, 10), (3, 6), (4, 2)]),
            &["a", "b", "c", "d", "e"],
        );
        let mut later = repeat(&[(0, 10), (4, 10), (1, 20), (2, 6), (2, 2)]);
        later.extend([3; 6]);
        let new = run(&later, &["a1", "bc", "d2", "fresh", "a2"]);
        let (changes, stability) = cluster_changes(&old, &new);
        let kinds: Vec<(ClusterChangeKind, Vec<u32>, Vec<u32>)> = changes
            .iter()
            .map(|c| {
                (
                    c.change,
                    c.old.iter().map(|r| r.community).collect(),
                    c.new.iter().map(|r| r.community).collect(),
                )
            })
            .collect();
        use ClusterChangeKind::*;
        assert_eq!(
            kinds,
            vec![
                (Split, vec![0], vec![0, 4]),
                (Merged, vec![1, 2], vec![1]),
                (New, vec![], vec![3]),
                // A continues in its first half, B in the merge: both renamed.
                (Renamed, vec![0], vec![0]),
                (Renamed, vec![1], vec![1]),
                (Renamed, vec![3], vec![2]),
            ],
            "{changes:#?}"
        );
        assert_eq!(changes[0].shared_papers, 20);
        assert_eq!(changes[2].new[0].papers, 6);
        let stability = stability.unwrap();
        assert_eq!(stability.shared_papers, 48);
        assert_eq!(stability.previous_communities, 5);
        assert!(stability.co_assignment < 1.0 && stability.co_assignment > 0.0);
        assert_eq!(
            change_line(&changes[1]),
            "- merged: C1 b (10 papers), C2 c (10 papers) -> C1 bc (20 papers)\n"
        );
        // The same run twice: nothing changed, full agreement.
        let (none, same) = cluster_changes(&old, &old);
        assert!(none.is_empty(), "{none:?}");
        assert_eq!(same.unwrap().co_assignment, 1.0);
    }
}
