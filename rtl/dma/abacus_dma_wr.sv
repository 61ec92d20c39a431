`include "abacus_assert.svh"
// DMA store engine: scratchpad -> DRAM.
//
// Issue: each DATA operation becomes one AXI write burst (aligned start, one
// ID); at most MaxWrites bursts are outstanding. An operation enters the
// data generator's queue when its AW is issued, so W data is only ever sent
// for bursts whose address is (or is being) sent.
// Data: the generator reads scratchpad words in order (one extra word at the
// start of each row whose scratchpad and DRAM offsets differ), registers
// each word as it arrives, then joins it with the one before and shifts by
// the row's offset, and queues the beat with strobes covering exactly the
// descriptor's bytes; a row whose offsets agree (the usual output row)
// takes each word as it is, one read a beat. Reads are issued only while
// the W buffer has room for them and the beats in the two stages.
// (The word is registered before the shift: the scratchpad's read is a
// block RAM without its output register, and its output through the shift
// into the W buffer's LUT-RAM was the longest path of the whole xc7 32x32
// run on 011fc49, 4926 ps by the proxy.)
// Errors: the first non-OKAY write response is latched with its burst's
// address; no AW is issued after it, but every burst already issued gets
// its data and its response before busy_o falls.
module abacus_dma_wr #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned SpAddrWidth = 16,
  parameter int unsigned MaxWrites = 8,
  parameter int unsigned IdWidth = 4,
  localparam int unsigned DataBytes = DataWidth / 8,
  localparam int unsigned OffWidth = $clog2(DataBytes),
  localparam int unsigned SpWordWidth = SpAddrWidth - OffWidth
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   clear_i,
  // operations from the splitter (DATA only)
  input  logic                   op_valid_i,
  output logic                   op_ready_o,
  input  logic [63:0]            op_addr_i,
  input  logic [7:0]             op_len_i,
  input  logic                   op_len0_i,    // op_len_i == 0 (from the splitter's compares)
  input  logic [OffWidth-1:0]    op_lo_i,
  input  logic [OffWidth:0]      op_hi_i,
  input  logic [SpAddrWidth-1:0] op_delta_i,
  input  logic                   op_aligned_i,  // op_delta_i's offset within a bus word is 0
  input  logic                   op_row_first_i,
  input  logic                   op_last_i,
  // AXI4 write address, data, response
  output logic                   aw_valid_o,
  input  logic                   aw_ready_i,
  output logic [63:0]            aw_addr_o,
  output logic [7:0]             aw_len_o,
  output logic [IdWidth-1:0]     aw_id_o,
  output logic                   w_valid_o,
  input  logic                   w_ready_i,
  output logic [DataWidth-1:0]   w_data_o,
  output logic [DataBytes-1:0]   w_strb_o,
  output logic                   w_last_o,
  input  logic                   b_valid_i,
  output logic                   b_ready_o,
  input  logic [1:0]             b_resp_i,
  // scratchpad read port (data one cycle after sp_re_o)
  output logic                   sp_re_o,
  output logic [SpWordWidth-1:0] sp_raddr_o,
  input  logic [DataWidth-1:0]   sp_rdata_i,
  // status
  output logic                   busy_o,
  output logic                   desc_done_o,  // every burst of a descriptor answered
  output logic                   err_o,
  output logic [1:0]             err_resp_o,
  output logic [63:0]            err_addr_o
);
  localparam int unsigned OutWidth = $clog2(MaxWrites + 1);
  localparam int unsigned QDepth = (MaxWrites > 8) ? 2 ** $clog2(2 * MaxWrites) : 16;
  localparam int unsigned WDepth = 4;

  // ---- issue --------------------------------------------------------------------
  logic                err_q;
  logic                aw_valid_q;
  logic [63:0]         aw_addr_q;
  logic [7:0]          aw_len_q;
  logic [OutWidth-1:0] outstanding_q;
  logic                aw_free, slot_free, issue, q_wready, a_wready, b_fire;

  assign aw_free    = !aw_valid_q || aw_ready_i;
  // (the count with "a slot is free" registered beside it: no compare in
  // front of the issue)
  logic none_out;  // nothing in flight (registered beside the count)
  abacus_inflight #(.Max(MaxWrites)) u_inflight (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .up_i   (issue),
    .down_i (b_fire),
    .count_o(outstanding_q),
    .free_o (slot_free),
    .none_o (none_out)
  );
  // an error response stops issue in the cycle it is taken
  assign op_ready_o = !err_q && !(b_valid_i && b_resp_i != abacus_pkg::AxiRespOkay) &&
                      aw_free && slot_free && q_wready && a_wready;
  assign issue      = op_valid_i && op_ready_o;
  assign b_ready_o  = 1'b1;
  assign b_fire     = b_valid_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      aw_valid_q    <= 1'b0;
    end else begin
      if (issue) aw_valid_q <= 1'b1;
      else if (aw_ready_i) aw_valid_q <= 1'b0;
    end
  end
  always_ff @(posedge clk_i) begin
    if (issue) begin
      aw_addr_q <= {op_addr_i[63:OffWidth], {OffWidth{1'b0}}};
      aw_len_q  <= op_len_i;
    end
  end
  assign aw_valid_o = aw_valid_q;
  assign aw_addr_o  = aw_addr_q;
  assign aw_len_o   = aw_len_q;
  assign aw_id_o    = '0;

  // Burst start addresses, in issue order, for error reports (one ID: B
  // responses come back in the same order).
  logic        a_rvalid, a_last;
  logic [63:0] a_head;
  abacus_fifo #(.Width(65), .Depth(QDepth)) u_addrq (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (1'b0),
    .wvalid_i(issue),
    .wready_o(a_wready),
    .wdata_i ({op_last_i, op_addr_i}),
    .rvalid_o(a_rvalid),
    .rready_i(b_fire),
    .rdata_o ({a_last, a_head}),
    .count_o ()
  );

  // ---- data generator queue --------------------------------------------------------
  // (each operation's first scratchpad word, and the word its first beat
  // reads, worked out here: the reads below only add the beat index)
  localparam int unsigned OpWidth = 2 * SpWordWidth + 8 + 1 + 2 * DataBytes + OffWidth + 1 + 1;
  logic [SpWordWidth-1:0] op_word, op_word1;
  logic                   op_aligned;  // the row's scratchpad and DRAM offsets agree: no pre-read
  // the strobes of a first beat (from lo up) and of a last beat (below hi);
  // a beat's are the AND of those that apply
  logic [DataBytes-1:0]   op_strb_lo, op_strb_hi;
  always_comb begin
    for (int unsigned i = 0; i < DataBytes; i++) begin
      op_strb_lo[i] = OffWidth'(i) >= op_lo_i;
      op_strb_hi[i] = (OffWidth+1)'(i) < op_hi_i;
    end
  end
  // (the word after it as one add with the carry in, not a second add
  // behind the first: both were on the xcup 32x32 run's h_word1 paths,
  // 2748 ps on 47a2ba8)
  /* verilator lint_off UNUSEDSIGNAL */  // bit 0: the carry in's own sum bit
  logic [SpWordWidth:0] op_word1_x;
  /* verilator lint_on UNUSEDSIGNAL */
  assign op_word    = SpWordWidth'(op_addr_i[63:OffWidth]) + op_delta_i[SpAddrWidth-1:OffWidth];
  // (from a register: as the compare of the delta's low bits, its LUT was
  // in front of op_word1's carry in, 2605 ps in the store DMA alone)
  assign op_aligned = op_aligned_i;
  `ABACUS_ASSERT(WrAlignedFlag, !op_valid_i || op_aligned_i == (op_delta_i[OffWidth-1:0] == '0))
  assign op_word1_x = {SpWordWidth'(op_addr_i[63:OffWidth]), 1'b1} +
                      {op_delta_i[SpAddrWidth-1:OffWidth], !op_aligned};
  assign op_word1   = op_word1_x[SpWordWidth:1];
  logic               q_rvalid, q_rready;
  logic [OpWidth-1:0] q_rdata;
  // (the head from a register: the read address below is worked out from
  // it, and through the storage's read pointer it was the e866eca 32x32
  // run's second longest path, 3178 ps)
  abacus_fifo #(.Width(OpWidth), .Depth(QDepth), .OutReg(1'b1)) u_opq (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (1'b0),
    .wvalid_i(issue),
    .wready_o(q_wready),
    .wdata_i ({op_word, op_word1, op_len_i, op_len0_i, op_strb_lo, op_strb_hi,
               op_delta_i[OffWidth-1:0], op_row_first_i, !op_aligned}),
    .rvalid_o(q_rvalid),
    .rready_i(q_rready),
    .rdata_o (q_rdata),
    .count_o ()
  );
  logic [SpWordWidth-1:0] h_word, h_word1;  // the first scratchpad word, and the first beat's
  logic [7:0]             h_len;
  logic                   h_len0;     // h_len == 0: one beat
  logic [DataBytes-1:0]   h_strb_lo, h_strb_hi;
  logic [OffWidth-1:0]    h_sh;       // the byte shift from scratchpad word to bus word
  logic                   h_row_first;
  logic                   h_unaligned;  // h_sh != 0
  assign {h_word, h_word1, h_len, h_len0, h_strb_lo, h_strb_hi, h_sh, h_row_first, h_unaligned} = q_rdata;

  // ---- scratchpad reads (stage 0) ------------------------------------------------------
  logic                   pre_done_q;  // the row's first word has been read
  logic [7:0]             beat;
  logic                   beat_first;  // beat == 0
  logic                   last_beat;
  logic                   need_pre, rd_pre, rd_beat, room;
  // The W buffer's slots taken by beats read and not yet sent on W (in
  // stages 1 and 2 or in the buffer), counted by abacus_inflight: a beat
  // read takes one, a beat sent gives one back, and "one is free" is a
  // register stepped beside the count (as compares of the buffer's count
  // and the stages' flags, in front of the read and the operation queue's
  // pop, it was 2706 ps into the queue's head in the xcup 32x32 run on
  // 47a2ba8, proxy). The same cycles: it is exactly the room.
  logic                         w_pop, wslot_free;
  logic [$clog2(WDepth+1)-1:0]  wslots;
  assign w_pop = w_valid_o && w_ready_i;
  abacus_inflight #(.Max(WDepth)) u_wslots (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .up_i   (rd_beat),
    .down_i (w_pop),
    .count_o(wslots),
    .free_o (wslot_free),
    .none_o ()
  );
  logic [2:0]             wcount;
  logic                   s1_valid_q, s1_beat_q, s1_last_q, s1_aligned_q;
  logic [OffWidth-1:0]    s1_sh_q;
  logic [DataBytes-1:0]   s1_strb_q, strb;
  logic                   s2_valid_q, s2_beat_q, s2_last_q, s2_aligned_q;
  logic [OffWidth-1:0]    s2_sh_q;
  logic [DataBytes-1:0]   s2_strb_q;
  logic                   s1_b, s2_b;  // a beat in stage 1, in stage 2

  always_comb begin
    need_pre = h_row_first && beat_first && !pre_done_q && h_unaligned;
    s1_b     = s1_valid_q && s1_beat_q;
    s2_b     = s2_valid_q && s2_beat_q;
    // W buffer entries plus the beats in stages 1 and 2 plus this one must
    // stay within its depth: a credit is free (below)
    room     = wslot_free;
    rd_pre   = q_rvalid && need_pre;
    rd_beat  = q_rvalid && !need_pre && room;
    q_rready = rd_beat && last_beat;
    strb     = (beat_first ? h_strb_lo : '1) & (last_beat ? h_strb_hi : '1);
  end
  abacus_beat_pos u_beat (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .step_i (rd_beat),
    .len_i  (h_len),
    .len0_i (h_len0),
    .beat_o (beat),
    .first_o(beat_first),
    .last_o (last_beat)
  );
  assign sp_re_o    = rd_pre || rd_beat;
  // the pre-read fetches the row's first word, each beat the word after it
  // (an aligned row: each beat its own word)
  assign sp_raddr_o = (rd_pre ? h_word : h_word1) + SpWordWidth'(beat);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pre_done_q <= 1'b0;
      s1_valid_q <= 1'b0;
      s2_valid_q <= 1'b0;
    end else begin
      s1_valid_q <= rd_pre || rd_beat;
      s2_valid_q <= s1_valid_q;
      if (rd_pre) pre_done_q <= 1'b1;
      if (rd_beat) begin
        if (last_beat) pre_done_q <= 1'b0;
      end
    end
  end
  always_ff @(posedge clk_i) begin
    s1_beat_q <= rd_beat;
    s1_last_q <= last_beat;
    s1_sh_q   <= h_sh;
    s1_aligned_q <= h_sh == '0;
    s1_strb_q <= strb;
  end

  // ---- stage 1: the word read, registered ------------------------------------------
  logic [DataWidth-1:0] word_q;
  always_ff @(posedge clk_i) begin
    if (s1_valid_q) word_q <= sp_rdata_i;
    s2_beat_q    <= s1_beat_q;
    s2_last_q    <= s1_last_q;
    s2_sh_q      <= s1_sh_q;
    s2_aligned_q <= s1_aligned_q;
    s2_strb_q    <= s1_strb_q;
  end

  // ---- stage 2: join with the previous word, queue the beat -------------------------
  logic [DataWidth-1:0]   prev_q;
  logic [2*DataWidth-1:0] joined;
  logic                   wb_push;
  always_comb begin
    joined  = {word_q, prev_q} >> (32'(s2_sh_q) * 8);
    wb_push = s2_b;
  end
  always_ff @(posedge clk_i) begin
    if (s2_valid_q) prev_q <= word_q;
  end

  logic wb_wready;
  abacus_fifo #(.Width(DataWidth + DataBytes + 1), .Depth(WDepth)) u_wbuf (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (1'b0),
    .wvalid_i(wb_push),
    .wready_o(wb_wready),
    .wdata_i ({s2_aligned_q ? word_q : joined[DataWidth-1:0], s2_strb_q, s2_last_q}),
    .rvalid_o(w_valid_o),
    .rready_i(w_ready_i),
    .rdata_o ({w_data_o, w_strb_o, w_last_o}),
    .count_o (wcount)
  );

  // ---- responses ------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      err_q <= 1'b0;
    end else begin
      if (b_fire && b_resp_i != abacus_pkg::AxiRespOkay) err_q <= 1'b1;
      if (clear_i && !busy_o) err_q <= 1'b0;
    end
  end
  always_ff @(posedge clk_i) begin
    if (b_fire && b_resp_i != abacus_pkg::AxiRespOkay && !err_q) begin
      err_resp_o <= b_resp_i;
      err_addr_o <= a_head;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) desc_done_o <= 1'b0;
    else desc_done_o <= b_fire && a_last && b_resp_i == abacus_pkg::AxiRespOkay && !err_q;
  end
  assign busy_o = aw_valid_q || q_rvalid || s1_valid_q || s2_valid_q || w_valid_o || !none_out || desc_done_o;
  assign err_o  = err_q;

  logic unused;
  // the W buffer has room by construction (reads wait for it); the low
  // address bits are in the first beat's strobes
  assign unused = ^{wb_wready, a_rvalid, joined[2*DataWidth-1:DataWidth]};

  // Invariants the write path relies on: the splitter's one-beat flag and
  // the one-add word agree with their plain forms; at most MaxWrites bursts in
  // flight; B responses only for bursts in flight; an offered AW stays
  // offered, unchanged, until taken (AXI).
  `ABACUS_ASSERT(WrSlots, 32'(wslots) == 32'(wcount) + 32'(s1_b) + 32'(s2_b))
  `ABACUS_ASSERT(WrOpLen0, !op_valid_i || op_len0_i == (op_len_i == 8'd0))
  `ABACUS_ASSERT(WrOpWord1, op_word1 == op_word + (op_aligned ? SpWordWidth'(0) : SpWordWidth'(1)))
  `ABACUS_ASSERT(WrOutstandingBounded, outstanding_q <= OutWidth'(MaxWrites))
  `ABACUS_ASSERT(WrResponseOnlyInFlight, !(b_valid_i && b_ready_o) || outstanding_q != '0)
`ifndef SYNTHESIS
  abacus_axi_hold_check #(.PayloadBits(72)) u_aw_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(aw_valid_q), .ready_i(aw_ready_i), .abort_i(1'b0),
    .payload_i({aw_addr_o, aw_len_o}));
`endif
endmodule
