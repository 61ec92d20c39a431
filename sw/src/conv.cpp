#include "abacus/conv.hpp"
#include "abacus/util.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace abacus {

namespace {

// Few input channels (an image's RGB): with dilation 1 along the width, a
// kernel row's KW pixels are KW*Cin contiguous bytes, so each kernel row
// is loaded whole and padded once to the array ("wide taps") instead of
// padding every tap's few channels: where that takes fewer K tiles and the
// descriptor's 8-bit padding fields can express it.
bool wide_taps(const ref::ConvGeometry& g, int R) {
  const int cin_g = g.in_c / g.groups;
  return g.groups == 1 && g.dilation_w == 1 && g.kernel_w > 1 &&
         ceil_div(g.kernel_w * cin_g, R) < g.kernel_w * ceil_div(cin_g, R) &&
         ceil_div(g.kernel_w * cin_g, R) * R <= 255 && g.pad_left * cin_g <= 255;
}

// K tiles of the lowered GEMM (one group)
int k_tiles(const ref::ConvGeometry& g, int R) {
  if (wide_taps(g, R)) return g.kernel_h * ceil_div(g.kernel_w * (g.in_c / g.groups), R);
  return g.kernel_h * g.kernel_w * ceil_div(g.in_c / g.groups, R);
}

}  // namespace

bool stack_kernel_rows(const ConvProblem& p, int rows, ConvProblem& out, std::vector<std::int8_t>& input,
                       std::vector<std::int8_t>& weights) {
  const ref::ConvGeometry& g = p.g;
  if (g.groups != 1 || g.kernel_h == 1 || g.dilation_w != 1) return false;
  ref::ConvGeometry s = g;  // a 1 x KW convolution over KH*Cin channels, one input row per output row
  s.in_h = g.out_h();
  s.in_c = g.kernel_h * g.in_c;
  s.kernel_h = 1;
  s.stride_h = 1;
  s.dilation_h = 1;
  s.pad_top = s.pad_bottom = 0;
  if (!wide_taps(s, rows) || k_tiles(s, rows) >= k_tiles(g, rows)) return false;
  const std::size_t cin = static_cast<std::size_t>(g.in_c), w = static_cast<std::size_t>(g.in_w);
  input.assign(static_cast<std::size_t>(g.batch) * s.in_h * w * s.in_c, static_cast<std::int8_t>(p.zp_in));
  for (int n = 0; n < g.batch; ++n)
    for (int oy = 0; oy < s.in_h; ++oy)
      for (int ky = 0; ky < g.kernel_h; ++ky) {
        const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
        if (iy < 0 || iy >= g.in_h) continue;  // a padding row: the zero point
        for (std::size_t ix = 0; ix < w; ++ix)
          std::copy_n(p.input + ((static_cast<std::size_t>(n) * g.in_h + static_cast<std::size_t>(iy)) * w + ix) * cin,
                      cin,
                      input.begin() + static_cast<long>(((static_cast<std::size_t>(n) * s.in_h + static_cast<std::size_t>(oy)) * w + ix) *
                                                            s.in_c + static_cast<std::size_t>(ky) * cin));
      }
  // HWIO [KH][KW][Cin][Cout] -> [1][KW][KH*Cin][Cout]
  const std::size_t cout = static_cast<std::size_t>(g.out_c);
  weights.resize(static_cast<std::size_t>(g.kernel_h) * g.kernel_w * cin * cout);
  for (int ky = 0; ky < g.kernel_h; ++ky)
    for (int kx = 0; kx < g.kernel_w; ++kx)
      for (std::size_t c = 0; c < cin; ++c)
        std::copy_n(p.weights + ((static_cast<std::size_t>(ky) * g.kernel_w + kx) * cin + c) * cout, cout,
                    weights.begin() + static_cast<long>(((static_cast<std::size_t>(kx) * g.kernel_h + ky) * cin + c) * cout));
  out = p;
  out.g = s;
  out.input = input.data();
  out.weights = weights.data();
  return true;
}

GemmStats conv2d(Device& dev, const ConvProblem& p, std::int8_t* output, const Timeout& timeout) {
  Session s(dev);
  return conv2d(s, p, output, timeout);
}

GemmStats conv2d(Session& s, const ConvProblem& p_in, std::int8_t* output, const Timeout& timeout) {
  p_in.g.validate();
  ConvProblem stacked;
  std::vector<std::int8_t> stacked_in, stacked_w;
  const bool stack = stack_kernel_rows(p_in, static_cast<int>(s.config().rows), stacked, stacked_in, stacked_w);
  const ConvProblem& p = stack ? stacked : p_in;
  const ref::ConvGeometry& g = p.g;
  Device& dev = s.device();
  const std::size_t in_bytes = static_cast<std::size_t>(g.batch) * g.in_h * g.in_w * g.in_c;
  const std::size_t out_bytes = static_cast<std::size_t>(g.batch) * g.out_h() * g.out_w() * g.out_c;
  dev.free_all();
  const std::uint64_t in_dev = dev.alloc(in_bytes);
  dev.copy_to_device(in_dev, p.input, in_bytes);
  const std::uint64_t out_dev = dev.alloc(out_bytes);
  const GemmStats total = conv2d_resident(s, p, in_dev, out_dev, timeout);
  dev.copy_from_device(output, out_dev, out_bytes);
  return total;
}

GemmStats conv2d_resident(Session& s, const ConvProblem& p, std::uint64_t in_dev, std::uint64_t out_dev,
                          const Timeout& timeout) {
  return detail::conv_layer(s, p, in_dev, out_dev, timeout, false);
}

GemmStats estimate_conv2d(Session& s, const ConvProblem& p) {
  Device& dev = s.device();
  const std::uint64_t mark = dev.allocated_end();
  const GemmStats st = detail::conv_layer(s, p, 0, 0, {}, true);
  dev.free_to(mark);
  return st;
}

GemmStats detail::conv_layer(Session& s, const ConvProblem& p, std::uint64_t in_dev, std::uint64_t out_dev,
                             const Timeout& timeout, bool dry) {
  const ref::ConvGeometry& g = p.g;
  g.validate();
  p.os.validate(g.out_c);
  if (dwconv_applies(g, s.config())) return dwconv_layer(s, p, nullptr, in_dev, out_dev, timeout, dry);
  Device& dev = s.device();
  const HwConfig& hw = s.config();
  const int R = static_cast<int>(hw.rows), C = static_cast<int>(hw.cols);
  const int OH = g.out_h(), OW = g.out_w(), taps = g.kernel_h * g.kernel_w;
  const int cin_g = g.in_c / g.groups, cout_g = g.out_c / g.groups;

  // Groups of one input channel (depthwise) are batched: `batch` channels
  // share one GEMM whose weights are block-diagonal. Otherwise one GEMM per
  // group.
  const int batch = cin_g == 1 ? std::max(1, std::min(R, C / std::min(cout_g, C))) : 1;
  const int cin_b = cin_g * batch;            // input channels of one lowered GEMM
  const bool wide = wide_taps(g, R);
  const int tap_w = wide ? 1 : g.kernel_w;                    // taps along the width
  const int tap_bytes = wide ? g.kernel_w * cin_g : cin_b;    // bytes one tap loads per pixel
  const int CinT = ceil_div(tap_bytes, R);                    // tiles per tap
  const int KT = g.kernel_h * tap_w * CinT;
  std::vector<std::int8_t> zp_row(static_cast<std::size_t>(CinT) * R, static_cast<std::int8_t>(p.zp_in));
  const std::uint64_t zp_dev = dev.alloc(zp_row.size());
  dev.copy_to_device(zp_dev, zp_row.data(), zp_row.size());

  GemmStats total;
  for (int g0 = 0; g0 < g.groups; g0 += batch) {
    const int nb_groups = std::min(batch, g.groups - g0);
    const int ci0 = g0 * cin_g;                   // first input channel
    const int co0 = g0 * cout_g;                  // first output channel
    const int cin_here = nb_groups * cin_g, n_here = nb_groups * cout_g;

    detail::Lowered L;
    L.m = g.batch * OH * OW;
    L.n = n_here;
    L.kt = KT;
    // K index kk = tap * cin_here + ci; weight of (kk, j) is zero unless ci
    // belongs to output channel j's group.
    std::vector<std::uint32_t> colsum;
    // wide taps: K index (ky, kx, ci) sits at ky*CinT*R + kx*cin + ci
    auto k_row = [&](int kk) {
      const int tap = kk / cin_here, ci = kk % cin_here;
      if (wide) return (tap / g.kernel_w) * CinT * R + (tap % g.kernel_w) * cin_here + ci;
      return tap * CinT * R + ci;
    };
    const std::vector<std::int8_t> bp = detail::pack_weights(
        taps * cin_here, n_here, KT, R, C,
        [&](int kk, int j) -> std::int8_t {
          const int tap = kk / cin_here, ci = kk % cin_here;
          const int grp_of_ci = ci / cin_g, grp_of_j = j / cout_g;
          if (grp_of_ci != grp_of_j) return 0;
          const int ky = tap / g.kernel_w, kx = tap % g.kernel_w;
          const int oc = co0 + j;
          return p.weights[((static_cast<std::size_t>(ky) * g.kernel_w + kx) * cin_g + ci % cin_g) * g.out_c + oc];
        },
        k_row, colsum);
    L.bp = bp.data();
    for (int j = 0; j < n_here; ++j) {
      const int oc = co0 + j;
      L.bias.push_back(static_cast<std::int32_t>(static_cast<std::uint32_t>(p.os.bias[oc]) -
                                                 static_cast<std::uint32_t>(p.zp_in) * colsum[static_cast<std::size_t>(j)]));
      L.mult.push_back(static_cast<std::int32_t>(p.os.scale_word(oc)));
      L.shift.push_back(p.os.shift_word(oc));
    }
    L.float_scale = p.os.mode == ref::RequantMode::kFloat32;
    L.zp_out = p.os.zp_out;
    L.act_min = p.os.act_min;
    L.act_max = p.os.act_max;
    L.c_addr = out_dev + static_cast<std::uint64_t>(co0);
    L.ldc = static_cast<std::uint32_t>(g.out_c);
    L.load_rows = [&](int m0, int mt, std::uint32_t sp_base, std::uint32_t pitch, std::vector<LoadArgs>& out) {
      const std::uint32_t tile_bytes = static_cast<std::uint32_t>(CinT * R);
      auto zp_load = [&](int rows, std::uint32_t sp) {
        LoadArgs la;
        la.dram_addr = zp_dev;
        la.rows = static_cast<std::uint32_t>(rows);
        la.row_bytes = tile_bytes;
        la.stride = 0;  // the same zero-point row, again and again
        la.sp_addr = sp;
        la.sp_stride = pitch;
        out.push_back(la);
      };
      // segments of consecutive output pixels on one output row
      for (int pix = m0; pix < m0 + mt;) {
        const int n = pix / (OH * OW), rem = pix % (OH * OW), oy = rem / OW, ox_a = rem % OW;
        const int cnt = std::min(OW - ox_a, m0 + mt - pix);
        const int ox_b = ox_a + cnt - 1;
        const std::uint32_t sp_seg = sp_base + static_cast<std::uint32_t>(pix - m0) * pitch;
        for (int ky = 0; ky < g.kernel_h; ++ky) {
          for (int kx = 0; kx < tap_w; ++kx) {
            const int tap = ky * tap_w + kx;
            const std::uint32_t sp_tap = sp_seg + static_cast<std::uint32_t>(tap) * tile_bytes;
            const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            if (iy < 0 || iy >= g.in_h) {
              zp_load(cnt, sp_tap);
              continue;
            }
            if (wide) {
              // pixel ox reads input columns [ox*sw - pad_left, +KW); whole
              // windows inside the image go in one LOAD, edge pixels alone
              const std::uint64_t row_base = in_dev + (static_cast<std::uint64_t>(n) * g.in_h + iy) * g.in_w * g.in_c;
              int ox = ox_a;
              while (ox <= ox_b) {
                const int ix0 = ox * g.stride_w - g.pad_left;
                const std::uint32_t sp_px = sp_tap + static_cast<std::uint32_t>(ox - ox_a) * pitch;
                if (ix0 >= 0 && ix0 + g.kernel_w <= g.in_w) {
                  int last = ox;  // extend over pixels whose windows are inside
                  while (last + 1 <= ox_b && (last + 1) * g.stride_w - g.pad_left + g.kernel_w <= g.in_w) ++last;
                  LoadArgs la;
                  la.dram_addr = row_base + static_cast<std::uint64_t>(ix0) * g.in_c;
                  la.rows = static_cast<std::uint32_t>(last - ox + 1);
                  la.row_bytes = static_cast<std::uint32_t>(tap_bytes);
                  la.stride = static_cast<std::uint32_t>(g.stride_w * g.in_c);
                  la.sp_addr = sp_px;
                  la.sp_stride = pitch;
                  la.pad_right = static_cast<std::uint8_t>(tile_bytes - static_cast<std::uint32_t>(tap_bytes));
                  la.pad_value = static_cast<std::uint8_t>(p.zp_in);
                  out.push_back(la);
                  ox = last + 1;
                } else {
                  const int lo_ix = std::max(ix0, 0), hi_ix = std::min(ix0 + g.kernel_w, g.in_w);  // [lo, hi)
                  if (hi_ix <= lo_ix) {
                    zp_load(1, sp_px);
                  } else {
                    LoadArgs la;
                    la.dram_addr = row_base + static_cast<std::uint64_t>(lo_ix) * g.in_c;
                    la.rows = 1;
                    la.row_bytes = static_cast<std::uint32_t>((hi_ix - lo_ix) * g.in_c);
                    la.sp_addr = sp_px;
                    la.sp_stride = pitch;
                    la.pad_left = static_cast<std::uint8_t>((lo_ix - ix0) * g.in_c);
                    la.pad_right = static_cast<std::uint8_t>(tile_bytes - static_cast<std::uint32_t>((hi_ix - ix0) * g.in_c));
                    la.pad_value = static_cast<std::uint8_t>(p.zp_in);
                    out.push_back(la);
                  }
                  ++ox;
                }
              }
              continue;
            }
            const int d = g.pad_left - kx * g.dilation_w;          // ix = ox*sw - d
            const int ox_min = d <= 0 ? 0 : ceil_div(d, g.stride_w);
            const int e = g.in_w - 1 + d;                          // ix <= W-1  <=>  ox*sw <= e
            const int ox_max = e < 0 ? -1 : e / g.stride_w;
            const int lo = std::max(ox_a, ox_min), hi = std::min(ox_b, ox_max);
            if (lo > hi) {
              zp_load(cnt, sp_tap);
              continue;
            }
            const int left = lo - ox_a, right = ox_b - hi;
            const int ix = lo * g.stride_w - d;
            LoadArgs la;
            la.dram_addr = in_dev + ((static_cast<std::uint64_t>(n) * g.in_h + iy) * g.in_w + ix) * g.in_c + ci0;
            la.rows = static_cast<std::uint32_t>(hi - lo + 1);
            la.row_bytes = static_cast<std::uint32_t>(cin_here);
            la.stride = static_cast<std::uint32_t>(g.stride_w * g.in_c);
            la.sp_stride = pitch;
            la.pad_right = static_cast<std::uint8_t>(tile_bytes - static_cast<std::uint32_t>(cin_here));
            la.pad_value = static_cast<std::uint8_t>(p.zp_in);
            if (left <= 255 && right <= 255) {
              la.sp_addr = sp_tap;  // padding rows above and below are pixels off the image
              la.pad_top = static_cast<std::uint8_t>(left);
              la.pad_bottom = static_cast<std::uint8_t>(right);
              out.push_back(la);
            } else {
              if (left) zp_load(left, sp_tap);
              la.sp_addr = sp_tap + static_cast<std::uint32_t>(left) * pitch;
              out.push_back(la);
              if (right) zp_load(right, sp_tap + static_cast<std::uint32_t>(hi - ox_a + 1) * pitch);
            }
          }
        }
        pix += cnt;
      }
    };
    total += detail::run_lowered(dev, hw, s.cycle_model(), L, timeout, dry);
  }
  return total;
}

void maxpool2d(const std::int8_t* in, int n, int h, int w, int c, int k, int stride, std::int8_t* out) {
  if (n <= 0 || h < k || w < k || c <= 0 || k <= 0 || stride <= 0) throw std::invalid_argument("maxpool2d: bad geometry");
  const int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
  for (int b = 0; b < n; ++b)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x)
        for (int ch = 0; ch < c; ++ch) {
          int m = -128;
          for (int dy = 0; dy < k; ++dy)
            for (int dx = 0; dx < k; ++dx)
              m = std::max(m, int(in[((static_cast<std::size_t>(b) * h + y * stride + dy) * w + x * stride + dx) * c + ch]));
          out[((static_cast<std::size_t>(b) * oh + y) * ow + x) * c + ch] = static_cast<std::int8_t>(m);
        }
}

void avgpool2d(const std::int8_t* in, int n, int h, int w, int c, int k, int stride, std::int8_t* out) {
  if (n <= 0 || h < k || w < k || c <= 0 || k <= 0 || stride <= 0) throw std::invalid_argument("avgpool2d: bad geometry");
  const int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1, cnt = k * k;
  for (int b = 0; b < n; ++b)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x)
        for (int ch = 0; ch < c; ++ch) {
          int s = 0;
          for (int dy = 0; dy < k; ++dy)
            for (int dx = 0; dx < k; ++dx)
              s += in[((static_cast<std::size_t>(b) * h + y * stride + dy) * w + x * stride + dx) * c + ch];
          const int avg = s >= 0 ? (s + cnt / 2) / cnt : -((-s + cnt / 2) / cnt);
          out[((static_cast<std::size_t>(b) * oh + y) * ow + x) * c + ch] = static_cast<std::int8_t>(avg);
        }
}

AddParams AddParams::from_scales(double s1, std::int32_t zp1, double s2, std::int32_t zp2, double s_out,
                                 std::int32_t zp_out) {
  if (!(s1 > 0 && s2 > 0 && s_out > 0)) throw std::invalid_argument("add: scales must be positive");
  const double twice_max = 2.0 * std::max(s1, s2);
  AddParams p;
  p.zp1 = zp1;
  p.zp2 = zp2;
  p.zp_out = zp_out;
  const auto q1 = ref::quantize_multiplier(s1 / twice_max);
  const auto q2 = ref::quantize_multiplier(s2 / twice_max);
  const auto qo = ref::quantize_multiplier(twice_max / ((1 << 20) * s_out));
  p.mult1 = q1.multiplier;
  p.shift1 = q1.shift;
  p.mult2 = q2.multiplier;
  p.shift2 = q2.shift;
  p.mult_out = qo.multiplier;
  p.shift_out = qo.shift;
  return p;
}

void add_requantized(const std::int8_t* a, const std::int8_t* b, std::size_t n, const AddParams& p, std::int8_t* out) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t x1 = (static_cast<std::int32_t>(a[i]) - p.zp1) * (1 << 20);
    const std::int32_t x2 = (static_cast<std::int32_t>(b[i]) - p.zp2) * (1 << 20);
    const std::int32_t sum = ref::scale_by_fixed_point(x1, p.mult1, p.shift1) + ref::scale_by_fixed_point(x2, p.mult2, p.shift2);
    std::int64_t v = static_cast<std::int64_t>(ref::scale_by_fixed_point(sum, p.mult_out, p.shift_out)) + p.zp_out;
    v = std::min<std::int64_t>(std::max<std::int64_t>(v, p.act_min), p.act_max);
    out[i] = static_cast<std::int8_t>(v);
  }
}

}  // namespace abacus
