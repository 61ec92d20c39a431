// Fixed-latency delay line: q_o is d_i delayed by Depth cycles (Depth may be 0).
// Datapath register: no reset, so it can map to SRL/flip-flops without a reset net.
// OutReg keeps the last stage a flip-flop of its own: synthesis maps a chain
// of three or more registers to shift-register LUTs, whose output is slow
// (1.57 ns clock to output by the synthesis proxy's cell library, against
// 0.4 for a flip-flop), so a delay that feeds logic wants a plain register
// at its end.
module abacus_delay #(
  parameter int unsigned Width = 1,
  parameter int unsigned Depth = 1,
  parameter bit OutReg = 1'b0
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
    // the chain: every stage, or all but a kept last one
    localparam int unsigned Chain = (OutReg && Depth > 1) ? Depth - 1 : Depth;
    // one packed vector shifted a stage a cycle, the newest value at the
    // bottom (a for loop over an array of stages is one the 5.006
    // release of Verilator does not unroll past 64 stages, which the
    // 64x64 array's skews reach: BLKLOOPINIT)
    // storage: toggle coverage of every entry measures data, not logic (make coverage)
    /*verilator coverage_off*/
    logic [Chain*Width-1:0] chain_q;
    /*verilator coverage_on*/
    if (Chain == 1) begin : g_one
      always_ff @(posedge clk_i) chain_q <= d_i;
    end else begin : g_shift
      always_ff @(posedge clk_i) chain_q <= {chain_q[(Chain-1)*Width-1:0], d_i};
    end
    logic [Width-1:0] last;
    assign last = chain_q[Chain*Width-1 -: Width];
    if (Chain < Depth) begin : g_out
      logic [Width-1:0] out_q;
      // (keep: a kept register is not absorbed into a shift-register LUT)
      (* keep *) always_ff @(posedge clk_i) out_q <= last;
      assign q_o = out_q;
    end else begin : g_last
      assign q_o = last;
    end
  end
endmodule
