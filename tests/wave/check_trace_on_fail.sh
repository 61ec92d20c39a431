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
  cat "$tmp/$label.out" "$tmp/$label.err" >"$tmp/$label.all"
  local line burst cycle addr
  line=$(grep "the store burst at" "$tmp/$label.all")
  addr=$(printf '%s' "$line" | sed -n 's/.*at device address \(0x[0-9a-f]*\);.*/\1/p')
  burst=$(printf '%s' "$line" | sed -n 's/.*store burst at \(0x[0-9a-f]*\) wrote it in cycle \([0-9]*\).*/\1/p')
  cycle=$(printf '%s' "$line" | sed -n 's/.*store burst at \(0x[0-9a-f]*\) wrote it in cycle \([0-9]*\).*/\2/p')
  [ -n "$addr" ] && [ -n "$burst" ] && [ -n "$cycle" ] || { bad "$label: the CLI names no byte address, store burst and cycle"; cat "$tmp/$label.all"; return; }
  grep -q "open it: gtkwave $tmp/$label.fst $tmp/$label.gtkw" "$tmp/$label.all" || bad "$label: no command to open the trace"
  [ -s "$tmp/$label.gtkw" ] || bad "$label: no layout next to the trace"
  grep -q "^-C: store of the first wrong byte, cycle $cycle\$" "$tmp/$label.gtkw" || bad "$label: marker C is not on cycle $cycle"
  # In the VCD (period 10000 ps at the default 100 MHz; cycle c is sampled at
  # c * 10000): the AW of the named burst, covering the wrong byte's address,
  # and at the named cycle a W beat taken whose strobe has the wrong byte's lane
  # (NB bytes a beat: the width of axi_wstrb_o).
  fst2vcd "$tmp/$label.fst" 2>/dev/null | awk -v cyc="$cycle" -v burst="$burst" -v addr="$addr" -v P=10000 '
    function num(s,   v, i, c) {  # "0x..." or a binary string
      v = 0
      if (substr(s, 1, 2) == "0x") { s = tolower(substr(s, 3)); for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1 }
      else for (i = 1; i <= length(s); i++) v = v * 2 + substr(s, i, 1)
      return v
    }
    function bit(b, i) { return (length(b) > i) ? substr(b, length(b) - i, 1) : "0" }
    /\$scope/ {s[++d] = $3} /\$upscope/ {d--}
    /\$var/ && d == 2 && s[2] == "abacus_top" {
      if ($5 == "axi_wvalid_o") wv = $4; if ($5 == "axi_wready_i") wr = $4; if ($5 == "axi_wstrb_o") { ws = $4; NB = $3 }
      if ($5 == "axi_awvalid_o") av = $4; if ($5 == "axi_awready_i") ar = $4; if ($5 == "axi_awaddr_o") aa = $4
      if ($5 == "axi_awlen_o") al = $4 }
    function sample(t) {
      if (t == cyc * P) { seen_cycle = 1; if (val[wv] == "1" && val[wr] == "1" && bit(val[ws], A % NB) == "1") w_at = 1 }
      if (t <= cyc * P && val[av] == "1" && val[ar] == "1" && num(val[aa]) == B) {
        lo = B - B % NB; hi = lo + (num(val[al]) + 1) * NB
        if (A >= B && A < hi) aw_seen = 1
      }
    }
    BEGIN { A = num(addr); B = num(burst) }
    /^#/ { if (have_t) sample(t); t = substr($0, 2) + 0; have_t = 1; if (first == "") first = t; next }
    /^[01][^ ]*$/ && length($0) >= 2 { val[substr($0, 2)] = substr($0, 1, 1); next }
    /^b/ { split($0, f, " "); val[f[2]] = substr(f[1], 2); next }
    END {
      if (have_t) sample(t)
      printf "first %s last %s seen_cycle %d w %d aw %d\n", first, t, seen_cycle, w_at, aw_seen
    }' >"$tmp/$label.vcd.txt"
  read -r _ first _ last _ seen _ w _ aw <"$tmp/$label.vcd.txt"
  [ "$seen" = 1 ] || bad "$label: the trace ($first..$last ps) does not cover cycle $cycle"
  [ "$w" = 1 ] || bad "$label: no W beat writing the lane of $addr taken at cycle $cycle in the trace"
  [ "$aw" = 1 ] || bad "$label: no AW for $burst covering $addr taken by cycle $cycle in the trace"
  [ $fail -eq 0 ] && echo "check_trace_on_fail: $label: byte $addr, store burst $burst, W beat in cycle $cycle: in the trace ($first..$last ps)"
}

check gemm gemm --m 40 --n 40 --k 64 --plant-wrong-byte 777
check conv conv --h 9 --w 9 --c 8 --k 20 --r 3 --s 3 --plant-wrong-byte 1234 --mem-latency 30
# output rows that share bus words: the store of the byte, not the last store to its word
check conv128 conv --h 9 --w 9 --c 128 --k 20 --r 3 --s 3 --plant-wrong-byte 1234

# a passing job traces nothing
"$abacus" gemm --m 8 --n 16 --k 16 --trace-on-fail "$tmp/pass.fst" >"$tmp/pass.out" || bad "a passing job failed"
[ -s "$tmp/pass.gtkw" ] && bad "a passing job wrote a trace layout"
[ -e "$tmp/pass.fst" ] && bad "a passing job left a trace file"
"$abacus" demo --trace-on-fail "$tmp/d.fst" >/dev/null 2>"$tmp/demo.err" && bad "demo --trace-on-fail accepted"
grep -q "gemm and conv only" "$tmp/demo.err" || bad "demo --trace-on-fail: no clear error ($(cat "$tmp/demo.err"))"
# impossible combinations say so
"$abacus" gemm --trace "$tmp/x.fst" --trace-on-fail "$tmp/y.fst" >/dev/null 2>"$tmp/both.err" && bad "--trace with --trace-on-fail accepted"
grep -q "exclude each other" "$tmp/both.err" || bad "--trace with --trace-on-fail: no clear error ($(cat "$tmp/both.err"))"

[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
