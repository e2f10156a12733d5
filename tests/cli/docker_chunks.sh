#!/bin/sh
# Docker API bodies and local-driver files give the same records, errors and
# exit status from a pipe whose writer sends 1, 3, 7 or 100 bytes at a time
# (detection then sees a first read of a few bytes) as from the file.
#   docker_chunks.sh SANDLOG
set -u
sandlog=$1
case $sandlog in /*) ;; *) sandlog=$(pwd)/$sandlog ;; esac
command -v python3 >/dev/null || { echo "FAIL: python3 is needed for the slow writer"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
tmp=${TMPDIR:-/tmp}/sandlog-docker-chunks.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
failed=0
total=0
for p in "$here"/inputs/docker/*.bin "$here"/inputs/docker/*.log; do
  "$sandlog" -o ndjson "$p" >"$tmp/file.out" 2>"$tmp/file.err"
  rc_file=$?
  sed "s|$p|INPUT|" "$tmp/file.err" >"$tmp/file.err2"
  for step in 1 3 7 100; do
    total=$((total + 1))
    python3 -c '
import os, sys, time
data = open(sys.argv[1], "rb").read()
step = int(sys.argv[2])
for i in range(0, len(data), step):
    try:
        os.write(1, data[i:i + step])
    except BrokenPipeError:
        break
    if i < 300:
        time.sleep(0.002)  # separate reads at the start, where detection looks
' "$p" "$step" | "$sandlog" -o ndjson >"$tmp/pipe.out" 2>"$tmp/pipe.err"
    rc_pipe=$?
    sed "s|<stdin>|INPUT|" "$tmp/pipe.err" >"$tmp/pipe.err2"
    if ! cmp -s "$tmp/file.out" "$tmp/pipe.out" || ! cmp -s "$tmp/file.err2" "$tmp/pipe.err2" ||
       [ $rc_file != $rc_pipe ]; then
      echo "FAIL: $(basename "$p") through a pipe $step bytes at a time differs from the file (exit $rc_file vs $rc_pipe)"
      diff "$tmp/file.err2" "$tmp/pipe.err2" | head -4
      diff "$tmp/file.out" "$tmp/pipe.out" | head -4 | cut -c1-120
      failed=$((failed + 1))
    fi
  done
done
echo "$((total - failed)) of $total Docker chunking cases passed"
[ $failed = 0 ]
