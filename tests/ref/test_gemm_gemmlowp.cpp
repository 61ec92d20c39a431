// The golden GEMM against an independent oracle: gemmlowp (Debian's
// libgemmlowp-dev), with bias, per-channel fixed-point scale and exponent,
// output offset, clamp and saturating cast to int8.
//
// gemmlowp takes uint8 operands with offsets; int8 values map as
// u = x + 128 and the offsets undo that: lhs_offset = -128 - zp_a,
// rhs_offset = -128.
#include <gtest/gtest.h>

#include <gemmlowp/public/gemmlowp.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include "abacus/ref/gemm.hpp"
#include "abacus/ref/random.hpp"
#include "common/seed.hpp"

namespace {

using abacus::ref::OutputStage;

std::vector<std::int8_t> gemmlowp_gemm(int M, int N, int K, const std::vector<std::int8_t>& A,
                                       const std::vector<std::int8_t>& B, int zp_a,
                                       const OutputStage& os) {
  std::vector<std::uint8_t> au(A.size()), bu(B.size());
  for (std::size_t i = 0; i < A.size(); ++i) au[i] = static_cast<std::uint8_t>(A[i] + 128);
  for (std::size_t i = 0; i < B.size(); ++i) bu[i] = static_cast<std::uint8_t>(B[i] + 128);
  std::vector<std::int8_t> out(static_cast<std::size_t>(M * N));
  gemmlowp::MatrixMap<const std::uint8_t, gemmlowp::MapOrder::RowMajor> lhs(au.data(), M, K);
  gemmlowp::MatrixMap<const std::uint8_t, gemmlowp::MapOrder::RowMajor> rhs(bu.data(), K, N);
  gemmlowp::MatrixMap<std::int8_t, gemmlowp::MapOrder::RowMajor> res(out.data(), M, N);
  using RowVec = gemmlowp::VectorMap<const std::int32_t, gemmlowp::VectorShape::Row>;
  const RowVec bias(os.bias.data(), N), mult(os.multiplier.data(), N), expo(os.shift.data(), N);
  gemmlowp::OutputStageBiasAddition<RowVec> bias_stage;
  bias_stage.bias_vector = bias;
  gemmlowp::OutputStageScaleInt32ByFixedPointAndExponentPC<gemmlowp::VectorShape::Row> scale_stage{
      mult, expo, os.zp_out};
  gemmlowp::OutputStageClamp clamp_stage{os.act_min, os.act_max};
  gemmlowp::OutputStageSaturatingCastToInt8 cast_stage;
  const auto pipeline = std::make_tuple(bias_stage, scale_stage, clamp_stage, cast_stage);
  gemmlowp::GemmContext ctx;
  gemmlowp::GemmWithOutputPipeline<std::uint8_t, std::int8_t, gemmlowp::DefaultL8R8BitDepthParams>(
      &ctx, lhs, rhs, &res, -128 - zp_a, -128, pipeline);
  return out;
}

// Random shapes including 1s, odd sizes and full-range values. Bias stays
// within +-2^30 and left shifts small, so no int32 intermediate overflows:
// there gemmlowp's C++ adds are undefined, and the golden kernel's defined
// behaviour (wrap for bias, saturation after) is pinned by hand-computed
// cases in the quant tests instead.
TEST(GoldenGemm, MatchesGemmlowpOnRandomShapes) {
  const std::uint64_t seed = abacus::sim::test_seed("GoldenGemm.MatchesGemmlowpOnRandomShapes");
  std::mt19937_64 rng(seed);
  auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const std::vector<int> dims = {1, 2, 3, 7, 16, 17, 31, 64, 65, 100};
  long compared = 0, mismatches = 0, inside = 0;
  for (int iter = 0; iter < 300; ++iter) {
    const int M = iter < 30 ? dims[static_cast<std::size_t>(iter) % dims.size()] : in(1, 80);
    const int N = iter < 30 ? dims[static_cast<std::size_t>(iter * 3) % dims.size()] : in(1, 80);
    const int K = iter < 30 ? dims[static_cast<std::size_t>(iter * 7) % dims.size()] : in(1, 300);
    const bool extreme = iter % 5 == 0;  // operands only -128 and 127
    std::vector<std::int8_t> A(static_cast<std::size_t>(M * K)), B(static_cast<std::size_t>(K * N));
    for (auto& v : A) v = static_cast<std::int8_t>(extreme ? (in(0, 1) ? 127 : -128) : in(-128, 127));
    for (auto& v : B) v = static_cast<std::int8_t>(extreme ? (in(0, 1) ? 127 : -128) : in(-128, 127));
    // Three kinds of output stage: realistic scales from quantize_multiplier
    // (outputs spread over int8, so rounding decides most of them), raw random
    // Q31 multipliers (mostly saturating), and tiny exponents (exact ties).
    const int kind = iter % 3;
    const double acc_std = abacus::ref::typical_acc_std(K);
    OutputStage os;
    for (int n = 0; n < N; ++n) {
      if (kind == 0) {
        const double scale = 60.0 / acc_std * std::ldexp(1.0, in(-3, 3));
        const auto q = abacus::ref::quantize_multiplier(scale);
        os.multiplier.push_back(q.multiplier);
        os.shift.push_back(q.shift);
        os.bias.push_back(in(-static_cast<int>(acc_std), static_cast<int>(acc_std)));
      } else if (kind == 1) {
        os.multiplier.push_back(in(0, 7) == 0 ? in(0, INT32_MAX) : in(1 << 30, INT32_MAX));
        os.shift.push_back(in(0, 5) == 0 ? in(1, 3) : in(-31, 0));
        os.bias.push_back(os.shift.back() > 0 ? in(-(1 << 22), 1 << 22) : in(-(1 << 30), 1 << 30));
      } else {
        os.multiplier.push_back(in(0, 1) ? INT32_MAX : (1 << 30));
        os.shift.push_back(in(-(8 + K / 64), -1));
        os.bias.push_back(in(-1000, 1000));
      }
    }
    const int zp_a = in(-128, 127);
    std::vector<std::int8_t> got(static_cast<std::size_t>(M * N));
    abacus::ref::gemm_i8(M, N, K, A.data(), K, B.data(), N, zp_a, os, got.data(), N);
    const auto want = gemmlowp_gemm(M, N, K, A, B, zp_a, os);
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (got[i] > os.act_min && got[i] < os.act_max) ++inside;
      if (got[i] != want[i] && ++mismatches <= 5) {
        ADD_FAILURE() << M << "x" << N << "x" << K << " at " << i << ": golden " << int(got[i])
                      << " gemmlowp " << int(want[i]);
      }
    }
    compared += static_cast<long>(got.size());
  }
  std::cout << "[ compared ] " << compared << " outputs (" << inside << " strictly inside the clamp), "
            << mismatches << " mismatches" << std::endl;
  EXPECT_EQ(mismatches, 0) << "seed " << seed;
  // The comparison is only worth something if rounding, not saturation,
  // decides a good share of the outputs.
  EXPECT_GT(inside, compared / 4) << "too few unsaturated outputs to test rounding";
}

TEST(GoldenGemm, RejectsBadArguments) {
  std::vector<std::int8_t> a(4), b(4), c(4);
  const auto os = OutputStage::uniform(2, 1 << 30, 0);
  EXPECT_THROW(abacus::ref::gemm_i8(0, 2, 2, a.data(), 2, b.data(), 2, 0, os, c.data(), 2), std::invalid_argument);
  EXPECT_THROW(abacus::ref::gemm_i8(2, 3, 2, a.data(), 2, b.data(), 3, 0, os, c.data(), 3), std::invalid_argument);
  auto bad = os;
  bad.shift[1] = 32;
  EXPECT_THROW(abacus::ref::gemm_i8(2, 2, 2, a.data(), 2, b.data(), 2, 0, bad, c.data(), 2), std::invalid_argument);
  bad = os;
  bad.act_min = 10;
  bad.act_max = 5;
  EXPECT_THROW(abacus::ref::gemm_i8(2, 2, 2, a.data(), 2, b.data(), 2, 0, bad, c.data(), 2), std::invalid_argument);
}

// A 2x2x2 worked by hand: A = [[1,2],[3,4]], zp_a = 1, B = [[5,6],[7,8]]:
// (A - 1) = [[0,1],[2,3]]; (A-1)B = [[7,8],[31,36]]; + bias [1,-1] ->
// [[8,7],[32,35]]; multiplier 2^30 (x0.5), shift -1 (/2): x/4 rounded ->
// [[2,2],[8,9]] (7/4 = 1.75 -> 2, 35/4 = 8.75 -> 9); zp_out 10 -> [[12,12],[18,19]].
TEST(GoldenGemm, HandWorkedExample) {
  const std::int8_t A[] = {1, 2, 3, 4}, B[] = {5, 6, 7, 8};
  OutputStage os = OutputStage::uniform(2, 1 << 30, -1, 10);
  os.bias = {1, -1};
  std::int8_t C[4];
  abacus::ref::gemm_i8(2, 2, 2, A, 2, B, 2, 1, os, C, 2);
  EXPECT_EQ(std::vector<int>(C, C + 4), (std::vector<int>{12, 12, 18, 19}));
}

}  // namespace
