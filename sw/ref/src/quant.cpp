#include "abacus/ref/quant.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace abacus::ref {

namespace {
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kInt32Min = std::numeric_limits<std::int32_t>::min();
}  // namespace

std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  if (a == kInt32Min && b == kInt32Min) return static_cast<std::int32_t>(kInt32Max);
  const std::int64_t ab = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
  const std::int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return static_cast<std::int32_t>((ab + nudge) / (1LL << 31));  // C++ division truncates
}

std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
  if (exponent < 0 || exponent > 31) {
    throw std::invalid_argument("rounding_divide_by_pot: exponent " + std::to_string(exponent) +
                                " outside [0, 31]");
  }
  const std::int32_t mask = static_cast<std::int32_t>((1LL << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

std::int32_t saturating_left_shift(std::int32_t x, int s) {
  if (s < 0 || s > 31) {
    throw std::invalid_argument("saturating_left_shift: shift " + std::to_string(s) +
                                " outside [0, 31]");
  }
  const std::int64_t wide = static_cast<std::int64_t>(x) * (1LL << s);
  if (wide > kInt32Max) return static_cast<std::int32_t>(kInt32Max);
  if (wide < kInt32Min) return static_cast<std::int32_t>(kInt32Min);
  return static_cast<std::int32_t>(wide);
}

std::int32_t scale_by_fixed_point(std::int32_t x, std::int32_t multiplier, int shift) {
  if (shift < kMinShift || shift > kMaxShift) {
    throw std::invalid_argument("scale_by_fixed_point: shift " + std::to_string(shift) +
                                " outside [-31, 31]");
  }
  const int left = shift > 0 ? shift : 0;
  const int right = shift < 0 ? -shift : 0;
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(saturating_left_shift(x, left), multiplier), right);
}

std::int8_t requantize(std::int32_t acc, std::int32_t bias, std::int32_t multiplier, int shift,
                       std::int32_t zp_out, std::int32_t act_min, std::int32_t act_max) {
  // int32 wrap-around, computed in unsigned arithmetic to stay defined C++.
  const auto biased = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) +
                                                static_cast<std::uint32_t>(bias));
  std::int64_t v = static_cast<std::int64_t>(scale_by_fixed_point(biased, multiplier, shift)) + zp_out;
  if (v < act_min) v = act_min;
  if (v > act_max) v = act_max;
  return static_cast<std::int8_t>(v);
}

std::int8_t requantize_float(std::int32_t acc, std::int32_t bias, float scale, std::int32_t zp_out,
                             std::int32_t act_min, std::int32_t act_max) {
  if (!std::isfinite(scale)) {
    throw std::invalid_argument("requantize_float: scale " + std::to_string(scale) + " is not finite");
  }
  const auto biased = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) +
                                                static_cast<std::uint32_t>(bias));
  // Each operation rounds to binary32 under the default rounding mode (round
  // to nearest, ties to even); the build keeps float expressions in float
  // (no excess precision on x86-64 SSE, -ffp-contract=off against fused
  // multiply-adds).
  const float x = static_cast<float>(biased);
  const float product = x * scale;
  const float rounded = std::nearbyint(product);
  // |rounded| may be far outside int32: clamp in floating point first.
  const double v = static_cast<double>(rounded) + zp_out;
  if (v < act_min) return static_cast<std::int8_t>(act_min);
  if (v > act_max) return static_cast<std::int8_t>(act_max);
  return static_cast<std::int8_t>(static_cast<std::int32_t>(v));
}

OutputStage OutputStage::uniform_float(int n, float scale, std::int32_t zp_out) {
  OutputStage os;
  os.mode = RequantMode::kFloat32;
  os.bias.assign(static_cast<std::size_t>(n), 0);
  os.scale.assign(static_cast<std::size_t>(n), scale);
  os.zp_out = zp_out;
  return os;
}

std::int8_t OutputStage::apply(int c, std::int32_t acc) const {
  const auto i = static_cast<std::size_t>(c);
  if (mode == RequantMode::kFloat32) {
    return requantize_float(acc, bias[i], scale[i], zp_out, act_min, act_max);
  }
  return requantize(acc, bias[i], multiplier[i], shift[i], zp_out, act_min, act_max);
}

namespace {
// The float mode's parameter words (docs/isa.md): the scale's significand
// with its hidden bit, signed, times 2^7 (0 for a zero or subnormal scale),
// and T0 = 143 - exponent clamped to [5, 49] (the lane's result is 0 for
// any T0 >= 49 and saturates for any T0 <= 5, so the clamp changes nothing).
struct FloatWords {
  std::int32_t significand;
  std::int32_t t0;
};
FloatWords float_words(float scale) {
  std::uint32_t bits;
  std::memcpy(&bits, &scale, sizeof bits);
  const int e = static_cast<int>((bits >> 23) & 0xff);
  if (e == 0) return {0, 49};
  const std::int32_t sig = static_cast<std::int32_t>(((bits & 0x7fffffu) | 0x800000u) << 7);
  return {(bits >> 31) ? -sig : sig, std::min(std::max(143 - e, 5), 49)};
}
}  // namespace

std::uint32_t OutputStage::scale_word(int c) const {
  const auto i = static_cast<std::size_t>(c);
  if (mode == RequantMode::kFloat32) return static_cast<std::uint32_t>(float_words(scale[i]).significand);
  return static_cast<std::uint32_t>(multiplier[i]);
}

std::int32_t OutputStage::shift_word(int c) const {
  const auto i = static_cast<std::size_t>(c);
  return mode == RequantMode::kFloat32 ? float_words(scale[i]).t0 : shift[i];
}

OutputStage OutputStage::uniform(int n, std::int32_t multiplier, int shift, std::int32_t zp_out) {
  OutputStage os;
  os.bias.assign(static_cast<std::size_t>(n), 0);
  os.multiplier.assign(static_cast<std::size_t>(n), multiplier);
  os.shift.assign(static_cast<std::size_t>(n), shift);
  os.zp_out = zp_out;
  return os;
}

void OutputStage::validate(int channels) const {
  const auto n = static_cast<std::size_t>(channels);
  auto need = [&](const std::vector<std::int32_t>& v, const char* name) {
    if (v.size() != n) {
      throw std::invalid_argument(std::string("OutputStage.") + name + " has " +
                                  std::to_string(v.size()) + " entries, expected " +
                                  std::to_string(channels));
    }
  };
  need(bias, "bias");
  if (mode == RequantMode::kFloat32) {
    if (scale.size() != n) {
      throw std::invalid_argument("OutputStage.scale has " + std::to_string(scale.size()) +
                                  " entries, expected " + std::to_string(channels));
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(scale[i])) {
        throw std::invalid_argument("OutputStage.scale[" + std::to_string(i) + "] = " +
                                    std::to_string(scale[i]) + " is not finite");
      }
    }
  } else {
    need(multiplier, "multiplier");
    need(shift, "shift");
    for (std::size_t i = 0; i < n; ++i) {
      if (shift[i] < kMinShift || shift[i] > kMaxShift) {
        throw std::invalid_argument("OutputStage.shift[" + std::to_string(i) + "] = " +
                                    std::to_string(shift[i]) + " outside [-31, 31]");
      }
    }
  }
  auto in_int8 = [](std::int32_t v) { return v >= -128 && v <= 127; };
  if (!in_int8(zp_out)) throw std::invalid_argument("OutputStage.zp_out " + std::to_string(zp_out) + " outside int8");
  if (!in_int8(act_min) || !in_int8(act_max) || act_min > act_max) {
    throw std::invalid_argument("OutputStage clamp [" + std::to_string(act_min) + ", " +
                                std::to_string(act_max) + "] is not an int8 range");
  }
}

QuantizedMultiplier quantize_multiplier(double scale) {
  if (!std::isfinite(scale) || scale < 0.0) {
    throw std::invalid_argument("quantize_multiplier: scale must be finite and >= 0");
  }
  if (scale == 0.0) return {0, 0};
  int exponent = 0;
  const double q = std::frexp(scale, &exponent);  // scale = q * 2^exponent, q in [0.5, 1)
  auto q_fixed = static_cast<std::int64_t>(std::llround(q * 2147483648.0));
  if (q_fixed == (1LL << 31)) {  // q rounded up to 1.0
    q_fixed /= 2;
    ++exponent;
  }
  if (exponent > kMaxShift) {
    throw std::invalid_argument("quantize_multiplier: scale " + std::to_string(scale) +
                                " too large (limit 2^31)");
  }
  if (exponent < kMinShift) {
    // Below 2^-32: keep the largest right shift and a denormal multiplier.
    q_fixed = std::llround(std::ldexp(scale, 31 - kMinShift));
    exponent = kMinShift;
  }
  return {static_cast<std::int32_t>(q_fixed), exponent};
}

}  // namespace abacus::ref
