#!/usr/bin/env python3
"""citegraph's PageRank (OUT/papers.parquet) against the Spark job's (SPARK_OUT/pagerank.parquet).

Prints JSON: papers in each and in both, the largest absolute difference of PageRank over all
papers, the sums of both (1 each), the overlap of the two top 100s, Spearman's rank correlation
of the two scores over citegraph's top 100 papers, and the weakly connected components the Spark
job found against scipy's count on edges.parquet. Used by bench/spark_pagerank.sh.

Usage: spark_compare.py OUT SPARK_OUT [--top 100] [--citegraph-seconds S] [--spark-seconds S]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys

import duckdb
import numpy as np
from scipy import sparse, stats
from scipy.sparse.csgraph import connected_components


def read(path: str, columns: list[str]) -> dict[str, list]:
    """Columns of a Parquet file, or of a Spark output directory of part files (read with
    DuckDB), as lists in the file's order."""
    files = sorted(glob.glob(os.path.join(path, "*.parquet"))) if os.path.isdir(path) else [path]
    rows = duckdb.connect().execute(
        f"select {', '.join(columns)} from read_parquet(?)", [files]
    ).fetchall()
    return {name: [row[i] for row in rows] for i, name in enumerate(columns)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("spark_out")
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--citegraph-seconds", type=float)
    parser.add_argument("--spark-seconds", type=float)
    args = parser.parse_args(argv)

    ours = read(os.path.join(args.out, "papers.parquet"), ["paper_id", "pagerank"])
    theirs = read(os.path.join(args.spark_out, "pagerank.parquet"), ["paper_id", "pagerank"])
    mine = dict(zip(ours["paper_id"], ours["pagerank"]))
    spark = dict(zip(theirs["paper_id"], theirs["pagerank"]))
    common = sorted(set(mine) & set(spark))
    a = np.array([mine[p] for p in common])
    b = np.array([spark[p] for p in common])
    top = sorted(mine, key=lambda p: (-mine[p], p))[: args.top]
    top_spark = set(sorted(spark, key=lambda p: (-spark[p], p))[: args.top])
    rho = stats.spearmanr([mine[p] for p in top], [spark.get(p, 0.0) for p in top]).statistic

    edges = read(os.path.join(args.out, "edges.parquet"), ["source", "target"])
    index = {p: i for i, p in enumerate(ours["paper_id"])}
    rows = np.array([index[s] for s in edges["source"]], dtype=np.int64)
    cols = np.array([index[t] for t in edges["target"]], dtype=np.int64)
    n = len(index)
    graph = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    scipy_components, _ = connected_components(graph, directed=True, connection="weak")
    with open(os.path.join(args.spark_out, "summary.json")) as f:
        summary = json.load(f)

    result = {
        "papers_citegraph": len(mine),
        "papers_spark": len(spark),
        "papers_both": len(common),
        "edges": len(rows),
        "pagerank_max_abs_diff": float(np.max(np.abs(a - b))) if len(common) else None,
        "pagerank_max_rel_diff": float(np.max(np.abs(a - b) / a)) if len(common) else None,
        "pagerank_sum_citegraph": float(a.sum()),
        "pagerank_sum_spark": float(b.sum()),
        f"top{args.top}_overlap": len(set(top) & top_spark),
        f"top{args.top}_spearman": float(rho),
        "components_spark": summary["components"],
        "components_scipy": int(scipy_components),
        "spark": summary,
        "citegraph_seconds": args.citegraph_seconds,
        "spark_seconds": args.spark_seconds,
    }
    print(json.dumps(result, indent=2))
    ok = (len(common) == len(mine) == len(spark)
          and result["components_spark"] == result["components_scipy"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
