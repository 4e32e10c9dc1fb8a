use super::*;
use crate::analysis::InfluentialPaper;

#[test]
fn new_lint_kinds_are_written_by_name_and_read_back() {
    use crate::catalog::LintKind;
    for kind in [
        NewLintKind::Catalog(LintKind::NumberingGap),
        NewLintKind::TagDisagrees,
    ] {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
        assert_eq!(serde_json::from_str::<NewLintKind>(&json).unwrap(), kind);
    }
    assert_eq!(
        serde_json::to_string(&NewLintKind::TagDisagrees).unwrap(),
        "\"tag-disagrees\""
    );
    let err = serde_json::from_str::<NewLintKind>("\"numbering-gapp\"").unwrap_err();
    assert!(err.to_string().contains("numbering-gapp"), "{err}");
}

fn paper(id: &str, key: Option<&str>, pagerank: f64) -> PaperMetrics {
    PaperMetrics {
        paper_id: id.into(),
        key: key.map(str::to_string),
        title: format!("Paper {id}"),
        in_catalog: key.is_some(),
        pagerank,
        ..Default::default()
    }
}

#[test]
fn scopes_are_read_typed_from_the_missing_papers() {
    let missing = |id: &str, kind: MissingKind, scope: MissingScope| MissingPaper {
        paper_id: id.into(),
        kind,
        scope,
        ..MissingPaper::default()
    };
    let analysis = Analysis {
        missing: vec![
            missing("a", MissingKind::Candidate, MissingScope::InScope),
            missing("b", MissingKind::Foundation, MissingScope::Background),
            missing("b", MissingKind::Candidate, MissingScope::InScope),
        ],
        papers: vec![paper("c", None, 0.1)],
        ..Analysis::default()
    };
    let run = Run::new(analysis, None);
    let scopes = run.scopes();
    assert_eq!(scopes.get("a"), Some(&MissingScope::InScope));
    assert_eq!(
        scopes.get("b"),
        Some(&MissingScope::Background),
        "the first row"
    );
    assert!(!scopes.contains_key("c"));
    let json = serde_json::to_value(NewCiting {
        scope: Some(MissingScope::InScope),
        ..NewCiting::default()
    })
    .unwrap();
    assert_eq!(json["scope"], "in-scope");
    let json = serde_json::to_value(NewLint {
        source: LintSource::Tags,
        ..NewLint::default()
    })
    .unwrap();
    assert_eq!(json["source"], "tags");
}

#[test]
fn runs_analysed_differently_are_said_so() {
    let mut old = Analysis::default();
    old.summary.scope = Scope::Catalog;
    let same = digest(
        &Run::new(old.clone(), None),
        &Run::new(old.clone(), None),
        2,
    );
    assert!(same.settings_changed.is_empty());
    assert!(!same.summary.contains("analysed differently"));
    let mut new = old.clone();
    new.summary.link_weight = crate::analysis::LinkWeight::Intents;
    new.summary.scope = Scope::All;
    new.summary.influence = crate::analysis::InfluenceScore::AgeFair;
    let d = digest(&Run::new(old, None), &Run::new(new, None), 2);
    assert_eq!(
        d.settings_changed,
        [
            "--scope: catalog -> all",
            "--weight: citations -> intents",
            "--influence: classic -> age-fair"
        ]
    );
    assert!(d
        .summary
        .contains("analysed differently (--scope: catalog -> all; --weight"));
}

#[test]
fn new_citing_rank_changes_and_venue_changes() {
    let mut old = Analysis::default();
    old.summary.scope = Scope::Catalog;
    old.papers = vec![paper("c1", Some("k1"), 0.5), paper("c2", Some("k2"), 0.5)];
    old.papers[0].venue = Some("arXiv.org".into());
    old.influential = vec![InfluentialPaper {
        rank: 1,
        key: "k1".into(),
        ..Default::default()
    }];
    let mut new = old.clone();
    new.papers[0].venue = Some("CVPR".into());
    new.papers[0].year = Some(2024);
    new.papers[1].pagerank = 0.1;
    let mut citing = paper("x", None, 0.01);
    citing.out_degree = 2;
    let mut lone = paper("y", None, 0.01);
    lone.out_degree = 1;
    new.papers.push(lone);
    new.papers.push(citing);
    new.influential.push(InfluentialPaper {
        rank: 2,
        key: "k2".into(),
        ..Default::default()
    });
    let d = digest(&Run::new(old, None), &Run::new(new, None), 2);
    assert_eq!(d.new_citing.len(), 2);
    assert_eq!(d.new_citing[0].catalog_papers, 2);
    assert!(d.new_citing[0].in_scope, "cites enough catalogue papers");
    assert!(!d.new_citing[1].in_scope, "cites one, no scope");
    assert_eq!(d.venue_changes.len(), 1);
    assert_eq!(d.venue_changes[0].new_venue.as_deref(), Some("CVPR"));
    assert_eq!(d.venue_changes[0].new_year, Some(2024));
    let kinds: Vec<RankChangeKind> = d.rank_changes.iter().map(|r| r.change).collect();
    assert_eq!(
        kinds,
        [
            RankChangeKind::EnteredTop,
            RankChangeKind::PagerankMove,
            RankChangeKind::PagerankMove
        ]
    );
    assert!(d
        .summary
        .starts_with("Since the previous run: 2 new citing papers (1 in scope)"));
}

#[test]
fn records_that_moved_are_found_by_key_and_listed_in_unresolved_rows() {
    use crate::records::{Corpus, MovedRecord, Resolution, VanishedRecord};
    let old = Analysis {
        papers: vec![
            paper("old", Some("k1"), 0.5),
            paper("x", Some("k2"), 0.5),
            paper("y", Some("k3"), 0.5),
        ],
        ..Analysis::default()
    };
    let mut new = old.clone();
    new.papers[0].paper_id = "new".into();
    new.papers[0].s2_ids = vec!["new".into(), "old".into()];
    new.papers[1].paper_id = "x2".into();
    let corpus = Corpus {
        resolutions: ["k1", "k2", "k3", "k4"]
            .iter()
            .zip([Some("new"), Some("x2"), Some("y"), None])
            .map(|(key, id)| Resolution {
                key: key.to_string(),
                paper_id: id.map(str::to_string),
                method: None,
                note: id.is_none().then(|| "no title match".to_string()),
                gap: Default::default(),
            })
            .collect(),
        moved: vec![MovedRecord {
            old_id: "old".into(),
            new_id: "new".into(),
            title: "Paper new".into(),
            found_at: 951_782_400,
        }],
        disappeared: vec![VanishedRecord {
            paper_id: "y".into(),
            title: "Paper y".into(),
            since: 951_782_400,
        }],
        ..Corpus::default()
    };
    let d = digest(
        &Run::new(old, None),
        &Run::new(new, None).with_corpus(&corpus),
        2,
    );
    let moved: Vec<(&str, &str, &str, bool)> = d
        .records_moved
        .iter()
        .map(|m| {
            (
                m.key.as_str(),
                m.old_paper_id.as_str(),
                m.new_paper_id.as_str(),
                m.merged,
            )
        })
        .collect();
    assert_eq!(
        moved,
        [("k1", "old", "new", true), ("k2", "x", "x2", false)]
    );
    assert_eq!(d.records_vanished.len(), 1);
    assert_eq!(d.records_vanished[0].keys, ["k3"]);
    assert_eq!(d.records_vanished[0].since, "2000-02-29");
    assert!(
        d.summary.contains(
            "2 records moved to another record (1 merged by Semantic Scholar), 1 record no longer returned by Semantic Scholar"
        ),
        "{}",
        d.summary
    );
    let md = markdown::to_markdown(&d, &Analysis::default(), DIGEST_MAX_CHARS);
    assert!(
        md.contains("## Records that moved on Semantic Scholar (3)"),
        "{md}"
    );
    assert!(
        md.contains("records merged by Semantic Scholar: `old` -> `new`"),
        "{md}"
    );

    let rows = unresolved_rows(&corpus);
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["k1", "k3", "k4"], "in catalogue order");
    assert!(rows.iter().all(|r| r.paper_id.is_none()));
    let reason = |i: usize| rows[i].note.as_deref().unwrap();
    assert!(reason(0).starts_with(
        "record moved: Semantic Scholar merged the record old into new (found 2000-02-29)"
    ));
    assert!(reason(1).starts_with("record vanished:"));
    assert_eq!(reason(2), "no title match");
    // Nothing moved: the digest says nothing of it, digest.json has no such keys.
    let same = digest(
        &Run::new(d_analysis(), None),
        &Run::new(d_analysis(), None),
        2,
    );
    let json = serde_json::to_value(&same).unwrap();
    assert!(json.get("records_moved").is_none() && json.get("records_vanished").is_none());
    assert!(
        !markdown::to_markdown(&same, &Analysis::default(), DIGEST_MAX_CHARS)
            .contains("Records that moved")
    );
}

fn d_analysis() -> Analysis {
    Analysis {
        papers: vec![paper("p", Some("k"), 1.0)],
        ..Analysis::default()
    }
}

#[test]
fn skipped_notes_are_never_new_lint_findings() {
    use crate::catalog::{LintFinding, LintKind};
    let old = Analysis::default();
    let mut new = old.clone();
    new.catalog_lint = vec![LintFinding {
        kind: LintKind::Skipped,
        message: "not read as part of the list: citegraph's output directory".into(),
        file: Some("output".into()),
        line: None,
        keys: Vec::new(),
    }];
    let d = digest(&Run::new(old, None), &Run::new(new, None), 2);
    assert!(d.new_lint.is_empty(), "{:?}", d.new_lint);
}
