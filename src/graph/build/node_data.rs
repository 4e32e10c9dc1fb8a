//! A node's data: title, year, venue, authors, counts and external ids, read from the record
//! or link [`Source`] that describes it, and a work's union over its records.

use std::collections::BTreeMap;

use super::Source;
use crate::graph::PaperNode;
use crate::records::compact::PaperMetadata;
use crate::records::{Corpus, Link, PublicationVenue};
use crate::works::{json_ids, Work};

/// A work's node: its records, the largest counts, the union of the external ids.
pub(super) fn describe_work(node: &mut PaperNode, work: &Work) {
    node.records = work.members.clone();
    node.citation_count = node.citation_count.max(work.citation_count);
    node.reference_count = node.reference_count.max(work.reference_count);
    let mut external: BTreeMap<String, String> = work.external_ids.clone();
    for (k, v) in node.external_ids.drain(..) {
        external.insert(k, v);
    }
    node.external_ids = external.into_iter().collect();
}

pub(super) fn node_data(paper_id: String, source: Source, corpus: &Corpus) -> PaperNode {
    let mut node = PaperNode {
        paper_id,
        ..PaperNode::default()
    };
    match source {
        Source::Nothing => {}
        Source::Record(r) => {
            let record = &corpus.records[r as usize];
            node.external_ids = json_ids(&record.external_ids);
            node.title = clean_title(record.title.as_deref());
            node.year = record.year;
            node.venue = clean_venue(record.venue.as_deref());
            node.venue_alternate_names = alternate_names(record.publication_venue.as_ref());
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
                node.external_ids = json_ids(&link.external_ids);
                node.title = clean_title(link.title.as_deref());
                node.year = link.year;
                node.citation_count = link.citation_count;
                node.venue = clean_venue(link.venue.as_deref());
                node.venue_alternate_names = alternate_names(link.publication_venue.as_ref());
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

/// The venue's other names as text ([`crate::text::strip_html`], like the venue), empty ones
/// dropped; none when Semantic Scholar gave no `publicationVenue`.
fn alternate_names(venue: Option<&PublicationVenue>) -> Vec<String> {
    venue
        .map(|venue| {
            venue
                .alternate_names
                .iter()
                .map(|name| crate::text::strip_html(name))
                .filter(|name| !name.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The node data of compact metadata, as [`node_data`] takes it from a full record (a link's
/// metadata has no venue, authors or reference count; a snapshot has no venue entity).
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
