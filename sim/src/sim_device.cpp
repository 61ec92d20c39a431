#include "abacus/sim_device.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "Vabacus_top.h"
#include "abacus/isa.hpp"
#include "abacus/util.hpp"
#include "abacus/wave_layout.hpp"
#include "common/axi.hpp"
#include "common/axi_ports.hpp"
#include "common/sim.hpp"

namespace abacus {

namespace {
// the verilated model's AXI data width (its DataWidth parameter; the
// constructor checks it against CFG_BUS)
constexpr unsigned kBusBytes = sizeof(std::declval<Vabacus_top&>().axi_rdata_i);
static_assert(kBusBytes == 4 || kBusBytes == 8 || kBusBytes % 16 == 0, "unexpected AXI data port type");
constexpr std::uint64_t kRegTimeout = 1000;

}  // namespace

struct SimDevice::Impl {
  SimDeviceOptions opt;
  std::unique_ptr<sim::Sim<Vabacus_top>> sim;
  std::unique_ptr<sim::AxiMem> mem;
  std::unique_ptr<sim::AxiMonitor> mon;
  std::uint64_t next_free = 0;
  double seconds = 0.0;
  TraceMarks marks;
  std::unordered_map<std::uint64_t, StoreRecord> stores;  // byte -> the store burst that last wrote it
  std::pair<std::uint64_t, std::size_t> last_copy{0, 0};
  std::optional<std::pair<std::uint64_t, ResetKind>> pending_reset;
  std::uint64_t resets = 0;

  Vabacus_top& d() { return sim->dut(); }

  void clock(bool in_reset = false) {
    sim::drive_axi_slave(d(), mem->outputs(), kBusBytes);
    sim->settle();
    const sim::AxiMasterSignals m = sim::sample_axi_master(d(), kBusBytes);
    mon->check(sim->cycle(), in_reset, m, mem->outputs());
    mem->step(m);
    sim->tick();
  }
};

SimDevice::SimDevice(const SimDeviceOptions& opt) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.opt = opt;
  sim::SimOptions so;
  so.name = "abacus_top";
  so.seed = opt.seed;
  so.rand_reset = opt.rand_reset;
  so.trace = !opt.trace_path.empty();
  so.trace_path = opt.trace_path;
  so.trace_start = opt.trace_start;
  so.trace_end = opt.trace_end;
  if (!(opt.trace_mhz > 0.0 && opt.trace_mhz <= 10000.0)) {
    throw DeviceError("SimDevice: trace clock of " + std::to_string(opt.trace_mhz) + " MHz is outside (0, 10000]");
  }
  so.period_ps = static_cast<std::uint64_t>(std::llround(1e6 / opt.trace_mhz));
  s.sim = std::make_unique<sim::Sim<Vabacus_top>>(so);
  sim::AxiMemConfig mc;
  mc.base = opt.memory_base;
  mc.size = opt.memory_size;
  mc.data_bytes = kBusBytes;
  mc.read_latency = opt.mem_latency;
  mc.write_latency = opt.mem_latency;
  mc.bytes_per_cycle = opt.bytes_per_cycle;
  mc.stall_prob = opt.stall_prob;
  mc.stall_channels = opt.stall_channels;
  mc.max_stall = opt.max_stall;
  mc.seed = opt.seed ^ 0x5157;
  s.mem = std::make_unique<sim::AxiMem>(mc);
  if (opt.record_writes) {
    s.mem->on_write = [&s](std::uint64_t beat, std::uint64_t burst, std::uint64_t strobes) {
      for (unsigned i = 0; i < kBusBytes; ++i) {
        if (strobes >> i & 1) s.stores[beat + i] = StoreRecord{s.sim->cycle(), burst};
      }
    };
  }
  sim::AxiMonitorConfig moncfg;
  moncfg.data_bytes = kBusBytes;
  // the outstanding limits come from CFG_OUTSTANDING, read below before any traffic
  s.mon = std::make_unique<sim::AxiMonitor>(moncfg);
  s.next_free = opt.memory_base;

  auto& d = s.d();
  d.s_axil_awvalid_i = 0;
  d.s_axil_wvalid_i = 0;
  d.s_axil_bready_i = 0;
  d.s_axil_arvalid_i = 0;
  d.s_axil_rready_i = 0;
  d.rst_ni = 0;
  for (int i = 0; i < 4; ++i) s.clock(true);
  d.rst_ni = 1;
  s.clock();
  s.sim->start_coverage();
  s.marks = {};
  const std::uint32_t bus_bits = read32(isa::reg::CFG_BUS) & 0xffffu;
  if (bus_bits != kBusBytes * 8) {
    throw DeviceError("SimDevice: the model reports a " + std::to_string(bus_bits) + "-bit bus (CFG_BUS), but its "
                      "AXI port is " + std::to_string(kBusBytes * 8) + " bits");
  }
  // reads in flight: the load DMA's and fetch's share the read channels
  const std::uint32_t out = read32(isa::reg::CFG_OUTSTANDING);
  s.mon->set_max_outstanding((out & 0xffu) + ((out >> 8) & 0xffu), (out >> 16) & 0xffu);
}

SimDevice::~SimDevice() = default;

std::uint32_t SimDevice::read32(std::uint32_t offset) {
  Impl& s = *impl_;
  auto& d = s.d();
  const auto t0 = std::chrono::steady_clock::now();
  d.s_axil_arvalid_i = 1;
  d.s_axil_araddr_i = offset & 0xfff;
  d.s_axil_rready_i = 1;
  bool ar_done = false;
  std::uint32_t data = 0;
  unsigned resp = 0;
  for (std::uint64_t n = 0;; ++n) {
    if (n == kRegTimeout) {
      d.s_axil_arvalid_i = 0;
      d.s_axil_rready_i = 0;
      throw DeviceError("register read at " + hex(offset) + ": no response in " + std::to_string(kRegTimeout) +
                        " cycles");
    }
    s.sim->settle();
    const bool r_done = d.s_axil_rvalid_o && ar_done;
    if (r_done) {
      data = d.s_axil_rdata_o;
      resp = d.s_axil_rresp_o;
    }
    if (!ar_done && d.s_axil_arready_o) ar_done = true;
    s.clock();
    if (ar_done) d.s_axil_arvalid_i = 0;
    if (r_done) break;
  }
  d.s_axil_rready_i = 0;
  s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (resp != 0) {
    throw DeviceError("register read at " + hex(offset) + " answered " + (resp == 2 ? "SLVERR" : "DECERR") +
                      " (no register there)");
  }
  return data;
}

void SimDevice::write32(std::uint32_t offset, std::uint32_t value) { write32_strobed(offset, value, 0xf); }

void SimDevice::write32_strobed(std::uint32_t offset, std::uint32_t value, unsigned strobes) {
  Impl& s = *impl_;
  auto& d = s.d();
  const auto t0 = std::chrono::steady_clock::now();
  if (offset == isa::reg::CTRL && (strobes & 1) && (value & isa::ctrl::START) && !s.marks.start) {
    s.marks.start = s.sim->cycle();
  }
  d.s_axil_awvalid_i = 1;
  d.s_axil_awaddr_i = offset & 0xfff;
  d.s_axil_wvalid_i = 1;
  d.s_axil_wdata_i = value;
  d.s_axil_wstrb_i = strobes & 0xf;
  d.s_axil_bready_i = 1;
  bool aw_done = false;
  unsigned resp = 0;
  for (std::uint64_t n = 0;; ++n) {
    if (n == kRegTimeout) {
      d.s_axil_awvalid_i = d.s_axil_wvalid_i = d.s_axil_bready_i = 0;
      throw DeviceError("register write at " + hex(offset) + ": no response in " +
                        std::to_string(kRegTimeout) + " cycles");
    }
    s.sim->settle();
    const bool b_done = d.s_axil_bvalid_o && aw_done;
    if (b_done) resp = d.s_axil_bresp_o;
    if (!aw_done && d.s_axil_awready_o && d.s_axil_wready_o) aw_done = true;
    s.clock();
    if (aw_done) d.s_axil_awvalid_i = d.s_axil_wvalid_i = 0;
    if (b_done) break;
  }
  d.s_axil_bready_i = 0;
  s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (resp != 0) {
    throw DeviceError("register write at " + hex(offset) + " answered " + (resp == 2 ? "SLVERR" : "DECERR") +
                      " (no register there)");
  }
}

std::uint64_t SimDevice::memory_base() const { return impl_->opt.memory_base; }
std::uint64_t SimDevice::memory_size() const { return impl_->opt.memory_size; }

std::uint64_t SimDevice::alloc(std::size_t bytes, std::size_t align) {
  Impl& s = *impl_;
  if (align == 0 || (align & (align - 1))) throw DeviceError("alloc: alignment " + std::to_string(align) + " is not a power of two");
  const std::uint64_t start = (s.next_free + align - 1) & ~std::uint64_t(align - 1);
  const std::uint64_t end = s.opt.memory_base + s.opt.memory_size;
  if (start > end || bytes > end - start) {
    throw DeviceError("device memory exhausted: asked " + std::to_string(bytes) + " bytes, " +
                      std::to_string(end > start ? end - start : 0) + " free");
  }
  s.next_free = start + bytes;
  return start;
}

void SimDevice::free_all() { impl_->next_free = impl_->opt.memory_base; }
void SimDevice::free_to(std::uint64_t end) {
  if (end < impl_->opt.memory_base || end > impl_->next_free) {
    throw DeviceError("free_to: " + std::to_string(end) + " is not inside the allocated range");
  }
  impl_->next_free = end;
}
std::uint64_t SimDevice::allocated_end() const { return impl_->next_free; }

void SimDevice::copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) {
  if (!impl_->mem->contains(addr, bytes)) {
    throw DeviceError("copy to device: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside device memory");
  }
  std::memcpy(impl_->mem->data() + (addr - impl_->opt.memory_base), src, bytes);
}

void SimDevice::copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) {
  if (!impl_->mem->contains(addr, bytes)) {
    throw DeviceError("copy from device: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside device memory");
  }
  std::memcpy(dst, impl_->mem->data() + (addr - impl_->opt.memory_base), bytes);
  impl_->last_copy = {addr, bytes};
}

void SimDevice::step(std::uint64_t n) {
  Impl& s = *impl_;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < n; ++i) {
    if (s.pending_reset && s.sim->cycle() >= s.pending_reset->first) {
      const ResetKind kind = s.pending_reset->second;
      s.pending_reset.reset();
      ++s.resets;
      if (kind == ResetKind::Soft) {
        write32(isa::reg::CTRL, isa::ctrl::SOFT_RESET);
      } else {
        s.mem->abort_transactions();
        s.mon->reset_state();
        s.d().rst_ni = 0;
        for (int c = 0; c < 4; ++c) s.clock(true);
        s.d().rst_ni = 1;
        s.clock();
      }
    }
    s.clock();
  }
  s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void SimDevice::schedule_reset(std::uint64_t cycle, ResetKind kind) { impl_->pending_reset = std::make_pair(cycle, kind); }
void SimDevice::cancel_reset() { impl_->pending_reset.reset(); }
std::uint64_t SimDevice::resets_done() const { return impl_->resets; }
void SimDevice::clear_store_records() { impl_->stores.clear(); }
std::vector<std::pair<std::uint64_t, StoreRecord>> SimDevice::store_records() const {
  return {impl_->stores.begin(), impl_->stores.end()};
}

void SimDevice::wait_done(const Timeout& timeout) {
  Impl& s = *impl_;
  const std::uint64_t limit = s.sim->cycle() + timeout.sim_cycles;
  const std::uint64_t resets0 = s.resets;
  // The interrupt line is free to watch; STATUS is read every 1024 cycles
  // in case the interrupt is not enabled.
  while (true) {
    std::uint64_t n = 0;
    while (n < 1024 && !s.d().irq_o && s.sim->cycle() < limit) {
      step(1);
      ++n;
      if (s.resets != resets0 && !s.d().irq_o) {
        // a hard reset ends the program without DONE; a soft reset ends it with DONE
        if (!(read32(isa::reg::STATUS) & isa::status::BUSY) && !(read32(isa::reg::STATUS) & isa::status::DONE)) {
          throw DeviceError("the accelerator was reset during the job (cycle " + std::to_string(s.sim->cycle()) + ")");
        }
      }
    }
    const std::uint64_t seen = s.sim->cycle();  // (the interrupt rose, or a poll is due)
    const std::uint32_t st = read32(isa::reg::STATUS);
    if (st & isa::status::DONE) {
      s.marks.done = seen;
      if (isa::status::error(st) != 0 && !s.marks.error) s.marks.error = seen;
      break;
    }
    if (s.sim->cycle() >= limit) {
      if (!s.marks.error) s.marks.error = s.sim->cycle();
      std::ostringstream os;
      os << "timeout after " << timeout.sim_cycles << " cycles: STATUS=" << hex(st)
         << " (busy=" << (st & isa::status::BUSY ? 1 : 0) << ") PC=" << read32(isa::reg::PC)
         << " ENGINE_STATE=" << hex(read32(isa::reg::ENGINE_STATE))
         << " (bits: fetch, load, compute, store busy; [15:8] load->compute tokens, [23:16] compute->store)";
      throw TimeoutError(os.str());
    }
  }
  if (!s.mon->violations().empty()) {
    throw DeviceError("AXI protocol violations on the memory bus:\n" + s.mon->report());
  }
}

std::uint64_t SimDevice::cycles() const { return impl_->sim->cycle(); }
double SimDevice::sim_seconds() const { return impl_->seconds; }
bool SimDevice::irq() const { return impl_->sim->dut().irq_o; }
sim::AxiMem& SimDevice::memory() { return *impl_->mem; }
const sim::AxiMonitor& SimDevice::monitor() const { return *impl_->mon; }
const TraceMarks& SimDevice::marks() const { return impl_->marks; }
std::pair<std::uint64_t, std::uint64_t> SimDevice::trace_window() const {
  return {impl_->sim->options().trace_start, impl_->sim->options().trace_end};
}
std::pair<std::uint64_t, std::size_t> SimDevice::last_copy_from() const { return impl_->last_copy; }

std::optional<StoreRecord> SimDevice::last_store(std::uint64_t addr) const {
  const auto it = impl_->stores.find(addr);
  if (it == impl_->stores.end()) return std::nullopt;
  return it->second;
}

bool SimDevice::write_trace_layout(const std::string& gtkw_path, std::optional<std::uint64_t> failure,
                                   const std::string& failure_label) {
  Impl& s = *impl_;
  if (!s.sim->tracing()) return false;
  s.sim->close_trace();
  const sim::SimOptions& so = s.sim->options();
  wave::View v;
  v.period_ps = so.period_ps;
  const std::uint64_t first = so.trace_start, last = std::min<std::uint64_t>(so.trace_end, s.sim->cycle());
  // open on the job (START to DONE, or to the error), inside what was traced
  const std::uint64_t job0 = s.marks.start.value_or(first);
  const std::uint64_t job1 = s.marks.done ? *s.marks.done : s.marks.error.value_or(last);
  v.first_cycle = std::clamp<std::uint64_t>(job0 > 20 ? job0 - 20 : 0, first, last);
  v.last_cycle = std::clamp<std::uint64_t>(job1 + 20, v.first_cycle + 1, std::max(last, v.first_cycle + 1));
  auto inside = [&](std::optional<std::uint64_t> c) -> std::optional<std::uint64_t> {
    if (c && *c >= first && *c <= last) return c;
    return std::nullopt;
  };
  v.start = inside(s.marks.start);
  v.done = inside(s.marks.done);
  v.error = inside(failure ? failure : s.marks.error);
  if (failure && v.error) {  // open on the failure: what led to it, and a little after
    v.first_cycle = std::max<std::uint64_t>(first, *failure > 400 ? *failure - 400 : 0);
    v.last_cycle = std::max<std::uint64_t>(std::min<std::uint64_t>(last, *failure + 100), v.first_cycle + 1);
  }
  if (failure && !failure_label.empty()) v.error_label = failure_label;
  wave::write_gtkw(wave::accelerator(), s.opt.trace_path, v, gtkw_path);
  return true;
}

}  // namespace abacus
