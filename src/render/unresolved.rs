//! `OUTPUT/unresolved.csv`: every catalogue paper that could not be matched to a Semantic
//! Scholar record, and every one in the graph with a list missing, with where it is listed, why,
//! and its status, so that none is dropped or cut short silently.

use anyhow::Result;

use super::{escape, OutputFile};
use crate::catalog::Catalog;
use crate::records::Resolution;

/// `unresolved.csv` (`key,title,year,ids,listed_at,reason,status`), for
/// [`super::write_outputs`]: one row per catalogue paper that did not resolve or has a gap
/// ([`Resolution::gap`]), in catalogue order, every cell quoted and its text through
/// [`escape::csv`]; a header alone when every paper resolved whole. `status` is
/// [`crate::records::Gap::status`]: `unresolved` (Semantic Scholar does not know it: not a gap),
/// `request failed` or `not cached` (unresolved, a rerun may resolve it), `references
/// incomplete`, `citations incomplete`, `references and citations incomplete` (in the graph,
/// that list missing); and `record moved` / `record vanished` for the rows
/// `watch::unresolved_rows` adds (their reason starts with those words).
pub fn unresolved_file(catalog: &Catalog, resolutions: &[Resolution]) -> Result<OutputFile> {
    let papers: std::collections::HashMap<&str, &crate::catalog::CatalogPaper> =
        catalog.papers.iter().map(|p| (p.key.as_str(), p)).collect();
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    writer.write_record([
        "key",
        "title",
        "year",
        "ids",
        "listed_at",
        "reason",
        "status",
    ])?;
    for resolution in resolutions
        .iter()
        .filter(|r| r.paper_id.is_none() || !r.gap.is_none())
    {
        let paper = papers.get(resolution.key.as_str());
        let title = paper.map(|p| p.title.clone()).unwrap_or_default();
        let year = paper
            .and_then(|p| p.year)
            .map(|y| y.to_string())
            .unwrap_or_default();
        let ids = paper.map(|p| ids_of(p)).unwrap_or_default();
        let listed_at = paper
            .map(|p| {
                p.listings
                    .iter()
                    .map(|l| format!("{}:{}", l.file, l.line))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let reason = resolution.note.clone().unwrap_or_default();
        // The rows of records that moved or vanished (`watch::unresolved_rows`) say so in their
        // reason's first words, and have their own status: the paper is in the graph.
        let status = match reason.split_once(':') {
            Some((kind @ ("record moved" | "record vanished"), _)) => kind.to_string(),
            _ => resolution.gap.status().to_string(),
        };
        let row = [
            &resolution.key,
            &title,
            &year,
            &ids,
            &listed_at,
            &reason,
            &status,
        ];
        writer.write_record(row.iter().map(|cell| escape::csv(cell).into_owned()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|err| anyhow::anyhow!("cannot encode unresolved.csv: {err}"))?;
    Ok(OutputFile::new("unresolved.csv", bytes))
}

fn ids_of(paper: &crate::catalog::CatalogPaper) -> String {
    let ids = &paper.ids;
    [
        ids.arxiv.as_ref().map(|v| format!("arXiv:{v}")),
        ids.doi.as_ref().map(|v| format!("DOI:{v}")),
        ids.acl.as_ref().map(|v| format!("ACL:{v}")),
        ids.openreview.as_ref().map(|v| format!("OpenReview:{v}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{CatalogPaper, Listing};

    #[test]
    fn lists_unresolved_papers_with_reasons() {
        let catalog = Catalog {
            papers: vec![
                CatalogPaper {
                    key: "title:=cmd".into(),
                    title: "=cmd|' /C calc'!A0, \"quoted\"".into(),
                    year: Some(2023),
                    listings: vec![Listing {
                        file: "Vision Domain/x.md".into(),
                        line: 12,
                        ..Listing::default()
                    }],
                    ..CatalogPaper::default()
                },
                CatalogPaper {
                    key: "arxiv:1".into(),
                    title: "Found".into(),
                    ..CatalogPaper::default()
                },
            ],
            ..Catalog::default()
        };
        let resolutions = vec![
            Resolution {
                key: "title:=cmd".into(),
                paper_id: None,
                method: None,
                note: Some("no title match on Semantic Scholar".into()),
                gap: crate::records::Gap::None,
            },
            Resolution {
                key: "arxiv:1".into(),
                paper_id: Some("abc".into()),
                method: Some(crate::records::ResolveMethod::Arxiv),
                note: None,
                gap: crate::records::Gap::None,
            },
            Resolution {
                key: "arxiv:2".into(),
                paper_id: Some("def".into()),
                method: Some(crate::records::ResolveMethod::Arxiv),
                note: Some("citations incomplete: GET failed".into()),
                gap: crate::records::Gap::Citations,
            },
            Resolution {
                key: "arxiv:3".into(),
                paper_id: None,
                method: None,
                note: Some("the lookup of ARXIV:3 failed".into()),
                gap: crate::records::Gap::RequestFailed,
            },
        ];
        let file = unresolved_file(&catalog, &resolutions).unwrap();
        assert_eq!(file.relative_path, std::path::Path::new("unresolved.csv"));
        let mut reader = csv::Reader::from_reader(file.contents.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(
            reader.headers().unwrap(),
            vec![
                "key",
                "title",
                "year",
                "ids",
                "listed_at",
                "reason",
                "status"
            ]
        );
        assert_eq!(rows.len(), 3, "the paper resolved whole is left out");
        assert_eq!(&rows[0][0], "title:=cmd");
        assert_eq!(&rows[0][1], "'=cmd|' /C calc'!A0, \"quoted\"");
        assert_eq!(&rows[0][2], "2023");
        assert_eq!(&rows[0][4], "Vision Domain/x.md:12");
        assert_eq!(&rows[0][5], "no title match on Semantic Scholar");
        assert_eq!(&rows[0][6], "unresolved");
        assert_eq!(&rows[1][0], "arxiv:2");
        assert_eq!(&rows[1][6], "citations incomplete");
        assert_eq!(&rows[2][6], "request failed");
    }
}
