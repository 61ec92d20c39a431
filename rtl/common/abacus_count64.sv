`include "abacus_assert.svh"
// A 64-bit counter that adds up to 32 bits at a time through a 32-bit
// adder, in registered steps: the increment is registered (zero in a cycle
// without an add), the low half adds it and registers its carry out, and
// the high half takes its successor, worked out (registered) beforehand,
// in the cycle after a carry. count_o shows that successor while the carry
// is pending, so it is exact, one cycle late: it holds the sum of every add
// given up to the edge before the last. clear_i zeroes the count and drops
// every add not yet counted, the one given with it too.
// The user's promise, checked in simulation: no two carries into the high
// half in consecutive cycles (a count by at most 2^32 - 1 a cycle needs at
// least two cycles to wrap the low half twice, unless it adds in every
// cycle: then it must add less than 2^31).
// A 64-bit add was 3.0 ns by the synthesis proxy (docs/fpga.md
// "Resources"); the 32-bit add with the add enable and the clear in front
// of it and the carry into the high half's enable behind it was 2874 ps
// (the xcup 16x16 proxy run on 800ac44, issue 13's target 2.5 ns). Here
// the add runs from registers into registers, and the clear is the
// flip-flops' synchronous reset input (the reset clears them through a
// flag of its own, init_q, at the edges it spans and the first after it).
module abacus_count64 #(
  parameter int unsigned AddBits = 32  // <= 32
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               clear_i,  // to zero (wins over add_i)
  input  logic               add_i,
  input  logic [AddBits-1:0] add_val_i,
  output logic [63:0]        count_o
);
  logic [AddBits-1:0] inc_q;
  logic [31:0] lo_q, hi_q, hi_inc_q;
  logic        carry_q;
  logic [32:0] sum;
  logic        init_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) init_q <= 1'b1;
    else init_q <= 1'b0;
  end
  assign sum = {1'b0, lo_q} + 33'(inc_q);
  always_ff @(posedge clk_i) begin
    if (init_q || clear_i) begin
      inc_q   <= '0;
      lo_q    <= '0;
      carry_q <= 1'b0;
      hi_q    <= '0;
    end else begin
      inc_q   <= add_i ? add_val_i : '0;
      lo_q    <= sum[31:0];
      carry_q <= sum[32];
      if (carry_q) hi_q <= hi_inc_q;
    end
  end
  always_ff @(posedge clk_i) hi_inc_q <= hi_q + 32'd1;
  assign count_o = {carry_q ? hi_inc_q : hi_q, lo_q};

  `ABACUS_ASSERT(Count64CarryFresh, init_q || !carry_q || hi_inc_q == hi_q + 32'd1)
`ifndef SYNTHESIS
  initial assert (AddBits >= 1 && AddBits <= 32);
`endif
endmodule
