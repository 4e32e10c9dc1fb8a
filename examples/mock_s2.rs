//! The mock Semantic Scholar API as a standalone process, for benchmarks and manual runs:
//!
//! ```text
//! cargo run --example mock_s2 -- [--world FILE] [--port N] [--rps R] [--batch-nested-cap N]
//!                                [--delay-ms N] [--fault KIND[:TIMES]]...
//! ```
//!
//! Prints the port on the first line of stdout, then serves until killed. `KIND` is `429`,
//! `429-retry-after=SECONDS`, `500`, `502`, `503`, `504`, `cut`, `drop` or `slow=MILLISECONDS`;
//! `TIMES` (default 1) is how many requests it hits. `GET /mock/stats` answers the request
//! counts per endpoint. The world defaults to ../shared/fixtures/s2-world/world.jsonl
//! (`CITEGRAPH_SHARED` overrides ../shared).

#[path = "../tests/common/mock_s2.rs"]
mod mock_s2;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use mock_s2::{Fault, MockBuilder, Target, World};

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
    let mut builder = MockBuilder::new(World::load(&world_path))
        .port(port)
        .delay(delay);
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
