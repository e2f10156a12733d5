#!/usr/bin/env bash
# Log sets through the command, on real layouts built in a temporary
# directory: kubelet pod directories (containers, restarts, plain and gzip
# rotations, a P/F message across a rotation), Docker .N/.N.gz sets with a
# message cut between files, logrotate sets, directory/glob/file forms,
# merges of 2 and 10 sources against a slow reference merge, --tail from the
# end against a full pass, and a corrupt gzip member.
#   sets_test.sh SANDLOG
set -u
sandlog=$1
case $sandlog in /*) ;; *) sandlog=$PWD/$sandlog ;; esac
command -v gzip >/dev/null || { echo "FAIL: gzip is needed to build the layouts"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sandlog-sets.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
total=0
check() {  # name expected-file got-file
  total=$((total + 1))
  if ! cmp -s "$2" "$3"; then
    echo "FAIL: $1"
    diff "$2" "$3" | head -10
    fails=$((fails + 1))
  fi
}
expect_rc() {  # name want got
  total=$((total + 1))
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: exit $3, expected $2"
    fails=$((fails + 1))
  fi
}
expect_grep() {  # name pattern file
  total=$((total + 1))
  if ! grep -q -- "$2" "$3"; then
    echo "FAIL: $1: no '$2' in:"
    head -5 "$3"
    fails=$((fails + 1))
  fi
}
cri() { printf '2026-02-20T14:%s %s %s %s\n' "$1" "$2" "$3" "$4"; }

# ---- kubelet: a pod with two containers
pod=pods/default_web-7f9_0a1b2c3d
mkdir -p "$pod/app" "$pod/side"
{ cri 00:00.000000000Z stdout F "app restart0 one"; cri 00:01.000000000Z stdout F "app restart0 two"; } >"$pod/app/0.log"
{ cri 10:00.000000000Z stdout F "app r1 oldest"; cri 10:01.000000000Z stderr F "app r1 oldest err"; } | gzip -n >"$pod/app/1.log.20260220-141000.gz"
{ cri 11:00.000000000Z stdout F "app r1 middle"; cri 11:01.000000000Z stdout P "app r1 joined "; } >"$pod/app/1.log.20260220-141500"
{ cri 11:02.000000000Z stdout F "across the rotation"; cri 12:00.000000000Z stdout F "app r1 live"; } >"$pod/app/1.log"
{ cri 10:30.000000000Z stdout F "side one"; cri 11:30.000000000Z stderr F "side two"; } >"$pod/side/0.log"
cat >want <<'EOF'
app r1 oldest
app r1 oldest err
app r1 middle
app r1 joined across the rotation
app r1 live
EOF
"$sandlog" -o raw "$pod/app" >got 2>err; rc=$?
check "kubelet container dir, current restart, gzip + plain rotations, P/F across files" want got
expect_rc "kubelet container dir" 0 $rc
"$sandlog" -o raw "$pod"/app/1.log* >got 2>err
check "kubelet files named one by one (shell order) read in set order" want got
"$sandlog" -o raw "$pod/app/*" >got 2>err
check "kubelet glob given to sandlog" want got
printf 'app restart0 one\napp restart0 two\n' >want
"$sandlog" -o raw --previous "$pod/app" >got 2>err
check "--previous reads the restart before the current one" want got
"$sandlog" -o raw --previous "$pod/side" >got 2>err; rc=$?
expect_rc "--previous without an earlier restart" 3 $rc
expect_grep "--previous without an earlier restart says so" "no earlier restart" err
cat >want <<'EOF'
[web-7f9/app] app r1 oldest
[web-7f9/app] app r1 oldest err
[web-7f9/side] side one
[web-7f9/app] app r1 middle
[web-7f9/app] app r1 joined across the rotation
[web-7f9/side] side two
[web-7f9/app] app r1 live
EOF
"$sandlog" -o raw --prefix "$pod" >got 2>err
check "pod dir: two containers merged by time with --prefix" want got
"$sandlog" -o ndjson --prefix "$pod" | head -1 >got
printf '%s\n' '{"source":"web-7f9/app","time":"2026-02-20T14:10:00.000000000Z","stream":"stdout","partial":false,"message":"app r1 oldest"}' >want
check "ndjson --prefix has a source member" want got
"$sandlog" -o raw --concat "$pod" >got 2>err
printf 'app r1 oldest\napp r1 oldest err\napp r1 middle\napp r1 joined across the rotation\napp r1 live\nside one\nside two\n' >want
check "--concat: one source after the other" want got

# ---- Docker json-file: .N and .N.gz, a message cut between two files
d=docker/abc123
mkdir -p "$d"
dj() { printf '{"log":"%s","stream":"%s","time":"2026-02-20T14:%sZ"}\n' "$1" "$2" "$3"; }
{ dj 'oldest\n' stdout 00:00.1; } | gzip -n >"$d/abc123-json.log.3.gz"
{ dj 'second\n' stdout 00:01.1; dj 'cut in ' stdout 00:02.1; } | gzip -n >"$d/abc123-json.log.2.gz"
{ dj 'two\n' stdout 00:02.2; dj 'third\n' stderr 00:03.1; } >"$d/abc123-json.log.1"
{ dj 'live\n' stdout 00:04.1; } >"$d/abc123-json.log"
printf 'oldest\nsecond\ncut in two\nthird\nlive\n' >want
"$sandlog" -o raw "$d" >got 2>err; rc=$?
check "docker set .3.gz .2.gz .1 live, a message joined across files" want got
expect_rc "docker set" 0 $rc
"$sandlog" -o raw "$d"/abc123-json.log* >got 2>&1
check "docker set named by the shell" want got

# ---- logrotate: .1, .2.gz, ..., .10.gz (older than .9), and dateext
mkdir -p lr de
for i in 10 9 2 1; do
  printf '2026-02-20T13:%02d:00Z rotated %s\n' $((60 - i * 5)) "$i" | { if [ $i -ge 2 ]; then gzip -n; else cat; fi; } >"lr/app.log.$i$([ $i -ge 2 ] && echo .gz)"
done
printf '2026-02-20T14:00:00Z live\n' >lr/app.log
printf 'rotated 10\nrotated 9\nrotated 2\nrotated 1\nlive\n' >want
"$sandlog" -o raw lr >got 2>err; rc=$?
check "logrotate numbered set: .10.gz before .9.gz" want got
expect_rc "logrotate set with a hole (.3 .. .8 missing)" 1 $rc
expect_grep "the hole is named" "app.log.3 .. .8" err
printf '2026-02-18T10:00:00Z day 18\n' | gzip -n >de/syslog-20260218.gz
printf '2026-02-19T10:00:00Z day 19\n' >de/syslog-20260219
printf '2026-02-20T10:00:00Z today\n' >de/syslog
printf 'day 18\nday 19\ntoday\n' >want
"$sandlog" -o raw de >got 2>err
check "logrotate dateext set" want got
"$sandlog" -o raw 'de/sys*' >got 2>err
check "dateext set by glob" want got
"$sandlog" -o raw de/syslog de/syslog-20260219 de/syslog-20260218.gz >got 2>err
check "dateext set by files in any order" want got

# ---- a corrupt gzip member: reported with name and offset, the rest read
mkdir -p bad
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "2026-02-20T13:00:%02d.%06dZ old line %d with some padding to compress\n", int(i / 1000), i % 1000000, i }' >bad/old
gzip -n -c bad/old >full.gz
size=$(wc -c <full.gz)
head -c $((size / 2)) full.gz >bad/app.log.2.gz
rm bad/old
printf '2026-02-20T14:00:00Z rotated one\n' >bad/app.log.1
printf '2026-02-20T14:00:01Z live one\n' >bad/app.log
"$sandlog" -o raw bad >got 2>err; rc=$?
expect_rc "truncated gzip member" 1 $rc
expect_grep "the fault names the file" "bad/app.log.2.gz: byte" err
expect_grep "the fault says truncated" "ends inside a gzip member\|truncated" err
expect_grep "what decoded before the fault is printed" "^old line 0 with" got
expect_grep "the rest of the set is read" "^rotated one$" got
expect_grep "the live file is read" "^live one$" got
printf 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | dd of=bad/app.log.2.gz bs=1 seek=20 conv=notrunc 2>/dev/null
"$sandlog" -o raw bad >got 2>err; rc=$?
expect_rc "corrupt gzip member" 1 $rc
expect_grep "corrupt member named with offset" "bad/app.log.2.gz: byte [0-9]" err
expect_grep "the rest of the set still read after corruption" "^live one$" got

# ---- merges of 2 and 10 sources against a slow reference (stable sort on the time column)
for k in 2 10; do
  rm -rf m && mkdir m
  i=0
  while [ $i -lt $k ]; do
    # Times from a few seconds, so equal times across files are common.
    awk -v seed=$((i + k * 7)) -v f=$i 'BEGIN { srand(seed); t = 0
      for (n = 0; n < 400; n++) { t += int(rand() * 3)
        printf "2026-02-20T14:%02d:%02d.%03dZ f%d n%d\n", int(t / 600) % 60, int(t / 10) % 60, (t % 10) * 100, f, n } }' >"m/f$(printf %02d $i).log"
    i=$((i + 1))
  done
  cat m/f*.log | sort -s -k1,1 >want
  "$sandlog" --no-progress m >got 2>err
  check "merge of $k sources equals a stable sort by time" want got
  "$sandlog" m/*.log >got 2>err
  check "merge of $k files named by the shell" want got
  "$sandlog" --tail 37 m >got 2>err
  tail -n 37 want >want.tail
  check "--tail over a merge of $k sources" want.tail got
  "$sandlog" --concat m >got 2>err
  cat m/f*.log >want
  check "--concat of $k sources" want got
done

# ---- --tail from the end equals a full pass (the same bytes through a pipe)
# Records of ~400 bytes so the file is past the 256 KiB first block; partial
# messages (P P F) on both streams, so some fall across any cut.
awk 'BEGIN { srand(3); pad = sprintf("%500s", ""); gsub(/ /, "x", pad)
  for (i = 0; i < 700; i++) {
    s = (rand() < 0.3) ? "stderr" : "stdout"
    t = sprintf("2026-02-20T14:%02d:%02d.%06dZ", int(i / 60) % 60, i % 60, i)
    if (i % 4 == 0) { printf "%s %s P part-a-%d-%s \n", t, s, i, pad; printf "%s %s P part-b \n", t, s; printf "%s %s F end-%d\n", t, s, i }
    else printf "%s %s F m%d %s\n", t, s, i, pad
  } }' >big.log
n_records=$(grep -c ' F ' big.log)
tails_ok=1
for f in "" "--stream stderr" "--since 2026-02-20T14:20:00Z"; do
  n=0
  step=1
  [ -n "$f" ] && step=13
  # The full pass, once: a text record is one line, so the last N lines of
  # it are what --tail N must print.
  # shellcheck disable=SC2086
  "$sandlog" $f - <big.log >full 2>/dev/null
  while [ $n -le $((n_records + 3)) ]; do
    # shellcheck disable=SC2086
    "$sandlog" --tail $n $f big.log >got 2>err
    tail -n $n full >want
    if ! cmp -s want got; then
      echo "FAIL: --tail $n $f from the end differs from the full pass"
      diff want got | head -6
      tails_ok=0
      break
    fi
    n=$((n + step))
  done
done
total=$((total + 1))
[ $tails_ok = 1 ] || fails=$((fails + 1))
# A set of plain files cut by --tail: split big.log in three members.
mkdir -p ts
split -l 400 big.log ts/part.
cat ts/part.a[c-z] >ts/app.log && mv ts/part.aa ts/app.log.2 && mv ts/part.ab ts/app.log.1 && rm ts/part.a[c-z]
for n in 0 1 5 333 550 699 700 5000 10000000000; do
  "$sandlog" --tail $n ts >got 2>err
  "$sandlog" --tail $n - <big.log >want 2>/dev/null
  check "--tail $n from the end of a three-file set" want got
done
# The backward path reads only the end: --stats counts the bytes read.
"$sandlog" --stats --tail 3 big.log >/dev/null 2>err
read_bytes=$(sed -n 's/.*bytes \([0-9][0-9]*\).*/\1/p' err | head -1)
total=$((total + 1))
if [ -z "$read_bytes" ] || [ "$read_bytes" -ge "$(wc -c <big.log)" ]; then
  echo "FAIL: --tail 3 read ${read_bytes:-?} bytes of $(wc -c <big.log): not from the end"; cat err
  fails=$((fails + 1))
fi
"$sandlog" --tail 10000000000 big.log >got 2>err; rc=$?
"$sandlog" big.log >want
check "--tail 10000000000 is everything" want got
expect_rc "--tail 10000000000" 0 $rc
# --tail on a gzip set falls back to the full pass and is still right.
mkdir -p tz && gzip -n -c big.log >tz/app.log.1.gz && : >tz/app.log
"$sandlog" --tail 7 tz >got 2>err
"$sandlog" --tail 7 - <big.log >want
check "--tail on a gzip member" want got

echo "$((total - fails)) of $total set checks passed"
[ $fails -eq 0 ]
