// SimDevice: the verilated abacus_top with a C++ AXI memory model, behind
// the Device interface. The clock advances only inside calls (register
// accesses take their bus cycles; wait_done steps until the program ends).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "abacus/device.hpp"

namespace abacus::sim {
class AxiMem;
class AxiMonitor;
}  // namespace abacus::sim

namespace abacus {

struct SimDeviceOptions {
  std::uint64_t memory_base = 0x8000'0000ULL;
  std::uint64_t memory_size = 64ULL << 20;
  unsigned mem_latency = 0;        // cycles from AR to the first R beat (and W to B)
  double bytes_per_cycle = 0.0;    // memory bandwidth limit; 0 = one beat per cycle
  double stall_prob = 0.0;         // random ready/valid stalls on every channel
  unsigned max_stall = 100;
  std::uint64_t seed = 1;
  bool rand_reset = false;         // randomized initial register state
  std::string trace_path;          // FST of the whole accelerator when set
  std::uint64_t trace_start = 0;   // cycle window of the trace
  std::uint64_t trace_end = UINT64_MAX;
};

class SimDevice : public Device {
 public:
  explicit SimDevice(const SimDeviceOptions& opt = {});
  ~SimDevice() override;

  std::string name() const override { return "sim"; }
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  std::uint64_t memory_base() const override;
  std::uint64_t memory_size() const override;
  std::uint64_t alloc(std::size_t bytes, std::size_t align = 64) override;
  void free_all() override;
  std::uint64_t allocated_end() const override;
  void copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) override;
  void copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) override;
  void wait_done(const Timeout& timeout) override;

  // Simulation extras.
  std::uint64_t cycles() const;         // clock cycles simulated
  double sim_seconds() const;           // host time spent simulating
  bool irq() const;                     // the interrupt line now
  void step(std::uint64_t n = 1);       // advance the clock with the bus idle
  sim::AxiMem& memory();
  const sim::AxiMonitor& monitor() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace abacus
