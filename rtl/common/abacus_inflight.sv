`include "abacus_assert.svh"
// Count of transfers in flight, at most Max: up on an issue, down on a
// completion (both in one cycle: unchanged). "Below the maximum" is
// registered beside the count, worked out from the count alone, so the
// issue that reads it has no compare in front of it (as abacus_fifo's flags).
module abacus_inflight #(
  parameter int unsigned Max = 8,
  localparam int unsigned Width = $clog2(Max + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             up_i,
  input  logic             down_i,
  output logic [Width-1:0] count_o,
  output logic             free_o   // count_o < Max
);
  logic [Width-1:0] count_q;
  logic             free_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      count_q <= '0;
      free_q  <= 1'b1;
    end else if (up_i && !down_i) begin
      count_q <= count_q + Width'(1);
      free_q  <= (count_q != Width'(Max - 1));
    end else if (down_i && !up_i) begin
      count_q <= count_q - Width'(1);
      free_q  <= 1'b1;
    end
  end
  assign count_o = count_q;
  assign free_o  = free_q;

  `ABACUS_ASSERT(InflightFlag, free_q == (count_q != Width'(Max)))
  `ABACUS_ASSERT(InflightBounded, count_q <= Width'(Max))
  `ABACUS_ASSERT(InflightNoUnderflow, !(down_i && !up_i) || count_q != '0)
endmodule
