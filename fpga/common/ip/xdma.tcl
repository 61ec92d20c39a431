# XDMA PCIe endpoint (abacus_pcie_shell's xdma_0), AXI memory-mapped: an
# AXI4 master into card memory (host DMA through /dev/xdmaN_h2c_0, c2h_0), a
# 1 MiB AXI-Lite BAR0 onto Abacus's registers (/dev/xdmaN_user), one user
# interrupt, MSI. The board's ip/xdma.tcl sets what differs and sources this:
#   xdma_board_interface  the board part's PCIe interface
#   xdma_link_speed       8.0_GT/s (Gen3) or 5.0_GT/s (Gen2); x8 on both boards
#   xdma_bits             AXI data width (also the interconnect's S00 width)
#   xdma_device_id        PCI device ID (lspci -d 10ee:<id>)
create_ip -name xdma -vendor xilinx.com -library ip -module_name xdma_0 -dir ip
set_property -dict [list \
  CONFIG.PCIE_BOARD_INTERFACE   $xdma_board_interface \
  CONFIG.mode_selection         {Advanced} \
  CONFIG.pl_link_cap_max_link_width {X8} \
  CONFIG.pl_link_cap_max_link_speed $xdma_link_speed \
  CONFIG.axi_data_width         ${xdma_bits}_bit \
  CONFIG.axisten_freq           {250} \
  CONFIG.xdma_axi_intf_mm       {AXI_Memory_Mapped} \
  CONFIG.axilite_master_en      {true} \
  CONFIG.axilite_master_size    {1} \
  CONFIG.axilite_master_scale   {Megabytes} \
  CONFIG.xdma_rnum_chnl         {1} \
  CONFIG.xdma_wnum_chnl         {1} \
  CONFIG.xdma_num_usr_irq       {1} \
  CONFIG.pf0_device_id          $xdma_device_id \
  CONFIG.pf0_msi_enabled        {true} \
] [get_ips xdma_0]
