// Two int8 MACs per multiplier (abacus_pe_pair + abacus_pack_acc, the
// UltraScale+ DSP48E2 packing; docs/architecture.md "Two MACs per DSP"),
// exhaustively: every activation a and every weight pair (w0, w1) -- 2^24
// combinations -- against plain integer products, with the incoming packed
// partial sum at each corner a segment's last row can see: no products above
// (the segment's first row), and 7 products above at their most negative
// (-7 * 16256) or most positive (7 * 16384) in each lane independently.
// The expected sums are computed here from a*w0 and a*w1, never from the
// packed encoding.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>
#include <memory>
#include <string>

#include "Vmul32.h"
#include "Vmul32_24.h"
#include "Vpack.h"
#include "common/seed.hpp"
#include "common/sim.hpp"

namespace {

constexpr std::int64_t kBias = 8 * 16256;  // abacus_pkg::PackLaneBias
constexpr int kPsBits = 37;                // abacus_pkg::PackPsWidth
constexpr std::int64_t kMinProduct = -128 * 127;
constexpr std::int64_t kMaxProduct = -128 * -128;

struct Above {
  std::int64_t l, h;  // the left (w0) and right (w1) lanes' sums over the rows above
  std::string name;
};

TEST(PackedDsp, AllActivationsAndWeightPairsAtLaneExtremes) {
  const Above corners[] = {
      {0, 0, "no rows above"},
      {7 * kMinProduct, 7 * kMinProduct, "both lanes at their minimum"},
      {7 * kMinProduct, 7 * kMaxProduct, "left minimum, right maximum"},
      {7 * kMaxProduct, 7 * kMinProduct, "left maximum, right minimum"},
      {7 * kMaxProduct, 7 * kMaxProduct, "both lanes at their maximum"},
  };
  abacus::sim::SimOptions opt;
  opt.name = "PackedDsp";
  opt.seed = abacus::sim::test_seed(opt.name);
  opt.rand_reset = abacus::sim::rand_reset_from_env();
  abacus::sim::Sim<Vpack> sim(opt);
  sim.reset();
  auto& d = sim.dut();
  // The column sums from the segments above: the left one pre-biased as the
  // array does (it starts at minus the lane bias of every segment).
  const std::int32_t sum0_above = 1000003, sum1_above = -777777;
  d.sum0_i = static_cast<std::uint32_t>(sum0_above - kBias);
  d.sum1_i = static_cast<std::uint32_t>(sum1_above);

  std::uint64_t checked = 0, mismatches = 0;
  for (int w = 0; w < 65536; ++w) {
    const int w0 = static_cast<std::int8_t>(w & 0xff);
    const int w1 = static_cast<std::int8_t>(w >> 8);
    // load the pair into the shadow register
    d.a_valid_i = 0;
    d.a_swap_i = 0;
    d.w_valid_i = 1;
    d.w_data_i = static_cast<std::uint16_t>(w);
    sim.tick();
    d.w_valid_i = 0;
    // The PE registers each product and adds it a cycle later (the DSP's M
    // register): activation j goes in at step j, together with the incoming
    // P of activation j - 1, whose sums are read after that step. One more
    // step, with no activation, brings out the last.
    constexpr int kPerPair = 5 * 256;
    for (int j = 0; j <= kPerPair; ++j) {
      const bool feed = j < kPerPair;
      d.a_valid_i = feed ? 1 : 0;
      d.a_swap_i = j == 0 ? 1 : 0;  // the first activation swaps the pair in
      d.a_data_i = feed ? static_cast<std::uint8_t>(j % 256 - 128) : 0;
      const int prev = j - 1;  // the activation whose product is added now
      const Above& c = corners[prev < 0 ? 0 : prev / 256];
      const int a = prev % 256 - 128;
      // incoming P: bias + H * 2^18 + L, as the rows above leave it
      const std::int64_t p_in = kBias + c.h * (std::int64_t{1} << 18) + c.l;
      d.ps_i = static_cast<std::uint64_t>(p_in) & ((std::uint64_t{1} << kPsBits) - 1);
      sim.tick();
      sim.settle();
      if (prev < 0) continue;
      const auto want0 = static_cast<std::uint32_t>(sum0_above + c.l + std::int64_t{a} * w0);
      const auto want1 = static_cast<std::uint32_t>(sum1_above + c.h + std::int64_t{a} * w1);
      ++checked;
      if ((d.sum0_o != want0 || d.sum1_o != want1) && ++mismatches <= 5) {
        ADD_FAILURE() << "a=" << a << " w0=" << w0 << " w1=" << w1 << " (" << c.name << "): got "
                      << static_cast<std::int32_t>(d.sum0_o) << ", " << static_cast<std::int32_t>(d.sum1_o)
                      << " want " << static_cast<std::int32_t>(want0) << ", "
                      << static_cast<std::int32_t>(want1);
      }
    }
  }
  EXPECT_EQ(checked, std::uint64_t{65536} * 256 * 5);
  EXPECT_EQ(mismatches, 0u);
}

// The requantization's 32 x 32 multiplier (abacus_mul32: two DSP
// multipliers and a fabric Booth/carry-save tree, as the parts
// ll + lh * 2^17 + (hs + hc) * 2^L that the lane adds) against int64
// products, in the low 63 bits: every pair of
// 64 corner values (0, +-1, powers of two and their neighbours, INT32_MIN,
// INT32_MAX), then 4 million random pairs, half of them with the top bits
// of a (the fabric part: 6 bits for the DSP48E2 split, 8 for the DSP48E1's)
// forced to each of their values in turn; with the rounding constant 2^30
// (round_i) on and off.
template <class M>
void check_mul32(const std::string& name, int low_bits) {
  const std::uint64_t seed = abacus::sim::test_seed(name);  // printed, replayable with ABACUS_SEED
  // combinational, no clock: the model alone, without the clocked harness
  VerilatedContext ctx;
  M d(&ctx);
  const std::uint32_t low_mask = (1u << low_bits) - 1;
  const int high_values = 1 << (32 - low_bits);
  std::vector<std::int32_t> corners = {0, 1, -1, INT32_MAX, INT32_MIN};
  for (int b : {16, 17, 23, 24, 25, 26, 30}) {
    for (std::int64_t v : {(std::int64_t{1} << b), (std::int64_t{1} << b) - 1, -(std::int64_t{1} << b),
                           -(std::int64_t{1} << b) + 1}) {
      corners.push_back(static_cast<std::int32_t>(v));
    }
  }
  std::mt19937_64 rng(seed);
  while (corners.size() < 64) corners.push_back(static_cast<std::int32_t>(rng()));
  std::uint64_t bad = 0, checked = 0;
  auto check = [&](std::int32_t a, std::int32_t b, bool round) {
    d.a_i = static_cast<std::uint32_t>(a);
    d.b_i = static_cast<std::uint32_t>(b);
    d.round_i = round;
    d.eval();
    // the low 63 bits (a signed 32 x 32 product is 63 bits and a sign; the
    // lane reads bits 62..31): ll + lh * 2^17 + (hs + hc) * 2^low_bits, lh
    // signed in low_bits + 18 bits
    constexpr std::uint64_t k63 = (std::uint64_t{1} << 63) - 1;
    const auto want =
        (static_cast<std::uint64_t>(std::int64_t{a} * std::int64_t{b}) + (round ? std::uint64_t{1} << 30 : 0)) & k63;
    const int lh_bits = low_bits + 18;
    const std::int64_t lh = static_cast<std::int64_t>(d.lh_o << (64 - lh_bits)) >> (64 - lh_bits);
    const std::uint64_t got = (d.ll_o + (static_cast<std::uint64_t>(lh) << 17) +
                               ((d.hs_o + d.hc_o) << low_bits)) & k63;
    ++checked;
    if (got != want && ++bad <= 5) {
      ADD_FAILURE() << a << " * " << b << ": got " << static_cast<std::int64_t>(got) << " want "
                    << static_cast<std::int64_t>(want) << " (seed " << seed << ")";
    }
  };
  for (auto a : corners) {
    for (auto b : corners) {
      check(a, b, false);
      check(a, b, true);
    }
  }
  for (int i = 0; i < 4000000; ++i) {
    auto a = static_cast<std::uint32_t>(rng());
    if (i % 2) a = (a & low_mask) | (static_cast<std::uint32_t>(i / 2 % high_values) << low_bits);
    check(static_cast<std::int32_t>(a), static_cast<std::int32_t>(rng()), (i >> 1) & 1);
  }
  EXPECT_EQ(checked, std::uint64_t{64} * 64 * 2 + 4000000);
  EXPECT_EQ(bad, 0u);
  d.final();
}

TEST(Mul32, Dsp48e2SplitEqualsInt64Products) { check_mul32<Vmul32>("Mul32.Dsp48e2", 26); }
TEST(Mul32, Dsp48e1SplitEqualsInt64Products) { check_mul32<Vmul32_24>("Mul32.Dsp48e1", 24); }

}  // namespace
