//! The evaluation section (`run --evaluate`): how often the missing-paper suggestions are right,
//! measured by holding out catalogue papers ([`crate::analysis::evaluate`]).

use super::table::{fixed, num, percent, table, text};
use crate::analysis::evaluate::{Evaluation, Method, RECALL_AT};
use crate::render::escape;

/// The section's HTML: what was done, the pooled recall@k of each method (with the repeats'
/// range), and the background and mechanism numbers.
pub(super) fn section(evaluation: &Evaluation) -> String {
    let Some(head) = evaluation.pooled(Method::Citegraph, RECALL_AT[0]) else {
        return "<p class=\"empty\">Nothing to evaluate: fewer than two catalogue papers.</p>\n"
            .to_string();
    };
    let mut out = format!(
        "<p>Leave-one-out on the list itself: in each of {} repeats (seed {}), {} of the {} \
         catalogue papers in the graph ({}, stratified by mechanism and year) are held out and \
         analysed as if never listed, keeping only their links to and from the remaining \
         catalogue papers. A held-out paper is found at <i>k</i> when it is among the first \
         <i>k</i> in-scope missing papers of its kind. The baselines rank the same rows by \
         catalogue links alone and by PageRank alone. <code>evaluation.csv</code> holds every \
         repeat, <code>evaluation_papers.csv</code> every held-out paper.</p>\n",
        evaluation.repeats,
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
            " Of the {} named landmarks with a row, {} were called background; background \
             precision (landmarks among the background calls on papers of known truth): {}.</p>\n",
            head.landmarks,
            head.landmarks_background,
            percent(precision)
        )),
        None => out.push_str(
            " No landmarks were named (<code>--background FILE</code>), so the background \
             precision is not measured.</p>\n",
        ),
    }
    out.push_str(&missed(evaluation));
    out
}

/// How many held-out papers to name in the table of misses.
const MISSED_SHOWN: usize = 15;

/// The held-out papers citegraph did not place in its first 50, the most linked first (the most
/// telling misses), each with its reason; all of them are in `evaluation_papers.csv`.
fn missed(evaluation: &Evaluation) -> String {
    const K: usize = 50;
    let mut misses: Vec<(&crate::analysis::evaluate::HeldOutPaper, String)> = evaluation
        .papers
        .iter()
        .filter_map(|p| p.miss_reason(K).map(|why| (p, why)))
        .collect();
    if evaluation.papers.is_empty() {
        return String::new();
    }
    if misses.is_empty() {
        return format!("<p>Every held-out paper was among the first {K}.</p>\n");
    }
    misses.sort_by(|a, b| {
        b.0.catalog_links
            .cmp(&a.0.catalog_links)
            .then_with(|| a.0.repeat.cmp(&b.0.repeat))
            .then_with(|| a.0.paper_id.cmp(&b.0.paper_id))
    });
    let mut out = format!(
        "<p>Missed at {K}: {} of the {} held-out papers over all repeats. The {} with the most \
         catalogue links (the misses that say most about the ranking):</p>\n",
        misses.len(),
        evaluation.papers.len(),
        misses.len().min(MISSED_SHOWN),
    );
    let rows: Vec<Vec<String>> = misses
        .iter()
        .take(MISSED_SHOWN)
        .map(|(p, why)| {
            vec![
                escape::html(&crate::render::labels::plain_math(&p.title)),
                p.year.map(|y| y.to_string()).unwrap_or_default(),
                escape::html(&p.mechanism),
                p.catalog_links.to_string(),
                escape::html(why),
                p.repeat.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            text("Held-out paper"),
            num("Year"),
            text("Mechanism"),
            num("Catalogue links"),
            text("Why missed"),
            num("Repeat"),
        ],
        &rows,
        "evaluation-missed",
    ));
    out
}
