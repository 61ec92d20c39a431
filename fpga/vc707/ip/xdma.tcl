# PCIe Gen2 x8 endpoint (7-series integrated block), AXI memory-mapped: a
# 128-bit AXI4 master into card memory, a 1 MiB AXI-Lite BAR0 onto Abacus's
# registers, one user interrupt.
create_ip -name xdma -vendor xilinx.com -library ip -module_name xdma_0 -dir ip
set_property -dict [list \
  CONFIG.PCIE_BOARD_INTERFACE   {pci_express} \
  CONFIG.mode_selection         {Advanced} \
  CONFIG.pl_link_cap_max_link_width {X8} \
  CONFIG.pl_link_cap_max_link_speed {5.0_GT/s} \
  CONFIG.axi_data_width         {128_bit} \
  CONFIG.axisten_freq           {250} \
  CONFIG.xdma_axi_intf_mm       {AXI_Memory_Mapped} \
  CONFIG.axilite_master_en      {true} \
  CONFIG.axilite_master_size    {1} \
  CONFIG.axilite_master_scale   {Megabytes} \
  CONFIG.xdma_rnum_chnl         {1} \
  CONFIG.xdma_wnum_chnl         {1} \
  CONFIG.xdma_num_usr_irq       {1} \
  CONFIG.pf0_device_id          {7028} \
] [get_ips xdma_0]
