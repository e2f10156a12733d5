#!/bin/sh
# sandlog --follow: lines appended to a file in bursts while sandlog runs all
# come out, in order, once each; SIGTERM then ends it cleanly (exit 0, and the
# unterminated last line is delivered).
set -u
sandlog=$1
case $sandlog in /*) ;; *) sandlog=$(pwd)/$sandlog ;; esac
tmp=${TMPDIR:-/tmp}/sandlog-follow.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
log=$tmp/app.log
: >"$log"
n=0
burst() {  # appends $1 CRI lines
  i=0
  while [ $i -lt "$1" ]; do
    n=$((n + 1))
    printf '2026-02-20T14:30:%02d.%09dZ stdout F line %d\n' $((n % 60)) "$n" "$n"
    i=$((i + 1))
  done >>"$log"
}
burst 5
"$sandlog" --follow --output raw "$log" >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.3
burst 50
sleep 0.3
burst 1
sleep 0.2
burst 400
printf '2026-02-20T14:31:00Z stdout F half a ' >>"$log"
sleep 0.3
printf 'message\n2026-02-20T14:31:01Z stdout F no newline yet' >>"$log"
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
{
  i=1
  while [ $i -le $n ]; do echo "line $i"; i=$((i + 1)); done
  echo "half a message"
  echo "no newline yet"
} >"$tmp/want"
if [ $rc -ne 0 ] || ! cmp -s "$tmp/want" "$tmp/out" || [ -s "$tmp/err" ]; then
  echo "FAIL: follow (exit $rc)"
  diff "$tmp/want" "$tmp/out" | head -20
  cat "$tmp/err"
  exit 1
fi
echo "follow: $((n + 2)) records in order, clean exit on SIGTERM"
