#include "abacus/runtime.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>

#include "abacus/isa.hpp"
#include "abacus/util.hpp"

namespace abacus {

namespace {

std::uint64_t read64(Device& dev, std::uint32_t lo) {
  const std::uint64_t l = dev.read32(lo);
  return l | static_cast<std::uint64_t>(dev.read32(lo + 4)) << 32;
}

void write64(Device& dev, std::uint32_t lo, std::uint64_t v) {
  dev.write32(lo, static_cast<std::uint32_t>(v));
  dev.write32(lo + 4, static_cast<std::uint32_t>(v >> 32));
}


}  // namespace

HwConfig read_config(Device& dev) {
  const std::uint32_t magic = dev.read32(isa::reg::ID_MAGIC);
  if (magic == 0xffffffffu) {
    throw DeviceError(dev.name() + ": ID_MAGIC reads all ones: the device is not responding");
  }
  if (magic != isa::kIdMagic) {
    throw DeviceError(dev.name() + ": ID_MAGIC is " + hex(magic) + ", expected " + hex(isa::kIdMagic) +
                      ": not an Abacus bitstream");
  }
  HwConfig c;
  c.version = dev.read32(isa::reg::ID_VERSION);
  if ((c.version >> 16) != (isa::kIdVersion >> 16)) {
    throw DeviceError(dev.name() + ": hardware version " + hex(c.version) + " is not supported by this runtime (" +
                      hex(isa::kIdVersion) + ")");
  }
  const std::uint32_t arr = dev.read32(isa::reg::CFG_ARRAY);
  c.rows = arr & 0xffff;
  c.cols = arr >> 16;
  c.ibuf_rows = dev.read32(isa::reg::CFG_IBUF_ROWS);
  c.wbuf_rows = dev.read32(isa::reg::CFG_WBUF_ROWS);
  c.acc_rows = dev.read32(isa::reg::CFG_ACC_ROWS);
  c.obuf_rows = dev.read32(isa::reg::CFG_OBUF_ROWS);
  c.pbuf_slots = dev.read32(isa::reg::CFG_PBUF_SLOTS);
  const std::uint32_t bus = dev.read32(isa::reg::CFG_BUS);
  c.bus_bits = bus & 0xffff;
  c.insn_bytes = bus >> 16;
  const std::uint32_t map = dev.read32(isa::reg::CFG_SPAD_MAP);
  c.wbuf_sp_base = (map & 0xffff) * 1024;
  c.pbuf_sp_base = (map >> 16) * 1024;
  c.build_id = dev.read32(isa::reg::BUILD_ID);
  if ((c.version & 0xffffu) < 1) {
    throw DeviceError(dev.name() + ": hardware version " + hex(c.version) +
                      " predates CFG_OUTSTANDING (1.1); rebuild the bitstream from this tree");
  }
  const std::uint32_t out = dev.read32(isa::reg::CFG_OUTSTANDING);
  c.load_max_reads = out & 0xffu;
  c.fetch_max_reads = (out >> 8) & 0xffu;
  c.store_max_writes = (out >> 16) & 0xffu;
  if (c.insn_bytes != isa::kInstructionBytes || c.rows == 0 || c.cols == 0 || c.rows * 8 != c.bus_bits ||
      c.cols * 8 != c.bus_bits || c.load_max_reads == 0 || c.store_max_writes == 0) {
    throw DeviceError(dev.name() + ": unsupported configuration (array " + std::to_string(c.rows) + "x" +
                      std::to_string(c.cols) + ", bus " + std::to_string(c.bus_bits) + " bits, instruction " +
                      std::to_string(c.insn_bytes) + " bytes, " + std::to_string(c.load_max_reads) + " reads and " +
                      std::to_string(c.store_max_writes) + " writes in flight)");
  }
  return c;
}

PerfCounters& PerfCounters::operator+=(const PerfCounters& o) {
  cycles += o.cycles;
  macs += o.macs;
  bytes_read += o.bytes_read;
  bytes_written += o.bytes_written;
  load_busy += o.load_busy;
  load_stall += o.load_stall;
  compute_busy += o.compute_busy;
  compute_stall += o.compute_stall;
  store_busy += o.store_busy;
  store_stall += o.store_stall;
  return *this;
}

GemmStats& GemmStats::operator+=(const GemmStats& o) {
  perf += o.perf;
  estimated_cycles += o.estimated_cycles;
  dram_bytes += o.dram_bytes;
  instructions += o.instructions;
  programs += o.programs;
  if (o.fused_band) {
    fused_band = o.fused_band;
    fused_store_rows = o.fused_store_rows;
  }
  return *this;
}

PerfCounters read_perf(Device& dev) {
  PerfCounters p;
  p.cycles = read64(dev, isa::reg::PERF_CYCLES_LO);
  p.macs = read64(dev, isa::reg::PERF_MACS_LO);
  p.bytes_read = read64(dev, isa::reg::PERF_BYTES_READ_LO);
  p.bytes_written = read64(dev, isa::reg::PERF_BYTES_WRITTEN_LO);
  p.load_busy = dev.read32(isa::reg::PERF_LOAD_BUSY);
  p.load_stall = dev.read32(isa::reg::PERF_LOAD_STALL);
  p.compute_busy = dev.read32(isa::reg::PERF_COMPUTE_BUSY);
  p.compute_stall = dev.read32(isa::reg::PERF_COMPUTE_STALL);
  p.store_busy = dev.read32(isa::reg::PERF_STORE_BUSY);
  p.store_stall = dev.read32(isa::reg::PERF_STORE_STALL);
  return p;
}

void run_program(Device& dev, const Program& prog, const Timeout& timeout) {
  const std::vector<std::uint8_t> img = prog.bytes();
  const std::uint64_t addr = dev.alloc(img.size(), 64);
  dev.copy_to_device(addr, img.data(), img.size());
  // the DMA window covers exactly this job's buffers (and the program)
  write64(dev, isa::reg::WIN_BASE_LO, dev.memory_base());
  write64(dev, isa::reg::WIN_LIMIT_LO, dev.allocated_end());
  write64(dev, isa::reg::PROG_BASE_LO, addr);
  dev.write32(isa::reg::PROG_COUNT, static_cast<std::uint32_t>(prog.size()));
  dev.write32(isa::reg::IRQ_STATUS, 1);
  dev.write32(isa::reg::CTRL, isa::ctrl::START | isa::ctrl::IRQ_EN);
  dev.wait_done(timeout);
  const std::uint32_t st = dev.read32(isa::reg::STATUS);
  dev.write32(isa::reg::IRQ_STATUS, 1);
  const std::uint32_t code = isa::status::error(st);
  if (code != 0) {
    const std::uint64_t eaddr = read64(dev, isa::reg::ERR_ADDR_LO);
    const std::uint32_t pc = dev.read32(isa::reg::ERR_PC);
    const bool store = st & isa::status::ERROR_IS_STORE;
    static const char* const kCounters[4] = {"L->C", "C->L", "C->S", "S->C"};
    std::string where;
    if (code <= 4) {
      where = std::string(store ? " (store)" : " (load)") + ", address " + hex(eaddr);
    } else if (code == static_cast<std::uint32_t>(isa::Error::Deadlock)) {
      where = ", token counts";
      for (int c = 0; c < 4; ++c) where += std::string(" ") + kCounters[c] + "=" + std::to_string((eaddr >> (8 * c)) & 0xFF);
    } else if (code == static_cast<std::uint32_t>(isa::Error::TokenOverflow)) {
      where = std::string(", counter ") + kCounters[eaddr & 3];
    }
    throw ProgramError(std::string("program failed: ") + isa::error_name(code) + " at instruction " +
                           std::to_string(pc) + where + ": " + isa::error_doc(code),
                       code, eaddr, pc, store);
  }
}

namespace detail {


// A descriptor's occupancy of the load path: a small hand-off, then its
// beats at one per cycle unless too few bursts fit in flight to cover the
// latency, and its padding words. Descriptors are pipelined, so the memory
// latency is paid once per group of loads (run_lowered adds it).
std::uint64_t CycleModel::load(const LoadArgs& a, std::uint64_t* read_idle) const {
  constexpr std::uint64_t kOverhead = 2;  // engine hand-off and window check
  if (read_idle) *read_idle = kOverhead;
  if (a.rows == 0 || a.row_bytes == 0) return kOverhead;
  const std::uint64_t W = bus_bytes;
  std::uint64_t beats = 0, bursts = 0, carries = 0;
  for (std::uint32_t r = 0; r < a.rows; ++r) {
    const std::uint64_t addr = a.dram_addr + static_cast<std::uint64_t>(r) * a.stride;
    const std::uint64_t first = addr / W, last = (addr + a.row_bytes - 1) / W;
    beats += last - first + 1;
    bursts += (addr + a.row_bytes - 1) / 4096 - addr / 4096 + 1 + (last - first) / 256;
    // a row whose scratchpad and DRAM offsets differ ends with a carry flush
    const std::uint64_t sp = a.sp_addr + static_cast<std::uint64_t>(a.pad_top + r) * a.sp_stride + a.pad_left;
    carries += (sp - addr) % W != 0;
  }
  // Three resources work in parallel: the bus (beats, at a rate set by the
  // reads in flight), the splitter (one operation a cycle: bursts, padding
  // rows, left/right padding runs) and the write-back (one beat, fill word
  // or end-of-row carry flush a cycle).
  const std::uint64_t width = a.pad_left + a.row_bytes + a.pad_right;
  const std::uint64_t rows = a.rows;
  const std::uint64_t side_ops = (a.pad_left ? 1u : 0u) + (a.pad_right ? 1u : 0u);
  const std::uint64_t side_words = ceil_div<std::uint64_t>(a.pad_left, W) + ceil_div<std::uint64_t>(a.pad_right, W);
  const std::uint64_t pad_rows = static_cast<std::uint64_t>(a.pad_top) + a.pad_bottom;
  const double per_burst = double(beats) / double(bursts);
  const double rate = std::min(1.0, double(max_reads) * per_burst / (double(mem_latency) + 2.0 + per_burst));
  const std::uint64_t bus = static_cast<std::uint64_t>(double(beats) / rate);
  const std::uint64_t split = bursts + pad_rows + rows * side_ops;
  const std::uint64_t writeback = beats + carries + rows * side_words + pad_rows * ceil_div(width, W);
  const std::uint64_t total = kOverhead + std::max({bus, split, writeback});
  if (read_idle) *read_idle = total - std::min(total, beats);
  return total;
}

CycleModel::StoreDma CycleModel::store_dma(const StoreArgs& s) const {
  const std::uint64_t W = bus_bytes, writes = std::max(1u, max_writes);
  std::uint64_t beats = 0, pre_reads = 0;
  for (std::uint32_t r = 0; r < s.m; ++r) {
    const std::uint64_t addr = s.dram_addr + static_cast<std::uint64_t>(r) * s.stride;
    beats += (addr + s.n_bytes - 1) / W - addr / W + 1;
    pre_reads += addr % W != 0;
  }
  // One burst per row; the data generator reads each row's words, plus one
  // (the row's first word) where the row does not start on a bus word, from
  // the output buffer. With max_writes bursts in flight they go out in
  // rounds, each lasting the longer of one response latency and generating
  // its rows; the last round's responses come a latency after its last row.
  const std::uint64_t bursts = std::max<std::uint64_t>(1, s.m);
  const std::uint64_t per_row = (beats + pre_reads) / bursts;
  const std::uint64_t rounds = ceil_div<std::uint64_t>(bursts, writes);
  const std::uint64_t last_round = bursts - (rounds - 1) * writes;
  const std::uint64_t round = std::max<std::uint64_t>(mem_latency + 7, writes * per_row);
  return {(rounds - 1) * round + last_round * per_row, mem_latency + 7};
}

StoreTimeline::Times StoreTimeline::add(const StoreArgs& s, std::uint64_t ready) {
  const std::uint64_t start = std::max(engine_, ready);
  if (s.to_ibuf) {
    // (ISA 1.5: no output buffer, no DMA; the token once the write FIFO is
    // empty, a cycle or two after the last row leaves post-processing. As
    // measured in the store engine's states (a waveform, 16x16 and 32x32,
    // 2026-12-05): the parameters 13 cycles, the hold 1, the drain M + 13,
    // the flush 3, the token as it ends; the next STORE a cycle later)
    const std::uint64_t drained = start + 13 + 1 + s.m + 13 + 3;
    engine_ = drained + 1;
    end_ = std::max(end_, drained);
    return {drained, drained};
  }
  // the quarters it drains into, as the store engine picks them
  unsigned first = 0, count = 4;
  if (s.m <= quarter_) {
    first = next_;
    count = 1;
    next_ = (next_ + 1) % 4;
  } else if (s.m <= 2 * quarter_) {
    first = (next_ + (next_ & 1u)) % 4;
    count = 2;
    next_ = (first + 2) % 4;
  }
  std::uint64_t rows_free = 0;
  for (unsigned q = first; q < first + count; ++q) rows_free = std::max(rows_free, quarter_free_[q]);
  // parameters (12 cycles), then the rows through post-processing (RAM
  // read, its output register, 11 stages, write: 14 cycles after the last)
  const std::uint64_t drained = std::max(start + 12, rows_free) + s.m + 14;
  // the descriptor taken (a cycle after the drain, or once the DMA has
  // issued the one before), its checks (4 cycles), its bursts: the DMA
  // takes the next descriptor once this one's operations are issued (a
  // burst a cycle) and its data generation has begun; the generator sends
  // the descriptors' data in order behind. (Coupling the next descriptor
  // to the end of the data, the model kept the store engine in SIssue
  // longer than the hardware, which then runs the STOREs behind it: 7% over
  // on pw 24->144 + dw 144 fused at 32x32, whose 32-byte output rows at a
  // 144-byte stride take three generator reads every other row.)
  const std::uint64_t taken = std::max(drained + 1, dma_);
  engine_ = taken + 1;
  const CycleModel::StoreDma d = m_.store_dma(s);
  const std::uint64_t gen_start = std::max(taken + 4, gen_);
  gen_ = gen_start + d.gen;
  dma_ = std::max(taken + 4 + std::max<std::uint64_t>(1, s.m), gen_start);
  const std::uint64_t done = gen_ + d.tail;
  for (unsigned q = first; q < first + count; ++q) quarter_free_[q] = done;
  end_ = std::max(end_, done);
  return {drained, done};
}

// run_lowered in four steps: tile (what fits where), schedule (the
// instructions of one program, grouped), estimate (the cycle model over the
// schedule), emit (the program in dispatch order); run_lowered runs them
// once per program (one per PBUF_SLOTS column blocks).
namespace {

// The buffer geometry a lowered GEMM is tiled for.
struct Tiling {
  int R = 0, C = 0, KT = 0;
  int half_ibuf = 0;   // ibuf rows per half (double-buffered row blocks)
  int kc_tiles = 0;    // K tiles per weight block (one wbuf half)
  int acc_half = 0;    // accumulator rows per half
  int mt_max = 0;      // output rows per row block
  unsigned obuf_rows = 0;
  int nt_all = 0;      // column blocks of Cols
  int nt_per_prog = 0; // column blocks per program (one parameter slot each)
};

Tiling tile(const HwConfig& hw, const Lowered& L) {
  Tiling t;
  t.R = static_cast<int>(hw.rows);
  t.C = static_cast<int>(hw.cols);
  t.KT = L.kt;
  t.half_ibuf = static_cast<int>(hw.ibuf_rows) / 2;
  if (t.KT > t.half_ibuf) {
    throw std::invalid_argument("K of " + std::to_string(t.KT * t.R) + " (padded) exceeds what one activation buffer half holds (" +
                                std::to_string(t.half_ibuf * t.R) + ")");
  }
  t.kc_tiles = std::max(1, static_cast<int>(hw.wbuf_rows) / 2 / t.R);
  t.acc_half = static_cast<int>(hw.acc_rows) / 2;
  t.mt_max = std::min({t.half_ibuf / t.KT, t.acc_half, static_cast<int>(hw.obuf_rows)});
  t.obuf_rows = hw.obuf_rows;
  t.nt_all = ceil_div(L.n, t.C);
  t.nt_per_prog = static_cast<int>(hw.pbuf_slots);
  return t;
}

struct Op {
  enum Kind { kLoad, kGemm, kStore } kind;
  LoadArgs la;
  GemmArgs ga;
  StoreArgs sa;
  Deps d;
};

// One program's instructions per weight group (one weight block and the
// GEMMs that use it): loads[g] fill group g's buffers, computes[g] are its
// GEMMs and the stores of the output blocks it completes.
struct Schedule {
  std::vector<std::vector<Op>> loads, computes;
};

// Where the program's inputs are on the device.
struct ProgramInputs {
  std::uint64_t b_dev = 0;       // all packed weight blocks
  std::uint64_t p_dev = 0;       // this program's parameter slots
  std::uint32_t p_bytes = 0;
  int nb0 = 0, nt = 0;           // its column blocks
};

Schedule schedule(const HwConfig& hw, const Tiling& t, const Lowered& L, const ProgramInputs& in) {
  const int R = t.R, C = t.C, KT = t.KT, NT = in.nt, nb0 = in.nb0;
  Schedule sch;
  auto group_ops = [](std::vector<std::vector<Op>>& v, int g) -> std::vector<Op>& {
    if (static_cast<int>(v.size()) <= g) v.resize(static_cast<std::size_t>(g) + 1);
    return v[static_cast<std::size_t>(g)];
  };
  {
    LoadArgs la;
    la.dram_addr = in.p_dev;
    la.rows = 1;
    la.row_bytes = in.p_bytes;
    la.sp_addr = hw.pbuf_sp_base;
    la.sp_stride = la.row_bytes;
    group_ops(sch.loads, 0).push_back({Op::kLoad, la, {}, {}, {}});
  }
  int group = 0;  // weight blocks loaded so far (one buffer half each, alternating)
  int unit = 0;   // output blocks (one accumulator half each, alternating)
  int mb = 0;
  std::vector<LoadArgs> a_loads;
  const int groups_per_block = NT * ceil_div(KT, t.kc_tiles);
  // The next row block's activations go into the other ibuf half, whose
  // last reader is the previous row block's last group. Emitting them with
  // the second group of the current row block makes that group's first
  // load wait (compute->load token) for exactly that group, and gives the
  // load a whole group more to hide behind.
  auto emit_a = [&](int m0a, int mba, bool& pop, std::vector<Op>& into) {
    const int mta = std::min(t.mt_max, L.m - m0a);
    a_loads.clear();
    L.load_rows(m0a, mta, static_cast<std::uint32_t>((mba % 2) * t.half_ibuf * R), static_cast<std::uint32_t>(KT * R),
                a_loads);
    for (const LoadArgs& la : a_loads) {
      Deps d;
      d.pop_next = pop;
      pop = false;
      into.push_back({Op::kLoad, la, {}, {}, d});
    }
  };
  for (int m0 = 0; m0 < L.m; m0 += t.mt_max, ++mb) {
    const int mt = std::min(t.mt_max, L.m - m0);
    const std::uint32_t ibase = static_cast<std::uint32_t>((mb % 2) * t.half_ibuf);
    for (int nb = 0; nb < NT; ++nb, ++unit) {
      const std::uint32_t acc_base = static_cast<std::uint32_t>((unit % 2) * t.acc_half);
      for (int kt0 = 0; kt0 < KT; kt0 += t.kc_tiles, ++group) {
        const int kts = std::min(t.kc_tiles, KT - kt0);
        const std::uint32_t wbase = static_cast<std::uint32_t>((group % 2) * t.kc_tiles * R);
        // group g >= 2 reuses the buffers of group g-2: its first load waits for their release
        bool pop = group >= 2;
        const int group_in_block = nb * ceil_div(KT, t.kc_tiles) + kt0 / t.kc_tiles;
        if (group_in_block == 0 && (mb == 0 || groups_per_block < 2)) {
          emit_a(m0, mb, pop, group_ops(sch.loads, group));  // not loaded ahead
        }
        if (group_in_block == 1 && m0 + t.mt_max < L.m) {
          emit_a(m0 + t.mt_max, mb + 1, pop, group_ops(sch.loads, group));  // the next row block, ahead
        }
        LoadArgs lb;  // the weight block: kts tiles of one column block, contiguous
        lb.dram_addr = in.b_dev + (static_cast<std::uint64_t>(nb0 + nb) * KT * R + static_cast<std::uint64_t>(kt0) * R) * C;
        lb.rows = 1;
        lb.row_bytes = static_cast<std::uint32_t>(kts * R * C);
        lb.sp_addr = hw.wbuf_sp_base + wbase * static_cast<std::uint32_t>(C);
        lb.sp_stride = lb.row_bytes;
        Deps dl;
        dl.pop_next = pop;
        dl.push_next = true;
        group_ops(sch.loads, group).push_back({Op::kLoad, lb, {}, {}, dl});
        for (int i = 0; i < kts; ++i) {
          const int kt = kt0 + i;
          GemmArgs g;
          g.m = static_cast<std::uint32_t>(mt);
          g.ibuf_row = ibase + static_cast<std::uint32_t>(kt);
          g.ibuf_stride = static_cast<std::uint32_t>(KT);
          g.wbuf_row = wbase + static_cast<std::uint32_t>(i * R);
          g.acc_row = acc_base;
          g.accumulate = kt > 0;
          Deps d;
          d.pop_prev = i == 0;                // this group's data is in
          d.pop_next = kt == 0 && unit >= 2;  // the accumulator half is free
          d.push_prev = i == kts - 1;         // this group's buffers are free
          d.push_next = kt == KT - 1;         // the output block is done
          group_ops(sch.computes, group).push_back({Op::kGemm, {}, g, {}, d});
        }
      }
      StoreArgs s;
      s.dram_addr = L.c_addr + static_cast<std::uint64_t>(m0) * L.ldc + static_cast<std::uint64_t>((nb0 + nb) * C);
      s.m = static_cast<std::uint32_t>(mt);
      s.acc_row = acc_base;
      s.n_bytes = static_cast<std::uint32_t>(std::min(C, L.n - (nb0 + nb) * C));
      s.stride = L.ldc;
      s.pslot = static_cast<std::uint32_t>(nb);
      s.zp_out = static_cast<std::int8_t>(L.zp_out);
      s.clamp_min = static_cast<std::int8_t>(L.act_min);
      s.clamp_max = static_cast<std::int8_t>(L.act_max);
      s.float_scale = L.float_scale;
      Deps d;
      d.pop_prev = true;
      d.push_prev = true;
      group_ops(sch.computes, group - 1).push_back({Op::kStore, {}, {}, s, d});
    }
  }
  return sch;
}

struct Estimate {
  std::uint64_t cycles = 0, dram_bytes = 0;
};

// Cycle model: group g's loads start when the loads of g-1 are done and
// (g >= 2) the GEMMs of g-2 released their buffers; its GEMMs start when
// its loads are in, the GEMMs of g-1 are done and, for a GEMM that waits
// for an accumulator half, the store of the output block two before has
// drained it; each GEMM occupies the array max(M, Rows) cycles. A GEMM
// takes its tokens before its weights go into the array, so one that waited
// for a token streams its rows Rows + 3 cycles after it (the weights' way
// in), where one that did not had them loaded behind the GEMM before.
// Stores follow in order once their block's GEMMs are through
// (StoreTimeline).
Estimate estimate(const CycleModel& model, const Tiling& t, const Schedule& sch) {
  Estimate e;
  const std::size_t G = sch.computes.size();
  // issue_end: the group's last LOAD has issued its reads; load_end: its
  // data is in, a latency later (the next group's LOADs issue meanwhile)
  std::vector<std::uint64_t> issue_end(G, 0), load_end(G, 0), comp_end(G, 0), store_end;
  std::size_t next_store_wait = 0;
  StoreTimeline stores(model, t.obuf_rows);
  const std::uint64_t pipe = static_cast<std::uint64_t>(t.R + t.C + 3);  // (a row to its accumulator write)
  const std::uint64_t weights_in = static_cast<std::uint64_t>(t.R) + 3;  // a token to the GEMM's first row
  for (std::size_t gi = 0; gi < G; ++gi) {
    std::uint64_t lt = 0;
    if (gi < sch.loads.size()) {
      for (const Op& o : sch.loads[gi]) {
        lt += model.load(o.la);
        e.dram_bytes += static_cast<std::uint64_t>(o.la.rows) * o.la.row_bytes;
      }
    }
    std::uint64_t ls = gi ? issue_end[gi - 1] : 0;
    if (gi >= 2) ls = std::max(ls, comp_end[gi - 2]);
    issue_end[gi] = ls + lt;
    load_end[gi] = issue_end[gi] + model.load_data_in();
    std::uint64_t c = gi ? comp_end[gi - 1] : 0;
    for (const Op& o : sch.computes[gi]) {
      if (o.kind == Op::kGemm) {
        std::uint64_t token = 0;  // when its tokens are there
        if (o.d.pop_prev) token = load_end[gi];
        if (o.d.pop_next && next_store_wait < store_end.size()) token = std::max(token, store_end[next_store_wait++]);
        if (o.d.pop_prev || o.d.pop_next) c = std::max(c, token + weights_in);
        c += std::max<std::uint64_t>(o.ga.m, static_cast<std::uint64_t>(t.R));
      } else if (o.kind == Op::kStore) {
        store_end.push_back(stores.add(o.sa, c + pipe).drained);
        e.dram_bytes += static_cast<std::uint64_t>(o.sa.m) * o.sa.n_bytes;
      }
    }
    comp_end[gi] = c;
  }
  // program fetch before (the first weights into the array are the first
  // GEMM's token wait), the last store after
  e.cycles = model.fetch() + std::max(comp_end[G - 1] + pipe, stores.end());
  return e;
}

// Instructions in dispatch order, software-pipelined: the loads of group
// g+1 come before the GEMMs of group g, so in-order dispatch hands the load
// engine its next block while the compute engine works. The tokens keep it
// correct whatever the order.
Program emit(const Schedule& sch) {
  Program prog;
  auto put = [&](const std::vector<Op>& ops) {
    for (const Op& o : ops) {
      if (o.kind == Op::kLoad) prog.load(o.la, o.d);
      else if (o.kind == Op::kGemm) prog.gemm(o.ga, o.d);
      else prog.store(o.sa, o.d);
    }
  };
  put(sch.loads[0]);
  for (std::size_t g = 0; g < sch.computes.size(); ++g) {
    if (g + 1 < sch.loads.size()) put(sch.loads[g + 1]);
    put(sch.computes[g]);
  }
  prog.finish();
  return prog;
}

}  // namespace

// Parameters per slot for column blocks nb0..nb0+nt-1: bias (zero point
// folded in), multiplier, shift, Cols int32 each.
std::vector<std::uint8_t> pack_params(const Lowered& L, int nb0, int nt, int C) {
  const std::size_t vec_bytes = static_cast<std::size_t>(C) * 4;
  std::vector<std::uint8_t> params(static_cast<std::size_t>(nt) * 3 * vec_bytes, 0);
  for (int nb = 0; nb < nt; ++nb) {
    for (int j = 0; j < C; ++j) {
      const int n = (nb0 + nb) * C + j;
      if (n >= L.n) continue;
      const std::int32_t vals[3] = {L.bias[static_cast<std::size_t>(n)], L.mult[static_cast<std::size_t>(n)],
                                    L.shift[static_cast<std::size_t>(n)]};
      for (int v = 0; v < 3; ++v) {
        std::memcpy(&params[(static_cast<std::size_t>(nb) * 3 + v) * vec_bytes + static_cast<std::size_t>(j) * 4], &vals[v], 4);
      }
    }
  }
  return params;
}

GemmStats run_lowered(Device& dev, const HwConfig& hw, const CycleModel& model, const Lowered& L,
                      const Timeout& timeout, bool dry) {
  if (L.float_scale && (hw.version & 0xffff) < 2) {
    throw DeviceError("the device's ISA version " + hex(hw.version) +
                      " has no float32 requantization (STORE.FLOAT_SCALE needs 1.2 or later)");
  }
  const Tiling t = tile(hw, L);
  const std::size_t block_bytes = static_cast<std::size_t>(t.KT) * t.R * t.C;
  GemmStats stats;
  const std::uint64_t b_dev = dev.alloc(block_bytes * t.nt_all);
  dev.copy_to_device(b_dev, L.bp, block_bytes * t.nt_all);

  for (int nb0 = 0; nb0 < t.nt_all; nb0 += t.nt_per_prog) {
    ProgramInputs in;
    in.b_dev = b_dev;
    in.nb0 = nb0;
    in.nt = std::min(t.nt_per_prog, t.nt_all - nb0);
    const std::vector<std::uint8_t> params = pack_params(L, nb0, in.nt, t.C);
    in.p_dev = dev.alloc(params.size());
    in.p_bytes = static_cast<std::uint32_t>(params.size());
    dev.copy_to_device(in.p_dev, params.data(), params.size());

    const Schedule sch = schedule(hw, t, L, in);
    const Estimate e = estimate(model, t, sch);
    const Program prog = emit(sch);
    if (!dry) run_program(dev, prog, timeout);

    stats.estimated_cycles += e.cycles;
    stats.dram_bytes += e.dram_bytes;
    if (!dry) stats.perf += read_perf(dev);
    stats.instructions += prog.size();
    ++stats.programs;
  }
  return stats;
}

// Weights [k][n] (row stride ldb, column offset n_off) packed as
// [ceil(n/C)][kt*R][C], K rows placed by k_row(k), zero elsewhere; returns
// the column sums for the zero-point fold.
std::vector<std::int8_t> pack_weights(int k, int n, int kt, int R, int C,
                                      const std::function<std::int8_t(int, int)>& w,
                                      const std::function<int(int)>& k_row, std::vector<std::uint32_t>& colsum) {
  const int NT = ceil_div(n, C);
  std::vector<std::int8_t> bp(static_cast<std::size_t>(NT) * kt * R * C, 0);
  colsum.assign(static_cast<std::size_t>(n), 0);
  for (int j = 0; j < n; ++j) {
    const int nb = j / C, c = j % C;
    for (int kk = 0; kk < k; ++kk) {
      const std::int8_t v = w(kk, j);
      bp[(static_cast<std::size_t>(nb) * kt * R + static_cast<std::size_t>(k_row(kk))) * C + static_cast<std::size_t>(c)] = v;
      colsum[static_cast<std::size_t>(j)] += static_cast<std::uint32_t>(v);
    }
  }
  return bp;
}

}  // namespace detail

Session::Session(Device& dev, unsigned mem_latency) : dev_(dev), hw_(read_config(dev)) {
  model_.mem_latency = mem_latency;
  model_.bus_bytes = hw_.bus_bits / 8;
  model_.max_reads = hw_.load_max_reads;
  model_.max_writes = hw_.store_max_writes;
}

GemmStats gemm(Device& dev, const GemmProblem& p, std::int8_t* c, const Timeout& timeout) {
  Session s(dev);
  return gemm(s, p, c, timeout);
}

GemmStats gemm(Session& s, const GemmProblem& p, std::int8_t* c, const Timeout& timeout) {
  if (p.m <= 0 || p.n <= 0 || p.k <= 0) {
    throw std::invalid_argument("gemm: M, N and K must be positive");
  }
  p.os.validate(p.n);
  Device& dev = s.device();
  const HwConfig& hw = s.config();
  const int R = static_cast<int>(hw.rows), C = static_cast<int>(hw.cols);
  dev.free_all();
  const std::uint64_t a_dev = dev.alloc(static_cast<std::size_t>(p.m) * p.k);
  dev.copy_to_device(a_dev, p.a, static_cast<std::size_t>(p.m) * p.k);
  const std::uint64_t c_dev = dev.alloc(static_cast<std::size_t>(p.m) * p.n);

  detail::Lowered L;
  L.m = p.m;
  L.n = p.n;
  L.kt = ceil_div(p.k, R);
  std::vector<std::uint32_t> colsum;
  const std::vector<std::int8_t> bp = detail::pack_weights(
      p.k, p.n, L.kt, R, C, [&](int kk, int j) { return p.b[static_cast<std::size_t>(kk) * p.n + j]; },
      [](int kk) { return kk; }, colsum);
  L.bp = bp.data();
  for (int j = 0; j < p.n; ++j) {
    L.bias.push_back(static_cast<std::int32_t>(static_cast<std::uint32_t>(p.os.bias[j]) -
                                               static_cast<std::uint32_t>(p.zp_a) * colsum[static_cast<std::size_t>(j)]));
  }
  for (int j = 0; j < p.n; ++j) {
    L.mult.push_back(static_cast<std::int32_t>(p.os.scale_word(j)));
    L.shift.push_back(p.os.shift_word(j));
  }
  L.float_scale = p.os.mode == ref::RequantMode::kFloat32;
  L.zp_out = p.os.zp_out;
  L.act_min = p.os.act_min;
  L.act_max = p.os.act_max;
  L.c_addr = c_dev;
  L.ldc = static_cast<std::uint32_t>(p.n);
  const int k = p.k;
  L.load_rows = [&, k](int m0, int mt, std::uint32_t sp_base, std::uint32_t pitch, std::vector<LoadArgs>& out) {
    LoadArgs la;  // the row block of A, whole K rows
    la.dram_addr = a_dev + static_cast<std::uint64_t>(m0) * k;
    la.rows = static_cast<std::uint32_t>(mt);
    la.row_bytes = static_cast<std::uint32_t>(k);
    la.stride = static_cast<std::uint32_t>(k);
    la.sp_addr = sp_base;
    la.sp_stride = pitch;
    la.pad_right = static_cast<std::uint8_t>(pitch - static_cast<std::uint32_t>(k));
    out.push_back(la);
  };
  const GemmStats st = detail::run_lowered(dev, hw, s.cycle_model(), L, timeout);
  dev.copy_from_device(c, c_dev, static_cast<std::size_t>(p.m) * p.n);
  return st;
}

}  // namespace abacus
