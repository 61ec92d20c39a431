// The 64-bit performance counter without a 64-bit adder (abacus_count64:
// the increment registered, a 32-bit add with its carry registered, the
// high half plus one registered beforehand) against a uint64_t, every
// cycle, one cycle late: random adds below 2^31 in every cycle, and of any
// 32-bit value every second cycle, so the low half carries into the high
// half every few cycles; clears in between, which also drop the add given
// in the cycle before them (not yet counted).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>

#include "Vcount64.h"
#include "common/seed.hpp"
#include "common/sim.hpp"

namespace {

TEST(Count64, MatchesUint64AcrossCarries) {
  const std::uint64_t seed = abacus::sim::test_seed("Count64.MatchesUint64AcrossCarries");
  std::mt19937_64 rng(seed);
  abacus::sim::SimOptions opt;
  opt.name = "Count64";
  opt.seed = seed;
  opt.rand_reset = abacus::sim::rand_reset_from_env();
  abacus::sim::Sim<Vcount64> sim(opt);
  auto& d = sim.dut();
  d.clear_i = 0;
  d.add_i = 0;
  d.add_val_i = 0;
  sim.reset();
  std::uint64_t want = 0, carries = 0, checked = 0;
  std::uint32_t pending = 0;  // the add given at the edge before: counted at this one
  auto step = [&](bool clear, bool add, std::uint32_t v) {
    d.clear_i = clear;
    d.add_i = add;
    d.add_val_i = v;
    sim.tick();
    if (clear) {
      want = 0;
      pending = 0;
    } else {
      if ((want & 0xffffffffu) + pending > 0xffffffffu) ++carries;
      want += pending;
      pending = add ? v : 0;
    }
    sim.settle();
    ASSERT_EQ(d.count_o, want) << "after adding " << v << " (seed " << seed << ")";
    ++checked;
  };
  // rounds: adds below 2^31 in every cycle, then any 32-bit value every
  // second cycle (the two ways the counters are used), each from a clear
  for (int round = 0; round < 4; ++round) {
    step(false, true, 0x7654321u);  // given, then dropped by the clear before it is counted
    step(true, false, 0);
    for (int i = 0; i < 20000; ++i) {
      step(false, true, static_cast<std::uint32_t>(rng()) >> 1);
      if (::testing::Test::HasFatalFailure()) return;
    }
    // (an idle cycle between the two uses: a carry in the last add above
    // and one in the first add below would be two in consecutive cycles,
    // which the module's contract excludes)
    step(false, false, 0);
    for (int i = 0; i < 20000; ++i) {
      step(false, true, static_cast<std::uint32_t>(rng()));
      step(false, false, 0);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  EXPECT_GT(carries, 40000u);
  EXPECT_EQ(checked, 4u * (2 + 20000 + 1 + 40000));
}

}  // namespace
