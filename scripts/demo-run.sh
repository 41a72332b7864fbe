#!/usr/bin/env bash
# Runs the daemon on the demo configuration for DEMO_SECONDS (default 150) and prints
# each ping as its log channel receives it.
set -euo pipefail
demo=config/demo
state=$demo/demo-state
seconds=${DEMO_SECONDS:-150}
mkdir -p "$state"
for f in leads billing ops customers; do touch "$state/$f.jsonl"; done

.build/debug/slawatch run --config $demo/slawatch.yaml 2>"$state/daemon.log" &
daemon=$!
tail -q -n +1 -F "$state"/leads.jsonl "$state"/billing.jsonl "$state"/ops.jsonl "$state"/customers.jsonl 2>/dev/null \
  | python3 -u $demo/show-pings.py &
printer=$!
trap 'kill $daemon $printer 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT INT TERM
sleep "$seconds"
echo
echo "Stopped after ${seconds}s. The daemon's log: $state/daemon.log; its state: $state/state.db."
