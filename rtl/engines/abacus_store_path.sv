`include "abacus_axi.svh"
`include "abacus_desc.svh"
// The store path: the STORE instruction queue, the store engine (which
// loads the core's parameters, drains results through post-processing into
// the output buffer) and a store-only DMA (its write engine alone) that
// writes output buffer rows to memory.
module abacus_store_path #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned Cols = 16,
  parameter int unsigned AccRows = 512,
  parameter int unsigned ObufRows = 256,
  parameter int unsigned PbufWords = 768,
  parameter int unsigned MaxWrites = 128,
  parameter int unsigned QueueDepth = 4,
  parameter int unsigned IbufRows = 16384,
  localparam int unsigned DataBytes = DataWidth / 8,
  localparam int unsigned AccAw = $clog2(AccRows),
  localparam int unsigned ObAw = $clog2(ObufRows),
  localparam int unsigned PbAw = $clog2(PbufWords),
  localparam int unsigned IbAw = $clog2(IbufRows)
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
  input  logic                 tok_avail_i,     // compute->store count > 0
  output logic                 tok_pop_o,
  output logic                 tok_push_o,      // store->compute
  // parameter buffer read port
  output logic                 pb_re_o,
  output logic [PbAw-1:0]      pb_raddr_o,
  input  logic [DataWidth-1:0] pb_rdata_i,
  // core: parameters, accumulator read-out (abacus_core)
  output logic                 p_we_o,
  output logic [1:0]           p_sel_o,
  output logic [Cols*32-1:0]   p_data_o,
  output logic [7:0]           zp_out_o,
  output logic [7:0]           clamp_min_o,
  output logic [7:0]           clamp_max_o,
  output logic                 float_o,
  output logic                 r_valid_o,
  input  logic                 r_ready_i,
  output logic [AccAw-1:0]     r_addr_o,
  input  logic                 o_valid_i,
  output logic                 o_ready_o,
  input  logic [Cols*8-1:0]    o_data_i,
  // output buffer: the engine writes, the DMA reads
  output logic                 ob_we_o,
  output logic [ObAw-1:0]      ob_waddr_o,
  output logic [DataWidth-1:0] ob_wdata_o,
  output logic                 ob_re_o,
  output logic [ObAw-1:0]      ob_raddr_o,
  input  logic [DataWidth-1:0] ob_rdata_i,
  // ibuf write port (STORE with TO_IBUF), behind the load DMA's writes
  output logic                 ib_we_o,
  input  logic                 ib_wready_i,
  output logic [IbAw-1:0]      ib_waddr_o,
  output logic [DataWidth-1:0] ib_wdata_o,
  output logic [DataBytes-1:0] ib_wstrb_o,
  // AXI4 write channels
  `ABACUS_AXI_M_WR_PORTS(axi, 4, DataWidth),
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
  abacus_store_engine #(
    .DataWidth(DataWidth),
    .Cols     (Cols),
    .AccRows  (AccRows),
    .ObufRows (ObufRows),
    .PbufWords(PbufWords),
    .IbufRows (IbufRows)
  ) u_engine (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .halt_i      (halt_i),
    .insn_valid_i(q_valid),
    .insn_ready_o(q_ready),
    .insn_i      (q_data),
    .tok_avail_i (tok_avail_i),
    .tok_pop_o   (tok_pop_o),
    .tok_push_o  (tok_push_o),
    .pb_re_o     (pb_re_o),
    .pb_raddr_o  (pb_raddr_o),
    .pb_rdata_i  (pb_rdata_i),
    .p_we_o      (p_we_o),
    .p_sel_o     (p_sel_o),
    .p_data_o    (p_data_o),
    .zp_out_o    (zp_out_o),
    .clamp_min_o (clamp_min_o),
    .clamp_max_o (clamp_max_o),
    .float_o     (float_o),
    .r_valid_o   (r_valid_o),
    .r_ready_i   (r_ready_i),
    .r_addr_o    (r_addr_o),
    .o_valid_i   (o_valid_i),
    .o_ready_o   (o_ready_o),
    .o_data_i    (o_data_i),
    .ob_we_o     (ob_we_o),
    .ob_waddr_o  (ob_waddr_o),
    .ob_wdata_o  (ob_wdata_o),
    .ib_we_o     (ib_we_o),
    .ib_wready_i (ib_wready_i),
    .ib_waddr_o  (ib_waddr_o),
    .ib_wdata_o  (ib_wdata_o),
    .ib_wstrb_o  (ib_wstrb_o),
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

  abacus_dma #(
    .DataWidth(DataWidth),
    .SpBytes  (ObufRows * DataBytes),
    .MaxWrites(MaxWrites),
    .IdWidth  (4),
    .HasLoad  (1'b0),
    .HasStore (1'b1)
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
    `ABACUS_AXI_M_WR_PASS(axi, axi),
    `ABACUS_AXI_M_RD_TIE(axi),  // HasLoad = 0: no read engine
    .sp_we_o       (),
    .sp_waddr_o    (),
    .sp_we_next_o  (),
    .sp_waddr_next_o(),
    .sp_wdata_o    (),
    .sp_wstrb_o    (),
    .sp_re_o       (ob_re_o),
    .sp_raddr_o    (ob_raddr_o),
    .sp_rdata_i    (ob_rdata_i)
  );
endmodule
