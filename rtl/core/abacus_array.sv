// Rows x Cols weight-stationary systolic array with its edge buffers.
//
// Inputs are whole vectors: one activation row (Rows int8, element r for
// array row r) and one weight row (Cols int8 for array row w_row_i). The
// input skew delays array row r by r+1 cycles and the weight skew delays
// column c by c+1 cycles, so an activation and a weight meet every PE on the
// same diagonal wavefront. The output deskew delays column c by Cols-1-c, so
// the int32 result row for an activation row issued in cycle t appears on
// ps_o in cycle t + Rows + Cols, all columns together.
module abacus_array #(
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16,
  localparam int unsigned RowIdxWidth = (Rows > 1) ? $clog2(Rows) : 1
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       a_valid_i,
  input  logic                       a_swap_i,
  input  logic [Rows*8-1:0]          a_data_i,   // element r: bits [r*8 +: 8]
  input  logic                       w_valid_i,
  input  logic [RowIdxWidth-1:0]     w_row_i,
  input  logic [Cols*8-1:0]          w_data_i,   // element c: bits [c*8 +: 8]
  output logic [Cols*32-1:0]         ps_o        // element c: bits [c*32 +: 32]
);
  // Edge signals: activations [row][col+1], weights and sums [row+1][col].
  // Unpacked: Yosys 0.23 has no multi-dimensional packed arrays.
  logic                   a_valid [Rows][Cols+1];
  logic                   a_swap  [Rows][Cols+1];
  logic [7:0]             a_data  [Rows][Cols+1];
  logic                   w_valid [Rows+1][Cols];
  logic [RowIdxWidth-1:0] w_row   [Rows+1][Cols];
  logic [7:0]             w_data  [Rows+1][Cols];
  logic [31:0]            ps      [Rows+1][Cols];

  // Input skew: row r enters r+1 cycles after the vector.
  for (genvar r = 0; r < Rows; r++) begin : g_skew
    logic [1:0] ctl;
    logic [7:0] data;
    abacus_delay_rst #(.Width(2), .Depth(r + 1)) u_ctl (
      .clk_i (clk_i),
      .rst_ni(rst_ni),
      .d_i   ({a_valid_i, a_swap_i}),
      .q_o   (ctl)
    );
    abacus_delay #(.Width(8), .Depth(r + 1)) u_data (
      .clk_i(clk_i),
      .d_i  (a_data_i[r*8 +: 8]),
      .q_o  (data)
    );
    assign a_valid[r][0] = ctl[1];
    assign a_swap[r][0]  = ctl[0];
    assign a_data[r][0]  = data;
  end

  // Weight skew: column c enters c+1 cycles after the row.
  for (genvar c = 0; c < Cols; c++) begin : g_wskew
    logic                      valid;
    logic [RowIdxWidth+8-1:0]  data;
    abacus_delay_rst #(.Width(1), .Depth(c + 1)) u_ctl (
      .clk_i (clk_i),
      .rst_ni(rst_ni),
      .d_i   (w_valid_i),
      .q_o   (valid)
    );
    abacus_delay #(.Width(RowIdxWidth + 8), .Depth(c + 1)) u_data (
      .clk_i(clk_i),
      .d_i  ({w_row_i, w_data_i[c*8 +: 8]}),
      .q_o  (data)
    );
    assign w_valid[0][c] = valid;
    assign w_row[0][c]   = data[8 +: RowIdxWidth];
    assign w_data[0][c]  = data[7:0];
    assign ps[0][c] = '0;
  end

  for (genvar r = 0; r < Rows; r++) begin : g_row
    for (genvar c = 0; c < Cols; c++) begin : g_col
      abacus_pe #(
        .Row        (r),
        .RowIdxWidth(RowIdxWidth)
      ) u_pe (
        .clk_i    (clk_i),
        .rst_ni   (rst_ni),
        .a_valid_i(a_valid[r][c]),
        .a_swap_i (a_swap[r][c]),
        .a_data_i (a_data[r][c]),
        .a_valid_o(a_valid[r][c+1]),
        .a_swap_o (a_swap[r][c+1]),
        .a_data_o (a_data[r][c+1]),
        .w_valid_i(w_valid[r][c]),
        .w_row_i  (w_row[r][c]),
        .w_data_i (w_data[r][c]),
        .w_valid_o(w_valid[r+1][c]),
        .w_row_o  (w_row[r+1][c]),
        .w_data_o (w_data[r+1][c]),
        .ps_i     (ps[r][c]),
        .ps_o     (ps[r+1][c])
      );
    end
  end

  // Output deskew: column c leaves the array c cycles after column 0.
  for (genvar c = 0; c < Cols; c++) begin : g_deskew
    abacus_delay #(.Width(32), .Depth(Cols - 1 - c)) u_data (
      .clk_i(clk_i),
      .d_i  (ps[Rows][c]),
      .q_o  (ps_o[c*32 +: 32])
    );
  end

  // Activations leaving the last column and weights leaving the last row go
  // nowhere; the edge arrays keep that extra element so the generate is uniform.
  logic [Rows-1:0] unused_a_edge;
  logic [Cols-1:0] unused_w_edge;
  for (genvar r = 0; r < Rows; r++) begin : g_unused_a
    assign unused_a_edge[r] = ^{a_valid[r][Cols], a_swap[r][Cols], a_data[r][Cols]};
  end
  for (genvar c = 0; c < Cols; c++) begin : g_unused_w
    assign unused_w_edge[c] = ^{w_valid[Rows][c], w_row[Rows][c], w_data[Rows][c]};
  end
endmodule
