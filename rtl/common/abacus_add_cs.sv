`include "abacus_assert.svh"
// An unsigned add of two Width-bit operands as a carry select in three
// pieces: the first, and the other two for a carry in of 0 and of 1,
// picked by the carries out of the pieces below. Each carry chain is a
// third of the width, with two picks behind it (a 32-bit add behind a
// multiplexer was 2590 ps as one chain in the xcup proxy, 2533 in three
// pieces; issue 13's target 2.5 ns). A carry in is a low bit of both
// operands: written as + 1, synthesis took the sum from the other one,
// one chain behind the other (as in abacus_dma's span).
module abacus_add_cs #(
  parameter int unsigned Width = 32  // >= 6
) (
  input  logic [Width-1:0] a_i,
  input  logic [Width-1:0] b_i,
  output logic [Width:0]   sum_o     // with the carry out
);
  localparam int unsigned A = Width / 3;      // piece 0: bits A-1..0
  localparam int unsigned B = 2 * Width / 3;  // piece 1: B-1..A; piece 2: Width-1..B
  logic [A:0]           p0;
  /* verilator lint_off UNUSEDSIGNAL */  // bit 0 of the carry-in-1 sums: the carry in's own
  logic [B-A+1:0]       p1_1;
  logic [Width-B+1:0]   p2_1;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [B-A:0]         p1_0;
  logic [Width-B:0]     p2_0;
  logic                 c1, c2;  // the carries into pieces 1 and 2
  assign p0    = {1'b0, a_i[A-1:0]} + {1'b0, b_i[A-1:0]};
  assign p1_0  = {1'b0, a_i[B-1:A]} + {1'b0, b_i[B-1:A]};
  assign p1_1  = {1'b0, a_i[B-1:A], 1'b1} + {1'b0, b_i[B-1:A], 1'b1};
  assign p2_0  = {1'b0, a_i[Width-1:B]} + {1'b0, b_i[Width-1:B]};
  assign p2_1  = {1'b0, a_i[Width-1:B], 1'b1} + {1'b0, b_i[Width-1:B], 1'b1};
  assign c1    = p0[A];
  assign c2    = c1 ? p1_1[B-A+1] : p1_0[B-A];
  assign sum_o = {c2 ? p2_1[Width-B+1:1] : p2_0, c1 ? p1_1[B-A:1] : p1_0[B-A-1:0], p0[A-1:0]};
`ifndef SYNTHESIS
  initial assert (Width >= 6);
`endif
endmodule
