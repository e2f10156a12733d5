#!/usr/bin/env bash
# Benchmarks the sandlog command against an awk pipeline doing the same job:
# keep the CRI records at or after a time, print their messages.
#
#   bench/cli_bench.sh [SIZE_MB] [DIR] [SANDLOG]
#     SIZE_MB  size of the generated CRI log (default 1024)
#     DIR      where it goes (default /tmp/sandlog-bench); reused if present
#     SANDLOG  the binary (default build/tools/sandlog)
#
# The outputs are compared (cmp) before anything is timed. Each command runs
# three times with its output to /dev/null; the median is reported.
set -euo pipefail
size_mb=${1:-1024}
dir=${2:-/tmp/sandlog-bench}
sandlog=${3:-build/tools/sandlog}
awk_bin=$(command -v mawk || command -v awk)
mkdir -p "$dir"
log=$dir/cri-${size_mb}m.log

# One line per 1 ms of a day, fixed-width UTC timestamps, both streams, a
# few message shapes; each awk process writes a slice of the day.
if [ ! -s "$log" ]; then
  lines=$((size_mb * 1024 * 1024 / 128))
  parts=4
  per=$(((lines + parts - 1) / parts))
  for ((p = 0; p < parts; p++)); do
    "$awk_bin" -v from=$((p * per)) -v n="$per" -v total="$lines" 'BEGIN {
      msg[0] = "GET /api/v1/sandboxes/sbx-abc123/logs?follow=true 200 OK latency_ms=12 bytes=5321"
      msg[1] = "worker 7 finished batch: items=256 ok=true duration=1.25s queue_depth=3"
      msg[2] = "warning: retrying upstream connection to 10.0.0.12:443 after reset"
      msg[3] = "{\"level\":\"info\",\"msg\":\"checkpoint saved\",\"step\":1200,\"loss\":0.3012}"
      end = from + n; if (end > total) end = total
      for (i = from; i < end; i++) {
        s = int(i / 1000)
        printf "2026-02-20T%02d:%02d:%02d.%03d%06dZ %s F %s\n", int(s / 3600) % 24, int(s / 60) % 60, s % 60, i % 1000, i % 999983, (i % 5 == 0) ? "stderr" : "stdout", msg[i % 4]
      }
    }' >"$log.part$p" &
  done
  wait
  cat "$log".part* >"$log"
  rm -f "$log".part*
fi
bytes=$(stat -c %s "$log")
lines=$(wc -l <"$log")
# --since at 30% of the file: most of it is printed.
since=$(sed -n "$((lines * 3 / 10))p" "$log" | cut -d' ' -f1)
cat "$log" >/dev/null  # warm the page cache

run_sandlog() { "$sandlog" --no-progress --since "$since" --output raw "$@" "$log"; }
run_awk() {
  "$awk_bin" -v since="$since" \
    '$1 >= since { print substr($0, length($1) + length($2) + length($3) + 4) }' "$log"
}

cmp <(run_sandlog) <(run_awk) || { echo "sandlog and awk disagree" >&2; exit 1; }
cmp <(run_sandlog) <(run_sandlog --jobs 2) || { echo "--jobs 2 differs" >&2; exit 1; }

# Runs "$@" three times (output to /dev/null); prints the median wall time
# and the median CPU time (user + system). The CPU time matters on a shared
# machine, where the wall time also counts waiting for a core.
median3() {
  local walls=() cpus=() line
  for _ in 1 2 3; do
    line=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null; } 2>&1 | tail -1)
    set -- "$@"
    walls+=("$(echo "$line" | cut -d' ' -f1)")
    cpus+=("$(echo "$line" | awk '{print $2 + $3}')")
  done
  echo "$(printf '%s\n' "${walls[@]}" | sort -g | sed -n 2p) $(printf '%s\n' "${cpus[@]}" | sort -g | sed -n 2p)"
}
read -r w_awk c_awk < <(median3 run_awk)
read -r w_one c_one < <(median3 run_sandlog)
read -r w_two c_two < <(median3 run_sandlog --jobs 2)
rate() { echo "scale=3; $bytes / $1 / 1000000000" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
printf 'input: %s, %d bytes, %d lines, --since %s (outputs identical)\n' "$log" "$bytes" "$lines" "$since"
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
printf '%-22s %8s %8s %8s %8s %9s %9s\n' command wall_s GB/s cpu_s cpuGB/s wall_ratio cpu_ratio
row() {
  printf '%-22s %8.3f %8.3f %8.3f %8.3f %9.2f %9.2f\n' "$1" "$2" "$(rate "$2")" "$3" "$(rate "$3")" \
    "$(ratio "$w_awk" "$2")" "$(ratio "$c_awk" "$3")"
}
row "$(basename "$awk_bin") (same filter)" "$w_awk" "$c_awk"
row "sandlog" "$w_one" "$c_one"
row "sandlog --jobs 2" "$w_two" "$c_two"
# On a shared machine the wall time of --jobs 2 says little; its CPU time
# says what the threads cost together, and with two idle cores the wall time
# is about half of it (the workers split the blocks evenly).
printf 'sandlog --jobs 2 vs one job: wall %.2fx, CPU %.2fx as much, ideal on 2 idle cores %.2fx\n' \
  "$(ratio "$w_one" "$w_two")" "$(ratio "$c_two" "$c_one")" "$(ratio "2 * $c_one" "$c_two")"
