# VCU118 clocks (UG1224). The 125 MHz board clock feeds clk_wiz_0 (Abacus
# core clock); the DDR4 C1 250 MHz reference is in ddr4.xdc; the PCIe
# reference clock in pcie.xdc. Generated clocks are derived by Vivado from
# the MMCMs. The crossings between them are constrained where they are made
# (constraints/common/cdc.xdc and the IP cores' own XDC), not by clock
# groups, which would override the IPs' set_max_delay (UG903).
set_property PACKAGE_PIN AY24 [get_ports clk_125mhz_p]
set_property IOSTANDARD LVDS [get_ports clk_125mhz_p]
set_property PACKAGE_PIN AY23 [get_ports clk_125mhz_n]
set_property IOSTANDARD LVDS [get_ports clk_125mhz_n]
create_clock -period 8.000 -name clk_125mhz [get_ports clk_125mhz_p]

set_property CFGBVS GND [current_design]
set_property CONFIG_VOLTAGE 1.8 [current_design]
set_property BITSTREAM.GENERAL.COMPRESS TRUE [current_design]
