//! The chaos's lab: a small catalogue (Markdown) of 34 papers of the synthetic world, the world
//! and two later months of it, and the last of these with one catalogue paper's record merged
//! into a new one ([`MERGED`]), each served by a mock, the request budget of each, and a clean
//! run to compare with.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::mock_s2::{Later, MockBuilder, MockS2, World};
use crate::fetch_support::{today, truth, world};

/// Catalogue papers listed with their arXiv link (resolved by the id batch), with a title alone
/// (resolved by a title match), and listed but unknown to the world.
const BY_ID: usize = 30;
const BY_TITLE: usize = 3;
const UNKNOWN: usize = 1;

/// The ids one `POST /paper/batch` of a run may ask at most: every catalogue paper.
pub const BATCH_IDS: usize = BY_ID + BY_TITLE + UNKNOWN;

/// The new id of the record merged in the last world ([`Lab::merged`]).
pub const MERGED: &str = "c4a0c4a0c4a0c4a0c4a0c4a0c4a0c4a0c4a0c4a0";

/// The requests isolating one id that always fails in a batch of `n` ids may add beyond the
/// failed call, after README ("One bad record never stops the run") and `Client::batch_each`
/// (src/s2/client.rs): at most 3 per halving over ceil(log2 n) halvings, the lone
/// `GET /paper/{id}`, and a title match should that fail too.
pub const fn split_cost(n: usize) -> usize {
    let halvings = if n <= 1 {
        0
    } else {
        (usize::BITS - (n - 1).leading_zeros()) as usize
    };
    3 * halvings + 2
}

/// Orange badges, one a paper in turn, so that the analysis has mechanisms to group.
const MECHANISMS: [&str; 3] = ["Token_Pruning", "Token_Merging", "Token_Caching"];

/// The requests a run may make before any fault, derived from the README's formula
/// ("Requests" and "`--update`" under `citegraph fetch`), for this catalogue and one world:
///
/// - `full` (a fetch with nothing cached): one `POST /paper/batch` per 500 ids, one
///   `/paper/search/match` per paper listed without an id the world knows (the unknown paper
///   included), and one page of 1,000 per non-empty reference or citation list of every
///   resolved paper (a list whose record counts items but lists none costs one page to learn
///   so). A partly filled cache (a killed run) asks a part of this.
/// - `update` (`run --update`): `full` (papers not in the cache are fetched in full), plus one
///   batch per 500 cached papers for their current records, plus every citation list read once
///   more (the citations since the last fetch, then the whole list when the merged one accounts
///   for the count less well), plus each title the API did not know asked again.
///
/// A run's bound adds `--expand` (at most that many lists of missing papers) and, per fault the
/// mock served, its own retry (the faulted request is one more than the formula counts) and the
/// kind's `extra` (a 504 on a batch: the batch split in two halves), and after a batch fault,
/// the answered `GET /paper/{id}` of the ids the split isolated.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub full: usize,
    pub update: usize,
}

impl Budget {
    pub fn of(&self, update: bool) -> usize {
        if update {
            self.update
        } else {
            self.full
        }
    }
}

/// What a clean run (no fault) of the first world wrote: the files (relative paths) and the
/// catalogue papers it resolved (their Semantic Scholar ids).
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub files: BTreeSet<String>,
    pub resolved: BTreeSet<String>,
    pub requests: usize,
    pub stdout: String,
}

/// A catalogue, its worlds with their mocks and budgets, and one directory (cache and output)
/// that the chaos runs share.
pub struct Lab {
    root: tempfile::TempDir,
    mocks: Vec<MockS2>,
    budgets: Vec<Budget>,
    baseline: Baseline,
    /// The catalogue papers' Semantic Scholar ids (world 0), listed by id then by title.
    catalog: Vec<String>,
    /// The catalogue paper whose record the last world merges into [`MERGED`].
    merged_from: String,
}

impl Lab {
    /// Writes the catalogue, starts a mock per world (the world, then one and two months on),
    /// and makes the clean run the checks compare with.
    pub fn new() -> Lab {
        let mut root = tempfile::tempdir().expect("tempdir");
        // CHAOS_KEEP=1 keeps the lab (catalogue, cache, outputs, the last run's stdout and
        // stderr) to look into after a problem.
        if std::env::var_os("CHAOS_KEEP").is_some() {
            root.disable_cleanup(true);
            eprintln!("chaos: the lab is kept in {}", root.path().display());
        }
        let first = world();
        let (by_id, by_title, unknown) = pick_papers();
        std::fs::create_dir_all(root.path().join("catalog")).expect("catalog dir");
        let markdown = catalog_markdown(&first, &by_id, &by_title, &unknown);
        std::fs::write(root.path().join("catalog/list.md"), markdown).expect("write the list");
        let catalog: Vec<String> = by_id.iter().chain(&by_title).cloned().collect();
        let mut worlds = vec![first];
        for (n, since) in [(1, today()), (2, today() + 31)] {
            let later = worlds[n - 1].later(&Later {
                since,
                months: 1,
                catalog: catalog.clone(),
                seed: 0xc4a0_5000 + n as u64,
                spread: 0.3,
            });
            worlds.push(later.0);
        }
        // Semantic Scholar merges a catalogue paper's record into a new one (the second listed
        // by id, so that the first keeps its place in the batch).
        let merged_from = by_id[1].clone();
        let mut merged = worlds[worlds.len() - 1].clone();
        merged.merge_record(&merged_from, MERGED);
        worlds.push(merged);
        let budgets = worlds
            .iter()
            .map(|w| {
                let now = |ids: &[String]| -> Vec<String> {
                    ids.iter().map(|id| current(w, id, &merged_from)).collect()
                };
                budget(w, &now(&by_id), &now(&by_title), unknown.len())
            })
            .collect();
        let mocks = worlds
            .into_iter()
            .map(|w| MockBuilder::new(w).start())
            .collect();
        let mut lab = Lab {
            root,
            mocks,
            budgets,
            baseline: Baseline::default(),
            catalog,
            merged_from,
        };
        lab.baseline = lab.clean_run();
        lab
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }

    pub fn catalog_file(&self) -> PathBuf {
        self.root().join("catalog/list.md")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.root().join("cache")
    }

    pub fn output_dir(&self) -> PathBuf {
        self.root().join("output")
    }

    pub fn worlds(&self) -> usize {
        self.mocks.len()
    }

    pub fn mock(&self, world: usize) -> &MockS2 {
        &self.mocks[world]
    }

    pub fn budget(&self, world: usize) -> Budget {
        self.budgets[world]
    }

    pub fn baseline(&self) -> &Baseline {
        &self.baseline
    }

    /// The catalogue papers' Semantic Scholar ids as the first world knows them (the papers
    /// listed by arXiv link, then those listed by title alone; not the unknown title).
    pub fn catalog_ids(&self) -> &[String] {
        &self.catalog
    }

    /// The world whose mock has merged a catalogue record (the last), and the record merged
    /// away: world `merged().0` serves the paper `merged().1` as [`MERGED`].
    pub fn merged(&self) -> (usize, &str) {
        (self.worlds() - 1, &self.merged_from)
    }

    /// `id` (a catalogue paper's id in the first world) as world `world` serves it.
    pub fn id_in(&self, world: usize, id: &str) -> String {
        if world == self.merged().0 && id == self.merged_from {
            MERGED.to_string()
        } else {
            id.to_string()
        }
    }

    /// The id a run's papers.csv may name a catalogue paper by, as the first world knows it
    /// ([`MERGED`] is the merged record's former id).
    pub fn original<'a>(&'a self, id: &'a str) -> &'a str {
        if id == MERGED {
            &self.merged_from
        } else {
            id
        }
    }

    /// The `POST /paper/batch` calls of the catalogue the budget counts for a run: the ids'
    /// batch, and with `--update` the cached records' batch.
    pub fn batch_calls(&self, update: bool) -> usize {
        let ids = BY_ID.div_ceil(500);
        if update {
            ids + (BY_ID + BY_TITLE).div_ceil(500)
        } else {
            ids
        }
    }

    /// A run of the first world without faults, in a directory of its own: what every completed
    /// chaos run must match (the files, the resolved catalogue papers), within the budget.
    fn clean_run(&self) -> Baseline {
        let dir = self.root().join("clean");
        let mock = self.mock(0);
        let first = mock.requests();
        let output = crate::common::citegraph()
            .arg("--catalog")
            .arg(self.catalog_file())
            .arg("--cache-dir")
            .arg(dir.join("cache"))
            .arg("--output-dir")
            .arg(dir.join("output"))
            .args(["run", "--api-url", &mock.url(), "--rps", "1000"])
            .args(["--expand", &super::EXPAND.to_string()])
            .args(super::RENDER)
            .timeout(crate::reliability_support::PATIENCE)
            .output()
            .expect("the clean run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "the clean run failed: {stderr}");
        let requests = mock.requests() - first;
        let bound = self.budget(0).full + super::EXPAND;
        assert!(
            requests <= bound,
            "the clean run made {requests} requests, over the budget {bound}"
        );
        let out = dir.join("output");
        let files = super::checks::files(&out).into_keys().collect();
        let resolved = super::checks::resolved(&out).expect("the clean run's papers.csv");
        assert_eq!(
            resolved.len(),
            BY_ID + BY_TITLE,
            "the clean run's resolved papers"
        );
        eprintln!(
            "chaos: clean run, {requests} requests (budget {bound}: {:?}), {} files",
            self.budgets,
            super::checks::files(&out).len()
        );
        Baseline {
            files,
            resolved,
            requests,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        }
    }
}

/// The catalogue: every fifth paper the world's catalogue lists by arXiv id (in key order) up
/// to [`BY_ID`], the first [`BY_TITLE`] listed by title alone, and [`UNKNOWN`] titles the world
/// does not hold (truth.json's `unresolvable`). Returns the paper ids of the first two kinds and
/// the unknown titles.
fn pick_papers() -> (Vec<String>, Vec<String>, Vec<String>) {
    let truth = truth();
    let by_key = truth["catalog_by_key"].as_object().expect("catalog_by_key");
    let mut keys: Vec<(&String, &Value)> = by_key.iter().collect();
    keys.sort_by(|a, b| a.0.cmp(b.0));
    let ids = |prefix: &str| -> Vec<String> {
        let mut seen = BTreeSet::new();
        keys.iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .filter_map(|(_, id)| id.as_str())
            .filter(|id| seen.insert(id.to_string()))
            .map(String::from)
            .collect()
    };
    let by_id: Vec<String> = ids("arxiv:").into_iter().step_by(5).take(BY_ID).collect();
    let by_title: Vec<String> = ids("title:")
        .into_iter()
        .filter(|id| !by_id.contains(id))
        .take(BY_TITLE)
        .collect();
    let unknown: Vec<String> = truth["unresolvable"]
        .as_array()
        .expect("unresolvable")
        .iter()
        .filter_map(|t| t.as_str().map(String::from))
        .take(UNKNOWN)
        .collect();
    assert_eq!((by_id.len(), by_title.len()), (BY_ID, BY_TITLE));
    (by_id, by_title, unknown)
}

/// The list in the awesome-list's own format: numbered entries, the authors line, the paper
/// link (arXiv for the first kind, none for the others), a mechanism badge.
fn catalog_markdown(
    world: &World,
    by_id: &[String],
    by_title: &[String],
    unknown: &[String],
) -> String {
    let mut out = String::from("# Token reduction (a slice for the chaos test)\n\n### Papers\n\n");
    let clean = |s: &str| s.replace(['*', '[', ']', '`', '<', '>'], "");
    let mut n = 0;
    let mut entry = |title: &str, venue: &str, year: i64, authors: &str, link: Option<String>| {
        n += 1;
        let link = link.map_or(String::new(), |l| format!("[[Paper]({l})] "));
        let badge = MECHANISMS[n % MECHANISMS.len()];
        out.push_str(&format!(
            "- **[{n}] {}**, {} {year}.\n\n  *{}.*\n\n  {link}![](https://img.shields.io/badge/{badge}-orange)\n\n",
            clean(title),
            if venue.is_empty() { "arXiv" } else { venue },
            clean(authors),
        ));
    };
    for (id, arxiv) in by_id
        .iter()
        .map(|id| (id, true))
        .chain(by_title.iter().map(|id| (id, false)))
    {
        let paper = world.paper(id).expect("a catalogue paper of the world");
        let authors: Vec<&str> = paper["authors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["name"].as_str())
            .collect();
        let link = arxiv.then(|| {
            let arxiv_id = paper["externalIds"]["ArXiv"].as_str().expect("an arXiv id");
            format!("https://arxiv.org/abs/{arxiv_id}")
        });
        entry(
            paper["title"].as_str().expect("title"),
            paper["venue"].as_str().unwrap_or(""),
            paper["year"].as_i64().unwrap_or(2023),
            &authors.join(", "),
            link,
        );
    }
    for title in unknown {
        entry(title, "ICLR", 2023, "A. Nobody", None);
    }
    out
}

/// `id` as `world` serves it: the merged record's new id once merged.
fn current(world: &World, id: &str, merged_from: &str) -> String {
    if id == merged_from && world.paper(id).is_none() {
        MERGED.to_string()
    } else {
        id.to_string()
    }
}

/// The [`Budget`] of one world for this catalogue.
fn budget(world: &World, by_id: &[String], by_title: &[String], unknown: usize) -> Budget {
    let pages = |id: &str, list: &str, count: &str| -> usize {
        let paper = world.paper(id).expect("a catalogue paper of the world");
        let listed = paper[list].as_array().map_or(0, Vec::len);
        let counted = paper[count].as_u64().unwrap_or(0);
        if listed == 0 && counted == 0 {
            0
        } else {
            listed.max(1).div_ceil(1000)
        }
    };
    let resolved: Vec<&String> = by_id.iter().chain(by_title).collect();
    let references: usize = resolved
        .iter()
        .map(|id| pages(id, "references", "referenceCount"))
        .sum();
    let citations: usize = resolved
        .iter()
        .map(|id| pages(id, "citations", "citationCount"))
        .sum();
    let titles = by_title.len() + unknown;
    let full = by_id.len().div_ceil(500) + titles + references + citations;
    Budget {
        full,
        update: full + resolved.len().div_ceil(500) + citations + titles,
    }
}
