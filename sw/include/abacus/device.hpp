// The one interface every Abacus backend implements: the verilated model
// (SimDevice), a PCIe board through XDMA, a SoC through UIO.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace abacus {

// Any failure talking to a device: names what and where.
class DeviceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The program did not finish in time; what() carries the state registers.
class TimeoutError : public DeviceError {
 public:
  using DeviceError::DeviceError;
};

struct Timeout {
  std::uint64_t sim_cycles = 50'000'000;  // simulation: clock cycles
  std::uint32_t ms = 10'000;              // hardware: wall-clock milliseconds
};

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string name() const = 0;

  // 32-bit control registers (byte offsets from abacus::isa::reg).
  virtual std::uint32_t read32(std::uint32_t offset) = 0;
  virtual void write32(std::uint32_t offset, std::uint32_t value) = 0;

  // Device memory: [memory_base, memory_base + memory_size) is what the
  // accelerator's DMA can reach. alloc() hands out aligned ranges of it;
  // free_all() returns every range.
  virtual std::uint64_t memory_base() const = 0;
  virtual std::uint64_t memory_size() const = 0;
  virtual std::uint64_t alloc(std::size_t bytes, std::size_t align = 64) = 0;
  virtual void free_all() = 0;
  // Returns what alloc() handed out after allocated_end() was `end` (a value
  // it returned since the last free_all()); throws DeviceError otherwise.
  // Buffers below `end` stay (a network's activations across its layers).
  virtual void free_to(std::uint64_t end) = 0;
  // End of what alloc() has handed out since free_all(): a job's buffers lie
  // in [memory_base(), allocated_end()), and the DMA window is set to that.
  virtual std::uint64_t allocated_end() const = 0;
  virtual void copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) = 0;
  virtual void copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) = 0;

  // Blocks until STATUS.DONE, or throws TimeoutError naming the state.
  virtual void wait_done(const Timeout& timeout) = 0;
};

}  // namespace abacus
