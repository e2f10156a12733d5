#!/bin/sh
# sandlog on a pipe whose writer stays open (kubectl logs -f): the -v format
# and the note that --stream drops records without a stream come at the
# first wait, not only at the end of the input, which may never come.
#   pipe_notes.sh SANDLOG   prints sandlog's stderr, then its exit status
set -u
sandlog=$1
tmp=${TMPDIR:-/tmp}/sandlog-pipe-notes.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/fifo"
"$sandlog" -v --since 10m --stream stderr <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err" &
pid=$!
exec 3>"$tmp/fifo"
printf '2026-02-20T14:30:50Z hello\n2026-02-20T14:30:59Z world\n' >&3
# The writer stays open until the notes are out (or 30 s, a failure).
n=0
while ! grep -q -- '--stream drops' "$tmp/err" && [ $n -lt 300 ]; do
  n=$((n + 1))
  sleep 0.1
done
[ $n -lt 300 ] || echo "FAIL: no note while the writer was open"
cat "$tmp/err"
echo "--- the writer closes"
exec 3>&-
wait $pid
rc=$?
cat "$tmp/err" | tail -n +3
cat "$tmp/out"
echo "exit $rc"
