#!/usr/bin/env python3
"""Malformed RSP traffic against a live `quadrant run --gdb PORT -S`:
bad checksums get '-', bad arguments get E replies, overlong and
truncated frames are dropped, and a well-formed packet afterwards is
answered normally. Exits 0 on success, 1 with a message otherwise."""
import socket
import sys


def frame(data: bytes) -> bytes:
    return b"$" + data + b"#%02x" % (sum(data) & 0xFF)


def main() -> int:
    port = int(sys.argv[1])
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    buf = b""

    def read_until(pred, what):
        nonlocal buf
        while not pred(buf):
            chunk = s.recv(65536)
            if not chunk:
                raise SystemExit("connection closed waiting for " + what)
            buf += chunk

    def reply(what):
        """The next framed reply's data (skipping acks)."""
        nonlocal buf
        read_until(lambda b: b"$" in b and b"#" in b[b.index(b"$"):]
                   and len(b) >= b.index(b"#", b.index(b"$")) + 3, what)
        start = buf.index(b"$")
        end = buf.index(b"#", start)
        data = buf[start + 1:end]
        buf = buf[end + 3:]
        return data

    def check(cond, msg):
        if not cond:
            print("FAIL:", msg)
            raise SystemExit(1)

    # 1. Bad checksum: a nack.
    s.sendall(b"$g#00")
    read_until(lambda b: b"-" in b, "a nack")
    check(buf.startswith(b"-"), "bad checksum: expected '-', got %r" % buf)
    buf = buf[1:]
    # 2. Noise between packets, a truncated frame restarted by '$'.
    s.sendall(b"garbage\x00\xff$m10" + frame(b"?"))
    r = reply("? after noise")
    check(r.startswith(b"T05"), "? after noise: %r" % r)
    # 3. Bad hex and bad arguments: E replies.
    for pkt in (b"mzz,4", b"m1000", b"M1000,2:zz", b"X1000,4:ab", b"p",
                b"Pzz=00", b"Z9", b"Z0,,", b"vCont;q", b"qRcmd,7",
                b"qXfer:features:read:target.xml:", b"Qqemu.PhyMemMode:7",
                b"Hq1", b"G0"):
        s.sendall(frame(pkt))
        r = reply(pkt.decode(errors="replace"))
        check(r.startswith(b"E") or r == b"",
              "%r: expected an error or unsupported, got %r" % (pkt, r))
    # 4. Overlong: dropped whole with an error.
    s.sendall(frame(b"m" * 20000))
    r = reply("overlong")
    check(r.startswith(b"E"), "overlong: %r" % r)
    # 5. Unknown packets: the empty reply.
    s.sendall(frame(b"vFrobnicate;1"))
    check(reply("unknown") == b"", "unknown packet not empty")
    # 6. Still serving: registers and target.xml.
    s.sendall(frame(b"g"))
    r = reply("g")
    check(len(r) > 100 and all(c in b"0123456789abcdef" for c in r),
          "g after the noise: %r" % r[:40])
    s.sendall(frame(b"qXfer:features:read:target.xml:0,100"))
    r = reply("target.xml")
    check(r[:1] in (b"m", b"l") and b"<target" in r, "xml: %r" % r[:40])
    s.close()
    # 7. A vanished client leaves the stub listening: connect again.
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    buf = b""
    s.sendall(frame(b"?"))
    r = reply("? after reconnect")
    check(r.startswith(b"T05"), "? after reconnect: %r" % r)
    s.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
