//! The time analyses' tables: lineage.csv, lineage_key_routes.csv, lineage_by_mechanism.csv,
//! bursts.csv, bursts_by_mechanism.csv and rpys.csv (see [`crate::analysis::time`]). Search path
//! counts are exact integers, written in full.

use std::io::{self, Write};

use super::{num, text, Fill, Table};
use crate::analysis::Analysis;

/// The files and how to fill each.
pub(super) fn files(analysis: &Analysis) -> Vec<(&'static str, Fill<'_>)> {
    vec![
        ("lineage.csv", Box::new(|w| lineage(analysis, w))),
        (
            "lineage_key_routes.csv",
            Box::new(|w| key_routes(analysis, w)),
        ),
        (
            "lineage_by_mechanism.csv",
            Box::new(|w| by_mechanism(analysis, w)),
        ),
        ("bursts.csv", Box::new(|w| bursts(analysis, w))),
        (
            "bursts_by_mechanism.csv",
            Box::new(|w| mechanism_bursts(analysis, w)),
        ),
        ("rpys.csv", Box::new(|w| rpys(analysis, w))),
    ]
}

fn flag(on: bool) -> String {
    if on { "1" } else { "0" }.to_string()
}

fn lineage(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(w, &["source", "target", "spc", "main_path"])?;
    for e in &analysis.time.lineage {
        t.row(&[
            text(&e.source),
            text(&e.target),
            e.spc.clone(),
            flag(e.main_path),
        ])?;
    }
    t.finish()
}

fn key_routes(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(w, &["route", "source", "target", "spc", "key_edge"])?;
    for e in &analysis.time.key_routes {
        t.row(&[
            e.route.to_string(),
            text(&e.source),
            text(&e.target),
            e.spc.clone(),
            flag(e.key),
        ])?;
    }
    t.finish()
}

fn by_mechanism(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(w, &["mechanism", "step", "source", "target", "spc"])?;
    for e in &analysis.time.lineage_by_mechanism {
        t.row(&[
            text(&e.mechanism),
            e.step.to_string(),
            text(&e.source),
            text(&e.target),
            e.spc.clone(),
        ])?;
    }
    t.finish()
}

fn bursts(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(w, &["paper_id", "start", "end", "strength"])?;
    for b in &analysis.time.bursts {
        t.row(&[
            text(&b.paper_id),
            b.start.to_string(),
            b.end.to_string(),
            num(b.strength),
        ])?;
    }
    t.finish()
}

fn mechanism_bursts(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(w, &["mechanism", "start", "end", "strength"])?;
    for b in &analysis.time.mechanism_bursts {
        t.row(&[
            text(&b.mechanism),
            b.start.to_string(),
            b.end.to_string(),
            num(b.strength),
        ])?;
    }
    t.finish()
}

fn rpys(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(w, &["year", "references", "median_deviation"])?;
    for r in &analysis.time.rpys {
        t.row(&[
            r.year.to_string(),
            r.references.to_string(),
            r.median_deviation.to_string(),
        ])?;
    }
    t.finish()
}
