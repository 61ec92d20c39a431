#include "abacus/ref/random.hpp"

#include <cmath>

namespace abacus::ref {

std::vector<std::int8_t> Random::int8s(std::size_t n) {
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(uniform(-128, 127));
  return v;
}

double typical_acc_std(int depth) { return 128.0 * 74.0 * std::sqrt(static_cast<double>(depth)); }

OutputStage random_output_stage(Random& r, int n, int depth, const OutputStageSpec& spec) {
  OutputStage os;
  const double acc_std = typical_acc_std(depth);
  for (int j = 0; j < n; ++j) {
    const int e = spec.exp_lo == spec.exp_hi ? spec.exp_lo : r.uniform(spec.exp_lo, spec.exp_hi);
    const double scale = 40.0 / acc_std * std::ldexp(1.0, e);
    os.bias.push_back(r.uniform(-spec.bias_bound, spec.bias_bound));
    if (spec.mode == RequantMode::kFloat32) {
      // every significand bit random, so products hit every rounding case
      os.scale.push_back(static_cast<float>(scale * (0.75 + 0.5 * r.uniform(0, (1 << 24) - 1) / 16777216.0)));
    } else {
      const QuantizedMultiplier q = quantize_multiplier(scale);
      os.multiplier.push_back(q.multiplier);
      os.shift.push_back(q.shift);
    }
  }
  os.mode = spec.mode;
  os.zp_out = r.uniform(-spec.zp_out_bound, spec.zp_out_bound);
  return os;
}

}  // namespace abacus::ref
