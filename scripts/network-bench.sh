#!/usr/bin/env bash
# Benchmark for `social-value network`: makes a synthetic network (default 10,000 members, about
# 5% broken on purpose) under target/, then times the summary. Target: 10,000 in under 5 s.
# Usage: scripts/network-bench.sh [MEMBERS]
set -euo pipefail
cd "$(dirname "$0")/.."
members="${1:-10000}"
cargo build --release -q
dir="target/bench-network-$members"
[ -d "$dir" ] || target/release/social-value demo-network --members "$members" --seed 1 --out "$dir"
best=""
for _ in 1 2 3; do
  start=$(date +%s%N)
  target/release/social-value network "$dir" --year 2024 --format json > target/bench-network.json
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
found=$(grep -m1 '"files_found"' target/bench-network.json | tr -dc 0-9)
included=$(grep -m1 '"included"' target/bench-network.json | tr -dc 0-9)
echo "network of $members members: $found files, $included included, best of 3: ${best} ms"
if [ "$members" -le 10000 ] && [ "$best" -ge 5000 ]; then
  echo "TARGET MISSED: 10,000 submissions must be summarised in under 5 s"; exit 1
fi
