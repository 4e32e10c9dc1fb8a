//! The Parquet tables (`--tables csv,parquet`) as an engine reads them: on one `analyze` of the
//! world snapshot, Python's `duckdb` (not the crate that writes them) reads every `.parquet`
//! file and finds its CSV's rows, columns and cells in it, each column with the Parquet type the
//! README's "Parquet tables" section documents, and every paper's in- and out-degree in
//! `papers.csv` equal to its edges counted in `edges.parquet`.
//!
//! `.ci/setup` installs duckdb.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::common;

/// `analyze` of the world snapshot into `output`, with `extra` arguments.
fn analyze(output: &Path, cache: &Path, extra: &[&str]) -> std::process::Output {
    common::citegraph()
        .args(["analyze", "--offline", "--catalog"])
        .arg(common::catalog_dir())
        .arg("--snapshot")
        .arg(common::world_jsonl())
        .arg("--output-dir")
        .arg(output)
        .arg("--cache-dir")
        .arg(cache)
        .args(extra)
        .arg("-q")
        .output()
        .unwrap()
}

/// The output directory of one `analyze --tables csv,parquet` of the world, kept for the tests
/// of this file.
fn world_outputs() -> &'static Path {
    static RUN: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_dir, output) = RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("out");
        let run = analyze(
            &output,
            &dir.path().join("cache"),
            &["--tables", "csv,parquet"],
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        (dir, output)
    });
    output
}

/// The README's Parquet schemas: table file -> its columns with their documented type (`UTF8`,
/// `optional INT32`, `LIST<UTF8>`, ...), in the README's order, from the rows
/// `` | `file.parquet` | `column` | type | meaning | `` of its "Parquet tables" section.
fn readme_schemas() -> BTreeMap<String, Vec<(String, String)>> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("#### Parquet tables")
        .nth(1)
        .expect("README has a \"Parquet tables\" section");
    let section = section.split("\n#").next().unwrap();
    let mut schemas: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
        if cells.len() < 4 {
            continue;
        }
        let unquote = |s: &str| s.trim().trim_matches('`').to_string();
        let (file, column, kind) = (unquote(cells[0]), unquote(cells[1]), unquote(cells[2]));
        if file.ends_with(".parquet") {
            schemas.entry(file).or_default().push((column, kind));
        }
    }
    schemas
}

/// Reads each Parquet file of `sys.argv[1]` with duckdb and compares it with its CSV (the
/// schemas, as [`readme_schemas`] gives them, in JSON on stdin). Prints `ok` and a count a
/// table, else the differences.
const DUCKDB_CHECK: &str = r#"
import csv, json, math, os, sys
import duckdb

out = sys.argv[1]
schemas = json.load(sys.stdin)
con = duckdb.connect()
problems = []

def parquet_types(path):
    """Each top-level column's type as the README spells it, from the file's own schema."""
    rows = con.execute("select name, type, repetition_type, num_children, converted_type "
                       "from parquet_schema(?)", [path]).fetchall()
    types, i = [], 1  # rows[0] is the root
    while i < len(rows):
        name, physical, repetition, children, converted = rows[i]
        if children:
            # A list: the group (LIST), its repeated group, its element.
            element = rows[i + 2]
            assert converted == "LIST" and rows[i + 1][2] == "REPEATED", rows[i:i + 3]
            inner = "UTF8" if element[4] == "UTF8" else element[1]
            kind = f"LIST<{inner}>"
            i += 3
        else:
            kind = "UTF8" if converted == "UTF8" else physical
            i += 1
        if repetition == "OPTIONAL":
            kind = "optional " + kind
        types.append((name, kind))
    return types

def undefuse(cell, value):
    # The CSV defuses a text cell a spreadsheet would run ('=...'): Parquet holds it as it is.
    return cell == value or cell == "'" + value

def same(kind, cell, value):
    base = kind.replace("optional ", "")
    if value is None:
        return kind.startswith("optional") and cell == ""
    if base.startswith("LIST"):
        return any(undefuse(cell, sep.join(value)) for sep in ("; ", ";"))
    if base == "UTF8":
        return undefuse(cell, value)
    if base in ("INT64", "INT32"):
        return cell != "" and int(cell) == value
    if base == "DOUBLE":
        if cell == "":
            return False
        x = float(cell)
        return (math.isnan(x) and math.isnan(value)) or x == value
    if base == "BOOLEAN":
        return cell == ("true" if value else "false")
    return False

for file, columns in sorted(schemas.items()):
    path = os.path.join(out, file)
    with open(path[: -len(".parquet")] + ".csv", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        csv_rows = list(reader)
    names = [c for c, _ in columns]
    if header != names:
        problems.append(f"{file}: README columns {names}, CSV header {header}")
        continue
    found = parquet_types(path)
    if found != [tuple(c) for c in columns]:
        problems.append(f"{file}: Parquet schema {found}, README {columns}")
        continue
    rows = con.execute(f"select * from read_parquet(?)", [path]).fetchall()
    if len(rows) != len(csv_rows):
        problems.append(f"{file}: {len(rows)} rows, the CSV {len(csv_rows)}")
        continue
    bad = 0
    for n, (row, cells) in enumerate(zip(rows, csv_rows)):
        for (name, kind), value, cell in zip(columns, row, cells):
            if not same(kind, cell, value):
                bad += 1
                if bad <= 5:
                    problems.append(f"{file} row {n + 2} {name}: Parquet {value!r}, CSV {cell!r}")
    print(f"{file}: {len(rows)} rows")

# Degrees: every paper's in_degree and out_degree (papers.csv) against its edges in edges.parquet.
degrees = dict(((s, "out"), n) for s, n in con.execute(
    "select source, count(*) from read_parquet(?) group by 1", [os.path.join(out, "edges.parquet")]
).fetchall())
degrees.update(((t, "in"), n) for t, n in con.execute(
    "select target, count(*) from read_parquet(?) group by 1", [os.path.join(out, "edges.parquet")]
).fetchall())
with open(os.path.join(out, "papers.csv"), encoding="utf-8", newline="") as f:
    papers = list(csv.DictReader(f))
wrong = [p["paper_id"] for p in papers
         if int(p["in_degree"]) != degrees.get((p["paper_id"], "in"), 0)
         or int(p["out_degree"]) != degrees.get((p["paper_id"], "out"), 0)]
if wrong:
    problems.append(f"{len(wrong)} papers whose degrees are not their edges' counts: {wrong[:5]}")
if not any(int(p["in_degree"]) for p in papers):
    problems.append("no paper has an edge: nothing was compared")
print("\n".join(problems) if problems else f"ok {len(papers)} papers")
sys.exit(1 if problems else 0)
"#;

#[test]
fn duckdb_reads_every_parquet_table_as_its_csv_and_the_readme_types() {
    let out = world_outputs();
    let schemas = readme_schemas();
    let written: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".parquet"))
        .collect();
    let mut documented: Vec<&String> = schemas.keys().collect();
    let mut written_sorted: Vec<&String> = written.iter().collect();
    documented.sort();
    written_sorted.sort();
    assert_eq!(
        written_sorted, documented,
        "the Parquet files written are those the README documents"
    );
    assert_eq!(
        written.len(),
        citegraph::render::PARQUET_FILES.len(),
        "{written:?}"
    );
    let mut child = Command::new("python3")
        .args(["-c", DUCKDB_CHECK])
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run python3: this test needs python3 with duckdb (.ci/setup installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&schemas).unwrap().as_bytes())
        .unwrap();
    let result = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(stdout.contains("ok "), "{stdout}");
}

#[test]
fn a_run_without_parquet_removes_the_tables_of_an_earlier_one() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out");
    // The earlier run's outputs, Parquet tables included.
    std::fs::create_dir(&output).unwrap();
    for entry in std::fs::read_dir(world_outputs()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), output.join(entry.file_name())).unwrap();
        }
    }
    assert!(output.join("edges.parquet").is_file());
    let run = analyze(&output, &dir.path().join("cache"), &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for name in citegraph::render::PARQUET_FILES {
        assert!(!output.join(name).exists(), "{name} is stale and stays");
    }
    assert!(output.join("edges.csv").is_file());
}

#[test]
fn tables_without_csv_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = analyze(
        &dir.path().join("out"),
        &dir.path().join("cache"),
        &["--tables", "parquet"],
    );
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("--tables csv,parquet"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}
