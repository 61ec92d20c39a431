`include "abacus_assert.svh"
// A wide address register that adds up to LoBits (32) bits at a time
// through an adder of that width: a carry out of the low LoBits bits
// reaches the high part in the next cycle. Until it has, settled_o is low and the value must not be
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
  parameter int unsigned LoBits = 32
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               load_i,     // takes load_val_i (wins over add_i)
  input  logic [Width-1:0]   load_val_i,
  input  logic               load_carry_i,  // load_val_i's high half still owes a carry
  input  logic               add_i,      // adds add_val_i (unsigned)
  input  logic [AddBits-1:0] add_val_i,
  input  logic               use_i,      // the user reads val_o this cycle (checked)
  output logic [Width-1:0]   val_o,
  output logic               settled_o
);
  logic [LoBits-1:0]     lo_q;
  logic [Width-1:LoBits] hi_q;
  logic                  carry_q;
  logic [LoBits:0]       sum;
  assign sum = {1'b0, lo_q} + (LoBits+1)'(add_val_i);
  always_ff @(posedge clk_i) begin
    if (load_i) begin
      lo_q <= load_val_i[LoBits-1:0];
      hi_q <= load_val_i[Width-1:LoBits];
    end else begin
      if (add_i) lo_q <= sum[LoBits-1:0];
      if (carry_q) hi_q <= hi_q + 1'b1;
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) carry_q <= 1'b0;
    else carry_q <= load_i ? load_carry_i : (add_i && sum[LoBits]);
  end
  assign val_o     = {hi_q, lo_q};
  assign settled_o = !carry_q;

  `ABACUS_ASSERT(AddrAccUsedSettled, !use_i || !carry_q)
`ifndef SYNTHESIS
  initial assert (Width > LoBits && AddBits >= 1 && AddBits <= LoBits);
`endif
endmodule
