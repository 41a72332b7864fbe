#!/usr/bin/env bash
# Unpacks Debian's Prometheus Alertmanager into .build/alertmanager for the benchmark that
# runs it beside slawatch, without installing it (no service is set up or started); only
# its notification templates are put where Debian's build looks for them.
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
# Debian's build reads its notification templates from this fixed directory.
templates=/usr/share/prometheus/alertmanager
for file in "$target$templates"/*.tmpl; do
  [ -e "$templates/$(basename "$file")" ] && continue
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo install -D -m 0644 "$file" "$templates/$(basename "$file")"
done
echo "$binary"
