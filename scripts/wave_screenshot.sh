#!/usr/bin/env bash
# Makes docs/images/wave-debug.png: GTKWave, headless, on the trace and
# layout that `abacus gemm ... --trace-on-fail` writes for a planted wrong
# byte (the walk-through in README.md, "Debugging a failure").
# Development-time only (not part of make test): needs xvfb-run (Debian
# xvfb, xauth), import (imagemagick) and gtkwave.
#   scripts/wave_screenshot.sh [ABACUS] [OUT.png]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
abacus=${1:-$root/build/sw/abacus}
out=${2:-$root/docs/images/wave-debug.png}
for c in xvfb-run import gtkwave; do
  command -v "$c" >/dev/null || {
    echo "wave_screenshot: '$c' is missing; install it with: apt-get install --no-install-recommends xvfb xauth imagemagick gtkwave" >&2
    exit 1
  }
done
[ -x "$abacus" ] || { echo "wave_screenshot: $abacus not built (make build)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
"$abacus" gemm --m 40 --n 40 --k 64 --plant-wrong-byte 777 --trace-on-fail "$tmp/fail.fst" | tee "$tmp/cli.txt"
set -e
[ -s "$tmp/fail.gtkw" ] || { echo "wave_screenshot: no layout written" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
# a taller window than the layout's own, so the picture shows every group down to the AXI write channel
sed -i 's/^\[size\] .*/[size] 1600 2000/' "$tmp/fail.gtkw"
xvfb-run -a -s "-screen 0 1600x2000x24" bash -c '
  gtkwave "$1" "$2" >/dev/null 2>&1 &
  pid=$!
  sleep 8
  import -window root "$3"
  kill $pid' _ "$tmp/fail.fst" "$tmp/fail.gtkw" "$out"
echo "wave_screenshot: wrote $out"
