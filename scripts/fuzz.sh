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
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(toolkit project tables spreadsheet submission)

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz
fi

for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/regressions/$t"
    echo "== fuzzing $t for ${seconds}s"
    # -rss_limit_mb: a reader using more than 2 GB on any input counts as a failure;
    # -timeout: so does one taking more than 10 s on one input.
    log="target/fuzz-$t.log"
    mkdir -p target
    if ! cargo +nightly fuzz run --sanitizer none --fuzz-dir fuzz "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" "fuzz/regressions/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 \
        >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        echo "FAILED: $t (a crash, a timeout, too much memory, or no build; the full log is $log," >&2
        echo "the input that failed is in fuzz/artifacts/$t/)" >&2
        exit 1
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "$log" || true
done
echo "no crashes in: ${targets[*]}"
