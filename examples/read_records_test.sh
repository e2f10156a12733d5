#!/bin/sh
# read_records (the record reader alone) prints what `sandlog FILE` prints,
# for every bundled sample and for the command's test inputs in line formats.
# The command escapes control bytes and ill-formed UTF-8 in text output and the
# example writes them as they are, so the command's output is read back first,
# by the rules of docs/cli.md (TEXT ESCAPING).
set -u
reader=$1
sandlog=$2
cd "$(dirname "$0")/.."
tmp=${TMPDIR:-/tmp}/read-records.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
unescape() {
  python3 -c '
import re, sys
text = sys.stdin.buffer.read()
def byte(m):
    e = m.group(0)
    return {b"\\\\": b"\\", b"\\n": b"\n", b"\\r": b"\r"}.get(e) or bytes([int(e[2:], 16)])
sys.stdout.buffer.write(re.sub(rb"\\\\|\\n|\\r|\\x[0-9a-f]{2}", byte, text))'
}
checked=0
failed=0
for f in examples/samples/*.log tests/cli/inputs/*.cri tests/cli/inputs/*.docker tests/cli/inputs/*.log; do
  [ -f "$f" ] || continue
  "$reader" "$f" >"$tmp/a" 2>/dev/null
  "$sandlog" --no-progress "$f" 2>/dev/null | unescape >"$tmp/b"
  checked=$((checked + 1))
  if ! cmp -s "$tmp/a" "$tmp/b"; then
    echo "FAIL: $f"
    diff "$tmp/b" "$tmp/a" | head -10
    failed=$((failed + 1))
  fi
done
echo "$((checked - failed)) of $checked inputs give the same records"
[ "$checked" -gt 0 ] && [ "$failed" -eq 0 ]
