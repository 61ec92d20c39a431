#!/usr/bin/env bash
# RTL lint: verilator --lint-only -Wall over rtl/abacus.f at several
# geometries, then Yosys parses and elaborates the same list, so the RTL
# stays inside what synthesis accepts. Exits non-zero on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."

top=abacus_core
# "rows cols" pairs: the default plus a non-square geometry.
geometries=("16 16" "8 16" "4 4")

for g in "${geometries[@]}"; do
  set -- $g
  echo "lint: verilator -Wall $top Rows=$1 Cols=$2"
  verilator --lint-only -Wall --top-module "$top" -GRows="$1" -GCols="$2" \
    rtl/lint.vlt -F rtl/abacus.f
done

# Yosys reads the same list: +incdir+ lines become -I, the rest are sources.
incs=$(sed -n 's|^+incdir+\(.*\)$|-Irtl/\1|p' rtl/abacus.f | tr '\n' ' ')
srcs=$(grep -v -e '^//' -e '^+' -e '^[[:space:]]*$' rtl/abacus.f | sed 's|^|rtl/|' | tr '\n' ' ')
echo "lint: yosys read_verilog -sv + hierarchy -check ($top)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! yosys -q -l "$log" -p "read_verilog -sv -DSYNTHESIS $incs $srcs; hierarchy -check -top $top; proc" >/dev/null 2>&1; then
  grep -E "ERROR|Error" "$log" >&2 || tail -20 "$log" >&2
  exit 1
fi
# Yosys warnings other than the expected unpacked-array-to-registers note fail lint.
if grep "^Warning:" "$log" | grep -v "Replacing memory .* with list of registers" >&2; then
  echo "lint: yosys warnings above" >&2
  exit 1
fi
echo "lint: clean"
