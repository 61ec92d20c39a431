# Two masters (XDMA's DMA, Abacus's memory master) onto DDR, with clock and
# width conversion: S00 = XDMA (250 MHz, 256 bit), S01 = Abacus (core clock,
# 8 bits per array column: 256 at 32x32, from abacus_array set by build.tcl),
# M00 = DDR4 (ui clock, 512 bit). DDR4 sits at 0x0 for both.
create_ip -name axi_interconnect -vendor xilinx.com -library ip -module_name axi_ic_0 -dir ip
set_property -dict [list \
  CONFIG.NUM_SLAVE_PORTS     {2} \
  CONFIG.AXI_ADDR_WIDTH      {64} \
  CONFIG.INTERCONNECT_DATA_WIDTH {512} \
  CONFIG.S00_AXI_DATA_WIDTH  {256} \
  CONFIG.S01_AXI_DATA_WIDTH  [expr {$abacus_array * 8}] \
  CONFIG.M00_AXI_DATA_WIDTH  {512} \
  CONFIG.S00_AXI_IS_ACLK_ASYNC {1} \
  CONFIG.S01_AXI_IS_ACLK_ASYNC {1} \
  CONFIG.M00_AXI_IS_ACLK_ASYNC {1} \
  CONFIG.THREAD_ID_WIDTH     {4} \
] [get_ips axi_ic_0]
