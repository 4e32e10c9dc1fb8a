//! Communities that last from run to run (issue #24): the previous run's communities as
//! Leiden's start, the new communities matched to the old by their shared papers so that a
//! community keeps its number, and how much the two runs agree.
//!
//! - Start ([`initial_labels`]): a paper of the previous run starts in its old community; a
//!   paper new to the graph starts in the old community most of its neighbours (citing or
//!   cited, the undirected citation graph) belong to, ties to the smaller number, and alone
//!   when none of its neighbours was there. Leiden then runs from there
//!   ([`crate::metrics::leiden_from`]), its refinement keeping every community connected; the
//!   start stands unless a trial beats its modularity by Leiden's tolerance.
//! - Matching ([`Comparison::continuations`]): over the papers in both runs, the contingency
//!   table n_ij (papers in old community i and new community j) is read greedily by decreasing
//!   n_ij (ties by the old, then the new number); a cell matches i and j when neither is
//!   matched yet and n_ij is more than half of the smaller of the two (over the shared papers):
//!   one of them is mostly the other. Greedy max-overlap is the usual way to track communities
//!   through time (Greene, Doyle & Cunningham, "Tracking the evolution of communities in
//!   dynamic social networks", ASONAM 2010, match by Jaccard above a threshold). Under the
//!   majority rule two candidates compete for one community only at a merge or a split, where
//!   the larger overlap wins; greedy is a 1/2-approximation of the maximum-overlap (Hungarian)
//!   assignment, and no worse than it on the cells that are a majority of both sides.
//! - Numbers ([`persistent_partition`]): a matched community takes its old number when that
//!   number is below the new count; the other communities take the free numbers, largest
//!   first. Numbers stay 0..count, so every table indexed by community still works; only in the
//!   first run (or without a match) does 0 mean the largest.
//! - Labels ([`keep_labels`]): a matched community whose two most distinctive terms are
//!   unchanged keeps the previous label (its short name would follow PageRank jitter).
//! - Agreement ([`CommunityStability`]): co-assignment agreement (the Jaccard index of the
//!   pairs each run puts together, [`crate::metrics::co_assignment_agreement`]) and the
//!   adjusted Rand index over the catalogue papers in both runs, and co-assignment over every
//!   paper in both.
//!
//! Cost: O(V + E) for the start, O(V) with hash maps for the comparison.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Analysis, Cluster, CommunityStability};
use crate::graph::CitationGraph;
use crate::metrics::{adjusted_rand_index, co_assignment_agreement, Partition};

/// One run's communities, by paper: what the next run starts from and is compared with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Communities {
    /// Semantic Scholar paper id (the graph node's) -> its community number.
    pub of_paper: HashMap<String, u32>,
    /// Paper ids of the catalogue papers.
    pub catalog: HashSet<String>,
    /// Each community's label (`clusters.csv`), by number.
    pub labels: BTreeMap<u32, String>,
    /// Papers in each community, by number (all its papers, not only the shared ones).
    pub sizes: BTreeMap<u32, usize>,
    /// The names of each community's two most distinctive terms (`clusters.csv`'s first two
    /// `terms`), by number.
    pub terms: BTreeMap<u32, Vec<String>>,
}

impl Communities {
    /// The communities a saved analysis holds (`metrics.json`'s papers and clusters); `None`
    /// when it holds no paper.
    pub fn of_analysis(analysis: &Analysis) -> Option<Communities> {
        if analysis.papers.is_empty() {
            return None;
        }
        let mut communities = Communities::default();
        for p in &analysis.papers {
            communities.of_paper.insert(p.paper_id.clone(), p.community);
            *communities.sizes.entry(p.community).or_default() += 1;
            if p.in_catalog {
                communities.catalog.insert(p.paper_id.clone());
            }
        }
        for c in &analysis.clusters {
            communities.labels.insert(c.community, c.label.clone());
            communities.terms.insert(c.community, top_terms(c));
        }
        Some(communities)
    }

    /// The communities of `partition` on `graph`'s nodes (no labels).
    pub fn of_partition(graph: &CitationGraph, partition: &Partition) -> Communities {
        let mut communities = Communities::default();
        for (v, &c) in partition.labels.iter().enumerate() {
            let node = graph.node(v as u32);
            communities.of_paper.insert(node.paper_id.clone(), c);
            *communities.sizes.entry(c).or_default() += 1;
            if node.in_catalog() {
                communities.catalog.insert(node.paper_id.clone());
            }
        }
        communities
    }
}

/// The names of a cluster's first two terms (those its label is made of).
fn top_terms(cluster: &Cluster) -> Vec<String> {
    cluster
        .terms
        .iter()
        .take(2)
        .map(|(t, _)| t.clone())
        .collect()
}

/// Labels that last: a community that continues one of the `previous` run (`continuations`,
/// by this run's numbers) and whose two most distinctive terms are still the same keeps the
/// previous label, unless another community's label already is that. The label's short name
/// (the abbreviation of the community's most influential catalogue paper, `clusters.rs`)
/// follows PageRank, which every new link moves among papers of about the same rank: 6 of
/// the 7 labels that changed when 36 links were added to the test world changed only there
/// (`(A ToMe)` to `(CEPE)` on the same 564 papers). Returns the continued communities whose
/// label is the previous one (kept here or unchanged anyway).
pub fn keep_labels(
    clusters: &mut [Cluster],
    previous: &Communities,
    continuations: &[Continuation],
) -> usize {
    let mut kept = 0;
    for c in continuations {
        let (Some(old_label), Some(old_terms)) =
            (previous.labels.get(&c.old), previous.terms.get(&c.old))
        else {
            continue;
        };
        let Some(index) = clusters.iter().position(|x| x.community == c.new) else {
            continue;
        };
        let cluster = &clusters[index];
        if cluster.label == *old_label {
            kept += 1;
            continue;
        }
        if top_terms(cluster) != *old_terms || old_terms.is_empty() {
            continue;
        }
        if clusters.iter().any(|x| x.label == *old_label) {
            continue;
        }
        clusters[index].label = old_label.clone();
        kept += 1;
    }
    kept
}

/// Leiden's start on `graph` from the `previous` run's communities (see the module
/// documentation): one label per node; new papers alone get numbers above every old one.
pub fn initial_labels(graph: &CitationGraph, previous: &Communities) -> Vec<u32> {
    let n = graph.node_count();
    let old: Vec<Option<u32>> = graph
        .nodes()
        .map(|node| previous.of_paper.get(&node.paper_id).copied())
        .collect();
    let fresh = previous.sizes.keys().next_back().map_or(0, |&c| c + 1);
    let mut votes: BTreeMap<u32, usize> = BTreeMap::new();
    (0..n)
        .map(|v| {
            if let Some(c) = old[v] {
                return c;
            }
            votes.clear();
            let csr = &graph.csr;
            for &u in csr
                .out_neighbors(v as u32)
                .iter()
                .chain(csr.in_neighbors(v as u32))
            {
                if let Some(c) = old[u as usize] {
                    *votes.entry(c).or_default() += 1;
                }
            }
            // The most votes; on ties the first (smallest) number, as max_by_key keeps the last.
            votes
                .iter()
                .rev()
                .max_by_key(|(_, &count)| count)
                .map_or(fresh + v as u32, |(&c, _)| c)
        })
        .collect()
}

/// One community of the old run continued by one of the new run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Continuation {
    pub old: u32,
    pub new: u32,
    /// Papers in both.
    pub shared: usize,
}

/// Two runs' communities over the papers in both.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// (old, new) community of each paper in both runs, in paper id order.
    pub shared: Vec<(u32, u32)>,
    /// The same for the catalogue papers (of the new run) in both runs.
    pub shared_catalog: Vec<(u32, u32)>,
    /// n_ij: papers in old community i and new community j.
    pub cells: BTreeMap<(u32, u32), usize>,
    /// Shared papers per old and per new community.
    pub old_shared: BTreeMap<u32, usize>,
    pub new_shared: BTreeMap<u32, usize>,
}

impl Comparison {
    /// Compares `old` with `new` over the papers both hold.
    pub fn of(old: &Communities, new: &Communities) -> Comparison {
        let mut ids: Vec<(&String, u32)> = new.of_paper.iter().map(|(id, &c)| (id, c)).collect();
        ids.sort_unstable();
        let mut comparison = Comparison::default();
        for (id, c_new) in ids {
            let Some(&c_old) = old.of_paper.get(id) else {
                continue;
            };
            comparison.shared.push((c_old, c_new));
            if new.catalog.contains(id) {
                comparison.shared_catalog.push((c_old, c_new));
            }
            *comparison.cells.entry((c_old, c_new)).or_default() += 1;
            *comparison.old_shared.entry(c_old).or_default() += 1;
            *comparison.new_shared.entry(c_new).or_default() += 1;
        }
        comparison
    }

    /// The matched pairs (see the module documentation), by decreasing shared papers.
    pub fn continuations(&self) -> Vec<Continuation> {
        let mut cells: Vec<(&(u32, u32), &usize)> = self.cells.iter().collect();
        cells.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let (mut old_taken, mut new_taken) = (HashSet::new(), HashSet::new());
        let mut matched = Vec::new();
        for (&(old, new), &shared) in cells {
            if old_taken.contains(&old) || new_taken.contains(&new) {
                continue;
            }
            let smaller = self.old_shared[&old].min(self.new_shared[&new]);
            if 2 * shared > smaller {
                old_taken.insert(old);
                new_taken.insert(new);
                matched.push(Continuation { old, new, shared });
            }
        }
        matched
    }

    /// Agreement of the two runs (see [`CommunityStability`]).
    pub fn agreement(&self) -> (f64, f64, f64) {
        let split =
            |pairs: &[(u32, u32)]| -> (Vec<u32>, Vec<u32>) { pairs.iter().copied().unzip() };
        let (old_catalog, new_catalog) = split(&self.shared_catalog);
        let (old_all, new_all) = split(&self.shared);
        (
            co_assignment_agreement(&old_catalog, &new_catalog),
            adjusted_rand_index(&old_catalog, &new_catalog),
            co_assignment_agreement(&old_all, &new_all),
        )
    }
}

impl CommunityStability {
    /// The numbers of `comparison` with its `continuations`, `previous_communities` in the old
    /// run and `kept_number` continuations that kept their number.
    pub fn of(
        comparison: &Comparison,
        continuations: &[Continuation],
        previous_communities: usize,
        kept_number: usize,
    ) -> CommunityStability {
        let (co_assignment, adjusted_rand, co_assignment_all) = comparison.agreement();
        CommunityStability {
            previous_communities,
            continued: continuations.len(),
            kept_number,
            shared_papers: comparison.shared.len(),
            shared_catalog_papers: comparison.shared_catalog.len(),
            co_assignment,
            adjusted_rand,
            co_assignment_all,
            kept_label: 0,
        }
    }
}

/// `partition` renumbered so that communities continuing one of `previous` keep its number
/// (see the module documentation), with how the two compare and the continuations (by the new
/// numbers).
pub fn persistent_partition(
    graph: &CitationGraph,
    partition: &Partition,
    previous: &Communities,
) -> (Partition, CommunityStability, Vec<Continuation>) {
    let count = partition.count;
    let comparison = Comparison::of(previous, &Communities::of_partition(graph, partition));
    let continuations = comparison.continuations();
    let mut number: Vec<Option<u32>> = vec![None; count];
    let mut used = vec![false; count];
    for c in &continuations {
        if (c.old as usize) < count {
            number[c.new as usize] = Some(c.old);
            used[c.old as usize] = true;
        }
    }
    // The others, largest first (Leiden numbers by decreasing size): the free numbers in order.
    let mut free = (0..count as u32).filter(|&c| !used[c as usize]);
    let number: Vec<u32> = number
        .into_iter()
        .map(|kept| kept.unwrap_or_else(|| free.next().unwrap_or(0)))
        .collect();
    let labels = partition
        .labels
        .iter()
        .map(|&c| number[c as usize])
        .collect();
    let kept = continuations
        .iter()
        .filter(|c| (c.old as usize) < count)
        .count();
    let stability = CommunityStability::of(&comparison, &continuations, previous.sizes.len(), kept);
    let renumbered = Partition {
        labels,
        count,
        modularity: partition.modularity,
    };
    let continuations = continuations
        .into_iter()
        .map(|c| Continuation {
            new: number[c.new as usize],
            ..c
        })
        .collect();
    (renumbered, stability, continuations)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn communities(pairs: &[(&str, u32)]) -> Communities {
        let mut c = Communities::default();
        for &(id, community) in pairs {
            c.of_paper.insert(id.to_string(), community);
            c.catalog.insert(id.to_string());
            *c.sizes.entry(community).or_default() += 1;
        }
        c
    }

    #[test]
    fn continuations_follow_the_majority() {
        // Old 0 = {a..e}, 1 = {f, g, h}, 2 = {i, j}; new 0 = {f, g, h, a} (old 1 grew),
        // 1 = {b, c, d, e} (old 0 lost a), 2 = {i}, 3 = {j}: old 2 split in two halves.
        let old = communities(&[
            ("a", 0),
            ("b", 0),
            ("c", 0),
            ("d", 0),
            ("e", 0),
            ("f", 1),
            ("g", 1),
            ("h", 1),
            ("i", 2),
            ("j", 2),
        ]);
        let new = communities(&[
            ("f", 0),
            ("g", 0),
            ("h", 0),
            ("a", 0),
            ("b", 1),
            ("c", 1),
            ("d", 1),
            ("e", 1),
            ("i", 2),
            ("j", 3),
            ("z", 3),
        ]);
        let comparison = Comparison::of(&old, &new);
        assert_eq!(comparison.shared.len(), 10);
        let matched: Vec<(u32, u32)> = comparison
            .continuations()
            .iter()
            .map(|c| (c.old, c.new))
            .collect();
        // New 2 = {i} is all old 2 (1 of its 1 shared paper): the half with the smaller
        // number continues it; new 3 = {j, z} shares 1 paper with old 2, already taken.
        assert_eq!(matched, vec![(0, 1), (1, 0), (2, 2)]);
        // Without i, old 2 = {j} would go to new 3, whose shared papers are all old 2's.
        let mut lone = old.clone();
        lone.of_paper.remove("i");
        let matched: Vec<(u32, u32)> = Comparison::of(&lone, &new)
            .continuations()
            .iter()
            .map(|c| (c.old, c.new))
            .collect();
        assert_eq!(matched, vec![(0, 1), (1, 0), (2, 3)]);
    }

    fn cluster(community: u32, label: &str, terms: &[&str]) -> Cluster {
        Cluster {
            community,
            label: label.to_string(),
            terms: terms.iter().map(|t| (t.to_string(), 1.0)).collect(),
            ..Cluster::default()
        }
    }

    #[test]
    fn labels_last_while_their_terms_do() {
        let mut previous = Communities::default();
        for (c, label, terms) in [
            (0, "kv cache; eviction (H2O)", vec!["kv cache", "eviction"]),
            (
                1,
                "token merging; vision (ToMe)",
                vec!["token merging", "vision"],
            ),
            (
                2,
                "pruning; sparsity (SparseGPT)",
                vec!["pruning", "sparsity"],
            ),
        ] {
            previous.labels.insert(c, label.to_string());
            previous
                .terms
                .insert(c, terms.iter().map(|t| t.to_string()).collect());
        }
        let mut clusters = vec![
            // Same terms, another short name: keeps its label.
            cluster(
                0,
                "kv cache; eviction (SnapKV)",
                &["kv cache", "eviction", "long"],
            ),
            // Other terms: the new label stands.
            cluster(1, "diffusion; merging (ToMeSD)", &["diffusion", "merging"]),
            // Continues old 2 but old 2's label is taken by another: the new label stands.
            cluster(2, "pruning; sparsity (Wanda)", &["pruning", "sparsity"]),
            cluster(
                3,
                "pruning; sparsity (SparseGPT)",
                &["pruning", "sparsity", "llm"],
            ),
        ];
        let continued = |old, new| Continuation {
            old,
            new,
            shared: 5,
        };
        let kept = keep_labels(
            &mut clusters,
            &previous,
            &[continued(0, 0), continued(1, 1), continued(2, 2)],
        );
        assert_eq!(kept, 1);
        assert_eq!(clusters[0].label, "kv cache; eviction (H2O)");
        assert_eq!(clusters[1].label, "diffusion; merging (ToMeSD)");
        assert_eq!(clusters[2].label, "pruning; sparsity (Wanda)");
    }

    #[test]
    fn agreement_by_hand() {
        let old = communities(&[("a", 0), ("b", 0), ("c", 1), ("d", 1)]);
        let new = communities(&[("a", 5), ("b", 5), ("c", 6), ("d", 7)]);
        let (co, ari, all) = Comparison::of(&old, &new).agreement();
        assert!((co - 0.5).abs() < 1e-12);
        assert!((ari - 4.0 / 7.0).abs() < 1e-12);
        assert!((all - 0.5).abs() < 1e-12);
    }
}
