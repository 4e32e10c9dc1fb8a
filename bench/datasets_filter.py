#!/usr/bin/env python3
"""Throughput of the S2AG shard filter (issue #26): MB/s of compressed shards per core.

Generates synthetic S2AG shards from bench/gen_snapshot.py's graph (preferential attachment,
about --refs references a paper) in the datasets' line formats (../shared/S2-DATASETS.md):

  DIR/s2ag-SIZE/papers/*.gz      one `papers` line a paper (~700 bytes, as the real ones)
  DIR/s2ag-SIZE/citations/*.gz   one line an edge, with contexts (~300 bytes, as the sample's),
                                 plus one `citedcorpusid: null` line for every fourth paper;
                                 half the shards in the 2023 form (string ids, flat intents),
                                 half in the 2024 form (integers, citationid, lists of lists)
  DIR/s2ag-SIZE/paper-ids/*.gz   the primary sha of every paper
  DIR/catalog-SIZE/              gen_snapshot.py's catalogue (300 of the newest papers)

then builds `examples/datasets_filter.rs` in release and runs the 1- and 2-hop filter with 1 and
2 threads, printing one JSON line a run and a Markdown table for bench/RESULTS.md. The figure is
bytes of compressed shards read (every pass: papers twice, citations once a hop) divided by the
wall time and the threads.

Never run by `cargo test` or CI; do not run it at size while others build (it takes every core).
Usage: bench/datasets_filter.py [--dir DIR] [--shards 16] [--refs 20] [--threads 1,2]
                                [--hops 1,2] [--rounds N] [--generate-only]
                                [--no-build | --binary PATH] SIZE [SIZE ...]   (e.g. 100k 1M)
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_snapshot  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_BASE = 900_000_000
# Contexts of pseudo-random words, so that the shards compress about as real text does (a
# repeated sentence would compress 30-fold and flatter the MB/s of compressed shards).
_rng = np.random.default_rng(7)
WORDS = ["".join(chr(97 + c) for c in _rng.integers(0, 26, 2 + k % 9)) for k in range(4096)]
PICKS = _rng.integers(0, len(WORDS), 1 << 20).tolist()


def context(n: int) -> str:
    at = (n * 37) % (len(PICKS) - 40)
    return "... " + " ".join(WORDS[w] for w in PICKS[at : at + 30]) + " ..."


def paper_line(i: int, sha: str, year: int, cited_by: int, refs: int) -> str:
    corpus = CORPUS_BASE + i
    return json.dumps(
        {
            "corpusid": corpus,
            "externalids": {"ACL": None, "DBLP": None, "ArXiv": None, "MAG": str(3_000_000_000 + i),
                            "CorpusId": str(corpus), "PubMed": None, "DOI": None,
                            "PubMedCentral": None},
            "url": f"https://www.semanticscholar.org/paper/{sha}",
            "title": f"Synthetic paper {i}",
            "authors": [{"authorId": str(10_000 + (i * 7 + k) % 500_000), "name": f"Author {k}"}
                        for k in range(3)],
            "venue": "Bench", "publicationvenueid": None, "year": year,
            "referencecount": refs, "citationcount": cited_by, "influentialcitationcount": 0,
            "isopenaccess": False,
            "s2fieldsofstudy": [{"category": "Computer Science", "source": "s2-fos-model"}],
            "publicationtypes": ["JournalArticle"], "publicationdate": f"{year}-06-01",
            "journal": {"name": "Bench", "pages": None, "volume": ""},
            "updated": "2026-07-01T02:09:51.713Z",
        },
        separators=(",", ":"),
    )


def citation_line(citing: int, cited: int | None, new_form: bool, citation_id: int) -> str:
    ident = (lambda c: c) if new_form else (lambda c: str(c))
    line = {"citingcorpusid": ident(CORPUS_BASE + citing),
            "citedcorpusid": None if cited is None else ident(CORPUS_BASE + cited),
            "isinfluential": citation_id % 10 == 0,
            "contexts": [context(citation_id + citing)]}
    intents = ["background"] if citation_id % 3 else ["methodology", "result"]
    if new_form:
        line = {"citationid": citation_id, **line, "intents": [intents]}
    else:
        line["intents"] = intents
        line["updated"] = "2026-06-30T05:14:10.225Z"
    return json.dumps(line, separators=(",", ":"))


def write_gz(path: str, lines) -> None:
    tmp = path + ".tmp"
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as out:
        chunk = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 10_000:
                out.write("\n".join(chunk) + "\n")
                chunk.clear()
        if chunk:
            out.write("\n".join(chunk) + "\n")
    os.replace(tmp, path)


def shard_name(dataset: str, k: int) -> str:
    return f"20260710_071652_{k:05d}_{hashlib.sha1(f'{dataset}{k}'.encode()).hexdigest()[:8]}.gz"


def write_papers_shard(args) -> None:
    path, lo, hi, ids, years, in_deg, out_deg = args
    write_gz(path, (paper_line(i, ids[i - lo], int(years[i - lo]), int(in_deg[i - lo]),
                               int(out_deg[i - lo])) for i in range(lo, hi)))


def write_citations_shard(args) -> None:
    path, k, lo, hi, lo_edge, offsets, targets = args
    new_form = k % 2 == 1

    def lines():
        for i in range(lo, hi):
            for pos in range(offsets[i - lo], offsets[i - lo + 1]):
                yield citation_line(i, int(targets[pos]), new_form, 4_000_000_000 + lo_edge + pos)
            if i % 4 == 0:
                yield citation_line(i, None, new_form, 0)

    write_gz(path, lines())


def generate(size: int, base: str, shards: int, refs: float, seed: int) -> str:
    label = gen_snapshot.size_label(size)
    root = os.path.join(base, f"s2ag-{label}")
    done = os.path.join(root, "DONE")
    catalog = os.path.join(base, f"catalog-{label}")
    if os.path.exists(done) and os.path.exists(catalog):
        return root
    print(f"generating {label} shards in {root}", file=sys.stderr)
    offsets, targets = gen_snapshot.generate_edges(size, refs, 0.1, seed)
    years = gen_snapshot.years_for(size)
    ids = gen_snapshot.paper_ids(size, seed)
    in_deg = np.bincount(targets, minlength=size)
    out_deg = np.diff(offsets)
    gen_snapshot.write_catalog(catalog, years, size, 300, seed)
    for dataset in ("papers", "citations", "paper-ids"):
        os.makedirs(os.path.join(root, dataset), exist_ok=True)
    bounds = np.linspace(0, size, shards + 1).astype(int).tolist()
    jobs_p, jobs_c = [], []
    for k in range(shards):
        lo, hi = bounds[k], bounds[k + 1]
        jobs_p.append((os.path.join(root, "papers", shard_name("papers", k)), lo, hi, ids[lo:hi],
                       years[lo:hi], in_deg[lo:hi], out_deg[lo:hi]))
        o = offsets[lo:hi + 1]
        jobs_c.append((os.path.join(root, "citations", shard_name("citations", k)), k, lo, hi,
                       int(o[0]), (o - o[0]).tolist(), targets[o[0]:o[-1]]))
    with ProcessPoolExecutor() as pool:
        list(pool.map(write_papers_shard, jobs_p))
        list(pool.map(write_citations_shard, jobs_c))
    write_gz(os.path.join(root, "paper-ids", shard_name("paper-ids", 0)),
             (json.dumps({"sha": ids[i], "corpusid": CORPUS_BASE + i, "primary": True})
              for i in range(size)))
    with open(os.path.join(root, "RELEASE"), "w") as out:
        out.write("2026-07-07\n")
    with open(done, "w") as out:
        out.write(json.dumps({"papers": size, "edges": int(len(targets)), "shards": shards}))
    return root


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="+", type=gen_snapshot.parse_size)
    parser.add_argument("--dir", default=os.environ.get("CITEGRAPH_BENCH_DIR", "/tmp/citegraph-bench"))
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--refs", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--hops", default="1,2")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--binary", help="the datasets_filter example already built (implies --no-build)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of every (hops, threads) pair, interleaved; the table gives medians")
    parser.add_argument("--generate-only", action="store_true",
                        help="write the shards and catalogue, then stop (generation need not be quiet)")
    args = parser.parse_args(argv)
    os.makedirs(args.dir, exist_ok=True)
    if args.generate_only:
        for size in args.sizes:
            print(generate(size, args.dir, args.shards, args.refs, args.seed))
        return 0
    cargo = os.environ.get("CARGO", "cargo")
    if not args.no_build and not args.binary:
        subprocess.run([cargo, "build", "--release", "--example", "datasets_filter"], cwd=REPO,
                       check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    binary = args.binary or os.path.join(target, "release", "examples", "datasets_filter")
    rows = []
    for size in args.sizes:
        label = gen_snapshot.size_label(size)
        root = generate(size, args.dir, args.shards, args.refs, args.seed)
        runs: dict[tuple[str, str], list[dict]] = {}
        for round_ in range(args.rounds):
            for hops in args.hops.split(","):
                for threads in args.threads.split(","):
                    out = os.path.join(args.dir, f"neighbourhood-{label}-{hops}hop.jsonl")
                    run = subprocess.run(
                        [binary, "--shards", root, "--catalog", os.path.join(args.dir, f"catalog-{label}"),
                         "--out", out, "--hops", hops, "--threads", threads],
                        check=True, capture_output=True, text=True)
                    result = json.loads(run.stdout.strip().splitlines()[-1])
                    result["size"] = label
                    result["round"] = round_ + 1
                    result["load1"] = os.getloadavg()[0]
                    print(json.dumps(result), flush=True)
                    runs.setdefault((hops, threads), []).append(result)
        for key in runs:
            group = sorted(runs[key], key=lambda r: r["seconds"])
            median = dict(group[len(group) // 2])
            median["spread"] = f"{group[0]['seconds']:.1f}-{group[-1]['seconds']:.1f}"
            median["loads"] = f"{min(r['load1'] for r in group):.2f}-{max(r['load1'] for r in group):.2f}"
            median["n"] = len(group)
            rows.append(median)
    print("\n| papers | hops | threads | seeds | papers kept | edges kept | MB read (gz) | MB inflated | "
          "rounds | s (median) | s (range) | MB/s (gz) | MB/s (gz) per core | load avg (1 min) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        mbps = r["bytes_read"] / 1e6 / r["seconds"]
        print(f"| {r['size']} | {r['hops_asked']} | {int(r['threads'])} | {r['seeds']} | {r['papers']} | "
              f"{r['edges']} | {r['bytes_read'] / 1e6:.0f} | {r['decompressed'] / 1e6:.0f} | {r['n']} | "
              f"{r['seconds']:.1f} | {r['spread']} | {mbps:.0f} | {mbps / int(r['threads']):.0f} | {r['loads']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
