#!/usr/bin/env bash
# Benchmarks reading log sets with the sandlog command beside the tools a
# user would reach for otherwise:
#   --tail 1000 on one big CRI file      beside tail -n 1000 and a full pass
#   a gzip-rotated set                   beside zcat | sandlog
#   a merge of 10 files by time          beside sort -m on the time column
#
#   bench/sets_bench.sh [SIZE_MB] [DIR] [SANDLOG]
#     SIZE_MB  size of the big file (default 1024); the gzip set and the merge
#              use a quarter of it
#     DIR      where the inputs go (default /tmp/sandlog-sets-bench); reused
#     SANDLOG  the binary (default build/tools/sandlog)
#
# Outputs are compared before anything is timed; each command runs three
# times with its output to /dev/null and the median is reported.
set -euo pipefail
size_mb=${1:-1024}
dir=${2:-/tmp/sandlog-sets-bench}
sandlog=${3:-build/tools/sandlog}
awk_bin=$(command -v mawk || command -v awk)
mkdir -p "$dir"

gen() {  # lines first-ms stream-file: fixed-width UTC CRI lines, 1 ms apart
  "$awk_bin" -v n="$1" -v from="$2" 'BEGIN {
    for (i = from; i < from + n; i++) {
      ms = i % 1000; s = int(i / 1000)
      printf "2026-02-20T%02d:%02d:%02d.%03d000000Z %s F request id=%d status=200 latency_ms=%d path=/api/v1/items\n",
        int(s / 3600) % 24, int(s / 60) % 60, s % 60, ms, (i % 5 == 0) ? "stderr" : "stdout", i, i % 97
    } }'
}
big=$dir/big-${size_mb}m.log
lines=$((size_mb * 1024 * 1024 / 110))
[ -s "$big" ] || gen "$lines" 0 >"$big"

# The gzip set: four rotated members and the live file, a quarter of the size.
gz=$dir/gz-${size_mb}m
if [ ! -d "$gz" ]; then
  mkdir -p "$gz"
  per=$((lines / 4 / 5))
  for i in 4 3 2 1; do gen "$per" $(((4 - i) * per)) | gzip -1 -n >"$gz/app.log.$i.gz"; done
  gen "$per" $((4 * per)) >"$gz/app.log"
fi

# Ten files of interleaved times (file k holds the times ≡ k mod 10).
mg=$dir/merge-${size_mb}m
if [ ! -d "$mg" ]; then
  mkdir -p "$mg"
  gen $((lines / 4)) 0 | "$awk_bin" -v d="$mg" '{ f = sprintf("%s/f%d.log", d, NR % 10); print > f }'
fi

median3() {  # command...: the median wall time of three runs, in seconds
  local t=()
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null
    e=$(date +%s.%N)
    t+=("$(echo "$e - $s" | bc)")
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n 2p
}
same() {  # what a b
  if ! cmp -s "$2" "$3"; then echo "outputs differ: $1" >&2; exit 1; fi
}
out=$dir/out
# --tail from the end, in raw mode so that tail -n prints the same text.
"$sandlog" -o raw --no-timestamps --tail 1000 "$big" >"$out.a"
tail -n 1000 "$big" | cut -d' ' -f4- >"$out.b"
same "--tail 1000" "$out.a" "$out.b"
t_tail=$(median3 "$sandlog" -o raw --tail 1000 "$big")
t_tailn=$(median3 tail -n 1000 "$big")
t_full=$(median3 "$sandlog" -o raw "$big")

"$sandlog" "$gz" >"$out.a"
zcat "$gz"/app.log.4.gz "$gz"/app.log.3.gz "$gz"/app.log.2.gz "$gz"/app.log.1.gz | cat - "$gz/app.log" | "$sandlog" >"$out.b"
same "gzip set" "$out.a" "$out.b"
t_gz=$(median3 "$sandlog" "$gz")
zcat_pipe() { zcat "$gz"/app.log.4.gz "$gz"/app.log.3.gz "$gz"/app.log.2.gz "$gz"/app.log.1.gz | cat - "$gz/app.log" | "$sandlog"; }
t_zcat=$(median3 zcat_pipe)

"$sandlog" --no-progress -o raw --timestamps "$mg" >"$out.a"
LC_ALL=C sort -s -m -k1,1 "$mg"/f*.log | cut -d' ' -f1,4- >"$out.b"
same "merge of 10" "$out.a" "$out.b"
t_merge=$(median3 "$sandlog" -o raw --timestamps "$mg")
sort_m() { LC_ALL=C sort -s -m -k1,1 "$mg"/f*.log; }
t_sort=$(median3 sort_m)

ratio() { echo "scale=3; $1 / $2" | bc; }
printf '%-38s %10s %10s %8s\n' "case (${size_mb} MB file)" sandlog other ratio
printf '%-38s %10s %10s %8s\n' "--tail 1000 vs tail -n 1000" "$t_tail" "$t_tailn" "$(ratio "$t_tail" "$t_tailn")"
printf '%-38s %10s %10s %8s\n' "--tail 1000 vs a full pass" "$t_tail" "$t_full" "$(ratio "$t_tail" "$t_full")"
printf '%-38s %10s %10s %8s\n' "gzip set vs zcat | sandlog" "$t_gz" "$t_zcat" "$(ratio "$t_gz" "$t_zcat")"
printf '%-38s %10s %10s %8s\n' "merge of 10 vs sort -m (time column)" "$t_merge" "$t_sort" "$(ratio "$t_merge" "$t_sort")"
