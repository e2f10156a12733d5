#!/usr/bin/env python3
"""A local log server for sandlog's follower examples and integration tests.

Standard library only. Listens on 127.0.0.1 on an ephemeral port, writes the
port to --port-file (and prints it), writes the log it serves to --log-file,
and stops by itself after --timeout seconds (or when killed).

The log is deterministic from --seed: RFC 3339 timestamps in whole seconds
with several lines per second (so lines share timestamps) and bursts of
identical lines.

  GET /logs?since_time=T[&drop=1]       the log from T (whole seconds, inclusive,
                                        like Kubernetes sinceTime), one line each
  GET /sse[?drop=1]                     the log as Server-Sent Events with ids;
                                        resumes after the Last-Event-ID header
  GET /sandboxes/ID/logs?start=&limit=  a lifecycle JSON page

Bodies carry a Content-Length and are written in random-size pieces; with
drop=1 the connection is closed at a random point (mid-line included), so a
client sees a body shorter than announced.
"""
import argparse
import bisect
import datetime
import json
import os
import random
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EPOCH = 1771597800  # 2026-02-20T14:30:00Z


def rfc3339(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def make_log(seed, n):
    rng = random.Random(seed)
    lines, secs = [], []
    sec = EPOCH
    while len(lines) < n:
        if rng.random() < 0.25:
            sec += 1
        burst = 1 + rng.randrange(5) if rng.random() < 0.08 else 1
        if rng.random() < 0.1:
            msg = "heartbeat ok"
        else:
            msg = "line %d level=%s %s" % (len(lines), rng.choice(["info", "warn", "debug"]),
                                          "x" * rng.randrange(60))
        for _ in range(burst):
            if len(lines) == n:
                break
            lines.append(rfc3339(sec) + " " + msg)
            secs.append(sec)
    return lines, secs


def encode(pieces):
    """The concatenation of pieces and the offset where each one starts."""
    at, n = [], 0
    for p in pieces:
        at.append(n)
        n += len(p)
    at.append(n)
    return b"".join(pieces), at


LIFECYCLE = ["created", "running", "paused", "resumed", "running", "killed"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def send_body(self, body, ctype, drop, rng):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        cut = len(body)
        if drop:
            cut = min(cut, rng.randrange(self.server.mean_drop * 2))
        view = memoryview(body)
        pos = 0
        try:
            while pos < cut:
                n = rng.choice([1, 7, 100, 1000, 4096, 16384, 65536])
                n = min(n, cut - pos)
                self.wfile.write(view[pos:pos + n])
                pos += n
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True
        if cut < len(body):
            with self.server.lock:
                self.server.drops += 1
            try:  # an abrupt close: the client sees fewer bytes than announced
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass

    def do_GET(self):
        srv = self.server
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        drop = q.get("drop", ["0"])[0] == "1"
        with srv.lock:
            srv.requests += 1
            rng = random.Random(srv.seed * 1000003 + srv.requests)
        if url.path == "/logs":
            start = 0
            if "since_time" in q:
                t = q["since_time"][0]
                # Whole seconds, inclusive: a fraction is cut off, as Kubernetes does.
                dt = datetime.datetime.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")
                since = int(dt.replace(tzinfo=datetime.timezone.utc).timestamp())
                start = bisect.bisect_left(srv.secs, since)
            body = srv.text[srv.text_at[start]:]
            self.send_body(body, "text/plain; charset=utf-8", drop, rng)
        elif url.path == "/sse":
            last = self.headers.get("Last-Event-ID", "")
            start = int(last) if last.isdigit() else 0
            head = (b"\xef\xbb\xbf" if rng.random() < 0.5 else b"") + b"retry: 10\n"
            start = min(start, len(srv.lines))
            self.send_body(head + srv.events[srv.events_at[start]:], "text/event-stream",
                           drop, rng)
        elif url.path.startswith("/sandboxes/") and url.path.endswith("/logs"):
            start = int(q.get("start", ["0"])[0])
            limit = int(q.get("limit", ["10"])[0])
            logs = [{"timestamp": rfc3339(EPOCH + 60 * i), "line": "sandbox.lifecycle." + e}
                    for i, e in enumerate(LIFECYCLE)]
            body = json.dumps({"logs": logs[start:start + limit]}).encode()
            self.send_body(body, "application/json", drop, rng)
        else:
            self.send_error(404)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lines", type=int, default=100000)
    ap.add_argument("--mean-drop", type=int, default=40000,
                    help="mean bytes sent before a drop")
    ap.add_argument("--port-file")
    ap.add_argument("--log-file")
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.lines, srv.secs = make_log(args.seed, args.lines)
    srv.seed, srv.mean_drop = args.seed, args.mean_drop
    # Both bodies are built once; a request sends a slice from a line's offset.
    srv.text, srv.text_at = encode([(l + "\n").encode() for l in srv.lines])
    rng = random.Random(args.seed)
    events = []
    for i, line in enumerate(srv.lines):
        eol = rng.choice(["\n", "\r\n", "\r"])
        ev = ": keep-alive" + eol if rng.random() < 0.02 else ""
        ev += "id: %d%sevent: log%sdata: %s%s%s" % (i + 1, eol, eol, line, eol, eol)
        events.append(ev.encode())
    srv.events, srv.events_at = encode(events)
    srv.lock, srv.requests, srv.drops = threading.Lock(), 0, 0
    if args.log_file:
        with open(args.log_file, "w") as f:
            f.write("".join(l + "\n" for l in srv.lines))
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print(port, flush=True)
    timer = threading.Timer(args.timeout, srv.shutdown)
    timer.daemon = True
    timer.start()
    srv.serve_forever()
    sys.stderr.write("log_server: %d requests, %d dropped\n" % (srv.requests, srv.drops))


if __name__ == "__main__":
    main()
