#!/usr/bin/env bash
# The analysis at scale, side by side with networkx and igraph (issue #6).
#
# Builds citegraph in release, generates synthetic snapshots, runs
#   citegraph analyze --snapshot papers-SIZE.jsonl --scope all
#   bench/baseline_networkx.py edges-SIZE.txt
#   bench/baseline_igraph.py   edges-SIZE.txt
# under /usr/bin/time -v for each size, and rewrites the generated part of bench/RESULTS.md from
# every result found in the data directory. Never run by `cargo test` or CI.
#
# Usage: bench/run.sh [--sizes 10k,100k] [--dir DIR] [--k auto] [--nx-timeout S] [--runs N]
#                     [--tools citegraph,kernels,networkx,igraph] [--no-build] [--no-report]
#   --tools       citegraph: `analyze` end to end (its debug log gives the per-step times);
#                 networkx; igraph; kernels (not by default): citegraph's kernels one by one on the
#                 edge list in-process (benches/kernels.rs)
#   --sizes       comma-separated sizes (default 10k,100k; 1M takes minutes and GBs for networkx)
#   --dir         where snapshots and results go (default $CITEGRAPH_BENCH_DIR or /tmp/citegraph-bench)
#   --k           betweenness pivots of the baselines (0: exact); `auto` (default) does what
#                 citegraph did in the same run (its summary line `betweenness exact|sampled k=N`)
#   --pagerank-tol  networkx PageRank tolerance (default 1e-13, citegraph's; networkx's own is 1e-6)
#   --nx-timeout  seconds a networkx step may take before it is abandoned (default 900)
#   --nx-probe    at sizes >= 1M, time networkx betweenness with this many pivots and extrapolate
#                 to --k, labelled as such (default 0: run all k pivots, under the cap)
#   --runs        runs of each tool per size; the report takes the median (default 1)
#   --catalog     the catalogue citegraph reads (default: DIR/catalog-SIZE, the synthetic papers
#                 gen_snapshot.py lists; a snapshot holding no catalogue paper is refused)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
sizes="10k,100k"
dir="${CITEGRAPH_BENCH_DIR:-/tmp/citegraph-bench}"
k=auto
exact_limit=20000
pagerank_tol=1e-13
nx_timeout=900
nx_probe=0
runs=1
tools="citegraph,networkx,igraph"
build=1
report=1
catalog=""

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --k) k="$2"; shift 2 ;;
    --exact-limit) exact_limit="$2"; shift 2 ;;
    --pagerank-tol) pagerank_tol="$2"; shift 2 ;;
    --nx-timeout) nx_timeout="$2"; shift 2 ;;
    --nx-probe) nx_probe="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --tools) tools="$2"; shift 2 ;;
    --catalog) catalog="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-report) report=0; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { print }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is missing: apt-get install -y time" >&2; exit 1; }
python3 -c 'import networkx, igraph, numpy, scipy' 2>/dev/null || {
  echo "run.sh: python3 needs networkx, python-igraph, numpy, scipy: pip install networkx igraph numpy scipy" >&2
  exit 1
}
mkdir -p "$dir/results"
IFS=',' read -r -a size_list <<<"$sizes"
has_tool() { [[ ",$tools," == *",$1,"* ]]; }

if [ "$build" = 1 ] && has_tool citegraph; then
  echo "== cargo build --release" >&2
  (cd "$repo" && cargo build --release --quiet)
fi
if [ "$build" = 1 ] && has_tool kernels; then
  echo "== cargo bench --bench kernels --no-run" >&2
  (cd "$repo" && cargo bench --bench kernels --no-run --quiet)
fi
bin="$repo/target/release/citegraph"
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"

echo "== snapshots: ${size_list[*]} in $dir" >&2
python3 "$repo/bench/gen_snapshot.py" --out "$dir" "${size_list[@]}"

# One timed run: NAME, then the command. Leaves results/NAME.time (time -v), .out, .err (each
# line of the log stamped with the seconds since the start, see bench/stamp.py).
timed() {
  local name="$1"; shift
  local base="$dir/results/$name"
  echo "== $name: $*" >&2
  local status=0
  set -o pipefail
  local started
  started="$(date +%s.%N)"
  { /usr/bin/time -v -o "$base.time" "$@" 2>&1 >"$base.out" | python3 "$repo/bench/stamp.py" "$started" >"$base.err"; } || status=$?
  # The load average at the end: the cores are shared, and a busy machine slows every tool.
  printf '{"status": %d, "commit": "%s", "date": "%s", "loadavg": "%s", "command": %s}\n' \
    "$status" "$commit" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(python3 -c 'import json,sys; print(json.dumps(" ".join(sys.argv[1:])))' "$@")" >"$base.run"
  if [ "$status" != 0 ]; then
    echo "   exited $status; last lines of $base.err:" >&2
    tail -n 5 "$base.err" >&2 || true
  fi
  grep -E 'Elapsed|Maximum resident' "$base.time" | sed 's/^\s*/   /' >&2 || true
}

for size in "${size_list[@]}"; do
  nodes="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nodes"])' "$dir/meta-$size.json")"
  edges="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["edges"])' "$dir/meta-$size.json")"
  size_k="$k"
  if [ "$k" = auto ]; then
    # citegraph's default (metrics::automatic_pivots): exact up to the limit, else as many pivots
    # as fit 2e8 edge visits, clamped to 32..4096. The summary citegraph prints overrides this
    # below, so a change of that rule does not silently unbalance the comparison.
    size_k="$(python3 -c 'import sys; n, m, lim = map(int, sys.argv[1:]); print(0 if n <= lim else min(4096, max(32, int(2e8 / max(n + m, 1)))))' \
      "$nodes" "$edges" "$exact_limit")"
  fi
  for run in $(seq 1 "$runs"); do
    if has_tool citegraph; then
      work="$dir/work-$size"
      rm -rf "$work"
      mkdir -p "$work"
      # The log at debug level carries the per-step timings.
      timed "citegraph-$size-r$run" env CITEGRAPH_LOG="citegraph=debug" \
        "$bin" --offline --catalog "${catalog:-$dir/catalog-$size}" --cache-dir "$work/cache" --output-dir "$work/output" \
        analyze --snapshot "$dir/papers-$size.jsonl" --scope all
      if [ "$k" = auto ]; then
        said="$(grep -oE 'betweenness (exact|sampled k=[0-9]+)' "$dir/results/citegraph-$size-r$run.out" | head -n 1 || true)"
        case "$said" in
          *exact) size_k=0 ;;
          *k=*) size_k="${said##*k=}" ;;
        esac
        echo "   citegraph: $said; baselines use --k $size_k" >&2
      fi
    fi
    if has_tool kernels; then
      timed "kernels-$size-r$run" env CITEGRAPH_BENCH_EDGES="$dir/edges-$size.txt" \
        cargo bench --quiet --manifest-path "$repo/Cargo.toml" --bench kernels
    fi
    if has_tool igraph; then
      timed "igraph-$size-r$run" python3 "$repo/bench/baseline_igraph.py" "$dir/edges-$size.txt" --k "$size_k"
    fi
    if has_tool networkx; then
      extra=()
      if [ "$nodes" -ge 1000000 ] && [ "$nx_probe" -gt 0 ]; then
        extra+=(--betweenness-probe "$nx_probe")
      fi
      timed "networkx-$size-r$run" python3 "$repo/bench/baseline_networkx.py" "$dir/edges-$size.txt" \
        --k "$size_k" --pagerank-tol "$pagerank_tol" --timeout "$nx_timeout" "${extra[@]}"
    fi
  done
done

if [ "$report" = 1 ]; then
  python3 "$repo/bench/report.py" --dir "$dir" --results "$repo/bench/RESULTS.md" \
    --command "bench/run.sh --sizes $sizes --k $k --pagerank-tol $pagerank_tol --nx-timeout $nx_timeout --nx-probe $nx_probe --runs $runs"
  echo "== wrote $repo/bench/RESULTS.md" >&2
fi
