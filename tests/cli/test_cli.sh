#!/usr/bin/env bash
# The abacus CLI: impossible arguments give one line on stderr and a
# non-zero exit; a good run verifies and reports. Usage: test_cli.sh <abacus>
set -u
abacus=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect_error <description> <regex the one line must match> <args...>
expect_error() {
  local what=$1 pattern=$2
  shift 2
  "$abacus" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && grep -Eq -e "$pattern" "$tmp/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what: exit $rc, $lines stderr line(s):"
    cat "$tmp/err"
  fi
}

# expect_json <description> <regex the output must match> <args...>: exit 0
expect_json() {
  local what=$1 pattern=$2
  shift 2
  if "$abacus" "$@" >"$tmp/out" 2>"$tmp/err" && grep -Eq -e "$pattern" "$tmp/out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what"
    cat "$tmp/out" "$tmp/err"
  fi
}

expect_error "zero dimension" "--m.*" gemm --m 0 --n 4 --k 4
expect_error "negative dimension" "--k" gemm --m 4 --n 4 --k -3
expect_error "overflowing dimension" "--n" gemm --m 4 --n 99999999999999 --k 4
expect_error "not a number" "--m" gemm --m twelve
expect_error "unknown option" "bogus" gemm --bogus
expect_error "no subcommand" "subcommand" 
expect_error "unwritable trace path" "cannot write trace file" gemm --m 2 --n 2 --k 2 --trace "$tmp/no/such/dir/x.fst"
expect_error "trace window backwards" "trace-end" gemm --m 2 --n 2 --k 2 --trace "$tmp/t.fst" --trace-start 100 --trace-end 10
expect_error "unknown device kind" "expected sim, xdma" info --device bogus
expect_error "missing board" "abacus-none: cannot identify the card from /sys/class/xdma/abacus-none_user/device/" info --device xdma:/dev/abacus-none
expect_error "a node, not the device prefix" "give the XDMA device prefix \(/dev/xdma0\), not its user node" info --device xdma:/dev/xdma0_user
expect_error "region with trailing junk" "@base:size, two numbers" info --device xdma:/dev/xdma0@0:0x1000zz
expect_error "region with a sign" "@base:size, two numbers" info --device uio:/dev/uio0@-1:0x1000
expect_error "empty region" "size > 0" info --device uio:/dev/uio0@0x80000000:0
expect_error "not a UIO device" "/dev/null: not a UIO device\? cannot read /sys/class/uio/null/name" info --device uio:/dev/null

# a good run: exit 0 and a PASS in the JSON
expect_json "gemm --json" '"result": "PASS".*"macs": ' gemm --m 5 --n 19 --k 33 --json
# a trace is written and is an FST file
if "$abacus" gemm --m 4 --n 4 --k 4 --trace "$tmp/w.fst" --trace-start 10 --trace-end 200 >/dev/null 2>&1 &&
   [ -s "$tmp/w.fst" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: --trace wrote no file"
fi
# conv: a verified run, and an impossible geometry refused in one line
expect_json "conv --json" '"result": "PASS"' conv --h 7 --w 6 --c 5 --k 9 --r 3 --s 3 --stride 2 --json
expect_error "conv kernel larger than the padded input" "kernel is larger than the padded input" conv --h 2 --w 2 --c 1 --k 1 --r 5 --s 5 --pad 0
# an expansion fused in front of a depthwise layer: run, and refused where the path does not apply
expect_json "conv --expand --fuse on" '"result": "PASS"' conv --h 12 --w 12 --c 40 --k 40 --r 3 --s 3 --groups 40 --stride 2 --expand 20 --fuse on --json
expect_json "conv --expand --fuse on: the shape it ran (JSON)" '"fused_band": [1-9][0-9]*, "fused_store_rows": [12]}' conv --h 12 --w 12 --c 40 --k 40 --r 3 --s 3 --groups 40 --stride 2 --expand 20 --fuse on --json
expect_json "conv --expand --fuse on: the shape it ran" 'fused shape +[1-9][0-9]* image row\(s\) made at once, [12] output row\(s\) a STORE' conv --h 12 --w 12 --c 40 --k 40 --r 3 --s 3 --groups 40 --stride 2 --expand 20 --fuse on
expect_json "conv --expand --fuse off: no fused shape" '"fused_band": 0, "fused_store_rows": 0}' conv --h 9 --w 9 --c 12 --k 20 --r 3 --s 3 --expand 6 --fuse off --json
expect_error "conv --expand on a layer that is not depthwise" "the fused path takes a depthwise 3x3 layer" conv --h 8 --w 8 --c 16 --k 16 --r 3 --s 3 --expand 8
expect_json "conv --expand --fuse off, any layer after the expansion" '"result": "PASS"' conv --h 9 --w 9 --c 12 --k 20 --r 3 --s 3 --expand 6 --fuse off --json
expect_error "conv --fuse without --expand" "--fuse needs --expand" conv --h 8 --w 8 --c 16 --k 16 --r 3 --s 3 --groups 16 --fuse on
# seeds: a new one each run, printed; the same --seed gives the same job (same cycles)
s1=$("$abacus" gemm --m 9 --n 9 --k 9 --json | sed -n 's/.*"seed": \([0-9]*\).*/\1/p')
s2=$("$abacus" gemm --m 9 --n 9 --k 9 --json | sed -n 's/.*"seed": \([0-9]*\).*/\1/p')
r1=$("$abacus" gemm --m 9 --n 9 --k 9 --json --seed "$s1" --mem-stall 0.2 | sed 's/, "sim_cycles_per_second".*//')
r2=$("$abacus" gemm --m 9 --n 9 --k 9 --json --seed "$s1" --mem-stall 0.2 | sed 's/, "sim_cycles_per_second".*//')
if [ -n "$s1" ] && [ -n "$s2" ] && [ "$s1" != "$s2" ] && [ -n "$r1" ] && [ "$r1" = "$r2" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: seeds: runs printed '$s1' and '$s2'; replays gave '$r1' and '$r2'"
fi

# run: a quantized ONNX model; bad models and arguments in one line each
model=$(dirname "$0")/../../models/fashion/fashion_cnn.onnx
expect_json "run --json" '"check": "PASS".*"where": "device"' run "$model" --dataset fashion-mnist:3 --check --json
head -c 3000 "$model" >"$tmp/trunc.onnx"
printf 'not a model' >"$tmp/junk.onnx"
printf '\377\377\377' >"$tmp/junk.pb"
expect_error "run without inputs" "give the inputs with --input" run "$model"
expect_error "run truncated model" "trunc.onnx: " run "$tmp/trunc.onnx" --dataset fashion-mnist:1
expect_error "run junk model" "not an ONNX model" run "$tmp/junk.onnx" --dataset fashion-mnist:1
expect_error "run unknown dataset" "only fashion-mnist is known" run "$model" --dataset cifar:3
expect_error "run dataset count" "N in 1..10000" run "$model" --dataset fashion-mnist:0
expect_error "run missing model" "model: File does not exist" run "$tmp/none.onnx" --dataset fashion-mnist:1
python3 -c "
import struct, sys
h = \"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 28, 28), }\"
h += ' ' * (-(10 + len(h) + 1) % 64) + chr(10)
sys.stdout.buffer.write(b'\\x93NUMPY\\x01\\x00' + struct.pack('<H', len(h)) + h.encode() + bytes(4 * 3 * 28 * 28))
" >"$tmp/bad.npy"
expect_error "run input of the wrong shape" "shape 1x3x28x28, the model takes Nx1x28x28" run "$model" --input "$tmp/bad.npy"
python3 -c "
import struct, sys
h = \"{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 28, 28), }\"
h += ' ' * (-(10 + len(h) + 1) % 64) + chr(10)
sys.stdout.buffer.write(b'\\x93NUMPY\\x01\\x00' + struct.pack('<H', len(h)) + h.encode() + bytes(28 * 28))
" >"$tmp/u8.npy"
expect_error "run input of the wrong dtype" "dtype u1, the model's input is float32" run "$model" --input "$tmp/u8.npy"
pb=/usr/share/libonnx-testdata/data/node/test_qlinearconv/test_data_set_0/input_0.pb
expect_error "run a TensorProto input of the wrong dtype" "dtype u1, the model's input is float32" run "$model" --input "$pb"
expect_error "run a malformed TensorProto input" "not an ONNX TensorProto" run "$model" --input "$tmp/junk.pb"
# bench: the networks section needs its models
expect_error "bench --networks-only alone" "needs --networks DIR" bench --networks-only
expect_error "bench --networks without models" "resnet18.onnx: cannot open" bench --networks "$tmp" --networks-only
# bench's CSV (what --plot draws): every row has the header's fields (a
# shape with a comma once shifted a row's columns)
if "$abacus" bench --quick --csv "$tmp/bench.csv" >"$tmp/out" 2>"$tmp/err" &&
   awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad || NR < 2 }' "$tmp/bench.csv"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: bench --csv: rows with another field count than the header's"
  cat "$tmp/bench.csv" "$tmp/err"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
