// Two-flop synchronizer for a slow level signal (the interrupt) into
// another clock domain. constraints/common/cdc.xdc names its first flop.
module abacus_bit_sync (
  input  logic clk_i,
  input  logic d_i,
  output logic q_o
);
  (* ASYNC_REG = "TRUE" *) logic [1:0] sync_q;
  always_ff @(posedge clk_i) sync_q <= {sync_q[0], d_i};
  assign q_o = sync_q[1];
endmodule
