// Convolution on the accelerator (abacus::conv2d through SimDevice) against
// the golden conv2d, byte for byte, and the host-side pooling layers
// against hand-worked cases.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "abacus/conv.hpp"
#include "abacus/ref/conv.hpp"
#include "abacus/ref/random.hpp"
#include "abacus/sim_device.hpp"
#include "common/seed.hpp"

namespace {

using namespace abacus;

class ConvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    seed_ = sim::test_seed(std::string("ConvTest.") + info->name());
    rnd_ = ref::Random(seed_);
    SimDeviceOptions o;
    o.memory_size = 16 << 20;
    o.mem_latency = 20;
    o.stall_prob = 0.01;
    o.max_stall = 10;
    o.seed = seed_;
    o.rand_reset = sim::rand_reset_from_env();
    dev_ = std::make_unique<SimDevice>(o);
  }
  int uniform(int lo, int hi) { return rnd_.uniform(lo, hi); }

  void check(const ref::ConvGeometry& g, const char* what, ref::RequantMode mode = ref::RequantMode::kFixedPoint) {
    SCOPED_TRACE(what);
    const std::vector<std::int8_t> x = rnd_.int8s(static_cast<std::size_t>(g.batch) * g.in_h * g.in_w * g.in_c);
    const std::vector<std::int8_t> w =
        rnd_.int8s(static_cast<std::size_t>(g.kernel_h) * g.kernel_w * (g.in_c / g.groups) * g.out_c);
    ConvProblem p;
    p.g = g;
    p.input = x.data();
    p.weights = w.data();
    p.zp_in = rnd_.uniform(-100, 100);
    ref::OutputStageSpec spec;
    spec.bias_bound = 50000;
    spec.zp_out_bound = 20;
    spec.mode = mode;
    p.os = ref::random_output_stage(rnd_, g.out_c, g.kernel_h * g.kernel_w * g.in_c / g.groups, spec);
    if (rnd_.uniform(0, 1)) p.os.act_min = p.os.zp_out;  // fused ReLU
    std::vector<std::int8_t> want(static_cast<std::size_t>(g.batch) * g.out_h() * g.out_w() * g.out_c), got(want.size());
    ref::conv2d_i8(g, x.data(), w.data(), p.zp_in, p.os, want.data());
    try {
      conv2d(*dev_, p, got.data());
    } catch (const std::exception& e) {  // keep the shape that raised it (gtest alone says "unknown file")
      ADD_FAILURE() << what << " (batch " << g.batch << ", " << g.in_h << "x" << g.in_w << "x" << g.in_c << " -> "
                    << g.out_c << ", kernel " << g.kernel_h << "x" << g.kernel_w << ", stride " << g.stride_h << "x"
                    << g.stride_w << ", pad " << g.pad_top << ", dilation " << g.dilation_h << ", groups " << g.groups
                    << "): conv2d threw: " << e.what() << ", seed " << seed_;
      return;
    }
    long bad = 0;
    for (std::size_t i = 0; i < want.size(); ++i) bad += got[i] != want[i];
    EXPECT_EQ(bad, 0) << what << " (batch " << g.batch << ", " << g.in_h << "x" << g.in_w << "x" << g.in_c << " -> "
                      << g.out_c << ", kernel " << g.kernel_h << "x" << g.kernel_w << ", stride " << g.stride_h << "x"
                      << g.stride_w << ", pads " << g.pad_top << "/" << g.pad_bottom << "/" << g.pad_left << "/"
                      << g.pad_right << ", groups " << g.groups << "): " << bad << " of " << want.size()
                      << " bytes differ, seed " << seed_;
  }

  static ref::ConvGeometry geom(int n, int h, int w, int c, int kh, int kw, int oc, int s, int pad, int d = 1,
                                int groups = 1) {
    ref::ConvGeometry g;
    g.batch = n;
    g.in_h = h;
    g.in_w = w;
    g.in_c = c;
    g.kernel_h = kh;
    g.kernel_w = kw;
    g.out_c = oc;
    g.stride_h = g.stride_w = s;
    g.pad_top = g.pad_bottom = g.pad_left = g.pad_right = pad;
    g.dilation_h = g.dilation_w = d;
    g.groups = groups;
    return g;
  }

  // A random geometry within these ranges (pads 0..3 on each side, strides
  // 1..3, out_c 1..40, the input span more than the dilated kernel).
  struct Ranges {
    int c_max = 40, k_min = 1, k_max = 5, dh_max = 2, dw_max = 2, span = 10, batch_max = 1;
  };
  ref::ConvGeometry random_geometry(const Ranges& r) {
    ref::ConvGeometry g;
    g.batch = uniform(1, r.batch_max);
    g.kernel_h = uniform(r.k_min, r.k_max);
    g.kernel_w = uniform(r.k_min, r.k_max);
    g.stride_h = uniform(1, 3);
    g.stride_w = uniform(1, 3);
    g.dilation_h = uniform(1, r.dh_max);
    g.dilation_w = uniform(1, r.dw_max);
    g.pad_top = uniform(0, 3);
    g.pad_bottom = uniform(0, 3);
    g.pad_left = uniform(0, 3);
    g.pad_right = uniform(0, 3);
    g.in_c = uniform(1, r.c_max);
    g.out_c = uniform(1, 40);
    g.in_h = uniform(1, r.span) + g.dilation_h * (g.kernel_h - 1);
    g.in_w = uniform(1, r.span) + g.dilation_w * (g.kernel_w - 1);
    return g;
  }

  // A random 3x3 depthwise layer for the DWCONV path: strides 1..3 and
  // pads 0..3 each way, 1..80 channels (chunks of groups, partial groups),
  // batch 1..2, 3..11 rows of 3..22 pixels.
  ref::ConvGeometry random_depthwise() {
    ref::ConvGeometry g;
    g.batch = uniform(1, 2);
    g.kernel_h = g.kernel_w = 3;
    g.stride_h = uniform(1, 3);
    g.stride_w = uniform(1, 3);
    g.pad_top = uniform(0, 3);
    g.pad_bottom = uniform(0, 3);
    g.pad_left = uniform(0, 3);
    g.pad_right = uniform(0, 3);
    g.in_c = g.out_c = g.groups = uniform(1, 80);
    g.in_h = uniform(1, 9) + 2;
    g.in_w = uniform(1, 20) + 2;
    return g;
  }

  std::uint64_t seed_ = 0;
  ref::Random rnd_{0};
  std::unique_ptr<SimDevice> dev_;
};

TEST_F(ConvTest, ShapesFromTheIssue) {
  check(geom(1, 9, 9, 16, 1, 1, 16, 1, 0), "1x1");
  check(geom(1, 12, 11, 20, 3, 3, 24, 2, 1), "3x3 stride 2, channels not multiples of 16");
  check(geom(1, 19, 19, 3, 7, 7, 17, 2, 3), "7x7 stride 2, 3 input channels");
  check(geom(1, 10, 10, 16, 3, 3, 16, 1, 2, 2), "dilation 2");
  check(geom(1, 6, 7, 5, 3, 3, 6, 1, 4), "padding larger than the kernel radius");
  check(geom(1, 8, 8, 1, 3, 3, 1, 1, 1), "single channel");
  check(geom(2, 6, 6, 8, 3, 3, 8, 1, 1), "batch 2");
  ref::ConvGeometry a = geom(1, 9, 8, 12, 3, 2, 10, 1, 0);
  a.pad_top = 2;
  a.pad_bottom = 0;
  a.pad_left = 0;
  a.pad_right = 3;
  a.stride_h = 2;
  check(a, "asymmetric padding and stride, 3x2 kernel");
}

TEST_F(ConvTest, DepthwiseAndGroups) {
  check(geom(1, 10, 10, 32, 3, 3, 32, 1, 1, 1, 32), "depthwise 32 channels");
  check(geom(1, 9, 9, 20, 3, 3, 40, 2, 1, 1, 20), "depthwise with channel multiplier 2, stride 2");
  check(geom(1, 8, 8, 24, 3, 3, 16, 1, 1, 1, 2), "two groups");
  check(geom(1, 1, 1, 100, 1, 1, 37, 1, 0), "fully connected (1x1 on 1x1)");
}

// Depthwise 3x3 layers on the DWCONV path: random shapes (strides 1..3 in
// each direction, pads 0..3 on each side, channels 1..80 so chunks of
// channel groups and partial groups occur, batch 1..2), both
// requantization modes, every one checked to take the path, under the
// fixture's memory stalls.
TEST_F(ConvTest, DepthwiseOnTheDwconvPath) {
  const HwConfig hw = Session(*dev_).config();
  for (int i = 0; i < 16; ++i) {
    const ref::ConvGeometry g = random_depthwise();
    ASSERT_TRUE(dwconv_applies(g, hw)) << "shape " << i << ", seed " << seed_;
    check(g, ("depthwise " + std::to_string(i)).c_str(),
          i % 2 ? ref::RequantMode::kFloat32 : ref::RequantMode::kFixedPoint);
  }
  // rows of all channels in one chunk: the padding pixels as the row LOAD's
  // own left/right padding (32 channels, pad 2), or, wider than its 8-bit
  // fields (128 channels, pad 2: 256 bytes), as loads of their own
  for (const auto& [c, h] : {std::pair{32, 6}, std::pair{128, 3}}) {
    const ref::ConvGeometry g = geom(1, h, h + 1, c, 3, 3, c, 1, 2, 1, c);
    ASSERT_TRUE(dwconv_applies(g, hw)) << c << " channels";
    check(g, ("depthwise, whole rows, " + std::to_string(c) + " channels").c_str());
  }
  // what stays on the GEMM path: a channel multiplier, dilation, other kernels
  EXPECT_FALSE(dwconv_applies(geom(1, 9, 9, 20, 3, 3, 40, 2, 1, 1, 20), hw));
  EXPECT_FALSE(dwconv_applies(geom(1, 10, 10, 16, 3, 3, 16, 1, 2, 2, 16), hw));
  EXPECT_FALSE(dwconv_applies(geom(1, 10, 10, 16, 5, 5, 16, 1, 2, 1, 16), hw));
  // nor on a device older than ISA 1.3 (no DWCONV)
  HwConfig old = hw;
  old.version = 0x00010002;
  EXPECT_TRUE(dwconv_applies(geom(1, 10, 10, 16, 3, 3, 16, 1, 1, 1, 16), hw));
  EXPECT_FALSE(dwconv_applies(geom(1, 10, 10, 16, 3, 3, 16, 1, 1, 1, 16), old));
}

// An inverted-residual block's 1x1 expansion fused with its depthwise
// layer (expand_dwconv_resident, ISA 1.5): random pairs (expansion input
// 1..40 channels, so 1..3 K tiles and partial ones; 1..80 expanded
// channels, so several programs and partial groups; strides 1..3, pads
// 0..3, batch 1..2; the expansion's clamp a ReLU6-like window; half of
// them in the shape the runtime chooses, half in one of the shapes it may
// choose, at random: bands of image rows, output rows a STORE), both
// requantization modes, under the fixture's memory stalls, byte for byte
// against ref::conv2d_i8 applied twice; nothing of the expanded tensor
// reaches DRAM (bytes written = the output's).
TEST_F(ConvTest, ExpansionFusedWithDepthwise) {
  Session s(*dev_);
  const HwConfig hw = s.config();
  for (int i = 0; i < 20; ++i) {
    const ref::RequantMode mode = i % 2 ? ref::RequantMode::kFloat32 : ref::RequantMode::kFixedPoint;
    const ref::ConvGeometry dw = random_depthwise();
    ref::ConvGeometry pw = geom(dw.batch, dw.in_h, dw.in_w, uniform(1, 40), 1, 1, dw.in_c, 1, 0);
    // (the odd pairs in a shape the runtime may choose, at random; the even
    // ones as the runtime chooses)
    const std::vector<detail::FusedShape> shapes = detail::expand_dwconv_shapes(pw, dw, hw);
    ASSERT_FALSE(shapes.empty());
    const detail::FusedShape shape =
        i % 2 ? shapes[static_cast<std::size_t>(uniform(0, static_cast<int>(shapes.size()) - 1))] : detail::FusedShape{};
    const std::string what = "pair " + std::to_string(i) + " (batch " + std::to_string(dw.batch) + ", " +
                             std::to_string(dw.in_h) + "x" + std::to_string(dw.in_w) + "x" + std::to_string(pw.in_c) +
                             " -> " + std::to_string(dw.in_c) + ", stride " + std::to_string(dw.stride_h) + "x" +
                             std::to_string(dw.stride_w) + ", pads " + std::to_string(dw.pad_top) + "/" +
                             std::to_string(dw.pad_bottom) + "/" + std::to_string(dw.pad_left) + "/" +
                             std::to_string(dw.pad_right) + (i % 2 ? ", float32" : "") + ", " +
                             (shape.band ? "band " + std::to_string(shape.band) + ", " +
                                               std::to_string(shape.store_rows) + " output rows a STORE"
                                         : "shape chosen") + "), seed " +
                             std::to_string(seed_);
    ASSERT_TRUE(expand_dwconv_applies(pw, dw, hw)) << what;
    ref::OutputStageSpec spec;
    spec.bias_bound = 50000;
    spec.zp_out_bound = 20;
    spec.mode = mode;
    const std::vector<std::int8_t> x = rnd_.int8s(static_cast<std::size_t>(pw.batch) * pw.in_h * pw.in_w * pw.in_c);
    const std::vector<std::int8_t> we = rnd_.int8s(static_cast<std::size_t>(pw.in_c) * pw.out_c);
    const std::vector<std::int8_t> wd = rnd_.int8s(static_cast<std::size_t>(9) * dw.out_c);
    ConvProblem pe, pd;
    pe.g = pw;
    pe.weights = we.data();
    pe.zp_in = uniform(-100, 100);
    pe.os = ref::random_output_stage(rnd_, pw.out_c, pw.in_c, spec);
    pe.os.act_min = pe.os.zp_out;  // ReLU6-like: [zp, zp + a few]
    pe.os.act_max = std::min(127, pe.os.zp_out + uniform(1, 100));
    pd.g = dw;
    pd.weights = wd.data();
    pd.zp_in = pe.os.zp_out;
    pd.os = ref::random_output_stage(rnd_, dw.out_c, 9, spec);
    std::vector<std::int8_t> mid(static_cast<std::size_t>(pw.batch) * pw.in_h * pw.in_w * pw.out_c);
    std::vector<std::int8_t> want(static_cast<std::size_t>(dw.batch) * dw.out_h() * dw.out_w() * dw.out_c);
    ref::conv2d_i8(pw, x.data(), we.data(), pe.zp_in, pe.os, mid.data());
    ref::conv2d_i8(dw, mid.data(), wd.data(), pd.zp_in, pd.os, want.data());
    dev_->free_all();
    const std::uint64_t in_dev = dev_->alloc(x.size()), out_dev = dev_->alloc(want.size());
    dev_->copy_to_device(in_dev, x.data(), x.size());
    GemmStats st;
    try {
      st = shape.band ? detail::dwconv_layer(s, pd, &pe, in_dev, out_dev, {}, false, shape)
                      : expand_dwconv_resident(s, pe, pd, in_dev, out_dev);
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << ": " << e.what();
      continue;
    }
    std::vector<std::int8_t> got(want.size());
    dev_->copy_from_device(got.data(), out_dev, got.size());
    long bad = 0;
    for (std::size_t k = 0; k < want.size(); ++k) bad += got[k] != want[k];
    EXPECT_EQ(bad, 0) << what << ": " << bad << " of " << want.size() << " bytes differ";
    EXPECT_EQ(st.perf.bytes_written, want.size()) << what;
  }
  // what is not fused: an expansion that is not 1x1 stride 1 unpadded, a
  // depthwise layer off the DWCONV path, a device older than ISA 1.5
  const ref::ConvGeometry d = geom(1, 10, 10, 32, 3, 3, 32, 2, 1, 1, 32);
  EXPECT_TRUE(expand_dwconv_applies(geom(1, 10, 10, 16, 1, 1, 32, 1, 0), d, hw));
  EXPECT_FALSE(expand_dwconv_applies(geom(1, 10, 10, 16, 3, 3, 32, 1, 1), d, hw));
  EXPECT_FALSE(expand_dwconv_applies(geom(1, 10, 10, 16, 1, 1, 24, 1, 0), d, hw));
  EXPECT_FALSE(expand_dwconv_applies(geom(1, 10, 10, 16, 1, 1, 32, 1, 0), geom(1, 10, 10, 32, 3, 3, 32, 1, 2, 2, 32), hw));
  HwConfig old = hw;
  old.version = 0x00010004;
  EXPECT_FALSE(expand_dwconv_applies(geom(1, 10, 10, 16, 1, 1, 32, 1, 0), d, old));
  // the depthwise layer's input zero point must be the expansion's output's
  ConvProblem pe, pd;
  pe.g = geom(1, 10, 10, 16, 1, 1, 32, 1, 0);
  pd.g = d;
  pe.os = ref::random_output_stage(rnd_, 32, 16, {});
  pd.os = ref::random_output_stage(rnd_, 32, 9, {});
  pd.zp_in = pe.os.zp_out + 1;
  EXPECT_THROW(expand_dwconv_resident(s, pe, pd, 0, 0), std::invalid_argument);
}

// The float32 requantization mode through the conv lowering (per-channel
// scales, fused ReLU, depthwise and strided), against ref::conv2d_i8.
TEST_F(ConvTest, FloatScaleShapes) {
  const auto f = ref::RequantMode::kFloat32;
  check(geom(1, 12, 11, 20, 3, 3, 24, 2, 1), "float32: 3x3 stride 2", f);
  check(geom(1, 9, 9, 20, 3, 3, 40, 2, 1, 1, 20), "float32: depthwise with channel multiplier 2, stride 2", f);
  check(geom(2, 6, 6, 8, 1, 1, 8, 1, 0), "float32: 1x1, batch 2", f);
}

TEST_F(ConvTest, RandomShapes) {
  for (int i = 0; i < 6; ++i) check(random_geometry({}), ("random " + std::to_string(i)).c_str());
}

// Few-channel layers with their kernel rows stacked (stack_kernel_rows,
// which conv2d applies where it saves K tiles): random first-layer shapes
// in both requantization modes, every one checked to take that path.
TEST_F(ConvTest, FewChannelKernelRowsStacked) {
  const int rows = static_cast<int>(Session(*dev_).config().rows);
  int stacked = 0;
  Ranges few;  // first layers: few channels, kernels 2..7, dilation along the height only
  few.c_max = 6;
  few.k_min = 2;
  few.k_max = 7;
  few.dh_max = 3;
  few.dw_max = 1;
  few.span = 12;
  few.batch_max = 2;
  for (int i = 0; stacked < 8 && i < 200; ++i) {
    const ref::ConvGeometry g = random_geometry(few);
    ConvProblem p, s;
    p.g = g;
    const std::vector<std::int8_t> x(static_cast<std::size_t>(g.batch) * g.in_h * g.in_w * g.in_c);
    const std::vector<std::int8_t> w(static_cast<std::size_t>(g.kernel_h) * g.kernel_w * g.in_c * g.out_c);
    p.input = x.data();
    p.weights = w.data();
    std::vector<std::int8_t> sx, sw;
    if (!stack_kernel_rows(p, rows, s, sx, sw)) continue;
    ++stacked;
    check(g, ("stacked " + std::to_string(stacked)).c_str(),
          stacked % 2 ? ref::RequantMode::kFixedPoint : ref::RequantMode::kFloat32);
  }
  EXPECT_EQ(stacked, 8) << "shapes that stack, seed " << seed_;
}

// 4x4 single channel, values by hand: max pool 2/2 and average pool 2/2.
TEST(HostPool, HandWorked) {
  const std::int8_t x[16] = {1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -9};
  std::int8_t mx[4], av[4];
  maxpool2d(x, 1, 4, 4, 1, 2, 2, mx);
  avgpool2d(x, 1, 4, 4, 1, 2, 2, av);
  EXPECT_EQ(std::vector<int>(mx, mx + 4), (std::vector<int>{6, 8, -1, -3}));
  // (1+2+5+6)/4 = 3.5 -> 4; (3+4+7+8)/4 = 5.5 -> 6; -14/4 = -3.5 -> -4; -23/4 = -5.75 -> -6
  EXPECT_EQ(std::vector<int>(av, av + 4), (std::vector<int>{4, 6, -4, -6}));
}

// Residual add: both inputs scale 0.5, zero points 3 and -2, output scale
// 1.0, zero point 1: out = 1 + round(0.5*(a-3) + 0.5*(b+2)).
//   a=13, b=8:   0.5*10 + 0.5*10 = 10   -> 11
//   a=3,  b=-2:  0                      -> 1
//   a=-128, b=-128: 0.5*-131 + 0.5*-126 = -128.5 -> -128 (clamped; -127.5 +1)
//   a=127, b=127: 0.5*124 + 0.5*129 = 126.5 -> 127 after +1 and the clamp
TEST(HostAdd, HandWorked) {
  const auto p = AddParams::from_scales(0.5, 3, 0.5, -2, 1.0, 1);
  const std::int8_t a[] = {13, 3, -128, 127, 4};
  const std::int8_t b[] = {8, -2, -128, 127, -1};
  std::int8_t out[5];
  add_requantized(a, b, 5, p, out);
  // a=4,b=-1: 0.5*1 + 0.5*1 = 1 -> 2
  EXPECT_EQ(std::vector<int>(out, out + 5), (std::vector<int>{11, 1, -128, 127, 2}));
}

}  // namespace
