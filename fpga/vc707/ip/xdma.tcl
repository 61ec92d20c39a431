# VC707: PCIe Gen2 x8 (7-series integrated block), 128-bit AXI at 250 MHz.
set xdma_board_interface pci_express
set xdma_link_speed      5.0_GT/s
set xdma_bits            128
set xdma_device_id       7028
source [file join [file dirname [info script]] .. .. common ip xdma.tcl]
