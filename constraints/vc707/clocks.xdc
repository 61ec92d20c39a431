# VC707 clocks (UG885). The 200 MHz system clock is the MIG's reference;
# Abacus runs on the MIG user interface clock. The PCIe reference clock is
# in pcie.xdc.
set_property PACKAGE_PIN E19 [get_ports sys_clk_p]
set_property IOSTANDARD LVDS [get_ports sys_clk_p]
set_property PACKAGE_PIN E18 [get_ports sys_clk_n]
set_property IOSTANDARD LVDS [get_ports sys_clk_n]
create_clock -period 5.000 -name sys_clk [get_ports sys_clk_p]

set_clock_groups -asynchronous \
  -group [get_clocks -of_objects [get_pins u_ddr/ui_clk]] \
  -group [get_clocks -of_objects [get_pins u_shell/u_xdma/axi_aclk]]

set_property CFGBVS GND [current_design]
set_property CONFIG_VOLTAGE 1.8 [current_design]
set_property BITSTREAM.GENERAL.COMPRESS TRUE [current_design]
