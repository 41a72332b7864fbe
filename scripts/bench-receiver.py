#!/usr/bin/env python3
"""A Python ThreadingHTTPServer webhook receiver (HTTP/1.1 keep-alive), the receiver the
end-to-end comparison with Alertmanager was first measured against. Used by e2e-bench
(`--receiver python`).

    bench-receiver.py EXPECTED distinct|requests

Prints the port, then `done` as soon as EXPECTED distinct `webhook-id`s (distinct) or
EXPECTED requests (requests) have arrived; on SIGTERM prints `requests R distinct D
duplicated U` and exits."""
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

expected = int(sys.argv[1])
mode = sys.argv[2]
lock = threading.Lock()
seen = {}
state = {"requests": 0, "done": False}


def arrived(key):
    with lock:
        state["requests"] += 1
        if key is not None:
            seen[key] = seen.get(key, 0) + 1
        reached = len(seen) if mode == "distinct" else state["requests"]
        if reached >= expected and not state["done"]:
            state["done"] = True
            print("done", flush=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        arrived(self.headers.get("webhook-id"))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512


server = Server(("127.0.0.1", 0), Handler)


def report(*_):
    with lock:
        duplicated = sum(1 for count in seen.values() if count > 1)
        print(f"requests {state['requests']} distinct {len(seen)} duplicated {duplicated}", flush=True)
    sys.stdout.flush()
    import os
    os._exit(0)


signal.signal(signal.SIGTERM, report)
print(server.server_address[1], flush=True)
server.serve_forever()
