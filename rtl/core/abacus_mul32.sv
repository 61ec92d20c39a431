// Signed 32 x 32-bit product in two DSP multipliers, as two parts for the
// caller to register and add (docs/architecture.md "Requantization in two
// DSPs"). With L = LowBits, a = ah * 2^L + al, al = a[L-1:0] unsigned and
// ah = a[31:L] signed, and b = bh * 2^17 + bl, bl = b[16:0] unsigned and
// bh = b[31:17] signed:
//
//   a * b + Nudge = lo + hi * 2^L,  lo = al*bl + (al*bh) * 2^17,
//                                   hi = ah*b + Nudge / 2^L
//
// al*bl (Lu x 17u) and al*bh (Lu x 15s) each fit one DSP multiplier as
// (L+1) x 18 signed: L = 26 for the DSP48E2's 27 x 18, L = 24 for the
// DSP48E1's 25 x 18. ah*b (the top 32-L bits of a) is an adder tree of
// shifted copies of b in fabric, written without `*` so synthesis leaves it
// there; Nudge (a multiple of 2^L, the caller's rounding constant) rides in
// that tree. Combinational: the caller registers lo and hi.
module abacus_mul32 #(
  parameter int unsigned LowBits = 26,     // 24..26
  parameter logic [63:0] Nudge = 64'd0     // a multiple of 2^LowBits
) (
  input  logic [31:0] a_i,   // signed
  input  logic [31:0] b_i,   // signed
  output logic [63:0] lo_o,  // signed
  output logic [39:0] hi_o   // signed
);
  localparam int unsigned HighBits = 32 - LowBits;  // 6..8: a's bits in fabric
  logic signed [LowBits+18:0] p_ll, p_lh;
  logic signed [39:0] b_ext, u;
  logic signed [39:0] t [7];
  logic [38:0] a_ext;  // a, zero-padded so that every index below is in range
  always_comb begin
    a_ext = {7'd0, a_i};
    p_ll = (LowBits+19)'($signed({1'b0, a_i[LowBits-1:0]}) * $signed({1'b0, b_i[16:0]}));
    p_lh = (LowBits+19)'($signed({1'b0, a_i[LowBits-1:0]}) * $signed(b_i[31:17]));
    lo_o = 64'(64'(p_ll) + (64'(p_lh) <<< 17));
    // ah * b = sum over a's bits L..30 of b * 2^i, minus b * 2^(31-L) for bit 31
    b_ext = 40'($signed(b_i));
    for (int i = 0; i < 7; i++) begin
      t[i] = (i < HighBits - 1 && a_ext[LowBits + i]) ? (b_ext <<< i) : '0;
    end
    u = a_i[31] ? (b_ext <<< (HighBits - 1)) : '0;
    hi_o = ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] - u)) + 40'(Nudge >> LowBits);
  end
endmodule
