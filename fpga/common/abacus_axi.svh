// AXI4 bundle helpers for the board tops, so a 36-signal bundle is declared
// and connected in one line each instead of being written out per board:
//   `ABACUS_AXI_WIRES(mem, 8, 64, 512)          logic mem_awid ... mem_rready
//   `ABACUS_AXI_MASTER_PORTS(mem, mem)          .mem_awid_o(mem_awid), ...
// (the second connects an abacus_pcie_shell master port, whose ports carry
// the _o/_i direction suffixes, to wires declared by the first).
`ifndef ABACUS_AXI_SVH
`define ABACUS_AXI_SVH

`define ABACUS_AXI_WIRES(p, IdBits, AddrBits, DataBits) \
  logic [(IdBits)-1:0] p``_awid; \
  logic [(AddrBits)-1:0] p``_awaddr; \
  logic [7:0] p``_awlen; \
  logic [2:0] p``_awsize; \
  logic [1:0] p``_awburst; \
  logic p``_awlock; \
  logic [3:0] p``_awcache; \
  logic [2:0] p``_awprot; \
  logic p``_awvalid; \
  logic p``_awready; \
  logic [(DataBits)-1:0] p``_wdata; \
  logic [(DataBits)/8-1:0] p``_wstrb; \
  logic p``_wlast; \
  logic p``_wvalid; \
  logic p``_wready; \
  logic [(IdBits)-1:0] p``_bid; \
  logic [1:0] p``_bresp; \
  logic p``_bvalid; \
  logic p``_bready; \
  logic [(IdBits)-1:0] p``_arid; \
  logic [(AddrBits)-1:0] p``_araddr; \
  logic [7:0] p``_arlen; \
  logic [2:0] p``_arsize; \
  logic [1:0] p``_arburst; \
  logic p``_arlock; \
  logic [3:0] p``_arcache; \
  logic [2:0] p``_arprot; \
  logic p``_arvalid; \
  logic p``_arready; \
  logic [(IdBits)-1:0] p``_rid; \
  logic [(DataBits)-1:0] p``_rdata; \
  logic [1:0] p``_rresp; \
  logic p``_rlast; \
  logic p``_rvalid; \
  logic p``_rready;

`define ABACUS_AXI_MASTER_PORTS(port, p) \
  .port``_awid_o(p``_awid), .port``_awaddr_o(p``_awaddr), .port``_awlen_o(p``_awlen), \
  .port``_awsize_o(p``_awsize), .port``_awburst_o(p``_awburst), .port``_awlock_o(p``_awlock), \
  .port``_awcache_o(p``_awcache), .port``_awprot_o(p``_awprot), .port``_awvalid_o(p``_awvalid), \
  .port``_awready_i(p``_awready), \
  .port``_wdata_o(p``_wdata), .port``_wstrb_o(p``_wstrb), .port``_wlast_o(p``_wlast), \
  .port``_wvalid_o(p``_wvalid), .port``_wready_i(p``_wready), \
  .port``_bid_i(p``_bid), .port``_bresp_i(p``_bresp), .port``_bvalid_i(p``_bvalid), \
  .port``_bready_o(p``_bready), \
  .port``_arid_o(p``_arid), .port``_araddr_o(p``_araddr), .port``_arlen_o(p``_arlen), \
  .port``_arsize_o(p``_arsize), .port``_arburst_o(p``_arburst), .port``_arlock_o(p``_arlock), \
  .port``_arcache_o(p``_arcache), .port``_arprot_o(p``_arprot), .port``_arvalid_o(p``_arvalid), \
  .port``_arready_i(p``_arready), \
  .port``_rid_i(p``_rid), .port``_rdata_i(p``_rdata), .port``_rresp_i(p``_rresp), \
  .port``_rlast_i(p``_rlast), .port``_rvalid_i(p``_rvalid), .port``_rready_o(p``_rready)

`endif
