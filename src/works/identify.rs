//! The grouping: the records listed once, their keys hashed and sorted, each run of one key
//! compared by the rule of the [module documentation](super), the joined records gathered into
//! components (union-find) and each component made a [`Work`] with its [`Merge`]s.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{
    identifier_compatible, meta, quick_keys, title_compatible, Merge, MergeReason, Meta, Origin,
    Work, Works, KEY_REASONS, MAX_TITLE_GROUP,
};
use crate::records::Corpus;

/// A join of two records (by index in the list of records) by one rule, with the value they
/// share.
type Join = (u32, u32, MergeReason, String);

/// The works of `corpus`: its full records, its compact records and the papers the full records'
/// links describe. The records catalogue entries resolved to (`corpus.resolutions`) become their
/// works' ids. See the module doc for the rule and its cost.
pub fn identify(corpus: &Corpus) -> Works {
    let started = std::time::Instant::now();
    let catalog_order = catalog_order(corpus);
    let origins = origins(corpus);
    let Joined {
        mut parent,
        mut joins,
        mut metas,
    } = join(corpus, &origins);
    join_moved(corpus, &origins, &mut parent, &mut joins, &mut metas);

    // Components of two or more records, each rooted at its canonical record.
    let mut components: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &(a, _, _, _) in &joins {
        let root = find(&mut parent, a);
        components.entry(root).or_default();
    }
    for &e in metas.keys() {
        let root = find(&mut parent, e);
        if let Some(members) = components.get_mut(&root) {
            members.push(e);
        }
    }
    let mut works = Works::default();
    for members in components.values() {
        add_work(&mut works, members, &metas, &joins, &catalog_order);
    }
    works.merges.sort_by(|a, b| {
        (a.work_id.as_str(), a.record_id.as_str()).cmp(&(b.work_id.as_str(), b.record_id.as_str()))
    });
    tracing::debug!(
        "works: {} records read, {} merged into {} works in {:.1?}",
        origins.len(),
        works.merges.len(),
        works.works.len(),
        started.elapsed()
    );
    works
}

/// Each id catalogue entries resolved to, with the position of the first such entry.
fn catalog_order(corpus: &Corpus) -> HashMap<&str, usize> {
    let mut catalog_order: HashMap<&str, usize> = HashMap::new();
    for (i, id) in corpus
        .resolutions
        .iter()
        .filter_map(|r| r.paper_id.as_deref())
        .enumerate()
    {
        catalog_order.entry(id.trim()).or_insert(i);
    }
    catalog_order
}

/// The records: full ones, compact ones, then papers only the full records' links name (and
/// describe, with a title or an external id); each paper once, by its first record.
fn origins(corpus: &Corpus) -> Vec<Origin> {
    let mut origins: Vec<Origin> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (r, record) in corpus.records.iter().enumerate() {
        if seen.insert(record.paper_id.trim()) && !record.paper_id.trim().is_empty() {
            origins.push(Origin::Record(r));
        }
    }
    let others = &corpus.others;
    let mut has_record = vec![false; others.ids().len()];
    for record in others.records() {
        if let Some(id) = record.id() {
            if !has_record[id as usize] {
                has_record[id as usize] = true;
                origins.push(Origin::Other(record.index()));
            }
        }
    }
    for (r, record) in corpus.records.iter().enumerate() {
        for (reference, links) in [(true, &record.references), (false, &record.citations)] {
            for (i, link) in links.iter().flatten().enumerate() {
                let Some(id) = link.paper_id.as_deref().map(str::trim) else {
                    continue;
                };
                let compact = others.ids().get(id).is_some_and(|n| has_record[n as usize]);
                let described = link.title.is_some() || !link.external_ids.is_empty();
                if !id.is_empty() && described && !compact && seen.insert(id) {
                    origins.push(Origin::Link(r, reference, i));
                }
            }
        }
    }
    for (m, moved) in corpus.moved.iter().enumerate() {
        let id = moved.old_id.trim();
        let compact = others.ids().get(id).is_some_and(|n| has_record[n as usize]);
        if !id.is_empty() && !compact && seen.insert(id) {
            origins.push(Origin::Moved(m));
        }
    }
    origins
}

/// The id of a record, as [`meta`] reads it (without reading the rest).
fn origin_id(corpus: &Corpus, origin: Origin) -> String {
    match origin {
        Origin::Record(r) => corpus.records[r].paper_id.trim().to_string(),
        Origin::Other(i) => corpus.others.record(i).raw_id(),
        Origin::Link(r, reference, i) => super::link_at(corpus, r, reference, i)
            .paper_id
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string(),
        Origin::Moved(m) => corpus.moved[m].old_id.trim().to_string(),
    }
}

/// Rule 4: each record Semantic Scholar merged into another ([`Corpus::moved`]) joins its new
/// record, whatever their keys say. One pass over the records' ids, only when there are moves.
fn join_moved(
    corpus: &Corpus,
    origins: &[Origin],
    parent: &mut [u32],
    joins: &mut Vec<Join>,
    metas: &mut HashMap<u32, Meta>,
) {
    if corpus.moved.is_empty() {
        return;
    }
    let wanted: HashSet<&str> = corpus
        .moved
        .iter()
        .flat_map(|m| [m.old_id.trim(), m.new_id.trim()])
        .collect();
    let mut at: HashMap<String, u32> = HashMap::new();
    for (e, &origin) in origins.iter().enumerate() {
        let id = origin_id(corpus, origin);
        if wanted.contains(id.as_str()) {
            at.entry(id).or_insert(e as u32);
        }
    }
    for moved in &corpus.moved {
        let (Some(&old), Some(&new)) = (at.get(moved.old_id.trim()), at.get(moved.new_id.trim()))
        else {
            continue;
        };
        for e in [old, new] {
            metas
                .entry(e)
                .or_insert_with(|| meta(corpus, origins[e as usize]));
        }
        let (ra, rb) = (find(parent, old), find(parent, new));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
            joins.push((
                new,
                old,
                MergeReason::Moved,
                moved.new_id.trim().to_string(),
            ));
        }
    }
}

/// The records the rule joined: the union-find forest over the records, the joins made (one
/// per union, so they span each component) and the data read again of every record compared.
struct Joined {
    parent: Vec<u32>,
    joins: Vec<Join>,
    metas: HashMap<u32, Meta>,
}

/// Hashes each record's three keys, sorts them, and compares the records of each run of one
/// key (DOI, then ArXiv id, then title; a title run longer than [`MAX_TITLE_GROUP`] is generic
/// and skipped).
fn join(corpus: &Corpus, origins: &[Origin]) -> Joined {
    // Keys: (hash, record) per kind, sorted; runs of one hash are the groups to compare.
    let mut keys: [Vec<(u64, u32)>; 4] = Default::default();
    for (e, &origin) in origins.iter().enumerate() {
        for (kind, key) in quick_keys(corpus, origin).into_iter().enumerate() {
            if let Some(key) = key {
                keys[kind].push((key, e as u32));
            }
        }
    }
    let mut parent: Vec<u32> = (0..origins.len() as u32).collect();
    let mut joins: Vec<Join> = Vec::new();
    let mut metas: HashMap<u32, Meta> = HashMap::new();
    for (kind, list) in keys.iter_mut().enumerate() {
        list.sort_unstable();
        let reason = KEY_REASONS[kind];
        let mut start = 0;
        while start < list.len() {
            let mut end = start + 1;
            while end < list.len() && list[end].0 == list[start].0 {
                end += 1;
            }
            if end - start > 1 && !(reason == MergeReason::Title && end - start > MAX_TITLE_GROUP) {
                let group: Vec<u32> = list[start..end].iter().map(|&(_, e)| e).collect();
                for &e in &group {
                    metas
                        .entry(e)
                        .or_insert_with(|| meta(corpus, origins[e as usize]));
                }
                compare(&group, reason, &metas, &mut parent, &mut joins);
            }
            start = end;
        }
    }
    Joined {
        parent,
        joins,
        metas,
    }
}

/// The record a component is named by: the first a catalogue entry resolved to, else the most
/// cited, ties to the smallest id.
fn canonical_record(
    members: &[u32],
    metas: &HashMap<u32, Meta>,
    catalog_order: &HashMap<&str, usize>,
) -> u32 {
    *members
        .iter()
        .min_by(|&&a, &&b| {
            let (ma, mb) = (&metas[&a], &metas[&b]);
            let ca = catalog_order
                .get(ma.id.as_str())
                .copied()
                .unwrap_or(usize::MAX);
            let cb = catalog_order
                .get(mb.id.as_str())
                .copied()
                .unwrap_or(usize::MAX);
            ca.cmp(&cb)
                .then(mb.citation_count.cmp(&ma.citation_count))
                .then_with(|| ma.id.cmp(&mb.id))
        })
        .expect("a component has members")
}

/// Adds the work of one component (`members`, two or more records) to `works`: the work, its
/// records' ids mapped to the canonical one, and one [`Merge`] a record.
fn add_work(
    works: &mut Works,
    members: &[u32],
    metas: &HashMap<u32, Meta>,
    joins: &[Join],
    catalog_order: &HashMap<&str, usize>,
) {
    let canonical = canonical_record(members, metas, catalog_order);
    let head = &metas[&canonical];
    let mut ids: Vec<String> = members
        .iter()
        .filter(|&&e| e != canonical)
        .map(|e| metas[e].id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids.insert(0, head.id.clone());
    let mut external_ids: BTreeMap<String, String> = BTreeMap::new();
    for e in std::iter::once(&canonical).chain(members.iter()) {
        for (k, v) in &metas[e].external_ids {
            if !v.is_empty() {
                external_ids.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    let work = Work {
        id: head.id.clone(),
        members: ids.clone(),
        external_ids,
        citation_count: members.iter().filter_map(|e| metas[e].citation_count).max(),
        reference_count: members
            .iter()
            .filter_map(|e| metas[e].reference_count)
            .max(),
    };
    for id in &ids[1..] {
        works.canonical.insert(id.clone(), head.id.clone());
    }
    push_merges(works, canonical, members, metas, joins);
    works.works.insert(head.id.clone(), work);
}

/// One [`Merge`] for each record of the component but the canonical one. The joins form a
/// spanning tree of the component: walk it from the canonical record, each other record is
/// merged through the join that reaches it.
fn push_merges(
    works: &mut Works,
    canonical: u32,
    members: &[u32],
    metas: &HashMap<u32, Meta>,
    joins: &[Join],
) {
    let head = &metas[&canonical];
    let in_component: HashSet<u32> = members.iter().copied().collect();
    let tree: Vec<&Join> = joins
        .iter()
        .filter(|(a, _, _, _)| in_component.contains(a))
        .collect();
    let mut reached = vec![canonical];
    let mut queue = vec![canonical];
    while let Some(at) = queue.pop() {
        for &&(a, b, reason, ref value) in &tree {
            let next = if a == at {
                b
            } else if b == at {
                a
            } else {
                continue;
            };
            if reached.contains(&next) {
                continue;
            }
            reached.push(next);
            queue.push(next);
            let m = &metas[&next];
            works.merges.push(Merge {
                work_id: head.id.clone(),
                record_id: m.id.clone(),
                matched_id: metas[&at].id.clone(),
                reason: reason.as_str().to_string(),
                value: value.clone(),
                title: m.shown_title.clone(),
                year: m.year,
            });
        }
    }
}

/// Joins the records of one key group that the rule accepts.
fn compare(
    group: &[u32],
    reason: MergeReason,
    metas: &HashMap<u32, Meta>,
    parent: &mut [u32],
    joins: &mut Vec<Join>,
) {
    let value = |e: u32| -> Option<String> {
        let m = &metas[&e];
        match reason {
            MergeReason::Doi => m.doi(),
            MergeReason::Arxiv => m.arxiv(),
            MergeReason::OpenAlex => m.openalex(),
            MergeReason::Title => Some(m.title.clone()).filter(|t| !t.is_empty()),
            MergeReason::Moved => None,
        }
    };
    for (i, &a) in group.iter().enumerate() {
        let Some(va) = value(a) else { continue };
        for &b in &group[i + 1..] {
            if value(b).as_deref() != Some(va.as_str()) {
                continue;
            }
            let agree = match reason {
                MergeReason::Title => title_compatible(&metas[&a], &metas[&b]),
                MergeReason::Doi | MergeReason::Arxiv | MergeReason::OpenAlex => {
                    identifier_compatible(&metas[&a], &metas[&b])
                }
                MergeReason::Moved => true,
            };
            if !agree {
                continue;
            }
            let (ra, rb) = (find(parent, a), find(parent, b));
            if ra != rb {
                parent[ra.max(rb) as usize] = ra.min(rb);
                joins.push((a, b, reason, va.clone()));
            }
        }
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}
