`include "abacus_axi.svh"
`include "abacus_desc.svh"
// The load path: the LOAD instruction queue, the load engine, a load-only
// DMA (its read engine alone) writing the scratchpad, and the arbiter that
// shares the AXI read channels with instruction fetch.
//
// Dispatch is in order, so the queue is deep: a conv row block is dozens
// of small LOADs, and the GEMMs behind them in the program must not wait
// for all of them to be issued.
module abacus_load_path #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned SpBytes = 65536,
  parameter int unsigned MaxReads = 32,
  parameter int unsigned QueueDepth = 64,
  parameter logic [3:0] FetchId = 4'd1,
  localparam int unsigned DataBytes = DataWidth / 8,
  localparam int unsigned SpWordW = $clog2(SpBytes) - $clog2(DataBytes)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 clear_i,
  input  logic                 halt_i,
  input  logic [63:0]          win_base_i,
  input  logic [63:0]          win_limit_i,
  // instructions from dispatch (tagged with their index in [255:224])
  input  logic                 insn_valid_i,
  output logic                 insn_ready_o,
  input  logic [255:0]         insn_i,
  output logic                 insn_pending_o,  // the queue holds an instruction
  // tokens
  input  logic                 tok_avail_i,     // compute->load count > 0
  output logic                 tok_pop_o,
  output logic                 tok_push_o,      // load->compute
  // instruction fetch's reads (its ID is FetchId)
  input  logic                 f_ar_valid_i,
  output logic                 f_ar_ready_o,
  input  logic [63:0]          f_ar_addr_i,
  input  logic [7:0]           f_ar_len_i,
  output logic                 f_r_valid_o,
  input  logic                 f_r_ready_i,
  // AXI4 read channels (fetch takes R data from them directly)
  `ABACUS_AXI_M_RD_PORTS(axi, 4, DataWidth),
  // scratchpad writes (abacus_buffers)
  output logic                 sp_we_o,
  output logic [SpWordW-1:0]   sp_waddr_o,
  output logic                 sp_we_next_o,    // sp_we_o and sp_waddr_o of the next cycle
  output logic [SpWordW-1:0]   sp_waddr_next_o,
  output logic [DataWidth-1:0] sp_wdata_o,
  output logic [DataBytes-1:0] sp_wstrb_o,
  // status
  output logic                 idle_o,
  output logic                 busy_o,
  output logic                 stall_o,
  output logic [31:0]          pc_o,
  output logic                 err_o,
  output logic [3:0]           err_code_o,
  output logic [63:0]          err_addr_o,      // the DMA's status address
  output logic                 dma_busy_o,
  output logic                 dma_done_o,
  output logic [2:0]           dma_status_o,
  output logic [31:0]          bytes_o
);
  logic         q_valid, q_ready;
  logic [255:0] q_data;
  // (the head from a register, as the compute path's queue)
  abacus_fifo #(.Width(256), .Depth(QueueDepth), .OutReg(1'b1)) u_queue (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(clear_i),
    .wvalid_i(insn_valid_i), .wready_o(insn_ready_o), .wdata_i(insn_i),
    .rvalid_o(q_valid), .rready_i(q_ready), .rdata_o(q_data), .count_o());
  assign insn_pending_o = q_valid;

  `ABACUS_DESC_WIRES(desc)
  // (as many LOADs in flight as reads, at least 8, a power of two)
  localparam int unsigned MaxLoads = (MaxReads > 8) ? 2 ** $clog2(MaxReads) : 8;
  abacus_load_engine #(.MaxLoads(MaxLoads)) u_engine (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .halt_i      (halt_i),
    .insn_valid_i(q_valid),
    .insn_ready_o(q_ready),
    .insn_i      (q_data),
    .tok_avail_i (tok_avail_i),
    .tok_pop_o   (tok_pop_o),
    .tok_push_o  (tok_push_o),
    `ABACUS_DESC_OUT_CONNECT(desc, desc),
    .dma_done_i  (dma_done_o),
    .dma_status_i(dma_status_o),
    .idle_o      (idle_o),
    .pc_o        (pc_o),
    .busy_o      (busy_o),
    .stall_o     (stall_o),
    .err_o       (err_o),
    .err_code_o  (err_code_o),
    .bytes_o     (bytes_o)
  );

  // the DMA's AR/R handshakes go through the arbiter
  logic       d_ar_valid, d_ar_ready, d_r_valid, d_r_ready;
  logic [63:0] d_ar_addr;
  logic [7:0]  d_ar_len;
  logic [3:0]  d_ar_id;
  abacus_dma #(
    .DataWidth(DataWidth),
    .SpBytes  (SpBytes),
    .MaxReads (MaxReads),
    .IdWidth  (4),
    .HasLoad  (1'b1),
    .HasStore (1'b0)
  ) u_dma (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .clear_i       (clear_i),
    .window_base_i (win_base_i),
    .window_limit_i(win_limit_i),
    `ABACUS_DESC_IN_CONNECT(desc, desc),
    .busy_o        (dma_busy_o),
    .done_o        (dma_done_o),
    .status_o      (dma_status_o),
    .status_store_o(),
    .status_addr_o (err_addr_o),
    `ABACUS_AXI_M_WR_TIE(axi),  // HasStore = 0: no write engine
    .axi_arvalid_o (d_ar_valid),
    .axi_arready_i (d_ar_ready),
    .axi_araddr_o  (d_ar_addr),
    .axi_arlen_o   (d_ar_len),
    .axi_arsize_o  (axi_arsize_o),
    .axi_arburst_o (axi_arburst_o),
    .axi_arcache_o (axi_arcache_o),
    .axi_arprot_o  (axi_arprot_o),
    .axi_arid_o    (d_ar_id),
    .axi_rvalid_i  (d_r_valid),
    .axi_rready_o  (d_r_ready),
    .axi_rdata_i   (axi_rdata_i),
    .axi_rresp_i   (axi_rresp_i),
    .axi_rlast_i   (axi_rlast_i),
    .axi_rid_i     (axi_rid_i),
    .sp_we_o       (sp_we_o),
    .sp_waddr_o    (sp_waddr_o),
    .sp_we_next_o  (sp_we_next_o),
    .sp_waddr_next_o(sp_waddr_next_o),
    .sp_wdata_o    (sp_wdata_o),
    .sp_wstrb_o    (sp_wstrb_o),
    .sp_re_o       (),
    .sp_raddr_o    (),
    .sp_rdata_i    ('0)
  );

  abacus_axi_rd_arb #(.FetchId(FetchId)) u_arb (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .m0_ar_valid_i(d_ar_valid),
    .m0_ar_ready_o(d_ar_ready),
    .m0_ar_addr_i (d_ar_addr),
    .m0_ar_len_i  (d_ar_len),
    .m0_ar_id_i   (d_ar_id),
    .m0_r_valid_o (d_r_valid),
    .m0_r_ready_i (d_r_ready),
    .m1_ar_valid_i(f_ar_valid_i),
    .m1_ar_ready_o(f_ar_ready_o),
    .m1_ar_addr_i (f_ar_addr_i),
    .m1_ar_len_i  (f_ar_len_i),
    .m1_r_valid_o (f_r_valid_o),
    .m1_r_ready_i (f_r_ready_i),
    .ar_valid_o   (axi_arvalid_o),
    .ar_ready_i   (axi_arready_i),
    .ar_addr_o    (axi_araddr_o),
    .ar_len_o     (axi_arlen_o),
    .ar_id_o      (axi_arid_o),
    .r_valid_i    (axi_rvalid_i),
    .r_ready_o    (axi_rready_o),
    .r_id_i       (axi_rid_i)
  );
endmodule
