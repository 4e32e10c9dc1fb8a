#!/usr/bin/env python3
"""The maps side of a bench/run.sh round (issue #13): Leiden against igraph's community_leiden and
leidenalg on the same edge list, and the co-citation / coupling products, as a Markdown table.

Reads DIR/results/kernels-SIZE-r*.out (citegraph's kernels, in process) and igraph-SIZE-r*.out
(bench/baseline_igraph.py: community_multilevel, community_leiden, leidenalg) and prints, per size,
the median seconds of each, the modularity each reached and the ratios to citegraph's Leiden.

Usage: maps_report.py [--dir /tmp/citegraph-bench]
"""
import argparse
import glob
import json
import os
import re
import statistics


def runs(dir_, tool, size):
    out = []
    for path in sorted(glob.glob(os.path.join(dir_, "results", f"{tool}-{size}-r*.out"))):
        try:
            with open(path, encoding="utf-8") as f:
                out.append(json.load(f))
        except (OSError, json.JSONDecodeError):
            pass
    return out


def median_step(rs, step):
    xs = [r["steps"][step]["seconds"] for r in rs if r.get("steps", {}).get(step, {}).get("status") == "ok"]
    return statistics.median(xs) if xs else None


def median_result(rs, key):
    xs = [r["results"][key] for r in rs if key in r.get("results", {})]
    return statistics.median(xs) if xs else None


def fmt(x, digits=3):
    return "-" if x is None else f"{x:.{digits}f}"


def ratio(other, ours):
    return "-" if other is None or not ours else f"{other / ours:.1f}x"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.environ.get("CITEGRAPH_BENCH_DIR", "/tmp/citegraph-bench"))
    a = ap.parse_args()
    sizes = sorted(
        {re.match(r"kernels-(.+)-r\d+\.out", os.path.basename(p)).group(1)
         for p in glob.glob(os.path.join(a.dir, "results", "kernels-*-r*.out"))},
        key=lambda s: float(s[:-1]) * {"k": 1e3, "M": 1e6}[s[-1]],
    )
    print("| size | citegraph Leiden s (Q, communities) | igraph community_leiden s (Q) | leidenalg s (Q) | igraph Louvain s (Q) | igraph / citegraph | leidenalg / citegraph | co-citation s (pairs) | coupling s (pairs) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        k, ig = runs(a.dir, "kernels", size), runs(a.dir, "igraph", size)
        ours = median_step(k, "leiden")
        ig_leiden, alg, louvain = median_step(ig, "leiden"), median_step(ig, "leidenalg"), median_step(ig, "louvain")
        print(
            f"| {size} | {fmt(ours)} ({fmt(median_result(k, 'modularity'), 4)}, {median_result(k, 'communities')}) "
            f"| {fmt(ig_leiden)} ({fmt(median_result(ig, 'leiden_modularity'), 4)}) "
            f"| {fmt(alg)} ({fmt(median_result(ig, 'leidenalg_modularity'), 4)}) "
            f"| {fmt(louvain)} ({fmt(median_result(ig, 'modularity'), 4)}) "
            f"| {ratio(ig_leiden, ours)} | {ratio(alg, ours)} "
            f"| {fmt(median_step(k, 'cocitation'))} ({median_result(k, 'cocitation_pairs')}) "
            f"| {fmt(median_step(k, 'coupling'))} ({median_result(k, 'coupling_pairs')} of {median_result(k, 'coupling_candidates')}) |"
        )


if __name__ == "__main__":
    main()
