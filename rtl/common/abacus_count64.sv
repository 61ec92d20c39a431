`include "abacus_assert.svh"
// A 64-bit counter that adds up to 32 bits at a time through a 32-bit
// adder: the carry out of the low half selects the high half plus one,
// worked out (registered) in the cycle after the high half last changed.
// The value is exact every cycle. The user's promise, checked in
// simulation: no two carries into the high half in consecutive cycles (a
// count by at most 2^32 - 1 a cycle needs at least two cycles to wrap the
// low half twice, unless it adds in every cycle: then it must add less
// than 2^31). A 64-bit add was 3.0 ns by the synthesis proxy (docs/fpga.md
// "Resources"); this is a 32-bit add and a multiplexer.
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
  logic [31:0] lo_q, hi_q, hi_inc_q;
  logic [32:0] sum;
  assign sum = {1'b0, lo_q} + 33'(add_val_i);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lo_q <= '0;
      hi_q <= '0;
    end else if (clear_i) begin
      lo_q <= '0;
      hi_q <= '0;
    end else if (add_i) begin
      lo_q <= sum[31:0];
      if (sum[32]) hi_q <= hi_inc_q;
    end
  end
  always_ff @(posedge clk_i) hi_inc_q <= hi_q + 32'd1;
  assign count_o = {hi_q, lo_q};

`ifndef SYNTHESIS
  logic fresh_q;  // hi_inc_q = hi_q + 1
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) fresh_q <= 1'b0;
    else fresh_q <= !(clear_i || (add_i && sum[32]));
  end
`endif
  `ABACUS_ASSERT(Count64CarryFresh, !(add_i && !clear_i && sum[32]) || fresh_q)
`ifndef SYNTHESIS
  initial assert (AddBits >= 1 && AddBits <= 32);
`endif
endmodule
