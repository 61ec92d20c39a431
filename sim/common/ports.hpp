// Moving byte and word vectors in and out of Verilator ports of any width
// (CData/SData/IData/QData for up to 64 bits, VlWide<N> above).
#pragma once

#include <verilated.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace abacus::sim {

// Element i of the port occupies bits [i*bits +: bits]; bits is 8 or 32.
template <class Port>
void put_elems(Port& port, const std::vector<std::uint32_t>& elems, unsigned bits) {
  std::vector<std::uint32_t> words((elems.size() * bits + 31) / 32 + 1, 0);
  for (std::size_t i = 0; i < elems.size(); ++i) {
    const std::size_t bit = i * bits;
    const std::uint64_t v = static_cast<std::uint64_t>(elems[i]) & ((bits == 32) ? 0xffffffffULL : ((1ULL << bits) - 1));
    words[bit / 32] |= static_cast<std::uint32_t>(v << (bit % 32));
    if ((bit % 32) + bits > 32) words[bit / 32 + 1] |= static_cast<std::uint32_t>(v >> (32 - bit % 32));
  }
  if constexpr (std::is_integral_v<Port>) {
    std::uint64_t v = words[0] | (words.size() > 1 ? static_cast<std::uint64_t>(words[1]) << 32 : 0);
    port = static_cast<Port>(v);
  } else {
    for (std::size_t w = 0; w < sizeof(port) / 4; ++w) port[w] = w < words.size() ? words[w] : 0;
  }
}

template <class Port>
std::vector<std::uint32_t> get_elems(const Port& port, std::size_t count, unsigned bits) {
  std::vector<std::uint32_t> words((count * bits + 31) / 32 + 1, 0);
  if constexpr (std::is_integral_v<Port>) {
    const auto v = static_cast<std::uint64_t>(port);
    words[0] = static_cast<std::uint32_t>(v);
    if (words.size() > 1) words[1] = static_cast<std::uint32_t>(v >> 32);
  } else {
    for (std::size_t w = 0; w < sizeof(port) / 4 && w < words.size(); ++w) words[w] = port[w];
  }
  std::vector<std::uint32_t> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t bit = i * bits;
    std::uint64_t v = words[bit / 32] >> (bit % 32);
    if ((bit % 32) + bits > 32) v |= static_cast<std::uint64_t>(words[bit / 32 + 1]) << (32 - bit % 32);
    out[i] = static_cast<std::uint32_t>(v & ((bits == 32) ? 0xffffffffULL : ((1ULL << bits) - 1)));
  }
  return out;
}

inline std::vector<std::uint32_t> bytes_to_elems(const std::int8_t* p, std::size_t n) {
  std::vector<std::uint32_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(p[i]);
  return v;
}

}  // namespace abacus::sim
