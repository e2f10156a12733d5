#!/usr/bin/env bash
# Benchmarks the sandlog command on the three forms Docker writes one
# container's log in, beside jq, the tool people use on json-file logs:
#   json-file   sandlog -o raw      beside   jq -rj .log
#   API body    sandlog -o raw      beside   sandlog on the json-file
#   local file  sandlog -o raw      beside   sandlog on the json-file
#   local, gzip sandlog -o raw      beside   zcat | sandlog, and the plain file
#               (the file gzip-compressed as Docker's rotation leaves it,
#               decoded in place)
#
#   bench/docker_cli_bench.sh [SIZE_MB] [DIR] [SANDLOG]
#     SIZE_MB  size of the json-file log (default 256); the body and the
#              local file hold the same lines
#     DIR      where the inputs go (default /tmp/sandlog-docker-bench); reused
#     SANDLOG  the binary (default build/tools/sandlog)
#
# The four outputs are compared before anything is timed; each command runs
# three times with its output to /dev/null and the median is reported.
set -euo pipefail
size_mb=${1:-256}
dir=${2:-/tmp/sandlog-docker-bench}
sandlog=${3:-build/tools/sandlog}
command -v jq >/dev/null || { echo "jq is needed (apt-get install jq)" >&2; exit 1; }
mkdir -p "$dir"
json=$dir/json-${size_mb}m.log
body=$dir/api-${size_mb}m.body
local=$dir/local-${size_mb}m.log
local_gz=$dir/local-${size_mb}m.log.1.gz

if [ ! -s "$json" ] || [ ! -s "$body" ] || [ ! -s "$local" ]; then
  python3 - "$size_mb" "$json" "$body" "$local" <<'EOF'
import struct, sys, time
size_mb, json_path, body_path, local_path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
base = 1771597800 * 10**9  # 2026-02-20T14:30:00Z

def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

with open(json_path, "wb") as js, open(body_path, "wb") as api, open(local_path, "wb") as loc:
    written, i = 0, 0
    while written < size_mb << 20:
        stream = "stderr" if i % 5 == 0 else "stdout"
        msg = f"request id={i} status=200 latency_ms={i % 97} path=/api/v1/items user=\"a b\"".encode()
        ns = base + i * 1_000_037
        s, frac = divmod(ns, 10**9)
        t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%09dZ" % frac
        line = b'{"log":"' + msg.replace(b'"', b'\\"') + b'\\n","stream":"' + stream.encode() + \
               b'","time":"' + t.encode() + b'"}\n'
        js.write(line)
        written += len(line)
        api.write(bytes([2 if stream == "stderr" else 1, 0, 0, 0]) + struct.pack(">I", len(msg) + 1) + msg + b"\n")
        entry = b"\x0a" + varint(len(stream)) + stream.encode() + b"\x10" + varint(ns) + \
                b"\x1a" + varint(len(msg)) + msg
        loc.write(struct.pack(">I", len(entry)) + entry + struct.pack(">I", len(entry)))
        i += 1
EOF
fi
[ -s "$local_gz" ] || gzip -c "$local" >"$local_gz"
cat "$json" "$body" "$local" "$local_gz" >/dev/null  # warm the page cache

run_jq() { jq -rj .log "$json"; }
run_json() { "$sandlog" --no-progress -o raw "$json"; }
run_api() { "$sandlog" --no-progress -o raw "$body"; }
run_local() { "$sandlog" --no-progress -o raw "$local"; }
run_local_gz() { "$sandlog" --no-progress -o raw "$local_gz"; }
run_zcat_local() { zcat "$local_gz" | "$sandlog" --no-progress -o raw; }

cmp <(run_json) <(run_jq) || { echo "sandlog and jq disagree on the json-file" >&2; exit 1; }
cmp <(run_json) <(run_api) || { echo "the API body gives other records" >&2; exit 1; }
cmp <(run_json) <(run_local) || { echo "the local file gives other records" >&2; exit 1; }
cmp <(run_local) <(run_local_gz) || { echo "the gzip local file gives other records" >&2; exit 1; }
cmp <(run_local) <(run_zcat_local) || { echo "zcat | sandlog gives other records" >&2; exit 1; }

median3() {  # command: "wall cpu" medians of three runs, in seconds
  local walls=() cpus=() line
  for _ in 1 2 3; do
    line=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null; } 2>&1 | tail -1)
    walls+=("$(echo "$line" | cut -d' ' -f1)")
    cpus+=("$(echo "$line" | awk '{print $2 + $3}')")
  done
  echo "$(printf '%s\n' "${walls[@]}" | sort -g | sed -n 2p) $(printf '%s\n' "${cpus[@]}" | sort -g | sed -n 2p)"
}
read -r w_jq c_jq < <(median3 run_jq)
read -r w_json c_json < <(median3 run_json)
read -r w_api c_api < <(median3 run_api)
read -r w_local c_local < <(median3 run_local)
read -r w_local_gz c_local_gz < <(median3 run_local_gz)
read -r w_zcat c_zcat < <(median3 run_zcat_local)
lines=$(wc -l <"$json")
printf 'inputs: %d lines; json-file %d bytes, API body %d, local %d, local gzip %d (outputs identical)\n' \
  "$lines" "$(stat -c %s "$json")" "$(stat -c %s "$body")" "$(stat -c %s "$local")" "$(stat -c %s "$local_gz")"
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
printf '%-26s %8s %8s %12s\n' command wall_s cpu_s "M lines/s"
row() { printf '%-26s %8.3f %8.3f %12.2f\n' "$1" "$2" "$3" "$(echo "$lines / $3 / 1000000" | bc -l)"; }
row "jq -rj .log (json-file)" "$w_jq" "$c_jq"
row "sandlog json-file" "$w_json" "$c_json"
row "sandlog API body" "$w_api" "$c_api"
row "sandlog local file" "$w_local" "$c_local"
row "sandlog local file .gz" "$w_local_gz" "$c_local_gz"
row "zcat .gz | sandlog" "$w_zcat" "$c_zcat"
printf 'sandlog json-file is %.1fx jq (CPU time)\n' "$(echo "$c_jq / $c_json" | bc -l)"
printf 'API body costs %.2fx, local file %.2fx the json-file (CPU time)\n' \
  "$(echo "$c_api / $c_json" | bc -l)" "$(echo "$c_local / $c_json" | bc -l)"
printf 'local .gz in place: %.2fx the plain local file (wall), %.2fx zcat | sandlog (wall; CPU %.2fx)\n' \
  "$(echo "$w_local_gz / $w_local" | bc -l)" "$(echo "$w_zcat / $w_local_gz" | bc -l)" \
  "$(echo "$c_zcat / $c_local_gz" | bc -l)"
