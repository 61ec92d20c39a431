`include "abacus_assert.svh"

// DMA descriptor splitter: walks a 2-D descriptor row by row and emits, in
// order, the operations its engine carries out:
//   DATA  one AXI INCR burst that does not cross a BlockBytes boundary
//         (BlockBytes = min(4 KiB, 256 beats), a power of two, so a burst
//         is at most 256 beats and never crosses 4 KiB), with the byte
//         offsets of its first and last beat, and
//         delta = (scratchpad byte address - DRAM byte address) for its row;
//   FILL  a run of scratchpad bytes set to the pad value (padding rows and
//         left/right padding columns of loads).
// Per row: FILL left, DATA..., FILL right; padding rows are one FILL.
// Scratchpad row r (counting padding rows) starts at sp_addr + r*sp_stride.
//
// Timing: every operation field comes from registers through at most one
// short add or compare. The walk keeps what each field needs ready as its
// own register (the bytes to the next block boundary, the row's last byte
// within its block, the row's delta, the next data row's DRAM address,
// the next row's scratchpad addresses, rows left), and the caller
// (abacus_dma) hands over the start values that need a sum of two
// descriptor fields, registered.
module abacus_dma_split #(
  parameter int unsigned DataBytes = 16,
  parameter int unsigned SpAddrWidth = 16,
  localparam int unsigned OffWidth = $clog2(DataBytes),
  localparam int unsigned BlockBytes = (256 * DataBytes < 4096) ? 256 * DataBytes : 4096,
  localparam int unsigned BlockWidth = $clog2(BlockBytes),
  localparam int unsigned LenWidth = BlockWidth - OffWidth  // beats - 1 in a block: <= 8 bits
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   start_i,      // take the descriptor (when idle)
  input  logic                   cancel_i,     // drop the descriptor taken a cycle ago, emitting nothing
  input  logic                   abort_i,      // stop emitting, back to idle
  input  logic [63:0]            dram_addr_i,
  input  logic [63:0]            data1_addr_i,  // the next data row after row 0: dram_addr if pad_top
                                                // != 0, else dram_addr + stride,
  input  logic                   data1_carry_i, // without the carry out of its low half
  input  logic [32:0]            data2_lo_i,    // the data row after that: data1's low half + stride,
                                                // with its carry out
  // data rows after row 0: rows if pad_top != 0, else rows - 1 (rows >=
  // 1). (Worked out here as rows - 1, synthesis shared its subtraction
  // with the walk's data_left_q - 1, a pick in front of the carry chain:
  // the store DMA's data_left_q in the xcup 32x32 proxy run on 63d356e,
  // 2587 ps.)
  input  logic [15:0]            data_left0_i,
  input  logic [15:0]            row_bytes_i,   // >= 1
  input  logic [15:0]            row_bytes_m1_i,  // row_bytes - 1
  input  logic                   row_big_i,       // row_bytes > BlockBytes
  input  logic [BlockWidth-1:0]  row_thresh_i,    // else BlockBytes - row_bytes
  input  logic                   row0_past_i,     // row 0 goes past its block (past_block of dram_addr_i)
  input  logic [31:0]            stride_i,
  input  logic [SpAddrWidth-1:0] sp_addr_i,
  input  logic [SpAddrWidth-1:0] sp_data_i,     // sp_addr + pad_left (row 0's data)
  input  logic [15:0]            sp_stride_i,
  input  logic [7:0]             pad_top_i,
  input  logic [16:0]            total_m1_i,    // pad_top + rows + pad_bottom - 1
  input  logic [16:0]            row_width_i,   // pad_left + row_bytes + pad_right
  input  logic [7:0]             pad_left_i,
  input  logic [7:0]             pad_right_i,
  output logic                   busy_o,
  // operations
  output logic                   op_valid_o,
  input  logic                   op_ready_i,
  output logic                   op_fill_o,
  output logic [63:0]            op_addr_o,       // DATA: first byte
  output logic [7:0]             op_len_o,        // DATA: beats - 1
  output logic                   op_len0_o,       // DATA: op_len_o == 0 (one beat)
  output logic [OffWidth-1:0]    op_lo_o,         // DATA: first valid byte in the first beat
  output logic [OffWidth:0]      op_hi_o,         // DATA: valid bytes in the last beat, 1..DataBytes
  output logic [SpAddrWidth-1:0] op_delta_o,      // DATA: sp address - dram address (mod)
  output logic                   op_row_first_o,  // DATA: first burst of its row
  output logic                   op_row_last_o,   // DATA: last burst of its row
  output logic                   op_last_o,       // the descriptor's final operation
  output logic [SpAddrWidth-1:0] op_fill_addr_o,  // FILL: first scratchpad byte
  output logic [16:0]            op_fill_bytes_o  // FILL: byte count (> 0)
);
  typedef enum logic [2:0] {
    SIdle,
    SPadRow,
    SFillLeft,
    SBurst,
    SFillRight
  } state_e;

  state_e state_q, state_d;
  // descriptor, held for the whole walk
  logic [15:0]            row_bytes_q;
  logic                   row_big_q;
  logic [BlockWidth-1:0]  row_thresh_q;
  logic [BlockWidth-1:0]  row_bytes_m1_q;  // (only its offset within a block matters)
  logic [SpAddrWidth-1:0] sp_stride_q;
  logic [31:0]            stride_q;
  logic [7:0]             pad_left_q, pad_right_q;
  logic                   pad_left_nz_q, pad_right_nz_q;  // != 0 (flags: no compare in the walk's decisions)
  logic [16:0]            row_width_q;
  // (only the offsets within a block of row_bytes - 1, and the scratchpad
  // stride modulo the scratchpad, matter)
  logic [SpAddrWidth+15:0] sp_stride_ext;
  assign sp_stride_ext = (SpAddrWidth+16)'(sp_stride_i);
  logic unused;
  assign unused = ^{row_bytes_m1_i[15:BlockWidth], sp_stride_ext[SpAddrWidth+15:SpAddrWidth]};
  // rows: how many follow the current one, and of which kind
  logic [16:0]            rows_left_q, rows_left_d;
  logic                   last_row_q, last_row_d;
  logic [7:0]             top_left_q, top_left_d;     // top padding rows after the current
  logic [15:0]            data_left_q, data_left_d;   // data rows after the current
  // top_left_q != 0 and data_left_q != 0, registered beside them (the
  // compare of data_left_q in front of the row's many loads was 2668 ps in
  // the xcup 16x16 proxy run on 800ac44, issue 13's target 2.5 ns)
  logic                   top_more_q, top_more_d, data_more_q, data_more_d;
  // the current data row's position
  // next byte to request: its block (abacus_addr_acc) and offset in it
  logic [63:0]            cur_q;
  logic [BlockWidth-1:0]  cur_off_q, cur_off_d;
  logic                   cur_load, cur_step, cur_settled;
  logic [63:BlockWidth]   cur_load_val;
  // rem and to_blk are the plain walk (bytes left in the row; bytes from
  // cur to its block's end, 1..BlockBytes), kept only as the reference the
  // assertions below check after and blk_limited against: nothing the
  // hardware emits reads them, so synthesis drops them.
  logic [15:0]            rem_q, rem_d;
  logic [15:0]            after_q, after_d;           // rem - to_blk: left after a block-limited burst
  logic [BlockWidth:0]    to_blk_q, to_blk_d;
  logic [BlockWidth-1:0]  row_end_q, row_end_d;       // the row's last byte, within its block
  logic [OffWidth:0]      row_hi_q, row_hi_d;         // valid bytes in the row's last beat
  logic [SpAddrWidth-1:0] delta_q, delta_d;
  logic                   first_q, first_d;
  // the next data row, the scratchpad rows
  logic [63:0]            data_addr_q;                // DRAM address of the next data row
  logic                   data_load, data_step, data_settled;  // (abacus_addr_acc)
  logic [63:0]            data_load_val;
  logic                   data_load_carry;
  logic [SpAddrWidth-1:0] sp_row_q, sp_row_d;         // current row's first byte
  logic [SpAddrWidth-1:0] sp_next_q, sp_next_d;       // next row's first byte
  logic [SpAddrWidth-1:0] sp_data_next_q, sp_data_next_d;  // next row's first data byte
  logic [SpAddrWidth-1:0] fill_right_q, fill_right_d; // current row's right padding

  // ---- the current burst ----------------------------------------------------------
  // It ends at the block boundary if the row goes past it, else at the row's
  // end (both in the same block then, so the beat count is a difference of
  // the block-relative beat indices).
  // (whether it is block-limited, to_blk < rem, is kept in a register of
  // its own, worked out from after_q for the next block and from the row's
  // start for a new row)
  logic                blk_limited, blk_limited_q, blk_limited_d;
  logic [LenWidth-1:0] len_blk, len_row, len_row_q, len_row_d;
  assign blk_limited = blk_limited_q;
  assign len_blk     = ~cur_q[BlockWidth-1:OffWidth];
  // (the row's last beat index less cur's, kept as a register: loaded
  // with the row's values, as the beats its first byte's offset in its
  // beat and row_bytes - 1 span, and at a block step as the last beat's
  // index. As the difference, cur's offset into the load DMA's operation
  // queue head was 2601 ps in the xcup 16x16 proxy run on 63d356e.)
  assign len_row     = len_row_q;

  // ---- outputs ----------------------------------------------------------------
  assign busy_o         = (state_q != SIdle);
  // (held for the cycle after an address's low half wrapped: see abacus_addr_acc)
  assign op_valid_o     = (state_q != SIdle) && !cancel_i && cur_settled && data_settled;
  assign op_fill_o      = (state_q != SBurst);
  assign op_addr_o      = cur_q;
  assign op_len_o       = blk_limited ? 8'(len_blk) : 8'(len_row);
  // (as compares of the beat indices, not len_row's difference: through
  // the subtraction, the store's operation queue head h_len0 was the
  // xcup 32x32 run's longest path on 47a2ba8, 2923 ps)
  assign op_len0_o      = blk_limited ? (cur_q[BlockWidth-1:OffWidth] == '1)
                                      : (row_end_q[BlockWidth-1:OffWidth] ==
                                         cur_q[BlockWidth-1:OffWidth]);
  assign op_lo_o        = cur_q[OffWidth-1:0];
  assign op_hi_o        = blk_limited ? (OffWidth+1)'(DataBytes) : row_hi_q;
  assign op_delta_o     = delta_q;
  assign op_row_first_o = first_q;
  assign op_row_last_o  = !blk_limited;
  // this operation ends its row, and the row is the descriptor's last
  assign op_last_o      = last_row_q &&
                          ((state_q == SPadRow) || (state_q == SFillRight) ||
                           (state_q == SBurst && !blk_limited && !pad_right_nz_q));
  always_comb begin
    op_fill_addr_o  = sp_row_q;
    op_fill_bytes_o = row_width_q;
    if (state_q == SFillLeft) begin
      op_fill_bytes_o = 17'(pad_left_q);
    end else if (state_q == SFillRight) begin
      op_fill_addr_o  = fill_right_q;
      op_fill_bytes_o = 17'(pad_right_q);
    end
  end

  // ---- walk -----------------------------------------------------------------------
  // The per-row values of a data row starting at DRAM address `a` whose
  // scratchpad data starts at `s`.
  function automatic logic [BlockWidth:0] to_block(input logic [BlockWidth-1:0] a);
    to_block = (BlockWidth+1)'(BlockBytes) - (BlockWidth+1)'(a);
  endfunction
  // Whether a row from `a` goes past its block (row_bytes > to_block(a), as
  // a > BlockBytes - row_bytes, the threshold worked out per descriptor: one
  // compare, no add in front of it), and the bytes left after its first
  // block, n - to_block(a) (BlockBytes is a power of two, so a - BlockBytes
  // is a with ones above it: one add).
  function automatic logic past_block(input logic [BlockWidth-1:0] a, input logic big,
                                      input logic [BlockWidth-1:0] thresh);
    past_block = big || (a > thresh);
  endfunction
  function automatic logic [15:0] after_block(input logic [BlockWidth-1:0] a, input logic [15:0] n);
    after_block = n + {{(16-BlockWidth){1'b1}}, a};
  endfunction
  // n > BlockBytes, from n's bits (BlockBytes is a power of two: a bit above
  // it, or its own bit and one below): LUTs, no carry chain (as a compare,
  // after_q's into blk_limited_d was the longest path of the xcup 32x32 run
  // on ef72759, 2961 ps by the proxy)
  function automatic logic above_block(input logic [15:0] n);
    above_block = (n[BlockWidth] && (n[BlockWidth-1:0] != '0)) ||
                  ((n >> (BlockWidth + 1)) != 16'd0);
  endfunction
  // beats after the first of a row from `a` with n - 1 bytes after its
  // first (used when the row ends in its block: no wrap)
  function automatic logic [LenWidth-1:0] row_beats_m1(input logic [OffWidth-1:0] a,
                                                     input logic [BlockWidth-1:0] n_m1);
    logic [BlockWidth:0] e;
    e = (BlockWidth+1)'(a) + (BlockWidth+1)'(n_m1);
    row_beats_m1 = LenWidth'(e >> OffWidth);
  endfunction
  function automatic logic [OffWidth:0] last_beat_bytes(input logic [OffWidth-1:0] a,
                                                        input logic [OffWidth-1:0] n);
    logic [OffWidth-1:0] e;
    e = a + n;  // (a + row_bytes) mod DataBytes
    last_beat_bytes = (e == '0) ? (OffWidth+1)'(DataBytes) : {1'b0, e};
  endfunction

  logic fire, row_done;
  assign fire = op_valid_o && op_ready_i;

  // The two 64-bit addresses: cur's block steps by one block (a 16-bit
  // add), the next data row's address by the stride (a 32-bit add); each
  // with the carry into the high part a cycle later (op_valid_o waits for
  // it).
  logic [63:BlockWidth] cur_blk;
  abacus_addr_acc #(.Width(64 - BlockWidth), .AddBits(1), .LoBits(16), .SettledReg(1'b1)) u_cur_blk (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .load_i    (cur_load),
    .load_val_i(cur_load_val),
    .load_carry_i(1'b0),
    .load_nxt_i('0),
    .add_i     (cur_step),
    .add_val_i (1'b1),
    .use_i     (op_valid_o),
    .val_o     (cur_blk),
    .settled_o (cur_settled)
  );
  assign cur_q = {cur_blk, cur_off_q};
  abacus_addr_acc #(.Width(64), .AddBits(32), .Ahead(1'b1)) u_data_addr (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .load_i    (data_load),
    .load_val_i(data_load_val),
    .load_carry_i(data_load_carry),
    .load_nxt_i(data2_lo_i),
    .add_i     (data_step),
    .add_val_i (stride_q),
    .use_i     (cur_load && !data_load),
    .val_o     (data_addr_q),
    .settled_o (data_settled)
  );

  always_comb begin
    state_d        = state_q;
    rows_left_d    = rows_left_q;
    last_row_d     = last_row_q;
    top_left_d     = top_left_q;
    data_left_d    = data_left_q;
    top_more_d     = top_more_q;
    data_more_d    = data_more_q;
    cur_load       = 1'b0;
    cur_load_val   = data_addr_q[63:BlockWidth];
    cur_step       = 1'b0;
    data_load      = 1'b0;
    data_load_val  = data1_addr_i;
    data_load_carry = data1_carry_i;
    data_step      = 1'b0;
    rem_d          = rem_q;
    to_blk_d       = to_blk_q;
    first_d        = first_q;
    sp_row_d       = sp_row_q;
    sp_next_d      = sp_next_q;
    sp_data_next_d = sp_data_next_q;
    fill_right_d   = fill_right_q;
    row_done       = 1'b0;
    unique case (state_q)
      SIdle: ;
      SPadRow: row_done = fire;
      SFillLeft: if (fire) state_d = SBurst;
      SBurst: begin
        if (fire) begin
          first_d = 1'b0;
          if (blk_limited) begin
            cur_step   = 1'b1;
            rem_d      = after_q;
            to_blk_d   = (BlockWidth+1)'(BlockBytes);
          end else if (pad_right_nz_q) begin
            state_d = SFillRight;
          end else begin
            row_done = 1'b1;
          end
        end
      end
      SFillRight: row_done = fire;
      default: state_d = SIdle;
    endcase
    if (row_done) begin
      if (last_row_q) begin
        state_d = SIdle;
      end else begin
        rows_left_d    = rows_left_q - 17'd1;
        last_row_d     = (rows_left_q == 17'd1);
        sp_row_d       = sp_next_q;
        sp_next_d      = sp_next_q + sp_stride_q;
        sp_data_next_d = sp_data_next_q + sp_stride_q;
        fill_right_d   = sp_data_next_q + SpAddrWidth'(row_bytes_q);
        state_d        = SPadRow;
        if (top_more_q) begin
          top_left_d = top_left_q - 8'd1;
          top_more_d = top_left_q != 8'd1;
        end else if (data_more_q) begin
          data_left_d = data_left_q - 16'd1;
          data_more_d = data_left_q != 16'd1;
          state_d     = pad_left_nz_q ? SFillLeft : SBurst;
          cur_load    = 1'b1;  // (cur_load_val = data_addr_q)
          data_step   = 1'b1;
          rem_d       = row_bytes_q;
          to_blk_d    = to_block(data_addr_q[BlockWidth-1:0]);
          first_d     = 1'b1;
        end
      end
    end
    if (start_i && state_q == SIdle) begin
      rows_left_d    = total_m1_i;
      last_row_d     = (total_m1_i == 17'd0);
      sp_row_d       = sp_addr_i;
      sp_next_d      = sp_addr_i + SpAddrWidth'(sp_stride_i);
      sp_data_next_d = sp_data_i + SpAddrWidth'(sp_stride_i);
      fill_right_d   = sp_data_i + SpAddrWidth'(row_bytes_i);
      // row 0 as a data row (used only if it is one)
      cur_load       = 1'b1;
      cur_load_val   = dram_addr_i[63:BlockWidth];
      data_load      = 1'b1;
      rem_d          = row_bytes_i;
      to_blk_d       = to_block(dram_addr_i[BlockWidth-1:0]);
      first_d        = 1'b1;
      if (pad_top_i != 8'd0) begin
        state_d     = SPadRow;
        top_left_d  = pad_top_i - 8'd1;
        top_more_d  = pad_top_i != 8'd1;
        data_left_d = data_left0_i;
        data_more_d = data_left0_i != 16'd0;
      end else begin
        state_d     = (pad_left_i != 8'd0) ? SFillLeft : SBurst;
        top_left_d  = 8'd0;
        top_more_d  = 1'b0;
        data_left_d = data_left0_i;
        data_more_d = data_left0_i != 16'd0;
      end
    end
    if (abort_i || cancel_i) state_d = SIdle;
  end

  // The current row's values (cur's offset in its block, the bytes after
  // its block, whether its burst is block-limited, its last byte and
  // beat, its delta) are loaded with the next data row's in every cycle
  // of a padding row or right padding (the row start that ends one takes
  // them from there), and in SBurst when the row's last burst goes; a
  // block-limited burst steps them to the next block. Loaded only at a
  // row's start, behind the walk's decisions, cur's offset was the load
  // DMA's longest path alone, 2799 ps in the xcup proxy, then the bytes
  // after, 2619. Between a row's start and its last burst (SFillLeft,
  // SBurst) they hold. data_addr_q's low part is right even while its high
  // part owes a carry. (The assertions below check them in SBurst against
  // the plain walk's rem_q and to_blk_q.)
  logic row_next;  // the next data row's values may be loaded this cycle
  assign row_next = (state_q == SPadRow) || (state_q == SFillRight) ||
                    (state_q == SBurst && fire && !blk_limited);
  always_comb begin
    cur_off_d     = cur_off_q;
    after_d       = after_q;
    blk_limited_d = blk_limited_q;
    row_end_d     = row_end_q;
    len_row_d     = len_row_q;
    row_hi_d      = row_hi_q;
    delta_d       = delta_q;
    if (start_i && state_q == SIdle) begin
      cur_off_d     = dram_addr_i[BlockWidth-1:0];
      after_d       = after_block(dram_addr_i[BlockWidth-1:0], row_bytes_i);
      blk_limited_d = row0_past_i;
      row_end_d     = dram_addr_i[BlockWidth-1:0] + BlockWidth'(row_bytes_m1_i);
      len_row_d     = row_beats_m1(dram_addr_i[OffWidth-1:0], BlockWidth'(row_bytes_m1_i));
      row_hi_d      = last_beat_bytes(dram_addr_i[OffWidth-1:0], row_bytes_i[OffWidth-1:0]);
      delta_d       = sp_data_i - dram_addr_i[SpAddrWidth-1:0];
    end else if (row_next) begin
      cur_off_d     = data_addr_q[BlockWidth-1:0];
      after_d       = after_block(data_addr_q[BlockWidth-1:0], row_bytes_q);
      blk_limited_d = past_block(data_addr_q[BlockWidth-1:0], row_big_q, row_thresh_q);
      row_end_d     = data_addr_q[BlockWidth-1:0] + row_bytes_m1_q;
      len_row_d     = row_beats_m1(data_addr_q[OffWidth-1:0], row_bytes_m1_q);
      row_hi_d      = last_beat_bytes(data_addr_q[OffWidth-1:0], row_bytes_q[OffWidth-1:0]);
      delta_d       = sp_data_next_q - data_addr_q[SpAddrWidth-1:0];
    end else if (state_q == SBurst && fire) begin  // block-limited: the next block
      cur_off_d     = '0;
      after_d       = after_q - 16'(BlockBytes);
      blk_limited_d = above_block(after_q);
      len_row_d     = row_end_q[BlockWidth-1:OffWidth];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= SIdle;
    end else begin
      state_q <= state_d;
    end
  end

  always_ff @(posedge clk_i) begin
    rows_left_q    <= rows_left_d;
    last_row_q     <= last_row_d;
    top_left_q     <= top_left_d;
    data_left_q    <= data_left_d;
    top_more_q     <= top_more_d;
    data_more_q    <= data_more_d;
    cur_off_q      <= cur_off_d;
    rem_q          <= rem_d;
    after_q        <= after_d;
    to_blk_q       <= to_blk_d;
    blk_limited_q  <= blk_limited_d;
    row_end_q      <= row_end_d;
    len_row_q      <= len_row_d;
    row_hi_q       <= row_hi_d;
    delta_q        <= delta_d;
    first_q        <= first_d;
    sp_row_q       <= sp_row_d;
    sp_next_q      <= sp_next_d;
    sp_data_next_q <= sp_data_next_d;
    fill_right_q   <= fill_right_d;
    if (start_i && state_q == SIdle) begin
      row_bytes_q    <= row_bytes_i;
      row_big_q      <= row_big_i;
      row_thresh_q   <= row_thresh_i;
      row_bytes_m1_q <= row_bytes_m1_i[BlockWidth-1:0];
      stride_q       <= stride_i;
      sp_stride_q    <= sp_stride_ext[SpAddrWidth-1:0];
      pad_left_q     <= pad_left_i;
      pad_right_q    <= pad_right_i;
      pad_left_nz_q  <= pad_left_i != 8'd0;
      pad_right_nz_q <= pad_right_i != 8'd0;
      row_width_q    <= row_width_i;
    end
  end

`ifndef SYNTHESIS
  // The burst each DATA operation describes, from its address and the bytes
  // left in its row alone: the kept registers must agree with it.
  logic [16:0] ref_n, ref_end;
  always_comb begin
    ref_n   = 17'(rem_q);
    if (17'(to_block(cur_q[BlockWidth-1:0])) < ref_n) ref_n = 17'(to_block(cur_q[BlockWidth-1:0]));
    ref_end = 17'(cur_q[OffWidth-1:0]) + ref_n;  // bytes from the first beat's start
  end
  // the caller's threshold is this block size's
  `ABACUS_ASSERT(SplitThreshold, !(start_i && state_q == SIdle) ||
                 (row_big_i == (17'(row_bytes_i) > 17'(BlockBytes)) &&
                  (row_big_i || 17'(row_thresh_i) == 17'(BlockBytes) - 17'(row_bytes_i)) &&
                  row0_past_i == past_block(dram_addr_i[BlockWidth-1:0], row_big_i, row_thresh_i)))
  `ABACUS_ASSERT(SplitLenRow, state_q != SBurst || blk_limited ||
                 len_row_q == row_end_q[BlockWidth-1:OffWidth] - cur_q[BlockWidth-1:OffWidth])
  `ABACUS_ASSERT(SplitData1, !(start_i && state_q == SIdle) ||
                 data1_addr_i + (data1_carry_i ? 64'd1 << 32 : 64'd0) ==
                 ((pad_top_i != 8'd0) ? dram_addr_i : dram_addr_i + 64'(stride_i)))
  // a row's start and a block step set cur's offset as the plain walk does
  `ABACUS_ASSERT(SplitCurOff, (!cur_load || cur_off_d == ((start_i && state_q == SIdle) ?
                                                          dram_addr_i[BlockWidth-1:0] :
                                                          data_addr_q[BlockWidth-1:0])) &&
                              (!cur_step || cur_off_d == '0))
  `ABACUS_ASSERT(SplitBlockBytes, state_q != SBurst || to_blk_q == to_block(cur_q[BlockWidth-1:0]))
  `ABACUS_ASSERT(SplitAfter, state_q != SBurst || after_q == rem_q - 16'(to_blk_q))
  `ABACUS_ASSERT(SplitMoreFlags, state_q == SIdle ||
                 (top_more_q == (top_left_q != 8'd0) && data_more_q == (data_left_q != 16'd0)))
  `ABACUS_ASSERT(SplitPadFlags, state_q == SIdle ||
                 (pad_left_nz_q == (pad_left_q != 8'd0) && pad_right_nz_q == (pad_right_q != 8'd0)))
  `ABACUS_ASSERT(SplitLen0, !op_valid_o || op_fill_o || op_len0_o == (op_len_o == 8'd0))
  `ABACUS_ASSERT(SplitBlockLimited, state_q != SBurst || blk_limited_q == (17'(to_blk_q) < 17'(rem_q)))
  `ABACUS_ASSERT(SplitBeats, state_q != SBurst ||
                 17'(op_len_o) + 17'd1 == (ref_end + 17'(DataBytes - 1)) >> OffWidth)
  `ABACUS_ASSERT(SplitLastBeat, state_q != SBurst ||
                 op_hi_o == ref_end[OffWidth:0] - (OffWidth+1)'(DataBytes) * (OffWidth+1)'(op_len_o))
`endif
endmodule
