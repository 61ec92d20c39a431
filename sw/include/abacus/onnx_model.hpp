// Quantized ONNX models: the importer (QDQ form, as PyTorch and ONNX
// Runtime's quantizer write it) and a reference executor on the golden
// kernels. docs/architecture.md "Models".
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "abacus/ref/conv.hpp"
#include "abacus/ref/quant.hpp"
#include "abacus/runtime.hpp"

namespace abacus::model {

// A model Abacus cannot take: the message names the node (or the file) and
// what is wrong or unsupported.
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Per-tensor quantization of an activation, in int8 terms: a uint8 tensor
// is stored as value - 128 with zp - 128.
struct QParams {
  float scale = 1.0f;
  std::int32_t zp = 0;
};

// A quantized activation tensor of the model: NHWC for rank 4, [N][C] for
// rank 2. Dimension 0 is the batch (the run's N).
struct Value {
  std::string name;
  std::vector<int> shape;  // without the batch
  QParams q;
  bool is_uint8 = false;   // the model's own type (for the output)
};

enum class Op { kConv, kGemm, kAdd, kMaxPool, kGlobalAvgPool, kFlatten };
const char* op_name(Op op);

struct Layer {
  Op op = Op::kConv;
  std::string node;          // the ONNX node this came from (its name, or its output's)
  std::vector<int> inputs;   // value ids
  int output = -1;
  // kConv, kGemm (a 1x1 convolution of a 1x1 image): geometry with batch 1,
  // HWIO weights, the float32-mode output stage (fused ReLU/Clip in the clamp)
  ref::ConvGeometry g;
  std::vector<std::int8_t> weights;
  ref::OutputStage os;
  // kMaxPool
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
};

struct Model {
  std::string input_name;           // the graph's float input, NCHW
  std::vector<int> input_chw;       // C, H, W (or just the features for rank 2)
  std::string output_name;
  bool output_float = true;         // the graph ends in DequantizeLinear
  std::vector<Value> values;        // values[0] is the quantized input
  std::vector<Layer> layers;        // in execution order
  int output = -1;                  // value id of the graph's (quantized) output

  std::size_t elems(int value) const;  // per batch item
};

// Reads and checks a model file. Throws ImportError.
Model import_onnx(const std::string& path);

// The quantized input for N images (NCHW float32, as the graph declares):
// QuantizeLinear as PyTorch computes it, round_half_even(x * (1 / scale))
// in binary32, plus the zero point, saturated (quantize_value); NHWC int8.
std::vector<std::int8_t> quantize_input(const Model& m, const float* x, int n);

// Every layer on the golden kernels; returns every value's tensor
// (int8, batch-major), indexed by value id.
std::vector<std::vector<std::int8_t>> run_reference(const Model& m, const std::vector<std::int8_t>& input, int n);

// Conv and Gemm layers on the device (conv2d; the host ops as in
// run_reference), with each layer's cost. Same result as run_reference.
struct LayerRun {
  const Layer* layer = nullptr;
  bool on_device = false;
  std::uint64_t cycles = 0;        // device cycles (performance counter)
  std::uint64_t useful_macs = 0;   // the layer's MACs (no padding to the array)
  std::uint64_t dram_bytes = 0;    // bytes the device read and wrote
};
std::vector<std::vector<std::int8_t>> run_device(Session& s, const Model& m, const std::vector<std::int8_t>& input,
                                                 int n, std::vector<LayerRun>* runs = nullptr,
                                                 const Timeout& timeout = {});

// The graph's output as the model declares it: float32 (DequantizeLinear)
// or the raw quantized bytes, in the model's own order (NCHW for rank 4).
std::vector<float> dequantize_output(const Model& m, const std::vector<std::int8_t>& out, int n);

// The first n Fashion-MNIST test images (Debian's dataset-fashion-mnist)
// as a model takes them, float32 pixel / 255 in [n][1][28][28], and their
// labels. Throws for n outside 1..10000 or a missing file.
struct Images {
  std::vector<float> x;
  std::vector<int> labels;
};
Images fashion_mnist_test(int n);

// Host-side operators as PyTorch's quantized engine (qnnpack) computes them
// (exposed for tests). The add's fixed-point parameters; throws
// std::invalid_argument for scale ratios it cannot represent.
struct AddRequant {
  std::int32_t mult_a = 0, mult_b = 0;
  int shift = 0;
};
AddRequant add_requant(QParams qa, QParams qb, QParams qy);
void add_q(const std::int8_t* a, QParams qa, const std::int8_t* b, QParams qb, QParams qy, std::size_t n,
           std::int8_t* y);
void global_avg_pool_q(const std::int8_t* x, QParams qx, int n, int hw, int c, QParams qy, std::int8_t* y);
std::int8_t quantize_value(float x, QParams q);

}  // namespace abacus::model
