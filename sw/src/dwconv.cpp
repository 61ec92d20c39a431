// Depthwise 3x3 convolutions on the DWCONV path (docs/architecture.md,
// "Depthwise convolutions: the DWCONV path"): whole input rows in ibuf,
// one row per ibuf quarter in turn, one DWCONV per output row for the
// groups of Cols channels of a chunk (ISA 1.4's GROUPS; one per group on
// 1.3), one STORE per group and batch of output rows. Fused with the 1x1
// expansion before it (ISA 1.5, "Fused expansion and depthwise"), each
// input row is made on chip instead of loaded: the expansion's input row
// loaded, its GEMMs, and a STORE into ibuf per group.
#include "abacus/conv.hpp"
#include "abacus/util.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <stdexcept>
#include <vector>

namespace abacus {

namespace {

// The engines' instruction queues (abacus_top: the load, compute and store
// paths' QueueDepth), for the cycle model's dispatch.
constexpr std::size_t kLoadQueue = 64, kComputeQueue = 16, kStoreQueue = 4;
// fused: the expansion's input bands in flight (buffers in ibuf's quarter 0)
constexpr int kXBufs = 4;
// fused: a program's first band's units whose weights are loaded ahead of them
constexpr int kStartLead = 4;

// How a layer maps onto the buffers; valid when `ok`.
struct DwPlan {
  bool ok = false;
  int L = 0;            // lanes: channels per group (Cols)
  int G = 0;            // groups of L channels in the layer
  int Gp = 0;           // groups per program (parameter slots, taps in wbuf)
  int Gc = 0;           // groups per chunk (one pass over the input)
  int B = 0;            // output rows per STORE
  int Wp = 0;           // padded input row, pixels
  int U = 0;            // accumulator units of B*OW rows
  std::uint32_t Q = 0;  // ibuf quarter, words
  // fused with a 1x1 expansion: its K tiles, the image rows made at once
  // (a band), its input band's words (four such buffers in quarter 0,
  // after its zero row), the pixels of one of its GEMMs (a band, or a
  // longer row in parts of at most 128; a STORE per image row, part and
  // group), its accumulator rows (two units of Mx rows, after the
  // depthwise layer's)
  int kt = 0, Kb = 1, Mx = 0;
  std::uint32_t XW = 0, acc_ex = 0;
};

// The expansion that may be fused in front of a depthwise layer g: a 1x1
// convolution, stride 1, no padding, one group, g's input its output.
bool expansion_fits(const ref::ConvGeometry& pw, const ref::ConvGeometry& g) {
  return pw.kernel_h == 1 && pw.kernel_w == 1 && pw.stride_h == 1 && pw.stride_w == 1 && pw.groups == 1 &&
         pw.pad_top == 0 && pw.pad_bottom == 0 && pw.pad_left == 0 && pw.pad_right == 0 &&
         pw.batch == g.batch && pw.in_h == g.in_h && pw.in_w == g.in_w && pw.out_c == g.in_c;
}

// fused: kb, the image rows a band; fb, the output rows a STORE
DwPlan plan_band(const ref::ConvGeometry& g, const HwConfig& hw, const ref::ConvGeometry* pw, int kb, int fb = 1) {
  DwPlan p;
  const int C = static_cast<int>(hw.cols);
  if ((hw.version & 0xffffu) < 3 || hw.rows != hw.cols) return p;  // DWCONV is ISA 1.3
  if (g.groups != g.in_c || g.out_c != g.in_c || g.kernel_h != 3 || g.kernel_w != 3) return p;
  if (g.dilation_h != 1 || g.dilation_w != 1 || g.stride_w > 3 || g.stride_h > 3) return p;
  if (g.pad_left > 255 || g.pad_right > 255) return p;  // the LOAD's padding fields
  int acc = static_cast<int>(hw.acc_rows);
  const int OW = g.out_w(), obuf = static_cast<int>(hw.obuf_rows);
  if (pw) {  // STORE.TO_IBUF is ISA 1.5; an input row is one GEMM and one STORE per group
    if ((hw.version & 0xffffu) < 5 || !expansion_fits(*pw, g) || g.in_w > obuf) return p;
    p.kt = ceil_div(pw->in_c, static_cast<int>(hw.rows));
    p.Kb = kb;
    p.XW = static_cast<std::uint32_t>(kb * g.in_w * p.kt);
    p.Mx = kb > 1 ? kb * g.in_w : ceil_div(g.in_w, ceil_div(g.in_w, 128));
    p.acc_ex = static_cast<std::uint32_t>(2 * p.Mx);
    acc -= static_cast<int>(p.acc_ex);
  }
  if (2 * OW > acc || OW > obuf) return p;
  p.L = C;
  p.G = ceil_div(g.in_c, C);
  p.Gp = std::min({p.G, static_cast<int>(hw.pbuf_slots), static_cast<int>(hw.wbuf_rows) / 9});
  p.Q = hw.ibuf_rows / 4;
  p.Wp = g.pad_left + g.in_w + g.pad_right;
  // A load for output row y+1 may reuse the slot of a row that output row
  // y-1 used last, never one y still needs: two slots per quarter once the
  // stride passes 1 (three rows for y+1 may be new); and each quarter
  // starts with a row of the zero point that every padding row reads.
  // Fused, the rows are in quarters 1-3 only and quarter 0 holds the
  // expansion's four input buffers after its zero row, so that the load
  // DMA, writing the buffers, never holds back the expansion's STOREs
  // into the rows (the DMA has the quarter's write port first); a band
  // is made before the output row that needs its first row: that row's
  // stride + 2 rows before it and the band's Kb live at once.
  const int n_q = pw ? 3 : 4;  // quarters with rows
  const int s_min = std::max(g.stride_h > 1 ? 2 : 1, pw ? ceil_div(p.Kb + g.stride_h + 2, n_q) : 1);
  if (static_cast<std::uint32_t>(kXBufs) * p.XW >= p.Q) return p;
  int gc_ibuf = static_cast<int>(p.Q) / ((s_min + 1) * p.Wp);
  if (pw) gc_ibuf = std::min(gc_ibuf, static_cast<int>(p.Q - static_cast<std::uint32_t>(kXBufs) * p.XW) / p.Wp);
  // STOREs of about 128 rows (each STORE has a fixed cost of a memory
  // latency and the parameters), the accumulator holding two batches of
  // every group of the chunk (the STOREs of one batch are emitted after the
  // DWCONVs of the next)
  // (a STORE of at most half of obuf drains while the DMA writes the one
  // before it)
  const int ob_rows = 2 * OW <= obuf ? obuf / 2 : obuf;
  // (no more than the layer's output rows: T over the batch)
  const int T = g.batch * g.out_h();
  // (fused: fb output rows a STORE, one or two, so that more groups fit
  // beside the expansion's units: every group costs its expansion input
  // again)
  const int b_target = pw ? fb : std::min(T, std::max(1, std::min(128, ob_rows) / OW));
  p.Gc = std::max(1, std::min({acc / (2 * OW * b_target), p.Gp, gc_ibuf}));
  if (gc_ibuf < 1) return p;
  p.B = std::max(1, std::min({pw ? fb : ob_rows / OW, ob_rows / OW, acc / (2 * p.Gc * OW), T}));
  p.U = std::min(acc / (p.B * OW), 128);  // (store->compute tokens in flight: at most U)
  p.Gc = std::min(p.Gc, p.U / 2);
  if (pw) {
    // a program per chunk: its taps and the expansion's weights in wbuf,
    // both layers' parameter slots in pbuf
    p.Gc = std::min({p.Gc, static_cast<int>(hw.wbuf_rows) / (9 + p.kt * static_cast<int>(hw.rows)),
                     static_cast<int>(hw.pbuf_slots) / 2});
    p.Gp = p.Gc;
  }
  p.ok = p.Gp >= 1 && p.Gc >= 1;
  return p;
}

DwPlan plan(const ref::ConvGeometry& g, const HwConfig& hw, const ref::ConvGeometry* pw = nullptr) {
  return plan_band(g, hw, pw, 1);
}

// Fused, the shapes a pair may be run in (docs/architecture.md, "The
// shape: band and STORE rows"): a band of one image row, or, where a row is at most 64 pixels,
// whole output rows' worth (stride rows at a time) up to 128 pixels and 32
// rows (the slots, 16 a quarter, hold a band and the rows before it); one
// or two output rows a STORE; those that fit. The runtime takes the one
// with the lowest estimate.
std::vector<detail::FusedShape> shape_choices(const ref::ConvGeometry& g, const HwConfig& hw,
                                              const ref::ConvGeometry& pw) {
  std::vector<int> kbs{1};
  if (g.in_w <= 64) {
    const int most = std::min({128 / g.in_w, g.in_h, 32});
    for (int kb = g.stride_h; kb <= most; kb += g.stride_h) {
      if (kb > 1) kbs.push_back(kb);
    }
  }
  std::vector<detail::FusedShape> shapes;
  for (const int kb : kbs) {
    for (int fb = 1; fb <= 2; ++fb) {
      const DwPlan p = plan_band(g, hw, &pw, kb, fb);
      if (p.ok && p.B == fb) shapes.push_back({kb, fb});
    }
  }
  return shapes;
}

// A STORE's zero point, clamp and requantization mode from a layer's output stage.
void set_output_stage(StoreArgs& st, const ref::OutputStage& os) {
  st.zp_out = static_cast<std::int8_t>(os.zp_out);
  st.clamp_min = static_cast<std::int8_t>(os.act_min);
  st.clamp_max = static_cast<std::int8_t>(os.act_max);
  st.float_scale = os.mode == ref::RequantMode::kFloat32;
}

struct DwOp {
  enum Kind { kLoad, kDw, kStore, kGemm } kind;
  LoadArgs la;
  DwconvArgs da;
  StoreArgs sa;
  Deps d;
  int unit = -1;  // a STORE's accumulator unit (counted over the program)
  GemmArgs ga{};
  int seq = -1;   // a STORE's index among the program's STOREs, in program order
};

}  // namespace

bool dwconv_applies(const ref::ConvGeometry& g, const HwConfig& hw) { return plan(g, hw).ok; }

bool expand_dwconv_applies(const ref::ConvGeometry& pw, const ref::ConvGeometry& dw, const HwConfig& hw) {
  return plan(dw, hw, &pw).ok;
}

GemmStats dwconv_resident(Session& s, const ConvProblem& p, std::uint64_t in_dev, std::uint64_t out_dev,
                          const Timeout& timeout) {
  return detail::dwconv_layer(s, p, nullptr, in_dev, out_dev, timeout, false);
}

namespace {
void check_pair(const ConvProblem& pw, const ConvProblem& dw) {
  pw.g.validate();
  dw.g.validate();
  pw.os.validate(pw.g.out_c);
  dw.os.validate(dw.g.out_c);
  if (dw.zp_in != pw.os.zp_out) {
    throw std::invalid_argument("expand_dwconv: the depthwise layer's input zero point (" + std::to_string(dw.zp_in) +
                                ") is not the expansion's output zero point (" + std::to_string(pw.os.zp_out) + ")");
  }
}

// The fused pair's shape with the lowest estimate (shape_choices).
detail::FusedShape choose_shape(Session& s, const ConvProblem& pw, const ConvProblem& dw) {
  const std::vector<detail::FusedShape> shapes = shape_choices(dw.g, s.config(), pw.g);
  if (shapes.empty()) throw std::logic_error("expand_dwconv_resident: the pair does not fit the fused path");
  if (shapes.size() == 1) return shapes[0];
  Device& dev = s.device();
  detail::FusedShape best;
  std::uint64_t best_cycles = 0;
  for (const detail::FusedShape& sh : shapes) {
    const std::uint64_t mark = dev.allocated_end();
    const std::uint64_t c = detail::dwconv_layer(s, dw, &pw, 0, 0, {}, true, sh).estimated_cycles;
    dev.free_to(mark);
    if (best.band == 0 || c < best_cycles) {
      best = sh;
      best_cycles = c;
    }
  }
  return best;
}
}  // namespace

GemmStats expand_dwconv_resident(Session& s, const ConvProblem& pw, const ConvProblem& dw, std::uint64_t in_dev,
                                 std::uint64_t out_dev, const Timeout& timeout) {
  check_pair(pw, dw);
  return detail::dwconv_layer(s, dw, &pw, in_dev, out_dev, timeout, false);
}

GemmStats estimate_expand_dwconv(Session& s, const ConvProblem& pw, const ConvProblem& dw) {
  check_pair(pw, dw);
  Device& dev = s.device();
  const std::uint64_t mark = dev.allocated_end();
  const GemmStats st = detail::dwconv_layer(s, dw, &pw, 0, 0, {}, true);
  dev.free_to(mark);
  return st;
}

bool expand_dwconv_chosen(Session& s, const ConvProblem& pw, const ConvProblem& dw) {
  if (!expand_dwconv_applies(pw.g, dw.g, s.config()) || dw.zp_in != pw.os.zp_out) return false;
  return estimate_expand_dwconv(s, pw, dw).estimated_cycles <
         estimate_conv2d(s, pw).estimated_cycles + estimate_conv2d(s, dw).estimated_cycles;
}

namespace detail {

std::vector<FusedShape> expand_dwconv_shapes(const ref::ConvGeometry& pw, const ref::ConvGeometry& dw,
                                             const HwConfig& hw) {
  if (!expand_dwconv_applies(pw, dw, hw)) return {};
  return shape_choices(dw, hw, pw);
}

GemmStats dwconv_layer(Session& s, const ConvProblem& p, const ConvProblem* ex, std::uint64_t in_dev,
                       std::uint64_t out_dev, const Timeout& timeout, bool dry, FusedShape shape) {
  const ref::ConvGeometry& g = p.g;
  const HwConfig& hw = s.config();
  if (ex && shape.band == 0) shape = choose_shape(s, *ex, p);
  const DwPlan pl = ex ? plan_band(g, hw, &ex->g, shape.band, shape.store_rows) : plan(g, hw);
  if (!pl.ok) {
    throw std::logic_error(ex ? "expand_dwconv_resident: the pair does not fit the fused path"
                              : "dwconv_resident: the layer does not fit the DWCONV path");
  }
  Device& dev = s.device();
  const detail::CycleModel& model = s.cycle_model();
  const int L = pl.L, C = g.in_c, OH = g.out_h(), OW = g.out_w(), Hp = g.pad_top + g.in_h + g.pad_bottom;
  const int T = g.batch * OH;       // output rows over the batch
  // the image rows the output rows read (a stride can leave the last ones out)
  const int in_rows = std::min(g.in_h, (OH - 1) * g.stride_h + 3 - g.pad_top);
  const std::uint32_t R = hw.rows;  // ibuf word bytes
  const std::uint32_t RW = static_cast<std::uint32_t>(pl.Wp * pl.Gc);  // words per row slot
  // slots per quarter; at most 16, so that the compute->load tokens given
  // before the loads that take them (one per output row whose rows a load
  // overwrites) stay far below the counters' 255
  // (fused: no more than the program's rows need, one chunk a program, as
  // each slot's padding pixels are loaded once)
  const int S = std::min({static_cast<int>(pl.Q / RW) - 1, 16,
                          ex ? ceil_div(g.batch * g.in_h, 3) : 16});
  const bool fused = ex != nullptr;

  // the zero point, enough for a whole padded row of a chunk
  std::vector<std::int8_t> zp(static_cast<std::size_t>(RW) * R, static_cast<std::int8_t>(p.zp_in));
  const std::uint64_t zp_dev = dev.alloc(zp.size());
  dev.copy_to_device(zp_dev, zp.data(), zp.size());

  GemmStats total;
  if (fused) {
    total.fused_band = pl.Kb;
    total.fused_store_rows = pl.B;
  }
  for (int gp0 = 0; gp0 < pl.G; gp0 += pl.Gp) {  // one program
    const int Gp = std::min(pl.Gp, pl.G - gp0);
    // taps [group][tap][lane]; parameters as GEMM's column blocks (the
    // zero point folded into the bias)
    std::vector<std::int8_t> w(static_cast<std::size_t>(Gp) * 9 * L, 0);
    detail::Lowered Lp;
    Lp.n = std::min(Gp * L, C - gp0 * L);
    for (int cc = 0; cc < Lp.n; ++cc) {
      const int ch = gp0 * L + cc;
      std::uint32_t sum = 0;
      for (int t = 0; t < 9; ++t) {
        const std::int8_t v = p.weights[static_cast<std::size_t>(t) * g.out_c + static_cast<std::size_t>(ch)];
        w[(static_cast<std::size_t>(cc / L) * 9 + static_cast<std::size_t>(t)) * L + static_cast<std::size_t>(cc % L)] = v;
        sum += static_cast<std::uint32_t>(static_cast<std::int32_t>(v));
      }
      Lp.bias.push_back(static_cast<std::int32_t>(static_cast<std::uint32_t>(p.os.bias[ch]) -
                                                  static_cast<std::uint32_t>(p.zp_in) * sum));
      Lp.mult.push_back(static_cast<std::int32_t>(p.os.scale_word(ch)));
      Lp.shift.push_back(p.os.shift_word(ch));
    }
    std::vector<std::uint8_t> params = detail::pack_params(Lp, 0, Gp, L);
    // fused: the expansion's weights for these channels ([group][kt*R][L],
    // after the taps in wbuf) and its parameter slots (after the layer's)
    const std::uint32_t xw_row = static_cast<std::uint32_t>(9 * Gp);  // its first wbuf row
    if (fused) {
      const ConvProblem& e = *ex;
      std::vector<std::uint32_t> colsum;
      std::vector<std::int8_t> xw = detail::pack_weights(
          e.g.in_c, Lp.n, pl.kt, static_cast<int>(R), L,
          [&](int kk, int j) { return e.weights[static_cast<std::size_t>(kk) * e.g.out_c + static_cast<std::size_t>(gp0 * L + j)]; },
          [](int kk) { return kk; }, colsum);
      xw.resize(static_cast<std::size_t>(Gp) * pl.kt * R * L, 0);
      detail::Lowered Le;
      Le.n = Lp.n;
      for (int j = 0; j < Lp.n; ++j) {
        const int ch = gp0 * L + j;
        Le.bias.push_back(static_cast<std::int32_t>(static_cast<std::uint32_t>(e.os.bias[ch]) -
                                                    static_cast<std::uint32_t>(e.zp_in) * colsum[static_cast<std::size_t>(j)]));
        Le.mult.push_back(static_cast<std::int32_t>(e.os.scale_word(ch)));
        Le.shift.push_back(e.os.shift_word(ch));
      }
      const std::vector<std::uint8_t> xp = detail::pack_params(Le, 0, Gp, L);
      params.insert(params.end(), xp.begin(), xp.end());
      w.insert(w.end(), xw.begin(), xw.end());
    }
    const std::uint64_t w_dev = dev.alloc(w.size());
    dev.copy_to_device(w_dev, w.data(), w.size());
    const std::uint64_t p_dev = dev.alloc(params.size());
    dev.copy_to_device(p_dev, params.data(), params.size());

    std::vector<DwOp> ops;
    auto load = [&](const LoadArgs& la, Deps d = {}) { ops.push_back({DwOp::kLoad, la, {}, {}, d, -1}); };
    auto one_run = [](std::uint64_t dram, std::uint32_t bytes, std::uint32_t sp) {  // one DRAM run
      LoadArgs la;
      la.dram_addr = dram;
      la.rows = 1;
      la.row_bytes = bytes;
      la.sp_addr = sp;
      la.sp_stride = bytes;
      return la;
    };
    auto contiguous = [&](std::uint64_t dram, std::uint32_t bytes, std::uint32_t sp, Deps d = {}) {
      // (ROW_BYTES is 16 bits: a longer run in pieces of 32 KiB, the first
      // taking d's pops, the last giving its pushes; fused, the taps and
      // the expansion's weights are one run of up to wbuf's size)
      constexpr std::uint32_t kPiece = 32768;
      for (; bytes > kPiece; bytes -= kPiece, dram += kPiece, sp += kPiece) {
        Deps first;
        first.pop_prev = d.pop_prev;
        first.pop_next = d.pop_next;
        d.pop_prev = d.pop_next = false;
        load(one_run(dram, kPiece, sp), first);
      }
      load(one_run(dram, bytes, sp), d);
    };
    // a chunk's taps and parameter slots, loaded before its rows (a
    // chunk's groups are contiguous in both): the first DWCONV waits only
    // for its own chunk's
    auto chunk_params = [&](int gc0, int Gc) {
      const std::uint32_t tap_bytes = static_cast<std::uint32_t>(9 * L), slot_bytes = static_cast<std::uint32_t>(3 * 4 * L);
      if (fused) {  // (one chunk a program: the taps and the expansion's weights, both layers' slots)
        contiguous(w_dev, static_cast<std::uint32_t>(w.size()), hw.wbuf_sp_base);
        contiguous(p_dev, static_cast<std::uint32_t>(params.size()), hw.pbuf_sp_base);
        return;
      }
      contiguous(w_dev + static_cast<std::uint64_t>(gc0) * tap_bytes, static_cast<std::uint32_t>(Gc) * tap_bytes,
                 hw.wbuf_sp_base + static_cast<std::uint32_t>(gc0) * tap_bytes);
      contiguous(p_dev + static_cast<std::uint64_t>(gc0) * slot_bytes, static_cast<std::uint32_t>(Gc) * slot_bytes,
                 hw.pbuf_sp_base + static_cast<std::uint32_t>(gc0) * slot_bytes);
    };
    // Fused with two groups or more, the program starts with what band 0's
    // first unit needs (the expansion's parameter slots, group 0's weights,
    // band 0's input: its first GEMM's load->compute) and loads the rest
    // while band 0's units run, each kStartLead units in front of the one
    // that needs it: group j's weights (unit j's first GEMM's
    // load->compute), before the last group's the depthwise layer's
    // parameter slots, taps, zero rows and slot padding (that unit's token
    // covers them for the DWCONVs, which come after band 0), and after the
    // last group's the next band's input. (With all of them in front of the
    // first GEMM, fetch, reading the instructions through the load DMA's
    // read port behind the DMA's own reads, left the compute queue empty.)
    // Otherwise the first GEMM's token follows every LOAD.
    const bool split_start = fused && Gp >= 2;
    const std::uint32_t tap_rows = static_cast<std::uint32_t>(9 * Gp), xw_bytes = static_cast<std::uint32_t>(pl.kt) * R * L;
    const std::uint32_t slots_bytes = static_cast<std::uint32_t>(Gp * 3 * 4 * L);  // one layer's parameter slots
    auto xw_load = [&](int gi, Deps d) {
      const std::uint32_t at = tap_rows * L + static_cast<std::uint32_t>(gi) * xw_bytes;
      contiguous(w_dev + at, xw_bytes, hw.wbuf_sp_base + at, d);
    };
    if (split_start) {
      contiguous(p_dev + slots_bytes, slots_bytes, hw.pbuf_sp_base + slots_bytes);
      xw_load(0, {});
    } else {
      chunk_params(0, std::min(pl.Gc, Gp));
    }

    // Input rows in loading order li: quarter li % 4 (fused: 1 + li % 3),
    // slot (li / 4) % S (fused: (li / 3) % S) after the zero row. Padding
    // rows are not loaded (row_of: kPadRow):
    // a DWCONV reads them from the zero row of a quarter its other rows
    // do not use. last_user[li]: the last output row (orow, counted over
    // the program) that reads it.
    constexpr int kPadRow = -2;
    std::vector<int> last_user, row_of;
    const int n_chunks = ceil_div(Gp, pl.Gc);
    std::vector<bool> dep_pushed(static_cast<std::size_t>(n_chunks) * T, false);
    int popped_for = -1;   // the last output row a load waited for
    int rows_emitted = 0;  // output rows whose DWCONVs are in the program
    // (slot 0 of each quarter: the zero point, for padding rows)
    // (fused: quarters 1-3, quarter 0 holding the expansion's input buffers)
    const int NQ = fused ? 3 : 4;
    auto row_q = [&](int li) { return fused ? 1 + li % 3 : li % 4; };
    auto row_word = [&](int li) {
      return static_cast<std::uint32_t>(row_q(li)) * pl.Q + static_cast<std::uint32_t>((li / NQ) % S + 1) * RW;
    };
    // (fused, no row is in quarter 0, and a DWCONV reads its padding rows
    // from the zero rows of the first quarters none of its rows use: 0, and
    // the others only where a window holds two padding rows or more)
    int pad_rows_max = 0;
    for (int y = 0; y < OH; ++y) {
      int k = 0;
      for (int v = y * g.stride_h; v < y * g.stride_h + 3; ++v) k += v < g.pad_top || v >= g.pad_top + g.in_h;
      pad_rows_max = std::max(pad_rows_max, k);
    }
    const std::uint32_t zero_quarters = fused && pad_rows_max <= 1 ? 1u : 4u;
    auto dw_setup = [&] {  // the zero rows; fused, the slots' padding pixels
      for (std::uint32_t q = 0; q < zero_quarters; ++q) contiguous(zp_dev, RW * R, q * pl.Q * R);
      if (fused) {
        // the padding pixels left and right of every slot, once: the
        // expansion's STOREs write the image's pixels only (one LOAD per
        // quarter and side, the same zero-point run into every slot)
        // (one chunk a program: Gp groups a pixel)
        const std::uint32_t lw = static_cast<std::uint32_t>(g.pad_left * Gp), rw = static_cast<std::uint32_t>(g.pad_right * Gp);
        for (std::uint32_t q = 1; q < 4; ++q) {  // (the rows' quarters)
          for (const auto& [words, at] : {std::pair<std::uint32_t, std::uint32_t>{lw, 0u},
                                          {rw, static_cast<std::uint32_t>((g.pad_left + g.in_w) * Gp)}}) {
            if (words == 0) continue;
            LoadArgs la;
            la.dram_addr = zp_dev;
            la.rows = static_cast<std::uint32_t>(S);
            la.row_bytes = words * R;
            la.stride = 0;
            la.sp_addr = (q * pl.Q + RW + at) * R;
            la.sp_stride = RW * R;
            load(la);
          }
        }
      }
    };
    auto start_load = [&](int gi, const std::function<void()>& after_last) {  // (split_start: band 0's unit gi)
      Deps d;
      d.push_next = true;
      const bool last = gi + 1 == Gp;
      if (last) {
        contiguous(p_dev, slots_bytes, hw.pbuf_sp_base);
        contiguous(w_dev, tap_rows * L, hw.wbuf_sp_base);
        dw_setup();
      }
      xw_load(gi, d);
      if (last) after_last();
    };
    if (!split_start) dw_setup();
    // (a chunk's first DWCONV waits for its taps and parameters: through
    // its own rows' load->compute, or, when its window is all padding
    // rows, through the parameters' load, or in the first chunk the last
    // zero row's after them)
    std::size_t params_op = ops.size() - 1;
    bool first_dw = !fused;  // (fused: the first GEMM's load->compute follows every LOAD above)
    // unit u: accumulator rows from (u % U) * B * OW; a STORE per unit
    int units_total = 0;
    for (int ci = 0; ci < n_chunks; ++ci) units_total += ceil_div(T, pl.B) * std::min(pl.Gc, Gp - ci * pl.Gc);
    int unit0 = 0;  // the chunk's first unit
    // the units whose STORE gives store->compute: the one U units before
    // the last unit of a DWCONV that reuses units (STOREs drain in program
    // order, so that STORE's drain frees every unit the DWCONV writes)
    // store->compute: the STOREs drain in program order, so a compute
    // instruction that needs STORE k drained pops one token, given by
    // STORE k, if no earlier pop already waited for k or later
    // (need_store); seq_pushes[k]: STORE k gives one
    std::vector<int> unit_seq(static_cast<std::size_t>(units_total), -1);
    std::vector<bool> seq_pushes;
    int last_needed = -1;
    auto emit_store = [&](DwOp o) {
      o.seq = static_cast<int>(seq_pushes.size());
      seq_pushes.push_back(false);
      if (o.unit >= 0) unit_seq[static_cast<std::size_t>(o.unit)] = o.seq;
      ops.push_back(o);
      return o.seq;
    };
    auto need_store = [&](int k) {
      if (k <= last_needed) return false;
      seq_pushes[static_cast<std::size_t>(k)] = true;
      last_needed = k;
      return true;
    };
    // fused: expansion rows (xi, counted over the program) into buffer
    // xi % 2; its last GEMM gives compute->load to the load of row xi + 2;
    // accumulator units e % 2 of in_w rows; each image row's last STORE
    std::vector<std::size_t> x_last_gemm;
    std::vector<int> e_seq, row_seq;
    // fused: the STOREs not yet in the program, in order (an expansion
    // unit's, with the slot row each writes and whether it is the unit's
    // last; or an output row's). Each compute step's STOREs (a unit's
    // GEMMs, an output row's DWCONVs) follow the next step, so that the
    // compute queue holds that step while they fill the store queue; they
    // keep their order, so they take the compute->store tokens in the
    // order the steps give them. A DWCONV's rows' STOREs go before it.
    struct Deferred {
      DwOp o;
      int slot_row;   // an expansion STORE's slot row, else -1
      bool unit_end;  // an expansion unit's last STORE
    };
    int e_units = 0;
    std::deque<Deferred> deferred;
    auto flush_ex = [&] {
      for (const Deferred& f : deferred) {
        const int seq = emit_store(f.o);
        if (f.slot_row >= 0) row_seq[static_cast<std::size_t>(f.slot_row)] = seq;
        if (f.unit_end) e_seq.push_back(seq);
      }
      deferred.clear();
    };
    auto deferred_rows = [&] {
      return std::any_of(deferred.begin(), deferred.end(), [](const Deferred& f) { return f.slot_row >= 0; });
    };
    const std::uint32_t acc_ex0 = hw.acc_rows - pl.acc_ex;
    const std::uint32_t max_groups = (hw.version & 0xffffu) >= 4 ? 255u : 1u;  // GROUPS is ISA 1.4

    std::deque<DwOp> pending;        // the last batch's STOREs, not yet in the program
    std::size_t stores_per_row = 0;  // of them, after each output row's DWCONVs
    for (int ci = 0; ci < n_chunks; ++ci) {
      const int gc0 = ci * pl.Gc, Gc = std::min(pl.Gc, Gp - gc0);
      const int c0 = (gp0 + gc0) * L, Cc = std::min(Gc * L, C - c0), Lc = Gc * L;
      int next_v = 0;
      // fused: the image rows made so far, the last band's first row and
      // slot; the band whose input is loaded ahead
      int band_end = 0, band_iy = 0, band_li = 0;
      int pre_n = -1, pre_iy = -1;
      // fused: the input of image n's band from row iy (k rows) into buffer
      // xi % 4, waiting for the GEMMs of band xi - 4 (whole K tiles a pixel:
      // the rows are one contiguous run, in long bursts; else a LOAD row a
      // pixel, padded to its tiles)
      auto band_load = [&](int n, int iy, int k, int xi) {
        const ConvProblem& e = *ex;
        const std::uint32_t xbase = RW + static_cast<std::uint32_t>(xi % kXBufs) * pl.XW;
        const std::uint32_t tile = static_cast<std::uint32_t>(pl.kt) * R, cin = static_cast<std::uint32_t>(e.g.in_c);
        const std::uint32_t P = static_cast<std::uint32_t>(k * g.in_w);
        const std::uint64_t row = in_dev + (static_cast<std::uint64_t>(n) * g.in_h + static_cast<std::uint64_t>(iy)) * g.in_w * cin;
        Deps dl;
        dl.push_next = true;
        if (xi >= kXBufs) {
          dl.pop_next = true;
          ops[x_last_gemm[static_cast<std::size_t>(xi - kXBufs)]].d.push_prev = true;
        }
        if (cin == tile) {
          contiguous(row, P * cin, xbase * R, dl);
        } else {
          LoadArgs la = one_run(row, cin, xbase * R);
          la.rows = P;
          la.stride = cin;
          la.sp_stride = tile;
          la.pad_right = static_cast<std::uint8_t>(tile - cin);
          la.pad_value = static_cast<std::uint8_t>(e.zp_in);
          load(la, dl);
        }
      };
      // fused: image n's input rows iy .. iy + k - 1 (a band) made into
      // slots li .. li + k - 1: the band's input loaded (unless it was with
      // the band before) and the image's next band's after it, so that the
      // load engine has it ready; per part and group the band's GEMMs (one
      // a K tile) into accumulator unit e % 2 (waiting for the STOREs of
      // unit e - 2) and a STORE per image row into its slot, pixel x of
      // group gi at word x * Gc + gi after the padding pixels (the unit's
      // first STORE takes its compute->store token; the rest follow it in
      // the store engine's order)
      auto expand_rows = [&](int n, int iy, int k, int li, int Gc, int Cc) {
        const ConvProblem& e = *ex;
        const int xi = static_cast<int>(x_last_gemm.size()), P = k * g.in_w;
        const std::uint32_t xbase = RW + static_cast<std::uint32_t>(xi % kXBufs) * pl.XW;
        if (pre_n != n || pre_iy != iy) band_load(n, iy, k, xi);
        auto prefetch = [&] {
          pre_n = -1;
          if (iy + k < in_rows) {
            band_load(n, iy + k, std::min(pl.Kb, in_rows - iy - k), xi + 1);
            pre_n = n;
            pre_iy = iy + k;
          }
        };
        const bool start = xi == 0 && split_start;
        int start_next = 1;  // (start: the next of band 0's units whose load is to come)
        if (!start) prefetch();
        row_seq.resize(static_cast<std::size_t>(li + k), -1);
        std::size_t last_gemm = 0;
        for (int p0 = 0; p0 < P; p0 += pl.Mx)
        for (int gi = 0; gi < Gc; ++gi) {
          // (ub: the unit within the band)
          const int eu = e_units++, mw = std::min(pl.Mx, P - p0), ub = p0 / pl.Mx * Gc + gi;
          for (; start && start_next < std::min(ub + kStartLead, Gp); ++start_next) start_load(start_next, prefetch);
          const std::uint32_t acc_row = acc_ex0 + static_cast<std::uint32_t>((eu % 2) * pl.Mx);
          for (int kk = 0; kk < pl.kt; ++kk) {
            GemmArgs ga;
            ga.m = static_cast<std::uint32_t>(mw);
            ga.ibuf_row = xbase + static_cast<std::uint32_t>(p0 * pl.kt + kk);
            ga.ibuf_stride = static_cast<std::uint32_t>(pl.kt);
            ga.wbuf_row = xw_row + static_cast<std::uint32_t>(gi * pl.kt + kk) * R;
            ga.acc_row = acc_row;
            ga.accumulate = kk > 0;
            Deps d;
            d.pop_prev = kk == 0 && (ub == 0 || (xi == 0 && split_start && ub < Gp));
            d.pop_next = kk == 0 && eu >= 2 && need_store(e_seq[static_cast<std::size_t>(eu - 2)]);
            d.push_next = kk == pl.kt - 1;
            last_gemm = ops.size();
            ops.push_back({DwOp::kGemm, {}, {}, {}, d, -1, ga});
          }
          flush_ex();
          for (int q0 = p0; q0 < p0 + mw;) {  // the part's pixels, an image row at a time
            const int r = q0 / g.in_w, x0 = q0 % g.in_w, m = std::min(g.in_w - x0, p0 + mw - q0);
            StoreArgs st;
            st.to_ibuf = true;
            st.dram_addr = row_word(li + r) + static_cast<std::uint32_t>((g.pad_left + x0) * Gc + gi);
            st.stride = static_cast<std::uint32_t>(Gc);
            st.m = static_cast<std::uint32_t>(m);
            st.acc_row = acc_row + static_cast<std::uint32_t>(q0 - p0);
            st.n_bytes = static_cast<std::uint32_t>(std::min(L, Cc - gi * L));
            st.pslot = static_cast<std::uint32_t>(Gc + gi);
            set_output_stage(st, e.os);
            Deps ds;
            ds.pop_prev = q0 == p0;
            q0 += m;
            deferred.push_back({{DwOp::kStore, {}, {}, st, ds, -1}, li + r, q0 == p0 + mw});
          }
        }
        x_last_gemm.push_back(last_gemm);
      };

      // the loads of image n's rows up to virtual row v_hi (the last one
      // gives load->compute); whether there were any (fused: the rows made
      // by expand_rows, a band at a time, and no load->compute for the
      // DWCONVs: they wait for the rows' STOREs)
      auto load_rows = [&](int n, int v_hi, int orow_base) {
        bool any = false;
        for (; next_v <= v_hi; ++next_v) {
          const int v = next_v, li = static_cast<int>(last_user.size()), iy = v - g.pad_top;
          if (iy < 0 || iy >= g.in_h) {  // a padding row: the quarters' zero rows
            row_of[static_cast<std::size_t>(v)] = kPadRow;
            continue;
          }
          row_of[static_cast<std::size_t>(v)] = li;
          last_user.push_back(orow_base + n * OH + std::min(OH - 1, v / g.stride_h));
          if (fused) {
            if (iy < band_end) {  // made with the band before, into the slot it is given now
              if (li != band_li + iy - band_iy) throw std::logic_error("expand_dwconv: a band's rows out of order");
              continue;
            }
            // (a STORE overwriting a slot's previous row waits for a GEMM
            // after the slot's last DWCONV: compute runs in order)
            const int k = std::min(pl.Kb, in_rows - iy);
            for (int j = std::max(0, NQ * S - li); j < k; ++j) {
              if (last_user[static_cast<std::size_t>(li + j - NQ * S)] >= rows_emitted) {
                throw std::logic_error("expand_dwconv: a STORE would overwrite a row a later DWCONV reads");
              }
            }
            expand_rows(n, iy, k, li, Gc, Cc);
            band_iy = iy;
            band_li = li;
            band_end = iy + k;
            continue;
          }
          Deps d;
          if (li >= NQ * S) {  // the slot's previous row must be done with
            const int dep = last_user[static_cast<std::size_t>(li - NQ * S)];
            if (dep >= rows_emitted) throw std::logic_error("dwconv: a load would wait for a later DWCONV");
            if (dep > popped_for) {
              d.pop_next = true;
              dep_pushed[static_cast<std::size_t>(dep)] = true;
              popped_for = dep;
            }
          }
          const std::uint32_t sp = row_word(li) * R;
          const std::uint64_t row = in_dev + (static_cast<std::uint64_t>(n) * g.in_h + static_cast<std::uint64_t>(iy)) * g.in_w * C;
          if (Cc == C && Lc == C && g.pad_left * Lc <= 255 && g.pad_right * Lc <= 255) {
            // all channels, no padding ones: one contiguous DRAM run, the
            // padding pixels as the LOAD's own left and right padding
            LoadArgs la = one_run(row, static_cast<std::uint32_t>(g.in_w * C), sp);
            la.pad_left = static_cast<std::uint8_t>(g.pad_left * Lc);
            la.pad_right = static_cast<std::uint8_t>(g.pad_right * Lc);
            la.pad_value = static_cast<std::uint8_t>(p.zp_in);
            load(la, d);
          } else if (Cc == C && Lc == C) {  // the same, the padding too wide for the LOAD's fields: three loads
            if (g.pad_left) {
              contiguous(zp_dev, static_cast<std::uint32_t>(g.pad_left * Lc), sp, d);
              d = {};
            }
            contiguous(row, static_cast<std::uint32_t>(g.in_w * C), sp + static_cast<std::uint32_t>(g.pad_left * Lc), d);
            if (g.pad_right) {
              contiguous(zp_dev, static_cast<std::uint32_t>(g.pad_right * Lc),
                         sp + static_cast<std::uint32_t>((g.pad_left + g.in_w) * Lc));
            }
          } else {  // the chunk's Cc channels of each pixel, padded to Lc, padding pixels left and right
            LoadArgs la;
            la.dram_addr = row + static_cast<std::uint64_t>(c0);
            la.rows = static_cast<std::uint32_t>(g.in_w);
            la.row_bytes = static_cast<std::uint32_t>(Cc);
            la.stride = static_cast<std::uint32_t>(C);
            la.sp_addr = sp;
            la.sp_stride = static_cast<std::uint32_t>(Lc);
            la.pad_top = static_cast<std::uint8_t>(g.pad_left);
            la.pad_bottom = static_cast<std::uint8_t>(g.pad_right);
            la.pad_right = static_cast<std::uint8_t>(Lc - Cc);
            la.pad_value = static_cast<std::uint8_t>(p.zp_in);
            load(la, d);
          }
          any = true;
        }
        if (any) ops.back().d.push_next = true;
        return any;
      };

      // Program order: the rows output row y+1 adds, then row y's DWCONVs;
      // a batch's STOREs spread over the next batch's output rows, after
      // each row's DWCONVs (the next chunk's, for a chunk's last batch), so
      // that the store engine works beside the next batch and its full
      // queue never holds up the loads behind it (every dependency points
      // back in program order).
      if (ci > 0) {
        chunk_params(gc0, Gc);
        params_op = ops.size() - 1;
        first_dw = true;
      }
      bool have_l2c = false;
      const int orow_base = ci * T;
      for (int yg = 0; yg < T; ++yg) {
        const int n = yg / OH, y = yg % OH, b = yg / pl.B, in_b = yg % pl.B;
        const bool batch_end = in_b == pl.B - 1 || yg == T - 1;
        if (y == 0) {
          next_v = 0;
          band_end = 0;
          row_of.assign(static_cast<std::size_t>(Hp), -1);
          have_l2c = load_rows(n, 2, orow_base);
        }
        const bool next_l2c = y + 1 < OH && load_rows(n, (y + 1) * g.stride_h + 2, orow_base);
        if (deferred_rows()) flush_ex();
        // one DWCONV for the chunk's groups gi .. gi + groups - 1, split
        // where the accumulator units wrap (the step between two groups'
        // outputs is one unit, B*OW rows)
        for (int gi = 0, groups = 0; gi < Gc; gi += groups) {
          const int u = unit0 + b * Gc + gi;
          groups = 1;
          while (gi + groups < Gc && static_cast<std::uint32_t>(groups) < max_groups && (u + groups) % pl.U != 0) {
            ++groups;
          }
          const int u_last = u + groups - 1;
          DwconvArgs a;
          a.m = static_cast<std::uint32_t>(OW);
          a.stride = static_cast<std::uint32_t>(g.stride_w);
          a.pix_stride = static_cast<std::uint32_t>(Gc);
          a.groups = static_cast<std::uint32_t>(groups);
          a.acc_gstep = groups > 1 ? static_cast<std::uint32_t>(pl.B * OW) : 0u;
          a.wbuf_row = static_cast<std::uint32_t>((gc0 + gi) * 9);
          a.acc_row = static_cast<std::uint32_t>(((u % pl.U) * pl.B + in_b) * OW);
          // (the three rows in three quarters: a padding row takes the
          // zero row of the first quarter no other row of the window uses)
          unsigned used = 0;
          for (int k = 0; k < 3; ++k) {
            const int li = row_of[static_cast<std::size_t>(y * g.stride_h + k)];
            if (li == -1) throw std::logic_error("dwconv: a row read before it is loaded");
            if (li >= 0) used |= 1u << row_q(li);
          }
          for (int k = 0; k < 3; ++k) {
            const int li = row_of[static_cast<std::size_t>(y * g.stride_h + k)];
            if (li >= 0) {
              a.ibuf_row[k] = row_word(li) + static_cast<std::uint32_t>(gi);
              continue;
            }
            std::uint32_t q = 0;
            while (used >> q & 1u) ++q;
            used |= 1u << q;
            a.ibuf_row[k] = q * pl.Q + static_cast<std::uint32_t>(gi);
          }
          Deps d;
          d.pop_prev = gi == 0 && have_l2c;
          if (first_dw && !d.pop_prev) {
            ops[params_op].d.push_next = true;
            d.pop_prev = true;
          }
          first_dw = false;
          // the units' previous STOREs have drained them (fused: and the
          // rows' STOREs have written them)
          int need = -1;
          if (u_last >= pl.U) {
            if (unit_seq[static_cast<std::size_t>(u_last - pl.U)] < 0) flush_ex();  // (deferred)
            need = unit_seq[static_cast<std::size_t>(u_last - pl.U)];
            if (need < 0) throw std::logic_error("dwconv: a DWCONV would wait for a later STORE");
          }
          for (int k = 0; k < 3 && fused; ++k) {
            const int li = row_of[static_cast<std::size_t>(y * g.stride_h + k)];
            if (li >= 0) need = std::max(need, row_seq[static_cast<std::size_t>(li)]);
          }
          d.pop_next = need >= 0 && need_store(need);
          d.push_next = batch_end;                   // a token per group
          d.push_prev = !fused && gi + groups == Gc; // cleared below unless a load waits for this row
          ops.push_back({DwOp::kDw, {}, a, {}, d, -1});
        }
        have_l2c = next_l2c;
        ++rows_emitted;
        for (std::size_t k = 0; k < stores_per_row && !pending.empty(); ++k) {
          emit_store(pending.front());
          pending.pop_front();
        }
        if (!batch_end) continue;
        for (const DwOp& o : pending) emit_store(o);
        pending.clear();
        const int yg0 = b * pl.B, rows = yg - yg0 + 1;
        for (int gi = 0; gi < Gc; ++gi) {
          const int u = unit0 + b * Gc + gi;
          StoreArgs st;
          st.dram_addr = out_dev + static_cast<std::uint64_t>(yg0) * OW * C + static_cast<std::uint64_t>(c0 + gi * L);
          st.m = static_cast<std::uint32_t>(rows * OW);
          st.acc_row = static_cast<std::uint32_t>((u % pl.U) * pl.B * OW);
          st.n_bytes = static_cast<std::uint32_t>(std::min(L, Cc - gi * L));
          st.stride = static_cast<std::uint32_t>(C);
          st.pslot = static_cast<std::uint32_t>(gc0 + gi);
          set_output_stage(st, p.os);
          Deps ds;
          ds.pop_prev = true;  // (push_prev below: whether a DWCONV waits for this unit's drain)
          pending.push_back({DwOp::kStore, {}, {}, st, ds, u});
        }
        // (over the next batch's rows: the rest of this chunk's rows, or
        // the next chunk's first batch; fused, after the next compute step,
        // with the expansion's STOREs in the order of their tokens: compute->
        // store is given in program order, by the expansion's GEMMs too, and
        // a STORE takes the next one)
        const int next_rows = yg + 1 < T ? std::min(pl.B, T - yg - 1) : std::min(pl.B, T);
        stores_per_row = static_cast<std::size_t>(ceil_div(static_cast<int>(pending.size()), next_rows));
        if (fused) {  // (after the next step)
          flush_ex();
          for (const DwOp& o : pending) deferred.push_back({o, -1, false});
          pending.clear();
        }
      }
      unit0 += ceil_div(T, pl.B) * Gc;
    }
    flush_ex();
    for (const DwOp& o : pending) emit_store(o);
    for (DwOp& o : ops) {
      if (o.kind == DwOp::kStore) o.d.push_prev = seq_pushes[static_cast<std::size_t>(o.seq)];
    }
    // compute->load only from the output rows a load waits for
    {
      int orow = -1;
      for (DwOp& o : ops) {
        if (o.kind != DwOp::kDw || !o.d.push_prev) continue;
        ++orow;
        o.d.push_prev = dep_pushed[static_cast<std::size_t>(orow)];
      }
    }

    // Cycle model: the three engines, each in program order, meeting at
    // the tokens (a FIFO of push times per token kind); every dependency
    // points back in program order, so one pass in that order times them
    // all. Loads take the DMA model's cycles, STOREs the store timeline's
    // (a STORE gives store->compute after its drain), a DWCONV one column a
    // cycle and 9 more until its last output is written, a GEMM (fused)
    // max(M, Rows) cycles, Rows + 3 more when it waited for a token or
    // follows a DWCONV (its weights go in after), its results R + C + 3
    // cycles after its last row; the engine switches between GEMM and
    // DWCONV once the other kind's results are all in the accumulator.
    std::uint64_t t_load = 0, t_dw = 0, bytes = 0;
    std::uint64_t dw_in = 0, gemm_in = 0;  // the last DWCONV's / GEMM's results in the accumulator
    const std::uint64_t pipe = static_cast<std::uint64_t>(hw.rows + hw.cols + 3);
    detail::StoreTimeline stores(model, hw.obuf_rows);
    std::deque<std::uint64_t> l2c, c2l, c2s, s2c;
    auto take = [](std::deque<std::uint64_t>& q) {
      if (q.empty()) throw std::logic_error("dwconv: the cycle model pops a token nobody pushed");
      const std::uint64_t t = q.front();
      q.pop_front();
      return t;
    };
    // Fetch reads every instruction through the load DMA's read port: its
    // beats go on the load engine's account. It dispatches in program
    // order, one a cycle, into each engine's queue (64 LOADs, 16 compute
    // instructions, 4 STOREs): an instruction whose queue is full waits
    // until the engine takes the one its queue's depth before it, and
    // holds up every instruction behind it (STOREs in a full store queue
    // starve the load engine). The load and store engines take an
    // instruction when they are free and wait for its token after; the
    // compute engine takes one once its tokens are there.
    const std::uint64_t fetch_beats = ceil_div<std::uint64_t>(hw.insn_bytes, hw.bus_bits / 8);
    std::uint64_t t_disp = 0;
    std::deque<std::uint64_t> q_ld, q_cp, q_st;  // the engines' starts, the last queue-depth of them
    auto dispatch = [&](std::deque<std::uint64_t>& q, std::size_t depth) {
      if (q.size() >= depth) {
        t_disp = std::max(t_disp, q.front() + 1);
        q.pop_front();
      }
      return t_disp++;
    };
    Program prog;
    // (fetch has bursts of its own in flight: its beats take the read
    // channel's idle cycles during the LOAD before them first, those in
    // which that LOAD carries none of its own (too few of its bursts in
    // flight to cover the latency, or its splitter or write-back the
    // slower); only the rest add to the load engine's time)
    std::uint64_t idle = 0;  // the last LOAD's idle read cycles not yet taken by fetch
    for (const DwOp& o : ops) {
      const std::uint64_t hidden = std::min(idle, fetch_beats);
      idle -= hidden;
      t_load += fetch_beats - hidden;
      if (o.kind == DwOp::kLoad) {
        prog.load(o.la, o.d);
        t_load = std::max(t_load, dispatch(q_ld, kLoadQueue));
        q_ld.push_back(t_load);
        if (o.d.pop_next) t_load = std::max(t_load, take(c2l));
        t_load += model.load(o.la, &idle);
        if (o.d.push_next) l2c.push_back(t_load + model.load_data_in());  // its data in
        bytes += static_cast<std::uint64_t>(o.la.rows) * o.la.row_bytes;
      } else if (o.kind == DwOp::kDw) {
        prog.dwconv(o.da, o.d);
        t_dw = std::max(t_dw, dispatch(q_cp, kComputeQueue));
        if (o.d.pop_prev) t_dw = std::max(t_dw, take(l2c));
        if (o.d.pop_next) t_dw = std::max(t_dw, take(s2c));
        if (gemm_in) t_dw = std::max(t_dw, gemm_in + 1);
        gemm_in = 0;
        q_cp.push_back(t_dw);
        // (the next group's taps load after this one's first column
        // swapped them in: 11 cycles from its start at least)
        for (std::uint32_t j = 0; j < o.da.groups; ++j) {
          t_dw += std::max<std::uint64_t>((o.da.m - 1) * o.da.stride + 3, 11);
          if (o.d.push_next) c2s.push_back(t_dw + 9);
        }
        dw_in = t_dw + 9;
        if (o.d.push_prev) c2l.push_back(t_dw);
      } else if (o.kind == DwOp::kGemm) {
        prog.gemm(o.ga, o.d);
        t_dw = std::max(t_dw, dispatch(q_cp, kComputeQueue));
        std::uint64_t token = 0;
        if (o.d.pop_prev) token = take(l2c);
        if (o.d.pop_next) token = std::max(token, take(s2c));
        if (dw_in) token = std::max(token, dw_in + 1);
        q_cp.push_back(t_dw);
        if (o.d.pop_prev || o.d.pop_next || dw_in) t_dw = std::max(t_dw, token + hw.rows + 3);
        dw_in = 0;
        t_dw += std::max<std::uint64_t>(o.ga.m, hw.rows);
        gemm_in = t_dw + pipe;
        if (o.d.push_next) c2s.push_back(gemm_in);
        if (o.d.push_prev) c2l.push_back(t_dw);
      } else {
        prog.store(o.sa, o.d);
        const std::uint64_t d = dispatch(q_st, kStoreQueue);
        q_st.push_back(std::max(d, stores.engine_free()));
        const detail::StoreTimeline::Times st = stores.add(o.sa, o.d.pop_prev ? std::max(d, take(c2s)) : d);
        if (o.d.push_prev) s2c.push_back(st.drained);
        if (!o.sa.to_ibuf) bytes += static_cast<std::uint64_t>(o.sa.m) * o.sa.n_bytes;
      }
    }
    prog.finish();
    if (!dry) run_program(dev, prog, timeout);
    total.estimated_cycles += model.fetch() + std::max({t_load, t_dw, stores.end()});
    total.dram_bytes += bytes;
    if (!dry) total.perf += read_perf(dev);
    total.instructions += prog.size();
    ++total.programs;
  }
  return total;
}

}  // namespace detail

}  // namespace abacus
