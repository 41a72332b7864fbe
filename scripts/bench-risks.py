#!/usr/bin/env python3
"""Times `slawatch evaluate --format json` on tickets with a conversation and handoffs,
with and without the risk detectors and a group target, and prints the medians.

    python3 scripts/bench-risks.py [.build/release/slawatch] [--tickets 50000] [--runs 5]
"""
import argparse
import datetime
import json
import pathlib
import random
import statistics
import subprocess
import tempfile
import time

BASE = """
calendars:
  office: { timezone: America/New_York, week: { mon-fri: ["09:00-17:00"] } }
policies:
  - name: standard
    calendar: office
    targets: { any: { first_response: 4h, next_reply: 8h, resolution: 24h } }
%s
"""
RISKS = """    group_targets: { Engineering: { group_response: 2h } }
risks:
  follow_ups: { count: 3, within: 24h, notify: lead }
  reassignments: { count: 3, notify: manager }
  reopened: { count: 1, notify: lead }
  ping_pong: { exchanges: 6, notify: manager }
  stalled: { after: 3d, notify: lead }
"""


def tickets(count, seed=20261123):
    rnd = random.Random(seed)
    start = int(datetime.datetime(2026, 10, 1, tzinfo=datetime.timezone.utc).timestamp())
    stamp = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = []
    for n in range(count):
        t = start + rnd.randrange(0, 60 * 86400)
        events = [{"at": stamp(t), "type": "customer_message"}]
        for _ in range(rnd.randrange(4, 12)):
            t += rnd.randrange(600, 8 * 3600)
            kind = rnd.choice(["customer_message", "reply", "reply", "note", "assignee", "group", "status"])
            if kind == "reply":
                events.append({"at": stamp(t), "type": "agent_reply", "public": True})
            elif kind == "note":
                events.append({"at": stamp(t), "type": "agent_reply", "public": False})
            elif kind == "assignee":
                events.append({"at": stamp(t), "type": "assignee", "assignee": rnd.choice(["ana", "ben", "cai"])})
            elif kind == "group":
                events.append({"at": stamp(t), "type": "group", "group": rnd.choice(["Support", "Engineering", "Billing"])})
            elif kind == "status":
                events.append({"at": stamp(t), "type": "status", "status": rnd.choice(["solved", "open", "pending_customer"])})
            else:
                events.append({"at": stamp(t), "type": "customer_message"})
        out.append({"id": "T-%d" % (n + 1), "status": "open", "group": "Support",
                    "created_at": events[0]["at"], "events": events})
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=".build/release/slawatch")
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    binary = str(pathlib.Path(args.binary).resolve())
    with tempfile.TemporaryDirectory() as directory:
        root = pathlib.Path(directory)
        (root / "tickets.json").write_text(json.dumps(tickets(args.tickets)))
        (root / "plain.yaml").write_text(BASE % "")
        (root / "risks.yaml").write_text(BASE % RISKS)
        for name in ["plain", "risks"]:
            times = []
            for _ in range(args.runs):
                began = time.monotonic()
                result = subprocess.run([binary, "evaluate", "--config", str(root / (name + ".yaml")), "--tickets",
                                         str(root / "tickets.json"), "--at", "2026-12-05T00:00:00Z", "--format", "json"],
                                        stdout=subprocess.PIPE, check=True)
                times.append(time.monotonic() - began)
            report = json.loads(result.stdout)
            print("%-6s %d tickets: median %.2f s over %d runs; %d clocks, %d risks" % (
                name, args.tickets, statistics.median(times), args.runs, len(report["clocks"]), len(report["risks"])))


if __name__ == "__main__":
    main()
