// Weight-stationary processing element for two adjacent columns that share
// one multiplier (DSP48E2 packing, docs/architecture.md "Two MACs per DSP").
//
// Same protocol as abacus_pe: activations enter from the left and leave to
// the right one cycle later, a weight row travels down with its row index,
// and an activation carrying the swap flag copies the shadow weights into the
// active register. Here a weight word holds two int8 lanes, w0 (the pair's
// left column) and w1 (its right column), which are stored packed:
//
//   packed = w1 * 2^18 + w0       (27-bit signed: the DSP48E2's A/AD width)
//
// so one 27 x 8 signed product, a * packed = (a*w1) * 2^18 + a*w0, carries
// both lane products. The partial sum P (abacus_pkg::PackPsWidth bits)
// accumulates those products
// down a segment of at most 8 rows (abacus_pack_acc separates the lanes at
// the segment's end). SegFirst starts a segment: P begins at the lane bias
// instead of the row above's P. As in abacus_pe, the product is registered
// (M) and added a cycle later.
module abacus_pe_pair #(
  parameter int unsigned Row = 0,
  parameter int unsigned RowIdxWidth = 4,
  parameter bit SegFirst = 1'b0
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // activations, left to right
  input  logic                   a_valid_i,
  input  logic                   a_swap_i,
  input  logic [7:0]             a_data_i,
  output logic                   a_valid_o,
  output logic                   a_swap_o,
  output logic [7:0]             a_data_o,
  // weight load, top to bottom: {w1, w0}
  input  logic                   w_valid_i,
  input  logic [RowIdxWidth-1:0] w_row_i,
  input  logic [15:0]            w_data_i,
  output logic                   w_valid_o,
  output logic [RowIdxWidth-1:0] w_row_o,
  output logic [15:0]            w_data_o,
  // packed partial sums, top to bottom (ps_i unused when SegFirst)
  input  logic [abacus_pkg::PackPsWidth-1:0] ps_i,
  output logic [abacus_pkg::PackPsWidth-1:0] ps_o
);
  // Control: reset, so no swap or weight load fires out of reset.
  logic a_valid_q, a_swap_q, w_valid_q;
  // Datapath: no reset (meaningless until a valid bit says otherwise).
  logic [7:0] a_data_q;
  logic [15:0] w_data_q;
  logic [RowIdxWidth-1:0] w_row_q;
  logic [26:0] shadow_q, active_q, active_d, shadow_d, packed_w;
  logic [abacus_pkg::PackPsWidth-1:0] ps_q, ps_d, ps_in;
  logic [34:0] m_q, m_d;

  logic swap, load;
  assign swap = a_valid_i && a_swap_i;
  assign load = w_valid_i && (w_row_i == RowIdxWidth'(Row));

  // w1 * 2^18 + w0: the low 18 bits are w0 sign-extended, the high 9 bits
  // are w1 sign-extended minus w0's borrow (w0's sign).
  assign packed_w = {9'($signed(w_data_i[15:8])) - 9'(w_data_i[7]), 18'($signed(w_data_i[7:0]))};

  always_comb begin
    active_d = swap ? shadow_q : active_q;
    shadow_d = load ? packed_w : shadow_q;
    ps_in = SegFirst ? abacus_pkg::PackLaneBias : ps_i;
    m_d  = 35'($signed(a_data_i) * $signed(active_d));
    ps_d = ps_in + abacus_pkg::PackPsWidth'($signed(m_q));
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_valid_q <= 1'b0;
      a_swap_q  <= 1'b0;
      w_valid_q <= 1'b0;
    end else begin
      a_valid_q <= a_valid_i;
      a_swap_q  <= a_swap_i;
      w_valid_q <= w_valid_i;
    end
  end

  always_ff @(posedge clk_i) begin
    a_data_q <= a_data_i;
    w_data_q <= w_data_i;
    w_row_q  <= w_row_i;
    shadow_q <= shadow_d;
    active_q <= active_d;
    m_q      <= m_d;
    ps_q     <= ps_d;
  end

  if (SegFirst) begin : g_unused_ps
    logic unused_ps;
    assign unused_ps = ^ps_i;
  end

  assign a_valid_o = a_valid_q;
  assign a_swap_o  = a_swap_q;
  assign a_data_o  = a_data_q;
  assign w_valid_o = w_valid_q;
  assign w_row_o   = w_row_q;
  assign w_data_o  = w_data_q;
  assign ps_o      = ps_q;
endmodule
