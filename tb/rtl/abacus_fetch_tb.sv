`include "abacus_axi.svh"
// Test wrapper (not synthesized): fetch, decode and dispatch alone on an
// AXI4 master port named as abacus_top's (reads only; the write channels
// are tied off), so the AXI memory model and monitor drive it directly.
// The geometry is the 64x64 top's, whatever the bus width, so decode's
// range checks are those of the boards' largest configuration.
module abacus_fetch_tb #(
  parameter int unsigned DataWidth = 128,
  parameter int unsigned IbufRows = 16384
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 clear_i,
  input  logic                 start_i,
  input  logic [63:0]          prog_base_i,
  input  logic [31:0]          prog_count_i,
  input  logic [63:0]          win_base_i,
  input  logic [63:0]          win_limit_i,
  input  logic                 halt_i,
  input  logic                 engines_idle_i,
  `ABACUS_AXI_M_PORTS(axi, 4, DataWidth),  // AXI4 master: rtl/common/abacus_axi.svh
  output logic                 ld_valid_o,
  input  logic                 ld_ready_i,
  output logic                 cp_valid_o,
  input  logic                 cp_ready_i,
  output logic                 st_valid_o,
  input  logic                 st_ready_i,
  output logic [255:0]         insn_o,
  output logic                 busy_o,
  output logic                 active_o,
  output logic                 finish_o,
  output logic                 err_o,
  output logic [3:0]           err_code_o,
  output logic [63:0]          err_addr_o,
  output logic [31:0]          pc_o
);
  // no writes
  assign axi_awvalid_o = 1'b0;
  assign axi_awaddr_o  = '0;
  assign axi_awlen_o   = '0;
  assign axi_awsize_o  = '0;
  assign axi_awburst_o = '0;
  assign axi_awcache_o = '0;
  assign axi_awprot_o  = '0;
  assign axi_awid_o    = '0;
  assign axi_wvalid_o  = 1'b0;
  assign axi_wdata_o   = '0;
  assign axi_wstrb_o   = '0;
  assign axi_wlast_o   = 1'b0;
  assign axi_bready_o  = 1'b1;
  assign axi_arsize_o  = 3'($clog2(DataWidth / 8));
  assign axi_arburst_o = 2'b01;  // INCR
  assign axi_arcache_o = 4'b0011;
  assign axi_arprot_o  = 3'b000;
  abacus_fetch #(
    .DataWidth(DataWidth),
    .Rows     (64),
    .Cols     (64),
    .IbufRows (IbufRows)
  ) u_fetch (
    .clk_i(clk_i), .rst_ni(rst_ni), .clear_i(clear_i), .start_i(start_i),
    .prog_base_i(prog_base_i), .prog_count_i(prog_count_i), .win_base_i(win_base_i), .win_limit_i(win_limit_i),
    .halt_i(halt_i), .engines_idle_i(engines_idle_i),
    .ar_valid_o(axi_arvalid_o), .ar_ready_i(axi_arready_i), .ar_addr_o(axi_araddr_o), .ar_len_o(axi_arlen_o),
    .ar_id_o(axi_arid_o),
    .r_valid_i(axi_rvalid_i), .r_ready_o(axi_rready_o), .r_data_i(axi_rdata_i), .r_resp_i(axi_rresp_i),
    .r_last_i(axi_rlast_i),
    .ld_valid_o(ld_valid_o), .ld_ready_i(ld_ready_i), .cp_valid_o(cp_valid_o), .cp_ready_i(cp_ready_i),
    .st_valid_o(st_valid_o), .st_ready_i(st_ready_i), .insn_o(insn_o),
    .busy_o(busy_o), .active_o(active_o), .finish_o(finish_o),
    .err_o(err_o), .err_code_o(err_code_o), .err_addr_o(err_addr_o), .pc_o(pc_o)
  );
  logic unused;
  assign unused = ^{axi_rid_i, axi_awready_i, axi_wready_i, axi_bvalid_i, axi_bresp_i, axi_bid_i};
endmodule
