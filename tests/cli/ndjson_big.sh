#!/bin/sh
# Every ndjson record is one complete JSON object, whatever its size: a
# 64 MiB message of control bytes (each escaped to six bytes) comes out as
# records that each parse, whose messages put together are the line, and
# --tail 1 of a 12 MiB such line is one record of about 72 MiB.
#   ndjson_big.sh SANDLOG
set -u
sandlog=$1
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to check the JSON"; exit 1; }
tmp=${TMPDIR:-/tmp}/sandlog-ndjson-big.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
failed=0
for mib in 64 12; do
  python3 - "$tmp/in.log" "$mib" <<'PY'
import sys
pattern = bytes(b for b in range(0, 32) if b != 10) + b'\x7f'
n = int(sys.argv[2]) << 20
open(sys.argv[1], 'wb').write((pattern * (n // len(pattern) + 1))[:n] + b'\n')
PY
  args="-o ndjson"
  [ "$mib" = 12 ] && args="-o ndjson --tail 1"
  "$sandlog" $args "$tmp/in.log" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ $rc != 0 ]; then
    echo "FAIL: sandlog $args on a $mib MiB line: exit $rc"; cat "$tmp/err"; failed=1; continue
  fi
  if ! python3 - "$tmp/in.log" "$tmp/out" "$mib" <<'PY'
import json, sys
line = open(sys.argv[1], 'rb').read()[:-1]
records = [json.loads(l) for l in open(sys.argv[2], 'rb')]
joined = ''.join(r['message'] for r in records).encode('utf-8')
whole = [r for r in records if not r['partial']]
ok = joined == line and records and not records[-1]['partial']
if sys.argv[3] == '12':
    ok = ok and len(records) == 1
print('%s MiB line: %d records, %d message bytes, %d complete' % (sys.argv[3], len(records), len(joined), len(whole)))
sys.exit(0 if ok else 1)
PY
  then
    echo "FAIL: sandlog $args on a $mib MiB line of control bytes: records incomplete or wrong"
    failed=1
  fi
done
[ $failed = 0 ] && echo "ndjson records complete"
exit $failed
