#!/usr/bin/env bash
# Benchmark for `social-value network`: for each size, makes a synthetic network (about 5% of
# files broken on purpose; `demo-network --seed 1`, so the same every time) under target/, then
# runs the summary three times and prints the median wall time, the median user+sys CPU, the
# largest peak memory and the inbox's size on disk, and how each grows from the first size.
# Targets (issue 19): 10,000 members in under 1 s, 100,000 in under 10 s with at most 256 MiB.
# Usage: scripts/network-bench.sh [MEMBERS...]   (default: 1000 10000 100000)
# Needs GNU time (/usr/bin/time). SV=path/to/social-value times another build.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
if [ -z "${SV:-}" ]; then
  cargo build --release -q
  SV=target/release/social-value
fi
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
missed=0
first_ms="" first_members="" first_kb=""
printf '%-9s %-9s %-9s %-9s %-10s %-9s %-9s %-9s %-10s\n' members files wall_s cpu_s peak_MiB disk_MB "x time" "x peak" "cpu_ms/1k"
for members in "${sizes[@]}"; do
  dir="target/bench-network-$members"
  [ -d "$dir" ] || "$SV" demo-network --members "$members" --seed 1 --out "$dir" > /dev/null
  walls=() cpus=() peak=0
  for _ in 1 2 3; do
    stats=$( { /usr/bin/time -f '%e %U %S %M' "$SV" network "$dir" --year 2024 --format json \
      > target/bench-network.json; } 2>&1 | tail -1)
    read -r e u s m <<< "$stats"
    walls+=("$(awk -v e="$e" 'BEGIN {printf "%d", e * 1000}')")
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%d", (u + s) * 1000}')")
    [ "$m" -gt "$peak" ] && peak=$m
  done
  ms=$(printf '%s\n' "${walls[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  found=$(grep -m1 '"files_found"' target/bench-network.json | tr -dc 0-9)
  disk=$(du -sk "$dir/" | cut -f1)
  if [ -z "$first_ms" ]; then first_ms=$ms first_members=$members first_kb=$peak; fi
  printf '%-9s %-9s %-9s %-9s %-10s %-9s %-9s %-9s %-10s\n' "$members" "$found" \
    "$(awk -v x="$ms" 'BEGIN {printf "%.2f", x / 1000}')" \
    "$(awk -v x="$cpu" 'BEGIN {printf "%.2f", x / 1000}')" \
    "$(awk -v x="$peak" 'BEGIN {printf "%.0f", x / 1024}')" \
    "$(awk -v x="$disk" 'BEGIN {printf "%.0f", x / 1000}')" \
    "$(awk -v a="$ms" -v b="$first_ms" 'BEGIN {printf "%.1f", a / (b > 0 ? b : 1)}')" \
    "$(awk -v a="$peak" -v b="$first_kb" 'BEGIN {printf "%.1f", a / b}')" \
    "$(awk -v c="$cpu" -v n="$members" 'BEGIN {printf "%.0f", c * 1000 / n}')"
  if [ "$members" -le 10000 ] && [ "$ms" -ge 1000 ]; then
    echo "TARGET MISSED: $members submissions must be summarised in under 1 s"; missed=1
  fi
  if [ "$members" -le 100000 ] && [ "$ms" -ge 10000 ]; then
    echo "TARGET MISSED: $members submissions must be summarised in under 10 s"; missed=1
  fi
  if [ "$members" -le 100000 ] && [ "$peak" -gt $((256 * 1024)) ]; then
    echo "TARGET MISSED: $members submissions must be summarised within 256 MiB"; missed=1
  fi
done
echo "(x time, x peak: against $first_members members; the members grow as the sizes given)"
exit $missed
