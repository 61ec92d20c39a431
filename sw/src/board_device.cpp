#include "abacus/board_device.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>

#include "abacus/isa.hpp"

namespace abacus {

namespace {

std::string hex(std::uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

class PosixOs : public OsIo {
 public:
  int open(const std::string& path, int flags) override { return rec(::open(path.c_str(), flags)); }
  int close(int fd) override { return rec(::close(fd)); }
  ssize_t pread(int fd, void* buf, std::size_t n, off_t off) override { return rec(::pread(fd, buf, n, off)); }
  ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t off) override { return rec(::pwrite(fd, buf, n, off)); }
  ssize_t read(int fd, void* buf, std::size_t n) override { return rec(::read(fd, buf, n)); }
  ssize_t write(int fd, const void* buf, std::size_t n) override { return rec(::write(fd, buf, n)); }
  int poll_in(int fd, int timeout_ms) override {
    pollfd p{fd, POLLIN, 0};
    return static_cast<int>(rec(::poll(&p, 1, timeout_ms)));
  }
  void* mmap(std::size_t len, int fd, off_t off) override {
    void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    if (p == MAP_FAILED) {
      err_ = errno;
      return nullptr;
    }
    return p;
  }
  int munmap(void* p, std::size_t len) override { return rec(::munmap(p, len)); }
  std::uint32_t mmio_read32(void* base, std::uint32_t off) override {
    return *reinterpret_cast<volatile std::uint32_t*>(static_cast<std::uint8_t*>(base) + off);
  }
  void mmio_write32(void* base, std::uint32_t off, std::uint32_t v) override {
    *reinterpret_cast<volatile std::uint32_t*>(static_cast<std::uint8_t*>(base) + off) = v;
  }
  int err() const override { return err_; }

 private:
  template <class T>
  T rec(T r) {
    if (r < 0) err_ = errno;
    return r;
  }
  int err_ = 0;
};

void check_reg(std::uint32_t off) {
  if (off % 4 != 0 || off >= 0x1000) {
    throw DeviceError("register offset " + hex(off) + " must be 4-byte aligned and below 0x1000");
  }
}

// The whole transfer or an exception: EINTR is retried, a short transfer
// continues with the rest, and no progress at all is an error.
template <class Op>
void full_transfer(OsIo& os, const char* what, const std::string& node, std::uint64_t addr, std::size_t n, Op op) {
  std::size_t done = 0;
  int stalls = 0;
  while (done < n) {
    const ssize_t r = op(done);
    if (r < 0) {
      if (os.err() == EINTR) continue;
      throw DeviceError(std::string(what) + " " + node + " at " + hex(addr + done) + ": " + std::strerror(os.err()));
    }
    if (r == 0) {
      if (++stalls > 3) {
        throw DeviceError(std::string(what) + " " + node + " at " + hex(addr + done) + ": no progress after " +
                          std::to_string(done) + " of " + std::to_string(n) + " bytes");
      }
      continue;
    }
    stalls = 0;
    done += static_cast<std::size_t>(r);
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

// ---------------------------------------------------------------- XDMA

int XdmaDevice::open_node(const std::string& suffix, int flags) {
  const std::string node = path_ + suffix;
  int fd;
  do {
    fd = os_.open(node, flags);
  } while (fd < 0 && os_.err() == EINTR);
  if (fd < 0) {
    throw DeviceError("cannot open " + node + ": " + std::strerror(os_.err()) +
                      " (is the XDMA driver loaded and the bitstream programmed? see docs/fpga.md)");
  }
  return fd;
}

XdmaDevice::XdmaDevice(const std::string& path, OsIo& os, CardMemory mem)
    : BoardDevice(mem), os_(os), path_(path) {
  user_ = open_node("_user", O_RDWR);
  h2c_ = open_node("_h2c_0", O_WRONLY);
  c2h_ = open_node("_c2h_0", O_RDONLY);
  events_ = open_node("_events_0", O_RDONLY);
  check_id(*this);
}

XdmaDevice::~XdmaDevice() {
  for (int fd : {user_, h2c_, c2h_, events_}) {
    if (fd >= 0) os_.close(fd);
  }
}

std::uint32_t XdmaDevice::read32(std::uint32_t offset) {
  check_reg(offset);
  std::uint32_t v = 0;
  ssize_t r;
  do {
    r = os_.pread(user_, &v, 4, offset);
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
    r = os_.pwrite(user_, &value, 4, offset);
  } while (r < 0 && os_.err() == EINTR);
  if (r != 4) {
    throw DeviceError(path_ + "_user: register write at " + hex(offset) +
                      (r < 0 ? std::string(": ") + std::strerror(os_.err()) : ": short write of " + std::to_string(r) + " bytes"));
  }
}

void XdmaDevice::copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) {
  if (!alloc_.contains(addr, bytes)) {
    throw DeviceError("copy to card: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside card memory");
  }
  const auto* p = static_cast<const std::uint8_t*>(src);
  full_transfer(os_, "write to", path_ + "_h2c_0", addr, bytes, [&](std::size_t done) {
    return os_.pwrite(h2c_, p + done, bytes - done, static_cast<off_t>(addr + done));
  });
}

void XdmaDevice::copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) {
  if (!alloc_.contains(addr, bytes)) {
    throw DeviceError("copy from card: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside card memory");
  }
  auto* p = static_cast<std::uint8_t*>(dst);
  full_transfer(os_, "read from", path_ + "_c2h_0", addr, bytes, [&](std::size_t done) {
    return os_.pread(c2h_, p + done, bytes - done, static_cast<off_t>(addr + done));
  });
}

void XdmaDevice::wait_done(const Timeout& timeout) {
  wait_with_recovery(*this, timeout, [&](int ms) {
    const int r = os_.poll_in(events_, ms);
    if (r < 0 && os_.err() != EINTR) throw DeviceError(path_ + "_events_0: poll: " + std::strerror(os_.err()));
    if (r > 0) {
      std::uint32_t count;
      ssize_t n;
      do {
        n = os_.read(events_, &count, 4);
      } while (n < 0 && os_.err() == EINTR);
      if (n != 4) throw DeviceError(path_ + "_events_0: short event read");
    }
  });
}

// ---------------------------------------------------------------- UIO

UioDevice::UioDevice(const std::string& path, OsIo& os, UioRegion region)
    : BoardDevice({region.phys_base, region.size}), os_(os), path_(path) {
  if (region.size == 0) throw DeviceError(path + ": the buffer region (UIO map 1) has no size; see docs/fpga.md");
  do {
    fd_ = os_.open(path, O_RDWR);
  } while (fd_ < 0 && os_.err() == EINTR);
  if (fd_ < 0) throw DeviceError("cannot open " + path + ": " + std::strerror(os_.err()));
  const long page = sysconf(_SC_PAGESIZE);
  regs_ = os_.mmap(0x1000, fd_, 0);
  if (!regs_) throw DeviceError(path + ": cannot map the registers (map 0): " + std::strerror(os_.err()));
  buf_ = static_cast<std::uint8_t*>(os_.mmap(region.size, fd_, page));
  if (!buf_) throw DeviceError(path + ": cannot map the buffer region (map 1): " + std::strerror(os_.err()));
  check_id(*this);
}

UioDevice::~UioDevice() {
  if (buf_) os_.munmap(buf_, mem_.size);
  if (regs_) os_.munmap(regs_, 0x1000);
  if (fd_ >= 0) os_.close(fd_);
}

std::uint32_t UioDevice::read32(std::uint32_t offset) {
  check_reg(offset);
  const std::uint32_t v = os_.mmio_read32(regs_, offset);
  if (v == 0xffffffffu && (offset == isa::reg::ID_MAGIC || os_.mmio_read32(regs_, isa::reg::ID_MAGIC) == 0xffffffffu)) {
    throw DeviceError(path_ + ": register " + hex(offset) + " reads all ones: the device is not responding");
  }
  return v;
}

void UioDevice::write32(std::uint32_t offset, std::uint32_t value) {
  check_reg(offset);
  os_.mmio_write32(regs_, offset, value);
}

void UioDevice::copy_to_device(std::uint64_t addr, const void* src, std::size_t bytes) {
  if (!alloc_.contains(addr, bytes)) {
    throw DeviceError("copy to buffer region: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside it");
  }
  std::memcpy(buf_ + (addr - mem_.base), src, bytes);
}

void UioDevice::copy_from_device(void* dst, std::uint64_t addr, std::size_t bytes) {
  if (!alloc_.contains(addr, bytes)) {
    throw DeviceError("copy from buffer region: [" + hex(addr) + ", +" + std::to_string(bytes) + ") is outside it");
  }
  std::memcpy(dst, buf_ + (addr - mem_.base), bytes);
}

void UioDevice::wait_done(const Timeout& timeout) {
  wait_with_recovery(*this, timeout, [&](int ms) {
    const std::uint32_t enable = 1;  // UIO: re-arm the interrupt
    ssize_t n;
    do {
      n = os_.write(fd_, &enable, 4);
    } while (n < 0 && os_.err() == EINTR);
    const int r = os_.poll_in(fd_, ms);
    if (r < 0 && os_.err() != EINTR) throw DeviceError(path_ + ": poll: " + std::strerror(os_.err()));
    if (r > 0) {
      std::uint32_t count;
      do {
        n = os_.read(fd_, &count, 4);
      } while (n < 0 && os_.err() == EINTR);
      if (n != 4) throw DeviceError(path_ + ": short interrupt read");
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
  if (d.path.empty()) throw DeviceError("device '" + spec + "': no device node");
  {  // optional @base:size: the UIO buffer region, or the card memory for XDMA
    const auto at = d.path.find('@');
    if (at != std::string::npos) {
      const std::string region = d.path.substr(at + 1);
      d.path = d.path.substr(0, at);
      const auto c = region.find(':');
      if (c == std::string::npos) throw DeviceError("device '" + spec + "': region must be @phys_base:size");
      try {
        d.uio.phys_base = std::stoull(region.substr(0, c), nullptr, 0);
        d.uio.size = std::stoull(region.substr(c + 1), nullptr, 0);
        d.has_region = true;
      } catch (const std::exception&) {
        throw DeviceError("device '" + spec + "': region must be @phys_base:size (numbers)");
      }
    }
  }
  return d;
}

}  // namespace abacus
