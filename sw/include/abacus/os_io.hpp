// The thin OS-facing layer under the board drivers: file descriptors,
// positioned reads and writes, readiness, locks, sysfs attributes, memory
// mappings, device-memory access and barriers. The real implementation is
// POSIX; tests substitute an emulation of the kernel drivers
// (tb/emulated_board.hpp).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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
  // > 0 readable (POLLIN), 0 timed out, < 0 error: the call failed, or the
  // node reported POLLERR/POLLHUP/POLLNVAL (err() EIO)
  virtual int poll_in(int fd, int timeout_ms) = 0;
  // flock(fd, LOCK_EX | LOCK_NB): 0, or -1 with err() EWOULDBLOCK when
  // another open file holds it
  virtual int lock_exclusive(int fd) = 0;
  // The contents of a (sysfs) file, or false with err() set.
  virtual bool read_text(const std::string& path, std::string& out) = 0;
  // The names in a directory (without . and ..), or false with err() set.
  virtual bool list_dir(const std::string& path, std::vector<std::string>& names) = 0;
  virtual long page_size() = 0;
  virtual void* mmap(std::size_t len, int fd, off_t off) = 0;  // nullptr on failure
  virtual int munmap(void* p, std::size_t len) = 0;
  // Aligned accesses to a device mapping (registers, or a buffer region the
  // kernel maps uncached): the offset must be a multiple of the width. On
  // arm64 such a mapping is device memory, where an unaligned access (as
  // memcpy makes) raises SIGBUS: nothing else may touch it.
  virtual std::uint32_t mmio_read32(void* base, std::uint64_t off) = 0;
  virtual void mmio_write32(void* base, std::uint64_t off, std::uint32_t v) = 0;
  virtual std::uint64_t mmio_read64(void* base, std::uint64_t off) = 0;
  virtual void mmio_write64(void* base, std::uint64_t off, std::uint64_t v) = 0;
  // A full memory barrier between device-memory accesses (arm64: dsb sy):
  // buffer writes before the register write that starts the device, the
  // register read that sees it done before the buffer reads.
  virtual void barrier() = 0;
  virtual int err() const = 0;  // errno of the last failure
};

// The machine's own system calls.
OsIo& posix_os();

}  // namespace abacus
