//! Building the [`CitationGraph`] from the records.
//!
//! One pass over the records interns every paper id they name (the record's own, and every
//! non-null id of its `references` and `citations`) and collects the edges: record -> reference,
//! citer -> record. The scope filter keeps the edges wanted, the kept ids are sorted (the node
//! numbering), the edges are sorted and merged (a link seen from both ends is one edge, its
//! `isInfluential` flags and intents OR-ed), and both the petgraph graph and the CSR are filled
//! from the same sorted list. O((n + m) log m) time, O(n + m) memory.
//!
//! Self-citations (a record listing itself) are dropped: they say nothing about influence and
//! networkx's `core_number` refuses graphs with self-loops.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::{CatalogInfo, Citation, CitationGraph, Csr, Intents, PaperGraph, PaperNode, Scope};
use crate::catalog::{Catalog, CatalogPaper};
use crate::s2::{Corpus, Link, PaperRecord};

const NONE: u32 = u32::MAX;

/// Where a node's data comes from: its own record, else the first link naming it.
#[derive(Clone, Copy)]
enum Source {
    Nothing,
    Record(u32),
    Link {
        record: u32,
        index: u32,
        reference: bool,
    },
}

/// Builds the graph of `corpus` for `scope`; catalogue papers are those of `corpus.resolutions`
/// with a paper id, described by the `catalog` entry of the same key.
pub fn build(catalog: &Catalog, corpus: &Corpus, scope: Scope) -> CitationGraph {
    let started = std::time::Instant::now();
    let catalog_entries = catalog_entries(catalog, corpus);

    // In catalogue scope, a link between two papers outside the catalogue is skipped before its
    // ids are even interned: on a large snapshot most links are of that kind.
    let catalog_ids: HashSet<&str, FxBuild> =
        catalog_entries.iter().map(|(id, _)| id.as_str()).collect();
    let wanted = |me_in_catalog: bool, other: &str| {
        scope == Scope::All || me_in_catalog || catalog_ids.contains(other)
    };
    let link_count: usize = corpus
        .records
        .iter()
        .map(|r| {
            r.references.as_ref().map_or(0, Vec::len) + r.citations.as_ref().map_or(0, Vec::len)
        })
        .sum();

    let mut ids = Interner::with_capacity(match scope {
        Scope::All => corpus.records.len() + link_count / 4,
        Scope::Catalog => catalog_ids.len() * 64,
    });
    for (id, _) in &catalog_entries {
        ids.intern(id);
    }
    let mut sources: Vec<Source> = Vec::new();
    let mut edges: Vec<(u32, u32, Citation)> = Vec::with_capacity(match scope {
        Scope::All => link_count,
        Scope::Catalog => 0,
    });
    for (r, record) in corpus.records.iter().enumerate() {
        let Some(me_id) = non_empty(&record.paper_id) else {
            continue;
        };
        let me_in_catalog = catalog_ids.contains(me_id);
        let mut me = None;
        if scope == Scope::All || me_in_catalog {
            me = Some(ids.intern(me_id));
        }
        for (reference, links) in [(true, &record.references), (false, &record.citations)] {
            for (l, link) in links.iter().flatten().enumerate() {
                let Some(other_id) = link.paper_id.as_deref().and_then(non_empty) else {
                    continue;
                };
                if !wanted(me_in_catalog, other_id) {
                    continue;
                }
                let me = *me.get_or_insert_with(|| ids.intern(me_id));
                let other = ids.intern(other_id);
                if sources.len() < ids.len() {
                    sources.resize(ids.len(), Source::Nothing);
                }
                if matches!(sources[other as usize], Source::Nothing) {
                    sources[other as usize] = Source::Link {
                        record: r as u32,
                        index: l as u32,
                        reference,
                    };
                }
                let citation = Citation {
                    is_influential: link.is_influential,
                    intents: Intents::from_names(&link.intents),
                };
                let (citing, cited) = if reference { (me, other) } else { (other, me) };
                if citing != cited {
                    edges.push((citing, cited, citation));
                }
            }
        }
    }
    sources.resize(ids.len(), Source::Nothing);
    // A paper's own record describes it better than a link to it; the first record wins.
    for (r, record) in corpus.records.iter().enumerate() {
        if let Some(me) = non_empty(&record.paper_id).and_then(|id| ids.lookup(id)) {
            if !matches!(sources[me as usize], Source::Record(_)) {
                sources[me as usize] = Source::Record(r as u32);
            }
        }
    }
    tracing::debug!(
        "graph: {} ids and {} links read in {:.1?}",
        ids.len(),
        edges.len(),
        started.elapsed()
    );

    // Node numbering: every interned id (a catalogue paper or an end of a wanted edge), in id
    // order.
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| ids.get(a).cmp(ids.get(b)));
    let mut final_index = vec![NONE; ids.len()];
    for (new, &old) in order.iter().enumerate() {
        final_index[old as usize] = new as u32;
    }

    for edge in edges.iter_mut() {
        edge.0 = final_index[edge.0 as usize];
        edge.1 = final_index[edge.1 as usize];
    }
    edges.par_sort_unstable_by_key(|&(s, t, _)| ((s as u64) << 32) | t as u64);
    merge_duplicates(&mut edges);
    tracing::debug!("graph: edges sorted at {:.1?}", started.elapsed());

    let catalog_by_id: HashMap<&str, usize> = catalog_entries
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let mut infos = Vec::with_capacity(catalog_entries.len());
    let mut graph = PaperGraph::with_capacity(order.len(), edges.len());
    for &old in &order {
        let id = ids.get(old);
        let mut node = node_data(id, sources[old as usize], &corpus.records);
        if let Some(&c) = catalog_by_id.get(id) {
            let info = catalog_entries[c].1.clone();
            if node.title.is_empty() {
                node.title = info.title.clone();
            }
            if node.year.is_none() {
                node.year = info.year;
            }
            node.catalog = Some(infos.len() as u32);
            infos.push(info);
        }
        graph.add_node(node);
    }
    for &(s, t, citation) in &edges {
        graph.add_edge(s.into(), t.into(), citation);
    }
    tracing::debug!("graph: petgraph filled at {:.1?}", started.elapsed());
    let pairs: Vec<(u32, u32)> = edges.iter().map(|&(s, t, _)| (s, t)).collect();
    let csr = Csr::from_sorted_unique(order.len(), &pairs);
    CitationGraph {
        scope,
        graph,
        catalog: infos,
        csr,
    }
}

fn non_empty(id: &str) -> Option<&str> {
    let id = id.trim();
    (!id.is_empty()).then_some(id)
}

/// Sorted edges with equal ends merged into one, in place.
fn merge_duplicates(edges: &mut Vec<(u32, u32, Citation)>) {
    edges.dedup_by(|later, kept| {
        let same = later.0 == kept.0 && later.1 == kept.1;
        if same {
            kept.2.is_influential |= later.2.is_influential;
            kept.2.intents.0 |= later.2.intents.0;
        }
        same
    });
}

fn node_data(id: &str, source: Source, records: &[PaperRecord]) -> PaperNode {
    let mut node = PaperNode {
        paper_id: id.to_string(),
        ..PaperNode::default()
    };
    match source {
        Source::Nothing => {}
        Source::Record(r) => {
            let record = &records[r as usize];
            node.external_ids = external_ids(&record.external_ids);
            node.title = record.title.clone().unwrap_or_default();
            node.year = record.year;
            node.venue = record.venue.clone().filter(|v| !v.trim().is_empty());
            node.authors = record
                .authors
                .iter()
                .filter_map(|a| a.name.clone())
                .collect();
            node.citation_count = record.citation_count;
            node.reference_count = record.reference_count;
        }
        Source::Link {
            record,
            index,
            reference,
        } => {
            let record = &records[record as usize];
            let list = if reference {
                &record.references
            } else {
                &record.citations
            };
            let link: Option<&Link> = list.as_ref().and_then(|l| l.get(index as usize));
            if let Some(link) = link {
                node.external_ids = external_ids(&link.external_ids);
                node.title = link.title.clone().unwrap_or_default();
                node.year = link.year;
                node.citation_count = link.citation_count;
            }
        }
    }
    node
}

fn external_ids(ids: &BTreeMap<String, serde_json::Value>) -> Vec<(String, String)> {
    ids.iter()
        .filter_map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) if !s.is_empty() => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((k.clone(), v))
        })
        .collect()
}

/// (paper id, catalogue data) per distinct resolved paper, in catalogue order. Several catalogue
/// keys resolving to one paper are merged: the first key names it, mechanisms and domains are
/// united.
fn catalog_entries(catalog: &Catalog, corpus: &Corpus) -> Vec<(String, CatalogInfo)> {
    let by_key: HashMap<&str, &CatalogPaper> =
        catalog.papers.iter().map(|p| (p.key.as_str(), p)).collect();
    let frequency = mechanism_frequency(catalog);
    let mut entries: Vec<(String, CatalogInfo)> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    for resolution in &corpus.resolutions {
        let Some(id) = resolution.paper_id.as_deref().and_then(non_empty) else {
            continue;
        };
        let paper = by_key.get(resolution.key.as_str()).copied();
        let slot = *position.entry(id.to_string()).or_insert_with(|| {
            entries.push((
                id.to_string(),
                CatalogInfo {
                    key: resolution.key.clone(),
                    ..CatalogInfo::default()
                },
            ));
            entries.len() - 1
        });
        let info = &mut entries[slot].1;
        if !info.keys.contains(&resolution.key) {
            info.keys.push(resolution.key.clone());
        }
        if let Some(paper) = paper {
            if info.title.is_empty() {
                info.title = paper.title.clone();
                info.year = paper.year;
            }
            if info.abbreviation.is_none() {
                info.abbreviation = paper.badges.abbreviation.first().cloned();
            }
            info.mechanisms.extend(paper.mechanisms.iter().cloned());
            info.domains.extend(paper.domains.iter().cloned());
            if info.primary_mechanism.is_empty() {
                info.primary_mechanism = primary_mechanism(paper, &frequency);
            }
        }
    }
    for (_, info) in entries.iter_mut() {
        info.mechanisms.sort();
        info.mechanisms.dedup();
        if info.mechanisms.len() > 1 {
            info.mechanisms.retain(|m| m != UNSPECIFIED);
        }
        if info.mechanisms.is_empty() {
            info.mechanisms.push(UNSPECIFIED.to_string());
        }
        info.domains.sort();
        info.domains.dedup();
        if !info.mechanisms.contains(&info.primary_mechanism) {
            info.primary_mechanism = most_frequent(&info.mechanisms, &frequency);
        }
    }
    entries
}

/// The label of papers without a mechanism badge.
pub const UNSPECIFIED: &str = "unspecified";

fn mechanism_frequency(catalog: &Catalog) -> HashMap<&str, usize> {
    let mut frequency = HashMap::new();
    for paper in &catalog.papers {
        for m in &paper.mechanisms {
            *frequency.entry(m.as_str()).or_insert(0) += 1;
        }
    }
    frequency
}

/// Lower-case alphanumeric words joined by one space: `Token_Pruning` and `token pruning` meet.
fn normalize_label(label: &str) -> String {
    label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

fn primary_mechanism(paper: &CatalogPaper, frequency: &HashMap<&str, usize>) -> String {
    for written in &paper.badges.mechanism {
        let written = normalize_label(written);
        if let Some(m) = paper
            .mechanisms
            .iter()
            .find(|m| normalize_label(m) == written)
        {
            return m.clone();
        }
    }
    most_frequent(&paper.mechanisms, frequency)
}

/// The mechanism shared by most catalogue papers; ties go to the first name in sort order.
fn most_frequent(mechanisms: &[String], frequency: &HashMap<&str, usize>) -> String {
    let mut best: Option<(&String, usize)> = None;
    for m in mechanisms {
        let f = frequency.get(m.as_str()).copied().unwrap_or(0);
        let better = match best {
            None => true,
            Some((bm, bf)) => f > bf || (f == bf && m < bm),
        };
        if better {
            best = Some((m, f));
        }
    }
    best.map(|(m, _)| m.clone())
        .unwrap_or_else(|| UNSPECIFIED.to_string())
}

/// Paper ids are short ASCII strings: FxHash (rustc's hasher) hashes them several times faster
/// than SipHash, and hash flooding is not a concern for our own input files.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FxBuild = BuildHasherDefault<FxHasher>;

/// Ids borrowed from the records, numbered in first-seen order.
struct Interner<'a> {
    index: HashMap<&'a str, u32, FxBuild>,
    ids: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn with_capacity(capacity: usize) -> Self {
        Interner {
            index: HashMap::with_capacity_and_hasher(capacity, FxBuild::default()),
            ids: Vec::with_capacity(capacity),
        }
    }

    fn lookup(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    fn intern(&mut self, id: &'a str) -> u32 {
        let next = self.ids.len() as u32;
        let index = *self.index.entry(id).or_insert(next);
        if index == next {
            self.ids.push(id);
        }
        index
    }

    fn get(&self, index: u32) -> &'a str {
        self.ids[index as usize]
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s2::Resolution;

    fn link(id: Option<&str>, influential: bool, intents: &[&str]) -> Link {
        Link {
            paper_id: id.map(str::to_string),
            is_influential: influential,
            intents: intents.iter().map(|s| s.to_string()).collect(),
            ..Link::default()
        }
    }

    fn record(id: &str, refs: Vec<Link>, cites: Vec<Link>) -> PaperRecord {
        PaperRecord {
            paper_id: id.to_string(),
            title: Some(format!("Title {id}")),
            references: Some(refs),
            citations: Some(cites),
            ..PaperRecord::default()
        }
    }

    fn catalog_of(keys: &[(&str, &[&str])]) -> Catalog {
        Catalog {
            papers: keys
                .iter()
                .map(|(k, mechs)| CatalogPaper {
                    key: k.to_string(),
                    title: format!("Catalogue {k}"),
                    mechanisms: mechs.iter().map(|s| s.to_string()).collect(),
                    ..CatalogPaper::default()
                })
                .collect(),
            ..Catalog::default()
        }
    }

    fn resolution(key: &str, id: Option<&str>) -> Resolution {
        Resolution {
            key: key.to_string(),
            paper_id: id.map(str::to_string),
            method: None,
            note: None,
        }
    }

    /// c1 (catalogue) cites x and y; y cites c1 (seen from both ends, once influential);
    /// z cites x (outside the catalogue); a null reference and a self-citation are ignored.
    fn corpus() -> Corpus {
        Corpus {
            resolutions: vec![
                resolution("k1", Some("c1")),
                resolution("k2", None),
                resolution("k3", Some("c1")),
            ],
            records: vec![
                record(
                    "c1",
                    vec![
                        link(Some("x"), false, &["background"]),
                        link(Some("y"), false, &[]),
                        link(None, false, &[]),
                        link(Some("c1"), false, &[]),
                    ],
                    vec![link(Some("y"), true, &["methodology"])],
                ),
                record("y", vec![link(Some("c1"), false, &["result"])], vec![]),
                record("z", vec![link(Some("x"), false, &[])], vec![]),
            ],
            requests: 0,
        }
    }

    #[test]
    fn catalog_scope_keeps_edges_touching_the_catalogue() {
        let catalog = catalog_of(&[("k1", &["pruning"]), ("k3", &["merging"])]);
        let g = build(&catalog, &corpus(), Scope::Catalog);
        let ids: Vec<&str> = g.nodes().map(|n| n.paper_id.as_str()).collect();
        assert_eq!(ids, vec!["c1", "x", "y"]);
        let edges: Vec<_> = g.edges().collect();
        assert_eq!(edges.len(), 3);
        let c1 = g.index_of("c1").unwrap();
        let y = g.index_of("y").unwrap();
        let (_, _, yc) = edges
            .iter()
            .find(|(s, t, _)| *s == y && *t == c1)
            .copied()
            .unwrap();
        assert!(yc.is_influential);
        assert_eq!(yc.intents.names(), vec!["methodology", "result"]);
        let info = g.catalog_info(c1).unwrap();
        assert_eq!(info.keys, vec!["k1", "k3"]);
        assert_eq!(info.mechanisms, vec!["merging", "pruning"]);
        assert_eq!(g.catalog.len(), 1);
        assert_eq!(g.csr.edge_count(), 3);
        assert_eq!(g.csr.in_neighbors(c1), &[y]);
    }

    #[test]
    fn all_scope_keeps_every_edge() {
        let catalog = catalog_of(&[("k1", &[])]);
        let g = build(&catalog, &corpus(), Scope::All);
        let ids: Vec<&str> = g.nodes().map(|n| n.paper_id.as_str()).collect();
        assert_eq!(ids, vec!["c1", "x", "y", "z"]);
        assert_eq!(g.edge_count(), 4);
        let info = g.catalog_info(g.index_of("c1").unwrap()).unwrap();
        assert_eq!(info.mechanisms, vec![UNSPECIFIED]);
        assert_eq!(g.node(g.index_of("z").unwrap()).title, "Title z");
    }

    #[test]
    fn record_order_does_not_change_the_graph() {
        let catalog = catalog_of(&[("k1", &["pruning"])]);
        let mut reversed = corpus();
        reversed.records.reverse();
        let a = build(&catalog, &corpus(), Scope::All);
        let b = build(&catalog, &reversed, Scope::All);
        assert_eq!(a.edges().collect::<Vec<_>>(), b.edges().collect::<Vec<_>>());
        assert_eq!(a.csr, b.csr);
    }

    #[test]
    fn empty_corpus() {
        let g = build(&Catalog::default(), &Corpus::default(), Scope::Catalog);
        assert_eq!(g.node_count(), 0);
        assert_eq!(g.csr.node_count(), 0);
    }

    #[test]
    fn primary_mechanism_follows_the_first_badge() {
        let mut catalog = catalog_of(&[("k1", &["token merging", "token pruning"])]);
        catalog.papers[0].badges.mechanism = vec!["Token_Pruning".into(), "Merging".into()];
        let c = Corpus {
            resolutions: vec![resolution("k1", Some("c1"))],
            ..Corpus::default()
        };
        let g = build(&catalog, &c, Scope::Catalog);
        assert_eq!(g.catalog[0].primary_mechanism, "token pruning");
    }
}
