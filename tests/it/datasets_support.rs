//! What the `datasets_*` tests share: small hand-made S2AG-shaped records (both corpus-id forms,
//! null cited ids, old and new `intents` shapes), the command line against the mock, and
//! reading shards back.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common;
use common::mock_datasets::{gzip_lines, File};

/// The key the mock requires, chosen so that it cannot appear in any output by chance.
pub const KEY: &str = "k3y-Secret-7f9Q2zX";

/// A `papers` line.
pub fn paper(corpusid: u64, title: &str) -> String {
    json!({
        "corpusid": corpusid,
        "externalids": {"ACL": null, "DBLP": null, "ArXiv": null, "MAG": null,
                        "CorpusId": corpusid.to_string(), "PubMed": null, "DOI": null,
                        "PubMedCentral": null},
        "url": format!("https://www.semanticscholar.org/paper/{:040x}", corpusid),
        "title": title, "authors": [], "venue": "", "publicationvenueid": null,
        "year": 2020, "referencecount": 0, "citationcount": 0, "influentialcitationcount": 0,
        "isopenaccess": false, "s2fieldsofstudy": null, "publicationtypes": null,
        "publicationdate": null, "journal": null
    })
    .to_string()
}

/// A `citations` line: the ids as strings when `strings` (2023 files), else integers (2024
/// files, with `citationid` and list-of-lists intents).
pub fn citation(id: Option<u64>, citing: u64, cited: Option<u64>, strings: bool) -> String {
    let corpus = |n: u64| {
        if strings {
            json!(n.to_string())
        } else {
            json!(n)
        }
    };
    let mut line = json!({
        "citingcorpusid": corpus(citing),
        "citedcorpusid": cited.map(corpus).unwrap_or(Value::Null),
        "isinfluential": false,
        "contexts": ["as shown by"],
        "intents": if id.is_some() { json!([["methodology"]]) } else { json!(["background"]) },
    });
    if let Some(id) = id {
        line["citationid"] = json!(id);
    }
    line.to_string()
}

/// `count` papers from `first`, split into `shards` gzip files named like the real ones.
pub fn paper_shards(first: u64, count: u64, shards: usize, tag: &str) -> Vec<File> {
    let lines: Vec<String> = (first..first + count)
        .map(|n| {
            paper(
                n,
                &format!("Paper {n} of {tag}: on the attention of transformers"),
            )
        })
        .collect();
    split(&lines, shards, tag)
}

/// `lines` split into `shards` gzip files.
pub fn split(lines: &[String], shards: usize, tag: &str) -> Vec<File> {
    let per = lines.len().div_ceil(shards.max(1)).max(1);
    lines
        .chunks(per)
        .enumerate()
        .map(|(i, chunk)| {
            (
                format!("20260710_071652_{i:05}_{tag}_007b2c4d.gz"),
                gzip_lines(chunk),
            )
        })
        .collect()
}

/// `citegraph` with the datasets variables cleared and the key set.
pub fn citegraph(key: Option<&str>) -> assert_cmd::Command {
    let mut cmd = common::citegraph();
    cmd.env_remove("S2_DATASETS_URL");
    if let Some(key) = key {
        cmd.env("S2_API_KEY", key);
    }
    cmd
}

/// The options every test run takes: the mock, the cache, fast retries.
/// (`releases` keeps nothing: it takes no cache directory.)
pub fn args(sub: &str, url: &str, cache: &Path) -> Vec<String> {
    let mut args: Vec<String> = [
        "datasets",
        sub,
        "--datasets-url",
        url,
        "--datasets-rps",
        "1000",
        "--retry-delay",
        "0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if sub != "releases" {
        args.extend(["--cache-dir".to_string(), cache.display().to_string()]);
    }
    args
}

/// Every record of every `*.gz` shard under `dir`, as canonical JSON text, counted.
pub fn records(dir: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "gz") {
            let mut text = String::new();
            flate2::read::MultiGzDecoder::new(std::fs::File::open(&path).unwrap())
                .read_to_string(&mut text)
                .unwrap();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let value: Value = serde_json::from_str(line).unwrap();
                *out.entry(value.to_string()).or_insert(0) += 1;
            }
        }
    }
    out
}

/// The records of shard files as the mock serves them.
pub fn records_of(files: &[File]) -> BTreeMap<String, usize> {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    records(dir.path())
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// `citegraph datasets neighbourhood --hops 1` of the real catalogue with the cache `cache`,
/// `extra` options (e.g. `--datasets-dir DIR`), written to `out`.
pub fn neighbourhood(cache: &Path, extra: &[&str], out: &Path) -> std::process::Output {
    citegraph(None)
        .args(["datasets", "neighbourhood", "--hops", "1", "--catalog"])
        .arg(common::catalog_dir())
        .arg("--cache-dir")
        .arg(cache)
        .args(extra)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

/// `citegraph run --offline --scope all` of the real catalogue on the snapshot `snapshot` (one
/// small figure), the cache `cache`, into `output`; asserts it succeeds.
pub fn run_on_snapshot(snapshot: &Path, cache: &Path, output: &Path) {
    common::citegraph()
        .args(["run", "--offline", "--scope", "all"])
        .args([
            "--figures",
            "papers-per-year",
            "--format",
            "svg",
            "--catalog",
        ])
        .arg(common::catalog_dir())
        .arg("--snapshot")
        .arg(snapshot)
        .arg("--cache-dir")
        .arg(cache)
        .arg("--output-dir")
        .arg(output)
        .assert()
        .success();
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
