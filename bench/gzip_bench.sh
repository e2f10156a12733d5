#!/usr/bin/env bash
# Measures streaming gzip decompression of a ~200 MB CRI log: the libraries
# (bench_gzip, Google Benchmark) and, in the same run, zcat (gzip -dc), which
# is what a user pipes from today. Makes the inputs once with
# bench/make_cri_log.py and gzip -6: one member, and 10 MB pieces each
# compressed and concatenated (several members, as `cat *.gz` gives).
#
#   bench/gzip_bench.sh BUILD/bench/bench_gzip [DATA_DIR] [REPETITIONS]
#
# Prints the benchmark's table, then MB/s (decompressed bytes per CPU second,
# median of the repetitions) for each implementation and zcat, with the
# ratio to zcat.
set -euo pipefail
bin=$1
dir=${2:-gzip-bench-data}
reps=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
if [ ! -s "$dir/app.log" ]; then
  python3 "$here/make_cri_log.py" 200 > "$dir/app.log"
fi
if [ ! -s "$dir/app.log.gz" ]; then
  gzip -6 -c "$dir/app.log" > "$dir/app.log.gz"
fi
if [ ! -s "$dir/app.multi.gz" ]; then
  tmp=$(mktemp -d)
  split -b 10000000 "$dir/app.log" "$tmp/part."
  for f in "$tmp"/part.*; do gzip -6 -c "$f"; done > "$dir/app.multi.gz"
  rm -r "$tmp"
fi
bytes=$(stat -c %s "$dir/app.log")

SANDLOG_GZIP_BENCH_DIR=$dir "$bin" --benchmark_repetitions="$reps" \
  --benchmark_report_aggregates_only=true --benchmark_out="$dir/bench.json" \
  --benchmark_out_format=json

# zcat's CPU time (user + system) per run, median of the repetitions.
zcat_mbps() {
  local file=$1 times=()
  for ((i = 0; i < reps; i++)); do
    times+=("$( { /usr/bin/time -f '%U %S' zcat "$file" > /dev/null; } 2>&1 | awk '{print $1 + $2}')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk -v b="$bytes" '{t[NR] = $1} END {
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.1f", b / m / 1e6 }'
}
z_one=$(zcat_mbps "$dir/app.log.gz")
z_multi=$(zcat_mbps "$dir/app.multi.gz")

echo
printf '%-14s %-14s %10s %10s\n' case impl "MB/s" "x zcat"
for kase in one-member multi-member; do
  z=$z_one
  [ "$kase" = multi-member ] && z=$z_multi
  printf '%-14s %-14s %10s %10s\n' "$kase" zcat "$z" 1.00
  jq -r --arg k "$kase" '.benchmarks[] | select(.aggregate_name == "median")
      | select(.run_name | contains("/" + $k + "/")) | [(.run_name | split("/")[0]),
      .bytes_per_second] | @tsv' "$dir/bench.json" |
    while IFS=$'\t' read -r impl bps; do
      awk -v k="$kase" -v i="$impl" -v b="$bps" -v z="$z" \
        'BEGIN { printf "%-14s %-14s %10.1f %10.2f\n", k, i, b / 1e6, b / 1e6 / z }'
    done
done
