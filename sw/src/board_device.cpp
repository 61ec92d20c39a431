#include "abacus/board_device.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>
#include <vector>

#include "abacus/isa.hpp"
#include "abacus/util.hpp"

namespace abacus {

namespace {

class PosixOs : public OsIo {
 public:
  int open(const std::string& path, int flags) override { return rec(::open(path.c_str(), flags | O_CLOEXEC)); }
  int close(int fd) override { return rec(::close(fd)); }
  ssize_t pread(int fd, void* buf, std::size_t n, off_t off) override { return rec(::pread(fd, buf, n, off)); }
  ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t off) override { return rec(::pwrite(fd, buf, n, off)); }
  ssize_t read(int fd, void* buf, std::size_t n) override { return rec(::read(fd, buf, n)); }
  ssize_t write(int fd, const void* buf, std::size_t n) override { return rec(::write(fd, buf, n)); }
  int poll_in(int fd, int timeout_ms) override {
    pollfd p{fd, POLLIN, 0};
    const int r = rec(::poll(&p, 1, timeout_ms));
    if (r <= 0) return r;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) {  // e.g. a UIO device without an interrupt
      err_ = EIO;
      return -1;
    }
    return (p.revents & POLLIN) ? 1 : 0;
  }
  int lock_exclusive(int fd) override { return rec(::flock(fd, LOCK_EX | LOCK_NB)); }
  bool read_text(const std::string& path, std::string& out) override {
    errno = 0;
    std::ifstream f(path);
    if (!f) {
      err_ = errno ? errno : ENOENT;
      return false;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    out = ss.str();
    return true;
  }
  bool list_dir(const std::string& path, std::vector<std::string>& names) override {
    DIR* d = ::opendir(path.c_str());
    if (!d) {
      err_ = errno;
      return false;
    }
    names.clear();
    while (const dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    return true;
  }
  long page_size() override { return ::sysconf(_SC_PAGESIZE); }
  void* mmap(std::size_t len, int fd, off_t off) override {
    void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    if (p == MAP_FAILED) {
      err_ = errno;
      return nullptr;
    }
    return p;
  }
  int munmap(void* p, std::size_t len) override { return rec(::munmap(p, len)); }
  std::uint32_t mmio_read32(void* base, std::uint64_t off) override { return *at<std::uint32_t>(base, off); }
  void mmio_write32(void* base, std::uint64_t off, std::uint32_t v) override { *at<std::uint32_t>(base, off) = v; }
  std::uint64_t mmio_read64(void* base, std::uint64_t off) override { return *at<std::uint64_t>(base, off); }
  void mmio_write64(void* base, std::uint64_t off, std::uint64_t v) override { *at<std::uint64_t>(base, off) = v; }
  void barrier() override {
#if defined(__aarch64__)
    __asm__ volatile("dsb sy" ::: "memory");
#else
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
  }
  int err() const override { return err_; }

 private:
  template <class W>
  static volatile W* at(void* base, std::uint64_t off) {
    return reinterpret_cast<volatile W*>(static_cast<std::uint8_t*>(base) + off);
  }
  template <class T>
  T rec(T r) {
    if (r < 0) err_ = errno;
    return r;
  }
  int err_ = 0;
};

// Every signal that can be held back, for the duration of one XDMA
// transfer: the XDMA driver aborts a transfer that a signal interrupts
// (the engine is stopped, the call returns a partial count or ETIMEDOUT,
// never EINTR), so a SIGALRM/SIGPROF handler, Ctrl-Z or a resize would
// otherwise fail a job. Held-back signals are delivered when it ends.
// Synchronous fault signals stay open (blocking them is undefined).
class HoldSignals {
 public:
  HoldSignals() {
    sigset_t all;
    sigfillset(&all);
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT}) sigdelset(&all, s);
    pthread_sigmask(SIG_BLOCK, &all, &old_);
  }
  ~HoldSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  HoldSignals(const HoldSignals&) = delete;
  HoldSignals& operator=(const HoldSignals&) = delete;

 private:
  sigset_t old_;
};

// A whole number, all of the text (after trimming one newline): decimal or
// 0x hex, no sign, no trailing characters, no overflow.
bool parse_u64(std::string text, std::uint64_t& out) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty() || text[0] == '-' || text[0] == '+' || text[0] == ' ') return false;
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  if (!hex && !(text[0] >= '0' && text[0] <= '9')) return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, hex ? 16 : 10);
  if (errno == ERANGE || end != text.c_str() + text.size()) return false;
  out = v;
  return true;
}

void check_reg(std::uint32_t off) {
  if (off % 4 != 0 || off >= 0x1000) {
    throw DeviceError("register offset " + hex(off) + " must be 4-byte aligned and below 0x1000");
  }
}

// Waits for DONE: `wait_event(ms)` blocks up to ms for the interrupt (true
// if it fired); STATUS decides. On timeout: report, soft reset, throw.
template <class Wait>
void wait_with_recovery(Device& dev, const Timeout& t, Wait wait_event) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::milliseconds(t.ms);
  while (true) {
    if (dev.read32(isa::reg::STATUS) & isa::status::DONE) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) break;
    wait_event(static_cast<int>(std::min<long long>(left, 100)));
  }
  const std::uint32_t st = dev.read32(isa::reg::STATUS);
  std::ostringstream os;
  os << dev.name() << ": timeout after " << t.ms << " ms: STATUS=" << hex(st) << " PC=" << dev.read32(isa::reg::PC)
     << " ENGINE_STATE=" << hex(dev.read32(isa::reg::ENGINE_STATE));
  dev.write32(isa::reg::CTRL, isa::ctrl::SOFT_RESET);
  bool idle = false;
  for (int i = 0; i < 1000 && !idle; ++i) idle = !(dev.read32(isa::reg::STATUS) & isa::status::BUSY);
  os << (idle ? "; recovered by soft reset" : "; soft reset did not bring it to idle");
  throw TimeoutError(os.str());
}

void check_id(Device& dev) {
  const std::uint32_t magic = dev.read32(isa::reg::ID_MAGIC);
  if (magic != isa::kIdMagic) {
    throw DeviceError(dev.name() + ": ID_MAGIC is " + hex(magic) + ", expected " + hex(isa::kIdMagic) +
                      ": not an Abacus bitstream");
  }
  const std::uint32_t ver = dev.read32(isa::reg::ID_VERSION);
  if ((ver >> 16) != (isa::kIdVersion >> 16)) {
    throw DeviceError(dev.name() + ": hardware version " + hex(ver) + " is not supported by this driver (" +
                      hex(isa::kIdVersion) + ")");
  }
}

}  // namespace

OsIo& posix_os() {
  static PosixOs os;
  return os;
}

// ---------------------------------------------------------------- allocator

bool CardAllocator::contains(std::uint64_t addr, std::uint64_t n) const {
  return addr >= m_.base && n <= m_.size && addr - m_.base <= m_.size - n;
}

std::uint64_t CardAllocator::alloc(std::size_t bytes, std::size_t align) {
  if (align == 0 || (align & (align - 1))) throw DeviceError("alloc: alignment " + std::to_string(align) + " is not a power of two");
  if (next_ > std::numeric_limits<std::uint64_t>::max() - (align - 1)) throw DeviceError("alloc: address overflow");
  const std::uint64_t start = (next_ + align - 1) & ~static_cast<std::uint64_t>(align - 1);
  if (!contains(start, bytes)) {
    throw DeviceError("card memory exhausted: asked " + std::to_string(bytes) + " bytes at " + hex(start) + ", memory [" +
                      hex(m_.base) + ", " + hex(m_.base + m_.size) + ")");
  }
  next_ = start + bytes;
  return start;
}

void CardAllocator::free_to(std::uint64_t end) {
  if (end < m_.base || end > next_) {
    throw DeviceError("free_to: " + hex(end) + " is not inside the allocated range [" + hex(m_.base) + ", " + hex(next_) + "]");
  }
  next_ = end;
}

// ---------------------------------------------------------------- RAII

void OsFd::reset(int fd) {
  if (fd_ >= 0) os_.close(fd_);
  fd_ = fd;
}

void OsMapping::reset(void* p, std::size_t len) {
  if (p_) os_.munmap(p_, len_);
  p_ = p;
  len_ = len;
}

// ---------------------------------------------------------------- XDMA

namespace {

const XdmaBoard kXdmaBoards[] = {
    {0x9038, "VCU118", {0, 2ULL << 30}},  // DDR4 C1, 31 address bits decoded
    {0x7028, "VC707", {0, 1ULL << 30}},   // DDR3 SODIMM, 30 address bits decoded
};

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The board behind /dev/xdmaN: the XDMA driver's class device
// /sys/class/xdma/xdmaN_user has the PCI function as its parent, whose
// device file holds the ID the bitstream set; its msi_irqs directory lists
// the function's MSI vectors (empty or absent: legacy INTx).
const XdmaBoard& identify_xdma(OsIo& os, const std::string& path) {
  const std::string pci = "/sys/class/xdma/" + base_name(path) + "_user/device/";
  std::string text;
  std::uint64_t vendor = 0, id = 0;
  for (const auto& [name, value] : {std::pair<const char*, std::uint64_t*>{"vendor", &vendor}, {"device", &id}}) {
    if (!os.read_text(pci + name, text)) {
      throw DeviceError(path + ": cannot identify the card from " + pci + name + ": " + std::strerror(os.err()) +
                        " (is the XDMA driver loaded? docs/fpga.md)");
    }
    if (!parse_u64(text, *value)) throw DeviceError(path + ": " + pci + name + " holds '" + text.substr(0, text.find('\n')) + "', not a number");
  }
  if (vendor != 0x10ee) throw DeviceError(path + ": PCI vendor " + hex(vendor) + " is not Xilinx (0x10ee)");
  const XdmaBoard* b = find_xdma_board(static_cast<std::uint16_t>(id));
  if (!b || id > 0xffff) {
    throw DeviceError(path + ": PCI device ID " + hex(id) + " is not an Abacus board (0x9038 VCU118, 0x7028 VC707)");
  }
  std::vector<std::string> vectors;
  if (!os.list_dir(pci + "msi_irqs", vectors) || vectors.empty()) {
    throw DeviceError(path + ": the card's interrupt is not MSI (" + pci +
                      "msi_irqs is empty): in legacy INTx mode the XDMA driver does not mask Abacus's level "
                      "interrupt and the host sees an interrupt storm; load the driver with MSI "
                      "(modprobe xdma interrupt_mode=1, docs/fpga.md)");
  }
  return *b;
}

CardMemory card_memory(const std::string& path, const XdmaBoard& b, std::optional<CardMemory> want) {
  if (!want) return b.memory;
  const CardMemory& m = *want;
  if (m.size == 0 || m.base < b.memory.base || m.size > b.memory.size ||
      m.base - b.memory.base > b.memory.size - m.size) {
    throw DeviceError(path + ": card memory [" + hex(m.base) + ", +" + hex(m.size) + ") is not inside what the " +
                      b.name + " decodes, [" + hex(b.memory.base) + ", +" + hex(b.memory.size) +
                      "): addresses beyond it alias onto low memory");
  }
  return m;
}

}  // namespace

const XdmaBoard* find_xdma_board(std::uint16_t device_id) {
  for (const auto& b : kXdmaBoards) {
    if (b.device_id == device_id) return &b;
  }
  return nullptr;
}

void XdmaDevice::open_node(OsFd& fd, const std::string& suffix, int flags) {
  const std::string node = path_ + suffix;
  int f;
  do {
    f = os_.open(node, flags);
  } while (f < 0 && os_.err() == EINTR);
  if (f < 0) {
    throw DeviceError("cannot open " + node + ": " + std::strerror(os_.err()) +
                      " (is the XDMA driver loaded and the bitstream programmed? see docs/fpga.md)");
  }
  fd.reset(f);
}

XdmaDevice::XdmaDevice(const std::string& path, OsIo& os, std::optional<CardMemory> mem)
    : XdmaDevice(path, os, identify_xdma(os, path), mem) {}

XdmaDevice::XdmaDevice(const std::string& path, OsIo& os, const XdmaBoard& board, std::optional<CardMemory> mem)
    : BoardDevice(card_memory(path, board, mem)),
      os_(os),
      path_(path),
      board_(board),
      user_(os),
      h2c_(os),
      c2h_(os),
      events_(os) {
  open_node(user_, "_user", O_RDWR);
  if (os_.lock_exclusive(user_.get()) != 0) {
    throw DeviceError(path_ + ": in use by another process (" + std::strerror(os_.err()) +
                      "): two programs would allocate the same card memory and drive the same registers");
  }
  open_node(h2c_, "_h2c_0", O_WRONLY);
  open_node(c2h_, "_c2h_0", O_RDONLY);
  open_node(events_, "_events_0", O_RDONLY);
  check_id(*this);
}

std::uint32_t XdmaDevice::read32(std::uint32_t offset) {
  check_reg(offset);
  std::uint32_t v = 0;
  ssize_t r;
  do {
    r = os_.pread(user_.get(), &v, 4, offset);
  } while (r < 0 && os_.err() == EINTR);
  if (r != 4) {
    throw DeviceError(path_ + "_user: register read at " + hex(offset) +
                      (r < 0 ? std::string(": ") + std::strerror(os_.err()) : ": short read of " + std::to_string(r) + " bytes"));
  }
  if (v == 0xffffffffu && (offset == isa::reg::ID_MAGIC || read32(isa::reg::ID_MAGIC) == 0xffffffffu)) {
    throw DeviceError(path_ + ": register " + hex(offset) + " reads all ones: the device is not responding (link down or bitstream gone)");
  }
  return v;
}

void XdmaDevice::write32(std::uint32_t offset, std::uint32_t value) {
  check_reg(offset);
  ssize_t r;
  do {
    r = os_.pwrite(user_.get(), &value, 4, offset);
  } while (r < 0 && os_.err() == EINTR);
  if (r != 4) {
    throw DeviceError(path_ + "_user: register write at " + hex(offset) +
                      (r < 0 ? std::string(": ") + std::strerror(os_.err()) : ": short write of " + std::to_string(r) + " bytes"));
  }
}

// One DMA transfer in chunks of at most kDmaChunk, every blockable signal
// held back during each call (the driver aborts a transfer an unblocked
// signal interrupts). A chunk is all or nothing: the driver returns a short
// count only when a sub-transfer failed or was aborted, and EIO for an
// engine error. An aborted chunk (ETIMEDOUT or a short count: the 10 s
// engine timeout, or what cannot be held back -- SIGSTOP, ptrace, the
// freezer) is sent once more from its start, which is harmless (the same
// bytes to the same place); a second failure is an error. A source chunk the
// driver cannot pin for writing (EFAULT: a read-only mapping such as an
// mmap'ed weights file) goes through a writable staging buffer.
void XdmaDevice::dma(bool to_card, std::uint64_t addr, std::uint8_t* p, std::size_t n) {
  const std::string node = path_ + (to_card ? "_h2c_0" : "_c2h_0");
  std::vector<std::uint8_t> stage;
  for (std::size_t done = 0; done < n;) {
    const std::size_t len = std::min(n - done, kDmaChunk);
    const off_t at = static_cast<off_t>(addr + done);
    std::uint8_t* src = p + done;
    ssize_t r = -1;
    for (int attempt = 0; attempt < 2; ++attempt) {
      {
        HoldSignals hold;
        r = to_card ? os_.pwrite(h2c_.get(), src, len, at) : os_.pread(c2h_.get(), src, len, at);
      }
      if (r < 0 && to_card && os_.err() == EFAULT && src == p + done) {
        stage.resize(std::min(n, kDmaChunk));
        std::memcpy(stage.data(), p + done, len);
        src = stage.data();
        --attempt;  // staging is not a retry
        continue;
      }
      const bool aborted = (r >= 0 && r < static_cast<ssize_t>(len)) || (r < 0 && os_.err() == ETIMEDOUT);
      if (!aborted) break;
    }
    if (r != static_cast<ssize_t>(len)) {
      throw DeviceError(std::string(to_card ? "write to " : "read from ") + node + " at " + hex(addr + done) +
                        (r < 0 ? std::string(": ") + std::strerror(os_.err())
                               : ": the driver moved " + std::to_string(r) + " of " + std::to_string(len) +
                                     " bytes (a failed or aborted transfer)"));
    }
    done += len;
  }
}

void XdmaDevice::copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) {
  if (!alloc_.contains(addr, bytes)) {
    throw DeviceError("copy to card: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside card memory");
  }
  // only read: a read-only source is staged by dma()
  dma(true, addr, const_cast<std::uint8_t*>(static_cast<const std::uint8_t*>(src)), bytes);
}

void XdmaDevice::copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) {
  if (!alloc_.contains(addr, bytes)) {
    throw DeviceError("copy from card: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside card memory");
  }
  dma(false, addr, static_cast<std::uint8_t*>(dst), bytes);
}

void XdmaDevice::wait_done(const Timeout& timeout) {
  // events_0: poll reports the latched interrupt flag, read (4 bytes)
  // returns and clears it. Only this node has a poll of its own.
  wait_with_recovery(*this, timeout, [&](int ms) {
    const int r = os_.poll_in(events_.get(), ms);
    if (r < 0 && os_.err() != EINTR) throw DeviceError(path_ + "_events_0: poll: " + std::strerror(os_.err()));
    if (r > 0) {
      std::uint32_t count;
      ssize_t n;
      do {
        n = os_.read(events_.get(), &count, 4);
      } while (n < 0 && os_.err() == EINTR);
      if (n != 4) {
        throw DeviceError(path_ + "_events_0: event read: " +
                          (n < 0 ? std::string(std::strerror(os_.err())) : std::to_string(n) + " bytes"));
      }
    }
  });
}

// ---------------------------------------------------------------- UIO

UioRegion read_uio_map(OsIo& os, const std::string& dev_path, int map) {
  const std::string dir = "/sys/class/uio/" + base_name(dev_path) + "/maps/map" + std::to_string(map) + "/";
  std::string text;
  UioRegion r;
  std::uint64_t offset = 0;
  for (const auto& [name, value] : {std::pair<const char*, std::uint64_t*>{"addr", &r.phys_base}, {"size", &r.size},
                                    {"offset", &offset}}) {
    if (!os.read_text(dir + name, text)) {
      throw DeviceError(dev_path + ": cannot read UIO map " + std::to_string(map) + " from " + dir + name + ": " +
                        std::strerror(os.err()) +
                        (map == 1 ? " (the device tree must give the UIO device the buffer region as its second "
                                    "reg entry; docs/fpga.md)"
                                  : ""));
    }
    if (!parse_u64(text, *value)) throw DeviceError(dev_path + ": " + dir + name + " holds '" + text.substr(0, text.find('\n')) + "', not a number");
  }
  // uio_pdrv_genirq maps whole pages: addr is the reg entry's start rounded
  // down, offset where it really starts. Abacus's entries must start on a
  // page, or the mapping would begin at other memory.
  if (offset != 0) {
    throw DeviceError(dev_path + ": UIO map " + std::to_string(map) + " starts " + hex(offset) + " bytes into its page (" +
                      dir + "offset): the device tree's reg entry must be page-aligned");
  }
  return r;
}

namespace {
// /sys/class/uio/uioN/name is the device tree's linux,uio-name: "abacus".
const std::string& check_uio_name(OsIo& os, const std::string& path) {
  std::string name;
  const std::string name_file = "/sys/class/uio/" + base_name(path) + "/name";
  if (!os.read_text(name_file, name)) {
    throw DeviceError(path + ": not a UIO device? cannot read " + name_file + ": " + std::strerror(os.err()));
  }
  if (name != "abacus\n") {
    throw DeviceError(path + ": not an Abacus UIO device (" + name_file + " is '" + name.substr(0, name.find('\n')) +
                      "', expected 'abacus': linux,uio-name in the device tree; docs/fpga.md)");
  }
  return path;
}
}  // namespace

UioDevice::UioDevice(const std::string& path, OsIo& os, std::optional<UioRegion> region)
    : UioDevice(path, os, read_uio_map(os, check_uio_name(os, path), 1), region) {}

UioDevice::UioDevice(const std::string& path, OsIo& os, UioRegion sysfs, std::optional<UioRegion> region)
    : BoardDevice({sysfs.phys_base, region ? region->size : sysfs.size}),
      os_(os),
      path_(path),
      fd_(os),
      regs_(os),
      buf_(os) {
  if (sysfs.size == 0) throw DeviceError(path + ": UIO map 1 (the buffer region) is empty");
  if (region && (region->phys_base != sysfs.phys_base || region->size == 0 || region->size > sysfs.size)) {
    throw DeviceError(path + ": @" + hex(region->phys_base) + ":" + hex(region->size) +
                      " does not match UIO map 1, which the kernel describes as " + hex(sysfs.phys_base) + ":" +
                      hex(sysfs.size) + " (/sys/class/uio/" + base_name(path) +
                      "/maps/map1): the accelerator would use other memory than the one mapped here");
  }
  const UioRegion regs = read_uio_map(os, path, 0);
  if (regs.size < 0x1000) throw DeviceError(path + ": UIO map 0 (registers) is " + hex(regs.size) + " bytes, not 4 KiB");
  int f;
  do {
    f = os_.open(path, O_RDWR);
  } while (f < 0 && os_.err() == EINTR);
  if (f < 0) throw DeviceError("cannot open " + path + ": " + std::strerror(os_.err()));
  fd_.reset(f);
  if (os_.lock_exclusive(fd_.get()) != 0) {
    throw DeviceError(path_ + ": in use by another process (" + std::strerror(os_.err()) + ")");
  }
  // UIO selects map N by mmap offset N * page size.
  const long page = os_.page_size();
  void* r = os_.mmap(0x1000, fd_.get(), 0);
  if (!r) throw DeviceError(path + ": cannot map the registers (map 0): " + std::strerror(os_.err()));
  regs_.reset(r, 0x1000);
  void* b = os_.mmap(mem_.size, fd_.get(), page);
  if (!b) throw DeviceError(path + ": cannot map the buffer region (map 1): " + std::strerror(os_.err()));
  buf_.reset(b, mem_.size);
  // The interrupt is enabled by writing 1; a device without one refuses
  // (EIO, or ENOSYS without interrupt control): then the driver polls.
  irq_ = irq_control(1);
  check_id(*this);
}

bool UioDevice::irq_control(std::uint32_t on) {
  ssize_t n;
  do {
    n = os_.write(fd_.get(), &on, 4);
  } while (n < 0 && os_.err() == EINTR);
  if (n == 4) return true;
  if (n < 0 && (os_.err() == EIO || os_.err() == ENOSYS)) return false;
  throw DeviceError(path_ + ": interrupt enable: " + (n < 0 ? std::string(std::strerror(os_.err())) : "short write"));
}

// Register accesses are ordered against the buffer's like the kernel's
// writel/readl: a barrier before each register write (the buffer writes
// land first), and after each register read (nothing is read from the
// buffer before the register said it was done).
std::uint32_t UioDevice::read32(std::uint32_t offset) {
  check_reg(offset);
  const std::uint32_t v = os_.mmio_read32(regs_.get(), offset);
  os_.barrier();
  if (v == 0xffffffffu && (offset == isa::reg::ID_MAGIC || os_.mmio_read32(regs_.get(), isa::reg::ID_MAGIC) == 0xffffffffu)) {
    throw DeviceError(path_ + ": register " + hex(offset) + " reads all ones: the device is not responding");
  }
  return v;
}

void UioDevice::write32(std::uint32_t offset, std::uint32_t value) {
  check_reg(offset);
  os_.barrier();
  os_.mmio_write32(regs_.get(), offset, value);
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the UIO byte merge assumes a little-endian host");

// The buffer region is uncached device memory: aligned 8-byte words, and
// the unaligned head and tail byte by byte inside aligned 4-byte words
// (read, merge, write). The accelerator is idle while the host copies.
void UioDevice::copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) {
  if (!alloc_.contains(addr, bytes)) {
    throw DeviceError("copy to buffer region: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside it");
  }
  const auto* s = static_cast<const std::uint8_t*>(src);
  std::uint64_t off = addr - mem_.base;
  auto put_byte = [&](std::uint8_t v) {
    const std::uint64_t word = off & ~std::uint64_t{3};
    std::uint32_t w = os_.mmio_read32(buf_.get(), word);
    const unsigned shift = static_cast<unsigned>(off - word) * 8;
    w = (w & ~(0xffu << shift)) | (std::uint32_t{v} << shift);  // little-endian, as both boards' CPUs
    os_.mmio_write32(buf_.get(), word, w);
    ++off;
  };
  while (bytes && off % 8) {
    put_byte(*s++);
    --bytes;
  }
  for (; bytes >= 8; bytes -= 8, s += 8, off += 8) {
    std::uint64_t w;
    std::memcpy(&w, s, 8);
    os_.mmio_write64(buf_.get(), off, w);
  }
  while (bytes--) put_byte(*s++);
}

void UioDevice::copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) {
  if (!alloc_.contains(addr, bytes)) {
    throw DeviceError("copy from buffer region: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside it");
  }
  auto* d = static_cast<std::uint8_t*>(dst);
  std::uint64_t off = addr - mem_.base;
  auto get_byte = [&] {
    const std::uint64_t word = off & ~std::uint64_t{3};
    const std::uint32_t w = os_.mmio_read32(buf_.get(), word);
    const auto v = static_cast<std::uint8_t>(w >> (static_cast<unsigned>(off - word) * 8));
    ++off;
    return v;
  };
  while (bytes && off % 8) {
    *d++ = get_byte();
    --bytes;
  }
  for (; bytes >= 8; bytes -= 8, d += 8, off += 8) {
    const std::uint64_t w = os_.mmio_read64(buf_.get(), off);
    std::memcpy(d, &w, 8);
  }
  while (bytes--) *d++ = get_byte();
}

void UioDevice::wait_done(const Timeout& timeout) {
  if (!irq_) {  // no interrupt: poll STATUS every millisecond
    wait_with_recovery(*this, timeout, [](int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, 1))); });
    return;
  }
  // uio_pdrv_genirq disables the interrupt in its handler (the line is
  // level): re-enable it with a write of 1, then wait for the event count.
  wait_with_recovery(*this, timeout, [&](int ms) {
    irq_control(1);
    const int r = os_.poll_in(fd_.get(), ms);
    if (r < 0 && os_.err() != EINTR) throw DeviceError(path_ + ": poll: " + std::strerror(os_.err()));
    if (r > 0) {
      std::uint32_t count;
      ssize_t n;
      do {
        n = os_.read(fd_.get(), &count, 4);
      } while (n < 0 && os_.err() == EINTR);
      if (n != 4) {
        throw DeviceError(path_ + ": interrupt read: " +
                          (n < 0 ? std::string(std::strerror(os_.err())) : std::to_string(n) + " bytes"));
      }
    }
  });
}

// ---------------------------------------------------------------- spec

DeviceSpec parse_device_spec(const std::string& spec) {
  DeviceSpec d;
  if (spec == "sim") {
    d.kind = "sim";
    return d;
  }
  const auto colon = spec.find(':');
  if (colon == std::string::npos) throw DeviceError("device '" + spec + "': expected sim, xdma:/dev/xdmaN or uio:/dev/uioN");
  d.kind = spec.substr(0, colon);
  d.path = spec.substr(colon + 1);
  if (d.kind != "xdma" && d.kind != "uio") throw DeviceError("device '" + spec + "': unknown kind '" + d.kind + "'");
  const auto at = d.path.find('@');
  if (at != std::string::npos) {  // @base:size: the UIO buffer region, or the card memory for XDMA
    const std::string region = d.path.substr(at + 1);
    d.path = d.path.substr(0, at);
    const auto c = region.find(':');
    UioRegion r;
    if (c == std::string::npos || !parse_u64(region.substr(0, c), r.phys_base) ||
        !parse_u64(region.substr(c + 1), r.size) || r.size == 0) {
      throw DeviceError("device '" + spec + "': the region must be @base:size, two numbers (0x hex or decimal), size > 0");
    }
    d.region = r;
  }
  if (d.path.empty()) throw DeviceError("device '" + spec + "': no device node");
  if (d.kind == "xdma") {  // the node prefix: /dev/xdma0, not one of its nodes
    for (const char* node : {"_user", "_control", "_h2c_0", "_c2h_0", "_events_0"}) {
      const std::string n = node;
      if (d.path.size() > n.size() && d.path.compare(d.path.size() - n.size(), n.size(), n) == 0) {
        throw DeviceError("device '" + spec + "': give the XDMA device prefix (" +
                          d.path.substr(0, d.path.size() - n.size()) + "), not its " + n.substr(1) + " node");
      }
    }
  }
  return d;
}

}  // namespace abacus
