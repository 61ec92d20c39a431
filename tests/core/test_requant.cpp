// One requantization lane (abacus_requant) against the golden requantize(),
// over hand-picked corners and many random vectors.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>

#include "Vrequant.h"
#include "abacus/ref/quant.hpp"
#include "common/seed.hpp"
#include "common/sim.hpp"

namespace {

struct Vec {
  std::int32_t acc, bias, mult;
  int shift;
  std::int32_t zp, lo, hi;
};

class RequantLane {
 public:
  explicit RequantLane(std::uint64_t seed) {
    abacus::sim::SimOptions opt;
    opt.name = "RequantLane";
    opt.seed = seed;
    opt.rand_reset = abacus::sim::rand_reset_from_env();
    sim_ = std::make_unique<abacus::sim::Sim<Vrequant>>(opt);
  }
  // Pushes vectors one per cycle, returns the lane's outputs in order.
  std::vector<std::int8_t> run(const std::vector<Vec>& vs) {
    constexpr int kLatency = 9;
    auto& d = sim_->dut();
    std::vector<std::int8_t> out;
    d.en_i = 1;
    for (std::size_t i = 0; i < vs.size() + kLatency; ++i) {
      const Vec& v = vs[std::min(i, vs.size() - 1)];
      d.acc_i = static_cast<std::uint32_t>(v.acc);
      d.bias_i = static_cast<std::uint32_t>(v.bias);
      d.mult_i = static_cast<std::uint32_t>(v.mult);
      d.shift_i = static_cast<std::uint8_t>(v.shift & 0x3f);
      // The shared fields are quasi-static in the core; here they change per
      // vector and are taken by the stage before the output, kLatency - 2
      // cycles in.
      const Vec& o = vs[std::min(i >= kLatency - 2 ? i - (kLatency - 2) : 0, vs.size() - 1)];
      d.zp_out_i = static_cast<std::uint8_t>(o.zp);
      d.clamp_min_i = static_cast<std::uint8_t>(o.lo);
      d.clamp_max_i = static_cast<std::uint8_t>(o.hi);
      sim_->settle();
      if (i >= kLatency) out.push_back(static_cast<std::int8_t>(d.out_o));
      sim_->tick();
    }
    return out;
  }

 private:
  std::unique_ptr<abacus::sim::Sim<Vrequant>> sim_;
};

std::int8_t golden(const Vec& v) {
  return abacus::ref::requantize(v.acc, v.bias, v.mult, v.shift, v.zp, v.lo, v.hi);
}

TEST(RequantLane, HandComputedCorners) {
  const std::int32_t one = INT32_MAX;
  struct Case { Vec v; std::int8_t want; };
  const std::vector<Case> cases = {
      {{3, 0, 1 << 30, 0, 0, -128, 127}, 2},            // SRDHM tie up
      {{-3, 0, 1 << 30, 0, 0, -128, 127}, -1},          // SRDHM tie toward +inf
      {{3, 0, one, -1, 0, -128, 127}, 2},               // RDBPOT tie away from 0
      {{-3, 0, one, -1, 0, -128, 127}, -2},
      {{0, INT32_MAX, one, -31, 0, -128, 127}, 1},      // shift 31
      {{0, INT32_MIN, INT32_MIN, 0, 0, -128, 127}, 127},  // SRDHM saturation
      {{INT32_MAX, 1, one, 0, 0, -128, 127}, -128},     // acc + bias wraps
      {{1, 0, 1 << 30, 31, 0, -128, 127}, 127},         // left shift saturates
      {{-1, 0, 1 << 30, 31, 0, -128, 127}, -128},
      {{100, 0, one, 0, -128, -128, -68}, -68},         // ReLU6 clamp high
      {{-50, 0, one, 0, -128, -128, -68}, -128},        // ReLU6 clamp low
      {{40, 0, one, 0, 100, -128, 127}, 127},           // zp pushes past int8
      {{1 << 20, 0, 1 << 30, -14, -7, -128, 127}, 25},  // 2^20/2/2^14 = 32, -7
  };
  std::vector<Vec> vs;
  for (const auto& c : cases) {
    ASSERT_EQ(int(golden(c.v)), int(c.want)) << "golden disagrees with the hand value";
    vs.push_back(c.v);
  }
  RequantLane lane(1);
  const auto got = lane.run(vs);
  for (std::size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(int(got[i]), int(cases[i].want)) << "case " << i;
}

TEST(RequantLane, RandomVectorsBitExact) {
  const std::uint64_t seed = abacus::sim::test_seed("RequantLane.RandomVectorsBitExact");
  std::mt19937_64 rng(seed);
  auto i32 = [&] { return std::uniform_int_distribution<std::int32_t>()(rng); };
  auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<Vec> vs;
  for (int i = 0; i < 200000; ++i) {
    Vec v;
    // mix magnitudes so every rounding path and both saturations occur
    const int kind = in(0, 3);
    v.acc = kind == 0 ? in(-64, 64) : i32() >> in(0, 31);
    v.bias = kind == 1 ? 0 : i32() >> in(0, 31);
    v.mult = in(0, 4) == 0 ? i32() : std::uniform_int_distribution<std::int32_t>(1 << 30, INT32_MAX)(rng);
    v.shift = in(0, 3) == 0 ? in(-31, 31) : in(-31, 0);
    v.zp = in(-128, 127);
    v.lo = in(-128, 127);
    v.hi = in(v.lo, 127);
    vs.push_back(v);
  }
  RequantLane lane(seed);
  const auto got = lane.run(vs);
  int bad = 0;
  for (std::size_t i = 0; i < vs.size(); ++i) {
    if (got[i] != golden(vs[i]) && ++bad <= 5) {
      const Vec& v = vs[i];
      ADD_FAILURE() << "acc " << v.acc << " bias " << v.bias << " mult " << v.mult << " shift " << v.shift
                    << " zp " << v.zp << " [" << v.lo << "," << v.hi << "]: got " << int(got[i])
                    << " want " << int(golden(v));
    }
  }
  EXPECT_EQ(bad, 0) << "seed " << seed;
}

}  // namespace
