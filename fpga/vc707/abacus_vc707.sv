// Abacus on the VC707 (XC7VX485T-2FFG1761): the thin board top.
//
//   PCIe Gen2 x8 (XDMA) ── AXI4 128b @250 MHz ─┐
//                        └ AXI-Lite BAR0 ── clock converter ── Abacus registers
//   Abacus (32x32, 256-bit bus, MIG ui clock 200 MHz) ── AXI4 ┤ axi_ic_0 ── DDR3 SODIMM (1 GiB)
//   Abacus irq ── synchronizer ── XDMA user interrupt 0
//
// Address map (docs/fpga.md): DDR3 at 0x0 for both masters; Abacus's
// registers at BAR0 offset 0x0 (4 KiB).
module abacus_vc707 #(
  parameter logic [31:0] BuildId = 32'd0,
  parameter int unsigned Array = 32
) (
  input  logic        sys_clk_p,        // 200 MHz system clock (MIG reference)
  input  logic        sys_clk_n,
  input  logic        reset,            // CPU_RESET button, active high
  input  logic        pcie_refclk_p,
  input  logic        pcie_refclk_n,
  input  logic        pcie_reset_n,     // PERST#
  input  logic [7:0]  pcie_rx_p,
  input  logic [7:0]  pcie_rx_n,
  output logic [7:0]  pcie_tx_p,
  output logic [7:0]  pcie_tx_n,
  output logic [13:0] ddr3_addr,
  output logic [2:0]  ddr3_ba,
  output logic        ddr3_cas_n,
  output logic [0:0]  ddr3_ck_p,
  output logic [0:0]  ddr3_ck_n,
  output logic [0:0]  ddr3_cke,
  output logic [0:0]  ddr3_cs_n,
  output logic [7:0]  ddr3_dm,
  inout  wire  [63:0] ddr3_dq,
  inout  wire  [7:0]  ddr3_dqs_p,
  inout  wire  [7:0]  ddr3_dqs_n,
  output logic [0:0]  ddr3_odt,
  output logic        ddr3_ras_n,
  output logic        ddr3_reset_n,
  output logic        ddr3_we_n,
  output logic [7:0]  led
);
  localparam int unsigned BusBits = Array * 8;  // Abacus: one array row per bus word

  // ---- clocks and resets -----------------------------------------------------------
  logic pcie_sys_clk;
  IBUFDS_GTE2 u_refclk (.I(pcie_refclk_p), .IB(pcie_refclk_n), .CEB(1'b0), .O(pcie_sys_clk), .ODIV2());

  // Abacus runs on the MIG's user interface clock (200 MHz)
  logic core_clk, core_locked, ddr_clk, ddr_rst, ddr_calib;

  logic axi_aclk, axi_aresetn, user_lnk_up;
  logic core_rst_n, ddr_aresetn;
  abacus_reset_sync u_core_rst (.clk_i(core_clk), .arst_ni(core_locked && ddr_calib && !reset), .rst_no(core_rst_n));
  abacus_reset_sync u_ddr_rst (.clk_i(ddr_clk), .arst_ni(!ddr_rst), .rst_no(ddr_aresetn));

  // ---- XDMA ----------------------------------------------------------------------------
  logic [3:0] xd_awid;
  logic [63:0] xd_awaddr;
  logic [7:0] xd_awlen;
  logic [2:0] xd_awsize;
  logic [1:0] xd_awburst;
  logic xd_awlock;
  logic [3:0] xd_awcache;
  logic [2:0] xd_awprot;
  logic xd_awvalid;
  logic xd_awready;
  logic [127:0] xd_wdata;
  logic [15:0] xd_wstrb;
  logic xd_wlast;
  logic xd_wvalid;
  logic xd_wready;
  logic [3:0] xd_bid;
  logic [1:0] xd_bresp;
  logic xd_bvalid;
  logic xd_bready;
  logic [3:0] xd_arid;
  logic [63:0] xd_araddr;
  logic [7:0] xd_arlen;
  logic [2:0] xd_arsize;
  logic [1:0] xd_arburst;
  logic xd_arlock;
  logic [3:0] xd_arcache;
  logic [2:0] xd_arprot;
  logic xd_arvalid;
  logic xd_arready;
  logic [3:0] xd_rid;
  logic [127:0] xd_rdata;
  logic [1:0] xd_rresp;
  logic xd_rlast;
  logic xd_rvalid;
  logic xd_rready;
  logic [31:0] bar_awaddr, bar_wdata, bar_rdata;
  logic [2:0]  bar_awprot, bar_arprot;
  logic [3:0]  bar_wstrb;
  logic [1:0]  bar_bresp, bar_rresp;
  logic [31:0] bar_araddr;
  logic bar_awvalid, bar_awready, bar_wvalid, bar_wready, bar_bvalid, bar_bready;
  logic bar_arvalid, bar_arready, bar_rvalid, bar_rready;
  logic irq_core, irq_pcie, irq_ack;

  xdma_0 u_xdma (
    .sys_clk(pcie_sys_clk),
    .sys_rst_n(pcie_reset_n),
    .user_lnk_up(user_lnk_up),
    .pci_exp_txp(pcie_tx_p),
    .pci_exp_txn(pcie_tx_n),
    .pci_exp_rxp(pcie_rx_p),
    .pci_exp_rxn(pcie_rx_n),
    .axi_aclk(axi_aclk),
    .axi_aresetn(axi_aresetn),
    .usr_irq_req(irq_pcie),
    .usr_irq_ack(irq_ack),
    .msi_enable(),
    .msi_vector_width(),
    .m_axi_awid(xd_awid),
    .m_axi_awaddr(xd_awaddr),
    .m_axi_awlen(xd_awlen),
    .m_axi_awsize(xd_awsize),
    .m_axi_awburst(xd_awburst),
    .m_axi_awlock(xd_awlock),
    .m_axi_awcache(xd_awcache),
    .m_axi_awprot(xd_awprot),
    .m_axi_awvalid(xd_awvalid),
    .m_axi_awready(xd_awready),
    .m_axi_wdata(xd_wdata),
    .m_axi_wstrb(xd_wstrb),
    .m_axi_wlast(xd_wlast),
    .m_axi_wvalid(xd_wvalid),
    .m_axi_wready(xd_wready),
    .m_axi_bid(xd_bid),
    .m_axi_bresp(xd_bresp),
    .m_axi_bvalid(xd_bvalid),
    .m_axi_bready(xd_bready),
    .m_axi_arid(xd_arid),
    .m_axi_araddr(xd_araddr),
    .m_axi_arlen(xd_arlen),
    .m_axi_arsize(xd_arsize),
    .m_axi_arburst(xd_arburst),
    .m_axi_arlock(xd_arlock),
    .m_axi_arcache(xd_arcache),
    .m_axi_arprot(xd_arprot),
    .m_axi_arvalid(xd_arvalid),
    .m_axi_arready(xd_arready),
    .m_axi_rid(xd_rid),
    .m_axi_rdata(xd_rdata),
    .m_axi_rresp(xd_rresp),
    .m_axi_rlast(xd_rlast),
    .m_axi_rvalid(xd_rvalid),
    .m_axi_rready(xd_rready),
    .m_axil_awaddr(bar_awaddr),
    .m_axil_awprot(bar_awprot),
    .m_axil_awvalid(bar_awvalid),
    .m_axil_awready(bar_awready),
    .m_axil_wdata(bar_wdata),
    .m_axil_wstrb(bar_wstrb),
    .m_axil_wvalid(bar_wvalid),
    .m_axil_wready(bar_wready),
    .m_axil_bvalid(bar_bvalid),
    .m_axil_bresp(bar_bresp),
    .m_axil_bready(bar_bready),
    .m_axil_araddr(bar_araddr),
    .m_axil_arprot(bar_arprot),
    .m_axil_arvalid(bar_arvalid),
    .m_axil_arready(bar_arready),
    .m_axil_rdata(bar_rdata),
    .m_axil_rresp(bar_rresp),
    .m_axil_rvalid(bar_rvalid),
    .m_axil_rready(bar_rready)
  );

  // ---- register BAR into the core clock domain ---------------------------------------------
  logic [11:0] reg_awaddr, reg_araddr;
  logic [31:0] reg_wdata, reg_rdata;
  logic [3:0]  reg_wstrb;
  logic [1:0]  reg_bresp, reg_rresp;
  logic reg_awvalid, reg_awready, reg_wvalid, reg_wready, reg_bvalid, reg_bready;
  logic reg_arvalid, reg_arready, reg_rvalid, reg_rready;
  axil_cc_0 u_bar_cc (
    .s_axi_aclk(axi_aclk), .s_axi_aresetn(axi_aresetn),
    .s_axi_awaddr(bar_awaddr[11:0]), .s_axi_awprot(bar_awprot), .s_axi_awvalid(bar_awvalid), .s_axi_awready(bar_awready),
    .s_axi_wdata(bar_wdata), .s_axi_wstrb(bar_wstrb), .s_axi_wvalid(bar_wvalid), .s_axi_wready(bar_wready),
    .s_axi_bresp(bar_bresp), .s_axi_bvalid(bar_bvalid), .s_axi_bready(bar_bready),
    .s_axi_araddr(bar_araddr[11:0]), .s_axi_arprot(bar_arprot), .s_axi_arvalid(bar_arvalid), .s_axi_arready(bar_arready),
    .s_axi_rdata(bar_rdata), .s_axi_rresp(bar_rresp), .s_axi_rvalid(bar_rvalid), .s_axi_rready(bar_rready),
    .m_axi_aclk(core_clk), .m_axi_aresetn(core_rst_n),
    .m_axi_awaddr(reg_awaddr), .m_axi_awprot(), .m_axi_awvalid(reg_awvalid), .m_axi_awready(reg_awready),
    .m_axi_wdata(reg_wdata), .m_axi_wstrb(reg_wstrb), .m_axi_wvalid(reg_wvalid), .m_axi_wready(reg_wready),
    .m_axi_bresp(reg_bresp), .m_axi_bvalid(reg_bvalid), .m_axi_bready(reg_bready),
    .m_axi_araddr(reg_araddr), .m_axi_arprot(), .m_axi_arvalid(reg_arvalid), .m_axi_arready(reg_arready),
    .m_axi_rdata(reg_rdata), .m_axi_rresp(reg_rresp), .m_axi_rvalid(reg_rvalid), .m_axi_rready(reg_rready));

  // ---- Abacus ------------------------------------------------------------------------------------
  logic [3:0] ab_awid;
  logic [63:0] ab_awaddr;
  logic [7:0] ab_awlen;
  logic [2:0] ab_awsize;
  logic [1:0] ab_awburst;
  logic ab_awlock;
  logic [3:0] ab_awcache;
  logic [2:0] ab_awprot;
  logic ab_awvalid;
  logic ab_awready;
  logic [255:0] ab_wdata;
  logic [31:0] ab_wstrb;
  logic ab_wlast;
  logic ab_wvalid;
  logic ab_wready;
  logic [3:0] ab_bid;
  logic [1:0] ab_bresp;
  logic ab_bvalid;
  logic ab_bready;
  logic [3:0] ab_arid;
  logic [63:0] ab_araddr;
  logic [7:0] ab_arlen;
  logic [2:0] ab_arsize;
  logic [1:0] ab_arburst;
  logic ab_arlock;
  logic [3:0] ab_arcache;
  logic [2:0] ab_arprot;
  logic ab_arvalid;
  logic ab_arready;
  logic [3:0] ab_rid;
  logic [255:0] ab_rdata;
  logic [1:0] ab_rresp;
  logic ab_rlast;
  logic ab_rvalid;
  logic ab_rready;
  abacus_top #(
    .Rows     (Array),
    .Cols     (Array),
    .DataWidth(BusBits),
    .BuildId  (BuildId)
  ) u_abacus (
    .clk_i           (core_clk),
    .rst_ni          (core_rst_n),
    .s_axil_awvalid_i(reg_awvalid),
    .s_axil_awready_o(reg_awready),
    .s_axil_awaddr_i (reg_awaddr),
    .s_axil_wvalid_i (reg_wvalid),
    .s_axil_wready_o (reg_wready),
    .s_axil_wdata_i  (reg_wdata),
    .s_axil_wstrb_i  (reg_wstrb),
    .s_axil_bvalid_o (reg_bvalid),
    .s_axil_bready_i (reg_bready),
    .s_axil_bresp_o  (reg_bresp),
    .s_axil_arvalid_i(reg_arvalid),
    .s_axil_arready_o(reg_arready),
    .s_axil_araddr_i (reg_araddr),
    .s_axil_rvalid_o (reg_rvalid),
    .s_axil_rready_i (reg_rready),
    .s_axil_rdata_o  (reg_rdata),
    .s_axil_rresp_o  (reg_rresp),
    .axi_awid_o(ab_awid),
    .axi_awaddr_o(ab_awaddr),
    .axi_awlen_o(ab_awlen),
    .axi_awsize_o(ab_awsize),
    .axi_awburst_o(ab_awburst),
    .axi_awcache_o(ab_awcache),
    .axi_awprot_o(ab_awprot),
    .axi_awvalid_o(ab_awvalid),
    .axi_awready_i(ab_awready),
    .axi_wdata_o(ab_wdata),
    .axi_wstrb_o(ab_wstrb),
    .axi_wlast_o(ab_wlast),
    .axi_wvalid_o(ab_wvalid),
    .axi_wready_i(ab_wready),
    .axi_bid_i(ab_bid),
    .axi_bresp_i(ab_bresp),
    .axi_bvalid_i(ab_bvalid),
    .axi_bready_o(ab_bready),
    .axi_arid_o(ab_arid),
    .axi_araddr_o(ab_araddr),
    .axi_arlen_o(ab_arlen),
    .axi_arsize_o(ab_arsize),
    .axi_arburst_o(ab_arburst),
    .axi_arcache_o(ab_arcache),
    .axi_arprot_o(ab_arprot),
    .axi_arvalid_o(ab_arvalid),
    .axi_arready_i(ab_arready),
    .axi_rid_i(ab_rid),
    .axi_rdata_i(ab_rdata),
    .axi_rresp_i(ab_rresp),
    .axi_rlast_i(ab_rlast),
    .axi_rvalid_i(ab_rvalid),
    .axi_rready_o(ab_rready),
    .irq_o           (irq_core)
  );
  assign ab_awlock = 1'b0;
  assign ab_arlock = 1'b0;

  // level interrupt into the PCIe clock domain; the host clears it through IRQ_STATUS
  abacus_bit_sync u_irq_sync (.clk_i(axi_aclk), .d_i(irq_core), .q_o(irq_pcie));

  // ---- memory interconnect: XDMA and Abacus onto DDR -------------------------------------------------
  logic [7:0] mem_awid;
  logic [63:0] mem_awaddr;
  logic [7:0] mem_awlen;
  logic [2:0] mem_awsize;
  logic [1:0] mem_awburst;
  logic mem_awlock;
  logic [3:0] mem_awcache;
  logic [2:0] mem_awprot;
  logic mem_awvalid;
  logic mem_awready;
  logic [511:0] mem_wdata;
  logic [63:0] mem_wstrb;
  logic mem_wlast;
  logic mem_wvalid;
  logic mem_wready;
  logic [7:0] mem_bid;
  logic [1:0] mem_bresp;
  logic mem_bvalid;
  logic mem_bready;
  logic [7:0] mem_arid;
  logic [63:0] mem_araddr;
  logic [7:0] mem_arlen;
  logic [2:0] mem_arsize;
  logic [1:0] mem_arburst;
  logic mem_arlock;
  logic [3:0] mem_arcache;
  logic [2:0] mem_arprot;
  logic mem_arvalid;
  logic mem_arready;
  logic [7:0] mem_rid;
  logic [511:0] mem_rdata;
  logic [1:0] mem_rresp;
  logic mem_rlast;
  logic mem_rvalid;
  logic mem_rready;
  axi_ic_0 u_ic (
    .INTERCONNECT_ACLK(ddr_clk),
    .INTERCONNECT_ARESETN(ddr_aresetn),
    .S00_AXI_ARESET_OUT_N(),
    .S00_AXI_ACLK(axi_aclk),
    .S00_AXI_AWID(xd_awid),
    .S00_AXI_AWADDR(xd_awaddr),
    .S00_AXI_AWLEN(xd_awlen),
    .S00_AXI_AWSIZE(xd_awsize),
    .S00_AXI_AWBURST(xd_awburst),
    .S00_AXI_AWLOCK(xd_awlock),
    .S00_AXI_AWCACHE(xd_awcache),
    .S00_AXI_AWPROT(xd_awprot),
    .S00_AXI_AWVALID(xd_awvalid),
    .S00_AXI_AWREADY(xd_awready),
    .S00_AXI_WDATA(xd_wdata),
    .S00_AXI_WSTRB(xd_wstrb),
    .S00_AXI_WLAST(xd_wlast),
    .S00_AXI_WVALID(xd_wvalid),
    .S00_AXI_WREADY(xd_wready),
    .S00_AXI_BID(xd_bid),
    .S00_AXI_BRESP(xd_bresp),
    .S00_AXI_BVALID(xd_bvalid),
    .S00_AXI_BREADY(xd_bready),
    .S00_AXI_ARID(xd_arid),
    .S00_AXI_ARADDR(xd_araddr),
    .S00_AXI_ARLEN(xd_arlen),
    .S00_AXI_ARSIZE(xd_arsize),
    .S00_AXI_ARBURST(xd_arburst),
    .S00_AXI_ARLOCK(xd_arlock),
    .S00_AXI_ARCACHE(xd_arcache),
    .S00_AXI_ARPROT(xd_arprot),
    .S00_AXI_ARVALID(xd_arvalid),
    .S00_AXI_ARREADY(xd_arready),
    .S00_AXI_RID(xd_rid),
    .S00_AXI_RDATA(xd_rdata),
    .S00_AXI_RRESP(xd_rresp),
    .S00_AXI_RLAST(xd_rlast),
    .S00_AXI_RVALID(xd_rvalid),
    .S00_AXI_RREADY(xd_rready),
    .S00_AXI_AWQOS(4'd0),
    .S00_AXI_ARQOS(4'd0),
    .S01_AXI_ARESET_OUT_N(),
    .S01_AXI_ACLK(core_clk),
    .S01_AXI_AWID(ab_awid),
    .S01_AXI_AWADDR(ab_awaddr),
    .S01_AXI_AWLEN(ab_awlen),
    .S01_AXI_AWSIZE(ab_awsize),
    .S01_AXI_AWBURST(ab_awburst),
    .S01_AXI_AWLOCK(ab_awlock),
    .S01_AXI_AWCACHE(ab_awcache),
    .S01_AXI_AWPROT(ab_awprot),
    .S01_AXI_AWVALID(ab_awvalid),
    .S01_AXI_AWREADY(ab_awready),
    .S01_AXI_WDATA(ab_wdata),
    .S01_AXI_WSTRB(ab_wstrb),
    .S01_AXI_WLAST(ab_wlast),
    .S01_AXI_WVALID(ab_wvalid),
    .S01_AXI_WREADY(ab_wready),
    .S01_AXI_BID(ab_bid),
    .S01_AXI_BRESP(ab_bresp),
    .S01_AXI_BVALID(ab_bvalid),
    .S01_AXI_BREADY(ab_bready),
    .S01_AXI_ARID(ab_arid),
    .S01_AXI_ARADDR(ab_araddr),
    .S01_AXI_ARLEN(ab_arlen),
    .S01_AXI_ARSIZE(ab_arsize),
    .S01_AXI_ARBURST(ab_arburst),
    .S01_AXI_ARLOCK(ab_arlock),
    .S01_AXI_ARCACHE(ab_arcache),
    .S01_AXI_ARPROT(ab_arprot),
    .S01_AXI_ARVALID(ab_arvalid),
    .S01_AXI_ARREADY(ab_arready),
    .S01_AXI_RID(ab_rid),
    .S01_AXI_RDATA(ab_rdata),
    .S01_AXI_RRESP(ab_rresp),
    .S01_AXI_RLAST(ab_rlast),
    .S01_AXI_RVALID(ab_rvalid),
    .S01_AXI_RREADY(ab_rready),
    .S01_AXI_AWQOS(4'd0),
    .S01_AXI_ARQOS(4'd0),
    .M00_AXI_ARESET_OUT_N(),
    .M00_AXI_ACLK(ddr_clk),
    .M00_AXI_AWID(mem_awid),
    .M00_AXI_AWADDR(mem_awaddr),
    .M00_AXI_AWLEN(mem_awlen),
    .M00_AXI_AWSIZE(mem_awsize),
    .M00_AXI_AWBURST(mem_awburst),
    .M00_AXI_AWLOCK(mem_awlock),
    .M00_AXI_AWCACHE(mem_awcache),
    .M00_AXI_AWPROT(mem_awprot),
    .M00_AXI_AWVALID(mem_awvalid),
    .M00_AXI_AWREADY(mem_awready),
    .M00_AXI_WDATA(mem_wdata),
    .M00_AXI_WSTRB(mem_wstrb),
    .M00_AXI_WLAST(mem_wlast),
    .M00_AXI_WVALID(mem_wvalid),
    .M00_AXI_WREADY(mem_wready),
    .M00_AXI_BID(mem_bid),
    .M00_AXI_BRESP(mem_bresp),
    .M00_AXI_BVALID(mem_bvalid),
    .M00_AXI_BREADY(mem_bready),
    .M00_AXI_ARID(mem_arid),
    .M00_AXI_ARADDR(mem_araddr),
    .M00_AXI_ARLEN(mem_arlen),
    .M00_AXI_ARSIZE(mem_arsize),
    .M00_AXI_ARBURST(mem_arburst),
    .M00_AXI_ARLOCK(mem_arlock),
    .M00_AXI_ARCACHE(mem_arcache),
    .M00_AXI_ARPROT(mem_arprot),
    .M00_AXI_ARVALID(mem_arvalid),
    .M00_AXI_ARREADY(mem_arready),
    .M00_AXI_RID(mem_rid),
    .M00_AXI_RDATA(mem_rdata),
    .M00_AXI_RRESP(mem_rresp),
    .M00_AXI_RLAST(mem_rlast),
    .M00_AXI_RVALID(mem_rvalid),
    .M00_AXI_RREADY(mem_rready),
    .M00_AXI_AWQOS(),
    .M00_AXI_ARQOS(),
    .S00_AXI_ARESETN(axi_aresetn),
    .S01_AXI_ARESETN(core_rst_n),
    .M00_AXI_ARESETN(ddr_aresetn)
  );

  // ---- DDR ---------------------------------------------------------------------------------------------
  logic mmcm_locked;
  mig_7series_0 u_ddr (
    .sys_rst(!reset),           // MIG 7 series: active-low reset by default
    .sys_clk_p(sys_clk_p),
    .sys_clk_n(sys_clk_n),
    .ddr3_addr(ddr3_addr),
    .ddr3_ba(ddr3_ba),
    .ddr3_cas_n(ddr3_cas_n),
    .ddr3_ck_n(ddr3_ck_n),
    .ddr3_ck_p(ddr3_ck_p),
    .ddr3_cke(ddr3_cke),
    .ddr3_cs_n(ddr3_cs_n),
    .ddr3_dm(ddr3_dm),
    .ddr3_dq(ddr3_dq),
    .ddr3_dqs_n(ddr3_dqs_n),
    .ddr3_dqs_p(ddr3_dqs_p),
    .ddr3_odt(ddr3_odt),
    .ddr3_ras_n(ddr3_ras_n),
    .ddr3_reset_n(ddr3_reset_n),
    .ddr3_we_n(ddr3_we_n),
    .init_calib_complete(ddr_calib),
    .ui_clk(ddr_clk),
    .ui_clk_sync_rst(ddr_rst),
    .mmcm_locked(mmcm_locked),
    .aresetn(ddr_aresetn),
    .app_sr_req(1'b0),
    .app_ref_req(1'b0),
    .app_zq_req(1'b0),
    .app_sr_active(),
    .app_ref_ack(),
    .app_zq_ack(),
    .s_axi_awid(mem_awid),
    .s_axi_awaddr(mem_awaddr[29:0]),
    .s_axi_awlen(mem_awlen),
    .s_axi_awsize(mem_awsize),
    .s_axi_awburst(mem_awburst),
    .s_axi_awlock(mem_awlock),
    .s_axi_awcache(mem_awcache),
    .s_axi_awprot(mem_awprot),
    .s_axi_awvalid(mem_awvalid),
    .s_axi_awready(mem_awready),
    .s_axi_wdata(mem_wdata),
    .s_axi_wstrb(mem_wstrb),
    .s_axi_wlast(mem_wlast),
    .s_axi_wvalid(mem_wvalid),
    .s_axi_wready(mem_wready),
    .s_axi_bid(mem_bid),
    .s_axi_bresp(mem_bresp),
    .s_axi_bvalid(mem_bvalid),
    .s_axi_bready(mem_bready),
    .s_axi_arid(mem_arid),
    .s_axi_araddr(mem_araddr[29:0]),
    .s_axi_arlen(mem_arlen),
    .s_axi_arsize(mem_arsize),
    .s_axi_arburst(mem_arburst),
    .s_axi_arlock(mem_arlock),
    .s_axi_arcache(mem_arcache),
    .s_axi_arprot(mem_arprot),
    .s_axi_arvalid(mem_arvalid),
    .s_axi_arready(mem_arready),
    .s_axi_rid(mem_rid),
    .s_axi_rdata(mem_rdata),
    .s_axi_rresp(mem_rresp),
    .s_axi_rlast(mem_rlast),
    .s_axi_rvalid(mem_rvalid),
    .s_axi_rready(mem_rready),
    .s_axi_awqos(4'd0),
    .s_axi_arqos(4'd0),
    .device_temp()
  );
  assign core_clk    = ddr_clk;
  assign core_locked = mmcm_locked;

  // ---- status LEDs ---------------------------------------------------------------------------------------
  assign led = {4'b0000, irq_core, ddr_calib, core_rst_n, user_lnk_up};
endmodule
