`include "abacus_assert.svh"
// Accumulator scratchpad: Depth rows of Cols int32.
//
// Update ports (upd_: from the array; alt_: from the depthwise unit; never
// both valid in one cycle): each valid row is either written or added to
// the row already stored, in three stages: the RAM read in the cycle the
// row arrives, the word it read registered in the next, the add and the
// write in the one after (the row is written two cycles after it is
// taken). The read word's register is there for the clock: without it the
// RAM's clock-to-output (2454 ps for a RAMB18E1 without its output
// register in Yosys's cell library), the add and the RAM's data setup were
// one path, the longest of the xc7 32x32 synthesis (5543 ps, proxy). A row
// that updates an address one of the two rows before it is writing (their
// writes come after its read) takes that row's sum instead of the stale
// word, the newer one first, so repeated addresses accumulate correctly
// back to back. Those compares are made early, between registers. The
// row two ahead: its sum (then one cycle old) is taken into the read
// word's register in place of the word read. The row just ahead: its
// addends are taken instead, its data added to the row's own data and
// its read word kept, so the row's sum is the same (modulo 2^32) and
// nothing stands between the registers and the add. (The read word, the
// three-way pick and the overwrite's zero in front of the add, then the
// RAM's data setup, were 3562 ps in the whole xc7 32x32 run on 91d668f,
// proxy; with the newer sum still picked in front of the add, the xcup
// 32x32 run's 48 accumulator endpoints at 2541 ps on eb367eb, issue 13's
// target 2.5 ns; with that sum taken into the read word's register behind
// the add, 2533 for the accumulator alone; docs/fpga.md.)
//
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
  output logic                  wr_alt_o,    // (the row came through alt_)
  // drain
  input  logic                  rd_en_i,
  input  logic [AddrWidth-1:0]  rd_addr_i,
  output logic [Cols*32-1:0]    rd_data_o
);
  localparam int unsigned Width = Cols * 32;

  // the row entering stage 1, from whichever port has one
  logic                 in_valid, in_accum;
  logic [AddrWidth-1:0] in_addr;
  assign in_valid = upd_valid_i || alt_valid_i;
  assign in_accum = alt_valid_i ? alt_accum_i : upd_accum_i;
  assign in_addr  = alt_valid_i ? alt_addr_i : upd_addr_i;

  // Stages 2 and 3: control reset, data not.
  logic                 s2_valid_q, s2_accum_q, s2_alt_q;
  logic                 s3_valid_q, s3_alt_q;
  logic                 s2_fwd1_q;  // the row in stage 2 takes the sum written a cycle before its write
  logic                 s2_fwd2_q;  // the row in stage 2 takes the sum written two cycles before its write
  logic [AddrWidth-1:0] s2_addr_q, s3_addr_q;
  logic [Width-1:0]     s2_data_q, s3_data_q, s3_old_q;
  logic [Width-1:0]     sum1_q;  // the sum written a cycle ago
  logic [Width-1:0]     old_rdata, wdata, mdata;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s2_valid_q <= 1'b0;
      s3_valid_q <= 1'b0;
      s2_fwd1_q  <= 1'b0;
      s2_fwd2_q  <= 1'b0;
    end else begin
      s2_valid_q <= in_valid;
      s3_valid_q <= s2_valid_q;
      // Writes a row's RAM read came too early to see. fwd2: the row
      // arriving reads the address the row in stage 3 writes now; that
      // sum is in sum1_q a cycle later, when the arriving row takes it
      // into s3_old_q. fwd1: the row arriving adds to the address of the
      // row in stage 2, so a cycle later, when the arriving row is in
      // stage 2 and the other in stage 3 (whose sum is
      // s3_old_q + s3_data_q), it takes s3_old_q as its old value and
      // adds s3_data_q to its data; the newer, it wins over fwd2. (An
      // overwrite adds zero: fwd1 needs accumulate, and s3_old_q takes
      // zero.)
      // (each port's address compared on its own, the valid picking the
      // result: the compare behind the ports' address mux, from the
      // depthwise MAC's metadata register, was the top of the whole xcup
      // 32x32 run on a76c4ec, 3285 ps, proxy)
      s2_fwd2_q  <= s3_valid_q && ((upd_valid_i && upd_addr_i == s3_addr_q) ||
                                   (alt_valid_i && alt_addr_i == s3_addr_q));
      s2_fwd1_q  <= s2_valid_q && ((upd_valid_i && upd_accum_i && upd_addr_i == s2_addr_q) ||
                                   (alt_valid_i && alt_accum_i && alt_addr_i == s2_addr_q));
    end
  end

  always_ff @(posedge clk_i) begin
    s2_accum_q <= in_accum;
    s2_alt_q   <= alt_valid_i;
    s2_addr_q  <= in_addr;
    s2_data_q  <= alt_valid_i ? alt_data_i : upd_data_i;
    s3_alt_q   <= s2_alt_q;
    s3_addr_q  <= s2_addr_q;
    s3_data_q  <= s2_fwd1_q ? mdata : s2_data_q;
    s3_old_q   <= s2_fwd1_q ? s3_old_q : !s2_accum_q ? '0 : s2_fwd2_q ? sum1_q : old_rdata;
    sum1_q     <= wdata;
  end

  // Each element's add as a carry select (abacus_add_cs): as one 32-bit
  // carry chain behind the forwarding pick it was 2590 ps in the xcup
  // 32x32 run on 47a2ba8 (proxy, issue 13's target 2.5 ns).
  for (genvar c = 0; c < Cols; c++) begin : g_add
    /* verilator lint_off UNUSEDSIGNAL */  // the carry out: sums are modulo 2^32
    logic [32:0] add_sum;
    /* verilator lint_on UNUSEDSIGNAL */
    abacus_add_cs #(.Width(32)) u_add (
      .a_i  (s3_old_q[c*32 +: 32]),
      .b_i  (s3_data_q[c*32 +: 32]),
      .sum_o(add_sum)
    );
    assign wdata[c*32 +: 32] = add_sum[31:0];
    // (the forwarded data's add: a carry select too, 2244 ps for the
    // accumulator alone at 32 columns, 2421 as one chain, the same LUTs)
    /* verilator lint_off UNUSEDSIGNAL */
    logic [32:0] m_sum;
    /* verilator lint_on UNUSEDSIGNAL */
    abacus_add_cs #(.Width(32)) u_madd (
      .a_i  (s2_data_q[c*32 +: 32]),
      .b_i  (s3_data_q[c*32 +: 32]),
      .sum_o(m_sum)
    );
    assign mdata[c*32 +: 32] = m_sum[31:0];
  end
`ifndef SYNTHESIS
  logic add_exact;  // every element's carry-select sums (the write, the forward) are the plain sums
  always_comb begin
    add_exact = 1'b1;
    for (int unsigned c = 0; c < Cols; c++) begin
      if (wdata[c*32 +: 32] != s3_old_q[c*32 +: 32] + s3_data_q[c*32 +: 32]) add_exact = 1'b0;
      if (mdata[c*32 +: 32] != s2_data_q[c*32 +: 32] + s3_data_q[c*32 +: 32]) add_exact = 1'b0;
    end
  end
  `ABACUS_ASSERT(AccAddExact, add_exact)
  // the early compare is the one between the rows in stages 2 and 3
  `ABACUS_ASSERT(AccFwd1Early, s2_fwd1_q ==
                 (s2_valid_q && s3_valid_q && s2_accum_q && s2_addr_q == s3_addr_q))
`endif

  abacus_sram_sdp #(.Width(Width), .Depth(Depth)) u_upd_ram (
    .clk_i  (clk_i),
    .we_i   (s3_valid_q),
    .waddr_i(s3_addr_q),
    .wdata_i(wdata),
    .re_i   (in_valid),
    .raddr_i(in_addr),
    .rdata_o(old_rdata)
  );

  abacus_sram_sdp #(.Width(Width), .Depth(Depth)) u_drain_ram (
    .clk_i  (clk_i),
    .we_i   (s3_valid_q),
    .waddr_i(s3_addr_q),
    .wdata_i(wdata),
    .re_i   (rd_en_i),
    .raddr_i(rd_addr_i),
    .rdata_o(rd_data_o)
  );

  assign wr_valid_o = s3_valid_q;
  assign wr_alt_o   = s3_alt_q;

  // One row a cycle: the two ports never offer one together.
  `ABACUS_ASSERT(AccOnePortAtATime, !(upd_valid_i && alt_valid_i))
endmodule
