# VCU118 DDR4 C1. The 250 MHz reference clock is pinned here; the memory
# pins (address, command, DQ/DQS) are placed by the DDR4 IP from the board
# part's ddr4_sdram_c1_083 or _062 interface (DDR4_PART; same pins; the
# board files are the published pinout,
# UG1224 table "DDR4 C1"), so they are not repeated by hand.
set_property PACKAGE_PIN E12 [get_ports c0_sys_clk_p]
set_property IOSTANDARD DIFF_SSTL12 [get_ports c0_sys_clk_p]
set_property PACKAGE_PIN D12 [get_ports c0_sys_clk_n]
set_property IOSTANDARD DIFF_SSTL12 [get_ports c0_sys_clk_n]
create_clock -period 4.000 -name c0_sys_clk_p [get_ports c0_sys_clk_p]
