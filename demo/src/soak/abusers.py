#!/usr/bin/env python3
"""Abusive WebSocket clients for the soak run (demo/src/soak/soak.sh): loopback only, stdlib only.

Cycles through the scenarios of the abuse suite until the time is up, each bounded in time:
pong flood (pings never read), slowloris (half-sent handshakes), garbage (random bytes before and
after a handshake), abrupt resets (SO_LINGER 0), a slow consumer (64 KiB messages, never read), a
header bomb and a deflate bomb (a compressed message that inflates past the limit); with --tls-port
also over TLS: a pong flood over wss, half-sent ClientHellos, random bytes and plain HTTP instead of
a ClientHello, and resets in the middle of the TLS handshake. Prints one line per cycle; exits 0 when
the time is up, 1 if the server stopped answering a healthy client (on either port).
"""
import argparse
import os
import random
import socket
import ssl
import struct
import sys
import time
import zlib

KEY = b"dGhlIHNhbXBsZSBub25jZQ=="


def upgrade_request(path=b"/echo", extra=b""):
    return (b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: " + KEY + b"\r\nSec-WebSocket-Version: 13\r\n" + extra + b"\r\n")


def frame(opcode, payload=b"", fin=True, mask=True):
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + struct.pack(">H", n)
    else:
        head += bytes([bit | 127]) + struct.pack(">Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    whole = (key * (n // 4 + 1))[:n]
    return head + key + (int.from_bytes(payload, "big") ^ int.from_bytes(whole, "big")).to_bytes(n, "big")


TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the soak's server has a fresh self-signed certificate


def connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def client_hello():
    """The first flight of a real TLS client, produced in memory."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = TLS.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def upgraded(port, tls=False, extra=b""):
    s = connect(port)
    if tls:
        s = TLS.wrap_socket(s, server_hostname="localhost")
    s.sendall(upgrade_request(extra=extra))
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed during the handshake")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        raise ConnectionError("handshake refused: %r" % head[:40])
    return s


def reset(s):
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.close()


def flood_pings(port, rnd, tls, conns, pings):
    """Pings (empty and up to 125 bytes) from connections that never read, for 5 s; then reset."""
    socks = [upgraded(port, tls=tls) for _ in range(conns)]
    batch = b"".join(frame(0x9, b"" if i % 2 else bytes(rnd.randrange(126))) for i in range(pings))
    deadline = time.time() + 5
    for s in socks:
        s.settimeout(0.5)
    sent = 0
    while time.time() < deadline:
        for s in socks:
            try:
                s.sendall(batch)
                sent += pings
            except OSError:  # ssl.SSLError included
                pass
    for s in socks:
        reset(s)
    return sent


def pong_flood(port, rnd):
    return "pong flood: %d pings" % flood_pings(port, rnd, tls=False, conns=3, pings=2000)


def half_sent(port, rnd, first_bytes):
    """200 connections that send the start of what they should and then nothing; reset after 3 s."""
    socks = []
    for _ in range(200):
        try:
            s = connect(port)
            s.sendall(first_bytes[:rnd.randrange(1, len(first_bytes))])
            socks.append(s)
        except OSError:
            pass
    time.sleep(3)
    for s in socks:
        reset(s)
    return len(socks)


def slowloris(port, rnd):
    return "slowloris: %d half-sent handshakes" % half_sent(port, rnd, upgrade_request()[:40])


def garbage(port, rnd):
    answered = 0
    for i in range(60):
        try:
            if i % 2 == 0:
                s = connect(port)
                s.sendall(os.urandom(rnd.randrange(1, 1000)) + b"\r\n\r\n")
            else:
                s = upgraded(port)
                junk = bytearray(os.urandom(rnd.randrange(2, 4000)))
                junk[1] &= 0x7F
                s.sendall(bytes(junk))
            s.settimeout(2)
            if s.recv(4096):
                answered += 1
            s.close()
        except OSError:
            pass
    return "garbage: %d of 60 answered" % answered


def resets(port, rnd):
    n = 0
    for _ in range(4):
        socks = []
        for i in range(250):
            try:
                s = connect(port)
                if i % 2:
                    s.sendall(upgrade_request())
                socks.append(s)
            except OSError:
                pass
        for s in socks:
            reset(s)
            n += 1
    return "abrupt resets: %d" % n


def slow_consumer(port, rnd):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: a small window
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    s.sendall(upgrade_request())
    s.settimeout(1)
    message = frame(0x2, os.urandom(64 << 10))
    sent = 0
    deadline = time.time() + 10
    try:
        while time.time() < deadline and sent < 2000:
            s.sendall(message)
            sent += 1
    except OSError:
        pass
    reset(s)
    return "slow consumer: %d x 64 KiB sent" % sent


def header_bomb(port, rnd):
    s = connect(port)
    s.sendall(upgrade_request(extra=b"".join(b"X-Bomb-%d: %d\r\n" % (i, i) for i in range(200))))
    s.settimeout(5)
    answer = s.recv(64)
    s.close()
    return "header bomb: %s" % answer[:12].decode("ascii", "replace")


def deflate_bomb(port, rnd):
    """64 MiB of zeros in about 64 KiB of deflate: the server must answer 1009 without inflating it all."""
    s = upgraded(port, extra=b"Sec-WebSocket-Extensions: permessage-deflate\r\n")
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = z.compress(bytes(64 << 20)) + z.flush(zlib.Z_SYNC_FLUSH)
    head = bytes([0xC2])  # FIN + RSV1 + binary
    s.settimeout(5)
    try:
        s.sendall(head + frame(0x2, body)[1:])
        answer = s.recv(64)
    except OSError as e:
        answer = repr(e).encode()
    reset(s)
    code = struct.unpack(">H", answer[2:4])[0] if len(answer) >= 4 and answer[0] == 0x88 else None
    return "deflate bomb (%d compressed bytes): close %s" % (len(body), code)


def tls_pong_flood(port, rnd):
    return "wss pong flood: %d pings" % flood_pings(port, rnd, tls=True, conns=2, pings=1000)


def tls_slowloris(port, rnd):
    return "TLS slowloris: %d half-sent ClientHellos" % half_sent(port, rnd, client_hello())


def tls_garbage(port, rnd):
    answered = 0
    for i in range(40):
        try:
            s = connect(port)
            s.sendall(upgrade_request() if i % 2 else os.urandom(rnd.randrange(1, 2000)))
            s.settimeout(2)
            data = s.recv(4096)
            if i % 2 and data.startswith(b"HTTP/1.1 400"):
                answered += 1
            s.close()
        except OSError:
            pass
    return "TLS garbage: %d of 20 plain HTTP requests answered 400" % answered


def tls_resets(port, rnd):
    hello = client_hello()
    n = 0
    socks = []
    for _ in range(300):
        try:
            s = connect(port)
            s.sendall(hello)
            socks.append(s)
        except OSError:
            pass
    for s in socks:
        reset(s)
        n += 1
    return "TLS resets after the ClientHello: %d" % n


def healthy(port, tls=False):
    try:
        s = upgraded(port, tls=tls)
        s.settimeout(5)
        s.sendall(frame(0x1, b"healthy"))
        data = s.recv(64)
        s.close()
        return data[2:] == b"healthy"
    except (OSError, ssl.SSLError, ConnectionError):
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--tls-port", type=int, help="the server's TLS port, for the TLS scenarios")
    parser.add_argument("--seed", type=int, default=6455)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    scenarios = [(pong_flood, args.port), (slowloris, args.port), (garbage, args.port), (resets, args.port),
                 (slow_consumer, args.port), (header_bomb, args.port), (deflate_bomb, args.port)]
    if args.tls_port:
        scenarios += [(tls_pong_flood, args.tls_port), (tls_slowloris, args.tls_port), (tls_garbage, args.tls_port),
                      (tls_resets, args.tls_port)]
    end = time.time() + args.seconds
    cycle = 0
    while time.time() < end:
        scenario, port = scenarios[cycle % len(scenarios)]
        try:
            line = scenario(port, rnd)
        except (OSError, ssl.SSLError) as e:
            line = "%s: %s" % (scenario.__name__, e)
        ok = healthy(args.port) and (not args.tls_port or healthy(args.tls_port, tls=True))
        print("%6.0f s  %s; healthy client %s" % (args.seconds - (end - time.time()), line, "ok" if ok else "FAILED"),
              flush=True)
        if not ok:
            return 1
        cycle += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
