//! Helpers of the reliability tests (tests/reliability_*.rs, issue #7): the snapshot of a clean
//! run to compare against, child processes of the real binary that can be killed, and checks
//! of the cache's files. Each test file includes this with `mod reliability_support;` after
//! `mod common;` and `mod fetch_support;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common;
use crate::common::mock_s2::{MockBuilder, MockS2};
use crate::fetch_support::{citegraph_fetch, export, files_under, world};

/// How long a test waits for something that takes a second or two when all is well: generous,
/// so that a loaded machine never makes a test fail, yet a hang still ends.
pub const PATIENCE: Duration = Duration::from_secs(180);

/// The snapshot of a clean fetch of the real catalogue from the world, and the requests that
/// fetch made. Computed once per test binary, and kept under cargo's temp directory for the
/// other reliability binaries, keyed by everything that makes it: the binary, the world, the
/// catalogue, the mock's and the helpers' code.
pub fn clean() -> &'static (String, usize) {
    static CLEAN: OnceLock<(String, usize)> = OnceLock::new();
    CLEAN.get_or_init(|| {
        let kept = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("reliability-clean-{:016x}.json", clean_key()));
        if let Some(clean) = std::fs::read(&kept)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<(String, usize)>(&bytes).ok())
        {
            return clean;
        }
        let mock = MockBuilder::new(world()).start();
        let dir = tempfile::tempdir().expect("tempdir");
        citegraph_fetch(dir.path(), &mock.url())
            .timeout(PATIENCE)
            .assert()
            .success();
        let clean = (export(dir.path()), mock.requests());
        // Older ones (of a previous build) are of no more use. A failure to keep this one only
        // costs the next binary a fetch.
        let tmp = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR"));
        for old in tmp.into_iter().flatten().flatten() {
            if old
                .file_name()
                .to_string_lossy()
                .starts_with("reliability-clean-")
            {
                let _ = std::fs::remove_file(old.path());
            }
        }
        let _ =
            citegraph::fsutil::write_atomic(&kept, &serde_json::to_vec(&clean).expect("encode"));
        clean
    })
}

/// A hash of what a clean run depends on (sizes and times of the files, the code as compiled).
fn clean_key() -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    include_str!("../common/mock_s2.rs").hash(&mut hasher);
    include_str!("../fetch_support/mod.rs").hash(&mut hasher);
    let mut files = vec![
        assert_cmd::cargo::cargo_bin("citegraph"),
        common::world_jsonl(),
    ];
    files.extend(files_under(&common::catalog_dir()));
    for file in files {
        file.hash(&mut hasher);
        if let Ok(meta) = std::fs::metadata(&file) {
            meta.len().hash(&mut hasher);
            meta.modified().ok().hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// Asserts that `dir`'s snapshot is the clean run's, line for line (a diff of the first
/// differing paper rather than two 10 MB strings).
pub fn assert_clean_snapshot(dir: &Path) {
    let got = export(dir);
    let want = &clean().0;
    if got != *want {
        let (got_lines, want_lines): (Vec<&str>, Vec<&str>) =
            (got.lines().collect(), want.lines().collect());
        let first = got_lines
            .iter()
            .zip(&want_lines)
            .position(|(a, b)| a != b)
            .unwrap_or(got_lines.len().min(want_lines.len()));
        let clip = |s: Option<&&str>| s.map(|s| s.chars().take(600).collect::<String>());
        panic!(
            "the snapshot differs from a clean run's: {} lines vs {}; first difference at line {}:\n got: {:?}\nwant: {:?}",
            got_lines.len(),
            want_lines.len(),
            first + 1,
            clip(got_lines.get(first)),
            clip(want_lines.get(first)),
        );
    }
}

/// `citegraph ARGS` on the real catalogue into `dir` (cache/ and output/) as a child process (to
/// kill, or to run beside another), with `key` as `S2_API_KEY`, output discarded or captured.
pub fn spawn_citegraph(dir: &Path, args: &[&str], key: Option<&str>, capture: bool) -> Child {
    let io = || {
        if capture {
            Stdio::piped()
        } else {
            Stdio::null()
        }
    };
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("citegraph"));
    command
        .arg("--catalog")
        .arg(common::catalog_dir())
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .arg("--output-dir")
        .arg(dir.join("output"))
        .args(args)
        .env_remove("S2_API_KEY")
        .env_remove("S2_API_URL")
        .env_remove("CITEGRAPH_LOG")
        .stdin(Stdio::null())
        .stdout(io())
        .stderr(io());
    if let Some(key) = key {
        command.env("S2_API_KEY", key);
    }
    command.spawn().expect("spawn citegraph")
}

/// `citegraph fetch` from `url` as a child process, fast settings (`extra` may set another
/// --retry-delay).
pub fn spawn_fetch(dir: &Path, url: &str, extra: &[&str], capture: bool) -> Child {
    let mut args = vec!["fetch", "--api-url", url, "--rps", "1000"];
    if !extra.contains(&"--retry-delay") {
        args.extend(["--retry-delay", "0.01"]);
    }
    args.extend(extra);
    spawn_citegraph(dir, &args, None, capture)
}

/// The world served with a little latency (so that a run is still going when its server dies),
/// a child started against it by `start` (given the URL), and the server stopped once it has
/// received `after` requests. The server can [`MockS2::resume`].
pub fn server_dies_during(after: usize, start: impl FnOnce(&str) -> Child) -> (MockS2, Child) {
    let mut mock = MockBuilder::new(world())
        .delay(Duration::from_millis(3))
        .start();
    let mut child = start(&mock.url());
    assert!(
        wait_for(&mut child, &mock, || mock.requests() >= after),
        "the run ended before the server died"
    );
    mock.stop();
    (mock, child)
}

/// A fetch of the world (stderr captured) from a mock that answers in 8 ms, into a new
/// directory, caught while it runs: once the mock has had `requests` requests. The mock, the
/// directory and the running child, for a test that interrupts it.
pub fn fetch_under_way(requests: usize) -> (MockS2, tempfile::TempDir, Child) {
    let mock = MockBuilder::new(world())
        .delay(Duration::from_millis(8))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_fetch(dir.path(), &mock.url(), &[], true);
    assert!(
        wait_for(&mut child, &mock, || mock.requests() >= requests),
        "the fetch ended before the interrupt"
    );
    (mock, dir, child)
}

/// Waits until `ready` holds, polling; `Err` with what was seen when the child ended first.
/// Panics past [`PATIENCE`] (a hang, not a slow machine).
pub fn wait_for(child: &mut Child, mock: &MockS2, mut ready: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if ready() {
            return true;
        }
        if child.try_wait().expect("try_wait").is_some() {
            return false;
        }
        assert!(
            Instant::now() < deadline,
            "the fetch made no progress: {:?}",
            mock.counts()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Waits for a child with a deadline; kills it and panics past [`PATIENCE`].
pub fn wait_output(mut child: Child) -> std::process::Output {
    let deadline = Instant::now() + PATIENCE;
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("a citegraph process hung past {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

/// Whether a file is a temp file of [`citegraph::fsutil::write_atomic`] (not an entry).
pub fn is_temp(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(".tmp-"))
}

/// The cache's entry files (temp files left by a kill are not entries, nor is the shared rate
/// budget in `cache/rate-budget/`), each checked whole: it parses as a cache entry of this schema
/// whose request hashes to its name.
pub fn whole_cache_entries(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let cache = citegraph::cache::Cache::new(dir.join("cache"));
    let budget = dir.join("cache/rate-budget");
    files_under(&dir.join("cache"))
        .into_iter()
        .filter(|f| !is_temp(f) && !f.starts_with(&budget))
        .map(|file| {
            let entry = citegraph::cache::Cache::read_file::<serde_json::Value>(&file)
                .unwrap_or_else(|e| panic!("a partial or broken cache file: {e}"));
            let namespace = file
                .parent()
                .and_then(Path::parent)
                .and_then(|p| p.strip_prefix(cache.root()).ok())
                .map(|p| p.to_string_lossy().into_owned())
                .expect("ROOT/NAMESPACE/xx/HASH.json");
            assert_eq!(
                cache.path_for(&namespace, &entry.request),
                file,
                "a cache file under another request's name"
            );
            let bytes = std::fs::read(&file).expect("read a cache file");
            (file, bytes)
        })
        .collect()
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// A small deterministic generator (xorshift64*), so that "random" moments and faults are the
/// same on every run of a test.
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Seeded {
        Seeded(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}
