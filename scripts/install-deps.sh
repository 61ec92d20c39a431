#!/usr/bin/env bash
# Install the Debian 12 packages that every Makefile target needs (sim, test,
# bench, wave, lint, synth-check) on a bare system: only what is missing, and
# it says what it installs. Called by those targets; runs apt-get as root, or
# through sudo when not root.
#
#   scripts/install-deps.sh [GROUP]           install what is missing
#   scripts/install-deps.sh --check [GROUP]   report what is missing; exit 1 if anything is
#   scripts/install-deps.sh --list [GROUP]    print the package list, one per line
#
# GROUP adds the packages of one more target: fuzz (make fuzz: clang and
# libFuzzer), coverage (make coverage: lcov's genhtml) or models
# (scripts/make_models.py, which regenerates models/ with Debian's PyTorch).
# Without it, the list is what sim, test, bench, wave, lint and synth-check
# need.
#
# To manage packages yourself, skip it: `make test SKIP_DEPS=1` (or set
# ABACUS_SKIP_DEPS=1), and configure with -DABACUS_DEPS_AUDIT=OFF when the
# system is not Debian (the deps.* tests read dpkg's database).
#
# The list is checked: the deps.declared test maps every header, library and
# build program the build used to its package, and the script and CLI tests
# run with a PATH holding only the commands these packages (and Debian's base
# system) provide, so a package missing here fails `make test` on a machine
# that happens to have it (scripts/deps_audit.py).
set -euo pipefail

# package   what the build uses from it (a command on PATH or a file), probed as is
table="
g++               cmd:g++                                    compiler (Verilator models, host code, tests)
make              cmd:make                                   the front door and Verilator's makefiles
cmake             cmd:cmake                                  build configuration, ctest
python3           cmd:python3                                register-map generator (scripts/gen_isa.py), scripts/deps_audit.py
verilator         cmd:verilator                              RTL to C++; lint
zlib1g-dev        file:/usr/include/zlib.h                   Verilator's FST writer (fstapi.h includes zlib.h, links -lz)
yosys             cmd:yosys                                  RTL elaboration (lint), synthesis check
libgtest-dev      file:/usr/include/gtest/gtest.h            unit tests
libcli11-dev      file:/usr/include/CLI/CLI.hpp              the abacus command line
libgemmlowp-dev   file:/usr/include/gemmlowp/public/gemmlowp.h  oracle for the golden GEMM kernel
ccache            cmd:ccache                                 compiler cache (rebuilds of verilated models)
gnuplot-nox       cmd:gnuplot                                make bench's utilization plot
gtkwave           cmd:gtkwave                                make wave opens the traces when a display is present
tcl               cmd:tclsh                                  Vivado-flow check without Vivado (tests/fpga)
libonnx-dev       file:/usr/include/onnx/onnx_pb.h           the ONNX model importer (ONNX's generated protobuf classes)
libprotobuf-dev   file:/usr/include/google/protobuf/message.h  protobuf, under ONNX's classes
libonnx-testdata  file:/usr/share/libonnx-testdata/data/node/test_qlinearconv/model.onnx  ONNX's backend node tests (tests/model/test_node.cpp)
dataset-fashion-mnist file:/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz  the Fashion-MNIST model's test images (tests, make sim, abacus run --dataset)
"

fuzz_table="
clang             cmd:clang++                                the fuzz build (make fuzz): clang with -fsanitize=fuzzer
libclang-rt-14-dev file:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a  libFuzzer's runtime
"
coverage_table="
lcov              cmd:genhtml                                make coverage's HTML report (verilator_coverage writes the .info)
"
models_table="
python3-torch     file:/usr/lib/python3/dist-packages/torch/__init__.py  scripts/make_models.py: training, quantization (qnnpack), ONNX export
python3-torchvision file:/usr/lib/python3/dist-packages/torchvision/__init__.py  scripts/make_models.py zoo: ResNet-18, MobileNetV2
python3-onnx      file:/usr/lib/python3/dist-packages/onnx/__init__.py  scripts/make_models.py: rewriting the exported biases
"

mode=""
case ${1:-} in
  --list | --check) mode=$1; shift ;;
esac
case ${1:-} in
  "") ;;
  fuzz) table="$table$fuzz_table" ;;
  coverage) table="$table$coverage_table" ;;
  models) table="$table$models_table" ;;
  *) echo "usage: $0 [--check|--list] [fuzz|coverage|models]" >&2; exit 2 ;;
esac

pkgs=()
missing=()
while read -r pkg probe _; do
  [ -n "$pkg" ] || continue
  pkgs+=("$pkg")
  case $probe in
    cmd:*) command -v "${probe#cmd:}" >/dev/null 2>&1 || missing+=("$pkg") ;;
    file:*) [ -e "${probe#file:}" ] || missing+=("$pkg") ;;
    *) echo "install-deps: bad probe '$probe' for $pkg" >&2; exit 2 ;;
  esac
done <<<"$table"

if [ "$mode" = --list ]; then printf '%s\n' "${pkgs[@]}"; exit 0; fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$mode" = --check ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: missing Debian packages: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: error: apt-get not found; this script supports Debian 12." >&2
  echo "install-deps: install the equivalents of: ${missing[*]}, then run make with SKIP_DEPS=1" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
    echo "install-deps: not root; using sudo"
  else
    echo "install-deps: error: not root and no sudo; as root, run:" >&2
    echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=600)
$sudo apt-get "${lock[@]}" update -q
$sudo apt-get "${lock[@]}" install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
