// Accumulator scratchpad: Depth rows of Cols int32.
//
// Update port (from the array): each valid row is either written or added to
// the row already stored (read-modify-write: read in the cycle it arrives,
// add and write one cycle later). A row that updates the address written in
// the cycle before reads the value being written, not the stale RAM word.
// Drain port (to post-processing): synchronous read with an enable; the data
// holds while rd_en_i is low.
//
// The RAM is kept twice, written identically, one copy per read port: the
// update path and the drain path never arbitrate, so stores never stall
// compute. Block RAM is plentiful next to the DSPs; see docs/architecture.md.
module abacus_acc #(
  parameter int unsigned Cols = 16,
  parameter int unsigned Depth = 512,
  localparam int unsigned AddrWidth = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // update
  input  logic                  upd_valid_i,
  input  logic                  upd_accum_i,
  input  logic [AddrWidth-1:0]  upd_addr_i,
  input  logic [Cols*32-1:0]    upd_data_i,  // element c: bits [c*32 +: 32]
  output logic                  wr_valid_o,  // a row is written this cycle
  // drain
  input  logic                  rd_en_i,
  input  logic [AddrWidth-1:0]  rd_addr_i,
  output logic [Cols*32-1:0]    rd_data_o
);
  localparam int unsigned Width = Cols * 32;

  // Stage 2 of the read-modify-write: control reset, data not.
  logic                  s2_valid_q, s2_accum_q, s2_fwd_q;
  logic [AddrWidth-1:0]  s2_addr_q;
  logic [Width-1:0]      s2_data_q, s2_fwd_data_q;
  logic [Width-1:0]      old_rdata, old, wdata;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s2_valid_q <= 1'b0;
      s2_fwd_q   <= 1'b0;
    end else begin
      s2_valid_q <= upd_valid_i;
      // the row now in stage 2 writes the address stage 1 is reading
      s2_fwd_q   <= upd_valid_i && s2_valid_q && (s2_addr_q == upd_addr_i);
    end
  end

  always_ff @(posedge clk_i) begin
    s2_accum_q    <= upd_accum_i;
    s2_addr_q     <= upd_addr_i;
    s2_data_q     <= upd_data_i;
    s2_fwd_data_q <= wdata;
  end

  // (overwrite adds zero: the choice is made on the stored word, beside
  // the new row's path, not behind the add)
  always_comb begin
    old = s2_accum_q ? (s2_fwd_q ? s2_fwd_data_q : old_rdata) : '0;
    for (int unsigned c = 0; c < Cols; c++) begin
      wdata[c*32 +: 32] = old[c*32 +: 32] + s2_data_q[c*32 +: 32];
    end
  end

  abacus_sram_sdp #(.Width(Width), .Depth(Depth)) u_upd_ram (
    .clk_i  (clk_i),
    .we_i   (s2_valid_q),
    .waddr_i(s2_addr_q),
    .wdata_i(wdata),
    .re_i   (upd_valid_i),
    .raddr_i(upd_addr_i),
    .rdata_o(old_rdata)
  );

  abacus_sram_sdp #(.Width(Width), .Depth(Depth)) u_drain_ram (
    .clk_i  (clk_i),
    .we_i   (s2_valid_q),
    .waddr_i(s2_addr_q),
    .wdata_i(wdata),
    .re_i   (rd_en_i),
    .raddr_i(rd_addr_i),
    .rdata_o(rd_data_o)
  );

  assign wr_valid_o = s2_valid_q;
endmodule
