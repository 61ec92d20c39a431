// DMA engine (abacus_dma with a scratchpad) against the AXI memory model,
// with the protocol monitor on every cycle and the whole of DRAM and the
// scratchpad compared after every descriptor (the canary check: a byte
// outside the descriptor's destination that changed is a failure).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vdma_128.h"
#include "Vdma_256.h"
#include "Vdma_64.h"
#include "common/seed.hpp"
#include "test_name.hpp"
#include "dma_harness.hpp"

namespace {

using namespace abacus::tb;

// Above 4 GiB, so 64-bit addresses matter, and straddling the 8 GiB line
// (0x2'0000'0000, half the window on each side), so descriptors carry out of
// the low 32 address bits (abacus_addr_acc's delayed carry).
constexpr std::uint64_t kDramBase = 0x1'FFF8'0000ULL;
constexpr std::size_t kDramSize = 1 << 20;
constexpr unsigned kSpBytes = 65536;  // -GSpBytes in tb/CMakeLists.txt
constexpr unsigned kMaxOutstanding = 8;

template <class M, unsigned Bits>
struct Width {
  using Model = M;
  static constexpr unsigned kBytes = Bits / 8;
  static std::string name() { return std::to_string(Bits) + "bit"; }
};
using Widths = ::testing::Types<Width<Vdma_64, 64>, Width<Vdma_128, 128>, Width<Vdma_256, 256>>;
struct WidthNames {
  template <class T>
  static std::string GetName(int) { return T::name(); }
};

// Where two images first differ: "" when they are equal, else the address
// (base + offset), its byte lane in a bus word of `lanes` bytes, both values,
// and how many bytes differ in all -- instead of dumping whole images.
std::string first_difference(const std::vector<std::uint8_t>& got, const std::vector<std::uint8_t>& want,
                             std::uint64_t base, unsigned lanes) {
  if (got.size() != want.size()) return "sizes differ: " + std::to_string(got.size()) + " vs " + std::to_string(want.size());
  std::size_t first = got.size(), n = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] == want[i]) continue;
    if (n++ == 0) first = i;
  }
  if (n == 0) return "";
  char b[200];
  std::snprintf(b, sizeof b, "%zu bytes differ; the first at 0x%llx (byte lane %u of %u): 0x%02x, expected 0x%02x", n,
                static_cast<unsigned long long>(base + first), static_cast<unsigned>((base + first) % lanes), lanes,
                got[first], want[first]);
  return b;
}

template <class T>
class DmaTest : public ::testing::Test {
 protected:
  static constexpr unsigned W = T::kBytes;

  void SetUp() override { seed_ = test_seed(test_file_name()); rng_.seed(seed_); }

  // Builds the bench: memory model (optionally with stalls and latency).
  void build(double stall_prob = 0.0, unsigned max_stall = 100, unsigned latency = 0,
             unsigned stall_channels = 0x1f) {
    AxiMemConfig mc;
    mc.base = base_;
    mc.size = kDramSize;
    mc.data_bytes = W;
    mc.read_latency = latency;
    mc.write_latency = latency / 4;
    mc.stall_prob = stall_prob;
    mc.max_stall = max_stall;
    mc.stall_channels = stall_channels;
    mc.seed = seed_ ^ 0xa11;
    mem_ = std::make_unique<AxiMem>(mc);
    AxiMonitorConfig mon;
    mon.data_bytes = W;
    mon.max_outstanding_reads = kMaxOutstanding;
    mon.max_outstanding_writes = kMaxOutstanding;
    mon_ = std::make_unique<AxiMonitor>(mon);
    SimOptions so;
    so.name = test_file_name();
    so.seed = seed_;
    so.rand_reset = rand_reset_from_env();
    sim_ = std::make_unique<Sim<typename T::Model>>(so);
    dma_ = std::make_unique<DmaHarness<typename T::Model>>(*sim_, *mem_, *mon_, kSpBytes);
    dma_->set_window(base_, base_ + kDramSize);
    dma_->reset();
    // random contents everywhere: the canaries
    for (std::size_t i = 0; i < kDramSize; ++i) mem_->data()[i] = static_cast<std::uint8_t>(rng_());
    dram_ = mem_->bytes();
    sp_.resize(kSpBytes);
    for (auto& b : sp_) b = static_cast<std::uint8_t>(rng_());
    dma_->sp_write(sp_);
  }

  // After a descriptor that ended in an error response: nothing new was
  // requested after the response, nothing is left outstanding and the bus
  // saw no protocol violation; then the soft reset, and the expected
  // images resynchronized with what the failed descriptor left.
  void expect_clean_stop_then_reset() {
    dma_->drain(50);
    EXPECT_EQ(mon_->requests_after_error(), 0u) << "AR/AW issued after the error response";
    EXPECT_EQ(mon_->outstanding_reads() + mon_->outstanding_writes(), 0u);
    EXPECT_TRUE(mon_->violations().empty()) << mon_->report();
    dma_->soft_reset();
    dram_ = mem_->bytes();
    sp_ = dma_->sp_read();
  }

  unsigned uniform(unsigned lo, unsigned hi) { return std::uniform_int_distribution<unsigned>(lo, hi)(rng_); }

  // A random descriptor that fits the window and the scratchpad.
  DmaDesc random_desc() {
    DmaDesc d;
    d.store = uniform(0, 1);
    switch (uniform(0, 4)) {  // bytes per row
      case 0: d.row_bytes = uniform(1, W); break;
      case 1: d.row_bytes = uniform(1, 300); break;
      case 2: d.row_bytes = uniform(4000, 3 * 4096 + 77); break;
      default: d.row_bytes = uniform(1, 2000); break;
    }
    if (!d.store && uniform(0, 2) == 0) {
      d.pad_left = uniform(0, 3) == 0 ? uniform(0, 40) : uniform(0, 3);
      d.pad_right = uniform(0, 3) == 0 ? uniform(0, 40) : uniform(0, 3);
      d.pad_top = uniform(0, 3);
      d.pad_bottom = uniform(0, 3);
      d.pad_value = static_cast<std::uint8_t>(uniform(0, 255));
    }
    const unsigned width = d.row_width();
    d.sp_stride = width + (uniform(0, 2) == 0 ? 0 : uniform(0, 2 * W));
    const unsigned max_rows = std::max(1u, (kSpBytes - width) / d.sp_stride + 1);
    d.rows = uniform(1, std::min(max_rows - d.pad_top - d.pad_bottom > 0 ? max_rows - d.pad_top - d.pad_bottom : 1, 24u));
    if (d.total_rows() > max_rows) { d.pad_top = d.pad_bottom = 0; d.rows = std::min(d.rows, max_rows); }
    const unsigned sp_span = (d.total_rows() - 1) * d.sp_stride + width;
    d.sp_addr = uniform(0, kSpBytes - sp_span);
    // DRAM stride: packed, gapped, or (loads only) overlapping rows
    d.stride = d.row_bytes + (uniform(0, 2) == 0 ? 0 : uniform(0, 3 * W));
    if (!d.store && uniform(0, 9) == 0) d.stride = uniform(0, d.row_bytes);
    const std::uint64_t span = std::uint64_t(d.rows - 1) * d.stride + d.row_bytes;
    std::uint64_t off;
    switch (uniform(0, 2)) {
      case 0: off = uniform(0, W - 1) + W * uniform(0, 64); break;                // near the start, every alignment
      case 1: off = 4096ULL * uniform(1, 200) - uniform(0, 2 * W); break;         // just before a 4 KiB edge
      default: off = uniform(0, static_cast<unsigned>(kDramSize - span)); break;  // anywhere
    }
    if (off + span > kDramSize) off = kDramSize - span;
    d.dram_addr = base_ + off;
    return d;
  }

  // Runs one descriptor and compares DRAM and the whole scratchpad with the
  // reference; returns false (after reporting) on any difference.
  bool run_checked(const DmaDesc& d) {
    dma_reference(d, dram_, base_, sp_);
    const DmaResult r = dma_->run(d);
    last_ = r;
    EXPECT_EQ(r.status, DmaStatus::Ok) << describe(d);
    const std::vector<std::uint8_t> sp_now = dma_->sp_read();
    const std::string dram_diff = first_difference(mem_->bytes(), dram_, base_, W);
    const std::string sp_diff = first_difference(sp_now, sp_, 0, W);
    EXPECT_EQ(dram_diff, "") << "DRAM after " << describe(d);
    EXPECT_EQ(sp_diff, "") << "scratchpad after " << describe(d);
    EXPECT_TRUE(mon_->violations().empty()) << mon_->report();
    bytes_ += std::uint64_t(d.rows) * d.row_bytes;
    return dram_diff.empty() && sp_diff.empty() && r.status == DmaStatus::Ok && mon_->violations().empty();
  }

  std::string describe(const DmaDesc& d) const {
    return std::string(d.store ? "store" : "load") + " addr=+" + std::to_string(d.dram_addr - base_) +
           " rows=" + std::to_string(d.rows) + " row_bytes=" + std::to_string(d.row_bytes) +
           " stride=" + std::to_string(d.stride) + " sp=" + std::to_string(d.sp_addr) + " sp_stride=" +
           std::to_string(d.sp_stride) + " pad t/b/l/r=" + std::to_string(d.pad_top) + "/" +
           std::to_string(d.pad_bottom) + "/" + std::to_string(d.pad_left) + "/" + std::to_string(d.pad_right) +
           " seed " + std::to_string(seed_);
  }

  void random_run(int count) {
    for (int i = 0; i < count; ++i) {
      if (!run_checked(random_desc())) return;
    }
    std::cout << "[ dma      ] " << count << " descriptors, " << bytes_ << " bytes, " << mon_->ar_count()
              << " AR / " << mon_->aw_count() << " AW bursts, max outstanding " << mon_->max_seen_reads() << "/"
              << mon_->max_seen_writes() << ", " << mon_->violations().size() << " monitor violations, 0 canary changes"
              << std::endl;
  }

  std::uint64_t seed_ = 0;
  std::uint64_t base_ = kDramBase;  // the window's (and memory's) first byte
  std::mt19937_64 rng_;
  std::unique_ptr<AxiMem> mem_;
  std::unique_ptr<AxiMonitor> mon_;
  std::unique_ptr<Sim<typename T::Model>> sim_;
  std::unique_ptr<DmaHarness<typename T::Model>> dma_;
  std::vector<std::uint8_t> dram_, sp_;
  std::uint64_t bytes_ = 0;
  DmaResult last_;  // the descriptor run_checked ran last
};

TYPED_TEST_SUITE(DmaTest, Widths, WidthNames);

TYPED_TEST(DmaTest, RandomDescriptorsNoStalls) {
  this->build();
  this->random_run(300);
}

// The window straddling 2^44: the low 16 bits of a burst's block number
// (address / 4 KiB or less) and the low 32 bits of a row's address both
// wrap there, so the high parts take their carries a cycle later
// (abacus_addr_acc). Short
// rows, one burst each, so the rows that follow a wrap are consumed at once.
TYPED_TEST(DmaTest, AddressesCarryPast2To44) {
  this->base_ = (std::uint64_t{1} << 44) - kDramSize / 2;
  this->build();
  this->random_run(100);
  constexpr unsigned W = TestFixture::W;
  for (unsigned store = 0; store < 2; ++store) {
    for (unsigned a = 0; a < 2 * W; a += 3) {
      DmaDesc d;
      d.store = store;
      d.rows = 24;
      d.row_bytes = W;
      d.stride = W;
      d.dram_addr = this->base_ + kDramSize / 2 - 12 * W + a;  // rows 11..12 cross 2^44
      d.sp_addr = 512 * a;
      d.sp_stride = W;
      if (!this->run_checked(d)) return;
    }
  }
}

TYPED_TEST(DmaTest, RandomDescriptorsRandomStalls) {
  this->build(0.03, 100, 20);
  this->random_run(150);
}

// One descriptor per alignment case at every offset within the bus word,
// on both sides (DRAM and scratchpad), loads and stores.
TYPED_TEST(DmaTest, EveryAlignment) {
  constexpr unsigned W = TestFixture::W;
  this->build();
  for (unsigned store = 0; store < 2; ++store) {
    for (unsigned a = 0; a < W; ++a) {
      DmaDesc d;
      d.store = store;
      d.dram_addr = kDramBase + 4096 + a;
      d.rows = 3;
      d.row_bytes = 2 * W + 3;
      d.stride = 5 * W + 1;
      d.sp_addr = 1000 + (a * 7) % W;
      d.sp_stride = 3 * W + 5;
      if (!this->run_checked(d)) return;
    }
  }
}

// Descriptors handed over back to back (the DMA takes the next one while
// the previous one's data is still in flight): one completion each, in
// order, and memory exactly as if they had run one at a time.
TYPED_TEST(DmaTest, PipelinedDescriptorsInOrder) {
  this->build(0.02, 30, 60);
  for (int round = 0; round < 6; ++round) {
    std::vector<DmaDesc> descs;
    for (int i = 0; i < 12; ++i) {
      DmaDesc d = this->random_desc();
      d.rows = std::min(d.rows, 4u);
      if (i % 5 == 3) d.rows = 0;  // zero-length ones in the middle report in order too
      descs.push_back(d);
      dma_reference(d, this->dram_, kDramBase, this->sp_);
    }
    const auto results = this->dma_->run_all(descs);
    ASSERT_EQ(results.size(), descs.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(results[i].status, DmaStatus::Ok) << i;
    }
    EXPECT_EQ(first_difference(this->mem_->bytes(), this->dram_, kDramBase, this->W), "")
        << "DRAM, round " << round << " seed " << this->seed_;
    EXPECT_EQ(first_difference(this->dma_->sp_read(), this->sp_, 0, this->W), "")
        << "scratchpad, round " << round << " seed " << this->seed_;
    EXPECT_TRUE(this->mon_->violations().empty()) << this->mon_->report();
    if (this->HasFailure()) return;
  }
}

TYPED_TEST(DmaTest, ZeroLengthCompletesWithoutTraffic) {
  this->build();
  DmaDesc d;
  d.dram_addr = kDramBase;  // even outside the window it would be fine: nothing moves
  d.rows = 0;
  d.row_bytes = 100;
  const DmaResult r = this->dma_->run(d);
  EXPECT_EQ(r.status, DmaStatus::Ok);
  d.rows = 5;
  d.row_bytes = 0;
  d.store = true;
  EXPECT_EQ(this->dma_->run(d).status, DmaStatus::Ok);
  EXPECT_EQ(this->mon_->ar_count() + this->mon_->aw_count(), 0u);
  EXPECT_EQ(first_difference(this->dma_->sp_read(), this->sp_, 0, this->W), "") << "scratchpad";
}

// Error responses at several beat positions on R and B: status, direction
// and address; nothing new requested after the error; the next descriptor
// after a soft reset works.
TYPED_TEST(DmaTest, ErrorResponsesStopCleanly) {
  constexpr unsigned W = TestFixture::W;
  this->build(0.02, 20, 30);
  for (unsigned store = 0; store < 2; ++store) {
    // 3 rows of 3*4096+77 bytes at an odd address: many bursts per row
    DmaDesc d;
    d.store = store;
    d.dram_addr = kDramBase + 8192 + 5;
    d.rows = 3;
    d.row_bytes = 3 * 4096 + 77;
    d.stride = 16384;
    d.sp_stride = d.row_bytes;
    const std::uint64_t beats = 3 * ((d.row_bytes + W) / W);
    for (std::uint64_t n : {std::uint64_t(0), std::uint64_t(1), beats / 3, beats / 2 + 7, beats - 1}) {
      for (AxiResp resp : {AxiResp::SlvErr, AxiResp::DecErr}) {
        SCOPED_TRACE((store ? "store" : "load") + std::string(" error at beat ") + std::to_string(n));
        this->mem_->forget_error();
        this->mon_->forget_error();
        this->mem_->fail_beat(store ? AxiDir::Write : AxiDir::Read, n, resp);
        const DmaResult r = this->dma_->run(d);
        this->mem_->clear_errors();
        ASSERT_EQ(r.status, resp == AxiResp::SlvErr ? DmaStatus::SlvErr : DmaStatus::DecErr);
        EXPECT_EQ(r.store, bool(store));
        ASSERT_TRUE(this->mem_->first_error_addr().has_value());
        // the DMA names the first descriptor byte in the failing beat (load)
        // or burst (store)
        std::uint64_t want = *this->mem_->first_error_addr();
        for (unsigned row = 0; row < d.rows; ++row) {
          const std::uint64_t a = d.dram_addr + std::uint64_t(row) * d.stride;
          if (want < a + d.row_bytes && want + (store ? 4096 : W) > a && want < a) want = a;
        }
        EXPECT_EQ(r.addr, want);
        // refuses work until the soft reset, then works
        this->expect_clean_stop_then_reset();
        DmaDesc ok = d;
        ok.rows = 1;
        ok.row_bytes = 1000;
        ASSERT_TRUE(this->run_checked(ok));
      }
    }
  }
}

// An error response that arrives while bursts wait for the bus: AR alone
// stalls, so the load engine's two-entry AR queue is often full (one burst
// offered, one behind it) when an early burst's error comes back quickly.
// The offered burst must still go (AXI), the one behind it must not, and
// the engine must still fall idle with nothing outstanding. (Found by the
// seed 12333708142123854821 of ErrorResponsesStopCleanly, with the queue
// from 508efa3: the waiting burst went out 10 cycles after the error.)
TYPED_TEST(DmaTest, ErrorWhileBurstsWaitForTheBus) {
  constexpr unsigned W = TestFixture::W;
  this->build(0.3, 6, 2, 1u << unsigned(AxiChannel::AR));
  DmaDesc d;
  d.store = false;
  d.dram_addr = kDramBase + 4096 + 3;
  d.rows = 24;
  d.row_bytes = 2 * W + 5;  // three-beat bursts, one per row
  d.stride = 256;
  d.sp_stride = d.row_bytes;
  for (std::uint64_t n = 0; n < 40; ++n) {
    SCOPED_TRACE("error at beat " + std::to_string(n));
    this->mem_->forget_error();
    this->mon_->forget_error();
    this->mem_->fail_beat(AxiDir::Read, n, AxiResp::SlvErr);
    const DmaResult r = this->dma_->run(d);
    this->mem_->clear_errors();
    ASSERT_EQ(r.status, DmaStatus::SlvErr);
    this->expect_clean_stop_then_reset();
  }
  // and the engine works after the soft reset
  DmaDesc ok = d;
  ok.rows = 3;
  ASSERT_TRUE(this->run_checked(ok));
}

// Window violations, wrap-around and malformed descriptors are rejected
// before any bus request and change nothing.
TYPED_TEST(DmaTest, RejectsBeforeAnyBusRequest) {
  this->build();
  struct Case { DmaDesc d; DmaStatus want; std::uint64_t addr; const char* what; };
  std::vector<Case> cases;
  auto mk = [](bool store, std::uint64_t addr, unsigned rows, unsigned bytes, std::uint32_t stride) {
    DmaDesc d;
    d.store = store;
    d.dram_addr = addr;
    d.rows = rows;
    d.row_bytes = bytes;
    d.stride = stride;
    d.sp_stride = bytes;
    return d;
  };
  const std::uint64_t lim = kDramBase + kDramSize;
  cases.push_back({mk(false, kDramBase - 1, 1, 16, 0), DmaStatus::Window, kDramBase - 1, "starts below the window"});
  cases.push_back({mk(true, lim - 100, 1, 101, 0), DmaStatus::Window, lim, "ends one byte past the window"});
  cases.push_back({mk(false, lim - 4096, 3, 64, 4000), DmaStatus::Window, lim, "a later row leaves the window"});
  cases.push_back({mk(true, lim, 1, 1, 0), DmaStatus::Window, lim, "starts at the limit"});
  cases.push_back({mk(false, ~std::uint64_t(0) - 10, 1, 100, 0), DmaStatus::Window, ~std::uint64_t(0) - 10, "wraps around 2^64"});
  cases.push_back({mk(false, ~std::uint64_t(0) - 4096, 3, 16, 0x7fffffff), DmaStatus::Window, ~std::uint64_t(0) - 4096, "rows wrap around 2^64"});
  DmaDesc pad = mk(true, kDramBase, 2, 64, 64);
  pad.pad_left = 1;
  cases.push_back({pad, DmaStatus::Desc, 0, "store with padding"});
  DmaDesc spo = mk(false, kDramBase, 2, 64, 64);
  spo.sp_addr = kSpBytes - 100;
  cases.push_back({spo, DmaStatus::Desc, kSpBytes - 100, "scratchpad range past the end"});
  DmaDesc ovl = mk(false, kDramBase, 2, 64, 64);
  ovl.sp_stride = 63;
  cases.push_back({ovl, DmaStatus::Desc, 0, "scratchpad rows overlap"});
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const DmaResult r = this->dma_->run(c.d);
    EXPECT_EQ(r.status, c.want);
    EXPECT_EQ(r.addr, c.addr);
    this->dma_->soft_reset();
  }
  EXPECT_EQ(this->mon_->ar_count() + this->mon_->aw_count(), 0u) << "a rejected descriptor reached the bus";
  EXPECT_EQ(first_difference(this->mem_->bytes(), this->dram_, kDramBase, this->W), "") << "DRAM";
  EXPECT_EQ(first_difference(this->dma_->sp_read(), this->sp_, 0, this->W), "") << "scratchpad";
  // exactly at the window edges is fine
  ASSERT_TRUE(this->run_checked(mk(false, lim - 256, 1, 256, 0)));
  ASSERT_TRUE(this->run_checked(mk(true, kDramBase, 1, 256, 0)));
}

// READY (or VALID, for R and B) held low for thousands of cycles on each
// channel in turn, in the middle of a transfer: no deadlock, no loss.
TYPED_TEST(DmaTest, LongBackPressureOnEveryChannel) {
  this->build();
  for (AxiChannel ch : {AxiChannel::AR, AxiChannel::R, AxiChannel::AW, AxiChannel::W, AxiChannel::B}) {
    SCOPED_TRACE(to_string(ch));
    const bool store = ch == AxiChannel::AW || ch == AxiChannel::W || ch == AxiChannel::B;
    DmaDesc d;
    d.store = store;
    d.dram_addr = kDramBase + 3 * 4096 + 9;
    d.rows = 4;
    d.row_bytes = 5000;
    d.stride = 6000;
    d.sp_stride = 5000;
    // the channel is held for 3000 cycles from the descriptor's start
    this->mem_->hold(ch, 3000);
    ASSERT_TRUE(this->run_checked(d));
    EXPECT_GT(this->last_.cycles, 3000u) << "the hold did not delay the descriptor";
  }
}

// The monitor itself: each planted violation is caught with its rule.
TEST(AxiMonitorTest, CatchesPlantedViolations) {
  AxiMonitorConfig cfg;
  cfg.data_bytes = 16;
  cfg.max_outstanding_reads = 2;
  auto fresh = [&] {
    AxiMonitor m(cfg);
    AxiMasterSignals idle;
    AxiSlaveSignals s;
    m.check(0, true, idle, s);
    m.check(1, false, idle, s);
    return m;
  };
  auto expect_rule = [](const AxiMonitor& m, const std::string& rule) {
    ASSERT_FALSE(m.violations().empty()) << "no violation for: " << rule;
    EXPECT_NE(m.violations()[0].find(rule), std::string::npos) << m.violations()[0];
  };
  AxiSlaveSignals busy;  // nothing ready
  {  // valid dropped before ready
    AxiMonitor m = fresh();
    AxiMasterSignals a;
    a.arvalid = true;
    a.araddr = 0x1000;
    a.arsize = 4;
    a.arburst = 1;
    m.check(2, false, a, busy);
    a.arvalid = false;
    m.check(3, false, a, busy);
    expect_rule(m, "ARVALID dropped or payload changed");
  }
  {  // payload changed while waiting
    AxiMonitor m = fresh();
    AxiMasterSignals a;
    a.awvalid = true;
    a.awaddr = 0x1000;
    a.awsize = 4;
    a.awburst = 1;
    m.check(2, false, a, busy);
    a.awaddr = 0x2000;
    m.check(3, false, a, busy);
    expect_rule(m, "AWVALID dropped or payload changed");
  }
  {  // 4 KiB crossing
    AxiMonitor m = fresh();
    AxiMasterSignals a;
    AxiSlaveSignals s;
    s.arready = true;
    a.arvalid = true;
    a.araddr = 0x1ff0;
    a.arlen = 1;
    a.arsize = 4;
    a.arburst = 1;
    m.check(2, false, a, s);
    expect_rule(m, "crosses a 4 KiB boundary");
  }
  {  // WLAST early
    AxiMonitor m = fresh();
    AxiMasterSignals a;
    AxiSlaveSignals s;
    s.awready = s.wready = true;
    a.awvalid = true;
    a.awaddr = 0x1000;
    a.awlen = 3;
    a.awsize = 4;
    a.awburst = 1;
    a.wvalid = true;
    a.wlast = true;
    m.check(2, false, a, s);
    expect_rule(m, "WLAST not on beat AWLEN+1");
  }
  {  // R with nothing outstanding
    AxiMonitor m = fresh();
    AxiMasterSignals a;
    a.rready = true;
    AxiSlaveSignals s;
    s.rvalid = true;
    s.rlast = true;
    s.rid = 3;
    m.check(2, false, a, s);
    expect_rule(m, "with no read outstanding");
  }
  {  // B before the write data
    AxiMonitor m = fresh();
    AxiMasterSignals a;
    a.bready = true;
    AxiSlaveSignals s;
    s.bvalid = true;
    m.check(2, false, a, s);
    expect_rule(m, "with no completed write burst");
  }
  {  // too many outstanding reads
    AxiMonitor m = fresh();
    AxiMasterSignals a;
    AxiSlaveSignals s;
    s.arready = true;
    a.arvalid = true;
    a.arsize = 4;
    a.arburst = 1;
    for (int i = 0; i < 3; ++i) {
      a.araddr = 0x1000 * (i + 1);
      m.check(2 + i, false, a, s);
    }
    expect_rule(m, "more than 2 reads outstanding");
  }
  {  // VALID in the first cycle after reset
    AxiMonitor m(cfg);
    AxiMasterSignals idle, a;
    AxiSlaveSignals s;
    m.check(0, true, idle, s);
    a.wvalid = true;
    m.check(1, false, a, s);
    expect_rule(m, "first cycle after reset");
  }
}

}  // namespace
