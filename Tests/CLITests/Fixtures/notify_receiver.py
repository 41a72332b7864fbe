#!/usr/bin/env python3
"""A stand-in for systemd's notify socket: binds an AF_UNIX datagram socket at the path
given, prints `LISTENING`, then one line per datagram (newlines inside shown as `|`), each
prefixed with the seconds since it started. Exits when its standard input closes."""
import os
import socket
import sys
import threading
import time

path = sys.argv[1]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
start = time.monotonic()
print("LISTENING", flush=True)


def watch_stdin():
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=watch_stdin, daemon=True).start()
while True:
    data = sock.recv(4096).decode("utf-8", "replace")
    print(f"{time.monotonic() - start:.3f} {data.strip().replace(chr(10), '|')}", flush=True)
