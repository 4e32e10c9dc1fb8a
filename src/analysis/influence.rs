//! The influence score of catalogue papers.
//!
//! score = 0.40 pct(PageRank) + 0.25 pct(catalogue citations) + 0.15 pct(authority)
//!       + 0.10 pct(betweenness) + 0.10 pct(Semantic Scholar citation count)
//!
//! where pct(x) is the paper's percentile among the catalogue papers (mid-rank: ties share the
//! average, so 0 < pct < 1). Percentiles make metrics of very different scales and skews
//! comparable and keep one extreme value from dominating. PageRank and the catalogue's own
//! citations weigh most: they measure influence inside this body of work; authority (HITS) and
//! betweenness add being cited by good hubs and bridging sub-areas; the global count keeps a
//! paper famous elsewhere from looking obscure because the list cites it little.

use super::{GraphMetrics, InfluentialPaper};

const WEIGHTS: [f64; 5] = [0.40, 0.25, 0.15, 0.10, 0.10];

/// The score of every catalogue node (0 for the other nodes).
pub fn scores(cx: &GraphMetrics<'_>) -> Vec<f64> {
    let nodes = &cx.catalog_nodes;
    let metric_values: [Vec<f64>; 5] = [
        nodes.iter().map(|&v| cx.pagerank[v as usize]).collect(),
        nodes
            .iter()
            .map(|&v| cx.catalog_citations[v as usize] as f64)
            .collect(),
        nodes.iter().map(|&v| cx.authority[v as usize]).collect(),
        nodes.iter().map(|&v| cx.betweenness[v as usize]).collect(),
        nodes
            .iter()
            .map(|&v| cx.graph.node(v).citation_count.unwrap_or(0) as f64)
            .collect(),
    ];
    let mut score = vec![0.0; cx.graph.node_count()];
    for (values, weight) in metric_values.iter().zip(WEIGHTS) {
        for (&v, p) in nodes.iter().zip(percentiles(values)) {
            score[v as usize] += weight * p;
        }
    }
    score
}

/// Mid-rank percentile of each value: (values below + half the values equal) / count.
pub fn percentiles(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let equal = (j - i + 1) as f64;
        let p = (i as f64 + equal / 2.0) / n as f64;
        for &k in &order[i..=j] {
            out[k] = p;
        }
        i = j + 1;
    }
    out
}

/// Catalogue papers by descending influence score (ties by key).
pub fn ranking(cx: &GraphMetrics<'_>) -> Vec<InfluentialPaper> {
    let mut nodes = cx.catalog_nodes.clone();
    nodes.sort_by(|&a, &b| {
        cx.influence[b as usize]
            .total_cmp(&cx.influence[a as usize])
            .then_with(|| cx.key(a).cmp(&cx.key(b)))
    });
    nodes
        .iter()
        .enumerate()
        .filter_map(|(rank, &v)| {
            let info = cx.info(v)?;
            let node = cx.graph.node(v);
            Some(InfluentialPaper {
                rank: rank + 1,
                key: info.key.clone(),
                paper_id: node.paper_id.clone(),
                title: node.title.clone(),
                abbreviation: info.abbreviation.clone(),
                year: node.year,
                mechanisms: info.mechanisms.clone(),
                score: cx.influence[v as usize],
                pagerank: cx.pagerank[v as usize],
                catalog_citations: cx.catalog_citations[v as usize],
                citation_count: node.citation_count,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mid_rank_percentiles() {
        assert_eq!(
            percentiles(&[3.0, 1.0, 2.0, 2.0]),
            vec![0.875, 0.125, 0.5, 0.5]
        );
        assert_eq!(percentiles(&[]), Vec::<f64>::new());
    }
}
