// The part of an Abacus PCIe board design that does not depend on the
// board: XDMA endpoint, the register BAR into the core clock domain,
// Abacus itself, its interrupt into the PCIe domain, and the interconnect
// that gives XDMA's DMA and Abacus's master one memory port. The board top
// (fpga/<board>/) keeps what differs: reference clocks, the memory
// controller and its pins, LEDs.
//
//   PCIe (xdma_0) ─ AXI4 XdmaBits @axi_aclk ──────────────┐
//                └ AXI-Lite BAR0 ─ axil_cc_0 ─ Abacus regs │
//   Abacus (Array x Array, core_clk) ─ AXI4 Array*8 bits ──┤ axi_ic_0 ─ mem_* (mem_clk, 512b, ID 8)
//   Abacus irq ─ abacus_bit_sync ─ XDMA usr_irq_req[0]
//
// Address map (docs/fpga.md): card memory at 0x0 for both masters;
// Abacus's registers at BAR0 offset 0x0 (4 KiB).
//
// Each board's fpga/<board>/ip/*.tcl creates the IP named here (xdma_0,
// axil_cc_0, axi_ic_0) with the widths used here; tests/fpga/elaborate.sh
// checks the two agree. UltraScale+ XDMA takes the GT reference clock on a
// second port: boards that have it define ABACUS_XDMA_GT_REFCLK.
`include "abacus_axi.svh"

module abacus_pcie_shell #(
  parameter logic [31:0] BuildId = 32'd0,
  parameter int unsigned Array = 32,     // array rows = columns
  parameter bit PackDsp = 1'b1,          // two MACs per DSP48E2 (UltraScale+ only)
  parameter int unsigned XdmaBits = 256, // XDMA AXI4 data width
  parameter int unsigned Lanes = 8,
  parameter int unsigned MemAddrBits = 31,  // card memory the controller decodes: 2^MemAddrBits bytes
  localparam int unsigned BusBits = Array * 8,  // Abacus: one array row per bus word
  localparam int unsigned MemBits = 512,
  localparam int unsigned MemIdBits = 8   // interconnect: THREAD_ID_WIDTH (4) + 4 master-ID bits
) (
  // PCIe
  input  logic                   pcie_sys_clk_i,   // reference clock after its IBUFDS
`ifdef ABACUS_XDMA_GT_REFCLK
  input  logic                   pcie_refclk_gt_i, // UltraScale+: the GT copy of the reference
`endif
  input  logic                   pcie_reset_ni,    // PERST#
  input  logic [Lanes-1:0]       pcie_rx_p_i,
  input  logic [Lanes-1:0]       pcie_rx_n_i,
  output logic [Lanes-1:0]       pcie_tx_p_o,
  output logic [Lanes-1:0]       pcie_tx_n_o,
  output logic                   link_up_o,
  // The board's reset request (asynchronous, active low): its clocks are
  // locked, its memory is ready, no reset button is pressed. With XDMA's
  // axi_aresetn it resets every AXI interface of the design together.
  input  logic                   sys_arst_ni,
  // Abacus core clock
  input  logic                   core_clk_i,
  output logic                   core_rst_no,      // synchronized: Abacus is out of reset
  output logic                   irq_o,            // Abacus's interrupt, core clock domain
  // card memory: AXI4 master in the memory controller's clock domain
  input  logic                   mem_clk_i,
  output logic                   mem_rst_no,       // the memory controller's AXI reset (its aresetn)
  `ABACUS_AXI_MASTER_PORT_DECL(mem, MemIdBits, MemAddrBits, MemBits)
);
  // ---- one reset for every AXI interface ----------------------------------------------
  // PG059 (AXI Interconnect, "Resets"): no partial reset; whenever one
  // interface is reset, all are, overlapping; the same holds for the
  // register BAR's clock converter and the masters and slaves on both. So
  // one request -- the board's (clocks, memory, CPU_RESET) and XDMA's
  // axi_aresetn (PERST#, link down) -- is synchronized into each clock
  // domain, and every aresetn in the design comes from one of the three:
  // the interconnect's single INTERCONNECT_ARESETN (the IP-catalog
  // interconnect synchronizes it into each slot's domain itself), the BAR
  // converter's two sides, the memory controller's AXI port and Abacus.
  // XDMA's own masters are reset by its sys_rst_n, which the board drives
  // from PERST# and CPU_RESET. tests/fpga/check_clocking.py checks this on
  // the elaborated netlist.
  logic axi_aclk, axi_aresetn, pcie_rst_n, arst_n;
  assign arst_n = sys_arst_ni & axi_aresetn;
  abacus_reset_sync u_pcie_rst (.clk_i(axi_aclk),   .arst_ni(arst_n), .rst_no(pcie_rst_n));
  abacus_reset_sync u_core_rst (.clk_i(core_clk_i), .arst_ni(arst_n), .rst_no(core_rst_no));
  abacus_reset_sync u_mem_rst  (.clk_i(mem_clk_i),  .arst_ni(arst_n), .rst_no(mem_rst_no));

  // ---- XDMA ----------------------------------------------------------------------------
  `ABACUS_AXI_WIRES(xd, 4, 64, XdmaBits)
  logic [31:0] bar_awaddr, bar_wdata, bar_rdata;
  logic [2:0]  bar_awprot, bar_arprot;
  logic [3:0]  bar_wstrb;
  logic [1:0]  bar_bresp, bar_rresp;
  logic [31:0] bar_araddr;
  logic bar_awvalid, bar_awready, bar_wvalid, bar_wready, bar_bvalid, bar_bready;
  logic bar_arvalid, bar_arready, bar_rvalid, bar_rready;
  logic irq_pcie;
  // The level interrupt is held until the host clears IRQ_STATUS, so the
  // acknowledge carries nothing the design needs. With MSI (which the host
  // driver requires, docs/fpga.md) XDMA sends one message per rising edge;
  // in legacy INTx mode the XDMA driver would neither mask nor acknowledge
  // a held line: an interrupt storm.
  logic irq_ack_unused;

  xdma_0 u_xdma (
    .sys_clk(pcie_sys_clk_i),
`ifdef ABACUS_XDMA_GT_REFCLK
    .sys_clk_gt(pcie_refclk_gt_i),
`endif
    .sys_rst_n(pcie_reset_ni),
    .user_lnk_up(link_up_o),
    .pci_exp_txp(pcie_tx_p_o),
    .pci_exp_txn(pcie_tx_n_o),
    .pci_exp_rxp(pcie_rx_p_i),
    .pci_exp_rxn(pcie_rx_n_i),
    .axi_aclk(axi_aclk),
    .axi_aresetn(axi_aresetn),
    .usr_irq_req(irq_pcie),
    .usr_irq_ack(irq_ack_unused),
    .msi_enable(),
    .msi_vector_width(),
    `ABACUS_AXI_IP_LC(m_axi_, xd),
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
  // Abacus decodes 4 KiB; the upper BAR address bits are not routed (the
  // 1 MiB BAR aliases the register file).
  `ABACUS_AXIL_WIRES(reg)
  logic unused_bar_addr;
  assign unused_bar_addr = ^{bar_awaddr[31:12], bar_araddr[31:12]};
  axil_cc_0 u_bar_cc (
    .s_axi_aclk(axi_aclk), .s_axi_aresetn(pcie_rst_n),
    .s_axi_awaddr(bar_awaddr[11:0]), .s_axi_awprot(bar_awprot), .s_axi_awvalid(bar_awvalid), .s_axi_awready(bar_awready),
    .s_axi_wdata(bar_wdata), .s_axi_wstrb(bar_wstrb), .s_axi_wvalid(bar_wvalid), .s_axi_wready(bar_wready),
    .s_axi_bresp(bar_bresp), .s_axi_bvalid(bar_bvalid), .s_axi_bready(bar_bready),
    .s_axi_araddr(bar_araddr[11:0]), .s_axi_arprot(bar_arprot), .s_axi_arvalid(bar_arvalid), .s_axi_arready(bar_arready),
    .s_axi_rdata(bar_rdata), .s_axi_rresp(bar_rresp), .s_axi_rvalid(bar_rvalid), .s_axi_rready(bar_rready),
    .m_axi_aclk(core_clk_i), .m_axi_aresetn(core_rst_no),
    .m_axi_awaddr(reg_awaddr), .m_axi_awprot(), .m_axi_awvalid(reg_awvalid), .m_axi_awready(reg_awready),
    .m_axi_wdata(reg_wdata), .m_axi_wstrb(reg_wstrb), .m_axi_wvalid(reg_wvalid), .m_axi_wready(reg_wready),
    .m_axi_bresp(reg_bresp), .m_axi_bvalid(reg_bvalid), .m_axi_bready(reg_bready),
    .m_axi_araddr(reg_araddr), .m_axi_arprot(), .m_axi_arvalid(reg_arvalid), .m_axi_arready(reg_arready),
    .m_axi_rdata(reg_rdata), .m_axi_rresp(reg_rresp), .m_axi_rvalid(reg_rvalid), .m_axi_rready(reg_rready));

  // ---- Abacus ------------------------------------------------------------------------------------
  `ABACUS_AXI_WIRES(ab, 4, 64, BusBits)
  abacus_top #(
    .Rows     (Array),
    .Cols     (Array),
    .PackDsp  (PackDsp),
    .DataWidth(BusBits),
    .BuildId  (BuildId)
  ) u_abacus (
    .clk_i           (core_clk_i),
    .rst_ni          (core_rst_no),
    `ABACUS_AXIL_S_TO_WIRES(s_axil, reg),
    `ABACUS_AXI_M_TO_WIRES(axi, ab),
    .irq_o           (irq_o)
  );
  assign ab_awlock = 1'b0;
  assign ab_arlock = 1'b0;

  // level interrupt into the PCIe clock domain; the host clears it through IRQ_STATUS
  abacus_bit_sync u_irq_sync (.clk_i(axi_aclk), .d_i(irq_o), .q_o(irq_pcie));

  // ---- memory interconnect: XDMA (S00) and Abacus (S01) onto card memory (M00) ---------------------
  // The controller decodes 2^MemAddrBits bytes and higher addresses alias
  // (one slave: the interconnect does no address decode); the driver's
  // allocator and Abacus's DMA window keep both masters below that.
  logic [63:0] ic_awaddr, ic_araddr;
  logic unused_ic_addr;
  assign mem_awaddr_o   = ic_awaddr[MemAddrBits-1:0];
  assign mem_araddr_o   = ic_araddr[MemAddrBits-1:0];
  assign unused_ic_addr = ^{ic_awaddr[63:MemAddrBits], ic_araddr[63:MemAddrBits]};
  axi_ic_0 u_ic (
    .INTERCONNECT_ACLK(mem_clk_i),
    .INTERCONNECT_ARESETN(mem_rst_no),
    .S00_AXI_ARESET_OUT_N(),
    .S00_AXI_ACLK(axi_aclk),
    `ABACUS_AXI_IP_UC(S00_AXI_, xd),
    .S00_AXI_AWQOS(4'd0),
    .S00_AXI_ARQOS(4'd0),
    .S01_AXI_ARESET_OUT_N(),
    .S01_AXI_ACLK(core_clk_i),
    `ABACUS_AXI_IP_UC(S01_AXI_, ab),
    .S01_AXI_AWQOS(4'd0),
    .S01_AXI_ARQOS(4'd0),
    .M00_AXI_ARESET_OUT_N(),
    .M00_AXI_ACLK(mem_clk_i),
    .M00_AXI_AWID(mem_awid_o),
    .M00_AXI_AWADDR(ic_awaddr),
    .M00_AXI_AWLEN(mem_awlen_o),
    .M00_AXI_AWSIZE(mem_awsize_o),
    .M00_AXI_AWBURST(mem_awburst_o),
    .M00_AXI_AWLOCK(mem_awlock_o),
    .M00_AXI_AWCACHE(mem_awcache_o),
    .M00_AXI_AWPROT(mem_awprot_o),
    .M00_AXI_AWVALID(mem_awvalid_o),
    .M00_AXI_AWREADY(mem_awready_i),
    .M00_AXI_WDATA(mem_wdata_o),
    .M00_AXI_WSTRB(mem_wstrb_o),
    .M00_AXI_WLAST(mem_wlast_o),
    .M00_AXI_WVALID(mem_wvalid_o),
    .M00_AXI_WREADY(mem_wready_i),
    .M00_AXI_BID(mem_bid_i),
    .M00_AXI_BRESP(mem_bresp_i),
    .M00_AXI_BVALID(mem_bvalid_i),
    .M00_AXI_BREADY(mem_bready_o),
    .M00_AXI_ARID(mem_arid_o),
    .M00_AXI_ARADDR(ic_araddr),
    .M00_AXI_ARLEN(mem_arlen_o),
    .M00_AXI_ARSIZE(mem_arsize_o),
    .M00_AXI_ARBURST(mem_arburst_o),
    .M00_AXI_ARLOCK(mem_arlock_o),
    .M00_AXI_ARCACHE(mem_arcache_o),
    .M00_AXI_ARPROT(mem_arprot_o),
    .M00_AXI_ARVALID(mem_arvalid_o),
    .M00_AXI_ARREADY(mem_arready_i),
    .M00_AXI_RID(mem_rid_i),
    .M00_AXI_RDATA(mem_rdata_i),
    .M00_AXI_RRESP(mem_rresp_i),
    .M00_AXI_RLAST(mem_rlast_i),
    .M00_AXI_RVALID(mem_rvalid_i),
    .M00_AXI_RREADY(mem_rready_o),
    .M00_AXI_AWQOS(),
    .M00_AXI_ARQOS()
  );
endmodule
