#!/usr/bin/env bash
# Checks systemd/slawatch.service and `make install`; `make test` runs it after the Swift tests.
#
#  1. `systemd-analyze verify` must print nothing. It insists that ExecStart= names an
#     existing executable, and /usr/local/bin/slawatch need not exist on the machine
#     checking (CI builds no release binary), so the unit is checked as `make
#     install-files` writes it into a scratch PREFIX, with a stand-in binary there: the
#     installed unit's ExecStart= then names that stand-in. Nothing outside the scratch
#     directory is touched. ExecReload= needs /bin/kill (Debian's procps).
#  2. `systemd-analyze security --offline=true` on the unit as shipped must warn about
#     nothing and score an overall exposure of at most MAX_EXPOSURE (default 2.0); the
#     score is printed.
#  3. `make install-files` into a scratch DESTDIR, twice: the layout is as documented (the
#     crash reporter too, when the toolchain has one), and
#     a configuration edited between the two installs is kept.
#  4. When a built slawatch exists (.build/debug/slawatch, or SLAWATCH_BIN), the example
#     config/slawatch.yaml passes `slawatch check` with stand-in secrets.
#
# Works as root or not, in a fresh Debian 12 container with the systemd package; it needs
# no running systemd.
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_EXPOSURE="${MAX_EXPOSURE:-2.0}"
UNIT=systemd/slawatch.service
failures=0
fail() { echo "systemd-check: FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "systemd-check: ok: $*"; }

command -v systemd-analyze >/dev/null || { echo "systemd-check: systemd-analyze is missing; apt-get install systemd" >&2; exit 1; }
[ -x /bin/kill ] || { echo "systemd-check: /bin/kill is missing (the unit's ExecReload= needs it); apt-get install procps" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
stub="$scratch/slawatch-stand-in"
printf '#!/bin/sh\nexit 0\n' > "$stub"
chmod 0755 "$stub"
make_install() { make --no-print-directory -s install-files INSTALL_BIN="$stub" "$@"; }

# 1. verify, on the unit as installed into a scratch prefix.
make_install PREFIX="$scratch/prefix" SYSCONFDIR="$scratch/etc" >/dev/null
installed="$scratch/prefix/lib/systemd/system/slawatch.service"
if grep -q "^ExecStart=$scratch/prefix/bin/slawatch run --config $scratch/etc/slawatch/slawatch.yaml\$" "$installed"; then
  verify_output="$(systemd-analyze verify "$installed" 2>&1)" && verify_status=0 || verify_status=$?
  if [ "$verify_status" -ne 0 ] || [ -n "$verify_output" ]; then
    fail "systemd-analyze verify (exit $verify_status):"
    printf '%s\n' "$verify_output" >&2
  else
    ok "systemd-analyze verify printed nothing"
  fi
else
  fail "the installed unit's ExecStart= does not point at the installed binary"
fi

# 2. security, on the unit as shipped.
security_errors="$scratch/security.stderr"
security_output="$(systemd-analyze security --offline=true --no-pager "$UNIT" 2>"$security_errors")" && security_status=0 || security_status=$?
score="$(printf '%s\n' "$security_output" | sed -n 's/.*Overall exposure level for slawatch\.service: \([0-9][0-9.]*\).*/\1/p')"
if [ "$security_status" -ne 0 ] || [ -s "$security_errors" ] || [ -z "$score" ]; then
  fail "systemd-analyze security (exit $security_status):"
  cat "$security_errors" >&2
  printf '%s\n' "$security_output" | tail -n 5 >&2
elif awk -v score="$score" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(score <= max) }'; then
  ok "systemd-analyze security: overall exposure $score (at most $MAX_EXPOSURE)"
else
  printf '%s\n' "$security_output" | grep -Ev '^(✓|\+) ' >&2 || true
  fail "systemd-analyze security: overall exposure $score is above $MAX_EXPOSURE"
fi
echo "security score: $score"

# 3. make install into a scratch DESTDIR, twice.
dest="$scratch/dest"
make_install DESTDIR="$dest" >/dev/null
for path in usr/local/bin/slawatch usr/local/lib/systemd/system/slawatch.service etc/slawatch/slawatch.yaml; do
  [ -e "$dest/$path" ] || fail "make install did not create /$path"
done
[ -x "$dest/usr/local/bin/slawatch" ] || fail "/usr/local/bin/slawatch is not executable"
# The crash reporter the unit names (SWIFT_BACKTRACE=...) is installed where it says,
# whenever the toolchain has one; the unit installed under another PREFIX names that one.
swift_bin="$(command -v swift || true)"
if [ -n "$swift_bin" ] && [ -x "$(dirname "$(readlink -f "$swift_bin")")/../libexec/swift/linux/swift-backtrace-static" ]; then
  [ -x "$dest/usr/local/libexec/slawatch/swift-backtrace" ] || fail "make install did not install /usr/local/libexec/slawatch/swift-backtrace"
fi
grep -q "^Environment=SWIFT_BACKTRACE=enable=yes,swift-backtrace=$scratch/prefix/libexec/slawatch/swift-backtrace\$" "$installed" ||
  fail "the installed unit's SWIFT_BACKTRACE does not name the crash reporter under its PREFIX"
cmp -s "$UNIT" "$dest/usr/local/lib/systemd/system/slawatch.service" || fail "the unit installed with the default PREFIX differs from $UNIT"
cmp -s config/slawatch.yaml "$dest/etc/slawatch/slawatch.yaml" || fail "/etc/slawatch/slawatch.yaml is not config/slawatch.yaml"
if [ -d config/templates ]; then
  expected="$(cd config/templates && ls -- *.mustache | sort)"
  actual="$(cd "$dest/usr/local/share/slawatch/templates" 2>/dev/null && ls -- *.mustache | sort)" || actual=""
  [ "$expected" = "$actual" ] || fail "the templates in /usr/local/share/slawatch/templates are not those of config/templates"
fi
echo "# edited by the operator" >> "$dest/etc/slawatch/slawatch.yaml"
second_install="$(make_install DESTDIR="$dest")"
if tail -n 1 "$dest/etc/slawatch/slawatch.yaml" | grep -qx "# edited by the operator"; then
  ok "make install (twice, DESTDIR): layout as documented, edited configuration kept"
else
  fail "a second make install overwrote the edited /etc/slawatch/slawatch.yaml"
fi
printf '%s\n' "$second_install" | grep -q "^kept " || fail "a second make install did not say it kept the configuration"

# 4. the example configuration passes `slawatch check`, given stand-in secrets.
bin="${SLAWATCH_BIN:-.build/debug/slawatch}"
if [ -x "$bin" ]; then
  credentials="$scratch/credentials"
  mkdir -p "$credentials"
  printf 'stand-in-token\n' > "$credentials/zendesk-token"
  printf 'https://hooks.slack.com/services/T000/B000/XXXX\n' > "$credentials/slack-leads"
  printf 'https://example.webhook.office.com/workflows/stand-in\n' > "$credentials/teams-ops"
  printf 'stand-in-password\n' > "$credentials/smtp"
  printf 'whsec_%s\n' "$(printf 'stand-in signing secret 32 bytes' | base64)" > "$credentials/webhook-secret"
  check_output="$(CREDENTIALS_DIRECTORY="$credentials" BILLING_HOOK="https://mattermost.example.com/hooks/stand-in" \
    EVENTS_API_KEY="stand-in-key" "$bin" check --config config/slawatch.yaml 2>&1)" && check_status=0 || check_status=$?
  if [ "$check_status" -eq 0 ] && [ "$check_output" = "ok" ]; then
    ok "slawatch check config/slawatch.yaml"
  else
    fail "slawatch check config/slawatch.yaml (exit $check_status):"
    printf '%s\n' "$check_output" >&2
  fi
else
  echo "systemd-check: skipped: slawatch check of config/slawatch.yaml ($bin is not built)"
fi

if [ "$failures" -ne 0 ]; then
  echo "systemd-check: $failures check(s) failed" >&2
  exit 1
fi
echo "systemd-check: all passed"
