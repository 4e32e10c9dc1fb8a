#!/usr/bin/env bash
# `fetch --update` against a full fetch, in requests (issue 12): the whole real catalogue
# (../shared/catalog) on the shared s2-world served by the mock (examples/mock_s2.rs), then the
# same world MONTHS later (`--later`: new citers, venue changes, grown reference lists; see
# World::later in tests/common/mock_s2.rs):
#   1. a full fetch of the world (the first weekly run);
#   2. `fetch --update` of that cache against the later world;
#   3. a cold full fetch of the later world, for its count and as the reference the update's
#      citation and reference sets must equal (compared from `snapshot export`);
# for the default mode (every list paged for its link details) and --no-link-details, and for
# the world's own citation model (spread 0: new citers cite the 60 most cited catalogue papers)
# and a harsher one (spread 0.2: a fifth of the picks uniform over the catalogue).
# A count, not a time: the mock serves as fast as it can and the builds are debug ones.
# Rewrites the fetch-update section of bench/RESULTS.md; raw files stay in DIR.
#
# Usage: bench/fetch_update.sh [--dir DIR] [--months 6] [--catalog DIR] [--no-build]
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CITEGRAPH_BENCH_DIR:-/tmp/citegraph-bench}/fetch-update"
months=6
catalog="$repo/../shared/catalog"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --months) months="$2"; shift 2 ;;
    --catalog) catalog="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { print }' "$0"; exit 0 ;;
    *) echo "fetch_update.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$build" = 1 ]; then
  echo "== cargo build (citegraph, examples/mock_s2)" >&2
  (cd "$repo" && cargo build --quiet && cargo build --quiet --example mock_s2)
fi
bin="$repo/target/debug/citegraph"
mock_bin="$repo/target/debug/examples/mock_s2"
rm -rf "$dir"
mkdir -p "$dir"
mock_pid=""
trap '[ -z "$mock_pid" ] || kill "$mock_pid" 2>/dev/null || true' EXIT

# Starts the mock with extra arguments; sets $api and $mock_pid.
serve() {
  local name="$1"; shift
  [ -z "$mock_pid" ] || { kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; }
  "$mock_bin" --port 0 "$@" >"$dir/mock-$name.out" 2>"$dir/mock-$name.err" &
  mock_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$dir/mock-$name.out" ] && break
    sleep 0.1
  done
  local port
  port="$(head -n 1 "$dir/mock-$name.out")"
  [ -n "$port" ] || { echo "fetch_update.sh: the mock printed no port; see $dir/mock-$name.err" >&2; exit 1; }
  api="http://127.0.0.1:$port/graph/v1"
}

# One fetch: NAME CACHE [fetch options]; leaves NAME.out/.err/.status and NAME.stats (the mock's
# counts, which start at zero with each mock), then exports CACHE to NAME.jsonl.
fetch() {
  local name="$1" cache="$2"; shift 2
  echo "== $name: citegraph fetch $*" >&2
  local status=0
  "$bin" --catalog "$catalog" --cache-dir "$dir/$cache" --output-dir "$dir/output-$name" \
    fetch --api-url "$api" --rps 1000 --retry-delay 0.01 "$@" \
    >"$dir/$name.out" 2>"$dir/$name.err" || status=$?
  curl -fsS "${api%/graph/v1}/mock/stats" >"$dir/$name.stats"
  echo "$status" >"$dir/$name.status"
  [ "$status" = 0 ] || { echo "   exited $status; see $dir/$name.err" >&2; tail -n 5 "$dir/$name.err" >&2; }
  "$bin" --cache-dir "$dir/$cache" snapshot export "$dir/$name.jsonl" >/dev/null 2>&1 || true
  grep -h '^requests:' "$dir/$name.out" | sed 's/^/   /' >&2 || true
}

for spread in 0 0.2; do
  for mode in details lean; do
    extra=()
    [ "$mode" = lean ] && extra=(--no-link-details)
    tag="$mode-s$spread"
    serve "first-$tag"
    fetch "full-$tag" "cache-$tag" "${extra[@]}"
    serve "later-$tag" --later "$months" --spread "$spread"
    cp "$dir/mock-later-$tag.err" "$dir/world-later-$tag.txt"
    fetch "update-$tag" "cache-$tag" --update "${extra[@]}"
    fetch "fresh-$tag" "cache-fresh-$tag" "${extra[@]}"
    echo "$tag" >>"$dir/cases"
  done
done

python3 "$repo/bench/fetch_update_report.py" --dir "$dir" --results "$repo/bench/RESULTS.md" \
  --months "$months" --command "bench/fetch_update.sh --months $months"
echo "== wrote the fetch-update section of $repo/bench/RESULTS.md" >&2
