//! How the list covers the citation graph: the completeness of each mechanism, and the graph's
//! clusters (communities) with the mechanism most of their catalogue papers carry.

use std::fmt::Write as _;

use super::table::{meter, num, paper_list, table, text};
use super::Page;
use crate::render::{escape, labels};

/// Clusters shown in the report's table (the largest; `clusters.csv` lists every one).
pub const CLUSTERS_SHOWN: usize = 20;

/// The coverage section: per mechanism, the linked papers and the share already in the list.
pub(super) fn coverage_per_mechanism(page: &Page<'_>) -> String {
    let mut out = String::from(
        "<p>For each mechanism, the papers linked to at least <i>k</i> of its catalogue papers, \
         and how many of them the list already holds. Low completeness points at a part of the \
         list worth a second look.</p>\n",
    );
    let rows: Vec<Vec<String>> = page
        .analysis
        .coverage
        .iter()
        .map(|c| {
            vec![
                page.mechanism(&c.mechanism),
                c.k.to_string(),
                c.linked.to_string(),
                c.missing.to_string(),
                meter(c.completeness.unwrap_or(f64::NAN), ""),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Mechanism"),
            num("k"),
            num("Linked papers"),
            num("Not in the list"),
            text("Completeness"),
        ],
        &rows,
        "coverage",
    ));
    out
}

/// The communities by size, each with its name, its size, its top papers and the mechanism
/// most of its catalogue papers carry (`clusters.csv`'s data).
pub(super) fn clusters(page: &Page<'_>) -> String {
    let analysis = page.analysis;
    let mut out = format!(
        "<p>The communities of the {} network (Leiden, modularity {:.3}, resolution {}), largest \
         first, each named by the title terms most distinctive of it against the rest of the \
         graph (Dunning's log-likelihood ratio, as CiteSpace labels clusters) and the short name \
         of its best-known catalogue paper. The same names label the communities figure, the \
         cluster map (shortened there to the id and first term) and the citation map's filter; \
         <code>clusters.csv</code> lists every community.</p>\n",
        analysis.maps.community_network.as_str(),
        analysis.summary.modularity,
        analysis.maps.resolution,
    );
    let mut ranked: Vec<&crate::analysis::Cluster> = analysis.clusters.iter().collect();
    ranked.sort_by(|a, b| b.size.cmp(&a.size).then(a.community.cmp(&b.community)));
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .take(CLUSTERS_SHOWN)
        .map(|c| {
            vec![
                escape::html(&page.view.community_name(c.community)),
                c.size.to_string(),
                c.catalog_papers.to_string(),
                paper_list(
                    &c.top_papers
                        .iter()
                        .map(|p| escape::html(&labels::one_line(p)))
                        .collect::<Vec<_>>(),
                ),
                if c.dominant_mechanism.is_empty() {
                    "&ndash;".to_string()
                } else {
                    page.mechanism(&c.dominant_mechanism)
                },
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Cluster"),
            num("Papers"),
            num("Catalogue papers"),
            text("Top papers (PageRank)"),
            text("Dominant mechanism"),
        ],
        &rows,
        "clusters",
    ));
    if ranked.len() > CLUSTERS_SHOWN {
        let _ = writeln!(
            out,
            "<p class=\"note\">{} smaller clusters are in <code>clusters.csv</code>.</p>",
            ranked.len() - CLUSTERS_SHOWN
        );
    }
    out
}
