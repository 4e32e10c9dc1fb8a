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
    // A list block written for classic BibTeX escapes its DOI and URL (the world's TACL paper).
    analysis.bibliography.push(BibSource {
        key: "title:tacl".into(),
        bibtex_key: Some("tacl2024".into()),
        bibtex: Some(
            r"@article{tacl2024, title={A\_TACL paper}, doi={10.1162/tacl\_a\_00716}, url = {https://doi.org/10.1162/tacl\_a\_00716?x=1\&y=\%20}, year={2024}}"
                .into(),
        ),
        title: "A TACL paper".into(),
        year: Some(2024),
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
    let tacl = tags_of("tacl2024");
    assert_eq!(tacl["doi"], "10.1162/tacl_a_00716");
    assert_eq!(
        tacl["url"],
        "https://doi.org/10.1162/tacl_a_00716?x=1&y=%20"
    );
    assert_eq!(
        tacl["title"], r"A\_TACL paper",
        "text fields stay the list's"
    );
    let rae = tags_of("raecompressive");
    assert_eq!(rae.get("year").map(String::as_str), Some("2019"));
    assert_eq!(rae.get("eprint").map(String::as_str), Some("1911.05507"));
    assert!(
        rae["title"].starts_with("Compressive Transformers for Long-Range"),
        "the list's own title stays: {}",
        rae["title"]
    );
}

/// A record's JSON line for a `--snapshot` world: `refs` are the ids it cites.
fn record(id: &str, ids: &str, title: &str, year: i32, refs: &[&str]) -> String {
    let references: Vec<String> = refs
        .iter()
        .map(|r| {
            format!(r#"{{"paperId": "{r}", "isInfluential": false, "contexts": [], "intents": ["background"]}}"#)
        })
        .collect();
    format!(
        r#"{{"paperId": "{id}", "externalIds": {{{ids}}}, "title": {title}, "year": {year}, "venue": "", "publicationDate": "{year}-01-15", "citationCount": 3, "influentialCitationCount": 0, "authors": [{{"authorId": "1000001", "name": "Ann Author"}}], "references": [{references}], "citations": [], "referenceCount": {count}}}"#,
        references = references.join(", "),
        count = refs.len(),
        title = serde_json::to_string(title).unwrap(),
    )
}

/// Whether `text` holds a control character no CSV cell or BibTeX field may carry (U+0000-U+001F
/// but tab and line breaks, U+007F, U+0080-U+009F).
fn control_character(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The faults of issue #22 through the real binary, from the list's link and the record to the
/// .bib and .csv files: a DOI taken from a Springer PDF link loses `.pdf`, `doi` fields keep their
/// `_` (verbatim, retorquere/zotero-better-bibtex#2575), a title's TeX math stays math, and the
/// control bytes of the records' titles reach neither a field nor a CSV cell.
#[test]
fn verbatim_dois_math_titles_and_no_control_bytes_from_list_to_files() {
    const IA_RED: &str = "1111111111111111111111111111111111111111";
    const OTHER: &str = "2222222222222222222222222222222222222222";
    const THIRD: &str = "3333333333333333333333333333333333333333";
    const FOUNDATION: &str = "4444444444444444444444444444444444444444";
    let dir = tempfile::tempdir().unwrap();
    let entry = |n: usize, title: &str, link: &str| {
        format!("- **[{n}] {title}**, ECCV 2022  \n  *Doe, Jane*  \n  [[Paper]({link})] ![Token_Pruning](https://img.shields.io/badge/Token_Pruning-orange)  \n\n")
    };
    let list = format!(
        "# Test list\n\n## 2022\n\n{}{}{}{}",
        entry(
            1,
            "IA-RED: Interpretability-Aware Redundancy Reduction",
            "https://arxiv.org/abs/2106.12620"
        ),
        entry(
            2,
            "Token pruning in a Springer chapter",
            "https://link.springer.com/content/pdf/10.1007/978-3-031-19775-8_24.pdf"
        ),
        entry(
            3,
            "Another token pruning paper",
            "https://arxiv.org/abs/2201.00003"
        ),
        entry(
            4,
            "A third token pruning paper",
            "https://arxiv.org/abs/2201.00004"
        ),
    );
    std::fs::write(dir.path().join("list.md"), list).unwrap();
    let world = [
        record(
            IA_RED,
            r#""ArXiv": "2106.12620", "DOI": "10.5555/IA_RED.2021""#,
            "IA-RED$^2$: Interpretability-Aware Redundancy\u{7} Reduction\u{0}\u{85}",
            2021,
            &[FOUNDATION],
        ),
        record(
            OTHER,
            r#""ArXiv": "2201.00003""#,
            "Another token pruning paper\u{1b}[31m",
            2022,
            &[FOUNDATION],
        ),
        record(
            THIRD,
            r#""ArXiv": "2201.00004""#,
            "A third token pruning paper",
            2022,
            &[FOUNDATION],
        ),
        record(
            FOUNDATION,
            r#""DOI": "10.1162/tacl_a_00716""#,
            "Attention\u{7f} in $\\mathcal{O}(n)$ time",
            2019,
            &[],
        ),
    ];
    let snapshot = dir.path().join("world.jsonl");
    std::fs::write(&snapshot, world.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    let run = crate::common::citegraph()
        .args(["run", "--catalog"])
        .arg(dir.path().join("list.md"))
        .arg("--snapshot")
        .arg(&snapshot)
        .arg("--output-dir")
        .arg(&out)
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["--figures", "papers-per-year", "--format", "svg", "-q"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let references = std::fs::read_to_string(out.join("references.bib")).unwrap();
    let parsed = parse("references.bib", &references);
    let entries = parsed.bibliographies();
    let tags_with_title = |words: &str| {
        entries
            .iter()
            .map(|e| e.tags())
            .find(|t| t.get("title").is_some_and(|v| v.contains(words)))
            .unwrap_or_else(|| panic!("no entry titled {words:?} in {references}"))
            .clone()
    };
    let ia_red = tags_with_title("Interpretability");
    assert_eq!(
        ia_red["title"],
        "{IA-RED$^2$:} {Interpretability-Aware} Redundancy Reduction"
    );
    assert_eq!(ia_red["doi"], "10.5555/ia_red.2021");
    assert_eq!(ia_red["eprint"], "2106.12620");
    let springer = tags_with_title("Springer");
    assert_eq!(springer["doi"], "10.1007/978-3-031-19775-8_24");
    // A title's control character is a word break there, as in every one-line text output.
    assert_eq!(
        tags_with_title("Another")["title"],
        "Another token pruning paper [31m"
    );
    let suggestions = std::fs::read_to_string(out.join("suggestions.bib")).unwrap();
    let suggested = parse("suggestions.bib", &suggestions);
    let foundation = suggested
        .bibliographies()
        .iter()
        .find(|e| e.tags().get("doi").is_some())
        .unwrap_or_else(|| panic!("the foundation in suggestions.bib: {suggestions}"))
        .tags()
        .clone();
    assert_eq!(foundation["doi"], "10.1162/tacl_a_00716");
    assert_eq!(foundation["title"], r"Attention in {$\mathcal{O}(n)$} time");
    for (name, text) in [
        ("references.bib", &references),
        ("suggestions.bib", &suggestions),
    ] {
        assert!(
            !text.contains(r"\_"),
            "{name} escapes an underscore: {text}"
        );
        assert_eq!(control_character(text), None, "{name}");
    }

    // Every CSV, papers.csv and missing.csv among them, holds the titles without control bytes.
    let mut csvs = 0;
    for file in walkdir::WalkDir::new(&out) {
        let path = file.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "csv") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(control_character(&text), None, "{}", path.display());
            csvs += 1;
        }
    }
    assert!(csvs >= 5, "{csvs} CSV files");
    let papers = std::fs::read_to_string(out.join("papers.csv")).unwrap();
    assert!(
        papers.contains("IA-RED$^2$: Interpretability-Aware Redundancy Reduction")
            && papers.contains("Another token pruning paper[31m"),
        "{papers}"
    );
    let missing = std::fs::read_to_string(out.join("missing.csv")).unwrap();
    assert!(
        missing.contains(r"Attention in $\mathcal{O}(n)$ time"),
        "{missing}"
    );
}
