// Fetch, decode and dispatch (abacus_fetch, in tb/rtl/abacus_fetch_tb.sv)
// against the AXI memory model and protocol monitor at bus widths of 64 to
// 512 bits: an instruction is four beats, two, one, or half a beat (the
// 64x64 top's bus, where fetch reads whole beats and drops the slots
// outside the program). Programs start at every 32-byte offset, cross
// 4 KiB pages and the 4 GiB line; the memory stalls at random and the
// engines take instructions at random. Checked: every instruction
// dispatched once, in order, to its queue; every burst inside the beats
// the program lies in, none read twice; FINISH, bus errors, illegal
// opcodes and GEMM range checks (per slot of a beat) stop where they must.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vfetch_128.h"
#include "Vfetch_256.h"
#include "Vfetch_512.h"
#include "Vfetch_64.h"
#include "abacus/isa.hpp"
#include "common/axi.hpp"
#include "common/axi_ports.hpp"
#include "common/seed.hpp"
#include "test_name.hpp"
#include "common/sim.hpp"

namespace {

using namespace abacus::sim;
using abacus::tb::test_file_name;
namespace isa = abacus::isa;

// 64 KiB of memory across the 4 GiB line, so the fetch addresses carry
// out of their low 32 bits.
constexpr std::uint64_t kMemBase = 0xFFFF'8000ULL;
constexpr std::size_t kMemSize = 1 << 16;
constexpr unsigned kIbufRows = 16384;  // -GIbufRows in tb/CMakeLists.txt

template <class M, unsigned Bits>
struct Width {
  using Model = M;
  static constexpr unsigned kBytes = Bits / 8;
  static std::string name() { return std::to_string(Bits) + "bit"; }
};
using Widths = ::testing::Types<Width<Vfetch_64, 64>, Width<Vfetch_128, 128>, Width<Vfetch_256, 256>,
                                Width<Vfetch_512, 512>>;
struct WidthNames {
  template <class T>
  static std::string GetName(int) { return T::name(); }
};

struct Dispatched {
  isa::Instruction insn;
  char queue;  // 'L', 'C', 'S'
};

struct Outcome {
  bool finished = false, error = false;
  unsigned code = 0;
  std::uint64_t err_addr = 0;
  std::uint32_t pc = 0;
  std::vector<Dispatched> got;
  std::uint64_t cycles = 0;
};

struct Burst {
  std::uint64_t addr;
  unsigned beats;
};

template <class T>
class FetchTest : public ::testing::Test {
 protected:
  using Model = typename T::Model;
  static constexpr unsigned W = T::kBytes;

  void SetUp() override {
    seed_ = test_seed(test_file_name());
    rng_.seed(seed_);
  }

  void build(double stall_prob, unsigned latency) {
    SimOptions so;
    so.name = test_file_name();
    so.seed = seed_;
    so.rand_reset = rand_reset_from_env();
    sim_ = std::make_unique<Sim<Model>>(so);
    AxiMemConfig mc;
    mc.base = kMemBase;
    mc.size = kMemSize;
    mc.data_bytes = W;
    mc.read_latency = latency;
    mc.stall_prob = stall_prob;
    mc.seed = seed_ ^ 0x5eed;
    mem_ = std::make_unique<AxiMem>(mc);
    mem_->on_request = [this](AxiDir dir, std::uint64_t addr, unsigned beats, unsigned size) {
      EXPECT_EQ(dir, AxiDir::Read);
      EXPECT_EQ(1u << size, W);
      bursts_.push_back({addr, beats});
    };
    AxiMonitorConfig moc;
    moc.data_bytes = W;
    moc.max_outstanding_reads = 2;  // fetch's MaxBursts
    mon_ = std::make_unique<AxiMonitor>(moc);
    auto& d = sim_->dut();
    d.clear_i = 0;
    d.start_i = 0;
    d.halt_i = 0;
    d.engines_idle_i = 1;
    d.ld_ready_i = d.cp_ready_i = d.st_ready_i = 0;
    d.rst_ni = 0;
    for (int i = 0; i < 4; ++i) cycle(true);
    d.rst_ni = 1;
  }

  // One clock cycle: memory, monitor, and the engines' side (random
  // readiness; halt after an error, as abacus_top does).
  void cycle(bool in_reset = false, Outcome* out = nullptr) {
    auto& d = sim_->dut();
    drive_axi_slave(d, mem_->outputs(), W);
    d.ld_ready_i = coin(ready_prob_);
    d.cp_ready_i = coin(ready_prob_);
    d.st_ready_i = coin(ready_prob_);
    d.engines_idle_i = coin(idle_prob_);
    sim_->settle();
    if (out) {
      isa::Instruction insn;
      for (unsigned w = 0; w < 4; ++w) insn[w] = std::uint64_t(d.insn_o[2 * w]) | std::uint64_t(d.insn_o[2 * w + 1]) << 32;
      if (d.ld_valid_o && d.ld_ready_i) out->got.push_back({insn, 'L'});
      if (d.cp_valid_o && d.cp_ready_i) out->got.push_back({insn, 'C'});
      if (d.st_valid_o && d.st_ready_i) out->got.push_back({insn, 'S'});
      if (d.finish_o) out->finished = true;
      if (d.err_o && !out->error) {
        out->error = true;
        out->code = d.err_code_o;
        out->err_addr = d.err_addr_o;
      }
    }
    const AxiMasterSignals m = sample_axi_master(d, W);
    mon_->check(sim_->cycle(), in_reset, m, mem_->outputs());
    mem_->step(m);
    sim_->tick();
    if (out && out->error) d.halt_i = 1;
  }

  bool coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  // Writes a program at `base` and runs it to its end (FINISH, the last
  // instruction, or an error), then waits until fetch is idle.
  Outcome run(std::uint64_t base, const std::vector<isa::Instruction>& prog, std::uint32_t count = 0) {
    if (count == 0) count = static_cast<std::uint32_t>(prog.size());
    for (std::size_t k = 0; k < prog.size(); ++k) {
      std::memcpy(mem_->data() + (base - kMemBase) + 32 * k, prog[k].data(), 32);
    }
    bursts_.clear();
    auto& d = sim_->dut();
    d.prog_base_i = base;
    d.prog_count_i = count;
    d.win_base_i = kMemBase;
    d.win_limit_i = kMemBase + kMemSize;
    d.halt_i = 0;
    d.start_i = 1;
    Outcome out;
    const std::uint64_t t0 = sim_->cycle();
    cycle(false, &out);
    d.start_i = 0;
    while (true) {
      if (sim_->cycle() - t0 > 200000) {
        ADD_FAILURE() << "fetch did not end in 200000 cycles (busy " << int(d.busy_o) << ", pc " << d.pc_o << ")";
        break;
      }
      sim_->settle();
      if (!d.busy_o && (out.finished || out.error)) break;
      cycle(false, &out);
    }
    out.pc = d.pc_o;
    out.cycles = sim_->cycle() - t0;
    // nothing more after the end: no request, no dispatch
    const std::size_t n_bursts = bursts_.size();
    for (int i = 0; i < 20; ++i) cycle(false, &out);
    EXPECT_EQ(bursts_.size(), n_bursts) << "a read issued after fetch went idle";
    EXPECT_TRUE(mon_->violations().empty()) << mon_->report();
    return out;
  }

  // A random instruction fetch accepts: LOADs (random payload), GEMMs and
  // STOREs with fields in range, DWCONVs.
  isa::Instruction random_insn() {
    isa::Instruction i{};
    std::uniform_int_distribution<std::uint64_t> any;
    switch (rng_() % 4) {
      case 0:
        for (auto& w : i) w = any(rng_);
        for (unsigned w = 0; w < 4; ++w) i[w] &= ~isa::load::kReservedMask[w];
        isa::set_field(i, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Load));
        isa::set_field(i, isa::field::POP_PREV, 0);
        isa::set_field(i, isa::field::PUSH_PREV, 0);
        break;
      case 1: {
        isa::set_field(i, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Gemm));
        const unsigned m = 1 + rng_() % 64, stride = rng_() % 200;
        isa::set_field(i, isa::gemm::M, m);
        isa::set_field(i, isa::gemm::IBUF_STRIDE, stride);
        isa::set_field(i, isa::gemm::IBUF_ROW, rng_() % (kIbufRows - (m - 1) * stride));
        isa::set_field(i, isa::gemm::WBUF_ROW, rng_() % 1000);
        isa::set_field(i, isa::gemm::ACC_ROW, rng_() % 400);
        isa::set_field(i, isa::field::POP_PREV, rng_() & 1);
        isa::set_field(i, isa::field::PUSH_NEXT, rng_() & 1);
        break;
      }
      case 2:
        isa::set_field(i, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Store));
        isa::set_field(i, isa::store::M, 1 + rng_() % 200);
        isa::set_field(i, isa::store::ACC_ROW, rng_() % 300);
        isa::set_field(i, isa::store::N_BYTES, 1 + rng_() % 64);
        isa::set_field(i, isa::store::PSLOT, rng_() % 64);
        isa::set_field(i, isa::store::CLAMP_MIN, 0x80);
        isa::set_field(i, isa::store::CLAMP_MAX, 0x7f);
        isa::set_field(i, isa::store::DRAM_ADDR, any(rng_));
        isa::set_field(i, isa::store::STRIDE, any(rng_) & 0xffffffff);
        break;
      default:
        isa::set_field(i, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Dwconv));
        isa::set_field(i, isa::dwconv::STRIDE, 1 + rng_() % 2);
        isa::set_field(i, isa::dwconv::M, 1 + rng_() % 100);
        isa::set_field(i, isa::dwconv::IBUF_ROW0, 0);
        isa::set_field(i, isa::dwconv::IBUF_ROW1, kIbufRows / 4);
        isa::set_field(i, isa::dwconv::IBUF_ROW2, kIbufRows / 2 + rng_() % 100);
        isa::set_field(i, isa::dwconv::WBUF_ROW, rng_() % 1000);
        isa::set_field(i, isa::dwconv::ACC_ROW, rng_() % 400);
        break;
    }
    return i;
  }
  std::vector<isa::Instruction> random_program(unsigned n) {
    std::vector<isa::Instruction> p;
    for (unsigned k = 0; k < n; ++k) p.push_back(random_insn());
    return p;
  }
  static char queue_of(const isa::Instruction& i) {
    switch (static_cast<isa::Op>(isa::get_field(i, isa::field::OPCODE))) {
      case isa::Op::Load: return 'L';
      case isa::Op::Store: return 'S';
      default: return 'C';
    }
  }

  // The first n instructions of prog dispatched, in order, each to its queue.
  void expect_dispatched(const Outcome& out, const std::vector<isa::Instruction>& prog, std::size_t n,
                         const std::string& what) {
    ASSERT_EQ(out.got.size(), n) << what;
    for (std::size_t k = 0; k < n; ++k) {
      ASSERT_EQ(out.got[k].insn, prog[k]) << what << ": instruction " << k << " differs";
      ASSERT_EQ(out.got[k].queue, queue_of(prog[k])) << what << ": instruction " << k << " to the wrong queue";
    }
  }

  // Bursts: contiguous from the beat holding the first instruction, none
  // crossing 4 KiB, ending at the beat holding the last (when the whole
  // program was read).
  void expect_bursts(std::uint64_t base, std::uint64_t count, bool whole, const std::string& what) {
    const std::uint64_t first = base & ~std::uint64_t(W - 1);
    const std::uint64_t end = (base + 32 * count + W - 1) & ~std::uint64_t(W - 1);
    std::uint64_t at = first;
    for (const Burst& b : bursts_) {
      ASSERT_EQ(b.addr, at) << what << ": bursts not contiguous from the program's first beat";
      ASSERT_EQ(b.addr >> 12, (b.addr + std::uint64_t(b.beats) * W - 1) >> 12) << what << ": a burst crosses 4 KiB";
      at += std::uint64_t(b.beats) * W;
      ASSERT_LE(at, end) << what << ": a burst reads past the program's last beat";
    }
    if (whole) {
      EXPECT_EQ(at, end) << what << ": the program was not read to its last beat";
    }
  }

  std::uint64_t random_base(unsigned count) {
    const std::uint64_t slots = (kMemSize - 32 * std::uint64_t(count)) / 32;
    return kMemBase + 32 * (rng_() % slots);
  }

  std::uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  double ready_prob_ = 1.0, idle_prob_ = 1.0;
  std::unique_ptr<Sim<Model>> sim_;
  std::unique_ptr<AxiMem> mem_;
  std::unique_ptr<AxiMonitor> mon_;
  std::vector<Burst> bursts_;
};
TYPED_TEST_SUITE(FetchTest, Widths, WidthNames);

// Short programs at both slots of a beat (and every offset of a 64-byte
// line): one instruction, two, three; each alone in a run.
TYPED_TEST(FetchTest, EveryOffsetShortPrograms) {
  this->build(0.0, 3);
  for (unsigned count = 1; count <= 5; ++count) {
    for (unsigned off = 0; off < 4; ++off) {
      const std::uint64_t base = kMemBase + 0x1000 - 64 + 32 * off;  // some run across a 4 KiB page
      const auto prog = this->random_program(count);
      const std::string what = "count " + std::to_string(count) + " at +" + std::to_string(32 * off);
      const Outcome out = this->run(base, prog);
      ASSERT_TRUE(out.finished && !out.error) << what << ": code " << out.code;
      this->expect_dispatched(out, prog, count, what);
      EXPECT_EQ(out.pc, count) << what;
      this->expect_bursts(base, count, true, what);
    }
  }
}

// Random programs, random places, memory stalls, slow engines.
TYPED_TEST(FetchTest, RandomProgramsUnderStalls) {
  this->build(0.05, 17);
  for (int n = 0; n < 24; ++n) {
    const unsigned count = 1 + this->rng_() % 300;
    const std::uint64_t base = this->random_base(count);
    this->ready_prob_ = (n % 3 == 0) ? 1.0 : 0.3;
    this->idle_prob_ = (n % 2 == 0) ? 1.0 : 0.2;
    const auto prog = this->random_program(count);
    char at[32];
    std::snprintf(at, sizeof at, "0x%llx", static_cast<unsigned long long>(base));
    const std::string what = "program " + std::to_string(n) + ": " + std::to_string(count) + " at " + at;
    const Outcome out = this->run(base, prog);
    ASSERT_TRUE(out.finished && !out.error) << what << ": code " << out.code;
    this->expect_dispatched(out, prog, count, what);
    EXPECT_EQ(out.pc, count) << what;
    this->expect_bursts(base, count, true, what);
  }
  // the 4 GiB line: a program across it
  const std::uint64_t base = 0x1'0000'0000ULL - 32 * 37;
  const auto prog = this->random_program(80);
  const Outcome out = this->run(base, prog);
  ASSERT_TRUE(out.finished && !out.error);
  this->expect_dispatched(out, prog, 80, "across 4 GiB");
  this->expect_bursts(base, 80, true, "across 4 GiB");
}

// FINISH before the end: the instructions before it dispatched, FINISH
// counted, nothing after it; the program's open reads complete first.
TYPED_TEST(FetchTest, FinishEndsEarly) {
  this->build(0.02, 9);
  for (unsigned k : {0u, 1u, 2u, 7u, 16u, 33u}) {
    auto prog = this->random_program(60);
    isa::Instruction fin{};
    isa::set_field(fin, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Finish));
    prog[k] = fin;
    const std::uint64_t base = this->random_base(60);
    const std::string what = "FINISH at " + std::to_string(k);
    const Outcome out = this->run(base, prog);
    ASSERT_TRUE(out.finished && !out.error) << what;
    this->expect_dispatched(out, prog, k, what);
    EXPECT_EQ(out.pc, k + 1) << what;
    this->expect_bursts(base, 60, false, what);
  }
}

// An illegal opcode, and a GEMM whose last ibuf row is one past the buffer
// (its neighbour one row shorter passes), at each slot of a beat: the ones
// before dispatched, the error with the instruction's index.
TYPED_TEST(FetchTest, IllegalInstructionAtEachSlot) {
  this->build(0.0, 5);
  for (unsigned k = 10; k < 14; ++k) {
    for (int kind = 0; kind < 2; ++kind) {
      auto prog = this->random_program(40);
      const std::uint64_t base = this->random_base(40);
      // GEMMs at the buffer's end around the bad one, in the neighbouring slots
      for (unsigned j = k - 3; j < k + 3; ++j) {
        isa::Instruction g{};
        isa::set_field(g, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Gemm));
        const unsigned m = 5 + j, stride = 3 + 2 * j;
        isa::set_field(g, isa::gemm::M, m);
        isa::set_field(g, isa::gemm::IBUF_STRIDE, stride);
        isa::set_field(g, isa::gemm::IBUF_ROW, kIbufRows - 1 - (m - 1) * stride);  // last row = the buffer's last
        prog[j] = g;
      }
      std::string what;
      unsigned want = 0;
      if (kind == 0) {
        isa::Instruction bad{};
        isa::set_field(bad, isa::field::OPCODE, 0xe);
        prog[k] = bad;
        what = "opcode 0xe at " + std::to_string(k);
        want = static_cast<unsigned>(isa::Error::IllegalOp);
      } else {
        isa::set_field(prog[k], isa::gemm::IBUF_ROW, isa::get_field(prog[k], isa::gemm::IBUF_ROW) + 1);
        what = "GEMM one row past the buffer at " + std::to_string(k);
        want = static_cast<unsigned>(isa::Error::IllegalField);
      }
      const Outcome out = this->run(base, prog);
      ASSERT_TRUE(out.error && !out.finished) << what;
      EXPECT_EQ(out.code, want) << what;
      EXPECT_EQ(out.err_addr, k) << what;
      this->expect_dispatched(out, prog, k, what);
      this->expect_bursts(base, 40, false, what);
    }
  }
}

// A bus error on a program beat: ErrFetch with the beat's address, and no
// instruction from that beat or after it dispatched.
TYPED_TEST(FetchTest, BusErrorOnABeat) {
  this->build(0.0, 11);
  constexpr unsigned W = TypeParam::kBytes;
  for (unsigned n : {0u, 1u, 5u, 8u, 13u}) {
    const unsigned count = 50;
    const auto prog = this->random_program(count);
    const std::uint64_t base = this->random_base(count) | (n & 1 ? 32 : 0);
    this->mem_->clear_errors();
    this->mem_->fail_beat(AxiDir::Read, n, AxiResp::SlvErr);
    const std::string what = "SLVERR on beat " + std::to_string(n);
    const Outcome out = this->run(base, prog);
    ASSERT_TRUE(out.error && !out.finished) << what;
    EXPECT_EQ(out.code, static_cast<unsigned>(isa::Error::Fetch)) << what;
    const std::uint64_t beat = (base & ~std::uint64_t(W - 1)) + std::uint64_t(n) * W;
    EXPECT_EQ(out.err_addr, beat) << what;
    // instructions wholly in the beats before it
    const std::uint64_t before = beat <= base ? 0 : (beat - base) / 32;
    ASSERT_LE(out.got.size(), before) << what;
    this->expect_dispatched(out, prog, out.got.size(), what);
  }
}

}  // namespace
