# VC707 PCIe edge connector (x8): reference clock, PERST#, lanes 0-7 (GTX
# quads 115 and 114). The vc707 board file (1.4) declares no PCIe
# interface, so XDMA is configured Custom (fpga/vc707/ip/xdma.tcl) and the
# integrated block and the GT of each lane are placed here: block PCIE_X1Y0,
# lane 0 on GTXE2_CHANNEL_X1Y11 down to lane 7 on X1Y4, the edge
# connector's wiring (UG885; the placement public VC707 PCIe designs use).
set_property PACKAGE_PIN AB8 [get_ports pcie_refclk_p]
set_property PACKAGE_PIN AB7 [get_ports pcie_refclk_n]
create_clock -period 10.000 -name pcie_refclk [get_ports pcie_refclk_p]

set_property PACKAGE_PIN AV35 [get_ports pcie_reset_n]
set_property IOSTANDARD LVCMOS18 [get_ports pcie_reset_n]
set_property PULLUP true [get_ports pcie_reset_n]
set_false_path -from [get_ports pcie_reset_n]

set_property PACKAGE_PIN Y4 [get_ports {pcie_rx_p[0]}]
set_property PACKAGE_PIN W2 [get_ports {pcie_tx_p[0]}]
set_property PACKAGE_PIN AA6 [get_ports {pcie_rx_p[1]}]
set_property PACKAGE_PIN AA2 [get_ports {pcie_tx_p[1]}]
set_property PACKAGE_PIN AB4 [get_ports {pcie_rx_p[2]}]
set_property PACKAGE_PIN AC2 [get_ports {pcie_tx_p[2]}]
set_property PACKAGE_PIN AC6 [get_ports {pcie_rx_p[3]}]
set_property PACKAGE_PIN AE2 [get_ports {pcie_tx_p[3]}]
set_property PACKAGE_PIN AD4 [get_ports {pcie_rx_p[4]}]
set_property PACKAGE_PIN AG2 [get_ports {pcie_tx_p[4]}]
set_property PACKAGE_PIN AE6 [get_ports {pcie_rx_p[5]}]
set_property PACKAGE_PIN AH4 [get_ports {pcie_tx_p[5]}]
set_property PACKAGE_PIN AF4 [get_ports {pcie_rx_p[6]}]
set_property PACKAGE_PIN AJ2 [get_ports {pcie_tx_p[6]}]
set_property PACKAGE_PIN AG6 [get_ports {pcie_rx_p[7]}]
set_property PACKAGE_PIN AK4 [get_ports {pcie_tx_p[7]}]

set_property LOC PCIE_X1Y0 [get_cells -hierarchical -filter {REF_NAME == PCIE_2_1}]
set_property LOC GTXE2_CHANNEL_X1Y11 [get_cells -hierarchical -regexp {.*pipe_lane\[0\].gt_wrapper_i/gtx_channel.gtxe2_channel_i}]
set_property LOC GTXE2_CHANNEL_X1Y10 [get_cells -hierarchical -regexp {.*pipe_lane\[1\].gt_wrapper_i/gtx_channel.gtxe2_channel_i}]
set_property LOC GTXE2_CHANNEL_X1Y9 [get_cells -hierarchical -regexp {.*pipe_lane\[2\].gt_wrapper_i/gtx_channel.gtxe2_channel_i}]
set_property LOC GTXE2_CHANNEL_X1Y8 [get_cells -hierarchical -regexp {.*pipe_lane\[3\].gt_wrapper_i/gtx_channel.gtxe2_channel_i}]
set_property LOC GTXE2_CHANNEL_X1Y7 [get_cells -hierarchical -regexp {.*pipe_lane\[4\].gt_wrapper_i/gtx_channel.gtxe2_channel_i}]
set_property LOC GTXE2_CHANNEL_X1Y6 [get_cells -hierarchical -regexp {.*pipe_lane\[5\].gt_wrapper_i/gtx_channel.gtxe2_channel_i}]
set_property LOC GTXE2_CHANNEL_X1Y5 [get_cells -hierarchical -regexp {.*pipe_lane\[6\].gt_wrapper_i/gtx_channel.gtxe2_channel_i}]
set_property LOC GTXE2_CHANNEL_X1Y4 [get_cells -hierarchical -regexp {.*pipe_lane\[7\].gt_wrapper_i/gtx_channel.gtxe2_channel_i}]
