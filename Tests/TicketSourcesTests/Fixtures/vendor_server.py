#!/usr/bin/env python3
"""Loopback fake of the helpdesk APIs for slawatch's ticket source tests.

Listens on 127.0.0.1 on an ephemeral port and prints `PORT <n>` on its first line.
Exits when its standard input closes, so it never outlives the test process.

A test loads a scenario under a token of its own:
    POST /_load/<token>?file=vendors/zendesk.json
and then points a source at http://127.0.0.1:<port>/<token>. GET /_records/<token> returns
the requests recorded under the token (method, path without the token, query, headers, body).

A scenario file is {"routes": [ROUTE, ...]}. A request takes the first route whose
`method` and `path` are equal and whose `query` entries are all present with equal values
("*" matches any value), and whose `body_contains` (if any) is in the body. The n-th request a route takes gets its n-th response, the last
one repeating. A response has `status` (default 200), `headers`, and `json` (a document)
or `text` (raw body). "{base}" in header values and JSON strings becomes the token's base
URL. `"delay": SECONDS` holds the answer back that long. `"echo": true` appends the request's Authorization header and query to the body, as a
careless service would, to show that slawatch redacts them.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
scenarios = {}
records = {}
counters = {}
lock = threading.Lock()


def substitute(value, base):
    if isinstance(value, str):
        return value.replace("{base}", base)
    if isinstance(value, list):
        return [substitute(v, base) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, base) for k, v in value.items()}
    return value


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

    def do_DELETE(self):
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
        parts = split.path.split("/")
        if len(parts) < 2 or not parts[1]:
            return self.answer(404, b"no token")
        if parts[1] == "_load" and len(parts) >= 3:
            with open(os.path.join(HERE, query["file"])) as f:
                scenario = json.load(f)
            with lock:
                scenarios[parts[2]] = scenario
                records[parts[2]] = []
            return self.answer(204)
        if parts[1] == "_records" and len(parts) >= 3:
            with lock:
                data = json.dumps(records.get(parts[2], [])).encode()
            return self.answer(200, data, [("Content-Type", "application/json")])
        token = parts[1]
        path = "/" + "/".join(parts[2:])
        base = "http://127.0.0.1:%d/%s" % (self.server.server_address[1], token)
        with lock:
            records.setdefault(token, []).append({
                "method": self.command,
                "path": path,
                "query": split.query,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
            })
            scenario = scenarios.get(token, {"routes": []})
            chosen = None
            for index, route in enumerate(scenario["routes"]):
                if route.get("method", "GET") != self.command or route["path"] != path:
                    continue
                wanted = route.get("query", {})
                if route.get("body_contains", "") not in body.decode("utf-8", "replace"):
                    continue
                if all(k in query and (v == "*" or query[k] == v) for k, v in wanted.items()):
                    key = (token, index)
                    count = counters.get(key, 0)
                    counters[key] = count + 1
                    responses = route["responses"]
                    chosen = responses[min(count, len(responses) - 1)]
                    break
        if chosen is None:
            return self.answer(404, b'{"error": "no route for this request"}', [("Content-Type", "application/json")])
        if "json" in chosen:
            data = json.dumps(substitute(chosen["json"], base)).encode()
        else:
            data = substitute(chosen.get("text", ""), base).encode()
        if chosen.get("echo"):
            data += (" auth=%s query=%s" % (self.headers.get("Authorization", ""), split.query)).encode()
        headers = [(k, substitute(v, base)) for k, v in chosen.get("headers", {}).items()]
        if "json" in chosen:
            headers.append(("Content-Type", "application/json"))
        time.sleep(chosen.get("delay", 0))
        self.answer(chosen.get("status", 200), data, headers)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
