// A burst's beat index with "first beat" and "last beat" as flags beside
// it, so a beat's strobes and the burst's end do not wait on compares of
// the index with the burst's length (the DMA's read and write engines).
// len_i is the current burst's beats - 1 (from the head of the caller's
// operation queue) and len0_i whether it is 0; the index returns to 0
// after the last beat, and the next burst's length is read from then on.
module abacus_beat_pos (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       step_i,    // a beat is taken this cycle
  input  logic [7:0] len_i,
  input  logic       len0_i,    // len_i == 0
  output logic [7:0] beat_o,    // its index in the burst
  output logic       first_o,   // beat_o == 0
  output logic       last_o     // beat_o == len_i
);
  logic [7:0] beat_q;
  logic       first_q, last_q;  // last_q: the beat after a non-last one is the last
  assign last_o  = first_q ? len0_i : last_q;
  assign first_o = first_q;
  assign beat_o  = beat_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      beat_q  <= '0;
      first_q <= 1'b1;
    end else if (step_i) begin
      beat_q  <= last_o ? 8'd0 : beat_q + 8'd1;
      first_q <= last_o;
    end
  end
  // (read only after a beat that was not the last)
  always_ff @(posedge clk_i) begin
    if (step_i) last_q <= (beat_q + 8'd1 == len_i);
  end
endmodule
