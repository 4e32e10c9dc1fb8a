//! Building the [`CitationGraph`] from the records.
//!
//! Paper ids are numbers from the start: those of the compact records
//! ([`crate::records::Corpus::others`], interned when the snapshot was read) keep theirs, and the few
//! that only the full records ([`crate::records::Corpus::records`]) name get the next ones. One pass
//! over the full records, then the compact ones, collects the edges: record -> reference,
//! citer -> record. The scope filter keeps the edges wanted, the papers at their ends (and the
//! catalogue's) become the nodes, numbered in the order of their ids; the edges are sorted and
//! merged (a link seen from both ends is one edge, its `isInfluential` flags and intents OR-ed),
//! and both the petgraph graph and the CSR are filled from the same sorted list.
//! O((n + m) log m) time, O(n + m) memory: about 12 bytes an edge while building.
//!
//! Self-citations (a record listing itself) are dropped: they say nothing about influence and
//! networkx's `core_number` refuses graphs with self-loops.
//!
//! [`build_works`] runs the steps in order: number the ids ([`Ids`]), read the links
//! ([`Links`]), number the nodes, sort and merge the edges, fill the graphs ([`fill_graph`]).
//! `node_data.rs` reads a node's title, year, venue, authors and ids from the record or link
//! that describes it.

use std::cmp::Ordering;
use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use super::{CatalogInfo, Citation, CitationGraph, Csr, Intents, PaperGraph, PaperNode, Scope};
use crate::catalog::{unite_mechanisms, Catalog, CatalogPaper, MechanismCounts};
use crate::records::compact::PaperIds;
use crate::records::{Corpus, Source as RecordSource, SourceSet};
use crate::works::Works;

mod node_data;

use node_data::{describe_work, node_data};

const NONE: u32 = u32::MAX;

/// Where a node's data comes from: its own record, else the first link naming it.
#[derive(Clone, Copy)]
enum Source {
    Nothing,
    /// A full record ([`Corpus::records`]).
    Record(u32),
    /// A compact record ([`Corpus::others`]).
    Other(usize),
    /// A link of a full record.
    Link {
        record: u32,
        index: u32,
        reference: bool,
    },
    /// A link of a compact record, by position.
    OtherLink(usize),
}

/// A full record's paper and the papers of its references and citations, numbered; `None` for
/// a blank id.
type Numbered = (Option<u32>, [Vec<Option<u32>>; 2]);

/// Builds the graph of `corpus` for `scope`, one node a record; catalogue papers are those of
/// `corpus.resolutions` with a paper id, described by the `catalog` entry of the same key.
pub fn build(catalog: &Catalog, corpus: &Corpus, scope: Scope) -> CitationGraph {
    build_works(catalog, corpus, &Works::none(), scope)
}

/// [`build`] with one node a work: every record of a work of [`Works`] is read as the work's id
/// (its canonical record), so its links move to the work, links between records of one work are
/// self-links and dropped, and a catalogue entry resolved to any record is the work. The node
/// keeps the work's records ([`PaperNode::records`]), the largest of their citation and reference
/// counts and the union of their external ids. Costs one `u32` per id more than [`build`].
///
/// The steps: number every id ([`Ids`]), read the links ([`Links`]), number the nodes in id
/// order, sort and merge the edges, then fill the petgraph graph and the CSR ([`fill_graph`]).
pub fn build_works(
    catalog: &Catalog,
    corpus: &Corpus,
    works: &Works,
    scope: Scope,
) -> CitationGraph {
    let started = std::time::Instant::now();
    let catalog_entries = catalog_entries(catalog, corpus, works);

    let mut ids = Ids::new(corpus.others.ids());
    let catalog_ids: Vec<u32> = catalog_entries
        .iter()
        .map(|(id, _)| ids.intern(id))
        .collect();
    let merged: Vec<(u32, u32)> = works
        .merges
        .iter()
        .map(|m| (ids.intern(&m.record_id), ids.intern(&m.work_id)))
        .collect();
    let full = number_records(&mut ids, corpus);

    let mut links = Links::new(ids.len(), &merged, &catalog_ids, scope, corpus);
    links.read_records(corpus, &full);
    links.read_others(corpus);
    links.own_records(corpus, &full, !merged.is_empty());
    let Links {
        used,
        sources,
        mut edges,
        ..
    } = links;
    tracing::debug!(
        "graph: {} ids and {} links read in {:.1?}",
        used.iter().filter(|&&u| u).count(),
        edges.len(),
        started.elapsed()
    );

    // Node numbering: the papers in use, in id order.
    let mut order: Vec<u32> = (0..ids.len() as u32)
        .filter(|&i| used[i as usize])
        .collect();
    order.par_sort_unstable_by(|&a, &b| ids.cmp(a, b));
    let mut final_index = vec![NONE; ids.len()];
    for (new, &old) in order.iter().enumerate() {
        final_index[old as usize] = new as u32;
    }
    drop(used);

    edges.par_iter_mut().for_each(|edge| {
        edge.0 = final_index[edge.0 as usize];
        edge.1 = final_index[edge.1 as usize];
    });
    edges.par_sort_unstable_by_key(|&(s, t, _)| ((s as u64) << 32) | t as u64);
    merge_duplicates(&mut edges);
    tracing::debug!("graph: edges sorted at {:.1?}", started.elapsed());

    let nodes = Nodes {
        ids: &ids,
        order: &order,
        sources: &sources,
        catalog_ids: &catalog_ids,
        catalog_entries: &catalog_entries,
    };
    let (graph, infos) = fill_graph(&nodes, &edges, corpus, works);
    tracing::debug!("graph: petgraph filled at {:.1?}", started.elapsed());
    let pairs: Vec<(u32, u32)> = edges.iter().map(|&(s, t, _)| (s, t)).collect();
    drop(edges);
    let csr = Csr::from_sorted_unique(order.len(), &pairs);
    CitationGraph {
        scope,
        graph,
        catalog: infos,
        csr,
        merges: works.merges.clone(),
    }
}

/// Each full record's paper and the papers of its references and citations, numbered in `ids`.
fn number_records<'a>(ids: &mut Ids<'a>, corpus: &'a Corpus) -> Vec<Numbered> {
    corpus
        .records
        .iter()
        .map(|record| {
            let me = non_empty(&record.paper_id).map(|id| ids.intern(id));
            let lists = [&record.references, &record.citations].map(|links| {
                links
                    .iter()
                    .flatten()
                    .map(|link| link.paper_id.as_deref().and_then(non_empty))
                    .map(|other| other.map(|id| ids.intern(id)))
                    .collect()
            });
            (me, lists)
        })
        .collect()
}

/// The links read so far, over the ids of [`Ids`]: which ids are nodes, where each node's data
/// comes from, and the wanted edges (citing, cited) with their flags, unsorted.
struct Links {
    scope: Scope,
    /// Each id's work: itself, or the canonical record it was merged into.
    canon: Vec<u32>,
    in_catalog: Vec<bool>,
    used: Vec<bool>,
    sources: Vec<Source>,
    edges: Vec<(u32, u32, Citation)>,
}

impl Links {
    /// Nothing read yet: the catalogue papers are in use, every id is its own work unless
    /// `merged` (record, work) says otherwise.
    fn new(
        total: usize,
        merged: &[(u32, u32)],
        catalog_ids: &[u32],
        scope: Scope,
        corpus: &Corpus,
    ) -> Links {
        let mut canon: Vec<u32> = (0..total as u32).collect();
        for &(record, work) in merged {
            canon[record as usize] = work;
        }
        let mut in_catalog = vec![false; total];
        let mut used = vec![false; total];
        for &c in catalog_ids {
            in_catalog[c as usize] = true;
            used[c as usize] = true;
        }
        let counts = corpus.others.counts();
        let link_count = counts.references + counts.citations;
        Links {
            scope,
            canon,
            in_catalog,
            used,
            sources: vec![Source::Nothing; total],
            edges: Vec::with_capacity(match scope {
                Scope::All => link_count as usize,
                Scope::Catalog => 0,
            }),
        }
    }

    /// One link of record `me` to `other`, wanted or not: in scope catalog only links touching
    /// a catalogue paper count; the first link naming a paper describes it until its own record
    /// does; a link within one work is a self-link and dropped.
    fn add(&mut self, me: u32, other: u32, reference: bool, citation: Citation, source: Source) {
        let (me, other) = (self.canon[me as usize], self.canon[other as usize]);
        if self.scope == Scope::Catalog
            && !self.in_catalog[me as usize]
            && !self.in_catalog[other as usize]
        {
            return;
        }
        self.used[me as usize] = true;
        self.used[other as usize] = true;
        if matches!(self.sources[other as usize], Source::Nothing) {
            self.sources[other as usize] = source;
        }
        let (citing, cited) = if reference { (me, other) } else { (other, me) };
        if citing != cited {
            self.edges.push((citing, cited, citation));
        }
    }

    /// The links of the full records, `full` their numbers ([`number_records`]).
    fn read_records(&mut self, corpus: &Corpus, full: &[Numbered]) {
        for (r, (record, (me, lists))) in corpus.records.iter().zip(full).enumerate() {
            let Some(me) = *me else {
                continue;
            };
            let sides = [
                (true, &record.references, &lists[0]),
                (false, &record.citations, &lists[1]),
            ];
            for (reference, links, numbers) in sides {
                for (l, (link, other)) in links.iter().flatten().zip(numbers).enumerate() {
                    let Some(other) = *other else {
                        continue;
                    };
                    let citation = Citation {
                        is_influential: link.is_influential,
                        intents: Intents::from_names(&link.intents),
                        sources: SourceSet::of(link.source.unwrap_or(RecordSource::S2)),
                    };
                    let source = Source::Link {
                        record: r as u32,
                        index: l as u32,
                        reference,
                    };
                    self.add(me, other, reference, citation, source);
                }
            }
        }
    }

    /// The links of the compact records.
    fn read_others(&mut self, corpus: &Corpus) {
        for record in corpus.others.records() {
            let Some(me) = record.id() else {
                continue;
            };
            for link in record.links() {
                let citation = Citation {
                    is_influential: link.is_influential,
                    intents: Intents(link.intents),
                    sources: SourceSet::of(RecordSource::S2),
                };
                self.add(
                    me,
                    link.other,
                    link.reference,
                    citation,
                    Source::OtherLink(link.position),
                );
            }
        }
    }

    /// The papers with a record of their own: each is a node in scope all, and described by
    /// its record rather than by a link to it. The first record wins, and, when works were
    /// `merged`, a work's canonical record wins over its other records.
    fn own_records(&mut self, corpus: &Corpus, full: &[Numbered], merged: bool) {
        let records = full
            .iter()
            .enumerate()
            .filter_map(|(r, (me, _))| Some(((*me)?, Source::Record(r as u32))));
        let other_records = corpus
            .others
            .records()
            .filter_map(|record| Some((record.id()?, Source::Other(record.index()))));
        let mut canonical_source = vec![false; if merged { self.canon.len() } else { 0 }];
        for (raw, source) in records.chain(other_records) {
            let me = self.canon[raw as usize];
            if self.scope == Scope::All {
                self.used[me as usize] = true;
            }
            let own = !canonical_source.is_empty() && raw == me;
            if own && !canonical_source[me as usize] {
                canonical_source[me as usize] = true;
                self.sources[me as usize] = source;
            } else if !matches!(
                self.sources[me as usize],
                Source::Record(_) | Source::Other(_)
            ) {
                self.sources[me as usize] = source;
            }
        }
    }
}

/// The nodes of a build, numbered: node `i` is id `order[i]` of `ids`, described by
/// `sources[order[i]]`; `catalog_entries[c]` describes catalogue id `catalog_ids[c]`.
struct Nodes<'a> {
    ids: &'a Ids<'a>,
    order: &'a [u32],
    sources: &'a [Source],
    catalog_ids: &'a [u32],
    catalog_entries: &'a [(String, CatalogInfo)],
}

/// The petgraph graph of the numbered nodes and the sorted, merged `edges`, and the catalogue
/// data of its catalogue nodes in node order. A catalogue paper without a title or year in its
/// records takes the catalogue's.
fn fill_graph(
    nodes: &Nodes<'_>,
    edges: &[(u32, u32, Citation)],
    corpus: &Corpus,
    works: &Works,
) -> (PaperGraph, Vec<CatalogInfo>) {
    let catalog_by_id: HashMap<u32, usize> = nodes
        .catalog_ids
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, i))
        .collect();
    let data: Vec<PaperNode> = nodes
        .order
        .par_iter()
        .map(|&old| {
            let mut node = node_data(nodes.ids.string(old), nodes.sources[old as usize], corpus);
            if let Some(work) = works.work(&node.paper_id) {
                describe_work(&mut node, work);
            }
            node
        })
        .collect();
    let mut infos = Vec::with_capacity(nodes.catalog_entries.len());
    let mut graph = PaperGraph::with_capacity(nodes.order.len(), edges.len());
    for (mut node, &old) in data.into_iter().zip(nodes.order) {
        // Two catalogue entries name one paper only through the same id, merged above.
        if let Some(&c) = catalog_by_id.get(&old) {
            let info = nodes.catalog_entries[c].1.clone();
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
    for block in edges.chunks(4096) {
        // Each edge updates its target's node, at random among a million: the nodes of a block
        // are read first in a loop of independent loads, which the processor overlaps, so that
        // the inserts find them in the cache.
        let touched = block.iter().fold(0, |x, &(_, t, _)| {
            x ^ graph.raw_nodes()[t as usize]
                .next_edge(petgraph::Direction::Incoming)
                .index()
        });
        std::hint::black_box(touched);
        for &(s, t, citation) in block {
            graph.add_edge(s.into(), t.into(), citation);
        }
    }
    (graph, infos)
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
            kept.2.sources |= later.2.sources;
        }
        same
    });
}

/// (paper id, catalogue data) per distinct resolved paper, in catalogue order. Several catalogue
/// keys resolving to one paper are merged: the first key names it, mechanisms and domains are
/// united.
fn catalog_entries(
    catalog: &Catalog,
    corpus: &Corpus,
    works: &Works,
) -> Vec<(String, CatalogInfo)> {
    let by_key: HashMap<&str, &CatalogPaper> =
        catalog.papers.iter().map(|p| (p.key.as_str(), p)).collect();
    let counts = MechanismCounts::of(&catalog.papers);
    let mut entries: Vec<(String, CatalogInfo)> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    for resolution in &corpus.resolutions {
        let Some(id) = resolution.paper_id.as_deref().and_then(non_empty) else {
            continue;
        };
        let id = works.canonical(id);
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
                info.primary_mechanism = counts.primary(paper);
            }
        }
    }
    for (_, info) in entries.iter_mut() {
        unite_mechanisms(&mut info.mechanisms);
        info.domains.sort();
        info.domains.dedup();
        if !info.mechanisms.contains(&info.primary_mechanism) {
            info.primary_mechanism = counts.most_frequent(&info.mechanisms);
        }
    }
    entries
}

/// The paper ids of a build: those of the compact records with their numbers, then the ones
/// only the full records or the catalogue name, numbered after them.
struct Ids<'a> {
    base: &'a PaperIds,
    extra: HashMap<&'a str, u32, FxBuildHasher>,
    extra_ids: Vec<&'a str>,
}

impl<'a> Ids<'a> {
    fn new(base: &'a PaperIds) -> Ids<'a> {
        Ids {
            base,
            extra: HashMap::default(),
            extra_ids: Vec::new(),
        }
    }

    fn intern(&mut self, id: &'a str) -> u32 {
        if let Some(index) = self.base.get(id) {
            return index;
        }
        let next = (self.base.len() + self.extra_ids.len()) as u32;
        let index = *self.extra.entry(id).or_insert(next);
        if index == next {
            self.extra_ids.push(id);
        }
        index
    }

    fn len(&self) -> usize {
        self.base.len() + self.extra_ids.len()
    }

    /// The id numbered `index`: `buf` holds a compact id's digits.
    fn get<'b>(&'b self, index: u32, buf: &'b mut [u8; 40]) -> &'b str {
        match (index as usize).checked_sub(self.base.len()) {
            None => self.base.key(index).as_str(buf),
            Some(extra) => self.extra_ids[extra],
        }
    }

    fn string(&self, index: u32) -> String {
        self.get(index, &mut [0; 40]).to_string()
    }

    /// The order of the id strings.
    fn cmp(&self, a: u32, b: u32) -> Ordering {
        let base = self.base.len() as u32;
        if a < base && b < base {
            self.base.key(a).cmp(self.base.key(b))
        } else {
            self.get(a, &mut [0; 40]).cmp(self.get(b, &mut [0; 40]))
        }
    }
}

#[cfg(test)]
mod tests;
