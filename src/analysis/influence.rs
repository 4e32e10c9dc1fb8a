//! The influence score of catalogue papers (`--influence`).
//!
//! Classic (the default):
//!
//! ```text
//! score = 0.40 pct(PageRank) + 0.25 pct(catalogue citations) + 0.15 pct(authority)
//!       + 0.10 pct(betweenness) + 0.10 pct(Semantic Scholar citation count)
//! ```
//!
//! where pct(x) is the paper's percentile among the catalogue papers (mid-rank: ties share the
//! average, so 0 < pct < 1). Percentiles make metrics of very different scales and skews
//! comparable and keep one extreme value from dominating. PageRank and the catalogue's own
//! citations weigh most: they measure influence inside this body of work; authority (HITS) and
//! betweenness add being cited by good hubs and bridging sub-areas; the global count keeps a
//! paper famous elsewhere from looking obscure because the list cites it little.
//!
//! Age-fair (`--influence age-fair`): the same weights over the same five metrics, each first
//! rescaled for age as Mariani, Medo & Zhang rescale PageRank ("Identification of milestone
//! papers through time-balanced network centrality", J. Informetrics 2016): as a z-score among
//! the catalogue papers published closest in time,
//!
//! ```text
//! score = 0.40 pct(z PageRank) + 0.25 pct(z catalogue citations) + 0.15 pct(z authority)
//!       + 0.10 pct(z betweenness) + 0.10 pct(z citation count)
//! z x   = (x - mean of x over the window) / sd of x over the window, rounded to 1e-9
//! ```
//!
//! where the window is the w catalogue papers closest in publication year (ordered by year,
//! ties by node; shifted to fit at both ends), w = max(10, a tenth of the dated catalogue
//! papers). A paper competes with the papers of its time: a 2024 paper cited by ten catalogue
//! papers can outrank a 2017 one cited by fifty, if the 2017 cohort is cited more. A paper
//! without a year, or in a window without spread, takes z = 0 (typical for its time).

use serde::{Deserialize, Serialize};

use super::{GraphMetrics, InfluentialPaper};

const WEIGHTS: [f64; 5] = [0.40, 0.25, 0.15, 0.10, 0.10];

/// Which composite influence score ranks the catalogue papers (`--influence`): the ranking,
/// `influential.csv`'s `score`, Figs. 4 and 5 and the report's influential tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InfluenceScore {
    /// PageRank, catalogue citations, authority, betweenness, citation count.
    #[default]
    Classic,
    /// The classic terms, each a z-score among the catalogue papers closest in time.
    AgeFair,
}

impl InfluenceScore {
    /// The option's value: `classic` or `age-fair`.
    pub fn as_str(self) -> &'static str {
        match self {
            InfluenceScore::Classic => "classic",
            InfluenceScore::AgeFair => "age-fair",
        }
    }

    /// The formula, for captions and the summary.
    pub fn formula(self) -> &'static str {
        match self {
            InfluenceScore::Classic => {
                "0.40 PageRank + 0.25 catalogue citations + 0.15 authority + 0.10 betweenness \
                 + 0.10 global citations, each as a percentile among the catalogue papers"
            }
            InfluenceScore::AgeFair => {
                "0.40 PageRank + 0.25 catalogue citations + 0.15 authority + 0.10 betweenness \
                 + 0.10 global citations, each first a z-score among the catalogue papers \
                 published closest in time (a tenth of them, at least 10), then a percentile \
                 among the catalogue papers"
            }
        }
    }
}

/// The score of every catalogue node under `kind` (0 for the other nodes); see the module
/// documentation for the formulas.
pub fn scores(cx: &GraphMetrics<'_>, kind: InfluenceScore) -> Vec<f64> {
    let nodes = &cx.catalog_nodes;
    let mut metric_values: [Vec<f64>; 5] = [
        nodes.iter().map(|&v| cx.pagerank[v as usize]).collect(),
        nodes
            .iter()
            .map(|&v| f64::from(cx.catalog_citations[v as usize]))
            .collect(),
        nodes.iter().map(|&v| cx.authority[v as usize]).collect(),
        nodes.iter().map(|&v| cx.betweenness[v as usize]).collect(),
        nodes
            .iter()
            .map(|&v| cx.graph.node(v).citation_count.unwrap_or(0) as f64)
            .collect(),
    ];
    if kind == InfluenceScore::AgeFair {
        let years: Vec<Option<f64>> = nodes
            .iter()
            .map(|&v| cx.graph.node(v).year.map(f64::from))
            .collect();
        let window = cohort_window(years.iter().flatten().count());
        for values in &mut metric_values {
            // The inputs are finite and the window at least 2: the kernel cannot refuse them.
            let rescaled = crate::metrics::rescaled_pagerank(values, &years, window)
                .unwrap_or_else(|_| vec![None; values.len()]);
            // Rounded to 1e-9: two papers whose windows hold the same values (a run of
            // uncited papers) tie, whatever the rounding of the windows' sums.
            *values = rescaled
                .into_iter()
                .map(|z| (z.unwrap_or(0.0) * 1e9).round() / 1e9)
                .collect();
        }
    }
    let mut score = vec![0.0; cx.graph.node_count()];
    for (values, weight) in metric_values.iter().zip(WEIGHTS) {
        for (&v, p) in nodes.iter().zip(percentiles(values)) {
            score[v as usize] += weight * p;
        }
    }
    score
}

/// The age-fair score's time window, in catalogue papers: a tenth of the dated catalogue
/// papers, at least [`MIN_COHORT`] (a year or less of a list that grows by dozens of papers a
/// year).
pub fn cohort_window(dated: usize) -> usize {
    (dated / 10).max(MIN_COHORT)
}

/// The smallest age-fair window: fewer papers make a z-score of noise.
pub const MIN_COHORT: usize = 10;

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
