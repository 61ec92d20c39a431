// Test seeds: random by default, replayable through ABACUS_SEED.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace abacus::tb {

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

}  // namespace abacus::tb
