#!/usr/bin/env python3
"""Writes a CRI log (the kubelet's on-disk format) of about SIZE megabytes to
stdout, for the gzip benchmark: a mix of access-log lines, JSON application
logs, Go-style structured lines and Java stack traces, with nanosecond
timestamps that advance irregularly, as a busy service writes them. The
output is a fixed function of the seed, so two runs give the same bytes.

  bench/make_cri_log.py [SIZE_MB [SEED]] > app.log
"""
import random
import sys

def main() -> int:
    size = int(sys.argv[1]) * 1000 * 1000 if len(sys.argv) > 1 else 200 * 1000 * 1000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    paths = ["/api/v1/orders", "/api/v1/orders/{}", "/api/v1/users/{}/cart", "/healthz",
             "/metrics", "/static/app.{}.js", "/api/v2/search?q={}&page={}", "/login"]
    agents = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/121.0 Safari/537.36",
              "kube-probe/1.29", "Prometheus/2.49.1", "curl/8.5.0", "okhttp/4.12.0"]
    levels = ["info"] * 12 + ["debug"] * 5 + ["warn"] * 2 + ["error"]
    words = ("order payment cart user session cache miss hit retry timeout upstream "
             "connection pool database query slow commit rollback shard replica leader "
             "election token refresh expired granted denied queue depth worker").split()
    sec = 1771597800
    ns = 0
    out = sys.stdout
    written = 0
    buf = []
    while written < size:
        ns += rng.randint(1000, 4000000)
        if ns >= 1000000000:
            sec += ns // 1000000000
            ns %= 1000000000
        h, rem = divmod(sec % 86400, 3600)
        m, s = divmod(rem, 60)
        ts = "2026-02-20T%02d:%02d:%02d.%09dZ" % (h, m, s, ns)
        kind = rng.random()
        stream = "stdout"
        if kind < 0.45:
            p = rng.choice(paths).format(rng.randint(1, 99999), rng.randint(1, 20))
            msg = '10.%d.%d.%d - - [20/Feb/2026:%02d:%02d:%02d +0000] "%s %s HTTP/1.1" %d %d "-" "%s" %.3f' % (
                rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254), h, m, s,
                rng.choice(["GET"] * 6 + ["POST", "PUT", "DELETE"]), p,
                rng.choice([200] * 20 + [201, 204, 301, 304, 400, 404, 500, 503]),
                rng.randint(0, 50000), rng.choice(agents), rng.random() * 0.5)
        elif kind < 0.80:
            msg = ('{"level":"%s","ts":"2026-02-20T%02d:%02d:%02d.%06dZ","logger":"%s",'
                   '"msg":"%s","request_id":"%032x","user_id":%d,"duration_ms":%.2f}') % (
                rng.choice(levels), h, m, s, ns // 1000, rng.choice(["http", "db", "cache", "worker"]),
                " ".join(rng.choice(words) for _ in range(rng.randint(2, 8))),
                rng.getrandbits(128), rng.randint(1, 10**6), rng.random() * 200)
        elif kind < 0.97:
            msg = 'time="2026-02-20T%02d:%02d:%02dZ" level=%s msg="%s" component=%s attempt=%d' % (
                h, m, s, rng.choice(levels), " ".join(rng.choice(words) for _ in range(rng.randint(3, 10))),
                rng.choice(words), rng.randint(1, 5))
        else:
            stream = "stderr"
            lines = ["Exception in thread \"worker-%d\" java.lang.IllegalStateException: %s" % (
                rng.randint(1, 64), " ".join(rng.choice(words) for _ in range(4)))]
            for _ in range(rng.randint(5, 25)):
                lines.append("\tat com.example.%s.%s%s(%s.java:%d)" % (
                    rng.choice(words), rng.choice(words), rng.choice(words).title(),
                    rng.choice(words).title(), rng.randint(10, 900)))
            for line in lines:
                rec = "%s %s F %s\n" % (ts, stream, line)
                buf.append(rec)
                written += len(rec)
            continue
        rec = "%s %s F %s\n" % (ts, stream, msg)
        buf.append(rec)
        written += len(rec)
        if len(buf) >= 4096:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))
    return 0

if __name__ == "__main__":
    sys.exit(main())
