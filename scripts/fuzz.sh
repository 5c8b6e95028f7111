#!/usr/bin/env bash
# Fuzzes each reader for a bounded time: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets (fuzz/fuzz_targets/): toolkit, project, tables, spreadsheet, submission. Each starts
# from fuzz/seeds/<target>/ and grows fuzz/corpus/<target>/ (not committed). A crash stops the
# script with exit 1 and leaves the input in fuzz/artifacts/<target>/: fix it, then copy the
# input into fuzz/regressions/<target>/, where `cargo test --test fuzz_regressions` keeps it.
# Needs nightly Rust (`rustup toolchain install nightly`) and cargo-fuzz (installed if missing).
# Not part of `cargo test`: the default run takes 5 × 60 s. Built without a sanitizer (the
# code is safe Rust; what is sought is panics, overflows, hangs and memory blow-ups), with
# debug assertions, so arithmetic overflow panics.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
# Seconds one input may take before it counts as a hang. libFuzzer measures wall-clock time,
# so on a machine busy with other work (a build beside a fuzzer run under nice) a fast input
# can be starved past 10 s: FUZZ_TIMEOUT=60 keeps real hangs caught without false alarms.
timeout="${FUZZ_TIMEOUT:-10}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(toolkit project tables spreadsheet submission)

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz
fi

for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/regressions/$t"
    echo "== fuzzing $t for ${seconds}s"
    # -rss_limit_mb: the memory cap. An input is at most 64 KiB, so by SECURITY.md's rule
    # (peak at most 4 x input + 64 MiB) a reader needs well under 256 MiB even with the
    # fuzzer's own corpus (about 64 MiB measured); more counts as a failure, as does a single
    # allocation over 128 MiB (-malloc_limit_mb) and one input taking longer than
    # $timeout seconds (-timeout).
    log="target/fuzz-$t.log"
    commit=$(git rev-parse --short HEAD)  # the code fuzzed: built now, whatever happens later
    mkdir -p target
    if ! cargo +nightly fuzz run --sanitizer none --fuzz-dir fuzz "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" "fuzz/regressions/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=256 -malloc_limit_mb=128 -timeout="$timeout" -max_len=65536 -print_final_stats=1 \
        >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        echo "FAILED: $t (a crash, a timeout, too much memory, or no build; the full log is $log," >&2
        echo "the input that failed is in fuzz/artifacts/$t/)" >&2
        # libFuzzer's -timeout is wall-clock time: a fuzzer starved of CPU (run under nice on a
        # busy machine) can report a 'timeout' for an input that takes milliseconds. Run the
        # input alone to tell: fuzz/target/*/release/$t fuzz/artifacts/$t/timeout-...
        echo "a timeout on a busy machine may be starvation: run the input alone, as above" >&2
        exit 1
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "$log" || true
    # One line per finished run, for the README's table of hours and runs per target.
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    echo "$(date -u +%F) $t ${seconds}s timeout=${timeout}s runs=${runs:-?} peak_rss_mb=${peak:-?} commit=$commit" \
        >>target/fuzz-summary.txt
done
echo "no crashes in: ${targets[*]}"
