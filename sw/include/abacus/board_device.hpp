// Board backends for the Device interface, written against the real
// kernel drivers' behaviour (docs/fpga.md, "What the drivers rely on"):
//
// XdmaDevice: a PCIe card with the Xilinx XDMA IP (its Linux driver makes
//   /dev/xdmaN_user (AXI-Lite BAR), /dev/xdmaN_h2c_0 and _c2h_0 (DMA to and
//   from card memory, the file offset is the card address) and
//   /dev/xdmaN_events_0 (user interrupt 0)). The card is identified by its
//   PCI device ID in sysfs, which gives the memory its controller decodes;
//   signals are blocked during DMA (the driver aborts a transfer a signal
//   interrupts), a short DMA count is an error, read-only sources are
//   staged, the interrupt must be MSI.
// UioDevice: a SoC with the accelerator's registers as UIO map 0 and a
//   physically contiguous buffer region (reserved memory) as UIO map 1,
//   whose address and size come from sysfs. Both maps are uncached device
//   memory: accessed only with aligned words, with barriers around the
//   register accesses; without an interrupt the driver polls.
//
// Both take an exclusive lock on the device, check ID_MAGIC/ID_VERSION at
// open and refuse what they do not understand, treat all-ones register
// reads as a device that does not respond, check every offset and length
// without overflow, release everything when a constructor throws, and on a
// timeout report the state and recover with a soft reset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "abacus/device.hpp"
#include "abacus/os_io.hpp"

namespace abacus {

// Card memory the accelerator reaches (docs/fpga.md: the address map).
struct CardMemory {
  std::uint64_t base = 0;  // VCU118/VC707 designs: DDR at 0
  std::uint64_t size = 0;
};

// The XDMA boards Abacus's bitstreams run on, by PCI device ID (the
// bitstream sets it: fpga/<board>/ip/xdma.tcl), with the card memory each
// board's controller decodes (higher addresses alias onto low memory).
struct XdmaBoard {
  std::uint16_t device_id;
  const char* name;
  CardMemory memory;
};
const XdmaBoard* find_xdma_board(std::uint16_t device_id);  // nullptr if unknown

// A file descriptor or a mapping, released when it goes out of scope (also
// when a constructor throws half way).
class OsFd {
 public:
  explicit OsFd(OsIo& os) : os_(os) {}
  OsFd(const OsFd&) = delete;
  OsFd& operator=(const OsFd&) = delete;
  ~OsFd() { reset(); }
  void reset(int fd = -1);
  int get() const { return fd_; }

 private:
  OsIo& os_;
  int fd_ = -1;
};
class OsMapping {
 public:
  explicit OsMapping(OsIo& os) : os_(os) {}
  OsMapping(const OsMapping&) = delete;
  OsMapping& operator=(const OsMapping&) = delete;
  ~OsMapping() { reset(); }
  void reset(void* p = nullptr, std::size_t len = 0);
  void* get() const { return p_; }

 private:
  OsIo& os_;
  void* p_ = nullptr;
  std::size_t len_ = 0;
};

// Bump allocator over [base, base + size) with overflow-safe checks.
class CardAllocator {
 public:
  explicit CardAllocator(CardMemory m) : m_(m), next_(m.base) {}
  std::uint64_t alloc(std::size_t bytes, std::size_t align);
  void free_all() { next_ = m_.base; }
  void free_to(std::uint64_t end);
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
  void free_to(std::uint64_t end) override { alloc_.free_to(end); }
  std::uint64_t allocated_end() const override { return alloc_.used_end(); }

 protected:
  explicit BoardDevice(CardMemory mem) : mem_(mem), alloc_(mem) {}
  const CardMemory mem_;
  CardAllocator alloc_;
};

class XdmaDevice : public BoardDevice {
 public:
  // path: the device node prefix, e.g. /dev/xdma0. mem: the card memory to
  // use; by default all that the identified board decodes, and a range
  // beyond it is refused.
  XdmaDevice(const std::string& path, OsIo& os = posix_os(), std::optional<CardMemory> mem = std::nullopt);
  std::string name() const override { return "xdma:" + path_; }
  const XdmaBoard& board() const { return board_; }
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  void copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) override;
  void copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) override;
  void wait_done(const Timeout& timeout) override;

  // Bytes per h2c/c2h call: well under the kernel's per-call cap
  // (MAX_RW_COUNT, 0x7ffff000), so that a short count always means a failed
  // transfer, and short enough that signals held back during a call wait
  // little (they are held per call, not per copy).
  static constexpr std::size_t kDmaChunk = 64u << 20;

 private:
  XdmaDevice(const std::string& path, OsIo& os, const XdmaBoard& board, std::optional<CardMemory> mem);
  void open_node(OsFd& fd, const std::string& suffix, int flags);
  void dma(bool to_card, std::uint64_t addr, std::uint8_t* p, std::size_t n);
  OsIo& os_;
  std::string path_;
  XdmaBoard board_;
  OsFd user_, h2c_, c2h_, events_;
};

struct UioRegion {
  // physical address of UIO map 1: the accelerator uses the CPU's physical
  // addresses (no dma-ranges offset or IOMMU between them)
  std::uint64_t phys_base = 0;
  std::uint64_t size = 0;  // bytes of map 1
};

class UioDevice : public BoardDevice {
 public:
  // path: /dev/uioN; map 0 (4 KiB) registers, map 1 the buffer region.
  // region: what the user expects map 1 to be; it must match sysfs.
  UioDevice(const std::string& path, OsIo& os = posix_os(), std::optional<UioRegion> region = std::nullopt);
  std::string name() const override { return "uio:" + path_; }
  bool has_interrupt() const { return irq_; }
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  void copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) override;
  void copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) override;
  void wait_done(const Timeout& timeout) override;

 private:
  UioDevice(const std::string& path, OsIo& os, UioRegion sysfs, std::optional<UioRegion> region);
  bool irq_control(std::uint32_t on);
  OsIo& os_;
  std::string path_;
  OsFd fd_;
  OsMapping regs_, buf_;
  bool irq_ = true;
};

// The region UIO map M of /dev/uioN describes (/sys/class/uio/uioN/maps/mapM).
UioRegion read_uio_map(OsIo& os, const std::string& dev_path, int map);

// "sim", "xdma:/dev/xdma0[@card_base:size]" or "uio:/dev/uio0[@phys_base:size]".
// Throws DeviceError naming what is wrong.
struct DeviceSpec {
  std::string kind, path;
  std::optional<UioRegion> region;  // the @base:size part
};
DeviceSpec parse_device_spec(const std::string& spec);

}  // namespace abacus
