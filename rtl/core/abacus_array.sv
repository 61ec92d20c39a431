// Rows x Cols weight-stationary systolic array with its edge buffers.
//
// Inputs are whole vectors: one activation row (Rows int8, element r for
// array row r) and one weight row (Cols int8 for array row w_row_i). The
// input skew delays array row r by r+1 cycles and the weight skew delays
// column c by c+1 cycles, so an activation and a weight meet every PE on the
// same diagonal wavefront. Each PE adds its product a cycle after the
// multiply (the product is registered). The output deskew delays column c
// by Cols-1-c, so the int32 result row for an activation row issued in
// cycle t appears on ps_o in cycle t + Rows + Cols + 1, all columns together.
//
// PackDsp selects two MACs per multiplier (abacus_pe_pair): column pairs
// (2p, 2p+1) share one PE per row, whose packed partial sums run down
// segments of at most PackSegRows rows and are separated into the two
// columns' int32 sums at each segment's end (abacus_pack_acc). The pair
// array is Cols/2 PEs wide, so it reaches the same output cycle with a
// longer deskew; the ports, latency and results are the same as PackDsp = 0.
// Needs an even Cols.
module abacus_array #(
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16,
  parameter bit PackDsp = 1'b1,
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
  // Activation row r after its skew, entering the array's first column.
  logic       in_valid [Rows];
  logic       in_swap  [Rows];
  logic [7:0] in_data  [Rows];

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
    assign in_valid[r] = ctl[1];
    assign in_swap[r]  = ctl[0];
    assign in_data[r]  = data;
  end


  if (PackDsp) begin : g_packed
    localparam int unsigned Pairs = Cols / 2;
    localparam int unsigned SegRows = abacus_pkg::PackSegRows;
    localparam int unsigned Segs = (Rows + SegRows - 1) / SegRows;

    // Edge signals, as in the plain array with one PE per column pair.
    logic                   a_valid [Rows][Pairs+1];
    logic                   a_swap  [Rows][Pairs+1];
    logic [7:0]             a_data  [Rows][Pairs+1];
    logic                   w_valid [Rows+1][Pairs];
    logic [RowIdxWidth-1:0] w_row   [Rows+1][Pairs];
    logic [15:0]            w_data  [Rows+1][Pairs];
    logic [abacus_pkg::PackPsWidth-1:0] pp [Rows+1][Pairs];

    for (genvar r = 0; r < Rows; r++) begin : g_in
      assign a_valid[r][0] = in_valid[r];
      assign a_swap[r][0]  = in_swap[r];
      assign a_data[r][0]  = in_data[r];
    end

    // Weight skew: pair p enters p+1 cycles after the row, both bytes at once.
    for (genvar p = 0; p < Pairs; p++) begin : g_wskew
      logic                      valid;
      logic [RowIdxWidth+16-1:0] data;
      abacus_delay_rst #(.Width(1), .Depth(p + 1)) u_ctl (
        .clk_i (clk_i),
        .rst_ni(rst_ni),
        .d_i   (w_valid_i),
        .q_o   (valid)
      );
      // (its last stage a flip-flop: the first row packs the pair with a
      // subtract, which behind a shift register's slow output was 2650 ps
      // in the xcup 16x16 proxy run, issue 13's target 2.5 ns)
      abacus_delay #(.Width(RowIdxWidth + 16), .Depth(p + 1), .OutReg(1'b1)) u_data (
        .clk_i(clk_i),
        .d_i  ({w_row_i, w_data_i[p*16 +: 16]}),
        .q_o  (data)
      );
      assign w_valid[0][p] = valid;
      assign w_row[0][p]   = data[16 +: RowIdxWidth];
      assign w_data[0][p]  = data[15:0];
      assign pp[0][p] = '0;
    end

    for (genvar r = 0; r < Rows; r++) begin : g_row
      for (genvar p = 0; p < Pairs; p++) begin : g_col
        abacus_pe_pair #(
          .Row        (r),
          .RowIdxWidth(RowIdxWidth),
          .SegFirst   (r % SegRows == 0)
        ) u_pe (
          .clk_i    (clk_i),
          .rst_ni   (rst_ni),
          .a_valid_i(a_valid[r][p]),
          .a_swap_i (a_swap[r][p]),
          .a_data_i (a_data[r][p]),
          .a_valid_o(a_valid[r][p+1]),
          .a_swap_o (a_swap[r][p+1]),
          .a_data_o (a_data[r][p+1]),
          .w_valid_i(w_valid[r][p]),
          .w_row_i  (w_row[r][p]),
          .w_data_i (w_data[r][p]),
          .w_valid_o(w_valid[r+1][p]),
          .w_row_o  (w_row[r+1][p]),
          .w_data_o (w_data[r+1][p]),
          .ps_i     (pp[r][p]),
          .ps_o     (pp[r+1][p])
        );
      end
    end

    // Column sums per pair, segment by segment. Segment g (rows 8g..e) leaves
    // its P in cycle t+e+3+p; its lanes are added to the sums of the segments
    // above, delayed to meet it, and registered: sum[g] is ready in cycle
    // t+e+4+p, and the last one in cycle t+Rows+3+p.
    for (genvar p = 0; p < Pairs; p++) begin : g_sum
      logic [63:0] sum [Segs];   // {right column, left column}
      for (genvar g = 0; g < Segs; g++) begin : g_seg
        localparam int unsigned Last = ((g + 1) * SegRows < Rows) ? (g + 1) * SegRows : Rows;
        localparam int unsigned Len = Last - g * SegRows;
        logic [63:0] above, acc;
        if (g == 0) begin : g_first
          // the left column's sum starts at minus every segment's lane bias
          assign above = {32'd0, 32'(-(Segs * abacus_pkg::PackLaneBias))};
        end else begin : g_next
          // (its last stage a flip-flop: it starts the lane adds)
          abacus_delay #(.Width(64), .Depth(Len - 1), .OutReg(1'b1)) u_above (
            .clk_i(clk_i),
            .d_i  (sum[g-1]),
            .q_o  (above)
          );
        end
        abacus_pack_acc u_acc (
          .p_i   (pp[Last][p]),
          .sum0_i(above[31:0]),
          .sum1_i(above[63:32]),
          .sum0_o(acc[31:0]),
          .sum1_o(acc[63:32])
        );
        // (keep: not absorbed into the shift-register LUTs of the delay
        // behind it: the first segment's high half is a plain copy of the
        // packed sum, and the chain took the PE's register with it, so the
        // packed add ended at a shift register's setup, 2812 ps in the xcup
        // 16x16 proxy run on 800ac44)
        (* keep *) always_ff @(posedge clk_i) sum[g] <= acc;
      end

      // Output deskew: pair p's sums leave the array with column 2p's timing
      // in the plain array, in cycle t + Rows + Cols + 1.
      logic [63:0] out;
      abacus_delay #(.Width(64), .Depth(Cols - 2 - p)) u_deskew (
        .clk_i(clk_i),
        .d_i  (sum[Segs-1]),
        .q_o  (out)
      );
      assign ps_o[2*p*32 +: 64] = out;
    end

    // Activations leaving the last pair, weights leaving the last row, and the
    // packed sums inside a segment (read only at its end) go nowhere; the edge
    // arrays keep those elements so the generate is uniform.
    logic [Rows-1:0] unused_a_edge;
    logic [Pairs-1:0] unused_w_edge;
    for (genvar r = 0; r < Rows; r++) begin : g_unused_a
      assign unused_a_edge[r] = ^{a_valid[r][Pairs], a_swap[r][Pairs], a_data[r][Pairs]};
    end
    for (genvar p = 0; p < Pairs; p++) begin : g_unused_w
      assign unused_w_edge[p] = ^{w_valid[Rows][p], w_row[Rows][p], w_data[Rows][p], pp[0][p]};
    end
  end else begin : g_plain
    // Edge signals: activations [row][col+1], weights and sums [row+1][col].
    // Unpacked: Yosys 0.23 has no multi-dimensional packed arrays.
    logic                   a_valid [Rows][Cols+1];
    logic                   a_swap  [Rows][Cols+1];
    logic [7:0]             a_data  [Rows][Cols+1];
    logic                   w_valid [Rows+1][Cols];
    logic [RowIdxWidth-1:0] w_row   [Rows+1][Cols];
    logic [7:0]             w_data  [Rows+1][Cols];
    logic [31:0]            ps      [Rows+1][Cols];

    for (genvar r = 0; r < Rows; r++) begin : g_in
      assign a_valid[r][0] = in_valid[r];
      assign a_swap[r][0]  = in_swap[r];
      assign a_data[r][0]  = in_data[r];
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
  end
endmodule
