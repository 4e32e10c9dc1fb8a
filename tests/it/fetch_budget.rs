//! Several `citegraph fetch` processes on one API key and one cache directory keep the key's
//! rate together (issue #22): each request takes its slot in a rate budget shared through
//! `cache/rate-budget/`. The mock logs every request's arrival; the checks are on those times.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::mock_s2::{Logged, MockBuilder, MockS2};
use crate::fetch_support::{files_under, truth, world, world_papers};
use crate::reliability_support::{contains, wait_for, wait_output};

const KEY: &str = "budget-sentinel-Key-7f3a91";
/// Fast enough for a test of seconds, slow enough that the pace, not the machine, sets the
/// times.
const RPS: f64 = 20.0;

/// A catalogue of the world's first `n` papers listed by arXiv id, as a Markdown list in
/// `dir`/list.md (their titles as the world has them, so each resolves by its id).
fn small_catalog(dir: &Path, n: usize) -> PathBuf {
    let truth = truth();
    let papers = world_papers();
    let mut text = String::new();
    let listed = truth["catalog_by_key"]
        .as_object()
        .expect("catalog_by_key")
        .iter()
        .filter_map(|(key, id)| Some((key.strip_prefix("arxiv:")?, id.as_str()?)))
        .take(n);
    for (arxiv, id) in listed {
        let paper = &papers[id];
        text.push_str(&format!(
            "- **{}**, arXiv {}.\n  [[Paper](https://arxiv.org/abs/{arxiv})]\n",
            paper["title"].as_str().expect("title"),
            paper["year"]
        ));
    }
    let path = dir.join("list.md");
    std::fs::write(&path, text).expect("write the catalogue");
    path
}

/// `citegraph fetch` of `catalog` against `mock`, with `cache` as its cache directory, an output
/// directory of its own beside the catalogue, stderr captured; `key` as `S2_API_KEY`.
fn spawn_fetch(
    catalog: &Path,
    cache: &Path,
    mock: &MockS2,
    key: Option<&str>,
    extra: &[&str],
) -> Child {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let output = catalog.with_file_name(format!("output-{}", RUNS.fetch_add(1, Ordering::Relaxed)));
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("citegraph"));
    command
        .arg("--catalog")
        .arg(catalog)
        .arg("--cache-dir")
        .arg(cache)
        .arg("--output-dir")
        .arg(&output)
        .args(["fetch", "--api-url", &mock.url(), "--retry-delay", "0.01"])
        .args(extra)
        .env_remove("S2_API_KEY")
        .env_remove("S2_API_URL")
        .env_remove("CITEGRAPH_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(key) = key {
        command.env("S2_API_KEY", key);
    }
    command.spawn().expect("spawn citegraph")
}

/// Waits for every child; each must succeed.
fn all_succeed(children: Vec<Child>) -> Vec<String> {
    children
        .into_iter()
        .map(|child| {
            let output = wait_output(child);
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert!(output.status.success(), "{stderr}");
            stderr
        })
        .collect()
}

/// The requests' arrival times, in order.
fn arrivals(log: &[Logged]) -> Vec<Instant> {
    let mut times: Vec<Instant> = log.iter().map(|l| l.at).collect();
    times.sort();
    times
}

/// The most requests that arrived within any `window` (each window starting at an arrival).
fn most_within(times: &[Instant], window: Duration) -> usize {
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| t.duration_since(times[i]) < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// How late a request may reach the mock after its slot (a process scheduled late on a loaded
/// machine sends late, bunching its request with the next ones).
const LATE: Duration = Duration::from_millis(500);

/// The most requests the budget lets arrive within a window of W seconds: `rps * W` plus one
/// (the burst), plus the slots of [`LATE`] seconds. Without the shared budget, three processes
/// make three times `rps * W`.
fn bound(window: Duration) -> usize {
    (RPS * (window + LATE).as_secs_f64()).floor() as usize + 1
}

/// Requests per second between the first request and the last.
fn pace(times: &[Instant]) -> f64 {
    let span = times[times.len() - 1]
        .duration_since(times[0])
        .as_secs_f64();
    (times.len() - 1) as f64 / span
}

#[test]
fn three_fetches_on_one_key_and_cache_keep_the_keys_rate_together() {
    let mock = MockBuilder::new(world()).require_key(KEY).start();
    let dir = tempfile::tempdir().unwrap();
    let catalog = small_catalog(dir.path(), 12);
    let cache = dir.path().join("cache");
    let rps = RPS.to_string();
    // --refresh: each asks for everything, whatever the others have cached meanwhile.
    let args = ["--rps", rps.as_str(), "--refresh"];
    let started = Instant::now();
    let children: Vec<Child> = (0..3)
        .map(|_| spawn_fetch(&catalog, &cache, &mock, Some(KEY), &args))
        .collect();
    all_succeed(children);
    let elapsed = started.elapsed();
    let log = mock.log();
    assert!(
        log.iter().all(|l| l.status == Some(200)),
        "{:?}",
        mock.counts()
    );
    let times = arrivals(&log);
    let n = times.len();
    assert!(n >= 60, "too few requests to tell a rate: {n}");
    let span = times[n - 1].duration_since(times[0]).as_secs_f64();
    eprintln!(
        "three processes: {n} requests in {span:.2} s ({:.1} per second; {elapsed:?} in all); \
         at most {} in a second, {} in two",
        pace(&times),
        most_within(&times, Duration::from_secs(1)),
        most_within(&times, Duration::from_secs(2)),
    );
    for window in [
        Duration::from_millis(500),
        Duration::from_secs(1),
        Duration::from_secs(2),
    ] {
        let most = most_within(&times, window);
        assert!(
            most <= bound(window),
            "{most} requests within {window:?}: over the shared rate of {RPS} per second"
        );
    }
    // Over the whole run, the three together take the time of one at its pace.
    assert!(
        span >= (n - 1) as f64 / RPS - LATE.as_secs_f64(),
        "{n} requests in {span:.2} s"
    );

    // One budget file, for this key, named by a hash of it; neither it nor any other file
    // holds the key.
    let budgets = files_under(&cache.join("rate-budget"));
    assert_eq!(budgets.len(), 1, "{budgets:?}");
    let name = budgets[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("key-") && name.ends_with(".json"),
        "{name}"
    );
    assert!(!name.contains(KEY) && !name.contains(&KEY[..12]));
    let bytes = std::fs::read(&budgets[0]).unwrap();
    assert!(!contains(&bytes, KEY) && !contains(&bytes, &KEY[..12]));
    let state: serde_json::Value = serde_json::from_slice(&bytes).expect("the budget is JSON");
    assert_eq!(state["rps"], RPS);
    assert!(state["theoretical_arrival_time"].as_f64().unwrap() > 1.7e9);
    for file in files_under(dir.path()) {
        assert!(
            !contains(&std::fs::read(&file).unwrap(), KEY),
            "{} holds the key",
            file.display()
        );
    }
}

#[test]
fn fetches_on_separate_caches_are_not_bound_together() {
    // The control of the test above: the same three processes, each on a cache directory of
    // its own, each keeps the rate alone, so together they go faster than one; the bound above
    // would catch them.
    let mock = MockBuilder::new(world()).require_key(KEY).start();
    let dir = tempfile::tempdir().unwrap();
    let catalog = small_catalog(dir.path(), 12);
    let rps = RPS.to_string();
    let children: Vec<Child> = (0..3)
        .map(|i| {
            let cache = dir.path().join(format!("cache-{i}"));
            spawn_fetch(&catalog, &cache, &mock, Some(KEY), &["--rps", rps.as_str()])
        })
        .collect();
    all_succeed(children);
    let times = arrivals(&mock.log());
    let most = most_within(&times, Duration::from_secs(1));
    eprintln!(
        "three caches: {} requests, at most {most} in a second",
        times.len()
    );
    assert!(most > bound(Duration::from_secs(1)), "{most}");
}

#[test]
fn the_default_pace_is_a_keys_limit_with_a_key_and_slower_without() {
    // One paper, lists nested in batch answers: two requests, one pace apart.
    let dir = tempfile::tempdir().unwrap();
    let catalog = small_catalog(dir.path(), 1);
    let keyed_mock = MockBuilder::new(world()).require_key(KEY).start();
    let anonymous_mock = MockBuilder::new(world()).start();
    let keyed = spawn_fetch(
        &catalog,
        &dir.path().join("keyed"),
        &keyed_mock,
        Some(KEY),
        &["--no-link-details"],
    );
    let anonymous = spawn_fetch(
        &catalog,
        &dir.path().join("anonymous"),
        &anonymous_mock,
        None,
        &["--no-link-details"],
    );
    all_succeed(vec![keyed, anonymous]);
    let gaps = |mock: &MockS2| -> Vec<f64> {
        let times = arrivals(&mock.log());
        assert!(times.len() >= 2, "{:?}", mock.counts());
        times
            .windows(2)
            .map(|w| w[1].duration_since(w[0]).as_secs_f64())
            .collect()
    };
    let (keyed_gaps, anonymous_gaps) = (gaps(&keyed_mock), gaps(&anonymous_mock));
    eprintln!("gaps with a key {keyed_gaps:?}, without {anonymous_gaps:?}");
    let late = LATE.as_secs_f64();
    // With a key: 1 per second (not slower: the anonymous pace would be 3 s).
    assert!(
        keyed_gaps
            .iter()
            .all(|g| (1.0 - late..=1.0 + late).contains(g)),
        "{keyed_gaps:?}"
    );
    // Without: one request every 3 seconds, and no key sent.
    assert!(
        anonymous_gaps.iter().all(|g| *g >= 3.0 - late),
        "{anonymous_gaps:?}"
    );
    assert!(anonymous_mock
        .log()
        .iter()
        .all(|l| l.header("x-api-key").is_none()));
    assert!(dir
        .path()
        .join("anonymous/rate-budget/anonymous.json")
        .is_file());
    assert_eq!(
        files_under(&dir.path().join("keyed/rate-budget")).len(),
        1,
        "one file, for the key"
    );
}

#[test]
fn a_fetch_killed_mid_run_never_blocks_the_next() {
    let mock = MockBuilder::new(world()).require_key(KEY).start();
    let dir = tempfile::tempdir().unwrap();
    let catalog = small_catalog(dir.path(), 8);
    let cache = dir.path().join("cache");
    let rps = RPS.to_string();
    let args = ["--rps", rps.as_str(), "--refresh"];
    let mut first = spawn_fetch(&catalog, &cache, &mock, Some(KEY), &args);
    assert!(
        wait_for(&mut first, &mock, || mock.requests() >= 5),
        "the first fetch ended early"
    );
    first.kill().unwrap();
    first.wait().unwrap();
    mock.clear_log();
    let started = Instant::now();
    all_succeed(vec![spawn_fetch(&catalog, &cache, &mock, Some(KEY), &args)]);
    let log = mock.log();
    let first_request = log.iter().map(|l| l.at).min().expect("requests");
    // The first request waits for at most the killed run's last slot (a period or two), never
    // for a lock the dead process held.
    assert!(
        first_request.duration_since(started) < Duration::from_secs(3),
        "{:?}",
        first_request.duration_since(started)
    );
    // Alone, a process keeps its pace: the file costs it nothing it would notice (the floor is
    // lenient for a loaded machine; the pace itself is tested above).
    let times = arrivals(&log);
    eprintln!(
        "alone: {} requests at {:.1} per second",
        times.len(),
        pace(&times)
    );
    assert!(most_within(&times, Duration::from_secs(1)) <= bound(Duration::from_secs(1)));
    assert!(pace(&times) >= RPS * 0.5, "{:.1} per second", pace(&times));
}

#[test]
fn a_corrupt_budget_file_is_reset_with_a_warning() {
    let mock = MockBuilder::new(world()).start();
    let dir = tempfile::tempdir().unwrap();
    let catalog = small_catalog(dir.path(), 2);
    let cache = dir.path().join("cache");
    let budget = cache.join("rate-budget/anonymous.json");
    std::fs::create_dir_all(budget.parent().unwrap()).unwrap();
    std::fs::write(&budget, "{\"theoretical_arrival_time\": tr").unwrap();
    let rps = RPS.to_string();
    let stderr = all_succeed(vec![spawn_fetch(
        &catalog,
        &cache,
        &mock,
        None,
        &["--rps", rps.as_str(), "--no-link-details"],
    )]);
    assert!(
        stderr[0].contains("rate budget") && stderr[0].contains("afresh"),
        "{}",
        stderr[0]
    );
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&budget).unwrap()).expect("rewritten whole");
    assert_eq!(state["rps"], RPS);
}
