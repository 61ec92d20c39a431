// ONNX's own backend node tests for the quantized operators (Debian
// libonnx-testdata: model.onnx, inputs and expected outputs as TensorProto
// files) through the importer and the simulated accelerator. The tests give
// an operator's scales, zero points and weights as graph inputs; they are
// bound as constants, the first input is the data. Every expected output is
// compared byte for byte with the file (dtype and shape too).
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "abacus/onnx_model.hpp"
#include "abacus/sim_device.hpp"
#include "common/seed.hpp"
#include "model_device.hpp"

namespace {

using namespace abacus;

const std::string kNodeDir = ABACUS_ONNX_NODE_DIR;

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot open (is Debian's libonnx-testdata installed?)");
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

onnx::TensorProto tensor_file(const std::string& path) {
  onnx::TensorProto t;
  if (!t.ParseFromString(slurp(path))) throw std::runtime_error(path + ": not a TensorProto");
  return t;
}

// The tensor's elements as little-endian bytes, and its npy dtype code.
std::vector<std::uint8_t> tensor_bytes(const onnx::TensorProto& t, std::string* dtype) {
  std::vector<std::uint8_t> b(t.raw_data().begin(), t.raw_data().end());
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      *dtype = "f4";
      if (b.empty()) {
        b.resize(4 * static_cast<std::size_t>(t.float_data_size()));
        std::memcpy(b.data(), t.float_data().data(), b.size());
      }
      break;
    case onnx::TensorProto::INT32:
      *dtype = "i4";
      if (b.empty()) {
        b.resize(4 * static_cast<std::size_t>(t.int32_data_size()));
        std::memcpy(b.data(), t.int32_data().data(), b.size());
      }
      break;
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT8:
      *dtype = t.data_type() == onnx::TensorProto::UINT8 ? "u1" : "i1";
      if (b.empty()) {
        for (auto v : t.int32_data()) b.push_back(static_cast<std::uint8_t>(v));
      }
      break;
    default:
      throw std::runtime_error("unexpected tensor type " + std::to_string(t.data_type()));
  }
  return b;
}

struct NodeRun {
  model::Model m;
  int device_layers = 0;
};

// Imports the node test's model with its inputs 1.. bound as constants, runs
// input 0 through it on the simulated device and compares the result with
// output_0.pb. Also checks the golden kernels give the same bytes.
NodeRun run_node_test(const std::string& name) {
  const std::string dir = kNodeDir + "/" + name;
  onnx::ModelProto mp;
  if (!mp.ParseFromString(slurp(dir + "/model.onnx"))) throw std::runtime_error(dir + "/model.onnx: does not parse");
  std::map<std::string, std::string> constants;
  for (int i = 1; i < mp.graph().input_size(); ++i) {
    constants[mp.graph().input(i).name()] = slurp(dir + "/test_data_set_0/input_" + std::to_string(i) + ".pb");
  }
  NodeRun r;
  r.m = model::import_onnx(dir + "/model.onnx", constants);
  const model::Model& m = r.m;
  const onnx::TensorProto x = tensor_file(dir + "/test_data_set_0/input_0.pb");
  std::string x_type;
  const std::vector<std::uint8_t> xb = tensor_bytes(x, &x_type);
  // abacus run --input x.pb reads the same bytes
  const model::Tensor xr = model::read_tensor_file(dir + "/test_data_set_0/input_0.pb");
  EXPECT_EQ(xr.dtype, x_type) << name;
  EXPECT_EQ(xr.bytes, xb) << name;
  EXPECT_EQ(xr.shape, std::vector<std::int64_t>(x.dims().begin(), x.dims().end())) << name;
  const int n = m.batched ? static_cast<int>(x.dims(0)) : 1;
  std::vector<std::int8_t> q;
  if (m.input_float) {
    std::vector<float> f(xb.size() / 4);
    std::memcpy(f.data(), xb.data(), xb.size());
    q = model::quantize_input(m, f.data(), n);
  } else {
    q = model::raw_input(m, xb.data(), n);
  }
  EXPECT_EQ(q.size(), static_cast<std::size_t>(n) * m.elems(0)) << name << ": input size";

  const SimDeviceOptions o = test::model_test_device("OnnxNode." + name);
  SimDevice dev(o);
  Session s(dev, 20);
  std::vector<model::LayerRun> runs;
  const auto t = model::run_device(s, m, q, n, &runs);
  for (const auto& lr : runs) r.device_layers += lr.on_device;
  const auto golden = model::run_reference(m, q, n);
  const auto& out = t[static_cast<std::size_t>(m.output)];
  EXPECT_EQ(out, golden[static_cast<std::size_t>(m.output)]) << name << ": device and golden kernels differ, seed "
                                                              << o.seed;

  const model::Tensor y = model::output_tensor(m, out, n);
  const onnx::TensorProto want = tensor_file(dir + "/test_data_set_0/output_0.pb");
  std::string want_type;
  const std::vector<std::uint8_t> wb = tensor_bytes(want, &want_type);
  EXPECT_EQ(y.dtype, want_type) << name;
  EXPECT_EQ(y.shape, std::vector<std::int64_t>(want.dims().begin(), want.dims().end())) << name;
  EXPECT_EQ(y.bytes.size(), wb.size()) << name;
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < std::min(wb.size(), y.bytes.size()); ++i) {
    if (y.bytes[i] != wb[i] && bad++ == 0) first = i;
  }
  EXPECT_EQ(bad, 0u) << name << ": " << bad << " output bytes differ from ONNX's, the first at byte " << first;
  return r;
}

// The int8 operators on the device. QLinearConv's weights are uint8 with
// zero point 255 and QLinearMatMul's with 114: taken off, they leave int8,
// so each weight is split in two along K (Layer::k_split).
TEST(OnnxNode, QLinearConv) {
  const NodeRun r = run_node_test("test_qlinearconv");
  ASSERT_EQ(r.m.layers.size(), 1u);
  EXPECT_EQ(r.m.layers[0].k_split, 2);
  EXPECT_EQ(r.device_layers, 1);
}

TEST(OnnxNode, QLinearMatMul2D) {
  const NodeRun r = run_node_test("test_qlinearmatmul_2D");
  ASSERT_EQ(r.m.layers.size(), 1u);
  EXPECT_EQ(r.m.layers[0].k_split, 2);
  EXPECT_EQ(r.device_layers, 1);
}

// A 3-D B is a different matrix per batch item; a layer has one.
TEST(OnnxNode, QLinearMatMul3DIsRefusedWithItsReason) {
  try {
    run_node_test("test_qlinearmatmul_3D");
    FAIL() << "imported";
  } catch (const model::ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("a 3-D B (one matrix per batch item) is not supported"), std::string::npos)
        << e.what();
  }
}

// int32 results: the accumulators, computed on the host (the device stores
// int8 only).
TEST(OnnxNode, ConvIntegerAndMatMulInteger) {
  for (const char* name : {"test_basic_convinteger", "test_convinteger_with_padding",
                           "test_convinteger_without_padding", "test_matmulinteger"}) {
    const NodeRun r = run_node_test(name);
    ASSERT_EQ(r.m.layers.size(), 1u) << name;
    EXPECT_TRUE(r.m.layers[0].int32_out) << name;
    EXPECT_EQ(r.device_layers, 0) << name;
  }
}

TEST(OnnxNode, QuantizeAndDequantizeLinear) {
  for (const char* name : {"test_quantizelinear", "test_dequantizelinear"}) {
    const NodeRun r = run_node_test(name);
    EXPECT_TRUE(r.m.layers.empty()) << name;
  }
}

// Per-channel quantization of an activation: the device takes one input
// zero point per tensor.
TEST(OnnxNode, PerAxisActivationQuantizationIsRefusedWithItsReason) {
  for (const char* name : {"test_quantizelinear_axis", "test_dequantizelinear_axis"}) {
    try {
      run_node_test(name);
      ADD_FAILURE() << name << ": imported";
    } catch (const model::ImportError& e) {
      EXPECT_NE(std::string(e.what()).find("must be a scalar (per-tensor)"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
