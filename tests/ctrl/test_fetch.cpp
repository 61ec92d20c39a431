// Fetch, decode and dispatch (abacus_fetch, in tb/rtl/abacus_fetch_tb.sv)
// against the AXI memory model and protocol monitor at bus widths of 64 to
// 512 bits: an instruction is four beats, two, one, or half a beat (the
// 64x64 top's bus, where fetch reads whole beats and drops the slots
// outside the program). Programs start at every 32-byte offset, cross
// 4 KiB pages and the 4 GiB line; the memory stalls at random and the
// engines take instructions at random. Checked: every instruction
// dispatched once, in order, to its queue; every burst inside the beats
// the program lies in, none read twice; FINISH, bus errors, illegal
// opcodes and GEMM range checks (per slot of a beat) stop where they must;
// every field check agrees with the ISA's rules, written out here, on
// random instructions with fields at and one past their limits.
#include <gtest/gtest.h>

#include <algorithm>
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

// Every field check fetch makes, against the ISA's rules written out here
// from docs/isa.md and docs/architecture.md ("Fetch checks every
// instruction") for the testbench's parameters: random programs whose
// instructions have each field near its limits (at it, one past, zero,
// all ones) or a reserved or token bit set. The first instruction the
// rules reject must end the program with its error code and index, every
// one before it dispatched; a legal FINISH ends it; otherwise all run.
struct TbLimits {  // tb/rtl/abacus_fetch_tb.sv: abacus_fetch's parameters
  static constexpr std::uint64_t kRows = 64, kCols = 64, kIbuf = kIbufRows, kWbuf = 2048, kAcc = 512,
                                 kObuf = 256, kPslots = 64;
};

// 0 if the ISA accepts the instruction, else its error code.
unsigned isa_error(const isa::Instruction& i) {
  using L = TbLimits;
  auto f = [&](isa::Field x) { return isa::get_field(i, x); };
  auto reserved = [&](const isa::Instruction& mask) {
    for (unsigned w = 0; w < 4; ++w) {
      if (i[w] & mask[w]) return true;
    }
    return false;
  };
  const bool pop_prev = f(isa::field::POP_PREV), pop_next = f(isa::field::POP_NEXT);
  const bool push_prev = f(isa::field::PUSH_PREV), push_next = f(isa::field::PUSH_NEXT);
  bool bad = false;
  switch (f(isa::field::OPCODE)) {
    case unsigned(isa::Op::Load):
      bad = reserved(isa::load::kReservedMask) || pop_prev || push_prev;  // no engine before load
      break;
    case unsigned(isa::Op::Gemm): {
      const std::uint64_t m = f(isa::gemm::M);
      bad = reserved(isa::gemm::kReservedMask) || m == 0 ||
            (m > 0 && f(isa::gemm::IBUF_ROW) + (m - 1) * f(isa::gemm::IBUF_STRIDE) >= L::kIbuf) ||
            f(isa::gemm::WBUF_ROW) + L::kRows > L::kWbuf || f(isa::gemm::ACC_ROW) + m > L::kAcc;
      break;
    }
    case unsigned(isa::Op::Store): {
      const std::uint64_t m = f(isa::store::M), n = f(isa::store::N_BYTES);
      const auto lo = static_cast<std::int8_t>(f(isa::store::CLAMP_MIN));
      const auto hi = static_cast<std::int8_t>(f(isa::store::CLAMP_MAX));
      bad = reserved(isa::store::kReservedMask) || pop_next || push_next ||  // no engine after store
            m == 0 || m > L::kObuf || f(isa::store::ACC_ROW) + m > L::kAcc || n == 0 || n > L::kCols ||
            f(isa::store::PSLOT) >= L::kPslots || lo > hi ||
            // (ISA 1.5, TO_IBUF: the first row an ibuf word, the stride
            // 1 .. a quarter's words - 1)
            (f(isa::store::TO_IBUF) && (f(isa::store::DRAM_ADDR) >= L::kIbuf || f(isa::store::STRIDE) == 0 ||
                                        f(isa::store::STRIDE) >= L::kIbuf / 4));
      break;
    }
    case unsigned(isa::Op::Finish):
      bad = reserved(isa::finish::kReservedMask) || pop_prev || pop_next || push_prev || push_next;
      break;
    case unsigned(isa::Op::Dwconv): {
      const std::uint64_t m = f(isa::dwconv::M);
      const std::uint64_t r[3] = {f(isa::dwconv::IBUF_ROW0), f(isa::dwconv::IBUF_ROW1), f(isa::dwconv::IBUF_ROW2)};
      auto quarter = [](std::uint64_t row) { return row / (L::kIbuf / 4); };
      // (ISA 1.4: GROUPS g, 0 counting as 1; its last group reads rows
      // r + g - 1, each in its row's quarter, taps from WBUF_ROW + 9(g-1),
      // and writes outputs from ACC_ROW + (g-1) * ACC_GSTEP)
      const std::uint64_t gm1 = f(isa::dwconv::GROUPS) == 0 ? 0 : f(isa::dwconv::GROUPS) - 1;
      bad = reserved(isa::dwconv::kReservedMask) || m == 0 || f(isa::dwconv::STRIDE) == 0 ||
            r[0] >= L::kIbuf || r[1] >= L::kIbuf || r[2] >= L::kIbuf ||
            quarter(r[0]) == quarter(r[1]) || quarter(r[0]) == quarter(r[2]) || quarter(r[1]) == quarter(r[2]) ||
            quarter(r[0] + gm1) != quarter(r[0]) || quarter(r[1] + gm1) != quarter(r[1]) ||
            quarter(r[2] + gm1) != quarter(r[2]) ||
            f(isa::dwconv::WBUF_ROW) + 9 * gm1 + 9 > L::kWbuf ||
            f(isa::dwconv::ACC_ROW) + gm1 * f(isa::dwconv::ACC_GSTEP) + m > L::kAcc;
      break;
    }
    default:
      return static_cast<unsigned>(isa::Error::IllegalOp);
  }
  return bad ? static_cast<unsigned>(isa::Error::IllegalField) : 0;
}

TEST(FetchRules, HandCases) {  // the rules themselves, on cases worked by hand
  using L = TbLimits;
  isa::Instruction g{};
  isa::set_field(g, isa::field::OPCODE, unsigned(isa::Op::Gemm));
  isa::set_field(g, isa::gemm::M, 3);
  isa::set_field(g, isa::gemm::IBUF_STRIDE, 100);
  isa::set_field(g, isa::gemm::IBUF_ROW, L::kIbuf - 201);  // last row 16383
  isa::set_field(g, isa::gemm::WBUF_ROW, 1984);            // 1984 + 64 = 2048
  isa::set_field(g, isa::gemm::ACC_ROW, 509);              // 509 + 3 = 512
  EXPECT_EQ(isa_error(g), 0u);
  isa::set_field(g, isa::gemm::IBUF_ROW, L::kIbuf - 200);
  EXPECT_EQ(isa_error(g), 6u);
  isa::Instruction s{};
  isa::set_field(s, isa::field::OPCODE, unsigned(isa::Op::Store));
  isa::set_field(s, isa::store::M, 1);
  isa::set_field(s, isa::store::N_BYTES, 64);
  isa::set_field(s, isa::store::CLAMP_MIN, 0xff);  // -1 <= 0
  EXPECT_EQ(isa_error(s), 0u);
  isa::set_field(s, isa::store::CLAMP_MIN, 0x01);  // 1 > 0
  EXPECT_EQ(isa_error(s), 6u);
  isa::Instruction d{};
  isa::set_field(d, isa::field::OPCODE, unsigned(isa::Op::Dwconv));
  isa::set_field(d, isa::dwconv::M, 1);
  isa::set_field(d, isa::dwconv::STRIDE, 1);
  isa::set_field(d, isa::dwconv::IBUF_ROW0, 4095);   // quarter 0
  isa::set_field(d, isa::dwconv::IBUF_ROW1, 4096);   // quarter 1
  isa::set_field(d, isa::dwconv::IBUF_ROW2, 16383);  // quarter 3
  EXPECT_EQ(isa_error(d), 0u);
  isa::set_field(d, isa::dwconv::IBUF_ROW2, 8191);   // quarter 1 again
  EXPECT_EQ(isa_error(d), 6u);
  // GROUPS (ISA 1.4): the last group's rows, taps and outputs
  isa::set_field(d, isa::dwconv::IBUF_ROW0, 0);
  isa::set_field(d, isa::dwconv::IBUF_ROW1, 4096);
  isa::set_field(d, isa::dwconv::IBUF_ROW2, 12288 + 4000);
  isa::set_field(d, isa::dwconv::GROUPS, 96);         // row 2's last group 16383: quarter 3
  isa::set_field(d, isa::dwconv::WBUF_ROW, 2048 - 9 * 96);
  isa::set_field(d, isa::dwconv::M, 2);
  isa::set_field(d, isa::dwconv::ACC_GSTEP, 5);
  isa::set_field(d, isa::dwconv::ACC_ROW, 512 - 95 * 5 - 2);
  EXPECT_EQ(isa_error(d), 0u);
  isa::set_field(d, isa::dwconv::ACC_ROW, 512 - 95 * 5 - 1);  // the last group's last output at 512
  EXPECT_EQ(isa_error(d), 6u);
  isa::set_field(d, isa::dwconv::ACC_ROW, 512 - 95 * 5 - 2);
  isa::set_field(d, isa::dwconv::WBUF_ROW, 2048 - 9 * 96 + 1);  // the last group's taps to 2048
  EXPECT_EQ(isa_error(d), 6u);
  isa::set_field(d, isa::dwconv::WBUF_ROW, 0);
  isa::set_field(d, isa::dwconv::GROUPS, 97);  // row 2's last group 16384: past ibuf
  EXPECT_EQ(isa_error(d), 6u);
  isa::set_field(d, isa::dwconv::GROUPS, 96);
  isa::set_field(d, isa::dwconv::IBUF_ROW0, 4096 - 95);  // row 0's last group 4096: quarter 1
  EXPECT_EQ(isa_error(d), 6u);
  isa::Instruction x{};
  isa::set_field(x, isa::field::OPCODE, 0);
  EXPECT_EQ(isa_error(x), 5u);
}

TYPED_TEST(FetchTest, FieldChecksMatchTheIsa) {
  this->build(0.03, 7);
  auto& rng = this->rng_;
  auto pick = [&](std::initializer_list<std::uint64_t> v) { return *(v.begin() + rng() % v.size()); };
  // a value near a limit: at it or one past (most often), inside, zero,
  // all ones, random
  auto near = [&](std::uint64_t lim) {
    return pick({lim, lim + 1, lim, lim + 1, lim - 1, 0, 0xffff, rng() % (lim + 1), rng() % 0x10000}) & 0xffff;
  };
  auto chance = [&](unsigned pct) { return rng() % 100 < pct; };
  using L = TbLimits;
  auto one = [&]() {
    isa::Instruction i{};
    const unsigned op = chance(3) ? pick({0, 6, 9, 15}) : 1 + rng() % 5;
    isa::set_field(i, isa::field::OPCODE, op);
    switch (op) {
      case unsigned(isa::Op::Gemm): {
        const std::uint64_t m = chance(85) ? 1 + rng() % 40 : near(L::kAcc);
        const std::uint64_t stride = rng() % 300;
        isa::set_field(i, isa::gemm::M, m);
        isa::set_field(i, isa::gemm::IBUF_STRIDE, stride);
        const std::uint64_t last = m == 0 ? 0 : (m - 1) * stride;
        std::uint64_t row = last < L::kIbuf ? L::kIbuf - 1 - last - (chance(50) ? 0 : rng() % (L::kIbuf - last)) : 0;
        if (chance(10)) row = near(L::kIbuf > last ? L::kIbuf - last : 0);
        isa::set_field(i, isa::gemm::IBUF_ROW, row);
        isa::set_field(i, isa::gemm::WBUF_ROW, chance(85) ? rng() % (L::kWbuf - L::kRows + 1) : near(L::kWbuf - L::kRows));
        const std::uint64_t mm = std::min<std::uint64_t>(m, L::kAcc);
        isa::set_field(i, isa::gemm::ACC_ROW, chance(85) ? rng() % (L::kAcc - mm + 1) : near(L::kAcc - mm));
        break;
      }
      case unsigned(isa::Op::Store): {
        const std::uint64_t m = chance(90) ? 1 + rng() % L::kObuf : near(L::kObuf);
        isa::set_field(i, isa::store::M, m);
        const std::uint64_t mm = std::min<std::uint64_t>(m, L::kAcc);
        isa::set_field(i, isa::store::ACC_ROW, chance(85) ? rng() % (L::kAcc - mm + 1) : near(L::kAcc - mm));
        isa::set_field(i, isa::store::N_BYTES, chance(90) ? 1 + rng() % L::kCols : near(L::kCols));
        isa::set_field(i, isa::store::PSLOT, chance(90) ? rng() % L::kPslots : near(L::kPslots));
        const std::uint64_t lo = rng() % 256;
        const auto slo = static_cast<std::int8_t>(lo);
        const std::uint64_t hi = chance(90) ? static_cast<std::uint8_t>(slo + rng() % (128 - slo)) : rng() % 256;
        isa::set_field(i, isa::store::CLAMP_MIN, lo);
        isa::set_field(i, isa::store::CLAMP_MAX, hi);
        isa::set_field(i, isa::store::DRAM_ADDR, rng());
        if (chance(25)) {  // TO_IBUF: the first word and the stride near their limits
          const std::uint64_t q = L::kIbuf / 4;
          isa::set_field(i, isa::store::TO_IBUF, 1);
          isa::set_field(i, isa::store::DRAM_ADDR, chance(85) ? rng() % L::kIbuf : chance(50) ? near(L::kIbuf) : rng());
          isa::set_field(i, isa::store::STRIDE, chance(80) ? 1 + rng() % (q - 1) : chance(50) ? near(q) : pick({0, 1ULL << 31}));
        }
        break;
      }
      case unsigned(isa::Op::Dwconv): {
        isa::set_field(i, isa::dwconv::M, chance(90) ? 1 + rng() % 64 : near(L::kAcc));
        isa::set_field(i, isa::dwconv::STRIDE, chance(95) ? 1 + rng() % 3 : 0);
        const std::uint64_t q = L::kIbuf / 4;
        unsigned qs[4] = {0, 1, 2, 3};
        std::shuffle(qs, qs + 4, rng);
        const isa::Field rows[3] = {isa::dwconv::IBUF_ROW0, isa::dwconv::IBUF_ROW1, isa::dwconv::IBUF_ROW2};
        for (unsigned k = 0; k < 3; ++k) {
          std::uint64_t r = qs[k] * q + pick({0, q - 1, rng() % q});
          if (chance(5)) r = near(L::kIbuf);
          if (chance(4)) r = qs[(k + 1) % 3] * q + rng() % q;  // a quarter shared
          isa::set_field(i, rows[k], r);
        }
        // GROUPS: 0 or 1 (one group), a few, or any; the fields' limits
        // for the last group
        const std::uint64_t groups = chance(40) ? rng() % 2 : chance(90) ? 2 + rng() % 15 : rng() % 256;
        const std::uint64_t gm1 = groups == 0 ? 0 : groups - 1;
        isa::set_field(i, isa::dwconv::GROUPS, groups);
        const std::uint64_t w_hi = L::kWbuf - 9 - std::min<std::uint64_t>(9 * gm1, L::kWbuf - 9);
        isa::set_field(i, isa::dwconv::WBUF_ROW, chance(85) ? rng() % (w_hi + 1) : near(w_hi));
        const std::uint64_t m = isa::get_field(i, isa::dwconv::M);
        const std::uint64_t step = chance(50) ? m : rng() % 64;
        isa::set_field(i, isa::dwconv::ACC_GSTEP, chance(95) ? step : rng() % 65536);
        const std::uint64_t span = std::min<std::uint64_t>(m + gm1 * step, L::kAcc);
        isa::set_field(i, isa::dwconv::ACC_ROW, chance(85) ? rng() % (L::kAcc - span + 1) : near(L::kAcc - span));
        break;
      }
      case unsigned(isa::Op::Load):
        for (unsigned w = 0; w < 4; ++w) i[w] |= rng() & ~isa::load::kReservedMask[w];
        isa::set_field(i, isa::field::OPCODE, op);
        break;
      default:
        break;
    }
    // token flags: those the engine cannot honour now and then
    const bool lo_risk = op == unsigned(isa::Op::Load) || op == unsigned(isa::Op::Finish);
    const bool st_risk = op == unsigned(isa::Op::Store) || op == unsigned(isa::Op::Finish);
    isa::set_field(i, isa::field::POP_PREV, lo_risk ? chance(5) : chance(50));
    isa::set_field(i, isa::field::PUSH_PREV, lo_risk ? chance(5) : chance(50));
    isa::set_field(i, isa::field::POP_NEXT, st_risk ? chance(5) : chance(50));
    isa::set_field(i, isa::field::PUSH_NEXT, st_risk ? chance(5) : chance(50));
    if (chance(6)) {  // any bit above the flags, reserved or not
      const unsigned bit = 8 + rng() % 248;
      i[bit / 64] ^= std::uint64_t(1) << (bit % 64);
    }
    return i;
  };
  unsigned seen[11] = {};
  for (int n = 0; n < 150; ++n) {
    const unsigned count = 1 + rng() % 24;
    std::vector<isa::Instruction> prog;
    for (unsigned k = 0; k < count; ++k) prog.push_back(one());
    if (n % 20 == 19) {  // an unknown opcode somewhere, so the draw has one
      isa::Instruction bad{};
      isa::set_field(bad, isa::field::OPCODE, pick({0, 6, 9, 15}));
      prog[rng() % count] = bad;
    }
    // the program's end by the rules
    unsigned stop = count, code = 0;
    bool finish = false;
    for (unsigned k = 0; k < count && stop == count; ++k) {
      code = isa_error(prog[k]);
      if (code != 0 || isa::get_field(prog[k], isa::field::OPCODE) == unsigned(isa::Op::Finish)) {
        stop = k;
        finish = code == 0;
      }
    }
    ++seen[code];
    const std::uint64_t base = this->random_base(count);
    const std::string what = "program " + std::to_string(n) + " (" + std::to_string(count) + " instructions)";
    const Outcome out = this->run(base, prog);
    if (code != 0) {
      ASSERT_TRUE(out.error && !out.finished) << what << ": instruction " << stop << " should fail with " << code;
      EXPECT_EQ(out.code, code) << what;
      EXPECT_EQ(out.err_addr, stop) << what;
    } else {
      ASSERT_TRUE(out.finished && !out.error) << what << ": code " << out.code << " at " << out.err_addr;
      EXPECT_EQ(out.pc, finish ? stop + 1 : count) << what;
    }
    this->expect_dispatched(out, prog, stop, what);
  }
  std::printf("[ endings ] legal %u, ILLEGAL_OP %u, ILLEGAL_FIELD %u\n", seen[0],
              seen[unsigned(isa::Error::IllegalOp)], seen[unsigned(isa::Error::IllegalField)]);
  // the draw reached each ending
  EXPECT_GT(seen[0], 10u);
  EXPECT_GT(seen[unsigned(isa::Error::IllegalOp)], 0u);
  EXPECT_GT(seen[unsigned(isa::Error::IllegalField)], 50u);
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
