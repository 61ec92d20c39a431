// Drives abacus_dma_tb (DMA + scratchpad + backdoor) against the AXI memory
// model with the protocol monitor attached, and holds the reference model
// of what a descriptor must do.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/axi.hpp"
#include "common/axi_ports.hpp"
#include "common/sim.hpp"

namespace abacus::tb {

// the harnesses build on the simulation layer (sim/common)
using namespace abacus::sim;

struct DmaDesc {
  bool store = false;
  std::uint64_t dram_addr = 0;
  unsigned rows = 1, row_bytes = 0;
  std::uint32_t stride = 0;
  std::uint32_t sp_addr = 0;
  unsigned sp_stride = 0;
  unsigned pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  std::uint8_t pad_value = 0;

  unsigned total_rows() const { return pad_top + rows + pad_bottom; }
  unsigned row_width() const { return pad_left + row_bytes + pad_right; }
};

// DMA status codes (abacus_pkg::Dma*).
enum class DmaStatus : unsigned { Ok = 0, Window = 1, SlvErr = 2, DecErr = 3, Desc = 4 };

struct DmaResult {
  DmaStatus status = DmaStatus::Ok;
  bool store = false;
  std::uint64_t addr = 0;
  std::uint64_t cycles = 0;  // descriptor handshake to done
};

// Reference semantics, plain loops: apply a descriptor to byte images of
// DRAM (based at dram_base) and the scratchpad.
inline void dma_reference(const DmaDesc& d, std::vector<std::uint8_t>& dram, std::uint64_t dram_base,
                          std::vector<std::uint8_t>& sp) {
  if (d.rows == 0 || d.row_bytes == 0) return;
  for (unsigned r = 0; r < d.total_rows(); ++r) {
    const std::size_t sp_row = d.sp_addr + std::size_t(r) * d.sp_stride;
    const bool data_row = r >= d.pad_top && r < d.pad_top + d.rows;
    for (unsigned c = 0; c < d.row_width(); ++c) {
      const bool data_col = c >= d.pad_left && c < d.pad_left + d.row_bytes;
      std::uint8_t* spb = &sp.at(sp_row + c);
      if (!data_row || !data_col) {
        if (!d.store) *spb = d.pad_value;
        continue;
      }
      const std::uint64_t a = d.dram_addr + std::uint64_t(r - d.pad_top) * d.stride + (c - d.pad_left);
      std::uint8_t& db = dram.at(a - dram_base);
      if (d.store) db = *spb;
      else *spb = db;
    }
  }
}

template <class Model>
class DmaHarness {
 public:
  DmaHarness(Sim<Model>& sim, AxiMem& mem, AxiMonitor& mon, unsigned sp_bytes)
      : sim_(sim), d_(sim.dut()), mem_(mem), mon_(mon), sp_bytes_(sp_bytes),
        w_(mem.config().data_bytes) {
    idle();
  }

  void idle() {
    d_.desc_valid_i = 0;
    d_.clear_i = 0;
    d_.bd_we_i = 0;
    d_.bd_re_i = 0;
  }

  // One clock cycle with the memory model and the monitor in the loop.
  void cycle(bool in_reset = false) {
    drive_axi_slave(d_, mem_.outputs(), w_);
    sim_.settle();
    const AxiMasterSignals m = sample_axi_master(d_, w_);
    mon_.check(sim_.cycle(), in_reset, m, mem_.outputs());
    mem_.step(m);
    sim_.tick();
  }

  void reset() {
    d_.rst_ni = 0;
    for (int i = 0; i < 4; ++i) cycle(true);
    d_.rst_ni = 1;
  }

  void set_window(std::uint64_t base, std::uint64_t limit) {
    d_.window_base_i = base;
    d_.window_limit_i = limit;
  }

  // The soft reset the host gives after an error: clears the latched status.
  void soft_reset() {
    d_.clear_i = 1;
    cycle();
    d_.clear_i = 0;
  }

  // Scratchpad backdoor (DMA idle).
  void sp_write(const std::vector<std::uint8_t>& img) {
    for (std::size_t w = 0; w * w_ < img.size(); ++w) {
      d_.bd_we_i = 1;
      d_.bd_addr_i = static_cast<std::uint32_t>(w);
      bytes_to_port(d_.bd_wdata_i, &img[w * w_], w_);
      cycle();
    }
    d_.bd_we_i = 0;
  }
  std::vector<std::uint8_t> sp_read() {
    std::vector<std::uint8_t> img(sp_bytes_);
    for (std::size_t w = 0; w * w_ < img.size(); ++w) {
      d_.bd_re_i = 1;
      d_.bd_addr_i = static_cast<std::uint32_t>(w);
      cycle();
      d_.bd_re_i = 0;
      sim_.settle();
      port_to_bytes(d_.bd_rdata_o, &img[w * w_], w_);
    }
    return img;
  }

  // Puts a descriptor on the descriptor port (valid is the caller's).
  void drive(const DmaDesc& desc) {
    d_.desc_store_i = desc.store;
    d_.desc_dram_addr_i = desc.dram_addr;
    d_.desc_rows_i = desc.rows;
    d_.desc_row_bytes_i = desc.row_bytes;
    d_.desc_stride_i = desc.stride;
    d_.desc_sp_addr_i = desc.sp_addr;
    d_.desc_sp_stride_i = desc.sp_stride;
    d_.desc_pad_top_i = desc.pad_top;
    d_.desc_pad_bottom_i = desc.pad_bottom;
    d_.desc_pad_left_i = desc.pad_left;
    d_.desc_pad_right_i = desc.pad_right;
    d_.desc_pad_value_i = desc.pad_value;
  }

  DmaResult run(const DmaDesc& desc, std::uint64_t max_cycles = 2000000) {
    drive(desc);
    d_.desc_valid_i = 1;
    const std::uint64_t limit = sim_.cycle() + max_cycles;
    std::uint64_t start = 0;
    bool accepted = false;
    while (true) {
      if (sim_.cycle() >= limit) {
        throw std::runtime_error("DMA descriptor did not complete in " + std::to_string(max_cycles) +
                                 " cycles (busy=" + std::to_string(int(d_.busy_o)) + ")");
      }
      sim_.settle();
      if (!accepted && d_.desc_ready_o) {
        accepted = true;
        start = sim_.cycle();
        cycle();
        d_.desc_valid_i = 0;
        continue;
      }
      if (accepted && d_.done_o) break;
      cycle();
    }
    DmaResult r;
    r.status = static_cast<DmaStatus>(d_.status_o);
    r.store = d_.status_store_o;
    r.addr = d_.status_addr_o;
    r.cycles = sim_.cycle() - start;
    cycle();
    return r;
  }

  // Hands over every descriptor as soon as the DMA takes it (pipelined) and
  // waits for one completion each; returns the statuses in order.
  std::vector<DmaResult> run_all(const std::vector<DmaDesc>& descs, std::uint64_t max_cycles = 4000000) {
    std::vector<DmaResult> out;
    std::size_t next = 0;
    const std::uint64_t limit = sim_.cycle() + max_cycles;
    while (out.size() < descs.size()) {
      if (sim_.cycle() >= limit) throw std::runtime_error("pipelined descriptors did not complete");
      d_.desc_valid_i = next < descs.size();
      if (next < descs.size()) {
        drive(descs[next]);
      }
      sim_.settle();
      if (d_.done_o) {
        DmaResult r;
        r.status = static_cast<DmaStatus>(d_.status_o);
        r.store = d_.status_store_o;
        r.addr = d_.status_addr_o;
        out.push_back(r);
      }
      if (next < descs.size() && d_.desc_ready_o) ++next;
      cycle();
    }
    d_.desc_valid_i = 0;
    return out;
  }

  // Runs until the bus is quiet (for tests that then look at the monitor).
  void drain(int cycles) {
    for (int i = 0; i < cycles; ++i) cycle();
  }

 private:
  Sim<Model>& sim_;
  Model& d_;
  AxiMem& mem_;
  AxiMonitor& mon_;
  unsigned sp_bytes_;
  unsigned w_;
};

}  // namespace abacus::tb
