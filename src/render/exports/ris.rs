//! RIS (Research Information Systems), the tagged format Zotero, Mendeley and EndNote import.
//! No maintained Rust crate writes it (`biblib` only reads it), and the format is a line a field,
//! so this is a small writer, checked against Python's `rispy` in tests/it/exports_parsers.rs.
//!
//! As the RIS specification (Research Information Systems, "RIS Format Specifications") asks:
//! each line is `TAG  - value` (two capitals or a capital and a digit, two spaces, a hyphen, a
//! space), lines end in CR LF, a record starts with `TY` and ends with `ER  - `, and a value has
//! no line break (control characters and runs of whitespace become one space,
//! [`labels::one_line`]); RIS has no escapes, and none is needed beyond that. The text is UTF-8
//! without a byte-order mark (what Zotero and rispy read by default).

use super::{Kind, Name, Reference};
use crate::render::labels;

/// The RIS type of a reference: `CPAPER` (conference paper), `JOUR`, `UNPB` (unpublished work:
/// a preprint) or `GEN`.
fn type_tag(kind: Kind) -> &'static str {
    match kind {
        Kind::ConferencePaper => "CPAPER",
        Kind::JournalArticle => "JOUR",
        Kind::Preprint => "UNPB",
        Kind::Other => "GEN",
    }
}

/// `von Last, First, Jr.`: RIS's `Lastname, Firstname, Suffix`.
fn author(name: &Name) -> String {
    let mut out = String::new();
    if !name.particle.is_empty() {
        out.push_str(&name.particle);
        out.push(' ');
    }
    out.push_str(&name.family);
    if !name.given.is_empty() || !name.suffix.is_empty() {
        out.push_str(", ");
        out.push_str(&name.given);
    }
    if !name.suffix.is_empty() {
        out.push_str(", ");
        out.push_str(&name.suffix);
    }
    out
}

/// `TAG  - value` and CR LF, the value on one line; nothing for an empty value except `ER`.
fn push_line(out: &mut String, tag: &str, value: &str) {
    let value = labels::one_line(value);
    if value.is_empty() && tag != "ER" {
        return;
    }
    out.push_str(tag);
    out.push_str("  - ");
    out.push_str(&value);
    out.push_str("\r\n");
}

/// Every reference as one RIS record, in the order given, records separated by an empty line:
/// `TY`, `ID` (the BibTeX key), `TI`, one `AU` per author, `PY` (the year), `T2` (the
/// conference or journal), `VL` (volume), `SP` and `EP` (first and last page), `DO`, `UR` (the entry's link, else the arXiv abstract page), `AN`
/// (`arXiv:ID`), `ER`. Fields a reference lacks are left out, and so is a value that is empty
/// once on one line.
pub fn ris(references: &[Reference]) -> String {
    let mut out = String::new();
    for reference in references {
        let mut line = |tag: &str, value: &str| push_line(&mut out, tag, value);
        line("TY", type_tag(reference.kind));
        line("ID", &reference.key);
        line("TI", &reference.title);
        for name in &reference.authors {
            line("AU", &author(name));
        }
        if let Some(year) = reference.year {
            line("PY", &year.to_string());
        }
        line("T2", reference.venue.as_deref().unwrap_or_default());
        line("VL", reference.volume.as_deref().unwrap_or_default());
        if let Some(pages) = &reference.pages {
            let (first, last) = super::page_range(pages);
            line("SP", first);
            line("EP", last.unwrap_or_default());
        }
        line("DO", reference.doi.as_deref().unwrap_or_default());
        line("UR", reference.url.as_deref().unwrap_or_default());
        if let Some(arxiv) = &reference.arxiv {
            line("AN", &format!("arXiv:{arxiv}"));
        }
        line("ER", "");
        out.push_str("\r\n");
    }
    out
}
