#!/usr/bin/env bash
# Synthesis check with Yosys synth_xilinx (Vivado is not needed): reads
# rtl/abacus.f, synthesizes abacus_top for a Xilinx family at an array size,
# and prints LUT, FF, DSP, BRAM/URAM, LUT-RAM and latch counts, DSPs per
# MAC, the ten longest register-to-register paths by Yosys's sta (cell
# delays only, no routing; scripts/sta_paths.py), and the register families
# with the most endpoints later than the family's target
# (scripts/sta_endpoints.py).
# Fails if a MAC is not in a DSP slice, if a latch appears, or if the
# scratchpads did not become block RAM.
#
#   scripts/synth_check.sh FAMILY ROWS [IBUF_ROWS WBUF_ROWS ACC_ROWS OBUF_ROWS]
#   FAMILY: xcup (UltraScale+, VCU118) or xc7 (7-series, VC707)
#
# As on the boards, xcup packs two int8 MACs into each multiplier
# (abacus_top PackDsp = 1; a DSP48E2 holds both lanes) and xc7 keeps one
# (PackDsp = 0; a DSP48E1's 25 x 18 multiplier cannot, docs/architecture.md
# "Two MACs per DSP"). SYNTH_PACK=0|1 overrides.
#
# SYNTH_HIER=1 keeps the hierarchy: each distinct module is synthesized once
# and the totals come from Yosys's design-hierarchy count: a quicker
# estimate for large arrays (xcup 64x64: 23 min against 75 flat on this
# 2-core machine). No cross-module optimization and no path figure in this
# mode: the counts are an upper bound on the flat run's (xcup 64x64: +6%
# LUT, +18% FF; xc7 32x32: +11%, +26%).
set -euo pipefail
cd "$(dirname "$0")/.."
family=${1:?family: xcup or xc7}
rows=${2:?array rows (= columns)}
ibuf=${3:-16384}
wbuf=${4:-2048}
acc=${5:-512}
obuf=${6:-256}
bus=$((rows * 8))
case $family in
  xcup) pack=${SYNTH_PACK:-1}; target=2500 ;;
  xc7) pack=${SYNTH_PACK:-0}; target=3500 ;;
  *) echo "synth-check: unknown family '$family' (xcup or xc7)" >&2; exit 2 ;;
esac
out=${SYNTH_OUT:-build/synth}
mkdir -p "$out"
hier=${SYNTH_HIER:-0}
tag="${family}_${rows}x${rows}"
[ "$pack" = 1 ] || [ "$family" = xc7 ] || tag="${tag}_nopack"
[ "$pack" = 0 ] || [ "$family" = xcup ] || tag="${tag}_pack"
flat=-flatten
[ "$hier" = 1 ] && { tag="${tag}_hier"; flat=; }
log="$out/$tag.log"

incs=$(sed -n 's|^+incdir+\(.*\)$|-Irtl/\1|p' rtl/abacus.f | tr '\n' ' ')
srcs=$(grep -v -e '^//' -e '^+' -e '^[[:space:]]*$' rtl/abacus.f | sed 's|^|rtl/|' | tr '\n' ' ')
cat >"$out/$tag.ys" <<YS
read_verilog -sv -DSYNTHESIS $incs $srcs
chparam -set Rows $rows -set Cols $rows -set DataWidth $bus -set IbufRows $ibuf -set WbufRows $wbuf -set AccRows $acc -set ObufRows $obuf -set PackDsp $pack abacus_top
synth_xilinx -family $family $flat -top abacus_top
tee -o $out/$tag.stat stat
YS
if [ "$hier" != 1 ]; then
  printf 'rename -top abacus_top\nwrite_rtlil %s\n' "$out/$tag.il" >>"$out/$tag.ys"
fi
echo "synth-check: $tag (bus $bus bits, PackDsp $pack, ibuf $ibuf, wbuf $wbuf, acc $acc, obuf $obuf rows); log $log"
start=$(date +%s)
# SYNTH_REPORT_ONLY=1 re-reads a finished run's statistics
if [ "${SYNTH_REPORT_ONLY:-0}" != 1 ]; then
  if ! yosys -q -l "$log" -s "$out/$tag.ys" >/dev/null 2>&1; then
    grep -E "ERROR" "$log" | head -5 >&2
    echo "synth-check: yosys failed; see $log" >&2
    exit 1
  fi
fi
# the longest paths (SYNTH_PATHS of them, default 10), by Yosys's sta
npaths=${SYNTH_PATHS:-10}
if [ "$hier" != 1 ] && [ "${SYNTH_REPORT_ONLY:-0}" != 1 ]; then
  scripts/sta_paths.py "$out/$tag.il" "$npaths" "$out/$tag.paths" >/dev/null
  # every endpoint, by register family, against the family's target (issue
  # 13: 2.5 ns xcup, 3.5 ns xc7): how many arrive later, and from where
  scripts/sta_endpoints.py "$out/$tag.il" "$target" 15 >"$out/$tag.endpoints"
fi
secs=$(( $(date +%s) - start ))

count() { awk -v pat="$1" '$2 ~ pat {s += $1} END {print s + 0}' "$out/$tag.cells"; }
# cell table, one "count name" per line; with the hierarchy kept, only the
# whole-design count that follows the "design hierarchy" heading
awk -v hier="$hier" '
  /=== design hierarchy ===/ {h=1}
  /Number of cells/ {f = (hier != 1 || h); next}
  f && NF==2 && $1 ~ /^[A-Z$]/ {print $2, $1}' "$out/$tag.stat" >"$out/$tag.cells"
lut=$(count '^LUT[1-6]$')
ff=$(count '^FD')
dsp=$(count '^DSP48')
bram=$(count '^RAMB(36|18)')
uram=$(count '^URAM')
lutram=$(count '^RAM(32|64|128|256)|^SRL')
latch=$(count '^(LD|\$_DLATCH|\$dlatch)')
macs=$((rows * rows))
path=; [ "$hier" = 1 ] && path="(hier)"
[ "$hier" != 1 ] && [ -f "$out/$tag.paths" ] && path=$(awk 'NR == 2 {print $2}' "$out/$tag.paths")
printf '%-16s %8s %8s %6s %6s %5s %9s %7s %9s %12s %6s\n' config LUT FF DSP BRAM URAM LUTRAM/SRL latch DSP/MAC "path (ps)" secs
printf '%-16s %8d %8d %6d %6d %5d %9d %7d %9.2f %12s %6d\n' "$tag" "$lut" "$ff" "$dsp" "$bram" "$uram" "$lutram" "$latch" \
  "$(awk -v d="$dsp" -v m="$macs" 'BEGIN { print d / m }')" "${path:-?}" "$secs"
if [ "$hier" != 1 ] && [ -f "$out/$tag.paths" ]; then
  echo "synth-check: $tag: up to $npaths longest path families (cell delays only, no routing: a proxy for Vivado's timing)"
  sed 's/^/  /' "$out/$tag.paths"
fi
if [ "$hier" != 1 ] && [ -f "$out/$tag.endpoints" ]; then
  echo "synth-check: $tag: endpoints by arrival, and the register families with the most above $target ps ($out/$tag.endpoints)"
  sed -n '1,/^latest first/p' "$out/$tag.endpoints" | grep -v '^latest first' | sed 's/^/  /'
  sed -n '/^most endpoints/,$p' "$out/$tag.endpoints" | sed 's/^/  /'
fi
fail=0
# every multiplier in a DSP slice: one per MAC, or one per two when packed
mults=$macs; [ "$pack" = 1 ] && mults=$((macs / 2))
if [ "$dsp" -lt "$mults" ]; then echo "synth-check: FAIL: $dsp DSPs for $mults MAC multipliers: a MAC is in fabric" >&2; fail=1; fi
if [ "$latch" -ne 0 ]; then echo "synth-check: FAIL: $latch latches" >&2; fail=1; fi
if [ "$bram" -eq 0 ] && [ "$uram" -eq 0 ]; then echo "synth-check: FAIL: no block RAM: the scratchpads were not inferred" >&2; fail=1; fi
exit $fail
