// The fuzz case: decoding (what each byte means) and the invariants.
//
// Layout of a case (every read past the end gives 0, so any byte string is
// a case, and the fuzzer's mutations move one decision at a time):
//   header  4 bytes: memory (latency, stall probability, stall length),
//           initial state (randomized or zero), DMA window, instruction count
//   program one kind byte per instruction, then its fields: structured
//           LOAD/GEMM/STORE/DWCONV/FINISH with fields drawn near their legal ranges
//           and any dependency flags, 32 raw bytes, or a structured one with
//           a bit flipped
//   events  until the input ends (at most 24): each byte's top bit puts the
//           event before or after START; register write (any offset, any
//           value, CTRL included), register read, wait, SOFT_RESET, START,
//           an error response at the n-th read or write beat, an error
//           range, a channel held for a while.
// Invariants, each a failure with the cycle and what was seen:
//   - no RTL assertion fires (the engines', the FIFOs', the CSR block's);
//   - the AXI monitor sees no rule broken;
//   - every AR and AW burst lies inside the DMA window START took (beats
//     of the bus width), and every byte written inside it exactly;
//   - register accesses answer SLVERR exactly at unmapped offsets;
//   - STATUS leaves BUSY within a cycle bound derived from the program and
//     the memory's behaviour, with DONE unless a SOFT_RESET aborted it;
//   - an error carries a known code, an instruction index inside the
//     program, and an address that is one the memory answered with an
//     error (bus errors) or outside the window (DMA_WINDOW);
//   - afterwards SOFT_RESET and a small random GEMM through the runtime give
//     exactly the golden kernel's bytes.
#include "fuzz/fuzz_case.hpp"

#include <algorithm>
#include <exception>
#include <fstream>
#include <iterator>
#include <sstream>

#include "abacus/isa.hpp"
#include "abacus/program.hpp"
#include "abacus/ref/gemm.hpp"
#include "abacus/ref/random.hpp"
#include "abacus/runtime.hpp"
#include "abacus/sim_device.hpp"
#include "abacus/util.hpp"
#include "common/axi.hpp"
#include "random_gemm.hpp"

namespace abacus::fuzz {
namespace {

namespace reg = isa::reg;
constexpr std::uint64_t kMemBase = 0x8000'0000ULL;
constexpr std::uint64_t kMemSize = 1ULL << 20;
constexpr unsigned kMaxInsns = 40;
constexpr unsigned kMaxEvents = 24;

class Reader {
 public:
  Reader(const std::uint8_t* d, std::size_t n) : d_(d), n_(n) {}
  std::uint8_t u8() { return pos_ < n_ ? d_[pos_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | u8() << 8); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(u16()) | static_cast<std::uint32_t>(u16()) << 16; }
  std::uint64_t u64() { return u32() | static_cast<std::uint64_t>(u32()) << 32; }
  bool done() const { return pos_ >= n_; }

 private:
  const std::uint8_t* d_;
  std::size_t n_, pos_ = 0;
};

struct Window {
  std::uint64_t lo, hi;
  std::uint64_t cycle;  // the START write
  bool definite;        // the accelerator was idle when START was written
};

struct Request {
  sim::AxiDir dir;
  std::uint64_t addr;
  unsigned beats, size;
  std::uint64_t cycle;
};

bool mapped(std::uint32_t offset) {
  for (const auto& r : isa::kRegisters) {
    if (r.offset == offset) return true;
  }
  return false;
}

struct Failure : std::exception {
  explicit Failure(std::string w) : what_(std::move(w)) {}
  const char* what() const noexcept override { return what_.c_str(); }
  std::string what_;
};

class Case {
 public:
  Case(const std::uint8_t* data, std::size_t size) : in_(data, size) {}
  Outcome run();

 private:
  void decode_header();
  isa::Instruction decode_insn();
  isa::Instruction structured(unsigned kind);
  void event(std::uint8_t e);
  void write_reg(std::uint32_t offset, std::uint32_t value);
  std::uint32_t read_reg(std::uint32_t offset);
  std::uint64_t read64(std::uint32_t lo) { return read_reg(lo) | static_cast<std::uint64_t>(read_reg(lo + 4)) << 32; }
  void start(std::uint32_t ctrl);
  std::uint64_t cost(const isa::Instruction& i) const;
  void check_requests();
  void check_error(std::uint32_t status);
  void recover();
  void log(const std::string& s) { job_ << s << "\n"; }
  [[noreturn]] void fail(const std::string& what) {
    throw Failure(what + " (cycle " + std::to_string(dev_ ? dev_->cycles() : 0) + ")");
  }

  Reader in_;
  std::ostringstream job_;
  SimDeviceOptions opt_;
  std::unique_ptr<SimDevice> dev_;
  HwConfig hw_;
  std::uint64_t win_lo_ = 0, win_hi_ = 0;
  std::uint32_t prog_count_ = 0;
  std::uint64_t prog_addr_ = 0;
  // PROG_BASE when the last definite START was written, and at every START
  // after it whose launch is uncertain (either may be the program running)
  std::vector<std::uint64_t> prog_bases_;
  std::vector<isa::Instruction> prog_;
  std::vector<Window> launches_;
  std::vector<Request> requests_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> bad_bytes_;  // (cycle, address) written outside
  std::uint64_t hold_until_ = 0;    // a channel is held until then
  bool aborted_ = false;            // SOFT_RESET after the last START
  bool tracking_ = true;            // requests belong to fuzzed programs (not to the recovery)
};

void Case::decode_header() {
  const std::uint8_t mem = in_.u8(), init = in_.u8(), win = in_.u8(), count = in_.u8();
  static const double kStall[8] = {0, 0, 0, 0.02, 0.05, 0.1, 0.2, 0.3};
  opt_.memory_base = kMemBase;
  opt_.memory_size = kMemSize;
  opt_.mem_latency = (mem & 0x1f) * 4u;
  opt_.stall_prob = kStall[mem >> 5];
  opt_.max_stall = 1u + ((init >> 2) & 15u);
  opt_.rand_reset = init & 1;
  opt_.seed = 1 + (init >> 6);
  // The window: the whole memory, a part of it, an empty or inverted one,
  // one reaching past the memory, or everything.
  switch (win & 7) {
    case 4: {
      const std::uint64_t a = in_.u8() % 256u * 4096, b = in_.u8() % 256u * 4096;
      win_lo_ = kMemBase + std::min(a, b);
      win_hi_ = kMemBase + std::max(a, b) + 4096 + (win >> 3) * 16u;
      break;
    }
    case 5:
      win_lo_ = kMemBase + 65536;
      win_hi_ = win_lo_ - (win >> 3);
      break;
    case 6:
      win_lo_ = kMemBase + kMemSize / 2;
      win_hi_ = kMemBase + kMemSize + 4096u * (win >> 3);
      break;
    case 7:
      win_lo_ = 0;
      win_hi_ = ~std::uint64_t(0);
      break;
    default:
      win_lo_ = kMemBase;
      win_hi_ = kMemBase + kMemSize;
  }
  prog_count_ = count == 255 ? 0 : count % kMaxInsns + 1u;
  std::ostringstream os;
  os << "memory latency " << opt_.mem_latency << ", stalls " << opt_.stall_prob << " x " << opt_.max_stall
     << (opt_.rand_reset ? ", random initial state" : "") << "; window [" << hex(win_lo_) << ", "
     << hex(win_hi_) << "); " << prog_count_ << " instructions";
  log(os.str());
}

// A DRAM address: mostly inside the window, sometimes anywhere in memory or outside it.
isa::Instruction Case::structured(unsigned kind) {
  isa::Instruction i{};
  const std::uint8_t deps = in_.u8();
  const std::uint8_t where = in_.u8();
  auto dram = [&](std::uint16_t off) -> std::uint64_t {
    const std::uint64_t base = (where & 3) == 3 ? kMemBase : win_lo_;
    const std::uint64_t a = base + std::uint64_t(off) * 16 + ((where & 4) ? (where >> 3) : 0);
    return (where & 0xF0) == 0xF0 ? kMemBase + kMemSize - 64 + (where & 15) * 8 : a;
  };
  switch (kind) {
    case 0: {  // LOAD
      isa::set_field(i, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Load));
      const std::uint32_t rows = 1 + in_.u8() % 32u, row_bytes = 1 + in_.u16() % 512u;
      isa::set_field(i, isa::load::ROWS, rows);
      isa::set_field(i, isa::load::ROW_BYTES, row_bytes);
      isa::set_field(i, isa::load::STRIDE, row_bytes + in_.u8());
      const std::uint8_t pads = in_.u8();
      if (pads & 1) {
        isa::set_field(i, isa::load::PAD_TOP, pads >> 5);
        isa::set_field(i, isa::load::PAD_BOTTOM, (pads >> 2) & 7);
        isa::set_field(i, isa::load::PAD_LEFT, in_.u8() % 8u);
        isa::set_field(i, isa::load::PAD_RIGHT, in_.u8() % 8u);
        isa::set_field(i, isa::load::PAD_VALUE, in_.u8());
      }
      const std::uint32_t sp_row = std::max(hw_.rows, 1u);
      isa::set_field(i, isa::load::SP_ADDR, std::uint32_t(in_.u16()) * sp_row);
      isa::set_field(i, isa::load::SP_STRIDE, (pads & 2) ? in_.u16() : row_bytes + 16u);
      isa::set_field(i, isa::load::DRAM_ADDR, dram(in_.u16()));
      break;
    }
    case 1: {  // GEMM
      isa::set_field(i, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Gemm));
      isa::set_field(i, isa::gemm::M, in_.u8() % 64u + ((deps & 0x10) ? 0 : 1));
      isa::set_field(i, isa::gemm::IBUF_ROW, in_.u16() % (hw_.ibuf_rows + 64));
      isa::set_field(i, isa::gemm::WBUF_ROW, in_.u16() % (hw_.wbuf_rows + 32));
      isa::set_field(i, isa::gemm::ACC_ROW, in_.u16() % (hw_.acc_rows + 32));
      isa::set_field(i, isa::gemm::IBUF_STRIDE, in_.u8() % 4u);
      isa::set_field(i, isa::gemm::ACCUMULATE, (deps >> 5) & 1);
      break;
    }
    case 2: {  // STORE
      isa::set_field(i, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Store));
      const std::uint32_t n = in_.u8() % (hw_.cols + 2);
      isa::set_field(i, isa::store::M, in_.u8() % (hw_.obuf_rows / 4 + 2));
      isa::set_field(i, isa::store::ACC_ROW, in_.u16() % (hw_.acc_rows + 32));
      isa::set_field(i, isa::store::N_BYTES, n);
      isa::set_field(i, isa::store::PSLOT, in_.u8() % (hw_.pbuf_slots + 4));
      isa::set_field(i, isa::store::STRIDE, n + in_.u8());
      isa::set_field(i, isa::store::ZP_OUT, in_.u8());
      const std::uint8_t lo = in_.u8(), hi = in_.u8();
      isa::set_field(i, isa::store::CLAMP_MIN, lo);
      isa::set_field(i, isa::store::CLAMP_MAX, (deps & 0x10) ? hi : std::max<std::int8_t>(lo, hi) & 0xFF);
      isa::set_field(i, isa::store::DRAM_ADDR, dram(in_.u16()));
      break;
    }
    case 4: {  // DWCONV: rows mostly in three different ibuf quarters
      isa::set_field(i, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Dwconv));
      isa::set_field(i, isa::dwconv::M, in_.u8() % 48u + ((deps & 0x10) ? 0 : 1));
      isa::set_field(i, isa::dwconv::STRIDE, (deps & 0x40) ? in_.u8() % 4u : 1u + in_.u8() % 3u);
      const std::uint32_t q = hw_.ibuf_rows / 4, q0 = in_.u8() % 4u, q1 = (q0 + 1 + in_.u8() % 3u) % 4u;
      std::uint32_t q2 = in_.u8() % 4u;
      while ((deps & 0x20) == 0 && (q2 == q0 || q2 == q1)) q2 = (q2 + 1) % 4u;
      isa::set_field(i, isa::dwconv::IBUF_ROW0, q0 * q + in_.u16() % (q + 16));
      isa::set_field(i, isa::dwconv::IBUF_ROW1, q1 * q + in_.u16() % q);
      isa::set_field(i, isa::dwconv::IBUF_ROW2, q2 * q + in_.u16() % q);
      // (the pixel stride's byte also gives GROUPS 0..7 and ACC_GSTEP, ISA
      // 1.4, so the corpus's inputs keep their other fields)
      const std::uint8_t ps = in_.u8();
      isa::set_field(i, isa::dwconv::PIX_STRIDE, ps % 8u);
      isa::set_field(i, isa::dwconv::GROUPS, (ps >> 3) % 8u);
      isa::set_field(i, isa::dwconv::ACC_GSTEP,
                     (ps & 0x40) ? isa::get_field(i, isa::dwconv::M) : static_cast<std::uint64_t>(ps >> 7));
      isa::set_field(i, isa::dwconv::WBUF_ROW, in_.u16() % (hw_.wbuf_rows + 32));
      isa::set_field(i, isa::dwconv::ACC_ROW, in_.u16() % (hw_.acc_rows + 32));
      isa::set_field(i, isa::dwconv::ACCUMULATE, (deps >> 7) & 1);
      break;
    }
    default:
      isa::set_field(i, isa::field::OPCODE, static_cast<unsigned>(isa::Op::Finish));
  }
  if (kind != 3 || (deps & 0x80)) {
    isa::set_field(i, isa::field::POP_PREV, deps & 1);
    isa::set_field(i, isa::field::POP_NEXT, (deps >> 1) & 1);
    isa::set_field(i, isa::field::PUSH_PREV, (deps >> 2) & 1);
    isa::set_field(i, isa::field::PUSH_NEXT, (deps >> 3) & 1);
  }
  return i;
}

isa::Instruction Case::decode_insn() {
  const std::uint8_t k = in_.u8();
  switch (k % 8) {
    case 0: case 1: return structured(0);
    case 2: case 3: return structured(1);
    case 4: return structured(2);
    case 5: return structured((k & 8) ? 4 : 3);  // DWCONV or FINISH
    case 6: {
      isa::Instruction i{};
      for (auto& w : i) w = in_.u64();
      return i;
    }
    default: {
      isa::Instruction i = structured((k >> 3) % 4);
      const unsigned bit = in_.u8();
      i[bit / 64] ^= std::uint64_t(1) << (bit % 64);
      return i;
    }
  }
}

// An upper bound on the cycles one instruction may take, before memory
// latency and stalls (applied by the caller): each unit of work a few
// cycles, generously.
std::uint64_t Case::cost(const isa::Instruction& i) const {
  const unsigned bus = hw_.bus_bits / 8;
  switch (isa::get_field(i, isa::field::OPCODE)) {
    case 1: {
      const std::uint64_t rows = isa::get_field(i, isa::load::ROWS) + isa::get_field(i, isa::load::PAD_TOP) +
                                 isa::get_field(i, isa::load::PAD_BOTTOM);
      const std::uint64_t bytes = isa::get_field(i, isa::load::ROW_BYTES) +
                                  isa::get_field(i, isa::load::PAD_LEFT) + isa::get_field(i, isa::load::PAD_RIGHT);
      return (rows + 1) * (bytes / bus + 8) * 4;
    }
    case 2: return (isa::get_field(i, isa::gemm::M) + hw_.rows + hw_.cols + 64) * 4;
    case 3: return (isa::get_field(i, isa::store::M) + 4) * (hw_.cols * 4 / bus + 8) * 4 + 64;
    case 5: return (isa::get_field(i, isa::dwconv::M) * std::max<std::uint64_t>(isa::get_field(i, isa::dwconv::STRIDE), 1) +
                    hw_.rows + hw_.cols + 64) * 4;
    default: return 16;
  }
}

void Case::write_reg(std::uint32_t offset, std::uint32_t value) {
  bool slverr = false;
  try {
    dev_->write32(offset, value);
  } catch (const DeviceError& e) {
    if (std::string(e.what()).find("SLVERR") == std::string::npos) throw;
    slverr = true;
  }
  if (slverr != !mapped(offset)) {
    fail("register write at " + hex(offset) + (slverr ? " answered SLVERR (mapped)" : " answered OKAY (unmapped)"));
  }
}

std::uint32_t Case::read_reg(std::uint32_t offset) {
  try {
    const std::uint32_t v = dev_->read32(offset);
    if (!mapped(offset)) fail("register read at " + hex(offset) + " answered OKAY (unmapped)");
    return v;
  } catch (const DeviceError& e) {
    if (std::string(e.what()).find("SLVERR") == std::string::npos) throw;
    if (mapped(offset)) fail("register read at " + hex(offset) + " answered SLVERR (mapped)");
    return 0;
  }
}

// CTRL written with START: a launch if the accelerator was idle (a program
// that ends between the STATUS read and the write makes it uncertain: then
// both windows are accepted for what follows).
void Case::start(std::uint32_t ctrl) {
  const bool busy = read_reg(reg::STATUS) & isa::status::BUSY;
  const std::uint64_t lo = read64(reg::WIN_BASE_LO), hi = read64(reg::WIN_LIMIT_LO);
  const std::uint64_t c = dev_->cycles();
  if (!busy) dev_->memory().forget_error();
  write_reg(reg::CTRL, ctrl);
  if (ctrl & isa::ctrl::SOFT_RESET) {
    aborted_ = true;
    return;
  }
  launches_.push_back({lo, hi, c, !busy});
  const std::uint32_t count = read_reg(reg::PROG_COUNT);
  const std::uint64_t base = read64(reg::PROG_BASE_LO);
  if (!busy) {
    aborted_ = false;
    prog_count_ = count;
    prog_bases_ = {base};
  } else {  // (the ERR_PC bound takes the larger program)
    prog_count_ = std::max(prog_count_, count);
    prog_bases_.push_back(base);
  }
}

void Case::event(std::uint8_t e) {
  const unsigned what = (e & 0x7f) % 9;
  std::ostringstream os;
  switch (what) {
    case 0: case 1: {  // register write: a mapped register mostly, CTRL's START handled by start()
      const std::uint8_t o = in_.u8();
      const std::uint32_t offset = (o & 0x80) ? (o & 0x7f) * 4u : isa::kRegisters[o % std::size(isa::kRegisters)].offset;
      std::uint32_t v = in_.u32();
      os << "write " << hex(offset) << " = " << hex(v);
      log(os.str());
      if (offset == reg::CTRL && (v & (isa::ctrl::START | isa::ctrl::SOFT_RESET))) {
        start(v);
      } else {
        write_reg(offset, v);
      }
      break;
    }
    case 2: {
      const std::uint32_t offset = (in_.u8() & 0x7f) * 4u;
      os << "read " << hex(offset);
      log(os.str());
      read_reg(offset);
      break;
    }
    case 3: {
      const unsigned n = in_.u16() % 3000u;
      log("wait " + std::to_string(n));
      dev_->step(n);
      break;
    }
    case 4:
      log("SOFT_RESET");
      start(isa::ctrl::SOFT_RESET);
      break;
    case 5:
      log("START");
      start(isa::ctrl::START | isa::ctrl::IRQ_EN);
      break;
    case 6: {  // an error response at the n-th beat from now
      const std::uint8_t b = in_.u8();
      const auto dir = (b & 1) ? sim::AxiDir::Write : sim::AxiDir::Read;
      const auto resp = (b & 2) ? sim::AxiResp::DecErr : sim::AxiResp::SlvErr;
      const unsigned n = in_.u8() % 96u;
      os << ((b & 2) ? "DECERR" : "SLVERR") << " at " << ((b & 1) ? "write" : "read") << " beat +" << n;
      log(os.str());
      dev_->memory().fail_beat(dir, n, resp);
      break;
    }
    case 7: {  // an error range
      const std::uint8_t b = in_.u8();
      const std::uint64_t lo = kMemBase + std::uint64_t(in_.u16()) * 16;
      const std::uint64_t hi = lo + 16 + std::uint64_t(in_.u8()) * 16;
      os << ((b & 2) ? "DECERR" : "SLVERR") << " for " << ((b & 1) ? "writes" : "reads") << " in [" << hex(lo)
         << ", " << hex(hi) << ")";
      log(os.str());
      dev_->memory().add_error_range(lo, hi, (b & 2) ? sim::AxiResp::DecErr : sim::AxiResp::SlvErr,
                                     (b & 1) ? sim::AxiDir::Write : sim::AxiDir::Read);
      break;
    }
    default: {  // a channel held
      const std::uint8_t b = in_.u8();
      const auto ch = static_cast<sim::AxiChannel>(b % 5);
      const unsigned n = 1 + in_.u8() * 4u;
      os << "hold " << sim::to_string(ch) << " " << n;
      log(os.str());
      dev_->memory().hold(ch, n);
      hold_until_ = std::max(hold_until_, dev_->cycles() + n);
      break;
    }
  }
}

// Every burst inside the window of the START it ran under.
void Case::check_requests() {
  const unsigned W = hw_.bus_bits / 8;
  for (const Request& r : requests_) {
    const std::uint64_t first = r.addr & ~std::uint64_t((1u << r.size) - 1);
    const std::uint64_t end = first + (std::uint64_t(r.beats) << r.size);
    bool inside = false;
    const Window* under = nullptr;
    for (auto it = launches_.rbegin(); it != launches_.rend(); ++it) {
      if (it->cycle > r.cycle) continue;
      const std::uint64_t lo = it->lo & ~std::uint64_t(W - 1);
      const std::uint64_t hi = it->hi >= ~std::uint64_t(W - 1) ? ~std::uint64_t(0) : (it->hi + W - 1) & ~std::uint64_t(W - 1);
      if (it->lo < it->hi && first >= lo && end <= hi && end > first) inside = true;
      under = &*it;
      if (it->definite) break;
    }
    if (!inside) {
      std::ostringstream os;
      os << (r.dir == sim::AxiDir::Read ? "AR" : "AW") << " burst [" << hex(first) << ", " << hex(end)
         << ") at cycle " << r.cycle;
      if (under) os << " outside the window [" << hex(under->lo) << ", " << hex(under->hi) << ")";
      else os << " before any START";
      fail(os.str());
    }
  }
  for (const auto& [c, a] : bad_bytes_) fail("byte " + hex(a) + " written at cycle " + std::to_string(c) + " outside the window");
}

void Case::check_error(std::uint32_t st) {
  const std::uint32_t code = isa::status::error(st);
  const std::uint64_t addr = read64(reg::ERR_ADDR_LO);
  const std::uint32_t pc = read_reg(reg::ERR_PC);
  const std::string where = std::string(isa::error_name(code)) + " (ERR_ADDR " + hex(addr) + ", ERR_PC " + std::to_string(pc) + ")";
  if (code == 0) {
    if (st & isa::status::ERROR_IS_STORE) fail("ERROR_IS_STORE without an error");
    return;
  }
  if (code > static_cast<std::uint32_t>(isa::Error::TokenOverflow)) fail("unknown error code " + std::to_string(code));
  if ((st & isa::status::ERROR_IS_STORE) && code > 4) fail("ERROR_IS_STORE with " + where);
  const bool per_insn = code == 1 || code == 4 || code == 5 || code == 6;
  if (per_insn ? pc >= prog_count_ : pc > prog_count_) {
    fail(where + ": ERR_PC outside the program of " + std::to_string(prog_count_));
  }
  // A bus error names an address inside a beat (read) or burst (write) the
  // memory answered with an error.
  const auto& errs = dev_->memory().error_ranges();
  const bool answered = std::any_of(errs.begin(), errs.end(), [&](const auto& r) { return addr >= r.first && addr < r.second; });
  if ((code == 2 || code == 3) && !answered) {
    std::string seen;
    for (std::size_t k = 0; k < errs.size() && k < 8; ++k) seen += (k ? ", [" : "[") + hex(errs[k].first) + ", " + hex(errs[k].second) + ")";
    fail(where + ": the memory answered no error there (it answered errors for: " + (seen.empty() ? "nothing" : seen) + ")");
  }
  if (code == 7 && !answered && std::find(prog_bases_.begin(), prog_bases_.end(), addr) == prog_bases_.end()) {
    fail(where + ": neither a bus error nor the program base at START");
  }
  if (code == 1) {  // outside the window of the program that ran (the last definite START, or an uncertain one after it)
    bool outside = false;
    for (auto it = launches_.rbegin(); it != launches_.rend(); ++it) {
      if (!(addr >= it->lo && addr < it->hi && it->lo < it->hi)) outside = true;
      if (it->definite) break;
    }
    if (!outside) fail(where + ": the address is inside the window");
  }
}

void Case::recover() {
  tracking_ = false;
  dev_->memory().clear_errors();
  if (dev_->cycles() < hold_until_) dev_->step(hold_until_ - dev_->cycles());
  write_reg(reg::CTRL, isa::ctrl::SOFT_RESET);
  for (int i = 0; i < 64 && (read_reg(reg::STATUS) & isa::status::BUSY); ++i) dev_->step(64);
  if (read_reg(reg::STATUS) & isa::status::BUSY) fail("still BUSY 4096 cycles after SOFT_RESET");
  ref::Random r(opt_.seed * 7919 + prog_count_);
  const tb::RandomGemm g = tb::random_gemm(r, 1 + r.uniform(0, 23), 1 + r.uniform(0, 23), 1 + r.uniform(0, 40));
  std::vector<std::int8_t> got(g.want.size());
  Timeout t;
  t.sim_cycles = 200000;
  try {
    gemm(*dev_, g.problem(), got.data(), t);
  } catch (const std::exception& e) {
    fail(std::string("the GEMM after SOFT_RESET failed: ") + e.what());
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] != g.want[i]) {
      fail("the GEMM after SOFT_RESET (" + std::to_string(g.m) + "x" + std::to_string(g.n) + "x" + std::to_string(g.k) +
           ") differs at byte " + std::to_string(i) + ": " + std::to_string(got[i]) + ", want " + std::to_string(g.want[i]));
    }
  }
}

Outcome Case::run() {
  Outcome out;
  try {
    decode_header();
    dev_ = std::make_unique<SimDevice>(opt_);
    hw_ = read_config(*dev_);
    auto& mem = dev_->memory();
    mem.on_request = [this](sim::AxiDir dir, std::uint64_t addr, unsigned beats, unsigned size) {
      if (tracking_) requests_.push_back({dir, addr, beats, size, dev_->cycles()});
    };
    mem.on_write = [this](std::uint64_t beat, std::uint64_t, std::uint64_t strobes) {
      if (!tracking_ || launches_.empty()) return;
      const Window& w = launches_.back();
      for (unsigned b = 0; b < 64; ++b) {
        if ((strobes >> b & 1) && !(beat + b >= w.lo && beat + b < w.hi) && bad_bytes_.size() < 4) {
          // (an uncertain START may have moved the window: check_requests decides on bursts)
          if (w.definite) bad_bytes_.emplace_back(dev_->cycles(), beat + b);
        }
      }
    };
    // The program: in memory at the window's base when that is in memory, else at the memory's base.
    const unsigned n = prog_count_ == 0 ? 1 : prog_count_;
    for (unsigned k = 0; k < n; ++k) prog_.push_back(decode_insn());
    prog_addr_ = (win_lo_ >= kMemBase && win_lo_ + n * 32ULL <= kMemBase + kMemSize) ? win_lo_ : kMemBase;
    prog_addr_ = (prog_addr_ + 31) & ~31ULL;
    Program image;
    for (const auto& i : prog_) image.raw(i);
    const std::vector<std::uint8_t> img = image.bytes();
    dev_->copy_to_device(prog_addr_, img.data(), img.size());
    dev_->alloc(kMemSize / 2);  // the recovery GEMM's buffers go above the program
    write_reg(reg::WIN_BASE_LO, static_cast<std::uint32_t>(win_lo_));
    write_reg(reg::WIN_BASE_HI, static_cast<std::uint32_t>(win_lo_ >> 32));
    write_reg(reg::WIN_LIMIT_LO, static_cast<std::uint32_t>(win_hi_));
    write_reg(reg::WIN_LIMIT_HI, static_cast<std::uint32_t>(win_hi_ >> 32));
    write_reg(reg::PROG_BASE_LO, static_cast<std::uint32_t>(prog_addr_));
    write_reg(reg::PROG_BASE_HI, static_cast<std::uint32_t>(prog_addr_ >> 32));
    write_reg(reg::PROG_COUNT, prog_count_);

    // Events run in order; while their top bit is set they come before
    // START, and the first one without it is the first after START.
    bool started = false;
    for (unsigned events = 0; !in_.done() && events < kMaxEvents; ++events) {
      const std::uint8_t e = in_.u8();
      if (!started && !(e & 0x80)) {
        log("START");
        start(isa::ctrl::START | isa::ctrl::IRQ_EN);
        started = true;
      }
      event(e);
    }
    if (!started) {
      log("START");
      start(isa::ctrl::START | isa::ctrl::IRQ_EN);
    }
    // The bound: every instruction's cost, stretched by memory latency and
    // stalls, plus the deadlock watch, fetch, and any channel held.
    std::uint64_t work = 2000 + 256 + prog_count_ * 16ULL;
    for (const auto& i : prog_) work += cost(i);
    const std::uint64_t stretch = 1 + (opt_.stall_prob > 0 ? opt_.max_stall : 0);
    const std::uint64_t bound = work * stretch + (prog_count_ + 8ULL) * opt_.mem_latency * 8 + (hold_until_ > dev_->cycles() ? hold_until_ - dev_->cycles() : 0);
    const std::uint64_t deadline = dev_->cycles() + bound;
    std::uint32_t st = read_reg(reg::STATUS);
    while ((st & isa::status::BUSY) && dev_->cycles() < deadline) {
      dev_->step(std::min<std::uint64_t>(256, deadline - dev_->cycles()));
      st = read_reg(reg::STATUS);
    }
    out.status = st;
    if (st & isa::status::BUSY) {
      fail("STATUS still BUSY " + std::to_string(bound) + " cycles after the last event (the program's bound); PC " +
           std::to_string(read_reg(reg::PC)) + ", ENGINE_STATE " + hex(read_reg(reg::ENGINE_STATE)));
    }
    if (!aborted_ && launches_.size() && launches_.back().definite && !(st & isa::status::DONE)) {
      fail("the program ended without DONE (STATUS " + hex(st) + ")");
    }
    if (st & isa::status::DONE) check_error(st);
    if (!dev_->monitor().violations().empty()) fail("AXI rule broken:\n" + dev_->monitor().report());
    check_requests();
    recover();
    if (!dev_->monitor().violations().empty()) fail("AXI rule broken:\n" + dev_->monitor().report());
  } catch (const Failure& f) {
    out.ok = false;
    out.failure = f.what();
  } catch (const std::exception& e) {
    out.ok = false;
    out.failure = std::string("exception: ") + e.what() + (dev_ ? " (cycle " + std::to_string(dev_->cycles()) + ")" : "");
  }
  out.launches = static_cast<unsigned>(launches_.size());
  out.cycles = dev_ ? dev_->cycles() : 0;
  out.job = job_.str();
  return out;
}

}  // namespace

Outcome run_case(const std::uint8_t* data, std::size_t size) {
  Case c(data, size);
  return c.run();
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace abacus::fuzz
