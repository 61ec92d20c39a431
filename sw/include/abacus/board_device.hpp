// Board backends for the Device interface.
//
// XdmaDevice: a PCIe card with the Xilinx XDMA IP (its Linux driver makes
//   /dev/xdmaN_user (AXI-Lite BAR), /dev/xdmaN_h2c_0 and _c2h_0 (DMA to and
//   from card memory, the file offset is the card address) and
//   /dev/xdmaN_events_0 (user interrupt 0)).
// UioDevice: a SoC with the accelerator's registers as UIO map 0 and a
//   physically contiguous buffer region (reserved memory) as UIO map 1.
//
// Both check ID_MAGIC/ID_VERSION at open and refuse what they do not
// understand, treat all-ones register reads as a device that does not
// respond, retry EINTR, never take a short transfer as success, check every
// offset and length without overflow, and on a timeout report the state
// and recover with a soft reset.
#pragma once

#include <cstdint>
#include <string>

#include "abacus/device.hpp"
#include "abacus/os_io.hpp"

namespace abacus {

// Card memory the accelerator reaches (docs/fpga.md: the address map).
struct CardMemory {
  std::uint64_t base = 0;         // VCU118/VC707 reference designs: DDR at 0
  std::uint64_t size = 2ULL << 30;
};

// Bump allocator over [base, base + size) with overflow-safe checks.
class CardAllocator {
 public:
  explicit CardAllocator(CardMemory m) : m_(m), next_(m.base) {}
  std::uint64_t alloc(std::size_t bytes, std::size_t align);
  void free_all() { next_ = m_.base; }
  std::uint64_t used_end() const { return next_; }
  // [addr, addr+n) lies inside the memory (no wrap)
  bool contains(std::uint64_t addr, std::uint64_t n) const;

 private:
  CardMemory m_;
  std::uint64_t next_;
};

// What the board drivers share: card memory [base, base + size) as the
// accelerator sees it, and the allocator the runtime takes job buffers from.
class BoardDevice : public Device {
 public:
  std::uint64_t memory_base() const override { return mem_.base; }
  std::uint64_t memory_size() const override { return mem_.size; }
  std::uint64_t alloc(std::size_t bytes, std::size_t align = 64) override { return alloc_.alloc(bytes, align); }
  void free_all() override { alloc_.free_all(); }
  std::uint64_t allocated_end() const override { return alloc_.used_end(); }

 protected:
  explicit BoardDevice(CardMemory mem) : mem_(mem), alloc_(mem) {}
  const CardMemory mem_;
  CardAllocator alloc_;
};

class XdmaDevice : public BoardDevice {
 public:
  // path: the device node prefix, e.g. /dev/xdma0
  XdmaDevice(const std::string& path, OsIo& os = posix_os(), CardMemory mem = {});
  ~XdmaDevice() override;
  std::string name() const override { return "xdma:" + path_; }
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  void copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) override;
  void copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) override;
  void wait_done(const Timeout& timeout) override;

 private:
  int open_node(const std::string& suffix, int flags);
  OsIo& os_;
  std::string path_;
  int user_ = -1, h2c_ = -1, c2h_ = -1, events_ = -1;
};

struct UioRegion {
  std::uint64_t phys_base = 0;  // bus address of UIO map 1 as the accelerator sees it
  std::uint64_t size = 0;       // bytes of map 1
};

class UioDevice : public BoardDevice {
 public:
  // path: /dev/uioN; map 0 (4 KiB) registers, map 1 the buffer region
  UioDevice(const std::string& path, OsIo& os = posix_os(), UioRegion region = {});
  ~UioDevice() override;
  std::string name() const override { return "uio:" + path_; }
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  void copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) override;
  void copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) override;
  void wait_done(const Timeout& timeout) override;

 private:
  OsIo& os_;
  std::string path_;
  int fd_ = -1;
  void* regs_ = nullptr;
  std::uint8_t* buf_ = nullptr;
};

// "sim", "xdma:/dev/xdma0[@card_base:size]" or "uio:/dev/uio0@phys_base:size".
// Throws DeviceError naming what is wrong.
struct DeviceSpec {
  std::string kind, path;
  UioRegion uio;          // the @base:size part
  bool has_region = false;
};
DeviceSpec parse_device_spec(const std::string& spec);

}  // namespace abacus
