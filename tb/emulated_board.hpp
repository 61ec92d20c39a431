// An OsIo that behaves like the XDMA and UIO device nodes of a board
// carrying Abacus, backed by SimDevice, with failure injection. The board
// drivers run their real code paths over it.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include "abacus/isa.hpp"
#include "abacus/os_io.hpp"
#include "abacus/sim_device.hpp"
#include "common/axi.hpp"

namespace abacus::tb {

class EmulatedBoard : public OsIo {
 public:
  explicit EmulatedBoard(SimDevice& sim, std::string xdma = "/dev/xdma0", std::string uio = "/dev/uio0")
      : sim_(sim), xdma_(std::move(xdma)), uio_(std::move(uio)) {}

  // failure injection
  int short_every = 0;       // every Nth transfer moves at most half its bytes
  int eintr_every = 0;       // every Nth call fails with EINTR
  bool all_ones = false;     // every register reads 0xffffffff (link down)
  bool wrong_magic = false;  // ID_MAGIC reads something else
  bool no_interrupt = false; // the event/interrupt never fires
  std::uint64_t cycles_per_ms = 2000;  // simulated clock per millisecond of poll

  int open(const std::string& path, int) override {
    if (path == xdma_ + "_user") return kUser;
    if (path == xdma_ + "_h2c_0") return kH2c;
    if (path == xdma_ + "_c2h_0") return kC2h;
    if (path == xdma_ + "_events_0") return kEvents;
    if (path == uio_) return kUio;
    return fail(ENOENT);
  }
  int close(int) override { return 0; }
  ssize_t pread(int fd, void* buf, std::size_t n, off_t off) override {
    if (inject_eintr()) return fail(EINTR);
    if (fd == kUser) {
      if (n != 4) return fail(EINVAL);
      const std::uint32_t v = reg(static_cast<std::uint32_t>(off));
      const std::size_t k = inject_short() ? 2 : 4;
      std::memcpy(buf, &v, k);
      return static_cast<ssize_t>(k);
    }
    if (fd == kC2h) {
      const std::size_t k = inject_short() ? n / 2 : n;
      sim_.copy_from_device(buf, static_cast<std::uint64_t>(off), k);
      return static_cast<ssize_t>(k);
    }
    return fail(EBADF);
  }
  ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t off) override {
    if (inject_eintr()) return fail(EINTR);
    if (fd == kUser) {
      if (n != 4) return fail(EINVAL);
      if (inject_short()) return 2;
      std::uint32_t v;
      std::memcpy(&v, buf, 4);
      sim_.write32(static_cast<std::uint32_t>(off), v);
      return 4;
    }
    if (fd == kH2c) {
      const std::size_t k = inject_short() ? n / 2 : n;
      sim_.copy_to_device(static_cast<std::uint64_t>(off), buf, k);
      return static_cast<ssize_t>(k);
    }
    return fail(EBADF);
  }
  ssize_t read(int fd, void* buf, std::size_t n) override {
    if (inject_eintr()) return fail(EINTR);
    if ((fd != kEvents && fd != kUio) || n != 4) return fail(EINVAL);
    const std::uint32_t count = ++events_;
    std::memcpy(buf, &count, 4);
    return 4;
  }
  ssize_t write(int fd, const void*, std::size_t n) override {
    if (inject_eintr()) return fail(EINTR);
    return fd == kUio && n == 4 ? 4 : fail(EINVAL);
  }
  int poll_in(int, int timeout_ms) override {
    if (inject_eintr()) return fail(EINTR);
    const std::uint64_t budget = static_cast<std::uint64_t>(timeout_ms) * cycles_per_ms;
    for (std::uint64_t i = 0; i < budget; i += 64) {
      if (sim_.irq() && !no_interrupt) return 1;
      sim_.step(64);
    }
    return sim_.irq() && !no_interrupt ? 1 : 0;
  }
  void* mmap(std::size_t len, int fd, off_t off) override {
    if (fd != kUio) {
      fail(EBADF);
      return nullptr;
    }
    if (off == 0) return &regs_token_;
    if (len > sim_.memory_size()) {
      fail(EINVAL);
      return nullptr;
    }
    return sim_.memory().data();  // map 1: the buffer region is the device memory
  }
  int munmap(void*, std::size_t) override { return 0; }
  std::uint32_t mmio_read32(void*, std::uint32_t off) override { return reg(off); }
  void mmio_write32(void*, std::uint32_t off, std::uint32_t v) override { sim_.write32(off, v); }
  int err() const override { return err_; }

 private:
  static constexpr int kUser = 3, kH2c = 4, kC2h = 5, kEvents = 6, kUio = 7;
  std::uint32_t reg(std::uint32_t off) {
    if (all_ones) return 0xffffffffu;
    if (wrong_magic && off == isa::reg::ID_MAGIC) return 0x12345678u;
    return sim_.read32(off);
  }
  bool inject_short() { return short_every && ++shorts_ % short_every == 0; }
  bool inject_eintr() { return eintr_every && ++eintrs_ % eintr_every == 0; }
  int fail(int e) {
    err_ = e;
    return -1;
  }
  SimDevice& sim_;
  std::string xdma_, uio_;
  int err_ = 0;
  int shorts_ = 0, eintrs_ = 0;
  std::uint32_t events_ = 0;
  int regs_token_ = 0;
};

}  // namespace abacus::tb
