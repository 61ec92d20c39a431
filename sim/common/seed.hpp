// Test seeds: random by default, replayable through ABACUS_SEED.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace abacus::sim {

// The seed for this test: ABACUS_SEED if set, else a fresh random one.
// Printed either way, with the line that replays it.
inline std::uint64_t test_seed(const std::string& test_name) {
  std::uint64_t seed;
  if (const char* env = std::getenv("ABACUS_SEED"); env && *env) {
    seed = std::strtoull(env, nullptr, 0);
  } else {
    seed = (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  }
  std::cout << "[ seed     ] " << test_name << ": " << seed << "  (replay: ABACUS_SEED=" << seed
            << ")" << std::endl;
  return seed;
}

// ABACUS_RAND_RESET=1 turns randomized initial state on for every harness.
inline bool rand_reset_from_env() {
  const char* e = std::getenv("ABACUS_RAND_RESET");
  return e && *e && std::string(e) != "0";
}

}  // namespace abacus::sim
