`include "abacus_assert.svh"
// Dependency tokens between neighbouring engines: load->compute,
// compute->load, compute->store, store->compute. An 8-bit counter each:
// a push adds one, a pop (only when the count is non-zero) takes one;
// clear (START, SOFT_RESET) empties them. A counter holds at most 255
// tokens: a push while it is at 255 would wrap it and lose every token, so
// it is refused and reported (overflow_o, the counter's index), with or
// without a pop in the same cycle (the pop is taken); run control ends the
// program with TOKEN_OVERFLOW. (The refusal used to exclude a push that
// met a pop at 255; the pop comes from an engine's dispatch, and through
// that exception the dispatch reached run control's error and run flags:
// the top path of the xcup 32x32 run, 3205 ps from the compute engine's
// idle flag, and 4127 ps in the xc7 4x4 one.)
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
  output logic       l2c_avail_o,    // the counts != 0, registered
  output logic       c2l_avail_o,
  output logic       c2s_avail_o,
  output logic       s2c_avail_o,
  output logic       overflow_o,     // a push was refused: the counter is full
  output logic [1:0] overflow_idx_o  // which: 0 L->C, 1 C->L, 2 C->S, 3 S->C
);
  // Per counter: a push that is taken (not onto a full counter) and a pop
  // cancel out; otherwise the count steps up or down by one. Both steps and
  // the count != 0 flags (avail_o) come from the registers alone, so the
  // late push and pop only pick one (the engines decide to pop from avail_o
  // in the same cycle).
  logic [3:0] push, pop, full, up, down;
  logic [7:0] cnt_q [4];
  // count + 1 and count - 1, registered beside it (one adder shared by
  // the two, with the pop picking its operand in front of the carry chain,
  // was a 32x32 run's third longest path: 3136 ps from the store->compute
  // flag through the compute engine's dispatch into this count)
  logic [7:0] inc_q [4];
  logic [7:0] dec_q [4];
  logic [3:0] avail_q;
  // (count == 255, registered beside it as avail_q: the push refused at
  // 255 has no 8-bit compare behind the pop, which comes from dispatch;
  // that path into run control's error code was the 32x32 synthesis'
  // second longest, 3632 ps)
  logic [3:0] top_q;
  assign push = {s2c_push_i, c2s_push_i, c2l_push_i, l2c_push_i};
  assign pop  = {s2c_pop_i, c2s_pop_i, c2l_pop_i, l2c_pop_i};
  always_comb begin
    for (int i = 0; i < 4; i++) begin
      full[i] = push[i] && top_q[i];  // refused
      up[i]   = push[i] && !pop[i] && !full[i];
      down[i] = pop[i] && (!push[i] || full[i]);
    end
  end
  assign overflow_o = |full;
  always_comb begin
    overflow_idx_o = 2'd0;
    for (int i = 3; i >= 0; i--) if (full[i]) overflow_idx_o = 2'(i);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < 4; i++) begin
        cnt_q[i] <= '0;
        inc_q[i] <= 8'd1;
        dec_q[i] <= 8'hFF;
      end
      avail_q <= '0;
      top_q   <= '0;
    end else if (clear_i) begin
      for (int i = 0; i < 4; i++) begin
        cnt_q[i] <= '0;
        inc_q[i] <= 8'd1;
        dec_q[i] <= 8'hFF;
      end
      avail_q <= '0;
      top_q   <= '0;
    end else begin
      for (int i = 0; i < 4; i++) begin
        if (up[i]) begin
          cnt_q[i]   <= inc_q[i];
          inc_q[i]   <= inc_q[i] + 8'd1;
          dec_q[i]   <= cnt_q[i];
          avail_q[i] <= 1'b1;
          top_q[i]   <= (cnt_q[i] == 8'hFE);
        end else if (down[i]) begin
          cnt_q[i]   <= dec_q[i];
          inc_q[i]   <= cnt_q[i];
          dec_q[i]   <= dec_q[i] - 8'd1;
          avail_q[i] <= (cnt_q[i] != 8'd1);
          top_q[i]   <= 1'b0;
        end
      end
    end
  end
  assign {s2c_o, c2s_o, c2l_o, l2c_o} = {cnt_q[3], cnt_q[2], cnt_q[1], cnt_q[0]};
  assign {s2c_avail_o, c2s_avail_o, c2l_avail_o, l2c_avail_o} = avail_q;
`ifndef SYNTHESIS
  logic [3:0] cnt_nz, cnt_top;
  always_comb for (int i = 0; i < 4; i++) cnt_nz[i] = (cnt_q[i] != '0);
  always_comb for (int i = 0; i < 4; i++) cnt_top[i] = (cnt_q[i] == 8'hFF);
  logic [3:0] steps_ok;
  always_comb for (int i = 0; i < 4; i++) steps_ok[i] = inc_q[i] == cnt_q[i] + 8'd1 &&
                                                        dec_q[i] == cnt_q[i] - 8'd1;
`endif
  `ABACUS_ASSERT(TokenCountSteps, &steps_ok)
  `ABACUS_ASSERT(TokenAvailIsNonZero, avail_q == cnt_nz)
  `ABACUS_ASSERT(TokenTopIsFull, top_q == cnt_top)

  // The engines pop only a token that is there (they test the count first):
  // a pop at zero would wrap the counter and release work early.
  `ABACUS_ASSERT(TokenPopL2c, !l2c_pop_i || l2c_o != '0)
  `ABACUS_ASSERT(TokenPopC2l, !c2l_pop_i || c2l_o != '0)
  `ABACUS_ASSERT(TokenPopC2s, !c2s_pop_i || c2s_o != '0)
  `ABACUS_ASSERT(TokenPopS2c, !s2c_pop_i || s2c_o != '0)
endmodule
