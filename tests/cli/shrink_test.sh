#!/bin/sh
# A file that shrinks while sandlog reads it (copytruncate does that) never
# kills sandlog with a signal: it prints what it read, names the file and
# exits with the I/O status (3), or finishes (0) when the cut came too late.
set -u
sandlog=$1
tmp=${TMPDIR:-/tmp}/sandlog-shrink.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN { for (i = 0; i < 600000; i++)
  printf "2026-02-20T14:30:00.%09dZ stdout F line %d with some padding to make it longer\n", i, i }' >"$tmp/orig"
failed=0
cut=0
for delay in 0.01 0.02 0.04 0.08 0.15; do
  cp "$tmp/orig" "$tmp/app.log"
  "$sandlog" --no-progress -o raw "$tmp/app.log" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  sleep "$delay"
  truncate -s 4096 "$tmp/app.log"
  wait $pid
  rc=$?
  if [ $rc -eq 3 ]; then
    cut=$((cut + 1))
    grep -q "app.log: file shrank" "$tmp/err" || { echo "FAIL: exit 3 without naming the file"; failed=1; }
    # what came out is the file's first records, in order (the last one may
    # be the start of a line, read before the cut)
    n=$(($(wc -l <"$tmp/out") - 1))
    head -n "$n" "$tmp/orig" | sed 's/^[^ ]* [^ ]* [^ ]* //' | cmp -s - "$(head -n "$n" "$tmp/out" >"$tmp/head"; echo "$tmp/head")" ||
      { echo "FAIL: output before the cut is not the file's first records"; failed=1; }
  elif [ $rc -ne 0 ]; then
    echo "FAIL: exit $rc after a shrink $delay s in"; cat "$tmp/err"; failed=1
  fi
done
echo "shrink: 5 runs, $cut cut while reading, no signal death"
exit $failed
