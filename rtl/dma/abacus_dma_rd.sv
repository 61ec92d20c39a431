`include "abacus_assert.svh"
// DMA load engine: DRAM -> scratchpad.
//
// Issue: each DATA operation becomes one AXI read burst (aligned start,
// one ID, so responses return in order); at most MaxReads bursts are
// outstanding. Every operation, DATA or FILL, enters the in-flight queue in
// program order when it is issued.
// Write-back: in-flight operations are retired in order. A DATA beat's valid
// bytes are rotated by the row's scratchpad/DRAM offset and written with
// strobes; the bytes that spill into the next scratchpad word wait in a
// carry register and merge with the next beat, and are flushed after the
// row's last beat (a cycle, taken only when the row is rotated: otherwise
// the carry is empty). A FILL writes the pad byte over its range, a word a
// cycle.
// Errors: the first non-OKAY response is latched with its beat's address;
// from then on nothing new is issued or written, outstanding beats are
// still accepted, and busy_o falls once they are in.
module abacus_dma_rd #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned SpAddrWidth = 16,
  parameter int unsigned MaxReads = 8,
  parameter int unsigned IdWidth = 4,
  localparam int unsigned DataBytes = DataWidth / 8,
  localparam int unsigned OffWidth = $clog2(DataBytes),
  localparam int unsigned SpWordWidth = SpAddrWidth - OffWidth
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   clear_i,  // drop a latched error (idle only)
  input  logic [7:0]             pad_value_i,  // of the descriptor whose operations are arriving
  // operations from the splitter
  input  logic                   op_valid_i,
  output logic                   op_ready_o,
  input  logic                   op_fill_i,
  input  logic [63:0]            op_addr_i,
  input  logic [7:0]             op_len_i,
  input  logic [OffWidth-1:0]    op_lo_i,
  input  logic [OffWidth:0]      op_hi_i,
  input  logic [SpAddrWidth-1:0] op_delta_i,
  input  logic                   op_row_first_i,
  input  logic                   op_row_last_i,
  input  logic                   op_last_i,       // the descriptor's final operation
  input  logic [SpAddrWidth-1:0] op_fill_addr_i,
  input  logic [16:0]            op_fill_bytes_i,
  // AXI4 read address and data
  output logic                   ar_valid_o,
  input  logic                   ar_ready_i,
  output logic [63:0]            ar_addr_o,
  output logic [7:0]             ar_len_o,
  output logic [IdWidth-1:0]     ar_id_o,
  input  logic                   r_valid_i,
  output logic                   r_ready_o,
  input  logic [DataWidth-1:0]   r_data_i,
  input  logic [1:0]             r_resp_i,
  input  logic                   r_last_i,
  // scratchpad write port
  output logic                   sp_we_o,
  output logic [SpWordWidth-1:0] sp_waddr_o,
  output logic                   sp_we_next_o,     // sp_we_o and sp_waddr_o of the next cycle
  output logic [SpWordWidth-1:0] sp_waddr_next_o,  // (their registers' inputs)
  output logic [DataWidth-1:0]   sp_wdata_o,
  output logic [DataBytes-1:0]   sp_wstrb_o,
  // status
  output logic                   busy_o,
  output logic                   desc_done_o,     // a descriptor's data is all in the scratchpad
  output logic                   err_o,
  output logic [1:0]             err_resp_o,
  output logic [63:0]            err_addr_o
);
  localparam int unsigned OutWidth = $clog2(MaxReads + 1);
  // the splitter's burst limit: no burst crosses a multiple of BlockBytes
  localparam int unsigned BlockBytes = (256 * DataBytes < 4096) ? 256 * DataBytes : 4096;
  localparam int unsigned BlockWidth = $clog2(BlockBytes);
  // in-flight operations: at least MaxReads (a power of two)
  localparam int unsigned QDepth = (MaxReads > 8) ? 2 ** $clog2(2 * MaxReads) : 16;

  // ---- in-flight operation queue ---------------------------------------------
  localparam int unsigned OpWidth = 1 + 64 + 8 + 1 + 2 * OffWidth + SpWordWidth + 3 * DataBytes + 3
                                    + SpWordWidth + DataBytes + 1 + 17 + 1 + DataBytes + 8;
  logic               q_wvalid, q_wready, q_rvalid, q_rready;
  logic [OpWidth-1:0] q_wdata, q_rdata;
  // (the head from a register: from the LUT-RAM read into the adds behind
  // it was 3219 ps in the whole xc7 16x16 run on ef72759, proxy)
  abacus_fifo #(.Width(OpWidth), .Depth(QDepth), .OutReg(1'b1)) u_opq (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (1'b0),
    .wvalid_i(q_wvalid),
    .wready_o(q_wready),
    .wdata_i (q_wdata),
    .rvalid_o(q_rvalid),
    .rready_i(q_rready),
    .rdata_o (q_rdata),
    .count_o ()
  );
  // An operation is taken into a register stage and enters the queue from
  // there a cycle later, so the splitter's state decode and the FILL
  // arithmetic below are not one path (the stage frees when the queue takes
  // it, so one operation a cycle still passes).
  localparam int unsigned StWidth = 1 + 64 + 8 + OffWidth + (OffWidth + 1) + SpAddrWidth + 3
                                    + SpAddrWidth + (OffWidth + 2) + 1 + 17 + 8 + (OffWidth + 1) + (OffWidth + 2);
  logic                   st_valid_q, st_take;
  logic [StWidth-1:0]     st_q;
  logic                   s_fill, s_row_first, s_row_last, s_last;
  logic [63:0]            s_addr;
  logic [7:0]             s_len, s_pad;
  logic [OffWidth-1:0]    s_lo;
  logic [OffWidth:0]      s_hi;
  logic [SpAddrWidth-1:0] s_delta, s_fill_addr;
  logic [OffWidth+1:0]    s_fill_end;   // FILL: lo + the count's low bits (below)
  logic                   s_fill_big;   // its count has bits above those
  logic [16:0]            s_fill_rest;  // the count less the first word's bytes
  logic [OffWidth:0]      s_lo_sh;      // DATA: lo + sh
  logic [OffWidth+1:0]    s_hi_sh;      // DATA: hi + sh
  assign {s_fill, s_addr, s_len, s_lo, s_hi, s_delta, s_row_first, s_row_last, s_last, s_fill_addr,
          s_fill_end, s_fill_big, s_fill_rest, s_pad, s_lo_sh, s_hi_sh} = st_q;
  // Worked out as an operation enters the queue, so the write-back only
  // selects. DATA: its first word in the scratchpad (the DRAM word plus the
  // row's delta), and the strobes of a first and of a last beat after the
  // rotation by the row's offset sh (the beat's strobes are the AND of
  // those that apply; a rotated mask is the mask at (j - sh) mod DataBytes),
  // with the bytes below sh (they go to the carry). FILL: the first word's
  // strobes, whether the run ends in it, the bytes left after it (the run
  // goes on word-aligned), whether those fit one word, and that word's
  // strobes. The FILL's two adds (lo + the count's low bits; the count
  // less the first word's DataBytes - lo bytes) are made as the operation
  // is taken, into the stage register, so only compares and masks sit
  // between it and the queue (the add, compare and mask behind the stage
  // register were a 3088 ps path of the xcup 32x32 synthesis, proxy).
  logic [OffWidth-1:0]    fill_lo, sh_s;
  logic                   fill_one, fill_rest_le;
  logic [DataBytes-1:0]   fill_mask0, fill_mask2;
  logic [OffWidth-1:0]    fill_last_n;  // bytes in the rest's last word (0: all)
  logic [SpWordWidth-1:0] word0;
  logic [DataBytes-1:0]   rot_lo, rot_hi, below;
  always_comb begin
    fill_lo   = s_fill_addr[OffWidth-1:0];
    // bytes <= DataBytes - lo, without a wide compare behind a subtract
    fill_one  = !s_fill_big && (s_fill_end <= (OffWidth+2)'(DataBytes));
    // whether the rest fits one word, and that word's strobes, from the
    // low bits alone
    fill_rest_le = !s_fill_big && (s_fill_end <= (OffWidth+2)'(2 * DataBytes));
    fill_last_n  = s_fill_end[OffWidth-1:0];  // rest mod DataBytes
    sh_s      = s_delta[OffWidth-1:0];
    word0     = SpWordWidth'(s_addr[63:OffWidth]) + s_delta[SpAddrWidth-1:OffWidth];
    for (int unsigned i = 0; i < DataBytes; i++) begin
      fill_mask0[i] = (OffWidth'(i) >= fill_lo) && (!fill_one || (OffWidth+2)'(i) < s_fill_end);
      fill_mask2[i] = !fill_rest_le || fill_last_n == '0 || OffWidth'(i) < fill_last_n;
      // src = (i - sh) mod DataBytes >= lo, < hi: for i >= sh src is i - sh,
      // else i + DataBytes - sh, so each is a compare of i with lo + sh or
      // hi + sh (added as the operation is taken). (As the subtract and
      // the compare behind it, into the queue's head register, they were
      // 2644 ps in the xcup 32x32 run on 47a2ba8, proxy.)
      rot_lo[i]     = (OffWidth'(i) >= sh_s) ? ((OffWidth+1)'(i) >= s_lo_sh)
                                             : ((OffWidth+1)'(i + DataBytes) >= s_lo_sh);
      rot_hi[i]     = (OffWidth'(i) >= sh_s) ? ((OffWidth+2)'(i) < s_hi_sh)
                                             : ((OffWidth+2)'(i + DataBytes) < s_hi_sh);
      below[i]      = OffWidth'(i) < sh_s;
    end
  end
  assign q_wvalid = st_valid_q;
  assign q_wdata = {s_fill, s_addr, s_len, (s_len == 8'd0), s_lo, sh_s, word0, rot_lo, rot_hi, below,
                    s_row_first, s_row_last, s_last, s_fill_addr[SpAddrWidth-1:OffWidth], fill_mask0,
                    fill_one, s_fill_rest, fill_rest_le, fill_mask2, s_pad};

  logic                   h_fill, h_row_first, h_row_last, h_last, h_len0;
  logic [63:0]            h_addr;
  logic [7:0]             h_len;
  logic [OffWidth-1:0]    h_lo, h_sh;
  logic [SpWordWidth-1:0] h_word0;       // DATA: the first beat's scratchpad word
  logic [DataBytes-1:0]   h_rot_lo;      // the first beat's strobes, rotated
  logic [DataBytes-1:0]   h_rot_hi;      // the last beat's
  logic [DataBytes-1:0]   h_below;       // bytes below the rotation (to the carry)
  logic [SpWordWidth-1:0] h_fill_word;   // FILL: the first word
  logic [DataBytes-1:0]   h_fill_mask;   // its strobes
  logic                   h_fill_one;    // the run ends in it
  logic [16:0]            h_fill_rest;   // else the bytes after it
  logic                   h_fill_rest_le;  // and they fit the next word,
  logic [DataBytes-1:0]   h_fill_mask2;  // whose strobes these are
  logic [7:0]             h_pad;  // the pad byte of the operation's own descriptor
  assign {h_fill, h_addr, h_len, h_len0, h_lo, h_sh, h_word0, h_rot_lo, h_rot_hi, h_below,
          h_row_first, h_row_last, h_last, h_fill_word, h_fill_mask, h_fill_one, h_fill_rest,
          h_fill_rest_le, h_fill_mask2, h_pad} = q_rdata;

  // ---- issue --------------------------------------------------------------------
  logic                err_q;
  logic                ar_valid;
  logic [OutWidth-1:0] outstanding_q;
  logic                ar_free, slot_free, op_fire, issue_data, burst_done, do_skip;

  // An error response stops issue in the cycle it is taken on the bus, even
  // while its beat still waits in the read buffer.
  logic stop_q, bus_err;
  assign bus_err    = r_valid_i && r_ready_o && (r_resp_i != abacus_pkg::AxiRespOkay);
  // The bursts wait for the bus in a two-entry queue whose "not full" is a
  // register: ARREADY (through the port's arbiter, whose choice depends on
  // its last grant) is not in front of taking an operation and the
  // registers that take it (3042 ps on the xcup 32x32 synthesis, proxy).
  // One burst a cycle still goes out while the bus takes one a cycle. The
  // head is offered on AR; the entry behind it is not yet, and an error
  // response drops it (an offered AR stays until taken, AXI), so nothing
  // goes on the bus after the error. Its operation retires without beats
  // (drop_q, below).
  localparam int unsigned ArWidth = 64 - OffWidth + 8;
  logic               arh_v_q, art_v_q, ar_pop, stop_now, drop_q;
  logic [ArWidth-1:0] arh_q, art_q;
  assign ar_pop   = arh_v_q && ar_ready_i;
  assign stop_now = bus_err || stop_q;
  assign ar_free  = !art_v_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      arh_v_q <= 1'b0;
      art_v_q <= 1'b0;
    end else begin
      if (!arh_v_q || ar_pop) arh_v_q <= (art_v_q && !stop_now) || issue_data;
      art_v_q <= art_v_q ? !(ar_pop || stop_now) : (issue_data && arh_v_q && !ar_pop);
    end
  end
  always_ff @(posedge clk_i) begin
    if (!arh_v_q || ar_pop) arh_q <= art_v_q ? art_q : {op_addr_i[63:OffWidth], op_len_i};
    if (!art_v_q) art_q <= {op_addr_i[63:OffWidth], op_len_i};
  end
  assign ar_valid = arh_v_q;
  assign {ar_addr_o[63:OffWidth], ar_len_o} = arh_q;
  assign ar_addr_o[OffWidth-1:0] = '0;
  // (the count with "a slot is free" registered beside it: no compare in
  // front of the issue)
  logic none_out;  // nothing in flight (registered beside the count)
  abacus_inflight #(.Max(MaxReads)) u_inflight (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .up_i   (issue_data),
    .down_i (burst_done || do_skip),
    .count_o(outstanding_q),
    .free_o (slot_free),
    .none_o (none_out)
  );
  assign op_ready_o = !err_q && !stop_q && !bus_err && (!st_valid_q || q_wready) &&
                      (op_fill_i || (ar_free && slot_free));
  assign op_fire    = op_valid_i && op_ready_o;
  assign issue_data = op_fire && !op_fill_i;
  assign st_take    = op_fire;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stop_q        <= 1'b0;
      st_valid_q    <= 1'b0;
    end else begin
      if (st_take) st_valid_q <= 1'b1;
      else if (q_wready) st_valid_q <= 1'b0;
      if (bus_err) stop_q <= 1'b1;
      if (clear_i && !busy_o) stop_q <= 1'b0;
    end
  end
  // A dropped burst's operation is the last DATA operation in the queue
  // (nothing is taken after the error), and it is at the head once it is
  // the only burst counted in flight: it then retires without beats. That
  // condition is registered (skip_ok_q): once true it stays true until the
  // skip, as no beat is due and nothing new is issued.
  logic skip_ok_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      drop_q    <= 1'b0;
      skip_ok_q <= 1'b0;
    end else begin
      if (art_v_q && stop_now) drop_q <= 1'b1;
      else if (do_skip) drop_q <= 1'b0;
      skip_ok_q <= drop_q && !do_skip && (outstanding_q == OutWidth'(1));
    end
  end
  always_ff @(posedge clk_i) begin
    if (st_take) begin
      // (lo - DataBytes is lo with ones above it: the rest is one add)
      st_q <= {op_fill_i, op_addr_i, op_len_i, op_lo_i, op_hi_i, op_delta_i, op_row_first_i,
               op_row_last_i, op_last_i, op_fill_addr_i,
               (OffWidth+2)'(op_fill_addr_i[OffWidth-1:0]) + (OffWidth+2)'(op_fill_bytes_i[OffWidth:0]),
               op_fill_bytes_i[16:OffWidth+1] != '0,
               op_fill_bytes_i + {{(17-OffWidth){1'b1}}, op_fill_addr_i[OffWidth-1:0]}, pad_value_i,
               (OffWidth+1)'(op_lo_i) + (OffWidth+1)'(op_delta_i[OffWidth-1:0]),
               (OffWidth+2)'(op_hi_i) + (OffWidth+2)'(op_delta_i[OffWidth-1:0])};
    end
  end
  assign ar_valid_o = ar_valid;
  assign ar_id_o    = '0;

  // ---- read data buffer -------------------------------------------------------------
  logic                 rb_valid, rb_ready, rb_last;
  logic [DataWidth-1:0] rb_data;
  logic [1:0]           rb_resp;
  // (the head from a register: from the LUT-RAM read through the byte
  // shift into the write word's register was the top of the whole xc7
  // 32x32 run on a76c4ec, 3416 ps, and of the 16x16 run on ef72759,
  // 3382 ps, proxy; UltraScale+ LUT-RAM has no arcs in the proxy's
  // library, so the xcup runs did not see it)
  abacus_fifo #(.Width(DataWidth + 3), .Depth(4), .OutReg(1'b1)) u_rbuf (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (1'b0),
    .wvalid_i(r_valid_i),
    .wready_o(r_ready_o),
    .wdata_i ({r_data_i, r_resp_i, r_last_i}),
    .rvalid_o(rb_valid),
    .rready_i(rb_ready),
    .rdata_o ({rb_data, rb_resp, rb_last}),
    .count_o ()
  );

  // ---- write-back ---------------------------------------------------------------------
  logic                   fill_active_q, flush_q;
  logic [SpWordWidth-1:0] fill_word_q;  // a run's next word after its first
  logic [16:0]            fill_rem_q;   // and the bytes from it on
  logic                   fill_last_q;  // they fit that word
  logic [DataBytes-1:0]   fill_mask_q;  // its strobes
  logic [7:0]             beat;
  logic                   beat_first; // beat == 0
  logic [DataWidth-1:0]   carry_data_q;
  logic [DataBytes-1:0]   carry_mask_q;
  logic [SpWordWidth-1:0] carry_word_q;

  // data beat arithmetic
  logic [OffWidth-1:0]    lo;
  logic [SpWordWidth-1:0] word_lo;
  logic [2*DataWidth-1:0] dbl_data;
  logic [DataWidth-1:0]   rot_data;
  logic [DataBytes-1:0]   rot_mask, low_mask, high_mask, merged_mask;
  logic                   last_beat, use_carry, beat_err;
  always_comb begin
    lo        = beat_first ? h_lo : '0;
    word_lo   = h_word0 + SpWordWidth'(beat);
    dbl_data  = {rb_data, rb_data} << (32'(h_sh) * 8);
    rot_data  = dbl_data[2*DataWidth-1:DataWidth];
    rot_mask  = (beat_first ? h_rot_lo : '1) & (last_beat ? h_rot_hi : '1);
    low_mask  = rot_mask & ~h_below;
    high_mask = rot_mask & h_below;
    use_carry = !(beat_first && h_row_first);
    merged_mask = low_mask | (use_carry ? carry_mask_q : '0);
    beat_err    = (rb_resp != abacus_pkg::AxiRespOkay);
  end

  abacus_beat_pos u_beat (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .step_i (do_beat),
    .len_i  (h_len),
    .len0_i (h_len0),
    .beat_o (beat),
    .first_o(beat_first),
    .last_o (last_beat)
  );

  // fill: the first word from the queue, the rest word-aligned from fill_*_q
  logic [SpWordWidth-1:0] f_word;
  logic [DataBytes-1:0]   f_mask;
  logic                   f_last;
  always_comb begin
    f_word = fill_active_q ? fill_word_q : h_fill_word;
    f_mask = fill_active_q ? fill_mask_q : h_fill_mask;
    f_last = fill_active_q ? fill_last_q : h_fill_one;
  end

  logic                   do_flush, do_fill, do_beat, fill_done;
  logic                   we_d;
  logic [SpWordWidth-1:0] waddr_d;
  logic [DataBytes-1:0]   wstrb_d;
  always_comb begin
    do_flush  = flush_q;
    do_fill   = !flush_q && q_rvalid && h_fill;
    do_beat   = !flush_q && q_rvalid && !h_fill && rb_valid;
    do_skip   = !flush_q && q_rvalid && !h_fill && skip_ok_q;
    fill_done = do_fill && f_last;
    rb_ready  = do_beat;
    burst_done = do_beat && last_beat;
    q_rready  = fill_done || burst_done || do_skip;
    we_d    = 1'b0;
    waddr_d = carry_word_q;
    wstrb_d = carry_mask_q;
    if (do_flush) begin
      we_d = !err_q && (carry_mask_q != '0);
    end else if (do_fill) begin
      we_d    = !err_q;
      waddr_d = f_word;
      wstrb_d = f_mask;
    end else if (do_beat) begin
      we_d    = !err_q && !beat_err;
      waddr_d = word_lo;
      wstrb_d = merged_mask;
    end
  end

  // The write's data a stage later than its decision: the beat's rotated
  // data is registered (a_rot_q), and the next cycle merges it with the
  // carry, the bytes below the rotation from the row's previous beat
  // (carry_data_q, kept at this stage too), or writes the pad (a FILL) or
  // the carry alone (a flush). (The rotation, the merge and the pick in
  // one cycle, from the read buffer's head, were 2531 ps into the write
  // data in the xcup 32x32 run on 47a2ba8, proxy: 256 endpoints.) The
  // scratchpad write lands a cycle later; the address, strobes and enable
  // go through the same stage.
  logic                   a_we_q, a_fill_q, a_beat_q;
  logic [SpWordWidth-1:0] a_waddr_q;
  logic [DataBytes-1:0]   a_wstrb_q, a_below_q;
  logic [7:0]             a_pad_q;
  logic [DataWidth-1:0]   a_rot_q, wdata_b;
  always_comb begin
    for (int unsigned i = 0; i < DataBytes; i++) begin
      wdata_b[i*8 +: 8] = a_fill_q ? a_pad_q :
                          (a_beat_q && !a_below_q[i]) ? a_rot_q[i*8 +: 8] : carry_data_q[i*8 +: 8];
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) a_we_q <= 1'b0;
    else a_we_q <= we_d;
  end
  always_ff @(posedge clk_i) begin
    a_fill_q  <= do_fill;  // (neither in a flush's cycle; never both)
    a_beat_q  <= do_beat;
    a_waddr_q <= waddr_d;
    a_wstrb_q <= wstrb_d;
    a_below_q <= h_below;
    a_pad_q   <= h_pad;
    a_rot_q   <= rot_data;
    if (a_beat_q) carry_data_q <= a_rot_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fill_active_q <= 1'b0;
      flush_q       <= 1'b0;
      err_q         <= 1'b0;
      sp_we_o       <= 1'b0;
    end else begin
      sp_we_o <= a_we_q;
      if (do_flush) flush_q <= 1'b0;
      if (do_fill) fill_active_q <= !fill_done;
      if (do_beat) begin
        // (a row not rotated, sh = 0, leaves nothing in the carry: no flush)
        flush_q <= last_beat && h_row_last && (h_sh != '0);
        if (beat_err && !err_q) err_q <= 1'b1;
      end
      if (clear_i && !busy_o) err_q <= 1'b0;
    end
  end

  assign sp_we_next_o    = a_we_q;
  assign sp_waddr_next_o = a_waddr_q;
  always_ff @(posedge clk_i) begin
    sp_waddr_o <= a_waddr_q;
    sp_wdata_o <= wdata_b;
    sp_wstrb_o <= a_wstrb_q;
    if (do_fill) begin
      fill_word_q <= f_word + SpWordWidth'(1);
      if (fill_active_q) begin
        fill_rem_q  <= fill_rem_q - 17'(DataBytes);
        fill_last_q <= (fill_rem_q <= 17'(2 * DataBytes));
        for (int unsigned i = 0; i < DataBytes; i++) fill_mask_q[i] <= (17'(i + DataBytes) < fill_rem_q);
      end else begin
        fill_rem_q  <= h_fill_rest;
        fill_last_q <= h_fill_rest_le;
        fill_mask_q <= h_fill_mask2;
      end
    end
    if (do_beat) begin
      carry_mask_q <= high_mask;
      carry_word_q <= word_lo + SpWordWidth'(1);
      if (beat_err && !err_q) begin
        err_resp_o <= rb_resp;
        // (the beat's aligned address plus its first valid byte, lo < DataBytes;
        // a burst does not cross a BlockBytes boundary, so the beat index
        // adds to the address within its block only)
        err_addr_o <= {h_addr[63:BlockWidth], h_addr[BlockWidth-1:OffWidth] + (BlockWidth-OffWidth)'(beat),
                       lo};
      end
    end
  end

  // A descriptor is complete when its last operation retires and the
  // writes behind it (the data stage, the registered write, a carry flush)
  // have landed: four cycles later. The engine counts as busy through all
  // four, so nothing sees it idle while a completion is still on its way.
  logic [3:0] done_sr_q;
  logic       done_pending;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) done_sr_q <= '0;
    else done_sr_q <= {done_sr_q[2:0], q_rready && h_last && !err_q};
  end
  assign done_pending = done_sr_q[3];
  assign desc_done_o = done_pending && !err_q;
  assign busy_o = ar_valid || st_valid_q || q_rvalid || !none_out || flush_q || fill_active_q || (done_sr_q != '0) ||
                  a_we_q;
  assign err_o  = err_q;

  logic unused;
  // beat counts come from the descriptor (the monitor checks RLAST); the low
  // address bits are in h_lo; the rotation keeps the upper copy only
  assign unused = ^{rb_last, h_addr[OffWidth-1:0], dbl_data[DataWidth-1:0]};

  // Invariants the read path relies on: at most MaxReads bursts in flight;
  // R beats only for bursts in flight; an offered AR stays offered,
  // unchanged, until taken (AXI).
`ifndef SYNTHESIS
  // the rotated strobes from lo + sh and hi + sh are the plain ones
  logic [DataBytes-1:0] ref_rot_lo, ref_rot_hi;
  always_comb begin
    for (int unsigned i = 0; i < DataBytes; i++) begin
      ref_rot_lo[i] = OffWidth'(OffWidth'(i) - sh_s) >= s_lo;
      ref_rot_hi[i] = {1'b0, OffWidth'(OffWidth'(i) - sh_s)} < s_hi;
    end
  end
  `ABACUS_ASSERT(RdRotatedStrobes, !st_valid_q || s_fill ||
                 (rot_lo == ref_rot_lo && rot_hi == ref_rot_hi &&
                  s_lo_sh == (OffWidth+1)'(s_lo) + (OffWidth+1)'(sh_s) &&
                  s_hi_sh == (OffWidth+2)'(s_hi) + (OffWidth+2)'(sh_s)))
`endif
  `ABACUS_ASSERT(RdOutstandingBounded, outstanding_q <= OutWidth'(MaxReads))
  `ABACUS_ASSERT(RdBeatOnlyInFlight, !(r_valid_i && r_ready_o) || outstanding_q != '0)
  // the queue's tail only behind a head; a dropped burst only after an
  // error response, has no beats, and retires after every error was seen
  `ABACUS_ASSERT(RdArqOrder, !art_v_q || arh_v_q)
  `ABACUS_ASSERT(RdDropAfterError, !drop_q || stop_q)
  `ABACUS_ASSERT(RdSkipNoBeat, !do_skip || (!rb_valid && !r_valid_i && err_q))
`ifndef SYNTHESIS
  abacus_axi_hold_check #(.PayloadBits(72)) u_ar_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(ar_valid_o), .ready_i(ar_ready_i), .abort_i(1'b0),
    .payload_i({ar_addr_o, ar_len_o}));
`endif
endmodule
