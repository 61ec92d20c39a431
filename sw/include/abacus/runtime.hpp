// Abacus runtime: reads the hardware configuration from the device, runs
// programs, and tiles int8 GEMM onto whatever geometry it finds.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "abacus/device.hpp"
#include "abacus/program.hpp"
#include "abacus/ref/quant.hpp"

namespace abacus {

struct HwConfig {
  std::uint32_t version = 0;
  unsigned rows = 0, cols = 0;
  unsigned ibuf_rows = 0, wbuf_rows = 0, acc_rows = 0, obuf_rows = 0, pbuf_slots = 0;
  unsigned bus_bits = 0, insn_bytes = 0;
  std::uint32_t wbuf_sp_base = 0, pbuf_sp_base = 0;  // scratchpad byte addresses
  std::uint32_t build_id = 0;
  // AXI bursts in flight at most (CFG_OUTSTANDING)
  unsigned load_max_reads = 0, fetch_max_reads = 0, store_max_writes = 0;
};

// Reads and checks the ID block: throws DeviceError for a device that does
// not answer (all ones), is not Abacus, or has a version this runtime does
// not understand.
HwConfig read_config(Device& dev);

struct PerfCounters {
  std::uint64_t cycles = 0, macs = 0, bytes_read = 0, bytes_written = 0;
  std::uint32_t load_busy = 0, load_stall = 0, compute_busy = 0, compute_stall = 0;
  std::uint32_t store_busy = 0, store_stall = 0;
  // the counters of several programs, summed (the one place they are added)
  PerfCounters& operator+=(const PerfCounters& o);
};
PerfCounters read_perf(Device& dev);

// A program ended with STATUS.ERROR set.
class ProgramError : public DeviceError {
 public:
  ProgramError(const std::string& what, std::uint32_t code, std::uint64_t addr, std::uint32_t pc, bool store)
      : DeviceError(what), code(code), addr(addr), pc(pc), store(store) {}
  std::uint32_t code;
  std::uint64_t addr;
  std::uint32_t pc;
  bool store;
};

// Writes the program to device memory, sets the DMA window to all of device
// memory, starts it, waits, and throws ProgramError if STATUS reports one.
void run_program(Device& dev, const Program& prog, const Timeout& timeout = {});

struct GemmProblem {
  int m = 0, n = 0, k = 0;
  const std::int8_t* a = nullptr;  // M x K, row-major
  const std::int8_t* b = nullptr;  // K x N, row-major
  std::int32_t zp_a = 0;           // activation zero point (folded into the bias)
  ref::OutputStage os;             // per-output-channel bias, scale (either mode); zp_out; clamp
};

struct GemmStats {
  PerfCounters perf;
  std::uint64_t estimated_cycles = 0;  // the schedule's cycle model (docs/architecture.md)
  std::uint64_t dram_bytes = 0;        // bytes the program moves (loads + stores), for the roofline
  std::size_t instructions = 0;
  int programs = 0;
  // a fused expansion and depthwise pair: the image rows made at once and
  // the output rows a STORE (0: not fused)
  int fused_band = 0, fused_store_rows = 0;
  GemmStats& operator+=(const GemmStats& o);
};

namespace detail {
// A GEMM as the hardware runs it: M output rows, N output channels, K in kt
// tiles of Rows (padded layout), packed weights, folded bias, and a loader
// that fills the activation buffer for a block of output rows (row i of
// the block at sp_base + i*pitch, pitch = kt*Rows bytes).
struct Lowered {
  int m = 0, n = 0, kt = 0;
  const std::int8_t* bp = nullptr;  // [ceil(n/Cols)][kt*Rows][Cols]
  std::vector<std::int32_t> bias, mult, shift;  // mult: Q31 multipliers or binary32 scales' bits
  bool float_scale = false;                    // requantize in the float32 mode
  int zp_out = 0, act_min = -128, act_max = 127;
  std::uint64_t c_addr = 0;  // output row r, channel n at c_addr + r*ldc + n
  std::uint32_t ldc = 0;
  std::function<void(int m0, int mt, std::uint32_t sp_base, std::uint32_t pitch, std::vector<LoadArgs>& out)> load_rows;
};
// Cycle model of one LOAD or STORE descriptor on the DMA (docs/architecture.md,
// "Cycle model"): the memory latency the caller expects, the bus width the
// device reports.
struct CycleModel {
  unsigned mem_latency = 0;  // cycles from request to first data
  // the device's: Session sets them from CFG_BUS and CFG_OUTSTANDING
  unsigned bus_bytes = 0;
  unsigned max_reads = 0, max_writes = 0;
  // (read_idle, if given: the cycles of the LOAD's time in which the read
  // channel carries none of its beats: too few of its bursts in flight to
  // cover the latency, or the splitter or the write-back the slower)
  std::uint64_t load(const LoadArgs& a, std::uint64_t* read_idle = nullptr) const;
  // A program's start: its first instructions' read, fetch's range check
  // (4 cycles) and its entry and buffer stages until the first dispatch.
  std::uint64_t fetch() const { return mem_latency + 8; }
  // A LOAD's data in the scratchpad, from the end of its requests: the
  // memory latency and the read path's own stages (the DMA's operation
  // queue, the read buffer's head, the write-back's rotation and write
  // registers, the completion's count): 6 since the stages of issue 13's
  // ninth round, 4 before.
  std::uint64_t load_data_in() const { return mem_latency + 6; }
  // A STORE's descriptor on the store DMA: the cycles from its first
  // burst until its last write data is out, then until the last response.
  struct StoreDma {
    std::uint64_t gen = 0, tail = 0;
  };
  StoreDma store_dma(const StoreArgs& s) const;
};
// The store engine and the store DMA over a program's STOREs, in program
// order (docs/architecture.md, "Cycle model"): a STORE's parameters load
// while its output buffer rows are still read by an outstanding
// descriptor, its drain starts once they are free (STOREs of at most a
// quarter of obuf take the quarters in turn, those of at most a half the
// next half, larger ones the whole buffer), and the DMA takes its
// descriptor once the one before has issued its bursts.
class StoreTimeline {
 public:
  StoreTimeline(const CycleModel& m, unsigned obuf_rows) : m_(m), quarter_(obuf_rows / 4) {}
  struct Times {
    std::uint64_t drained = 0;  // store->compute given: the accumulator rows are free
    std::uint64_t done = 0;     // the last write answered
  };
  // ready: when its compute->store token is there
  Times add(const StoreArgs& s, std::uint64_t ready);
  std::uint64_t end() const { return end_; }
  // when the engine takes the next STORE from its queue (it waits for the
  // token after taking it)
  std::uint64_t engine_free() const { return engine_; }

 private:
  const CycleModel& m_;
  std::uint64_t quarter_;
  std::uint64_t engine_ = 0;  // the engine takes the next STORE
  std::uint64_t dma_ = 0;     // the DMA takes the next descriptor
  std::uint64_t gen_ = 0;     // the DMA's data generator has sent the last descriptor's data
  std::uint64_t quarter_free_[4] = {0, 0, 0, 0};
  unsigned next_ = 0;         // the quarter the next STORE starts at (or after)
  std::uint64_t end_ = 0;
};
// (dry: the programs built and estimated, not run; perf stays zero)
GemmStats run_lowered(Device& dev, const HwConfig& hw, const CycleModel& model, const Lowered& lowered,
                      const Timeout& timeout, bool dry = false);
// Parameter slots for column blocks nb0..nb0+nt-1 of L (bias, multiplier,
// shift: Cols int32 each), as LOAD writes them into pbuf.
std::vector<std::uint8_t> pack_params(const Lowered& L, int nb0, int nt, int cols);
std::vector<std::int8_t> pack_weights(int k, int n, int kt, int rows, int cols,
                                      const std::function<std::int8_t(int, int)>& w,
                                      const std::function<int(int)>& k_row, std::vector<std::uint32_t>& colsum);
}  // namespace detail

// A device with its configuration read once (read_config) and the cycle
// model its estimates use: what a program running many jobs on one device
// holds (the abacus CLI, the benchmark suite).
class Session {
 public:
  // mem_latency: the memory latency the estimates assume (cycles)
  explicit Session(Device& dev, unsigned mem_latency = 0);
  Device& device() const { return dev_; }
  const HwConfig& config() const { return hw_; }
  const detail::CycleModel& cycle_model() const { return model_; }

 private:
  Device& dev_;
  HwConfig hw_;
  detail::CycleModel model_;
};

// C (M x N, row-major) = the quantized GEMM on the device, bit-exact with
// ref::gemm_i8. Throws std::invalid_argument for impossible problems and
// DeviceError/ProgramError for device failures. The Device form opens a
// session for the one call (reads the configuration).
GemmStats gemm(Session& s, const GemmProblem& p, std::int8_t* c, const Timeout& timeout = {});
GemmStats gemm(Device& dev, const GemmProblem& p, std::int8_t* c, const Timeout& timeout = {});

}  // namespace abacus
