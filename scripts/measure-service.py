#!/usr/bin/env python3
"""Measures the daemon as systemd runs it: the time from start to READY=1 on the demo
configuration, and resident memory when idle with 10,000 open tickets.

Usage: scripts/measure-service.py PATH/TO/slawatch
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

binary = os.path.abspath(sys.argv[1])
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_until_ready(config, env_extra=None):
    """Starts the daemon with a notify socket; returns (process, seconds to READY=1)."""
    path = os.path.join(tempfile.mkdtemp(), "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(120)
    env = dict(os.environ, NOTIFY_SOCKET=path, **(env_extra or {}))
    start = time.monotonic()
    process = subprocess.Popen([binary, "run", "--config", config], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        if "READY=1" in sock.recv(4096).decode():
            return process, time.monotonic() - start


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


def stop(process):
    process.terminate()
    process.wait(timeout=30)


# 1. Start to READY=1 on the demo configuration (fresh state each time), five runs.
work = tempfile.mkdtemp()
demo = os.path.join(work, "demo")
shutil.copytree(os.path.join(root, "config", "demo"), demo, ignore=shutil.ignore_patterns("demo-state"))
with open(os.path.join(demo, "tickets.json"), "w") as out:
    subprocess.run([sys.executable, os.path.join(demo, "render-tickets.py"), os.path.join(demo, "tickets.template.json")],
                   stdout=out, check=True)
times = []
for _ in range(5):
    shutil.rmtree(os.path.join(demo, "demo-state"), ignore_errors=True)
    process, seconds = run_until_ready(os.path.join(demo, "slawatch.yaml"))
    times.append(seconds)
    stop(process)
times.sort()
print(f"service: start to READY=1 on the demo config: median {times[2] * 1000:.0f} ms "
      f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}) over 5 runs")

# 2. Idle resident memory with 10,000 open tickets (created within the last day, 24x7 targets).
big = os.path.join(work, "big")
os.makedirs(big)
now = time.time()
tickets = [{"id": f"B-{i}", "subject": f"Ticket {i}", "status": "open", "priority": ["urgent", "high", "normal", "low"][i % 4],
            "customer": {"id": f"c{i % 500}", "email": f"c{i % 500}@example.com"},
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - (i * 7) % 86400))} for i in range(10_000)]
with open(os.path.join(big, "tickets.json"), "w") as out:
    json.dump(tickets, out)
with open(os.path.join(big, "slawatch.yaml"), "w") as out:
    out.write("""state: state.db
poll_interval: 60s
listen: 127.0.0.1:0
sources: [{name: big, type: file, path: tickets.json}]
policies:
  - name: all
    targets: { any: { first_response: 4h, resolution: 24h } }
teams: { default: { lead: [leads], manager: [leads], director: [leads] } }
ladders:
  default:
    - { at: 75%, notify: lead }
    - { at: breach, notify: [manager, director] }
channels: { leads: { type: log, path: leads.jsonl } }
""")
process, seconds = run_until_ready(os.path.join(big, "slawatch.yaml"))
time.sleep(10)
print(f"service: 10,000 open tickets: READY=1 after {seconds:.2f} s; idle RSS {rss_mib(process.pid):.0f} MiB 10 s later")
stop(process)
shutil.rmtree(work, ignore_errors=True)
