// The board drivers' real code paths (XdmaDevice, UioDevice) over an
// emulated device backed by the simulator: full GEMMs bit-exact, and
// failure injection (short transfers, EINTR, all-ones reads, a bitstream
// that is not Abacus, a device that never completes).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "abacus/board_device.hpp"
#include "abacus/isa.hpp"
#include "abacus/ref/gemm.hpp"
#include "abacus/runtime.hpp"
#include "common/seed.hpp"
#include "emulated_board.hpp"

namespace {

using namespace abacus;

struct Gemm {
  GemmProblem p;
  std::vector<std::int8_t> a, b, want;
};

Gemm make(int m, int n, int k, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Gemm g;
  g.a.resize(static_cast<std::size_t>(m) * k);
  g.b.resize(static_cast<std::size_t>(k) * n);
  for (auto& v : g.a) v = static_cast<std::int8_t>(in(-128, 127));
  for (auto& v : g.b) v = static_cast<std::int8_t>(in(-128, 127));
  g.p.m = m;
  g.p.n = n;
  g.p.k = k;
  g.p.a = g.a.data();
  g.p.b = g.b.data();
  g.p.zp_a = in(-20, 20);
  for (int j = 0; j < n; ++j) {
    const auto q = ref::quantize_multiplier(40.0 / (128.0 * 74.0 * std::sqrt(double(k))));
    g.p.os.bias.push_back(in(-5000, 5000));
    g.p.os.multiplier.push_back(q.multiplier);
    g.p.os.shift.push_back(q.shift);
  }
  g.want.resize(static_cast<std::size_t>(m) * n);
  ref::gemm_i8(m, n, k, g.a.data(), k, g.b.data(), n, g.p.zp_a, g.p.os, g.want.data(), n);
  return g;
}

class BoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = tb::test_seed(std::string("BoardTest.") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    SimDeviceOptions o;
    o.memory_size = 16 << 20;
    o.mem_latency = 20;
    o.seed = seed_;
    o.rand_reset = tb::rand_reset_from_env();
    sim_ = std::make_unique<SimDevice>(o);
    board_ = std::make_unique<tb::EmulatedBoard>(*sim_);
  }
  CardMemory card() const { return {sim_->memory_base(), sim_->memory_size()}; }
  UioRegion region() const { return {sim_->memory_base(), sim_->memory_size()}; }
  void gemm_through(Device& dev, int m, int n, int k) {
    Gemm g = make(m, n, k, seed_);
    std::vector<std::int8_t> got(g.want.size());
    gemm(dev, g.p, got.data());
    EXPECT_EQ(got, g.want) << dev.name() << " " << m << "x" << n << "x" << k << " seed " << seed_;
  }
  std::uint64_t seed_ = 0;
  std::unique_ptr<SimDevice> sim_;
  std::unique_ptr<tb::EmulatedBoard> board_;
};

TEST_F(BoardTest, XdmaGemmBitExact) {
  XdmaDevice dev("/dev/xdma0", *board_, card());
  EXPECT_EQ(read_config(dev).rows, 16u);
  gemm_through(dev, 37, 50, 70);
}

TEST_F(BoardTest, UioGemmBitExact) {
  UioDevice dev("/dev/uio0", *board_, region());
  gemm_through(dev, 20, 33, 45);
}

TEST_F(BoardTest, XdmaSurvivesShortTransfersAndEintr) {
  XdmaDevice dev("/dev/xdma0", *board_, card());
  board_->eintr_every = 3;   // every third call interrupted: retried
  board_->short_every = 0;
  gemm_through(dev, 24, 24, 40);
  // DMA copies that come back short are continued to the end
  board_->eintr_every = 0;
  std::vector<std::uint8_t> data(5000), back(5000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  const std::uint64_t at = dev.alloc(data.size());
  board_->short_every = 2;
  dev.copy_to_device(at, data.data(), data.size());
  dev.copy_from_device(back.data(), at, back.size());
  EXPECT_EQ(back, data);
  // ...but a short register access is an error, never a half value
  board_->short_every = 1;
  EXPECT_THROW(dev.read32(isa::reg::STATUS), DeviceError);
  EXPECT_THROW(dev.write32(isa::reg::PROG_COUNT, 1), DeviceError);
}

TEST_F(BoardTest, RefusesWhatItDoesNotUnderstand) {
  board_->wrong_magic = true;
  EXPECT_THROW(XdmaDevice("/dev/xdma0", *board_, card()), DeviceError);
  board_->wrong_magic = false;
  board_->all_ones = true;  // link down
  try {
    UioDevice dev("/dev/uio0", *board_, region());
    FAIL() << "opened a device that reads all ones";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("not responding"), std::string::npos) << e.what();
  }
  board_->all_ones = false;
  EXPECT_THROW(XdmaDevice("/dev/xdma7", *board_, card()), DeviceError);  // no such node
  XdmaDevice dev("/dev/xdma0", *board_, card());
  EXPECT_THROW(dev.read32(0x1001), DeviceError);          // unaligned
  EXPECT_THROW(dev.read32(0x2000), DeviceError);          // past the register space
  std::uint8_t b[16] = {};
  EXPECT_THROW(dev.copy_to_device(card().base + card().size - 8, b, 16), DeviceError);  // past the end
  EXPECT_THROW(dev.copy_to_device(~std::uint64_t(0) - 4, b, 16), DeviceError);           // wraps
  EXPECT_THROW(dev.alloc(card().size + 1), DeviceError);
}

TEST_F(BoardTest, TimeoutReportsAndRecoversBySoftReset) {
  XdmaDevice dev("/dev/xdma0", *board_, card());
  // a program whose GEMM waits for a token nobody gives never completes
  Program p;
  GemmArgs g;
  g.m = 16;
  Deps wait;
  wait.pop_prev = true;
  p.gemm(g, wait);
  p.finish();
  Timeout t;
  t.ms = 300;
  try {
    run_program(dev, p, t);
    FAIL() << "expected a timeout";
  } catch (const TimeoutError& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find("STATUS=0x1"), std::string::npos) << w;
    EXPECT_NE(w.find("recovered by soft reset"), std::string::npos) << w;
  }
  EXPECT_EQ(dev.read32(isa::reg::STATUS) & isa::status::BUSY, 0u);
  gemm_through(dev, 16, 16, 16);  // the next job runs, nothing reloaded
}

}  // namespace
