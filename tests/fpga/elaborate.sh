#!/usr/bin/env bash
# Elaborates each board top (fpga/<board>/) against black-box stubs of its
# Vivado IP whose port widths come from
# the board's IP scripts (tests/fpga/ip_stubs.tcl). Verilator -Wall then
# reports any connection whose width disagrees with the IP configuration (an
# AXI ID the memory controller would truncate, a data width the interconnect
# is not set up for) or a port the IP does not have; Yosys checks the same
# sources with its own Xilinx primitive library.
# Abacus is elaborated 4x4 by default (ABACUS_ARRAY=32 for the boards' size):
# a width that should follow the array but was written as the 32x32 value
# shows up as a mismatch, and it takes seconds instead of half a minute.
# abacus_top itself is linted at 32x32 by scripts/lint.sh.
# Then the clock-buffer and reset rules on the elaborated netlist
# (tests/fpga/check_clocking.py: what may drive a BUFG_GT or BUFG, one
# input buffer per reference clock, XDMA's reference inputs, one reset for
# every AXI interface).
#   elaborate.sh [BOARD...]   (default: every board)
set -u
array=${ABACUS_ARRAY:-4}
export ABACUS_ARRAY=$array
root=$(cd "$(dirname "$0")/../.." && pwd)
boards=("$@")
[ ${#boards[@]} -gt 0 ] || boards=(vcu118 vc707)
# One board's checks; prints its findings and returns non-zero on any.
check_board() {
  local board=$1 fail=0
  dir=$root/fpga/$board
  get() { make -s -C "$dir" "print-$1"; }
  top=$(get FPGA_TOP)
  part=$(get FPGA_PART)
  DDR4_PART=$(get DDR4_PART)
  export DDR4_PART
  syn=$(for f in $(get SYN_FILES); do (cd "$dir" && realpath "$f"); done)
  ips=$(for f in $(get IP_TCL_FILES); do (cd "$dir" && realpath "$f"); done)
  defs=$(for d in $(get DEFINES); do echo "-D$d"; done)
  ABACUS_CORE_MHZ=$(get CORE_MHZ)
  export ABACUS_CORE_MHZ
  work=$(mktemp -d)
  if ! (cd "$work" && tclsh "$root/tests/fpga/ip_stubs.tcl" "$work/ip_stubs.sv" "$part" $ips); then
    echo "elaborate: FAIL: $board: could not derive IP stubs"; rm -rf "$work"; return 1
  fi
  # shellcheck disable=SC2086
  if verilator --lint-only -Wall --top-module "$top" -GArray="$array" $defs -I"$root/fpga/common" \
       "$root/rtl/lint.vlt" "$work/ip_stubs.sv" $syn -F "$root/rtl/abacus.f" 2>"$work/vl.log"; then
    echo "elaborate: $board: verilator -Wall $top (Array=$array) against the IP configuration: clean"
  else
    echo "elaborate: FAIL: $board: verilator -Wall $top:"; grep -E "^%(Warning|Error)" "$work/vl.log" | head -20
    fail=1
  fi
  incs=$(sed -n 's|^+incdir+\(.*\)$|-I'"$root"'/rtl/\1|p' "$root/rtl/abacus.f" | tr '\n' ' ')
  srcs=$(grep -v -e '^//' -e '^+' -e '^[[:space:]]*$' "$root/rtl/abacus.f" | sed "s|^|$root/rtl/|" | tr '\n' ' ')
  # shellcheck disable=SC2086
  if yosys -q -l "$work/ys.log" -p "read_verilog -lib -sv $work/ip_stubs.sv; \
       read_verilog -sv -DSYNTHESIS $defs -I$root/fpga/common $incs $srcs $(echo $syn); \
       chparam -set Array $array $top; hierarchy -check -top $top" >/dev/null 2>&1; then
    echo "elaborate: $board: yosys hierarchy -check $top: clean"
  else
    echo "elaborate: FAIL: $board: yosys:"; grep -E "ERROR" "$work/ys.log" | head -5
    fail=1
  fi
  # the netlist for the clocking and reset rules: Abacus as a black box
  family=xc7; case $part in xcvu*|xczu*|xcku*) family=xcup;; esac
  # shellcheck disable=SC2086
  if yosys -q -l "$work/net.log" -p "read_verilog -lib -sv $work/ip_stubs.sv; \
       read_verilog -lib -sv -DSYNTHESIS $incs $srcs; \
       read_verilog -sv -DSYNTHESIS $defs -I$root/fpga/common $incs $(echo $syn); \
       hierarchy -top $top -chparam Array $array; \
       setattr -mod -set keep_hierarchy 1 abacus_reset_sync abacus_bit_sync; proc; flatten; \
       write_json $work/netlist.json" >/dev/null 2>&1 \
     && python3 "$root/tests/fpga/check_clocking.py" "$work/netlist.json" "$top" "$family" >"$work/ck.log" 2>&1; then
    echo "elaborate: $board: clock buffers, reference clocks and AXI resets: $(tail -1 "$work/ck.log" | sed 's/^check_clocking: [a-z0-9_]*: //')"
  else
    echo "elaborate: FAIL: $board: clocking and reset rules:"; cat "$work/ck.log" 2>/dev/null; grep -E "ERROR" "$work/net.log" | head -5
    fail=1
  fi
  rm -rf "$work"
  return $fail
}

# The boards are independent: checked at once (a log each), reported in order.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pids=()
for board in "${boards[@]}"; do
  check_board "$board" >"$logs/$board.log" 2>&1 &
  pids+=($!)
done
fail=0
for i in "${!boards[@]}"; do
  wait "${pids[$i]}" || fail=1
  cat "$logs/${boards[$i]}.log"
done
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
