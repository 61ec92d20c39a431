// Signed 32 x 32-bit product in two DSP multipliers and a shallow fabric
// tree, as four parts for the caller to register and add (docs/
// architecture.md "Requantization in two DSPs"). With L = LowBits,
// a = ah * 2^L + al, al = a[L-1:0] unsigned and ah = a[31:L] signed, and
// b = bh * 2^17 + bl, bl = b[16:0] unsigned and bh = b[31:17] signed:
//
//   a * b + N = ll + lh * 2^17 + (hs + hc) * 2^L    (mod 2^63)
//   ll = al*bl,  lh = al*bh,  hs + hc = ah*b + N / 2^L,   N = round_i * 2^30
//
// ll (Lu x 17u) and lh (Lu x 15s) each fit one DSP multiplier as
// (L+1) x 18 signed: L = 26 for the DSP48E2's 27 x 18, L = 24 for the
// DSP48E1's 25 x 18. ah*b (the top H = 32 - L bits of a, H even) is in
// fabric, written without `*` so synthesis keeps it out of the DSPs:
// radix-4 Booth digits of ah select H/2 partial products (0, +-b, +-2b),
// and one or two layers of carry-save adders reduce them, with the
// negations' +1s and N (the caller's rounding constant, a multiple of
// 2^L), to two rows, hs and hc; the caller adds them. Exact in the
// low 63 bits, which is all the caller reads (a 32 x 32 signed product
// fits in 63 bits and a sign). Combinational: the caller registers the parts.
module abacus_mul32 #(
  parameter int unsigned LowBits = 26  // 24 or 26
) (
  input  logic [31:0]        a_i,    // signed
  input  logic [31:0]        b_i,    // signed
  input  logic               round_i,  // add 2^30
  output logic [LowBits+17:0] ll_o,  // al * bl (non-negative)
  output logic [LowBits+17:0] lh_o,  // al * bh (signed)
  output logic [39:0]        hs_o,   // hs + hc = ah * b + N / 2^L (mod 2^40)
  output logic [39:0]        hc_o
);
  localparam int unsigned HighBits = 32 - LowBits;  // 6 or 8: a's bits in fabric
  localparam int unsigned Digits = HighBits / 2;
  localparam int unsigned Rows = Digits + 1;        // partial products and the tail

  always_comb begin
    ll_o = (LowBits+18)'($signed({1'b0, a_i[LowBits-1:0]}) * $signed({1'b0, b_i[16:0]}));
    lh_o = (LowBits+18)'($signed({1'b0, a_i[LowBits-1:0]}) * $signed(b_i[31:17]));
  end

  // ---- ah * b: Booth radix 4 ----------------------------------------------------
  // digit k = -2*ah[2k+1] + ah[2k] + ah[2k-1] (ah[-1] = 0), in -2..2, and
  // ah = sum of digit_k * 4^k. Partial product k is digit_k * b * 4^k, a
  // negative one as the complement of |digit_k| * b plus one at bit 2k; that
  // one sits in the next row's free low bits, the last one in the tail row
  // beside N / 2^L (both at bit H - 2 = 30 - L: the tail is their sum).
  logic [HighBits:0] ah_ext;  // ah with a 0 below it
  logic [39:0]       b_ext, pp [Rows];
  logic [Digits-1:0] neg;
  always_comb begin
    ah_ext = {a_i[31:LowBits], 1'b0};
    b_ext  = 40'($signed(b_i));
    for (int unsigned k = 0; k < Digits; k++) begin
      logic y2, y1, y0, one, two;
      logic [39:0] m;
      y2 = ah_ext[2*k+2];
      y1 = ah_ext[2*k+1];
      y0 = ah_ext[2*k];
      one = y1 ^ y0;
      two = (y2 && !y1 && !y0) || (!y2 && y1 && y0);
      m = one ? b_ext : two ? (b_ext << 1) : '0;
      neg[k] = y2;
      pp[k] = (y2 ? ~m : m) << (2 * k);
      if (k > 0) pp[k][2*k-2] = neg[k-1];
    end
    pp[Digits] = '0;
    pp[Digits][HighBits-2] = round_i ^ neg[Digits-1];
    pp[Digits][HighBits-1] = round_i & neg[Digits-1];
  end

  // ---- carry-save reduction to two rows -------------------------------------------
  // (the last three rows into two, then each row above with those two:
  // Rows - 2 layers of 3:2 counters, one LUT level each)
  always_comb begin
    logic [39:0] x, y;
    x = pp[Rows-2];
    y = pp[Rows-1];
    for (int k = Rows - 3; k >= 0; k--) begin
      logic [39:0] z;
      z = pp[k];
      {x, y} = {x ^ y ^ z, ((x & y) | (x & z) | (y & z)) << 1};
    end
    hs_o = x;
    hc_o = y;
  end
endmodule
