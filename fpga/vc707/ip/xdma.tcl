# VC707: PCIe Gen2 x8 (7-series integrated block), 128-bit AXI at 250 MHz.
# The vc707 board file (1.4) declares no PCIe interface: Custom, with the
# block and GT placement in constraints/vc707/pcie.xdc.
set xdma_board_interface Custom
set xdma_link_speed      5.0_GT/s
set xdma_bits            128
set xdma_device_id       7028
source [file join [file dirname [info script]] .. .. common ip xdma.tcl]
