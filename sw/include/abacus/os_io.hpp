// The thin OS-facing layer under the board drivers: file descriptors,
// positioned reads and writes, readiness, memory mappings and MMIO. The
// real implementation is POSIX; tests substitute an emulated device.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace abacus {

class OsIo {
 public:
  virtual ~OsIo() = default;
  // Each returns what its POSIX namesake returns; errors set err().
  virtual int open(const std::string& path, int flags) = 0;
  virtual int close(int fd) = 0;
  virtual ssize_t pread(int fd, void* buf, std::size_t n, off_t off) = 0;
  virtual ssize_t pwrite(int fd, const void* buf, std::size_t n, off_t off) = 0;
  virtual ssize_t read(int fd, void* buf, std::size_t n) = 0;
  virtual ssize_t write(int fd, const void* buf, std::size_t n) = 0;
  // > 0 readable, 0 timed out, < 0 error
  virtual int poll_in(int fd, int timeout_ms) = 0;
  virtual void* mmap(std::size_t len, int fd, off_t off) = 0;  // nullptr on failure
  virtual int munmap(void* p, std::size_t len) = 0;
  // 32-bit device register access through a mapping
  virtual std::uint32_t mmio_read32(void* base, std::uint32_t off) = 0;
  virtual void mmio_write32(void* base, std::uint32_t off, std::uint32_t v) = 0;
  virtual int err() const = 0;  // errno of the last failure
};

// The machine's own system calls.
OsIo& posix_os();

}  // namespace abacus
