"""Interop client: python-websockets against a Selkie echo server.

Usage: python3 echo_client.py ws[s]://127.0.0.1:PORT/ [deflate|plain] [CA.pem]
With "deflate" (the default) the client offers permessage-deflate, as python-websockets does by
default; with "plain" it offers nothing. Prints "EXTENSIONS <answer>" after the handshake, one
line per check ("OK <what>") and, once the server closes the connection, "CLOSE <code>". Exits
non-zero on any mismatch or after 60 s. For wss:// the server's certificate must be signed by CA.pem.
"""
import asyncio
import os
import ssl
import sys

import websockets


async def main(url, mode, ca):
    compression = "deflate" if mode == "deflate" else None
    context = None
    if url.startswith("wss://"):
        context = ssl.create_default_context(cafile=ca)  # verifies the chain and the host (an IP SAN)
    async with websockets.connect(url, max_size=16 * 1024 * 1024, ping_interval=None,
                                  compression=compression, ssl=context) as ws:
        print("EXTENSIONS %s" % ws.response_headers.get("Sec-WebSocket-Extensions", ""), flush=True)
        json = '{"user":"python","text":"%s"}' % ("hello, room " * 200)
        await ws.send(json)
        assert await ws.recv() == json
        print("OK json", flush=True)

        await ws.send("hello from python")
        assert await ws.recv() == "hello from python"
        print("OK text", flush=True)

        text = "κόσμε €😀 " * 1000
        await ws.send(text)
        assert await ws.recv() == text
        print("OK utf8", flush=True)

        data = os.urandom(1024 * 1024)
        await ws.send(data)
        assert await ws.recv() == data
        print("OK binary", flush=True)

        # a fragmented message: python-websockets fragments an iterable
        await ws.send(["frag", "men", "ted"])
        assert await ws.recv() == "fragmented"
        print("OK fragmented", flush=True)

        pong = await ws.ping(b"py-ping")
        await asyncio.wait_for(pong, 10)
        print("OK ping", flush=True)

        print("READY", flush=True)
        await ws.wait_closed()
        print("CLOSE %d" % ws.close_code, flush=True)


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "deflate",
                                      sys.argv[3] if len(sys.argv) > 3 else None), 60))
