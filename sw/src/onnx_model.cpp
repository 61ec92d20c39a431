#include "abacus/onnx_model.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "abacus/conv.hpp"
#include "abacus/ref/conv.hpp"

namespace abacus::model {

const char* op_name(Op op) {
  switch (op) {
    case Op::kConv: return "Conv";
    case Op::kGemm: return "Gemm";
    case Op::kAdd: return "Add";
    case Op::kMaxPool: return "MaxPool";
    case Op::kAvgPool: return "AveragePool";
    case Op::kConcat: return "Concat";
    case Op::kGlobalAvgPool: return "GlobalAveragePool";
    case Op::kFlatten: return "Flatten";
  }
  return "?";
}

std::size_t Model::elems(int value) const {
  std::size_t e = 1;
  for (int d : values.at(static_cast<std::size_t>(value)).shape) e *= static_cast<std::size_t>(d);
  return e;
}

std::size_t Model::bytes(int value) const {
  return elems(value) * (values.at(static_cast<std::size_t>(value)).is_int32 ? 4 : 1);
}

namespace {

// A folded constant: its ONNX type, dims and values (exact for every type
// the importer takes: float32, int8, uint8, int32, int64).
struct Const {
  int type = 0;
  std::vector<std::int64_t> dims;
  std::vector<double> v;
  std::size_t size() const { return v.size(); }
};

const char* type_name(int t) {
  switch (t) {
    case onnx::TensorProto::FLOAT: return "float32";
    case onnx::TensorProto::UINT8: return "uint8";
    case onnx::TensorProto::INT8: return "int8";
    case onnx::TensorProto::INT32: return "int32";
    case onnx::TensorProto::INT64: return "int64";
    case onnx::TensorProto::DOUBLE: return "float64";
    default: return "an unsupported type";
  }
}

class Importer {
 public:
  Importer(const std::string& path, const std::map<std::string, std::string>& constants)
      : path_(path), constants_(constants) {}
  Model run();

 private:
  // What a graph name stands for while the graph is read.
  struct Val {
    enum Kind { kConst, kDeqConst, kFloatIn, kQuant, kDeq, kDeqPad, kPending } kind = kConst;
    Const c;           // kConst, kDeqConst (the integer data)
    Const s, z;        // kDeqConst: scale and zero point (z empty: 0)
    int axis = 1;      // kDeqConst: the axis per-channel parameters run along (ONNX's default 1)
    int pads[4] = {0, 0, 0, 0};  // kDeqPad: a Pad's zeros (top, left, bottom, right) around q
    int q = -1;        // kQuant, kDeq: the quantized value
    int pending = -1;  // kPending: index into pending_
  };
  // A float operator over dequantized inputs, waiting for its QuantizeLinear.
  struct Pending {
    Layer layer;
    std::vector<int> float_inputs;  // kDeq values' quantized ids, in order
    float lo = -INFINITY, hi = INFINITY;  // fused Relu / Clip
    bool same_q = false;  // MaxPool, Flatten: output keeps the input's quantization
  };

  [[noreturn]] void fail(const onnx::NodeProto* n, const std::string& what) const {
    std::string where = path_;
    if (n) where += ": node " + (n->name().empty() ? n->output_size() ? n->output(0) : std::string("?") : n->name()) +
                    " (" + n->op_type() + ")";
    throw ImportError(where + ": " + what);
  }
  Const tensor(const onnx::TensorProto& t, const onnx::NodeProto* n) const;
  const Val& get(const onnx::NodeProto& n, int i) const;
  const Const& konst(const onnx::NodeProto& n, int i) const;
  double scalar(const onnx::NodeProto& n, int i) const;
  QParams qparams(const onnx::NodeProto& n, int scale_i, int zp_i, bool* is_uint8) const;
  int quantized(const onnx::NodeProto& n, int i);
  void use_q(const onnx::NodeProto& n, int value, int scale_i, int zp_i);
  void node(const onnx::NodeProto& n);
  void conv_like(const onnx::NodeProto& n, bool gemm);
  void operator_form(const onnx::NodeProto& n);
  void host_op(const onnx::NodeProto& n);
  int weights(const onnx::NodeProto& n, Layer& L, const Value& in, const Const& w, const Const* wz, bool gemm);
  int add_value(const onnx::NodeProto& n, Value v);
  void add_layer(const onnx::NodeProto& n, Layer L, Value out);
  void finish_pending(const onnx::NodeProto& n, int pending, QParams q, bool is_uint8);

  std::string path_;
  const std::map<std::string, std::string>& constants_;
  Model m_;
  std::map<std::string, Val> vals_;
  std::vector<Pending> pending_;
  int float_input_value_ = -1;
  std::vector<int> unknown_q_;  // values whose quantization their first reader gives (a raw graph input)
};

// A TensorProto's elements (float32, uint8, int8, int32, int64; raw or typed
// fields), checked; `bad` throws with what is wrong.
Const decode_tensor(const onnx::TensorProto& t, const std::function<void(const std::string&)>& bad) {
  Const c;
  c.type = t.data_type();
  std::size_t count = 1;
  for (auto d : t.dims()) {
    if (d < 0) bad("tensor " + t.name() + " has a negative dimension");
    c.dims.push_back(d);
    // (each factor checked before the product, so the product cannot wrap)
    if (d > (std::int64_t{1} << 30)) bad("tensor " + t.name() + " is too large");
    count *= static_cast<std::size_t>(d);
    if (count > (std::size_t{1} << 30)) bad("tensor " + t.name() + " is too large");
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) bad("tensor " + t.name() + " uses external data (not supported)");
  const std::string& raw = t.raw_data();
  auto need = [&](std::size_t have) {
    if (have != count) {
      bad("tensor " + t.name() + " holds " + std::to_string(have) + " values for dims of " + std::to_string(count));
    }
  };
  c.v.resize(count);
  // the elements from raw little-endian bytes of T, or from the typed field
  auto from_raw = [&](auto zero) {
    using T = decltype(zero);
    if (raw.size() % sizeof(T)) bad("tensor " + t.name() + ": raw data not a whole number of elements");
    need(raw.size() / sizeof(T));
    for (std::size_t i = 0; i < count; ++i) {
      T x;
      std::memcpy(&x, raw.data() + sizeof(T) * i, sizeof(T));
      c.v[i] = static_cast<double>(x);
    }
  };
  auto from_field = [&](const auto& field) {
    need(static_cast<std::size_t>(field.size()));
    for (std::size_t i = 0; i < count; ++i) c.v[i] = static_cast<double>(field.Get(static_cast<int>(i)));
  };
  switch (c.type) {
    case onnx::TensorProto::FLOAT:
      raw.empty() ? from_field(t.float_data()) : from_raw(float{});
      break;
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT8: {
      const bool u8 = c.type == onnx::TensorProto::UINT8;
      raw.empty() ? from_field(t.int32_data()) : u8 ? from_raw(std::uint8_t{}) : from_raw(std::int8_t{});
      for (double v : c.v) {  // (int32_data can hold anything)
        if (v < (u8 ? 0 : -128) || v > (u8 ? 255 : 127)) {
          bad("tensor " + t.name() + " holds " + std::to_string(static_cast<long long>(v)) + ", outside " +
                      type_name(c.type));
        }
      }
      break;
    }
    case onnx::TensorProto::INT32:
      raw.empty() ? from_field(t.int32_data()) : from_raw(std::int32_t{});
      break;
    case onnx::TensorProto::INT64:
      raw.empty() ? from_field(t.int64_data()) : from_raw(std::int64_t{});
      break;
    default:
      bad("tensor " + t.name() + " has " + type_name(c.type) + " elements");
  }
  return c;
}

Const Importer::tensor(const onnx::TensorProto& t, const onnx::NodeProto* n) const {
  return decode_tensor(t, [&](const std::string& what) { fail(n, what); });
}

const Importer::Val& Importer::get(const onnx::NodeProto& n, int i) const {
  if (i >= n.input_size() || n.input(i).empty()) fail(&n, "input " + std::to_string(i) + " is missing");
  const auto it = vals_.find(n.input(i));
  if (it == vals_.end()) fail(&n, "input " + n.input(i) + " is not produced by any earlier node");
  return it->second;
}

const Const& Importer::konst(const onnx::NodeProto& n, int i) const {
  const Val& v = get(n, i);
  if (v.kind != Val::kConst) fail(&n, "input " + n.input(i) + " must be a constant");
  return v.c;
}

double Importer::scalar(const onnx::NodeProto& n, int i) const {
  const Const& c = konst(n, i);
  if (c.size() != 1) fail(&n, "input " + n.input(i) + " must be a scalar (per-tensor) here");
  return c.v[0];
}

QParams Importer::qparams(const onnx::NodeProto& n, int scale_i, int zp_i, bool* is_uint8) const {
  QParams q;
  const double s = scalar(n, scale_i);
  if (!std::isfinite(s) || s <= 0.0) {
    std::ostringstream os;
    os << "scale " << s << " is not a positive finite number";
    fail(&n, os.str());
  }
  q.scale = static_cast<float>(s);
  bool u8 = true;  // ONNX: without a zero point, QuantizeLinear's output is uint8
  double zp = 0;
  if (zp_i < n.input_size() && !n.input(zp_i).empty()) {
    const Const& z = konst(n, zp_i);
    if (z.size() != 1) fail(&n, "the zero point must be a scalar here");
    if (z.type != onnx::TensorProto::UINT8 && z.type != onnx::TensorProto::INT8) {
      fail(&n, std::string("zero point of type ") + type_name(z.type) + " (int8 or uint8 only)");
    }
    u8 = z.type == onnx::TensorProto::UINT8;
    zp = z.v[0];
  }
  q.zp = static_cast<std::int32_t>(zp) - (u8 ? 128 : 0);
  if (is_uint8) *is_uint8 = u8;
  return q;
}

int Importer::quantized(const onnx::NodeProto& n, int i) {
  const Val& v = get(n, i);
  if (v.kind != Val::kQuant) fail(&n, "input " + n.input(i) + " is not a quantized tensor");
  return v.q;
}

// A reader of a quantized value gives its scale and zero point: they must
// be the ones it was written with (the first reader's, for a raw input).
void Importer::use_q(const onnx::NodeProto& n, int value, int scale_i, int zp_i) {
  Value& v = m_.values[static_cast<std::size_t>(value)];
  if (v.is_int32) fail(&n, v.name + " holds int32 accumulators: it can only be the graph's output");
  bool u8 = false;
  const QParams q = qparams(n, scale_i, zp_i, &u8);
  if (u8 != v.is_uint8) {
    fail(&n, "the zero point's type (" + std::string(u8 ? "uint8" : "int8") + ") is not the type of " + v.name);
  }
  const auto unknown = std::find(unknown_q_.begin(), unknown_q_.end(), value);
  if (unknown != unknown_q_.end()) {
    v.q = q;
    unknown_q_.erase(unknown);
    return;
  }
  if (q.scale != v.q.scale || q.zp != v.q.zp) {
    fail(&n, "reads " + v.name + " with other quantization parameters than it was written with");
  }
}

int Importer::add_value(const onnx::NodeProto& n, Value v) {
  if (n.output_size() < 1 || n.output(0).empty()) fail(&n, "has no output");
  v.name = n.output(0);
  m_.values.push_back(std::move(v));
  const int id = static_cast<int>(m_.values.size()) - 1;
  Val r;
  r.kind = Val::kQuant;
  r.q = id;
  vals_[n.output(0)] = r;
  return id;
}

void Importer::add_layer(const onnx::NodeProto& n, Layer L, Value out) {
  L.output = add_value(n, std::move(out));
  m_.layers.push_back(std::move(L));
}

void Importer::node(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  if (n.output_size() < 1 || n.output(0).empty()) fail(&n, "has no output");
  if (n.domain() == "com.microsoft") {
    if (op != "QLinearAdd" && op != "QLinearGlobalAveragePool") {
      fail(&n, "operator com.microsoft." + op + " is not supported (from com.microsoft: QLinearAdd, QLinearGlobalAveragePool)");
    }
    return operator_form(n);
  }
  if (!n.domain().empty() && n.domain() != "ai.onnx") {
    fail(&n, "operator domain " + n.domain() + " is not supported");
  }
  auto define = [&](Val v) {
    if (n.output_size() < 1 || n.output(0).empty()) fail(&n, "has no output");
    vals_[n.output(0)] = std::move(v);
  };
  if (op == "Constant") {
    for (const auto& a : n.attribute()) {
      if (a.name() == "value") {
        Val v;
        v.c = tensor(a.t(), &n);
        define(std::move(v));
        return;
      }
    }
    fail(&n, "only the tensor form (attribute value) is supported");
  }
  if (op == "ConstantOfShape") {
    const Const& shape = konst(n, 0);
    Val v;
    v.c.type = onnx::TensorProto::FLOAT;
    double fill = 0;
    for (const auto& a : n.attribute()) {
      if (a.name() == "value") {
        const Const t = tensor(a.t(), &n);
        if (t.size() != 1) fail(&n, "value must hold one element");
        v.c.type = t.type;
        fill = t.v[0];
      }
    }
    std::size_t count = 1;
    for (double d : shape.v) {
      if (d < 0 || d > (1 << 24)) fail(&n, "bad shape");
      v.c.dims.push_back(static_cast<std::int64_t>(d));
      count *= static_cast<std::size_t>(d);
    }
    v.c.v.assign(count, fill);
    define(std::move(v));
    return;
  }
  if (op == "Cast") {
    const Val& in = get(n, 0);
    int to = 0;
    for (const auto& a : n.attribute()) {
      if (a.name() == "to") to = static_cast<int>(a.i());
    }
    if (in.kind == Val::kConst) {
      Val v = in;
      v.c.type = to;
      for (double& x : v.c.v) {
        if (to == onnx::TensorProto::FLOAT) x = static_cast<float>(x);
        else if (to == onnx::TensorProto::UINT8) x = static_cast<double>(static_cast<std::uint8_t>(static_cast<std::int64_t>(x)));
        else if (to == onnx::TensorProto::INT8) x = static_cast<double>(static_cast<std::int8_t>(static_cast<std::int64_t>(x)));
        else if (to == onnx::TensorProto::INT32) x = static_cast<double>(static_cast<std::int32_t>(static_cast<std::int64_t>(x)));
        else if (to != onnx::TensorProto::INT64) fail(&n, std::string("Cast to ") + type_name(to) + " is not supported");
      }
      define(std::move(v));
      return;
    }
    if (in.kind == Val::kQuant) {
      const bool u8 = m_.values[static_cast<std::size_t>(in.q)].is_uint8;
      const int have = u8 ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
      if (to != have) fail(&n, std::string("Cast of a quantized tensor to ") + type_name(to) + " (only to its own type)");
      define(in);
      return;
    }
    fail(&n, "Cast of a float tensor is not supported");
  }
  if (op == "QuantizeLinear" || op == "DequantizeLinear") {
    for (const auto& a : n.attribute()) {
      if (a.name() != "axis") fail(&n, "attribute " + a.name() + " is not supported");
    }
  }
  if (op == "QuantizeLinear") {
    const Val& x = get(n, 0);
    bool u8 = false;
    const QParams q = qparams(n, 1, 2, &u8);
    if (x.kind == Val::kFloatIn) {
      if (float_input_value_ >= 0) fail(&n, "the graph input is quantized twice");
      Value v;
      v.name = n.output(0);
      v.q = q;
      v.is_uint8 = u8;
      // NCHW in the graph, NHWC here
      v.shape = m_.input_chw.size() == 3 ? std::vector<int>{m_.input_chw[1], m_.input_chw[2], m_.input_chw[0]}
                                         : m_.input_chw;
      m_.values.push_back(v);
      float_input_value_ = 0;
      Val r;
      r.kind = Val::kQuant;
      r.q = 0;
      define(r);
      return;
    }
    if (x.kind == Val::kPending) {
      finish_pending(n, x.pending, q, u8);
      return;
    }
    fail(&n, "QuantizeLinear of something other than the graph input or a supported float operator");
  }
  if (op == "DequantizeLinear") {
    const Val& x = get(n, 0);
    if (x.kind == Val::kConst) {  // weights, bias: the integer data with its parameters
      Val v;
      v.kind = Val::kDeqConst;
      v.c = x.c;
      v.s = konst(n, 1);
      if (n.input_size() > 2 && !n.input(2).empty()) v.z = konst(n, 2);
      const auto rank = static_cast<std::int64_t>(x.c.dims.size());
      for (const auto& a : n.attribute()) {
        if (a.name() != "axis") fail(&n, "attribute " + a.name() + " is not supported");
        if (a.i() < -rank || a.i() >= std::max<std::int64_t>(rank, 1)) fail(&n, "axis " + std::to_string(a.i()) + " is out of range");
        v.axis = static_cast<int>(a.i() < 0 ? a.i() + rank : a.i());
      }
      if (rank <= 1) v.axis = 0;  // a bias: its one dimension
      define(std::move(v));
      return;
    }
    if (x.kind == Val::kQuant) {
      use_q(n, x.q, 1, 2);
      Val v;
      v.kind = Val::kDeq;
      v.q = x.q;
      define(v);
      return;
    }
    fail(&n, "DequantizeLinear of a float tensor");
  }
  if (op == "Conv") return conv_like(n, false);
  if (op == "Gemm" || op == "MatMul") return conv_like(n, true);
  if (op == "QLinearConv" || op == "QLinearMatMul" || op == "ConvInteger" || op == "MatMulInteger") {
    return operator_form(n);
  }
  if (op == "Relu" || op == "Clip") {
    const Val& x = get(n, 0);
    if (x.kind != Val::kPending) fail(&n, op + " must follow a Conv, Gemm, MatMul or Add to be fused");
    Pending& p = pending_[static_cast<std::size_t>(x.pending)];
    if (op == "Relu") {
      if (n.attribute_size()) fail(&n, "attribute " + n.attribute(0).name() + " is not supported");
      p.lo = std::max(p.lo, 0.0f);
    } else {
      for (const auto& a : n.attribute()) {  // opset 10 and before: the bounds are attributes
        if (a.name() == "min") p.lo = std::max(p.lo, a.f());
        else if (a.name() == "max") p.hi = std::min(p.hi, a.f());
        else fail(&n, "attribute " + a.name() + " is not supported");
      }
      if (n.input_size() > 1 && !n.input(1).empty()) p.lo = std::max(p.lo, static_cast<float>(scalar(n, 1)));
      if (n.input_size() > 2 && !n.input(2).empty()) p.hi = std::min(p.hi, static_cast<float>(scalar(n, 2)));
    }
    define(x);
    return;
  }
  if (op == "Add" || op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" || op == "Flatten" ||
      op == "Reshape" || op == "Concat") {
    return host_op(n);
  }
  if (op == "Pad") {  // zeros around a dequantized tensor: PyTorch's exporter puts one before an AveragePool
    const Val& x = get(n, 0);
    if (x.kind != Val::kDeq) fail(&n, "only a Pad of a dequantized tensor, before an AveragePool, is supported");
    std::vector<double> pads;
    for (const auto& a : n.attribute()) {
      if (a.name() == "mode") {
        if (a.s() != "constant") fail(&n, "mode " + a.s() + " is not supported (constant only)");
      } else if (a.name() == "pads") {  // before opset 11
        for (auto v : a.ints()) pads.push_back(static_cast<double>(v));
      } else if (a.name() != "value" || a.f() != 0.0f) {
        fail(&n, "attribute " + a.name() + " is not supported (a constant pad of zeros only)");
      }
    }
    if (n.input_size() > 1 && !n.input(1).empty()) pads = konst(n, 1).v;
    if (n.input_size() > 2 && !n.input(2).empty() && scalar(n, 2) != 0.0) fail(&n, "the pad value must be 0");
    if (n.input_size() > 3 && !n.input(3).empty()) fail(&n, "the axes input is not supported");
    const Value& in = m_.values[static_cast<std::size_t>(x.q)];
    if (in.shape.size() != 3 || pads.size() != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) {
      fail(&n, "only padding of a 4-D tensor's height and width is supported");
    }
    Val v;
    v.kind = Val::kDeqPad;
    v.q = x.q;
    const int at[4] = {2, 3, 6, 7};
    for (int i = 0; i < 4; ++i) {
      if (pads[static_cast<std::size_t>(at[i])] < 0 || pads[static_cast<std::size_t>(at[i])] > 255) fail(&n, "bad pads");
      v.pads[i] = static_cast<int>(pads[static_cast<std::size_t>(at[i])]);
    }
    define(v);
    return;
  }
  fail(&n, "operator " + op +
               " is not supported (supported: QuantizeLinear, DequantizeLinear, Conv, Gemm, MatMul, Add, Relu, "
               "Clip, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, Concat, Pad, Constant, "
               "ConstantOfShape, Cast, QLinearConv, "
               "QLinearMatMul, ConvInteger, MatMulInteger, com.microsoft.QLinearAdd, "
               "com.microsoft.QLinearGlobalAveragePool)");
}


// Add, MaxPool, GlobalAveragePool, Flatten, Reshape: over dequantized
// inputs (QDQ form: the layer waits for its QuantizeLinear), or MaxPool,
// Flatten and Reshape directly on a quantized tensor (operator form; the
// output keeps the input's quantization).
void Importer::host_op(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  {
    Pending p;
    p.layer.node = n.name().empty() ? n.output(0) : n.name();
    p.layer.onnx_op = op;
    const int arity = op == "Add" ? 2 : op == "Concat" ? std::max(1, n.input_size()) : 1;
    // (ONNX's MaxPool, Flatten and Reshape take int8/uint8 tensors; AveragePool does not)
    const bool direct = (op == "MaxPool" || op == "Flatten" || op == "Reshape") && get(n, 0).kind == Val::kQuant;
    int pre_pads[4] = {0, 0, 0, 0};
    bool pre_padded = false;
    for (int i = 0; i < arity; ++i) {
      const Val& x = get(n, i);
      if (op == "AveragePool" && x.kind == Val::kDeqPad) {
        std::copy(x.pads, x.pads + 4, pre_pads);
        pre_padded = true;
      } else if (x.kind != (direct ? Val::kQuant : Val::kDeq)) {
        fail(&n, "input " + n.input(i) + " is not a dequantized tensor");
      }
      p.float_inputs.push_back(x.q);
    }
    if (direct && m_.values[static_cast<std::size_t>(p.float_inputs[0])].is_int32) {
      fail(&n, n.input(0) + " holds int32 accumulators: it can only be the graph's output");
    }
    const Value& in = m_.values[static_cast<std::size_t>(p.float_inputs[0])];
    if (op == "Add") {
      p.layer.op = Op::kAdd;
      const Value& in2 = m_.values[static_cast<std::size_t>(p.float_inputs[1])];
      if (in.shape != in2.shape) fail(&n, "broadcasting Add is not supported (shapes differ)");
    } else if (op == "MaxPool" || op == "AveragePool") {
      p.layer.op = op == "MaxPool" ? Op::kMaxPool : Op::kAvgPool;
      p.same_q = true;
      if (in.shape.size() != 3) fail(&n, "needs a 4-D input");
      for (const auto& a : n.attribute()) {
        auto ints = [&](int want) {
          if (a.ints_size() != want) fail(&n, "attribute " + a.name() + " must have " + std::to_string(want) + " values");
          std::vector<int> v;
          for (auto x : a.ints()) v.push_back(static_cast<int>(x));
          return v;
        };
        if (a.name() == "kernel_shape") {
          const auto k = ints(2);
          p.layer.kernel_h = k[0], p.layer.kernel_w = k[1];
        } else if (a.name() == "strides") {
          const auto s = ints(2);
          p.layer.stride_h = s[0], p.layer.stride_w = s[1];
        } else if (a.name() == "pads") {
          const auto pd = ints(4);
          p.layer.pad_top = pd[0], p.layer.pad_left = pd[1], p.layer.pad_bottom = pd[2], p.layer.pad_right = pd[3];
        } else if (a.name() == "dilations") {
          const auto d = ints(2);
          if (d[0] != 1 || d[1] != 1) fail(&n, "dilated pooling is not supported");
        } else if (a.name() == "ceil_mode") {
          if (a.i() != 0) fail(&n, "ceil_mode 1 is not supported");
        } else if (a.name() == "auto_pad") {
          if (a.s() != "NOTSET") fail(&n, "auto_pad " + a.s() + " is not supported");
        } else if (a.name() == "count_include_pad" && op == "AveragePool") {
          p.layer.count_include_pad = a.i() != 0;
        } else if (a.name() != "storage_order" || op != "MaxPool") {
          fail(&n, "attribute " + a.name() + " is not supported");
        }
      }
      if (p.layer.kernel_h < 1 || p.layer.kernel_w < 1 || p.layer.stride_h < 1 || p.layer.stride_w < 1 ||
          p.layer.kernel_h > 255 || p.layer.kernel_w > 255 || p.layer.stride_h > 255 || p.layer.stride_w > 255 ||
          std::min({p.layer.pad_top, p.layer.pad_left, p.layer.pad_bottom, p.layer.pad_right}) < 0 ||
          std::max({p.layer.pad_top, p.layer.pad_left, p.layer.pad_bottom, p.layer.pad_right}) > 255) {
        fail(&n, "kernel, strides and pads must be in 1..255 (pads 0..255)");
      }
      if (pre_padded) {  // a Pad's zeros are elements of the input: always counted
        const bool own = p.layer.pad_top || p.layer.pad_left || p.layer.pad_bottom || p.layer.pad_right;
        if (own && !p.layer.count_include_pad) {
          fail(&n, "a Pad before an AveragePool with padding of its own that is not counted is not supported");
        }
        p.layer.count_include_pad = true;
        p.layer.pad_top += pre_pads[0], p.layer.pad_left += pre_pads[1];
        p.layer.pad_bottom += pre_pads[2], p.layer.pad_right += pre_pads[3];
      }
    } else if (op == "GlobalAveragePool") {
      p.layer.op = Op::kGlobalAvgPool;
      if (in.shape.size() != 3) fail(&n, "needs a 4-D input");
    } else if (op == "Concat") {  // along the channels (NHWC: the last dimension inside)
      p.layer.op = Op::kConcat;
      const int rank = static_cast<int>(in.shape.size()) + 1;
      std::int64_t axis = -100;
      for (const auto& a : n.attribute()) {
        if (a.name() != "axis") fail(&n, "attribute " + a.name() + " is not supported");
        axis = a.i() < 0 ? a.i() + rank : a.i();
      }
      if (axis != (rank == 4 ? 1 : rank - 1)) {
        fail(&n, "only a Concat along the channels (axis " + std::to_string(rank == 4 ? 1 : rank - 1) + ") is supported");
      }
      for (int i = 1; i < arity; ++i) {
        const Value& v = m_.values[static_cast<std::size_t>(p.float_inputs[static_cast<std::size_t>(i)])];
        if (v.shape.size() != in.shape.size() || !std::equal(in.shape.begin(), in.shape.end() - 1, v.shape.begin())) {
          fail(&n, "inputs differ in a dimension other than the channels");
        }
      }
    } else {
      p.layer.op = Op::kFlatten;
      p.same_q = true;
      if (op == "Flatten") {
        for (const auto& a : n.attribute()) {
          if (a.name() == "axis" && a.i() != 1) fail(&n, "Flatten only at axis 1 (keeping the batch)");
        }
      } else {  // Reshape to [N, features]: [0 or -1 or N, features or -1]
        const Const& shape = konst(n, 1);
        int e = 1;
        for (int d : in.shape) e *= d;
        if (shape.size() != 2 || (shape.v[1] != -1 && shape.v[1] != e) || (shape.v[0] != 0 && shape.v[0] != -1) ||
            (shape.v[0] == -1 && shape.v[1] == -1)) {
          fail(&n, "only a Reshape to [0 or -1 (the batch), " + std::to_string(e) + " or -1] is supported");
        }
      }
    }
    pending_.push_back(std::move(p));
    Val v;
    v.kind = Val::kPending;
    v.pending = static_cast<int>(pending_.size()) - 1;
    vals_[n.output(0)] = v;
    if (direct) {  // no QuantizeLinear follows: the output keeps the input's parameters
      const int in_id = pending_.back().float_inputs[0];
      const Value& in = m_.values[static_cast<std::size_t>(in_id)];
      finish_pending(n, v.pending, in.q, in.is_uint8);
      // a raw input's parameters are still to come: then the output's too
      // (from its first reader; these operators do not use them)
      if (std::find(unknown_q_.begin(), unknown_q_.end(), in_id) != unknown_q_.end()) {
        unknown_q_.push_back(vals_[n.output(0)].q);
      }
    }
  }
}


// The float32 scale a Conv/Gemm's accumulator is requantized with, as
// PyTorch's quantized engines compute it (generate_requantization_scales:
// weight scale times input scale times the output scale's reciprocal, in
// binary32). (ONNX Runtime divides by the output scale instead; the two
// differ in the last bit for some scales, and with it on a few outputs in
// a million: 16 of 22 million on the Fashion-MNIST model's conv3.)
float combined_scale(float x_s, float w_s, float y_s) { return (w_s * x_s) * (1.0f / y_s); }

// The output shape of a Conv/Gemm layer (batch excluded).
std::vector<int> layer_shape(const Layer& L, const Value& in) {
  if (L.op == Op::kConv) return {L.g.out_h(), L.g.out_w(), L.g.out_c};
  if (in.shape.size() == 2) return {in.shape[0], L.g.out_c};  // a 3-D MatMul: [N, M, K] x [K, out]
  return {L.g.out_c};
}

// A Conv's or a matrix product's geometry and int8 HWIO weights from the
// integer weights w (OIHW for a conv; [K][out], or [out][K] with transB, for
// a product) and their zero points wz (one, or one per output channel; of
// w's type). Weight values w - wz outside int8 are split along K
// (Layer::k_split). Returns the axis of w that holds the output channels.
int Importer::weights(const onnx::NodeProto& n, Layer& L, const Value& in, const Const& w, const Const* wz,
                       bool gemm) {
  if (w.type != onnx::TensorProto::INT8 && w.type != onnx::TensorProto::UINT8) {
    fail(&n, std::string("weights of type ") + type_name(w.type) + " (int8 or uint8 only)");
  }
  int out_c = 0, cin_g = 0;
  bool trans_b = false;
  ref::ConvGeometry& g = L.g;
  std::vector<double> wv;  // HWIO [kh][kw][cin_g][out_c]
  if (!gemm) {
    L.op = Op::kConv;
    if (in.shape.size() != 3) fail(&n, "needs a 4-D input");
    if (w.dims.size() != 4) fail(&n, "needs 4-D weights (2-D convolution only)");
    g.in_h = in.shape[0], g.in_w = in.shape[1], g.in_c = in.shape[2];
    out_c = static_cast<int>(w.dims[0]);
    cin_g = static_cast<int>(w.dims[1]);
    g.kernel_h = static_cast<int>(w.dims[2]), g.kernel_w = static_cast<int>(w.dims[3]);
    g.out_c = out_c;
    for (const auto& a : n.attribute()) {
      std::vector<int> v;
      for (auto i : a.ints()) v.push_back(static_cast<int>(i));
      if (a.name() == "strides" && v.size() == 2) g.stride_h = v[0], g.stride_w = v[1];
      else if (a.name() == "dilations" && v.size() == 2) g.dilation_h = v[0], g.dilation_w = v[1];
      else if (a.name() == "pads" && v.size() == 4) g.pad_top = v[0], g.pad_left = v[1], g.pad_bottom = v[2], g.pad_right = v[3];
      else if (a.name() == "group") g.groups = static_cast<int>(a.i());
      else if (a.name() == "kernel_shape" && v.size() == 2) {
        if (v[0] != g.kernel_h || v[1] != g.kernel_w) fail(&n, "kernel_shape disagrees with the weights");
      } else if (a.name() == "auto_pad") {
        if (a.s() != "NOTSET") fail(&n, "auto_pad " + a.s() + " is not supported (give explicit pads)");
      } else {
        fail(&n, "attribute " + a.name() + " is not supported or malformed");
      }
    }
    if (g.groups < 1 || g.in_c % g.groups || out_c % g.groups || cin_g != g.in_c / g.groups) {
      fail(&n, "weights [" + std::to_string(out_c) + "," + std::to_string(cin_g) + ",...] do not fit " +
                   std::to_string(g.in_c) + " input channels in " + std::to_string(g.groups) + " groups");
    }
    try {
      g.validate();
    } catch (const std::invalid_argument& e) {
      fail(&n, e.what());
    }
    // OIHW -> HWIO
    wv.resize(w.size());
    for (int o = 0; o < out_c; ++o)
      for (int i = 0; i < cin_g; ++i)
        for (int ky = 0; ky < g.kernel_h; ++ky)
          for (int kx = 0; kx < g.kernel_w; ++kx)
            wv[((static_cast<std::size_t>(ky) * g.kernel_w + kx) * cin_g + i) * out_c + o] =
                w.v[((static_cast<std::size_t>(o) * cin_g + i) * g.kernel_h + ky) * g.kernel_w + kx];
  } else {
    L.op = Op::kGemm;
    int k = 0;
    if (in.shape.size() == 1) {
      k = in.shape[0];
    } else if (in.shape.size() == 2 && n.op_type() != "Gemm") {  // [N, M, K]: M rows per batch item
      g.in_h = in.shape[0];
      k = in.shape[1];
    } else {
      fail(&n, n.op_type() == "Gemm" ? "needs a 2-D input" : "needs a 2-D or 3-D input");
    }
    if (w.dims.size() != 2) {
      fail(&n, w.dims.size() == 3 ? "a 3-D B (one matrix per batch item) is not supported: a layer has one weight matrix"
                                  : "needs 2-D weights");
    }
    for (const auto& a : n.attribute()) {
      if (n.op_type() != "Gemm") fail(&n, "attribute " + a.name() + " is not supported");
      if (a.name() == "transB") trans_b = a.i() != 0;
      else if (a.name() == "transA") {
        if (a.i() != 0) fail(&n, "transA is not supported");
      } else if (a.name() == "alpha" || a.name() == "beta") {
        if (a.f() != 1.0f) fail(&n, a.name() + " other than 1 is not supported");
      } else {
        fail(&n, "attribute " + a.name() + " is not supported");
      }
    }
    const int rows = static_cast<int>(w.dims[0]), cols = static_cast<int>(w.dims[1]);
    out_c = trans_b ? rows : cols;
    if ((trans_b ? cols : rows) != k) fail(&n, "weights do not match the input's " + std::to_string(k) + " features");
    g.in_c = k;
    g.out_c = out_c;
    cin_g = k;
    wv.resize(w.size());
    for (int kk = 0; kk < k; ++kk)
      for (int o = 0; o < out_c; ++o)
        wv[static_cast<std::size_t>(kk) * out_c + o] =
            trans_b ? w.v[static_cast<std::size_t>(o) * k + kk] : w.v[static_cast<std::size_t>(kk) * out_c + o];
  }
  // the zero points: one, or one per output channel, of the weights' type
  if (wz && wz->size() > 0) {
    if (wz->type != w.type) fail(&n, "the weight zero point's type is not the weights' type");
    if (wz->size() != 1 && wz->size() != static_cast<std::size_t>(out_c)) {
      fail(&n, "weight zero point has " + std::to_string(wz->size()) + " values for " + std::to_string(out_c) + " channels");
    }
    for (std::size_t i = 0; i < wv.size(); ++i) {
      const std::size_t o = i % static_cast<std::size_t>(out_c);
      wv[i] -= wz->v[wz->size() == 1 ? 0 : o];
    }
  } else if (w.type == onnx::TensorProto::UINT8) {
    // (no zero point: 0, so uint8 weights keep their value)
  }
  // the smallest number of int8 parts every weight splits into
  double lo = 0, hi = 0;
  for (double v : wv) lo = std::min(lo, v), hi = std::max(hi, v);
  const int parts = std::max({1, static_cast<int>(std::ceil(hi / 127.0)), static_cast<int>(std::ceil(-lo / 128.0))});
  L.k_split = parts;
  const std::size_t taps = static_cast<std::size_t>(g.kernel_h) * g.kernel_w;
  L.weights.assign(wv.size() * static_cast<std::size_t>(parts), 0);
  for (std::size_t t = 0; t < taps; ++t)
    for (int i = 0; i < cin_g; ++i)
      for (int o = 0; o < out_c; ++o) {
        const int v = static_cast<int>(wv[(t * cin_g + static_cast<std::size_t>(i)) * out_c + o]);
        // v = parts * base + rem: rem parts of base + 1, the rest base, each in int8
        const int base = static_cast<int>(std::floor(static_cast<double>(v) / parts));
        const int rem = v - base * parts;
        for (int p = 0; p < parts; ++p) {
          L.weights[(t * cin_g * parts + static_cast<std::size_t>(p) * cin_g + i) * out_c + o] =
              static_cast<std::int8_t>(base + (p < rem ? 1 : 0));
        }
      }
  g.in_c *= parts;
  return gemm && !trans_b ? 1 : 0;
}

void Importer::conv_like(const onnx::NodeProto& n, bool gemm) {
  Pending p;
  Layer& L = p.layer;
  L.node = n.name().empty() ? n.output(0) : n.name();
  L.onnx_op = n.op_type();
  const Val& x = get(n, 0);
  if (x.kind != Val::kDeq) fail(&n, "input " + n.input(0) + " is not a dequantized tensor");
  p.float_inputs.push_back(x.q);
  const Value& in = m_.values[static_cast<std::size_t>(x.q)];
  const Val& w = get(n, 1);
  if (w.kind != Val::kDeqConst) fail(&n, "the weights " + n.input(1) + " are not a dequantized constant");
  const int out_axis = weights(n, L, in, w.c, &w.z, gemm);
  const int out_c = L.g.out_c;
  L.zp_in = in.q.zp;
  if ((w.s.size() > 1 || w.z.size() > 1) && w.axis != out_axis) {
    fail(&n, "per-channel weight parameters along axis " + std::to_string(w.axis) + ", not the output channels' axis " +
                 std::to_string(out_axis));
  }
  if (w.s.size() != 1 && w.s.size() != static_cast<std::size_t>(out_c)) {
    fail(&n, "weight scale has " + std::to_string(w.s.size()) + " values for " + std::to_string(out_c) + " channels");
  }
  // per-channel weight scales (or one), and the bias
  L.os.mode = ref::RequantMode::kFloat32;
  L.os.bias.assign(static_cast<std::size_t>(out_c), 0);
  L.os.scale.assign(static_cast<std::size_t>(out_c), 0.0f);
  for (int o = 0; o < out_c; ++o) {
    const double ws = w.s.v[w.s.size() == 1 ? 0 : static_cast<std::size_t>(o)];
    if (!std::isfinite(ws) || ws <= 0) fail(&n, "weight scale " + std::to_string(ws) + " is not a positive finite number");
    L.os.scale[static_cast<std::size_t>(o)] = static_cast<float>(ws);  // combined at the QuantizeLinear
  }
  const int bias_i = 2;  // Conv and Gemm alike
  if (n.input_size() > bias_i && !n.input(bias_i).empty()) {
    const Val& b = get(n, bias_i);
    if (b.kind != Val::kDeqConst || b.c.type != onnx::TensorProto::INT32) {
      fail(&n, "the bias must be an int32 constant behind a DequantizeLinear");
    }
    if (b.c.size() != static_cast<std::size_t>(out_c)) fail(&n, "the bias has the wrong length");
    if (b.s.size() != 1 && b.s.size() != static_cast<std::size_t>(out_c)) fail(&n, "the bias scale has the wrong length");
    for (double z : b.z.v) {
      if (z != 0) fail(&n, "the bias zero point must be 0");
    }
    for (int o = 0; o < out_c; ++o) {
      const float want = in.q.scale * L.os.scale[static_cast<std::size_t>(o)];
      const double bs = b.s.v[b.s.size() == 1 ? 0 : static_cast<std::size_t>(o)];
      if (std::fabs(bs - want) > 1e-6 * want) {
        std::ostringstream os;
        os << "bias scale " << bs << " is not input scale x weight scale (" << want << ") for channel " << o;
        fail(&n, os.str());
      }
      L.os.bias[static_cast<std::size_t>(o)] = static_cast<std::int32_t>(b.c.v[static_cast<std::size_t>(o)]);
    }
  }
  pending_.push_back(std::move(p));
  Val v;
  v.kind = Val::kPending;
  v.pending = static_cast<int>(pending_.size()) - 1;
  vals_[n.output(0)] = v;
}

// The operator form: QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger
// (ONNX) and QLinearAdd, QLinearGlobalAveragePool (com.microsoft, as ONNX
// Runtime's quantizer writes them), each one layer from quantized inputs.
void Importer::operator_form(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  Layer L;
  L.node = n.name().empty() ? (n.output_size() ? n.output(0) : std::string("?")) : n.name();
  L.onnx_op = op;
  if (op == "QLinearAdd") {  // A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp
    L.op = Op::kAdd;
    const int a = quantized(n, 0), b = quantized(n, 3);
    use_q(n, a, 1, 2);
    use_q(n, b, 4, 5);
    const Value& va = m_.values[static_cast<std::size_t>(a)];
    const Value& vb = m_.values[static_cast<std::size_t>(b)];
    if (va.shape != vb.shape) fail(&n, "broadcasting QLinearAdd is not supported (shapes differ)");
    Value out;
    out.shape = va.shape;
    out.q = qparams(n, 6, 7, &out.is_uint8);
    try {
      add_requant(va.q, vb.q, out.q);
    } catch (const std::invalid_argument& e) {
      fail(&n, e.what());
    }
    L.inputs = {a, b};
    return add_layer(n, std::move(L), std::move(out));
  }
  if (op == "QLinearGlobalAveragePool") {  // X, x_scale, x_zp, y_scale, y_zp
    L.op = Op::kGlobalAvgPool;
    for (const auto& attr : n.attribute()) {
      if (attr.name() == "channels_last") {
        if (attr.i() != 0) fail(&n, "channels_last 1 is not supported (NCHW tensors)");
      } else {
        fail(&n, "attribute " + attr.name() + " is not supported");
      }
    }
    const int x = quantized(n, 0);
    use_q(n, x, 1, 2);
    const Value& in = m_.values[static_cast<std::size_t>(x)];
    if (in.shape.size() != 3) fail(&n, "needs a 4-D input");
    Value out;
    out.shape = {1, 1, in.shape[2]};
    out.q = qparams(n, 3, 4, &out.is_uint8);
    if (out.is_uint8 != in.is_uint8) fail(&n, "the output's type differs from the input's");
    // ONNX Runtime's scale (MLAS CheckQLinearGlobalAveragePoolScaleAndSize)
    const int hw = in.shape[0] * in.shape[1];
    L.pool_scale = in.q.scale / (out.q.scale * static_cast<float>(hw));
    if (!(L.pool_scale >= 0x1p-32f && L.pool_scale < 256.0f) || hw >= (1 << 24)) {
      fail(&n, "the scale x_scale / (y_scale * H * W) is outside [2^-32, 256)");
    }
    L.inputs = {x};
    return add_layer(n, std::move(L), std::move(out));
  }
  // QLinearConv:   x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp [, B]
  // QLinearMatMul: a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp
  // ConvInteger:   x, w [, x_zp [, w_zp]];  MatMulInteger: A, B [, a_zp [, b_zp]]
  const bool qlinear = op.rfind("QLinear", 0) == 0;
  const bool gemm = op.find("MatMul") != std::string::npos;
  const int x = quantized(n, 0);
  const Value& in = m_.values[static_cast<std::size_t>(x)];
  const int wi = qlinear ? 3 : 1;
  const Const& w = konst(n, wi);
  const int wz_i = qlinear ? 5 : 3;
  const Const* wz = wz_i < n.input_size() && !n.input(wz_i).empty() ? &konst(n, wz_i) : nullptr;
  if (qlinear && !wz) fail(&n, "the weight zero point is missing");
  weights(n, L, in, w, wz, gemm);
  const int out_c = L.g.out_c;
  Value out;
  out.shape = layer_shape(L, in);
  if (qlinear) {
    use_q(n, x, 1, 2);
    L.zp_in = in.q.zp;
    const Const& ws = konst(n, 4);
    if (ws.size() != 1 && ws.size() != static_cast<std::size_t>(out_c)) {
      fail(&n, "weight scale has " + std::to_string(ws.size()) + " values for " + std::to_string(out_c) + " channels");
    }
    out.q = qparams(n, 6, 7, &out.is_uint8);
    L.os.mode = ref::RequantMode::kFloat32;
    L.os.bias.assign(static_cast<std::size_t>(out_c), 0);
    L.os.scale.assign(static_cast<std::size_t>(out_c), 0.0f);
    L.os.zp_out = out.q.zp;
    for (int o = 0; o < out_c; ++o) {
      const double s = ws.v[ws.size() == 1 ? 0 : static_cast<std::size_t>(o)];
      if (!std::isfinite(s) || s <= 0) fail(&n, "weight scale " + std::to_string(s) + " is not a positive finite number");
      // ONNX Runtime's requantization scale: x_scale * w_scale / y_scale
      L.os.scale[static_cast<std::size_t>(o)] = in.q.scale * static_cast<float>(s) / out.q.scale;
    }
    if (!gemm && n.input_size() > 8 && !n.input(8).empty()) {
      const Const& b = konst(n, 8);
      if (b.type != onnx::TensorProto::INT32 || b.size() != static_cast<std::size_t>(out_c)) {
        fail(&n, "the bias must be int32 with one value per output channel");
      }
      for (int o = 0; o < out_c; ++o) L.os.bias[static_cast<std::size_t>(o)] = static_cast<std::int32_t>(b.v[static_cast<std::size_t>(o)]);
    }
  } else {
    // the input's zero point is the operator's own (its scale plays no part)
    L.zp_in = in.is_uint8 ? -128 : 0;
    if (n.input_size() > 2 && !n.input(2).empty()) {
      const Const& z = konst(n, 2);
      if (z.size() != 1) fail(&n, "the input zero point must be a scalar");
      if (z.type != (in.is_uint8 ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8)) {
        fail(&n, "the input zero point's type is not the input's");
      }
      L.zp_in = static_cast<std::int32_t>(z.v[0]) - (in.is_uint8 ? 128 : 0);
    }
    if (in.is_int32) fail(&n, in.name + " holds int32 accumulators: it can only be the graph's output");
    L.int32_out = true;
    out.is_int32 = true;
  }
  L.inputs = {x};
  add_layer(n, std::move(L), std::move(out));
}

void Importer::finish_pending(const onnx::NodeProto& n, int pending, QParams q, bool is_uint8) {
  Pending& p = pending_[static_cast<std::size_t>(pending)];
  Layer L = p.layer;
  if (L.output >= 0) fail(&n, "quantizes a float result twice");
  const Value& in = m_.values[static_cast<std::size_t>(p.float_inputs[0])];
  Value out;
  out.name = n.output(0);
  out.q = q;
  out.is_uint8 = is_uint8;
  auto qclamp = [&](float v) -> std::int32_t {
    if (v == -INFINITY) return -128;
    if (v == INFINITY) return 127;
    return quantize_value(v, q);
  };
  L.os.zp_out = q.zp;
  L.os.act_min = std::max(-128, qclamp(p.lo));
  L.os.act_max = std::min(127, qclamp(p.hi));
  if (L.os.act_min > L.os.act_max) fail(&n, "the fused clamp is empty");
  switch (L.op) {
    case Op::kConv:
    case Op::kGemm:
      out.shape = layer_shape(L, in);
      for (float& s : L.os.scale) s = combined_scale(in.q.scale, s, q.scale);
      break;
    case Op::kAdd:
      out.shape = in.shape;
      try {
        add_requant(in.q, m_.values[static_cast<std::size_t>(p.float_inputs[1])].q, q);
      } catch (const std::invalid_argument& e) {
        fail(&n, e.what());
      }
      break;
    case Op::kConcat:
      out.shape = in.shape;
      out.shape.back() = 0;
      for (int v : p.float_inputs) out.shape.back() += m_.values[static_cast<std::size_t>(v)].shape.back();
      break;
    case Op::kMaxPool:
    case Op::kAvgPool:
      out.shape = {(in.shape[0] + L.pad_top + L.pad_bottom - L.kernel_h) / L.stride_h + 1,
                   (in.shape[1] + L.pad_left + L.pad_right - L.kernel_w) / L.stride_w + 1, in.shape[2]};
      if (out.shape[0] < 1 || out.shape[1] < 1 || L.kernel_h < 1 || L.kernel_w < 1 || L.stride_h < 1 || L.stride_w < 1) {
        fail(&n, "pooling window does not fit the input");
      }
      break;
    case Op::kGlobalAvgPool:
      out.shape = {1, 1, in.shape[2]};
      // PyTorch's scale (its quantized adaptive average pool)
      L.pool_scale = (in.q.scale / q.scale) / static_cast<float>(in.shape[0] * in.shape[1]);
      break;
    case Op::kFlatten: {
      int e = 1;
      for (int d : in.shape) e *= d;
      out.shape = {e};
      break;
    }
  }
  if (p.same_q && (q.scale != in.q.scale || q.zp != in.q.zp)) {
    fail(&n, std::string(op_name(L.op)) + " with different input and output quantization is not supported");
  }
  if ((L.op == Op::kMaxPool || L.op == Op::kAvgPool || L.op == Op::kGlobalAvgPool || L.op == Op::kFlatten ||
       L.op == Op::kConcat) &&
      (p.lo != -INFINITY || p.hi != INFINITY)) {
    fail(&n, std::string("an activation fused into ") + op_name(L.op) + " is not supported");
  }
  L.inputs = p.float_inputs;
  m_.values.push_back(out);
  L.output = static_cast<int>(m_.values.size()) - 1;
  p.layer.output = L.output;
  m_.layers.push_back(std::move(L));
  Val v;
  v.kind = Val::kQuant;
  v.q = m_.layers.back().output;
  vals_[n.output(0)] = v;
}

Model Importer::run() {
  std::ifstream f(path_, std::ios::binary);
  if (!f) throw ImportError(path_ + ": cannot open");
  onnx::ModelProto mp;
  if (!mp.ParseFromIstream(&f)) throw ImportError(path_ + ": not an ONNX model (protobuf parse failed)");
  std::int64_t opset = -1;
  for (const auto& o : mp.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  }
  if (opset < 10) throw ImportError(path_ + ": opset " + std::to_string(opset) + " (10 or later is supported)");
  const onnx::GraphProto& gp = mp.graph();
  for (const auto& t : gp.initializer()) {
    Val v;
    v.c = tensor(t, nullptr);
    vals_[t.name()] = std::move(v);
  }
  for (const auto& [name, bytes] : constants_) {
    onnx::TensorProto t;
    if (!t.ParseFromString(bytes)) throw ImportError(path_ + ": the tensor given for " + name + " does not parse");
    bool is_input = false;
    for (const auto& in : gp.input()) is_input |= in.name() == name;
    if (!is_input) throw ImportError(path_ + ": " + name + " is not a graph input");
    Val v;
    v.c = tensor(t, nullptr);
    vals_[name] = std::move(v);
  }
  for (const auto& in : gp.input()) {
    if (vals_.count(in.name())) continue;  // an initializer listed as an input, or a bound constant
    if (!m_.input_name.empty()) throw ImportError(path_ + ": more than one graph input (" + in.name() + ")");
    m_.input_name = in.name();
    const auto& tt = in.type().tensor_type();
    const int type = tt.elem_type();
    if (type != onnx::TensorProto::FLOAT && type != onnx::TensorProto::UINT8 && type != onnx::TensorProto::INT8) {
      throw ImportError(path_ + ": input " + in.name() + " is " + type_name(type) + " (float32, uint8 or int8 only)");
    }
    const auto& dims = tt.shape().dim();
    if (dims.size() < 1 || dims.size() > 4) {
      throw ImportError(path_ + ": input " + in.name() + " has rank " + std::to_string(dims.size()) + " (1 to 4 only)");
    }
    m_.batched = dims.size() > 1;
    for (int i = m_.batched ? 1 : 0; i < dims.size(); ++i) {
      if (!dims[i].has_dim_value() || dims[i].dim_value() < 1 || dims[i].dim_value() > 65536) {
        throw ImportError(path_ + ": input " + in.name() + " dimension " + std::to_string(i) + " must be a fixed size");
      }
      m_.input_chw.push_back(static_cast<int>(dims[i].dim_value()));
    }
    Val v;
    v.kind = Val::kFloatIn;
    if (type != onnx::TensorProto::FLOAT) {  // quantized as it comes: its first reader gives the parameters
      m_.input_float = false;
      Value q;
      q.name = in.name();
      q.is_uint8 = type == onnx::TensorProto::UINT8;
      q.shape = m_.input_chw.size() == 3 ? std::vector<int>{m_.input_chw[1], m_.input_chw[2], m_.input_chw[0]}
                                         : m_.input_chw;
      m_.values.push_back(q);
      unknown_q_.push_back(0);
      float_input_value_ = 0;
      v.kind = Val::kQuant;
      v.q = 0;
    }
    vals_[in.name()] = v;
  }
  if (m_.input_name.empty()) throw ImportError(path_ + ": the graph has no input");
  for (const auto& n : gp.node()) node(n);
  if (gp.output_size() != 1) throw ImportError(path_ + ": the graph must have one output");
  m_.output_name = gp.output(0).name();
  const auto it = vals_.find(m_.output_name);
  if (it == vals_.end()) throw ImportError(path_ + ": the output " + m_.output_name + " is not produced");
  if (it->second.kind == Val::kDeq) {
    m_.output_float = true;
  } else if (it->second.kind == Val::kQuant) {
    m_.output_float = false;
  } else {
    throw ImportError(path_ + ": the output " + m_.output_name + " is not a quantized tensor or its DequantizeLinear");
  }
  m_.output = it->second.q;
  for (const auto& p : pending_) {
    if (p.layer.output < 0) throw ImportError(path_ + ": node " + p.layer.node + ": its float result is never quantized");
  }
  return std::move(m_);
}

}  // namespace

std::int8_t quantize_value(float x, QParams q) {
  // ONNX QuantizeLinear, saturate(round_half_even(x / scale) + zero_point),
  // with x / scale computed as x * (1 / scale) in binary32, as PyTorch's
  // quantize_per_tensor does: the two differ when x / scale is within a
  // rounding error of a half-integer (1 of the 301,056 random inputs of
  // the ResNet-18 benchmark), and the reference is PyTorch's.
  const float r = std::nearbyint(x * (1.0f / q.scale));
  const double v = static_cast<double>(r) + q.zp;
  return static_cast<std::int8_t>(std::min(127.0, std::max(-128.0, v)));
}

Tensor read_tensor_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ImportError(path + ": cannot open");
  onnx::TensorProto t;
  if (!t.ParseFromIstream(&f)) throw ImportError(path + ": not an ONNX TensorProto");
  const Const c = decode_tensor(t, [&](const std::string& what) { throw ImportError(path + ": " + what); });
  Tensor r;
  r.shape = c.dims;
  if (c.type == onnx::TensorProto::FLOAT) {
    r.dtype = "f4";
    r.bytes.resize(4 * c.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
      const float v = static_cast<float>(c.v[i]);  // exact: read from a float
      std::memcpy(r.bytes.data() + 4 * i, &v, 4);
    }
  } else if (c.type == onnx::TensorProto::UINT8 || c.type == onnx::TensorProto::INT8) {
    r.dtype = c.type == onnx::TensorProto::UINT8 ? "u1" : "i1";
    for (double v : c.v) r.bytes.push_back(static_cast<std::uint8_t>(static_cast<int>(v)));
  } else {
    throw ImportError(path + ": " + type_name(c.type) + " elements (float32, uint8 or int8 only)");
  }
  return r;
}

Model import_onnx(const std::string& path, const std::map<std::string, std::string>& constants) {
  return Importer(path, constants).run();
}

namespace {
// Element i of a batch item in the graph's order (NCHW for rank 4) is
// element graph_to_stored(v, i) of the stored item (NHWC).
std::size_t graph_to_stored(const Value& v, std::size_t i) {
  if (v.shape.size() != 3) return i;
  const std::size_t h = static_cast<std::size_t>(v.shape[0]), w = static_cast<std::size_t>(v.shape[1]),
                    c = static_cast<std::size_t>(v.shape[2]);
  return (i % (h * w)) * c + i / (h * w);
}
}  // namespace

std::vector<std::int8_t> quantize_input(const Model& m, const float* x, int n) {
  const Value& v = m.values.at(0);
  const std::size_t per = m.elems(0);
  std::vector<std::int8_t> q(per * static_cast<std::size_t>(n));
  for (int b = 0; b < n; ++b)
    for (std::size_t i = 0; i < per; ++i) {
      q[static_cast<std::size_t>(b) * per + graph_to_stored(v, i)] =
          quantize_value(x[static_cast<std::size_t>(b) * per + i], v.q);
    }
  return q;
}

AddRequant add_requant(QParams qa, QParams qb, QParams qy) {
  // PyTorch's quantized add (qnnpack engine) in fixed point: each input's
  // scale over the output's, in binary32, as an integer multiplier of up to
  // 22 bits, both sharing the shift that puts the larger in [2^21, 2^22).
  const float ra = qa.scale / qy.scale, rb = qb.scale / qy.scale;
  const float big = std::max(ra, rb);
  std::uint32_t bits;
  std::memcpy(&bits, &big, 4);
  const int exponent = static_cast<int>(bits >> 23) - 127;
  AddRequant r;
  r.shift = 21 - exponent;
  if (!(ra >= 0x1p-14f && rb >= 0x1p-14f && big < 0x1p+8f) || r.shift < 13 || r.shift > 31) {
    std::ostringstream os;
    os << "input-to-output scale ratios " << ra << " and " << rb
       << " outside what the add supports (each at least 2^-14, the larger in [2^-10, 2^8))";
    throw std::invalid_argument(os.str());
  }
  const float to_fixed = std::ldexp(1.0f, r.shift);  // exact: a power of two
  r.mult_a = static_cast<std::int32_t>(std::nearbyint(ra * to_fixed));
  r.mult_b = static_cast<std::int32_t>(std::nearbyint(rb * to_fixed));
  return r;
}

void add_q(const std::int8_t* a, QParams qa, const std::int8_t* b, QParams qb, QParams qy, std::size_t n,
           std::int8_t* y) {
  const AddRequant r = add_requant(qa, qb, qy);
  for (std::size_t i = 0; i < n; ++i) {
    // |products| < 2^8 * 2^22 each: the sum fits int32 (qnnpack's range)
    const std::int32_t acc = r.mult_a * (a[i] - qa.zp) + r.mult_b * (b[i] - qb.zp);
    // acc / 2^shift, rounded half away from zero: the floor, plus one if
    // the remainder is above half (at least half for a non-negative acc)
    const std::int32_t mask = (std::int32_t{1} << r.shift) - 1;
    const std::int32_t rem = (acc & mask) - (acc < 0 ? 1 : 0);
    const std::int32_t q = (acc >> r.shift) + (rem > (mask >> 1) ? 1 : 0);
    y[i] = static_cast<std::int8_t>(std::min(127, std::max(-128, q + qy.zp)));
  }
}

void global_avg_pool_q(const std::int8_t* x, QParams qx, int n, int hw, int c, QParams qy, float scale,
                       std::int8_t* y) {
  // The exact sum of (x - zp) rescaled like a requantized accumulator:
  // round_half_even(float32(sum) * scale), as PyTorch's quantized adaptive
  // average pool (checked against it: 0 of 128,000 outputs differ on the
  // Fashion-MNIST model) and ONNX Runtime's MLAS compute it.
  for (int b = 0; b < n; ++b) {
    for (int ci = 0; ci < c; ++ci) {
      std::int32_t sum = 0;
      for (int i = 0; i < hw; ++i) sum += x[(static_cast<std::size_t>(b) * hw + i) * c + ci] - qx.zp;
      y[static_cast<std::size_t>(b) * c + ci] = ref::requantize_float(sum, 0, scale, qy.zp, -128, 127);
    }
  }
}

namespace {
// A Conv/Gemm layer's input as its weights read it: with k_split parts,
// each group's channels k_split times over (Layer::k_split).
std::vector<std::int8_t> expand_input(const Layer& L, const std::vector<std::int8_t>& x) {
  if (L.k_split == 1) return x;
  const std::size_t c = static_cast<std::size_t>(L.g.in_c / L.k_split);
  const std::size_t cin_g = c / static_cast<std::size_t>(L.g.groups), parts = static_cast<std::size_t>(L.k_split);
  std::vector<std::int8_t> e(x.size() * parts);
  for (std::size_t px = 0; px < x.size() / c; ++px)
    for (std::size_t gr = 0; gr < static_cast<std::size_t>(L.g.groups); ++gr)
      for (std::size_t p = 0; p < parts; ++p)
        for (std::size_t i = 0; i < cin_g; ++i)
          e[px * c * parts + (gr * parts + p) * cin_g + i] = x[px * c + gr * cin_g + i];
  return e;
}

// One layer on the golden kernels or the host operators: t[L.output] from
// t[L.inputs].
void run_layer_ref(const Model& m, const Layer& L, std::vector<std::vector<std::int8_t>>& t, int n) {
  {
    const Value& in = m.values[static_cast<std::size_t>(L.inputs[0])];
    const Value& out = m.values[static_cast<std::size_t>(L.output)];
    std::vector<std::int8_t>& y = t[static_cast<std::size_t>(L.output)];
    y.assign(static_cast<std::size_t>(n) * m.bytes(L.output), 0);
    const std::vector<std::int8_t>& x = t[static_cast<std::size_t>(L.inputs[0])];
    switch (L.op) {
      case Op::kConv:
      case Op::kGemm: {
        ref::ConvGeometry g = L.g;
        g.batch = n;
        const std::vector<std::int8_t> xe = expand_input(L, x);
        if (L.int32_out) {
          std::vector<std::int32_t> acc(y.size() / 4);
          ref::conv2d_acc_i32(g, xe.data(), L.weights.data(), L.zp_in, acc.data());
          std::memcpy(y.data(), acc.data(), y.size());
        } else {
          ref::conv2d_i8(g, xe.data(), L.weights.data(), L.zp_in, L.os, y.data());
        }
        break;
      }
      case Op::kAdd: {
        const Value& in2 = m.values[static_cast<std::size_t>(L.inputs[1])];
        add_q(x.data(), in.q, t[static_cast<std::size_t>(L.inputs[1])].data(), in2.q, out.q, y.size(), y.data());
        for (auto& v : y) v = static_cast<std::int8_t>(std::min<int>(std::max<int>(v, L.os.act_min), L.os.act_max));
        break;
      }
      case Op::kMaxPool:
      case Op::kAvgPool: {
        const int h = in.shape[0], w = in.shape[1], c = in.shape[2];
        const int oh = out.shape[0], ow = out.shape[1];
        for (int b = 0; b < n; ++b)
          for (int oy = 0; oy < oh; ++oy)
            for (int ox = 0; ox < ow; ++ox)
              for (int ci = 0; ci < c; ++ci) {
                int best = -128, sum = 0, inside = 0;
                for (int ky = 0; ky < L.kernel_h; ++ky)
                  for (int kx = 0; kx < L.kernel_w; ++kx) {
                    const int iy = oy * L.stride_h - L.pad_top + ky, ix = ox * L.stride_w - L.pad_left + kx;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;  // padding: never the max, x - zp = 0
                    const int v = x[((static_cast<std::size_t>(b) * h + iy) * w + ix) * c + ci];
                    best = std::max(best, v);
                    sum += v - in.q.zp;
                    ++inside;
                  }
                int r = best;
                if (L.op == Op::kAvgPool) {
                  // the exact mean of x - zp, rounded half to even (PyTorch's
                  // quantized avg_pool2d: 0 of 5,728 outputs differ, ties included)
                  const int count = L.count_include_pad ? L.kernel_h * L.kernel_w : std::max(inside, 1);
                  int q = sum / count, rem = sum % count;
                  if (rem < 0) rem += count, --q;  // floor division
                  if (2 * rem > count || (2 * rem == count && (q & 1))) ++q;
                  r = std::min(127, std::max(-128, q + out.q.zp));
                }
                y[((static_cast<std::size_t>(b) * oh + oy) * ow + ox) * c + ci] = static_cast<std::int8_t>(r);
              }
        break;
      }
      case Op::kConcat: {
        // each input requantized to the output's parameters as PyTorch's
        // quantized cat does: dequantized in binary32, quantized with the
        // reciprocal scale (quantize_value); copied where they are equal
        const std::size_t rows = y.size() / static_cast<std::size_t>(out.shape.back());
        std::size_t c0 = 0;
        for (int v : L.inputs) {
          const Value& iv = m.values[static_cast<std::size_t>(v)];
          const std::vector<std::int8_t>& xv = t[static_cast<std::size_t>(v)];
          const std::size_t c = static_cast<std::size_t>(iv.shape.back());
          const bool same = iv.q.scale == out.q.scale && iv.q.zp == out.q.zp;
          for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t i = 0; i < c; ++i) {
              const std::int8_t a = xv[r * c + i];
              y[r * static_cast<std::size_t>(out.shape.back()) + c0 + i] =
                  same ? a : quantize_value(static_cast<float>(a - iv.q.zp) * iv.q.scale, out.q);
            }
          c0 += c;
        }
        break;
      }
      case Op::kGlobalAvgPool:
        global_avg_pool_q(x.data(), in.q, n, in.shape[0] * in.shape[1], in.shape[2], out.q, L.pool_scale, y.data());
        break;
      case Op::kFlatten: {
        // the graph's order is NCHW: channel-major
        if (in.shape.size() == 3 && out.shape.size() == 1) {
          const int h = in.shape[0], w = in.shape[1], c = in.shape[2];
          for (int b = 0; b < n; ++b)
            for (int ci = 0; ci < c; ++ci)
              for (int i = 0; i < h * w; ++i)
                y[(static_cast<std::size_t>(b) * c + ci) * h * w + i] = x[(static_cast<std::size_t>(b) * h * w + i) * c + ci];
        } else {
          y = x;
        }
        break;
      }
    }
  }
}
}  // namespace

std::vector<std::vector<std::int8_t>> run_reference(const Model& m, const std::vector<std::int8_t>& input, int n) {
  std::vector<std::vector<std::int8_t>> t(m.values.size());
  t[0] = input;
  for (const Layer& L : m.layers) run_layer_ref(m, L, t, n);
  return t;
}

namespace {
std::uint64_t layer_macs(const Layer& L, const Value& out, int n) {
  if (L.op != Op::kConv && L.op != Op::kGemm) return 0;
  // (the model's MACs: a split layer's extra parts are not useful work)
  const std::uint64_t per_out =
      static_cast<std::uint64_t>(L.g.kernel_h) * L.g.kernel_w * (L.g.in_c / L.k_split / L.g.groups);
  std::uint64_t outs = static_cast<std::uint64_t>(n);
  for (int d : out.shape) outs *= static_cast<std::uint64_t>(d);
  return outs * per_out;
}
}  // namespace

ConvProblem conv_problem(const Layer& L, int n) {
  ConvProblem p;
  p.g = L.g;
  p.g.batch = n;
  p.weights = L.weights.data();
  p.zp_in = L.zp_in;
  p.os = L.os;
  return p;
}

std::vector<std::vector<std::int8_t>> run_device(Session& s, const Model& m, const std::vector<std::int8_t>& input,
                                                 int n, std::vector<LayerRun>* runs, const Timeout& timeout,
                                                 bool fetch_all) {
  Device& dev = s.device();
  const std::size_t nv = m.values.size();
  std::vector<std::vector<std::int8_t>> t(nv);
  t[0] = input;
  // where each tensor's current copy is: host, device or both
  std::vector<char> on_host(nv, 0), on_dev(nv, 0), has_buf(nv, 0);
  std::vector<std::uint64_t> addr(nv, 0);
  on_host[0] = 1;
  auto size = [&](int v) { return static_cast<std::size_t>(n) * m.bytes(v); };
  auto device_layer = [](const Layer& L) { return (L.op == Op::kConv || L.op == Op::kGemm) && !L.int32_out; };
  // a device buffer for every tensor a device layer reads or writes, for the
  // whole run: a device layer's output stays there for the next
  dev.free_all();
  for (const Layer& L : m.layers) {
    if (!device_layer(L)) continue;
    for (int v : {L.k_split == 1 ? L.inputs[0] : -1, L.output}) {
      if (v < 0 || has_buf[static_cast<std::size_t>(v)]) continue;
      addr[static_cast<std::size_t>(v)] = dev.alloc(size(v));
      has_buf[static_cast<std::size_t>(v)] = 1;
    }
  }
  const std::uint64_t layer_mark = dev.allocated_end();  // each layer's weights and programs go above
  auto fetch = [&](int v, LayerRun* r) {
    const std::size_t i = static_cast<std::size_t>(v);
    if (on_host[i] || !on_dev[i]) return;
    t[i].resize(size(v));
    dev.copy_from_device(t[i].data(), addr[i], size(v));
    on_host[i] = 1;
    if (r) r->host_bytes += size(v);
  };
  // readers of each tensor (the graph's output counts as one)
  std::vector<int> readers(nv, 0);
  for (const Layer& L : m.layers) {
    for (int v : L.inputs) ++readers[static_cast<std::size_t>(v)];
  }
  ++readers[static_cast<std::size_t>(m.output)];
  auto problem = [&](const Layer& L) { return conv_problem(L, n); };
  for (std::size_t li = 0; li < m.layers.size(); ++li) {
    const Layer& L = m.layers[li];
    LayerRun r;
    r.layer = &L;
    const std::size_t out = static_cast<std::size_t>(L.output);
    // An expansion whose only reader is the depthwise layer after it: the
    // two fused where the runtime chooses (expand_dwconv_chosen), the
    // expanded tensor never written (with fetch_all, made on the host as
    // well, for the caller).
    const Layer* next = li + 1 < m.layers.size() ? &m.layers[li + 1] : nullptr;
    if (device_layer(L) && L.k_split == 1 && next && device_layer(*next) && next->k_split == 1 &&
        next->inputs[0] == L.output && readers[out] == 1 && expand_dwconv_chosen(s, problem(L), problem(*next))) {
      const std::size_t ii = static_cast<std::size_t>(L.inputs[0]);
      if (!on_dev[ii]) {  // (a host operator's output, e.g. a residual add's)
        dev.copy_to_device(addr[ii], t[ii].data(), size(L.inputs[0]));
        on_dev[ii] = 1;
        r.host_bytes += size(L.inputs[0]);
      }
      const GemmStats st = expand_dwconv_resident(s, problem(L), problem(*next), addr[static_cast<std::size_t>(L.inputs[0])],
                                                  addr[static_cast<std::size_t>(next->output)], timeout);
      dev.free_to(layer_mark);
      if (fetch_all) {
        fetch(L.inputs[0], nullptr);
        run_layer_ref(m, L, t, n);
        on_host[out] = 1;
      }
      r.on_device = true;
      r.fused_with_next = true;
      r.cycles = st.perf.cycles;
      r.dram_bytes = st.perf.bytes_read + st.perf.bytes_written;
      r.useful_macs = layer_macs(L, m.values[out], n);
      LayerRun r2;  // (the pair's cycles and bytes on the first of the two)
      r2.layer = next;
      r2.on_device = true;
      r2.useful_macs = layer_macs(*next, m.values[static_cast<std::size_t>(next->output)], n);
      on_dev[static_cast<std::size_t>(next->output)] = 1;
      on_host[static_cast<std::size_t>(next->output)] = 0;
      if (runs) {
        runs->push_back(r);
        runs->push_back(r2);
      }
      ++li;
      continue;
    }
    if (device_layer(L)) {
      const int in = L.inputs[0];
      const std::size_t ii = static_cast<std::size_t>(in);
      std::uint64_t in_dev = 0;
      ConvProblem p = problem(L);
      ConvProblem run = p;
      std::vector<std::int8_t> stacked_in, stacked_w;
      if (L.k_split > 1) {  // the split weights read the input's channels k_split times: a host re-layout
        fetch(in, &r);
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<std::int8_t> xe = expand_input(L, t[ii]);
        r.host_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        in_dev = dev.alloc(xe.size());
        dev.copy_to_device(in_dev, xe.data(), xe.size());
        r.host_bytes += xe.size();
      } else if (!on_dev[ii]) {
        // from the host: a few-channel layer's input is re-laid out on the
        // way (its kernel rows side by side), as conv2d does
        p.input = t[ii].data();
        const auto t0 = std::chrono::steady_clock::now();
        const bool stack = stack_kernel_rows(p, static_cast<int>(s.config().rows), run, stacked_in, stacked_w);
        r.host_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (stack) {
          in_dev = dev.alloc(stacked_in.size());
          dev.copy_to_device(in_dev, stacked_in.data(), stacked_in.size());
          r.host_bytes += stacked_in.size();
        } else {
          dev.copy_to_device(addr[ii], t[ii].data(), size(in));
          on_dev[ii] = 1;
          r.host_bytes += size(in);
          in_dev = addr[ii];
        }
      } else {
        in_dev = addr[ii];
      }
      const GemmStats st = conv2d_resident(s, run, in_dev, addr[out], timeout);
      dev.free_to(layer_mark);
      on_dev[out] = 1;
      on_host[out] = 0;
      r.on_device = true;
      r.cycles = st.perf.cycles;
      r.dram_bytes = st.perf.bytes_read + st.perf.bytes_written;
      r.useful_macs = layer_macs(L, m.values[out], n);
    } else {
      for (int in : L.inputs) fetch(in, &r);
      const auto t0 = std::chrono::steady_clock::now();
      run_layer_ref(m, L, t, n);
      r.host_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      on_host[out] = 1;
      on_dev[out] = 0;
    }
    if (runs) runs->push_back(r);
  }
  // the graph's output (with fetch_all, every tensor) back to the host
  for (std::size_t v = 0; v < nv; ++v) {
    if (fetch_all || static_cast<int>(v) == m.output) fetch(static_cast<int>(v), nullptr);
  }
  return t;
}


std::vector<float> dequantize_output(const Model& m, const std::vector<std::int8_t>& out, int n) {
  const Value& v = m.values.at(static_cast<std::size_t>(m.output));
  const std::size_t per = m.elems(m.output);
  std::vector<float> f(per * static_cast<std::size_t>(n));
  for (int b = 0; b < n; ++b) {
    for (std::size_t i = 0; i < per; ++i) {
      const std::size_t src = static_cast<std::size_t>(b) * per + graph_to_stored(v, i);
      float& y = f[static_cast<std::size_t>(b) * per + i];
      if (v.is_int32) {
        std::int32_t a;
        std::memcpy(&a, out.data() + 4 * src, 4);
        y = static_cast<float>(a);
      } else {
        y = static_cast<float>(out[src] - v.q.zp) * v.q.scale;
      }
    }
  }
  return f;
}

std::vector<std::int8_t> raw_input(const Model& m, const std::uint8_t* x, int n) {
  const Value& v = m.values.at(0);
  const std::size_t per = m.elems(0);
  std::vector<std::int8_t> q(per * static_cast<std::size_t>(n));
  for (int b = 0; b < n; ++b)
    for (std::size_t i = 0; i < per; ++i) {
      const std::uint8_t raw = x[static_cast<std::size_t>(b) * per + i];
      q[static_cast<std::size_t>(b) * per + graph_to_stored(v, i)] =
          static_cast<std::int8_t>(v.is_uint8 ? raw - 128 : static_cast<std::int8_t>(raw));
    }
  return q;
}

Tensor output_tensor(const Model& m, const std::vector<std::int8_t>& out, int n) {
  const Value& v = m.values.at(static_cast<std::size_t>(m.output));
  Tensor t;
  if (m.batched) t.shape.push_back(n);
  if (v.shape.size() == 3) {
    t.shape.insert(t.shape.end(), {v.shape[2], v.shape[0], v.shape[1]});
  } else {
    t.shape.insert(t.shape.end(), v.shape.begin(), v.shape.end());
  }
  const std::size_t per = m.elems(m.output), count = per * static_cast<std::size_t>(n);
  if (m.output_float) {
    t.dtype = "f4";
    const std::vector<float> f = dequantize_output(m, out, n);
    t.bytes.resize(4 * count);
    std::memcpy(t.bytes.data(), f.data(), t.bytes.size());
    return t;
  }
  const std::size_t size = v.is_int32 ? 4 : 1;
  t.dtype = v.is_int32 ? "i4" : v.is_uint8 ? "u1" : "i1";
  t.bytes.resize(size * count);
  for (int b = 0; b < n; ++b)
    for (std::size_t i = 0; i < per; ++i) {
      const std::size_t src = static_cast<std::size_t>(b) * per + graph_to_stored(v, i);
      const std::size_t dst = static_cast<std::size_t>(b) * per + i;
      if (v.is_int32) {
        std::memcpy(t.bytes.data() + 4 * dst, out.data() + 4 * src, 4);
      } else {
        t.bytes[dst] = static_cast<std::uint8_t>(v.is_uint8 ? out[src] + 128 : out[src]);
      }
    }
  return t;
}

}  // namespace abacus::model
