#!/usr/bin/env bash
# RTL lint: verilator --lint-only -Wall over rtl/abacus.f at several
# geometries (the FPGA's 32x32 included, and the 64x64 top's corners), then Yosys parses and elaborates
# the same list, so the RTL stays inside what synthesis accepts; then the
# board tops (tests/fpga/elaborate.sh). Exits non-zero on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."

# "top -Gparam=value ..." configurations: defaults plus the corners tested.
configs=(
  "abacus_core"
  "abacus_core -GRows=8 -GCols=16"
  "abacus_core -GRows=4 -GCols=4"
  "abacus_core -GRows=20 -GCols=6"
  "abacus_core -GPackDsp=1'b0"
  "abacus_dma -GDataWidth=64"
  "abacus_dma"
  "abacus_dma -GDataWidth=256"
  "abacus_top"
  "abacus_top -GRows=32 -GCols=32 -GDataWidth=256"
  "abacus_top -GRows=32 -GCols=32 -GDataWidth=256 -GPackDsp=1'b0"
  # the 64x64 top's two corners, alone (the whole top at 64x64 takes 20 s
  # more; its elaboration is checked by SYNTH_HIER=1 scripts/synth_check.sh
  # xcup 64): fetch on a 512-bit bus, and a delay line past 64 stages
  "abacus_fetch -GDataWidth=512"
  "abacus_delay -GWidth=8 -GDepth=130 -GOutReg=1'b1"
)

# Every check runs at once (a log each), then the logs are read in order:
# the checks are independent and single-threaded, and lint sits in front of
# every change.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jobs_run=()
run() {  # run NAME CMD...: start CMD in the background, its output in $work/NAME.log
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  jobs_run+=("$name:$!")
}

i=0
for c in "${configs[@]}"; do
  set -- $c
  top=$1
  shift
  run "vl$i" verilator --lint-only -Wall --top-module "$top" "$@" rtl/lint.vlt -F rtl/abacus.f
  echo "$c" >"$work/vl$i.what"
  i=$((i + 1))
done

# Yosys reads the same list: +incdir+ lines become -I, the rest are sources.
incs=$(sed -n 's|^+incdir+\(.*\)$|-Irtl/\1|p' rtl/abacus.f | tr '\n' ' ')
srcs=$(grep -v -e '^//' -e '^+' -e '^[[:space:]]*$' rtl/abacus.f | sed 's|^|rtl/|' | tr '\n' ' ')
# abacus_top instantiates every module of the list but abacus_pe (used when
# PackDsp=0, hence the second run) and the simulation-only AXI hold checker;
# read_verilog parses every file whether used or not.
run ys_abacus_top yosys -q -l "$work/ys_abacus_top.ylog" \
  -p "read_verilog -sv -DSYNTHESIS $incs $srcs; hierarchy -check -top abacus_top; proc"
run ys_abacus_core_nopack yosys -q -l "$work/ys_abacus_core_nopack.ylog" \
  -p "read_verilog -sv -DSYNTHESIS $incs $srcs; chparam -set PackDsp 0 abacus_core; hierarchy -check -top abacus_core; proc"

# The board tops (fpga/), against stubs of their IP derived from the IP scripts.
run boards tests/fpga/elaborate.sh

fail=0
for j in "${jobs_run[@]}"; do
  name=${j%%:*}
  if ! wait "${j##*:}"; then rc=1; else rc=0; fi
  case $name in
    vl*)
      what=$(cat "$work/$name.what")
      if [ $rc -eq 0 ]; then echo "lint: verilator -Wall $what: clean"
      else echo "lint: verilator -Wall $what:" >&2; cat "$work/$name.log" >&2; fail=1; fi ;;
    ys_*)
      top=${name#ys_}
      if [ $rc -ne 0 ]; then
        echo "lint: yosys ($top):" >&2
        grep -E "ERROR|Error" "$work/$name.ylog" >&2 || tail -20 "$work/$name.ylog" >&2
        fail=1
      # Yosys warnings other than the expected unpacked-array-to-registers note fail lint.
      elif grep "^Warning:" "$work/$name.ylog" | grep -v "Replacing memory .* with list of registers" >&2; then
        echo "lint: yosys ($top): warnings above" >&2
        fail=1
      else
        echo "lint: yosys read_verilog -sv + hierarchy -check ($top): clean"
      fi ;;
    boards)
      cat "$work/$name.log"
      [ $rc -eq 0 ] || { echo "lint: board tops above" >&2; fail=1; } ;;
  esac
done
[ $fail -eq 0 ] || exit 1
echo "lint: clean"
