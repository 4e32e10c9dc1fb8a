//! The evaluation section (`run --evaluate`): how often the missing-paper suggestions are right,
//! measured by holding out catalogue papers ([`crate::analysis::evaluate`]).

use super::table::{fixed, num, percent, table, text};
use crate::analysis::evaluate::{Evaluation, HeldOutPaper, Method, RECALL_AT};
use crate::render::escape;

/// The section's HTML: what was done, the pooled recall@k of each method (with the repeats'
/// range), and the background and mechanism numbers.
pub(super) fn section(evaluation: &Evaluation) -> String {
    let Some(head) = evaluation.pooled(Method::Citegraph, RECALL_AT[0]) else {
        return "<p class=\"empty\">Nothing to evaluate: fewer than two catalogue papers.</p>\n"
            .to_string();
    };
    let mut out = format!(
        "<p>Leave-one-out on the list itself: in each of {} (seed {}), {} of the {} \
         catalogue papers in the graph ({}, stratified by mechanism and year) are held out and \
         analysed as if never listed, keeping only their links to and from the remaining \
         catalogue papers. A held-out paper is found at <i>k</i> when it is among the first \
         <i>k</i> in-scope missing papers of its kind. The baselines rank the same rows by \
         catalogue links alone and by PageRank alone. <code>evaluation.csv</code> holds every \
         repeat, <code>evaluation_papers.csv</code> every held-out paper.</p>\n",
        crate::text::count(evaluation.repeats, "repeat"),
        evaluation.seed,
        head.held_out / evaluation.repeats.max(1),
        evaluation.catalog_papers,
        percent(evaluation.holdout),
    );
    let rows: Vec<Vec<String>> = Method::ALL
        .iter()
        .map(|&method| {
            let mut cells = vec![escape::html(method.label())];
            for k in RECALL_AT {
                cells.push(match evaluation.pooled(method, k) {
                    Some(r) => format!(
                        "{} <small>({}&ndash;{})</small>",
                        fixed(r.recall, 2),
                        fixed(r.recall_min.unwrap_or(r.recall), 2),
                        fixed(r.recall_max.unwrap_or(r.recall), 2)
                    ),
                    None => "n/a".to_string(),
                });
            }
            cells
        })
        .collect();
    out.push_str(&table(
        &[
            text("Ranking"),
            num("Recall@10"),
            num("Recall@25"),
            num("Recall@50"),
            num("Recall@100"),
        ],
        &rows,
        "evaluation",
    ));
    let share = |x: Option<f64>| x.map_or_else(|| "n/a".to_string(), percent);
    out.push_str(&format!(
        "<p>Of the {} held-out papers, {} had enough catalogue links to be listed at all, and \
         {} ({}) were called <code>background</code>: each a suggestion lost. Their predicted \
         mechanism was one of their badges for {} of those with a prediction ({} \
         <code>uncertain</code>).",
        head.held_out,
        head.listed,
        head.background,
        percent(head.background_share()),
        share(head.mechanism_accuracy()),
        share(head.uncertain_rate()),
    ));
    match head.background_precision() {
        Some(precision) => out.push_str(&format!(
            " {} landmarks were named (<code>--background FILE</code>); over the {} repeats, {} \
             of their {} rows (each landmark once a repeat) were called background. Background \
             precision, the landmarks' share of the background calls on papers of known truth: \
             {} ({} of {}).</p>\n",
            evaluation.landmarks_named,
            evaluation.repeats,
            head.landmarks_background,
            head.landmarks,
            percent(precision),
            head.landmarks_background,
            head.landmarks_background + head.background,
        )),
        None => out.push_str(
            " No landmarks were named (<code>--background FILE</code>), so the background \
             precision is not measured.</p>\n",
        ),
    }
    out.push_str(
        "<p>The figure <a href=\"#fig-evaluation\">Held-out recall@k</a> draws these curves, \
         with the range over the repeats.</p>\n",
    );
    out.push_str(&missed(evaluation));
    out
}

/// How many held-out papers to name in the table of misses.
const MISSED_SHOWN: usize = 15;

/// The held-out papers citegraph did not place in its first 50, each once (with the repeats that
/// held it out): first those the ranking had in hand (listed, but background or ranked too low),
/// then those with too few catalogue links to be listed, the most linked first; all of them are
/// in `evaluation_papers.csv`.
fn missed(evaluation: &Evaluation) -> String {
    use std::collections::BTreeMap;
    const K: usize = 50;
    if evaluation.papers.is_empty() {
        return String::new();
    }
    let mut by_paper: BTreeMap<&str, (&HeldOutPaper, String, Vec<usize>)> = BTreeMap::new();
    let mut misses_total = 0;
    for paper in &evaluation.papers {
        let Some(why) = paper.miss_reason(K) else {
            continue;
        };
        misses_total += 1;
        let entry = by_paper
            .entry(paper.paper_id.as_str())
            .or_insert_with(|| (paper, why, Vec::new()));
        entry.2.push(paper.repeat);
    }
    if by_paper.is_empty() {
        return format!("<p>Every held-out paper was among the first {K}.</p>\n");
    }
    let mut misses: Vec<(&HeldOutPaper, String, Vec<usize>)> = by_paper.into_values().collect();
    misses.sort_by(|a, b| {
        b.0.listed
            .cmp(&a.0.listed)
            .then_with(|| b.0.catalog_links.cmp(&a.0.catalog_links))
            .then_with(|| a.0.paper_id.cmp(&b.0.paper_id))
    });
    let in_hand = misses.iter().filter(|m| m.0.listed).count();
    let mut out = format!(
        "<p>Missed at {K}: {misses_total} of the {} held-out papers over all repeats ({} distinct \
         papers). {in_hand} of them were listed but called background or ranked below {K}: \
         those the ranking had in hand, shown first; the others had too few catalogue links to \
         be listed at all (<code>--min-catalog-links</code> of one kind). The first {}:</p>\n",
        evaluation.papers.len(),
        misses.len(),
        misses.len().min(MISSED_SHOWN),
    );
    let rows: Vec<Vec<String>> = misses
        .iter()
        .take(MISSED_SHOWN)
        .map(|(p, why, repeats)| {
            vec![
                escape::html(&crate::render::labels::plain_math(&p.title)),
                p.year.map(|y| y.to_string()).unwrap_or_default(),
                escape::html(&p.mechanism),
                p.catalog_links.to_string(),
                escape::html(why),
                repeats
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Held-out paper"),
            num("Year"),
            text("Mechanism"),
            num("Catalogue links"),
            text("Why missed (first repeat)"),
            num("Repeats"),
        ],
        &rows,
        "evaluation-missed",
    ));
    out
}
