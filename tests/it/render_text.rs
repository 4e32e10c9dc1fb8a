//! suggestions.md and tables/*.tex: read back the way their readers read them. The Markdown goes
//! through a CommonMark parser (titles come back as the same text, no markup gets in); the LaTeX
//! rows are checked for the structure a tabular needs (cell count, balanced braces, no stray
//! special characters).

use crate::render_support;

use citegraph::analysis::{Analysis, InfluentialPaper, MissingKind};
use citegraph::render::labels::one_line;
use citegraph::render::{latex, render, suggestions};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use render_support::{options, sample_analysis, HOSTILE_TITLES};

/// One entry of suggestions.md as a Markdown reader sees it.
#[derive(Debug, Default)]
struct Entry {
    heading: String,
    bold: String,
    links: Vec<(String, String)>,
    images: Vec<String>,
    comments: Vec<String>,
}

fn parse_entries(markdown: &str) -> (Vec<Entry>, Vec<String>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut other_html = Vec::new();
    let mut heading = String::new();
    let mut in_heading = false;
    let mut in_strong = false;
    let mut link: Option<(String, String)> = None;
    let mut depth = 0;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::Item) => {
                depth += 1;
                if depth == 1 {
                    entries.push(Entry {
                        heading: heading.clone(),
                        ..Default::default()
                    });
                }
            }
            Event::End(TagEnd::Item) => depth -= 1,
            Event::Start(Tag::Strong) => in_strong = true,
            Event::End(TagEnd::Strong) => in_strong = false,
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.to_string(), String::new()))
            }
            Event::End(TagEnd::Link) => {
                if let (Some(done), Some(entry)) = (link.take(), entries.last_mut()) {
                    entry.links.push(done);
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(entry) = entries.last_mut() {
                    entry.images.push(dest_url.to_string());
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if in_heading {
                    heading.push_str(&text);
                } else if let Some((_, label)) = link.as_mut() {
                    label.push_str(&text);
                } else if in_strong {
                    if let Some(entry) = entries.last_mut() {
                        entry.bold.push_str(&text);
                    }
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let html = html.trim().to_string();
                match entries.last_mut() {
                    Some(entry) if depth > 0 && html.starts_with("<!--") => {
                        entry.comments.push(html)
                    }
                    _ => other_html.push(html),
                }
            }
            _ => {}
        }
    }
    (entries, other_html)
}

/// What XML, Markdown and LaTeX keep of a title: one line, no control characters.
fn printable(title: &str) -> String {
    one_line(
        &title
            .chars()
            .filter(|c| !c.is_control() || c.is_whitespace())
            .collect::<String>(),
    )
}

#[test]
fn suggestions_parse_back_to_the_same_titles_links_and_badges() {
    let analysis = sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    let written = render(&analysis, &options("year"), dir.path()).unwrap();
    let file = dir.path().join("suggestions.md");
    assert!(written.contains(&file));
    let markdown = std::fs::read_to_string(&file).unwrap();
    let (entries, other_html) = parse_entries(&markdown);
    // The only markup besides the comments: each entry's BibTeX block, folded as the list does.
    assert!(
        other_html
            .iter()
            .all(|html| html == "<details> <summary>BibTex</summary>" || html == "</details>"),
        "markup outside the comments: {other_html:?}"
    );

    let per_kind = suggestions::SUGGESTIONS_PER_KIND;
    let ranked = |kind: MissingKind| {
        let mut papers: Vec<_> = analysis.missing.iter().filter(|m| m.kind == kind).collect();
        papers.sort_by(|a, b| b.score.total_cmp(&a.score));
        papers.truncate(per_kind);
        papers
    };
    // The sample's bibliography has no listings: no place in a list, so all under "Not placed",
    // candidates first.
    let expected: Vec<(&str, _)> = ranked(MissingKind::Candidate)
        .into_iter()
        .chain(ranked(MissingKind::Foundation))
        .map(|p| ("Not placed", p))
        .collect();
    assert_eq!(entries.len(), expected.len());
    let mut hostile_seen = 0;
    for (entry, (heading, paper)) in entries.iter().zip(&expected) {
        assert_eq!(entry.heading, *heading);
        let number = entry
            .bold
            .split_once("] ")
            .map(|(n, _)| n.trim_start_matches('[').to_string());
        assert!(
            number.and_then(|n| n.parse::<usize>().ok()).is_some(),
            "{entry:?}"
        );
        let title = entry
            .bold
            .split_once("] ")
            .map(|(_, t)| t)
            .unwrap_or_default();
        assert_eq!(title, printable(&paper.title));
        if HOSTILE_TITLES.iter().any(|h| printable(h) == title) {
            hostile_seen += 1;
        }
        // [[Paper](url)]: an http(s) link, never the javascript: one.
        assert_eq!(entry.links.len(), 1, "{entry:?}");
        let (url, label) = &entry.links[0];
        assert_eq!(label, "Paper");
        assert!(url.starts_with("https://"), "{url}");
        if paper.url.starts_with("https://") {
            assert_eq!(url, &paper.url);
        }
        // The predicted mechanism as an orange badge, in shields.io's encoding.
        let orange: Vec<&String> = entry
            .images
            .iter()
            .filter(|i| i.ends_with("-orange"))
            .collect();
        assert_eq!(orange.len(), 1, "{entry:?}");
        let badge = orange[0];
        assert!(badge.starts_with("https://img.shields.io/badge/"));
        if paper.predicted_mechanism == "Sharing & <Reuse>" {
            assert_eq!(
                badge,
                "https://img.shields.io/badge/Sharing_%26_%3CReuse%3E-orange"
            );
        }
        // The evidence as one comment that closes where it should.
        assert_eq!(entry.comments.len(), 1, "{entry:?}");
        let comment = &entry.comments[0];
        assert!(
            comment.ends_with("-->") && comment.matches("-->").count() == 1,
            "{comment}"
        );
        assert!(comment.contains(&format!("confidence {:.2}", paper.confidence)));
    }
    assert!(
        hostile_seen > 0,
        "the sample puts hostile titles among the suggestions"
    );
}

/// Cells of a tabular row, split at the `&` that are not escaped.
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in row.chars() {
        if c == '&' && !escaped {
            cells.push(String::new());
        } else if let Some(cell) = cells.last_mut() {
            cell.push(c);
        }
        escaped = c == '\\' && !escaped;
    }
    cells
}

/// Checks a tabular fragment: booktabs rules, `columns` cells per row, nothing unescaped that
/// would break it. Returns the body rows.
fn check_tabular(tex: &str, columns: usize) -> Vec<String> {
    for rule in ["\\toprule", "\\midrule", "\\bottomrule"] {
        assert_eq!(tex.matches(rule).count(), 1, "{rule} in\n{tex}");
    }
    assert_eq!(tex.matches("\\begin{tabular}").count(), 1);
    assert!(tex.trim_end().ends_with("\\end{tabular}"));
    let body = tex
        .split("\\midrule\n")
        .nth(1)
        .and_then(|rest| rest.split("\\bottomrule").next())
        .unwrap_or_default();
    let rows: Vec<String> = body.lines().map(str::to_string).collect();
    for row in &rows {
        assert!(row.ends_with(" \\\\"), "row does not end with \\\\: {row}");
        let row = row.trim_end_matches(" \\\\");
        assert_eq!(cells(row).len(), columns, "cells in {row}");
        let mut depth = 0i32;
        let mut escaped = false;
        for c in row.chars() {
            if !escaped {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    '%' | '#' | '_' | '^' | '~' => panic!("unescaped {c} in {row}"),
                    _ => {}
                }
                assert!(depth >= 0, "unbalanced braces in {row}");
            }
            escaped = c == '\\' && !escaped;
        }
        assert_eq!(depth, 0, "unbalanced braces in {row}");
        // `$` only as part of the header's math, never in a body row.
        assert!(
            !row.replace("\\$", "").contains('$'),
            "unescaped $ in {row}"
        );
    }
    rows
}

#[test]
fn latex_tables_are_booktabs_with_every_cell_escaped() {
    let analysis = sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    let written = render(&analysis, &options("year"), dir.path()).unwrap();
    let influential = dir.path().join("tables/influential.tex");
    let mechanisms = dir.path().join("tables/mechanisms.tex");
    assert!(written.contains(&influential) && written.contains(&mechanisms));
    let rows = check_tabular(&std::fs::read_to_string(influential).unwrap(), 9);
    assert_eq!(rows.len(), latex::INFLUENTIAL_ROWS);
    let rows = check_tabular(&std::fs::read_to_string(mechanisms).unwrap(), 9);
    assert_eq!(rows.len(), analysis.mechanisms.len());
    assert!(rows
        .iter()
        .any(|r| r.starts_with(r"Sharing \& \textless{}Reuse\textgreater{} & ")));
}

#[test]
fn hostile_titles_become_single_escaped_cells() {
    let analysis = Analysis {
        influential: HOSTILE_TITLES
            .iter()
            .enumerate()
            .map(|(i, title)| InfluentialPaper {
                rank: i + 1,
                title: title.to_string(),
                abbreviation: Some(title.to_string()),
                year: Some(2024),
                mechanisms: vec!["A_B & C".into()],
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let tex = latex::influential_table(&analysis, 100);
    let rows = check_tabular(&tex, 9);
    assert_eq!(rows.len(), HOSTILE_TITLES.len());
    assert!(tex.contains(
        r"\{Braces\} \$math\$ 50\% \#hash \_under \textasciitilde{}tilde \textasciicircum{}caret \textbackslash{}textbf\{x\}"
    ));
    assert!(tex.contains(r"A \& B \textless{} C \textgreater{} D: Comparisons"));
    assert!(tex.contains("Line one Line two Line three"));
}

#[test]
fn render_returns_exactly_the_files_it_writes() {
    let analysis = sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    let written = render(&analysis, &options("year"), dir.path()).unwrap();
    let mut on_disk: Vec<std::path::PathBuf> = Vec::new();
    let mut pending = vec![dir.path().to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                on_disk.push(path);
            }
        }
    }
    on_disk.sort();
    let mut returned = written.clone();
    returned.sort();
    assert_eq!(
        returned, on_disk,
        "no temp file left, nothing written unreported"
    );
    for name in [
        "graph.dot",
        "graph.graphml",
        "report.html",
        "suggestions.md",
        "tables/influential.tex",
        "tables/mechanisms.tex",
    ] {
        assert!(written.contains(&dir.path().join(name)), "{name}");
    }
}

#[test]
fn an_unwritable_output_names_the_file() {
    let analysis = sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    // `tables` exists as a file, so tables/*.tex cannot be written.
    std::fs::write(dir.path().join("tables"), "in the way").unwrap();
    let mut options = options("year");
    options.figures = vec![citegraph::render::FigureKind::PapersPerYear];
    let error = render(&analysis, &options, dir.path()).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("tables"), "{message}");
    assert!(message.contains("influential.tex"), "{message}");
}

/// The point of suggestions.md: pasted into the list, the catalogue reader reads back the same
/// papers (title, venue, year, authors, link, predicted mechanism).
#[test]
fn suggestions_read_back_through_the_catalogue_reader() {
    let analysis = sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("suggestions.md");
    std::fs::write(
        &file,
        suggestions::to_markdown(
            &citegraph::render::View::new(&analysis, &citegraph::render::RenderOptions::default()),
            100,
        ),
    )
    .unwrap();
    let options = citegraph::catalog::CatalogOptions {
        sources: vec![file.display().to_string()],
        mechanisms: None,
        exclude: Vec::new(),
    };
    let catalog = citegraph::catalog::load(&options, &dir.path().join("cache"), true).unwrap();
    assert!(catalog.warnings.is_empty(), "{:#?}", catalog.warnings);
    assert_eq!(catalog.papers.len(), analysis.missing.len());
    for paper in &analysis.missing {
        let read = catalog
            .papers
            .iter()
            .find(|p| p.title == printable(&paper.title))
            .unwrap_or_else(|| panic!("{:?} not read back", paper.title));
        assert_eq!(read.year, paper.year, "{}", paper.title);
        if let Some(venue) = &paper.venue {
            assert_eq!(
                read.venue.as_deref(),
                Some(venue.as_str()),
                "{}",
                paper.title
            );
        }
        // The first ten authors ("and others" after them, which the reader drops).
        let expected: Vec<String> = paper.authors.iter().take(10).map(|a| one_line(a)).collect();
        assert_eq!(read.authors, expected, "{}", paper.title);
        assert_eq!(
            read.mechanisms,
            vec![paper.predicted_mechanism.clone()],
            "{}",
            paper.title
        );
        let link = read.links.paper.as_deref().unwrap_or_default();
        assert!(link.starts_with("https://"), "{link}");
    }
}
