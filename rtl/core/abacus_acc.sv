`include "abacus_assert.svh"
// Accumulator scratchpad: Depth rows of Cols int32.
//
// Update ports (upd_: from the array; alt_: from the depthwise unit; never
// both valid in one cycle): each valid row is either written or added to
// the row already stored (read-modify-write: read in the cycle it arrives,
// add and write one cycle later). A row that updates the address written in
// the cycle before reads the value being written, not the stale RAM word.
// That compare is made on each port's own address, in parallel, rather than
// behind the port multiplexer (which was in front of it on the xcup 32x32
// synthesis' second-longest path, 3136 ps, proxy).
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
  input  logic                  alt_valid_i,
  input  logic                  alt_accum_i,
  input  logic [AddrWidth-1:0]  alt_addr_i,
  input  logic [Cols*32-1:0]    alt_data_i,
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

  // the row entering stage 1, from whichever port has one
  logic                 in_valid, in_accum;
  logic [AddrWidth-1:0] in_addr;
  assign in_valid = upd_valid_i || alt_valid_i;
  assign in_accum = alt_valid_i ? alt_accum_i : upd_accum_i;
  assign in_addr  = alt_valid_i ? alt_addr_i : upd_addr_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s2_valid_q <= 1'b0;
      s2_fwd_q   <= 1'b0;
    end else begin
      s2_valid_q <= in_valid;
      // the row now in stage 2 writes the address stage 1 is reading
      s2_fwd_q   <= s2_valid_q && ((upd_valid_i && s2_addr_q == upd_addr_i) ||
                                   (alt_valid_i && s2_addr_q == alt_addr_i));
    end
  end

  always_ff @(posedge clk_i) begin
    s2_accum_q    <= in_accum;
    s2_addr_q     <= in_addr;
    s2_data_q     <= alt_valid_i ? alt_data_i : upd_data_i;
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
    .re_i   (in_valid),
    .raddr_i(in_addr),
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

  // One row a cycle: the two ports never offer one together.
  `ABACUS_ASSERT(AccOnePortAtATime, !(upd_valid_i && alt_valid_i))
endmodule
