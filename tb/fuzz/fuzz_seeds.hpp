// Hand-made starting points for the fuzzer, written in the case layout of
// fuzz_case.cpp: a correct LOAD/GEMM/STORE chain with its tokens, and
// variants that exercise memory behaviour, events during the run, bus
// errors, a deadlock and a narrow window. libFuzzer mutates from these.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace abacus::fuzz {

class SeedBuilder {
 public:
  SeedBuilder& u8(unsigned v) {
    b_.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  SeedBuilder& u16(unsigned v) { return u8(v & 0xff).u8(v >> 8); }
  SeedBuilder& u32(std::uint32_t v) { return u16(v & 0xffff).u16(v >> 16); }
  // header: memory byte (latency/4 in [4:0], stall class in [7:5]), initial
  // state byte, window byte, instruction count
  SeedBuilder& header(unsigned mem, unsigned init, unsigned win, unsigned count) {
    return u8(mem).u8(init).u8(win).u8(count - 1);
  }
  // deps: 1 POP_PREV, 2 POP_NEXT, 4 PUSH_PREV, 8 PUSH_NEXT
  SeedBuilder& load(unsigned deps, unsigned rows, unsigned row_bytes, unsigned sp_row16, unsigned sp_stride,
                    unsigned dram16) {
    return u8(0).u8(deps).u8(0).u8(rows - 1).u16(row_bytes - 1).u8(0).u8(2).u16(sp_row16).u16(sp_stride).u16(dram16);
  }
  SeedBuilder& gemm(unsigned deps, unsigned m, unsigned ibuf, unsigned wbuf, unsigned acc) {
    return u8(2).u8(deps).u8(0).u8(m - 1).u16(ibuf).u16(wbuf).u16(acc).u8(1);
  }
  SeedBuilder& store(unsigned deps, unsigned n, unsigned m, unsigned acc, unsigned dram16) {
    return u8(4).u8(deps).u8(0).u8(n).u8(m).u16(acc).u8(0).u8(0).u8(0).u8(0x80).u8(0x7f).u16(dram16);
  }
  SeedBuilder& finish() { return u8(5).u8(0).u8(0); }
  // a 16x16 tile: activations, weights (scratchpad row 16384, in rows of
  // the array's width, is the weight buffer's first: it follows the 16384
  // activation rows), GEMM, STORE, with the tokens that order them
  SeedBuilder& chain() {
    return load(0, 16, 16, 0, 16, 0x40)
        .load(8, 16, 16, 16384, 16, 0x80)
        .gemm(1 | 8, 16, 0, 0, 0)
        .store(1, 16, 16, 0, 0x100)
        .finish();
  }
  std::vector<std::uint8_t> bytes() const { return b_; }

 private:
  std::vector<std::uint8_t> b_;
};

inline std::vector<std::pair<std::string, std::vector<std::uint8_t>>> seed_cases() {
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> s;
  s.emplace_back("seed-chain", SeedBuilder().header(0, 0, 0, 5).chain().bytes());
  // latency 40, stalls, random initial state; wait, SOFT_RESET, START again
  s.emplace_back("seed-stalls-softreset",
                 SeedBuilder().header(0x0a | 5 << 5, 0x3d, 0, 5).chain().u8(3).u16(200).u8(4).u8(5).bytes());
  // SLVERR on the 20th read beat, DECERR on the first write beat (set before START)
  s.emplace_back("seed-bus-errors",
                 SeedBuilder().header(2, 0, 0, 5).chain().u8(0x86).u8(0).u8(20).u8(0x86).u8(3).u8(0).bytes());
  // during the run: WIN_LIMIT_LO rewritten, STATUS read, the W channel held
  s.emplace_back("seed-writes-during-run", SeedBuilder()
                                                .header(4, 0, 0, 5)
                                                .chain()
                                                .u8(0)
                                                .u8(0x80 | 0x1e)
                                                .u32(0x80000100)
                                                .u8(2)
                                                .u8(0x11)
                                                .u8(8)
                                                .u8(1)
                                                .u8(40)
                                                .bytes());
  // a GEMM waiting for a token no LOAD gives
  s.emplace_back("seed-deadlock", SeedBuilder().header(0, 0, 0, 2).gemm(1, 16, 0, 0, 0).finish().bytes());
  // a window of one 4 KiB page at +64 KiB: the chain's STORE falls outside it
  s.emplace_back("seed-narrow-window", SeedBuilder().header(0, 0, 4, 5).u8(16).u8(16).chain().bytes());
  return s;
}

}  // namespace abacus::fuzz
