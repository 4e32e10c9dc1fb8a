#!/usr/bin/env python3
"""Leiden alone, citegraph against igraph's community_leiden and leidenalg (issue #13).

For each edge list (from bench/gen_snapshot.py), each tool runs in its own process on the same
undirected simple graph (each citation pair once, no self-loops), timing only the community call,
in interleaved rounds (tool A, B, C, then again), so that the machine's load hits all alike. The
table gives the best and median seconds of the rounds and the modularity each reached.

  citegraph          the analysis' Leiden (`cargo bench --bench kernels`, CITEGRAPH_BENCH_ONLY=leiden):
                     its default trials, best modularity kept; variants by environment
  igraph             Graph.community_leiden(objective_function="modularity", n_iterations=-1):
                     run until an iteration changes nothing, one run (what citegraph does per trial)
  igraph-2           the same with igraph's default n_iterations=2
  leidenalg          leidenalg.find_partition(g, ModularityVertexPartition, seed=0): its defaults

Usage: bench/leiden.py [--dir /tmp/citegraph-bench] [--sizes 10k,100k,1M] [--rounds 3]
                       [--timeout 600] [--tools citegraph,igraph,igraph-2,leidenalg]
                       [--variant NAME:TRIALS:TOLERANCE[:MAX_ITERATIONS] ...]
Never run by `cargo test` or CI. Prints a Markdown table; raw JSON lines go to DIR/results/leiden.jsonl.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import time

PY_TOOL = r'''
import json, sys, time
import igraph
tool, path = sys.argv[1], sys.argv[2]
edges = []
with open(path) as f:
    for line in f:
        a, b = line.split()
        edges.append((int(a), int(b)))
n = 1 + max(max(a, b) for a, b in edges)
g = igraph.Graph(n=n, edges=edges, directed=False)
g.simplify()
start = time.perf_counter()
if tool == "igraph":
    part = g.community_leiden(objective_function="modularity", n_iterations=-1)
elif tool == "igraph-2":
    part = g.community_leiden(objective_function="modularity", n_iterations=2)
else:
    import leidenalg
    part = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, seed=0)
seconds = time.perf_counter() - start
print(json.dumps({"tool": tool, "nodes": g.vcount(), "edges": g.ecount(), "seconds": seconds,
                  "modularity": g.modularity(part.membership), "communities": len(set(part.membership))}))
'''


def kernels_binary(repo: str) -> str:
    subprocess.run(["cargo", "bench", "--bench", "kernels", "--no-run", "--quiet"], cwd=repo, check=True)
    found = sorted(glob.glob(os.path.join(repo, "target/release/deps/kernels-*")), key=os.path.getmtime)
    found = [f for f in found if os.access(f, os.X_OK) and not f.endswith(".d")]
    if not found:
        sys.exit("leiden.py: no kernels bench binary under target/release/deps")
    return found[-1]


def run(cmd: list[str], env: dict, timeout: float) -> dict:
    start = time.perf_counter()
    try:
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": f"timeout {timeout:.0f} s"}
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["?"])[-1]
        return {"status": f"failed ({out.returncode}: {tail[:80]})"}
    line = out.stdout.strip().splitlines()[-1]
    result = json.loads(line)
    result["status"] = "ok"
    result["wall"] = time.perf_counter() - start
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default=os.environ.get("CITEGRAPH_BENCH_DIR", "/tmp/citegraph-bench"))
    ap.add_argument("--sizes", default="10k,100k,1M")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--tools", default="citegraph,igraph,igraph-2,leidenalg")
    ap.add_argument("--variant", action="append", default=[],
                    help="another citegraph configuration NAME:TRIALS:TOLERANCE[:MAX_ITERATIONS] (e.g. one:1:1e-3)")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tools = args.tools.split(",")
    variants = [v.split(":") for v in args.variant]
    binary = kernels_binary(repo) if "citegraph" in tools or variants else None
    os.makedirs(os.path.join(args.dir, "results"), exist_ok=True)
    log = open(os.path.join(args.dir, "results", "leiden.jsonl"), "a")
    table: dict = {}
    load = os.getloadavg()[0]
    for size in args.sizes.split(","):
        path = os.path.join(args.dir, f"edges-{size}.txt")
        if not os.path.exists(path):
            sys.exit(f"leiden.py: {path} is missing: python3 bench/gen_snapshot.py --out {args.dir} {size}")
        jobs = []
        for tool in tools:
            if tool == "citegraph":
                env = dict(os.environ, CITEGRAPH_BENCH_EDGES=path, CITEGRAPH_BENCH_ONLY="leiden")
                jobs.append(("citegraph", [binary], env))
            else:
                jobs.append((tool, [sys.executable, "-c", PY_TOOL, tool, path], dict(os.environ)))
        for name, trials, tolerance, *iterations in variants:
            env = dict(os.environ, CITEGRAPH_BENCH_EDGES=path, CITEGRAPH_BENCH_ONLY="leiden",
                       CITEGRAPH_LEIDEN_TRIALS=trials, CITEGRAPH_LEIDEN_TOLERANCE=tolerance)
            if iterations:
                env["CITEGRAPH_LEIDEN_MAX_ITERATIONS"] = iterations[0]
            jobs.append((f"citegraph {name}", [binary], env))
        for r in range(args.rounds):
            for name, cmd, env in jobs:
                if table.get((size, name), {}).get("dead"):
                    continue
                result = run(cmd, env, args.timeout)
                result.update(size=size, tool=name, round=r, load=os.getloadavg()[0])
                log.write(json.dumps(result) + "\n")
                log.flush()
                entry = table.setdefault((size, name), {"seconds": [], "modularity": [], "status": "ok"})
                if result["status"] != "ok":
                    entry["status"] = result["status"]
                    entry["dead"] = True
                    print(f"{size} {name}: {result['status']}", file=sys.stderr)
                    continue
                entry["seconds"].append(result["seconds"])
                entry["modularity"].append(result["modularity"])
                entry["communities"] = result["communities"]
                print(f"{size} {name} round {r}: {result['seconds']:.3f} s, Q {result['modularity']:.4f}, "
                      f"{result['communities']} communities (load {result['load']:.1f})", file=sys.stderr)
    print(f"\nLeiden alone (load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
          f"{args.rounds} interleaved rounds)\n")
    print("| size | tool | best s | median s | modularity (best run) | communities | vs citegraph (median) |")
    print("|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        ours = table.get((size, "citegraph"), {}).get("seconds")
        for (s, name), e in table.items():
            if s != size:
                continue
            if not e["seconds"]:
                print(f"| {size} | {name} | {e['status']} | | | | |")
                continue
            med = statistics.median(e["seconds"])
            ratio = f"{med / statistics.median(ours):.1f}x" if ours else ""
            print(f"| {size} | {name} | {min(e['seconds']):.3f} | {med:.3f} | {max(e['modularity']):.4f} | "
                  f"{e['communities']} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
