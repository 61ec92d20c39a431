// The simulated accelerator the model tests run on: 16 MiB of memory with a
// 20-cycle latency and random stalls, seeded per test (printed, and
// replayable with ABACUS_SEED), randomized initial state when the test
// asks for it (ABACUS_RAND_RESET).
#pragma once

#include <string>

#include "abacus/sim_device.hpp"
#include "common/seed.hpp"

namespace abacus::test {

inline SimDeviceOptions model_test_device(const std::string& test) {
  SimDeviceOptions o;
  o.memory_size = 16 << 20;
  o.mem_latency = 20;
  o.stall_prob = 0.01;
  o.max_stall = 8;
  o.seed = sim::test_seed(test.c_str());
  o.rand_reset = sim::rand_reset_from_env();
  return o;
}

}  // namespace abacus::test
