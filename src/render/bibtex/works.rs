//! One `references.bib` entry per work: the catalogue papers that resolved to one work (one
//! paper listed twice, its arXiv link in one section and its publisher's DOI or a retitled
//! "ATS: ..." form in another; `metrics.json`'s `papers[].keys`) share one key and one entry,
//! whose fields are merged from every listing's facts ([`merged`]).

use std::collections::HashMap;

use crate::analysis::{Analysis, BibSource};

/// The catalogue papers of each work listed more than once: catalogue key to the keys of its
/// work, in the analysis's order (`papers[].keys`, the graph's decision). A key of no such work
/// is not in the map.
pub(super) fn work_keys(analysis: &Analysis) -> HashMap<&str, &[String]> {
    let mut of = HashMap::new();
    for paper in analysis.papers.iter().filter(|p| p.keys.len() > 1) {
        for key in &paper.keys {
            of.insert(key.as_str(), paper.keys.as_slice());
        }
    }
    of
}

/// The sources of `source`'s work, in catalogue (bibliography) order: `source` alone when its
/// work is listed once.
pub(super) fn work_sources<'a>(
    analysis: &'a Analysis,
    works: &HashMap<&str, &[String]>,
    source: &'a BibSource,
) -> Vec<&'a BibSource> {
    match works.get(source.key.as_str()) {
        Some(keys) => analysis
            .bibliography
            .iter()
            .filter(|s| keys.contains(&s.key))
            .collect(),
        None => vec![source],
    }
}

/// A DOI of a preprint server (arXiv's `10.48550/arXiv.ID`), not a publisher's.
pub(super) fn is_preprint_doi(doi: &str) -> bool {
    doi.to_ascii_lowercase().starts_with("10.48550/")
}

/// Whether a source describes the published version: a publisher's DOI or a venue that is not
/// a preprint server.
fn is_published(source: &BibSource) -> bool {
    source
        .doi
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty() && !is_preprint_doi(d))
        || source
            .venue
            .as_deref()
            .is_some_and(|v| !v.trim().is_empty() && !super::is_preprint(v))
}

/// One source for a work's listings (`sources` non-empty, in catalogue order): the published
/// version's facts over the preprint's (the first source that [`is_published`], else the first
/// source), each field taken from it when it has one and else from the first source that does;
/// the publisher's DOI over an arXiv DOI; the arXiv id from whichever has one (kept as the
/// `eprint`); the list's own BibTeX block from the same source as the key when it has one.
/// `None` for no source.
pub(super) fn merged(sources: &[&BibSource]) -> Option<BibSource> {
    let primary = sources
        .iter()
        .find(|s| is_published(s))
        .or_else(|| sources.first())?;
    let mut order: Vec<&BibSource> = vec![primary];
    order.extend(sources.iter().filter(|s| s.key != primary.key));
    let first = |pick: &dyn Fn(&BibSource) -> Option<String>| order.iter().find_map(|s| pick(s));
    let non_empty = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let doi = first(&|s| non_empty(&s.doi).filter(|d| !is_preprint_doi(d)))
        .or_else(|| first(&|s| non_empty(&s.doi)));
    let venue = first(&|s| non_empty(&s.venue).filter(|v| !super::is_preprint(v)))
        .or_else(|| first(&|s| non_empty(&s.venue)));
    let block = order.iter().find(|s| s.bibtex.is_some());
    Some(BibSource {
        key: primary.key.clone(),
        paper_id: first(&|s| s.paper_id.clone()),
        bibtex_key: block.and_then(|s| s.bibtex_key.clone()),
        bibtex: block.and_then(|s| s.bibtex.clone()),
        title: order
            .iter()
            .map(|s| s.title.clone())
            .find(|t| !t.trim().is_empty())
            .unwrap_or_default(),
        authors: order
            .iter()
            .map(|s| s.authors.clone())
            .find(|a| !a.is_empty())
            .unwrap_or_default(),
        venue,
        year: order.iter().find_map(|s| s.year),
        doi,
        arxiv: first(&|s| non_empty(&s.arxiv)),
        listings: order.iter().flat_map(|s| s.listings.clone()).collect(),
        applications: order.iter().flat_map(|s| s.applications.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(key: &str) -> BibSource {
        BibSource {
            key: key.into(),
            title: format!("Title of {key}"),
            ..BibSource::default()
        }
    }

    #[test]
    fn the_published_version_leads_and_the_preprint_keeps_its_eprint() {
        let preprint = BibSource {
            title: "Adaptive Token Sampling for Efficient Vision Transformers".into(),
            authors: vec!["Mohsen Fayyaz".into()],
            venue: Some("arXiv.org".into()),
            year: Some(2021),
            doi: Some("10.48550/arXiv.2111.15667".into()),
            arxiv: Some("2111.15667".into()),
            bibtex_key: Some("fayyaz2021ats".into()),
            bibtex: Some("@article{fayyaz2021ats, title={ATS}}".into()),
            ..source("arxiv:2111.15667")
        };
        let published = BibSource {
            title: "ATS: Adaptive Token Sampling for Efficient Vision Transformers".into(),
            venue: Some("European Conference on Computer Vision".into()),
            year: Some(2022),
            doi: Some("10.1007/978-3-031-20083-0_24".into()),
            ..source("title:ats")
        };
        let merged = merged(&[&preprint, &published]).unwrap();
        assert_eq!(merged.key, "title:ats");
        assert_eq!(merged.title, published.title);
        assert_eq!(merged.year, Some(2022));
        assert_eq!(merged.venue, published.venue);
        assert_eq!(merged.doi, published.doi);
        assert_eq!(merged.arxiv.as_deref(), Some("2111.15667"));
        // Authors and the list's block come from the preprint, which alone has them.
        assert_eq!(merged.authors, preprint.authors);
        assert_eq!(merged.bibtex_key.as_deref(), Some("fayyaz2021ats"));
        // Two preprints: the first leads.
        let other = source("title:other");
        assert_eq!(merged_key(&[&preprint, &other]), "arxiv:2111.15667");
        assert!(super::merged(&[]).is_none());
    }

    fn merged_key(sources: &[&BibSource]) -> String {
        merged(sources).unwrap().key
    }
}
