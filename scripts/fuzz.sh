#!/usr/bin/env bash
# make fuzz: coverage-guided fuzzing of the verilated accelerator with
# libFuzzer (clang). Builds the clang-instrumented model and the fuzz target
# in $BUILD_DIR/fuzz-build, starts from tests/fuzz/corpus and every saved
# regression plus what earlier runs kept ($BUILD_DIR/fuzz/corpus), and runs
# for FUZZ_TIME seconds. Each input is a job (tb/fuzz/fuzz_case.cpp says how
# bytes become a program, register writes, memory behaviour); a broken
# invariant aborts and libFuzzer saves the input in $BUILD_DIR/fuzz/findings.
#
#   scripts/fuzz.sh [SECONDS]      default 600; FUZZ_JOBS=N runs N processes
#
# Replay a finding:   build/tb/abacus-fuzz-replay -v FILE
# Keep it as a regression test (make test replays the directory):
#   cp FILE tests/fuzz/regressions/<what-it-found>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
time=${1:-600}
[[ $time =~ ^[0-9]+$ && $time -gt 0 ]] || { echo "fuzz: FUZZ_TIME must be a positive number of seconds, not '$time'" >&2; exit 2; }
build=${BUILD_DIR:-build}
jobs=${FUZZ_JOBS:-1}
[[ $jobs =~ ^[0-9]+$ && $jobs -gt 0 ]] || { echo "fuzz: FUZZ_JOBS must be a positive number, not '$jobs'" >&2; exit 2; }
out=$build/fuzz
fb=$build/fuzz-build

command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/install-deps.sh fuzz installs it)" >&2; exit 2; }
mkdir -p "$fb" "$out/corpus" "$out/findings"
if [ ! -f "$fb/CMakeCache.txt" ]; then
  CXX=clang++ cmake -S . -B "$fb" -DCMAKE_BUILD_TYPE=Release -DABACUS_FUZZ=ON -DABACUS_WERROR=OFF \
    -DABACUS_DEPS_AUDIT=OFF -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" > "$fb/configure.log" 2>&1 \
    || { cat "$fb/configure.log"; exit 1; }
fi
echo "fuzz: building the instrumented model ($fb)"
cmake --build "$fb" -j "$(nproc)" --target abacus-fuzz > "$fb/build.log" 2>&1 || { tail -30 "$fb/build.log"; exit 1; }
cp -n tests/fuzz/corpus/* "$out/corpus/" 2>/dev/null || true
for f in tests/fuzz/regressions/*; do
  case $(basename "$f") in README*) ;; *) cp -n "$f" "$out/corpus/" ;; esac
done

before=$(ls "$out/findings" | wc -l)
echo "fuzz: $time s, $jobs process(es), corpus $out/corpus ($(ls "$out/corpus" | wc -l) inputs), findings go to $out/findings"
log=$out/fuzz.log
args=(-max_total_time="$time" -timeout=120 -max_len=1024 -artifact_prefix="$out/findings/" -print_final_stats=1)
# fork mode: a failing input is saved and the campaign goes on (to the end of FUZZ_TIME)
args+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
set +e
"$fb/tb/abacus-fuzz" "${args[@]}" "$out/corpus" > "$log" 2>&1
rc=$?
set -e
# (fork mode prints "#EXECS: cov: ... ft: ..." lines; the last one has the totals)
execs=$( (grep -oE "^#[0-9]+" "$log" || true) | tail -1 | tr -d '#')
cov=$( (grep -oE "cov: [0-9]+ ft: [0-9]+" "$log" || true) | tail -1)
echo "fuzz: ${execs:-0} executions in $time s; $cov (libFuzzer's edge and feature counts over the model); corpus $(ls "$out/corpus" | wc -l) inputs"
after=$(ls "$out/findings" | wc -l)
if [ "$after" -gt "$before" ] || { [ $rc -ne 0 ] && ! grep -q "Done [0-9]* runs\|INFO: fuzzed for" "$log"; }; then
  echo "fuzz: FOUND $((after - before)) failing input(s) (log: $log):"
  for f in $(ls -t "$out/findings" | head -$((after - before))); do
    echo "  $out/findings/$f"
    "$build/tb/abacus-fuzz-replay" "$out/findings/$f" 2>&1 | grep -E "FAILED" | sed 's/^/    /' || true
  done
  echo "fuzz: replay with $build/tb/abacus-fuzz-replay -v FILE; keep each as tests/fuzz/regressions/<name> once fixed"
  exit 1
fi
echo "fuzz: no invariant broken (log: $log)"
