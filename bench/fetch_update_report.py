#!/usr/bin/env python3
"""Turns what bench/fetch_update.sh left in DIR into the fetch-update section of
bench/RESULTS.md: requests of a full fetch, of `fetch --update` months later and of a fresh full
fetch of the later world, by endpoint, and whether the update's citation and reference sets
equal the fresh fetch's (from their `snapshot export`s).

Usage: fetch_update_report.py --dir DIR --results bench/RESULTS.md [--months 6] [--command ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import report

START = "<!-- fetch-update:start (bench/fetch_update_report.py rewrites this part) -->"
END = "<!-- fetch-update:end -->"


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


def link_sets(path: str) -> dict[str, tuple[frozenset, frozenset]] | None:
    """Citing and cited paper ids of every record of an exported snapshot."""
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        return None
    out = {}
    for line in lines:
        record = json.loads(line)
        ids = lambda key: frozenset(l["paperId"] for l in record.get(key) or [] if l.get("paperId"))
        out[record["paperId"]] = (ids("citations"), ids("references"))
    return out


def requests(dir_: str, name: str, after: str | None = None) -> tuple[int, str]:
    """Requests of fetch NAME, by endpoint; `after`: the fetch before it on the same mock (its
    counts are cumulative)."""
    stats = load_json(os.path.join(dir_, f"{name}.stats")) or {}
    before = load_json(os.path.join(dir_, f"{after}.stats")) or {} if after else {}
    stats = {k: v - before.get(k, 0) for k, v in stats.items()}
    total = sum(stats.values())
    by = ", ".join(f"{k} {v}" for k, v in sorted(stats.items()) if v)
    return total, by or "–"


def build(dir_: str, months: int, command: str) -> str:
    out = [
        *report.machine(),
        "",
        "```sh",
        command,
        "```",
        "",
        "The whole real catalogue (../shared/catalog) against the mock serving the shared s2-world,",
        f"then the same world {months} months on (`mock_s2 --later {months}`: `World::later` in",
        "tests/it/common/mock_s2.rs). Counts are the mock's `/mock/stats`, every request it received.",
        "`same sets` compares each record's citing and cited paper ids after the update with a fresh",
        "full fetch of the later world (`snapshot export` of both caches).",
        "",
        "| mode | spread | later world | full fetch | update | by endpoint | fresh fetch, later world | same sets |",
        "|---|---:|---|---:|---:|---|---:|---|",
    ]
    for tag in read_text(os.path.join(dir_, "cases")).split():
        mode, spread = tag.split("-s", 1)
        full, _ = requests(dir_, f"full-{tag}")
        update, by = requests(dir_, f"update-{tag}")
        fresh, _ = requests(dir_, f"fresh-{tag}", after=f"update-{tag}")
        statuses = {read_text(os.path.join(dir_, f"{n}-{tag}.status")) for n in ("full", "update", "fresh")}
        got = link_sets(os.path.join(dir_, f"update-{tag}.jsonl"))
        want = link_sets(os.path.join(dir_, f"fresh-{tag}.jsonl"))
        if got is None or want is None:
            same = "not compared (an export is missing)"
        else:
            differ = sorted(k for k in want.keys() | got.keys() if got.get(k) != want.get(k))
            same = "yes" if not differ else f"**no**: {len(differ)} records differ"
        if statuses != {"0"}:
            same += f" (exit statuses {sorted(statuses)})"
        world = read_text(os.path.join(dir_, f"world-later-{tag}.txt")).splitlines()
        world = next((l.split(": ", 1)[1] for l in world if "months on" in l), "?")
        world = world.split(": ", 1)[-1]
        label = "link details (default)" if mode == "details" else "--no-link-details"
        out.append(f"| {label} | {spread} | {world} | {full} | **{update}** | {by} | {fresh} | {same} |")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--command", default="bench/fetch_update.sh")
    args = parser.parse_args(argv)
    report.replace_section(
        args.results, START, END, build(args.dir, args.months, args.command), "# fetch --update (issue 12)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
