// Post-processing of one accumulator row: Cols requantization lanes with
// per-output-channel bias, multiplier and shift, and a shared output zero
// point and clamp. Eleven pipeline stages (abacus_requant), advancing on en_i.
module abacus_postproc #(
  parameter int unsigned Cols = 16,
  parameter int unsigned MulLowBits = 26   // abacus_requant
) (
  input  logic                  clk_i,
  input  logic                  en_i,
  // per-channel vectors: channel c at [c*W +: W]
  input  logic [Cols*32-1:0]    acc_i,
  input  logic [Cols*32-1:0]    bias_i,
  input  logic                  float_i,  // requantize with binary32 scales
  input  logic [Cols*32-1:0]    mult_i,
  input  logic [Cols*6-1:0]     shift_i,
  input  logic [7:0]            zp_out_i,
  input  logic [7:0]            clamp_min_i,
  input  logic [7:0]            clamp_max_i,
  output logic [Cols*8-1:0]     out_o
);
  for (genvar c = 0; c < Cols; c++) begin : g_lane
    abacus_requant #(.MulLowBits(MulLowBits)) u_requant (
      .clk_i      (clk_i),
      .en_i       (en_i),
      .acc_i      (acc_i[c*32 +: 32]),
      .bias_i     (bias_i[c*32 +: 32]),
      .float_i    (float_i),
      .mult_i     (mult_i[c*32 +: 32]),
      .shift_i    (shift_i[c*6 +: 6]),
      .zp_out_i   (zp_out_i),
      .clamp_min_i(clamp_min_i),
      .clamp_max_i(clamp_max_i),
      .out_o      (out_o[c*8 +: 8])
    );
  end
endmodule
