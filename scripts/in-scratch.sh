#!/usr/bin/env bash
# Runs a command with TMPDIR set to a fresh directory and removes that directory when the
# command ends, however it ends. `make test` and `make soak` build and run the suite this
# way, and `make demo` builds this way: the tests' daemons, state files, mail spools and
# PostgreSQL clusters, and SwiftPM's own temporary directories, are made under TMPDIR, so
# a run leaves nothing in /tmp, even when a test fails or is cut short.
set -u
# Short, so the Unix sockets the tests bind in it stay within their 107 bytes.
scratch="$(mktemp -d /tmp/swt.XXXXXX)" || exit 1
trap 'rm -rf "$scratch"' EXIT
# Open to every user, as /tmp is: run as root, the PostgreSQL fixture's server runs as `postgres`.
chmod 1777 "$scratch"
TMPDIR="$scratch" "$@"
