#!/usr/bin/env bash
# The GTKWave layouts name only signals the traces really have: a renamed or
# moved signal would otherwise just vanish from the layout (make wave).
#   check_layouts.sh ABACUS CORE_DEMO
set -u
abacus=$1
core_demo=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
"$abacus" gemm --m 8 --n 16 --k 16 --trace "$tmp/abacus.fst" >/dev/null || { echo "FAIL: abacus gemm --trace"; exit 1; }
"$core_demo" --m 8 --n 16 --k 16 --trace "$tmp/core.fst" >/dev/null || { echo "FAIL: abacus-core-demo --trace"; exit 1; }
for pair in "abacus.gtkw:abacus.fst" "core.gtkw:core.fst"; do
  layout=$root/tb/waves/${pair%%:*}
  fst=$tmp/${pair#*:}
  # every variable in the trace, with its full scope
  fst2vcd "$fst" 2>/dev/null | awk '/\$scope/ {s[++d]=$3} /\$upscope/ {d--}
    /\$var/ {p=""; for (i = 1; i <= d; i++) p = p s[i] "."; print p $5}' | sort -u >"$tmp/vars"
  [ -s "$tmp/vars" ] || { echo "FAIL: no variables read from $fst (fst2vcd)"; fail=1; continue; }
  n=0
  for sig in $(grep '^TOP\.' "$layout" | sed 's/\[[0-9]*:[0-9]*\]$//'); do
    n=$((n + 1))
    grep -qxF "$sig" "$tmp/vars" || { echo "FAIL: ${layout#$root/} names $sig, which the trace does not have"; fail=1; }
  done
  echo "check_layouts: ${layout#$root/}: $n signals checked against $(wc -l <"$tmp/vars") in the trace"
done
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
