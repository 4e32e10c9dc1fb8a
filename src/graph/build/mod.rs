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

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use super::{CatalogInfo, Citation, CitationGraph, Csr, Intents, PaperGraph, PaperNode, Scope};
use crate::catalog::{unite_mechanisms, Catalog, CatalogPaper, MechanismCounts};
use crate::records::compact::{PaperIds, PaperMetadata};
use crate::records::{Corpus, Link};
use crate::works::{Work, Works};

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
pub fn build_works(
    catalog: &Catalog,
    corpus: &Corpus,
    works: &Works,
    scope: Scope,
) -> CitationGraph {
    let started = std::time::Instant::now();
    let catalog_entries = catalog_entries(catalog, corpus, works);
    let others = &corpus.others;

    let mut ids = Ids::new(others.ids());
    let catalog_ids: Vec<u32> = catalog_entries
        .iter()
        .map(|(id, _)| ids.intern(id))
        .collect();
    let merged: Vec<(u32, u32)> = works
        .merges
        .iter()
        .map(|m| (ids.intern(&m.record_id), ids.intern(&m.work_id)))
        .collect();
    let full: Vec<Numbered> = corpus
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
        .collect();

    let total = ids.len();
    // Each id's work: itself, or the canonical record it was merged into.
    let mut canon: Vec<u32> = (0..total as u32).collect();
    for &(record, work) in &merged {
        canon[record as usize] = work;
    }
    let mut in_catalog = vec![false; total];
    let mut used = vec![false; total];
    for &c in &catalog_ids {
        in_catalog[c as usize] = true;
        used[c as usize] = true;
    }
    let mut sources = vec![Source::Nothing; total];
    let link_count = others.counts().references + others.counts().citations;
    let mut edges: Vec<(u32, u32, Citation)> = Vec::with_capacity(match scope {
        Scope::All => link_count as usize,
        Scope::Catalog => 0,
    });
    // One link of record `me` to `other`, wanted or not.
    let mut add = |me: u32, other: u32, reference: bool, citation: Citation, source: Source| {
        let (me, other) = (canon[me as usize], canon[other as usize]);
        if scope == Scope::Catalog && !in_catalog[me as usize] && !in_catalog[other as usize] {
            return;
        }
        used[me as usize] = true;
        used[other as usize] = true;
        if matches!(sources[other as usize], Source::Nothing) {
            sources[other as usize] = source;
        }
        let (citing, cited) = if reference { (me, other) } else { (other, me) };
        if citing != cited {
            edges.push((citing, cited, citation));
        }
    };
    for (r, (record, (me, lists))) in corpus.records.iter().zip(&full).enumerate() {
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
                };
                let source = Source::Link {
                    record: r as u32,
                    index: l as u32,
                    reference,
                };
                add(me, other, reference, citation, source);
            }
        }
    }
    for record in others.records() {
        let Some(me) = record.id() else {
            continue;
        };
        for link in record.links() {
            let citation = Citation {
                is_influential: link.is_influential,
                intents: Intents(link.intents),
            };
            add(
                me,
                link.other,
                link.reference,
                citation,
                Source::OtherLink(link.position),
            );
        }
    }
    // Every paper with a record of its own is a node in scope all.
    let records = full
        .iter()
        .enumerate()
        .filter_map(|(r, (me, _))| Some(((*me)?, Source::Record(r as u32))));
    let other_records = others
        .records()
        .filter_map(|record| Some((record.id()?, Source::Other(record.index()))));
    // A paper's own record describes it better than a link to it; the first record wins, and a
    // work's canonical record wins over its other records.
    let mut canonical_source = vec![false; if merged.is_empty() { 0 } else { total }];
    for (raw, source) in records.chain(other_records) {
        let me = canon[raw as usize];
        if scope == Scope::All {
            used[me as usize] = true;
        }
        let own = !canonical_source.is_empty() && raw == me;
        if own && !canonical_source[me as usize] {
            canonical_source[me as usize] = true;
            sources[me as usize] = source;
        } else if !matches!(sources[me as usize], Source::Record(_) | Source::Other(_)) {
            sources[me as usize] = source;
        }
    }
    drop(canonical_source);
    drop(canon);
    tracing::debug!(
        "graph: {} ids and {} links read in {:.1?}",
        used.iter().filter(|&&u| u).count(),
        edges.len(),
        started.elapsed()
    );

    // Node numbering: the papers in use, in id order.
    let mut order: Vec<u32> = (0..total as u32).filter(|&i| used[i as usize]).collect();
    order.par_sort_unstable_by(|&a, &b| ids.cmp(a, b));
    let mut final_index = vec![NONE; total];
    for (new, &old) in order.iter().enumerate() {
        final_index[old as usize] = new as u32;
    }
    drop(used);
    drop(in_catalog);

    edges.par_iter_mut().for_each(|edge| {
        edge.0 = final_index[edge.0 as usize];
        edge.1 = final_index[edge.1 as usize];
    });
    edges.par_sort_unstable_by_key(|&(s, t, _)| ((s as u64) << 32) | t as u64);
    merge_duplicates(&mut edges);
    tracing::debug!("graph: edges sorted at {:.1?}", started.elapsed());

    let catalog_by_id: HashMap<u32, usize> = catalog_ids
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, i))
        .collect();
    let nodes: Vec<PaperNode> = order
        .par_iter()
        .map(|&old| {
            let mut node = node_data(ids.string(old), sources[old as usize], corpus);
            if let Some(work) = works.work(&node.paper_id) {
                describe_work(&mut node, work);
            }
            node
        })
        .collect();
    let mut infos = Vec::with_capacity(catalog_entries.len());
    let mut graph = PaperGraph::with_capacity(order.len(), edges.len());
    for (mut node, &old) in nodes.into_iter().zip(&order) {
        // Two catalogue entries name one paper only through the same id, merged above.
        if let Some(&c) = catalog_by_id.get(&old) {
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

/// A work's node: its records, the largest counts, the union of the external ids.
fn describe_work(node: &mut PaperNode, work: &Work) {
    node.records = work.members.clone();
    node.citation_count = node.citation_count.max(work.citation_count);
    node.reference_count = node.reference_count.max(work.reference_count);
    let mut external: BTreeMap<String, String> = work.external_ids.clone();
    for (k, v) in node.external_ids.drain(..) {
        external.insert(k, v);
    }
    node.external_ids = external.into_iter().collect();
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

fn node_data(paper_id: String, source: Source, corpus: &Corpus) -> PaperNode {
    let mut node = PaperNode {
        paper_id,
        ..PaperNode::default()
    };
    match source {
        Source::Nothing => {}
        Source::Record(r) => {
            let record = &corpus.records[r as usize];
            node.external_ids = external_ids(&record.external_ids);
            node.title = clean_title(record.title.as_deref());
            node.year = record.year;
            node.venue = clean_venue(record.venue.as_deref());
            node.authors = record
                .authors
                .iter()
                .filter_map(|a| a.name.clone())
                .collect();
            node.citation_count = record.citation_count;
            node.reference_count = record.reference_count;
        }
        Source::Other(index) => describe(&mut node, corpus.others.record(index).metadata()),
        Source::Link {
            record,
            index,
            reference,
        } => {
            let record = &corpus.records[record as usize];
            let list = if reference {
                &record.references
            } else {
                &record.citations
            };
            let link: Option<&Link> = list.as_ref().and_then(|l| l.get(index as usize));
            if let Some(link) = link {
                node.external_ids = external_ids(&link.external_ids);
                node.title = clean_title(link.title.as_deref());
                node.year = link.year;
                node.citation_count = link.citation_count;
                node.venue = clean_venue(link.venue.as_deref());
                node.authors = link.authors.iter().filter_map(|a| a.name.clone()).collect();
            }
        }
        Source::OtherLink(position) => {
            if let Some(details) = corpus.others.link_details(position) {
                describe(&mut node, details);
            }
        }
    }
    node
}

/// The node data of compact metadata, as [`node_data`] takes it from a full record (a link's
/// metadata has no venue, authors or reference count).
/// A record's venue as text: Semantic Scholar passes on markup from its sources (the trial found
/// "ICLR 2023<br>" in papers.csv and the report's card), so tags are dropped and entities decoded
/// ([`crate::text::strip_html`]); empty is none.
fn clean_venue(venue: Option<&str>) -> Option<String> {
    venue.map(crate::text::strip_html).filter(|v| !v.is_empty())
}

/// A record's title as text, for the tables, figures and report: "F<sup>3</sup>-Pruning" reads
/// "F3-Pruning" ([`crate::text::strip_html`]). The BibTeX export reads the records' own titles
/// and writes the markup as LaTeX.
fn clean_title(title: Option<&str>) -> String {
    title.map(crate::text::strip_html).unwrap_or_default()
}

fn describe(node: &mut PaperNode, meta: PaperMetadata<'_>) {
    node.external_ids = meta
        .external_ids
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    node.title = clean_title(meta.title);
    node.year = meta.year;
    node.venue = clean_venue(meta.venue);
    node.authors = meta.authors.iter().map(|a| a.to_string()).collect();
    node.citation_count = meta.citation_count;
    node.reference_count = meta.reference_count;
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
mod tests {
    use super::*;
    use crate::catalog::UNSPECIFIED;
    use crate::records::{PaperRecord, Resolution};

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
            ..Corpus::default()
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

    /// The corpus with every record but the catalogue's in compact form, as a snapshot gives it.
    fn compacted(corpus: Corpus) -> Corpus {
        let (catalogue, rest): (Vec<PaperRecord>, Vec<PaperRecord>) =
            corpus.records.into_iter().partition(|r| {
                corpus
                    .resolutions
                    .iter()
                    .any(|c| c.paper_id.as_ref() == Some(&r.paper_id))
            });
        let jsonl: Vec<String> = rest
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        Corpus {
            resolutions: corpus.resolutions,
            records: catalogue,
            others: crate::records::compact::from_jsonl(&jsonl.join("\n"), usize::MAX).0,
            requests: 0,
        }
    }

    #[test]
    fn compact_records_give_the_same_graph() {
        let catalog = catalog_of(&[("k1", &["pruning"])]);
        let mut full = corpus();
        // Details on links (a paper without a record takes the first link's), a repeated link
        // and one seen from the other end (one edge, flags OR-ed), a padded id.
        full.records.push(record(
            "w",
            vec![
                Link {
                    title: Some("Linked <i>v</i>".into()),
                    year: Some(2001),
                    citation_count: Some(5),
                    external_ids: [("ArXiv".to_string(), serde_json::json!("2101.1"))].into(),
                    ..link(Some("v"), false, &[])
                },
                link(Some("y"), true, &["result"]),
                link(Some(" y "), false, &["background"]),
                link(Some("v"), false, &[]),
            ],
            vec![link(Some("z"), false, &["methodology"])],
        ));
        full.records[2].venue = Some("Venue<br>".into());
        full.records[2].authors = vec![crate::records::Author {
            author_id: None,
            name: Some("Ann".into()),
        }];
        let compact = compacted(full.clone());
        assert_eq!(compact.others.len(), 3);
        for scope in [Scope::Catalog, Scope::All] {
            let a = build(&catalog, &full, scope);
            let b = build(&catalog, &compact, scope);
            assert_eq!(a.nodes().collect::<Vec<_>>(), b.nodes().collect::<Vec<_>>());
            assert_eq!(a.edges().collect::<Vec<_>>(), b.edges().collect::<Vec<_>>());
            assert_eq!(a.catalog, b.catalog);
            assert_eq!(a.csr, b.csr);
        }
        let g = build(&catalog, &compact, Scope::All);
        let (w, y, v) = (
            g.index_of("w").unwrap(),
            g.index_of("y").unwrap(),
            g.index_of("v").unwrap(),
        );
        let wy: Vec<Citation> = g
            .edges()
            .filter(|&(s, t, _)| s == w && t == y)
            .map(|(_, _, c)| c)
            .collect();
        assert_eq!(wy.len(), 1, "a repeated link is one edge");
        assert!(wy[0].is_influential);
        assert_eq!(wy[0].intents.names(), vec!["background", "result"]);
        assert_eq!(g.node(v).title, "Linked v");
        assert_eq!(g.node(v).year, Some(2001));
        assert_eq!(g.node(v).external_id("ArXiv"), Some("2101.1"));
        assert_eq!(
            g.node(g.index_of("z").unwrap()).venue.as_deref(),
            Some("Venue")
        );
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
