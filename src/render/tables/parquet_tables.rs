//! The Parquet forms of the largest tables (`--tables csv,parquet`), for DuckDB and Spark:
//! `papers.parquet`, `edges.parquet`, `missing.parquet`, `cocitation.parquet` and
//! `coupling.parquet`, the same rows and columns as their CSVs (README, "Parquet tables", gives
//! each column's Parquet type).
//!
//! Types: counts INT64, years INT32, scores DOUBLE, flags BOOLEAN, text UTF8 (BYTE_ARRAY
//! annotated STRING), written as it is (the CSV's leading `'` against spreadsheet formulas is
//! for spreadsheets, not engines). A cell the CSV leaves empty for a missing value is null. A
//! cell the CSV joins with `;` or `; ` is a LIST<UTF8> (the three-level list of the Parquet
//! spec, `required group NAME (LIST) { repeated group list { required binary element (STRING) } }`),
//! empty where the CSV's cell is empty.
//!
//! Written with the `parquet` crate's low-level column writer (no arrow crates), snappy pages,
//! [`ROW_GROUP_ROWS`] rows a row group, each row group handed to the output as it is closed, so
//! a table of ten million edges is never whole in memory.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use ::parquet::basic::Compression;
use ::parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::parser::parse_message_type;

use super::Fill;
use crate::analysis::{Analysis, MissingKind, MissingScope, PairRow, PaperMetrics};
use crate::graph::{Citation, CitationGraph};

/// Rows a row group: 131,072 (a few megabytes of the widest table, compressed; Spark and DuckDB
/// read row groups in parallel).
pub const ROW_GROUP_ROWS: usize = 1 << 17;

/// Every Parquet table, relative to the output directory, in the order written: a run without
/// `parquet` in `--tables` removes those of an earlier run, which no longer describe its graph.
pub const PARQUET_FILES: [&str; 5] = [
    "papers.parquet",
    "edges.parquet",
    "missing.parquet",
    "cocitation.parquet",
    "coupling.parquet",
];

/// The Parquet tables ([`PARQUET_FILES`]), each with the fill that writes it.
pub(super) fn files<'a>(
    analysis: &'a Analysis,
    graph: &'a CitationGraph,
) -> Vec<(&'static str, Fill<'a>)> {
    vec![
        (
            PARQUET_FILES[0],
            Box::new(|w| write_table(w, &paper_columns(), analysis.papers.iter())),
        ),
        (
            PARQUET_FILES[1],
            Box::new(|w| write_table(w, &edge_columns(), edge_rows(graph))),
        ),
        (
            PARQUET_FILES[2],
            Box::new(|w| {
                let ranked = missing_ranks(analysis);
                let columns = missing_columns();
                let written = write_table(w, &columns, missing_rows(analysis, &ranked));
                written
            }),
        ),
        (
            PARQUET_FILES[3],
            Box::new(|w| write_table(w, &pair_columns(), analysis.cocitation.iter())),
        ),
        (
            PARQUET_FILES[4],
            Box::new(|w| write_table(w, &pair_columns(), analysis.coupling.iter())),
        ),
    ]
}

/// A column's Parquet type and repetition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    OptText,
    OptInt32,
    Int64,
    OptInt64,
    Double,
    OptDouble,
    Bool,
    OptBool,
    /// LIST<UTF8>, required list of required items.
    List,
}

impl Kind {
    /// The column's line of the schema's message type.
    fn schema_line(self, name: &str) -> String {
        match self {
            Kind::Text => format!("required binary {name} (STRING);"),
            Kind::OptText => format!("optional binary {name} (STRING);"),
            Kind::OptInt32 => format!("optional int32 {name};"),
            Kind::Int64 => format!("required int64 {name};"),
            Kind::OptInt64 => format!("optional int64 {name};"),
            Kind::Double => format!("required double {name};"),
            Kind::OptDouble => format!("optional double {name};"),
            Kind::Bool => format!("required boolean {name};"),
            Kind::OptBool => format!("optional boolean {name};"),
            Kind::List => format!(
                "required group {name} (LIST) {{ repeated group list {{ required binary element (STRING); }} }}"
            ),
        }
    }
}

/// One cell, as a column's function gives it.
enum Cell<'a> {
    Text(Option<Cow<'a, str>>),
    Int(Option<i64>),
    Double(Option<f64>),
    Bool(Option<bool>),
    List(Vec<Cow<'a, str>>),
}

fn text(s: &str) -> Cell<'_> {
    Cell::Text(Some(Cow::Borrowed(s)))
}

fn opt_text(s: Option<&str>) -> Cell<'_> {
    Cell::Text(s.map(Cow::Borrowed))
}

fn int(n: impl TryInto<i64>) -> Cell<'static> {
    Cell::Int(Some(n.try_into().unwrap_or(i64::MAX)))
}

fn opt_int<T: TryInto<i64>>(n: Option<T>) -> Cell<'static> {
    Cell::Int(n.map(|n| n.try_into().unwrap_or(i64::MAX)))
}

fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> Cell<'a> {
    Cell::List(items.into_iter().map(Cow::Borrowed).collect())
}

/// One column: its name (the CSV's header), its type, and the function giving a row's cell.
struct Column<'a, R> {
    name: &'static str,
    kind: Kind,
    cell: Box<dyn Fn(R) -> Cell<'a> + 'a>,
}

fn col<'a, R>(name: &'static str, kind: Kind, cell: impl Fn(R) -> Cell<'a> + 'a) -> Column<'a, R> {
    Column {
        name,
        kind,
        cell: Box::new(cell),
    }
}

/// The values, definition levels and repetition levels of one column of one row group.
#[derive(Default)]
struct Chunk {
    bytes: Vec<ByteArray>,
    ints: Vec<i64>,
    doubles: Vec<f64>,
    bools: Vec<bool>,
    defs: Vec<i16>,
    reps: Vec<i16>,
}

impl Chunk {
    /// Adds one row's cell. Errors: a cell whose type is not its column's (a bug in the column
    /// list, reported rather than written wrong).
    fn push(&mut self, kind: Kind, cell: Cell<'_>) -> io::Result<()> {
        let optional = matches!(
            kind,
            Kind::OptText | Kind::OptInt32 | Kind::OptInt64 | Kind::OptDouble | Kind::OptBool
        );
        let defined = |present: bool, defs: &mut Vec<i16>| {
            if optional {
                defs.push(i16::from(present));
            }
        };
        match (kind, cell) {
            (Kind::Text | Kind::OptText, Cell::Text(value)) => {
                defined(value.is_some(), &mut self.defs);
                if let Some(value) = value {
                    self.bytes.push(value.as_bytes().to_vec().into());
                } else if !optional {
                    self.bytes.push(ByteArray::from(Vec::new()));
                }
            }
            (Kind::OptInt32 | Kind::Int64 | Kind::OptInt64, Cell::Int(value)) => {
                defined(value.is_some(), &mut self.defs);
                if let Some(value) = value.or((!optional).then_some(0)) {
                    self.ints.push(value);
                }
            }
            (Kind::Double | Kind::OptDouble, Cell::Double(value)) => {
                defined(value.is_some(), &mut self.defs);
                if let Some(value) = value.or((!optional).then_some(0.0)) {
                    self.doubles.push(value);
                }
            }
            (Kind::Bool | Kind::OptBool, Cell::Bool(value)) => {
                defined(value.is_some(), &mut self.defs);
                if let Some(value) = value.or((!optional).then_some(false)) {
                    self.bools.push(value);
                }
            }
            (Kind::List, Cell::List(items)) => {
                if items.is_empty() {
                    self.defs.push(0);
                    self.reps.push(0);
                }
                for (i, item) in items.iter().enumerate() {
                    self.defs.push(1);
                    self.reps.push(i16::from(i > 0));
                    self.bytes.push(item.as_bytes().to_vec().into());
                }
            }
            (kind, _) => {
                return Err(io::Error::other(format!(
                    "a cell of the wrong type for a {kind:?} column"
                )))
            }
        }
        Ok(())
    }
}

/// Writes `rows` as one Parquet file with `columns` into `w`, a row group at a time. Errors: the
/// writer's, or the parquet crate's (as [`io::Error`]s).
fn write_table<'a, R: Copy>(
    w: &mut dyn Write,
    columns: &[Column<'a, R>],
    rows: impl Iterator<Item = R>,
) -> io::Result<()> {
    write_groups(w, columns, rows, ROW_GROUP_ROWS)
}

/// [`write_table`] with `group_rows` rows a row group.
fn write_groups<'a, R: Copy>(
    w: &mut dyn Write,
    columns: &[Column<'a, R>],
    rows: impl Iterator<Item = R>,
    group_rows: usize,
) -> io::Result<()> {
    let lines: Vec<String> = columns.iter().map(|c| c.kind.schema_line(c.name)).collect();
    let message = format!("message schema {{ {} }}", lines.join(" "));
    let schema = Arc::new(parse_message_type(&message).map_err(io::Error::other)?);
    let properties = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("citegraph {}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    // The file writer wants an owned `Write + Send`: it writes into a buffer, which is handed on
    // to `w` after each row group.
    let mut file =
        SerializedFileWriter::new(Vec::new(), schema, properties).map_err(io::Error::other)?;
    let mut rows = rows.peekable();
    let mut batch: Vec<R> = Vec::with_capacity(group_rows);
    // An empty table still has its schema (and no row group).
    while rows.peek().is_some() {
        batch.clear();
        batch.extend(rows.by_ref().take(group_rows.max(1)));
        let mut group = file.next_row_group().map_err(io::Error::other)?;
        for column in columns {
            let mut chunk = Chunk::default();
            for &row in &batch {
                chunk.push(column.kind, (column.cell)(row))?;
            }
            let Some(mut writer) = group.next_column().map_err(io::Error::other)? else {
                return Err(io::Error::other("fewer columns in the schema than given"));
            };
            write_chunk(&mut writer, column.kind, &chunk).map_err(io::Error::other)?;
            writer.close().map_err(io::Error::other)?;
        }
        group.close().map_err(io::Error::other)?;
        file.flush()?;
        w.write_all(file.inner())?;
        file.inner_mut().clear();
    }
    let rest = file.into_inner().map_err(io::Error::other)?;
    w.write_all(&rest)
}

/// One column chunk through its typed writer.
fn write_chunk(
    writer: &mut ::parquet::file::writer::SerializedColumnWriter<'_>,
    kind: Kind,
    chunk: &Chunk,
) -> ::parquet::errors::Result<usize> {
    let defs = (!chunk.defs.is_empty()).then_some(chunk.defs.as_slice());
    let reps = (kind == Kind::List).then_some(chunk.reps.as_slice());
    match kind {
        Kind::Text | Kind::OptText | Kind::List => {
            writer
                .typed::<ByteArrayType>()
                .write_batch(&chunk.bytes, defs, reps)
        }
        Kind::OptInt32 => {
            let values: Vec<i32> = chunk
                .ints
                .iter()
                .map(|&v| i32::try_from(v).unwrap_or(i32::MAX))
                .collect();
            writer.typed::<Int32Type>().write_batch(&values, defs, None)
        }
        Kind::Int64 | Kind::OptInt64 => {
            writer
                .typed::<Int64Type>()
                .write_batch(&chunk.ints, defs, None)
        }
        Kind::Double | Kind::OptDouble => {
            writer
                .typed::<DoubleType>()
                .write_batch(&chunk.doubles, defs, None)
        }
        Kind::Bool | Kind::OptBool => {
            writer
                .typed::<BoolType>()
                .write_batch(&chunk.bools, defs, None)
        }
    }
}

/// papers.parquet: the columns of papers.csv.
fn paper_columns<'a>() -> Vec<Column<'a, &'a PaperMetrics>> {
    use Kind::*;
    type P<'a> = &'a PaperMetrics;
    vec![
        col("paper_id", Text, |p: P<'a>| text(&p.paper_id)),
        col("key", OptText, |p: P<'a>| opt_text(p.key.as_deref())),
        col("title", Text, |p: P<'a>| text(&p.title)),
        col("year", OptInt32, |p: P<'a>| opt_int(p.year)),
        col("venue", OptText, |p: P<'a>| opt_text(p.venue.as_deref())),
        col("in_catalog", Bool, |p: P<'a>| {
            Cell::Bool(Some(p.in_catalog))
        }),
        col("abbreviation", OptText, |p: P<'a>| {
            opt_text(p.abbreviation.as_deref())
        }),
        col("mechanisms", List, |p: P<'a>| {
            list(p.mechanisms.iter().map(String::as_str))
        }),
        col("domains", List, |p: P<'a>| {
            list(p.domains.iter().map(String::as_str))
        }),
        col("catalog_citations", Int64, |p: P<'a>| {
            int(p.catalog_citations)
        }),
        col("citation_count", OptInt64, |p: P<'a>| {
            opt_int(p.citation_count)
        }),
        col("in_degree", Int64, |p: P<'a>| int(p.in_degree)),
        col("out_degree", Int64, |p: P<'a>| int(p.out_degree)),
        col("pagerank", Double, |p: P<'a>| {
            Cell::Double(Some(p.pagerank))
        }),
        col("hub", Double, |p: P<'a>| Cell::Double(Some(p.hub))),
        col("authority", Double, |p: P<'a>| {
            Cell::Double(Some(p.authority))
        }),
        col("betweenness", Double, |p: P<'a>| {
            Cell::Double(Some(p.betweenness))
        }),
        col("core", Int64, |p: P<'a>| int(p.core)),
        col("community", Int64, |p: P<'a>| int(p.community)),
        col("community_label", Text, |p: P<'a>| text(&p.community_label)),
        col("sleeping_beauty_b", OptDouble, |p: P<'a>| {
            Cell::Double(p.sleeping_beauty_b)
        }),
        col("awakening_year", OptInt32, |p: P<'a>| {
            opt_int(p.awakening_year)
        }),
        // As the CSV: every record of the work, the one paper_id when it has one record.
        col("s2_ids", List, |p: P<'a>| {
            if p.s2_ids.is_empty() {
                list([p.paper_id.as_str()])
            } else {
                list(p.s2_ids.iter().map(String::as_str))
            }
        }),
        col("keys", List, |p: P<'a>| {
            if p.keys.is_empty() {
                list(p.key.as_deref())
            } else {
                list(p.keys.iter().map(String::as_str))
            }
        }),
        col("pagerank_rescaled", OptDouble, |p: P<'a>| {
            Cell::Double(p.pagerank_rescaled)
        }),
        col("citerank", Double, |p: P<'a>| {
            Cell::Double(Some(p.citerank))
        }),
        // The three disruption cells are all set or all null, as in the CSV.
        col("cd_index", OptDouble, |p: P<'a>| {
            Cell::Double(p.cd_papers.and(p.cd_index))
        }),
        col("cd_papers", OptInt64, |p: P<'a>| {
            opt_int(p.cd_index.and(p.cd_papers))
        }),
        col("cd_window_open", OptBool, |p: P<'a>| {
            Cell::Bool((p.cd_index.is_some() && p.cd_papers.is_some()).then_some(p.cd_window_open))
        }),
        col("references_s2", Int64, |p: P<'a>| {
            int(p.references_by_source[0])
        }),
        col("references_openalex", Int64, |p: P<'a>| {
            int(p.references_by_source[1])
        }),
        col("references_opencitations", Int64, |p: P<'a>| {
            int(p.references_by_source[2])
        }),
        col("citations_s2", Int64, |p: P<'a>| {
            int(p.citations_by_source[0])
        }),
        col("citations_openalex", Int64, |p: P<'a>| {
            int(p.citations_by_source[1])
        }),
        col("citations_opencitations", Int64, |p: P<'a>| {
            int(p.citations_by_source[2])
        }),
    ]
}

/// One edge: citing and cited paper ids, and what the records say of the citation.
#[derive(Clone, Copy)]
struct EdgeRow<'a> {
    source: &'a str,
    target: &'a str,
    citation: Citation,
}

fn edge_rows(graph: &CitationGraph) -> impl Iterator<Item = EdgeRow<'_>> {
    graph.edges().map(|(s, t, citation)| EdgeRow {
        source: &graph.node(s).paper_id,
        target: &graph.node(t).paper_id,
        citation,
    })
}

/// edges.parquet: the columns of edges.csv.
fn edge_columns<'a>() -> Vec<Column<'a, EdgeRow<'a>>> {
    type E<'a> = EdgeRow<'a>;
    vec![
        col("source", Kind::Text, |e: E<'a>| text(e.source)),
        col("target", Kind::Text, |e: E<'a>| text(e.target)),
        col("is_influential", Kind::Bool, |e: E<'a>| {
            Cell::Bool(Some(e.citation.is_influential))
        }),
        col("intents", Kind::List, |e: E<'a>| {
            list(e.citation.intents.names())
        }),
        col("sources", Kind::List, |e: E<'a>| {
            list(e.citation.sources.iter().map(|s| s.as_str()))
        }),
    ]
}

/// One row of missing.csv: the paper, its rank within kind and scope, and its evidence cell's
/// items (`mechanism: key | key`).
#[derive(Clone, Copy)]
struct MissingRow<'a> {
    paper: &'a crate::analysis::MissingPaper,
    rank: usize,
    evidence: &'a [String],
}

/// Each missing paper's rank and evidence items, in the analysis's order (missing.csv's
/// numbering: 1, 2, ... within each kind and scope).
fn missing_ranks(analysis: &Analysis) -> Vec<(usize, Vec<String>)> {
    let mut counters: std::collections::HashMap<(MissingKind, MissingScope), usize> =
        Default::default();
    analysis
        .missing
        .iter()
        .map(|m| {
            let rank = counters.entry((m.kind, m.scope)).or_insert(0);
            *rank += 1;
            let evidence = m
                .evidence
                .iter()
                // As missing.csv: keys within a mechanism are ` | `-separated.
                .map(|(mechanism, keys)| format!("{mechanism}: {}", keys.join(" | ")))
                .collect();
            (*rank, evidence)
        })
        .collect()
}

fn missing_rows<'r>(
    analysis: &'r Analysis,
    ranked: &'r [(usize, Vec<String>)],
) -> impl Iterator<Item = MissingRow<'r>> {
    analysis
        .missing
        .iter()
        .zip(ranked)
        .map(|(paper, (rank, evidence))| MissingRow {
            paper,
            rank: *rank,
            evidence,
        })
}

/// missing.parquet: the columns of missing.csv.
fn missing_columns<'a>() -> Vec<Column<'a, MissingRow<'a>>> {
    use Kind::*;
    type M<'a> = MissingRow<'a>;
    let d = |x: f64| Cell::Double(Some(x));
    vec![
        col("paper_id", Text, |m: M<'a>| text(&m.paper.paper_id)),
        col("title", Text, |m: M<'a>| text(&m.paper.title)),
        col("year", OptInt32, |m: M<'a>| opt_int(m.paper.year)),
        col("kind", Text, |m: M<'a>| {
            text(match m.paper.kind {
                MissingKind::Foundation => "foundation",
                MissingKind::Candidate => "candidate",
            })
        }),
        col("rank", Int64, |m: M<'a>| int(m.rank)),
        col("score", Double, move |m: M<'a>| d(m.paper.score)),
        col("catalog_papers", Int64, |m: M<'a>| {
            int(m.paper.catalog_papers)
        }),
        col("mechanisms_spanned", Int64, |m: M<'a>| {
            int(m.paper.mechanisms_spanned)
        }),
        col("structural", Double, move |m: M<'a>| d(m.paper.structural)),
        col("citation_count", OptInt64, |m: M<'a>| {
            opt_int(m.paper.citation_count)
        }),
        col("predicted_mechanism", Text, |m: M<'a>| {
            text(&m.paper.predicted_mechanism)
        }),
        col("confidence", Double, move |m: M<'a>| d(m.paper.confidence)),
        col("evidence", List, |m: M<'a>| {
            list(m.evidence.iter().map(String::as_str))
        }),
        col("venue", OptText, |m: M<'a>| {
            opt_text(m.paper.venue.as_deref())
        }),
        col("url", Text, |m: M<'a>| text(&m.paper.url)),
        col("authors", List, |m: M<'a>| {
            list(m.paper.authors.iter().map(String::as_str))
        }),
        col("s2_ids", List, |m: M<'a>| {
            if m.paper.s2_ids.is_empty() {
                list([m.paper.paper_id.as_str()])
            } else {
                list(m.paper.s2_ids.iter().map(String::as_str))
            }
        }),
        col("scope", Text, |m: M<'a>| text(m.paper.scope.as_str())),
        col("field_lift", Double, move |m: M<'a>| d(m.paper.field_lift)),
        col("field_llr", Double, move |m: M<'a>| d(m.paper.field_llr)),
        col("neighbourhood_links", OptInt64, |m: M<'a>| {
            opt_int(m.paper.neighbourhood_links)
        }),
        col("neighbourhood_lift", OptDouble, |m: M<'a>| {
            Cell::Double(m.paper.neighbourhood_lift)
        }),
        col("neighbourhood_llr", OptDouble, |m: M<'a>| {
            Cell::Double(m.paper.neighbourhood_llr)
        }),
        col("peer_lift", Double, move |m: M<'a>| d(m.paper.peer_lift)),
        col("peer_llr", Double, move |m: M<'a>| d(m.paper.peer_llr)),
        col("reciprocal_links", Int64, |m: M<'a>| {
            int(m.paper.reciprocal_links)
        }),
        col("reciprocal_lift", Double, move |m: M<'a>| {
            d(m.paper.reciprocal_lift)
        }),
        col("concentration", Double, move |m: M<'a>| {
            d(m.paper.concentration)
        }),
        col("affinity", Double, move |m: M<'a>| d(m.paper.affinity)),
        col("field_signals", Int64, |m: M<'a>| {
            int(m.paper.field_signals)
        }),
    ]
}

/// cocitation.parquet and coupling.parquet: `a`, `b`, `count`, `salton`.
fn pair_columns<'a>() -> Vec<Column<'a, &'a PairRow>> {
    type R<'a> = &'a PairRow;
    vec![
        col("a", Kind::Text, |p: R<'a>| text(&p.a)),
        col("b", Kind::Text, |p: R<'a>| text(&p.b)),
        col("count", Kind::Int64, |p: R<'a>| int(p.count)),
        col("salton", Kind::Double, |p: R<'a>| {
            Cell::Double(Some(p.salton))
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Intents, PaperNode};
    use crate::records::SourceSet;
    use ::parquet::file::reader::{FileReader, SerializedFileReader};
    use ::parquet::record::{Field, Row};

    /// `write_groups` into a file, read back row by row with the crate's own reader: the row
    /// groups it made and every row's fields.
    fn round_trip<'a, R: Copy>(
        columns: &[Column<'a, R>],
        rows: impl Iterator<Item = R>,
        group_rows: usize,
    ) -> (usize, Vec<Row>) {
        let mut bytes = Vec::new();
        write_groups(&mut bytes, columns, rows, group_rows).unwrap();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &bytes).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(file.path()).unwrap()).unwrap();
        let groups = reader.metadata().num_row_groups();
        let rows = reader
            .get_row_iter(None)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        (groups, rows)
    }

    fn fields(row: &Row) -> Vec<String> {
        row.get_column_iter()
            .map(|(_, field)| match field {
                Field::Null => "null".to_string(),
                Field::Str(s) => s.clone(),
                Field::Double(x) => format!("{x:?}"),
                Field::ListInternal(list) => format!(
                    "[{}]",
                    list.elements()
                        .iter()
                        .map(|f| f.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                other => other.to_string(),
            })
            .collect()
    }

    #[test]
    fn rows_are_split_into_row_groups_and_read_back_in_order() {
        let pairs: Vec<PairRow> = (0..7)
            .map(|i| PairRow {
                a: format!("a{i}"),
                b: format!("=b{i}"),
                count: i,
                salton: f64::from(i) / 8.0,
            })
            .collect();
        let (groups, rows) = round_trip(&pair_columns(), pairs.iter(), 3);
        assert_eq!(groups, 3);
        assert_eq!(rows.len(), 7);
        for (row, pair) in rows.iter().zip(&pairs) {
            let expected = [
                pair.a.clone(),
                pair.b.clone(),
                pair.count.to_string(),
                format!("{:?}", pair.salton),
            ];
            assert_eq!(fields(row), expected);
        }
    }

    #[test]
    fn empty_lists_nulls_and_an_empty_table_are_written() {
        let mut graph = CitationGraph::default();
        for id in ["a", "b"] {
            graph.graph.add_node(PaperNode {
                paper_id: id.into(),
                ..PaperNode::default()
            });
        }
        let citations = [
            Citation {
                is_influential: true,
                intents: Intents(3),
                sources: SourceSet(5),
            },
            Citation::default(),
        ];
        graph.graph.add_edge(0.into(), 1.into(), citations[0]);
        graph.graph.add_edge(1.into(), 0.into(), citations[1]);
        let (_, rows) = round_trip(&edge_columns(), edge_rows(&graph), 1);
        let rows: Vec<Vec<String>> = rows.iter().map(fields).collect();
        assert_eq!(rows[0][..3], ["a", "b", "true"]);
        assert_eq!(rows[0][3], "[\"background\",\"methodology\"]");
        assert_eq!(rows[0][4], "[\"s2\",\"opencitations\"]");
        assert_eq!(rows[1][2..], ["false", "[]", "[]"]);

        let papers = [PaperMetrics {
            paper_id: "p".into(),
            ..PaperMetrics::default()
        }];
        let (_, rows) = round_trip(&paper_columns(), papers.iter(), 10);
        let row = fields(&rows[0]);
        let names: Vec<&str> = paper_columns().iter().map(|c| c.name).collect();
        let cell = |name: &str| row[names.iter().position(|n| *n == name).unwrap()].clone();
        assert_eq!(cell("key"), "null");
        assert_eq!(cell("year"), "null");
        assert_eq!(cell("s2_ids"), "[\"p\"]");
        assert_eq!(cell("keys"), "[]");
        assert_eq!(cell("cd_window_open"), "null");

        let (groups, rows) = round_trip(&pair_columns(), [].iter(), 10);
        assert_eq!((groups, rows.len()), (0, 0));
    }
}
