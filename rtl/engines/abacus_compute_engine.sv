`include "abacus_assert.svh"
// Compute engine: executes GEMM instructions on the core, and hands
// DWCONV instructions to the depthwise engine (abacus_dw_engine).
//
// The two share the buffers' read ports and the accumulator, so they take
// turns: an instruction of the other kind is dispatched only when
// everything of the kind before has reached the accumulator (the array's
// rows in flight included). A layer's instructions are all of one kind.
//
// Dispatch takes the instruction at the head of the queue once its tokens
// are there (POP_PREV: load->compute, POP_NEXT: store->compute), and hands
// it to two feeders that run independently:
//   weight feeder      reads the Rows weight rows (wbuf_row..+Rows-1) into
//                      the core's weight stream, running ahead so the next
//                      tile's weights load while the current one streams;
//   activation feeder  reads M activation rows (ibuf_row + i*ibuf_stride)
//                      into the core's activation stream with their
//                      accumulator rows (acc_row + i) and ACCUMULATE.
// Both read through a small buffer so a stalled stream never loses a row.
// PUSH_PREV (compute->load: the buffers are free) is given when the core
// takes the last activation row (its weights were taken before it);
// PUSH_NEXT (compute->store) ComputeLatency cycles later, when that row's
// result is in the accumulator.
module abacus_compute_engine #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned Rows = 16,
  parameter int unsigned IbufRows = 4096,
  parameter int unsigned WbufRows = 2048,
  parameter int unsigned AccRows = 512,
  parameter int unsigned ComputeLatency = 33,
  localparam int unsigned IbAw = $clog2(IbufRows),
  localparam int unsigned WbAw = $clog2(WbufRows),
  localparam int unsigned AccAw = $clog2(AccRows)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 halt_i,
  input  logic                 insn_valid_i,
  output logic                 insn_ready_o,
  input  logic [255:0]         insn_i,
  input  logic                 tok_l2c_avail_i,
  output logic                 tok_l2c_pop_o,
  input  logic                 tok_s2c_avail_i,
  output logic                 tok_s2c_pop_o,
  output logic                 tok_c2l_push_o,
  output logic                 tok_c2s_push_o,
  // the depthwise engine
  output logic                 dw_valid_o,   // a DWCONV is dispatched to it
  input  logic                 dw_ready_i,
  input  logic                 dw_busy_i,
  input  logic                 core_busy_i,  // the array's rows on their way to the accumulator
  // buffers
  output logic                 ib_re_o,
  output logic [IbAw-1:0]      ib_raddr_o,
  input  logic [DataWidth-1:0] ib_rdata_i,
  output logic                 wb_re_o,
  output logic [WbAw-1:0]      wb_raddr_o,
  input  logic [DataWidth-1:0] wb_rdata_i,
  // core streams
  output logic                 w_valid_o,
  input  logic                 w_ready_i,
  output logic [DataWidth-1:0] w_data_o,
  output logic                 a_valid_o,
  input  logic                 a_ready_i,
  output logic [DataWidth-1:0] a_data_o,
  output logic                 a_last_o,
  output logic [AccAw-1:0]     a_acc_addr_o,
  output logic                 a_accum_o,
  // status
  output logic                 busy_o,    // anything queued, feeding or in flight
  output logic                 stall_o,   // the head instruction waits for a token
  output logic                 fire_o     // an activation row entered the array
);
  // ---- dispatch ------------------------------------------------------------------
  logic pop_prev, pop_next, tokens_ok, wq_wready, aq_wready, dispatch, is_dw, room, gemm_idle;
  logic mode_dw_q;  // the last instruction dispatched was a DWCONV
  assign pop_prev  = insn_i[abacus_isa_pkg::PopPrevLsb];
  assign pop_next  = insn_i[abacus_isa_pkg::PopNextLsb];
  assign is_dw     = insn_i[abacus_isa_pkg::OpcodeLsb +: 4] == abacus_isa_pkg::OpDwconv;
  assign tokens_ok = (!pop_prev || tok_l2c_avail_i) && (!pop_next || tok_s2c_avail_i);
  // (the idle flags a cycle late, registered: a dispatch in the cycle
  // before counts as busy; this keeps the long AND of the GEMM side's
  // state out of the dispatch path)
  logic gemm_idle_q, dw_idle_q;
  assign room      = is_dw ? dw_ready_i && (mode_dw_q || gemm_idle_q)
                           : wq_wready && aq_wready && (!mode_dw_q || dw_idle_q);
  assign dispatch  = insn_valid_i && !halt_i && tokens_ok && room;
  assign dw_valid_o = dispatch && is_dw;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mode_dw_q   <= 1'b0;
      gemm_idle_q <= 1'b0;
      dw_idle_q   <= 1'b0;
    end else begin
      if (dispatch) mode_dw_q <= is_dw;
      gemm_idle_q <= gemm_idle && !(dispatch && !is_dw);
      dw_idle_q   <= !dw_busy_i && !(dispatch && is_dw);
    end
  end
  // halted: queued instructions are dropped
  assign insn_ready_o  = dispatch || halt_i;
  assign tok_l2c_pop_o = dispatch && pop_prev;
  assign tok_s2c_pop_o = dispatch && pop_next;
  // starved: nothing left to stream while the next instruction waits for a token
  assign stall_o       = insn_valid_i && !halt_i && !tokens_ok && !aq_rvalid && !a_valid_o && !dw_busy_i;

  // weight queue entry: wbuf row; activation queue entry: the rest (both
  // heads from registers, OutReg: dispatch and the row counter work from
  // them; through the LUT-RAM read the activation queue's head into its
  // own pop was 3543 ps by the proxy, the CI's xc7 4x4 run on 3d63946)
  localparam int unsigned AqW = 16 * 4 + 3 + 2;  // (M - 1 in place of M; M == 1, M == 2)
  logic          wq_rvalid, wq_rready, aq_rvalid, aq_rready;
  logic [15:0]   wq_row;
  logic [AqW-1:0] aq_rdata;
  abacus_fifo #(.Width(16), .Depth(4), .OutReg(1'b1)) u_wq (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (halt_i),
    .wvalid_i(dispatch && !is_dw),
    .wready_o(wq_wready),
    .wdata_i (insn_i[abacus_isa_pkg::GemmWbufRowLsb +: 16]),
    .rvalid_o(wq_rvalid),
    .rready_i(wq_rready),
    .rdata_o (wq_row),
    .count_o ()
  );
  abacus_fifo #(.Width(AqW), .Depth(4), .OutReg(1'b1)) u_aq (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (halt_i),
    .wvalid_i(dispatch && !is_dw),
    .wready_o(aq_wready),
    .wdata_i ({insn_i[abacus_isa_pkg::GemmMLsb +: 16] - 16'd1, insn_i[abacus_isa_pkg::GemmIbufRowLsb +: 16],
               insn_i[abacus_isa_pkg::GemmIbufStrideLsb +: 16], insn_i[abacus_isa_pkg::GemmAccRowLsb +: 16],
               insn_i[abacus_isa_pkg::GemmAccumulateLsb], insn_i[abacus_isa_pkg::PushPrevLsb],
               insn_i[abacus_isa_pkg::PushNextLsb],
               insn_i[abacus_isa_pkg::GemmMLsb +: 16] == 16'd1, insn_i[abacus_isa_pkg::GemmMLsb +: 16] == 16'd2}),
    .rvalid_o(aq_rvalid),
    .rready_i(aq_rready),
    .rdata_o (aq_rdata),
    .count_o ()
  );

  // ---- weight feeder ------------------------------------------------------------------
  localparam int unsigned SkidDepth = 4;
  logic [$clog2(Rows+1)-1:0] wr_q;
  logic       w_inflight_q;
  logic [2:0] wskid_count;
  logic       w_issue;
  // (room: the skid buffer's entries plus the read in flight below
  // SkidDepth - 1, as compares with constants, no adder in front of the issue)
  assign w_issue    = wq_rvalid && !halt_i &&
                      ((32'(wskid_count) < SkidDepth - 2) ||
                       (32'(wskid_count) == SkidDepth - 2 && !w_inflight_q));
  assign wb_re_o    = w_issue;
  assign wb_raddr_o = WbAw'(32'(wq_row) + 32'(wr_q));
  assign wq_rready  = w_issue && (32'(wr_q) == Rows - 1);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_q         <= '0;
      w_inflight_q <= 1'b0;
    end else begin
      w_inflight_q <= w_issue;
      if (halt_i) wr_q <= '0;
      else if (w_issue) wr_q <= (32'(wr_q) == Rows - 1) ? '0 : wr_q + 1'b1;
    end
  end
  // the issue check counts the room (rows in flight included): never written full
  abacus_fifo #(.Width(DataWidth), .Depth(SkidDepth), .NoOverflow(1'b1)) u_wskid (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (halt_i),
    .wvalid_i(w_inflight_q),
    .wready_o(),
    .wdata_i (wb_rdata_i),
    .rvalid_o(w_valid_o),
    .rready_i(w_ready_i),
    .rdata_o (w_data_o),
    .count_o (wskid_count)
  );

  // ---- activation feeder ----------------------------------------------------------------
  logic [15:0] a_m1, a_ibuf, a_stride, a_acc;  // a_m1 = M - 1 (M >= 1, checked by fetch)
  logic        a_accum, a_push_prev, a_push_next, a_m1_is0, a_m1_is1;
  assign {a_m1, a_ibuf, a_stride, a_acc, a_accum, a_push_prev, a_push_next, a_m1_is0, a_m1_is1} = aq_rdata;
  // The last row without a compare: rem_q = M - 1 - ar_q counts down, and
  // last_q = (rem_q == 0) is registered beside it; on an instruction's
  // first row both come from flags worked out before the queue. (ar_q ==
  // a_m1 into the queue's pop and its output register was 2688 ps in the
  // xcup 16x16 proxy run on 800ac44, issue 13's target 2.5 ns.)
  logic [15:0] rem_q;
  logic        last_q;
  logic [15:0] ar_q;
  logic        ar_zero_q;     // ar_q == 0, kept beside it (no compare before the address add)
  logic [31:0] ib_addr_q;     // ibuf row of row ar_q
  logic        a_inflight_q;
  logic [2:0]  askid_count;
  logic        a_issue, a_last_row;
  // metadata of the row being read: last, acc row, accumulate, pushes
  localparam int unsigned MetaW = 1 + AccAw + 1 + 2;
  logic [MetaW-1:0] meta_q, skid_meta;
  assign a_last_row = ar_zero_q ? a_m1_is0 : last_q;
  assign a_issue    = aq_rvalid && !halt_i &&
                      ((32'(askid_count) < SkidDepth - 2) ||
                       (32'(askid_count) == SkidDepth - 2 && !a_inflight_q));
  assign ib_re_o    = a_issue;
  assign ib_raddr_o = IbAw'(ar_zero_q ? 32'(a_ibuf) : ib_addr_q);
  assign aq_rready  = a_issue && a_last_row;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ar_q         <= '0;
      ar_zero_q    <= 1'b1;
      a_inflight_q <= 1'b0;
    end else begin
      a_inflight_q <= a_issue;
      if (halt_i) begin
        ar_q      <= '0;
        ar_zero_q <= 1'b1;
      end else if (a_issue) begin
        ar_q      <= a_last_row ? '0 : ar_q + 16'd1;
        ar_zero_q <= a_last_row;
      end
    end
  end
  always_ff @(posedge clk_i) begin
    if (a_issue) begin
      rem_q  <= (ar_zero_q ? a_m1 : rem_q) - 16'd1;
      last_q <= ar_zero_q ? a_m1_is1 : rem_q == 16'd1;
    end
  end
  always_ff @(posedge clk_i) begin
    if (a_issue) begin
      ib_addr_q <= 32'(ib_raddr_o) + 32'(a_stride);
      meta_q    <= {a_last_row, AccAw'(a_acc + ar_q), a_accum,
                    a_last_row && a_push_prev, a_last_row && a_push_next};
    end
  end
  logic a_push_prev_tok, a_push_next_tok;
  // The rows in two FIFOs moving in step: the words in flip-flops (ibuf's
  // block RAM read through the quarter multiplexer into LUT-RAM's data
  // setup was 3653 ps in the whole xc7 32x32 run on 91d668f, proxy;
  // docs/fpga.md), the metadata in LUT-RAM, whose read is quicker than
  // the flip-flops' read multiplexer in front of the core's tile logic
  // (4321 ps in the CI's 4x4 run with both in flip-flops).
  logic [$clog2(SkidDepth + 1)-1:0] ameta_count;
  abacus_fifo #(.Width(DataWidth), .Depth(SkidDepth), .NoOverflow(1'b1), .FlopMem(1'b1)) u_askid (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (halt_i),
    .wvalid_i(a_inflight_q),
    .wready_o(),
    .wdata_i (ib_rdata_i),
    .rvalid_o(a_valid_o),
    .rready_i(a_ready_i),
    .rdata_o (a_data_o),
    .count_o (askid_count)
  );
  abacus_fifo #(.Width(MetaW), .Depth(SkidDepth), .NoOverflow(1'b1)) u_ameta (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (halt_i),
    .wvalid_i(a_inflight_q),
    .wready_o(),
    .wdata_i (meta_q),
    .rvalid_o(),
    .rready_i(a_ready_i),
    .rdata_o (skid_meta),
    .count_o (ameta_count)
  );
  `ABACUS_ASSERT(SkidMetaInStep, ameta_count == askid_count)
  assign {a_last_o, a_acc_addr_o, a_accum_o, a_push_prev_tok, a_push_next_tok} = skid_meta;

  logic a_fire;
  assign a_fire         = a_valid_o && a_ready_i;
  assign fire_o         = a_fire;
  assign tok_c2l_push_o = a_fire && a_push_prev_tok;
  // The row's result reaches the accumulator ComputeLatency cycles after it
  // fires. A halt drops the tokens still on their way: the halted program's
  // tokens are cleared with it, and one leaving the line after that clear
  // would hand the next program's store engine results that are not there
  // (found by ResetAnyCycle.SoftReset: a SOFT_RESET during a GEMM).
  logic [ComputeLatency-1:0] c2s_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) c2s_q <= '0;
    else if (halt_i) c2s_q <= '0;
    else c2s_q <= {c2s_q[ComputeLatency-2:0], a_fire && a_push_next_tok};
  end
  assign tok_c2s_push_o = c2s_q[ComputeLatency-1] && !halt_i;

  // everything of the GEMMs dispatched so far is in the accumulator
  assign gemm_idle = !wq_rvalid && !aq_rvalid && !w_inflight_q && !a_inflight_q && !w_valid_o &&
                     !a_valid_o && !core_busy_i && c2s_q == '0;

  // Halted, the engine has nothing to finish: it makes no bus traffic, and
  // the next START resets the core.
  assign busy_o = !halt_i && (insn_valid_i || wq_rvalid || aq_rvalid || w_inflight_q || a_inflight_q ||
                              w_valid_o || a_valid_o || dw_busy_i);

  // Invariants: the weight and activation rows offered to the core stay
  // offered, unchanged, until taken (or halt clears them); the skid buffers
  // are never written full (NoOverflow above); ar_zero_q is ar_q == 0.
`ifndef SYNTHESIS
  abacus_axi_hold_check #(.PayloadBits(DataWidth)) u_w_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(w_valid_o), .ready_i(w_ready_i), .abort_i(halt_i),
    .payload_i(w_data_o));
  abacus_axi_hold_check #(.PayloadBits(DataWidth + MetaW)) u_a_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(a_valid_o), .ready_i(a_ready_i), .abort_i(halt_i),
    .payload_i({a_data_o, skid_meta}));
`endif
  `ABACUS_ASSERT(ComputeRowZeroFlag, ar_zero_q == (ar_q == 16'd0))
  `ABACUS_ASSERT(ComputeLastRowExact, !aq_rvalid || a_last_row == (ar_q == a_m1))
endmodule
