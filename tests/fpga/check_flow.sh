#!/usr/bin/env bash
# Checks each board's Vivado flow without Vivado (tests/fpga/check_flow.tcl),
# that build.tcl's sign-off refuses a bitstream on failed timing, routing or
# DRC (and writes it with ALLOW_VIOLATIONS), and that 'make bitstream' stops
# at once, with a message, when Vivado is not on PATH or a setting is
# impossible.
#   check_flow.sh [ROOT]   (default: this checkout; tests/fpga/test_planted_faults.sh
#                           runs it on a copy with a fault planted, with
#                           CHECK_FLOW_ONLY=flow: the flow check of each board alone)
set -u
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
passed=0
pass() { passed=$((passed + 1)); echo "check_flow: $1"; }
bad() { fail=$((fail + 1)); echo "check_flow: FAIL: $1"; }

# flow BOARD [IP_TCL...]: check_flow.tcl on the board (all its IP scripts by default)
flow() {
  local board=$1
  shift
  local dir=$root/fpga/$board
  get() { make -s -C "$dir" "print-$1"; }
  abs() { local out=""; for p in $1; do out="$out $(cd "$dir" && realpath -m "$p")"; done; echo "$out"; }
  local top ips work rc
  top=$(get FPGA_TOP)
  ips=${1:-$(abs "$(get IP_TCL_FILES)")}
  work=$(mktemp -d)
  mkdir -p "$work/${top}_check"
  (cd "$work" && DDR4_PART=${DDR4_PART:-$(get DDR4_PART)} tclsh "$root/tests/fpga/check_flow.tcl" "$dir/$top.sv" \
     "$(get FPGA_PART)" "$(get FPGA_BOARD)" "$top" "$root" "$root/rtl/abacus.f" "$(abs "$(get SYN_FILES)")" \
     "$(abs "$(get XDC_FILES)")" "$ips")
  rc=$?
  rm -rf "$work"
  return $rc
}

for board in vcu118 vc707; do
  dir=$root/fpga/$board
  if out=$(flow $board 2>&1); then
    echo "$out"; pass "$board: flow, IP settings and constraints"
  else
    echo "$out"; bad "$board: flow check"
  fi
  [ "${CHECK_FLOW_ONLY:-}" = flow ] && continue
  # sign-off: a hold violation stops the bitstream; ALLOW_VIOLATIONS writes it
  out=$(CHECK_FLOW_SIGNOFF="0.2 -0.031 0.5 0 0" flow $board 2>&1)
  if [ $? -ne 0 ] && echo "$out" | grep -q "no bitstream written: hold slack -0.031" \
     && ! echo "$out" | grep -q "run: bitstream written"; then
    pass "$board: hold violation: no bitstream"
  else bad "$board: a hold violation did not stop the bitstream"; echo "$out"; fi
  out=$(CHECK_FLOW_SIGNOFF="0.2 0.01 0.5 3 2" flow $board 2>&1)
  if [ $? -ne 0 ] && echo "$out" | grep -q "3 nets with routing errors" && echo "$out" | grep -q "2 DRC errors"; then
    pass "$board: unrouted nets and DRC errors: no bitstream"
  else bad "$board: routing or DRC errors did not stop the bitstream"; echo "$out"; fi
  out=$(CHECK_FLOW_UNPLACED="u_shell/u_xdma/inst/gt_lane0" flow $board 2>&1)
  if [ $? -ne 0 ] && echo "$out" | grep -q "PCIe/transceiver cells have no LOC constraint: u_shell/u_xdma/inst/gt_lane0"; then
    pass "$board: an unplaced transceiver stops the build"
  else bad "$board: an unplaced transceiver did not stop the build"; echo "$out"; fi
  out=$(CHECK_FLOW_SIGNOFF="-0.4 0.01 -0.1 0 0" CHECK_FLOW_ALLOW=1 flow $board 2>&1)
  if [ $? -eq 0 ] && echo "$out" | grep -q "FAILED sign-off: setup slack -0.4" \
     && echo "$out" | grep -q "FAILED sign-off: pulse-width slack -0.1" && echo "$out" | grep -q "second run: bitstream written"; then
    pass "$board: ALLOW_VIOLATIONS=1 writes the bitstream, saying why it should not"
  else bad "$board: ALLOW_VIOLATIONS=1"; echo "$out"; fi

  # without Vivado: a clear message, a non-zero exit, nothing built
  out=$(PATH=/usr/bin:/bin make -C "$dir" bitstream VIVADO=vivado-not-installed BUILD="$(mktemp -d)/b" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && echo "$out" | grep -q "needs AMD Vivado"; then
    pass "$board: make bitstream without Vivado stops cleanly"
  else
    bad "$board: make bitstream without Vivado: exit $rc"; echo "$out"
  fi
  # impossible settings: stopped before anything runs, with the reason
  bads="ARRAY=12 CORE_MHZ=fast CORE_MHZ=1000 ALLOW_VIOLATIONS=yes"
  [ "$board" = vcu118 ] && bads="$bads DDR4_PART=999 DDR4_PART=c1 DDR4_PART=083,062"
  for b in $bads; do
    out=$(PATH=/usr/bin:/bin make -C "$dir" bitstream VIVADO=vivado-not-installed "$b" BUILD="$(mktemp -d)/b" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] && echo "$out" | grep -q "error: ${b%%=*}=${b#*=}: .*Nothing was built"; then
      pass "$board: make bitstream $b refused"
    else
      bad "$board: make bitstream $b: exit $rc"; echo "$out"
    fi
  done
done
if [ "${CHECK_FLOW_ONLY:-}" = flow ]; then
  echo "$passed passed, $fail failed"
  [ $fail -eq 0 ]
  exit
fi
# each DDR4 revision of the VCU118 names its own board interface
for part in 083 062; do
  if out=$(DDR4_PART=$part flow vcu118 2>&1); then pass "vcu118: DDR4_PART=$part accepted by the board file"
  else bad "vcu118: DDR4_PART=$part"; echo "$out"; fi
done
# a clock the VC707's MIG cannot make (800 MHz / 5.33) is refused by its IP script
work=$(mktemp -d); mkdir -p "$work/abacus_vc707_check"
dir=$root/fpga/vc707
out=$(cd "$work" && CORE_MHZ=150 tclsh "$root/tests/fpga/check_flow.tcl" "$dir/abacus_vc707.sv" \
        "$(make -s -C "$dir" print-FPGA_PART)" "$(make -s -C "$dir" print-FPGA_BOARD)" abacus_vc707 "$root" \
        "$root/rtl/abacus.f" "" "" "$(cd "$dir" && realpath ip/mig.tcl)" 2>&1)
if echo "$out" | grep -q "mig.tcl: CORE_MHZ 150 is not 800 MHz divided by"; then
  pass "vc707: CORE_MHZ=150 refused by mig.tcl"
else
  bad "vc707: CORE_MHZ=150 was not refused"; echo "$out"
fi
rm -rf "$work"
echo "$passed passed, $fail failed"
[ $fail -eq 0 ]
