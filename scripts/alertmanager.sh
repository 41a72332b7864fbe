#!/usr/bin/env bash
# Unpacks Debian's Prometheus Alertmanager into .build/alertmanager for the benchmark that
# runs it beside slawatch, without installing it (no service is set up or started).
# Prints the path of the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
target=.build/alertmanager
binary=$target/usr/bin/prometheus-alertmanager
if [ ! -x "$binary" ]; then
  mkdir -p "$target"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && { apt-get download prometheus-alertmanager >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus-alertmanager >/dev/null; }; })
  dpkg-deb -x "$work"/prometheus-alertmanager_*.deb "$target"
fi
echo "$binary"
