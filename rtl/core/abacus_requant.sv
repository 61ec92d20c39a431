// One lane of output requantization, bit-exact with gemmlowp / TFLite:
//
//   x   = acc + bias                              (int32, wraps like the array)
//   x   = saturate32(x * 2^max(shift,0))          (gemmlowp ShiftLeft saturates)
//   y   = SaturatingRoundingDoublingHighMul(x, mult)   ties toward +inf
//   y   = RoundingDivideByPOT(y, max(-shift,0))        ties away from zero
//   out = clamp(y + zp_out, clamp_min, clamp_max)       (computed wide, then int8)
//
// Six register stages, all advancing on en_i (the caller's pipeline stall).
// zp_out and the clamp bounds are taken at the fifth, with the rounding
// shift's result (per vector, as the other fields are at the first).
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

  // ---- stage 2: 32x32 product, in two parts ----------------------------------
  // in two DSP multipliers and a fabric adder tree (abacus_mul32), as two
  // parts: x * mult + 2^30 = lo + hi * 2^MulLowBits, with stage 3's rounding
  // constant 2^30 already in hi; stage 3 adds them.
  logic [63:0] prod_lo;
  logic [39:0] prod_hi;
  abacus_mul32 #(.LowBits(MulLowBits), .Nudge(64'd1 << 30)) u_mul (
    .a_i (s1_x_q),
    .b_i (s1_mult_q),
    .lo_o(prod_lo),
    .hi_o(prod_hi)
  );
  logic signed [63:0] s2_lo_q;
  logic signed [39:0] s2_hi_q;
  logic               s2_ovf_q;
  logic        [4:0]  s2_rshift_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s2_lo_q     <= $signed(prod_lo);
      s2_hi_q     <= $signed(prod_hi);
      // the one product SRDHM cannot represent: INT32_MIN * INT32_MIN
      s2_ovf_q    <= (s1_x_q == Int32Min) && (s1_mult_q == Int32Min);
      s2_rshift_q <= s1_rshift_q;
    end
  end

  // ---- stage 3: doubling high multiply rounding ------------------------------
  // gemmlowp computes (ab + nudge) / 2^31 with C++ truncation, nudge = 2^30
  // for ab >= 0 and 1 - 2^30 otherwise; that equals floor((ab + 2^30) / 2^31)
  // for every ab, which is an arithmetic shift. (ab + 2^30 = lo + hi * 2^L.)
  logic signed [63:0] rounded;
  logic               unused_rounded;
  always_comb begin
    rounded        = s2_lo_q + (64'(s2_hi_q) <<< MulLowBits);
    unused_rounded = ^{rounded[63], rounded[30:0]};
  end
  // The right shift's mask and half (2^r - 1 and 2^(r-1) - 1) depend on the
  // shift alone: made here, so that stage 4 starts from registers.
  logic [30:0] mask, half;
  assign mask = 31'((32'd1 << s2_rshift_q) - 32'd1);
  assign half = mask >> 1;
  logic signed [31:0] s3_high_q;
  logic        [4:0]  s3_rshift_q;
  logic        [30:0] s3_mask_q, s3_half_q, s3_half_p1_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s3_high_q    <= s2_ovf_q ? Int32Max : rounded[62:31];
      s3_rshift_q  <= s2_rshift_q;
      s3_mask_q    <= mask;
      s3_half_q    <= half;
      s3_half_p1_q <= half + 31'd1;
    end
  end

  // ---- stage 4: rounding right shift -----------------------------------------------
  // RoundingDivideByPOT: add one when remainder > half + (x < 0 ? 1 : 0).
  // For a negative x that is remainder > half and remainder != half + 1,
  // so the carry chains (compare, increment) run side by side, and a
  // multiplexer picks the result.
  logic        [30:0] remainder;
  logic signed [31:0] quotient, quotient_p1, s4_y_d;
  logic               round_up;
  always_comb begin
    remainder   = s3_high_q[30:0] & s3_mask_q;
    quotient    = s3_high_q >>> s3_rshift_q;
    quotient_p1 = quotient + 32'sd1;
    round_up    = (remainder > s3_half_q) && !(s3_high_q[31] && remainder == s3_half_p1_q);
    s4_y_d      = round_up ? quotient_p1 : quotient;
  end

  logic signed [31:0] s3_y_q;  // (stage 4's register)
  // The clamp, relative to the zero point: y + zp < min <=> y < min - zp
  // (and likewise for max), so the compares need no add in front of them
  // and run side by side with the low byte's add.
  // The shared fields are taken here, with stage 4's result.
  logic signed [9:0] lo_bound_q, hi_bound_q;
  logic              inverted_q;  // min > max: everything clamps to max
  logic [7:0]        zp_q, min_q, max_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      s3_y_q     <= s4_y_d;
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
    under   = s3_y_q < 32'(lo_bound_q);
    over    = s3_y_q > 32'(hi_bound_q);
    clamped = (over || inverted_q) ? max_q : under ? min_q : s3_y_q[7:0] + zp_q;
  end

  logic [7:0] out_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      out_q <= clamped;
    end
  end
  assign out_o = out_q;
endmodule
