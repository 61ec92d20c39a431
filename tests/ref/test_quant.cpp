// Fixed-point primitives and the real-scale helper.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "abacus/ref/quant.hpp"

namespace {

using namespace abacus::ref;

TEST(Quant, DoublingHighMulRoundsTiesTowardPlusInfinity) {
  EXPECT_EQ(saturating_rounding_doubling_high_mul(3, 1 << 30), 2);    // 1.5
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-3, 1 << 30), -1);  // -1.5
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-1, 1 << 30), 0);   // -0.5
  EXPECT_EQ(saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN), INT32_MAX);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(INT32_MAX, INT32_MAX), INT32_MAX - 1);
}

TEST(Quant, DivideByPotRoundsTiesAwayFromZero) {
  EXPECT_EQ(rounding_divide_by_pot(3, 1), 2);
  EXPECT_EQ(rounding_divide_by_pot(-3, 1), -2);
  EXPECT_EQ(rounding_divide_by_pot(5, 2), 1);    // 1.25
  EXPECT_EQ(rounding_divide_by_pot(-6, 2), -2);  // -1.5
  EXPECT_EQ(rounding_divide_by_pot(123, 0), 123);
  EXPECT_EQ(rounding_divide_by_pot(INT32_MAX, 31), 1);
  EXPECT_EQ(rounding_divide_by_pot(INT32_MIN, 31), -1);
  EXPECT_THROW(rounding_divide_by_pot(1, 32), std::invalid_argument);
}

TEST(Quant, LeftShiftSaturates) {
  EXPECT_EQ(saturating_left_shift(1, 30), 1 << 30);
  EXPECT_EQ(saturating_left_shift(1, 31), INT32_MAX);
  EXPECT_EQ(saturating_left_shift(-1, 31), INT32_MIN);
  EXPECT_EQ(saturating_left_shift(-3, 31), INT32_MIN);
}

// The helper reproduces the scale to Q31 precision and gives results within
// one unit of round(x * scale), for tiny, near-one and greater-than-one scales.
TEST(Quant, QuantizeMultiplierEdgeScales) {
  const double scales[] = {1e-12, 2.0e-10, 1.0 / (1ULL << 32), 3.7e-5, 0.0123, 0.4999999,
                           0.5, 0.75, 0.999999999, 0.99999999999, 1.0, 1.0000001, 1.5, 3.0, 1000.0, 1.9e9};
  for (double s : scales) {
    const auto q = quantize_multiplier(s);
    ASSERT_GE(q.shift, kMinShift) << s;
    ASSERT_LE(q.shift, kMaxShift) << s;
    ASSERT_GE(q.multiplier, 0) << s;
    const double back = std::ldexp(static_cast<double>(q.multiplier), q.shift - 31);
    if (q.shift > kMinShift) {
      EXPECT_GE(q.multiplier, 1 << 30) << "normalized for " << s;
      EXPECT_NEAR(back / s, 1.0, 1e-9) << s;
    } else {
      EXPECT_NEAR(back, s, std::ldexp(1.0, -62)) << s;  // denormal: absolute precision
    }
    for (std::int32_t x : {1, 7, 100, 12345, -12345, 1 << 20, -(1 << 24)}) {
      const double exact = x * s;
      if (std::abs(exact) > 2.0e9) continue;  // would saturate: not a rounding question
      EXPECT_LE(std::abs(scale_by_fixed_point(x, q.multiplier, q.shift) - std::round(exact)), 1.0)
          << "x=" << x << " scale=" << s;
    }
  }
  EXPECT_EQ(quantize_multiplier(1.0).multiplier, 1 << 30);
  EXPECT_EQ(quantize_multiplier(1.0).shift, 1);
  EXPECT_EQ(quantize_multiplier(0.5).shift, 0);
  EXPECT_EQ(quantize_multiplier(0.0).multiplier, 0);
  EXPECT_THROW(quantize_multiplier(-0.5), std::invalid_argument);
  EXPECT_THROW(quantize_multiplier(std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_THROW(quantize_multiplier(std::ldexp(1.0, 31)), std::invalid_argument);
}

TEST(Quant, RequantizeClampsAndOffsets) {
  EXPECT_EQ(requantize(1000, 0, INT32_MAX, 0, 0, -128, 127), 127);
  EXPECT_EQ(requantize(-1000, 0, INT32_MAX, 0, 0, -128, 127), -128);
  EXPECT_EQ(requantize(10, 0, INT32_MAX, 0, -128, -128, -68), -118);
  EXPECT_EQ(requantize(INT32_MAX, 1, INT32_MAX, 0, 0, -128, 127), -128);  // bias wraps
}

// The float32 mode against hand-worked values: ties to even, the two
// binary32 roundings (x to 24 bits, the product to 24 bits), the clamp,
// and rejected scales.
TEST(Quant, RequantizeFloatHandWorked) {
  EXPECT_EQ(requantize_float(5, 0, 0.5f, 0, -128, 127), 2);    // 2.5 -> 2
  EXPECT_EQ(requantize_float(7, 0, 0.5f, 0, -128, 127), 4);    // 3.5 -> 4
  EXPECT_EQ(requantize_float(-5, 0, 0.5f, 0, -128, 127), -2);
  EXPECT_EQ(requantize_float(3, -2, 0.5f, 0, -128, 127), 0);   // bias first: 0.5 -> 0
  EXPECT_EQ(requantize_float(300, 0, 0.25f, 10, -128, 127), 85);
  EXPECT_EQ(requantize_float(300, 0, 1.0f, 10, -128, 127), 127);
  EXPECT_EQ(requantize_float(-300, 0, 1.0f, 10, 10, 127), 10);  // fused ReLU
  // 16777217 is 2^24 + 1: binary32 rounds it to 2^24 (even), so 2^24 * 2^-18 = 64
  EXPECT_EQ(requantize_float(16777217, 0, 0x1p-18f, 0, -128, 127), 64);
  // 16777219 rounds up to 16777220: 16777220 * 2^-17 = 128.00003 -> 128, clamped
  EXPECT_EQ(requantize_float(16777219, 0, 0x1p-17f, -1, -128, 127), 127);
  // 5000002 * 0x1.77cf3ap-21 = 3.49999991... exactly; binary32 rounds the
  // product to 3.5 (24 bits), then 3.5 -> 4. One exact rounding would give 3.
  float s;
  const std::uint32_t bits = 0x353be79d;
  std::memcpy(&s, &bits, 4);
  EXPECT_LT(5000002.0 * static_cast<double>(s), 3.5);
  EXPECT_EQ(requantize_float(5000002, 0, s, 0, -128, 127), 4);
  EXPECT_EQ(requantize_float(INT32_MAX, 1, 1.0f, 0, -128, 127), -128);  // bias wraps
  EXPECT_EQ(requantize_float(123, 0, 0.0f, 5, -128, 127), 5);
  EXPECT_THROW(requantize_float(1, 0, std::numeric_limits<float>::infinity(), 0, -128, 127), std::invalid_argument);
  EXPECT_THROW(requantize_float(1, 0, std::numeric_limits<float>::quiet_NaN(), 0, -128, 127), std::invalid_argument);
  OutputStage os = OutputStage::uniform_float(2, 0.5f, 3);
  EXPECT_EQ(os.apply(1, 7), 7);  // 3.5 -> 4, + 3
  os.scale[1] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(os.validate(2), std::invalid_argument);
}

}  // namespace
