#include "abacus/program.hpp"

#include <cstring>
#include <stdexcept>

namespace abacus {

isa::Instruction Program::header(isa::Op op, Deps d) const {
  isa::Instruction i{};
  isa::set_field(i, isa::field::OPCODE, static_cast<std::uint64_t>(op));
  isa::set_field(i, isa::field::POP_PREV, d.pop_prev);
  isa::set_field(i, isa::field::POP_NEXT, d.pop_next);
  isa::set_field(i, isa::field::PUSH_PREV, d.push_prev);
  isa::set_field(i, isa::field::PUSH_NEXT, d.push_next);
  return i;
}

void Program::load(const LoadArgs& a, Deps d) {
  isa::Instruction i = header(isa::Op::Load, d);
  isa::set_field(i, isa::load::DRAM_ADDR, a.dram_addr);
  isa::set_field(i, isa::load::ROWS, a.rows);
  isa::set_field(i, isa::load::ROW_BYTES, a.row_bytes);
  isa::set_field(i, isa::load::STRIDE, a.stride);
  isa::set_field(i, isa::load::SP_ADDR, a.sp_addr);
  isa::set_field(i, isa::load::SP_STRIDE, a.sp_stride);
  isa::set_field(i, isa::load::PAD_TOP, a.pad_top);
  isa::set_field(i, isa::load::PAD_BOTTOM, a.pad_bottom);
  isa::set_field(i, isa::load::PAD_LEFT, a.pad_left);
  isa::set_field(i, isa::load::PAD_RIGHT, a.pad_right);
  isa::set_field(i, isa::load::PAD_VALUE, a.pad_value);
  insns_.push_back(i);
}

void Program::gemm(const GemmArgs& a, Deps d) {
  isa::Instruction i = header(isa::Op::Gemm, d);
  isa::set_field(i, isa::gemm::M, a.m);
  isa::set_field(i, isa::gemm::IBUF_ROW, a.ibuf_row);
  isa::set_field(i, isa::gemm::IBUF_STRIDE, a.ibuf_stride);
  isa::set_field(i, isa::gemm::WBUF_ROW, a.wbuf_row);
  isa::set_field(i, isa::gemm::ACC_ROW, a.acc_row);
  isa::set_field(i, isa::gemm::ACCUMULATE, a.accumulate);
  insns_.push_back(i);
}

void Program::dwconv(const DwconvArgs& a, Deps d) {
  isa::Instruction i = header(isa::Op::Dwconv, d);
  isa::set_field(i, isa::dwconv::M, a.m);
  isa::set_field(i, isa::dwconv::STRIDE, a.stride);
  isa::set_field(i, isa::dwconv::PIX_STRIDE, a.pix_stride);
  isa::set_field(i, isa::dwconv::WBUF_ROW, a.wbuf_row);
  isa::set_field(i, isa::dwconv::ACC_ROW, a.acc_row);
  isa::set_field(i, isa::dwconv::IBUF_ROW0, a.ibuf_row[0]);
  isa::set_field(i, isa::dwconv::IBUF_ROW1, a.ibuf_row[1]);
  isa::set_field(i, isa::dwconv::IBUF_ROW2, a.ibuf_row[2]);
  isa::set_field(i, isa::dwconv::ACCUMULATE, a.accumulate);
  if (a.groups == 0 || a.groups > 255 || a.acc_gstep > 0xffff) {
    throw std::invalid_argument("Program::dwconv: groups must be 1..255 and acc_gstep below 65536");
  }
  if (a.groups != 1) {
    isa::set_field(i, isa::dwconv::GROUPS, a.groups);
    isa::set_field(i, isa::dwconv::ACC_GSTEP, a.acc_gstep);
  }
  insns_.push_back(i);
}

void Program::store(const StoreArgs& a, Deps d) {
  isa::Instruction i = header(isa::Op::Store, d);
  isa::set_field(i, isa::store::DRAM_ADDR, a.dram_addr);
  isa::set_field(i, isa::store::M, a.m);
  isa::set_field(i, isa::store::ACC_ROW, a.acc_row);
  isa::set_field(i, isa::store::N_BYTES, a.n_bytes);
  isa::set_field(i, isa::store::STRIDE, a.stride);
  isa::set_field(i, isa::store::PSLOT, a.pslot);
  isa::set_field(i, isa::store::ZP_OUT, static_cast<std::uint8_t>(a.zp_out));
  isa::set_field(i, isa::store::CLAMP_MIN, static_cast<std::uint8_t>(a.clamp_min));
  isa::set_field(i, isa::store::CLAMP_MAX, static_cast<std::uint8_t>(a.clamp_max));
  isa::set_field(i, isa::store::FLOAT_SCALE, a.float_scale ? 1 : 0);
  isa::set_field(i, isa::store::TO_IBUF, a.to_ibuf ? 1 : 0);
  insns_.push_back(i);
}

void Program::finish() { insns_.push_back(header(isa::Op::Finish, {})); }

std::vector<std::uint8_t> Program::bytes() const {
  std::vector<std::uint8_t> out(insns_.size() * isa::kInstructionBytes);
  for (std::size_t n = 0; n < insns_.size(); ++n) {
    for (std::size_t w = 0; w < insns_[n].size(); ++w) {
      for (int b = 0; b < 8; ++b) {
        out[n * isa::kInstructionBytes + w * 8 + static_cast<std::size_t>(b)] =
            static_cast<std::uint8_t>(insns_[n][w] >> (8 * b));
      }
    }
  }
  return out;
}

}  // namespace abacus
