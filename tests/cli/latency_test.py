#!/usr/bin/env python3
"""sandlog shows each record while its writer waits, on pipes and followed files.

Each case writes one line, then waits (seconds of slack, not a measurement)
until sandlog has printed its record before it writes the next: a record held
back for a later chunk, for detection or for a buffer makes the case fail.

  latency_test.py SANDLOG
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sandlog = os.path.abspath(sys.argv[1])
tmp = tempfile.mkdtemp(prefix="sandlog-latency.")
SLACK = 10.0
failures = []


def cri(i, stream="stdout"):
    return "2026-02-20T14:30:%02d.000000000Z %s F line %d\n" % (i % 60, stream, i)


class Reader:
    """Collects what a child prints, without blocking."""

    def __init__(self, proc):
        self.proc = proc
        self.buf = b""
        os.set_blocking(proc.stdout.fileno(), False)

    def wait_for(self, text, slack=SLACK):
        end = time.time() + slack
        while time.time() < end:
            try:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if chunk:
                    self.buf += chunk
            except BlockingIOError:
                pass
            if text.encode() in self.buf:
                return True
            time.sleep(0.01)
        return False


def start(args, stdin=None):
    return subprocess.Popen([sandlog] + args, stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        failures.append("did not end on SIGTERM")


def check(name, ok, detail=""):
    print("%s: %s%s" % (name, "ok" if ok else "FAIL", (" (" + detail + ")") if detail and not ok else ""))
    if not ok:
        failures.append(name)


# 1. A pipe that stays open: each record comes out before the next is written.
p = start(["--output", "raw"], stdin=subprocess.PIPE)
r = Reader(p)
ok = True
for i in range(1, 21):
    p.stdin.write(cri(i).encode())
    p.stdin.flush()
    if not r.wait_for("line %d\n" % i):
        ok = False
        break
check("pipe: each of 20 records out before the next line is written", ok, "stuck at %d" % i)
p.stdin.close()
p.wait(timeout=10)
check("pipe: the run ends when the writer closes", p.returncode == 0)

# 2. A followed file that starts empty (a new container's 0.log): detection
# waits for the first line, then each record comes out at once, as CRI.
log = os.path.join(tmp, "0.log")
open(log, "w").close()
p = start(["--follow", "-o", "ndjson", log])
r = Reader(p)
time.sleep(0.3)
ok = True
with open(log, "a") as f:
    for i in range(1, 11):
        f.write(cri(i, "stderr"))
        f.flush()
        if not r.wait_for('"message":"line %d"' % i):
            ok = False
            break
check("followed empty file: each of 10 records out before the next", ok, "stuck at %d" % i)
check("followed empty file: detected as CRI, not raw", b'"stream":"stderr"' in r.buf)
stop(p)

# 3. A Docker line without its newline (a container's last line) is shown
# after the documented idle time, flagged partial.
dlog = os.path.join(tmp, "c-json.log")
with open(dlog, "w") as f:
    f.write('{"log":"first\\n","stream":"stdout","time":"2026-02-20T14:30:00.1Z"}\n')
p = start(["--follow", "-o", "ndjson", dlog])
r = Reader(p)
with open(dlog, "a") as f:
    f.write('{"log":"last, no newline","stream":"stdout","time":"2026-02-20T14:30:01Z"}\n')
check("docker line without newline shown while following",
      r.wait_for('"partial":true,"message":"last, no newline"'))
stop(p)

# 4. Several files followed at once.
a, b = os.path.join(tmp, "a.log"), os.path.join(tmp, "b.log")
for x in (a, b):
    open(x, "w").close()
p = start(["--follow", "--output", "raw", a, b])
r = Reader(p)
time.sleep(0.3)
ok = True
for i in range(1, 6):
    for x in (a, b):
        with open(x, "a") as f:
            f.write(cri(i).replace("line", os.path.basename(x)))
        if not r.wait_for("%s %d\n" % (os.path.basename(x), i)):
            ok = False
check("two followed files: each record out before the next", ok)
stop(p)

# 5. -f --tail 2 on a pipe: the last two of what came before the first wait.
p = start(["--follow", "--tail", "2", "--output", "raw"], stdin=subprocess.PIPE)
r = Reader(p)
p.stdin.write("".join(cri(i) for i in range(1, 6)).encode())
p.stdin.flush()
ok = r.wait_for("line 5\n")
time.sleep(0.2)
check("pipe -f --tail 2: the tail before the writer closes", ok and b"line 3" not in r.buf
      and b"line 4\n" in r.buf)
p.stdin.write(cri(6).encode())
p.stdin.flush()
check("pipe -f --tail 2: then everything new", r.wait_for("line 6\n"))
p.stdin.close()
p.wait(timeout=10)

# 6. --until in the past ends a follow at once.
t0 = time.time()
p = subprocess.run([sandlog, "--follow", "--until", "2026-01-01T00:00:00Z", log],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=SLACK)
check("--until in the past ends a follow", p.returncode == 0)

# 7. A line its writer has not finished (a prompt, a line cut by a writer's
# buffer), on a followed file, on a pipe without --follow and as an open CRI
# partial on a pipe: shown after the idle time, flagged partial; the rest of
# the line, when it comes, is a record with the same time and stream.
T = "2026-02-20T14:31:00.000000000Z"


def unfinished_case(name, proc, write):
    r = Reader(proc)
    write(cri(1))
    ok = r.wait_for('"message":"line 1"')
    write(T + " stderr F Password: ")
    ok = ok and r.wait_for('"partial":true,"message":"Password: "')
    write("ok\n" + cri(2))
    ok = ok and r.wait_for('"message":"line 2"')
    records = [json.loads(l) for l in r.buf.decode().splitlines()]
    rest = [x for x in records if x["message"] == "ok"]
    check(name + ": an unfinished line is shown, then its rest with the same envelope",
          ok and len(records) == 4 and len(rest) == 1 and rest[0]["time"] == T[:-1] + "Z"
          and rest[0]["stream"] == "stderr" and not rest[0]["partial"],
          r.buf.decode()[-400:])
    return r


flog = os.path.join(tmp, "prompt.log")
open(flog, "w").close()
p = start(["--follow", "-o", "ndjson", flog])


def append(text):
    with open(flog, "a") as f:
        f.write(text)


unfinished_case("followed file", p, append)
stop(p)
check("followed file: no error for the line shown early", b"" == p.stderr.read().strip())

p = start(["-o", "ndjson"], stdin=subprocess.PIPE)


def to_pipe(text):
    p.stdin.write(text.encode())
    p.stdin.flush()


unfinished_case("pipe without --follow", p, to_pipe)
to_pipe(T + " stdout P open fragment\n")
r = Reader(p)
check("pipe: an open CRI partial is shown after the idle time",
      r.wait_for('"partial":true,"message":"open fragment"'))
p.stdin.close()
p.wait(timeout=10)
check("pipe without --follow: ends cleanly", p.returncode == 0, p.stderr.read().decode())

if failures:
    print("failed: %s" % ", ".join(failures))
    sys.exit(1)
print("all latency cases passed")
