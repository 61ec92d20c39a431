# DDR4 C1 (2 GiB component memory) through the memory interface IP with an
# AXI4 slave. Pins come from the board part's ddr4_sdram_c1 interface.
# AXI ID 8 bits: axi_ic_0's M00 carries THREAD_ID_WIDTH (4) + 4 master-ID
# bits, and a narrower ID would send responses to the wrong master.
# Narrow bursts on: the interconnect's upsizer passes non-modifiable narrow
# transfers through unchanged. tests/fpga/elaborate.sh checks these widths
# against the board top.
create_ip -name ddr4 -vendor xilinx.com -library ip -module_name ddr4_0 -dir ip
set_property -dict [list \
  CONFIG.C0_DDR4_BOARD_INTERFACE {ddr4_sdram_c1} \
  CONFIG.C0_CLOCK_BOARD_INTERFACE {default_250mhz_clk1} \
  CONFIG.C0.DDR4_AxiSelection    {true} \
  CONFIG.C0.DDR4_AxiDataWidth    {512} \
  CONFIG.C0.DDR4_AxiIDWidth      {8} \
  CONFIG.C0.DDR4_AxiAddressWidth {31} \
  CONFIG.C0.DDR4_AxiNarrowBurst  {true} \
] [get_ips ddr4_0]
