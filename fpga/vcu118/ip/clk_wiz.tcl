# Abacus core clock: 125 MHz board clock to CORE_MHZ (abacus_core_mhz, set by
# build.tcl from make CORE_MHZ=...; fpga/vcu118/Makefile has the default).
create_ip -name clk_wiz -vendor xilinx.com -library ip -module_name clk_wiz_0 -dir ip
set_property -dict [list \
  CONFIG.PRIM_SOURCE          {Differential_clock_capable_pin} \
  CONFIG.PRIM_IN_FREQ         {125.000} \
  CONFIG.CLKOUT1_REQUESTED_OUT_FREQ [format %.3f $abacus_core_mhz] \
  CONFIG.USE_RESET            {true} \
  CONFIG.RESET_TYPE           {ACTIVE_HIGH} \
  CONFIG.USE_LOCKED           {true} \
] [get_ips clk_wiz_0]
