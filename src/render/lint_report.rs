//! The catalogue's lint findings and reading warnings as one table, for maintainers and a list's
//! CI: `OUTPUT/lint.csv` (written by `catalog` and `run`) and `citegraph lint` (text, CSV, JSON
//! or GitHub Actions annotations on stdout).
//!
//! Columns, one row per finding (findings first, in the order of
//! [`crate::catalog::LintKind`], then reading warnings in file order):
//! `severity` (`error`, `warning`, `note`), `kind` (a lint kind, or `reading` for a problem reading
//! the Markdown), `file` (relative to the list's root), `line` (1-based; empty when the problem
//! concerns the whole file), `key` (the catalogue keys involved, `;`-separated), `message`, `fix`
//! (what to change).

use anyhow::{Context, Result};
use serde::Serialize;

use super::{escape, OutputFile};
use crate::analysis::Analysis;
use crate::catalog::{Catalog, LintFinding, LintKind, Severity, Warning};

/// One row of the lint table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintRow {
    pub severity: Severity,
    pub kind: LintKind,
    pub file: String,
    pub line: Option<usize>,
    /// The catalogue keys involved, `;`-separated.
    pub key: String,
    pub message: String,
    pub fix: String,
}

impl LintRow {
    /// `file:line` (or `file`) for messages.
    pub fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }
}

/// The CSV header of `lint.csv`.
pub const LINT_COLUMNS: [&str; 7] = ["severity", "kind", "file", "line", "key", "message", "fix"];

/// Every finding and warning of `catalog`, findings first.
pub fn lint_rows(catalog: &Catalog) -> Vec<LintRow> {
    rows_of(&catalog.lint, &catalog.warnings)
}

/// The rows of `findings`, then those of `warnings`.
fn rows_of(findings: &[LintFinding], warnings: &[Warning]) -> Vec<LintRow> {
    let mut rows: Vec<LintRow> = findings
        .iter()
        .map(|finding| LintRow {
            severity: finding.kind.severity(),
            kind: finding.kind,
            file: finding.file.clone().unwrap_or_default(),
            line: finding.line,
            key: finding.keys.join(";"),
            message: finding.message.clone(),
            fix: finding.kind.fix().to_string(),
        })
        .collect();
    // Errors, then warnings, then notes; the kinds' order (most actionable first) within each.
    rows.sort_by_key(|row| row.severity);
    let reading = LintKind::Reading;
    rows.extend(warnings.iter().map(|warning| {
        LintRow {
            severity: reading.severity(),
            kind: reading,
            file: warning.file.clone(),
            line: warning.line,
            key: String::new(),
            message: warning.message.clone(),
            fix: match warning.line {
                Some(_) => reading.fix(),
                // About a whole file (empty, no entries, unreadable): often a file that is not
                // part of the list, such as the list's front page.
                None => WHOLE_FILE_FIX,
            }
            .to_string(),
        }
    }));
    rows
}

/// The fix of a reading warning about a whole file rather than a place in it.
pub const WHOLE_FILE_FIX: &str =
    "nothing to do if this file is not part of the list (or leave it out with \
     --exclude GLOB); if it is, its entries must follow the list's format";

/// `lint.csv`'s bytes: the header ([`LINT_COLUMNS`]) and one row per [`LintRow`]. Every cell goes
/// through [`escape::csv`] (messages quote strangers' titles).
pub fn lint_csv(rows: &[LintRow]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(LINT_COLUMNS)?;
    for row in rows {
        let line = row.line.map(|l| l.to_string()).unwrap_or_default();
        let cells = [
            row.severity.as_str(),
            row.kind.as_str(),
            &row.file,
            &line,
            &row.key,
            &row.message,
            &row.fix,
        ];
        writer.write_record(cells.iter().map(|cell| escape::csv(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|err| anyhow::anyhow!("cannot encode lint.csv: {err}"))
}

/// Text for a terminal or a CI log: `file:line: severity[kind]: message`, one a line, and each
/// kind's fix hint once, after the last finding it applies to: `help[kind]: fix` (the hint of a
/// kind is the same on every finding: said once, as rustc says a `help:` once, not repeated on
/// fifty lines). A kind with two hints (a reading problem at a line, or about a whole file) says
/// each once.
pub fn lint_text(rows: &[LintRow]) -> String {
    let mut out = String::new();
    for (index, row) in rows.iter().enumerate() {
        out.push_str(&format!(
            "{}: {}[{}]: {}\n",
            row.place(),
            row.severity.as_str(),
            row.kind,
            row.message
        ));
        let said_later = rows[index + 1..]
            .iter()
            .any(|later| later.kind == row.kind && later.fix == row.fix);
        if !row.fix.is_empty() && !said_later {
            out.push_str(&format!("help[{}]: {}\n", row.kind, row.fix));
        }
    }
    out
}

/// GitHub Actions workflow commands, one a line, which GitHub shows as annotations on the files
/// of a pull request and in the run's summary: `::error file=PATH,line=N,title=KIND::message`
/// (`warning` for warnings, `notice` for notes; `file=` and `line=` left out where the finding
/// has none). Each kind's fix hint is said once, in one file-less notice after the findings,
/// `::notice title=How to fix KIND::fix`, not repeated on every line. Escaped as GitHub's toolkit
/// escapes them (`escapeData`, `escapeProperty` of @actions/core): `%`, CR and LF everywhere, and
/// `:` and `,` in properties too.
pub fn lint_github(rows: &[LintRow]) -> String {
    let mut out = String::new();
    let mut fixes: Vec<(LintKind, &str)> = Vec::new();
    for row in rows {
        let level = match row.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = Vec::new();
        if !row.file.is_empty() {
            properties.push(format!("file={}", github_property(&row.file)));
        }
        if let Some(line) = row.line {
            properties.push(format!("line={line}"));
        }
        properties.push(format!("title={}", github_property(row.kind.as_str())));
        out.push_str(&format!(
            "::{level} {}::{}\n",
            properties.join(","),
            github_data(&row.message)
        ));
        if !row.fix.is_empty()
            && !fixes
                .iter()
                .any(|&(kind, fix)| kind == row.kind && fix == row.fix)
        {
            fixes.push((row.kind, &row.fix));
        }
    }
    for (kind, fix) in fixes {
        out.push_str(&format!(
            "::notice title={}::{}\n",
            github_property(&format!("How to fix {kind}")),
            github_data(fix)
        ));
    }
    out
}

/// A workflow command's message: `%`, CR and LF escaped.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`github_data`], and `:` and `,` too.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// JSON: an array of [`LintRow`] objects (`line` is null when the problem concerns a whole file).
pub fn lint_json(rows: &[LintRow]) -> Result<Vec<u8>> {
    let mut json = serde_json::to_vec_pretty(rows).context("cannot encode the lint findings")?;
    json.push(b'\n');
    Ok(json)
}

/// The formats `citegraph lint` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LintFormat {
    /// [`lint_text`]: `file:line: severity[kind]: message`, then `help[kind]: fix` once a kind.
    #[default]
    Text,
    /// [`lint_csv`]: the columns of `lint.csv`.
    Csv,
    /// [`lint_json`]: an array of objects with the same fields.
    Json,
    /// [`lint_github`]: GitHub Actions annotations.
    Github,
}

/// The rows in `format`.
pub fn render_lint(rows: &[LintRow], format: LintFormat) -> Result<Vec<u8>> {
    match format {
        LintFormat::Text => Ok(lint_text(rows).into_bytes()),
        LintFormat::Csv => lint_csv(rows),
        LintFormat::Json => lint_json(rows),
        LintFormat::Github => Ok(lint_github(rows).into_bytes()),
    }
}

/// What `citegraph lint` prints and when it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintOptions {
    pub format: LintFormat,
    /// The severities printed (and counted by `strict`).
    pub severities: Vec<Severity>,
    /// Fail (exit 1) when anything of `severities` is found, `skipped` notes aside (they say
    /// what the walk left out, which is no fault of the list: a `CONTRIBUTING.md`, an `output/`).
    pub strict: bool,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            format: LintFormat::Text,
            severities: vec![Severity::Error, Severity::Warning, Severity::Note],
            strict: false,
        }
    }
}

/// `--strict` found something: the rendered findings (printed on stdout all the same) and how many.
#[derive(Debug, thiserror::Error)]
#[error("--strict: {} of the chosen severities", crate::text::count(*found, "lint finding"))]
pub struct LintFailed {
    pub output: String,
    pub found: usize,
}

/// The findings of `options.severities`, rendered; [`LintFailed`] when `options.strict` and any
/// of them is not a `skipped` note.
pub fn lint_report(catalog: &Catalog, options: &LintOptions) -> Result<String> {
    let rows: Vec<LintRow> = lint_rows(catalog)
        .into_iter()
        .filter(|row| options.severities.contains(&row.severity))
        .collect();
    let output = String::from_utf8_lossy(&render_lint(&rows, options.format)?).into_owned();
    let found = rows
        .iter()
        .filter(|row| row.kind != LintKind::Skipped)
        .count();
    if options.strict && found > 0 {
        return Err(LintFailed { output, found }.into());
    }
    Ok(output)
}

/// `lint.csv` (every finding and warning of `catalog`), for [`super::write_outputs`].
pub fn lint_file(catalog: &Catalog) -> Result<OutputFile> {
    Ok(OutputFile::new("lint.csv", lint_csv(&lint_rows(catalog))?))
}

/// `lint.csv` of a run (`citegraph run`): the catalogue's findings together with those only the
/// resolution finds, as the analysis holds them (`catalog_lint`: a `duplicate-paper` for two
/// catalogue papers that resolved to one Semantic Scholar record or work), then the catalogue's
/// reading warnings. The same columns as [`lint_file`]. Errors: the CSV could not be encoded.
pub fn run_lint_file(catalog: &Catalog, analysis: &Analysis) -> Result<OutputFile> {
    let rows = rows_of(&analysis.catalog_lint, &catalog.warnings);
    Ok(OutputFile::new("lint.csv", lint_csv(&rows)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{LintFinding, Warning};

    #[test]
    fn strict_does_not_count_what_the_walk_skipped() {
        let finding = |kind: LintKind| LintFinding {
            kind,
            file: Some("CONTRIBUTING.md".into()),
            line: None,
            message: "not the list".into(),
            keys: Vec::new(),
        };
        let strict = LintOptions {
            strict: true,
            ..LintOptions::default()
        };
        let skipped_only = Catalog {
            lint: vec![finding(LintKind::Skipped)],
            ..Catalog::default()
        };
        let output = lint_report(&skipped_only, &strict).unwrap();
        assert!(output.contains("skipped"), "{output}");
        let with_gap = Catalog {
            lint: vec![finding(LintKind::Skipped), finding(LintKind::NumberingGap)],
            ..Catalog::default()
        };
        let failed = lint_report(&with_gap, &strict).unwrap_err();
        assert_eq!(failed.downcast_ref::<LintFailed>().unwrap().found, 1);
    }

    #[test]
    fn rows_carry_severity_place_and_fix() {
        let catalog = Catalog {
            lint: vec![LintFinding {
                kind: LintKind::ConflictingId,
                message: "=\"A\" links arXiv 1".into(),
                file: Some("a.md".into()),
                line: Some(3),
                keys: vec!["arxiv:1".into(), "title:a".into()],
            }],
            warnings: vec![Warning {
                file: "b.md".into(),
                line: None,
                message: "empty file; nothing to read".into(),
            }],
            ..Catalog::default()
        };
        let rows = lint_rows(&catalog);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].severity, Severity::Error);
        assert_eq!(rows[0].place(), "a.md:3");
        assert_eq!(rows[1].kind, LintKind::Reading);
        assert_eq!(rows[1].place(), "b.md");
        // A warning about a whole file does not ask to fix Markdown "at this place".
        assert_eq!(rows[1].fix, WHOLE_FILE_FIX);
        let csv = String::from_utf8(lint_csv(&rows).unwrap()).unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("severity,kind,file,line,key,message,fix")
        );
        let first = lines.next().unwrap();
        assert!(
            first.starts_with("error,conflicting-id,a.md,3,arxiv:1;title:a,\"'=\"\"A\"\" links"),
            "{first}"
        );
        let text = lint_text(&rows);
        assert!(
            text.starts_with("a.md:3: error[conflicting-id]: "),
            "{text}"
        );
        assert!(!text.contains("(fix: "), "{text}");
        let json: serde_json::Value = serde_json::from_slice(&lint_json(&rows).unwrap()).unwrap();
        assert_eq!(json[1]["line"], serde_json::Value::Null);
        assert_eq!(json[0]["severity"], "error");
    }

    /// Three findings of one kind and one of another: each hint once, after its kind's last
    /// finding; a reading problem at a line and one about a whole file keep their own hints.
    #[test]
    fn text_says_each_fix_once_after_its_findings() {
        let finding = |kind: LintKind, line: usize| LintFinding {
            kind,
            message: format!("finding at {line}"),
            file: Some("a.md".into()),
            line: Some(line),
            keys: Vec::new(),
        };
        let warning = |line: Option<usize>| Warning {
            file: "b.md".into(),
            line,
            message: "odd".into(),
        };
        let catalog = Catalog {
            lint: vec![
                finding(LintKind::NoPaperLink, 1),
                finding(LintKind::NoPaperLink, 2),
                finding(LintKind::NoPaperLink, 3),
                finding(LintKind::MalformedLink, 4),
            ],
            warnings: vec![warning(Some(5)), warning(None), warning(Some(6))],
            ..Catalog::default()
        };
        let text = lint_text(&lint_rows(&catalog));
        let lines: Vec<&str> = text.lines().collect();
        let hint = |kind: LintKind, fix: &str| format!("help[{kind}]: {fix}");
        assert_eq!(lines.len(), 7 + 4, "{text}");
        // Errors first: the malformed link, then its hint.
        assert_eq!(lines[0], "a.md:4: error[malformed-link]: finding at 4");
        assert_eq!(
            lines[1],
            hint(LintKind::MalformedLink, LintKind::MalformedLink.fix())
        );
        assert_eq!(lines[4], "a.md:3: warning[no-paper-link]: finding at 3");
        assert_eq!(
            lines[5],
            hint(LintKind::NoPaperLink, LintKind::NoPaperLink.fix())
        );
        assert_eq!(lines[8], hint(LintKind::Reading, WHOLE_FILE_FIX));
        for fix in [LintKind::Reading.fix(), WHOLE_FILE_FIX] {
            let said = lines.iter().filter(|l| l.ends_with(fix)).count();
            assert_eq!(said, 1, "{fix}: {text}");
        }
        assert_eq!(lines[10], hint(LintKind::Reading, LintKind::Reading.fix()));
        for kind in LintKind::ALL {
            let hints = lines
                .iter()
                .filter(|l| l.starts_with(&format!("help[{kind}]")))
                .count();
            assert!(hints <= 2, "{kind}: {text}");
        }
    }

    #[test]
    fn github_annotations_escape_and_say_each_fix_once() {
        let finding = |line: Option<usize>, message: &str| LintFinding {
            kind: LintKind::ConflictingId,
            message: message.into(),
            file: Some("Vision Domain/a, b: c.md".into()),
            line,
            keys: Vec::new(),
        };
        let catalog = Catalog {
            lint: vec![
                finding(Some(3), "100% sure:\nsecond line\r"),
                finding(None, "whole file"),
            ],
            warnings: vec![Warning {
                file: "b.md".into(),
                line: Some(7),
                message: "odd, line".into(),
            }],
            ..Catalog::default()
        };
        let text = lint_github(&lint_rows(&catalog));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "::error file=Vision Domain/a%2C b%3A c.md,line=3,title=conflicting-id::100%25 sure:%0Asecond line%0D"
        );
        assert_eq!(
            lines[1],
            "::error file=Vision Domain/a%2C b%3A c.md,title=conflicting-id::whole file"
        );
        assert!(lines[2].starts_with("::"), "{text}");
        assert!(
            lines[2].contains("line=7,title=reading::odd, line"),
            "{text}"
        );
        // One fix a kind, after the findings.
        let fixes: Vec<&&str> = lines.iter().filter(|l| l.contains("How to fix")).collect();
        assert_eq!(fixes.len(), 2, "{text}");
        assert!(fixes[0].starts_with("::notice title=How to fix conflicting-id::"));
        assert_eq!(lines.len(), 5, "{text}");
    }
}
