// Test wrapper (not synthesized): one packed PE (abacus_pe_pair, not the
// first of its segment) followed by the lane separation (abacus_pack_acc), as
// at the last row of a packed segment. Tests load a weight pair, drive the
// incoming packed partial sum and the column sums from above, and read the
// two columns' sums two cycles after the activation (the product register).
module abacus_pack_tb (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        a_valid_i,
  input  logic        a_swap_i,
  input  logic [7:0]  a_data_i,
  input  logic        w_valid_i,
  input  logic [15:0] w_data_i,   // {w1 (right column), w0 (left column)}
  input  logic [abacus_pkg::PackPsWidth-1:0] ps_i,
  input  logic [31:0] sum0_i,
  input  logic [31:0] sum1_i,
  output logic [abacus_pkg::PackPsWidth-1:0] ps_o,
  output logic [31:0] sum0_o,
  output logic [31:0] sum1_o
);
  logic       a_valid, a_swap, w_valid;
  logic [7:0] a_data;
  logic [0:0] w_row;
  logic [15:0] w_data;
  abacus_pe_pair #(.Row(0), .RowIdxWidth(1), .SegFirst(1'b0)) u_pe (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .a_valid_i(a_valid_i),
    .a_swap_i (a_swap_i),
    .a_data_i (a_data_i),
    .a_valid_o(a_valid),
    .a_swap_o (a_swap),
    .a_data_o (a_data),
    .w_valid_i(w_valid_i),
    .w_row_i  (1'b0),
    .w_data_i (w_data_i),
    .w_valid_o(w_valid),
    .w_row_o  (w_row),
    .w_data_o (w_data),
    .ps_i     (ps_i),
    .ps_o     (ps_o)
  );
  abacus_pack_acc u_acc (
    .p_i   (ps_o),
    .sum0_i(sum0_i),
    .sum1_i(sum1_i),
    .sum0_o(sum0_o),
    .sum1_o(sum1_o)
  );
  logic unused;
  assign unused = ^{a_valid, a_swap, a_data, w_valid, w_row, w_data};
endmodule
