//! Times the S2AG shard filter (`citegraph::datasets::shards::neighbourhood`) on shards laid
//! out by dataset (DIR/papers, DIR/citations, DIR/paper-ids), for bench/datasets_filter.py.
//! Prints one JSON object: the counts, the bytes of every pass, the wall time, and the
//! throughput in MB/s (10^6 bytes of compressed shards) per thread.
//!
//! Usage: datasets_filter --shards DIR --catalog PATH --out FILE [--hops 1|2] [--threads N]

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use citegraph::datasets::shards::{self, HopOptions, ShardSet};

fn main() -> Result<()> {
    let mut shards_dir = None;
    let mut catalog = None;
    let mut out = None;
    let mut options = HopOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--shards" => shards_dir = Some(PathBuf::from(value()?)),
            "--catalog" => catalog = Some(value()?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--hops" => options.hops = value()?.parse()?,
            "--threads" => options.threads = Some(value()?.parse()?),
            other => bail!("unknown argument {other}"),
        }
    }
    let (Some(dir), Some(catalog), Some(out)) = (shards_dir, catalog, out) else {
        bail!("usage: datasets_filter --shards DIR --catalog PATH --out FILE [--hops 1|2] [--threads N]");
    };
    let cache = tempfile::tempdir()?;
    let catalog = citegraph::catalog::load(
        &citegraph::catalog::CatalogOptions {
            sources: vec![catalog],
            mechanisms: None,
            exclude: Vec::new(),
        },
        cache.path(),
        true,
    )?;
    let set = ShardSet::from_dir(&dir)?;
    let started = Instant::now();
    let stats = shards::neighbourhood(&catalog, &set, &options, &out)?;
    let seconds = started.elapsed().as_secs_f64();
    let threads = options.threads.unwrap_or_else(rayon::current_num_threads) as f64;
    let bytes = stats.bytes_read() as f64;
    let hops: Vec<serde_json::Value> = stats
        .hops
        .iter()
        .map(|h| {
            serde_json::json!({"hop": h.hop, "frontier": h.frontier, "new_papers": h.new_papers,
                               "new_edges": h.new_edges, "bytes": h.counts.bytes,
                               "decompressed": h.counts.decompressed, "lines": h.counts.lines})
        })
        .collect();
    let report = serde_json::json!({
        "threads": threads,
        "hops_asked": options.hops,
        "seeds": stats.seeds,
        "unfound": stats.unfound.len(),
        "papers": stats.papers,
        "edges": stats.edges,
        "lines_skipped": stats.lines_skipped(),
        "bytes_read": stats.bytes_read(),
        "decompressed": stats.passes().map(|p| p.decompressed).sum::<u64>(),
        "seconds": seconds,
        "mb_per_s": bytes / 1e6 / seconds,
        "mb_per_s_per_thread": bytes / 1e6 / seconds / threads,
        "hops": hops,
    });
    println!("{report}");
    Ok(())
}
