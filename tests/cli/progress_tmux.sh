#!/bin/sh
# The progress bar never shares a line with anything: sandlog runs in a tmux
# pane (stderr a terminal) with stdout to a file, on a file big enough for
# the bar, with malformed lines spread through it. Every byte the pane
# received is kept (pipe-pane): each bar drawn must be followed by another
# bar or by its erasure before any other byte, and the screen at the end
# must hold the error lines alone. With stdout on the same terminal no bar
# may be drawn at all. tmux that cannot start is a failure, not a skip.
#   progress_tmux.sh SANDLOG
set -u
sandlog=$1
case $sandlog in /*) ;; *) sandlog=$(pwd)/$sandlog ;; esac
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to read the pane's bytes"; exit 1; }
tmp=${TMPDIR:-/tmp}/sandlog-progress.$$
mkdir -p "$tmp"
sock="$tmp/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
# 3.3 million CRI lines (about 330 MB), a malformed one every 700,000.
awk 'BEGIN {
  for (i = 0; i < 3300000; i++) {
    if (i % 700000 == 350000) { print "not a cri line " i; continue }
    printf "2026-02-20T14:30:00.%09dZ stdout F line %d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", i, i
  }
}' >"$tmp/big.log"
failed=0
run_pane() {  # NAME COMMAND: runs COMMAND in a fresh pane, keeps its bytes in $tmp/NAME.bytes
  if ! tmux -S "$sock" -f /dev/null new-session -d -x 200 -y 50 -s "$1" "sleep 3600"; then
    echo "FAIL: tmux cannot start a session"; exit 1
  fi
  tmux -S "$sock" pipe-pane -t "$1" -o "cat >>'$tmp/$1.bytes'"
  tmux -S "$sock" respawn-pane -k -t "$1" "$2; echo \"rc=\$?\" >'$tmp/$1.rc'; sleep 3600"
  n=0
  while [ ! -s "$tmp/$1.rc" ]; do
    n=$((n + 1))
    if [ $n -gt 1200 ]; then echo "FAIL: $1: sandlog did not finish in 10 minutes"; exit 1; fi
    sleep 0.5
  done
  sleep 0.5
  tmux -S "$sock" capture-pane -p -t "$1" >"$tmp/$1.screen"
}

run_pane tofile "cd '$tmp' && '$sandlog' big.log >out.txt"
if [ "$(cat "$tmp/tofile.rc")" != "rc=1" ]; then
  echo "FAIL: stdout to a file: $(cat "$tmp/tofile.rc"), expected rc=1 (malformed lines)"; failed=1
fi
if [ "$(wc -l <"$tmp/out.txt")" -ne 3299995 ]; then
  echo "FAIL: stdout to a file: $(wc -l <"$tmp/out.txt") records, expected 3299995"; failed=1
fi
python3 - "$tmp/tofile.bytes" "$tmp/tofile.screen" <<'PY' || failed=1
import re, sys
data = open(sys.argv[1], 'rb').read()
bar = re.compile(rb'\r\[[# ]{30}\] +\d+%  [0-9.]+ GB/s')
erase = b'\r\x1b[K'
draws = list(bar.finditer(data))
bad = 0
for m in draws:
    rest = data[m.end():]
    if not (rest.startswith(erase) or bar.match(rest)):
        bad += 1
        print('FAIL: a bar drawn and then, on its line:', rest[:60])
screen = [l for l in open(sys.argv[2], encoding='utf-8', errors='replace').read().split('\n') if l.strip()]
for l in screen:
    if not l.startswith('sandlog: '):
        bad += 1
        print('FAIL: a screen line that is not a message alone:', repr(l[:80]))
    if 'GB/s' in l:
        bad += 1
        print('FAIL: the bar is on the screen at the end:', repr(l[:80]))
if len(draws) == 0:
    bad += 1
    print('FAIL: no progress bar was drawn for a 330 MB file on a terminal')
if len(screen) != 5:
    bad += 1
    print('FAIL: %d lines on the screen, expected the 5 malformed-line messages' % len(screen))
print('stdout to a file: %d bars drawn, %d screen lines, %d problems' % (len(draws), len(screen), bad))
sys.exit(1 if bad else 0)
PY

# stdout on the same terminal: no bar at all.
run_pane toterm "cd '$tmp' && '$sandlog' --tail 2 big.log"
python3 - "$tmp/toterm.bytes" <<'PY' || failed=1
import sys
data = open(sys.argv[1], 'rb').read()
n = data.count(b'GB/s')
print('stdout on the terminal: %d bars drawn' % n)
sys.exit(1 if n else 0)
PY
[ $failed = 0 ] && echo "progress bar: never shares a line"
exit $failed
