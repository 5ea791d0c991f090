#!/usr/bin/env bash
# Runs the tests that build network namespaces (mDNS, NAT traversal through
# a relay, hole punching) and says plainly which ran and which were
# skipped, and why: go test hides skips without -v. They need root,
# iproute2 and iptables (make test-deps installs the tools where it can).
set -euo pipefail
GO=${GO:-go}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
$GO test -count=1 -race -v -run 'InNetns' ./host/p2p/p2pnet >"$out" 2>&1 || rc=$?
# Top-level results and skip reasons only; the namespaces' own output is in -v runs.
grep -E '^(--- (PASS|FAIL|SKIP)|    [a-z_]+_test\.go:[0-9]+: skipped|ok|FAIL)' "$out" || true
if [ "$rc" -ne 0 ]; then cat "$out"; exit "$rc"; fi
if grep -q '^--- SKIP' "$out"; then
  echo "network namespace tests SKIPPED on this machine: the tests marked SKIP above did not run, for the reasons printed with them"
fi
