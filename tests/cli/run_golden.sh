#!/bin/sh
# Golden-output tests for the sandlog command.
#   run_golden.sh SANDLOG            compare every case with expected/NAME.txt
#   UPDATE=1 run_golden.sh SANDLOG   rewrite expected/ (review the diff!)
# Each line of cases.txt is `NAME  ARGS...`; ARGS go through the shell (so
# `< FILE` works), from the repository root. expected/NAME.txt holds stdout,
# then "--- stderr", stderr, then "--- exit N". The stats line with the
# measured time and throughput is left out.
set -u
sandlog=$1
case $sandlog in /*) ;; *) sandlog=$(pwd)/$sandlog ;; esac
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
SANDLOG_NOW=2026-02-20T14:31:00Z
export SANDLOG_NOW
tmp=${TMPDIR:-/tmp}/sandlog-golden.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
failed=0
total=0
while IFS= read -r entry; do
  case $entry in ''|'#'*) continue ;; esac
  name=${entry%%[ 	]*}
  args=${entry#"$name"}
  total=$((total + 1))
  eval "\"\$sandlog\" $args" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  {
    cat "$tmp/out"
    echo "--- stderr"
    grep -v '^sandlog: stats: time ' "$tmp/err"
    echo "--- exit $rc"
  } >"$tmp/got"
  if [ "${UPDATE:-}" = 1 ]; then
    cp "$tmp/got" "tests/cli/expected/$name.txt"
  elif ! cmp -s "$tmp/got" "tests/cli/expected/$name.txt"; then
    echo "FAIL: $name: sandlog$args"
    diff -u "tests/cli/expected/$name.txt" "$tmp/got" | head -40
    failed=$((failed + 1))
  fi
done <"$here/cases.txt"

# --jobs gives byte for byte what one thread gives, on a file of several
# blocks with partial CRI messages and malformed lines across every cut.
awk 'BEGIN {
  for (i = 0; i < 60000; i++) {
    s = (i % 3 == 0) ? "stderr" : "stdout"
    tag = (i % 7 < 4) ? "P" : "F"
    if (i % 9973 == 5000) { print "not a cri line " i; continue }
    printf "2026-02-20T14:%02d:%02d.%09dZ %s %s line %d %s\n", int(i / 6000) % 60, int(i / 100) % 60, i, s, tag, i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  }
  printf "2026-02-20T15:00:00Z stdout P an unfinished message at the end"
}' >"$tmp/big.log"
# Each case runs with the default blocks (a few cuts) and with small ones
# (SANDLOG_JOBS_BLOCK: hundreds of cuts, odd sizes), on 2, 3 and 4 threads,
# so that blocks finish out of order and turns pass in every pattern.
for args in "--strict" "" "-o ndjson" "--no-join" "--since 2026-02-20T14:05:00Z --until 2026-02-20T14:07:00Z --stream stdout"; do
  "$sandlog" $args "$tmp/big.log" >"$tmp/one" 2>"$tmp/one.err"
  rc1=$?
  for run in "3" "2 65536" "3 12345" "4 4096"; do
    set -- $run
    total=$((total + 1))
    SANDLOG_JOBS_BLOCK=${2:-} "$sandlog" --jobs "$1" $args "$tmp/big.log" >"$tmp/many" 2>"$tmp/many.err"
    rcn=$?
    if ! cmp -s "$tmp/one" "$tmp/many" || ! cmp -s "$tmp/one.err" "$tmp/many.err" || [ $rc1 != $rcn ]; then
      echo "FAIL: --jobs $1 (blocks ${2:-default}) $args differs from one job (exit $rc1 vs $rcn)"
      diff "$tmp/one.err" "$tmp/many.err" | head -5
      cmp "$tmp/one" "$tmp/many"
      failed=$((failed + 1))
    fi
  done
done
if [ "$(wc -l <"$tmp/one.err")" -ne 6 ]; then
  echo "FAIL: expected 6 malformed lines reported for big.log"
  failed=$((failed + 1))
fi

# Output that cannot be written (/dev/full) ends every --jobs run with exit
# 3, as with one thread: no thread may wait for ever for a turn that the
# failing writer will not hand on. In raw4m.log the second 4 MiB block is
# a few lines, so its thread is waiting when the first block's first write
# fails (half the runs hung before that was fixed).
awk 'BEGIN { for (i = 0; i < 43000; i++) printf "%099d\n", i }' >"$tmp/raw4m.log"
if [ -w /dev/full ]; then
  for run in "2 0 raw4m" "2 0 raw4m" "2 0 raw4m" "2 0 raw4m" "3 65536 big" "4 4096 big"; do
    set -- $run
    total=$((total + 1))
    SANDLOG_JOBS_BLOCK=$2 timeout 60 "$sandlog" --jobs "$1" -o ndjson "$tmp/$3.log" \
      >/dev/full 2>"$tmp/full.err"
    rc=$?
    if [ $rc != 3 ] || ! grep -q "standard output" "$tmp/full.err"; then
      echo "FAIL: --jobs $1 (blocks $2) on $3.log writing to /dev/full: exit $rc, not 3"
      failed=$((failed + 1))
    fi
  done
fi

# CRI lines sharing a whole second take a short path for raw output; it must
# give what the full decoder gives (forced here with --tail, which the short
# path does not serve) on every shape near the one it accepts.
awk 'BEGIN {
  n = split("Z z +00:00 +01:30 -02:00", off, " ")
  for (i = 0; i < 30000; i++) {
    sec = sprintf("2026-02-20T14:%02d:%02d", int(i / 600) % 60, (i % 7 == 0) ? 60 : int(i / 10) % 60)
    if (i % 41 == 0) { printf "%s.5Z stdout F crlf %d\r\n", sec, i; continue }
    d = i % 12
    frac = (d == 0) ? "" : "." substr("12345678901", 1, d - 1)
    o = (i % 13 == 0) ? off[(i % n) + 1] : "Z"
    s = (i % 3 == 0) ? "stderr" : "stdout"
    tag = (i % 11 == 0) ? "P" : (i % 17 == 0) ? "F:x" : (i % 19 == 0) ? "Fx" : "F"
    if (i % 29 == 0) { printf "%s%s%s %s %s\n", sec, frac, o, s, tag; continue }
    if (i % 31 == 0) { printf "%s%s%s %s %s \n", sec, frac, o, s, tag; continue }
    if (i % 37 == 0) { printf "%s%s%s  %s %s m%d\n", sec, frac, o, s, tag, i; continue }
    printf "%s%s%s %s %s message %d\n", sec, frac, o, s, tag, i
  }
  # the --since/--until below fall exactly on the second of these
  print "2026-02-20T15:00:00.1Z stdout F a"
  print "2026-02-20T15:00:00.123456789Z stdout F b"
  print "2026-02-20T15:00:00.1234Z stderr F c"
}' >"$tmp/short.log"
for args in "" "--since 2026-02-20T15:00:00.123456789Z" "--until 2026-02-20T15:00:00.12345679Z" \
    "--since 2026-02-20T14:03:20.5Z --until 2026-02-20T14:05:00.123Z --stream stderr" "--no-join" \
    "- <$tmp/short.log" "--jobs 2"; do
  total=$((total + 1))
  case $args in "- <"*) in= ;; *) in=$tmp/short.log ;; esac
  eval "\"\$sandlog\" --format cri -o raw $args $in" >"$tmp/short" 2>"$tmp/short.err"
  rc1=$?
  eval "\"\$sandlog\" --format cri -o raw --tail 100000 $args $in" >"$tmp/long" 2>"$tmp/long.err"
  rc2=$?
  if ! cmp -s "$tmp/short" "$tmp/long" || ! cmp -s "$tmp/short.err" "$tmp/long.err" || [ $rc1 != $rc2 ]; then
    echo "FAIL: -o raw $args: short CRI path differs from the full decoder (exit $rc1 vs $rc2)"
    diff "$tmp/long" "$tmp/short" | head -5
    failed=$((failed + 1))
  fi
done

# `sandlog lifecycle` on a container log stops after its first lines say it
# is not lifecycle events: standard input is a regular file here, so what it
# left unread is still there for wc to count (about 4 MB were written; a
# reader that went to the end leaves 0).
awk 'BEGIN { for (i = 0; i < 40000; i++)
  printf "2026-02-20T14:30:%02d.%09dZ stdout F container line %d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", i % 60, i, i }' \
  >"$tmp/cri4m.log"
total=$((total + 1))
left=$( { "$sandlog" lifecycle - >"$tmp/lc.out" 2>"$tmp/lc.err"; echo $? >"$tmp/lc.rc"; wc -c; } <"$tmp/cri4m.log")
if [ "$(cat "$tmp/lc.rc")" != 1 ] || [ "$left" -lt 3000000 ] ||
    ! grep -q '^sandlog: <stdin>: not lifecycle events: none of the first 64 non-empty lines' "$tmp/lc.err" ||
    [ "$(wc -c <"$tmp/lc.out")" -gt 100 ] || [ "$(wc -l <"$tmp/lc.err")" -ne 1 ]; then
  echo "FAIL: lifecycle on a 4 MB CRI log: exit $(cat "$tmp/lc.rc"), $left bytes left unread, $(wc -c <"$tmp/lc.out") bytes out"
  head -3 "$tmp/lc.err"
  failed=$((failed + 1))
fi

echo "$((total - failed)) of $total CLI cases passed"
[ "$failed" -eq 0 ]
