#!/usr/bin/env bash
# The GTKWave layouts that abacus and abacus-core-demo write next to a trace
# (generated from sim/src/wave_layout.cpp) are checked against the trace
# itself, read with Debian's fst2vcd, not with the generator's own reader:
#   - every signal the layout names exists in the trace, with that range,
#     and carries a label (so a renamed RTL signal cannot empty a group);
#   - the translate filter files it uses exist and name the ISA's codes;
#   - the time axis is real time: the clock's period is 1e6/MHz ps;
#   - the view opens on the job: markers at START and DONE inside the trace.
#   check_layouts.sh ABACUS CORE_DEMO
set -u
abacus=$1
core_demo=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$abacus" gemm --m 8 --n 16 --k 16 --trace "$tmp/abacus.fst" >"$tmp/abacus.out" || { cat "$tmp/abacus.out"; echo "FAIL: abacus gemm --trace"; exit 1; }
"$abacus" gemm --m 8 --n 16 --k 16 --trace-mhz 250 --trace "$tmp/fast.fst" >/dev/null || { echo "FAIL: abacus gemm --trace-mhz 250"; exit 1; }
"$core_demo" --m 8 --n 16 --k 16 --trace "$tmp/core.fst" >/dev/null || { echo "FAIL: abacus-core-demo --trace"; exit 1; }
grep -q "gtkwave $tmp/abacus.fst $tmp/abacus.gtkw" "$tmp/abacus.out" || bad "abacus gemm --trace does not print the command that opens the layout"

# every variable in a trace, with its full scope and range: "TOP.a.b.name [7:0]"
vars() {
  fst2vcd "$1" 2>/dev/null | awk '/\$scope/ {s[++d]=$3} /\$upscope/ {d--}
    /\$var/ {p=""; for (i = 1; i <= d; i++) p = p s[i] "."; r = ($6 == "$end") ? "" : $6; print p $5 " " r}' | sort -u
}

for stem in abacus core fast; do
  layout=$tmp/$stem.gtkw
  fst=$tmp/$stem.fst
  [ -s "$layout" ] || { bad "$stem: no layout written next to $stem.fst"; continue; }
  vars "$fst" >"$tmp/$stem.vars"
  [ -s "$tmp/$stem.vars" ] || { bad "$stem: no variables read from the trace (fst2vcd)"; continue; }
  grep -q "^\[dumpfile\] \"$fst\"" "$layout" || bad "$stem: the layout does not open $fst"
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    case $line in
      "+{"*"} TOP."*) ;;
      *) bad "$stem: signal without a label: $line"; continue ;;
    esac
    sig=${line#*\} }
    name=$(printf '%s' "$sig" | sed 's/\[[0-9]*:[0-9]*\]$//')   # the trailing range only
    range=${sig#"$name"}
    grep -qxF "$name $range" "$tmp/$stem.vars" || bad "$stem: the layout names $sig, which the trace does not have (as $(grep -F "$name " "$tmp/$stem.vars" | head -1))"
  done < <(grep -E '^(\+\{[^}]*\} )?TOP\.' "$layout")
  [ "$n" -ge 20 ] || bad "$stem: only $n signals in the layout"
  # translate filter files: present, and naming the ISA's codes
  while read -r _ f; do
    [ -s "$f" ] || { bad "$stem: filter file $f is missing"; continue; }
  done < <(grep '^\^[0-9]' "$layout")
  echo "check_layouts: $stem.gtkw: $n labelled signals checked against $(wc -l <"$tmp/$stem.vars") in the trace"
done

# filter contents against rtl/isa/abacus_isa.json (every error code, by value)
errors=$(ls "$tmp"/abacus.errors.txt 2>/dev/null)
if [ -n "$errors" ]; then
  python3 - "$root/rtl/isa/abacus_isa.json" "$errors" <<'PY' || fail=1
import json, sys
isa = json.load(open(sys.argv[1]))
codes = {}
for line in open(sys.argv[2]):
    if line.startswith('#') or not line.strip(): continue
    v, name = line.split(None, 1)
    codes[int(v, 16)] = name.strip()
errs = isa.get('errors') or isa.get('error_codes')
items = errs.items() if isinstance(errs, dict) else [(e['name'], e['code']) for e in errs]
for name, code in items:
    code = int(code, 0) if isinstance(code, str) else code
    if codes.get(code) != name:
        print(f"FAIL: errors filter maps {code} to {codes.get(code)!r}, the ISA says {name!r}"); sys.exit(1)
print(f"check_layouts: errors filter: {len(codes)} codes match rtl/isa/abacus_isa.json")
PY
else
  bad "abacus: no errors filter file written"
fi
# opcodes and DMA status against the ISA's opcodes and the DMA codes (= ERR_DMA_* codes)
python3 - "$root/rtl/isa/abacus_isa.json" "$tmp/abacus.opcodes.txt" "$tmp/abacus.dma_status.txt" <<'PY' || fail=1
import json, sys
isa = json.load(open(sys.argv[1]))
def table(path):
    t = {}
    for line in open(path):
        if line.startswith('#') or not line.strip(): continue
        v, name = line.split(None, 1)
        t[int(v, 16)] = name.strip()
    return t
ops = table(sys.argv[2])
want = {int(str(c), 0): name.upper() for name, c in isa['opcodes'].items()}
if ops != want: print(f"FAIL: opcodes filter {ops}, the ISA has {want}"); sys.exit(1)
dma = table(sys.argv[3])
errs = {e['code']: e['name'] for e in isa['errors']}
want = {0: 'OK', **{c: errs[c] for c in (1, 2, 3, 4)}}
if dma != want: print(f"FAIL: DMA status filter {dma}, expected {want}"); sys.exit(1)
print(f"check_layouts: opcodes and DMA status filters match rtl/isa/abacus_isa.json")
PY

# real time: the clock's rising edges are one period apart (100 MHz default, 250 MHz asked)
period() {
  fst2vcd "$1" 2>/dev/null | awk -v want="$2" '
    /\$var/ && $5 == "clk_i" && id == "" {id = $4}
    /^#/ {t = substr($0, 2)}
    id != "" && $0 == "1" id {if (last != "") {p = t - last; if (p != want) {print "bad " p; exit}} last = t; n++}
    END {print "edges " n}'
}
for pair in "abacus:10000" "fast:4000" "core:10000"; do
  out=$(period "$tmp/${pair%%:*}.fst" "${pair#*:}")
  case $out in
    "edges "*) [ "${out#edges }" -ge 10 ] || bad "${pair%%:*}: too few clock edges ($out)" ;;
    *) bad "${pair%%:*}: clock period is not ${pair#*:} ps ($out)" ;;
  esac
done

# the view: markers A (START) and B (DONE), the window on the job
read -r zoom primary a b c _ < <(grep '^\*' "$tmp/abacus.gtkw")
start=$(sed -n 's/^-A: START, cycle \([0-9]*\)$/\1/p' "$tmp/abacus.gtkw")
done_=$(sed -n 's/^-B: DONE, cycle \([0-9]*\)$/\1/p' "$tmp/abacus.gtkw")
[ -n "$start" ] && [ -n "$done_" ] || bad "abacus.gtkw names no START/DONE markers"
[ "$a" = "$((start * 10000 + 5000))" ] || bad "marker A ($a) is not START's cycle $start"
[ "$b" = "$((done_ * 10000 + 5000))" ] || bad "marker B ($b) is not DONE's cycle $done_"
[ "$c" = "-1" ] || bad "marker C (first error) set on a passing job"
[ "$done_" -gt "$start" ] || bad "DONE ($done_) is not after START ($start)"
ts=$(sed -n 's/^\[timestart\] //p' "$tmp/abacus.gtkw")
[ "$ts" -le "$((start * 10000))" ] && [ "$ts" -ge "$(((start - 30) * 10000))" ] || bad "the view starts at $ts ps, not just before START"

[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
