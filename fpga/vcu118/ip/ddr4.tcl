# DDR4 C1 (2 GiB component memory) through the memory interface IP with an
# AXI4 slave. Pins and memory part come from the board part's interface
# for the board's DDR4 revision: board file 2.4 declares
# ddr4_sdram_c1_083 (MT40A256M16GE-083E, the original part) and
# ddr4_sdram_c1_062 (MT40A256M16LY-062E, later boards), same pins;
# DDR4_PART (fpga/vcu118/Makefile, docs/fpga.md) chooses.
# AXI ID 8 bits: axi_ic_0's M00 carries THREAD_ID_WIDTH (4) + 4 master-ID
# bits, and a narrower ID would send responses to the wrong master.
# Narrow bursts on: the interconnect's upsizer passes non-modifiable narrow
# transfers through unchanged. tests/fpga/elaborate.sh checks these widths
# against the board top.
if {![info exists ::env(DDR4_PART)] || $::env(DDR4_PART) ni {083 062}} {
  error "ddr4.tcl: DDR4_PART must be 083 or 062 (the VCU118's DDR4 revision; fpga/vcu118/Makefile sets it)"
}
create_ip -name ddr4 -vendor xilinx.com -library ip -module_name ddr4_0 -dir ip
set_property -dict [list \
  CONFIG.C0_DDR4_BOARD_INTERFACE ddr4_sdram_c1_$::env(DDR4_PART) \
  CONFIG.C0_CLOCK_BOARD_INTERFACE {default_250mhz_clk1} \
  CONFIG.C0.DDR4_AxiSelection    {true} \
  CONFIG.C0.DDR4_AxiDataWidth    {512} \
  CONFIG.C0.DDR4_AxiIDWidth      {8} \
  CONFIG.C0.DDR4_AxiAddressWidth {31} \
  CONFIG.C0.DDR4_AxiNarrowBurst  {true} \
] [get_ips ddr4_0]
