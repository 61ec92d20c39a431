# VCU118 clocks (UG1224). The 125 MHz board clock feeds clk_wiz_0 (Abacus
# core clock); the DDR4 C1 250 MHz reference is in ddr4.xdc; the PCIe
# reference clock in pcie.xdc. Generated clocks are derived by Vivado from
# the MMCMs; the asynchronous groups below keep the crossings honest.
set_property PACKAGE_PIN AY24 [get_ports clk_125mhz_p]
set_property IOSTANDARD LVDS [get_ports clk_125mhz_p]
set_property PACKAGE_PIN AY23 [get_ports clk_125mhz_n]
set_property IOSTANDARD LVDS [get_ports clk_125mhz_n]
create_clock -period 8.000 -name clk_125mhz [get_ports clk_125mhz_p]

set_clock_groups -asynchronous \
  -group [get_clocks -of_objects [get_pins u_clk/clk_out1]] \
  -group [get_clocks -of_objects [get_pins u_shell/u_xdma/axi_aclk]] \
  -group [get_clocks -of_objects [get_pins u_ddr/c0_ddr4_ui_clk]]

set_property CFGBVS GND [current_design]
set_property CONFIG_VOLTAGE 1.8 [current_design]
set_property BITSTREAM.GENERAL.COMPRESS TRUE [current_design]
