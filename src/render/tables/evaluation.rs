//! `evaluation.csv`: the leave-one-out evaluation ([`crate::analysis::evaluate`]), one row per
//! method, k and repeat, then the pooled rows (`repeat` = `pooled`). README, "Evaluation",
//! documents every column.

use std::io::{self, Write};

use super::{num, Fill, Table};
use crate::analysis::evaluate::Evaluation;
use crate::analysis::Analysis;

/// The file name.
pub const FILE_NAME: &str = "evaluation.csv";

/// The held-out papers' file: one row per held-out paper and repeat.
pub const PAPERS_FILE_NAME: &str = "evaluation_papers.csv";

/// Every file an evaluation writes (the tables, then the figure's), for removing those of an
/// earlier evaluation when a run has none.
pub const ALL_FILES: [&str; 5] = [
    FILE_NAME,
    PAPERS_FILE_NAME,
    "figures/evaluation.svg",
    "figures/evaluation.png",
    "figures/evaluation.pdf",
];

/// `evaluation.csv` and `evaluation_papers.csv` when the analysis holds an evaluation (`run
/// --evaluate`, `evaluate`).
pub(super) fn files(analysis: &Analysis) -> Vec<(&'static str, Fill<'_>)> {
    match &analysis.evaluation {
        Some(evaluation) => vec![
            (FILE_NAME, Box::new(move |w| write(evaluation, w))),
            (
                PAPERS_FILE_NAME,
                Box::new(move |w| write_papers(evaluation, w)),
            ),
        ],
        None => Vec::new(),
    }
}

/// Writes `evaluation_papers.csv`: for each repeat, each held-out paper (by paper id), with its
/// rank under each method (empty when it has no in-scope row).
pub fn write_papers(evaluation: &Evaluation, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(
        w,
        &[
            "repeat",
            "paper_id",
            "title",
            "year",
            "mechanism",
            "catalog_links",
            "catalog_citers",
            "catalog_references",
            "listed",
            "scope",
            "rank_citegraph",
            "rank_catalog_links",
            "rank_pagerank",
            "predicted_mechanism",
        ],
    )?;
    for p in &evaluation.papers {
        let scope = match (p.listed, p.background) {
            (false, _) => "unlisted",
            (true, true) => "background",
            (true, false) => "in-scope",
        };
        let rank = |r: Option<usize>| r.map(|r| r.to_string()).unwrap_or_default();
        t.cell(p.repeat.to_string())?;
        t.text(&p.paper_id)?;
        t.text(&p.title)?;
        t.cell(p.year.map(|y| y.to_string()).unwrap_or_default())?;
        t.text(&p.mechanism)?;
        t.cell(p.catalog_links.to_string())?;
        t.cell(p.catalog_citers.to_string())?;
        t.cell(p.catalog_references.to_string())?;
        t.cell(p.listed.to_string())?;
        t.cell(scope)?;
        t.cell(rank(p.rank[0]))?;
        t.cell(rank(p.rank[1]))?;
        t.cell(rank(p.rank[2]))?;
        t.text(p.predicted_mechanism.as_deref().unwrap_or(""))?;
        t.end_row()?;
    }
    t.finish()
}

/// A number, or an empty cell when undefined.
fn maybe(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

/// Writes the table.
pub fn write(evaluation: &Evaluation, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(
        w,
        &[
            "method",
            "k",
            "repeat",
            "holdout",
            "seed",
            "held_out",
            "found",
            "recall",
            "recall_min",
            "recall_max",
            "listed",
            "background",
            "background_share",
            "mechanism_right",
            "mechanism_wrong",
            "mechanism_uncertain",
            "mechanism_accuracy",
            "uncertain_rate",
            "landmarks",
            "landmarks_background",
            "background_precision",
        ],
    )?;
    for r in &evaluation.rows {
        t.row(&[
            r.method.as_str().to_string(),
            r.k.to_string(),
            r.repeat
                .map_or_else(|| "pooled".to_string(), |n| n.to_string()),
            num(evaluation.holdout),
            evaluation.seed.to_string(),
            r.held_out.to_string(),
            r.found.to_string(),
            num(r.recall),
            maybe(r.recall_min),
            maybe(r.recall_max),
            r.listed.to_string(),
            r.background.to_string(),
            num(r.background_share()),
            r.mechanism_right.to_string(),
            r.mechanism_wrong.to_string(),
            r.mechanism_uncertain.to_string(),
            maybe(r.mechanism_accuracy()),
            maybe(r.uncertain_rate()),
            r.landmarks.to_string(),
            r.landmarks_background.to_string(),
            maybe(r.background_precision()),
        ])?;
    }
    t.finish()
}
