// An OsIo that behaves like the kernel side of a board carrying Abacus --
// the XDMA driver's device nodes (Xilinx dma_ip_drivers, XDMA/linux-kernel)
// or a UIO device from uio_pdrv_genirq -- backed by SimDevice, with failure
// injection. The board drivers run their real code paths over it.
//
// It is written from the drivers' implemented behaviour and is at least as
// strict as they are (docs/fpga.md, "What the drivers rely on"):
// XDMA
//   - user node: pread/pwrite move exactly 4 bytes at a 4-aligned offset
//     (EPROTO otherwise); no poll of its own (poll reports readable at once,
//     like every node without .poll: h2c, c2h, user).
//   - events_0: one latched flag, set by a rising edge of the interrupt (MSI),
//     reported by poll, returned (as 1) and cleared by a 4-byte read (EPROTO
//     for any other size); a read with nothing latched blocks with no
//     timeout -- here: the emulation steps the device for a long while and
//     then reports that the real call would never have returned.
//   - h2c/c2h: the source pages are pinned for writing, so a read-only
//     source fails with EFAULT; a signal that is not blocked in the calling
//     thread aborts the transfer, never EINTR; the result is the bytes of
//     the sub-transfers (0x800 descriptors: 8 MiB of 4 KiB pages) completed
//     before it, or ETIMEDOUT when none was; an engine error likewise, or
//     EIO; calls are capped at MAX_RW_COUNT; each node only in the
//     direction it was opened for (EBADF).
//   - the board's address map: the memory controller decodes 31 bits
//     (VCU118) or 30 (VC707); higher addresses alias onto low memory.
//   - sysfs: /sys/class/xdma/xdma0_user/device/{vendor,device,msi_irqs/}.
// UIO
//   - read/write exactly 4 bytes (EINVAL); write(v) enables the interrupt
//     for v != 0, disables it for 0; the handler disables it on every
//     interrupt (the line is level: it fires again once re-enabled while
//     still asserted); poll/read see the device's event count against the
//     count this open file last read; without an interrupt read/write give
//     EIO and poll POLLERR (-1/EIO here).
//   - mmap: the offset must be a page multiple, N pages selects map N, the
//     length may not exceed the map; both maps are uncached device memory:
//     the mappings handed out are inaccessible to the CPU (PROT_NONE), so a
//     memcpy faults as an unaligned access would on arm64, and only aligned
//     mmio_* accesses reach the device.
//   - ordering: a register write that follows buffer writes, or a buffer
//     read that follows a register read, with no barrier between, is an
//     error (arm64 reorders device-memory accesses to different devices).
//   - sysfs: /sys/class/uio/uio0/{name,maps/map{0,1}/{addr,size,offset}},
//     addr and size as "%pa"; mmap needs a descriptor opened read-write.
// Both: flock(LOCK_EX|LOCK_NB) per node (per inode, as the kernel's);
// open descriptors and mappings are counted, so a test can see a leak.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "abacus/isa.hpp"
#include "abacus/os_io.hpp"
#include "abacus/sim_device.hpp"
#include "abacus/util.hpp"

namespace abacus::tb {

// the harnesses build on the simulation layer (sim/common)
using namespace abacus::sim;

// What the real system would have done instead: a fault, a hang.
class EmulationViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class EmulatedBoard : public OsIo {
 public:
  enum class Board { vcu118, vc707 };
  // sim: the accelerator and the memory behind it; for XDMA the sim's memory
  // must start at card address 0 (the boards' DDR), for UIO anywhere (the
  // region's bus address).
  explicit EmulatedBoard(SimDevice& sim, Board board = Board::vcu118, std::string xdma = "/dev/xdma0",
                         std::string uio = "/dev/uio0")
      : sim_(sim), xdma_(std::move(xdma)), uio_(std::move(uio)) {
    const std::string pci = "/sys/class/xdma/" + base(xdma_) + "_user/device/";
    files_[pci + "vendor"] = "0x10ee\n";
    files_[pci + "device"] = board == Board::vcu118 ? "0x9038\n" : "0x7028\n";
    decode_bits_ = board == Board::vcu118 ? 31 : 30;
    msi_dir_ = pci + "msi_irqs";
    const std::string maps = "/sys/class/uio/" + base(uio_) + "/maps/";
    files_["/sys/class/uio/" + base(uio_) + "/name"] = "abacus\n";
    files_[maps + "map0/addr"] = pa(0xa0000000ULL);
    files_[maps + "map0/size"] = pa(0x1000);
    files_[maps + "map0/offset"] = "0x0\n";
    files_[maps + "map1/addr"] = pa(sim.memory_base());
    files_[maps + "map1/size"] = pa(sim.memory_size());
    files_[maps + "map1/offset"] = "0x0\n";
  }
  ~EmulatedBoard() override {
    for (auto& m : maps_) ::munmap(m.first, m.second.len);
  }

  // ---- failure injection
  int short_every = 0;        // user node: every Nth register access moves 2 bytes (a broken driver)
  int dma_fail_every = 0;     // every Nth DMA call meets an engine error
  int abort_next = 0;         // the next N DMA calls are aborted (SIGSTOP, the freezer: what cannot be held)
  int eintr_every = 0;        // every Nth interruptible call (open, poll, events/UIO read) fails with EINTR
  int signal_during_dma = 0;  // this signal arrives during every DMA call
  bool all_ones = false;      // every register reads 0xffffffff (link down)
  bool wrong_magic = false;   // ID_MAGIC reads something else
  bool no_interrupt = false;  // the interrupt line never rises
  bool intx = false;          // XDMA in legacy interrupt mode: msi_irqs is empty
  bool uio_irq = true;        // the UIO device has an interrupt
  bool uio_irqcontrol = true; // ...and interrupt control (uio_pdrv_genirq has; without: write gives ENOSYS)
  std::uint64_t cycles_per_ms = 2000;  // simulated clock per millisecond of waiting
  // how long a read that would block forever runs the device before it is
  // reported as such (a job still running finishes well within it)
  std::uint64_t forever_cycles = 5'000'000;
  void set_file(const std::string& path, const std::string& text) { files_[path] = text; }
  void remove_file(const std::string& path) { files_.erase(path); }

  // ---- what a test can check afterwards
  int open_fds() const { return static_cast<int>(fds_.size()); }
  int live_mappings() const { return static_cast<int>(maps_.size()); }
  int interrupts_seen() const { return interrupts_seen_; }  // events a driver read
  // waits that timed out while the device's interrupt line was asserted:
  // the driver waited on an interrupt it had not enabled, or on the wrong node
  int missed_interrupts() const { return missed_; }

  // ---- OsIo
  int open(const std::string& path, int flags) override {
    if (inject(eintr_every, eintrs_)) return fail(EINTR);
    Node n;
    if (path == xdma_ + "_user") n = Node::user;
    else if (path == xdma_ + "_h2c_0") n = Node::h2c;
    else if (path == xdma_ + "_c2h_0") n = Node::c2h;
    else if (path == xdma_ + "_events_0") n = Node::events;
    else if (path == uio_) n = Node::uio;
    else return fail(ENOENT);
    const int fd = next_fd_++;
    fds_[fd] = {n, uio_count_, flags & O_ACCMODE};
    return fd;
  }
  int close(int fd) override {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return fail(EBADF);
    for (auto l = locks_.begin(); l != locks_.end();) l = l->second == fd ? locks_.erase(l) : std::next(l);
    fds_.erase(it);
    return 0;
  }
  int lock_exclusive(int fd) override {
    const File* f = file(fd);
    if (!f) return fail(EBADF);
    auto it = locks_.find(f->node);  // flock is per inode: per node
    if (it != locks_.end() && it->second != fd) return fail(EWOULDBLOCK);
    locks_[f->node] = fd;
    return 0;
  }
  bool read_text(const std::string& path, std::string& out) override {
    auto it = files_.find(path);
    if (it == files_.end()) {
      fail(ENOENT);
      return false;
    }
    out = it->second;
    return true;
  }
  bool list_dir(const std::string& path, std::vector<std::string>& names) override {
    if (path != msi_dir_) {
      fail(ENOENT);
      return false;
    }
    names.clear();
    if (!intx) names.push_back("57");
    return true;
  }
  long page_size() override { return 4096; }

  ssize_t pread(int fd, void* buf, std::size_t n, off_t off) override {
    const File* f = file(fd);
    if (!f || f->mode == O_WRONLY) return fail(EBADF);
    if (f->node == Node::user) {
      if (off & 3) return fail(EPROTO);
      const std::uint32_t v = reg(static_cast<std::uint32_t>(off));
      const std::size_t k = inject(short_every, shorts_) ? 2 : 4;  // the real node always moves 4
      std::memcpy(buf, &v, std::min(k, n));
      return static_cast<ssize_t>(k);
    }
    if (f->node == Node::c2h) return dma(false, static_cast<std::uint8_t*>(buf), n, off);
    if (f->node == Node::events) return fail(EPROTO);
    return fail(EINVAL);
  }
  ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t off) override {
    const File* f = file(fd);
    if (!f) return fail(EBADF);
    if (f->mode == O_RDONLY) return fail(EBADF);
    if (f->node == Node::user) {
      if (off & 3) return fail(EPROTO);
      if (inject(short_every, shorts_)) return 2;
      std::uint32_t v = 0;
      std::memcpy(&v, buf, std::min<std::size_t>(n, 4));
      reg_write(static_cast<std::uint32_t>(off), v);
      return 4;
    }
    if (f->node == Node::h2c) return dma(true, const_cast<std::uint8_t*>(static_cast<const std::uint8_t*>(buf)), n, off);
    return fail(EINVAL);
  }
  ssize_t read(int fd, void* buf, std::size_t n) override {
    File* f = file(fd);
    if (!f || f->mode == O_WRONLY) return fail(EBADF);
    if (f->node == Node::events) {
      if (n != 4) return fail(EPROTO);
      if (inject(eintr_every, eintrs_)) return fail(EINTR);
      if (!latched_) {  // blocks with no timeout until an interrupt
        for (std::uint64_t i = 0; i < forever_cycles && !latched_; i += 64) step(64);
        if (!latched_) {
          throw EmulationViolation(xdma_ + "_events_0: read with no interrupt latched and none coming: the real "
                                   "read blocks forever (poll events_0 first)");
        }
      }
      latched_ = false;
      const std::uint32_t one = 1;
      std::memcpy(buf, &one, 4);
      ++interrupts_seen_;
      return 4;
    }
    if (f->node == Node::uio) {
      if (n != 4) return fail(EINVAL);
      if (!uio_irq) return fail(EIO);
      if (inject(eintr_every, eintrs_)) return fail(EINTR);
      for (std::uint64_t i = 0; i < forever_cycles && uio_count_ == f->seen; i += 64) step(64);
      if (uio_count_ == f->seen) {
        throw EmulationViolation(uio_ + ": read with no interrupt enabled and pending: the real read blocks forever");
      }
      f->seen = uio_count_;
      std::memcpy(buf, &uio_count_, 4);
      ++interrupts_seen_;
      return 4;
    }
    return fail(EINVAL);
  }
  ssize_t write(int fd, const void* buf, std::size_t n) override {
    const File* f = file(fd);
    if (!f) return fail(EBADF);
    if (f->mode == O_RDONLY) return fail(EBADF);
    if (f->node != Node::uio) return fail(EINVAL);
    if (n != 4) return fail(EINVAL);
    if (!uio_irq) return fail(EIO);
    if (!uio_irqcontrol) return fail(ENOSYS);
    std::int32_t v;
    std::memcpy(&v, buf, 4);
    uio_irq_enabled_ = v != 0;
    sample_irq();
    return 4;
  }
  int poll_in(int fd, int timeout_ms) override {
    File* f = file(fd);
    if (!f) return fail(EBADF);
    if (inject(eintr_every, eintrs_)) return fail(EINTR);
    if (f->node == Node::user || f->node == Node::h2c || f->node == Node::c2h) return 1;  // no .poll: ready at once
    if (f->node == Node::uio && !uio_irq) return fail(EIO);                                  // POLLERR
    auto ready = [&] { return f->node == Node::events ? latched_ : uio_count_ != f->seen; };
    const std::uint64_t budget = static_cast<std::uint64_t>(timeout_ms) * cycles_per_ms;
    for (std::uint64_t i = 0; i < budget && !ready(); i += 64) step(64);
    if (ready()) return 1;
    if (f->node == Node::uio && line()) ++missed_;  // the line is up: the interrupt was left disabled
    return 0;
  }
  void* mmap(std::size_t len, int fd, off_t off) override {
    const File* f = file(fd);
    if (!f || f->node != Node::uio) return fail_ptr(EBADF);
    if (f->mode != O_RDWR) return fail_ptr(EACCES);  // MAP_SHARED with PROT_WRITE
    if (off % page_size() != 0 || len == 0) return fail_ptr(EINVAL);
    const off_t index = off / page_size();
    const std::uint64_t map_size = index == 0 ? 0x1000 : index == 1 ? sim_.memory_size() : 0;
    if (map_size == 0 || len > map_size) return fail_ptr(EINVAL);
    void* p = ::mmap(nullptr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return fail_ptr(ENOMEM);
    maps_[p] = {static_cast<int>(index), len};
    return p;
  }
  int munmap(void* p, std::size_t len) override {
    auto it = maps_.find(p);
    if (it == maps_.end() || it->second.len != len) return fail(EINVAL);
    ::munmap(p, len);
    maps_.erase(it);
    return 0;
  }
  std::uint32_t mmio_read32(void* base, std::uint64_t off) override {
    const int m = mapping(base, off, 4);
    if (m == 0) {
      const std::uint32_t v = reg(static_cast<std::uint32_t>(off));
      reg_read_unfenced_ = true;
      return v;
    }
    buffer_read();
    std::uint32_t v;
    sim_.copy_from_device(&v, sim_.memory_base() + off, 4);
    return v;
  }
  void mmio_write32(void* base, std::uint64_t off, std::uint32_t v) override {
    if (mapping(base, off, 4) == 0) {
      if (buffer_written_unfenced_) {
        throw EmulationViolation(uio_ + ": register " + hex(off) + " written after buffer writes with no barrier "
                                 "between: on arm64 the accelerator may start before the data is there");
      }
      reg_write(static_cast<std::uint32_t>(off), v);
      return;
    }
    buffer_written_unfenced_ = true;
    sim_.copy_to_device(sim_.memory_base() + off, &v, 4);
  }
  std::uint64_t mmio_read64(void* base, std::uint64_t off) override {
    if (mapping(base, off, 8) == 0) throw EmulationViolation(uio_ + ": 64-bit access to a 32-bit register");
    buffer_read();
    std::uint64_t v;
    sim_.copy_from_device(&v, sim_.memory_base() + off, 8);
    return v;
  }
  void mmio_write64(void* base, std::uint64_t off, std::uint64_t v) override {
    if (mapping(base, off, 8) == 0) throw EmulationViolation(uio_ + ": 64-bit access to a 32-bit register");
    buffer_written_unfenced_ = true;
    sim_.copy_to_device(sim_.memory_base() + off, &v, 8);
  }
  void barrier() override {
    buffer_written_unfenced_ = false;
    reg_read_unfenced_ = false;
  }
  int err() const override { return err_; }

 private:
  enum class Node { user, h2c, c2h, events, uio };
  struct File {
    Node node;
    std::int32_t seen;  // UIO: the event count this open file last read
    int mode;           // O_RDONLY, O_WRONLY or O_RDWR
  };
  struct Map {
    int index;
    std::size_t len;
  };
  static constexpr std::size_t kMaxRw = 0x7ffff000;      // MAX_RW_COUNT (4 KiB pages)
  static constexpr std::size_t kSubTransfer = 0x800 * 4096;  // XDMA_ENGINE_XFER_MAX_DESC pages

  static std::string base(const std::string& p) { return p.substr(p.rfind('/') + 1); }
  static std::string pa(std::uint64_t v) {  // the kernel's %pa on a 64-bit phys_addr_t
    char b[32];
    std::snprintf(b, sizeof b, "0x%016llx\n", static_cast<unsigned long long>(v));
    return b;
  }
  File* file(int fd) {
    auto it = fds_.find(fd);
    return it == fds_.end() ? nullptr : &it->second;
  }
  std::uint32_t reg(std::uint32_t off) {
    const std::uint32_t v = sim_.read32(off);  // a register access takes device cycles too
    sample_irq();
    if (all_ones) return 0xffffffffu;
    if (wrong_magic && off == isa::reg::ID_MAGIC) return 0x12345678u;
    return v;
  }
  void reg_write(std::uint32_t off, std::uint32_t v) {
    sim_.write32(off, v);
    sample_irq();
  }
  bool line() { return sim_.irq() && !no_interrupt; }
  // the device runs; interrupts are taken as the kernel would
  void step(unsigned cycles) {
    sim_.step(cycles);
    sample_irq();
  }
  void sample_irq() {
    const bool now = line();
    if (now && !prev_line_) latched_ = true;  // XDMA MSI: one message per rising edge
    prev_line_ = now;
    if (now && uio_irq && uio_irq_enabled_) {  // uio_pdrv_genirq: count, then disable
      ++uio_count_;
      uio_irq_enabled_ = false;
    }
  }
  // which UIO map base points into, with the access checked as the MMU would
  int mapping(void* base, std::uint64_t off, unsigned width) {
    auto it = maps_.find(base);
    if (it == maps_.end()) throw EmulationViolation(uio_ + ": device access through a pointer no mmap returned");
    if (off % width != 0) {
      throw EmulationViolation(uio_ + ": unaligned " + std::to_string(width * 8) + "-bit access at " + hex(off) +
                               " of map " + std::to_string(it->second.index) + ": SIGBUS on arm64 device memory");
    }
    if (off + width > it->second.len) throw EmulationViolation(uio_ + ": access past the end of the mapping");
    return it->second.index;
  }
  void buffer_read() {
    if (reg_read_unfenced_) {
      throw EmulationViolation(uio_ + ": buffer read right after a register read with no barrier between: on "
                               "arm64 it may be served before the accelerator's writes are visible");
    }
  }
  bool writable(const void* p, std::size_t n) {  // what the pages' protection says, from /proc/self/maps
    const auto lo = reinterpret_cast<std::uintptr_t>(p), hi = lo + n;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    std::uintptr_t covered = lo;
    while (std::getline(maps, line) && covered < hi) {
      unsigned long long a, b;
      char perms[5] = {};
      if (std::sscanf(line.c_str(), "%llx-%llx %4s", &a, &b, perms) != 3) continue;
      if (a <= covered && covered < b) {
        if (perms[1] != 'w') return false;
        covered = b;
      }
    }
    return covered >= hi;
  }
  ssize_t dma(bool to_card, std::uint8_t* p, std::size_t n, off_t off) {
    if (n == 0) return fail(EINVAL);
    n = std::min(n, kMaxRw);
    if (!writable(p, n)) return fail(EFAULT);  // pinned for writing in both directions
    std::size_t k = n;
    bool aborted = false;
    if (signal_during_dma) {
      sigset_t cur;
      pthread_sigmask(SIG_SETMASK, nullptr, &cur);
      if (!sigismember(&cur, signal_during_dma)) aborted = true;  // a pending, unblocked signal
    }
    if (abort_next > 0) {
      --abort_next;
      aborted = true;
    }
    const bool failed = !aborted && inject(dma_fail_every, dma_fails_);
    if (aborted || failed) k = (n - 1) / kSubTransfer * kSubTransfer;  // the sub-transfers done before it
    const std::uint64_t mask = (std::uint64_t{1} << decode_bits_) - 1;
    for (std::size_t done = 0; done < k;) {  // the controller decodes decode_bits_: higher addresses alias
      const std::uint64_t a = (static_cast<std::uint64_t>(off) + done) & mask;
      const std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(k - done, mask + 1 - a));
      if (a < sim_.memory_base() || a - sim_.memory_base() + len > sim_.memory_size()) {
        throw EmulationViolation("card address " + hex(a) + " is beyond the emulated memory (" +
                                 hex(sim_.memory_size()) + " bytes at " + hex(sim_.memory_base()) + ")");
      }
      if (to_card) sim_.copy_to_device(a, p + done, len);
      else sim_.copy_from_device(p + done, a, len);
      done += len;
    }
    if (!aborted && !failed) return static_cast<ssize_t>(n);
    return k ? static_cast<ssize_t>(k) : fail(aborted ? ETIMEDOUT : EIO);
  }
  static bool inject(int every, int& count) { return every && ++count % every == 0; }
  int fail(int e) {
    err_ = e;
    return -1;
  }
  void* fail_ptr(int e) {
    err_ = e;
    return nullptr;
  }

  SimDevice& sim_;
  std::string xdma_, uio_, msi_dir_;
  std::map<std::string, std::string> files_;
  std::map<int, File> fds_;
  std::map<Node, int> locks_;
  std::map<void*, Map> maps_;
  int next_fd_ = 3;
  int decode_bits_ = 31;
  int err_ = 0;
  int shorts_ = 0, eintrs_ = 0, dma_fails_ = 0;
  bool prev_line_ = false, latched_ = false;
  bool uio_irq_enabled_ = true;  // enabled at probe
  std::int32_t uio_count_ = 0;
  int interrupts_seen_ = 0, missed_ = 0;
  bool buffer_written_unfenced_ = false, reg_read_unfenced_ = false;
};

}  // namespace abacus::tb
