// Lane separation at the end of a packed segment (abacus_pe_pair).
//
// A segment of n <= 8 rows leaves P = bias + H * 2^18 + L, where
// L = sum of a*w0 and H = sum of a*w1 over the segment, bias = PackLaneBias =
// 130048 = 8 * 16256. Every int8 product lies in [-16256, 16384], so
// L + bias lies in [0, 8 * 32640] = [0, 261120], inside [0, 2^18): the low 18
// bits of P are exactly L + bias, and P's bits 36:18 are exactly H (no borrow
// from the low lane reaches them). The lanes are added to the column sums
// coming from the segments above, modulo 2^32 like the unpacked array. The
// caller folds the bias out of the left column's sum: it starts that sum at
// -(number of segments) * bias.
module abacus_pack_acc (
  input  logic [abacus_pkg::PackPsWidth-1:0] p_i,
  input  logic [31:0] sum0_i,   // left column (w0 lane), pre-biased
  input  logic [31:0] sum1_i,   // right column (w1 lane)
  output logic [31:0] sum0_o,
  output logic [31:0] sum1_o
);
  assign sum0_o = sum0_i + {14'd0, p_i[17:0]};
  assign sum1_o = sum1_i + 32'($signed(p_i[abacus_pkg::PackPsWidth-1:18]));
endmodule
