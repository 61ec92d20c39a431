`include "abacus_desc.svh"
`include "abacus_assert.svh"
// Store engine: executes STORE instructions in order.
//   1. POP_PREV: wait for and take a compute->store token (results are in).
//   2. Load the parameter slot (bias, multiplier, shift for Cols channels)
//      from the parameter buffer into the core, one vector at a time.
//   3. Drain M accumulator rows through post-processing into the output
//      buffer (rows 0..M-1), with the instruction's zero point and clamp.
//   4. PUSH_PREV: give a store->compute token (the accumulator rows are free).
//   5. Hand the store DMA a descriptor for the output buffer rows (N_BYTES
//      of each row to DRAM, STRIDE apart), and take the next STORE.
// TO_IBUF (ISA 1.5) replaces 3 to 5: row i goes to ibuf word DRAM_ADDR +
// i x STRIDE (wrapping inside DRAM_ADDR's quarter), bytes 0 .. N_BYTES - 1
// of it, through a write FIFO that the load DMA's writes into the same
// quarter hold back (they have the port first); reads from the
// accumulator are issued only against room in the FIFO (credits), so the
// drain never stalls the post-processing pipeline. PUSH_PREV's token is
// given once the last row is in ibuf, so a compute instruction that takes
// it reads the rows written.
// The output buffer is used in quarters: a STORE of at most ObufRows/4 rows
// drains into the quarter after the previous STORE's, one of at most
// ObufRows/2 rows into the next half (quarters 0-1 or 2-3) at or after it,
// one of more rows into the whole buffer. A STORE drains only once no
// descriptor still outstanding at the DMA reads the rows it writes, so a
// STORE drains while the DMA writes the ones before it (the DMA takes a
// descriptor while the previous one's writes are in flight), and short
// STOREs keep up to four descriptors' response latencies overlapped. The
// outstanding descriptors (at most four: their rows are disjoint) are kept
// in order with their instruction
// index and byte count: the DMA completes them in order, and a failure is
// reported with the index of the STORE it belongs to (after a bus error
// the DMA reports once, for the oldest descriptor not completed, and
// nothing for the later ones).
module abacus_store_engine #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned Cols = 16,
  parameter int unsigned AccRows = 512,
  parameter int unsigned ObufRows = 256,
  parameter int unsigned PbufWords = 768,
  parameter int unsigned IbufRows = 16384,
  localparam int unsigned IbAw = $clog2(IbufRows),
  localparam int unsigned VecWords = Cols * 32 / DataWidth,
  localparam int unsigned AccAddrWidth = $clog2(AccRows),
  localparam int unsigned ObufAddrWidth = $clog2(ObufRows),
  localparam int unsigned PbufAddrWidth = $clog2(PbufWords)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     halt_i,
  input  logic                     insn_valid_i,
  output logic                     insn_ready_o,
  input  logic [255:0]             insn_i,
  input  logic                     tok_avail_i,  // compute->store count > 0
  output logic                     tok_pop_o,
  output logic                     tok_push_o,   // store->compute
  // parameter buffer read port
  output logic                     pb_re_o,
  output logic [PbufAddrWidth-1:0] pb_raddr_o,
  input  logic [DataWidth-1:0]     pb_rdata_i,
  // core: parameters, read-out
  output logic                     p_we_o,
  output logic [1:0]               p_sel_o,
  output logic [Cols*32-1:0]       p_data_o,
  output logic [7:0]               zp_out_o,
  output logic [7:0]               clamp_min_o,
  output logic [7:0]               clamp_max_o,
  output logic                     float_o,      // requantize with binary32 scales
  output logic                     r_valid_o,
  input  logic                     r_ready_i,
  output logic [AccAddrWidth-1:0]  r_addr_o,
  input  logic                     o_valid_i,
  output logic                     o_ready_o,
  input  logic [Cols*8-1:0]        o_data_i,
  // output buffer write port
  output logic                     ob_we_o,
  output logic [ObufAddrWidth-1:0] ob_waddr_o,
  output logic [Cols*8-1:0]        ob_wdata_o,
  // ibuf write port (TO_IBUF), behind the load DMA's writes
  output logic                     ib_we_o,
  input  logic                     ib_wready_i,
  output logic [IbAw-1:0]          ib_waddr_o,
  output logic [Cols*8-1:0]        ib_wdata_o,
  output logic [Cols-1:0]          ib_wstrb_o,
  // store DMA
  `ABACUS_DESC_OUT_PORTS(desc),  // rtl/common/abacus_desc.svh
  input  logic                     dma_done_i,
  input  logic [2:0]               dma_status_i,
  // status
  output logic                     idle_o,
  output logic [31:0]              pc_o,
  output logic                     busy_o,
  output logic                     stall_o,
  output logic                     err_o,
  output logic [3:0]               err_code_o,
  output logic [31:0]              bytes_o
);
  typedef enum logic [2:0] {
    SIdle,
    SToken,
    SParams,
    SHold,    // parameters loaded; rows still read by an outstanding descriptor
    SDrain,
    SIssue,
    SFlush    // TO_IBUF: the last rows still in the write FIFO
  } state_e;
  state_e       state_q;
  logic [255:0] i_q;

  logic [15:0] m;
  logic [15:0] acc_row, pslot;
  assign m       = i_q[abacus_isa_pkg::StoreMLsb +: 16];
  assign acc_row = i_q[abacus_isa_pkg::StoreAccRowLsb +: 16];
  assign pslot   = i_q[abacus_isa_pkg::StorePslotLsb +: 16];
  assign zp_out_o    = i_q[abacus_isa_pkg::StoreZpOutLsb +: 8];
  assign clamp_min_o = i_q[abacus_isa_pkg::StoreClampMinLsb +: 8];
  assign clamp_max_o = i_q[abacus_isa_pkg::StoreClampMaxLsb +: 8];
  assign float_o     = i_q[abacus_isa_pkg::StoreFloatScaleLsb];
  logic to_ib;
  assign to_ib       = i_q[abacus_isa_pkg::StoreToIbufLsb];

  // ---- output buffer quarters, outstanding descriptors -------------------------
  localparam int unsigned Quarter = ObufRows / 4;
  localparam int unsigned Half = ObufRows / 2;
  logic [3:0] mask_q;      // this STORE's quarters (bit q: rows q*Quarter..)
  logic [1:0] start_q;     // its first quarter
  logic [1:0] next_q;      // the quarter the next STORE starts at (or after)
  logic [1:0] half_start;  // next_q rounded up to a half's first quarter
  assign half_start = next_q[0] ? next_q + 2'd1 : next_q;
  // outstanding descriptors, oldest first: quarters, instruction index, bytes
  logic        out_valid, take, done_ok, done_err;
  logic [3:0]  out_mask;
  logic [31:0] out_pc, out_bytes;
  logic [3:0]  pend_q;     // quarters an outstanding descriptor reads
  logic [31:0] bytes_q;    // M x N_BYTES, worked out while the STORE runs
  logic [31:0] err_pc_q;   // the index of the descriptor completed last (err_o a cycle later)

  assign insn_ready_o = (state_q == SIdle);
  assign tok_pop_o    = (state_q == SToken) && tok_avail_i && !halt_i;

  // ---- parameters: 3 vectors of VecWords words -------------------------------
  // (the slot's first word is worked out when the instruction is taken:
  // the read address is then one short add)
  localparam int unsigned PwBits = $clog2(3 * VecWords + 1);
  logic [PwBits-1:0] pw_q;          // words requested
  logic              pw_valid_q;    // a word arrives this cycle
  logic [PwBits-1:0] pw_idx_q;      // index of the arriving word
  logic [Cols*32-1:0] vec_q;
  logic [PbufAddrWidth-1:0] pbase_q;
  assign pb_re_o    = (state_q == SParams) && 32'(pw_q) < 3 * VecWords;
  assign pb_raddr_o = pbase_q + PbufAddrWidth'(pw_q);
  logic [Cols*32-1:0] vec_next;
  // (one compare per word, not a shifter over the whole vector by a 32-bit
  // index: that was the longest path of the xc7 32x32 synthesis)
  always_comb begin
    vec_next = vec_q;
    for (int unsigned w = 0; w < VecWords; w++) begin
      if (32'(pw_idx_q) % VecWords == w) vec_next[w*DataWidth +: DataWidth] = pb_rdata_i;
    end
  end
  assign p_we_o   = pw_valid_q && (32'(pw_idx_q) % VecWords == VecWords - 1);
  assign p_sel_o  = 2'(32'(pw_idx_q) / VecWords);  // bias, multiplier, shift in order
  assign p_data_o = vec_next;

  // ---- drain ---------------------------------------------------------------------
  // (the read address counts up from ACC_ROW; the rows left to read and to
  // write count down from M - 1, and whether the next read or write is the
  // last is a flag registered beside each count: no add or compare behind
  // the handshakes. Compared with M - 1 there, the write count's compare
  // into the state's enable was the top of the whole xcup 32x32 run on
  // 1ca5b2b, 2961 ps, proxy.)
  logic [15:0] rd_rem_q, wr_rem_q;   // rows after the next read / write
  logic        rd_last_q, wr_last_q; // rd_rem_q == 0, wr_rem_q == 0
  logic [AccAddrWidth-1:0] rd_addr_q;
  logic        rd_more_q;
  logic        cred_ok_q;  // TO_IBUF: room in the write FIFO for one more read (a register)
  assign r_valid_o  = (state_q == SDrain) && rd_more_q && (cred_ok_q || !to_ib);
  assign r_addr_o   = rd_addr_q;
  assign o_ready_o  = 1'b1;
  logic        wr_row;    // a requantized row arrives for this STORE
  assign wr_row     = o_valid_i && (state_q == SDrain);
  assign ob_we_o    = wr_row && !to_ib;
  logic [ObufAddrWidth-1:0] ob_addr_q;  // the drain's next row, from its first quarter
  assign ob_waddr_o = ob_addr_q;
  assign ob_wdata_o = o_data_i;

  // ---- DMA -----------------------------------------------------------------------
  assign desc_valid_o     = (state_q == SIssue) && !halt_i;
  assign desc_dram_addr_o = i_q[abacus_isa_pkg::StoreDramAddrLsb +: 64];
  assign desc_rows_o      = m;
  assign desc_row_bytes_o = i_q[abacus_isa_pkg::StoreNBytesLsb +: 16];
  assign desc_stride_o    = i_q[abacus_isa_pkg::StoreStrideLsb +: 32];
  assign desc_sp_stride_o = 16'(Cols);
  // the STORE's output buffer rows, no padding
  assign desc_store_o     = 1'b1;
  assign desc_sp_addr_o   = 32'(start_q) * 32'(Quarter * DataWidth / 8);
  assign {desc_pad_top_o, desc_pad_bottom_o, desc_pad_left_o, desc_pad_right_o, desc_pad_value_o} = '0;

  // ---- TO_IBUF: the write FIFO and its credits --------------------------------------
  // (a row read from the accumulator reaches the FIFO DrainLatency cycles
  // later; a credit is taken per read and given back a cycle after its
  // row is written into ibuf, so the FIFO never overflows; 32 entries
  // cover the round trip, about 18 cycles, with the load DMA taking the
  // port now and then)
  localparam int unsigned IbFifo = 32;
  localparam int unsigned QAw = IbAw - 2;
  logic             ib_push, ib_pop, ib_wr, ib_wr_q, ib_rd, ib_valid;
  logic [1:0]       ib_quarter_q;  // DRAM_ADDR's quarter: every row's
  logic [QAw-1:0]   ib_off_q;      // the next row's word in it
  logic [Cols-1:0]  ib_strb_q;     // bytes 0 .. N_BYTES - 1
  assign ib_push = wr_row && to_ib;
  assign ib_rd   = r_valid_o && r_ready_i && to_ib;
  // Between the FIFO and ibuf's port, a write stage of two entries: the
  // FIFO's head moves into it when it has room at the cycle's start (a
  // register), and its head is written in a cycle the load DMA leaves the
  // quarter free. So the load DMA's write address reaches the stage's
  // count and head only, not the FIFO's pointers and head register (that
  // path, through the FIFO's pop, was 3000 ps in the xcup 16x16 run on
  // 630efb7, proxy).
  logic [1:0]       sk_cnt_q;    // entries held
  logic             sk_head_q;   // the entry written next
  logic [QAw-1:0]   sk_off_q [2];
  logic [Cols*8-1:0] sk_data_q [2];
  logic [QAw-1:0]   ib_head_off;
  logic [Cols*8-1:0] ib_head_data;
  assign ib_pop = ib_valid && sk_cnt_q != 2'd2;
  assign ib_wr  = sk_cnt_q != 2'd0 && ib_wready_i;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sk_cnt_q  <= '0;
      sk_head_q <= 1'b0;
    end else begin
      sk_cnt_q  <= sk_cnt_q + 2'(ib_pop) - 2'(ib_wr);
      sk_head_q <= sk_head_q ^ ib_wr;
    end
  end
  always_ff @(posedge clk_i) begin
    if (ib_pop) begin  // (into the entry after the head, or the head when empty)
      sk_off_q[sk_head_q ^ (sk_cnt_q == 2'd1)]  <= ib_head_off;
      sk_data_q[sk_head_q ^ (sk_cnt_q == 2'd1)] <= ib_head_data;
    end
  end
  abacus_fifo #(.Width(QAw + Cols * 8), .Depth(IbFifo), .NoOverflow(1'b1), .OutReg(1'b1)) u_ib_fifo (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (1'b0),  // (a drain always completes: the FIFO is empty whenever the engine is idle)
    .wvalid_i(ib_push),
    .wready_o(),
    .wdata_i ({ib_off_q, o_data_i}),
    .rvalid_o(ib_valid),
    .rready_i(ib_pop),
    .rdata_o ({ib_head_off, ib_head_data}),
    .count_o ()
  );
  assign ib_we_o    = sk_cnt_q != 2'd0;
  assign ib_waddr_o = {ib_quarter_q, sk_off_q[sk_head_q]};
  assign ib_wdata_o = sk_data_q[sk_head_q];
  assign ib_wstrb_o = ib_strb_q;
  // The credits in use (reads not yet written into ibuf) are counted by
  // abacus_inflight, whose "below the maximum" flag is a register stepped
  // beside the count: a credit is free. (As a compare after the credit
  // count's add, the read's handshake into the flag was 2717 ps in the
  // xcup 32x32 run on 47a2ba8, proxy.)
  abacus_inflight #(.Max(IbFifo)) u_ib_cred (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .up_i   (ib_rd),
    .down_i (ib_wr_q),
    .count_o(),
    .free_o (cred_ok_q),
    .none_o ()
  );
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ib_wr_q <= 1'b0;
    else ib_wr_q <= ib_wr;
  end
  always_ff @(posedge clk_i) begin
    if (state_q == SIdle && insn_valid_i) begin
      ib_quarter_q <= insn_i[abacus_isa_pkg::StoreDramAddrLsb + IbAw - 2 +: 2];
      ib_off_q     <= insn_i[abacus_isa_pkg::StoreDramAddrLsb +: QAw];
    end else if (ib_push) begin
      ib_off_q     <= ib_off_q + i_q[abacus_isa_pkg::StoreStrideLsb +: QAw];
    end
    // (N_BYTES <= Cols, fetch checks; the parameters take more cycles
    // than this needs to settle)
    for (int unsigned b = 0; b < Cols; b++) begin
      ib_strb_q[b] <= 32'(i_q[abacus_isa_pkg::StoreNBytesLsb +: 16]) > b;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= SIdle;
      err_o      <= 1'b0;
      err_code_o <= '0;
      tok_push_o <= 1'b0;
      pw_valid_q <= 1'b0;
      next_q     <= '0;
      pend_q     <= '0;
    end else begin
      err_o      <= 1'b0;
      tok_push_o <= 1'b0;
      pw_valid_q <= pb_re_o;
      unique case (state_q)
        SIdle: if (insn_valid_i && !halt_i) begin
          i_q     <= insn_i;
          pw_q    <= '0;
          // (M >= 1: fetch rejects M = 0)
          rd_rem_q  <= insn_i[abacus_isa_pkg::StoreMLsb +: 16] - 16'd1;
          wr_rem_q  <= insn_i[abacus_isa_pkg::StoreMLsb +: 16] - 16'd1;
          rd_last_q <= insn_i[abacus_isa_pkg::StoreMLsb +: 16] == 16'd1;
          wr_last_q <= insn_i[abacus_isa_pkg::StoreMLsb +: 16] == 16'd1;
          rd_more_q <= 1'b1;
          rd_addr_q <= AccAddrWidth'(insn_i[abacus_isa_pkg::StoreAccRowLsb +: 16]);
          if (insn_i[abacus_isa_pkg::StoreToIbufLsb]) begin
            mask_q    <= 4'b0000;  // (no output buffer rows)
          end else if (32'(insn_i[abacus_isa_pkg::StoreMLsb +: 16]) > Half) begin
            mask_q    <= 4'b1111;
            start_q   <= 2'd0;
            ob_addr_q <= '0;
          end else if (32'(insn_i[abacus_isa_pkg::StoreMLsb +: 16]) > Quarter) begin
            mask_q    <= 4'b0011 << half_start;
            start_q   <= half_start;
            ob_addr_q <= ObufAddrWidth'(32'(half_start) * Quarter);
            next_q    <= half_start + 2'd2;
          end else begin
            mask_q    <= 4'b0001 << next_q;
            start_q   <= next_q;
            ob_addr_q <= ObufAddrWidth'(32'(next_q) * Quarter);
            next_q    <= next_q + 2'd1;
          end
          pbase_q   <= PbufAddrWidth'(32'(insn_i[abacus_isa_pkg::StorePslotLsb +: 16]) * 3 * VecWords);
          state_q <= insn_i[abacus_isa_pkg::PopPrevLsb] ? SToken : SParams;
        end
        SToken: begin
          if (halt_i) state_q <= SIdle;
          else if (tok_avail_i) state_q <= SParams;
        end
        SParams: begin
          if (pb_re_o) pw_q <= pw_q + PwBits'(1);
          if (halt_i) state_q <= SIdle;
          else if (pw_valid_q && 32'(pw_idx_q) == 3 * VecWords - 1) state_q <= SHold;
        end
        SHold: begin
          if (halt_i) state_q <= SIdle;
          else if ((pend_q & mask_q) == 4'b0000) state_q <= SDrain;
        end
        SDrain: begin
          if (r_valid_o && r_ready_i) begin
            rd_rem_q  <= rd_rem_q - 16'd1;
            rd_last_q <= rd_rem_q == 16'd1;
            rd_addr_q <= rd_addr_q + AccAddrWidth'(1);
            if (rd_last_q) rd_more_q <= 1'b0;
          end
          if (wr_row) begin
            wr_rem_q  <= wr_rem_q - 16'd1;
            wr_last_q <= wr_rem_q == 16'd1;
            ob_addr_q <= ob_addr_q + ObufAddrWidth'(1);
          end
          if (wr_row && wr_last_q) begin
            state_q    <= to_ib ? SFlush : SIssue;
            tok_push_o <= i_q[abacus_isa_pkg::PushPrevLsb] && !to_ib;
          end
        end
        SFlush: begin
          // (the last row entered the FIFO a cycle ago: ib_valid shows it)
          if (!ib_valid && sk_cnt_q == 2'd0) begin
            state_q    <= SIdle;
            tok_push_o <= i_q[abacus_isa_pkg::PushPrevLsb];
          end
        end
        SIssue: begin
          if (halt_i) state_q <= SIdle;
          else if (desc_ready_i) state_q <= SIdle;
        end
        default: state_q <= SIdle;
      endcase
      // the quarters outstanding descriptors read: a new one's added, a
      // completed one's dropped; a failure ends them all
      if (done_err) begin
        err_o      <= 1'b1;
        err_code_o <= {1'b0, dma_status_i};
        pend_q     <= '0;
      end else begin
        pend_q <= (pend_q & ~(done_ok ? out_mask : 4'b0000)) | (take ? mask_q : 4'b0000);
      end
    end
  end
  always_ff @(posedge clk_i) begin
    pw_idx_q <= pw_q;
    if (pw_valid_q) vec_q <= vec_next;
  end
  // The outstanding descriptors in order: the DMA takes them at the back
  // and completes them at the front; a failure drops them all (the DMA
  // reports no more). At most four: their quarters are disjoint.
  assign take     = desc_valid_o && desc_ready_i;
  assign done_ok  = dma_done_i && dma_status_i == abacus_pkg::DmaOk;
  assign done_err = dma_done_i && dma_status_i != abacus_pkg::DmaOk;
  // (the head from a register, as the load engine's pending queue)
  abacus_fifo #(.Width(4 + 32 + 32), .Depth(4), .NoOverflow(1'b1), .OutReg(1'b1)) u_outstanding (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (done_err),
    .wvalid_i(take),
    .wready_o(),
    .wdata_i ({mask_q, i_q[255:224], bytes_q}),
    .rvalid_o(out_valid),
    .rready_i(dma_done_i),
    .rdata_o ({out_mask, out_pc, out_bytes}),
    .count_o ()
  );
  always_ff @(posedge clk_i) begin
    bytes_q <= 32'(m) * 32'(desc_row_bytes_o);
    if (dma_done_i) err_pc_q <= out_pc;
  end

  // busy: the engine works or a descriptor is outstanding (and it does not
  // wait for a token); idle: neither
  assign stall_o = (state_q == SToken);
  assign idle_o  = (state_q == SIdle) && !out_valid;
  assign busy_o  = !idle_o && !stall_o;
  // the failing STORE's index with err_o; the bytes of the oldest
  // outstanding descriptor, which a DMA completion is for
  assign pc_o    = err_pc_q;
  assign bytes_o = out_bytes;

  logic unused;
  assign unused = ^{i_q[7:0], PbufWords, acc_row, pslot};

  // Invariants: a token is taken only when one is there; a descriptor
  // offered to the DMA stays offered, unchanged, until taken (or halt);
  // the DMA completes only outstanding descriptors, of which there are at
  // most four, reading disjoint quarters; a drain writes no quarter an
  // outstanding descriptor reads; every error has a code; TO_IBUF's
  // credits never exceed the FIFO, rows enter it only while draining, and
  // it is empty whenever the engine is idle.
  `ABACUS_ASSERT(StorePopsOnlyAvailable, !tok_pop_o || tok_avail_i)
  `ABACUS_ASSERT(StoreDoneOnlyOutstanding, !dma_done_i || out_valid)
  `ABACUS_ASSERT(StoreOutstandingDisjoint, !take || (pend_q & mask_q) == 4'b0000)
  `ABACUS_ASSERT(StorePendingIsOutstanding, (pend_q != 4'b0000) == out_valid)
  `ABACUS_ASSERT(StoreDrainsFreeRows, !ob_we_o || (pend_q & mask_q) == 4'b0000)
  `ABACUS_ASSERT(StoreErrorHasCode, !err_o || err_code_o != '0)
  `ABACUS_ASSERT(StoreIbufOnlyWhenAsked, !ib_push || state_q == SDrain)
  `ABACUS_ASSERT(StoreIbufEmptyWhenIdle, state_q != SIdle || (!ib_valid && sk_cnt_q == 2'd0))
  `ABACUS_ASSERT(StoreIbufStageBounded, sk_cnt_q <= 2'd2)
  `ABACUS_ASSERT(StoreLastFlagsExact, state_q != SDrain ||
                                      (rd_last_q == (rd_rem_q == 16'd0) && wr_last_q == (wr_rem_q == 16'd0)))
`ifndef SYNTHESIS
  abacus_axi_hold_check #(.PayloadBits(64 + 16 + 16 + 32 + 16)) u_desc_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(desc_valid_o), .ready_i(desc_ready_i), .abort_i(halt_i),
    .payload_i({desc_dram_addr_o, desc_rows_o, desc_row_bytes_o, desc_stride_o, desc_sp_stride_o}));
`endif
endmodule
