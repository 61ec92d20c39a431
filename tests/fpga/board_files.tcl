# What Xilinx's board files declare, as facts for the flow check: every
# interface of each board-file version the flow may name, with its kind.
# An IP setting that names a board interface (CONFIG.*_BOARD_INTERFACE,
# CONFIG.BOARD_MIG_PARAM) must name one the targeted board file has, of the
# kind the setting takes, or Custom: Vivado refuses anything else at
# set_property ("Valid values are - Custom, ...").
#
# Source: Xilinx/XilinxBoardStore, boards/Xilinx/<board>/<version>/board.xml,
# the <interface name=...> elements of component part0, read at branch
# 2022.2 (commit 20bbb121); vcu118 2.4 and vc707 1.4 are unchanged through
# branch 2025.2.1 but for the copyright line. vc707 1.5 (branch 2024.2 on)
# adds ddr3_sdram_2g and is not listed: the flow targets 1.4.
#   vcu118 2.4: the DDR4 interfaces carry the memory revision,
#     ddr4_sdram_c1_083 (MT40A256M16GE-083E) and ddr4_sdram_c1_062
#     (MT40A256M16LY-062E); plain ddr4_sdram_c1 exists only in 2.3 and 2.0.
#   vc707 1.4: no PCIe interface at all.

set board_kinds {
  ddr4_sdram_c1_083 ddr4 ddr4_sdram_c1_062 ddr4 ddr4_sdram_c2_083 ddr4 ddr4_sdram_c2_062 ddr4
  ddr4_sdram_c1 ddr4 ddr4_sdram_c2 ddr4 ddr3_sdram ddr3
  pci_express_x1 pcie pci_express_x2 pcie pci_express_x4 pcie pci_express_x8 pcie pci_express_x16 pcie
  pcie_perstn perst pcie_refclk clock
  default_sysclk1_300 clock default_250mhz_clk1 clock default_250mhz_clk2 clock sysclk_125 clock
  user_si570_clock clock sys_diff_clock clock sgmii_phyclk clock sgmii_mgt_clk clock sma_mgt_clk clock
  qsfp1_si570_clock clock qsfp1_si5328_clock1 clock qsfp2_mgt_si570_clock2 clock qsfp2_si5328_clock2 clock
  reset reset
}
set board_interfaces [dict create \
  xilinx.com:vcu118:part0:2.4 {
    ddr4_sdram_c1_083 ddr4_sdram_c1_062 ddr4_sdram_c2_083 ddr4_sdram_c2_062 dip_switches_4bits
    pcie_refclk default_sysclk1_300 default_250mhz_clk1 default_250mhz_clk2 sysclk_125 user_si570_clock
    led_8bits rs232_uart iic_main reset push_buttons_5bits pci_express_x1 pci_express_x2 pci_express_x4
    pci_express_x8 pci_express_x16 pcie_perstn phy_reset_out sgmii_lvds mdio_mdc sgmii_phyclk
    qsfp1_1x qsfp1_2x qsfp1_3x qsfp1_4x qsfp2_1x qsfp2_2x qsfp2_3x qsfp2_4x
    qsfp1_si570_clock qsfp1_si5328_clock1 qsfp2_mgt_si570_clock2 qsfp2_si5328_clock2 spi_flash spi_flash_xip
  } \
  xilinx.com:vcu118:part0:2.3 {
    ddr4_sdram_c1 ddr4_sdram_c2 dip_switches_4bits
    pcie_refclk default_sysclk1_300 default_250mhz_clk1 default_250mhz_clk2 sysclk_125 user_si570_clock
    led_8bits rs232_uart iic_main reset push_buttons_5bits pci_express_x1 pci_express_x2 pci_express_x4
    pci_express_x8 pci_express_x16 pcie_perstn phy_reset_out sgmii_lvds mdio_mdc sgmii_phyclk
    qsfp1_1x qsfp1_2x qsfp1_3x qsfp1_4x qsfp2_1x qsfp2_2x qsfp2_3x qsfp2_4x
    qsfp1_si570_clock qsfp1_si5328_clock1 qsfp2_mgt_si570_clock2 qsfp2_si5328_clock2 spi_flash
  } \
  xilinx.com:vc707:part0:1.4 {
    ddr3_sdram dip_switches_8bits iic_main lcd_7bits led_8bits linear_flash mdio_io mdio_mdc
    phy_reset_out push_buttons_5bits reset rotary_switch rs232_uart sfp sfp_sgmii sgmii sgmii_mgt_clk
    sma_lvds sma_mgt_clk sma_sfp sma_sgmii sys_diff_clock
  } \
]
# The IP settings that name a board interface, and the kind each takes.
set board_settings {
  C0_DDR4_BOARD_INTERFACE ddr4 C0_CLOCK_BOARD_INTERFACE clock PCIE_BOARD_INTERFACE pcie
  SYS_RST_N_BOARD_INTERFACE perst RESET_BOARD_INTERFACE reset BOARD_MIG_PARAM ddr3
  CLK_IN1_BOARD_INTERFACE clock CLK_IN2_BOARD_INTERFACE clock
}

# check_board_setting BOARD IP KEY VALUE: "" if fine, else why not
proc check_board_setting {board ip key value} {
  global board_interfaces board_kinds board_settings
  set key [string map {CONFIG. ""} $key]
  if {![string match *BOARD_INTERFACE $key] && $key ne "BOARD_MIG_PARAM"} { return "" }
  if {![dict exists $board_settings $key]} {
    return "$ip: CONFIG.$key names a board interface, but tests/fpga/board_files.tcl does not know which kind it takes"
  }
  if {$value eq "Custom"} { return "" }
  if {![dict exists $board_interfaces $board]} {
    return "$ip: CONFIG.$key $value: board file $board is not recorded in tests/fpga/board_files.tcl"
  }
  set valid {}
  foreach i [dict get $board_interfaces $board] {
    if {[dict exists $board_kinds $i] && [dict get $board_kinds $i] eq [dict get $board_settings $key]} { lappend valid $i }
  }
  if {[lsearch -exact $valid $value] < 0} {
    return "$ip: CONFIG.$key '$value' is not a [dict get $board_settings $key] interface of board file $board;\
            Vivado would stop here. Valid values are - Custom[expr {[llength $valid] ? ", [join $valid {, }]" : ""}]"
  }
  return ""
}
