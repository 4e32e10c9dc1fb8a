#!/usr/bin/env python3
"""networkx doing the work of `citegraph analyze --scope all` on an edge list (issue #6):
read the edges into a DiGraph, PageRank (alpha 0.85), HITS, core numbers and Louvain
communities on the undirected graph, betweenness sampled from k pivots. Prints per-step
timings as JSON on stdout (progress on stderr). Each call is the one a user would write.

Usage: baseline_networkx.py EDGES [--k 64] [--timeout S] [--skip louvain,...] [--betweenness-probe P]
"""

from __future__ import annotations

import sys

import networkx as nx

import baseline_common as common


def main(argv: list[str]) -> int:
    args = common.parse_args("networkx", argv)
    timer = common.Timer(args, "networkx", nx.__version__)

    def load():
        g = nx.read_edgelist(args.edges, create_using=nx.DiGraph, nodetype=int)
        if args.nodes is not None:
            g.add_nodes_from(range(args.nodes))
        return g

    g = timer.run("load", load)
    if g is not None:
        timer.report["nodes"] = g.number_of_nodes()
        timer.report["edges"] = g.number_of_edges()

    pr_kwargs = {"alpha": args.alpha, "max_iter": args.max_iter}
    if args.pagerank_tol is not None:
        pr_kwargs["tol"] = args.pagerank_tol
    pr = timer.run("pagerank", lambda: nx.pagerank(g, **pr_kwargs), needs=("load",))
    if pr:
        timer.report["results"]["pagerank_top"] = max(pr, key=pr.get)
    timer.run("hits", lambda: nx.hits(g, max_iter=args.max_iter), needs=("load",))
    u = timer.run("undirected", lambda: g.to_undirected(as_view=False), needs=("load",))
    core = timer.run("core", lambda: nx.core_number(u), needs=("undirected",))
    if core:
        timer.report["results"]["max_core"] = max(core.values())
    comms = timer.run(
        "louvain", lambda: nx.community.louvain_communities(u, seed=args.seed), needs=("undirected",)
    )
    if comms is not None:
        timer.report["results"]["communities"] = len(comms)

    k = args.k
    if args.betweenness_probe and 0 < args.betweenness_probe < k:
        k = args.betweenness_probe
    graph_for_betweenness = u if args.undirected_betweenness else g
    timer.run(
        "betweenness",
        lambda: nx.betweenness_centrality(graph_for_betweenness, k=k or None, seed=args.seed),
        needs=("undirected",) if args.undirected_betweenness else ("load",),
    )
    if k != args.k:
        timer.mark_extrapolated("betweenness", k, args.k)
    timer.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
