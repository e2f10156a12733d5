#!/usr/bin/env python3
"""Integration test: start log_server.py, run a follower against it through
forced disconnects, and check that the lines it delivered equal the server's
log exactly (none lost, none repeated, in order).

  run_follower_test.py SERVER FOLLOWER MODE PATH LINES MIN_DISCONNECTS [MEAN_DROP]
"""
import hashlib
import os
import subprocess
import sys
import tempfile
import time


def main():
    server, follower, mode, path, lines, min_drops = sys.argv[1:7]
    mean_drop = sys.argv[7] if len(sys.argv) > 7 else "40000"
    with tempfile.TemporaryDirectory() as tmp:
        port_file = os.path.join(tmp, "port")
        log_file = os.path.join(tmp, "log.txt")
        out_file = os.path.join(tmp, "out.txt")
        srv = subprocess.Popen([sys.executable, server, "--lines", lines, "--seed", "7",
                                "--mean-drop", mean_drop, "--port-file", port_file,
                                "--log-file", log_file, "--timeout", "120"],
                               stdout=subprocess.DEVNULL)
        try:
            for _ in range(300):
                if os.path.exists(port_file):
                    break
                time.sleep(0.05)
            else:
                print("server did not start")
                return 1
            port = open(port_file).read().strip()
            url = "http://127.0.0.1:%s%s" % (port, path)
            t0 = time.time()
            run = subprocess.run([follower, mode, url, out_file], stderr=subprocess.PIPE,
                                 text=True, timeout=120)
            took = time.time() - t0
        finally:
            srv.terminate()
            srv.wait()
        sys.stdout.write(run.stderr)
        if run.returncode != 0:
            print("follower failed with %d" % run.returncode)
            return 1
        want = open(log_file, "rb").read()
        got = open(out_file, "rb").read()
        stats = dict(kv.split("=", 1) for kv in run.stderr.split() if "=" in kv)
        print("%s: %d lines expected, %d delivered, %s disconnects, %s duplicates dropped, "
              "%.1f s; sha256 %s" % (mode, want.count(b"\n"), got.count(b"\n"),
                                     stats.get("disconnects"), stats.get("duplicates_dropped"),
                                     took, hashlib.sha256(got).hexdigest()[:16]))
        if got != want:
            wl, gl = want.split(b"\n"), got.split(b"\n")
            i = next((k for k in range(min(len(wl), len(gl))) if wl[k] != gl[k]), None)
            print("MISMATCH at line %s: want %r got %r" % (
                i, wl[i] if i is not None else None, gl[i] if i is not None else None))
            return 1
        if int(stats.get("disconnects", "0")) < int(min_drops):
            print("too few disconnects: %s < %s" % (stats.get("disconnects"), min_drops))
            return 1
        print("OK: identical to the server's log")
        return 0


if __name__ == "__main__":
    sys.exit(main())
