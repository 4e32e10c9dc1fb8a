#!/usr/bin/env python3
"""Turns what bench/fetch.sh left in DIR into the fetch section of bench/RESULTS.md: requests
and wall time of a cold and a warm `citegraph fetch` against the mock at R requests per second,
the naive request counts, and the cached `citegraph run` wall time.

Usage: fetch_report.py --dir DIR --results bench/RESULTS.md [--rps 1] [--command ...]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import sys

import report

START = "<!-- fetch:start (bench/fetch_report.py rewrites this part) -->"
END = "<!-- fetch:end -->"


def load_json(path: str):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def build(dir_: str, rps: float, command: str) -> str:
    catalog = load_json(os.path.join(dir_, "output", "catalog.json")) or {}
    papers = len(catalog.get("papers", []))
    naive = 3 * papers
    out = [
        *report.machine(),
        "",
        "```sh",
        command,
        "```",
        "",
        f"Catalogue: {papers} distinct papers (`citegraph catalog` on the shared catalogue). The mock",
        f"(examples/mock_s2.rs, the shared s2-world) enforces {rps:g} request(s) per second; its",
        "`/mock/stats` counts every request it received, refused ones included. Naive: 1 record +",
        f"1 references page + 1 citations page a paper = {naive} requests, {naive / rps:.0f} s at {rps:g} rps;",
        f"one request a paper: {papers}, {papers / rps:.0f} s.",
        "",
        "| fetch | requests | a paper | vs naive | by endpoint | wall s | exit |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    names = read_text(os.path.join(dir_, "fetches")).split()
    previous: dict = {}
    for name in names:
        total = load_json(os.path.join(dir_, f"{name}.stats")) or {}
        counts = {k: v - previous.get(k, 0) for k, v in total.items()}
        previous = total
        t = report.parse_time_v(os.path.join(dir_, f"{name}.time"))
        n = sum(counts.values())
        by = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v)
        per = f"{n / papers:.2f}" if papers else "–"
        vs = f"{n / naive:.0%}" if naive else "–"
        status = read_text(os.path.join(dir_, f"{name}.status"))
        out.append(f"| {name} | {n} | {per} | {vs} | {by or '–'} | {report.fmt_s(t['wall'])} | {status} |")
    # The cached run.
    hf = load_json(os.path.join(dir_, "run.hyperfine.json"))
    rss = report.parse_time_v(os.path.join(dir_, "run-rss.time"))["rss_mb"]
    out += ["", "Cached `citegraph run --snapshot world.jsonl` on the real catalogue, render included:", ""]
    run_status = read_text(os.path.join(dir_, "run.status"))
    if run_status != "0":
        out.append(f"- not timed: the run exited {run_status or '?'} (its log below)")
    elif hf and hf.get("results"):
        r = hf["results"][0]
        out.append(
            f"- hyperfine, {len(r['times'])} runs after 1 warm-up: mean {r['mean']:.3f} s ± {r['stddev']:.3f}, "
            f"min {r['min']:.3f}, max {r['max']:.3f}; peak {rss or 0:.0f} MB (target: under 2 s)"
        )
    else:
        walls = [report.parse_time_v(p)["wall"] for p in sorted(glob.glob(os.path.join(dir_, "run-[0-9]*.time")))]
        walls = [w for w in walls if w is not None]
        if walls:
            out.append(
                f"- /usr/bin/time, {len(walls)} runs: median {statistics.median(walls):.3f} s, "
                f"min {min(walls):.3f}, max {max(walls):.3f}; peak {rss or 0:.0f} MB (target: under 2 s)"
            )
        else:
            out.append("- no timing: the run failed (see run.err in the data directory)")
    an = load_json(os.path.join(dir_, "analyze.hyperfine.json"))
    if an and an.get("results"):
        r = an["results"][0]
        out += [
            "",
            "The same inputs through `citegraph analyze --snapshot world.jsonl` (no render): hyperfine, "
            f"{len(r['times'])} runs: mean {r['mean']:.3f} s ± {r['stddev']:.3f}, min {r['min']:.3f}, max {r['max']:.3f}.",
        ]
    run_err = read_text(os.path.join(dir_, "run.err")).splitlines()
    if run_err:
        out += ["", "Its log (last lines):", "", "```", *run_err[-8:], "```"]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--rps", type=float, default=1.0)
    parser.add_argument("--command", default="bench/fetch.sh")
    args = parser.parse_args(argv)
    report.replace_section(args.results, START, END, build(args.dir, args.rps, args.command), "# The fetch")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
