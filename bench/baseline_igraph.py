#!/usr/bin/env python3
"""python-igraph doing the work of `citegraph analyze --scope all` on an edge list (issue #6):
read the edges into a directed Graph, PageRank (damping 0.85, PRPACK), HITS (hub and authority
scores), coreness and multilevel (Louvain) communities on the undirected graph, Leiden
communities (igraph's community_leiden with the modularity objective, run to convergence, and
leidenalg's ModularityVertexPartition with its defaults, issue #13; both on the undirected simple
graph), betweenness from k sampled source pivots. Prints per-step timings as JSON on stdout
(progress on stderr).

Usage: baseline_igraph.py EDGES [--k 64] [--timeout S] [--skip louvain,...]
"""

from __future__ import annotations

import sys

import igraph

try:
    import leidenalg
except ImportError:
    leidenalg = None

import baseline_common as common


def main(argv: list[str]) -> int:
    args = common.parse_args("igraph", argv)
    timer = common.Timer(args, "python-igraph", igraph.__version__)

    def load():
        g = igraph.Graph.Read_Edgelist(args.edges, directed=True)
        if args.nodes is not None and g.vcount() < args.nodes:
            g.add_vertices(args.nodes - g.vcount())
        return g

    g = timer.run("load", load)
    if g is not None:
        timer.report["nodes"] = g.vcount()
        timer.report["edges"] = g.ecount()

    pr = timer.run("pagerank", lambda: g.pagerank(damping=args.alpha, directed=True), needs=("load",))
    if pr:
        timer.report["results"]["pagerank_top"] = max(range(len(pr)), key=pr.__getitem__)
    timer.run("hits", lambda: (g.hub_score(), g.authority_score()), needs=("load",))
    # igraph's coreness takes a mode and needs no undirected copy; the communities do.
    u = timer.run("undirected", lambda: g.as_undirected(), needs=("load",))
    core = timer.run("core", lambda: g.coreness(mode="all"), needs=("load",))
    if core:
        timer.report["results"]["max_core"] = max(core)
    comms = timer.run("louvain", lambda: u.community_multilevel(), needs=("undirected",))
    if comms is not None:
        timer.report["results"]["communities"] = len(comms)
        timer.report["results"]["modularity"] = comms.modularity

    # Leiden on the simple undirected graph (as_undirected keeps multi-edges from mutual
    # citations; citegraph counts each pair once).
    if u is not None:
        u.simplify()
    leiden = timer.run(
        "leiden",
        lambda: u.community_leiden(objective_function="modularity", n_iterations=-1),
        needs=("undirected",),
    )
    if leiden is not None:
        timer.report["results"]["leiden_communities"] = len(leiden)
        timer.report["results"]["leiden_modularity"] = u.modularity(leiden.membership)
    if leidenalg is not None:
        part = timer.run(
            "leidenalg",
            lambda: leidenalg.find_partition(u, leidenalg.ModularityVertexPartition, seed=args.seed),
            needs=("undirected",),
        )
        if part is not None:
            timer.report["results"]["leidenalg_communities"] = len(part)
            timer.report["results"]["leidenalg_modularity"] = u.modularity(part.membership)
        timer.report["leidenalg_version"] = leidenalg.version

    k = args.k
    if args.betweenness_probe and 0 < args.betweenness_probe < k:
        k = args.betweenness_probe
    # k = 0: exact, every node a source (igraph's sources=None).
    sources = common.pivots(g.vcount(), k, args.seed) if g is not None and k else None
    graph_for_betweenness = u if args.undirected_betweenness else g
    timer.run(
        "betweenness",
        lambda: graph_for_betweenness.betweenness(directed=not args.undirected_betweenness, sources=sources),
        needs=("undirected",) if args.undirected_betweenness else ("load",),
    )
    if k != args.k:
        timer.mark_extrapolated("betweenness", k, args.k)
    timer.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
