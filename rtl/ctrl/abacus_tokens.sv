`include "abacus_assert.svh"
// Dependency tokens between neighbouring engines: load->compute,
// compute->load, compute->store, store->compute. An 8-bit counter each:
// a push adds one, a pop (only when the count is non-zero) takes one;
// clear (START, SOFT_RESET) empties them. A push onto a full counter (255,
// no pop in the same cycle) would wrap it and lose every token: it is
// reported (overflow_o, the counter's index) and the count left unchanged;
// run control ends the program with TOKEN_OVERFLOW.
module abacus_tokens (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       clear_i,
  input  logic       l2c_push_i,
  input  logic       l2c_pop_i,
  input  logic       c2l_push_i,
  input  logic       c2l_pop_i,
  input  logic       c2s_push_i,
  input  logic       c2s_pop_i,
  input  logic       s2c_push_i,
  input  logic       s2c_pop_i,
  output logic [7:0] l2c_o,
  output logic [7:0] c2l_o,
  output logic [7:0] c2s_o,
  output logic [7:0] s2c_o,
  output logic       overflow_o,     // a push was refused: the counter is full
  output logic [1:0] overflow_idx_o  // which: 0 L->C, 1 C->L, 2 C->S, 3 S->C
);
  logic [3:0] full;
  assign full[0] = l2c_push_i && !l2c_pop_i && l2c_o == 8'hFF;
  assign full[1] = c2l_push_i && !c2l_pop_i && c2l_o == 8'hFF;
  assign full[2] = c2s_push_i && !c2s_pop_i && c2s_o == 8'hFF;
  assign full[3] = s2c_push_i && !s2c_pop_i && s2c_o == 8'hFF;
  assign overflow_o = |full;
  always_comb begin
    overflow_idx_o = 2'd0;
    for (int i = 3; i >= 0; i--) if (full[i]) overflow_idx_o = 2'(i);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      l2c_o <= '0;
      c2l_o <= '0;
      c2s_o <= '0;
      s2c_o <= '0;
    end else if (clear_i) begin
      l2c_o <= '0;
      c2l_o <= '0;
      c2s_o <= '0;
      s2c_o <= '0;
    end else begin
      l2c_o <= l2c_o + 8'(l2c_push_i && !full[0]) - 8'(l2c_pop_i);
      c2l_o <= c2l_o + 8'(c2l_push_i && !full[1]) - 8'(c2l_pop_i);
      c2s_o <= c2s_o + 8'(c2s_push_i && !full[2]) - 8'(c2s_pop_i);
      s2c_o <= s2c_o + 8'(s2c_push_i && !full[3]) - 8'(s2c_pop_i);
    end
  end

  // The engines pop only a token that is there (they test the count first):
  // a pop at zero would wrap the counter and release work early.
  `ABACUS_ASSERT(TokenPopL2c, !l2c_pop_i || l2c_o != '0)
  `ABACUS_ASSERT(TokenPopC2l, !c2l_pop_i || c2l_o != '0)
  `ABACUS_ASSERT(TokenPopC2s, !c2s_pop_i || c2s_o != '0)
  `ABACUS_ASSERT(TokenPopS2c, !s2c_pop_i || s2c_o != '0)
endmodule
