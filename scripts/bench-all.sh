#!/usr/bin/env bash
# Every speed and memory measurement of README.md's Performance section, in one command:
#   scripts/bench-all.sh            (about 15 minutes on 2 cores; makes its data under target/)
# Each benchmark generates its own data deterministically on first run and prints its table;
# run on a quiet machine (times are wall-clock, ratios are taken within one run).
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
run() {
    echo
    echo "== $*"
    "$@" || status=1
}
# calc on 5,000,000-row volunteer logs of six shapes, against the csv crate's read-only floor,
# then the scaling at 50,000 and 500,000 rows.
run cargo bench --bench hours
BENCH_ROWS=500000 run cargo bench --bench hours
BENCH_ROWS=50000 run cargo bench --bench hours
# 100,000 outcome rows against a large toolkit; per-row lookups.
run cargo bench --bench lookups
# The example's report and its 10,000 Monte Carlo runs.
run cargo bench --bench report
# network at 1,000, 10,000 and 100,000 members.
run scripts/network-bench.sh 1000 10000 100000
# Hostile inputs: exit, peak memory against the bound, time.
run cargo bench --bench hostile
exit $status
