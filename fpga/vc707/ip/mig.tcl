# DDR3 SODIMM (1 GiB) through the 7-series memory interface generator with
# an AXI4 slave, configured from the board part (pins included). The user
# interface clock (200 MHz, 4:1 at DDR3-1600) also clocks Abacus.
create_ip -name mig_7series -vendor xilinx.com -library ip -module_name mig_7series_0 -dir ip
set_property -dict [list \
  CONFIG.BOARD_MIG_PARAM {ddr3_sdram} \
  CONFIG.RESET_BOARD_INTERFACE {Custom} \
  CONFIG.MIG_DONT_TOUCH_PARAM {Custom} \
] [get_ips mig_7series_0]
