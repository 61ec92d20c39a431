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
  if (c.insn_bytes != isa::kInstructionBytes || c.rows == 0 || c.cols == 0 || c.rows * 8 != c.bus_bits ||
      c.cols * 8 != c.bus_bits) {
    throw DeviceError(dev.name() + ": unsupported configuration (array " + std::to_string(c.rows) + "x" +
                      std::to_string(c.cols) + ", bus " + std::to_string(c.bus_bits) + " bits, instruction " +
                      std::to_string(c.insn_bytes) + " bytes)");
  }
  return c;
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
    throw ProgramError(std::string("program failed: ") + isa::error_name(code) + " at instruction " +
                           std::to_string(pc) + (code <= 4 ? std::string(store ? " (store)" : " (load)") +
                                                                  ", address " + hex(eaddr)
                                                            : std::string()) +
                           ": " + isa::error_doc(code),
                       code, eaddr, pc, store);
  }
}

namespace detail {


// A descriptor's occupancy of the load path: a small hand-off, then its
// beats at one per cycle unless too few bursts fit in flight to cover the
// latency, and its padding words. Descriptors are pipelined, so the memory
// latency is paid once per group of loads (run_lowered adds it).
std::uint64_t CycleModel::load(const LoadArgs& a) const {
  constexpr std::uint64_t kOverhead = 2;  // engine hand-off and window check
  if (a.rows == 0 || a.row_bytes == 0) return kOverhead;
  const std::uint64_t W = bus_bytes;
  std::uint64_t beats = 0, bursts = 0;
  for (std::uint32_t r = 0; r < a.rows; ++r) {
    const std::uint64_t addr = a.dram_addr + static_cast<std::uint64_t>(r) * a.stride;
    const std::uint64_t first = addr / W, last = (addr + a.row_bytes - 1) / W;
    beats += last - first + 1;
    bursts += (addr + a.row_bytes - 1) / 4096 - addr / 4096 + 1 + (last - first) / 256;
  }
  // Three resources work in parallel: the bus (beats, at a rate set by the
  // reads in flight), the splitter (one operation a cycle: bursts, padding
  // rows, left/right padding runs) and the write-back (one beat, fill word
  // or end-of-row flush a cycle).
  const std::uint64_t width = a.pad_left + a.row_bytes + a.pad_right;
  const std::uint64_t rows = a.rows;
  const std::uint64_t side_ops = (a.pad_left ? 1u : 0u) + (a.pad_right ? 1u : 0u);
  const std::uint64_t side_words = (a.pad_left + W - 1) / W + (a.pad_right + W - 1) / W;
  const std::uint64_t pad_rows = static_cast<std::uint64_t>(a.pad_top) + a.pad_bottom;
  const double per_burst = double(beats) / double(bursts);
  const double rate = std::min(1.0, double(max_reads) * per_burst / (double(mem_latency) + 2.0 + per_burst));
  const std::uint64_t bus = static_cast<std::uint64_t>(double(beats) / rate);
  const std::uint64_t split = bursts + pad_rows + rows * side_ops;
  const std::uint64_t writeback = beats + rows + rows * side_words + pad_rows * ((width + W - 1) / W);
  return kOverhead + std::max({bus, split, writeback});
}

std::uint64_t CycleModel::store(const StoreArgs& s, unsigned) const {
  const std::uint64_t W = bus_bytes;
  const std::uint64_t drain = 12 + s.m + 8;  // parameters, rows through post-processing
  std::uint64_t beats = 0;
  for (std::uint32_t r = 0; r < s.m; ++r) {
    const std::uint64_t addr = s.dram_addr + static_cast<std::uint64_t>(r) * s.stride;
    beats += (addr + s.n_bytes - 1) / W - addr / W + 1;
  }
  // One burst per row; the data generator reads each row's words plus one
  // (the row's first word) from the output buffer. With max_writes bursts in
  // flight they go out in rounds, each lasting the longer of one response
  // latency and generating its rows; the last round ends a latency after
  // its last row.
  const std::uint64_t bursts = s.m;
  const std::uint64_t per_row = beats / bursts + 1;
  const std::uint64_t rounds = (bursts + max_writes - 1) / max_writes;
  const std::uint64_t last_round = bursts - (rounds - 1) * max_writes;
  const std::uint64_t round = std::max<std::uint64_t>(mem_latency + 6, max_writes * per_row);
  const std::uint64_t dma = (rounds - 1) * round + last_round * per_row + mem_latency + 6;
  return drain + 6 + dma;
}

GemmStats run_lowered(Device& dev, const HwConfig& hw, const CycleModel& model, const Lowered& L,
                      const Timeout& timeout) {
  const int R = static_cast<int>(hw.rows), C = static_cast<int>(hw.cols);
  const int KT = L.kt;
  const int half_ibuf = static_cast<int>(hw.ibuf_rows) / 2;
  if (KT > half_ibuf) {
    throw std::invalid_argument("K of " + std::to_string(KT * R) + " (padded) exceeds what one activation buffer half holds (" +
                                std::to_string(half_ibuf * R) + ")");
  }
  const int kc_tiles = std::max(1, static_cast<int>(hw.wbuf_rows) / 2 / R);  // K tiles per weight block
  const int acc_half = static_cast<int>(hw.acc_rows) / 2;
  const int mt_max = std::min({half_ibuf / KT, acc_half, static_cast<int>(hw.obuf_rows)});
  const int NT_all = ceil_div(L.n, C);
  const int nt_per_prog = static_cast<int>(hw.pbuf_slots);
  const std::size_t vec_bytes = static_cast<std::size_t>(C) * 4;
  const std::size_t block_bytes = static_cast<std::size_t>(KT) * R * C;

  GemmStats stats;
  const std::uint64_t b_dev = dev.alloc(block_bytes * NT_all);
  dev.copy_to_device(b_dev, L.bp, block_bytes * NT_all);

  for (int nb0 = 0; nb0 < NT_all; nb0 += nt_per_prog) {
    const int NT = std::min(nt_per_prog, NT_all - nb0);
    // Parameters per slot: bias (zero point folded in), multiplier, shift.
    std::vector<std::uint8_t> params(static_cast<std::size_t>(NT) * 3 * vec_bytes, 0);
    for (int nb = 0; nb < NT; ++nb) {
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
    const std::uint64_t p_dev = dev.alloc(params.size());
    dev.copy_to_device(p_dev, params.data(), params.size());

    // Instructions are collected per weight group (one weight block and the
    // GEMMs that use it) and emitted software-pipelined: the loads of group
    // g+1 come before the GEMMs of group g, so in-order dispatch hands the
    // load engine its next block while the compute engine works. The tokens
    // keep it correct whatever the order.
    struct Op {
      int kind;  // 0 load, 1 gemm, 2 store
      LoadArgs la;
      GemmArgs ga;
      StoreArgs sa;
      Deps d;
    };
    std::vector<std::vector<Op>> loads, computes;
    auto group_ops = [](std::vector<std::vector<Op>>& v, int g) -> std::vector<Op>& {
      if (static_cast<int>(v.size()) <= g) v.resize(static_cast<std::size_t>(g) + 1);
      return v[static_cast<std::size_t>(g)];
    };
    {
      LoadArgs la;
      la.dram_addr = p_dev;
      la.rows = 1;
      la.row_bytes = static_cast<std::uint32_t>(params.size());
      la.sp_addr = hw.pbuf_sp_base;
      la.sp_stride = la.row_bytes;
      group_ops(loads, 0).push_back({0, la, {}, {}, {}});
    }
    int group = 0;  // weight blocks loaded so far (one buffer half each, alternating)
    int unit = 0;   // output blocks (one accumulator half each, alternating)
    int mb = 0;
    std::vector<LoadArgs> a_loads;
    const int groups_per_block = NT * ceil_div(KT, kc_tiles);
    // The next row block's activations go into the other ibuf half, whose
    // last reader is the previous row block's last group. Emitting them with
    // the second group of the current row block makes that group's first
    // load wait (compute->load token) for exactly that group, and gives the
    // load a whole group more to hide behind.
    auto emit_a = [&](int m0a, int mba, bool& pop, std::vector<Op>& into) {
      const int mta = std::min(mt_max, L.m - m0a);
      a_loads.clear();
      L.load_rows(m0a, mta, static_cast<std::uint32_t>((mba % 2) * half_ibuf * R), static_cast<std::uint32_t>(KT * R),
                  a_loads);
      for (const LoadArgs& la : a_loads) {
        Deps d;
        d.pop_next = pop;
        pop = false;
        into.push_back({0, la, {}, {}, d});
      }
    };
    for (int m0 = 0; m0 < L.m; m0 += mt_max, ++mb) {
      const int mt = std::min(mt_max, L.m - m0);
      const std::uint32_t ibase = static_cast<std::uint32_t>((mb % 2) * half_ibuf);
      for (int nb = 0; nb < NT; ++nb, ++unit) {
        const std::uint32_t acc_base = static_cast<std::uint32_t>((unit % 2) * acc_half);
        for (int kt0 = 0; kt0 < KT; kt0 += kc_tiles, ++group) {
          const int kts = std::min(kc_tiles, KT - kt0);
          const std::uint32_t wbase = static_cast<std::uint32_t>((group % 2) * kc_tiles * R);
          // group g >= 2 reuses the buffers of group g-2: its first load waits for their release
          bool pop = group >= 2;
          const int group_in_block = nb * ceil_div(KT, kc_tiles) + kt0 / kc_tiles;
          if (group_in_block == 0 && (mb == 0 || groups_per_block < 2)) {
            emit_a(m0, mb, pop, group_ops(loads, group));  // not loaded ahead
          }
          if (group_in_block == 1 && m0 + mt_max < L.m) {
            emit_a(m0 + mt_max, mb + 1, pop, group_ops(loads, group));  // the next row block, ahead
          }
          LoadArgs lb;  // the weight block: kts tiles of one column block, contiguous
          lb.dram_addr = b_dev + (static_cast<std::uint64_t>(nb0 + nb) * KT * R + static_cast<std::uint64_t>(kt0) * R) * C;
          lb.rows = 1;
          lb.row_bytes = static_cast<std::uint32_t>(kts * R * C);
          lb.sp_addr = hw.wbuf_sp_base + wbase * static_cast<std::uint32_t>(C);
          lb.sp_stride = lb.row_bytes;
          Deps dl;
          dl.pop_next = pop;
          dl.push_next = true;
          group_ops(loads, group).push_back({0, lb, {}, {}, dl});
          for (int t = 0; t < kts; ++t) {
            const int kt = kt0 + t;
            GemmArgs g;
            g.m = static_cast<std::uint32_t>(mt);
            g.ibuf_row = ibase + static_cast<std::uint32_t>(kt);
            g.ibuf_stride = static_cast<std::uint32_t>(KT);
            g.wbuf_row = wbase + static_cast<std::uint32_t>(t * R);
            g.acc_row = acc_base;
            g.accumulate = kt > 0;
            Deps d;
            d.pop_prev = t == 0;                // this group's data is in
            d.pop_next = kt == 0 && unit >= 2;  // the accumulator half is free
            d.push_prev = t == kts - 1;         // this group's buffers are free
            d.push_next = kt == KT - 1;         // the output block is done
            group_ops(computes, group).push_back({1, {}, g, {}, d});
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
        Deps d;
        d.pop_prev = true;
        d.push_prev = true;
        group_ops(computes, group - 1).push_back({2, {}, {}, s, d});
      }
    }
    // Cycle model: group g's loads start when the loads of g-1 are done and
    // (g >= 2) the GEMMs of g-2 released their buffers; its GEMMs start when
    // its loads are in, the GEMMs of g-1 are done and, for a GEMM that waits
    // for an accumulator half, the store of the output block two before has
    // drained it; each GEMM occupies the array max(M, Rows) cycles. Stores
    // run one after another once their block's GEMMs are through.
    {
      const std::size_t G = computes.size();
      std::vector<std::uint64_t> load_end(G, 0), comp_end(G, 0), store_end;
      std::size_t next_store_wait = 0;
      std::uint64_t last_store_end = 0;
      const std::uint64_t pipe = static_cast<std::uint64_t>(R + C + 1);
      for (std::size_t gi = 0; gi < G; ++gi) {
        std::uint64_t lt = model.mem_latency + 4;
        if (gi < loads.size()) {
          for (const Op& o : loads[gi]) {
            lt += model.load(o.la);
            stats.dram_bytes += static_cast<std::uint64_t>(o.la.rows) * o.la.row_bytes;
          }
        }
        std::uint64_t ls = gi ? load_end[gi - 1] : 0;
        if (gi >= 2) ls = std::max(ls, comp_end[gi - 2]);
        load_end[gi] = ls + lt;
        std::uint64_t t = std::max(gi ? comp_end[gi - 1] : 0, load_end[gi]);
        for (const Op& o : computes[gi]) {
          if (o.kind == 1) {
            if (o.d.pop_next && next_store_wait < store_end.size()) t = std::max(t, store_end[next_store_wait++]);
            t += std::max<std::uint64_t>(o.ga.m, static_cast<std::uint64_t>(R));
          } else if (o.kind == 2) {
            const std::uint64_t s0 = std::max(t + pipe, last_store_end);
            last_store_end = s0 + model.store(o.sa);
            store_end.push_back(last_store_end);
            stats.dram_bytes += static_cast<std::uint64_t>(o.sa.m) * o.sa.n_bytes;
          }
        }
        comp_end[gi] = t;
      }
      // program fetch and the first weights into the array before, the last store after
      const std::uint64_t fetch = model.mem_latency + 4;  // the first instructions
      stats.estimated_cycles += fetch + static_cast<std::uint64_t>(R) + std::max(comp_end[G - 1] + pipe, last_store_end);
    }
    Program prog;
    auto emit = [&](const std::vector<Op>& ops) {
      for (const Op& o : ops) {
        if (o.kind == 0) prog.load(o.la, o.d);
        else if (o.kind == 1) prog.gemm(o.ga, o.d);
        else prog.store(o.sa, o.d);
      }
    };
    emit(loads[0]);
    for (std::size_t g = 0; g < computes.size(); ++g) {
      if (g + 1 < loads.size()) emit(loads[g + 1]);
      emit(computes[g]);
    }
    prog.finish();
    run_program(dev, prog, timeout);
    const PerfCounters pc = read_perf(dev);
    stats.perf.cycles += pc.cycles;
    stats.perf.macs += pc.macs;
    stats.perf.bytes_read += pc.bytes_read;
    stats.perf.bytes_written += pc.bytes_written;
    stats.perf.load_busy += pc.load_busy;
    stats.perf.load_stall += pc.load_stall;
    stats.perf.compute_busy += pc.compute_busy;
    stats.perf.compute_stall += pc.compute_stall;
    stats.perf.store_busy += pc.store_busy;
    stats.perf.store_stall += pc.store_stall;
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
  L.mult = p.os.multiplier;
  L.shift = p.os.shift;
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
