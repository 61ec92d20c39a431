// The board drivers' real code paths (XdmaDevice, UioDevice) over an
// emulation of the kernel drivers (tb/emulated_board.hpp) backed by the
// simulator: full GEMMs bit-exact, what the real drivers do under signals,
// interrupts, sharing and failures, and the emulation's own strictness
// (it must reject what the kernel rejects, or the driver tests prove
// nothing).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "abacus/board_device.hpp"
#include "abacus/isa.hpp"
#include "abacus/ref/gemm.hpp"
#include "abacus/ref/random.hpp"
#include "abacus/runtime.hpp"
#include "common/seed.hpp"
#include "emulated_board.hpp"
#include "random_gemm.hpp"

namespace {

using namespace abacus;
using tb::EmulatedBoard;
using tb::EmulationViolation;

using tb::RandomGemm;

RandomGemm make(int m, int n, int k, std::uint64_t seed) {
  ref::Random r(seed);
  ref::OutputStageSpec spec;
  spec.bias_bound = 5000;
  spec.exp_lo = spec.exp_hi = 0;
  spec.zp_out_bound = 0;
  return tb::random_gemm(r, m, n, k, spec);
}

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const DeviceError& e) {
    return e.what();
  }
  return "(no error)";
}

class BoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = sim::test_seed(std::string("BoardTest.") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    start(0, EmulatedBoard::Board::vcu118);  // PCIe boards: card DDR at 0
  }
  // A fresh device and board; the emulated memory starts at `base`.
  void start(std::uint64_t base, EmulatedBoard::Board b) {
    board_.reset();
    SimDeviceOptions o;
    o.memory_base = base;
    o.memory_size = 16 << 20;
    o.mem_latency = 20;
    o.seed = seed_;
    o.rand_reset = sim::rand_reset_from_env();
    sim_ = std::make_unique<SimDevice>(o);
    board_ = std::make_unique<EmulatedBoard>(*sim_, b);
  }
  void start_soc() { start(0x8000'0000ULL, EmulatedBoard::Board::vcu118); }  // a SoC's reserved region
  void gemm_through(Device& dev, int m, int n, int k) {
    const RandomGemm g = make(m, n, k, seed_ + static_cast<std::uint64_t>(m));
    std::vector<std::int8_t> got(g.want.size());
    gemm(dev, g.problem(), got.data());
    EXPECT_EQ(got, g.want) << dev.name() << " " << m << "x" << n << "x" << k << " seed " << seed_;
  }
  // bytes at an odd address and of an odd length (an unaligned head and
  // tail), there and back, the bytes around them untouched
  void odd_copy(Device& dev) {
    const std::uint64_t base = dev.alloc(2048);
    std::vector<std::uint8_t> around(2048, 0xa5), data(903), back(903), all(2048);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 13 + 7);
    dev.copy_to_device(base, around.data(), around.size());
    dev.copy_to_device(base + 3, data.data(), data.size());
    dev.copy_from_device(back.data(), base + 3, back.size());
    EXPECT_EQ(back, data);
    dev.copy_from_device(all.data(), base, all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (i < 3 || i >= 3 + data.size()) {
        ASSERT_EQ(all[i], 0xa5) << "byte " << i << " next to the copy was changed";
      }
    }
  }
  std::uint64_t seed_ = 0;
  std::unique_ptr<SimDevice> sim_;
  std::unique_ptr<EmulatedBoard> board_;
};

// ---------------------------------------------------------------- XDMA

TEST_F(BoardTest, XdmaGemmBitExactOnTheIdentifiedBoard) {
  XdmaDevice dev("/dev/xdma0", *board_);
  EXPECT_STREQ(dev.board().name, "VCU118");
  EXPECT_EQ(dev.memory_base(), 0u);
  EXPECT_EQ(dev.memory_size(), 2ULL << 30);  // what the VCU118's controller decodes
  EXPECT_EQ(read_config(dev).rows, unsigned{ABACUS_ARRAY});
  gemm_through(dev, 37, 50, 70);
  gemm_through(dev, 20, 20, 20);
  odd_copy(dev);
  EXPECT_GE(board_->interrupts_seen(), 2) << "the driver must wait on events_0, not spin on STATUS";
}

TEST_F(BoardTest, XdmaHoldsSignalsDuringDma) {
  // The XDMA driver aborts a transfer that an unblocked signal interrupts
  // (partial count or ETIMEDOUT); the driver holds signals back meanwhile:
  // a profiler's SIGPROF, a timer, Ctrl-C and Ctrl-Z, a child, a resize.
  XdmaDevice dev("/dev/xdma0", *board_);
  for (int sig : {SIGALRM, SIGPROF, SIGINT, SIGTSTP, SIGCHLD, SIGWINCH, SIGUSR1, SIGTERM}) {
    board_->signal_during_dma = sig;
    odd_copy(dev);
    sigset_t now;
    pthread_sigmask(SIG_SETMASK, nullptr, &now);
    EXPECT_FALSE(sigismember(&now, sig)) << "the signal mask is restored after each transfer";
  }
  board_->signal_during_dma = SIGALRM;
  gemm_through(dev, 24, 24, 40);
  // interruptible waits (poll, the event read) see EINTR and retry
  board_->eintr_every = 3;
  gemm_through(dev, 16, 24, 32);
}

TEST_F(BoardTest, XdmaShortCountsAreErrors) {
  XdmaDevice dev("/dev/xdma0", *board_);
  std::vector<std::uint8_t> data(12 << 20, 0x5a);  // two sub-transfers of the XDMA driver
  const std::uint64_t at = dev.alloc(data.size());
  board_->dma_fail_every = 1;  // an engine error in the second: the driver returns the first's 8 MiB
  std::string e = error_of([&] { dev.copy_to_device(at, data.data(), data.size()); });
  EXPECT_NE(e.find("moved 8388608 of 12582912 bytes"), std::string::npos) << e;
  e = error_of([&] { dev.copy_from_device(data.data(), at, 4096); });  // nothing moved: EIO
  EXPECT_NE(e.find("xdma0_c2h_0 at 0x0: Input/output error"), std::string::npos) << e;
  // an abort the driver could not hold back (SIGSTOP, the freezer) is retried once
  board_->dma_fail_every = 0;
  board_->abort_next = 1;
  dev.copy_to_device(at, data.data(), 4096);
  EXPECT_EQ(board_->abort_next, 0);
  board_->abort_next = 2;
  e = error_of([&] { dev.copy_to_device(at, data.data(), 4096); });
  EXPECT_NE(e.find("Connection timed out"), std::string::npos) << e;
  board_->dma_fail_every = 0;
  board_->short_every = 1;  // a short register access is an error, never a half value
  EXPECT_THROW(dev.read32(isa::reg::STATUS), DeviceError);
  EXPECT_THROW(dev.write32(isa::reg::PROG_COUNT, 1), DeviceError);
}

TEST_F(BoardTest, XdmaStagesReadOnlySources) {
  XdmaDevice dev("/dev/xdma0", *board_);
  const std::size_t len = 3 * 4096;
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  auto* bytes = static_cast<std::uint8_t*>(p);
  for (std::size_t i = 0; i < len; ++i) bytes[i] = static_cast<std::uint8_t>(i * 31);
  ASSERT_EQ(mprotect(p, len, PROT_READ), 0);  // like an mmap'ed weights file
  const std::uint64_t at = dev.alloc(len);
  dev.copy_to_device(at, bytes + 100, len - 200);
  std::vector<std::uint8_t> back(len - 200);
  dev.copy_from_device(back.data(), at, back.size());
  EXPECT_EQ(0, std::memcmp(back.data(), bytes + 100, back.size()));
  munmap(p, len);
}

TEST_F(BoardTest, Vc707DecodesOneGiB) {
  start(0, EmulatedBoard::Board::vc707);
  {
    XdmaDevice dev("/dev/xdma0", *board_);
    EXPECT_STREQ(dev.board().name, "VC707");
    EXPECT_EQ(dev.memory_size(), 1ULL << 30);
    std::uint8_t b[64] = {};
    const std::string e = error_of([&] { dev.copy_to_device(1ULL << 30, b, sizeof b); });
    EXPECT_NE(e.find("outside card memory"), std::string::npos) << e;  // not aliased onto address 0
    gemm_through(dev, 16, 16, 16);
  }
  // what the driver protects against: the controller decodes 30 bits, so
  // 1 GiB + 64 is address 64 again
  {
    OsIo& os = *board_;
    const int h2c = os.open("/dev/xdma0_h2c_0", O_WRONLY), c2h = os.open("/dev/xdma0_c2h_0", O_RDONLY);
    std::vector<std::uint8_t> mark(64, 0x3c), back(64);
    ASSERT_EQ(os.pwrite(h2c, mark.data(), 64, (1 << 30) + 64), 64);
    ASSERT_EQ(os.pread(c2h, back.data(), 64, 64), 64);
    EXPECT_EQ(back, mark);
    os.close(h2c);
    os.close(c2h);
  }
  // a larger card memory than the board decodes is refused
  const std::string e = error_of([&] { XdmaDevice("/dev/xdma0", *board_, CardMemory{0, 2ULL << 30}); });
  EXPECT_NE(e.find("not inside what the VC707 decodes"), std::string::npos) << e;
  XdmaDevice part("/dev/xdma0", *board_, CardMemory{0, 64ULL << 20});  // a range inside it is fine
  EXPECT_EQ(part.memory_size(), 64ULL << 20);
}

TEST_F(BoardTest, XdmaRefusesWhatItCannotDriveSafely) {
  board_->intx = true;  // legacy interrupts: the driver never masks Abacus's level interrupt
  std::string e = error_of([&] { XdmaDevice("/dev/xdma0", *board_); });
  EXPECT_NE(e.find("not MSI"), std::string::npos) << e;
  board_->intx = false;
  board_->set_file("/sys/class/xdma/xdma0_user/device/device", "0x9034\n");
  e = error_of([&] { XdmaDevice("/dev/xdma0", *board_); });
  EXPECT_NE(e.find("not an Abacus board"), std::string::npos) << e;
  board_->set_file("/sys/class/xdma/xdma0_user/device/device", "garbage\n");
  e = error_of([&] { XdmaDevice("/dev/xdma0", *board_); });
  EXPECT_NE(e.find("device holds 'garbage', not a number"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line";
  board_->remove_file("/sys/class/xdma/xdma0_user/device/device");
  e = error_of([&] { XdmaDevice("/dev/xdma0", *board_); });
  EXPECT_NE(e.find("cannot identify the card from /sys/class/xdma/xdma0_user/device/device"), std::string::npos) << e;
}

// ---------------------------------------------------------------- UIO

TEST_F(BoardTest, UioGemmBitExactWithReArmedInterrupts) {
  start_soc();
  UioDevice dev("/dev/uio0", *board_);  // the region from sysfs
  EXPECT_TRUE(dev.has_interrupt());
  EXPECT_EQ(dev.memory_base(), sim_->memory_base());
  gemm_through(dev, 20, 33, 45);
  gemm_through(dev, 16, 16, 48);  // the handler disabled the interrupt: the driver must re-enable it
  odd_copy(dev);                  // device memory: aligned words only
  EXPECT_GE(board_->interrupts_seen(), 2);
  EXPECT_EQ(board_->missed_interrupts(), 0) << "a wait timed out with the interrupt line up";
}

TEST_F(BoardTest, UioRegionMustMatchSysfs) {
  start_soc();
  const std::uint64_t base = sim_->memory_base(), size = sim_->memory_size();
  std::string e = error_of([&] { UioDevice("/dev/uio0", *board_, UioRegion{base + 0x10000, size / 2}); });
  EXPECT_NE(e.find("does not match UIO map 1"), std::string::npos) << e;
  e = error_of([&] { UioDevice("/dev/uio0", *board_, UioRegion{base, 2 * size}); });
  EXPECT_NE(e.find("does not match UIO map 1"), std::string::npos) << e;
  UioDevice dev("/dev/uio0", *board_, UioRegion{base, size / 2});  // a part of it is fine
  EXPECT_EQ(dev.memory_size(), size / 2);
}

TEST_F(BoardTest, UioWithoutInterruptPolls) {
  start_soc();
  board_->uio_irq = false;  // write/read: EIO, poll: POLLERR
  {
    UioDevice dev("/dev/uio0", *board_);
    EXPECT_FALSE(dev.has_interrupt());
    gemm_through(dev, 16, 20, 24);
  }
  board_->uio_irq = true;
  board_->uio_irqcontrol = false;  // an interrupt but no control over it: write gives ENOSYS
  UioDevice dev("/dev/uio0", *board_);
  EXPECT_FALSE(dev.has_interrupt());
  gemm_through(dev, 16, 16, 16);
}

TEST_F(BoardTest, UioRefusesOtherDevicesAndUnalignedMaps) {
  start_soc();
  board_->set_file("/sys/class/uio/uio0/name", "fpga-manager\n");
  std::string e = error_of([&] { UioDevice("/dev/uio0", *board_); });
  EXPECT_NE(e.find("not an Abacus UIO device"), std::string::npos) << e;
  board_->set_file("/sys/class/uio/uio0/name", "abacus\n");
  board_->set_file("/sys/class/uio/uio0/maps/map1/offset", "0x200\n");  // reg entry 512 bytes into a page
  e = error_of([&] { UioDevice("/dev/uio0", *board_); });
  EXPECT_NE(e.find("starts 0x200 bytes into its page"), std::string::npos) << e;
  EXPECT_EQ(board_->open_fds(), 0);
}

// ---------------------------------------------------------------- both

TEST_F(BoardTest, ExclusiveAccess) {
  {
    XdmaDevice first("/dev/xdma0", *board_);
    const std::string e = error_of([&] { XdmaDevice("/dev/xdma0", *board_); });
    EXPECT_NE(e.find("in use by another process"), std::string::npos) << e;
    EXPECT_EQ(board_->open_fds(), 4) << "the refused open left descriptors behind";
  }
  { XdmaDevice again("/dev/xdma0", *board_); }  // released with the first
  start_soc();
  UioDevice first("/dev/uio0", *board_);
  const std::string e = error_of([&] { UioDevice("/dev/uio0", *board_); });
  EXPECT_NE(e.find("in use by another process"), std::string::npos) << e;
}

TEST_F(BoardTest, NothingLeaksWhenOpeningFails) {
  board_->wrong_magic = true;
  EXPECT_THROW(XdmaDevice("/dev/xdma0", *board_), DeviceError);
  EXPECT_EQ(board_->open_fds(), 0);
  start_soc();
  board_->wrong_magic = true;
  EXPECT_THROW(UioDevice("/dev/uio0", *board_), DeviceError);
  EXPECT_EQ(board_->open_fds(), 0);
  EXPECT_EQ(board_->live_mappings(), 0);
}

TEST_F(BoardTest, RefusesWhatItDoesNotUnderstand) {
  board_->all_ones = true;  // link down
  std::string e = error_of([&] { XdmaDevice("/dev/xdma0", *board_); });
  EXPECT_NE(e.find("not responding"), std::string::npos) << e;
  board_->all_ones = false;
  EXPECT_THROW(XdmaDevice("/dev/xdma7", *board_), DeviceError);  // no such card
  XdmaDevice dev("/dev/xdma0", *board_);
  EXPECT_THROW(dev.read32(0x1001), DeviceError);  // unaligned
  EXPECT_THROW(dev.read32(0x2000), DeviceError);  // past the register space
  std::uint8_t b[16] = {};
  EXPECT_THROW(dev.copy_to_device(dev.memory_size() - 8, b, 16), DeviceError);  // past the end
  EXPECT_THROW(dev.copy_to_device(~std::uint64_t(0) - 4, b, 16), DeviceError);  // wraps
  EXPECT_THROW(dev.alloc(dev.memory_size() + 1), DeviceError);
}

TEST_F(BoardTest, TimeoutReportsAndRecoversBySoftReset) {
  for (bool uio : {false, true}) {
    if (uio) start_soc();
    std::unique_ptr<Device> dev;
    if (uio) dev = std::make_unique<UioDevice>("/dev/uio0", *board_);
    else dev = std::make_unique<XdmaDevice>("/dev/xdma0", *board_);
    // a program far longer than the (wall-clock) timeout: 4000 LOADs of 4 KiB,
    // a million cycles or more; SOFT_RESET drops what is queued
    Program p;
    for (int i = 0; i < 4000; ++i) p.load({sim_->memory_base(), 16, 256, 256, 0, 256});
    p.finish();
    Timeout t;
    t.ms = 50;
    try {
      run_program(*dev, p, t);
      ADD_FAILURE() << dev->name() << ": expected a timeout";
    } catch (const TimeoutError& e) {
      const std::string w = e.what();
      EXPECT_NE(w.find("STATUS=0x1"), std::string::npos) << w;
      EXPECT_NE(w.find("recovered by soft reset"), std::string::npos) << w;
    }
    EXPECT_EQ(dev->read32(isa::reg::STATUS) & isa::status::BUSY, 0u);
    gemm_through(*dev, 16, 16, 16);  // the next job runs, nothing reloaded
  }
}

TEST(DeviceSpec, ParsesStrictly) {
  DeviceSpec d = parse_device_spec("uio:/dev/uio1@0x80000000:0x1000000");
  EXPECT_EQ(d.path, "/dev/uio1");
  ASSERT_TRUE(d.region.has_value());
  EXPECT_EQ(d.region->phys_base, 0x80000000u);
  EXPECT_EQ(d.region->size, 0x1000000u);
  EXPECT_FALSE(parse_device_spec("xdma:/dev/xdma0").region.has_value());
  for (const char* bad : {"xdma:/dev/xdma0_user", "xdma:/dev/xdma0_h2c_0", "uio:/dev/uio0@0x1000:16zz",
                          "uio:/dev/uio0@ 1:16", "uio:/dev/uio0@-1:16", "uio:/dev/uio0@1:0", "uio:/dev/uio0@1",
                          "uio:/dev/uio0@0x:16", "uio:/dev/uio0@99999999999999999999999:16", "xdma:", "pcie:/dev/x"}) {
    EXPECT_THROW(parse_device_spec(bad), DeviceError) << bad;
  }
}

// ---------------------------------------------------------------- the emulation itself

TEST_F(BoardTest, EmulationRejectsWhatTheKernelRejects) {
  OsIo& os = *board_;
  const int user = os.open("/dev/xdma0_user", O_RDWR);
  const int h2c = os.open("/dev/xdma0_h2c_0", O_WRONLY);
  const int events = os.open("/dev/xdma0_events_0", O_RDONLY);
  std::uint32_t v = 0;
  EXPECT_EQ(os.pread(user, &v, 4, 2), -1);  // user node: 4-aligned offsets only
  EXPECT_EQ(os.err(), EPROTO);
  std::uint64_t wide = 0;
  EXPECT_EQ(os.read(events, &wide, 8), -1);  // events: exactly 4 bytes
  EXPECT_EQ(os.err(), EPROTO);
  std::uint8_t small[64] = {};
  EXPECT_EQ(os.pread(h2c, small, 64, 0), -1);  // h2c opened write-only
  EXPECT_EQ(os.err(), EBADF);
  EXPECT_EQ(os.poll_in(h2c, 0), 1);  // no .poll of its own: "ready" at once, which means nothing
  static const std::uint8_t rodata[64] = {1};
  EXPECT_EQ(os.pwrite(h2c, rodata, sizeof rodata, 0), -1);  // pinned for writing
  EXPECT_EQ(os.err(), EFAULT);
  std::vector<std::uint8_t> buf(8192, 1);
  board_->signal_during_dma = SIGALRM;  // not blocked here: the transfer is aborted
  EXPECT_EQ(os.pwrite(h2c, buf.data(), buf.size(), 0), -1);  // under one sub-transfer: nothing moved
  EXPECT_EQ(os.err(), ETIMEDOUT);
  board_->signal_during_dma = 0;
  board_->forever_cycles = 10000;
  EXPECT_THROW(os.read(events, &v, 4), EmulationViolation);  // nothing latched, nothing coming: blocks forever
  for (int fd : {user, h2c, events}) os.close(fd);

  start_soc();
  OsIo& uos = *board_;
  board_->forever_cycles = 10000;
  const int ro = uos.open("/dev/uio0", O_RDONLY);
  EXPECT_EQ(uos.mmap(4096, ro, 0), nullptr);  // a shared writable mapping needs a read-write open
  EXPECT_EQ(uos.err(), EACCES);
  uos.close(ro);
  const int fd = uos.open("/dev/uio0", O_RDWR);
  EXPECT_EQ(uos.mmap(4096, fd, 1), nullptr);  // offsets are whole pages
  EXPECT_EQ(uos.err(), EINVAL);
  EXPECT_EQ(uos.mmap(8192, fd, 0), nullptr);  // longer than map 0
  EXPECT_EQ(uos.mmap(4096, fd, 2 * 4096), nullptr);  // no map 2
  void* regs = uos.mmap(4096, fd, 0);
  void* mem = uos.mmap(4096, fd, 4096);
  ASSERT_NE(regs, nullptr);
  ASSERT_NE(mem, nullptr);
  EXPECT_THROW(uos.mmio_write32(mem, 2, 0), EmulationViolation);  // unaligned on device memory
  uos.mmio_write64(mem, 8, 42);
  EXPECT_THROW(uos.mmio_write32(regs, isa::reg::CTRL, 0), EmulationViolation);  // no barrier after buffer writes
  uos.barrier();
  uos.mmio_write32(regs, isa::reg::IRQ_STATUS, 0);
  (void)uos.mmio_read32(regs, isa::reg::STATUS);
  EXPECT_THROW(uos.mmio_read64(mem, 8), EmulationViolation);  // no barrier after the register read
  uos.barrier();
  EXPECT_EQ(uos.mmio_read64(mem, 8), 42u);
  std::uint32_t zero = 0;
  EXPECT_EQ(uos.write(fd, &zero, 2), -1);  // exactly 4 bytes
  EXPECT_EQ(uos.err(), EINVAL);
  EXPECT_EQ(uos.write(fd, &zero, 4), 4);  // 0 disables the interrupt...
  EXPECT_THROW(uos.read(fd, &v, 4), EmulationViolation);  // ...so a read would block forever
  uos.munmap(regs, 4096);
  uos.munmap(mem, 4096);
  uos.close(fd);
}

}  // namespace
