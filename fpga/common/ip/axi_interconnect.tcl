# Two masters (XDMA's DMA, Abacus's memory master) onto card memory, with
# clock and width conversion (abacus_pcie_shell's axi_ic_0):
#   S00 = XDMA (250 MHz, xdma_bits from the board's ip/xdma.tcl),
#   S01 = Abacus (core clock, 8 bits per array column: abacus_array from
#         build.tcl),
#   M00 = the DDR controller (its ui clock, 512 bit). Memory sits at 0x0
#         for both.
# THREAD_ID_WIDTH 4: the master port's ID is 4 + 4 master-ID bits = 8, the
# width the DDR controllers are configured for.
create_ip -name axi_interconnect -vendor xilinx.com -library ip -module_name axi_ic_0 -dir ip
set_property -dict [list \
  CONFIG.NUM_SLAVE_PORTS     {2} \
  CONFIG.AXI_ADDR_WIDTH      {64} \
  CONFIG.INTERCONNECT_DATA_WIDTH {512} \
  CONFIG.S00_AXI_DATA_WIDTH  $xdma_bits \
  CONFIG.S01_AXI_DATA_WIDTH  [expr {$abacus_array * 8}] \
  CONFIG.M00_AXI_DATA_WIDTH  {512} \
  CONFIG.S00_AXI_IS_ACLK_ASYNC {1} \
  CONFIG.S01_AXI_IS_ACLK_ASYNC {1} \
  CONFIG.M00_AXI_IS_ACLK_ASYNC {1} \
  CONFIG.THREAD_ID_WIDTH     {4} \
] [get_ips axi_ic_0]
