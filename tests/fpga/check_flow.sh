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
  # impossible settings: stopped before anything runs, with the reason
  for bad in ARRAY=12 CORE_MHZ=fast CORE_MHZ=1000; do
    out=$(PATH=/usr/bin:/bin make -C "$dir" bitstream VIVADO=vivado-not-installed "$bad" BUILD="$(mktemp -d)/b" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] && echo "$out" | grep -q "error: ${bad%%=*}=${bad#*=}: .*Nothing was built"; then
      echo "check_flow: $board: make bitstream $bad refused"
    else
      echo "check_flow: FAIL: $board: make bitstream $bad: exit $rc"; echo "$out"; fail=1
    fi
  done
done
# a clock the VC707's MIG cannot make (800 MHz / 5.33) is refused by its IP script
work=$(mktemp -d); mkdir -p "$work/abacus_vc707_check"
dir=$root/fpga/vc707
out=$(cd "$work" && CORE_MHZ=150 tclsh "$root/tests/fpga/check_flow.tcl" "$dir/abacus_vc707.sv" \
        "$(make -s -C "$dir" print-FPGA_PART)" "$(make -s -C "$dir" print-FPGA_BOARD)" abacus_vc707 "$root" \
        "$root/rtl/abacus.f" "" "" "$(cd "$dir" && realpath ip/mig.tcl)" 2>&1)
if echo "$out" | grep -q "mig.tcl: CORE_MHZ 150 is not 800 MHz divided by"; then
  echo "check_flow: vc707: CORE_MHZ=150 refused by mig.tcl"
else
  echo "check_flow: FAIL: vc707: CORE_MHZ=150 was not refused"; echo "$out"; fail=1
fi
rm -rf "$work"
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
