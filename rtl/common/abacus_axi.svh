// AXI4 bundles, declared and connected in one line each (the tools this
// project supports do not all take a struct or an interface as a port --
// docs/architecture.md, "Toolchain notes" -- so the bundles are macros, and
// this file is their one definition).
//
// Abacus's master ports (abacus_top, abacus_dma, the DMA test top): named
// <p>_<signal>_o / _i, 64-bit addresses, no AxLOCK (Abacus never locks):
//   `ABACUS_AXI_M_PORTS(axi, 4, DataWidth)      both directions, in a port list
//   `ABACUS_AXI_M_WR_PORTS / _RD_PORTS          one direction
//   `ABACUS_AXI_M_WR_PASS(axi, axi)             connect a child's write ports to ours
//   `ABACUS_AXI_M_RD_PASS(axi, axi)             ... read ports
//   `ABACUS_AXI_M_WR_TIE(axi) / _RD_TIE(axi)    a direction the child's user does not use
//   `ABACUS_AXI_M_TO_WIRES(axi, ab)             an Abacus master onto wires from ABACUS_AXI_WIRES
// Bundles of wires, and the board shell's master port (with AxLOCK):
//   `ABACUS_AXI_WIRES(mem, 8, 64, 512)          logic mem_awid ... mem_rready
//   `ABACUS_AXI_MASTER_PORT_DECL(mem, 8, 31, 512)  the shell's memory port, with AxLOCK
//   `ABACUS_AXI_MASTER_PORTS(mem, mem)          .mem_awid_o(mem_awid), ... (connects it)
// An IP core's AXI4 port (its own names: a prefix, then the signal in
// lower or upper case) onto a bundle of ABACUS_AXI_WIRES, all 35 signals
// (AxQOS, clocks and resets stay explicit at each instance):
//   `ABACUS_AXI_IP_LC(m_axi_, xd)               .m_axi_awid(xd_awid), ... (XDMA, MIG, DDR4)
//   `ABACUS_AXI_IP_UC(S00_AXI_, xd)             .S00_AXI_AWID(xd_awid), ... (AXI Interconnect)
// Abacus's AXI4-Lite register slave (12-bit addresses, 32-bit data, no AxPROT):
//   `ABACUS_AXIL_S_PORTS(s_axil)                s_axil_awvalid_i ... in a port list
//   `ABACUS_AXIL_S_PASS(s, s_axil)              connect a child's slave port to ours
//   `ABACUS_AXIL_WIRES(reg)                     logic reg_awvalid ... reg_rresp
//   `ABACUS_AXIL_S_TO_WIRES(s_axil, reg)        a slave port onto those wires
`ifndef ABACUS_AXI_SVH
`define ABACUS_AXI_SVH

`define ABACUS_AXI_M_WR_PORTS(p, IdBits, DataBits) \
  output logic p``_awvalid_o, \
  input  logic p``_awready_i, \
  output logic [63:0] p``_awaddr_o, \
  output logic [7:0] p``_awlen_o, \
  output logic [2:0] p``_awsize_o, \
  output logic [1:0] p``_awburst_o, \
  output logic [3:0] p``_awcache_o, \
  output logic [2:0] p``_awprot_o, \
  output logic [(IdBits)-1:0] p``_awid_o, \
  output logic p``_wvalid_o, \
  input  logic p``_wready_i, \
  output logic [(DataBits)-1:0] p``_wdata_o, \
  output logic [(DataBits)/8-1:0] p``_wstrb_o, \
  output logic p``_wlast_o, \
  input  logic p``_bvalid_i, \
  output logic p``_bready_o, \
  input  logic [1:0] p``_bresp_i, \
  input  logic [(IdBits)-1:0] p``_bid_i

`define ABACUS_AXI_M_RD_PORTS(p, IdBits, DataBits) \
  output logic p``_arvalid_o, \
  input  logic p``_arready_i, \
  output logic [63:0] p``_araddr_o, \
  output logic [7:0] p``_arlen_o, \
  output logic [2:0] p``_arsize_o, \
  output logic [1:0] p``_arburst_o, \
  output logic [3:0] p``_arcache_o, \
  output logic [2:0] p``_arprot_o, \
  output logic [(IdBits)-1:0] p``_arid_o, \
  input  logic p``_rvalid_i, \
  output logic p``_rready_o, \
  input  logic [(DataBits)-1:0] p``_rdata_i, \
  input  logic [1:0] p``_rresp_i, \
  input  logic p``_rlast_i, \
  input  logic [(IdBits)-1:0] p``_rid_i

`define ABACUS_AXI_M_PORTS(p, IdBits, DataBits) \
  `ABACUS_AXI_M_WR_PORTS(p, IdBits, DataBits), \
  `ABACUS_AXI_M_RD_PORTS(p, IdBits, DataBits)

`define ABACUS_AXI_M_WR_PASS(port, p) \
  .port``_awvalid_o(p``_awvalid_o), .port``_awready_i(p``_awready_i), .port``_awaddr_o(p``_awaddr_o), .port``_awlen_o(p``_awlen_o), \
  .port``_awsize_o(p``_awsize_o), .port``_awburst_o(p``_awburst_o), .port``_awcache_o(p``_awcache_o), .port``_awprot_o(p``_awprot_o), \
  .port``_awid_o(p``_awid_o), .port``_wvalid_o(p``_wvalid_o), .port``_wready_i(p``_wready_i), .port``_wdata_o(p``_wdata_o), \
  .port``_wstrb_o(p``_wstrb_o), .port``_wlast_o(p``_wlast_o), .port``_bvalid_i(p``_bvalid_i), .port``_bready_o(p``_bready_o), \
  .port``_bresp_i(p``_bresp_i), .port``_bid_i(p``_bid_i)

`define ABACUS_AXI_M_RD_PASS(port, p) \
  .port``_arvalid_o(p``_arvalid_o), .port``_arready_i(p``_arready_i), .port``_araddr_o(p``_araddr_o), .port``_arlen_o(p``_arlen_o), \
  .port``_arsize_o(p``_arsize_o), .port``_arburst_o(p``_arburst_o), .port``_arcache_o(p``_arcache_o), .port``_arprot_o(p``_arprot_o), \
  .port``_arid_o(p``_arid_o), .port``_rvalid_i(p``_rvalid_i), .port``_rready_o(p``_rready_o), .port``_rdata_i(p``_rdata_i), \
  .port``_rresp_i(p``_rresp_i), .port``_rlast_i(p``_rlast_i), .port``_rid_i(p``_rid_i)

`define ABACUS_AXI_M_WR_TIE(port) \
  .port``_awvalid_o(), .port``_awready_i('0), .port``_awaddr_o(), .port``_awlen_o(), .port``_awsize_o(), \
  .port``_awburst_o(), .port``_awcache_o(), .port``_awprot_o(), .port``_awid_o(), .port``_wvalid_o(), \
  .port``_wready_i('0), .port``_wdata_o(), .port``_wstrb_o(), .port``_wlast_o(), .port``_bvalid_i('0), \
  .port``_bready_o(), .port``_bresp_i('0), .port``_bid_i('0)

`define ABACUS_AXI_M_RD_TIE(port) \
  .port``_arvalid_o(), .port``_arready_i('0), .port``_araddr_o(), .port``_arlen_o(), .port``_arsize_o(), \
  .port``_arburst_o(), .port``_arcache_o(), .port``_arprot_o(), .port``_arid_o(), .port``_rvalid_i('0), \
  .port``_rready_o(), .port``_rdata_i('0), .port``_rresp_i('0), .port``_rlast_i('0), .port``_rid_i('0)

`define ABACUS_AXI_M_TO_WIRES(port, p) \
  .port``_awvalid_o(p``_awvalid), .port``_awready_i(p``_awready), .port``_awaddr_o(p``_awaddr), .port``_awlen_o(p``_awlen), \
  .port``_awsize_o(p``_awsize), .port``_awburst_o(p``_awburst), .port``_awcache_o(p``_awcache), .port``_awprot_o(p``_awprot), \
  .port``_awid_o(p``_awid), .port``_wvalid_o(p``_wvalid), .port``_wready_i(p``_wready), .port``_wdata_o(p``_wdata), \
  .port``_wstrb_o(p``_wstrb), .port``_wlast_o(p``_wlast), .port``_bvalid_i(p``_bvalid), .port``_bready_o(p``_bready), \
  .port``_bresp_i(p``_bresp), .port``_bid_i(p``_bid), .port``_arvalid_o(p``_arvalid), .port``_arready_i(p``_arready), \
  .port``_araddr_o(p``_araddr), .port``_arlen_o(p``_arlen), .port``_arsize_o(p``_arsize), .port``_arburst_o(p``_arburst), \
  .port``_arcache_o(p``_arcache), .port``_arprot_o(p``_arprot), .port``_arid_o(p``_arid), .port``_rvalid_i(p``_rvalid), \
  .port``_rready_o(p``_rready), .port``_rdata_i(p``_rdata), .port``_rresp_i(p``_rresp), .port``_rlast_i(p``_rlast), \
  .port``_rid_i(p``_rid)

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

`define ABACUS_AXI_MASTER_PORT_DECL(p, IdBits, AddrBits, DataBits) \
  output logic [(IdBits)-1:0] p``_awid_o, \
  output logic [(AddrBits)-1:0] p``_awaddr_o, \
  output logic [7:0] p``_awlen_o, \
  output logic [2:0] p``_awsize_o, \
  output logic [1:0] p``_awburst_o, \
  output logic p``_awlock_o, \
  output logic [3:0] p``_awcache_o, \
  output logic [2:0] p``_awprot_o, \
  output logic p``_awvalid_o, \
  input  logic p``_awready_i, \
  output logic [(DataBits)-1:0] p``_wdata_o, \
  output logic [(DataBits)/8-1:0] p``_wstrb_o, \
  output logic p``_wlast_o, \
  output logic p``_wvalid_o, \
  input  logic p``_wready_i, \
  input  logic [(IdBits)-1:0] p``_bid_i, \
  input  logic [1:0] p``_bresp_i, \
  input  logic p``_bvalid_i, \
  output logic p``_bready_o, \
  output logic [(IdBits)-1:0] p``_arid_o, \
  output logic [(AddrBits)-1:0] p``_araddr_o, \
  output logic [7:0] p``_arlen_o, \
  output logic [2:0] p``_arsize_o, \
  output logic [1:0] p``_arburst_o, \
  output logic p``_arlock_o, \
  output logic [3:0] p``_arcache_o, \
  output logic [2:0] p``_arprot_o, \
  output logic p``_arvalid_o, \
  input  logic p``_arready_i, \
  input  logic [(IdBits)-1:0] p``_rid_i, \
  input  logic [(DataBits)-1:0] p``_rdata_i, \
  input  logic [1:0] p``_rresp_i, \
  input  logic p``_rlast_i, \
  input  logic p``_rvalid_i, \
  output logic p``_rready_o

`define ABACUS_AXIL_S_PORTS(p) \
  input  logic p``_awvalid_i, \
  output logic p``_awready_o, \
  input  logic [11:0] p``_awaddr_i, \
  input  logic p``_wvalid_i, \
  output logic p``_wready_o, \
  input  logic [31:0] p``_wdata_i, \
  input  logic [3:0] p``_wstrb_i, \
  output logic p``_bvalid_o, \
  input  logic p``_bready_i, \
  output logic [1:0] p``_bresp_o, \
  input  logic p``_arvalid_i, \
  output logic p``_arready_o, \
  input  logic [11:0] p``_araddr_i, \
  output logic p``_rvalid_o, \
  input  logic p``_rready_i, \
  output logic [31:0] p``_rdata_o, \
  output logic [1:0] p``_rresp_o

`define ABACUS_AXIL_S_PASS(port, p) \
  .port``_awvalid_i(p``_awvalid_i), .port``_awready_o(p``_awready_o), .port``_awaddr_i(p``_awaddr_i), \
  .port``_wvalid_i(p``_wvalid_i), .port``_wready_o(p``_wready_o), .port``_wdata_i(p``_wdata_i), \
  .port``_wstrb_i(p``_wstrb_i), .port``_bvalid_o(p``_bvalid_o), .port``_bready_i(p``_bready_i), \
  .port``_bresp_o(p``_bresp_o), .port``_arvalid_i(p``_arvalid_i), .port``_arready_o(p``_arready_o), \
  .port``_araddr_i(p``_araddr_i), .port``_rvalid_o(p``_rvalid_o), .port``_rready_i(p``_rready_i), \
  .port``_rdata_o(p``_rdata_o), .port``_rresp_o(p``_rresp_o)

`define ABACUS_AXIL_WIRES(p) \
  logic [11:0] p``_awaddr, p``_araddr; \
  logic [31:0] p``_wdata, p``_rdata; \
  logic [3:0] p``_wstrb; \
  logic [1:0] p``_bresp, p``_rresp; \
  logic p``_awvalid, p``_awready, p``_wvalid, p``_wready, p``_bvalid, p``_bready; \
  logic p``_arvalid, p``_arready, p``_rvalid, p``_rready;

`define ABACUS_AXIL_S_TO_WIRES(port, p) \
  .port``_awvalid_i(p``_awvalid), .port``_awready_o(p``_awready), .port``_awaddr_i(p``_awaddr), \
  .port``_wvalid_i(p``_wvalid), .port``_wready_o(p``_wready), .port``_wdata_i(p``_wdata), \
  .port``_wstrb_i(p``_wstrb), .port``_bvalid_o(p``_bvalid), .port``_bready_i(p``_bready), \
  .port``_bresp_o(p``_bresp), .port``_arvalid_i(p``_arvalid), .port``_arready_o(p``_arready), \
  .port``_araddr_i(p``_araddr), .port``_rvalid_o(p``_rvalid), .port``_rready_i(p``_rready), \
  .port``_rdata_o(p``_rdata), .port``_rresp_o(p``_rresp)

`define ABACUS_AXI_IP_LC(pfx, p) \
  .pfx``awid(p``_awid), .pfx``awaddr(p``_awaddr), .pfx``awlen(p``_awlen), .pfx``awsize(p``_awsize), .pfx``awburst(p``_awburst), \
  .pfx``awlock(p``_awlock), .pfx``awcache(p``_awcache), .pfx``awprot(p``_awprot), .pfx``awvalid(p``_awvalid), .pfx``awready(p``_awready), \
  .pfx``wdata(p``_wdata), .pfx``wstrb(p``_wstrb), .pfx``wlast(p``_wlast), .pfx``wvalid(p``_wvalid), .pfx``wready(p``_wready), \
  .pfx``bid(p``_bid), .pfx``bresp(p``_bresp), .pfx``bvalid(p``_bvalid), .pfx``bready(p``_bready), .pfx``arid(p``_arid), \
  .pfx``araddr(p``_araddr), .pfx``arlen(p``_arlen), .pfx``arsize(p``_arsize), .pfx``arburst(p``_arburst), .pfx``arlock(p``_arlock), \
  .pfx``arcache(p``_arcache), .pfx``arprot(p``_arprot), .pfx``arvalid(p``_arvalid), .pfx``arready(p``_arready), .pfx``rid(p``_rid), \
  .pfx``rdata(p``_rdata), .pfx``rresp(p``_rresp), .pfx``rlast(p``_rlast), .pfx``rvalid(p``_rvalid), .pfx``rready(p``_rready)

`define ABACUS_AXI_IP_UC(pfx, p) \
  .pfx``AWID(p``_awid), .pfx``AWADDR(p``_awaddr), .pfx``AWLEN(p``_awlen), .pfx``AWSIZE(p``_awsize), .pfx``AWBURST(p``_awburst), \
  .pfx``AWLOCK(p``_awlock), .pfx``AWCACHE(p``_awcache), .pfx``AWPROT(p``_awprot), .pfx``AWVALID(p``_awvalid), .pfx``AWREADY(p``_awready), \
  .pfx``WDATA(p``_wdata), .pfx``WSTRB(p``_wstrb), .pfx``WLAST(p``_wlast), .pfx``WVALID(p``_wvalid), .pfx``WREADY(p``_wready), \
  .pfx``BID(p``_bid), .pfx``BRESP(p``_bresp), .pfx``BVALID(p``_bvalid), .pfx``BREADY(p``_bready), .pfx``ARID(p``_arid), \
  .pfx``ARADDR(p``_araddr), .pfx``ARLEN(p``_arlen), .pfx``ARSIZE(p``_arsize), .pfx``ARBURST(p``_arburst), .pfx``ARLOCK(p``_arlock), \
  .pfx``ARCACHE(p``_arcache), .pfx``ARPROT(p``_arprot), .pfx``ARVALID(p``_arvalid), .pfx``ARREADY(p``_arready), .pfx``RID(p``_rid), \
  .pfx``RDATA(p``_rdata), .pfx``RRESP(p``_rresp), .pfx``RLAST(p``_rlast), .pfx``RVALID(p``_rvalid), .pfx``RREADY(p``_rready)

`endif
