# VC707 clocks (UG885). The 200 MHz system clock is the MIG's reference;
# the memory side runs on the MIG's ui_clk (200 MHz) and Abacus on its extra
# clock ui_addn_clk_0 (CORE_MHZ); the MIG derives both. The PCIe reference
# clock is in pcie.xdc. Every crossing between the clocks goes through an
# asynchronous IP clock converter (its own XDC constrains it) or a
# synchronizer (constraints/common/cdc.xdc); no clock groups, which would
# override the IPs' set_max_delay (UG903).
set_property PACKAGE_PIN E19 [get_ports sys_clk_p]
set_property IOSTANDARD LVDS [get_ports sys_clk_p]
set_property PACKAGE_PIN E18 [get_ports sys_clk_n]
set_property IOSTANDARD LVDS [get_ports sys_clk_n]
create_clock -period 5.000 -name sys_clk [get_ports sys_clk_p]

set_property CFGBVS GND [current_design]
set_property CONFIG_VOLTAGE 1.8 [current_design]
set_property BITSTREAM.GENERAL.COMPRESS TRUE [current_design]
