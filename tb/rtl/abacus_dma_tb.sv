`include "abacus_axi.svh"
`include "abacus_desc.svh"
// Test wrapper (not synthesized): the DMA engine with a scratchpad, plus a
// backdoor port through which tests preload and read back the scratchpad
// while the DMA is idle.
module abacus_dma_tb #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned SpBytes = 65536,
  parameter int unsigned MaxReads = 8,
  parameter int unsigned MaxWrites = 8,
  localparam int unsigned DataBytes = DataWidth / 8,
  localparam int unsigned SpWordWidth = $clog2(SpBytes) - $clog2(DataBytes)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   clear_i,
  input  logic [63:0]            window_base_i,
  input  logic [63:0]            window_limit_i,
  `ABACUS_DESC_IN_PORTS(desc),  // rtl/common/abacus_desc.svh
  output logic                   busy_o,
  output logic                   done_o,
  output logic [2:0]             status_o,
  output logic                   status_store_o,
  output logic [63:0]            status_addr_o,
  `ABACUS_AXI_M_PORTS(axi, 4, DataWidth),  // AXI4 master: rtl/common/abacus_axi.svh
  // backdoor
  input  logic                   bd_we_i,
  input  logic                   bd_re_i,
  input  logic [SpWordWidth-1:0] bd_addr_i,
  input  logic [DataWidth-1:0]   bd_wdata_i,
  output logic [DataWidth-1:0]   bd_rdata_o
);
  logic                   sp_we, sp_re;
  logic [SpWordWidth-1:0] sp_waddr, sp_raddr;
  logic [DataWidth-1:0]   sp_wdata, sp_rdata;
  logic [DataBytes-1:0]   sp_wstrb;

  abacus_dma #(
    .DataWidth(DataWidth),
    .SpBytes  (SpBytes),
    .MaxReads (MaxReads),
    .MaxWrites(MaxWrites),
    .IdWidth  (4)
  ) u_dma (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .clear_i          (clear_i),
    .window_base_i    (window_base_i),
    .window_limit_i   (window_limit_i),
    `ABACUS_DESC_IN_PASS(desc, desc),
    .busy_o           (busy_o),
    .done_o           (done_o),
    .status_o         (status_o),
    .status_store_o   (status_store_o),
    .status_addr_o    (status_addr_o),
    `ABACUS_AXI_M_WR_PASS(axi, axi),
    `ABACUS_AXI_M_RD_PASS(axi, axi),
    .sp_we_o          (sp_we),
    .sp_waddr_o       (sp_waddr),
    .sp_we_next_o     (),
    .sp_waddr_next_o  (),
    .sp_wdata_o       (sp_wdata),
    .sp_wstrb_o       (sp_wstrb),
    .sp_re_o          (sp_re),
    .sp_raddr_o       (sp_raddr),
    .sp_rdata_i       (sp_rdata)
  );

  abacus_spad #(.Width(DataWidth), .Depth(SpBytes / DataBytes)) u_spad (
    .clk_i  (clk_i),
    .we_i   (bd_we_i || sp_we),
    .waddr_i(bd_we_i ? bd_addr_i : sp_waddr),
    .wdata_i(bd_we_i ? bd_wdata_i : sp_wdata),
    .wstrb_i(bd_we_i ? {DataBytes{1'b1}} : sp_wstrb),
    .re_i   (bd_re_i || sp_re),
    .raddr_i(bd_re_i ? bd_addr_i : sp_raddr),
    .rdata_o(sp_rdata)
  );
  assign bd_rdata_o = sp_rdata;
endmodule
