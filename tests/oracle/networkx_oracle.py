#!/usr/bin/env python3
"""networkx oracle for citegraph's metric tests.

Reads a directed edge list (CSV with a header whose first two columns are the citing and the
cited paper, like OUTPUT/edges.csv) and, optionally, a node list (CSV with a `paper_id` column,
like OUTPUT/papers.csv, so isolated nodes count too), and writes networkx's values as JSON:

  in_degree, out_degree      G.in_degree / G.out_degree
  pagerank                   nx.pagerank(G, alpha=0.85, tol=1e-12)
  hub, authority             nx.hits(G, tol=1e-12)
  core                       nx.core_number(G.to_undirected() without self-loops)
  betweenness (--betweenness) nx.betweenness_centrality(G, normalized=True), exact
  louvain                    [{seed, modularity, communities}] of
                             nx.community.louvain_communities(G.to_undirected(), seed=s)
  given_modularity           nx.community.modularity of the node list's `community` column,
                             when it has one

Usage: networkx_oracle.py --edges FILE [--nodes FILE] [--betweenness] [--seeds 0,1,2] --out FILE
"""
import argparse
import csv
import json
import sys

try:
    import networkx as nx
except ImportError:
    sys.exit("networkx_oracle.py: networkx is not installed (pip install networkx scipy numpy)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edges", required=True)
    ap.add_argument("--nodes")
    ap.add_argument("--betweenness", action="store_true")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    G = nx.DiGraph()
    given = {}
    if a.nodes:
        with open(a.nodes, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                G.add_node(row["paper_id"])
                if row.get("community") not in (None, ""):
                    given.setdefault(row["community"], set()).add(row["paper_id"])
    with open(a.edges, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows, None)
        G.add_edges_from((r[0], r[1]) for r in rows)

    U = G.to_undirected()
    U.remove_edges_from(list(nx.selfloop_edges(U)))

    out = {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "in_degree": dict(G.in_degree()),
        "out_degree": dict(G.out_degree()),
        "pagerank": nx.pagerank(G, alpha=0.85, tol=1e-12, max_iter=100000),
        "core": nx.core_number(U),
    }
    hubs, authorities = nx.hits(G, max_iter=100000, tol=1e-12)
    out["hub"] = hubs
    out["authority"] = authorities
    if a.betweenness:
        out["betweenness"] = nx.betweenness_centrality(G, normalized=True)
    out["louvain"] = []
    for seed in [int(s) for s in a.seeds.split(",") if s]:
        communities = nx.community.louvain_communities(U, seed=seed)
        out["louvain"].append({
            "seed": seed,
            "modularity": nx.community.modularity(U, communities),
            "communities": len(communities),
        })
    if given:
        out["given_modularity"] = nx.community.modularity(U, list(given.values()))
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
