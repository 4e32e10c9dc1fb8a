"""Independent implementations of the age-fair scores and the CD index, for
tests/it/age_fair_oracle.rs.

Input: --edges FILE (lines "citing cited"), --nodes FILE (lines "node year", year "-" when
unknown), --now YEAR, --window N (rescaled PageRank), --cd-years T. Output (--out FILE, JSON):
- "citerank": networkx.pagerank(G, alpha=1 - 0.5, personalization=exp(-age / 2.6)) over the
  papers with a year (Walker et al. 2007 as personalized PageRank);
- "rescaled": Mariani, Medo & Zhang (2016) z-scores of networkx PageRank (alpha 0.85) among the
  papers within r years, r the smallest distance at which they are at least `window` (whole
  years: a year's papers share a window), computed window by window with numpy (no running
  sums);
- "cd_networkx": networkx.cd_index on the graph of the focal paper, its references and the
  window's papers with only their own citations (and the focal paper's), None where networkx
  raises (undefined);
- "cd_exact": Funk & Owen-Smith (2017) CD_t from its definition, unrounded.
"""
import argparse
import json
import math

import networkx as nx
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edges", required=True)
    ap.add_argument("--nodes", required=True)
    ap.add_argument("--now", type=int, required=True)
    ap.add_argument("--window", type=int, required=True)
    ap.add_argument("--cd-years", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    years = {}
    for line in open(a.nodes):
        v, y = line.split()
        years[int(v)] = None if y == "-" else int(y)
    G = nx.DiGraph()
    G.add_nodes_from(years)
    for line in open(a.edges):
        u, v = map(int, line.split())
        G.add_edge(u, v)
    n = len(years)

    rho = {v: (math.exp(-max(a.now - y, 0) / 2.6) if y is not None else 0.0) for v, y in years.items()}
    citerank = nx.pagerank(G, alpha=0.5, personalization=rho, tol=1e-14, max_iter=10000)

    pr = nx.pagerank(G, alpha=0.85, tol=1e-14, max_iter=10000)
    dated = sorted((y, v) for v, y in years.items() if y is not None)
    order = [v for _, v in dated]
    w = min(a.window, len(order))
    rescaled = {v: None for v in years}
    ys = np.array([years[u] for u in order], dtype=float)
    for v in order:
        # The papers within r years, r the smallest distance that gives at least w of them.
        dist = np.abs(ys - years[v])
        r = next(r for r in sorted(set(dist)) if (dist <= r).sum() >= w)
        vals = np.array([pr[u] for u, d in zip(order, dist) if d <= r])
        sd = vals.std()
        if sd > 1e-12 * max(abs(vals).max(), 1e-300):
            rescaled[v] = (pr[v] - vals.mean()) / sd

    t = a.cd_years
    cd_nx, cd_exact = {}, {}
    for f in range(n):
        T = years[f]
        refs = set(G.successors(f)) - {f}
        if T is None or not refs:
            cd_nx[f] = cd_exact[f] = None
            continue
        window = {i for i in G if i != f and years[i] is not None and T <= years[i] <= T + t}
        H = nx.DiGraph()
        H.add_nodes_from([f, *refs, *window])
        H.add_edges_from((f, r) for r in refs)
        H.add_edges_from((i, j) for i in window for j in G.successors(i) if j in H)
        nx.set_node_attributes(H, {v: years[v] if years[v] is not None else T for v in H}, "time")
        try:
            cd_nx[f] = nx.cd_index(H, f, time_delta=t)
        except nx.NetworkXError:
            cd_nx[f] = None
        citers = {i for i in window if G.has_edge(i, f) or any(G.has_edge(i, r) for r in refs)}
        # Undefined without a citer of f in the window (Park et al.'s guard; networkx gives 0).
        if not any(G.has_edge(i, f) for i in citers):
            cd_exact[f] = cd_nx[f] = None
            continue
        s = 0
        for i in citers:
            fi = 1 if G.has_edge(i, f) else 0
            bi = 1 if any(G.has_edge(i, r) for r in refs) else 0
            s += -2 * fi * bi + fi
        cd_exact[f] = s / len(citers)

    json.dump({
        "citerank": [citerank[v] for v in range(n)],
        "rescaled": [rescaled[v] for v in range(n)],
        "cd_networkx": [cd_nx[v] for v in range(n)],
        "cd_exact": [cd_exact[v] for v in range(n)],
    }, open(a.out, "w"))


if __name__ == "__main__":
    main()
