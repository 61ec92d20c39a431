# VCU118: PCIe Gen3 x8 (XCVU9P integrated block), 256-bit AXI at 250 MHz.
set xdma_board_interface pci_express_x8
set xdma_link_speed      8.0_GT/s
set xdma_bits            256
set xdma_device_id       9038
source [file join [file dirname [info script]] .. .. common ip xdma.tcl]
