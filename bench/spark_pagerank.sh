#!/usr/bin/env bash
# citegraph's PageRank against the PySpark job of examples/spark/ (issue #26), in Spark local mode.
#
# Installs what Spark needs when it is missing (Java from Debian's default-jre-headless, pyspark
# from PyPI: here only, not in .ci/setup), builds citegraph in release, generates a synthetic
# snapshot (bench/gen_snapshot.py), runs
#   citegraph analyze --snapshot papers-SIZE.jsonl --scope all --tables csv,parquet
#   examples/spark/pagerank_cc.py OUT SPARK_OUT     (PageRank and connected components)
# and compares the two PageRanks with bench/spark_compare.py: the largest absolute difference,
# the overlap of the top 100 and Spearman's rank correlation over citegraph's top 100; the
# component count against scipy's. Writes DIR/spark-SIZE/compare.json. Never run by `cargo test`
# or CI; at 1M papers it takes a while and several GB (give Spark --driver-memory, below).
#
# Usage: bench/spark_pagerank.sh [--size 10k] [--dir DIR] [--tol 1e-9] [--max-iter 150]
#                                [--driver-memory 4g] [--no-build] [--no-install] [--bin PATH]
#   --size   one size for gen_snapshot.py (default 10k)
#   --dir    where the snapshot and results go (default $CITEGRAPH_BENCH_DIR or /tmp/citegraph-bench)
#   --tol, --max-iter  the Spark PageRank's stopping rule (L1 change of an iteration; iterations)
#   --bin    a citegraph binary to use instead of building target/release/citegraph
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
size=10k
dir="${CITEGRAPH_BENCH_DIR:-/tmp/citegraph-bench}"
tol=1e-9
max_iter=150
driver_memory=4g
build=1
install=1
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --tol) tol="$2"; shift 2 ;;
    --max-iter) max_iter="$2"; shift 2 ;;
    --driver-memory) driver_memory="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-install) install=0; shift ;;
    --bin) bin="$2"; build=0; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "spark_pagerank.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$install" = 1 ]; then
  if ! command -v java >/dev/null 2>&1; then
    echo "== apt-get install default-jre-headless" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  fi
  if ! python3 -c "import pyspark" >/dev/null 2>&1; then
    echo "== pip install pyspark" >&2
    python3 -m pip install -q --disable-pip-version-check pyspark 2>/dev/null ||
      python3 -m pip install -q --disable-pip-version-check --break-system-packages pyspark
  fi
  for pair in "numpy numpy" "scipy scipy" "duckdb duckdb"; do
    set -- $pair
    python3 -c "import $1" >/dev/null 2>&1 ||
      python3 -m pip install -q --disable-pip-version-check "$2" 2>/dev/null ||
      python3 -m pip install -q --disable-pip-version-check --break-system-packages "$2"
  done
fi

if [ -z "$bin" ]; then
  bin="$repo/target/release/citegraph"
  if [ "$build" = 1 ]; then
    echo "== cargo build --release" >&2
    (cd "$repo" && cargo build --release --quiet)
  fi
fi

mkdir -p "$dir"
echo "== snapshot $size in $dir" >&2
python3 "$repo/bench/gen_snapshot.py" --out "$dir" "$size"
label="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['label'])" "$dir/meta-$size.json" 2>/dev/null || echo "$size")"
out="$dir/spark-$size/citegraph"
spark_out="$dir/spark-$size/spark"
rm -rf "$dir/spark-$size"
mkdir -p "$dir/spark-$size"

echo "== citegraph analyze --tables csv,parquet" >&2
start=$(date +%s.%N)
"$bin" analyze --offline --snapshot "$dir/papers-$size.jsonl" --catalog "$dir/catalog-$size" \
  --scope all --tables csv,parquet --output-dir "$out" --cache-dir "$dir/spark-$size/cache" -q
citegraph_seconds=$(python3 -c "import sys,time; print(round(time.time()-float(sys.argv[1]),2))" "$start")

echo "== spark: examples/spark/pagerank_cc.py (local mode)" >&2
export PYSPARK_SUBMIT_ARGS="--driver-memory $driver_memory pyspark-shell"
start=$(date +%s.%N)
python3 "$repo/examples/spark/pagerank_cc.py" "$out" "$spark_out" --tol "$tol" --max-iter "$max_iter"
spark_seconds=$(python3 -c "import sys,time; print(round(time.time()-float(sys.argv[1]),2))" "$start")

echo "== compare" >&2
python3 "$repo/bench/spark_compare.py" "$out" "$spark_out" \
  --citegraph-seconds "$citegraph_seconds" --spark-seconds "$spark_seconds" \
  >"$dir/spark-$size/compare.json"
cat "$dir/spark-$size/compare.json"
