#!/usr/bin/env python3
"""PageRank and connected components of a citegraph run's Parquet tables, with Spark DataFrames.

Reads OUTPUT/papers.parquet (the nodes: `paper_id`) and OUTPUT/edges.parquet (the edges:
`source` cites `target`), written by `citegraph analyze --tables csv,parquet` (or `run`), and
writes into DEST:

  pagerank.parquet    paper_id, pagerank (DOUBLE; sums to 1)
  components.parquet  paper_id, component (INT64: the smallest vertex index of its weakly
                      connected component), component_size
  summary.json        node and edge counts, iterations, last L1 change, seconds, component count

The computation is the one GraphFrames runs, written with DataFrames only (iterated joins and
aggregations, no GraphFrames JAR; `README.md` beside this file says how to run the same with
GraphFrames on a cluster):

- PageRank with citegraph's semantics (README, "Per paper": networkx's): damping ALPHA (0.85);
  a paper's rank goes out evenly over its references (edges.parquet has one row per distinct
  citation); the rank held by papers without references (dangling) is spread evenly over all N
  papers, as is the random jump: x' = ALPHA * (P^T x + d / N) + (1 - ALPHA) / N. Power iteration
  from 1/N until the L1 change of an iteration is below --tol or --max-iter is reached.
  GraphFrames' own `pageRank` (GraphX) differs in two ways the README there describes: it gives
  the dangling rank away (its ranks do not sum to 1) and does not normalise.
- Connected components (weakly: edges taken both ways) by min-label propagation, GraphX's
  algorithm (GraphFrames' `connectedComponents(algorithm="graphx")`): every vertex starts with
  its own index and takes the smallest label among its neighbours' until no label changes.

Vertex ids are indexed to longs first (as GraphFrames does for string ids), and each iteration's
result is checkpointed locally, so the query plan does not grow with the iterations.

Usage: spark-submit pagerank_cc.py OUTPUT DEST [--alpha 0.85] [--tol 1e-9] [--max-iter 150]
       (or python3 pagerank_cc.py ... with pyspark installed: local mode, all cores)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="a citegraph output directory with the Parquet tables")
    parser.add_argument("dest", help="where pagerank.parquet and components.parquet go")
    parser.add_argument("--alpha", type=float, default=0.85, help="damping (default 0.85)")
    parser.add_argument("--tol", type=float, default=1e-9,
                        help="stop when an iteration's L1 change is below this (default 1e-9)")
    parser.add_argument("--max-iter", type=int, default=150,
                        help="PageRank iterations at most (default 150)")
    parser.add_argument("--max-cc-iter", type=int, default=100,
                        help="label propagation rounds at most (default 100)")
    parser.add_argument("--partitions", type=int, default=0,
                        help="shuffle partitions (default: 2 per core)")
    return parser.parse_args(argv)


def load(spark: SparkSession, output: str) -> tuple[DataFrame, DataFrame, int]:
    """Vertices (id LONG, paper_id) and edges (src, dst LONG), cached, and the vertex count."""
    papers = spark.read.parquet(os.path.join(output, "papers.parquet")).select("paper_id")
    edges = spark.read.parquet(os.path.join(output, "edges.parquet")).select("source", "target")
    # Dense indexes 0..N-1 in paper_id order (GraphFrames indexes string ids to longs too). The
    # window has no partition: one sort of the ids on one executor, once (Spark warns about it).
    vertices = papers.distinct().withColumn(
        "id", F.row_number().over(Window.orderBy("paper_id")).cast("long") - 1
    ).localCheckpoint()
    ids = vertices.select(F.col("paper_id").alias("pid"), "id")
    indexed = (
        edges.join(ids.withColumnRenamed("id", "src"), F.col("source") == F.col("pid"))
        .drop("pid")
        .join(ids.withColumnRenamed("id", "dst"), F.col("target") == F.col("pid"))
        .select("src", "dst")
        .localCheckpoint()
    )
    return vertices, indexed, vertices.count()


def pagerank(spark: SparkSession, vertices: DataFrame, edges: DataFrame, n: int,
             alpha: float, tol: float, max_iter: int) -> tuple[DataFrame, int, float]:
    """The PageRank of every vertex (id, pagerank), the iterations run and the last L1 change."""
    out_degree = edges.groupBy("src").agg(F.count("*").alias("out_degree"))
    # Each edge's share of its source's rank: 1 / out_degree.
    weighted = (
        edges.join(out_degree, "src")
        .select("src", "dst", (F.lit(1.0) / F.col("out_degree")).alias("w"))
        .localCheckpoint()
    )
    # Each vertex with its rank and whether it is dangling (no references).
    ranks = (
        vertices.select("id")
        .join(out_degree.withColumnRenamed("src", "id"), "id", "left")
        .select("id", F.lit(1.0 / n).alias("pr"), F.col("out_degree").isNull().alias("dangling"))
        .localCheckpoint()
    )
    dangling = ranks.where("dangling").count() / n
    change, iterations = float("inf"), 0
    while iterations < max_iter and change >= tol:
        base = alpha * dangling / n + (1.0 - alpha) / n
        incoming = (
            weighted.join(ranks.select(F.col("id").alias("src"), "pr"), "src")
            .groupBy("dst")
            .agg(F.sum(F.col("pr") * F.col("w")).alias("inflow"))
            .withColumnRenamed("dst", "id")
        )
        new = (
            ranks.join(incoming, "id", "left")
            .select(
                "id",
                (F.lit(base) + F.lit(alpha) * F.coalesce(F.col("inflow"), F.lit(0.0))).alias("pr"),
                "dangling",
                F.col("pr").alias("old"),
            )
            .localCheckpoint()
        )
        # One pass: the L1 change, and the dangling rank the next iteration spreads.
        change, dangling = new.agg(
            F.sum(F.abs(F.col("pr") - F.col("old"))),
            F.sum(F.when(F.col("dangling"), F.col("pr")).otherwise(F.lit(0.0))),
        ).first()
        ranks = new.drop("old")
        iterations += 1
    ranks = ranks.select("id", "pr")
    return ranks, iterations, change


def components(vertices: DataFrame, edges: DataFrame, max_iter: int) -> tuple[DataFrame, int]:
    """Each vertex's weakly connected component (id, component), and the rounds run."""
    both = (
        edges.select(F.col("src").alias("a"), F.col("dst").alias("b"))
        .union(edges.select(F.col("dst").alias("a"), F.col("src").alias("b")))
        .where(F.col("a") != F.col("b"))
        .localCheckpoint()
    )
    labels = vertices.select("id", F.col("id").alias("component")).localCheckpoint()
    rounds = 0
    while rounds < max_iter:
        smallest = (
            both.join(labels.withColumnRenamed("id", "b"), "b")
            .groupBy("a")
            .agg(F.min("component").alias("neighbour"))
            .withColumnRenamed("a", "id")
        )
        new = (
            labels.join(smallest, "id", "left")
            .select(
                "id",
                F.least(F.col("component"), F.coalesce(F.col("neighbour"), F.col("component")))
                .alias("component"),
                F.col("component").alias("old"),
            )
            .localCheckpoint()
        )
        rounds += 1
        changed = new.where(F.col("component") != F.col("old")).count()
        labels = new.drop("old")
        if changed == 0:
            break
    return labels, rounds


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    spark = (
        SparkSession.builder.appName("citegraph-pagerank-cc")
        .config("spark.sql.shuffle.partitions",
                str(args.partitions or 2 * (os.cpu_count() or 1)))
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    started = time.time()
    vertices, edges, n = load(spark, args.output)
    m = edges.count()
    if n == 0:
        print("no papers in papers.parquet", file=sys.stderr)
        return 1
    loaded = time.time()
    ranks, iterations, change = pagerank(spark, vertices, edges, n, args.alpha, args.tol,
                                         args.max_iter)
    ranks = ranks.join(vertices, "id").select("paper_id", F.col("pr").alias("pagerank"))
    ranks.write.mode("overwrite").parquet(os.path.join(args.dest, "pagerank.parquet"))
    ranked = time.time()
    labels, rounds = components(vertices, edges, args.max_cc_iter)
    sizes = labels.groupBy("component").agg(F.count("*").alias("component_size"))
    labelled = labels.join(sizes, "component").join(vertices, "id").select(
        "paper_id", "component", "component_size"
    )
    labelled.write.mode("overwrite").parquet(os.path.join(args.dest, "components.parquet"))
    finished = time.time()
    summary = {
        "nodes": n,
        "edges": m,
        "alpha": args.alpha,
        "tol": args.tol,
        "pagerank_iterations": iterations,
        "pagerank_last_l1_change": change,
        "components": sizes.count(),
        "largest_component": sizes.agg(F.max("component_size")).first()[0],
        "label_propagation_rounds": rounds,
        "seconds_load": round(loaded - started, 2),
        "seconds_pagerank": round(ranked - loaded, 2),
        "seconds_components": round(finished - ranked, 2),
        "spark_version": spark.version,
        "cores": spark.sparkContext.defaultParallelism,
    }
    with open(os.path.join(args.dest, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary))
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
