// The whole accelerator (verilated abacus_top) through SimDevice and the
// runtime: random GEMMs against the golden kernel with exact performance
// counters, the register file, error paths, the interrupt, and recovery
// from a hung program. The AXI monitor checks the memory bus throughout
// (SimDevice::wait_done fails on any violation).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "abacus/isa.hpp"
#include "abacus/util.hpp"
#include "abacus/ref/gemm.hpp"
#include "abacus/ref/random.hpp"
#include "abacus/runtime.hpp"
#include "abacus/sim_device.hpp"
#include "common/axi.hpp"
#include "common/seed.hpp"

namespace {

using namespace abacus;
namespace reg = abacus::isa::reg;

std::string test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "." + info->name();
}

class TopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = sim::test_seed(test_name());
    rnd_ = ref::Random(seed_);
  }
  std::unique_ptr<SimDevice> open(unsigned latency = 0, double stall = 0.0, unsigned stall_channels = 0x1f) {
    SimDeviceOptions o;
    o.memory_size = 16 << 20;
    o.mem_latency = latency;
    o.stall_prob = stall;
    o.stall_channels = stall_channels;
    o.max_stall = 20;
    o.seed = seed_;
    o.rand_reset = sim::rand_reset_from_env();
    return std::make_unique<SimDevice>(o);
  }
  int uniform(int lo, int hi) { return rnd_.uniform(lo, hi); }

  struct Problem {
    GemmProblem p;
    std::vector<std::int8_t> a, b, want;
  };
  Problem random_problem(int m, int n, int k, ref::RequantMode mode = ref::RequantMode::kFixedPoint) {
    Problem pr;
    pr.a = rnd_.int8s(static_cast<std::size_t>(m) * k);
    pr.b = rnd_.int8s(static_cast<std::size_t>(k) * n);
    pr.p.m = m;
    pr.p.n = n;
    pr.p.k = k;
    pr.p.zp_a = uniform(-128, 127);
    ref::OutputStageSpec spec;
    spec.bias_bound = 100000;
    spec.exp_lo = -3;
    spec.exp_hi = 2;
    spec.zp_out_bound = 40;
    spec.mode = mode;
    pr.p.os = ref::random_output_stage(rnd_, n, k, spec);
    for (int j = 0; j < n; ++j) {  // one channel in eight: any multiplier, any shift
      if (mode == ref::RequantMode::kFloat32) {
        if (uniform(0, 7) == 0) {  // any sign, significand and exponent 2^-40..2^8
          const std::uint32_t bits = static_cast<std::uint32_t>(uniform(0, 1)) << 31 |
                                     static_cast<std::uint32_t>(uniform(127 - 40, 127 + 8)) << 23 |
                                     static_cast<std::uint32_t>(uniform(0, (1 << 23) - 1));
          std::memcpy(&pr.p.os.scale[static_cast<std::size_t>(j)], &bits, 4);
        }
        continue;
      }
      if (uniform(0, 7) == 0) pr.p.os.multiplier[static_cast<std::size_t>(j)] = uniform(0, INT32_MAX);
      if (uniform(0, 7) == 0) pr.p.os.shift[static_cast<std::size_t>(j)] = uniform(-31, 31);
    }
    if (uniform(0, 2) == 0) {  // fused ReLU-style clamp
      pr.p.os.act_min = pr.p.os.zp_out;
      pr.p.os.act_max = uniform(pr.p.os.zp_out, 127);
    }
    pr.want.resize(static_cast<std::size_t>(m) * n);
    ref::gemm_i8(m, n, k, pr.a.data(), k, pr.b.data(), n, pr.p.zp_a, pr.p.os, pr.want.data(), n);
    return pr;
  }

  // Runs a problem; checks bytes and the exact counters.
  void run_checked(SimDevice& dev, int m, int n, int k, ref::RequantMode mode = ref::RequantMode::kFixedPoint) {
    Problem pr = random_problem(m, n, k, mode);
    pr.p.a = pr.a.data();
    pr.p.b = pr.b.data();
    std::vector<std::int8_t> got(pr.want.size());
    const GemmStats st = gemm(dev, pr.p, got.data());
    long bad = 0;
    for (std::size_t i = 0; i < got.size(); ++i) bad += got[i] != pr.want[i];
    EXPECT_EQ(bad, 0) << m << "x" << n << "x" << k << (mode == ref::RequantMode::kFloat32 ? " float32" : "")
                      << " seed " << seed_;
    const HwConfig hw = read_config(dev);
    const std::uint64_t np = ceil_div<std::uint64_t>(n, hw.cols) * hw.cols;
    const std::uint64_t kp = ceil_div<std::uint64_t>(k, hw.rows) * hw.rows;
    if (st.programs == 1) {
      EXPECT_EQ(st.perf.macs, static_cast<std::uint64_t>(m) * np * kp) << "MACs counter";
      EXPECT_EQ(st.perf.bytes_written, static_cast<std::uint64_t>(m) * n) << "bytes written counter";
      // A once, the packed weights once per row block, the parameters once
      // (the schedule in docs/architecture.md)
      const std::uint64_t kt = kp / hw.rows, nt = np / hw.cols;
      const std::uint64_t mt = std::min<std::uint64_t>({hw.ibuf_rows / 2 / kt, hw.acc_rows / 2, hw.obuf_rows});
      const std::uint64_t row_blocks = ceil_div<std::uint64_t>(m, mt);
      EXPECT_EQ(st.perf.bytes_read,
                static_cast<std::uint64_t>(m) * k + row_blocks * nt * kp * hw.cols + nt * 3 * hw.cols * 4)
          << "bytes read counter";
    }
    EXPECT_TRUE(dev.monitor().violations().empty()) << dev.monitor().report();
  }

  std::uint64_t seed_ = 0;
  ref::Random rnd_{0};
};

TEST_F(TopTest, RandomGemmsBitExactWithStalls) {
  auto dev = open(20, 0.02);
  const int shapes[][3] = {{1, 1, 1}, {16, 16, 16}, {17, 33, 65}, {3, 200, 5}, {130, 17, 40}};
  for (const auto& s : shapes) run_checked(*dev, s[0], s[1], s[2]);
  for (int i = 0; i < 8; ++i) run_checked(*dev, uniform(1, 150), uniform(1, 150), uniform(1, 200));
}

// The float32 requantization mode (STORE.FLOAT_SCALE), alternating with
// the fixed-point one on the same device, against ref::gemm_i8.
TEST_F(TopTest, FloatScaleGemmsBitExactWithStalls) {
  auto dev = open(20, 0.02);
  const int shapes[][3] = {{1, 1, 1}, {16, 16, 16}, {17, 33, 65}, {130, 17, 40}};
  for (const auto& s : shapes) {
    run_checked(*dev, s[0], s[1], s[2], ref::RequantMode::kFloat32);
    run_checked(*dev, s[2], s[1], s[0], ref::RequantMode::kFixedPoint);
  }
  for (int i = 0; i < 4; ++i) run_checked(*dev, uniform(1, 150), uniform(1, 150), uniform(1, 200), ref::RequantMode::kFloat32);
}

// A device older than ISA 1.2 has no STORE.FLOAT_SCALE (it would reject the
// bit as ILLEGAL_FIELD): the runtime refuses before it writes anything.
TEST_F(TopTest, FloatScaleNeedsIsa12) {
  auto dev = open(0);
  HwConfig hw = read_config(*dev);
  EXPECT_EQ(hw.version & 0xffff, 5u);
  hw.version = 0x00010001;
  detail::Lowered L;
  L.float_scale = true;
  try {
    detail::run_lowered(*dev, hw, detail::CycleModel{}, L, Timeout{});
    ADD_FAILURE() << "no error";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("needs 1.2"), std::string::npos) << e.what();
  }
}

TEST_F(TopTest, LargerGemmNoStalls) {
  auto dev = open(100);
  run_checked(*dev, 200, 96, 300);
}

// MACs, bytes read and written are exact for a shape whose traffic is easy
// to count by hand: 32x32x32 is one row block, 32/A column blocks of an AxA
// array, K in one weight block. Reads: A 32*32 + packed B (32/A)*(32*A) +
// parameters 32/A slots * 3 vectors * 4A bytes = 1024 + 1024 + 384.
TEST_F(TopTest, CountersExactByHand) {
  constexpr unsigned kTiles = 32 / ABACUS_ARRAY;  // K tiles = column blocks
  auto dev = open();
  run_checked(*dev, 32, 32, 32);
  const PerfCounters pc = read_perf(*dev);
  EXPECT_EQ(pc.macs, 32u * 32u * 32u);
  EXPECT_EQ(pc.bytes_read, 1024u + 1024u + 384u);
  EXPECT_EQ(pc.bytes_written, 32u * 32u);
  EXPECT_EQ(pc.compute_busy, 32u * kTiles * kTiles) << "one cycle per activation row: 32 rows x K-tiles x blocks";
  EXPECT_GT(pc.cycles, pc.compute_busy);
}

TEST_F(TopTest, RegistersResetValuesAndAccess) {
  auto dev = open();
  EXPECT_EQ(dev->read32(reg::ID_MAGIC), isa::kIdMagic);
  EXPECT_EQ(dev->read32(reg::ID_VERSION), isa::kIdVersion);
  constexpr std::uint32_t kA = ABACUS_ARRAY;  // the build's rows = columns; the bus is 8A bits, buffer rows A bytes
  EXPECT_EQ(dev->read32(reg::CFG_ARRAY), (kA << 16) | kA);
  EXPECT_EQ(dev->read32(reg::CFG_IBUF_ROWS), 16384u);
  EXPECT_EQ(dev->read32(reg::CFG_WBUF_ROWS), 2048u);
  EXPECT_EQ(dev->read32(reg::CFG_ACC_ROWS), 512u);
  EXPECT_EQ(dev->read32(reg::CFG_OBUF_ROWS), 256u);
  EXPECT_EQ(dev->read32(reg::CFG_PBUF_SLOTS), 64u);
  EXPECT_EQ(dev->read32(reg::CFG_BUS), (32u << 16) | (8 * kA));
  EXPECT_EQ(dev->read32(reg::CFG_OUTSTANDING), (128u << 16) | (2u << 8) | 32u);  // store writes, fetch reads, load reads
  // wbuf after 16384 ibuf rows, pbuf after 2048 wbuf rows (KiB): 256 and 288 at 16x16
  EXPECT_EQ(dev->read32(reg::CFG_SPAD_MAP), ((18 * kA) << 16) | (16 * kA));
  for (std::uint32_t r : {reg::CTRL, reg::STATUS, reg::ERR_ADDR_LO, reg::ERR_ADDR_HI, reg::ERR_PC, reg::IRQ_STATUS,
                          reg::PC, reg::ENGINE_STATE, reg::PROG_BASE_LO, reg::PROG_BASE_HI, reg::PROG_COUNT,
                          reg::WIN_BASE_LO, reg::WIN_BASE_HI, reg::WIN_LIMIT_LO, reg::WIN_LIMIT_HI,
                          reg::PERF_CYCLES_LO, reg::PERF_CYCLES_HI, reg::PERF_MACS_LO, reg::PERF_BYTES_READ_LO,
                          reg::PERF_BYTES_WRITTEN_LO, reg::PERF_LOAD_BUSY, reg::PERF_COMPUTE_BUSY,
                          reg::PERF_STORE_BUSY}) {
    EXPECT_EQ(dev->read32(r), 0u) << "reset value of register 0x" << std::hex << r;
  }
  // read/write registers hold what is written
  const std::uint32_t rw[] = {reg::PROG_BASE_LO, reg::PROG_BASE_HI, reg::PROG_COUNT, reg::WIN_BASE_LO,
                              reg::WIN_BASE_HI, reg::WIN_LIMIT_LO, reg::WIN_LIMIT_HI};
  for (std::uint32_t r : rw) {
    const std::uint32_t v = static_cast<std::uint32_t>(rnd_.engine()());
    dev->write32(r, v);
    EXPECT_EQ(dev->read32(r), v) << "register 0x" << std::hex << r;
  }
  dev->write32(reg::CTRL, isa::ctrl::IRQ_EN);
  EXPECT_EQ(dev->read32(reg::CTRL), isa::ctrl::IRQ_EN);
  // read-only registers ignore writes
  for (std::uint32_t r : {reg::ID_MAGIC, reg::CFG_ARRAY, reg::STATUS, reg::PERF_CYCLES_LO}) {
    const std::uint32_t before = dev->read32(r);
    dev->write32(r, 0x5a5a5a5a);
    EXPECT_EQ(dev->read32(r), before) << "read-only register 0x" << std::hex << r;
  }
  // unmapped addresses answer SLVERR (the device names the offset)
  for (std::uint32_t r : {0x02Cu, 0x06Cu, 0x0B8u, 0xFFCu}) {
    EXPECT_THROW(dev->read32(r), DeviceError) << std::hex << r;
    EXPECT_THROW(dev->write32(r, 1), DeviceError) << std::hex << r;
  }
}

// Runs a raw program and returns STATUS; records whether the interrupt rose.
struct RawRun {
  std::uint32_t status, err_pc;
  std::uint64_t err_addr;
  bool irq;
};
RawRun run_raw(SimDevice& dev, const Program& prog, std::uint64_t win_lo, std::uint64_t win_hi) {
  const auto img = prog.bytes();
  const std::uint64_t addr = dev.alloc(img.size(), 64);
  dev.copy_to_device(addr, img.data(), img.size());
  dev.write32(reg::WIN_BASE_LO, static_cast<std::uint32_t>(win_lo));
  dev.write32(reg::WIN_BASE_HI, static_cast<std::uint32_t>(win_lo >> 32));
  dev.write32(reg::WIN_LIMIT_LO, static_cast<std::uint32_t>(win_hi));
  dev.write32(reg::WIN_LIMIT_HI, static_cast<std::uint32_t>(win_hi >> 32));
  dev.write32(reg::PROG_BASE_LO, static_cast<std::uint32_t>(addr));
  dev.write32(reg::PROG_BASE_HI, static_cast<std::uint32_t>(addr >> 32));
  dev.write32(reg::PROG_COUNT, static_cast<std::uint32_t>(prog.size()));
  dev.write32(reg::CTRL, isa::ctrl::START | isa::ctrl::IRQ_EN);
  Timeout t;
  t.sim_cycles = 200000;
  dev.wait_done(t);
  RawRun r;
  r.irq = dev.irq();
  r.status = dev.read32(reg::STATUS);
  r.err_pc = dev.read32(reg::ERR_PC);
  r.err_addr = dev.read32(reg::ERR_ADDR_LO) | static_cast<std::uint64_t>(dev.read32(reg::ERR_ADDR_HI)) << 32;
  dev.write32(reg::IRQ_STATUS, 1);
  EXPECT_FALSE(dev.irq()) << "IRQ_STATUS is write-1-to-clear";
  return r;
}

// Each bad instruction after a legal first one (first): the program ends
// with ILLEGAL_FIELD at index 1.
void expect_illegal_second(SimDevice& dev, const std::vector<std::pair<std::string, isa::Instruction>>& bad,
                           const std::function<void(Program&)>& first) {
  const std::uint64_t lo = dev.memory_base(), hi = lo + dev.memory_size();
  for (const auto& [what, insn] : bad) {
    Program r;
    first(r);
    r.raw(insn);
    r.finish();
    const RawRun rr = run_raw(dev, r, lo, hi);
    EXPECT_EQ(isa::status::error(rr.status), static_cast<std::uint32_t>(isa::Error::IllegalField)) << what;
    EXPECT_EQ(rr.err_pc, 1u) << what;
  }
}

// The LOAD of a parameter slot whose multipliers are 0 (every output of a
// STORE through it is the STORE's zero point, whatever the accumulator
// holds), giving load->compute.
void load_zero_params(SimDevice& dev, const HwConfig& hw, Program& q) {
  const std::vector<std::uint8_t> params(3 * hw.cols * 4, 0);
  const std::uint64_t p_dev = dev.alloc(params.size());
  dev.copy_to_device(p_dev, params.data(), params.size());
  Deps push;
  push.push_next = true;
  q.load({p_dev, 1, static_cast<std::uint32_t>(params.size()), static_cast<std::uint32_t>(params.size()),
          hw.pbuf_sp_base, static_cast<std::uint32_t>(params.size())}, push);
}

// STOREs of rows[k] rows each through that slot, back to back in DRAM from
// dst, Cols bytes a row, STORE k's zero point k + 1, each waiting for a
// compute->store token; STORE k reads accumulator rows from acc_row(k).
void append_zero_point_stores(Program& q, const HwConfig& hw, std::uint64_t dst,
                              const std::vector<std::uint32_t>& rows,
                              const std::function<std::uint32_t(std::size_t)>& acc_row) {
  const std::uint32_t C = hw.cols;
  std::uint64_t at = dst;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    StoreArgs st;
    st.dram_addr = at;
    st.m = rows[k];
    st.acc_row = acc_row(k);
    st.n_bytes = C;
    st.stride = C;
    st.zp_out = static_cast<std::int8_t>(k + 1);
    Deps d;
    d.pop_prev = true;
    q.store(st, d);
    at += static_cast<std::uint64_t>(rows[k]) * C;
  }
}

// A stream of STOREs of rows[k] rows each (append_zero_point_stores after
// load_zero_params); one GEMM per STORE gives its compute->store token,
// the first waiting for the slot's LOAD. With alternate_acc, STORE k reads
// accumulator rows from (k % 2) * rows[k].
Program zero_point_stores(SimDevice& dev, const HwConfig& hw, std::uint64_t dst,
                          const std::vector<std::uint32_t>& rows, bool alternate_acc) {
  Program q;
  load_zero_params(dev, hw, q);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    Deps d;
    d.pop_prev = k == 0;
    d.push_next = true;
    q.gemm({1, 0, 1, 0, 0, false}, d);
  }
  append_zero_point_stores(q, hw, dst, rows, [&](std::size_t k) {
    return alternate_acc ? static_cast<std::uint32_t>(k % 2) * rows[k] : 0u;
  });
  q.finish();
  return q;
}

TEST_F(TopTest, ErrorsStopWithCodeAddressAndInterrupt) {
  auto dev = open(10);
  const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
  auto then_a_job_works = [&] { run_checked(*dev, 20, 20, 20); };

  {  // illegal opcode at instruction 2
    Program p;
    p.finish();
    p.raw(p.instructions()[0]);
    isa::Instruction bad{};
    isa::set_field(bad, isa::field::OPCODE, 9);
    Program q;
    q.gemm({16, 0, 1, 0, 0, false});
    q.gemm({16, 0, 1, 0, 0, false});
    q.raw(bad);
    q.finish();
    const RawRun r = run_raw(*dev, q, lo, hi);
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::IllegalOp));
    EXPECT_EQ(r.err_pc, 2u);
    EXPECT_TRUE(r.irq);
    then_a_job_works();
  }
  {  // a reserved bit set
    isa::Instruction i{};
    isa::set_field(i, isa::field::OPCODE, static_cast<std::uint64_t>(isa::Op::Gemm));
    isa::set_field(i, isa::gemm::M, 4);
    i[3] |= 1ULL << 20;
    Program q;
    q.raw(i);
    const RawRun r = run_raw(*dev, q, lo, hi);
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::IllegalField));
    EXPECT_EQ(r.err_pc, 0u);
    then_a_job_works();
  }
  {  // fields out of range: M = 0, accumulator rows past the end, a LOAD popping a token it cannot have
    GemmArgs g0;
    g0.m = 0;
    GemmArgs g1;
    g1.m = 16;
    g1.acc_row = 500;
    Deps pop_prev;
    pop_prev.pop_prev = true;
    for (int which = 0; which < 3; ++which) {
      Program q;
      q.finish();  // index 0 is fine...
      Program r;
      r.store({lo, 1, 0, 16, 16, 0, 0, -128, 127});  // STORE at 0 (valid fields, but never runs)
      if (which == 0) r.gemm(g0);
      if (which == 1) r.gemm(g1);
      if (which == 2) r.load({lo, 1, 16, 16, 0, 16}, pop_prev);
      r.finish();
      const RawRun rr = run_raw(*dev, r, lo, hi);
      EXPECT_EQ(isa::status::error(rr.status), static_cast<std::uint32_t>(isa::Error::IllegalField)) << which;
      EXPECT_EQ(rr.err_pc, 1u) << which;
    }
    then_a_job_works();
  }
  {  // a LOAD outside the DMA window: DMA_WINDOW with the address, nothing read
    const std::uint64_t reads_before = dev->monitor().ar_count();
    Program q;
    q.load({hi - 8, 1, 64, 64, 0, 64});
    q.finish();
    const RawRun r = run_raw(*dev, q, lo, hi);
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::DmaWindow));
    EXPECT_EQ(r.err_addr, hi);
    EXPECT_EQ(r.err_pc, 0u);
    EXPECT_TRUE(r.irq);
    // only the program itself was read
    EXPECT_LE(dev->monitor().ar_count() - reads_before, 2u);
    then_a_job_works();
  }
  {  // an AXI error response to a load: DMA_SLVERR at the faulting address
    const std::uint64_t bad = lo + (8 << 20);
    dev->memory().add_error_range(bad + 4096, bad + 8192, sim::AxiResp::SlvErr, sim::AxiDir::Read);
    Program q;
    q.load({bad, 1, 8192, 8192, 0, 8192});
    q.finish();
    const RawRun r = run_raw(*dev, q, lo, hi);
    dev->memory().clear_errors();
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::DmaSlverr));
    EXPECT_EQ(r.err_addr, bad + 4096);
    EXPECT_FALSE(r.status & isa::status::ERROR_IS_STORE);
    then_a_job_works();
  }
  {  // DECERR on a store
    const std::uint64_t bad = lo + (9 << 20);
    dev->memory().add_error_range(bad, bad + 64, sim::AxiResp::DecErr, sim::AxiDir::Write);
    Program q;
    q.store({bad, 4, 0, 16, 16, 0, 0, -128, 127});
    q.finish();
    const RawRun r = run_raw(*dev, q, lo, hi);
    dev->memory().clear_errors();
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::DmaDecerr));
    EXPECT_TRUE(r.status & isa::status::ERROR_IS_STORE);
    EXPECT_EQ(r.err_addr, bad);
    then_a_job_works();
  }
  {  // empty program; a program outside the window
    Program q;
    const RawRun r = run_raw(*dev, q, lo, hi);
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::EmptyProgram));
    Program f;
    f.finish();
    const RawRun r2 = run_raw(*dev, f, lo + 4096, hi);  // the program sits below the window
    EXPECT_EQ(isa::status::error(r2.status), static_cast<std::uint32_t>(isa::Error::Fetch));
    then_a_job_works();
  }
  EXPECT_TRUE(dev->monitor().violations().empty()) << dev->monitor().report();
}

// One DWCONV alone runs without an error and counts its columns,
// (M - 1) * STRIDE + 3 per group, and its MACs, 9 x Cols per output, exactly.
void expect_lone_dwconv_counts(SimDevice& dev, const DwconvArgs& a, std::uint64_t lo, std::uint64_t hi,
                               std::uint32_t cols) {
  Program r;
  r.dwconv(a);
  r.finish();
  const RawRun rr = run_raw(dev, r, lo, hi);
  EXPECT_EQ(isa::status::error(rr.status), 0u);
  EXPECT_TRUE(rr.status & isa::status::DONE);
  const PerfCounters pc = read_perf(dev);
  EXPECT_EQ(pc.compute_busy, a.groups * ((a.m - 1) * a.stride + 3)) << "one cycle per column, per group";
  EXPECT_EQ(pc.macs, static_cast<std::uint64_t>(a.groups) * a.m * 9 * cols) << "9 x Cols per output, per group";
}

// DWCONV (ISA 1.3): each field fetch checks gives ILLEGAL_FIELD at the
// instruction's index; a legal one counts its columns and MACs exactly,
// and GEMMs run after it.
TEST_F(TopTest, DwconvFieldsCheckedAndCounted) {
  auto dev = open(10);
  const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
  const HwConfig hw = read_config(*dev);
  const std::uint32_t q = hw.ibuf_rows / 4;
  DwconvArgs ok;
  ok.m = 5;
  ok.stride = 2;
  ok.ibuf_row[0] = 3;
  ok.ibuf_row[1] = q + 7;
  ok.ibuf_row[2] = 3 * q;
  auto with = [&](const std::function<void(DwconvArgs&)>& f) {
    DwconvArgs a = ok;
    f(a);
    Program p;
    p.dwconv(a);
    return p.instructions()[0];
  };
  std::vector<std::pair<std::string, isa::Instruction>> bad = {
      {"rows 1 and 2 in one quarter", with([&](DwconvArgs& a) { a.ibuf_row[2] = q + 100; })},
      {"rows 0 and 2 in one quarter", with([&](DwconvArgs& a) { a.ibuf_row[2] = q - 1; })},
      {"STRIDE 0", with([](DwconvArgs& a) { a.stride = 0; })},
      {"M 0", with([](DwconvArgs& a) { a.m = 0; })},
      {"taps past wbuf", with([&](DwconvArgs& a) { a.wbuf_row = hw.wbuf_rows - 8; })},
      {"outputs past the accumulator", with([&](DwconvArgs& a) { a.acc_row = hw.acc_rows - 4; })},
      {"a row past ibuf", with([&](DwconvArgs& a) { a.ibuf_row[1] = hw.ibuf_rows; })},
      // GROUPS (ISA 1.4): the last group's rows, taps and outputs
      {"the last group's row 2 past its quarter", with([&](DwconvArgs& a) {
         a.ibuf_row[2] = 4 * q - 2;
         a.groups = 3;
       })},
      {"the last group's taps past wbuf", with([&](DwconvArgs& a) {
         a.groups = 3;
         a.wbuf_row = hw.wbuf_rows - 27 + 1;
       })},
      {"the last group's outputs past the accumulator", with([&](DwconvArgs& a) {
         a.groups = 4;
         a.acc_gstep = 100;
         a.acc_row = hw.acc_rows - 300 - 5 + 1;
       })},
  };
  isa::Instruction reserved = with([](DwconvArgs&) {});
  reserved[3] |= 1ULL << 4;  // bit 196
  bad.push_back({"a reserved bit", reserved});
  expect_illegal_second(*dev, bad, [&](Program& r) { r.dwconv(ok); });
  expect_lone_dwconv_counts(*dev, ok, lo, hi, hw.cols);
  run_checked(*dev, 20, 20, 20);
}

// DWCONV GROUPS (ISA 1.4): g groups count g times the columns and MACs of
// one; the fields' limits hold for the last group exactly; PUSH_NEXT gives
// a compute->store token per group (g STOREs waiting for one each all
// run, each with its own bytes; one more is a DEADLOCK).
TEST_F(TopTest, DwconvGroupsCountAndTokens) {
  auto dev = open(10);
  const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
  const HwConfig hw = read_config(*dev);
  const std::uint32_t q = hw.ibuf_rows / 4, C = hw.cols;
  DwconvArgs a;
  a.m = 5;
  a.stride = 2;
  a.ibuf_row[0] = q - 3;  // the last group's row q - 1: in quarter 0 still
  a.ibuf_row[1] = q + 7;
  a.ibuf_row[2] = 3 * q;
  a.groups = 3;
  a.acc_gstep = 5;
  a.wbuf_row = hw.wbuf_rows - 27;          // the last group's taps end at wbuf's end
  a.acc_row = hw.acc_rows - 2 * 5 - 5;     // its outputs at the accumulator's end
  expect_lone_dwconv_counts(*dev, a, lo, hi, C);
  a.acc_row = 0;
  for (int stores = 3; stores <= 4; ++stores) {
    const std::uint64_t dst = dev->alloc(static_cast<std::size_t>(stores) * 5 * C);
    Program r;
    load_zero_params(*dev, hw, r);
    Deps dd;
    dd.pop_prev = true;
    dd.push_next = true;
    r.dwconv(a, dd);
    // (STORE k drains group k % 3's five outputs)
    append_zero_point_stores(r, hw, dst, std::vector<std::uint32_t>(static_cast<std::size_t>(stores), 5),
                             [](std::size_t k) { return static_cast<std::uint32_t>(k % 3) * 5; });
    r.finish();
    const RawRun rr = run_raw(*dev, r, lo, hi);
    if (stores == 3) {
      EXPECT_EQ(isa::status::error(rr.status), 0u) << "a token per group";
      for (int k = 0; k < stores; ++k) {
        std::vector<std::int8_t> got(5 * C);
        dev->copy_from_device(got.data(), dst + static_cast<std::uint64_t>(k) * 5 * C, got.size());
        EXPECT_EQ(std::count(got.begin(), got.end(), static_cast<std::int8_t>(k + 1)), static_cast<long>(got.size()))
            << "STORE " << k;
      }
    } else {
      EXPECT_EQ(isa::status::error(rr.status), static_cast<std::uint32_t>(isa::Error::Deadlock))
          << "three groups give three tokens, not four";
    }
  }
  run_checked(*dev, 20, 20, 20);
}

// STORE with TO_IBUF (ISA 1.5): a GEMM's requantized rows go into ibuf,
// row i to word base + i x stride wrapping inside base's quarter, bytes
// 0 .. N_BYTES - 1 of each (the rest keep what a LOAD put there), and a
// second GEMM reads them once the STORE's store->compute token is given:
// byte for byte the two layers of ref::gemm_i8, in both requantization
// modes, under memory stalls. A long LOAD into the same quarter runs while
// the STORE drains (the load DMA has the port first): a third GEMM over
// all of its rows checks that no write of either was lost. Only the
// STOREs to DRAM count as bytes written.
TEST_F(TopTest, StoreToIbufFeedsTheNextGemm) {
  for (int iter = 0; iter < 6; ++iter) {
    const ref::RequantMode mode = iter % 2 ? ref::RequantMode::kFloat32 : ref::RequantMode::kFixedPoint;
    auto dev = open(static_cast<unsigned>(uniform(0, 40)), iter < 2 ? 0.0 : 0.3);
    const HwConfig hw = read_config(*dev);
    ASSERT_EQ(hw.rows, hw.cols) << "the test chains a GEMM's N into the next one's K";
    const int R = static_cast<int>(hw.rows), C = static_cast<int>(hw.cols);
    const std::uint32_t q = hw.ibuf_rows / 4, wb = hw.wbuf_sp_base / static_cast<std::uint32_t>(C);
    const int m = uniform(1, 60), m3 = 256;
    const std::uint32_t stride = static_cast<std::uint32_t>(uniform(1, 5));
    const std::uint32_t nb = iter >= 4 ? static_cast<std::uint32_t>(uniform(1, C - 1)) : static_cast<std::uint32_t>(C);
    // rows in quarter 2, from d words before its end (so some wrap)
    const std::uint32_t span = static_cast<std::uint32_t>(m - 1) * stride + 1;
    const std::uint32_t off = q - static_cast<std::uint32_t>(uniform(1, static_cast<int>(span)));
    ASSERT_LT(span, q / 4);
    auto word = [&](int i) { return 2 * q + (off + static_cast<std::uint32_t>(i) * stride) % q; };
    const std::uint32_t big = 2 * q + q / 4;  // the long LOAD's first word: clear of the rows
    SCOPED_TRACE("iteration " + std::to_string(iter) + ": m " + std::to_string(m) + ", stride " +
                 std::to_string(stride) + ", first word " + std::to_string(word(0)) + ", " + std::to_string(nb) +
                 " bytes a row, seed " + std::to_string(seed_));

    Problem l1 = random_problem(m, C, R, mode);   // A . B1 -> X
    Problem l2 = random_problem(m, C, C, mode);   // X' . B2 -> Y (its A unused)
    Problem l3 = random_problem(m3, C, R, mode);  // A3 . B1 (its B and stage replaced below)
    const std::vector<std::int8_t> filler = rnd_.int8s(static_cast<std::size_t>(span) * C);
    // X': the STORE's bytes, the filler's past N_BYTES
    std::vector<std::int8_t> x = l1.want;
    for (int i = 0; i < m; ++i) {
      for (int c = static_cast<int>(nb); c < C; ++c) {
        x[static_cast<std::size_t>(i) * C + c] =
            filler[static_cast<std::size_t>(word(i) - word(0) + (word(i) < word(0) ? q : 0)) * C + c];
      }
    }
    l2.p.zp_a = l1.p.os.zp_out;
    std::vector<std::int8_t> want_y(static_cast<std::size_t>(m) * C), want_z(static_cast<std::size_t>(m3) * C);
    ref::gemm_i8(m, C, C, x.data(), C, l2.b.data(), C, l2.p.zp_a, l2.p.os, want_y.data(), C);
    ref::gemm_i8(m3, C, R, l3.a.data(), R, l1.b.data(), C, l1.p.zp_a, l1.p.os, want_z.data(), C);

    // weights (B1 at wbuf row 0, B2 at row R) and the two parameter slots
    auto put = [&](const void* src, std::size_t n) {
      const std::uint64_t a = dev->alloc(n);
      dev->copy_to_device(a, src, n);
      return a;
    };
    std::vector<std::uint8_t> slots;
    std::vector<std::int8_t> wts;
    for (const Problem* pr : {&l1, &l2}) {
      std::vector<std::uint32_t> colsum;
      const auto bp = detail::pack_weights(
          R, C, 1, R, C, [&](int kk, int j) { return pr->b[static_cast<std::size_t>(kk) * C + j]; },
          [](int kk) { return kk; }, colsum);
      wts.insert(wts.end(), bp.begin(), bp.end());
      detail::Lowered L;
      L.n = C;
      for (int j = 0; j < C; ++j) {
        L.bias.push_back(static_cast<std::int32_t>(static_cast<std::uint32_t>(pr->p.os.bias[j]) -
                                                   static_cast<std::uint32_t>(pr->p.zp_a) * colsum[static_cast<std::size_t>(j)]));
        L.mult.push_back(static_cast<std::int32_t>(pr->p.os.scale_word(j)));
        L.shift.push_back(pr->p.os.shift_word(j));
      }
      const auto slot = detail::pack_params(L, 0, 1, C);
      slots.insert(slots.end(), slot.begin(), slot.end());
    }
    const std::uint32_t Cu = static_cast<std::uint32_t>(C), Ru = static_cast<std::uint32_t>(R);
    auto rows_load = [&](std::uint64_t src, std::uint32_t rows, std::uint32_t row_bytes, std::uint32_t first_word) {
      return LoadArgs{src, rows, row_bytes, row_bytes, first_word * Cu, Cu};
    };
    Program pg;
    Deps none, push_next, pop_prev;
    push_next.push_next = true;
    pop_prev.pop_prev = true;
    pg.load(rows_load(put(l1.a.data(), l1.a.size()), static_cast<std::uint32_t>(m), Ru, 0));
    pg.load(rows_load(put(wts.data(), wts.size()), 2 * Ru, Cu, wb));
    pg.load({put(slots.data(), slots.size()), 1, static_cast<std::uint32_t>(slots.size()),
             static_cast<std::uint32_t>(slots.size()), hw.pbuf_sp_base, static_cast<std::uint32_t>(slots.size())});
    // the filler under the rows: up to the quarter's end, then from its start
    const std::uint64_t fill = put(filler.data(), filler.size());
    const std::uint32_t before_wrap = std::min(span, q - off);
    pg.load(rows_load(fill, before_wrap, Cu, 2 * q + off), before_wrap == span ? push_next : none);
    if (before_wrap < span) pg.load(rows_load(fill + static_cast<std::uint64_t>(before_wrap) * Cu, span - before_wrap, Cu, 2 * q), push_next);
    // the long LOAD into the same quarter, for the third GEMM
    pg.load(rows_load(put(l3.a.data(), l3.a.size()), static_cast<std::uint32_t>(m3), Ru, big), push_next);

    Deps g1 = pop_prev;
    g1.push_next = true;
    pg.gemm({static_cast<std::uint32_t>(m), 0, 1, 0, 0, false}, g1);
    StoreArgs s1;
    s1.to_ibuf = true;
    s1.dram_addr = word(0);
    s1.stride = stride;
    s1.m = static_cast<std::uint32_t>(m);
    s1.acc_row = 0;
    s1.n_bytes = nb;
    s1.pslot = 0;
    s1.zp_out = static_cast<std::int8_t>(l1.p.os.zp_out);
    s1.clamp_min = static_cast<std::int8_t>(l1.p.os.act_min);
    s1.clamp_max = static_cast<std::int8_t>(l1.p.os.act_max);
    s1.float_scale = mode == ref::RequantMode::kFloat32;
    Deps d1 = pop_prev;
    d1.push_prev = true;
    pg.store(s1, d1);
    // the second GEMM in runs of rows that do not wrap
    for (int i = 0; i < m;) {
      int n = 1;
      while (i + n < m && word(i + n) > word(i + n - 1)) ++n;
      Deps g;
      g.pop_next = i == 0;
      g.push_next = i + n == m;
      pg.gemm({static_cast<std::uint32_t>(n), word(i), stride, Ru, static_cast<std::uint32_t>(m + i), false}, g);
      i += n;
    }
    const std::uint64_t y_dev = dev->alloc(want_y.size()), z_dev = dev->alloc(want_z.size());
    auto to_dram = [&](std::uint64_t dst, int rows, int acc_row, int slot, const ref::OutputStage& os) {
      StoreArgs st;
      st.dram_addr = dst;
      st.m = static_cast<std::uint32_t>(rows);
      st.acc_row = static_cast<std::uint32_t>(acc_row);
      st.n_bytes = Cu;
      st.stride = Cu;
      st.pslot = static_cast<std::uint32_t>(slot);
      st.zp_out = static_cast<std::int8_t>(os.zp_out);
      st.clamp_min = static_cast<std::int8_t>(os.act_min);
      st.clamp_max = static_cast<std::int8_t>(os.act_max);
      st.float_scale = mode == ref::RequantMode::kFloat32;
      pg.store(st, pop_prev);
    };
    to_dram(y_dev, m, m, 1, l2.p.os);
    Deps g3 = pop_prev;
    g3.push_next = true;
    pg.gemm({static_cast<std::uint32_t>(m3), big, 1, 0, static_cast<std::uint32_t>(2 * m), false}, g3);
    to_dram(z_dev, m3, 2 * m, 0, l1.p.os);
    pg.finish();

    const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
    const RawRun rr = run_raw(*dev, pg, lo, hi);
    ASSERT_EQ(isa::status::error(rr.status), 0u) << "at instruction " << rr.err_pc;
    std::vector<std::int8_t> y(want_y.size()), z(want_z.size());
    dev->copy_from_device(y.data(), y_dev, y.size());
    dev->copy_from_device(z.data(), z_dev, z.size());
    long bad_y = 0, bad_z = 0;
    for (std::size_t i = 0; i < y.size(); ++i) bad_y += y[i] != want_y[i];
    for (std::size_t i = 0; i < z.size(); ++i) bad_z += z[i] != want_z[i];
    EXPECT_EQ(bad_y, 0) << "the second layer, read from the STORE's ibuf rows";
    EXPECT_EQ(bad_z, 0) << "the long LOAD's rows";
    EXPECT_EQ(read_perf(*dev).bytes_written, static_cast<std::uint64_t>(m + m3) * Cu);
    EXPECT_TRUE(dev->monitor().violations().empty()) << dev->monitor().report();
  }
}

// The program builder refuses a value too wide for its field (naming the
// field) instead of encoding its low bits: a LOAD of 64 KiB in one row, a
// DWCONV stride of 4, a STORE's accumulator row past 16 bits; the widest
// values that fit are taken.
TEST(ProgramBuilder, FieldsTooWideAreRefused) {
  auto refused = [](const std::function<void(Program&)>& f, const std::string& field) {
    Program p;
    try {
      f(p);
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
      return;
    }
    ADD_FAILURE() << field << " accepted";
  };
  refused([](Program& p) { p.load({0, 1, 65536, 0, 0, 0}); }, "LOAD.ROW_BYTES");
  refused([](Program& p) { p.load({0, 65536, 16, 16, 0, 16}); }, "LOAD.ROWS");
  refused([](Program& p) {
    DwconvArgs a;
    a.m = 1;
    a.stride = 4;
    p.dwconv(a);
  }, "DWCONV.STRIDE");
  refused([](Program& p) {
    StoreArgs st;
    st.m = 1;
    st.acc_row = 1u << 16;
    p.store(st);
  }, "STORE.ACC_ROW");
  Program ok;
  ok.load({~0ULL, 65535, 65535, ~0U, ~0U, 65535});
  EXPECT_EQ(isa::get_field(ok.instructions()[0], isa::load::ROW_BYTES), 65535u);
}

// TO_IBUF's fields: the first word inside ibuf, the stride 1 .. a
// quarter's words - 1, else ILLEGAL_FIELD at that STORE; the extremes run.
TEST_F(TopTest, StoreToIbufFieldsChecked) {
  auto dev = open(10);
  const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
  const HwConfig hw = read_config(*dev);
  const std::uint32_t q = hw.ibuf_rows / 4;
  StoreArgs ok;
  ok.to_ibuf = true;
  ok.m = 2;
  ok.n_bytes = hw.cols;
  ok.dram_addr = hw.ibuf_rows - 1;  // row 1 wraps to the quarter's second-last word
  ok.stride = q - 1;
  auto with = [&](const std::function<void(StoreArgs&)>& f) {
    StoreArgs a = ok;
    f(a);
    Program p;
    p.store(a);
    return p.instructions()[0];
  };
  const std::vector<std::pair<std::string, isa::Instruction>> bad = {
      {"first word past ibuf", with([&](StoreArgs& a) { a.dram_addr = hw.ibuf_rows; })},
      {"first word far past ibuf", with([&](StoreArgs& a) { a.dram_addr = 1ULL << 40; })},
      {"stride 0", with([](StoreArgs& a) { a.stride = 0; })},
      {"stride a quarter", with([&](StoreArgs& a) { a.stride = q; })},
      {"stride 2^31", with([](StoreArgs& a) { a.stride = 1u << 31; })},
      {"N_BYTES past a word", with([&](StoreArgs& a) { a.n_bytes = hw.cols + 1; })},
  };
  expect_illegal_second(*dev, bad, [&](Program& r) { load_zero_params(*dev, hw, r); });
  Program r2;
  load_zero_params(*dev, hw, r2);
  Deps gd;
  gd.pop_prev = true;
  gd.push_next = true;
  r2.gemm({1, 0, 1, 0, 0, false}, gd);
  Deps sd;
  sd.pop_prev = true;
  r2.store(ok, sd);
  r2.finish();
  const RawRun rr = run_raw(*dev, r2, lo, hi);
  EXPECT_EQ(isa::status::error(rr.status), 0u) << "the extremes";
  EXPECT_EQ(read_perf(*dev).bytes_written, 0u) << "an ibuf STORE writes no DRAM";
  run_checked(*dev, 20, 20, 20);
}

// STOREs of at most half the output buffer drain into alternate halves
// while the DMA writes the STORE before: with the write channel stalling,
// every STORE's bytes are its own (a drain into a half the DMA still reads
// would show another STORE's bytes), the STOREs take less than they would
// one after another, and a failing STORE is reported with its own index.
TEST_F(TopTest, StoresOverlapInObufHalves) {
  const HwConfig hw0 = [&] { auto d = open(); return read_config(*d); }();
  const std::uint32_t M = hw0.obuf_rows / 2, C = hw0.cols, latency = 100;
  constexpr int kStores = 6;
  // (STOREs of half of obuf, alternating accumulator halves)
  auto program = [&](SimDevice& dev, std::uint64_t dst) {
    return zero_point_stores(dev, hw0, dst, std::vector<std::uint32_t>(kStores, M), true);
  };
  const std::uint32_t first_store = 1 + kStores;  // the STOREs' instruction indices
  auto expect_bytes = [&](SimDevice& dev, std::uint64_t dst, int k, const char* what) {
    std::vector<std::int8_t> got(static_cast<std::size_t>(M) * C);
    dev.copy_from_device(got.data(), dst + static_cast<std::uint64_t>(k) * M * C, got.size());
    const long bad = std::count_if(got.begin(), got.end(), [&](std::int8_t b) { return b != k + 1; });
    EXPECT_EQ(bad, 0) << what << ": STORE " << k << ", seed " << seed_;
  };
  {  // the W channel alone stalling (write addresses run up to the slave's
     // queue of 64 bursts ahead of their data): each STORE's own bytes
    auto dev = open(latency, 0.3, 1u << static_cast<unsigned>(sim::AxiChannel::W));
    const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
    const std::uint64_t dst = dev->alloc(static_cast<std::size_t>(kStores) * M * C);
    const RawRun r = run_raw(*dev, program(*dev, dst), lo, hi);
    ASSERT_EQ(isa::status::error(r.status), 0u);
    for (int k = 0; k < kStores; ++k) expect_bytes(*dev, dst, k, "stalls");
    EXPECT_EQ(read_perf(*dev).bytes_written, static_cast<std::uint64_t>(kStores) * M * C);
  }
  {  // no stalls: one after another, each STORE would take its drain (M
     // rows), its writes (M one-beat bursts) and a response latency
    auto dev = open(latency);
    const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
    const std::uint64_t dst = dev->alloc(static_cast<std::size_t>(kStores) * M * C);
    const RawRun r = run_raw(*dev, program(*dev, dst), lo, hi);
    ASSERT_EQ(isa::status::error(r.status), 0u);
    const std::uint64_t cycles = read_perf(*dev).cycles;
    EXPECT_LT(cycles, static_cast<std::uint64_t>(kStores) * (2 * M + latency)) << "the STOREs did not overlap";
    EXPECT_GT(cycles, static_cast<std::uint64_t>(kStores) * M);
    for (int k = 0; k < kStores; ++k) expect_bytes(*dev, dst, k, "no stalls");
  }
  // A STORE's writes fail: its index, its address, the bytes of the STOREs
  // before it; the program ends. Failing in its last row, the STORE after
  // it is outstanding at the DMA when the error is reported (and is
  // reported by nothing: the DMA stops); failing in its first, it is the
  // only one.
  for (const auto& [bad, row] : {std::pair<int, std::uint32_t>{2, M - 1}, {3, 0}}) {
    auto dev = open(latency);
    const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
    const std::uint64_t dst = dev->alloc(static_cast<std::size_t>(kStores) * M * C);
    const std::uint64_t bad_addr = dst + (static_cast<std::uint64_t>(bad) * M + row) * C;
    dev->memory().add_error_range(bad_addr, bad_addr + C, sim::AxiResp::SlvErr, sim::AxiDir::Write);
    const RawRun r = run_raw(*dev, program(*dev, dst), lo, hi);
    dev->memory().clear_errors();
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::DmaSlverr)) << bad;
    EXPECT_TRUE(r.status & isa::status::ERROR_IS_STORE) << bad;
    EXPECT_EQ(r.err_pc, first_store + static_cast<std::uint32_t>(bad)) << bad;
    EXPECT_EQ(r.err_addr, bad_addr) << bad;
    for (int k = 0; k < bad; ++k) expect_bytes(*dev, dst, k, "before the failing STORE");
    run_checked(*dev, 20, 20, 20);  // and the next job works
  }
}

// STOREs of at most a quarter of obuf take the quarters in turn, so four
// descriptors' writes and response latencies overlap; a STORE of at most a
// half takes the next half at or after the next quarter, a larger one the
// whole buffer. A mixed sequence under W stalls: each STORE's own bytes (a
// drain into a quarter an outstanding descriptor still reads shows as
// another STORE's bytes). Without stalls, short STOREs against a long
// latency: four descriptors' latencies overlap (with the halves, two).
TEST_F(TopTest, StoresOverlapInObufQuarters) {
  const HwConfig hw0 = [&] { auto d = open(); return read_config(*d); }();
  const std::uint32_t Q = hw0.obuf_rows / 4, C = hw0.cols;
  auto check = [&](const std::vector<std::uint32_t>& rows, unsigned latency, unsigned stall_channels, const char* what) {
    auto dev = open(latency, stall_channels ? 0.3 : 0.0, stall_channels);
    const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
    std::uint64_t total = 0;
    for (std::uint32_t m : rows) total += m;
    const std::uint64_t dst = dev->alloc(static_cast<std::size_t>(total) * C);
    const RawRun r = run_raw(*dev, zero_point_stores(*dev, hw0, dst, rows, false), lo, hi);
    EXPECT_EQ(isa::status::error(r.status), 0u) << what;
    std::uint64_t at = dst;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      std::vector<std::int8_t> got(static_cast<std::size_t>(rows[k]) * C);
      dev->copy_from_device(got.data(), at, got.size());
      const long bad = std::count_if(got.begin(), got.end(), [&](std::int8_t b) { return b != static_cast<std::int8_t>(k + 1); });
      EXPECT_EQ(bad, 0) << what << ": STORE " << k << " (" << rows[k] << " rows), seed " << seed_;
      at += static_cast<std::uint64_t>(rows[k]) * C;
    }
    EXPECT_EQ(read_perf(*dev).bytes_written, total * C) << what;
    return read_perf(*dev).store_busy;
  };
  // quarter, half (from an odd quarter: the next half), whole, and back
  const std::vector<std::uint32_t> mixed = {Q, Q / 2, 2 * Q, Q, 1, 2 * Q - 1, Q + 1, 4 * Q, Q, Q, 3, 2 * Q, Q};
  check(mixed, 100, 1u << static_cast<unsigned>(sim::AxiChannel::W), "mixed, W stalls");
  check(mixed, 100, 0x1f, "mixed, all channels stall");
  // Short STOREs against a long latency: a STORE's lifetime (parameters,
  // drain, writes, response) is about 2M + latency + 40 cycles, and with
  // four descriptors outstanding every four STOREs cost at most one such
  // lifetime (with two, every two would: about 1,500 cycles here). The
  // store engine's busy cycles exclude the program fetch and the LOAD.
  constexpr unsigned kN = 12, kLatency = 200;
  const std::uint32_t M = Q / 4;
  const std::uint64_t busy = check(std::vector<std::uint32_t>(kN, M), kLatency, 0, "short STOREs");
  EXPECT_LT(busy, (kN / 4 + 1) * (2ull * M + kLatency + 40)) << "four quarters' descriptors did not overlap";
  EXPECT_GT(busy, static_cast<std::uint64_t>(kN) * M + kLatency);
}

// Short LOADs keep the read bus busy: the load engine keeps up to 32 LOADs
// in flight (abacus_load_engine MaxLoads, the DMA's 32 reads), so 40
// single-beat LOADs against a 300-cycle memory take about three latencies
// (two rounds of fetch, one of data), not one latency every 8 LOADs (six,
// with the 8 it had). Every LOAD's bytes are counted once; a bus error in
// the 36th reports that LOAD's index and address with 31 LOADs still in
// flight ahead of it.
TEST_F(TopTest, ShortLoadsInFlight) {
  const HwConfig hw = [&] { auto d = open(); return read_config(*d); }();
  const std::uint32_t W = hw.bus_bits / 8, latency = 300;
  constexpr std::uint32_t kLoads = 40;
  auto program = [&](std::uint64_t src) {
    Program q;
    for (std::uint32_t k = 0; k < kLoads; ++k) {
      // (every other bus word in DRAM, one ibuf word each)
      q.load({src + 2ull * k * W, 1, W, W, k * W, W});
    }
    q.finish();
    return q;
  };
  {
    auto dev = open(latency);
    const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
    const std::uint64_t src = dev->alloc(2ull * kLoads * W);
    const RawRun r = run_raw(*dev, program(src), lo, hi);
    ASSERT_EQ(isa::status::error(r.status), 0u);
    const PerfCounters pc = read_perf(*dev);
    EXPECT_EQ(pc.bytes_read, static_cast<std::uint64_t>(kLoads) * W);
    EXPECT_LT(pc.cycles, 4ull * latency) << "LOADs waited for the latency in groups";
    EXPECT_GT(pc.cycles, 3ull * latency);
  }
  {
    auto dev = open(latency);
    const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
    const std::uint64_t src = dev->alloc(2ull * kLoads * W);
    constexpr std::uint32_t kBad = 35;
    const std::uint64_t bad_addr = src + 2ull * kBad * W;
    dev->memory().add_error_range(bad_addr, bad_addr + W, sim::AxiResp::SlvErr, sim::AxiDir::Read);
    const RawRun r = run_raw(*dev, program(src), lo, hi);
    dev->memory().clear_errors();
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::DmaSlverr));
    EXPECT_FALSE(r.status & isa::status::ERROR_IS_STORE);
    EXPECT_EQ(r.err_pc, kBad);
    EXPECT_EQ(r.err_addr, bad_addr);
    EXPECT_EQ(read_perf(*dev).bytes_read, static_cast<std::uint64_t>(kBad) * W);
    run_checked(*dev, 20, 20, 20);  // and the next job works
  }
}

TEST_F(TopTest, InterruptOnlyWhenEnabled) {
  auto dev = open();
  Program p;
  p.finish();
  const auto img = p.bytes();
  const std::uint64_t addr = dev->alloc(img.size());
  dev->copy_to_device(addr, img.data(), img.size());
  dev->write32(reg::WIN_BASE_LO, static_cast<std::uint32_t>(dev->memory_base()));
  dev->write32(reg::WIN_LIMIT_LO, static_cast<std::uint32_t>(dev->memory_base() + dev->memory_size()));
  dev->write32(reg::PROG_BASE_LO, static_cast<std::uint32_t>(addr));
  dev->write32(reg::PROG_COUNT, 1);
  dev->write32(reg::CTRL, isa::ctrl::START);  // IRQ_EN off
  dev->wait_done({});
  EXPECT_FALSE(dev->irq());
  EXPECT_EQ(dev->read32(reg::IRQ_STATUS), 0u);
  dev->write32(reg::CTRL, isa::ctrl::START | isa::ctrl::IRQ_EN);
  dev->wait_done({});
  EXPECT_TRUE(dev->irq());
  EXPECT_EQ(dev->read32(reg::IRQ_STATUS), 1u);
  dev->write32(reg::IRQ_STATUS, 0);  // writing 0 changes nothing
  EXPECT_TRUE(dev->irq());
  dev->write32(reg::IRQ_STATUS, 1);
  EXPECT_FALSE(dev->irq());
}

// A program that waits for a token nobody gives hangs; the timeout names
// the state, SOFT_RESET recovers, and the next job runs.
// A program whose dependency tokens never balance ends with DEADLOCK (not a
// hang): ERR_ADDR holds the four token counts, ERR_PC what was dispatched.
TEST_F(TopTest, DeadlockEndsWithCodeAndTokenCounts) {
  auto dev = open(5);
  const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
  GemmArgs g;
  g.m = 16;
  {  // a GEMM waiting for a LOAD that never comes
    Program p;
    Deps wait;
    wait.pop_prev = true;
    p.gemm(g, wait);
    p.finish();
    const std::uint64_t c0 = dev->cycles();
    const RawRun r = run_raw(*dev, p, lo, hi);
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::Deadlock));
    EXPECT_EQ(r.err_addr, 0u);
    EXPECT_EQ(r.err_pc, 2u);
    EXPECT_TRUE(r.irq);
    EXPECT_LT(dev->cycles() - c0, 1000u) << "the watch gives up after 256 quiet cycles";
  }
  {  // three LOADs push L->C; the GEMM waits for S->C; the STORE behind it waits for C->S
    Program p;
    Deps push;
    push.push_next = true;
    for (int i = 0; i < 3; ++i) p.load({lo, 1, 16, 16, 16 * static_cast<std::uint32_t>(i), 16}, push);
    Deps wait_store;
    wait_store.pop_next = true;
    p.gemm(g, wait_store);
    Deps wait_compute;
    wait_compute.pop_prev = true;
    p.store({lo + 4096, 4, 0, 16, 16, 0, 0, -128, 127}, wait_compute);
    p.finish();
    const RawRun r = run_raw(*dev, p, lo, hi);
    EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::Deadlock));
    EXPECT_EQ(r.err_addr, 3u) << "L->C = 3, the others 0";
    EXPECT_EQ(r.err_pc, 6u);
  }
  run_checked(*dev, 40, 24, 50);
  EXPECT_TRUE(dev->monitor().violations().empty()) << dev->monitor().report();
}

// 256 tokens pushed and never popped: TOKEN_OVERFLOW naming the counter,
// where an 8-bit counter would have wrapped to zero and lost them all.
TEST_F(TopTest, TokenOverflowIsAnError) {
  auto dev = open();
  const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
  Program p;
  Deps push;
  push.push_next = true;
  for (int i = 0; i < 256; ++i) p.load({lo, 1, 16, 16, 0, 16}, push);
  p.finish();
  const RawRun r = run_raw(*dev, p, lo, hi);
  EXPECT_EQ(isa::status::error(r.status), static_cast<std::uint32_t>(isa::Error::TokenOverflow));
  EXPECT_EQ(r.err_addr, 0u) << "L->C";
  EXPECT_GE(r.err_pc, 256u);
  EXPECT_LE(r.err_pc, 257u);
  // 255 is allowed: the same program one LOAD shorter ends normally
  Program q;
  for (int i = 0; i < 255; ++i) q.load({lo, 1, 16, 16, 0, 16}, push);
  q.finish();
  const RawRun r2 = run_raw(*dev, q, lo, hi);
  EXPECT_EQ(r2.status & 0xF2u, isa::status::DONE) << std::hex << r2.status;
  run_checked(*dev, 20, 20, 20);
}

// The DMA window is the one START found: widening it during a program does
// not let that program out, and narrowing it does not stop a program inside.
TEST_F(TopTest, WindowTakenAtStart) {
  auto dev = open(30);
  const std::uint64_t lo = dev->memory_base(), hi = lo + dev->memory_size();
  const std::uint64_t mid = lo + (8 << 20);
  Program p;  // loads inside [lo, mid), then a store at mid (outside)
  for (int i = 0; i < 8; ++i) p.load({lo, 64, 256, 256, 0, 256});
  p.store({mid, 4, 0, 16, 16, 0, 0, -128, 127});
  p.finish();
  const auto img = p.bytes();
  const std::uint64_t addr = dev->alloc(img.size(), 64);
  dev->copy_to_device(addr, img.data(), img.size());
  auto start = [&](std::uint64_t limit) {
    dev->write32(reg::WIN_BASE_LO, static_cast<std::uint32_t>(lo));
    dev->write32(reg::WIN_BASE_HI, static_cast<std::uint32_t>(lo >> 32));
    dev->write32(reg::WIN_LIMIT_LO, static_cast<std::uint32_t>(limit));
    dev->write32(reg::WIN_LIMIT_HI, static_cast<std::uint32_t>(limit >> 32));
    dev->write32(reg::PROG_BASE_LO, static_cast<std::uint32_t>(addr));
    dev->write32(reg::PROG_BASE_HI, static_cast<std::uint32_t>(addr >> 32));
    dev->write32(reg::PROG_COUNT, static_cast<std::uint32_t>(p.size()));
    dev->write32(reg::CTRL, isa::ctrl::START);
  };
  Timeout t;
  t.sim_cycles = 200000;
  start(mid);
  dev->step(50);
  dev->write32(reg::WIN_LIMIT_LO, static_cast<std::uint32_t>(hi));  // widen, mid-program
  dev->write32(reg::WIN_LIMIT_HI, static_cast<std::uint32_t>(hi >> 32));
  EXPECT_EQ(dev->read32(reg::WIN_LIMIT_LO), static_cast<std::uint32_t>(hi)) << "the register reads back";
  EXPECT_TRUE(dev->read32(reg::STATUS) & isa::status::BUSY);
  dev->wait_done(t);
  std::uint32_t st = dev->read32(reg::STATUS);
  EXPECT_EQ(isa::status::error(st), static_cast<std::uint32_t>(isa::Error::DmaWindow));
  EXPECT_EQ(dev->read32(reg::ERR_PC), 8u);
  EXPECT_EQ(dev->monitor().aw_count(), 0u) << "nothing written";

  start(hi);
  dev->step(50);
  dev->write32(reg::WIN_LIMIT_LO, static_cast<std::uint32_t>(lo + 64));  // narrow, mid-program
  dev->write32(reg::WIN_LIMIT_HI, static_cast<std::uint32_t>((lo + 64) >> 32));
  dev->wait_done(t);
  st = dev->read32(reg::STATUS);
  EXPECT_EQ(st & 0xF2u, isa::status::DONE) << std::hex << st;
  EXPECT_GT(dev->monitor().aw_count(), 0u);
  run_checked(*dev, 20, 20, 20);
}

// A memory that does not answer: the host's timeout names the state, and
// SOFT_RESET (once the bus has answered) recovers.
TEST_F(TopTest, TimeoutReportsStateAndSoftResetRecovers) {
  auto dev = open();
  Program p;
  p.load({dev->memory_base(), 1, 64, 64, 0, 64});
  p.finish();
  const auto img = p.bytes();
  const std::uint64_t addr = dev->alloc(img.size());
  dev->copy_to_device(addr, img.data(), img.size());
  dev->write32(reg::WIN_BASE_LO, static_cast<std::uint32_t>(dev->memory_base()));
  dev->write32(reg::WIN_LIMIT_LO, static_cast<std::uint32_t>(dev->memory_base() + dev->memory_size()));
  dev->write32(reg::PROG_BASE_LO, static_cast<std::uint32_t>(addr));
  dev->write32(reg::PROG_COUNT, 2);
  dev->memory().hold(sim::AxiChannel::AR, 8000);  // not even the program can be read
  dev->write32(reg::CTRL, isa::ctrl::START);
  Timeout t;
  t.sim_cycles = 5000;
  try {
    dev->wait_done(t);
    FAIL() << "expected a timeout";
  } catch (const TimeoutError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("STATUS=0x1"), std::string::npos) << what;
    EXPECT_NE(what.find("PC=0"), std::string::npos) << what;
    EXPECT_NE(what.find("ENGINE_STATE=0x1"), std::string::npos) << what << " (fetch busy)";
  }
  dev->write32(reg::CTRL, isa::ctrl::SOFT_RESET);
  dev->step(4000);
  EXPECT_EQ(dev->read32(reg::STATUS) & isa::status::BUSY, 0u);
  run_checked(*dev, 40, 24, 50);
}

}  // namespace
