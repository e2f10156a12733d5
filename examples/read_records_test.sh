#!/bin/sh
# read_records (the record reader alone) prints what `sandlog FILE` prints,
# for every bundled sample and for the command's test inputs in line formats.
set -u
reader=$1
sandlog=$2
cd "$(dirname "$0")/.."
tmp=${TMPDIR:-/tmp}/read-records.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
checked=0
failed=0
for f in examples/samples/*.log tests/cli/inputs/*.cri tests/cli/inputs/*.docker tests/cli/inputs/*.log; do
  [ -f "$f" ] || continue
  "$reader" "$f" >"$tmp/a" 2>/dev/null
  "$sandlog" --no-progress "$f" >"$tmp/b" 2>/dev/null
  checked=$((checked + 1))
  if ! cmp -s "$tmp/a" "$tmp/b"; then
    echo "FAIL: $f"
    diff "$tmp/b" "$tmp/a" | head -10
    failed=$((failed + 1))
  fi
done
echo "$((checked - failed)) of $checked inputs give the same records"
[ "$checked" -gt 0 ] && [ "$failed" -eq 0 ]
