//! references.bib and suggestions.bib, read back by an independent BibTeX parser (`nom-bibtex`,
//! not the `biblatex` crate that writes the list's own blocks): every catalogue paper has one
//! entry, keys are unique across both files and stable across runs, the list's keys are kept
//! where usable, and every `\cite{key}` in tables/*.tex names a key references.bib defines.

use crate::render_support;

use std::collections::{HashMap, HashSet};

use citegraph::render::render;
use nom_bibtex::Bibtex;
use render_support::{options, sample_analysis};

/// Parses a .bib file with nom-bibtex, failing with the parser's message.
fn parse(name: &str, text: &str) -> Bibtex {
    Bibtex::parse(text).unwrap_or_else(|err| panic!("{name} does not parse as BibTeX: {err:?}"))
}

/// Braces balanced and never below zero, as BibTeX counts them (a backslash does not escape).
fn braces_balanced(value: &str) -> bool {
    let mut depth = 0i64;
    for c in value.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

#[test]
fn bib_files_parse_and_tables_cite_their_keys() {
    let analysis = sample_analysis();
    let dir = tempfile::tempdir().unwrap();
    let written = render(&analysis, &options("year"), dir.path()).unwrap();
    for name in ["references.bib", "suggestions.bib"] {
        assert!(written.contains(&dir.path().join(name)), "{name} written");
    }
    let references = std::fs::read_to_string(dir.path().join("references.bib")).unwrap();
    let suggestions = std::fs::read_to_string(dir.path().join("suggestions.bib")).unwrap();
    let parsed = parse("references.bib", &references);
    let entries = parsed.bibliographies();

    // One entry per distinct catalogue paper.
    let catalog_keys: HashSet<&str> = analysis
        .bibliography
        .iter()
        .map(|b| b.key.as_str())
        .collect();
    assert_eq!(
        entries.len(),
        catalog_keys.len(),
        "one entry per catalogue paper"
    );

    let mut seen: HashSet<String> = HashSet::new();
    for entry in entries {
        let key = entry.citation_key();
        assert!(
            seen.insert(key.to_ascii_lowercase()),
            "duplicate key {key} in references.bib"
        );
        assert!(
            key.chars()
                .all(|c| c.is_ascii_graphic() && !",{}()\"#%'=\\~".contains(c)),
            "unusable key {key:?}"
        );
        let tags = entry.tags();
        assert!(tags.contains_key("title"), "{key}: no title");
        for (field, value) in tags {
            assert!(braces_balanced(value), "{key}.{field} = {value:?}");
            assert!(
                !value
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{key}.{field}: a control character"
            );
        }
    }

    // The list's usable keys are kept; clashing or unusable ones are replaced.
    let with_list_key: Vec<&str> = analysis
        .bibliography
        .iter()
        .filter_map(|b| b.bibtex_key.as_deref())
        .collect();
    assert!(with_list_key.iter().any(|k| k.starts_with("family")));
    for key in with_list_key.iter().filter(|k| k.starts_with("family")) {
        assert!(
            seen.contains(&key.to_ascii_lowercase()),
            "list key {key} kept"
        );
    }
    assert!(!seen.contains("has space, and comma"));
    assert_eq!(
        seen.iter().filter(|k| k.as_str() == "same:key").count(),
        1,
        "a list key two papers share is kept once"
    );

    // Entries built from the record: escaped specials, DOI and arXiv eprint present.
    let by_key: HashMap<&str, &nom_bibtex::Bibliography> =
        entries.iter().map(|e| (e.citation_key(), e)).collect();
    assert!(
        entries.iter().any(|e| e
            .tags()
            .get("eprint")
            .is_some_and(|v| v.starts_with("2101."))),
        "arXiv eprints"
    );
    assert!(entries.iter().any(|e| e.tags().contains_key("doi")), "DOIs");
    assert!(
        references.contains(r"\textless{}img src=x onerror=alert(1)\textgreater{}"),
        "hostile titles are escaped"
    );
    assert!(
        entries.iter().any(|e| e
            .tags()
            .get("author")
            .is_some_and(|a| a.contains("Jürgen Schmidhüber"))),
        "unicode authors kept"
    );
    // A list block is used as written (its own title), a broken one replaced by a built entry.
    assert!(references.contains("Listed Title"), "the list's own blocks");
    assert!(
        !references.contains("unclosed"),
        "a broken block never reaches the file"
    );

    // suggestions.bib: its own keys, none shared with references.bib.
    let suggested = parse("suggestions.bib", &suggestions);
    assert!(!suggested.bibliographies().is_empty());
    for entry in suggested.bibliographies() {
        assert!(
            seen.insert(entry.citation_key().to_ascii_lowercase()),
            "suggestions.bib key {} clashes",
            entry.citation_key()
        );
        for (field, value) in entry.tags() {
            assert!(braces_balanced(value), "{field} = {value:?}");
        }
    }

    // Every \cite{key} in the tables names an entry of references.bib; every influential row
    // carries one.
    let mut cited = 0;
    for table in ["influential.tex", "mechanisms.tex"] {
        let text = std::fs::read_to_string(dir.path().join("tables").join(table)).unwrap();
        for (at, _) in text.match_indices("\\cite{") {
            let rest = &text[at + "\\cite{".len()..];
            let key = &rest[..rest.find('}').expect("closed \\cite")];
            assert!(
                by_key.contains_key(key),
                "{table} cites {key}, not in references.bib"
            );
            cited += 1;
        }
    }
    let influential = std::fs::read_to_string(dir.path().join("tables/influential.tex")).unwrap();
    let rows = influential
        .lines()
        .filter(|l| l.ends_with("\\\\") && l.contains(" & "))
        .count()
        - 1;
    assert_eq!(
        influential.matches("\\cite{").count(),
        rows,
        "a \\cite in every influential row"
    );
    assert!(cited > rows, "the mechanisms table cites its papers too");

    // Stable: a second run writes the same bytes.
    let again = tempfile::tempdir().unwrap();
    render(&analysis, &options("year"), again.path()).unwrap();
    for name in [
        "references.bib",
        "suggestions.bib",
        "tables/influential.tex",
    ] {
        assert_eq!(
            std::fs::read(dir.path().join(name)).unwrap(),
            std::fs::read(again.path().join(name)).unwrap(),
            "{name} differs between two runs"
        );
    }
}

/// Titles from Semantic Scholar with inline HTML become LaTeX (the trial found
/// `F\textless{}sup\textgreater{}3...` in references.bib), and a list block without a year gets
/// the record's (the trial's `raecompressive`), read back with nom-bibtex.
#[test]
fn html_in_titles_becomes_latex_and_list_blocks_get_the_record_year() {
    use citegraph::analysis::BibSource;
    let mut analysis = sample_analysis();
    analysis.bibliography.push(BibSource {
        key: "arxiv:2312.00001".into(),
        title: "F<sup>3</sup>-Pruning: x<sub>i</sub> &amp; <i>Deep</i> <b>Bold</b><br>end".into(),
        authors: vec!["Ann Author".into()],
        venue: Some("ICLR 2023<br>".into()),
        year: Some(2023),
        ..Default::default()
    });
    analysis.bibliography.push(BibSource {
        key: "arxiv:1911.05507".into(),
        bibtex_key: Some("raecompressive".into()),
        bibtex: Some(
            "@article{raecompressive,\n  title={Compressive Transformers for Long-Range Sequence Modelling},\n  author={Rae, Jack W and Potapenko, Anna},\n  journal={arXiv preprint arXiv:1911.05507}\n}"
                .into(),
        ),
        title: "Compressive Transformers".into(),
        year: Some(2019),
        arxiv: Some("1911.05507".into()),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    render(&analysis, &options("year"), dir.path()).unwrap();
    let references = std::fs::read_to_string(dir.path().join("references.bib")).unwrap();
    assert!(
        !references.contains(r"\textless{}sup"),
        "markup escaped as text"
    );
    assert!(
        !references.contains(r"\textless{}br"),
        "markup escaped as text"
    );
    let parsed = parse("references.bib", &references);
    let tags_of = |key: &str| {
        parsed
            .bibliographies()
            .iter()
            .find(|e| e.citation_key() == key)
            .unwrap_or_else(|| panic!("{key} not in references.bib"))
            .tags()
            .clone()
    };
    let built = parsed
        .bibliographies()
        .iter()
        .find(|e| {
            e.tags().get("title").is_some_and(|t| t.contains("Pruning"))
                && e.tags().get("author").is_some_and(|a| a.contains("Ann"))
        })
        .expect("the built entry")
        .tags()
        .clone();
    let title = &built["title"];
    assert!(
        title.contains(r"F\textsuperscript{3}-Pruning:")
            && title.contains(r"x\textsubscript{i}")
            && title.contains(r"\& \emph{Deep} \textbf{Bold} end"),
        "{title}"
    );
    assert!(braces_balanced(title), "{title}");
    assert_eq!(built["booktitle"], "ICLR 2023");
    let rae = tags_of("raecompressive");
    assert_eq!(rae.get("year").map(String::as_str), Some("2019"));
    assert_eq!(rae.get("eprint").map(String::as_str), Some("1911.05507"));
    assert!(
        rae["title"].starts_with("Compressive Transformers for Long-Range"),
        "the list's own title stays: {}",
        rae["title"]
    );
}
