// Small helpers the host code shares (one copy each).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace abacus {

// "0x" and lower-case hex digits, as every message that names an address or
// a register value prints it.
inline std::string hex(std::uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

// a / b rounded up, for counts of tiles, blocks, beats (a >= 0, b > 0)
template <class T>
constexpr T ceil_div(T a, T b) {
  return (a + b - 1) / b;
}

}  // namespace abacus
