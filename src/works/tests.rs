use super::*;
use crate::records::{Author, PaperRecord, Resolution};

fn record(id: &str, title: &str, year: i32, ids: &[(&str, &str)], authors: &[&str]) -> PaperRecord {
    PaperRecord {
        paper_id: id.to_string(),
        title: Some(title.to_string()),
        year: Some(year),
        external_ids: ids
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
            .collect(),
        authors: authors
            .iter()
            .map(|a| Author {
                author_id: None,
                name: Some(a.to_string()),
            })
            .collect(),
        citation_count: Some(id.len() as u64),
        ..PaperRecord::default()
    }
}

fn corpus(records: Vec<PaperRecord>, catalogue: &[&str]) -> Corpus {
    Corpus {
        resolutions: catalogue
            .iter()
            .map(|id| Resolution {
                key: format!("k{id}"),
                paper_id: Some(id.to_string()),
                method: None,
                note: None,
                gap: crate::records::Gap::None,
            })
            .collect(),
        records,
        ..Corpus::default()
    }
}

const LONG: &str = "Dynamic vision transformers with adaptive sequence length";

#[test]
fn doi_arxiv_and_title_merge() {
    let c = corpus(
        vec![
            record("a", LONG, 2021, &[("ArXiv", "2105.15075v2")], &["Jane Doe"]),
            record("bb", LONG, 2022, &[("DOI", "10.1/X")], &["J. Doe"]),
            // Another title, one word more: shares the DOI and most words.
            record(
                "ccc",
                "Dynamic vision transformers with adaptive sequence length, extended",
                2019,
                &[("DOI", "https://doi.org/10.1/x")],
                &[],
            ),
            // Another title altogether, but a shared author: shares the ArXiv id.
            record(
                "d",
                "Unrelated work on pruning tokens",
                2021,
                &[("ArXiv", "arXiv:2105.15075")],
                &["Jane Doe"],
            ),
        ],
        &[],
    );
    let w = identify(&c);
    // The most cited (longest id here) names the work.
    assert_eq!(w.canonical("a"), "ccc");
    assert_eq!(w.canonical("bb"), "ccc");
    assert_eq!(w.canonical("d"), "ccc");
    let work = w.work("ccc").unwrap();
    assert_eq!(work.members, vec!["ccc", "a", "bb", "d"]);
    assert_eq!(w.merged_records(), 3);
    let reasons: Vec<(&str, &str)> = w
        .merges
        .iter()
        .map(|m| (m.record_id.as_str(), m.reason.as_str()))
        .collect();
    assert_eq!(reasons, vec![("a", "title"), ("bb", "doi"), ("d", "arxiv")]);
}

#[test]
fn the_catalogue_record_names_the_work() {
    let c = corpus(
        vec![
            record("a", LONG, 2021, &[], &["Doe"]),
            record("bbbbb", LONG, 2021, &[], &["Doe"]),
        ],
        &["a"],
    );
    let w = identify(&c);
    assert_eq!(w.canonical("bbbbb"), "a");
    assert_eq!(w.work("a").unwrap().citation_count, Some(5));
}

#[test]
fn titles_need_compatible_years_authors_and_length() {
    // Years two apart, disjoint authors, a short title without authors, two arXiv ids: apart.
    let c = corpus(
        vec![
            record("a", LONG, 2018, &[], &[]),
            record("b", LONG, 2020, &[], &[]),
            record(
                "c",
                "Token merging: your ViT but faster",
                2023,
                &[],
                &["Bolya"],
            ),
            record(
                "d",
                "Token merging: your ViT but faster",
                2023,
                &[],
                &["Smith"],
            ),
            record("e", "Introduction", 2020, &[], &[]),
            record("f", "Introduction", 2020, &[], &[]),
            record("g", "Deep learning", 2020, &[], &["Lecun"]),
            record("h", "Deep learning", 2021, &[], &["LeCun"]),
            record("i", LONG, 2030, &[("ArXiv", "1")], &[]),
            record("j", LONG, 2030, &[("ArXiv", "2")], &[]),
        ],
        &[],
    );
    let w = identify(&c);
    for id in ["a", "b", "c", "d", "e", "f", "i", "j"] {
        assert_eq!(w.canonical(id), id, "{id} stays apart");
    }
    // A short title with a shared author merges.
    assert_eq!(w.canonical("g"), "g");
    assert_eq!(w.canonical("h"), "g");
    assert_eq!(w.merged_records(), 1);
}

#[test]
fn identifiers_normalize() {
    assert_eq!(normalize_arxiv("arXiv:2301.00001v3"), "2301.00001");
    assert_eq!(normalize_arxiv("cs/0112017v1"), "cs/0112017");
    assert_eq!(normalize_arxiv("solv-int/9901001"), "solv-int/9901001");
    assert_eq!(normalize_doi("https://doi.org/10.1/ABC"), "10.1/abc");
}

/// Two different papers Semantic Scholar gave one DOI (the world snapshot has such a pair):
/// different titles, no author in common: two works.
#[test]
fn one_doi_on_two_different_papers_does_not_merge() {
    let c = corpus(
        vec![
            record(
                "a",
                "Don't Look Twice: Faster Video Transformers with Run-Length Tokenization",
                2024,
                &[("DOI", "10.1145/3633781")],
                &["Ann One"],
            ),
            record(
                "b",
                "Efficient Video Transformers via Spatial-temporal Token Merging for Action Recognition",
                2024,
                &[("DOI", "10.1145/3633781")],
                &["Bob Two"],
            ),
            // A retitled published version with the preprint's DOI and a shared author merges.
            record("c", "Sparse tokens for speed", 2023, &[("DOI", "10.1/s")], &["Cy Three"]),
            record("d", "Sparse token transformers", 2024, &[("DOI", "10.1/s")], &["C. Three"]),
        ],
        &[],
    );
    let w = identify(&c);
    assert_eq!((w.canonical("a"), w.canonical("b")), ("a", "b"));
    assert_eq!(w.canonical("c"), "c");
    assert_eq!(w.canonical("d"), "c");
}

#[test]
fn a_record_semantic_scholar_merged_joins_its_new_record() {
    use crate::records::{Link, MovedRecord};
    // "new" is the catalogue's record now; "cites" still lists the old id (a bare link: nothing
    // else would join it), and "old2" (a described link) was merged too, in a chain old2 -> old.
    let mut citing = record("cites", "A survey of token pruning methods", 2023, &[], &[]);
    citing.references = Some(vec![
        Link {
            paper_id: Some("old".into()),
            ..Link::default()
        },
        Link {
            paper_id: Some("old2".into()),
            title: Some("Something else entirely".into()),
            ..Link::default()
        },
    ]);
    let mut c = corpus(
        vec![
            record("new", LONG, 2021, &[("ArXiv", "2105.15075")], &[]),
            citing,
        ],
        &["new"],
    );
    let moved = |old: &str, new: &str| MovedRecord {
        old_id: old.into(),
        new_id: new.into(),
        title: LONG.into(),
        found_at: 0,
    };
    c.moved = vec![moved("old", "new"), moved("old2", "old")];
    let w = identify(&c);
    assert_eq!(w.canonical("old"), "new");
    assert_eq!(w.canonical("old2"), "new");
    assert_eq!(w.work("new").unwrap().members, ["new", "old", "old2"]);
    let rows: Vec<(&str, &str, &str, &str)> = w
        .merges
        .iter()
        .map(|m| {
            (
                m.record_id.as_str(),
                m.matched_id.as_str(),
                m.reason.as_str(),
                m.value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("old", "new", "moved", "new"),
            ("old2", "old", "moved", "old")
        ]
    );
    // Without moves, nothing joins them.
    c.moved.clear();
    assert_eq!(identify(&c).canonical("old"), "old");
}

#[test]
fn links_of_secondary_sources_join_records_by_doi_and_openalex_id() {
    use crate::records::{Link, Source};
    const TITLE: &str = "A study of token merging in vision transformers";
    let link = |id: &str, ids: &[(&str, &str)], title: &str| Link {
        paper_id: Some(id.into()),
        title: Some(title.into()),
        year: Some(2021),
        external_ids: ids
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .collect(),
        source: Some(Source::OpenAlex),
        ..Link::default()
    };
    let s2 = record("s2x", TITLE, 2021, &[("DOI", "10.1/ABC")], &[]);
    let mut cat = record(
        "c",
        "The catalogue paper of this small test",
        2022,
        &[],
        &[],
    );
    cat.references = Some(vec![
        link(
            "openalex:W1",
            &[("OpenAlex", "W1"), ("DOI", "https://doi.org/10.1/abc")],
            TITLE,
        ),
        // OpenCitations' name for the same work, by another DOI, carrying the OpenAlex id
        // (its title one year off and reworded: only the OpenAlex id joins it).
        link(
            "doi:10.1/zzz",
            &[("OpenAlex", "https://openalex.org/w1")],
            "A study of token merging in vision transformers, extended",
        ),
    ]);
    let works = identify(&corpus(vec![cat, s2], &["c"]));
    assert_eq!(works.canonical("openalex:W1"), "s2x");
    assert_eq!(works.canonical("doi:10.1/zzz"), "s2x");
}
