#!/usr/bin/env python3
"""A helpdesk that answers slowly, for slawatch's daemon tests.

Listens on 127.0.0.1 on an ephemeral port and prints `PORT <n>` on its first line; exits
when its standard input closes. GET /tickets?delay=SECONDS answers after that many seconds
with {"items": [...]}: one open ticket, S-1, created 2026-11-20T12:00:00Z.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        split = urlsplit(self.path)
        delay = float(parse_qs(split.query).get("delay", ["0"])[0])
        time.sleep(delay)
        body = json.dumps({"items": [
            {"id": "S-1", "status": "open", "created_at": "2026-11-20T12:00:00Z", "customer": "s"},
        ]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
