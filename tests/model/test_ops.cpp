// Operators and forms the Fashion-MNIST model does not use, each in a small
// model built here with ONNX's own classes and checked against outputs
// worked out by hand (in the comments): per-channel weights, int8
// activations and a fused Clip (QDQ Conv); a 3-D MatMul with per-column
// weights and a Reshape, uint8 output; and ONNX Runtime's QLinearAdd and
// QLinearGlobalAveragePool on a uint8 graph input. Device layers also run
// on the simulated accelerator, which must give the same bytes.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "abacus/onnx_model.hpp"
#include "abacus/sim_device.hpp"
#include "common/seed.hpp"
#include "model_device.hpp"

namespace {

using namespace abacus;

// A graph under construction.
class Builder {
 public:
  Builder(int elem_type, std::vector<std::int64_t> dims, int opset = 13) {
    m_.set_ir_version(8);
    auto* op = m_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    auto* ms = m_.add_opset_import();
    ms->set_domain("com.microsoft");
    ms->set_version(1);
    auto* in = m_.mutable_graph()->add_input();
    in->set_name("x");
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elem_type);
    for (auto d : dims) {
      auto* dim = tt->mutable_shape()->add_dim();
      if (d < 0) dim->set_dim_param("N");
      else dim->set_dim_value(d);
    }
  }
  // An initializer of int8/uint8/int32/int64/float values.
  void init(const std::string& name, int type, std::vector<std::int64_t> dims, const std::vector<double>& v) {
    auto* t = m_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (auto d : dims) t->add_dims(d);
    for (double x : v) {
      if (type == onnx::TensorProto::FLOAT) t->add_float_data(static_cast<float>(x));
      else if (type == onnx::TensorProto::INT64) t->add_int64_data(static_cast<std::int64_t>(x));
      else t->add_int32_data(static_cast<std::int32_t>(x));
    }
  }
  onnx::NodeProto* node(const std::string& op, std::vector<std::string> in, const std::string& out,
                        const std::string& domain = "") {
    auto* n = m_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(out + "_node");
    if (!domain.empty()) n->set_domain(domain);
    for (auto& i : in) n->add_input(i);
    n->add_output(out);
    return n;
  }
  static void attr_int(onnx::NodeProto* n, const std::string& name, std::int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr_float(onnx::NodeProto* n, const std::string& name, float v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  std::string write(const std::string& output) {
    m_.mutable_graph()->add_output()->set_name(output);
    const std::string path = ::testing::TempDir() + "abacus_ops_" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".onnx";
    std::ofstream f(path, std::ios::binary);
    m_.SerializeToOstream(&f);
    return path;
  }

 private:
  onnx::ModelProto m_;
};

constexpr int kF32 = onnx::TensorProto::FLOAT, kI8 = onnx::TensorProto::INT8, kU8 = onnx::TensorProto::UINT8,
              kI32 = onnx::TensorProto::INT32;

// Runs the model on the golden kernels and on the simulated device; both
// must give the same output; returns it as the graph declares it.
model::Tensor run_both(const model::Model& m, const std::vector<std::int8_t>& q, int n, int want_device_layers) {
  const auto golden = model::run_reference(m, q, n);
  const SimDeviceOptions o =
      test::model_test_device(std::string("ModelOps.") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  SimDevice dev(o);
  Session s(dev, 20);
  std::vector<model::LayerRun> runs;
  const auto t = model::run_device(s, m, q, n, &runs);
  int device_layers = 0;
  for (const auto& r : runs) device_layers += r.on_device;
  EXPECT_EQ(device_layers, want_device_layers);
  EXPECT_EQ(t[static_cast<std::size_t>(m.output)], golden[static_cast<std::size_t>(m.output)]) << "seed " << o.seed;
  return model::output_tensor(m, golden[static_cast<std::size_t>(m.output)], n);
}

std::vector<float> floats(const model::Tensor& t) {
  std::vector<float> f(t.bytes.size() / 4);
  std::memcpy(f.data(), t.bytes.data(), t.bytes.size());
  return f;
}

// QDQ Conv 1x1, int8 activations (x: scale 0.5, zp -3; y: scale 0.25, zp
// 10), per-channel weight scales [0.25, 1] (axis 0), an int32 bias, Clip(0, 6).
//   x (NCHW, one item, 1x2 pixels): c0 = [1, -2], c1 = [3, 0.5]
//   x_q - zp = round(x / 0.5): c0 = [2, -4], c1 = [6, 1]
//   w = [[2, -1], [1, 3]] (o, i); bias = [4, -3]
//   acc + bias: o0 = [2*2 - 6 + 4, -8 - 1 + 4] = [2, -5]
//               o1 = [2 + 18 - 3, -4 + 3 - 3] = [17, -4]
//   scales (w_s * x_s) / y_s: o0 0.5, o1 2 -> o0 = [1, -2.5 -> -2 (even)],
//   o1 = [34, -8]; + zp 10 = [11, 8], [44, 2]; Clip: [q(0), q(6)] = [10, 34]
//   -> [11, 10], [34, 10], dequantized [0.25, 0], [6, 0]
TEST(ModelOps, PerChannelConvInt8ActivationsClip) {
  Builder b(kF32, {-1, 2, 1, 2});
  b.init("xs", kF32, {}, {0.5});
  b.init("xz", kI8, {}, {-3});
  b.init("ys", kF32, {}, {0.25});
  b.init("yz", kI8, {}, {10});
  b.init("w", kI8, {2, 2, 1, 1}, {2, -1, 1, 3});
  b.init("ws", kF32, {2}, {0.25, 1.0});
  b.init("wz", kI8, {2}, {0, 0});
  b.init("b", kI32, {2}, {4, -3});
  b.init("bs", kF32, {2}, {0.125, 0.5});
  b.init("bz", kI32, {2}, {0, 0});
  b.init("lo", kF32, {}, {0.0});
  b.init("hi", kF32, {}, {6.0});
  b.node("QuantizeLinear", {"x", "xs", "xz"}, "xq");
  b.node("DequantizeLinear", {"xq", "xs", "xz"}, "xd");
  Builder::attr_int(b.node("DequantizeLinear", {"w", "ws", "wz"}, "wd"), "axis", 0);
  Builder::attr_int(b.node("DequantizeLinear", {"b", "bs", "bz"}, "bd"), "axis", 0);
  b.node("Conv", {"xd", "wd", "bd"}, "c");
  b.node("Clip", {"c", "lo", "hi"}, "cc");
  b.node("QuantizeLinear", {"cc", "ys", "yz"}, "yq");
  b.node("DequantizeLinear", {"yq", "ys", "yz"}, "y");
  const model::Model m = model::import_onnx(b.write("y"));
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.layers[0].os.act_min, 10);
  EXPECT_EQ(m.layers[0].os.act_max, 34);
  const std::vector<float> x = {1.0f, -2.0f, 3.0f, 0.5f};
  const model::Tensor y = run_both(m, model::quantize_input(m, x.data(), 1), 1, 1);
  EXPECT_EQ(y.dtype, "f4");
  EXPECT_EQ(y.shape, (std::vector<std::int64_t>{1, 2, 1, 2}));
  EXPECT_EQ(floats(y), (std::vector<float>{0.25f, 0.0f, 6.0f, 0.0f}));
}

// Up to opset 10, Clip's bounds are attributes: the same clamp as above
// ([q(0), q(6)] = [10, 34] with y scale 0.25, zero point 10).
TEST(ModelOps, Opset10ClipBoundsAreAttributes) {
  Builder b(kF32, {-1, 2, 1, 2}, 10);
  b.init("xs", kF32, {}, {0.5});
  b.init("xz", kI8, {}, {-3});
  b.init("ys", kF32, {}, {0.25});
  b.init("yz", kI8, {}, {10});
  b.init("w", kI8, {2, 2, 1, 1}, {2, -1, 1, 3});
  b.init("ws", kF32, {}, {0.25});
  b.node("QuantizeLinear", {"x", "xs", "xz"}, "xq");
  b.node("DequantizeLinear", {"xq", "xs", "xz"}, "xd");
  b.node("DequantizeLinear", {"w", "ws"}, "wd");
  b.node("Conv", {"xd", "wd"}, "c");
  auto* clip = b.node("Clip", {"c"}, "cc");
  Builder::attr_float(clip, "min", 0.0f);
  Builder::attr_float(clip, "max", 6.0f);
  b.node("QuantizeLinear", {"cc", "ys", "yz"}, "y");
  const model::Model m = model::import_onnx(b.write("y"));
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.layers[0].os.act_min, 10);
  EXPECT_EQ(m.layers[0].os.act_max, 34);
}

// An activation after a global average pool is refused (the host's pool
// has no clamp), not dropped.
TEST(ModelOps, ReluAfterGlobalAveragePoolIsRefused) {
  Builder b(kF32, {-1, 2, 2, 2});
  b.init("xs", kF32, {}, {0.5});
  b.init("xz", kU8, {}, {128});
  b.node("QuantizeLinear", {"x", "xs", "xz"}, "xq");
  b.node("DequantizeLinear", {"xq", "xs", "xz"}, "xd");
  b.node("GlobalAveragePool", {"xd"}, "g");
  b.node("Relu", {"g"}, "r");
  b.node("QuantizeLinear", {"r", "xs", "xz"}, "y");
  try {
    model::import_onnx(b.write("y"));
    FAIL() << "imported";
  } catch (const model::ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("an activation fused into GlobalAveragePool is not supported"),
              std::string::npos)
        << e.what();
  }
}

// QDQ MatMul of a 3-D input [N, M=2, K=2] by B [K=2, 3] with per-column
// scales [1, 0.5, 0.25] (axis 1), then Reshape to [N, 6]; uint8 in and out
// (x: scale 1, zp 128; y: scale 1, zp 100).
//   x = [[1, 2], [-3, 4]], B = [[1, -3, 4], [3, 0, -4]]
//   acc = [[7, -3, -4], [9, 9, -28]]; x scale product per column:
//   [[7, -1.5, -1], [9, 4.5, -7]] -> round half to even -> [[7, -2, -1],
//   [9, 4, -7]] + 100 = [107, 98, 99, 109, 104, 93]
TEST(ModelOps, MatMul3DPerColumnWeightsReshape) {
  Builder b(kF32, {-1, 2, 2});
  b.init("xs", kF32, {}, {1.0});
  b.init("xz", kU8, {}, {128});
  b.init("ys", kF32, {}, {1.0});
  b.init("yz", kU8, {}, {100});
  b.init("w", kI8, {2, 3}, {1, -3, 4, 3, 0, -4});
  b.init("ws", kF32, {3}, {1.0, 0.5, 0.25});
  b.init("wz", kI8, {3}, {0, 0, 0});
  b.init("shape", onnx::TensorProto::INT64, {2}, {0, -1});
  b.node("QuantizeLinear", {"x", "xs", "xz"}, "xq");
  b.node("DequantizeLinear", {"xq", "xs", "xz"}, "xd");
  Builder::attr_int(b.node("DequantizeLinear", {"w", "ws", "wz"}, "wd"), "axis", 1);
  b.node("MatMul", {"xd", "wd"}, "mm");
  b.node("QuantizeLinear", {"mm", "ys", "yz"}, "mq");
  b.node("DequantizeLinear", {"mq", "ys", "yz"}, "md");
  b.node("Reshape", {"md", "shape"}, "r");
  b.node("QuantizeLinear", {"r", "ys", "yz"}, "y");
  const model::Model m = model::import_onnx(b.write("y"));
  ASSERT_EQ(m.layers.size(), 2u);
  const std::vector<float> x = {1.0f, 2.0f, -3.0f, 4.0f};
  const model::Tensor y = run_both(m, model::quantize_input(m, x.data(), 1), 1, 1);
  EXPECT_EQ(y.dtype, "u1");
  EXPECT_EQ(y.shape, (std::vector<std::int64_t>{1, 6}));
  EXPECT_EQ(y.bytes, (std::vector<std::uint8_t>{107, 98, 99, 109, 104, 93}));
}

// Per-column parameters given along the wrong axis (B's rows, K) are
// refused, even where the counts happen to agree.
TEST(ModelOps, PerChannelWeightsAlongTheWrongAxisAreRefused) {
  Builder b(kF32, {-1, 2});
  b.init("xs", kF32, {}, {1.0});
  b.init("xz", kU8, {}, {128});
  b.init("w", kI8, {2, 2}, {1, -3, 4, 3});
  b.init("ws", kF32, {2}, {1.0, 0.5});
  b.init("wz", kI8, {2}, {0, 0});
  b.node("QuantizeLinear", {"x", "xs", "xz"}, "xq");
  b.node("DequantizeLinear", {"xq", "xs", "xz"}, "xd");
  Builder::attr_int(b.node("DequantizeLinear", {"w", "ws", "wz"}, "wd"), "axis", 0);
  b.node("MatMul", {"xd", "wd"}, "mm");
  b.node("QuantizeLinear", {"mm", "xs", "xz"}, "y");
  try {
    model::import_onnx(b.write("y"));
    FAIL() << "imported";
  } catch (const model::ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("not the output channels' axis 1"), std::string::npos) << e.what();
  }
}

// com.microsoft QLinearAdd then QLinearGlobalAveragePool on a uint8 graph
// input [1, 2, 2, 2] (NCHW), all on the host.
//   x - 128: c0 = [3, -3, 1, 6], c1 = [-1, 2, 5, -4]; x + x at scale 0.5
//   each into scale 0.75 (zp 128): ratios 2/3, multiplier
//   round(2/3 * 2^22) = 2796203, shift 22; (2796203 * 2v) / 2^22 rounded
//   half away from zero: c0 = [4, -4, 1, 8] (4.0000005, ...), c1 = [-1,
//   3, 7, -5] (-1.33, 2.67, 6.67, -5.33)
//   average pool into scale 0.5: ONNX Runtime's scale 0.75 / (0.5 * 4) =
//   0.375; sums 9 and 4 -> 3.375 -> 3, 1.5 -> 2 (even); + 128 = [131, 130]
TEST(ModelOps, QLinearAddAndGlobalAveragePool) {
  Builder b(kU8, {1, 2, 2, 2});
  b.init("xs", kF32, {}, {0.5});
  b.init("xz", kU8, {}, {128});
  b.init("as", kF32, {}, {0.75});
  b.init("ys", kF32, {}, {0.5});
  b.node("QLinearAdd", {"x", "xs", "xz", "x", "xs", "xz", "as", "xz"}, "a", "com.microsoft");
  b.node("QLinearGlobalAveragePool", {"a", "as", "xz", "ys", "xz"}, "y", "com.microsoft");
  const model::Model m = model::import_onnx(b.write("y"));
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_FALSE(m.input_float);
  const std::vector<std::uint8_t> x = {131, 125, 129, 134, 127, 130, 133, 124};
  const model::Tensor y = run_both(m, model::raw_input(m, x.data(), 1), 1, 0);
  EXPECT_EQ(y.dtype, "u1");
  EXPECT_EQ(y.shape, (std::vector<std::int64_t>{1, 2, 1, 1}));
  EXPECT_EQ(y.bytes, (std::vector<std::uint8_t>{131, 130}));
}

}  // namespace
