//! graph.dot: Graphviz must accept it for both layouts and for any title, and its shape is pinned
//! by a snapshot of a tiny graph.

use crate::render_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use citegraph::analysis::{Analysis, EdgeRow, GroupStats, MissingKind, MissingPaper, PaperMetrics};
use citegraph::render::{dot, render, View};
use render_support::{hostile_analysis, options, sample_analysis, CATALOG_PAPERS};

/// Runs `dot -Tsvg` on `file` and returns the SVG, failing the test with dot's own message.
fn dot_to_svg(file: &Path) -> String {
    let output = Command::new("dot")
        .arg("-Tsvg")
        .arg(file)
        .output()
        .expect("graphviz `dot` is not installed: apt-get install graphviz (.ci/run does)");
    assert!(
        output.status.success(),
        "dot -Tsvg {} failed ({}):\n{}",
        file.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("dot writes UTF-8 SVG")
}

#[test]
fn dot_renders_the_realistic_graph_in_both_layouts() {
    let analysis = sample_analysis();
    for layout in ["year", "community"] {
        let dir = tempfile::tempdir().unwrap();
        let mut all = options(layout);
        all.dot_all = true;
        let written = render(&analysis, &all, dir.path()).unwrap();
        let file = dir.path().join("graph.dot");
        assert!(written.contains(&file));
        let text = std::fs::read_to_string(&file).unwrap();
        let nodes = text
            .lines()
            .filter(|l| l.trim_start().starts_with("\"paper:") && l.contains("\" [label="))
            .count();
        assert_eq!(
            nodes,
            CATALOG_PAPERS + 10,
            "catalogue papers + --with-missing 10"
        );
        assert_eq!(
            text.matches("style=\"dashed,filled\"").count(),
            10 + 1,
            "10 missing + legend"
        );
        assert!(text.contains("subgraph cluster_legend"));
        match layout {
            "year" => {
                assert!(text.contains("rank=same"));
                assert!(text.contains("\"year:unknown\""), "a paper without a year");
            }
            _ => assert!(text.contains("subgraph cluster_0 {")),
        }
        let svg = dot_to_svg(&file);
        assert!(svg.contains("<svg"), "{layout}: no SVG from dot");
        // Every catalogue node is drawn: dot writes one <g class="node"> per node.
        assert!(svg.matches("class=\"node\"").count() >= CATALOG_PAPERS + 10);
    }
}

#[test]
fn dot_accepts_any_title_and_id() {
    let analysis = hostile_analysis();
    for layout in ["year", "community"] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("graph.dot");
        let text = dot::to_dot(&View::new(&analysis, &options(layout)));
        citegraph::fsutil::write_atomic(&file, text.as_bytes()).unwrap();
        let svg = dot_to_svg(&file);
        // Titles reach the SVG as text, escaped by dot: the markup never becomes markup.
        assert!(!svg.contains("<img src=x"), "{layout}");
        assert!(!svg.contains("</script><script>"), "{layout}");
        assert!(
            svg.contains("Ünïcödé Tökens 漢字 🚀"),
            "{layout}: unicode survives"
        );
        // Wrapped over two lines; `\N` stays literal, not dot's node name.
        assert!(
            svg.contains(r#">He said &quot;hello&quot; \</text>"#),
            "{layout}"
        );
        assert!(svg.contains(r#">back\slash \N \l \G</text>"#), "{layout}");
        assert!(
            svg.contains(r#"xlink:title="He said &quot;hello&quot; \ back\slash \N \l \G ("#),
            "{layout}: the tooltip too"
        );
    }
}

fn tiny_analysis() -> Analysis {
    let paper = |id: &str,
                 abbreviation: Option<&str>,
                 title: &str,
                 year,
                 mechanisms: &[&str],
                 pagerank,
                 community| {
        PaperMetrics {
            paper_id: id.into(),
            key: Some(format!("arxiv:{id}")),
            title: title.into(),
            year: Some(year),
            in_catalog: true,
            abbreviation: abbreviation.map(Into::into),
            mechanisms: mechanisms.iter().map(|m| m.to_string()).collect(),
            pagerank,
            community,
            ..Default::default()
        }
    };
    Analysis {
        papers: vec![
            paper(
                "p1",
                Some("ToMe"),
                "Token Merging: Your ViT But Faster",
                2022,
                &["Token Merging"],
                0.4,
                0,
            ),
            paper(
                "p2",
                Some("EViT"),
                "Not All Patches are What You Need",
                2022,
                &["Token Pruning"],
                0.2,
                1,
            ),
            paper(
                "p3",
                None,
                "A \"Hybrid\" Prune\\Merge: <fast>",
                2023,
                &["Token Merging", "Token Pruning"],
                0.1,
                0,
            ),
            PaperMetrics {
                paper_id: "m1".into(),
                title: "Attention Is All You Need".into(),
                year: Some(2017),
                pagerank: 0.3,
                community: 1,
                ..Default::default()
            },
        ],
        mechanisms: ["Token Merging", "Token Pruning"]
            .iter()
            .map(|m| GroupStats {
                name: m.to_string(),
                papers: 2,
                ..Default::default()
            })
            .collect(),
        missing: vec![MissingPaper {
            paper_id: "m1".into(),
            title: "Attention Is All You Need".into(),
            year: Some(2017),
            kind: MissingKind::Foundation,
            score: 1.0,
            predicted_mechanism: "Token Pruning".into(),
            evidence: BTreeMap::new(),
            ..Default::default()
        }],
        core_edges: vec![
            EdgeRow {
                source: "p3".into(),
                target: "p1".into(),
                is_influential: true,
            },
            EdgeRow {
                source: "p3".into(),
                target: "p2".into(),
                is_influential: false,
            },
            EdgeRow {
                source: "p1".into(),
                target: "m1".into(),
                is_influential: false,
            },
            EdgeRow {
                source: "p2".into(),
                target: "m1".into(),
                is_influential: false,
            },
        ],
        ..Default::default()
    }
}

#[test]
fn tiny_graph_dot_snapshot() {
    let analysis = tiny_analysis();
    let mut year = options("year");
    year.with_missing = 1;
    insta::assert_snapshot!("tiny_year", dot::to_dot(&View::new(&analysis, &year)));
    let mut community = options("community");
    community.with_missing = 1;
    insta::assert_snapshot!(
        "tiny_community",
        dot::to_dot(&View::new(&analysis, &community))
    );
    // And both render.
    for (name, opts) in [("year", year), ("community", community)] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(format!("{name}.dot"));
        std::fs::write(&file, dot::to_dot(&View::new(&analysis, &opts))).unwrap();
        dot_to_svg(&file);
    }
}

/// The `<svg width="Wpt" height="Hpt"` of a drawing, in points.
fn svg_size(svg: &str) -> (f64, f64) {
    let attribute = |name: &str| -> f64 {
        let at = svg.find(&format!(" {name}=\"")).expect("svg size") + name.len() + 3;
        let rest = &svg[at..];
        rest[..rest.find("pt").unwrap()].parse().unwrap()
    };
    (attribute("width"), attribute("height"))
}

#[test]
fn default_dot_holds_the_influential_core_and_draws_landscape() {
    let analysis = sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    render(&analysis, &options("year"), dir.path()).unwrap();
    let file = dir.path().join("graph.dot");
    let text = std::fs::read_to_string(&file).unwrap();
    let node_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("\"paper:") && l.contains("\" [label="))
        .collect();
    assert!(
        (90..=100).contains(&node_lines.len()),
        "{} papers drawn, at most 100 wanted",
        node_lines.len()
    );
    assert_eq!(
        text.matches("style=\"dashed,filled\"").count(),
        10 + 1,
        "the 10 missing papers stay, and the legend's swatch"
    );
    // The most influential paper of every mechanism is drawn.
    for mechanism in &analysis.mechanisms {
        let top = analysis
            .influential
            .iter()
            .find(|p| p.mechanisms.contains(&mechanism.name));
        if let Some(top) = top {
            let id = format!("\"paper:{}\" [", top.paper_id);
            assert!(
                text.contains(&id),
                "{}: its top paper is missing",
                mechanism.name
            );
        }
    }
    // Edges are a transitive reduction: no edge u -> w when u -> v -> w is drawn too.
    let edges: std::collections::HashSet<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let (a, b) = l.split_once(" -> ")?;
            let b = b.split([' ', ';']).next()?;
            (a.starts_with("\"paper:") && b.starts_with("\"paper:"))
                .then(|| (a.to_string(), b.to_string()))
        })
        .collect();
    assert!(edges.len() > 50, "{} edges", edges.len());
    for (a, b) in &edges {
        for (c, d) in &edges {
            if b == c {
                assert!(
                    !edges.contains(&(a.clone(), d.clone())),
                    "shortcut {a} -> {d}"
                );
            }
        }
    }
    let all_dir = tempfile::tempdir().unwrap();
    let mut all = options("year");
    all.dot_all = true;
    render(&analysis, &all, all_dir.path()).unwrap();
    let full = std::fs::read_to_string(all_dir.path().join("graph.dot")).unwrap();
    assert!(
        full.matches(" -> ").count() > 3 * edges.len(),
        "--dot-all keeps every edge"
    );

    // Graphviz draws it wider than tall (a wrapped timeline, not a column).
    let svg = dot_to_svg(&file);
    let (width, height) = svg_size(&svg);
    assert!(
        width >= height && width < 4.0 * height,
        "drawing is {width} x {height} pt"
    );
}

/// Only in-scope missing papers are drawn (dashed) in graph.dot: a background landmark would
/// read as a paper the list lacks. The trial found ImageNet and LLaMA there.
#[test]
fn graph_dot_draws_only_in_scope_missing_papers() {
    use citegraph::analysis::MissingScope;
    let mut analysis = sample_analysis();
    let mut background = Vec::new();
    for (i, paper) in analysis.missing.iter_mut().enumerate() {
        if i % 2 == 0 {
            paper.scope = MissingScope::Background;
            background.push(paper.paper_id.clone());
        }
    }
    let in_scope = analysis.missing.len() - background.len();
    assert!(!background.is_empty() && in_scope > 0);
    let dir = tempfile::tempdir().unwrap();
    let mut all = options("year");
    all.dot_all = true;
    render(&analysis, &all, dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join("graph.dot")).unwrap();
    for id in &background {
        assert!(
            !text.contains(&format!("\"paper:{id}\"")),
            "{id} is background"
        );
    }
    assert_eq!(
        text.matches("style=\"dashed,filled\"").count(),
        in_scope.min(10) + 1,
        "in-scope missing papers + legend"
    );
}

/// A community box in the community layout gives the whole community's size and dominant
/// mechanism, as clusters.csv does, not the few drawn papers' (the trial found "mostly Sequence
/// Parallelism" on a box whose community is mostly Token Pruning).
#[test]
fn community_boxes_say_what_clusters_csv_says() {
    use citegraph::analysis::Cluster;
    let mut analysis = sample_analysis();
    analysis.clusters = vec![Cluster {
        community: 0,
        size: 999,
        label: "token pruning".into(),
        dominant_mechanism: "Token Merging".into(),
        ..Cluster::default()
    }];
    let dir = tempfile::tempdir().unwrap();
    let mut all = options("community");
    all.dot_all = true;
    render(&analysis, &all, dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join("graph.dot")).unwrap();
    let box_label = text
        .split("subgraph cluster_0 {")
        .nth(1)
        .and_then(|rest| rest.lines().find(|l| l.trim_start().starts_with("label=")))
        .expect("community 0 has a box with a label")
        .to_string();
    assert!(
        box_label.contains("of its 999 papers drawn, mostly Token Merging"),
        "{box_label}"
    );
}

/// WCAG 2 relative luminance of `#rrggbb` (written out here, apart from the crate's palette).
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    assert_eq!(hex.len(), 6, "colour {hex}");
    let channel = |i: usize| {
        let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The value of `name="..."` in `text` after `from`.
fn quoted_after<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let at = text.find(&format!("{name}=\""))? + name.len() + 2;
    let end = at + text[at..].find('"')?;
    Some(&text[at..end])
}

/// One drawn paper: its label's text and every (text colour, fill right behind the text) pair.
struct DrawnLabel {
    text: String,
    pairs: Vec<(String, String)>,
}

/// Reads the paper nodes of a graph.dot: plain labels (`label="..."` with `fillcolor` and
/// `fontcolor`) and HTML-like tables (each `<TD BGCOLOR=...>` holding a `<FONT COLOR=...>`).
fn drawn_labels(dot_text: &str) -> Vec<DrawnLabel> {
    let mut drawn = Vec::new();
    for line in dot_text.lines().map(str::trim) {
        if !line.starts_with("\"paper:") || line.contains(" -> ") {
            continue;
        }
        assert!(!line.contains("striped"), "a striped fill: {line}");
        if let Some(html) = line.split("label=<").nth(1) {
            let html = &html[..html.find("</TABLE>>").expect("closed table")];
            let mut pairs = Vec::new();
            let mut text = String::new();
            // Text only inside a <FONT> inside a cell: the cell's fill is the text's background.
            for cell in html.split("<TD").skip(1) {
                let cell = &cell[..cell.find("</TD>").expect("closed cell")];
                let fill = quoted_after(cell, "BGCOLOR");
                let inner = &cell[cell.find('>').unwrap() + 1..];
                if inner.is_empty() {
                    continue;
                }
                let font = quoted_after(inner, "COLOR").expect("text has an explicit colour");
                let fill = fill.expect("text sits on an explicit fill");
                pairs.push((font.to_string(), fill.to_string()));
                let words = &inner[inner.find('>').unwrap() + 1..inner.rfind("</FONT>").unwrap()];
                text.push_str(&words.replace("<BR/>", "\n"));
            }
            assert!(!pairs.is_empty(), "no text: {line}");
            drawn.push(DrawnLabel { text, pairs });
        } else {
            let text = quoted_after(line, "label").expect("a label").to_string();
            let fill = quoted_after(line, "fillcolor").expect("filled");
            let font = quoted_after(line, "fontcolor").expect("explicit text colour");
            assert!(!fill.contains(':'), "one fill colour: {line}");
            drawn.push(DrawnLabel {
                text,
                pairs: vec![(font.to_string(), fill.to_string())],
            });
        }
    }
    drawn
}

/// The world's default graph.dot: every label's text contrasts with the one fill behind it by
/// at least WCAG's 4.5:1 (the trial read black on dark blue and white on yellow stripes), no two
/// papers read alike (five "Recent token reduction…" did), and Graphviz draws it landscape.
#[test]
fn world_graph_dot_labels_are_legible_and_distinct() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = crate::analyze_support::analyze_world(dir.path(), &[]);
    let text = dot::to_dot(&View::new(&analysis, &options("year")));
    let drawn = drawn_labels(&text);
    assert!(drawn.len() >= 90, "{} papers drawn", drawn.len());
    let several = text
        .lines()
        .filter(|l| l.trim_start().starts_with("\"paper:") && l.matches("<TD BGCOLOR").count() > 2)
        .count();
    assert!(several > 0, "the world has papers of several mechanisms");
    for label in &drawn {
        for (font, fill) in &label.pairs {
            let ratio = contrast(font, fill);
            assert!(
                ratio >= 4.5,
                "{:?}: text {font} on {fill} contrasts {ratio:.2}:1",
                label.text
            );
        }
    }
    let mut seen = std::collections::HashSet::new();
    for label in &drawn {
        assert!(
            seen.insert(label.text.clone()),
            "two papers are labelled {:?}",
            label.text
        );
    }
    let file = dir.path().join("graph.dot");
    std::fs::write(&file, &text).unwrap();
    let svg = dot_to_svg(&file);
    let (width, height) = svg_size(&svg);
    assert!(
        width >= height && width < 4.0 * height,
        "drawing is {width} x {height} pt"
    );
}
