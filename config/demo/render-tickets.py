#!/usr/bin/env python3
"""Writes the demo tickets with times relative to now.

In the template, a time is written "now-50m", "now+5m", "now-2h30m" or "now"; the
output replaces each with an RFC 3339 UTC time, so the demo's warnings and breaches
happen while a person watches.
"""
import datetime
import json
import re
import sys

UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def resolve(value):
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v) for v in value]
    if isinstance(value, str) and value.startswith("now"):
        match = re.fullmatch(r"now(?:([+-])((?:\d+[dhms])+))?", value)
        if not match:
            sys.exit(f"bad relative time {value!r}: write now, now-50m or now+1h30m")
        seconds = sum(int(n) * UNITS[u] for n, u in re.findall(r"(\d+)([dhms])", match.group(2) or ""))
        delta = datetime.timedelta(seconds=seconds if match.group(1) != "-" else -seconds)
        return (NOW + delta).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


with open(sys.argv[1], encoding="utf-8") as template:
    tickets = json.load(template)
json.dump(resolve(tickets), sys.stdout, indent=1)
sys.stdout.write("\n")
