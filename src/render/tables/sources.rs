//! `coverage-sources.csv`: the completeness audit of the sources
//! ([`crate::analysis::source_coverage`]), one row per catalogue paper in catalogue order.
//! README, "Sources", documents every column and the verdict rule.

use std::io::{self, Write};

use super::{Fill, Table};
use crate::analysis::source_coverage::ListCoverage;
use crate::analysis::Analysis;
use crate::records::{Source, Thin};

/// The file name.
pub const FILE_NAME: &str = "coverage-sources.csv";

/// `coverage-sources.csv`, always (with Semantic Scholar alone it still names the thin papers).
pub(super) fn files(analysis: &Analysis) -> Vec<(&'static str, Fill<'_>)> {
    vec![(FILE_NAME, Box::new(move |w| write(analysis, w)))]
}

/// The header: key, paper, what Semantic Scholar lacked, then per list (references, citations)
/// each source's count, the union and the links only each source has, then the flags.
fn header() -> Vec<String> {
    let mut header: Vec<String> = ["key", "paper_id", "title", "year", "s2_lacked"]
        .map(String::from)
        .to_vec();
    for list in ["references", "citations"] {
        for source in Source::ALL {
            header.push(format!("{list}_{}", source.as_str()));
        }
        header.push(format!("{list}_union"));
        for source in Source::ALL {
            header.push(format!("{list}_only_{}", source.as_str()));
        }
    }
    header.extend(["retracted", "verdict"].map(String::from));
    header
}

fn write(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let header = header();
    let names: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(w, &names)?;
    let mut number = String::new();
    for row in &analysis.source_coverage {
        t.text(&row.key)?;
        t.text(row.paper_id.as_deref().unwrap_or(""))?;
        t.text(&row.title)?;
        match row.year {
            Some(year) => t.display(year, &mut number)?,
            None => t.cell("")?,
        }
        t.cell(match row.s2_thin {
            None => "",
            Some(Thin::Unresolved) => "record",
            Some(Thin::References) => "references",
            Some(Thin::Citations) => "citations",
        })?;
        for list in [&row.references, &row.citations] {
            write_list(&mut t, list, &mut number)?;
        }
        t.cell(match row.retracted {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        })?;
        t.cell(row.verdict.as_str())?;
        t.end_row()?;
    }
    t.finish()
}

fn write_list(t: &mut Table<'_>, list: &ListCoverage, number: &mut String) -> io::Result<()> {
    for count in list.by_source {
        match count {
            Some(n) => t.display(n, number)?,
            None => t.cell("")?,
        }
    }
    t.display(list.union, number)?;
    for n in list.only {
        t.display(n, number)?;
    }
    Ok(())
}
