#!/usr/bin/env bash
# Install the Debian 12 packages Abacus needs to build, lint and test.
# Idempotent: installs only what is missing and says what it installs.
# Usage: scripts/install-deps.sh [--check]   (--check: report missing, exit 1 if any)
set -euo pipefail

# Package -> a file or command that proves it is present.
declare -A probe=(
  [build-essential]=/usr/bin/g++
  [cmake]=/usr/bin/cmake
  [make]=/usr/bin/make
  [python3]=/usr/bin/python3
  [verilator]=/usr/bin/verilator
  [yosys]=/usr/bin/yosys
  [libgtest-dev]=/usr/include/gtest/gtest.h
  [libgmock-dev]=/usr/include/gmock/gmock.h
  [libcli11-dev]=/usr/include/CLI/CLI.hpp
  [libgemmlowp-dev]=/usr/include/gemmlowp/public/gemmlowp.h
  [libbenchmark-dev]=/usr/include/benchmark/benchmark.h
  [ccache]=/usr/bin/ccache
  [gtkwave]=/usr/bin/gtkwave
  [gnuplot-nox]=/usr/bin/gnuplot
  [tcl]=/usr/bin/tclsh
  [bc]=/usr/bin/bc
)
order=(build-essential make cmake python3 verilator yosys libgtest-dev libgmock-dev
       libcli11-dev libgemmlowp-dev libbenchmark-dev ccache gtkwave gnuplot-nox tcl bc)

missing=()
for p in "${order[@]}"; do
  [ -e "${probe[$p]}" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "missing packages: ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: missing Debian packages: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: error: apt-get not found; this script supports Debian 12." >&2
  echo "install-deps: install these packages by hand: ${missing[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
    echo "install-deps: not root; using sudo"
  else
    echo "install-deps: error: not root and no sudo; run as root:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=600)
$sudo apt-get "${lock[@]}" update -q
$sudo apt-get "${lock[@]}" install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
