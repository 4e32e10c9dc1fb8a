#!/usr/bin/env python3
"""Synthetic citation snapshots for the benchmarks (issue #6).

Writes, for N papers, into OUT_DIR (never into the repository):

  papers-N.jsonl   one Semantic Scholar record a line, in the form of
                   shared/fixtures/s2-world/world.jsonl (the references carry the edges,
                   `citations` is left empty), read by `citegraph analyze --snapshot`;
  edges-N.txt      `source target` a line (0-based paper indices, source cites target), read
                   by the networkx and igraph baselines;
  meta-N.json      node and edge counts, seed and generator parameters;
  catalog-N/       a catalogue of CATALOG (300) of the synthetic papers, drawn from the newest
                   tenth (a list covers a recent field), in the list's Markdown with mechanism
                   badges, that `analyze --catalog` resolves by title against papers-N.jsonl
                   (`analyze` refuses a snapshot holding no catalogue paper).

The graph: paper i is published after paper i-1 and cites about `--refs` papers, all older
(index < i). Each reference goes, with probability 1 - `--uniform`, to an older paper drawn in
proportion to (citations received + 1) (preferential attachment, giving the power-law in-degree
of real citation data), else to an older paper drawn uniformly. Attachment is done in batches
of about 1% of the papers published so far, so that numpy does the sampling: within a batch the
popularity is that at the batch's start, which leaves the degree distribution unchanged in any
way that matters here.

Deterministic for a given (N, --refs, --uniform, --seed): same files, byte for byte.

Usage: gen_snapshot.py [--out DIR] [--seed S] [--refs M] SIZE [SIZE ...]
SIZE is a count, with k/M suffixes allowed: 10k 100k 1M.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time

import numpy as np


def parse_size(text: str) -> int:
    text = text.strip()
    factor = 1
    if text[-1:] in ("k", "K"):
        factor, text = 1_000, text[:-1]
    elif text[-1:] in ("m", "M"):
        factor, text = 1_000_000, text[:-1]
    try:
        value = int(float(text) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (use e.g. 10k, 100k, 1M)")
    if value < 2:
        raise argparse.ArgumentTypeError("a snapshot needs at least 2 papers")
    return value


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def generate_edges(n: int, refs: float, uniform: float, seed: int):
    """Returns (offsets, targets): paper i cites targets[offsets[i]:offsets[i+1]], sorted, distinct,
    all < i."""
    rng = np.random.default_rng(seed)
    # Out-degrees: Poisson around `refs`, at least 1, and never more than the older papers.
    out_deg = np.minimum(np.maximum(rng.poisson(refs, n), 1), np.arange(n))
    expected_edges = int(out_deg.sum())
    # The popularity pool: each published paper once, plus once per citation it received, so a
    # uniform draw from it picks paper j with probability proportional to in_degree(j) + 1.
    pool = np.empty(n + expected_edges, dtype=np.int32)
    pool_len = 0
    offsets = np.zeros(n + 1, dtype=np.int64)
    chunks: list[np.ndarray] = []
    start = 0
    while start < n:
        end = min(n, start + max(1, start // 100))
        deg = out_deg[start:end]
        total = int(deg.sum())
        src = np.repeat(np.arange(start, end, dtype=np.int64), deg)
        if total:
            pick_uniform = rng.random(total) < uniform
            if pool_len == 0:
                pick_uniform[:] = True
            # Uniform among all older papers, including older ones of this very batch.
            uni = (rng.random(total) * src).astype(np.int64)
            pref = pool[rng.integers(0, max(pool_len, 1), total)].astype(np.int64)
            tgt = np.where(pick_uniform, uni, pref)
            # Distinct references per paper, sorted by target (as a key src * n + tgt).
            keys = np.unique(src * n + tgt)
            src, tgt = keys // n, keys % n
        else:
            tgt = src
        counts = np.bincount(src - start, minlength=end - start)
        offsets[start + 1 : end + 1] = counts
        chunks.append(tgt.astype(np.int32))
        new = np.concatenate([np.arange(start, end, dtype=np.int32), tgt.astype(np.int32)])
        pool[pool_len : pool_len + len(new)] = new
        pool_len += len(new)
        start = end
    np.cumsum(offsets, out=offsets)
    targets = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int32)
    return offsets, targets


def years_for(n: int, first: int = 1980, last: int = 2025, growth: float = 0.08) -> np.ndarray:
    """Publication years, non-decreasing in the paper index, with the number of papers a year
    growing by `growth` a year (as the literature does)."""
    span = last - first
    frac = np.arange(n, dtype=np.float64) / n
    years = first + np.floor(np.log1p(frac * math.expm1(growth * span)) / growth)
    return np.minimum(years, last).astype(np.int32)


def paper_ids(n: int, seed: int) -> list[str]:
    """40-hex ids, as Semantic Scholar's look: hashes, so that no order or prefix is shared."""
    prefix = f"citegraph-bench:{seed}:".encode()
    return [hashlib.sha1(prefix + str(i).encode()).hexdigest() for i in range(n)]


def write_atomic(path: str, write) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as out:
        write(out)
    os.replace(tmp, path)


def write_jsonl(path, ids, years, offsets, targets, in_deg) -> None:
    n = len(ids)
    tlist = targets.tolist()
    olist = offsets.tolist()
    ylist = years.tolist()
    clist = in_deg.tolist()

    def write(out):
        lines = []
        for i in range(n):
            refs = ", ".join(
                '{"paperId": "%s", "isInfluential": false, "intents": []}' % ids[t]
                for t in tlist[olist[i] : olist[i + 1]]
            )
            lines.append(
                '{"paperId": "%s", "title": "Synthetic paper %d", "year": %d, '
                '"venue": "", "externalIds": {"CorpusId": %d}, "citationCount": %d, '
                '"referenceCount": %d, "references": [%s], "citations": []}\n'
                % (ids[i], i, ylist[i], 900_000_000 + i, clist[i], olist[i + 1] - olist[i], refs)
            )
            if len(lines) >= 10_000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))

    write_atomic(path, write)


MECHANISMS = ["Token_Pruning-orange", "Token_Merging-orange", "Token_Caching-orange"]


def write_catalog(folder: str, years, n: int, count: int, seed: int) -> None:
    """`count` papers of the newest tenth, as the list's Markdown entries (title, year, badge)."""
    rng = np.random.default_rng(seed + 1)
    newest = np.arange(n - max(n // 10, count), n)
    chosen = np.sort(rng.choice(newest, size=min(count, len(newest)), replace=False)).tolist()
    os.makedirs(folder, exist_ok=True)

    def write(out):
        out.write("# Synthetic catalogue (bench/gen_snapshot.py)\n\n")
        for k, i in enumerate(chosen):
            out.write(
                f"- **[{k + 1}] Synthetic paper {i}**, Bench {int(years[i])}.\n\n"
                f"  ![](https://img.shields.io/badge/{MECHANISMS[k % len(MECHANISMS)]})\n\n"
            )

    write_atomic(os.path.join(folder, "list.md"), write)


def write_edges(path, offsets, targets) -> None:
    n = len(offsets) - 1
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))

    def write(out):
        step = 1_000_000
        for lo in range(0, len(src), step):
            block = np.stack([src[lo : lo + step], targets[lo : lo + step]], axis=1)
            # np.savetxt is slow; formatting the whole block at once is not.
            out.write("\n".join(f"{a} {b}" for a, b in block.tolist()))
            out.write("\n")

    write_atomic(path, write)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="+", type=parse_size, metavar="SIZE")
    parser.add_argument("--out", default=os.environ.get("CITEGRAPH_BENCH_DIR", "/tmp/citegraph-bench"))
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--refs", type=float, default=10.0, help="mean references per paper")
    parser.add_argument("--uniform", type=float, default=0.2, help="share of uniform (not preferential) references")
    parser.add_argument("--catalog", type=int, default=300, help="catalogue papers (catalog-N/)")
    parser.add_argument("--force", action="store_true", help="regenerate files that exist already")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    for n in args.sizes:
        label = size_label(n)
        jsonl = os.path.join(args.out, f"papers-{label}.jsonl")
        edges = os.path.join(args.out, f"edges-{label}.txt")
        meta_path = os.path.join(args.out, f"meta-{label}.json")
        params = {"nodes": n, "seed": args.seed, "refs": args.refs, "uniform": args.uniform}
        catalog = os.path.join(args.out, f"catalog-{label}")
        if not args.force and all(os.path.exists(p) for p in (jsonl, edges, meta_path, catalog)):
            with open(meta_path, encoding="utf-8") as f:
                old = json.load(f)
            if all(old.get(k) == v for k, v in params.items()):
                print(f"{label}: up to date in {args.out}", file=sys.stderr)
                continue
        t0 = time.perf_counter()
        offsets, targets = generate_edges(n, args.refs, args.uniform, args.seed)
        in_deg = np.bincount(targets, minlength=n)
        years = years_for(n)
        ids = paper_ids(n, args.seed)
        t1 = time.perf_counter()
        write_jsonl(jsonl, ids, years, offsets, targets, in_deg)
        t2 = time.perf_counter()
        write_edges(edges, offsets, targets)
        write_catalog(catalog, years, n, args.catalog, args.seed)
        t3 = time.perf_counter()
        meta = dict(
            params,
            edges=int(len(targets)),
            max_in_degree=int(in_deg.max()),
            uncited=int((in_deg == 0).sum()),
            jsonl=jsonl,
            edge_list=edges,
            jsonl_bytes=os.path.getsize(jsonl),
        )
        write_atomic(meta_path, lambda out: json.dump(meta, out, indent=2))
        print(
            f"{label}: {n} papers, {len(targets)} references, max in-degree {meta['max_in_degree']} "
            f"(graph {t1 - t0:.1f} s, jsonl {t2 - t1:.1f} s, edges {t3 - t2:.1f} s)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
