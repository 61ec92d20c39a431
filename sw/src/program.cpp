#include "abacus/program.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace abacus {

namespace {
// A field's value, which must fit its bits: a schedule that makes a value
// too wide for the encoding gets an error naming the field, not an
// instruction that silently means something else (the 16-bit ROW_BYTES of
// a long LOAD, say).
void put(isa::Instruction& i, isa::Field f, const char* name, std::uint64_t v) {
  if (f.width < 64 && (v >> f.width) != 0) {
    throw std::invalid_argument(std::string("Program: ") + name + " = " + std::to_string(v) + " does not fit its " +
                                std::to_string(f.width) + " bits");
  }
  isa::set_field(i, f, v);
}
}  // namespace

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
  put(i, isa::load::DRAM_ADDR, "LOAD.DRAM_ADDR", a.dram_addr);
  put(i, isa::load::ROWS, "LOAD.ROWS", a.rows);
  put(i, isa::load::ROW_BYTES, "LOAD.ROW_BYTES", a.row_bytes);
  put(i, isa::load::STRIDE, "LOAD.STRIDE", a.stride);
  put(i, isa::load::SP_ADDR, "LOAD.SP_ADDR", a.sp_addr);
  put(i, isa::load::SP_STRIDE, "LOAD.SP_STRIDE", a.sp_stride);
  put(i, isa::load::PAD_TOP, "LOAD.PAD_TOP", a.pad_top);
  put(i, isa::load::PAD_BOTTOM, "LOAD.PAD_BOTTOM", a.pad_bottom);
  put(i, isa::load::PAD_LEFT, "LOAD.PAD_LEFT", a.pad_left);
  put(i, isa::load::PAD_RIGHT, "LOAD.PAD_RIGHT", a.pad_right);
  put(i, isa::load::PAD_VALUE, "LOAD.PAD_VALUE", a.pad_value);
  insns_.push_back(i);
}

void Program::gemm(const GemmArgs& a, Deps d) {
  isa::Instruction i = header(isa::Op::Gemm, d);
  put(i, isa::gemm::M, "GEMM.M", a.m);
  put(i, isa::gemm::IBUF_ROW, "GEMM.IBUF_ROW", a.ibuf_row);
  put(i, isa::gemm::IBUF_STRIDE, "GEMM.IBUF_STRIDE", a.ibuf_stride);
  put(i, isa::gemm::WBUF_ROW, "GEMM.WBUF_ROW", a.wbuf_row);
  put(i, isa::gemm::ACC_ROW, "GEMM.ACC_ROW", a.acc_row);
  put(i, isa::gemm::ACCUMULATE, "GEMM.ACCUMULATE", a.accumulate);
  insns_.push_back(i);
}

void Program::dwconv(const DwconvArgs& a, Deps d) {
  isa::Instruction i = header(isa::Op::Dwconv, d);
  put(i, isa::dwconv::M, "DWCONV.M", a.m);
  put(i, isa::dwconv::STRIDE, "DWCONV.STRIDE", a.stride);
  put(i, isa::dwconv::PIX_STRIDE, "DWCONV.PIX_STRIDE", a.pix_stride);
  put(i, isa::dwconv::WBUF_ROW, "DWCONV.WBUF_ROW", a.wbuf_row);
  put(i, isa::dwconv::ACC_ROW, "DWCONV.ACC_ROW", a.acc_row);
  put(i, isa::dwconv::IBUF_ROW0, "DWCONV.IBUF_ROW0", a.ibuf_row[0]);
  put(i, isa::dwconv::IBUF_ROW1, "DWCONV.IBUF_ROW1", a.ibuf_row[1]);
  put(i, isa::dwconv::IBUF_ROW2, "DWCONV.IBUF_ROW2", a.ibuf_row[2]);
  put(i, isa::dwconv::ACCUMULATE, "DWCONV.ACCUMULATE", a.accumulate);
  if (a.groups == 0 || a.groups > 255 || a.acc_gstep > 0xffff) {
    throw std::invalid_argument("Program::dwconv: groups must be 1..255 and acc_gstep below 65536");
  }
  if (a.groups != 1) {
    put(i, isa::dwconv::GROUPS, "DWCONV.GROUPS", a.groups);
    put(i, isa::dwconv::ACC_GSTEP, "DWCONV.ACC_GSTEP", a.acc_gstep);
  }
  insns_.push_back(i);
}

void Program::store(const StoreArgs& a, Deps d) {
  isa::Instruction i = header(isa::Op::Store, d);
  put(i, isa::store::DRAM_ADDR, "STORE.DRAM_ADDR", a.dram_addr);
  put(i, isa::store::M, "STORE.M", a.m);
  put(i, isa::store::ACC_ROW, "STORE.ACC_ROW", a.acc_row);
  put(i, isa::store::N_BYTES, "STORE.N_BYTES", a.n_bytes);
  put(i, isa::store::STRIDE, "STORE.STRIDE", a.stride);
  put(i, isa::store::PSLOT, "STORE.PSLOT", a.pslot);
  put(i, isa::store::ZP_OUT, "STORE.ZP_OUT", static_cast<std::uint8_t>(a.zp_out));
  put(i, isa::store::CLAMP_MIN, "STORE.CLAMP_MIN", static_cast<std::uint8_t>(a.clamp_min));
  put(i, isa::store::CLAMP_MAX, "STORE.CLAMP_MAX", static_cast<std::uint8_t>(a.clamp_max));
  put(i, isa::store::FLOAT_SCALE, "STORE.FLOAT_SCALE", a.float_scale ? 1 : 0);
  put(i, isa::store::TO_IBUF, "STORE.TO_IBUF", a.to_ibuf ? 1 : 0);
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
