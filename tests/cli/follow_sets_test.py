#!/usr/bin/env python3
"""sandlog --follow on log sets: a kubelet pod directory and a Docker container
directory, rotated under the follower the way the kubelet and Docker rotate.

One follower (`sandlog -f --prefix POD_DIR DOCKER_DIR`) is started on sets that
already have a history (plain and gzip rotations). Then a writer appends lines
at full speed and rotates
  - the kubelet container `app` 10 times: `0.log` renamed to
    `0.log.<YYYYMMDD-hhmmss>`, lines still written to the renamed file (as
    containerd does until the kubelet has it reopen), then a new `0.log`;
    rotations two back gzipped and the plain file removed, as the kubelet
    does; an unterminated last line before some rotations; a CRI `P` at the
    end of one file and its `F` at the start of the next;
  - then a new restart, `1.log`, in the same container directory, rotated too;
  - the Docker set 10 times: `.N` shifted up, `-json.log` renamed to `.1`, a new
    `-json.log`, `.6` and older deleted (max-file 6); a `log` without `\n` at the
    end of one file continued in the next; some rotations two at a time with no
    pause, so the follower never sees the middle file as the live one;
  - a new container directory `late` appears in the pod.
Every line of every source must come out exactly once, in order, with its
source's prefix: lost and duplicated are counted and must be 0. Docker's own
files beside the log (config.v2.json, hostname) must not come out. A second
follower, with --tail 3, must print the last 3 records of the history, then
what is written. Waits are generous timeouts; no timing is asserted.

  follow_sets_test.py SANDLOG
"""
import gzip
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sandlog = os.path.abspath(sys.argv[1])
tmp = tempfile.mkdtemp(prefix="sandlog-follow-sets.")
pod = os.path.join(tmp, "pods", "default_web-7f9_0a1b2c3d")
app = os.path.join(pod, "app")
cid = "4f2e9a0c1b3d"
ddir = os.path.join(tmp, "containers", cid)
dlog = os.path.join(ddir, cid + "-json.log")
os.makedirs(app)
os.makedirs(ddir)
expected = {"web-7f9/app": [], cid + "-json.log": [], "web-7f9/late": []}
counter = {"n": 0}
ts = "2026-02-20T14:30:00.000000000Z"


def cri(text, tag="F"):
    return "%s stdout %s %s\n" % (ts, tag, text)


def dj(text, stream="stdout"):
    return '{"log":"%s","stream":"%s","time":"2026-02-20T14:30:00.1Z"}\n' % (text, stream)


def next_line(source):
    counter["n"] += 1
    text = "%s line %d" % (source.split("/")[-1], counter["n"])
    expected[source].append(text)
    return text


def burst_cri(f, count, source="web-7f9/app"):
    for _ in range(count):
        f.write(cri(next_line(source)))
    f.flush()


def burst_docker(f, count):
    for _ in range(count):
        f.write(dj(next_line(cid + "-json.log") + "\\n"))
    f.flush()


# ---- history
with gzip.open(os.path.join(app, "0.log.20260220-100000.gz"), "wt") as g:
    for _ in range(50):
        g.write(cri(next_line("web-7f9/app")))
with open(os.path.join(app, "0.log.20260220-110000"), "w") as f:
    burst_cri(f, 50)
with open(os.path.join(app, "0.log"), "w") as f:
    burst_cri(f, 50)
for n in (2, 1):
    with open("%s.%d" % (dlog, n), "w") as f:
        burst_docker(f, 40)
with open(dlog, "w") as f:
    burst_docker(f, 40)
with open(os.path.join(ddir, "config.v2.json"), "w") as f:
    f.write('{"ID":"%s","State":{"Running":true}}\n' % cid)
with open(os.path.join(ddir, "hostname"), "w") as f:
    f.write(cid + "\n")

out_path = os.path.join(tmp, "out")
err_path = os.path.join(tmp, "err")
out = open(out_path, "w")
err = open(err_path, "w")
proc = subprocess.Popen([sandlog, "-f", "--prefix", "-o", "raw", pod, ddir], stdout=out, stderr=err)


def printed():
    with open(out_path) as fo:
        return fo.read().count("\n")


def total():
    return sum(len(v) for v in expected.values())


def wait_for(cond, timeout=30.0):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.02)
    return False


fails = []
if not wait_for(lambda: printed() >= total()):
    fails.append("history: %d of %d lines printed" % (printed(), total()))

minute = [0]


def kubelet_rotate(restart, k, pre=None):
    """Renames <restart>.log aside; returns the renamed file, still open."""
    minute[0] += 1
    live = os.path.join(app, "%d.log" % restart)
    rotated = "%s.20260220-%02d%02d00" % (live, 12 + minute[0] // 60, minute[0] % 60)
    os.rename(live, rotated)
    return rotated


rotations = {"kubelet": 0, "docker": 0, "restarts": 0}
try:
    # ---- kubelet: restart 0, then restart 1
    for restart in (0, 1):
        live = os.path.join(app, "%d.log" % restart)
        if restart == 1:
            rotations["restarts"] += 1
            open(live, "w").close()  # a new container's empty file first
            time.sleep(0.2)
        f = open(live, "a")
        for k in range(10 if restart == 0 else 4):
            burst_cri(f, 300)
            if k % 3 == 0:  # an unterminated last line: a record of its own
                text = next_line("web-7f9/app")
                f.write(cri(text)[:-1])
                f.flush()
            elif k % 3 == 2:  # a message cut across the rotation
                a = next_line("web-7f9/app")
                f.write(cri(a + " first half ", "P"))
                f.flush()
                expected["web-7f9/app"][-1] = a + " first half second half"
            renamed = kubelet_rotate(restart, k)
            rotations["kubelet"] += 1
            if k % 3 == 1:  # containerd writes on until it reopens
                burst_cri(f, 20)
            f.close()
            f = open(live, "a")
            if k % 3 == 2:
                f.write(cri("second half"))
                f.flush()
            burst_cri(f, 50)
            time.sleep(0.2)
            # the kubelet compresses rotations older than the newest one
            rotated = sorted(x for x in os.listdir(app)
                             if x.startswith("%d.log." % restart) and not x.endswith(".gz"))
            for old in rotated[:-1]:
                p = os.path.join(app, old)
                with open(p, "rb") as src, gzip.open(p + ".gz.tmp", "wb") as dst:
                    shutil.copyfileobj(src, dst)
                os.rename(p + ".gz.tmp", p + ".gz")
                os.unlink(p)
        f.close()

    # ---- Docker json-file, max-file 6
    f = open(dlog, "a")
    for k in range(10):
        burst_docker(f, 300)
        if k % 3 == 1:  # a line cut across the rotation
            text = next_line(cid + "-json.log")
            f.write(dj(text + " cut "))
            expected[cid + "-json.log"][-1] = text + " cut across"
        f.close()
        for n in range(5, 0, -1):
            if os.path.exists("%s.%d" % (dlog, n)):
                os.rename("%s.%d" % (dlog, n), "%s.%d" % (dlog, n + 1))
        if os.path.exists(dlog + ".6"):
            os.unlink(dlog + ".6")
        os.rename(dlog, dlog + ".1")
        rotations["docker"] += 1
        f = open(dlog, "a")
        if k % 3 == 1:
            f.write(dj("across\\n"))
        burst_docker(f, 30)
        if k % 4 != 3:  # every fourth rotation is followed at once by the next
            time.sleep(0.2)
    f.close()

    # ---- a container that appears later in the pod
    late = os.path.join(pod, "late")
    os.makedirs(late)
    with open(os.path.join(late, "0.log"), "w") as f:
        burst_cri(f, 25, "web-7f9/late")

    if not wait_for(lambda: printed() >= total()):
        fails.append("after the rotations: %d of %d lines printed" % (printed(), total()))
finally:
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=20)
    out.close()
    err.close()

with open(out_path) as fo:
    got = fo.read().split("\n")[:-1]
with open(err_path) as fe:
    errors = fe.read()
by_source = {}
unknown = []
for g in got:
    if not g.startswith("[") or "] " not in g:
        unknown.append(g)
        continue
    src, text = g[1:].split("] ", 1)
    by_source.setdefault(src, []).append(text)
lost = dup = 0
for src, want in expected.items():
    have = by_source.get(src, [])
    counts = {}
    for h in have:
        counts[h] = counts.get(h, 0) + 1
    s_lost = sum(1 for w in want if w not in counts)
    s_dup = sum(c - 1 for c in counts.values() if c > 1)
    stray = [h for h in have if h not in set(want)]
    lost += s_lost
    dup += s_dup
    if s_lost or s_dup or stray or have != want:
        fails.append("%s: %d expected, %d printed, lost %d, duplicated %d, unexpected %s, "
                     "first difference at %s" % (src, len(want), len(have), s_lost, s_dup,
                                                  stray[:3], next((i for i, (a, b) in
                                                                   enumerate(zip(want, have))
                                                                   if a != b), min(len(want), len(have)))))
for src in by_source:
    if src not in expected:
        fails.append("records of an unexpected source %s: %s" % (src, by_source[src][:3]))
if unknown:
    fails.append("lines without a source prefix: %s" % unknown[:3])
if rc != 0:
    fails.append("exit status %d" % rc)
for notice in ("restart 1", "late"):
    if notice not in errors:
        fails.append("no notice naming %r on stderr" % notice)
print("kubelet rotations %d, restarts %d, docker rotations %d; lines written %d, printed %d, "
      "lost %d, duplicated %d, exit %d" % (rotations["kubelet"], rotations["restarts"],
                                            rotations["docker"], total(), len(got), lost, dup, rc))

# ---- --tail 3 on the Docker set, then what is written
tail_out = os.path.join(tmp, "tail.out")
with open(tail_out, "w") as to, open(os.path.join(tmp, "tail.err"), "w") as te:
    p = subprocess.Popen([sandlog, "-f", "--tail", "3", "-o", "raw", ddir], stdout=to, stderr=te)
    want = expected[cid + "-json.log"][-3:]

    def tail_lines():
        with open(tail_out) as fo:
            return fo.read().split("\n")[:-1]
    if not wait_for(lambda: len(tail_lines()) >= 3):
        fails.append("--tail 3: printed %s" % tail_lines())
    with open(dlog, "a") as f:
        burst_docker(f, 2)
    want += expected[cid + "-json.log"][-2:]
    wait_for(lambda: len(tail_lines()) >= 5)
    time.sleep(0.2)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=20)
    if tail_lines() != want:
        fails.append("--tail 3 then follow: %s, expected %s" % (tail_lines(), want))

# ---- -f --tail N on a set of plain files (read back from the end): the same
# last N records as --tail N without -f, across member boundaries and with a
# stream filter, then what is written
pdir = os.path.join(tmp, "plain-set")
os.mkdir(pdir)
plog = os.path.join(pdir, "app.log")
n = 0
for member in ("app.log.2", "app.log.1", "app.log"):
    with open(os.path.join(pdir, member), "w") as f:
        for _ in range(40):
            n += 1
            f.write("2026-02-20T14:%02d:%02d.000000000Z %s F plain %d\n"
                    % (n // 60, n % 60, "stderr" if n % 3 == 0 else "stdout", n))
for args in (["--tail", "1"], ["--tail", "7"], ["--tail", "55"], ["--tail", "1000"],
             ["--tail", "9", "--stream", "stderr"]):
    once = subprocess.run([sandlog, "-o", "raw"] + args + [pdir], capture_output=True, text=True)
    want = once.stdout.split("\n")[:-1]
    fout = os.path.join(tmp, "ptail.out")
    with open(fout, "w") as to:
        p = subprocess.Popen([sandlog, "-f", "-o", "raw"] + args + [pdir], stdout=to,
                             stderr=subprocess.DEVNULL)

        def ptail():
            with open(fout) as fo:
                return fo.read().split("\n")[:-1]
        wait_for(lambda: len(ptail()) >= len(want))
        with open(plog, "a") as f:
            n += 1
            f.write("2026-02-20T15:00:00.000000000Z stderr F plain %d\n" % n)
        wait_for(lambda: len(ptail()) >= len(want) + 1)
        time.sleep(0.2)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=20)
    got = ptail()
    if once.returncode != 0 or not want or got != want + ["plain %d" % n]:
        fails.append("-f %s on a plain set: %s, expected %s then 'plain %d'"
                     % (" ".join(args), got[:12], want[:12], n))
    # The line just appended is history for the next case.
print("-f --tail on a plain set: 5 cases compared")

# ---- without --follow, a Docker container's directory is its log too
plain = subprocess.run([sandlog, "-o", "raw", ddir], capture_output=True, text=True)
if '"ID"' in plain.stdout or cid + "\n" in plain.stdout or plain.returncode != 0:
    fails.append("sandlog DOCKER_DIR read Docker's own files (exit %d): %s"
                 % (plain.returncode, plain.stderr[:300]))

if fails:
    for f in fails:
        print("FAIL: " + f)
    print(errors[:3000])
    sys.exit(1)
shutil.rmtree(tmp)
print("follow_sets: all checks passed")
