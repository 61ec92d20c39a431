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
    // unpacked: Yosys 0.23 rejects multi-dimensional packed arrays in generate blocks
    logic [Width-1:0] stage_q [Depth];
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        for (int unsigned i = 0; i < Depth; i++) begin
          stage_q[i] <= '0;
        end
      end else begin
        stage_q[0] <= d_i;
        for (int unsigned i = 1; i < Depth; i++) begin
          stage_q[i] <= stage_q[i-1];
        end
      end
    end
    assign q_o = stage_q[Depth-1];
  end
endmodule
