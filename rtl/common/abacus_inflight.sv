`include "abacus_assert.svh"
// Count of transfers in flight, at most Max: up on an issue, down on a
// completion (both in one cycle: unchanged). "Below the maximum" and
// "none" are registered beside the count, worked out from the count alone,
// so the issue that reads the one and the engine's busy flag that reads
// the other have no compare in front of them (as abacus_fifo's flags; the
// compare with zero behind the store DMA's busy flag was the 32x32
// synthesis' longest path, 3937 ps).
module abacus_inflight #(
  parameter int unsigned Max = 8,
  localparam int unsigned Width = $clog2(Max + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             up_i,
  input  logic             down_i,
  output logic [Width-1:0] count_o,
  output logic             free_o,  // count_o < Max
  output logic             none_o   // count_o == 0
);
  // count + 1 and count - 1 are registered beside it too, so the late
  // issue only picks (one adder shared by the two, its operand picked by
  // the issue in front of the carry chain, was a 32x32 run's fourth
  // longest path, 3133 ps: the read arbiter's choice through the load
  // DMA's issue into this count)
  logic [Width-1:0] count_q, inc_q, dec_q;
  logic             free_q, none_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      count_q <= '0;
      inc_q   <= Width'(1);
      dec_q   <= '1;
      free_q  <= 1'b1;
      none_q  <= 1'b1;
    end else if (up_i && !down_i) begin
      count_q <= inc_q;
      inc_q   <= inc_q + Width'(1);
      dec_q   <= count_q;
      free_q  <= (count_q != Width'(Max - 1));
      none_q  <= 1'b0;
    end else if (down_i && !up_i) begin
      count_q <= dec_q;
      inc_q   <= count_q;
      dec_q   <= dec_q - Width'(1);
      free_q  <= 1'b1;
      none_q  <= (count_q == Width'(1));
    end
  end
  assign count_o = count_q;
  assign free_o  = free_q;
  assign none_o  = none_q;

  `ABACUS_ASSERT(InflightSteps, inc_q == count_q + Width'(1) && dec_q == count_q - Width'(1))
  `ABACUS_ASSERT(InflightFlag, free_q == (count_q != Width'(Max)))
  `ABACUS_ASSERT(InflightNoneFlag, none_q == (count_q == '0))
  `ABACUS_ASSERT(InflightBounded, count_q <= Width'(Max))
  `ABACUS_ASSERT(InflightNoUnderflow, !(down_i && !up_i) || count_q != '0)
endmodule
