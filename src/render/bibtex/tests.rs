//! Unit tests of `references.bib` and `suggestions.bib` (src/render/bibtex.rs).

use super::*;

/// The BibTeX text of `source`'s entry under `key` ([`work_entry`]).
fn entry_text(key: &str, source: &BibSource, work: bool) -> String {
    BibEntry {
        key: key.into(),
        form: work_entry(key, source, work),
    }
    .bibtex()
}

fn source_entry(key: &str, source: &BibSource) -> String {
    entry_text(key, source, false)
}

fn source(key: &str, bibtex_key: Option<&str>, block: Option<&str>) -> BibSource {
    BibSource {
        key: key.into(),
        bibtex_key: bibtex_key.map(Into::into),
        bibtex: block.map(Into::into),
        title: "Token Merging: Your ViT But Faster".into(),
        authors: vec!["Daniel Bolya".into(), "Cheng-Yang Fu".into()],
        venue: Some("ICLR".into()),
        year: Some(2023),
        ..Default::default()
    }
}

#[test]
fn keys_prefer_the_list_then_author_year_word_and_never_clash() {
    let analysis = Analysis {
        bibliography: vec![
            source("a", Some("bolya2023token"), None),
            source("b", None, None),
            source("c", Some("has space"), None),
            source("d", Some("Bolya2023Token"), None),
        ],
        ..Default::default()
    };
    let keys = BibKeys::new(&analysis);
    assert_eq!(keys.catalog("a"), Some("bolya2023token"));
    assert_eq!(keys.catalog("b"), Some("bolya2023tokenb"));
    assert_eq!(keys.catalog("c"), Some("bolya2023tokenc"));
    assert_eq!(keys.catalog("d"), Some("bolya2023tokend"));
}

#[test]
fn author_year_word_folds_accents_and_skips_stop_words() {
    let key = author_year_word(&["Jürgen Schmidhüber".into()], None, "The Ünïque Thing");
    assert_eq!(key, "schmidhuber".to_string() + "nd" + "unique");
    assert_eq!(author_year_word(&[], Some(2020), "!!"), "anon2020paper");
    assert_eq!(letters(2), "b");
    assert_eq!(letters(27), "ba");
}

#[test]
fn built_entries_escape_specials_and_keep_braces_balanced() {
    let entry = built_entry(
        "k",
        &Facts {
            title: "50% {of} $x_1$ & ViT \\ ~".into(),
            authors: vec!["Ann {Braces}".into(), "Rock and Roll".into()],
            venue: None,
            year: Some(2024),
            doi: None,
            arxiv: Some("2401.00001".into()),
        },
    );
    assert!(entry.starts_with("@article{k,\n"), "{entry}");
    assert!(entry.contains(
        r"title = {50\% \textbraceleft{}of\textbraceright{} {$x_1$} \& {ViT} \textbackslash{} \textasciitilde{}},"
    ), "{entry}");
    assert!(
        entry.contains(
            r"author = {Ann \textbraceleft{}Braces\textbraceright{} and {Rock and Roll}},"
        ),
        "{entry}"
    );
    assert!(entry.contains("journal = {arXiv preprint arXiv:2401.00001},"));
    let depth = entry.chars().fold(0i32, |d, c| match c {
        '{' => d + 1,
        '}' => d - 1,
        _ => d,
    });
    assert_eq!(depth, 0);
}

#[test]
fn verbatim_fields_are_not_escaped() {
    let entry = built_entry(
        "k",
        &Facts {
            title: "T".into(),
            authors: vec![],
            venue: Some("ECCV".into()),
            year: Some(2022),
            doi: Some("10.1007/978-3-031-19775-8_24\u{0}".into()),
            arxiv: Some("2201.00001".into()),
        },
    );
    assert_eq!(
        entry,
        "@inproceedings{k,\n  title = {T},\n  booktitle = {ECCV},\n  year = {2022},\n  doi = {10.1007/978-3-031-19775-8_24},\n  eprint = {2201.00001},\n  archiveprefix = {arXiv},\n}\n"
    );
    let mut record = source(
        "a",
        Some("k"),
        Some("@inproceedings{k, title={T}, year={2020}}"),
    );
    record.doi = Some("10.1162/tacl_a_00716".into());
    assert_eq!(
        source_entry("k", &record),
        "@inproceedings{k, title={T}, year={2020},\n  doi = {10.1162/tacl_a_00716},\n}\n"
    );
}

#[test]
fn tex_math_in_titles_stays_math() {
    assert_eq!(
        bib_title("IA-RED$^2$: Interpretability-Aware Redundancy Reduction"),
        r"{IA-RED$^2$:} {Interpretability-Aware} Redundancy Reduction"
    );
    assert_eq!(
        bib_title(r"Attention in $\mathcal{O}(n \log n)$ time, 100% of it"),
        r"Attention in {$\mathcal{O}(n \log n)$} time, 100\% of it"
    );
    // Prices and broken spans are text.
    assert_eq!(bib_title("From $5 to $10"), r"From \$5 to \$10");
    assert_eq!(bib_title("a $x} b$ c"), r"a \$x\textbraceright{} b\$ c");
    assert_eq!(bib_title("cost $ 5$"), r"cost \$ 5\$");
    assert_eq!(
        bib_title("x<sup>2</sup> and $y^2$\u{1b}"),
        r"x\textsuperscript{2} and {$y^2$}"
    );
}

#[test]
fn math_segments_follow_the_dollar_rule() {
    use TitleSegment::{Math, Plain};
    let math = |inner: &'static str| Math {
        inner,
        latex: inner.to_string(),
    };
    assert_eq!(
        math_segments("IA-RED$^2$: x"),
        vec![Plain("IA-RED"), math("^2"), Plain(": x")]
    );
    assert_eq!(math_segments("$a$$b$"), vec![math("a"), math("b")]);
    assert_eq!(
        math_segments(r"\$x$ and $y$"),
        vec![Plain(r"\$x$ and "), math("y")]
    );
    assert_eq!(math_segments("$5 and $10"), vec![Plain("$5 and $10")]);
    assert_eq!(math_segments("$x$2 $y$"), vec![Plain("$x$2 "), math("y")]);
}

#[test]
fn a_broken_list_block_falls_back_to_the_record() {
    let broken = source("a", Some("x"), Some("@inproceedings{x, title={unclosed"));
    assert!(source_entry("x", &broken).starts_with("@inproceedings{x,\n  author = {Daniel Bolya"));
    let good = source(
        "a",
        Some("x"),
        Some("@inproceedings{x,\n title={Token Merging},\n booktitle={ICLR},\n year={2023}\n}"),
    );
    let entry = source_entry("y", &good);
    assert!(entry.starts_with("@inproceedings{y,"), "{entry}");
    assert!(entry.contains("Token Merging"), "{entry}");
}

#[test]
fn titles_turn_inline_html_into_latex() {
    assert_eq!(
        bib_title("F<sup>3</sup>-Pruning: A Training-Free Strategy"),
        r"{F\textsuperscript{3}-Pruning:} A {Training-Free} Strategy"
    );
    assert_eq!(
        bib_title("H<sub>2</sub>O &amp; <i>Deep ViT</i> <b>bold</b> <span>x</span> &lt;y&gt;"),
        r"{H\textsubscript{2}O} \& \emph{Deep ViT} \textbf{bold} x \textless{}y\textgreater{}"
    );
    // Unclosed and stray tags still give balanced braces; unknown brackets stay text.
    assert_eq!(bib_title("<em>open a</sup> b"), r"\emph{open a b}");
    assert_eq!(
        bib_title("Prune <fast>"),
        r"Prune \textless{}fast\textgreater{}"
    );
}

#[test]
fn a_list_block_is_completed_from_the_record() {
    let mut record = source(
        "a",
        Some("raecompressive"),
        Some("@article{raecompressive,\n  title={Compressive Transformers},\n  author={Rae, Jack W}\n}"),
    );
    record.doi = Some("10.1/x".into());
    record.arxiv = Some("1911.05507".into());
    let entry = source_entry("raecompressive", &record);
    assert_eq!(
        entry,
        "@article{raecompressive,\n  title={Compressive Transformers},\n  author={Rae, Jack W},\n  year = {2023},\n  doi = {10.1/x},\n  eprint = {1911.05507},\n  archiveprefix = {arXiv},\n}\n"
    );
    // Fields the block has are never replaced, whatever the record says.
    let own = source(
        "a",
        Some("k"),
        Some("@inproceedings{k, title={T}, year={2020}, doi={10.9/own}}"),
    );
    let entry = source_entry("k", &own);
    assert_eq!(
        entry,
        "@inproceedings{k, title={T}, year={2020}, doi={10.9/own}}\n"
    );
    // A work listed as a preprint (with the list's block) and as the published version:
    // its entry cites the published DOI; a listing alone keeps its block's.
    let mut preprint = source(
        "a",
        Some("k"),
        Some("@article{k, title={T}, journal={arXiv preprint}, doi = {10.48550/arXiv.2111.15667}, year={2021}}"),
    );
    preprint.doi = Some("10.1007/978-3-031-20083-0_24".into());
    assert_eq!(
        entry_text("k", &preprint, true),
        "@article{k, title={T}, journal={arXiv preprint}, doi = {10.1007/978-3-031-20083-0_24}, year={2021}}\n"
    );
    assert!(source_entry("k", &preprint).contains("10.48550/arXiv.2111.15667"));
    // Its verbatim fields lose the LaTeX escapes a list wrote for classic BibTeX.
    let escaped = source(
        "a",
        Some("k"),
        Some(
            r"@inproceedings{k, title={A\_B}, doi={10.1007/978-3-031-19775-8\_24}, URL = {https://example.org/a\_b\%20c}, eprint={2201.00001}, year={2020}}",
        ),
    );
    assert_eq!(
        source_entry("k", &escaped),
        "@inproceedings{k, title={A\\_B}, doi={10.1007/978-3-031-19775-8_24}, URL = {https://example.org/a_b%20c}, eprint={2201.00001}, year={2020}}\n"
    );
    let dated = source(
        "a",
        Some("k"),
        Some("@online{k, title={T}, date={2020-01}}"),
    );
    assert!(!source_entry("k", &dated).contains("year"));
}

#[test]
fn a_published_paper_never_cites_its_preprint_doi() {
    let mut record = source("a", None, None);
    record.title = "Reasonet: Learning to stop reading in machine comprehension".into();
    record.venue = Some("Knowledge Discovery and Data Mining".into());
    record.year = Some(2017);
    record.doi = Some("10.48550/arXiv.1609.05284".into());
    record.arxiv = Some("1609.05284".into());
    let entry = source_entry("k", &record);
    assert!(!entry.contains("10.48550"), "{entry}");
    assert!(entry.contains("eprint = {1609.05284}"), "{entry}");
    // A list block is not completed with it either.
    let mut block = source(
        "a",
        Some("k"),
        Some("@inproceedings{k, title={T}, booktitle={KDD}}"),
    );
    block.venue = record.venue.clone();
    block.doi = record.doi.clone();
    assert!(!source_entry("k", &block).contains("10.48550"));
    // A preprint keeps its arXiv DOI.
    record.venue = Some("arXiv.org".into());
    assert!(source_entry("k", &record).contains("doi = {10.48550/arXiv.1609.05284}"));
    // A publisher's DOI stays.
    record.venue = Some("KDD".into());
    record.doi = Some("10.1145/3097983.3098177".into());
    assert!(source_entry("k", &record).contains("doi = {10.1145/3097983.3098177}"));
}

/// The list's block for IA-RED² (Vision Domain/Understanding.md) writes `booktitle=NIPS`, a
/// macro of the list's own .bib: the block stays (the macro braced) with the list's authors,
/// rather than giving way to the record's fields.
#[test]
fn a_block_with_an_undefined_macro_keeps_the_lists_fields() {
    let block = "@inproceedings{Pan2021:IA-RED2,\n  title={IA-RED $\\^{} 2$: Interpretability-aware redundancy reduction for vision transformers},\n  author={Pan, Bowen and Panda, Rameswar},\n  booktitle=NIPS,\n  month = aug,\n  year={2021}\n}";
    let mut record = source("a", Some("Pan2021:IA-RED2"), Some(block));
    record.authors = vec!["Author 2988".into()];
    let entry = source_entry("Pan2021:IA-RED2", &record);
    assert!(
        entry.contains("author={Pan, Bowen and Panda, Rameswar}"),
        "{entry}"
    );
    assert!(entry.contains("  booktitle={NIPS},\n"), "{entry}");
    assert!(entry.contains("  month = aug,\n"), "{entry}");
    assert!(!entry.contains("Author 2988"), "{entry}");
    // A macro the block defines itself is left as written.
    let defined = "@string{NIPS = {NeurIPS}}\n@inproceedings{k, title={T}, booktitle=NIPS}";
    assert_eq!(brace_undefined_macros(defined), defined);
}

#[test]
fn text_after_a_list_block_is_left_out() {
    // A list whose `<details>` closes inside its code block (the world catalogue has one):
    // biber reported the copied `</details>` as junk at toplevel.
    let record = source(
        "a",
        Some("k"),
        Some("@inproceedings{k,\n  title={T},\n  year={2018}\n}\n</details>\n"),
    );
    assert_eq!(
        source_entry("k", &record),
        "@inproceedings{k,\n  title={T},\n  year={2018}\n}\n"
    );
    let trailing_comma = source(
        "a",
        Some("k"),
        Some("@misc{k, title={T}, year={2018},\n}</p>"),
    );
    assert_eq!(
        source_entry("k", &trailing_comma),
        "@misc{k, title={T}, year={2018},\n}\n"
    );
}
