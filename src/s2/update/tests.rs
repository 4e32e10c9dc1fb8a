use super::*;

fn link(id: Option<&str>, year: i32) -> Link {
    Link {
        paper_id: id.map(str::to_string),
        year: Some(year),
        ..Link::default()
    }
}

fn cached(count: u64, len: usize, as_of: Option<u64>) -> CachedPaper {
    CachedPaper {
        record: PaperRecord {
            paper_id: "p".into(),
            citation_count: Some(count),
            references: Some(vec![]),
            citations: Some(vec![Link::default(); len]),
            ..PaperRecord::default()
        },
        link_details: true,
        citations_limit: None,
        citations_as_of: as_of,
    }
}

fn fresh(count: u64) -> PaperRecord {
    PaperRecord {
        paper_id: "p".into(),
        citation_count: Some(count),
        ..PaperRecord::default()
    }
}

#[test]
fn range_starts_on_january_first_of_the_year_before_the_margin() {
    // 2026-11-30 00:00 UTC: four weeks before is 2026-11-02.
    assert_eq!(published_since(1_795_996_800), "2026-01-01:");
    // 2027-01-10: four weeks before is in December 2026.
    assert_eq!(published_since(1_799_539_200), "2026-01-01:");
    assert_eq!(published_since(0), "1970-01-01:");
}

#[test]
fn plans_follow_the_counts() {
    let policy = ListPolicy {
        citations: true,
        max_citations: None,
        link_details: true,
    };
    let as_of = Some(1_795_996_800);
    assert_eq!(
        citation_plan(&cached(5, 5, as_of), &fresh(5), &policy),
        CitationPlan::Keep
    );
    assert_eq!(
        citation_plan(&cached(5, 5, as_of), &fresh(9), &policy),
        CitationPlan::Since("2026-01-01:".into())
    );
    assert_eq!(
        citation_plan(&cached(5, 5, as_of), &fresh(4), &policy),
        CitationPlan::Whole,
        "a count that fell"
    );
    assert_eq!(
        citation_plan(&cached(5, 5, None), &fresh(9), &policy),
        CitationPlan::Whole,
        "unknown last fetch"
    );
    let mut capped = cached(5, 5, as_of);
    capped.citations_limit = Some(5);
    assert_eq!(
        citation_plan(&capped, &fresh(9), &policy),
        CitationPlan::Whole
    );
    let references_only = ListPolicy {
        citations: false,
        ..policy
    };
    assert_eq!(
        citation_plan(&cached(5, 5, as_of), &fresh(9), &references_only),
        CitationPlan::Keep
    );
}

#[test]
fn merge_dedupes_by_citing_paper_and_drops_unmatched_links() {
    let mut list = vec![
        link(Some("a"), 2020),
        link(None, 2020),
        link(Some("b"), 2021),
    ];
    let added = merge(
        &mut list,
        vec![
            link(Some("b"), 2022),
            link(Some("c"), 2026),
            link(None, 2026),
            link(Some("c"), 2026),
        ],
    );
    assert_eq!(added, 1);
    let ids: Vec<Option<&str>> = list.iter().map(|l| l.paper_id.as_deref()).collect();
    assert_eq!(ids, [Some("a"), None, Some("b"), Some("c")]);
    assert_eq!(
        list[2].year,
        Some(2022),
        "a link seen again is the newer one"
    );
}

#[test]
fn a_gap_that_grows_means_a_missed_citer() {
    assert!(!gap_grew(Some(10), 10, Some(12), 12));
    assert!(gap_grew(Some(10), 10, Some(12), 11));
    // Semantic Scholar's usual drift (count above the list) that stays the same is fine.
    assert!(!gap_grew(Some(12), 10, Some(15), 13));
    assert!(!gap_grew(None, 0, Some(0), 0));
}

#[test]
fn moves_kept_in_the_cache_are_followed_to_their_end_and_vanished_records_noted() {
    use super::super::resolve::Resolved;
    use crate::records::{MovedRecord, VanishedRecord};
    let dir = tempfile::tempdir().unwrap();
    let cache = crate::cache::Cache::new(dir.path());
    let moved = |old: &str, new: &str| MovedRecord {
        old_id: old.into(),
        new_id: new.into(),
        title: "T".into(),
        found_at: 951_782_400,
    };
    moves::keep_move(&cache, &moved("a", "b")).unwrap();
    moves::keep_move(&cache, &moved("b", "c")).unwrap();
    // A cycle (never seen, but it must not loop).
    moves::keep_move(&cache, &moved("x", "y")).unwrap();
    moves::keep_move(&cache, &moved("y", "x")).unwrap();
    let gone = PaperRecord {
        paper_id: "g".into(),
        title: Some("Gone".into()),
        ..PaperRecord::default()
    };
    let first = moves::keep_vanished(&cache, &gone).unwrap();
    let resolved = |id: &str| Resolved {
        key: format!("k{id}"),
        record: Some(PaperRecord {
            paper_id: id.into(),
            ..PaperRecord::default()
        }),
        method: None,
        notes: Vec::new(),
        gap: Default::default(),
    };
    let mut all = vec![resolved("a"), resolved("x"), resolved("g"), resolved("z")];
    let moves = Moves::follow(&cache, &mut all);
    let ids: Vec<&str> = all
        .iter()
        .map(|r| r.record.as_ref().unwrap().paper_id.as_str())
        .collect();
    assert_eq!(ids[0], "c", "a -> b -> c");
    assert!(["x", "y"].contains(&ids[1]));
    assert_eq!(&ids[2..], ["g", "z"]);
    assert!(all[0].notes[0].contains("merged its record a into b (found 2000-02-29)"));
    assert!(all[3].notes.is_empty());
    let mut corpus = crate::records::Corpus::default();
    moves.finish(&cache, &mut all).into_corpus(&mut corpus);
    assert_eq!(corpus.moved.len(), 4);
    assert_eq!(corpus.moved[0], moved("a", "b"));
    assert_eq!(
        corpus.disappeared,
        [VanishedRecord {
            paper_id: "g".into(),
            title: "Gone".into(),
            since: first.since,
        }]
    );
    assert!(all[2].notes[0].contains("no longer returns its record g"));
    // Kept since its first report; cleared once the API returns it.
    assert_eq!(moves::keep_vanished(&cache, &gone).unwrap(), first);
    moves::returned(&cache, "g").unwrap();
    let mut again = vec![resolved("g")];
    let mut corpus = crate::records::Corpus::default();
    Moves::follow(&cache, &mut again)
        .finish(&cache, &mut again)
        .into_corpus(&mut corpus);
    assert!(corpus.disappeared.is_empty() && again[0].notes.is_empty());
}
