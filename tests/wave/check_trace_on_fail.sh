#!/usr/bin/env bash
# abacus ... --trace-on-fail on a planted failure (one expected byte made
# wrong): the job fails, is run again with tracing, and the trace must hold
# the store that wrote the first wrong byte: at the cycle the CLI names, a W
# beat is taken, and before it an AW for the burst address the CLI names.
# Checked in the FST with Debian's fst2vcd, not with the simulator.
#   check_trace_on_fail.sh ABACUS
set -u
abacus=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

check() {  # check LABEL ARGS... : one planted failure
  local label=$1
  shift
  "$abacus" "$@" --trace-on-fail "$tmp/$label.fst" >"$tmp/$label.out" 2>"$tmp/$label.err"
  local rc=$?
  [ $rc -eq 1 ] || { bad "$label: exit $rc on a failing job, expected 1"; cat "$tmp/$label.out" "$tmp/$label.err"; return; }
  grep -q "warning" "$tmp/$label.err" && bad "$label: $(cat "$tmp/$label.err")"
  local line burst cycle
  line=$(grep "the store burst at" "$tmp/$label.out")
  burst=$(printf '%s' "$line" | sed -n 's/.*store burst at \(0x[0-9a-f]*\) wrote it in cycle \([0-9]*\).*/\1/p')
  cycle=$(printf '%s' "$line" | sed -n 's/.*store burst at \(0x[0-9a-f]*\) wrote it in cycle \([0-9]*\).*/\2/p')
  [ -n "$burst" ] && [ -n "$cycle" ] || { bad "$label: the CLI names no store burst and cycle"; cat "$tmp/$label.out"; return; }
  grep -q "open it: gtkwave $tmp/$label.fst $tmp/$label.gtkw" "$tmp/$label.out" || bad "$label: no command to open the trace"
  [ -s "$tmp/$label.gtkw" ] || bad "$label: no layout next to the trace"
  # In the VCD: the W and AW handshakes (period 10000 ps at the default 100 MHz;
  # cycle c is sampled at c * 10000, its rising edge half a period later).
  fst2vcd "$tmp/$label.fst" 2>/dev/null | awk -v cyc="$cycle" -v burst="$burst" -v P=10000 '
    function bin2hex(b,   v, i) { v = 0; for (i = 1; i <= length(b); i++) v = v * 2 + substr(b, i, 1); return sprintf("0x%x", v) }
    /\$scope/ {s[++d] = $3} /\$upscope/ {d--}
    /\$var/ && d == 2 && s[2] == "abacus_top" {
      if ($5 == "axi_wvalid_o") wv = $4; if ($5 == "axi_wready_i") wr = $4
      if ($5 == "axi_awvalid_o") av = $4; if ($5 == "axi_awready_i") ar = $4; if ($5 == "axi_awaddr_o") aa = $4 }
    function sample(t) {
      if (t == cyc * P) { seen_cycle = 1; if (val[wv] == "1" && val[wr] == "1") w_at = 1 }
      if (t <= cyc * P && val[av] == "1" && val[ar] == "1" && bin2hex(val[aa]) == burst) aw_seen = 1
    }
    /^#/ { if (have_t) sample(t); t = substr($0, 2) + 0; have_t = 1; if (first == "") first = t; next }
    /^[01][^ ]*$/ && length($0) >= 2 { v = substr($0, 1, 1); id = substr($0, 2); val[id] = v; next }
    /^b/ { split($0, f, " "); val[f[2]] = substr(f[1], 2); next }
    END {
      if (have_t) sample(t)
      printf "first %s last %s seen_cycle %d w %d aw %d\n", first, t, seen_cycle, w_at, aw_seen
    }' >"$tmp/$label.vcd.txt"
  read -r _ first _ last _ seen _ w _ aw <"$tmp/$label.vcd.txt"
  [ "$seen" = 1 ] || bad "$label: the trace ($first..$last ps) does not cover cycle $cycle"
  [ "$w" = 1 ] || bad "$label: no W beat taken at cycle $cycle in the trace"
  [ "$aw" = 1 ] || bad "$label: no AW for $burst taken by cycle $cycle in the trace"
  [ $fail -eq 0 ] && echo "check_trace_on_fail: $label: the store burst at $burst, W beat in cycle $cycle, is in the trace ($first..$last ps)"
}

check gemm gemm --m 40 --n 40 --k 64 --plant-wrong-byte 777
check conv conv --h 9 --w 9 --c 8 --k 20 --r 3 --s 3 --plant-wrong-byte 1234 --mem-latency 30

# a passing job traces nothing
"$abacus" gemm --m 8 --n 16 --k 16 --trace-on-fail "$tmp/pass.fst" >"$tmp/pass.out" || bad "a passing job failed"
[ -s "$tmp/pass.gtkw" ] && bad "a passing job wrote a trace layout"
# impossible combinations say so
"$abacus" gemm --trace "$tmp/x.fst" --trace-on-fail "$tmp/y.fst" >/dev/null 2>"$tmp/both.err" && bad "--trace with --trace-on-fail accepted"
grep -q "exclude each other" "$tmp/both.err" || bad "--trace with --trace-on-fail: no clear error ($(cat "$tmp/both.err"))"

[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
