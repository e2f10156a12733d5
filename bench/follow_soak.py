#!/usr/bin/env python3
"""A soak of sandlog --follow: a writer appends CRI lines for a while, rotating
the file at random by rename + create, delete + create and copytruncate, while
sandlog follows it. Reports lines written, seen, lost and duplicated, and the
latency from each line's write to its record on sandlog's output (p50, p99,
max). Not a test: it runs for minutes and its figures depend on the machine.

  bench/follow_soak.py SANDLOG [SECONDS=600] [LINES_PER_SECOND=2000] [LAYOUT=file]

LAYOUT file: one file, `sandlog -f FILE`, rotated at random as above.
LAYOUT kubelet: a container directory (0.log, CRI), `sandlog -f DIR`, rotated
as the kubelet does: 0.log renamed to 0.log.<time>, the rotation before it
compressed to .gz, at most five rotated files kept.
LAYOUT docker: a json-file container directory (<id>-json.log), `sandlog -f
DIR`, rotated as dockerd does with max-file 4 and compress: the files shift
to .1, .2, .3, and the ones past .1 are compressed.

Before a copytruncate the writer waits until sandlog has printed what was
written (lines written between a follower's last read and the truncation
exist only in the copy: the one race no follower can close, see docs/cli.md).
"""
import gzip
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

sandlog = os.path.abspath(sys.argv[1])
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
rate = float(sys.argv[3]) if len(sys.argv) > 3 else 2000.0
layout = sys.argv[4] if len(sys.argv) > 4 else "file"
if layout not in ("file", "kubelet", "docker"):
    sys.exit("LAYOUT is file, kubelet or docker")
tmp = tempfile.mkdtemp(prefix="sandlog-soak.")
if layout == "docker":
    log = os.path.join(tmp, "c0ffee-json.log")
else:
    log = os.path.join(tmp, "0.log")
open(log, "w").close()
target = log if layout == "file" else tmp


def record(k, pad):
    if layout == "docker":
        return '{"log":"n=%d %s\\n","stream":"stdout","time":"2026-02-20T14:30:00.000000000Z"}\n' % (k, pad)
    return "2026-02-20T14:30:00.000000000Z stdout F n=%d %s\n" % (k, pad)


def gzip_file(path):
    with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
        dst.write(src.read())
    os.unlink(path)


stamp = [0]


def rotate_set():
    """One rotation of the set, the way its producer does it."""
    if layout == "kubelet":
        stamp[0] += 1
        rotated = sorted(x for x in os.listdir(tmp) if x.startswith("0.log."))
        minutes, seconds = divmod(stamp[0], 60)
        os.rename(log, log + ".20260220-%02d%02d%02d" % (minutes // 60, minutes % 60, seconds))
        for old in rotated:
            if not old.endswith(".gz"):
                gzip_file(os.path.join(tmp, old))
        rotated = sorted(x for x in os.listdir(tmp) if x.startswith("0.log."))
        for old in rotated[:-5]:
            os.unlink(os.path.join(tmp, old))
    else:
        last = log + ".3.gz"
        if os.path.exists(last):
            os.unlink(last)
        for k in (2, 1):
            src = log + ".%d" % k + (".gz" if k > 1 else "")
            if os.path.exists(src):
                os.rename(src, log + ".%d" % (k + 1) + (".gz" if k > 1 else ""))
        if os.path.exists(log + ".2"):
            gzip_file(log + ".2")
        os.rename(log, log + ".1")


written = {}  # line number -> write time
seen = {}     # line number -> times seen
latencies = []
lock = threading.Lock()
proc = subprocess.Popen([sandlog, "--follow", "--output", "raw", target], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL)


def read_output():
    buf = b""
    fd = proc.stdout.fileno()
    while True:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            if proc.poll() is not None:
                return
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return
        now = time.monotonic()
        buf += chunk
        *lines, buf = buf.split(b"\n")
        with lock:
            for ln in lines:
                if not ln.startswith(b"n="):
                    continue
                k = int(ln[2:].split(b" ", 1)[0])
                seen[k] = seen.get(k, 0) + 1
                if k in written and seen[k] == 1:
                    latencies.append(now - written[k])


reader = threading.Thread(target=read_output, daemon=True)
reader.start()
rotations = {"rename": 0, "delete": 0, "copytruncate": 0} if layout == "file" else {layout: 0}
f = open(log, "a")
n = 0
end = time.monotonic() + seconds
next_rotation = time.monotonic() + random.uniform(0.5, 3.0)
while time.monotonic() < end:
    batch = max(1, int(rate / 100))
    for _ in range(batch):
        n += 1
        f.write(record(n, "x" * random.randint(0, 200)))
        with lock:
            written[n] = time.monotonic()
    f.flush()
    if time.monotonic() >= next_rotation:
        kind = random.choice(list(rotations))
        rotations[kind] += 1
        if kind == layout:
            f.close()
            rotate_set()
            f = open(log, "a")
        elif kind == "rename":
            f.close()
            os.rename(log, log + ".1")
            f = open(log, "a")
        elif kind == "delete":
            f.close()
            os.unlink(log)
            f = open(log, "a")
        else:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with lock:
                    if len(seen) >= n:
                        break
                time.sleep(0.01)
            f.truncate(0)
            f.seek(0)
        next_rotation = time.monotonic() + random.uniform(0.5, 3.0)
    time.sleep(0.01)
f.close()
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    with lock:
        if len(seen) >= n:
            break
    time.sleep(0.05)
proc.send_signal(signal.SIGTERM)
proc.wait(timeout=10)
reader.join(timeout=5)

lost = sum(1 for k in written if k not in seen)
dup = sum(1 for k, c in seen.items() if c > 1)
lat = sorted(latencies)


def pct(p):
    return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")


print("duration %.0f s, rotations %s" % (seconds, rotations))
print("lines written %d, seen %d, lost %d, duplicated %d" % (n, len(seen), lost, dup))
print("latency ms: p50 %.1f, p99 %.1f, max %.1f" % (pct(0.5), pct(0.99), lat[-1] * 1000 if lat else float("nan")))
try:
    print("load average: %s" % open("/proc/loadavg").read().split()[:3])
except OSError:
    pass
sys.exit(0 if lost == 0 and dup == 0 else 1)
