#!/usr/bin/env bash
# Checks each board's Vivado flow without Vivado (tests/fpga/check_flow.tcl),
# and that 'make bitstream' stops at once, with a message, when Vivado is
# not on PATH.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
for board in vcu118 vc707; do
  dir=$root/fpga/$board
  get() { make -s -C "$dir" "print-$1"; }
  abs() { local out=""; for p in $1; do out="$out $(cd "$dir" && realpath -m "$p")"; done; echo "$out"; }
  top=$(get FPGA_TOP)
  work=$(mktemp -d)
  mkdir -p "$work/${top}_check"
  (cd "$work" && tclsh "$root/tests/fpga/check_flow.tcl" "$dir/$top.sv" "$(get FPGA_PART)" "$(get FPGA_BOARD)" "$top" \
     "$root" "$root/rtl/abacus.f" "$(abs "$(get SYN_FILES)")" "$(abs "$(get XDC_FILES)")" "$(abs "$(get IP_TCL_FILES)")") || fail=1
  rm -rf "$work"
  # without Vivado: a clear message, a non-zero exit, nothing built
  out=$(PATH=/usr/bin:/bin make -C "$dir" bitstream VIVADO=vivado-not-installed BUILD="$(mktemp -d)/b" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && echo "$out" | grep -q "needs AMD Vivado"; then
    echo "check_flow: $board: make bitstream without Vivado stops cleanly"
  else
    echo "check_flow: FAIL: $board: make bitstream without Vivado: exit $rc"; echo "$out"; fail=1
  fi
done
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
