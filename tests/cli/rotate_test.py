#!/usr/bin/env python3
"""sandlog --follow across rotations, as logrotate, Docker and the kubelet do them.

A writer appends CRI lines as fast as it can while it rotates the file ten times
each way: rename + create (Docker json-file, kubelet), delete + create, and
copytruncate. Before some rotations it leaves an unterminated line, which must
come out as a record of its own, never glued to the next file's first line.
Every line must come out exactly once, in order: lost and duplicated are
counted and both must be 0.

copytruncate has one race no follower can close: lines written after the
follower's last read and before the truncation exist only in the copy. The
writer here waits until the follower has printed everything before it
truncates, so the test checks everything else (the size drop, the restart at
offset 0, no glued line, a refill past the old offset within one wait).

  rotate_test.py SANDLOG
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sandlog = os.path.abspath(sys.argv[1])
tmp = tempfile.mkdtemp(prefix="sandlog-rotate.")
log = os.path.join(tmp, "0.log")
out_path = os.path.join(tmp, "out")
err_path = os.path.join(tmp, "err")
expected = []
n = 0


def line(text):
    return "2026-02-20T14:30:00.000000000Z stdout F %s\n" % text


def burst(f, count):
    global n
    for _ in range(count):
        n += 1
        f.write(line("line %d" % n))
        expected.append("line %d" % n)
    f.flush()


def printed():
    with open(out_path) as f:
        return f.read().count("\n")


def wait_caught_up(timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        if printed() >= len(expected):
            return True
        time.sleep(0.02)
    return False


open(log, "w").close()
out = open(out_path, "w")
err = open(err_path, "w")
proc = subprocess.Popen([sandlog, "--follow", "--output", "raw", log], stdout=out, stderr=err)
time.sleep(0.3)
try:
    f = open(log, "a")
    for mode in ("rename", "delete", "copytruncate"):
        for k in range(10):
            burst(f, 300)
            cut = k % 3 == 0
            if cut:  # an unterminated last line before the rotation
                f.write("2026-02-20T14:30:00.000000000Z stdout F %s cut %d" % (mode, k))
                f.flush()
                expected.append("%s cut %d" % (mode, k))
            if mode == "rename":
                f.close()
                os.rename(log, log + ".%d" % k)
                f = open(log, "a")
            elif mode == "delete":
                f.close()
                os.unlink(log)
                f = open(log, "a")
            else:
                if not cut:
                    wait_caught_up()
                else:
                    time.sleep(0.3)  # the follower has read the cut line
                f.truncate(0)
                f.seek(0)
                if k % 2 == 0:  # refill past the old offset at once
                    burst(f, 400)
            burst(f, 100)
            # rotations further apart than the follower's longest wait: two
            # renames within one wait would leave the middle file unseen
            time.sleep(0.25)
    f.close()
    caught = wait_caught_up()
finally:
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=10)
    out.close()
    err.close()

with open(out_path) as fo:
    got = fo.read().split("\n")[:-1]
seen = {}
for g in got:
    seen[g] = seen.get(g, 0) + 1
lost = [e for e in expected if e not in seen]
dups = [g for g, c in seen.items() if c > 1]
order_ok = [g for g in got if g in set(expected)] == expected
glued = [g for g in got if g not in set(expected)]
print("rotations: 30 (10 rename, 10 delete, 10 copytruncate); lines written %d, seen %d, "
      "lost %d, duplicated %d, glued or unknown %d, in order %s, exit %d"
      % (len(expected), len(got), len(lost), len(dups), len(glued), order_ok, rc))
with open(err_path) as fe:
    errors = fe.read()
ok = caught and not lost and not dups and not glued and order_ok and rc == 0
for word in ("replaced by a new file", "truncated; reading it from the start"):
    if word not in errors:
        print("missing notice: %s" % word)
        ok = False
if not ok:
    print("lost (first 5): %s" % lost[:5])
    print("duplicated (first 5): %s" % dups[:5])
    print("glued (first 5): %s" % glued[:5])
    print(errors[:2000])
    sys.exit(1)
