// Requantization: the integer form bit-exact with gemmlowp / TFLite
// reference code, and the float32 form ONNX and PyTorch define.
//
// These are the arithmetic definitions the accelerator must reproduce; each
// function is the plain formula, meant to be checked by eye.
#pragma once

#include <cstdint>
#include <vector>

namespace abacus::ref {

constexpr int kMinShift = -31;  // shift is an exponent: < 0 shifts right
constexpr int kMaxShift = 31;   //                       > 0 shifts left

// gemmlowp SaturatingRoundingDoublingHighMul: round(a * b / 2^31), ties
// toward +infinity; the single overflow case (INT32_MIN * INT32_MIN)
// saturates to INT32_MAX.
std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b);

// gemmlowp RoundingDivideByPOT: round(x / 2^exponent), ties away from zero.
// exponent in [0, 31].
std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent);

// gemmlowp ShiftLeft for int32: x * 2^s saturated to the int32 range.
// s in [0, 31].
std::int32_t saturating_left_shift(std::int32_t x, int s);

// x * multiplier * 2^shift / 2^31 as gemmlowp's
// OutputStageScaleInt32ByFixedPointAndExponent computes it (before the
// offset): saturating left shift by max(shift, 0), doubling high multiply,
// rounding right shift by max(-shift, 0).
std::int32_t scale_by_fixed_point(std::int32_t x, std::int32_t multiplier, int shift);

// How an int32 accumulator becomes int8.
enum class RequantMode {
  kFixedPoint,  // gemmlowp / TFLite: Q31 multiplier and exponent
  kFloat32,     // ONNX / PyTorch: float32 scale, round half to even
};

// Per-output-channel output stage: bias, scale (a Q31 multiplier and shift,
// or a float32 scale), output zero point, clamp to [act_min, act_max] (which
// also expresses fused ReLU and ReLU6), int8.
struct OutputStage {
  RequantMode mode = RequantMode::kFixedPoint;
  std::vector<std::int32_t> bias;        // one per output channel
  std::vector<std::int32_t> multiplier;  // kFixedPoint: Q31, one per output channel
  std::vector<std::int32_t> shift;       // kFixedPoint: exponent in [-31, 31], one per channel
  std::vector<float> scale;              // kFloat32: finite, one per output channel
  std::int32_t zp_out = 0;               // [-128, 127]
  std::int32_t act_min = -128;           // [-128, 127], <= act_max
  std::int32_t act_max = 127;

  // The same multiplier, shift and zero bias for every one of n channels.
  static OutputStage uniform(int n, std::int32_t multiplier, int shift, std::int32_t zp_out = 0);
  // The same float32 scale and zero bias for every one of n channels.
  static OutputStage uniform_float(int n, float scale, std::int32_t zp_out = 0);
  // Throws std::invalid_argument naming the first bad field.
  void validate(int channels) const;
  // Channel c's output for accumulator value acc (validate() first).
  std::int8_t apply(int c, std::int32_t acc) const;
  // Channel c's parameter words as the hardware takes them: the Q31
  // multiplier and the shift, or for kFloat32 the scale's signed
  // significand * 2^7 and 143 - its exponent, clamped to [5, 49] (docs/isa.md).
  std::uint32_t scale_word(int c) const;
  std::int32_t shift_word(int c) const;
};

// One output value: acc + bias wraps in int32 (as the accumulator does); the
// zero point and the clamp are applied without overflow.
std::int8_t requantize(std::int32_t acc, std::int32_t bias, std::int32_t multiplier, int shift,
                       std::int32_t zp_out, std::int32_t act_min, std::int32_t act_max);

// The float32 definition (ONNX QLinearConv/QLinearMatMul, PyTorch's quantized
// engines): x = acc + bias wrapping in int32, then
//   out = clamp(round_half_even(float32(x) * scale) + zp_out, act_min, act_max)
// with float32(x) rounded to nearest even and the product rounded to
// float32, both as IEEE 754 binary32 arithmetic does. scale must be finite
// (throws std::invalid_argument otherwise); zero, subnormal and negative
// scales are defined by the same formula.
std::int8_t requantize_float(std::int32_t acc, std::int32_t bias, float scale, std::int32_t zp_out,
                             std::int32_t act_min, std::int32_t act_max);

// A real multiplier as (Q31 multiplier, exponent) with
// scale ~= multiplier * 2^shift / 2^31. Scales below 2^-32 keep shift = -31
// and a smaller (denormal) multiplier instead of flushing to zero.
// Throws std::invalid_argument for negative, non-finite or >= 2^31 scales.
struct QuantizedMultiplier {
  std::int32_t multiplier;
  int shift;
};
QuantizedMultiplier quantize_multiplier(double scale);

}  // namespace abacus::ref
