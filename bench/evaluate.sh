#!/usr/bin/env bash
# `citegraph evaluate` on the synthetic world (~290 catalogue papers): wall and CPU time of the
# whole command (snapshot read, graph, 5 repeats, outputs) and of each repeat (from the log),
# with the load average, for bench/RESULTS.md. Usage: bench/evaluate.sh [RUNS] (default 5).
# Needs a release build (`cargo build --release`); the shared data beside the repository
# (CITEGRAPH_SHARED overrides).
set -euo pipefail
runs=${1:-5}
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${CITEGRAPH_SHARED:-$repo/../shared}
bin=${CITEGRAPH_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/citegraph}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "commit $(git -C "$repo" rev-parse --short HEAD), $(nproc) cores"
for i in $(seq "$runs"); do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak" \
    "$bin" evaluate --catalog "$shared/catalog" --snapshot "$shared/fixtures/s2-world/world.jsonl" \
    --output-dir "$work/out" --cache-dir "$work/cache" --offline --seed "$i" -v \
    >"$work/stdout" 2>"$work/stderr" || { cat "$work/stderr"; exit 1; }
  took=$(grep -o 'evaluation: [0-9]* repeats in [0-9.]*[a-zµ]*' "$work/stderr" || true)
  echo "run $i (load $load): $(tail -1 "$work/stderr"); $took"
done
cat "$work/stdout"
