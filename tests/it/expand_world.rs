//! `--expand N` against the mock serving the world: at most N more requests, one list each, only
//! for in-scope missing papers whose scope evidence is thin; the neighbourhood statistic they
//! get equals an independent count from the world's own lists; a rerun asks nothing and
//! `analyze` (cache only) scopes them alike; `--expand 0` leaves the statistic out.

use crate::common;
use crate::fetch_support;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::mock_s2::{Endpoint, MockBuilder};
use fetch_support::*;
use serde_json::Value;

type Row = HashMap<String, String>;

fn run(dir: &Path, url: &str, expand: &str) -> String {
    let out = citegraph_in(dir)
        .args([
            "run",
            "--api-url",
            url,
            "--rps",
            "1000",
            "--retry-delay",
            "0.01",
        ])
        .args([
            "--no-link-details",
            "--figures",
            "papers-per-year",
            "--format",
            "svg",
        ])
        .args(["--expand", expand])
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

/// The paper ids of a world list (items are objects with a `paperId`, which may be null).
fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["paperId"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn expansion_is_budgeted_cached_and_counts_the_neighbourhood() {
    let world = world_papers();
    let mock = MockBuilder::new(fetch_support::world()).start();
    let dir = tempfile::tempdir().unwrap();
    citegraph_fetch(dir.path(), &mock.url())
        .arg("--no-link-details")
        .assert()
        .success();
    mock.clear_log();

    // The records are cached: every request of this run is an expansion.
    let budget = 12;
    let stdout = run(dir.path(), &mock.url(), &budget.to_string());
    let asked = mock.log().len();
    assert!(
        asked > 0 && asked <= budget,
        "{asked} requests for --expand {budget}"
    );
    // The summary counts them.
    assert_eq!(requests_of(&stdout), asked, "{stdout}");
    assert_eq!(
        asked,
        mock.count(Endpoint::Citations) + mock.count(Endpoint::References)
    );
    let missing = common::csv_file_rows(&dir.path().join("output/missing.csv"));
    // Fetched from the API, the missing papers carry their venue and authors (their entries are
    // pasted into lists): every row whose world paper lists authors has them.
    for row in &missing {
        let listed = world[row["paper_id"].as_str()]["authors"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        assert_eq!(!row["authors"].is_empty(), listed, "{row:?}");
    }
    let expanded: Vec<&Row> = missing
        .iter()
        .filter(|r| !r["neighbourhood_links"].is_empty())
        .collect();
    assert_eq!(expanded.len(), asked, "one expanded row per list fetched");

    // The catalogue works (by any record) and the papers tied to them, from the world alone.
    let catalogue: HashSet<String> = common::csv_file_rows(&dir.path().join("output/papers.csv"))
        .iter()
        .filter(|r| r["in_catalog"] == "true")
        .flat_map(|r| {
            let mut ids = vec![r["paper_id"].clone()];
            ids.extend(
                r.get("s2_ids")
                    .map(|s| s.split(';').map(str::to_string).collect::<Vec<_>>())
                    .unwrap_or_default(),
            );
            ids
        })
        .filter(|id| !id.is_empty())
        .collect();
    // x is tied to the catalogue when it is a catalogue work, or cites or is cited by one (by
    // either paper's list in the world).
    let list =
        |id: &str, name: &str| -> Vec<String> { world.get(id).map_or(vec![], |p| ids(&p[name])) };
    let cites = |x: &str, c: &str| {
        list(x, "references").iter().any(|y| y == c) || list(c, "citations").iter().any(|y| y == x)
    };
    for row in &expanded {
        let id = row["paper_id"].as_str();
        let k: usize = row["neighbourhood_links"].parse().unwrap();
        let catalog_papers: usize = row["catalog_papers"].parse().unwrap();
        assert!(k >= catalog_papers, "{row:?}");
        // A foundation's citers tied by citing the catalogue; a candidate's references tied by
        // being cited by it.
        let foundation = row["kind"] == "foundation";
        let others = list(
            id,
            if foundation {
                "citations"
            } else {
                "references"
            },
        );
        let tied = |x: &str| {
            catalogue
                .iter()
                .any(|c| if foundation { cites(x, c) } else { cites(c, x) })
        };
        let independent = others
            .iter()
            .collect::<HashSet<_>>()
            .into_iter()
            .filter(|x| catalogue.contains(x.as_str()) || tied(x))
            .count();
        eprintln!(
            "{} {}: k_n {k} (catalogue {catalog_papers}), lift {} llr {} -> {}",
            row["kind"],
            row["title"],
            row["neighbourhood_lift"],
            row["neighbourhood_llr"],
            row["scope"]
        );
        assert_eq!(k, independent, "{}: {row:?}", row["title"]);
        // The scope follows the rule of README "Scope" with the default thresholds: below its
        // neighbourhood's rate (or its peers'), or cited broadly, and fewer than two field
        // signals (the neighbourhood's lift of 1 or more being one).
        let num = |name: &str| -> f64 { row[name].parse().unwrap() };
        let (lift, llr) = (num("neighbourhood_lift"), num("neighbourhood_llr"));
        let below =
            (lift < 0.25 && llr >= 10.83) || (num("peer_lift") < 0.25 && num("peer_llr") >= 10.83);
        let broad = catalog_papers >= 20
            && num("concentration") <= 0.1
            && num("field_lift") < 1.0
            && !(num("peer_lift") >= 1.0 && num("peer_llr") >= 10.83);
        let signals: usize = row["field_signals"].parse().unwrap();
        assert!(signals >= usize::from(lift >= 1.0), "{row:?}");
        let background = signals < 2 && (below || broad);
        assert_eq!(
            row["scope"] == "background",
            background,
            "{lift} {llr}: {row:?}"
        );
    }

    // A rerun asks nothing and gives the same table; `analyze` reads the cached lists.
    let before = std::fs::read(dir.path().join("output/missing.csv")).unwrap();
    mock.clear_log();
    run(dir.path(), &mock.url(), &budget.to_string());
    assert_eq!(mock.log().len(), 0, "a rerun asks nothing");
    assert_eq!(
        std::fs::read(dir.path().join("output/missing.csv")).unwrap(),
        before
    );
    citegraph_in(dir.path())
        .args(["analyze", "--expand", &budget.to_string()])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(dir.path().join("output/missing.csv")).unwrap(),
        before
    );

    // --expand 0: no statistic, no request.
    mock.clear_log();
    run(dir.path(), &mock.url(), "0");
    assert_eq!(mock.log().len(), 0);
    assert!(
        common::csv_file_rows(&dir.path().join("output/missing.csv"))
            .iter()
            .all(|r| r["neighbourhood_links"].is_empty())
    );

    // A world where an expanded foundation has five more citers, each also citing a catalogue
    // paper: papers of the field's neighbourhood that the graph cannot see without the
    // expansion. They raise k_n by five, and its lift with it. Five more citers can also make
    // its evidence plain (then it is no longer expanded, and must be in scope): the expanded
    // foundations are tried in rank order until one is still expanded.
    let mut checked = false;
    for first in expanded
        .iter()
        .filter(|r| r["kind"] == "foundation")
        .take(4)
    {
        let v = first["paper_id"].clone();
        // A catalogue paper of one record (the fetch asks for the catalogue-matched record).
        let c = common::csv_file_rows(&dir.path().join("output/papers.csv"))
            .iter()
            .filter(|r| {
                r["in_catalog"] == "true"
                    && r.get("s2_ids")
                        .is_none_or(|s| s.is_empty() || *s == r["paper_id"])
                    && world.contains_key(&r["paper_id"])
            })
            .map(|r| r["paper_id"].clone())
            .min()
            .unwrap();
        let (v2, c2) = (v.clone(), c.clone());
        let mock = MockBuilder::new(fetch_support::world())
            .edit(move |w| {
                for i in 0..5 {
                    let x = format!("{:040x}", 0xfeed_0000u64 + i);
                    w.insert(serde_json::json!({
                        "paperId": x, "title": format!("A neighbour of the field {i}"),
                        "year": 2025, "externalIds": {}, "authors": [],
                        "citationCount": 0, "referenceCount": 2,
                        "references": [{"paperId": v2}, {"paperId": c2}], "citations": [],
                    }));
                    for (id, count) in [(&v2, "citationCount"), (&c2, "citationCount")] {
                        let p = w.paper_mut(id).unwrap();
                        p["citations"]
                            .as_array_mut()
                            .unwrap()
                            .push(serde_json::json!({"paperId": x}));
                        let n = p[count].as_u64().unwrap_or(0);
                        p[count] = serde_json::json!(n + 1);
                    }
                }
            })
            .start();
        let dir = tempfile::tempdir().unwrap();
        // Room for every row to expand: the five new citers move the foundation in the ranking,
        // and the budget goes in rank order.
        run(dir.path(), &mock.url(), "1000");
        let moved = common::csv_file_rows(&dir.path().join("output/missing.csv"));
        let row = moved
            .iter()
            .find(|r| r["paper_id"] == v)
            .expect("still listed");
        if row["neighbourhood_links"].is_empty() {
            assert_eq!(row["scope"], "in-scope", "{row:?}");
            continue;
        }
        let k = |r: &Row| r["neighbourhood_links"].parse::<usize>().unwrap();
        let lift = |r: &Row| r["neighbourhood_lift"].parse::<f64>().unwrap();
        assert_eq!(k(row), k(first) + 5, "{row:?}");
        assert!(lift(row) > lift(first), "{row:?} vs {first:?}");
        assert_eq!(row["catalog_papers"], first["catalog_papers"]);
        checked = true;
        break;
    }
    assert!(
        checked,
        "no expanded foundation stayed expanded with five more citers"
    );
}
