#!/bin/sh
# Every record is complete and one, whatever its size, in bounded memory:
#   - a 64 MiB line of control bytes (each escaped to six bytes in ndjson)
#     is ONE ndjson record whose message is the line, byte for byte, and
#     ONE text line (its escapes read back give the line); read from a pipe,
#     the command's peak memory (max RSS) does not grow with the line (a
#     128 MiB line takes at most 8 MiB more than a 64 MiB one) and, but in
#     a sanitizer build (whose allocator holds memory of its own), stays
#     under the line's own size, 64 MiB: neither the line nor its 384 MiB
#     of JSON is ever held whole (docs/cli.md, "Long records");
#   - where records are held (--tail, --jobs) each 16 MiB piece stays a
#     record of its own, every one parseable, flagged partial but the last;
#   - --tail 1 of a 12 MiB such line is one record of about 72 MiB.
#   ndjson_big.sh SANDLOG
set -u
sandlog=$1
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to check the output"; exit 1; }
tmp=${TMPDIR:-/tmp}/sandlog-ndjson-big.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# The line: the 32 bytes 0x00..0x1f but LF, and DEL, over and over.
make_line() {
  python3 - "$1" "$2" <<'PY'
import sys
pattern = bytes(b for b in range(0, 32) if b != 10) + b'\x7f'
with open(sys.argv[1], 'wb') as f:
    for _ in range((int(sys.argv[2]) << 20) // len(pattern)):
        f.write(pattern)
    f.write(b'\n')
PY
}

# Runs sandlog ARGS with the file on a pipe (so nothing of it is mapped),
# its output to $tmp/out; prints its exit status and peak RSS in KiB.
run_piped() {
  python3 - "$sandlog" "$tmp/in.log" "$tmp/out" "$tmp/err" "$@" <<'PY'
import resource, subprocess, sys
exe, src, out, err = sys.argv[1:5]
with open(src, 'rb') as i, open(out, 'wb') as o, open(err, 'wb') as e:
    p = subprocess.Popen([exe] + sys.argv[5:] + ['-'], stdin=subprocess.PIPE, stdout=o, stderr=e)
    while True:
        b = i.read(1 << 20)
        if not b:
            break
        p.stdin.write(b)
    p.stdin.close()
    rc = p.wait()
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}

# Checks $tmp/out: MODE is one (exactly one ndjson record, partial false,
# whose message is the whole line), text (exactly one line, which unescapes
# to the line), or pieces N (N records, each parseable and flagged partial
# but the last, whose messages put together are the last N pieces' bytes).
check() {
  python3 - "$tmp/out" "$1" "$2" "${3:-0}" <<'PY'
import json, sys
out, mib, mode, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
pattern = bytes(b for b in range(0, 32) if b != 10) + b'\x7f'
reps = (mib << 20) // len(pattern)

def same_stream(f, head, unit, count, tail):
    # The file is head + unit * count + tail, read a block at a time.
    if f.read(len(head)) != head:
        return 'wrong start'
    block = 4096
    for done in range(0, count, block):
        k = min(block, count - done)
        if f.read(len(unit) * k) != unit * k:
            return 'wrong bytes near repetition %d' % done
    if f.read() != tail:
        return 'wrong end'
    return None

with open(out, 'rb') as f:
    if mode == 'one':
        short = {8: b'\\b', 9: b'\\t', 12: b'\\f', 13: b'\\r'}
        unit = b''.join(short.get(c, b'\\u%04x' % c) if c < 32 else bytes([c]) for c in pattern)
        head = b'{"time":null,"stream":null,"message":"'
        why = same_stream(f, head, unit, reps, b'","partial":false}\n')
    elif mode == 'text':
        unit = b''.join(b'\\x%02x' % c if c not in (9, 13) else (b'\t' if c == 9 else b'\\r')
                        for c in pattern)
        why = same_stream(f, b'', unit, reps, b'\n')
    else:
        records = [json.loads(l) for l in f]
        joined = ''.join(r['message'] for r in records).encode('ascii')
        flags = [r['partial'] for r in records]
        why = None
        if len(records) != n:
            why = '%d records, not %d' % (len(records), n)
        elif flags != [True] * (n - 1) + [False]:
            why = 'partial flags %s' % flags
        elif joined != (pattern * reps)[len(pattern) * reps - len(joined):] or len(joined) % len(pattern):
            why = 'messages are not the end of the line'
        print('%d records, %d message bytes' % (len(records), len(joined)))
if why:
    print(why)
    sys.exit(1)
PY
}

# Bounded memory: less than the line itself (whose ndjson is 384 MiB), and
# not more for a line twice as long.
limit_kib=$((64 * 1024))
growth_kib=$((8 * 1024))
sanitized=$(python3 -c 'import sys; print(int(b"__asan_init" in open(sys.argv[1], "rb").read() or b"__tsan_init" in open(sys.argv[1], "rb").read()))' "$sandlog")
[ "$sanitized" = 1 ] && echo "NOTE: a sanitizer build: the absolute limit ($limit_kib KiB) is not applied, the growth limit is"
rss64=
for run in "ndjson 64" "text 64" "ndjson 128"; do
  mode=${run% *} mib=${run#* }
  make_line "$tmp/in.log" "$mib"
  got=$(run_piped -o $mode)
  rc=${got% *} rss=${got#* }
  case $rss in ''|*[!0-9]*) fail "sandlog -o $mode: could not be run and measured ($got)"; continue ;; esac
  echo "-o $mode on a $mib MiB line, from a pipe: exit $rc, max RSS $rss KiB"
  [ "$rc" = 0 ] || { fail "sandlog -o $mode on a $mib MiB line: exit $rc"; cat "$tmp/err"; }
  if [ "$sanitized" != 1 ] && [ "$rss" -ge "$limit_kib" ]; then
    fail "sandlog -o $mode on a $mib MiB line took $rss KiB, over $limit_kib"
  fi
  if [ $mode = text ]; then
    check "$mib" text || fail "-o text on a $mib MiB line of control bytes is not one line that reads back"
    continue
  fi
  check "$mib" one || fail "-o ndjson on a $mib MiB line of control bytes is not one complete record"
  if [ "$mib" = 64 ]; then
    rss64=$rss
  elif [ -n "$rss64" ] && [ $((rss - rss64)) -gt "$growth_kib" ]; then
    fail "sandlog -o ndjson took $rss KiB on a 128 MiB line, $rss64 KiB on a 64 MiB one: it grows with the line"
  fi
done
make_line "$tmp/in.log" 64
# The same from a mapped file: still one record.
"$sandlog" -o ndjson "$tmp/in.log" >"$tmp/out" 2>"$tmp/err" || fail "sandlog -o ndjson FILE: exit $?"
check 64 one || fail "-o ndjson on a mapped 64 MiB line is not one complete record"
# Held records: 16 MiB pieces, each one record.
"$sandlog" -o ndjson --tail 2 "$tmp/in.log" >"$tmp/out" 2>"$tmp/err" || fail "--tail 2: exit $?"
check 64 pieces 2 || fail "-o ndjson --tail 2 on a 64 MiB line: not its last two pieces"
"$sandlog" -o ndjson --jobs 2 "$tmp/in.log" >"$tmp/out" 2>"$tmp/err" || fail "--jobs 2: exit $?"
check 64 pieces 4 || fail "-o ndjson --jobs 2 on a 64 MiB line: not its four pieces"

make_line "$tmp/in.log" 12
"$sandlog" -o ndjson --tail 1 "$tmp/in.log" >"$tmp/out" 2>"$tmp/err" || fail "--tail 1: exit $?"
check 12 pieces 1 || fail "-o ndjson --tail 1 on a 12 MiB line: not one whole record"

[ $failed = 0 ] && echo "ndjson records complete"
exit $failed
