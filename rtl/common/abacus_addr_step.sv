`include "abacus_assert.svh"
// A 64-bit address register that advances by less than 4 KiB at a time
// without a 64-bit adder on its path. The low 12 bits add the step; the
// carry out of them selects the high 52 bits plus one, which is worked out
// (as two short halves) in the cycle after the high part last changed. So
// the longest path is a 13-bit add and a 2:1 mux, where a plain 64-bit add
// was 3.0 ns by the synthesis proxy (docs/fpga.md "Resources").
//
// The user's promise, checked in simulation: a step that carries into the
// high part never comes in the cycle right after a load or another carry
// (steps of less than 2 KiB cannot carry twice in two cycles).
module abacus_addr_step #(
  parameter int unsigned StepBits = 12  // step < 2^StepBits <= 4096
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                load_i,       // takes load_addr_i (wins over step_i)
  input  logic [63:0]         load_addr_i,
  input  logic                step_i,       // adds step_i_bytes
  input  logic [StepBits-1:0] step_bytes_i,
  output logic [63:0]         addr_o
);
  logic [11:0] lo_q;
  logic [63:12] hi_q;
  logic [12:0] lo_sum;
  assign lo_sum = {1'b0, lo_q} + 13'(step_bytes_i);

  // high part plus one, from the halves registered a cycle after hi_q moved
  logic [31:12] inc_lo_q;
  logic         lo_ones_q;
  logic [63:32] inc_hi_q;
  logic [63:12] hi_inc;
  always_ff @(posedge clk_i) begin
    inc_lo_q  <= hi_q[31:12] + 20'd1;
    lo_ones_q <= &hi_q[31:12];
    inc_hi_q  <= hi_q[63:32] + 32'd1;
  end
  assign hi_inc = {lo_ones_q ? inc_hi_q : hi_q[63:32], inc_lo_q};

  always_ff @(posedge clk_i) begin
    if (load_i) begin
      lo_q <= load_addr_i[11:0];
      hi_q <= load_addr_i[63:12];
    end else if (step_i) begin
      lo_q <= lo_sum[11:0];
      if (lo_sum[12]) hi_q <= hi_inc;
    end
  end
  assign addr_o = {hi_q, lo_q};

`ifndef SYNTHESIS
  logic fresh_q;  // hi_inc matches hi_q
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) fresh_q <= 1'b0;
    else fresh_q <= !(load_i || (step_i && lo_sum[12]));
  end
`endif
  `ABACUS_ASSERT(AddrStepCarryFresh, !(step_i && !load_i && lo_sum[12]) || fresh_q)
`ifndef SYNTHESIS
  initial assert (StepBits >= 1 && StepBits <= 12);
`endif
endmodule
