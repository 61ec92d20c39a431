// Random quantized problems, the one recipe the CLI, the benchmark suite
// and the tests draw their data from (each with its own seed, printed for
// replay by the caller).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "abacus/ref/quant.hpp"

namespace abacus::ref {

class Random {
 public:
  explicit Random(std::uint64_t seed) : rng_(seed) {}
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  // n int8 values, uniform over [-128, 127]
  std::vector<std::int8_t> int8s(std::size_t n);
  std::mt19937_64& engine() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

// How the output stage of a random problem is drawn.
struct OutputStageSpec {
  int bias_bound = 30000;               // bias uniform in [-bias_bound, bias_bound]
  int exp_lo = -2, exp_hi = 1;          // scale = typical / 2^[exp_lo, exp_hi] (0: typical only)
  int zp_out_bound = 10;                // zp_out uniform in [-bound, bound]
  RequantMode mode = RequantMode::kFixedPoint;  // kFloat32: random binary32 scales of the same size
};

// The standard deviation of a K-deep dot product of int8 values uniform
// over [-128, 127] (each has standard deviation ~74): 128 * 74 * sqrt(K)
// bounds it generously, so a scale of 40 / that puts most outputs inside
// int8 without saturating — rounding, not clamping, decides them.
double typical_acc_std(int depth);

// n channels: per-channel bias and Q31 multiplier/shift (or binary32 scale)
// for a K-deep accumulation (scale 40 / typical_acc_std(depth) * 2^e, the
// float scale's significand random), zp_out; no clamp.
OutputStage random_output_stage(Random& r, int n, int depth, const OutputStageSpec& spec = {});

}  // namespace abacus::ref
