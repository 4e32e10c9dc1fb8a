//! Hostile input through the real binary (issue #7): a catalogue written to inject DOT, HTML and
//! CSV (quotes, backslashes, `</script>`, `<img onerror>`, cells starting with `=`, `+`, `-`,
//! `@`, in titles, badges, authors, file and folder names), ids with `../` and NUL bytes,
//! 10 MB lines, non-UTF-8 bytes and a 100 MB file; and a Semantic Scholar that answers wrong
//! types, nulls everywhere, missing fields, huge arrays and paper ids with path characters.
//!
//! Every run succeeds (or fails with a message, never a panic), memory stays bounded (a run
//! under a 1 GB address-space limit), every output stays valid, and nothing is written outside
//! the cache and output directories (the tree of the test's directory is compared before and
//! after, the binary running in a fresh working directory).
//!
//! tests/it/catalog_bad_input.rs checks the reader's warnings on one bad file of each kind; here
//! they come together, with the fetch and the outputs.

use crate::common;
use crate::fetch_support;
use crate::reliability_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::mock_s2::{Endpoint, MockBuilder, World};
use reliability_support::*;
use serde_json::{json, Value};

/// Titles, badges and names that try to escape their context in each output format.
const INJECTIONS: [&str; 14] = [
    r#"Quote " and backslash \ and \" in a title"#,
    "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; Entity Title",
    "`<img src=x onerror=alert(1)>` Code Title",
    r"\<img src=x onerror=alert(2)\> Escaped Title",
    "=cmd|' /C calc'!A0",
    "+SUM(1,2) Plus Title",
    "-2+3 Minus Title",
    "@SUM(A1) At Title",
    r#"DOT "]; evil [label="x"]; } digraph { a -> b"#,
    r"Backslash at the end \\",
    "Tab\tand\u{7f}control",
    "<!-- comment --> ]]> CDATA --> Title",
    // Terminal escapes: a colour, a window title, a bell, a screen clear.
    "Escape \u{1b}[31mred\u{1b}]0;pwned\u{7} and \u{1b}[2J Title",
    r"LaTeX \input{/etc/passwd} $x^2$ 100% #1 & {braces} ~_ Title",
];

/// The badge labels, percent-encoded as shields.io wants them.
const BADGES: [&str; 6] = [
    "%3C%2Fscript%3E%3Cscript%3Ealert(3)%3C%2Fscript%3E",
    "%3Cimg%20src%3Dx%20onerror%3Dalert(4)%3E",
    "%3D1%2B1",
    "%2BHYPERLINK(%22x%22)",
    "--2",
    "%40x%22%5D%3B%20evil",
];

/// Paper ids the API could answer, each trying to be a path, or to break a format.
const HOSTILE_IDS: [&str; 14] = [
    "../../etc/passwd",
    "a/b",
    "x\u{0}y",
    "..",
    r"C:\Windows\win.ini",
    "</script><img src=x onerror=alert(5)>",
    r#"x"]; evil [label="y"#,
    "=HYPERLINK(\"http://x\")",
    "+1",
    "-1",
    "@1",
    "/absolute/path",
    // Already percent-encoded dots: must be sent as they are, not decoded into `../`.
    "%2E%2E%2Fx",
    "\\\\server\\share",
];

fn arxiv(n: usize) -> String {
    format!("2401.{:05}", 90_000 + n)
}

/// One catalogue entry in the family's syntax.
fn entry(n: usize, title: &str, arxiv_id: &str, badge: &str, authors: &str) -> String {
    format!(
        "- **[{n}] {title}**, arXiv 2024.\n  *{authors}*\n  [[Paper](https://arxiv.org/abs/{arxiv_id})] [[Code](https://github.com/x/y)] ![](https://img.shields.io/badge/{badge}-orange) ![](https://img.shields.io/badge/{badge}-blue) ![](https://img.shields.io/badge/Token_Pruning-orange)\n\n"
    )
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// The hostile catalogue, fetchable from [`hostile_world`]: injections in titles, badges,
/// authors, a folder and a file name; ids with `../` and NUL; non-UTF-8; a NUL byte; the
/// papers whose records the API garbles.
fn write_hostile_catalog(root: &Path) {
    let mut text = String::from("# Hostile <script>alert(0)</script>\n\n## 2024 \"]; x\n\n");
    for (i, title) in INJECTIONS.iter().enumerate() {
        let badge = BADGES[i % BADGES.len()];
        text.push_str(&entry(
            i + 1,
            title,
            &arxiv(i),
            badge,
            "Ada <b>Lovelace</b>, =Bob Tables, @Eve",
        ));
    }
    write(&root.join("injection.md"), text.as_bytes());

    let mut ids = String::from("# Ids\n\n");
    let urls = [
        "https://arxiv.org/abs/../../etc/passwd",
        "https://doi.org/10.1000/../../../etc/passwd",
        "https://aclanthology.org/../../etc/passwd/",
        "https://openreview.net/forum?id=../../x",
        "https://doi.org/10.1000/a%00b",
        "https://dl.acm.org/doi/10.1145/..%2F..%2Fx",
        "file:///etc/passwd",
    ];
    for (i, url) in urls.iter().enumerate() {
        ids.push_str(&format!(
            "- **[{}] Id Paper {}**, arXiv 2024.\n  [[Paper]({url})] ![](https://img.shields.io/badge/Token_Pruning-orange)\n\n",
            i + 1,
            i + 1
        ));
    }
    ids.push_str("- **[8] Bib Paper**, arXiv 2024.\n  [[Paper](https://example.org/x)]\n  ```bibtex\n  @article{../../etc/passwd, doi={10.1/../../../x}, eprint={../../y}, year={2024}}\n  ```\n");
    write(&root.join("ids.md"), ids.as_bytes());

    // A folder and a file named to inject (the domain and the listing's file end up in
    // every output).
    write(
        &root.join("=HYPERLINK(\"x\") <b>dom</b>/<img src=x onerror=alert(6)>.md"),
        entry(1, "Domain Paper", &arxiv(20), "Token_Pruning", "Ann").as_bytes(),
    );
    write(
        &root.join("nul.md"),
        b"- **[1] Nul \x00 Paper**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2401.99999)]\n",
    );
    write(
        &root.join("latin1.md"),
        b"- **[1] Caf\xe9 \xff\xfe Paper**, arXiv 2024.\n  [[Paper](https://arxiv.org/abs/2401.90021)] ![](https://img.shields.io/badge/Token_Pruning-orange)\n",
    );

    // The papers whose records the API garbles (see `hostile_world`).
    let mut api = String::from("# API\n\n");
    for (i, title) in [
        "Nulls Everywhere",
        "Missing Fields",
        "Wrong Types",
        "Huge Arrays",
        "Bad Links",
    ]
    .iter()
    .enumerate()
    {
        api.push_str(&entry(i + 1, title, &arxiv(30 + i), "Token_Pruning", "Ann"));
    }
    write(&root.join("api.md"), api.as_bytes());
}

/// Files too big to be a catalogue, or with 10 MB lines: read (or skipped) in bounded memory.
fn write_big_files(root: &Path) {
    let good = entry(1, "Good Paper", "2401.00001", "Token_Pruning", "Ann");
    let mut long = String::with_capacity(11 << 20);
    long.push_str(&entry(
        1,
        &"A".repeat(10 << 20),
        "2401.00002",
        "Token_Pruning",
        "Ann",
    ));
    write(&root.join("long-title.md"), long.as_bytes());
    let mut brackets = good.clone();
    brackets.push_str(&"[".repeat(10 << 20));
    write(&root.join("brackets.md"), brackets.as_bytes());
    let mut badge = good.replace("2401.00001", "2401.00003");
    badge.push_str(&format!(
        "![](https://img.shields.io/badge/{}-orange)\n",
        "%3C".repeat((10 << 20) / 3)
    ));
    write(&root.join("long-badge.md"), badge.as_bytes());
    // 100 MB, over the reader's limit: skipped without being read.
    let block = good.repeat(1000);
    let file = std::fs::File::create(root.join("huge.md")).unwrap();
    let mut writer = std::io::BufWriter::new(file);
    let mut written = 0;
    while written < 100 << 20 {
        std::io::Write::write_all(&mut writer, block.as_bytes()).unwrap();
        written += block.len();
    }
    std::io::Write::flush(&mut writer).unwrap();
}

/// A paper of the world.
fn paper(
    id: &str,
    arxiv_id: Option<&str>,
    title: Value,
    refs: Vec<Value>,
    cits: Vec<Value>,
) -> Value {
    let mut external = json!({ "DOI": format!("10.1/\"<x>{id}") });
    if let Some(arxiv_id) = arxiv_id {
        external["ArXiv"] = json!(arxiv_id);
    }
    json!({
        "paperId": id,
        "externalIds": external,
        "title": title,
        "year": 2024,
        "venue": "<img src=x onerror=alert(7)> \"]; =1+1",
        "publicationDate": "2024-01-01",
        "authors": [
            {"authorId": "../1", "name": "</script><script>alert(8)</script>"},
            {"authorId": null, "name": "=1+1"},
        ],
        "citationCount": cits.len(),
        "influentialCitationCount": 0,
        "referenceCount": refs.len(),
        "references": refs,
        "citations": cits,
    })
}

fn link(id: &str) -> Value {
    json!({"paperId": id, "isInfluential": true, "intents": ["<b>methodology</b>", "=1"]})
}

/// The world the hostile catalogue is fetched from: its papers under hostile ids, citing each
/// other, and the five papers whose records are garbled.
fn hostile_world() -> World {
    let mut world = World::default();
    let ids: Vec<String> = (0..INJECTIONS.len())
        .map(|i| HOSTILE_IDS[i % HOSTILE_IDS.len()].to_string())
        .collect();
    for (i, title) in INJECTIONS.iter().enumerate() {
        if title.contains('\u{1b}') {
            // Not on Semantic Scholar: unresolved, its title is printed in the summary.
            continue;
        }
        // Each cites the next two and is cited by the previous one, plus a bibliography line
        // Semantic Scholar could not match (a null id) and a paper outside the catalogue.
        let refs = vec![
            link(&ids[(i + 1) % ids.len()]),
            link(&ids[(i + 2) % ids.len()]),
            json!({"paperId": null}),
            link("outside/../paper"),
        ];
        let cits = vec![link(&ids[(i + ids.len() - 1) % ids.len()])];
        // The record's title is the catalogue's as the reader makes it (entities decoded).
        let title = title
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace(['`'], "")
            .replace(r"\<", "<")
            .replace(r"\>", ">")
            .replace(r#"\""#, "\"")
            .replace(r"\\", r"\")
            .replace("<!-- comment --> ", "");
        world.insert(paper(&ids[i], Some(&arxiv(i)), json!(title), refs, cits));
    }
    world.insert(json!({"paperId": "outside/../paper", "title": "</title><svg onload=alert(9)>", "year": null}));
    world.insert(paper(
        "domain0",
        Some(&arxiv(20)),
        // Another paper for the API, its title quoted in the note that says so.
        json!("Another \u{1b}]0;api-pwned\u{7}\u{1b}[2J Work"),
        vec![link("a/b")],
        vec![],
    ));

    // Nulls everywhere.
    world.insert(json!({
        "paperId": "nulls", "externalIds": {"ArXiv": arxiv(30)}, "title": "Nulls Everywhere",
        "year": null, "venue": null, "publicationDate": null, "authors": null,
        "citationCount": null, "influentialCitationCount": null, "referenceCount": null,
        "references": null, "citations": null,
    }));
    // Missing fields.
    world.insert(json!({"paperId": "missing", "externalIds": {"ArXiv": arxiv(31)}, "title": "Missing Fields"}));
    // Wrong types: the record is unusable (reported), and so is every link to it.
    world.insert(json!({
        "paperId": "wrongtypes", "externalIds": {"ArXiv": arxiv(32), "DOI": 5},
        "title": ["Wrong", "Types"], "year": "2024", "venue": {"name": 1},
        "authors": "nobody", "citationCount": -3, "referenceCount": "many",
        "references": "none", "citations": {"a": 1},
    }));
    // Huge arrays: 12,000 references and citations (past the API's reach of 9,999), 20,000
    // authors.
    let many = |prefix: &str, n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| json!({"paperId": format!("{prefix}/{i}")}))
            .collect()
    };
    let mut huge = paper(
        "huge",
        Some(&arxiv(33)),
        json!("Huge Arrays"),
        many("../r", 12_000),
        many("../c", 12_000),
    );
    huge["authors"] = Value::Array(
        (0..20_000)
            .map(|i| json!({"authorId": i.to_string(), "name": format!("<i>Author</i> {i}")}))
            .collect(),
    );
    world.insert(huge);
    // Links to records of the wrong type, and to ids of the wrong type.
    world.insert(paper(
        "badlinks",
        Some(&arxiv(34)),
        json!("Bad Links"),
        vec![
            link("wrongtypes"),
            json!({"paperId": 5}),
            json!({"paperId": ["x"]}),
            link("missing"),
        ],
        vec![link("nulls"), json!({"isInfluential": "yes"})],
    ));
    world
}

/// Every file and directory under `root` (paths relative to it) with its size, except under
/// the directories the tool may write.
fn tree(root: &Path, allowed: &[&Path]) -> BTreeMap<PathBuf, u64> {
    walk(root)
        .into_iter()
        .filter(|(path, _)| !allowed.iter().any(|a| path.starts_with(a)))
        .map(|(path, size)| (path.strip_prefix(root).unwrap().to_path_buf(), size))
        .collect()
}

fn walk(root: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path.clone());
            }
            out.push((path, if meta.is_dir() { 0 } else { meta.len() }));
        }
    }
    out
}

/// The places a run may write.
struct Layout {
    root: tempfile::TempDir,
}

impl Layout {
    fn new() -> Layout {
        let layout = Layout {
            root: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(layout.cwd()).unwrap();
        write_hostile_catalog(&layout.catalog());
        layout
    }
    fn catalog(&self) -> PathBuf {
        self.root.path().join("catalog")
    }
    fn cache(&self) -> PathBuf {
        self.root.path().join("cache")
    }
    fn output(&self) -> PathBuf {
        self.root.path().join("output")
    }
    /// A fresh, empty working directory: a relative path gone astray would land here.
    fn cwd(&self) -> PathBuf {
        self.root.path().join("cwd")
    }
    fn tree(&self) -> BTreeMap<PathBuf, u64> {
        tree(self.root.path(), &[&self.cache(), &self.output()])
    }
    fn citegraph(&self) -> assert_cmd::Command {
        self.citegraph_into(&self.output())
    }
    fn citegraph_into(&self, output: &Path) -> assert_cmd::Command {
        let mut cmd = common::citegraph();
        cmd.current_dir(self.cwd())
            .arg("--catalog")
            .arg(self.catalog())
            .arg("--cache-dir")
            .arg(self.cache())
            .arg("--output-dir")
            .arg(output)
            .timeout(PATIENCE);
        cmd
    }
}

/// What the binary prints reaches a terminal: no control character but the line break (an
/// ANSI escape from a title could recolour, retitle or clear it).
fn assert_terminal_safe(output: &std::process::Output) {
    for (name, stream) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(stream);
        let bad: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.chars().any(|c| c.is_control() && c != '\t'))
            .take(3)
            .collect();
        assert!(bad.is_empty(), "{name} carries control characters: {bad:?}");
    }
}

fn assert_no_panic(output: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The unresolved.csv (or any CSV the tool writes): every record parses with the header's
/// width, and no cell starts like a spreadsheet formula.
fn assert_csv_safe(path: &Path) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let width = reader.headers().unwrap().len();
    let mut rows = 0;
    for record in reader.byte_records() {
        let record = record.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(record.len(), width, "{}: {record:?}", path.display());
        for cell in record.iter() {
            // A number (`-1`, `+2.5`) is a value, not a formula.
            let number = std::str::from_utf8(cell).is_ok_and(|c| c.parse::<f64>().is_ok());
            assert!(
                number
                    || !cell.starts_with(b"=")
                        && !cell.starts_with(b"+")
                        && !cell.starts_with(b"-")
                        && !cell.starts_with(b"@")
                        && !cell.starts_with(b"\t")
                        && !cell.starts_with(b"\r"),
                "{}: a formula cell {:?}",
                path.display(),
                String::from_utf8_lossy(cell)
            );
        }
        rows += 1;
    }
    rows
}

/// Tags of an HTML document as (name, attribute names), in order; the contents of `script`
/// and `style` elements are raw text, skipped. Text never holds a raw `<` before a letter when
/// it is escaped, so any such `<` is a tag the document really has.
fn html_tags(html: &str) -> Vec<(String, Vec<String>)> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        i += offset + 1;
        if html[i..].starts_with("!--") {
            i += html[i..].find("-->").map_or(html.len() - i, |e| e + 3);
            continue;
        }
        if html[i..].starts_with('!') || html[i..].starts_with('?') {
            i += html[i..].find('>').map_or(html.len() - i, |e| e + 1);
            continue;
        }
        let closing = html[i..].starts_with('/');
        let start = i + usize::from(closing);
        let name_len = html[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .unwrap_or(html.len() - start);
        if name_len == 0 || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[start..start + name_len].to_ascii_lowercase();
        i = start + name_len;
        let mut attributes = Vec::new();
        // Attributes up to the closing `>`, values quoted or not.
        loop {
            let rest = &html[i..];
            let skip = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_whitespace() || c == '/')
                    .len();
            i += skip;
            match html[i..].chars().next() {
                None => break,
                Some('>') => {
                    i += 1;
                    break;
                }
                Some(_) => {}
            }
            let attr_len = html[i..]
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(html.len() - i)
                .max(1);
            attributes.push(html[i..i + attr_len].to_ascii_lowercase());
            i += attr_len;
            if html[i..].starts_with('=') {
                i += 1;
                match html[i..].chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        i += 1;
                        i += html[i..].find(q).map_or(html.len() - i, |e| e + 1);
                    }
                    _ => {
                        i += html[i..]
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(html.len() - i);
                    }
                }
            }
        }
        if !closing && (name == "script" || name == "style") {
            let end = format!("</{name}");
            i += html[i..]
                .to_ascii_lowercase()
                .find(&end)
                .unwrap_or(html.len() - i);
        }
        attributes.sort();
        tags.push((if closing { format!("/{name}") } else { name }, attributes));
    }
    tags
}

/// The tool that checks a format, or a panic that says what to install.
fn tool(program: &str, args: &[&str], file: &Path, why: &str) -> std::process::Output {
    std::process::Command::new(program)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): {why}"))
}

/// Every output file, checked by its format; returns the files checked per extension.
fn assert_outputs_safe(output: &Path) -> BTreeMap<String, usize> {
    let mut checked = BTreeMap::new();
    for file in fetch_support::files_under(output) {
        let ext = file
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let shown = file.display();
        match ext.as_str() {
            "csv" => {
                assert_csv_safe(&file);
            }
            "json" => {
                serde_json::from_slice::<Value>(&bytes).unwrap_or_else(|e| panic!("{shown}: {e}"));
            }
            "jsonl" => {
                for line in text.lines() {
                    serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("{shown}: {e}"));
                }
            }
            "dot" => {
                let svg = tool(
                    "dot",
                    &["-Tsvg", "-o", "/dev/null"],
                    &file,
                    "the DOT check needs graphviz",
                );
                assert!(
                    svg.status.success(),
                    "{shown}: {}",
                    String::from_utf8_lossy(&svg.stderr)
                );
                // A label that escaped its quotes would add nodes and edges of its own.
                let plain = tool("dot", &["-Tplain"], &file, "the DOT check needs graphviz");
                let plain = String::from_utf8_lossy(&plain.stdout).into_owned();
                for line in plain.lines() {
                    let mut words = line.split_whitespace();
                    if words.next() == Some("node") {
                        let name = words.next().unwrap_or("");
                        assert!(
                            !["evil", "a", "b", "digraph"].contains(&name.trim_matches('"')),
                            "{shown}: an injected node {line}"
                        );
                    }
                }
            }
            "graphml" | "svg" | "xml" => {
                let parsed = tool(
                    "python3",
                    &[
                        "-c",
                        "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])",
                    ],
                    &file,
                    "the XML check needs python3",
                );
                assert!(
                    parsed.status.success(),
                    "{shown} is not well-formed XML: {}",
                    String::from_utf8_lossy(&parsed.stderr)
                );
                assert!(!text.contains("<script"), "{shown}: a script in XML");
            }
            "html" => {
                for (name, attributes) in html_tags(&text) {
                    assert!(
                        !attributes.iter().any(|a| a.starts_with("on")),
                        "{shown}: an event handler on <{name} {attributes:?}>"
                    );
                    assert!(name != "img" || !attributes.is_empty(), "{shown}: <img>");
                }
                // Escaped payloads are text (`&lt;img ... alert(1)&gt;`); in a script they
                // would run.
                let lower = text.to_ascii_lowercase();
                let mut rest = lower.as_str();
                while let Some(start) = rest.find("<script") {
                    let end = rest[start..]
                        .find("</script")
                        .map_or(rest.len(), |e| start + e);
                    assert!(
                        !rest[start..end].contains("alert("),
                        "{shown}: a payload inside a script: {}",
                        &rest[start..end.min(start + 300)]
                    );
                    rest = &rest[end..];
                }
            }
            "tex" => {
                assert!(
                    !text.contains("\\input{"),
                    "{shown}: LaTeX \\input survived"
                );
                assert!(!text.contains("{/etc/passwd}"), "{shown}: unescaped braces");
            }
            "md" => {
                // Raw HTML is inert inside a comment, as long as the comment cannot be closed
                // early: its body holds no `--`.
                let mut outside = String::new();
                let mut rest = text.as_ref();
                while let Some(start) = rest.find("<!--") {
                    outside.push_str(&rest[..start]);
                    let body = &rest[start + 4..];
                    let end = body.find("-->").unwrap_or(body.len());
                    assert!(
                        !body[..end].contains("--"),
                        "{shown}: a comment that a label can close: {}",
                        &body[..end]
                    );
                    rest = &body[(end + 3).min(body.len())..];
                }
                outside.push_str(rest);
                // `\<` is a literal `<` in Markdown.
                let raw_tag = |line: &str| {
                    line.match_indices('<').any(|(at, _)| {
                        !line[..at].ends_with('\\')
                            && ["<img", "<script", "<svg"]
                                .iter()
                                .any(|tag| line[at..].starts_with(tag))
                    })
                };
                let raw: Vec<&str> = outside.lines().filter(|l| raw_tag(l)).collect();
                assert!(raw.is_empty(), "{shown}: raw HTML in {raw:#?}");
            }
            "png" => assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{shown}"),
            _ => {}
        }
        *checked.entry(ext).or_default() += 1;
    }
    checked
}

#[test]
fn html_tag_scanner_sees_injected_tags() {
    let tags = html_tags(
        "<!DOCTYPE html><html><script>if (a < b) { x = '</p>'; }</script><p class=\"t\">&lt;img onerror&gt; <img src=x onerror=alert(1)></p><!-- <b> --></html>",
    );
    let names: Vec<&str> = tags.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["html", "script", "/script", "p", "img", "/p", "/html"]
    );
    assert_eq!(tags[4].1, ["onerror", "src"]);
}

#[test]
fn big_files_and_long_lines_are_read_in_bounded_memory() {
    let layout = Layout::new();
    let big = layout.root.path().join("big");
    write_big_files(&big);
    let before = layout.tree();
    // Under a 1 GB address-space limit: the 100 MB file is skipped before it is read, the
    // 10 MB lines are parsed.
    let output = std::process::Command::new("sh")
        .current_dir(layout.cwd())
        .arg("-c")
        // /usr/bin/time, when there, reports the peak memory (for the record, not asserted).
        .arg(
            "ulimit -v 1048576 && if [ -x /usr/bin/time ]; then exec /usr/bin/time -f 'peak RSS %M KB' \"$0\" \"$@\"; else exec \"$0\" \"$@\"; fi",
        )
        .arg(assert_cmd::cargo::cargo_bin("citegraph"))
        .arg("--catalog")
        .arg(layout.catalog())
        .arg("--catalog")
        .arg(&big)
        .arg("--cache-dir")
        .arg(layout.cache())
        .arg("--output-dir")
        .arg(layout.output())
        .arg("catalog")
        .env_remove("S2_API_KEY")
        .output()
        .unwrap();
    assert_no_panic(&output);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_terminal_safe(&output);
    if let Some(peak) = String::from_utf8_lossy(&output.stderr)
        .lines()
        .find(|l| l.starts_with("peak RSS"))
    {
        eprintln!("catalogue with 10 MB lines and a 100 MB file: {peak}");
    }
    assert_eq!(layout.tree(), before, "written outside cache and output");
    let catalog: Value =
        serde_json::from_slice(&std::fs::read(layout.output().join("catalog.json")).unwrap())
            .unwrap();
    let warnings: Vec<(String, String)> = catalog["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["file"].as_str().unwrap().to_string(),
                w["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let warned = |file: &str, needle: &str| {
        warnings
            .iter()
            .any(|(f, m)| f.ends_with(file) && m.contains(needle))
    };
    assert!(warned("huge.md", "over the 16 MB limit"), "{warnings:?}");
    // One NUL byte in a text file: reported with its line, the entry read (issue 11).
    assert!(warned("nul.md", "control byte 0x00"), "{warnings:?}");
    assert!(warned("latin1.md", "UTF-8"), "{warnings:?}");
    let titles: Vec<&str> = catalog["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.iter().any(|t| t.len() == 10 << 20),
        "the 10 MB title is read whole"
    );
    for title in [
        "Good Paper",
        "Caf\u{FFFD} \u{FFFD}\u{FFFD} Paper",
        "=cmd|' /C calc'!A0",
    ] {
        assert!(titles.contains(&title), "{title} in {titles:?}");
    }
}

#[test]
fn hostile_catalogue_and_api_through_fetch_and_run() {
    let layout = Layout::new();
    let mock = MockBuilder::new(hostile_world()).start();
    let before = layout.tree();
    let output = layout
        .citegraph()
        .args(["fetch", "--api-url", &mock.url(), "--rps", "1000"])
        .args(["--retry-delay", "0.01", "--max-retries", "2"])
        .output()
        .unwrap();
    assert_no_panic(&output);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    // The titles with terminal escapes (the catalogue's, the API's) are printed, escaped.
    assert!(stdout.contains("Escape"), "{stdout}");
    assert!(stdout.contains("api-pwned"), "{stdout}");
    assert_terminal_safe(&output);
    assert_eq!(layout.tree(), before, "written outside cache and output");
    assert!(
        stderr.contains("unusable"),
        "the wrong types are reported: {stderr}"
    );
    // Whatever the ids, every request went to a paper endpoint: no id walked out of its path
    // segment (`..` would make `/paper/../references`, which a URL parser resolves to
    // `/references`).
    for request in mock.log() {
        assert!(
            request.target.starts_with("/graph/v1/paper/") && request.endpoint != Endpoint::Other,
            "{}",
            request.target
        );
    }

    // Every cache file is whole and named by the hash of its request, whatever the paper id.
    let entries = whole_cache_entries(layout.root.path());
    for (path, _) in &entries {
        assert!(path.starts_with(layout.cache()), "{}", path.display());
    }
    // The papers with path-like ids are there, with their links.
    let snapshot = layout.output().join("snapshot.jsonl");
    common::citegraph()
        .current_dir(layout.cwd())
        .arg("--cache-dir")
        .arg(layout.cache())
        .args(["snapshot", "export"])
        .arg(&snapshot)
        .assert()
        .success();
    let records = fetch_support::snapshot_lines(&snapshot);
    for id in [
        "../../etc/passwd",
        "a/b",
        "x\u{0}y",
        "/absolute/path",
        "nulls",
        "missing",
    ] {
        assert!(records.contains_key(id), "{id:?} not fetched: {stdout}");
    }
    assert_eq!(
        records["../../etc/passwd"]["references"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // The huge lists are read as far as the API lets (9,999 items).
    assert_eq!(
        records["huge"]["references"].as_array().unwrap().len(),
        9_999
    );
    assert_eq!(records["huge"]["authors"].as_array().unwrap().len(), 20_000);
    assert!(
        !records.contains_key(".."),
        "a record whose id cannot go in a URL path is not kept"
    );
    assert!(
        !records.contains_key("wrongtypes"),
        "a record of the wrong types is not kept"
    );
    // Links of the wrong type are dropped, the others kept.
    let bad = records["badlinks"]["references"].as_array().unwrap();
    assert!(bad.iter().any(|l| l["paperId"] == "missing"), "{bad:?}");
    assert!(assert_csv_safe(&layout.output().join("unresolved.csv")) > 0);

    // The whole run on what was fetched (the fetch path: everything from the cache, no request
    // made), then from the snapshot with no network, into another output directory.
    let before = layout.tree();
    let requests = mock.requests();
    let run = layout
        .citegraph()
        .args(["run", "--api-url", &mock.url(), "--rps", "1000"])
        .output()
        .unwrap();
    assert_no_panic(&run);
    assert_terminal_safe(&run);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // All was in the cache but the answers that were unusable (the record of the wrong types),
    // which are asked again rather than kept.
    for again in &mock.log()[requests..] {
        assert!(
            matches!(again.endpoint, Endpoint::Batch | Endpoint::Match),
            "asked again: {}",
            again.target
        );
    }
    let second = layout.output().join("from-snapshot");
    let from_snapshot = layout
        .citegraph_into(&second)
        .args(["--offline", "run", "--snapshot"])
        .arg(&snapshot)
        .output()
        .unwrap();
    assert_no_panic(&from_snapshot);
    assert_terminal_safe(&from_snapshot);
    assert!(
        from_snapshot.status.success(),
        "{}",
        String::from_utf8_lossy(&from_snapshot.stderr)
    );
    assert_eq!(layout.tree(), before, "written outside cache and output");

    for output in [layout.output(), second] {
        let checked = assert_outputs_safe(&output);
        eprintln!("{}: outputs checked {checked:?}", output.display());
        for (ext, at_least) in [
            ("csv", 10),
            ("json", 2),
            ("dot", 1),
            ("graphml", 1),
            ("html", 1),
            ("md", 1),
            ("tex", 1),
            ("svg", 1),
            ("png", 1),
        ] {
            assert!(
                checked.get(ext).copied().unwrap_or(0) >= at_least,
                "{}: {at_least} .{ext} expected: {checked:?}",
                output.display()
            );
        }
        let papers = std::fs::read_to_string(output.join("papers.csv")).unwrap();
        for id in ["../../etc/passwd", "a/b", "'=HYPERLINK"] {
            assert!(papers.contains(id), "{id} in papers.csv");
        }
        // The payloads did reach each format (escaped), so the checks above were not vacuous.
        let read = |name: &str| std::fs::read_to_string(output.join(name)).unwrap();
        assert!(read("graph.dot").contains("evil"), "graph.dot");
        assert!(read("report.html").contains("&lt;img src=x onerror=alert("));
        assert!(read("graph.graphml").contains("&lt;/script&gt;"));
        let latex = fetch_support::files_under(&output)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "tex"))
            .any(|f| {
                std::fs::read_to_string(f)
                    .unwrap()
                    .contains(r"\textbackslash{}input\{/etc/passwd\}")
            });
        assert!(latex, "the LaTeX title, escaped, in a .tex table");
    }
}

/// A server that answers every request with 200 and a body that never ends (JSON whitespace, so
/// that no parser could stop early), as a broken proxy or a hostile mirror might: with a huge
/// `content-length`, or none (the body ends when the connection does). Returns its
/// `--api-url`.
fn endless_server(declared: bool) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/graph/v1", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = if declared {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000000000\r\n\r\n"
                } else {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                };
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let chunk = vec![b' '; 1 << 20];
                // Until the client hangs up.
                while stream.write_all(&chunk).is_ok() {}
            });
        }
    });
    url
}

#[test]
fn an_endless_answer_is_cut_off_in_bounded_memory() {
    for declared in [true, false] {
        endless_answer(declared);
    }
}

fn endless_answer(declared: bool) {
    let layout = Layout::new();
    let url = endless_server(declared);
    let before = layout.tree();
    let output = std::process::Command::new("sh")
        .current_dir(layout.cwd())
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(assert_cmd::cargo::cargo_bin("citegraph"))
        .arg("--catalog")
        .arg(layout.catalog())
        .arg("--cache-dir")
        .arg(layout.cache())
        .arg("--output-dir")
        .arg(layout.output())
        .args([
            "fetch",
            "--api-url",
            &url,
            "--rps",
            "1000",
            "--max-retries",
            "0",
        ])
        // Long enough for gigabytes on a loopback: the size, not the clock, must stop it.
        .args(["--timeout", "600"])
        .env_remove("S2_API_KEY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_no_panic(&output);
    // Exit code 1 with a message, not a signal (an allocation failure aborts).
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error.len(), 1, "{stderr}");
    assert!(
        error[0].contains("MB"),
        "says the answer was too large: {}",
        error[0]
    );
    assert!(
        error[0].contains("/paper/batch"),
        "names the URL: {}",
        error[0]
    );
    assert_eq!(layout.tree(), before, "written outside cache and output");
}
