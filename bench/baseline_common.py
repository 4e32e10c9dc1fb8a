"""What the networkx and igraph baselines share: arguments, per-step timing with a time cap,
and the JSON they print. Kept apart so both time exactly the same steps the same way."""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys
import time

# The steps of `citegraph analyze --scope all`, in its order. `undirected` is the conversion the
# core numbers and the communities need; a library that needs none reports it as 0.
STEPS = ("load", "pagerank", "hits", "undirected", "core", "louvain", "leiden", "leidenalg", "betweenness")


class StepTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise StepTimeout()


def parse_args(tool: str, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=f"{tool}: the work of `citegraph analyze --scope all` on an edge list, timed per step."
    )
    parser.add_argument("edges", help="edge list, `source target` a line, 0-based integer ids")
    parser.add_argument("--nodes", type=int, help="node count (default: meta-*.json beside the edge list, else max id + 1)")
    parser.add_argument("--alpha", type=float, default=0.85, help="PageRank damping")
    parser.add_argument(
        "--pagerank-tol",
        type=float,
        default=None,
        help="PageRank tolerance, networkx's meaning: L1 change below N * tol (default: the library's)",
    )
    parser.add_argument("--max-iter", type=int, default=1000, help="iteration cap of PageRank and HITS, where the library takes one")
    parser.add_argument("--k", type=int, default=256, help="betweenness pivots (sampled sources); 0: exact, every node a source")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--undirected-betweenness", action="store_true", help="betweenness on the undirected graph (default: directed)")
    parser.add_argument("--timeout", type=float, default=0, help="seconds a step may take before it is abandoned (0: no cap)")
    parser.add_argument("--skip", default="", help="comma-separated steps not to run (reported as skipped)")
    parser.add_argument(
        "--betweenness-probe",
        type=int,
        default=0,
        help="time betweenness with this many pivots only and extrapolate linearly to --k (labelled as extrapolated)",
    )
    args = parser.parse_args(argv)
    unknown = [s for s in args.skip.split(",") if s and s not in STEPS]
    if unknown:
        parser.error(f"unknown steps in --skip: {unknown}; steps are {', '.join(STEPS)}")
    if args.nodes is None:
        args.nodes = nodes_from_meta(args.edges)
    return args


def nodes_from_meta(edges_path: str) -> int | None:
    base = os.path.basename(edges_path)
    if base.startswith("edges-") and base.endswith(".txt"):
        meta = os.path.join(os.path.dirname(edges_path), "meta-" + base[len("edges-") : -len(".txt")] + ".json")
        if os.path.exists(meta):
            with open(meta, encoding="utf-8") as f:
                return int(json.load(f)["nodes"])
    return None


class Timer:
    """Runs the steps one by one, each under the cap, and keeps what each took."""

    def __init__(self, args: argparse.Namespace, tool: str, version: str):
        self.args = args
        self.skip = {s for s in args.skip.split(",") if s}
        self.report = {
            "tool": tool,
            "version": version,
            "python": sys.version.split()[0],
            "edges_file": args.edges,
            "k": args.k,
            "alpha": args.alpha,
            "steps": {},
            "results": {},
        }
        signal.signal(signal.SIGALRM, _on_alarm)

    def run(self, name: str, fn, *, needs: tuple[str, ...] = ()):
        """Times fn(); returns its value, or None when skipped, failed for want of an earlier
        step, or abandoned at the cap."""
        assert name in STEPS, name
        missing = [d for d in needs if self.report["steps"].get(d, {}).get("status") not in ("ok",)]
        if name in self.skip or missing:
            why = "skipped" if name in self.skip else f"not run: needs {', '.join(missing)}"
            self.report["steps"][name] = {"status": "skipped", "seconds": None, "note": why}
            print(f"{name}: {why}", file=sys.stderr)
            return None
        timeout = self.args.timeout
        t0 = time.perf_counter()
        if timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            value = fn()
        except StepTimeout:
            self.report["steps"][name] = {"status": "timeout", "seconds": time.perf_counter() - t0}
            print(f"{name}: abandoned after {timeout:.0f} s", file=sys.stderr)
            return None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.perf_counter() - t0
        self.report["steps"][name] = {"status": "ok", "seconds": seconds}
        print(f"{name}: {seconds:.3f} s", file=sys.stderr)
        return value

    def mark_extrapolated(self, name: str, measured_pivots: int, target_pivots: int) -> None:
        step = self.report["steps"].get(name)
        if step and step["status"] == "ok":
            step["measured_seconds"] = step["seconds"]
            step["seconds"] = step["seconds"] * target_pivots / measured_pivots
            step["status"] = "extrapolated"
            step["note"] = f"timed with {measured_pivots} pivots, scaled linearly to {target_pivots}"

    def finish(self) -> None:
        steps = self.report["steps"]
        done = [s["seconds"] for s in steps.values() if s["seconds"] is not None]
        self.report["total_seconds"] = sum(done)
        # A total over capped or extrapolated steps is a bound or an estimate, not a measurement.
        self.report["total_is_lower_bound"] = any(s["status"] in ("timeout", "skipped") for s in steps.values())
        self.report["total_is_estimate"] = any(s["status"] == "extrapolated" for s in steps.values())
        self.report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        json.dump(self.report, sys.stdout, indent=2)
        sys.stdout.write("\n")


def pivots(n: int, k: int, seed: int) -> list[int]:
    import random

    return random.Random(seed).sample(range(n), min(k, n))
