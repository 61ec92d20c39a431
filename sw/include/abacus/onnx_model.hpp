// Quantized ONNX models: the importer (the QDQ form, as PyTorch and ONNX
// Runtime's quantizer write it, and the operator form: QLinearConv,
// QLinearMatMul, ConvInteger, MatMulInteger and ONNX Runtime's
// com.microsoft QLinearAdd / QLinearGlobalAveragePool) and a reference
// executor on the golden kernels. docs/architecture.md "Models".
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "abacus/conv.hpp"
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

// A quantized activation tensor of the model, stored batch-major: NHWC for
// a rank-4 tensor, the graph's own order otherwise. Dimension 0 is the
// batch (the run's N), except in an unbatched model (rank-1 input).
struct Value {
  std::string name;
  std::vector<int> shape;  // without the batch: {H, W, C} for rank 4
  QParams q;
  bool is_uint8 = false;   // the model's own type (for the output)
  bool is_int32 = false;   // ConvInteger/MatMulInteger accumulators, 4 bytes each
};

enum class Op { kConv, kGemm, kAdd, kMaxPool, kAvgPool, kGlobalAvgPool, kFlatten, kConcat };
const char* op_name(Op op);

struct Layer {
  Op op = Op::kConv;
  std::string node;          // the ONNX node this came from (its name, or its output's)
  std::string onnx_op;       // its operator type (Conv, QLinearConv, ...)
  std::vector<int> inputs;   // value ids
  int output = -1;
  // kConv, kGemm (a 1x1 convolution of a 1x1 image): geometry with batch 1,
  // HWIO weights, the float32-mode output stage (fused ReLU/Clip in the clamp)
  ref::ConvGeometry g;
  std::vector<std::int8_t> weights;
  std::int32_t zp_in = 0;    // the input's zero point, in int8 terms
  ref::OutputStage os;
  // kConv, kGemm: weights that do not fit int8 once their zero point is
  // taken off are split into k_split int8 parts along K, each part reading
  // its own copy of the input channels (g.in_c counts the copies; see
  // expand_input). Exact, at k_split times the MACs.
  int k_split = 1;
  // kConv, kGemm: the int32 accumulators are the output (ConvInteger,
  // MatMulInteger), computed on the host: the device stores int8 only.
  bool int32_out = false;
  // kGlobalAvgPool: the float32 scale the input sum is requantized with
  float pool_scale = 0.0f;
  // kMaxPool, kAvgPool (padding never wins a max; an average counts it as
  // the zero point if count_include_pad, else divides by the elements inside)
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool count_include_pad = false;
};

struct Model {
  std::string input_name;           // the graph's input (NCHW for rank 4)
  std::vector<int> input_chw;       // its dimensions after the batch (all of them if unbatched)
  bool input_float = true;          // float32 (quantized by the graph), or int8/uint8 as they are
  bool batched = true;              // false for a rank-1 input: one item, no batch dimension
  std::string output_name;
  bool output_float = true;         // the graph ends in DequantizeLinear
  std::vector<Value> values;        // values[0] is the quantized input
  std::vector<Layer> layers;        // in execution order
  int output = -1;                  // value id of the graph's (quantized) output

  std::size_t elems(int value) const;  // per batch item
  std::size_t bytes(int value) const;  // per batch item (4 per element for int32)
};

// Reads and checks a model file. Throws ImportError. `constants` binds graph
// inputs by name to serialized TensorProto files' contents (ONNX's node
// tests give an operator's scales and weights as graph inputs); every
// other input but one must be an initializer.
Model import_onnx(const std::string& path, const std::map<std::string, std::string>& constants = {});

// The model's input from raw int8/uint8 bytes in the graph's order (for a
// model whose input is not float32): NHWC, uint8 offset by -128.
std::vector<std::int8_t> raw_input(const Model& m, const std::uint8_t* x, int n);

// The graph's output as it declares it: dtype as an npy code (f4, u1, i1,
// i4), shape with the batch, bytes in the graph's order (NCHW for rank 4).
struct Tensor {
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> bytes;
};
Tensor output_tensor(const Model& m, const std::vector<std::int8_t>& out, int n);

// A serialized ONNX TensorProto file (as ONNX's test data keeps inputs):
// float32, uint8 or int8, raw or typed fields. Throws ImportError naming
// the file for anything else.
Tensor read_tensor_file(const std::string& path);

// The quantized input for N images (NCHW float32, as the graph declares):
// QuantizeLinear as PyTorch computes it, round_half_even(x * (1 / scale))
// in binary32, plus the zero point, saturated (quantize_value); NHWC int8.
std::vector<std::int8_t> quantize_input(const Model& m, const float* x, int n);

// Every layer on the golden kernels; returns every value's tensor
// (int8, batch-major), indexed by value id.
std::vector<std::vector<std::int8_t>> run_reference(const Model& m, const std::vector<std::int8_t>& input, int n);

// Conv and Gemm layers on the device (the host ops as in run_reference),
// with each layer's cost. Same result as run_reference. Tensors stay in
// device memory from one device layer to the next; a tensor moves between
// host and device only where a host operator reads or writes it. Returns
// the graph's output tensor and what the host computed or fetched (with
// fetch_all, every tensor: the device's are copied back at the end).
struct LayerRun {
  const Layer* layer = nullptr;
  bool on_device = false;
  std::uint64_t cycles = 0;        // device cycles (performance counter)
  std::uint64_t useful_macs = 0;   // the layer's MACs (no padding to the array)
  std::uint64_t dram_bytes = 0;    // bytes the device read and wrote
  std::uint64_t host_bytes = 0;    // tensor bytes copied between host and device memory for this layer
  double host_seconds = 0;         // wall time of the host's own computing for it (a host operator, a split's re-layout)
  // an expansion fused with the depthwise layer after it (expand_dwconv_chosen):
  // the pair's cycles and bytes are on this run, the next one's are zero
  bool fused_with_next = false;
};
// A Conv/Gemm layer as the runtime takes it for a batch of n (no input
// set: the caller's tensor, host or device).
ConvProblem conv_problem(const Layer& L, int n);

std::vector<std::vector<std::int8_t>> run_device(Session& s, const Model& m, const std::vector<std::int8_t>& input,
                                                 int n, std::vector<LayerRun>* runs = nullptr,
                                                 const Timeout& timeout = {}, bool fetch_all = false);

// The graph's output as real values in the model's order (NCHW for rank 4):
// dequantized int8, or the int32 values as floats.
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
// round_half_even(float32(sum of (x - zp)) * scale) + y's zero point: the
// scale is PyTorch's (sx / sy) / hw or ONNX Runtime's sx / (sy * hw).
void global_avg_pool_q(const std::int8_t* x, QParams qx, int n, int hw, int c, QParams qy, float scale,
                       std::int8_t* y);
std::int8_t quantize_value(float x, QParams q);

}  // namespace abacus::model
