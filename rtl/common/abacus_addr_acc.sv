`include "abacus_assert.svh"
// A wide address register that adds up to LoBits (32) bits at a time
// through an adder of that width: a carry out of the low LoBits bits
// reaches the high part in the next cycle (and each further 16 bits a
// cycle after that). Until it has, settled_o is low and the value must not be
// used (checked in simulation where the user says it is used). A carry
// needs the low half to wrap, so it is rare for addresses (once per 4 GiB
// crossed), and the user can afford a cycle's wait then. The 64-bit add
// this replaces was 3.0 ns by the synthesis proxy (docs/fpga.md
// "Resources"); a 32-bit one is 2.1. A value can also be loaded with its
// carry still owed (a sum whose low half the loader worked out).
module abacus_addr_acc #(
  parameter int unsigned Width = 64,   // > LoBits
  parameter int unsigned AddBits = 32, // <= LoBits
  // the low part's width: 16 for a block counter that steps by one (its
  // 32-bit increment with the load in front was 2683 ps in the xcup 16x16
  // proxy run, issue 13's target 2.5 ns; a carry then comes once per 2^16
  // steps)
  parameter int unsigned LoBits = 32,
  // settled_o from a register (worked out from the carries' next values)
  // rather than from the carries: for a low part that steps by one, whose
  // carry out is a test of its bits, not an adder's carry chain
  parameter bit SettledReg = 1'b0,
  // the low part's next value (after one more add) and its carry out kept
  // ready as registers, so an add takes them and the carry owed to the
  // high part is a register's AND with add_i: a load needs that value too
  // (load_nxt_i; the add value must not change until the next load:
  // checked). Behind the 32-bit add's carry out, the carry owed was the
  // DMA splitter's longest path, 2768 ps in the xcup 32x32 proxy run on
  // 63d356e (2400 with the DMA alone: the carry out reached the LUT's
  // slowest pin).
  parameter bit Ahead = 1'b0
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               load_i,     // takes load_val_i (never with add_i, never
                                         // while a carry is owed: checked)
  input  logic [Width-1:0]   load_val_i,
  input  logic               load_carry_i,  // load_val_i's high half still owes a carry
  input  logic [LoBits:0]    load_nxt_i,  // Ahead: load_val_i's low part + the add value in force
                                         // after the load, with its carry out
  input  logic               add_i,      // adds add_val_i (unsigned)
  input  logic [AddBits-1:0] add_val_i,
  input  logic               use_i,      // the user reads val_o this cycle (checked)
  output logic [Width-1:0]   val_o,
  output logic               settled_o
);
  logic [LoBits-1:0]     lo_q;
  logic [Width-1:LoBits] hi_q;
  logic                  carry_q;
  logic                  lo_co;  // the add's carry out into the high part
  // Above 16 bits the low part's add is a carry select (abacus_add_cs):
  // the 32-bit stride add into the DMA splitter's next-row address was
  // 2590 ps as one carry chain in the xcup proxy.
  if (Ahead) begin : g_ahead
    // nxt_q = lo_q + the add value, nxt_co_q its carry out; at a load the
    // user's load_nxt_i (a register's: with an add of its own behind the
    // load's pick, the pick took a LUT level more behind the carry chain,
    // 2533 ps in the load DMA alone)
    logic [LoBits-1:0] nxt_q;
    logic              nxt_co_q;
    logic [LoBits:0]   sum;
    abacus_add_cs #(.Width(LoBits)) u_add (
      .a_i  (nxt_q),
      .b_i  (LoBits'(add_val_i)),
      .sum_o(sum)
    );
    always_ff @(posedge clk_i) begin
      if (load_i) begin
        lo_q                <= load_val_i[LoBits-1:0];
        {nxt_co_q, nxt_q}   <= load_nxt_i;
      end else if (add_i) begin
        lo_q                <= nxt_q;
        {nxt_co_q, nxt_q}   <= sum;
      end
    end
    assign lo_co = nxt_co_q;
    // (so a wrong load_nxt_i fails at the first add after the load)
    `ABACUS_ASSERT(AddrAccAhead, !add_i || {nxt_co_q, nxt_q} == {1'b0, lo_q} + (LoBits+1)'(add_val_i))
  end else begin : g_now
    logic [LoBits:0] sum;  // the value after an add, with its carry out
    if (LoBits > 16) begin : g_select
      abacus_add_cs #(.Width(LoBits)) u_add (
        .a_i  (lo_q),
        .b_i  (LoBits'(add_val_i)),
        .sum_o(sum)
      );
    end else begin : g_plain
      assign sum = {1'b0, lo_q} + (LoBits+1)'(add_val_i);
    end
    always_ff @(posedge clk_i) begin
      if (load_i) lo_q <= load_val_i[LoBits-1:0];
      else if (add_i) lo_q <= sum[LoBits-1:0];
    end
    assign lo_co = sum[LoBits];
    logic unused_ld;
    assign unused_ld = ^load_nxt_i;
    `ABACUS_ASSERT(AddrAccSum, sum == {1'b0, lo_q} + (LoBits+1)'(add_val_i))
  end
  // The high part increments in chunks of at most 16 bits, each chunk's
  // carry into the next a cycle later (as one increment of the 36 bits
  // above a block counter's low part it was 2797 ps in the xcup proxy):
  // cin_q[c] is a carry owed to chunk c. A chunk passes one on when it
  // wraps, so a value settles at most NChunks cycles after its low part
  // wrapped.
  localparam int unsigned HiW = Width - LoBits;
  localparam int unsigned NChunks = (HiW + 15) / 16;
  logic [NChunks-1:0] cin_q, cin_d;
  // whether no carry is owed, registered beside cin_q if SettledReg (as a
  // test of a block counter's three carries in front of the DMA
  // splitter's valid, it was one more LUT level in front of the walk,
  // whose decisions were the load DMA's longest paths alone, 2968 ps in
  // the xcup proxy; behind a 32-bit add's carry out, the registered flag
  // was 2757)
  logic               settled_q;
  for (genvar c = 0; c < NChunks; c++) begin : g_chunk
    localparam int unsigned Lo = LoBits + 16 * c;
    localparam int unsigned W = (HiW - 16 * c < 16) ? HiW - 16 * c : 16;
    always_ff @(posedge clk_i) begin
      if (load_i) hi_q[Lo +: W] <= load_val_i[Lo +: W];
      else if (cin_q[c]) hi_q[Lo +: W] <= hi_q[Lo +: W] + W'(1);
    end
    if (c == 0) begin : g_first
      assign cin_d[c] = (load_i && load_carry_i) || (add_i && lo_co);
    end else begin : g_next
      assign cin_d[c] = cin_q[c-1] && (hi_q[Lo - 16 +: 16] == '1);
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cin_q     <= '0;
      settled_q <= 1'b1;
    end else begin
      cin_q     <= cin_d;
      settled_q <= cin_d == '0;
    end
  end
  assign carry_q   = cin_q != '0;
  assign val_o     = {hi_q, lo_q};
  assign settled_o = SettledReg ? settled_q : !carry_q;

  `ABACUS_ASSERT(AddrAccUsedSettled, !use_i || !carry_q)
  `ABACUS_ASSERT(AddrAccSettledFlag, settled_q == !carry_q)
  // The carries are not cleared by a load: a load comes only when the
  // value has settled, and never with an add. (Cleared by the load, the
  // user's load decision in front of every chunk's carry was the DMA's
  // longest path alone, 2630 ps in the xcup proxy.)
  `ABACUS_ASSERT(AddrAccLoadSettled, !load_i || (!carry_q && !add_i))
`ifndef SYNTHESIS
  // once settled, the value is the plain sum of what was loaded and added
  logic [Width-1:0] ref_q;
  always_ff @(posedge clk_i) begin
    if (load_i) ref_q <= load_val_i + (load_carry_i ? Width'(1) << LoBits : Width'(0));
    else if (add_i) ref_q <= ref_q + Width'(add_val_i);
  end
  `ABACUS_ASSERT(AddrAccExact, !use_i || val_o == ref_q)
  initial assert (Width > LoBits && AddBits >= 1 && AddBits <= LoBits && (!Ahead || LoBits >= 6));  // (Ahead: abacus_add_cs's width)
`endif
endmodule
