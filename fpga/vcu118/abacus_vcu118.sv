`include "abacus_axi.svh"

// Abacus on the VCU118 (XCVU9P-L2FLGA2104): the thin board top. The PCIe
// endpoint, Abacus and the memory interconnect are the shared
// abacus_pcie_shell (fpga/common); this file holds the board's clocks,
// resets, DDR4 C1 and LEDs.
//
//   PCIe Gen3 x8 ── abacus_pcie_shell (XDMA 256b @250 MHz, Abacus Array x Array (32x32) @CORE_MHZ from clk_wiz_0)
//                       └ AXI4 512b, ID 8 ── ddr4_0 (DDR4 C1, 2 GiB, in its ui clock domain)
//
// Address map (docs/fpga.md): DDR4 at 0x0 for both masters; Abacus's
// registers at BAR0 offset 0x0 (4 KiB).
module abacus_vcu118 #(
  parameter logic [31:0] BuildId = 32'd0,
  parameter int unsigned Array = 32
) (
  input  logic        clk_125mhz_p,
  input  logic        clk_125mhz_n,
  input  logic        reset,            // CPU_RESET button, active high
  input  logic        pcie_refclk_p,
  input  logic        pcie_refclk_n,
  input  logic        pcie_reset_n,     // PERST#
  input  logic [7:0]  pcie_rx_p,
  input  logic [7:0]  pcie_rx_n,
  output logic [7:0]  pcie_tx_p,
  output logic [7:0]  pcie_tx_n,
  input  logic        c0_sys_clk_p,     // 250 MHz DDR4 reference
  input  logic        c0_sys_clk_n,
  output logic        c0_ddr4_act_n,
  output logic [16:0] c0_ddr4_adr,
  output logic [1:0]  c0_ddr4_ba,
  output logic [0:0]  c0_ddr4_bg,
  output logic [0:0]  c0_ddr4_cke,
  output logic [0:0]  c0_ddr4_odt,
  output logic [0:0]  c0_ddr4_cs_n,
  output logic [0:0]  c0_ddr4_ck_t,
  output logic [0:0]  c0_ddr4_ck_c,
  output logic        c0_ddr4_reset_n,
  inout  wire  [7:0]  c0_ddr4_dm_dbi_n,
  inout  wire  [63:0] c0_ddr4_dq,
  inout  wire  [7:0]  c0_ddr4_dqs_t,
  inout  wire  [7:0]  c0_ddr4_dqs_c,
  output logic [7:0]  led
);
  // ---- clocks and resets -----------------------------------------------------------
  // The PCIe reference: the GT copy (O) to XDMA's sys_clk_gt, the fabric
  // copy (ODIV2) straight to its sys_clk, which XDMA buffers itself with a
  // BUFG_GT (PG195/PG213; UG572: only GTs and IBUFDS_GTE ODIV2 may drive a
  // BUFG_GT, so a BUFG_GT of ours in between would not place).
  logic pcie_refclk_gt, pcie_sys_clk;
  IBUFDS_GTE4 #(.REFCLK_HROW_CK_SEL(2'b00)) u_refclk (
    .I(pcie_refclk_p), .IB(pcie_refclk_n), .CEB(1'b0), .O(pcie_refclk_gt), .ODIV2(pcie_sys_clk));

  logic core_clk, core_locked, ddr_clk, ddr_rst, ddr_calib, ddr_aresetn;
  clk_wiz_0 u_clk (
    .clk_in1_p(clk_125mhz_p), .clk_in1_n(clk_125mhz_n), .reset(reset),
    .clk_out1(core_clk), .locked(core_locked));

  // ---- PCIe endpoint, Abacus, memory interconnect ------------------------------------------
  `ABACUS_AXI_WIRES(mem, 8, 31, 512)  // 2 GiB
  logic link_up, core_rst_n, irq;
  abacus_pcie_shell #(
    .BuildId (BuildId),
    .Array   (Array),
    .PackDsp (1'b1),  // DSP48E2: two MACs per slice
    .MemAddrBits(31),
    .XdmaBits(256)
  ) u_shell (
    .pcie_sys_clk_i  (pcie_sys_clk),
    .pcie_refclk_gt_i(pcie_refclk_gt),
    .pcie_reset_ni   (pcie_reset_n && !reset),  // CPU_RESET resets the endpoint too: one reset for all
    .pcie_rx_p_i     (pcie_rx_p),
    .pcie_rx_n_i     (pcie_rx_n),
    .pcie_tx_p_o     (pcie_tx_p),
    .pcie_tx_n_o     (pcie_tx_n),
    .link_up_o       (link_up),
    .sys_arst_ni     (core_locked && ddr_calib && !ddr_rst && !reset),
    .core_clk_i      (core_clk),
    .core_rst_no     (core_rst_n),
    .irq_o           (irq),
    .mem_clk_i       (ddr_clk),
    .mem_rst_no      (ddr_aresetn),
    `ABACUS_AXI_MASTER_PORTS(mem, mem)
  );

  // ---- DDR ---------------------------------------------------------------------------------------------
  ddr4_0 u_ddr (
    .sys_rst(reset),
    .c0_sys_clk_p(c0_sys_clk_p),
    .c0_sys_clk_n(c0_sys_clk_n),
    .c0_ddr4_act_n(c0_ddr4_act_n),
    .c0_ddr4_adr(c0_ddr4_adr),
    .c0_ddr4_ba(c0_ddr4_ba),
    .c0_ddr4_bg(c0_ddr4_bg),
    .c0_ddr4_cke(c0_ddr4_cke),
    .c0_ddr4_odt(c0_ddr4_odt),
    .c0_ddr4_cs_n(c0_ddr4_cs_n),
    .c0_ddr4_ck_t(c0_ddr4_ck_t),
    .c0_ddr4_ck_c(c0_ddr4_ck_c),
    .c0_ddr4_reset_n(c0_ddr4_reset_n),
    .c0_ddr4_dm_dbi_n(c0_ddr4_dm_dbi_n),
    .c0_ddr4_dq(c0_ddr4_dq),
    .c0_ddr4_dqs_c(c0_ddr4_dqs_c),
    .c0_ddr4_dqs_t(c0_ddr4_dqs_t),
    .c0_init_calib_complete(ddr_calib),
    .c0_ddr4_ui_clk(ddr_clk),
    .c0_ddr4_ui_clk_sync_rst(ddr_rst),
    .c0_ddr4_aresetn(ddr_aresetn),
    .dbg_clk(),
    .dbg_bus(),
    `ABACUS_AXI_IP_LC(c0_ddr4_s_axi_, mem),
    .c0_ddr4_s_axi_awqos(4'd0),
    .c0_ddr4_s_axi_arqos(4'd0)
  );

  // ---- status LEDs ---------------------------------------------------------------------------------------
  assign led = {4'b0000, irq, ddr_calib, core_rst_n, link_up};
endmodule
