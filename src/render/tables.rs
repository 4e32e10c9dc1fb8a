//! The analysis tables: CSV files a spreadsheet opens, written side by side with `metrics.json`
//! (the whole [`Analysis`], whose bytes [`crate::analysis::metrics_json`] makes).
//!
//! Numbers are written in Rust's shortest round-trip form (the same bytes on every run, and the
//! exact value back when parsed). Text cells go through [`escape::csv`] (a cell a spreadsheet
//! would run as a formula gets a leading `'`); numeric cells are never touched. Lists inside a
//! cell are joined with `; `.
//!
//! Nothing here writes a file: [`analysis_files`] returns each table as a [`StreamedFile`] (written
//! row by row, never held whole) for [`super::write_outputs`], and [`parquet_files`] the typed
//! Parquet forms of the largest ones (`parquet_tables.rs`, `--tables csv,parquet`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use rayon::prelude::*;

use super::{escape, Fill, StreamedFile};
use crate::analysis::{metrics_json, Analysis, GroupStats, InfluentialPaper, MissingKind};
use crate::graph::{CitationGraph, Intents};
use crate::records::SourceSet;

mod evaluation;
mod parquet_tables;
mod sources;
mod time;

/// `evaluation.csv` and `evaluation_papers.csv` alone (`citegraph evaluate`); none when the
/// analysis holds no evaluation.
pub fn evaluation_files(analysis: &Analysis) -> Vec<StreamedFile<'_>> {
    evaluation::files(analysis)
        .into_iter()
        .map(|(name, fill)| StreamedFile::new(name, fill))
        .collect()
}

/// `metrics.json` alone (`citegraph evaluate`, which adds its evaluation to a run's).
pub fn metrics_file(analysis: &Analysis) -> StreamedFile<'_> {
    StreamedFile::new(
        metrics_json::FILE_NAME,
        Box::new(|w| metrics_json::write(analysis, w)),
    )
}

/// The Parquet forms of papers.csv, edges.csv, missing.csv, cocitation.csv and coupling.csv
/// (`--tables csv,parquet`), for [`super::write_outputs`] beside [`analysis_files`]: same rows,
/// same columns, typed (README, "Parquet tables"; `tables/parquet_tables.rs`).
pub fn parquet_files<'a>(
    analysis: &'a Analysis,
    graph: &'a CitationGraph,
) -> Vec<StreamedFile<'a>> {
    parquet_tables::files(analysis, graph)
        .into_iter()
        .map(|(name, fill)| StreamedFile::new(name, fill))
        .collect()
}

pub use parquet_tables::{PARQUET_FILES, ROW_GROUP_ROWS};

/// The files of an evaluation (tables and figure), relative to the output directory: a run
/// without `--evaluate` removes those of an earlier one, which no longer describe its graph.
pub use evaluation::ALL_FILES as EVALUATION_FILES;

/// papers.csv, metrics.json, edges.csv, mechanisms.csv, domains.csv, mechanism_flow.csv,
/// missing.csv, influential.csv, lint-tags.csv, coverage.csv, clusters.csv, cocitation.csv,
/// coupling.csv, merged_records.csv, coverage-sources.csv and the time analyses' tables (lineage*.csv, bursts*.csv,
/// rpys.csv), then evaluation.csv when the analysis holds an evaluation, in that order, for
/// [`super::write_outputs`] (which writes them side by side: at a million papers, papers.csv,
/// metrics.json and edges.csv take seconds each).
pub fn analysis_files<'a>(
    analysis: &'a Analysis,
    graph: &'a CitationGraph,
) -> Vec<StreamedFile<'a>> {
    let mut files: Vec<(&str, Fill<'_>)> = vec![
        ("papers.csv", Box::new(|w| papers(analysis, w))),
        (
            metrics_json::FILE_NAME,
            Box::new(|w| metrics_json::write(analysis, w)),
        ),
        ("edges.csv", Box::new(|w| edges(graph, w))),
        (
            "mechanisms.csv",
            Box::new(|w| groups("mechanism", &analysis.mechanisms, w)),
        ),
        (
            "domains.csv",
            Box::new(|w| groups("domain", &analysis.domains, w)),
        ),
        ("mechanism_flow.csv", Box::new(|w| flow(analysis, w))),
        ("missing.csv", Box::new(|w| missing(analysis, w))),
        ("influential.csv", Box::new(|w| influential(analysis, w))),
        ("lint-tags.csv", Box::new(|w| lint_tags(analysis, w))),
        ("coverage.csv", Box::new(|w| coverage(analysis, w))),
        ("clusters.csv", Box::new(|w| clusters(analysis, w))),
        (
            "cocitation.csv",
            Box::new(|w| pairs(&analysis.cocitation, w)),
        ),
        ("coupling.csv", Box::new(|w| pairs(&analysis.coupling, w))),
        (
            "merged_records.csv",
            Box::new(|w| merged_records(analysis, w)),
        ),
    ];
    files.extend(sources::files(analysis));
    files.extend(time::files(analysis));
    files.extend(evaluation::files(analysis));
    files
        .into_iter()
        .map(|(name, fill)| StreamedFile::new(name, fill))
        .collect()
}

/// A text cell, defused against spreadsheet formula injection ([`escape::csv`]).
fn text(s: &str) -> String {
    escape::csv(s).into_owned()
}

fn list(items: &[String]) -> String {
    text(&items.join("; "))
}

/// The `s2_ids` cell: every record of the work, `;`-separated (the one `paper_id` when the work
/// has one record).
fn s2_ids<'a>(paper_id: &'a str, records: &'a [String]) -> Cow<'a, str> {
    if records.is_empty() {
        Cow::Borrowed(paper_id)
    } else {
        Cow::Owned(records.join(";"))
    }
}

/// The `keys` cell: every catalogue key that resolved to the work, `;`-separated (a paper listed
/// in two forms shows both); `key` alone when it is listed once, empty outside the catalogue.
fn catalog_keys<'a>(key: Option<&'a str>, keys: &'a [String]) -> Cow<'a, str> {
    if keys.is_empty() {
        Cow::Borrowed(key.unwrap_or(""))
    } else {
        Cow::Owned(keys.join(";"))
    }
}

/// merged_records.csv: one row per record merged into a work, with the reason.
fn merged_records(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(
        w,
        &[
            "work_id",
            "record_id",
            "matched_id",
            "reason",
            "value",
            "title",
            "year",
        ],
    )?;
    for m in &analysis.merges {
        t.row(&[
            text(&m.work_id),
            text(&m.record_id),
            text(&m.matched_id),
            m.reason.clone(),
            text(&m.value),
            text(&m.title),
            opt(m.year),
        ])?;
    }
    t.finish()
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn num(x: f64) -> String {
    format!("{x}")
}

/// A CSV document with a header, written as it goes.
struct Table<'w> {
    writer: csv::Writer<&'w mut dyn Write>,
}

impl<'w> Table<'w> {
    fn new(w: &'w mut dyn Write, header: &[&str]) -> io::Result<Table<'w>> {
        let mut writer = csv::Writer::from_writer(w);
        writer.write_record(header)?;
        Ok(Table { writer })
    }

    fn row<I, T>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer.write_record(cells)?;
        Ok(())
    }

    /// One cell of the current row (ended by [`Self::end_row`]).
    fn cell(&mut self, cell: impl AsRef<[u8]>) -> io::Result<()> {
        self.writer.write_field(cell)?;
        Ok(())
    }

    /// A text cell, defused.
    fn text(&mut self, s: &str) -> io::Result<()> {
        self.cell(escape::csv(s).as_bytes())
    }

    /// A list cell, its items joined with `; ` and defused as one.
    fn list(&mut self, items: &[String], scratch: &mut String) -> io::Result<()> {
        scratch.clear();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                scratch.push_str("; ");
            }
            scratch.push_str(item);
        }
        self.text(scratch)
    }

    /// A number cell, in its `Display` form.
    fn display(&mut self, value: impl std::fmt::Display, scratch: &mut String) -> io::Result<()> {
        use std::fmt::Write as _;
        scratch.clear();
        let _ = write!(scratch, "{value}");
        self.cell(scratch.as_bytes())
    }

    fn end_row(&mut self) -> io::Result<()> {
        self.writer.write_record(None::<&[u8]>)?;
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

fn papers(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(
        w,
        &[
            "paper_id",
            "key",
            "title",
            "year",
            "venue",
            "in_catalog",
            "abbreviation",
            "mechanisms",
            "domains",
            "catalog_citations",
            "citation_count",
            "in_degree",
            "out_degree",
            "pagerank",
            "hub",
            "authority",
            "betweenness",
            "core",
            "community",
            "community_label",
            "sleeping_beauty_b",
            "awakening_year",
            "s2_ids",
            "keys",
            "pagerank_rescaled",
            "citerank",
            "cd_index",
            "cd_papers",
            "cd_window_open",
            "references_s2",
            "references_openalex",
            "references_opencitations",
            "citations_s2",
            "citations_openalex",
            "citations_opencitations",
        ],
    )?;
    // Cells written one by one from reused buffers: at a million rows, a String per cell was
    // twenty million allocations.
    let (mut scratch, mut number) = (String::new(), String::new());
    for p in &analysis.papers {
        t.text(&p.paper_id)?;
        t.text(p.key.as_deref().unwrap_or(""))?;
        t.text(&p.title)?;
        match p.year {
            Some(year) => t.display(year, &mut number)?,
            None => t.cell("")?,
        }
        t.text(p.venue.as_deref().unwrap_or(""))?;
        t.cell(if p.in_catalog { "true" } else { "false" })?;
        t.text(p.abbreviation.as_deref().unwrap_or(""))?;
        t.list(&p.mechanisms, &mut scratch)?;
        t.list(&p.domains, &mut scratch)?;
        t.display(p.catalog_citations, &mut number)?;
        match p.citation_count {
            Some(count) => t.display(count, &mut number)?,
            None => t.cell("")?,
        }
        t.display(p.in_degree, &mut number)?;
        t.display(p.out_degree, &mut number)?;
        for x in [p.pagerank, p.hub, p.authority, p.betweenness] {
            t.display(x, &mut number)?;
        }
        t.display(p.core, &mut number)?;
        t.display(p.community, &mut number)?;
        t.text(&p.community_label)?;
        match p.sleeping_beauty_b {
            Some(b) => t.display(b, &mut number)?,
            None => t.cell("")?,
        }
        match p.awakening_year {
            Some(year) => t.display(year, &mut number)?,
            None => t.cell("")?,
        }
        t.text(&s2_ids(&p.paper_id, &p.s2_ids))?;
        t.text(&catalog_keys(p.key.as_deref(), &p.keys))?;
        match p.pagerank_rescaled {
            Some(r) => t.display(r, &mut number)?,
            None => t.cell("")?,
        }
        t.display(p.citerank, &mut number)?;
        match (p.cd_index, p.cd_papers) {
            (Some(cd), Some(papers)) => {
                t.display(cd, &mut number)?;
                t.display(papers, &mut number)?;
                t.cell(if p.cd_window_open { "true" } else { "false" })?;
            }
            _ => {
                for _ in 0..3 {
                    t.cell("")?;
                }
            }
        }
        for count in p.references_by_source.iter().chain(&p.citations_by_source) {
            t.display(count, &mut number)?;
        }
        t.end_row()?;
    }
    t.finish()
}

fn edges(graph: &CitationGraph, w: &mut dyn Write) -> io::Result<()> {
    // Ten million rows, written as bytes: the header as the CSV writer writes it, then rows
    // assembled from cells encoded once (an id per node, the 32 possible endings).
    w.write_all(b"source,target,is_influential,intents,sources\n")?;
    let nodes: Vec<&str> = graph.nodes().map(|n| n.paper_id.as_str()).collect();
    let cells: Vec<String> = nodes
        .par_iter()
        .map(|id| csv_cell(&escape::csv(id)).into_owned())
        .collect();
    drop(nodes);
    // Side by side, so that a target's cell is one cache miss away.
    let mut arena = Vec::with_capacity(cells.iter().map(String::len).sum());
    let mut ends = Vec::with_capacity(cells.len() + 1);
    ends.push(0);
    for cell in &cells {
        arena.extend_from_slice(cell.as_bytes());
        ends.push(arena.len());
    }
    drop(cells);
    // The 256 possible endings: intents (4 bits), influential (1), sources (3).
    let endings: Vec<String> = (0..=255u8)
        .map(|flags| {
            let intents = Intents(flags & 15).names().join("; ");
            let sources = SourceSet(flags >> 5).names();
            format!(
                ",{},{},{}\n",
                flags & 16 != 0,
                csv_cell(&intents),
                csv_cell(&sources)
            )
        })
        .collect();
    let span = |v: u32| ends[v as usize]..ends[v as usize + 1];
    let mut out: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut spans = Vec::with_capacity(EDGE_BLOCK);
    for block in graph.graph.raw_edges().chunks(EDGE_BLOCK) {
        // The targets are read at random: their spans, then a byte of each cell, are loaded in
        // loops of independent reads, which the processor overlaps; the rows then find them
        // in the cache.
        spans.clear();
        spans.extend(block.iter().map(|e| span(e.target().index() as u32)));
        let touched = spans
            .iter()
            .fold(0u8, |x, s| x ^ arena.get(s.start).copied().unwrap_or(0));
        std::hint::black_box(touched);
        for (edge, target) in block.iter().zip(&spans) {
            out.extend_from_slice(&arena[span(edge.source().index() as u32)]);
            out.push(b',');
            out.extend_from_slice(&arena[target.clone()]);
            let flags = edge.weight.intents.0 & 15
                | if edge.weight.is_influential { 16 } else { 0 }
                | (edge.weight.sources.0 & 7) << 5;
            out.extend_from_slice(endings[flags as usize].as_bytes());
        }
        if out.len() >= 1 << 20 {
            w.write_all(&out)?;
            out.clear();
        }
    }
    w.write_all(&out)
}

/// Edges assembled per block in [`edges`].
const EDGE_BLOCK: usize = 4096;

/// `field` as the CSV writer writes it: in quotes, its quotes doubled, when it holds a comma, a
/// quote or a line break; as is otherwise.
fn csv_cell(field: &str) -> Cow<'_, str> {
    if field.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

fn groups(first: &str, stats: &[GroupStats], w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(
        w,
        &[
            first,
            "papers",
            "papers_per_year",
            "total_citations",
            "median_citations",
            "total_catalog_citations",
            "mean_pagerank",
            "median_pagerank",
            "citations_out",
            "citations_within",
            "homophily",
            "homophily_expected",
            "top_papers",
        ],
    )?;
    for g in stats {
        let per_year: Vec<String> = g
            .papers_per_year
            .iter()
            .map(|(y, c)| format!("{y}:{c}"))
            .collect();
        t.row(&[
            text(&g.name),
            g.papers.to_string(),
            per_year.join("; "),
            g.total_citations.to_string(),
            num(g.median_citations),
            g.total_catalog_citations.to_string(),
            num(g.mean_pagerank),
            num(g.median_pagerank),
            g.citations_out.to_string(),
            g.citations_within.to_string(),
            if g.homophily_defined() {
                num(g.homophily)
            } else {
                String::new()
            },
            num(g.homophily_expected),
            list(&g.top_papers),
        ])?;
    }
    t.finish()
}

fn flow(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let flow = &analysis.flow;
    let mut t = Table::new(
        w,
        &[
            "source_mechanism",
            "target_mechanism",
            "citations",
            "row_share",
        ],
    )?;
    for (i, from) in flow.labels.iter().enumerate() {
        for (j, to) in flow.labels.iter().enumerate() {
            let count = flow.counts.get(i).and_then(|r| r.get(j)).copied();
            let share = flow.shares.get(i).and_then(|r| r.get(j)).copied();
            t.row(&[
                text(from),
                text(to),
                count.unwrap_or(0).to_string(),
                num(share.unwrap_or(0.0)),
            ])?;
        }
    }
    t.finish()
}

fn missing(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(
        w,
        &[
            "paper_id",
            "title",
            "year",
            "kind",
            "rank",
            "score",
            "catalog_papers",
            "mechanisms_spanned",
            "structural",
            "citation_count",
            "predicted_mechanism",
            "confidence",
            "evidence",
            "venue",
            "url",
            "authors",
            "s2_ids",
            "scope",
            "field_lift",
            "field_llr",
            "neighbourhood_links",
            "neighbourhood_lift",
            "neighbourhood_llr",
            "peer_lift",
            "peer_llr",
            "reciprocal_links",
            "reciprocal_lift",
            "concentration",
            "affinity",
            "field_signals",
        ],
    )?;
    // Ranked within kind and scope.
    let mut rank: HashMap<(MissingKind, crate::analysis::MissingScope), usize> = HashMap::new();
    for m in &analysis.missing {
        let r = rank.entry((m.kind, m.scope)).or_insert(0);
        *r += 1;
        let evidence: Vec<String> = m
            .evidence
            .iter()
            // Keys within a mechanism are ` | `-separated: a `title:` key holds spaces.
            .map(|(mechanism, keys)| format!("{mechanism}: {}", keys.join(" | ")))
            .collect();
        let kind = match m.kind {
            MissingKind::Foundation => "foundation",
            MissingKind::Candidate => "candidate",
        };
        t.row(&[
            text(&m.paper_id),
            text(&m.title),
            opt(m.year),
            kind.to_string(),
            r.to_string(),
            num(m.score),
            m.catalog_papers.to_string(),
            m.mechanisms_spanned.to_string(),
            num(m.structural),
            opt(m.citation_count),
            text(&m.predicted_mechanism),
            num(m.confidence),
            list(&evidence),
            text(m.venue.as_deref().unwrap_or("")),
            text(&m.url),
            list(&m.authors),
            text(&s2_ids(&m.paper_id, &m.s2_ids)),
            m.scope.as_str().to_string(),
            num(m.field_lift),
            num(m.field_llr),
            opt(m.neighbourhood_links),
            m.neighbourhood_lift.map(num).unwrap_or_default(),
            m.neighbourhood_llr.map(num).unwrap_or_default(),
            num(m.peer_lift),
            num(m.peer_llr),
            m.reciprocal_links.to_string(),
            num(m.reciprocal_lift),
            num(m.concentration),
            num(m.affinity),
            m.field_signals.to_string(),
        ])?;
    }
    t.finish()
}

fn influential(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(
        w,
        &[
            "scope",
            "rank",
            "key",
            "paper_id",
            "title",
            "abbreviation",
            "year",
            "mechanisms",
            "score",
            "pagerank",
            "catalog_citations",
            "citation_count",
        ],
    )?;
    let row = |t: &mut Table, scope: &str, rank: usize, p: &InfluentialPaper| {
        t.row(&[
            text(scope),
            rank.to_string(),
            text(&p.key),
            text(&p.paper_id),
            text(&p.title),
            text(p.abbreviation.as_deref().unwrap_or("")),
            opt(p.year),
            list(&p.mechanisms),
            num(p.score),
            num(p.pagerank),
            p.catalog_citations.to_string(),
            opt(p.citation_count),
        ])
    };
    for p in &analysis.influential {
        row(&mut t, "all", p.rank, p)?;
    }
    let by_key: HashMap<&str, &InfluentialPaper> = analysis
        .influential
        .iter()
        .map(|p| (p.key.as_str(), p))
        .collect();
    for group in &analysis.mechanisms {
        for (i, key) in group.top_papers.iter().enumerate() {
            if let Some(p) = by_key.get(key.as_str()) {
                row(&mut t, &group.name, i + 1, p)?;
            }
        }
    }
    t.finish()
}

fn lint_tags(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(
        w,
        &[
            "key",
            "title",
            "mechanisms",
            "suggested",
            "agreement",
            "suggested_share",
            "neighbours",
            "reason",
        ],
    )?;
    for l in &analysis.lint_tags {
        t.row(&[
            text(&l.key),
            text(&l.title),
            list(&l.mechanisms),
            text(&l.suggested),
            num(l.agreement),
            num(l.suggested_share),
            l.neighbours.to_string(),
            text(&l.reason),
        ])?;
    }
    t.finish()
}

fn coverage(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(w, &["mechanism", "k", "linked", "missing", "completeness"])?;
    for c in &analysis.coverage {
        t.row(&[
            text(&c.mechanism),
            c.k.to_string(),
            c.linked.to_string(),
            c.missing.to_string(),
            c.completeness.map_or_else(|| "n/a".to_string(), num),
        ])?;
    }
    t.finish()
}

/// `clusters.csv`: one row per community.
fn clusters(analysis: &Analysis, w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(
        w,
        &[
            "community",
            "size",
            "label",
            "top_papers",
            "dominant_mechanism",
        ],
    )?;
    for c in &analysis.clusters {
        t.row(&[
            c.community.to_string(),
            c.size.to_string(),
            text(&c.label),
            list(&c.top_papers),
            text(&c.dominant_mechanism),
        ])?;
    }
    t.finish()
}

/// `cocitation.csv` / `coupling.csv`: `a,b,count,salton`.
fn pairs(rows: &[crate::analysis::PairRow], w: &mut dyn Write) -> io::Result<()> {
    let mut t = Table::new(w, &["a", "b", "count", "salton"])?;
    let mut number = String::new();
    for p in rows {
        t.text(&p.a)?;
        t.text(&p.b)?;
        t.display(p.count, &mut number)?;
        t.display(p.salton, &mut number)?;
        t.end_row()?;
    }
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{MissingPaper, PaperMetrics};

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("+1"), "'+1");
        assert_eq!(text("-cmd"), "'-cmd");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("Token merging"), "Token merging");
        assert_eq!(text(""), "");
    }

    #[test]
    fn writes_every_table_and_reads_metrics_back() {
        let analysis = Analysis {
            papers: vec![PaperMetrics {
                paper_id: "p1".into(),
                title: "=1+1, \"quoted\"".into(),
                pagerank: 0.1,
                ..PaperMetrics::default()
            }],
            missing: vec![MissingPaper {
                paper_id: "m1".into(),
                title: "-negative".into(),
                kind: MissingKind::Candidate,
                score: -0.5,
                ..MissingPaper::default()
            }],
            ..Analysis::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let written = crate::render::write_outputs(
            dir.path(),
            analysis_files(&analysis, &CitationGraph::default()),
        )
        .unwrap();
        assert_eq!(written.len(), 21);
        for path in &written {
            assert!(path.exists(), "{}", path.display());
        }
        let papers = std::fs::read_to_string(dir.path().join("papers.csv")).unwrap();
        assert!(papers.contains("\"'=1+1, \"\"quoted\"\"\""), "{papers}");
        let missing = std::fs::read_to_string(dir.path().join("missing.csv")).unwrap();
        assert!(missing.contains("'-negative"));
        assert!(
            missing.contains(",-0.5,"),
            "numbers keep their sign: {missing}"
        );
        let back = metrics_json::read(dir.path()).unwrap();
        assert_eq!(back, analysis);
    }

    #[test]
    fn cells_are_encoded_as_the_csv_writer_does() {
        let fields = [
            "plain",
            "a,b",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "cr\rhere",
            "'=x",
            " spaced ",
            "tab\tx",
            "ünï, \"cödé\"",
            "x",
        ];
        for field in fields {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record([field, "end"]).unwrap();
            let written = String::from_utf8(writer.into_inner().unwrap()).unwrap();
            assert_eq!(written, format!("{},end\n", csv_cell(field)), "{field:?}");
        }
    }

    #[test]
    fn edge_rows_match_the_csv_writer() {
        use crate::graph::{Citation, PaperNode};
        use crate::records::SourceSet;
        let mut graph = CitationGraph::default();
        for id in ["a", "b,\"c\"", "-d"] {
            graph.graph.add_node(PaperNode {
                paper_id: id.into(),
                ..PaperNode::default()
            });
        }
        let edges = [
            (0u32, 1u32, true, 3u8, 1u8),
            (0, 2, false, 0, 3),
            (1, 2, false, 15, 6),
            (2, 0, true, 8, 7),
        ];
        for &(s, t, influential, intents, sources) in &edges {
            let citation = Citation {
                is_influential: influential,
                intents: Intents(intents),
                sources: SourceSet(sources),
            };
            graph.graph.add_edge(s.into(), t.into(), citation);
        }
        let mut fast = Vec::new();
        super::edges(&graph, &mut fast).unwrap();
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(["source", "target", "is_influential", "intents", "sources"])
            .unwrap();
        for (s, t, c) in graph.edges() {
            writer
                .write_record([
                    text(&graph.node(s).paper_id),
                    text(&graph.node(t).paper_id),
                    c.is_influential.to_string(),
                    c.intents.names().join("; "),
                    c.sources.names(),
                ])
                .unwrap();
        }
        assert_eq!(
            String::from_utf8(fast).unwrap(),
            String::from_utf8(writer.into_inner().unwrap()).unwrap()
        );
    }

    #[test]
    fn evidence_keys_and_lists_have_unambiguous_separators() {
        let analysis = Analysis {
            missing: vec![MissingPaper {
                paper_id: "m1".into(),
                title: "A title, with commas".into(),
                kind: MissingKind::Foundation,
                authors: vec!["Doe, Jane".into(), "Roe, Richard".into()],
                evidence: std::collections::BTreeMap::from([
                    (
                        "Token Pruning".to_string(),
                        vec![
                            "title:less is more, again".to_string(),
                            "arxiv:2101.1".into(),
                        ],
                    ),
                    ("Pooling".to_string(), vec!["doi:10.1/x".to_string()]),
                ]),
                ..MissingPaper::default()
            }],
            ..Analysis::default()
        };
        let dir = tempfile::tempdir().unwrap();
        crate::render::write_outputs(
            dir.path(),
            analysis_files(&analysis, &CitationGraph::default()),
        )
        .unwrap();
        let mut reader = csv::Reader::from_path(dir.path().join("missing.csv")).unwrap();
        let headers = reader.headers().unwrap().clone();
        let row = reader.records().next().unwrap().unwrap();
        let cell = |name: &str| row[headers.iter().position(|h| h == name).unwrap()].to_string();
        assert_eq!(
            cell("evidence"),
            "Pooling: doi:10.1/x; Token Pruning: title:less is more, again | arxiv:2101.1"
        );
        assert_eq!(cell("authors"), "Doe, Jane; Roe, Richard");
    }
}
