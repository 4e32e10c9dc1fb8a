#!/usr/bin/env bash
# The fetch side of issue #6, against the local mock Semantic Scholar (examples/mock_s2.rs)
# enforcing 1 request per second on 127.0.0.1:
#   1. a cold `citegraph fetch` of the whole catalogue: requests made and wall time, against the
#      naive count (1 record + 1 references page + 1 citations page per paper, i.e. 3 seconds a
#      paper at 1 rps) and against one request per paper;
#   2. the same fetch again, warm: what the cache saves; and a cold fetch with --no-link-details
#      (reference and citation lists nested in the batch answer, without intents);
#   3. the cached `citegraph run --snapshot world.jsonl` on the real catalogue, render included
#      (hyperfine when installed, else 5 timed runs): target under 2 s.
# Rewrites the fetch section of bench/RESULTS.md; raw files stay in DIR. Never run by cargo test/CI.
#
# Usage: bench/fetch.sh [--dir DIR] [--rps 1] [--catalog DIR] [--snapshot FILE] [--no-build] [--run-only]
#   --run-only   keep the fetch results already in DIR and time only the cached run (step 3)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CITEGRAPH_BENCH_DIR:-/tmp/citegraph-bench}/fetch"
rps=1
catalog="$repo/../shared/catalog"
snapshot="$repo/../shared/fixtures/s2-world/world.jsonl"
build=1
run_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --rps) rps="$2"; shift 2 ;;
    --catalog) catalog="$2"; shift 2 ;;
    --snapshot) snapshot="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --run-only) run_only=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { print }' "$0"; exit 0 ;;
    *) echo "fetch.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$build" = 1 ]; then
  echo "== cargo build --release (citegraph, examples/mock_s2)" >&2
  (cd "$repo" && cargo build --release --quiet && cargo build --release --quiet --example mock_s2)
fi
bin="$repo/target/release/citegraph"
mock_bin="$repo/target/release/examples/mock_s2"
# Fetches: only in a full run (functions below are defined either way; the mock only here).
stats() { curl -fsS "http://127.0.0.1:$port/mock/stats"; }
if [ "$run_only" = 0 ]; then
  rm -rf "$dir"
  mkdir -p "$dir"

  # The mock, on a free port it prints first. Stopped by its pid when this script exits.
  "$mock_bin" --port 0 --rps "$rps" >"$dir/mock.out" 2>"$dir/mock.err" &
  mock_pid=$!
  trap 'kill "$mock_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    [ -s "$dir/mock.out" ] && break
    sleep 0.1
  done
  port="$(head -n 1 "$dir/mock.out")"
  [ -n "$port" ] || { echo "fetch.sh: the mock printed no port; see $dir/mock.err" >&2; exit 1; }
  api="http://127.0.0.1:$port/graph/v1"

  # One timed fetch: NAME, CACHE (a directory under DIR), then extra fetch options. Leaves
  # NAME.time (time -v), .out, .err, .status and NAME.stats (the mock's cumulative request counts
  # after it; fetch_report.py subtracts the previous fetch's).
  fetch() {
    local name="$1" cache="$2"; shift 2
    echo "== $name: citegraph fetch --api-url $api $*" >&2
    local status=0
    /usr/bin/time -v -o "$dir/$name.time" "$bin" --catalog "$catalog" --cache-dir "$dir/$cache" \
      --output-dir "$dir/output-$name" fetch --api-url "$api" --rps "$rps" "$@" \
      >"$dir/$name.out" 2>"$dir/$name.err" || status=$?
    stats >"$dir/$name.stats"
    echo "$status" >"$dir/$name.status"
    echo "$name" >>"$dir/fetches"
    [ "$status" = 0 ] || { echo "   exited $status; see $dir/$name.err" >&2; tail -n 5 "$dir/$name.err" >&2; }
    grep -E 'Elapsed' "$dir/$name.time" | sed 's/^\s*/   /' >&2 || true
  }
  # The catalogue's size, for the naive counts.
  "$bin" --offline --catalog "$catalog" --cache-dir "$dir/cache" --output-dir "$dir/output" catalog \
    >"$dir/catalog.out" 2>"$dir/catalog.err"
  # The default fetch pages every paper's references and citations (for isInfluential and intents);
  # --no-link-details takes the lists nested in the batch answer instead.
  fetch cold cache
  fetch warm cache
  fetch cold-no-link-details cache-lean --no-link-details
fi

# The cached run on the real catalogue, render included.
run_cmd=("$bin" --offline --catalog "$catalog" --cache-dir "$dir/cache" --output-dir "$dir/run-output"
  run --snapshot "$snapshot")
echo "== cached run: ${run_cmd[*]}" >&2
rm -rf "$dir"/run-*.time "$dir/run.hyperfine.json" "$dir/run-output"
run_status=0
"${run_cmd[@]}" >"$dir/run.out" 2>"$dir/run.err" || run_status=$?
echo "$run_status" >"$dir/run.status"
if [ "$run_status" != 0 ]; then
  echo "fetch.sh: the cached run failed; see $dir/run.err" >&2
  tail -n 5 "$dir/run.err" >&2
elif command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 1 --runs 10 --export-json "$dir/run.hyperfine.json" \
    "$(printf '%q ' "${run_cmd[@]}")" >"$dir/run.hyperfine.txt" 2>&1 || true
else
  for i in 1 2 3 4 5; do
    /usr/bin/time -v -o "$dir/run-$i.time" "${run_cmd[@]}" >/dev/null 2>&1 || true
  done
fi
[ "$run_status" != 0 ] || /usr/bin/time -v -o "$dir/run-rss.time" "${run_cmd[@]}" >/dev/null 2>&1 || true

# The same without the render (`analyze`): the part of the run that exists while render does not,
# and the split between analysis and render when both do.
analyze_cmd=("$bin" --offline --catalog "$catalog" --cache-dir "$dir/cache" --output-dir "$dir/analyze-output"
  analyze --snapshot "$snapshot")
rm -rf "$dir/analyze.hyperfine.json" "$dir/analyze-output"
if command -v hyperfine >/dev/null 2>&1 && "${analyze_cmd[@]}" >"$dir/analyze.out" 2>"$dir/analyze.err"; then
  hyperfine --warmup 1 --runs 10 --export-json "$dir/analyze.hyperfine.json" \
    "$(printf '%q ' "${analyze_cmd[@]}")" >"$dir/analyze.hyperfine.txt" 2>&1 || true
fi

python3 "$repo/bench/fetch_report.py" --dir "$dir" --results "$repo/bench/RESULTS.md" --rps "$rps" \
  --command "bench/fetch.sh --rps $rps"
echo "== wrote the fetch section of $repo/bench/RESULTS.md" >&2
