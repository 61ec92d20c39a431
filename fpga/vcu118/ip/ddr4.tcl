# DDR4 C1 (2 GiB component memory) through the memory interface IP with an
# AXI4 slave. Pins come from the board part's ddr4_sdram_c1 interface.
create_ip -name ddr4 -vendor xilinx.com -library ip -module_name ddr4_0 -dir ip
set_property -dict [list \
  CONFIG.C0_DDR4_BOARD_INTERFACE {ddr4_sdram_c1} \
  CONFIG.C0_CLOCK_BOARD_INTERFACE {default_250mhz_clk1} \
  CONFIG.C0.DDR4_AxiSelection    {true} \
  CONFIG.C0.DDR4_AxiDataWidth    {512} \
  CONFIG.C0.DDR4_AxiIDWidth      {4} \
  CONFIG.C0.DDR4_AxiAddressWidth {31} \
] [get_ips ddr4_0]
