// Two AXI4 read masters onto one read port: fetch (ID FetchId) and the load
// DMA (any other ID). AR: alternating priority; the choice is held while
// the granted request waits for ARREADY, so the payload never changes
// under a pending VALID. R: routed back by RID.
module abacus_axi_rd_arb #(
  parameter logic [3:0] FetchId = 4'd1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // master 0: load DMA
  input  logic                 m0_ar_valid_i,
  output logic                 m0_ar_ready_o,
  input  logic [63:0]          m0_ar_addr_i,
  input  logic [7:0]           m0_ar_len_i,
  input  logic [3:0]           m0_ar_id_i,
  output logic                 m0_r_valid_o,
  input  logic                 m0_r_ready_i,
  // master 1: fetch
  input  logic                 m1_ar_valid_i,
  output logic                 m1_ar_ready_o,
  input  logic [63:0]          m1_ar_addr_i,
  input  logic [7:0]           m1_ar_len_i,
  output logic                 m1_r_valid_o,
  input  logic                 m1_r_ready_i,
  // the port
  output logic                 ar_valid_o,
  input  logic                 ar_ready_i,
  output logic [63:0]          ar_addr_o,
  output logic [7:0]           ar_len_o,
  output logic [3:0]           ar_id_o,
  input  logic                 r_valid_i,
  output logic                 r_ready_o,
  input  logic [3:0]           r_id_i
);
  logic locked_q, sel_q, last_q, sel;
  always_comb begin
    if (locked_q) sel = sel_q;
    else if (m0_ar_valid_i && m1_ar_valid_i) sel = !last_q;
    else sel = m1_ar_valid_i;
  end
  assign ar_valid_o    = sel ? m1_ar_valid_i : m0_ar_valid_i;
  assign ar_addr_o     = sel ? m1_ar_addr_i : m0_ar_addr_i;
  assign ar_len_o      = sel ? m1_ar_len_i : m0_ar_len_i;
  assign ar_id_o       = sel ? FetchId : m0_ar_id_i;
  assign m0_ar_ready_o = !sel && ar_ready_i;
  assign m1_ar_ready_o = sel && ar_ready_i;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      locked_q <= 1'b0;
      sel_q    <= 1'b0;
      last_q   <= 1'b0;
    end else begin
      locked_q <= ar_valid_o && !ar_ready_i;
      sel_q    <= sel;
      if (ar_valid_o && ar_ready_i) last_q <= sel;
    end
  end

  logic to_fetch;
  assign to_fetch     = (r_id_i == FetchId);
  assign m1_r_valid_o = r_valid_i && to_fetch;
  assign m0_r_valid_o = r_valid_i && !to_fetch;
  assign r_ready_o    = to_fetch ? m1_r_ready_i : m0_r_ready_i;

  // The arbiter's promise: an AR it offers stays offered, with the same
  // payload and owner, until it is taken, even when the other master asks.
`ifndef SYNTHESIS
  abacus_axi_hold_check #(.PayloadBits(77)) u_ar_check (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(ar_valid_o), .ready_i(ar_ready_i), .abort_i(1'b0),
    .payload_i({sel, ar_addr_o, ar_len_o, ar_id_o}));
`endif
endmodule
