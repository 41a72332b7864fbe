#!/usr/bin/env python3
"""Loopback HTTP/1.1 receiver for slawatch's delivery tests.

Listens on 127.0.0.1 on an ephemeral port and prints `PORT <n>` on its first line.
Exits when its standard input closes, so it never outlives the test process.

Every request to /<token>/<behaviour>[/...] is recorded under <token>; GET /_records/<token>
returns them as a JSON array (method, path, query, headers, body, client_port).
Behaviours:
  ok                      200 "ok"
  status/<code>           that status; ?retry_after=<v> adds Retry-After, ?body=<text> sets the body
  script/<c1>,<c2>,...    the n-th request to this token gets the n-th code (the last repeats);
                          429 answers carry Retry-After: 7
  gone                    404 "no_service", as Slack answers for a deleted webhook
  discord429              429 with Discord's JSON {"retry_after": 1.5} and Retry-After: 2
  hang?seconds=<s>        reads the request, waits (at most 10 s), then closes without answering
  close                   reads the request and closes the connection without answering
  slow?ms=<n>             waits n ms (at most 2000), then 200
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

records = {}
counters = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        parts = [p for p in split.path.split("/") if p]
        if len(parts) >= 2 and parts[0] == "_records":
            with lock:
                data = json.dumps(records.get(parts[1], [])).encode()
            return self.answer(200, data, [("Content-Type", "application/json")])
        if len(parts) < 2:
            return self.answer(404, b"no such path")
        token, behaviour = parts[0], parts[1]
        with lock:
            records.setdefault(token, []).append({
                "method": self.command,
                "path": split.path,
                "query": split.query,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
                "client_port": self.client_address[1],
                "at": time.time(),
            })
            counters[token] = counters.get(token, 0) + 1
            count = counters[token]
        if behaviour == "ok":
            return self.answer(200, b"ok")
        if behaviour == "status":
            headers = []
            if "retry_after" in query:
                headers.append(("Retry-After", query["retry_after"]))
            return self.answer(int(parts[2]), query.get("body", "").encode(), headers)
        if behaviour == "script":
            codes = [int(c) for c in parts[2].split(",")]
            code = codes[min(count, len(codes)) - 1]
            headers = [("Retry-After", "7")] if code == 429 else []
            return self.answer(code, b"scripted", headers)
        if behaviour == "gone":
            return self.answer(404, b"no_service")
        if behaviour == "discord429":
            body = json.dumps({"message": "You are being rate limited.", "retry_after": 1.5, "global": False}).encode()
            return self.answer(429, body, [("Retry-After", "2"), ("Content-Type", "application/json")])
        if behaviour == "hang":
            time.sleep(min(float(query.get("seconds", "5")), 10.0))
            self.close_connection = True
            return
        if behaviour == "close":
            self.close_connection = True
            return
        if behaviour == "slow":
            time.sleep(min(int(query.get("ms", "100")), 2000) / 1000.0)
            return self.answer(200, b"ok")
        return self.answer(404, b"unknown behaviour")


def watch_stdin():
    sys.stdin.buffer.read()
    os._exit(0)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # A real receiver's listen backlog, not socketserver's 5: a lane opening 32 connections
    # at once overflowed that one, and the kernel's SYN and data retransmissions then held a
    # request for seconds, past an attempt's timeout.
    request_queue_size = 512


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
