#!/usr/bin/env bash
# RTL lint: verilator --lint-only -Wall over rtl/abacus.f at several
# geometries (the FPGA's 32x32 included), then Yosys parses and elaborates
# the same list, so the RTL stays inside what synthesis accepts; then the
# board tops (tests/fpga/elaborate.sh). Exits non-zero on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."

# "top -Gparam=value ..." configurations: defaults plus the corners tested.
configs=(
  "abacus_core"
  "abacus_core -GRows=8 -GCols=16"
  "abacus_core -GRows=4 -GCols=4"
  "abacus_dma -GDataWidth=64"
  "abacus_dma"
  "abacus_dma -GDataWidth=256"
  "abacus_top"
  "abacus_top -GRows=32 -GCols=32 -GDataWidth=256"
)

for c in "${configs[@]}"; do
  set -- $c
  top=$1
  shift
  echo "lint: verilator -Wall $top $*"
  verilator --lint-only -Wall --top-module "$top" "$@" rtl/lint.vlt -F rtl/abacus.f
done

# Yosys reads the same list: +incdir+ lines become -I, the rest are sources.
incs=$(sed -n 's|^+incdir+\(.*\)$|-Irtl/\1|p' rtl/abacus.f | tr '\n' ' ')
srcs=$(grep -v -e '^//' -e '^+' -e '^[[:space:]]*$' rtl/abacus.f | sed 's|^|rtl/|' | tr '\n' ' ')
tops=$(printf '%s\n' "${configs[@]}" | awk '{print $1}' | sort -u)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for top in $tops; do
  echo "lint: yosys read_verilog -sv + hierarchy -check ($top)"
  if ! yosys -q -l "$log" -p "read_verilog -sv -DSYNTHESIS $incs $srcs; hierarchy -check -top $top; proc" >/dev/null 2>&1; then
    grep -E "ERROR|Error" "$log" >&2 || tail -20 "$log" >&2
    exit 1
  fi
  # Yosys warnings other than the expected unpacked-array-to-registers note fail lint.
  if grep "^Warning:" "$log" | grep -v "Replacing memory .* with list of registers" >&2; then
    echo "lint: yosys warnings above" >&2
    exit 1
  fi
done
# The board tops (fpga/) with Abacus at the board size, against stubs of
# their IP derived from the IP scripts.
if ! tests/fpga/elaborate.sh; then
  echo "lint: board tops above" >&2
  exit 1
fi
echo "lint: clean"
