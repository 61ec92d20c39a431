// Quantized ONNX models through the importer: the Fashion-MNIST model
// against PyTorch's own quantized outputs (models/fashion, written by
// scripts/make_models.py), on the golden kernels for the whole test set and
// on the simulated accelerator for a subset. (Malformed models:
// test_import.cpp.)
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "abacus/npy.hpp"
#include "abacus/conv.hpp"
#include "abacus/onnx_model.hpp"
#include "abacus/ref/random.hpp"
#include "abacus/sim_device.hpp"
#include "common/seed.hpp"
#include "model_device.hpp"

namespace {

using namespace abacus;

const std::string kModelDir = ABACUS_MODELS_DIR;
const std::string kFashion = kModelDir + "/fashion/fashion_cnn.onnx";

// The first n test images as the model takes them: float32 x / 255, NCHW.
std::vector<float> test_images(int n) { return model::fashion_mnist_test(n).x; }

int argmax(const std::int8_t* v, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i) {
    if (v[i] > v[best]) best = i;
  }
  return best;
}

struct Reference {
  std::vector<std::int8_t> logits;  // PyTorch's uint8 logits, as int8 (value - 128)
  std::vector<int> labels;
};
Reference pytorch_reference() {
  Reference r;
  const npy::Array a = npy::read(kModelDir + "/fashion/fashion_ref_u8.npy");
  EXPECT_EQ(a.dtype, "u1");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{10000, 10}));
  for (auto b : a.data) r.logits.push_back(static_cast<std::int8_t>(b - 128));
  r.labels = model::fashion_mnist_test(10000).labels;
  return r;
}

TEST(FashionModel, ImportsAsTheExpectedLayers) {
  const model::Model m = model::import_onnx(kFashion);
  std::string ops;
  for (const auto& L : m.layers) ops += std::string(model::op_name(L.op)) + " ";
  EXPECT_EQ(ops, "Conv Conv Conv Add Conv MaxPool Conv GlobalAveragePool Flatten Gemm ");
  EXPECT_EQ(m.input_chw, (std::vector<int>{1, 28, 28}));
  EXPECT_TRUE(m.output_float);
  EXPECT_EQ(m.layers[1].g.groups, 16) << "the depthwise conv";
  EXPECT_EQ(m.layers[0].g.stride_h, 2) << "the strided conv";
  EXPECT_EQ(m.layers[0].os.act_min, m.values[1].q.zp) << "ReLU fused into the clamp";
}

// Every test image on the golden kernels: the logits byte for byte, and
// the top-1 accuracy, equal PyTorch's.
TEST(FashionModel, GoldenKernelsEqualPyTorchOnAllTestImages) {
  const Reference ref = pytorch_reference();
  const model::Model m = model::import_onnx(kFashion);
  const int n = 10000;
  const auto q = model::quantize_input(m, test_images(n).data(), n);
  const auto t = model::run_reference(m, q, n);
  const auto& out = t[static_cast<std::size_t>(m.output)];
  ASSERT_EQ(out.size(), ref.logits.size());
  long bad = 0, ours = 0, theirs = 0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 10; ++j) bad += out[i * 10 + j] != ref.logits[i * 10 + j];
    ours += argmax(&out[i * 10], 10) == ref.labels[i];
    theirs += argmax(&ref.logits[i * 10], 10) == ref.labels[i];
  }
  EXPECT_EQ(bad, 0) << "bytes of 100000 differ from PyTorch";
  EXPECT_EQ(ours, theirs);
  EXPECT_GT(ours, 8500) << "the model should classify most images";
  std::printf("golden kernels: %ld of 100000 logit bytes differ from PyTorch; top-1 %.4f (PyTorch %.4f)\n", bad,
              ours / 1e4, theirs / 1e4);
}

// A subset on the simulated accelerator (float32 requantization mode), with
// memory stalls: equal to PyTorch's bytes and to the golden kernels'.
TEST(FashionModel, AcceleratorEqualsPyTorch) {
  const Reference ref = pytorch_reference();
  const model::Model m = model::import_onnx(kFashion);
  const int n = 128;
  const SimDeviceOptions o = test::model_test_device("FashionModel.AcceleratorEqualsPyTorch");
  SimDevice dev(o);
  Session s(dev, 20);
  const auto q = model::quantize_input(m, test_images(n).data(), n);
  std::vector<model::LayerRun> runs;
  const auto t = model::run_device(s, m, q, n, &runs);
  const auto& out = t[static_cast<std::size_t>(m.output)];
  ASSERT_EQ(out.size(), static_cast<std::size_t>(n) * 10);
  long bad = 0;
  for (std::size_t i = 0; i < out.size(); ++i) bad += out[i] != ref.logits[i];
  EXPECT_EQ(bad, 0) << "bytes differ from PyTorch, seed " << o.seed;
  int device_layers = 0;
  for (const auto& r : runs) {
    if (r.on_device) {
      ++device_layers;
      EXPECT_GT(r.cycles, 0u) << r.layer->node;
    }
  }
  EXPECT_EQ(device_layers, 6) << "five convolutions and the fully-connected layer";
  // Tensors stay in device memory between device layers: the depthwise and
  // pointwise convs follow device layers and move nothing through the host;
  // conv1 uploads the quantized images (with its kernel rows stacked:
  // 14 output rows x 28 pixels x 3 rows of 1 channel per image), conv3 and
  // conv4 their host-made inputs (the add's and the max pool's outputs).
  ASSERT_EQ(runs.size(), m.layers.size());
  int checked = 0;
  for (const auto& r : runs) {
    const std::string& node = r.layer->node;
    const std::uint64_t in_bytes = static_cast<std::uint64_t>(n) * m.bytes(r.layer->inputs[0]);
    if (node == "/dw/Conv" || node == "/pw/Conv") {
      EXPECT_EQ(r.host_bytes, 0u) << node;
      ++checked;
    }
    if (node == "/conv1/Conv") {
      EXPECT_EQ(r.host_bytes, static_cast<std::uint64_t>(n) * 14 * 28 * 3) << node;
      ++checked;
    }
    if (node == "/conv3/Conv" || node == "/conv4/Conv") {
      EXPECT_EQ(r.host_bytes, in_bytes) << node;
      ++checked;
    }
    if (node == "/Add") {  // fetches both of its inputs from the device
      EXPECT_EQ(r.host_bytes, 2 * in_bytes) << node;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6) << "the layers' names changed";
}

// The operators the Fashion-MNIST model lacks, in a model from PyTorch
// (scripts/make_models.py ops; random weights): per-channel weight scales,
// AveragePool without padding and after the exporter's Pad (counted
// zeros), a Concat of tensors with different quantization. 500 images on
// the golden kernels and 32 on the accelerator against PyTorch's bytes.
TEST(OpsModel, GoldenKernelsAndAcceleratorEqualPyTorch) {
  const model::Model m = model::import_onnx(kModelDir + "/ops/ops_cnn.onnx");
  std::string ops;
  for (const auto& L : m.layers) ops += std::string(model::op_name(L.op)) + " ";
  EXPECT_EQ(ops, "Conv AveragePool Conv AveragePool Concat Conv GlobalAveragePool Flatten Gemm ");
  EXPECT_GT(m.layers[0].os.scale.size(), 1u);
  EXPECT_NE(m.layers[0].os.scale[0], m.layers[0].os.scale[1]) << "per-channel weight scales";
  EXPECT_EQ(m.layers[3].pad_top, 1) << "the exporter's Pad, folded into the pool";
  EXPECT_TRUE(m.layers[3].count_include_pad);
  const model::Value& c0 = m.values[static_cast<std::size_t>(m.layers[4].inputs[0])];
  const model::Value& c1 = m.values[static_cast<std::size_t>(m.layers[4].inputs[1])];
  EXPECT_NE(c0.q.scale, c1.q.scale) << "the concatenated tensors are quantized differently";
  const npy::Array ref = npy::read(kModelDir + "/ops/ops_ref_u8.npy");
  ASSERT_EQ(ref.shape, (std::vector<std::int64_t>{500, 10}));
  const int n = 500;
  const auto q = model::quantize_input(m, test_images(n).data(), n);
  const auto golden = model::run_reference(m, q, n);
  const auto& out = golden[static_cast<std::size_t>(m.output)];
  ASSERT_EQ(out.size(), ref.data.size());
  long bad = 0;
  for (std::size_t i = 0; i < out.size(); ++i) bad += out[i] != static_cast<std::int8_t>(ref.data[i] - 128);
  EXPECT_EQ(bad, 0) << "golden-kernel bytes of 5000 differ from PyTorch";

  const int nd = 32;
  const SimDeviceOptions o = test::model_test_device("OpsModel.GoldenKernelsAndAcceleratorEqualPyTorch");
  SimDevice dev(o);
  Session s(dev, 20);
  const auto qd = std::vector<std::int8_t>(q.begin(), q.begin() + static_cast<long>(nd * m.elems(0)));
  const auto t = model::run_device(s, m, qd, nd);
  const auto& dout = t[static_cast<std::size_t>(m.output)];
  long dbad = 0;
  for (std::size_t i = 0; i < dout.size(); ++i) dbad += dout[i] != static_cast<std::int8_t>(ref.data[i] - 128);
  EXPECT_EQ(dout.size(), static_cast<std::size_t>(nd) * 10);
  EXPECT_EQ(dbad, 0) << "accelerator bytes differ from PyTorch, seed " << o.seed;
}

// An inverted-residual block's expansion and depthwise layer, built by hand
// (56x56x16 -> 1x1 -> 96 channels, ReLU6-like clamp -> 3x3 depthwise,
// stride 2): run_device fuses the pair (the runtime chooses it at this
// size: asserted), so the expanded tensor never goes to DRAM (the pair's
// bytes are fewer than that tensor's), the depthwise layer's own run
// reports no cycles, and the output (and, with fetch_all, the expanded
// tensor made on the host) equal run_reference's, batch 2.
TEST(DeviceRun, ExpansionFusedWithDepthwise) {
  const int H = 56, Cin = 16, Ce = 96, n = 2;
  const SimDeviceOptions o = test::model_test_device("DeviceRun.ExpansionFusedWithDepthwise");
  ref::Random rnd(o.seed);
  model::Model m;
  m.input_chw = {Cin, H, H};
  m.input_float = false;
  m.values.resize(3);
  m.values[0].shape = {H, H, Cin};
  m.values[1].shape = {H, H, Ce};
  m.values[2].shape = {H / 2, H / 2, Ce};
  m.layers.resize(2);
  model::Layer& e = m.layers[0];
  e.g.in_h = e.g.in_w = H;
  e.g.in_c = Cin;
  e.g.out_c = Ce;
  e.weights = rnd.int8s(static_cast<std::size_t>(Cin) * Ce);
  e.zp_in = -5;
  e.os = ref::random_output_stage(rnd, Ce, Cin, {});
  e.os.act_min = e.os.zp_out;
  e.os.act_max = std::min(127, e.os.zp_out + 90);
  e.inputs = {0};
  e.output = 1;
  model::Layer& d = m.layers[1];
  d.g.in_h = d.g.in_w = H;
  d.g.in_c = d.g.out_c = d.g.groups = Ce;
  d.g.kernel_h = d.g.kernel_w = 3;
  d.g.stride_h = d.g.stride_w = 2;
  d.g.pad_top = d.g.pad_bottom = d.g.pad_left = d.g.pad_right = 1;
  d.weights = rnd.int8s(static_cast<std::size_t>(9) * Ce);
  d.zp_in = e.os.zp_out;
  d.os = ref::random_output_stage(rnd, Ce, 9, {});
  d.inputs = {1};
  d.output = 2;
  m.output = 2;
  const std::vector<std::int8_t> x = rnd.int8s(static_cast<std::size_t>(n) * H * H * Cin);
  const auto want = model::run_reference(m, x, n);
  SimDevice dev(o);
  Session s(dev, 20);
  {
    ConvProblem pe, pd;
    pe.g = e.g;
    pe.g.batch = n;
    pe.os = e.os;
    pe.zp_in = e.zp_in;
    pe.weights = e.weights.data();
    pd.g = d.g;
    pd.g.batch = n;
    pd.os = d.os;
    pd.zp_in = d.zp_in;
    pd.weights = d.weights.data();
    ASSERT_TRUE(expand_dwconv_chosen(s, pe, pd)) << "the runtime no longer fuses this pair";
  }
  for (const bool fetch_all : {false, true}) {
    std::vector<model::LayerRun> runs;
    const auto t = model::run_device(s, m, x, n, &runs, {}, fetch_all);
    EXPECT_EQ(t[2], want[2]) << "the output, fetch_all " << fetch_all << ", seed " << o.seed;
    if (fetch_all) {
      EXPECT_EQ(t[1], want[1]) << "the expanded tensor, made on the host";
    }
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_GT(runs[0].cycles, 0u);
    EXPECT_EQ(runs[1].cycles, 0u) << "the pair's cycles are the expansion's";
    EXPECT_LT(runs[0].dram_bytes, want[1].size()) << "the expanded tensor went to DRAM";
  }
}

// The host's residual add is PyTorch's (qnnpack) fixed-point add, not
// ONNX's float definition: here both inputs at scale 1/2 into scale 1, so
// x = (a + b) / 2 exactly, and halves round away from zero (ONNX's float
// add would round them to even).
TEST(HostOps, AddRoundsHalvesAwayFromZero) {
  const model::QParams h{0.5f, 0}, one{1.0f, 0};
  const model::AddRequant r = model::add_requant(h, h, one);
  EXPECT_EQ(r.shift, 22);
  EXPECT_EQ(r.mult_a, 1 << 21);
  const std::int8_t a[] = {1, -1, 3, -3, 1, 5, 127, -128, 100};
  const std::int8_t b[] = {0, 0, 0, 0, 1, 0, 127, -128, 27};
  const std::int8_t want[] = {1, -1, 2, -2, 1, 3, 127, -128, 64};  // 0.5 1.5 2.5 127 -128 63.5
  std::int8_t y[9];
  model::add_q(a, h, b, h, one, 9, y);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(int(y[i]), int(want[i])) << i;
  // a zero point on each side: 10 - 4 = 6 and 7 - 8 = -1, (6 - 1) / 2 = 2.5 -> 3, + 2
  const std::int8_t a2[] = {10}, b2[] = {7};
  model::add_q(a2, {0.5f, 4}, b2, {0.5f, 8}, {1.0f, 2}, 1, y);
  EXPECT_EQ(int(y[0]), 5);
  EXPECT_THROW(model::add_requant({1.0f, 0}, {1.0f, 0}, {1e-3f, 0}), std::invalid_argument);  // ratio 1000
}

}  // namespace
