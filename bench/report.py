#!/usr/bin/env python3
"""Turns the results bench/run.sh left in DIR/results into the generated part of bench/RESULTS.md:
machine, versions, the command, and tables of wall time, peak memory and ratios, end to end and
per step. Only the text between the `generated` markers is replaced; the hand-written analysis
around it stays.

Usage: report.py --dir DIR --results bench/RESULTS.md [--command "bench/run.sh ..."]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys

START = "<!-- generated:start (bench/report.py rewrites this part) -->"
END = "<!-- generated:end -->"
TOOLS = ("citegraph", "networkx", "igraph")  # end to end; "kernels" gives citegraph's per-step times
STEPS = ("load", "pagerank", "hits", "undirected", "core", "louvain", "leiden", "leidenalg", "cocitation", "coupling", "betweenness")
# Steps where igraph is the bar (issue #6: no slower than igraph).
IGRAPH_BAR = ("pagerank", "hits", "core")


def sh(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


STEP_LABELS = {
    "load": "load (citegraph: start, catalogue, JSONL parse, graph; baselines: edge list to graph)",
    "undirected": "undirected copy",
    "core": "core numbers",
    "louvain": "communities (Louvain; citegraph has none since Leiden)",
    "leiden": "communities (Leiden; igraph: community_leiden, modularity, n_iterations=-1)",
    "leidenalg": "communities (leidenalg, ModularityVertexPartition; vs citegraph's Leiden)",
    "cocitation": "co-citation pairs (citegraph only)",
    "coupling": "bibliographic coupling pairs (citegraph only)",
    "tables": "analysis tables (citegraph only)",
    "write": "summary and output files (citegraph only)",
}


def machine() -> list[str]:
    model = ""
    for line in sh("lscpu").splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    mem_kb = 0
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    py = sys.version.split()[0]
    try:
        import networkx

        nx_v = networkx.__version__
    except ImportError:
        nx_v = "missing"
    try:
        import igraph

        ig_v = igraph.__version__
    except ImportError:
        ig_v = "missing"
    try:
        import scipy

        sp_v = scipy.__version__
    except ImportError:
        sp_v = "missing"
    return [
        f"- CPU: {sh('nproc')} cores available (`nproc`), {model or 'unknown model'} (`lscpu`)",
        f"- memory: {mem_kb / 1024 / 1024:.1f} GiB; kernel {platform.release()}",
        f"- {sh('rustc', '--version')}; Python {py}; networkx {nx_v} (scipy {sp_v}); python-igraph {ig_v}",
        "- the 2 cores are shared with other work on this machine: expect a few % of noise",
    ]


def parse_time_v(path: str) -> dict:
    """Wall seconds and peak RSS (MiB) from `/usr/bin/time -v`."""
    out = {"wall": None, "rss_mb": None, "user": None, "sys": None}
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return out
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    if m:
        out["wall"] = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["rss_mb"] = int(m.group(1)) / 1024
    m = re.search(r"User time \(seconds\): ([\d.]+)", text)
    if m:
        out["user"] = float(m.group(1))
    m = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if m:
        out["sys"] = float(m.group(1))
    return out


def log_lines(path: str) -> list[tuple[float, str]]:
    """The stamped log bench/stamp.py wrote: (seconds since start, text) per line."""
    out = []
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError:
        return out
    for line in lines:
        m = re.match(r"\[\s*([\d.]+)\] (.*)", line)
        if m:
            out.append((float(m.group(1)), m.group(2)))
    return out


DURATION = re.compile(r"([\d.]+)(ns|µs|us|ms|s)\b")
UNIT = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
# citegraph's debug lines `WHAT in DURATION` (analysis/context.rs), mapped to the baselines' steps.
CITEGRAPH_STEPS = {
    "PageRank": "pagerank",
    "HITS": "hits",
    "betweenness": "betweenness",
    "undirected adjacency": "undirected",
    "core numbers": "core",
    "communities": "leiden",
    "co-citation": "cocitation",
    "bibliographic coupling": "coupling",
    "tables assembled": "tables",
}


def citegraph_steps(log: list[tuple[float, str]], wall: float | None) -> dict:
    """Per-step seconds of one `citegraph analyze` run from its stamped debug log. `load` is
    everything before the graph is built (process start, catalogue, JSONL parse, graph), the
    counterpart of a baseline's reading the edge list into a graph; `write` is what follows the
    tables (summary and output files) up to the process' exit."""
    steps: dict = {}
    tables_at = None
    for stamp, text in log:
        body = re.sub(r"^\s*(DEBUG|INFO|WARN|ERROR|TRACE)\s+", "", text)
        if body.startswith("citation graph:"):
            steps["load"] = {"status": "ok", "seconds": stamp}
            m = re.search(r"built in ([\d.]+(?:ns|µs|us|ms|s))", body)
            if m:
                d = DURATION.match(m.group(1))
                steps["load"]["graph_seconds"] = float(d.group(1)) * UNIT[d.group(2)]
            continue
        m = re.fullmatch(r"(.+?) in ([\d.]+)(ns|µs|us|ms|s)", body.strip())
        if m and m.group(1) in CITEGRAPH_STEPS:
            steps[CITEGRAPH_STEPS[m.group(1)]] = {"status": "ok", "seconds": float(m.group(2)) * UNIT[m.group(3)]}
            if m.group(1) == "tables assembled":
                tables_at = stamp
    if tables_at is not None and wall:
        steps["write"] = {"status": "ok", "seconds": max(0.0, wall - tables_at)}
    return steps


def load_results(dir_: str) -> dict:
    """{(tool, size): [run, ...]} with each run's time -v figures, step timings and metadata."""
    found: dict = {}
    for run_path in sorted(glob.glob(os.path.join(dir_, "results", "*.run"))):
        base = run_path[: -len(".run")]
        name = os.path.basename(base)
        m = re.fullmatch(r"(citegraph|kernels|networkx|igraph)-(.+)-r(\d+)", name)
        if not m:
            continue
        tool, size = m.group(1), m.group(2)
        meta = json.load(open(run_path, encoding="utf-8"))
        run = dict(meta, **parse_time_v(base + ".time"))
        run["log"] = log_lines(base + ".err")
        if tool == "citegraph":
            run["steps"] = citegraph_steps(run["log"], run.get("wall"))
        else:
            try:
                data = json.load(open(base + ".out", encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            run["steps"] = data.get("steps", {})
            run["baseline"] = data
        found.setdefault((tool, size), []).append(run)
    return found


def median_run(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["wall"] is not None]
    if not ok:
        return runs[0]
    ok.sort(key=lambda r: r["wall"])
    return ok[len(ok) // 2]


def size_key(size: str) -> float:
    m = re.fullmatch(r"([\d.]+)([kM]?)", size)
    if not m:
        return float("inf")
    return float(m.group(1)) * {"": 1, "k": 1e3, "M": 1e6}[m.group(2)]


def fmt_s(x) -> str:
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 1:
        return f"{x:.2f}"
    if x >= 0.01:
        return f"{x:.3f}"
    return f"{x * 1000:.2f} ms"


def fmt_step(step: dict | None) -> str:
    if not step:
        return "–"
    status = step.get("status")
    if status == "timeout":
        return f"> {fmt_s(step.get('seconds'))} (cap)"
    if status == "skipped":
        return "skipped"
    text = fmt_s(step.get("seconds"))
    return f"~{text} (extrap.)" if status == "extrapolated" else text


def ratio(other: dict | None, ours: dict | None) -> str:
    """other / ours, with `>` when the other side was capped."""
    if not other or not ours or ours.get("seconds") in (None, 0) or other.get("seconds") is None:
        return "–"
    r = other["seconds"] / ours["seconds"]
    prefix = {"timeout": "> ", "extrapolated": "~"}.get(other.get("status"), "")
    return f"{prefix}{r:.1f}x" if r < 100 else f"{prefix}{r:.0f}x"


def meta_line(dir_: str, size: str) -> str:
    try:
        meta = json.load(open(os.path.join(dir_, f"meta-{size}.json"), encoding="utf-8"))
    except (OSError, ValueError):
        return f"### {size}"
    return (
        f"### {size}: {meta['nodes']:,} papers, {meta['edges']:,} references "
        f"(max in-degree {meta['max_in_degree']:,}; snapshot {meta['jsonl_bytes'] / 1e6:.0f} MB)"
    )


def build(dir_: str, command: str) -> str:
    results = load_results(dir_)
    sizes = sorted({size for (_, size) in results}, key=size_key)
    out = ["## Machine and versions", "", *machine(), "", "## Reproduce", "", "```sh", command, "```", ""]
    out += [
        "Wall time and peak memory are `/usr/bin/time -v` of the whole process: for citegraph,",
        "`citegraph analyze --snapshot papers-SIZE.jsonl --scope all` (parse the JSONL, build the graph,",
        "every metric, the analysis tables, write every output); for the baselines, the Python",
        "interpreter, imports, reading the edge list and every step. Per-step times: citegraph's own",
        "debug log (`WHAT in DURATION`, analysis/context.rs) and the arrival time of its lines",
        "(bench/stamp.py); the baselines' `time.perf_counter` around each library call. The",
        "baselines run with citegraph's betweenness pivots (exact up to 20k nodes) and, for networkx",
        "PageRank, its tolerance. Ratios are baseline time / citegraph time:",
        "above 1x citegraph is faster. `> x (cap)`: the step was abandoned at the cap, the ratio is a",
        "lower bound; `~x (extrap.)`: timed on fewer betweenness pivots and scaled linearly, an estimate.",
        "",
        "## End to end",
        "",
        "| size | tool | wall s | CPU s (user+sys) | peak MB | steps sum s | exit | baseline / citegraph (wall) | (CPU) | load avg after | commit |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for size in sizes:
        ours = results.get(("citegraph", size))
        ours_run = median_run(ours) if ours else None
        for tool in TOOLS:
            runs = results.get((tool, size))
            if not runs:
                continue
            r = median_run(runs)
            steps_sum = sum(s["seconds"] for s in r["steps"].values() if s.get("seconds") is not None)
            capped = any(s.get("status") in ("timeout", "skipped") for s in r["steps"].values())
            steps_txt = (("> " if capped else "") + fmt_s(steps_sum)) if r["steps"] else "–"
            vs = "–"
            if tool != "citegraph" and ours_run and ours_run.get("wall") and r.get("wall"):
                # An extrapolated step ran only in part: add what it would have taken.
                extra = sum(
                    s["seconds"] - s.get("measured_seconds", s["seconds"])
                    for s in r["steps"].values()
                    if s.get("status") == "extrapolated"
                )
                vs = "> " if capped else "~" if extra else ""
                vs += f"{(r['wall'] + extra) / ours_run['wall']:.1f}x"
            rss = f"{r['rss_mb']:.0f}" if r.get("rss_mb") is not None else "–"
            cpu = (r["user"] or 0) + (r["sys"] or 0) if r.get("user") is not None else None
            vs_cpu = "–"
            if tool != "citegraph" and ours_run and ours_run.get("user") and cpu:
                ours_cpu = ours_run["user"] + (ours_run["sys"] or 0)
                vs_cpu = ("> " if capped else "") + f"{cpu / ours_cpu:.1f}x"
            runs_note = f" (median of {len(runs)})" if len(runs) > 1 else ""
            out.append(
                f"| {size} | {tool}{runs_note} | {fmt_s(r.get('wall'))} | {fmt_s(cpu)} | {rss} | {steps_txt} | {r.get('status')} "
                f"| {vs} | {vs_cpu} | {r.get('loadavg', '?')} | {r.get('commit', '')} |"
            )
    out += [
        "",
        "citegraph's steps overlap (the kernels run beside Louvain, the files are written side by",
        "side), so its steps sum can exceed its wall time.",
        "CPU is user + sys time of all threads: steadier than wall time on a shared machine, and the",
        "fair measure of work (citegraph uses both cores, the Python baselines mostly one).",
        "A baseline whose step hit the cap has a wall time that stops at the cap: its ratio is a lower",
        "bound. An extrapolated betweenness is in the baseline's steps sum, not in its wall time; its",
        "ratio (`~`) adds the extrapolated remainder to the wall time.",
        "",
        "## Per step",
        "",
    ]
    for size in sizes:
        out += [meta_line(dir_, size), ""]
        cg = median_run(results[("citegraph", size)])["steps"] if ("citegraph", size) in results else {}
        kern = median_run(results[("kernels", size)])["steps"] if ("kernels", size) in results else {}
        nx_ = median_run(results[("networkx", size)])["steps"] if ("networkx", size) in results else {}
        ig = median_run(results[("igraph", size)])["steps"] if ("igraph", size) in results else {}
        kern_col = " citegraph kernels s |" if kern else ""
        out += [
            f"| step | citegraph s |{kern_col} networkx s | igraph s | networkx / citegraph | igraph / citegraph |",
            "|---|---:|" + ("---:|" if kern else "") + "---:|---:|---:|---:|",
        ]
        for step in STEPS + ("tables", "write"):
            a, b, c = cg.get(step), nx_.get(step), ig.get(step)
            if step == "leidenalg":
                # leidenalg runs in the igraph baseline; the bar is citegraph's Leiden.
                a = cg.get("leiden")
            if not (a or b or c):
                continue
            bar = " (bar: >= 1x)" if step in IGRAPH_BAR else ""
            label = STEP_LABELS.get(step, step)
            kcell = f" {fmt_step(kern.get(step))} |" if kern else ""
            out.append(
                f"| {label} | {fmt_step(a)} |{kcell} {fmt_step(b)} | {fmt_step(c)} | {ratio(b, a)} | {ratio(c, a)}{bar} |"
            )
        out.append("")
    out += [
        "## Where `citegraph analyze` spends its time",
        "",
        "Its log (info level and debug), each line stamped with the seconds since the process started",
        "(bench/stamp.py): the gap before a line is the work that line reports. Lines written before",
        "the stamper's Python had started share its start time (0.05-0.4 s on the loaded machine): at",
        "10k the citegraph `load` row above is that start time, an upper bound.",
        "",
    ]
    for size in sizes:
        runs = results.get(("citegraph", size))
        if not runs:
            continue
        r = median_run(runs)
        lines = [f"[{t:8.3f}] {text[:110]}" for t, text in r.get("log", [])]
        if len(lines) > 40:
            lines = lines[:20] + [f"... {len(lines) - 40} lines ..."] + lines[-20:]
        out += [f"{size}:", "", "```", *lines, f"[{r.get('wall') or 0:8.3f}] (process exit)", "```", ""]
    return "\n".join(out).rstrip() + "\n"


def replace_section(results: str, start: str, end: str, generated: str, title: str) -> None:
    """Writes `generated` between the markers of RESULTS.md (appending a section with `title` when
    the markers are not there yet), leaving every other line as it was."""
    try:
        old = open(results, encoding="utf-8").read()
    except OSError:
        old = "# Benchmarks (issue #6)\n"
    if start in old and end in old:
        head, rest = old.split(start, 1)
        tail = rest.split(end, 1)[1]
        text = f"{head}{start}\n{generated}{end}{tail}"
    else:
        text = f"{old.rstrip()}\n\n{title}\n\n{start}\n{generated}{end}\n"
    tmp = f"{results}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, results)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=os.environ.get("CITEGRAPH_BENCH_DIR", "/tmp/citegraph-bench"))
    parser.add_argument("--results", required=True)
    parser.add_argument("--command", default="bench/run.sh")
    args = parser.parse_args(argv)
    replace_section(args.results, START, END, build(args.dir, args.command), "# The analysis at scale")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
