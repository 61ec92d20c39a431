// Program builder over the generated instruction encoding (abacus/isa.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "abacus/isa.hpp"

namespace abacus {

// Dependency token flags (VTA-style decoupled access/execute):
//   LOAD:  pop_next = wait for compute->load, push_next = give load->compute
//   GEMM:  pop_prev = load->compute, pop_next = store->compute,
//          push_prev = compute->load, push_next = compute->store
//   STORE: pop_prev = compute->store, push_prev = store->compute
//   DWCONV: as GEMM
struct Deps {
  bool pop_prev = false, pop_next = false, push_prev = false, push_next = false;
};

struct LoadArgs {
  std::uint64_t dram_addr = 0;
  std::uint32_t rows = 0, row_bytes = 0, stride = 0;
  std::uint32_t sp_addr = 0, sp_stride = 0;
  std::uint8_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0, pad_value = 0;
};

struct GemmArgs {
  std::uint32_t m = 0, ibuf_row = 0, ibuf_stride = 1, wbuf_row = 0, acc_row = 0;
  bool accumulate = false;
};

// DWCONV (ISA 1.3): M outputs of one output row, Cols channels, 3x3 taps
// at wbuf rows wbuf_row + ky*3 + kx. Kernel row ky reads pixel p at
// ibuf_row[ky] + p * pix_stride, wrapping inside that row's ibuf quarter;
// the three rows must lie in three different quarters.
// groups > 1 (ISA 1.4): as many DWCONVs, group j reading ibuf_row[k] + j,
// taps from wbuf_row + 9j, writing from acc_row + j * acc_gstep; its
// PUSH_NEXT gives a token per group, PUSH_PREV one after the last group.
// (groups == 1 is encoded as GROUPS 0, valid on ISA 1.3 devices.)
struct DwconvArgs {
  std::uint32_t m = 0, stride = 1, pix_stride = 1, wbuf_row = 0, acc_row = 0;
  std::uint32_t ibuf_row[3] = {0, 0, 0};
  std::uint32_t groups = 1, acc_gstep = 0;
  bool accumulate = false;
};

// to_ibuf (ISA 1.5): the rows go to ibuf instead of DRAM: row i to word
// dram_addr + i * stride (wrapping inside dram_addr's ibuf quarter; 1 <=
// stride < a quarter's words), bytes 0 .. n_bytes - 1 of it. Its push_prev
// token is given once the last row is in ibuf.
struct StoreArgs {
  std::uint64_t dram_addr = 0;
  std::uint32_t m = 0, acc_row = 0, n_bytes = 0, stride = 0, pslot = 0;
  std::int8_t zp_out = 0, clamp_min = -128, clamp_max = 127;
  bool float_scale = false;  // the slot's multipliers are binary32 scales (ISA 1.2)
  bool to_ibuf = false;
};

class Program {
 public:
  void load(const LoadArgs& a, Deps d = {});
  void gemm(const GemmArgs& a, Deps d = {});
  void store(const StoreArgs& a, Deps d = {});
  void dwconv(const DwconvArgs& a, Deps d = {});
  void finish();
  // Any instruction, for tests that need malformed ones.
  void raw(const isa::Instruction& insn) { insns_.push_back(insn); }

  const std::vector<isa::Instruction>& instructions() const { return insns_; }
  std::size_t size() const { return insns_.size(); }
  // Little-endian image, kInstructionBytes per instruction.
  std::vector<std::uint8_t> bytes() const;

 private:
  isa::Instruction header(isa::Op op, Deps d) const;
  std::vector<isa::Instruction> insns_;
};

}  // namespace abacus
