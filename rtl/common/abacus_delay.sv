// Fixed-latency delay line: q_o is d_i delayed by Depth cycles (Depth may be 0).
// Datapath register: no reset, so it can map to SRL/flip-flops without a reset net.
module abacus_delay #(
  parameter int unsigned Width = 1,
  parameter int unsigned Depth = 1
) (
  input  logic             clk_i,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);
  if (Depth == 0) begin : g_wire
    assign q_o = d_i;
    logic unused_clk;
    assign unused_clk = clk_i;
  end else begin : g_regs
    // unpacked: Yosys 0.23 rejects multi-dimensional packed arrays in generate blocks
    // storage: toggle coverage of every entry measures data, not logic (make coverage)
    /*verilator coverage_off*/
    logic [Width-1:0] stage_q [Depth];
    /*verilator coverage_on*/
    always_ff @(posedge clk_i) begin
      stage_q[0] <= d_i;
      for (int unsigned i = 1; i < Depth; i++) begin
        stage_q[i] <= stage_q[i-1];
      end
    end
    assign q_o = stage_q[Depth-1];
  end
endmodule
