// One lane of output requantization, bit-exact with gemmlowp / TFLite:
//
//   x   = acc + bias                              (int32, wraps like the array)
//   x   = saturate32(x * 2^max(shift,0))          (gemmlowp ShiftLeft saturates)
//   y   = SaturatingRoundingDoublingHighMul(x, mult)   ties toward +inf
//   y   = RoundingDivideByPOT(y, max(-shift,0))        ties away from zero
//   out = clamp(y + zp_out, clamp_min, clamp_max)       (computed wide, then int8)
//
// Nine register stages, all advancing on en_i (the caller's pipeline
// stall), each a short carry chain or a few LUT levels (docs/architecture.md
// "Post-processing"). zp_out and the clamp bounds are taken at the eighth,
// with the rounded result (per vector, as the other fields are at the first).
// Datapath registers carry no reset; validity is tracked by the caller.
module abacus_requant #(
  // 32 x 32 multiply split for the DSP family (abacus_mul32): 26 for
  // UltraScale+ DSP48E2 (27 x 18), 24 for 7-series DSP48E1 (25 x 18)
  parameter int unsigned MulLowBits = 26
) (
  input  logic        clk_i,
  input  logic        en_i,
  input  logic [31:0] acc_i,
  input  logic [31:0] bias_i,
  input  logic [31:0] mult_i,
  input  logic [5:0]  shift_i,     // signed exponent, -31..31
  input  logic [7:0]  zp_out_i,    // signed
  input  logic [7:0]  clamp_min_i, // signed
  input  logic [7:0]  clamp_max_i, // signed
  output logic [7:0]  out_o
);
  localparam logic signed [31:0] Int32Max = 32'sh7fff_ffff;
  localparam logic signed [31:0] Int32Min = -32'sh7fff_ffff - 32'sh1;

  // ---- stage 0: bias -----------------------------------------------------------
  // (its own cycle: the accumulator RAM's read, the 32-bit add, the 64-bit
  // shift and the saturating compares in one cycle were the longest path)
  logic        [4:0]  lshift, rshift;
  logic signed [5:0]  shift_s;
  always_comb begin
    shift_s = $signed(shift_i);
    lshift  = (shift_s > 6'sd0) ? 5'(shift_s) : 5'd0;
    rshift  = (shift_s < 6'sd0) ? 5'(-shift_s) : 5'd0;
  end
  // The bits a left shift by l pushes through the sign: 30 down to 31 - l.
  // The shift saturates if any of them differs from the sign.
  logic [30:0] lmask;
  always_comb begin
    for (int unsigned j = 0; j < 31; j++) lmask[j] = (6'(j) + 6'(lshift) >= 6'd31);
  end
  logic signed [31:0] s0_biased_q, s0_mult_q;
  logic        [4:0]  s0_lshift_q, s0_rshift_q;
  logic        [30:0] s0_lmask_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s0_biased_q <= $signed(acc_i + bias_i);
      s0_lmask_q  <= lmask;
      s0_mult_q   <= $signed(mult_i);
      s0_lshift_q <= lshift;
      s0_rshift_q <= rshift;
    end
  end

  // ---- stage 1: saturating left shift ------------------------------------------
  // (saturation from the bits shifted through the sign, beside the shift,
  // not from 64-bit compares behind it)
  logic signed [31:0] s1_x_d;
  logic               sat;
  always_comb begin
    sat = |((s0_biased_q[30:0] ^ {31{s0_biased_q[31]}}) & s0_lmask_q);
    if (sat) s1_x_d = s0_biased_q[31] ? Int32Min : Int32Max;
    else s1_x_d = s0_biased_q << s0_lshift_q;
  end

  logic signed [31:0] s1_x_q, s1_mult_q;
  logic        [4:0]  s1_rshift_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s1_x_q      <= s1_x_d;
      s1_mult_q   <= s0_mult_q;
      s1_rshift_q <= s0_rshift_q;
    end
  end

  // ---- stage 2: 32x32 product, in four parts ----------------------------------
  // two DSP products and two carry-save rows from fabric (abacus_mul32):
  // x * mult + 2^30 = ll + lh * 2^17 + (hs + hc) * 2^L in the low 63 bits,
  // with stage 3's rounding constant 2^30 already in.
  localparam int unsigned L = MulLowBits;
  logic [L+17:0] ll, lh;
  logic [39:0]   hs, hc;
  abacus_mul32 #(.LowBits(L), .Round(1'b1)) u_mul (
    .a_i (s1_x_q),
    .b_i (s1_mult_q),
    .ll_o(ll),
    .lh_o(lh),
    .hs_o(hs),
    .hc_o(hc)
  );
  logic [L+17:0] s2_ll_q, s2_lh_q;
  logic [39:0]   s2_hs_q, s2_hc_q;
  logic          s2_ovf_q;
  logic [4:0]    s2_rshift_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s2_ll_q     <= ll;
      s2_lh_q     <= lh;
      s2_hs_q     <= hs;
      s2_hc_q     <= hc;
      // the one product SRDHM cannot represent: INT32_MIN * INT32_MIN
      s2_ovf_q    <= (s1_x_q == Int32Min) && (s1_mult_q == Int32Min);
      s2_rshift_q <= s1_rshift_q;
    end
  end

  // ---- stage 3: the four parts into two rows (carry-save) -------------------------
  // Only bits 62..31 of the sum are wanted (stage 4), and a bit of a sum
  // depends on the operands' bits at and below it alone: 63-bit rows.
  function automatic logic [62:0] csa_s(input logic [62:0] x, input logic [62:0] y, input logic [62:0] z);
    csa_s = x ^ y ^ z;
  endfunction
  function automatic logic [62:0] csa_c(input logic [62:0] x, input logic [62:0] y, input logic [62:0] z);
    csa_c = ((x & y) | (x & z) | (y & z)) << 1;
  endfunction
  logic [62:0] o_ll, o_lh, o_hs, o_hc, t_s, t_c, u_s, u_c;
  always_comb begin
    o_ll = 63'(s2_ll_q);                          // non-negative
    o_lh = 63'($signed(s2_lh_q)) << 17;
    o_hs = 63'(s2_hs_q) << L;                     // (bits of hs above 62 - L do not matter)
    o_hc = 63'(s2_hc_q) << L;
    t_s = csa_s(o_lh, o_hs, o_hc);
    t_c = csa_c(o_lh, o_hs, o_hc);
    u_s = csa_s(o_ll, t_s, t_c);
    u_c = csa_c(o_ll, t_s, t_c);
  end
  logic [62:0] s3_s_q, s3_c_q;
  logic        s3_ovf_q;
  logic [4:0]  s3_rshift_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s3_s_q       <= u_s;
      s3_c_q       <= u_c;
      s3_ovf_q     <= s2_ovf_q;
      s3_rshift_q  <= s2_rshift_q;
    end
  end

  // ---- stage 4: the add, bits 62..31 by carry select --------------------------------
  // gemmlowp computes (ab + nudge) / 2^31 with C++ truncation, nudge = 2^30
  // for ab >= 0 and 1 - 2^30 otherwise; that equals floor((ab + 2^30) / 2^31)
  // for every ab, which is an arithmetic shift: bits 62..31 of the sum. The
  // carry out of bits 30..0 and both candidate high halves (with and
  // without it) come from three short adders side by side.
  logic [31:0] sum_lo;  // (its bit 31 is the carry: the rest is not needed)
  logic [32:0] hi0;
  logic [33:0] hi1;  // 2x + 1 + 2y + 1 = 2(x + y + 1): a carry in at bit 0
  always_comb begin
    sum_lo = {1'b0, s3_s_q[30:0]} + {1'b0, s3_c_q[30:0]};
    hi0    = {1'b0, s3_s_q[62:31]} + {1'b0, s3_c_q[62:31]};
    hi1    = {1'b0, s3_s_q[62:31], 1'b1} + {1'b0, s3_c_q[62:31], 1'b1};
  end
  logic        s4_carry_q, s4_ovf_q;
  logic [31:0] s4_hi0_q, s4_hi1_q;
  logic [4:0]  s4_rshift_q;
  logic        unused_hi;
  assign unused_hi = ^{hi0[32], hi1[33], hi1[0], sum_lo[30:0]};
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s4_carry_q   <= sum_lo[31];
      s4_hi0_q     <= hi0[31:0];
      s4_hi1_q     <= hi1[32:1];
      s4_ovf_q     <= s3_ovf_q;
      s4_rshift_q  <= s3_rshift_q;
    end
  end

  // ---- stage 5: the high half picked ------------------------------------------------
  // and the rounding's addends, which depend on the shift alone: half =
  // 2^(r-1) - 1 and half_p1 = 2^(r-1), both 0 for r = 0. (Made from the
  // shift here rather than a stage earlier and carried: synthesis turns a
  // chain of plain registers into a shift-register LUT, whose slow output
  // then starts stage 6's add.)
  logic [30:0] half, half_p1;
  always_comb begin
    for (int unsigned j = 0; j < 31; j++) begin
      half[j]    = (6'(j) + 6'd1 < 6'(s4_rshift_q));
      half_p1[j] = (6'(j) + 6'd1 == 6'(s4_rshift_q));
    end
  end
  logic signed [31:0] s5_high_q;
  logic        [4:0]  s5_rshift_q;
  logic        [30:0] s5_half_q, s5_half_p1_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s5_high_q   <= s4_ovf_q ? Int32Max : $signed(s4_carry_q ? s4_hi1_q : s4_hi0_q);
      s5_rshift_q <= s4_rshift_q;
      s5_half_q    <= half;
      s5_half_p1_q <= half_p1;
    end
  end

  // ---- stage 6: the rounding add ----------------------------------------------------
  // RoundingDivideByPOT(x, r) adds one to x >> r when the remainder
  // x mod 2^r is above 2^(r-1) - 1, or above 2^(r-1) for a negative x;
  // that is (x + 2^(r-1) - (x < 0)) >> r (r >= 1; x itself for r = 0), in
  // 33 bits (x + 2^(r-1) can pass 2^31; the shifted result cannot).
  logic signed [32:0] s6_z_q;
  logic        [30:0] addend;
  assign addend = s5_high_q[31] ? s5_half_q : s5_half_p1_q;
  logic        [4:0]  s6_rshift_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s6_z_q      <= 33'(s5_high_q) + 33'(addend);
      s6_rshift_q <= s5_rshift_q;
    end
  end

  // ---- stage 7: the rounding shift -------------------------------------------------------
  logic signed [32:0] s7_y_d;
  logic               unused_y;
  assign s7_y_d   = s6_z_q >>> s6_rshift_q;
  assign unused_y = s7_y_d[32];

  logic signed [31:0] s7_y_q;
  // The clamp, relative to the zero point: y + zp < min <=> y < min - zp
  // (and likewise for max), so the compares need no add in front of them
  // and run side by side with the low byte's add.
  // The shared fields are taken here, with stage 7's result.
  logic signed [9:0] lo_bound_q, hi_bound_q;
  logic              inverted_q;  // min > max: everything clamps to max
  logic [7:0]        zp_q, min_q, max_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s7_y_q     <= s7_y_d[31:0];
      zp_q       <= zp_out_i;
      min_q      <= clamp_min_i;
      max_q      <= clamp_max_i;
      lo_bound_q <= 10'($signed(clamp_min_i)) - 10'($signed(zp_out_i));
      hi_bound_q <= 10'($signed(clamp_max_i)) - 10'($signed(zp_out_i));
      inverted_q <= $signed(clamp_min_i) > $signed(clamp_max_i);
    end
  end

  // ---- output: offset and clamp ------------------------------------------------
  // min(max(y + zp, min), max); between the bounds y + zp is an int8, its
  // low byte the sum of the low bytes
  logic       under, over;
  logic [7:0] clamped;
  always_comb begin
    under   = s7_y_q < 32'(lo_bound_q);
    over    = s7_y_q > 32'(hi_bound_q);
    clamped = (over || inverted_q) ? max_q : under ? min_q : s7_y_q[7:0] + zp_q;
  end

  logic [7:0] out_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      out_q <= clamped;
    end
  end
  assign out_o = out_q;
endmodule
