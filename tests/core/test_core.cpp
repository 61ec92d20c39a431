// Compute core (abacus_core) against the golden GEMM, at several geometries.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "Vcore_12x8.h"
#include "Vcore_16x16.h"
#include "Vcore_16x16u.h"
#include "Vcore_4x4.h"
#include "Vcore_8x16.h"
#include "Vcore_8x8.h"
#include "abacus/ref/gemm.hpp"
#include "abacus/ref/random.hpp"
#include "core_harness.hpp"

namespace {

using abacus::ref::OutputStage;
using abacus::tb::CoreHarness;
using abacus::tb::CoreRunStats;
using abacus::tb::CoreTile;
using abacus::sim::Sim;
using abacus::sim::SimOptions;

// Unpacked: PackDsp = 0, one MAC per multiplier (the 7-series build).
template <class M, int R, int C, bool Unpacked = false>
struct Geom {
  using Model = M;
  static constexpr int kRows = R;
  static constexpr int kCols = C;
  static constexpr int kAccDepth = 256;  // -GAccDepth in tb/CMakeLists.txt
  // Documented in docs/architecture.md ("Timing"): handshake to acc write.
  static constexpr int kComputeLatency = R + C + 3;
  static std::string name() { return std::to_string(R) + "x" + std::to_string(C) + (Unpacked ? "u" : ""); }
};

using Geometries = ::testing::Types<Geom<Vcore_4x4, 4, 4>, Geom<Vcore_8x8, 8, 8>,
                                    Geom<Vcore_16x16, 16, 16>, Geom<Vcore_8x16, 8, 16>,
                                    Geom<Vcore_12x8, 12, 8>, Geom<Vcore_16x16u, 16, 16, true>>;

struct GeomNames {
  template <class G>
  static std::string GetName(int) { return G::name(); }
};

std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string n = std::string(info->test_suite_name()) + "." + info->name();
  for (auto& ch : n) if (ch == '/' || ch == '.') ch = '_';
  return n;
}

// A GEMM job on one output block: C[M x Cols] = A[M x K] * B[K x Cols],
// K split into `ktiles` tiles of Rows (zero-padded past K).
struct Job {
  int m = 1, k = 1, ktiles = 1;
  std::uint32_t acc_base = 0;
  std::vector<std::int8_t> a, b;  // M x K, K x Cols
  OutputStage os;
};

template <class G>
class CoreTest : public ::testing::Test {
 protected:
  static constexpr int R = G::kRows;
  static constexpr int C = G::kCols;

  void SetUp() override {
    name_ = current_test_name();
    seed_ = abacus::sim::test_seed(name_);
    rng_.seed(seed_);
    SimOptions opt;
    opt.name = name_;
    opt.seed = seed_;
    opt.rand_reset = abacus::sim::rand_reset_from_env();
    sim_ = std::make_unique<Sim<typename G::Model>>(opt);
    core_ = std::make_unique<CoreHarness<typename G::Model>>(*sim_, R, C, seed_ ^ 0x5eed);
    sim_->reset();
  }

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::int8_t rand_i8() { return static_cast<std::int8_t>(uniform(-128, 127)); }

  // Mostly realistic scales (outputs spread over int8, so rounding decides
  // them), some raw random Q31 multipliers and exponents (saturation paths).
  OutputStage random_stage(int k) {
    const double acc_std = abacus::ref::typical_acc_std(k);
    OutputStage os;
    for (int c = 0; c < C; ++c) {
      if (uniform(0, 3) != 0) {
        const auto q = abacus::ref::quantize_multiplier(40.0 / acc_std * std::ldexp(1.0, uniform(-3, 1)));
        os.multiplier.push_back(q.multiplier);
        os.shift.push_back(q.shift);
        os.bias.push_back(uniform(-static_cast<int>(acc_std), static_cast<int>(acc_std)));
      } else {
        os.multiplier.push_back(std::uniform_int_distribution<std::int32_t>()(rng_));
        os.shift.push_back(uniform(-31, 31));
        os.bias.push_back(std::uniform_int_distribution<std::int32_t>()(rng_));
      }
    }
    os.zp_out = uniform(-64, 64);
    if (uniform(0, 3) == 0) {  // a narrower clamp now and then (ReLU-like)
      os.act_min = uniform(-128, 0);
      os.act_max = uniform(os.act_min, 127);
    }
    return os;
  }

  Job random_job(int max_m, int max_ktiles) {
    Job j;
    j.m = uniform(1, max_m);
    j.ktiles = uniform(1, max_ktiles);
    j.k = uniform((j.ktiles - 1) * R + 1, j.ktiles * R);
    j.acc_base = static_cast<std::uint32_t>(uniform(0, G::kAccDepth - j.m));
    for (int i = 0; i < j.m * j.k; ++i) j.a.push_back(rand_i8());
    for (int i = 0; i < j.k * C; ++i) j.b.push_back(rand_i8());
    j.os = random_stage(j.k);
    return j;
  }

  std::vector<CoreTile> tiles_of(const Job& j) {
    std::vector<CoreTile> tiles;
    for (int t = 0; t < j.ktiles; ++t) {
      CoreTile tile;
      tile.m = j.m;
      tile.acc_base = j.acc_base;
      tile.accumulate = t > 0;
      tile.weights = std::vector<std::int8_t>(static_cast<std::size_t>(R * C), 0);
      tile.acts = std::vector<std::int8_t>(static_cast<std::size_t>(j.m * R), 0);
      for (int r = 0; r < R; ++r) {
        const int k = t * R + r;
        if (k >= j.k) continue;
        for (int c = 0; c < C; ++c) tile.weights[r * C + c] = j.b[k * C + c];
        for (int m = 0; m < j.m; ++m) tile.acts[m * R + r] = j.a[m * j.k + k];
      }
      tiles.push_back(std::move(tile));
    }
    return tiles;
  }

  // Runs the job on the core and compares every output byte with the golden GEMM.
  CoreRunStats run_and_check(const Job& j) {
    std::vector<std::int8_t> want(static_cast<std::size_t>(j.m * C));
    abacus::ref::gemm_i8(j.m, C, j.k, j.a.data(), j.k, j.b.data(), C, 0, j.os, want.data(), C);
    core_->load_params(j.os);
    const CoreRunStats st = core_->run_tiles(tiles_of(j));
    const std::vector<std::int8_t> got = core_->read_rows(j.acc_base, j.m);
    int mismatches = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
      outputs_++;
      if (want[i] > j.os.act_min && want[i] < j.os.act_max) inside_++;
      if (got[i] != want[i] && ++mismatches <= 5) {
        ADD_FAILURE() << "M=" << j.m << " K=" << j.k << " row " << i / C << " col " << i % C
                      << ": got " << int(got[i]) << " want " << int(want[i]) << " (seed " << seed_ << ")";
      }
    }
    EXPECT_EQ(mismatches, 0) << "M=" << j.m << " K=" << j.k << " seed " << seed_;
    return st;
  }

  long outputs_ = 0, inside_ = 0;  // outputs compared, and those not clamped
  std::string name_;
  std::uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  std::unique_ptr<Sim<typename G::Model>> sim_;
  std::unique_ptr<CoreHarness<typename G::Model>> core_;
};

TYPED_TEST_SUITE(CoreTest, Geometries, GeomNames);

// At least 200 tiles per geometry, random everything, half the jobs with
// random stalls on every stream.
TYPED_TEST(CoreTest, RandomTilesBitExact) {
  int tiles = 0, jobs = 0;
  while (tiles < 200) {
    this->core_->set_stall(jobs % 2 ? 0.3 : 0.0);
    const Job j = this->random_job(jobs % 5 == 0 ? 200 : 40, 4);
    this->run_and_check(j);
    if (this->HasFailure()) return;
    tiles += j.ktiles;
    ++jobs;
  }
  std::cout << "[ tiles    ] " << tiles << " tiles in " << jobs << " jobs, " << this->outputs_
            << " outputs, " << this->inside_ << " inside the clamp" << std::endl;
  EXPECT_GT(this->inside_, this->outputs_ / 4) << "too few unsaturated outputs to test rounding";
}

// The largest magnitude product at the deepest K this test uses: every
// activation and weight -128, 16 tiles of Rows deep. Hand value: the
// accumulator is K * 16384; with multiplier 2^30 (x0.5) and shift
// -(8 + L), L = ceil(log2 K), the output is 2^14 * K / 2 / 2^(8 + L) =
// K * 32 / 2^L (32 for K a power of two, 24 for K = 192), plus zp 5.
TYPED_TEST(CoreTest, AllMinus128AtMaxK) {
  constexpr int R = TestFixture::R, C = TestFixture::C;
  Job j;
  j.m = 17;
  j.ktiles = 16;
  j.k = 16 * R;
  j.a.assign(static_cast<std::size_t>(j.m * j.k), -128);
  j.b.assign(static_cast<std::size_t>(j.k * C), -128);
  int log2k = 0;
  while ((1 << log2k) < j.k) ++log2k;
  j.os = OutputStage::uniform(C, 1 << 30, -(8 + log2k), 5);
  std::vector<std::int8_t> want(static_cast<std::size_t>(j.m * C));
  abacus::ref::gemm_i8(j.m, C, j.k, j.a.data(), j.k, j.b.data(), C, 0, j.os, want.data(), C);
  ASSERT_EQ(j.k * 32 % (1 << log2k), 0);
  const int hand = j.k * 32 / (1 << log2k) + 5;
  for (auto v : want) ASSERT_EQ(v, hand) << "golden kernel disagrees with the hand value";
  this->run_and_check(j);
}

// Both extremes of a column's sum over one pass, side by side: activations
// -128, weights -128 in one column (every product +16384, the sum R * 16384)
// and 127 in the next (every product -16256, the sum -R * 16256), then the
// other way round. With two MACs per multiplier these are the extremes of
// both packed lanes at once (docs/architecture.md "Two MACs per DSP").
// Hand value: acc / 2^(9 + L) rounded to nearest (no ties at these K), + 5.
TYPED_TEST(CoreTest, PackedLaneExtremes) {
  constexpr int R = TestFixture::R, C = TestFixture::C;
  int log2k = 0;
  while ((1 << log2k) < R) ++log2k;
  for (int phase = 0; phase < 2; ++phase) {
    Job j;
    j.m = 9;
    j.ktiles = 1;
    j.k = R;
    for (int i = 0; i < j.m * j.k; ++i) j.a.push_back(-128);
    for (int k = 0; k < j.k; ++k) {
      for (int c = 0; c < C; ++c) j.b.push_back(static_cast<std::int8_t>((c + phase) % 2 ? 127 : -128));
    }
    j.os = OutputStage::uniform(C, 1 << 30, -(8 + log2k), 5);
    std::vector<std::int8_t> want(static_cast<std::size_t>(j.m * C));
    abacus::ref::gemm_i8(j.m, C, j.k, j.a.data(), j.k, j.b.data(), C, 0, j.os, want.data(), C);
    for (int c = 0; c < C; ++c) {
      const double acc = (c + phase) % 2 ? -16256.0 * R : 16384.0 * R;
      const double scaled = acc / std::ldexp(1.0, 9 + log2k);
      ASSERT_NE(scaled - std::floor(scaled), 0.5);
      const int hand = static_cast<int>(std::lround(scaled)) + 5;
      for (int m = 0; m < j.m; ++m) ASSERT_EQ(want[m * C + c], hand) << "golden kernel disagrees, column " << c;
    }
    this->run_and_check(j);
    if (this->HasFailure()) return;
  }
}

// Requantization corner cases, one per output channel, with the accumulator
// set through the bias (activations zero). Hand-computed values.
TYPED_TEST(CoreTest, RequantCorners) {
  constexpr int R = TestFixture::R, C = TestFixture::C;
  struct Case { std::int32_t bias, mult; int shift; std::int8_t want; };
  const std::int32_t one = INT32_MAX;  // ~1.0 in Q31
  const std::vector<Case> cases = {
      {3, 1 << 30, 0, 2},            // SRDHM tie 1.5 -> 2 (toward +inf)
      {-3, 1 << 30, 0, -1},          // SRDHM tie -1.5 -> -1 (toward +inf)
      {3, one, -1, 2},               // RDBPOT tie 1.5 -> 2 (away from zero)
      {-3, one, -1, -2},             // RDBPOT tie -1.5 -> -2 (away from zero)
      {-5, one, -1, -3},             // -2.5 -> -3
      {INT32_MAX, one, -31, 1},      // shift 31: (2^31-2)/2^31 rounds to 1
      {1, 1 << 30, 31, 127},         // left shift 31 saturates, then clamps
      {-1000, one, 0, -128},         // shift 0, saturating cast low
      {1000, one, 0, 127},           // shift 0, saturating cast high
      {INT32_MIN, INT32_MIN, 0, 127},  // the one SRDHM overflow saturates high
      {100, one, 0, 100},
      {-100, one, 0, -100},
      {7, one, -2, 2},               // 1.75 -> 2
      {-6, one, -2, -2},             // -1.5 -> -2
      {0, 0, 0, 0},
      {64, 1 << 30, -1, 16},
  };
  Job j;
  j.m = 3;
  j.ktiles = 1;
  j.k = R;
  j.a.assign(static_cast<std::size_t>(j.m * j.k), 0);
  j.b.assign(static_cast<std::size_t>(j.k * C), 0);
  for (std::size_t i = 0; i < j.b.size(); ++i) j.b[i] = this->rand_i8();
  j.os = OutputStage::uniform(C, one, 0, 0);
  for (int c = 0; c < C; ++c) {
    const Case& k = cases[static_cast<std::size_t>(c) % cases.size()];
    j.os.bias[c] = k.bias;
    j.os.multiplier[c] = k.mult;
    j.os.shift[c] = k.shift;
  }
  std::vector<std::int8_t> want(static_cast<std::size_t>(j.m * C));
  abacus::ref::gemm_i8(j.m, C, j.k, j.a.data(), j.k, j.b.data(), C, 0, j.os, want.data(), C);
  for (int c = 0; c < C; ++c) {
    ASSERT_EQ(int(want[c]), int(cases[static_cast<std::size_t>(c) % cases.size()].want))
        << "golden kernel disagrees with the hand value for channel " << c;
  }
  this->run_and_check(j);

  // ReLU6 as a clamp: zp_out -128, 6.0 at -68 (scale 0.1).
  Job r = this->random_job(30, 2);
  r.os.zp_out = -128;
  r.os.act_min = -128;
  r.os.act_max = -68;
  this->run_and_check(r);
}

// Back-to-back tiles with every stream valid: tile i starts
// max(M_{i-1}, Rows) cycles after tile i-1, the first Rows cycles after the
// first weight row is offered, and the last row reaches the accumulator
// Rows + Cols + 3 cycles after its handshake (docs/architecture.md).
TYPED_TEST(CoreTest, BackToBackTilesMeetCycleFormula) {
  constexpr int R = TestFixture::R, C = TestFixture::C;
  const std::vector<int> ms = {R, 2 * R + 3, R, 5, R + 1, 1, 3 * R, R};
  std::vector<CoreTile> tiles;
  std::vector<Job> jobs;
  std::uint32_t base = 0;
  for (int m : ms) {
    Job j = this->random_job(1, 1);
    j.m = m;
    j.k = R;
    j.acc_base = base;
    base += static_cast<std::uint32_t>(m);
    j.a.resize(static_cast<std::size_t>(m * R));
    for (auto& v : j.a) v = this->rand_i8();
    j.b.resize(static_cast<std::size_t>(R * C));
    for (auto& v : j.b) v = this->rand_i8();
    auto t = this->tiles_of(j);
    tiles.push_back(t[0]);
    jobs.push_back(j);
  }
  const OutputStage os = OutputStage::uniform(C, INT32_MAX, -6, 0);
  this->core_->load_params(os);
  const CoreRunStats st = this->core_->run_tiles(tiles);

  ASSERT_EQ(st.tile_start.size(), ms.size());
  std::uint64_t expect = st.start_cycle + R;
  std::uint64_t idle = 0;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    EXPECT_EQ(st.tile_start[i], expect) << "tile " << i << " start";
    if (i > 0) idle += static_cast<std::uint64_t>(std::max(ms[i - 1], R) - ms[i - 1]);
    expect += static_cast<std::uint64_t>(std::max(ms[i], R));
  }
  // Rows of a tile fire on consecutive cycles; the only gaps are after
  // tiles shorter than Rows.
  std::uint64_t gaps = 0;
  for (std::size_t i = 1; i < st.a_fire_cycles.size(); ++i) gaps += st.a_fire_cycles[i] - st.a_fire_cycles[i - 1] - 1;
  EXPECT_EQ(gaps, idle);
  const std::uint64_t last_fire = st.a_fire_cycles.back();
  EXPECT_EQ(st.last_acc_write, last_fire + TypeParam::kComputeLatency);
  std::uint64_t total_formula = R + static_cast<std::uint64_t>(ms.back()) - 1 + TypeParam::kComputeLatency;
  for (std::size_t i = 0; i + 1 < ms.size(); ++i) total_formula += static_cast<std::uint64_t>(std::max(ms[i], R));
  EXPECT_EQ(st.last_acc_write - st.start_cycle, total_formula);

  for (const Job& j : jobs) {
    std::vector<std::int8_t> want(static_cast<std::size_t>(j.m * C));
    abacus::ref::gemm_i8(j.m, C, j.k, j.a.data(), j.k, j.b.data(), C, 0, os, want.data(), C);
    EXPECT_EQ(this->core_->read_rows(j.acc_base, j.m), want) << "tile at acc row " << j.acc_base;
  }
}

// Accumulating into the row written in the cycle before (the forwarding
// path): tile 0 writes one row; tile 1 adds all of its rows into that same
// row on consecutive cycles. Golden: one GEMM row over the concatenated K.
TYPED_TEST(CoreTest, AccumulateSameRowBackToBack) {
  constexpr int R = TestFixture::R, C = TestFixture::C;
  const int m1 = 2 * R + 5;
  const std::uint32_t row = 7;
  CoreTile t0, t1;
  t0.m = 1;
  t0.acc_base = row;
  t1.m = m1;
  t1.accumulate = true;
  t1.acc_rows.assign(static_cast<std::size_t>(m1), row);
  for (int i = 0; i < R * C; ++i) t0.weights.push_back(this->rand_i8());
  for (int i = 0; i < R * C; ++i) t1.weights.push_back(this->rand_i8());
  for (int i = 0; i < R; ++i) t0.acts.push_back(this->rand_i8());
  for (int i = 0; i < m1 * R; ++i) t1.acts.push_back(this->rand_i8());
  const int k = R * (1 + m1);
  std::vector<std::int8_t> a(t0.acts), b(t0.weights);
  a.insert(a.end(), t1.acts.begin(), t1.acts.end());
  for (int m = 0; m < m1; ++m) b.insert(b.end(), t1.weights.begin(), t1.weights.end());
  const OutputStage os = OutputStage::uniform(C, INT32_MAX, -9, 3);
  std::vector<std::int8_t> want(static_cast<std::size_t>(C));
  abacus::ref::gemm_i8(1, C, k, a.data(), k, b.data(), C, 0, os, want.data(), C);
  this->core_->load_params(os);
  this->core_->run_tiles({t0, t1});
  EXPECT_EQ(this->core_->read_rows(row, 1), want);
}

// Two rows accumulated alternately (7, 9, 7, 9, ... on consecutive
// cycles): each row's address was written two cycles before, while the row
// between went elsewhere, so the accumulator's second forwarding register
// (the sum written two cycles ago) is what makes it right. Golden: one GEMM
// row per accumulator row, over the concatenated K of the rows it took.
TYPED_TEST(CoreTest, AccumulateAlternatingRowsBackToBack) {
  constexpr int R = TestFixture::R, C = TestFixture::C;
  const int m1 = 2 * R + 6;
  const std::uint32_t rows[2] = {7, 9};
  CoreTile t0, t1;
  t0.m = 2;
  t0.acc_rows = {rows[0], rows[1]};
  t1.m = m1;
  t1.accumulate = true;
  for (int m = 0; m < m1; ++m) t1.acc_rows.push_back(rows[m % 2]);
  for (int i = 0; i < R * C; ++i) t0.weights.push_back(this->rand_i8());
  for (int i = 0; i < R * C; ++i) t1.weights.push_back(this->rand_i8());
  for (int i = 0; i < 2 * R; ++i) t0.acts.push_back(this->rand_i8());
  for (int i = 0; i < m1 * R; ++i) t1.acts.push_back(this->rand_i8());
  const OutputStage os = OutputStage::uniform(C, INT32_MAX, -9, 3);
  this->core_->load_params(os);
  this->core_->run_tiles({t0, t1});
  for (int p = 0; p < 2; ++p) {
    std::vector<std::int8_t> a(t0.acts.begin() + p * R, t0.acts.begin() + (p + 1) * R), b(t0.weights);
    for (int m = p; m < m1; m += 2) {
      a.insert(a.end(), t1.acts.begin() + m * R, t1.acts.begin() + (m + 1) * R);
      b.insert(b.end(), t1.weights.begin(), t1.weights.end());
    }
    const int k = static_cast<int>(a.size());
    std::vector<std::int8_t> want(static_cast<std::size_t>(C));
    abacus::ref::gemm_i8(1, C, k, a.data(), k, b.data(), C, 0, os, want.data(), C);
    EXPECT_EQ(this->core_->read_rows(rows[p], 1), want) << "accumulator row " << rows[p];
  }
}

}  // namespace
