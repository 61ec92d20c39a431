// Delay line for control bits (valid flags): reset to zero, so nothing
// spurious leaves the line after reset whatever its initial state.
module abacus_delay_rst #(
  parameter int unsigned Width = 1,
  parameter int unsigned Depth = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);
  if (Depth == 0) begin : g_wire
    assign q_o = d_i;
  end else begin : g_regs
    // One flat shift register (no loops: Verilator does not unroll a loop
    // of delayed assignments deeper than --unroll-count, and the array's
    // control lines are Rows + Cols deep).
    logic [Depth*Width-1:0] stage_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) stage_q <= '0;
      else stage_q <= (Depth*Width)'({stage_q, d_i});  // shift in d_i, drop the oldest
    end
    assign q_o = stage_q[Depth*Width-1 -: Width];
  end
endmodule
