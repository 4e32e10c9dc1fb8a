//! The mock Semantic Scholar API as a standalone process, for benchmarks and manual runs:
//!
//! ```text
//! cargo run --example mock_s2 -- [--world FILE] [--port N] [--rps R] [--batch-nested-cap N]
//!                                [--delay-ms N] [--fault KIND[:TIMES]]...
//!                                [--later MONTHS [--since YYYY-MM-DD] [--spread P] [--seed N]]
//! ```
//!
//! `--later MONTHS` serves the world MONTHS after a first fetch made on `--since` (default
//! today, UTC) instead of the world itself (`World::later` in tests/it/common/mock_s2.rs: new
//! citers, venue changes, grown reference lists; `--spread` is the share of new citations drawn
//! over the whole catalogue rather than its 60 most cited papers, default 0 as the world's own
//! generator does). The catalogue's ids come from truth.json beside the world file.
//!
//! Prints the port on the first line of stdout, then serves until killed. `KIND` is `429`,
//! `429-retry-after=SECONDS`, `500`, `502`, `503`, `504`, `cut`, `drop` or `slow=MILLISECONDS`;
//! `TIMES` (default 1) is how many requests it hits. `GET /mock/stats` answers the request
//! counts per endpoint. The world defaults to ../shared/fixtures/s2-world/world.jsonl
//! (`CITEGRAPH_SHARED` overrides ../shared).

#[path = "../tests/it/common/mock_s2.rs"]
mod mock_s2;
#[allow(dead_code)]
#[path = "../tests/it/common/mock_server.rs"]
mod mock_server;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use mock_s2::{civil_days, Fault, Later, MockBuilder, Target, World};

fn main() {
    if let Err(message) = run() {
        eprintln!("mock_s2: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let shared = std::env::var_os("CITEGRAPH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let mut world_path = shared.join("fixtures/s2-world/world.jsonl");
    let mut port = 0u16;
    let mut rps = None;
    let mut nested_cap = None;
    let mut delay = Duration::ZERO;
    let mut faults = Vec::new();
    let mut later: Option<u32> = None;
    let mut since: Option<i64> = None;
    let mut spread = 0.0f64;
    let mut seed = 12u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--world" => world_path = PathBuf::from(value()?),
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--rps" => rps = Some(value()?.parse::<f64>().map_err(|e| format!("--rps: {e}"))?),
            "--batch-nested-cap" => {
                nested_cap = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--batch-nested-cap: {e}"))?,
                )
            }
            "--delay-ms" => {
                delay =
                    Duration::from_millis(value()?.parse().map_err(|e| format!("--delay-ms: {e}"))?)
            }
            "--fault" => faults.push(parse_fault(&value()?)?),
            "--later" => later = Some(value()?.parse().map_err(|e| format!("--later: {e}"))?),
            "--since" => {
                let text = value()?;
                since = Some(civil_days(&text).ok_or(format!("--since {text}: not YYYY-MM-DD"))?);
            }
            "--spread" => spread = value()?.parse().map_err(|e| format!("--spread: {e}"))?,
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "-h" | "--help" => {
                println!("see the comment at the top of examples/mock_s2.rs");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !world_path.is_file() {
        return Err(format!("no world at {}", world_path.display()));
    }
    let mut world = World::load(&world_path);
    if let Some(months) = later {
        let truth_path = world_path.with_file_name("truth.json");
        let truth: serde_json::Value = std::fs::read_to_string(&truth_path)
            .map_err(|e| format!("{}: {e}", truth_path.display()))
            .and_then(|t| {
                serde_json::from_str(&t).map_err(|e| format!("{}: {e}", truth_path.display()))
            })?;
        let catalog = truth["catalog_by_key"]
            .as_object()
            .ok_or(format!("{}: no catalog_by_key", truth_path.display()))?
            .values()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        let today = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs() as i64
            / 86_400;
        let (moved, planted) = world.later(&Later {
            since: since.unwrap_or(today),
            months,
            catalog,
            seed,
            spread,
        });
        eprintln!(
            "mock_s2: the world {months} months on: {} new citers ({} with a year alone, {} indexed late, {} long after), {} catalogue papers with new citers, {} venue changes, {} reference lists grown",
            planted.citers.len(),
            planted.year_only.len(),
            planted.late_indexed.len(),
            planted.very_late.len(),
            planted.cited.len(),
            planted.venue_changed.len(),
            planted.references_changed.len()
        );
        world = moved;
    }
    let mut builder = MockBuilder::new(world).port(port).delay(delay);
    if let Some(rps) = rps {
        builder = builder.enforce_rps(rps);
    }
    if let Some(cap) = nested_cap {
        builder = builder.batch_nested_cap(cap);
    }
    for (fault, times) in faults {
        builder = builder.fault(Target::Any, fault, times);
    }
    let mock = builder.start();
    println!("{}", mock.port());
    let _ = std::io::stdout().flush();
    eprintln!(
        "mock_s2: serving {} at {}",
        world_path.display(),
        mock.url()
    );
    loop {
        std::thread::park();
    }
}

fn parse_fault(spec: &str) -> Result<(Fault, u64), String> {
    let (kind, times) = match spec.rsplit_once(':') {
        Some((kind, times)) => (
            kind,
            times.parse().map_err(|e| format!("--fault {spec}: {e}"))?,
        ),
        None => (spec, 1),
    };
    let fault = match kind {
        "429" => Fault::TooManyRequests { retry_after: None },
        "cut" => Fault::CutBody,
        "drop" => Fault::Drop,
        _ => {
            if let Some(seconds) = kind.strip_prefix("429-retry-after=") {
                Fault::TooManyRequests {
                    retry_after: Some(
                        seconds
                            .parse()
                            .map_err(|e| format!("--fault {spec}: {e}"))?,
                    ),
                }
            } else if let Some(ms) = kind.strip_prefix("slow=") {
                Fault::Slow(Duration::from_millis(
                    ms.parse().map_err(|e| format!("--fault {spec}: {e}"))?,
                ))
            } else if let Ok(status @ 500..=504) = kind.parse::<u16>() {
                Fault::Status(status)
            } else {
                return Err(format!("--fault {spec}: unknown kind {kind}"));
            }
        }
    };
    Ok((fault, times))
}
