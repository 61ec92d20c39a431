#!/usr/bin/env bash
# make soak's driver: a few real jobs pass; jobs that fail are counted,
# named by seed and make it exit non-zero; a job replays alone by its seed.
#   test_soak.sh ABACUS
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
soak=$root/scripts/soak.sh
fail=0
bad() { echo "FAIL: $*"; fail=1; }
out=$(ABACUS=$1 "$soak" 4 77 2>&1) || bad "4 real jobs did not all pass: $out"
echo "$out" | grep -q "4 passed, 0 failed" || bad "no pass count: $out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\necho "  result         FAIL: 3 of 9 bytes differ"\nexit 1\n' >"$tmp/broken"
chmod +x "$tmp/broken"
out=$(ABACUS=$tmp/broken "$soak" 3 10 2>&1) && bad "failing jobs made the soak pass"
echo "$out" | grep -q "0 passed, 3 failed" || bad "failures not counted: $out"
echo "$out" | grep -q "soak: seed 11: FAIL (exit 1): abacus $("$soak" --show 11)" || bad "a failure does not name its seed and command: $out"
[ "$("$soak" --show 12345)" = "$("$soak" --show 12345)" ] || bad "a seed does not give the same job twice"
ABACUS=$1 "$soak" --job 77 | grep -q "soak: seed 77: PASS" || bad "--job does not replay one job"
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
