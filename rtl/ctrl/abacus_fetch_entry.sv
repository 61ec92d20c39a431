// One instruction on its way into fetch's buffer, and its field check.
//
// load_i registers the instruction (stage A). From that register stage W
// works out, and stage B registers (a cycle before the buffer's write):
//   the GEMM's last ibuf row, IBUF_ROW + (M - 1) x IBUF_STRIDE, exact in
//           32 bits for M >= 1 (one multiply-add: a DSP with its post-adder,
//           stage B its output register);
//   G flags per opcode, each group as if the instruction had that opcode:
//           reserved bits, dependency flags the engine cannot honour, zero
//           or too large counts, rows past a buffer's end;
//   a DWCONV's last group (ISA 1.4, GROUPS g > 1): its taps'
//           WBUF_ROW + 9(g-1), its outputs' end ACC_ROW + M + (g-1) x
//           ACC_GSTEP (a second multiply-add), and whether row k + g - 1
//           leaves row k's ibuf quarter;
//   a STORE's ibuf range (ISA 1.5, TO_IBUF): DRAM_ADDR an ibuf word and
//           STRIDE 1 .. a quarter's words - 1 (rows wrap inside the
//           quarter), OR'd into the reserved bits' flag from stage B.
// The two sums the checks need (ACC_ROW + M for GEMM and DWCONV, which
// share both fields, and for STORE) are made as the instruction is
// registered, so stage W only compares; range checks against a row and a
// constant count are compares with a constant. The last row's compare
// (a GEMM flag) is made from stage B, in front of the buffer's write.
// insn_o and bad_o are stage B's: decode, behind the buffer, ORs its
// opcode's group and nothing else. (Decode made every check once: 5145 ps
// by the proxy, xcup, 32x32 parameters, the top of the whole xcup 32x32
// run; then the compares in front of the buffer, 3185 ps, and the last
// row's compare behind it, 2935 ps. The reserved bits are ORed per 32-bit
// word in stage W, and the words' flags of an opcode in front of the
// buffer's write: FINISH's 248 bits as one OR, through LUT6s and the F7
// to F9 muxes, were 3046 ps in the whole xcup 32x32 run on a76c4ec; as a
// flag per 64-bit quarter, 2635 in the one on 9975354.)
module abacus_fetch_entry #(
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16,
  parameter int unsigned IbufRows = 4096,
  parameter int unsigned WbufRows = 2048,
  parameter int unsigned AccRows = 512,
  parameter int unsigned ObufRows = 256,
  parameter int unsigned PbufSlots = 64,
  localparam int unsigned IBits = abacus_isa_pkg::InsnBits,
  localparam int unsigned IbAw = $clog2(IbufRows),
  localparam int unsigned PbAw = $clog2(PbufSlots),
  localparam int unsigned NOps = 5,  // opcodes 1 to 5
  localparam int unsigned G = 6      // flags per opcode
) (
  input  logic             clk_i,
  input  logic             load_i,
  input  logic [IBits-1:0] insn_i,
  output logic [IBits-1:0] insn_o,  // stage B
  output logic [NOps*G-1:0] bad_o  // group k (G flags): opcode k + 1's field checks failed
);
  // ---- stage A: the instruction, M - 1 and the two sums --------------------------------
  logic [IBits-1:0] insn_q;
  logic [15:0]      m1_q, stride_q, row_q;
  logic [16:0]      acc_end_q;    // GEMM/DWCONV ACC_ROW + M
  logic [16:0]      s_acc_end_q;  // STORE ACC_ROW + M
  logic [7:0]       gm1_q;        // DWCONV GROUPS - 1 (GROUPS 0 counts as 1)
  logic [15:0]      gstep_q;      // DWCONV ACC_GSTEP
  always_ff @(posedge clk_i) begin
    if (load_i) begin
      insn_q      <= insn_i;
      m1_q        <= insn_i[abacus_isa_pkg::GemmMLsb +: 16] - 16'd1;
      stride_q    <= insn_i[abacus_isa_pkg::GemmIbufStrideLsb +: 16];
      row_q       <= insn_i[abacus_isa_pkg::GemmIbufRowLsb +: 16];
      acc_end_q   <= 17'(insn_i[abacus_isa_pkg::GemmAccRowLsb +: 16]) +
                     17'(insn_i[abacus_isa_pkg::GemmMLsb +: 16]);
      s_acc_end_q <= 17'(insn_i[abacus_isa_pkg::StoreAccRowLsb +: 16]) +
                     17'(insn_i[abacus_isa_pkg::StoreMLsb +: 16]);
      gm1_q       <= (insn_i[abacus_isa_pkg::DwconvGroupsLsb +: 8] == 8'd0) ? 8'd0 :
                     insn_i[abacus_isa_pkg::DwconvGroupsLsb +: 8] - 8'd1;
      gstep_q     <= insn_i[abacus_isa_pkg::DwconvAccGstepLsb +: 16];
    end
  end
  logic [31:0] last;
  assign last = 32'(m1_q) * 32'(stride_q) + 32'(row_q);
  // a DWCONV's last group: its outputs' end, its taps' first row, and
  // whether a row's last group leaves the row's quarter (the add's carry
  // out of the quarter's address bits; registered apart: OR'd with the
  // other flags in stage W, row 0's add was 3459 ps, the top of the xcup
  // 32x32 fetch alone, proxy)
  localparam int unsigned QAw = IbAw - 2;
  logic [31:0] dw_acc_last, dw_w_last;
  logic [2:0]  dw_q_out;
  assign dw_acc_last = 32'(gm1_q) * 32'(gstep_q) + 32'(acc_end_q);
  assign dw_w_last   = 32'(insn_q[abacus_isa_pkg::DwconvWbufRowLsb +: 16]) + 32'(gm1_q) * 32'd9;
  // (the sum as wide as its operands and a bit more: any bit at or above
  // QAw set is the carry out of the quarter, one carry chain)
  localparam int unsigned SumW = (QAw > 8 ? QAw : 8) + 1;
  logic [SumW-1:0] dw_q_sum [3];
  assign dw_q_sum[0] = SumW'(insn_q[abacus_isa_pkg::DwconvIbufRow0Lsb +: QAw]) + SumW'(gm1_q);
  assign dw_q_sum[1] = SumW'(insn_q[abacus_isa_pkg::DwconvIbufRow1Lsb +: QAw]) + SumW'(gm1_q);
  assign dw_q_sum[2] = SumW'(insn_q[abacus_isa_pkg::DwconvIbufRow2Lsb +: QAw]) + SumW'(gm1_q);
  assign dw_q_out = {|dw_q_sum[2][SumW-1:QAw], |dw_q_sum[1][SumW-1:QAw], |dw_q_sum[0][SumW-1:QAw]};

  // ---- stage W: compares ---------------------------------------------------------------
  logic              pop_prev, pop_next, push_prev, push_next;
  logic [15:0]       m, wbuf, s_m, s_n;
  logic              slot_past;  // a STORE's parameter slot past the buffer's end: a bit set above its index
  logic              rows_past;  // a DWCONV row past ibuf's end: a bit set above its address
  logic [1:0]        q0, q1, q2;
  logic signed [7:0] s_min, s_max;
  logic [NOps*G-1:0] bad_w;
  // reserved bits set, per 32-bit word of the instruction, for each
  // opcode (k: opcode k + 1); stage B registers them (words reserved in
  // several opcodes' masks are the same flag: synthesis merges them)
  function automatic logic [7:0] set_per_word(input logic [IBits-1:0] insn, input logic [IBits-1:0] mask);
    for (int unsigned w = 0; w < 8; w++) set_per_word[w] = |(insn[w*32 +: 32] & mask[w*32 +: 32]);
  endfunction
  logic [NOps*8-1:0] res_w;  // opcode k + 1's at [k*8 +: 8]
  assign res_w[8 * (32'(abacus_isa_pkg::OpLoad) - 1) +: 8] =
      set_per_word(insn_q, abacus_isa_pkg::LoadReservedMask);
  assign res_w[8 * (32'(abacus_isa_pkg::OpGemm) - 1) +: 8] =
      set_per_word(insn_q, abacus_isa_pkg::GemmReservedMask);
  assign res_w[8 * (32'(abacus_isa_pkg::OpStore) - 1) +: 8] =
      set_per_word(insn_q, abacus_isa_pkg::StoreReservedMask);
  assign res_w[8 * (32'(abacus_isa_pkg::OpFinish) - 1) +: 8] =
      set_per_word(insn_q, abacus_isa_pkg::FinishReservedMask);
  assign res_w[8 * (32'(abacus_isa_pkg::OpDwconv) - 1) +: 8] =
      set_per_word(insn_q, abacus_isa_pkg::DwconvReservedMask);
  always_comb begin
    pop_prev  = insn_q[abacus_isa_pkg::PopPrevLsb];
    pop_next  = insn_q[abacus_isa_pkg::PopNextLsb];
    push_prev = insn_q[abacus_isa_pkg::PushPrevLsb];
    push_next = insn_q[abacus_isa_pkg::PushNextLsb];
    m         = insn_q[abacus_isa_pkg::GemmMLsb +: 16];        // GEMM and DWCONV
    wbuf      = insn_q[abacus_isa_pkg::GemmWbufRowLsb +: 16];  // GEMM and DWCONV
    s_m       = insn_q[abacus_isa_pkg::StoreMLsb +: 16];
    s_n       = insn_q[abacus_isa_pkg::StoreNBytesLsb +: 16];
    slot_past = |insn_q[abacus_isa_pkg::StorePslotLsb + PbAw +: 16 - PbAw];
    s_min     = $signed(insn_q[abacus_isa_pkg::StoreClampMinLsb +: 8]);
    s_max     = $signed(insn_q[abacus_isa_pkg::StoreClampMaxLsb +: 8]);
    // (the rows' ibuf quarters, and their bits above ibuf's address,
    // IbufRows a power of two)
    q0        = insn_q[abacus_isa_pkg::DwconvIbufRow0Lsb + IbAw - 2 +: 2];
    q1        = insn_q[abacus_isa_pkg::DwconvIbufRow1Lsb + IbAw - 2 +: 2];
    q2        = insn_q[abacus_isa_pkg::DwconvIbufRow2Lsb + IbAw - 2 +: 2];
    rows_past = |{insn_q[abacus_isa_pkg::DwconvIbufRow0Lsb + IbAw +: 16 - IbAw],
                  insn_q[abacus_isa_pkg::DwconvIbufRow1Lsb + IbAw +: 16 - IbAw],
                  insn_q[abacus_isa_pkg::DwconvIbufRow2Lsb + IbAw +: 16 - IbAw]};
    // each opcode's checks, as if the instruction had that opcode: a group
    // of G flags, the first the OR of the checks that are LUTs alone, then
    // one flag per compare with a constant (a carry chain: an OR behind
    // them took the path to 3615 ps); the reserved bits' flag (ResFlag)
    // is ORed in from stage B
    bad_w = '0;
    bad_w[G * (32'(abacus_isa_pkg::OpLoad) - 1) +: G] = G'(pop_prev || push_prev);
    // (wbuf + Rows > WbufRows, as a compare with a constant)
    bad_w[G * (32'(abacus_isa_pkg::OpGemm) - 1) +: G] = {
        1'b0,  // (the reserved bits', from stage B)
        1'b0,
        1'b0,  // (the last row's, from stage B)
        32'(wbuf) > WbufRows - Rows,
        32'(acc_end_q) > AccRows,
        m == 0};
    // (the slot past the buffer's end: a bit set above its index,
    // PbufSlots a power of two; the reserved bits a flag of their own)
    bad_w[G * (32'(abacus_isa_pkg::OpStore) - 1) +: G] = {
        32'(s_m) > ObufRows,
        32'(s_acc_end_q) > AccRows,
        32'(s_n) > Cols,
        1'b0,  // (the reserved bits' and TO_IBUF's, from stage B)
        s_min > s_max,
        pop_next || push_next || s_m == 0 || s_n == 0 || slot_past};
    // (the taps' and the outputs' range from stage B, of the last group)
    bad_w[G * (32'(abacus_isa_pkg::OpDwconv) - 1) +: G] = {
        1'b0,  // (the reserved bits', from stage B)
        1'b0,
        rows_past,  // (OR'd with dw_q_out from stage B)
        1'b0,
        1'b0,
        m == 0 ||
        insn_q[abacus_isa_pkg::DwconvStrideLsb +: 2] == 2'd0 ||
        q0 == q1 || q0 == q2 || q1 == q2};
    bad_w[G * (32'(abacus_isa_pkg::OpFinish) - 1) +: G] = G'(pop_prev || pop_next || push_prev || push_next);
  end

  // a STORE into ibuf: its first word past ibuf, its stride zero or a
  // quarter or more (IbufRows a power of two)
  logic st_ib_bad;
  assign st_ib_bad = insn_q[abacus_isa_pkg::StoreToIbufLsb] &&
                     (|insn_q[abacus_isa_pkg::StoreDramAddrLsb + IbAw +: 64 - IbAw] ||
                      |insn_q[abacus_isa_pkg::StoreStrideLsb + QAw +: 32 - QAw] ||
                      insn_q[abacus_isa_pkg::StoreStrideLsb +: QAw] == '0);

  // ---- stage B: every cycle (a valid travels beside it in fetch) ----------------------
  logic [IBits-1:0]  insn_b_q;
  logic [31:0]       last_b_q, dw_acc_last_b_q, dw_w_last_b_q;
  logic [NOps*G-1:0] bad_b_q;
  logic [2:0]        dw_q_out_b_q;
  logic              st_ib_bad_b_q;
  logic [NOps*8-1:0] res_b_q;
  always_ff @(posedge clk_i) begin
    insn_b_q        <= insn_q;
    res_b_q         <= res_w;
    st_ib_bad_b_q   <= st_ib_bad;
    dw_q_out_b_q    <= dw_q_out;
    last_b_q        <= last;
    dw_acc_last_b_q <= dw_acc_last;
    dw_w_last_b_q   <= dw_w_last;
    bad_b_q         <= bad_w;
  end
  function automatic int unsigned res_flag(input int unsigned k);
    res_flag = (k == 32'(abacus_isa_pkg::OpStore) - 1) ? 2 : 5;
  endfunction
  localparam int unsigned LastFlag = G * (32'(abacus_isa_pkg::OpGemm) - 1) + 3;
  localparam int unsigned DwFlags  = G * (32'(abacus_isa_pkg::OpDwconv) - 1);
  localparam int unsigned StFlags  = G * (32'(abacus_isa_pkg::OpStore) - 1);
  always_comb begin
    bad_o               = bad_b_q;
    bad_o[LastFlag]     = last_b_q >= IbufRows;
    bad_o[DwFlags + 2]  = dw_w_last_b_q > WbufRows - 9;
    bad_o[DwFlags + 1]  = dw_acc_last_b_q > AccRows;
    bad_o[DwFlags + 3]  = bad_b_q[DwFlags + 3] || |dw_q_out_b_q;
    bad_o[StFlags + 2]  = bad_b_q[StFlags + 2] || st_ib_bad_b_q;
    // each opcode's reserved bits, into a flag its stage W group left
    // free (STORE's shares TO_IBUF's)
    for (int unsigned k = 0; k < NOps; k++) begin
      bad_o[G * k + res_flag(k)] = bad_o[G * k + res_flag(k)] || (|res_b_q[k*8 +: 8]);
    end
  end
  assign insn_o = insn_b_q;

`ifndef SYNTHESIS
  // the compares with a constant stand for the adds they replace, and
  // GEMM and DWCONV share M, WBUF_ROW and ACC_ROW
  initial assert (WbufRows >= Rows && WbufRows >= 9 && IBits == 256 &&
                  IbufRows == 2 ** IbAw && IbAw < 16 && PbufSlots == 2 ** PbAw && PbAw < 16 &&
                  abacus_isa_pkg::OpLoad == 1 && abacus_isa_pkg::OpGemm == 2 &&
                  abacus_isa_pkg::OpStore == 3 && abacus_isa_pkg::OpFinish == 4 &&
                  abacus_isa_pkg::OpDwconv == 5 &&
                  abacus_isa_pkg::GemmMLsb == abacus_isa_pkg::DwconvMLsb &&
                  abacus_isa_pkg::GemmWbufRowLsb == abacus_isa_pkg::DwconvWbufRowLsb &&
                  abacus_isa_pkg::GemmAccRowLsb == abacus_isa_pkg::DwconvAccRowLsb);
`endif
endmodule
