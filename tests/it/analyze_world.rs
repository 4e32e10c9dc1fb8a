//! `citegraph analyze` on the real catalogue and the synthetic world: the planted missing papers
//! rank first, the outputs are byte-identical across runs and record orders, and every table
//! holds what issue #4 asks for.

use crate::analyze_support;
use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use analyze_support::*;

/// The first `n` paper ids of `kind` and `scope` in missing.csv.
fn top_missing(out: &Path, kind: &str, scope: &str, n: usize) -> BTreeSet<String> {
    let mut reader = csv::Reader::from_path(out.join("missing.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, k, s) = (col("paper_id"), col("kind"), col("scope"));
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[k] == kind && &r[s] == scope)
        .take(n)
        .map(|r| r[id].to_string())
        .collect()
}

#[test]
fn planted_missing_papers_rank_first_in_both_scopes() {
    let truth = truth();
    let foundations = ids(&truth["foundations"]);
    let candidates = ids(&truth["candidates_to_add"]);
    for scope in ["catalog", "all"] {
        let dir = tempfile::tempdir().unwrap();
        analyze_world(dir.path(), &["--scope", scope]);
        assert_eq!(
            top_missing(dir.path(), "foundation", "background", foundations.len()),
            foundations,
            "scope {scope}: the planted foundations (landmarks: ImageNet, ResNet, ...) are the \
             background foundations, and rank first there"
        );
        assert_eq!(
            top_missing(dir.path(), "candidate", "in-scope", candidates.len()),
            candidates,
            "scope {scope}: the planted candidates rank first"
        );
    }
}

#[test]
fn outputs_are_byte_identical_across_runs_and_record_orders() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    analyze_world(a.path(), &[]);
    analyze_world(b.path(), &[]);
    // The same records in reverse order.
    let world = std::fs::read_to_string(common::world_jsonl()).unwrap();
    let mut lines: Vec<&str> = world.lines().collect();
    lines.reverse();
    let reversed = c.path().join("reversed.jsonl");
    std::fs::write(&reversed, lines.join("\n")).unwrap();
    analyze(c.path(), &reversed, &[]);
    for name in FILES {
        let x = std::fs::read(a.path().join(name)).unwrap();
        assert!(!x.is_empty(), "{name} is empty");
        for other in [b.path(), c.path()] {
            let y = std::fs::read(other.join(name)).unwrap();
            assert!(x == y, "{name} differs between two runs");
        }
    }
}

#[test]
fn tables_hold_what_the_issue_asks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let analysis = analyze_world(out, &[]);

    let papers = header(&out.join("papers.csv"));
    for column in [
        "paper_id",
        "key",
        "title",
        "year",
        "in_catalog",
        "mechanisms",
        "catalog_citations",
        "citation_count",
        "pagerank",
        "hub",
        "authority",
        "betweenness",
        "core",
        "community",
    ] {
        assert!(papers.iter().any(|h| h == column), "papers.csv: {column}");
    }
    assert_eq!(
        header(&out.join("edges.csv"))[..3],
        ["source", "target", "is_influential"]
    );
    let missing = header(&out.join("missing.csv"));
    for column in [
        "paper_id",
        "title",
        "year",
        "kind",
        "score",
        "catalog_papers",
        "mechanisms_spanned",
        "structural",
        "predicted_mechanism",
        "confidence",
        "evidence",
    ] {
        assert!(missing.iter().any(|h| h == column), "missing.csv: {column}");
    }

    let s = &analysis.summary;
    let truth = truth();
    let planted = truth["catalog_by_key"].as_object().unwrap().len();
    assert_eq!(s.resolved, planted, "every catalogue paper the world holds");
    assert_eq!(
        analysis.papers.iter().filter(|p| p.in_catalog).count(),
        planted
    );
    assert_eq!(analysis.papers.len(), s.nodes);
    assert_eq!(analysis.unresolved.len(), s.unresolved);
    // Catalogue papers first, then by descending PageRank.
    let first_outside = analysis.papers.iter().position(|p| !p.in_catalog).unwrap();
    assert!(analysis.papers[first_outside..]
        .iter()
        .all(|p| !p.in_catalog));
    assert!(analysis.papers[first_outside..]
        .windows(2)
        .all(|w| w[0].pagerank >= w[1].pagerank));
    let total: f64 = analysis.papers.iter().map(|p| p.pagerank).sum();
    assert!((total - 1.0).abs() < 1e-9);
    assert!(s.modularity > 0.0 && s.modularity < 1.0);
    assert!(
        s.homophily > s.homophily_expected,
        "the world is built with homophily by mechanism"
    );
    assert_eq!(s.betweenness, citegraph::metrics::BetweennessMode::Exact);
    let (nmi, ari) = (s.nmi.unwrap(), s.ari.unwrap());
    assert!((0.0..=1.0).contains(&nmi) && ari <= 1.0);

    assert!(!analysis.mechanisms.is_empty() && !analysis.domains.is_empty());
    for g in &analysis.mechanisms {
        assert!(g.citations_within <= g.citations_out, "{}", g.name);
        assert!(g.top_papers.len() <= 10);
    }
    assert_eq!(analysis.flow.labels.len(), analysis.mechanisms.len());
    for row in &analysis.flow.shares {
        let sum: f64 = row.iter().sum();
        assert!(sum == 0.0 || (sum - 1.0).abs() < 1e-9);
    }
    assert_eq!(analysis.influential.len(), planted);
    assert!(analysis
        .influential
        .windows(2)
        .all(|w| w[0].score >= w[1].score));
    for m in &analysis.missing {
        // `uncertain` (no mechanism stands out over its base rate) has confidence 0; a predicted
        // mechanism carries at least MECHANISM_MIN_CONFIDENCE of the evidence.
        let uncertain = m.predicted_mechanism == citegraph::analysis::UNCERTAIN;
        let predicted = !uncertain && m.predicted_mechanism != "unspecified";
        // `unspecified` (no linked paper carries a mechanism) has confidence 0 too.
        assert!(
            (uncertain || !predicted || m.confidence > 0.0) && m.confidence <= 1.0,
            "{}",
            m.paper_id
        );
        assert!(
            !predicted || m.confidence >= citegraph::analysis::MECHANISM_MIN_CONFIDENCE,
            "{} predicted {} at confidence {}",
            m.paper_id,
            m.predicted_mechanism,
            m.confidence
        );
        assert!(m.catalog_papers >= 3);
        let evidence: BTreeSet<&String> = m.evidence.values().flatten().collect();
        assert_eq!(evidence.len(), m.catalog_papers, "{}", m.paper_id);
    }
    assert!(analysis.coverage.iter().all(|c| c.missing <= c.linked));
    assert!(analysis.core_edges.len() >= s.catalog_edges);

    // No title cell starts a spreadsheet formula (a title starting with one would be prefixed).
    let mut reader = csv::Reader::from_path(out.join("papers.csv")).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        let title = &record[2];
        assert!(!title.starts_with(['=', '+', '-', '@']), "{title}");
    }
}

#[test]
fn unknown_scope_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    common::citegraph()
        .current_dir(dir.path())
        .args(["analyze", "--scope", "world", "--offline"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("catalog"));
}

#[test]
fn a_damaged_snapshot_line_is_reported_and_skipped_and_the_rest_is_read() {
    let world = std::fs::read_to_string(common::world_jsonl()).unwrap();
    let lines: Vec<&str> = world.lines().collect();
    // Line 5 overwritten by something else, the last line cut short as by a crash.
    let mut damaged: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    damaged[4] = "<html>502 Bad Gateway</html>".into();
    let last = damaged.len() - 1;
    damaged[last] = lines[last][..lines[last].len() / 2].to_string();
    // The same snapshot without those two lines.
    let mut without: Vec<&str> = lines.clone();
    without.remove(last);
    without.remove(4);

    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let damaged_path = dir.path().join("damaged.jsonl");
    std::fs::write(&damaged_path, damaged.join("\n")).unwrap();
    let without_path = dir.path().join("without.jsonl");
    std::fs::write(&without_path, without.join("\n")).unwrap();

    let output = common::citegraph()
        .current_dir(&a)
        .args(["analyze", "--offline", "--catalog"])
        .arg(common::catalog_dir())
        .arg("--snapshot")
        .arg(&damaged_path)
        .arg("--output-dir")
        .arg(&a)
        .arg("--cache-dir")
        .arg(a.join("cache"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("damaged.jsonl:5: not a paper record"),
        "{stderr}"
    );
    let cut = format!("damaged.jsonl:{}: not a paper record", last + 1);
    assert!(stderr.contains(&cut), "{stderr}");
    assert!(stderr.contains("2 lines skipped"), "{stderr}");

    // Everything else was read: the outputs are those of the snapshot without the two lines.
    analyze(&b, &without_path, &[]);
    for name in FILES {
        let x = std::fs::read(a.join(name)).unwrap();
        let y = std::fs::read(b.join(name)).unwrap();
        assert!(
            x == y,
            "{name} differs from the run without the damaged lines"
        );
    }
}

/// Every column of every CSV file `analyze` writes is named in the README, in backticks (alone
/// or in a backticked header like `a,b,count`): the brief's "README documents every output column".
#[test]
fn the_readme_names_every_csv_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    analyze_world(out, &[]);
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let named: BTreeSet<&str> = readme
        .split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| span.split([',', ' ', '\n']))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for folder in [out.to_path_buf(), out.join("tables")] {
        if let Ok(entries) = std::fs::read_dir(&folder) {
            files.extend(
                entries
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|x| x == "csv")),
            );
        }
    }
    assert!(files.len() >= 10, "{files:?}");
    let mut undocumented = Vec::new();
    for file in &files {
        for column in header(file) {
            if !named.contains(column.as_str()) {
                undocumented.push(format!("{}: {column}", file.display()));
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "not named in README.md: {undocumented:#?}"
    );
}
