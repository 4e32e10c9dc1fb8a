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
    cold = load_json(os.path.join(dir_, "cold.stats")) or {}
    warm_total = load_json(os.path.join(dir_, "warm.stats")) or {}
    warm = {k: warm_total.get(k, 0) - cold.get(k, 0) for k in warm_total}
    catalog = load_json(os.path.join(dir_, "output", "catalog.json")) or {}
    papers = len(catalog.get("papers", []))
    cold_t = report.parse_time_v(os.path.join(dir_, "cold.time"))
    warm_t = report.parse_time_v(os.path.join(dir_, "warm.time"))
    n_cold, n_warm = sum(cold.values()), sum(warm.values())
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
        "`/mock/stats` counts every request it received, refused ones included.",
        "",
        "| fetch | requests | by endpoint | wall s | exit | naive requests (3 a paper) | one a paper |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for name, counts, t in (("cold cache", cold, cold_t), ("warm cache", warm, warm_t)):
        by = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v)
        status = read_text(os.path.join(dir_, ("cold" if name.startswith("cold") else "warm") + ".status"))
        out.append(
            f"| {name} | {sum(counts.values())} | {by or '–'} | {report.fmt_s(t['wall'])} | {status} | {naive} | {papers} |"
        )
    if papers and cold_t["wall"]:
        out += [
            "",
            f"Cold: {n_cold} requests for {papers} papers = {n_cold / papers:.2f} a paper "
            f"({n_cold / naive:.0%} of the naive {naive}); at {rps:g} rps the naive fetch needs at least "
            f"{naive / rps:.0f} s, one request a paper {papers / rps:.0f} s; measured {cold_t['wall']:.0f} s.",
            f"Warm: {n_warm} requests, {report.fmt_s(warm_t['wall'])} s.",
        ]
    # The cached run.
    hf = load_json(os.path.join(dir_, "run.hyperfine.json"))
    rss = report.parse_time_v(os.path.join(dir_, "run-rss.time"))["rss_mb"]
    out += ["", "Cached `citegraph run --snapshot world.jsonl` on the real catalogue, render included:", ""]
    if hf and hf.get("results"):
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
