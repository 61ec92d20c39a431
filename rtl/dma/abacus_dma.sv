`include "abacus_axi.svh"
`include "abacus_desc.svh"
`include "abacus_assert.svh"
// Abacus DMA engine: an AXI4 master moving 2-D regions between DRAM and a
// scratchpad.
//
// Descriptor: dir (0 load DRAM->scratchpad, 1 store), DRAM byte address,
// rows, bytes per row, DRAM row stride, scratchpad byte address and row
// stride, and for loads padding rows (top, bottom) and columns (left,
// right) filled with pad_value (the conv input zero point).
//
// Checked before any bus request (in three registered steps after acceptance):
//   - zero rows or zero bytes per row: done, OK, no traffic;
//   - DRAM range [addr, addr + (rows-1)*stride + row_bytes) must not wrap
//     and must lie inside the window [window_base, window_limit):
//     else DmaErrWindow with the lowest offending address;
//   - a store with padding, scratchpad rows that overlap, or a scratchpad
//     range past SpBytes: DmaErrDesc (address = scratchpad address).
// Descriptors are pipelined: the next one is taken as soon as the previous
// one's operations have all been issued, so one descriptor's memory latency
// hides behind the next. done_o pulses once per descriptor, in order, when
// its data has landed (loads) or every burst was answered (stores); the
// status holds until the next pulse. A rejected or zero-length descriptor
// reports once everything before it has completed.
// Bus errors: see abacus_dma_rd / abacus_dma_wr. After an error, issue
// stops, everything in flight drains, and one done_o reports the error
// (descriptors taken after the failing one report nothing); no descriptor
// is taken until clear_i (the soft reset).
module abacus_dma #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned SpBytes = 65536,
  parameter int unsigned MaxReads = 8,
  parameter int unsigned MaxWrites = 8,
  parameter int unsigned IdWidth = 4,
  // The directions this instance moves. A load-only or store-only DMA
  // instantiates only that engine; its other direction's AXI outputs are
  // constant 0 and a descriptor for it is rejected (DmaErrDesc).
  parameter bit HasLoad = 1'b1,
  parameter bit HasStore = 1'b1,
  localparam int unsigned DataBytes = DataWidth / 8,
  localparam int unsigned OffWidth = $clog2(DataBytes),
  localparam int unsigned SpAddrWidth = $clog2(SpBytes),
  localparam int unsigned SpWordWidth = SpAddrWidth - OffWidth
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   clear_i,
  input  logic [63:0]            window_base_i,
  input  logic [63:0]            window_limit_i,
  `ABACUS_DESC_IN_PORTS(desc),  // the descriptor: rtl/common/abacus_desc.svh
  // completion
  output logic                   busy_o,
  output logic                   done_o,
  output logic [2:0]             status_o,     // abacus_pkg::Dma*
  output logic                   status_store_o,
  output logic [63:0]            status_addr_o,
  // AXI4 master
  `ABACUS_AXI_M_PORTS(axi, IdWidth, DataWidth),  // AXI4 master: rtl/common/abacus_axi.svh
  // scratchpad
  output logic                   sp_we_o,
  output logic [SpWordWidth-1:0] sp_waddr_o,
  output logic                   sp_we_next_o,     // sp_we_o and sp_waddr_o of the next cycle
  output logic [SpWordWidth-1:0] sp_waddr_next_o,
  output logic [DataWidth-1:0]   sp_wdata_o,
  output logic [DataBytes-1:0]   sp_wstrb_o,
  output logic                   sp_re_o,
  output logic [SpWordWidth-1:0] sp_raddr_o,
  input  logic [DataWidth-1:0]   sp_rdata_i
);
  typedef enum logic [2:0] {
    SIdle,
    SSpan,    // the descriptor's extents: two multiplies, registered
    SCmp,     // the extents against their rooms, each compare in two registered halves
    SCheck,   // the splitter started (or a zero-length descriptor reported)
    SStarted, // the halves combined: the splitter cancelled and the failure reported, or done
    SReport
  } state_e;

  state_e state_q;
  logic   sticky_err_q;

  // ---- descriptor register ------------------------------------------------------
  logic        d_store;
  logic [63:0] d_addr;
  logic [15:0] d_rows, d_row_bytes, d_sp_stride;
  logic [15:0] d_data_left0;  // the splitter's data rows after row 0
  logic [16:0] d_total_m1;  // rows with padding, - 1
  logic [16:0] d_row_width; // pad_left + row_bytes + pad_right
  logic [31:0] d_stride, d_sp_addr;
  logic [7:0]  d_top, d_bottom, d_left, d_right, d_pad;
  logic        accept;
  logic sp_busy, rd_busy, wr_busy, engine_err, engines_idle, err_reported_q;
  assign desc_ready_o = (state_q == SIdle) && !sp_busy && !sticky_err_q && !engine_err;
  assign accept       = desc_valid_i && desc_ready_o;
  always_ff @(posedge clk_i) begin
    if (accept) begin
      d_store     <= desc_store_i;
      d_addr      <= desc_dram_addr_i;
      d_rows      <= desc_rows_i;
      d_data_left0 <= (desc_pad_top_i != 8'd0) ? desc_rows_i : desc_rows_i - 16'd1;
      // the scratchpad extent's first operand, a cycle ahead of its multiply
      d_total_m1  <= 17'(desc_pad_top_i) + 17'(desc_rows_i) + 17'(desc_pad_bottom_i) - 17'd1;
      d_row_width <= 17'(desc_pad_left_i) + 17'(desc_row_bytes_i) + 17'(desc_pad_right_i);
      d_row_bytes <= desc_row_bytes_i;
      d_stride    <= desc_stride_i;
      d_sp_addr   <= desc_sp_addr_i;
      d_sp_stride <= desc_sp_stride_i;
      d_top       <= desc_pad_top_i;
      d_bottom    <= desc_pad_bottom_i;
      d_left      <= desc_pad_left_i;
      d_right     <= desc_pad_right_i;
      d_pad       <= desc_pad_value_i;
    end
  end

  // ---- checks ---------------------------------------------------------------------
  // Three steps, so that each cycle has at most one multiply or one add or
  // compare of 33 bits: SSpan registers the extents (rows x stride in DRAM,
  // padded rows x stride in the scratchpad) and, beside them, the room each
  // may use (from the start address to the window's limit, to 2^64, to the
  // scratchpad's end); SCmp compares each extent with its room in a high
  // and a low half, registered; SCheck combines the halves.
  logic        zero_len, has_pad, wraps, above, sp_over, sp_bad;
  logic [48:0] span;           // DRAM bytes from the first to the end of the last row
                               // (from SCmp: the registered halves, picked)
  logic [16:0] row_width_q;
  logic [48:0] sp_span_q;      // scratchpad bytes from the first row to the last row's start
  logic [64:0] room;           // window_limit - d_addr (negative: the start is past the limit)
  logic [64:0] to_top;         // 2^64 - d_addr: the most bytes that do not wrap
  // (each in halves: the low 32 bits with the borrow out of them, and the
  // high half for either borrow, picked in SCmp; a 65-bit subtract would
  // be one carry chain of 65 bits)
  logic [32:0] room_lo_q, top_lo_q;
  logic [32:0] room_hi0_q, room_hi1_q, top_hi0_q, top_hi1_q;
  logic        below_q, sp_hi_q, overlap_q, zero_len_q;
  // the splitter's block threshold for this row width (its block size,
  // which the splitter's assertion SplitThreshold checks)
  localparam int unsigned BlockBytes = (256 * DataBytes < 4096) ? 256 * DataBytes : 4096;
  localparam int unsigned BlockWidth = $clog2(BlockBytes);
  logic                  row_big_q;
  // whether row 0 goes past its first block (the splitter's past_block of
  // d_addr, registered in SCmp: worked out at the start, the compare in
  // front of the walk's block flag was the longest path of the load DMA
  // alone, 2824 ps in the xcup proxy)
  logic                  row0_past_q;
  logic [BlockWidth-1:0] row_thresh_q;
  // SpBytes - sp_addr - row_width, signed: sp_addr is taken modulo the
  // scratchpad here (its high bits are sp_hi_q) and the row width is below
  // 2^17, so the room lies in [-2^(M+1), 2^M], M = max(SpAddrWidth, 17)
  localparam int unsigned RoomWidth = ((SpAddrWidth > 17) ? SpAddrWidth : 17) + 2;
  logic [RoomWidth-1:0] sp_room_q;
  // the room's first difference, taken with the descriptor, a cycle ahead
  // of the second (as one three-operand subtract in SSpan, sp_room_q was
  // 2719 ps in the xcup 32x32 run on 47a2ba8, proxy)
  logic [RoomWidth-1:0] d_sp_left;  // SpBytes - sp_addr (mod the scratchpad)
  always_ff @(posedge clk_i) begin
    if (accept) d_sp_left <= RoomWidth'(SpBytes) - RoomWidth'(desc_sp_addr_i[SpAddrWidth-1:0]);
  end
  logic [63:0] window_addr;
  // the splitter's start values that are sums of two fields
  logic [32:0]            addr2_lo_q;  // d_addr + stride, the second row: the low half
  // the splitter's next data row once row 0 is taken: row 0 if it is a
  // padding row, else the second row (the low half with its carry out,
  // picked in SCmp: picked in the splitter, in front of its next-row
  // address's add, it kept that add's carry select and its load apart,
  // 2533 ps in the xcup 32x32 proxy run on eb367eb)
  logic [32:0]            data1_lo_q;
  // the data row after it, its low half + stride with that add's carry out
  // (the splitter's next-row address keeps its next value ready)
  logic [32:0]            data2_lo_q, addr3_lo;
  abacus_add_cs #(.Width(32)) u_addr3 (
    .a_i  (addr2_lo_q[31:0]),
    .b_i  (d_stride),
    .sum_o(addr3_lo)
  );
                                       // and its carry (the splitter adds it to the high half)
  logic [SpAddrWidth-1:0] sp_data_q;   // d_sp_addr + pad_left: row 0's first data byte
  logic [15:0]            row_bytes_m1_q;
  // The DRAM extent (rows - 1) * stride + row_bytes: (rows - 1) * stride
  // is multiplied in the cycle the descriptor is taken, from the ports (the
  // engines hold a descriptor in a register while they offer it), as two
  // products of 16 x 16 bits, one DSP each with its output registered.
  // SSpan adds them and row_bytes as one add of two 48-bit operands (in
  // halves, below): the high product with the low product's low half
  // beside it, and the low product's high half with row_bytes beside it
  // (the extent is below 2^48 - 2^32: nothing is carried out of bit 47). (The
  // 16 x 32 product of two cascaded DSP48E1s and the add behind it in one
  // cycle was the xc7 runs' longest path, 5961 ps.) For rows = 0 the
  // extent is not used (zero_len).
  logic [31:0] prod_lo_q, prod_hi_q;  // (rows - 1) * stride[15:0], * stride[31:16]
  logic [15:0] rows_m1;
  assign rows_m1 = desc_rows_i - 16'd1;
  always_ff @(posedge clk_i) begin
    if (accept) begin
      prod_lo_q <= 32'(rows_m1) * 32'(desc_stride_i[15:0]);
      prod_hi_q <= 32'(rows_m1) * 32'(desc_stride_i[31:16]);
    end
  end
  // The 48-bit add as a carry select: SSpan adds the low halves, and the
  // high halves with a carry in of 0 and of 1, each registered; the low
  // half's carry out picks the high half in SCmp, in front of the
  // compares. (As one 48-bit carry chain behind the products' DSP48E1
  // output it was the whole xc7 32x32 run's second longest path, 3896 ps on
  // 91d668f, proxy; picked in SSpan, 3730 ps; docs/fpga.md.) The carry in
  // is a low bit of both operands: written as + 1, synthesis took that sum
  // from the other, one chain behind the other.
  logic [47:0] span_a, span_b;
  logic [24:0] span_lo_q;        // the low halves' sum and carry out
  logic [23:0] span_hi0_q;       // the high halves' sum, carry in 0
  /* verilator lint_off UNUSEDSIGNAL */  // bit 0: the carry in's own sum bit
  logic [24:0] span_hi1;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [23:0] span_hi1_q;       // the high halves' sum, carry in 1
  assign span_a   = {prod_hi_q, prod_lo_q[15:0]};
  assign span_b   = {16'd0, prod_lo_q[31:16], d_row_bytes};
  assign span_hi1 = {span_a[47:24], 1'b1} + {span_b[47:24], 1'b1};
  assign span     = {1'b0, span_lo_q[24] ? span_hi1_q : span_hi0_q, span_lo_q[23:0]};
  always_ff @(posedge clk_i) begin
    if (state_q == SSpan) begin
      span_lo_q      <= {1'b0, span_a[23:0]} + {1'b0, span_b[23:0]};
      span_hi0_q     <= span_a[47:24] + span_b[47:24];
      span_hi1_q     <= span_hi1[24:1];
      sp_span_q      <= 49'(d_total_m1) * 49'(d_sp_stride);
      row_width_q    <= d_row_width;
      room_lo_q      <= {1'b0, window_limit_i[31:0]} - {1'b0, d_addr[31:0]};
      room_hi0_q     <= {1'b0, window_limit_i[63:32]} - {1'b0, d_addr[63:32]};
      room_hi1_q     <= {1'b0, window_limit_i[63:32]} + {1'b1, ~d_addr[63:32]};
      top_lo_q       <= 33'd0 - {1'b0, d_addr[31:0]};
      top_hi0_q      <= {1'b1, 32'd0} - {1'b0, d_addr[63:32]};
      top_hi1_q      <= {1'b0, ~d_addr[63:32]};
      below_q        <= d_addr < window_base_i;
      sp_hi_q        <= (d_sp_addr[31:SpAddrWidth] != '0);
      sp_room_q      <= d_sp_left - RoomWidth'(d_row_width);
      // (more than one padded row; a zero-row descriptor is done before this counts)
      overlap_q      <= d_total_m1 != 17'd0 && 17'(d_sp_stride) < d_row_width;
      addr2_lo_q     <= {1'b0, d_addr[31:0]} + {1'b0, d_stride};
      sp_data_q      <= SpAddrWidth'(d_sp_addr) + SpAddrWidth'(d_left);
      row_bytes_m1_q <= d_row_bytes - 16'd1;
      zero_len_q     <= (d_rows == '0) || (d_row_bytes == '0);
      row_big_q      <= 17'(d_row_bytes) > 17'(BlockBytes);
      row_thresh_q   <= BlockWidth'(17'(BlockBytes) - 17'(d_row_bytes));
      has_pad_q      <= (d_top | d_bottom | d_left | d_right) != '0;
    end
  end
  // x > y for 65-bit x and y, as (high halves greater) or (equal and the low
  // halves greater), each half registered in SCmp. The scratchpad's: the
  // span is over a room that is negative or below 2^(RoomWidth-1) if its
  // bits above the room's are set, else by a RoomWidth-bit compare.
  logic        wr_gt_hi, wr_eq_hi, wr_gt_lo_q;  // span > to_top
  logic        ab_gt_hi, ab_eq_hi, ab_gt_lo_q;  // span > room
  // (the high halves' compares are registered for all four candidates and
  // picked in SCheck: picked in SCmp, behind the 17-bit zero test and the
  // 16-bit compare, they were 2531-2537 ps in the xcup 32x32 proxy run on
  // eb367eb)
  logic [3:0]  wr_gt4_q, wr_eq4_q, ab_gt4_q, ab_eq4_q;  // {c1b1, c1b0, c0b1, c0b0}
  logic        sp_big_q, sp_gt_q;                   // sp_span > sp_room
  // the room's sign and whether it is zero, registered in SCmp (picked and
  // tested in SCheck, in front of the error address's multiplexer, they
  // were 2821 ps in the xcup 16x16 proxy run, issue 13's target 2.5 ns),
  // and whether the descriptor pads, registered in SSpan
  logic        room_neg_q, room_zero, has_pad_q;
  // (whether the room is zero, as its halves' zero flags picked in SCheck)
  logic        room_lo_zero_q, room_hi0_zero_q, room_hi1_zero_q;
  assign room   = {room_lo_q[32] ? room_hi1_q : room_hi0_q, room_lo_q[31:0]};
  assign to_top = {top_lo_q[32] ? top_hi1_q : top_hi0_q, top_lo_q[31:0]};
  // The span is below 2^48: its high half (bits 64..32) is 16 bits, and
  // greater than a 33-bit y when y's bits 32..16 are zero and its low 16
  // are below. Each half is compared for both of the span's candidates
  // (carry in 0 and 1) and both of the other's, then picked: with the
  // span's pick in front of a 33-bit compare, the high halves were the
  // xcup 32x32 run's 2757-2768 ps paths on 47a2ba8 (proxy).
  logic [15:0] s_hi0, s_hi1;  // span[47:32] for either carry
  logic [31:0] s_lo0, s_lo1;  // span[31:0] for either carry
  assign s_hi0 = span_hi0_q[23:8];
  assign s_hi1 = span_hi1_q[23:8];
  assign s_lo0 = {span_hi0_q[7:0], span_lo_q[23:0]};
  assign s_lo1 = {span_hi1_q[7:0], span_lo_q[23:0]};
  function automatic logic hi_gt(input logic [15:0] x, input logic [32:0] y);
    hi_gt = (y[32:16] == '0) && (x > y[15:0]);
  endfunction
  function automatic logic hi_eq(input logic [15:0] x, input logic [32:0] y);
    hi_eq = (y[32:16] == '0) && (x == y[15:0]);
  endfunction
  // one of four, by the span's carry (c) and the other's borrow (b)
  function automatic logic pick4(input logic c, input logic b, input logic c0b0, input logic c0b1,
                                 input logic c1b0, input logic c1b1);
    pick4 = c ? (b ? c1b1 : c1b0) : (b ? c0b1 : c0b0);
  endfunction
  logic sc;
  assign sc = span_lo_q[24];
  always_ff @(posedge clk_i) begin
    if (state_q == SCmp) begin
      wr_gt4_q   <= {hi_gt(s_hi1, top_hi1_q), hi_gt(s_hi1, top_hi0_q),
                     hi_gt(s_hi0, top_hi1_q), hi_gt(s_hi0, top_hi0_q)};
      wr_eq4_q   <= {hi_eq(s_hi1, top_hi1_q), hi_eq(s_hi1, top_hi0_q),
                     hi_eq(s_hi0, top_hi1_q), hi_eq(s_hi0, top_hi0_q)};
      wr_gt_lo_q <= sc ? (s_lo1 > top_lo_q[31:0]) : (s_lo0 > top_lo_q[31:0]);
      ab_gt4_q   <= {hi_gt(s_hi1, room_hi1_q), hi_gt(s_hi1, room_hi0_q),
                     hi_gt(s_hi0, room_hi1_q), hi_gt(s_hi0, room_hi0_q)};
      ab_eq4_q   <= {hi_eq(s_hi1, room_hi1_q), hi_eq(s_hi1, room_hi0_q),
                     hi_eq(s_hi0, room_hi1_q), hi_eq(s_hi0, room_hi0_q)};
      ab_gt_lo_q <= sc ? (s_lo1 > room_lo_q[31:0]) : (s_lo0 > room_lo_q[31:0]);
      sp_big_q   <= sp_room_q[RoomWidth-1] || (sp_span_q[48:RoomWidth-1] != '0);
      sp_gt_q    <= sp_span_q[RoomWidth-2:0] > sp_room_q[RoomWidth-2:0];
      room_neg_q  <= room[64];
      data1_lo_q  <= (d_top != '0) ? {1'b0, d_addr[31:0]} : addr2_lo_q;
      data2_lo_q  <= (d_top != '0) ? addr2_lo_q : addr3_lo;
      row0_past_q <= row_big_q || (d_addr[BlockWidth-1:0] > row_thresh_q);
      room_lo_zero_q  <= room_lo_q[31:0] == '0;
      room_hi0_zero_q <= room_hi0_q == '0;
      room_hi1_zero_q <= room_hi1_q == '0;
    end
  end
  always_comb begin
    zero_len    = zero_len_q;
    has_pad     = has_pad_q;
    // d_addr + span > 2^64, > window_limit; sp_addr + sp_span + row_width > SpBytes
    wr_gt_hi    = pick4(sc, top_lo_q[32], wr_gt4_q[0], wr_gt4_q[1], wr_gt4_q[2], wr_gt4_q[3]);
    ab_gt_hi    = pick4(sc, room_lo_q[32], ab_gt4_q[0], ab_gt4_q[1], ab_gt4_q[2], ab_gt4_q[3]);
    wr_eq_hi    = pick4(sc, top_lo_q[32], wr_eq4_q[0], wr_eq4_q[1], wr_eq4_q[2], wr_eq4_q[3]);
    ab_eq_hi    = pick4(sc, room_lo_q[32], ab_eq4_q[0], ab_eq4_q[1], ab_eq4_q[2], ab_eq4_q[3]);
    room_zero   = room_lo_zero_q && (room_lo_q[32] ? room_hi1_zero_q : room_hi0_zero_q);
    wraps       = wr_gt_hi || (wr_eq_hi && wr_gt_lo_q);
    above       = room_neg_q || ab_gt_hi || (ab_eq_hi && ab_gt_lo_q);
    sp_over     = sp_hi_q || sp_big_q || sp_gt_q;
    sp_bad      = (d_store && has_pad) || sp_over || (d_store ? !HasStore : !HasLoad) || overlap_q;
    window_addr = (wraps || below_q || room_neg_q || room_zero) ? d_addr : window_limit_i;
  end
`ifndef SYNTHESIS
  // the split compares against the plain ones
  `ABACUS_ASSERT(DmaRoomHalves, state_q != SCheck ||
                 (room == {1'b0, window_limit_i} - {1'b0, d_addr} && to_top == {1'b1, 64'd0} - {1'b0, d_addr}))
  `ABACUS_ASSERT(DmaSpanExact, state_q != SCmp || d_rows == '0 ||
                 span == (49'(d_rows) - 49'd1) * 49'(d_stride) + 49'(d_row_bytes))
  `ABACUS_ASSERT(DmaCmpWraps, state_q != SCheck || wraps == (65'(span) > to_top))
  `ABACUS_ASSERT(DmaRoomFlags, state_q != SCheck ||
                 (room_neg_q == room[64] && room_zero == (room == '0) &&
                  has_pad_q == ((d_top | d_bottom | d_left | d_right) != '0)))
  `ABACUS_ASSERT(DmaCmpAbove, state_q != SCheck ||
                 above == (room[64] || 65'(span) > room))
  `ABACUS_ASSERT(DmaSpRoom, state_q != SCmp || sp_room_q == RoomWidth'(SpBytes) -
                 RoomWidth'(d_sp_addr[SpAddrWidth-1:0]) - RoomWidth'(d_row_width))
  `ABACUS_ASSERT(DmaCmpSpOver, state_q != SCheck ||
                 sp_over == (sp_hi_q || $signed({2'b00, sp_span_q}) >
                             $signed({{(51-RoomWidth){sp_room_q[RoomWidth-1]}}, sp_room_q})))
`endif

  // ---- engines ----------------------------------------------------------------------
  logic                   sp_start, abort, chk_fail_q;
  logic                   op_valid, op_ready, op_fill, op_row_first, op_row_last, op_last;
  logic [63:0]            op_addr;
  logic [7:0]             op_len;
  logic                   op_len0;
  logic [OffWidth-1:0]    op_lo;
  logic [OffWidth:0]      op_hi;
  logic [SpAddrWidth-1:0] op_delta, op_fill_addr;
  logic [16:0]            op_fill_bytes;

  // The splitter's operations go through a two-entry queue (registered
  // head, registered flags) before the read or write path takes them, so
  // the splitter's own handshake is its valid and the queue's registered
  // room: the read path's acceptance (AR slot, stage register, errors)
  // through the splitter's state decode into its walk registers' enables
  // was the biggest family over 2.5 ns in the xcup 16x16 proxy run on
  // 9989330 (about 250 endpoints, up to 2829 ps). An entry carries its
  // direction and pad byte: the next descriptor may be taken while the
  // queue drains. An engine error clears it (the engines take nothing
  // after one). A first operation reaches its engine a cycle later.
  logic                   s_valid, s_ready, s_fill, s_row_first, s_row_last, s_last, s_store;
  logic [63:0]            s_addr;
  logic [7:0]             s_len, s_pad;
  logic                   s_len0;
  logic                   s_aligned;  // s_delta's offset within a bus word is 0 (for the write path)
  logic [OffWidth-1:0]    s_lo;
  logic [OffWidth:0]      s_hi;
  logic [SpAddrWidth-1:0] s_delta, s_fill_addr;
  logic [16:0]            s_fill_bytes;
  localparam int unsigned OpBits = 1 + 64 + 8 + 1 + OffWidth + (OffWidth + 1) + 2 * SpAddrWidth +
                                   17 + 3 + 1 + 8 + 1;
  abacus_fifo #(.Width(OpBits), .Depth(2), .OutReg(1'b1), .FlopMem(1'b1)) u_opq (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (abort),
    .wvalid_i(op_valid),
    .wready_o(op_ready),
    .wdata_i ({op_fill, op_addr, op_len, op_len0, op_lo, op_hi, op_delta, op_fill_addr, op_fill_bytes,
               op_row_first, op_row_last, op_last, d_store, d_pad,
               op_delta[OffWidth-1:0] == '0}),
    .rvalid_o(s_valid),
    .rready_i(s_ready),
    .rdata_o ({s_fill, s_addr, s_len, s_len0, s_lo, s_hi, s_delta, s_fill_addr, s_fill_bytes,
               s_row_first, s_row_last, s_last, s_store, s_pad, s_aligned}),
    .count_o ()
  );

  abacus_dma_split #(.DataBytes(DataBytes), .SpAddrWidth(SpAddrWidth)) u_split (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .start_i        (sp_start),
    .cancel_i       (chk_fail_q),
    .abort_i        (abort),
    .dram_addr_i    (d_addr),
    .data1_addr_i   ({d_addr[63:32], data1_lo_q[31:0]}),
    .data1_carry_i  (data1_lo_q[32]),
    .data2_lo_i     (data2_lo_q),
    .data_left0_i   (d_data_left0),
    .row_bytes_i    (d_row_bytes),
    .row_bytes_m1_i (row_bytes_m1_q),
    .row_big_i      (row_big_q),
    .row_thresh_i   (row_thresh_q),
    .row0_past_i    (row0_past_q),
    .stride_i       (d_stride),
    .sp_addr_i      (SpAddrWidth'(d_sp_addr)),
    .sp_data_i      (sp_data_q),
    .sp_stride_i    (d_sp_stride),
    .pad_top_i      (d_top),
    .total_m1_i     (d_total_m1),
    .row_width_i    (row_width_q),
    .pad_left_i     (d_left),
    .pad_right_i    (d_right),
    .busy_o         (sp_busy),
    .op_valid_o     (op_valid),
    .op_ready_i     (op_ready),
    .op_fill_o      (op_fill),
    .op_addr_o      (op_addr),
    .op_len_o       (op_len),
    .op_len0_o      (op_len0),
    .op_lo_o        (op_lo),
    .op_hi_o        (op_hi),
    .op_delta_o     (op_delta),
    .op_row_first_o (op_row_first),
    .op_row_last_o  (op_row_last),
    .op_last_o      (op_last),
    .op_fill_addr_o (op_fill_addr),
    .op_fill_bytes_o(op_fill_bytes)
  );

  logic        rd_ready, rd_err, wr_ready, wr_err, rd_done, wr_done;
  logic [1:0]  rd_resp, wr_resp;
  logic [63:0] rd_err_addr, wr_err_addr;
  assign s_ready = s_store ? wr_ready : rd_ready;
  // either direction's path or queued operations
  logic rd_side_busy, wr_side_busy;
  assign rd_side_busy = rd_busy || (s_valid && !s_store);
  assign wr_side_busy = wr_busy || (s_valid && s_store);
  assign engines_idle = !sp_busy && !rd_side_busy && !wr_side_busy;
  // The other direction's busy, a cycle late, for the start of a
  // descriptor that changes direction (the read or write path's busy flag
  // through the queue's valid into the splitter's start and its walk
  // registers was 2681 ps in the xcup 16x16 proxy run on 2a8955a). Nothing
  // makes a direction busy but a descriptor of its own, and none starts
  // while this one waits in SCheck, so idle a cycle ago is idle now; a
  // change of direction may start a cycle later.
  logic rd_side_busy_q, wr_side_busy_q;
  abacus_delay_rst #(.Width(2), .Depth(1)) u_side_busy (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .d_i  ({rd_side_busy, wr_side_busy}),
    .q_o  ({rd_side_busy_q, wr_side_busy_q})
  );
  `ABACUS_ASSERT(DmaSideBusyNeverRisesInCheck, state_q != SCheck ||
                 ((rd_side_busy_q || !rd_side_busy) && (wr_side_busy_q || !wr_side_busy)))

  if (HasLoad) begin : g_rd
    abacus_dma_rd #(
      .DataWidth  (DataWidth),
      .SpAddrWidth(SpAddrWidth),
      .MaxReads   (MaxReads),
      .IdWidth    (IdWidth)
    ) u_rd (
      .clk_i          (clk_i),
      .rst_ni         (rst_ni),
      .clear_i        (clear_i),
      .pad_value_i    (s_pad),
      .op_valid_i     (s_valid && !s_store),
      .op_ready_o     (rd_ready),
      .op_fill_i      (s_fill),
      .op_addr_i      (s_addr),
      .op_len_i       (s_len),
      .op_lo_i        (s_lo),
      .op_hi_i        (s_hi),
      .op_delta_i     (s_delta),
      .op_row_first_i (s_row_first),
      .op_row_last_i  (s_row_last),
      .op_last_i      (s_last),
      .op_fill_addr_i (s_fill_addr),
      .op_fill_bytes_i(s_fill_bytes),
      .ar_valid_o     (axi_arvalid_o),
      .ar_ready_i     (axi_arready_i),
      .ar_addr_o      (axi_araddr_o),
      .ar_len_o       (axi_arlen_o),
      .ar_id_o        (axi_arid_o),
      .r_valid_i      (axi_rvalid_i),
      .r_ready_o      (axi_rready_o),
      .r_data_i       (axi_rdata_i),
      .r_resp_i       (axi_rresp_i),
      .r_last_i       (axi_rlast_i),
      .sp_we_o        (sp_we_o),
      .sp_waddr_o     (sp_waddr_o),
      .sp_we_next_o   (sp_we_next_o),
      .sp_waddr_next_o(sp_waddr_next_o),
      .sp_wdata_o     (sp_wdata_o),
      .sp_wstrb_o     (sp_wstrb_o),
      .busy_o         (rd_busy),
      .desc_done_o    (rd_done),
      .err_o          (rd_err),
      .err_resp_o     (rd_resp),
      .err_addr_o     (rd_err_addr)
    );
  end else begin : g_no_rd
    assign rd_ready = 1'b0;  assign rd_busy = 1'b0;  assign rd_done = 1'b0;
    assign rd_err = 1'b0;    assign rd_resp = '0;    assign rd_err_addr = '0;
    assign axi_arvalid_o = 1'b0;  assign axi_araddr_o = '0;  assign axi_arlen_o = '0;
    assign axi_arid_o = '0;       assign axi_rready_o = 1'b0;
    assign sp_we_o = 1'b0;  assign sp_waddr_o = '0;  assign sp_wdata_o = '0;  assign sp_wstrb_o = '0;
    assign sp_we_next_o = 1'b0;  assign sp_waddr_next_o = '0;
    logic unused_rd;
    assign unused_rd = ^{axi_arready_i, axi_rvalid_i, axi_rdata_i, axi_rresp_i, axi_rlast_i,
                         s_fill, s_row_last, s_fill_addr, s_fill_bytes, s_pad};
  end

  if (HasStore) begin : g_wr
    abacus_dma_wr #(
      .DataWidth  (DataWidth),
      .SpAddrWidth(SpAddrWidth),
      .MaxWrites  (MaxWrites),
      .IdWidth    (IdWidth)
    ) u_wr (
      .clk_i         (clk_i),
      .rst_ni        (rst_ni),
      .clear_i       (clear_i),
      .op_valid_i    (s_valid && s_store),
      .op_ready_o    (wr_ready),
      .op_addr_i     (s_addr),
      .op_len_i      (s_len),
      .op_len0_i     (s_len0),
      .op_lo_i       (s_lo),
      .op_hi_i       (s_hi),
      .op_delta_i    (s_delta),
      .op_aligned_i  (s_aligned),
      .op_row_first_i(s_row_first),
      .op_last_i     (s_last),
      .aw_valid_o    (axi_awvalid_o),
      .aw_ready_i    (axi_awready_i),
      .aw_addr_o     (axi_awaddr_o),
      .aw_len_o      (axi_awlen_o),
      .aw_id_o       (axi_awid_o),
      .w_valid_o     (axi_wvalid_o),
      .w_ready_i     (axi_wready_i),
      .w_data_o      (axi_wdata_o),
      .w_strb_o      (axi_wstrb_o),
      .w_last_o      (axi_wlast_o),
      .b_valid_i     (axi_bvalid_i),
      .b_ready_o     (axi_bready_o),
      .b_resp_i      (axi_bresp_i),
      .sp_re_o       (sp_re_o),
      .sp_raddr_o    (sp_raddr_o),
      .sp_rdata_i    (sp_rdata_i),
      .busy_o        (wr_busy),
      .desc_done_o   (wr_done),
      .err_o         (wr_err),
      .err_resp_o    (wr_resp),
      .err_addr_o    (wr_err_addr)
    );
  end else begin : g_no_wr
    assign wr_ready = 1'b0;  assign wr_busy = 1'b0;  assign wr_done = 1'b0;
    assign wr_err = 1'b0;    assign wr_resp = '0;    assign wr_err_addr = '0;
    assign axi_awvalid_o = 1'b0;  assign axi_awaddr_o = '0;  assign axi_awlen_o = '0;
    assign axi_awid_o = '0;       assign axi_wvalid_o = 1'b0;  assign axi_wdata_o = '0;
    assign axi_wstrb_o = '0;      assign axi_wlast_o = 1'b0;   assign axi_bready_o = 1'b0;
    assign sp_re_o = 1'b0;        assign sp_raddr_o = '0;
    logic unused_wr;
    assign unused_wr = ^{axi_awready_i, axi_wready_i, axi_bvalid_i, axi_bresp_i, sp_rdata_i,
                         s_len0, s_aligned};  // (the read path tests its registered length)
  end

  localparam logic [2:0] SizeLog2 = 3'(OffWidth);
  assign axi_awsize_o  = SizeLog2;
  assign axi_arsize_o  = SizeLog2;
  assign axi_awburst_o = abacus_pkg::AxiBurstIncr;
  assign axi_arburst_o = abacus_pkg::AxiBurstIncr;
  assign axi_awcache_o = abacus_pkg::AxiCacheModifiable;
  assign axi_arcache_o = abacus_pkg::AxiCacheModifiable;
  assign axi_awprot_o  = 3'b000;
  assign axi_arprot_o  = 3'b000;

  // ---- sequencing and status -------------------------------------------------------------
  assign engine_err = rd_err || wr_err;
  assign abort      = engine_err;
  // The splitter starts in SCheck without waiting for the compares (they
  // are a wide carry chain each, and its start fans out to every walk
  // register); if they fail it is cancelled in the next cycle (SStarted),
  // before it can emit an operation.
  assign sp_start   = (state_q == SCheck) && !zero_len &&
                      !(d_store ? rd_side_busy_q : wr_side_busy_q);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) chk_fail_q <= 1'b0;
    else chk_fail_q <= sp_start && (wraps || below_q || above || sp_bad);
  end

  logic [2:0]  report_status_q;
  logic [63:0] report_addr_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q         <= SIdle;
      sticky_err_q    <= 1'b0;
      err_reported_q  <= 1'b0;
      done_o          <= 1'b0;
      status_o        <= abacus_pkg::DmaOk;
      status_store_o  <= 1'b0;
      status_addr_o   <= '0;
      report_status_q <= abacus_pkg::DmaOk;
      report_addr_q   <= '0;
    end else begin
      done_o <= 1'b0;
      // a started descriptor completed
      if (rd_done || wr_done) begin
        done_o         <= 1'b1;
        status_o       <= abacus_pkg::DmaOk;
        status_store_o <= wr_done;
      end
      unique case (state_q)
        SIdle: if (accept) state_q <= SSpan;
        SSpan: state_q <= SCmp;
        SCmp: state_q <= SCheck;
        SCheck: begin
          if (zero_len) begin
            state_q         <= SReport;
            report_status_q <= abacus_pkg::DmaOk;
          end else if (!(d_store ? rd_side_busy_q : wr_side_busy_q)) begin
            // The splitter starts (sp_start). The checks' outcome is taken
            // in SStarted, from chk_fail_q, and here only picks what a
            // failure reports. (As the state's next value here, the
            // checks' four-way picks were the load DMA's state enable,
            // 2516 ps in the xcup 32x32 proxy run on 63d356e.) A change of
            // direction waits until the other engine is idle, a store
            // must see the bytes the loads before it wrote: a descriptor
            // that fails waits too, and is reported in order anyway.
            state_q         <= SStarted;
            report_status_q <= (wraps || below_q || above) ? abacus_pkg::DmaErrWindow
                                                           : abacus_pkg::DmaErrDesc;
            report_addr_q   <= (wraps || below_q || above) ? window_addr : 64'(d_sp_addr);
          end
        end
        // the splitter runs and the next descriptor may follow, or it was
        // cancelled (a cycle ago) and the failure is reported
        SStarted: state_q <= chk_fail_q ? SReport : SIdle;
        // report in order: after everything taken before has completed
        SReport: if (engines_idle && !rd_done && !wr_done) begin
          state_q        <= SIdle;
          done_o         <= 1'b1;
          status_o       <= report_status_q;
          status_store_o <= d_store;
          status_addr_o  <= report_addr_q;
          if (report_status_q != abacus_pkg::DmaOk) sticky_err_q <= 1'b1;
        end
        default: state_q <= SIdle;
      endcase
      // a bus error: report once, when everything in flight has drained
      if (engine_err && !err_reported_q && engines_idle && state_q != SSpan && state_q != SCmp &&
          state_q != SCheck && state_q != SStarted) begin
        err_reported_q <= 1'b1;
        sticky_err_q   <= 1'b1;
        done_o         <= 1'b1;
        status_store_o <= wr_err;
        status_o       <= ((rd_err ? rd_resp : wr_resp) == abacus_pkg::AxiRespDecErr)
                          ? abacus_pkg::DmaErrDec : abacus_pkg::DmaErrSlv;
        status_addr_o  <= rd_err ? rd_err_addr : wr_err_addr;
        state_q        <= SIdle;
      end
      if (clear_i && state_q == SIdle && engines_idle) begin
        sticky_err_q   <= 1'b0;
        err_reported_q <= 1'b0;
      end
    end
  end
  // Busy until a bus error is reported too: otherwise a clear (SOFT_RESET)
  // could be taken in the very cycle the report goes out, and the report
  // would escape into the cleared state (found by the fuzzer,
  // tests/fuzz/regressions/dma-error-report-during-clear).
  assign busy_o = (state_q != SIdle) || !engines_idle || (engine_err && !err_reported_q);

  logic unused;
  assign unused = ^{axi_bid_i, axi_rid_i, d_sp_addr[31:SpAddrWidth]};

  // Invariants: one direction moves at a time (a store must see the bytes
  // the loads before it wrote); a reported error stops the engine until
  // clear_i; the splitter starts only in SCheck, and a descriptor that
  // fails its checks is cancelled before the splitter emits anything.
  `ABACUS_ASSERT(DmaOneDirection, !(rd_busy && wr_busy))
  `ABACUS_ASSERT(DmaErrorSticks, !done_o || status_o == abacus_pkg::DmaOk || sticky_err_q)
  `ABACUS_ASSERT(DmaStartsChecked, !sp_start || (state_q == SCheck && !zero_len))
  `ABACUS_ASSERT(DmaData2, !sp_start || data2_lo_q == {1'b0, data1_lo_q[31:0]} + {1'b0, d_stride})
  `ABACUS_ASSERT(DmaDataLeft0, !sp_start ||
                 d_data_left0 == ((d_top != 8'd0) ? d_rows : d_rows - 16'd1))
  `ABACUS_ASSERT(DmaCancelsFailed, !chk_fail_q || !op_valid)
  // a failed check is seen in SStarted (the splitter was started a cycle ago)
  `ABACUS_ASSERT(DmaFailSeenStarted, !chk_fail_q || state_q == SStarted)
endmodule
