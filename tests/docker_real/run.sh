#!/usr/bin/env bash
# Compares sandlog with a real Docker daemon: starts a private dockerd, runs
# containers that write the hard cases (interleaved streams, CRLF, NUL,
# invalid UTF-8, a multibyte character cut at 16 KiB, lines of 100 KiB and
# 2 MiB, a 20,000-line burst, rotation with compression, a TTY) with the
# json-file and the local driver, and checks that what `docker logs` prints
# is what sandlog decodes from (and that sandlog -f on a container's
# directory follows it across rotations, beside docker logs -f)
#   - the json-file files:   sandlog --output raw --format docker-json [--stream]
#   - the local files:       decode local / local-joined (docker_local.hpp)
#   - the local-logs directory, rotated .gz members read in place:
#                            sandlog --output raw --stream (a line whose
#                            fragments straddle a rotation comes out whole)
#   - the Engine API body:   decode api [--timestamps] (docker_api.hpp)
#   - a resume over the live API: the timestamps=1 body read in part (cut
#     inside a frame), then again with since= the resume cursor's time;
#     decode api-resume drops the replayed records (follow.hpp's
#     resume_cursor: the command has no resume of its own) and what it
#     prints must be `docker logs -t`, each line once
# Usage: run.sh SANDLOG DECODE. Needs root, docker.io, busybox-static, curl.
# It never skips: if the daemon cannot start it says why and fails. The
# daemon and everything it made are removed on any exit.
set -euo pipefail

sandlog=$1
decode=$2
started=$SECONDS

die() { echo "docker_real: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root to start a private dockerd (run the test as root)"
for tool in dockerd containerd runc curl gzip cmp; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps docker.io busybox-static curl)"
done
# Debian's client matches Debian's daemon; another one on PATH may be newer.
docker_bin=$(command -v /usr/bin/docker || command -v docker) || die "docker client not found"
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox not found (install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then die "$busybox is dynamically linked; install busybox-static"; fi

dir=$(mktemp -d /tmp/sandlog-docker.XXXXXX)
sock=$dir/docker.sock
daemon_pid=""

cleanup() {
  local rc=$?
  set +e
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    "$docker_bin" -H "unix://$sock" ps -aq 2>/dev/null |
      xargs -r "$docker_bin" -H "unix://$sock" rm -f >/dev/null 2>&1
    kill "$daemon_pid"
    for _ in $(seq 1 40); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  # whatever the daemon left mounted under our directory, deepest first
  awk -v d="$dir" '$2 ~ "^"d {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dk() { "$docker_bin" -H "unix://$sock" "$@"; }

start_daemon() {  # start_daemon <storage driver>; 0 when it answers
  dockerd --host "unix://$sock" --data-root "$dir/data" --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" --storage-driver "$1" --iptables=false --ip-forward=false \
    --ip-masq=false --bridge=none >"$dir/dockerd-$1.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 120); do
    kill -0 "$daemon_pid" 2>/dev/null || { wait "$daemon_pid" 2>/dev/null; daemon_pid=""; return 1; }
    dk version >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; daemon_pid=""
  return 1
}

driver=overlay2
if ! start_daemon overlay2; then
  echo "docker_real: dockerd did not start with overlay2:" >&2
  tail -5 "$dir/dockerd-overlay2.log" >&2
  rm -rf "$dir/data" "$dir/exec"
  driver=vfs
  start_daemon vfs || { echo "docker_real: dockerd did not start with vfs either:" >&2
                        tail -20 "$dir/dockerd-vfs.log" >&2; exit 1; }
fi
server=$(dk version -f '{{.Server.Version}}')
echo "dockerd $server started (storage driver $driver) in $((SECONDS - started))s"

# An image of busybox alone.
mkdir -p "$dir/image/bin"
cp "$busybox" "$dir/image/bin/busybox"
for applet in sh echo printf cat head tr seq sleep yes dd; do ln -s busybox "$dir/image/bin/$applet"; done
tar -C "$dir/image" -cf "$dir/image.tar" .
dk import "$dir/image.tar" sandlog-busybox:test >/dev/null

# The programs the containers run.
declare -A program
program[interleave]='i=0; while [ $i -lt 2000 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done'
program[bytes]='printf "crlf\r\n"; printf "nul\000inside\n"; printf "bad \377\376 utf8\n";
  printf "cut \342\202 char\n"; printf "\n\n"; printf "\t tabs \r\n" >&2; printf "no newline at end"'
program[utf8cut]='head -c 16383 /dev/zero | tr "\000" x; printf "\342\202\254 after the euro sign\n";
  head -c 32767 /dev/zero | tr "\000" y; printf "\303\251\n"'
program[long100k]='head -c 102400 /dev/zero | tr "\000" a; echo; echo after;
  head -c 50000 /dev/zero | tr "\000" e >&2; echo >&2'
program[long2m]='head -c 2097152 /dev/zero | tr "\000" b; echo; echo after >&2'
program[burst]='seq 1 20000; seq 1 3000 >&2'
program[rotate]='seq 1 3000; head -c 40000 /dev/zero | tr "\000" r; echo; seq 3001 4500 >&2'
# Lines of 40,000 bytes (three fragments each) in 64k files: the daemon
# rotates before a fragment that would pass max-size, so most lines
# straddle a rotation.
program[straddle]='for c in a b c d e f g h i j; do head -c 40000 /dev/zero | tr "\000" $c; echo; done'

run_container() {  # run_container <name> <program> <docker run options...>
  local name=$1 prog=$2
  shift 2
  dk run -d --network none --name "$name" "$@" sandlog-busybox:test /bin/sh -c "$prog" >/dev/null
}

containers=()
for p in interleave bytes utf8cut long100k long2m burst; do
  run_container "json-$p" "${program[$p]}" --log-driver json-file
  run_container "local-$p" "${program[$p]}" --log-driver local
  containers+=("json-$p" "local-$p")
done
run_container json-rotate "${program[rotate]}" --log-driver json-file \
  --log-opt max-size=64k --log-opt max-file=9 --log-opt compress=true
run_container local-rotate "${program[rotate]}" --log-driver local \
  --log-opt max-size=64k --log-opt max-file=9 --log-opt compress=true
run_container local-straddle "${program[straddle]}" --log-driver local \
  --log-opt max-size=64k --log-opt max-file=9 --log-opt compress=true
run_container json-tty 'printf "tty line\n"; printf "second\r\n"; printf "\033[1mbold\033[0m\n"' \
  --log-driver json-file -t
run_container local-tty 'printf "tty line\n"; printf "second\r\n"' --log-driver local -t
# attrs: labels, env and tag the daemon is told to log with each line
# (docker logs --details prints them, sorted and URL-query-escaped).
run_container json-details 'echo one; echo "two & more" >&2; echo three' --log-driver json-file \
  --label team="core infra" --label app=web/1 --log-opt labels=team,app \
  --env FOO='b=r,x' --log-opt env=FOO --log-opt tag='{{.Name}}'
containers+=(json-rotate local-rotate local-straddle json-tty local-tty json-details)
for c in "${containers[@]}"; do
  code=$(dk wait "$c")
  [ "$code" = 0 ] || die "container $c exited with $code"
done
echo "${#containers[@]} containers ran in $((SECONDS - started))s"

# Docker before 23.0 (moby 990b0e28) prints no '\n' after a local-driver line
# that it had to cut into fragments; decode local --legacy does the same.
legacy=""
[ "${server%%.*}" -lt 23 ] && legacy=--legacy

work=$dir/cmp
mkdir -p "$work"
compared=0
bytes=0
records=0
failures=0
final_newline=0
order_skipped=0
processed=0
gz_members=0
straddling=0
dir_compared=0

# check <label> <expected file> <actual file>
check() {
  if cmp -s "$2" "$3"; then
    compared=$((compared + 1))
    bytes=$((bytes + $(stat -c %s "$2")))
  else
    failures=$((failures + 1))
    echo "MISMATCH $1: expected $(stat -c %s "$2") bytes, got $(stat -c %s "$3")" >&2
    cmp "$2" "$3" 2>&1 | head -3 >&2 || true
  fi
}

# sandlog's text output ends every record with '\n', also a last line that
# had none (a documented difference): give the expectation that newline.
with_final_newline() {  # with_final_newline <in> <out>
  cp "$1" "$2"
  if [ -s "$2" ] && [ "$(tail -c 1 "$2" | od -An -c | tr -d ' ')" != '\n' ]; then
    printf '\n' >>"$2"
    final_newline=$((final_newline + 1))
  fi
}

# dec <output> <args...>: runs decode; a decoding error is a failure, shown.
dec() {
  local out=$1
  shift
  if ! "$decode" "$@" >"$out" 2>"$out.log"; then
    failures=$((failures + 1))
    echo "FAILED decode $*: $(tail -1 "$out.log")" >&2
  fi
}

count_records() {  # the records= figures decode printed in the logs given
  local n=0 f r
  for f in "$@"; do
    r=$(sed -n 's/^records=\([0-9]*\).*/\1/p' "$f" 2>/dev/null)
    n=$((n + ${r:-0}))
  done
  echo "$n"
}

for c in "${containers[@]}"; do
  id=$(dk inspect -f '{{.Id}}' "$c")
  cdir=$dir/data/containers/$id
  dk logs "$c" >"$work/$c.all" 2>&1
  dk logs "$c" >"$work/$c.out" 2>/dev/null
  dk logs "$c" 2>"$work/$c.err" >/dev/null
  tty=$(dk inspect -f '{{.Config.Tty}}' "$c")

  # The rotated files, oldest first, then the live one, as one stream.
  case $c in
    json-*)
      base=$cdir/$id-json.log
      : >"$work/$c.file"
      for n in $(seq 9 -1 1); do
        if [ -f "$base.$n.gz" ]; then gzip -dc "$base.$n.gz" >>"$work/$c.file"
        elif [ -f "$base.$n" ]; then cat "$base.$n" >>"$work/$c.file"; fi
      done
      cat "$base" >>"$work/$c.file"
      json_streams="all out err"
      case $c in *-long2m | *-rotate | *-utf8cut | *-long100k) json_streams="out err" ;; esac
      for s in $json_streams; do
        case $s in
          all) "$sandlog" --output raw --format docker-json "$work/$c.file" >"$work/$c.sandlog.$s" ;;
          out) "$sandlog" --output raw --format docker-json --stream stdout "$work/$c.file" >"$work/$c.sandlog.$s" ;;
          err) "$sandlog" --output raw --format docker-json --stream stderr "$work/$c.file" >"$work/$c.sandlog.$s" ;;
        esac
        with_final_newline "$work/$c.$s" "$work/$c.want.$s"
        check "$c json-file ($s)" "$work/$c.want.$s" "$work/$c.sandlog.$s"
      done
      "$sandlog" --output raw --format docker-json "$work/$c.file" >"$work/$c.sandlog.all"
      records=$((records + $(wc -l <"$work/$c.sandlog.all")))
      ;;
    local-*)
      base=$cdir/local-logs/container.log
      files=()
      for n in $(seq 9 -1 1); do
        if [ -f "$base.$n.gz" ]; then gzip -dc "$base.$n.gz" >"$work/$c.rot$n"; files+=("$work/$c.rot$n")
        elif [ -f "$base.$n" ]; then files+=("$base.$n"); fi
      done
      files+=("$base")
      dec "$work/$c.decode.all" local $legacy "${files[@]}"
      dec "$work/$c.decode.out" local $legacy --stream out "${files[@]}"
      dec "$work/$c.decode.err" local $legacy --stream err "${files[@]}"
      local_streams="all out err"
      case $c in *-long2m | *-rotate | *-utf8cut | *-long100k) local_streams="out err" ;; esac
      for s in $local_streams; do check "$c local file ($s)" "$work/$c.$s" "$work/$c.decode.$s"; done
      records=$((records + $(count_records "$work/$c.decode.all.log")))
      # The exact join by id and ordinal is what Docker 23+ prints, stream
      # by stream (another stream's entries may sit between fragments).
      for s in out err; do
        dec "$work/$c.fragments.$s" local --stream "$s" "${files[@]}"
        dec "$work/$c.joined.$s" local-joined --stream "$s" "${files[@]}"
        check "$c local joined = local fragments with newlines ($s)" "$work/$c.fragments.$s" \
          "$work/$c.joined.$s"
      done
      # sandlog on the local-logs directory: the set expanded, its .gz
      # members decoded in place, fragments joined across rotations. It must
      # print what the library reads from the decompressed files and, where
      # the daemon ends every line with '\n' (23.0 on, or no line was cut),
      # what docker logs prints.
      ldir=$cdir/local-logs
      n_gz=$(find "$ldir" -name 'container.log.*.gz' | wc -l)
      gz_members=$((gz_members + n_gz))
      dec "$work/$c.joined.all" local-joined "${files[@]}"
      straddling=$((straddling + $(sed -n 's/.*headless_files=\([0-9]*\).*/\1/p' "$work/$c.joined.all.log")))
      case $c in *-rotate | *-straddle)
        [ "$n_gz" -ge 1 ] || { failures=$((failures + 1)); echo "$c: no .gz member in $ldir: the case tests nothing" >&2; } ;;
      esac
      for s in out err; do
        case $s in out) sname=stdout ;; err) sname=stderr ;; esac
        if ! "$sandlog" --output raw --stream "$sname" "$ldir" >"$work/$c.dir.$s" 2>"$work/$c.dir.$s.log"; then
          failures=$((failures + 1))
          echo "FAILED sandlog $ldir ($s): $(head -3 "$work/$c.dir.$s.log")" >&2
        fi
        cp "$work/$c.joined.$s" "$work/$c.joined.nl.$s"
        if [ -s "$work/$c.joined.nl.$s" ] && [ "$(tail -c 1 "$work/$c.joined.nl.$s" | od -An -c | tr -d ' ')" != '\n' ]; then
          printf '\n' >>"$work/$c.joined.nl.$s"
        fi
        check "$c sandlog local-logs/ = local joined ($s)" "$work/$c.joined.nl.$s" "$work/$c.dir.$s"
        dir_compared=$((dir_compared + 1))
        records=$((records + $(wc -l <"$work/$c.dir.$s")))
        cut_lines=no
        case $c in *-long2m | *-rotate | *-utf8cut | *-long100k | *-straddle) cut_lines=yes ;; esac
        if [ -z "$legacy" ] || [ $cut_lines = no ]; then
          with_final_newline "$work/$c.$s" "$work/$c.want.$s"
          check "$c sandlog local-logs/ = docker logs ($s)" "$work/$c.want.$s" "$work/$c.dir.$s"
          dir_compared=$((dir_compared + 1))
        fi
      done
      ;;
  esac

  # The Engine API body, plain and with timestamps=1.
  curl -sS --unix-socket "$sock" "http://x/containers/$id/logs?stdout=1&stderr=1" -o "$work/$c.body"
  curl -sS --unix-socket "$sock" "http://x/containers/$id/logs?stdout=1&stderr=1&timestamps=1" \
    -o "$work/$c.tbody"
  streams="all out err"
  [ "$tty" = true ] && streams=all  # a TTY has one stream, written to stdout
  # A line cut into fragments may have lines of the other stream logged
  # between its fragments (each stream has its own copier in dockerd);
  # docker logs prints the bytes in that order, sandlog the whole line once
  # it ends. Such containers are compared stream by stream.
  case $c in
    *-long2m | *-rotate | *-utf8cut | *-long100k | *-straddle)
      streams="out err"; order_skipped=$((order_skipped + 1)) ;;
  esac
  for s in $streams; do
    opt=()
    [ "$s" = all ] || opt=(--stream "$s")
    dec "$work/$c.api.$s" api "${opt[@]}" "$work/$c.body"
    check "$c api body ($s)" "$work/$c.$s" "$work/$c.api.$s"
    dec "$work/$c.tapi.$s" api --timestamps "${opt[@]}" "$work/$c.tbody"
    [ "$tty" = true ] && continue  # a TTY body is raw, timestamps and all
    check "$c api body timestamps=1 ($s)" "$work/$c.$s" "$work/$c.tapi.$s"
  done
  if [ -f "$work/$c.api.all.log" ]; then
    records=$((records + $(count_records "$work/$c.api.all.log")))
  else
    records=$((records + $(count_records "$work/$c.api.out.log" "$work/$c.api.err.log")))
  fi
  processed=$((processed + 1))
  # Where no line was cut, each line is one frame and `docker logs -t` is
  # exactly each line with its frame's time.
  case $c in
    *-interleave | *-burst)
      dk logs -t "$c" >"$work/$c.t.out" 2>/dev/null
      dec "$work/$c.tapi.t.out" api --timestamps --times --stream out "$work/$c.tbody"
      check "$c api body times (out) = docker logs -t" "$work/$c.t.out" "$work/$c.tapi.t.out"
      ;;
  esac
done

# The resume cursor over the live API: each body (timestamps=1) is read in
# part, over the socket, and cut inside a frame as a lost connection would
# leave it; decode api-resume names the since= to ask for (the cursor's
# time); the body asked for with it replays from there; the cursor drops the
# replay, and the two requests together must print `docker logs -t`
# exactly, each line once. Containers whose lines are not cut (docker logs
# -t puts a time before every 16 KiB fragment).
# The daemon times each stream's lines in its own copier, so a line of one
# stream may be logged after a later-timed line of the other; since= keeps
# what is at or after it, so such a line just after the cut, timed before
# the last one delivered, is not sent again. Asked at whole seconds (the
# cursor's default precision) it is, but for a second boundary between the
# two lines; at the exact instant it is lost: that is measured and printed,
# not asserted. The whole-second resume must be exact.
resumes=0
resume_replayed=0
ns_lost=0
out_of_order=0
out_of_order_stream=0
for c in json-interleave local-interleave json-burst local-burst; do
  id=$(dk inspect -f '{{.Id}}' "$c")
  url="http://x/containers/$id/logs?stdout=1&stderr=1&timestamps=1"
  dk logs -t "$c" >"$work/$c.t.all" 2>&1
  # lines logged after a line timed later (9-digit UTC times sort as text)
  ooo=$(awk '{ if ($1 < max) n++; else max = $1 } END { print n + 0 }' "$work/$c.t.all")
  out_of_order=$((out_of_order + ooo))
  # and within one stream (one copier)
  dk logs -t "$c" 2>/dev/null >"$work/$c.t.only.out"
  dk logs -t "$c" 2>"$work/$c.t.only.err" >/dev/null
  for f in "$work/$c.t.only.out" "$work/$c.t.only.err"; do
    n=$(awk '{ if ($1 < max) n++; else max = $1 } END { print n + 0 }' "$f")
    out_of_order_stream=$((out_of_order_stream + n))
  done
  size=$(stat -c %s "$work/$c.tbody")
  for part in 3 2; do
    cut=$((size / part + 5))
    { curl -sS --unix-socket "$sock" "$url" 2>/dev/null || true; } | head -c "$cut" >"$work/$c.part$part"
    for precision in seconds nanoseconds; do
      popt=()
      [ $precision = seconds ] && popt=(--seconds)
      base=$work/$c.resume.$part.$precision
      if ! since=$("$decode" api-resume "${popt[@]}" "$work/$c.part$part" 2>"$base.since.log"); then
        failures=$((failures + 1)); echo "FAILED decode api-resume $c: $(cat "$base.since.log")" >&2
        continue
      fi
      curl -sS --unix-socket "$sock" "$url&since=$since" -o "$base.rest"
      if [ $precision = seconds ]; then
        dec "$base.out" api-resume "${popt[@]}" "$work/$c.part$part" "$base.rest"
        check "$c resume after byte $cut of $size (since=$since) = docker logs -t" "$work/$c.t.all" "$base.out"
        r=$(sed -n 's/.*replayed=\([0-9]*\).*/\1/p' "$base.out.log")
        resume_replayed=$((resume_replayed + ${r:-0}))
        [ "${r:-0}" -ge 1 ] || { failures=$((failures + 1)); echo "resume $c: nothing was replayed: since= is not inclusive?" >&2; }
        resumes=$((resumes + 1))
        records=$((records + $(wc -l <"$base.out")))
        echo "resume $c: cut at byte $cut of $size; $(cat "$base.out.log")"
      else
        "$decode" api-resume "$work/$c.part$part" "$base.rest" >"$base.out" 2>"$base.out.log" || true
        lost=$(( $(wc -l <"$work/$c.t.all") - $(wc -l <"$base.out") ))
        ns_lost=$((ns_lost + lost))
        echo "  at the exact instant (since=$since): $lost lines lost"
      fi
    done
  done
done
echo "resume over the live API: $resumes whole-second resumes exact, $resume_replayed replayed records dropped;" \
  "lines logged after a later-timed line: $out_of_order (within one stream: $out_of_order_stream);" \
  "lost by exact-instant resumes: $ns_lost"

# Bad input from the same daemon: a TTY body read as multiplexed, a body cut
# inside a frame, a local file cut inside a record.
id=$(dk inspect -f '{{.Id}}' json-tty)
curl -sS --unix-socket "$sock" "http://x/containers/$id/logs?stdout=1&stderr=1" -o "$work/tty.body"
if "$decode" api --mux "$work/tty.body" >/dev/null 2>"$work/bad.log"; then
  failures=$((failures + 1)); echo "a TTY body decoded as multiplexed without error" >&2
fi
# be32 <file> <offset>: the big-endian u32 there
be32() { od -An -tu1 -j "$2" -N4 "$1" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}'; }
# cut inside the second frame's payload: the error is at that frame's header
second=$((8 + $(be32 "$work/json-interleave.body" 4)))
head -c $((second + 9)) "$work/json-interleave.body" >"$work/cut.body"
if "$decode" api "$work/cut.body" >/dev/null 2>>"$work/bad.log"; then
  failures=$((failures + 1)); echo "a cut body decoded without error" >&2
fi
id=$(dk inspect -f '{{.Id}}' local-interleave)
file=$dir/data/containers/$id/local-logs/container.log
second_record=$((8 + $(be32 "$file" 0)))
head -c $((second_record + 9)) "$file" >"$work/cut.local"
if "$decode" local "$work/cut.local" >/dev/null 2>>"$work/bad.log"; then
  failures=$((failures + 1)); echo "a cut local file decoded without error" >&2
fi
grep -q "bad multiplexed frame header at byte 0" "$work/bad.log" || { failures=$((failures + 1)); cat "$work/bad.log" >&2; }
grep -q "stream ends inside a frame at byte $second\$" "$work/bad.log" || { failures=$((failures + 1)); cat "$work/bad.log" >&2; }
grep -q "stream ends inside a record at byte $second_record\$" "$work/bad.log" || { failures=$((failures + 1)); cat "$work/bad.log" >&2; }
echo "bad input, as reported:"
sed 's/^/  /' "$work/bad.log"

# --details beside docker logs --details, stream by stream.
id=$(dk inspect -f '{{.Id}}' json-details)
dfile=$dir/data/containers/$id/$id-json.log
grep -q '"attrs":{' "$dfile" || die "json-details: the daemon wrote no attrs"
dk logs --details json-details >"$work/details.out" 2>/dev/null
dk logs --details json-details 2>"$work/details.err" >/dev/null
"$sandlog" --details --output raw --stream stdout "$dfile" >"$work/details.sandlog.out"
"$sandlog" --details --output raw --stream stderr "$dfile" >"$work/details.sandlog.err"
check "json-details --details (out)" "$work/details.out" "$work/details.sandlog.out"
check "json-details --details (err)" "$work/details.err" "$work/details.sandlog.err"
echo "docker logs --details: $(head -1 "$work/details.out")"

# Following a container's log directory across real rotations: sandlog -f is
# started on the directory before the container starts; the container
# writes 600 numbered lines (paced, so that the daemon, which deletes the
# oldest file at max-file=3, does not rotate a file away twice before any
# reader could open it); the json-file driver rotates at 10k. sandlog must
# print the 600 lines once each, in order. docker logs -f, started the same
# way, is the peer: its figures are printed, not asserted.
follow_prog='i=1; while [ $i -le 600 ]; do echo "follow line $i"; [ $((i % 40)) -eq 0 ] && sleep 0.1; i=$((i+1)); done'
dk create --network none --name json-follow --log-driver json-file --log-opt max-size=10k \
  --log-opt max-file=3 sandlog-busybox:test /bin/sh -c "$follow_prog" >/dev/null
id=$(dk inspect -f '{{.Id}}' json-follow)
fdir=$dir/data/containers/$id
[ -d "$fdir" ] || die "no container directory $fdir after docker create"
"$sandlog" -f --output raw "$fdir" >"$work/follow.sandlog" 2>"$work/follow.err" &
follow_pid=$!
sleep 0.5
dk start json-follow >/dev/null
# docker logs -f on a container not running yet ends at once, with nothing
for _ in $(seq 1 50); do
  [ "$(dk inspect -f '{{.State.Running}}' json-follow)" = true ] && break
  sleep 0.02
done
dk logs -f json-follow >"$work/follow.docker" 2>&1 &
peer_pid=$!
code=$(dk wait json-follow)
[ "$code" = 0 ] || die "container json-follow exited with $code"
seq 1 600 | sed 's/^/follow line /' >"$work/follow.want"
for _ in $(seq 1 100); do
  [ "$(wc -l <"$work/follow.sandlog")" -ge 600 ] && break
  sleep 0.2
done
sleep 0.3  # anything repeated after the last line would come now
kill -TERM "$follow_pid"; wait "$follow_pid" || die "sandlog -f exited with $? (stderr: $(head -5 "$work/follow.err"))"
kill -TERM "$peer_pid" 2>/dev/null || true  # docker logs -f ends with the container
wait "$peer_pid" 2>/dev/null || true
rotated=$(ls "$fdir" | grep -c -- '-json.log\.' || true)
dk logs json-follow >"$work/follow.after" 2>&1
# follow_figures <output>: lines, lost, duplicated, in order
follow_figures() {
  awk -v want=600 '
    /^follow line [0-9]+$/ { n = $3 + 0; seen[n]++; if (n < last) disorder++; last = n; lines++ ; next }
    { other++ }
    END { lost = 0; dup = 0
          for (i = 1; i <= want; i++) { if (!(i in seen)) lost++; else if (seen[i] > 1) dup += seen[i] - 1 }
          printf "lines %d, lost %d, duplicated %d, out of order %d, other %d\n", lines, lost, dup, disorder + 0, other + 0 }' "$1"
}
echo "follow across rotation (max-size=10k, max-file=3; $rotated rotated files left):"
echo "  sandlog -f DIR:     $(follow_figures "$work/follow.sandlog")"
echo "  docker logs -f:     $(follow_figures "$work/follow.docker")"
echo "  docker logs after:  $(wc -l <"$work/follow.after") lines left in the set (the older files were deleted)"
if cmp -s "$work/follow.want" "$work/follow.sandlog"; then
  compared=$((compared + 1))
else
  failures=$((failures + 1))
  echo "MISMATCH sandlog -f across Docker rotations" >&2
  diff "$work/follow.want" "$work/follow.sandlog" | head -10 >&2 || true
  head -5 "$work/follow.err" >&2
fi
# What docker logs still has is the end of what sandlog printed.
if [ "$(tail -n "$(wc -l <"$work/follow.after")" "$work/follow.sandlog" | cmp - "$work/follow.after" && echo same)" = same ]; then
  compared=$((compared + 1))
else
  failures=$((failures + 1))
  echo "MISMATCH docker logs (after) is not the end of sandlog -f's output" >&2
fi
[ "$rotated" -ge 1 ] || { failures=$((failures + 1)); echo "json-follow never rotated: the case tests nothing" >&2; }

# The same with the local driver (compressed rotations): sandlog -f on the
# container's local-logs/ directory, started once the daemon has made it
# (the container waits a second before it writes).
dk create --network none --name local-follow --log-driver local --log-opt max-size=10k \
  --log-opt max-file=3 --log-opt compress=true sandlog-busybox:test \
  /bin/sh -c "sleep 1; $follow_prog" >/dev/null
id=$(dk inspect -f '{{.Id}}' local-follow)
ldir=$dir/data/containers/$id/local-logs
dk start local-follow >/dev/null
for _ in $(seq 1 100); do
  [ -f "$ldir/container.log" ] && break
  sleep 0.02
done
[ -f "$ldir/container.log" ] || die "no $ldir/container.log after docker start"
"$sandlog" -f --output raw "$ldir" >"$work/lfollow.sandlog" 2>"$work/lfollow.err" &
follow_pid=$!
code=$(dk wait local-follow)
[ "$code" = 0 ] || die "container local-follow exited with $code"
for _ in $(seq 1 100); do
  [ "$(wc -l <"$work/lfollow.sandlog")" -ge 600 ] && break
  sleep 0.2
done
sleep 0.3
kill -TERM "$follow_pid"; wait "$follow_pid" || die "sandlog -f (local) exited with $? (stderr: $(head -5 "$work/lfollow.err"))"
lrotated=$(ls "$ldir" | grep -c -- 'container.log\.' || true)
echo "follow of a local-driver set (max-size=10k, max-file=3, compress; $lrotated rotated files left):"
echo "  sandlog -f DIR:     $(follow_figures "$work/lfollow.sandlog")"
if cmp -s "$work/follow.want" "$work/lfollow.sandlog"; then
  compared=$((compared + 1))
else
  failures=$((failures + 1))
  echo "MISMATCH sandlog -f across local-driver rotations" >&2
  diff "$work/follow.want" "$work/lfollow.sandlog" | head -10 >&2 || true
  head -5 "$work/lfollow.err" >&2
fi
[ "$lrotated" -ge 1 ] || { failures=$((failures + 1)); echo "local-follow never rotated: the case tests nothing" >&2; }
[ "$straddling" -ge 1 ] || { failures=$((failures + 1)); echo "no rotation fell between two fragments: the straddle case tests nothing" >&2; }

echo "containers: ${#containers[@]}  comparisons: $compared  records: $records  bytes compared: $bytes"
echo "local-logs/ read in place: $dir_compared comparisons, $gz_members .gz members, $straddling files beginning inside a line (a rotation between fragments)"
echo "documented difference applied: final newline added to docker logs output $final_newline times"
[ -n "$legacy" ] && echo "dockerd $server: local-driver lines cut into fragments end without '\\n' (compared with decode local --legacy)"
echo "containers with cut lines compared stream by stream only: $order_skipped"
echo "run time: $((SECONDS - started))s"
# bash leaves a loop on an expansion error without failing: count the rounds
[ "$processed" -eq "${#containers[@]}" ] || die "only $processed of ${#containers[@]} containers were compared"
[ "$failures" -eq 0 ] || die "$failures comparisons failed"
echo "docker_real: all comparisons equal"
