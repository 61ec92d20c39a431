`include "abacus_assert.svh"
// Depthwise engine: executes DWCONV instructions (docs/architecture.md,
// "Depthwise convolutions: the DWCONV path").
//
// One DWCONV computes M output pixels of one output row for Lanes channels
// with a 3x3 kernel: output x, lane l =
//   sum over ky, kx of  w[WBUF_ROW + ky*3 + kx][l] * ibuf[row_ky(x*STRIDE + kx)][l]
// where row_ky(p) is pixel p of kernel row ky: IBUF_ROWky + p * PIX_STRIDE,
// wrapping inside IBUF_ROWky's quarter of ibuf. The three rows lie in
// three different quarters (fetch checks), each quarter a RAM of its own,
// so one column of the window (three pixels) is read per cycle.
//
// Two parts run independently, as the GEMM feeders do:
//   weight loader  reads the 9 taps of the next instruction into the
//                  shadow taps while the current one streams;
//   column issuer  reads columns p = 0 .. (M-1)*STRIDE + 2; column p with
//                  p >= 2 and (p - 2) a multiple of STRIDE completes output
//                  (p - 2) / STRIDE, written to accumulator row ACC_ROW + x
//                  (added to it with ACCUMULATE).
// Nothing stalls once issued: the accumulator takes a row every cycle.
//
// A DWCONV of GROUPS g > 1 (ISA 1.4; 0 counts as 1) is g such
// instructions, group j with the three ibuf rows + j, WBUF_ROW + 9j and
// ACC_ROW + j*ACC_GSTEP: the group expander in front of the queues hands
// them in one a cycle. PUSH_NEXT is given for every group (each when its
// last output is written), PUSH_PREV once, for the last group.
// PUSH_PREV (compute->load) goes a cycle after the last column's read; PUSH_NEXT
// (compute->store) in the cycle the last output is written.
module abacus_dw_engine #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned IbufRows = 16384,
  parameter int unsigned WbufRows = 2048,
  parameter int unsigned AccRows = 512,
  localparam int unsigned Lanes = DataWidth / 8,
  localparam int unsigned IbAw = $clog2(IbufRows),
  localparam int unsigned QAw = IbAw - 2,
  localparam int unsigned WbAw = $clog2(WbufRows),
  localparam int unsigned AccAw = $clog2(AccRows)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   halt_i,
  // dispatched DWCONV instructions (their tokens already taken)
  input  logic                   insn_valid_i,
  output logic                   insn_ready_o,
  input  logic [255:0]           insn_i,
  // ibuf, one read port per quarter
  output logic [3:0]             ibq_re_o,
  output logic [4*QAw-1:0]       ibq_raddr_o,
  input  logic [4*DataWidth-1:0] ibq_rdata_i,
  // wbuf
  output logic                   wb_re_o,
  output logic [WbAw-1:0]        wb_raddr_o,
  input  logic [DataWidth-1:0]   wb_rdata_i,
  // accumulator update
  output logic                   acc_valid_o,
  output logic [AccAw-1:0]       acc_addr_o,
  output logic                   acc_accum_o,
  output logic [Lanes*32-1:0]    acc_data_o,
  // tokens
  output logic                   tok_c2l_push_o,
  output logic                   tok_c2s_push_o,
  // status
  output logic                   busy_o,    // queued, streaming or in flight
  output logic                   fire_o,    // a column was read
  output logic                   out_o      // an output row reached the accumulator
);
  // ---- queues: taps (WBUF_ROW) and the rest ------------------------------------------------------------
  // (both heads from registers, OutReg: through the LUT-RAM read the rest's
  // head into its own pop was 3673 ps, into the ibuf read address 3530 ps,
  // by the proxy in the CI's xc7 4x4 run on 3d63946)
  localparam int unsigned PqW = 16 + 2 + 3 * 16 + 16 + 16 + 3;
  logic          wq_wready, pq_wready, wq_rvalid, wq_rready, pq_rvalid, pq_rready;
  logic [15:0]   wq_row;
  logic [PqW-1:0] pq_rdata;

  // ---- group expander: one queue entry per group -----------------------------------------------------
  // (it takes an instruction only when empty, from a register: the
  // compute engine's dispatch sees no queue state; the bubble between two
  // instructions is hidden behind the 11 cycles a group takes at least)
  logic        ex_valid_q, ex_take, ex_last;
  logic [7:0]  ex_left_q;                      // groups after the current one
  logic        ex_left_zero_q;                 // ex_left_q == 0
  logic [15:0] ex_m1_q, ex_row0_q, ex_row1_q, ex_row2_q, ex_wbuf_q, ex_acc_q, ex_pix_q, ex_gstep_q;
  logic [1:0]  ex_stride_q;
  logic        ex_accum_q, ex_push_prev_q, ex_push_next_q;
  logic [7:0]  groups_in;
  assign groups_in    = insn_i[abacus_isa_pkg::DwconvGroupsLsb +: 8];
  assign insn_ready_o = !ex_valid_q;
  assign ex_take      = ex_valid_q && wq_wready && pq_wready;
  assign ex_last      = ex_left_zero_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ex_valid_q <= 1'b0;
    else if (halt_i) ex_valid_q <= 1'b0;
    else if (insn_valid_i && insn_ready_o) ex_valid_q <= 1'b1;
    else if (ex_take && ex_last) ex_valid_q <= 1'b0;
  end
  always_ff @(posedge clk_i) begin
    if (insn_valid_i && insn_ready_o) begin
      ex_left_q      <= (groups_in == 8'd0) ? 8'd0 : groups_in - 8'd1;
      ex_left_zero_q <= groups_in <= 8'd1;
      ex_m1_q        <= insn_i[abacus_isa_pkg::DwconvMLsb +: 16] - 16'd1;
      ex_stride_q    <= insn_i[abacus_isa_pkg::DwconvStrideLsb +: 2];
      ex_row0_q      <= insn_i[abacus_isa_pkg::DwconvIbufRow0Lsb +: 16];
      ex_row1_q      <= insn_i[abacus_isa_pkg::DwconvIbufRow1Lsb +: 16];
      ex_row2_q      <= insn_i[abacus_isa_pkg::DwconvIbufRow2Lsb +: 16];
      ex_wbuf_q      <= insn_i[abacus_isa_pkg::DwconvWbufRowLsb +: 16];
      ex_acc_q       <= insn_i[abacus_isa_pkg::DwconvAccRowLsb +: 16];
      ex_pix_q       <= insn_i[abacus_isa_pkg::DwconvPixStrideLsb +: 16];
      ex_gstep_q     <= insn_i[abacus_isa_pkg::DwconvAccGstepLsb +: 16];
      ex_accum_q     <= insn_i[abacus_isa_pkg::DwconvAccumulateLsb];
      ex_push_prev_q <= insn_i[abacus_isa_pkg::PushPrevLsb];
      ex_push_next_q <= insn_i[abacus_isa_pkg::PushNextLsb];
    end else if (ex_take) begin  // the next group (fetch checked that the last stays in range)
      ex_left_q      <= ex_left_q - 8'd1;
      ex_left_zero_q <= ex_left_q == 8'd1;
      ex_row0_q      <= ex_row0_q + 16'd1;
      ex_row1_q      <= ex_row1_q + 16'd1;
      ex_row2_q      <= ex_row2_q + 16'd1;
      ex_wbuf_q      <= ex_wbuf_q + 16'd9;
      ex_acc_q       <= ex_acc_q + ex_gstep_q;
    end
  end

  abacus_fifo #(.Width(16), .Depth(4), .OutReg(1'b1)) u_wq (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(halt_i),
    .wvalid_i(ex_take), .wready_o(wq_wready),
    .wdata_i(ex_wbuf_q),
    .rvalid_o(wq_rvalid), .rready_i(wq_rready), .rdata_o(wq_row), .count_o());
  abacus_fifo #(.Width(PqW), .Depth(4), .OutReg(1'b1)) u_pq (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(halt_i),
    .wvalid_i(ex_take), .wready_o(pq_wready),
    .wdata_i({ex_m1_q, ex_stride_q, ex_row0_q, ex_row1_q, ex_row2_q, ex_acc_q, ex_pix_q, ex_accum_q,
              ex_push_prev_q && ex_last, ex_push_next_q}),
    .rvalid_o(pq_rvalid), .rready_i(pq_rready), .rdata_o(pq_rdata), .count_o());

  // ---- weight loader ---------------------------------------------------------------------------------
  // The shadow taps: Empty (the loader may fill them), Full (the taps of
  // the instruction at the issuer's head, the last one possibly still in
  // flight from wbuf), Claimed (its first column is on its way to the swap).
  typedef enum logic [1:0] {ShEmpty, ShFull, ShClaimed} sh_e;
  sh_e        sh_q;
  logic [3:0] wl_tap_q, wl_land_tap_q;
  logic       wl_issue, wl_land_q, swap;
  assign wl_issue   = wq_rvalid && sh_q == ShEmpty && !halt_i;
  assign wb_re_o    = wl_issue;
  assign wb_raddr_o = WbAw'(32'(wq_row) + 32'(wl_tap_q));
  assign wq_rready  = wl_issue && wl_tap_q == 4'd8;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wl_tap_q  <= '0;
      wl_land_q <= 1'b0;
    end else begin
      wl_land_q <= wl_issue;
      if (halt_i) wl_tap_q <= '0;
      else if (wl_issue) wl_tap_q <= (wl_tap_q == 4'd8) ? '0 : wl_tap_q + 4'd1;
    end
  end
  always_ff @(posedge clk_i) begin
    if (wl_issue) wl_land_tap_q <= wl_tap_q;
  end

  // ---- column issuer ---------------------------------------------------------------------------------
  logic [15:0] c_m1, c_row0, c_row1, c_row2, c_acc, c_pix;
  logic [1:0]  c_stride;
  logic        c_accum, c_push_prev, c_push_next;
  assign {c_m1, c_stride, c_row0, c_row1, c_row2, c_acc, c_pix, c_accum, c_push_prev, c_push_next} = pq_rdata;

  logic            started_q;          // the next column is not the instruction's first
  logic [1:0]      warm_q, phase_q;    // columns read (up to 2); columns to the next output
  logic [15:0]     x_q;                // the next output
  // (outputs after the next one, M - 1 - x, and whether there are none,
  // registered: the compare of x with the head's M - 1 sat between the
  // queue head and the queue's own pop, 2893 ps in the whole xcup 32x32
  // run on ef72759, proxy. An output needs two columns of its own
  // instruction first, so whenever an output is due the instruction has
  // started and the flag is current.)
  logic [15:0]     rem_q;
  logic            rem_zero_q;
  // per kernel row k (flat vectors): its quarter, the column's address in it
  logic [3*QAw-1:0] addr_q;            // the next column's addresses (started_q)
  logic [5:0]       quarter;
  logic [3*QAw-1:0] addr;
  logic             issue, out, last;
  assign quarter = {c_row2[IbAw-1 -: 2], c_row1[IbAw-1 -: 2], c_row0[IbAw-1 -: 2]};
  assign addr    = started_q ? addr_q : {c_row2[QAw-1:0], c_row1[QAw-1:0], c_row0[QAw-1:0]};
  assign issue      = pq_rvalid && !halt_i && (started_q || sh_q == ShFull);
  assign out        = warm_q == 2'd2 && phase_q == 2'd0;
  assign last       = out && rem_zero_q;
  assign pq_rready  = issue && last;

  always_comb begin
    for (int unsigned q = 0; q < 4; q++) begin
      ibq_re_o[q]               = 1'b0;
      ibq_raddr_o[q*QAw +: QAw] = addr[2*QAw +: QAw];
      for (int k = 2; k >= 0; k--) begin  // (the quarters are distinct: at most one matches)
        if (32'(quarter[k*2 +: 2]) == q) begin
          ibq_re_o[q]               = issue;
          ibq_raddr_o[q*QAw +: QAw] = addr[k*QAw +: QAw];
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      started_q <= 1'b0;
      warm_q    <= '0;
      phase_q   <= '0;
      x_q       <= '0;
      sh_q      <= ShEmpty;
    end else if (halt_i) begin
      started_q <= 1'b0;
      warm_q    <= '0;
      phase_q   <= '0;
      x_q       <= '0;
      sh_q      <= ShEmpty;
    end else begin
      if (issue) begin
        started_q <= !last;
        warm_q    <= last ? 2'd0 : (warm_q == 2'd2 ? 2'd2 : warm_q + 2'd1);
        phase_q   <= (last || warm_q != 2'd2) ? 2'd0 : (out ? c_stride - 2'd1 : phase_q - 2'd1);
        x_q       <= last ? 16'd0 : x_q + 16'(out);
      end
      unique case (sh_q)
        ShEmpty:   if (wq_rready) sh_q <= ShFull;
        ShFull:    if (issue && !started_q) sh_q <= ShClaimed;
        ShClaimed: if (swap) sh_q <= ShEmpty;
        default:   sh_q <= ShEmpty;
      endcase
    end
  end
  always_ff @(posedge clk_i) begin
    if (issue) begin
      for (int unsigned k = 0; k < 3; k++) addr_q[k*QAw +: QAw] <= addr[k*QAw +: QAw] + QAw'(c_pix);
      if (!started_q) begin  // the first column (no output yet): x = 0
        rem_q      <= c_m1;
        rem_zero_q <= (c_m1 == 16'd0);
      end else if (out) begin
        rem_q      <= rem_q - 16'd1;
        rem_zero_q <= (rem_q == 16'd1);
      end
    end
  end

  // ---- the column on its way out of the RAMs -----------------------------------------------------------
  localparam int unsigned MetaW = AccAw + 2;  // acc row, accumulate, push_next
  logic             r_valid_q, r_first_q, r_out_q;
  logic [5:0]       r_quarter_q;
  logic [MetaW-1:0] r_meta_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) r_valid_q <= 1'b0;
    else r_valid_q <= issue;
  end
  always_ff @(posedge clk_i) begin
    if (issue) begin
      r_first_q   <= !started_q;
      r_out_q     <= out;
      r_quarter_q <= quarter;
      r_meta_q    <= {AccAw'(c_acc + x_q), c_accum, last && c_push_next};
    end
  end
  logic [DataWidth-1:0] row_data [3];
  always_comb begin
    for (int unsigned k = 0; k < 3; k++) row_data[k] = ibq_rdata_i[32'(r_quarter_q[k*2 +: 2])*DataWidth +: DataWidth];
  end
  assign swap = r_valid_q && r_first_q;

  logic             m_valid, m_busy;
  logic [MetaW-1:0] m_meta;
  logic             m_push_next;
  abacus_dw_mac #(.Lanes(Lanes), .MetaW(MetaW)) u_mac (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .clear_i    (halt_i),
    .w_we_i     (wl_land_q),
    .w_tap_i    (wl_land_tap_q),
    .w_data_i   (wb_rdata_i),
    .swap_i     (r_first_q),
    .col_valid_i(r_valid_q && !halt_i),
    .col_out_i  (r_out_q),
    .col_meta_i (r_meta_q),
    .row0_i     (row_data[0]),
    .row1_i     (row_data[1]),
    .row2_i     (row_data[2]),
    .out_valid_o(m_valid),
    .out_meta_o (m_meta),
    .out_data_o (acc_data_o),
    .busy_o     (m_busy)
  );
  assign {acc_addr_o, acc_accum_o, m_push_next} = m_meta;
  assign acc_valid_o = m_valid && !halt_i;
  assign out_o       = acc_valid_o;
  assign fire_o      = issue;

  // the accumulator writes a row two cycles after it takes it: PUSH_NEXT
  // then (a halt drops it on the way); PUSH_PREV a cycle after the last
  // column's read (registered: the issue decision, a compare of the output
  // count with M - 1, stays out of the token counters and what they feed)
  logic c2s_wait_q, c2s_q, c2l_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      c2s_wait_q <= 1'b0;
      c2s_q      <= 1'b0;
      c2l_q      <= 1'b0;
    end else begin
      c2s_wait_q <= acc_valid_o && m_push_next;
      c2s_q      <= c2s_wait_q && !halt_i;
      c2l_q      <= issue && last && c_push_prev;
    end
  end
  assign tok_c2s_push_o = c2s_q && !halt_i;
  assign tok_c2l_push_o = c2l_q && !halt_i;

  assign busy_o = !halt_i && (ex_valid_q || wq_rvalid || pq_rvalid || r_valid_q || m_busy || c2s_wait_q || c2s_q || c2l_q);

  logic unused;  // the rows' bits above ibuf, the pixel stride's above a quarter
  assign unused = ^{c_row0, c_row1, c_row2, c_pix};

  `ABACUS_ASSERT(DwGroupsLeftZeroFlag, !ex_valid_q || ex_left_zero_q == (ex_left_q == 8'd0))
  `ABACUS_ASSERT(DwRemainingExact, !started_q || (rem_zero_q == (x_q == c_m1) && rem_q == c_m1 - x_q))
  `ABACUS_ASSERT(DwStrideNonZero, !pq_rvalid || c_stride != 2'd0)
  `ABACUS_ASSERT(DwQuartersDistinct, !pq_rvalid || (quarter[1:0] != quarter[3:2] &&
                                                    quarter[1:0] != quarter[5:4] &&
                                                    quarter[3:2] != quarter[5:4]))
  `ABACUS_ASSERT(DwShadowBeforeSwap, !swap || sh_q == ShClaimed)
endmodule
