#!/usr/bin/env python3
"""Prints the demo's pings as they arrive: reads `tail -F` output of the log channels."""
import json
import sys

for raw in sys.stdin:
    raw = raw.strip()
    if not raw.startswith("{"):
        continue
    try:
        line = json.loads(raw)
    except json.JSONDecodeError:
        continue
    who = line["channel"] + (f" ({line['role']})" if line.get("role") else "")
    if line.get("to"):
        who += " → " + ", ".join(line["to"])
    print(f"{line['at'][11:19]}  {who:<28} {line['subject']}", flush=True)
    for text in line["text"].splitlines()[1:4]:
        print(f"{'':10}{text}", flush=True)
