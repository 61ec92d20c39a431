`include "abacus_assert.svh"

// Checks the AXI rule a master (or the arbiter in front of masters) must
// keep on a channel: once VALID is high, VALID and the payload stay as they
// are until READY takes them. Internal handshakes that promise the same
// (DMA descriptors) use it too, with abort_i for the one case where their
// producer may withdraw an offer (an engine halted after an error); AXI
// channels tie abort_i to 0. Simulation only: instantiate it inside
// `ifndef SYNTHESIS; the instance path in the message names the channel
// (u_load_path.u_arb.u_ar_check, u_load_path.u_dma.g_rd.u_rd.u_ar_check, ...).
module abacus_axi_hold_check #(
  parameter int unsigned PayloadBits = 76  // address, length, ID, ... as one vector
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   valid_i,
  input  logic                   ready_i,
  input  logic                   abort_i,
  input  logic [PayloadBits-1:0] payload_i
);
  logic                   pend_q;
  logic [PayloadBits-1:0] payload_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) pend_q <= 1'b0;
    else pend_q <= valid_i && !ready_i && !abort_i;
  end
  always_ff @(posedge clk_i) payload_q <= payload_i;
  `ABACUS_ASSERT(HeldUntilTaken, !pend_q || abort_i || (valid_i && payload_i == payload_q))
endmodule
