#!/usr/bin/env bash
# scripts/coverage_report.py on a hand-written coverage file: per-module
# counting (a point is covered when any instance hit it), line vs toggle
# pages, points outside rtl/ left out, the uncovered list, and the exit
# status of the --min-line/--min-toggle targets.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
k() {  # k FILE LINE PAGE COMMENT HIER COUNT: one point in Verilator's key format
  printf "C '\001f\002%s\001l\002%s\001n\0020\001page\002%s\001o\002%s\001h\002%s' %s\n" "$@"
}
{
  echo "# SystemC::Coverage-3"
  # abacus_fifo: two instances; line 10 hit only in the first, line 11 in neither
  k rtl/common/abacus_fifo.sv 10 v_line/abacus_fifo if TOP.a.u_q0 3
  k rtl/common/abacus_fifo.sv 10 v_line/abacus_fifo if TOP.a.u_q1 0
  k rtl/common/abacus_fifo.sv 11 v_line/abacus_fifo else TOP.a.u_q0 0
  k rtl/common/abacus_fifo.sv 11 v_line/abacus_fifo else TOP.a.u_q1 0
  k rtl/common/abacus_fifo.sv 5 v_toggle/abacus_fifo 'count[0]' TOP.a.u_q0 1
  k rtl/common/abacus_fifo.sv 5 v_toggle/abacus_fifo 'count[1]' TOP.a.u_q0 0
  # abacus_csr: everything hit
  k rtl/ctrl/abacus_csr.sv 20 v_branch/abacus_csr case TOP.a.u_csr 7
  k rtl/ctrl/abacus_csr.sv 21 v_toggle/abacus_csr 'busy' TOP.a.u_csr 2
  # a test bench outside rtl/: not counted
  k tb/rtl/abacus_dma_tb.sv 3 v_line/abacus_dma_tb block TOP.t 0
} > "$tmp/m.dat"
out=$(python3 "$root/scripts/coverage_report.py" "$tmp/m.dat" --root "$root")
echo "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }
grep -qF '| abacus_fifo | rtl/common/abacus_fifo.sv | 1/2 | 50.0 | 1/2 | 50.0 |' <<<"$out" || fail "fifo row"
grep -qF '| abacus_csr | rtl/ctrl/abacus_csr.sv | 1/1 | 100.0 | 1/1 | 100.0 |' <<<"$out" || fail "csr row"
grep -qF '| **rtl/ total** | | 2/3 | **66.7** | 2/3 | **66.7** |' <<<"$out" || fail "total row"
grep -qF 'abacus_fifo: rtl/common/abacus_fifo.sv:11 (else)' <<<"$out" || fail "uncovered list"
! grep -q abacus_dma_tb <<<"$out" || fail "a test bench was counted"
python3 "$root/scripts/coverage_report.py" "$tmp/m.dat" --root "$root" --min-line 60 --min-toggle 60 > /dev/null \
  || fail "66.7% should meet a 60% target"
if python3 "$root/scripts/coverage_report.py" "$tmp/m.dat" --root "$root" --min-line 95 > /dev/null 2>&1; then
  fail "66.7% passed a 95% target"
fi
# --explained: each uncovered point with its reason (a named one expanded),
# stale entries listed, and --strict failing on either kind of gap
{
  echo "# reasons"
  echo "= tied held constant in this build"
  echo "rtl/common/abacus_fifo.sv:11 else tied"
} > "$tmp/why.txt"
out=$(python3 "$root/scripts/coverage_report.py" "$tmp/m.dat" --root "$root" --explained "$tmp/why.txt" --strict) \
  || fail "--strict failed with every point explained"
grep -qF -- '- rtl/common/abacus_fifo.sv:11 (else): held constant in this build' <<<"$out" || fail "reason not shown"
echo "rtl/ctrl/abacus_csr.sv:20 case hit in every run" >> "$tmp/why.txt"
out=$(python3 "$root/scripts/coverage_report.py" "$tmp/m.dat" --root "$root" --explained "$tmp/why.txt")
grep -qF 'stale explanation, the point is covered or gone: rtl/ctrl/abacus_csr.sv:20 (case)' <<<"$out" || fail "stale entry"
if python3 "$root/scripts/coverage_report.py" "$tmp/m.dat" --root "$root" --explained "$tmp/why.txt" --strict > /dev/null 2>&1; then
  fail "--strict passed a stale explanation"
fi
echo "= tied held constant" > "$tmp/none.txt"
out=$(python3 "$root/scripts/coverage_report.py" "$tmp/m.dat" --root "$root" --explained "$tmp/none.txt" || true)
grep -qF -- '- rtl/common/abacus_fifo.sv:11 (else): **unexplained**' <<<"$out" || fail "unexplained point"
if python3 "$root/scripts/coverage_report.py" "$tmp/m.dat" --root "$root" --explained "$tmp/none.txt" --strict > /dev/null 2>&1; then
  fail "--strict passed an unexplained point"
fi
echo "rtl/x.sv:nonsense" > "$tmp/bad.txt"
if python3 "$root/scripts/coverage_report.py" "$tmp/m.dat" --root "$root" --explained "$tmp/bad.txt" > "$tmp/bad.out" 2>&1; then
  fail "a malformed explanation file was accepted"
fi
grep -qF "bad.txt:1: expected FILE:LINE COMMENT REASON" "$tmp/bad.out" || fail "malformed file message: $(cat "$tmp/bad.out")"
echo "coverage report: PASS"
