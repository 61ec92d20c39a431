// Moves AXI signals between a verilated model's axi_* ports and the VIP's
// signal structs. Any model whose AXI master ports follow the abacus naming
// (axi_awvalid_o, axi_awready_i, ...) works.
#pragma once

#include <verilated.h>

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "common/axi.hpp"

namespace abacus::sim {

template <class Port>
void port_to_bytes(const Port& p, std::uint8_t* out, unsigned n) {
  if constexpr (std::is_integral_v<Port>) {
    const auto v = static_cast<std::uint64_t>(p);
    std::memcpy(out, &v, n);  // little-endian: byte i is bits [8i+7:8i]
  } else {
    std::memcpy(out, &p[0], n);
  }
}

template <class Port>
void bytes_to_port(Port& p, const std::uint8_t* in, unsigned n) {
  if constexpr (std::is_integral_v<Port>) {
    std::uint64_t v = 0;
    std::memcpy(&v, in, n);
    p = static_cast<Port>(v);
  } else {
    std::memcpy(&p[0], in, n);
  }
}

template <class Model>
AxiMasterSignals sample_axi_master(const Model& d, unsigned data_bytes) {
  AxiMasterSignals m;
  m.awvalid = d.axi_awvalid_o;
  m.awaddr = d.axi_awaddr_o;
  m.awlen = d.axi_awlen_o;
  m.awsize = d.axi_awsize_o;
  m.awburst = d.axi_awburst_o;
  m.awid = d.axi_awid_o;
  m.wvalid = d.axi_wvalid_o;
  port_to_bytes(d.axi_wdata_o, m.wdata.data(), data_bytes);
  m.wstrb = static_cast<std::uint64_t>(d.axi_wstrb_o);
  m.wlast = d.axi_wlast_o;
  m.bready = d.axi_bready_o;
  m.arvalid = d.axi_arvalid_o;
  m.araddr = d.axi_araddr_o;
  m.arlen = d.axi_arlen_o;
  m.arsize = d.axi_arsize_o;
  m.arburst = d.axi_arburst_o;
  m.arid = d.axi_arid_o;
  m.rready = d.axi_rready_o;
  return m;
}

template <class Model>
void drive_axi_slave(Model& d, const AxiSlaveSignals& s, unsigned data_bytes) {
  d.axi_awready_i = s.awready;
  d.axi_wready_i = s.wready;
  d.axi_bvalid_i = s.bvalid;
  d.axi_bresp_i = s.bresp;
  d.axi_bid_i = s.bid;
  d.axi_arready_i = s.arready;
  d.axi_rvalid_i = s.rvalid;
  bytes_to_port(d.axi_rdata_i, s.rdata.data(), data_bytes);
  d.axi_rresp_i = s.rresp;
  d.axi_rid_i = s.rid;
  d.axi_rlast_i = s.rlast;
}

}  // namespace abacus::sim
