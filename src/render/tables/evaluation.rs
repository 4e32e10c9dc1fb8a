//! `evaluation.csv`: the leave-one-out evaluation ([`crate::analysis::evaluate`]), one row per
//! method, k and repeat, then the pooled rows (`repeat` = `pooled`). README, "Evaluation",
//! documents every column.

use std::io::{self, Write};

use super::{num, Fill, Table};
use crate::analysis::evaluate::Evaluation;
use crate::analysis::Analysis;

/// The file name.
pub const FILE_NAME: &str = "evaluation.csv";

/// `evaluation.csv` when the analysis holds an evaluation (`run --evaluate`).
pub(super) fn files(analysis: &Analysis) -> Vec<(&'static str, Fill<'_>)> {
    match &analysis.evaluation {
        Some(evaluation) => vec![(FILE_NAME, Box::new(move |w| write(evaluation, w)))],
        None => Vec::new(),
    }
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
