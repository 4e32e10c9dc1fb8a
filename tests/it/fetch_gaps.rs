//! One bad record or list never stops a run (issue 22): a batch id that fails every try is split
//! out and asked alone (then by title), a list whose pages always fail leaves its paper in the graph
//! reported incomplete, a later run fills what the first missed, `--offline` keeps a cached paper
//! short of a list, and a run with gaps says so and exits 3. Against the mock Semantic Scholar,
//! on a world of nine papers built here, so each run takes a fraction of a second.

use std::path::Path;
use std::process::Output;

use citegraph::catalog::{Catalog, CatalogPaper, ExternalIds, Listing};
use citegraph::records::{Corpus, Gap, ResolveMethod};
use citegraph::s2::{Environment, FetchOptions, RecordSource};
use serde_json::{json, Value};

use crate::common::mock_s2::{Endpoint, Fault, MockBuilder, MockS2, Target, World};

/// Catalogue papers (with their arXiv ids) and the foundations they cite.
const CATALOGUE: usize = 6;
const FOUNDATIONS: usize = 3;
const RETRIES: u32 = 2;

fn paper_id(n: usize) -> String {
    format!("{:040x}", 0xa000 + n)
}

fn arxiv(n: usize) -> String {
    format!("2201.{:05}", n + 1)
}

fn title(n: usize) -> String {
    const WORDS: [&str; 9] = [
        "Adaptive",
        "Bilinear",
        "Cascaded",
        "Dynamic",
        "Elastic",
        "Frugal",
        "Gated",
        "Hashed",
        "Iterative",
    ];
    if n < CATALOGUE {
        format!("{} token pruning for vision transformers", WORDS[n])
    } else {
        format!("{} attention foundations", WORDS[n])
    }
}

/// Paper n cites foundation n % 3 and, past the first, catalogue paper n - 1; the foundations
/// cite nothing. Citation lists and counts follow the references.
fn world() -> World {
    let total = CATALOGUE + FOUNDATIONS;
    let references: Vec<Vec<usize>> = (0..total)
        .map(|n| match n {
            0 => vec![CATALOGUE],
            n if n < CATALOGUE => vec![CATALOGUE + n % FOUNDATIONS, n - 1],
            _ => Vec::new(),
        })
        .collect();
    let link = |n: usize| json!({"paperId": paper_id(n), "isInfluential": false, "contexts": [], "intents": ["background"]});
    let mut world = World::default();
    for n in 0..total {
        let citers: Vec<Value> = (0..total)
            .filter(|m| references[*m].contains(&n))
            .map(link)
            .collect();
        let mut ids = json!({"CorpusId": 7000 + n});
        if n < CATALOGUE {
            ids["ArXiv"] = json!(arxiv(n));
        }
        world.insert(json!({
            "paperId": paper_id(n),
            "externalIds": ids,
            "title": title(n),
            "year": 2020 + (n % 4) as i64,
            "venue": "",
            "publicationDate": format!("{}-03-01", 2020 + n % 4),
            "citationCount": citers.len(),
            "influentialCitationCount": 0,
            "authors": [{"authorId": format!("{}", 100 + n), "name": format!("Author {n}")}],
            "references": references[n].iter().map(|m| link(*m)).collect::<Vec<_>>(),
            "referenceCount": references[n].len(),
            "citations": citers,
        }));
    }
    world
}

/// The list: the six catalogue papers, and one Semantic Scholar does not know (not a gap).
fn list_markdown() -> String {
    let entry = |n: usize, title: &str, link: &str| {
        format!("- **[{n}] {title}**, CVPR 2022  \n  *Doe, Jane*  \n  [[Paper]({link})] ![Token_Pruning](https://img.shields.io/badge/Token_Pruning-orange)  \n\n")
    };
    let mut text = String::from("# Test list\n\n## 2022\n\n");
    for n in 0..CATALOGUE {
        text.push_str(&entry(
            n + 1,
            &title(n),
            &format!("https://arxiv.org/abs/{}", arxiv(n)),
        ));
    }
    text.push_str(&entry(
        CATALOGUE + 1,
        "Quixotic zebra lemmas nobody indexed",
        "https://example.org/unknown.pdf",
    ));
    text
}

/// `citegraph ARGS` in `dir` (list.md, cache/, output/) against `mock`, fast retries.
fn run(dir: &Path, mock: &MockS2, args: &[&str]) -> Output {
    let mut cmd = local(dir, args);
    cmd.args([
        "--api-url",
        &mock.url(),
        "--rps",
        "1000",
        "--retry-delay",
        "0.01",
    ])
    .args(["--max-retries", &RETRIES.to_string()]);
    cmd.output().unwrap()
}

/// `citegraph ARGS` in `dir`, no API option (`analyze`).
fn local(dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = crate::common::citegraph();
    cmd.arg("--catalog")
        .arg(dir.join("list.md"))
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .arg("--output-dir")
        .arg(dir.join("output"))
        .args(args);
    cmd
}

fn run_args() -> Vec<&'static str> {
    vec!["run", "--figures", "papers-per-year", "--format", "svg"]
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// unresolved.csv's rows as (key, reason, status).
fn unresolved(dir: &Path) -> Vec<(String, String, String)> {
    let mut reader = csv::Reader::from_path(dir.join("output/unresolved.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "key",
            "title",
            "year",
            "ids",
            "listed_at",
            "reason",
            "status"
        ]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[5].to_string(), r[6].to_string())
        })
        .collect()
}

/// The Semantic Scholar ids of papers.csv.
fn graph_papers(dir: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(dir.join("output/papers.csv")).unwrap();
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "paper_id")
        .expect("papers.csv has paper_id");
    reader
        .records()
        .map(|r| r.unwrap()[column].to_string())
        .collect()
}

/// Requests to one paper's list.
fn list_requests(mock: &MockS2, endpoint: Endpoint, n: usize) -> usize {
    mock.log()
        .iter()
        .filter(|l| l.endpoint == endpoint && l.target.contains(&paper_id(n)))
        .count()
}

#[test]
fn a_bad_batch_id_and_a_broken_list_cost_the_run_nothing_but_a_gap_then_a_rerun_fills_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("list.md"), list_markdown()).unwrap();
    // Paper 1's ids break every batch that holds them; paper 2's citations never come.
    let mock = MockBuilder::new(world())
        .batch_fails_for(&paper_id(1))
        .list_fails_for(Endpoint::Citations, &paper_id(2))
        .start();
    let first = run(dir.path(), &mock, &run_args());
    let stderr = text(&first.stderr);
    assert_eq!(first.status.code(), Some(3), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("warning: gaps: 1 of 7 catalogue papers have gaps a rerun could fill (1 citations incomplete)")
            && stderr.contains("exit status 3"),
        "{stderr}"
    );
    assert!(text(&first.stdout).contains("gaps: 1 of 7"));

    // Paper 1 was asked alone and resolved by its id; the split cost what client.rs says: the
    // failed call (1 + retries), then at most 3 requests per halving, and one GET.
    assert_eq!(mock.count(Endpoint::Paper), 1, "{:?}", mock.counts());
    let halvings = CATALOGUE.next_power_of_two().trailing_zeros() as usize;
    assert!(
        mock.count(Endpoint::Batch) <= 1 + RETRIES as usize + 3 * halvings,
        "{:?}",
        mock.counts()
    );
    // Paper 2's citations: asked as long as the retries allow, then left out.
    assert_eq!(
        list_requests(&mock, Endpoint::Citations, 2),
        1 + RETRIES as usize
    );

    // Every catalogue paper the API knows is in the graph, paper 2 included.
    let mut in_graph = graph_papers(dir.path());
    in_graph.retain(|id| (0..CATALOGUE).any(|n| paper_id(n) == *id));
    assert_eq!(in_graph.len(), CATALOGUE, "{in_graph:?}");
    let rows = unresolved(dir.path());
    assert_eq!(rows.len(), 2, "{rows:?}");
    let broken = rows
        .iter()
        .find(|r| r.0 == format!("arxiv:{}", arxiv(2)))
        .expect("paper 2 is listed");
    assert_eq!(broken.2, "citations incomplete");
    assert!(
        broken.1.contains("citations incomplete")
            && broken.1.contains("/citations")
            && broken.1.contains("HTTP 500"),
        "{broken:?}"
    );
    let unknown = rows.iter().find(|r| r.0 != broken.0).unwrap();
    assert_eq!(unknown.2, "unresolved", "an unknown paper is not a gap");
    let report = std::fs::read_to_string(dir.path().join("output/report.html")).unwrap();
    assert!(report.contains("This run has gaps"), "the report says so");
    assert!(report.contains("citations incomplete"));

    // Offline, before the API heals: paper 2 stays, analysed with its cached references.
    let offline = run(
        dir.path(),
        &mock,
        &["--offline", "run", "--figures", "papers-per-year"],
    );
    assert_eq!(offline.status.code(), Some(3), "{}", text(&offline.stderr));
    assert!(graph_papers(dir.path()).contains(&paper_id(2)));
    let rows = unresolved(dir.path());
    let broken = rows.iter().find(|r| r.2 != "unresolved").unwrap();
    assert_eq!(broken.2, "citations incomplete");
    assert!(broken.1.contains("not in the cache"), "{broken:?}");
    // `analyze` reads the same cache and says the same.
    let analyze = local(dir.path(), &["analyze"]).output().unwrap();
    assert_eq!(analyze.status.code(), Some(3), "{}", text(&analyze.stderr));

    // The API heals: the rerun asks again only what the first run missed.
    let healed = MockBuilder::new(world()).start();
    let again = run(dir.path(), &healed, &run_args());
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(!text(&again.stderr).contains("gaps"));
    assert_eq!(list_requests(&healed, Endpoint::Citations, 2), 1);
    for endpoint in [Endpoint::References, Endpoint::Citations] {
        for n in (0..CATALOGUE).filter(|n| *n != 2) {
            assert_eq!(
                list_requests(&healed, endpoint, n),
                0,
                "paper {n} was cached"
            );
        }
    }
    let rows = unresolved(dir.path());
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].2, "unresolved");
    let report = std::fs::read_to_string(dir.path().join("output/report.html")).unwrap();
    assert!(!report.contains("This run has gaps"));
}

fn catalog() -> Catalog {
    let mut papers: Vec<CatalogPaper> = (0..CATALOGUE)
        .map(|n| CatalogPaper {
            key: format!("arxiv:{}", arxiv(n)),
            title: title(n),
            year: Some(2020 + (n % 4) as i32),
            ids: ExternalIds {
                arxiv: Some(arxiv(n)),
                ..ExternalIds::default()
            },
            listings: vec![Listing {
                file: "list.md".into(),
                line: n + 1,
                ..Listing::default()
            }],
            ..CatalogPaper::default()
        })
        .collect();
    // Paper 3 is listed under a title Semantic Scholar does not know: its id alone finds it.
    papers[3].title = "Quixotic zebra lemmas nobody indexed".into();
    Catalog {
        papers,
        ..Catalog::default()
    }
}

fn fetch(mock: &MockS2, dir: &Path) -> Corpus {
    let options = FetchOptions {
        api_url: mock.url(),
        rps: Some(1000.0),
        max_retries: RETRIES,
        retry_delay: 0.01,
        link_details: false,
        ..FetchOptions::default()
    };
    let env = Environment {
        cache_dir: dir.join("cache"),
        offline: false,
    };
    citegraph::s2::fetch(&catalog(), &options, &RecordSource::Api, &env).unwrap()
}

#[test]
fn ids_that_fail_alone_too_fall_back_to_the_title_or_are_reported_and_asked_again() {
    let clean_dir = tempfile::tempdir().unwrap();
    let clean = fetch(&MockBuilder::new(world()).start(), clean_dir.path());
    assert!(clean.resolutions.iter().all(|r| r.gap.is_none()));

    // Papers 1 and 3 break every batch; nothing answers `GET /paper/{id}`.
    let dir = tempfile::tempdir().unwrap();
    let mock = MockBuilder::new(world())
        .batch_fails_for(&paper_id(1))
        .batch_fails_for(&paper_id(3))
        .fault(Target::Only(Endpoint::Paper), Fault::Status(500), 1_000)
        .start();
    let corpus = fetch(&mock, dir.path());
    let by_key = |n: usize| {
        corpus
            .resolutions
            .iter()
            .find(|r| r.key == format!("arxiv:{}", arxiv(n)))
            .unwrap()
    };
    // Paper 1: by its title instead, and its record batch failing, kept with its record alone.
    let one = by_key(1);
    assert_eq!(one.method, Some(ResolveMethod::Title));
    assert_eq!(one.paper_id.as_deref(), Some(paper_id(1).as_str()));
    assert_eq!(one.gap, Gap::Lists);
    let note = one.note.as_deref().unwrap();
    assert!(
        note.contains(&format!("the lookup of ARXIV:{} failed", arxiv(1))),
        "{note}"
    );
    assert!(note.contains("references incomplete") && note.contains("citations incomplete"));
    let record = corpus
        .records
        .iter()
        .find(|r| r.paper_id == paper_id(1))
        .unwrap();
    assert_eq!(record.title.as_deref(), Some(title(1).as_str()));
    assert!(record.references.is_none() && record.citations.is_none());
    // Paper 3: its title finds nothing, so it is unresolved, and that is a gap (a rerun may
    // resolve it by its id).
    let three = by_key(3);
    assert_eq!(three.paper_id, None);
    assert_eq!(three.gap, Gap::RequestFailed);
    assert!(
        three.note.as_deref().unwrap().contains("HTTP 500"),
        "{three:?}"
    );
    // The others are whole, as in a clean run.
    for n in [0, 2, 4, 5] {
        assert_eq!(
            by_key(n),
            clean
                .resolutions
                .iter()
                .find(|r| r.key == by_key(n).key)
                .unwrap()
        );
        let record = |c: &Corpus| {
            c.records
                .iter()
                .find(|r| r.paper_id == paper_id(n))
                .cloned()
        };
        assert_eq!(record(&corpus), record(&clean), "paper {n}");
    }

    // The API heals: the rerun asks only the failed lookup and the incomplete record, and ends
    // with the clean run's corpus.
    let healed = MockBuilder::new(world()).start();
    let again = fetch(&healed, dir.path());
    assert_eq!(again.resolutions, clean.resolutions);
    assert_eq!(again.records, clean.records);
    // Paper 3's id, then paper 3's and paper 1's records.
    assert_eq!(healed.count(Endpoint::Batch), 2, "{:?}", healed.counts());
    assert_eq!(healed.requests(), 2, "{:?}", healed.counts());
}

#[test]
fn lists_failing_for_paper_after_paper_stop_the_run_and_keep_the_outputs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("list.md"), list_markdown()).unwrap();
    let healthy = MockBuilder::new(world()).start();
    let first = run(dir.path(), &healthy, &run_args());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let before = std::fs::read(dir.path().join("output/metrics.json")).unwrap();

    // Every list of every paper now fails: an outage, not bad records.
    std::fs::remove_dir_all(dir.path().join("cache")).unwrap();
    let down = MockBuilder::new(world())
        .fault(
            Target::Only(Endpoint::References),
            Fault::Status(502),
            10_000,
        )
        .fault(
            Target::Only(Endpoint::Citations),
            Fault::Status(502),
            10_000,
        )
        .start();
    let failed = run(dir.path(), &down, &run_args());
    let stderr = text(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("papers in a row could not be fetched"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("output/metrics.json")).unwrap(),
        before,
        "the previous outputs stay"
    );
}

/// The weekly workflow's `citegraph run` step, run by bash with a stand-in `citegraph` that exits
/// with each status: 0 and 3 pass (3 with a warning annotation), 1 fails the step.
#[test]
fn the_weekly_workflow_takes_status_3_as_done_with_a_warning() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/github-actions/citegraph-weekly.yml");
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let script = yaml["jobs"]["watch"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.trim_start().starts_with("citegraph run"))
        .unwrap()
        .to_string();
    let bin = tempfile::tempdir().unwrap();
    for (status, passes) in [(0, true), (3, true), (1, false), (2, false)] {
        let fake = bin.path().join("citegraph");
        std::fs::write(&fake, format!("#!/bin/sh\nexit {status}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // As GitHub runs a `run:` step: bash -e -o pipefail.
        let out = std::process::Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.path().display(),
                    std::env::var("PATH").unwrap()
                ),
            )
            .output()
            .unwrap();
        assert_eq!(out.status.success(), passes, "status {status}: {out:?}");
        let said = text(&out.stdout);
        assert_eq!(
            said.contains("::warning"),
            status == 3,
            "status {status}: {said}"
        );
    }
}

/// `run --update` with one cached paper's id failing every batch and alone (and its lists too):
/// the update goes on, the paper keeps its cached record and lists, the others are brought up
/// to date, and the run completes (0 or 3, never 1).
#[test]
fn an_update_with_a_bad_id_keeps_its_cached_record_and_finishes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("list.md"), list_markdown()).unwrap();
    let healthy = MockBuilder::new(world()).start();
    let first = run(dir.path(), &healthy, &run_args());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let before = graph_papers(dir.path());

    let poisoned = MockBuilder::new(world())
        .batch_fails_for(&paper_id(4))
        .list_fails_for(Endpoint::References, &paper_id(4))
        .list_fails_for(Endpoint::Citations, &paper_id(4))
        // Alone, `GET /paper/{id}`, it fails too (else the split's lone GET would bring it).
        .fault(Target::Only(Endpoint::Paper), Fault::Status(500), 100)
        .start();
    let mut args = run_args();
    args.push("--update");
    let update = run(dir.path(), &poisoned, &args);
    let stderr = text(&update.stderr);
    assert!(
        matches!(update.status.code(), Some(0) | Some(3)),
        "exit {:?}: {stderr}",
        update.status.code()
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&paper_id(4)),
        "the kept record is named: {stderr}"
    );
    // Every paper of the first run is still in the graph, the bad one included.
    let after = graph_papers(dir.path());
    for id in &before {
        assert!(after.contains(id), "{id} was dropped by the update");
    }
    assert!(after.contains(&paper_id(4)));
    // The batch was split down to the bad id, which was then asked alone.
    assert!(poisoned.count(Endpoint::Batch) >= 2);
    assert!(poisoned.count(Endpoint::Paper) >= 1);
}
