#!/usr/bin/env bash
# The tick and backlog benchmarks with the state in PostgreSQL: a throwaway server from Debian's
# postgresql package (initdb in a temporary directory, a Unix socket there), stopped after.
# Usage: scripts/bench-postgres.sh BENCH_BINARY [COUNT]
# With STATEMENT_LOG=FILE, the server logs every statement with its duration, and FILE
# receives that log (where a tick's time goes in the database).
set -euo pipefail
bench="$1"; count="${2:-100000}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
dir="$(mktemp -d /tmp/swpg-bench-XXXXXX)"
chmod 0755 "$dir"
as_server=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; as_server=(runuser -u postgres --); fi
stop() {
  (cd "$dir" && "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true)
  if [ -n "${STATEMENT_LOG:-}" ]; then cp "$dir/log" "$STATEMENT_LOG" || true; fi
  rm -rf "$dir"
}
trap stop EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cd "$dir"
"${as_server[@]}" "$bin/initdb" -D "$dir/data" -U slawatch --auth-local=trust -E UTF8 --no-sync >/dev/null
logging=""
if [ -n "${STATEMENT_LOG:-}" ]; then logging="-c log_min_duration_statement=0 -c log_parameter_max_length=0"; fi
"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-k $dir -p $port -c listen_addresses='' $logging" start >/dev/null
"$bin/psql" -X -q -h "$dir" -p "$port" -U slawatch -d postgres -c "CREATE DATABASE bench" -c "CREATE DATABASE backlog"
cd - >/dev/null
"$bench" tick-postgres "$count" "postgresql://slawatch@/bench?host=$dir&port=$port"
"$bench" backlog-postgres 20000 "postgresql://slawatch@/backlog?host=$dir&port=$port"
