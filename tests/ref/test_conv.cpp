// Golden conv2d: against the golden GEMM on an explicit im2col, and against
// small cases worked by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "abacus/ref/conv.hpp"
#include "abacus/ref/gemm.hpp"
#include "common/seed.hpp"

namespace {

using abacus::ref::ConvGeometry;
using abacus::ref::OutputStage;

// im2col for one group: rows (b, oy, ox), columns (ky, kx, ci); padding
// holds the zero point.
std::vector<std::int8_t> im2col(const ConvGeometry& g, const std::vector<std::int8_t>& in, int zp, int group) {
  const int cin_g = g.in_c / g.groups;
  std::vector<std::int8_t> cols;
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h(); ++oy)
      for (int ox = 0; ox < g.out_w(); ++ox)
        for (int ky = 0; ky < g.kernel_h; ++ky)
          for (int kx = 0; kx < g.kernel_w; ++kx)
            for (int ci = 0; ci < cin_g; ++ci) {
              const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
              cols.push_back(inside ? in[((b * g.in_h + iy) * g.in_w + ix) * g.in_c + group * cin_g + ci]
                                    : static_cast<std::int8_t>(zp));
            }
  return cols;
}

TEST(GoldenConv, MatchesGemmOnIm2col) {
  const std::uint64_t seed = abacus::sim::test_seed("GoldenConv.MatchesGemmOnIm2col");
  std::mt19937_64 rng(seed);
  auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int iter = 0; iter < 150; ++iter) {
    ConvGeometry g;
    g.batch = in(1, 2);
    g.kernel_h = in(1, 7);
    g.kernel_w = in(1, 7);
    g.stride_h = in(1, 3);
    g.stride_w = in(1, 3);
    g.dilation_h = in(1, 3);
    g.dilation_w = in(1, 3);
    g.pad_top = in(0, 5);  // may exceed the kernel radius
    g.pad_bottom = in(0, 5);
    g.pad_left = in(0, 5);
    g.pad_right = in(0, 5);
    g.groups = in(0, 3) == 0 ? in(1, 4) : 1;
    g.in_c = g.groups * in(1, 9);
    g.out_c = g.groups * in(1, 9);
    g.in_h = in(1, 12) + g.dilation_h * (g.kernel_h - 1);
    g.in_w = in(1, 12) + g.dilation_w * (g.kernel_w - 1);
    if (iter % 10 == 0) g.groups = g.in_c = g.out_c = in(1, 8);  // depthwise
    const int zp = in(-128, 127);
    std::vector<std::int8_t> x(static_cast<std::size_t>(g.batch * g.in_h * g.in_w * g.in_c));
    std::vector<std::int8_t> w(static_cast<std::size_t>(g.kernel_h * g.kernel_w * (g.in_c / g.groups) * g.out_c));
    for (auto& v : x) v = static_cast<std::int8_t>(in(-128, 127));
    for (auto& v : w) v = static_cast<std::int8_t>(in(-128, 127));
    OutputStage os;
    for (int c = 0; c < g.out_c; ++c) {
      os.bias.push_back(in(-100000, 100000));
      os.multiplier.push_back(in(1 << 30, INT32_MAX));
      os.shift.push_back(in(-16, -4));
    }
    os.zp_out = in(-20, 20);
    std::vector<std::int8_t> got(static_cast<std::size_t>(g.batch * g.out_h() * g.out_w() * g.out_c));
    abacus::ref::conv2d_i8(g, x.data(), w.data(), zp, os, got.data());

    const int cin_g = g.in_c / g.groups, cout_g = g.out_c / g.groups;
    const int rows = g.batch * g.out_h() * g.out_w(), depth = g.kernel_h * g.kernel_w * cin_g;
    for (int grp = 0; grp < g.groups; ++grp) {
      const auto a = im2col(g, x, zp, grp);
      OutputStage gos;
      for (int c = grp * cout_g; c < (grp + 1) * cout_g; ++c) {
        gos.bias.push_back(os.bias[c]);
        gos.multiplier.push_back(os.multiplier[c]);
        gos.shift.push_back(os.shift[c]);
      }
      gos.zp_out = os.zp_out;
      std::vector<std::int8_t> want(static_cast<std::size_t>(rows * cout_g));
      // HWIO weights: row (ky, kx, ci), column oc; this group's columns start at grp*cout_g
      abacus::ref::gemm_i8(rows, cout_g, depth, a.data(), depth, w.data() + grp * cout_g, g.out_c, zp, gos,
                           want.data(), cout_g);
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cout_g; ++c)
          ASSERT_EQ(got[r * g.out_c + grp * cout_g + c], want[r * cout_g + c])
              << "iter " << iter << " row " << r << " channel " << grp * cout_g + c << " seed " << seed;
    }
  }
}

// 3x3 input, 2x2 kernel of ones, stride 1, zp_in 1, one pixel of padding on
// top and left only, multiplier ~1 (2^31-1), shift 0:
//   input  1 2 3     (x - zp)   0 1 2    padded (pad = zp -> 0 after offset)
//          4 5 6                3 4 5
//          7 8 9                6 7 8
// Output is 3x3; out(0,0) sums the pad row/col and (0,0): 0; out(0,1) = 0+1 = 1;
// out(0,2) = 1+2 = 3; out(1,0) = 0+3 = 3; out(1,1) = 0+1+3+4 = 8;
// out(1,2) = 1+2+4+5 = 12; out(2,0) = 3+6 = 9; out(2,1) = 3+4+6+7 = 20;
// out(2,2) = 4+5+7+8 = 24.
TEST(GoldenConv, HandWorkedPaddingUsesZeroPoint) {
  ConvGeometry g;
  g.in_h = g.in_w = 3;
  g.kernel_h = g.kernel_w = 2;
  g.pad_top = g.pad_left = 1;
  const std::int8_t x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::int8_t w[] = {1, 1, 1, 1};
  const auto os = OutputStage::uniform(1, INT32_MAX, 0, 0);
  ASSERT_EQ(g.out_h(), 3);
  ASSERT_EQ(g.out_w(), 3);
  std::int8_t y[9];
  abacus::ref::conv2d_i8(g, x, w, 1, os, y);
  EXPECT_EQ(std::vector<int>(y, y + 9), (std::vector<int>{0, 1, 3, 3, 8, 12, 9, 20, 24}));
}

// Stride 2, dilation 2 on a 5x5 ramp (value = 5*row + col), 2x2 kernel
// [[1, 0], [0, -1]], zp_in 0: out(y, x) = in(2y, 2x) - in(2y+2, 2x+2) = -12
// everywhere; output 2x2; with zp_out 3 -> -9.
TEST(GoldenConv, HandWorkedStrideAndDilation) {
  ConvGeometry g;
  g.in_h = g.in_w = 5;
  g.kernel_h = g.kernel_w = 2;
  g.stride_h = g.stride_w = 2;
  g.dilation_h = g.dilation_w = 2;
  std::int8_t x[25];
  for (int i = 0; i < 25; ++i) x[i] = static_cast<std::int8_t>(i);
  const std::int8_t w[] = {1, 0, 0, -1};
  const auto os = OutputStage::uniform(1, INT32_MAX, 0, 3);
  ASSERT_EQ(g.out_h(), 2);
  std::int8_t y[4];
  abacus::ref::conv2d_i8(g, x, w, 0, os, y);
  EXPECT_EQ(std::vector<int>(y, y + 4), (std::vector<int>{-9, -9, -9, -9}));
}

// Depthwise: two channels, 1x1 kernel with weights 2 and -3.
TEST(GoldenConv, HandWorkedDepthwise) {
  ConvGeometry g;
  g.in_h = 1;
  g.in_w = 2;
  g.in_c = g.out_c = g.groups = 2;
  const std::int8_t x[] = {10, 20, -5, 7};  // pixel 0: (10, 20), pixel 1: (-5, 7)
  const std::int8_t w[] = {2, -3};          // HWIO with I = 1: [ky][kx][0][oc]
  const auto os = OutputStage::uniform(2, INT32_MAX, 0, 0);
  std::int8_t y[4];
  abacus::ref::conv2d_i8(g, x, w, 0, os, y);
  EXPECT_EQ(std::vector<int>(y, y + 4), (std::vector<int>{20, -60, -10, -21}));
}

TEST(GoldenConv, RejectsImpossibleGeometry) {
  ConvGeometry g;
  g.in_h = g.in_w = 2;
  g.kernel_h = g.kernel_w = 3;
  EXPECT_THROW(g.validate(), std::invalid_argument);  // kernel larger than input
  g.pad_top = g.pad_bottom = g.pad_left = g.pad_right = 1;
  EXPECT_NO_THROW(g.validate());
  g.in_c = 3;
  g.groups = 2;
  EXPECT_THROW(g.validate(), std::invalid_argument);
  g.groups = 1;
  g.stride_h = 0;
  EXPECT_THROW(g.validate(), std::invalid_argument);
}

}  // namespace
