"""Oracle for citegraph's composite influence scores (src/analysis/influence.rs), computed
independently from papers.csv with numpy and scipy.

classic  = 0.40 pct(pagerank) + 0.25 pct(catalog_citations) + 0.15 pct(authority)
         + 0.10 pct(betweenness) + 0.10 pct(citation_count)
age-fair = the same, each metric first a z-score among the w catalogue papers closest in
           publication year (ordered by year then Semantic Scholar id, the window shifted to fit
           at both ends; w = max(10, dated // 10)); no year or no spread: z = 0; z rounded
           to 1e-9.
pct      = mid-rank percentile among the catalogue papers: (average rank - 0.5) / n.

Usage: influence_oracle.py PAPERS_CSV OUT_JSON; writes {"classic": {id: score},
"age-fair": {id: score}}.
"""
import csv
import json
import sys

import numpy as np
from scipy.stats import rankdata

WEIGHTS = [0.40, 0.25, 0.15, 0.10, 0.10]
COLUMNS = ["pagerank", "catalog_citations", "authority", "betweenness", "citation_count"]


def pct(values):
    return (rankdata(values, method="average") - 0.5) / len(values)


def rescaled(values, years, ids):
    dated = [i for i in range(len(values)) if years[i] is not None]
    dated.sort(key=lambda i: (years[i], ids[i]))
    out = np.zeros(len(values))
    n = len(dated)
    if n < 2:
        return out
    w = min(max(10, n // 10), n)
    for k, i in enumerate(dated):
        first = min(max(0, k - w // 2), n - w)
        window = np.array([values[j] for j in dated[first:first + w]])
        sd = window.std()
        if window.max() > window.min() and sd > 0:
            out[i] = (values[i] - window.mean()) / sd
    # Rounded to 1e-9 (as citegraph): equal windows give tied z-scores.
    return np.round(out, 9)


def main():
    rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["in_catalog"] == "true"]
    ids = [r["paper_id"] for r in rows]
    years = [int(r["year"]) if r["year"] else None for r in rows]
    metrics = [[float(r[c]) if r[c] else 0.0 for r in rows] for c in COLUMNS]
    out = {}
    for kind in ["classic", "age-fair"]:
        score = np.zeros(len(rows))
        for values, weight in zip(metrics, WEIGHTS):
            if kind == "age-fair":
                values = rescaled(values, years, ids)
            score += weight * pct(values)
        out[kind] = dict(zip(ids, score.tolist()))
    json.dump(out, open(sys.argv[2], "w"))


main()
