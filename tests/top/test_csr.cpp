// CSR suites in the OpenTitan manner, driven by the register table generated
// from rtl/isa/abacus_isa.json (isa::kRegisters: reset value, the bits that
// hold a write, the write-1 pulse and write-1-clear bits): reset values,
// read/write of every writable register, bit bash, aliasing (a write to one
// register changes no other) and the reserved space (every unmapped offset
// answers SLVERR and changes nothing).
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "abacus/isa.hpp"
#include "abacus/runtime.hpp"
#include "abacus/sim_device.hpp"
#include "common/seed.hpp"

namespace {

using namespace abacus;
using isa::kRegisters;
using isa::RegisterInfo;

class CsrSuite : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    seed_ = sim::test_seed(std::string("CsrSuite.") + info->name());
    rng_.seed(seed_);
    SimDeviceOptions o;
    o.memory_size = 1 << 20;
    o.seed = seed_;
    o.rand_reset = sim::rand_reset_from_env();
    dev_ = std::make_unique<SimDevice>(o);
  }
  std::uint32_t rand32() { return static_cast<std::uint32_t>(rng_()); }
  // Every register's value now; config registers included (they must not change either).
  std::map<std::uint32_t, std::uint32_t> snapshot() {
    std::map<std::uint32_t, std::uint32_t> m;
    for (const RegisterInfo& r : kRegisters) m[r.offset] = dev_->read32(r.offset);
    return m;
  }
  // What a register reads after `value` was written over `before`.
  static std::uint32_t after_write(const RegisterInfo& r, std::uint32_t before, std::uint32_t value) {
    std::uint32_t v = (before & ~r.wmask) | (value & r.wmask);
    v &= ~(value & r.w1c);
    return v;
  }
  // Writes that start nothing: pulse bits (START, SOFT_RESET) kept 0.
  static std::uint32_t safe(const RegisterInfo& r, std::uint32_t value) { return value & ~r.pulse; }
  std::uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  std::unique_ptr<SimDevice> dev_;
};

TEST_F(CsrSuite, ResetValues) {
  int checked = 0;
  for (const RegisterInfo& r : kRegisters) {
    const std::uint32_t v = dev_->read32(r.offset);
    if (r.reset_is_config) {
      // set by the build's parameters (TopTest.IdAndRegisters checks each against
      // the 16x16 configuration); BUILD_ID is 0 in simulation, the rest never are
      if (std::string(r.name) == "BUILD_ID") {
        EXPECT_EQ(v, 0u) << "BUILD_ID in simulation";
      } else {
        EXPECT_NE(v, 0u) << r.name << ": a configuration register reads 0";
      }
      continue;
    }
    EXPECT_EQ(v, r.reset) << r.name << " (offset 0x" << std::hex << r.offset << ") after reset, seed " << std::dec << seed_;
    ++checked;
  }
  EXPECT_GE(checked, 30);
}

TEST_F(CsrSuite, ReadWriteEveryRegister) {
  for (const RegisterInfo& r : kRegisters) {
    if (r.wmask == 0 && r.w1c == 0) {
      // read-only: a write answers OKAY and changes nothing
      const std::uint32_t before = dev_->read32(r.offset);
      dev_->write32(r.offset, rand32());
      EXPECT_EQ(dev_->read32(r.offset), before) << r.name << " is read-only, seed " << seed_;
      continue;
    }
    for (int i = 0; i < 8; ++i) {
      const std::uint32_t before = dev_->read32(r.offset);
      const std::uint32_t value = safe(r, rand32());
      dev_->write32(r.offset, value);
      EXPECT_EQ(dev_->read32(r.offset), after_write(r, before, value))
          << r.name << " after writing 0x" << std::hex << value << " over 0x" << before << ", seed " << std::dec << seed_;
    }
  }
}

TEST_F(CsrSuite, BitBash) {
  for (const RegisterInfo& r : kRegisters) {
    if (r.wmask == 0) continue;
    for (unsigned b = 0; b < 32; ++b) {
      const std::uint32_t bit = 1u << b;
      for (std::uint32_t base : {0u, 0xffffffffu}) {  // walking one over zeros, walking zero over ones
        const std::uint32_t value = safe(r, base ^ bit);
        const std::uint32_t before = dev_->read32(r.offset);
        dev_->write32(r.offset, value);
        ASSERT_EQ(dev_->read32(r.offset), after_write(r, before, value))
            << r.name << " bit " << b << ((r.wmask & bit) ? " (writable)" : " (fixed)") << " with the others "
            << (base ? "set" : "clear");
      }
    }
  }
}

// AXI4-Lite byte strobes: a write changes only the bytes it strobes (of
// the writable bits); CTRL's action bits sit in byte 0, so a write that
// does not strobe byte 0 starts and resets nothing.
TEST_F(CsrSuite, ByteStrobes) {
  for (const RegisterInfo& r : kRegisters) {
    if (r.wmask == 0 && r.w1c == 0) continue;
    for (unsigned strobes = 0; strobes < 16; ++strobes) {
      const std::uint32_t value = safe(r, rand32());
      std::uint32_t bytes = 0;
      for (unsigned b = 0; b < 4; ++b) bytes |= (strobes >> b & 1) ? 0xffu << (8 * b) : 0u;
      const std::uint32_t before = dev_->read32(r.offset);
      dev_->write32_strobed(r.offset, value, strobes);
      // the strobed bytes as write32 would leave them, the others as they were
      const std::uint32_t want = (after_write(r, before, value) & bytes) | (before & ~bytes);
      ASSERT_EQ(dev_->read32(r.offset), want) << r.name << " strobes 0x" << std::hex << strobes;
    }
  }
  // START in CTRL's byte 0, not strobed: nothing starts
  dev_->write32_strobed(isa::reg::CTRL, isa::ctrl::START, 0xe);
  dev_->step(20);
  EXPECT_EQ(dev_->read32(isa::reg::STATUS), 0u) << "a START without byte 0's strobe started a program";
}

TEST_F(CsrSuite, NoAliasing) {
  // random contents everywhere first, so no register happens to hold what an alias would write
  for (const RegisterInfo& r : kRegisters) {
    if (r.wmask) dev_->write32(r.offset, safe(r, rand32()));
  }
  for (const RegisterInfo& w : kRegisters) {
    if (w.wmask == 0 && w.w1c == 0) continue;
    for (int polarity = 0; polarity < 2; ++polarity) {  // every writable bit to both values
      auto before = snapshot();
      const std::uint32_t value = safe(w, ~before[w.offset] | w.w1c);
      dev_->write32(w.offset, value);
      before[w.offset] = after_write(w, before[w.offset], value);
      const auto now = snapshot();
      for (const RegisterInfo& r : kRegisters) {
        EXPECT_EQ(now.at(r.offset), before.at(r.offset))
            << "writing 0x" << std::hex << value << " to " << w.name << " changed " << r.name << ", seed " << std::dec
            << seed_;
      }
    }
  }
}

TEST_F(CsrSuite, ReservedSpaceAnswersSlverrAndChangesNothing) {
  std::vector<bool> mapped(1024, false);
  for (const RegisterInfo& r : kRegisters) mapped[r.offset / 4] = true;
  // a known state in every writable register, then every unmapped offset
  for (const RegisterInfo& r : kRegisters) {
    if (r.wmask) dev_->write32(r.offset, safe(r, rand32()));
  }
  const auto before = snapshot();
  int reserved = 0;
  for (std::uint32_t off = 0; off < 0x1000; off += 4) {
    if (mapped[off / 4]) continue;
    ++reserved;
    EXPECT_THROW(dev_->read32(off), DeviceError) << "read of unmapped offset 0x" << std::hex << off;
    EXPECT_THROW(dev_->write32(off, 0xffffffffu), DeviceError) << "write of unmapped offset 0x" << std::hex << off;
  }
  EXPECT_EQ(reserved, 1024 - static_cast<int>(std::size(kRegisters)));
  const auto after = snapshot();
  for (const RegisterInfo& r : kRegisters) {
    EXPECT_EQ(after.at(r.offset), before.at(r.offset)) << r.name << " changed by writes to the reserved space";
  }
}

}  // namespace
