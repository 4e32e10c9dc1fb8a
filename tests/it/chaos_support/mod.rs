//! The chaos harness (issue #22, "Faults in numbers"): `citegraph run` and `run --update`, the
//! real binary as a child process, run again and again on one cache and one output directory
//! against the mock Semantic Scholar, with faults drawn from a seed: 429 with and without
//! Retry-After, 500/502/503/504, bodies cut mid-JSON, a 200 that is not JSON, a connection reset
//! mid-answer and before any byte, answers slower than the client's timeout, kill -9 at any
//! moment, a catalogue paper's id that fails every batch holding it (and its reference list
//! that always fails) for a whole run, and between runs a catalogue record merged into another. After every run ([`checks`]): no panic; the run completed (exit 0, or 3: done with
//! gaps) and its outputs are complete and consistent, or it failed (or was killed) and the
//! previous outputs are byte for byte as they were; and it made no more requests than the
//! budget ([`Budget`]).
//!
//! A kind of fault is one line of [`KINDS`] (and, for a new fault of the server, its variant
//! in `Fault`, tests/it/common/mock_s2.rs). tests/it/chaos.rs runs a short seeded chaos in CI;
//! bench/chaos.sh runs hundreds of runs and writes the figures to bench/RESULTS.md.
#![allow(dead_code)]

pub mod checks;
pub mod lab;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::mock_s2::{Endpoint, Fault, Target};
use crate::reliability_support::{Seeded, PATIENCE};

pub use checks::Outcome;
pub use lab::Lab;

/// The client's settings in every chaos run: few retries and short waits, so that a burst of
/// faults longer than the retries makes a run fail (the "previous outputs untouched" branch)
/// and a run takes about a second.
pub const MAX_RETRIES: usize = 3;
/// `--timeout` in seconds; [`SLOW`] answers past it.
pub const TIMEOUT_SECS: f64 = 1.0;
pub const SLOW: Duration = Duration::from_millis(2_500);
/// `--expand`: at most this many requests of the expansion.
pub const EXPAND: usize = 3;

/// The figures in SVG alone: PNG and PDF cost a debug build three seconds a run, and the chaos
/// is about requests and files, not drawing.
pub const RENDER: [&str; 2] = ["--format", "svg"];

/// What a kind of fault does to a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Injection {
    /// The mock serves `fault` to the next requests `target` selects (as many as the step draws,
    /// or `times` when given: a fault that holds for the whole run).
    Mock {
        target: Target,
        fault: Fault,
        times: Option<u64>,
    },
    /// SIGKILL to the citegraph process.
    Kill,
    /// A standing fault for the whole run, from its first request.
    Standing(Poison),
    /// The run is `run --update` against the world that merged a catalogue record into a new
    /// one ([`Lab::merged`]), over a cache filled before.
    Merge,
}

/// A standing fault tied to one paper (a catalogue paper's id in the first world): every
/// `POST /paper/batch` holding it answers 500 (`MockS2::poison_batch`), or every page of its
/// references does (`MockS2::break_list`).
#[derive(Debug, Clone, PartialEq)]
pub enum Poison {
    Batch(String),
    References(String),
}

/// A kind of fault: its name (in the figures), how it is made (drawing from the seed and the
/// lab: a paper id, say), and the requests one served fault may add beyond its own retry (a 504
/// on a batch is split in halves: one more). For an id that always fails in a batch, `extra` is
/// per batch call of the run holding it (the isolation: [`lab::split_cost`]); for a merged
/// record, once for the run that meets the merge.
pub struct Kind {
    pub name: &'static str,
    pub make: fn(&mut Seeded, &Lab) -> Injection,
    pub extra: usize,
}

const fn kind(name: &'static str, extra: usize, make: fn(&mut Seeded, &Lab) -> Injection) -> Kind {
    Kind { name, make, extra }
}

fn any(fault: Fault) -> Injection {
    Injection::Mock {
        target: Target::Any,
        fault,
        times: None,
    }
}

/// Every kind the chaos draws from, one line each.
pub const KINDS: &[Kind] = &[
    kind("429", 0, |_, _| {
        any(Fault::TooManyRequests { retry_after: None })
    }),
    kind("429 Retry-After", 0, |_, _| {
        any(Fault::TooManyRequests {
            retry_after: Some(1),
        })
    }),
    kind("500", 0, |_, _| any(Fault::Status(500))),
    kind("502", 0, |_, _| any(Fault::Status(502))),
    kind("503", 0, |_, _| any(Fault::Status(503))),
    kind("504", 1, |_, _| any(Fault::Status(504))),
    kind("cut JSON", 0, |_, _| any(Fault::CutBody)),
    kind("not JSON", 0, |_, _| any(Fault::NotJson)),
    kind("reset mid-answer", 0, |_, _| any(Fault::Drop)),
    kind("reset before any byte", 0, |_, _| any(Fault::Reset)),
    kind("slow", 0, |_, _| any(Fault::Slow(SLOW))),
    kind("kill -9", 0, |_, _| Injection::Kill),
    // Each 500 it serves counts as one request more (as every fault); the isolation adds, per
    // batch call holding the id, the split's cost for the largest batch of the catalogue.
    kind(
        "batch id always fails",
        lab::split_cost(lab::BATCH_IDS),
        |rng, lab| Injection::Standing(Poison::Batch(pick(rng, lab))),
    ),
    // Every page of the list answers 500 through the retries, then the list is left out (a gap):
    // nothing beyond the 500s served.
    kind("list always fails", 0, |rng, lab| {
        Injection::Standing(Poison::References(pick(rng, lab)))
    }),
    // The merged record's batch answer names the new id: its reference and citation lists are
    // asked as a new paper's (the formula counts the old one's), and its citations once more.
    kind("record merged", 3, |_, _| Injection::Merge),
];

/// A catalogue paper's id, at random.
fn pick(rng: &mut Seeded, lab: &Lab) -> String {
    let ids = lab.catalog_ids();
    ids[rng.between(0, ids.len() as u64 - 1) as usize].clone()
}

/// Whether a kind may come as a storm (every request to one endpoint for the whole run): only
/// the quick ones, so a storm costs the retries' short waits and not seconds each.
fn stormy(fault: &Fault) -> bool {
    !matches!(
        fault,
        Fault::Slow(_)
            | Fault::TooManyRequests {
                retry_after: Some(_)
            }
    )
}

/// What one run does: `run` or `run --update`, against which world, from an emptied cache or
/// not, and the faults it meets.
#[derive(Debug, Clone)]
pub struct Step {
    pub update: bool,
    pub world: usize,
    pub wipe_cache: bool,
    pub events: Vec<Event>,
    pub kill: Option<KillAt>,
}

/// A fault served from the `at`-th request of the run on.
#[derive(Debug, Clone)]
pub struct Event {
    pub at: usize,
    pub kind: usize,
    pub target: Target,
    pub fault: Fault,
    pub times: u64,
    /// A standing fault instead of `fault`.
    pub standing: Option<Poison>,
}

/// When the kill lands: once the run has made `requests` requests and `micros` more have
/// passed (between or during requests, answers being written), or `after` its start (start-up,
/// the analysis, the render, the swap of the outputs).
#[derive(Debug, Clone, Copy)]
pub enum KillAt {
    Requests { requests: usize, micros: u64 },
    Time { after: Duration },
}

/// The kinds in a shuffled order, dealt one at a time and shuffled again once dealt: every kind
/// comes once in each [`KINDS`]`.len()` faults, so a short chaos serves them all.
#[derive(Debug, Default)]
pub struct Deck(Vec<usize>);

impl Deck {
    fn deal(&mut self, rng: &mut Seeded) -> usize {
        if self.0.is_empty() {
            self.0 = (0..KINDS.len()).collect();
            for i in (1..self.0.len()).rev() {
                self.0.swap(i, rng.between(0, i as u64) as usize);
            }
        }
        self.0.pop().expect("a dealt kind")
    }
}

/// Draws the next step. The first step of a lab fills it (a plain run, empty cache); then, at
/// random: a full fetch again (the cache emptied, over the outputs kept; half the time from the
/// first world again), an update (half the time against a later world), a plain run (which
/// resumes what a killed or failed run left), or an update from an empty cache (a full fetch).
pub fn draw_step(rng: &mut Seeded, deck: &mut Deck, lab: &Lab, first: bool, world: usize) -> Step {
    let (wipe_cache, update) = match rng.between(0, 5) {
        _ if first => (true, false),
        0 => (true, false),
        1 | 2 => (false, true),
        3 => (false, false),
        _ => (true, true),
    };
    let world = if wipe_cache && rng.between(0, 1) == 0 {
        0
    } else if update && rng.between(0, 1) == 0 {
        (world + 1).min(lab.worlds() - 1)
    } else {
        world
    };
    let mut step = Step {
        update,
        world,
        wipe_cache,
        events: Vec::new(),
        kill: None,
    };
    for _ in 0..rng.between(1, 4) {
        let kind = deck.deal(rng);
        // Half the faults early, so that an update with little to ask meets them too.
        let at = if rng.between(0, 1) == 0 {
            rng.between(0, 3)
        } else {
            rng.between(0, 30)
        } as usize;
        match (KINDS[kind].make)(rng, lab) {
            Injection::Kill => {
                step.kill = Some(if rng.between(0, 1) == 0 {
                    KillAt::Requests {
                        requests: at,
                        micros: rng.between(0, 5_000),
                    }
                } else {
                    KillAt::Time {
                        after: Duration::from_millis(rng.between(0, 1_800)),
                    }
                });
            }
            // The first run fills the lab: there is no cache for a merge to meet yet.
            Injection::Merge if first => {}
            Injection::Merge => {
                step.update = true;
                step.wipe_cache = false;
                step.world = lab.merged().0;
            }
            // From the first request: a warm update asks few requests, and lists only in a full
            // fetch (its cache emptied) or for papers that changed.
            Injection::Standing(poison) => {
                if matches!(poison, Poison::References(_)) {
                    step.wipe_cache = true;
                }
                step.events.push(Event {
                    at: 0,
                    kind,
                    target: Target::Any,
                    fault: Fault::Status(500),
                    times: 0,
                    standing: Some(poison),
                })
            }
            Injection::Mock {
                target,
                fault,
                times,
            } => {
                let storm = times.is_none() && stormy(&fault) && rng.between(0, 5) == 0;
                let (target, times) = match times {
                    Some(times) => (target, times),
                    None if storm => {
                        let endpoints = [
                            Endpoint::Batch,
                            Endpoint::Match,
                            Endpoint::References,
                            Endpoint::Citations,
                        ];
                        let pick = endpoints[rng.between(0, 3) as usize];
                        (Target::Only(pick), 1_000)
                    }
                    None => (target, rng.between(1, 3)),
                };
                step.events.push(Event {
                    at,
                    kind,
                    target,
                    fault,
                    times,
                    standing: None,
                });
            }
        }
    }
    step.events.sort_by_key(|e| e.at);
    step
}

/// What a run did: its outcome, the requests it made and its budget, the faults served (by
/// kind), stdout and stderr.
#[derive(Debug)]
pub struct Ran {
    pub outcome: Outcome,
    pub requests: usize,
    pub bound: usize,
    pub served: BTreeMap<&'static str, usize>,
    pub killed: bool,
    pub stdout: String,
    pub stderr: String,
    pub status: Option<i32>,
    pub elapsed: Duration,
    /// The run was an update meeting a merged record: the previous outputs name the record merged
    /// away ([`Lab::merged`]) and the world serves it as `lab::MERGED`.
    pub met_merge: bool,
}

/// Runs one step in `lab`: spawns the binary, injects the step's faults as the run reaches their
/// request counts, kills it when due, waits, and reads what happened from the mock's log.
/// `knows_old`: the cache holds the merged record under its former id (a run of an earlier world
/// completed since the cache was last emptied); only then can an update meet the merge; a cache
/// filled from the merged world alone never saw the former id.
pub fn run_step(lab: &Lab, step: &Step, knows_old: bool) -> Ran {
    if step.wipe_cache {
        let _ = std::fs::remove_dir_all(lab.cache_dir());
    }
    let mock = lab.mock(step.world);
    mock.clear_faults();
    let (merged_world, merged_from) = lab.merged();
    let met_merge = step.update
        && !step.wipe_cache
        && knows_old
        && step.world == merged_world
        && checks::resolved(&lab.output_dir()).is_ok_and(|ids| ids.contains(merged_from));
    let first = mock.requests();
    let started = Instant::now();
    let (mut child, out, err) = spawn_run(lab, &mock.url(), step.update);
    let mut events = step.events.iter().peekable();
    let mut injected: Vec<(Fault, usize)> = Vec::new();
    let mut killed = false;
    let mut kill_due: Option<Instant> = None;
    loop {
        let made = mock.requests() - first;
        while let Some(event) = events.next_if(|e| e.at <= made) {
            match &event.standing {
                Some(Poison::Batch(id)) => mock.poison_batch(&lab.id_in(step.world, id)),
                Some(Poison::References(id)) => {
                    mock.break_list(Endpoint::References, &lab.id_in(step.world, id))
                }
                None => {
                    mock.inject(event.target, event.fault.clone(), event.times);
                    injected.push((event.fault.clone(), event.kind));
                }
            }
        }
        if child.try_wait().expect("try_wait").is_some() {
            break;
        }
        let now = Instant::now();
        match step.kill {
            Some(KillAt::Requests { requests, micros }) if made >= requests => {
                kill_due.get_or_insert(now + Duration::from_micros(micros));
            }
            Some(KillAt::Time { after }) => {
                kill_due.get_or_insert(started + after);
            }
            _ => {}
        }
        if kill_due.is_some_and(|due| now >= due) {
            killed = child.try_wait().expect("try_wait").is_none();
            child.kill().expect("kill -9");
            break;
        }
        if now - started > PATIENCE {
            let _ = child.kill();
            panic!("a citegraph run hung past {PATIENCE:?}: {step:?}");
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    let status = child.wait().expect("wait");
    let elapsed = started.elapsed();
    mock.clear_faults();
    let log = mock.log();
    let log = &log[first.min(log.len())..];
    let mut served: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut extra = 0;
    for l in log {
        let Some(fault) = l.fault.as_ref() else {
            continue;
        };
        if let Some((_, kind)) = injected.iter().find(|(f, _)| f == fault) {
            *served.entry(KINDS[*kind].name).or_default() += 1;
            // Any fault on a batch may be the one that outlives the retries: the batch is then
            // split in halves (one request more), as a 504 is at once. An upper bound: one
            // more per batch fault served.
            extra += if l.endpoint == Endpoint::Batch {
                KINDS[*kind].extra.max(1)
            } else {
                KINDS[*kind].extra
            };
        }
    }
    if killed {
        *served.entry("kill -9").or_default() += 1;
    }
    let (standing, more) = standing_served(lab, step, log, met_merge, &mut served);
    extra += more;
    let faults: usize = log.iter().filter(|l| l.fault.is_some()).count() + standing;
    // A batch whose fault outlived its retries is split down to the ids that fail alone, each
    // then asked as `GET /paper/{id}` (README, "One bad record never stops the run"): under a
    // storm on the batch, every id. The halves are faulted (counted above); the lone GETs that
    // were answered are requests no formula counts.
    let batch_faulted = log
        .iter()
        .any(|l| l.endpoint == Endpoint::Batch && (l.fault.is_some() || l.standing));
    let lone = log
        .iter()
        .filter(|l| l.endpoint == Endpoint::Paper && l.fault.is_none() && !l.standing)
        .count();
    extra += if batch_faulted { lone } else { 0 };
    let base = lab.budget(step.world).of(step.update);
    let read = |path: &Path| {
        String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
    };
    let code = status.code();
    Ran {
        outcome: Outcome::of(killed, code),
        requests: log.len(),
        bound: base + EXPAND + faults + extra,
        served,
        killed,
        stdout: read(&out),
        stderr: read(&err),
        status: code,
        elapsed,
        met_merge,
    }
}

/// What the standing faults and a merged record served in a run (`log`): counts them by kind
/// into `served`; returns the 500s they served (each one request more) and the requests their
/// kinds' `extra` allow (the batch's isolation, its split per batch call holding the id; the
/// merge, once).
fn standing_served(
    lab: &Lab,
    step: &Step,
    log: &[crate::common::mock_s2::Logged],
    met_merge: bool,
    served: &mut BTreeMap<&'static str, usize>,
) -> (usize, usize) {
    let mut extra = 0;
    let standing_kind = |batch: bool| {
        step.events.iter().find_map(|e| match e.standing {
            Some(Poison::Batch(_)) if batch => Some(e.kind),
            Some(Poison::References(_)) if !batch => Some(e.kind),
            _ => None,
        })
    };
    let mut standing = 0;
    for l in log.iter().filter(|l| l.standing && l.fault.is_none()) {
        if let Some(kind) = standing_kind(l.endpoint == Endpoint::Batch) {
            *served.entry(KINDS[kind].name).or_default() += 1;
            standing += 1;
        }
    }
    if let Some(kind) = standing_kind(true) {
        if served.contains_key(KINDS[kind].name) {
            extra += KINDS[kind].extra * lab.batch_calls(step.update);
        }
    }
    if met_merge {
        let kind = KINDS
            .iter()
            .find(|k| k.name == "record merged")
            .expect("the merge kind");
        *served.entry(kind.name).or_default() += 1;
        extra += kind.extra;
    }
    (standing, extra)
}

/// `citegraph run` (or `run --update`) on the lab's catalogue, cache and output, stdout and
/// stderr into files beside them (a pipe could fill up and stall the child).
fn spawn_run(lab: &Lab, url: &str, update: bool) -> (Child, PathBuf, PathBuf) {
    let (out, err) = (lab.root().join("run.out"), lab.root().join("run.err"));
    let file = |path: &Path| std::fs::File::create(path).expect("a log file");
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("citegraph"));
    command
        .arg("--catalog")
        .arg(lab.catalog_file())
        .arg("--cache-dir")
        .arg(lab.cache_dir())
        .arg("--output-dir")
        .arg(lab.output_dir())
        .args(["run", "--api-url", url, "--rps", "1000"])
        .args(["--max-retries", &MAX_RETRIES.to_string()])
        .args(["--retry-delay", "0.01"])
        .args(["--timeout", &TIMEOUT_SECS.to_string()])
        .args(["--expand", &EXPAND.to_string()])
        .args(RENDER)
        .env_remove("S2_API_KEY")
        .env_remove("S2_API_URL")
        .env_remove("CITEGRAPH_LOG")
        .stdin(Stdio::null())
        .stdout(file(&out))
        .stderr(file(&err));
    if update {
        command.arg("--update");
    }
    (command.spawn().expect("spawn citegraph"), out, err)
}

/// The figures of a chaos: runs by outcome, faults served by kind, what went wrong.
#[derive(Debug, Default)]
pub struct Figures {
    pub seed: u64,
    pub runs: usize,
    pub completed: usize,
    pub with_gaps: usize,
    pub failed: usize,
    pub killed: usize,
    pub updates: usize,
    pub served: BTreeMap<&'static str, usize>,
    /// Runs (each counted once) that broke a rule: outputs lost or inconsistent, a panic, more
    /// requests than the budget, a failure without an `error:` line.
    pub lost_outputs: usize,
    pub panics: usize,
    pub over_budget: usize,
    pub unclear: usize,
    /// The run with the highest requests / bound: (requests, bound).
    pub max_ratio: (usize, usize),
    pub requests: usize,
    pub elapsed: Duration,
    /// Every violation, with the seed, the step and what happened.
    pub problems: Vec<String>,
}

impl Figures {
    /// The figures as `key: value` lines (bench/chaos.sh reads them), then the problems.
    pub fn record(&self) -> String {
        let kinds: Vec<String> = self
            .served
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let mut out = format!(
            "runs: {}\nupdates: {}\ncompleted: {}\nwith_gaps: {}\nfailed: {}\nkilled: {}\n\
             faults: {}\nby_kind: {}\nlost_outputs: {}\npanics: {}\nover_budget: {}\nunclear: {}\n\
             requests: {}\nmax_requests: {}\nmax_bound: {}\nseconds: {:.1}\nproblems: {}\n",
            self.runs,
            self.updates,
            self.completed,
            self.with_gaps,
            self.failed,
            self.killed,
            self.faults(),
            kinds.join(", "),
            self.lost_outputs,
            self.panics,
            self.over_budget,
            self.unclear,
            self.requests,
            self.max_ratio.0,
            self.max_ratio.1,
            self.elapsed.as_secs_f64(),
            self.problems.len(),
        );
        for problem in &self.problems {
            out.push_str(&format!("problem: {}\n", problem.replace('\n', " | ")));
        }
        out
    }

    pub fn faults(&self) -> usize {
        self.served.values().sum()
    }

    /// One line per figure, for the test's output and bench/chaos.sh.
    pub fn text(&self) -> String {
        let kinds: Vec<String> = self
            .served
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect();
        format!(
            "seed {:#x}: {} runs ({} updates) in {:.1} s: {} completed ({} with gaps), {} failed, {} killed\n\
             faults served: {} ({})\n\
             lost outputs: {}, panics: {}, over budget: {}, unclear failures: {}, requests: {}, max requests/bound: {}/{}\n",
            self.seed,
            self.runs,
            self.updates,
            self.elapsed.as_secs_f64(),
            self.completed + self.with_gaps,
            self.with_gaps,
            self.failed,
            self.killed,
            self.faults(),
            kinds.join(", "),
            self.lost_outputs,
            self.panics,
            self.over_budget,
            self.unclear,
            self.requests,
            self.max_ratio.0,
            self.max_ratio.1,
        )
    }
}

/// `runs` runs from `seed` in a fresh lab, every one checked; the figures, problems included
/// (the caller asserts there are none).
pub fn chaos(seed: u64, runs: usize) -> Figures {
    let started = Instant::now();
    let lab = Lab::new();
    let mut rng = Seeded::new(seed);
    let mut figures = Figures {
        seed,
        ..Figures::default()
    };
    let mut deck = Deck::default();
    let mut world = 0;
    // Whether the cache holds the merged record's former id (see `run_step`).
    let mut knows_old = false;
    for n in 0..runs {
        let step = draw_step(&mut rng, &mut deck, &lab, n == 0, world);
        world = step.world;
        let before = checks::Snapshot::take(&lab);
        knows_old &= !step.wipe_cache;
        let ran = run_step(&lab, &step, knows_old);
        if step.world < lab.merged().0
            && matches!(ran.outcome, Outcome::Completed | Outcome::WithGaps)
        {
            knows_old = true;
        }
        let problems = checks::check(&lab, &before, &ran);
        figures.add(&step, &ran);
        let is = |p: &String, what: &str| p.starts_with(what);
        figures.panics += usize::from(problems.iter().any(|p| is(p, "panicked")));
        figures.over_budget += usize::from(problems.iter().any(|p| is(p, "over budget")));
        figures.unclear += usize::from(problems.iter().any(|p| is(p, "failed without")));
        figures.lost_outputs += usize::from(
            problems
                .iter()
                .any(|p| !is(p, "panicked") && !is(p, "over budget") && !is(p, "failed without")),
        );
        for problem in problems {
            let problem = format!(
                "seed {seed:#x}, run {n} ({}{}, world {}, faults {:?}, kill {:?}): {problem}\n  exit {:?}; stderr (end): {}",
                if step.update { "run --update" } else { "run" },
                if step.wipe_cache { ", cache emptied" } else { "" },
                step.world,
                step.events.iter().map(|e| (e.at, KINDS[e.kind].name, e.times, e.standing.clone())).collect::<Vec<_>>(),
                step.kill,
                ran.status,
                tail(&ran.stderr, 6),
            );
            eprintln!("chaos: {problem}");
            figures.problems.push(problem);
        }
        let error = ran.stderr.lines().find(|l| l.starts_with("error: "));
        eprintln!(
            "chaos run {n}: {:?} in {:.2} s, {} requests (bound {}), served {:?}{}",
            ran.outcome,
            ran.elapsed.as_secs_f64(),
            ran.requests,
            ran.bound,
            ran.served,
            error.map_or(String::new(), |e| format!("\n  {e}"))
        );
    }
    figures.elapsed = started.elapsed();
    figures
}

impl Figures {
    fn add(&mut self, step: &Step, ran: &Ran) {
        self.runs += 1;
        self.updates += usize::from(step.update);
        match ran.outcome {
            Outcome::Completed => self.completed += 1,
            Outcome::WithGaps => self.with_gaps += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Killed => self.killed += 1,
        }
        for (&kind, &n) in &ran.served {
            *self.served.entry(kind).or_default() += n;
        }
        self.requests += ran.requests;
        let (r, b) = self.max_ratio;
        if b == 0 || ran.requests * b > r * ran.bound {
            self.max_ratio = (ran.requests, ran.bound);
        }
    }
}

/// The last `lines` lines of `text`, indented.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n    ")
}
