// One requantization lane (abacus_requant) against the golden requantize(),
// over hand-picked corners and many random vectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <optional>
#include <random>
#include <utility>

#include "Vrequant.h"
#include "abacus/ref/quant.hpp"
#include "common/seed.hpp"
#include "common/sim.hpp"

namespace {

struct Vec {
  std::int32_t acc, bias, mult;  // mult, shift: the parameter words (either mode)
  int shift;
  std::int32_t zp, lo, hi;
  bool is_float = false;
  float scale = 0;  // is_float: the scale the words encode
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
    constexpr int kLatency = 11;
    auto& d = sim_->dut();
    std::vector<std::int8_t> out;
    d.en_i = 1;
    for (std::size_t i = 0; i < vs.size() + kLatency; ++i) {
      const Vec& v = vs[std::min(i, vs.size() - 1)];
      d.acc_i = static_cast<std::uint32_t>(v.acc);
      d.bias_i = static_cast<std::uint32_t>(v.bias);
      // mult is taken at the fourth stage, three cycles after acc
      d.mult_i = static_cast<std::uint32_t>(vs[std::min(i >= 3 ? i - 3 : 0, vs.size() - 1)].mult);
      d.shift_i = static_cast<std::uint8_t>(v.shift & 0x3f);
      d.float_i = v.is_float;
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
  if (v.is_float) return abacus::ref::requantize_float(v.acc, v.bias, v.scale, v.zp, v.lo, v.hi);
  return abacus::ref::requantize(v.acc, v.bias, v.mult, v.shift, v.zp, v.lo, v.hi);
}

// Every vector through the lane against the golden kernel; the first five
// differences named.
void expect_lane_matches_golden(const std::vector<Vec>& vs, std::uint64_t seed) {
  RequantLane lane(seed);
  const auto got = lane.run(vs);
  int bad = 0;
  for (std::size_t i = 0; i < vs.size(); ++i) {
    if (got[i] != golden(vs[i]) && ++bad <= 5) {
      const Vec& v = vs[i];
      ADD_FAILURE() << (v.is_float ? "float " + std::to_string(v.scale) : "fixed") << " acc " << v.acc << " bias "
                    << v.bias << " mult 0x" << std::hex << v.mult << std::dec << " shift " << v.shift << " zp " << v.zp
                    << " [" << v.lo << "," << v.hi << "]: got " << int(got[i]) << " want " << int(golden(v));
    }
  }
  EXPECT_EQ(bad, 0) << "seed " << seed;
}

// Hand-worked vectors: the golden kernel must agree with each hand value
// (else the case is wrong), then the lane must produce it.
struct HandCase {
  Vec v;
  std::int8_t want;
};
void run_hand_cases(const std::vector<HandCase>& cases, std::uint64_t seed) {
  std::vector<Vec> vs;
  for (const auto& c : cases) {
    ASSERT_EQ(int(golden(c.v)), int(c.want)) << "golden disagrees with the hand value, case " << vs.size();
    vs.push_back(c.v);
  }
  RequantLane lane(seed);
  const auto got = lane.run(vs);
  for (std::size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(int(got[i]), int(cases[i].want)) << "case " << i;
}

TEST(RequantLane, HandComputedCorners) {
  const std::int32_t one = INT32_MAX;
  const std::vector<HandCase> cases = {
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
  run_hand_cases(cases, 1);
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
  expect_lane_matches_golden(vs, seed);
}

// ---- the float32 mode's integer algorithm, as the lane computes it -------
// A bit-level model of abacus_requant's float path (docs/architecture.md
// "Float32 requantization"), checked here against binary32 arithmetic
// (requantize_float) before the RTL is: a disagreement here is an error in
// the method, one only in the RTL test below an error in the RTL. It starts
// from the parameter words the host writes (OutputStage::scale_word and
// shift_word).
std::int64_t float_lane_model_y(std::int32_t x, std::int32_t mult, int t0) {
  // Normalize x: lz = redundant sign bits (0..31), n = x << lz.
  const auto u = static_cast<std::uint32_t>(x ^ (x >> 31));
  const int lz = u == 0 ? 31 : __builtin_clz(u) - 1;
  const auto n = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << lz);
  if (x == 0) return 0;
  // float32(x): n's top 25 bits (sign and 24 significant), rounded half to
  // even at bit 7: (qf + ru) * 2^(7 - lz).
  const std::int64_t qf = n >> 7;
  const bool lsb = (n >> 7) & 1, g = (n >> 6) & 1, st = (n & 0x3f) != 0;
  const std::int64_t q = qf + ((g && (st || lsb)) ? 1 : 0);
  // The product, exact: mult = +-significand * 2^7, |Q| in [2^46, 2^48)
  // (or 0); value = Q * 2^-T.
  const std::int64_t Q = q * (mult / 128);
  const int T = t0 + lz;
  if (T >= 49) return 0;                     // |value| < 1/2 (a tie at 1/2 goes to 0)
  if (T <= 36) return Q < 0 ? -1024 : 1024;  // |value| >= 2^10: saturates
  // Rounding the product to 24 significant bits, then to an integer, is
  // rounding to nearest except within the first rounding's half-step
  // 2^(k1-1) of a half-integer, where it is the even neighbour: one add of
  // half + that step, a shift, and bit 0 cleared in the window.
  const bool big = ((Q >> 47) ^ (Q >> 48)) & 1;  // |Q| >= 2^47 (sign-based)
  const int k1 = big ? 24 : 23;
  const std::int64_t f = Q & ((std::int64_t{1} << T) - 1);
  const std::int64_t half = std::int64_t{1} << (T - 1);
  const std::int64_t tol = std::int64_t{1} << (k1 - 1);
  const bool tie = (f >= half ? f - half : half - f) <= tol;
  const std::int64_t w = Q >> 18;  // the window the lane adds in
  const std::int64_t y = (w + (std::int64_t{1} << (T - 19)) + (std::int64_t{1} << (k1 - 19))) >> (T - 18);
  return tie ? (y & ~std::int64_t{1}) : y;
}

std::int8_t float_lane_model(std::int32_t acc, std::int32_t bias, float scale, std::int32_t zp,
                             std::int32_t lo, std::int32_t hi) {
  const auto x = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) + static_cast<std::uint32_t>(bias));
  const abacus::ref::OutputStage os = abacus::ref::OutputStage::uniform_float(1, scale);
  const std::int64_t v = float_lane_model_y(x, static_cast<std::int32_t>(os.scale_word(0)), os.shift_word(0)) + zp;
  return static_cast<std::int8_t>(std::min<std::int64_t>(std::max<std::int64_t>(v, lo), hi));
}

float random_scale(std::mt19937_64& rng) {
  // Mostly realistic requantization scales (2^-30 .. 2^2), some anywhere in
  // the finite binary32 range, some subnormal, zero or negative.
  auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::uint32_t bits = static_cast<std::uint32_t>(rng()) & 0x7fffff;
  const int kind = in(0, 19);
  int e = kind == 0 ? in(1, 254) : kind == 1 ? 0 : in(127 - 30, 127 + 2);
  bits |= static_cast<std::uint32_t>(e) << 23;
  if (kind == 2 || in(0, 15) == 0) bits |= 0x80000000u;
  float s;
  std::memcpy(&s, &bits, 4);
  return s;
}

// x and a scale s with x * s within about one float32 step of a
// half-integer (y + 1/2, |y| <= 300), where rounding the product to 24 bits
// first decides the result: s = m * 2^-j with m the 24-bit integer nearest
// (2y + 1) * 2^(j-1) / x, so x * m is within x / 2 of (2y + 1) * 2^(j-1),
// about the product's half step (x = 0 if no such scale).
std::pair<std::int32_t, float> near_half_case(std::mt19937_64& rng) {
  auto in = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
  const std::int64_t x = in(1, (std::int64_t{1} << in(1, 24)) - 1);
  const std::int64_t y2 = 2 * in(0, 300) + 1;
  int j = 1;
  while ((y2 << (j - 1)) / x < (std::int64_t{1} << 23) && j < 62) ++j;
  const std::int64_t m = ((y2 << (j - 1)) + x / 2) / x + in(-1, 1);
  if (m >= (std::int64_t{1} << 24) || m < (std::int64_t{1} << 23) || j > 149) return {0, 0.0f};
  const float s = static_cast<float>(std::ldexp(static_cast<double>(m), -j));
  return {static_cast<std::int32_t>(in(0, 1) ? x : -x), s};
}

// x and a scale s = m * 2^-j with x * s next to a half-integer y + 1/2
// (|y| <= 300): x = (2y + 1) * 2^j / (2m) rounded, and one either side
// (nothing when that x leaves int32).
std::optional<std::pair<std::int32_t, float>> near_half_by_x(std::mt19937_64& rng) {
  auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int j = in(0, 30);
  const auto m = static_cast<std::int64_t>(in(1 << 22, (1 << 24) - 1)) | 1;
  const std::int64_t y2 = 2 * in(-300, 300) + 1;
  const double xd = std::ldexp(static_cast<double>(y2), j) / (2.0 * static_cast<double>(m));
  if (std::fabs(xd) >= 2147483000.0) return std::nullopt;
  const auto x = static_cast<std::int32_t>(std::llround(xd)) + in(-1, 1);
  return std::make_pair(x, static_cast<float>(std::ldexp(static_cast<double>(m), -j)));
}

TEST(RequantLane, FloatAlgorithmMatchesBinary32) {
  const std::uint64_t seed = abacus::sim::test_seed("RequantLane.FloatAlgorithmMatchesBinary32");
  std::mt19937_64 rng(seed);
  auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  long bad = 0, ties = 0, n = 0;
  auto check = [&](std::int32_t x, float s) {
    ++n;
    const std::int8_t want = abacus::ref::requantize_float(x, 0, s, 0, -128, 127);
    const std::int8_t got = float_lane_model(x, 0, s, 0, -128, 127);
    const float p = static_cast<float>(x) * s;
    if (p - std::floor(p) == 0.5f) ++ties;
    if (got != want && ++bad <= 5) {
      ADD_FAILURE() << "x " << x << " scale " << s << ": model " << int(got) << " binary32 " << int(want);
    }
  };
  // Every x in [-2^20, 2^20] for a few scales, then random x of every
  // magnitude (including >= 2^24, where float32(x) rounds) with random
  // scales, then products placed on and next to half-integers.
  for (float s : {1.0f / 3.0f, 0.0078125f, 0.0009765625f * 1.1f, 3.05e-5f}) {
    for (std::int32_t x = -(1 << 20); x <= (1 << 20); ++x) check(x, s);
  }
  for (int i = 0; i < 3000000; ++i) {
    const auto x = static_cast<std::int32_t>(rng()) >> in(0, 31);
    check(x, random_scale(rng));
  }
  for (int i = 0; i < 2000000; ++i) {
    if (const auto c = near_half_by_x(rng)) check(c->first, c->second);
  }
  for (int i = 0; i < 2000000; ++i) {
    const auto [x, s] = near_half_case(rng);
    check(x, s);
  }
  EXPECT_GT(ties, 1000) << "too few exact ties exercised";
  EXPECT_EQ(bad, 0) << "seed " << seed << ", " << n << " cases";
  std::printf("float algorithm: %ld cases, %ld exact binary32 ties, seed %llu\n", n, ties,
              static_cast<unsigned long long>(seed));
}

// A float vector: the parameter words as the host writes them, the scale
// kept for the golden kernel.
Vec float_vec(std::int32_t acc, std::int32_t bias, float scale, std::int32_t zp = 0, std::int32_t lo = -128,
              std::int32_t hi = 127) {
  const abacus::ref::OutputStage os = abacus::ref::OutputStage::uniform_float(1, scale);
  Vec v{acc, bias, static_cast<std::int32_t>(os.scale_word(0)), os.shift_word(0), zp, lo, hi, true};
  v.scale = scale;
  return v;
}

float bits_to_float(std::uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

TEST(RequantLane, FloatHandComputedCorners) {
  const std::vector<HandCase> cases = {
      {float_vec(5, 0, 0.5f), 2},                    // 2.5: tie to even, down
      {float_vec(7, 0, 0.5f), 4},                    // 3.5: tie to even, up
      {float_vec(-5, 0, 0.5f), -2},
      {float_vec(-7, 0, 0.5f), -4},
      {float_vec(1, 0, 0.5f), 0},                    // 0.5 -> 0
      {float_vec(-1, 0, 0.5f), 0},
      {float_vec(3, 0, 0.5f), 2},                    // 1.5 -> 2
      {float_vec(100, 7, 0.25f), 27},                // 26.75
      {float_vec(1000, 0, 0.1f), 100},               // 100.0000015 -> 100
      // float32(16777217) = 16777216: 2^24 * 2^-18 = 64, and 16777219 -> 16777220
      {float_vec(16777217, 0, 0x1p-18f), 64},
      {float_vec(16777219 * 2, 0, 0x1p-19f), 64},   // 33554438 -> 33554440 -> 64.0000153
      {float_vec(INT32_MIN, 0, 0x1p-24f), -128},     // -128 exactly
      {float_vec(INT32_MAX, 0, 0x1p-24f), 127},      // float32 -> 2^31: 128, clamped
      {float_vec(0, 0, 1e30f), 0},                   // x = 0 with a huge scale
      {float_vec(1, 0, 1e30f), 127},                 // saturates
      {float_vec(-1, 0, 1e30f), -128},
      {float_vec(123456, 0, 0.0f), 0},               // zero scale
      {float_vec(123456, 0, bits_to_float(1)), 0},   // subnormal scale
      {float_vec(40, 0, -0.5f), -20},                // negative scale
      {float_vec(41, 0, -0.5f), -20},                // -20.5 -> -20
      {float_vec(100, 0, 1.0f, -128, -128, -68), -68},  // ReLU6-style clamp
      {float_vec(77, 0, 1.0f, 100), 127},            // zp pushes past int8
      // double rounding: 5000002 * 0x1.77cf3ap-21 = 3.49999991 exactly,
      // 3.5 in binary32 (24 bits), so 4 (even); rounded once it is 3
      {float_vec(5000002, 0, bits_to_float(0x353be79d)), 4},
      {float_vec(-5000002, 0, bits_to_float(0x353be79d)), -4},
  };
  run_hand_cases(cases, 2);
}

// Fixed-point and float vectors interleaved at random (the mode is taken
// per vector), float ones of every magnitude and on and next to the
// half-integers where binary32's double rounding decides, against
// requantize_float.
TEST(RequantLane, FloatRandomVectorsBitExact) {
  const std::uint64_t seed = abacus::sim::test_seed("RequantLane.FloatRandomVectorsBitExact");
  std::mt19937_64 rng(seed);
  auto i32 = [&] { return std::uniform_int_distribution<std::int32_t>()(rng); };
  auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<Vec> vs;
  long near_half = 0;
  for (int i = 0; i < 400000; ++i) {
    Vec v;
    const int kind = in(0, 7);
    if (kind == 0) {  // fixed point
      v = {i32() >> in(0, 31), i32() >> in(0, 31), i32(), in(-31, 31), 0, 0, 0, false};
    } else if (kind <= 3) {  // float, any magnitude
      v = float_vec(i32() >> in(0, 31), in(0, 1) ? 0 : i32() >> in(0, 31), random_scale(rng));
    } else {  // float, x * s within a float32 step of y + 1/2, or next to it
      const auto c = kind <= 5 ? std::optional(near_half_case(rng)) : near_half_by_x(rng);
      if (!c) continue;
      // the same x, as acc + bias with a random bias (wrapping like the lane)
      const std::int32_t bias = in(-1000, 1000);
      const auto acc =
          static_cast<std::int32_t>(static_cast<std::uint32_t>(c->first) - static_cast<std::uint32_t>(bias));
      v = float_vec(acc, bias, c->second);
      ++near_half;
    }
    v.zp = in(-128, 127);
    v.lo = in(-128, 127);
    v.hi = in(v.lo, 127);
    if (in(0, 3) == 0) v.lo = -128, v.hi = 127;
    vs.push_back(v);
  }
  EXPECT_GT(near_half, 100000);
  expect_lane_matches_golden(vs, seed);
}

}  // namespace
