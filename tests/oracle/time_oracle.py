#!/usr/bin/env python3
"""Independent oracle for citegraph's time analyses (issue 14).

Reads a citation graph as citegraph writes it (edges.csv: source = citing, target = cited;
papers.csv: paper_id, year, in_catalog, mechanisms) and computes, from the definitions alone:

- lineage: search path counts of every edge of the acyclic catalogue graph (networkx for the
  DAG, Python's exact integers), the global main path's weight (networkx dag_longest_path_length
  with spc as weight), the key-route paths' weights and each mechanism's main path weight;
  with --brute-force, also spc by enumerating every source-to-sink path (small graphs only);
- citation bursts and mechanism bursts: Kleinberg's two-state batched model (scipy's gammaln for
  the binomial coefficient, a Viterbi written here);
- the beauty coefficient B and awakening year of each catalogue paper;
- RPYS: references per cited year and the deviation from the 5-year median (numpy).

Writes one JSON object to --out. Needs networkx, numpy and scipy.
"""

import argparse
import csv
import json
import math
import sys

import networkx as nx
import numpy as np
from scipy.special import gammaln

PLAUSIBLE = range(1000, 3000)
S, GAMMA, CAP = 2.0, 1.0, 0.99999


def read_graph(nodes_path, edges_path):
    papers = {}
    with open(nodes_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            year = int(row["year"]) if row["year"] else None
            if year is not None and year not in PLAUSIBLE:
                year = None
            mechanisms = [m for m in row["mechanisms"].split("; ") if m]
            papers[row["paper_id"]] = {
                "year": year,
                "catalog": row["in_catalog"] == "true",
                "mechanisms": mechanisms,
            }
    edges = set()
    with open(edges_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["source"] != row["target"]:
                edges.add((row["source"], row["target"]))
    return papers, sorted(edges)


def order_key(papers, pid):
    return (papers[pid]["year"], pid)


def path_counts(dag):
    """N-(v) and N+(v) by memoized recursion over predecessors / successors."""
    sys.setrecursionlimit(100000)
    into, out = {}, {}

    def n_minus(v):
        if v not in into:
            preds = list(dag.predecessors(v))
            into[v] = 1 if not preds else sum(n_minus(u) for u in preds)
        return into[v]

    def n_plus(v):
        if v not in out:
            succs = list(dag.successors(v))
            out[v] = 1 if not succs else sum(n_plus(w) for w in succs)
        return out[v]

    # Visit in topological order so the recursion stays shallow.
    order = list(nx.topological_sort(dag))
    for v in order:
        n_minus(v)
    for v in reversed(order):
        n_plus(v)
    return into, out


def spc_of(dag):
    into, out = path_counts(dag)
    return {(u, v): into[u] * out[v] for u, v in dag.edges()}


def brute_force_spc(dag):
    counts = {e: 0 for e in dag.edges()}
    sources = [v for v in dag if dag.in_degree(v) == 0 and dag.out_degree(v) > 0]
    sinks = [v for v in dag if dag.out_degree(v) == 0 and dag.in_degree(v) > 0]
    for s in sources:
        for t in sinks:
            for path in nx.all_simple_paths(dag, s, t):
                for e in zip(path, path[1:]):
                    counts[e] += 1
    return counts


def heaviest(dag, spc):
    """Longest (spc-weighted) path into and out of every node."""
    order = list(nx.topological_sort(dag))
    into = {v: 0 for v in dag}
    for v in order:
        for u in dag.predecessors(v):
            into[v] = max(into[v], into[u] + spc[(u, v)])
    out = {v: 0 for v in dag}
    for v in reversed(order):
        for w in dag.successors(v):
            out[v] = max(out[v], spc[(v, w)] + out[w])
    return into, out


def main_path_weight(dag, spc):
    if dag.number_of_edges() == 0:
        return 0
    nx.set_edge_attributes(dag, spc, "spc")
    return nx.dag_longest_path_length(dag, weight="spc")


def lineage(papers, edges, key_routes, brute):
    catalog = {p for p, d in papers.items() if d["catalog"] and d["year"] is not None}
    dag = nx.DiGraph()
    dag.add_nodes_from(catalog)
    for citing, cited in edges:
        if citing in catalog and cited in catalog:
            if order_key(papers, cited) < order_key(papers, citing):
                dag.add_edge(cited, citing)
    assert nx.is_directed_acyclic_graph(dag)
    spc = spc_of(dag)
    result = {
        "spc": {f"{u} {v}": str(c) for (u, v), c in spc.items()},
        "main_path_weight": str(main_path_weight(dag, spc)),
        "paths": str(
            sum(
                path_counts(dag)[1][v]
                for v in dag
                if dag.in_degree(v) == 0 and dag.out_degree(v) > 0
            )
        ),
    }
    if brute:
        assert brute_force_spc(dag) == spc, "spc differs from path enumeration"
        result["brute_force_checked"] = True
    into, out = heaviest(dag, spc)
    ranked = sorted(
        spc.items(),
        key=lambda e: (-e[1], order_key(papers, e[0][0]), order_key(papers, e[0][1])),
    )
    result["key_routes"] = [
        {"key": f"{u} {v}", "weight": str(into[u] + c + out[v])}
        for (u, v), c in ranked[:key_routes]
    ]
    by_mechanism = {}
    mechanisms = sorted(
        {m for p in catalog for m in papers[p]["mechanisms"] if m != "unspecified"}
    )
    for m in mechanisms:
        sub = dag.subgraph([p for p in catalog if m in papers[p]["mechanisms"]]).copy()
        sub_spc = spc_of(sub)
        by_mechanism[m] = str(main_path_weight(sub, sub_spc))
    result["by_mechanism"] = by_mechanism
    return result


def burst_cost(r, d, p):
    log_binom = gammaln(d + 1) - gammaln(r + 1) - gammaln(d - r + 1)
    hits = r * math.log(p) if r > 0 else 0.0
    misses = (d - r) * math.log(1 - p) if d > r else 0.0
    return -(log_binom + hits + misses)


def kleinberg(r, d):
    """Bursts [(start index, end index, strength)] of r among d."""
    n = len(d)
    if n == 0 or sum(r) == 0:
        return []
    p0 = sum(r) / sum(d)
    p = [p0, min(S * p0, CAP)]
    cost = [[burst_cost(r[t], d[t], p[i]) for t in range(n)] for i in range(2)]
    tau = GAMMA * math.log(n)
    # total[i][t]: least cost of 0..t ending in state i; back[i][t]: previous state.
    total = [[0.0] * n for _ in range(2)]
    back = [[0] * n for _ in range(2)]
    total[0][0], total[1][0] = cost[0][0], tau + cost[1][0]
    for t in range(1, n):
        for i in range(2):
            options = []
            for j in range(2):
                move = tau if i > j else 0.0
                options.append((total[j][t - 1] + move, j))
            best = min(options, key=lambda o: (o[0], o[1]))
            total[i][t] = best[0] + cost[i][t]
            back[i][t] = best[1]
    state = 0 if total[0][n - 1] <= total[1][n - 1] else 1
    states = [0] * n
    for t in range(n - 1, -1, -1):
        states[t] = state
        state = back[state][t]
    out, t = [], 0
    while t < n:
        if states[t] == 1:
            s = t
            while t < n and states[t] == 1:
                t += 1
            out.append((s, t - 1, sum(cost[0][u] - cost[1][u] for u in range(s, t))))
        else:
            t += 1
    return out


def bursts(papers, edges):
    per_year = {}
    for citing, _ in edges:
        y = papers[citing]["year"]
        if y is not None:
            per_year[y] = per_year.get(y, 0) + 1
    result = {"citations": [], "mechanisms": []}
    if per_year:
        first, last = min(per_year), max(per_year)
        d = [per_year.get(y, 0) for y in range(first, last + 1)]
        received = {}
        for citing, cited in edges:
            y = papers[citing]["year"]
            if y is not None and papers[cited]["catalog"]:
                received.setdefault(cited, {}).setdefault(y, 0)
                received[cited][y] += 1
        for pid, data in papers.items():
            if not data["catalog"]:
                continue
            counts = received.get(pid, {})
            r = [counts.get(y, 0) for y in range(first, last + 1)]
            for s, e, strength in kleinberg(r, d):
                result["citations"].append([pid, first + s, first + e, strength])
        result["years"] = [first, last]
    catalog_years = [d["year"] for d in papers.values() if d["catalog"] and d["year"] is not None]
    if catalog_years:
        first, last = min(catalog_years), max(catalog_years)
        d = [catalog_years.count(y) for y in range(first, last + 1)]
        mechanisms = sorted(
            {m for p in papers.values() if p["catalog"] for m in p["mechanisms"]} - {"unspecified"}
        )
        for m in mechanisms:
            r = [
                sum(
                    1
                    for p in papers.values()
                    if p["catalog"] and p["year"] == y and m in p["mechanisms"]
                )
                for y in range(first, last + 1)
            ]
            for s, e, strength in kleinberg(r, d):
                result["mechanisms"].append([m, first + s, first + e, strength])
    return result


def beauty(papers, edges):
    years = [d["year"] for d in papers.values() if d["year"] is not None]
    if not years:
        return {}
    latest = max(years)
    citers = {}
    for citing, cited in edges:
        citers.setdefault(cited, []).append(citing)
    out = {}
    for pid, data in papers.items():
        if not data["catalog"] or data["year"] is None:
            continue
        t0 = data["year"]
        c = {t: 0 for t in range(t0, latest + 1)}
        for citing in citers.get(pid, []):
            y = papers[citing]["year"]
            if y is not None and y >= t0:
                c[y] += 1
        tm = max(c, key=lambda t: (c[t], -t))
        if tm == t0:
            out[pid] = [0.0, None]
            continue
        b = sum(
            ((c[tm] - c[t0]) / (tm - t0) * (t - t0) + c[t0] - c[t]) / max(1, c[t])
            for t in range(t0, tm + 1)
        )
        denominator = math.hypot(c[tm] - c[t0], tm - t0)
        distance = {
            t: abs((c[tm] - c[t0]) * t - (tm - t0) * c[t] + tm * c[t0] - t0 * c[tm]) / denominator
            for t in range(t0, tm + 1)
        }
        awakening = max(distance, key=lambda t: (distance[t], -t))
        out[pid] = [b, awakening]
    return out


def rpys(papers, edges):
    years = [
        papers[cited]["year"]
        for citing, cited in edges
        if papers[citing]["catalog"] and papers[cited]["year"] is not None
    ]
    if not years:
        return []
    first, last = min(years), max(years)
    n = np.zeros(last - first + 5, dtype=np.int64)  # two zero years on each side
    for y in years:
        n[y - first + 2] += 1
    rows = []
    for i in range(2, last - first + 3):
        rows.append([first + i - 2, int(n[i]), int(n[i] - np.median(n[i - 2 : i + 3]))])
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", required=True)
    parser.add_argument("--edges", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--key-routes", type=int, default=10)
    parser.add_argument("--brute-force", action="store_true")
    args = parser.parse_args()
    papers, edges = read_graph(args.nodes, args.edges)
    result = {
        "lineage": lineage(papers, edges, args.key_routes, args.brute_force),
        "bursts": bursts(papers, edges),
        "beauty": beauty(papers, edges),
        "rpys": rpys(papers, edges),
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
