#!/usr/bin/env python3
"""scipy / igraph / leidenalg oracle for citegraph's maps (co-citation, coupling, Leiden).

Reads a directed edge list (CSV with a header whose first two columns are the citing and the
cited paper, like OUTPUT/edges.csv) and a node list (CSV with `paper_id` and, optionally,
`community` columns, like OUTPUT/papers.csv), and writes JSON:

  cocitation, coupling   {"a b": [count, salton]} for every pair a < b (by id) with count >=
                         --min-count, from the sparse products A^T A and A A^T (scipy), A[c][p] = 1
                         when c cites p; salton = count / sqrt(diag[a] * diag[b])
  leiden                 [{seed, modularity, communities}] of leidenalg.find_partition(U,
                         ModularityVertexPartition, seed=s) with leidenalg's defaults, U the
                         undirected simple graph (each edge once, self-loops dropped)
  igraph_leiden          the same from igraph's community_leiden(objective_function="modularity",
                         n_iterations=-1)
  given_modularity       igraph's modularity of the node list's `community` column on U
  given_disconnected     communities of that column whose induced subgraph of U is not connected
  given_count            communities in that column

With --pairs-only the community part is skipped; with --pairs-none the pair part. With
--weighted-pairs FILE (a cocitation.csv or coupling.csv) the community part runs on the network of
those pairs, weighted by their count, instead of the citation graph.

Usage: maps_oracle.py --edges FILE --nodes FILE [--seeds 0,1,2,3,4] [--min-count 2] --out FILE
"""
import argparse
import csv
import json
import sys

try:
    import numpy as np
    import scipy.sparse as sp
    import igraph
    import leidenalg
except ImportError as e:
    sys.exit(f"maps_oracle.py: {e.name} is not installed (pip install numpy scipy igraph leidenalg)")


def pairs(M, ids, diag, min_count):
    U = sp.triu(M, k=1).tocoo()
    out = {}
    for a, b, c in zip(U.row, U.col, U.data):
        if c >= min_count:
            out[f"{ids[a]} {ids[b]}"] = [int(c), float(c) / float(np.sqrt(diag[a] * diag[b]))]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edges", required=True)
    ap.add_argument("--nodes", required=True)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--pairs-only", action="store_true")
    ap.add_argument("--pairs-none", action="store_true")
    ap.add_argument("--weighted-pairs")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    ids = []
    given = []
    with open(a.nodes, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ids.append(row["paper_id"])
            given.append(row.get("community"))
    # Sorted ids: node numbers in id order, so that a < b by number is a < b by id.
    order = sorted(range(len(ids)), key=lambda i: ids[i])
    ids = [ids[i] for i in order]
    given = [given[i] for i in order]
    index = {p: i for i, p in enumerate(ids)}
    edges = set()
    with open(a.edges, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows, None)
        for r in rows:
            edges.add((index[r[0]], index[r[1]]))
    n = len(ids)
    src = np.array([e[0] for e in edges], dtype=np.int64)
    dst = np.array([e[1] for e in edges], dtype=np.int64)
    out = {"nodes": n, "edges": len(edges)}

    if not a.pairs_none:
        A = sp.csr_matrix((np.ones(len(edges), dtype=np.int64), (src, dst)), shape=(n, n))
        C = (A.T @ A).tocsr()
        B = (A @ A.T).tocsr()
        out["cocitation"] = pairs(C, ids, C.diagonal(), a.min_count)
        out["coupling"] = pairs(B, ids, B.diagonal(), a.min_count)

    if not a.pairs_only:
        weights = None
        if a.weighted_pairs:
            pair_edges = []
            weights = []
            with open(a.weighted_pairs, newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    pair_edges.append((index[row["a"]], index[row["b"]]))
                    weights.append(float(row["count"]))
            U = igraph.Graph(n=n, edges=pair_edges, directed=False)
            U.es["weight"] = weights
            weights = "weight"
        else:
            undirected = {(min(s, t), max(s, t)) for s, t in edges if s != t}
            U = igraph.Graph(n=n, edges=sorted(undirected), directed=False)
        out["leiden"] = []
        for seed in [int(s) for s in a.seeds.split(",") if s]:
            p = leidenalg.find_partition(U, leidenalg.ModularityVertexPartition, weights=weights, seed=seed)
            out["leiden"].append({"seed": seed, "modularity": U.modularity(p.membership, weights=weights),
                                  "communities": len(p)})
        import random
        random.seed(0)
        c = U.community_leiden(objective_function="modularity", weights=weights, n_iterations=-1)
        out["igraph_leiden"] = {"modularity": U.modularity(c.membership, weights=weights), "communities": len(c)}
        if all(g not in (None, "") for g in given):
            labels = {}
            membership = [labels.setdefault(g, len(labels)) for g in given]
            out["given_modularity"] = U.modularity(membership, weights=weights)
            out["given_count"] = len(labels)
            disconnected = 0
            for members in igraph.VertexClustering(U, membership):
                if len(members) > 1 and not U.induced_subgraph(members).is_connected():
                    disconnected += 1
            out["given_disconnected"] = disconnected
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
