// libFuzzer entry point (make fuzz): one case per input, coverage feedback
// from the clang-instrumented verilated model. A broken invariant aborts,
// and libFuzzer saves the input (a crash-* file) for replay.
#include <cstdio>
#include <cstdlib>

#include "fuzz/fuzz_case.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const abacus::fuzz::Outcome o = abacus::fuzz::run_case(data, size);
  if (!o.ok) {
    std::fprintf(stderr, "fuzz: invariant failed: %s\nfuzz: the job:\n%s", o.failure.c_str(), o.job.c_str());
    std::abort();
  }
  return 0;
}
