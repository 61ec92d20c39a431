// SimDevice: the verilated abacus_top with a C++ AXI memory model, behind
// the Device interface. The clock advances only inside calls (register
// accesses take their bus cycles; wait_done steps until the program ends).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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
  unsigned stall_channels = 0x1f;  // ... or on these: bit i for sim::AxiChannel i (AW, W, B, AR, R)
  unsigned max_stall = 100;
  std::uint64_t seed = 1;
  bool rand_reset = false;         // randomized initial register state
  std::string trace_path;          // FST of the whole accelerator when set
  std::uint64_t trace_start = 0;   // cycle window of the trace
  std::uint64_t trace_end = UINT64_MAX;
  double trace_mhz = 100.0;        // the clock the trace's time axis shows (the boards' CORE_MHZ)
  bool record_writes = false;      // remember which store burst wrote each byte (last_store)
};

// Cycles worth a marker in a trace of a job.
struct TraceMarks {
  std::optional<std::uint64_t> start;  // the first CTRL.START
  std::optional<std::uint64_t> done;   // the last DONE seen
  std::optional<std::uint64_t> error;  // the first DONE with an error, or a timeout
};

// The store burst that last wrote a byte (SimDeviceOptions::record_writes).
struct StoreRecord {
  std::uint64_t cycle;       // the cycle its W beat was taken
  std::uint64_t burst_addr;  // the burst's AW address
};

class SimDevice : public Device {
 public:
  explicit SimDevice(const SimDeviceOptions& opt = {});
  ~SimDevice() override;

  std::string name() const override { return "sim"; }
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  // A register write with AXI4-Lite byte strobes (bit i: byte i); write32 writes all four.
  void write32_strobed(std::uint32_t offset, std::uint32_t value, unsigned strobes);
  std::uint64_t memory_base() const override;
  std::uint64_t memory_size() const override;
  std::uint64_t alloc(std::size_t bytes, std::size_t align = 64) override;
  void free_all() override;
  void free_to(std::uint64_t end) override;
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
  const TraceMarks& marks() const;
  // The trace window in cycles (as asked; the trace ends earlier if the run does).
  std::pair<std::uint64_t, std::uint64_t> trace_window() const;
  std::optional<StoreRecord> last_store(std::uint64_t addr) const;
  // Resets the accelerator once the simulation reaches `cycle`, from inside
  // step()/wait_done (so in the middle of whatever job is running):
  //   hard: rst_ni low for 4 cycles, and the memory model and monitor drop the
  //         transactions in flight (a system reset); a wait_done that spans it
  //         throws DeviceError ("reset during the job");
  //   soft: CTRL.SOFT_RESET written through the register port.
  enum class ResetKind { Hard, Soft };
  void schedule_reset(std::uint64_t cycle, ResetKind kind);
  void cancel_reset();
  std::uint64_t resets_done() const;   // scheduled resets carried out so far
  // Every byte a store wrote since the last clear, with its writer (record_writes).
  std::vector<std::pair<std::uint64_t, StoreRecord>> store_records() const;
  void clear_store_records();
  // The last copy_from_device: where a result came from.
  std::pair<std::uint64_t, std::size_t> last_copy_from() const;
  // Ends the trace (the FST is complete) and writes a GTKWave layout for it
  // (abacus/wave_layout.hpp), opened on the job with markers at START, DONE
  // and the first error, or at `failure` (a cycle the caller names, e.g. the
  // store of a wrong byte, with its label). Returns false if nothing was traced.
  bool write_trace_layout(const std::string& gtkw_path, std::optional<std::uint64_t> failure = std::nullopt,
                          const std::string& failure_label = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace abacus
