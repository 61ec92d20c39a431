# XDMA's AXI-Lite BAR (250 MHz) to Abacus's register port (core clock).
create_ip -name axi_clock_converter -vendor xilinx.com -library ip -module_name axil_cc_0 -dir ip
set_property -dict [list \
  CONFIG.PROTOCOL   {AXI4LITE} \
  CONFIG.ADDR_WIDTH {12} \
  CONFIG.DATA_WIDTH {32} \
] [get_ips axil_cc_0]
