// The dependency-token counters (abacus_tokens) alone against a model of
// their rule, every cycle: four 8-bit counts; a push adds one, a pop (only
// of a token that is there) takes one; a push while the count is 255 is
// refused and reported (TOKEN_OVERFLOW, the lowest such counter's index),
// with or without a pop in the same cycle; clear empties them. Random
// pushes and pops, biased so every counter climbs to 255 and sits there,
// with clears now and then.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>

#include "Vtokens.h"
#include "common/seed.hpp"
#include "common/sim.hpp"

namespace {

TEST(Tokens, CountsAndOverflowEveryCycle) {
  const std::uint64_t seed = abacus::sim::test_seed("Tokens.CountsAndOverflowEveryCycle");
  std::mt19937_64 rng(seed);
  abacus::sim::SimOptions opt;
  opt.name = "Tokens";
  opt.seed = seed;
  opt.rand_reset = abacus::sim::rand_reset_from_env();
  abacus::sim::Sim<Vtokens> sim(opt);
  auto& d = sim.dut();
  auto drive = [&](bool clear, const std::array<bool, 4>& push, const std::array<bool, 4>& pop) {
    d.clear_i = clear;
    d.l2c_push_i = push[0];
    d.c2l_push_i = push[1];
    d.c2s_push_i = push[2];
    d.s2c_push_i = push[3];
    d.l2c_pop_i = pop[0];
    d.c2l_pop_i = pop[1];
    d.c2s_pop_i = pop[2];
    d.s2c_pop_i = pop[3];
  };
  drive(false, {}, {});
  sim.reset();
  std::array<unsigned, 4> want{};
  std::array<unsigned, 4> overflows{}, full_with_pop{};
  auto counts = [&]() {
    return std::array<unsigned, 4>{d.l2c_o, d.c2l_o, d.c2s_o, d.s2c_o};
  };
  auto avail = [&]() {
    return std::array<bool, 4>{d.l2c_avail_o != 0, d.c2l_avail_o != 0, d.c2s_avail_o != 0, d.s2c_avail_o != 0};
  };
  for (int phase = 0; phase < 40; ++phase) {
    // push-heavy phases fill the counters, pop-heavy ones drain them
    const double p_push = phase % 4 == 3 ? 0.2 : 0.7, p_pop = phase % 4 == 3 ? 0.8 : 0.35;
    for (int i = 0; i < 2000; ++i) {
      const bool clear = i == 0 && phase % 10 == 9;
      std::array<bool, 4> push{}, pop{};
      for (int k = 0; k < 4; ++k) {  // (a clear comes with the engines idle: no push or pop with it)
        push[k] = !clear && std::bernoulli_distribution(p_push)(rng);
        pop[k] = !clear && want[k] > 0 && std::bernoulli_distribution(p_pop)(rng);  // engines pop only what is there
      }
      drive(clear, push, pop);
      sim.settle();
      // the overflow report is combinational, in the cycle of the push
      bool any = false;
      unsigned idx = 0;
      for (int k = 3; k >= 0; --k) {
        if (push[k] && want[k] == 255) {
          any = true;
          idx = static_cast<unsigned>(k);
        }
      }
      ASSERT_EQ(d.overflow_o != 0, any) << "cycle " << i << " of phase " << phase;
      if (any) {
        ASSERT_EQ(d.overflow_idx_o, idx) << "cycle " << i << " of phase " << phase;
      }
      sim.tick();
      for (int k = 0; k < 4; ++k) {
        if (clear) {
          want[k] = 0;
          continue;
        }
        const bool refused = push[k] && want[k] == 255;
        if (refused) {
          ++overflows[k];
          if (pop[k]) ++full_with_pop[k];
        }
        want[k] = want[k] + (push[k] && !refused ? 1 : 0) - (pop[k] ? 1 : 0);
      }
      sim.settle();
      const auto got = counts();
      const auto av = avail();
      for (int k = 0; k < 4; ++k) {
        ASSERT_EQ(got[k], want[k]) << "counter " << k << ", cycle " << i << " of phase " << phase;
        ASSERT_EQ(av[k], want[k] != 0) << "counter " << k << ", cycle " << i << " of phase " << phase;
      }
    }
  }
  // the draw reached the cases that matter: every counter refused pushes at
  // 255, some of them with a pop in the same cycle
  for (int k = 0; k < 4; ++k) {
    EXPECT_GT(overflows[k], 10u) << "counter " << k;
    EXPECT_GT(full_with_pop[k], 0u) << "counter " << k;
  }
}

}  // namespace
