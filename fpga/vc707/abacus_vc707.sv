`include "abacus_axi.svh"

// Abacus on the VC707 (XC7VX485T-2FFG1761): the thin board top. The PCIe
// endpoint, Abacus and the memory interconnect are the shared
// abacus_pcie_shell (fpga/common); this file holds the board's clocks,
// resets, the DDR3 SODIMM controller and LEDs.
//
//   PCIe Gen2 x8 ── abacus_pcie_shell (XDMA 128b @250 MHz, Abacus Array x Array (32x32) @CORE_MHZ from the MIG's MMCM)
//                       └ AXI4 512b, ID 8 ── mig_7series_0 (DDR3-1600 SODIMM, 1 GiB)
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
  // ---- clocks and resets -----------------------------------------------------------
  logic pcie_sys_clk;
  IBUFDS_GTE2 u_refclk (.I(pcie_refclk_p), .IB(pcie_refclk_n), .CEB(1'b0), .O(pcie_sys_clk), .ODIV2());

  // Abacus runs on the MIG's extra user clock (ui_addn_clk_0, CORE_MHZ:
  // fpga/vc707/ip/mig.tcl), the memory side on its 200 MHz ui_clk
  logic core_clk, ddr_clk, ddr_rst, ddr_calib, ddr_aresetn, mmcm_locked;

  // ---- PCIe endpoint, Abacus, memory interconnect ------------------------------------------
  `ABACUS_AXI_WIRES(mem, 8, 30, 512)  // 1 GiB
  logic link_up, core_rst_n, irq;
  abacus_pcie_shell #(
    .BuildId (BuildId),
    .Array   (Array),
    .PackDsp (1'b0),  // DSP48E1: one MAC per slice (docs/architecture.md)
    .MemAddrBits(30),
    .XdmaBits(128)
  ) u_shell (
    .pcie_sys_clk_i(pcie_sys_clk),
    .pcie_reset_ni (pcie_reset_n && !reset),  // CPU_RESET resets the endpoint too: one reset for all
    .pcie_rx_p_i   (pcie_rx_p),
    .pcie_rx_n_i   (pcie_rx_n),
    .pcie_tx_p_o   (pcie_tx_p),
    .pcie_tx_n_o   (pcie_tx_n),
    .link_up_o     (link_up),
    .sys_arst_ni   (mmcm_locked && ddr_calib && !ddr_rst && !reset),
    .core_clk_i    (core_clk),
    .core_rst_no   (core_rst_n),
    .irq_o         (irq),
    .mem_clk_i     (ddr_clk),
    .mem_rst_no    (ddr_aresetn),
    `ABACUS_AXI_MASTER_PORTS(mem, mem)
  );

  // ---- DDR ---------------------------------------------------------------------------------------------
  mig_7series_0 u_ddr (
    .sys_rst(reset),            // fpga/vc707/ip/mig.tcl sets the MIG's reset active high
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
    .ui_addn_clk_0(core_clk),
    .ui_addn_clk_1(),
    .ui_addn_clk_2(),
    .ui_addn_clk_3(),
    .ui_addn_clk_4(),
    .mmcm_locked(mmcm_locked),
    .aresetn(ddr_aresetn),
    .app_sr_req(1'b0),
    .app_ref_req(1'b0),
    .app_zq_req(1'b0),
    .app_sr_active(),
    .app_ref_ack(),
    .app_zq_ack(),
    `ABACUS_AXI_IP_LC(s_axi_, mem),
    .s_axi_awqos(4'd0),
    .s_axi_arqos(4'd0),
    .device_temp()
  );
  // ---- status LEDs ---------------------------------------------------------------------------------------
  assign led = {4'b0000, irq, ddr_calib, core_rst_n, link_up};
endmodule
