// abacus-dma-bench: sustained DMA throughput on the verilated engine against
// the AXI memory model, as a fraction of the bus width, for long transfers
// at several memory latencies. Reads fill the whole 64 KiB scratchpad from
// DRAM; writes store it back.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "Vdma_128.h"
#include "Vdma_256.h"
#include "Vdma_64.h"
#include "dma_harness.hpp"

namespace {

constexpr std::uint64_t kBase = 0x8000'0000ULL;
constexpr unsigned kSpBytes = 65536;

struct Row {
  unsigned bits;
  bool store;
  unsigned latency;
  std::uint64_t bytes, cycles;
  bool ok;
};

template <class Model>
Row measure(unsigned bits, bool store, unsigned latency, unsigned bytes) {
  using namespace abacus::tb;
  const unsigned W = bits / 8;
  AxiMemConfig mc;
  mc.base = kBase;
  mc.size = 1 << 20;
  mc.data_bytes = W;
  mc.read_latency = latency;
  mc.write_latency = latency;
  AxiMem mem(mc);
  AxiMonitorConfig moncfg;
  moncfg.data_bytes = W;
  AxiMonitor mon(moncfg);
  SimOptions so;
  so.name = "dma_bench";
  Sim<Model> sim(so);
  DmaHarness<Model> dma(sim, mem, mon, kSpBytes);
  dma.set_window(kBase, kBase + mc.size);
  dma.reset();
  DmaDesc d;
  d.store = store;
  d.dram_addr = kBase + 4096;
  d.rows = 1;
  d.row_bytes = bytes;
  d.sp_stride = bytes;
  // one row of up to 64 KiB: bytes per row is a 16-bit field, so use rows of 32 KiB
  if (bytes > 32768) {
    d.rows = bytes / 32768;
    d.row_bytes = 32768;
    d.stride = 32768;
    d.sp_stride = 32768;
  }
  const DmaResult r = dma.run(d);
  return {bits, store, latency, std::uint64_t(d.rows) * d.row_bytes, r.cycles,
          r.status == DmaStatus::Ok && mon.violations().empty()};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measure sustained DMA read and write throughput on the verilated engine"};
  std::vector<unsigned> latencies{0, 100};
  std::vector<unsigned> widths{64, 128, 256};
  unsigned bytes = kSpBytes;
  app.add_option("--latency", latencies, "memory read/write latencies in cycles")->check(CLI::Range(0, 100000));
  app.add_option("--width", widths, "bus widths in bits (64, 128, 256)")->check(CLI::IsMember({64, 128, 256}));
  app.add_option("--bytes", bytes, "bytes per transfer (multiple of 32768 above 32 KiB)")
      ->check(CLI::Range(1u, kSpBytes));
  CLI11_PARSE(app, argc, argv);

  std::printf("DMA throughput: one %u-byte transfer, 8 outstanding bursts, measured from the\n"
              "descriptor handshake to done (includes the first-beat latency)\n\n", bytes);
  std::printf("%6s  %-5s  %7s  %8s  %8s  %11s  %7s\n", "width", "dir", "latency", "bytes", "cycles",
              "bytes/cycle", "of bus");
  bool all_ok = true;
  for (unsigned bits : widths) {
    for (unsigned lat : latencies) {
      for (bool store : {false, true}) {
        Row r = bits == 64    ? measure<Vdma_64>(bits, store, lat, bytes)
                : bits == 128 ? measure<Vdma_128>(bits, store, lat, bytes)
                              : measure<Vdma_256>(bits, store, lat, bytes);
        const double bpc = double(r.bytes) / double(r.cycles);
        std::printf("%6u  %-5s  %7u  %8llu  %8llu  %11.2f  %6.1f%%%s\n", bits, store ? "write" : "read", lat,
                    static_cast<unsigned long long>(r.bytes), static_cast<unsigned long long>(r.cycles), bpc,
                    100.0 * bpc / (bits / 8), r.ok ? "" : "  ERROR");
        all_ok &= r.ok;
      }
    }
  }
  return all_ok ? 0 : 1;
}
