// Weight-stationary processing element.
//
// Activations enter from the left and leave to the right one cycle later;
// partial sums enter from above and leave below one cycle later with the
// product a * w of the cycle before added. The product is registered (the
// DSP's M register), so the multiply and the cascaded add are paths of
// their own (together, the DSP48E1's multiply and cascade add were the
// longest path of the xc7 32x32 synthesis, 4669 ps, proxy). Weights for
// the next tile travel down the column with their row index; the PE whose
// Row matches latches one into its shadow register. An activation carrying
// the swap flag (the first row of a tile) copies the shadow weight into the
// active register and is itself multiplied by it.
module abacus_pe #(
  parameter int unsigned Row = 0,
  parameter int unsigned RowIdxWidth = 4
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
  // weight load, top to bottom
  input  logic                   w_valid_i,
  input  logic [RowIdxWidth-1:0] w_row_i,
  input  logic [7:0]             w_data_i,
  output logic                   w_valid_o,
  output logic [RowIdxWidth-1:0] w_row_o,
  output logic [7:0]             w_data_o,
  // partial sums, top to bottom
  input  logic [31:0]            ps_i,
  output logic [31:0]            ps_o
);
  // Control: reset, so no swap or weight load fires out of reset.
  logic a_valid_q, a_swap_q, w_valid_q;
  // Datapath: no reset (meaningless until a valid bit says otherwise).
  logic [7:0] a_data_q, w_data_q, shadow_q, active_q, active_d, shadow_d;
  logic [RowIdxWidth-1:0] w_row_q;
  logic [31:0] ps_q, ps_d;
  logic [15:0] m_q, m_d;

  logic swap, load;
  assign swap = a_valid_i && a_swap_i;
  assign load = w_valid_i && (w_row_i == RowIdxWidth'(Row));

  always_comb begin
    active_d = swap ? shadow_q : active_q;
    shadow_d = load ? w_data_i : shadow_q;
    m_d  = 16'($signed(a_data_i) * $signed(active_d));
    ps_d = ps_i + 32'($signed(m_q));
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

  assign a_valid_o = a_valid_q;
  assign a_swap_o  = a_swap_q;
  assign a_data_o  = a_data_q;
  assign w_valid_o = w_valid_q;
  assign w_row_o   = w_row_q;
  assign w_data_o  = w_data_q;
  assign ps_o      = ps_q;
endmodule
