#!/usr/bin/env python3
# Writes the Docker API bodies and local-driver files of the golden tests
# (the files are committed; this says how they were made). Run from here.
import struct

def frame(kind, payload):
    return struct.pack('>BxxxI', kind, len(payload)) + payload

def varint(v):
    out = b''
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])

def field(num, wire, data):
    tag = varint(num << 3 | wire)
    return tag + (varint(data) if wire == 0 else varint(len(data)) + data)

def entry(source, nanos, line, partial=False, meta=None):
    m = field(1, 2, source) + field(2, 0, nanos) + field(3, 2, line)
    if partial:
        m += field(4, 0, 1)
    if meta:
        last, pid, ordinal = meta
        md = (field(1, 0, 1) if last else b'') + field(2, 2, pid) + field(3, 0, ordinal)
        m += field(5, 2, md)
    return struct.pack('>I', len(m)) + m + struct.pack('>I', len(m))

T0 = 1771597800 * 10**9  # 2026-02-20T14:30:00Z

def write(name, data):
    with open(name, 'wb') as f:
        f.write(data)

plain = (frame(1, b'hello\n') + frame(2, b'oops\n') + frame(1, b'a line cut ') +
         frame(1, b'in two frames\n') + frame(1, b'forged?\x1b]0;title\x07\n') +
         frame(2, b'crlf\r\n') + frame(1, b'no newline at the end'))
write('api_plain.bin', plain)
ts = lambda s: s.encode() + b' '
write('api_ts.bin',
      frame(1, ts('2026-02-20T14:30:00.5Z') + b'first\n') +
      frame(2, ts('2026-02-20T14:30:01.123456789Z') + b'an error\n') +
      frame(1, ts('2026-02-20T14:30:02Z') + b'long line, first fragment; ') +
      frame(1, ts('2026-02-20T14:30:02.000001Z') + b'second fragment\n') +
      frame(1, ts('2026-02-20T14:30:03+01:00') + b'offset kept\n'))
write('api_daemon_error.bin',
      frame(1, b'before the error\n') + frame(3, b'error from daemon in stream: Error grabbing logs: \x1b[31mEOF\n') +
      frame(1, b'never read\n'))
write('api_truncated.bin',
      frame(1, b'whole\n') + frame(2, b'whole too\n') + struct.pack('>BxxxI', 1, 100) + b'only ten b')
write('tty.bin', b'\x1b[32mgreen\x1b[0m\r\nplain\r\n')
local = (entry(b'stdout', T0, b'hello from local') +
         entry(b'stderr', T0 + 500000000, b'an error') +
         entry(b'stdout', T0 + 1000000000, b'part one, ', True, (False, b'p1', 1)) +
         entry(b'stdout', T0 + 1000000001, b'part two, ', True, (False, b'p1', 2)) +
         entry(b'stdout', T0 + 1000000002, b'part three', True, (True, b'p1', 3)) +
         entry(b'stderr', T0 + 2000000000, b'esc \x1b[2J and \r inside'))
write('local.log', local)
write('local_truncated.log', local + entry(b'stdout', T0 + 3 * 10**9, b'cut short')[:-7])
bad = bytearray(entry(b'stdout', T0 + 3 * 10**9, b'bad trailer'))
bad[-1] ^= 1
write('local_mismatch.log', local[:len(entry(b'stdout', T0, b'hello from local'))] + bytes(bad) + local)

# A 40,000-byte line as Docker sends it with timestamps=1: cut into 16 KiB
# frames, each with its own timestamp.
line = b''.join(b'%05d ' % i for i in range(8000))[:40000]
parts = [line[i:i + 16384] for i in range(0, len(line), 16384)]
body = b''
for n, p in enumerate(parts):
    body += frame(1, b'2026-02-20T14:30:0%dZ ' % n + p + (b'\n' if n == len(parts) - 1 else b''))
write('api_ts_long.bin', body + frame(2, b'2026-02-20T14:30:05Z after\n'))

# A rotated local-driver set as Docker leaves it with compress=true: the
# oldest members gzip-compressed, a line in three fragments that straddles
# two rotations, and the same set uncompressed beside it.
import gzip, os
older = (entry(b'stdout', T0 + 10 * 10**9, b'oldest line') +
         entry(b'stdout', T0 + 11 * 10**9, b'straddling: one, ', True, (False, b'r1', 1)))
middle = (entry(b'stderr', T0 + 11 * 10**9 + 5, b'an error between the fragments') +
          entry(b'stdout', T0 + 11 * 10**9 + 1, b'two, ', True, (False, b'r1', 2)))
live = (entry(b'stdout', T0 + 11 * 10**9 + 2, b'three', True, (True, b'r1', 3)) +
        entry(b'stdout', T0 + 12 * 10**9, b'live line') +
        entry(b'stdout', T0 + 13 * 10**9, b'no newline yet', True, (False, b'r2', 1)))
for d in ('local_set', 'local_set_gz'):
    os.makedirs(d + '/local-logs', exist_ok=True)
write('local_set/local-logs/container.log.2', older)
write('local_set/local-logs/container.log.1', middle)
write('local_set/local-logs/container.log', live)
for name, data in (('container.log.2.gz', older), ('container.log.1.gz', middle)):
    write('local_set_gz/local-logs/' + name, gzip.compress(data, mtime=0))
write('local_set_gz/local-logs/container.log', live)
write('local_truncated.log.gz', gzip.compress(local + entry(b'stdout', T0 + 3 * 10**9, b'cut short')[:-7], mtime=0))
