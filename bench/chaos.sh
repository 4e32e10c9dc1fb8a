#!/usr/bin/env bash
# The long chaos of issue #22 ("Faults in numbers"): RUNS runs of `citegraph run` and
# `run --update` against the mock Semantic Scholar with faults drawn from SEED (429 with and
# without Retry-After, 500/502/503/504, cut and non-JSON bodies, connection resets mid-answer
# and before any byte, answers slower than the timeout, kill -9, a catalogue id that fails every
# batch holding it and a reference list that always fails for a whole run, a catalogue record
# merged into another between runs), every run checked as the CI
# chaos checks it (tests/it/chaos.rs, tests/it/chaos_support/). Appends a section with the
# figures, the date, the seed, the commit and the load average to bench/RESULTS.md, even when a
# run broke a rule (then the section lists the problems and the script exits 1).
#
# Usage: bench/chaos.sh [RUNS] [SEED] [-- extra cargo test options, e.g. --release]
#   RUNS  default 300; SEED default 0xc4a05022 (decimal or 0x hex)
#   CARGO the cargo to use (default: cargo)
set -uo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-300}"
seed="${2:-0xc4a05022}"
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
cargo="${CARGO:-cargo}"
dir="${CITEGRAPH_BENCH_DIR:-/tmp/citegraph-bench}/chaos"
mkdir -p "$dir"
figures="$dir/figures.txt"
rm -f "$figures"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
commit="$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- src tests || echo '+changes')"
echo "== chaos: $runs runs, seed $seed, commit $commit, load $load_before" >&2
status=0
(cd "$repo" && CHAOS_RUNS="$runs" CHAOS_SEED="$seed" CHAOS_FIGURES="$figures" \
  "$cargo" test "$@" --test it chaos::long_chaos -- --ignored --exact --nocapture) \
  >"$dir/test.out" 2>"$dir/test.err" || status=$?
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -s "$figures" ]; then
  echo "chaos.sh: the chaos wrote no figures (exit $status); see $dir/test.err" >&2
  tail -n 20 "$dir/test.err" >&2
  exit 1
fi
value() { sed -n "s/^$1: //p" "$figures" | head -n 1; }
{
  echo
  echo "## Chaos: $(value runs) runs, $(value faults) faults injected, $(value lost_outputs) lost outputs, $(value panics) panics, max requests/bound $(value max_requests)/$(value max_bound)"
  echo
  echo "\`bench/chaos.sh $runs $seed\` ($cargo test $* --test it chaos::long_chaos), $started, commit $commit,"
  echo "load average $load_before before and $load_after after (1, 5, 15 min; 2 cores)."
  echo "Each run is \`citegraph run\` or \`run --update\` (the real binary, --max-retries 3, --timeout 1,"
  echo "--retry-delay 0.01, --expand 3, --format svg) on one cache and output directory, against the mock serving a"
  echo "34-paper slice of the synthetic world, the same world one and two months on, and the last with"
  echo "one catalogue record merged into a new id (tests/it/chaos_support/). The kinds include a"
  echo "catalogue id that fails every batch holding it and a reference list that always fails (standing"
  echo "for a whole run), and the merged record met by \`run --update\`. Faults counted as served by the"
  echo "mock (a burst, storm or standing fault counts each request it hit; a merge once per update that"
  echo "met it), kills as landed while the process ran."
  echo
  echo "| figure | value |"
  echo "|---|---|"
  echo "| runs (updates) | $(value runs) ($(value updates)) |"
  echo "| completed (of which exit 3, with gaps) | $(( $(value completed) + $(value with_gaps) )) ($(value with_gaps)) |"
  echo "| failed, previous outputs byte-identical | $(value failed) |"
  echo "| killed (kill -9) | $(value killed) |"
  echo "| faults served, by kind | $(value faults): $(value by_kind) |"
  echo "| lost outputs (a failed or killed run changed them, or a completed run's are incomplete or disagree) | $(value lost_outputs) |"
  echo "| panics | $(value panics) |"
  echo "| runs over the request budget | $(value over_budget) |"
  echo "| failures without an \`error:\` line | $(value unclear) |"
  echo "| requests in all; the run nearest its bound | $(value requests); $(value max_requests) of $(value max_bound) |"
  echo "| wall time | $(value seconds) s |"
  problems="$(value problems)"
  if [ "$problems" != 0 ]; then
    echo
    echo "Problems ($problems):"
    echo
    sed -n 's/^problem: /- /p' "$figures"
  fi
} >>"$repo/bench/RESULTS.md"
echo "== appended the chaos section to $repo/bench/RESULTS.md (test exit $status)" >&2
[ "$status" = 0 ] || exit 1
